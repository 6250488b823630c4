//! Outputs: the master list and what each stream is missing; formats on [`MASTER_HEADER`].
use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::{Deserialize, Serialize};

use super::clock::{civil_date, parse_time, push_clock, push_digits, push_time};
use super::import::System;
use super::list::{LoadError, Parsed, StreamInfo, StreamKind, SuppressionList, MASTER_SYSTEM};
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
    pub fn write_csv<W: Write>(&self, writer: W) -> io::Result<BTreeMap<Reason, u64>> {
        let none: &mut [(&str, Vec<Vec<u8>>)] = &mut [];
        Ok(self.write_outputs(Some(writer), none)?.master)
    }

    /// The master rows that `stream` is missing: their scope covers the stream and its own
    /// export held no record with the same reason and a covering scope.
    pub fn missing_for(&self, stream: &str) -> Vec<MasterRow> {
        let mut out = Vec::new();
        let transactional = self.is_transactional(stream);
        self.for_each_active(|k, actives, pool, group, cx| {
            for a in actives {
                if covers_stream(self, a, stream, transactional)
                    && !held(self, group, cx, a, stream)
                {
                    out.push(self.row(k, a, pool));
                }
            }
        });
        out
    }

    /// What `stream` is missing, rendered in the import format of its system (declared with
    /// [`SuppressionList::set_stream`] or seen when loading; generic CSV when unknown).
    pub fn export_missing(&self, stream: &str) -> MissingExport {
        let names = self.missing_file_names(stream);
        let mut missing = [(stream, vec![Vec::new(); names.len()])];
        let report = self
            .write_outputs(None::<Vec<u8>>, &mut missing)
            .expect("writing into memory cannot fail")
            .missing
            .remove(0);
        let [(_, bytes)] = missing;
        let files = names
            .into_iter()
            .zip(bytes)
            .filter(|(name, _)| report.files.contains(name))
            .collect();
        MissingExport { files, report }
    }

    /// The files of `stream`'s missing export, in the order
    /// [`write_outputs`](Self::write_outputs) takes their writers: its system's import files,
    /// then `<stream>.unexpressed.csv`, which holds rows only when something could not be
    /// expressed ([`MissingReport::files`] names the files that are part of the export).
    pub fn missing_file_names(&self, stream: &str) -> Vec<String> {
        let target = Target::of(self.stream_info(stream).system);
        target
            .files()
            .iter()
            .map(|(suffix, _)| format!("{stream}.{suffix}"))
            .chain([format!("{stream}.unexpressed.csv")])
            .collect()
    }

    /// Write the master list (when `master` is given) and what each stream of `missing` is
    /// missing, in one pass over the keys on all threads. Each `missing` entry is a stream and
    /// one writer per file of [`missing_file_names`](Self::missing_file_names). Every writer is
    /// flushed. The bytes are those of [`write_csv`](Self::write_csv) and
    /// [`export_missing`](Self::export_missing).
    pub fn write_outputs<M: Write, W: Write>(
        &self,
        mut master: Option<M>,
        missing: &mut [(&str, Vec<W>)],
    ) -> io::Result<OutputCounts> {
        let plans: Vec<Plan> = missing
            .iter()
            .map(|(stream, files)| {
                let plan = Plan::new(self, stream);
                assert_eq!(
                    files.len(),
                    plan.target.files().len() + 1,
                    "one writer per file of missing_file_names({stream})"
                );
                plan
            })
            .collect();
        if let Some(w) = &mut master {
            w.write_all(MASTER_HEADER.as_bytes())?;
            w.write_all(b"\n")?;
        }
        for (plan, (_, files)) in plans.iter().zip(missing.iter_mut()) {
            for ((_, header), w) in plan.target.files().iter().zip(files.iter_mut()) {
                if let Some(h) = header {
                    w.write_all(h.as_bytes())?;
                    w.write_all(b"\n")?;
                }
            }
            if plan.target == Target::Postmark {
                files[0].write_all(b"{\n  \"Suppressions\": [")?;
            }
            let unexpressed = files.last_mut().expect("one file at least");
            unexpressed.write_all(MASTER_HEADER.as_bytes())?;
            unexpressed.write_all(b",fidelity_loss\n")?;
        }
        let mut master_rows = [0u64; Reason::ALL.len()];
        let mut counts: Vec<MissingCounts> =
            plans.iter().map(|_| MissingCounts::default()).collect();
        let with_master = master.is_some();
        // Written parts come back for the next ones: fresh memory is expensive to touch.
        let spent = std::sync::Mutex::new(Vec::new());
        let init = || {
            let reused = spent.lock().unwrap_or_else(|e| e.into_inner()).pop();
            reused.unwrap_or_else(|| Part::new(with_master, &plans))
        };
        let render =
            |p: &mut Part, k: u32, actives: &[Active], pool: &[u32], group: &[Entry], cx: &Ctx| {
                p.render_key(self, &plans, k, actives, pool, group, cx);
            };
        self.par_for_each_active(init, render, |mut part| {
            if let (Some(w), Some(m)) = (&mut master, &mut part.master) {
                write_out(w, m)?;
            }
            for (n, c) in master_rows.iter_mut().zip(&mut part.master_rows) {
                *n += std::mem::take(c);
            }
            for (((plan, (_, files)), count), mp) in plans
                .iter()
                .zip(missing.iter_mut())
                .zip(&mut counts)
                .zip(&mut part.missing)
            {
                for (w, csv) in files.iter_mut().zip(&mut mp.files) {
                    write_out(w, csv)?;
                }
                if plan.target == Target::Postmark && !mp.json.is_empty() {
                    // Items start with ",\n"; the array's first has no comma.
                    let skip = usize::from(count.written.iter().sum::<u64>() == 0);
                    files[0].write_all(&mp.json[skip..])?;
                    mp.json.clear();
                }
                count.add(&std::mem::take(&mut mp.counts));
            }
            spent.lock().unwrap_or_else(|e| e.into_inner()).push(part);
            Ok::<(), io::Error>(())
        })?;
        let mut reports = Vec::with_capacity(plans.len());
        for ((plan, (stream, files)), count) in plans.iter().zip(missing.iter_mut()).zip(counts) {
            if plan.target == Target::Postmark {
                let end: &[u8] = if count.written.iter().sum::<u64>() > 0 {
                    b"\n  ]\n}"
                } else {
                    b"]\n}"
                };
                files[0].write_all(end)?;
            }
            for w in files.iter_mut() {
                w.flush()?;
            }
            reports.push(count.report(plan, stream));
        }
        if let Some(w) = &mut master {
            w.flush()?;
        }
        Ok(OutputCounts {
            master: Reason::ALL
                .iter()
                .zip(master_rows)
                .filter(|(_, n)| *n > 0)
                .map(|(r, n)| (*r, n))
                .collect(),
            missing: reports,
        })
    }
}

/// What [`SuppressionList::write_outputs`] wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutputCounts {
    /// Master rows per reason (none when the master list was not written).
    pub master: BTreeMap<Reason, u64>,
    /// One report per stream, in the order given.
    pub missing: Vec<MissingReport>,
}

/// How one stream's missing export is rendered.
struct Plan<'a> {
    stream: &'a str,
    info: StreamInfo,
    target: Target,
    transactional: bool,
}

impl<'a> Plan<'a> {
    fn new(list: &SuppressionList, stream: &'a str) -> Self {
        let info = list.stream_info(stream);
        Plan {
            stream,
            info,
            target: Target::of(info.system),
            transactional: list.is_transactional(stream),
        }
    }
}

/// Counts of one stream's missing export, by reason index and by fidelity note.
#[derive(Default)]
struct MissingCounts {
    written: [u64; Reason::ALL.len()],
    lossy: Vec<(&'static str, u64)>,
    unexpressed: Vec<(&'static str, u64)>,
    folded: u64,
}

fn bump(notes: &mut Vec<(&'static str, u64)>, note: &'static str, n: u64) {
    match notes.iter_mut().find(|(x, _)| *x == note) {
        Some((_, c)) => *c += n,
        None => notes.push((note, n)),
    }
}

impl MissingCounts {
    fn add(&mut self, other: &MissingCounts) {
        for (a, b) in self.written.iter_mut().zip(other.written) {
            *a += b;
        }
        for &(note, n) in &other.lossy {
            bump(&mut self.lossy, note, n);
        }
        for &(note, n) in &other.unexpressed {
            bump(&mut self.unexpressed, note, n);
        }
        self.folded += other.folded;
    }

    fn report(self, plan: &Plan, stream: &str) -> MissingReport {
        let notes = |v: Vec<(&str, u64)>| -> BTreeMap<String, u64> {
            v.into_iter().map(|(k, n)| (k.to_string(), n)).collect()
        };
        let written: BTreeMap<String, u64> = Reason::ALL
            .iter()
            .zip(self.written)
            .filter(|(_, n)| *n > 0)
            .map(|(r, n)| (r.code().to_string(), n))
            .collect();
        let unexpressed = notes(self.unexpressed);
        let unexpressed_rows: u64 = unexpressed.values().sum();
        let mut files: Vec<String> = plan
            .target
            .files()
            .iter()
            .map(|(suffix, _)| format!("{stream}.{suffix}"))
            .collect();
        if unexpressed_rows > 0 {
            files.push(format!("{stream}.unexpressed.csv"));
        }
        MissingReport {
            stream: stream.into(),
            system: plan.info.system.map_or("generic", System::code).into(),
            kind: plan.info.kind,
            rows: written.values().sum::<u64>() + unexpressed_rows,
            written,
            lossy: notes(self.lossy),
            unexpressed,
            folded: self.folded,
            files,
        }
    }
}

/// Write the rows a part's CSV writer holds to `out` and empty it for the next part.
fn write_out(out: &mut impl Write, w: &mut csv::Writer<Vec<u8>>) -> io::Result<()> {
    let full = std::mem::replace(w, csv_writer(Vec::new()));
    let mut bytes = full
        .into_inner()
        .map_err(|e| io::Error::other(e.to_string()))?;
    out.write_all(&bytes)?;
    bytes.clear();
    *w = csv_writer(bytes);
    Ok(())
}

fn csv_writer(buffer: Vec<u8>) -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .has_headers(false)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(buffer)
}

/// One stream's share of a [`Part`].
struct MissingPart {
    /// The target's files, then the unexpressed rows.
    files: Vec<csv::Writer<Vec<u8>>>,
    /// Postmark's JSON items, each starting with `,\n`.
    json: Vec<u8>,
    counts: MissingCounts,
}

/// The outputs of one part of the keys, rendered into memory; reused buffers for the cells.
struct Part {
    master: Option<csv::Writer<Vec<u8>>>,
    master_rows: [u64; Reason::ALL.len()],
    missing: Vec<MissingPart>,
    since: String,
    expires: String,
    sources: String,
    text: String,
    comment: String,
    labels: Vec<u32>,
    /// Per stream, the native files the current key already has a row in.
    done: Vec<[bool; 3]>,
}

/// The note for restrictions that spare critical mail, on a transactional stream.
const SPARES_CRITICAL: &str = "spares critical transactional mail, which this stream's list \
     cannot tell apart: check status() before each non-critical send";

impl Part {
    fn new(master: bool, plans: &[Plan]) -> Part {
        Part {
            master: master.then(|| csv_writer(Vec::with_capacity(1 << 20))),
            master_rows: [0; Reason::ALL.len()],
            missing: plans
                .iter()
                .map(|p| MissingPart {
                    files: (0..=p.target.files().len())
                        .map(|_| csv_writer(Vec::with_capacity(1 << 16)))
                        .collect(),
                    json: Vec::new(),
                    counts: MissingCounts::default(),
                })
                .collect(),
            since: String::new(),
            expires: String::new(),
            sources: String::new(),
            text: String::new(),
            comment: String::new(),
            labels: Vec::new(),
            done: vec![[false; 3]; plans.len()],
        }
    }

    /// Render one key's rows: its master rows and, per stream, the rows it is missing.
    #[allow(clippy::too_many_arguments)]
    fn render_key(
        &mut self,
        list: &SuppressionList,
        plans: &[Plan],
        k: u32,
        actives: &[Active],
        pool: &[u32],
        group: &[Entry],
        cx: &Ctx,
    ) {
        let key = list.key_text(k);
        let address = list.address_of(k);
        self.done.iter_mut().for_each(|d| *d = [false; 3]);
        for a in actives {
            self.since.clear();
            if a.since != UNDATED {
                push_time(&mut self.since, a.since);
            }
            self.expires.clear();
            if a.expires != NEVER {
                push_time(&mut self.expires, a.expires);
            }
            self.labels.clear();
            for &o in &pool[a.src_start as usize..(a.src_start + a.src_len) as usize] {
                self.labels.extend(&cx.t.origin_labels[o as usize]);
            }
            self.labels.sort_unstable();
            self.labels.dedup();
            self.sources.clear();
            for (i, &l) in self.labels.iter().enumerate() {
                if i > 0 {
                    self.sources.push(';');
                }
                self.sources.push_str(&cx.t.labels[l as usize]);
            }
            let master_cells = [
                key,
                address,
                a.reason.code(),
                &cx.t.scope_text[a.scope as usize],
                &self.since,
                &self.expires,
                &self.sources,
            ];
            // Writing into memory cannot fail.
            if let Some(w) = &mut self.master {
                let _ = w.write_record(master_cells);
                self.master_rows[a.reason as usize] += 1;
            }
            for ((plan, out), done) in plans.iter().zip(&mut self.missing).zip(&mut self.done) {
                if !covers_stream(list, a, plan.stream, plan.transactional)
                    || held(list, group, cx, a, plan.stream)
                {
                    continue;
                }
                let expr = if a.spares_critical && plan.info.kind == StreamKind::Transactional {
                    Expr::None(SPARES_CRITICAL)
                } else {
                    plan.target.express(a.reason)
                };
                let (file, code, loss) = match expr {
                    Expr::None(note) => {
                        bump(&mut out.counts.unexpressed, note, 1);
                        let unexpressed = out.files.last_mut().expect("one file at least");
                        let _ = unexpressed.write_record(master_cells.iter().chain(&[note]));
                        continue;
                    }
                    Expr::Native { file, code, loss } => (file, code, loss),
                };
                // One line per address and file in native lists: the first (most restrictive)
                // row wins. The generic format keeps every row, as the master list does.
                if plan.target != Target::Generic && done[file] {
                    out.counts.folded += 1;
                    continue;
                }
                done[file] = true;
                out.counts.written[a.reason as usize] += 1;
                if let Some(note) = loss {
                    bump(&mut out.counts.lossy, note, 1);
                }
                let w = &mut out.files[file];
                let _ = match plan.target {
                    Target::Postmark => {
                        // The body of POST /message-streams/{stream}/suppressions
                        // (postmarkapp.com/developer/api/suppressions-api), as
                        // serde_json::to_vec_pretty writes it; the API takes batches, so split
                        // it before sending.
                        out.json
                            .extend_from_slice(b",\n    {\n      \"EmailAddress\": ");
                        let _ = serde_json::to_writer(&mut out.json, address);
                        out.json.extend_from_slice(b"\n    }");
                        Ok(())
                    }
                    Target::Ses => w.write_record([address, code]),
                    Target::Sendgrid | Target::Mailchimp | Target::Klaviyo => {
                        w.write_record([address])
                    }
                    Target::Mailgun => {
                        self.text.clear();
                        if a.since != UNDATED {
                            push_rfc2822(&mut self.text, a.since);
                        }
                        match code {
                            "550" => {
                                self.comment.clear();
                                self.comment.push_str("mailhygiene: ");
                                self.comment.push_str(a.reason.code());
                                w.write_record([address, code, &self.comment, &self.text])
                            }
                            "*" => w.write_record([address, code, &self.text]),
                            _ => w.write_record([address, &self.text]),
                        }
                    }
                    Target::Mandrill => {
                        self.text.clear();
                        self.text.push_str("mailhygiene: ");
                        self.text.push_str(a.reason.code());
                        self.text.push_str(" (");
                        self.text.push_str(&self.sources);
                        self.text.push(')');
                        w.write_record([address, code, &self.text])
                    }
                    Target::Generic => w.write_record(master_cells),
                };
            }
        }
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
}

/// RFC 2822 date in UTC, as Mailgun's import reads it (`Fri, 21 Oct 2011 11:02:55 UTC`),
/// appended to `buf`.
fn push_rfc2822(buf: &mut String, t: i64) {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (y, m, d) = civil_date(t);
    buf.push_str(DAYS[t.div_euclid(DAY).rem_euclid(7) as usize]);
    buf.push_str(", ");
    push_digits(buf, d, 2);
    buf.push(' ');
    buf.push_str(MONTHS[(m - 1) as usize]);
    buf.push(' ');
    if (0..=9999).contains(&y) {
        push_digits(buf, y, 4);
    } else {
        use std::fmt::Write;
        let _ = write!(buf, "{y:04}");
    }
    buf.push(' ');
    push_clock(buf, t.rem_euclid(DAY));
    buf.push_str(" UTC");
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
                let line = row
                    .position()
                    .map_or(line, |p| super::import::table::record_start(data, p).1);
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
                    line: e
                        .position()
                        .map_or(line, |p| super::import::table::record_start(data, p).1),
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
    use crate::suppression::{format_time, StreamInfo};

    /// The rendering before outputs were streamed: one `MasterRow` at a time, cells as strings,
    /// every file built in memory. The streamed writer must match it byte for byte.
    mod reference {
        use super::*;

        fn opt_time(t: Option<i64>) -> String {
            t.map(format_time).unwrap_or_default()
        }

        fn rfc2822(t: Option<i64>) -> String {
            let mut s = String::new();
            if let Some(t) = t {
                push_rfc2822(&mut s, t);
            }
            s
        }

        fn cells(row: &MasterRow) -> Vec<String> {
            vec![
                row.canonical.clone(),
                row.address.clone(),
                row.reason.code().into(),
                row.scope.to_string(),
                opt_time(row.since),
                opt_time(row.expires),
                row.sources.join(";"),
            ]
        }

        fn target_cells(target: Target, row: &MasterRow, code: &str) -> Vec<String> {
            match target {
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
                Target::Generic => cells(row),
            }
        }

        fn writer() -> csv::Writer<Vec<u8>> {
            csv::WriterBuilder::new()
                .has_headers(false)
                .terminator(csv::Terminator::Any(b'\n'))
                .from_writer(Vec::new())
        }

        pub fn master(list: &SuppressionList) -> Vec<u8> {
            let mut w = writer();
            w.write_record(MASTER_HEADER.split(',')).unwrap();
            for row in list.rows() {
                w.write_record(cells(&row)).unwrap();
            }
            w.into_inner().unwrap()
        }

        pub fn export_missing(list: &SuppressionList, stream: &str) -> MissingExport {
            let info = list.stream_info(stream);
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
            unexpressed
                .write_record(MASTER_HEADER.split(',').chain(["fidelity_loss"]))
                .unwrap();
            let mut report = MissingReport {
                stream: stream.into(),
                system: info.system.map_or("generic", System::code).into(),
                kind: info.kind,
                ..Default::default()
            };
            let mut postmark = Vec::new();
            let (mut last_key, mut files_done) = (String::new(), Vec::new());
            let mut writers: Vec<csv::Writer<Vec<u8>>> = files.iter().map(|_| writer()).collect();
            for row in list.missing_for(stream) {
                let expr = if row.spares_critical && info.kind == StreamKind::Transactional {
                    Expr::None(SPARES_CRITICAL)
                } else {
                    target.express(row.reason)
                };
                match expr {
                    Expr::None(note) => {
                        *report.unexpressed.entry(note.into()).or_insert(0) += 1;
                        let mut c = cells(&row);
                        c.push(note.into());
                        unexpressed.write_record(&c).unwrap();
                    }
                    Expr::Native { file, code, loss } => {
                        if last_key != row.canonical {
                            last_key.clone_from(&row.canonical);
                            files_done.clear();
                        }
                        if target != Target::Generic && files_done.contains(&file) {
                            report.folded += 1;
                            continue;
                        }
                        files_done.push(file);
                        *report.written.entry(row.reason.code().into()).or_insert(0) += 1;
                        if let Some(note) = loss {
                            *report.lossy.entry(note.into()).or_insert(0) += 1;
                        }
                        if target == Target::Postmark {
                            postmark.push(serde_json::json!({ "EmailAddress": row.address }));
                            continue;
                        }
                        writers[file]
                            .write_record(target_cells(target, &row, code))
                            .unwrap();
                    }
                }
            }
            for (w, (_, bytes)) in writers.into_iter().zip(files.iter_mut()) {
                bytes.extend(w.into_inner().unwrap());
            }
            if target == Target::Postmark {
                files[0].1 =
                    serde_json::to_vec_pretty(&serde_json::json!({ "Suppressions": postmark }))
                        .unwrap();
            }
            report.rows =
                report.written.values().sum::<u64>() + report.unexpressed.values().sum::<u64>();
            if report.unexpressed.values().sum::<u64>() > 0 {
                files.push((
                    format!("{stream}.unexpressed.csv"),
                    unexpressed.into_inner().unwrap(),
                ));
            }
            report.files = files.iter().map(|(n, _)| n.clone()).collect();
            MissingExport { files, report }
        }
    }

    /// The example exports of every system, one stream each, plus records whose cells need
    /// quoting, undated and future records, narrow scopes and a stream of unknown system.
    fn example_list() -> (SuppressionList, Vec<&'static str>) {
        let mut list = SuppressionList::default();
        list.set_now(parse_time("2024-09-01T00:00:00Z").unwrap());
        let exports =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/exports");
        let streams = [
            ("news", "mailchimp"),
            ("shop", "mailgun"),
            ("tx", "mandrill"),
            ("sg", "sendgrid"),
            ("ses", "ses"),
            ("pm", "postmark"),
            ("brevo", "brevo"),
            ("sfmc", "sfmc"),
            ("hub", "hubspot"),
            ("kl", "klaviyo"),
        ];
        for (stream, dir) in streams {
            let kind = if matches!(stream, "tx" | "ses" | "pm") {
                StreamKind::Transactional
            } else {
                StreamKind::Marketing
            };
            list.set_stream(stream, StreamInfo { kind, system: None });
            list.load_path(&exports.join(dir), None, stream).unwrap();
        }
        let t = parse_time("2024-03-01T10:00:00Z").unwrap();
        for (i, (address, reason, scope, stream)) in [
            (
                "\"odd,local\"@example.com",
                Reason::HardBounce,
                Scope::All,
                "shop",
            ),
            ("quote\"d@example.com", Reason::Complaint, Scope::All, "sg"),
            ("x@example.com", Reason::Manual, Scope::All, "crm"),
            (
                "x@example.com",
                Reason::Unsubscribe,
                Scope::Topic("a,b".into()),
                "shop",
            ),
            (
                "y@example.com",
                Reason::Unsubscribe,
                Scope::Stream("news".into()),
                "crm",
            ),
            ("z@example.com", Reason::Erasure, Scope::All, "crm"),
        ]
        .into_iter()
        .enumerate()
        {
            let mut r = SuppressionRecord::new("", address, reason, scope, "generic");
            r.source_stream = stream.into();
            // Every third undated; the rest spread over the year, one in the future.
            r.event_time = (i % 3 != 0).then_some(t + i as i64 * 40 * DAY);
            list.add(r);
        }
        let mut names: Vec<&str> = streams.iter().map(|(s, _)| *s).collect();
        names.push("crm");
        (list, names)
    }

    #[test]
    fn streamed_outputs_match_the_in_memory_rendering() {
        let (list, streams) = example_list();
        let mut master = Vec::new();
        let mut missing: Vec<(&str, Vec<Vec<u8>>)> = streams
            .iter()
            .map(|s| (*s, vec![Vec::new(); list.missing_file_names(s).len()]))
            .collect();
        let counts = list.write_outputs(Some(&mut master), &mut missing).unwrap();
        assert_eq!(
            String::from_utf8(master).unwrap(),
            String::from_utf8(reference::master(&list)).unwrap()
        );
        let rows: u64 = counts.master.values().sum();
        assert_eq!(rows as usize, list.rows().len());
        for ((stream, files), report) in missing.into_iter().zip(counts.missing) {
            let expected = reference::export_missing(&list, stream);
            assert_eq!(report, expected.report, "{stream}");
            let names = list.missing_file_names(stream);
            let got: Vec<(String, String)> = names
                .into_iter()
                .zip(files)
                .filter(|(n, _)| report.files.contains(n))
                .map(|(n, b)| (n, String::from_utf8(b).unwrap()))
                .collect();
            let want: Vec<(String, String)> = expected
                .files
                .into_iter()
                .map(|(n, b)| (n, String::from_utf8(b).unwrap()))
                .collect();
            assert_eq!(got, want, "{stream}");
            assert_eq!(
                list.export_missing(stream),
                reference::export_missing(&list, stream)
            );
        }
    }

    #[test]
    fn an_empty_postmark_export_is_an_empty_array() {
        let mut list = SuppressionList::default();
        list.set_stream(
            "pm",
            StreamInfo {
                kind: StreamKind::Marketing,
                system: Some(System::Postmark),
            },
        );
        let export = list.export_missing("pm");
        assert_eq!(export.files.len(), 1);
        assert_eq!(export.files[0].1, b"{\n  \"Suppressions\": []\n}");
        assert_eq!(export, reference::export_missing(&list, "pm"));
    }

    #[test]
    fn rfc2822_by_hand() {
        // 2011-10-21 11:02:55 UTC was a Friday (Mailgun's documented example).
        let t = parse_time("2011-10-21T11:02:55Z").unwrap();
        let mut s = String::new();
        push_rfc2822(&mut s, t);
        assert_eq!(s, "Fri, 21 Oct 2011 11:02:55 UTC");
    }

    #[test]
    fn repeat_from_expiry() {
        let p = Policy::default();
        assert_eq!(repeat_of(0, 90 * DAY, &p), 1);
        assert_eq!(repeat_of(0, 180 * DAY, &p), 2);
        assert_eq!(repeat_of(0, 360 * DAY, &p), 3);
    }
}
