//! `denali fmt` (being written).

use std::io;
use std::process::ExitCode;

use crate::args::FmtArgs;

/// Runs `denali fmt`.
pub fn run(_args: &FmtArgs) -> io::Result<ExitCode> {
    eprintln!("denali fmt: not available yet");
    Ok(ExitCode::from(2))
}
