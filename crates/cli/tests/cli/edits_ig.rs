//! `denali correct` with edits that would leave a code composite the implementation guide
//! cannot accept (adversarial sweep, session 10): the edit is refused, its claim is worklisted
//! with a reason naming the edit's field, and no 837 carries the broken composite.

use std::path::{Path, PathBuf};

use crate::util::{Out, TempDir, root, run};

type Dir = TempDir;

/// The text of every 837 written to `dir/out`.
fn written(dir: &Dir) -> Vec<String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir.0.join("out"))
        .expect("out dir")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "x12"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|p| std::fs::read_to_string(p).expect("written 837"))
        .collect()
}

/// Asserts `claim` is worklisted for `reason`, on the summary line and in `worklist.csv`;
/// returns its worklist row.
fn assert_worklisted(o: &Out, dir: &Dir, claim: &str, reason: &str) -> String {
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stderr
            .contains(&format!("{claim:<20} worklisted corrected_claim  {reason}")),
        "{}",
        o.stderr
    );
    let wl = std::fs::read_to_string(dir.0.join("out/worklist.csv")).expect("worklist.csv");
    let row = wl
        .lines()
        .find(|l| l.starts_with(&format!("{claim},")))
        .unwrap_or_else(|| panic!("{claim} not worklisted: {wl}"));
    assert!(row.contains(reason), "{row}");
    row.to_string()
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(root().join("fixtures/correct").join(name)).expect("fixture")
}

fn edit(claim: &str, field: &str, value: &str) -> String {
    format!("[[edit]]\nclaim = \"{claim}\"\nfield = \"{field}\"\nvalue = \"{value}\"\n")
}

fn correct(dir: &Dir, remit: &str, claims: &Path, edits: &str) -> Out {
    let out = dir.path("out");
    run(&[
        "correct",
        "--remit",
        remit,
        "--claims",
        claims.to_str().expect("path"),
        "--edits",
        edits,
        "--as-of",
        "2025-06-01",
        "--out",
        &out,
    ])
}

/// `denali correct` on Northern's 835 with the second line of PCN8002 (a revenue code, no
/// procedure) denied for its modifier (CO-4), the hospital's 837I, and `edits`, in `dir`.
fn correct_modifier_denial(dir: &Dir, edits: &str) -> Out {
    let remit = fixture("northern.835");
    let denied = "SVC*NU:0250*180.5*0**6~\nCAS*CO*284*180.5~";
    assert!(remit.contains(denied));
    let remit = remit.replace(denied, "SVC*NU:0250*180.5*0**6~\nCAS*CO*4*180.5~");
    std::fs::write(dir.path("i.835"), remit).unwrap();
    std::fs::write(dir.path("e.toml"), edits).unwrap();
    correct(
        dir,
        &dir.path("i.835"),
        &root().join("fixtures/correct/hospital-837i.837"),
        &dir.path("e.toml"),
    )
}

/// The sweep's first case: a modifier (SV202-3) on an institutional line billed by revenue
/// code only gave `SV2*0250*::59`, with no procedure qualifier or code.
#[test]
fn modifier_on_a_line_without_a_procedure_is_refused() {
    let dir = Dir::new("edits-ig-sv202");
    let edits =
        edit("PCN8001", "2300 REF*G1", "NMA33210") + &edit("PCN8002", "2400[2] SV202-3", "59");
    let o = correct_modifier_denial(&dir, &edits);
    let row = assert_worklisted(
        &o,
        &dir,
        "PCN8002",
        "2400[2] SV2: SV202 would be sent without SV202-1 (the code qualifier)",
    );
    assert!(row.contains("SV202-1 and SV202-2"), "{row}");

    // PCN8001 is still written; PCN8002 and its `::59` are not.
    let written = written(&dir);
    assert_eq!(written.len(), 1, "{}", o.stderr);
    for f in &written {
        assert!(f.contains("CLM*PCN8001*"));
        assert!(!f.contains("CLM*PCN8002*"), "{f}");
        assert!(!f.contains("*::59"), "{f}");
    }
}

/// The sweep's second case: clearing the principal diagnosis code (HI01-2) gave `HI*ABK`, a
/// qualifier with no code. The fixture edits, which replace PCN7006's HI01-2, still apply.
#[test]
fn clearing_a_diagnosis_code_is_refused() {
    let dir = Dir::new("edits-ig-hi01");
    let edits = fixture("edits.toml") + &edit("PCN7003", "2300 HI01-2", "");
    std::fs::write(dir.path("e.toml"), edits).unwrap();
    let o = correct(
        &dir,
        "fixtures/correct/summit.835",
        &root().join("fixtures/correct/clinic-837p.837"),
        &dir.path("e.toml"),
    );
    assert_worklisted(
        &o,
        &dir,
        "PCN7003",
        "2300 HI: HI01 would be sent without HI01-2 (the code)",
    );

    let written = written(&dir);
    assert_eq!(written.len(), 1, "{}", o.stderr);
    let p = &written[0];
    assert!(!p.contains("CLM*PCN7003*"), "{p}");
    assert!(!p.contains("HI*ABK~"), "{p}");
    // Another code in place of the old one is a whole composite: written.
    let pcn7006 = p
        .split("\nCLM*")
        .find(|c| c.starts_with("PCN7006*"))
        .expect("PCN7006 written");
    assert!(pcn7006.contains("\nHI*ABK:M5450~"), "{p}");
}

/// A procedure composite may take several edits (qualifier, code, modifier): only the claim
/// they leave is checked, and this one is whole.
#[test]
fn a_procedure_built_over_several_edits_is_written() {
    let dir = Dir::new("edits-ig-sv202-whole");
    let edits = edit("PCN8001", "2300 REF*G1", "NMA33210")
        + &edit("PCN8002", "2400[2] SV202-1", "HC")
        + &edit("PCN8002", "2400[2] SV202-2", "99284")
        + &edit("PCN8002", "2400[2] SV202-3", "59");
    let o = correct_modifier_denial(&dir, &edits);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stderr.contains("0 worklisted"), "{}", o.stderr);
    let written = written(&dir);
    assert_eq!(written.len(), 1, "{}", o.stderr);
    assert!(
        written[0].contains("\nSV2*0250*HC:99284:59*180.5*UN*6~"),
        "{}",
        written[0]
    );
}
