//! Salesforce Marketing Cloud bounce tracking extract (or a `_Bounce` data view export).
//!
//! Columns (help.salesforce.com mktg.mc_as_bounces.htm): `ClientID`, `SendID`, `SubscriberKey`,
//! `EmailAddress`, `SubscriberID`, `ListID`, `EventDate`, `EventType`, `BounceCategory`
//! (`Hard bounce` / `Soft bounce` / `Block bounce` / `Technical/Other bounce` /
//! `Unknown bounce`, also written without ` bounce`), `SMTPCode`, `BounceReason`, `BatchID`,
//! `TriggeredSendExternalKey`. The `_Bounce` data view names the text `SMTPBounceReason`
//! (help.salesforce.com mc_as_data_view_bounce); both are read.
//!
//! `EventDate` is Central Standard Time **all year**, UTC−6 with no daylight saving
//! (help.salesforce.com article 000384850). Layouts read: `M/D/YYYY h:mm:ss AM` (extract
//! default), `YYYY-MM-DD HH:MM:SS[.fff]`, `M/D/YYYY HH:MM:SS`.
//!
//! Mapping (research §7): `BounceCategory` decides — Hard → hard bounce, Soft → soft-bounce
//! observation, Block / Technical / Unknown → block observation; the rules add a sub-reason
//! when they agree. `ClientID` (the business unit) is the `source_account`.
use super::{apply_bounce, set_time, Ctx, ImportError, Reason, RowError, Table, Verdict};
use crate::suppression::time::TimeFormat;

pub(super) fn sniff(t: &Table, _name: &str) -> bool {
    t.has("eventdate")
        && t.has_any(&[
            "bouncecategory",
            "smtpcode",
            "smtpbouncereason",
            "bouncereason",
        ])
}

pub(super) fn import(t: &Table, cx: &mut Ctx) -> Result<(), ImportError> {
    let time = TimeFormat::AnyOf(vec![
        TimeFormat::civil_fixed(&["%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %H:%M:%S"], -6),
        // Empty layouts: ISO-like `YYYY-MM-DD HH:MM:SS`.
        TimeFormat::civil_fixed(&[], -6),
    ]);
    cx.each_row(t, |cx, row| {
        let addr = cx.address(row, &["EmailAddress", "Email Address", "Email"])?;
        let category = row.get(&["BounceCategory"]).unwrap_or_default();
        let reason = match category
            .split([' ', '/'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase()
            .as_str()
        {
            "hard" => Reason::HardBounce,
            "soft" => Reason::SoftBounce,
            "block" | "technical" | "unknown" => Reason::Block,
            _ => return Err(RowError::unknown_reason("BounceCategory", &category)),
        };
        let mut r = cx.record(row, &addr, reason);
        let code = row.get(&["SMTPCode"]);
        let text = row.get(&["BounceReason", "SMTPBounceReason"]);
        apply_bounce(&mut r, Verdict::Source(reason), code.as_deref(), None, text);
        r.source_reason = Some(match row.get(&["BounceSubcategory"]) {
            Some(sub) => format!("{category} / {sub}"),
            None => category,
        });
        if let Some(client) = row.get(&["ClientID"]) {
            r.source_account = Some(client);
        }
        set_time(&mut r, cx.time(row, &["EventDate"], &time)?);
        Ok(vec![r])
    });
    Ok(())
}
