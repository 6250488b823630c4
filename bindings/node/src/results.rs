//! Results out: the core's `Check` as a JavaScript object, and a batch as rows or columns.
//!
//! Pure conversion, tuned because a batch is millions of rows and every Node-API call costs:
//! - one object: created by a small JavaScript function that takes the fourteen values as
//!   arguments (one call; V8 builds the object literal with a fixed shape), instead of
//!   fourteen property definitions through Node-API;
//! - arrays: filled by `Array.prototype.push` with a few thousand values per call (one
//!   Node-API call per block, not per element; the array stays packed, where `new Array(n)`
//!   past 100,000 elements is a hash table in V8);
//! - columns: booleans, codes, `null` and warning lists are shared values, and equal texts in
//!   one row (input, address, ASCII address, canonical key) share one string.
use std::cell::RefCell;
use std::ffi::CStr;
use std::ptr;

use mailhygiene::Check;
use napi::bindgen_prelude::*;
use napi::sys;
use napi_derive::napi;

use crate::convert::Texts;

/// Everything known about one input: the core's `Check`, with camelCase keys.
#[napi(
    object,
    use_nullable = true,
    object_to_js = false,
    object_from_js = false
)]
pub struct CheckResult {
    /// The input as given.
    pub input: String,
    /// Whether the (extracted) input is a valid address.
    pub valid: bool,
    /// The stable error code when invalid (e.g. `"consecutive_dots"`), otherwise `null`.
    pub error: Option<&'static str>,
    /// The human-readable message when invalid, otherwise `null`. May be reworded over time;
    /// branch on `error`.
    pub message: Option<String>,
    /// The deliverable address: local part in NFC as written, domain lowercased Unicode.
    pub address: Option<String>,
    /// The same address with the domain in A-labels (punycode).
    pub address_ascii: Option<String>,
    /// The canonical key for de-duplication and suppression matching (not an address to send to).
    pub canonical: Option<String>,
    /// A corrected full address when the domain looks mistyped (also for invalid input).
    pub suggestion: Option<String>,
    /// A role account (`info@`, `noreply@`).
    pub role: bool,
    /// A disposable domain.
    pub disposable: bool,
    /// A privacy relay or forwarder.
    pub relay: bool,
    /// A free consumer mailbox provider.
    pub free: bool,
    /// What extraction changed (`trimmed_whitespace`, `removed_display_name`, …), in order.
    pub warnings: Vec<&'static str>,
    /// The provider rules that shaped the canonical key (`domain_alias`, `strip_dots`, `strip_tag`).
    pub rules: Vec<&'static str>,
}

/// The results of a batch as one array per field: `columns.valid[i]` belongs to `input[i]`.
///
/// Built without creating one object per row, which is what a bulk import wants. The
/// `warnings` and `rules` entries are frozen arrays, shared between rows with the same list;
/// every other entry is a string, boolean or `null` as in `CheckResult`.
#[napi(object, object_to_js = false, object_from_js = false)]
#[allow(dead_code)] // declares the shape of `Batch::Columns` in index.d.ts
pub struct CheckColumns {
    /// The inputs as given.
    pub input: Vec<String>,
    /// Whether each input is valid.
    pub valid: Vec<bool>,
    /// The error code per row, `null` when valid.
    #[napi(ts_type = "Array<string | null>")]
    pub error: Vec<String>,
    /// The message per row, `null` when valid.
    #[napi(ts_type = "Array<string | null>")]
    pub message: Vec<String>,
    /// The deliverable address per row, `null` when invalid.
    #[napi(ts_type = "Array<string | null>")]
    pub address: Vec<String>,
    /// The address with an A-label domain per row, `null` when invalid.
    #[napi(ts_type = "Array<string | null>")]
    pub address_ascii: Vec<String>,
    /// The canonical key per row, `null` when invalid.
    #[napi(ts_type = "Array<string | null>")]
    pub canonical: Vec<String>,
    /// The suggested correction per row, or `null`.
    #[napi(ts_type = "Array<string | null>")]
    pub suggestion: Vec<String>,
    /// Role account per row.
    pub role: Vec<bool>,
    /// Disposable domain per row.
    pub disposable: Vec<bool>,
    /// Privacy relay per row.
    pub relay: Vec<bool>,
    /// Free provider per row.
    pub free: Vec<bool>,
    /// Extraction warning codes per row (frozen, shared arrays).
    #[napi(ts_type = "Array<ReadonlyArray<string>>")]
    pub warnings: Vec<Vec<String>>,
    /// Provider rule codes per row (frozen, shared arrays).
    #[napi(ts_type = "Array<ReadonlyArray<string>>")]
    pub rules: Vec<Vec<String>>,
}

impl From<Check> for CheckResult {
    fn from(c: Check) -> Self {
        CheckResult {
            input: c.input,
            valid: c.valid,
            error: c.error,
            message: c.message,
            address: c.address,
            address_ascii: c.address_ascii,
            canonical: c.canonical,
            suggestion: c.suggestion,
            role: c.role,
            disposable: c.disposable,
            relay: c.relay,
            free: c.free,
            warnings: c.warnings.iter().map(|w| w.code()).collect(),
            rules: c.rules.iter().map(|r| r.code()).collect(),
        }
    }
}

impl ToNapiValue for CheckResult {
    unsafe fn to_napi_value(env: sys::napi_env, c: Self) -> Result<sys::napi_value> {
        let mut js = Js::new(env)?;
        js.object(&c)
    }
}

/// The output of a batch: rows or columns.
pub enum Batch {
    Rows(Vec<Check>),
    /// The inputs (the core's columns do not repeat them) and the result columns.
    Columns(Texts, mailhygiene::CheckColumns),
}

impl TypeName for Batch {
    fn type_name() -> &'static str {
        "Array<CheckResult> | CheckColumns"
    }
    fn value_type() -> ValueType {
        ValueType::Object
    }
}

impl ToNapiValue for Batch {
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> Result<sys::napi_value> {
        let mut js = Js::new(env)?;
        match val {
            Batch::Rows(checks) => {
                let mut arr = ptr::null_mut();
                check_status!(sys::napi_create_array_with_length(
                    env,
                    checks.len(),
                    &mut arr
                ))?;
                for (i, c) in checks.into_iter().enumerate() {
                    let v = js.object(&c.into())?;
                    check_status!(sys::napi_set_element(env, arr, i as u32, v))?;
                }
                Ok(arr)
            }
            Batch::Columns(inputs, cols) => js.columns(&inputs, &cols),
        }
    }
}

/// Elements appended per `Array.prototype.push` call (well under V8's argument limits).
const PUSH_BLOCK: usize = 2048;

const FIELDS: [&CStr; 14] = [
    c"input",
    c"valid",
    c"error",
    c"message",
    c"address",
    c"addressAscii",
    c"canonical",
    c"suggestion",
    c"role",
    c"disposable",
    c"relay",
    c"free",
    c"warnings",
    c"rules",
];

/// Builds a `CheckResult` object from its fourteen values, in `FIELDS` order.
const FACTORY: &str = "(function (input, valid, error, message, address, addressAscii, canonical, \
    suggestion, role, disposable, relay, free, warnings, rules) { return { input, valid, error, \
    message, address, addressAscii, canonical, suggestion, role, disposable, relay, free, \
    warnings, rules } })";

thread_local! {
    /// The factory function per JavaScript environment on this thread (main thread or worker).
    static FACTORIES: RefCell<Vec<(usize, sys::napi_ref)>> = const { RefCell::new(Vec::new()) };
}

unsafe fn factory(env: sys::napi_env) -> Result<sys::napi_value> {
    let found = FACTORIES.with(|f| {
        f.borrow()
            .iter()
            .find(|(e, _)| *e == env as usize)
            .map(|(_, r)| *r)
    });
    let mut value = ptr::null_mut();
    if let Some(r) = found {
        check_status!(sys::napi_get_reference_value(env, r, &mut value))?;
        if !value.is_null() {
            return Ok(value);
        }
    }
    let source = string(env, FACTORY)?;
    check_status!(sys::napi_run_script(env, source, &mut value))?;
    let mut r = ptr::null_mut();
    check_status!(sys::napi_create_reference(env, value, 1, &mut r))?;
    FACTORIES.with(|f| f.borrow_mut().push((env as usize, r)));
    check_status!(sys::napi_add_env_cleanup_hook(
        env,
        Some(forget_factory),
        env.cast()
    ))?;
    Ok(value)
}

unsafe extern "C" fn forget_factory(env: *mut std::ffi::c_void) {
    FACTORIES.with(|f| f.borrow_mut().retain(|(e, _)| *e != env as usize));
}

/// A JavaScript string; Latin-1 creation (a copy) for ASCII, UTF-8 decoding otherwise.
pub(crate) unsafe fn string(env: sys::napi_env, s: &str) -> Result<sys::napi_value> {
    let mut v = ptr::null_mut();
    if s.is_ascii() {
        check_status!(sys::napi_create_string_latin1(
            env,
            s.as_ptr().cast(),
            s.len() as isize,
            &mut v
        ))?;
    } else {
        check_status!(sys::napi_create_string_utf8(
            env,
            s.as_ptr().cast(),
            s.len() as isize,
            &mut v
        ))?;
    }
    Ok(v)
}

/// Values reused within one conversion (valid for the current handle scope).
struct Js {
    env: sys::napi_env,
    null: sys::napi_value,
    t: sys::napi_value,
    f: sys::napi_value,
    codes: Vec<(&'static str, sys::napi_value)>,
    lists: Vec<(Vec<&'static str>, sys::napi_value)>,
}

impl Js {
    unsafe fn new(env: sys::napi_env) -> Result<Self> {
        let mut null = ptr::null_mut();
        let mut t = ptr::null_mut();
        let mut f = ptr::null_mut();
        check_status!(sys::napi_get_null(env, &mut null))?;
        check_status!(sys::napi_get_boolean(env, true, &mut t))?;
        check_status!(sys::napi_get_boolean(env, false, &mut f))?;
        Ok(Js {
            env,
            null,
            t,
            f,
            codes: Vec::new(),
            lists: Vec::new(),
        })
    }

    fn bool(&self, b: bool) -> sys::napi_value {
        if b {
            self.t
        } else {
            self.f
        }
    }

    unsafe fn code(&mut self, code: &'static str) -> Result<sys::napi_value> {
        if let Some((_, v)) = self.codes.iter().find(|(c, _)| *c == code) {
            return Ok(*v);
        }
        let v = string(self.env, code)?;
        self.codes.push((code, v));
        Ok(v)
    }

    unsafe fn opt_code(&mut self, code: Option<&'static str>) -> Result<sys::napi_value> {
        match code {
            Some(c) => self.code(c),
            None => Ok(self.null),
        }
    }

    unsafe fn opt_string(&self, s: Option<&str>) -> Result<sys::napi_value> {
        match s {
            Some(s) => string(self.env, s),
            None => Ok(self.null),
        }
    }

    /// A new array of codes.
    unsafe fn array(&mut self, codes: &[&'static str]) -> Result<sys::napi_value> {
        let mut arr = ptr::null_mut();
        check_status!(sys::napi_create_array_with_length(
            self.env,
            codes.len(),
            &mut arr
        ))?;
        for (i, c) in codes.iter().enumerate() {
            let v = self.code(c)?;
            check_status!(sys::napi_set_element(self.env, arr, i as u32, v))?;
        }
        Ok(arr)
    }

    /// A frozen array of codes, one per distinct list.
    unsafe fn frozen(&mut self, codes: Vec<&'static str>) -> Result<sys::napi_value> {
        if let Some((_, v)) = self.lists.iter().find(|(c, _)| *c == codes) {
            return Ok(*v);
        }
        let arr = self.array(&codes)?;
        check_status!(sys::napi_object_freeze(self.env, arr))?;
        self.lists.push((codes, arr));
        Ok(arr)
    }

    /// One `CheckResult` object.
    unsafe fn object(&mut self, c: &CheckResult) -> Result<sys::napi_value> {
        let address = self.opt_string(c.address.as_deref())?;
        // Equal text, one string value: most addresses are already ASCII and canonical.
        let same = |s: &Option<String>| s.is_some() && *s == c.address;
        let address_ascii = if same(&c.address_ascii) {
            address
        } else {
            self.opt_string(c.address_ascii.as_deref())?
        };
        let canonical = if same(&c.canonical) {
            address
        } else {
            self.opt_string(c.canonical.as_deref())?
        };
        let input = if Some(&c.input) == c.address.as_ref() {
            address
        } else {
            string(self.env, &c.input)?
        };
        let argv = [
            input,
            self.bool(c.valid),
            self.opt_code(c.error)?,
            self.opt_string(c.message.as_deref())?,
            address,
            address_ascii,
            canonical,
            self.opt_string(c.suggestion.as_deref())?,
            self.bool(c.role),
            self.bool(c.disposable),
            self.bool(c.relay),
            self.bool(c.free),
            self.array(&c.warnings)?,
            self.array(&c.rules)?,
        ];
        let f = factory(self.env)?;
        let mut obj = ptr::null_mut();
        check_status!(sys::napi_call_function(
            self.env,
            self.null,
            f,
            argv.len(),
            argv.as_ptr(),
            &mut obj
        ))?;
        Ok(obj)
    }

    /// `Class.prototype.method` of a global class.
    unsafe fn method(&self, class: &CStr, method: &CStr) -> Result<sys::napi_value> {
        let mut global = ptr::null_mut();
        let mut ctor = ptr::null_mut();
        let mut proto = ptr::null_mut();
        let mut f = ptr::null_mut();
        check_status!(sys::napi_get_global(self.env, &mut global))?;
        check_status!(sys::napi_get_named_property(
            self.env,
            global,
            class.as_ptr(),
            &mut ctor
        ))?;
        check_status!(sys::napi_get_named_property(
            self.env,
            ctor,
            c"prototype".as_ptr(),
            &mut proto
        ))?;
        check_status!(sys::napi_get_named_property(
            self.env,
            proto,
            method.as_ptr(),
            &mut f
        ))?;
        Ok(f)
    }

    /// Append `values` to `arr` with `Array.prototype.push`, a few thousand per call: one
    /// Node-API call per block instead of one per element, and the array stays packed.
    unsafe fn push(
        &self,
        push: sys::napi_value,
        arr: sys::napi_value,
        values: &[sys::napi_value],
    ) -> Result<()> {
        for block in values.chunks(PUSH_BLOCK) {
            let mut len = ptr::null_mut();
            check_status!(sys::napi_call_function(
                self.env,
                arr,
                push,
                block.len(),
                block.as_ptr(),
                &mut len
            ))?;
        }
        Ok(())
    }

    /// The columns of a batch, as a `CheckColumns` object.
    unsafe fn columns(
        &mut self,
        inputs: &Texts,
        cols: &mailhygiene::CheckColumns,
    ) -> Result<sys::napi_value> {
        let env = self.env;
        let n = cols.len();
        // Shared values (codes, frozen lists) are made here, in the call's own handle scope, so
        // they outlive the per-block scopes below.
        let mut error = Vec::with_capacity(n);
        let mut warnings = Vec::with_capacity(n);
        let mut rules = Vec::with_capacity(n);
        for i in 0..n {
            error.push(self.opt_code(cols.error[i])?);
            warnings.push(self.frozen(cols.warnings[i].iter().map(|w| w.code()).collect())?);
            rules.push(self.frozen(cols.rules[i].iter().map(|r| r.code()).collect())?);
        }
        let push = self.method(c"Array", c"push")?;
        let mut arrays = [ptr::null_mut(); 14];
        for arr in arrays.iter_mut() {
            check_status!(sys::napi_create_array(env, arr))?;
        }
        let mut block: [Vec<sys::napi_value>; 14] = Default::default();
        for start in (0..n).step_by(PUSH_BLOCK) {
            let end = (start + PUSH_BLOCK).min(n);
            // The strings of one block live in their own handle scope; the arrays keep them.
            let mut scope = ptr::null_mut();
            check_status!(sys::napi_open_handle_scope(env, &mut scope))?;
            for b in block.iter_mut() {
                b.clear();
            }
            for i in start..end {
                let address = cols.address.get(i);
                let address_js = match address {
                    Some(a) => string(env, a)?,
                    None => self.null,
                };
                // Equal texts in one row share one string: most inputs are already their
                // address, and most addresses are already ASCII and canonical.
                let text = |value: Option<&str>| match value {
                    None => Ok(self.null),
                    Some(t) if Some(t) == address => Ok(address_js),
                    Some(t) => string(env, t),
                };
                let row = [
                    text(Some(inputs.get(i)))?,
                    self.bool(cols.valid[i]),
                    error[i],
                    text(cols.message.get(i))?,
                    address_js,
                    text(cols.address_ascii.get(i))?,
                    text(cols.canonical.get(i))?,
                    text(cols.suggestion.get(i))?,
                    self.bool(cols.role[i]),
                    self.bool(cols.disposable[i]),
                    self.bool(cols.relay[i]),
                    self.bool(cols.free[i]),
                    warnings[i],
                    rules[i],
                ];
                for (b, v) in block.iter_mut().zip(row) {
                    b.push(v);
                }
            }
            for (arr, b) in arrays.iter().zip(&block) {
                self.push(push, *arr, b)?;
            }
            check_status!(sys::napi_close_handle_scope(env, scope))?;
        }
        let mut obj = ptr::null_mut();
        check_status!(sys::napi_create_object(env, &mut obj))?;
        for (name, col) in FIELDS.iter().zip(arrays) {
            check_status!(sys::napi_set_named_property(env, obj, name.as_ptr(), col))?;
        }
        Ok(obj)
    }
}
