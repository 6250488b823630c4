//! `mailhygiene clean`: clean a contact list against the address checks and suppression lists.
//!
//! The pipeline, and where each guarantee lives:
//! 1. [`input`]: read the file, remove a BOM, refuse bytes that are not UTF-8 (naming the
//!    line) unless `--encoding` says how to decode them; find the email column.
//! 2. [`scan`]: find records and the raw bytes of each field (delimiter sniffed from
//!    `,` `;` TAB `|`), so original cells can be written back exactly as read.
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
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::{bail, Context, Result};
use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use mailhygiene::Checker;
use rayon::prelude::*;
use rustc_hash::FxHashMap;

use engine::{CachedChecker, Verdict};
use output::{Output, RowWriter};
use policy::{Category, Policy};
use report::{Collector, Count, ReportHead};
use suppress::{SimpleList, SuppressionSource};

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

/// Run `clean`.
pub fn run(args: CleanArgs) -> Result<()> {
    let policy = Policy::new(&args.drop, &args.keep).map_err(anyhow::Error::msg)?;
    let checker = Checker::default();
    let mut list = SimpleList::default();
    for path in expand(&args.suppressions)? {
        list.load(&path, &checker)?;
    }
    let suppression_lists = list
        .loaded
        .iter()
        .map(|(p, n)| Count {
            name: p.clone(),
            rows: *n as u64,
        })
        .collect();
    let outcome = clean(&args, &policy, &checker, &list, suppression_lists)?;
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

fn expand(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut files: Vec<PathBuf> = std::fs::read_dir(p)
                .with_context(|| format!("reading {}", p.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.is_file()
                        && !p
                            .file_name()
                            .is_some_and(|n| n.to_string_lossy().starts_with('.'))
                })
                .collect();
            files.sort();
            out.extend(files);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
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

/// Clean with a loaded suppression source.
pub fn clean(
    args: &CleanArgs,
    policy: &Policy,
    checker: &Checker,
    suppressions: &dyn SuppressionSource,
    suppression_lists: Vec<Count>,
) -> Result<Outcome> {
    let path = &args.contacts;
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let decoded = input::decode(bytes, args.encoding.as_deref())
        .with_context(|| path.display().to_string())?;
    let data = &decoded.text[..];
    let delimiter = match args.delimiter.as_deref() {
        None => scan::sniff_delimiter(data),
        Some("tab" | "TAB" | "\\t" | "\t") => b'\t',
        Some(d) if d.len() == 1 && d.is_ascii() => d.as_bytes()[0],
        Some(d) => bail!("--delimiter must be one ASCII character or 'tab', not '{d}'"),
    };
    let table =
        scan::scan(data, delimiter, usize::MAX).with_context(|| path.display().to_string())?;
    let Some(header) = table.records.first().copied() else {
        bail!("{}: the file is empty", path.display());
    };
    let cell_text = |r: &scan::Record, i: usize| -> Option<Cow<'_, str>> {
        let raw = table.raw_field(data, r, i)?;
        // `data` is valid UTF-8 and fields split at ASCII bytes, so each field is too.
        Some(match scan::unescape(raw) {
            Cow::Borrowed(b) => Cow::Borrowed(std::str::from_utf8(b).expect("UTF-8")),
            Cow::Owned(v) => Cow::Owned(String::from_utf8(v).expect("UTF-8")),
        })
    };
    let headers: Vec<Cow<'_, str>> = (0..header.fields as usize)
        .map(|i| cell_text(&header, i).unwrap_or_default())
        .collect();
    let column = input::find_column(&headers, args.column.as_deref())
        .with_context(|| path.display().to_string())?;
    if let Some(h) = headers
        .iter()
        .find(|h| COLUMNS.contains(&h.trim()) || h.trim() == "mh_line")
    {
        bail!(
            "{}: the file already has a \"{h}\" column; clean the original list instead of a cleaned one",
            path.display()
        );
    }

    let rows = &table.records[1..];
    let progress = if args.quiet || !std::io::stderr().is_terminal() {
        ProgressBar::hidden()
    } else {
        let pb = ProgressBar::with_draw_target(
            Some(rows.len() as u64),
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

    // 3. Judge every email cell, in parallel, in order.
    let judged = AtomicU64::new(0);
    let mut verdicts: Vec<Verdict> = rows
        .par_chunks(CHUNK)
        .flat_map_iter(|chunk| {
            let mut cached = CachedChecker::new(checker);
            let out: Vec<Verdict> = chunk
                .iter()
                .map(|r| {
                    let cell = cell_text(r, column);
                    cached.verdict(cell.as_deref(), args.fix_typos, suppressions)
                })
                .collect();
            judged.fetch_add(chunk.len() as u64, Ordering::Relaxed);
            progress.set_position(judged.load(Ordering::Relaxed));
            out
        })
        .collect();

    // Duplicates: the first row with a canonical key keeps it; later rows point to it.
    let mut first_line: FxHashMap<&str, (u64, bool)> = FxHashMap::default();
    first_line.reserve(verdicts.len());
    let mut group_starts = vec![false; verdicts.len()];
    let mut duplicates: Vec<(usize, u64)> = Vec::new();
    for (i, (v, r)) in verdicts.iter().zip(rows).enumerate() {
        if let Some(key) = v.canonical.as_deref() {
            match first_line.entry(key) {
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert((r.line, false));
                }
                std::collections::hash_map::Entry::Occupied(mut e) => {
                    let (line, seen) = e.get_mut();
                    duplicates.push((i, *line));
                    if !*seen {
                        *seen = true;
                        group_starts[i] = true;
                    }
                }
            }
        }
    }
    drop(first_line);
    for (i, line) in duplicates {
        verdicts[i].categories.insert(Category::Duplicate);
        verdicts[i].duplicate_of = Some(line);
    }

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
    if out_path == rejects_path {
        bail!("--out and --rejects are the same file");
    }
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
        let mut names = extra_names.clone();
        if rejects {
            names.push("mh_line");
        }
        writer.write(&mut buf, data, &table, &header, None, &names, header_term);
        out.write_all(&buf).context("writing output")?;
    }

    struct ChunkOut {
        kept: Vec<u8>,
        rejected: Vec<u8>,
        kept_rows: u64,
        rejected_rows: u64,
        neutralized: Vec<bool>,
    }
    let mut collector = Collector::default();
    let mut written = (0u64, 0u64);
    let chunks: Vec<(usize, &[scan::Record])> = rows.chunks(CHUNK * 4).enumerate().collect();
    // Write in slices of chunks so memory stays bounded by a few chunks of output.
    for group in chunks.chunks(rayon::current_num_threads().max(1) * 2) {
        let outs: Vec<ChunkOut> = group
            .par_iter()
            .map(|&(ci, chunk)| {
                let base = ci * CHUNK * 4;
                let mut o = ChunkOut {
                    kept: Vec::with_capacity(chunk.len() * 160),
                    rejected: Vec::new(),
                    kept_rows: 0,
                    rejected_rows: 0,
                    neutralized: Vec::with_capacity(chunk.len()),
                };
                let mut flags = String::new();
                let mut reason = String::new();
                for (j, r) in chunk.iter().enumerate() {
                    let v = &verdicts[base + j];
                    let verdict = policy.verdict(v.categories);
                    flags.clear();
                    for c in v.categories.iter() {
                        if !flags.is_empty() {
                            flags.push(' ');
                        }
                        flags.push_str(c.code());
                    }
                    if v.fixed {
                        flags.push_str(" fixed");
                    }
                    let neutralize = writer.neutralize
                        && (0..r.fields as usize).any(|i| {
                            let raw = table.raw_field(data, r, i).unwrap_or_default();
                            output::is_formula_trigger(&raw[scan::value_offset(raw)..])
                        });
                    if neutralize {
                        if !flags.is_empty() {
                            flags.push(' ');
                        }
                        flags.push_str("neutralized");
                    }
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
                            reason.push_str(" (");
                            reason.push_str(&s.sources.join(", "));
                            reason.push(')');
                        }
                        Some(Category::Duplicate) => {
                            reason.push_str("duplicate: line ");
                            reason.push_str(&v.duplicate_of.unwrap_or(0).to_string());
                        }
                        Some(c) => reason.push_str(c.code()),
                    }
                    let original = if args.fix_typos && v.fixed {
                        cell_text(r, column)
                    } else {
                        None
                    };
                    let replace = original
                        .as_ref()
                        .and(v.address.as_deref())
                        .map(|a| (column, a));
                    let line = r.line.to_string();
                    let mut extra: Vec<&str> = vec![
                        if verdict.is_none() {
                            "kept"
                        } else {
                            "rejected"
                        },
                        v.address.as_deref().unwrap_or(""),
                        v.canonical.as_deref().unwrap_or(""),
                        v.suggestion.as_deref().unwrap_or(""),
                        &flags,
                        &reason,
                    ];
                    if args.fix_typos {
                        extra.push(original.as_deref().unwrap_or(""));
                    }
                    let term = match r.terminator(data) {
                        b"" => header_term,
                        t => t,
                    };
                    let n = if verdict.is_none() {
                        o.kept_rows += 1;
                        writer.write(&mut o.kept, data, &table, r, replace, &extra, term)
                    } else {
                        o.rejected_rows += 1;
                        extra.push(&line);
                        writer.write(&mut o.rejected, data, &table, r, replace, &extra, term)
                    };
                    debug_assert_eq!(n, neutralize);
                    o.neutralized.push(neutralize);
                }
                o
            })
            .collect();
        for (&(ci, _), o) in group.iter().zip(outs) {
            kept_out.write_all(&o.kept).context("writing kept rows")?;
            rejects_out
                .write_all(&o.rejected)
                .context("writing rejected rows")?;
            written.0 += o.kept_rows;
            written.1 += o.rejected_rows;
            let base = ci * CHUNK * 4;
            for (j, n) in o.neutralized.into_iter().enumerate() {
                let v = &verdicts[base + j];
                collector.add(
                    v,
                    policy.verdict(v.categories),
                    v.typed_domain.as_deref(),
                    n,
                    group_starts[base + j],
                );
            }
        }
    }
    progress.finish_and_clear();

    // Nothing is lost: every data row is in exactly one of the two outputs.
    let rows_in = rows.len() as u64;
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
            column: headers[column].to_string(),
            delimiter: match delimiter {
                b'\t' => "\\t".to_owned(),
                d => (d as char).to_string(),
            },
            encoding: decoded.encoding.to_owned(),
            blank_lines: table.blank_lines.len() as u64,
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
    Ok(Outcome {
        report,
        out: out_path,
        rejects: rejects_path,
        reports: args.report.clone(),
    })
}
