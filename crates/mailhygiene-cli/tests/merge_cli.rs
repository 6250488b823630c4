//! `mailhygiene merge` end to end on `examples/exports` (see its README for the people in it).
//! Expectations come from that README and the rules, not from a previous run.
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn exports() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/exports")
}

fn merge(out: &Path, extra: &[&str]) -> Output {
    let e = exports();
    let stream = |name: &str, dir: &str| format!("{name}={}", e.join(dir).display());
    let mut args: Vec<String> = vec!["merge".into()];
    for (name, dir) in [
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
    ] {
        args.push("--stream".into());
        args.push(stream(name, dir));
    }
    for a in [
        "--transactional",
        "tx",
        "--transactional",
        "ses",
        "--now",
        "2024-09-01T00:00:00Z",
        "--hashed",
        "--out",
    ] {
        args.push(a.into());
    }
    args.push(out.display().to_string());
    args.extend(extra.iter().map(|s| s.to_string()));
    Command::new(env!("CARGO_BIN_EXE_mailhygiene"))
        .args(&args)
        .output()
        .unwrap()
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Master rows as (canonical, reason, scope, sources).
fn master(out: &Path) -> Vec<(String, String, String, String)> {
    let mut r = csv::Reader::from_path(out.join("suppressions.csv")).unwrap();
    assert_eq!(
        r.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "canonical",
            "address",
            "reason",
            "scope",
            "since",
            "expires",
            "sources"
        ]
    );
    r.records()
        .map(|x| {
            let x = x.unwrap();
            (x[0].into(), x[2].into(), x[3].into(), x[6].into())
        })
        .collect()
}

fn temp_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            found.extend(temp_files(&p));
        } else if p
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with(".mailhygiene-")
        {
            found.push(p);
        }
    }
    found
}

#[test]
fn merges_the_example_exports() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = merge(&out, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rows = master(&out);
    let has = |key: &str, reason: &str, scope: &str| {
        rows.iter()
            .any(|r| r.0 == key && r.1 == reason && r.2 == scope)
    };
    // Bob: subscribed in Mailchimp, hard-bounced at Mailgun and SES.
    assert!(rows.iter().any(|r| r.0 == "bob.smith@example.com"
        && r.1 == "hard_bounce"
        && r.2 == "all"
        && r.3 == "mailgun:shop;ses:ses"));
    // Carol: complaints everywhere, one key for every spelling; the +shop variant stays apart.
    assert!(has("carol.king@yahoo.example", "complaint", "all"));
    assert!(has("carol.king+shop@yahoo.example", "complaint", "all"));
    // Frank: cleaned and bounced in five systems.
    assert!(has("frank@company.example", "hard_bounce", "all"));
    // Liam: Office 365 "5.4.1 Access denied" read as user unknown.
    assert!(has("liam@contoso.example", "hard_bounce", "all"));
    // Jane re-subscribed with a confirmed double opt-in after unsubscribing: nothing left.
    assert!(!rows.iter().any(|r| r.0 == "janedoe@gmail.com"));
    // Soft bounces (Erin, Tina) and blocks (Olivia, Peter) never suppress alone.
    for who in ["erin", "tina", "olivia", "peter"] {
        assert!(!rows.iter().any(|r| r.0.starts_with(who)), "{who}");
    }
    // Dave's unsubscribes stay scoped to their group / topics.
    let dave: Vec<_> = rows
        .iter()
        .filter(|r| r.0 == "dave@outlook.example")
        .collect();
    assert!(!dave.is_empty());
    assert!(dave
        .iter()
        .all(|r| r.1 == "unsubscribe" && r.2 != "all" && r.2 != "marketing"));
    // Unsubscribes are never "all".
    assert!(!rows.iter().any(|r| r.1 == "unsubscribe" && r.2 == "all"));

    // rows read = rows used + rows rejected, per file and in all; rejects.csv lists each.
    let report: serde_json::Value = serde_json::from_str(&read(&out.join("report.json"))).unwrap();
    let n = |v: &serde_json::Value| v.as_u64().unwrap();
    let totals = &report["rows"];
    assert_eq!(
        n(&totals["read"]),
        n(&totals["used"]) + n(&totals["rejected"])
    );
    let mut read_sum = 0;
    for f in report["files"].as_array().unwrap() {
        assert_eq!(
            n(&f["rows_read"]),
            n(&f["rows_used"]) + n(&f["rows_rejected"]),
            "{f}"
        );
        read_sum += n(&f["rows_read"]);
    }
    assert_eq!(read_sum, n(&totals["read"]));
    let mut rejects = csv::Reader::from_path(out.join("rejects.csv")).unwrap();
    assert_eq!(rejects.records().count() as u64, n(&totals["rejected"]));
    // The manifest's rejects: one per file it lists (the generic CRM file is not loaded here).
    assert_eq!(n(&totals["rejected"]), 7);
    assert_eq!(n(&report["master"]["rows"]) as usize, rows.len());

    // SES takes only BOUNCE and COMPLAINT, header-less; it is transactional, so no unsubscribe
    // is missing there, and a complaint (which spares critical mail) cannot be pushed.
    let ses = read(&out.join("missing/ses.ses.csv"));
    assert!(!ses.is_empty());
    for line in ses.lines() {
        let reason = line.rsplit(',').next().unwrap();
        assert!(reason == "BOUNCE" || reason == "COMPLAINT", "{line}");
    }
    assert!(ses.contains("frank@company.example,BOUNCE"));
    let ses_left = read(&out.join("missing/ses.unexpressed.csv"));
    assert!(!ses_left.contains(",unsubscribe,"));
    // Mailgun gets its three import files with their documented headers.
    assert!(read(&out.join("missing/shop.mailgun-bounces.csv"))
        .starts_with("address,code,error,created_at\n"));
    assert!(read(&out.join("missing/shop.mailgun-unsubscribes.csv"))
        .starts_with("address,tags,created_at\n"));
    assert!(
        read(&out.join("missing/shop.mailgun-complaints.csv")).starts_with("address,created_at\n")
    );
    // A stream is never told to add what its own export already held.
    assert!(!read(&out.join("missing/shop.mailgun-bounces.csv")).contains("Bob.Smith"));
    // The hashed list has one row per master row and no address.
    let hashed = read(&out.join("suppressions.hashed.csv"));
    assert!(hashed.starts_with("sha256,reason,scope,since,expires\n"));
    assert_eq!(hashed.lines().count() - 1, rows.len());
    assert!(!hashed.contains('@'));
    assert!(temp_files(&out).is_empty());
}

#[test]
fn runs_are_reproducible_and_thread_count_free() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    assert!(merge(&a, &["--threads", "1"]).status.success());
    assert!(merge(&b, &["--threads", "2"]).status.success());
    same_outputs(
        &a,
        &b,
        &[
            "suppressions.csv",
            "rejects.csv",
            "suppressions.hashed.csv",
            "missing/ses.ses.csv",
            "missing/shop.mailgun-bounces.csv",
        ],
    );
}

/// Assert that two output folders hold the same `files` and the same report (but for the
/// folders' own paths in it).
fn same_outputs(a: &Path, b: &Path, files: &[&str]) {
    for f in files {
        assert_eq!(read(&a.join(f)), read(&b.join(f)), "{f}");
    }
    let strip = |p: &Path| {
        read(p)
            .replace(&a.display().to_string(), "")
            .replace(&b.display().to_string(), "")
    };
    assert_eq!(strip(&a.join("report.json")), strip(&b.join("report.json")));
}

#[test]
fn the_master_list_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    assert!(merge(&a, &[]).status.success());
    // Merging last week's master with the same exports changes nothing (idempotent).
    let master = a.join("suppressions.csv");
    let o = merge(&b, &["--master", master.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        master_rows_without_sources(&a),
        master_rows_without_sources(&b)
    );
}

fn master_rows_without_sources(out: &Path) -> Vec<(String, String, String)> {
    master(out).into_iter().map(|r| (r.0, r.1, r.2)).collect()
}

#[test]
fn a_failed_run_leaves_previous_outputs_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("suppressions.csv"), "previous\n").unwrap();
    // A file no importer knows stops the run before anything is written.
    let bad = dir.path().join("mystery.csv");
    std::fs::write(&bad, "foo,bar\n1,2\n").unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_mailhygiene"))
        .args(["merge", "--stream"])
        .arg(format!("x={}", bad.display()))
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(read(&out.join("suppressions.csv")), "previous\n");
    assert!(!out.join("report.json").exists());
    assert!(temp_files(&out).is_empty());
    // Bad arguments fail the same way.
    for args in [
        vec!["merge", "--stream", "nopath", "--out"],
        vec!["merge", "--stream", "../x=y", "--out"],
    ] {
        let o = Command::new(env!("CARGO_BIN_EXE_mailhygiene"))
            .args(&args)
            .arg(&out)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}");
    }
    assert_eq!(read(&out.join("suppressions.csv")), "previous\n");
}

/// Run `merge` with these arguments, writing to `out`.
fn merge_args(out: &Path, args: &[String]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mailhygiene"))
        .arg("merge")
        .args(args)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap()
}

#[test]
fn set_reads_a_crm_export_with_its_own_columns_and_dates() {
    let dir = tempfile::tempdir().unwrap();
    // A CRM's do-not-contact export: its own headers, day-first local times, an empty reason.
    let crm = dir.path().join("dnc.csv");
    std::fs::write(
        &crm,
        "Contact Email,Opt-out Reason,Opted Out On\n\
         Jane.Doe@Example.com,unsubscribed,03/02/2024 14:00\n\
         bob@example.com,spam,25/12/2023 09:30\n\
         carol@example.com,,01/01/2024 00:00\n",
    )
    .unwrap();
    let mailchimp = exports().join("mailchimp/unsubscribed_members_export_4f1a2b9c.csv");
    let out = dir.path().join("out");
    let args: Vec<String> = [
        format!("crm={}", crm.display()),
        format!("news=mailchimp:{}", mailchimp.display()),
    ]
    .into_iter()
    .flat_map(|s| ["--stream".to_string(), s])
    .chain(
        [
            "crm.email=Contact Email",
            "crm.reason=Opt-out Reason",
            "crm.date=Opted Out On",
            "crm.date-format=%d/%m/%Y %H:%M",
            "crm.date-zone=Europe/Paris",
            "crm.default-reason=manual",
            "news.list-id=4f1a2b9c",
        ]
        .into_iter()
        .flat_map(|s| ["--set".to_string(), s.to_string()]),
    )
    .chain(["--now".to_string(), "2024-09-01T00:00:00Z".to_string()])
    .collect();
    let o = merge_args(&out, &args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut r = csv::Reader::from_path(out.join("suppressions.csv")).unwrap();
    let rows: Vec<(String, String, String, String)> = r
        .records()
        .map(|x| {
            let x = x.unwrap();
            (x[0].into(), x[2].into(), x[3].into(), x[4].into())
        })
        .collect();
    let crm_rows: Vec<_> = rows
        .iter()
        .filter(|r| r.0.ends_with("@example.com"))
        .collect();
    // 14:00 in Paris in February is 13:00 UTC; 09:30 in December is 08:30 UTC.
    assert_eq!(
        crm_rows,
        [
            &(
                "bob@example.com".into(),
                "complaint".into(),
                "all".into(),
                "2023-12-25T08:30:00Z".into()
            ),
            &(
                "carol@example.com".into(),
                "manual".into(),
                "all".into(),
                "2023-12-31T23:00:00Z".into()
            ),
            &(
                "jane.doe@example.com".into(),
                "unsubscribe".into(),
                "marketing".into(),
                "2024-02-03T13:00:00Z".into()
            ),
        ]
    );
    // The Mailchimp audience named on the command line scopes its unsubscribes.
    let news: Vec<_> = rows
        .iter()
        .filter(|r| !r.0.ends_with("@example.com"))
        .collect();
    assert!(!news.is_empty());
    assert!(
        news.iter()
            .all(|r| r.1 != "unsubscribe" || r.2 == "list:4f1a2b9c"),
        "{news:?}"
    );
    assert!(news.iter().any(|r| r.2 == "list:4f1a2b9c"), "{news:?}");

    // Mistakes are named.
    for (set, expected) in [
        ("crm.colour=red", "unknown key \"colour\""),
        ("nobody.email=x", "no --stream named \"nobody\""),
        ("crm.default-reason=maybe", "crm.default-reason=maybe"),
        ("crm-email=x", "expected STREAM.KEY=VALUE"),
    ] {
        let args = vec![
            "--stream".to_string(),
            format!("crm={}", crm.display()),
            "--set".to_string(),
            set.to_string(),
        ];
        let o = merge_args(&dir.path().join("bad"), &args);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{set}: {err}");
        assert!(err.contains(expected), "{set}: {err}");
    }
    // Generic columns without the address column cannot be read.
    let args = vec![
        "--stream".to_string(),
        format!("crm={}", crm.display()),
        "--set".to_string(),
        "crm.reason=Opt-out Reason".to_string(),
    ];
    let o = merge_args(&dir.path().join("bad"), &args);
    assert!(String::from_utf8_lossy(&o.stderr).contains("--set crm.email=COLUMN is needed"));
}

#[test]
fn the_order_of_the_streams_given_changes_no_output() {
    let dir = tempfile::tempdir().unwrap();
    let e = exports();
    let streams = [
        format!("sg={}", e.join("sendgrid").display()),
        format!("shop={}", e.join("mailgun").display()),
        format!("news={}", e.join("mailchimp").display()),
    ];
    let run = |out: &Path, order: &[usize]| {
        let mut args: Vec<String> = Vec::new();
        for &i in order {
            args.extend(["--stream".to_owned(), streams[i].clone()]);
        }
        args.extend(["--now".to_owned(), "2024-09-01T00:00:00Z".to_owned()]);
        let done = merge_args(out, &args);
        assert!(
            done.status.success(),
            "{}",
            String::from_utf8_lossy(&done.stderr)
        );
    };
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    run(&a, &[0, 1, 2]);
    run(&b, &[2, 0, 1]);
    same_outputs(
        &a,
        &b,
        &[
            "suppressions.csv",
            "rejects.csv",
            "missing/shop.mailgun-bounces.csv",
        ],
    );
}

#[test]
fn an_earlier_runs_missing_files_do_not_stay() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let e = exports();
    let sg = format!("sg={}", e.join("sendgrid").display());
    let mg = format!("mg={}", e.join("mailgun").display());
    let names = |out: &Path| {
        let mut n: Vec<String> = std::fs::read_dir(out.join("missing"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        n.sort();
        n
    };
    let args = |streams: &[&String]| {
        let mut a: Vec<String> = Vec::new();
        for s in streams {
            a.extend(["--stream".to_owned(), (*s).clone()]);
        }
        a
    };
    assert!(merge_args(&out, &args(&[&sg, &mg])).status.success());
    assert!(names(&out).iter().any(|n| n.starts_with("mg.")));
    assert!(merge_args(&out, &args(&[&sg])).status.success());
    let after = names(&out);
    assert!(!after.is_empty());
    assert!(after.iter().all(|n| n.starts_with("sg.")), "{after:?}");
}

#[test]
fn set_encoding_reads_a_windows_1252_export_and_without_it_names_the_option() {
    let dir = tempfile::tempdir().unwrap();
    // As Excel on Windows saves CSV: Windows-1252, "é" "ô" as 0xE9 0xF4, curly quotes as
    // 0x93 0x94 (www.unicode.org/Public/MAPPINGS/VENDORS/MICSFT/WINDOWS/CP1252.TXT).
    let crm = dir.path().join("dnc.csv");
    std::fs::write(
        &crm,
        b"Email,Note\r\nann@example.com,\x93moved\x94\r\nj\xe9r\xf4me@example.com,x\r\n",
    )
    .unwrap();
    let utf8 = dir.path().join("utf8.csv");
    std::fs::write(&utf8, "Email,Note\r\nzoé@example.com,x\r\n").unwrap();
    let out = dir.path().join("out");
    let run = |settings: &[&str]| {
        let args: Vec<String> = [
            format!("crm={}", crm.display()),
            format!("web={}", utf8.display()),
        ]
        .into_iter()
        .flat_map(|s| ["--stream".to_string(), s])
        .chain(
            ["crm.email=Email", "crm.default-reason=manual"]
                .iter()
                .chain(["web.email=Email", "web.default-reason=manual"].iter())
                .chain(settings)
                .flat_map(|s| ["--set".to_string(), s.to_string()]),
        )
        .collect();
        merge_args(&out, &args)
    };

    let o = run(&[]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(&format!(
            "{}: line 2, column 17: byte 0x93 is not UTF-8",
            crm.display()
        )),
        "{err}"
    );
    assert!(
        err.contains("re-run with --set crm.encoding=windows-1252"),
        "{err}"
    );

    // Given to both streams: the UTF-8 file still reads as UTF-8 ("zoé", not "zoÃ©").
    let o = run(&["crm.encoding=windows-1252", "web.encoding=windows-1252"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut addresses: Vec<String> = csv::Reader::from_path(out.join("suppressions.csv"))
        .unwrap()
        .records()
        .map(|r| r.unwrap()[1].to_string())
        .collect();
    addresses.sort();
    assert_eq!(
        addresses,
        ["ann@example.com", "jérôme@example.com", "zoé@example.com"]
    );

    let o = run(&["crm.encoding=windows-9999"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("unknown encoding \"windows-9999\""), "{err}");

    // A stream given as a folder: the option is named for the file in it too.
    let folder = dir.path().join("crm-exports");
    std::fs::create_dir(&folder).unwrap();
    std::fs::rename(&crm, folder.join("dnc.csv")).unwrap();
    let args: Vec<String> = [
        "--stream".to_string(),
        format!("crm={}", folder.display()),
        "--set".to_string(),
        "crm.email=Email".to_string(),
    ]
    .into();
    let o = merge_args(&out, &args);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("re-run with --set crm.encoding=windows-1252"),
        "{err}"
    );
}
