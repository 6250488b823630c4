//! Suppression records from many mail systems, merged by explicit rules into one list.
//!
//! The pieces, in the order the weekly job uses them:
//! - [`SuppressionRecord`] (with [`Reason`], [`Scope`], [`Consent`]): one fact about one
//!   address from one source, keyed by its canonical key;
//! - [`import`]: every ESP's exports turned into records, each format detected from its header
//!   or JSON shape; rows that cannot be read become [`Reject`]s with their line;
//! - [`bounce`]: SMTP reply + RFC 3463 status + diagnostic text → hard, soft or block;
//! - [`SuppressionList`]: the merge by [`Policy`] — a pure function of the set of records per
//!   key, so order, grouping and thread count never change the answer — with the status query,
//!   the master list, what each stream is missing, and hashed exchange ([`KeyHash`]);
//! - [`sunset`]: engagement data turned into `sunset` records.
mod clock;
mod hash;
mod list;
mod master;
mod merge;
mod output;
mod policy;
mod record;
mod time;

pub mod bounce;
pub mod import;
pub mod sunset;

pub use bounce::{classify as classify_bounce, Bounce, BounceClass};
pub use clock::{format_time, parse_time};
pub use hash::KeyHash;
pub use import::{
    detect, import_bytes, import_path, GenericColumns, ImportError, ImportOptions, Imported,
    SendgridList, System,
};
pub use list::{
    expand, FileSummary, ImportSummary, LoadError, MailKind, Restriction, Status, StreamInfo,
    StreamKind, SuppressionList, MASTER_SYSTEM,
};
pub use output::{MasterRow, MissingExport, MissingReport, OutputCounts, MASTER_HEADER};
pub use policy::{Escalation, Policy, PolicyError, ScopeRule, ScopeRules, Sunset};
pub use record::{Consent, Provenance, Reason, Reject, Scope, SuppressionRecord};
pub use sunset::{Engagement, ENGAGEMENT_SYSTEM};
