//! # mailhygiene
//!
//! Email list hygiene for people who run email programs: parse and validate addresses
//! (RFC 5321/5322/6531, IDNA via UTS-46), normalize them, compute a canonical key for
//! de-duplication and suppression matching, correct typo domains (and abstain when unsure),
//! flag role accounts, disposable domains, privacy relays and free providers — and merge the
//! suppression exports of many mail systems into one list by explicit rules.
//!
//! ```
//! let c = mailhygiene::check("\"Jane\" <Jane.Doe+promo@googlemail.com>");
//! assert!(c.valid);
//! assert_eq!(c.address.as_deref(), Some("Jane.Doe+promo@googlemail.com"));
//! assert_eq!(c.canonical.as_deref(), Some("janedoe@gmail.com"));
//! assert_eq!(c.warnings[0].code(), "removed_display_name");
//!
//! let c = mailhygiene::check("bob@yaho.com");
//! assert_eq!(c.suggestion.as_deref(), Some("bob@yahoo.com"));
//!
//! let c = mailhygiene::check("john..doe@example.com");
//! assert_eq!(c.error, Some("consecutive_dots"));
//! ```
//!
//! The pieces, in the order [`check`] runs them: [`extract`] (reported clean-up of a messy
//! cell), [`parse`] (validation exactly as given, stable [error codes](error)), the canonical
//! key ([`canonical`], provider rules from `data/providers.tsv`), classification
//! ([`Checker::classify`]) and typo correction ([`suggest`]). [`Checker`] holds a configuration;
//! the free functions use the default one.
//!
//! Files are read as text by [`text::decode`]: UTF-8, or UTF-16 with a byte order mark, or a
//! legacy encoding such as Windows-1252 when the caller names it; a file that is not UTF-8 is
//! otherwise refused with its line, column and likely encoding, never read with replaced
//! characters.
#![warn(missing_docs)]

mod batch;
mod canonical;
mod check;
mod data;
pub mod error;
mod extract;
mod lists;
mod parse;
pub mod suppression;
pub mod text;
mod typo;

pub use batch::{CachingChecker, CheckColumns, StrColumn};
pub use canonical::{CanonicalRule, ProviderRule, ProviderRules};
pub use check::{
    canonical, check, normalize, suggest, Check, CheckView, Checker, CheckerBuilder,
    Classification, JoinedStr,
};
pub use error::{ErrorKind, ParseError};
pub use extract::{extract, Extracted, Warning};
pub use lists::{is_public_suffix, public_suffix, DomainFlags, DomainList, DomainLists, RoleList};
pub use parse::{parse, parse_with, Address, ParseOptions};
pub use typo::{DomainSuggestion, Suggestion, TypoCorrector};

/// The README's Rust snippets run as doctests, so the front page never lies.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct ReadmeDoctests;
