//! The report pipeline on one input: never panics, every claim read is accounted for, CSV and
//! HTML render, and the streaming pipeline (one pass, rows spilled to a temporary file and
//! replayed) gives exactly the rows and summary of the in-memory one. The in-memory run has one
//! thread; the streaming one two, so the input's transaction sets are shared among two workers
//! and their rows put back in order (the fan-out path), and must still agree. A third run lists
//! only denials (no `all_claims`): its summary must equal the others' and its rows be exactly
//! their denial rows. Every run settles plainly paid claims from the view
//! (`Assessor::is_plainly_paid`) without reading them whole; `screen_agrees` checks that verdict
//! against the full assessment of every claim.
#![no_main]

use std::sync::OnceLock;

use denali_report::{Input, ReportOptions, run, stream};
use libfuzzer_sys::fuzz_target;

fn as_of() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap_or_default()
}

/// Loading the rule tables takes milliseconds: once per process, not per input.
fn options(redact: bool, all_claims: bool) -> &'static ReportOptions {
    static OPTS: OnceLock<[ReportOptions; 4]> = OnceLock::new();
    let opts = OPTS.get_or_init(|| {
        let base = ReportOptions {
            parse: Default::default(),
            context: denali_rules::Context::new(as_of()),
            all_claims: true,
            redact: false,
        };
        let redacted = ReportOptions { redact: true, ..base.clone() };
        let denials = ReportOptions { all_claims: false, ..base.clone() };
        let denials_redacted = ReportOptions { all_claims: false, ..redacted.clone() };
        [base, redacted, denials, denials_redacted]
    });
    &opts[usize::from(redact) + 2 * usize::from(!all_claims)]
}

/// One pool of each size, for the process.
fn pool(threads: usize) -> &'static rayon::ThreadPool {
    static POOLS: OnceLock<[rayon::ThreadPool; 2]> = OnceLock::new();
    let pools = POOLS.get_or_init(|| {
        let make = |n| rayon::ThreadPoolBuilder::new().num_threads(n).build().expect("thread pool");
        [make(1), make(2)]
    });
    &pools[usize::from(threads > 1)]
}

fn input(data: &[u8]) -> Input {
    Input::Reader("fuzz".into(), Box::new(std::io::Cursor::new(data.to_vec())))
}

fuzz_target!(|data: &[u8]| {
    let redact = data.first().is_some_and(|b| b & 1 != 0);
    let opts = options(redact, true);
    let report = pool(1).install(|| run(vec![input(data)], opts, &|_| {}));
    assert_eq!(report.summary.claims_in, report.summary.claims_accounted);

    let mut rows = Vec::new();
    let summary = pool(2)
        .install(|| {
            stream(
                vec![input(data)],
                opts,
                &mut |r| {
                    rows.push(r.clone());
                    Ok(())
                },
                &|_| {},
            )
        })
        .expect("stream to memory");
    assert!(rows == report.rows, "stream and run gave different rows");
    assert!(summary == report.summary, "stream and run gave different summaries");

    screen_agrees(data, &opts.context);

    let denials = pool(1).install(|| run(vec![input(data)], options(redact, false), &|_| {}));
    assert!(denials.summary == report.summary, "listing only denials changed the summary");
    let denial_rows: Vec<_> = report.rows.iter().filter(|r| !r.level.is_empty()).collect();
    assert!(
        denials.rows.iter().eq(denial_rows),
        "listing only denials changed the denial rows"
    );

    let mut out = Vec::new();
    denali_report::render::csv(&mut out, &report).expect("csv to memory");
    denali_report::render::html(
        &mut out,
        &report,
        &denali_report::render::HtmlMeta { title: "fuzz".into(), generated: String::new(), as_of: as_of() },
    )
    .expect("html to memory");
});

/// The pipeline settles a claim from the view when `Assessor::is_plainly_paid` says so: that
/// must be exactly when assessing the claim, read whole, gives `Paid` (and no denial).
fn screen_agrees(data: &[u8], ctx: &denali_rules::Context) {
    use denali_x12::{Event, ParseOptions, Reader, remit};
    let opts = ParseOptions::default();
    let assessor = denali_rules::Assessor::new(ctx);
    let mut reader = Reader::from_slice_with(data, opts.clone());
    while let Ok(Some(event)) = reader.next_event() {
        let Event::Transaction(tx) = event else { continue };
        if tx.set_id != "835" {
            continue;
        }
        let (rem, _) = remit::parse_835(&tx, &opts);
        let whole = assessor.assess(&rem);
        let links = denali_rules::ReversalLinks::from_keys(&remit::claim_keys(&tx, &opts));
        let view = remit::RemittanceView::new(&tx, &opts);
        assert!(view.len() == whole.claims.len(), "screen: claim count");
        for (cv, assessed) in view.claims().zip(&whole.claims) {
            let paid = assessed.outcome == denali_rules::Outcome::Paid;
            assert!(assessor.is_plainly_paid(&cv, &links) == paid, "screen: claim {}", cv.index());
            assert!(!paid || assessed.denials.is_empty(), "a paid claim with denials");
        }
    }
}
