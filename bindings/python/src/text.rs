//! Python `str` → Rust `&str`, without copying, and Python iterables → columns of cells.
use std::os::raw::c_char;

use pyo3::exceptions::PyTypeError;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyFloat, PyList, PyString, PyTuple};

// `PyUnicode_AsUTF8AndSize` joined the limited API in 3.10, so pyo3 hides it from an
// `abi3-py39` build, but every CPython 3 exports it. It returns the UTF-8 form that the `str`
// object caches in itself: borrowing it avoids one allocation and copy per address, which is
// most of the binding's cost in `check_many`.
extern "C" {
    fn PyUnicode_AsUTF8AndSize(
        unicode: *mut ffi::PyObject,
        size: *mut ffi::Py_ssize_t,
    ) -> *const c_char;
}

/// The text of a Python `str`.
pub enum Text<'a> {
    /// Valid Unicode, borrowed from the `str` object.
    Utf8(&'a str),
    /// The `str` holds lone surrogates (`"\ud800"`), which have no UTF-8 form: the lossy text.
    Surrogates(String),
}

/// Borrow the UTF-8 text of `s` for as long as `s` is borrowed.
pub fn text<'a>(s: &'a Bound<'_, PyString>) -> Text<'a> {
    let mut size: ffi::Py_ssize_t = 0;
    // SAFETY: `s` is a live `str`; the returned buffer is owned by it and immutable, so it
    // lives as long as the borrow of `s`.
    let data = unsafe { PyUnicode_AsUTF8AndSize(s.as_ptr(), &mut size) };
    if data.is_null() {
        // A UnicodeEncodeError for lone surrogates: the address is invalid, not the call.
        drop(PyErr::take(s.py()));
        return Text::Surrogates(lossy(s));
    }
    // SAFETY: CPython guarantees the buffer holds `size` bytes of valid UTF-8.
    Text::Utf8(unsafe {
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

/// The cells of an input column, borrowed from `items`.
pub struct Cells<'a> {
    /// One per item: the text, or `None` for a missing cell (and, as a placeholder, for a
    /// cell with surrogates).
    pub cells: Vec<Option<&'a str>>,
    /// Cells with lone surrogates: their index and lossy text.
    pub surrogates: Vec<(usize, String)>,
}

/// Turn any supported column into a list of Python objects (a strong reference each, so that
/// another thread mutating the caller's list while the GIL is released cannot free a string
/// we borrow from).
pub fn items<'py>(obj: &Bound<'py, PyAny>) -> PyResult<Vec<Bound<'py, PyAny>>> {
    if let Ok(list) = obj.cast::<PyList>() {
        return Ok(list.iter().collect());
    }
    if let Ok(tuple) = obj.cast::<PyTuple>() {
        return Ok(tuple.iter().collect());
    }
    if obj.is_instance_of::<PyString>() || obj.hasattr("decode")? {
        return Err(PyTypeError::new_err(format!(
            "check_many() takes an iterable of addresses, not a single {}; use check() for one address",
            obj.get_type().name()?
        )));
    }
    let py = obj.py();
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
        Some(list) => match list.cast_into::<PyList>() {
            Ok(list) => Ok(list.iter().collect()),
            Err(e) => items(&e.into_inner()),
        },
        None => obj.try_iter()?.collect(),
    }
}

/// The cells of `items`: `str` borrowed, `None` and float NaN missing; anything else is a
/// `TypeError` naming the position.
pub fn cells<'a>(items: &'a [Bound<'_, PyAny>]) -> PyResult<Cells<'a>> {
    let mut cells = Vec::with_capacity(items.len());
    let mut surrogates = Vec::new();
    for (i, item) in items.iter().enumerate() {
        if let Ok(s) = item.cast::<PyString>() {
            match text(s) {
                Text::Utf8(s) => cells.push(Some(s)),
                Text::Surrogates(lossy) => {
                    surrogates.push((i, lossy));
                    cells.push(None);
                }
            }
        } else if item.is_none() || item.cast::<PyFloat>().is_ok_and(|f| f.value().is_nan()) {
            cells.push(None);
        } else {
            return Err(PyTypeError::new_err(format!(
                "check_many(): item {i} is {}, expected str or None",
                item.get_type().name()?
            )));
        }
    }
    Ok(Cells { cells, surrogates })
}
