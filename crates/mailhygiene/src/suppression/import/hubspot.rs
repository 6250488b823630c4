//! HubSpot unsubscribes and bounces.
//!
//! **The export's column names are unverified** (research §1.1: the UI's "Export unsubscribes
//! and bounces" tool, knowledge.hubspot.com …/how-can-i-delete-contacts-who-have-unsubscribed-
//! or-hard-bounce, does not document them). What is documented are the values: communication
//! preferences per subscription type with `status` `SUBSCRIBED` / `NOT_SUBSCRIBED` /
//! `NOT_SPECIFIED`, `sourceOfStatus`, `legalBasis`, `legalBasisExplanation`
//! (developers.hubspot.com communication-preferences v3/v4), and the contact properties
//! "Unsubscribed from all email" (`hs_email_optout`) and "Email hard bounce reason"
//! (`hs_email_hard_bounce_reason_enum`). So two plausible shapes are accepted:
//!
//! 1. a status column — header `Status`, `Email status`, `Subscription status`, `Type` or
//!    `status` — with an address column `Email` / `Email Address` / `recipient`, optional
//!    `Subscription type` / `Subscription name` / `Subscription ID` / `subscriptionId`,
//!    `Legal basis` / `legalBasis`, `Source of status` / `sourceOfStatus`, and a date `Date` /
//!    `Timestamp` / `Status timestamp` / `timestamp`;
//! 2. a contact export with `Unsubscribed from all email` (`true` → unsubscribe from
//!    `marketing`) and/or `Email hard bounce reason` (non-empty → hard bounce).
//!
//! Status values: `NOT_SUBSCRIBED` / `Unsubscribed` / `Opted out` → unsubscribe (scoped
//! `topic:<subscription id or name>` when given, else `marketing`); `SUBSCRIBED` → opt-in whose
//! consent carries the legal basis (evidence, research §5); `NOT_SPECIFIED` → no record;
//! `Hard bounce` / `Bounced` → hard bounce; `Global bounce` → hard bounce, sub-reason
//! `global_bounce`; `Spam report` / `Reported spam` → complaint. Anything else rejects the row.
//! Dates must be ISO 8601 with an offset or Unix milliseconds (HubSpot's API form); a
//! portal-local time without zone rejects the row (`bad_date`).
use super::{set_time, Ctx, ImportError, Reason, RowError, Scope, Table};
use crate::suppression::time::{Stamp, TimeFormat};
use crate::suppression::Consent;

const EMAIL: [&str; 4] = ["Email", "Email Address", "recipient", "email"];
const STATUS: [&str; 5] = [
    "Status",
    "Email status",
    "Subscription status",
    "Type",
    "status",
];
const OPTOUT: &str = "Unsubscribed from all email";
const HARD_BOUNCE: &str = "Email hard bounce reason";

pub(super) fn sniff(t: &Table, name: &str) -> bool {
    t.has_any(&[
        OPTOUT,
        HARD_BOUNCE,
        "opted out of all email",
        "legal basis",
        "legalbasis",
        "source of status",
        "sourceofstatus",
    ]) || (name.contains("hubspot") && t.has_any(&EMAIL) && t.has_any(&STATUS))
}

/// The date: ISO 8601 with offset, or Unix milliseconds.
fn time(cx: &Ctx, row: &super::Row) -> Result<Option<Stamp>, RowError> {
    let keys = ["Date", "Timestamp", "Status timestamp", "timestamp"];
    let Some(raw) = row.get(&keys) else {
        return Ok(None);
    };
    if let Ok(ms) = raw.parse::<i64>() {
        return Ok(Some(Stamp {
            utc: ms.div_euclid(1000),
            raw,
            zone: "UTC".into(),
        }));
    }
    cx.time(row, &keys, &TimeFormat::Iso)
}

pub(super) fn import(t: &Table, cx: &mut Ctx) -> Result<(), ImportError> {
    let status_shape = t.has_any(&STATUS);
    cx.each_row(t, |cx, row| {
        let addr = cx.address(row, &EMAIL)?;
        let stamp = time(cx, row)?;
        let mut out = Vec::new();
        let topic = row
            .get(&[
                "Subscription ID",
                "subscriptionId",
                "Subscription type",
                "Subscription name",
                "Subscription",
            ])
            .map(Scope::Topic);
        if status_shape {
            let status = row.get(&STATUS).unwrap_or_default();
            let word: String = status
                .to_ascii_lowercase()
                .chars()
                .filter(|c| c.is_ascii_alphabetic())
                .collect();
            let (reason, sub) = match word.as_str() {
                "notsubscribed"
                | "unsubscribed"
                | "optedout"
                | "optedoutofallemail"
                | "unsubscribedfromallemail" => (Reason::Unsubscribe, None),
                "subscribed" => (Reason::OptIn, None),
                "notspecified" => return Ok(Vec::new()),
                "hardbounce" | "hardbounced" | "bounced" | "bounce" => (Reason::HardBounce, None),
                "globalbounce" | "globallybounced" => (Reason::HardBounce, Some("global_bounce")),
                "spamreport" | "reportedspam" | "markedasspam" | "spam" => {
                    (Reason::Complaint, None)
                }
                _ => return Err(RowError::unknown_reason("status", &status)),
            };
            let mut r = cx.record(row, &addr, reason);
            if matches!(reason, Reason::Unsubscribe | Reason::OptIn) && !word.contains("all") {
                r.scope = topic.clone().unwrap_or(Scope::Marketing);
            }
            if reason == Reason::OptIn {
                r.consent = Some(Consent {
                    method: row.get(&["Source of status", "sourceOfStatus"]),
                    at: stamp.as_ref().map(|s| s.utc),
                    legal_basis: row.get(&["Legal basis", "legalBasis"]),
                    ..Consent::default()
                });
            }
            r.sub_reason = sub.map(String::from);
            r.source_reason = Some(status);
            out.push(r);
        }
        if row
            .get(&[OPTOUT])
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
        {
            let mut r = cx.record(row, &addr, Reason::Unsubscribe);
            r.source_reason = Some(OPTOUT.into());
            out.push(r);
        }
        if let Some(why) = row.get(&[HARD_BOUNCE]) {
            let mut r = cx.record(row, &addr, Reason::HardBounce);
            r.source_reason = Some(why);
            out.push(r);
        }
        for r in &mut out {
            set_time(r, stamp.clone());
        }
        Ok(out)
    });
    Ok(())
}
