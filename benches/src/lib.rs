//! Generated corpora for the benchmarks.
