fn main() {
    let t = mailhygiene::TypoCorrector::builtin();
    let d = std::env::args().nth(1).unwrap();
    let n: usize = std::env::args().nth(2).unwrap().parse().unwrap();
    let mut k = 0;
    for _ in 0..n {
        if t.suggest_domain(std::hint::black_box(&d), &|_| false)
            .is_some()
        {
            k += 1;
        }
    }
    println!("{k}");
}
