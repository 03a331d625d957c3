//! `denali correct` (being written).

use std::io;
use std::process::ExitCode;

use crate::args::CorrectArgs;

/// Runs `denali correct`.
pub fn run(_args: &CorrectArgs) -> io::Result<ExitCode> {
    eprintln!("denali correct: not available yet");
    Ok(ExitCode::from(2))
}
