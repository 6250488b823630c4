//! `mailhygiene`: check addresses, merge suppression exports, clean contact lists.
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod check;
mod clean;
mod merge;

// `merge` and `clean` allocate and free many small strings per row on every core; mimalloc's
// per-thread heaps make that a quarter to a third cheaper than glibc malloc (BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Email list hygiene: validate and normalize addresses, merge suppression lists, clean contact lists.
#[derive(Parser)]
#[command(name = "mailhygiene", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    Check(check::CheckArgs),
    Merge(merge::MergeArgs),
    Clean(clean::CleanArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(args) => check::run(args),
        Command::Merge(args) => merge::run(args),
        Command::Clean(args) => clean::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mailhygiene: {e:#}");
            ExitCode::from(2)
        }
    }
}
