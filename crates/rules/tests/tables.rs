//! Checks on the compiled-in tables and table-driven checks of every mapping decision named in
//! shared/DOMAIN.md §2.1–§2.3, plus argument parsing and user overrides.

use denali_rules::tables::{
    builtin_table_errors, carc_table, group_override_table, lookup_carc, rarc_table,
};
use denali_rules::{
    Category, Class, CodeStatus, Error, GroupCode, Kind, Route, RuleSet, explain, parse_code_arg,
};

use Category::{
    Authorization as Auth, Coding, Documentation as Doc, Eligibility as Elig, Submission as Subm,
};

// ---------------------------------------------------------------------------------------------
// Table shape

fn data_rows(text: &str) -> usize {
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .count()
        - 1 // header
}

#[test]
fn builtin_tables_parse_without_errors() {
    let errors = builtin_table_errors();
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn every_row_parses() {
    assert_eq!(
        carc_table().len(),
        data_rows(include_str!("../data/carc.tsv"))
    );
    assert_eq!(
        rarc_table().len(),
        data_rows(include_str!("../data/rarc.tsv"))
    );
    assert_eq!(
        group_override_table().len(),
        data_rows(include_str!("../data/group_overrides.tsv"))
    );
}

/// (prefix, number) like the crate's own key, re-derived here.
fn key(code: &str) -> (String, u32) {
    let split = code.find(|c: char| c.is_ascii_digit()).unwrap();
    (code[..split].to_string(), code[split..].parse().unwrap())
}

#[test]
fn tables_are_sorted_without_duplicates() {
    let carcs: Vec<_> = carc_table().iter().map(|e| key(&e.code)).collect();
    assert!(carcs.windows(2).all(|w| w[0] < w[1]));
    let rarcs: Vec<_> = rarc_table().iter().map(|e| key(&e.code)).collect();
    assert!(rarcs.windows(2).all(|w| w[0] < w[1]));
    let groups: Vec<_> = group_override_table()
        .iter()
        .map(|o| (o.group.as_str().to_string(), key(&o.carc)))
        .collect();
    assert!(groups.windows(2).all(|w| w[0] < w[1]));
}

/// Codes deactivated by X12 (DOMAIN.md §2.2 "Deactivated" and our own reading of the lists).
const RETIRED_NUMERIC: &[u32] = &[
    15, 17, 25, 28, 30, 36, 37, 38, 41, 42, 43, 46, 47, 48, 52, 57, 62, 63, 64, 65, 67, 68, 71, 72,
    73, 77, 79, 80, 81, 82, 83, 84, 86, 87, 88, 92, 93, 98, 99, 113, 120, 123, 124, 125, 126, 127,
    138, 141, 145, 156, 162, 165, 168, 191, 196, 214, 217, 218, 220, 221, 230, 244, 255,
];

#[test]
fn every_numeric_carc_is_present_with_the_right_status() {
    for n in 1..=308u32 {
        let code = n.to_string();
        let e = lookup_carc(&code).unwrap_or_else(|| panic!("CARC {code} missing"));
        let want = if RETIRED_NUMERIC.contains(&n) {
            CodeStatus::Retired
        } else {
            CodeStatus::Active
        };
        assert_eq!(e.status, want, "CARC {code}");
    }
}

#[test]
fn every_letter_carc_is_present() {
    // (prefix, first, last, retired numbers)
    let families: [(&str, u32, u32, Vec<u32>); 6] = [
        ("A", 0, 8, vec![2, 3, 4, 7]),
        ("B", 1, 23, vec![2, 3, 5, 6, 17, 18, 19, 21]),
        ("D", 1, 23, (1..=23).collect()),
        ("P", 1, 32, vec![]),
        ("W", 1, 9, (1..=9).collect()),
        ("Y", 1, 3, vec![1, 2, 3]),
    ];
    for (prefix, first, last, retired) in families {
        for n in first..=last {
            let code = format!("{prefix}{n}");
            let e = lookup_carc(&code).unwrap_or_else(|| panic!("CARC {code} missing"));
            let want = if retired.contains(&n) {
                CodeStatus::Retired
            } else {
                CodeStatus::Active
            };
            assert_eq!(e.status, want, "CARC {code}");
        }
    }
}

#[test]
fn table_sizes() {
    let active = carc_table()
        .iter()
        .filter(|e| e.status == CodeStatus::Active)
        .count();
    let retired = carc_table().len() - active;
    assert!(active >= 280, "{active} active CARCs");
    assert!(retired >= 100, "{retired} retired CARCs");
    assert!(rarc_table().len() >= 150);
}

#[test]
fn descriptions_are_short_paraphrases() {
    for e in carc_table() {
        let words = e.description.split_whitespace().count();
        assert!((1..=10).contains(&words), "CARC {}: {words} words", e.code);
    }
    for e in rarc_table() {
        let words = e.description.split_whitespace().count();
        assert!((1..=10).contains(&words), "RARC {}: {words} words", e.code);
    }
}

#[test]
fn codes_that_need_a_rarc_are_the_documented_ones() {
    // DOMAIN.md §0.5 plus the task brief.
    let mut want = vec![
        "16", "96", "129", "148", "201", "226", "227", "234", "237", "250", "251", "252", "267",
        "307", "A1",
    ];
    want.sort();
    let mut got: Vec<_> = carc_table()
        .iter()
        .filter(|e| e.needs_rarc)
        .map(|e| e.code.to_string())
        .collect();
    got.sort();
    assert_eq!(got, want);
}

#[test]
fn every_domain_rarc_is_present() {
    // DOMAIN.md §2.3, in table order.
    let listed = "N290 N257 N265 N286 N31 N264 N575 N95 N32 N55 MA130 M51 N56 N657 M76 MA63 M81 \
        MA66 M77 N519 M114 N565 N350 M119 M79 MA120 N382 MA27 MA61 N329 MA39 N30 N52 N129 N54 \
        M62 M127 N706 N102 N26 N179 M15 N20 N19 M80 M86 N640 N362 N115 N386 N130 N425 N383 MA04 \
        N4 N479 N522 N111 N152 M47 N517 N34 MA15 N21 MA18 MA07 N1 MA01 N211 N10 N432";
    for code in listed.split_whitespace() {
        assert!(
            RuleSet::default().rarc(code).is_some(),
            "RARC {code} missing"
        );
    }
}

#[test]
fn denial_classes_roll_up_to_their_category() {
    for e in carc_table() {
        if e.kind == Kind::Denial {
            assert_eq!(e.category, e.class.category(), "CARC {}", e.code);
            assert!(
                e.category.is_some() || e.class == Class::Unclassified,
                "CARC {}",
                e.code
            );
        } else {
            assert!(e.category.is_none(), "CARC {}", e.code);
        }
    }
    for e in rarc_table() {
        if let Some(class) = e.class {
            assert_eq!(e.category, class.category(), "RARC {}", e.code);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Mapping decisions

struct Case {
    args: &'static str,
    kind: Kind,
    category: Option<Category>,
    class: Class,
    route: Route,
    appealable: bool,
}

const fn case(
    args: &'static str,
    kind: Kind,
    category: Option<Category>,
    class: Class,
    route: Route,
    appealable: bool,
) -> Case {
    Case {
        args,
        kind,
        category,
        class,
        route,
        appealable,
    }
}

use Class as C;
use Kind as K;
use Route as R;

const DEN: Kind = K::Denial;

/// One row per decision in DOMAIN.md §2.1–§2.3 (and the brief).
const CASES: &[Case] = &[
    // §2.1 group codes: the same CARC under different groups.
    case(
        "CO-45",
        K::Contractual,
        None,
        C::Contractual,
        R::WriteOff,
        true,
    ),
    case(
        "PR-45",
        K::PatientResponsibility,
        None,
        C::PatientResponsibility,
        R::BillPatient,
        false,
    ),
    case(
        "CO-50",
        DEN,
        Some(Doc),
        C::MedicalNecessity,
        R::Appeal,
        true,
    ),
    case(
        "PR-50",
        DEN,
        Some(Doc),
        C::MedicalNecessity,
        R::BillPatient,
        true,
    ),
    case(
        "CO-55",
        DEN,
        Some(Doc),
        C::MedicalNecessity,
        R::Appeal,
        true,
    ),
    case(
        "PR-55",
        DEN,
        Some(Doc),
        C::MedicalNecessity,
        R::BillPatient,
        true,
    ),
    case(
        "CO-96 N425",
        DEN,
        Some(Elig),
        C::NonCovered,
        R::WriteOff,
        true,
    ),
    case(
        "PR-96 N425",
        DEN,
        Some(Elig),
        C::NonCovered,
        R::BillPatient,
        true,
    ),
    case("CO-204", DEN, Some(Elig), C::NonCovered, R::WriteOff, true),
    case(
        "PR-204",
        DEN,
        Some(Elig),
        C::NonCovered,
        R::BillPatient,
        true,
    ),
    case(
        "PR-27",
        DEN,
        Some(Elig),
        C::Eligibility,
        R::BillPatient,
        true,
    ),
    // PR on a claim that can be put right keeps the fix: the member id (31, 140), the other
    // payer (22, 109). Billing the patient comes after, if the fixed claim is denied again.
    case(
        "PR-31",
        DEN,
        Some(Elig),
        C::Eligibility,
        R::CorrectedClaim,
        true,
    ),
    case(
        "PR-140",
        DEN,
        Some(Elig),
        C::Eligibility,
        R::CorrectedClaim,
        true,
    ),
    case(
        "PR-22",
        DEN,
        Some(Elig),
        C::CoordinationOfBenefits,
        R::BillOtherPayer,
        true,
    ),
    case(
        "PR-109",
        DEN,
        Some(Elig),
        C::WrongPayer,
        R::BillOtherPayer,
        true,
    ),
    // MA130 beside a remark that names the fault: the fault classifies, MA130 routes.
    case(
        "CO-16 MA130 M51",
        DEN,
        Some(Coding),
        C::Coding,
        R::NewClaim,
        false,
    ),
    // MA130 (send a new claim) does not send a duplicate again, nor a late claim.
    case(
        "OA-18 MA130",
        DEN,
        Some(Subm),
        C::Duplicate,
        R::NoAction,
        false,
    ),
    case(
        "CO-29 MA130",
        DEN,
        Some(Subm),
        C::TimelyFiling,
        R::WriteOff,
        false,
    ),
    case("CO-97", DEN, Some(Coding), C::Bundling, R::WriteOff, true),
    case(
        "PR-1",
        K::PatientResponsibility,
        None,
        C::PatientResponsibility,
        R::BillPatient,
        false,
    ),
    case(
        "PR-2",
        K::PatientResponsibility,
        None,
        C::PatientResponsibility,
        R::BillPatient,
        false,
    ),
    case(
        "PR-3",
        K::PatientResponsibility,
        None,
        C::PatientResponsibility,
        R::BillPatient,
        false,
    ),
    case(
        "CO-2",
        K::Contractual,
        None,
        C::Contractual,
        R::WriteOff,
        false,
    ),
    case(
        "PI-1",
        K::Contractual,
        None,
        C::Contractual,
        R::WriteOff,
        false,
    ),
    case(
        "OA-23",
        K::Informational,
        None,
        C::CoordinationOfBenefits,
        R::NoAction,
        false,
    ),
    case(
        "PR-23",
        K::PatientResponsibility,
        None,
        C::PatientResponsibility,
        R::BillPatient,
        false,
    ),
    case("OA-18", DEN, Some(Subm), C::Duplicate, R::NoAction, false),
    case("OA-133", K::Informational, None, C::Pending, R::Wait, false),
    case("133", K::Informational, None, C::Pending, R::Wait, false),
    case(
        "PR-131",
        K::PatientResponsibility,
        None,
        C::PatientResponsibility,
        R::BillPatient,
        false,
    ),
    case(
        "PI-50",
        DEN,
        Some(Doc),
        C::MedicalNecessity,
        R::Appeal,
        true,
    ),
    case("CR-97", DEN, Some(Coding), C::Bundling, R::WriteOff, true),
    // §2.2 eligibility.
    case(
        "CO-26",
        DEN,
        Some(Elig),
        C::Eligibility,
        R::BillOtherPayer,
        true,
    ),
    case(
        "CO-31",
        DEN,
        Some(Elig),
        C::Eligibility,
        R::CorrectedClaim,
        true,
    ),
    case(
        "CO-140",
        DEN,
        Some(Elig),
        C::Eligibility,
        R::CorrectedClaim,
        true,
    ),
    case(
        "CO-109",
        DEN,
        Some(Elig),
        C::WrongPayer,
        R::BillOtherPayer,
        true,
    ),
    case("CO-B11", DEN, Some(Elig), C::WrongPayer, R::Wait, false),
    case("CO-290", DEN, Some(Elig), C::WrongPayer, R::Wait, false),
    // Two claims, one per coverage period: a split Denali does not make, so a person does
    // (a new claim built from the whole original would be denied again).
    case("CO-239", DEN, Some(Elig), C::Eligibility, R::Review, true),
    case("CO-242", DEN, Some(Elig), C::Eligibility, R::Appeal, true),
    case(
        "CO-B9",
        DEN,
        Some(Elig),
        C::Eligibility,
        R::BillOtherPayer,
        true,
    ),
    case(
        "PR-238",
        K::PatientResponsibility,
        None,
        C::PatientResponsibility,
        R::BillPatient,
        false,
    ),
    // COB.
    case(
        "CO-22",
        DEN,
        Some(Elig),
        C::CoordinationOfBenefits,
        R::BillOtherPayer,
        true,
    ),
    case(
        "CO-19",
        DEN,
        Some(Elig),
        C::CoordinationOfBenefits,
        R::BillOtherPayer,
        true,
    ),
    case(
        "OA-209",
        K::Informational,
        None,
        C::CoordinationOfBenefits,
        R::BillOtherPayer,
        false,
    ),
    case(
        "CO-129 MA04",
        DEN,
        Some(Elig),
        C::CoordinationOfBenefits,
        R::CorrectedClaim,
        true,
    ),
    case(
        "CO-276",
        DEN,
        Some(Elig),
        C::CoordinationOfBenefits,
        R::Appeal,
        true,
    ),
    // Authorization.
    case("CO-39", DEN, Some(Auth), C::Authorization, R::Appeal, true),
    case(
        "CO-197",
        DEN,
        Some(Auth),
        C::Authorization,
        R::CorrectedClaim,
        true,
    ),
    case(
        "CO-198",
        DEN,
        Some(Auth),
        C::Authorization,
        R::CorrectedClaim,
        true,
    ),
    case(
        "CO-284",
        DEN,
        Some(Auth),
        C::Authorization,
        R::CorrectedClaim,
        true,
    ),
    case(
        "CO-288",
        DEN,
        Some(Auth),
        C::Authorization,
        R::CorrectedClaim,
        true,
    ),
    case(
        "CO-243",
        DEN,
        Some(Auth),
        C::Authorization,
        R::CorrectedClaim,
        true,
    ),
    case("CO-95", DEN, Some(Auth), C::Authorization, R::Appeal, true),
    // Coding and bundling.
    case(
        "CO-4",
        DEN,
        Some(Coding),
        C::Coding,
        R::CorrectedClaim,
        true,
    ),
    case(
        "CO-11",
        DEN,
        Some(Coding),
        C::Coding,
        R::CorrectedClaim,
        true,
    ),
    case(
        "CO-181",
        DEN,
        Some(Coding),
        C::Coding,
        R::CorrectedClaim,
        true,
    ),
    case(
        "CO-189",
        DEN,
        Some(Coding),
        C::Coding,
        R::CorrectedClaim,
        true,
    ),
    case(
        "CO-236",
        DEN,
        Some(Coding),
        C::Bundling,
        R::CorrectedClaim,
        true,
    ),
    case(
        "CO-234 M15",
        DEN,
        Some(Coding),
        C::Bundling,
        R::WriteOff,
        true,
    ),
    case(
        "CO-B15",
        DEN,
        Some(Coding),
        C::Bundling,
        R::CorrectedClaim,
        true,
    ),
    // Submission.
    case(
        "CO-16",
        DEN,
        Some(Subm),
        C::Submission,
        R::CorrectedClaim,
        true,
    ),
    case(
        "CO-16 N290",
        DEN,
        Some(Subm),
        C::Submission,
        R::CorrectedClaim,
        true,
    ),
    case(
        "CO-16 N257",
        DEN,
        Some(Subm),
        C::Submission,
        R::CorrectedClaim,
        true,
    ),
    case(
        "CO-16 M51",
        DEN,
        Some(Coding),
        C::Coding,
        R::CorrectedClaim,
        true,
    ),
    case(
        "CO-16 M76",
        DEN,
        Some(Coding),
        C::Coding,
        R::CorrectedClaim,
        true,
    ),
    case(
        "CO-16 M77",
        DEN,
        Some(Coding),
        C::Coding,
        R::CorrectedClaim,
        true,
    ),
    case(
        "CO-16 N382",
        DEN,
        Some(Elig),
        C::Eligibility,
        R::CorrectedClaim,
        true,
    ),
    case(
        "CO-16 M62",
        DEN,
        Some(Auth),
        C::Authorization,
        R::CorrectedClaim,
        true,
    ),
    case(
        "CO-16 N575",
        DEN,
        Some(Subm),
        C::ProviderEnrollment,
        R::CorrectedClaim,
        true,
    ),
    case(
        "CO-16 MA04",
        DEN,
        Some(Elig),
        C::CoordinationOfBenefits,
        R::CorrectedClaim,
        true,
    ),
    case(
        "CO-16 MA130",
        DEN,
        Some(Subm),
        C::Submission,
        R::NewClaim,
        false,
    ),
    case(
        "CO-16 N517",
        DEN,
        Some(Subm),
        C::Submission,
        R::NewClaim,
        true,
    ),
    case(
        "CO-16 N152",
        DEN,
        Some(Subm),
        C::Submission,
        R::CorrectedClaim,
        true,
    ),
    case(
        "CO-16 M127",
        DEN,
        Some(Doc),
        C::Documentation,
        R::Appeal,
        true,
    ),
    case(
        "CO-4 MA130",
        DEN,
        Some(Coding),
        C::Coding,
        R::NewClaim,
        false,
    ),
    case(
        "CO-206",
        DEN,
        Some(Subm),
        C::Submission,
        R::CorrectedClaim,
        true,
    ),
    case("CO-267", DEN, Some(Subm), C::Submission, R::NewClaim, true),
    case("CO-18", DEN, Some(Subm), C::Duplicate, R::NoAction, false),
    case("CO-B13", DEN, Some(Subm), C::Duplicate, R::NoAction, false),
    case(
        "CO-18 N522",
        DEN,
        Some(Subm),
        C::Duplicate,
        R::NoAction,
        false,
    ),
    case(
        "CO-29",
        DEN,
        Some(Subm),
        C::TimelyFiling,
        R::WriteOff,
        false,
    ),
    case(
        "CO-286",
        DEN,
        Some(Subm),
        C::TimelyFiling,
        R::WriteOff,
        false,
    ),
    case("CO-285", DEN, Some(Subm), C::TimelyFiling, R::Appeal, true),
    case(
        "CO-185",
        DEN,
        Some(Subm),
        C::ProviderEnrollment,
        R::CorrectedClaim,
        true,
    ),
    case(
        "CO-B7",
        DEN,
        Some(Subm),
        C::ProviderEnrollment,
        R::Appeal,
        true,
    ),
    case(
        "CO-170",
        DEN,
        Some(Subm),
        C::ProviderEnrollment,
        R::CorrectedClaim,
        true,
    ),
    // Documentation and medical necessity.
    case(
        "CO-252",
        DEN,
        Some(Doc),
        C::Documentation,
        R::CorrectedClaim,
        true,
    ),
    case(
        "CO-252 M127",
        DEN,
        Some(Doc),
        C::Documentation,
        R::Appeal,
        true,
    ),
    case("CO-226", DEN, Some(Doc), C::Documentation, R::Appeal, true),
    case("CO-B12", DEN, Some(Doc), C::Documentation, R::Appeal, true),
    case(
        "CO-151",
        DEN,
        Some(Doc),
        C::MedicalNecessity,
        R::Appeal,
        true,
    ),
    case(
        "CO-167",
        DEN,
        Some(Doc),
        C::MedicalNecessity,
        R::Appeal,
        true,
    ),
    case(
        "CO-96 N115",
        DEN,
        Some(Doc),
        C::MedicalNecessity,
        R::Appeal,
        true,
    ),
    case(
        "CO-96 N386",
        DEN,
        Some(Doc),
        C::MedicalNecessity,
        R::Appeal,
        true,
    ),
    // Non-covered.
    case("CO-96", DEN, Some(Elig), C::NonCovered, R::WriteOff, true),
    case(
        "CO-96 N130",
        DEN,
        Some(Elig),
        C::NonCovered,
        R::WriteOff,
        true,
    ),
    case("CO-49", DEN, Some(Elig), C::NonCovered, R::WriteOff, true),
    case("CO-119", DEN, Some(Elig), C::NonCovered, R::WriteOff, true),
    // Contractual, patient responsibility, pending, informational.
    case(
        "CO-253",
        K::Contractual,
        None,
        C::Contractual,
        R::WriteOff,
        false,
    ),
    case(
        "CO-59",
        K::Contractual,
        None,
        C::Contractual,
        R::WriteOff,
        true,
    ),
    case(
        "CO-24",
        K::Contractual,
        None,
        C::Contractual,
        R::WriteOff,
        false,
    ),
    case(
        "PR-100",
        K::PatientResponsibility,
        None,
        C::PatientResponsibility,
        R::BillPatient,
        false,
    ),
    case("OA-257", K::Informational, None, C::Pending, R::Wait, false),
    case(
        "OA-193",
        K::Informational,
        None,
        C::Informational,
        R::Review,
        true,
    ),
    // A1 and the alerts.
    case("CO-A1", DEN, None, C::Unclassified, R::Review, true),
    case(
        "CO-A1 N290",
        DEN,
        Some(Subm),
        C::Submission,
        R::CorrectedClaim,
        true,
    ),
    // Regression (domain sweep, session 10): was routed `appeal` while not appealable.
    case(
        "CO-50 N211",
        DEN,
        Some(Doc),
        C::MedicalNecessity,
        R::Review,
        false,
    ),
    case(
        "CO-97 N111",
        DEN,
        Some(Coding),
        C::Bundling,
        R::NoAction,
        false,
    ),
    case(
        "CO-16 MA01 N290",
        DEN,
        Some(Subm),
        C::Submission,
        R::CorrectedClaim,
        true,
    ),
    case(
        "CO-16 N211 N290",
        DEN,
        Some(Subm),
        C::Submission,
        R::CorrectedClaim,
        false,
    ),
    // Retired codes still read.
    case(
        "CO-15",
        DEN,
        Some(Auth),
        C::Authorization,
        R::CorrectedClaim,
        true,
    ),
    case(
        "CO-42",
        K::Contractual,
        None,
        C::Contractual,
        R::WriteOff,
        false,
    ),
    // Unknown codes.
    case("ZZ9", K::Unknown, None, C::Unknown, R::Review, false),
    case("CO-999", K::Unknown, None, C::Unknown, R::Review, false),
    case(
        "N290",
        K::Unknown,
        Some(Subm),
        C::Submission,
        R::CorrectedClaim,
        false,
    ),
    case(
        "CO-ZZ9 N211",
        K::Unknown,
        None,
        C::Unknown,
        R::Review,
        false,
    ),
];

#[test]
fn mapping_decisions() {
    assert!(CASES.len() >= 60);
    let rules = RuleSet::default();
    let mut failures = Vec::new();
    for c in CASES {
        let q = parse_code_arg(c.args).unwrap_or_else(|e| panic!("{}: {e}", c.args));
        let e = rules.explain_query(&q);
        let got = (e.kind, e.category, e.class, e.route, e.appealable);
        let want = (c.kind, c.category, c.class, c.route, c.appealable);
        if got != want {
            failures.push(format!(
                "{:>16}: got {got:?}, want {want:?}\n{:>16}  reason: {}",
                c.args, "", e.reason
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn invariants_hold_for_every_code_and_group() {
    let rules = RuleSet::default();
    let groups = [
        None,
        Some("CO"),
        Some("PR"),
        Some("OA"),
        Some("PI"),
        Some("CR"),
        Some("XX"),
    ];
    let rarc_sets: [&[&str]; 5] = [&[], &["N290"], &["M51", "N290"], &["MA130"], &["N211"]];
    for carc in carc_table() {
        for group in groups {
            for rarcs in rarc_sets {
                let e = rules.explain(group, Some(&carc.code), rarcs);
                let label = format!("{group:?} {} {rarcs:?}", carc.code);
                match e.kind {
                    Kind::Denial => assert!(
                        e.category == e.class.category() || e.class == Class::Unclassified,
                        "{label}: {e:?}"
                    ),
                    Kind::Unknown => {}
                    _ => assert_eq!(e.category, None, "{label}"),
                }
                if rarcs.contains(&"N211") || rarcs.contains(&"MA130") {
                    assert!(!e.appealable, "{label}");
                }
                if rarcs.contains(&"MA130") && e.kind == Kind::Denial {
                    if matches!(e.class, Class::Duplicate | Class::TimelyFiling) {
                        assert!(
                            !matches!(
                                e.route,
                                Route::NewClaim | Route::CorrectedClaim | Route::VoidAndNew
                            ),
                            "{label}: a duplicate or late claim is not resubmitted"
                        );
                    } else {
                        assert_eq!(e.route, Route::NewClaim, "{label}");
                    }
                }
                if group == Some("PR") && e.kind == Kind::Denial && rarcs.is_empty() {
                    // The patient is billed, unless the claim can be fixed or sent to another
                    // plan first: then the CARC's own route stands.
                    if e.route != Route::BillPatient {
                        let plain = rules.explain(None, Some(&carc.code), rarcs);
                        assert_eq!(e.route, plain.route, "{label}");
                        assert!(
                            matches!(
                                e.route,
                                Route::CorrectedClaim
                                    | Route::NewClaim
                                    | Route::VoidAndNew
                                    | Route::BillOtherPayer
                            ),
                            "{label}: {:?}",
                            e.route
                        );
                    }
                }
                if group == Some("CO") {
                    assert_ne!(e.kind, Kind::PatientResponsibility, "{label}");
                }
            }
        }
    }
}

#[test]
fn every_classifying_rarc_refines_carc_16() {
    let rules = RuleSet::default();
    for r in rarc_table() {
        let Some(class) = r.class else { continue };
        let e = rules.explain(Some("CO"), Some("16"), &[&r.code]);
        assert_eq!(e.class, class, "CO-16 {}", r.code);
        assert_eq!(e.category, class.category(), "CO-16 {}", r.code);
        if let Some(route) = r.route {
            assert_eq!(e.route, route, "CO-16 {}", r.code);
        }
    }
}

#[test]
fn reasons_name_the_rules_that_fired() {
    let e = explain(Some("CO"), Some("16"), &["N290"]);
    assert!(e.reason.contains("CARC 16"), "{}", e.reason);
    assert!(e.reason.contains("RARC N290 refines"), "{}", e.reason);
    let e = explain(Some("CO"), Some("29"), &[]);
    assert!(e.reason.contains("Medicare"), "{}", e.reason);
    let e = explain(Some("PR"), Some("27"), &[]);
    assert!(e.reason.contains("PR-27"), "{}", e.reason);
    let e = explain(Some("PR"), Some("16"), &[]);
    assert!(
        e.reason.contains("patient-liability denial"),
        "{}",
        e.reason
    );
    let e = explain(Some("CO"), Some("16"), &["MA130"]);
    assert!(e.reason.contains("not appealable"), "{}", e.reason);
    let e = explain(Some("CO"), Some("16"), &[]);
    assert!(e.reason.contains("needs a RARC"), "{}", e.reason);
    let e = explain(Some("XX"), Some("16"), &["N9999"]);
    assert!(e.reason.contains("not an X12 group code"), "{}", e.reason);
    assert!(
        e.reason.contains("RARC N9999 is not in the tables"),
        "{}",
        e.reason
    );
    let e = explain(None, Some("15"), &[]);
    assert!(e.reason.contains("retired"), "{}", e.reason);
    assert_eq!(e.status, Some(CodeStatus::Retired));
}

#[test]
fn explanation_fields_and_json() {
    let e = explain(Some(" co "), Some("016"), &["n290", ""]);
    assert_eq!(e.group, Some(GroupCode::Co));
    assert_eq!(e.carc.as_deref(), Some("16"));
    assert_eq!(e.rarcs.len(), 1);
    assert_eq!(e.rarcs[0].code, "N290");
    assert!(e.rarcs[0].description.is_some());
    assert!(!e.description.is_empty());
    let json = serde_json::to_value(&e).unwrap();
    assert_eq!(json["group"], "CO");
    assert_eq!(json["carc"], "16");
    assert_eq!(json["kind"], "denial");
    assert_eq!(json["category"], "submission");
    assert_eq!(json["class"], "submission");
    assert_eq!(json["route"], "corrected_claim");
    assert_eq!(json["appealable"], true);
    assert_eq!(json["status"], "active");
    assert_eq!(json["rarcs"][0]["code"], "N290");

    let none = explain(None, None, &[]);
    assert_eq!(none.kind, Kind::Unknown);
    assert_eq!(none.group, None);
    assert_eq!(
        serde_json::to_value(&none).unwrap()["category"],
        serde_json::Value::Null
    );
    let blank = explain(Some(""), Some("  "), &["  "]);
    assert_eq!(blank.carc, None);
    assert!(blank.rarcs.is_empty());
}

#[test]
fn hostile_inputs_never_panic() {
    let long = "9".repeat(10_000);
    for text in [
        "",
        " ",
        "-",
        "CO-",
        "\u{0}",
        "é",
        "N",
        "MA",
        "9999999999",
        &long,
        "A-1-2",
        "::",
    ] {
        let _ = explain(Some(text), Some(text), &[text, text]);
        let _ = parse_code_arg(text);
    }
}

// ---------------------------------------------------------------------------------------------
// Argument parsing

/// (argument, group, CARC, RARCs)
type ArgCase = (
    &'static str,
    Option<GroupCode>,
    Option<&'static str>,
    &'static [&'static str],
);

#[test]
fn code_arguments() {
    let ok: &[ArgCase] = &[
        ("16", None, Some("16"), &[]),
        ("CO-16", Some(GroupCode::Co), Some("16"), &[]),
        ("CO16", Some(GroupCode::Co), Some("16"), &[]),
        ("co16", Some(GroupCode::Co), Some("16"), &[]),
        ("CO:16", Some(GroupCode::Co), Some("16"), &[]),
        ("N290", None, None, &["N290"]),
        ("CO-16 N290", Some(GroupCode::Co), Some("16"), &["N290"]),
        ("co-16,N290", Some(GroupCode::Co), Some("16"), &["N290"]),
        (
            "co-16, n290 ; ma130",
            Some(GroupCode::Co),
            Some("16"),
            &["N290", "MA130"],
        ),
        ("16 ma1", None, Some("16"), &["MA01"]),
        ("CO 16 N290", Some(GroupCode::Co), Some("16"), &["N290"]),
        ("N290 CO-16", Some(GroupCode::Co), Some("16"), &["N290"]),
        ("PR-1", Some(GroupCode::Pr), Some("1"), &[]),
        ("PR1", Some(GroupCode::Pr), Some("1"), &[]),
        ("OA23", Some(GroupCode::Oa), Some("23"), &[]),
        ("PI-B7", Some(GroupCode::Pi), Some("B7"), &[]),
        ("COA1", Some(GroupCode::Co), Some("A1"), &[]),
        ("P12", None, Some("P12"), &[]),
        ("A1+N290", None, Some("A1"), &["N290"]),
        ("045", None, Some("45"), &[]),
        ("ZZ9", None, Some("ZZ9"), &[]),
        (
            "XX-16",
            Some(GroupCode::Other("XX".into())),
            Some("16"),
            &[],
        ),
        ("CO-16 CO", Some(GroupCode::Co), Some("16"), &[]),
        ("M51 N290", None, None, &["M51", "N290"]),
    ];
    for (text, group, carc, rarcs) in ok {
        let q = parse_code_arg(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(q.group, *group, "{text}");
        assert_eq!(q.carc.as_deref(), *carc, "{text}");
        assert_eq!(q.rarcs, *rarcs, "{text}");
    }
    let bad = [
        "",
        "   ",
        ",,",
        "CO",
        "CO-16 PR-45",
        "16 97",
        "CO-N290",
        "CON290",
        "CO-",
        "C-16",
        "16$",
        "CO-16-N290",
        "é16",
        "12345678901234567",
    ];
    for text in bad {
        match parse_code_arg(text) {
            Err(Error::Argument { .. }) => {}
            other => panic!("{text:?}: expected an argument error, got {other:?}"),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Overrides and descriptions

#[test]
fn toml_overrides_apply() {
    let toml = r#"
        [carc.16]
        category = "coding"
        class = "coding"
        route = "appeal"
        appealable = false
        description = "Our own words for 16"

        [carc.45]
        class = "bundling"

        [carc."PR-204"]
        route = "write_off"
        note = "contract forbids billing these"

        [carc."pi-50"]
        appealable = false

        [carc.309]
        class = "timely_filing"
        description = "A code newer than our table"

        [rarc.N290]
        category = "eligibility"
        class = "eligibility"

        [rarc.M51]
        scope = "always"
        appealable = false

        [rarc.N9999]
        class = "duplicate"
    "#;
    let rules = RuleSet::default().with_overrides_toml(toml).unwrap();

    let e = rules.explain(Some("CO"), Some("16"), &[]);
    assert_eq!(
        (e.category, e.class, e.route, e.appealable),
        (Some(Coding), C::Coding, R::Appeal, false)
    );
    assert_eq!(e.description, "Our own words for 16");

    // Re-classifying a CARC drops the built-in CO-45/PR-45 rows; generic group rules apply.
    let e = rules.explain(Some("CO"), Some("45"), &[]);
    assert_eq!(
        (e.kind, e.category, e.class),
        (DEN, Some(Coding), C::Bundling)
    );
    let e = rules.explain(Some("PR"), Some("45"), &[]);
    assert_eq!(
        (e.kind, e.class, e.route),
        (DEN, C::Bundling, R::BillPatient)
    );
    // A description-only override keeps them.
    let described = RuleSet::default()
        .with_overrides_toml("[carc.45]\ndescription = \"x\"\n")
        .unwrap();
    let e = described.explain(Some("PR"), Some("45"), &[]);
    assert_eq!(
        (e.kind, e.description.as_str()),
        (K::PatientResponsibility, "x")
    );

    let e = rules.explain(Some("PR"), Some("204"), &[]);
    assert_eq!(e.route, R::WriteOff);
    assert!(e.reason.contains("contract forbids"), "{}", e.reason);
    // The built-in PR-204 kind and class are kept.
    assert_eq!((e.kind, e.class), (DEN, C::NonCovered));

    let e = rules.explain(Some("PI"), Some("50"), &[]);
    assert!(!e.appealable);

    let e = rules.explain(Some("CO"), Some("309"), &[]);
    assert_eq!(
        (e.kind, e.category, e.class),
        (DEN, Some(Subm), C::TimelyFiling)
    );

    let e = rules.explain(Some("CO"), Some("16"), &["N290"]);
    assert_eq!((e.category, e.class), (Some(Elig), C::Eligibility));

    let e = rules.explain(Some("CO"), Some("4"), &["M51"]);
    assert!(!e.appealable);

    let e = rules.explain(Some("CO"), Some("A1"), &["N9999"]);
    assert_eq!(e.class, C::Duplicate);

    // The built-in rules are untouched.
    let e = explain(Some("CO"), Some("16"), &["N290"]);
    assert_eq!(e.class, C::Submission);

    // Overrides stack, later files win.
    let again = rules
        .with_overrides_toml("[carc.16]\nroute = \"new_claim\"\n")
        .unwrap();
    let e = again.explain(Some("CO"), Some("16"), &[]);
    assert_eq!((e.class, e.route), (C::Coding, R::NewClaim));

    // An empty file changes nothing.
    assert!(RuleSet::default().with_overrides_toml("").is_ok());
}

#[test]
fn toml_override_errors() {
    let cases = [
        ("not toml at all [", "toml"),
        ("[cars.16]\nroute = \"appeal\"", "toml"),
        ("[carc.16]\nrout = \"appeal\"", "toml"),
        ("[carc.16]\nappealable = \"yes\"", "toml"),
        ("[carc.16]\nroute = \"fax\"", "override"),
        ("[carc.16]\ncategory = \"billing\"", "override"),
        ("[carc.16]\nscope = \"always\"", "override"),
        ("[carc.\"C O\"]\nroute = \"appeal\"", "override"),
        ("[carc.N290]\nroute = \"appeal\"", "override"),
        ("[carc.\"XX-16\"]\nroute = \"appeal\"", "override"),
        ("[carc.\"PR-16\"]\ndescription = \"x\"", "override"),
        ("[rarc.16]\nroute = \"appeal\"", "override"),
        ("[rarc.N290]\nkind = \"denial\"", "override"),
        ("[rarc.N290]\nscope = \"sometimes\"", "override"),
    ];
    for (text, want) in cases {
        let got = RuleSet::default().with_overrides_toml(text);
        let ok = matches!(
            (&got, want),
            (Err(Error::Toml { .. }), "toml") | (Err(Error::Override { .. }), "override")
        );
        assert!(ok, "{text:?}: got {:?}", got.err());
    }
    let err = RuleSet::default()
        .with_overrides_toml("[carc.16]\nroute = \"fax\"")
        .unwrap_err();
    let message = err.to_string();
    assert!(message.contains("carc.16"), "{message}");
    assert!(message.contains("corrected_claim"), "{message}");
}

#[test]
fn official_descriptions_replace_ours() {
    let mut rules = RuleSet::default();
    let csv = "\u{feff}Code,Description,Start,Stop\r\n\
        16,\"Official text for sixteen, with a comma\",01/01/1995,\r\n\
        # a comment\r\n\
        \r\n\
        n290\tOfficial N290 text\r\n\
        309,Brand-new code\r\n";
    assert_eq!(rules.load_code_descriptions(csv).unwrap(), 3);
    let e = rules.explain(Some("CO"), Some("16"), &["N290"]);
    assert_eq!(e.description, "Official text for sixteen, with a comma");
    assert_eq!(
        e.rarcs[0].description.as_deref(),
        Some("Official N290 text")
    );
    // Classification does not change.
    assert_eq!(e.class, C::Submission);
    // An unknown code shows the loaded text but stays unknown.
    let e = rules.explain(None, Some("309"), &[]);
    assert_eq!(e.description, "Brand-new code");
    assert_eq!(e.kind, K::Unknown);

    for bad in ["16", "16,", "x!,desc", "16,\"unterminated"] {
        let mut rules = RuleSet::default();
        match rules.load_code_descriptions(bad) {
            Err(Error::Table { line: 1, .. }) => {}
            other => panic!("{bad:?}: {other:?}"),
        }
    }
    // A failed load changes nothing.
    let mut rules = RuleSet::default();
    assert!(rules.load_code_descriptions("16,ok\n17,\n").is_err());
    assert_ne!(rules.description("16"), Some("ok"));
}
