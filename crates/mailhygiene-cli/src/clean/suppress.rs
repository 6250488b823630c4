//! Suppression lookups for `clean`, behind one small trait.
//!
//! [`SuppressionSource`] is what `clean` needs from a suppression list: given a row's
//! canonical key (and its address, for hashed lists), is it suppressed, why, and according
//! to whom. [`SimpleList`] implements it for the files `clean --suppressions` accepts:
//! raw ESP exports (through the core's importers), the master list, address lists and
//! SHA-256 hashed lists.
//!
//! Until the merge engine (`SuppressionList`) is wired in, raw exports are combined by a
//! deliberately cautious rule: every *restriction* record suppresses its key (observations
//! such as soft bounces, deliveries and opt-ins are ignored), and a key with several records
//! shows its most restrictive reason and every source. That never un-suppresses anyone; it
//! can keep someone suppressed whose later double opt-in only the merge rules would honour.
use std::borrow::Cow;
use std::path::Path;
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use mailhygiene::suppression::{import, Reason};
use mailhygiene::Checker;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use sha2::{Digest, Sha256};

use super::{input, scan};

/// Why a row is suppressed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppressed {
    /// The deciding reason code (`hard_bounce`, `unsubscribe`, `complaint`, …).
    pub reason: String,
    /// The sources that hold it (`sendgrid`, `mailchimp`, a file name, `hashed:list.txt`).
    pub sources: Vec<String>,
}

/// A suppression list as `clean` sees it.
pub trait SuppressionSource: Sync {
    /// The status of a row with this canonical key and deliverable address.
    fn status(&self, canonical: &str, address: &str) -> Option<Arc<Suppressed>>;
}

/// Suppression entries loaded from files: addresses (or canonical keys) with a reason and
/// source, and SHA-256 hashes.
#[derive(Debug, Default)]
pub struct SimpleList {
    by_key: FxHashMap<String, u32>,
    entries: Vec<Arc<Suppressed>>,
    interned: FxHashMap<String, u32>,
    hashes: FxHashMap<[u8; 32], u32>,
    /// Per loaded file: (path, records that suppress).
    pub loaded: Vec<(String, usize)>,
}

impl SuppressionSource for SimpleList {
    fn status(&self, canonical: &str, address: &str) -> Option<Arc<Suppressed>> {
        if let Some(&i) = self.by_key.get(canonical) {
            return Some(self.entries[i as usize].clone());
        }
        if self.hashes.is_empty() {
            return None;
        }
        // Hashed lists are made from trimmed, lowercased addresses (the common convention)
        // or from canonical keys (ours); try both.
        let lower = address.to_lowercase();
        for text in [canonical, lower.as_str()] {
            let h: [u8; 32] = Sha256::digest(text.as_bytes()).into();
            if let Some(&i) = self.hashes.get(&h) {
                return Some(self.entries[i as usize].clone());
            }
        }
        None
    }
}

impl SimpleList {
    /// Load one file.
    ///
    /// - A CSV with a `canonical` column (the master list) uses those keys as they are.
    /// - A CSV with an email column (by header, as for contacts) is canonicalized row by
    ///   row: raw exports and plain address lists.
    /// - A file whose values are 64 hex digits (one a line, with or without a header) is a
    ///   hashed list (SHA-256).
    ///
    /// `reason` and `source` / `source_system` / `sources` columns are used when present;
    /// otherwise the reason is `listed` and the source the file name.
    ///
    /// Returns `Ok(false)` for a file that is none of these (no address, canonical or hash
    /// column, and no known export format): a caller walking a folder may skip it.
    pub fn load(&mut self, path: &Path, checker: &Checker) -> Result<bool> {
        let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        let name = path.display().to_string();
        if let Some(system) = import::detect(&name, &bytes) {
            let opts = import::ImportOptions::new("")
                .checker(checker.clone())
                .system(system);
            let imported = import::import_bytes(&name, &bytes, &opts)
                .with_context(|| format!("importing {name} as a {} export", system.code()))?;
            let mut used = 0;
            for r in imported
                .records
                .iter()
                .filter(|r| r.reason.is_restriction())
            {
                let i = self.intern(r.reason.code(), r.source_system.as_str());
                self.add(r.canonical.clone(), i);
                used += 1;
            }
            self.loaded
                .push((format!("{name} ({})", system.code()), used));
            return Ok(true);
        }
        let decoded = input::decode(bytes, None).with_context(|| format!("{}", path.display()))?;
        let data = decoded.text;
        let delimiter = scan::sniff_delimiter(&data);
        let table = scan::scan(&data, delimiter, usize::MAX)
            .with_context(|| format!("{}", path.display()))?;
        let file_name = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into(),
        );
        let Some(header) = table.records.first() else {
            self.loaded.push((path.display().to_string(), 0));
            return Ok(true);
        };
        let cell = |r: &scan::Record, i: usize| -> Option<Cow<'_, str>> {
            let raw = table.raw_field(&data, r, i)?;
            Some(match scan::unescape(raw) {
                Cow::Borrowed(b) => Cow::Borrowed(std::str::from_utf8(b).ok()?),
                Cow::Owned(v) => Cow::Owned(String::from_utf8(v).ok()?),
            })
        };
        let headers: Vec<Cow<'_, str>> = (0..header.fields as usize)
            .map(|i| cell(header, i).unwrap_or_default())
            .collect();
        let is_hash = |s: &str| s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit());
        let find = |names: &[&str]| {
            headers
                .iter()
                .position(|h| names.iter().any(|n| h.trim().eq_ignore_ascii_case(n)))
        };
        let reason_col = find(&["reason"]);
        let source_col = find(&["sources", "source", "source_system", "system"]);
        let headerless_hashes = headers.len() == 1 && is_hash(headers[0].trim());
        let hash_col = if headerless_hashes {
            Some(0)
        } else {
            find(&["sha256", "hash", "email_sha256", "address_sha256"])
        };
        let body = if headerless_hashes {
            &table.records[..]
        } else {
            &table.records[1..]
        };
        let entry = |list: &mut SimpleList, r: &scan::Record| -> u32 {
            let reason = reason_col.and_then(|i| cell(r, i)).unwrap_or_default();
            let source = source_col.and_then(|i| cell(r, i));
            list.intern(&reason, source.as_deref().unwrap_or(&file_name))
        };
        let mut used = 0;
        if let Some(col) = hash_col {
            for (line, r) in body.iter().enumerate() {
                let v = cell(r, col).unwrap_or_default();
                let v = v.trim();
                let mut h = [0u8; 32];
                if hex::decode_to_slice(v, &mut h).is_err() {
                    bail!(
                        "{}: line {}: '{v}' is not a SHA-256 hex digest",
                        path.display(),
                        r.line.max(line as u64)
                    );
                }
                let i = entry(self, r);
                used += 1;
                match self.hashes.get(&h) {
                    Some(&j) => {
                        let k = self.combine(j, i);
                        self.hashes.insert(h, k);
                    }
                    None => {
                        self.hashes.insert(h, i);
                    }
                }
            }
        } else if let Some(col) = find(&["canonical"]) {
            self.by_key.reserve(body.len());
            for r in body {
                if let Some(key) = cell(r, col).filter(|k| !k.trim().is_empty()) {
                    let i = entry(self, r);
                    self.add(key.trim().to_owned(), i);
                    used += 1;
                }
            }
        } else {
            let col = match input::find_column(&headers, None) {
                Ok(col) => col,
                Err(e) => match find(&["address"]) {
                    Some(col) => col,
                    None if headers.iter().any(|h| input::is_email_header(h)) => {
                        return Err(e.context(path.display().to_string()))
                    }
                    None => return Ok(false),
                },
            };
            let keys: Vec<Option<String>> = body
                .par_iter()
                .map(|r| cell(r, col).and_then(|v| checker.canonical(&v).ok()))
                .collect();
            self.by_key.reserve(body.len());
            for (r, key) in body.iter().zip(keys) {
                if let Some(key) = key {
                    let i = entry(self, r);
                    self.add(key, i);
                    used += 1;
                }
            }
        }
        self.loaded.push((path.display().to_string(), used));
        Ok(true)
    }

    /// The entry for a (reason, sources) pair: rows share a few pairs, stored once.
    /// `sources` may hold several names separated by `;`, `|` or `,`.
    fn intern(&mut self, reason: &str, sources: &str) -> u32 {
        let mut key = String::with_capacity(reason.len() + sources.len() + 1);
        key.push_str(reason);
        key.push('\0');
        key.push_str(sources);
        if let Some(&i) = self.interned.get(&key) {
            return i;
        }
        let reason = Some(reason.trim().to_owned())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "listed".to_owned());
        let mut list: Vec<String> = sources
            .split([';', '|', ','])
            .map(|p| p.trim().to_owned())
            .filter(|p| !p.is_empty())
            .collect();
        list.sort();
        list.dedup();
        self.entries.push(Arc::new(Suppressed {
            reason,
            sources: list,
        }));
        let i = self.entries.len() as u32 - 1;
        self.interned.insert(key, i);
        i
    }

    /// Record that `key` is suppressed as entry `i` (combined with what it already has).
    fn add(&mut self, key: String, i: u32) {
        match self.by_key.get(&key) {
            None => {
                self.by_key.insert(key, i);
            }
            Some(&j) if j == i => {}
            Some(&j) => {
                let k = self.combine(j, i);
                self.by_key.insert(key, k);
            }
        }
    }

    /// One entry for two: the more restrictive reason, every source.
    fn combine(&mut self, a: u32, b: u32) -> u32 {
        let (x, y) = (
            self.entries[a as usize].clone(),
            self.entries[b as usize].clone(),
        );
        // Known reasons rank by restrictiveness; a list's own words rank after them.
        let rank = |r: &str| {
            r.parse::<Reason>()
                .ok()
                .and_then(|r| Reason::ALL.iter().position(|x| *x == r))
                .unwrap_or(Reason::ALL.len())
        };
        let reason = if rank(&y.reason) < rank(&x.reason) {
            &y.reason
        } else {
            &x.reason
        };
        let mut sources: Vec<&str> = x
            .sources
            .iter()
            .chain(&y.sources)
            .map(String::as_str)
            .collect();
        sources.sort();
        sources.dedup();
        self.intern(reason, &sources.join(";"))
    }
}
