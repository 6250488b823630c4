//! Python bindings for `mailhygiene`: registration, conversion and error mapping only. Every
//! rule lives in the core crate (`crates/mailhygiene`); the Python package re-exports this
//! native module as `mailhygiene`.
use pyo3::exceptions::PyRuntimeError;
use pyo3::panic::PanicException;
use pyo3::prelude::*;
use pyo3::types::{PyTuple, PyType};

// A batch allocates a few small strings per row on every core; mimalloc's per-thread heaps
// keep the worker threads from contending on one allocator, as in the CLI. Only Rust's own
// allocations use it; Python objects stay with Python's allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod bounce;
mod checker;
mod errors;
mod pickled;
mod result;
mod suppression;
mod text;

/// Testing only, not public API: panic inside Rust (in a worker thread with `in_worker`) so the
/// tests can prove that a panic reaches Python as an `InternalError`, never as a crash.
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

/// PyO3's `PanicException`, made `mailhygiene.InternalError`: a `RuntimeError`, so that
/// `except Exception` catches a bug of this package like any other error.
///
/// PyO3 turns every panic that reaches Python, from any function, method or slot it
/// generates, into its own exception type, derived from `BaseException` and with no hook to
/// pick another. That type is private to this extension module (PyO3 makes one per module),
/// so it is re-based and renamed here, once: every entry point is covered, at no cost per
/// call, and the exception pickles by its name (a worker process can send it back).
fn internal_error(py: Python<'_>) -> PyResult<Bound<'_, PyType>> {
    let ty = py.get_type::<PanicException>();
    ty.setattr("__bases__", (py.get_type::<PyRuntimeError>(),))?;
    ty.setattr("__name__", "InternalError")?;
    ty.setattr("__qualname__", "InternalError")?;
    ty.setattr("__module__", "mailhygiene")?;
    ty.setattr(
        "__doc__",
        "A bug inside mailhygiene (a Rust panic), never a verdict on the input.\n\n\
         A `RuntimeError`; `str(error)` is the panic message. Please report it with the input \
         that caused it.",
    )?;
    Ok(ty)
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add(
        "ERROR_CODES",
        PyTuple::new(py, mailhygiene::ErrorKind::ALL_CODES)?,
    )?;
    m.add("InternalError", internal_error(py)?)?;
    m.add(
        "InvalidAddressError",
        py.get_type::<errors::InvalidAddressError>(),
    )?;
    m.add("COLUMNS_SCHEMA", result::columns_schema(py)?)?;
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

    m.add(
        "SUPPRESSION_REASONS",
        PyTuple::new(py, suppression::reason_codes())?,
    )?;
    m.add("SYSTEMS", PyTuple::new(py, suppression::system_codes())?)?;
    m.add(
        "SuppressionError",
        py.get_type::<suppression::SuppressionError>(),
    )?;
    m.add_class::<suppression::PySuppressionList>()?;
    m.add_class::<suppression::PyRecord>()?;
    m.add_class::<suppression::PyStatus>()?;
    m.add_class::<suppression::PyRestriction>()?;
    m.add_class::<suppression::PyMasterRow>()?;
    m.add_class::<suppression::PyImportSummary>()?;
    m.add_class::<suppression::PyReject>()?;
    Ok(())
}
