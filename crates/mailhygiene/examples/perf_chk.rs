fn main() {
    let c = mailhygiene::Checker::default();
    let n: usize = std::env::args().nth(1).unwrap().parse().unwrap();
    let doms = [
        "acme-corp.com",
        "example.org",
        "bigcompany.co.uk",
        "startup.io",
        "gmail.com",
        "yahoo.fr",
        "university.edu",
        "widgets.de",
    ];
    let inputs: Vec<String> = (0..n)
        .map(|i| format!("user{}@{}", i, doms[i % doms.len()]))
        .collect();
    let mut v = 0;
    for i in &inputs {
        v += c.check(i).valid as usize;
    }
    println!("{v}");
}
