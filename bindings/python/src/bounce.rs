//! Bounce classification: the core's rules, with Python types.
use pyo3::prelude::*;
use pyo3::types::{PyString, PyType};

use mailhygiene::suppression::{classify_bounce as classify, Bounce};

use crate::pickled::{from_state, reduce, Reduced};

/// The classification of one bounce: `class_` (`"hard"`, `"soft"`, `"block"` or
/// `"unknown"`) and a `sub_reason` such as `"user_unknown"` or `"mailbox_full"`.
#[pyclass(name = "Bounce", module = "mailhygiene", frozen)]
pub struct PyBounce(pub Bounce);

#[pymethods]
impl PyBounce {
    /// `"hard"` (suppress the address), `"soft"` (transient), `"block"` (about the sender;
    /// never suppresses the address) or `"unknown"` (no rule matched).
    #[getter]
    fn class_(&self) -> &'static str {
        self.0.class.code()
    }
    /// `"user_unknown"`, `"mailbox_full"`, `"policy"`, …; None when no rule matched.
    #[getter]
    fn sub_reason(&self) -> Option<&str> {
        self.0.sub_reason.as_deref()
    }
    /// The SMTP reply used: the one given, else one read from the diagnostic text.
    #[getter]
    fn smtp_reply(&self) -> Option<u16> {
        self.0.smtp_reply
    }
    /// The enhanced status used: the one given, else one read from the diagnostic text.
    #[getter]
    fn enhanced_status(&self) -> Option<&str> {
        self.0.enhanced_status.as_deref()
    }
    /// The 1-based line of the rule that matched in the core's `data/bounce_rules.tsv`.
    #[getter]
    fn rule_line(&self) -> Option<usize> {
        self.0.rule_line
    }
    /// Pickle support: the core's serde form, which `_from_state` reads back.
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Reduced<'py>> {
        reduce(slf, &slf.get().0)
    }
    /// For unpickling only, not public API: the bounce `state` (from `__reduce__`) describes.
    #[classmethod]
    fn _from_state(cls: &Bound<'_, PyType>, state: &str) -> PyResult<Self> {
        from_state(cls, state).map(Self)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let sub = match &self.0.sub_reason {
            Some(s) => PyString::new(py, s).repr()?.to_string(),
            None => "None".into(),
        };
        Ok(format!(
            "Bounce(class_='{}', sub_reason={sub})",
            self.0.class.code()
        ))
    }
}

/// Classify a bounce from its diagnostic text, SMTP reply code and RFC 3463 enhanced status
/// (codes missing from the arguments are read from the text) with the built-in rules.
///
/// >>> b = mailhygiene.classify_bounce("The email account that you tried to reach does not exist", smtp_reply=550, enhanced_status="5.1.1")
/// >>> b.class_, b.sub_reason
/// ('hard', 'user_unknown')
/// >>> mailhygiene.classify_bounce("smtp;552 5.2.2 mailbox full").class_
/// 'soft'
#[pyfunction]
#[pyo3(signature = (diagnostic = None, *, smtp_reply = None, enhanced_status = None))]
pub fn classify_bounce(
    diagnostic: Option<&str>,
    smtp_reply: Option<u16>,
    enhanced_status: Option<&str>,
) -> PyBounce {
    PyBounce(classify(smtp_reply, enhanced_status, diagnostic))
}
