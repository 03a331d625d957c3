//! Corrections on real loops: values addressed by loop and qualifier, frequency 7 with REF*F8,
//! and the corrected claim written in a fresh envelope and read back.

use denali_emit::edit::{self, Selector, Target};
use denali_emit::envelope::{Envelope, write_claims};
use denali_emit::{Document, EmitErrorKind, SequentialControlNumbers, WriteOptions};
use denali_x12::claim::{FrequencyCode, LoopId, OwnedSegment};

const BASIC: &str = include_str!("data/837p-basic.x12");

#[test]
fn targets_reach_subscriber_claim_and_line_values() {
    let (doc, _) = Document::parse(BASIC.as_bytes()).unwrap();
    let set = doc.claim_sets().next().unwrap();
    let mut claim = set.claims_with_context().remove(0);
    let member = Target::new(LoopId::L2010BA, Selector::new("NM1").qualifier(b"IL"), 9);
    edit::set_value(&mut claim, &member, b"MEM9999").unwrap();
    let auth = Target::new(LoopId::L2300, Selector::new("REF").qualifier(b"G1"), 2);
    edit::set_value(&mut claim, &auth, b"AUTH2").unwrap();
    let modifier = Target::new(LoopId::L2400, Selector::new("SV1"), 1)
        .component(3)
        .line(1);
    edit::set_value(&mut claim, &modifier, b"QW").unwrap();
    let units = Target::new(LoopId::L2400, Selector::new("SV1"), 4).line(0);
    edit::set_value(&mut claim, &units, b"2").unwrap();
    // A prior authorization on a claim that had none goes in its TR3 place.
    let mut second = set.claims_with_context().remove(1);
    let g1 =
        OwnedSegment::from_elements("REF", &[b"G1", b"AUTH3"], second.claim.delimiters()).unwrap();
    edit::set_segment(
        &mut second.claim,
        &Selector::new("REF").qualifier(b"G1"),
        g1,
    )
    .unwrap();
    edit::set_frequency(&mut claim.claim, FrequencyCode::REPLACEMENT, Some(b"ICN77")).unwrap();
    edit::set_frequency(
        &mut second.claim,
        FrequencyCode::REPLACEMENT,
        Some(b"ICN78"),
    )
    .unwrap();

    let v = claim.view();
    assert_eq!(
        claim.subscriber_view().unwrap().member_id(),
        Some("MEM9999")
    );
    assert_eq!(v.prior_authorization(), Some("AUTH2"));
    let lines: Vec<_> = v.lines().collect();
    assert_eq!(lines[1].procedure().unwrap().modifiers, ["QW"]);
    assert_eq!(
        lines[0].units().map(|u| u.to_string()).as_deref(),
        Some("2")
    );

    let envelope = Envelope::from_interchange(&doc.interchanges[0]).unwrap();
    let mut numbers = SequentialControlNumbers::starting_at(42);
    let mut out = Vec::new();
    write_claims(
        vec![claim, second],
        &envelope,
        &WriteOptions::default(),
        &mut numbers,
        &mut out,
    )
    .unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains("NM1*IL*1*SAMPLE*ALEX****MI*MEM9999~\n"),
        "{text}"
    );
    assert!(text.contains("CLM*PCN0001*150.00***11:B:7*Y*A*Y*Y~\nDTP*431*D8*20240301~\nREF*G1*AUTH2~\nREF*F8*ICN77~\nHI*"));
    assert!(text.contains(
        "CLM*PCN0002*80.50***11:B:7*Y*A*Y*Y~\nREF*G1*AUTH3~\nREF*F8*ICN78~\nHI*ABK:Z00129~"
    ));
    assert!(text.contains("SV1*HC:99213:25*100.00*UN*2***1:2~"));
    assert!(text.contains("SV1*HC:87880:QW*50.00*UN*1***1~"));
    assert!(text.contains("*00501*000000042*"));
    assert!(text.contains("GE*1*42~\nIEA*1*000000042~\n"));

    let (back, diags) = Document::parse(text.as_bytes()).unwrap();
    assert!(diags.is_empty(), "{diags:?}");
    let set = back.claim_sets().next().unwrap();
    assert_eq!(set.control_number(), "0042");
    assert_eq!(set.claim_count(), 2);
    assert!(
        set.claims()
            .all(|c| c.frequency_code() == Some(FrequencyCode::REPLACEMENT))
    );
}

#[test]
fn bad_targets_and_values_are_errors() {
    let (doc, _) = Document::parse(BASIC.as_bytes()).unwrap();
    let mut claim = doc
        .claim_sets()
        .next()
        .unwrap()
        .claims_with_context()
        .remove(0);
    let nowhere = Target::new(LoopId::L2010CA, Selector::new("NM1"), 3);
    let e = edit::set_value(&mut claim, &nowhere, b"X").unwrap_err();
    assert!(matches!(e.kind(), EmitErrorKind::NoSuchLoop));
    let no_line = Target::new(LoopId::L2400, Selector::new("SV1"), 4).line(7);
    assert!(matches!(
        edit::set_value(&mut claim, &no_line, b"1")
            .unwrap_err()
            .kind(),
        EmitErrorKind::NoSuchLoop
    ));
    let auth = Target::new(LoopId::L2300, Selector::new("REF").qualifier(b"G1"), 2);
    let e = edit::set_value(&mut claim, &auth, b"A*B").unwrap_err();
    assert!(matches!(
        e.kind(),
        EmitErrorKind::DelimiterInValue("element separator")
    ));
    assert_eq!(
        e.to_string(),
        "a value contains the element separator (segment REF, element REF02, loop 2300)"
    );
    // The claim is unchanged after a refused edit.
    assert_eq!(claim.view().prior_authorization(), Some("AUTH0001"));
}
