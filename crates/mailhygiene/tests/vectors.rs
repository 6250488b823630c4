//! Runs the shared conformance vectors in `tests/vectors/` (format: `tests/vectors/README.md`).
//!
//! Each file is one test; every failing case is reported by `file:line` before the test fails,
//! so one run shows all failures.
use std::fs;
use std::path::{Path, PathBuf};

use mailhygiene::{Check, Checker, ParseOptions};

fn vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/vectors")
}

/// One data row: its `file:line` name and its cells by header name.
struct Case {
    name: String,
    cells: Vec<(String, String)>,
}

impl Case {
    fn get(&self, column: &str) -> &str {
        self.cells
            .iter()
            .find(|(k, _)| k == column)
            .map(|(_, v)| v.as_str())
            .unwrap_or_else(|| panic!("{}: no column '{column}'", self.name))
    }
    fn opt(&self, column: &str) -> Option<&str> {
        Some(self.get(column)).filter(|v| !v.is_empty())
    }
    fn input(&self) -> String {
        unescape(self.get("input"))
    }
}

fn read(file: &str) -> Vec<Case> {
    let path = vectors_dir().join(file);
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut header: Option<Vec<String>> = None;
    let mut cases = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        match &header {
            None => header = Some(fields.iter().map(|s| s.to_string()).collect()),
            Some(h) => {
                assert_eq!(
                    fields.len(),
                    h.len(),
                    "{file}:{}: {} cells, header has {}",
                    i + 1,
                    fields.len(),
                    h.len()
                );
                assert!(
                    !fields.last().unwrap().trim().is_empty(),
                    "{file}:{}: the note is empty",
                    i + 1
                );
                cases.push(Case {
                    name: format!("{file}:{}", i + 1),
                    cells: h
                        .iter()
                        .cloned()
                        .zip(fields.iter().map(|s| s.to_string()))
                        .collect(),
                });
            }
        }
    }
    cases
}

/// `\t`, `\n`, `\r`, `\\` and `\u{HEX}` escapes of the input column.
fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('\\') => out.push('\\'),
            Some('u') => {
                assert_eq!(chars.next(), Some('{'), "bad \\u escape in {s}");
                let hex: String = chars.by_ref().take_while(|&c| c != '}').collect();
                out.push(char::from_u32(u32::from_str_radix(&hex, 16).unwrap()).unwrap());
            }
            other => panic!("bad escape \\{other:?} in {s}"),
        }
    }
    out
}

fn codes<T: serde::Serialize>(items: &[T]) -> String {
    items
        .iter()
        .map(|i| {
            serde_json::to_value(i)
                .unwrap()
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// Run `judge` on every case; collect failures and fail once with all of them.
fn run(file: &str, min_cases: usize, judge: impl Fn(&Case) -> Result<(), String>) {
    let cases = read(file);
    assert!(
        cases.len() >= min_cases,
        "{file}: {} cases, want at least {min_cases}",
        cases.len()
    );
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|c| judge(c).err().map(|e| format!("{}: {e}", c.name)))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

fn expect(what: &str, got: Option<&str>, want: Option<&str>) -> Result<(), String> {
    if got == want {
        Ok(())
    } else {
        Err(format!("{what}: got {got:?}, want {want:?}"))
    }
}

fn checker_with(options: &str) -> Checker {
    let mut o = ParseOptions::new();
    for name in options.split(',').filter(|s| !s.is_empty()) {
        o = match name {
            "allow_quoted_local" => o.allow_quoted_local(true),
            "allow_domain_literal" => o.allow_domain_literal(true),
            "allow_single_label" => o.allow_single_label(true),
            "lenient_lengths" => o.lenient_lengths(true),
            other => panic!("unknown option {other}"),
        };
    }
    Checker::builder().options(o).build()
}

#[test]
fn syntax() {
    run("syntax.tsv", 200, |case| {
        let c: Check = checker_with(case.get("options")).check_exact(&case.input());
        let got = if c.valid { "valid" } else { c.error.unwrap() };
        expect("verdict", Some(got), Some(case.get("expected")))
            .and_then(|_| expect("address", c.address.as_deref(), case.opt("address")))
            .and_then(|_| {
                expect(
                    "address_ascii",
                    c.address_ascii.as_deref(),
                    case.opt("address_ascii"),
                )
            })
            .map_err(|e| format!("{e} ({})", c.message.unwrap_or_default()))
    });
}

#[test]
fn extraction() {
    run("extraction.tsv", 20, |case| {
        let c = mailhygiene::check(&case.input());
        expect("address", c.address.as_deref(), case.opt("address"))?;
        expect(
            "warnings",
            Some(&codes(&c.warnings)),
            Some(case.get("warnings")),
        )
    });
}

#[test]
fn canonical() {
    run("canonical.tsv", 80, |case| {
        let c = mailhygiene::check(&case.input());
        expect("canonical", c.canonical.as_deref(), case.opt("canonical"))?;
        expect("rules", Some(&codes(&c.rules)), Some(case.get("rules")))
    });
}

#[test]
fn typos() {
    run("typos.tsv", 150, |case| {
        let c = mailhygiene::check(&case.input());
        expect(
            "suggestion",
            c.suggestion.as_deref(),
            case.opt("suggestion"),
        )
    });
}

#[test]
fn classify() {
    run("classify.tsv", 100, |case| {
        let c = mailhygiene::check(&case.input());
        for (column, got) in [
            ("role", c.role),
            ("disposable", c.disposable),
            ("relay", c.relay),
            ("free", c.free),
        ] {
            expect(column, Some(&got.to_string()), Some(case.get(column)))?;
        }
        Ok(())
    });
}

/// `check_with`'s borrowed view, read field by field, as a `Check`.
fn view_as_check(checker: &Checker, input: &str, exact: bool) -> Check {
    checker.check_with(input, exact, |v| Check {
        input: v.input().to_owned(),
        valid: v.valid(),
        error: v.error(),
        message: v.parse_error().map(|e| e.to_string()),
        address: v.address().map(|a| a.parts().concat()),
        address_ascii: v.address_ascii().map(|a| a.to_string()),
        canonical: v.canonical().map(str::to_owned),
        suggestion: v.suggestion().map(String::from),
        role: v.role(),
        disposable: v.disposable(),
        relay: v.relay(),
        free: v.free(),
        warnings: v.warnings().to_vec(),
        rules: v.rules().to_vec(),
    })
}

#[test]
fn check_with_reads_as_check() {
    let checkers = [
        Checker::default(),
        checker_with("allow_quoted_local,allow_domain_literal,allow_single_label,lenient_lengths"),
    ];
    for file in [
        "syntax.tsv",
        "extraction.tsv",
        "canonical.tsv",
        "typos.tsv",
        "classify.tsv",
    ] {
        run(file, 1, |case| {
            let input = case.input();
            for checker in &checkers {
                for exact in [false, true] {
                    let want = if exact {
                        checker.check_exact(&input)
                    } else {
                        checker.check(&input)
                    };
                    let got = view_as_check(checker, &input, exact);
                    if got != want {
                        return Err(format!("exact={exact}: got {got:?}, want {want:?}"));
                    }
                    let owned = checker.check_with(&input, exact, |v| v.to_check());
                    if owned != want {
                        return Err(format!("to_check, exact={exact}: got {owned:?}"));
                    }
                }
            }
            Ok(())
        });
    }
}
