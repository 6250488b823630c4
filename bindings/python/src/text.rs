//! Python `str` → Rust `&str`, without copying, and Python iterables → columns of cells.
use pyo3::exceptions::{PyRuntimeError, PyTypeError};
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyFloat, PyList, PyString, PyTuple};

/// The text of a Python `str`.
pub enum Text<'a> {
    /// Valid Unicode, borrowed from the `str` object.
    Utf8(&'a str),
    /// The `str` holds lone surrogates (`"\ud800"`), which have no UTF-8 form: the lossy text.
    Surrogates(String),
}

/// Borrow the UTF-8 text of `s` for as long as `s` is borrowed.
pub fn text<'a>(s: &'a Bound<'_, PyString>) -> Text<'a> {
    // SAFETY: `s` is a live `str`, borrowed for `'a`.
    match unsafe { utf8(s.as_ptr()) } {
        Some(t) => Text::Utf8(t),
        None => {
            // A UnicodeEncodeError for lone surrogates: the address is invalid, not the call.
            drop(PyErr::take(s.py()));
            Text::Surrogates(lossy(s))
        }
    }
}

/// The UTF-8 text of a `str`, or None (with a Python exception set) for lone surrogates.
///
/// # Safety
/// `s` must be a live `str` object that outlives `'a`, and the GIL must be held.
unsafe fn utf8<'a>(s: *mut ffi::PyObject) -> Option<&'a str> {
    let mut size: ffi::Py_ssize_t = 0;
    // `PyUnicode_AsUTF8AndSize` returns the UTF-8 form that the `str` caches in itself:
    // borrowing it saves an allocation and a copy per address.
    // SAFETY: the returned buffer is owned by `s` and immutable, so it lives as long as `s`.
    let data = unsafe { ffi::PyUnicode_AsUTF8AndSize(s, &mut size) };
    if data.is_null() {
        return None;
    }
    // SAFETY: CPython guarantees the buffer holds `size` bytes of valid UTF-8.
    Some(unsafe {
        std::str::from_utf8_unchecked(std::slice::from_raw_parts(data.cast::<u8>(), size as usize))
    })
}

/// The text of a `str` with lone surrogates, one U+FFFD for each.
fn lossy(s: &Bound<'_, PyString>) -> String {
    let utf16 = s
        .call_method1("encode", ("utf-16-le", "surrogatepass"))
        .and_then(|b| b.extract::<Vec<u8>>());
    match utf16 {
        Ok(bytes) => char::decode_utf16(
            bytes
                .chunks_exact(2)
                .map(|p| u16::from_le_bytes([p[0], p[1]])),
        )
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect(),
        Err(_) => s.to_string_lossy().into_owned(),
    }
}

/// The cells of some consecutive rows of an input column, their text copied out of the
/// `str` objects: the workers then read no Python object, which another thread may change or
/// free while the GIL is released.
pub struct Cells {
    /// The rows' text, one after another.
    text: String,
    /// One per row: the end of its text in `text` (it starts where the previous row's ends),
    /// or `None` for a missing cell (and, as a placeholder, for a cell with surrogates).
    ends: Vec<Option<usize>>,
    /// Cells with lone surrogates: their index among these rows, and their lossy text.
    pub surrogates: Vec<(usize, String)>,
}

impl Cells {
    /// The rows' texts in order.
    pub fn iter(&self) -> impl Iterator<Item = Option<&str>> {
        let mut start = 0;
        self.ends.iter().map(move |end| {
            let end = (*end)?;
            let s = &self.text[start..end];
            start = end;
            Some(s)
        })
    }
}

/// Any supported column as a list: anything else than a `list` is converted to a new one; a
/// `list` is used as it is unless `copy` (`cells` copies the text out chunk by chunk, with the
/// GIL held, so the workers never read the caller's objects). A copy is a list that only this
/// call holds: no other thread can change it, so `item_str` may take its items as they are.
pub fn items<'py>(obj: &Bound<'py, PyAny>, copy: bool) -> PyResult<Bound<'py, PyList>> {
    let py = obj.py();
    let as_list = |obj: &Bound<'py, PyAny>| -> PyResult<Bound<'py, PyList>> {
        // SAFETY: `PySequence_List` returns a new list (C-level copies for a list or a tuple,
        // else `list(obj)`), or NULL with an exception set, e.g. for a non-iterable.
        unsafe {
            Ok(
                Bound::from_owned_ptr_or_err(py, ffi::PySequence_List(obj.as_ptr()))?
                    .cast_into_unchecked(),
            )
        }
    };
    if obj.is_exact_instance_of::<PyList>() && !copy {
        return Ok(obj.clone().cast_into()?);
    }
    if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        return as_list(obj);
    }
    if obj.is_instance_of::<PyString>() || obj.hasattr("decode")? {
        return Err(PyTypeError::new_err(format!(
            "check_many() takes an iterable of addresses, not a single {}; use check() for one address",
            obj.get_type().name()?
        )));
    }
    let module = obj.get_type().module()?;
    let module = module.to_cow()?;
    let converted = if obj.hasattr("to_pylist")? {
        // pyarrow Array / ChunkedArray: nulls become None.
        Some(obj.call_method0("to_pylist")?)
    } else if module.starts_with("polars") {
        // polars Series: nulls become None.
        Some(obj.call_method0("to_list")?)
    } else if module.starts_with("pandas") {
        // pandas Series / Index / arrays of any dtype: NaN, NA and None become None.
        let kwargs = pyo3::types::PyDict::new(py);
        kwargs.set_item("dtype", "object")?;
        kwargs.set_item("na_value", py.None())?;
        Some(
            obj.call_method("to_numpy", (), Some(&kwargs))?
                .call_method0("tolist")?,
        )
    } else if obj.hasattr("tolist")? {
        // numpy arrays.
        Some(obj.call_method0("tolist")?)
    } else {
        None
    };
    match converted {
        // A plain list the library just made for us, that nothing else holds.
        Some(list)
            if list.is_exact_instance_of::<PyList>()
                && unsafe { ffi::Py_REFCNT(list.as_ptr()) } == 1 =>
        {
            Ok(list.cast_into()?)
        }
        Some(other) => items(&other, copy),
        None => as_list(obj),
    }
}

/// Item `i` of `list`, borrowed from it; an `IndexError` if the list has shrunk below `i`.
fn item<'a, 'py>(list: &'a Bound<'py, PyList>, i: usize) -> PyResult<Borrowed<'a, 'py, PyAny>> {
    // SAFETY: `PyList_GetItem` returns a borrowed reference owned by the list, or NULL with
    // an `IndexError` set.
    unsafe {
        Borrowed::from_ptr_or_err(
            list.py(),
            ffi::PyList_GetItem(list.as_ptr(), i as ffi::Py_ssize_t),
        )
    }
}

/// Item `i` of a list copied by `items`, whose cell was a `str`, as a new reference.
pub fn item_str<'py>(list: &Bound<'py, PyList>, i: usize) -> PyResult<Bound<'py, PyString>> {
    // SAFETY: `cells` found a `str` at `i`, and nothing else can change a copied list.
    Ok(unsafe { item(list, i)?.to_owned().cast_into_unchecked() })
}

/// The input `str` of row `i`, whose text was `text`: the caller's own object when the list
/// still holds an equal one there (another thread may have changed it while the GIL was
/// released), else a new `str`.
pub fn input_str<'py>(list: &Bound<'py, PyList>, i: usize, text: &str) -> Bound<'py, PyString> {
    if let Ok(obj) = item(list, i) {
        if obj.is_instance_of::<PyString>() {
            // SAFETY: a `str` held by `list`, read with the GIL held.
            match unsafe { utf8(obj.as_ptr()) } {
                // SAFETY: checked to be a `str` just above.
                Some(t) if t == text => return unsafe { obj.to_owned().cast_into_unchecked() },
                Some(_) => {}
                None => drop(PyErr::take(list.py())),
            }
        }
    }
    PyString::new(list.py(), text)
}

/// The cells of rows `start..start + n` of a list from `items`: `str` copied, missing values
/// (see [`is_missing`]) missing; anything else is a `TypeError` naming the position.
pub fn cells(list: &Bound<'_, PyList>, start: usize, n: usize) -> PyResult<Cells> {
    let mut text = String::with_capacity(32 * n);
    let mut ends = Vec::with_capacity(n);
    let mut surrogates = Vec::new();
    for i in start..start + n {
        let obj = item(list, i).map_err(|_| {
            PyRuntimeError::new_err("check_many(): the input list changed size during the call")
        })?;
        if obj.is_instance_of::<PyString>() {
            // SAFETY: a `str` held by `list`, read with the GIL held.
            match unsafe { utf8(obj.as_ptr()) } {
                Some(s) => {
                    text.push_str(s);
                    ends.push(Some(text.len()));
                }
                None => {
                    drop(PyErr::take(list.py()));
                    // Owned: `lossy` calls `encode`, which a `str` subclass may override to
                    // change the list. SAFETY: checked to be a `str` just above.
                    let s = unsafe { obj.to_owned().cast_into_unchecked::<PyString>() };
                    surrogates.push((i - start, lossy(&s)));
                    ends.push(None);
                }
            }
        } else if is_missing(&obj) {
            ends.push(None);
        } else {
            return Err(PyTypeError::new_err(format!(
                "check_many(): item {i} is {}, expected str or None",
                obj.get_type().name()?
            )));
        }
    }
    Ok(Cells {
        text,
        ends,
        surrogates,
    })
}

/// A missing cell as Python, NumPy and pandas spell it: `None`, a NaN of any float type
/// (`float`, `numpy.float32`), `pandas.NA` or `pandas.NaT` (what `Series.tolist()` gives for
/// the `string` and datetime dtypes).
fn is_missing(obj: &Bound<'_, PyAny>) -> bool {
    if obj.is_none() {
        return true;
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        return f.value().is_nan();
    }
    let ty = obj.get_type();
    let pandas_missing = ty.name().is_ok_and(|n| n == "NAType" || n == "NaTType")
        && ty
            .module()
            .is_ok_and(|m| m.to_string_lossy().starts_with("pandas"));
    // Not `str`: a string that parses as "nan" is text, not a missing value.
    pandas_missing
        || (!obj.is_instance_of::<PyString>() && obj.extract::<f64>().is_ok_and(f64::is_nan))
}
