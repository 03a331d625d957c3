//! `denali explain`: exit codes and the JSON shape.

use crate::util::run;

#[test]
fn json_shape() {
    let out = run(&["explain", "--format", "json", "CO-16 N290", "45"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let docs = out.json_lines();
    assert_eq!(docs.len(), 2);
    let d = &docs[0];
    assert_eq!(d["input"], "CO-16 N290");
    assert_eq!(d["group"], "CO");
    assert_eq!(d["carc"], "16");
    assert_eq!(d["rarcs"], serde_json::json!(["N290"]));
    for key in ["description", "kind", "class", "route", "reason"] {
        assert!(d[key].is_string(), "{key}: {d}");
    }
    assert!(d["appealable"].is_boolean());
    assert!(d["remarks"].is_array());
    assert_eq!(docs[1]["carc"], "45");
}

#[test]
fn text() {
    let out = run(&["explain", "CO-197"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.starts_with("CO-197\n"));
    assert!(out.stdout.contains("  category "), "{}", out.stdout);
}

#[test]
fn exit_codes() {
    assert_eq!(run(&["explain"]).code, 2);
    let out = run(&["explain", "16", "not a code!"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stdout.contains("16"),
        "the good argument is still explained"
    );
    assert!(out.stderr.contains("not a code!"));
}
