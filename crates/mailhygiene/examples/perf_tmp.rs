use std::time::Instant;
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
        "gmail.com",
        "yahoo.fr",
    ];
    let inputs: Vec<String> = (0..200_000)
        .map(|i| format!("user{}@{}", i, doms[i % doms.len()]))
        .collect();
    let t = mailhygiene::TypoCorrector::builtin();
    let known = |_: &str| false;
    let start = Instant::now();
    let mut n = 0;
    for _ in 0..20 {
        for d in &doms {
            if t.suggest_domain(std::hint::black_box(d), &known).is_some() {
                n += 1;
            }
        }
    }
    let iters = 20 * doms.len();
    let mut total = 0u128;
    let start2 = Instant::now();
    for _ in 0..100_000 {
        for d in &doms {
            if t.suggest_domain(std::hint::black_box(d), &known).is_some() {
                n += 1;
            }
        }
    }
    total += start2.elapsed().as_nanos();
    println!(
        "suggest_domain: {:.1} ns/domain ({} hits) {:?}",
        total as f64 / (100_000.0 * doms.len() as f64),
        n,
        start.elapsed().as_nanos() / iters as u128
    );
    for d in &doms {
        let s = Instant::now();
        for _ in 0..200_000 {
            std::hint::black_box(t.suggest_domain(std::hint::black_box(d), &known));
        }
        println!("  {d}: {:.1} ns", s.elapsed().as_nanos() as f64 / 200_000.0);
    }
    let r = c.check("warmup@x.com");
    std::hint::black_box(r);
    let s = Instant::now();
    let mut v = 0;
    for i in &inputs {
        let r = c.check(i);
        v += r.valid as usize;
    }
    let e = s.elapsed();
    println!(
        "check: {:.1} ns/address, {:.2} M/s ({v})",
        e.as_nanos() as f64 / inputs.len() as f64,
        inputs.len() as f64 / e.as_secs_f64() / 1e6
    );
    let mut set = std::collections::HashSet::new();
    set.insert("gmail.com".to_string());
    let s = Instant::now();
    for _ in 0..2_000_000 {
        std::hint::black_box(set.contains(std::hint::black_box("acme-corp.com")));
    }
    println!(
        "baseline std HashSet probe: {:.1} ns",
        s.elapsed().as_nanos() as f64 / 2e6
    );
    let roles = mailhygiene::RoleList::builtin();
    let s = Instant::now();
    for i in 0..1_000_000 {
        std::hint::black_box(roles.category(std::hint::black_box(if i % 2 == 0 {
            "john.doe"
        } else {
            "info+x"
        })));
    }
    println!("role: {:.1} ns", s.elapsed().as_nanos() as f64 / 1e6);
}
