//! Criterion benches of the address engine over the generated 1 M-address corpus, one group
//! per operation, reported in addresses per second (one thread, except the batch calls `check_many` and `check_columns`, which use every core).
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use mailhygiene::{Checker, ParseOptions};
use std::hint::black_box;

// The CLI and the bindings run on mimalloc; measure the library the way it is shipped.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

const N: usize = 1_000_000;

fn benches(c: &mut Criterion) {
    let corpus = mailhygiene_benches::corpus(N);
    let checker = Checker::default();
    let parsed: Vec<_> = corpus
        .iter()
        .filter_map(|s| checker.normalize(s).ok())
        .collect();
    let options = ParseOptions::new();

    let mut g = c.benchmark_group("address");
    g.sample_size(10);
    g.throughput(Throughput::Elements(N as u64));
    g.bench_function("parse", |b| {
        b.iter(|| {
            corpus
                .iter()
                .filter(|s| mailhygiene::parse_with(black_box(s), &options).is_ok())
                .count()
        })
    });
    // `Checker::canonical`: extract, parse and validate, then the key (what de-duplication calls).
    g.bench_function("parse+canonical", |b| {
        b.iter(|| {
            corpus
                .iter()
                .filter_map(|s| checker.canonical(black_box(s)).ok())
                .map(|k| k.len())
                .sum::<usize>()
        })
    });
    g.bench_function("check", |b| {
        b.iter(|| {
            corpus
                .iter()
                .map(|s| checker.check(black_box(s)).valid as usize)
                .sum::<usize>()
        })
    });
    // Batch calls use every core (2 here).
    g.bench_function("check_many", |b| {
        b.iter(|| checker.check_many(black_box(&corpus)).len())
    });
    let cells: Vec<Option<&str>> = corpus.iter().map(|s| Some(s.as_str())).collect();
    g.bench_function("check_columns", |b| {
        b.iter(|| checker.check_columns(black_box(&cells), false).len())
    });
    g.throughput(Throughput::Elements(parsed.len() as u64));
    g.bench_function("classify", |b| {
        b.iter(|| {
            parsed
                .iter()
                .map(|a| checker.classify(black_box(a)).domain.free as usize)
                .sum::<usize>()
        })
    });
    g.throughput(Throughput::Elements(N as u64));
    g.bench_function("suggest", |b| {
        b.iter(|| {
            corpus
                .iter()
                .filter(|s| checker.suggest(black_box(s)).is_some())
                .count()
        })
    });
    g.finish();
}

criterion_group!(address, benches);
criterion_main!(address);
