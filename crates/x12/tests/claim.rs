//! The typed 837: loop assignment, kinds, HL checks, typed views, JSON, claims taken out with
//! their context, against inline samples, the project's fixtures (facts computed by their
//! generator) and, when `DENALI_EXTERNAL_FIXTURES` is set, the shared external corpus.

use std::path::{Path, PathBuf};

use denali_x12::claim::{Claim837Set, ClaimKind, Loop, LoopId, parse_837};
use denali_x12::{Diagnostic, DiagnosticCode, Event, ParseOptions, Reader, Severity};
use proptest::prelude::*;
use rust_decimal::Decimal;

/// Every 837 set in `bytes`, with the diagnostics of the reader and the parser.
fn sets(bytes: &[u8]) -> (Vec<Claim837Set>, Vec<Diagnostic>) {
    let mut r = Reader::from_slice(bytes);
    let mut out = Vec::new();
    let mut diags = Vec::new();
    while let Ok(Some(ev)) = r.next_event() {
        if let Event::Transaction(tx) = ev
            && tx.set_id == "837"
        {
            let (s, d) = parse_837(&tx, &ParseOptions::default());
            out.push(s);
            diags.extend(d);
        }
    }
    diags.extend(r.take_diagnostics());
    (out, diags)
}

fn one(text: &str) -> (Claim837Set, Vec<Diagnostic>) {
    let bytes = text.replace('\n', "");
    let (mut s, d) = sets(bytes.as_bytes());
    assert_eq!(s.len(), 1, "one set expected");
    (s.remove(0), d)
}

/// The loop tree as `id(child,child…)` text.
fn shape(l: &Loop) -> String {
    let kids: Vec<String> = l.children().iter().map(shape).collect();
    if kids.is_empty() {
        l.id().to_string()
    } else {
        format!("{}({})", l.id(), kids.join(","))
    }
}

const ISA: &str = "ISA*00*          *00*          *ZZ*SUB            *ZZ*RCV            *240101*1200*^*00501*000000001*0*T*:~";

fn envelope(version: &str, body: &str) -> String {
    let segs = body.matches('~').count() + 2;
    format!(
        "{ISA}GS*HC*S*R*20240101*1200*1*X*{version}~ST*837*0001*{version}~{body}SE*{segs}*0001~GE*1*1~IEA*1*000000001~"
    )
}

const HEADER: &str = "BHT*0019*00*B1*20240101*1200*CH~NM1*41*2*SUBMITTER*****46*S1~PER*IC*X*TE*5555550100~NM1*40*2*PAYER*****46*R1~";

const COB_P: &str = "HL*1**20*1~PRV*BI*PXC*207Q00000X~NM1*85*2*CLINIC*****XX*1234567893~N3*1 MAIN~N4*CITY*IL*62701~REF*EI*123456789~\
HL*2*1*22*0~SBR*S*18*******CI~NM1*IL*1*DOE*JANE****MI*M1~NM1*PR*2*PAYER B*****PI*PB~\
CLM*PCN1*300***11:B:1*Y*A*Y*Y~REF*G1*AUTH1~HI*ABK:J101*ABF:R05~NM1*82*1*DOC*DANA****XX*1497758544~PRV*PE*PXC*207Q00000X~\
SBR*P*18*GRP******CI~CAS*PR*1*20~AMT*D*180~OI***Y*P**Y~NM1*IL*1*DOE*JANE****MI*M1~NM1*PR*2*PAYER A*****PI*PA~\
LX*1~SV1*HC:99213:25:59*200*UN*1***1:2~DTP*472*RD8*20240101-20240102~REF*6R*L1~LIN**N4*00002014301~CTP****1*UN~\
NM1*82*1*DOC*DANA****XX*1497758544~SVD*PA*150*HC:99213**1~CAS*CO*45*50~DTP*573*D8*20240110~\
LX*2~SV1*HC:87880*100*UN*2***1~DTP*472*D8*20240101~REF*6R*L2~";

#[test]
fn professional_loops_and_views() {
    let (set, diags) = one(&envelope("005010X222A1", &format!("{HEADER}{COB_P}")));
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(set.kind(), Some(ClaimKind::Professional));
    assert_eq!(
        shape(set.root()),
        "header(1000A,1000B,2000A(2010AA),2000B(2010BA,2010BB,2300(2310B,2320(2330A,2330B),2400(2410,2420A,2430),2400)))"
    );
    let c = set.claims().next().unwrap();
    assert_eq!(c.patient_control_number(), Some("PCN1"));
    assert_eq!(c.total_charge(), Some(Decimal::new(300, 0)));
    assert_eq!(
        (c.facility_code(), c.facility_code_qualifier()),
        (Some("11"), Some("B"))
    );
    assert_eq!(c.frequency_code().map(|f| f.as_char()), Some('1'));
    assert_eq!(c.prior_authorization(), Some("AUTH1"));
    assert_eq!(c.original_claim_number(), None);
    let dx: Vec<_> = c
        .diagnoses()
        .iter()
        .map(|d| (d.qualifier, d.code))
        .collect();
    assert_eq!(dx, [("ABK", "J101"), ("ABF", "R05")]);
    assert_eq!(
        c.provider(LoopId::L2310(b'B')).and_then(|p| p.id()),
        Some("1497758544")
    );
    assert_eq!(c.other_subscribers().count(), 1);
    let sub = c.subscriber().unwrap();
    assert_eq!(
        (sub.member_id(), sub.payer_responsibility()),
        (Some("M1"), Some("S"))
    );
    assert_eq!(sub.payer().and_then(|p| p.id()), Some("PB"));
    assert_eq!(
        c.billing_provider().and_then(|b| b.npi()),
        Some("1234567893")
    );
    assert_eq!(
        c.billing_provider().and_then(|b| b.tax_id()),
        Some("123456789")
    );
    assert!(c.patient().is_none());
    let lines: Vec<_> = c.lines().collect();
    assert_eq!(lines.len(), 2);
    let p = lines[0].procedure().unwrap();
    assert_eq!(
        (p.qualifier, p.code, p.modifiers.clone()),
        ("HC", "99213", vec!["25", "59"])
    );
    assert_eq!(lines[0].charge(), Some(Decimal::new(200, 0)));
    assert_eq!(lines[0].units(), Some(Decimal::new(1, 0)));
    assert_eq!(lines[0].diagnosis_pointers(), [1, 2]);
    assert_eq!(lines[0].control_number(), Some("L1"));
    let d = lines[0].service_date().unwrap();
    assert_eq!(d.start.to_string(), "2024-01-01");
    assert_eq!(d.end.map(|e| e.to_string()).as_deref(), Some("2024-01-02"));
    assert_eq!(lines[0].drug_code(), Some("00002014301"));
    assert_eq!(lines[0].adjudications().count(), 1);
    assert_eq!(lines[1].units(), Some(Decimal::new(2, 0)));
    assert_eq!(lines[1].number(), Some(2));
}

#[test]
fn json_uses_the_shared_conventions() {
    let (set, _) = one(&envelope("005010X222A1", &format!("{HEADER}{COB_P}")));
    let v = serde_json::to_value(&set).unwrap();
    assert_eq!(v["set"], "837P");
    assert_eq!(v["version"], "005010X222A1");
    let c = &v["claims"][0];
    assert_eq!(c["patient_control_number"], "PCN1");
    assert_eq!(c["total_charge"], "300");
    assert_eq!(c["frequency_code"], "1");
    assert_eq!(c["facility_code"], "11");
    assert_eq!(c["diagnoses"][1]["code"], "R05");
    let l = &c["service_lines"][0];
    assert_eq!(l["procedure"]["qualifier"], "HC");
    assert_eq!(l["procedure"]["code"], "99213");
    assert_eq!(l["procedure"]["modifiers"], serde_json::json!(["25", "59"]));
    assert_eq!(l["charge"], "200");
    assert_eq!(l["units"], "1");
    assert_eq!(l["control_number"], "L1");
    assert_eq!(l["service_date"], "2024-01-01");
    assert_eq!(l["service_date_end"], "2024-01-02");
    // Scale is kept as sent.
    let (set, _) = one(&envelope(
        "005010X222A1",
        &format!("{HEADER}{COB_P}").replace("CLM*PCN1*300", "CLM*PCN1*300.50"),
    ));
    assert_eq!(
        serde_json::to_value(&set).unwrap()["claims"][0]["total_charge"],
        "300.50"
    );
}

#[test]
fn label_disagreeing_with_content_trusts_the_content() {
    let body = format!(
        "{HEADER}{}",
        COB_P
            .replace(
                "SV1*HC:99213:25:59*200*UN*1***1:2",
                "SV2*0450*HC:99213*200*UN*1"
            )
            .replace("SV1*HC:87880*100*UN*2***1", "SV2*0300*HC:87880*100*UN*2")
    );
    let (set, diags) = one(&envelope("005010X222A1", &body));
    assert_eq!(set.label(), Some(ClaimKind::Professional));
    assert_eq!(set.kind(), Some(ClaimKind::Institutional));
    assert_eq!(
        diags
            .iter()
            .filter(|d| d.code == DiagnosticCode::VersionMismatch)
            .count(),
        1
    );
    let line = set.claims().next().unwrap().lines().next().unwrap();
    assert_eq!(line.revenue_code(), Some("0450"));
    assert_eq!(line.charge(), Some(Decimal::new(200, 0)));
    // Read as institutional, NM1*82 under 2300 is 2310D (rendering), not 2310B.
    assert!(
        set.claims()
            .next()
            .unwrap()
            .provider(LoopId::L2310(b'D'))
            .is_some()
    );
    // With the label only (no lines), the label decides, silently.
    let (set, diags) = one(&envelope("005010X223A2", HEADER));
    assert_eq!(set.kind(), Some(ClaimKind::Institutional));
    assert!(
        diags
            .iter()
            .all(|d| d.code != DiagnosticCode::VersionMismatch)
    );
}

#[test]
fn hl_parent_links_are_checked() {
    let body = format!(
        "{HEADER}HL*1**20*1~NM1*85*2*C*****XX*1234567893~HL*2*9*22*1~SBR*P*18*******CI~\
         HL*3*3*23*0~PAT*19~HL*4*1*23*0~PAT*19~HL*5**22*0~SBR*P*18*******CI~"
    );
    let (_, diags) = one(&envelope("005010X222A1", &body));
    let hl: Vec<_> = diags
        .iter()
        .filter(|d| {
            matches!(
                d.code,
                DiagnosticCode::HlParentMissing | DiagnosticCode::HlLevelMismatch
            )
        })
        .map(|d| (d.code, d.position.segment_index, d.message.clone()))
        .collect();
    assert_eq!(hl.len(), 4, "{hl:#?}");
    assert!(hl[0].2.contains("no earlier HL"));
    assert!(hl[1].2.contains("itself"));
    assert_eq!(hl[2].0, DiagnosticCode::HlLevelMismatch);
    assert!(hl[3].2.contains("without a parent"));
    // Repeated HL ids break the TR3 (HL01 counts up from 1 in a set): each repeat is an error
    // (found by the session 10 sweep: validate accepted them), and the nearest earlier level
    // with the id is still taken as the parent.
    let body = format!(
        "{HEADER}HL*1**20*1~NM1*85*2*C*****XX*1234567893~HL*2*1*22*0~SBR*P*18*******CI~\
         HL*1**20*1~NM1*85*2*D*****XX*1497758544~HL*2*1*22*0~SBR*P*18*******CI~CLM*P2*10***11:B:1~LX*1~SV1*HC:99213*10*UN*1~"
    );
    let (set, diags) = one(&envelope("005010X222A1", &body));
    let found: Vec<_> = diags
        .iter()
        .map(|d| {
            (
                d.severity,
                d.code,
                d.position.segment_id.as_str().to_string(),
                d.position.element,
            )
        })
        .collect();
    let repeat = (
        Severity::Error,
        DiagnosticCode::HlDuplicate,
        "HL".to_string(),
        1,
    );
    assert_eq!(found, [repeat.clone(), repeat], "{diags:?}");
    let c = set.claims().next().unwrap();
    assert_eq!(
        c.billing_provider().and_then(|b| b.npi()),
        Some("1497758544")
    );
}

#[test]
fn institutional_and_dental_provider_letters() {
    let inst = format!(
        "{HEADER}HL*1**20*1~NM1*85*2*H*****XX*1234567893~HL*2*1*22*0~SBR*P*18*******MB~NM1*IL*1*D*J****MI*M~NM1*PR*2*P*****PI*P~\
         CLM*I1*50***13:A:1**A*Y*Y~DTP*434*RD8*20240101-20240103~CL1*1*1*01~HI*ABK:R0789~NM1*71*1*ATT*A****XX*1497758544~NM1*72*1*OP*O~NM1*DN*1*REF*R~\
         LX*1~SV2*0450*HC:99284*50*UN*1~NM1*72*1*OP*O~NM1*DN*1*REF*R~"
    );
    let (set, diags) = one(&envelope("005010X223A2", &inst));
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(
        shape(set.root()),
        "header(1000A,1000B,2000A(2010AA),2000B(2010BA,2010BB,2300(2310A,2310B,2310F,2400(2420A,2420D))))"
    );
    let c = set.claims().next().unwrap();
    let period = c.date("434").unwrap();
    assert_eq!(period.end.unwrap().to_string(), "2024-01-03");
    assert_eq!(c.facility_code(), Some("13"));
    assert_eq!(c.facility_code_qualifier(), Some("A"));
    let dental = format!(
        "{HEADER}HL*1**20*1~NM1*85*2*D*****XX*1234567893~HL*2*1*22*1~SBR*P********CI~NM1*IL*1*S*J****MI*M~NM1*PR*2*P*****PI*P~\
         HL*3*2*23*0~PAT*19~NM1*QC*1*S*T~CLM*D1*150***11:B:1*Y*A*Y*I~NM1*82*1*K*B****XX*1497758544~\
         LX*1~SV3*AD:D2150*100****1~TOO*JP*12*M:O~NM1*82*1*K*B****XX*1497758544~LX*2~SV3*AD:D1110*50****2~"
    );
    let (set, diags) = one(&envelope("005010X224A2", &dental));
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(set.kind(), Some(ClaimKind::Dental));
    let c = set.claims().next().unwrap();
    assert!(c.patient().is_some());
    assert!(c.provider(LoopId::L2310(b'B')).is_some());
    let lines: Vec<_> = c.lines().collect();
    assert_eq!(lines[0].procedure().unwrap().code, "D2150");
    assert_eq!(lines[1].units(), Some(Decimal::new(2, 0)));
    assert_eq!(
        lines[0].providers().next().unwrap().as_loop().id(),
        LoopId::L2420(b'A')
    );
}

#[test]
fn claims_come_out_with_their_context_and_go_back_in() {
    let body = format!(
        "{HEADER}HL*1**20*1~NM1*85*2*C*****XX*1234567893~\
         HL*2*1*22*0~SBR*P*18*******CI~NM1*IL*1*A*A****MI*M1~NM1*PR*2*P*****PI*P~CLM*P1*10***11:B:1~LX*1~SV1*HC:99213*10*UN*1~\
         HL*3*1*22*1~SBR*P********CI~NM1*IL*1*B*B****MI*M2~NM1*PR*2*P*****PI*P~\
         HL*4*3*23*0~PAT*19~NM1*QC*1*B*C~CLM*P2*20***11:B:1~LX*1~SV1*HC:99213*20*UN*1~CLM*P3*30***11:B:1~LX*1~SV1*HC:99213*30*UN*1~"
    );
    let (set, diags) = one(&envelope("005010X222A1", &body));
    assert!(diags.is_empty(), "{diags:?}");
    let all = set.claims_with_context();
    assert_eq!(all.len(), 3);
    let third = &all[2];
    assert_eq!(third.view().patient_control_number(), Some("P3"));
    assert_eq!(third.subscriber_view().unwrap().member_id(), Some("M2"));
    assert_eq!(
        third.patient_view().unwrap().name().unwrap().first_name(),
        Some("C")
    );
    assert!(third.find_loop(LoopId::L1000A).is_some());
    assert!(
        third
            .billing_provider
            .as_ref()
            .unwrap()
            .children()
            .iter()
            .all(|c| c.id() != LoopId::L2300)
    );
    // Only the last claim, alone: HL renumbered 1, 2, 3 with parents.
    let alone = third.clone().into_set().unwrap().unwrap();
    let hls: Vec<String> = alone
        .hl_levels()
        .map(|(_, l)| String::from_utf8_lossy(l.first("HL").unwrap().as_bytes()).into_owned())
        .collect();
    assert_eq!(hls, ["HL*1**20*1", "HL*2*1*22*1", "HL*3*2*23*0"]);
    assert_eq!(alone.claim_count(), 1);
    // Claims 1 and 3 together: one billing provider, two subscribers, one patient.
    let two = Claim837Set::assemble(None, None, [all[0].clone(), all[2].clone()])
        .unwrap()
        .unwrap();
    let hls: Vec<String> = two
        .hl_levels()
        .map(|(_, l)| String::from_utf8_lossy(l.first("HL").unwrap().as_bytes()).into_owned())
        .collect();
    assert_eq!(
        hls,
        ["HL*1**20*1", "HL*2*1*22*0", "HL*3*1*22*1", "HL*4*3*23*0"]
    );
    let pcns: Vec<_> = two
        .claims()
        .map(|c| c.patient_control_number().unwrap().to_string())
        .collect();
    assert_eq!(pcns, ["P1", "P3"]);
    // Claims 2 and 3 share their patient.
    let same = Claim837Set::assemble(None, None, [all[1].clone(), all[2].clone()])
        .unwrap()
        .unwrap();
    assert_eq!(same.hl_levels().count(), 3);
    assert_eq!(same.claim_count(), 2);
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

#[test]
fn project_fixtures_match_their_facts() {
    let facts = fixtures().join("expected/facts.tsv");
    let Ok(text) = std::fs::read_to_string(&facts) else {
        eprintln!("skipped: {} not found", facts.display());
        return;
    };
    let mut header: Vec<&str> = Vec::new();
    let mut checked = 0;
    for line in text.lines() {
        let cols: Vec<&str> = line.split('\t').collect();
        if header.is_empty() {
            header = cols;
            continue;
        }
        let get = |name: &str| {
            header
                .iter()
                .position(|h| *h == name)
                .and_then(|i| cols.get(i))
                .copied()
                .unwrap_or("")
        };
        if !get("kind").starts_with("837") || get("expect") == "error" {
            continue;
        }
        let path = fixtures().join(get("path"));
        let bytes = std::fs::read(&path).unwrap();
        let (sets, diags) = sets(&bytes);
        let name = get("path");
        assert_eq!(sets.len().to_string(), get("st"), "{name}");
        let claims: usize = sets.iter().map(Claim837Set::claim_count).sum();
        assert_eq!(claims.to_string(), get("claims"), "{name}");
        let sum: Decimal = sets
            .iter()
            .flat_map(|s| s.claims())
            .filter_map(|c| c.total_charge())
            .sum();
        assert_eq!(sum, get("sum_clm02").parse::<Decimal>().unwrap(), "{name}");
        for s in &sets {
            assert_eq!(
                s.kind().map(ClaimKind::as_str),
                Some(get("content_kind")),
                "{name}"
            );
            for c in s.claims() {
                let lines: Decimal = c.lines().filter_map(|l| l.charge()).sum();
                if get("claim_imbalances") == "0" {
                    assert_eq!(
                        Some(lines),
                        c.total_charge(),
                        "{name}: {:?}",
                        c.patient_control_number()
                    );
                }
            }
        }
        let mismatch = diags
            .iter()
            .any(|d| d.code == DiagnosticCode::VersionMismatch);
        assert_eq!(mismatch, get("kind") != get("content_kind"), "{name}");
        if get("expect") == "ok" {
            assert!(diags.is_empty(), "{name}: {diags:#?}");
        }
        checked += 1;
    }
    eprintln!("{checked} 837 fixtures match their facts");
}

#[test]
fn corrected_fixture_is_a_replacement() {
    let Ok(bytes) = std::fs::read(fixtures().join("837p/corrected.837")) else {
        eprintln!("skipped: fixtures/837p/corrected.837 not found");
        return;
    };
    let (sets, _) = sets(&bytes);
    let c = sets[0].claims().next().unwrap();
    assert_eq!(c.frequency_code().map(|f| f.as_char()), Some('7'));
    assert!(c.original_claim_number().is_some());
    assert!(c.prior_authorization().is_some());
}

#[test]
fn external_corpus_kinds_and_claim_counts() {
    let Some(dir) = std::env::var_os("DENALI_EXTERNAL_FIXTURES") else {
        eprintln!("skipped: DENALI_EXTERNAL_FIXTURES is not set");
        return;
    };
    let mut dir = PathBuf::from(dir);
    if dir.is_relative() {
        // cargo runs tests from the crate; a relative path is meant from the workspace root.
        dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../..")
            .join(dir);
    }
    assert!(
        dir.is_dir(),
        "DENALI_EXTERNAL_FIXTURES={} is not a directory",
        dir.display()
    );
    let mut files = Vec::new();
    let mut stack = vec![dir];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                if !p.ends_with("invalid") {
                    stack.push(p);
                }
            } else {
                files.push(p);
            }
        }
    }
    let mut checked = 0;
    for f in files {
        let bytes = std::fs::read(&f).unwrap();
        let (sets, _) = sets(&bytes);
        if sets.is_empty() {
            continue;
        }
        checked += 1;
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        // Claims counted by the model equal CLM segments in the bytes.
        let clm = sets
            .iter()
            .map(|s| s.segments().filter(|(_, s, _)| s.id().is("CLM")).count())
            .sum::<usize>();
        let claims = sets.iter().map(Claim837Set::claim_count).sum::<usize>();
        assert_eq!(claims, clm, "{name}");
        // Kinds agree with the implementation guide named in the file name, where there is one.
        if let Some(k) = ClaimKind::from_version(&name) {
            for s in &sets {
                assert_eq!(s.kind(), Some(k), "{name}");
            }
        }
        for s in &sets {
            let _ = serde_json::to_string(s).unwrap();
            assert!(
                s.claims()
                    .all(|c| c.subscriber().is_some() || c.billing_provider().is_some()),
                "{name}"
            );
        }
    }
    assert!(checked >= 50, "only {checked} 837 files found");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bodies_never_panic(body in proptest::collection::vec(
        proptest::sample::select(&[
            "HL*1**20*1~", "HL*2*1*22*0~", "HL*3*2*23*0~", "HL*2*2*22~", "HL**9*23~", "CLM*X*1***11:B:7~", "CLM~",
            "LX*1~", "SV1*HC:1:2:3:4:5:6:7:8*x~", "SV2*0450~", "SV3~", "NM1*82~", "NM1*41*2~", "NM1*IL~", "NM1*PR~",
            "NM1*QC~", "NM1*DN~", "SBR*P~", "LIN**N4*1~", "SVD*A*1~", "LQ*UT~", "DTP*472*RD8*2024~", "DTP*472*D8*20240231~",
            "REF*F8*A~", "HI*ABK:J10^ABF:R05*BK~", "PAT~", "BHT~", "**~", "N3~", "AMT*D*x~", "SE*1~",
        ][..]), 0..40)) {
        let text = envelope("005010X222A1", &body.concat());
        let (sets, _) = sets(text.as_bytes());
        for s in &sets {
            let _ = serde_json::to_string(s).unwrap();
            for c in s.claims_with_context() {
                let _ = c.into_set();
            }
            // Every segment is in the model (unless the body ends the set early or holds a
            // segment the reader skips).
            if !body.iter().any(|b| *b == "**~" || *b == "SE*1~") {
                prop_assert_eq!(s.segment_count() + 4, text.matches('~').count());
            }
        }
    }
}
