//! Python bindings for `mailhygiene`: registration, conversion and error mapping only. Every
//! rule lives in the core crate (`crates/mailhygiene`); the Python package re-exports this
//! native module as `mailhygiene`.
use pyo3::prelude::*;
use pyo3::types::PyTuple;

mod bounce;
mod checker;
mod errors;
mod result;
mod text;

/// Test hook, not public API: panic inside Rust (in a worker thread with `in_worker`) so the
/// tests can prove a panic reaches Python as an exception, never as a crash.
#[pyfunction]
#[pyo3(signature = (in_worker = false))]
fn _panic_for_tests(py: Python<'_>, in_worker: bool) {
    if in_worker {
        py.detach(|| {
            std::thread::scope(|s| {
                let worker = s.spawn(|| panic!("test panic in a worker thread"));
                if let Err(payload) = worker.join() {
                    std::panic::resume_unwind(payload);
                }
            })
        });
    } else {
        panic!("test panic");
    }
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add(
        "ERROR_CODES",
        PyTuple::new(py, mailhygiene::ErrorKind::ALL_CODES)?,
    )?;
    m.add(
        "InvalidAddressError",
        py.get_type::<errors::InvalidAddressError>(),
    )?;
    m.add_class::<result::PyResult_>()?;
    m.add_class::<checker::PyChecker>()?;
    m.add_class::<checker::PyAddress>()?;
    m.add_class::<checker::PySuggestion>()?;
    m.add_class::<checker::PyClassification>()?;
    m.add_class::<checker::PyProviderRule>()?;
    m.add_function(wrap_pyfunction!(checker::check, m)?)?;
    m.add_function(wrap_pyfunction!(checker::check_many, m)?)?;
    m.add_function(wrap_pyfunction!(checker::parse, m)?)?;
    m.add_function(wrap_pyfunction!(checker::normalize, m)?)?;
    m.add_function(wrap_pyfunction!(checker::canonical, m)?)?;
    m.add_function(wrap_pyfunction!(checker::suggest, m)?)?;
    m.add_function(wrap_pyfunction!(checker::classify, m)?)?;
    m.add_function(wrap_pyfunction!(checker::is_role, m)?)?;
    m.add_function(wrap_pyfunction!(checker::is_disposable, m)?)?;
    m.add_function(wrap_pyfunction!(checker::is_relay, m)?)?;
    m.add_function(wrap_pyfunction!(checker::is_free, m)?)?;
    m.add_function(wrap_pyfunction!(_panic_for_tests, m)?)?;
    m.add_class::<bounce::PyBounce>()?;
    m.add_function(wrap_pyfunction!(bounce::classify_bounce, m)?)?;

    Ok(())
}
