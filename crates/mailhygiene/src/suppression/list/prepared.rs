//! A file's records prepared for the list on the thread that parsed it: canonical keys computed
//! and hashed, sources and scopes interned per file, nothing else kept. Adding a prepared file
//! (on one thread, in [`SuppressionList::load_many`]) is then a key lookup per record, and a
//! file in flight takes tens of bytes per record instead of a full [`SuppressionRecord`].
use std::collections::BTreeMap;

use super::{
    entry_of, fx_hash, intern_strings, keep_smallest_address, key_of, Detail, FileSummary,
    Interner, Origin, Parsed, SuppressionList,
};
use crate::suppression::hash::KeyHash;
use crate::suppression::merge::Entry;
use crate::suppression::record::{Reason, Reject, Scope, SuppressionRecord};
use crate::Checker;

/// One file's records in compact form, with what the file summary needs.
pub(crate) struct Prepared {
    pub file: String,
    pub stream: String,
    pub format: String,
    pub rejects: Vec<Reject>,
    pub rows_read: u64,
    pub rows_used: u64,
    /// Each record's key, one after another in `keys`.
    keys: String,
    key_ends: Vec<u32>,
    key_hashes: Vec<u64>,
    /// (record, spelling) where the address differs from its key.
    addresses: Vec<(u32, Box<str>)>,
    /// The records, with `key` the record's own index and scope, origin and detail ids local
    /// to this file.
    entries: Vec<Entry>,
    hashed: bool,
    scopes: Interner<Scope>,
    origins: Interner<Origin>,
    details: Interner<Detail>,
    by_reason: [u64; Reason::ALL.len()],
    /// The file's bytes while it is parsed; kept with the other buffers for the next file.
    pub data: Vec<u8>,
}

impl Prepared {
    pub fn new(file: &str, stream: &str) -> Self {
        Prepared {
            file: file.into(),
            stream: stream.into(),
            format: String::new(),
            rejects: Vec::new(),
            rows_read: 0,
            rows_used: 0,
            keys: String::new(),
            key_ends: Vec::new(),
            key_hashes: Vec::new(),
            addresses: Vec::new(),
            entries: Vec::new(),
            hashed: false,
            scopes: Interner::default(),
            origins: Interner::default(),
            details: Interner::default(),
            by_reason: [0; Reason::ALL.len()],
            data: Vec::new(),
        }
    }

    /// A prepared file for `file`, in the buffers of a spent one when there is one: fresh
    /// memory is expensive to touch, and every file needs about the same amount.
    pub fn reuse(spent: Option<Prepared>, file: &str, stream: &str) -> Self {
        let Some(mut p) = spent else {
            return Prepared::new(file, stream);
        };
        p.file.clear();
        p.file.push_str(file);
        p.stream.clear();
        p.stream.push_str(stream);
        p.format.clear();
        p.rejects.clear();
        (p.rows_read, p.rows_used) = (0, 0);
        p.keys.clear();
        p.key_ends.clear();
        p.key_hashes.clear();
        p.addresses.clear();
        p.entries.clear();
        p.hashed = false;
        p.scopes = Interner::default();
        p.origins = Interner::default();
        p.details = Interner::default();
        p.by_reason = [0; Reason::ALL.len()];
        p.data.clear();
        p
    }

    /// Room for the records of a file of these bytes (about one per line), reserved at once:
    /// growing by doubling copies and touches fresh memory several times per file.
    pub fn reserve_for(&mut self, data: &[u8]) {
        let rows = data.iter().filter(|&&b| b == b'\n').count() + 1;
        self.keys.reserve(data.len());
        self.key_ends.reserve(rows);
        self.key_hashes.reserve(rows);
        self.entries.reserve(rows);
    }

    /// The records of a parsed master, hashed or engagement file.
    pub fn from_parsed(spent: Option<Prepared>, p: Parsed, checker: &Checker) -> Self {
        let mut out = Prepared::reuse(spent, &p.file, &p.stream);
        out.format = p.format;
        out.rejects = p.rejects;
        out.rows_read = p.rows_read;
        out.rows_used = p.rows_used;
        for r in &p.records {
            out.push(r, checker);
        }
        out
    }

    /// Add one record (as [`SuppressionList::add`] would).
    pub fn push(&mut self, r: &SuppressionRecord, checker: &Checker) {
        let canonical = key_of(checker, r);
        let index = self.entries.len() as u32;
        self.keys.push_str(&canonical);
        self.key_ends
            .push(u32::try_from(self.keys.len()).expect("a file's keys exceed 4 GiB"));
        self.key_hashes.push(fx_hash(&*canonical));
        self.hashed |= canonical.starts_with(KeyHash::SHA256_PREFIX)
            || canonical.starts_with(KeyHash::HMAC_PREFIX);
        if !r.address.is_empty() && r.address != *canonical {
            self.addresses.push((index, r.address.as_str().into()));
        }
        let ids = intern_strings(&mut self.scopes, &mut self.origins, &mut self.details, r);
        self.by_reason[r.reason as usize] += 1;
        self.entries.push(entry_of(r, index, ids));
    }
}

impl SuppressionList {
    /// Add a prepared file's records; its rejects go to `rejects`. The buffers are left for
    /// [`Prepared::reuse`].
    pub(crate) fn add_prepared(
        &mut self,
        p: &mut Prepared,
        rejects: &mut Vec<Reject>,
    ) -> FileSummary {
        let (scopes, origins, details) = self.intern_tables(&p.scopes, &p.origins, &p.details);
        self.hashed |= p.hashed;
        self.invalidate();
        let entries = self.entries.get_mut().unwrap_or_else(|e| e.into_inner());
        // Grow by a quarter rather than doubling: the record store is the largest allocation,
        // and doubling it near the end would briefly hold three times what is needed.
        let need = entries.len() + p.entries.len();
        if need > entries.capacity() {
            let extra = (need - entries.len()).max(entries.len() / 4);
            entries.reserve_exact(extra);
        }
        let mut addresses = p.addresses.drain(..).peekable();
        let mut start = 0;
        for (i, e) in p.entries.iter().enumerate() {
            let end = p.key_ends[i] as usize;
            let key = self
                .keys
                .intern_hashed(&p.keys[start..end], p.key_hashes[i]);
            start = end;
            while let Some((_, address)) = addresses.next_if(|(j, _)| *j as usize == i) {
                keep_smallest_address(&mut self.addresses, key, address);
            }
            entries.push(Entry {
                key,
                scope: scopes[e.scope as usize],
                origin: origins[e.origin as usize],
                detail: details[e.detail as usize],
                ..*e
            });
        }
        let records: BTreeMap<String, u64> = Reason::ALL
            .iter()
            .zip(p.by_reason)
            .filter(|(_, n)| *n > 0)
            .map(|(r, n)| (r.code().to_string(), n))
            .collect();
        let rows_rejected = p.rejects.len() as u64;
        rejects.append(&mut p.rejects);
        FileSummary {
            file: p.file.clone(),
            stream: p.stream.clone(),
            format: p.format.clone(),
            rows_read: p.rows_read,
            rows_used: p.rows_used,
            rows_rejected,
            records,
        }
    }
}
