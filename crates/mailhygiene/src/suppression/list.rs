//! [`SuppressionList`]: every record from every source, merged, with a fast status query.
//!
//! Storage is compact because a weekly merge holds millions of records: each record is a 32-byte
//! [`Entry`] whose strings (key, scope, source, sub-reason) are interned in tables owned by the
//! list. Verbatim source text (diagnostics, raw dates) is not kept; the provenance that is kept is
//! system, stream, account, file and line. Verdicts are computed once per key for "the present"
//! ([`SuppressionList::set_now`]) on first query and reused, so [`SuppressionList::status`] is a
//! hash lookup.
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{OnceLock, RwLock};

use hashbrown::HashTable;
use rayon::prelude::*;
use rustc_hash::FxHasher;
use serde::{Deserialize, Serialize};

use super::clock::format_time;
use super::hash::KeyHash;
use super::import::{import_each, ImportError, ImportOptions, System};
use super::master;
use super::merge::{self, evaluate, Active, Ctx, Entry, Scratch, Tables, NEVER, UNDATED};
use super::policy::Policy;
use super::record::{Consent, Provenance, Reason, Reject, Scope, SuppressionRecord};
use crate::Checker;

mod prepared;
use prepared::Prepared;

/// `source_system` of records read back from a master list; their `source_account` holds the
/// master row's `sources` cell, so provenance survives a round trip.
pub const MASTER_SYSTEM: &str = "mailhygiene";

/// Keys per verdict chunk: chunks are evaluated in parallel and stored as they are, so no
/// stitching copy doubles memory at the end.
const CHUNK: usize = 4096;

pub(super) fn fx_hash<T: Hash + ?Sized>(t: &T) -> u64 {
    let mut h = FxHasher::default();
    t.hash(&mut h);
    h.finish()
}

/// The key of a record: its canonical key, or one computed from its address; an address that
/// does not parse is keyed by its trimmed, lower-cased text, so no restriction is lost.
fn key_of<'r>(checker: &Checker, r: &'r SuppressionRecord) -> Cow<'r, str> {
    if !r.canonical.is_empty() {
        return Cow::Borrowed(&r.canonical);
    }
    match checker.canonical(&r.address) {
        Ok(c) => Cow::Owned(c),
        Err(_) => Cow::Owned(r.address.trim().to_lowercase()),
    }
}

/// The system clock, Unix seconds UTC.
fn clock_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Keep the smallest spelling of a key's address: which one arrives first must not matter.
fn keep_smallest_address(
    addresses: &mut rustc_hash::FxHashMap<u32, Box<str>>,
    key: u32,
    address: impl AsRef<str> + Into<Box<str>>,
) {
    match addresses.get_mut(&key) {
        Some(a) if **a <= *address.as_ref() => {}
        Some(a) => *a = address.into(),
        None => {
            addresses.insert(key, address.into());
        }
    }
}

/// A record's scope, origin and detail ids in these interners.
fn intern_strings(
    scopes: &mut Interner<Scope>,
    origins: &mut Interner<Origin>,
    details: &mut Interner<Detail>,
    r: &SuppressionRecord,
) -> (u32, u32, u32) {
    let scope = scopes.intern(&r.scope);
    let origin = origins.intern(&(
        r.source_system.as_str(),
        r.source_stream.as_str(),
        r.source_account.as_deref(),
        r.provenance.file.as_str(),
    ));
    let detail = details.intern(&(r.sub_reason.as_deref(), r.enhanced_status.as_deref()));
    (scope, origin, detail)
}

/// A record as an entry, with its key and [`intern_strings`] ids.
fn entry_of(r: &SuppressionRecord, key: u32, (scope, origin, detail): (u32, u32, u32)) -> Entry {
    Entry {
        key,
        time: r.event_time.unwrap_or(UNDATED),
        reason: r.reason,
        evidence: r.consent.as_ref().is_some_and(Consent::is_evidence),
        scope,
        origin,
        detail,
        line: u32::try_from(r.provenance.line).unwrap_or(u32::MAX),
    }
}

/// Canonical keys, stored once in one arena and found through a table of ids.
#[derive(Debug, Clone, Default)]
struct Keys {
    arena: String,
    ends: Vec<u32>,
    table: HashTable<u32>,
    /// The plain keys by their SHA-256 and HMAC-SHA-256 digests ([`DIGEST_SHA256`],
    /// [`DIGEST_HMAC`]), built on the first lookup of a hashed key and dropped when a key is
    /// added: plain lookups never pay for them.
    by_digest: [OnceLock<HashTable<u32>>; 2],
}

/// [`Keys::by_digest`] of SHA-256 and of HMAC-SHA-256.
const DIGEST_SHA256: usize = 0;
const DIGEST_HMAC: usize = 1;

/// A digest's table hash: its first 8 bytes, already uniformly spread.
fn digest_hash(digest: &[u8; 32]) -> u64 {
    u64::from_le_bytes(digest[..8].try_into().expect("8 bytes"))
}

/// Whether a key is a hashed key rather than a plain one.
fn is_hashed_key(k: &str) -> bool {
    k.starts_with(KeyHash::SHA256_PREFIX) || k.starts_with(KeyHash::HMAC_PREFIX)
}

fn key_at<'a>(arena: &'a str, ends: &[u32], id: u32) -> &'a str {
    let i = id as usize;
    let start = if i == 0 { 0 } else { ends[i - 1] as usize };
    &arena[start..ends[i] as usize]
}

impl Keys {
    fn len(&self) -> usize {
        self.ends.len()
    }
    fn get(&self, id: u32) -> &str {
        key_at(&self.arena, &self.ends, id)
    }
    fn find(&self, k: &str) -> Option<u32> {
        self.table
            .find(fx_hash(k), |&id| self.get(id) == k)
            .copied()
    }
    /// The plain key whose `hash` digest is `digest`. The first lookup per hash builds an
    /// index of every plain key's digest, on all threads; it stores only ids, so a match is
    /// confirmed by hashing its key again.
    fn find_by_digest(&self, hash: &KeyHash, digest: &[u8; 32]) -> Option<u32> {
        let slot = match hash {
            KeyHash::Sha256 => DIGEST_SHA256,
            KeyHash::HmacSha256(_) => DIGEST_HMAC,
        };
        let index = self.by_digest[slot].get_or_init(|| {
            let hashed: Vec<(u64, u32)> = (0..self.len() as u32)
                .into_par_iter()
                .filter(|&id| !is_hashed_key(self.get(id)))
                .map(|id| (digest_hash(&hash.digest_bytes(self.get(id))), id))
                .collect();
            let mut table = HashTable::with_capacity(hashed.len());
            for (h, id) in hashed {
                // Room was made for every id: the table never grows, so never rehashes.
                table.insert_unique(h, id, |&id| digest_hash(&hash.digest_bytes(self.get(id))));
            }
            table
        });
        index
            .find(digest_hash(digest), |&id| {
                hash.digest_bytes(self.get(id)) == *digest
            })
            .copied()
    }
    /// Drop the HMAC digest index (the list's secret changed).
    fn forget_hmac_digests(&mut self) {
        self.by_digest[DIGEST_HMAC] = OnceLock::new();
    }
    /// Key ids in key-text order. Pairs are compared by their first 16 bytes (zero-padded,
    /// which keeps the order) and only on a tie by the arena text: comparing millions of keys
    /// by text reads the arena at random, one cache miss per comparison.
    fn sorted_ids(&self) -> Vec<u32> {
        // Keys from a master list come in its order, which `merge` writes sorted: one pass
        // over neighbours, which stops at the first pair out of order, spares the sort.
        let in_order = (1..self.len() as u32)
            .into_par_iter()
            .with_min_len(4096)
            .all(|id| self.get(id - 1) <= self.get(id));
        if in_order {
            return (0..self.len() as u32).collect();
        }
        let mut tagged: Vec<(u64, u64, u32)> = (0..self.len() as u32)
            .into_par_iter()
            .map(|id| {
                let k = self.get(id).as_bytes();
                let mut head = [0u8; 16];
                let n = k.len().min(16);
                head[..n].copy_from_slice(&k[..n]);
                let (hi, lo) = head.split_at(8);
                let word = |b: &[u8]| u64::from_be_bytes(b.try_into().expect("8 bytes"));
                (word(hi), word(lo), id)
            })
            .collect();
        tagged.par_sort_unstable_by(|a, b| {
            (a.0, a.1)
                .cmp(&(b.0, b.1))
                .then_with(|| self.get(a.2).cmp(self.get(b.2)))
        });
        tagged.into_iter().map(|(_, _, id)| id).collect()
    }
    fn intern(&mut self, k: &str) -> u32 {
        self.intern_hashed(k, fx_hash(k))
    }
    /// Room for `keys` more keys of `bytes` in all.
    fn reserve(&mut self, keys: usize, bytes: usize) {
        self.arena.reserve(bytes);
        self.ends.reserve(keys);
        let (arena, ends) = (&self.arena, &self.ends);
        self.table
            .reserve(keys, |&id| fx_hash(key_at(arena, ends, id)));
    }
    /// [`intern`](Self::intern) with the key's hash computed beforehand.
    fn intern_hashed(&mut self, k: &str, h: u64) -> u32 {
        let (arena, ends) = (&self.arena, &self.ends);
        if let Some(&id) = self.table.find(h, |&id| key_at(arena, ends, id) == k) {
            return id;
        }
        let id = self.ends.len() as u32;
        if self.by_digest.iter_mut().any(|d| d.get_mut().is_some()) {
            self.by_digest = Default::default();
        }
        self.arena.push_str(k);
        let end = u32::try_from(self.arena.len()).expect("canonical keys exceed 4 GiB");
        self.ends.push(end);
        let (arena, ends) = (&self.arena, &self.ends);
        self.table
            .insert_unique(h, id, |&id| fx_hash(key_at(arena, ends, id)));
        id
    }
}

/// Interned values, found by a borrowed form without allocating.
#[derive(Debug, Clone)]
struct Interner<T> {
    items: Vec<T>,
    table: HashTable<u32>,
}

impl<T> Default for Interner<T> {
    fn default() -> Self {
        Interner {
            items: Vec::new(),
            table: HashTable::new(),
        }
    }
}

/// A value that can be looked up in an [`Interner`] by a borrowed form `Q`.
trait Internable<Q: ?Sized> {
    fn hash_of(q: &Q) -> u64;
    fn matches(&self, q: &Q) -> bool;
    fn make(q: &Q) -> Self;
    fn hash_self(&self) -> u64;
}

impl<T> Interner<T> {
    fn intern<Q: ?Sized>(&mut self, q: &Q) -> u32
    where
        T: Internable<Q>,
    {
        let h = T::hash_of(q);
        let items = &self.items;
        if let Some(&id) = self.table.find(h, |&id| items[id as usize].matches(q)) {
            return id;
        }
        let id = self.items.len() as u32;
        self.items.push(T::make(q));
        let items = &self.items;
        self.table
            .insert_unique(h, id, |&id| items[id as usize].hash_self());
        id
    }
}

impl Internable<Scope> for Scope {
    fn hash_of(q: &Scope) -> u64 {
        fx_hash(q)
    }
    fn matches(&self, q: &Scope) -> bool {
        self == q
    }
    fn make(q: &Scope) -> Self {
        q.clone()
    }
    fn hash_self(&self) -> u64 {
        fx_hash(self)
    }
}

/// Where records came from: one value per distinct (system, stream, account, file).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Origin {
    system: String,
    stream: String,
    account: Option<String>,
    file: String,
}

type OriginRef<'a> = (&'a str, &'a str, Option<&'a str>, &'a str);

impl<'a> Internable<OriginRef<'a>> for Origin {
    fn hash_of(q: &OriginRef<'a>) -> u64 {
        fx_hash(q)
    }
    fn matches(&self, q: &OriginRef<'a>) -> bool {
        (
            self.system.as_str(),
            self.stream.as_str(),
            self.account.as_deref(),
            self.file.as_str(),
        ) == *q
    }
    fn make(q: &OriginRef<'a>) -> Self {
        Origin {
            system: q.0.into(),
            stream: q.1.into(),
            account: q.2.map(Into::into),
            file: q.3.into(),
        }
    }
    fn hash_self(&self) -> u64 {
        fx_hash(&(
            self.system.as_str(),
            self.stream.as_str(),
            self.account.as_deref(),
            self.file.as_str(),
        ))
    }
}

impl Origin {
    /// The `sources` labels: `system:stream` (or `system`), or a master row's own sources.
    fn labels(&self) -> Vec<String> {
        if self.system == MASTER_SYSTEM {
            if let Some(s) = &self.account {
                return s
                    .split(';')
                    .filter(|x| !x.is_empty())
                    .map(Into::into)
                    .collect();
            }
        }
        vec![if self.stream.is_empty() {
            self.system.clone()
        } else {
            format!("{}:{}", self.system, self.stream)
        }]
    }
}

/// Sub-reason and enhanced status, the record details the rules read.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
struct Detail {
    sub_reason: Option<String>,
    status: Option<String>,
}

type DetailRef<'a> = (Option<&'a str>, Option<&'a str>);

impl<'a> Internable<DetailRef<'a>> for Detail {
    fn hash_of(q: &DetailRef<'a>) -> u64 {
        fx_hash(q)
    }
    fn matches(&self, q: &DetailRef<'a>) -> bool {
        (self.sub_reason.as_deref(), self.status.as_deref()) == *q
    }
    fn make(q: &DetailRef<'a>) -> Self {
        Detail {
            sub_reason: q.0.map(Into::into),
            status: q.1.map(Into::into),
        }
    }
    fn hash_self(&self) -> u64 {
        fx_hash(&(self.sub_reason.as_deref(), self.status.as_deref()))
    }
}

/// Whether a stream sends marketing or transactional mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum StreamKind {
    /// Bulk, non-transactional mail (the default).
    #[default]
    Marketing,
    /// Transactional mail (receipts, password resets, notifications).
    Transactional,
}

/// What a stream is: its kind and the mail system its export came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StreamInfo {
    /// Marketing or transactional.
    pub kind: StreamKind,
    /// The mail system of its export, when known; decides the `missing` output format.
    pub system: Option<System>,
}

/// The kind of a message being checked against a [`Status`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MailKind {
    /// Bulk mail: blocked by every restriction that covers it, unsubscribes and sunset included.
    Marketing,
    /// Transactional mail: blocked by restrictions on all mail (complaints included); never by
    /// unsubscribes or sunset.
    Transactional,
    /// Transactional mail the caller marks critical (password reset, receipt): blocked only by
    /// restrictions that do not spare it (erasure, manual, hard bounce, invalid, escalation).
    Critical,
}

/// One active restriction of an address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Restriction {
    /// Why.
    pub reason: Reason,
    /// The mail it covers (after the policy's scope rules).
    pub scope: Scope,
    /// Whether critical transactional mail is still allowed (complaints, by default).
    pub spares_critical: bool,
    /// The latest event time of its records, Unix seconds UTC; `None` when any is undated.
    pub since: Option<i64>,
    /// When it lapses by time (escalations only, by default).
    pub expires: Option<i64>,
    /// The sources that reported it: `system:stream`, sorted.
    pub sources: Vec<String>,
}

impl Restriction {
    /// Whether a message of `kind` outside any particular list is blocked by this restriction.
    pub fn blocks(&self, kind: MailKind) -> bool {
        match kind {
            MailKind::Critical => self.scope == Scope::All && !self.spares_critical,
            MailKind::Transactional => self.scope == Scope::All,
            MailKind::Marketing => matches!(self.scope, Scope::All | Scope::Marketing),
        }
    }

    /// Whether a message of `kind` sent to `scope` (a list, group, topic or stream) is blocked.
    pub fn blocks_in(&self, kind: MailKind, scope: &Scope) -> bool {
        self.blocks(kind) || (kind == MailKind::Marketing && self.scope.covers(scope))
    }

    fn describe(&self) -> String {
        let what = match (&self.scope, self.spares_critical) {
            (Scope::All, true) => "all mail except critical transactional".to_string(),
            (Scope::All, false) => "all mail".to_string(),
            (Scope::Marketing, _) => "marketing mail".to_string(),
            (s, _) => format!("marketing mail in {s}"),
        };
        let mut text = format!("{} ({what})", self.reason);
        match self.since {
            Some(t) => text += &format!(" since {}", format_time(t)),
            None => text += " (undated)",
        }
        if let Some(t) = self.expires {
            text += &format!(" until {}", format_time(t));
        }
        if !self.sources.is_empty() {
            text += &format!(" from {}", self.sources.join(", "));
        }
        text
    }
}

/// The status of one address at one time: the answer of [`SuppressionList::status`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Status {
    /// The input as given.
    pub input: String,
    /// Its canonical key; `None` when the input is not a valid address and not a key in the list.
    pub canonical: Option<String>,
    /// Whether any restriction is active (for some mail; see [`Status::blocks`]).
    pub suppressed: bool,
    /// The deciding (most restrictive) restriction's reason.
    pub reason: Option<Reason>,
    /// Its scope.
    pub scope: Option<Scope>,
    /// Its time.
    pub since: Option<i64>,
    /// Its expiry.
    pub expires: Option<i64>,
    /// Its sources.
    pub sources: Vec<String>,
    /// Every active restriction, most restrictive first.
    pub restrictions: Vec<Restriction>,
    /// A one-line human explanation.
    pub why: String,
}

impl Status {
    /// Whether a message of `kind` outside any particular list must not be sent.
    ///
    /// ```
    /// use mailhygiene::suppression::{MailKind, Reason, Scope, SuppressionList, SuppressionRecord};
    /// let mut list = SuppressionList::default();
    /// list.add(SuppressionRecord::new("", "a@example.com", Reason::Complaint, Scope::All, "ses"));
    /// let s = list.status("A@Example.com", None);
    /// assert!(s.blocks(MailKind::Marketing) && s.blocks(MailKind::Transactional));
    /// assert!(!s.blocks(MailKind::Critical)); // a password reset still goes out
    /// ```
    pub fn blocks(&self, kind: MailKind) -> bool {
        self.restrictions.iter().any(|r| r.blocks(kind))
    }

    /// Whether a message of `kind` sent to `scope` (e.g. `group:7`, `stream:news`) must not be sent.
    pub fn blocks_in(&self, kind: MailKind, scope: &Scope) -> bool {
        self.restrictions.iter().any(|r| r.blocks_in(kind, scope))
    }
}

/// One file read by [`SuppressionList::load_path`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileSummary {
    /// The path.
    pub file: String,
    /// The stream it was loaded for.
    pub stream: String,
    /// The format: a system code (`ses`, …), `master`, `hashed` or `engagement`.
    pub format: String,
    /// Data rows read (header excluded). Always `rows_used + rows_rejected`.
    pub rows_read: u64,
    /// Rows that yielded records.
    pub rows_used: u64,
    /// Rows rejected (listed in [`ImportSummary::rejects`]).
    pub rows_rejected: u64,
    /// Records added, per reason code.
    pub records: BTreeMap<String, u64>,
}

/// What [`SuppressionList::load_path`] read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportSummary {
    /// One entry per file, sorted by path.
    pub files: Vec<FileSummary>,
    /// Every rejected row, sorted by file and line.
    pub rejects: Vec<Reject>,
}

impl ImportSummary {
    /// Fold another summary into this one, keeping the sort order.
    pub fn append(&mut self, other: ImportSummary) {
        self.files.extend(other.files);
        self.rejects.extend(other.rejects);
        self.files
            .sort_by(|a, b| (&a.file, &a.stream).cmp(&(&b.file, &b.stream)));
        self.rejects
            .sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    }
}

/// Why a file could not be loaded at all. Row problems are [`Reject`]s instead.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// The importer refused the file.
    #[error(transparent)]
    Import(#[from] ImportError),
    /// A file or folder could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The path.
        path: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A master, hashed or engagement file is malformed beyond single rows.
    #[error("{file}: {message}")]
    Format {
        /// The file.
        file: String,
        /// What is wrong.
        message: String,
    },
}

impl LoadError {
    /// A stable snake_case code.
    pub fn code(&self) -> &'static str {
        match self {
            LoadError::Import(e) => e.code(),
            LoadError::Io { .. } => "io",
            LoadError::Format { .. } => "bad_format",
        }
    }
}

/// A parsed file, ready to be added (the parsing half of loading, which runs in parallel).
pub(crate) struct Parsed {
    pub file: String,
    pub stream: String,
    pub format: String,
    pub records: Vec<SuppressionRecord>,
    pub rejects: Vec<Reject>,
    pub rows_read: u64,
    pub rows_used: u64,
}

/// Verdicts of a block of [`CHUNK`] keys.
struct Chunk {
    starts: Vec<u32>,
    actives: Vec<Active>,
    pool: Vec<u32>,
}

/// Everything computed from the records for one "present".
///
/// Keys are numbered here by rank, their position in key-text order, and the records' `key`
/// holds the rank while an index exists: records, starts and verdicts are then laid out in
/// output order, so writing the outputs reads memory in sequence instead of at random.
struct Index {
    /// Per key rank, where its entries start in the sorted entries (`len = keys + 1`).
    starts: Vec<u32>,
    /// Verdicts, by rank.
    chunks: Vec<Chunk>,
    /// Key ids by rank: the order of every output.
    sorted: Vec<u32>,
    /// Ranks by key id.
    rank: Vec<u32>,
    tables: Tables,
}

/// Every suppression record from every source, merged by a [`Policy`].
///
/// The merged state is a function of the *set* of records: adding the same records in another
/// order, in other groupings, twice, or on more threads gives the same answers and outputs.
///
/// ```
/// use mailhygiene::suppression::{Reason, Scope, SuppressionList, SuppressionRecord, MailKind};
/// let mut list = SuppressionList::default();
/// let mut unsub = SuppressionRecord::new("", "jane@example.com", Reason::Unsubscribe, Scope::All, "mailgun");
/// unsub.event_time = Some(1_700_000_000);
/// list.add(unsub);
/// let s = list.status("Jane@Example.com", None);
/// assert_eq!(s.reason, Some(Reason::Unsubscribe));
/// assert_eq!(s.scope, Some(Scope::Marketing)); // never transactional
/// assert!(s.blocks(MailKind::Marketing) && !s.blocks(MailKind::Transactional));
/// assert!(!list.status("other@example.com", None).suppressed);
/// ```
pub struct SuppressionList {
    policy: Policy,
    ranks: [[u8; 2]; 8],
    checker: Checker,
    now: i64,
    /// Whether `now` was fixed by [`set_now`](Self::set_now) rather than read from the clock.
    now_fixed: bool,
    hash_key: Option<Vec<u8>>,
    hashed: bool,
    keys: Keys,
    addresses: rustc_hash::FxHashMap<u32, Box<str>>,
    scopes: Interner<Scope>,
    origins: Interner<Origin>,
    details: Interner<Detail>,
    /// Every record; keyed by rank while `index` is set (see [`Index`]), by key id otherwise.
    /// Change them only after [`invalidate`](Self::invalidate).
    entries: RwLock<Vec<Entry>>,
    streams: BTreeMap<String, StreamInfo>,
    index: OnceLock<Index>,
}

impl Default for SuppressionList {
    fn default() -> Self {
        SuppressionList::new(Policy::default())
    }
}

impl fmt::Debug for SuppressionList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SuppressionList")
            .field("keys", &self.keys.len())
            .field("records", &self.len())
            .field("now", &self.now)
            .field("streams", &self.streams)
            .finish()
    }
}

impl SuppressionList {
    /// An empty list merged by `policy`; "the present" is the current system time.
    pub fn new(policy: Policy) -> Self {
        let ranks = policy.ranks().expect("a validated policy");
        let mut list = SuppressionList {
            policy,
            ranks,
            checker: Checker::default(),
            now: clock_now(),
            now_fixed: false,
            hash_key: None,
            hashed: false,
            keys: Keys::default(),
            addresses: Default::default(),
            scopes: Interner::default(),
            origins: Interner::default(),
            details: Interner::default(),
            entries: RwLock::new(Vec::new()),
            streams: BTreeMap::new(),
            index: OnceLock::new(),
        };
        // The rules name these by id (merge::SCOPE_*).
        for s in [Scope::All, Scope::Marketing, Scope::Transactional] {
            list.scopes.intern(&s);
        }
        list.details.intern(&(None, None));
        list
    }

    /// Use this checker for canonical keys (of records without one, and of queried addresses).
    pub fn with_checker(mut self, checker: Checker) -> Self {
        self.checker = checker;
        self
    }

    /// The policy.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The checker.
    pub fn checker(&self) -> &Checker {
        &self.checker
    }

    /// "The present", Unix seconds UTC: the time [`status`](Self::status) answers for by default
    /// and the outputs are written for.
    pub fn now(&self) -> i64 {
        self.now
    }

    /// "The present" if [`set_now`](Self::set_now) fixed it; `None` while it follows the clock.
    pub fn fixed_now(&self) -> Option<i64> {
        self.now_fixed.then_some(self.now)
    }

    /// The key for HMAC-SHA-256 hashed lists, if one was set.
    pub fn hash_key(&self) -> Option<&[u8]> {
        self.hash_key.as_deref()
    }

    /// The streams declared by [`set_stream`](Self::set_stream) (or taken over by
    /// [`merge`](Self::merge)), without what records tell of them: what a copy of the list is
    /// made with.
    pub fn declared_streams(&self) -> &BTreeMap<String, StreamInfo> {
        &self.streams
    }

    /// "The present" as it is now: the fixed one if [`set_now`](Self::set_now) was called,
    /// otherwise the current time (which may have moved on since the list was made).
    pub fn present(&self) -> i64 {
        if self.now_fixed {
            self.now
        } else {
            clock_now()
        }
    }

    /// Move "the present" to the current time unless it was fixed: for a list kept for hours
    /// (a server, a notebook), whose outputs must not stay at the time it was made. Verdicts
    /// are computed again when the second has changed.
    ///
    /// ```
    /// use mailhygiene::suppression::SuppressionList;
    /// let mut list = SuppressionList::default();
    /// list.set_now(86_400);
    /// list.follow_clock();
    /// assert_eq!(list.now(), 86_400); // fixed: stays
    /// ```
    pub fn follow_clock(&mut self) {
        if !self.now_fixed {
            let t = clock_now();
            if t != self.now {
                self.invalidate();
                self.now = t;
            }
        }
    }

    /// Fix "the present" (for reproducible runs).
    pub fn set_now(&mut self, now: i64) {
        self.now_fixed = true;
        if now != self.now {
            self.invalidate();
            self.now = now;
        }
    }

    /// The key for HMAC-SHA-256 hashed lists; without one only plain SHA-256 hashes match.
    pub fn set_hash_key(&mut self, key: Option<&[u8]>) {
        self.hash_key = key.map(<[u8]>::to_vec);
        self.keys.forget_hmac_digests();
    }

    /// Declare a stream's kind and system (streams are marketing unless declared transactional).
    pub fn set_stream(&mut self, name: &str, info: StreamInfo) {
        self.streams.insert(name.into(), info);
    }

    /// What is known of a stream: its declaration, else marketing, with the system of its
    /// records when they all come from one system (several systems: none, so outputs do not
    /// depend on which arrived first).
    pub fn stream_info(&self, name: &str) -> StreamInfo {
        let declared = self.streams.get(name).copied().unwrap_or_default();
        if declared.system.is_some() {
            return declared;
        }
        let mut systems = self
            .origins
            .items
            .iter()
            .filter(|o| o.stream == name)
            .filter_map(|o| o.system.parse::<System>().ok());
        let first = systems.next();
        let system = match first {
            Some(f) if systems.all(|s| s == f) => Some(f),
            _ => None,
        };
        StreamInfo { system, ..declared }
    }

    /// Every stream declared or named by a record, with [`stream_info`](Self::stream_info).
    pub fn streams(&self) -> BTreeMap<String, StreamInfo> {
        let names: std::collections::BTreeSet<&str> = self
            .streams
            .keys()
            .map(String::as_str)
            .chain(self.origins.items.iter().map(|o| o.stream.as_str()))
            .filter(|n| !n.is_empty())
            .collect();
        names
            .into_iter()
            .map(|n| (n.to_string(), self.stream_info(n)))
            .collect()
    }

    /// Number of distinct records.
    pub fn len(&self) -> usize {
        let _ = self.index();
        self.entries_read().len()
    }

    /// Whether the list holds no record.
    pub fn is_empty(&self) -> bool {
        self.entries_read().is_empty()
    }

    /// Number of distinct canonical keys (plain or hashed).
    pub fn key_count(&self) -> usize {
        self.keys.len()
    }

    fn entries_read(&self) -> std::sync::RwLockReadGuard<'_, Vec<Entry>> {
        self.entries.read().unwrap_or_else(|e| e.into_inner())
    }

    /// Add one record. A record without a canonical key gets one from its address; an address
    /// that does not parse is keyed by its trimmed, lower-cased text, so no restriction is lost.
    pub fn add(&mut self, record: SuppressionRecord) {
        self.add_ref(&record);
    }

    /// Add a record given by hand (an API call rather than an export): its address must parse
    /// and is stored normalized (`Bob <Bob@Example.com>` → `Bob@example.com`), so that what the
    /// outputs hand to mail systems is an address. A record whose canonical key is given (a
    /// hashed key) is added as it is.
    ///
    /// ```
    /// use mailhygiene::suppression::{Reason, Scope, SuppressionList, SuppressionRecord};
    /// let mut list = SuppressionList::default();
    /// let r = SuppressionRecord::new("", " Bob <Bob@Example.COM> ", Reason::Complaint, Scope::All, "crm");
    /// list.add_checked(r).unwrap();
    /// assert_eq!(list.rows()[0].address, "Bob@example.com");
    /// let empty = SuppressionRecord::new("", "", Reason::Complaint, Scope::All, "crm");
    /// assert_eq!(list.add_checked(empty).unwrap_err().code(), "empty");
    /// ```
    pub fn add_checked(&mut self, mut record: SuppressionRecord) -> Result<(), crate::ParseError> {
        if record.canonical.is_empty() {
            record.address = self.checker.normalize(&record.address)?.to_string();
        }
        self.add(record);
        Ok(())
    }

    /// Add many records.
    pub fn extend<I: IntoIterator<Item = SuppressionRecord>>(&mut self, records: I) {
        for r in records {
            self.add_ref(&r);
        }
    }

    pub(crate) fn add_ref(&mut self, r: &SuppressionRecord) {
        self.invalidate();
        let canonical = key_of(&self.checker, r);
        let key = self.keys.intern(&canonical);
        self.hashed |= is_hashed_key(&canonical);
        if !r.address.is_empty() && r.address != *canonical {
            keep_smallest_address(&mut self.addresses, key, r.address.as_str());
        }
        let ids = intern_strings(&mut self.scopes, &mut self.origins, &mut self.details, r);
        self.entries
            .get_mut()
            .unwrap_or_else(|e| e.into_inner())
            .push(entry_of(r, key, ids));
    }

    /// Drop the verdicts before the records change, keying the records by id again.
    fn invalidate(&mut self) {
        if let Some(ix) = self.index.take() {
            let entries = self.entries.get_mut().unwrap_or_else(|e| e.into_inner());
            entries
                .par_iter_mut()
                .for_each(|e| e.key = ix.sorted[e.key as usize]);
        }
    }

    /// Intern another list's (or prepared file's) scopes, origins and details here: their ids
    /// in this list, by their ids there.
    fn intern_tables(
        &mut self,
        scopes: &Interner<Scope>,
        origins: &Interner<Origin>,
        details: &Interner<Detail>,
    ) -> (Vec<u32>, Vec<u32>, Vec<u32>) {
        let scopes = scopes.items.iter().map(|s| self.scopes.intern(s)).collect();
        let origins = origins
            .items
            .iter()
            .map(|o| {
                self.origins.intern(&(
                    o.system.as_str(),
                    o.stream.as_str(),
                    o.account.as_deref(),
                    o.file.as_str(),
                ))
            })
            .collect();
        let details = details
            .items
            .iter()
            .map(|d| {
                self.details
                    .intern(&(d.sub_reason.as_deref(), d.status.as_deref()))
            })
            .collect();
        (scopes, origins, details)
    }

    /// Merge every record of `other` into this list (set union). This list's policy, present and
    /// stream declarations win; `other`'s streams are added when unknown here.
    pub fn merge(&mut self, other: &SuppressionList) {
        self.invalidate();
        let (scopes, origins, details) =
            self.intern_tables(&other.scopes, &other.origins, &other.details);
        let keys: Vec<u32> = (0..other.keys.len() as u32)
            .map(|k| self.keys.intern(other.keys.get(k)))
            .collect();
        for (k, a) in &other.addresses {
            keep_smallest_address(&mut self.addresses, keys[*k as usize], &**a);
        }
        for (name, info) in &other.streams {
            self.streams.entry(name.clone()).or_insert(*info);
        }
        self.hashed |= other.hashed;
        let theirs = other.entries_read();
        // Read after the lock: an index cannot be built while it is held.
        let their_ids = other.index.get().map(|ix| &ix.sorted);
        let mine = self.entries.get_mut().unwrap_or_else(|e| e.into_inner());
        mine.extend(theirs.iter().map(|e| Entry {
            key: keys[their_ids.map_or(e.key, |ids| ids[e.key as usize]) as usize],
            scope: scopes[e.scope as usize],
            origin: origins[e.origin as usize],
            detail: details[e.detail as usize],
            ..*e
        }));
    }

    /// Compute the verdicts for "the present" now rather than on the first query.
    pub fn finalize(&self) {
        let _ = self.index();
    }

    fn tables(&self) -> Tables {
        let mut order: Vec<u32> = (0..self.scopes.items.len() as u32).collect();
        order.sort_by_cached_key(|&i| self.scopes.items[i as usize].to_string());
        let mut scope_order = vec![0; order.len()];
        for (pos, &id) in order.iter().enumerate() {
            scope_order[id as usize] = pos as u32;
        }
        let esc = &self.policy.escalation;
        let detail_counts = self
            .details
            .items
            .iter()
            .map(|d| {
                !d.sub_reason
                    .as_deref()
                    .is_some_and(|s| esc.ignore_sub_reasons.iter().any(|x| x == s))
                    && !d.status.as_deref().is_some_and(|s| {
                        esc.ignore_status_prefixes
                            .iter()
                            .any(|p| s.starts_with(p.as_str()))
                    })
            })
            .collect();
        let detail_repeat = self
            .details
            .items
            .iter()
            .map(|d| {
                d.sub_reason
                    .as_deref()
                    .and_then(|s| s.strip_prefix("repeat:"))
                    .and_then(|n| n.parse().ok())
                    .unwrap_or(0)
            })
            .collect();
        let by_origin: Vec<Vec<String>> = self.origins.items.iter().map(Origin::labels).collect();
        let mut labels: Vec<String> = by_origin.iter().flatten().cloned().collect();
        labels.sort_unstable();
        labels.dedup();
        let origin_labels = by_origin
            .iter()
            .map(|ls| {
                ls.iter()
                    .map(|l| labels.binary_search(l).expect("collected above") as u32)
                    .collect()
            })
            .collect();
        Tables {
            scope_order,
            detail_counts,
            detail_repeat,
            scope_text: self.scopes.items.iter().map(Scope::to_string).collect(),
            labels,
            origin_labels,
        }
    }

    fn ctx<'a>(&'a self, t: &'a Tables) -> Ctx<'a> {
        Ctx {
            policy: &self.policy,
            ranks: self.ranks,
            scopes: &self.scopes.items,
            t,
        }
    }

    fn index(&self) -> &Index {
        self.index.get_or_init(|| {
            let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
            let nkeys = self.keys.len();
            let sorted = self.keys.sorted_ids();
            let mut rank = vec![0u32; nkeys];
            for (r, &id) in sorted.iter().enumerate() {
                rank[id as usize] = r as u32;
            }
            entries
                .par_iter_mut()
                .for_each(|e| e.key = rank[e.key as usize]);
            entries.par_sort_unstable();
            entries.dedup();
            let mut starts = vec![0u32; nkeys + 1];
            for e in entries.iter() {
                starts[e.key as usize + 1] += 1;
            }
            for i in 0..nkeys {
                starts[i + 1] += starts[i];
            }
            let tables = self.tables();
            let cx = self.ctx(&tables);
            let entries = &*entries;
            let chunks = (0..nkeys.div_ceil(CHUNK))
                .into_par_iter()
                .map(|c| {
                    let mut sc = Scratch::default();
                    let (lo, hi) = (c * CHUNK, ((c + 1) * CHUNK).min(nkeys));
                    let mut chunk = Chunk {
                        starts: Vec::with_capacity(hi - lo + 1),
                        actives: Vec::new(),
                        pool: Vec::new(),
                    };
                    chunk.starts.push(0);
                    for k in lo..hi {
                        let group = &entries[starts[k] as usize..starts[k + 1] as usize];
                        evaluate(
                            group,
                            self.now,
                            &cx,
                            &mut sc,
                            &mut chunk.actives,
                            &mut chunk.pool,
                        );
                        chunk.starts.push(chunk.actives.len() as u32);
                    }
                    chunk.actives.shrink_to_fit();
                    chunk.pool.shrink_to_fit();
                    chunk
                })
                .collect();
            Index {
                starts,
                chunks,
                sorted,
                rank,
                tables,
            }
        })
    }

    /// The verdict of key `k` at the present, as (actives, origin pool).
    fn verdict(&self, k: u32) -> (&[Active], &[u32]) {
        let ix = self.index();
        ix.verdict(ix.rank[k as usize])
    }
}

impl Index {
    /// The verdict of the key of rank `r`.
    fn verdict(&self, r: u32) -> (&[Active], &[u32]) {
        let chunk = &self.chunks[r as usize / CHUNK];
        let i = r as usize % CHUNK;
        (
            &chunk.actives[chunk.starts[i] as usize..chunk.starts[i + 1] as usize],
            &chunk.pool,
        )
    }

    /// The records of the key of rank `r`, in `entries`.
    fn group<'e>(&self, entries: &'e [Entry], r: u32) -> &'e [Entry] {
        &entries[self.starts[r as usize] as usize..self.starts[r as usize + 1] as usize]
    }
}

impl SuppressionList {
    /// The verdict of key `k` at any time (evaluated now, not cached).
    fn verdict_at(&self, k: u32, at: i64) -> (Vec<Active>, Vec<u32>) {
        let ix = self.index();
        let entries = self.entries_read();
        let group = ix.group(&entries, ix.rank[k as usize]);
        let (mut out, mut pool) = (Vec::new(), Vec::new());
        evaluate(
            group,
            at,
            &self.ctx(&ix.tables),
            &mut Scratch::default(),
            &mut out,
            &mut pool,
        );
        (out, pool)
    }

    /// The keys an input can match: its own text, its canonical key, and its hashed forms when
    /// the list holds hashed keys. A hashed key (`sha256:<hex>`, or `hmac-sha256:<hex>` when
    /// the list has the secret) matches hashed records and the plain keys that hash to it.
    fn lookup(&self, input: &str) -> (Option<String>, Vec<u32>) {
        let mut ids = Vec::new();
        if let Some((hash, digest)) = KeyHash::parse_key(input.trim(), self.hash_key.as_deref()) {
            // Hex in either case names the same key; the list stores lower case.
            let key = format!("{}{}", hash.prefix(), hex::encode(digest));
            ids.extend(self.keys.find(&key));
            ids.extend(self.keys.find_by_digest(&hash, &digest));
            return (Some(key), ids);
        }
        let canonical = match self.keys.find(input) {
            Some(k) => {
                ids.push(k);
                Some(input.to_string())
            }
            None => self.checker.canonical(input).ok(),
        };
        if let Some(c) = &canonical {
            if ids.is_empty() {
                ids.extend(self.keys.find(c));
            }
            if self.hashed && !c.starts_with(KeyHash::SHA256_PREFIX) {
                ids.extend(self.keys.find(&KeyHash::Sha256.key(c)));
                if let Some(k) = &self.hash_key {
                    ids.extend(self.keys.find(&KeyHash::HmacSha256(k.clone()).key(c)));
                }
            }
        }
        (canonical, ids)
    }

    fn restriction(&self, a: &Active, pool: &[u32]) -> Restriction {
        let mut sources: Vec<String> = pool
            [a.src_start as usize..(a.src_start + a.src_len) as usize]
            .iter()
            .flat_map(|&o| self.origins.items[o as usize].labels())
            .collect();
        sources.sort();
        sources.dedup();
        Restriction {
            reason: a.reason,
            scope: self.scopes.items[a.scope as usize].clone(),
            spares_critical: a.spares_critical,
            since: (a.since != UNDATED).then_some(a.since),
            expires: (a.expires != NEVER).then_some(a.expires),
            sources,
        }
    }

    /// The status of an address (or canonical key, or `sha256:<hex>` key) at `at` (Unix seconds
    /// UTC; `None`: [the present](Self::present), which follows the clock unless fixed), with
    /// every active restriction and why.
    ///
    /// At the list's present this is a hash lookup on verdicts computed once; at another time
    /// the key's records are evaluated again. A hashed key matches hashed records and plain
    /// ones alike (see [`KeyHash`]); the first such query hashes every plain key once.
    ///
    /// ```
    /// use mailhygiene::suppression::{KeyHash, Reason, Scope, SuppressionList, SuppressionRecord};
    /// let mut list = SuppressionList::default();
    /// list.add(SuppressionRecord::new("", "a@example.com", Reason::Complaint, Scope::All, "ses"));
    /// let key = KeyHash::Sha256.key("a@example.com");
    /// assert_eq!(list.status(&key, None).reason, Some(Reason::Complaint));
    /// ```
    pub fn status(&self, input: &str, at: Option<i64>) -> Status {
        let at = at.or_else(|| (!self.now_fixed).then(clock_now));
        let (canonical, ids) = self.lookup(input);
        let mut restrictions = Vec::new();
        let mut ranks = Vec::new();
        for k in ids {
            match at {
                Some(t) if t != self.now => {
                    let (actives, pool) = self.verdict_at(k, t);
                    for a in &actives {
                        ranks.push(a.rank);
                        restrictions.push(self.restriction(a, &pool));
                    }
                }
                _ => {
                    let (actives, pool) = self.verdict(k);
                    for a in actives {
                        ranks.push(a.rank);
                        restrictions.push(self.restriction(a, pool));
                    }
                }
            }
        }
        if ranks.windows(2).any(|w| w[0] > w[1]) {
            // Plain and hashed matches: re-sort by rank, stably.
            let mut both: Vec<_> = ranks.into_iter().zip(restrictions).collect();
            both.sort_by_key(|(r, _)| *r);
            restrictions = both.into_iter().map(|(_, r)| r).collect();
        }
        let top = restrictions.first();
        let why = match (top, &canonical) {
            (Some(_), _) => {
                let parts: Vec<String> = restrictions.iter().map(Restriction::describe).collect();
                format!("suppressed: {}", parts.join("; also "))
            }
            (None, Some(c)) => format!("not suppressed: no active restriction for {c}"),
            (None, None) => "not suppressed: not a valid address and not in the list".into(),
        };
        Status {
            input: input.into(),
            suppressed: top.is_some(),
            reason: top.map(|r| r.reason),
            scope: top.map(|r| r.scope.clone()),
            since: top.and_then(|r| r.since),
            expires: top.and_then(|r| r.expires),
            sources: top.map(|r| r.sources.clone()).unwrap_or_default(),
            restrictions,
            canonical,
            why,
        }
    }

    /// The most restrictive reason a message of `kind` to `canonical` (a key the caller already
    /// computed with [`Checker::canonical`]) must not be sent at the present, if any. Allocates
    /// nothing for plain keys: this is the per-row check of bulk cleaning.
    ///
    /// ```
    /// use mailhygiene::suppression::{MailKind, Reason, Scope, SuppressionList, SuppressionRecord};
    /// let mut list = SuppressionList::default();
    /// list.add(SuppressionRecord::new("", "a@example.com", Reason::Unsubscribe, Scope::All, "x"));
    /// assert_eq!(list.blocked_key("a@example.com", MailKind::Marketing), Some(Reason::Unsubscribe));
    /// assert_eq!(list.blocked_key("a@example.com", MailKind::Transactional), None);
    /// ```
    pub fn blocked_key(&self, canonical: &str, kind: MailKind) -> Option<Reason> {
        let first = |k: u32| {
            let (actives, _) = self.verdict(k);
            actives
                .iter()
                .find(|a| blocks(a, kind))
                .map(|a| (a.rank, a.reason))
        };
        let mut best = self.keys.find(canonical).and_then(first);
        if self.hashed {
            let mut hashed = vec![KeyHash::Sha256.key(canonical)];
            if let Some(k) = &self.hash_key {
                hashed.push(KeyHash::HmacSha256(k.clone()).key(canonical));
            }
            for h in hashed {
                if let Some(x) = self.keys.find(&h).and_then(first) {
                    best = Some(best.map_or(x, |b: (u8, Reason)| b.min(x)));
                }
            }
        }
        best.map(|(_, r)| r)
    }

    /// The restriction that decides whether a message of `kind` to `input` must not be sent at
    /// the present: the first of [`status`](Self::status)`(input, None).restrictions` that
    /// [blocks](Restriction::blocks) it, without building the rest of the status.
    ///
    /// ```
    /// use mailhygiene::suppression::{MailKind, Reason, Scope, SuppressionList, SuppressionRecord};
    /// let mut list = SuppressionList::default();
    /// list.add(SuppressionRecord::new("", "a@example.com", Reason::Complaint, Scope::All, "ses"));
    /// let r = list.blocking("a@example.com", MailKind::Marketing).unwrap();
    /// assert_eq!((r.reason, r.sources), (Reason::Complaint, vec!["ses".to_string()]));
    /// assert!(list.blocking("a@example.com", MailKind::Critical).is_none());
    /// ```
    pub fn blocking(&self, input: &str, kind: MailKind) -> Option<Restriction> {
        // `status` orders restrictions by rank, stably across the matched keys, and every key's
        // own restrictions come most restrictive first: its first blocking one is its best.
        let mut best: Option<(&Active, &[u32])> = None;
        for k in self.lookup(input).1 {
            let (actives, pool) = self.verdict(k);
            if let Some(a) = actives.iter().find(|a| blocks(a, kind)) {
                if best.map_or(true, |(b, _)| a.rank < b.rank) {
                    best = Some((a, pool));
                }
            }
        }
        best.map(|(a, pool)| self.restriction(a, pool))
    }

    /// Every distinct record, sorted by key, then time. Verbatim source text is not kept (see
    /// the module docs); consent evidence comes back as `Consent { confirmed: true, .. }`.
    pub fn records(&self) -> Vec<SuppressionRecord> {
        let ix = self.index();
        let entries = self.entries_read();
        let mut out: Vec<SuppressionRecord> = entries
            .iter()
            .map(|e| Entry {
                key: ix.sorted[e.key as usize],
                ..*e
            })
            .map(|e| {
                let o = &self.origins.items[e.origin as usize];
                let d = &self.details.items[e.detail as usize];
                let canonical = self.keys.get(e.key);
                SuppressionRecord {
                    canonical: canonical.into(),
                    address: self.address_of(e.key).into(),
                    reason: e.reason,
                    sub_reason: d.sub_reason.clone(),
                    scope: self.scopes.items[e.scope as usize].clone(),
                    event_time: (e.time != UNDATED).then_some(e.time),
                    event_time_raw: None,
                    source_zone: None,
                    source_system: o.system.clone(),
                    source_stream: o.stream.clone(),
                    source_account: o.account.clone(),
                    source_reason: None,
                    smtp_reply: None,
                    enhanced_status: d.status.clone(),
                    diagnostic: None,
                    consent: e.evidence.then(|| Consent {
                        confirmed: true,
                        ..Consent::default()
                    }),
                    provenance: Provenance {
                        file: o.file.clone(),
                        line: e.line as u64,
                    },
                }
            })
            .collect();
        out.sort_by(|a, b| {
            (&a.canonical, a.event_time, a.reason, a.scope.to_string())
                .cmp(&(&b.canonical, b.event_time, b.reason, b.scope.to_string()))
                .then_with(|| {
                    (
                        &a.source_system,
                        &a.source_stream,
                        &a.provenance.file,
                        a.provenance.line,
                    )
                        .cmp(&(
                            &b.source_system,
                            &b.source_stream,
                            &b.provenance.file,
                            b.provenance.line,
                        ))
                })
                .then_with(|| format!("{a:?}").cmp(&format!("{b:?}")))
        });
        out
    }

    /// The address shown for a key: the smallest spelling seen, or the key itself.
    pub(crate) fn address_of(&self, k: u32) -> &str {
        self.addresses
            .get(&k)
            .map_or_else(|| self.keys.get(k), |a| &**a)
    }

    /// Visit, in output order, every key with active restrictions at the present: its id,
    /// restrictions, origin pool, records and the rule context.
    pub(crate) fn for_each_active(
        &self,
        mut f: impl FnMut(u32, &[Active], &[u32], &[Entry], &Ctx),
    ) {
        let ix = self.index();
        let entries = self.entries_read();
        let cx = self.ctx(&ix.tables);
        for (r, &k) in ix.sorted.iter().enumerate() {
            let (actives, pool) = ix.verdict(r as u32);
            if !actives.is_empty() {
                f(k, actives, pool, ix.group(&entries, r as u32), &cx);
            }
        }
    }

    /// [`for_each_active`](Self::for_each_active) on all threads: keys are cut into parts in
    /// output order, each part is rendered into a fresh `T` by `f`, and the parts are handed to
    /// `sink` in order on this thread while the next few are rendered, so writing overlaps
    /// rendering and memory stays bounded.
    pub(crate) fn par_for_each_active<T: Send, E>(
        &self,
        init: impl Fn() -> T + Sync,
        f: impl Fn(&mut T, u32, &[Active], &[u32], &[Entry], &Ctx) + Sync,
        mut sink: impl FnMut(T) -> Result<(), E>,
    ) -> Result<(), E> {
        const PART: usize = 1 << 14;
        let ix = self.index();
        let entries = self.entries_read();
        let entries: &[Entry] = &entries;
        let cx = self.ctx(&ix.tables);
        let parts: Vec<std::ops::Range<u32>> = (0..ix.sorted.len())
            .step_by(PART)
            .map(|lo| lo as u32..(lo + PART).min(ix.sorted.len()) as u32)
            .collect();
        let render = |ranks: &std::ops::Range<u32>| {
            let mut t = init();
            for r in ranks.clone() {
                let (actives, pool) = ix.verdict(r);
                if !actives.is_empty() {
                    let k = ix.sorted[r as usize];
                    f(&mut t, k, actives, pool, ix.group(entries, r), &cx);
                }
            }
            t
        };
        std::thread::scope(|s| {
            // One rendered batch waits while the sink writes the previous one.
            let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<T>>(1);
            let render = &render;
            s.spawn(move || {
                for batch in parts.chunks(rayon::current_num_threads() * 2) {
                    let rendered: Vec<T> = batch.par_iter().map(render).collect();
                    if tx.send(rendered).is_err() {
                        break; // the sink failed
                    }
                }
            });
            for rendered in rx {
                for t in rendered {
                    sink(t)?;
                }
            }
            Ok(())
        })
    }

    pub(crate) fn key_text(&self, k: u32) -> &str {
        self.keys.get(k)
    }
    pub(crate) fn scope_of(&self, id: u32) -> &Scope {
        &self.scopes.items[id as usize]
    }
    pub(crate) fn origin_labels(&self, pool: &[u32], a: &Active) -> Vec<String> {
        self.restriction(a, pool).sources
    }
    pub(crate) fn origin_stream(&self, id: u32) -> &str {
        &self.origins.items[id as usize].stream
    }

    /// Whether `stream` is declared transactional.
    pub fn is_transactional(&self, stream: &str) -> bool {
        self.streams
            .get(stream)
            .is_some_and(|s| s.kind == StreamKind::Transactional)
    }

    /// Load a file or a folder of files (sorted, hidden files skipped) for `stream`: raw ESP
    /// exports through the importers (`system`, or detected per file), a master list written by
    /// [`write_csv`](Self::write_csv), a hashed list written by
    /// [`write_hashed`](Self::write_hashed), an engagement file (see [`super::sunset`]), or a
    /// bare address list, one address per line (`manual` blocks, see [`System::Generic`]).
    ///
    /// A file that cannot be read at all is an error; bad rows are rejects in the summary.
    pub fn load_path(
        &mut self,
        path: &Path,
        system: Option<System>,
        stream: &str,
    ) -> Result<ImportSummary, LoadError> {
        let files = expand(path)?;
        let jobs: Vec<(PathBuf, Option<System>, String)> = files
            .into_iter()
            .map(|f| (f, system, stream.to_string()))
            .collect();
        self.load_many(&jobs)
    }

    /// [`load_path`](Self::load_path) with all of an export's [`ImportOptions`] (a generic
    /// CSV's columns, the list or account the files belong to), for every file of `path`.
    pub fn load_path_with(
        &mut self,
        path: &Path,
        options: &ImportOptions,
    ) -> Result<ImportSummary, LoadError> {
        let jobs: Vec<(PathBuf, ImportOptions)> = expand(path)?
            .into_iter()
            .map(|f| (f, options.clone()))
            .collect();
        self.load_with_options(&jobs)
    }

    /// Load a master list written by [`write_csv`](Self::write_csv) (or a hashed list written
    /// by [`write_hashed`](Self::write_hashed)): the suppression source of `clean` and the
    /// bindings. Its records belong to no stream; each keeps its row's `sources`.
    ///
    /// Unlike [`load_path`](Self::load_path), any other format is an error.
    pub fn load_master(&mut self, path: &Path) -> Result<ImportSummary, LoadError> {
        let file = path.display().to_string();
        let data = std::fs::read(path).map_err(|source| LoadError::Io {
            path: file.clone(),
            source,
        })?;
        self.load_master_bytes(&file, &data, "")
    }

    /// [`load_master`](Self::load_master) of a file already in memory (or mapped), named
    /// `file`, its records loaded for `stream` as [`load_path`](Self::load_path) would (`""`:
    /// none). The answers are those of `load_path`; a master list is parsed on all threads.
    pub fn load_master_bytes(
        &mut self,
        file: &str,
        data: &[u8],
        stream: &str,
    ) -> Result<ImportSummary, LoadError> {
        self.load_master_in_parts(file, data, stream, part_bytes(data))
    }

    /// [`load_master_bytes`](Self::load_master_bytes), a master list parsed in parts of about
    /// `part_bytes`.
    pub(crate) fn load_master_in_parts(
        &mut self,
        file: &str,
        data: &[u8],
        stream: &str,
        part_bytes: usize,
    ) -> Result<ImportSummary, LoadError> {
        // Stored records are keyed by text rank while verdicts exist: back to ids first.
        self.invalidate();
        let mut summary = ImportSummary::default();
        let file_summary = match list_format(data) {
            ListFormat::Master => match master::plan(data, part_bytes) {
                Some(plan) => self.add_master(file, stream, &plan, &mut summary.rejects),
                None => {
                    let parsed = super::output::parse_master(file, data, stream, &self.policy)?;
                    self.add_parsed(parsed, &mut summary.rejects)
                }
            },
            ListFormat::Hashed => {
                let parsed = super::hash::parse_hashed(file, data, stream, &self.policy)?;
                self.add_parsed(parsed, &mut summary.rejects)
            }
            _ => {
                return Err(LoadError::Format {
                    file: file.into(),
                    message: format!("not a master or hashed list (header: {:?})", header(data)),
                })
            }
        };
        summary.files.push(file_summary);
        Ok(summary)
    }

    /// Whether `data` is a master or hashed list: what
    /// [`load_master_bytes`](Self::load_master_bytes) takes.
    pub fn is_master_list(data: &[u8]) -> bool {
        matches!(list_format(data), ListFormat::Master | ListFormat::Hashed)
    }

    /// Add a master list planned by [`master::plan`]: parts are parsed on all threads, a wave
    /// at a time, while this thread adds the previous wave, so that adding overlaps parsing and
    /// few parts are alive at once.
    fn add_master(
        &mut self,
        file: &str,
        stream: &str,
        plan: &master::Plan,
        rejects: &mut Vec<Reject>,
    ) -> FileSummary {
        // Lines bound the rows and bytes the keys: reserve once, so the largest buffers are
        // never copied (pages are only committed when written).
        let lines = usize::try_from(plan.lines).unwrap_or(usize::MAX);
        self.keys.reserve(lines, plan.bytes);
        let mut entries = std::mem::take(self.entries.get_mut().unwrap_or_else(|e| e.into_inner()));
        entries.reserve_exact(lines);
        let mut added = AddedRows::default();
        let policy = self.policy.clone();
        let mut waves = plan.waves(rayon::current_num_threads() * 2);
        let mut parsed = waves
            .next()
            .map(|w| master::parse_wave(file, w, &policy))
            .unwrap_or_default();
        loop {
            let next = waves.next();
            let ((), next) = rayon::join(
                || {
                    for part in parsed {
                        self.add_master_part(file, stream, part, &mut added, &mut entries);
                    }
                },
                || next.map(|w| master::parse_wave(file, w, &policy)),
            );
            match next {
                Some(p) => parsed = p,
                None => break,
            }
        }
        *self.entries.get_mut().unwrap_or_else(|e| e.into_inner()) = entries;
        self.index = OnceLock::new();
        rejects.append(&mut added.rejects);
        let rows_used = added.counts.iter().sum();
        FileSummary {
            file: file.into(),
            stream: stream.into(),
            format: "master".into(),
            rows_read: added.rows_read,
            rows_used,
            rows_rejected: added.rows_read - rows_used,
            records: Reason::ALL
                .iter()
                .zip(added.counts)
                .filter(|&(_, n)| n > 0)
                .map(|(r, n)| (r.code().to_string(), n))
                .collect(),
        }
    }

    /// Add one parsed part of a master list: intern its tables (in order of first appearance,
    /// as row by row), then its rows.
    fn add_master_part(
        &mut self,
        file: &str,
        stream: &str,
        part: master::Part,
        added: &mut AddedRows,
        entries: &mut Vec<Entry>,
    ) {
        let key_ids: Vec<u32> = part
            .keys
            .iter()
            .map(|&(k, h)| self.keys.intern_hashed(k, h))
            .collect();
        for &(k, a) in &part.addresses {
            keep_smallest_address(&mut self.addresses, key_ids[k as usize], a);
        }
        let scopes: Vec<u32> = part.scopes.iter().map(|s| self.scopes.intern(s)).collect();
        let origins: Vec<u32> = part
            .sources
            .iter()
            .map(|&a| self.origins.intern(&(MASTER_SYSTEM, stream, a, file)))
            .collect();
        let details: Vec<u32> = part
            .repeats
            .iter()
            .map(|&n| {
                let sub = super::output::repeat_sub_reason(n);
                self.details.intern(&(sub.as_deref(), None))
            })
            .collect();
        entries.extend(part.entries.iter().map(|e| Entry {
            key: key_ids[e.key as usize],
            scope: scopes[e.scope as usize],
            origin: origins[e.origin as usize],
            detail: details[e.detail as usize],
            ..*e
        }));
        self.hashed |= part.hashed;
        added.rows_read += part.rows_read;
        for (c, n) in added.counts.iter_mut().zip(part.counts) {
            *c += n;
        }
        added.rejects.extend(part.rejects);
    }

    /// Load many `(path, system, stream)` files, parsing on all threads while this thread adds
    /// the records. Paths must be files (see [`expand`]). The result is the same as loading them
    /// one by one in any order.
    pub fn load_many(
        &mut self,
        jobs: &[(PathBuf, Option<System>, String)],
    ) -> Result<ImportSummary, LoadError> {
        let jobs: Vec<(PathBuf, ImportOptions)> = jobs
            .iter()
            .map(|(path, system, stream)| {
                let mut opts = ImportOptions::new(stream);
                opts.system = *system;
                (path.clone(), opts)
            })
            .collect();
        self.load_with_options(&jobs)
    }

    /// [`load_many`](Self::load_many) with all of an export's [`ImportOptions`] per file: a
    /// generic CSV's columns, the list or account a file belongs to. Canonical keys always come
    /// from this list's checker, whatever the options' checker. Without a system or generic
    /// columns, a master list, hashed list or engagement file is recognised by its header.
    ///
    /// ```
    /// use mailhygiene::suppression::import::{GenericColumns, ImportOptions};
    /// use mailhygiene::suppression::{MailKind, Reason, SuppressionList};
    /// let dir = std::env::temp_dir().join(format!("mh-doc-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir).unwrap();
    /// let path = dir.join("crm.csv");
    /// std::fs::write(&path, "Contact Email,Why\njane@example.com,spam\n").unwrap();
    /// let columns = GenericColumns {
    ///     email: "Contact Email".into(),
    ///     reason: Some("Why".into()),
    ///     ..Default::default()
    /// };
    /// let mut list = SuppressionList::default();
    /// list.load_with_options(&[(path, ImportOptions::new("crm").generic(columns))]).unwrap();
    /// assert_eq!(list.blocked_key("jane@example.com", MailKind::Marketing), Some(Reason::Complaint));
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// ```
    pub fn load_with_options(
        &mut self,
        jobs: &[(PathBuf, ImportOptions)],
    ) -> Result<ImportSummary, LoadError> {
        let mut summary = ImportSummary::default();
        // No data row is shorter than about 16 bytes, so the input size bounds the record count.
        // Reserving that much address space up front (pages are only committed when written)
        // keeps the largest buffers from being reallocated, and briefly held twice, while
        // loading.
        let bytes: u64 = jobs
            .iter()
            .filter_map(|(p, _)| std::fs::metadata(p).ok())
            .map(|m| m.len())
            .sum();
        let rows = usize::try_from(bytes / 16).unwrap_or(usize::MAX);
        self.entries
            .get_mut()
            .unwrap_or_else(|e| e.into_inner())
            .reserve(rows);
        self.keys.arena.reserve(usize::try_from(bytes).unwrap_or(0));
        self.keys.ends.reserve(rows);
        let checker = self.checker.clone();
        let (policy, now) = (self.policy.clone(), self.now);
        let spent = std::sync::Mutex::new(Vec::new());
        let spent = &spent;
        let take_spent = || spent.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let result = std::thread::scope(|s| -> Result<(), LoadError> {
            // Prepared files are compact; a short queue lets parsing run ahead of adding while
            // bounding how many are alive at once. Parsing is most of the work, so every thread
            // parses; this one only adds.
            let (tx, rx) = std::sync::mpsc::sync_channel::<Result<Prepared, LoadError>>(
                rayon::current_num_threads(),
            );
            s.spawn(move || {
                jobs.par_iter()
                    .with_max_len(1)
                    .for_each_with(tx, |tx, (path, opts)| {
                        let p = Prepared::reuse(take_spent(), "", &opts.stream);
                        let _ = tx.send(parse_file(p, path, opts, &checker, &policy, now));
                    });
            });
            let mut first_err = None;
            for parsed in rx {
                match parsed {
                    Ok(mut p) if first_err.is_none() => {
                        let file = self.add_prepared(&mut p, &mut summary.rejects);
                        summary.files.push(file);
                        spent.lock().unwrap_or_else(|e| e.into_inner()).push(p);
                    }
                    Ok(_) => {}
                    Err(e) => {
                        first_err.get_or_insert(e);
                    }
                }
            }
            first_err.map_or(Ok(()), Err)
        });
        result?;
        let empty = ImportSummary::default();
        let mut out = empty;
        out.append(summary);
        Ok(out)
    }

    fn add_parsed(&mut self, p: Parsed, rejects: &mut Vec<Reject>) -> FileSummary {
        let mut records = BTreeMap::new();
        // Grow by a quarter rather than doubling: the record store is the largest allocation,
        // and doubling it near the end would briefly hold three times what is needed.
        let entries = self.entries.get_mut().unwrap_or_else(|e| e.into_inner());
        let need = entries.len() + p.records.len();
        if need > entries.capacity() {
            let extra = (need - entries.len()).max(entries.len() / 4);
            entries.reserve_exact(extra);
        }
        // Counted by reason index: a string key per record would allocate millions of times.
        let mut counts = [0u64; Reason::ALL.len()];
        for r in p.records {
            counts[r.reason as usize] += 1;
            self.add_ref(&r);
        }
        for (reason, n) in Reason::ALL.iter().zip(counts) {
            if n > 0 {
                records.insert(reason.code().to_string(), n);
            }
        }
        let rows_rejected = p.rejects.len() as u64;
        rejects.extend(p.rejects);
        FileSummary {
            file: p.file,
            stream: p.stream,
            format: p.format,
            rows_read: p.rows_read,
            rows_used: p.rows_used,
            rows_rejected,
            records,
        }
    }
}

/// [`Restriction::blocks`] of a stored restriction.
fn blocks(a: &Active, kind: MailKind) -> bool {
    match kind {
        MailKind::Critical => a.scope == merge::SCOPE_ALL && !a.spares_critical,
        MailKind::Transactional => a.scope == merge::SCOPE_ALL,
        MailKind::Marketing => matches!(a.scope, merge::SCOPE_ALL | merge::SCOPE_MARKETING),
    }
}

/// Rows of a master list added so far.
#[derive(Default)]
struct AddedRows {
    rows_read: u64,
    counts: [u64; Reason::ALL.len()],
    rejects: Vec<Reject>,
}

/// The files a path names: itself, or the files under a folder (recursively, sorted, hidden
/// names skipped).
pub fn expand(path: &Path) -> Result<Vec<PathBuf>, LoadError> {
    let io = |source| LoadError::Io {
        path: path.display().to_string(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if !meta.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut out = Vec::new();
    let mut names: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(io)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            !p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with('.'))
        })
        .collect();
    names.sort();
    for p in names {
        out.extend(expand(&p)?);
    }
    Ok(out)
}

/// The formats recognised by their header line.
enum ListFormat {
    Master,
    Hashed,
    Engagement,
    Other,
}

/// The first line of `data`, without a byte order mark and surrounding space.
fn header(data: &[u8]) -> String {
    let first = data.split(|&b| b == b'\n').next().unwrap_or(&[]);
    let first = String::from_utf8_lossy(first);
    first.trim_start_matches('\u{feff}').trim().to_string()
}

fn list_format(data: &[u8]) -> ListFormat {
    let header = header(data);
    if header == super::output::MASTER_HEADER {
        ListFormat::Master
    } else if super::hash::is_hashed_header(&header) {
        ListFormat::Hashed
    } else if super::sunset::is_engagement_header(&header) {
        ListFormat::Engagement
    } else {
        ListFormat::Other
    }
}

/// Parts of a master list parsed on their own threads: several per thread so that uneven
/// parts even out, large enough that per-part tables stay few.
fn part_bytes(data: &[u8]) -> usize {
    (data.len() / (rayon::current_num_threads() * 8)).clamp(1 << 16, 8 << 20)
}
/// Read and parse one file (any format [`SuppressionList::load_path`] takes) into `p`, which
/// names the stream.
fn parse_file(
    mut p: Prepared,
    path: &Path,
    opts: &ImportOptions,
    checker: &Checker,
    policy: &Policy,
    now: i64,
) -> Result<Prepared, LoadError> {
    use std::io::Read;
    let file = path.display().to_string();
    let mut data = std::mem::take(&mut p.data);
    std::fs::File::open(path)
        .and_then(|mut f| {
            let size = f.metadata().map_or(0, |m| m.len());
            data.reserve(usize::try_from(size).unwrap_or(0));
            f.read_to_end(&mut data)
        })
        .map_err(|source| LoadError::Io {
            path: file.clone(),
            source,
        })?;
    let stream = std::mem::take(&mut p.stream);
    if opts.system.is_none() && opts.generic.is_none() {
        let first = data.split(|&b| b == b'\n').next().unwrap_or(&[]);
        let first = String::from_utf8_lossy(first);
        let header = first.trim_start_matches('\u{feff}').trim();
        let parsed = if header == super::output::MASTER_HEADER {
            Some(super::output::parse_master(&file, &data, &stream, policy)?)
        } else if super::hash::is_hashed_header(header) {
            Some(super::hash::parse_hashed(&file, &data, &stream, policy)?)
        } else if super::sunset::is_engagement_header(header) {
            Some(super::sunset::parse_engagement(
                &file, &data, &stream, checker, policy, now,
            )?)
        } else {
            None
        };
        if let Some(parsed) = parsed {
            let mut p = Prepared::from_parsed(Some(p), parsed, checker);
            p.data = data;
            return Ok(p);
        }
    }
    let opts = opts.clone().checker(checker.clone());
    let mut p = Prepared::reuse(Some(p), &file, &stream);
    p.reserve_for(&data);
    let counts = import_each(&file, &data, &opts, &mut |r| p.push(&r, checker))?;
    p.format = counts.system.code().into();
    p.rejects = counts.rejects;
    p.rows_read = counts.rows_read;
    p.rows_used = counts.rows_used;
    p.data = data;
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::Keys;

    #[test]
    fn keys_sort_by_text_whatever_their_first_bytes() {
        let texts = [
            "b",
            "a",
            "",
            "a\0",
            "a\0b",
            "abcdefghijklmnop",
            "abcdefghijklmnopq",
            "abcdefghijklmnoq",
            "abcdefghijklmnop\0",
            "user1234@x.example",
            "user1234@a.example",
            "é@example.com",
            "e@example.com",
            "zzzzzzzzzzzzzzzzzzzz",
            "zzzzzzzz",
        ];
        let mut keys = Keys::default();
        for t in texts {
            keys.intern(t);
        }
        let got: Vec<&str> = keys
            .sorted_ids()
            .into_iter()
            .map(|id| keys.get(id))
            .collect();
        let mut want = texts.to_vec();
        want.sort();
        assert_eq!(got, want);
    }
}
