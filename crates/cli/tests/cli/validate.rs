//! `denali validate`: exit codes and the JSON shape.

use crate::util::run;

#[test]
fn clean_file() {
    let out = run(&["validate", "--format", "json", "fixtures/835/small.835"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let docs = out.json_lines();
    assert_eq!(docs.len(), 1);
    let d = &docs[0];
    assert_eq!(d["file"], "fixtures/835/small.835");
    assert_eq!(d["claims"], 3);
    assert_eq!(d["errors"], 0);
    for key in [
        "interchanges",
        "groups",
        "transactions",
        "warnings",
        "diagnostics_not_shown",
    ] {
        assert!(d[key].is_u64(), "{key}");
    }
    assert!(d["diagnostics"].is_array());
}

/// An unbalanced claim is a warning: the file is still usable.
#[test]
fn unbalanced_claim_warns() {
    let out = run(&[
        "validate",
        "--format",
        "json",
        "fixtures/835/unbalanced_claim.835",
    ]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    let d = &out.json_lines()[0];
    assert_eq!(d["errors"], 0);
    let codes: Vec<&str> = d["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["claim_unbalanced"]);
}

#[test]
fn text_summary_per_file() {
    let out = run(&[
        "validate",
        "fixtures/835/small.835",
        "fixtures/invalid/garbage.835",
    ]);
    assert_eq!(out.code, 1);
    assert!(
        out.stdout
            .contains("fixtures/835/small.835: 1 interchange(s)"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("fixtures/invalid/garbage.835:"),
        "{}",
        out.stdout
    );
    assert_eq!(run(&["validate", "--format", "yaml"]).code, 2);
}

/// Regression: `--strict` made the reader's warnings fatal but not the typed parser's, so an
/// unbalanced claim still exited 0 (found while reviewing the report work).
#[test]
fn regression_strict_makes_balancing_warnings_errors() {
    let out = run(&[
        "validate",
        "--strict",
        "--format",
        "json",
        "fixtures/835/unbalanced_claim.835",
    ]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    let d = &out.json_lines()[0];
    assert_eq!(d["errors"], 1);
    assert_eq!(d["warnings"], 0);
}
