//! `denali report`: arguments → [`denali_report::run`] → one of the renderers.
//!
//! Everything about denials lives in the library; this module only chooses inputs, threads,
//! the output and its format, and the exit code.

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::NaiveDate;
use denali_report::render::RowWriter;
use denali_report::{FileError, Input, Report, ReportOptions, render};
use denali_rules::{Context, PayerRules};
use denali_x12::ParseOptions;

use crate::args::{ReportArgs, ReportFormat};

/// Table width when standard output is not a terminal and `COLUMNS` is not set.
const DEFAULT_WIDTH: usize = 120;

/// Runs `denali report`.
pub fn run(args: &ReportArgs) -> io::Result<ExitCode> {
    let opts = match options(args) {
        Ok(o) => o,
        Err(msg) => return usage(&msg),
    };
    let threads = match args.threads {
        Some(0) => return usage("--threads must be at least 1"),
        Some(n) => n,
        None => 0, // rayon: one per core
    };
    // The global pool: the row sink below runs on this thread and need not be Send.
    if let Err(e) = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build_global()
    {
        return usage(&format!("cannot start worker threads: {e}"));
    }
    let stdout_tty = args.output.is_none() && io::stdout().is_terminal();
    let format = args
        .format
        .or_else(|| args.output.as_deref().and_then(format_from_extension))
        .unwrap_or(if stdout_tty {
            ReportFormat::Table
        } else {
            ReportFormat::Csv
        });

    let (inputs, expand_errors) = inputs(&args.inputs);
    let progress = progress_bar(inputs.len() as u64);
    let tick = |_: &str| {
        if let Some(p) = &progress {
            p.inc(1);
        }
    };
    let out: Box<dyn Write> = match &args.output {
        Some(path) => match File::create(path) {
            Ok(f) => Box::new(BufWriter::with_capacity(64 << 10, f)),
            Err(e) => return usage(&format!("cannot create {}: {e}", path.display())),
        },
        None => Box::new(crate::out::stdout()),
    };
    let (streamed, out) = match format {
        ReportFormat::Csv => (Some(RowWriter::csv(out)?), None),
        ReportFormat::Json => (Some(RowWriter::json(out)?), None),
        ReportFormat::Ndjson => (Some(RowWriter::ndjson(out)), None),
        _ => (None, Some(out)),
    };
    let report = match streamed {
        // Machine formats stream: rows are written as they are made, memory stays flat.
        Some(mut writer) => {
            let summary = denali_report::stream(inputs, &opts, &mut |row| writer.row(row), &tick);
            if let Some(p) = &progress {
                p.finish_and_clear();
            }
            let mut report = Report {
                rows: Vec::new(),
                summary: summary?,
            };
            add_errors(&mut report, expand_errors);
            writer.finish(&report.summary)?;
            render::summary_text(io::stderr().lock(), &report.summary)?;
            report
        }
        // People's formats sort and aggregate, so they hold the rows.
        None => {
            let mut report = denali_report::run(inputs, &opts, &tick);
            if let Some(p) = &progress {
                p.finish_and_clear();
            }
            add_errors(&mut report, expand_errors);
            if let Some(out) = out {
                write(out, format, &report, args, stdout_tty, &opts)?;
            }
            report
        }
    };

    let s = &report.summary;
    let failed =
        s.files_failed > 0 || !s.reconciled() || (args.fail_on_denial && s.denied_claims > 0);
    Ok(super::exit(failed))
}

fn usage(msg: &str) -> io::Result<ExitCode> {
    eprintln!("denali: {msg}");
    Ok(ExitCode::from(2))
}

/// Rules, payer rules, the deadline date and the reading options.
fn options(args: &ReportArgs) -> Result<ReportOptions, String> {
    report_options(
        &args.rules,
        &args.payers,
        args.strict,
        args.all_claims,
        args.redact,
    )
}

/// Report options from the flags `report` shares with `track ingest`.
pub(super) fn report_options(
    rules: &crate::args::RulesArgs,
    payers: &crate::args::PayerArgs,
    strict: bool,
    all_claims: bool,
    redact: bool,
) -> Result<ReportOptions, String> {
    let rules = super::load_rules(rules)?;
    let payers_args = payers;
    let payers = match &payers_args.payer_rules {
        None => PayerRules::default(),
        Some(p) => {
            let text = std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))?;
            PayerRules::from_toml(&text).map_err(|e| format!("{}: {e}", p.display()))?
        }
    };
    let as_of = match &payers_args.as_of {
        None => chrono::Local::now().date_naive(),
        Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map_err(|_| format!("--as-of {s:?}: expected a date as YYYY-MM-DD"))?,
    };
    Ok(ReportOptions {
        parse: if strict {
            ParseOptions::strict()
        } else {
            ParseOptions::default()
        },
        context: Context {
            rules,
            payers,
            as_of,
        },
        all_claims,
        redact,
    })
}

/// `-` (or no argument) is standard input; directories are walked; order is kept.
pub(super) fn inputs(args: &[PathBuf]) -> (Vec<Input>, Vec<FileError>) {
    if args.is_empty() {
        return (vec![stdin()], Vec::new());
    }
    let mut inputs = Vec::new();
    let mut errors = Vec::new();
    for a in args {
        if a.as_os_str() == "-" {
            inputs.push(stdin());
            continue;
        }
        let (files, errs) = denali_report::expand(std::slice::from_ref(a));
        inputs.extend(files.into_iter().map(Input::Path));
        errors.extend(errs);
    }
    (inputs, errors)
}

fn stdin() -> Input {
    Input::Reader("-".to_string(), Box::new(io::stdin()))
}

/// Directories that could not be listed count as failed inputs.
fn add_errors(report: &mut Report, errors: Vec<FileError>) {
    let s = &mut report.summary;
    s.files += errors.len() as u64;
    s.files_failed += errors.len() as u64;
    s.errors.extend(errors);
}

/// `--output report.html` implies `--format html` (likewise `.csv`, `.json`, `.ndjson`,
/// `.jsonl`, `.md`, `.txt`).
fn format_from_extension(path: &Path) -> Option<ReportFormat> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    Some(match ext.as_str() {
        "csv" => ReportFormat::Csv,
        "json" => ReportFormat::Json,
        "ndjson" | "jsonl" => ReportFormat::Ndjson,
        "md" | "markdown" => ReportFormat::Markdown,
        "html" | "htm" => ReportFormat::Html,
        "txt" => ReportFormat::Table,
        _ => return None,
    })
}

/// A progress bar on standard error, only when it is a terminal.
pub(super) fn progress_bar(len: u64) -> Option<indicatif::ProgressBar> {
    if !io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(len);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{spinner} {pos}/{len} files [{bar:30}] {elapsed_precise} eta {eta}",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    Some(bar)
}

/// The table width: the terminal's when writing to it, else `COLUMNS`, else 120.
fn table_width(stdout_tty: bool) -> usize {
    if stdout_tty && let Some((_, cols)) = console::Term::stdout().size_checked() {
        return usize::from(cols);
    }
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse().ok())
        .filter(|&c: &usize| c > 0)
        .unwrap_or(DEFAULT_WIDTH)
}

fn write(
    w: Box<dyn Write>,
    format: ReportFormat,
    report: &Report,
    args: &ReportArgs,
    stdout_tty: bool,
    opts: &ReportOptions,
) -> io::Result<()> {
    match format {
        ReportFormat::Csv => render::csv(w, report),
        ReportFormat::Json => render::json(w, report),
        ReportFormat::Ndjson => render::ndjson(w, report),
        ReportFormat::Markdown => render::markdown(w, report),
        ReportFormat::Table => render::table(w, report, table_width(stdout_tty)),
        ReportFormat::Html => {
            let meta = render::HtmlMeta {
                title: title(&args.inputs, report),
                generated: generated(),
                as_of: opts.context.as_of,
            };
            render::html(w, report, &meta)
        }
    }
}

/// "Denial report: basic.835" for one input, "Denial report: 12 files" for more.
fn title(args: &[PathBuf], report: &Report) -> String {
    match (args, report.summary.files) {
        ([one], 1) if !one.is_dir() && one.as_os_str() != "-" => format!(
            "Denial report: {}",
            one.file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default()
        ),
        (_, 1) => "Denial report".to_string(),
        (_, n) => format!("Denial report: {n} files"),
    }
}

/// The local time now, or `SOURCE_DATE_EPOCH` (UTC) when set, for reproducible output.
fn generated() -> String {
    if let Some(t) = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|secs| chrono::DateTime::from_timestamp(secs, 0))
    {
        return t.format("%Y-%m-%d %H:%M UTC").to_string();
    }
    chrono::Local::now().format("%Y-%m-%d %H:%M").to_string()
}
