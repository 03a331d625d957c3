//! `denali report` (being written).

use std::io;
use std::process::ExitCode;

use crate::args::ReportArgs;

/// Runs `denali report`.
pub fn run(_args: &ReportArgs) -> io::Result<ExitCode> {
    eprintln!("denali report: not available yet");
    Ok(ExitCode::from(2))
}
