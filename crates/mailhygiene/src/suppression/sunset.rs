//! Sunset from engagement data: flag addresses that stopped opening and clicking.
//!
//! ## Engagement file
//!
//! A CSV with a header; `address` is required, every other column optional (empty cells are
//! unknown). Counts are over whatever period the export covers; dates are RFC 3339, `YYYY-MM-DD`
//! (UTC) or Unix seconds.
//!
//! | column | meaning |
//! |---|---|
//! | `address` | the address |
//! | `sends` | messages sent to it |
//! | `opens`, `clicks` | messages opened / clicked |
//! | `sends_since_open`, `sends_since_click` | sends after the last open / click |
//! | `first_send`, `last_send` | first and last send |
//! | `last_open`, `last_click` | last open / click |
//!
//! ## Rule ([`Policy::sunset`](super::Policy))
//!
//! An open keeps an address alive while fewer than `sends × open_weight` sends and fewer than
//! `days × open_weight` days have passed since it; a click the same with `click_weight` (default
//! 2: clicks count more, because machine opens — Apple Mail Privacy Protection — inflate opens).
//! An address with no live open or click is sunset once it is established: at least `sends`
//! sends, a first send `days` ago, or an engagement that has since gone stale. A missing
//! `sends_since_*` is taken as `sends` when the address never opened / clicked; otherwise only the
//! dates decide.
//!
//! Each flagged address yields a `sunset` record (scope marketing, time = last send, or the
//! present when unknown); each address with a dated open or click also yields an `engaged`
//! observation at the latest one, which resets soft-bounce counting and clears older sunsets.
use super::clock::parse_time;
use super::list::{LoadError, Parsed};
use super::output::parse_rows;
use super::policy::{Policy, DAY};
use super::record::{Reason, Scope, SuppressionRecord};
use crate::Checker;

/// `source_system` of records made from engagement data.
pub const ENGAGEMENT_SYSTEM: &str = "engagement";

const COLUMNS: [&str; 10] = [
    "address",
    "sends",
    "opens",
    "clicks",
    "sends_since_open",
    "sends_since_click",
    "first_send",
    "last_send",
    "last_open",
    "last_click",
];

pub(crate) fn is_engagement_header(h: &str) -> bool {
    let cols: Vec<String> = h
        .split(',')
        .map(|c| c.trim().to_ascii_lowercase())
        .collect();
    cols.iter().any(|c| c == "address")
        && cols.iter().any(|c| c == "sends")
        && cols.iter().all(|c| COLUMNS.contains(&c.as_str()))
}

/// One address's engagement, as read from a row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Engagement {
    /// Messages sent.
    pub sends: Option<u64>,
    /// Messages opened.
    pub opens: Option<u64>,
    /// Messages clicked.
    pub clicks: Option<u64>,
    /// Sends after the last open.
    pub sends_since_open: Option<u64>,
    /// Sends after the last click.
    pub sends_since_click: Option<u64>,
    /// First send, Unix seconds UTC.
    pub first_send: Option<i64>,
    /// Last send.
    pub last_send: Option<i64>,
    /// Last open.
    pub last_open: Option<i64>,
    /// Last click.
    pub last_click: Option<i64>,
}

impl Engagement {
    /// Whether the policy sunsets this address at `now` (see the [module docs](self)).
    ///
    /// ```
    /// use mailhygiene::suppression::{Engagement, Policy};
    /// let p = Policy::default(); // N = 10 sends, M = 180 days, clicks weigh 2
    /// let never = Engagement { sends: Some(12), opens: Some(0), clicks: Some(0), ..Default::default() };
    /// assert!(never.is_sunset(&p, 0));
    /// let new = Engagement { sends: Some(3), ..Default::default() };
    /// assert!(!new.is_sunset(&p, 0));
    /// // a click 15 sends ago still counts (15 < 10 × 2); an open would not
    /// let clicked = Engagement { sends: Some(40), opens: Some(0), clicks: Some(1),
    ///     sends_since_click: Some(15), ..Default::default() };
    /// assert!(!clicked.is_sunset(&p, 0));
    /// let opened = Engagement { sends: Some(40), opens: Some(1), clicks: Some(0),
    ///     sends_since_open: Some(15), ..Default::default() };
    /// assert!(opened.is_sunset(&p, 0));
    /// ```
    pub fn is_sunset(&self, policy: &Policy, now: i64) -> bool {
        let s = &policy.sunset;
        let alive = |count: Option<u64>, since_sends: Option<u64>, last: Option<i64>, w: f64| {
            let had = count.is_some_and(|c| c > 0) || last.is_some();
            if !had {
                return false;
            }
            let sends_ok = since_sends.map_or(true, |n| (n as f64) < s.sends as f64 * w);
            let days_ok = last.map_or(true, |t| {
                ((now - t) as f64) < s.days as f64 * w * DAY as f64
            });
            sends_ok && days_ok
        };
        let never = |count: Option<u64>, last: Option<i64>| {
            count == Some(0) && last.is_none() || count.is_none() && last.is_none()
        };
        // A missing "sends since" is all sends when the address never did it.
        let since = |given: Option<u64>, count: Option<u64>, last: Option<i64>| {
            given.or(if never(count, last) { self.sends } else { None })
        };
        let so = since(self.sends_since_open, self.opens, self.last_open);
        let sc = since(self.sends_since_click, self.clicks, self.last_click);
        if alive(self.opens, so, self.last_open, s.open_weight)
            || alive(self.clicks, sc, self.last_click, s.click_weight)
        {
            return false;
        }
        let engaged_once =
            !never(self.opens, self.last_open) || !never(self.clicks, self.last_click);
        let established = self.sends.is_some_and(|n| n >= s.sends as u64)
            || self
                .first_send
                .is_some_and(|t| now - t >= s.days as i64 * DAY)
            || engaged_once;
        established && self.sends != Some(0)
    }
}

/// Read an engagement file into `sunset` and `engaged` records (see the [module docs](self)).
pub(crate) fn parse_engagement(
    file: &str,
    data: &[u8],
    stream: &str,
    checker: &Checker,
    policy: &Policy,
    now: i64,
) -> Result<Parsed, LoadError> {
    let header = String::from_utf8_lossy(data.split(|&b| b == b'\n').next().unwrap_or(&[]))
        .trim_start_matches('\u{feff}')
        .to_string();
    let cols: Vec<String> = header
        .split(',')
        .map(|c| c.trim().to_ascii_lowercase())
        .collect();
    let col = |name: &str| cols.iter().position(|c| c == name);
    let idx: Vec<Option<usize>> = COLUMNS.iter().map(|c| col(c)).collect();
    let parsed = parse_rows(file, data, stream, "engagement", |row, line, rec| {
        let cell = |i: usize| idx[i].and_then(|j| row.get(j)).unwrap_or("").trim();
        let count = |i: usize| -> Result<Option<u64>, (&'static str, String)> {
            let c = cell(i);
            if c.is_empty() {
                return Ok(None);
            }
            c.parse()
                .map(Some)
                .map_err(|_| ("bad_value", format!("{}: '{c}' is not a count", COLUMNS[i])))
        };
        let date = |i: usize| -> Result<Option<i64>, (&'static str, String)> {
            let c = cell(i);
            if c.is_empty() {
                return Ok(None);
            }
            parse_time(c)
                .map(Some)
                .ok_or(("bad_date", format!("{}: bad date '{c}'", COLUMNS[i])))
        };
        let address = cell(0);
        let canonical = checker
            .canonical(address)
            .map_err(|e| (e.kind().code(), e.to_string()))?;
        let e = Engagement {
            sends: count(1)?,
            opens: count(2)?,
            clicks: count(3)?,
            sends_since_open: count(4)?,
            sends_since_click: count(5)?,
            first_send: date(6)?,
            last_send: date(7)?,
            last_open: date(8)?,
            last_click: date(9)?,
        };
        let make = |reason, time: Option<i64>, sub: &str| {
            let mut r = SuppressionRecord::new(
                &canonical,
                address,
                reason,
                Scope::Marketing,
                ENGAGEMENT_SYSTEM,
            );
            r.event_time = time;
            r.sub_reason = Some(sub.into());
            r.source_stream = stream.into();
            r.provenance.file = file.into();
            r.provenance.line = line;
            r
        };
        let engaged = match (e.last_open, e.last_click) {
            (Some(o), Some(c)) if c >= o => Some((c, "click")),
            (Some(o), _) => Some((o, "open")),
            (None, Some(c)) => Some((c, "click")),
            (None, None) => None,
        };
        if let Some((t, what)) = engaged {
            rec.push(make(Reason::Engaged, Some(t), what));
        }
        if e.is_sunset(policy, now) {
            rec.push(make(
                Reason::Sunset,
                Some(e.last_send.unwrap_or(now)),
                "unengaged",
            ));
        }
        Ok(())
    })?;
    if idx[0].is_none() {
        return Err(LoadError::Format {
            file: file.into(),
            message: "engagement file lacks the address column".into(),
        });
    }
    Ok(parsed)
}
