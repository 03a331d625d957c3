//! `denali correct` on `fixtures/correct/`: files in `--out`, the worklist, the summary on
//! standard error and the exit codes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn out_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("denali-cli-correct-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

/// `denali correct` on the fixtures with `extra` arguments, 2025-03-20 09:30 UTC as "now".
fn run(out: &Path, extra: &[&str]) -> Output {
    run_with_claims(
        &[
            Path::new("fixtures/correct/clinic-837p.837"),
            Path::new("fixtures/correct/hospital-837i.837"),
        ],
        out,
        extra,
    )
}

/// [`run`] with other original 837s.
fn run_with_claims(claims: &[&Path], out: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_denali"))
        .current_dir(root())
        .args([
            "correct",
            "--remit",
            "fixtures/correct/summit.835",
            "fixtures/correct/northern.835",
        ])
        .arg("--claims")
        .args(claims)
        .args([
            "--payer-rules",
            "fixtures/correct/payer-rules.toml",
            "--as-of",
            "2025-03-20",
        ])
        .arg("--out")
        .arg(out)
        .args(extra)
        .env("SOURCE_DATE_EPOCH", "1742463000")
        .output()
        .expect("run denali")
}

#[test]
fn writes_files_worklist_and_summary() {
    let dir = out_dir("ok");
    let o = run(
        &dir,
        &[
            "--edits",
            "fixtures/correct/edits.toml",
            "--control-number",
            "900",
        ],
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(o.stdout.is_empty());
    assert!(
        err.contains(
            "2 remittance(s), 16 claim(s), 14 denied: 10 written, 4 worklisted, 0 skipped"
        ),
        "{err}"
    );
    assert!(
        err.contains("  PCN7011              worklisted corrected_claim  original 837 not found"),
        "{err}"
    );
    assert!(
        err.contains(
            "by route: corrected_claim 8, void_and_new 1, new_claim 2, appeal 2, bill_other_payer 1"
        ),
        "{err}"
    );
    let p = std::fs::read_to_string(dir.join("corrected-837P-0001.x12")).unwrap();
    assert!(p.starts_with("ISA*00*          *00*          *ZZ*DENALICLINIC   *ZZ*ALPINECH       *250320*0930*^*00501*000000900*0*T*:~\n"));
    assert!(
        p.contains(
            "\nCLM*PCN7001*1430***11:B:7*Y*A*Y*Y~\nREF*G1*AUTH552201~\nREF*F8*2508000007001~\n"
        ),
        "{p}"
    );
    let i = std::fs::read_to_string(dir.join("corrected-837I-0002.x12")).unwrap();
    assert!(
        i.contains("*000000901*"),
        "the second file takes the next number"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("claims.csv"))
            .unwrap()
            .lines()
            .count(),
        15
    );
    let wl = std::fs::read_to_string(dir.join("worklist.csv")).unwrap();
    let claims: Vec<&str> = wl
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(claims, ["PCN7008", "PCN7010", "PCN7011", "PCN7014"]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn json_worklist_and_exit_codes() {
    let dir = out_dir("json");
    let o = run(&dir, &["--worklist-format", "json"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let wl: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("worklist.json")).unwrap()).unwrap();
    // Without the edits file, six more claims wait for a person.
    assert_eq!(wl.as_array().unwrap().len(), 10);

    let bad = dir.join("bad.toml");
    std::fs::write(&bad, "[[edit]]\nclaim = \"PCN7001\"\n").unwrap();
    let o = run(&dir, &["--edits", bad.to_str().unwrap()]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "an edits file that does not parse is a usage error"
    );

    std::fs::write(
        &bad,
        "[[edit]]\nclaim = \"PCN7001\"\nfield = \"2300 REF02\"\nvalue = \"X\"\n",
    )
    .unwrap();
    let o = run(&dir, &["--edits", bad.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("REF needs its qualifier"), "{err}");

    let o = Command::new(env!("CARGO_BIN_EXE_denali"))
        .current_dir(root())
        .args([
            "correct",
            "--remit",
            "fixtures/correct/missing.835",
            "fixtures/correct/summit.835",
        ])
        .args(["--claims", "fixtures/correct/clinic-837p.837", "--out"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(1),
        "a missing input fails the run but not the others"
    );
    assert!(dir.join("corrected-837P-0001.x12").is_file());
    let _ = std::fs::remove_dir_all(&dir);
}

/// Regression (adversarial sweep, session 9): an original 837 indented between segments (as
/// hand-edited files are) gave corrected files indented the same way, which validators reject
/// ("segment contains a leading space"). The corrected files are now the same bytes as from
/// the unindented original.
#[test]
fn indentation_of_the_original_is_not_copied() {
    let plain = out_dir("plain");
    let o = run(&plain, &["--edits", "fixtures/correct/edits.toml"]);
    assert_eq!(o.status.code(), Some(0));
    let indented_dir = out_dir("indented-input");
    std::fs::create_dir_all(&indented_dir).unwrap();
    let mut claims = Vec::new();
    for name in ["clinic-837p.837", "hospital-837i.837"] {
        let original = std::fs::read(root().join("fixtures/correct").join(name)).unwrap();
        let mut indented = Vec::new();
        for line in original.split_inclusive(|&b| b == b'\n') {
            indented.extend_from_slice(b"  ");
            indented.extend_from_slice(line);
        }
        let path = indented_dir.join(name);
        std::fs::write(&path, indented).unwrap();
        claims.push(path);
    }
    let out = out_dir("indented");
    let claims: Vec<&Path> = claims.iter().map(PathBuf::as_path).collect();
    let o = run_with_claims(&claims, &out, &["--edits", "fixtures/correct/edits.toml"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let mut written = 0;
    for e in std::fs::read_dir(&plain).unwrap() {
        let name = e.unwrap().file_name();
        if !name.to_string_lossy().ends_with(".x12") {
            continue;
        }
        let a = std::fs::read(plain.join(&name)).unwrap();
        let b = std::fs::read(out.join(&name)).unwrap();
        assert!(a == b, "{name:?} differs from the unindented original's");
        assert!(!b.windows(2).any(|w| w == b"\n "), "{name:?} is indented");
        written += 1;
    }
    assert!(written >= 2, "{written}");
    for d in [plain, indented_dir, out] {
        let _ = std::fs::remove_dir_all(d);
    }
}

/// Regression (adversarial sweep, session 9): `--control-number 1000000000` was accepted, and
/// every claim was then worklisted because the number does not fit ISA13, with exit 0. It is a
/// usage error now, as is 0.
#[test]
fn a_control_number_past_nine_digits_is_a_usage_error() {
    for n in ["1000000000", "0"] {
        let dir = out_dir(&format!("control-{n}"));
        let o = run(&dir, &["--control-number", n]);
        assert_eq!(o.status.code(), Some(2), "{n}");
        assert!(
            String::from_utf8_lossy(&o.stderr).contains("1..=999999999"),
            "{n}"
        );
        assert!(!dir.exists(), "{n}: nothing is written");
    }
}
