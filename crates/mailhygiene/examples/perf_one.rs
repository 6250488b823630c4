fn main() {
    let c = mailhygiene::Checker::default();
    let doms = [
        "acme-corp.com",
        "example.org",
        "bigcompany.co.uk",
        "startup.io",
        "mail.acme.com",
        "university.edu",
        "widgets.de",
        "firm.com.ar",
    ];
    let inputs: Vec<String> = (0..100_000)
        .map(|i| format!("user{}@{}", i, doms[i % doms.len()]))
        .collect();
    let mut v = 0;
    for _ in 0..20 {
        for i in &inputs {
            v += c.check(i).valid as usize;
        }
    }
    println!("{v}");
}
