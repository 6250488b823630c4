//! Quick per-operation throughput by *thread CPU time* (robust on a loaded machine), for
//! tuning between criterion runs: `quick OP [N]`, OP in parse, canonical, classify, suggest, check.
use mailhygiene::Checker;

#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn cpu_seconds() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes into the timespec we own.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
}

fn main() {
    let op = std::env::args().nth(1).unwrap_or_else(|| "check".into());
    let n: usize = std::env::args()
        .nth(2)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let mut corpus = mailhygiene_benches::corpus(n);
    match std::env::var("SUBSET").as_deref() {
        Ok("ascii") => corpus.retain(|s| s.is_ascii()),
        Ok("unicode") => corpus.retain(|s| !s.is_ascii()),
        _ => {}
    }
    let n = corpus.len();
    let checker = Checker::default();
    let parsed: Vec<_> = corpus
        .iter()
        .filter_map(|s| checker.normalize(s).ok())
        .collect();
    let _ = checker.check("warm@up.com");
    let repeat: usize = std::env::var("REPEAT")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(3);
    for _ in 0..repeat {
        let t = cpu_seconds();
        let sink: usize = match op.as_str() {
            "lower" => corpus.iter().map(|s| s.to_lowercase().len()).sum(),
            "parse" => corpus.iter().filter(|s| checker.parse(s).is_ok()).count(),
            // Extract, parse and key: `Checker::canonical`, the call de-duplication makes.
            "canonical" => corpus
                .iter()
                .filter_map(|s| checker.canonical(s).ok())
                .map(|k| k.len())
                .sum(),
            "classify" => parsed
                .iter()
                .map(|a| checker.classify(a).domain.free as usize)
                .sum(),
            "suggest" => corpus
                .iter()
                .filter(|s| checker.suggest(s).is_some())
                .count(),
            "check" => corpus.iter().map(|s| checker.check(s).valid as usize).sum(),
            // Wall time, all rayon threads (set RAYON_NUM_THREADS=1 for one core).
            "many" => {
                let wall = std::time::Instant::now();
                let n = checker.check_many(&corpus).len();
                let dt = wall.elapsed().as_secs_f64();
                println!("many (wall): {:.2} M/s", n as f64 / dt / 1e6);
                n
            }
            "columns" => {
                let cells: Vec<Option<&str>> = corpus.iter().map(|s| Some(s.as_str())).collect();
                let wall = std::time::Instant::now();
                let n = checker.check_columns(&cells, false).len();
                let dt = wall.elapsed().as_secs_f64();
                println!("columns (wall): {:.2} M/s", n as f64 / dt / 1e6);
                n
            }
            other => panic!("unknown op {other}"),
        };
        let dt = cpu_seconds() - t;
        println!(
            "{op}: {:.2} M/s ({:.0} ns/op, sink {sink})",
            n as f64 / dt / 1e6,
            dt * 1e9 / n as f64
        );
    }
}
