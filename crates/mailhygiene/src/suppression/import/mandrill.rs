//! Mailchimp Transactional (Mandrill) rejection denylist.
//!
//! `rejects/list` → array of `email`, `reason` (`hard-bounce` | `soft-bounce` | `spam` | `unsub`
//! | `custom`), `detail`, `created_at`, `last_event_at`, `expires_at`, `expired`, `sender`,
//! `subaccount` (mailchimp.com/developer/transactional/api/rejects/list-rejects/). Times are
//! `YYYY-MM-DD HH:MM:SS` UTC ("all dates are UTC", same page). A CSV with these headers is read too.
//!
//! Mapping (research §7): `hard-bounce` → classified from `detail` (hard unless the text says
//! otherwise); `soft-bounce` → soft-bounce observation (Mandrill never escalates them);
//! `spam` → complaint; `unsub` → unsubscribe from this transactional account (`transactional`;
//! the subaccount goes to `source_account`); `custom` → manual block. The event time is
//! `last_event_at` (the latest bounce or complaint that renewed the entry), else `created_at`.
//! `expires_at` / `expired` are the source's own expiry, which the merge policy does not follow
//! (research §5 "Source-side expiries … are not clearances"), so they are not imported.
use super::{apply_bounce, set_time, Ctx, ImportError, Reason, RowError, Scope, Table, Verdict};
use crate::suppression::time::TimeFormat;

pub(super) fn sniff(t: &Table, _name: &str) -> bool {
    t.has_all(&["email", "reason", "detail"])
}

pub(super) fn import(t: &Table, cx: &mut Ctx) -> Result<(), ImportError> {
    let utc = TimeFormat::civil_utc();
    cx.each_row(t, |cx, row| {
        let addr = cx.address(row, &["email"])?;
        let raw_reason = row.get(&["reason"]).unwrap_or_default();
        let detail = row.get(&["detail"]);
        let mut r = match raw_reason.as_str() {
            "hard-bounce" | "soft-bounce" => {
                let verdict = if raw_reason == "hard-bounce" {
                    Verdict::Classify(Reason::HardBounce)
                } else {
                    Verdict::Source(Reason::SoftBounce)
                };
                let mut r = cx.record(row, &addr, Reason::HardBounce);
                apply_bounce(&mut r, verdict, None, None, detail);
                r
            }
            "spam" => cx.record(row, &addr, Reason::Complaint),
            "unsub" => {
                let mut r = cx.record(row, &addr, Reason::Unsubscribe);
                r.scope = Scope::Transactional;
                r
            }
            "custom" => cx.record(row, &addr, Reason::Manual),
            _ => return Err(RowError::unknown_reason("reason", &raw_reason)),
        };
        r.source_reason = Some(raw_reason);
        if let Some(sub) = row.get(&["subaccount"]) {
            r.source_account = Some(sub);
        }
        let created = cx.time(row, &["created_at"], &utc)?;
        let last = cx.time(row, &["last_event_at"], &utc)?;
        set_time(&mut r, last.or(created));
        Ok(vec![r])
    });
    Ok(())
}
