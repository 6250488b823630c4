//! `mailhygiene check` end to end: formats, stdin, invalid UTF-8, exit codes.
use std::io::Write;
use std::process::{Command, Output, Stdio};

fn run(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mailhygiene"))
        .arg("check")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

fn json_lines(out: &Output) -> Vec<serde_json::Value> {
    String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

const KEYS: [&str; 14] = [
    "input",
    "valid",
    "error",
    "message",
    "address",
    "address_ascii",
    "canonical",
    "suggestion",
    "role",
    "disposable",
    "relay",
    "free",
    "warnings",
    "rules",
];

#[test]
fn json_lines_from_stdin_have_exactly_the_documented_keys() {
    let out = run(
        &["--format", "json"],
        b"Jane.Doe+x@GoogleMail.com\r\nbob@yaho.com\n\nnot an address\n",
    );
    assert!(out.status.success());
    let rows = json_lines(&out);
    assert_eq!(
        rows.len(),
        4,
        "one object per input line, the blank one included"
    );
    for row in &rows {
        let mut keys: Vec<&str> = row
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        let mut want = KEYS.to_vec();
        want.sort_unstable();
        assert_eq!(keys, want);
    }
    assert_eq!(
        rows[0]["input"], "Jane.Doe+x@GoogleMail.com",
        "only the line terminator is removed"
    );
    assert_eq!(rows[0]["canonical"], "janedoe@gmail.com");
    assert_eq!(
        rows[0]["rules"],
        serde_json::json!(["strip_tag", "strip_dots", "domain_alias"])
    );
    assert_eq!(rows[1]["suggestion"], "bob@yahoo.com");
    assert_eq!(rows[2]["error"], "empty");
    assert_eq!(rows[3]["valid"], false);
    assert_eq!(rows[3]["error"], "whitespace");
    assert!(rows[3]["suggestion"].is_null());
}

#[test]
fn invalid_utf8_is_a_result_not_a_crash() {
    let out = run(
        &["--format", "json"],
        b"ok@example.com\n\xff\xfe@example.com\nok2@example.com\n",
    );
    assert!(out.status.success());
    let rows = json_lines(&out);
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[1]["error"], "invalid_utf8");
    assert_eq!(rows[2]["valid"], true);
}

#[test]
fn exact_judges_the_input_as_given() {
    let out = run(
        &[
            "--format",
            "json",
            "--exact",
            " a@example.com",
            "<a@example.com>",
        ],
        b"",
    );
    let rows = json_lines(&out);
    assert_eq!(rows[0]["error"], "whitespace");
    assert_eq!(rows[1]["error"], "invalid_local_char");
    let out = run(&["--format", "json", " a@example.com"], b"");
    assert_eq!(
        json_lines(&out)[0]["warnings"],
        serde_json::json!(["trimmed_whitespace"])
    );
}

#[test]
fn options_widen_the_grammar() {
    let out = run(
        &["--format", "json", "--allow-single-label", "root@localhost"],
        b"",
    );
    assert_eq!(json_lines(&out)[0]["valid"], true);
}

#[test]
fn table_format_and_bad_flags() {
    let out = run(&["--format", "table", "bob@yaho.com"], b"");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("bob@yahoo.com"), "{text}");
    let out = run(&["--format", "xml"], b"");
    assert!(!out.status.success());
    assert!(!out.stderr.is_empty());
}

#[test]
fn help_explains_every_flag() {
    let out = run(&["--help"], b"");
    let text = String::from_utf8(out.stdout).unwrap();
    for flag in [
        "--format",
        "--exact",
        "--allow-quoted",
        "--allow-literal",
        "--allow-single-label",
        "--lenient-lengths",
    ] {
        assert!(text.contains(flag), "{flag} missing from --help");
    }
}

#[test]
fn a_byte_order_mark_on_standard_input_is_not_part_of_the_first_address() {
    let out = run(
        &["--format", "json"],
        b"\xEF\xBB\xBFa@example.com\r\nb@example.com\n",
    );
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["input"], "a@example.com");
    assert_eq!(lines[0]["valid"], true);
}
