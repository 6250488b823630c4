//! Judging one email cell: the core's checks, with the domain-only work cached.
use mailhygiene::{extract, Checker, RoleList};
use once_cell::sync::Lazy;

/// The role list of `Checker::default()`. `classify` would give the same answer but also
/// recomputes the domain flags on every row; the core has no role-only accessor yet.
static DEFAULT_ROLES: Lazy<RoleList> = Lazy::new(RoleList::builtin);
use rustc_hash::FxHashMap;

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
    /// The domain of the deliverable address.
    pub fn domain(&self) -> Option<&str> {
        let a = self.address.as_deref()?;
        Some(&a[a.rfind('@')? + 1..])
    }
}

/// Per-domain facts that do not depend on the local part, computed once per domain.
#[derive(Debug, Clone)]
struct DomainFacts {
    disposable: bool,
    relay: bool,
    free: bool,
    /// The corrected domain when this one looks mistyped.
    fix: Option<String>,
}

/// [`Checker::check`] for many cells, with the per-domain work (list flags, typo search)
/// done once per distinct domain. A test checks it agrees with `Checker::check` field by
/// field; the core itself would be the better home for this (see the module docs of
/// `clean`).
pub struct CachedChecker<'a> {
    checker: &'a Checker,
    roles: &'a RoleList,
    domains: FxHashMap<String, DomainFacts>,
}

/// The parts of a [`mailhygiene::Check`] that `clean` uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    /// Valid or not.
    pub valid: bool,
    /// The error code.
    pub error: Option<&'static str>,
    /// The deliverable address.
    pub address: Option<String>,
    /// The canonical key.
    pub canonical: Option<String>,
    /// The suggested full address.
    pub suggestion: Option<String>,
    /// Flags.
    pub role: bool,
    /// Flags.
    pub disposable: bool,
    /// Flags.
    pub relay: bool,
    /// Flags.
    pub free: bool,
}

impl<'a> CachedChecker<'a> {
    /// A cache in front of `checker`, which must use the built-in role list (the CLI's
    /// checkers do).
    pub fn new(checker: &'a Checker) -> Self {
        CachedChecker {
            checker,
            roles: &DEFAULT_ROLES,
            domains: FxHashMap::default(),
        }
    }

    /// The same answers as `Checker::check(input)` for the fields of [`Checked`].
    pub fn check(&mut self, input: &str) -> Checked {
        let checker = self.checker;
        let extracted = extract(input);
        let address = match checker.parse(&extracted.value) {
            Ok(a) => a,
            Err(_) => {
                // Rare: take the core's own path for the error and the suggestion.
                let c = checker.check(input);
                return Checked {
                    valid: false,
                    error: c.error,
                    address: None,
                    canonical: None,
                    suggestion: c.suggestion,
                    role: false,
                    disposable: false,
                    relay: false,
                    free: false,
                };
            }
        };
        let (canonical, _) = checker.canonical_of(&address);
        let domain = address.domain_ascii();
        let facts = match self.domains.get(domain) {
            Some(f) => f,
            None => {
                let flags = checker.classify(&address).domain;
                let fix = if checker.is_known_domain(domain) || address.is_domain_literal() {
                    None
                } else {
                    checker
                        .suggest(&format!("x@{domain}"))
                        .map(|s| s.domain)
                        .filter(|d| d != domain)
                };
                self.domains
                    .entry(domain.to_owned())
                    .or_insert(DomainFacts {
                        disposable: flags.disposable,
                        relay: flags.relay,
                        free: flags.free,
                        fix,
                    })
            }
        };
        let role = self.roles.category(address.local()).is_some();
        Checked {
            valid: true,
            error: None,
            suggestion: facts
                .fix
                .as_ref()
                .map(|d| format!("{}@{}", address.local(), d)),
            address: Some(address.as_str().to_owned()),
            canonical: Some(canonical),
            role,
            disposable: facts.disposable,
            relay: facts.relay,
            free: facts.free,
        }
    }

    /// Judge one email cell: check, fix the typo when asked, look up suppression.
    pub fn verdict(
        &mut self,
        cell: Option<&str>,
        fix_typos: bool,
        suppressions: &dyn SuppressionSource,
    ) -> Verdict {
        let mut v = Verdict::default();
        let Some(cell) = cell else {
            v.categories.insert(Category::Invalid);
            v.error = Some("missing_field");
            return v;
        };
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
        for (on, cat) in [
            (c.disposable, Category::Disposable),
            (c.role, Category::Role),
            (c.relay, Category::Relay),
            (c.free, Category::Free),
        ] {
            if on {
                v.categories.insert(cat);
            }
        }
        let (canonical, address) = (c.canonical.unwrap(), c.address.unwrap());
        v.suppression = suppressions.status(&canonical, &address);
        if v.suppression.is_some() {
            v.categories.insert(Category::Suppressed);
        }
        v.key_hash = {
            use std::hash::{BuildHasher, Hasher};
            let mut h = rustc_hash::FxBuildHasher.build_hasher();
            h.write(canonical.as_bytes());
            h.finish()
        };
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
        let mut cached = CachedChecker::new(&checker);
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
                let core = checker.check(input);
                let want = Checked {
                    valid: core.valid,
                    error: core.error,
                    address: core.address,
                    canonical: core.canonical,
                    suggestion: core.suggestion,
                    role: core.role,
                    disposable: core.disposable,
                    relay: core.relay,
                    free: core.free,
                };
                assert_eq!(cached.check(input), want, "{input}");
            }
        }
    }
}
