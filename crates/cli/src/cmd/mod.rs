//! One module per subcommand; each returns the process exit code.

mod balance;
mod correct;
mod explain;
mod fmt;
mod parse;
mod report;
mod track;
mod validate;

use std::io;
use std::process::ExitCode;

use crate::args::{Args, Command, ReadArgs};
use denali_x12::ParseOptions;

/// Runs the chosen subcommand.
pub fn run(args: Args) -> io::Result<ExitCode> {
    match args.command {
        Command::Parse(a) => parse::run(&a),
        Command::Validate(a) => validate::run(&a),
        Command::Balance(a) => balance::run(&a),
        Command::Explain(a) => explain::run(&a),
        Command::Report(a) => report::run(&a),
        Command::Correct(a) => correct::run(&a),
        Command::Fmt(a) => fmt::run(&a),
        Command::Track(a) => track::run(&a),
    }
}

/// The rule set from the shared rule flags.
fn load_rules(rules: &crate::args::RulesArgs) -> Result<denali_rules::RuleSet, String> {
    explain::load(rules)
}

/// Parse options from the shared reading flags.
fn parse_options(read: &ReadArgs) -> ParseOptions {
    if read.strict {
        ParseOptions::strict()
    } else {
        ParseOptions::default()
    }
}

/// With `--strict`, the typed parsers' warnings (balancing, unexpected segments…) count as errors
/// too, as the reader's do.
fn strictly(
    mut diags: Vec<denali_x12::Diagnostic>,
    opts: &ParseOptions,
) -> Vec<denali_x12::Diagnostic> {
    if opts.strict {
        for d in &mut diags {
            d.severity = denali_x12::Severity::Error;
        }
    }
    diags
}

/// Exit code 0 when every input was fine, 1 otherwise.
fn exit(failed: bool) -> ExitCode {
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
