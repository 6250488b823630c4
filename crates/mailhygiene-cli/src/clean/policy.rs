//! Categories a row can fall into, and which of them reject the row.
use std::fmt;
use std::str::FromStr;

use serde::Serialize;

/// What can be wrong with (or worth knowing about) a row, most serious first. The first
/// rejecting category of a row is its `mh_reason`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Not an address (or the email cell is empty or missing).
    Invalid,
    /// On a suppression list: the person opted out, complained, or the address bounced.
    Suppressed,
    /// The same canonical key as an earlier row.
    Duplicate,
    /// A disposable (throw-away) domain.
    Disposable,
    /// The domain looks mistyped; a suggestion exists.
    Typo,
    /// A role account (`info@`, `sales@`).
    Role,
    /// A privacy relay or forwarder.
    Relay,
    /// A free consumer provider.
    Free,
}

impl Category {
    /// Every category, in precedence order.
    pub const ALL: [Category; 8] = [
        Category::Invalid,
        Category::Suppressed,
        Category::Duplicate,
        Category::Disposable,
        Category::Typo,
        Category::Role,
        Category::Relay,
        Category::Free,
    ];

    /// The stable code used in `mh_flags`, `mh_reason`, `--drop` / `--keep` and reports.
    pub fn code(self) -> &'static str {
        match self {
            Category::Invalid => "invalid",
            Category::Suppressed => "suppressed",
            Category::Duplicate => "duplicate",
            Category::Disposable => "disposable",
            Category::Typo => "typo",
            Category::Role => "role",
            Category::Relay => "relay",
            Category::Free => "free",
        }
    }

    fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Category {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim().to_ascii_lowercase();
        Category::ALL
            .into_iter()
            .find(|c| c.code() == s)
            .ok_or_else(|| {
                format!(
                    "unknown category '{s}' (expected one of {})",
                    Category::ALL.map(Category::code).join(", ")
                )
            })
    }
}

/// A set of categories.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Categories(u16);

impl Categories {
    /// Add one.
    pub fn insert(&mut self, c: Category) {
        self.0 |= c.bit();
    }
    /// Remove one.
    pub fn remove(&mut self, c: Category) {
        self.0 &= !c.bit();
    }
    /// Whether `c` is in the set.
    pub fn contains(self, c: Category) -> bool {
        self.0 & c.bit() != 0
    }
    /// The members, in precedence order.
    pub fn iter(self) -> impl Iterator<Item = Category> {
        Category::ALL.into_iter().filter(move |c| self.contains(*c))
    }
    /// The first member that is also in `other`.
    pub fn first_in(self, other: Categories) -> Option<Category> {
        Categories(self.0 & other.0).iter().next()
    }
}

/// Which categories reject a row.
///
/// The default rejects `invalid`, `suppressed`, `duplicate` and `disposable`:
/// - invalid addresses cannot be delivered, and a send to them is a hard bounce;
/// - suppressed addresses must not be mailed: the person opted out or complained, or the
///   address already bounced (mailing them again is both a legal and a reputation risk);
/// - a duplicate would get the same message twice (the first row is kept);
/// - disposable mailboxes stop existing within hours or days, so they bounce later and never
///   engage.
///
/// and keeps (flagged) `typo`, `role`, `relay` and `free`:
/// - a typo is a guess: the suggestion is shown, and applied only with `--fix-typos`;
/// - role accounts (`info@`, `sales@`) are often real, wanted contacts in B2B lists, so they
///   are flagged for the sender to decide (`--drop role`);
/// - relays (Apple Hide My Email) and free providers are ordinary deliverable mailboxes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    reject: Categories,
}

impl Default for Policy {
    fn default() -> Self {
        let mut reject = Categories::default();
        for c in [
            Category::Invalid,
            Category::Suppressed,
            Category::Duplicate,
            Category::Disposable,
        ] {
            reject.insert(c);
        }
        Policy { reject }
    }
}

impl Policy {
    /// The default policy changed by `--drop` (reject these too) then `--keep` (keep these).
    pub fn new(drop: &[Category], keep: &[Category]) -> Result<Self, String> {
        if let Some(c) = drop.iter().find(|c| keep.contains(c)) {
            return Err(format!("'{c}' is both in --drop and in --keep"));
        }
        let mut p = Policy::default();
        for &c in drop {
            p.reject.insert(c);
        }
        for &c in keep {
            p.reject.remove(c);
        }
        Ok(p)
    }

    /// Whether rows of category `c` are rejected.
    pub fn rejects(&self, c: Category) -> bool {
        self.reject.contains(c)
    }

    /// The category that rejects a row with these categories, if any.
    pub fn verdict(&self, cats: Categories) -> Option<Category> {
        cats.first_in(self.reject)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults() {
        let p = Policy::default();
        let rejected: Vec<_> = Category::ALL
            .into_iter()
            .filter(|c| p.rejects(*c))
            .collect();
        assert_eq!(
            rejected,
            [
                Category::Invalid,
                Category::Suppressed,
                Category::Duplicate,
                Category::Disposable
            ]
        );
    }

    #[test]
    fn drop_and_keep() {
        let p = Policy::new(&[Category::Role], &[Category::Disposable]).unwrap();
        assert!(p.rejects(Category::Role));
        assert!(!p.rejects(Category::Disposable));
        assert!(Policy::new(&[Category::Role], &[Category::Role]).is_err());
    }

    #[test]
    fn verdict_takes_the_most_serious() {
        let mut c = Categories::default();
        c.insert(Category::Role);
        c.insert(Category::Duplicate);
        c.insert(Category::Free);
        assert_eq!(Policy::default().verdict(c), Some(Category::Duplicate));
        c.remove(Category::Duplicate);
        assert_eq!(Policy::default().verdict(c), None);
    }
}
