//! `Result`: the core's `Check`, wrapped; fields convert to Python on attribute access.
use std::collections::HashMap;

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyModule, PyString, PyTuple};

use mailhygiene::{CanonicalRule, Check, CheckColumns, Warning};

/// Everything known about one input: the verdict, the normalized address, the canonical key,
/// a typo suggestion and the list flags.
///
/// Returned by `check()` and `check_many()`; immutable. An invalid address is a value, not an
/// exception: `valid` is False and `error` holds the stable error code.
///
/// >>> r = mailhygiene.check('"Jane" <Jane.Doe+promo@googlemail.com>')
/// >>> r.valid, r.address, r.canonical
/// (True, 'Jane.Doe+promo@googlemail.com', 'janedoe@gmail.com')
/// >>> r.warnings
/// ('removed_display_name',)
#[pyclass(name = "Result", module = "mailhygiene", frozen, eq)]
#[derive(PartialEq)]
pub struct PyResult_(pub Check);

fn warning_codes(c: &Check) -> impl ExactSizeIterator<Item = &'static str> + '_ {
    c.warnings.iter().map(|w| w.code())
}

fn rule_codes(c: &Check) -> impl ExactSizeIterator<Item = &'static str> + '_ {
    c.rules.iter().map(|r| r.code())
}

#[pymethods]
impl PyResult_ {
    /// The input as given.
    #[getter]
    fn input(&self) -> &str {
        &self.0.input
    }
    /// Whether the input (after extraction, unless `exact=True`) is a valid address.
    #[getter]
    fn valid(&self) -> bool {
        self.0.valid
    }
    /// The stable error code when invalid (e.g. `'missing_at'`; see `ERROR_CODES`), else None.
    #[getter]
    fn error(&self) -> Option<&'static str> {
        self.0.error
    }
    /// The human-readable message when invalid, else None. Its wording may improve; branch on
    /// `error` instead.
    #[getter]
    fn message(&self) -> Option<&str> {
        self.0.message.as_deref()
    }
    /// The deliverable address: local part NFC, domain lowercased Unicode; None when invalid.
    #[getter]
    fn address(&self) -> Option<&str> {
        self.0.address.as_deref()
    }
    /// The address with the domain in A-labels (punycode); None when invalid.
    #[getter]
    fn address_ascii(&self) -> Option<&str> {
        self.0.address_ascii.as_deref()
    }
    /// The canonical key for de-duplication and suppression matching (not an address to send
    /// to); None when invalid.
    #[getter]
    fn canonical(&self) -> Option<&str> {
        self.0.canonical.as_deref()
    }
    /// A corrected full address when the domain looks mistyped (also for invalid input), else
    /// None.
    #[getter]
    fn suggestion(&self) -> Option<&str> {
        self.0.suggestion.as_deref()
    }
    /// Whether the local part is a role account (`info@`, `noreply@`).
    #[getter]
    fn role(&self) -> bool {
        self.0.role
    }
    /// Whether the domain is a disposable (throwaway) mailbox domain.
    #[getter]
    fn disposable(&self) -> bool {
        self.0.disposable
    }
    /// Whether the domain is a privacy relay or forwarder.
    #[getter]
    fn relay(&self) -> bool {
        self.0.relay
    }
    /// Whether the domain is a free consumer mailbox provider.
    #[getter]
    fn free(&self) -> bool {
        self.0.free
    }
    /// The codes of what extraction changed (e.g. `'trimmed_whitespace'`), in order.
    #[getter]
    fn warnings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, warning_codes(&self.0))
    }
    /// The codes of the provider rules that shaped the canonical key (e.g. `'strip_dots'`).
    #[getter]
    fn rules<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, rule_codes(&self.0))
    }

    /// All fields as a plain dict (lists for `warnings` and `rules`), e.g. for JSON.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let c = &self.0;
        let d = PyDict::new(py);
        d.set_item("input", &c.input)?;
        d.set_item("valid", c.valid)?;
        d.set_item("error", c.error)?;
        d.set_item("message", &c.message)?;
        d.set_item("address", &c.address)?;
        d.set_item("address_ascii", &c.address_ascii)?;
        d.set_item("canonical", &c.canonical)?;
        d.set_item("suggestion", &c.suggestion)?;
        d.set_item("role", c.role)?;
        d.set_item("disposable", c.disposable)?;
        d.set_item("relay", c.relay)?;
        d.set_item("free", c.free)?;
        d.set_item("warnings", PyList::new(py, warning_codes(c))?)?;
        d.set_item("rules", PyList::new(py, rule_codes(c))?)?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let c = &self.0;
        let r = |s: &str| -> PyResult<String> { Ok(PyString::new(py, s).repr()?.to_string()) };
        let mut out = format!("Result(valid={}", if c.valid { "True" } else { "False" });
        match (&c.address, c.error) {
            (Some(address), _) => {
                out += &format!(", address={}", r(address)?);
                if let Some(canonical) = &c.canonical {
                    if canonical != address {
                        out += &format!(", canonical={}", r(canonical)?);
                    }
                }
            }
            (None, error) => {
                out += &format!(", input={}", r(&c.input)?);
                if let Some(error) = error {
                    out += &format!(", error={}", r(error)?);
                }
            }
        }
        if let Some(s) = &c.suggestion {
            out += &format!(", suggestion={}", r(s)?);
        }
        for (flag, name) in [
            (c.role, "role"),
            (c.disposable, "disposable"),
            (c.relay, "relay"),
            (c.free, "free"),
        ] {
            if flag {
                out += &format!(", {name}=True");
            }
        }
        if !c.warnings.is_empty() {
            let codes: Vec<_> = warning_codes(c).collect();
            out += &format!(", warnings={}", PyTuple::new(py, codes)?.repr()?);
        }
        out.push(')');
        Ok(out)
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

impl PyResult_ {
    /// A new `Result` object, not tracked by the cyclic garbage collector: it holds no Python
    /// references, so it can never be part of a cycle, and a million tracked results make
    /// every collection traverse them all (a fifth of the time of a `check()` loop).
    pub fn into_object(self, py: Python<'_>) -> PyResult<Bound<'_, PyResult_>> {
        let obj = Bound::new(py, self)?;
        // SAFETY: `obj` is a live GC object; untracking one that holds no references is what
        // CPython itself does for tuples of atoms. Deallocation untracks only if tracked.
        unsafe { pyo3::ffi::PyObject_GC_UnTrack(obj.as_ptr().cast()) };
        Ok(obj)
    }
}

/// What the core returns for one chunk of a batch.
pub enum Chunk {
    /// One `Check` per row (`check_many()`).
    Checks(Vec<Check>),
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
    /// `list[Result]`.
    Results(Vec<Bound<'py, PyResult_>>),
    /// `{field: list}`.
    Columns(Box<Columns<'py>>),
}

impl<'py> Batch<'py> {
    pub fn new(columns: bool, n: usize) -> Self {
        if columns {
            Batch::Columns(Box::new(Columns::with_capacity(n)))
        } else {
            Batch::Results(Vec::with_capacity(n))
        }
    }

    /// Add the results of consecutive rows. `texts[i]` is row `i`'s text and `inputs[i]` the
    /// caller's `str` object, when row `i` was a valid `str`. Returns what is left to free.
    pub fn push(
        &mut self,
        py: Python<'py>,
        chunk: Chunk,
        texts: &[Option<&str>],
        inputs: &[Option<&Bound<'py, PyAny>>],
    ) -> PyResult<Option<Chunk>> {
        match (self, chunk) {
            (Batch::Results(out), Chunk::Checks(checks)) => {
                for c in checks {
                    out.push(PyResult_(c).into_object(py)?);
                }
                Ok(None)
            }
            (Batch::Columns(cols), Chunk::Columns(columns, surrogates)) => {
                let mut special = surrogates.iter().peekable();
                for (i, (text, original)) in texts.iter().zip(inputs).enumerate() {
                    match special.peek() {
                        Some((at, c)) if *at == i => {
                            cols.push(py, Row::of_check(c), None);
                            special.next();
                        }
                        _ => cols.push(
                            py,
                            Row::of_columns(&columns, i, text.unwrap_or("")),
                            *original,
                        ),
                    }
                }
                Ok(Some(Chunk::Columns(columns, surrogates)))
            }
            (_, chunk) => Ok(Some(chunk)), // not produced: the caller asks for one form
        }
    }

    pub fn finish(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match self {
            Batch::Results(out) => Ok(PyList::new(py, out)?.into_any()),
            Batch::Columns(cols) => Ok(cols.finish(py)?.into_any()),
        }
    }
}

/// The columns of `check_many(columns=True)`, each as long as the input: what
/// `pandas.DataFrame(...)` and `polars.DataFrame(...)` take.
///
/// Equal strings share one Python object: the caller's input when the address is the input,
/// the address when the key or the ASCII form equals it, so a clean row costs one new string,
/// not four. The codes (`error`, `warnings`, `rules`) are few and `'static`: one Python string
/// each, shared by every row.
pub struct Columns<'py> {
    codes: HashMap<&'static str, Bound<'py, PyString>>,
    input: Vec<Bound<'py, PyAny>>,
    valid: Vec<bool>,
    error: Vec<Option<Bound<'py, PyString>>>,
    message: Vec<Option<Bound<'py, PyAny>>>,
    address: Vec<Option<Bound<'py, PyAny>>>,
    address_ascii: Vec<Option<Bound<'py, PyAny>>>,
    canonical: Vec<Option<Bound<'py, PyAny>>>,
    suggestion: Vec<Option<Bound<'py, PyAny>>>,
    role: Vec<bool>,
    disposable: Vec<bool>,
    relay: Vec<bool>,
    free: Vec<bool>,
    warnings: Vec<Bound<'py, PyList>>,
    rules: Vec<Bound<'py, PyList>>,
}

impl<'py> Columns<'py> {
    fn with_capacity(n: usize) -> Self {
        Columns {
            codes: HashMap::new(),
            input: Vec::with_capacity(n),
            valid: Vec::with_capacity(n),
            error: Vec::with_capacity(n),
            message: Vec::with_capacity(n),
            address: Vec::with_capacity(n),
            address_ascii: Vec::with_capacity(n),
            canonical: Vec::with_capacity(n),
            suggestion: Vec::with_capacity(n),
            role: Vec::with_capacity(n),
            disposable: Vec::with_capacity(n),
            relay: Vec::with_capacity(n),
            free: Vec::with_capacity(n),
            warnings: Vec::with_capacity(n),
            rules: Vec::with_capacity(n),
        }
    }

    fn code(&mut self, py: Python<'py>, s: &'static str) -> Bound<'py, PyString> {
        self.codes
            .entry(s)
            .or_insert_with(|| PyString::new(py, s))
            .clone()
    }

    fn codes(
        &mut self,
        py: Python<'py>,
        codes: impl ExactSizeIterator<Item = &'static str>,
    ) -> Bound<'py, PyList> {
        let list = PyList::empty(py);
        for c in codes {
            // Appending a fresh string to a fresh list cannot fail.
            let _ = list.append(self.code(py, c));
        }
        list
    }

    fn push(&mut self, py: Python<'py>, r: Row<'_>, original: Option<&Bound<'py, PyAny>>) {
        let new = |s: &str| PyString::new(py, s).into_any();
        // `s` as a Python string: `obj` itself when its text is `same_as`.
        let reuse = |s: Option<&str>, same_as: &str, obj: &Bound<'py, PyAny>| match s {
            None => None,
            Some(s) if s == same_as => Some(obj.clone()),
            Some(s) => Some(new(s)),
        };
        let input = match original {
            Some(obj) => obj.clone(),
            None => new(r.input),
        };
        let address = reuse(r.address, r.input, &input);
        let (ascii, canonical) = match (&address, r.address) {
            (Some(a), Some(text)) => (reuse(r.address_ascii, text, a), reuse(r.canonical, text, a)),
            _ => (r.address_ascii.map(new), r.canonical.map(new)),
        };
        let error = r.error.map(|e| self.code(py, e));
        let warnings = self.codes(py, r.warnings.iter().map(|w| w.code()));
        let rules = self.codes(py, r.rules.iter().map(|c| c.code()));
        self.input.push(input);
        self.valid.push(r.valid);
        self.error.push(error);
        self.message.push(r.message.map(new));
        self.address.push(address);
        self.address_ascii.push(ascii);
        self.canonical.push(canonical);
        self.suggestion.push(r.suggestion.map(new));
        self.role.push(r.role);
        self.disposable.push(r.disposable);
        self.relay.push(r.relay);
        self.free.push(r.free);
        self.warnings.push(warnings);
        self.rules.push(rules);
    }

    fn finish(self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("input", PyList::new(py, self.input)?)?;
        d.set_item("valid", PyList::new(py, self.valid)?)?;
        d.set_item("error", PyList::new(py, self.error)?)?;
        d.set_item("message", PyList::new(py, self.message)?)?;
        d.set_item("address", PyList::new(py, self.address)?)?;
        d.set_item("address_ascii", PyList::new(py, self.address_ascii)?)?;
        d.set_item("canonical", PyList::new(py, self.canonical)?)?;
        d.set_item("suggestion", PyList::new(py, self.suggestion)?)?;
        d.set_item("role", PyList::new(py, self.role)?)?;
        d.set_item("disposable", PyList::new(py, self.disposable)?)?;
        d.set_item("relay", PyList::new(py, self.relay)?)?;
        d.set_item("free", PyList::new(py, self.free)?)?;
        d.set_item("warnings", PyList::new(py, self.warnings)?)?;
        d.set_item("rules", PyList::new(py, self.rules)?)?;
        Ok(d)
    }
}
