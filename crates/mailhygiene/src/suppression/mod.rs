//! Suppression records from many mail systems, merged by explicit rules.
//!
//! - [`record`]: the canonical record, reasons and scopes.
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
