//! The report pipeline (one pass, rows spilled and replayed as CSV to a sink) on a generated,
//! balanced 835.
//!
//! `cargo bench -p denali-benches --bench report`. Input size: `DENALI_BENCH_MB` (default 16).

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
    g.bench_function("csv_one_file", |b| {
        b.iter(|| {
            let mut w = RowWriter::csv(std::io::sink()).expect("csv");
            let summary = stream(
                vec![Input::Path(path.clone())],
                &options,
                &mut |r| w.row(r),
                &|_| {},
            )
            .expect("report");
            black_box(summary.claims_accounted)
        })
    });
    g.finish();
    let _ = std::fs::remove_file(&path);
}

criterion_group!(report, benches);
criterion_main!(report);
