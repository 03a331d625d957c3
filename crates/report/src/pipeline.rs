//! The batch pipeline: inputs → (in parallel, each streamed) 835 transaction sets → assessed
//! claims → rows, then priorities across the whole batch and the reconciliation summary.
//!
//! Memory follows the largest transaction set of each file being read plus the rows kept for
//! the report (denials, and every claim with `all_claims`), never the size of the inputs.

use std::collections::HashMap;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use denali_rules::{Context, Level, Outcome};
use denali_x12::remit::{ClaimPayment, Remittance};
use denali_x12::{DiagnosticCode, Event, ParseOptions, Reader};
use rayon::prelude::*;
use rust_decimal::Decimal;

use crate::row::{FileError, Row, Summary};

/// What to read and how.
#[derive(Clone, Debug)]
pub struct ReportOptions {
    /// Reader limits and strictness.
    pub parse: ParseOptions,
    /// Rules, payer rules and the date deadlines count from.
    pub context: Context,
    /// Add one row per claim without a denial, so the report lists every claim.
    pub all_claims: bool,
    /// Mask patient names and member ids in every value (correction proposals included).
    pub redact: bool,
}

/// One input: a file path, or a named reader (standard input).
pub enum Input {
    /// A file on disk.
    Path(PathBuf),
    /// Any reader, with the name to show for it.
    Reader(String, Box<dyn Read + Send>),
}

impl Input {
    /// The name shown in the `file` column.
    pub fn name(&self) -> String {
        match self {
            Input::Path(p) => p.display().to_string(),
            Input::Reader(n, _) => n.clone(),
        }
    }
}

/// The report: rows (denials first in file order; sort as you like) and the summary.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// Rows in input order (files in the order given, claims in file order).
    pub rows: Vec<Row>,
    /// Counts and reconciliation.
    pub summary: Summary,
}

/// Expands paths: files as given, directories walked recursively (sorted, hidden entries
/// skipped). Unreadable directories are reported as errors.
pub fn expand(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<FileError>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for p in paths {
        walk(p, &mut files, &mut errors);
    }
    (files, errors)
}

fn walk(p: &Path, files: &mut Vec<PathBuf>, errors: &mut Vec<FileError>) {
    if !p.is_dir() {
        files.push(p.to_path_buf());
        return;
    }
    let entries = match std::fs::read_dir(p) {
        Ok(e) => e,
        Err(e) => {
            errors.push(FileError { file: p.display().to_string(), message: e.to_string() });
            return;
        }
    };
    let mut children: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| !p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with('.')))
        .collect();
    children.sort();
    for c in children {
        walk(&c, files, errors);
    }
}

/// What one input gave.
#[derive(Default)]
struct FileResult {
    rows: Vec<Entry>,
    transactions: u64,
    other_transactions: u64,
    claims_in: u64,
    claims_accounted: u64,
    denied_claims: u64,
    by_outcome: HashMap<&'static str, u64>,
    balancing: u64,
    error: Option<String>,
}

/// A row in file order: a denial waiting for its priority, or a claim without denial.
enum Entry {
    Denial(Pending),
    Claim(Row),
}

/// A denial row whose priority waits for the batch's recurrence counts.
struct Pending {
    row: Row,
    key: RecurrenceKey,
    base: denali_rules::Priority,
    amount: Decimal,
    category: String,
}

/// (payer, CARC, RARCs, procedure): what "the same denial again" means.
type RecurrenceKey = (String, String, String, String);

/// Runs the pipeline over the inputs, files in parallel. `progress` is called once per input
/// as it finishes (from any thread).
pub fn run(inputs: Vec<Input>, opts: &ReportOptions, progress: &(dyn Fn(&str) + Sync)) -> Report {
    let results: Vec<(String, FileResult)> = inputs
        .into_par_iter()
        .map(|input| {
            let name = input.name();
            let r = process(input, &name, opts);
            progress(&name);
            (name, r)
        })
        .collect();
    assemble(results, opts)
}

fn process(input: Input, name: &str, opts: &ReportOptions) -> FileResult {
    let src: Box<dyn Read + Send> = match input {
        Input::Path(p) => match File::open(&p) {
            Ok(f) => Box::new(f),
            Err(e) => return FileResult { error: Some(format!("cannot open: {e}")), ..FileResult::default() },
        },
        Input::Reader(_, r) => r,
    };
    let mut out = FileResult::default();
    let mut reader = Reader::from_reader_with(src, opts.parse.clone());
    loop {
        match reader.next_event() {
            Ok(Some(Event::Transaction(tx))) => {
                if tx.set_id != "835" {
                    out.other_transactions += 1;
                    continue;
                }
                out.transactions += 1;
                out.claims_in += tx.count("CLP") as u64;
                let (mut rem, diags) = denali_x12::remit::parse_835(&tx, &opts.parse);
                out.balancing += diags
                    .iter()
                    .filter(|d| {
                        matches!(
                            d.code,
                            DiagnosticCode::LineUnbalanced
                                | DiagnosticCode::ClaimUnbalanced
                                | DiagnosticCode::TransactionUnbalanced
                        )
                    })
                    .count() as u64;
                if opts.redact {
                    rem.redact();
                }
                add_rows(&mut out, name, &rem, opts);
            }
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(e) => {
                out.error = Some(e.to_string());
                break;
            }
        }
    }
    if out.transactions == 0 && out.error.is_none() {
        out.error = Some(if out.other_transactions > 0 {
            "no 835 transaction set in this input".to_string()
        } else {
            "no transaction set in this input".to_string()
        });
    }
    out
}

fn opt(s: Option<&str>) -> String {
    s.unwrap_or_default().to_string()
}

fn date(d: Option<chrono::NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

/// The columns every row of a claim shares.
fn claim_row(file: &str, rem: &Remittance, c: &ClaimPayment, outcome: Outcome) -> Row {
    Row {
        file: file.to_string(),
        payer_name: opt(rem.payer.name.as_deref()),
        payer_id: opt(rem.payer_id()),
        payee_npi: opt(rem.payee_npi()),
        trace_number: opt(rem.payment.trace_number.as_deref()),
        payment_date: date(rem.payment.payment_date.or(rem.payment.production_date)),
        patient_control_number: c.patient_control_number.to_string(),
        payer_claim_control_number: opt(c.payer_claim_control_number.as_deref()),
        claim_status: c.status_code.code().to_string(),
        service_date: date(c.service_date()),
        outcome: outcome.to_string(),
        ..Row::default()
    }
}

fn add_rows(out: &mut FileResult, file: &str, rem: &Remittance, opts: &ReportOptions) {
    let ctx = &opts.context;
    let assessment = denali_rules::assess(rem, ctx);
    let payer = opt(rem.payer_id());
    for ca in &assessment.claims {
        out.claims_accounted += 1;
        *out.by_outcome.entry(outcome_name(ca.outcome)).or_default() += 1;
        let Some(claim) = rem.claims.get(ca.claim_index) else { continue };
        if !ca.denials.is_empty() {
            out.denied_claims += 1;
        } else if opts.all_claims {
            out.rows.push(Entry::Claim(claim_row(file, rem, claim, ca.outcome)));
            continue;
        }
        for d in &ca.denials {
            let mut row = claim_row(file, rem, claim, ca.outcome);
            let line = d.line_index.and_then(|i| claim.service_lines.get(i));
            if let Some(l) = line {
                row.procedure = l.procedure.code.to_string();
                row.modifiers = l.procedure.modifiers.join(";");
                if let Some(sd) = l.service_date() {
                    row.service_date = sd.to_string();
                }
            }
            row.level = match d.level {
                Level::Claim => "claim".into(),
                Level::Line => "line".into(),
            };
            row.group = d.group.as_str().to_string();
            row.carc = d.carc.clone();
            row.rarcs = d.rarcs.join(";");
            row.amount = d.amount.to_string();
            let e = &d.explanation;
            let category = e.category.map(|c| c.as_str().to_string()).unwrap_or_default();
            row.category = category.clone();
            row.class = e.class.to_string();
            row.route = d.corrections.route.to_string();
            row.correction = d.corrections.summary.clone();
            row.deadline = d.deadline.as_ref().map(|dl| dl.date.to_string()).unwrap_or_default();
            let base = denali_rules::prioritize(d, 1, ctx);
            let key = (payer.clone(), d.carc.clone(), row.rarcs.clone(), row.procedure.clone());
            out.rows.push(Entry::Denial(Pending { row, key, base, amount: d.amount, category }));
        }
    }
}

fn outcome_name(o: Outcome) -> &'static str {
    match o {
        Outcome::Paid => "paid",
        Outcome::PartiallyDenied => "partially_denied",
        Outcome::Denied => "denied",
        Outcome::Reversed => "reversed",
        Outcome::Pending => "pending",
    }
}

fn assemble(results: Vec<(String, FileResult)>, opts: &ReportOptions) -> Report {
    let mut recurrence: HashMap<RecurrenceKey, u32> = HashMap::new();
    for (_, r) in &results {
        for e in &r.rows {
            if let Entry::Denial(p) = e {
                *recurrence.entry(p.key.clone()).or_default() += 1;
            }
        }
    }
    let mut report = Report::default();
    let s = &mut report.summary;
    for (name, r) in results {
        s.files += 1;
        s.transactions += r.transactions;
        s.other_transactions += r.other_transactions;
        s.claims_in += r.claims_in;
        s.claims_accounted += r.claims_accounted;
        s.denied_claims += r.denied_claims;
        s.balancing_diagnostics += r.balancing;
        for (k, v) in r.by_outcome {
            *s.by_outcome.entry(k.to_string()).or_default() += v;
        }
        if let Some(message) = r.error {
            s.files_failed += 1;
            s.errors.push(FileError { file: name, message });
        }
        for e in r.rows {
            let p = match e {
                Entry::Claim(row) => {
                    report.rows.push(row);
                    continue;
                }
                Entry::Denial(p) => p,
            };
            let n = recurrence.get(&p.key).copied().unwrap_or(1);
            let prio = denali_rules::with_recurrence(&p.base, n, &p.key.0, &opts.context);
            let mut row = p.row;
            row.priority = prio.score.to_string();
            row.priority_reasons = prio.reasons.join("; ");
            s.denied_amount += p.amount;
            let cat = if p.category.is_empty() { "uncategorized".to_string() } else { p.category };
            let t = s.by_category.entry(cat).or_default();
            t.count += 1;
            t.amount += p.amount;
            report.rows.push(row);
        }
    }
    report
}
