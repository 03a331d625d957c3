//! `denali_emit::correct` on `fixtures/correct/`: what every denied claim becomes (route,
//! frequency, REF*F8, the changed elements), that the files written read back without a
//! diagnostic, and that pyx12 (`x12-validate`) accepts them.

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{NaiveDate, NaiveDateTime};
use denali_emit::SequentialControlNumbers;
use denali_emit::correct::{
    ClaimOutcome, CorrectOptions, CorrectOutcome, Disposition, Edits, Source, correct,
};
use denali_rules::{Context, PayerRules, Route};
use denali_x12::claim::{Claim837Set, parse_837};
use denali_x12::{Event, ParseOptions, Reader};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/correct")
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(dir().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn now() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2025, 3, 20)
        .unwrap()
        .and_hms_opt(9, 30, 0)
        .unwrap()
}

struct Run {
    payer_rules: bool,
    edits: Option<Edits>,
    remits: Vec<(&'static str, Vec<u8>)>,
}

impl Run {
    fn new() -> Run {
        let edits = Edits::from_toml(&String::from_utf8(read("edits.toml")).unwrap()).unwrap();
        Run {
            payer_rules: true,
            edits: Some(edits),
            remits: vec![
                ("summit.835", read("summit.835")),
                ("northern.835", read("northern.835")),
            ],
        }
    }

    fn go(&self) -> (CorrectOutcome, SequentialControlNumbers) {
        let mut ctx = Context::new(now().date());
        if self.payer_rules {
            let text = String::from_utf8(read("payer-rules.toml")).unwrap();
            ctx.payers = PayerRules::from_toml(&text).unwrap();
        }
        let claims = [
            ("clinic-837p.837", read("clinic-837p.837")),
            ("hospital-837i.837", read("hospital-837i.837")),
        ];
        let remits: Vec<(&str, &[u8])> = self
            .remits
            .iter()
            .map(|(n, b)| (*n, b.as_slice()))
            .collect();
        let claims: Vec<(&str, &[u8])> = claims.iter().map(|(n, b)| (*n, b.as_slice())).collect();
        let edits = self.edits.clone().unwrap_or_default();
        let mut numbers = SequentialControlNumbers::starting_at(5001);
        let out = correct(
            &remits,
            &claims,
            &edits,
            &ctx,
            &CorrectOptions::new(now()),
            &mut numbers,
        );
        (out, numbers)
    }
}

fn claim<'a>(out: &'a CorrectOutcome, key: &str) -> &'a ClaimOutcome {
    out.claims
        .iter()
        .find(|c| c.claim == key)
        .unwrap_or_else(|| panic!("{key} not in the outcome"))
}

/// The new value of a changed field (the field as [`Change::field`] writes it).
fn changed(c: &ClaimOutcome, field: &str) -> Option<String> {
    c.changes
        .iter()
        .find(|ch| ch.field == field)
        .unwrap_or_else(|| panic!("{}: {field} not changed: {:#?}", c.claim, c.changes))
        .new
        .clone()
}

/// Frequencies and REF*F8 of the claims written for `c`.
fn written(c: &ClaimOutcome) -> Vec<(char, Option<&str>)> {
    c.written
        .iter()
        .map(|w| (w.frequency, w.original_reference.as_deref()))
        .collect()
}

#[test]
fn every_denied_claim_as_expected() {
    let (out, numbers) = Run::new().go();
    let w = |key: &str| {
        let c = claim(&out, key);
        assert_eq!(c.disposition, Disposition::Written, "{key}: {c:#?}");
        c
    };
    // CO-197 on the MRI line; the edit's 2300 REF*G1 answers the line's 2400 REF*G1 need.
    let c = w("PCN7001");
    assert_eq!(c.route, Route::CorrectedClaim);
    assert_eq!(written(c), [('7', Some("2508000007001"))]);
    assert_eq!(changed(c, "2300 REF*G1 02").as_deref(), Some("AUTH552201"));
    // CO-31 + NM1*74: member id and last name from the 835, no edit.
    let c = w("PCN7002");
    assert_eq!(
        (c.route, written(c)),
        (Route::CorrectedClaim, vec![('7', Some("2508000007002"))])
    );
    assert_eq!(
        changed(c, "2010BA NM1*IL 09").as_deref(),
        Some("W700000092")
    );
    assert_eq!(changed(c, "2010BA NM1*IL 03").as_deref(), Some("ROEBUCK"));
    assert!(
        c.changes
            .iter()
            .filter(|ch| ch.source == Source::Remittance)
            .count()
            == 2
    );
    // PR-27 + NM1*74 for a dependant: the subscriber's member id.
    let c = w("PCN7003");
    assert_eq!(
        (c.route, written(c)),
        (Route::CorrectedClaim, vec![('7', Some("2508000007003"))])
    );
    assert_eq!(
        changed(c, "2010BA NM1*IL 09").as_deref(),
        Some("W700000093")
    );
    // CO-16 + N290: the rendering provider from the edits (2310B answers the 2420A need).
    let c = w("PCN7004");
    assert_eq!(
        (c.route, written(c)),
        (Route::CorrectedClaim, vec![('7', Some("2508000007004"))])
    );
    assert_eq!(changed(c, "2310B NM109").as_deref(), Some("1900000138"));
    assert_eq!(changed(c, "2310B NM103").as_deref(), Some("OKAFOR"));
    // CO-4 on the line without REF*6R, matched by code, date and charge.
    let c = w("PCN7005");
    assert_eq!(
        (c.route, written(c)),
        (Route::CorrectedClaim, vec![('7', Some("2508000007005"))])
    );
    assert_eq!(changed(c, "2400[2] SV101-4").as_deref(), Some("59"));
    // CO-16 + M76 + MA130: a new claim, no REF*F8, diagnosis from the edits.
    let c = w("PCN7006");
    assert_eq!((c.route, written(c)), (Route::NewClaim, vec![('1', None)]));
    assert_eq!(changed(c, "2300 HI01-2").as_deref(), Some("M5450"));
    // CO-22 + NM1*PR: a new claim to the other payer; COB loops deferred.
    let c = w("PCN7007");
    assert_eq!(
        (c.route, written(c)),
        (Route::BillOtherPayer, vec![('1', None)])
    );
    assert_eq!(changed(c, "2010BB NM1*PR 09").as_deref(), Some("NMI0001"));
    assert_eq!(
        changed(c, "2010BB NM1*PR 03").as_deref(),
        Some("NORTHERN MUTUAL INSURANCE")
    );
    // The member id at that payer, from the edits file.
    assert_eq!(changed(c, "2010BA NM109").as_deref(), Some("NMI55501"));
    // The denying payer's address and its id for the provider are not the new payer's.
    for field in ["2010BB N3", "2010BB N4", "2010BB REF*G2"] {
        assert_eq!(changed(c, field), None, "{field} removed");
    }
    let old: Vec<_> = c.changes[2..5].iter().map(|ch| ch.old.as_deref()).collect();
    assert_eq!(
        old,
        [
            Some("N3*PO BOX 4400"),
            Some("N4*DENVER*CO*802014400"),
            Some("REF*G2*SHP11907")
        ]
    );
    assert_eq!(c.notes.len(), 2, "{:?}", c.notes);
    assert!(c.notes[1].contains("2010BB N301"), "{:?}", c.notes);
    // CO-299: void the original (unchanged) then a new claim with the new billing provider.
    let c = w("PCN7009");
    assert_eq!(c.route, Route::VoidAndNew);
    assert_eq!(written(c), [('8', Some("2508000007009")), ('1', None)]);
    assert_eq!(changed(c, "2010AA NM109").as_deref(), Some("1900000211"));
    assert_eq!(changed(c, "2010AA REF*EI 02").as_deref(), Some("990000121"));
    // Northern Mutual wants a new claim for a claim it denied outright.
    let c = w("PCN8001");
    assert_eq!((c.route, written(c)), (Route::NewClaim, vec![('1', None)]));
    assert_eq!(changed(c, "2300 REF*G1 02").as_deref(), Some("NMA33210"));
    // Partly paid: a replacement with the payer's REF*G1.
    let c = w("PCN8002");
    assert_eq!(
        (c.route, written(c)),
        (Route::CorrectedClaim, vec![('7', Some("2508100008002"))])
    );
    assert_eq!(changed(c, "2300 REF*G1 02").as_deref(), Some("NMA77001"));

    let wl = |key: &str, route: Route, needed: &str| {
        let c = claim(&out, key);
        assert_eq!(
            (c.disposition, c.route),
            (Disposition::Worklisted, route),
            "{key}: {c:#?}"
        );
        assert!(c.written.is_empty() && c.changes.is_empty(), "{key}");
        assert!(
            c.needed.iter().any(|n| n.contains(needed)),
            "{key}: {:?}",
            c.needed
        );
    };
    wl(
        "PCN7008",
        Route::Appeal,
        "medical necessity, citing policy LCDX0002",
    );
    wl(
        "PCN7010",
        Route::CorrectedClaim,
        "2300 HI*ABK 01-2: the principal ICD-10-CM diagnosis",
    );
    wl("PCN7011", Route::CorrectedClaim, "original 837 not found");
    wl(
        "PCN7014",
        Route::Appeal,
        "decide together with the correctable denials",
    );

    // Paid claims are not denied; every denied claim is accounted for once.
    assert!(
        out.claims
            .iter()
            .all(|c| !["PCN7012", "PCN7013", "PCN8003"].contains(&c.claim.as_str()))
    );
    let n = out.counts();
    assert_eq!(
        (n.remittances, n.remit_claims, n.denied_claims),
        (2, 16, 14)
    );
    assert_eq!((n.written, n.worklisted, n.skipped), (10, 4, 0));
    assert_eq!((n.files, n.claims_in_files), (2, 11));
    assert_eq!(n.by_route.get(&Route::CorrectedClaim), Some(&8));
    assert_eq!(n.by_route.get(&Route::Appeal), Some(&2));
    assert!(
        out.input_errors.is_empty() && out.warnings.is_empty(),
        "{:?} {:?}",
        out.input_errors,
        out.warnings
    );
    assert!(!out.failed());

    // Files: one per submitter/receiver, fresh control numbers from the caller's counter.
    let names: Vec<&str> = out.files.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names,
        ["corrected-837P-0001.x12", "corrected-837I-0002.x12"]
    );
    assert_eq!(
        out.files[0].claims,
        [
            "PCN7001/7",
            "PCN7002/7",
            "PCN7003/7",
            "PCN7004/7",
            "PCN7005/7",
            "PCN7006/1",
            "PCN7007/1",
            "PCN7009/8",
            "PCN7009/1"
        ]
    );
    assert_eq!(
        (out.files[1].sender.as_str(), out.files[1].receiver.as_str()),
        ("DENALIHOSP", "ALPINECH")
    );
    assert_eq!(
        (numbers.interchange, numbers.group, numbers.transaction),
        (5003, 5003, 5003)
    );
    let p = String::from_utf8(out.files[0].bytes.clone()).unwrap();
    assert!(p.starts_with("ISA*00*          *00*          *ZZ*DENALICLINIC   *ZZ*ALPINECH       *250320*0930*^*00501*000005001*0*T*:~\n"));
    assert!(p.contains("\nGS*HC*DENALICLINIC*ALPINECH*20250320*0930*5001*X*005010X222A1~\n"));
    assert!(p.contains("\nBHT*0019*00*DENALI0001*20250320*0930*CH~\n"));
    assert!(p.ends_with("~\nGE*1*5001~\nIEA*1*000005001~\n"));

    // Every denied claim, one CSV row each.
    let all = out.claims_csv();
    assert_eq!(all.lines().count(), 15);
    assert!(all.contains("\nPCN7009,summit.835,SUMMIT01,CO-299,150,void_and_new,written,8+1,2508000007009,corrected-837P-0001.x12,"), "{all}");
    assert!(all.contains("\nPCN7011,summit.835,SUMMIT01,CO-16 N290,150,corrected_claim,worklisted,,,,,\"original 837 not found: no CLM01 PCN7011"), "{all}");

    // The worklist, in both formats.
    let csv = out.worklist_csv();
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows.len(), 5);
    assert_eq!(
        rows[0],
        "claim,payer_id,payer_name,payer_claim_number,remit,codes,denied_amount,route,deadline,deadline_kind,needed"
    );
    assert!(rows[1].starts_with("PCN7008,SUMMIT01,SUMMIT HEALTH PLAN,2508000007008,summit.835,CO-50 N115,200,appeal,2025-09-10,appeal,"), "{}", rows[1]);
    let json: serde_json::Value = serde_json::from_str(&out.worklist_json()).unwrap();
    let list = json.as_array().unwrap();
    assert_eq!(list.len(), 4);
    assert_eq!(list[3]["claim"], "PCN7014");
    assert_eq!(list[3]["codes"], "CO-4; CO-50 N115");
    assert_eq!(list[3]["route"], "appeal");
}

#[test]
fn without_payer_rules_a_denied_claim_gets_a_replacement() {
    let (out, _) = Run {
        payer_rules: false,
        ..Run::new()
    }
    .go();
    let c = claim(&out, "PCN8001");
    assert_eq!(
        (c.disposition, c.route),
        (Disposition::Written, Route::CorrectedClaim)
    );
    assert_eq!(written(c), [('7', Some("2508100008001"))]);
    assert_eq!(changed(c, "2300 REF*G1 02").as_deref(), Some("NMA33210"));
}

#[test]
fn without_edits_claims_that_need_a_person_are_worklisted() {
    let (out, _) = Run {
        edits: None,
        ..Run::new()
    }
    .go();
    for (key, needed) in [
        (
            "PCN7001",
            "2400[2] REF*G1 02: the prior authorization number",
        ),
        (
            "PCN7004",
            "2420A[1] NM1*82 09: the rendering provider's NPI",
        ),
        ("PCN7005", "2400[2] SV101-3: the modifier"),
        ("PCN7006", "2300 HI*ABK 01-2"),
        ("PCN7009", "2010AA NM1*85 09: the billing provider's NPI"),
        ("PCN8001", "2300 REF*G1 02"),
        // Regression: a claim sent on to another payer kept the denying payer's member id
        // and plan type (SBR09), which the payer billed now does not know.
        (
            "PCN7007",
            "2010BA NM1*IL 09: the member ID on the card of the plan billed now",
        ),
        (
            "PCN7007",
            "2000B SBR09: the claim filing indicator of the plan billed now",
        ),
    ] {
        let c = claim(&out, key);
        assert_eq!(c.disposition, Disposition::Worklisted, "{key}");
        assert!(
            c.needed.iter().any(|n| n.starts_with(needed)),
            "{key}: {:?}",
            c.needed
        );
    }
    for key in ["PCN7002", "PCN7003", "PCN8002"] {
        assert_eq!(claim(&out, key).disposition, Disposition::Written, "{key}");
    }
    assert_eq!(out.counts().written, 3);
}

#[test]
fn bad_edits_keep_their_claim_off_the_files_and_are_reported() {
    let mut edits = Run::new().edits.unwrap();
    edits.push("PCN7002", "2300 CLM05-3", "7");
    edits.push("PCN7003", "2010BA NM109", "W7*9");
    edits.push("PCN9999", "2300 REF*G1", "X");
    let (out, _) = Run {
        edits: Some(edits),
        ..Run::new()
    }
    .go();
    let c = claim(&out, "PCN7002");
    assert_eq!(c.disposition, Disposition::Worklisted);
    assert!(
        c.needed[0].contains("does not parse: CLM05-3 (frequency) follows the route"),
        "{:?}",
        c.needed
    );
    let c = claim(&out, "PCN7003");
    assert_eq!(c.disposition, Disposition::Worklisted);
    assert!(
        c.needed[0].contains("contains the element separator"),
        "{:?}",
        c.needed
    );
    assert!(!c.needed[0].contains("W7"), "no member id in the message");
    assert_eq!(out.warnings.len(), 2, "{:?}", out.warnings);
    assert!(out.warnings[1].contains("PCN9999 is not a denied claim"));
    assert_eq!(out.counts().written, 8);
}

#[test]
fn a_claim_denied_again_later_is_handled_once() {
    let mut run = Run::new();
    run.remits.push(("summit-again.835", read("summit.835")));
    let (out, _) = run.go();
    let n = out.counts();
    assert_eq!(
        (n.denied_claims, n.written, n.worklisted, n.skipped),
        (26, 10, 4, 12)
    );
    let first = out.claims.iter().find(|c| c.claim == "PCN7001").unwrap();
    assert_eq!(first.disposition, Disposition::Skipped);
    assert!(first.reason.starts_with("superseded"));
    assert_eq!(claim(&out, "PCN8001").disposition, Disposition::Written);
    let again = out
        .claims
        .iter()
        .rev()
        .find(|c| c.claim == "PCN7001")
        .unwrap();
    assert_eq!(
        (again.disposition, again.remit.as_str()),
        (Disposition::Written, "summit-again.835")
    );
}

#[test]
fn a_broken_input_does_not_stop_the_others() {
    let mut run = Run::new();
    run.remits
        .push(("garbage.835", b"this is not X12".to_vec()));
    let (out, _) = run.go();
    assert_eq!(out.input_errors.len(), 1);
    assert_eq!(out.input_errors[0].file, "garbage.835");
    assert!(out.failed());
    assert_eq!(out.counts().written, 10);
}

/// Every 837 set of a written file, read back with the 837 reader: no diagnostic at all.
fn reparse(name: &str, bytes: &[u8]) -> Vec<Claim837Set> {
    let mut reader = Reader::from_slice(bytes);
    let mut sets = Vec::new();
    while let Some(event) = reader.next_event().unwrap() {
        if let Event::Transaction(tx) = event {
            let (set, diags) = parse_837(&tx, &ParseOptions::default());
            assert!(diags.is_empty(), "{name}: {diags:#?}");
            sets.push(set);
        }
    }
    assert!(
        reader.diagnostics().is_empty(),
        "{name}: {:#?}",
        reader.diagnostics()
    );
    sets
}

#[test]
fn written_files_read_back_clean_with_the_corrections() {
    let (out, _) = Run::new().go();
    let p = reparse(&out.files[0].name, &out.files[0].bytes);
    assert_eq!(p.len(), 1);
    let set = &p[0];
    assert_eq!(set.claim_count(), 9);
    let find = |pcn: &str, freq: char| {
        set.claims()
            .find(|c| {
                c.patient_control_number() == Some(pcn)
                    && c.frequency_code().map(|f| f.as_char()) == Some(freq)
            })
            .unwrap_or_else(|| panic!("{pcn}/{freq}"))
    };
    let c = find("PCN7001", '7');
    assert_eq!(c.original_claim_number(), Some("2508000007001"));
    assert_eq!(c.prior_authorization(), Some("AUTH552201"));
    assert_eq!(c.lines().count(), 2, "a replacement carries every line");
    let c = find("PCN7002", '7');
    let name = c.subscriber().unwrap().name().unwrap();
    assert_eq!(
        (name.name(), name.first_name(), name.id()),
        (Some("ROEBUCK"), Some("RICHARD"), Some("W700000092"))
    );
    let c = find("PCN7003", '7');
    assert_eq!(c.subscriber().unwrap().member_id(), Some("W700000093"));
    assert_eq!(
        c.patient().unwrap().relationship(),
        Some("19"),
        "the dependant keeps its HL 23"
    );
    let c = find("PCN7004", '7');
    let r = c.provider(denali_x12::claim::LoopId::L2310(b'B')).unwrap();
    assert_eq!(
        (r.name(), r.first_name(), r.id()),
        (Some("OKAFOR"), Some("CHIDI"), Some("1900000138"))
    );
    let c = find("PCN7005", '7');
    let mods: Vec<Vec<&str>> = c
        .lines()
        .map(|l| l.procedure().unwrap().modifiers)
        .collect();
    assert_eq!(mods, [vec!["GP"], vec!["GP", "59"]]);
    let c = find("PCN7006", '1');
    assert_eq!(c.original_claim_number(), None);
    assert_eq!(c.diagnoses()[0].code, "M5450");
    let c = find("PCN7007", '1');
    assert_eq!(
        c.subscriber().unwrap().payer().unwrap().id(),
        Some("NMI0001")
    );
    let void = find("PCN7009", '8');
    assert_eq!(void.original_claim_number(), Some("2508000007009"));
    assert_eq!(
        void.billing_provider().unwrap().npi(),
        Some("1900000013"),
        "the void is the original"
    );
    let new = find("PCN7009", '1');
    assert_eq!(new.original_claim_number(), None);
    assert_eq!(new.billing_provider().unwrap().npi(), Some("1900000211"));
    assert_eq!(new.billing_provider().unwrap().tax_id(), Some("990000121"));

    let i = reparse(&out.files[1].name, &out.files[1].bytes);
    let set = &i[0];
    assert_eq!(set.claim_count(), 2);
    let c = set.find_claim("PCN8001").unwrap();
    assert_eq!(c.frequency_code().map(|f| f.as_char()), Some('1'));
    assert_eq!(
        (c.prior_authorization(), c.original_claim_number()),
        (Some("NMA33210"), None)
    );
    let c = set.find_claim("PCN8002").unwrap();
    assert_eq!(c.frequency_code().map(|f| f.as_char()), Some('7'));
    assert_eq!(
        (c.prior_authorization(), c.original_claim_number()),
        (Some("NMA77001"), Some("2508100008002"))
    );
}

/// `x12-validate`: `$DENALI_SHARED_TOOLS/x12-validate`, else `<workspace>/../shared/tools/`.
fn validator() -> Option<PathBuf> {
    let dir = match std::env::var_os("DENALI_SHARED_TOOLS") {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/tools"),
    };
    let tool = dir.join("x12-validate");
    tool.is_file().then_some(tool)
}

#[test]
fn pyx12_accepts_every_written_file() {
    let Some(tool) = validator() else {
        println!(
            "skipped: x12-validate not found (set DENALI_SHARED_TOOLS to the directory holding it)"
        );
        return;
    };
    let tmp = std::env::temp_dir().join(format!("denali-correct-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let mut paths = Vec::new();
    for (label, run) in [
        ("rules", Run::new()),
        (
            "no-rules",
            Run {
                payer_rules: false,
                ..Run::new()
            },
        ),
        (
            "no-edits",
            Run {
                edits: None,
                ..Run::new()
            },
        ),
    ] {
        let (out, _) = run.go();
        assert!(!out.files.is_empty());
        for f in &out.files {
            let p = tmp.join(format!("{label}-{}", f.name));
            std::fs::write(&p, &f.bytes).unwrap();
            paths.push(p);
        }
    }
    let result = Command::new(&tool)
        .args(&paths)
        .output()
        .expect("run x12-validate");
    let text = String::from_utf8_lossy(&result.stdout).into_owned()
        + &String::from_utf8_lossy(&result.stderr);
    println!("{text}");
    let _ = std::fs::remove_dir_all(&tmp);
    assert!(
        result.status.success(),
        "x12-validate reported errors:\n{text}"
    );
    assert_eq!(text.matches(": OK (pyx12").count(), paths.len(), "{text}");
}

/// `correct` on summit.835 against the given 837s (name, bytes), with the fixture's edits.
fn correct_against(claims: &[(&str, Vec<u8>)]) -> CorrectOutcome {
    let ctx = Context::new(now().date());
    let remit = read("summit.835");
    let remits = [("summit.835", remit.as_slice())];
    let claims: Vec<(&str, &[u8])> = claims.iter().map(|(n, b)| (*n, b.as_slice())).collect();
    let edits = Edits::from_toml(&String::from_utf8(read("edits.toml")).unwrap()).unwrap();
    let mut numbers = SequentialControlNumbers::starting_at(5001);
    correct(
        &remits,
        &claims,
        &edits,
        &ctx,
        &CorrectOptions::new(now()),
        &mut numbers,
    )
}

/// clinic-837p.837 with PCN7002 made another visit of another patient under the same CLM01:
/// another name, charge, procedure, date and line control number.
fn another_visit_as_pcn7002() -> Vec<u8> {
    let text = String::from_utf8(read("clinic-837p.837")).unwrap();
    let swaps = [
        (
            "NM1*IL*1*ROE*RICHARD****MI*W700000002~",
            "NM1*IL*1*QUINN*ALMA****MI*W700000777~",
        ),
        ("CLM*PCN7002*150*", "CLM*PCN7002*450*"),
        (
            "SV1*HC:99213*150*UN*1***1~\nDTP*472*D8*20250204~\nREF*6R*PCN7002L1~",
            "SV1*HC:99214*450*UN*1***1~\nDTP*472*D8*20250304~\nREF*6R*PCN7002X1~",
        ),
    ];
    let mut out = text.clone();
    for (from, to) in swaps {
        assert_eq!(out.matches(from).count(), 1, "{from}");
        out = out.replace(from, to);
    }
    out.into_bytes()
}

/// Regression: an 835 claim was matched to an 837 claim by CLM01 alone, the last one read.
/// With two 837 claims under one CLM01 (an account number shared by two visits), the
/// replacement was built from the other visit, for another patient, under this claim's ICN.
#[test]
fn the_original_is_the_claim_that_fits_the_remittance_not_the_last_read() {
    for claims in [
        vec![
            ("clinic-837p.837", read("clinic-837p.837")),
            ("other-visit.837", another_visit_as_pcn7002()),
        ],
        vec![
            ("other-visit.837", another_visit_as_pcn7002()),
            ("clinic-837p.837", read("clinic-837p.837")),
        ],
    ] {
        let out = correct_against(&claims);
        let c = claim(&out, "PCN7002");
        assert_eq!(c.disposition, Disposition::Written, "{c:#?}");
        assert_eq!(c.claims_file.as_deref(), Some("clinic-837p.837"));
        assert!(
            c.notes
                .iter()
                .any(|n| n == "2 837 claims have CLM01 PCN7002; the one that fits the remittance best was used"),
            "{:?}",
            c.notes
        );
    }

    // The other visit alone is not this claim: worklisted, saying what disagrees.
    let out = correct_against(&[("other-visit.837", another_visit_as_pcn7002())]);
    let c = claim(&out, "PCN7002");
    assert_eq!(c.disposition, Disposition::Worklisted);
    assert_eq!(c.reason, "original 837 does not match the remittance");
    assert!(
        c.needed[0]
            .contains("has a different charge, 0 of the 835's 1 service lines, another patient"),
        "{:?}",
        c.needed
    );
    assert!(c.written.is_empty());
}

/// Regression: an original 837 cut short (no SE, GE, IEA) was read with a warning and its
/// claim written as a replacement missing the lines after the cut, exit 0.
#[test]
fn an_original_read_with_errors_is_worklisted_and_fails_the_run() {
    let text = String::from_utf8(read("clinic-837p.837")).unwrap();
    let cut = text.find("REF*6R*PCN7002L1~").unwrap();
    let out = correct_against(&[("cut.837", text.as_bytes()[..cut].to_vec())]);
    assert!(out.failed(), "a damaged input fails the run");
    assert!(
        out.input_errors[0]
            .message
            .starts_with("read with 3 error(s)"),
        "{:?}",
        out.input_errors
    );
    let c = claim(&out, "PCN7002");
    assert_eq!(c.disposition, Disposition::Worklisted);
    assert_eq!(c.reason, "original 837 read with errors");
    assert!(
        out.files.is_empty(),
        "nothing is written from a damaged set"
    );
}

/// A one-claim 837P from ACME's small submitter: CLM01 `clm01`, one 99213 line of $100 on
/// 2025-01-05, BHT06 `bht06`.
fn acme_837(bht06: &str, clm01: &str) -> Vec<u8> {
    [
        "ISA*00*          *00*          *ZZ*SUBMITTER      *ZZ*RECEIVER       *250101*1200*^*00501*000000301*0*T*:~",
        "GS*HC*SUBMITTER*RECEIVER*20250101*1200*301*X*005010X222A1~",
        "ST*837*0001*005010X222A1~",
        &format!("BHT*0019*00*B1*20250101*1200*{bht06}~"),
        "NM1*41*2*CLINIC*****46*SUBMITTER~PER*IC*BILLING*TE*9075550150~",
        "NM1*40*2*RECEIVER*****46*RECEIVER~HL*1**20*1~",
        "NM1*85*2*CLINIC*****XX*1234567893~N3*1 MAIN ST~N4*ANCHORAGE*AK*99501~REF*EI*123456789~",
        "HL*2*1*22*0~SBR*P*18*******CI~NM1*IL*1*DOE*JANE****MI*M1~N3*1 A ST~",
        "N4*ANCHORAGE*AK*99501~DMG*D8*19800101*F~NM1*PR*2*ACME HEALTH*****PI*ACME1~",
        &format!("CLM*{clm01}*100***11:B:1*Y*A*Y*Y~"),
        "HI*ABK:J069~LX*1~SV1*HC:99213*100*UN*1***1~DTP*472*D8*20250105~",
        "SE*23*0001~GE*1*301~IEA*1*000000301~",
    ]
    .concat()
    .into_bytes()
}

/// ACME's 835 with the given claims (CLP loops), each written by [`acme_denial`] or by hand.
fn acme_835(claims: &[String]) -> Vec<u8> {
    [
        "ISA*00*          *00*          *ZZ*ACME1          *ZZ*DENALI         *250314*1200*^*00501*000000901*0*T*:~",
        "GS*HP*ACME1*DENALI*20250314*1200*901*X*005010X221A1~ST*835*0001~",
        "BPR*I*0*C*NON************20250314~TRN*1*TRACE000000901*10000ACME1~DTM*405*20250314~",
        "N1*PR*ACME HEALTH~REF*2U*ACME1~PER*BL*EDI*TE*9075550100~N1*PE*DENALI*XX*1900000013~LX*1~",
        &claims.concat(),
        "SE*20*0001~GE*1*901~IEA*1*000000901~",
    ]
    .concat()
    .into_bytes()
}

/// The [`acme_837`] claim `clm01` denied in full at line level with `cas` (`CO*197`), and
/// the claim's remarks `moa` (`MOA***MA130` or empty).
fn acme_denial(clm01: &str, cas: &str, moa: &str) -> String {
    format!(
        "CLP*{clm01}*1*100*0**12*ICN{clm01}*11*1~{moa}NM1*QC*1*DOE*JANE****MI*M1~\
         SVC*HC:99213*100*0~DTM*472*20250105~CAS*{cas}*100~"
    )
}

/// `correct` on in-memory files with the edits `toml`, "now" the tests' date.
fn correct_files(remits: &[(&str, &[u8])], claims: &[(&str, &[u8])], toml: &str) -> CorrectOutcome {
    let edits = Edits::from_toml(toml).unwrap();
    let mut numbers = SequentialControlNumbers::starting_at(1);
    correct(
        remits,
        claims,
        &edits,
        &Context::new(now().date()),
        &CorrectOptions::new(now()),
        &mut numbers,
    )
}

/// Regression: a chargeable claim (BHT06 CH) and an encounter (RP) from the same submitter
/// were written into one set under the first one's BHT: the encounter went out as a claim.
#[test]
fn a_chargeable_claim_and_an_encounter_are_written_in_separate_sets() {
    let remit = acme_835(&[
        acme_denial("CHG1", "CO*197", ""),
        acme_denial("ENC1", "CO*197", ""),
    ]);
    let (chargeable, encounter) = (acme_837("CH", "CHG1"), acme_837("RP", "ENC1"));
    let out = correct_files(
        &[("acme.835", remit.as_slice())],
        &[
            ("chargeable.837", chargeable.as_slice()),
            ("encounter.837", encounter.as_slice()),
        ],
        "[[edit]]\nclaim = \"CHG1\"\nfield = \"2300 REF*G1\"\nvalue = \"A1\"\n\
         [[edit]]\nclaim = \"ENC1\"\nfield = \"2300 REF*G1\"\nvalue = \"A2\"\n",
    );
    assert_eq!(out.files.len(), 2, "{:#?}", out.claims);
    let sets: Vec<Vec<Claim837Set>> = out
        .files
        .iter()
        .map(|f| reparse(&f.name, &f.bytes))
        .collect();
    let bht06 = |set: &Claim837Set| {
        let bht = set.bht().unwrap();
        let e = bht.element(6).unwrap();
        e.as_str().unwrap().to_string()
    };
    let mut seen: Vec<(String, Vec<String>)> = sets
        .iter()
        .flatten()
        .map(|s| {
            let claims = s
                .claims()
                .filter_map(|c| c.patient_control_number().map(str::to_string))
                .collect();
            (bht06(s), claims)
        })
        .collect();
    seen.sort();
    assert_eq!(
        seen,
        [
            ("CH".to_string(), vec!["CHG1".to_string()]),
            ("RP".to_string(), vec!["ENC1".to_string()])
        ]
    );
}

/// Regression: the payer split a two-line claim (MA15) and paid line 1 under one ICN, denied
/// line 2 under another; the replacement of the denied part carried both lines, billing the
/// paid one again.
#[test]
fn a_split_claim_is_not_replaced_with_the_lines_paid_apart() {
    let original = [
        "ISA*00*          *00*          *ZZ*SUBMITTER      *ZZ*RECEIVER       *250101*1200*^*00501*000000301*0*T*:~",
        "GS*HC*SUBMITTER*RECEIVER*20250101*1200*301*X*005010X222A1~ST*837*0001*005010X222A1~",
        "BHT*0019*00*B1*20250101*1200*CH~NM1*41*2*CLINIC*****46*SUBMITTER~PER*IC*BILLING*TE*9075550150~",
        "NM1*40*2*RECEIVER*****46*RECEIVER~HL*1**20*1~",
        "NM1*85*2*CLINIC*****XX*1234567893~N3*1 MAIN ST~N4*ANCHORAGE*AK*99501~REF*EI*123456789~",
        "HL*2*1*22*0~SBR*P*18*******CI~NM1*IL*1*DOE*JANE****MI*M1~N3*1 A ST~",
        "N4*ANCHORAGE*AK*99501~DMG*D8*19800101*F~NM1*PR*2*ACME HEALTH*****PI*ACME1~",
        "CLM*SPLIT1*180***11:B:1*Y*A*Y*Y~HI*ABK:J069~",
        "LX*1~SV1*HC:99213*100*UN*1***1~DTP*472*D8*20250105~REF*6R*S1~",
        "LX*2~SV1*HC:81002*80*UN*1***1~DTP*472*D8*20250105~REF*6R*S2~",
        "SE*27*0001~GE*1*301~IEA*1*000000301~",
    ]
    .concat();
    let remit = [
        "ISA*00*          *00*          *ZZ*ACME1          *ZZ*DENALI         *250314*1200*^*00501*000000901*0*T*:~",
        "GS*HP*ACME1*DENALI*20250314*1200*901*X*005010X221A1~ST*835*0001~",
        "BPR*I*100*C*NON************20250314~TRN*1*TRACE000000901*10000ACME1~DTM*405*20250314~",
        "N1*PR*ACME HEALTH~REF*2U*ACME1~N1*PE*DENALI*XX*1900000013~LX*1~",
        "CLP*SPLIT1*1*100*100**12*ICNA*11*1~MOA***MA15~NM1*QC*1*DOE*JANE****MI*M1~",
        "SVC*HC:99213*100*100~DTM*472*20250105~REF*6R*S1~",
        "CLP*SPLIT1*1*80*0**12*ICNB*11*1~MOA***MA15~NM1*QC*1*DOE*JANE****MI*M1~",
        "SVC*HC:81002*80*0~DTM*472*20250105~CAS*CO*197*80~REF*6R*S2~",
        "SE*20*0001~GE*1*901~IEA*1*000000901~",
    ]
    .concat();
    let edits = Edits::from_toml(
        "[[edit]]\nclaim = \"SPLIT1\"\nfield = \"2300 REF*G1\"\nvalue = \"AUTH1\"\n",
    )
    .unwrap();
    let mut numbers = SequentialControlNumbers::starting_at(1);
    let out = correct(
        &[("acme.835", remit.as_bytes())],
        &[("clinic.837", original.as_bytes())],
        &edits,
        &Context::new(now().date()),
        &CorrectOptions::new(now()),
        &mut numbers,
    );
    let c = claim(&out, "SPLIT1");
    assert_eq!(c.payer_claim_number.as_deref(), Some("ICNB"));
    assert_eq!(c.disposition, Disposition::Worklisted, "{c:#?}");
    assert_eq!(
        c.reason,
        "split claim: part of the original was adjudicated apart"
    );
    assert!(
        c.needed[0].starts_with(
            "split claim: the payer adjudicated 1 of the original's 2 service lines under ICN ICNB"
        ),
        "{:?}",
        c.needed
    );
    assert!(out.files.is_empty());
}

/// Regression: an 835 cut short (no SE, GE, IEA), or with an amount that is not a number, was
/// read without a word (or with a warning) and its denials corrected as read: the last claim
/// of a cut set may have lost its lines and adjustments. Its denied claims are now worklisted
/// and the run fails.
#[test]
fn a_remittance_read_with_errors_corrects_nothing_and_fails_the_run() {
    let remit = read("summit.835");
    let text = String::from_utf8(remit.clone()).unwrap();
    let cut_at = text.find("CLP*PCN7004").unwrap();
    let unreadable = text.replacen("CLP*PCN7002*1*150*0", "CLP*PCN7002*1*15,0*0", 1);
    assert_ne!(unreadable, text);
    let claims = [("clinic-837p.837", read("clinic-837p.837"))];
    let claims: Vec<(&str, &[u8])> = claims.iter().map(|(n, b)| (*n, b.as_slice())).collect();
    for (what, bytes) in [
        ("cut short", remit[..cut_at].to_vec()),
        ("unreadable amount", unreadable.into_bytes()),
    ] {
        let mut numbers = SequentialControlNumbers::starting_at(1);
        let out = correct(
            &[("summit.835", bytes.as_slice())],
            &claims,
            &Edits::from_toml(&String::from_utf8(read("edits.toml")).unwrap()).unwrap(),
            &Context::new(now().date()),
            &CorrectOptions::new(now()),
            &mut numbers,
        );
        assert!(out.failed(), "{what}");
        assert!(
            out.input_errors[0]
                .message
                .starts_with("835 0001 read with 1 error(s)"),
            "{what}: {:?}",
            out.input_errors
        );
        assert!(!out.claims.is_empty(), "{what}");
        for c in &out.claims {
            assert_eq!(
                c.disposition,
                Disposition::Worklisted,
                "{what}: {}",
                c.claim
            );
            assert_eq!(c.reason, "835 read with errors", "{what}: {}", c.claim);
        }
        assert!(out.files.is_empty(), "{what}");
    }
}

/// Regression: a denial that names no fix Denali can make (CO-16 without a remark, CO-16 with
/// MA130 alone) was written as the same claim again (frequency 7, or 1), which the payer
/// denies again or as a duplicate. With MA130 beside M51, M51's fix was dropped (MA130 set the
/// category, and M51's did not agree) and the new claim went out unchanged too.
#[test]
fn a_resubmission_that_changes_nothing_is_worklisted() {
    let claims: Vec<(String, Vec<u8>)> = ["C16", "MA130", "MA130M51"]
        .iter()
        .map(|c| (format!("{c}.837"), acme_837("CH", c)))
        .collect();
    let claims: Vec<(&str, &[u8])> = claims
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    let remit = acme_835(&[
        acme_denial("C16", "CO*16", ""),
        acme_denial("MA130", "CO*16", "MOA***MA130~"),
        acme_denial("MA130M51", "CO*16", "MOA***MA130*M51~"),
    ]);
    let out = correct_files(&[("acme.835", remit.as_slice())], &claims, "");
    for key in ["C16", "MA130"] {
        let c = claim(&out, key);
        assert_eq!(c.disposition, Disposition::Worklisted, "{c:#?}");
        assert_eq!(c.reason, "no change for a resubmission", "{key}");
        assert!(
            c.needed[0].starts_with("nothing to change"),
            "{:?}",
            c.needed
        );
    }
    // M51 says what to fix: the procedure code, which only a person knows.
    let c = claim(&out, "MA130M51");
    assert_eq!(c.route, Route::NewClaim);
    assert_eq!(c.reason, "values only a person knows are missing", "{c:#?}");
    assert!(
        c.needed[0].starts_with("2400[1] SV101-2: a procedure code"),
        "{:?}",
        c.needed
    );
    assert!(out.files.is_empty());

    // Given the code, the new claim goes out with it.
    let out = correct_files(
        &[("acme.835", remit.as_slice())],
        &claims,
        "[[edit]]\nclaim = \"MA130M51\"\nfield = \"2400[1] SV101-2\"\nvalue = \"99212\"\n",
    );
    let c = claim(&out, "MA130M51");
    assert_eq!(c.disposition, Disposition::Written, "{c:#?}");
    assert_eq!(written(c), [('1', None)]);
    assert_eq!(changed(c, "2400[1] SV101-2").as_deref(), Some("99212"));
}

/// Regression: an edit with an empty value (`value = ""`) answered the question it named, and
/// a prior-authorization denial was written with no authorization number.
#[test]
fn an_empty_edit_value_does_not_answer_what_the_claim_must_carry() {
    let remit = acme_835(&[acme_denial("AUTH1", "CO*197", "")]);
    let original = acme_837("CH", "AUTH1");
    let out = correct_files(
        &[("acme.835", remit.as_slice())],
        &[("auth.837", original.as_slice())],
        "[[edit]]\nclaim = \"AUTH1\"\nfield = \"2400[1] REF*G1\"\nvalue = \"  \"\n",
    );
    let c = claim(&out, "AUTH1");
    assert_eq!(c.disposition, Disposition::Worklisted, "{c:#?}");
    assert!(
        c.needed[0].starts_with("2400[1] REF*G1 02: the prior authorization number"),
        "{:?}",
        c.needed
    );
    assert!(out.files.is_empty());
}

/// Regression: an edit value with a line break or a tab was written into the segment
/// (`REF*G1*AB` newline `CD`), which receivers reject or read as a new segment; delimiters were
/// refused, control characters were not.
#[test]
fn an_edit_value_with_a_control_character_is_refused() {
    let remit = acme_835(&[acme_denial("AUTH1", "CO*197", "")]);
    let original = acme_837("CH", "AUTH1");
    for value in ["AB\\nCD", "AB\\tCD", "AB\\rCD"] {
        let out = correct_files(
            &[("acme.835", remit.as_slice())],
            &[("auth.837", original.as_slice())],
            &format!(
                "[[edit]]\nclaim = \"AUTH1\"\nfield = \"2400[1] REF*G1\"\nvalue = \"{value}\"\n"
            ),
        );
        let c = claim(&out, "AUTH1");
        assert_eq!(c.disposition, Disposition::Worklisted, "{value}: {c:#?}");
        assert!(
            c.needed[0].contains("contains a control character"),
            "{value}: {:?}",
            c.needed
        );
        assert!(out.files.is_empty());
    }
}

/// [`acme_837`] for a dependant: the subscriber JANE DOE (member M1, SBR02 empty, no DMG), the
/// patient TED DOE in a 2000C level (PAT01 19, born 2010-01-01).
fn acme_dependant_837(clm01: &str) -> Vec<u8> {
    [
        "ISA*00*          *00*          *ZZ*SUBMITTER      *ZZ*RECEIVER       *250101*1200*^*00501*000000301*0*T*:~",
        "GS*HC*SUBMITTER*RECEIVER*20250101*1200*301*X*005010X222A1~",
        "ST*837*0001*005010X222A1~BHT*0019*00*B1*20250101*1200*CH~",
        "NM1*41*2*CLINIC*****46*SUBMITTER~PER*IC*BILLING*TE*9075550150~",
        "NM1*40*2*RECEIVER*****46*RECEIVER~HL*1**20*1~",
        "NM1*85*2*CLINIC*****XX*1234567893~N3*1 MAIN ST~N4*ANCHORAGE*AK*99501~REF*EI*123456789~",
        "HL*2*1*22*1~SBR*P********CI~NM1*IL*1*DOE*JANE****MI*M1~N3*1 A ST~N4*ANCHORAGE*AK*99501~",
        "NM1*PR*2*ACME HEALTH*****PI*ACME1~",
        "HL*3*2*23*0~PAT*19~NM1*QC*1*DOE*TED~N3*1 A ST~N4*ANCHORAGE*AK*99501~DMG*D8*20100101*M~",
        &format!("CLM*{clm01}*100***11:B:1*Y*A*Y*Y~"),
        "HI*ABK:J069~LX*1~SV1*HC:99213*100*UN*1***1~DTP*472*D8*20250105~",
        "SE*28*0001~GE*1*301~IEA*1*000000301~",
    ]
    .concat()
    .into_bytes()
}

/// The fields a claim's correction changed, with their new values (the frequency and REF*F8
/// aside).
fn changes_of(c: &ClaimOutcome) -> Vec<(String, String)> {
    c.changes
        .iter()
        .filter(|ch| !matches!(ch.field.as_str(), "2300 CLM05-3" | "2300 REF*F8 02"))
        .map(|ch| (ch.field.clone(), ch.new.clone().unwrap_or_default()))
        .collect()
}

/// Regression: on a dependant's claim, the patient's corrections landed on the subscriber:
/// NM1*74's corrected name renamed the subscriber (2010BA), the date of birth was asked for
/// and written in the subscriber's DMG, and an edit making the subscriber the patient
/// (SBR02 = 18) was written beside the patient level it contradicts.
#[test]
fn a_dependants_corrections_land_on_the_patient() {
    let claims: Vec<(String, Vec<u8>)> = ["NAME", "WHOSE", "DOB", "SELF"]
        .iter()
        .map(|c| (format!("{c}.837"), acme_dependant_837(c)))
        .collect();
    let claims: Vec<(&str, &[u8])> = claims
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    let denial = |clm01: &str, cas: &str, names: &str| {
        format!(
            "CLP*{clm01}*4*100*0**12*ICN{clm01}*11*1~CAS*{cas}*100~NM1*QC*1*DOE*TED****MI*M1~{names}\
             SVC*HC:99213*100*0~DTM*472*20250105~"
        )
    };
    let remit = acme_835(&[
        // No NM1*IL: the payer reads the patient as the insured; NM1*74 corrects TED.
        denial("NAME", "CO*31", "NM1*74*1*DOE*TEDDY****C*M2~"),
        // With NM1*IL: a name that is neither JANE nor TED may be either's.
        denial(
            "WHOSE",
            "CO*31",
            "NM1*IL*1*DOE*JANE****MI*M1~NM1*74*1*DOE*TEDDY****C*M2~",
        ),
        denial("DOB", "CO*6", ""),
        denial("SELF", "CO*32", ""),
    ]);
    let out = correct_files(
        &[("acme.835", remit.as_slice())],
        &claims,
        "[[edit]]\nclaim = \"DOB\"\nfield = \"2010CA DMG02\"\nvalue = \"20100102\"\n\
         [[edit]]\nclaim = \"DOB\"\nfield = \"2010CA DMG03\"\nvalue = \"M\"\n\
         [[edit]]\nclaim = \"SELF\"\nfield = \"2000B SBR02\"\nvalue = \"18\"\n",
    );

    let c = claim(&out, "NAME");
    assert_eq!(c.disposition, Disposition::Written, "{c:#?}");
    assert_eq!(
        changes_of(c),
        [
            ("2010BA NM1*IL 09".to_string(), "M2".to_string()),
            ("2010CA NM1*QC 04".to_string(), "TEDDY".to_string()),
        ]
    );

    let c = claim(&out, "WHOSE");
    assert_eq!(c.disposition, Disposition::Worklisted, "{c:#?}");
    assert!(
        c.needed
            .iter()
            .any(|n| n.starts_with("2010CA NM1*QC 03: the name NM1*74 gives, where it belongs")),
        "{:?}",
        c.needed
    );

    let c = claim(&out, "DOB");
    assert_eq!(c.disposition, Disposition::Written, "{c:#?}");
    assert_eq!(
        changes_of(c),
        [("2010CA DMG02".to_string(), "20100102".to_string())]
    );

    let c = claim(&out, "SELF");
    assert_eq!(c.disposition, Disposition::Worklisted, "{c:#?}");
    assert!(
        c.needed[0].starts_with("2000B SBR02 = 18 makes the subscriber the patient"),
        "{:?}",
        c.needed
    );
}

/// A CLM01 sent many times: only the last 64 originals read are compared with the denial (each
/// comparison matches service lines), and the note says so.
#[test]
fn only_the_latest_originals_of_a_clm01_are_compared() {
    let remit = acme_835(&[acme_denial("MANY", "CO*197", "")]);
    let originals: Vec<u8> = (0..70).flat_map(|_| acme_837("CH", "MANY")).collect();
    let out = correct_files(
        &[("acme.835", remit.as_slice())],
        &[("many.837", originals.as_slice())],
        "[[edit]]\nclaim = \"MANY\"\nfield = \"2300 REF*G1\"\nvalue = \"A1\"\n",
    );
    let c = claim(&out, "MANY");
    assert_eq!(c.disposition, Disposition::Written, "{c:#?}");
    assert_eq!(
        c.notes[0],
        "70 837 claims have CLM01 MANY; only the last 64 read were compared"
    );
}

/// Regression: an 835 CLP07 holding a control character (a tab) was copied into REF*F8 of
/// the replacement; it is asked for instead.
#[test]
fn a_clp07_an_element_cannot_hold_is_asked_for() {
    let remit = acme_835(&[acme_denial("TAB1", "CO*197", "").replace("ICNTAB1", "ICN\tTAB1")]);
    let original = acme_837("CH", "TAB1");
    let out = correct_files(
        &[("acme.835", remit.as_slice())],
        &[("tab.837", original.as_slice())],
        "[[edit]]\nclaim = \"TAB1\"\nfield = \"2300 REF*G1\"\nvalue = \"A1\"\n",
    );
    let c = claim(&out, "TAB1");
    assert_eq!(c.disposition, Disposition::Worklisted, "{c:#?}");
    assert!(
        c.needed
            .iter()
            .any(|n| n.starts_with("2300 REF*F8: the payer claim control number")),
        "{:?}",
        c.needed
    );
}

/// Regression: a claim billed to another payer kept the denying payer's address (2010BB N3/N4)
/// and the billing provider's id at that payer (2010BB REF*G2); a clearinghouse printing it
/// would mail it to the payer that had just denied it. Edits give the new payer's address.
#[test]
fn a_claim_billed_to_another_payer_carries_its_address_not_the_old_one() {
    let mut run = Run::new();
    let mut text = String::from_utf8(read("edits.toml")).unwrap();
    for (field, value) in [
        ("2010BB N301", "PO BOX 900"),
        ("2010BB N401", "HELENA"),
        ("2010BB N402", "MT"),
        ("2010BB N403", "59601"),
    ] {
        text.push_str(&format!(
            "\n[[edit]]\nclaim = \"PCN7007\"\nfield = \"{field}\"\nvalue = \"{value}\"\n"
        ));
    }
    run.edits = Some(Edits::from_toml(&text).unwrap());
    let (out, _) = run.go();
    let c = claim(&out, "PCN7007");
    assert_eq!(c.disposition, Disposition::Written, "{c:#?}");
    let file = out
        .files
        .iter()
        .find(|f| f.claims.iter().any(|k| k == "PCN7007/1"))
        .unwrap();
    let text = String::from_utf8(file.bytes.clone()).unwrap();
    let segs: Vec<&str> = text.split('~').map(str::trim).collect();
    let at = segs
        .iter()
        .position(|s| s.starts_with("CLM*PCN7007*"))
        .unwrap();
    assert_eq!(
        segs[at - 3..at],
        [
            "NM1*PR*2*NORTHERN MUTUAL INSURANCE*****PI*NMI0001",
            "N3*PO BOX 900",
            "N4*HELENA*MT*59601",
        ]
    );
    assert!(!text.contains("PO BOX 4400") && !text.contains("SHP11907"));
    reparse(&file.name, &file.bytes);
}

/// An address added by edits must be whole: a street (N3) without its city, state and ZIP (N4)
/// is asked for rather than written.
#[test]
fn an_address_added_without_its_city_is_asked_for() {
    let mut run = Run::new();
    let mut text = String::from_utf8(read("edits.toml")).unwrap();
    text.push_str(
        "\n[[edit]]\nclaim = \"PCN7007\"\nfield = \"2010BB N301\"\nvalue = \"PO BOX 900\"\n",
    );
    run.edits = Some(Edits::from_toml(&text).unwrap());
    let (out, _) = run.go();
    let c = claim(&out, "PCN7007");
    assert_eq!(c.disposition, Disposition::Worklisted, "{c:#?}");
    assert_eq!(
        c.needed,
        [
            "2010BB: an address was added to the claim: its city, state and ZIP code (N401-N403) is needed too"
        ]
    );
}

/// A dental claim (837D, 005010X224A2) denied on one procedure is replaced whole: frequency 7
/// with REF*F8 in CLM05-3, the edit's REF*G1, and every line with its tooth numbers (TOO) and
/// line control numbers as sent. pyx12 has no 837D map, so the file is read back here.
#[test]
fn a_dental_claim_is_replaced_with_its_teeth() {
    let original = std::fs::read(dir().join("../837d/basic.837")).unwrap();
    let lines = [
        ("D0120", "60", "60", "1", ""),
        ("D1110", "110", "110", "2", ""),
        ("D2392", "195", "195", "3", ""),
        ("D2740", "1200", "0", "4", "CAS*CO*197*1200~"),
        ("D0230", "70", "70", "5", ""),
    ];
    let mut clp = String::from(
        "CLP*PCN4001*1*1635*435**12*2506000004001*11*1~NM1*QC*1*HALE*ROWAN****MI*D400000001~",
    );
    for (code, charge, paid, n, cas) in lines {
        clp.push_str(&format!(
            "SVC*AD:{code}*{charge}*{paid}**1~DTM*472*20250114~{cas}REF*6R*PCN4001L{n}~"
        ));
    }
    let segments = clp.matches('~').count();
    let remit = acme_835(&[clp]);
    let remit = String::from_utf8(remit)
        .unwrap()
        .replace("SE*20*0001", &format!("SE*{}*0001", 10 + segments))
        .replace(
            "ACME HEALTH~REF*2U*ACME1",
            "SUMMIT DENTAL PLAN~REF*2U*SUMMIT02",
        )
        .into_bytes();
    let out = correct_files(
        &[("dental.835", remit.as_slice())],
        &[("basic.837", original.as_slice())],
        "[[edit]]\nclaim = \"PCN4001\"\nfield = \"2300 REF*G1\"\nvalue = \"PA4400127\"\n",
    );
    assert!(out.input_errors.is_empty(), "{:?}", out.input_errors);
    let c = claim(&out, "PCN4001");
    assert_eq!(c.disposition, Disposition::Written, "{c:#?}");
    assert_eq!(written(c), [('7', Some("2506000004001"))]);
    assert_eq!(changed(c, "2300 REF*G1 02").as_deref(), Some("PA4400127"));
    assert_eq!(out.files.len(), 1);
    assert!(
        out.files[0].name.starts_with("corrected-837D-"),
        "{}",
        out.files[0].name
    );
    let sets = reparse(&out.files[0].name, &out.files[0].bytes);
    let claim = sets[0].find_claim("PCN4001").unwrap();
    assert_eq!(claim.prior_authorization(), Some("PA4400127"));
    assert_eq!(claim.lines().count(), 5, "a replacement carries every line");
    let text = String::from_utf8(out.files[0].bytes.clone()).unwrap();
    for seg in [
        "TOO*JP*14*M:O~",
        "TOO*JP*3~",
        "TOO*JP*19~",
        "TOO*JP*30~",
        "REF*6R*PCN4001L4~",
    ] {
        assert!(text.contains(seg), "{seg} kept");
    }
}

/// Regression: a claim to appeal whose original 837 was not given was worklisted as "original
/// 837 not found", as if the 837 were what it needed; an appeal needs none. It is now
/// worklisted for the appeal (the missing 837 noted) and gets its draft letter.
#[test]
fn an_appeal_needs_no_original_837() {
    let remit = acme_835(&[acme_denial("NEC1", "CO*50", "")]);
    let out = correct_files(&[("acme.835", remit.as_slice())], &[], "");
    let c = claim(&out, "NEC1");
    assert_eq!(
        (c.disposition, c.route, c.reason.as_str()),
        (
            Disposition::Worklisted,
            Route::Appeal,
            "a person must act on the payer's decision"
        ),
        "{c:#?}"
    );
    assert!(c.needed[0].starts_with("Appeal with"), "{:?}", c.needed);
    assert_eq!(
        c.notes,
        [
            "original 837 not found: no CLM01 NEC1 in the claim files given (not needed for this step)"
        ]
    );
    assert_eq!(out.appeals.len(), 1);
    let letter = &out.appeals[0];
    assert_eq!(
        (letter.claim.as_str(), letter.name.as_str()),
        ("NEC1", "appeal-NEC1-ICNNEC1.md")
    );
    for want in [
        "# Request for reconsideration: claim NEC1\n",
        "ACME HEALTH (payer ID ACME1)  \n",
        // No appeals address in payer rules: the 835's, and a reminder.
        "[the payer's appeals address, if it is not the address above]\n",
        "| Patient | DOE, JANE |\n",
        "| Payer claim number | ICNNEC1 |\n",
        "| 1 | 2025-01-05 | 99213 | 100.00 | 0.00 | 100.00 | CO-50 |\n",
    ] {
        assert!(letter.text.contains(want), "{want:?} in\n{}", letter.text);
    }
    // Regression (found by the `correct` fuzz target): an original read with errors put the
    // appeal on the worklist as "original 837 read with errors", with no letter.
    let cut = String::from_utf8(acme_837("CH", "NEC1")).unwrap();
    let cut = cut.split("SE*").next().unwrap().to_string();
    let out = correct_files(
        &[("acme.835", remit.as_slice())],
        &[("cut.837", cut.as_bytes())],
        "",
    );
    let c = claim(&out, "NEC1");
    assert_eq!(
        (c.route, c.reason.as_str()),
        (Route::Appeal, "a person must act on the payer's decision"),
        "{c:#?}"
    );
    assert!(
        c.notes[0].starts_with("original 837 read with errors")
            && c.notes[0].ends_with("(not needed for this step)"),
        "{:?}",
        c.notes
    );
    assert_eq!(out.appeals.len(), 1);
    assert!(out.failed(), "the damaged 837 still fails the run");
    // A dependant named without an id (NM1*QC) is known by the subscriber's (NM1*IL).
    let dependant = acme_denial("NEC2", "CO*50", "").replace(
        "NM1*QC*1*DOE*JANE****MI*M1~",
        "NM1*QC*1*DOE*JUNE~NM1*IL*1*DOE*JANE****MI*M1~",
    );
    let remit2 = acme_835(&[dependant]);
    let out = correct_files(&[("acme.835", remit2.as_slice())], &[], "");
    let text = &out.appeals[0].text;
    assert!(
        text.contains("| Patient | DOE, JUNE |\n| Member ID | M1 |\n"),
        "{text}"
    );
    // A claim routed elsewhere gets no letter.
    let remit = acme_835(&[acme_denial("AUTH1", "CO*197", "")]);
    let out = correct_files(&[("acme.835", remit.as_slice())], &[], "");
    assert!(out.appeals.is_empty());
}

/// Regression (found by the `correct` fuzz target): an original whose billing provider level
/// had a garbled HL03 (read with a warning, so not damaged) was replaced without that level:
/// the written subscriber HL named no parent (HL02 empty), which the reader rejects. Such a
/// claim is now worklisted.
#[test]
fn fuzz_an_original_without_its_billing_provider_level_is_not_replaced() {
    let remit = acme_835(&[acme_denial("LVL1", "CO*197", "")]);
    let original = String::from_utf8(acme_837("CH", "LVL1"))
        .unwrap()
        .replace("HL*1**20*1~", "HL*1**2X*1~");
    let out = correct_files(
        &[("acme.835", remit.as_slice())],
        &[("levels.837", original.as_bytes())],
        "[[edit]]\nclaim = \"LVL1\"\nfield = \"2300 REF*G1\"\nvalue = \"A1\"\n",
    );
    let c = claim(&out, "LVL1");
    assert_eq!(
        (c.disposition, c.reason.as_str()),
        (Disposition::Worklisted, "original 837 without its levels"),
        "{c:#?}"
    );
    assert!(
        c.needed[0].starts_with("original 837 without its billing provider (2000A) level"),
        "{:?}",
        c.needed
    );
    assert!(out.files.is_empty());
}
