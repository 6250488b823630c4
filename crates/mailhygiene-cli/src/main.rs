//! `mailhygiene`: check addresses, merge suppression exports, clean contact lists.
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod atomic;
mod check;
mod clean;
mod merge;

// `merge` and `clean` allocate and free many small strings per row on every core; mimalloc's
// per-thread heaps make that a quarter to a third cheaper than glibc malloc (BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Turn transparent huge pages off for this process (Linux; elsewhere nothing).
///
/// `clean` touches a few hundred megabytes once. On a virtual machine whose host backs guest
/// memory lazily, as the small cloud machines this runs on do, the first touch of a 2 MB page
/// costs far more than of the 4 KB pages actually used: a first run spent about 0.5 s more in
/// the kernel with them (BENCHMARKS.md, `clean`).
fn small_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE only sets a flag of this process; no memory is touched.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

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
        Command::Clean(args) => {
            small_pages();
            clean::run(args)
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mailhygiene: {e:#}");
            ExitCode::from(2)
        }
    }
}
