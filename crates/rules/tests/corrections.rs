//! Correction plans (routes, 837 locations, values from the 835), payer rules, deadlines and
//! priority, on small 835s built here.

mod common;

use common::{Header, as_of, assess_default, ctx, date, label, remit, remit_with};
use denali_rules::{
    Action, ClaimKind, Context, DeadlineKind, Denial, PayerRule, PayerRules, Proposal, Recurrence,
    Route, RuleSet, assess, assess_with_kind, prioritize, with_recurrence,
};
use denali_x12::remit::Remittance;

fn first_denial(rem: &Remittance, ctx: &Context) -> Denial {
    assess(rem, ctx)
        .denials()
        .next()
        .cloned()
        .expect("a denial")
}

fn find<'a>(d: &'a Denial, loop_id: &str, seg: &str, el: &str) -> Option<&'a Proposal> {
    d.corrections
        .proposals
        .iter()
        .find(|p| p.loop_id == loop_id && p.segment == seg && p.element == el)
}

fn locations(d: &Denial) -> Vec<String> {
    d.corrections
        .proposals
        .iter()
        .map(|p| p.location())
        .collect()
}

fn with_payers(toml: &str) -> Context {
    Context {
        payers: PayerRules::from_toml(toml).unwrap(),
        ..ctx()
    }
}

// ---------------------------------------------------------------------------------------------
// Proposals: known values from the 835, needs otherwise

#[test]
fn nm1_74_corrected_member_id_and_name() {
    let rem = remit(&[
        "CLP*A*1*150*0**12*ICN74*11*1",
        "NM1*QC*1*TAYLOR*MORGAN****MI*W1",
        "NM1*74*1*TAYLOR-REED*MORGAN****C*W2",
        "SVC*HC:99213*150*0**1",
        "DTM*472*20250203",
        "CAS*CO*31*150",
    ]);
    let d = first_denial(&rem, &ctx());
    assert_eq!(d.corrections.route, Route::CorrectedClaim);
    let id = find(&d, "2010BA", "NM1", "09").unwrap();
    assert_eq!(
        (id.qualifier.as_deref(), id.action, id.value.as_deref()),
        (Some("IL"), Action::Set, Some("W2"))
    );
    assert!(id.needs.is_none());
    assert_eq!(
        find(&d, "2010BA", "NM1", "03").unwrap().value.as_deref(),
        Some("TAYLOR-REED")
    );
    // Only what the payer changed: the first name is the same as sent.
    assert!(find(&d, "2010BA", "NM1", "04").is_none());
    assert_eq!(
        find(&d, "2300", "REF", "02").unwrap().value.as_deref(),
        Some("ICN74")
    );
}

#[test]
fn member_id_without_nm1_74_says_what_is_needed() {
    let rem = remit(&[
        "CLP*A*1*150*0**12*ICN1*11*1",
        "SVC*HC:99213*150*0**1",
        "DTM*472*20250203",
        "CAS*CO*140*150",
    ]);
    let d = first_denial(&rem, &ctx());
    let id = find(&d, "2010BA", "NM1", "09").unwrap();
    assert!(id.value.is_none());
    assert!(id.needs.as_deref().unwrap().contains("member ID"));
    // 140 = ID and name mismatch: the name is asked for too.
    assert!(find(&d, "2010BA", "NM1", "03").unwrap().needs.is_some());
}

#[test]
fn nm1_pr_corrected_priority_payer_means_bill_it_first() {
    let rem = remit(&[
        "CLP*A*1*200*0**12*ICN1*11*1",
        "NM1*PR*2*NORTHERN MUTUAL*****PI*NMI0001",
        "SVC*HC:99214*200*0**1",
        "DTM*472*20250116",
        "CAS*CO*22*200",
    ]);
    let d = first_denial(&rem, &ctx());
    assert_eq!(d.corrections.route, Route::BillOtherPayer);
    assert_eq!(
        find(&d, "2010BB", "NM1", "09").unwrap().value.as_deref(),
        Some("NMI0001")
    );
    assert_eq!(
        find(&d, "2330B", "NM1", "09").unwrap().value.as_deref(),
        Some("NMI0001")
    );
    assert!(find(&d, "2320", "AMT", "02").unwrap().needs.is_some());
    assert_eq!(
        find(&d, "2300", "CLM", "05-3").unwrap().value.as_deref(),
        Some("1")
    );
    // The other payer's filing clock: its table entry when there is one.
    let ctx = with_payers("[payer.NMI0001]\ntimely_filing_days = 30\n");
    let d = first_denial(&rem, &ctx);
    let dl = d.deadline.unwrap();
    assert_eq!(
        (dl.kind, dl.date),
        (DeadlineKind::TimelyFiling, date("2025-02-15"))
    );
}

#[test]
fn wrong_payer_without_nm1_pr_asks_for_the_payer() {
    let rem = remit(&[
        "CLP*A*1*200*0**12*ICN1*11*1",
        "SVC*HC:99214*200*0**1",
        "DTM*472*20250116",
        "CAS*CO*109*200",
    ]);
    let d = first_denial(&rem, &ctx());
    assert_eq!(d.corrections.route, Route::BillOtherPayer);
    assert!(find(&d, "2010BB", "NM1", "09").unwrap().needs.is_some());
}

#[test]
fn svc06_recode_gives_the_adjudicated_code() {
    let rem = remit(&[
        "CLP*A*1*300*0**12*ICN1*11*1",
        "SVC*HC:99214:25*300*0**1*HC:99215:25",
        "DTM*472*20250115",
        "CAS*CO*181*300",
    ]);
    let d = first_denial(&rem, &ctx());
    let p = find(&d, "2400", "SV1", "01-2").unwrap();
    assert_eq!(p.value.as_deref(), Some("99214"));
    assert!(p.rationale.contains("99214:25") && p.rationale.contains("99215:25"));
}

#[test]
fn svc06_modifier_change_is_proposed_too() {
    let rem = remit(&[
        "CLP*A*1*300*0**12*ICN1*11*1",
        "SVC*HC:97140:59*300*0**1*HC:97140",
        "DTM*472*20250115",
        "CAS*CO*4*300",
    ]);
    let d = first_denial(&rem, &ctx());
    let codes: Vec<_> = d
        .corrections
        .proposals
        .iter()
        .filter(|p| p.segment == "SV1")
        .map(|p| (p.element.as_str(), p.action, p.value.clone()))
        .collect();
    assert!(
        codes.contains(&("01-3", Action::Set, Some("59".to_string()))),
        "{codes:?}"
    );
}

#[test]
fn ref_g1_the_payer_used_line_before_claim() {
    let claim_level = remit(&[
        "CLP*A*1*500*0**12*ICN1*11*1",
        "REF*G1*AUTH-CLAIM",
        "SVC*HC:72148*500*0**1",
        "DTM*472*20250115",
        "CAS*CO*284*500",
    ]);
    let d = first_denial(&claim_level, &ctx());
    let p = find(&d, "2400", "REF", "02").unwrap();
    assert_eq!(
        (p.qualifier.as_deref(), p.action, p.value.as_deref()),
        (Some("G1"), Action::Set, Some("AUTH-CLAIM"))
    );
    let line_level = remit(&[
        "CLP*A*1*500*0**12*ICN1*11*1",
        "REF*G1*AUTH-CLAIM",
        "SVC*HC:72148*500*0**1",
        "DTM*472*20250115",
        "CAS*CO*284*500",
        "REF*G1*AUTH-LINE",
    ]);
    let d = first_denial(&line_level, &ctx());
    assert_eq!(
        find(&d, "2400", "REF", "02").unwrap().value.as_deref(),
        Some("AUTH-LINE")
    );
    // 837I carries the authorization at claim level only.
    let d = assess_with_kind(&line_level, &ctx(), Some(ClaimKind::Institutional))
        .denials()
        .next()
        .cloned()
        .unwrap();
    assert!(find(&d, "2300", "REF", "02").is_some_and(|p| p.qualifier.as_deref() == Some("G1")));
}

#[test]
fn missing_clp07_makes_ref_f8_a_need() {
    let rem = remit(&[
        "CLP*A*1*500*0**12**11*1",
        "SVC*HC:72148*500*0**1",
        "DTM*472*20250115",
        "CAS*CO*197*500",
    ]);
    let d = first_denial(&rem, &ctx());
    let f8 = find(&d, "2300", "REF", "02")
        .filter(|p| p.qualifier.as_deref() == Some("F8"))
        .unwrap();
    assert!(f8.value.is_none());
    assert!(f8.needs.as_deref().unwrap().contains("CLP07"));
    assert!(d.corrections.summary.contains("original ICN needed"));
}

#[test]
fn locations_follow_the_claim_kind() {
    // CO-16 + N290 (rendering provider) on a line.
    let claim = [
        "CLP*A*1*100*0**12*ICN1*11*1",
        "SVC*HC:99213*100*0**1",
        "DTM*472*20250115",
        "CAS*CO*16*100",
        "LQ*HE*N290",
    ];
    let rem = remit(&claim);
    let get = |kind| {
        let d = assess_with_kind(&rem, &ctx(), Some(kind))
            .denials()
            .next()
            .cloned()
            .unwrap();
        locations(&d)
    };
    assert!(get(ClaimKind::Professional).contains(&"2420A NM1*82 09".to_string()));
    assert!(get(ClaimKind::Institutional).contains(&"2420C NM1*82 09".to_string()));
    assert!(get(ClaimKind::Dental).contains(&"2420A NM1*82 09".to_string()));

    // A coding denial: SV1 / SV2 / SV3.
    let rem = remit(&[
        "CLP*A*1*100*0**12*ICN1*11*1",
        "SVC*HC:99213*100*0**1",
        "DTM*472*20250115",
        "CAS*CO*181*100",
    ]);
    for (kind, want) in [
        (ClaimKind::Professional, "2400 SV1 01-2"),
        (ClaimKind::Institutional, "2400 SV2 02-2"),
        (ClaimKind::Dental, "2400 SV3 01-2"),
    ] {
        let d = assess_with_kind(&rem, &ctx(), Some(kind))
            .denials()
            .next()
            .cloned()
            .unwrap();
        assert!(
            locations(&d).contains(&want.to_string()),
            "{kind}: {:?}",
            locations(&d)
        );
    }

    // Claim-level rendering provider: 2310B (P) vs 2310D (I).
    let rem = remit(&["CLP*A*1*100*0**12*ICN1*11*1", "CAS*CO*16*100", "MOA***N290"]);
    let p = first_denial(&rem, &ctx());
    assert!(locations(&p).contains(&"2310B NM1*82 09".to_string()));
    let i = assess_with_kind(&rem, &ctx(), Some(ClaimKind::Institutional))
        .denials()
        .next()
        .cloned()
        .unwrap();
    assert!(locations(&i).contains(&"2310D NM1*82 09".to_string()));
}

/// (CARC, RARCs, expected location among the proposals)
const FIX_LOCATIONS: &[(&str, &[&str], &str)] = &[
    ("16", &["M76"], "2300 HI*ABK 01-2"),
    ("16", &["M77"], "2300 CLM 05-1"),
    ("16", &["M119"], "2410 LIN*N4 03"),
    ("16", &["MA120"], "2300 REF*X4 02"),
    ("16", &["N257"], "2010AA NM1*85 09"),
    ("16", &["N265"], "2420E NM1*DK 09"),
    ("16", &["N286"], "2420F NM1*DN 09"),
    ("16", &["N329"], "2010BA DMG 02"),
    ("16", &["MA04"], "2320 AMT*D 02"),
    ("252", &[], "2400 PWK 06"),
    ("A1", &["N54"], "2400 REF*G1 02"),
    ("4", &[], "2400 SV1 01-3"),
    ("11", &[], "2300 HI*ABK 01-2"),
    ("32", &[], "2000B SBR 02"),
    ("110", &[], "2400 DTP*472 03"),
    ("206", &[], "2420A NM1*82 09"),
    ("288", &[], "2300 REF*9F 02"),
    ("185", &[], "2420A NM1*82 09"),
];

#[test]
fn fixes_land_in_the_documented_837p_locations() {
    let mut failures = Vec::new();
    for (carc, rarcs, want) in FIX_LOCATIONS {
        let mut segs = vec![
            "CLP*A*1*100*0**12*ICN1*11*1".to_string(),
            "SVC*HC:99213*100*0**1".to_string(),
            "DTM*472*20250115".to_string(),
            format!("CAS*CO*{carc}*100"),
        ];
        segs.extend(rarcs.iter().map(|r| format!("LQ*HE*{r}")));
        let refs: Vec<&str> = segs.iter().map(String::as_str).collect();
        let rem = remit(&refs);
        let d = first_denial(&rem, &ctx());
        let locs = locations(&d);
        if !locs.contains(&want.to_string()) {
            failures.push(format!(
                "CO-{carc} {rarcs:?}: want {want}, route {}, got {locs:?}",
                d.corrections.route
            ));
        }
        for p in &d.corrections.proposals {
            assert!(
                p.value.is_some() || p.needs.is_some() || p.action == Action::Remove,
                "{p:?}"
            );
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn appeals_write_offs_and_duplicates_propose_no_837_change() {
    for (carc, route) in [
        ("50", Route::Appeal),
        ("29", Route::WriteOff),
        ("18", Route::NoAction),
    ] {
        let rem = remit(&[
            "CLP*A*1*100*0**12*ICN1*11*1",
            "SVC*HC:99213*100*0**1",
            "DTM*472*20250115",
            &format!("CAS*CO*{carc}*100"),
        ]);
        let d = first_denial(&rem, &ctx());
        assert_eq!(d.corrections.route, route, "CO-{carc}");
        assert!(d.corrections.proposals.is_empty(), "CO-{carc}");
    }
}

#[test]
fn billing_provider_not_eligible_means_void_then_new() {
    let rem = remit(&[
        "CLP*A*1*100*0**12*ICN299*11*1",
        "CAS*CO*299*100",
        "DTM*232*20250115",
    ]);
    let d = first_denial(&rem, &ctx());
    assert_eq!(d.corrections.route, Route::VoidAndNew);
    assert_eq!(
        find(&d, "2300", "CLM", "05-3").unwrap().value.as_deref(),
        Some("8")
    );
    assert_eq!(
        find(&d, "2300", "REF", "02").unwrap().value.as_deref(),
        Some("ICN299")
    );
    assert!(d.corrections.summary.starts_with("Void (CLM05-3 = 8"));
}

#[test]
fn ma130_is_a_new_claim_without_appeal_rights() {
    let rem = remit(&[
        "CLP*A*1*95*0**12*ICN1*11*1",
        "MOA***MA130",
        "SVC*HC:99212*95*0**1",
        "DTM*472*20250110",
        "CAS*CO*16*95",
        "LQ*HE*N290",
    ]);
    let d = first_denial(&rem, &ctx());
    assert_eq!(d.corrections.route, Route::NewClaim);
    assert!(!d.explanation.appealable);
    assert!(d.corrections.summary.contains("no appeal rights"));
    let f8 = find(&d, "2300", "REF", "02").unwrap();
    assert_eq!((f8.action, f8.value.as_deref()), (Action::Remove, None));
}

// ---------------------------------------------------------------------------------------------
// Payer rules

const CO197_DENIED: &[&str] = &[
    "CLP*A*1*500*0**12*ICN1*11*1",
    "SVC*HC:72148*500*0**1",
    "DTM*472*20250115",
    "CAS*CO*197*500",
];
const CO197_PARTIAL: &[&str] = &[
    "CLP*B*1*600*100**12*ICN2*11*1",
    "SVC*HC:99213*100*100**1",
    "DTM*472*20250115",
    "SVC*HC:72148*500*0**1",
    "DTM*472*20250115",
    "CAS*CO*197*500",
];

#[test]
fn payer_wants_a_new_claim_instead_of_7_for_a_denied_claim() {
    let ctx = with_payers(
        "[payer.PAYER01]\nname = \"Strict Plan\"\naccepts_frequency_7_for_denied = false\n",
    );
    let d = first_denial(&remit(CO197_DENIED), &ctx);
    assert_eq!(d.corrections.route, Route::NewClaim);
    assert_eq!(
        find(&d, "2300", "CLM", "05-3").unwrap().value.as_deref(),
        Some("1")
    );
    assert!(d.corrections.summary.contains("Strict Plan"));
    // Partly paid: a replacement is still fine.
    let d = first_denial(&remit(CO197_PARTIAL), &ctx);
    assert_eq!(d.corrections.route, Route::CorrectedClaim);
    // Other payers keep the default.
    let d = first_denial(&remit(CO197_DENIED), &with_payers("[payer.OTHER]\n"));
    assert_eq!(d.corrections.route, Route::CorrectedClaim);
}

#[test]
fn medicare_part_b_reopens_instead_of_7() {
    let mb = [
        "CLP*A*1*500*0**MB*ICN1*11*1",
        "SVC*HC:72148*500*0**1",
        "DTM*472*20250115",
        "CAS*CO*16*500",
        "LQ*HE*N290",
    ];
    let d = first_denial(&remit(&mb), &ctx());
    assert_eq!(d.corrections.route, Route::Reopening);
    assert!(find(&d, "2300", "CLM", "05-3").is_none());
    assert!(find(&d, "2420A", "NM1", "09").is_some());
    // Appealable too: the nearer of reopening (remit + 365) and redetermination (remit + 125).
    let dl = d.deadline.unwrap();
    assert_eq!(
        (dl.kind, dl.date),
        (DeadlineKind::Appeal, date("2025-07-17"))
    );
    // Not appealable (N211): the reopening window governs.
    let mut no_appeal = mb.to_vec();
    no_appeal.push("LQ*HE*N211");
    let d = first_denial(&remit(&no_appeal), &ctx());
    let dl = d.deadline.unwrap();
    assert_eq!(
        (dl.kind, dl.date),
        (DeadlineKind::Reopening, date("2026-03-14"))
    );
    // A payer flagged as Part B in the table, whatever CLP06 says.
    let ctx = with_payers("[payer.PAYER01]\nmedicare_part_b = true\n");
    let d = first_denial(&remit(CO197_DENIED), &ctx);
    assert_eq!(d.corrections.route, Route::Reopening);
}

#[test]
fn deadlines_medicare_vs_commercial() {
    // Appeal (CO-50): Medicare remit + 5 + 120, commercial remit + 180.
    let appeal = |fi: &str| {
        let clp = format!("CLP*A*1*200*0**{fi}*ICN1*11*1");
        let rem = remit(&[
            &clp,
            "SVC*HC:97110*200*0**1",
            "DTM*472*20250106",
            "CAS*CO*50*200",
        ]);
        first_denial(&rem, &ctx()).deadline.unwrap()
    };
    let m = appeal("MA");
    assert_eq!(
        (m.kind, m.date, m.days_left),
        (DeadlineKind::Appeal, date("2025-07-17"), 107)
    );
    let c = appeal("CI");
    assert_eq!((c.kind, c.date), (DeadlineKind::Appeal, date("2025-09-10")));
    // Timely filing (MA130 new claim): Medicare DOS + 365, commercial DOS + 90.
    let filing = |fi: &str| {
        let clp = format!("CLP*A*1*95*0**{fi}*ICN1*11*1");
        let rem = remit(&[
            &clp,
            "MOA***MA130",
            "SVC*HC:99212*95*0**1",
            "DTM*472*20250110",
            "CAS*CO*16*95",
        ]);
        first_denial(&rem, &ctx()).deadline.unwrap()
    };
    assert_eq!(
        (filing("MA").kind, filing("MA").date),
        (DeadlineKind::TimelyFiling, date("2026-01-10"))
    );
    assert_eq!(filing("CI").date, date("2025-04-10"));
    // Overrides from the table.
    let ctx = with_payers("[default]\nappeal_window_days = 60\nmail_days = 2\n");
    let rem = remit(&[
        "CLP*A*1*200*0**CI*ICN1*11*1",
        "SVC*HC:97110*200*0**1",
        "DTM*472*20250106",
        "CAS*CO*50*200",
    ]);
    assert_eq!(
        first_denial(&rem, &ctx).deadline.unwrap().date,
        date("2025-05-15")
    );
}

#[test]
fn remit_date_falls_back_to_the_production_date() {
    let h = Header {
        bpr16: None,
        ..Header::default()
    };
    let rem = remit_with(
        &h,
        &[
            "CLP*A*1*200*0**CI*ICN1*11*1",
            "SVC*HC:97110*200*0**1",
            "DTM*472*20250106",
            "CAS*CO*50*200",
        ],
    );
    assert_eq!(
        first_denial(&rem, &ctx()).deadline.unwrap().date,
        date("2025-09-09")
    );
}

#[test]
fn nearest_open_deadline_wins_and_a_passed_one_is_shown_when_all_passed() {
    // CO-197 on an old service: filing passed, the appeal window is still open.
    let old = [
        "CLP*A*1*500*0**CI*ICN1*11*1",
        "SVC*HC:72148*500*0**1",
        "DTM*472*20240601",
        "CAS*CO*197*500",
    ];
    let d = first_denial(&remit(&old), &ctx());
    assert_eq!(d.deadline.unwrap().kind, DeadlineKind::Appeal);
    // MA130 on an old service: only filing applies, and it has passed.
    let d = first_denial(
        &remit(&[
            "CLP*A*1*95*0**CI*ICN1*11*1",
            "MOA***MA130",
            "SVC*HC:99212*95*0**1",
            "DTM*472*20240601",
            "CAS*CO*16*95",
        ]),
        &ctx(),
    );
    let dl = d.deadline.unwrap();
    assert!(dl.passed());
    assert_eq!(
        (dl.kind, dl.date),
        (DeadlineKind::TimelyFiling, date("2024-08-30"))
    );
    let p = prioritize(&d, 1, &ctx());
    assert!(
        p.reasons.iter().any(|r| r.starts_with("deadline passed")),
        "{p:?}"
    );
    assert!(p.reasons.iter().any(|r| r.contains("low recoverability")));
}

#[test]
fn payer_rule_resolution_and_toml() {
    let rules = PayerRules::from_toml(
        "[default]\ntimely_filing_days = 120\n\
         [payer.\"12345\"]\nname = \"Summit\"\nappeal_window_days = 90\nmail_days = 3\n\
         [payer.MCR]\nmedicare = true\n",
    )
    .unwrap();
    let r = rules.resolve_ids(&["12345"], None);
    assert_eq!(
        (
            r.name.as_deref(),
            r.appeal_window_days,
            r.timely_filing_days,
            r.mail_days
        ),
        (Some("Summit"), 90, 120, 3)
    );
    assert_eq!(
        rules.resolve_ids(&["nobody"], None),
        PayerRule {
            timely_filing_days: 120,
            ..PayerRule::commercial_default()
        }
    );
    let m = rules.resolve_ids(&["MCR"], Some("CI"));
    assert!(m.medicare);
    assert_eq!(
        (m.appeal_window_days, m.mail_days, m.timely_filing_days),
        (120, 5, 365)
    );
    // Lookups match REF*2U and TRN03 as well as N104.
    let rem = remit(&["CLP*A*1*1*1**12*I*11*1"]);
    let ids = denali_rules::payer::payer_ids(&rem);
    assert_eq!(ids, ["PAYER01", "1999999999"]);
    let ctx = with_payers("[payer.\"1999999999\"]\nappeal_window_days = 10\n");
    assert_eq!(
        ctx.payers.resolve(&rem, &rem.claims[0]).appeal_window_days,
        10
    );
    // Errors name the problem.
    let err = PayerRules::from_toml("[payer.X]\nappeal_window = 3\n").unwrap_err();
    assert!(err.to_string().contains("appeal_window"), "{err}");
    assert!(PayerRules::from_toml("[default]\nmail_days = -1\n").is_err());
    // Merging: later wins per field.
    let a = PayerRules::from_toml("[payer.X]\nmail_days = 1\nappeal_window_days = 30\n").unwrap();
    let b = PayerRules::from_toml("[payer.X]\nmail_days = 2\n").unwrap();
    let m = a.merged(&b).resolve_ids(&["X"], None);
    assert_eq!((m.mail_days, m.appeal_window_days), (2, 30));
}

#[test]
fn user_rule_overrides_reach_the_assessment() {
    let rules = RuleSet::default()
        .with_overrides_toml("[carc.197]\nroute = \"appeal\"\n")
        .unwrap();
    let ctx = Context { rules, ..ctx() };
    let d = first_denial(&remit(CO197_DENIED), &ctx);
    assert_eq!(d.corrections.route, Route::Appeal);
    assert_eq!(d.deadline.unwrap().kind, DeadlineKind::Appeal);
}

// ---------------------------------------------------------------------------------------------
// Priority

#[test]
fn priority_reasons_and_scores() {
    let rem = remit(&[
        "CLP*H*1*1430*140**12*ICN0009*11*1",
        "SVC*HC:99203*180*140**1",
        "DTM*472*20250122",
        "CAS*CO*45*40",
        "SVC*HC:72148*1250*0**1",
        "DTM*472*20250122",
        "CAS*CO*197*1250",
    ]);
    let ctx = ctx();
    let d = first_denial(&rem, &ctx);
    let p = prioritize(&d, 1, &ctx);
    assert_eq!(
        p.reasons,
        [
            "$1,250 at stake",
            "21 days to timely filing deadline",
            "corrected claim likely to recover"
        ]
    );
    // 31 (dollars) + 18 (≤ 30 days) + 20 (corrected claim).
    assert_eq!(p.score, 69);
    let recurring = prioritize(&d, 5, &ctx);
    assert_eq!(recurring.score, 84);
    assert!(
        recurring
            .reasons
            .contains(&"recurs 5\u{d7} for payer PAYER01 CO-197".to_string()),
        "{:?}",
        recurring.reasons
    );
    assert!(p.score <= 100 && recurring.score <= 100);
}

#[test]
fn priority_orders_by_recoverability_dollars_and_time() {
    let ctx = ctx();
    let denial = |cas: &str, amount: &str, dos: &str| {
        let clp = format!("CLP*A*1*{amount}*0**12*ICN1*11*1");
        let svc = format!("SVC*HC:99213*{amount}*0**1");
        let dtm = format!("DTM*472*{dos}");
        let cas = format!("CAS*CO*{cas}*{amount}");
        first_denial(&remit(&[&clp, &svc, &dtm, &cas]), &ctx)
    };
    let score = |d: &Denial| prioritize(d, 1, &ctx).score;
    let corrected = denial("197", "500", "20250301");
    let write_off = denial("97", "500", "20250301");
    let appeal = denial("50", "500", "20250301");
    assert!(score(&corrected) > score(&appeal), "corrected vs appeal");
    assert!(score(&appeal) > score(&write_off), "appeal vs write-off");
    let small = denial("197", "5", "20250301");
    assert!(score(&corrected) > score(&small), "dollars");
    let sooner = denial("197", "500", "20250110");
    assert!(score(&sooner) > score(&corrected), "sooner deadline");
    let write_off_p = prioritize(&write_off, 1, &ctx);
    assert!(
        write_off_p
            .reasons
            .contains(&"write-off: low recoverability".to_string())
    );
    // Not appealable lowers an appeal or review.
    let unknown = denial("ZZ9", "500", "20250301");
    let p = prioritize(&unknown, 1, &ctx);
    assert_eq!(unknown.corrections.route, Route::Review);
    assert!(
        p.reasons.iter().any(|r| r.ends_with("not appealable")),
        "{p:?}"
    );
}

#[test]
fn recurrence_counts_the_same_pattern_across_a_batch() {
    let claim = |pcn: &str, code: &str, rarc: &str| {
        vec![
            format!("CLP*{pcn}*1*100*0**12*ICN{pcn}*11*1"),
            format!("SVC*HC:{code}*100*0**1"),
            "DTM*472*20250115".to_string(),
            "CAS*CO*16*100".to_string(),
            format!("LQ*HE*{rarc}"),
        ]
    };
    let mut segs = Vec::new();
    for (pcn, code, rarc) in [
        ("1", "99213", "N290"),
        ("2", "99213", "N290"),
        ("3", "99213", "N290"),
        ("4", "99214", "N290"),
        ("5", "99213", "M51"),
    ] {
        segs.extend(claim(pcn, code, rarc));
    }
    let refs: Vec<&str> = segs.iter().map(String::as_str).collect();
    let rem = remit(&refs);
    let a = assess_default(&rem);
    let mut rec = Recurrence::new();
    rec.add_assessment("PAYER01", &a, &rem);
    let counts: Vec<(String, u32)> = a
        .denials()
        .map(|d| (label(d), rec.count("PAYER01", d, &rem)))
        .collect();
    assert_eq!(
        counts.iter().map(|c| c.1).collect::<Vec<_>>(),
        [3, 3, 3, 1, 1]
    );
    // Another payer is another pattern.
    let first = a.denials().next().unwrap();
    assert_eq!(rec.count("OTHER", first, &rem), 0);
    rec.add("OTHER", first, &rem);
    assert_eq!(rec.count("OTHER", first, &rem), 1);
    let p = prioritize(first, 3, &ctx());
    assert!(
        p.reasons
            .contains(&"recurs 3\u{d7} for payer PAYER01 CO-16/N290".to_string()),
        "{:?}",
        p.reasons
    );
}

#[test]
fn plans_serialize_with_the_documented_keys() {
    let d = first_denial(&remit(CO197_DENIED), &ctx());
    let v = serde_json::to_value(&d).unwrap();
    let plan = &v["corrections"];
    assert_eq!(plan["route"], "corrected_claim");
    let p = &plan["proposals"][0];
    for key in [
        "loop_id",
        "segment",
        "element",
        "qualifier",
        "action",
        "value",
        "needs",
        "rationale",
    ] {
        assert!(p.get(key).is_some(), "missing {key}: {p}");
    }
    assert_eq!(p["action"], "add");
    assert_eq!(v["deadline"]["kind"], "timely_filing");
    assert_eq!(v["level"], "line");
    assert_eq!(v["group"], "CO");
    assert_eq!(v["amount"], "500");
    let _ = as_of();
}

#[test]
fn rescoring_with_a_batch_recurrence_matches_scoring_with_it() {
    let ctx = ctx();
    let fresh = first_denial(&remit(CO197_DENIED), &ctx);
    let passed = first_denial(
        &remit(&[
            "CLP*A*1*95*0**CI*ICN1*11*1",
            "MOA***MA130",
            "SVC*HC:99212*95*0**1",
            "DTM*472*20240601",
            "CAS*CO*16*95",
        ]),
        &ctx,
    );
    for d in [&fresh, &passed] {
        for base_n in [1, 3] {
            let base = prioritize(d, base_n, &ctx);
            for n in 0..8 {
                assert_eq!(
                    with_recurrence(&base, n, "PAYER01", &ctx),
                    prioritize(d, n, &ctx),
                    "base {base_n}, n {n}"
                );
            }
        }
    }
}

#[test]
fn nm1_74_that_changes_nothing_is_not_evidence() {
    let rem = remit(&[
        "CLP*A*1*150*0*150*12*ICN74*11*1",
        "NM1*QC*1*TAYLOR*MORGAN****MI*W1",
        "NM1*74*1*TAYLOR*MORGAN****C*W1",
        "SVC*HC:99213*150*0**1",
        "DTM*472*20250203",
        "CAS*PR*27*150",
    ]);
    let d = first_denial(&rem, &ctx());
    assert_eq!(d.corrections.route, Route::BillPatient);
    assert!(d.corrections.proposals.is_empty());
    // A changed middle initial (NM105) against the insured (NM1*IL) is.
    let rem = remit(&[
        "CLP*A*1*150*0*150*12*ICN74*11*1",
        "NM1*QC*1*SAMPLE*JOAN****MI*Z1",
        "NM1*IL*1*SAMPLE*HARRY*J***MI*Z1",
        "NM1*74*1*SAMPLE*HARRY*M***C*Z1",
        "SVC*HC:99213*150*0**1",
        "DTM*472*20250203",
        "CAS*PR*27*150",
    ]);
    let d = first_denial(&rem, &ctx());
    assert_eq!(d.corrections.route, Route::CorrectedClaim);
    let names: Vec<_> = d
        .corrections
        .proposals
        .iter()
        .filter(|p| p.loop_id == "2010BA")
        .map(|p| (p.element.as_str(), p.value.as_deref()))
        .collect();
    assert_eq!(names, [("05", Some("M"))]);
}

/// Regression: a claim-level M51 (procedure code) on an outpatient institutional claim asked
/// for the ICD-10-PCS principal procedure (2300 HI*BBR), which only inpatient claims carry;
/// an outpatient claim reports its procedures as HCPCS on the lines (SV202).
#[test]
fn a_claim_level_procedure_fault_is_hi_bbr_only_on_an_inpatient_claim() {
    for (type_of_bill, want) in [
        ("11", "2300 HI*BBR 01-2"),
        ("21", "2300 HI*BBR 01-2"),
        ("13", "2400 SV2 02-2"),
        ("71", "2400 SV2 02-2"),
        ("83", "2400 SV2 02-2"),
    ] {
        let clp = format!("CLP*A*1*100*0**MC*ICN1*{type_of_bill}*1");
        let rem = remit(&[&clp, "CAS*CO*16*100", "MOA***M51"]);
        let d = assess_with_kind(&rem, &ctx(), Some(ClaimKind::Institutional))
            .denials()
            .next()
            .cloned()
            .unwrap();
        let at = locations(&d);
        assert!(at.contains(&want.to_string()), "{type_of_bill}: {at:?}");
        let other = if want.starts_with("2300") {
            "2400 SV2 02-2"
        } else {
            "2300 HI*BBR 01-2"
        };
        assert!(!at.contains(&other.to_string()), "{type_of_bill}: {at:?}");
    }
}

/// On a dependant's claim (NM1*IL differs from NM1*QC), NM1*74 corrects the person whose last
/// and first names it repeats: the patient's middle initial goes to 2010CA; a name that is
/// neither person's is asked about, not written into the subscriber's loop.
#[test]
fn nm1_74_on_a_dependants_claim_corrects_the_person_it_names() {
    let claim = |nm1_74: &str| {
        let nm1_74 = format!("NM1*74*1*{nm1_74}***C*Z2");
        let rem = remit(&[
            "CLP*A*1*150*0**12*ICN74*11*1",
            "NM1*QC*1*SAMPLE*JOAN****MI*Z1",
            "NM1*IL*1*SAMPLE*HARRY*J***MI*Z1",
            &nm1_74,
            "SVC*HC:99213*150*0**1",
            "DTM*472*20250203",
            "CAS*CO*31*150",
        ]);
        let d = first_denial(&rem, &ctx());
        d.corrections
            .proposals
            .iter()
            .map(|p| (p.location(), p.value.clone()))
            .filter(|(at, _)| at.starts_with("2010"))
            .collect::<Vec<_>>()
    };
    let id = ("2010BA NM1*IL 09".to_string(), Some("Z2".to_string()));
    assert_eq!(
        claim("SAMPLE*JOAN*K"),
        [
            id.clone(),
            ("2010CA NM1*QC 05".to_string(), Some("K".to_string()))
        ]
    );
    assert_eq!(
        claim("SAMPLE*HARRY*M"),
        [
            id.clone(),
            ("2010BA NM1*IL 05".to_string(), Some("M".to_string()))
        ]
    );
    assert_eq!(
        claim("SAMPLE*JOANNA*"),
        [id, ("2010CA NM1*QC 03".to_string(), None)]
    );
}

/// CO-16 (and A1) need a remark to say what is missing, and every remark that names a fix is
/// part of it: with M51 and N290 the claim lacks a valid procedure code and the rendering
/// provider's NPI, whichever remark classified the denial (sweep 12a, bug 4: a claim resent
/// with only one of them fixed is denied again).
#[test]
fn every_remark_of_a_co16_names_a_fix() {
    let fixes = |carc: &str, remarks: &str| {
        let moa = format!("MOA***{remarks}");
        let cas = format!("CAS*CO*{carc}*100");
        let rem = remit(&[
            "CLP*A*1*100*0**12*ICN1*11*1",
            &cas,
            &moa,
            "SVC*HC:99213*100*0**1",
            "DTM*472*20250105",
        ]);
        let d = first_denial(&rem, &ctx());
        d.corrections
            .proposals
            .iter()
            .filter(|p| p.segment != "CLM" && p.qualifier.as_deref() != Some("F8"))
            .map(|p| p.location())
            .collect::<Vec<_>>()
    };
    let procedure = "2400 SV1 01-2".to_string();
    let npi = "2310B NM1*82 09".to_string();
    let diagnosis = "2300 HI*ABK 01-2".to_string();
    let member_id = "2010BA NM1*IL 09".to_string();
    for (carc, remarks, want) in [
        ("16", "M51*N290", vec![npi.clone(), procedure.clone()]),
        ("16", "N290*M51", vec![npi.clone(), procedure.clone()]),
        ("16", "MA130*N290*M51", vec![npi.clone(), procedure.clone()]),
        ("16", "N382*M76", vec![member_id.clone(), diagnosis.clone()]),
        ("A1", "M76*N290", vec![diagnosis.clone(), npi.clone()]),
    ] {
        let mut got = fixes(carc, remarks);
        got.sort();
        let mut want = want;
        want.sort();
        assert_eq!(got, want, "CO-{carc} {remarks}");
    }
    // A CARC that says what is wrong itself keeps only the remarks that agree with it: a
    // claim-level remark about the member does not make a modifier denial ask for the ID.
    assert_eq!(fixes("4", "N382"), ["2400 SV1 01-3"]);
}

/// Regression: a CO-29 (filing limit passed) from a commercial payer said "no appeal rights",
/// which is Medicare's rule only; other payers hear an appeal with proof of timely filing.
#[test]
fn a_late_claim_has_no_appeal_only_at_medicare() {
    let summary = |clp06: &str| {
        let clp = format!("CLP*A*1*100*0**{clp06}*ICN1*11*1");
        let rem = remit(&[
            &clp,
            "SVC*HC:99213*100*0**1",
            "DTM*472*20240105",
            "CAS*CO*29*100",
        ]);
        let d = first_denial(&rem, &ctx());
        assert_eq!(d.corrections.route, Route::WriteOff);
        d.corrections.summary
    };
    assert!(
        summary("MB").ends_with("(no appeal rights at Medicare)"),
        "{}",
        summary("MB")
    );
    let commercial = summary("12");
    assert!(
        commercial.contains("(unless you can prove timely filing: 999/277CA acceptance"),
        "{commercial}"
    );
    assert!(!commercial.contains("no appeal rights"), "{commercial}");
}

/// Regression (sweep, session 11): a corrected claim whose filing window had closed showed the
/// appeal window as its deadline and "corrected claim likely to recover", without a word that
/// a replacement is still subject to timely filing (DOMAIN 3.1). The plan now says when the
/// window closed and that an appeal follows a late denial.
#[test]
fn a_corrected_claim_past_its_filing_window_says_so() {
    let summary = |dos: &str| {
        let dtm = format!("DTM*472*{dos}");
        let rem = remit(&[
            "CLP*A*1*100*0**12*ICN1*11*1",
            "SVC*HC:99213*100*0**1",
            &dtm,
            "CAS*CO*197*100",
        ]);
        let d = first_denial(&rem, &ctx());
        assert_eq!(d.corrections.route, Route::CorrectedClaim);
        d.corrections.summary
    };
    // Commercial timely filing is 90 days; "now" is 2025-04-01.
    assert!(
        summary("20241201").ends_with("[the filing window closed on 2025-03-01: if the payer denies the claim as late, appeal]"),
        "{}",
        summary("20241201")
    );
    assert!(
        !summary("20250201").contains("filing window closed"),
        "{}",
        summary("20250201")
    );
}
