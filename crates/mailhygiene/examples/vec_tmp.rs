// Throwaway: print mismatches of typos.tsv / classify.tsv (not committed).
fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match it.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('\\') => out.push('\\'),
            Some('u') => {
                it.next();
                let h: String = it.by_ref().take_while(|&c| c != '}').collect();
                out.push(char::from_u32(u32::from_str_radix(&h, 16).unwrap()).unwrap());
            }
            o => panic!("bad escape {o:?}"),
        }
    }
    out
}
fn main() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/vectors/");
    let mut bad = 0;
    let mut none = 0;
    let mut total = 0;
    let text = std::fs::read_to_string(format!("{root}typos.tsv")).unwrap();
    let mut header = true;
    for (i, l) in text.lines().enumerate() {
        if l.starts_with('#') || l.is_empty() {
            continue;
        }
        if header {
            header = false;
            assert_eq!(l, "input\tsuggestion\tnote");
            continue;
        }
        let f: Vec<&str> = l.split('\t').collect();
        assert_eq!(f.len(), 3, "typos.tsv:{} columns", i + 1);
        let input = unescape(f[0]);
        let want = (!f[1].is_empty()).then(|| f[1].to_string());
        total += 1;
        if want.is_none() {
            none += 1;
        }
        let got = mailhygiene::check(&input).suggestion;
        if got != want {
            bad += 1;
            println!(
                "typos.tsv:{}: {:?} want {:?} got {:?}",
                i + 1,
                input,
                want,
                got
            );
        }
    }
    println!("typos: {total} cases, {none} without suggestion, {bad} mismatches");
    let text = std::fs::read_to_string(format!("{root}classify.tsv")).unwrap();
    let (mut total, mut bad) = (0, 0);
    header = true;
    for (i, l) in text.lines().enumerate() {
        if l.starts_with('#') || l.is_empty() {
            continue;
        }
        if header {
            header = false;
            assert_eq!(l, "input\trole\tdisposable\trelay\tfree\tnote");
            continue;
        }
        let f: Vec<&str> = l.split('\t').collect();
        assert_eq!(f.len(), 6, "classify.tsv:{} columns", i + 1);
        let input = unescape(f[0]);
        let c = mailhygiene::check(&input);
        let got = [c.role, c.disposable, c.relay, c.free]
            .map(|b| b.to_string())
            .join("\t");
        total += 1;
        if got != f[1..5].join("\t") {
            bad += 1;
            println!(
                "classify.tsv:{}: {:?} want {} got {}",
                i + 1,
                input,
                f[1..5].join(" "),
                got.replace('\t', " ")
            );
        }
    }
    println!("classify: {total} cases, {bad} mismatches");
}
