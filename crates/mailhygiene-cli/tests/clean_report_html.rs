//! The HTML report, rendered for real: headless Chromium runs the page's inline script and
//! every number it shows must match report.json.
//!
//! Needs Chromium (Debian's `chromium` package). `scripts/test-all.sh` installs it through
//! `scripts/install-chromium.sh`; set `CHROMIUM` to use another binary. Without it this test
//! fails: a report nobody rendered is not tested.
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn chromium() -> PathBuf {
    if let Some(p) = std::env::var_os("CHROMIUM") {
        return PathBuf::from(p);
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for name in ["chromium", "chromium-browser", "google-chrome", "chrome"] {
        for dir in std::env::split_paths(&path) {
            let p = dir.join(name);
            if p.is_file() {
                return p;
            }
        }
    }
    panic!(
        "Chromium is needed to render the HTML report: run `bash scripts/install-chromium.sh` \
         (apt-get install -y chromium) or set CHROMIUM=/path/to/chrome"
    );
}

/// The DOM after the page's scripts ran.
fn render(html: &Path, profile: &Path) -> String {
    let mut child = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", html.display()))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("starting chromium");
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("chromium did not finish within 120 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    String::from_utf8(out.stdout).unwrap()
}

/// Every element carrying `data-metric`: (metric path, data-value, data-format, text).
fn metrics(dom: &str) -> Vec<(String, String, String, String)> {
    let attr = |tag: &str, name: &str| -> String {
        let key = format!("{name}=\"");
        tag.find(&key)
            .map(|i| {
                let rest = &tag[i + key.len()..];
                rest[..rest.find('"').unwrap()].to_owned()
            })
            .unwrap_or_default()
    };
    let mut out = Vec::new();
    let mut rest = dom;
    while let Some(i) = rest.find(" data-metric=\"") {
        let open = rest[..i].rfind('<').unwrap();
        let close = i + rest[i..].find('>').unwrap();
        let tag = &rest[open..close];
        let text_end = close + 1 + rest[close + 1..].find('<').unwrap();
        let text = rest[close + 1..text_end].to_owned();
        out.push((
            attr(tag, "data-metric"),
            attr(tag, "data-value").replace("&amp;", "&"),
            attr(tag, "data-format"),
            text.replace("&amp;", "&"),
        ));
        rest = &rest[close..];
    }
    out
}

fn lookup<'a>(json: &'a serde_json::Value, path: &str) -> &'a serde_json::Value {
    path.split('.').fold(json, |v, k| match k.parse::<usize>() {
        Ok(i) if v.is_array() => &v[i],
        _ => &v[k],
    })
}

#[test]
fn html_report_shows_the_json_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let (json_path, html_path) = (
        dir.path().join("report.json"),
        dir.path().join("report.html"),
    );
    let status = Command::new(env!("CARGO_BIN_EXE_mailhygiene"))
        .arg("clean")
        .arg(examples.join("contacts.csv"))
        .arg("--suppressions")
        .arg(examples.join("exports"))
        .arg(examples.join("suppressions"))
        .arg("--out")
        .arg(dir.path().join("kept.csv"))
        .arg("--rejects")
        .arg(dir.path().join("rejects.csv"))
        .arg("--report")
        .arg(&json_path)
        .arg("--report")
        .arg(&html_path)
        .arg("-q")
        .status()
        .unwrap();
    assert!(status.success());
    let html = std::fs::read_to_string(&html_path).unwrap();
    // Self-contained: nothing to fetch.
    for needle in ["src=\"http", "href=\"http", "@import", "url(http"] {
        assert!(
            !html.contains(needle),
            "the page refers to the network: {needle}"
        );
    }
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json_path).unwrap()).unwrap();

    let profile = tempfile::tempdir().unwrap();
    let dom = render(&html_path, profile.path());
    assert!(
        dom.contains("data-rendered=\"yes\""),
        "the page's script did not run:\n{}",
        &dom[..dom.len().min(2000)]
    );
    let shown = metrics(&dom);
    let mut checked = std::collections::BTreeSet::new();
    for (path, value, format, text) in &shown {
        let want = lookup(&json, path);
        assert!(!want.is_null(), "{path} is not in report.json");
        match want {
            serde_json::Value::Number(n) => {
                let n = n.as_f64().unwrap();
                assert_eq!(value.parse::<f64>().unwrap(), n, "{path}: data-value");
                let expect = if format == "pct" {
                    format!("{:.1}%", n * 100.0)
                } else {
                    (n as u64).to_string()
                };
                assert_eq!(text.replace(',', ""), expect, "{path}: shown text");
            }
            serde_json::Value::String(s) => {
                assert_eq!(value, s, "{path}");
                assert_eq!(text, s, "{path}");
            }
            other => panic!("{path}: unexpected {other}"),
        }
        checked.insert(path.clone());
    }
    // The headline numbers and every row of every list are on the page.
    for path in [
        "rows",
        "kept",
        "rejected",
        "hard_bounce_risk.after",
        "hard_bounce_risk.before",
        "role_share",
        "disposable_share",
        "duplicate_rows",
        "duplicate_groups",
    ] {
        assert!(checked.contains(path), "{path} is not shown");
    }
    for list in [
        "rejected_by",
        "typo_domains",
        "top_domains",
        "suppression_sources",
        "suppression_reasons",
        "invalid_errors",
    ] {
        let n = json[list].as_array().unwrap().len();
        assert!(n > 0, "the example list should fill {list}");
        for i in 0..n {
            let p = format!("{list}.{i}.rows");
            assert!(checked.contains(&p), "{p} is not shown");
        }
    }
}
