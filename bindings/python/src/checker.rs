//! `Checker`, its value types (`Address`, `Suggestion`, `Classification`, `ProviderRule`) and
//! the module-level functions, which use the default checker.
use std::collections::HashMap;
use std::sync::LazyLock;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyString, PyType};

use mailhygiene::{Checker, DomainList, ParseError, ParseOptions, ProviderRule};

use crate::errors::{parse_error, surrogates_error};
use crate::pickled::{from_state, reduce, Reduced};

use crate::result::{Batch, Chunk, GcPause, Packed, PyResult_};
use crate::text::{cells, items, text, Cells, Text};

static DEFAULT: LazyLock<Checker> = LazyLock::new(Checker::default);

fn repr(py: Python<'_>, s: &str) -> PyResult<String> {
    Ok(PyString::new(py, s).repr()?.to_string())
}

fn py_bool(b: bool) -> &'static str {
    if b {
        "True"
    } else {
        "False"
    }
}

// ---------------------------------------------------------------------------------------------
// The operations, shared by `Checker` methods and the module functions.

fn do_check(checker: &Checker, address: &Bound<'_, PyString>, exact: bool) -> Packed {
    match text(address) {
        Text::Utf8(s) => {
            let mut row = checker.check_with(s, exact, Packed::new);
            if row.needs_input() {
                row.set_input(address.clone().unbind());
            }
            row
        }
        Text::Surrogates(lossy) => Packed::full(checker.check_invalid_utf8(&lossy)),
    }
}

/// Rows per chunk: workers check chunks while this thread turns earlier ones into Python
/// objects, so the two overlap. Small enough that a chunk's packed rows (~0.5 MB) are still in
/// cache when this thread reads them: 4 Ki rows took ~20 % less CPU than 32 Ki on the 1 M
/// benchmark corpus.
const CHUNK: usize = 4 * 1024;

/// Chunks read ahead of the one being converted, per worker: enough that no worker waits
/// while this thread converts, few enough that their rows are still in cache.
const AHEAD_PER_WORKER: usize = 2;

/// The chunks of one `check_many` call, shared between the calling thread and the workers.
struct Board {
    /// By chunk: its cells, read by the calling thread, until a worker takes them.
    cells: Vec<Option<Cells>>,
    /// By chunk: the checked chunk, until the calling thread takes it.
    done: Vec<Option<(Cells, Chunk)>>,
    /// Chunks whose cells are published, and chunks claimed by a worker.
    published: usize,
    claimed: usize,
    /// Converted chunks, for a worker to free off the calling thread.
    spent: Vec<Chunk>,
    /// The calling thread stopped (an error), or a worker panicked: everyone stops.
    stop: bool,
    /// Workers that have returned.
    exited: usize,
}

/// A `Mutex` and two `Condvar`s around a `Board`: workers wait for cells, the calling thread
/// for checked chunks. No one spins: an idle worker sleeps, leaving its core to the others.
struct Shared {
    board: std::sync::Mutex<Board>,
    work: std::sync::Condvar,
    ready: std::sync::Condvar,
}

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, Board> {
        // A panicking worker never holds the lock while checking; the board stays consistent.
        self.board.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn stop(&self) {
        self.lock().stop = true;
        self.work.notify_all();
        self.ready.notify_all();
    }

    /// A worker: check chunks as their cells arrive, until all are claimed or it must stop.
    fn work(&self, check: &(impl Fn(&Cells) -> Chunk + Sync)) {
        // Counts this worker out, and stops everyone if `check` panics, so that the calling
        // thread does not wait for this worker's chunk forever; the scope then re-raises the
        // panic.
        struct Exit<'s>(&'s Shared);
        impl Drop for Exit<'_> {
            fn drop(&mut self) {
                let mut b = self.0.lock();
                b.exited += 1;
                b.stop |= std::thread::panicking();
                drop(b);
                self.0.work.notify_all();
                self.0.ready.notify_all();
            }
        }
        let _exit = Exit(self);
        loop {
            let mut b = self.lock();
            while !b.stop && b.claimed == b.published && b.claimed < b.cells.len() {
                b = self.work.wait(b).unwrap_or_else(|e| e.into_inner());
            }
            if b.stop || b.claimed == b.cells.len() {
                return;
            }
            let k = b.claimed;
            b.claimed += 1;
            let cells = b.cells[k].take().expect("published cells");
            let spent = std::mem::take(&mut b.spent);
            drop(b);
            drop(spent);
            let chunk = check(&cells);
            self.lock().done[k] = Some((cells, chunk));
            self.ready.notify_one();
        }
    }

    /// Wait until all `workers` have returned.
    fn wait_exited(&self, workers: usize) {
        let mut b = self.lock();
        while b.exited < workers {
            b = self.ready.wait(b).unwrap_or_else(|e| e.into_inner());
        }
    }

    /// Publish the cells of chunk `k`.
    fn publish(&self, k: usize, cells: Cells) {
        let mut b = self.lock();
        b.cells[k] = Some(cells);
        b.published = k + 1;
        drop(b);
        self.work.notify_one();
    }

    /// Wait for chunk `k`; `None` when a worker panicked.
    fn take(&self, k: usize) -> Option<(Cells, Chunk)> {
        let mut b = self.lock();
        loop {
            if let Some(done) = b.done[k].take() {
                return Some(done);
            }
            if b.stop {
                return None;
            }
            b = self.ready.wait(b).unwrap_or_else(|e| e.into_inner());
        }
    }
}

fn do_check_many<'py>(
    checker: &Checker,
    inputs: &Bound<'py, PyAny>,
    columns: bool,
    exact: bool,
) -> PyResult<Bound<'py, PyAny>> {
    let py = inputs.py();
    // Columns reuse the caller's `str` objects, from a copy of the list that no one else can
    // change; rows need a `str` only for inputs too long to keep inline.
    let list = items(inputs, columns)?;
    let n = list.len();
    let _gc = GcPause::new(py)?;
    let mut batch = Batch::new(py, columns, n)?;

    // The core's answer for some rows, with lone-surrogate cells judged as such.
    let check = |cells: &Cells| {
        let surrogates =
            (cells.surrogates.iter()).map(|(i, lossy)| (*i, checker.check_invalid_utf8(lossy)));
        if columns {
            Chunk::Columns(
                Box::new(checker.check_columns(&cells.iter().collect::<Vec<_>>(), exact)),
                surrogates.collect(),
            )
        } else {
            // Packed straight from the core's borrowed result: no per-row strings. A missing
            // cell is checked as an empty input, as `check_many_optional` does.
            let mut packed: Vec<Packed> = (cells.iter())
                .map(|cell| {
                    let s = cell.unwrap_or("");
                    checker.check_with(s, exact, Packed::new)
                })
                .collect();
            for (i, c) in surrogates {
                packed[i] = Packed::full(c);
            }
            Chunk::Rows(packed)
        }
    };
    if n <= CHUNK {
        let cells = cells(&list, 0, n)?;
        let chunk = py.detach(|| check(&cells));
        batch.push(py, chunk, &cells, &list, 0)?;
        return batch.finish(py);
    }

    // A pipeline: the workers (one per core of the core's thread pool, whose threads keep
    // the core's per-thread domain caches across calls) check chunks in any order while this
    // thread reads the cells of chunks ahead and turns checked chunks, in order, into Python
    // objects.
    let chunks = n.div_ceil(CHUNK);
    let workers = rayon::current_num_threads().min(chunks);
    let ahead = workers * AHEAD_PER_WORKER;
    let shared = Shared {
        board: std::sync::Mutex::new(Board {
            cells: (0..chunks).map(|_| None).collect(),
            done: (0..chunks).map(|_| None).collect(),
            published: 0,
            claimed: 0,
            spent: Vec::new(),
            stop: false,
            exited: 0,
        }),
        work: std::sync::Condvar::new(),
        ready: std::sync::Condvar::new(),
    };
    let converted = rayon::in_place_scope(|s| {
        for _ in 0..workers {
            s.spawn(|_| shared.work(&check));
        }
        let converted = (|| -> PyResult<()> {
            let mut published = 0;
            for k in 0..chunks {
                while published < chunks.min(k + ahead) {
                    let start = published * CHUNK;
                    shared.publish(published, cells(&list, start, CHUNK.min(n - start))?);
                    published += 1;
                }
                // `None`: a worker panicked; the scope re-raises its panic.
                let Some((cells, chunk)) = py.detach(|| shared.take(k)) else {
                    break;
                };
                if let Some(spent) = batch.push(py, chunk, &cells, &list, k * CHUNK)? {
                    shared.lock().spent.push(spent);
                }
            }
            Ok(())
        })();
        // Lets the workers end (they may wait for cells that will not come after an error),
        // and waits for them with the GIL released: a worker not yet started may be queued
        // behind another call's workers, which wait for their caller, which needs the GIL.
        shared.stop();
        py.detach(|| shared.wait_exited(workers));
        converted
    });
    converted?;
    batch.finish(py)
}

/// Run `f` on the text of a `str` that must be a valid address.
fn with_valid<T>(
    checker: &Checker,
    address: &Bound<'_, PyString>,
    f: impl FnOnce(&str) -> Result<T, ParseError>,
) -> PyResult<T> {
    let py = address.py();
    match text(address) {
        Text::Utf8(s) => f(s).map_err(|e| parse_error(py, &e)),
        Text::Surrogates(lossy) => Err(surrogates_error(py, checker, &lossy)),
    }
}

fn do_classify(checker: &Checker, address: &Bound<'_, PyString>) -> PyResult<PyClassification> {
    let a = with_valid(checker, address, |s| checker.normalize(s))?;
    Ok(PyClassification(checker.classify(&a)))
}

fn do_suggest(checker: &Checker, address: &Bound<'_, PyString>) -> Option<PySuggestion> {
    match text(address) {
        Text::Utf8(s) => checker.suggest(s).map(PySuggestion),
        Text::Surrogates(_) => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Value types.

/// A valid address, normalized for delivery: local part NFC as written, domain lowercased.
///
/// `str(address)` is the address with the Unicode domain; `ascii` has the domain in A-labels.
///
/// >>> a = mailhygiene.normalize(" Jürgen@Bücher.Example ")
/// >>> str(a), a.ascii, a.local, a.domain_ascii
/// ('Jürgen@bücher.example', 'Jürgen@xn--bcher-kva.example', 'Jürgen', 'xn--bcher-kva.example')
#[pyclass(name = "Address", module = "mailhygiene", frozen, eq, hash)]
#[derive(PartialEq, Eq, Hash)]
pub struct PyAddress(pub mailhygiene::Address);

#[pymethods]
impl PyAddress {
    /// The local part (before the `@`), NFC.
    #[getter]
    fn local(&self) -> &str {
        self.0.local()
    }
    /// The domain, lowercased Unicode form (U-labels).
    #[getter]
    fn domain(&self) -> &str {
        self.0.domain()
    }
    /// The domain as lowercase A-labels (punycode).
    #[getter]
    fn domain_ascii(&self) -> &str {
        self.0.domain_ascii()
    }
    /// The address with the A-label domain (the local part as written).
    #[getter]
    fn ascii(&self) -> String {
        self.0.to_ascii()
    }
    /// Whether the domain is an IP address literal such as `[192.0.2.1]`.
    #[getter]
    fn is_domain_literal(&self) -> bool {
        self.0.is_domain_literal()
    }
    fn __str__(&self) -> &str {
        self.0.as_str()
    }
    /// Pickle support: the core's serde form, which `_from_state` reads back.
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Reduced<'py>> {
        reduce(slf, &slf.get().0)
    }
    /// For unpickling only, not public API: the address `state` (from `__reduce__`) describes.
    #[classmethod]
    fn _from_state(cls: &Bound<'_, PyType>, state: &str) -> PyResult<Self> {
        from_state(cls, state).map(Self)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!("Address({})", repr(py, self.0.as_str())?))
    }
}

/// A suggested correction of a mistyped domain.
///
/// >>> s = mailhygiene.suggest("john@gmial.com")
/// >>> s.address, s.domain, s.distance
/// ('john@gmail.com', 'gmail.com', 1)
#[pyclass(name = "Suggestion", module = "mailhygiene", frozen)]
pub struct PySuggestion(pub mailhygiene::Suggestion);

#[pymethods]
impl PySuggestion {
    /// The full corrected address (the local part unchanged).
    #[getter]
    fn address(&self) -> &str {
        &self.0.address
    }
    /// The corrected domain.
    #[getter]
    fn domain(&self) -> &str {
        &self.0.domain
    }
    /// The edit distance between the typed and the suggested domain.
    #[getter]
    fn distance(&self) -> u32 {
        self.0.distance
    }
    /// Confidence in (0, 1].
    #[getter]
    fn confidence(&self) -> f64 {
        decimal(self.0.confidence)
    }
    /// Pickle support: the core's serde form, which `_from_state` reads back.
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Reduced<'py>> {
        reduce(slf, &slf.get().0)
    }
    /// For unpickling only, not public API: the suggestion `state` (from `__reduce__`) describes.
    #[classmethod]
    fn _from_state(cls: &Bound<'_, PyType>, state: &str) -> PyResult<Self> {
        from_state(cls, state).map(Self)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "Suggestion(address={}, distance={}, confidence={})",
            repr(py, &self.0.address)?,
            self.0.distance,
            self.0.confidence
        ))
    }
}

/// The role and list flags of a valid address.
///
/// >>> c = mailhygiene.classify("noreply@mailinator.com")
/// >>> c.role is not None, c.disposable, c.free
/// (True, True, False)
#[pyclass(name = "Classification", module = "mailhygiene", frozen)]
pub struct PyClassification(pub mailhygiene::Classification);

#[pymethods]
impl PyClassification {
    /// The role category (e.g. `'noreply'`) when the local part is a role account, else None.
    #[getter]
    fn role(&self) -> Option<&str> {
        self.0.role.as_deref()
    }
    /// Whether the domain (or a parent) is a disposable mailbox domain.
    #[getter]
    fn disposable(&self) -> bool {
        self.0.domain.disposable
    }
    /// Whether the domain (or a parent) is a privacy relay or forwarder.
    #[getter]
    fn relay(&self) -> bool {
        self.0.domain.relay
    }
    /// Whether the domain is a free consumer mailbox provider.
    #[getter]
    fn free(&self) -> bool {
        self.0.domain.free
    }
    /// Pickle support: the core's serde form, which `_from_state` reads back.
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Reduced<'py>> {
        reduce(slf, &slf.get().0)
    }
    /// For unpickling only, not public API: the classification `state` (from `__reduce__`) describes.
    #[classmethod]
    fn _from_state(cls: &Bound<'_, PyType>, state: &str) -> PyResult<Self> {
        from_state(cls, state).map(Self)
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let role = match &self.0.role {
            Some(r) => repr(py, r)?,
            None => "None".into(),
        };
        let f = &self.0.domain;
        Ok(format!(
            "Classification(role={role}, disposable={}, relay={}, free={})",
            py_bool(f.disposable),
            py_bool(f.relay),
            py_bool(f.free)
        ))
    }
}

/// How one mail provider treats the local parts of one of its domains; give it to `Checker`.
///
/// The rule applies to exactly `domain`, never its subdomains. The domain is stored as
/// lowercase A-labels.
///
/// >>> rule = mailhygiene.ProviderRule("example.com", strip_dots=True, strip_tag=True)
/// >>> mailhygiene.Checker(provider_rules=[rule]).canonical("J.Doe+news@example.com")
/// 'jdoe@example.com'
#[pyclass(name = "ProviderRule", module = "mailhygiene", frozen)]
#[derive(Clone)]
pub struct PyProviderRule(pub ProviderRule);

#[pymethods]
impl PyProviderRule {
    #[new]
    #[pyo3(signature = (domain, *, strip_dots = false, strip_tag = false, canonical_domain = None, provider = None))]
    fn new(
        domain: &str,
        strip_dots: bool,
        strip_tag: bool,
        canonical_domain: Option<&str>,
        provider: Option<&str>,
    ) -> Self {
        let mut rule = ProviderRule::new(domain)
            .strip_dots(strip_dots)
            .strip_tag(strip_tag);
        if let Some(d) = canonical_domain {
            rule = rule.canonical_domain(d);
        }
        if let Some(p) = provider {
            rule = rule.provider(p);
        }
        PyProviderRule(rule)
    }
    /// Pickle support: the arguments that make this rule again.
    fn __getnewargs_ex__(&self) -> ((&str,), ProviderRuleOptions<'_>) {
        let r = &self.0;
        let options = ProviderRuleOptions {
            strip_dots: r.strip_dots,
            strip_tag: r.strip_tag,
            canonical_domain: r.canonical_domain.as_deref(),
            provider: &r.provider,
        };
        ((&r.domain,), options)
    }
    /// The domain the rule applies to (lowercase A-labels).
    #[getter]
    fn domain(&self) -> &str {
        &self.0.domain
    }
    /// The domain used in the canonical key when it differs, else None.
    #[getter]
    fn canonical_domain(&self) -> Option<&str> {
        self.0.canonical_domain.as_deref()
    }
    /// Whether dots in the local part are ignored by the provider.
    #[getter]
    fn strip_dots(&self) -> bool {
        self.0.strip_dots
    }
    /// Whether a `+tag` reaches the same mailbox.
    #[getter]
    fn strip_tag(&self) -> bool {
        self.0.strip_tag
    }
    /// The provider name (`'custom'` unless given).
    #[getter]
    fn provider(&self) -> &str {
        &self.0.provider
    }
    /// Where the rule is documented (`'user'` for rules made here).
    #[getter]
    fn source(&self) -> &str {
        &self.0.source
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let r = &self.0;
        let canonical = match &r.canonical_domain {
            Some(d) => repr(py, d)?,
            None => "None".into(),
        };
        Ok(format!(
            "ProviderRule({}, strip_dots={}, strip_tag={}, canonical_domain={canonical}, provider={})",
            repr(py, &r.domain)?,
            py_bool(r.strip_dots),
            py_bool(r.strip_tag),
            repr(py, &r.provider)?
        ))
    }
}

/// The keyword arguments of `ProviderRule(domain, ...)`.
#[derive(IntoPyObject)]
pub struct ProviderRuleOptions<'a> {
    strip_dots: bool,
    strip_tag: bool,
    canonical_domain: Option<&'a str>,
    provider: &'a str,
}

// ---------------------------------------------------------------------------------------------
// Checker.

fn domain_list(name: &str) -> PyResult<DomainList> {
    match name {
        "disposable" => Ok(DomainList::Disposable),
        "relay" => Ok(DomainList::Relay),
        "free" => Ok(DomainList::Free),
        other => Err(PyValueError::new_err(format!(
            "unknown domain list {other:?}: expected 'disposable', 'relay' or 'free'"
        ))),
    }
}

/// A configured address engine: parse options, extra or removed list entries, provider rules.
///
/// All arguments are keyword-only. The module-level functions (`check`, `canonical`, …) use a
/// default `Checker()`. A checker is immutable and safe to share between threads; it pickles
/// as the arguments it was made with, so a worker process gets one that answers the same.
///
/// Arguments:
///     allow_quoted_local: accept `"john doe"@example.com` (RFC 5322 §3.2.4).
///     allow_domain_literal: accept `user@[192.0.2.1]` (RFC 5321 §4.1.3).
///     allow_single_label: accept `root@localhost` (intranets).
///     lenient_lengths: skip the 64-octet local part and 254-octet address limits.
///     add_domains: `{"disposable" | "relay" | "free": [domain, ...]}` added to the lists.
///     remove_domains: the same shape, removed from the lists.
///     allow_domains: domains that are never disposable and never typo-corrected.
///     provider_rules: `ProviderRule`s that add to or replace the built-in ones.
///     remove_provider_rules: domains whose built-in provider rule is dropped.
///     add_roles: `{local_part: category}` role accounts to add.
///     remove_roles: role local parts to drop.
///
/// >>> checker = mailhygiene.Checker(
/// ...     allow_single_label=True,
/// ...     add_domains={"disposable": ["throwaway.example"]},
/// ...     allow_domains=["mailinator.com"],
/// ... )
/// >>> checker.check("x@throwaway.example").disposable, checker.check("x@mailinator.com").disposable
/// (True, False)
/// >>> checker.check("root@localhost").valid
/// True
#[pyclass(name = "Checker", module = "mailhygiene", frozen)]
#[derive(Clone)]
pub struct PyChecker(
    pub Checker,
    /// What it was made with, for pickling.
    CheckerArgs,
);

/// The arguments a `Checker` was made with, which pickling gives back: the core's checker
/// keeps only the lists and rules built from them.
#[derive(Clone, IntoPyObject)]
pub struct CheckerArgs {
    allow_quoted_local: bool,
    allow_domain_literal: bool,
    allow_single_label: bool,
    lenient_lengths: bool,
    add_domains: Option<HashMap<String, Vec<String>>>,
    remove_domains: Option<HashMap<String, Vec<String>>>,
    allow_domains: Option<Vec<String>>,
    provider_rules: Option<Vec<PyProviderRule>>,
    remove_provider_rules: Option<Vec<String>>,
    add_roles: Option<HashMap<String, String>>,
    remove_roles: Option<Vec<String>>,
}

impl CheckerArgs {
    fn build(&self) -> PyResult<Checker> {
        let mut b = Checker::builder().options(
            ParseOptions::new()
                .allow_quoted_local(self.allow_quoted_local)
                .allow_domain_literal(self.allow_domain_literal)
                .allow_single_label(self.allow_single_label)
                .lenient_lengths(self.lenient_lengths),
        );
        for (list, domains) in self.add_domains.iter().flatten() {
            let list = domain_list(list)?;
            for d in domains {
                b = b.add_domain(list, d);
            }
        }
        for (list, domains) in self.remove_domains.iter().flatten() {
            let list = domain_list(list)?;
            for d in domains {
                b = b.remove_domain(list, d);
            }
        }
        for d in self.allow_domains.iter().flatten() {
            b = b.allow_domain(d);
        }
        for rule in self.provider_rules.iter().flatten() {
            b = b.provider_rule(rule.0.clone());
        }
        for d in self.remove_provider_rules.iter().flatten() {
            b = b.remove_provider_rule(d);
        }
        for (local, category) in self.add_roles.iter().flatten() {
            b = b.add_role(local, category);
        }
        for local in self.remove_roles.iter().flatten() {
            b = b.remove_role(local);
        }
        Ok(b.build())
    }
}

#[pymethods]
impl PyChecker {
    #[new]
    #[pyo3(signature = (
        *,
        allow_quoted_local = false,
        allow_domain_literal = false,
        allow_single_label = false,
        lenient_lengths = false,
        add_domains = None,
        remove_domains = None,
        allow_domains = None,
        provider_rules = None,
        remove_provider_rules = None,
        add_roles = None,
        remove_roles = None,
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        allow_quoted_local: bool,
        allow_domain_literal: bool,
        allow_single_label: bool,
        lenient_lengths: bool,
        add_domains: Option<HashMap<String, Vec<String>>>,
        remove_domains: Option<HashMap<String, Vec<String>>>,
        allow_domains: Option<Vec<String>>,
        provider_rules: Option<Vec<Bound<'_, PyProviderRule>>>,
        remove_provider_rules: Option<Vec<String>>,
        add_roles: Option<HashMap<String, String>>,
        remove_roles: Option<Vec<String>>,
    ) -> PyResult<Self> {
        let args = CheckerArgs {
            allow_quoted_local,
            allow_domain_literal,
            allow_single_label,
            lenient_lengths,
            add_domains,
            remove_domains,
            allow_domains,
            provider_rules: provider_rules.map(|v| v.iter().map(|r| r.get().clone()).collect()),
            remove_provider_rules,
            add_roles,
            remove_roles,
        };
        Ok(PyChecker(args.build()?, args))
    }

    /// Pickle support: a checker is made again from the keyword arguments it was made with.
    fn __getnewargs_ex__(&self) -> ((), CheckerArgs) {
        ((), self.1.clone())
    }

    /// Check one input: extract the address from a messy cell (trim, display name,
    /// `mailto:`), validate, normalize, canonicalize, classify and suggest.
    ///
    /// With `exact=True` the input is judged exactly as given (no extraction). An invalid
    /// address gives a `Result` with `valid=False` and an error code, never an exception.
    #[pyo3(signature = (address, *, exact = false))]
    fn check<'py>(
        &self,
        address: &Bound<'py, PyString>,
        exact: bool,
    ) -> PyResult<Bound<'py, PyResult_>> {
        PyResult_(do_check(&self.0, address, exact)).into_object(address.py())
    }

    /// Check many inputs on all cores, with the GIL released; one result per input, in order.
    ///
    /// `inputs` is any iterable of `str` (list, tuple, generator, pandas Series, numpy array,
    /// pyarrow Array / ChunkedArray, polars Series). `None` and NaN cells give an invalid
    /// result (`error='empty'`); other non-`str` items raise `TypeError`.
    ///
    /// Returns a list of `Result`, or with `columns=True` a dict of equally long column lists
    /// (the `Result` attribute names; `warnings` and `rules` hold tuples, as on `Result`) that
    /// `pandas.DataFrame(...)` takes directly; give
    /// Polars the types, `polars.DataFrame(d, schema=COLUMNS_SCHEMA)`, which a column that is
    /// all None in a batch does not show. With `exact=True` every input is judged exactly as
    /// given, as by `check(x, exact=True)`.
    #[pyo3(signature = (inputs, *, columns = false, exact = false))]
    fn check_many<'py>(
        &self,
        inputs: &Bound<'py, PyAny>,
        columns: bool,
        exact: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        do_check_many(&self.0, inputs, columns, exact)
    }

    /// Parse `address` exactly as given (no extraction); raises `InvalidAddressError`.
    fn parse(&self, address: &Bound<'_, PyString>) -> PyResult<PyAddress> {
        with_valid(&self.0, address, |s| self.0.parse(s)).map(PyAddress)
    }

    /// Extract then parse: the deliverable `Address`; raises `InvalidAddressError`.
    fn normalize(&self, address: &Bound<'_, PyString>) -> PyResult<PyAddress> {
        with_valid(&self.0, address, |s| self.0.normalize(s)).map(PyAddress)
    }

    /// The canonical key for de-duplication and suppression matching; raises
    /// `InvalidAddressError`.
    fn canonical(&self, address: &Bound<'_, PyString>) -> PyResult<String> {
        with_valid(&self.0, address, |s| self.0.canonical(s))
    }

    /// A `Suggestion` when the domain looks mistyped, else None. Works on invalid input too.
    fn suggest(&self, address: &Bound<'_, PyString>) -> Option<PySuggestion> {
        do_suggest(&self.0, address)
    }

    /// The role category and list flags of a valid address; raises `InvalidAddressError`.
    fn classify(&self, address: &Bound<'_, PyString>) -> PyResult<PyClassification> {
        do_classify(&self.0, address)
    }

    /// Whether a valid address is a role account; raises `InvalidAddressError`.
    fn is_role(&self, address: &Bound<'_, PyString>) -> PyResult<bool> {
        Ok(do_classify(&self.0, address)?.0.role.is_some())
    }

    /// Whether a valid address has a disposable domain; raises `InvalidAddressError`.
    fn is_disposable(&self, address: &Bound<'_, PyString>) -> PyResult<bool> {
        Ok(do_classify(&self.0, address)?.0.domain.disposable)
    }

    /// Whether a valid address is at a privacy relay; raises `InvalidAddressError`.
    fn is_relay(&self, address: &Bound<'_, PyString>) -> PyResult<bool> {
        Ok(do_classify(&self.0, address)?.0.domain.relay)
    }

    /// Whether a valid address is at a free consumer provider; raises `InvalidAddressError`.
    fn is_free(&self, address: &Bound<'_, PyString>) -> PyResult<bool> {
        Ok(do_classify(&self.0, address)?.0.domain.free)
    }
}

// ---------------------------------------------------------------------------------------------
// Module-level functions: the default checker.

/// Check one input with the default checker: extract the address from a messy cell (trim,
/// display name, `mailto:`), validate, normalize, canonicalize, classify and suggest.
///
/// With `exact=True` the input is judged exactly as given (no extraction). An invalid address
/// gives a `Result` with `valid=False` and a stable `error` code, never an exception.
///
/// >>> r = mailhygiene.check("  Jane.Doe+news@GoogleMail.com ")
/// >>> r.valid, r.address, r.canonical, r.free
/// (True, 'Jane.Doe+news@googlemail.com', 'janedoe@gmail.com', True)
/// >>> r.warnings
/// ('trimmed_whitespace',)
/// >>> mailhygiene.check("john..doe@example.com").error
/// 'consecutive_dots'
/// >>> mailhygiene.check(" a@example.com", exact=True).error
/// 'whitespace'
#[pyfunction]
#[pyo3(signature = (address, *, exact = false))]
pub fn check<'py>(address: &Bound<'py, PyString>, exact: bool) -> PyResult<Bound<'py, PyResult_>> {
    PyResult_(do_check(&DEFAULT, address, exact)).into_object(address.py())
}

/// Check many inputs with the default checker on all cores, with the GIL released; one result
/// per input, in order.
///
/// `inputs` is any iterable of `str` (list, tuple, generator, pandas Series, numpy array,
/// pyarrow Array / ChunkedArray, polars Series). `None` and NaN cells give an invalid result
/// (`error='empty'`); other non-`str` items raise `TypeError`.
///
/// Returns a list of `Result`, or with `columns=True` a dict of equally long column lists (the
/// `Result` attribute names; `warnings` and `rules` hold tuples, as on `Result`) that
/// `pandas.DataFrame(...)` takes directly; give Polars the types,
/// `polars.DataFrame(d, schema=mailhygiene.COLUMNS_SCHEMA)`, which a column that is all None in
/// a batch does not show. With `exact=True` every input is judged exactly as given
/// (no extraction), as by `check(x, exact=True)`.
///
/// >>> [r.valid for r in mailhygiene.check_many(["a@example.com", "nope", None])]
/// [True, False, False]
/// >>> mailhygiene.check_many(["a@example.com", None], columns=True)["error"]
/// [None, 'empty']
/// >>> [r.error for r in mailhygiene.check_many([" a@example.com"], exact=True)]
/// ['whitespace']
#[pyfunction]
#[pyo3(signature = (inputs, *, columns = false, exact = false))]
pub fn check_many<'py>(
    inputs: &Bound<'py, PyAny>,
    columns: bool,
    exact: bool,
) -> PyResult<Bound<'py, PyAny>> {
    do_check_many(&DEFAULT, inputs, columns, exact)
}

/// Parse `address` exactly as given (no trimming, no display name) with the default options.
///
/// Raises `InvalidAddressError` (a `ValueError`) with `.code` and `.message`.
///
/// >>> str(mailhygiene.parse("John.Doe@Example.COM"))
/// 'John.Doe@example.com'
/// >>> try:
/// ...     mailhygiene.parse("a@b")
/// ... except mailhygiene.InvalidAddressError as e:
/// ...     print(e.code)
/// single_label_domain
#[pyfunction]
pub fn parse(address: &Bound<'_, PyString>) -> PyResult<PyAddress> {
    with_valid(&DEFAULT, address, |s| DEFAULT.parse(s)).map(PyAddress)
}

/// Extract then parse: the deliverable `Address` of a messy cell.
///
/// Raises `InvalidAddressError` (a `ValueError`) with `.code` and `.message`.
///
/// >>> str(mailhygiene.normalize('"Doe, John" <John@Example.com>'))
/// 'John@example.com'
#[pyfunction]
pub fn normalize(address: &Bound<'_, PyString>) -> PyResult<PyAddress> {
    with_valid(&DEFAULT, address, |s| DEFAULT.normalize(s)).map(PyAddress)
}

/// The canonical key of an address, for de-duplication and suppression matching: two
/// spellings of one mailbox get the same key. It is not an address to send to.
///
/// Raises `InvalidAddressError` (a `ValueError`) with `.code` and `.message`.
///
/// >>> mailhygiene.canonical("J.Doe+x@gmail.com")
/// 'jdoe@gmail.com'
/// >>> mailhygiene.canonical("J.Doe+x@example.com")
/// 'j.doe+x@example.com'
#[pyfunction]
pub fn canonical(address: &Bound<'_, PyString>) -> PyResult<String> {
    with_valid(&DEFAULT, address, |s| DEFAULT.canonical(s))
}

/// A `Suggestion` when the domain looks mistyped, else None. Works on invalid input too; it
/// abstains rather than guess.
///
/// >>> mailhygiene.suggest("bob@yaho.com").address
/// 'bob@yahoo.com'
/// >>> mailhygiene.suggest("bob@example.com") is None
/// True
#[pyfunction]
pub fn suggest(address: &Bound<'_, PyString>) -> Option<PySuggestion> {
    do_suggest(&DEFAULT, address)
}

/// The role category and list flags (`Classification`) of a valid address.
///
/// Raises `InvalidAddressError` (a `ValueError`) with `.code` and `.message`.
#[pyfunction]
pub fn classify(address: &Bound<'_, PyString>) -> PyResult<PyClassification> {
    do_classify(&DEFAULT, address)
}

/// Whether a valid address is a role account (`info@`, `noreply@`).
///
/// Raises `InvalidAddressError` when the address is invalid.
///
/// >>> mailhygiene.is_role("info@example.com"), mailhygiene.is_role("jane@example.com")
/// (True, False)
#[pyfunction]
pub fn is_role(address: &Bound<'_, PyString>) -> PyResult<bool> {
    Ok(do_classify(&DEFAULT, address)?.0.role.is_some())
}

/// Whether a valid address has a disposable (throwaway) domain, itself or a parent.
///
/// Raises `InvalidAddressError` when the address is invalid.
///
/// >>> mailhygiene.is_disposable("x@mailinator.com")
/// True
#[pyfunction]
pub fn is_disposable(address: &Bound<'_, PyString>) -> PyResult<bool> {
    Ok(do_classify(&DEFAULT, address)?.0.domain.disposable)
}

/// Whether a valid address is at a privacy relay or forwarder (a real person behind an alias).
///
/// Raises `InvalidAddressError` when the address is invalid.
#[pyfunction]
pub fn is_relay(address: &Bound<'_, PyString>) -> PyResult<bool> {
    Ok(do_classify(&DEFAULT, address)?.0.domain.relay)
}

/// Whether a valid address is at a free consumer mailbox provider (`gmail.com`).
///
/// Raises `InvalidAddressError` when the address is invalid.
///
/// >>> mailhygiene.is_free("jane@gmail.com")
/// True
#[pyfunction]
pub fn is_free(address: &Bound<'_, PyString>) -> PyResult<bool> {
    Ok(do_classify(&DEFAULT, address)?.0.domain.free)
}

/// An `f32` as the `float` of its shortest decimal form: `0.9`, not `0.8999999761581421`.
fn decimal(x: f32) -> f64 {
    x.to_string().parse().unwrap_or(f64::from(x))
}
