//! Mailgun suppressions of one sending domain (put the domain in
//! [`ImportOptions::account`](super::ImportOptions::account)).
//!
//! Shapes and columns (API responses `{"items": [...], "paging": {...}}`; the CSV import files
//! use the same headers — documentation.mailgun.com …/bounces/post-v3--domainid--bounces-import,
//! …/unsubscribes-import, …/complaints-import):
//! - bounces: `address`, `code` (SMTP reply, e.g. `550`), `error` (diagnostic text), `created_at`;
//! - unsubscribes: `address`, `tags` (API: an array; CSV: comma-separated; `*` = all), `created_at`;
//! - complaints: `address`, `created_at`.
//!
//! `created_at` is RFC 2822 (`Fri, 21 Oct 2011 11:02:55 UTC`); optional in the import CSVs.
//! Bounces and unsubscribes are told apart by their columns; complaints and tag-less
//! unsubscribes share a shape, so the file name (`complaints`, `unsubscribes`) decides those.
//!
//! Mapping (research §7): bounces → classified from `code` + `error`, hard unless the rules say
//! otherwise (Mailgun lists only permanent failures); complaints → complaint; unsubscribes →
//! one record per tag: `*` (or no tag) → `marketing`, any other tag → `topic:<tag>`. A Mailgun
//! tag is a category the recipient opted out of, which is a topic in our scope model (under
//! `marketing`), not a stream (under `transactional`, which ignores unsubscribes).
use super::{apply_bounce, set_time, Ctx, ImportError, Reason, Scope, System, Table, Verdict};
use crate::suppression::time::TimeFormat;

pub(super) fn sniff(t: &Table, _name: &str) -> bool {
    t.has("address")
        && (t.has_any(&["code", "error", "tags", "created_at"])
            || t.json_key.as_deref() == Some("items"))
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Bounces,
    Unsubscribes,
    Complaints,
}

fn kind(t: &Table, cx: &Ctx) -> Result<Kind, ImportError> {
    if t.has_any(&["code", "error"]) {
        return Ok(Kind::Bounces);
    }
    if t.has("tags") {
        return Ok(Kind::Unsubscribes);
    }
    let name = cx.name.as_str();
    if name.contains("complaint") || name.contains("spam") {
        Ok(Kind::Complaints)
    } else if name.contains("unsub") {
        Ok(Kind::Unsubscribes)
    } else if name.contains("bounce") {
        Ok(Kind::Bounces)
    } else {
        Err(ImportError::Ambiguous {
            file: cx.file.clone(),
            system: System::Mailgun,
            hint: "complaints or unsubscribes without tags: put `complaints` or `unsubscribes` in the file name".into(),
        })
    }
}

pub(super) fn import(t: &Table, cx: &mut Ctx) -> Result<(), ImportError> {
    let kind = kind(t, cx)?;
    let time = TimeFormat::AnyOf(vec![TimeFormat::Rfc2822, TimeFormat::Iso]);
    cx.each_row(t, |cx, row| {
        let addr = cx.address(row, &["address"])?;
        let stamp = cx.time(row, &["created_at"], &time)?;
        let records = match kind {
            Kind::Bounces => {
                let mut r = cx.record(row, &addr, Reason::HardBounce);
                let code = row.get(&["code"]);
                apply_bounce(
                    &mut r,
                    Verdict::Classify(Reason::HardBounce),
                    code.as_deref(),
                    None,
                    row.get(&["error"]),
                );
                r.source_reason = Some("bounce".into());
                vec![r]
            }
            Kind::Complaints => {
                let mut r = cx.record(row, &addr, Reason::Complaint);
                r.source_reason = Some("complaint".into());
                vec![r]
            }
            Kind::Unsubscribes => tags(row)
                .into_iter()
                .map(|tag| {
                    let mut r = cx.record(row, &addr, Reason::Unsubscribe);
                    r.scope = if tag == "*" {
                        Scope::Marketing
                    } else {
                        Scope::Topic(tag.clone())
                    };
                    r.source_reason = Some(format!("unsubscribe tag {tag}"));
                    r
                })
                .collect(),
        };
        Ok(records
            .into_iter()
            .map(|mut r| {
                set_time(&mut r, stamp.clone());
                r
            })
            .collect())
    });
    Ok(())
}

/// The tags of an unsubscribe: a JSON array, or a CSV cell split on `,` / `;`; none means `*`.
fn tags(row: &super::Row) -> Vec<String> {
    let mut tags: Vec<String> = match row.value("tags") {
        Some(serde_json::Value::Array(items)) => items
            .iter()
            .filter_map(|v| v.as_str().map(|s| s.trim().to_string()))
            .collect(),
        _ => row
            .get(&["tags", "tag"])
            .unwrap_or_default()
            .split([',', ';'])
            .map(|s| s.trim().to_string())
            .collect(),
    };
    tags.retain(|t| !t.is_empty());
    if tags.is_empty() {
        tags.push("*".into());
    }
    tags
}
