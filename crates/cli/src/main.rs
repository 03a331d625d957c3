//! `denali`: denial management for X12 835/837 files from the command line.
//!
//! The binary only parses arguments, calls the library crates, and formats output. Exit codes:
//! 0 success, 1 an input had errors or could not be read (the other inputs are still
//! processed), 2 usage. A closed output pipe (`denali parse f | head`) is not an error.

mod args;
mod cmd;
mod input;
mod out;

use std::process::ExitCode;

use clap::Parser;

/// mimalloc instead of the system allocator: the typed models and report rows allocate many
/// small values, and glibc's malloc/free were a fifth of `denali report`'s time. The library
/// crates leave the choice to whoever embeds them.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args = args::Args::parse();
    match cmd::run(args) {
        Ok(code) => code,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("denali: {e}");
            ExitCode::from(1)
        }
    }
}
