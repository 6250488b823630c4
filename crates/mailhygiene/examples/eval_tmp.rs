fn main() {
    let t = mailhygiene::TypoCorrector::builtin();
    let none = |_: &str| false;
    // real domains from free.txt that would be "corrected" if not known
    let free = include_str!("../data/free.txt");
    let mut n = 0;
    let mut hits = vec![];
    for d in free.lines().filter(|l| !l.starts_with('#')) {
        n += 1;
        if let Some(s) = t.suggest_domain(d, &none) {
            hits.push(format!("{d} -> {}", s.domain));
        }
    }
    println!(
        "free.txt: {n} domains, {} would be corrected without the known check:",
        hits.len()
    );
    for h in &hits {
        println!("  {h}");
    }
    // 1-edit typos of big targets
    let alphabet = "abcdefghijklmnopqrstuvwxyz";
    for target in [
        "gmail.com",
        "yahoo.com",
        "hotmail.com",
        "outlook.com",
        "icloud.com",
    ] {
        let (label, suffix) = target.split_once('.').unwrap();
        let mut typos = std::collections::BTreeSet::new();
        let b: Vec<char> = label.chars().collect();
        for i in 0..=b.len() {
            for c in alphabet.chars() {
                let mut x = b.clone();
                x.insert(i, c);
                typos.insert(x.iter().collect::<String>());
                if i < b.len() {
                    let mut x = b.clone();
                    x[i] = c;
                    typos.insert(x.iter().collect::<String>());
                }
            }
            if i < b.len() {
                let mut x = b.clone();
                x.remove(i);
                typos.insert(x.iter().collect::<String>());
            }
            if i + 1 < b.len() {
                let mut x = b.clone();
                x.swap(i, i + 1);
                typos.insert(x.iter().collect::<String>());
            }
        }
        typos.remove(label);
        let (mut ok, mut wrong, mut none_) = (0, vec![], 0);
        for ty in &typos {
            let d = format!("{ty}.{suffix}");
            match t.suggest_domain(&d, &none) {
                Some(s) if s.domain == target => ok += 1,
                Some(s) => wrong.push(format!("{d}->{}", s.domain)),
                None => none_ += 1,
            }
        }
        println!(
            "{target}: {} typos, {ok} corrected, {none_} abstained, wrong: {:?}",
            typos.len(),
            wrong
        );
    }
}
