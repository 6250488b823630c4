//! `mailhygiene check`: judge addresses given as arguments or one per line on stdin.
use std::io::{self, BufRead, BufWriter, IsTerminal, Write};

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use mailhygiene::{Check, Checker, ParseOptions};
use rayon::prelude::*;

/// Validate, normalize and classify addresses.
///
/// With no ADDRESS arguments, reads one input per line from standard input. Invalid addresses
/// are results, not failures: the exit status is 0 when every input was processed.
#[derive(Args)]
pub struct CheckArgs {
    /// Addresses to check; read from stdin (one per line) when none are given.
    addresses: Vec<String>,
    /// Output format; `table` is the default on a terminal, `json` (JSON Lines, one object per
    /// input with the keys input, valid, error, message, address, address_ascii, canonical,
    /// suggestion, role, disposable, relay, free, warnings, rules) otherwise.
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Judge each input exactly as given: no trimming, no display-name or mailto: extraction.
    #[arg(long)]
    exact: bool,
    /// Accept quoted local parts ("john doe"@example.com).
    #[arg(long)]
    allow_quoted: bool,
    /// Accept IP address literals (user@[192.0.2.1]).
    #[arg(long)]
    allow_literal: bool,
    /// Accept single-label domains (root@localhost).
    #[arg(long)]
    allow_single_label: bool,
    /// Do not enforce the 64-octet local-part and 254-octet address limits (old lists).
    #[arg(long)]
    lenient_lengths: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// Aligned columns for people.
    Table,
    /// One JSON object per input line.
    Json,
}

pub fn run(args: CheckArgs) -> Result<()> {
    let options = ParseOptions::new()
        .allow_quoted_local(args.allow_quoted)
        .allow_domain_literal(args.allow_literal)
        .allow_single_label(args.allow_single_label)
        .lenient_lengths(args.lenient_lengths);
    let checker = Checker::builder().options(options).build();
    let format = args.format.unwrap_or(if io::stdout().is_terminal() {
        Format::Table
    } else {
        Format::Json
    });
    let judge = |input: &str| {
        if args.exact {
            checker.check_exact(input)
        } else {
            checker.check(input)
        }
    };

    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    if format == Format::Table {
        writeln!(
            out,
            "{:<40} {:<6} {:<36} {:<32} {:<28} flags",
            "input", "valid", "address / error", "canonical", "suggestion"
        )?;
    }
    let mut emit = |c: &Check| -> Result<()> {
        match format {
            Format::Json => {
                serde_json::to_writer(&mut out, c)?;
                out.write_all(b"\n")?;
            }
            Format::Table => write_row(&mut out, c)?,
        }
        Ok(())
    };

    if !args.addresses.is_empty() {
        for a in &args.addresses {
            emit(&judge(a))?;
        }
    } else {
        // Lines are read in chunks and judged on all cores; results keep the input order.
        let stdin = io::stdin();
        let mut reader = stdin.lock();
        let mut first = true;
        loop {
            let mut lines = read_chunk(&mut reader, 16_384).context("reading standard input")?;
            if lines.is_empty() {
                break;
            }
            if std::mem::take(&mut first) {
                // A file saved by Windows tools starts with a UTF-8 byte order mark: not part
                // of the first address.
                if let Some(rest) = lines[0].strip_prefix(b"\xEF\xBB\xBF") {
                    lines[0] = rest.to_vec();
                }
            }
            let checks: Vec<Check> = lines
                .par_iter()
                .map(|line| match std::str::from_utf8(line) {
                    Ok(s) => judge(s),
                    Err(_) => checker.check_invalid_utf8(&String::from_utf8_lossy(line)),
                })
                .collect();
            for check in &checks {
                emit(check)?;
            }
        }
    }
    out.flush().context("writing standard output")?;
    Ok(())
}

/// Up to `max` lines without their terminator (`\n` or `\r\n`): other whitespace is
/// extraction's business.
fn read_chunk(reader: &mut impl BufRead, max: usize) -> io::Result<Vec<Vec<u8>>> {
    let mut lines = Vec::new();
    while lines.len() < max {
        let mut line = Vec::new();
        if reader.read_until(b'\n', &mut line)? == 0 {
            break;
        }
        if line.ends_with(b"\n") {
            line.pop();
            if line.ends_with(b"\r") {
                line.pop();
            }
        }
        lines.push(line);
    }
    Ok(lines)
}

fn write_row(out: &mut impl Write, c: &Check) -> io::Result<()> {
    let verdict = if c.valid {
        c.address.clone().unwrap_or_default()
    } else {
        c.error.unwrap_or("").to_owned()
    };
    let flags: Vec<&str> = [
        (c.role, "role"),
        (c.disposable, "disposable"),
        (c.relay, "relay"),
        (c.free, "free"),
    ]
    .into_iter()
    .filter_map(|(on, name)| on.then_some(name))
    .collect();
    writeln!(
        out,
        "{:<40} {:<6} {:<36} {:<32} {:<28} {}",
        c.input.trim(),
        if c.valid { "yes" } else { "no" },
        verdict,
        c.canonical.as_deref().unwrap_or("-"),
        c.suggestion.as_deref().unwrap_or("-"),
        flags.join(",")
    )
}
