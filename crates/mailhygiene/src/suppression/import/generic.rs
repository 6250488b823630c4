//! A CSV (or JSON array) with caller-named columns ([`GenericColumns`]).
//!
//! Reason cells are reason codes (`hard_bounce`, `unsubscribe` …, see
//! [`Reason::code`](crate::suppression::Reason::code)) or common words (`bounced`, `unsubscribed`,
//! `spam`, `opt-out` …; [`reason_word`]). An unknown word rejects the row (`unknown_reason`)
//! rather than falling back to the default reason; the default applies only to empty cells or
//! a missing reason column. Dates: see [`GenericColumns::date_format`].
use super::{
    default_scope, set_time, Ctx, GenericColumns, ImportError, Reason, RowError, System, Table,
};
use crate::suppression::time::TimeFormat;

/// The reason a common word names, or `None`. Case, spaces, `-` and `_` are ignored.
pub(crate) fn reason_word(word: &str) -> Option<Reason> {
    let w: String = word
        .trim()
        .to_ascii_lowercase()
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '_'))
        .collect();
    if let Some(r) = Reason::ALL
        .into_iter()
        .find(|r| r.code().replace('_', "") == w)
    {
        return Some(r);
    }
    Some(match w.as_str() {
        "bounce" | "bounced" | "hard" | "hardbounced" | "permanent" | "permanentbounce" => {
            Reason::HardBounce
        }
        "soft" | "softbounced" | "transient" | "transientbounce" => Reason::SoftBounce,
        "unsub" | "unsubscribed" | "optout" | "optedout" | "globalunsubscribe" => {
            Reason::Unsubscribe
        }
        "spam" | "spamreport" | "spamcomplaint" | "abuse" | "fbl" | "markedasspam" => {
            Reason::Complaint
        }
        "invalidemail" | "invalidaddress" | "badaddress" | "syntax" => Reason::Invalid,
        "blocked" | "blocklisted" | "blacklisted" | "denylisted" | "suppressed" | "donotmail"
        | "dnc" | "manualblock" => Reason::Manual,
        "gdpr" | "erasure" | "forgotten" | "righttobeforgotten" => Reason::Erasure,
        "subscribed" | "optin" | "optedin" => Reason::OptIn,
        _ => return None,
    })
}

fn time_format(cols: &GenericColumns) -> Result<TimeFormat, ImportError> {
    let bad = |message: String| ImportError::BadOption { message };
    let zone = cols
        .date_zone
        .as_deref()
        .map(TimeFormat::zone_from_name)
        .transpose()
        .map_err(bad)?;
    Ok(match (&cols.date_format, zone) {
        (Some(layout), Some((tz, label))) => TimeFormat::Civil {
            layouts: vec![layout.clone()],
            tz,
            label,
        },
        (Some(layout), None) => TimeFormat::Layout(layout.clone()),
        (None, zone) => {
            let mut forms = vec![TimeFormat::Unix, TimeFormat::Iso, TimeFormat::Rfc2822];
            if let Some((tz, label)) = zone {
                forms.push(TimeFormat::Civil {
                    layouts: Vec::new(),
                    tz,
                    label,
                });
            }
            TimeFormat::AnyOf(forms)
        }
    })
}

pub(super) fn import(t: &Table, cx: &mut Ctx) -> Result<(), ImportError> {
    let cols = cx
        .opts
        .generic
        .clone()
        .ok_or_else(|| ImportError::BadOption {
            message: "the generic importer needs GenericColumns".into(),
        })?;
    let missing = |column: &str| ImportError::MissingColumn {
        file: cx.file.clone(),
        system: System::Generic,
        column: column.into(),
        header: t.header.clone(),
    };
    for column in [Some(&cols.email), cols.reason.as_ref(), cols.date.as_ref()]
        .into_iter()
        .flatten()
    {
        if !t.has(column) {
            return Err(missing(column));
        }
    }
    let time = time_format(&cols)?;
    cx.each_row(t, |cx, row| {
        let addr = cx.address(row, &[&cols.email])?;
        let word = cols.reason.as_ref().and_then(|c| row.get(&[c]));
        let reason = match &word {
            Some(w) => reason_word(w).ok_or_else(|| RowError::unknown_reason("reason", w))?,
            None => cols.default_reason.ok_or_else(|| {
                RowError::new("missing_reason", "empty reason and no default reason")
            })?,
        };
        let mut r = cx.record(row, &addr, reason);
        r.scope = match &cols.scope {
            Some(scope) => scope.clone(),
            None if matches!(reason, Reason::Unsubscribe | Reason::OptIn) => cx.list_scope(),
            None => default_scope(reason),
        };
        r.source_reason = word;
        if let Some(c) = &cols.date {
            set_time(&mut r, cx.time(row, &[c], &time)?);
        }
        Ok(vec![r])
    });
    Ok(())
}
