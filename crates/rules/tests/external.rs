//! Golden snapshot of the classification of every CAS triplet, and of every claim's outcome, in
//! every good 835 of the shared external corpus (`DENALI_EXTERNAL_FIXTURES`, read in place).
//!
//! * `golden/external_835.tsv`: one row per CAS triplet (file, ST index, claim index, line index,
//!   group, CARC, RARCs, amount, kind, category, class, route, appealable).
//! * `golden/external_835_claims.tsv`: one row per claim (file, ST index, claim index, CLP02,
//!   outcome, denied amount, number of denials, the denials' correction routes).
//!
//! Only codes and amounts are written, never names or IDs. Regenerate deliberately with
//! `DENALI_BLESS=1 cargo test -p denali-rules --test external` and review the diff.
//!
//! "Good" means every file outside an `invalid/` folder; a file counts as an 835 when it holds an
//! ST*835 transaction.

mod common;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use denali_rules::{Context, Kind, Outcome, assess};
use denali_x12::{Event, ParseOptions, Reader, remit};

/// The corpus folder, or `None` (with a printed reason) when the variable is unset. Relative
/// paths resolve against the workspace root. Panics when set but missing.
fn external() -> Option<PathBuf> {
    let Some(dir) = std::env::var_os("DENALI_EXTERNAL_FIXTURES") else {
        eprintln!(
            "skipped: DENALI_EXTERNAL_FIXTURES is not set (the external corpus lives in ../shared/fixtures/external)"
        );
        return None;
    };
    let mut p = PathBuf::from(dir);
    if p.is_relative() {
        p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(p);
    }
    assert!(
        p.is_dir(),
        "DENALI_EXTERNAL_FIXTURES is set to {} but that folder does not exist",
        p.display()
    );
    Some(p)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            if p.file_name().is_some_and(|n| n == "invalid") {
                continue;
            }
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn golden_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name)
}

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

fn dash(s: &str) -> &str {
    if s.is_empty() { "-" } else { s }
}

/// Compares with the golden file, or rewrites it when `DENALI_BLESS=1`.
fn check_golden(name: &str, actual: &str) {
    let path = golden_path(name);
    if std::env::var_os("DENALI_BLESS").is_some_and(|v| v == "1") {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        eprintln!("blessed {}", path.display());
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; create it with DENALI_BLESS=1 cargo test -p denali-rules --test external",
            path.display()
        )
    });
    if expected != actual {
        let exp: Vec<&str> = expected.lines().collect();
        let act: Vec<&str> = actual.lines().collect();
        let mut report = String::new();
        let mut shown = 0;
        for i in 0..exp.len().max(act.len()) {
            let (e, a) = (exp.get(i), act.get(i));
            if e != a {
                let _ = writeln!(
                    report,
                    "line {}:\n  golden: {}\n  actual: {}",
                    i + 1,
                    e.unwrap_or(&"<none>"),
                    a.unwrap_or(&"<none>")
                );
                shown += 1;
                if shown == 10 {
                    break;
                }
            }
        }
        panic!(
            "{} differs from the current classification ({} golden rows, {} now):\n{report}\
             If the change is intended, re-bless with DENALI_BLESS=1 and review the diff.",
            path.display(),
            exp.len(),
            act.len()
        );
    }
}

#[test]
fn external_835_classification_matches_golden() {
    let Some(dir) = external() else { return };
    let ctx = Context::new(NaiveDate::from_ymd_opt(2025, 6, 1).unwrap());
    let mut files = Vec::new();
    walk(&dir, &mut files);

    let mut cas = String::from(
        "file\tset\tclaim\tline\tgroup\tcarc\trarcs\tamount\tkind\tcategory\tclass\troute\tappealable\n",
    );
    let mut claims =
        String::from("file\tset\tclaim\tclp02\toutcome\tdenied_amount\tdenials\troutes\n");
    let (mut n_files, mut n_claims, mut n_cas) = (0usize, 0usize, 0usize);
    let mut outcomes = std::collections::BTreeMap::<Outcome, usize>::new();

    for path in &files {
        let bytes = std::fs::read(path).unwrap();
        let rel = path
            .strip_prefix(&dir)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let mut reader = Reader::from_slice(&bytes);
        let mut set = 0usize;
        let mut is_835 = false;
        while let Ok(Some(event)) = reader.next_event() {
            let Event::Transaction(tx) = event else {
                continue;
            };
            if tx.set_id != "835" {
                continue;
            }
            is_835 = true;
            let (rem, _) = remit::parse_835(&tx, &ParseOptions::default());
            let a = assess(&rem, &ctx);
            assert_eq!(a.claims.len(), rem.claims.len(), "{rel}: claims in != out");
            for (i, c) in a.claims.iter().enumerate() {
                assert_eq!(c.claim_index, i, "{rel}");
                *outcomes.entry(c.outcome).or_default() += 1;
                n_claims += 1;
                for adj in &c.adjustments {
                    n_cas += 1;
                    let e = &adj.explanation;
                    if matches!(e.kind, Kind::Contractual | Kind::PatientResponsibility) {
                        assert!(!adj.is_denial, "{rel}: {adj:?} reported as a denial");
                    }
                    let _ = writeln!(
                        cas,
                        "{rel}\t{set}\t{i}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                        adj.line_index.map_or("-".to_string(), |l| l.to_string()),
                        adj.group,
                        dash(&adj.carc),
                        dash(&adj.rarcs.join(",")),
                        adj.amount,
                        e.kind,
                        e.category.map_or("-", |c| c.as_str()),
                        e.class,
                        e.route,
                        yes_no(e.appealable),
                    );
                }
                let routes: Vec<&str> = c
                    .denials
                    .iter()
                    .map(|d| d.corrections.route.as_str())
                    .collect();
                let _ = writeln!(
                    claims,
                    "{rel}\t{set}\t{i}\t{}\t{}\t{}\t{}\t{}",
                    rem.claims[i].status_code,
                    c.outcome,
                    c.denied_amount,
                    c.denials.len(),
                    dash(&routes.join(",")),
                );
            }
            set += 1;
        }
        if is_835 {
            n_files += 1;
        }
    }
    eprintln!(
        "external 835s: {n_files} files, {n_claims} claims, {n_cas} CAS triplets; outcomes {outcomes:?}"
    );
    assert!(
        n_files >= 20,
        "only {n_files} good 835 files found in {}",
        dir.display()
    );
    assert_eq!(
        outcomes.values().sum::<usize>(),
        n_claims,
        "every claim has one outcome"
    );
    check_golden("external_835.tsv", &cas);
    check_golden("external_835_claims.tsv", &claims);
}

/// The paid screen (`Assessor::is_plainly_paid`) agrees with the full assessment on every claim
/// of every good file of the corpus.
#[test]
fn external_paid_screen_agrees_with_the_assessment() {
    let Some(dir) = external() else { return };
    let ctx = Context::new(NaiveDate::from_ymd_opt(2025, 6, 1).unwrap());
    let mut files = Vec::new();
    walk(&dir, &mut files);
    let (mut plain, mut claims) = (0, 0);
    for path in &files {
        let bytes = std::fs::read(path).unwrap();
        let what = path.strip_prefix(&dir).unwrap().display().to_string();
        let (p, n) = common::check_screen(&bytes, &ctx, &what);
        plain += p;
        claims += n;
    }
    eprintln!("external corpus: {plain} of {claims} claims screened plainly paid");
    assert!(plain > 0 && plain < claims, "{plain} of {claims}");
}
