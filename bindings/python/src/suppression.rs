//! `SuppressionList` and its value types: conversion only; the merge rules live in the core's
//! `suppression` module.
//!
//! Reasons, scopes, systems and mail kinds cross the boundary as their stable strings
//! (`"complaint"`, `"group:7"`, `"ses"`, `"marketing"`); times as timezone-aware `datetime`s
//! in UTC (an `int` or `float` of Unix seconds is accepted too).
use std::collections::BTreeMap;
use std::fs::File;
use std::io::BufWriter;
use std::path::PathBuf;

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString, PyTuple, PyType};

use mailhygiene::suppression::import::{GenericColumns, ImportOptions};
use mailhygiene::suppression::{
    self as core, KeyHash, LoadError, MailKind, MasterRow, Policy, Reason, Restriction, Scope,
    StreamInfo, StreamKind, System,
};
use mailhygiene::text::Encoding;

use crate::checker::PyChecker;
use crate::pickled::{from_state, reduce, Reduced};

pyo3::create_exception!(
    mailhygiene,
    SuppressionError,
    PyValueError,
    "A suppression file or policy that cannot be used at all (bad rows are rejects instead).\n\n\
     Attributes: `code`, a stable snake_case code (`unknown_format`, `bad_format`, \
     `invalid_policy`, …); `message`, the human-readable explanation."
);

fn suppression_error(py: Python<'_>, code: &str, message: String) -> PyErr {
    let err = SuppressionError::new_err(message.clone());
    let value = err.value(py);
    for (name, v) in [("code", code), ("message", message.as_str())] {
        if let Err(e) = value.setattr(name, v) {
            return e;
        }
    }
    err
}

fn load_error(py: Python<'_>, e: LoadError) -> PyErr {
    match e {
        // Python's own error for a missing or unreadable file (FileNotFoundError, …).
        LoadError::Io { source, .. } => source.into(),
        e => suppression_error(py, e.code(), e.to_string()),
    }
}

fn parse<T: std::str::FromStr>(what: &str, s: &str) -> PyResult<T> {
    s.parse()
        .map_err(|_| PyValueError::new_err(format!("unknown {what} {s:?}")))
}

fn mail_kind(s: &str) -> PyResult<MailKind> {
    match s {
        "marketing" => Ok(MailKind::Marketing),
        "transactional" => Ok(MailKind::Transactional),
        "critical" => Ok(MailKind::Critical),
        _ => Err(PyValueError::new_err(format!(
            "unknown mail kind {s:?}: expected 'marketing', 'transactional' or 'critical'"
        ))),
    }
}

/// Unix seconds from an `int`, a `float` or an aware `datetime`.
fn unix(t: &Bound<'_, PyAny>) -> PyResult<i64> {
    // What a `datetime` can show back: years 1 to 9999 (NaN, infinities and the far future
    // would answer for a time no record can have, or fail later when read).
    const RANGE: std::ops::RangeInclusive<i64> = -62_135_596_800..=253_402_300_799;
    let in_range = |s: i64| {
        RANGE.contains(&s).then_some(s).ok_or_else(|| {
            PyValueError::new_err(format!("{s} Unix seconds is outside the years 1 to 9999"))
        })
    };
    if let Ok(i) = t.extract::<i64>() {
        return in_range(i);
    }
    if let Ok(f) = t.extract::<f64>() {
        if !f.is_finite() {
            return Err(PyValueError::new_err(format!("{f} is not a time")));
        }
        return in_range(f.floor().clamp(i64::MIN as f64, i64::MAX as f64) as i64);
    }
    if t.hasattr("tzinfo")? && t.hasattr("timestamp")? {
        if t.getattr("tzinfo")?.is_none() {
            return Err(PyValueError::new_err(
                "a naive datetime is ambiguous: give one with a timezone (e.g. timezone.utc)",
            ));
        }
        return Ok(t.call_method0("timestamp")?.extract::<f64>()?.floor() as i64);
    }
    Err(PyTypeError::new_err(format!(
        "expected a datetime or Unix seconds, got {}",
        t.get_type().name()?
    )))
}

/// An aware UTC `datetime`.
fn datetime(py: Python<'_>, t: Option<i64>) -> PyResult<Option<Bound<'_, PyAny>>> {
    let Some(t) = t else { return Ok(None) };
    let dt = py.import("datetime")?;
    let utc = dt.getattr("timezone")?.getattr("utc")?;
    dt.getattr("datetime")?
        .call_method1("fromtimestamp", (t, utc))
        .map(Some)
}

fn strings<'py>(py: Python<'py>, v: &[String]) -> PyResult<Bound<'py, PyTuple>> {
    PyTuple::new(py, v)
}

fn repr(py: Python<'_>, s: &str) -> PyResult<String> {
    Ok(PyString::new(py, s).repr()?.to_string())
}

// ---------------------------------------------------------------------------------------------

/// One fact about one address from one source: a bounce, complaint, unsubscribe, opt-in, …
///
/// `reason` is a code such as `"hard_bounce"`, `"complaint"` or `"unsubscribe"` (see
/// `SUPPRESSION_REASONS`); `scope` is `"all"`, `"marketing"`, `"transactional"`, `"list:<id>"`,
/// `"group:<id>"`, `"topic:<id>"` or `"stream:<id>"`. Without `canonical` the list computes
/// the key from the address.
///
/// >>> r = mailhygiene.SuppressionRecord("Jane@Example.com", "complaint", system="ses", stream="news")
/// >>> r.reason, r.scope, r.source_system, r.source_stream
/// ('complaint', 'all', 'ses', 'news')
#[pyclass(name = "SuppressionRecord", module = "mailhygiene", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct PyRecord(pub core::SuppressionRecord);

#[pymethods]
impl PyRecord {
    #[new]
    #[pyo3(signature = (
        address, reason, *, system, scope = "all", stream = "", canonical = None, event_time = None,
        sub_reason = None, source_account = None, source_reason = None, smtp_reply = None,
        enhanced_status = None, diagnostic = None,
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        address: &str,
        reason: &str,
        system: &str,
        scope: &str,
        stream: &str,
        canonical: Option<&str>,
        event_time: Option<&Bound<'_, PyAny>>,
        sub_reason: Option<String>,
        source_account: Option<String>,
        source_reason: Option<String>,
        smtp_reply: Option<u16>,
        enhanced_status: Option<String>,
        diagnostic: Option<String>,
    ) -> PyResult<Self> {
        let mut r = core::SuppressionRecord::new(
            canonical.unwrap_or(""),
            address,
            parse::<Reason>("reason", reason)?,
            parse::<Scope>("scope", scope)?,
            system,
        );
        r.source_stream = stream.into();
        r.event_time = event_time.map(unix).transpose()?;
        r.sub_reason = sub_reason;
        r.source_account = source_account;
        r.source_reason = source_reason;
        r.smtp_reply = smtp_reply;
        r.enhanced_status = enhanced_status;
        r.diagnostic = diagnostic;
        Ok(PyRecord(r))
    }
    /// The canonical key (empty until the list computes it).
    #[getter]
    fn canonical(&self) -> &str {
        &self.0.canonical
    }
    /// The address as the source wrote it.
    #[getter]
    fn address(&self) -> &str {
        &self.0.address
    }
    /// What happened: a reason code.
    #[getter]
    fn reason(&self) -> &'static str {
        self.0.reason.code()
    }
    /// Finer detail (`user_unknown`, `mailbox_full`, a source's category), or None.
    #[getter]
    fn sub_reason(&self) -> Option<&str> {
        self.0.sub_reason.as_deref()
    }
    /// Which mail it covers.
    #[getter]
    fn scope(&self) -> String {
        self.0.scope.to_string()
    }
    /// When it happened (aware UTC datetime), or None when the source has no date.
    #[getter]
    fn event_time<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        datetime(py, self.0.event_time)
    }
    /// The mail system (`ses`, `sendgrid`, … or `generic`).
    #[getter]
    fn source_system(&self) -> &str {
        &self.0.source_system
    }
    /// The company's stream the record belongs to.
    #[getter]
    fn source_stream(&self) -> &str {
        &self.0.source_stream
    }
    /// The account inside the system, or None.
    #[getter]
    fn source_account(&self) -> Option<&str> {
        self.0.source_account.as_deref()
    }
    /// The source's own reason text, or None.
    #[getter]
    fn source_reason(&self) -> Option<&str> {
        self.0.source_reason.as_deref()
    }
    /// The SMTP reply code, or None.
    #[getter]
    fn smtp_reply(&self) -> Option<u16> {
        self.0.smtp_reply
    }
    /// The RFC 3463 enhanced status code, or None.
    #[getter]
    fn enhanced_status(&self) -> Option<&str> {
        self.0.enhanced_status.as_deref()
    }
    /// The receiving server's diagnostic text, or None.
    #[getter]
    fn diagnostic(&self) -> Option<&str> {
        self.0.diagnostic.as_deref()
    }
    /// The file the record was read from (empty when added through the API).
    #[getter]
    fn file(&self) -> &str {
        &self.0.provenance.file
    }
    /// The 1-based line it was read from (0 when added through the API).
    #[getter]
    fn line(&self) -> u64 {
        self.0.provenance.line
    }
    /// Pickle support: the core's serde form, which `_from_state` reads back.
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Reduced<'py>> {
        reduce(slf, &slf.get().0)
    }
    /// For unpickling only, not public API: the record `state` (from `__reduce__`) describes.
    #[classmethod]
    fn _from_state(cls: &Bound<'_, PyType>, state: &str) -> PyResult<Self> {
        from_state(cls, state).map(Self)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let r = &self.0;
        Ok(format!(
            "SuppressionRecord({}, {}, scope={}, system={}, stream={})",
            repr(py, &r.address)?,
            repr(py, r.reason.code())?,
            repr(py, &r.scope.to_string())?,
            repr(py, &r.source_system)?,
            repr(py, &r.source_stream)?
        ))
    }
}

/// One active restriction of an address.
#[pyclass(name = "Restriction", module = "mailhygiene", frozen)]
pub struct PyRestriction(pub Restriction);

#[pymethods]
impl PyRestriction {
    /// The reason code.
    #[getter]
    fn reason(&self) -> &'static str {
        self.0.reason.code()
    }
    /// The mail it covers, after the policy's scope rules.
    #[getter]
    fn scope(&self) -> String {
        self.0.scope.to_string()
    }
    /// Whether critical transactional mail is still allowed (complaints, by default).
    #[getter]
    fn spares_critical(&self) -> bool {
        self.0.spares_critical
    }
    /// The latest event time of its records; None when any is undated.
    #[getter]
    fn since<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        datetime(py, self.0.since)
    }
    /// When it lapses by time, or None.
    #[getter]
    fn expires<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        datetime(py, self.0.expires)
    }
    /// The sources that reported it (`system:stream`), sorted.
    #[getter]
    fn sources<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        strings(py, &self.0.sources)
    }
    /// Whether a message of `kind` (`"marketing"`, `"transactional"`, `"critical"`) is
    /// blocked; with `scope`, a message sent to that list, group, topic or stream.
    #[pyo3(signature = (kind = "marketing", scope = None))]
    fn blocks(&self, kind: &str, scope: Option<&str>) -> PyResult<bool> {
        let kind = mail_kind(kind)?;
        Ok(match scope {
            None => self.0.blocks(kind),
            Some(s) => self.0.blocks_in(kind, &parse("scope", s)?),
        })
    }
    /// Pickle support: the core's serde form, which `_from_state` reads back.
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Reduced<'py>> {
        reduce(slf, &slf.get().0)
    }
    /// For unpickling only, not public API: the restriction `state` (from `__reduce__`) describes.
    #[classmethod]
    fn _from_state(cls: &Bound<'_, PyType>, state: &str) -> PyResult<Self> {
        from_state(cls, state).map(Self)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "Restriction({}, scope={})",
            repr(py, self.0.reason.code())?,
            repr(py, &self.0.scope.to_string())?
        ))
    }
}

/// The status of one address at one time, with the deciding reason and every restriction.
///
/// >>> lst = mailhygiene.SuppressionList()
/// >>> lst.add(mailhygiene.SuppressionRecord("a@example.com", "complaint", system="ses"))
/// >>> s = lst.status("A@Example.com")
/// >>> s.suppressed, s.reason, s.blocks("marketing"), s.blocks("critical")
/// (True, 'complaint', True, False)
#[pyclass(name = "Status", module = "mailhygiene", frozen)]
pub struct PyStatus(pub core::Status);

#[pymethods]
impl PyStatus {
    /// The input as given.
    #[getter]
    fn input(&self) -> &str {
        &self.0.input
    }
    /// Its canonical key; None when the input is not a valid address and not a key in the list.
    #[getter]
    fn canonical(&self) -> Option<&str> {
        self.0.canonical.as_deref()
    }
    /// Whether any restriction is active (for some mail; see `blocks`).
    #[getter]
    fn suppressed(&self) -> bool {
        self.0.suppressed
    }
    /// The deciding (most restrictive) restriction's reason code, or None.
    #[getter]
    fn reason(&self) -> Option<&'static str> {
        self.0.reason.map(Reason::code)
    }
    /// Its scope, or None.
    #[getter]
    fn scope(&self) -> Option<String> {
        self.0.scope.as_ref().map(Scope::to_string)
    }
    /// Its time, or None.
    #[getter]
    fn since<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        datetime(py, self.0.since)
    }
    /// Its expiry, or None.
    #[getter]
    fn expires<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        datetime(py, self.0.expires)
    }
    /// Its sources (`system:stream`).
    #[getter]
    fn sources<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        strings(py, &self.0.sources)
    }
    /// Every active restriction, most restrictive first.
    #[getter]
    fn restrictions<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let items = self
            .0
            .restrictions
            .iter()
            .map(|r| Bound::new(py, PyRestriction(r.clone())))
            .collect::<PyResult<Vec<_>>>()?;
        PyTuple::new(py, items)
    }
    /// A one-line human explanation.
    #[getter]
    fn why(&self) -> &str {
        &self.0.why
    }
    /// Whether a message of `kind` (`"marketing"`, `"transactional"`, `"critical"`) must not
    /// be sent; with `scope` (e.g. `"group:7"`), a message sent to that list or stream.
    #[pyo3(signature = (kind = "marketing", scope = None))]
    fn blocks(&self, kind: &str, scope: Option<&str>) -> PyResult<bool> {
        let kind = mail_kind(kind)?;
        Ok(match scope {
            None => self.0.blocks(kind),
            Some(s) => self.0.blocks_in(kind, &parse("scope", s)?),
        })
    }
    /// Pickle support: the core's serde form, which `_from_state` reads back.
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Reduced<'py>> {
        reduce(slf, &slf.get().0)
    }
    /// For unpickling only, not public API: the status `state` (from `__reduce__`) describes.
    #[classmethod]
    fn _from_state(cls: &Bound<'_, PyType>, state: &str) -> PyResult<Self> {
        from_state(cls, state).map(Self)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let mut out = format!(
            "Status({}, suppressed={}",
            repr(py, &self.0.input)?,
            if self.0.suppressed { "True" } else { "False" }
        );
        if let Some(r) = self.0.reason {
            out += &format!(", reason={}", repr(py, r.code())?);
        }
        out.push(')');
        Ok(out)
    }
}

/// One row of the master list: a canonical key with one active (reason, scope).
#[pyclass(name = "MasterRow", module = "mailhygiene", frozen)]
pub struct PyMasterRow(pub MasterRow);

#[pymethods]
impl PyMasterRow {
    /// The canonical key.
    #[getter]
    fn canonical(&self) -> &str {
        &self.0.canonical
    }
    /// The smallest spelling of the address seen.
    #[getter]
    fn address(&self) -> &str {
        &self.0.address
    }
    /// The restriction's reason code.
    #[getter]
    fn reason(&self) -> &'static str {
        self.0.reason.code()
    }
    /// The effective scope.
    #[getter]
    fn scope(&self) -> String {
        self.0.scope.to_string()
    }
    /// Whether critical transactional mail is spared.
    #[getter]
    fn spares_critical(&self) -> bool {
        self.0.spares_critical
    }
    /// The latest event time, or None when undated.
    #[getter]
    fn since<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        datetime(py, self.0.since)
    }
    /// The expiry, or None (never by time).
    #[getter]
    fn expires<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        datetime(py, self.0.expires)
    }
    /// The `system:stream` labels.
    #[getter]
    fn sources<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        strings(py, &self.0.sources)
    }
    /// Pickle support: the core's serde form, which `_from_state` reads back.
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Reduced<'py>> {
        reduce(slf, &slf.get().0)
    }
    /// For unpickling only, not public API: the row `state` (from `__reduce__`) describes.
    #[classmethod]
    fn _from_state(cls: &Bound<'_, PyType>, state: &str) -> PyResult<Self> {
        from_state(cls, state).map(Self)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "MasterRow({}, {}, scope={})",
            repr(py, &self.0.canonical)?,
            repr(py, self.0.reason.code())?,
            repr(py, &self.0.scope.to_string())?
        ))
    }
}

/// A source row that could not be turned into a record (never dropped silently).
#[pyclass(name = "Reject", module = "mailhygiene", frozen)]
pub struct PyReject(pub core::Reject);

#[pymethods]
impl PyReject {
    /// The file.
    #[getter]
    fn file(&self) -> &str {
        &self.0.file
    }
    /// The 1-based line.
    #[getter]
    fn line(&self) -> u64 {
        self.0.line
    }
    /// A stable snake_case code (`invalid_address`, `bad_date`, an address error code, …).
    #[getter]
    fn code(&self) -> &str {
        &self.0.code
    }
    /// A human explanation.
    #[getter]
    fn message(&self) -> &str {
        &self.0.message
    }
    /// The raw row text.
    #[getter]
    fn raw(&self) -> &str {
        &self.0.raw
    }
    /// Pickle support: the core's serde form, which `_from_state` reads back.
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Reduced<'py>> {
        reduce(slf, &slf.get().0)
    }
    /// For unpickling only, not public API: the reject `state` (from `__reduce__`) describes.
    #[classmethod]
    fn _from_state(cls: &Bound<'_, PyType>, state: &str) -> PyResult<Self> {
        from_state(cls, state).map(Self)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "Reject({}, line={}, code={})",
            repr(py, &self.0.file)?,
            self.0.line,
            repr(py, &self.0.code)?
        ))
    }
}

/// What `SuppressionList.load()` read: one summary per file and every rejected row.
#[pyclass(name = "ImportSummary", module = "mailhygiene", frozen)]
pub struct PyImportSummary(pub core::ImportSummary);

#[pymethods]
impl PyImportSummary {
    /// One dict per file: `file`, `stream`, `format`, `rows_read`, `rows_used`,
    /// `rows_rejected` and `records` (a count per reason code).
    #[getter]
    fn files<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let out = PyList::empty(py);
        for f in &self.0.files {
            let d = PyDict::new(py);
            d.set_item("file", &f.file)?;
            d.set_item("stream", &f.stream)?;
            d.set_item("format", &f.format)?;
            d.set_item("rows_read", f.rows_read)?;
            d.set_item("rows_used", f.rows_used)?;
            d.set_item("rows_rejected", f.rows_rejected)?;
            d.set_item("records", &f.records)?;
            out.append(d)?;
        }
        Ok(out)
    }
    /// Every rejected row, sorted by file and line.
    #[getter]
    fn rejects<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let items = self
            .0
            .rejects
            .iter()
            .map(|r| Bound::new(py, PyReject(r.clone())))
            .collect::<PyResult<Vec<_>>>()?;
        PyList::new(py, items)
    }
    /// Pickle support: the core's serde form, which `_from_state` reads back.
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Reduced<'py>> {
        reduce(slf, &slf.get().0)
    }
    /// For unpickling only, not public API: the summary `state` (from `__reduce__`) describes.
    #[classmethod]
    fn _from_state(cls: &Bound<'_, PyType>, state: &str) -> PyResult<Self> {
        from_state(cls, state).map(Self)
    }
    fn __repr__(&self) -> String {
        let rows: u64 = self.0.files.iter().map(|f| f.rows_used).sum();
        format!(
            "ImportSummary(files={}, rows_used={rows}, rejects={})",
            self.0.files.len(),
            self.0.rejects.len()
        )
    }
}

// ---------------------------------------------------------------------------------------------

/// Every suppression record from every source, merged by explicit rules (a policy).
///
/// Load exports of mail systems (`load`), add records (`add`), merge other lists (`merge`),
/// then ask for the status of an address (`status`), what a stream is missing
/// (`missing_for`), or write the master list (`write_csv`) or its hashed form
/// (`write_hashed`). Iterating yields the distinct records.
///
/// Arguments (keyword-only):
///     policy: TOML text overriding the default merge policy.
///     checker: the `Checker` that computes canonical keys.
///     now: "the present" (datetime or Unix seconds); default: the current time.
///     hash_key: the HMAC key of hashed lists shared with you (bytes or str).
///
/// Threads: a call that changes the list (`load`, `add`, `merge`, setting `now`, …) holds it
/// alone, and a call from another thread meanwhile raises `RuntimeError` ("Already
/// borrowed") rather than wait; share one list between threads behind a `threading.Lock`, or
/// load it before starting them (reading calls such as `status` may then run concurrently).
///
/// A list pickles whole (policy, checker, fixed present, hash key, streams and every record),
/// so a worker process gets a copy that gives the same statuses.
///
/// >>> lst = mailhygiene.SuppressionList()
/// >>> lst.add(mailhygiene.SuppressionRecord("jane.doe@gmail.com", "unsubscribe", system="mailgun"))
/// >>> lst.status("JaneDoe+x@googlemail.com").reason
/// 'unsubscribe'
/// >>> len(lst)
/// 1
#[pyclass(name = "SuppressionList", module = "mailhygiene")]
pub struct PySuppressionList(
    pub core::SuppressionList,
    /// What it was made with, for pickling.
    MadeWith,
);

/// What a list was made with that the core keeps only in built form; pickling gives it back.
#[derive(Clone, Default)]
pub struct MadeWith {
    policy: Option<String>,
    checker: Option<PyChecker>,
}

/// A pickled `SuppressionList`: what it was made with, its settings and its records (as the
/// core's own serialization of `SuppressionRecord`).
#[derive(IntoPyObject, FromPyObject)]
#[pyo3(from_item_all)]
pub struct ListState<'py> {
    policy: Option<String>,
    checker: Option<Bound<'py, PyChecker>>,
    now: Option<i64>,
    hash_key: Option<Bound<'py, PyAny>>,
    /// By name: (transactional, system code).
    streams: BTreeMap<String, (bool, Option<String>)>,
    /// JSON.
    records: String,
}

impl PySuppressionList {
    /// An empty list with a policy (TOML text) and a checker.
    fn made(py: Python<'_>, made_with: MadeWith) -> PyResult<Self> {
        let policy = match &made_with.policy {
            Some(text) => Policy::from_toml(text)
                .map_err(|e| suppression_error(py, e.code(), e.to_string()))?,
            None => Policy::default(),
        };
        let mut list = core::SuppressionList::new(policy);
        if let Some(c) = &made_with.checker {
            list = list.with_checker(c.0.clone());
        }
        Ok(PySuppressionList(list, made_with))
    }

    fn add_checked(&mut self, py: Python<'_>, record: &Bound<'_, PyRecord>) -> PyResult<()> {
        let record = record.get().0.clone();
        let address = record.address.clone();
        self.0
            .add_checked(record)
            .map_err(|e| crate::errors::invalid_address(py, e.code(), &e.to_string(), &address))
    }
}

#[pymethods]
impl PySuppressionList {
    #[new]
    #[pyo3(signature = (*, policy = None, checker = None, now = None, hash_key = None))]
    fn new(
        py: Python<'_>,
        policy: Option<String>,
        checker: Option<&Bound<'_, PyChecker>>,
        now: Option<&Bound<'_, PyAny>>,
        hash_key: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let checker = checker.map(|c| c.get().clone());
        let mut made = PySuppressionList::made(py, MadeWith { policy, checker })?;
        if let Some(t) = now {
            made.0.set_now(unix(t)?);
        }
        if let Some(k) = hash_key {
            made.0.set_hash_key(Some(&key_bytes(k)?));
        }
        Ok(made)
    }

    /// Pickle support: an empty list, then `__setstate__` with what this list was made with,
    /// its fixed present, hash key, stream declarations and records.
    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, PyType>, (), ListState<'py>)> {
        let py = slf.py();
        let this = slf.borrow();
        let list = &this.0;
        let records = py.detach(|| serde_json::to_string(&list.records()));
        let state = ListState {
            policy: this.1.policy.clone(),
            checker: (this.1.checker.clone())
                .map(|c| Bound::new(py, c))
                .transpose()?,
            now: list.fixed_now(),
            hash_key: list.hash_key().map(|k| PyBytes::new(py, k).into_any()),
            streams: (list.declared_streams().iter())
                .map(|(name, info)| {
                    let transactional = info.kind == StreamKind::Transactional;
                    let system = info.system.map(|s| s.code().to_owned());
                    (name.clone(), (transactional, system))
                })
                .collect(),
            records: records.map_err(|e| PyValueError::new_err(e.to_string()))?,
        };
        Ok((slf.get_type(), (), state))
    }

    /// For unpickling only: become the list `state` (from `__reduce__`) describes.
    fn __setstate__(&mut self, py: Python<'_>, state: ListState<'_>) -> PyResult<()> {
        let checker = state.checker.map(|c| c.get().clone());
        let made_with = MadeWith {
            policy: state.policy,
            checker,
        };
        let mut made = PySuppressionList::made(py, made_with)?;
        if let Some(t) = state.now {
            made.0.set_now(t);
        }
        if let Some(k) = &state.hash_key {
            made.0.set_hash_key(Some(&key_bytes(k)?));
        }
        for (name, (transactional, system)) in state.streams {
            made.set_stream(py, &name, transactional, system.as_deref())?;
        }
        let records: Vec<core::SuppressionRecord> = serde_json::from_str(&state.records)
            .map_err(|e| PyValueError::new_err(format!("not a pickled SuppressionList: {e}")))?;
        let list = &mut made.0;
        py.detach(|| list.extend(records));
        *self = made;
        Ok(())
    }

    /// Load a file, or a folder of files, for `stream`: raw exports of a mail system (`system`
    /// such as `"ses"`, `"sendgrid"`, `"mailchimp"`, or detected per file when None), a master
    /// list written by `write_csv`, a hashed list written by `write_hashed`, an engagement
    /// file, or a bare address list, one per line and no header (read as "manual" blocks on
    /// all mail). Runs with the GIL released.
    ///
    /// What an export does not say itself (keyword-only):
    ///     list_id, account: the list (Mailchimp audience, SendGrid group) or account (Postmark
    ///         stream, SES region) the files belong to, which scopes their unsubscribes;
    ///     email_column, reason_column, date_column: a CRM's own CSV (system "generic"; giving
    ///         email_column implies it), by header;
    ///     date_format: a strftime layout of the date column (e.g. "%d/%m/%Y %H:%M");
    ///     date_zone: the zone of dates written without one ("UTC", "-05:00", "Europe/Paris");
    ///     default_reason: the reason of rows without one (e.g. "manual");
    ///     scope: the scope of every record of a generic export;
    ///     encoding: the encoding of files that are not UTF-8 ("windows-1252", as Excel on
    ///         Windows saves CSV; "iso-8859-15" …). Files that are UTF-8 or start with a byte
    ///         order mark are read as such whatever it says; without it, a file that is not
    ///         UTF-8 raises `SuppressionError` (code "not_utf8") naming its line and likely
    ///         encoding. An unknown label raises code "unknown_encoding".
    ///
    /// Bad rows do not stop the load: they are in the returned summary's `rejects`. A file
    /// that cannot be used at all raises `SuppressionError` (or `OSError` when unreadable).
    #[pyo3(signature = (
        path, system = None, *, stream = "", list_id = None, account = None,
        email_column = None, reason_column = None, date_column = None, date_format = None,
        date_zone = None, default_reason = None, scope = None, encoding = None,
    ))]
    #[allow(clippy::too_many_arguments)]
    fn load(
        &mut self,
        py: Python<'_>,
        path: PathBuf,
        system: Option<&str>,
        stream: &str,
        list_id: Option<&str>,
        account: Option<&str>,
        email_column: Option<String>,
        reason_column: Option<String>,
        date_column: Option<String>,
        date_format: Option<String>,
        date_zone: Option<String>,
        default_reason: Option<&str>,
        scope: Option<&str>,
        encoding: Option<&str>,
    ) -> PyResult<PyImportSummary> {
        let system = system
            .map(|s| s.parse::<System>())
            .transpose()
            .map_err(|e| suppression_error(py, e.code(), e.to_string()))?;
        let encoding = encoding
            .map(|label| label.parse::<Encoding>())
            .transpose()
            .map_err(|e| suppression_error(py, e.code(), e.to_string()))?;
        let mut options = ImportOptions::new(stream);
        options.encoding = encoding;
        if let Some(s) = system {
            options = options.system(s);
        }
        if let Some(id) = list_id {
            options = options.list_id(id);
        }
        if let Some(a) = account {
            options = options.account(a);
        }
        let generic = email_column.is_some() || system == Some(System::Generic);
        if generic {
            options = options.generic(GenericColumns {
                email: email_column.unwrap_or_else(|| "email".into()),
                reason: reason_column,
                date: date_column,
                default_reason: default_reason.map(|r| parse("reason", r)).transpose()?,
                date_format,
                date_zone,
                scope: scope.map(|s| parse("scope", s)).transpose()?,
            });
        } else if reason_column.is_some() || date_column.is_some() || scope.is_some() {
            return Err(PyValueError::new_err(
                "reason_column, date_column and scope describe a generic export: give email_column",
            ));
        }
        let list = &mut self.0;
        py.detach(|| list.load_path_with(&path, &options))
            .map(PyImportSummary)
            .map_err(|e| load_error(py, e))
    }

    /// Add one `SuppressionRecord`. Its address must be valid (else `InvalidAddressError`) and
    /// is stored normalized (`Bob <Bob@Example.com>` → `Bob@example.com`); a record with its
    /// canonical key given (a hashed key) is added as it is.
    fn add(&mut self, py: Python<'_>, record: &Bound<'_, PyRecord>) -> PyResult<()> {
        self.add_checked(py, record)
    }

    /// Add many `SuppressionRecord`s (each as `add` does; the first invalid one raises, after
    /// the records before it were added).
    fn extend(&mut self, py: Python<'_>, records: &Bound<'_, PyAny>) -> PyResult<()> {
        for item in records.try_iter()? {
            let item = item?;
            self.add_checked(py, item.cast::<PyRecord>()?)?;
        }
        Ok(())
    }

    /// Merge every record of `other` into this list (set union). This list's policy, present
    /// and stream declarations win.
    fn merge(&mut self, py: Python<'_>, other: PyRef<'_, PySuppressionList>) {
        let list = &mut self.0;
        let other = &other.0;
        py.detach(|| list.merge(other));
    }

    /// Declare a stream: transactional or marketing (the default), and the mail system its
    /// export comes from (decides the format of what it is missing).
    #[pyo3(signature = (name, *, transactional = false, system = None))]
    fn set_stream(
        &mut self,
        py: Python<'_>,
        name: &str,
        transactional: bool,
        system: Option<&str>,
    ) -> PyResult<()> {
        let system = system
            .map(|s| s.parse::<System>())
            .transpose()
            .map_err(|e| suppression_error(py, e.code(), e.to_string()))?;
        let kind = if transactional {
            StreamKind::Transactional
        } else {
            StreamKind::Marketing
        };
        self.0.set_stream(name, StreamInfo { kind, system });
        Ok(())
    }

    /// Every stream declared or named by a record: `{name: {"transactional": bool,
    /// "system": str | None}}`.
    fn streams<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let out = PyDict::new(py);
        for (name, info) in self.0.streams() {
            let d = PyDict::new(py);
            d.set_item("transactional", info.kind == StreamKind::Transactional)?;
            d.set_item("system", info.system.map(System::code))?;
            out.set_item(name, d)?;
        }
        Ok(out)
    }

    /// "The present" the list answers for (an aware UTC datetime): the current time unless set.
    #[getter]
    fn now<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        datetime(py, Some(self.0.present()))
    }

    /// Set "the present" (datetime or Unix seconds), for reproducible runs.
    #[setter]
    fn set_now(&mut self, now: &Bound<'_, PyAny>) -> PyResult<()> {
        self.0.set_now(unix(now)?);
        Ok(())
    }

    /// The status of an address (or canonical key, or `sha256:<hex>` key) at `at` (datetime
    /// or Unix seconds; None: the list's present), with the deciding reason and every
    /// restriction. An invalid address is looked up by its text; it is never an error.
    #[pyo3(signature = (address, at = None))]
    fn status(&self, address: &str, at: Option<&Bound<'_, PyAny>>) -> PyResult<PyStatus> {
        let at = at.map(unix).transpose()?;
        Ok(PyStatus(self.0.status(address, at)))
    }

    /// The master rows that `stream` is missing: their scope covers the stream and its own
    /// export held no record with the same reason and a covering scope.
    fn missing_for(&mut self, py: Python<'_>, stream: &str) -> PyResult<Vec<PyMasterRow>> {
        self.0.follow_clock();
        let list = &self.0;
        let rows = py.detach(|| list.missing_for(stream));
        Ok(rows.into_iter().map(PyMasterRow).collect())
    }

    /// The master list at the present: one row per key and active (reason, scope), sorted.
    fn rows(&mut self, py: Python<'_>) -> Vec<PyMasterRow> {
        self.0.follow_clock();
        let list = &self.0;
        py.detach(|| list.rows())
            .into_iter()
            .map(PyMasterRow)
            .collect()
    }

    /// Write the master list CSV to `path` (readable back with `load`). Returns the number
    /// of rows per reason code.
    fn write_csv(
        &mut self,
        py: Python<'_>,
        path: PathBuf,
    ) -> PyResult<BTreeMap<&'static str, u64>> {
        self.0.follow_clock();
        let list = &self.0;
        let counts = py.detach(|| list.write_csv(BufWriter::new(File::create(&path)?)))?;
        Ok(counts.into_iter().map(|(r, n)| (r.code(), n)).collect())
    }

    /// Write the hashed list to `path`: SHA-256 of each canonical key, or HMAC-SHA-256 with
    /// `hmac_key`. Returns `(rows written, rows skipped)`.
    #[pyo3(signature = (path, *, hmac_key = None))]
    fn write_hashed(
        &mut self,
        py: Python<'_>,
        path: PathBuf,
        hmac_key: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<(u64, u64)> {
        let hash = match hmac_key {
            Some(k) => KeyHash::HmacSha256(key_bytes(k)?),
            None => KeyHash::Sha256,
        };
        self.0.follow_clock();
        let list = &self.0;
        Ok(py.detach(|| -> std::io::Result<(u64, u64)> {
            list.write_hashed(BufWriter::new(File::create(&path)?), &hash)
        })?)
    }

    /// Every distinct record, sorted by key then time.
    fn records(&self, py: Python<'_>) -> Vec<PyRecord> {
        let list = &self.0;
        py.detach(|| list.records())
            .into_iter()
            .map(PyRecord)
            .collect()
    }

    /// The number of distinct canonical keys (plain or hashed).
    #[getter]
    fn key_count(&self) -> usize {
        self.0.key_count()
    }

    /// The number of distinct records.
    fn __len__(&self) -> usize {
        self.0.len()
    }

    /// Iterate over the distinct records (a snapshot).
    fn __iter__<'py>(slf: PyRef<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        let records = slf.records(py);
        PyList::new(py, records)?
            .as_any()
            .try_iter()
            .map(Bound::into_any)
    }

    fn __repr__(&self) -> String {
        format!(
            "SuppressionList(records={}, keys={})",
            self.0.len(),
            self.0.key_count()
        )
    }
}

fn key_bytes(k: &Bound<'_, PyAny>) -> PyResult<Vec<u8>> {
    if let Ok(s) = k.cast::<PyString>() {
        return Ok(s.to_cow()?.as_bytes().to_vec());
    }
    match k.cast::<PyBytes>() {
        Ok(b) => Ok(b.as_bytes().to_vec()),
        Err(_) => Err(PyTypeError::new_err("a key is bytes or str")),
    }
}

/// The reason codes a `SuppressionRecord` takes.
pub fn reason_codes() -> Vec<&'static str> {
    Reason::ALL.iter().map(|r| r.code()).collect()
}

/// The mail system codes `load` and `set_stream` take.
pub fn system_codes() -> Vec<&'static str> {
    System::ALL.iter().map(|s| s.code()).collect()
}
