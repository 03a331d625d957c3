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
    run_on(
        &[
            Path::new("fixtures/correct/summit.835"),
            Path::new("fixtures/correct/northern.835"),
        ],
        claims,
        out,
        extra,
    )
}

/// [`run`] with other remittances and original 837s.
fn run_on(remits: &[&Path], claims: &[&Path], out: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_denali"))
        .current_dir(root())
        .arg("correct")
        .arg("--remit")
        .args(remits)
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
    // Without the edits file, seven more claims wait for a person.
    assert_eq!(wl.as_array().unwrap().len(), 11);

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
        .arg(dir.join("one-missing"))
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(1),
        "a missing input fails the run but not the others"
    );
    assert!(dir.join("one-missing/corrected-837P-0001.x12").is_file());
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

/// The row of `claim` in `dir/claims.csv`, as its columns.
fn claims_row(dir: &Path, claim: &str) -> Vec<String> {
    let text = std::fs::read_to_string(dir.join("claims.csv")).expect("claims.csv");
    let mut rows = csv::Reader::from_reader(text.as_bytes());
    rows.records()
        .map(|r| r.expect("a CSV row"))
        .find(|r| r.get(0) == Some(claim))
        .map(|r| r.iter().map(str::to_string).collect())
        .unwrap_or_else(|| panic!("{claim} not in claims.csv:\n{text}"))
}

/// The corrected 837 files `dir` holds, by name.
fn written(dir: &Path) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "x12"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

/// Regression (adversarial sweep, session 10): an 835 claim was matched to an 837 by CLM01
/// alone, so a denial from one payer became a replacement claim sent to another (with the
/// first payer's claim number in REF*F8), and of a claim billed to the primary and then the
/// secondary payer the last file read was corrected, whichever payer denied it. The original
/// must now have been sent to the payer that denied it (its 2010BB id or name agrees).
#[test]
fn a_denial_is_corrected_on_the_837_sent_to_the_payer_that_denied_it() {
    let dir = out_dir("payer");
    std::fs::create_dir_all(&dir).unwrap();
    let summit = Path::new("fixtures/correct/summit.835");
    let primary = root().join("fixtures/correct/clinic-837p.837");
    let text = std::fs::read_to_string(&primary).unwrap();
    let to_summit = "NM1*PR*2*SUMMIT HEALTH PLAN*****PI*SUMMIT01~";
    assert_eq!(text.matches(to_summit).count(), 13);
    let secondary = dir.join("to-northern.837");
    std::fs::write(
        &secondary,
        text.replace(
            to_summit,
            "NM1*PR*2*NORTHERN MUTUAL INSURANCE*****PI*NMI0001~",
        )
        .replace("SBR*P*", "SBR*S*"),
    )
    .unwrap();

    // The primary payer's denials against the 837s sent to the secondary only: none is
    // corrected, each says why.
    let out = dir.join("secondary-only");
    let o = run_on(&[summit], &[&secondary], &out, &[]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(written(&out).is_empty(), "nothing is written");
    let row = claims_row(&out, "PCN7002");
    assert_eq!(row[6], "worklisted");
    assert!(
        row[11].starts_with("original 837 sent to another payer: CLM01 PCN7002 went to NORTHERN MUTUAL INSURANCE, not to SUMMIT HEALTH PLAN"),
        "{}",
        row[11]
    );

    // Both 837s, in either order: the same files as from the primary's alone, and a note.
    let alone = dir.join("primary-only");
    let o = run_on(&[summit], &[&primary], &alone, &[]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let want = written(&alone);
    assert!(!want.is_empty());
    assert_eq!(claims_row(&alone, "PCN7002")[6], "written");
    for (name, claims) in [
        ("both", [&primary, &secondary]),
        ("both-reversed", [&secondary, &primary]),
    ] {
        let out = dir.join(name);
        let o = run_on(
            &[summit],
            &[claims[0].as_path(), claims[1].as_path()],
            &out,
            &[],
        );
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert_eq!(written(&out), want, "{name}");
        let row = claims_row(&out, "PCN7002");
        assert_eq!(row[6], "written", "{name}");
        assert!(
            row[9].contains(".x12") && !row[11].contains("last one read"),
            "{name}: {row:?}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Regression (adversarial sweep, session 10): a denial was corrected even when a later
/// remittance had paid the claim in full, inviting a recoupment; only a later denial counted as
/// superseding it. Any later adjudication does now, by payment date whatever the file order.
#[test]
fn a_claim_paid_by_a_later_remittance_is_not_corrected() {
    let dir = out_dir("later-paid");
    std::fs::create_dir_all(&dir).unwrap();
    let body = [
        "ST*835*0001",
        "BPR*I*150*C*CHK************20250401",
        "TRN*1*CHK0009001*1990000901",
        "DTM*405*20250331",
        "N1*PR*SUMMIT HEALTH PLAN",
        "REF*2U*SUMMIT01",
        "N1*PE*DENALI FAMILY CLINIC*XX*1900000013",
        "LX*1",
        "CLP*PCN7002*1*150*150**12*2509000007002*11*1",
        "SVC*HC:97110*150*150**1",
        "DTM*472*20250203",
    ];
    let mut segs = vec![
        "ISA*00*          *00*          *ZZ*SUMMITHP       *ZZ*DENALICLINIC   *250401*0930*^*00501*000009001*0*T*:".to_string(),
        "GS*HP*SUMMITHP*DENALICLINIC*20250401*0930*9001*X*005010X221A1".to_string(),
    ];
    segs.extend(body.iter().map(|s| s.to_string()));
    segs.push(format!("SE*{}*0001", body.len() + 1));
    segs.push("GE*1*9001".to_string());
    segs.push("IEA*1*000009001".to_string());
    let later = dir.join("later.835");
    std::fs::write(&later, segs.join("~\n") + "~\n").unwrap();
    let summit = root().join("fixtures/correct/summit.835");
    let primary = Path::new("fixtures/correct/clinic-837p.837");
    for (name, remits) in [
        ("in-order", [&summit, &later]),
        ("later-first", [&later, &summit]),
    ] {
        let out = dir.join(name);
        let o = run_on(
            &[remits[0].as_path(), remits[1].as_path()],
            &[primary],
            &out,
            &[],
        );
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(0), "{err}");
        assert!(
            !err.contains("read with"),
            "the later 835 reads cleanly: {err}"
        );
        let row = claims_row(&out, "PCN7002");
        assert_eq!(
            (row[6].as_str(), row[11].as_str()),
            ("skipped", "superseded: a later remittance pays this claim"),
            "{name}"
        );
        assert!(
            written(&out)
                .iter()
                .all(|(_, t)| !t.contains("CLM*PCN7002*")),
            "{name}"
        );
        // The other denials are corrected as before.
        assert_eq!(claims_row(&out, "PCN7003")[6], "written", "{name}");
    }
    // A paid part in the same remittance (a payer that splits a claim sends both under one
    // CLM01) supersedes nothing.
    let text = std::fs::read_to_string(&summit).unwrap();
    let next = "CLP*PCN7003*";
    assert_eq!(text.matches(next).count(), 1);
    let split = text.replacen(
        next,
        &format!("CLP*PCN7002*1*60*60**12*2508000007092*11*1~\nSVC*HC:97110*60*60**1~\n{next}"),
        1,
    );
    let se = split
        .lines()
        .find(|l| l.starts_with("SE*"))
        .unwrap()
        .to_string();
    let count: usize = se.split('*').nth(1).unwrap().parse().unwrap();
    let split = split.replace(
        &se,
        &se.replacen(&count.to_string(), &(count + 2).to_string(), 1),
    );
    let split_835 = dir.join("split.835");
    std::fs::write(&split_835, split).unwrap();
    let out = dir.join("split");
    let o = run_on(&[split_835.as_path()], &[primary], &out, &[]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(!err.contains("read with"), "{err}");
    assert_eq!(claims_row(&out, "PCN7002")[6], "written");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Regression (adversarial sweep, session 10): around an original without an envelope (ST to
/// SE only), the new 5010 ISA had ISA11 `U`, the 4010 code, which a 5010 reader takes for the
/// repetition separator and so splits `UN` (units) in two. ISA11 is now a separator the
/// claim's bytes never use.
#[test]
fn a_claim_without_envelope_gets_a_free_repetition_separator() {
    let dir = out_dir("bare");
    std::fs::create_dir_all(&dir).unwrap();
    let text = std::fs::read_to_string(root().join("fixtures/correct/clinic-837p.837")).unwrap();
    let bare: Vec<&str> = text
        .split('~')
        .map(str::trim)
        .filter(|s| {
            !s.is_empty()
                && !["ISA", "GS*", "GE*", "IEA"]
                    .iter()
                    .any(|p| s.starts_with(p))
        })
        .collect();
    let bare = bare.join("~\n") + "~\n";
    assert!(bare.starts_with("ST*837*") && !text.contains("SUMMIT HEALTH^PLAN"));
    let with_caret = bare.replace("SUMMIT HEALTH PLAN", "SUMMIT HEALTH^PLAN");
    let summit = Path::new("fixtures/correct/summit.835");
    for (name, file, isa11) in [("bare", &bare, "^"), ("caret", &with_caret, "!")] {
        let original = dir.join(format!("{name}.837"));
        std::fs::write(&original, file).unwrap();
        let out = dir.join(name);
        let o = run_on(&[summit], &[&original], &out, &[]);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        let files = written(&out);
        assert!(!files.is_empty(), "{name}");
        for (f, t) in files {
            let isa: Vec<&str> = t.split('~').next().unwrap().split('*').collect();
            assert_eq!((isa[11], isa[12]), (isa11, "00501"), "{name}: {f}");
            assert!(t.contains("*UN*"), "{name}: {f}");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Regression (adversarial sweep 12a, bug 8): edit values holding a control character are
/// refused like delimiters, but the payer's claim number given as an edit (`2300 REF*F8`)
/// went straight into REF*F8, line break, tab or DEL and all. It is now refused with the same
/// reason as any other edit (which never quotes the value), and nothing is written for the
/// claim.
#[test]
fn an_original_claim_number_edit_with_a_control_character_is_refused() {
    let dir = out_dir("f8-control");
    std::fs::create_dir_all(&dir).unwrap();
    for (n, value) in ["IC\\tN", "ICN\\n", "IC\\u007fN", "IC\\rN"]
        .into_iter()
        .enumerate()
    {
        let edits = dir.join(format!("edits-{n}.toml"));
        std::fs::write(
            &edits,
            format!(
                "[[edit]]\nclaim = \"PCN7001\"\nfield = \"2300 REF*G1\"\nvalue = \"AUTH552201\"\n\
                 [[edit]]\nclaim = \"PCN7001\"\nfield = \"2300 REF*F8\"\nvalue = \"{value}\"\n"
            ),
        )
        .unwrap();
        let out = dir.join(format!("out-{n}"));
        let o = run(&out, &["--edits", edits.to_str().unwrap()]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(0), "{value}: {err}");
        let row = claims_row(&out, "PCN7001");
        assert_eq!(
            row.get(6).map(String::as_str),
            Some("worklisted"),
            "{value}: {row:?}"
        );
        assert!(
            row.last().is_some_and(
                |r| r.contains("edit #2 (2300 REF*F8): the value contains a control character")
            ),
            "{value}: {row:?}"
        );
        for (name, text) in written(&out) {
            assert!(!text.contains("PCN7001"), "{value}: {name} has PCN7001");
        }
    }
    // A claim number an element can hold is still the one REF*F8 carries.
    let edits = dir.join("edits-ok.toml");
    std::fs::write(
        &edits,
        "[[edit]]\nclaim = \"PCN7001\"\nfield = \"2300 REF*G1\"\nvalue = \"AUTH552201\"\n\
         [[edit]]\nclaim = \"PCN7001\"\nfield = \"2300 REF*F8\"\nvalue = \"ICN7001B\"\n",
    )
    .unwrap();
    let out = dir.join("out-ok");
    let o = run(&out, &["--edits", edits.to_str().unwrap()]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(
        claims_row(&out, "PCN7001").get(6).map(String::as_str),
        Some("written")
    );
    assert!(
        written(&out)
            .iter()
            .any(|(_, t)| t.contains("REF*G1*AUTH552201~\nREF*F8*ICN7001B~\n")),
        "{:?}",
        written(&out)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// `--appeal-letters` writes a draft for each worklisted appeal into `appeals/`, and says so;
/// the draft of PCN7008 is compared whole with `fixtures/expected/correct/` (`DENALI_BLESS=1`
/// rewrites it).
#[test]
fn appeal_letters_are_drafted_for_the_claims_to_appeal() {
    let dir = out_dir("appeals");
    let o = run(
        &dir,
        &["--edits", "fixtures/correct/edits.toml", "--appeal-letters"],
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        err.contains("appeals (2 draft(s) to complete and sign)"),
        "{err}"
    );
    let mut names: Vec<String> = std::fs::read_dir(dir.join("appeals"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "appeal-PCN7008-2508000007008.md",
            "appeal-PCN7014-2508000007014.md"
        ]
    );
    let actual =
        std::fs::read_to_string(dir.join("appeals/appeal-PCN7008-2508000007008.md")).unwrap();
    let golden = root().join("fixtures/expected/correct/appeal-PCN7008-2508000007008.md");
    if std::env::var_os("DENALI_BLESS").is_some_and(|v| v == "1") {
        std::fs::create_dir_all(golden.parent().unwrap()).unwrap();
        std::fs::write(&golden, &actual).unwrap();
    }
    let expected = std::fs::read_to_string(&golden).expect("golden (DENALI_BLESS=1 writes it)");
    assert_eq!(actual, expected);
    // Without the flag, no drafts.
    let plain = out_dir("no-appeals");
    let o = run(&plain, &["--edits", "fixtures/correct/edits.toml"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(!plain.join("appeals").exists());
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&plain);
}
