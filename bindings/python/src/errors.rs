//! Error mapping: the core's `ParseError` becomes `InvalidAddressError` with the stable code.
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use mailhygiene::{Checker, ParseError};

pyo3::create_exception!(
    mailhygiene,
    InvalidAddressError,
    PyValueError,
    "An address that a function needs to be valid is not.\n\n\
     Attributes: `code`, the stable snake_case error code (see `ERROR_CODES`) to branch on; \
     `message`, the human-readable explanation (its wording may improve); `input`, the text \
     the parser rejected."
);

/// An `InvalidAddressError` carrying `code`, `message` and `input`.
pub fn invalid_address(py: Python<'_>, code: &str, message: &str, input: &str) -> PyErr {
    let err = InvalidAddressError::new_err(message.to_owned());
    let value = err.value(py);
    for (name, v) in [("code", code), ("message", message), ("input", input)] {
        if let Err(e) = value.setattr(name, v) {
            return e;
        }
    }
    err
}

/// The Python form of a core `ParseError`.
pub fn parse_error(py: Python<'_>, e: &ParseError) -> PyErr {
    invalid_address(py, e.code(), &e.to_string(), e.input())
}

/// The error for a `str` with lone surrogates, as the core words it for bindings.
pub fn surrogates_error(py: Python<'_>, checker: &Checker, lossy: &str) -> PyErr {
    let c = checker.check_invalid_utf8(lossy);
    invalid_address(
        py,
        c.error.unwrap_or("invalid_utf8"),
        c.message.as_deref().unwrap_or_default(),
        lossy,
    )
}
