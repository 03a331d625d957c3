//! `denali parse`: exit codes, the JSON shape, and a reader that closes the pipe early.

use std::io::Read;
use std::process::{Command, Stdio};

use crate::util::{denali, run};

/// Runs the command like `cmd | head -c 10`: reads 10 bytes, closes the pipe, and expects
/// exit code 0 and no complaint.
pub fn head_10(mut cmd: Command) {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn denali");
    let mut stdout = child.stdout.take().expect("stdout");
    let mut buf = [0u8; 10];
    stdout.read_exact(&mut buf).expect("10 bytes");
    drop(stdout);
    let out = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "stderr: {stderr}");
    assert!(
        !stderr.contains("Broken pipe") && !stderr.contains("panicked"),
        "{stderr}"
    );
}

#[test]
fn parses_basic() {
    let out = run(&["parse", "fixtures/835/basic.835"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let docs = out.json_lines();
    assert_eq!(docs.len(), 1);
    let doc = &docs[0];
    assert_eq!(doc["file"], "fixtures/835/basic.835");
    assert!(doc["diagnostics"].is_array());
    let tx = &doc["interchanges"][0]["groups"][0]["transactions"][0];
    assert_eq!(tx["set"], "835");
    assert_eq!(tx["claims"].as_array().unwrap().len(), 14);
    assert_eq!(tx["payment"]["trace_number"], "EFT0001001");
}

#[test]
fn one_document_per_input() {
    let out = run(&["parse", "fixtures/835/basic.835", "fixtures/835/small.835"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let docs = out.json_lines();
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[1]["file"], "fixtures/835/small.835");
}

#[test]
fn redact_masks_member_ids() {
    let plain = run(&["parse", "fixtures/835/basic.835"]);
    assert!(plain.stdout.contains("W200000009"));
    let out = run(&["parse", "--redact", "fixtures/835/basic.835"]);
    assert_eq!(out.code, 0);
    for secret in ["W200000009", "W100000009", "TAYLOR"] {
        assert!(!out.stdout.contains(secret), "{secret}");
    }
}

#[test]
fn exit_codes() {
    // A broken input: still a JSON document, with the error in its diagnostics; exit 1.
    let out = run(&["parse", "fixtures/invalid/garbage.835"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let docs = out.json_lines();
    assert!(!docs[0]["diagnostics"].as_array().unwrap().is_empty());
    // A good file after a missing one is still parsed.
    let out = run(&[
        "parse",
        "fixtures/835/missing.835",
        "fixtures/835/small.835",
    ]);
    assert_eq!(out.code, 1);
    assert!(out.stdout.contains("\"file\":\"fixtures/835/small.835\""));
    assert!(out.stderr.contains("fixtures/835/missing.835"));
    // Usage.
    assert_eq!(run(&["parse", "--no-such-flag"]).code, 2);
    assert_eq!(run(&["no-such-command"]).code, 2);
}

#[test]
fn broken_pipe_is_success() {
    let mut args = vec!["parse"];
    args.extend(std::iter::repeat_n("fixtures/835/large_200.835", 10));
    head_10(denali(&args));
}
