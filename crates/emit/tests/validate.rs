//! Independent validation: 837P and 837I files written from the model (re-emitted originals in
//! fresh envelopes, frequency-7 replacements and frequency-8 voids with REF*F8, and a set built
//! from scratch through the model API) must pass pyx12's implementation-guide checks with zero
//! errors.
//!
//! The validator is `x12-validate` in `DENALI_SHARED_TOOLS` (default `../shared/tools` next to
//! the workspace). Without it the test is skipped with a message; its first run installs pyx12.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use denali_emit::envelope::{Envelope, write_claims, write_sets};
use denali_emit::{Document, SequentialControlNumbers, WriteOptions, edit};
use denali_x12::claim::{FrequencyCode, LineEnd};
use denali_x12::{Delimiters, DiagnosticCode};

fn validator() -> Option<PathBuf> {
    let dir = match std::env::var_os("DENALI_SHARED_TOOLS") {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/tools"),
    };
    let tool = dir.join("x12-validate");
    tool.is_file().then_some(tool)
}

fn data(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data")
            .join(name),
    )
    .unwrap()
}

/// The corrected claims of a file: every claim as frequency `code` with REF*F8.
fn corrected(
    original: &[u8],
    code: FrequencyCode,
    numbers: &mut SequentialControlNumbers,
) -> Vec<u8> {
    let (doc, _) = Document::parse(original).unwrap();
    let set = doc.claim_sets().next().unwrap();
    let mut claims = set.claims_with_context();
    for (i, c) in claims.iter_mut().enumerate() {
        let icn = format!("PAYERICN{i:04}");
        edit::set_frequency(&mut c.claim, code, Some(icn.as_bytes())).unwrap();
    }
    let envelope = Envelope::from_interchange(&doc.interchanges[0])
        .unwrap()
        .with_date_time(chrono::NaiveDate::from_ymd_opt(2024, 4, 2).unwrap(), "0815")
        .unwrap();
    let mut out = Vec::new();
    write_claims(
        claims,
        &envelope,
        &WriteOptions::default(),
        numbers,
        &mut out,
    )
    .unwrap();
    out
}

/// The original re-emitted in its own envelope with fresh control numbers.
fn reissued(original: &[u8], numbers: &mut SequentialControlNumbers) -> Vec<u8> {
    let (doc, _) = Document::parse(original).unwrap();
    let sets: Vec<_> = doc.claim_sets().cloned().collect();
    let envelope = Envelope::from_interchange(&doc.interchanges[0]).unwrap();
    let mut out = Vec::new();
    write_sets(
        &sets,
        &envelope,
        &WriteOptions::default(),
        numbers,
        &mut out,
    )
    .unwrap();
    out
}

/// Checks what we can check ourselves, then returns the file to hand to pyx12.
fn self_check(name: &str, bytes: &[u8], freq: Option<u8>) {
    let (doc, diags) = Document::parse(bytes).unwrap();
    let bad: Vec<_> = diags
        .iter()
        .filter(|d| d.code != DiagnosticCode::MissingSegment)
        .collect();
    assert!(bad.is_empty(), "{name}: {bad:?}");
    let set = doc.claim_sets().next().unwrap();
    assert!(set.claim_count() > 0, "{name}");
    if let Some(f) = freq {
        for c in set.claims() {
            assert_eq!(c.frequency_code().map(|x| x.as_byte()), Some(f), "{name}");
            assert!(
                c.original_claim_number().unwrap().starts_with("PAYERICN"),
                "{name}"
            );
        }
    }
}

#[test]
fn written_837p_and_837i_pass_pyx12() {
    let mut numbers = SequentialControlNumbers::starting_at(5001);
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for (stem, original) in [
        ("837p", data("837p-basic.x12")),
        ("837i", data("837i-basic.x12")),
    ] {
        let r = reissued(&original, &mut numbers);
        self_check(stem, &r, None);
        files.push((format!("{stem}-reissued.x12"), r));
        let seven = corrected(&original, FrequencyCode::REPLACEMENT, &mut numbers);
        self_check(stem, &seven, Some(b'7'));
        assert!(String::from_utf8_lossy(&seven).contains("REF*F8*PAYERICN0000~"));
        files.push((format!("{stem}-replacement.x12"), seven));
        let eight = corrected(&original, FrequencyCode::VOID, &mut numbers);
        self_check(stem, &eight, Some(b'8'));
        files.push((format!("{stem}-void.x12"), eight));
    }
    // A set built from scratch through the model API (loops and owned segments).
    let spec = common::SetSpec {
        submitter: "NORTHWIND CLINIC".into(),
        receiver: "EXAMPLE PLAN".into(),
        providers: vec![common::ProviderSpec {
            name: "NORTHWIND CLINIC".into(),
            npi: "1234567893",
            subscribers: vec![
                common::SubscriberSpec {
                    member_id: "MEM1".into(),
                    last: "SAMPLE".into(),
                    first: "ALEX".into(),
                    dependent: None,
                    claims: vec![common::ClaimSpec {
                        pcn: "PCN1".into(),
                        frequency: b'7',
                        original_icn: "ICN0001".into(),
                        prior_auth: Some("AUTH1".into()),
                        diagnoses: vec!["J029".into(), "R509".into()],
                        lines: vec![common::LineSpec {
                            procedure: "99213".into(),
                            modifiers: vec!["25".into()],
                            charge_cents: 12_500,
                            units: 1,
                            control: "L0001".into(),
                            day: 3,
                        }],
                    }],
                },
                common::SubscriberSpec {
                    member_id: "MEM2".into(),
                    last: "SAMPLE".into(),
                    first: "SAM".into(),
                    dependent: Some(("SAMPLE".into(), "JORDAN".into())),
                    claims: vec![common::ClaimSpec {
                        pcn: "PCN2".into(),
                        frequency: b'1',
                        original_icn: String::new(),
                        prior_auth: None,
                        diagnoses: vec!["Z00129".into()],
                        lines: vec![common::LineSpec {
                            procedure: "99392".into(),
                            modifiers: vec![],
                            charge_cents: 8_050,
                            units: 1,
                            control: "L0002".into(),
                            day: 5,
                        }],
                    }],
                },
            ],
        }],
    };
    let d = Delimiters::default();
    let set = common::build_set(&spec, d, LineEnd::Lf);
    let envelope =
        Envelope::from_interchange(&common::document(set.clone(), d, LineEnd::Lf).interchanges[0])
            .unwrap();
    let mut built = Vec::new();
    write_sets(
        &[set],
        &envelope,
        &WriteOptions::default(),
        &mut numbers,
        &mut built,
    )
    .unwrap();
    self_check("built", &built, None);
    files.push(("837p-built.x12".into(), built));

    let Some(tool) = validator() else {
        eprintln!("skipped pyx12 validation: x12-validate not found (set DENALI_SHARED_TOOLS)");
        return;
    };
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("denali-validate");
    std::fs::create_dir_all(&dir).unwrap();
    let mut paths = Vec::new();
    for (name, bytes) in &files {
        let p = dir.join(name);
        std::fs::write(&p, bytes).unwrap();
        paths.push(p);
    }
    let out = Command::new(&tool)
        .args(&paths)
        .output()
        .expect("run x12-validate");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!("{text}");
    assert!(out.status.success(), "pyx12 reported errors:\n{text}");
    assert_eq!(text.matches(": OK").count(), files.len(), "{text}");
}
