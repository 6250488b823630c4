//! `Result`: the core's `Check`, packed; fields convert to Python on attribute access.
use pyo3::exceptions::PyValueError;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyList, PyModule, PyString, PyTuple, PyType};

use mailhygiene::{CanonicalRule, Check, CheckColumns, CheckView, ErrorKind, JoinedStr, Warning};

use crate::text::{input_str, item_str, text, Cells, Text};

// ---------------------------------------------------------------------------------------------
// Packed rows.
//
// A `Check` is 216 bytes plus four or five heap strings. A million kept results then cost
// ~380 MB that the kernel must fault in, and in a batch the strings come from the worker
// threads, so freeing them on the calling thread takes the allocator's slow cross-thread path.
// A packed row keeps the strings inline in the Python object (160 bytes in all for a typical
// row), the input too when it fits (usually it is the address: no extra bytes), else as a
// reference to the caller's own `str`, and the codes as 4-bit indices; whatever does not fit
// keeps the whole `Check`. Both forms read back identically.
//
// Holding the input's text rather than its `str` saves an increment and a decrement of the
// `str`'s reference count per row, the decrement when the results are freed being a cache
// miss per row on a batch's thread that holds the GIL.

/// Bytes of text held inline: with the fields, a `Result` object fills a 160-byte block.
const INLINE: usize = 80;

// The strings of an inline row, by span index.
const MESSAGE: usize = 0;
const ADDRESS: usize = 1;
const ASCII: usize = 2;
const CANONICAL: usize = 3;
const SUGGESTION: usize = 4;
/// The input's text, when it fits; else the row holds the caller's `str`.
const INPUT: usize = 5;

/// The warnings and rules by 4-bit index in an inline row (up to 15 each).
const WARNINGS: [Warning; 5] = Warning::ALL;
const RULES: [CanonicalRule; 3] = CanonicalRule::ALL;

/// A `Check` whose strings fit in `INLINE` bytes.
pub struct Inline {
    /// The caller's `str` when its text did not fit; `None`: the input is the `INPUT` span.
    input: Option<Py<PyString>>,
    error: Option<&'static str>,
    /// (start, length) in `text` per span index; equal strings share one span.
    spans: [(u8, u8); 6],
    /// Bit `i`: span `i` is present.
    present: u8,
    valid: bool,
    role: bool,
    disposable: bool,
    relay: bool,
    free: bool,
    /// 1-based indices into `WARNINGS`, 4 bits each, first in the low bits; 0 ends.
    warnings: u32,
    /// The same into `RULES`.
    rules: u16,
    text: [u8; INLINE],
}

/// `items` as 4-bit indices into `table`, or None when one is unknown or there are too many.
fn nibbles<T: PartialEq>(items: &[T], table: &[T], max: usize) -> Option<u32> {
    if items.len() > max {
        return None;
    }
    let mut bits = 0;
    for (k, item) in items.iter().enumerate() {
        let i = table.iter().position(|t| t == item)?;
        bits |= (i as u32 + 1) << (4 * k);
    }
    Some(bits)
}

fn unnibble<T: Copy>(bits: u32, table: &[T]) -> impl ExactSizeIterator<Item = T> + '_ {
    let n = (32 - bits.leading_zeros() as usize).div_ceil(4);
    (0..n).map(move |k| table[((bits >> (4 * k)) & 15) as usize - 1])
}

/// Whether two strings are the same bytes, compared eight at a time: the strings here are
/// short, where a call to `memcmp` costs more than the comparison.
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let (a8, b8) = (a.chunks_exact(8), b.chunks_exact(8));
    let tails_equal = a8
        .remainder()
        .iter()
        .zip(b8.remainder())
        .all(|(x, y)| x == y);
    let word = |c: &[u8]| u64::from_ne_bytes(c.try_into().expect("8 bytes"));
    tails_equal && a8.zip(b8).all(|(x, y)| word(x) == word(y))
}

/// Whether two joined strings are made of the very same pieces of memory (then equal).
fn same_pieces(a: &JoinedStr<'_>, b: &JoinedStr<'_>) -> bool {
    (a.parts().iter().zip(b.parts())).all(|(x, y)| x.len() == y.len() && x.as_ptr() == y.as_ptr())
}

/// An `Inline` row's text being filled: the bytes used so far and where each span came from.
struct Filling<'s> {
    len: usize,
    sources: [Option<JoinedStr<'s>>; 6],
}

impl Inline {
    fn pack(v: &CheckView<'_>) -> Option<Inline> {
        let mut row = Inline {
            input: None,
            error: v.error(),
            spans: [(0, 0); 6],
            present: 0,
            valid: v.valid(),
            role: v.role(),
            disposable: v.disposable(),
            relay: v.relay(),
            free: v.free(),
            warnings: nibbles(v.warnings(), &WARNINGS, 8)?,
            rules: nibbles(v.rules(), &RULES, 4)? as u16,
            text: [0; INLINE],
        };
        // Only invalid rows have a message, which formats into a `String` of its own.
        let message = v.parse_error().map(|e| e.to_string());
        let mut f = Filling {
            len: 0,
            sources: [None; 6],
        };
        row.put(&mut f, MESSAGE, message.as_deref().map(JoinedStr::from))?;
        row.put(&mut f, ADDRESS, v.address())?;
        row.put(&mut f, ASCII, v.address_ascii())?;
        row.put(&mut f, CANONICAL, v.canonical().map(JoinedStr::from))?;
        row.put(&mut f, SUGGESTION, v.suggestion())?;
        // Last, and optional: without it the caller gives its `str` (see `Packed::set_input`).
        if row.put(&mut f, INPUT, Some(v.input().into())).is_none() {
            row.present &= !(1 << INPUT);
        }
        Some(row)
    }

    /// Store `s` as span `i`, sharing an equal earlier span: one made of the same pieces of
    /// memory (the address and its A-label form of an ASCII domain, the input and the address
    /// of a clean input), else one with equal bytes.
    fn put<'s>(&mut self, f: &mut Filling<'s>, i: usize, s: Option<JoinedStr<'s>>) -> Option<()> {
        let Some(s) = s else { return Some(()) };
        self.present |= 1 << i;
        f.sources[i] = Some(s);
        let n = s.len();
        let earlier = |j: usize| f.sources[j].filter(|t| t.len() == n);
        if let Some(j) = (0..i).find(|&j| earlier(j).is_some_and(|t| same_pieces(&t, &s))) {
            self.spans[i] = self.spans[j];
            return Some(());
        }
        let (start, end) = (f.len, f.len + n);
        if end > INLINE {
            return None;
        }
        let mut at = start;
        for part in s.parts() {
            self.text[at..at + part.len()].copy_from_slice(part.as_bytes());
            at += part.len();
        }
        let new = &self.text[start..end];
        let equal = |j: usize| {
            let (from, _) = self.spans[j];
            earlier(j).is_some() && same_bytes(&self.text[from as usize..][..n], new)
        };
        match (0..i).find(|&j| equal(j)) {
            Some(j) => self.spans[i] = self.spans[j],
            None => {
                self.spans[i] = (start as u8, n as u8);
                f.len = end;
            }
        }
        Some(())
    }

    fn span(&self, i: usize) -> Option<&str> {
        if self.present & (1 << i) == 0 {
            return None;
        }
        let (start, len) = self.spans[i];
        let bytes = &self.text[start as usize..start as usize + len as usize];
        // SAFETY: every span is a whole `str` copied in by `put`.
        Some(unsafe { std::str::from_utf8_unchecked(bytes) })
    }
}

/// One result: inline when it fits, else the core's `Check` itself.
pub enum Packed {
    Inline(Inline),
    Full(Box<Check>),
}

impl Packed {
    /// Pack the result `v` straight from the core's borrowed view. When the input's text
    /// does not fit, the caller must give its `str` with `set_input` (see `needs_input`).
    pub fn new(v: &CheckView<'_>) -> Packed {
        match Inline::pack(v) {
            Some(row) => Packed::Inline(row),
            None => Packed::Full(Box::new(v.to_check())),
        }
    }

    /// A result the core made as a `Check` (a cell with lone surrogates): rare, kept whole.
    pub fn full(c: Check) -> Packed {
        Packed::Full(Box::new(c))
    }

    /// Whether the row holds no input text: `set_input` must then give the caller's `str`.
    pub fn needs_input(&self) -> bool {
        matches!(self, Packed::Inline(row) if row.present & (1 << INPUT) == 0)
    }

    /// Use the caller's `str` (whose text the row was checked from) as the input.
    pub fn set_input(&mut self, input: Py<PyString>) {
        if let Packed::Inline(row) = self {
            row.input = Some(input);
        }
    }

    fn str_field(&self, i: usize) -> Option<&str> {
        match self {
            Packed::Inline(row) => row.span(i),
            Packed::Full(c) => match i {
                MESSAGE => c.message.as_deref(),
                ADDRESS => c.address.as_deref(),
                ASCII => c.address_ascii.as_deref(),
                CANONICAL => c.canonical.as_deref(),
                SUGGESTION => c.suggestion.as_deref(),
                _ => Some(&c.input),
            },
        }
    }

    /// The input as a Python `str`: the caller's own object when there is one.
    fn input<'py>(&self, py: Python<'py>) -> Bound<'py, PyAny> {
        match self {
            Packed::Inline(Inline { input: Some(s), .. }) => s.bind(py).clone().into_any(),
            _ => PyString::new(py, self.str_field(INPUT).unwrap_or("")).into_any(),
        }
    }

    /// The input's text.
    fn input_text<'a>(&'a self, py: Python<'a>) -> std::borrow::Cow<'a, str> {
        match self {
            Packed::Inline(Inline { input: Some(s), .. }) => match text(s.bind(py)) {
                Text::Utf8(t) => t.into(),
                Text::Surrogates(lossy) => lossy.into(), // not stored: checked as invalid UTF-8
            },
            _ => self.str_field(INPUT).unwrap_or("").into(),
        }
    }

    fn flags(&self) -> [bool; 5] {
        match self {
            Packed::Inline(r) => [r.valid, r.role, r.disposable, r.relay, r.free],
            Packed::Full(c) => [c.valid, c.role, c.disposable, c.relay, c.free],
        }
    }

    fn error(&self) -> Option<&'static str> {
        match self {
            Packed::Inline(r) => r.error,
            Packed::Full(c) => c.error,
        }
    }

    fn warnings(&self) -> Vec<&'static str> {
        match self {
            Packed::Inline(r) => unnibble(r.warnings, &WARNINGS).map(Warning::code).collect(),
            Packed::Full(c) => c.warnings.iter().map(|w| w.code()).collect(),
        }
    }

    fn rules(&self) -> Vec<&'static str> {
        match self {
            Packed::Inline(r) => unnibble(r.rules.into(), &RULES)
                .map(CanonicalRule::code)
                .collect(),
            Packed::Full(c) => c.rules.iter().map(|r| r.code()).collect(),
        }
    }
}

/// Everything known about one input: the verdict, the normalized address, the canonical key,
/// a typo suggestion and the list flags.
///
/// Returned by `check()` and `check_many()`; immutable. An invalid address is a value, not an
/// exception: `valid` is False and `error` holds the stable error code. Results compare equal
/// field by field, and pickle (so worker processes can send them back).
///
/// >>> r = mailhygiene.check('"Jane" <Jane.Doe+promo@googlemail.com>')
/// >>> r.valid, r.address, r.canonical
/// (True, 'Jane.Doe+promo@googlemail.com', 'janedoe@gmail.com')
/// >>> r.warnings
/// ('removed_display_name',)
#[pyclass(name = "Result", module = "mailhygiene", frozen, eq)]
pub struct PyResult_(pub Packed);

impl PartialEq for PyResult_ {
    /// Field by field, whichever way each side is packed.
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (&self.0, &other.0);
        a.flags() == b.flags()
            && a.error() == b.error()
            && (0..INPUT).all(|i| a.str_field(i) == b.str_field(i))
            && a.warnings() == b.warnings()
            && a.rules() == b.rules()
            && Python::attach(|py| a.input_text(py) == b.input_text(py))
    }
}

#[pymethods]
impl PyResult_ {
    /// The input as given.
    #[getter]
    fn input<'py>(&self, py: Python<'py>) -> Bound<'py, PyAny> {
        self.0.input(py)
    }
    /// Whether the input (after extraction, unless `exact=True`) is a valid address.
    #[getter]
    fn valid(&self) -> bool {
        self.0.flags()[0]
    }
    /// The stable error code when invalid (e.g. `'missing_at'`; see `ERROR_CODES`), else None.
    #[getter]
    fn error(&self) -> Option<&'static str> {
        self.0.error()
    }
    /// The human-readable message when invalid, else None. Its wording may improve; branch on
    /// `error` instead.
    #[getter]
    fn message(&self) -> Option<&str> {
        self.0.str_field(MESSAGE)
    }
    /// The deliverable address: local part NFC, domain lowercased Unicode; None when invalid.
    #[getter]
    fn address(&self) -> Option<&str> {
        self.0.str_field(ADDRESS)
    }
    /// The address with the domain in A-labels (punycode); None when invalid.
    #[getter]
    fn address_ascii(&self) -> Option<&str> {
        self.0.str_field(ASCII)
    }
    /// The canonical key for de-duplication and suppression matching (not an address to send
    /// to); None when invalid.
    #[getter]
    fn canonical(&self) -> Option<&str> {
        self.0.str_field(CANONICAL)
    }
    /// A corrected full address when the domain looks mistyped (also for invalid input), else
    /// None.
    #[getter]
    fn suggestion(&self) -> Option<&str> {
        self.0.str_field(SUGGESTION)
    }
    /// Whether the local part is a role account (`info@`, `noreply@`).
    #[getter]
    fn role(&self) -> bool {
        self.0.flags()[1]
    }
    /// Whether the domain is a disposable (throwaway) mailbox domain.
    #[getter]
    fn disposable(&self) -> bool {
        self.0.flags()[2]
    }
    /// Whether the domain is a privacy relay or forwarder.
    #[getter]
    fn relay(&self) -> bool {
        self.0.flags()[3]
    }
    /// Whether the domain is a free consumer mailbox provider.
    #[getter]
    fn free(&self) -> bool {
        self.0.flags()[4]
    }
    /// The codes of what extraction changed (e.g. `'trimmed_whitespace'`), in order.
    #[getter]
    fn warnings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, self.0.warnings())
    }
    /// The codes of the provider rules that shaped the canonical key (e.g. `'strip_dots'`).
    #[getter]
    fn rules<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, self.0.rules())
    }

    /// Pickle support: the fields (`to_dict()`) and the class method that makes the result
    /// from them again.
    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, PyAny>, (Bound<'py, PyDict>,))> {
        let from_dict = slf
            .get_type()
            .getattr(pyo3::intern!(slf.py(), "_from_dict"))?;
        Ok((from_dict, (slf.get().to_dict(slf.py())?,)))
    }

    /// For unpickling only, not public API: the result whose `to_dict()` is `fields`.
    #[classmethod]
    fn _from_dict(_cls: &Bound<'_, PyType>, fields: Fields) -> PyResult<Self> {
        fields.into_result()
    }

    /// All fields as a plain dict (lists for `warnings` and `rules`), e.g. for JSON.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let c = &self.0;
        let [valid, role, disposable, relay, free] = c.flags();
        let d = PyDict::new(py);
        d.set_item("input", c.input(py))?;
        d.set_item("valid", valid)?;
        d.set_item("error", c.error())?;
        d.set_item("message", c.str_field(MESSAGE))?;
        d.set_item("address", c.str_field(ADDRESS))?;
        d.set_item("address_ascii", c.str_field(ASCII))?;
        d.set_item("canonical", c.str_field(CANONICAL))?;
        d.set_item("suggestion", c.str_field(SUGGESTION))?;
        d.set_item("role", role)?;
        d.set_item("disposable", disposable)?;
        d.set_item("relay", relay)?;
        d.set_item("free", free)?;
        d.set_item("warnings", PyList::new(py, c.warnings())?)?;
        d.set_item("rules", PyList::new(py, c.rules())?)?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let c = &self.0;
        let [valid, role, disposable, relay, free] = c.flags();
        let r = |s: &str| -> PyResult<String> { Ok(PyString::new(py, s).repr()?.to_string()) };
        let mut out = format!("Result(valid={}", if valid { "True" } else { "False" });
        match (c.str_field(ADDRESS), c.error()) {
            (Some(address), _) => {
                out += &format!(", address={}", r(address)?);
                if let Some(canonical) = c.str_field(CANONICAL) {
                    if canonical != address {
                        out += &format!(", canonical={}", r(canonical)?);
                    }
                }
            }
            (None, error) => {
                out += &format!(", input={}", r(&c.input_text(py))?);
                if let Some(error) = error {
                    out += &format!(", error={}", r(error)?);
                }
            }
        }
        if let Some(s) = c.str_field(SUGGESTION) {
            out += &format!(", suggestion={}", r(s)?);
        }
        for (flag, name) in [
            (role, "role"),
            (disposable, "disposable"),
            (relay, "relay"),
            (free, "free"),
        ] {
            if flag {
                out += &format!(", {name}=True");
            }
        }
        let warnings = c.warnings();
        if !warnings.is_empty() {
            out += &format!(", warnings={}", PyTuple::new(py, warnings)?.repr()?);
        }
        out.push(')');
        Ok(out)
    }
}

/// The fields of a `Result` as `to_dict()` gives them: what a pickled result is made from.
#[derive(FromPyObject)]
#[pyo3(from_item_all)]
pub struct Fields {
    input: String,
    valid: bool,
    error: Option<String>,
    message: Option<String>,
    address: Option<String>,
    address_ascii: Option<String>,
    canonical: Option<String>,
    suggestion: Option<String>,
    role: bool,
    disposable: bool,
    relay: bool,
    free: bool,
    warnings: Vec<String>,
    rules: Vec<String>,
}

/// The item of `table` whose code is `code`; a `ValueError` naming `what` if none.
fn by_code<T: Copy>(
    what: &str,
    table: &[T],
    code_of: fn(T) -> &'static str,
    code: &str,
) -> PyResult<T> {
    (table.iter().copied().find(|&t| code_of(t) == code))
        .ok_or_else(|| PyValueError::new_err(format!("unknown {what} code {code:?}")))
}

impl Fields {
    fn into_result(self) -> PyResult<PyResult_> {
        let error = match self.error {
            Some(e) => Some(by_code("error", ErrorKind::ALL_CODES, |c| c, &e)?),
            None => None,
        };
        let warnings = (self.warnings.iter())
            .map(|w| by_code("warning", &WARNINGS, Warning::code, w))
            .collect::<PyResult<_>>()?;
        let rules = (self.rules.iter())
            .map(|r| by_code("rule", &RULES, CanonicalRule::code, r))
            .collect::<PyResult<_>>()?;
        Ok(PyResult_(Packed::full(Check {
            input: self.input,
            valid: self.valid,
            error,
            message: self.message,
            address: self.address,
            address_ascii: self.address_ascii,
            canonical: self.canonical,
            suggestion: self.suggestion,
            role: self.role,
            disposable: self.disposable,
            relay: self.relay,
            free: self.free,
            warnings,
            rules,
        })))
    }
}

/// Pauses Python's cyclic garbage collector while a batch's million new objects are made:
/// they hold no cycles, but each allocation counts towards a collection that would traverse
/// them all again and again (a third of the time of a large `check_many` without this).
pub struct GcPause<'py>(Option<Bound<'py, PyModule>>);

impl<'py> GcPause<'py> {
    pub fn new(py: Python<'py>) -> PyResult<Self> {
        let gc = py.import("gc")?;
        if gc.call_method0("isenabled")?.is_truthy()? {
            gc.call_method0("disable")?;
            Ok(GcPause(Some(gc)))
        } else {
            Ok(GcPause(None))
        }
    }
}

impl Drop for GcPause<'_> {
    fn drop(&mut self) {
        if let Some(gc) = &self.0 {
            // `gc.enable()` cannot fail; a drop has nowhere to report it anyway.
            let _ = gc.call_method0("enable");
        }
    }
}

/// The byte offset of the `PyResult_` inside a `Result` object, when the object holds nothing
/// else (PyO3's other per-object slots are empty for a frozen class without `__dict__`):
/// then `into_object` can make objects itself. Found once from an object PyO3 made.
static VALUE_OFFSET: std::sync::OnceLock<Option<usize>> = std::sync::OnceLock::new();

fn value_offset(py: Python<'_>) -> Option<usize> {
    *VALUE_OFFSET.get_or_init(|| {
        let probe = Bound::new(
            py,
            PyResult_(Packed::full(
                mailhygiene::Checker::default().check_invalid_utf8(""),
            )),
        )
        .ok()?;
        let offset =
            (probe.get() as *const PyResult_ as usize).checked_sub(probe.as_ptr() as usize)?;
        let basicsize: usize = probe
            .get_type()
            .getattr("__basicsize__")
            .ok()?
            .extract()
            .ok()?;
        (basicsize == offset + std::mem::size_of::<PyResult_>()).then_some(offset)
    })
}

impl PyResult_ {
    /// A new `Result` object, not tracked by the cyclic garbage collector: its one Python
    /// reference is a `str`, which refers to nothing, so it can never be part of a cycle, and
    /// a million tracked results make every collection traverse them all.
    ///
    /// Made with `PyObject_GC_New` and the value written in place, where the layout allows
    /// (see `value_offset`): PyO3's path calls `object.__new__` with an empty argument tuple,
    /// zeroes the object, tracks it and copies the value in, a third of the cost of a batch's
    /// object creation.
    pub fn into_object(self, py: Python<'_>) -> PyResult<Bound<'_, PyResult_>> {
        let Some(offset) = value_offset(py) else {
            let obj = Bound::new(py, self)?;
            // SAFETY: `obj` is a live GC object; untracking one that can hold no cycle is what
            // CPython itself does for tuples of atoms. Deallocation untracks only if tracked.
            unsafe { ffi::PyObject_GC_UnTrack(obj.as_ptr().cast()) };
            return Ok(obj);
        };
        // SAFETY: `PyObject_GC_New` returns an untracked object of the type's basic size with
        // its header set (type referenced, one reference), or NULL with an exception set. The
        // rest of the object is the `PyResult_` at `offset` (checked against the basic size
        // by `value_offset`), written here before anything can read it; the type's dealloc
        // (PyO3's) drops it and frees the object with `PyObject_GC_Del`, as for its own.
        unsafe {
            let tp = <PyResult_ as pyo3::PyTypeInfo>::type_object_raw(py);
            let obj = ffi::PyObject_GC_New::<ffi::PyObject>(tp);
            if obj.is_null() {
                return Err(PyErr::fetch(py));
            }
            obj.cast::<u8>().add(offset).cast::<PyResult_>().write(self);
            Ok(Bound::from_owned_ptr(py, obj).cast_into_unchecked())
        }
    }
}

/// What the core returns for one chunk of a batch.
pub enum Chunk {
    /// One packed row per input row (`check_many()`), packed on the worker threads.
    Rows(Vec<Packed>),
    /// Columns (`check_many(columns=True)`), and the rows that the core saw as missing but
    /// that held lone surrogates, with their own result (index within the chunk).
    Columns(Box<CheckColumns>, Vec<(usize, Check)>),
}

/// One row, borrowed from a `Check` or from a row of `CheckColumns`.
struct Row<'a> {
    input: &'a str,
    valid: bool,
    error: Option<&'static str>,
    message: Option<&'a str>,
    address: Option<&'a str>,
    address_ascii: Option<&'a str>,
    canonical: Option<&'a str>,
    suggestion: Option<&'a str>,
    role: bool,
    disposable: bool,
    relay: bool,
    free: bool,
    warnings: &'a [Warning],
    rules: &'a [CanonicalRule],
}

impl<'a> Row<'a> {
    fn of_check(c: &'a Check) -> Self {
        Row {
            input: &c.input,
            valid: c.valid,
            error: c.error,
            message: c.message.as_deref(),
            address: c.address.as_deref(),
            address_ascii: c.address_ascii.as_deref(),
            canonical: c.canonical.as_deref(),
            suggestion: c.suggestion.as_deref(),
            role: c.role,
            disposable: c.disposable,
            relay: c.relay,
            free: c.free,
            warnings: &c.warnings,
            rules: &c.rules,
        }
    }

    fn of_columns(c: &'a CheckColumns, i: usize, input: &'a str) -> Self {
        Row {
            input,
            valid: c.valid[i],
            error: c.error[i],
            message: c.message.get(i),
            address: c.address.get(i),
            address_ascii: c.address_ascii.get(i),
            canonical: c.canonical.get(i),
            suggestion: c.suggestion.get(i),
            role: c.role[i],
            disposable: c.disposable[i],
            relay: c.relay[i],
            free: c.free[i],
            warnings: &c.warnings[i],
            rules: &c.rules[i],
        }
    }
}

/// Row objects of a batch, built chunk by chunk as the core delivers them.
pub enum Batch<'py> {
    /// `list[Result]`, filled in place, and the number of rows so far.
    Results(Bound<'py, PyList>, usize),
    /// `{field: list}`.
    Columns(Box<Columns<'py>>),
}

/// A list of `n` empty slots, for `set_item` to fill: one pass and no intermediate vector.
pub fn new_list(py: Python<'_>, n: usize) -> PyResult<Bound<'_, PyList>> {
    // SAFETY: `PyList_New` returns a new reference or NULL with an exception set. Its slots
    // are NULL until set, which the list tolerates (even when freed half-filled).
    unsafe {
        Ok(
            Bound::from_owned_ptr_or_err(py, ffi::PyList_New(n as ffi::Py_ssize_t))?
                .cast_into_unchecked(),
        )
    }
}

/// Put `item` in slot `i` of a list, releasing what the slot held (nothing in a list from
/// `new_list`).
fn set_item(list: &Bound<'_, PyList>, i: usize, item: Bound<'_, PyAny>) {
    // SAFETY: `i` is in range (the callers fill rows below the length they made the list
    // with); `PyList_SetItem` steals the reference and cannot fail then.
    unsafe { ffi::PyList_SetItem(list.as_ptr(), i as ffi::Py_ssize_t, item.into_ptr()) };
}

impl<'py> Batch<'py> {
    pub fn new(py: Python<'py>, columns: bool, n: usize) -> PyResult<Self> {
        Ok(if columns {
            Batch::Columns(Box::new(Columns::new(py, n)?))
        } else {
            Batch::Results(new_list(py, n)?, 0)
        })
    }

    /// Add the results of the rows `cells`, from row `start` of `inputs` (a list from
    /// `items`, copied for columns). Returns what is left to free.
    pub fn push(
        &mut self,
        py: Python<'py>,
        chunk: Chunk,
        cells: &Cells,
        inputs: &Bound<'py, PyList>,
        start: usize,
    ) -> PyResult<Option<Chunk>> {
        match (self, chunk) {
            (Batch::Results(list, next), Chunk::Rows(rows)) => {
                for (i, (mut row, text)) in rows.into_iter().zip(cells.iter()).enumerate() {
                    if let Some(text) = text.filter(|_| row.needs_input()) {
                        row.set_input(input_str(inputs, start + i, text).unbind());
                    }
                    set_item(list, *next, PyResult_(row).into_object(py)?.into_any());
                    *next += 1;
                }
                Ok(None)
            }
            (Batch::Columns(cols), Chunk::Columns(columns, surrogates)) => {
                let mut special = surrogates.iter().peekable();
                for (i, text) in cells.iter().enumerate() {
                    match special.peek() {
                        Some((at, c)) if *at == i => {
                            cols.push(py, Row::of_check(c), None)?;
                            special.next();
                        }
                        _ => {
                            let original = match text {
                                Some(_) => Some(item_str(inputs, start + i)?.unbind()),
                                None => None,
                            };
                            let row = Row::of_columns(&columns, i, text.unwrap_or(""));
                            cols.push(py, row, original)?
                        }
                    }
                }
                Ok(Some(Chunk::Columns(columns, surrogates)))
            }
            (_, chunk) => Ok(Some(chunk)), // not produced: the caller asks for one form
        }
    }

    pub fn finish(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match self {
            Batch::Results(list, _) => Ok(list.into_any()),
            Batch::Columns(cols) => Ok(cols.finish(py)?.into_any()),
        }
    }
}

/// The column names of `check_many(columns=True)`, in order: the `Result` attribute names,
/// with the value most rows have, which the column starts filled with (`[v] * n`, one C
/// loop) so that only the other rows cost a list write; `Unset` columns are written per row.
/// Last, what each column holds (see `columns_schema`).
const FIELDS: [(&str, Fill, Kind); 14] = [
    ("input", Fill::Unset, Kind::Str),
    ("valid", Fill::True, Kind::Bool),
    ("error", Fill::None, Kind::Str),
    ("message", Fill::None, Kind::Str),
    ("address", Fill::Unset, Kind::Str),
    ("address_ascii", Fill::Unset, Kind::Str),
    ("canonical", Fill::Unset, Kind::Str),
    ("suggestion", Fill::None, Kind::Str),
    ("role", Fill::False, Kind::Bool),
    ("disposable", Fill::False, Kind::Bool),
    ("relay", Fill::False, Kind::Bool),
    ("free", Fill::False, Kind::Bool),
    ("warnings", Fill::NoCodes, Kind::Codes),
    ("rules", Fill::NoCodes, Kind::Codes),
];

/// The Python type of a column's values (`None` aside).
#[derive(Clone, Copy)]
enum Kind {
    Str,
    Bool,
    /// A tuple of codes: immutable, so rows with the same codes share one (as `Result` does).
    Codes,
}

/// `COLUMNS_SCHEMA`: each column of `check_many(columns=True)` with the Python type of its
/// values, read-only. A column can be all `None` (no suggestion in a batch) or all empty tuples,
/// from which a data frame library cannot tell the type; this says it.
pub fn columns_schema(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    let str_type = py.get_type::<PyString>();
    // tuple[str, ...], which Polars reads as `list[str]`.
    let str_tuple = (py.get_type::<PyTuple>()).get_item((&str_type, py.Ellipsis()))?;
    let schema = PyDict::new(py);
    for (name, _, kind) in FIELDS {
        let ty = match kind {
            Kind::Str => str_type.clone().into_any(),
            Kind::Bool => py.get_type::<PyBool>().into_any(),
            Kind::Codes => str_tuple.clone(),
        };
        schema.set_item(name, ty)?;
    }
    py.import("types")?
        .getattr("MappingProxyType")?
        .call1((schema,))
}

/// The columns by position in `FIELDS`.
#[derive(Clone, Copy)]
enum Col {
    Input = 0,
    Valid,
    Error,
    Message,
    Address,
    Ascii,
    Canonical,
    Suggestion,
    Role,
    Warnings = 12,
    Rules,
}

#[derive(Clone, Copy)]
enum Fill {
    Unset,
    None,
    True,
    False,
    /// The empty tuple.
    NoCodes,
}

/// The columns of `check_many(columns=True)`, each as long as the input: what
/// `pandas.DataFrame(...)` and `polars.DataFrame(...)` take.
///
/// The lists are made at full length up front and filled row by row, with no staging copy.
/// Equal strings share one Python object: the caller's input when the address is the input,
/// the address when the key or the ASCII form equals it, so a clean row costs one new string,
/// not four. The codes (`error`, `warnings`, `rules`) are few and `'static`: one Python string
/// each, and one tuple per list of codes, shared by every row (a new list per row was a third
/// of the time of a batch, to make and to free).
pub struct Columns<'py> {
    /// Each code's string; a few dozen at most, found by the code's address.
    codes: Vec<(&'static str, Bound<'py, PyString>)>,
    /// Each list of codes met so far (not empty) and its tuple.
    code_lists: Vec<(Vec<&'static str>, Bound<'py, PyTuple>)>,
    /// One list per name in `FIELDS`.
    lists: Vec<Bound<'py, PyList>>,
    /// The next row to fill.
    next: usize,
}

impl<'py> Columns<'py> {
    fn new(py: Python<'py>, n: usize) -> PyResult<Self> {
        let filled = |v: Bound<'py, PyAny>| -> PyResult<Bound<'py, PyList>> {
            Ok(PyList::new(py, [v])?
                .as_sequence()
                .repeat(n)?
                .cast_into::<PyList>()?)
        };
        let lists = FIELDS.iter().map(|(_, fill, _)| match fill {
            Fill::Unset => new_list(py, n),
            Fill::None => filled(py.None().into_bound(py)),
            Fill::True => filled(PyBool::new(py, true).to_owned().into_any()),
            Fill::False => filled(PyBool::new(py, false).to_owned().into_any()),
            Fill::NoCodes => filled(PyTuple::empty(py).into_any()),
        });
        Ok(Columns {
            codes: Vec::new(),
            code_lists: Vec::new(),
            lists: lists.collect::<PyResult<_>>()?,
            next: 0,
        })
    }

    fn code(&mut self, py: Python<'py>, s: &'static str) -> Bound<'py, PyString> {
        // The codes are `'static` strings of the core: the same code is the same address.
        let found = self
            .codes
            .iter()
            .find(|(c, _)| std::ptr::eq(c.as_ptr(), s.as_ptr()) && c.len() == s.len());
        if let Some((_, obj)) = found {
            return obj.clone();
        }
        let obj = PyString::new(py, s);
        self.codes.push((s, obj.clone()));
        obj
    }

    /// `codes` as a tuple shared by every row with the same codes; `None` when there are none
    /// (the column's fill).
    fn codes(
        &mut self,
        py: Python<'py>,
        codes: impl ExactSizeIterator<Item = &'static str>,
    ) -> PyResult<Option<Bound<'py, PyTuple>>> {
        if codes.len() == 0 {
            return Ok(None);
        }
        let codes: Vec<&'static str> = codes.collect();
        let same = |a: &[&str], b: &[&str]| {
            a.len() == b.len()
                && (a.iter().zip(b))
                    .all(|(x, y)| std::ptr::eq(x.as_ptr(), y.as_ptr()) && x.len() == y.len())
        };
        if let Some((_, tuple)) = self.code_lists.iter().find(|(c, _)| same(c, &codes)) {
            return Ok(Some(tuple.clone()));
        }
        let strs: Vec<_> = codes.iter().map(|c| self.code(py, c)).collect();
        let tuple = PyTuple::new(py, strs)?;
        self.code_lists.push((codes, tuple.clone()));
        Ok(Some(tuple))
    }

    fn push(
        &mut self,
        py: Python<'py>,
        r: Row<'_>,
        original: Option<Py<PyString>>,
    ) -> PyResult<()> {
        let new = |s: &str| PyString::new(py, s).into_any();
        let none = || py.None().into_bound(py);
        // `s` as a Python string: `obj` itself when its text is `same_as`.
        let reuse = |s: Option<&str>, same_as: &str, obj: &Bound<'py, PyAny>| match s {
            None => none(),
            Some(s) if s == same_as => obj.clone(),
            Some(s) => new(s),
        };
        let input = match original {
            Some(obj) => obj.into_bound(py).into_any(),
            None => new(r.input),
        };
        let address = reuse(r.address, r.input, &input);
        let (ascii, canonical) = match r.address {
            Some(text) => (
                reuse(r.address_ascii, text, &address),
                reuse(r.canonical, text, &address),
            ),
            None => (
                r.address_ascii.map_or_else(none, new),
                r.canonical.map_or_else(none, new),
            ),
        };
        let warnings = self.codes(py, r.warnings.iter().map(|w| w.code()))?;
        let rules = self.codes(py, r.rules.iter().map(|c| c.code()))?;
        let error = r.error.map(|e| self.code(py, e));
        let row = self.next;
        let set = |column: Col, value: Bound<'py, PyAny>| {
            set_item(&self.lists[column as usize], row, value)
        };
        set(Col::Input, input);
        set(Col::Address, address);
        set(Col::Ascii, ascii);
        set(Col::Canonical, canonical);
        if let Some(w) = warnings {
            set(Col::Warnings, w.into_any());
        }
        if let Some(r) = rules {
            set(Col::Rules, r.into_any());
        }
        // The filled columns: only where the row differs from the fill.
        if !r.valid {
            set(Col::Valid, PyBool::new(py, false).to_owned().into_any());
        }
        if let Some(e) = error {
            set(Col::Error, e.into_any());
        }
        if let Some(m) = r.message {
            set(Col::Message, new(m));
        }
        if let Some(s) = r.suggestion {
            set(Col::Suggestion, new(s));
        }
        // role, disposable, relay, free: the four columns from `Col::Role` on.
        let flag_true = PyBool::new(py, true).to_owned().into_any();
        for (k, flag) in [r.role, r.disposable, r.relay, r.free]
            .into_iter()
            .enumerate()
        {
            if flag {
                set_item(&self.lists[Col::Role as usize + k], row, flag_true.clone());
            }
        }
        self.next += 1;
        Ok(())
    }

    fn finish(self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for ((name, _, _), list) in FIELDS.iter().zip(self.lists) {
            d.set_item(name, list)?;
        }
        Ok(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_packed_row_fits_a_160_byte_object() {
        // 16 bytes of GC header and 16 of object header around the row.
        assert!(
            std::mem::size_of::<Packed>() <= 128,
            "{}",
            std::mem::size_of::<Packed>()
        );
    }
}
