//! `denali track`: ingest, the work queue, states by hand, counts; a batch with a broken file
//! stores nothing.

use crate::util::{Out, TempDir, run};

/// A fresh directory for one test's store (`t.db` in it, [`TempDir::path`]).
struct Dir(TempDir);

impl Dir {
    fn new(name: &str) -> Dir {
        Dir(TempDir::new(&format!("track-{name}")))
    }

    fn db(&self) -> String {
        self.0.path("t.db")
    }
}

fn track(db: &str, args: &[&str]) -> Out {
    let mut all = vec!["track", "--db", db];
    all.extend_from_slice(args);
    run(&all)
}

#[test]
fn ingest_queue_and_states() {
    let dir = Dir::new("basic");
    let db = dir.db();
    let out = track(
        &db,
        &["ingest", "--as-of", "2025-01-01", "fixtures/835/basic.835"],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("14 rows read: 14 stored, 0 skipped"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("stored 1 remittances, 14 claims, 9 denials"),
        "{}",
        out.stdout
    );
    // The report's summary, for the same reconciliation as `denali report`.
    assert!(
        out.stderr.contains("claims accounted for   14"),
        "{}",
        out.stderr
    );

    let out = track(&db, &["open", "--as-of", "2025-01-01", "--format", "csv"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 10, "header and nine denials: {}", out.stdout);
    assert!(lines[0].starts_with("id,state,resolution,payer_id,"));
    assert!(lines[1..].iter().all(|l| l.contains(",open,")));
    // Nearest deadline first: the table shows the same order, with a count.
    let table = track(&db, &["open", "--as-of", "2025-01-01"]);
    assert!(
        table.stdout.ends_with("9 pending denials\n"),
        "{}",
        table.stdout
    );
    let first_id = lines[1].split(',').next().expect("id");

    // The same file again adds nothing.
    let out = track(
        &db,
        &["ingest", "--as-of", "2025-01-01", "fixtures/835/basic.835"],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("14 rows read: 0 stored, 14 skipped"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains(
            "skipped 1 remittances already stored (1 by an earlier ingest, 0 earlier in this batch)"
        ),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains(
            "  fixtures/835/basic.835: trace EFT0001001, payer SUMMIT01, paid 2025-03-14, 14 claims: the payment stored from fixtures/835/basic.835"
        ),
        "{}",
        out.stdout
    );

    let out = track(&db, &["set", first_id, "appealed", "--note", "sent"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, format!("denial {first_id}: open -> appealed\n"));
    let out = track(&db, &["stats", "--as-of", "2025-01-01", "--json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    assert_eq!(v["remittances"], 1);
    assert_eq!(v["claims"], 14);
    assert_eq!(v["by_state"][0]["state"], "open");
    assert_eq!(v["by_state"][0]["count"], 8);
    assert_eq!(v["by_state"][1]["state"], "appealed");
    assert_eq!(v["by_state"][1]["count"], 1);
    // Nothing is overdue on the day the deadlines were counted from.
    assert_eq!(v["overdue"], 0);
    let later = track(&db, &["stats", "--as-of", "2026-01-01", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&later.stdout).expect("json");
    assert_eq!(
        v["overdue"], 6,
        "the six denials with a deadline are past it"
    );

    let out = track(&db, &["set", "9999", "resolved"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("no denial with id 9999"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_batch_with_a_broken_file_stores_nothing() {
    let dir = Dir::new("broken");
    let db = dir.db();
    let broken = dir.0.0.join("broken.835");
    std::fs::write(&broken, b"this is not an X12 file").expect("write");
    let out = track(
        &db,
        &[
            "ingest",
            "--as-of",
            "2025-01-01",
            "fixtures/835/basic.835",
            &broken.display().to_string(),
        ],
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("nothing stored: 1 of 2 inputs failed"),
        "{}",
        out.stderr
    );
    let out = track(&db, &["stats", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    assert_eq!(v["remittances"], 0);
    // Without the broken file, the batch goes in.
    let out = track(
        &db,
        &["ingest", "--as-of", "2025-01-01", "fixtures/835/basic.835"],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
}

/// Regression (adversarial sweep, session 9): a truncated remittance was stored as if whole,
/// and the complete file, ingested later, then read as a second payment under the same trace
/// number. A damaged file now stores nothing.
#[test]
fn a_truncated_remittance_is_not_stored() {
    let dir = Dir::new("truncated");
    let db = dir.db();
    let out = track(
        &db,
        &[
            "ingest",
            "--as-of",
            "2025-01-01",
            "fixtures/invalid/truncated.835",
        ],
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("nothing stored: 1 of 1 inputs failed")
            && out.stderr.contains("[missing_se]"),
        "{}",
        out.stderr
    );
    let out = track(&db, &["stats", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    assert_eq!(v["remittances"], 0);
}

/// `--redact` keeps member ids out of the stored correction proposals, as in the report.
#[test]
fn redacted_ingest_stores_no_member_id() {
    let dir = Dir::new("redact");
    let plain = dir.0.0.join("plain.db").display().to_string();
    let masked = dir.0.0.join("masked.db").display().to_string();
    for (db, flag) in [(&plain, None), (&masked, Some("--redact"))] {
        let mut args = vec!["ingest", "--as-of", "2025-01-01"];
        args.extend(flag);
        args.push("fixtures/835/basic.835");
        let out = track(db, &args);
        assert_eq!(out.code, 0, "{}", out.stderr);
    }
    let open = |db: &str| track(db, &["open", "--as-of", "2025-01-01", "--format", "json"]).stdout;
    // The payer's corrected member id for PCN1009 (NM1*74), quoted in its correction.
    assert!(open(&plain).contains("W200000009"));
    let masked = open(&masked);
    assert!(!masked.contains("W200000009"), "{masked}");
    assert!(masked.contains("PCN1009"));
}

/// `denali correct --track` marks the denials of the claims it wrote `resubmitted`, with the
/// file sent; the others stay open.
#[test]
fn correct_marks_written_claims_resubmitted() {
    let dir = Dir::new("correct");
    let db = dir.db();
    let remits = [
        "fixtures/correct/summit.835",
        "fixtures/correct/northern.835",
    ];
    let mut args = vec!["ingest", "--as-of", "2025-06-01"];
    args.extend(remits);
    assert_eq!(track(&db, &args).code, 0);
    let out_dir = dir.0.0.join("corrected").display().to_string();
    let out = run(&[
        "correct",
        "--remit",
        remits[0],
        remits[1],
        "--claims",
        "fixtures/correct/clinic-837p.837",
        "fixtures/correct/hospital-837i.837",
        "--edits",
        "fixtures/correct/edits.toml",
        "--payer-rules",
        "fixtures/correct/payer-rules.toml",
        "--as-of",
        "2025-06-01",
        "--out",
        &out_dir,
        "--track",
        &db,
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("14 denied: 10 written"),
        "{}",
        out.stderr
    );
    let line = out
        .stderr
        .lines()
        .find(|l| l.starts_with("tracked: "))
        .expect("a tracked line");
    let marked: usize = line["tracked: ".len()..]
        .split(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .expect("a count");
    assert!(line.contains("of 10 written claims"), "{line}");
    let open = track(&db, &["open", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&open.stdout).expect("json");
    let rows = v.as_array().expect("array");
    let resubmitted: Vec<&serde_json::Value> = rows
        .iter()
        .filter(|d| d["state"] == "resubmitted")
        .collect();
    assert_eq!(resubmitted.len(), marked);
    assert!(marked >= 10, "every written claim had at least one denial");
    assert!(resubmitted.iter().all(|d| {
        d["note"]
            .as_str()
            .is_some_and(|n| n.starts_with("corrected claim written: corrected-837"))
    }));
    assert!(
        rows.iter().any(|d| d["state"] == "open"),
        "worklisted claims stay open"
    );
}

/// A file that is not a store is named, and left as it was.
#[test]
fn a_file_that_is_not_a_store_is_refused() {
    let dir = Dir::new("notdb");
    let path = dir.0.0.join("notes.txt");
    let text = "these are someone's notes, not a database\n".repeat(100);
    std::fs::write(&path, &text).expect("write");
    let out = track(&path.display().to_string(), &["stats"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("notes.txt: tracking store:"),
        "{}",
        out.stderr
    );
    assert!(
        !out.stderr.contains("someone"),
        "no file content in the message"
    );
    assert_eq!(std::fs::read_to_string(&path).expect("read"), text);
}

/// The external samples in one ingest: every row is stored or skipped as a payment already
/// stored (libraries copy each other's examples), and nothing fails. The one sample with
/// amounts that cannot be read (a line whose elements are shifted) keeps its batch out.
#[test]
fn the_external_samples_go_in_whole() {
    let Some(dir) = crate::util::external() else {
        return;
    };
    let (files, unreadable): (Vec<String>, Vec<String>) = crate::util::sources(&dir)
        .into_iter()
        .filter(|s| s.tx.contains("835") && !s.tx.contains("invalid"))
        .map(|s| dir.join(&s.path).display().to_string())
        .partition(|f| !f.ends_with("blue_cross_nc_sample.txt"));
    assert!(files.len() > 10);
    assert_eq!(unreadable.len(), 1);
    let store = Dir::new("external");
    let db = store.db();
    let mut args = vec!["ingest", "--as-of", "2025-01-01"];
    args.extend(files.iter().chain(&unreadable).map(String::as_str));
    let out = track(&db, &args);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let said = format!("{}{}", out.stdout, out.stderr);
    assert!(
        said.contains("blue_cross_nc_sample.txt: an amount could not be read: error at byte 636"),
        "{said}"
    );
    args.truncate(args.len() - 1);
    let out = track(&db, &args);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let first = out.stdout.lines().next().expect("a counts line");
    let n: Vec<u64> = first
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|w| w.parse().ok())
        .collect();
    assert_eq!(n.len(), 3, "{first}");
    assert_eq!(n[0], n[1] + n[2], "rows read = stored + skipped: {first}");
    assert!(n[1] > 0, "{first}");
    // A second ingest of the same files stores nothing.
    let again = track(&db, &args);
    assert!(
        again
            .stdout
            .starts_with(&format!("{} rows read: 0 stored, {} skipped", n[0], n[0])),
        "{}",
        again.stdout
    );
}

/// Regression (CSV injection): a note typed by a person (or text from a remittance) that a
/// spreadsheet would run as a formula was exported as is by `open --format csv`.
#[test]
fn open_csv_quotes_text_a_spreadsheet_would_run() {
    let dir = Dir::new("formula");
    let db = dir.db();
    let out = track(
        &db,
        &["ingest", "--as-of", "2025-01-01", "fixtures/835/basic.835"],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = track(&db, &["open", "--as-of", "2025-01-01", "--format", "csv"]);
    let id = out
        .stdout
        .lines()
        .nth(1)
        .and_then(|l| l.split(',').next())
        .unwrap()
        .to_string();
    let out = track(&db, &["set", &id, "appealed", "--note", "=1+2"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = track(&db, &["open", "--as-of", "2025-01-01", "--format", "csv"]);
    let mut rows = csv::Reader::from_reader(out.stdout.as_bytes());
    let note = rows
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "note")
        .unwrap();
    let notes: Vec<String> = rows
        .records()
        .map(|r| r.unwrap()[note].to_string())
        .filter(|n| !n.is_empty())
        .collect();
    assert_eq!(notes, ["'=1+2"]);
    let out = track(&db, &["open", "--as-of", "2025-01-01", "--format", "json"]);
    assert!(out.stdout.contains("\"note\": \"=1+2\""), "{}", out.stdout);
}

/// `track open` reads each deadline on its `--as-of` day: ingested while the filing window
/// was open, a corrected claim's denial shows the appeal window once the filing window has
/// closed (regression: it showed the closed filing window, and `--due-within` missed it).
/// Goes through the report's spill, which carries the later window.
#[test]
fn open_reads_deadlines_on_its_own_day() {
    let dir = Dir::new("deadline-day");
    let db = dir.db();
    let segs = [
        "ISA*00*          *00*          *ZZ*PAYER          *ZZ*CLINIC         *240301*1200*^*00501*000000001*0*P*:",
        "GS*HP*P*C*20240301*1200*1*X*005010X221A1",
        "ST*835*0001",
        "BPR*I*0*C*NON************20240301",
        "TRN*1*T9*1999999999",
        "N1*PR*TEST PLAN",
        "REF*2U*PAYER1",
        "N1*PE*TEST CLINIC*XX*1999999984",
        "LX*1",
        "CLP*PCN-Z*1*100*0**12*ICNZ*11*1",
        "CAS*CO*197*100",
        "DTM*232*20240215",
        "SE*12*0001",
        "GE*1*1",
        "IEA*1*000000001",
    ];
    let file = dir.0.path("z.835");
    std::fs::write(&file, segs.join("~\n") + "~\n").expect("write");
    let out = track(&db, &["ingest", "--as-of", "2024-05-01", &file]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let deadline = |as_of: &str, extra: &[&str]| {
        let mut args = vec!["open", "--as-of", as_of, "--format", "csv"];
        args.extend_from_slice(extra);
        let out = track(&db, &args);
        assert_eq!(out.code, 0, "{}", out.stderr);
        let mut rows = csv::Reader::from_reader(out.stdout.as_bytes());
        let col = rows
            .headers()
            .unwrap()
            .iter()
            .position(|h| h == "deadline")
            .expect("a header, even without rows");
        rows.records()
            .map(|r| r.unwrap()[col].to_string())
            .collect::<Vec<_>>()
    };
    // Filing: 90 days from 15 February; appeal: 180 days after the remit date plus 5 for mail.
    assert_eq!(deadline("2024-05-01", &[]), ["2024-05-15"]);
    assert_eq!(deadline("2024-05-16", &[]), ["2024-08-28"]);
    assert_eq!(
        deadline("2024-08-20", &["--due-within", "10"]),
        ["2024-08-28"]
    );
    assert!(deadline("2024-05-16", &["--due-within", "10"]).is_empty());
    let out = track(&db, &["stats", "--as-of", "2024-05-16"]);
    assert!(
        out.stdout.contains("overdue on 2024-05-16: 0\n"),
        "{}",
        out.stdout
    );
    let out = track(&db, &["stats", "--as-of", "2024-08-29"]);
    assert!(
        out.stdout.contains("overdue on 2024-08-29: 1\n"),
        "{}",
        out.stdout
    );
    // The table says the same.
    let out = track(&db, &["open", "--as-of", "2024-05-16"]);
    assert!(
        out.stdout.contains("2024-08-28") && !out.stdout.contains("overdue"),
        "{}",
        out.stdout
    );
}
