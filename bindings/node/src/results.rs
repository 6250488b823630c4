//! Results out: the core's `Check` as a JavaScript object, and a batch as rows or columns.
//!
//! Pure conversion, tuned because a batch is millions of rows and every Node-API call costs:
//! - one object: created by a small JavaScript function (`object` in `batch.js`) that takes the
//!   fourteen values as arguments (one call; V8 builds the object literal with a fixed shape),
//!   instead of fourteen property definitions through Node-API;
//! - columns: Rust packs the core's columns into a few typed arrays and large strings
//!   (`Packed`, off the main thread), and `fill` in `batch.js` writes them into the result
//!   arrays at JIT speed, chunk by chunk for the sync call (`ops::check_columns_pipelined`). Only texts that differ from the row's input or address become new
//!   strings (most inputs are already their address, most addresses already ASCII and
//!   canonical); booleans, codes, messages and warning lists are shared values.
use std::cell::RefCell;
use std::collections::HashMap;
use std::ptr;

use mailhygiene::Check;
use napi::bindgen_prelude::*;
use napi::sys;
use napi_derive::napi;

use crate::convert::{RawValue, Texts};

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
/// every other entry is a string, boolean or `null` as in `CheckResult`. The arrays are new
/// (changing them changes nothing else); `input` holds the strings as given, except that lone
/// surrogates are replaced by U+FFFD as in `check`.
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
    /// A `CheckColumns` object already built (by the sync call's pipeline).
    Built(RawValue),
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
                let objects = checks
                    .into_iter()
                    .map(|c| js.object(&c.into()))
                    .collect::<Result<Vec<_>>>()?;
                array_of(env, &objects)
            }
            Batch::Built(cols) => Ok(cols.0),
        }
    }
}

/// The functions of `batch.js`, by their position in its completion value.
#[derive(Clone, Copy)]
pub(crate) enum Helper {
    /// Builds one `CheckResult` from its fourteen values.
    Object = 0,
    /// Type-checks and copies an array of strings (`JsStrings`).
    Strings = 1,
    /// Joins a range of that copy (`Texts::read`).
    Join = 2,
    /// Allocates the arrays of `CheckColumns`.
    Columns = 3,
    /// Fills rows of `CheckColumns` from one `Packed`.
    Fill = 4,
    /// Drives `checkManyAsync`'s columnar pipeline.
    Pipeline = 5,
}

const HELPER_COUNT: usize = 6;

const HELPERS: &str = include_str!("batch.js");

thread_local! {
    /// The helper functions per JavaScript environment on this thread (main thread or worker).
    static HELPER_REFS: RefCell<Vec<(usize, [sys::napi_ref; HELPER_COUNT])>> = const { RefCell::new(Vec::new()) };
    /// The frozen code lists of batch results per environment: one array per distinct list,
    /// shared by every row, chunk and call (there are a few dozen possible lists).
    static FROZEN_LISTS: RefCell<Vec<(usize, Vec<&'static str>, sys::napi_ref)>> = const { RefCell::new(Vec::new()) };
}

/// A `batch.js` function, compiled once per environment.
unsafe fn helper(env: sys::napi_env, which: Helper) -> Result<sys::napi_value> {
    let found = HELPER_REFS.with(|h| {
        h.borrow()
            .iter()
            .find(|(e, _)| *e == env as usize)
            .map(|(_, r)| r[which as usize])
    });
    let mut value = ptr::null_mut();
    if let Some(r) = found {
        check_status!(sys::napi_get_reference_value(env, r, &mut value))?;
        if !value.is_null() {
            return Ok(value);
        }
    }
    let source = string(env, HELPERS)?;
    let mut all = ptr::null_mut();
    check_status!(sys::napi_run_script(env, source, &mut all))?;
    let mut refs = [ptr::null_mut(); HELPER_COUNT];
    for (i, r) in refs.iter_mut().enumerate() {
        let mut f = ptr::null_mut();
        check_status!(sys::napi_get_element(env, all, i as u32, &mut f))?;
        check_status!(sys::napi_create_reference(env, f, 1, r))?;
        if i == which as usize {
            value = f;
        }
    }
    let first = HELPER_REFS.with(|h| {
        let mut h = h.borrow_mut();
        let first = !h.iter().any(|(e, _)| *e == env as usize);
        h.retain(|(e, _)| *e != env as usize);
        h.push((env as usize, refs));
        first
    });
    if first {
        check_status!(sys::napi_add_env_cleanup_hook(
            env,
            Some(forget_helpers),
            env.cast()
        ))?;
    }
    Ok(value)
}

unsafe extern "C" fn forget_helpers(env: *mut std::ffi::c_void) {
    HELPER_REFS.with(|h| h.borrow_mut().retain(|(e, _)| *e != env as usize));
    FROZEN_LISTS.with(|l| l.borrow_mut().retain(|(e, _, _)| *e != env as usize));
}

/// Call a `batch.js` function. A JavaScript exception it throws stays pending (and is what
/// the caller sees).
pub(crate) unsafe fn call_helper(
    env: sys::napi_env,
    which: Helper,
    args: &[sys::napi_value],
) -> Result<sys::napi_value> {
    let f = helper(env, which)?;
    let mut this = ptr::null_mut();
    check_status!(sys::napi_get_undefined(env, &mut this))?;
    let mut out = ptr::null_mut();
    check_status!(sys::napi_call_function(
        env,
        this,
        f,
        args.len(),
        args.as_ptr(),
        &mut out
    ))?;
    Ok(out)
}

/// Bytes of text per large string of `Pieces`: large enough that creating the strings is a few
/// Node-API calls, small enough that keeping one result string (a slice) keeps little alive.
const PIECE_CHUNK: usize = 1 << 20;

/// The new strings of one column, in row order, for `texts` in `batch.js`: a few large strings
/// and each piece's UTF-16 end within its large string.
#[derive(Default)]
pub struct Pieces {
    /// The large strings, and whether each is ASCII (then created as Latin-1, a plain copy).
    chunks: Vec<(String, bool)>,
    /// Pieces per large string.
    counts: Vec<u32>,
    /// Each piece's end, in UTF-16 units from the start of its large string.
    ends: Vec<u32>,
    /// UTF-16 length of the last large string so far.
    utf16: usize,
    /// Each piece's end in bytes, for `texts`.
    byte_ends: Vec<usize>,
}

impl Pieces {
    fn push(&mut self, s: &str) {
        let full = match (self.chunks.last(), self.counts.last()) {
            (Some((c, _)), Some(&k)) => k > 0 && c.len() + s.len() > PIECE_CHUNK,
            _ => true,
        };
        if full {
            self.chunks.push((String::new(), true));
            self.counts.push(0);
            self.utf16 = 0;
        }
        let ascii = s.is_ascii();
        let (chunk, chunk_ascii) = self.chunks.last_mut().expect("a chunk");
        chunk.push_str(s);
        *chunk_ascii &= ascii;
        self.utf16 += if ascii {
            s.len()
        } else {
            s.encode_utf16().count()
        };
        self.ends.push(self.utf16 as u32);
        self.byte_ends.push(chunk.len());
        *self.counts.last_mut().expect("a chunk") += 1;
    }

    /// The pieces, in order.
    fn texts(&self) -> impl Iterator<Item = &str> + '_ {
        let mut k = 0;
        self.chunks
            .iter()
            .zip(&self.counts)
            .flat_map(move |((chunk, _), &count)| {
                let ends = &self.byte_ends[k..k + count as usize];
                k += count as usize;
                let mut start = 0;
                ends.iter().map(move |&end| {
                    let piece = &chunk[start..end];
                    start = end;
                    piece
                })
            })
    }
}

/// Where a row's text comes from, for `fill` in `batch.js`.
const NULL: u8 = 0;
const SAME_AS_INPUT: u8 = 1;
const SAME_AS_ADDRESS: u8 = 2;
const NEW: u8 = 3;

/// A batch's (or a chunk's) columns as the few flat values `fill` in `batch.js` writes into
/// arrays. Built from the core's columns without touching JavaScript, so off the main thread.
#[derive(Default)]
pub struct Packed {
    /// valid 1, role 2, disposable 4, relay 8, free 16.
    flags: Vec<u8>,
    /// Text sources: input replaced 1; address bits 1-2, ASCII address 3-4, canonical 5-6
    /// (each `NULL`, `SAME_AS_INPUT`, `SAME_AS_ADDRESS` or `NEW`); suggestion 128.
    src: Vec<u8>,
    /// Index into `codes`, 0 for `null`.
    error: Vec<u16>,
    codes: Vec<&'static str>,
    /// Index into the distinct `messages`, 0 for `null`.
    message: Vec<u32>,
    messages: Pieces,
    /// Index into the distinct lists; list 0 is the empty list.
    warning: Vec<u32>,
    warning_lists: Vec<Vec<mailhygiene::Warning>>,
    rule: Vec<u32>,
    rule_lists: Vec<Vec<mailhygiene::CanonicalRule>>,
    input: Pieces,
    address: Pieces,
    ascii: Pieces,
    canonical: Pieces,
    suggestion: Pieces,
}

/// Index of `list` in `lists`, added when new (list 0 is the empty list). Compared as the
/// core's values (a byte compare), turned into codes only once per distinct list.
fn list_index<T: Copy + PartialEq>(lists: &mut Vec<Vec<T>>, list: &[T]) -> u32 {
    if list.is_empty() {
        return 0;
    }
    match lists.iter().position(|l| l.as_slice() == list) {
        Some(i) => i as u32,
        None => {
            lists.push(list.to_vec());
            (lists.len() - 1) as u32
        }
    }
}

impl Packed {
    fn with_capacity(n: usize) -> Packed {
        Packed {
            flags: Vec::with_capacity(n),
            src: Vec::with_capacity(n),
            error: Vec::with_capacity(n),
            message: Vec::with_capacity(n),
            warning: Vec::with_capacity(n),
            warning_lists: vec![Vec::new()],
            rule: Vec::with_capacity(n),
            rule_lists: vec![Vec::new()],
            ..Packed::default()
        }
    }

    /// Index of `code` in `codes` plus one (0 is `null`), added when new.
    fn code_index(codes: &mut Vec<&'static str>, code: &'static str) -> u16 {
        match codes.iter().position(|c| *c == code) {
            Some(k) => k as u16 + 1,
            None => {
                codes.push(code);
                codes.len() as u16
            }
        }
    }

    /// Pack the core's columns for `inputs` (the rows' inputs, as the core saw them).
    pub fn new(inputs: &Texts, cols: &mailhygiene::CheckColumns) -> Packed {
        let n = cols.len();
        let mut p = Packed::with_capacity(n);
        let mut messages: HashMap<&str, u32> = HashMap::new();
        let lossy = inputs.lossy();
        for i in 0..n {
            let input = inputs.get(i);
            let mut src = 0u8;
            // The caller's string differs from the text the core saw (lone surrogates).
            if lossy && input.contains('\u{FFFD}') {
                src |= 1;
                p.input.push(input);
            }
            let address = cols.address.get(i);
            let source = |value: Option<&str>, pieces: &mut Pieces| match value {
                None => NULL,
                Some(t) if Some(t) == address => SAME_AS_ADDRESS,
                Some(t) if t == input => SAME_AS_INPUT,
                Some(t) => {
                    pieces.push(t);
                    NEW
                }
            };
            let a = match address {
                None => NULL,
                Some(t) if t == input => SAME_AS_INPUT,
                Some(t) => {
                    p.address.push(t);
                    NEW
                }
            };
            src |= a << 1;
            src |= source(cols.address_ascii.get(i), &mut p.ascii) << 3;
            src |= source(cols.canonical.get(i), &mut p.canonical) << 5;
            if let Some(s) = cols.suggestion.get(i) {
                src |= 128;
                p.suggestion.push(s);
            }
            p.src.push(src);
            p.flags.push(
                cols.valid[i] as u8
                    | (cols.role[i] as u8) << 1
                    | (cols.disposable[i] as u8) << 2
                    | (cols.relay[i] as u8) << 3
                    | (cols.free[i] as u8) << 4,
            );
            p.error
                .push(cols.error[i].map_or(0, |code| Self::code_index(&mut p.codes, code)));
            p.message.push(match cols.message.get(i) {
                None => 0,
                Some(m) => {
                    let next = messages.len() as u32 + 1;
                    *messages.entry(m).or_insert_with(|| {
                        p.messages.push(m);
                        next
                    })
                }
            });
            p.warning
                .push(list_index(&mut p.warning_lists, &cols.warnings[i]));
            p.rule.push(list_index(&mut p.rule_lists, &cols.rules[i]));
        }
        p
    }
}

/// A typed array holding a copy of `data`.
unsafe fn typed<T: Copy>(
    env: sys::napi_env,
    data: &[T],
    kind: sys::napi_typedarray_type,
) -> Result<sys::napi_value> {
    let bytes = std::mem::size_of_val(data);
    let mut mem = ptr::null_mut();
    let mut buffer = ptr::null_mut();
    check_status!(sys::napi_create_arraybuffer(
        env,
        bytes,
        &mut mem,
        &mut buffer
    ))?;
    if bytes > 0 {
        ptr::copy_nonoverlapping(data.as_ptr().cast::<u8>(), mem.cast::<u8>(), bytes);
    }
    let mut out = ptr::null_mut();
    check_status!(sys::napi_create_typedarray(
        env,
        kind,
        data.len(),
        buffer,
        0,
        &mut out
    ))?;
    Ok(out)
}

/// A JavaScript array of `values`.
pub(crate) unsafe fn array_of(
    env: sys::napi_env,
    values: &[sys::napi_value],
) -> Result<sys::napi_value> {
    let mut arr = ptr::null_mut();
    check_status!(sys::napi_create_array_with_length(
        env,
        values.len(),
        &mut arr
    ))?;
    for (i, v) in values.iter().enumerate() {
        check_status!(sys::napi_set_element(env, arr, i as u32, *v))?;
    }
    Ok(arr)
}

/// `[largeStrings, counts, ends]` for `texts` in `batch.js`.
unsafe fn pieces(env: sys::napi_env, p: &Pieces) -> Result<sys::napi_value> {
    let mut chunks = Vec::with_capacity(p.chunks.len());
    for (text, ascii) in &p.chunks {
        chunks.push(if *ascii {
            latin1(env, text)?
        } else {
            string(env, text)?
        });
    }
    let parts = [
        array_of(env, &chunks)?,
        typed(env, &p.counts, sys::TypedarrayType::uint32_array)?,
        typed(env, &p.ends, sys::TypedarrayType::uint32_array)?,
    ];
    array_of(env, &parts)
}

/// A JavaScript string from ASCII text (a plain copy).
unsafe fn latin1(env: sys::napi_env, s: &str) -> Result<sys::napi_value> {
    let mut v = ptr::null_mut();
    check_status!(sys::napi_create_string_latin1(
        env,
        s.as_ptr().cast(),
        s.len() as isize,
        &mut v
    ))?;
    Ok(v)
}

/// A JavaScript string; Latin-1 creation (a copy) for ASCII, UTF-8 decoding otherwise.
pub(crate) unsafe fn string(env: sys::napi_env, s: &str) -> Result<sys::napi_value> {
    if s.is_ascii() {
        return latin1(env, s);
    }
    let mut v = ptr::null_mut();
    check_status!(sys::napi_create_string_utf8(
        env,
        s.as_ptr().cast(),
        s.len() as isize,
        &mut v
    ))?;
    Ok(v)
}

/// Values reused within one conversion (valid for the current handle scope).
pub(crate) struct Js {
    env: sys::napi_env,
    null: sys::napi_value,
    t: sys::napi_value,
    f: sys::napi_value,
    codes: Vec<(&'static str, sys::napi_value)>,
    /// Messages by text: a batch's chunks share one string per distinct message.
    messages: HashMap<String, sys::napi_value>,
}

impl Js {
    pub(crate) unsafe fn new(env: sys::napi_env) -> Result<Self> {
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
            messages: HashMap::new(),
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

    unsafe fn message(&mut self, text: &str) -> Result<sys::napi_value> {
        if let Some(v) = self.messages.get(text) {
            return Ok(*v);
        }
        let v = string(self.env, text)?;
        self.messages.insert(text.to_owned(), v);
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

    /// The frozen array of `codes` (`FROZEN_LISTS`).
    unsafe fn frozen(&mut self, codes: Vec<&'static str>) -> Result<sys::napi_value> {
        let env = self.env as usize;
        let found = FROZEN_LISTS.with(|l| {
            l.borrow()
                .iter()
                .find(|(e, c, _)| *e == env && *c == codes)
                .map(|(_, _, r)| *r)
        });
        if let Some(r) = found {
            let mut v = ptr::null_mut();
            check_status!(sys::napi_get_reference_value(self.env, r, &mut v))?;
            return Ok(v);
        }
        let arr = self.array(&codes)?;
        check_status!(sys::napi_object_freeze(self.env, arr))?;
        let mut r = ptr::null_mut();
        check_status!(sys::napi_create_reference(self.env, arr, 1, &mut r))?;
        FROZEN_LISTS.with(|l| l.borrow_mut().push((env, codes, r)));
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
        let f = helper(self.env, Helper::Object)?;
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

    /// A `CheckColumns` object for `n` rows whose input column is `input`, to be filled.
    pub(crate) unsafe fn columns(&mut self, input: RawValue, n: usize) -> Result<RawValue> {
        let mut len = ptr::null_mut();
        check_status!(sys::napi_create_double(self.env, n as f64, &mut len))?;
        Ok(RawValue(call_helper(
            self.env,
            Helper::Columns,
            &[len, input.0],
        )?))
    }

    /// Fill rows `from..` of `cols` with one chunk's packed columns (`fill` in `batch.js`).
    pub(crate) unsafe fn fill(&mut self, cols: RawValue, from: usize, p: &Packed) -> Result<()> {
        let mut args = vec![cols.0, ptr::null_mut()];
        check_status!(sys::napi_create_double(self.env, from as f64, &mut args[1]))?;
        args.extend(self.fill_args(p)?);
        call_helper(self.env, Helper::Fill, &args)?;
        Ok(())
    }

    /// `fill`'s arguments after `cols` and `from`, for one chunk.
    pub(crate) unsafe fn fill_args(&mut self, p: &Packed) -> Result<[sys::napi_value; 15]> {
        use sys::TypedarrayType::{uint16_array, uint32_array, uint8_array};
        let env = self.env;
        let mut codes = vec![self.null];
        for c in &p.codes {
            codes.push(self.code(c)?);
        }
        let mut messages = vec![self.null];
        for m in p.messages.texts() {
            messages.push(self.message(m)?);
        }
        let mut warning_lists = Vec::with_capacity(p.warning_lists.len());
        for l in &p.warning_lists {
            warning_lists.push(self.frozen(l.iter().map(|w| w.code()).collect())?);
        }
        let mut rule_lists = Vec::with_capacity(p.rule_lists.len());
        for l in &p.rule_lists {
            rule_lists.push(self.frozen(l.iter().map(|r| r.code()).collect())?);
        }
        Ok([
            typed(env, &p.flags, uint8_array)?,
            typed(env, &p.src, uint8_array)?,
            typed(env, &p.error, uint16_array)?,
            array_of(env, &codes)?,
            typed(env, &p.message, uint32_array)?,
            array_of(env, &messages)?,
            typed(env, &p.warning, uint32_array)?,
            array_of(env, &warning_lists)?,
            typed(env, &p.rule, uint32_array)?,
            array_of(env, &rule_lists)?,
            pieces(env, &p.input)?,
            pieces(env, &p.address)?,
            pieces(env, &p.ascii)?,
            pieces(env, &p.canonical)?,
            pieces(env, &p.suggestion)?,
        ])
    }
}
