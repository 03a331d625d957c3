//! The report pipeline on one input: never panics, and every claim read is accounted for.
#![no_main]

use denali_report::{Input, ReportOptions, run};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let as_of = chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap_or_default();
    let opts = ReportOptions {
        parse: Default::default(),
        context: denali_rules::Context::new(as_of),
        all_claims: true,
        redact: data.first().is_some_and(|b| b & 1 != 0),
    };
    let input = Input::Reader("fuzz".into(), Box::new(std::io::Cursor::new(data.to_vec())));
    let report = run(vec![input], &opts, &|_| {});
    assert_eq!(report.summary.claims_in, report.summary.claims_accounted);
    let mut out = Vec::new();
    denali_report::render::csv(&mut out, &report).expect("csv to memory");
    denali_report::render::html(
        &mut out,
        &report,
        &denali_report::render::HtmlMeta { title: "fuzz".into(), generated: String::new(), as_of },
    )
    .expect("html to memory");
});
