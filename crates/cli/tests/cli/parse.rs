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

/// Regression (domain sweep, session 10): `parse --redact` masked the NM1 names and ids but
/// printed a claim's REF*1W (member id) and REF*SY (Social Security number) as sent. The REFs
/// that identify a person are masked; the others (here G1, a prior authorization) are not.
#[test]
fn redact_masks_personal_claim_references() {
    let text = std::fs::read_to_string(crate::util::root().join("fixtures/835/small.835")).unwrap();
    let at = "NM1*QC*1*QUINN*URSULA****MI*W500000002~";
    assert_eq!(text.matches(at).count(), 1);
    let text = text.replace(
        at,
        &format!("{at}REF*1W*MEMBER77~REF*SY*123456789~REF*EA*MRN5~REF*G1*AUTH9~"),
    );
    let text = text.replace("SE*44*0001", "SE*48*0001");
    let plain = crate::util::run_stdin(&["parse", "-"], text.as_bytes());
    let out = crate::util::run_stdin(&["parse", "--redact", "-"], text.as_bytes());
    assert_eq!(out.code, 0, "{}", out.stderr);
    for secret in ["MEMBER77", "123456789", "MRN5", "QUINN"] {
        assert!(plain.stdout.contains(secret), "{secret}");
        assert!(!out.stdout.contains(secret), "{secret}");
    }
    assert!(
        out.stdout.contains(r#"{"qualifier":"G1","value":"AUTH9"}"#),
        "{}",
        out.stdout
    );
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
    // Regression (adversarial sweep, session 9): the missing input had no document, so a
    // reader of the JSON lines did not see it. It has one, with a fatal diagnostic.
    let docs = out.json_lines();
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[0]["file"], "fixtures/835/missing.835");
    assert_eq!(docs[0]["diagnostics"][0]["code"], "fatal");
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

/// The 835 JSON is written claim by claim; it must be exactly the whole `Remittance` serialised
/// (every field, in order), for every 835 set of every project fixture, with and without
/// claims and provider adjustments.
#[test]
fn streamed_835_json_equals_the_whole_remittance() {
    use denali_x12::{Event, ParseOptions, Reader, remit};
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut sets = 0;
    let mut files: Vec<_> = std::fs::read_dir(root.join("fixtures/835"))
        .expect("fixtures")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    for path in files {
        let rel = path.strip_prefix(&root).expect("inside the repo");
        let out = run(&["parse", rel.to_str().expect("utf-8 path")]);
        let doc = &out.json_lines()[0];
        let written: Vec<&serde_json::Value> = doc["interchanges"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|i| i["groups"].as_array().into_iter().flatten())
            .flat_map(|g| g["transactions"].as_array().into_iter().flatten())
            .filter(|t| t["set"] == "835")
            .collect();
        let bytes = std::fs::read(&path).expect("read");
        let mut reader = Reader::from_slice(&bytes);
        let mut i = 0;
        while let Ok(Some(ev)) = reader.next_event() {
            let Event::Transaction(tx) = ev else { continue };
            if tx.set_id != "835" {
                continue;
            }
            let (rem, _) = remit::parse_835(&tx, &ParseOptions::default());
            let mut want = serde_json::to_value(&rem).expect("serialise");
            let got = written.get(i).expect("a written set per 835 set");
            for key in ["set", "control_number", "version"] {
                want[key] = got[key].clone();
            }
            assert_eq!(*got, &want, "{} set {i}", rel.display());
            i += 1;
            sets += 1;
        }
        assert_eq!(i, written.len(), "{}", rel.display());
    }
    assert!(sets > 20, "{sets}");
}
