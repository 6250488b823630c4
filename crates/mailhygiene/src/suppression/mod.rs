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

pub use record::{Consent, Provenance, Reason, Reject, Scope, SuppressionRecord};
