//! Outputs: the master list and what each stream is missing; formats on [`MASTER_HEADER`].
use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use super::clock::{format_time, parse_time};
use super::import::System;
use super::list::{LoadError, Parsed, StreamKind, SuppressionList, MASTER_SYSTEM};
use super::merge::{Active, Ctx, Entry, NEVER, SCOPE_ALL, SCOPE_MARKETING, UNDATED};
use super::policy::{Policy, DAY};
use super::record::{Provenance, Reason, Reject, Scope, SuppressionRecord};

/// The master list's header. The outputs:
///
/// ## Master list
///
/// `canonical,address,reason,scope,since,expires,sources` — one row per canonical key, reason and
/// effective scope that is active at the list's present, sorted by `canonical`, then most
/// restrictive first. Keeping every (reason, scope) rather than only the top one makes the file
/// lossless: read back next week and merged with new evidence (a delivery clearing a hard bounce),
/// the restrictions beneath are still there.
///
/// - `canonical`: the key; `address`: the smallest spelling seen.
/// - `reason`: a restriction code (`erasure` … `sunset`).
/// - `scope`: `all`, `marketing`, `list:<id>`, `group:<id>`, `topic:<id>`, `stream:<id>`, after
///   the policy's scope rules. A complaint is `all` and spares critical transactional mail by
///   policy; the reader applies the same policy.
/// - `since`: RFC 3339 UTC, the latest event time of the row's records — the time new clearing
///   evidence must post-date; empty when any of them is undated (nothing then clears it).
/// - `expires`: RFC 3339 UTC for escalations, otherwise empty (never by time).
/// - `sources`: `system:stream` labels, `;`-separated, sorted.
///
/// ## Missing per stream
///
/// For a stream, the rows whose scope covers it (all mail; marketing and its own
/// `stream:<name>` when it is a marketing stream) and that its own export did not hold (no record
/// from that stream with the same reason and a covering scope), written as the stream's system
/// imports them. Each restriction is expressed exactly, with a fidelity loss (a nearest native
/// reason), or not at all; the last go to `<stream>.unexpressed.csv` (master columns plus
/// `fidelity_loss`). See [`MissingExport`].
pub const MASTER_HEADER: &str = "canonical,address,reason,scope,since,expires,sources";

/// One row of the master list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MasterRow {
    /// The canonical key.
    pub canonical: String,
    /// The smallest spelling of the address seen.
    pub address: String,
    /// The restriction.
    pub reason: Reason,
    /// The effective scope.
    pub scope: Scope,
    /// Whether critical transactional mail is spared (not a CSV column: it follows from the
    /// reason and the policy).
    pub spares_critical: bool,
    /// Latest event time; `None` when undated.
    pub since: Option<i64>,
    /// Expiry; `None`: never by time.
    pub expires: Option<i64>,
    /// `system:stream` labels.
    pub sources: Vec<String>,
}

/// `t` as RFC 3339 into `buf`, or empty when it is `none`.
fn time_into(buf: &mut String, t: i64, none: i64) {
    buf.clear();
    if t != none {
        buf.push_str(&format_time(t));
    }
}

fn opt_time(t: Option<i64>) -> String {
    t.map(format_time).unwrap_or_default()
}

impl MasterRow {
    fn cells(&self) -> [String; 7] {
        [
            self.canonical.clone(),
            self.address.clone(),
            self.reason.code().into(),
            self.scope.to_string(),
            opt_time(self.since),
            opt_time(self.expires),
            self.sources.join(";"),
        ]
    }
}

impl SuppressionList {
    fn row(&self, k: u32, a: &Active, pool: &[u32]) -> MasterRow {
        MasterRow {
            canonical: self.key_text(k).into(),
            address: self.address_of(k).into(),
            reason: a.reason,
            scope: self.scope_of(a.scope).clone(),
            spares_critical: a.spares_critical,
            since: (a.since != UNDATED).then_some(a.since),
            expires: (a.expires != NEVER).then_some(a.expires),
            sources: self.origin_labels(pool, a),
        }
    }

    /// The master list at the present, in output order (see [`MASTER_HEADER`]).
    pub fn rows(&self) -> Vec<MasterRow> {
        let mut out = Vec::new();
        self.for_each_active(|k, actives, pool, _, _| {
            out.extend(actives.iter().map(|a| self.row(k, a, pool)));
        });
        out
    }

    /// Write the master list CSV (header included). Returns the number of rows per reason.
    pub fn write_csv<W: Write>(&self, mut writer: W) -> io::Result<BTreeMap<Reason, u64>> {
        writer.write_all(MASTER_HEADER.as_bytes())?;
        writer.write_all(b"\n")?;
        let mut counts = BTreeMap::new();
        // Rows are rendered in parallel parts with borrowed cells and reused buffers: this runs
        // once per row of a multi-million-row list.
        let init = || {
            let w = csv::WriterBuilder::new()
                .has_headers(false)
                .terminator(csv::Terminator::Any(b'\n'))
                .from_writer(Vec::with_capacity(1 << 20));
            (w, [0u64; 8])
        };
        let render = |(w, n): &mut (csv::Writer<Vec<u8>>, [u64; 8]),
                      k: u32,
                      actives: &[Active],
                      pool: &[u32],
                      _: &[Entry],
                      cx: &Ctx| {
            let mut labels: Vec<&str> = Vec::new();
            let (mut since, mut expires, mut sources) =
                (String::new(), String::new(), String::new());
            for a in actives {
                time_into(&mut since, a.since, UNDATED);
                time_into(&mut expires, a.expires, NEVER);
                labels.clear();
                for &o in &pool[a.src_start as usize..(a.src_start + a.src_len) as usize] {
                    labels.extend(cx.t.origin_labels[o as usize].iter().map(String::as_str));
                }
                labels.sort_unstable();
                labels.dedup();
                sources.clear();
                for (i, l) in labels.iter().enumerate() {
                    if i > 0 {
                        sources.push(';');
                    }
                    sources.push_str(l);
                }
                // Writing into memory cannot fail.
                let _ = w.write_record([
                    self.key_text(k),
                    self.address_of(k),
                    a.reason.code(),
                    &cx.t.scope_text[a.scope as usize],
                    &since,
                    &expires,
                    &sources,
                ]);
                n[a.reason as usize] += 1;
            }
        };
        self.par_for_each_active(init, render, |(w, n)| {
            let bytes = w
                .into_inner()
                .map_err(|e| io::Error::other(e.to_string()))?;
            writer.write_all(&bytes)?;
            for (r, c) in Reason::ALL.iter().zip(n) {
                if c > 0 {
                    *counts.entry(*r).or_insert(0) += c;
                }
            }
            Ok::<(), io::Error>(())
        })?;
        writer.flush()?;
        Ok(counts)
    }

    /// The master rows that `stream` is missing: their scope covers the stream and its own
    /// export held no record with the same reason and a covering scope.
    pub fn missing_for(&self, stream: &str) -> Vec<MasterRow> {
        let mut out = Vec::new();
        self.visit_missing(stream, |row| out.push(row));
        out
    }

    /// [`missing_for`](Self::missing_for) one row at a time, without collecting them.
    fn visit_missing(&self, stream: &str, mut f: impl FnMut(MasterRow)) {
        let transactional = self.is_transactional(stream);
        self.for_each_active(|k, actives, pool, group, cx| {
            for a in actives {
                if covers_stream(self, a, stream, transactional)
                    && !held(self, group, cx, a, stream)
                {
                    f(self.row(k, a, pool));
                }
            }
        });
    }

    /// What `stream` is missing, rendered in the import format of its system (declared with
    /// [`SuppressionList::set_stream`] or seen when loading; generic CSV when unknown).
    pub fn export_missing(&self, stream: &str) -> MissingExport {
        let info = self.stream_info(stream);
        let target = Target::of(info.system);
        let mut files: Vec<(String, Vec<u8>)> = target
            .files()
            .iter()
            .map(|(suffix, header)| {
                let mut buf = Vec::new();
                if let Some(h) = header {
                    buf.extend_from_slice(h.as_bytes());
                    buf.push(b'\n');
                }
                (format!("{stream}.{suffix}"), buf)
            })
            .collect();
        let mut unexpressed = csv::Writer::from_writer(Vec::new());
        let _ = unexpressed.write_record(MASTER_HEADER.split(',').chain(["fidelity_loss"]));
        let mut report = MissingReport {
            stream: stream.into(),
            system: info.system.map_or("generic", System::code).into(),
            kind: info.kind,
            ..Default::default()
        };
        let mut postmark = Vec::new();
        let (mut last_key, mut files_done) = (String::new(), Vec::new());
        let mut writers: Vec<csv::Writer<Vec<u8>>> = files
            .iter_mut()
            .map(|(_, header)| {
                csv::WriterBuilder::new()
                    .has_headers(false)
                    .terminator(csv::Terminator::Any(b'\n'))
                    .from_writer(std::mem::take(header))
            })
            .collect();
        self.visit_missing(stream, |row| {
            let expr = if row.spares_critical && info.kind == StreamKind::Transactional {
                Expr::None(
                    "spares critical transactional mail, which this stream's list cannot tell \
                     apart: check status() before each non-critical send",
                )
            } else {
                target.express(row.reason)
            };
            let reason = row.reason.code().to_string();
            match expr {
                Expr::None(note) => {
                    *report.unexpressed.entry(note.into()).or_insert(0) += 1;
                    let mut cells = row.cells().to_vec();
                    cells.push(note.into());
                    let _ = unexpressed.write_record(&cells);
                }
                Expr::Native { file, code, loss } => {
                    // One line per address and file in native lists: the first (most restrictive) row
                    // wins. The generic format keeps every row, as the master list does.
                    if last_key != row.canonical {
                        last_key.clone_from(&row.canonical);
                        files_done.clear();
                    }
                    if target != Target::Generic && files_done.contains(&file) {
                        report.folded += 1;
                        return;
                    }
                    files_done.push(file);
                    *report.written.entry(reason).or_insert(0) += 1;
                    if let Some(note) = loss {
                        *report.lossy.entry(note.into()).or_insert(0) += 1;
                    }
                    if target == Target::Postmark {
                        postmark.push(serde_json::json!({ "EmailAddress": row.address }));
                        return;
                    }
                    let _ = writers[file].write_record(target.cells(&row, code));
                }
            }
        });
        for (w, (_, bytes)) in writers.into_iter().zip(files.iter_mut()) {
            *bytes = w.into_inner().unwrap_or_default();
        }
        if target == Target::Postmark {
            // The body of POST /message-streams/{stream}/suppressions (postmarkapp.com/developer/
            // api/suppressions-api); the API takes batches, so split it before sending.
            files[0].1 =
                serde_json::to_vec_pretty(&serde_json::json!({ "Suppressions": postmark }))
                    .expect("JSON of strings");
        }
        report.rows =
            report.written.values().sum::<u64>() + report.unexpressed.values().sum::<u64>();
        let unexpressed = unexpressed.into_inner().unwrap_or_default();
        if report.unexpressed.values().sum::<u64>() > 0 {
            files.push((format!("{stream}.unexpressed.csv"), unexpressed));
        }
        report.files = files.iter().map(|(n, _)| n.clone()).collect();
        MissingExport { files, report }
    }
}

/// Whether an active restriction covers a whole stream.
fn covers_stream(list: &SuppressionList, a: &Active, stream: &str, transactional: bool) -> bool {
    match a.scope {
        SCOPE_ALL => true,
        SCOPE_MARKETING => !transactional,
        s => !transactional && matches!(list.scope_of(s), Scope::Stream(x) if x == stream),
    }
}

/// Whether the stream's own export held a record with this reason and a covering scope.
fn held(list: &SuppressionList, group: &[Entry], cx: &Ctx, a: &Active, stream: &str) -> bool {
    group.iter().any(|e| {
        e.reason == a.reason
            && list.origin_stream(e.origin) == stream
            && cx.scopes[cx.effective(e.reason, e.scope).0 as usize]
                .covers(&cx.scopes[a.scope as usize])
    })
}

/// What one stream is missing, ready to write: `(file name, bytes)` pairs to put in a folder,
/// and counts for the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingExport {
    /// `(file name, content)`: `<stream>.<format>` (Mailgun: three files, one per list), plus
    /// `<stream>.unexpressed.csv` when something could not be expressed.
    pub files: Vec<(String, Vec<u8>)>,
    /// Counts and fidelity notes.
    pub report: MissingReport,
}

/// Counts of one stream's missing export.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MissingReport {
    /// The stream.
    pub stream: String,
    /// The system whose format was written (`generic` when unknown).
    pub system: String,
    /// Marketing or transactional.
    pub kind: StreamKind,
    /// Missing rows in all.
    pub rows: u64,
    /// Rows written in the native format, per reason.
    pub written: BTreeMap<String, u64>,
    /// Rows written with a fidelity loss, per note.
    pub lossy: BTreeMap<String, u64>,
    /// Rows that could not be expressed (written to `<stream>.unexpressed.csv`), per note.
    pub unexpressed: BTreeMap<String, u64>,
    /// Rows not written because a more restrictive row already wrote the same address to the
    /// same file (native lists hold one entry per address).
    pub folded: u64,
    /// The files written.
    pub files: Vec<String>,
}

/// A system's import format for suppressions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Ses,
    Sendgrid,
    Mailgun,
    Postmark,
    Mandrill,
    Mailchimp,
    Klaviyo,
    Generic,
}

/// How a restriction is written in a target.
enum Expr {
    Native {
        file: usize,
        code: &'static str,
        loss: Option<&'static str>,
    },
    None(&'static str),
}

const NO_EXPIRY: &str =
    "its import has no expiry, so a temporary escalation or sunset would become permanent";

impl Target {
    fn of(system: Option<System>) -> Target {
        match system {
            Some(System::Ses) => Target::Ses,
            Some(System::Sendgrid) => Target::Sendgrid,
            Some(System::Mailgun) => Target::Mailgun,
            Some(System::Postmark) => Target::Postmark,
            Some(System::Mandrill) => Target::Mandrill,
            Some(System::Mailchimp) => Target::Mailchimp,
            Some(System::Klaviyo) => Target::Klaviyo,
            // Brevo, SFMC and HubSpot imports are contact imports with attributes whose names
            // are unverified (research §1.1); a generic CSV is safer than a guessed format.
            _ => Target::Generic,
        }
    }

    /// `(suffix, header line)` of each file, in `Expr::Native::file` order.
    fn files(self) -> &'static [(&'static str, Option<&'static str>)] {
        match self {
            // SES CreateImportJob CSV: `email,reason` rows, no header (research §1.1).
            Target::Ses => &[("ses.csv", None)],
            // SendGrid's suppression import takes global unsubscribes: one `email` column.
            Target::Sendgrid => &[("sendgrid.csv", Some("email"))],
            // Mailgun's three import endpoints and their headers (documentation.mailgun.com
            // …/bounces-import, …/unsubscribes-import, …/complaints-import).
            Target::Mailgun => &[
                ("mailgun-bounces.csv", Some("address,code,error,created_at")),
                ("mailgun-unsubscribes.csv", Some("address,tags,created_at")),
                ("mailgun-complaints.csv", Some("address,created_at")),
            ],
            Target::Postmark => &[("postmark.json", None)],
            // Mandrill rejects/add: email and a comment; the reason is always `custom`.
            Target::Mandrill => &[("mandrill.csv", Some("email,reason,comment"))],
            // Mailchimp audience import, imported with status "unsubscribed".
            Target::Mailchimp => &[("mailchimp.csv", Some("Email Address"))],
            // Klaviyo suppressed-profile upload (USER_SUPPRESSED).
            Target::Klaviyo => &[("klaviyo.csv", Some("Email"))],
            Target::Generic => &[("csv", Some(MASTER_HEADER))],
        }
    }

    fn express(self, reason: Reason) -> Expr {
        use Reason::*;
        let native = |file, code, loss| Expr::Native { file, code, loss };
        match (self, reason) {
            (Target::Generic, _) => native(0, "", None),
            (_, SoftBounceEscalated | Sunset) => Expr::None(NO_EXPIRY),
            (Target::Ses, HardBounce | Invalid) => native(0, "BOUNCE", None),
            (Target::Ses, Complaint) => native(0, "COMPLAINT", None),
            (Target::Ses, Erasure | Manual) => native(
                0,
                "BOUNCE",
                Some(
                    "SES has no erasure or manual reason: written as BOUNCE, which stops all mail",
                ),
            ),
            (Target::Ses, _) => Expr::None(
                "SES's suppression list takes only BOUNCE and COMPLAINT: unsubscribes belong in \
                 contact-list topics or the sending application",
            ),
            (Target::Sendgrid, Unsubscribe) => native(0, "", None),
            (Target::Sendgrid, _) => native(
                0,
                "",
                Some("SendGrid imports only unsubscribes: written as a global unsubscribe"),
            ),
            (Target::Mailgun, HardBounce | Invalid) => native(0, "550", None),
            (Target::Mailgun, Erasure | Manual) => native(
                0,
                "550",
                Some("Mailgun has no manual or erasure list: written as a bounce"),
            ),
            (Target::Mailgun, Unsubscribe) => native(1, "*", None),
            (Target::Mailgun, Complaint) => native(2, "", None),
            (Target::Mailgun, _) => Expr::None(NO_EXPIRY),
            (Target::Postmark, Manual | Unsubscribe) => native(0, "ManualSuppression", None),
            (Target::Postmark, _) => native(
                0,
                "ManualSuppression",
                Some("Postmark imports only ManualSuppression"),
            ),
            (Target::Mandrill, Manual) => native(0, "custom", None),
            (Target::Mandrill, _) => {
                native(0, "custom", Some("Mandrill imports only custom rejections"))
            }
            (Target::Mailchimp, Unsubscribe) => native(0, "", None),
            (Target::Mailchimp, _) => native(
                0,
                "",
                Some("Mailchimp imports suppressions only as unsubscribed contacts"),
            ),
            (Target::Klaviyo, Manual) => native(0, "USER_SUPPRESSED", None),
            (Target::Klaviyo, _) => native(
                0,
                "USER_SUPPRESSED",
                Some("Klaviyo imports suppressions only as USER_SUPPRESSED"),
            ),
        }
    }

    /// The CSV cells of a row.
    fn cells(self, row: &MasterRow, code: &str) -> Vec<String> {
        let rfc2822 = |t: Option<i64>| t.map(format_rfc2822).unwrap_or_default();
        let cells: Vec<String> = match self {
            Target::Ses => vec![row.address.clone(), code.into()],
            Target::Sendgrid | Target::Mailchimp | Target::Klaviyo | Target::Postmark => {
                vec![row.address.clone()]
            }
            Target::Mailgun => match code {
                "550" => vec![
                    row.address.clone(),
                    code.into(),
                    format!("mailhygiene: {}", row.reason),
                    rfc2822(row.since),
                ],
                "*" => vec![row.address.clone(), code.into(), rfc2822(row.since)],
                _ => vec![row.address.clone(), rfc2822(row.since)],
            },
            Target::Mandrill => vec![
                row.address.clone(),
                code.into(),
                format!("mailhygiene: {} ({})", row.reason, row.sources.join(";")),
            ],
            Target::Generic => row.cells().to_vec(),
        };
        cells
    }
}

/// RFC 2822 date in UTC, as Mailgun's import reads it (`Fri, 21 Oct 2011 11:02:55 UTC`).
fn format_rfc2822(t: i64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let iso = format_time(t); // YYYY-MM-DDTHH:MM:SSZ
    let month: usize = iso[5..7].parse().unwrap_or(1);
    format!(
        "{}, {} {} {} {} UTC",
        DAYS[t.div_euclid(DAY).rem_euclid(7) as usize],
        &iso[8..10],
        MONTHS[month - 1],
        &iso[0..4],
        &iso[11..19]
    )
}

/// The escalation number whose expiry is `expires` for an escalation at `since`.
fn repeat_of(since: i64, expires: i64, policy: &Policy) -> u32 {
    let p = &policy.escalation;
    if p.expiry_multiplier < 2 {
        return 1;
    }
    let mut k = 1u32;
    let mut span = p.expiry_days as i64 * DAY;
    while k < 64 && since.saturating_add(span) < expires {
        span = span.saturating_mul(p.expiry_multiplier as i64);
        k += 1;
    }
    k
}

/// Read a master list CSV into records (see [`MASTER_HEADER`]).
pub(crate) fn parse_master(
    file: &str,
    data: &[u8],
    stream: &str,
    policy: &Policy,
) -> Result<Parsed, LoadError> {
    parse_rows(file, data, stream, "master", |row, line, rec| {
        let m = master_cells(policy, |i| row.get(i).unwrap_or("").trim(), str::parse)?;
        let mut r =
            SuppressionRecord::new(m.canonical, m.address, m.reason, m.scope, MASTER_SYSTEM);
        r.event_time = m.since;
        r.sub_reason = repeat_sub_reason(m.repeat);
        r.source_account = m.sources.map(Into::into);
        r.source_stream = stream.into();
        r.provenance = Provenance {
            file: file.into(),
            line,
        };
        rec.push(r);
        Ok(())
    })
}

/// One master row's cells, checked (see [`MASTER_HEADER`]); `S` is the parsed scope.
pub(crate) struct MasterCells<'a, S> {
    pub canonical: &'a str,
    /// The `address` cell, or the key when it is empty.
    pub address: &'a str,
    pub reason: Reason,
    pub scope: S,
    pub since: Option<i64>,
    /// The escalation number (`repeat:N`); 1 when the row is not a repeated escalation.
    pub repeat: u32,
    /// The `sources` cell, when not empty.
    pub sources: Option<&'a str>,
}

/// Check a master row, given its trimmed cells by index (`""` when missing) and a scope parser
/// (a caller may cache scopes). The one place the master rows' rules live: both loading paths
/// use it.
pub(crate) fn master_cells<'a, S>(
    policy: &Policy,
    cell: impl Fn(usize) -> &'a str,
    parse_scope: impl FnOnce(&'a str) -> Result<S, String>,
) -> Result<MasterCells<'a, S>, (&'static str, String)> {
    let canonical = cell(0);
    if canonical.is_empty() {
        return Err(("missing_address", "empty canonical key".into()));
    }
    let c = restriction_cells(policy, cell(2), cell(3), cell(4), cell(5), parse_scope)?;
    let address = match cell(1) {
        "" => canonical,
        a => a,
    };
    let sources = Some(cell(6)).filter(|s| !s.is_empty());
    Ok(MasterCells {
        canonical,
        address,
        reason: c.reason,
        scope: c.scope,
        since: c.since,
        repeat: c.repeat,
        sources,
    })
}

/// The sub-reason that records escalation number `repeat`.
pub(crate) fn repeat_sub_reason(repeat: u32) -> Option<String> {
    (repeat > 1).then(|| format!("repeat:{repeat}"))
}

/// A restriction record from master / hashed cells (canonical, reason, scope, since, expires).
pub(crate) fn restriction_record(
    policy: &Policy,
    canonical: &str,
    reason: &str,
    scope: &str,
    since: &str,
    expires: &str,
) -> Result<SuppressionRecord, (&'static str, String)> {
    let c = restriction_cells(policy, reason, scope, since, expires, str::parse)?;
    let mut r = SuppressionRecord::new(canonical, canonical, c.reason, c.scope, MASTER_SYSTEM);
    r.event_time = c.since;
    r.sub_reason = repeat_sub_reason(c.repeat);
    Ok(r)
}

/// The restriction cells of a master or hashed row, checked.
struct RestrictionCells<S> {
    reason: Reason,
    scope: S,
    since: Option<i64>,
    /// See [`MasterCells::repeat`].
    repeat: u32,
}

/// Reason, scope, since and escalation number of master / hashed cells.
fn restriction_cells<'a, S>(
    policy: &Policy,
    reason: &str,
    scope: &'a str,
    since: &str,
    expires: &str,
    parse_scope: impl FnOnce(&'a str) -> Result<S, String>,
) -> Result<RestrictionCells<S>, (&'static str, String)> {
    let reason: Reason = reason.parse().map_err(|m| ("bad_reason", m))?;
    if !reason.is_restriction() {
        return Err(("bad_reason", format!("'{reason}' is not a restriction")));
    }
    let scope = parse_scope(scope).map_err(|m| ("bad_scope", m))?;
    let time = |s: &str| -> Result<Option<i64>, (&'static str, String)> {
        if s.is_empty() {
            Ok(None)
        } else {
            parse_time(s)
                .map(Some)
                .ok_or(("bad_date", format!("bad date '{s}'")))
        }
    };
    let since = time(since)?;
    let expires = time(expires)?;
    let repeat = match (reason, since, expires) {
        (Reason::SoftBounceEscalated, Some(s), Some(e)) => repeat_of(s, e, policy),
        _ => 1,
    };
    Ok(RestrictionCells {
        reason,
        scope,
        since,
        repeat,
    })
}

/// Shared CSV loop of our own formats: every data row is used or rejected.
pub(crate) fn parse_rows(
    file: &str,
    data: &[u8],
    stream: &str,
    format: &str,
    mut each: impl FnMut(
        &csv::StringRecord,
        u64,
        &mut Vec<SuppressionRecord>,
    ) -> Result<(), (&'static str, String)>,
) -> Result<Parsed, LoadError> {
    let data = data.strip_prefix("\u{feff}".as_bytes()).unwrap_or(data);
    let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(data);
    let mut parsed = Parsed {
        file: file.into(),
        stream: stream.into(),
        format: format.into(),
        // One record per line (our own formats): grow once instead of by doubling, which on a
        // million-row list copies and faults in hundreds of megabytes.
        records: Vec::with_capacity(data.iter().filter(|&&b| b == b'\n').count()),
        rejects: Vec::new(),
        rows_read: 0,
        rows_used: 0,
    };
    let mut row = csv::StringRecord::new();
    loop {
        let line = rdr.position().line();
        match rdr.read_record(&mut row) {
            Ok(false) => break,
            Ok(true) => {
                parsed.rows_read += 1;
                let line = row.position().map_or(line, |p| p.line());
                match each(&row, line, &mut parsed.records) {
                    Ok(()) => parsed.rows_used += 1,
                    Err((code, message)) => parsed.rejects.push(Reject {
                        file: file.into(),
                        line,
                        code: code.into(),
                        message,
                        raw: row.iter().collect::<Vec<_>>().join(","),
                    }),
                }
            }
            Err(e) => {
                parsed.rows_read += 1;
                parsed.rejects.push(Reject {
                    file: file.into(),
                    line: e.position().map_or(line, |p| p.line()),
                    code: "unreadable_row".into(),
                    message: e.to_string(),
                    raw: String::new(),
                });
                if !matches!(e.kind(), csv::ErrorKind::Utf8 { .. }) {
                    return Err(LoadError::Format {
                        file: file.into(),
                        message: e.to_string(),
                    });
                }
            }
        }
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc2822_by_hand() {
        // 2011-10-21 11:02:55 UTC was a Friday (Mailgun's documented example).
        let t = parse_time("2011-10-21T11:02:55Z").unwrap();
        assert_eq!(format_rfc2822(t), "Fri, 21 Oct 2011 11:02:55 UTC");
    }

    #[test]
    fn repeat_from_expiry() {
        let p = Policy::default();
        assert_eq!(repeat_of(0, 90 * DAY, &p), 1);
        assert_eq!(repeat_of(0, 180 * DAY, &p), 2);
        assert_eq!(repeat_of(0, 360 * DAY, &p), 3);
    }
}
