//! `denali validate`: every diagnostic of the reader and of the typed parsers.

use std::io::{self, Write};
use std::process::ExitCode;

use denali_x12::{Diagnostic, DiagnosticCode, Event, ParseOptions, Reader, Severity, claim, remit};
use serde::Serialize;

use crate::args::{ValidateArgs, ValidateFormat};
use crate::input::InputName;
use crate::out;

/// Most diagnostics kept per file; the rest are counted, not stored, so memory stays flat.
const MAX_KEPT: usize = 10_000;

/// What one input held and what was wrong with it.
#[derive(Debug, Default, Serialize)]
pub struct FileReport {
    file: String,
    interchanges: u64,
    groups: u64,
    transactions: u64,
    claims: u64,
    errors: u64,
    warnings: u64,
    diagnostics: Vec<Diagnostic>,
    diagnostics_not_shown: u64,
}

impl FileReport {
    fn add(&mut self, d: Diagnostic) {
        match d.severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
        }
        if self.diagnostics.len() < MAX_KEPT {
            self.diagnostics.push(d);
        } else {
            self.diagnostics_not_shown += 1;
        }
    }
}

/// Runs `denali validate`.
pub fn run(args: &ValidateArgs) -> io::Result<ExitCode> {
    let opts = super::parse_options(&args.read);
    let mut w = out::stdout();
    let mut failed = false;
    for input in InputName::list(&args.read.files) {
        let report = validate_one(&input, &opts);
        failed |= report.errors > 0;
        match args.format {
            ValidateFormat::Json => {
                out::json(&mut w, &report)?;
                w.write_all(b"\n")?;
            }
            ValidateFormat::Text => write_text(&mut w, &report)?,
        }
    }
    w.flush()?;
    Ok(super::exit(failed))
}

fn write_text<W: Write>(w: &mut W, r: &FileReport) -> io::Result<()> {
    for d in &r.diagnostics {
        writeln!(w, "{}: {d}", r.file)?;
    }
    if r.diagnostics_not_shown > 0 {
        writeln!(
            w,
            "{}: … {} more diagnostics not shown",
            r.file, r.diagnostics_not_shown
        )?;
    }
    writeln!(
        w,
        "{}: {} interchange(s), {} group(s), {} transaction set(s), {} claim(s); {} error(s), {} warning(s)",
        r.file, r.interchanges, r.groups, r.transactions, r.claims, r.errors, r.warnings
    )
}

/// Reads one input to the end and collects every diagnostic.
pub fn validate_one(input: &InputName, opts: &ParseOptions) -> FileReport {
    let mut report = FileReport {
        file: input.display(),
        ..FileReport::default()
    };
    let src = match input.open() {
        Ok(s) => s,
        Err(e) => {
            report.add(Diagnostic::error(
                DiagnosticCode::Fatal,
                Default::default(),
                format!("cannot read: {e}"),
            ));
            return report;
        }
    };
    let mut reader = Reader::from_reader_with(src, opts.clone());
    let mut typed = Vec::new();
    loop {
        match reader.next_event() {
            Ok(Some(Event::InterchangeStart(_))) => report.interchanges += 1,
            Ok(Some(Event::GroupStart(_))) => report.groups += 1,
            Ok(Some(Event::Transaction(tx))) => {
                report.transactions += 1;
                match tx.set_id.as_str() {
                    "835" => {
                        // Claim by claim: a set of any size is checked in the memory of one claim.
                        let (_, d) = remit::parse_835_each(&tx, opts, |_, _, _| report.claims += 1);
                        typed.extend(super::strictly(d, opts));
                    }
                    "837" => {
                        let (set, d) = claim::parse_837(&tx, opts);
                        report.claims += set.claims().count() as u64;
                        typed.extend(super::strictly(d, opts));
                    }
                    _ => {}
                }
            }
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(e) => {
                typed.push(Diagnostic::error(
                    DiagnosticCode::Fatal,
                    e.position(),
                    e.to_string(),
                ));
                break;
            }
        }
        let mut batch = reader.take_diagnostics();
        batch.append(&mut typed);
        batch.sort_by_key(|d| d.position.offset);
        for d in batch {
            report.add(d);
        }
    }
    let mut rest = reader.take_diagnostics();
    rest.append(&mut typed);
    rest.sort_by_key(|d| d.position.offset);
    for d in rest {
        report.add(d);
    }
    report
}
