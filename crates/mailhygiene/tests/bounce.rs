//! Runs `tests/vectors/bounces.tsv` through the built-in bounce rules, one named case per line
//! (`bounces.tsv:LINE`), and reports every failure at once.
use mailhygiene::suppression::bounce::{classify, BounceRules};

const VECTORS: &str = include_str!("../../../tests/vectors/bounces.tsv");

fn opt(s: &str) -> Option<&str> {
    (!s.is_empty()).then_some(s)
}

#[test]
fn bounce_vectors() {
    let mut failures = Vec::new();
    let mut cases = 0;
    let mut header_seen = false;
    for (i, line) in VECTORS.lines().enumerate() {
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        if !header_seen {
            header_seen = true;
            assert_eq!(
                line,
                "smtp_reply\tenhanced_status\tdiagnostic\tclass\tsub_reason\tnote"
            );
            continue;
        }
        let name = format!("bounces.tsv:{}", i + 1);
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), 6, "{name}: expected 6 columns");
        let reply = opt(cols[0]).map(|r| r.parse::<u16>().expect("smtp_reply is a number"));
        let got = classify(reply, opt(cols[1]), opt(cols[2]));
        cases += 1;
        let want = (cols[3], opt(cols[4]));
        let have = (got.class.code(), got.sub_reason.as_deref());
        if want != have {
            failures.push(format!(
                "{name}: want {want:?}, got {have:?} (rule line {:?}) for {:?}",
                got.rule_line, cols[2]
            ));
        }
    }
    assert!(cases >= 40, "only {cases} cases");
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn rules_load_at_runtime_and_first_match_wins() {
    let rules = BounceRules::parse(
        "code\tstatus\tpattern\tclass\tsub_reason\tsource\n\
         \t5.1.1\tvacation\tsoft\tauto_reply\tlocal rule first\n\
         5xx\t\t\thard\tanything\tcatch-all\n",
    )
    .unwrap();
    let b = rules.classify(Some(550), Some("5.1.1"), Some("on vacation"));
    assert_eq!(
        (b.class.code(), b.sub_reason.as_deref(), b.rule_line),
        ("soft", Some("auto_reply"), Some(2))
    );
    let b = rules.classify(Some(550), Some("5.1.1"), Some("user unknown"));
    assert_eq!((b.class.code(), b.rule_line), ("hard", Some(3)));
}
