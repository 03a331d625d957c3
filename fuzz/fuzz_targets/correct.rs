//! `denali correct` on one input read as both the remittances and the original claims (a file
//! holding an 835 interchange and an 837 one, as the seeds do): never panics; every denied
//! claim is written, worklisted or skipped, and nothing else; every corrected file reads back
//! with no error; every worklisted appeal (but one of a damaged 835), and nothing else, gets a
//! draft letter. The edits of
//! `fixtures/correct/edits.toml` apply, so their paths (REF*G1, names, billing another payer)
//! run too.
#![no_main]

use std::sync::OnceLock;

use denali_emit::SequentialControlNumbers;
use denali_emit::correct::{CorrectOptions, Disposition, Edits, correct};
use denali_rules::{Context, Route};
use libfuzzer_sys::fuzz_target;

/// The rule tables and the fixture's edits, loaded once per process.
fn setup() -> &'static (Context, Edits) {
    static SETUP: OnceLock<(Context, Edits)> = OnceLock::new();
    SETUP.get_or_init(|| {
        let date = chrono::NaiveDate::from_ymd_opt(2025, 3, 20).unwrap_or_default();
        let edits = Edits::from_toml(include_str!("../../fixtures/correct/edits.toml"))
            .unwrap_or_default();
        (Context::new(date), edits)
    })
}

fuzz_target!(|data: &[u8]| {
    let (ctx, edits) = setup();
    let now = ctx.as_of.and_hms_opt(9, 30, 0).unwrap_or_default();
    let mut numbers = SequentialControlNumbers::starting_at(1);
    let out = correct(
        &[("fuzz.835", data)],
        &[("fuzz.837", data)],
        edits,
        ctx,
        &CorrectOptions::new(now),
        &mut numbers,
    );
    let c = out.counts();
    assert_eq!(c.written + c.worklisted + c.skipped, c.denied_claims, "every denied claim once");
    for f in &out.files {
        let mut reader = denali_x12::Reader::from_slice(&f.bytes);
        while let Ok(Some(event)) = reader.next_event() {
            if let denali_x12::Event::Transaction(tx) = event {
                let (_, diags) =
                    denali_x12::claim::parse_837(&tx, &denali_x12::ParseOptions::default());
                assert!(
                    diags.iter().all(|d| d.severity != denali_x12::Severity::Error),
                    "a written 837 reads back with an error: {diags:?}"
                );
            }
        }
        assert!(
            reader.diagnostics().iter().all(|d| d.severity != denali_x12::Severity::Error),
            "a written file's envelope reads back with an error"
        );
    }
    // A claim of a damaged 835 is worklisted to repair it, with no letter from its data.
    let appeals = out
        .claims
        .iter()
        .filter(|o| o.route == Route::Appeal && o.disposition == Disposition::Worklisted)
        .filter(|o| o.reason != "835 read with errors")
        .count();
    assert_eq!(out.appeals.len(), appeals, "one letter per worklisted appeal");
    let _ = (out.worklist_csv(), out.claims_csv(), out.worklist_json());
});
