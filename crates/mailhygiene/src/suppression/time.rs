//! Date parsing for exports: each source's format read in its zone, raw text and zone kept.
//!
//! Parsing is done by `jiff`; this module only decides, per source, which form and which zone
//! apply. Nothing is guessed: a text that does not fit the source's documented form is an
//! error, and the importer rejects the row with code `bad_date`.
use jiff::civil::DateTime;
use jiff::fmt::rfc2822;
use jiff::tz::{Offset, TimeZone};
use jiff::Timestamp;

/// A parsed time: Unix seconds UTC, the raw text, and the zone it was read in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Stamp {
    pub utc: i64,
    pub raw: String,
    pub zone: String,
}

/// How a source writes times.
#[derive(Debug, Clone)]
pub(crate) enum TimeFormat {
    /// Unix seconds (an integer, or a decimal: SES REST returns fractional epoch seconds).
    /// Zone `UTC`.
    Unix,
    /// RFC 2822 / RFC 5322 §3.3 with a numeric zone or a named zone of §4.3 (`UT`, `GMT`, US
    /// zones) or `UTC`; other names are refused rather than read as `-0000`.
    Rfc2822,
    /// RFC 3339 / ISO 8601 with `Z` or an offset. Zone: the offset as written.
    Iso,
    /// A civil time (no zone in the text) read in a known zone. `layouts` are `strftime`
    /// layouts tried in order; empty means ISO-like `YYYY-MM-DD[ T]HH:MM:SS[.fff]`.
    Civil {
        layouts: Vec<String>,
        tz: TimeZone,
        /// What to record as the zone (`UTC`, `UTC (assumed)`, `UTC-06:00` …).
        label: String,
    },
    /// A `strftime` layout that includes the offset (`%z`, `%:z`) or zone (`%Q`).
    Layout(String),
    /// Any of the listed formats, first that parses.
    AnyOf(Vec<TimeFormat>),
}

impl TimeFormat {
    /// `YYYY-MM-DD HH:MM:SS` in UTC, documented as UTC (Mandrill).
    pub fn civil_utc() -> Self {
        TimeFormat::Civil {
            layouts: Vec::new(),
            tz: TimeZone::UTC,
            label: "UTC".into(),
        }
    }

    /// `YYYY-MM-DD HH:MM:SS` whose zone the source does not document: read as UTC and say so
    /// (Mailchimp audience exports).
    pub fn civil_assumed_utc() -> Self {
        TimeFormat::Civil {
            layouts: Vec::new(),
            tz: TimeZone::UTC,
            label: "UTC (assumed)".into(),
        }
    }

    /// A civil time in a fixed offset all year (SFMC: UTC−6, no DST).
    pub fn civil_fixed(layouts: &[&str], offset_hours: i8) -> Self {
        let offset = Offset::constant(offset_hours);
        TimeFormat::Civil {
            layouts: layouts.iter().map(|s| s.to_string()).collect(),
            tz: TimeZone::fixed(offset),
            label: format!("UTC{}", offset_label(offset)),
        }
    }

    /// A civil time in an IANA zone (SendGrid v2: `America/Los_Angeles`).
    pub fn civil_iana(name: &str) -> Self {
        TimeFormat::Civil {
            layouts: Vec::new(),
            tz: TimeZone::get(name).expect("bundled tz database has the zone"),
            label: name.into(),
        }
    }

    /// The zone of a user-given name: `UTC`, an offset `±HH:MM`, or an IANA name.
    pub fn zone_from_name(name: &str) -> Result<(TimeZone, String), String> {
        let name = name.trim();
        if name.eq_ignore_ascii_case("utc") || name.eq_ignore_ascii_case("z") {
            return Ok((TimeZone::UTC, "UTC".into()));
        }
        if let Some(offset) = parse_offset(name) {
            return Ok((
                TimeZone::fixed(offset),
                format!("UTC{}", offset_label(offset)),
            ));
        }
        TimeZone::get(name)
            .map(|tz| (tz, name.to_string()))
            .map_err(|e| format!("unknown time zone {name:?}: {e}"))
    }

    /// Parses `raw` (already trimmed, non-empty).
    pub fn parse(&self, raw: &str) -> Result<Stamp, String> {
        let stamp = |utc: i64, zone: String| Stamp {
            utc,
            raw: raw.to_string(),
            zone,
        };
        match self {
            TimeFormat::Unix => parse_unix(raw).map(|s| stamp(s, "UTC".into())),
            TimeFormat::Rfc2822 => {
                let zone = rfc2822_zone(raw)?;
                let ts = rfc2822::DateTimeParser::new()
                    .parse_timestamp(raw)
                    .map_err(|e| format!("not an RFC 2822 date: {e}"))?;
                Ok(stamp(ts.as_second(), zone))
            }
            TimeFormat::Iso => {
                let ts: Timestamp = raw
                    .parse()
                    .map_err(|e| format!("not an ISO 8601 time with offset: {e}"))?;
                Ok(stamp(ts.as_second(), iso_zone(raw)))
            }
            TimeFormat::Civil { layouts, tz, label } => {
                let dt = if layouts.is_empty() {
                    raw.parse::<DateTime>()
                        .map_err(|e| format!("not a YYYY-MM-DD HH:MM:SS time: {e}"))?
                } else {
                    layouts
                        .iter()
                        .find_map(|l| DateTime::strptime(l, raw).ok())
                        .ok_or_else(|| format!("does not match {}", layouts.join(" or ")))?
                };
                // An ambiguous or skipped civil time (DST change) is resolved by jiff's
                // "compatible" rule, as RFC 5545 and Temporal do.
                let zoned = dt
                    .to_zoned(tz.clone())
                    .map_err(|e| format!("not a time in {label}: {e}"))?;
                Ok(stamp(zoned.timestamp().as_second(), label.clone()))
            }
            TimeFormat::Layout(layout) => {
                let zoned = jiff::Zoned::strptime(layout, raw)
                    .map_err(|e| format!("does not match {layout} (with its zone): {e}"))?;
                let zone = match zoned.time_zone().iana_name() {
                    Some(name) => name.to_string(),
                    None => format!("UTC{}", offset_label(zoned.offset())),
                };
                Ok(stamp(zoned.timestamp().as_second(), zone))
            }
            TimeFormat::AnyOf(formats) => {
                let mut errors = Vec::new();
                for f in formats {
                    match f.parse(raw) {
                        Ok(s) => return Ok(s),
                        Err(e) => errors.push(e),
                    }
                }
                Err(errors.join("; "))
            }
        }
    }
}

fn parse_unix(raw: &str) -> Result<i64, String> {
    let bad = || format!("not Unix seconds: {raw:?}");
    if let Ok(s) = raw.parse::<i64>() {
        return Ok(unix_seconds(s));
    }
    // Fractional seconds (SES REST `LastUpdateTime`, e.g. `1.6E9` or `1600000000.123`):
    // truncated toward the second.
    let f: f64 = raw.parse().map_err(|_| bad())?;
    if f.is_finite() && f.abs() < 1e19 {
        Ok(unix_seconds(f.floor() as i64))
    } else {
        Err(bad())
    }
}

/// Unix seconds from a Unix time that may be in milliseconds or microseconds. The systems
/// document seconds, but exports that went through JavaScript (`Date.now()`) or a database
/// carry milliseconds; read as seconds, those land tens of thousands of years ahead and the
/// suppression would never apply. Seconds reach 10^11 only in the year 5138, milliseconds pass
/// it in 1973: larger values are taken as the finer unit.
pub(crate) fn unix_seconds(mut t: i64) -> i64 {
    for _ in 0..2 {
        if t.unsigned_abs() < 100_000_000_000 {
            break;
        }
        t /= 1000;
    }
    t
}

/// The zone of an RFC 3339 text: `Z` → `UTC`, else the trailing offset as written.
fn iso_zone(raw: &str) -> String {
    if raw.ends_with(['Z', 'z']) {
        return "UTC".into();
    }
    let tail = &raw[raw.len().saturating_sub(6)..];
    match tail.rfind(['+', '-']) {
        Some(i) => format!("UTC{}", &tail[i..]),
        None => raw.to_string(),
    }
}

/// The zone token of an RFC 2822 date, refusing alphabetic names RFC 5322 §4.3 does not define
/// (it says to read them as `-0000`, which would silently guess). `UTC` is not in the RFC but
/// is what Mailgun writes.
fn rfc2822_zone(raw: &str) -> Result<String, String> {
    let last = raw.split_whitespace().last().unwrap_or("");
    let upper = last.to_ascii_uppercase();
    match upper.as_str() {
        "UT" | "UTC" | "GMT" | "Z" => Ok("UTC".into()),
        "EST" | "EDT" | "CST" | "CDT" | "MST" | "MDT" | "PST" | "PDT" => Ok(upper),
        _ if last.starts_with(['+', '-']) => Ok(format!("UTC{last}")),
        _ => Err(format!("RFC 2822 date with unknown zone {last:?}")),
    }
}

fn parse_offset(s: &str) -> Option<Offset> {
    let s = s.strip_prefix("UTC").unwrap_or(s);
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => return None,
    };
    let (h, m) = match rest.split_once(':') {
        Some((h, m)) => (h, m),
        None if rest.len() == 4 => rest.split_at(2),
        None => (rest, "0"),
    };
    let (h, m): (i32, i32) = (h.parse().ok()?, m.parse().ok()?);
    if h > 18 || m > 59 {
        return None;
    }
    Offset::from_seconds(sign * (h * 3600 + m * 60)).ok()
}

fn offset_label(offset: Offset) -> String {
    let s = offset.seconds();
    let sign = if s < 0 { '-' } else { '+' };
    let s = s.abs();
    format!("{sign}{:02}:{:02}", s / 3600, (s % 3600) / 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        let p = |f: &TimeFormat, s: &str| f.parse(s).map(|s| (s.utc, s.zone));
        assert_eq!(
            p(&TimeFormat::Unix, "1443651141"),
            Ok((1443651141, "UTC".into()))
        );
        assert_eq!(
            p(&TimeFormat::Unix, "1.6E9"),
            Ok((1600000000, "UTC".into()))
        );
        // 2024-05-20T07:45:10Z in milliseconds and microseconds (date -d @1716191110).
        for finer in ["1716191110000", "1716191110000123", "1716191110000.5"] {
            assert_eq!(p(&TimeFormat::Unix, finer), Ok((1716191110, "UTC".into())));
        }
        assert_eq!(
            p(&TimeFormat::Rfc2822, "Fri, 21 Oct 2011 11:02:55 UTC"),
            Ok((1319194975, "UTC".into()))
        );
        assert_eq!(
            p(&TimeFormat::Rfc2822, "Fri, 21 Oct 2011 11:02:55 -0500"),
            Ok((1319212975, "UTC-0500".into()))
        );
        assert!(p(&TimeFormat::Rfc2822, "Fri, 21 Oct 2011 11:02:55 CET").is_err());
        assert_eq!(
            p(&TimeFormat::Iso, "2019-12-17T08:58:33-05:00"),
            Ok((1576591113, "UTC-05:00".into()))
        );
        assert!(p(&TimeFormat::Iso, "2019-12-17T08:58:33").is_err());
        assert_eq!(
            p(&TimeFormat::civil_assumed_utc(), "2019-03-14 19:02:43"),
            Ok((1552590163, "UTC (assumed)".into()))
        );
        // SFMC: 6 hours behind UTC in July too (no DST).
        let sfmc = TimeFormat::civil_fixed(&["%m/%d/%Y %I:%M:%S %p"], -6);
        assert_eq!(
            p(&sfmc, "7/4/2024 1:30:00 PM"),
            Ok((1720121400, "UTC-06:00".into()))
        );
        // SendGrid v2: Pacific, with DST (PDT, UTC−7, in June).
        assert_eq!(
            p(
                &TimeFormat::civil_iana("America/Los_Angeles"),
                "2009-06-10 12:40:30"
            ),
            Ok((1244662830, "America/Los_Angeles".into()))
        );
    }

    #[test]
    fn zone_names() {
        assert_eq!(TimeFormat::zone_from_name("-06:00").unwrap().1, "UTC-06:00");
        assert_eq!(TimeFormat::zone_from_name("+0530").unwrap().1, "UTC+05:30");
        assert_eq!(
            TimeFormat::zone_from_name("Europe/Paris").unwrap().1,
            "Europe/Paris"
        );
        assert!(TimeFormat::zone_from_name("Mars/Olympus").is_err());
    }
}
