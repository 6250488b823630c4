//! Brevo (Sendinblue) transactional blocked contacts.
//!
//! `GET /v3/smtp/blockedContacts` → `{"count": n, "contacts": [{"email", "senderEmail",
//! "reason": {"code", "message"}, "blockedAt"}]}` (developers.brevo.com/reference/
//! gettransacblockedcontacts; sendinblue/APIv3-java-library docs/GetTransacBlockedContactsContacts.md
//! and GetTransacBlockedContactsReason.md). `reason.code`: `unsubscribedViaMA`,
//! `unsubscribedViaEmail`, `adminBlocked`, `unsubscribedViaApi`, `hardBounce`,
//! `contactFlaggedAsSpam`. `blockedAt` is an ISO 8601 date-time. A CSV with `email`,
//! `senderEmail`, `reason` (or `reason.code`), `blockedAt` is read too (column names as in the
//! API; the CSV form is **unverified**).
//!
//! Mapping (research §7): `hardBounce` → hard bounce; `contactFlaggedAsSpam` → complaint;
//! `unsubscribedVia*` → unsubscribe from transactional mail (Brevo applies it to that sender by
//! default, help.brevo.com 209458705; the sender goes to `source_account`); `adminBlocked` →
//! manual block.
use super::{set_time, Ctx, ImportError, Reason, RowError, Scope, Table};
use crate::suppression::time::TimeFormat;

pub(super) fn sniff(t: &Table, _name: &str) -> bool {
    t.has_all(&["email", "blockedat"])
}

pub(super) fn import(t: &Table, cx: &mut Ctx) -> Result<(), ImportError> {
    cx.each_row(t, |cx, row| {
        let addr = cx.address(row, &["email"])?;
        let code = row
            .get(&["reason.code", "reason_code", "reason"])
            .unwrap_or_default();
        let reason = match code.as_str() {
            "hardBounce" => Reason::HardBounce,
            "contactFlaggedAsSpam" => Reason::Complaint,
            "adminBlocked" => Reason::Manual,
            c if c.starts_with("unsubscribedVia") => Reason::Unsubscribe,
            _ => return Err(RowError::unknown_reason("reason.code", &code)),
        };
        let mut r = cx.record(row, &addr, reason);
        if reason == Reason::Unsubscribe {
            r.scope = Scope::Transactional;
        }
        if let Some(sender) = row.get(&["senderEmail"]) {
            r.source_account = Some(sender);
        }
        r.source_reason = Some(code);
        set_time(&mut r, cx.time(row, &["blockedAt"], &TimeFormat::Iso)?);
        Ok(vec![r])
    });
    Ok(())
}
