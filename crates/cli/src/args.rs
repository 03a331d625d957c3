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
    /// Balance 835 payments for posting: per transaction set, claim charges and payments,
    /// provider adjustments and BPR02, and every line, claim or payment that does not balance.
    Balance(BalanceArgs),
    /// Explain adjustment codes: `16`, `CO-16`, `N290`, `"CO-16 N290"` (group, CARC and RARCs
    /// in one argument are explained together).
    Explain(ExplainArgs),
    /// Batch denial report from 835 files and directories.
    Report(ReportArgs),
    /// Corrected 837 claims for denied claims: match 835 denials to the original 837s.
    Correct(CorrectArgs),
    /// Write an X12 file back, with its own or new delimiters, optionally recounting envelopes.
    Fmt(FmtArgs),
    /// Track denials to resolution across remittances, in a SQLite file: ingest 835s, list
    /// what is still open, record appeals and resubmissions.
    Track(TrackArgs),
}

/// `denali track`.
#[derive(Debug, clap::Args)]
pub struct TrackArgs {
    /// The store (a SQLite file; created when missing).
    #[arg(
        long,
        value_name = "FILE",
        default_value = "denali-track.db",
        global = true
    )]
    pub db: PathBuf,
    /// What to do with it.
    #[command(subcommand)]
    pub action: TrackAction,
}

/// The `denali track` subcommands.
#[derive(Debug, Subcommand)]
pub enum TrackAction {
    /// Store the claims and denials of 835 files; later adjudications close earlier denials.
    /// A payment already stored (same payer, trace number, payment date and claims) is skipped.
    Ingest(TrackIngestArgs),
    /// The work queue: pending denials (open, appealed, resubmitted), nearest deadline first.
    Open(TrackOpenArgs),
    /// Record what was done about a denial.
    Set(TrackSetArgs),
    /// Counts and dollars by state, overdue denials, recurring causes.
    Stats(TrackStatsArgs),
}

/// `denali track ingest`.
#[derive(Debug, clap::Args)]
pub struct TrackIngestArgs {
    /// 835 files or directories (walked recursively); `-` (or none) reads standard input.
    #[arg(value_name = "FILE|DIR")]
    pub inputs: Vec<PathBuf>,
    /// Mask patient names and member ids in the stored correction proposals.
    #[arg(long)]
    pub redact: bool,
    /// Treat every diagnostic, warnings included, as a fatal error for its file.
    #[arg(long)]
    pub strict: bool,
    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Rule sources.
    #[command(flatten)]
    pub rules: RulesArgs,
    /// Payer rules and the deadline date.
    #[command(flatten)]
    pub payers: PayerArgs,
}

/// Output format of `denali track open`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TrackFormat {
    /// Aligned columns (default).
    Table,
    /// CSV with a header row, every field.
    Csv,
    /// A JSON array, every field.
    Json,
}

/// `denali track open`.
#[derive(Debug, clap::Args)]
pub struct TrackOpenArgs {
    /// Only this payer id.
    #[arg(long, value_name = "ID")]
    pub payer: Option<String>,
    /// Only denials due within this many days of `--as-of` (overdue ones included).
    #[arg(long, value_name = "DAYS")]
    pub due_within: Option<u32>,
    /// The day deadlines count from (YYYY-MM-DD; default today).
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: TrackFormat,
}

/// A state a person can record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TrackState {
    /// Back to open.
    Open,
    /// An appeal was sent.
    Appealed,
    /// A corrected or new claim was sent.
    Resubmitted,
    /// Resolved outside any 835 the store has seen.
    Resolved,
    /// Not pursued.
    WrittenOff,
}

/// `denali track set`.
#[derive(Debug, clap::Args)]
pub struct TrackSetArgs {
    /// The denial's id (first column of `denali track open`).
    pub id: i64,
    /// Its new state.
    #[arg(value_enum)]
    pub state: TrackState,
    /// A note kept with it (replaces the previous one).
    #[arg(long)]
    pub note: Option<String>,
}

/// `denali track stats`.
#[derive(Debug, clap::Args)]
pub struct TrackStatsArgs {
    /// The day overdue is counted from (YYYY-MM-DD; default today).
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Output format of `denali report`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// Aligned columns for a terminal (default when standard output is a terminal).
    Table,
    /// CSV with a header row (default when standard output is not a terminal).
    Csv,
    /// `{"rows":[...],"summary":{...}}`.
    Json,
    /// One row per line, the summary last with `"type":"summary"`.
    Ndjson,
    /// A Markdown page: summary, then the prioritised work queue.
    Markdown,
    /// One self-contained HTML page (no network): work queue, charts, patterns.
    Html,
}

/// Deadlines and payer rules.
#[derive(Debug, clap::Args)]
pub struct PayerArgs {
    /// TOML payer rules (timely filing, appeal windows, frequency 7 policy…).
    #[arg(long, value_name = "FILE")]
    pub payer_rules: Option<PathBuf>,
    /// Count deadlines from this date (YYYY-MM-DD) instead of today.
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
}

/// `denali report`.
#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// 835 files or directories (walked recursively); `-` (or none) reads standard input.
    #[arg(value_name = "FILE|DIR")]
    pub inputs: Vec<PathBuf>,
    /// Output format (default: table on a terminal, csv otherwise).
    #[arg(long, value_enum)]
    pub format: Option<ReportFormat>,
    /// Also list every claim without a denial, so the report accounts for every claim.
    #[arg(long)]
    pub all_claims: bool,
    /// Mask patient names and member ids in every format.
    #[arg(long)]
    pub redact: bool,
    /// Write the report to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Worker threads (default: one per core). With fewer inputs than threads, the transaction
    /// sets of each input are shared among its share of the threads (at least two), while one
    /// more thread reads them from the file.
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Exit with 1 when any denial was found.
    #[arg(long)]
    pub fail_on_denial: bool,
    /// Treat every diagnostic, warnings included, as a fatal error for its file.
    #[arg(long)]
    pub strict: bool,
    /// Rule sources.
    #[command(flatten)]
    pub rules: RulesArgs,
    /// Payer rules and the deadline date.
    #[command(flatten)]
    pub payers: PayerArgs,
}

/// Worklist format of `denali correct`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum WorklistFormat {
    /// CSV with a header row.
    Csv,
    /// A JSON array.
    Json,
}

/// `denali correct`.
#[derive(Debug, clap::Args)]
pub struct CorrectArgs {
    /// 835 remittance files with the denials.
    #[arg(long, value_name = "FILE", required = true, num_args = 1..)]
    pub remit: Vec<PathBuf>,
    /// The original 837 claim files.
    #[arg(long, value_name = "FILE", required = true, num_args = 1..)]
    pub claims: Vec<PathBuf>,
    /// TOML edits for values only a person knows: `[[edit]]` tables with `claim` (CLM01),
    /// `field` (`2300 REF*G1`, `2010BA NM109`, `2400[2] SV101-3`…) and `value`.
    #[arg(long, value_name = "FILE")]
    pub edits: Option<PathBuf>,
    /// Directory for the corrected 837 files (`corrected-837P-0001.x12`…) and the worklist
    /// (`worklist.csv` or `worklist.json`); existing files of the same name are replaced. A
    /// corrected file of an earlier run that this run would not replace is refused (exit 2):
    /// sending the directory would send it again.
    #[arg(long, value_name = "DIR", default_value = "corrected")]
    pub out: PathBuf,
    /// Worklist format for claims that still need a person.
    #[arg(long, value_enum, default_value_t = WorklistFormat::Csv)]
    pub worklist_format: WorklistFormat,
    /// Also write a draft appeal (Markdown) for every worklisted claim routed `appeal`, into
    /// `appeals/` under `--out` (`appeal-<CLM01>-<ICN>.md`): the claim, the services appealed
    /// with the payer's codes, the deadline and what to enclose, with `[…]` where a person
    /// writes the argument and signs. The drafts name the patient.
    #[arg(long)]
    pub appeal_letters: bool,
    /// First interchange control number to use (fresh numbers count up from here; ISA13 holds
    /// nine digits, so 1 to 999999999). Default: the seconds since 2020-01-01 00:00 UTC, so
    /// runs a few seconds apart never reuse a number (receivers reject a repeated ISA13);
    /// give N to continue the sequence your translator keeps.
    #[arg(long, value_name = "N",
          value_parser = clap::value_parser!(u64).range(1..=999_999_999))]
    pub control_number: Option<u64>,
    /// Rule sources.
    #[command(flatten)]
    pub rules: RulesArgs,
    /// Mark the tracked denials of every claim written `resubmitted` in this tracking store
    /// (see `denali track`; the 835s must have been ingested there).
    #[arg(long, value_name = "DB")]
    pub track: Option<PathBuf>,
    /// Payer rules and the deadline date.
    #[command(flatten)]
    pub payers: PayerArgs,
}

/// `denali fmt`.
#[derive(Debug, clap::Args)]
pub struct FmtArgs {
    /// Input file; `-` (or none) reads standard input.
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// New delimiters as four characters: element, component, repetition, segment (e.g. `*:^~`).
    #[arg(long, value_name = "ECRS")]
    pub delimiters: Option<String>,
    /// Put a line break after every segment terminator.
    #[arg(long)]
    pub newline: bool,
    /// Recompute SE01, GE01, IEA01 and HL numbering (repairs wrong counts).
    #[arg(long)]
    pub recount: bool,
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

/// `denali balance`.
#[derive(Debug, clap::Args)]
pub struct BalanceArgs {
    /// Input files; `-` (or none) reads standard input.
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Output format: text, or one JSON document per transaction set.
    #[arg(long, value_enum, default_value_t = ValidateFormat::Text)]
    pub format: ValidateFormat,
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
