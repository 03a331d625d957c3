//! `denali report`: goldens per format, batches with broken files, reconciliation on the
//! external corpus, redaction, exit codes.

use std::collections::BTreeSet;

use crate::util::{Out, denali, external, flat_and_wrapped, golden, root, run, run_stdin, sources};

const AS_OF: &str = "2024-06-01";

fn report(args: &[&str]) -> Out {
    let mut all = vec!["report", "--as-of", AS_OF];
    all.extend_from_slice(args);
    run(&all)
}

/// One golden per format for the main sample.
#[test]
fn basic_every_format() {
    for (format, ext) in [
        ("csv", "csv"),
        ("json", "json"),
        ("ndjson", "ndjson"),
        ("markdown", "md"),
        ("table", "txt"),
        ("html", "html"),
    ] {
        let out = report(&["--format", format, "fixtures/835/basic.835"]);
        assert_eq!(out.code, 0, "{format}: {}", out.stderr);
        golden(&format!("report/basic.{ext}"), &out.stdout);
        let summary_on_stderr = matches!(format, "csv" | "json" | "ndjson");
        assert_eq!(
            out.stderr.contains("claims accounted for"),
            summary_on_stderr,
            "{format}"
        );
    }
}

#[test]
fn small_and_all_claims() {
    let out = report(&["fixtures/835/small.835"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    golden("report/small.csv", &out.stdout);
    let out = report(&["--all-claims", "fixtures/835/small.835"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    golden("report/small_all_claims.csv", &out.stdout);
}

/// With `--all-claims` every claim has at least one row.
#[test]
fn all_claims_lists_every_claim() {
    let out = report(&["--all-claims", "--format", "json", "fixtures/835/basic.835"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v = out.json();
    let claims: BTreeSet<(&str, &str, &str)> = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["patient_control_number"].as_str().unwrap(),
                r["payer_claim_control_number"].as_str().unwrap(),
                r["claim_status"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        claims.len() as u64,
        v["summary"]["claims_in"].as_u64().unwrap()
    );
}

/// A directory is walked recursively, in sorted order; the summary reconciles.
#[test]
fn directory() {
    let out = report(&["--format", "ndjson", "fixtures/835"]);
    let lines = out.json_lines();
    let summary = lines.last().unwrap();
    assert_eq!(summary["type"], "summary");
    let n835 = std::fs::read_dir(root().join("fixtures/835"))
        .unwrap()
        .count() as u64;
    assert_eq!(summary["files"], n835);
    assert_eq!(summary["claims_in"], summary["claims_accounted"]);
    assert_eq!(out.code, if summary["files_failed"] == 0 { 0 } else { 1 });
    golden("report/dir_835.summary.json", &format!("{summary:#}\n"));
    let files: Vec<&str> = lines[..lines.len() - 1]
        .iter()
        .map(|r| r["file"].as_str().unwrap())
        .collect();
    let mut sorted = files.clone();
    sorted.sort();
    assert_eq!(files, sorted, "rows follow the sorted file order");
    assert!(files.contains(&"fixtures/835/basic.835"));
}

/// Broken files are listed with their error; the good ones around them are still reported,
/// and the exit code is 1.
#[test]
fn broken_file_does_not_stop_the_batch() {
    let mut args = vec!["--format", "json", "fixtures/835/basic.835"];
    let mut invalid: Vec<String> = std::fs::read_dir(root().join("fixtures/invalid"))
        .unwrap()
        .map(|e| {
            format!(
                "fixtures/invalid/{}",
                e.unwrap().file_name().to_string_lossy()
            )
        })
        .collect();
    invalid.sort();
    args.extend(invalid.iter().map(String::as_str));
    args.push("fixtures/835/small.835");
    args.push("fixtures/835/does-not-exist.835");
    let out = report(&args);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let v = out.json();
    let s = &v["summary"];
    assert_eq!(s["files"], invalid.len() as u64 + 3);
    let failed: BTreeSet<&str> = s["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["file"].as_str().unwrap())
        .collect();
    assert_eq!(s["files_failed"], failed.len() as u64);
    assert!(
        failed.contains("fixtures/835/does-not-exist.835"),
        "{failed:?}"
    );
    assert!(
        failed.contains("fixtures/invalid/garbage.835"),
        "{failed:?}"
    );
    assert!(failed.contains("fixtures/invalid/empty.835"), "{failed:?}");
    // Read to the end but not whole: listed as failed too (found by an adversarial sweep).
    for damaged in ["truncated", "missing_se", "missing_iea", "bad_segment_ids"] {
        let f = format!("fixtures/invalid/{damaged}.835");
        assert!(failed.contains(f.as_str()), "{f}: {failed:?}");
    }
    assert!(
        !failed.contains("fixtures/835/basic.835") && !failed.contains("fixtures/835/small.835")
    );
    for e in s["errors"].as_array().unwrap() {
        assert!(!e["message"].as_str().unwrap().is_empty(), "{e}");
    }
    let files: BTreeSet<&str> = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["file"].as_str().unwrap())
        .collect();
    assert!(files.contains("fixtures/835/basic.835") && files.contains("fixtures/835/small.835"));
    assert_eq!(s["claims_in"], s["claims_accounted"]);
    // The same rows for the good files as when they run alone, apart from the priority: a
    // denial that recurs in the broken files' claims counts as recurring.
    let alone = report(&[
        "--format",
        "json",
        "fixtures/835/basic.835",
        "fixtures/835/small.835",
    ])
    .json();
    let strip = |rows: Vec<&serde_json::Value>| -> Vec<serde_json::Value> {
        rows.into_iter()
            .map(|r| {
                let mut r = r.clone();
                let o = r.as_object_mut().unwrap();
                o.remove("priority");
                o.remove("priority_reasons");
                r
            })
            .collect()
    };
    let mine = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| !r["file"].as_str().unwrap().starts_with("fixtures/invalid/"))
        .collect();
    assert_eq!(
        strip(mine),
        strip(alone["rows"].as_array().unwrap().iter().collect())
    );
    // The summary on stderr names the failures too.
    assert!(
        out.stderr.contains("fixtures/invalid/garbage.835: "),
        "{}",
        out.stderr
    );
}

/// Regression (adversarial sweep, session 9): a file cut short inside its transaction set was
/// reported with exit 0 and no error, so the claims cut off vanished without a word. Its
/// complete claims are still counted, and the file is listed as failed with where it broke.
#[test]
fn a_truncated_835_is_a_failed_file_with_its_complete_claims_counted() {
    let out = report(&["--format", "json", "fixtures/invalid/truncated.835"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let v = out.json();
    let s = &v["summary"];
    assert_eq!(s["files_failed"], 1);
    assert_eq!(
        s["claims_in"], 2,
        "the two claims whose CLP precedes the cut"
    );
    assert_eq!(s["claims_in"], s["claims_accounted"]);
    let message = s["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("input ended inside a transaction set [missing_se]")
            && message.contains("at byte 985, segment 35"),
        "{message}"
    );
    // The same file whole is not an error.
    assert_eq!(report(&["fixtures/835/small.835"]).code, 0);
}

/// Regression (session 10): an amount that could not be read (`8,00`) was balanced and
/// assessed as 0 without a word, so a claim denied for $800 was reported as paid with exit 0.
/// Such a file now fails, with where, whether the claim was settled by the screen for paid
/// claims (the CAS amount) or read whole (the SVC charge of a denied line); its claims are
/// still counted and its other rows written.
#[test]
fn an_unreadable_amount_fails_its_file_with_where_it_is() {
    let small = std::fs::read_to_string(root().join("fixtures/835/small.835")).unwrap();
    for (from, to, at, denied, rows) in [
        (
            "CAS*CO*197*800~",
            "CAS*CO*197*8,00~",
            "at byte 1031, segment 37 (CAS), element 03",
            0,
            0,
        ),
        (
            "SVC*HC:73721:RT*800*0",
            "SVC*HC:73721:RT*8OO*0",
            "at byte 992, segment 35 (SVC), element 02",
            1,
            1,
        ),
    ] {
        assert_eq!(small.matches(from).count(), 1);
        let file = small.replace(from, to);
        let out = run_stdin(
            &["report", "--as-of", AS_OF, "--format", "json", "-"],
            file.as_bytes(),
        );
        assert_eq!(out.code, 1, "{to}: {}", out.stderr);
        let v = out.json();
        let s = &v["summary"];
        assert_eq!(
            (&s["files_failed"], &s["claims_in"], &s["claims_accounted"]),
            (&1.into(), &3.into(), &3.into()),
            "{to}"
        );
        assert_eq!(s["denied_claims"], denied, "{to}");
        assert_eq!(v["rows"].as_array().unwrap().len(), rows, "{to}");
        let message = s["errors"][0]["message"].as_str().unwrap();
        assert!(
            message.starts_with("an amount could not be read: error ")
                && message.contains(at)
                && message.contains("[invalid_value]")
                && !message.contains("QUINN"),
            "{message}"
        );
        // The same amounts `balance` cannot read.
        let out = run_stdin(&["balance", "-"], file.as_bytes());
        assert_eq!(out.code, 1);
        assert!(out.stdout.contains(at), "{}", out.stdout);
    }
}

/// Whether `denali balance` found amounts it could not read in `file`, and the first one's
/// byte offset.
fn first_unreadable_amount(file: &str) -> Option<u64> {
    let out = run(&["balance", "--format", "json", file]);
    out.stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .flat_map(|d| {
            d["unreadable_amounts"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .filter_map(|d| d["offset"].as_u64())
        .min()
}

/// Every 835 of the external corpus: each claim read is accounted for, and the claims read are
/// the CLP segments SOURCES.md counted (good files only; broken ones may stop early). A good
/// file fails exactly when `balance` finds an amount it cannot read, and names the first.
#[test]
fn external_claims_reconcile() {
    let Some(dir) = external() else { return };
    let list: Vec<_> = sources(&dir)
        .into_iter()
        .filter(|s| s.tx.contains("835"))
        .collect();
    assert!(
        list.len() >= 20,
        "SOURCES.md lists {} 835 files",
        list.len()
    );
    let mut all = Vec::new();
    let (mut expected_claims, mut unreadable) = (0, 0);
    for src in &list {
        let path = dir.join(&src.path);
        let p = path.to_str().unwrap();
        let out = report(&["--format", "json", p]);
        let s = &out.json()["summary"];
        assert_eq!(s["claims_in"], s["claims_accounted"], "{}: {s}", src.path);
        if src.tx == "835" && !src.path.contains("/invalid/") {
            assert_eq!(s["claims_in"], src.claims, "{}: {s}", src.path);
            if let Some(offset) = first_unreadable_amount(p) {
                unreadable += 1;
                assert_eq!(s["files_failed"], 1, "{}: {s}", src.path);
                let message = s["errors"][0]["message"].as_str().unwrap();
                assert!(
                    message.starts_with(&format!(
                        "an amount could not be read: error at byte {offset},"
                    )),
                    "{}: {message}",
                    src.path
                );
                continue;
            }
            assert_eq!(s["files_failed"], 0, "{}: {s}", src.path);
            assert_eq!(out.code, 0, "{}: {}", src.path, out.stderr);
            expected_claims += src.claims;
            all.push(path);
        }
    }
    // One sample has a line whose elements are shifted (SVC02 and SVC03 empty).
    assert_eq!(unreadable, 1);
    // The good files together, in parallel.
    let mut args = vec!["--format", "json", "--threads", "2"];
    args.extend(all.iter().map(|p| p.to_str().unwrap()));
    let out = report(&args);
    let s = &out.json()["summary"];
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(s["claims_in"], expected_claims);
    assert_eq!(s["claims_accounted"], expected_claims);
}

/// `--redact` masks the corrected member id (NM1*74 of PCN1009) in every format.
#[test]
fn redact_every_format() {
    const MEMBER_ID: &str = "W200000009";
    let mut seen_unredacted = false;
    for format in ["csv", "json", "ndjson", "markdown", "table", "html"] {
        let plain = report(&["--format", format, "fixtures/835/basic.835"]);
        seen_unredacted |= plain.stdout.contains(MEMBER_ID);
        let out = report(&["--redact", "--format", format, "fixtures/835/basic.835"]);
        assert_eq!(out.code, 0, "{format}: {}", out.stderr);
        for secret in [MEMBER_ID, "W100000009", "TAYLOR", "MORGAN"] {
            assert!(!out.stdout.contains(secret), "{format} shows {secret}");
            assert!(
                !out.stderr.contains(secret),
                "{format} stderr shows {secret}"
            );
        }
    }
    assert!(
        seen_unredacted,
        "the unredacted report should show {MEMBER_ID} somewhere"
    );
}

/// Regression (domain sweep, session 10): `--redact` masked the claim before it was assessed,
/// so the corrected member id of NM1*74 (the evidence for a corrected claim) read `***`, and
/// PCN1009 went from `corrected_claim` at priority 54 with a deadline to `bill_patient` at 28
/// with none. The claim is now assessed as sent and only the values shown are masked: every
/// column but the correction text is the same, and that text differs only where it named the
/// member.
#[test]
fn redact_masks_what_is_shown_not_what_is_concluded() {
    let rows = |redact: bool| -> Vec<Vec<String>> {
        let mut args = vec!["--format", "csv", "fixtures/835/basic.835"];
        if redact {
            args.insert(0, "--redact");
        }
        let out = report(&args);
        assert_eq!(out.code, 0, "{}", out.stderr);
        csv::Reader::from_reader(out.stdout.as_bytes())
            .records()
            .map(|r| r.unwrap().iter().map(str::to_string).collect())
            .collect()
    };
    let (plain, masked) = (rows(false), rows(true));
    assert_eq!(plain.len(), masked.len());
    let correction = 23;
    let mut changed = 0;
    for (p, m) in plain.iter().zip(&masked) {
        for (i, (a, b)) in p.iter().zip(m).enumerate() {
            if i != correction {
                assert_eq!(a, b, "column {i} of {}", p[6]);
            } else if a != b {
                changed += 1;
                assert_eq!(a.replace("W200000009", "***"), *b, "{}", p[6]);
            }
        }
    }
    assert_eq!(changed, 1, "only PCN1009's correction names a member");
    let pcn1009 = masked.iter().find(|r| r[6] == "PCN1009").unwrap();
    assert_eq!(
        (pcn1009[19].as_str(), pcn1009[22].as_str()),
        ("corrected_claim", "2025-05-04")
    );
}

#[test]
fn stdin_and_dash() {
    let bytes = std::fs::read(root().join("fixtures/835/small.835")).unwrap();
    for args in [
        &["report", "--as-of", AS_OF][..],
        &["report", "--as-of", AS_OF, "-"],
    ] {
        let out = run_stdin(args, &bytes);
        assert_eq!(out.code, 0, "{}", out.stderr);
        let from_file = report(&["fixtures/835/small.835"]);
        assert_eq!(
            out.stdout,
            from_file.stdout.replace("fixtures/835/small.835", "-")
        );
    }
}

#[test]
fn exit_codes() {
    let denials = report(&["--fail-on-denial", "fixtures/835/basic.835"]);
    assert_eq!(denials.code, 1);
    assert!(!denials.stdout.is_empty());
    for bad in [
        &["--as-of", "June 1st", "fixtures/835/basic.835"][..],
        &["--threads", "0", "fixtures/835/basic.835"],
        &["--format", "pdf", "fixtures/835/basic.835"],
        &[
            "--payer-rules",
            "fixtures/835/does-not-exist.toml",
            "fixtures/835/basic.835",
        ],
        &[
            "--rules",
            "fixtures/835/basic.835",
            "fixtures/835/basic.835",
        ],
        &["--no-such-flag"],
    ] {
        let mut args = vec!["report"];
        args.extend_from_slice(bad);
        let out = run(&args);
        assert_eq!(out.code, 2, "{bad:?}: {}", out.stderr);
        assert!(out.stdout.is_empty(), "{bad:?}");
        assert!(!out.stderr.is_empty(), "{bad:?}");
    }
}

/// `-o report.html` writes HTML (format from the extension); nothing goes to stdout.
#[test]
fn output_file() {
    let dir = std::env::temp_dir().join(format!("denali-report-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("report.html");
    let out = report(&["-o", path.to_str().unwrap(), "fixtures/835/basic.835"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.is_empty());
    let html = std::fs::read_to_string(&path).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert_eq!(
        html,
        report(&["--format", "html", "fixtures/835/basic.835"]).stdout
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A reader that stops early (`| head -c 10`) is not an error.
#[test]
fn broken_pipe_is_success() {
    let mut args = vec!["report", "--as-of", AS_OF, "--format", "csv"];
    args.extend(std::iter::repeat_n("fixtures/835/large_200.835", 20));
    crate::parse::head_10(denali(&args));
}

/// The same answer with one thread and with several.
#[test]
fn threads_do_not_change_output() {
    let one = report(&["--threads", "1", "--format", "json", "fixtures/835"]);
    let two = report(&["--threads", "2", "--format", "json", "fixtures/835"]);
    assert_eq!(one.stdout, two.stdout);
}

/// One input with two threads is read on one thread and assessed on the other, claims passing
/// between them in batches: the same rows in the same order, and the same summary, as one
/// thread. (Several files per thread are not pipelined, so the test above does not cover it.)
#[test]
fn a_single_input_read_beside_its_assessment_gives_the_same_report() {
    for file in [
        "fixtures/835/large_200.835",
        "fixtures/835/multi_st.835",
        "fixtures/835/recoup_forward_balance.835",
        "fixtures/835/basic.835",
    ] {
        for extra in [
            &["--format", "csv", "--all-claims"][..],
            &["--format", "json", "--redact"][..],
        ] {
            let with = |threads| {
                let mut args = vec!["--threads", threads];
                args.extend_from_slice(extra);
                args.push(file);
                report(&args)
            };
            let (one, two) = (with("1"), with("2"));
            assert_eq!(one.code, 0, "{file} {extra:?}: {}", one.stderr);
            assert!(one.stdout.len() > 100, "{file} {extra:?}");
            assert_eq!(one.stdout, two.stdout, "{file} {extra:?}");
            assert_eq!(one.stderr, two.stderr, "{file} {extra:?}");
        }
    }
}

/// An 835 in 80-column records (line breaks inside segments) gives the report of the same file
/// without line breaks, and `validate` says that it was wrapped.
#[test]
fn a_wrapped_835_gives_the_report_of_the_unwrapped_file() {
    for file in ["fixtures/835/basic.835", "fixtures/835/large_200.835"] {
        let bytes = std::fs::read(root().join(file)).expect("fixture");
        let (flat, wrapped) = flat_and_wrapped(&bytes, 80);
        let args = [
            "report",
            "--as-of",
            AS_OF,
            "--format",
            "csv",
            "--all-claims",
            "-",
        ];
        let want = run_stdin(&args, &flat);
        let got = run_stdin(&args, &wrapped);
        assert_eq!(want.code, 0, "{file}: {}", want.stderr);
        assert_eq!(got.code, want.code, "{file}: {}", got.stderr);
        assert!(want.stdout.lines().count() > 10, "{file}");
        assert_eq!(got.stdout, want.stdout, "{file}");
        let args = ["validate", "-"];
        let v = run_stdin(&args, &wrapped);
        assert!(
            v.stdout.contains("wrapped at 80 columns") && v.stdout.contains("[wrapped_lines]"),
            "{file}: {}",
            v.stdout
        );
    }
}

/// Regression (domain sweep, session 10): two identical institutional span claims (DTM*232
/// 2024-01-01, DTM*233 2024-02-29, CO-16 N290) got timely-filing deadlines two months apart:
/// at claim level the window counted from the through date, on a line without its own date from
/// the from date. Both count from the through date now.
///
/// Regression (sweep, session 11): a line with its own date (DTM*472, the from date) still
/// counted from it; an institutional claim is filed whole, so it counts from the through date
/// too.
#[test]
fn an_undated_line_of_a_span_claim_counts_from_the_through_date() {
    let claim = |pcn: &str, line: Option<&str>| {
        let cas = "CAS*CO*16*1000~";
        format!(
            "CLP*{pcn}*1*1000*0**MA*I{pcn}*13*1~NM1*QC*1*PAT*A****MI*M1~MIA*0***0*N290~\
             DTM*232*20240101~DTM*233*20240229~{}{}",
            line.unwrap_or(""),
            cas
        )
    };
    let body = format!(
        "BPR*I*0*C*NON************20241101~TRN*1*EFT0001*1MCRA~N1*PR*TEST PAYER*XV*MCRA~\
         N1*PE*TEST CLINIC*XX*1900000013~LX*1~{}{}",
        claim("IA1", Some("SVC*NU:0450*1000*0**1~")),
        claim("IA2", None),
    ) + &claim("IA3", Some("SVC*NU:0450*1000*0**1~DTM*472*20240101~"));
    let file = one_835(&body);
    let out = run_stdin(
        &["report", "--as-of", "2024-12-01", "--format", "json", "-"],
        file.as_bytes(),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v = out.json();
    let rows = v["rows"].as_array().unwrap();
    let deadline = |pcn: &str| {
        rows.iter()
            .find(|r| r["patient_control_number"] == pcn)
            .map(|r| r["deadline"].as_str().unwrap().to_string())
            .unwrap()
    };
    assert_eq!(rows.len(), 3);
    assert_eq!(deadline("IA1"), deadline("IA2"));
    assert_eq!(deadline("IA3"), deadline("IA2"));
    assert!(
        deadline("IA2").starts_with("2025-02-2"),
        "{}",
        deadline("IA2")
    );
}

/// `body` (BPR to the last claim, `~`-terminated) in an interchange of one 835 set.
fn one_835(body: &str) -> String {
    let segments = body.matches('~').count() + 2;
    format!(
        "ISA*00*          *00*          *ZZ*PAYER          *ZZ*CLINIC         *250314*0930*^*00501*000000101*0*T*:~\
         GS*HP*PAYER*CLINIC*20250314*0930*101*X*005010X221A1~ST*835*0001~{body}SE*{segments}*0001~GE*1*101~IEA*1*000000101~"
    )
}

/// Regression (domain sweep, session 10): a claim the payer forwarded to another (CLP02 = 23,
/// OA-109) was routed `bill_other_payer` at the file's top priority with a filing deadline,
/// inviting a duplicate claim; a predetermination (CLP02 = 25, pricing only) was a denied claim
/// with an appeal deadline. Neither is an adjudication: the forwarded claim waits, the
/// predetermination needs nothing, and no deadline runs for either.
#[test]
fn forwarded_claims_predeterminations_and_empty_denials_start_no_work() {
    let body = "BPR*I*0*C*NON************20250314~TRN*1*EFT0001*1SUMMIT01~\
                N1*PR*TEST PAYER*XV*SUMMIT01~N1*PE*TEST CLINIC*XX*1900000013~LX*1~\
                CLP*PD1*25*500*0**12*IPD1*11*1~NM1*QC*1*PAT*A****MI*M1~SVC*HC:27447*500*0**1~\
                DTM*472*20250110~CAS*CO*50*500~\
                CLP*NF1*23*200*0**12*INF1*11*1~NM1*QC*1*PAT*B****MI*M2~\
                NM1*PR*2*OTHER PLAN*****PI*OTH01~SVC*HC:99213*200*0**1~DTM*472*20250110~\
                CAS*OA*109*200~\
                CLP*AD1*1*300*0**12*IAD1*11*1~NM1*QC*1*PAT*C****MI*M3~SVC*HC:27447*300*0**1~\
                DTM*472*20250110~CAS*CO*50*300~\
                CLP*D4*4*130*0**12*ID4*11*1~NM1*QC*1*PAT*D****MI*M4~CAS*CO*45*130~";
    let out = run_stdin(
        &["report", "--as-of", "2025-04-01", "--format", "json", "-"],
        one_835(body).as_bytes(),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v = out.json();
    let row = |pcn: &str| {
        v["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["patient_control_number"] == pcn)
            .cloned()
            .unwrap()
    };
    let (pd, nf, ad) = (row("PD1"), row("NF1"), row("AD1"));
    assert_eq!(
        (
            pd["route"].as_str(),
            pd["deadline"].as_str(),
            pd["outcome"].as_str()
        ),
        (Some("no_action"), Some(""), Some("pending"))
    );
    assert_eq!(
        (
            nf["route"].as_str(),
            nf["deadline"].as_str(),
            nf["outcome"].as_str()
        ),
        (Some("wait"), Some(""), Some("pending"))
    );
    assert!(
        nf["correction"]
            .as_str()
            .unwrap()
            .starts_with("CLP02 = 23: the payer forwarded")
    );
    // The same denial on an adjudicated claim is still one to appeal, and ranks above both.
    assert_eq!(
        (ad["route"].as_str(), ad["outcome"].as_str()),
        (Some("appeal"), Some("denied"))
    );
    assert!(!ad["deadline"].as_str().unwrap().is_empty());
    let prio = |r: &serde_json::Value| r["priority"].as_str().unwrap().parse::<u32>().unwrap();
    assert!(prio(&ad) > prio(&pd) && prio(&ad) > prio(&nf));
    // Regression (same sweep): CLP02 = 4 whose CO-45 covers the whole charge gave a $0
    // "denial" routed to a corrected claim. Nothing is left to recover: a person reviews it.
    let d4 = row("D4");
    assert_eq!(
        (d4["amount"].as_str(), d4["route"].as_str()),
        (Some("0"), Some("review"))
    );
}

/// Regression (sweep, session 11): `report --strict` (and `track ingest --strict`) passed an
/// unbalanced claim with exit 0, although `--strict` makes "every diagnostic, warnings
/// included" fatal and `validate --strict` fails the file. The balancing warnings now fail the
/// input under `--strict`, naming the first; without it they are counted as before.
#[test]
fn strict_fails_a_file_whose_balancing_fails() {
    let strict = report(&[
        "--strict",
        "--format",
        "json",
        "fixtures/835/unbalanced_claim.835",
    ]);
    assert_eq!(strict.code, 1, "{}", strict.stderr);
    let v = strict.json();
    assert_eq!(v["summary"]["files_failed"], 1);
    let message = v["summary"]["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.starts_with(
            "--strict: a balancing rule failed: warning at byte 623, segment 20 (CLP), element 04"
        ),
        "{message}"
    );
    let lenient = report(&["--format", "json", "fixtures/835/unbalanced_claim.835"]);
    assert_eq!(lenient.code, 0, "{}", lenient.stderr);
    assert_eq!(lenient.json()["summary"]["balancing_diagnostics"], 1);
}

/// Regression (CSV injection): a payer name or CLP01 that a spreadsheet runs as a formula was
/// written as is, so opening the report in Excel ran the sender's `=HYPERLINK(...)`. The CSV
/// prefixes such text with an apostrophe; negative amounts stay numbers; JSON keeps the value.
#[test]
fn csv_text_a_spreadsheet_would_run_is_quoted() {
    let segs = [
        "ISA*00*          *00*          *ZZ*PAYER          *ZZ*PROVIDER       *250601*1200*^*00501*000000001*0*P*:",
        "GS*HP*PAYER*PROVIDER*20250601*1200*1*X*005010X221A1",
        "ST*835*0001",
        "BPR*I*0*C*NON************20250601",
        "TRN*1*CHK001*1999999999",
        "N1*PR*=HYPERLINK(\"http://example.test\",\"open\")",
        "N1*PE*CLINIC*XX*1234567893",
        "LX*1",
        "CLP*@SUM(1+1)*4*100*0**12*-ICN1*11*1",
        "CAS*CO*197*100",
        "SE*10*0001",
        "GE*1*1",
        "IEA*1*000000001",
    ];
    let file = segs.join("~\n") + "~\n";
    let out = crate::util::run_stdin(
        &["report", "--format", "csv", "--as-of", "2025-07-01", "-"],
        file.as_bytes(),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let mut rows = csv::Reader::from_reader(out.stdout.as_bytes());
    let header = rows.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let records: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 1);
    let r = &records[0];
    assert_eq!(
        &r[col("payer_name")],
        "'=HYPERLINK(\"http://example.test\",\"open\")"
    );
    assert_eq!(&r[col("patient_control_number")], "'@SUM(1+1)");
    assert_eq!(&r[col("payer_claim_control_number")], "'-ICN1");
    assert_eq!(&r[col("amount")], "100");
    let out = crate::util::run_stdin(
        &["report", "--format", "ndjson", "--as-of", "2025-07-01", "-"],
        file.as_bytes(),
    );
    let row = &out.json_lines()[0];
    assert_eq!(row["patient_control_number"], "@SUM(1+1)");
}
