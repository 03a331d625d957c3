//! The pipeline settles plainly paid claims from the view, without reading them whole
//! (`Assessor::is_plainly_paid`), and lists them only when asked. Listing only denials must
//! change nothing but the claim rows: the summary (counts, outcomes, balancing, denied dollars
//! by category) and every denial row equal those of the run that lists every claim. Checked on
//! every project fixture and, when `DENALI_EXTERNAL_FIXTURES` is set, every file of the
//! external corpus. (That settling a claim from the view equals reading it whole is checked
//! inside the pipeline, where it can be turned off: `pipeline::tests`.)

use std::path::{Path, PathBuf};

use denali_report::{Input, Report, ReportOptions, run};

fn options(all_claims: bool) -> ReportOptions {
    ReportOptions {
        parse: Default::default(),
        context: denali_rules::Context::new(
            chrono::NaiveDate::from_ymd_opt(2025, 6, 1).expect("date"),
        ),
        all_claims,
        redact: false,
    }
}

fn report(path: &Path, all_claims: bool) -> Report {
    run(
        vec![Input::Path(path.to_path_buf())],
        &options(all_claims),
        &|_| {},
    )
}

/// Compares the two runs on one file; returns (claims, paid claims).
fn check(path: &Path) -> (u64, u64) {
    let every = report(path, true);
    let denials = report(path, false);
    let what = path.display();
    assert_eq!(denials.summary, every.summary, "{what}: summary");
    let denial_rows: Vec<_> = every.rows.iter().filter(|r| !r.level.is_empty()).collect();
    assert_eq!(
        denials.rows.iter().collect::<Vec<_>>(),
        denial_rows,
        "{what}: denial rows"
    );
    let s = &every.summary;
    (
        s.claims_in,
        s.by_outcome.get("paid").copied().unwrap_or_default(),
    )
}

/// Every file under `dir`, sorted, compared; returns (files, claims, paid claims).
fn check_all(dir: &Path) -> (usize, u64, u64) {
    let mut files = Vec::new();
    files_under(dir, &mut files);
    let (mut claims, mut paid) = (0, 0);
    for f in &files {
        let (c, p) = check(f);
        claims += c;
        paid += p;
    }
    (files.len(), claims, paid)
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files_under(&p, out);
        } else {
            out.push(p);
        }
    }
}

#[test]
fn listing_only_denials_changes_nothing_else_on_the_fixtures() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/835");
    let (files, claims, paid) = check_all(&dir);
    assert!(files >= 5, "{files} fixtures");
    assert!(paid > 20 && paid < claims, "{paid} paid of {claims}");
}

#[test]
fn listing_only_denials_changes_nothing_else_on_the_external_corpus() {
    let Some(dir) = std::env::var_os("DENALI_EXTERNAL_FIXTURES") else {
        eprintln!(
            "skipped: DENALI_EXTERNAL_FIXTURES is not set (the external corpus lives in ../shared/fixtures/external)"
        );
        return;
    };
    let mut dir = PathBuf::from(dir);
    if dir.is_relative() {
        dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../..")
            .join(dir);
    }
    assert!(
        dir.is_dir(),
        "DENALI_EXTERNAL_FIXTURES is set to {} but that folder does not exist",
        dir.display()
    );
    let (files, claims, paid) = check_all(&dir);
    eprintln!("external corpus: {paid} paid of {claims} claims, in {files} files");
    assert!(paid > 0 && paid < claims, "{paid} paid of {claims}");
}
