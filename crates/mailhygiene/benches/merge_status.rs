//! Status lookups against a merged list: the per-row cost of `clean` and the bindings.
//!
//! A seeded list of 1 M records over 1 M addresses (hard bounces, complaints, unsubscribes);
//! queries are half listed, half not. `cargo bench -p mailhygiene --bench merge_status`.
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use mailhygiene::suppression::{MailKind, Reason, Scope, SuppressionList, SuppressionRecord};

const N: usize = 1_000_000;

fn key(i: usize) -> String {
    format!("user{i}@example{}.com", i % 97)
}

fn list() -> SuppressionList {
    let mut l = SuppressionList::default();
    l.set_now(1_767_225_600);
    let reasons = [Reason::HardBounce, Reason::Complaint, Reason::Unsubscribe];
    // Only even addresses are listed; records carry their canonical key, as importers give it.
    l.extend((0..N).map(|i| {
        let k = key(2 * i);
        let mut r = SuppressionRecord::new(&k, &k, reasons[i % 3], Scope::All, "sendgrid");
        r.event_time = Some(1_700_000_000 + i as i64);
        r.source_stream = "news".into();
        r
    }));
    l.finalize();
    l
}

fn bench(c: &mut Criterion) {
    let l = list();
    let queries: Vec<String> = (0..N).map(|i| key(i * 2 + (i % 2))).collect();
    let mut g = c.benchmark_group("merge_status");
    g.throughput(Throughput::Elements(N as u64));
    g.sample_size(10);
    g.bench_function("blocked_key canonical 1M", |b| {
        b.iter(|| {
            queries
                .iter()
                .filter(|q| l.blocked_key(q, MailKind::Marketing).is_some())
                .count()
        })
    });
    g.bench_function("status canonical 1M", |b| {
        b.iter(|| {
            queries
                .iter()
                .filter(|q| l.status(q, None).suppressed)
                .count()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
