//! Prints the benchmark corpus, one address per line: `corpus [N]` (default 1 000 000).
use std::io::{BufWriter, Write};

fn main() -> std::io::Result<()> {
    let n = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let mut out = BufWriter::new(std::io::stdout().lock());
    for line in mailhygiene_benches::corpus(n) {
        writeln!(out, "{line}")?;
    }
    out.flush()
}
