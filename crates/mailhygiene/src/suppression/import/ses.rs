//! Amazon SES v2 account-level suppression list.
//!
//! Shapes and columns:
//! - `ListSuppressedDestinations` → `SuppressedDestinationSummaries[]` of `EmailAddress`,
//!   `Reason` (`BOUNCE` | `COMPLAINT`), `LastUpdateTime`
//!   (docs.aws.amazon.com/ses/latest/APIReference-V2/API_ListSuppressedDestinations.html,
//!   API_SuppressedDestinationSummary.html). The REST JSON writes `LastUpdateTime` as epoch
//!   seconds (a number, possibly fractional); AWS CLI v2 prints ISO 8601 with an offset: both read.
//! - `GetSuppressedDestination` → `SuppressedDestination` with the same fields plus
//!   `Attributes.MessageId`, `Attributes.FeedbackId` (API_SuppressedDestination.html).
//! - The bulk-import files of `CreateImportJob`: CSV `email,reason` (header optional) and NDJSON
//!   `{"emailAddress": …, "reason": …}` (docs.aws.amazon.com/ses/latest/dg/
//!   sending-email-suppression-list.html). No time.
//!
//! Only hard bounces enter the account list (research §1.2), so `BOUNCE` is a hard bounce; the
//! list is per account and region (put the region in [`ImportOptions::account`](super::ImportOptions::account)).
use super::{set_time, Ctx, ImportError, Reason, RowError, Table};
use crate::suppression::time::TimeFormat;

pub(super) fn sniff(t: &Table, _name: &str) -> bool {
    matches!(
        t.json_key.as_deref(),
        Some("suppresseddestinationsummaries" | "suppresseddestination")
    ) || (t.columns.len() == 2 && t.has("reason") && t.has_any(&["email", "emailaddress"]))
        || t.has_all(&["emailaddress", "reason", "lastupdatetime"])
}

pub(super) fn import(t: &Table, cx: &mut Ctx) -> Result<(), ImportError> {
    let time = TimeFormat::AnyOf(vec![TimeFormat::Unix, TimeFormat::Iso]);
    cx.each_row(t, |cx, row| {
        // `EmailAddress` (API) or `email` / `emailAddress` (import files).
        let addr = cx.address(row, &["EmailAddress", "email"])?;
        let raw_reason = row.get(&["Reason"]).unwrap_or_default();
        let reason = match raw_reason.to_ascii_uppercase().as_str() {
            "BOUNCE" => Reason::HardBounce,
            "COMPLAINT" => Reason::Complaint,
            _ => return Err(RowError::unknown_reason("Reason", &raw_reason)),
        };
        let mut r = cx.record(row, &addr, reason);
        r.source_reason = Some(raw_reason);
        set_time(&mut r, cx.time(row, &["LastUpdateTime"], &time)?);
        Ok(vec![r])
    });
    Ok(())
}
