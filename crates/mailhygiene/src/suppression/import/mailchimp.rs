//! Mailchimp Marketing audience exports: one CSV per status (subscribed, unsubscribed,
//! cleaned), from Audience → Export (mailchimp.com/help/view-export-contacts).
//!
//! Columns (as written by Mailchimp and seen in public parsers of these files, research §1.1):
//! `Email Address`; merge fields (`First Name` …, ignored); `MEMBER_RATING`; consent evidence
//! `OPTIN_TIME`, `OPTIN_IP`, `CONFIRM_TIME`, `CONFIRM_IP`; `LAST_CHANGED`, `LEID`, `EUID`,
//! `NOTES`, `TAGS`. The unsubscribed file adds `UNSUB_TIME`, `UNSUB_CAMPAIGN_TITLE`,
//! `UNSUB_CAMPAIGN_ID`, `UNSUB_REASON`, `UNSUB_REASON_OTHER`; the cleaned file adds `CLEAN_TIME`,
//! `CLEAN_CAMPAIGN_TITLE`, `CLEAN_CAMPAIGN_ID`. The status is told by those added columns.
//!
//! Times are `YYYY-MM-DD HH:MM:SS`; Mailchimp does not document their zone (unverified), so they
//! are read as UTC and recorded as `UTC (assumed)`.
//!
//! The audience id is not in the file: give it as
//! [`ImportOptions::list_id`](super::ImportOptions::list_id) to scope unsubscribes and opt-ins
//! `list:<id>` (else `marketing`, research §5).
//!
//! Records per row: an `opt_in` whenever the row carries consent evidence (`OPTIN_TIME` or
//! `CONFIRM_TIME`) and always for subscribed rows; its consent is confirmed (double opt-in)
//! when `CONFIRM_TIME` is present. Then an `unsubscribe` (`UNSUB_TIME`, reason `UNSUB_REASON`)
//! for the unsubscribed file, a `hard_bounce` (`CLEAN_TIME`) for the cleaned file (Mailchimp
//! cleans hard bounces and repeated soft bounces, kb.mailchimp.com soft-vs-hard-bounces).
use super::{set_time, Ctx, ImportError, Reason, Table};
use crate::suppression::time::TimeFormat;
use crate::suppression::Consent;

pub(super) fn sniff(t: &Table, _name: &str) -> bool {
    t.has("email address")
        && t.has_any(&[
            "member_rating",
            "optin_time",
            "confirm_time",
            "leid",
            "euid",
            "unsub_time",
            "clean_time",
        ])
}

pub(super) fn import(t: &Table, cx: &mut Ctx) -> Result<(), ImportError> {
    let time = TimeFormat::civil_assumed_utc();
    let cleaned = t.has("clean_time");
    let unsubscribed = t.has("unsub_time");
    let subscribed = !cleaned && !unsubscribed;
    cx.each_row(t, |cx, row| {
        let addr = cx.address(row, &["Email Address"])?;
        let optin = cx.time(row, &["OPTIN_TIME"], &time)?;
        let confirm = cx.time(row, &["CONFIRM_TIME"], &time)?;
        let account = cx.opts.account.clone().or_else(|| cx.opts.list_id.clone());
        let mut records = Vec::new();
        if subscribed || optin.is_some() || confirm.is_some() {
            let mut r = cx.record(row, &addr, Reason::OptIn);
            r.scope = cx.list_scope();
            if optin.is_some() || confirm.is_some() {
                let at = confirm.as_ref().or(optin.as_ref()).map(|s| s.utc);
                r.consent = Some(Consent {
                    method: Some(
                        if confirm.is_some() {
                            "double_opt_in"
                        } else {
                            "single_opt_in"
                        }
                        .into(),
                    ),
                    at,
                    ip: row.get(&["CONFIRM_IP"]).or_else(|| row.get(&["OPTIN_IP"])),
                    confirmed: confirm.is_some(),
                    legal_basis: None,
                });
            }
            r.source_reason = Some("subscribed".into());
            set_time(&mut r, confirm.clone().or(optin.clone()));
            records.push(r);
        }
        if unsubscribed {
            let mut r = cx.record(row, &addr, Reason::Unsubscribe);
            r.scope = cx.list_scope();
            r.source_reason = Some(
                row.get(&["UNSUB_REASON"])
                    .unwrap_or_else(|| "unsubscribed".into()),
            );
            set_time(&mut r, cx.time(row, &["UNSUB_TIME"], &time)?);
            records.push(r);
        }
        if cleaned {
            let mut r = cx.record(row, &addr, Reason::HardBounce);
            r.source_reason = Some("cleaned".into());
            set_time(&mut r, cx.time(row, &["CLEAN_TIME"], &time)?);
            records.push(r);
        }
        for r in &mut records {
            r.source_account = account.clone();
        }
        Ok(records)
    });
    Ok(())
}
