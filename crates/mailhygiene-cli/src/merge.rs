//! `mailhygiene merge`: merge the suppression exports of many streams into one master list and
//! tell each stream what it is missing.
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::atomic::{commit_all, AtomicFile};
use anyhow::{bail, Context, Result};
use clap::Args;
use mailhygiene::suppression::import::{GenericColumns, ImportError, ImportOptions};
use mailhygiene::suppression::{
    expand, format_time, parse_time, KeyHash, LoadError, Policy, Reason, Scope, StreamInfo,
    StreamKind, SuppressionList, System,
};
use mailhygiene::text::Encoding;
use serde_json::json;

/// Merge suppression exports into one master list, by explicit rules.
///
/// Writes, in --out DIR: suppressions.csv (the master list: canonical, address, reason, scope,
/// since, expires, sources), missing/<stream>.<format> (what each stream lacks, in its system's
/// import format; missing/<stream>.unexpressed.csv for what that format cannot say; files an
/// earlier run left in missing/ are removed),
/// rejects.csv (file, line, code, message, raw) and report.json (counts per reason, source and
/// stream; rows read = rows used + rows rejected). Every file is written to a temporary name
/// and renamed into place only when all of them are complete, so a failed run leaves the
/// previous outputs untouched. The files hold personal data: they get the permissions of the
/// files they replace, or a new file's (0666 less the umask).
#[derive(Args)]
pub struct MergeArgs {
    /// A stream's export: NAME=[SYSTEM:]PATH. PATH is a file or a folder of files; without
    /// SYSTEM each file's format is detected (a master list or hashed list written by this
    /// command is recognised too). Repeat for every stream.
    #[arg(long = "stream", value_name = "NAME=[SYSTEM:]PATH", required = true)]
    streams: Vec<String>,
    /// An import option of one stream's files, for what an export does not say itself.
    /// Repeatable. KEY is one of:
    /// email, reason, date: a generic CSV's column headers (setting `email` reads the stream's
    /// files as generic CSV, e.g. a CRM's do-not-contact export);
    /// default-reason: the reason of rows without one (e.g. `manual`);
    /// date-format: a strftime layout of the date column (e.g. `%d/%m/%Y %H:%M`);
    /// date-zone: the zone of dates written without one (`UTC`, `-05:00`, `Europe/Paris`);
    /// scope: the scope of every generic record (`all`, `marketing`, `list:ID` …);
    /// list-id: the Mailchimp audience or SendGrid group the files belong to;
    /// account: the account inside the system (Mailgun domain, SES region, Postmark stream);
    /// encoding: the encoding of files that are not UTF-8 (`windows-1252`, as Excel on Windows
    /// saves CSV; `iso-8859-15` …); files that are UTF-8 or start with a byte order mark are
    /// read as such whatever it says.
    #[arg(long = "set", value_name = "STREAM.KEY=VALUE")]
    settings: Vec<String>,
    /// A stream that sends transactional mail (streams are marketing otherwise). Repeatable.
    #[arg(long, value_name = "NAME")]
    transactional: Vec<String>,
    /// A previous master list (or hashed list) to merge in, belonging to no stream. Repeatable.
    #[arg(long, value_name = "FILE")]
    master: Vec<PathBuf>,
    /// Engagement data to derive sunset records: a CSV with `address` and any of `sends`,
    /// `opens`, `clicks`, `sends_since_open`, `sends_since_click`, `first_send`, `last_send`,
    /// `last_open`, `last_click` (dates RFC 3339, YYYY-MM-DD or Unix seconds). Repeatable.
    #[arg(long, value_name = "FILE")]
    engagement: Vec<PathBuf>,
    /// The output folder (created if absent).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// "The present" for expiries and verdicts (RFC 3339 or YYYY-MM-DD); default: now.
    #[arg(long, value_name = "TIME")]
    now: Option<String>,
    /// A policy file (TOML) overriding the default policy's values.
    #[arg(long, value_name = "FILE")]
    policy: Option<PathBuf>,
    /// Also write suppressions.hashed.csv (SHA-256 of each canonical key, or HMAC-SHA-256 with
    /// --hash-key-file).
    #[arg(long)]
    hashed: bool,
    /// A file holding the HMAC key (its bytes, one trailing newline removed). Implies --hashed.
    #[arg(long, value_name = "FILE")]
    hash_key_file: Option<PathBuf>,
    /// Print how long each phase took to standard error.
    #[arg(long)]
    timings: bool,
    /// Worker threads for parsing and evaluation (default: all cores). Outputs do not depend
    /// on it.
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
}

/// One `--stream` argument.
struct StreamArg {
    name: String,
    system: Option<System>,
    path: PathBuf,
}

/// Apply one `--set STREAM.KEY=VALUE` to the import options of the streams by name.
fn apply_setting(arg: &str, options: &mut BTreeMap<String, ImportOptions>) -> Result<()> {
    let parsed = arg
        .split_once('=')
        .and_then(|(target, value)| Some((target.rsplit_once('.')?, value)));
    let Some(((stream, key), value)) = parsed else {
        bail!("--set {arg:?}: expected STREAM.KEY=VALUE");
    };
    let Some(opts) = options.get_mut(stream) else {
        bail!("--set {arg:?}: no --stream named {stream:?}");
    };
    fn generic(opts: &mut ImportOptions) -> &mut GenericColumns {
        opts.generic.get_or_insert_with(GenericColumns::default)
    }
    let value = value.trim();
    match key {
        "email" => generic(opts).email = value.into(),
        "reason" => generic(opts).reason = Some(value.into()),
        "date" => generic(opts).date = Some(value.into()),
        "date-format" => generic(opts).date_format = Some(value.into()),
        "date-zone" => generic(opts).date_zone = Some(value.into()),
        "default-reason" => {
            let reason = value
                .parse::<Reason>()
                .map_err(|e| anyhow::anyhow!("--set {arg:?}: {e}"))?;
            generic(opts).default_reason = Some(reason);
        }
        "scope" => {
            let scope = value
                .parse::<Scope>()
                .map_err(|e| anyhow::anyhow!("--set {arg:?}: {e}"))?;
            generic(opts).scope = Some(scope);
        }
        "list-id" => opts.list_id = Some(value.into()),
        "account" => opts.account = Some(value.into()),
        "encoding" => {
            let encoding = value
                .parse::<Encoding>()
                .map_err(|e| anyhow::anyhow!("--set {arg:?}: {e}"))?;
            opts.encoding = Some(encoding);
        }
        _ => bail!(
            "--set {arg:?}: unknown key {key:?} (email, reason, date, date-format, date-zone, \
             default-reason, scope, list-id, account, encoding)"
        ),
    }
    Ok(())
}

fn parse_stream(arg: &str) -> Result<StreamArg> {
    let Some((name, rest)) = arg.split_once('=') else {
        bail!("--stream {arg:?}: expected NAME=[SYSTEM:]PATH");
    };
    if name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.') {
        bail!("--stream {arg:?}: the stream name must be a plain file name");
    }
    let (system, path) = match rest.split_once(':') {
        Some((sys, path)) if sys.parse::<System>().is_ok() => (sys.parse().ok(), path),
        _ => (None, rest),
    };
    Ok(StreamArg {
        name: name.into(),
        system,
        path: path.into(),
    })
}

pub fn run(args: MergeArgs) -> Result<()> {
    let start = std::time::Instant::now();
    let phase = |name: &str| {
        if args.timings {
            eprintln!("{:>8.2}s {name}", start.elapsed().as_secs_f64());
        }
    };
    if let Some(n) = args.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global()
            .context("setting up worker threads")?;
    }
    let policy = match &args.policy {
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .with_context(|| format!("reading policy {}", p.display()))?;
            Policy::from_toml(&text).with_context(|| format!("policy {}", p.display()))?
        }
        None => Policy::default(),
    };
    let mut list = SuppressionList::new(policy);
    if let Some(now) = &args.now {
        let t = parse_time(now).with_context(|| format!("--now {now:?}: not a date"))?;
        list.set_now(t);
    }
    let mut streams = args
        .streams
        .iter()
        .map(|s| parse_stream(s))
        .collect::<Result<Vec<_>>>()?;
    // By name: the outputs, report included, must not depend on the order of the arguments.
    streams.sort_by(|a, b| a.name.cmp(&b.name));
    for t in &args.transactional {
        if !streams.iter().any(|s| &s.name == t) {
            bail!("--transactional {t}: no --stream of that name");
        }
    }
    let mut options: BTreeMap<String, ImportOptions> = streams
        .iter()
        .map(|s| {
            let mut opts = ImportOptions::new(&s.name);
            opts.system = s.system;
            (s.name.clone(), opts)
        })
        .collect();
    for arg in &args.settings {
        apply_setting(arg, &mut options)?;
    }
    for (name, opts) in &options {
        if opts.generic.as_ref().is_some_and(|g| g.email.is_empty()) {
            bail!("--set {name}.email=COLUMN is needed to read {name}'s files as generic CSV");
        }
    }
    let mut jobs = Vec::new();
    for s in &streams {
        let kind = if args.transactional.contains(&s.name) {
            StreamKind::Transactional
        } else {
            StreamKind::Marketing
        };
        list.set_stream(
            &s.name,
            StreamInfo {
                kind,
                system: s.system,
            },
        );
        for f in expand(&s.path)? {
            jobs.push((f, options[&s.name].clone()));
        }
    }
    for f in args.master.iter().chain(&args.engagement) {
        jobs.push((f.clone(), ImportOptions::new("")));
    }
    let summary = list
        .load_with_options(&jobs)
        .map_err(|e| with_encoding_option(e, &jobs))?;
    phase("loaded");
    list.finalize();
    phase("merged");

    // Every output goes to a temporary file beside its target; all are renamed into place
    // only after the last one is complete.
    let mut staged = Staged::default();
    let mut rejects = csv::Writer::from_writer(staged.create(&args.out.join("rejects.csv"))?);
    rejects.write_record(["file", "line", "code", "message", "raw"])?;
    for r in &summary.rejects {
        rejects.write_record([
            r.file.as_str(),
            &r.line.to_string(),
            &r.code,
            &r.message,
            &r.raw,
        ])?;
    }
    rejects.flush()?;
    drop(rejects);

    // The master list and every stream's missing files are rendered in one parallel pass and
    // streamed into their files.
    let mut master_file = AtomicFile::create(&args.out.join("suppressions.csv"))?;
    let mut missing_files: Vec<(&str, Vec<(String, AtomicFile)>)> = Vec::new();
    for s in &streams {
        let files = list
            .missing_file_names(&s.name)
            .into_iter()
            .map(|name| {
                let file = AtomicFile::create(&args.out.join("missing").join(&name))?;
                Ok((name, file))
            })
            .collect::<Result<Vec<_>>>()?;
        missing_files.push((&s.name, files));
    }
    let mut writers: Vec<(&str, Vec<&mut AtomicFile>)> = missing_files
        .iter_mut()
        .map(|(stream, files)| (*stream, files.iter_mut().map(|(_, f)| f).collect()))
        .collect();
    let written = list.write_outputs(Some(&mut master_file), &mut writers)?;
    drop(writers);
    staged.files.push(master_file);
    for ((_, files), report) in missing_files.into_iter().zip(&written.missing) {
        // A file left out of the export (no unexpressed rows) is dropped, which deletes it.
        staged.files.extend(
            files
                .into_iter()
                .filter(|(name, _)| report.files.contains(name))
                .map(|(_, f)| f),
        );
    }
    let current: std::collections::BTreeSet<String> = written
        .missing
        .iter()
        .flat_map(|r| r.files.iter().cloned())
        .collect();
    let master_by_reason: BTreeMap<&str, u64> =
        written.master.iter().map(|(r, n)| (r.code(), *n)).collect();
    let master_rows: u64 = master_by_reason.values().sum();
    let missing = written.missing;
    phase("master list and missing");

    let hash = match &args.hash_key_file {
        Some(p) => Some(KeyHash::HmacSha256(read_hash_key(p)?)),
        None if args.hashed => Some(KeyHash::Sha256),
        None => None,
    };
    let mut hashed_report = serde_json::Value::Null;
    if let Some(h) = &hash {
        let out = staged.create(&args.out.join("suppressions.hashed.csv"))?;
        let (rows, skipped) = list.write_hashed(out, h)?;
        hashed_report = json!({ "algorithm": h.column(), "rows": rows, "skipped": skipped });
    }

    // Counts for the report.
    let (mut read, mut used, mut rejected) = (0u64, 0u64, 0u64);
    let mut by_reason: BTreeMap<String, u64> = BTreeMap::new();
    let mut by_source: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    let mut by_stream: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    for f in &summary.files {
        read += f.rows_read;
        used += f.rows_used;
        rejected += f.rows_rejected;
        let source = if f.stream.is_empty() {
            f.format.clone()
        } else {
            format!("{}:{}", f.format, f.stream)
        };
        for (reason, n) in &f.records {
            *by_reason.entry(reason.clone()).or_default() += n;
            *by_source
                .entry(source.clone())
                .or_default()
                .entry(reason.clone())
                .or_default() += n;
            *by_stream
                .entry(f.stream.clone())
                .or_default()
                .entry(reason.clone())
                .or_default() += n;
        }
    }
    let report = json!({
        "now": format_time(list.now()),
        "policy": args.policy.as_ref().map(|p| p.display().to_string()),
        "rows": { "read": read, "used": used, "rejected": rejected },
        "records": {
            "distinct": list.len(),
            "keys": list.key_count(),
            "by_reason": by_reason,
            "by_source": by_source,
            "by_stream": by_stream,
        },
        "master": { "rows": master_rows, "by_reason": master_by_reason },
        "streams": list.streams().iter().map(|(name, info)| (name.clone(), json!({
            "kind": info.kind,
            "system": info.system.map(|s| s.code()),
        }))).collect::<BTreeMap<_, _>>(),
        "missing": missing,
        "hashed": hashed_report,
        "files": summary.files,
    });
    let mut text = serde_json::to_vec_pretty(&report)?;
    text.push(b'\n');
    staged
        .create(&args.out.join("report.json"))?
        .write_all(&text)?;
    staged.commit()?;
    remove_stale(&args.out.join("missing"), &current)?;
    phase("written");
    eprintln!(
        "mailhygiene merge: {read} rows read ({used} used, {rejected} rejected), {} keys, \
         {master_rows} master rows -> {}",
        list.key_count(),
        args.out.display()
    );
    Ok(())
}

/// A load error, where a stream's file is not UTF-8 with the option that gives its encoding
/// (`--set STREAM.encoding=NAME`) instead of the library's words for it.
fn with_encoding_option(e: LoadError, jobs: &[(PathBuf, ImportOptions)]) -> anyhow::Error {
    if let LoadError::Import(ImportError::Decode { file, error }) = &e {
        let stream = jobs
            .iter()
            .find(|(path, opts)| !opts.stream.is_empty() && path.display().to_string() == *file)
            .map(|(_, opts)| &opts.stream);
        if let Some(stream) = stream {
            let option = format!("--set {stream}.encoding=");
            return anyhow::anyhow!("{file}: {}", error.message_with_option(&option));
        }
    }
    e.into()
}

/// Output files being written under temporary names; committed together at the end.
#[derive(Default)]
struct Staged {
    files: Vec<AtomicFile>,
}

impl Staged {
    /// A new temporary file that will become `path`.
    fn create(&mut self, path: &Path) -> Result<&mut AtomicFile> {
        self.files.push(AtomicFile::create(path)?);
        Ok(self.files.last_mut().expect("just pushed"))
    }

    /// Rename every file into place.
    fn commit(self) -> Result<()> {
        commit_all(self.files)
    }
}

/// Remove the files of `dir` that this run did not write: an earlier run's, for a stream or
/// format no longer given, would read as this run's.
fn remove_stale(dir: &Path, current: &std::collections::BTreeSet<String>) -> Result<()> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_file = entry.file_type().is_ok_and(|t| t.is_file());
        if is_file && !name.starts_with('.') && !current.contains(&name) {
            std::fs::remove_file(entry.path())
                .with_context(|| format!("removing {}", entry.path().display()))?;
        }
    }
    Ok(())
}

/// The HMAC key in `path`: the file's bytes, one trailing newline removed.
pub(crate) fn read_hash_key(path: &Path) -> Result<Vec<u8>> {
    let mut key = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    if key.last() == Some(&b'\n') {
        key.pop();
    }
    if key.is_empty() {
        bail!("{}: the hash key is empty", path.display());
    }
    Ok(key)
}
