//! Pickling of the value types (`Address`, `Status`, `Bounce`, …): each reduces to its class's
//! `_from_state` and the core's own serde form of the value, as JSON, which `_from_state` reads
//! back into the core's type. The value comes back as it was, not as a new answer of the core.
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyType;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// What `__reduce__` returns: the class's `_from_state` and its argument.
pub type Reduced<'py> = (Bound<'py, PyAny>, (String,));

/// `__reduce__` of the object `slf`, whose core value is `value`.
pub fn reduce<'py, T>(slf: &Bound<'py, T>, value: &impl Serialize) -> PyResult<Reduced<'py>> {
    let from_state = (slf.as_any().get_type()).getattr(pyo3::intern!(slf.py(), "_from_state"))?;
    let state = serde_json::to_string(value).map_err(|e| PyValueError::new_err(e.to_string()))?;
    Ok((from_state, (state,)))
}

/// The core value that `state` (from `reduce`) describes; a clear `ValueError` when it is not.
pub fn from_state<T: DeserializeOwned>(cls: &Bound<'_, PyType>, state: &str) -> PyResult<T> {
    serde_json::from_str(state).or_else(|e| {
        let name = cls.qualname()?;
        Err(PyValueError::new_err(format!("not a pickled {name}: {e}")))
    })
}
