//! Judging one email cell: the core's cached check, typo fixing and suppression lookup.
use mailhygiene::Checker;

use super::policy::{Categories, Category};
use super::suppress::{Suppressed, SuppressionSource};

/// What `clean` knows about one row's email cell.
#[derive(Debug, Clone, Default)]
pub struct Verdict {
    /// Categories that apply (duplicates are added later, in row order).
    pub categories: Categories,
    /// The error code when invalid.
    pub error: Option<&'static str>,
    /// The deliverable address (the fixed one when a typo was fixed).
    pub address: Option<String>,
    /// The canonical key.
    pub canonical: Option<String>,
    /// The suggested correction of a mistyped domain.
    pub suggestion: Option<String>,
    /// Whether `--fix-typos` applied the suggestion.
    pub fixed: bool,
    /// The suppression that applies.
    pub suppression: Option<std::sync::Arc<Suppressed>>,
    /// The domain as typed, when a typo suggestion exists.
    pub typed_domain: Option<String>,
    /// The line of the first row with the same canonical key, for duplicates.
    pub duplicate_of: Option<u64>,
    /// Whether this is the first repeat of its key (counts duplicate groups).
    pub starts_duplicate_group: bool,
    /// A hash of the canonical key (duplicate detection), computed on the judging threads.
    pub key_hash: u64,
}

impl Verdict {
    /// Look up the suppression that applies to a valid row.
    ///
    /// Apart from [`CellJudge::verdict`] so that callers can look up a whole chunk in one loop:
    /// a lookup in a million-key table is a cache miss, and with no checking in between the
    /// processor overlaps several of them.
    pub fn suppress(&mut self, suppressions: &dyn SuppressionSource) {
        let Some(canonical) = self.canonical.as_deref() else {
            return;
        };
        self.suppression = suppressions.status(canonical);
        if self.suppression.is_some() {
            self.categories.insert(Category::Suppressed);
        }
    }

    /// A row that is invalid before its cell is read: `missing_field` (fewer cells than the
    /// header reaches), `extra_fields` (more cells than the header).
    pub fn invalid(code: &'static str) -> Verdict {
        let mut v = Verdict::default();
        v.categories.insert(Category::Invalid);
        v.error = Some(code);
        v
    }

    /// The domain of the deliverable address.
    pub fn domain(&self) -> Option<&str> {
        let a = self.address.as_deref()?;
        Some(&a[a.rfind('@')? + 1..])
    }
}

/// Judges the email cells of one thread: the core's [`mailhygiene::CachingChecker`] (list
/// flags and typo search once per domain), typo fixing and suppression lookup.
pub struct CellJudge<'a> {
    inner: mailhygiene::CachingChecker<'a>,
}

impl<'a> CellJudge<'a> {
    /// A cache in front of `checker`, for one thread.
    pub fn new(checker: &'a Checker) -> Self {
        CellJudge {
            inner: checker.cached(),
        }
    }

    /// `Checker::check(input)`.
    pub fn check(&mut self, input: &str) -> mailhygiene::Check {
        self.inner.check(input)
    }

    /// Judge one email cell: check, and fix the typo when asked. Suppression is looked up
    /// afterwards, by [`Verdict::suppress`].
    pub fn verdict(&mut self, cell: Option<&str>, fix_typos: bool) -> Verdict {
        let Some(cell) = cell else {
            return Verdict::invalid("missing_field");
        };
        let mut v = Verdict::default();
        let mut c = self.check(cell);
        let suggestion = c.suggestion.clone();
        if suggestion.is_some() {
            v.categories.insert(Category::Typo);
            let typed = c
                .address
                .as_deref()
                .unwrap_or(cell)
                .trim()
                .trim_end_matches('>');
            v.typed_domain = typed.rfind('@').map(|at| typed[at + 1..].to_lowercase());
        }
        if fix_typos {
            if let Some(s) = &suggestion {
                let fixed = self.check(s);
                if fixed.valid {
                    c = fixed;
                    v.fixed = true;
                }
            }
        }
        v.suggestion = suggestion;
        if !c.valid {
            v.categories.insert(Category::Invalid);
            v.error = c.error;
            return v;
        }
        // Typo-squatters register common misspellings (`gmial.com`), and disposable lists
        // carry them; the person meant the provider, so the row is a typo to fix, not a
        // throw-away address to drop. A fixed row is judged by its corrected domain.
        let unfixed_typo = v.categories.contains(Category::Typo) && !v.fixed;
        for (on, cat) in [
            (c.disposable && !unfixed_typo, Category::Disposable),
            (c.role, Category::Role),
            (c.relay, Category::Relay),
            (c.free, Category::Free),
        ] {
            if on {
                v.categories.insert(cat);
            }
        }
        let (canonical, address) = (c.canonical.unwrap(), c.address.unwrap());
        v.key_hash = super::key_hash(canonical.as_bytes());
        v.canonical = Some(canonical);
        v.address = Some(address);
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agrees_with_the_core() {
        let checker = Checker::default();
        let mut cached = CellJudge::new(&checker);
        let inputs = [
            "Jane.Doe+x@GoogleMail.com",
            "bob@yaho.com",
            "bob2@yaho.com",
            "info@example.com",
            "x@mailinator.com",
            "john..doe@example.com",
            "\"Doe, John\" <John@Example.com>",
            "",
            "  ",
            "a@b",
            "user@[192.0.2.1]",
            "mailto:sales@acme.io?subject=x",
            "j@gmial.com",
            "J@GMIAL.COM",
            "noreply@hotmial.com",
            "müller@bücher.de",
            "x@privaterelay.appleid.com",
        ];
        for _ in 0..2 {
            for input in inputs {
                assert_eq!(cached.check(input), checker.check(input), "{input}");
            }
        }
    }
}
