//! Every fixture in fixtures/expected/facts.tsv: exact envelope counts, claim counts, Σ CLP03,
//! Σ CLP04, envelope and balancing diagnostics, read both from a slice and streamed.

use std::str::FromStr;

use rust_decimal::Decimal;

use crate::common::{fixtures, scan_both};

const ENVELOPE: [&str; 6] = [
    "segment_count_mismatch",
    "transaction_count_mismatch",
    "group_count_mismatch",
    "transaction_control_mismatch",
    "group_control_mismatch",
    "interchange_control_mismatch",
];

#[test]
fn facts_match_every_fixture() {
    let facts = std::fs::read_to_string(fixtures().join("expected/facts.tsv")).expect("facts.tsv");
    let mut rows = facts.lines();
    let header: Vec<&str> = rows.next().expect("header").split('\t').collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .unwrap_or_else(|| panic!("column {name}"))
    };
    let mut checked_835 = 0;
    for row in rows.filter(|r| !r.trim().is_empty()) {
        let f: Vec<&str> = row.split('\t').collect();
        let get = |name: &str| f.get(col(name)).copied().unwrap_or("");
        let path = get("path");
        let bytes = std::fs::read(fixtures().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
        let s = scan_both(&bytes);
        let num = |name: &str| {
            get(name)
                .parse::<usize>()
                .unwrap_or_else(|_| panic!("{path}: {name}"))
        };
        if get("expect") == "ok" || get("expect") == "warn" {
            assert!(s.fatal.is_none(), "{path}: {:?}", s.fatal);
            assert_eq!(s.interchanges, num("isa"), "{path}: ISA count");
            assert_eq!(s.groups, num("gs"), "{path}: GS count");
            assert_eq!(s.transactions, num("st"), "{path}: ST count");
        }
        if get("kind") != "835" || get("expect") == "error" {
            continue;
        }
        checked_835 += 1;
        // "-" marks a fact the fixture does not pin down.
        let check = |name: &str, got: usize| {
            if let Ok(want) = get(name).parse::<usize>() {
                assert_eq!(got, want, "{path}: {name} {:#?}", s.diagnostics);
            }
        };
        check("claims", s.claims);
        let dec =
            |name: &str| Decimal::from_str(get(name)).unwrap_or_else(|_| panic!("{path}: {name}"));
        assert_eq!(s.sum_clp04, dec("sum_clp04"), "{path}: Σ CLP04");
        assert_eq!(s.sum_clp03, dec("sum_clp03"), "{path}: Σ CLP03");
        check("env_warnings", ENVELOPE.iter().map(|c| s.count(c)).sum());
        check("line_imbalances", s.count("line_unbalanced"));
        check("claim_imbalances", s.count("claim_unbalanced"));
        check("txn_imbalances", s.count("transaction_unbalanced"));
    }
    assert!(checked_835 >= 20, "only {checked_835} 835 fixtures checked");
}

#[test]
fn invalid_fixtures_report_without_panicking() {
    let dir = fixtures().join("invalid");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).expect("fixtures/invalid") {
        let path = entry.expect("entry").path();
        let bytes = std::fs::read(&path).expect("read");
        let s = scan_both(&bytes);
        assert!(
            s.fatal.is_some() || !s.diagnostics.is_empty(),
            "{}: neither an error nor a diagnostic",
            path.display()
        );
        n += 1;
    }
    assert!(n >= 8, "only {n} invalid fixtures");
}

/// Regression (adversarial sweep, session 9): the warning for a last segment without its
/// terminator gave no segment id, though the next diagnostic on the same segment did. Every
/// diagnostic of the truncated fixture that points into a segment names it.
#[test]
fn a_missing_terminator_names_its_segment() {
    let bytes = std::fs::read(fixtures().join("invalid/truncated.835")).expect("truncated.835");
    let s = scan_both(&bytes);
    let d = s
        .diagnostics
        .iter()
        .find(|d| d.code.as_str() == "missing_terminator")
        .expect("a missing_terminator warning");
    assert_eq!(d.position.segment_id.as_str(), "SVC");
    assert_eq!((d.position.offset, d.position.segment_index), (976, 35));
}

#[test]
fn every_truncation_of_a_fixture_is_handled() {
    let bytes = std::fs::read(fixtures().join("835/small.835")).expect("small.835");
    let full = scan_both(&bytes);
    for cut in 0..bytes.len() {
        let s = crate::common::scan(denali_x12::Reader::from_slice(&bytes[..cut]));
        assert!(s.claims <= full.claims, "cut {cut}");
        if cut + 1 < bytes.len() && cut > 0 {
            assert!(
                s.fatal.is_some() || !s.diagnostics.is_empty(),
                "cut {cut}: truncation went unnoticed"
            );
        }
    }
}

#[test]
fn basic_835_model() {
    let bytes = std::fs::read(fixtures().join("835/basic.835")).expect("basic.835");
    let mut r = denali_x12::Reader::from_slice(&bytes);
    let mut found = None;
    while let Some(ev) = r.next_event().expect("read") {
        if let denali_x12::Event::Transaction(tx) = ev {
            found = Some(denali_x12::remit::parse_835(&tx, &Default::default()));
        }
    }
    let (rem, diags) = found.expect("one 835");
    assert!(diags.is_empty(), "{diags:#?}");
    assert!(rem.payment.trace_number.is_some());
    assert!(rem.payer_id().is_some());
    let reversal = rem
        .claims
        .iter()
        .find(|c| c.is_reversal())
        .expect("a reversal");
    assert!(reversal.payment_amount <= Decimal::ZERO);
    assert!(
        rem.claims.iter().any(|c| c.corrected_insured.is_some()),
        "NM1*74"
    );
    assert!(
        rem.claims
            .iter()
            .any(|c| c.corrected_priority_payer.is_some()),
        "NM1*PR"
    );
    let lines: Vec<_> = rem.claims.iter().flat_map(|c| &c.service_lines).collect();
    assert!(
        lines.iter().any(|l| l.submitted_procedure.is_some()),
        "SVC06"
    );
    assert!(lines.iter().any(|l| l.control_number.is_some()), "REF*6R");
    assert!(lines.iter().any(|l| l.allowed().is_some()), "AMT*B6");
    assert!(
        lines
            .iter()
            .any(|l| l.remarks.iter().any(|r| r.code == "N290")),
        "LQ*HE*N290"
    );
    assert!(
        lines.iter().any(|l| !l.procedure.modifiers.is_empty()),
        "modifiers"
    );
    let plb: Vec<_> = rem
        .provider_adjustments
        .iter()
        .flat_map(|p| &p.adjustments)
        .collect();
    assert!(
        plb.iter()
            .any(|a| a.reason == "WO" && a.reference.is_some()),
        "PLB WO with reference"
    );
    assert_eq!(
        rem.total_claim_payments() - rem.total_provider_adjustments(),
        rem.payment.total_paid
    );
}

/// `parse_835_each` lends each claim and reuses its emptied vectors for the next: a small claim
/// read after a large one (names, lines with modifiers, CAS, DTM, REF, AMT, QTY, LQ at both
/// levels) must carry nothing of it, and a claim the caller changed must not leak either.
#[test]
fn a_claim_lent_after_a_larger_one_carries_nothing_of_it() {
    let big = "CLP*A*4*100*0*0*12*ICN1~CAS*CO*45*10~NM1*QC*1*LAST*FIRST****MI*M1~NM1*82*1*DOC****XX*1~\
               REF*EA*MR1~DTM*232*20240101~AMT*AU*90~QTY*CA*1~MIA*0***1*MA01~\
               SVC*HC:99213:25:59*60*0~DTM*472*20240101~CAS*CO*16*60~REF*6R*L1~REF*LU*X~AMT*B6*50~QTY*ZK*1~LQ*HE*M51~\
               SVC*HC:99214:GT*30*0~CAS*PR*1*30~LQ*HE*N130~";
    let small = "CLP*B*1*10*10*0*12*ICN2~SVC*HC:99211*10*10~";
    let body = format!(
        "ST*835*0001~BPR*I*10*C*ACH************20240110~TRN*1*T*1~N1*PR*PAYER~N1*PE*PAYEE*XX*1~LX*1~{big}{small}{big}SE*2*0001~"
    );
    let x12 = format!(
        "ISA*00*          *00*          *ZZ*S              *ZZ*R              *240110*1200*^*00501*000000001*0*P*:~GS*HP*S*R*20240110*1200*1*X*005010X221A1~{body}GE*1*1~IEA*1*000000001~"
    );
    let mut r = denali_x12::Reader::from_slice(x12.as_bytes());
    let mut sets = 0;
    while let Some(ev) = r.next_event().expect("read") {
        let denali_x12::Event::Transaction(tx) = ev else {
            continue;
        };
        sets += 1;
        let opts = denali_x12::ParseOptions::default();
        let (whole, diags) = denali_x12::remit::parse_835(&tx, &opts);
        assert_eq!(whole.claims.len(), 3);
        let b = &whole.claims[1];
        assert!(b.patient.is_none() && b.rendering_provider.is_none());
        assert!(b.adjustments.is_empty() && b.references.is_empty() && b.dates.is_empty());
        assert!(b.remarks.is_empty() && b.amounts.is_empty() && b.quantities.is_empty());
        assert_eq!(b.service_lines.len(), 1);
        let line = &b.service_lines[0];
        assert!(line.procedure.modifiers.is_empty() && line.adjustments.is_empty());
        assert!(line.dates.is_empty() && line.references.is_empty() && line.remarks.is_empty());
        assert!(line.control_number.is_none());
        // Lent claims equal the whole read's, even when the caller changes each one.
        let mut lent = Vec::new();
        denali_x12::remit::parse_835_each(&tx, &opts, |_, _, c| {
            lent.push(c.clone());
            c.redact();
            c.adjustments.clear();
        });
        assert_eq!(lent, whole.claims);
        crate::common::check_claim_by_claim(&tx, &opts, &whole, &diags);
    }
    assert_eq!(sets, 1);
}
