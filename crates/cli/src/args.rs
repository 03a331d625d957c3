//! Command-line arguments as parsed (clap derive).

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Denial management for X12 835 remittances and 837 claims.
#[derive(Debug, Parser)]
#[command(name = "denali", version, about, propagate_version = true)]
pub struct Args {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Parse X12 files (835, 837) and print them as JSON, one document per input line.
    Parse(ParseArgs),
    /// Check X12 files: envelopes, counts, values and balancing; print the diagnostics.
    Validate(ValidateArgs),
}

/// Options shared by commands that read X12.
#[derive(Debug, clap::Args)]
pub struct ReadArgs {
    /// Input files; `-` (or none) reads standard input.
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Treat every diagnostic, warnings included, as a fatal error.
    #[arg(long)]
    pub strict: bool,
}

/// `denali parse`.
#[derive(Debug, clap::Args)]
pub struct ParseArgs {
    /// Inputs and reading options.
    #[command(flatten)]
    pub read: ReadArgs,
    /// Mask patient names and member ids in the output.
    #[arg(long)]
    pub redact: bool,
}

/// Output format of `denali validate`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ValidateFormat {
    /// One line per diagnostic and a summary line per file.
    Text,
    /// One JSON document per file, one per line.
    Json,
}

/// `denali validate`.
#[derive(Debug, clap::Args)]
pub struct ValidateArgs {
    /// Inputs and reading options.
    #[command(flatten)]
    pub read: ReadArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ValidateFormat::Text)]
    pub format: ValidateFormat,
}
