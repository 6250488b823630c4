//! Klaviyo suppressions.
//!
//! Documented: the profile API (`GET /api/profiles?additional-fields[profile]=subscriptions`)
//! → `data[]` of `{"type": "profile", "attributes": {"email", "subscriptions": {"email":
//! {"marketing": {"consent", "consent_timestamp", "method", "suppression": [{"reason",
//! "timestamp"}], "list_suppressions": [{"list_id", "reason", "timestamp"}]}}}}}`
//! (developers.klaviyo.com …/collect_email_and_sms_consent_via_api). `consent`: `SUBSCRIBED` /
//! `UNSUBSCRIBED` / `NEVER_SUBSCRIBED`; suppression `reason`: `HARD_BOUNCE`, `SPAM_COMPLAINT`,
//! `USER_SUPPRESSED` (manual, or synced from a previous ESP), `INVALID_EMAIL`. ISO 8601 times.
//!
//! **Unverified**: the CSV export of suppressed profiles. Accepted headers: address `Email` /
//! `Email Address`; reason `Suppression Reason` / `Suppressed Reason` / `Reason`; date
//! `Suppression Date` / `Suppressed At` / `Date Suppressed` / `Timestamp` / `Date`; list
//! `List ID` / `List`. Reason values as above, or the same words spelled with spaces
//! (`Hard Bounce`), or `Unsubscribed`.
//!
//! Mapping (research §7): `HARD_BOUNCE` → hard bounce; `SPAM_COMPLAINT` → complaint;
//! `INVALID_EMAIL` → invalid; `USER_SUPPRESSED` → manual block; consent `UNSUBSCRIBED` →
//! unsubscribe from `marketing`; a list suppression is scoped `list:<list_id>`; consent
//! `SUBSCRIBED` → opt-in (its `method` kept; not confirmed, as the API has no confirmation time).
use serde_json::Value;

use super::{set_time, Ctx, ImportError, Reason, Row, RowError, Scope, SuppressionRecord, Table};
use crate::suppression::time::TimeFormat;
use crate::suppression::Consent;

const REASON: [&str; 4] = [
    "Suppression Reason",
    "Suppressed Reason",
    "Email Suppression Reason",
    "Reason",
];

pub(super) fn sniff(t: &Table, name: &str) -> bool {
    let profiles = t.json_key.as_deref() == Some("data")
        && t.json_rows
            .first()
            .and_then(|r| r.get(&["type"]))
            .as_deref()
            == Some("profile");
    profiles
        || t.has_any(&REASON[..3])
        || (name.contains("klaviyo") && t.has("reason") && t.has_any(&["email", "email address"]))
}

fn reason_of(value: &str) -> Option<Reason> {
    let w: String = value
        .to_ascii_uppercase()
        .chars()
        .filter(|c| c.is_ascii_alphabetic())
        .collect();
    Some(match w.as_str() {
        "HARDBOUNCE" => Reason::HardBounce,
        "SPAMCOMPLAINT" => Reason::Complaint,
        "INVALIDEMAIL" => Reason::Invalid,
        "USERSUPPRESSED" | "MANUALLYSUPPRESSED" | "MANUAL" => Reason::Manual,
        "UNSUBSCRIBED" | "UNSUBSCRIBE" => Reason::Unsubscribe,
        _ => return None,
    })
}

pub(super) fn import(t: &Table, cx: &mut Ctx) -> Result<(), ImportError> {
    if t.is_json() {
        cx.each_row(t, profile);
    } else {
        cx.each_row(t, |cx, row| {
            let addr = cx.address(row, &["Email", "Email Address"])?;
            let raw = row.get(&REASON).unwrap_or_default();
            let reason = reason_of(&raw).ok_or_else(|| RowError::unknown_reason("reason", &raw))?;
            let mut r = cx.record(row, &addr, reason);
            if let Some(list) = row.get(&["List ID", "List"]) {
                r.scope = Scope::List(list);
            }
            r.source_reason = Some(raw);
            let keys = [
                "Suppression Date",
                "Suppressed At",
                "Date Suppressed",
                "Timestamp",
                "Date",
            ];
            set_time(&mut r, cx.time(row, &keys, &TimeFormat::Iso)?);
            Ok(vec![r])
        });
    }
    Ok(())
}

/// One profile object → its suppressions, list suppressions and consent.
fn profile(cx: &Ctx, row: &Row) -> Result<Vec<SuppressionRecord>, RowError> {
    let addr = cx.address(row, &["attributes.email"])?;
    let base = "attributes.subscriptions.email.marketing";
    let mut out = Vec::new();
    let mut push =
        |reason_raw: &str, scope: Option<Scope>, at: Option<&str>| -> Result<(), RowError> {
            let reason = reason_of(reason_raw)
                .ok_or_else(|| RowError::unknown_reason("suppression reason", reason_raw))?;
            let mut r = cx.record(row, &addr, reason);
            if let Some(scope) = scope {
                r.scope = scope;
            }
            r.source_reason = Some(reason_raw.into());
            if let Some(at) = at {
                set_time(
                    &mut r,
                    Some(
                        TimeFormat::Iso
                            .parse(at)
                            .map_err(|e| RowError::new("bad_date", e))?,
                    ),
                );
            }
            out.push(r);
            Ok(())
        };
    let items = |key: &str| match row.value(&format!("{base}.{key}")) {
        Some(Value::Array(items)) => items.clone(),
        _ => Vec::new(),
    };
    for s in items("suppression") {
        push(
            s["reason"].as_str().unwrap_or(""),
            None,
            s["timestamp"].as_str(),
        )?;
    }
    for s in items("list_suppressions") {
        let list = s["list_id"].as_str().map(|id| Scope::List(id.into()));
        push(
            s["reason"].as_str().unwrap_or(""),
            list,
            s["timestamp"].as_str(),
        )?;
    }
    let consent = row.get(&[&format!("{base}.consent")]).unwrap_or_default();
    let at = cx.time(
        row,
        &[&format!("{base}.consent_timestamp")],
        &TimeFormat::Iso,
    )?;
    match consent.as_str() {
        "UNSUBSCRIBED" => {
            let mut r = cx.record(row, &addr, Reason::Unsubscribe);
            r.source_reason = Some(consent);
            set_time(&mut r, at);
            out.push(r);
        }
        "SUBSCRIBED" => {
            let mut r = cx.record(row, &addr, Reason::OptIn);
            r.consent = Some(Consent {
                method: row.get(&[&format!("{base}.method")]),
                at: at.as_ref().map(|s| s.utc),
                ..Consent::default()
            });
            r.source_reason = Some(consent);
            set_time(&mut r, at);
            out.push(r);
        }
        _ => {}
    }
    Ok(out)
}
