//! Imports every file in `examples/exports/` as the CLI would (system detected, not named) and
//! checks it against `examples/exports/manifest.tsv`: the detected system, the number of
//! records, and the rejects (`line:code`). Every export file must be in the manifest.
use std::path::{Path, PathBuf};

use mailhygiene::suppression::import::{import_path, GenericColumns, ImportOptions};
use mailhygiene::suppression::Reason;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/exports")
}

fn options(spec: &str) -> ImportOptions {
    let mut opts = ImportOptions::new("examples");
    for kv in spec.split(',').filter(|s| !s.is_empty()) {
        let (k, v) = kv.split_once('=').expect("key=value");
        opts = match k {
            "list_id" => opts.list_id(v),
            "account" => opts.account(v),
            // The generic CRM file: its columns and zone.
            "generic" => opts.generic(GenericColumns {
                email: "Contact Email".into(),
                reason: Some("Opt-out Type".into()),
                date: Some("Changed".into()),
                default_reason: Some(Reason::Unsubscribe),
                date_zone: Some(v.into()),
                ..Default::default()
            }),
            _ => panic!("unknown option {k}"),
        };
    }
    opts
}

#[test]
fn example_exports_match_manifest() {
    let manifest = std::fs::read_to_string(root().join("manifest.tsv")).unwrap();
    let mut listed = Vec::new();
    let mut failures = Vec::new();
    for (i, line) in manifest.lines().enumerate().skip(1) {
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), 6, "manifest.tsv:{}: 6 columns", i + 1);
        let (file, system, spec, records, rejects) = (cols[0], cols[1], cols[2], cols[3], cols[4]);
        listed.push(file.to_string());
        let out = match import_path(&root().join(file), &options(spec)) {
            Ok(out) => out,
            Err(e) => {
                failures.push(format!("{file}: {e}"));
                continue;
            }
        };
        assert_eq!(
            out.rows_read,
            out.rows_used + out.rejects.len() as u64,
            "{file}"
        );
        let got_rejects: Vec<String> = out
            .rejects
            .iter()
            .map(|r| format!("{}:{}", r.line, r.code))
            .collect();
        let got = (
            out.system.code().to_string(),
            out.records.len().to_string(),
            got_rejects.join(","),
        );
        let want = (system.to_string(), records.to_string(), rejects.to_string());
        if got != want {
            failures.push(format!(
                "manifest.tsv:{} {file}: want {want:?}, got {got:?}",
                i + 1
            ));
        }
    }
    let mut on_disk = Vec::new();
    for dir in std::fs::read_dir(root()).unwrap() {
        let dir = dir.unwrap().path();
        if dir.is_dir() {
            for f in std::fs::read_dir(&dir).unwrap() {
                let f = f.unwrap().path();
                on_disk.push(
                    f.strip_prefix(root())
                        .unwrap()
                        .to_string_lossy()
                        .replace('\\', "/"),
                );
            }
        }
    }
    on_disk.sort();
    listed.sort();
    assert_eq!(on_disk, listed, "every example export is in manifest.tsv");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
