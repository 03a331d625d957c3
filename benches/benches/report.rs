//! The report pipeline (one pass, rows spilled and replayed as CSV to a sink) on a generated,
//! balanced 835.
//!
//! `cargo bench -p denali-benches --bench report`. Input size: `DENALI_BENCH_MB` (default 16).
//!
//! `floor_view_csv` is not a report: it is the least any report of this input must do, for
//! comparison. It reads every set through the borrowed view, runs the three balancing rules,
//! and writes one CSV row of the report's 25 columns for each line triplet that is not a
//! contractual or patient-share adjustment (about as many rows as the report has), with the
//! values taken from the segments and fixed text of a real row's width where the rules would
//! write theirs. No classification, correction, deadline or priority is worked out.
//!
//! `csv_one_file_typical_denials` is `csv_one_file` on the same claims with 5% of lines denied
//! (a denial on 15% of claims) instead of the generator's default 22% (41% of claims).

// criterion_group! generates undocumented items.
#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use denali_benches::{Gen835Options, write_835};
use denali_report::render::RowWriter;
use denali_report::{Input, ReportOptions, stream};

fn benches(c: &mut Criterion) {
    let mb: u64 = std::env::var("DENALI_BENCH_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(16);
    let path = std::env::temp_dir().join(format!("denali-bench-report-{mb}.835"));
    let file = std::fs::File::create(&path).expect("temp file");
    let opts = Gen835Options {
        seed: 7,
        target_bytes: mb << 20,
        ..Gen835Options::default()
    };
    write_835(&opts, std::io::BufWriter::new(file)).expect("generate 835");
    let bytes = std::fs::metadata(&path).expect("size").len();
    let as_of = chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap_or_default();
    let options = ReportOptions {
        parse: Default::default(),
        context: denali_rules::Context::new(as_of),
        all_claims: false,
        redact: false,
    };
    let mut g = c.benchmark_group("report");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(bytes));
    g.bench_function("csv_one_file", |b| b.iter(|| csv(&path, &options)));
    g.bench_function("floor_view_csv", |b| b.iter(|| black_box(floor(&path))));
    // The same claims with 5% of lines denied instead of 22%: a denial on 15% of claims, about
    // a typical practice's rate, where the 22% file has one on 41%.
    let typical = std::env::temp_dir().join(format!("denali-bench-report-{mb}-d5.835"));
    let file = std::fs::File::create(&typical).expect("temp file");
    let opts = Gen835Options {
        line_denial_percent: 5,
        ..opts
    };
    write_835(&opts, std::io::BufWriter::new(file)).expect("generate 835");
    g.throughput(Throughput::Bytes(
        std::fs::metadata(&typical).expect("size").len(),
    ));
    g.bench_function("csv_one_file_typical_denials", |b| {
        b.iter(|| csv(&typical, &options))
    });
    g.finish();
    let _ = std::fs::remove_file(&path);
    let _ = std::fs::remove_file(&typical);
}

/// The report of one file as CSV to a sink; returns the claims accounted for.
fn csv(path: &std::path::Path, options: &ReportOptions) -> u64 {
    let mut w = RowWriter::csv(std::io::sink()).expect("csv");
    let summary = stream(
        vec![Input::Path(path.to_path_buf())],
        options,
        &mut |r| w.row(r),
        &|_| {},
    )
    .expect("report");
    black_box(summary.claims_accounted)
}

/// See the module comment: reading, balancing and CSV rows, nothing else. Returns the rows
/// written.
fn floor(path: &std::path::Path) -> u64 {
    use denali_x12::{Event, ParseOptions, Reader, remit};
    let opts = ParseOptions::default();
    let file = std::fs::File::open(path).expect("open");
    let mut reader = Reader::from_reader(file);
    let mut w = csv::Writer::from_writer(std::io::sink());
    let (mut rows, mut unbalanced) = (0u64, 0usize);
    let mut adjustments = Vec::new();
    let mut amount = String::new();
    while let Ok(Some(event)) = reader.next_event() {
        let Event::Transaction(tx) = event else {
            continue;
        };
        let view = remit::RemittanceView::new(&tx, &opts);
        unbalanced += view.balance().len();
        for claim in view.claims() {
            let pcn = claim.patient_control_number();
            let icn = claim.payer_claim_control_number().unwrap_or_default();
            for line in claim.lines() {
                adjustments.clear();
                line.adjustments_into(&mut adjustments);
                for a in &adjustments {
                    let group = a.group.code();
                    if group == "PR" || ["45", "253", "23"].contains(&a.reason.as_str()) {
                        continue;
                    }
                    use std::fmt::Write as _;
                    amount.clear();
                    let _ = write!(amount, "{}", a.amount);
                    rows += 1;
                    w.write_record([
                        "denali-bench-report.835",
                        "LAKESHORE STATE MEDICAID",
                        "77044",
                        "1056956497",
                        "872442323353875",
                        "2024-06-10",
                        &pcn,
                        &icn,
                        "1",
                        "2024-01-12",
                        "99213",
                        "",
                        "line",
                        group,
                        &a.reason,
                        "N130",
                        &amount,
                        "eligibility",
                        "non_covered",
                        "bill_patient",
                        "41",
                        "$300 at stake; recurs 4x for payer 77044 PR-204/N130; billable to the patient",
                        "",
                        "Bill the patient: Not covered by the patient's current plan",
                        "denied",
                    ])
                    .expect("csv");
                }
            }
        }
    }
    w.flush().expect("csv");
    rows + unbalanced as u64
}

criterion_group!(report, benches);
criterion_main!(report);
