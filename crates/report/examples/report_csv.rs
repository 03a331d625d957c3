//! Runs the report pipeline on the given files and writes CSV to standard output (profiling aid:
//! `cargo run --release -p denali-report --example report_csv -- FILE > /dev/null`).
use std::io::Write;

use denali_report::{Input, ReportOptions, render, run};

fn main() {
    let inputs: Vec<Input> = std::env::args()
        .skip(1)
        .map(|p| Input::Path(p.into()))
        .collect();
    let as_of = chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap_or_default();
    let opts = ReportOptions {
        parse: Default::default(),
        context: denali_rules::Context::new(as_of),
        all_claims: false,
        redact: false,
    };
    let report = run(inputs, &opts, &|_| {});
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let _ = render::csv(&mut out, &report);
    let _ = out.flush();
    eprintln!(
        "{} rows, {} claims",
        report.rows.len(),
        report.summary.claims_accounted
    );
}
