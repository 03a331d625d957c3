//! `denali fmt`: byte-for-byte by default, new delimiters on request, `--recount` repairs.

use crate::util::{denali, flat_and_wrapped, root, run};

fn fmt_bytes(args: &[&str]) -> (i32, Vec<u8>) {
    let out = denali(args).output().expect("run denali fmt");
    (out.status.code().unwrap_or(-1), out.stdout)
}

#[test]
fn every_well_formed_fixture_comes_back_byte_for_byte() {
    let mut n = 0;
    for dir in [
        "fixtures/835",
        "fixtures/837p",
        "fixtures/837i",
        "fixtures/837d",
    ] {
        for entry in std::fs::read_dir(root().join(dir)).expect("fixture dir") {
            let path = entry.expect("entry").path();
            let rel = path
                .strip_prefix(root())
                .expect("under root")
                .to_string_lossy()
                .into_owned();
            let original = std::fs::read(&path).expect("read");
            let (code, out) = fmt_bytes(&["fmt", &rel]);
            assert!(code == 0 || code == 1, "{rel}: exit {code}");
            assert!(out == original, "{rel}: fmt changed the bytes");
            n += 1;
        }
    }
    assert!(n >= 35, "only {n} fixtures");
}

#[test]
fn recount_repairs_wrong_envelope_counts() {
    let (code, fixed) = fmt_bytes(&["fmt", "--recount", "fixtures/835/wrong_all.835"]);
    assert_eq!(code, 0);
    let tmp = std::env::temp_dir().join(format!("denali-fmt-{}.835", std::process::id()));
    std::fs::write(&tmp, &fixed).expect("write");
    let out = run(&[
        "validate",
        "--format",
        "json",
        tmp.to_str().expect("utf-8 path"),
    ]);
    let _ = std::fs::remove_file(&tmp);
    let d = &out.json_lines()[0];
    assert_eq!(d["warnings"], 0, "{}", out.stdout);
    assert_eq!(d["claims"], 3);
}

#[test]
fn new_delimiters_and_newlines_keep_the_content() {
    let (code, out) = fmt_bytes(&[
        "fmt",
        "--delimiters",
        "|^{!",
        "--newline",
        "fixtures/837p/basic.837",
    ]);
    assert_eq!(code, 0);
    let text = String::from_utf8(out).expect("ascii");
    assert!(text.starts_with("ISA|00|"));
    assert!(text.contains("\nCLM|PCN2001|"));
    let before = run(&["parse", "fixtures/837p/basic.837"]).json_lines();
    let tmp = std::env::temp_dir().join(format!("denali-fmt-{}.837", std::process::id()));
    std::fs::write(&tmp, &text).expect("write");
    let after = run(&["parse", tmp.to_str().expect("utf-8 path")]).json_lines();
    let _ = std::fs::remove_file(&tmp);
    assert_eq!(
        before[0]["interchanges"][0]["groups"],
        after[0]["interchanges"][0]["groups"]
    );
}

#[test]
fn bad_delimiters_are_a_usage_error() {
    let (code, _) = fmt_bytes(&["fmt", "--delimiters", "**~~", "fixtures/837p/basic.837"]);
    assert_eq!(code, 2);
}

/// Without an ISA nothing declares the component separator, so it stays as read (`:` here);
/// asking for it as the element separator is refused with that reason, not as if the user had
/// typed the same byte twice.
#[test]
fn new_delimiters_that_collide_with_a_bare_files_component_separator_say_why() {
    let out = run(&["fmt", "--delimiters", ":*~|", "fixtures/835/bare_st.835"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("without an ISA the component and repetition separators stay as read"),
        "{}",
        out.stderr
    );
}

/// An 837 in 80-column records is written as the same file without line breaks: the offsets
/// the reader gives index its bytes without them (a first cut sliced the wrapped input with
/// them, and wrote garbled envelopes).
#[test]
fn a_wrapped_837_is_written_without_its_line_breaks() {
    for file in ["fixtures/837p/basic.837", "fixtures/837i/basic.837"] {
        let bytes = std::fs::read(root().join(file)).expect("fixture");
        let (flat, wrapped) = flat_and_wrapped(&bytes, 80);
        let dir = std::env::temp_dir().join(format!("denali-fmt-wrap-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let (f, w) = (dir.join("flat.837"), dir.join("wrapped.837"));
        std::fs::write(&f, &flat).expect("write");
        std::fs::write(&w, &wrapped).expect("write");
        let (code_f, out_f) = fmt_bytes(&["fmt", f.to_str().expect("utf-8 path")]);
        let (code_w, out_w) = fmt_bytes(&["fmt", w.to_str().expect("utf-8 path")]);
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(code_f, 0, "{file}");
        assert_eq!(code_w, 0, "{file}: a warning is not a failure");
        assert_eq!(out_f, flat, "{file}");
        assert!(
            out_w == flat,
            "{file}: the wrapped file was not written unwrapped"
        );
    }
}

/// Regression (adversarial sweep, session 10): `--recount` kept an HL02 that names no earlier
/// level as it was, and after renumbering that old number could name another level or the
/// level itself (`HL*2*3` became `HL*3*3`). Such a set is now refused, with where, and nothing
/// is written; without `--recount` the file still comes back byte for byte.
#[test]
fn recount_refuses_an_hl_parent_that_is_not_a_level() {
    let text = std::fs::read_to_string(root().join("fixtures/837p/basic.837")).expect("read");
    assert_eq!(text.matches("HL*4*3*23*0").count(), 1);
    let dangling = text.replace("HL*4*3*23*0", "HL*4*5*23*0");
    let out = crate::util::run_stdin(&["fmt", "--recount", "-"], dangling.as_bytes());
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    assert!(
        out.stderr
            .contains("HL02 names no earlier HL level, so the levels cannot be renumbered (segment HL, element HL02"),
        "{}",
        out.stderr
    );
    let out = crate::util::run_stdin(&["fmt", "-"], dangling.as_bytes());
    assert_eq!(out.stdout, dangling);
    // The same file with its parent in place renumbers as before.
    let out = crate::util::run_stdin(&["fmt", "--recount", "-"], text.as_bytes());
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (0, text.as_str()),
        "{}",
        out.stderr
    );
}
