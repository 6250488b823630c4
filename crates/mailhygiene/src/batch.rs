//! Batch checking on all cores: one result per input row, in input order, never stopping at a
//! bad row. The bindings' batch calls and the CLI use these entry points.
//!
//! Every worker thread keeps a domain cache across calls: validation, list flags and typo
//! suggestions depend on the domain alone, and a real list has many addresses per domain.
use rayon::prelude::*;

use crate::canonical::CanonicalRule;
use crate::check::{Check, Checker, DomainCache, Invalid, Judged};
use crate::extract::Warning;

/// Rows per parallel work unit: large enough to amortize the per-chunk cache and column
/// buffers, small enough to balance two cores on uneven input.
const CHUNK: usize = 8192;

impl Checker {
    /// Check many inputs on all cores; the output is in input order.
    ///
    /// ```
    /// let checks = mailhygiene::Checker::default().check_many(&["a@example.com", "nope"]);
    /// assert_eq!(checks.iter().map(|c| c.valid).collect::<Vec<_>>(), [true, false]);
    /// ```
    pub fn check_many<S: AsRef<str> + Sync>(&self, inputs: &[S]) -> Vec<Check> {
        self.batch(inputs, |s| Some(s.as_ref()), false)
    }

    /// [`check_exact`](Self::check_exact) on many inputs, on all cores; in input order.
    pub fn check_many_exact<S: AsRef<str> + Sync>(&self, inputs: &[S]) -> Vec<Check> {
        self.batch(inputs, |s| Some(s.as_ref()), true)
    }

    /// [`check_many`](Self::check_many) for a column with missing cells (SQL `NULL`, a pandas
    /// `NaN`, an Arrow null): a missing cell gets the result of an empty input (`empty`), so
    /// the output keeps one row per input row.
    ///
    /// ```
    /// let checks = mailhygiene::Checker::default().check_many_optional(&[Some("a@example.com"), None]);
    /// assert!(checks[0].valid);
    /// assert_eq!(checks[1].error, Some("empty"));
    /// ```
    pub fn check_many_optional<S: AsRef<str> + Sync>(&self, inputs: &[Option<S>]) -> Vec<Check> {
        self.batch(inputs, |s| s.as_ref().map(AsRef::as_ref), false)
    }

    fn batch<T: Sync>(
        &self,
        inputs: &[T],
        text: impl Fn(&T) -> Option<&str> + Sync,
        exact: bool,
    ) -> Vec<Check> {
        // Each worker uses its thread's domain cache, which outlives this call: rayon's work
        // units are small, and a cache per unit would redo each domain's typo search per unit.
        inputs
            .par_iter()
            .with_min_len(CHUNK / 8)
            .map(|item| self.check_one(text(item).unwrap_or(""), exact, None))
            .collect()
    }

    /// Check many inputs on all cores into columns: one vector per result field, the form a
    /// data frame or a bulk import wants. Cheaper than [`check_many`](Self::check_many) for
    /// big batches: no per-row result object, strings packed into one buffer per column.
    /// `None` cells are checked as empty inputs; `exact` skips extraction.
    ///
    /// ```
    /// let cols = mailhygiene::Checker::default().check_columns(&[Some("J.Doe@gmail.com"), None], false);
    /// assert_eq!(cols.valid, [true, false]);
    /// assert_eq!(cols.canonical.get(0), Some("jdoe@gmail.com"));
    /// assert_eq!(cols.error[1], Some("empty"));
    /// ```
    pub fn check_columns<S: AsRef<str> + Sync>(
        &self,
        inputs: &[Option<S>],
        exact: bool,
    ) -> CheckColumns {
        let mut chunks: Vec<CheckColumns> = inputs
            .par_chunks(CHUNK)
            .map(|chunk| {
                let mut cols = CheckColumns::with_capacity(chunk.len());
                self.with_cache(None, |cache| {
                    for item in chunk {
                        let input = item.as_ref().map_or("", AsRef::as_ref);
                        // Straight into the column buffers: no per-row result strings.
                        self.judge(input, exact, cache, |j| cols.push(j));
                    }
                });
                cols
            })
            .collect();
        if chunks.len() == 1 {
            // One chunk (a binding's pipelined slice): it is the answer, no copy.
            return chunks.pop().unwrap_or_default();
        }
        let mut all = CheckColumns::with_capacity(inputs.len());
        for chunk in chunks {
            all.append(chunk);
        }
        all
    }
}

/// A checker that remembers the verdicts of the domains it has seen, for checking a stream of
/// inputs on one thread (a CSV being read row by row). Gives exactly the results of
/// [`Checker::check`]; list flags and typo suggestions are computed once per domain.
///
/// ```
/// let checker = mailhygiene::Checker::default();
/// let mut cached = checker.cached();
/// for cell in ["a@yaho.com", "b@yaho.com"] {
///     assert_eq!(cached.check(cell), checker.check(cell));
/// }
/// ```
pub struct CachingChecker<'a> {
    checker: &'a Checker,
    cache: DomainCache,
}

impl CachingChecker<'_> {
    /// [`Checker::check`], with the domain verdict cached.
    pub fn check(&mut self, input: &str) -> Check {
        self.checker.check_one(input, false, Some(&mut self.cache))
    }

    /// [`Checker::check_exact`], with the domain verdict cached.
    pub fn check_exact(&mut self, input: &str) -> Check {
        self.checker.check_one(input, true, Some(&mut self.cache))
    }
}

impl Checker {
    /// A [`CachingChecker`] over this checker, for one thread's stream of inputs.
    pub fn cached(&self) -> CachingChecker<'_> {
        CachingChecker {
            checker: self,
            cache: DomainCache::default(),
        }
    }
}

/// Optional strings packed into one buffer: row `i` is `bytes[ends[i-1]..ends[i]]` when present.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StrColumn {
    bytes: String,
    ends: Vec<usize>,
    present: Vec<bool>,
}

impl StrColumn {
    fn with_capacity(rows: usize, bytes: usize) -> Self {
        StrColumn {
            bytes: String::with_capacity(bytes),
            ends: Vec::with_capacity(rows),
            present: Vec::with_capacity(rows),
        }
    }

    fn push(&mut self, value: Option<&str>) {
        match value {
            Some(v) => self.push_concat(&[v]),
            None => self.push_none(),
        }
    }

    /// A present row made of `parts`, written straight into the buffer.
    fn push_concat(&mut self, parts: &[&str]) {
        parts.iter().for_each(|p| self.bytes.push_str(p));
        self.ends.push(self.bytes.len());
        self.present.push(true);
    }

    fn push_none(&mut self) {
        self.ends.push(self.bytes.len());
        self.present.push(false);
    }

    fn append(&mut self, other: StrColumn) {
        let base = self.bytes.len();
        self.bytes.push_str(&other.bytes);
        self.ends.extend(other.ends.into_iter().map(|e| e + base));
        self.present.extend(other.present);
    }

    /// The number of rows.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Row `i`, or `None` when the row has no value (or is out of range).
    // Inline across crates: bindings call this once per row and cell.
    #[inline]
    pub fn get(&self, i: usize) -> Option<&str> {
        if !*self.present.get(i)? {
            return None;
        }
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        Some(&self.bytes[start..self.ends[i]])
    }

    /// All rows in order.
    #[inline]
    pub fn iter(&self) -> impl ExactSizeIterator<Item = Option<&str>> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }
}

/// The fields of [`Check`] as columns, one entry per input row (see
/// [`Checker::check_columns`]). The input column is not repeated: the caller has it.
#[derive(Debug, Clone, Default, PartialEq)]
#[allow(missing_docs)] // each column is the Check field of the same name
pub struct CheckColumns {
    pub valid: Vec<bool>,
    pub error: Vec<Option<&'static str>>,
    pub message: StrColumn,
    pub address: StrColumn,
    pub address_ascii: StrColumn,
    pub canonical: StrColumn,
    pub suggestion: StrColumn,
    pub role: Vec<bool>,
    pub disposable: Vec<bool>,
    pub relay: Vec<bool>,
    pub free: Vec<bool>,
    pub warnings: Vec<Vec<Warning>>,
    pub rules: Vec<Vec<CanonicalRule>>,
}

impl CheckColumns {
    fn with_capacity(rows: usize) -> Self {
        // About 32 bytes per address-like string: one allocation per column per chunk.
        let strings = || StrColumn::with_capacity(rows, rows * 32);
        CheckColumns {
            valid: Vec::with_capacity(rows),
            error: Vec::with_capacity(rows),
            message: StrColumn::with_capacity(rows, 0),
            address: strings(),
            address_ascii: strings(),
            canonical: strings(),
            suggestion: StrColumn::with_capacity(rows, 0),
            role: Vec::with_capacity(rows),
            disposable: Vec::with_capacity(rows),
            relay: Vec::with_capacity(rows),
            free: Vec::with_capacity(rows),
            warnings: Vec::with_capacity(rows),
            rules: Vec::with_capacity(rows),
        }
    }

    /// The number of rows.
    pub fn len(&self) -> usize {
        self.valid.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.valid.is_empty()
    }

    fn push(&mut self, judged: Judged<'_>) {
        match judged.outcome {
            Ok(v) => {
                self.valid.push(true);
                self.error.push(None);
                self.message.push_none();
                match v.written {
                    Some(text) => self.address.push_concat(&[text]),
                    None => self.address.push_concat(&[v.local, "@", &v.domain.unicode]),
                }
                self.address_ascii
                    .push_concat(&[v.local, "@", v.domain.ascii()]);
                self.canonical.push_concat(&[v.canonical.as_str()]);
                match v.suggestion {
                    Some(domain) => self.suggestion.push_concat(&[v.local, "@", domain]),
                    None => self.suggestion.push_none(),
                }
                self.role.push(v.role);
                self.disposable.push(v.flags.disposable);
                self.relay.push(v.flags.relay);
                self.free.push(v.flags.free);
                self.rules.push(v.rules);
            }
            Err(Invalid { error, suggestion }) => {
                self.valid.push(false);
                self.error.push(Some(error.code()));
                self.message.push(Some(&error.to_string()));
                self.address.push_none();
                self.address_ascii.push_none();
                self.canonical.push_none();
                self.suggestion.push(suggestion.as_deref());
                self.role.push(false);
                self.disposable.push(false);
                self.relay.push(false);
                self.free.push(false);
                self.rules.push(Vec::new());
            }
        }
        self.warnings.push(judged.warnings);
    }

    fn append(&mut self, other: CheckColumns) {
        self.valid.extend(other.valid);
        self.error.extend(other.error);
        self.message.append(other.message);
        self.address.append(other.address);
        self.address_ascii.append(other.address_ascii);
        self.canonical.append(other.canonical);
        self.suggestion.append(other.suggestion);
        self.role.extend(other.role);
        self.disposable.extend(other.disposable);
        self.relay.extend(other.relay);
        self.free.extend(other.free);
        self.warnings.extend(other.warnings);
        self.rules.extend(other.rules);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_match_row_results() {
        // One chunk is returned as is; several are appended.
        for rows in [CHUNK / 2, 20_000] {
            assert_columns_match_rows(rows);
        }
    }

    fn assert_columns_match_rows(rows: usize) {
        let inputs: Vec<Option<String>> = (0..rows)
            .map(|i| match i % 5 {
                0 => None,
                1 => Some(format!("User.{i}+x@GoogleMail.com")),
                2 => Some(format!("bad..{i}@example.com")),
                3 => Some(format!("u{i}@yaho.com")),
                _ => Some(format!(" <info{i}@bücher.example> ")),
            })
            .collect();
        let checker = Checker::default();
        let cols = checker.check_columns(&inputs, false);
        let rows = checker.check_many_optional(&inputs);
        assert_eq!(cols.len(), rows.len());
        for (i, r) in rows.iter().enumerate() {
            assert_eq!(cols.valid[i], r.valid);
            assert_eq!(cols.error[i], r.error);
            assert_eq!(cols.message.get(i), r.message.as_deref());
            assert_eq!(cols.address.get(i), r.address.as_deref());
            assert_eq!(cols.address_ascii.get(i), r.address_ascii.as_deref());
            assert_eq!(cols.canonical.get(i), r.canonical.as_deref());
            assert_eq!(cols.suggestion.get(i), r.suggestion.as_deref());
            assert_eq!(
                (
                    cols.role[i],
                    cols.disposable[i],
                    cols.relay[i],
                    cols.free[i]
                ),
                (r.role, r.disposable, r.relay, r.free)
            );
            assert_eq!(cols.warnings[i], r.warnings);
            assert_eq!(cols.rules[i], r.rules);
        }
    }

    #[test]
    fn batch_equals_one_by_one() {
        let inputs = [
            "a@example.com",
            "gmial.com",
            "x@gmial.com",
            "",
            "no-reply@duck.com",
        ];
        let checker = Checker::default();
        let one: Vec<Check> = inputs.iter().map(|s| checker.check(s)).collect();
        assert_eq!(checker.check_many(&inputs), one);
    }
}
