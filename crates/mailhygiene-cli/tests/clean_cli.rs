//! `mailhygiene clean` end to end: real files in, real files out.
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use sha2::{Digest, Sha256};

struct Run {
    dir: tempfile::TempDir,
}

impl Run {
    fn new() -> Self {
        Run {
            dir: tempfile::tempdir().unwrap(),
        }
    }
    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
    fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, bytes).unwrap();
        p
    }
    fn read(&self, name: &str) -> String {
        String::from_utf8(std::fs::read(self.path(name)).unwrap()).unwrap()
    }
    /// Run `clean contacts.csv --out kept.csv --rejects rejects.csv ARGS`.
    fn clean(&self, args: &[&str]) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_mailhygiene"));
        cmd.arg("clean")
            .arg(self.path("contacts.csv"))
            .arg("--out")
            .arg(self.path("kept.csv"))
            .arg("--rejects")
            .arg(self.path("rejects.csv"))
            .args(args);
        cmd.output().unwrap()
    }
    fn ok(&self, args: &[&str]) -> String {
        let out = self.clean(args);
        assert!(
            out.status.success(),
            "clean failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }
    fn err(&self, args: &[&str]) -> String {
        let out = self.clean(args);
        assert!(!out.status.success(), "clean should have failed");
        String::from_utf8(out.stderr).unwrap()
    }
    /// Parsed rows of an output (header first), with an independent CSV parser.
    fn rows(&self, name: &str, delimiter: u8) -> Vec<Vec<String>> {
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .delimiter(delimiter)
            .flexible(true)
            .from_path(self.path(name))
            .unwrap();
        r.records()
            .map(|x| x.unwrap().iter().map(str::to_owned).collect())
            .collect()
    }
    /// One column of an output's rows, by header.
    fn column(&self, name: &str, header: &str) -> Vec<String> {
        let rows = self.table(name);
        rows.iter().map(|r| col(r, header).to_owned()).collect()
    }
    /// Parsed rows as maps from header to value.
    fn table(&self, name: &str) -> Vec<std::collections::HashMap<String, String>> {
        let rows = self.rows(name, b',');
        let header = rows[0].clone();
        rows[1..]
            .iter()
            .map(|r| header.iter().cloned().zip(r.iter().cloned()).collect())
            .collect()
    }
}

fn col<'a>(row: &'a std::collections::HashMap<String, String>, k: &str) -> &'a str {
    row.get(k).map(String::as_str).unwrap_or("")
}

#[test]
fn sniffs_each_delimiter() {
    for d in [',', ';', '\t', '|'] {
        let run = Run::new();
        let text = format!(
            "Name{d}Email{d}City\nAnn{d}ann@example.com{d}\"Paris{d} FR\"\nBob{d}bob@example.org{d}Rome\n"
        );
        run.write("contacts.csv", &text);
        run.ok(&["-q"]);
        let rows = run.rows("kept.csv", d as u8);
        assert_eq!(rows.len(), 3, "delimiter {d:?}");
        assert_eq!(rows[0][3], "mh_status");
        assert_eq!(rows[1][2], format!("Paris{d} FR"));
        assert_eq!(rows[1][4], "ann@example.com");
    }
}

#[test]
fn bom_and_crlf_are_kept() {
    let run = Run::new();
    run.write(
        "contacts.csv",
        "\u{feff}Email,Name\r\nann@example.com,Ann\r\nbob@example.org,Bob\r\n",
    );
    run.ok(&["-q"]);
    let kept = std::fs::read(run.path("kept.csv")).unwrap();
    assert!(kept.starts_with(b"\xEF\xBB\xBFEmail,Name,mh_status,"));
    let text = String::from_utf8(kept).unwrap();
    assert_eq!(text.matches("\r\n").count(), 3);
    assert_eq!(text.matches('\n').count(), 3);
}

#[test]
fn excel_sep_line_names_the_delimiter_and_is_kept() {
    let run = Run::new();
    run.write(
        "contacts.csv",
        "sep=;\r\nName;Email\r\nAnn, Jr;ann@example.com\r\nBob;nope\r\n",
    );
    run.ok(&["-q"]);
    let kept = run.read("kept.csv");
    assert!(kept.starts_with("sep=;\r\nName;Email;mh_status;"), "{kept}");
    assert!(kept.contains("\r\nAnn, Jr;ann@example.com;kept;"));
    let rejects = run.read("rejects.csv");
    assert!(rejects.contains("\r\nBob;nope;rejected;"));
    assert!(
        rejects.ends_with(";4\r\n"),
        "line numbers count the sep= line: {rejects}"
    );
}

#[test]
fn embedded_newlines_keep_rows_and_line_numbers() {
    let run = Run::new();
    run.write(
        "contacts.csv",
        "email,notes\nann@example.com,\"line one\nline two, \"\"quoted\"\"\"\nnot-an-address,x\n",
    );
    run.ok(&["-q"]);
    let kept = run.read("kept.csv");
    assert!(kept.contains("ann@example.com,\"line one\nline two, \"\"quoted\"\"\",kept,"));
    let rejects = run.table("rejects.csv");
    assert_eq!(rejects.len(), 1);
    assert_eq!(col(&rejects[0], "mh_line"), "4");
}

#[test]
fn windows_1252_is_refused_with_its_line_or_decoded() {
    let run = Run::new();
    run.write(
        "contacts.csv",
        b"name,email\nAnn,ann@example.com\nJos\xe9,jose@example.com\n",
    );
    let err = run.err(&["-q"]);
    assert!(err.contains("line 3"), "{err}");
    assert!(err.contains("windows-1252"), "{err}");
    assert!(!run.path("kept.csv").exists(), "nothing written on refusal");

    run.ok(&["-q", "--encoding", "windows-1252"]);
    assert!(run.read("kept.csv").contains("José,jose@example.com,kept"));
}

#[test]
fn email_column_by_header_by_flag_and_ambiguity() {
    let run = Run::new();
    run.write(
        "contacts.csv",
        "Name,E-Mail Address,Notes\nAnn,ann@example.com,x\n",
    );
    run.ok(&["-q"]);
    assert_eq!(
        col(&run.table("kept.csv")[0], "mh_address"),
        "ann@example.com"
    );

    run.write(
        "contacts.csv",
        "Name,Email,Work Email\nAnn,ann@example.com,ann@work.example\n",
    );
    let err = run.err(&["-q"]);
    assert!(err.contains("2: \"Email\""), "{err}");
    assert!(err.contains("3: \"Work Email\""), "{err}");
    assert!(err.contains("--column"), "{err}");
    run.ok(&["-q", "--column", "work email"]);
    assert_eq!(
        col(&run.table("kept.csv")[0], "mh_address"),
        "ann@work.example"
    );
    run.ok(&["-q", "--column", "2"]);
    assert_eq!(
        col(&run.table("kept.csv")[0], "mh_address"),
        "ann@example.com"
    );

    run.write("contacts.csv", "Name,Phone\nAnn,1\n");
    let err = run.err(&["-q"]);
    assert!(err.contains("no email column"), "{err}");
}

const MIXED: &str = "email,name
jane.doe@gmail.com,Jane
Jane.Doe+news@googlemail.com,Jane again
JANEDOE@GMAIL.COM,Jane thrice
info@acme-corp.com,Role
x@mailinator.com,Disposable
bob@yaho.com,Typo
john..doe@example.com,Invalid
,Empty
";

#[test]
fn duplicates_point_to_the_first_row() {
    let run = Run::new();
    run.write("contacts.csv", MIXED);
    run.ok(&["-q"]);
    let rejects = run.table("rejects.csv");
    let dups: Vec<_> = rejects
        .iter()
        .filter(|r| col(r, "mh_reason").starts_with("duplicate"))
        .collect();
    assert_eq!(dups.len(), 2);
    for d in dups {
        assert_eq!(col(d, "mh_reason"), "duplicate: line 2");
        assert_eq!(col(d, "mh_canonical"), "janedoe@gmail.com");
    }
    let kept = run.table("kept.csv");
    assert_eq!(col(&kept[0], "email"), "jane.doe@gmail.com");
}

#[test]
fn default_policy() {
    let run = Run::new();
    run.write("contacts.csv", MIXED);
    let summary = run.ok(&[]);
    assert!(
        summary.contains("8 rows in = 3 kept + 5 rejected"),
        "{summary}"
    );
    let kept = run.table("kept.csv");
    let names: Vec<&str> = kept.iter().map(|r| col(r, "name")).collect();
    assert_eq!(names, ["Jane", "Role", "Typo"]);
    assert_eq!(col(&kept[1], "mh_flags"), "role");
    assert_eq!(col(&kept[2], "mh_flags"), "typo");
    assert_eq!(col(&kept[2], "mh_suggestion"), "bob@yahoo.com");
    assert_eq!(col(&kept[2], "email"), "bob@yaho.com");
    let rejects = run.table("rejects.csv");
    let reasons: Vec<&str> = rejects.iter().map(|r| col(r, "mh_reason")).collect();
    assert_eq!(
        reasons,
        [
            "duplicate: line 2",
            "duplicate: line 2",
            "disposable",
            "invalid: consecutive_dots",
            "invalid: empty",
        ]
    );
}

#[test]
fn drop_and_keep_change_the_policy() {
    let run = Run::new();
    run.write("contacts.csv", MIXED);
    run.ok(&["-q", "--drop", "role,typo", "--keep", "disposable"]);
    let kept = run.column("kept.csv", "name");
    assert_eq!(kept, ["Jane", "Disposable"]);
    let err = run.err(&["-q", "--drop", "role", "--keep", "role"]);
    assert!(err.contains("both"), "{err}");
    let err = run.err(&["-q", "--drop", "nonsense"]);
    assert!(err.contains("unknown category"), "{err}");
}

#[test]
fn fix_typos_replaces_the_cell_and_keeps_the_original() {
    let run = Run::new();
    run.write("contacts.csv", "email,name\n\"bob@yaho.com\",Bob\n");
    run.ok(&["-q", "--fix-typos"]);
    let kept = run.read("kept.csv");
    assert_eq!(
        kept,
        "email,name,mh_status,mh_address,mh_canonical,mh_suggestion,mh_flags,mh_reason,mh_original\n\
         bob@yahoo.com,Bob,kept,bob@yahoo.com,bob@yahoo.com,bob@yahoo.com,typo free fixed,,bob@yaho.com\n"
    );
}

#[test]
fn the_risk_before_cleaning_does_not_depend_on_fixing_typos() {
    let run = Run::new();
    // One mistyped domain among four kept rows: weight 0.5 (report.rs `bounce_weight`).
    run.write(
        "contacts.csv",
        "email\nbob@yaho.com\nann@example.com\ncid@example.org\ndee@example.net\n",
    );
    let risk = |fix: bool| {
        let json = run.path("report.json");
        let mut args = vec!["-q", "--report", json.to_str().unwrap()];
        if fix {
            args.push("--fix-typos");
        }
        run.ok(&args);
        let report: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
        let r = &report["hard_bounce_risk"];
        (r["before"].as_f64().unwrap(), r["after"].as_f64().unwrap())
    };
    assert_eq!(risk(false), (0.125, 0.125));
    assert_eq!(risk(true), (0.125, 0.0));
}

#[test]
fn formulas_are_neutralised_unless_asked_not_to() {
    let run = Run::new();
    run.write(
        "contacts.csv",
        "email,note,phone\nann@example.com,\"=HYPERLINK(\"\"http://x\"\")\",+1 555\n",
    );
    run.ok(&["-q"]);
    let kept = run.read("kept.csv");
    assert!(
        kept.contains("ann@example.com,\"'=HYPERLINK(\"\"http://x\"\")\",'+1 555,kept,"),
        "{kept}"
    );
    assert!(kept.contains("neutralized"));
    run.ok(&["-q", "--no-neutralize"]);
    let kept = run.read("kept.csv");
    assert!(kept.contains("ann@example.com,\"=HYPERLINK(\"\"http://x\"\")\",+1 555,kept,"));
}

#[test]
fn original_columns_are_byte_for_byte() {
    // Odd but legal CSV: needless quotes, spaces around values, escaped quotes, an empty
    // quoted cell, unicode, a short row.
    let rows = [
        "\"ann@example.com\", spaced ,\"say \"\"hi\"\"\"",
        "bob@example.org,\"\",Zoë",
        "  carol@example.net  ,\"multi\r\nline\",x",
        "not an address,a,b",
        "dave@example.com",
    ];
    let run = Run::new();
    let mut input = String::from("Email,A,B\r\n");
    for r in rows {
        input.push_str(r);
        input.push_str("\r\n");
    }
    run.write("contacts.csv", &input);
    run.ok(&["-q"]);
    let kept = run.read("kept.csv");
    let rejects = run.read("rejects.csv");
    for r in rows {
        let padded = if r == "dave@example.com" {
            "dave@example.com,,".to_owned()
        } else {
            r.to_owned()
        };
        let hit = format!("\r\n{padded},");
        assert!(
            kept.contains(&hit) || rejects.contains(&hit),
            "row not found byte-for-byte: {r:?}"
        );
    }
}

#[test]
fn outputs_are_atomic() {
    let run = Run::new();
    run.write("contacts.csv", "email\nann@example.com\n");
    run.write("kept.csv", "old contents\n");
    // A run that fails after processing (a bad report name) must leave the old file and no
    // temporary files.
    let err = run.err(&["-q", "--report", run.path("r.txt").to_str().unwrap()]);
    assert!(err.contains(".html or .json"), "{err}");
    assert_eq!(run.read("kept.csv"), "old contents\n");
    assert!(!run.path("rejects.csv").exists());
    let leftovers: Vec<_> = std::fs::read_dir(run.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    run.ok(&["-q"]);
    assert!(run.read("kept.csv").starts_with("email,mh_status"));
}

#[test]
fn suppression_lists_plain_and_hashed() {
    let run = Run::new();
    run.write(
        "contacts.csv",
        "email\nJane.Doe+x@gmail.com\nbob@example.org\ncarol@example.net\ndave@example.com\n",
    );
    // A plain list no importer knows: read as a generic export by its email column.
    let list = run.write(
        "supp.csv",
        "email,reason,source\njanedoe@gmail.com,hard_bounce,sendgrid\n",
    );
    // The hashed exchange form `merge` writes: no addresses, no sources.
    let hashed = run.write(
        "hashed.csv",
        format!(
            "sha256,reason,scope,since,expires\n{},complaint,all,,\n",
            hex::encode(Sha256::digest(b"carol@example.net"))
        ),
    );
    let summary = run.ok(&[
        "--suppressions",
        list.to_str().unwrap(),
        hashed.to_str().unwrap(),
    ]);
    assert!(
        summary.contains("4 rows in = 2 kept + 2 rejected"),
        "{summary}"
    );
    let rejects = run.table("rejects.csv");
    assert_eq!(col(&rejects[0], "email"), "Jane.Doe+x@gmail.com");
    assert!(
        col(&rejects[0], "mh_reason") == "suppressed: hard_bounce (generic:supp)",
        "{}",
        col(&rejects[0], "mh_reason")
    );
    assert!(col(&rejects[1], "mh_reason").starts_with("suppressed: complaint"));
}

#[test]
fn raw_esp_exports_go_through_the_importers() {
    let run = Run::new();
    run.write(
        "contacts.csv",
        "email\njane.doe+promo@googlemail.com\nok@example.org\n",
    );
    // The SES bulk-import CSV (no header) and a Mailchimp "cleaned" export.
    let ses = run.write("ses.csv", "Jane.Doe@gmail.com,BOUNCE\n");
    let summary = run.ok(&["--suppressions", ses.to_str().unwrap()]);
    assert!(
        summary.contains("2 rows in = 1 kept + 1 rejected"),
        "{summary}"
    );
    let rejects = run.table("rejects.csv");
    assert_eq!(
        col(&rejects[0], "mh_reason"),
        "suppressed: hard_bounce (ses:ses)"
    );

    let readme = run.write("README.md", "not a list");
    let err = run.err(&["--suppressions", readme.to_str().unwrap()]);
    assert!(err.contains("not a suppression list"), "{err}");
}

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

#[test]
fn nothing_is_lost_on_the_example_list() {
    let run = Run::new();
    std::fs::copy(examples().join("contacts.csv"), run.path("contacts.csv")).unwrap();
    let json = run.path("report.json");
    let summary = run.ok(&[
        "--suppressions",
        examples().join("exports").to_str().unwrap(),
        examples().join("suppressions").to_str().unwrap(),
        "--report",
        json.to_str().unwrap(),
    ]);
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let n = |k: &str| report[k].as_u64().unwrap();
    let input_rows = run.rows("contacts.csv", b',').len() - 1;
    let kept = run.rows("kept.csv", b',').len() - 1;
    let rejected = run.rows("rejects.csv", b',').len() - 1;
    assert_eq!(input_rows, kept + rejected);
    assert_eq!(n("rows") as usize, input_rows);
    assert_eq!(n("kept") as usize, kept);
    assert_eq!(n("rejected") as usize, rejected);
    assert!(summary.contains(&format!(
        "{input_rows} rows in = {kept} kept + {rejected} rejected"
    )));
    // The example list exercises every default rejection.
    for reason in ["invalid", "suppressed", "duplicate", "disposable"] {
        assert!(
            report["rejected_by"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["name"] == reason && c["rows"].as_u64().unwrap() > 0),
            "{reason}"
        );
    }
    let rejected_sum: u64 = report["rejected_by"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["rows"].as_u64().unwrap())
        .sum();
    assert_eq!(rejected_sum as usize, rejected);
}

#[test]
fn outputs_never_overwrite_an_input_or_each_other() {
    let run = Run::new();
    let contacts = run.write("contacts.csv", "email\nann@example.com\n");
    run.write("list.csv", "email\nbob@example.com\n");
    let original = std::fs::read(&contacts).unwrap();
    let run_with = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_mailhygiene"))
            .arg("clean")
            .arg(&contacts)
            .args(args)
            .current_dir(run.dir.path())
            .output()
            .unwrap();
        assert!(!out.status.success(), "{args:?} should have been refused");
        String::from_utf8(out.stderr).unwrap()
    };
    // The input under another spelling of its path, and a suppression list.
    let err = run_with(&["--out", "./sub/../contacts.csv"]);
    assert!(err.contains("is the contact list"), "{err}");
    let err = run_with(&["--rejects", "list.csv", "--suppressions", "list.csv"]);
    assert!(err.contains("is a suppression list"), "{err}");
    let err = run_with(&["--out", "x.json", "--report", "x.json"]);
    assert!(err.contains("name the same file"), "{err}");
    assert_eq!(std::fs::read(&contacts).unwrap(), original);
    assert!(!run.path("x.json").exists());
}

#[test]
fn hmac_hashed_lists_need_their_key() {
    let run = Run::new();
    run.write(
        "contacts.csv",
        "email\nCarol@Example.net\ndave@example.com\n",
    );
    let master = run.write(
        "master.csv",
        "canonical,address,reason,scope,since,expires,sources\n\
         carol@example.net,carol@example.net,complaint,all,2024-05-20T07:45:10Z,,ses:ses\n",
    );
    let key = run.write("key.txt", "s3cret\n");
    // The hashed list as `merge` writes it, keyed.
    let merged = Command::new(env!("CARGO_BIN_EXE_mailhygiene"))
        .args(["merge", "--stream"])
        .arg(format!("crm={}", master.display()))
        .arg("--hash-key-file")
        .arg(&key)
        .arg("--out")
        .arg(run.path("merged"))
        .output()
        .unwrap();
    assert!(
        merged.status.success(),
        "{}",
        String::from_utf8_lossy(&merged.stderr)
    );
    let hashed = run.path("merged/suppressions.hashed.csv");
    let hashed = hashed.to_str().unwrap();
    assert!(run
        .read("merged/suppressions.hashed.csv")
        .starts_with("hmac_sha256,"));
    // Without the key nothing could match: refused, not silently ignored.
    let err = run.err(&["--suppressions", hashed]);
    assert!(err.contains("--hash-key-file"), "{err}");
    run.ok(&[
        "-q",
        "--suppressions",
        hashed,
        "--hash-key-file",
        key.to_str().unwrap(),
    ]);
    let rejects = run.table("rejects.csv");
    assert_eq!(rejects.len(), 1);
    assert_eq!(col(&rejects[0], "email"), "Carol@Example.net");
    assert!(col(&rejects[0], "mh_reason").starts_with("suppressed: complaint"));
}

#[test]
fn bare_address_lists_and_unusable_suppression_rows() {
    let run = Run::new();
    run.write(
        "contacts.csv",
        "email\nbob@example.com\nann@example.com\neve@example.org\n",
    );
    // One address per line, no header: every line is suppressed.
    let bare = run.write(
        "dnc.txt",
        "bob@example.com\n\nnot an address\neve@example.org\n",
    );
    let out = run.clean(&["-q", "--suppressions", bare.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    // The unusable line is reported with its line in the file, not dropped silently.
    assert!(
        stderr.contains("dnc.txt: 1 rows could not be used"),
        "{stderr}"
    );
    assert!(stderr.contains("line 3:"), "{stderr}");
    let rejected = run.column("rejects.csv", "email");
    assert_eq!(rejected, ["bob@example.com", "eve@example.org"]);
    // A list none of whose rows can be used is an error.
    let useless = run.write("useless.csv", "email,reason\nbob@example.com,sometimes\n");
    let err = run.err(&["--suppressions", useless.to_str().unwrap()]);
    assert!(err.contains("none of its 1 rows could be used"), "{err}");
    // So is a folder with no list in it.
    std::fs::create_dir(run.path("empty")).unwrap();
    let err = run.err(&["--suppressions", run.path("empty").to_str().unwrap()]);
    assert!(err.contains("no suppression lists in this folder"), "{err}");
}

#[test]
fn rows_with_more_cells_than_the_header_are_rejected_whole_and_aligned() {
    let run = Run::new();
    run.write(
        "contacts.csv",
        "email,name,city\nb@example.com,B,Paris,extra\nc@example.com,\"C, Jr\",Rome\n",
    );
    run.ok(&["-q"]);
    let rejects = run.rows("rejects.csv", b',');
    let header = &rejects[0];
    assert_eq!(
        rejects[1].len(),
        header.len(),
        "the appended columns stay aligned"
    );
    // The surplus is kept, as text, in the last original column.
    assert_eq!(rejects[1][..3], ["b@example.com", "B", "Paris,extra"]);
    let reason = header.iter().position(|h| h == "mh_reason").unwrap();
    assert_eq!(rejects[1][reason], "invalid: extra_fields");
    assert_eq!(rejects[1].last().unwrap(), "2");
    let kept = run.rows("kept.csv", b',');
    assert_eq!(kept.len(), 2);
    assert_eq!(kept[1][1], "C, Jr");
}

#[test]
fn a_rejected_row_does_not_make_the_next_spelling_a_duplicate() {
    let run = Run::new();
    run.write(
        "contacts.csv",
        "email\nbob@gmial.com\nbob@gmail.com\nann@example.com\nAnn@example.com\n",
    );
    run.ok(&["-q", "--fix-typos", "--drop", "typo"]);
    let kept = run.column("kept.csv", "email");
    // Row 2, fixed to bob@gmail.com, is dropped as a typo: row 3 is the person's kept row.
    assert_eq!(kept, ["bob@gmail.com", "ann@example.com"]);
    let rejects = run.table("rejects.csv");
    assert_eq!(col(&rejects[0], "mh_reason"), "typo");
    assert_eq!(col(&rejects[1], "mh_reason"), "duplicate: line 4");
}

#[test]
fn a_mistyped_provider_domain_is_a_typo_not_a_disposable_address() {
    let run = Run::new();
    // gmial.com is on the disposable list (typo-squatters register it).
    run.write("contacts.csv", "email\nann@gmial.com\nbob@mailinator.com\n");
    run.ok(&["-q"]);
    let kept = run.table("kept.csv");
    assert_eq!(kept.len(), 1);
    assert_eq!(col(&kept[0], "mh_suggestion"), "ann@gmail.com");
    assert_eq!(col(&kept[0], "mh_flags"), "typo");
    let rejects = run.table("rejects.csv");
    assert_eq!(col(&rejects[0], "mh_reason"), "disposable");
}

#[test]
fn a_legacy_encoding_is_refused_for_a_utf8_file() {
    let run = Run::new();
    run.write("contacts.csv", "Name,Email\nJosé,jose@example.com\n");
    let err = run.err(&["--encoding", "windows-1252"]);
    assert!(err.contains("valid UTF-8"), "{err}");
    assert!(!run.path("kept.csv").exists());
}

#[test]
fn a_neutralised_appended_cell_is_flagged() {
    let run = Run::new();
    run.write("contacts.csv", "email\nx <=f@example.com>\n");
    run.ok(&["-q"]);
    let kept = run.table("kept.csv");
    assert_eq!(col(&kept[0], "mh_address"), "'=f@example.com");
    assert!(col(&kept[0], "mh_flags").contains("neutralized"));
}

#[test]
fn a_list_without_a_header_starts_with_an_address() {
    let run = Run::new();
    run.write(
        "contacts.csv",
        "Ann,a@example.com\nBob,bob@gmial.com\nAnn again,A@example.com\n",
    );
    let summary = run.ok(&[]);
    assert!(
        summary.contains("3 rows in = 2 kept + 1 rejected"),
        "{summary}"
    );
    let kept = run.rows("kept.csv", b',');
    assert_eq!(kept[0][..3], ["column1", "email", "mh_status"]);
    assert_eq!(kept[1][..2], ["Ann", "a@example.com"]);
    let rejects = run.table("rejects.csv");
    assert_eq!(col(&rejects[0], "mh_reason"), "duplicate: line 1");
    assert_eq!(col(&rejects[0], "mh_line"), "3");
}

#[test]
fn workbooks_archives_and_utf16_without_a_mark_are_named() {
    let run = Run::new();
    for (bytes, says) in [
        (b"PK\x03\x04\x14\x00".to_vec(), "zip archive"),
        (
            vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0],
            ".xls workbook",
        ),
        (vec![0x1F, 0x8B, 8, 0], "gzip"),
        (
            "email\nann@example.com\n"
                .encode_utf16()
                .flat_map(u16::to_le_bytes)
                .collect(),
            "--encoding utf-16le",
        ),
    ] {
        run.write("contacts.csv", bytes);
        let err = run.err(&[]);
        assert!(err.contains(says), "{err}");
    }
}

#[test]
fn suppression_lists_in_utf16_with_a_byte_order_mark_are_read() {
    let run = Run::new();
    run.write(
        "contacts.csv",
        "email\nbob@example.com\nann@example.com\neve@example.org\n",
    );
    let utf16 = |text: &str| -> Vec<u8> {
        "\u{feff}"
            .encode_utf16()
            .chain(text.encode_utf16())
            .flat_map(u16::to_le_bytes)
            .collect()
    };
    // Excel's "Unicode text": a CSV with an email column, and a bare list.
    let csv = run.write("dnc.txt", utf16("Email\tNote\nbob@example.com\tasked\n"));
    let bare = run.write("bare.txt", utf16("eve@example.org\n"));
    run.ok(&[
        "-q",
        "--suppressions",
        csv.to_str().unwrap(),
        bare.to_str().unwrap(),
    ]);
    let rejected = run.column("rejects.csv", "email");
    assert_eq!(rejected, ["bob@example.com", "eve@example.org"]);
}

#[test]
fn windows_1252_suppression_lists_are_decoded_when_told_and_refused_otherwise() {
    // As Excel on Windows saves them: 0xE9 is "é" in Windows-1252 and not UTF-8 on its own.
    const CRM: &[u8] = b"Email,Name\r\nbob@example.com,Andr\xe9\r\nann@example.com,Ann\r\n";
    const BARE: &[u8] = b"jos\xe9@example.com\r\n";
    let run = Run::new();
    run.write(
        "contacts.csv",
        "email\njosé@example.com\nbob@example.com\nann@example.com\n",
    );
    let (crm, bare) = (run.write("crm.csv", CRM), run.write("dnc.txt", BARE));
    let (crm, bare) = (crm.to_str().unwrap(), bare.to_str().unwrap());
    // Refused, naming the file, the line and what to do; nothing is written.
    for (file, line) in [(crm, "line 2, column 21"), (bare, "line 1, column 4")] {
        let err = run.err(&["--suppressions", file]);
        assert!(err.contains(&format!("{file}: {line}: byte 0xE9")), "{err}");
        assert!(
            err.contains("--suppressions-encoding windows-1252"),
            "{err}"
        );
        assert!(!run.path("kept.csv").exists());
    }
    // Decoded when told: the bare list's "josé" is the contact's UTF-8 "josé", not mangled.
    run.ok(&[
        "-q",
        "--suppressions",
        crm,
        bare,
        "--suppressions-encoding",
        "windows-1252",
    ]);
    let rejects = run.table("rejects.csv");
    let rejected: Vec<(&str, &str)> = rejects
        .iter()
        .map(|r| (col(r, "email"), col(r, "mh_reason")))
        .collect();
    assert_eq!(
        rejected,
        [
            ("josé@example.com", "suppressed: manual (generic:dnc)"),
            ("bob@example.com", "suppressed: manual (generic:crm)"),
            ("ann@example.com", "suppressed: manual (generic:crm)"),
        ]
    );
    // A UTF-8 list given alongside is still read as UTF-8.
    let utf8 = run.write("utf8.txt", "josé@example.com\n");
    run.ok(&[
        "-q",
        "--suppressions",
        utf8.to_str().unwrap(),
        "--suppressions-encoding",
        "windows-1252",
    ]);
    assert_eq!(run.column("rejects.csv", "email"), ["josé@example.com"]);
}
