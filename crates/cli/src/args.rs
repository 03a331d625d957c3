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
    /// Explain adjustment codes: `16`, `CO-16`, `N290`, `"CO-16 N290"` (group, CARC and RARCs
    /// in one argument are explained together).
    Explain(ExplainArgs),
}

/// Where the classification rules come from.
#[derive(Debug, clap::Args)]
pub struct RulesArgs {
    /// TOML file overriding any CARC/RARC mapping (category, class, route, appealable, description).
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    /// An official CARC/RARC code list you hold (code and description, tab or comma separated),
    /// used for descriptions instead of ours.
    #[arg(long, value_name = "FILE")]
    pub code_list: Option<PathBuf>,
}

/// Output format of `denali explain`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExplainFormat {
    /// A short block per argument.
    Text,
    /// One JSON object per argument, one per line.
    Json,
}

/// `denali explain`.
#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// Codes to explain.
    #[arg(value_name = "CODE", required = true)]
    pub codes: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ExplainFormat::Text)]
    pub format: ExplainFormat,
    /// Rule sources.
    #[command(flatten)]
    pub rules: RulesArgs,
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
