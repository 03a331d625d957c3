//! Denial detection and claim outcomes: table-driven cases on small 835s built here, the exact
//! reading of fixtures/835/basic.835, and invariants over every project fixture.

mod common;

use common::{Header, as_of, assess_default, date, fixtures, label, remit, remit_with};
use denali_rules::{
    Assessor, Category, ClaimKind, Class, Context, DeadlineKind, GroupCode, Kind, Level, Outcome,
    ReversalLinks, Route, assess, assess_with_kind,
};
use denali_x12::remit;
use rust_decimal::Decimal;

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// One expected denial: line index, `GROUP-CARC`, amount, full.
type Expect = (Option<usize>, &'static str, &'static str, bool);

struct Case {
    name: &'static str,
    claim: &'static [&'static str],
    outcome: Outcome,
    denials: &'static [Expect],
}

const CASES: &[Case] = &[
    Case {
        name: "paid in full, no CAS",
        claim: &[
            "CLP*A*1*100*100**12*ICN0001*11*1",
            "SVC*HC:99213*100*100**1",
            "DTM*472*20250106",
        ],
        outcome: Outcome::Paid,
        denials: &[],
    },
    Case {
        name: "contractual and deductible only: paid even though CLP04 = 0",
        claim: &[
            "CLP*B*1*200*0*160*12*ICN0002*11*1",
            "SVC*HC:99214*200*0**1",
            "DTM*472*20250106",
            "CAS*CO*45*40",
            "CAS*PR*1*160",
        ],
        outcome: Outcome::Paid,
        denials: &[],
    },
    Case {
        name: "PR-45 is a patient share, not a denial",
        claim: &[
            "CLP*C*1*200*100*100*12*ICN0003*11*1",
            "SVC*HC:99214*200*100**1",
            "DTM*472*20250106",
            "CAS*PR*45*100",
        ],
        outcome: Outcome::Paid,
        denials: &[],
    },
    Case {
        name: "CO-50: provider-liable medical necessity denial",
        claim: &[
            "CLP*D*1*200*0**12*ICN0004*11*1",
            "SVC*HC:97110*200*0**1",
            "DTM*472*20250106",
            "CAS*CO*50*200",
        ],
        outcome: Outcome::Denied,
        denials: &[(Some(0), "CO-50", "200", true)],
    },
    Case {
        name: "PR-50: patient-liable (ABN) denial",
        claim: &[
            "CLP*E*1*200*0*200*12*ICN0005*11*1",
            "SVC*HC:97110*200*0**1",
            "DTM*472*20250106",
            "CAS*PR*50*200",
        ],
        outcome: Outcome::Denied,
        denials: &[(Some(0), "PR-50", "200", true)],
    },
    Case {
        name: "OA-23 prior payer impact is informational",
        claim: &[
            "CLP*F*2*200*80**12*ICN0006*11*1",
            "SVC*HC:99214*200*80**1",
            "DTM*472*20250106",
            "CAS*CO*45*20",
            "CAS*OA*23*100",
        ],
        outcome: Outcome::Paid,
        denials: &[],
    },
    Case {
        name: "CARC 133: pending, not a denial",
        claim: &[
            "CLP*G*1*100*0**12*ICN0007*11*1",
            "SVC*HC:99213*100*0**1",
            "DTM*472*20250106",
            "CAS*OA*133*100",
        ],
        outcome: Outcome::Pending,
        denials: &[],
    },
    Case {
        name: "CARC 133 on one line keeps the claim pending; the other line's denial still shows",
        claim: &[
            "CLP*G2*1*300*0**12*ICN0008*11*1",
            "SVC*HC:99213*100*0**1",
            "DTM*472*20250106",
            "CAS*CO*133*100",
            "SVC*HC:72148*200*0**1",
            "DTM*472*20250106",
            "CAS*CO*197*200",
        ],
        outcome: Outcome::Pending,
        denials: &[(Some(1), "CO-197", "200", true)],
    },
    Case {
        name: "full line denial, other line paid",
        claim: &[
            "CLP*H*1*1430*140**12*ICN0009*11*1",
            "SVC*HC:99203*180*140**1",
            "DTM*472*20250122",
            "CAS*CO*45*40",
            "SVC*HC:72148*1250*0**1",
            "DTM*472*20250122",
            "CAS*CO*197*1250",
            "LQ*HE*M62",
        ],
        outcome: Outcome::PartiallyDenied,
        denials: &[(Some(1), "CO-197", "1250", true)],
    },
    Case {
        name: "partial line denial (frequency limit after pricing)",
        claim: &[
            "CLP*I*1*100*50**12*ICN0010*11*1",
            "SVC*HC:97110*100*50**2",
            "DTM*472*20250106",
            "CAS*CO*45*20**151*30",
        ],
        outcome: Outcome::PartiallyDenied,
        denials: &[(Some(0), "CO-151", "30", false)],
    },
    Case {
        name: "claim-level full denial (timely filing, no lines)",
        claim: &[
            "CLP*J*1*310*0**12*ICN0011*11*1",
            "CAS*CO*29*310",
            "DTM*232*20231102",
        ],
        outcome: Outcome::Denied,
        denials: &[(None, "CO-29", "310", true)],
    },
    Case {
        name: "claim-level partial denial (attachment)",
        claim: &[
            "CLP*K*1*300*200**12*ICN0012*11*1",
            "CAS*CO*252*100",
            "DTM*232*20250106",
        ],
        outcome: Outcome::PartiallyDenied,
        denials: &[(None, "CO-252", "100", false)],
    },
    Case {
        name: "CLP02 = 4 with no CAS: synthetic claim-level denial",
        claim: &["CLP*L*4*130*0**12*ICN0013*11*1", "DTM*232*20250120"],
        outcome: Outcome::Denied,
        denials: &[(None, "CO-", "130", true)],
    },
    Case {
        name: "CLP02 = 4 with CO-A1 + MOA N382: the CAS is the denial, no synthetic one",
        claim: &[
            "CLP*M*4*130*0**12*ICN0014*11*1",
            "CAS*CO*A1*130",
            "MOA***N382",
            "DTM*232*20250120",
        ],
        outcome: Outcome::Denied,
        denials: &[(None, "CO-A1", "130", true)],
    },
    Case {
        name: "CLP02 = 4 with only a deductible: synthetic denial for the unexplained rest",
        claim: &[
            "CLP*M2*4*130*0**12*ICN0015*11*1",
            "CAS*PR*1*30",
            "DTM*232*20250120",
        ],
        outcome: Outcome::PartiallyDenied,
        denials: &[(None, "CO-", "100", false)],
    },
    Case {
        name: "CLP02 = 1, CLP04 = 0, no CAS: no evidence of a denial",
        claim: &["CLP*M3*1*130*0**12*ICN0016*11*1", "DTM*232*20250120"],
        outcome: Outcome::Paid,
        denials: &[],
    },
    Case {
        name: "nothing paid but a patient share remains: partially denied",
        claim: &[
            "CLP*N*1*150*0*50*12*ICN0017*11*1",
            "SVC*HC:72148*100*0**1",
            "DTM*472*20250106",
            "CAS*CO*197*100",
            "SVC*HC:99213*50*0**1",
            "DTM*472*20250106",
            "CAS*PR*1*50",
        ],
        outcome: Outcome::PartiallyDenied,
        denials: &[(Some(0), "CO-197", "100", true)],
    },
    Case {
        name: "unknown CARC under CO: reported for review",
        claim: &[
            "CLP*O*1*40*0**12*ICN0018*11*1",
            "SVC*HC:99213*40*0**1",
            "DTM*472*20250106",
            "CAS*CO*ZZ9*40",
        ],
        outcome: Outcome::Denied,
        denials: &[(Some(0), "CO-ZZ9", "40", true)],
    },
    Case {
        name: "unknown CARC under PR: the patient owes it, not a denial",
        claim: &[
            "CLP*P*1*40*0*40*12*ICN0019*11*1",
            "SVC*HC:99213*40*0**1",
            "DTM*472*20250106",
            "CAS*PR*ZZ9*40",
        ],
        outcome: Outcome::Paid,
        denials: &[],
    },
    Case {
        name: "zero and negative denial-code amounts deny nothing",
        claim: &[
            "CLP*Q*1*100*110**12*ICN0020*11*1",
            "SVC*HC:99213*100*110**1",
            "DTM*472*20250106",
            "CAS*CO*16*0**197*-10",
        ],
        outcome: Outcome::Paid,
        denials: &[],
    },
    Case {
        name: "reversal: outcome reversed, denials not reported",
        claim: &[
            "CLP*R*22*-1250*0**12*ICN0021*11*1",
            "SVC*HC:72148*-1250*0**1",
            "DTM*472*20250106",
            "CAS*CO*197*-1250",
        ],
        outcome: Outcome::Reversed,
        denials: &[],
    },
    Case {
        name: "CLP02 = 23 (not our claim, forwarded): pending",
        claim: &["CLP*S*23*100*0**12*ICN0022*11*1", "DTM*232*20250106"],
        outcome: Outcome::Pending,
        denials: &[],
    },
];

#[test]
fn detection_cases() {
    let mut failures = Vec::new();
    for case in CASES {
        let rem = remit(case.claim);
        assert_eq!(
            rem.claims.len(),
            1,
            "{}: snippet must hold one claim",
            case.name
        );
        let a = assess_default(&rem);
        let c = &a.claims[0];
        let got: Vec<(Option<usize>, String, Decimal, bool)> = c
            .denials
            .iter()
            .map(|d| (d.line_index, label(d), d.amount, d.full))
            .collect();
        let want: Vec<(Option<usize>, String, Decimal, bool)> = case
            .denials
            .iter()
            .map(|(l, g, a, f)| (*l, g.to_string(), dec(a), *f))
            .collect();
        if c.outcome != case.outcome || got != want {
            failures.push(format!(
                "{}: outcome {} (want {}), denials {got:?} (want {want:?})",
                case.name, c.outcome, case.outcome
            ));
        }
        let total: Decimal = c.denials.iter().map(|d| d.amount).sum();
        assert_eq!(c.denied_amount, total, "{}", case.name);
        // Every CAS triplet is listed, and contractual/patient shares never count as denials.
        let triplets = rem.claims[0].adjustments.len()
            + rem.claims[0]
                .service_lines
                .iter()
                .map(|l| l.adjustments.len())
                .sum::<usize>();
        assert_eq!(c.adjustments.len(), triplets, "{}", case.name);
        for adj in &c.adjustments {
            if matches!(
                adj.explanation.kind,
                Kind::Contractual | Kind::PatientResponsibility | Kind::Informational
            ) {
                assert!(!adj.is_denial, "{}: {adj:?}", case.name);
            }
        }
        for d in &c.denials {
            assert!(d.amount > Decimal::ZERO, "{}", case.name);
            assert!(!matches!(
                d.explanation.kind,
                Kind::Contractual | Kind::PatientResponsibility | Kind::Informational
            ));
            assert_eq!(
                d.level,
                if d.line_index.is_some() {
                    Level::Line
                } else {
                    Level::Claim
                }
            );
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn kinds(a: &denali_rules::ClaimAssessment) -> Vec<(String, Kind)> {
    a.adjustments
        .iter()
        .map(|x| (format!("{}-{}", x.group, x.carc), x.explanation.kind))
        .collect()
}

#[test]
fn group_code_changes_the_meaning() {
    let rem = remit(&[
        "CLP*G1*1*400*0*200*12*ICN1*11*1",
        "SVC*HC:99214*200*0**1",
        "DTM*472*20250106",
        "CAS*CO*45*100",
        "CAS*PR*45*100",
        "SVC*HC:97110*200*0**1",
        "DTM*472*20250106",
        "CAS*CO*50*100",
        "CAS*PR*50*100",
    ]);
    let a = assess_default(&rem);
    let c = &a.claims[0];
    assert_eq!(
        kinds(c),
        [
            ("CO-45".to_string(), Kind::Contractual),
            ("PR-45".to_string(), Kind::PatientResponsibility),
            ("CO-50".to_string(), Kind::Denial),
            ("PR-50".to_string(), Kind::Denial),
        ]
    );
    let routes: Vec<(String, Route)> = c
        .denials
        .iter()
        .map(|d| (label(d), d.corrections.route))
        .collect();
    assert_eq!(
        routes,
        [
            ("CO-50".to_string(), Route::Appeal),
            ("PR-50".to_string(), Route::BillPatient)
        ]
    );
    assert_eq!(c.denials[0].group, GroupCode::Co);
    assert_eq!(c.denials[1].group, GroupCode::Pr);
}

#[test]
fn line_remarks_then_claim_remarks_apply_to_a_line_claim_cas_sees_claim_remarks_only() {
    let rem = remit(&[
        "CLP*RM*1*300*0**12*ICN1*11*1",
        "CAS*CO*16*100",
        "MOA***N290",
        "SVC*HC:99213*100*0**1",
        "DTM*472*20250106",
        "CAS*CO*16*100",
        "LQ*HE*M51",
        "SVC*HC:99214*100*0**1",
        "DTM*472*20250106",
        "CAS*CO*16*100",
    ]);
    let a = assess_default(&rem);
    let d = &a.claims[0].denials;
    assert_eq!(d.len(), 3);
    // Claim level: MOA only.
    assert_eq!(d[0].level, Level::Claim);
    assert_eq!(d[0].rarcs, ["N290"]);
    assert_eq!(d[0].explanation.category, Some(Category::Submission));
    // Line 0: its LQ first (M51 → coding), then the claim's MOA.
    assert_eq!(d[1].rarcs, ["M51", "N290"]);
    assert_eq!(d[1].explanation.class, Class::Coding);
    // Line 1: no LQ, the claim remark N290 refines it.
    assert_eq!(d[2].rarcs, ["N290"]);
    assert_eq!(d[2].explanation.class, Class::Submission);
    assert!(d[2].explanation.reason.contains("N290"));
}

#[test]
fn lq_rx_codes_are_not_rarcs() {
    let rem = remit(&[
        "CLP*RX*1*100*0**12*ICN1*11*1",
        "SVC*N4:00002140701*100*0**1",
        "DTM*472*20250106",
        "CAS*CO*16*100",
        "LQ*RX*75",
        "LQ*HE*M119",
    ]);
    let a = assess_default(&rem);
    assert_eq!(a.claims[0].denials[0].rarcs, ["M119"]);
}

#[test]
fn reversal_then_correction_in_the_same_remittance() {
    let rem = remit(&[
        "CLP*PCN9*22*-150*-90**12*ICNOLD*11*1",
        "SVC*HC:99213*-150*-90**1",
        "DTM*472*20250107",
        "CAS*CO*45*-60",
        "CLP*PCN9*1*150*0**12*ICNNEW*11*1",
        "REF*F8*ICNOLD",
        "SVC*HC:99213*150*0**1",
        "DTM*472*20250107",
        "CAS*CO*16*150",
        "LQ*HE*M51",
    ]);
    let a = assess_default(&rem);
    assert_eq!(a.claims.len(), 2);
    assert_eq!(a.claims[0].outcome, Outcome::Reversed);
    assert!(a.claims[0].denials.is_empty());
    assert_eq!(
        a.claims[0].adjustments.len(),
        1,
        "reversal adjustments stay visible"
    );
    assert!(a.claims[0].notes.iter().any(|n| n.contains("claim 1")));
    // The correction is assessed like any claim.
    let c = &a.claims[1];
    assert_eq!(c.outcome, Outcome::Denied);
    assert_eq!(c.denials.len(), 1);
    assert_eq!(c.denials[0].explanation.class, Class::Coding);
    assert_eq!(c.denials[0].corrections.route, Route::CorrectedClaim);
    assert!(c.notes.iter().any(|n| n.contains("reversed at claim 0")));
}

#[test]
fn an_original_cancelled_by_a_later_reversal_is_reversed_too() {
    let rem = remit(&[
        "CLP*PCN8*1*100*0**12*ICN8*11*1",
        "SVC*HC:72148*100*0**1",
        "DTM*472*20250107",
        "CAS*CO*197*100",
        "CLP*PCN8*22*-100*0**12*ICN8*11*1",
        "SVC*HC:72148*-100*0**1",
        "DTM*472*20250107",
        "CAS*CO*197*-100",
        "CLP*PCN8*1*100*100**12*ICN8B*11*1",
        "SVC*HC:72148*100*100**1",
        "DTM*472*20250107",
        "CLP*OTHER*1*50*50**12*ICN7*11*1",
    ]);
    let a = assess_default(&rem);
    let outcomes: Vec<Outcome> = a.claims.iter().map(|c| c.outcome).collect();
    assert_eq!(
        outcomes,
        [
            Outcome::Reversed,
            Outcome::Reversed,
            Outcome::Paid,
            Outcome::Paid
        ]
    );
    assert_eq!(a.denials().count(), 0);
    assert!(a.claims[0].notes[0].contains("reversed by claim 1"));
}

#[test]
fn a_reversal_of_a_denial_reports_nothing() {
    let rem = remit(&[
        "CLP*PCN7*22*-95*0**12*ICN7*11*1",
        "MOA***MA130",
        "SVC*HC:99212*-95*0**1",
        "CAS*CO*16*-95",
        "LQ*HE*N290",
    ]);
    let a = assess_default(&rem);
    assert_eq!(a.claims[0].outcome, Outcome::Reversed);
    assert!(a.claims[0].adjustments.iter().all(|x| !x.is_denial));
}

#[test]
fn synthetic_clp02_4_denial_reads_as_patient_not_identified() {
    let rem = remit(&["CLP*X*4*130*0**12*ICNX*11*1", "DTM*232*20250120"]);
    let a = assess_default(&rem);
    let d = &a.claims[0].denials[0];
    assert_eq!(d.carc, "");
    assert_eq!(d.group, GroupCode::Co);
    assert_eq!(d.explanation.kind, Kind::Denial);
    assert_eq!(d.explanation.category, Some(Category::Eligibility));
    assert!(d.explanation.reason.starts_with("synthetic: CLP02 = 4"));
    assert!(a.claims[0].adjustments.is_empty());
    assert_eq!(d.corrections.route, Route::CorrectedClaim);
    assert!(
        d.corrections
            .proposals
            .iter()
            .any(|p| p.loop_id == "2010BA" && p.element == "09" && p.needs.is_some())
    );
}

#[test]
fn claim_kind_is_inferred_or_given() {
    let prof = remit(&[
        "CLP*K1*1*100*0**12*I1*11*1",
        "SVC*HC:99213*100*0**1",
        "CAS*CO*16*100",
    ]);
    let inst = remit(&[
        "CLP*K2*1*100*0**MA*I2*13*1",
        "SVC*HC:97001*100*0*0424*1",
        "CAS*CO*16*100",
    ]);
    let inst_nu = remit(&[
        "CLP*K3*1*100*0**12*I3*13*1",
        "SVC*NU:0450*100*0**1",
        "CAS*CO*16*100",
    ]);
    let dental = remit(&[
        "CLP*K4*1*100*0**12*I4*11*1",
        "SVC*AD:D2391*100*0**1",
        "CAS*CO*16*100",
    ]);
    let part_a_no_lines = remit(&["CLP*K5*1*100*0**MA*I5*11*1", "CAS*CO*16*100"]);
    assert_eq!(
        assess_default(&prof).claims[0].claim_kind,
        ClaimKind::Professional
    );
    assert_eq!(
        assess_default(&inst).claims[0].claim_kind,
        ClaimKind::Institutional
    );
    assert_eq!(
        assess_default(&inst_nu).claims[0].claim_kind,
        ClaimKind::Institutional
    );
    assert_eq!(
        assess_default(&dental).claims[0].claim_kind,
        ClaimKind::Dental
    );
    assert_eq!(
        assess_default(&part_a_no_lines).claims[0].claim_kind,
        ClaimKind::Institutional
    );
    let given = assess_with_kind(&prof, &common::ctx(), Some(ClaimKind::Dental));
    assert_eq!(given.claims[0].claim_kind, ClaimKind::Dental);
}

#[test]
fn outcome_and_level_text() {
    let names: Vec<String> = Outcome::ALL.iter().map(|o| o.to_string()).collect();
    assert_eq!(
        names,
        ["paid", "partially_denied", "denied", "reversed", "pending"]
    );
    for o in Outcome::ALL {
        assert_eq!(serde_json::to_string(o).unwrap(), format!("\"{o}\""));
    }
    assert_eq!(serde_json::to_string(&Level::Line).unwrap(), "\"line\"");
    assert_eq!(Level::Claim.to_string(), "claim");
}

// ---------------------------------------------------------------------------------------------
// fixtures/835/basic.835

struct Want {
    pcn: &'static str,
    outcome: Outcome,
    denied: &'static str,
    denials: &'static [WantDenial],
}

/// line, GROUP-CARC, RARCs, amount, full, category, route
type WantDenial = (
    Option<usize>,
    &'static str,
    &'static [&'static str],
    &'static str,
    bool,
    Category,
    Route,
);

const BASIC: &[Want] = &[
    Want {
        pcn: "PCN1001",
        outcome: Outcome::Paid,
        denied: "0",
        denials: &[],
    },
    Want {
        pcn: "PCN1002",
        outcome: Outcome::Paid,
        denied: "0",
        denials: &[],
    },
    Want {
        pcn: "PCN1003",
        outcome: Outcome::PartiallyDenied,
        denied: "1250",
        denials: &[(
            Some(1),
            "CO-197",
            &["M62"],
            "1250",
            true,
            Category::Authorization,
            Route::CorrectedClaim,
        )],
    },
    Want {
        pcn: "PCN1004",
        outcome: Outcome::Denied,
        denied: "95",
        denials: &[(
            Some(0),
            "CO-16",
            &["N290", "MA130"],
            "95",
            true,
            Category::Submission,
            Route::NewClaim,
        )],
    },
    Want {
        pcn: "PCN1005",
        outcome: Outcome::PartiallyDenied,
        denied: "200",
        denials: &[(
            Some(0),
            "CO-50",
            &["N115"],
            "200",
            true,
            Category::Documentation,
            Route::Appeal,
        )],
    },
    Want {
        pcn: "PCN1006",
        outcome: Outcome::Denied,
        denied: "310",
        denials: &[(
            None,
            "CO-29",
            &[],
            "310",
            true,
            Category::Submission,
            Route::WriteOff,
        )],
    },
    Want {
        pcn: "PCN1007",
        outcome: Outcome::Denied,
        denied: "150",
        denials: &[(
            Some(0),
            "OA-18",
            &[],
            "150",
            true,
            Category::Submission,
            Route::NoAction,
        )],
    },
    Want {
        pcn: "PCN1008",
        outcome: Outcome::PartiallyDenied,
        denied: "40",
        denials: &[(
            Some(1),
            "CO-97",
            &["M15"],
            "40",
            true,
            Category::Coding,
            Route::WriteOff,
        )],
    },
    Want {
        pcn: "PCN1009",
        outcome: Outcome::Denied,
        denied: "150",
        denials: &[(
            Some(0),
            "PR-27",
            &[],
            "150",
            true,
            Category::Eligibility,
            Route::CorrectedClaim,
        )],
    },
    Want {
        pcn: "PCN1010",
        outcome: Outcome::Denied,
        denied: "200",
        denials: &[(
            Some(0),
            "CO-22",
            &[],
            "200",
            true,
            Category::Eligibility,
            Route::BillOtherPayer,
        )],
    },
    Want {
        pcn: "PCN1011",
        outcome: Outcome::Reversed,
        denied: "0",
        denials: &[],
    },
    Want {
        pcn: "PCN1011",
        outcome: Outcome::Paid,
        denied: "0",
        denials: &[],
    },
    Want {
        pcn: "PCN1012",
        outcome: Outcome::Paid,
        denied: "0",
        denials: &[],
    },
    Want {
        pcn: "PCN1013",
        outcome: Outcome::Denied,
        denied: "130",
        denials: &[(
            None,
            "CO-A1",
            &["N382"],
            "130",
            true,
            Category::Eligibility,
            Route::CorrectedClaim,
        )],
    },
];

fn basic() -> denali_x12::remit::Remittance {
    let bytes = std::fs::read(fixtures().join("835/basic.835")).unwrap();
    common::first_835(&bytes).unwrap()
}

#[test]
fn basic_835_every_claim_accounted_for() {
    let rem = basic();
    let a = assess_default(&rem);
    assert_eq!(rem.claims.len(), 14);
    assert_eq!(a.claims.len(), BASIC.len());
    for (i, (c, want)) in a.claims.iter().zip(BASIC).enumerate() {
        assert_eq!(c.claim_index, i);
        assert_eq!(rem.claims[i].patient_control_number, want.pcn, "claim {i}");
        assert_eq!(c.outcome, want.outcome, "claim {i} {}", want.pcn);
        assert_eq!(c.denied_amount, dec(want.denied), "claim {i} {}", want.pcn);
        let got: Vec<_> = c
            .denials
            .iter()
            .map(|d| {
                (
                    d.line_index,
                    label(d),
                    d.rarcs.clone(),
                    d.amount,
                    d.full,
                    d.explanation.category,
                    d.corrections.route,
                )
            })
            .collect();
        let expected: Vec<_> = want
            .denials
            .iter()
            .map(|(l, g, r, a, f, cat, route)| {
                (
                    *l,
                    g.to_string(),
                    r.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
                    dec(a),
                    *f,
                    Some(*cat),
                    *route,
                )
            })
            .collect();
        assert_eq!(got, expected, "claim {i} {}", want.pcn);
    }
    let counts = a.outcome_counts();
    assert_eq!(counts.get(&Outcome::Paid), Some(&4));
    assert_eq!(counts.get(&Outcome::PartiallyDenied), Some(&3));
    assert_eq!(counts.get(&Outcome::Denied), Some(&6));
    assert_eq!(counts.get(&Outcome::Reversed), Some(&1));
    assert_eq!(counts.get(&Outcome::Pending), None);
    assert_eq!(a.denied_amount(), dec("2525"));
    assert_eq!(a.denials().count(), 9);
}

#[test]
fn basic_835_contractual_and_patient_shares_are_visible_but_not_denials() {
    let rem = basic();
    let a = assess_default(&rem);
    let c = &a.claims[1]; // PCN1002: CO-45 + PR-3/1/2
    let got: Vec<(String, Kind, bool)> = c
        .adjustments
        .iter()
        .map(|x| {
            (
                format!("{}-{}", x.group, x.carc),
                x.explanation.kind,
                x.is_denial,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("CO-45".to_string(), Kind::Contractual, false),
            ("PR-3".to_string(), Kind::PatientResponsibility, false),
            ("CO-45".to_string(), Kind::Contractual, false),
            ("PR-1".to_string(), Kind::PatientResponsibility, false),
            ("CO-45".to_string(), Kind::Contractual, false),
            ("PR-2".to_string(), Kind::PatientResponsibility, false),
        ]
    );
    // OA-23 on the secondary claim is informational.
    let c = &a.claims[12];
    assert!(
        c.adjustments
            .iter()
            .any(|x| x.carc == "23" && x.explanation.kind == Kind::Informational)
    );
}

#[test]
fn basic_835_corrections_and_deadlines() {
    let rem = basic();
    let a = assess_default(&rem);
    let find = |claim: usize| &a.claims[claim].denials[0];
    let prop = |claim: usize, loop_id: &str, seg: &str, el: &str| {
        find(claim)
            .corrections
            .proposals
            .iter()
            .find(|p| p.loop_id == loop_id && p.segment == seg && p.element == el)
            .cloned()
            .unwrap_or_else(|| panic!("claim {claim}: no {loop_id} {seg}{el}"))
    };

    // PCN1003: CO-197 → 7 + REF*F8 = CLP07; REF*G1 to add (none in the 835).
    assert_eq!(prop(2, "2300", "CLM", "05-3").value.as_deref(), Some("7"));
    assert_eq!(
        prop(2, "2300", "REF", "02").value.as_deref(),
        Some("2507300000103")
    );
    let g1 = prop(2, "2400", "REF", "02");
    assert_eq!(g1.qualifier.as_deref(), Some("G1"));
    assert!(g1.value.is_none() && g1.needs.is_some());
    let dl = find(2).deadline.unwrap();
    assert_eq!(
        (dl.kind, dl.date, dl.days_left),
        (DeadlineKind::TimelyFiling, date("2025-04-22"), 21)
    );

    // PCN1004: MA130 → new claim, no REF*F8, not appealable.
    let d = find(3);
    assert!(!d.explanation.appealable);
    assert_eq!(prop(3, "2300", "CLM", "05-3").value.as_deref(), Some("1"));
    assert_eq!(
        prop(3, "2300", "REF", "02").action,
        denali_rules::Action::Remove
    );
    assert!(prop(3, "2420A", "NM1", "09").needs.is_some());

    // PCN1005: appeal citing the policy in REF*0K; deadline = remit 2025-03-14 + 180.
    let d = find(4);
    assert!(
        d.corrections.summary.contains("LCDX0001"),
        "{}",
        d.corrections.summary
    );
    assert!(d.corrections.proposals.is_empty());
    assert_eq!(d.deadline.unwrap().date, date("2025-09-10"));
    assert_eq!(d.deadline.unwrap().kind, DeadlineKind::Appeal);

    // PCN1006: CO-29 write-off, no deadline, no appeal rights.
    let d = find(5);
    assert!(d.deadline.is_none());
    assert!(!d.explanation.appealable);

    // PCN1009: NM1*74 member id → 2010BA NM109.
    assert_eq!(
        prop(8, "2010BA", "NM1", "09").value.as_deref(),
        Some("W200000009")
    );
    assert!(find(8).corrections.summary.contains("W200000009"));

    // PCN1010: NM1*PR → bill NORTHERN MUTUAL first.
    assert_eq!(
        prop(9, "2010BB", "NM1", "09").value.as_deref(),
        Some("NMI0001")
    );
    assert!(
        find(9)
            .corrections
            .summary
            .starts_with("Bill NORTHERN MUTUAL INSURANCE")
    );

    // PCN1013: A1 + N382 → member ID needed.
    assert!(prop(13, "2010BA", "NM1", "09").needs.is_some());

    // Every summary is one line.
    for d in a.denials() {
        assert!(!d.corrections.summary.contains('\n'));
        assert!(!d.corrections.summary.is_empty());
    }
}

// ---------------------------------------------------------------------------------------------
// Every project fixture

#[test]
fn every_fixture_835_counts_in_equal_counts_out() {
    let files = common::fixture_835_files();
    let ctx = Context::new(as_of());
    let mut claims = 0;
    for path in &files {
        let bytes = std::fs::read(path).unwrap();
        for rem in common::all_835(&bytes) {
            let a = assess(&rem, &ctx);
            assert_eq!(a.claims.len(), rem.claims.len(), "{}", path.display());
            claims += a.claims.len();
            for c in &a.claims {
                for adj in &c.adjustments {
                    if matches!(
                        adj.explanation.kind,
                        Kind::Contractual | Kind::PatientResponsibility
                    ) {
                        assert!(!adj.is_denial, "{}: {adj:?}", path.display());
                    }
                }
            }
        }
    }
    assert!(claims > 200, "{claims}");
}

/// Reads every 835 of `bytes` whole and claim by claim (as `denali report` does, so a set of
/// any size is held one claim at a time); both assessments must be equal. Returns (claims,
/// reversals) seen.
fn assert_claim_by_claim_equals_whole(bytes: &[u8], what: &str) -> (usize, usize) {
    use denali_x12::{Event, ParseOptions, Reader};
    let ctx = Context::new(as_of());
    let assessor = Assessor::new(&ctx);
    let opts = ParseOptions::default();
    let (mut claims, mut reversals) = (0, 0);
    let mut reader = Reader::from_slice(bytes);
    while let Ok(Some(event)) = reader.next_event() {
        let Event::Transaction(tx) = event else {
            continue;
        };
        let whole = assess(&remit::parse_835(&tx, &opts).0, &ctx);
        let links = ReversalLinks::from_keys(&remit::claim_keys(&tx, &opts));
        let mut one_by_one = Vec::new();
        remit::parse_835_each(&tx, &opts, |rem, i, claim| {
            reversals += usize::from(claim.is_reversal());
            one_by_one.push(assessor.assess_claim(rem, &links, i, claim));
        });
        assert_eq!(one_by_one, whole.claims, "{what}");
        claims += one_by_one.len();
    }
    (claims, reversals)
}

/// Claim by claim and whole give the same assessment on every fixture, reversals included.
#[test]
fn claim_by_claim_assessment_equals_the_whole_on_every_fixture() {
    let files = common::fixture_835_files();
    let (mut claims, mut reversals) = (0, 0);
    for path in &files {
        let bytes = std::fs::read(path).unwrap();
        let (c, r) = assert_claim_by_claim_equals_whole(&bytes, &path.display().to_string());
        claims += c;
        reversals += r;
    }
    assert!(claims > 200, "{claims}");
    assert!(reversals >= 2, "{reversals}");
}

/// parse_835 fuzz target, `\x01CLP~CAS**7*2~CLP~TRN***0`: a TRN after the claims gave the
/// whole remittance a payer id (TRN03) the claims read one by one had not seen, so their
/// denials differed. Header segments past the first claim are now ignored by both reads.
#[test]
fn fuzz_late_trn_gives_every_claim_the_same_payer() {
    let input = b"ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       \
*240101*1200*^*00501*000000001*0*P*:~GS*HP*S*R*20240101*1200*1*X*005010X221A1~ST*835*0001~\
CLP~CAS**7*2~CLP~TRN***0";
    let (claims, _) = assert_claim_by_claim_equals_whole(input, "late TRN");
    assert_eq!(claims, 2);
}

#[test]
fn zero_pay_fixture_is_all_denied() {
    let bytes = std::fs::read(fixtures().join("835/zero_pay_non.835")).unwrap();
    let rem = common::first_835(&bytes).unwrap();
    let a = assess_default(&rem);
    assert_eq!(a.claims.len(), 4);
    assert!(
        a.claims.iter().all(|c| c.outcome == Outcome::Denied),
        "{:?}",
        a.outcome_counts()
    );
}

#[test]
fn v4010_cr_reversal_then_correction() {
    let bytes = std::fs::read(fixtures().join("835/v4010.835")).unwrap();
    let rem = common::first_835(&bytes).unwrap();
    let a = assess_default(&rem);
    let reversed: Vec<usize> = a
        .claims
        .iter()
        .filter(|c| c.outcome == Outcome::Reversed)
        .map(|c| c.claim_index)
        .collect();
    assert!(!reversed.is_empty());
    for i in reversed {
        assert!(
            rem.claims[i].is_reversal()
                || a.claims[i].notes.iter().any(|n| n.contains("reversed by"))
        );
        assert!(a.claims[i].denials.is_empty());
    }
}

#[test]
fn remit_without_dates_gives_no_appeal_deadline() {
    let h = Header {
        bpr16: None,
        dtm405: None,
        ..Header::default()
    };
    let rem = remit_with(
        &h,
        &[
            "CLP*A*1*200*0**12*ICN1*11*1",
            "SVC*HC:97110*200*0**1",
            "DTM*472*20250106",
            "CAS*CO*50*200",
        ],
    );
    let a = assess_default(&rem);
    assert!(a.claims[0].denials[0].deadline.is_none());
}

/// `detect` finds exactly the denials `assess` finds (the report's first pass relies on it).
#[test]
fn detect_finds_the_same_denials_as_assess() {
    let files = [
        "835/basic.835",
        "835/large_200.835",
        "835/v4010.835",
        "835/zero_pay_non.835",
    ];
    for f in files {
        let bytes = std::fs::read(fixtures().join(f)).expect("fixture");
        let mut reader = denali_x12::Reader::from_slice(&bytes);
        while let Some(ev) = reader.next_event().expect("read") {
            let denali_x12::Event::Transaction(tx) = ev else {
                continue;
            };
            let (rem, _) = denali_x12::remit::parse_835(&tx, &Default::default());
            let ctx = denali_rules::Context::new(as_of());
            let full = denali_rules::assess(&rem, &ctx);
            let quick = denali_rules::detect(&rem, &ctx);
            let key = |a: &denali_rules::Assessment| -> Vec<_> {
                a.claims
                    .iter()
                    .map(|c| {
                        let ds: Vec<_> = c
                            .denials
                            .iter()
                            .map(|d| {
                                (
                                    d.line_index,
                                    d.group.clone(),
                                    d.carc.clone(),
                                    d.rarcs.clone(),
                                    d.amount,
                                )
                            })
                            .collect();
                        (c.claim_index, c.outcome, ds)
                    })
                    .collect()
            };
            assert_eq!(key(&full), key(&quick), "{f}");
            assert!(
                quick
                    .claims
                    .iter()
                    .flat_map(|c| &c.denials)
                    .all(|d| d.deadline.is_none())
            );
        }
    }
}

/// Hostile: thousands of remark codes and thousands of CAS triplets on one claim. Every denial
/// lists its scope's remark codes, so they are bounded (a 150 KB file had made a 470 MB report
/// in 22 s and 4 GB); the claim says codes were left out, and every triplet is still read.
#[test]
fn remark_codes_per_scope_are_bounded() {
    let mut segs = vec!["CLP*PCN1*4*12000*0**MC*ICN1*11*1".to_string()];
    for i in 0..2000 {
        segs.push(format!(
            "MOA***N{}*N{}*N{}*N{}*N{}",
            i * 5,
            i * 5 + 1,
            i * 5 + 2,
            i * 5 + 3,
            i * 5 + 4
        ));
    }
    for _ in 0..2000 {
        segs.push("CAS*CO*16*1**16*1**16*1**16*1**16*1**16*1".to_string());
    }
    let refs: Vec<&str> = segs.iter().map(String::as_str).collect();
    let rem = common::remit(&refs);
    let a = common::assess_default(&rem);
    let c = &a.claims[0];
    assert_eq!(c.adjustments.len(), 12_000);
    assert_eq!(c.denials.len(), 12_000);
    assert!(
        c.denials
            .iter()
            .all(|d| d.rarcs.len() == denali_rules::MAX_REMARKS)
    );
    assert_eq!(c.denials[0].rarcs[0], "N0");
    assert!(
        c.notes.iter().any(|n| n.contains("remark codes")),
        "{:?}",
        c.notes
    );
}

// ---------------------------------------------------------------------------------------------
// The paid screen (`Assessor::is_plainly_paid`) against the full assessment

/// Every detection case, each claim on its own: screened plainly paid exactly when assessed
/// paid.
#[test]
fn the_paid_screen_agrees_with_every_detection_case() {
    let ctx = Context::new(as_of());
    let mut plain = 0;
    for case in CASES {
        let text = common::text_835(&Header::default(), case.claim);
        let (p, n) = common::check_screen(text.as_bytes(), &ctx, case.name);
        assert_eq!(n, 1, "{}", case.name);
        assert_eq!(p == 1, case.outcome == Outcome::Paid, "{}", case.name);
        plain += p;
    }
    assert!(plain > 0, "no paid case");
}

/// The same on every project fixture.
#[test]
fn the_paid_screen_agrees_with_the_assessment_on_every_fixture() {
    let ctx = Context::new(as_of());
    let (mut plain, mut claims) = (0, 0);
    for path in common::fixture_835_files() {
        let bytes = std::fs::read(&path).unwrap();
        let (p, n) = common::check_screen(&bytes, &ctx, &path.display().to_string());
        plain += p;
        claims += n;
    }
    assert!(plain > 20 && plain < claims, "{plain} of {claims}");
}

mod screen_props {
    use super::*;
    use proptest::prelude::*;

    /// Claim-level segments: every status, groups and codes of each kind (contractual,
    /// patient share, denial, pending, unknown), amounts positive, zero, negative and
    /// malformed, and remark codes that refine a reading.
    fn segment() -> impl Strategy<Value = String> {
        let status = prop_oneof![
            Just("1"),
            Just("2"),
            Just("3"),
            Just("4"),
            Just("19"),
            Just("20"),
            Just("21"),
            Just("22"),
            Just("23"),
            Just("25"),
            Just("X"),
            Just(""),
        ];
        let group = prop_oneof![
            Just("CO"),
            Just("PR"),
            Just("OA"),
            Just("PI"),
            Just("CR"),
            Just("ZZ"),
            Just("")
        ];
        let carc = prop_oneof![
            Just("45"),
            Just("1"),
            Just("2"),
            Just("3"),
            Just("16"),
            Just("197"),
            Just("23"),
            Just("253"),
            Just("133"),
            Just("204"),
            Just("A1"),
            Just("9999"),
            Just("")
        ];
        let amount = prop_oneof![Just("10"), Just("0"), Just("-5"), Just("x"), Just("")];
        let rarc = prop_oneof![
            Just("N130"),
            Just("MA130"),
            Just("M51"),
            Just("N290"),
            Just("N362"),
            Just("MA01"),
            Just("n290 "),
            Just("")
        ];
        prop_oneof![
            (
                status,
                prop_oneof![Just("A1"), Just("A2")],
                prop_oneof![Just("I1"), Just("I2"), Just("")]
            )
                .prop_map(|(s, pcn, icn)| format!("CLP*{pcn}*{s}*100*40*10*12*{icn}")),
            (group.clone(), carc.clone(), amount.clone())
                .prop_map(|(g, c, a)| format!("CAS*{g}*{c}*{a}")),
            (group, carc.clone(), amount.clone(), carc, amount)
                .prop_map(|(g, c, a, c2, a2)| format!("CAS*{g}*{c}*{a}**{c2}*{a2}")),
            Just("SVC*HC:99213*60*30".to_string()),
            Just("SVC*HC:97110*40*10".to_string()),
            (rarc.clone(), rarc.clone()).prop_map(|(a, b)| format!("MOA***{a}*{b}")),
            rarc.clone().prop_map(|a| format!("MIA*0***{a}")),
            rarc.clone().prop_map(|a| format!("LQ*HE*{a}")),
            rarc.prop_map(|a| format!("LQ*RX*{a}")),
            Just("REF*F8*I1".to_string()),
            Just("DTM*472*20250101".to_string()),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 512,
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        /// Any run of claims, lines, adjustments and remarks: the screen says "plainly paid"
        /// exactly for the claims the assessment finds paid.
        #[test]
        fn the_paid_screen_agrees_with_the_assessment(
            segs in proptest::collection::vec(segment(), 1..40)
        ) {
            let ctx = Context::new(as_of());
            let mut claims = vec!["CLP*A0*1*100*100".to_string()];
            claims.extend(segs);
            let text = common::text_835(&Header::default(), &claims);
            common::check_screen(text.as_bytes(), &ctx, &text);
        }
    }
}

/// Hostile: one claim repeating the same remark codes 10,000 times over 6,000 denied lines.
/// Each line's scope merged the claim's whole remark list, so the work grew with lines × remarks
/// (a 400 KB file took 7 s in release); the claim's codes are now worked out once. Every line's
/// denial still lists its line code, then the claim's codes.
#[test]
fn regression_claim_remarks_repeated_over_many_lines_are_merged_once() {
    let mut segs = vec!["CLP*PCN1*1*60000*0**MC*ICN1*11*1".to_string()];
    for _ in 0..10_000 {
        segs.push("MOA***N130*n130 *MA01".to_string());
    }
    for _ in 0..6_000 {
        segs.push("SVC*HC:99213*10*0".to_string());
        segs.push("CAS*CO*16*10".to_string());
        segs.push("LQ*HE*M51".to_string());
    }
    let refs: Vec<&str> = segs.iter().map(String::as_str).collect();
    let rem = common::remit(&refs);
    let started = std::time::Instant::now();
    let a = common::assess_default(&rem);
    let took = started.elapsed();
    let c = &a.claims[0];
    assert_eq!(c.denials.len(), 6_000);
    assert!(
        c.denials.iter().all(|d| d.rarcs == ["M51", "N130", "MA01"]),
        "{:?}",
        c.denials[0].rarcs
    );
    assert!(took < std::time::Duration::from_secs(20), "{took:?}");
}
