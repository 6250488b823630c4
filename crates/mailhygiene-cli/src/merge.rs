//! `mailhygiene merge`: merge the suppression exports of many streams into one master list and
//! tell each stream what it is missing.
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::Args;
use mailhygiene::suppression::{
    expand, format_time, parse_time, KeyHash, Policy, StreamInfo, StreamKind, SuppressionList,
    System,
};
use serde_json::json;

/// Merge suppression exports into one master list, by explicit rules.
///
/// Writes, in --out DIR: suppressions.csv (the master list: canonical, address, reason, scope,
/// since, expires, sources), missing/<stream>.<format> (what each stream lacks, in its system's
/// import format; missing/<stream>.unexpressed.csv for what that format cannot say),
/// rejects.csv (file, line, code, message, raw) and report.json (counts per reason, source and
/// stream; rows read = rows used + rows rejected). Every file is written to a temporary name
/// and renamed into place only when all of them are complete, so a failed run leaves the
/// previous outputs untouched. The files hold personal data and are created readable by their
/// owner only.
#[derive(Args)]
pub struct MergeArgs {
    /// A stream's export: NAME=[SYSTEM:]PATH. PATH is a file or a folder of files; without
    /// SYSTEM each file's format is detected (a master list or hashed list written by this
    /// command is recognised too). Repeat for every stream.
    #[arg(long = "stream", value_name = "NAME=[SYSTEM:]PATH", required = true)]
    streams: Vec<String>,
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
    let streams = args
        .streams
        .iter()
        .map(|s| parse_stream(s))
        .collect::<Result<Vec<_>>>()?;
    for t in &args.transactional {
        if !streams.iter().any(|s| &s.name == t) {
            bail!("--transactional {t}: no --stream of that name");
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
            jobs.push((f, s.system, s.name.clone()));
        }
    }
    for f in args.master.iter().chain(&args.engagement) {
        jobs.push((f.clone(), None, String::new()));
    }
    let summary = list.load_many(&jobs)?;
    phase("loaded");
    list.finalize();
    phase("merged");

    // Every output goes to a temporary file beside its target; all are renamed into place
    // only after the last one is complete.
    let mut staged = Staged::default();
    let master_by_reason: BTreeMap<&str, u64> = list
        .write_csv(staged.create(&args.out.join("suppressions.csv"))?)?
        .into_iter()
        .map(|(r, n)| (r.code(), n))
        .collect();
    let master_rows: u64 = master_by_reason.values().sum();
    phase("master list");

    let mut rejects = csv::Writer::from_writer(Vec::new());
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
    staged
        .create(&args.out.join("rejects.csv"))?
        .write_all(&rejects.into_inner()?)?;

    let mut missing = Vec::new();
    for s in &streams {
        let export = list.export_missing(&s.name);
        for (name, bytes) in export.files {
            staged
                .create(&args.out.join("missing").join(name))?
                .write_all(&bytes)?;
        }
        missing.push(export.report);
        phase(&format!("missing for {}", s.name));
    }

    let hash = match &args.hash_key_file {
        Some(p) => {
            let mut key = std::fs::read(p).with_context(|| format!("reading {}", p.display()))?;
            if key.last() == Some(&b'\n') {
                key.pop();
            }
            if key.is_empty() {
                bail!("{}: the hash key is empty", p.display());
            }
            Some(KeyHash::HmacSha256(key))
        }
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
    phase("written");
    eprintln!(
        "mailhygiene merge: {read} rows read ({used} used, {rejected} rejected), {} keys, \
         {master_rows} master rows -> {}",
        list.key_count(),
        args.out.display()
    );
    Ok(())
}

/// Output files being written under temporary names. Dropped without [`Staged::commit`], the
/// temporary files are deleted and no target is touched.
#[derive(Default)]
struct Staged {
    files: Vec<(std::io::BufWriter<tempfile::NamedTempFile>, PathBuf)>,
}

impl Staged {
    /// A new temporary file that will become `path`.
    fn create(&mut self, path: &Path) -> Result<&mut std::io::BufWriter<tempfile::NamedTempFile>> {
        let dir = path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        let tmp = tempfile::Builder::new()
            .prefix(".mailhygiene-")
            .tempfile_in(dir)
            .with_context(|| format!("creating a temporary file in {}", dir.display()))?;
        self.files.push((
            std::io::BufWriter::with_capacity(1 << 20, tmp),
            path.to_path_buf(),
        ));
        Ok(&mut self.files.last_mut().expect("just pushed").0)
    }

    /// Flush every file, then rename each into place. No fsync: the rename is what keeps a
    /// crashed run from leaving half a list, and syncing every file tripled the wall time of a
    /// large merge on this machine.
    fn commit(self) -> Result<()> {
        let mut done = Vec::new();
        for (w, path) in self.files {
            let tmp = w
                .into_inner()
                .map_err(|e| e.into_error())
                .with_context(|| format!("writing {}", path.display()))?;
            done.push((tmp, path));
        }
        for (tmp, path) in done {
            tmp.persist(&path)
                .with_context(|| format!("renaming into {}", path.display()))?;
        }
        Ok(())
    }
}
