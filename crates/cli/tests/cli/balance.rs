//! `denali balance`: totals and verdicts on the fixtures, and the same balancing warnings as
//! `denali validate` on every 835 we have (the project's and the external corpus).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::util::{external, root, run, sources};

#[test]
fn totals_and_verdicts() {
    let out = run(&["balance", "fixtures/835/basic.835"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains(
            "14 claim(s) charged 3980; claim payments 783 - provider adjustments 41.73 = 741.27, BPR02 741.27: balanced"
        ),
        "{}",
        out.stdout
    );
    assert!(out.stdout.ends_with(
        "fixtures/835/basic.835: 1 835 transaction set(s), 14 claim(s), 0 other set(s): every payment balances\n"
    ));
    for (file, code) in [
        ("unbalanced_line", "line_unbalanced"),
        ("unbalanced_claim", "claim_unbalanced"),
        ("unbalanced_transaction", "transaction_unbalanced"),
    ] {
        let out = run(&["balance", &format!("fixtures/835/{file}.835")]);
        assert_eq!(out.code, 1, "{file}: {}", out.stdout);
        assert!(
            out.stdout.contains(&format!("[{code}]")),
            "{file}: {}",
            out.stdout
        );
        assert!(out.stdout.contains("NOT balanced"), "{file}");
    }
    let out = run(&["balance", "--format", "json", "fixtures/835/multi_st.835"]);
    assert_eq!(out.code, 0);
    let sets: Vec<serde_json::Value> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    assert_eq!(sets.len(), 3);
    let claims: u64 = sets
        .iter()
        .map(|s| s["claims"].as_u64().expect("claims"))
        .sum();
    assert_eq!(claims, 4);
    assert!(sets.iter().all(|s| s["balanced"] == true));
    let out = run(&["balance", "no/such/file.835"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stdout
            .starts_with("no/such/file.835: error at byte 0: cannot read"),
        "{}",
        out.stdout
    );
}

/// Regression (adversarial sweep, session 9): `--format json` wrote a plain-text line for an
/// input it could not read, in the middle of the JSON lines. Every line is JSON now, and an
/// input with errors ends with a document of them, worded as `validate` words them.
#[test]
fn json_lines_stay_json_when_an_input_fails() {
    let out = run(&[
        "balance",
        "--format",
        "json",
        "no/such/file.835",
        "fixtures/835/small.835",
        "fixtures/invalid/garbage.835",
        "fixtures/invalid/truncated.835",
    ]);
    assert_eq!(out.code, 1);
    let docs: Vec<serde_json::Value> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let errors: Vec<(&str, &str)> = docs
        .iter()
        .filter(|d| d.get("errors").is_some())
        .map(|d| {
            (
                d["file"].as_str().unwrap(),
                d["diagnostics"][0]["code"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        errors,
        [
            ("no/such/file.835", "fatal"),
            ("fixtures/invalid/garbage.835", "fatal"),
            ("fixtures/invalid/truncated.835", "missing_se"),
        ]
    );
    // The sets that were read are still there, the truncated file's included.
    let sets: Vec<&str> = docs
        .iter()
        .filter(|d| d.get("claims").is_some())
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    assert_eq!(
        sets,
        ["fixtures/835/small.835", "fixtures/invalid/truncated.835"]
    );
}

/// Regression (adversarial sweep, session 9): a truncated file balanced with exit 0, and an
/// amount written `1,250.00` was balanced as 0 without a word, so a set could "balance" only
/// because its amounts could not be read. Both now fail the input, with where.
#[test]
fn unreadable_amounts_and_truncation_fail_the_input() {
    let out = run(&["balance", "fixtures/invalid/truncated.835"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stdout
            .contains("input ended inside a transaction set [missing_se]")
            && out.stdout.contains("the file was not read whole"),
        "{}",
        out.stdout
    );
    let segs = [
        "ISA*00*          *00*          *ZZ*PAYER          *ZZ*PROVIDER       *250601*1200*^*00501*000000001*0*P*:",
        "GS*HP*PAYER*PROVIDER*20250601*1200*1*X*005010X221A1",
        "ST*835*0001",
        "BPR*I*0*C*NON************20250601",
        "TRN*1*CHK001*1999999999",
        "N1*PR*ACME PAYER",
        "N1*PE*CLINIC*XX*1234567893",
        "LX*1",
        "CLP*PCN1*4*1,250.00*0**12*ICN1*11*1",
        "CAS*CO*197*1,250.00",
        "SE*10*0001",
        "GE*1*1",
        "IEA*1*000000001",
    ];
    let file = segs.join("~\n") + "~\n";
    let out = crate::util::run_stdin(&["balance", "--format", "json", "-"], file.as_bytes());
    assert_eq!(out.code, 1, "{}", out.stdout);
    let set: serde_json::Value = serde_json::from_str(out.stdout.trim()).expect("one document");
    assert_eq!(set["balanced"], false);
    let unread: Vec<(&str, u64, &str)> = set["unreadable_amounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["segment_id"].as_str().unwrap(),
                d["element"].as_u64().unwrap(),
                d["code"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        unread,
        [("CLP", 3, "invalid_value"), ("CAS", 3, "invalid_value")]
    );
}

/// Balancing warnings as (offset, code, message).
type Warnings = BTreeSet<(u64, String, String)>;

/// The balancing warnings of one file as `validate --format json` gives them and as `balance
/// --format json` does.
fn both(file: &Path) -> (Warnings, Warnings) {
    let f = file.display().to_string();
    let key = |d: &serde_json::Value| {
        (
            d["position"]["offset"].as_u64().unwrap_or(u64::MAX),
            d["code"].as_str().unwrap_or_default().to_string(),
            d["message"].as_str().unwrap_or_default().to_string(),
        )
    };
    let v = run(&["validate", "--format", "json", &f]);
    let doc: serde_json::Value = serde_json::from_str(v.stdout.trim()).expect("validate json");
    let want = doc["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| {
            d["code"]
                .as_str()
                .is_some_and(|c| c.ends_with("_unbalanced"))
        })
        .map(key)
        .collect();
    let b = run(&["balance", "--format", "json", &f]);
    let got = b
        .stdout
        .lines()
        .filter(|l| l.starts_with('{'))
        .flat_map(|l| {
            let s: serde_json::Value = serde_json::from_str(l).expect("balance json");
            s["unbalanced"].as_array().cloned().unwrap_or_default()
        })
        .map(|d| key(&d))
        .collect();
    (want, got)
}

#[test]
fn the_same_warnings_as_validate_on_our_fixtures() {
    let mut n = 0;
    for entry in std::fs::read_dir(root().join("fixtures/835")).expect("fixtures") {
        let path = entry.expect("entry").path();
        let (want, got) = both(&path);
        assert_eq!(got, want, "{}", path.display());
        n += want.len();
    }
    assert!(n >= 3, "the unbalanced fixtures give warnings ({n})");
}

#[test]
fn the_same_warnings_as_validate_on_the_external_corpus() {
    let Some(dir) = external() else { return };
    let files: Vec<PathBuf> = sources(&dir)
        .into_iter()
        .filter(|s| s.tx.contains("835"))
        .map(|s| dir.join(&s.path))
        .collect();
    assert!(files.len() > 20, "835s listed: {}", files.len());
    for f in files {
        let (want, got) = both(&f);
        assert_eq!(got, want, "{}", f.display());
    }
}
