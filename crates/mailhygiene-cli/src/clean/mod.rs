//! `mailhygiene clean`: clean a contact list against the address checks and suppression lists.
//!
//! The pipeline, and where each guarantee lives:
//! 1. [`input`]: read the file, remove a BOM, refuse bytes that are not UTF-8 (naming the
//!    line) unless `--encoding` says how to decode them; find the email column.
//! 2. [`scan`]: find records and the raw bytes of each field (delimiter sniffed from
//!    `,` `;` TAB `|`, or named by Excel's `sep=` first line, which is kept), so original
//!    cells can be written back exactly as read.
//! 3. [`engine`]: judge each email cell on all cores (the core's `Checker`, with per-domain
//!    work cached), look up [`suppress`]ion; then, in row order, mark duplicates of an
//!    earlier canonical key.
//! 4. [`policy`]: which categories reject a row.
//! 5. [`output`]: write kept and rejected rows to temporary files, renamed into place only
//!    after the count check *rows in = kept + rejected* passed; [`report`]: summary, JSON, HTML.
//!
//! "Byte-for-byte" means: the bytes of every original record between its first byte and its
//! line terminator are copied unchanged — quoting, spacing and line terminator included — with
//! two documented exceptions: a cell that a spreadsheet would run as a formula gets a `'`
//! inserted before its value (inside its quotes, if any) unless `--no-neutralize`, and with
//! `--fix-typos` the email cell of a fixed row holds the fixed address (the original is in
//! `mh_original`). Rows shorter than the header get empty cells so the appended columns stay
//! under their headers. Text that was decoded from another encoding (`--encoding`, a UTF-16
//! BOM) is written as UTF-8: byte-for-byte then holds for the decoded text.
pub mod engine;
pub mod input;
pub mod output;
pub mod policy;
pub mod report;
pub mod scan;
pub mod suppress;

use std::borrow::Cow;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use mailhygiene::suppression::MailKind;
use mailhygiene::Checker;
use rayon::prelude::*;

use engine::{CellJudge, Verdict};
use output::{Output, RowWriter};
use policy::{Category, Policy};
use report::{Collector, Count, ReportHead};
use suppress::{MergedList, SuppressionSource};

/// Clean a contact list: validate, de-duplicate, apply suppressions, flag and report.
///
/// Reads CONTACTS (CSV; delimiter, BOM and line endings detected), writes the kept rows to
/// --out and the rejected rows to --rejects, every original column unchanged, with
/// mh_status, mh_address, mh_canonical, mh_suggestion, mh_flags and mh_reason appended
/// (rejects also get mh_line).
///
/// Default policy: invalid, suppressed, duplicate and disposable rows are rejected; role,
/// typo, relay and free rows are kept and flagged. --drop and --keep change that.
#[derive(Args, Debug)]
pub struct CleanArgs {
    /// The contact list (CSV, TSV, semicolon- or pipe-separated).
    pub contacts: PathBuf,
    /// The email column: a header name (case-insensitive) or a 1-based number. Found by
    /// header (email, e-mail, Email Address, mail, …) when not given.
    #[arg(long)]
    pub column: Option<String>,
    /// Suppression lists: the master list from `merge`, raw ESP exports, address lists,
    /// SHA-256 hashed lists, or folders of them.
    #[arg(long, num_args = 1..)]
    pub suppressions: Vec<PathBuf>,
    /// Where kept rows go (default: CONTACTS with `.clean.csv`); `-` for standard output.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Where rejected rows go (default: CONTACTS with `.rejects.csv`).
    #[arg(long)]
    pub rejects: Option<PathBuf>,
    /// Write a report: `.html` (a page for people) or `.json`; may be given twice.
    #[arg(long)]
    pub report: Vec<PathBuf>,
    /// Replace a mistyped address by its suggestion (the original goes to mh_original).
    #[arg(long)]
    pub fix_typos: bool,
    /// Also reject these categories (invalid, suppressed, duplicate, disposable, typo, role,
    /// relay, free).
    #[arg(long, value_delimiter = ',')]
    pub drop: Vec<Category>,
    /// Keep these categories (flagged) instead of rejecting them.
    #[arg(long, value_delimiter = ',')]
    pub keep: Vec<Category>,
    /// Write cells that start with = + - @ TAB or CR as they are (by default they get a
    /// leading ' so that a spreadsheet shows them instead of running them).
    #[arg(long)]
    pub no_neutralize: bool,
    /// The delimiter, when sniffing guesses wrong (`,` `;` `|` or `tab`).
    #[arg(long)]
    pub delimiter: Option<String>,
    /// The file's encoding when it is not UTF-8 (windows-1252, iso-8859-15, shift_jis, …).
    #[arg(long)]
    pub encoding: Option<String>,
    /// The encoding of suppression files that are not UTF-8 (windows-1252, as Excel on
    /// Windows saves CSV, …). Files that are UTF-8 are read as UTF-8 whatever it says.
    #[arg(long)]
    pub suppressions_encoding: Option<String>,
    /// A file holding the key of HMAC-SHA-256 hashed suppression lists (`merge
    /// --hash-key-file`; its bytes, one trailing newline removed).
    #[arg(long, value_name = "FILE")]
    pub hash_key_file: Option<PathBuf>,
    /// No progress bar and no summary.
    #[arg(long, short)]
    pub quiet: bool,
}

/// The appended columns, in order.
pub const COLUMNS: [&str; 6] = [
    "mh_status",
    "mh_address",
    "mh_canonical",
    "mh_suggestion",
    "mh_flags",
    "mh_reason",
];

const CHUNK: usize = 8192;

/// Phase timings on stderr when `MAILHYGIENE_TIMINGS` is set (benchmarks): wall time and,
/// on Linux, the process's CPU time, which stays meaningful on a busy machine.
struct Timer(Option<(std::time::Instant, f64)>);

impl Timer {
    fn new() -> Self {
        Timer(
            std::env::var_os("MAILHYGIENE_TIMINGS")
                .map(|_| (std::time::Instant::now(), cpu_seconds())),
        )
    }
    fn lap(&mut self, phase: &str) {
        if let Some((t, cpu)) = self.0 {
            let now = cpu_seconds();
            eprintln!(
                "timing: {phase:<12} wall {:>7.3} s  cpu {:>7.3} s",
                t.elapsed().as_secs_f64(),
                now - cpu
            );
            self.0 = Some((std::time::Instant::now(), now));
        }
    }
}

/// User + system CPU seconds of this process (Linux; 0 elsewhere).
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // Fields after the command name (which is in parentheses and may hold spaces).
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // utime and stime are fields 14 and 15 of the whole line: 12 and 13 here; 100 ticks/s.
    (ticks(11) + ticks(12)) / 100.0
}

/// One chunk's output.
#[derive(Default)]
struct ChunkOut {
    kept: Vec<u8>,
    rejected: Vec<u8>,
    kept_rows: u64,
    rejected_rows: u64,
    collector: Collector,
    flags: String,
    reason: String,
}

impl ChunkOut {
    fn clear(&mut self) {
        self.kept.clear();
        self.rejected.clear();
        self.kept_rows = 0;
        self.rejected_rows = 0;
    }
}

/// What writing a row needs.
struct RowContext<'a> {
    data: &'a [u8],
    writer: RowWriter,
    policy: &'a Policy,
    column: usize,
    fix_typos: bool,
    header_term: &'a [u8],
}

impl RowContext<'_> {
    fn write_row(&self, o: &mut ChunkOut, table: &scan::Table, r: &scan::Record, v: &Verdict) {
        let data = self.data;
        let verdict = self.policy.verdict(v.categories);
        let original = (self.fix_typos && v.fixed)
            .then(|| table.raw_field(data, r, self.column))
            .flatten()
            .map(|raw| String::from_utf8_lossy(&scan::unescape(raw)).into_owned());
        // Our cells too: an address may start with `=` or `-`.
        let ours = [&v.address, &v.canonical, &v.suggestion, &original];
        let neutralize = self.writer.neutralize
            && ((0..r.fields as usize).any(|i| {
                let raw = table.raw_field(data, r, i).unwrap_or_default();
                output::is_formula_trigger(&raw[scan::value_offset(raw)..])
            }) || ours.iter().any(|c| {
                c.as_deref()
                    .is_some_and(|c| output::is_formula_trigger(c.as_bytes()))
            }));
        let flags = &mut o.flags;
        flags.clear();
        for c in v.categories.iter() {
            if !flags.is_empty() {
                flags.push(' ');
            }
            flags.push_str(c.code());
        }
        for (on, word) in [(v.fixed, "fixed"), (neutralize, "neutralized")] {
            if on {
                if !flags.is_empty() {
                    flags.push(' ');
                }
                flags.push_str(word);
            }
        }
        let reason = &mut o.reason;
        reason.clear();
        match verdict {
            None => {}
            Some(Category::Invalid) => {
                reason.push_str("invalid: ");
                reason.push_str(v.error.unwrap_or("invalid"));
            }
            Some(Category::Suppressed) => {
                let s = v.suppression.as_ref().expect("suppressed");
                reason.push_str("suppressed: ");
                reason.push_str(&s.reason);
                if !s.sources.is_empty() {
                    reason.push_str(" (");
                    reason.push_str(&s.sources.join(", "));
                    reason.push(')');
                }
            }
            Some(Category::Duplicate) => {
                reason.push_str("duplicate: line ");
                reason.push_str(&v.duplicate_of.unwrap_or(0).to_string());
            }
            Some(c) => reason.push_str(c.code()),
        }
        let replace = original
            .as_ref()
            .and(v.address.as_deref())
            .map(|a| (self.column, a));
        let line;
        let mut extra: [&str; 8] = [
            if verdict.is_none() {
                "kept"
            } else {
                "rejected"
            },
            v.address.as_deref().unwrap_or(""),
            v.canonical.as_deref().unwrap_or(""),
            v.suggestion.as_deref().unwrap_or(""),
            flags,
            reason,
            "",
            "",
        ];
        let mut n = COLUMNS.len();
        if self.fix_typos {
            extra[n] = original.as_deref().unwrap_or("");
            n += 1;
        }
        let term = match r.terminator(data) {
            b"" => self.header_term,
            t => t,
        };
        let wrote_neutralized = if verdict.is_none() {
            o.kept_rows += 1;
            self.writer
                .write(&mut o.kept, data, table, r, replace, &extra[..n], term)
        } else {
            o.rejected_rows += 1;
            line = r.line.to_string();
            extra[n] = &line;
            n += 1;
            self.writer
                .write(&mut o.rejected, data, table, r, replace, &extra[..n], term)
        };
        debug_assert!(!wrote_neutralized || neutralize);
        o.collector.add(
            v,
            verdict,
            v.typed_domain.as_deref(),
            neutralize,
            v.starts_duplicate_group,
        );
    }
}

/// The canonical keys seen so far, split into shards by hash so that each shard can be
/// walked in row order on its own thread. Keys are copied into one arena per shard.
struct SeenKeys {
    shards: Vec<Shard>,
}

#[derive(Default)]
struct Shard {
    table: hashbrown::HashTable<Seen>,
    arena: String,
}

/// A key seen, packed into 16 bytes: a million-row file's table is written all over, so each
/// byte of an entry is a byte of fresh memory.
#[derive(Clone, Copy)]
struct Seen {
    /// The key's start in the shard's arena (low 40 bits) and its length (high 24 bits: a
    /// canonical key is at most a few hundred bytes).
    text: u64,
    /// The line of the first row with the key, shifted left one; the low bit: whether the key
    /// has been repeated yet.
    line: u64,
}

impl Seen {
    fn new(start: usize, len: usize, line: u64) -> Self {
        debug_assert!(start < 1 << 40 && len < 1 << 24);
        Seen {
            text: start as u64 | (len as u64) << 40,
            line: line << 1,
        }
    }
    fn text<'a>(&self, arena: &'a str) -> &'a str {
        let start = (self.text & ((1 << 40) - 1)) as usize;
        &arena[start..start + (self.text >> 40) as usize]
    }
    fn first_line(&self) -> u64 {
        self.line >> 1
    }
    /// Note a repeat; whether it is the first.
    fn repeat(&mut self) -> bool {
        let first = self.line & 1 == 0;
        self.line |= 1;
        first
    }
}

/// The hash of a canonical key, as [`Verdict::key_hash`] holds it.
pub(crate) fn key_hash(key: &[u8]) -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = rustc_hash::FxBuildHasher.build_hasher();
    h.write(key);
    h.finish()
}

impl SeenKeys {
    /// Room for the keys of `rows` rows read from `bytes` bytes, reserved up front: growing
    /// tables and arenas by doubling copies them into fresh pages, which cost more than the
    /// lookups on this path.
    fn new(rows: usize, bytes: usize) -> Self {
        let n = (rayon::current_num_threads() * 2).max(1);
        let shards = (0..n)
            .map(|_| {
                let mut s = Shard::default();
                // Hashing spreads keys evenly; an eighth more absorbs the unevenness.
                s.table.reserve(rows / n + rows / n / 8, |_| 0);
                // Keys are about as long as the cells they come from, at most.
                s.arena.reserve(bytes / n);
                s
            })
            .collect();
        SeenKeys { shards }
    }

    /// Mark the duplicates in a batch of rows (later than every row seen before). A key
    /// belongs to the first row with it that `policy` keeps: a row rejected for its own reason
    /// (a typo dropped with `--drop typo`) must not take the next spelling of the same person
    /// down with it as its duplicate.
    fn mark(&mut self, verdicts: &mut [Vec<Verdict>], rows: &[scan::Record], policy: &Policy) {
        let n = self.shards.len() as u64;
        let found: Vec<(usize, u64, bool)> = self
            .shards
            .par_iter_mut()
            .enumerate()
            .flat_map_iter(|(shard, s)| {
                let mut out = Vec::new();
                let mut i = 0;
                for chunk in verdicts.iter() {
                    for v in chunk {
                        let row = i;
                        i += 1;
                        let Some(key) = v.canonical.as_deref() else {
                            continue;
                        };
                        if v.key_hash % n != shard as u64 {
                            continue;
                        }
                        let h = v.key_hash;
                        let arena = &s.arena;
                        match s.table.find_mut(h, |e| e.text(arena) == key) {
                            Some(e) => out.push((row, e.first_line(), e.repeat())),
                            None if policy.verdict(v.categories).is_some() => {}
                            None => {
                                let entry = Seen::new(s.arena.len(), key.len(), rows[row].line);
                                s.arena.push_str(key);
                                let arena = &s.arena;
                                s.table.insert_unique(h, entry, |e| {
                                    key_hash(e.text(arena).as_bytes())
                                });
                            }
                        }
                    }
                }
                out
            })
            .collect();
        let sizes: Vec<usize> = verdicts.iter().map(Vec::len).collect();
        for (row, first, starts_group) in found {
            // Chunks are CHUNK long except the last.
            let (ci, j) = (row / CHUNK, row % CHUNK);
            debug_assert!(j < sizes[ci]);
            let v = &mut verdicts[ci][j];
            v.categories.insert(Category::Duplicate);
            v.duplicate_of = Some(first);
            v.starts_duplicate_group = starts_group;
        }
    }
}

/// Run `clean`.
pub fn run(args: CleanArgs) -> Result<()> {
    let policy = Policy::new(&args.drop, &args.keep).map_err(anyhow::Error::msg)?;
    let checker = Checker::default();
    let paths = expand(&args.suppressions)?;
    let hash_key = args
        .hash_key_file
        .as_deref()
        .map(crate::merge::read_hash_key)
        .transpose()?;
    let load = || -> Result<(MergedList, Vec<Count>)> {
        let mut timer = Timer::new();
        let mut list = MergedList::new(MailKind::Marketing, &checker, hash_key.as_deref())
            .with_encoding(args.suppressions_encoding.as_deref());
        for (path, named, stream) in &paths {
            if !list.load(path, stream)? {
                if *named {
                    bail!(
                        "{}: not a suppression list (no known export format and no email column)",
                        path.display()
                    );
                }
                if !args.quiet {
                    eprintln!("note: skipped {}: not a suppression list", path.display());
                }
            }
        }
        list.finalize();
        timer.lap("suppressions");
        for w in &list.warnings {
            eprintln!("warning: {w}");
        }
        let counts = list
            .loaded
            .iter()
            .map(|(p, n)| Count {
                name: p.clone(),
                rows: *n,
            })
            .collect();
        Ok((list, counts))
    };
    let outcome = clean(&args, &policy, &checker, load)?;
    if !args.quiet {
        let text = outcome.summary();
        if args.out.as_deref() == Some(Path::new("-")) {
            eprint!("{text}");
        } else {
            print!("{text}");
        }
    }
    Ok(())
}

/// The files named, with folders walked (recursively, in name order), each with whether it
/// was named directly (a folder may hold files that are not lists, a README) and its stream:
/// the name of the file or folder given.
fn expand(paths: &[PathBuf]) -> Result<Vec<(PathBuf, bool, String)>> {
    fn walk(dir: &Path, stream: &str, out: &mut Vec<(PathBuf, bool, String)>) -> Result<()> {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .with_context(|| format!("reading {}", dir.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                !p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('.'))
            })
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(&p, stream, out)?;
            } else {
                let ext = p
                    .extension()
                    .map(|e| e.to_string_lossy().to_ascii_lowercase());
                if matches!(ext.as_deref(), Some("csv" | "tsv" | "txt" | "json")) {
                    out.push((p, false, stream.to_owned()));
                }
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    for p in paths {
        let stream = p
            .file_stem()
            .map_or_else(|| "list".to_owned(), |n| n.to_string_lossy().into_owned());
        if p.is_dir() {
            let before = out.len();
            walk(p, &stream, &mut out)?;
            if out.len() == before {
                bail!(
                    "{}: no suppression lists in this folder (.csv, .tsv, .txt or .json files)",
                    p.display()
                );
            }
        } else {
            out.push((p.clone(), true, stream));
        }
    }
    Ok(out)
}

/// Refuse outputs that would overwrite an input or each other: `--out contacts.csv` would
/// replace the list being cleaned with its kept rows only.
fn check_distinct_files(args: &CleanArgs, out: &Path, rejects: &Path) -> Result<()> {
    // The same file under any spelling (`./x/../a.csv`, a symbolic link). Outputs need not
    // exist yet, nor their folders: those are resolved by their names.
    let resolve = |p: &Path| -> PathBuf {
        if let Ok(real) = p.canonicalize() {
            return real;
        }
        let mut full = std::env::current_dir().unwrap_or_default();
        for part in p.components() {
            match part {
                std::path::Component::ParentDir => {
                    full.pop();
                }
                std::path::Component::CurDir => {}
                other => full.push(other),
            }
        }
        if let Ok(real) = full.canonicalize() {
            return real;
        }
        match (full.parent().map(Path::canonicalize), full.file_name()) {
            (Some(Ok(dir)), Some(name)) => dir.join(name),
            _ => full,
        }
    };
    let mut inputs = vec![("the contact list", resolve(&args.contacts))];
    for s in &args.suppressions {
        inputs.push(("a suppression list", resolve(s)));
    }
    let mut outputs = vec![("--out", out), ("--rejects", rejects)];
    outputs.extend(args.report.iter().map(|r| ("--report", r.as_path())));
    let mut seen: Vec<(&str, PathBuf)> = Vec::new();
    for (flag, path) in outputs {
        if path == Path::new("-") {
            continue; // standard output
        }
        let full = resolve(path);
        if let Some((what, _)) = inputs.iter().find(|(_, input)| full == *input) {
            bail!(
                "{flag} {} is {what}: it would be overwritten",
                path.display()
            );
        }
        if let Some((other, _)) = seen.iter().find(|(_, p)| *p == full) {
            bail!("{flag} and {other} name the same file, {}", path.display());
        }
        seen.push((flag, full));
    }
    Ok(())
}

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let stem = path
        .file_stem()
        .map_or_else(|| "contacts".into(), |s| s.to_string_lossy().into_owned());
    path.with_file_name(format!("{stem}{suffix}"))
}

/// What a run produced.
pub struct Outcome {
    /// The numbers.
    pub report: report::Report,
    /// Where kept rows went.
    pub out: PathBuf,
    /// Where rejected rows went.
    pub rejects: PathBuf,
    /// Reports written.
    pub reports: Vec<PathBuf>,
}

impl Outcome {
    /// The closing summary.
    pub fn summary(&self) -> String {
        let mut s = self.report.summary();
        s.push_str(&format!("kept rows:     {}\n", self.out.display()));
        s.push_str(&format!("rejected rows: {}\n", self.rejects.display()));
        for r in &self.reports {
            s.push_str(&format!("report:        {}\n", r.display()));
        }
        s
    }
}

/// Read and decode the contacts file: the decoded text, the length of an Excel `sep=` line
/// before the header (kept as it is on output), the delimiter, and the number of line feeds
/// (at least the number of records less one: the size of what is reserved for them).
fn read_contacts(args: &CleanArgs) -> Result<(input::Decoded, usize, u8, usize)> {
    let mut timer = Timer::new();
    let path = &args.contacts;
    let bytes = input::read_file(path)?;
    let decoded = input::decode(bytes, args.encoding.as_deref(), "--encoding")
        .with_context(|| path.display().to_string())?;
    let text = decoded.text();
    let (sep, pre) = match scan::excel_separator_line(text) {
        Some((d, len)) => (Some(d), len),
        None => (None, 0),
    };
    let data = &text[pre..];
    let delimiter = match args.delimiter.as_deref() {
        None => sep.unwrap_or_else(|| scan::sniff_delimiter(data)),
        Some("tab" | "TAB" | "\\t" | "\t") => b'\t',
        Some(d) if d.len() == 1 && d.is_ascii() => d.as_bytes()[0],
        Some(d) => bail!("--delimiter must be one ASCII character or 'tab', not '{d}'"),
    };
    let line_feeds = memchr::memchr_iter(b'\n', data).count();
    timer.lap("read");
    Ok((decoded, pre, delimiter, line_feeds))
}

/// Clean, loading the suppression source with `load` while the contacts are read.
pub fn clean<S: SuppressionSource + Send>(
    args: &CleanArgs,
    policy: &Policy,
    checker: &Checker,
    load: impl FnOnce() -> Result<(S, Vec<Count>)> + Send,
) -> Result<Outcome> {
    let path = &args.contacts;
    let (loaded, read) = rayon::join(load, || read_contacts(args));
    let (decoded, pre, delimiter, line_feeds) = read?;
    let (suppressions, suppression_lists) = loaded?;
    let suppressions = &suppressions;
    let mut timer = Timer::new();
    let data = &decoded.text()[pre..];
    // The rows are scanned a batch at a time, each batch while the one before is judged: a
    // million rows' field positions would be ~90 MB of fresh memory.
    let first_line = 1 + u64::from(pre > 0);
    let mut scanner = scan::Scanner::new(data, delimiter, first_line);
    let scan_error = |e: scan::ScanError| anyhow::Error::new(e).context(path.display().to_string());
    let mut head = scan::Table::default();
    scanner.next_into(1, &mut head).map_err(scan_error)?;
    let mut blank_lines = head.blank_lines.len() as u64;
    let Some(header) = head.records.first().copied() else {
        bail!("{}: the file is empty", path.display());
    };
    let cell_text = |table: &scan::Table, r: &scan::Record, i: usize| -> Option<Cow<'_, str>> {
        let raw = table.raw_field(data, r, i)?;
        // `data` is valid UTF-8 and fields split at ASCII bytes, so each field is too.
        Some(match scan::unescape(raw) {
            Cow::Borrowed(b) => Cow::Borrowed(std::str::from_utf8(b).expect("UTF-8")),
            Cow::Owned(v) => Cow::Owned(String::from_utf8(v).expect("UTF-8")),
        })
    };
    let headers: Vec<Cow<'_, str>> = (0..header.fields as usize)
        .map(|i| cell_text(&head, &header, i).unwrap_or_default())
        .collect();
    // A list pasted into a file often has no header: its first line is an address. A header
    // never is one.
    let is_address = |i: usize| checker.check(headers[i].as_ref()).valid;
    let (column, headerless) = match input::find_column(&headers, args.column.as_deref()) {
        Ok(c) => (c, is_address(c)),
        Err(e) => match (0..headers.len())
            .filter(|&i| is_address(i))
            .collect::<Vec<_>>()[..]
        {
            [c] if args.column.is_none() => (c, true),
            _ => return Err(e.context(path.display().to_string())),
        },
    };
    // Without a header the first line is a row, and the outputs get a header of their own.
    let own_header = headerless.then(|| {
        (0..header.fields as usize)
            .map(|i| match i == column {
                true => "email".to_owned(),
                false => format!("column{}", i + 1),
            })
            .collect::<Vec<_>>()
            .join(&char::from(delimiter).to_string())
    });
    if headerless {
        scanner = scan::Scanner::new(data, delimiter, first_line);
        blank_lines = 0;
    }
    if let Some(h) = headers
        .iter()
        .filter(|_| !headerless)
        .find(|h| COLUMNS.contains(&h.trim()) || h.trim() == "mh_line")
    {
        bail!(
            "{}: the file already has a \"{h}\" column; clean the original list instead of a cleaned one",
            path.display()
        );
    }

    // Rows are records, and records end at line feeds (or the end).
    let rows_expected = line_feeds.saturating_sub(1).max(1);
    let progress = if args.quiet || !std::io::stderr().is_terminal() {
        ProgressBar::hidden()
    } else {
        let pb = ProgressBar::with_draw_target(
            Some(rows_expected as u64),
            ProgressDrawTarget::stderr_with_hz(8),
        );
        pb.set_style(
            ProgressStyle::with_template(
                "{bar:40.cyan/blue} {human_pos}/{human_len} rows  {per_sec}  ETA {eta}",
            )
            .expect("template"),
        );
        pb
    };

    // 5. Write.
    let writer = RowWriter {
        delimiter,
        neutralize: !args.no_neutralize,
        columns: header.fields as usize,
    };
    let out_path = args
        .out
        .clone()
        .unwrap_or_else(|| sibling(path, ".clean.csv"));
    let rejects_path = args
        .rejects
        .clone()
        .unwrap_or_else(|| sibling(path, ".rejects.csv"));
    check_distinct_files(args, &out_path, &rejects_path)?;
    let mut kept_out = Output::create(&out_path)?;
    let mut rejects_out = Output::create(&rejects_path)?;
    let header_term: &[u8] = match header.terminator(data) {
        b"" => b"\n",
        t => t,
    };
    let mut extra_names: Vec<&str> = COLUMNS.to_vec();
    if args.fix_typos {
        extra_names.push("mh_original");
    }
    for (out, rejects) in [(&mut kept_out, false), (&mut rejects_out, true)] {
        let mut buf = Vec::new();
        if decoded.utf8_bom {
            buf.extend_from_slice(b"\xEF\xBB\xBF");
        }
        buf.extend_from_slice(&decoded.text()[..pre]);
        let mut names = extra_names.clone();
        if rejects {
            names.push("mh_line");
        }
        match &own_header {
            Some(text) => {
                let own = scan::scan(text.as_bytes(), delimiter, 1).map_err(scan_error)?;
                if let Some(record) = own.records.first() {
                    writer.write(
                        &mut buf,
                        text.as_bytes(),
                        &own,
                        record,
                        None,
                        &names,
                        header_term,
                    );
                }
            }
            None => {
                writer.write(&mut buf, data, &head, &header, None, &names, header_term);
            }
        }
        out.write_all(&buf).context("writing output")?;
    }

    let row_ctx = RowContext {
        data,
        writer,
        policy,
        column,
        fix_typos: args.fix_typos,
        header_term,
    };
    let mut seen = SeenKeys::new(rows_expected, data.len());
    // Rows go through in batches: judged in parallel chunks, duplicates marked in row
    // order (one thread per key shard), formatted in parallel into reused buffers, then
    // written in order by a thread of their own while the next batch is judged. Memory stays
    // bounded by two batches, plus the keys seen.
    let threads = rayon::current_num_threads().max(1);
    let (full_tx, full_rx) = std::sync::mpsc::sync_channel::<Vec<ChunkOut>>(1);
    let (empty_tx, empty_rx) = std::sync::mpsc::channel::<Vec<ChunkOut>>();
    for _ in 0..2 {
        let buffers = (0..threads * 4).map(|_| ChunkOut::default()).collect();
        empty_tx.send(buffers).expect("the receiver is alive");
    }
    let writing = move |kept_out: &mut Output, rejects_out: &mut Output| -> Result<_> {
        let mut collector = Collector::default();
        let mut written = (0u64, 0u64);
        for mut buffers in full_rx {
            for o in &mut buffers {
                kept_out.write_all(&o.kept).context("writing kept rows")?;
                rejects_out
                    .write_all(&o.rejected)
                    .context("writing rejected rows")?;
                written.0 += o.kept_rows;
                written.1 += o.rejected_rows;
                collector.merge(std::mem::take(&mut o.collector));
                o.clear();
            }
            // Fails only once judging has stopped; the buffers are then not needed.
            let _ = empty_tx.send(buffers);
        }
        Ok((collector, written))
    };
    // A batch's verdicts, judged on all threads in chunks (duplicates are marked after).
    let judge = |table: &scan::Table, batch: &[scan::Record]| -> Vec<Vec<Verdict>> {
        batch
            .par_chunks(CHUNK)
            .map(|chunk| {
                let mut cached = CellJudge::new(checker);
                let mut verdicts: Vec<Verdict> = chunk
                    .iter()
                    .map(|r| {
                        if r.fields > header.fields {
                            // Its cells may have shifted: the email column is not to be trusted.
                            return Verdict::invalid("extra_fields");
                        }
                        let cell = cell_text(table, r, column);
                        cached.verdict(cell.as_deref(), args.fix_typos)
                    })
                    .collect();
                verdicts.iter_mut().for_each(|v| v.suppress(suppressions));
                verdicts
            })
            .collect()
    };
    let ((collector, written), rows_in) = std::thread::scope(|s| -> Result<_> {
        let writer = s.spawn(|| writing(&mut kept_out, &mut rejects_out));
        let batch_rows = CHUNK * threads * 4;
        let (mut table, mut ahead) = (scan::Table::default(), scan::Table::default());
        let mut scanned = scanner.next_into(batch_rows, &mut table);
        let mut rows_in = 0u64;
        while scanned.is_ok() {
            blank_lines += table.blank_lines.len() as u64;
            let batch = &table.records[..];
            if batch.is_empty() {
                break;
            }
            rows_in += batch.len() as u64;
            // Fails only when the writer stopped on an error, which `join` returns below.
            let Ok(mut buffers) = empty_rx.recv() else {
                break;
            };
            let (next, mut verdicts) = rayon::join(
                || scanner.next_into(batch_rows, &mut ahead),
                || judge(&table, batch),
            );
            seen.mark(&mut verdicts, batch, policy);
            buffers[..verdicts.len()]
                .par_iter_mut()
                .zip(batch.par_chunks(CHUNK))
                .zip(&verdicts)
                .for_each(|((o, records), vs)| {
                    for (r, v) in records.iter().zip(vs) {
                        row_ctx.write_row(o, &table, r, v);
                    }
                });
            if full_tx.send(buffers).is_err() {
                break;
            }
            progress.inc(batch.len() as u64);
            scanned = next;
            std::mem::swap(&mut table, &mut ahead);
        }
        drop(full_tx);
        let written = writer
            .join()
            .map_err(|_| anyhow::anyhow!("internal error: the writing thread panicked"))??;
        scanned.map_err(scan_error)?;
        Ok((written, rows_in))
    })?;
    progress.finish_and_clear();
    timer.lap("write");

    // Nothing is lost: every data row is in exactly one of the two outputs.
    let (counted, kept, rejected) = collector.totals();
    if written.0 + written.1 != rows_in || counted != rows_in || (kept, rejected) != written {
        bail!(
            "internal error: {rows_in} rows in but {} kept + {} rejected were written \
             ({counted} counted); no output was written",
            written.0,
            written.1
        );
    }
    let report = collector.finish(
        ReportHead {
            input: path.display().to_string(),
            column: match headerless {
                true => format!("column {} (no header)", column + 1),
                false => headers[column].to_string(),
            },
            delimiter: match delimiter {
                b'\t' => "\\t".to_owned(),
                d => (d as char).to_string(),
            },
            encoding: decoded.encoding.to_owned(),
            blank_lines,
            suppression_lists,
        },
        policy,
    );
    // Reports first, outputs last: a failing report write leaves no half-done run.
    let mut report_outs = Vec::new();
    for p in &args.report {
        let text = match p.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("json") => report.to_json(),
            Some(e) if e.eq_ignore_ascii_case("html") || e.eq_ignore_ascii_case("htm") => {
                report.to_html()
            }
            _ => bail!(
                "--report {}: the name must end in .html or .json",
                p.display()
            ),
        };
        let mut o = Output::create(p)?;
        o.write_all(text.as_bytes())
            .with_context(|| format!("writing {}", p.display()))?;
        report_outs.push(o);
    }
    for o in report_outs {
        o.commit()?;
    }
    rejects_out.commit()?;
    kept_out.commit()?;
    timer.lap("commit");
    Ok(Outcome {
        report,
        out: out_path,
        rejects: rejects_path,
        reports: args.report.clone(),
    })
}
