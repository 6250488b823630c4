//! Twilio SendGrid suppression lists, API JSON or CSV with the same column names.
//!
//! Shapes (twilio/sendgrid-oai spec/yaml/tsg_suppressions_v3.yaml; twilio.com/docs/sendgrid/
//! api-reference/…):
//! - `/v3/suppression/bounces` and `/v3/suppression/blocks`: `created`, `email`, `reason`
//!   (the receiving server's reply text), `status` (enhanced status, `5.1.1`);
//! - `/v3/suppression/spam_reports`: `created`, `email`, `ip`;
//! - `/v3/suppression/invalid_emails`: `created`, `email`, `reason` (SendGrid's own text);
//! - `/v3/suppression/unsubscribes` (global): `created`, `email`;
//! - `/v3/asm/suppressions`: `email`, `group_id`, `group_name`, `created_at`;
//!   `/v3/asm/groups/{group_id}/suppressions`: a bare array of addresses (give the group as
//!   [`ImportOptions::list_id`](super::ImportOptions::list_id)).
//!
//! `created` / `created_at` are Unix seconds in v3. The legacy v2 API wrote
//! `YYYY-MM-DD HH:MM:SS` in Pacific time (twilio.com/docs/sendgrid/v2-api/customer_subuser_api/
//! subuser_bounces), read as `America/Los_Angeles`; RFC 3339 with an offset is read too.
//! UI CSV exports are assumed to use the API's column names (**unverified**).
//!
//! Which list: [`ImportOptions::sendgrid_list`](super::ImportOptions::sendgrid_list), else the
//! file name (`bounces`, `blocks`, `spam`, `invalid`, `unsubscribes`, `group`/`asm`), else the
//! shape (`group_id` → group, `ip` → spam reports, `reason` without `status` → invalid emails,
//! `created` + `email` only → global unsubscribes). Bounces and blocks share a shape: without
//! a name or option the import fails rather than guess.
//!
//! Mapping (research §7, §2): bounces → classified from `status` + `reason` (a "bounce" with
//! `5.2.2` is a soft-bounce observation; hard when no rule matches); blocks → block observation
//! (SendGrid blocks are not suppressions); spam reports → complaint; invalid emails → invalid;
//! global unsubscribes → unsubscribe from `marketing`; group unsubscribes → `group:<group_id>`.
use super::{
    apply_bounce, set_time, Ctx, ImportError, Reason, RowError, Scope, SendgridList, System, Table,
    Verdict,
};
use crate::suppression::time::TimeFormat;

pub(super) fn sniff(t: &Table, _name: &str) -> bool {
    t.has("email") && t.has_any(&["created", "group_id"])
}

impl SendgridList {
    /// The API path's last segment, used as the record's `source_reason`.
    pub fn code(self) -> &'static str {
        match self {
            SendgridList::Bounces => "bounces",
            SendgridList::Blocks => "blocks",
            SendgridList::SpamReports => "spam_reports",
            SendgridList::InvalidEmails => "invalid_emails",
            SendgridList::GlobalUnsubscribes => "unsubscribes",
            SendgridList::GroupUnsubscribes => "asm_suppressions",
        }
    }
}

fn list(t: &Table, cx: &Ctx) -> Result<SendgridList, ImportError> {
    use SendgridList::*;
    if let Some(list) = cx.opts.sendgrid_list {
        return Ok(list);
    }
    let name = cx.name.as_str();
    let by_name = [
        ("block", Blocks),
        ("bounce", Bounces),
        ("spam", SpamReports),
        ("invalid", InvalidEmails),
        ("group", GroupUnsubscribes),
        ("asm", GroupUnsubscribes),
        ("unsub", GlobalUnsubscribes),
    ];
    if let Some((_, list)) = by_name.iter().find(|(hint, _)| name.contains(hint)) {
        return Ok(*list);
    }
    if t.has("group_id") || (t.is_json() && t.columns.is_empty() && cx.opts.list_id.is_some()) {
        Ok(GroupUnsubscribes)
    } else if t.has("ip") {
        Ok(SpamReports)
    } else if t.has("status") {
        Err(ImportError::Ambiguous {
            file: cx.file.clone(),
            system: System::Sendgrid,
            hint: "bounces and blocks have the same columns: put `bounces` or `blocks` in the file name, or set sendgrid_list".into(),
        })
    } else if t.has("reason") {
        Ok(InvalidEmails)
    } else {
        Ok(GlobalUnsubscribes)
    }
}

pub(super) fn import(t: &Table, cx: &mut Ctx) -> Result<(), ImportError> {
    let list = list(t, cx)?;
    let time = TimeFormat::AnyOf(vec![
        TimeFormat::Unix,
        TimeFormat::Iso,
        TimeFormat::civil_iana("America/Los_Angeles"),
    ]);
    cx.each_row(t, |cx, row| {
        let addr = match row.as_str() {
            Some(bare) => cx.canonical(bare.trim())?,
            None => cx.address(row, &["email"])?,
        };
        let reason_text = row.get(&["reason"]);
        let mut r = match list {
            SendgridList::Bounces | SendgridList::Blocks => {
                let verdict = if list == SendgridList::Bounces {
                    Verdict::Classify(Reason::HardBounce)
                } else {
                    Verdict::Source(Reason::Block)
                };
                let mut r = cx.record(row, &addr, Reason::HardBounce);
                apply_bounce(
                    &mut r,
                    verdict,
                    None,
                    row.get(&["status"]).as_deref(),
                    reason_text,
                );
                r
            }
            SendgridList::SpamReports => cx.record(row, &addr, Reason::Complaint),
            SendgridList::InvalidEmails => {
                let mut r = cx.record(row, &addr, Reason::Invalid);
                r.diagnostic = reason_text;
                r
            }
            SendgridList::GlobalUnsubscribes => cx.record(row, &addr, Reason::Unsubscribe),
            SendgridList::GroupUnsubscribes => {
                let group = row
                    .get(&["group_id"])
                    .or_else(|| cx.opts.list_id.clone())
                    .ok_or_else(|| {
                        RowError::new("missing_group", "no group_id and no list_id option")
                    })?;
                let mut r = cx.record(row, &addr, Reason::Unsubscribe);
                r.scope = Scope::Group(group);
                r
            }
        };
        r.source_reason = Some(match row.get(&["group_name"]) {
            Some(g) => format!("{} {g}", list.code()),
            None => list.code().into(),
        });
        set_time(&mut r, cx.time(row, &["created", "created_at"], &time)?);
        Ok(vec![r])
    });
    Ok(())
}
