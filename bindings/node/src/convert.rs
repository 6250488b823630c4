//! Conversion at the boundary: JavaScript values in, core values out, and back.
//!
//! Nothing here decides anything about an address; it only moves data. The two things that
//! are more than a type cast are both about speed: a batch's strings are copied into one
//! buffer (no allocation per row), and a batch's results are written straight into column
//! arrays, reusing one JavaScript value for every repeated code, `null` and boolean.
use std::ffi::CString;
use std::ptr;

use mailhygiene::{Check, ParseError};
use napi::bindgen_prelude::*;
use napi::sys;
use napi_derive::napi;

/// Throw a `TypeError` (code `ERR_INVALID_ARG_TYPE`, as Node's own functions do) and return the
/// error that tells napi-rs an exception is already pending.
pub(crate) fn type_error(env: sys::napi_env, message: &str) -> Error {
    throw(env, "ERR_INVALID_ARG_TYPE", message, true)
}

/// Throw the core's error as a JavaScript `Error` whose `code` is the core's stable code and
/// whose message is the core's message.
pub(crate) fn parse_error(env: Env, error: &ParseError) -> Error {
    throw(env.raw(), error.code(), &error.to_string(), false)
}

fn throw(env: sys::napi_env, code: &str, message: &str, type_error: bool) -> Error {
    let code_c = CString::new(code).unwrap_or_default();
    let message_c = CString::new(message.replace('\0', "\\0")).unwrap_or_default();
    unsafe {
        if type_error {
            sys::napi_throw_type_error(env, code_c.as_ptr(), message_c.as_ptr());
        } else {
            sys::napi_throw_error(env, code_c.as_ptr(), message_c.as_ptr());
        }
    }
    Error::new(Status::PendingException, message.to_owned())
}

/// `typeof` of a JavaScript value, as a word for error messages (`null`, not `object`).
unsafe fn describe(env: sys::napi_env, value: sys::napi_value) -> &'static str {
    let mut t = 0;
    sys::napi_typeof(env, value, &mut t);
    match t {
        sys::ValueType::napi_undefined => "undefined",
        sys::ValueType::napi_null => "null",
        sys::ValueType::napi_boolean => "boolean",
        sys::ValueType::napi_number => "number",
        sys::ValueType::napi_string => "string",
        sys::ValueType::napi_symbol => "symbol",
        sys::ValueType::napi_function => "function",
        sys::ValueType::napi_bigint => "bigint",
        _ => {
            let mut is_array = false;
            sys::napi_is_array(env, value, &mut is_array);
            if is_array {
                "an array"
            } else {
                "an object"
            }
        }
    }
}

unsafe fn is_string(env: sys::napi_env, value: sys::napi_value) -> bool {
    let mut t = 0;
    sys::napi_typeof(env, value, &mut t) == sys::Status::napi_ok && t == sys::ValueType::napi_string
}

/// Append a JavaScript string to `buf` as UTF-8 (lone surrogates become U+FFFD).
///
/// One call for strings that fit the spare capacity, two for longer ones.
unsafe fn read_string_into(
    env: sys::napi_env,
    value: sys::napi_value,
    buf: &mut Vec<u8>,
) -> Result<()> {
    const GUESS: usize = 256;
    buf.reserve(GUESS);
    let start = buf.len();
    let spare = buf.capacity() - start;
    let mut written = 0;
    check_status!(sys::napi_get_value_string_utf8(
        env,
        value,
        buf.as_mut_ptr().add(start).cast(),
        spare,
        &mut written,
    ))?;
    if written + 1 < spare {
        buf.set_len(start + written);
        return Ok(());
    }
    // Possibly truncated: ask for the length, then copy again.
    let mut len = 0;
    check_status!(sys::napi_get_value_string_utf8(
        env,
        value,
        ptr::null_mut(),
        0,
        &mut len
    ))?;
    buf.reserve(len + 1);
    check_status!(sys::napi_get_value_string_utf8(
        env,
        value,
        buf.as_mut_ptr().add(start).cast(),
        len + 1,
        &mut written,
    ))?;
    buf.set_len(start + written);
    Ok(())
}

/// A string argument. Anything else (`null`, `undefined`, a number, an object) is a
/// `TypeError`, never a silent `String(value)`.
pub struct Text(pub String);

impl FromNapiValue for Text {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> Result<Self> {
        if !is_string(env, value) {
            let got = describe(env, value);
            return Err(type_error(env, &format!("expected a string, got {got}")));
        }
        let mut buf = Vec::new();
        read_string_into(env, value, &mut buf)?;
        // napi_get_value_string_utf8 always writes valid UTF-8.
        Ok(Text(String::from_utf8(buf).unwrap_or_else(|e| {
            String::from_utf8_lossy(e.as_bytes()).into_owned()
        })))
    }
}

impl TypeName for Text {
    fn type_name() -> &'static str {
        "string"
    }
    fn value_type() -> ValueType {
        ValueType::String
    }
}

impl ValidateNapiValue for Text {}

/// A boolean option. Anything but `true`, `false` or `undefined` is a `TypeError`.
pub struct Flag(pub bool);

impl FromNapiValue for Flag {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> Result<Self> {
        let mut b = false;
        if sys::napi_get_value_bool(env, value, &mut b) != sys::Status::napi_ok {
            let got = describe(env, value);
            return Err(type_error(env, &format!("expected a boolean, got {got}")));
        }
        Ok(Flag(b))
    }
}

impl TypeName for Flag {
    fn type_name() -> &'static str {
        "boolean"
    }
    fn value_type() -> ValueType {
        ValueType::Boolean
    }
}

impl ValidateNapiValue for Flag {}

pub(crate) fn flag(f: &Option<Flag>) -> bool {
    f.as_ref().is_some_and(|f| f.0)
}

/// An array of strings, copied into one buffer. A non-array or a non-string element is a
/// `TypeError` naming the index.
pub struct Texts {
    buf: String,
    ends: Vec<usize>,
}

impl Texts {
    /// The strings, borrowed from the buffer.
    pub fn as_strs(&self) -> Vec<&str> {
        let mut start = 0;
        self.ends
            .iter()
            .map(|&end| {
                let s = &self.buf[start..end];
                start = end;
                s
            })
            .collect()
    }
}

impl FromNapiValue for Texts {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> Result<Self> {
        let mut is_array = false;
        sys::napi_is_array(env, value, &mut is_array);
        if !is_array {
            let got = describe(env, value);
            return Err(type_error(
                env,
                &format!("expected an array of strings, got {got}"),
            ));
        }
        let mut len = 0u32;
        check_status!(sys::napi_get_array_length(env, value, &mut len))?;
        let mut buf = Vec::with_capacity(len as usize * 24);
        let mut ends = Vec::with_capacity(len as usize);
        for i in 0..len {
            let mut item = ptr::null_mut();
            check_status!(sys::napi_get_element(env, value, i, &mut item))?;
            if !is_string(env, item) {
                let got = describe(env, item);
                return Err(type_error(
                    env,
                    &format!("expected a string at index {i}, got {got}"),
                ));
            }
            read_string_into(env, item, &mut buf)?;
            ends.push(buf.len());
        }
        let buf = String::from_utf8(buf)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
        Ok(Texts { buf, ends })
    }
}

impl TypeName for Texts {
    fn type_name() -> &'static str {
        "Array<string>"
    }
    fn value_type() -> ValueType {
        ValueType::Object
    }
}

impl ValidateNapiValue for Texts {}

/// Everything known about one input: the core's `Check`, with camelCase keys.
#[napi(object, use_nullable = true, object_from_js = false)]
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

/// The results of a batch as one array per field: `columns.valid[i]` belongs to `input[i]`.
///
/// Built without creating one object per row, which is what a bulk import wants. The
/// `warnings` and `rules` entries are frozen arrays, shared between rows with the same list.
#[napi(object, object_from_js = false)]
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

/// The output of a batch: rows or columns.
pub enum Batch {
    Rows(Vec<Check>),
    Columns(Vec<Check>),
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
        match val {
            Batch::Rows(checks) => {
                let mut arr = ptr::null_mut();
                check_status!(sys::napi_create_array_with_length(
                    env,
                    checks.len(),
                    &mut arr
                ))?;
                for (i, c) in checks.into_iter().enumerate() {
                    let v = CheckResult::to_napi_value(env, c.into())?;
                    check_status!(sys::napi_set_element(env, arr, i as u32, v))?;
                }
                Ok(arr)
            }
            Batch::Columns(checks) => columns(env, &checks),
        }
    }
}

/// Values reused across the rows of one batch (valid for the current handle scope).
struct Cache {
    env: sys::napi_env,
    null: sys::napi_value,
    t: sys::napi_value,
    f: sys::napi_value,
    codes: Vec<(&'static str, sys::napi_value)>,
    lists: Vec<(Vec<&'static str>, sys::napi_value)>,
}

impl Cache {
    unsafe fn new(env: sys::napi_env) -> Result<Self> {
        let mut null = ptr::null_mut();
        let mut t = ptr::null_mut();
        let mut f = ptr::null_mut();
        check_status!(sys::napi_get_null(env, &mut null))?;
        check_status!(sys::napi_get_boolean(env, true, &mut t))?;
        check_status!(sys::napi_get_boolean(env, false, &mut f))?;
        Ok(Cache {
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
        if let Some((_, v)) = self.codes.iter().find(|(c, _)| ptr::eq(*c, code)) {
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

    /// A frozen array of codes, one per distinct list.
    unsafe fn list(&mut self, codes: Vec<&'static str>) -> Result<sys::napi_value> {
        if let Some((_, v)) = self.lists.iter().find(|(c, _)| *c == codes) {
            return Ok(*v);
        }
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
        check_status!(sys::napi_object_freeze(self.env, arr))?;
        self.lists.push((codes, arr));
        Ok(arr)
    }
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

const FIELDS: [&str; 14] = [
    "input",
    "valid",
    "error",
    "message",
    "address",
    "addressAscii",
    "canonical",
    "suggestion",
    "role",
    "disposable",
    "relay",
    "free",
    "warnings",
    "rules",
];

unsafe fn columns(env: sys::napi_env, checks: &[Check]) -> Result<sys::napi_value> {
    let mut cache = Cache::new(env)?;
    let n = checks.len();
    let mut cols = [ptr::null_mut(); 14];
    for col in cols.iter_mut() {
        check_status!(sys::napi_create_array_with_length(env, n, col))?;
    }
    for (i, c) in checks.iter().enumerate() {
        let i = i as u32;
        let address = cache.opt_string(c.address.as_deref())?;
        // The same text becomes the same string value: most addresses are ASCII and already
        // in canonical form, so this saves two string creations per row.
        let same_or_new = |s: &Option<String>| -> Result<sys::napi_value> {
            if s.is_some() && *s == c.address {
                Ok(address)
            } else {
                cache.opt_string(s.as_deref())
            }
        };
        let address_ascii = same_or_new(&c.address_ascii)?;
        let canonical = same_or_new(&c.canonical)?;
        let input = if Some(&c.input) == c.address.as_ref() {
            address
        } else {
            string(env, &c.input)?
        };
        let values = [
            input,
            cache.bool(c.valid),
            cache.opt_code(c.error)?,
            cache.opt_string(c.message.as_deref())?,
            address,
            address_ascii,
            canonical,
            cache.opt_string(c.suggestion.as_deref())?,
            cache.bool(c.role),
            cache.bool(c.disposable),
            cache.bool(c.relay),
            cache.bool(c.free),
            cache.list(c.warnings.iter().map(|w| w.code()).collect())?,
            cache.list(c.rules.iter().map(|r| r.code()).collect())?,
        ];
        for (col, v) in cols.iter().zip(values) {
            check_status!(sys::napi_set_element(env, *col, i, v))?;
        }
    }
    let mut obj = ptr::null_mut();
    check_status!(sys::napi_create_object(env, &mut obj))?;
    for (name, col) in FIELDS.iter().zip(cols) {
        let key = CString::new(*name).expect("field names have no NUL");
        check_status!(sys::napi_set_named_property(env, obj, key.as_ptr(), col))?;
    }
    Ok(obj)
}
