//! `denali correct`: what a run leaves in `--out`, and the control numbers it starts from.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn out_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "denali-cli-correct-out-{}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&d);
    d
}

/// `denali correct` on fixtures/correct with the given remittances and 837s at `epoch`.
fn run(remits: &[&str], claims: &[&str], out: &Path, epoch: &str, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_denali"))
        .current_dir(root())
        .arg("correct")
        .arg("--remit")
        .args(remits.iter().map(|r| format!("fixtures/correct/{r}")))
        .arg("--claims")
        .args(claims.iter().map(|c| format!("fixtures/correct/{c}")))
        .args([
            "--payer-rules",
            "fixtures/correct/payer-rules.toml",
            "--edits",
            "fixtures/correct/edits.toml",
            "--as-of",
            "2025-03-20",
        ])
        .arg("--out")
        .arg(out)
        .args(extra)
        .env("SOURCE_DATE_EPOCH", epoch)
        .output()
        .expect("run denali")
}

fn isa13(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    text.split('~')
        .next()
        .unwrap()
        .split('*')
        .nth(13)
        .unwrap()
        .to_string()
}

const BOTH_835: [&str; 2] = ["summit.835", "northern.835"];
const BOTH_837: [&str; 2] = ["clinic-837p.837", "hospital-837i.837"];

/// Regression: a second run into the same `--out` that wrote fewer files left the first run's
/// other files beside its own, so sending the directory sent the old claims again.
#[test]
fn a_run_refuses_to_leave_an_earlier_runs_files_beside_its_own() {
    let out = out_dir("stale");
    let o = run(&BOTH_835, &BOTH_837, &out, "1742463000", &[]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(out.join("corrected-837P-0001.x12").exists());
    assert!(out.join("corrected-837I-0002.x12").exists());

    // The same run again replaces its own files.
    let o = run(&BOTH_835, &BOTH_837, &out, "1742463000", &[]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );

    // A run that writes only the institutional file, as 0001: both old files would stay.
    let before = std::fs::read(out.join("corrected-837P-0001.x12")).unwrap();
    let o = run(
        &["northern.835"],
        &["hospital-837i.837"],
        &out,
        "1742463100",
        &[],
    );
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("holds corrected 837s of an earlier run that this run would not replace (corrected-837I-0002.x12, corrected-837P-0001.x12)"),
        "{err}"
    );
    assert_eq!(
        std::fs::read(out.join("corrected-837P-0001.x12")).unwrap(),
        before,
        "nothing is written"
    );
    let _ = std::fs::remove_dir_all(&out);
}

/// Regression: every run started its interchange control numbers at 1, so two runs sent
/// two interchanges numbered 000000001 from one sender, which receivers reject.
#[test]
fn runs_start_their_control_numbers_from_the_clock_unless_given() {
    // 2025-03-20 09:30:00 UTC is 164,626,200 seconds after 2020-01-01.
    let first = out_dir("clock-1");
    let o = run(&BOTH_835, &BOTH_837, &first, "1742463000", &[]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(isa13(&first.join("corrected-837P-0001.x12")), "164626201");
    assert_eq!(isa13(&first.join("corrected-837I-0002.x12")), "164626202");

    let later = out_dir("clock-2");
    let o = run(&BOTH_835, &BOTH_837, &later, "1742463060", &[]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(isa13(&later.join("corrected-837P-0001.x12")), "164626261");

    let given = out_dir("given");
    let o = run(
        &BOTH_835,
        &BOTH_837,
        &given,
        "1742463000",
        &["--control-number", "5001"],
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(isa13(&given.join("corrected-837P-0001.x12")), "000005001");
    for d in [first, later, given] {
        let _ = std::fs::remove_dir_all(d);
    }
}
