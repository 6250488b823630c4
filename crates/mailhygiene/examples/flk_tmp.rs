fn main() {
    let none = |_: &str| false;
    let t = mailhygiene::TypoCorrector::builtin();
    let (mut ok, mut wrong, mut miss, mut blocked) = (0, 0, vec![], vec![]);
    let text = std::fs::read_to_string("/tmp/flk/pos.txt").unwrap();
    for l in text.lines() {
        let (typo, want) = l.split_once(',').unwrap();
        let got = mailhygiene::check(&format!("x@{typo}")).suggestion;
        match got.as_deref().map(|s| &s[2..]) {
            Some(g) if g == want => ok += 1,
            Some(g) => {
                wrong += 1;
                println!("WRONG {typo} -> {g} (want {want})");
            }
            None => {
                if t.suggest_domain(typo, &none).is_some() {
                    blocked.push(typo)
                } else {
                    miss.push(typo)
                }
            }
        }
    }
    println!(
        "ok {ok}, wrong {wrong}, blocked-by-known {}: {:?}\nabstained {}: {:?}",
        blocked.len(),
        blocked,
        miss.len(),
        miss
    );
}
