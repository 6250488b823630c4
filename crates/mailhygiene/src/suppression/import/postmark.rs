//! Postmark suppressions of one message stream.
//!
//! `GET /message-streams/{stream}/suppressions/dump` → `Suppressions[]` of `EmailAddress`,
//! `SuppressionReason` (`HardBounce` | `SpamComplaint` | `ManualSuppression`), `Origin`
//! (`Recipient` | `Customer` | `Admin`), `CreatedAt` (ISO 8601 with offset,
//! `2019-12-17T08:58:33-05:00`) (postmarkapp.com/developer/api/suppressions-api). A CSV with the
//! same headers is read too. The stream id is not in the dump: give it as
//! [`ImportOptions::account`](super::ImportOptions::account).
//!
//! Mapping (research §7): `HardBounce` → hard bounce; `SpamComplaint` → complaint (Postmark
//! never reactivates those); `ManualSuppression` from the `Recipient` is the unsubscribe link →
//! unsubscribe scoped to the stream (`stream:<id>`, or `marketing` when the stream is unknown:
//! Postmark's unsubscribe link exists only on broadcast streams); from `Customer` or `Admin` →
//! manual block.
use super::{set_time, Ctx, ImportError, Reason, RowError, Scope, Table};
use crate::suppression::time::TimeFormat;

pub(super) fn sniff(t: &Table, _name: &str) -> bool {
    t.has_all(&["emailaddress", "suppressionreason"])
}

pub(super) fn import(t: &Table, cx: &mut Ctx) -> Result<(), ImportError> {
    cx.each_row(t, |cx, row| {
        let addr = cx.address(row, &["EmailAddress"])?;
        let raw_reason = row.get(&["SuppressionReason"]).unwrap_or_default();
        let origin = row.get(&["Origin"]).unwrap_or_default();
        let (reason, scope) = match (raw_reason.as_str(), origin.as_str()) {
            ("HardBounce", _) => (Reason::HardBounce, None),
            ("SpamComplaint", _) => (Reason::Complaint, None),
            ("ManualSuppression", "Recipient") => (
                Reason::Unsubscribe,
                Some(
                    cx.opts
                        .account
                        .clone()
                        .map_or(Scope::Marketing, Scope::Stream),
                ),
            ),
            ("ManualSuppression", "Customer" | "Admin") => (Reason::Manual, None),
            ("ManualSuppression", _) => return Err(RowError::unknown_reason("Origin", &origin)),
            _ => return Err(RowError::unknown_reason("SuppressionReason", &raw_reason)),
        };
        let mut r = cx.record(row, &addr, reason);
        if let Some(scope) = scope {
            r.scope = scope;
        }
        if reason == Reason::Manual {
            r.sub_reason = Some(origin.to_ascii_lowercase());
        }
        r.source_reason = Some(raw_reason);
        set_time(&mut r, cx.time(row, &["CreatedAt"], &TimeFormat::Iso)?);
        Ok(vec![r])
    });
    Ok(())
}
