//! Suppression records from many mail systems, merged by explicit rules.
//!
//! - [`record`]: the canonical record, reasons and scopes.
mod record;

pub use record::{Consent, Provenance, Reason, Reject, Scope, SuppressionRecord};
