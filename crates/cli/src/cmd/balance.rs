//! `denali balance`: the three balancing rules of every 835 and the totals a payment poster
//! reconciles, read through the borrowed view (`remit::RemittanceView`): only CLP, SVC, CAS,
//! BPR and PLB amounts are decoded, so it runs at several times the speed of `validate`, which
//! checks every value.

use std::io::{self, Write};
use std::process::ExitCode;

use denali_x12::{Diagnostic, DiagnosticCode, Event, ParseOptions, Reader, Severity, remit};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::args::{BalanceArgs, ValidateFormat};
use crate::input::InputName;
use crate::out;

/// One 835 transaction set's payment, balanced.
#[derive(Debug, Serialize)]
struct SetBalance<'a> {
    file: &'a str,
    /// ST02.
    control_number: String,
    payer_id: String,
    /// TRN02, the check or EFT trace number.
    trace_number: String,
    /// BPR16, else DTM*405, ISO.
    payment_date: String,
    claims: usize,
    /// Σ CLP03.
    total_charge: Decimal,
    /// Σ CLP04.
    claim_payments: Decimal,
    /// Σ PLB amounts (positive reduces the payment).
    provider_adjustments: Decimal,
    /// BPR02.
    total_paid: Decimal,
    /// Line, claim and payment balancing all hold, over amounts that could all be read.
    balanced: bool,
    /// What does not balance, with where.
    unbalanced: Vec<Diagnostic>,
    /// Amounts the balancing needs that are missing or malformed: each counts as zero, so
    /// the sums and verdict cannot be trusted while there is one.
    unreadable_amounts: Vec<Diagnostic>,
}

/// What kept one input from being read whole: the file's errors, as `validate` words them.
/// With `--format json` this is the input's last document, and only when it has errors.
#[derive(Debug, Serialize)]
struct FileErrors<'a> {
    file: &'a str,
    errors: u64,
    /// The first [`ERRORS_SHOWN`].
    diagnostics: Vec<Diagnostic>,
    diagnostics_not_shown: u64,
}

/// The most errors of one input kept and shown; the rest are counted.
const ERRORS_SHOWN: usize = 20;

impl FileErrors<'_> {
    fn add(&mut self, d: Diagnostic) {
        self.errors += 1;
        if self.diagnostics.len() < ERRORS_SHOWN {
            self.diagnostics.push(d);
        } else {
            self.diagnostics_not_shown += 1;
        }
    }

    /// Keeps the errors of the reader's diagnostics: the envelope's (input ending inside a set,
    /// segments skipped) mean the sums are not the file's. Warnings are `validate`'s.
    fn note(&mut self, diags: Vec<Diagnostic>) {
        for d in diags {
            if d.severity == Severity::Error {
                self.add(d);
            }
        }
    }
}

/// Runs `denali balance`.
pub fn run(args: &BalanceArgs) -> io::Result<ExitCode> {
    let opts = ParseOptions::default();
    let mut w = out::stdout();
    let mut failed = false;
    for input in InputName::list(&args.files) {
        failed |= !one(&input, &opts, args.format, &mut w)?;
    }
    w.flush()?;
    Ok(super::exit(failed))
}

/// Balances every 835 of one input; false when something did not balance or the input could
/// not be read to its end.
fn one(
    input: &InputName,
    opts: &ParseOptions,
    format: ValidateFormat,
    w: &mut impl Write,
) -> io::Result<bool> {
    let name = input.display();
    let mut errors = FileErrors {
        file: &name,
        errors: 0,
        diagnostics: Vec::new(),
        diagnostics_not_shown: 0,
    };
    let src = match input.open() {
        Ok(s) => s,
        Err(e) => {
            errors.add(Diagnostic::error(
                DiagnosticCode::Fatal,
                Default::default(),
                format!("cannot read: {e}"),
            ));
            show_errors(w, format, &errors)?;
            return Ok(false);
        }
    };
    let mut reader = Reader::from_reader_with(src, opts.clone());
    let (mut sets, mut claims, mut unbalanced, mut other) = (0u64, 0u64, 0u64, 0u64);
    let mut ok = true;
    loop {
        match reader.next_event() {
            Ok(Some(Event::Transaction(tx))) if tx.set_id == "835" => {
                let b = balance(&name, &tx, opts);
                sets += 1;
                claims += b.claims as u64;
                if !b.balanced {
                    unbalanced += 1;
                    ok = false;
                }
                match format {
                    ValidateFormat::Json => {
                        out::json(w, &b)?;
                        writeln!(w)?;
                    }
                    ValidateFormat::Text => text(w, &b)?,
                }
            }
            Ok(Some(Event::Transaction(_))) => other += 1,
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(e) => {
                errors.add(Diagnostic::error(
                    DiagnosticCode::Fatal,
                    e.position(),
                    e.to_string(),
                ));
                break;
            }
        }
        // Taken as they come, so memory stays flat.
        errors.note(reader.take_diagnostics());
    }
    errors.note(reader.take_diagnostics());
    ok &= errors.errors == 0;
    show_errors(w, format, &errors)?;
    if format == ValidateFormat::Text {
        let mut verdict = if unbalanced == 0 {
            "every payment balances".to_string()
        } else {
            format!("{unbalanced} do not balance")
        };
        if errors.errors > 0 {
            verdict += &format!(
                "; {} error(s): the file was not read whole, so these are not its totals",
                errors.errors
            );
        }
        writeln!(
            w,
            "{name}: {sets} 835 transaction set(s), {claims} claim(s), {other} other set(s): {verdict}"
        )?;
    }
    Ok(ok)
}

/// The input's errors: each on a line of its own, or one JSON document when there are any.
fn show_errors(w: &mut impl Write, format: ValidateFormat, e: &FileErrors<'_>) -> io::Result<()> {
    if e.errors == 0 {
        return Ok(());
    }
    match format {
        ValidateFormat::Json => {
            out::json(w, e)?;
            writeln!(w)
        }
        ValidateFormat::Text => {
            for d in &e.diagnostics {
                writeln!(w, "{}: {d}", e.file)?;
            }
            if e.diagnostics_not_shown > 0 {
                writeln!(w, "{}: {} more error(s)", e.file, e.diagnostics_not_shown)?;
            }
            Ok(())
        }
    }
}

fn balance<'a>(
    file: &'a str,
    tx: &denali_x12::TransactionSet<'_>,
    opts: &ParseOptions,
) -> SetBalance<'a> {
    let view = remit::RemittanceView::new(tx, opts);
    // The header's own diagnostics (missing or malformed values) are `validate`'s to report.
    let (header, _) = view.header();
    let (totals, unbalanced, unreadable_amounts) = view.balance_checked();
    let date = header
        .payment
        .payment_date
        .or(header.payment.production_date)
        .map(|d| d.to_string())
        .unwrap_or_default();
    SetBalance {
        file,
        control_number: tx.control_number.clone(),
        payer_id: header.payer_id().unwrap_or_default().to_string(),
        trace_number: header
            .payment
            .trace_number
            .as_deref()
            .unwrap_or_default()
            .to_string(),
        payment_date: date,
        claims: totals.claims,
        total_charge: totals.total_charge,
        claim_payments: totals.claim_payments,
        provider_adjustments: totals.provider_adjustments,
        total_paid: totals.total_paid,
        balanced: unbalanced.is_empty() && unreadable_amounts.is_empty(),
        unbalanced,
        unreadable_amounts,
    }
}

fn text(w: &mut impl Write, b: &SetBalance<'_>) -> io::Result<()> {
    for d in b.unreadable_amounts.iter().chain(&b.unbalanced) {
        writeln!(w, "{}: {d}", b.file)?;
    }
    writeln!(
        w,
        "{}: ST {} trace {} payer {} paid {}: {} claim(s) charged {}; claim payments {} - provider adjustments {} = {}, BPR02 {}: {}",
        b.file,
        b.control_number,
        b.trace_number,
        b.payer_id,
        b.payment_date,
        b.claims,
        b.total_charge,
        b.claim_payments,
        b.provider_adjustments,
        b.claim_payments - b.provider_adjustments,
        b.total_paid,
        if b.balanced {
            "balanced"
        } else if b.unreadable_amounts.is_empty() {
            "NOT balanced"
        } else {
            "NOT balanced: amounts could not be read"
        }
    )
}
