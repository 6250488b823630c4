//! `Result`: the core's `Check`, wrapped; fields convert to Python on attribute access.
use std::collections::HashMap;

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyModule, PyString, PyTuple};

use mailhygiene::Check;

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
struct GcPause<'py>(Option<Bound<'py, PyModule>>);

impl<'py> GcPause<'py> {
    fn new(py: Python<'py>) -> PyResult<Self> {
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

/// A `list[Result]`.
pub fn result_list(py: Python<'_>, checks: Vec<Check>) -> PyResult<Bound<'_, PyList>> {
    let _gc = GcPause::new(py)?;
    let objects = checks
        .into_iter()
        .map(|c| PyResult_(c).into_object(py))
        .collect::<PyResult<Vec<_>>>()?;
    PyList::new(py, objects)
}

/// `{field: list}` with one list per field, each as long as `checks`: what
/// `pandas.DataFrame(...)` and `polars.DataFrame(...)` take.
///
/// `inputs[i]` is the caller's `str` object when row `i` was one (its text is `checks[i].input`).
/// Equal strings share one Python object: the input when the address is the input, the address
/// when the key or the ASCII form equals it, so a clean row costs one new string, not four.
pub fn columns<'py>(
    py: Python<'py>,
    checks: &[Check],
    inputs: &[Option<&Bound<'py, PyAny>>],
) -> PyResult<Bound<'py, PyDict>> {
    let _gc = GcPause::new(py)?;
    // The codes are few and `'static`: one Python string each, shared by every row.
    let mut interned: HashMap<&'static str, Bound<'py, PyString>> = HashMap::new();
    let mut code = |s: &'static str| {
        interned
            .entry(s)
            .or_insert_with(|| PyString::new(py, s))
            .clone()
    };
    let text =
        |f: fn(&Check) -> &Option<String>| PyList::new(py, checks.iter().map(|c| f(c).as_deref()));
    let flag = |f: fn(&Check) -> bool| PyList::new(py, checks.iter().map(f));

    let n = checks.len();
    let (mut input, mut address, mut ascii, mut canonical) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    for (c, original) in checks.iter().zip(inputs) {
        let i = match original {
            Some(obj) => (*obj).clone(),
            None => PyString::new(py, &c.input).into_any(),
        };
        let reuse = |s: &Option<String>, same_as: &str, obj: &Bound<'py, PyAny>| match s {
            None => None,
            Some(s) if s == same_as => Some(obj.clone()),
            Some(s) => Some(PyString::new(py, s).into_any()),
        };
        let a = reuse(&c.address, &c.input, &i);
        if let (Some(a), Some(text)) = (&a, &c.address) {
            ascii.push(reuse(&c.address_ascii, text, a));
            canonical.push(reuse(&c.canonical, text, a));
        } else {
            ascii.push(reuse(&c.address_ascii, "", &i));
            canonical.push(reuse(&c.canonical, "", &i));
        }
        address.push(a);
        input.push(i);
    }

    let d = PyDict::new(py);
    d.set_item("input", PyList::new(py, input)?)?;
    d.set_item("valid", flag(|c| c.valid)?)?;
    let errors: Vec<_> = checks.iter().map(|c| c.error.map(&mut code)).collect();
    d.set_item("error", PyList::new(py, errors)?)?;
    d.set_item("message", text(|c| &c.message)?)?;
    d.set_item("address", PyList::new(py, address)?)?;
    d.set_item("address_ascii", PyList::new(py, ascii)?)?;
    d.set_item("canonical", PyList::new(py, canonical)?)?;
    d.set_item("suggestion", text(|c| &c.suggestion)?)?;
    d.set_item("role", flag(|c| c.role)?)?;
    d.set_item("disposable", flag(|c| c.disposable)?)?;
    d.set_item("relay", flag(|c| c.relay)?)?;
    d.set_item("free", flag(|c| c.free)?)?;
    let mut lists = |codes: &mut dyn ExactSizeIterator<Item = &'static str>| {
        if codes.len() == 0 {
            return Ok(PyList::empty(py));
        }
        PyList::new(py, codes.map(&mut code).collect::<Vec<_>>())
    };
    let warnings = checks
        .iter()
        .map(|c| lists(&mut warning_codes(c)))
        .collect::<PyResult<Vec<_>>>()?;
    d.set_item("warnings", PyList::new(py, warnings)?)?;
    let rules = checks
        .iter()
        .map(|c| lists(&mut rule_codes(c)))
        .collect::<PyResult<Vec<_>>>()?;
    d.set_item("rules", PyList::new(py, rules)?)?;
    Ok(d)
}
