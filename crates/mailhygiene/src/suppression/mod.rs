//! Suppression records from many mail systems, merged by explicit rules.
//!
//! - [`SuppressionRecord`]: the canonical record, [`Reason`]s and [`Scope`]s.
//! - [`SuppressionList`]: every record from every source, merged by a [`Policy`] (default
//!   `data/policy.toml`) into per-address verdicts; [`SuppressionList::status`] answers "may I
//!   mail this address, and why not"; outputs are the master list
//!   ([`SuppressionList::write_csv`], read back by [`SuppressionList::load_master`]), what each
//!   stream is missing in its own import format ([`SuppressionList::export_missing`]) and a
//!   hashed exchange form ([`SuppressionList::write_hashed`], [`KeyHash`]).
//! - [`sunset`]: sunset records from engagement data.
//!
//! ```
//! use mailhygiene::suppression::{MailKind, Reason, Scope, SuppressionList, SuppressionRecord};
//! let mut list = SuppressionList::default();
//! let mut hb = SuppressionRecord::new("", "Bob@Example.com", Reason::HardBounce, Scope::All, "ses");
//! hb.event_time = Some(1_700_000_000);
//! list.add(hb);
//! let s = list.status("bob@example.com", None);
//! assert_eq!(s.reason, Some(Reason::HardBounce));
//! assert!(s.blocks(MailKind::Critical));
//! let mut csv = Vec::new();
//! list.write_csv(&mut csv).unwrap();
//! assert!(String::from_utf8(csv).unwrap().ends_with(
//!     "bob@example.com,Bob@Example.com,hard_bounce,all,2023-11-14T22:13:20Z,,ses\n"));
//! ```
mod record;

// importers
pub mod bounce;
pub mod import;
mod time;
pub use bounce::{classify as classify_bounce, Bounce, BounceClass};
pub use import::{
    detect, import_bytes, import_path, GenericColumns, ImportError, ImportOptions, Imported,
    SendgridList, System,
};

// merge
mod clock;
mod hash;
mod list;
mod merge;
mod output;
mod policy;
pub mod sunset;
pub use clock::{format_time, parse_time};
pub use hash::KeyHash;
pub use list::{
    expand, FileSummary, ImportSummary, LoadError, MailKind, Restriction, Status, StreamInfo,
    StreamKind, SuppressionList, MASTER_SYSTEM,
};
pub use output::{MasterRow, MissingExport, MissingReport, MASTER_HEADER};
pub use policy::{Escalation, Policy, PolicyError, ScopeRule, ScopeRules, Sunset};
pub use sunset::{Engagement, ENGAGEMENT_SYSTEM};
// end merge

pub use record::{Consent, Provenance, Reason, Reject, Scope, SuppressionRecord};
