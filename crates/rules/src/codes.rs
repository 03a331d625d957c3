//! Small value types shared by the tables and the classifier: group codes, kinds, categories,
//! classes, routes, and helpers that normalise CARC/RARC code text.
//!
//! Every enum here has a stable snake_case text form (`as_str`, `Display`, `FromStr`, and
//! serde `Serialize`); the TSV tables, the TOML override file and JSON output all use it.

use std::fmt;
use std::str::FromStr;

use serde::{Serialize, Serializer};

/// Declares a fieldless enum with one fixed text form per variant, plus `ALL`, `as_str`,
/// `Display`, `FromStr` (exact, lower-case) and `Serialize` (as the same text).
macro_rules! text_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident { $( $(#[$vmeta:meta])* $variant:ident => $text:literal, )+ }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $( $(#[$vmeta])* $variant, )+ }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: &'static [$name] = &[ $( $name::$variant, )+ ];

            /// The snake_case text used in tables, TOML overrides and JSON.
            pub const fn as_str(self) -> &'static str {
                match self { $( $name::$variant => $text, )+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = UnknownValue;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $( $text => Ok($name::$variant), )+
                    _ => Err(UnknownValue {
                        what: stringify!($name),
                        expected: &[ $( $text, )+ ],
                    }),
                }
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
    };
}

/// Returned by the `FromStr` impls of this module's enums when the text is not one of the
/// accepted values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownValue {
    /// Name of the type that was being parsed (`"Kind"`, `"Route"`, ...).
    pub what: &'static str,
    /// Every accepted value.
    pub expected: &'static [&'static str],
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "expected one of: {}", self.expected.join(", "))
    }
}

impl std::error::Error for UnknownValue {}

text_enum! {
    /// What an adjustment means for the money: a payer denial, a contractual/pricing adjustment,
    /// an amount the patient owes, or a note that does not change who owes what.
    pub enum Kind {
        /// The payer refuses (all or part of) the charge for a reason someone can act on.
        Denial => "denial",
        /// Pricing under a contract or regulation (fee schedule, withholds, discounts): post it.
        Contractual => "contractual",
        /// Deductible, coinsurance, copay and similar: bill the patient or the next payer.
        PatientResponsibility => "patient_responsibility",
        /// Informational or not final (pending, forwarded, reported only).
        Informational => "informational",
        /// The code is not in our tables (or no CARC was given): review by hand.
        Unknown => "unknown",
    }
}

text_enum! {
    /// The five denial categories Denali reports (DOMAIN.md §2.2). Only denials have one.
    pub enum Category {
        /// Coverage, member identity, other payers, non-covered benefits.
        Eligibility => "eligibility",
        /// Missing or mismatched prior authorization, pre-certification or referral.
        Authorization => "authorization",
        /// Procedure, diagnosis, modifier or bundling problems.
        Coding => "coding",
        /// Records, attachments, orders; medical-necessity disputes.
        Documentation => "documentation",
        /// Claim data and process errors: IDs, dates, duplicates, filing limits, enrollment.
        Submission => "submission",
    }
}

text_enum! {
    /// A finer class under (or beside) the categories; each denial class rolls up to one
    /// [`Category`] via [`Class::category`].
    pub enum Class {
        /// Coverage dates, member identity, dependants, eligibility rules.
        Eligibility => "eligibility",
        /// Another plan or payer should receive the claim (or already has it).
        WrongPayer => "wrong_payer",
        /// Coordination of benefits: another payer is (or may be) primary.
        CoordinationOfBenefits => "coordination_of_benefits",
        /// Benefit excluded or exhausted.
        NonCovered => "non_covered",
        /// Authorization, pre-certification, notification or referral.
        Authorization => "authorization",
        /// Procedure/diagnosis/modifier coding.
        Coding => "coding",
        /// Included in (or incompatible with) another service.
        Bundling => "bundling",
        /// Records, attachments, orders and prescriptions.
        Documentation => "documentation",
        /// The payer judged the service not necessary (level, frequency, policy).
        MedicalNecessity => "medical_necessity",
        /// Claim data errors and process problems.
        Submission => "submission",
        /// Already billed or paid.
        Duplicate => "duplicate",
        /// Filing or appeal deadline missed.
        TimelyFiling => "timely_filing",
        /// Provider enrollment, credentialing, eligibility to bill.
        ProviderEnrollment => "provider_enrollment",
        /// Contractual or pricing adjustment.
        Contractual => "contractual",
        /// Amount the patient owes.
        PatientResponsibility => "patient_responsibility",
        /// Informational only.
        Informational => "informational",
        /// Not final yet (pending review, grace period).
        Pending => "pending",
        /// A known code that cannot be classified without a RARC (A1 alone).
        Unclassified => "unclassified",
        /// A code we do not know.
        Unknown => "unknown",
    }
}

impl Class {
    /// The denial category this class rolls up to, if it is a denial class.
    pub const fn category(self) -> Option<Category> {
        match self {
            Class::Eligibility
            | Class::WrongPayer
            | Class::CoordinationOfBenefits
            | Class::NonCovered => Some(Category::Eligibility),
            Class::Authorization => Some(Category::Authorization),
            Class::Coding | Class::Bundling => Some(Category::Coding),
            Class::Documentation | Class::MedicalNecessity => Some(Category::Documentation),
            Class::Submission
            | Class::Duplicate
            | Class::TimelyFiling
            | Class::ProviderEnrollment => Some(Category::Submission),
            Class::Contractual
            | Class::PatientResponsibility
            | Class::Informational
            | Class::Pending
            | Class::Unclassified
            | Class::Unknown => None,
        }
    }
}

text_enum! {
    /// What a biller should do next (DOMAIN.md §3.1).
    pub enum Route {
        /// Fix the data and send a replacement claim (frequency 7 + REF*F8).
        CorrectedClaim => "corrected_claim",
        /// Void the original (frequency 8) and send a new original claim.
        VoidAndNew => "void_and_new",
        /// The claim was not processable: fix it and send a new original (frequency 1).
        NewClaim => "new_claim",
        /// Dispute the payer's judgement: appeal or reconsideration with evidence.
        Appeal => "appeal",
        /// Send the claim to the right plan or payer (primary, other plan, carrier).
        BillOtherPayer => "bill_other_payer",
        /// The patient (or their secondary) owes it.
        BillPatient => "bill_patient",
        /// Medicare Part B: ask the contractor for a clerical-error reopening (portal, phone or
        /// written request) instead of sending a frequency-7 claim. Never produced by the code
        /// tables alone; payer rules choose it.
        Reopening => "reopening",
        /// Nothing to do yet: pending, forwarded, or waiting on someone else.
        Wait => "wait",
        /// Post the adjustment as a write-off.
        WriteOff => "write_off",
        /// Nothing to do (informational).
        NoAction => "no_action",
        /// A person must look at it (unknown code, missing RARC, upheld decision).
        Review => "review",
    }
}

text_enum! {
    /// Whether a code is still on the published list.
    pub enum CodeStatus {
        /// Currently in use.
        Active => "active",
        /// Deactivated; kept so old remittances still explain.
        Retired => "retired",
    }
}

text_enum! {
    /// When a RARC's route/appealable columns apply.
    pub enum RarcScope {
        /// Only when the CARC needs a RARC to be classified (16, 96, A1, ...) or is absent/unknown.
        Refine => "refine",
        /// Route/appealable also override any CARC (MA130, N211, ...). Category and class still
        /// refine only.
        Always => "always",
    }
}

/// The CAS01 claim adjustment group code.
///
/// Groups are evaluated in the order PR, CO, PI, CR, OA (see [`GroupCode::evaluation_rank`]);
/// CR only occurs in 4010 data and 837 COB loops.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum GroupCode {
    /// `CO` contractual obligation: the provider writes it off; the patient may not be billed.
    Co,
    /// `PR` patient responsibility.
    Pr,
    /// `OA` other adjustment (neither patient nor contract).
    Oa,
    /// `PI` payer-initiated reduction without a contract basis.
    Pi,
    /// `CR` correction or reversal (4010 only); read like the original group.
    Cr,
    /// Any other text, upper-cased and trimmed.
    Other(String),
}

impl GroupCode {
    /// Parses group text, case-insensitively; anything unrecognised becomes
    /// [`GroupCode::Other`]. Never fails.
    pub fn parse(s: &str) -> GroupCode {
        let t = s.trim();
        if t.eq_ignore_ascii_case("CO") {
            GroupCode::Co
        } else if t.eq_ignore_ascii_case("PR") {
            GroupCode::Pr
        } else if t.eq_ignore_ascii_case("OA") {
            GroupCode::Oa
        } else if t.eq_ignore_ascii_case("PI") {
            GroupCode::Pi
        } else if t.eq_ignore_ascii_case("CR") {
            GroupCode::Cr
        } else {
            GroupCode::Other(t.to_ascii_uppercase())
        }
    }

    /// The code text (`"CO"`, `"PR"`, ...).
    pub fn as_str(&self) -> &str {
        match self {
            GroupCode::Co => "CO",
            GroupCode::Pr => "PR",
            GroupCode::Oa => "OA",
            GroupCode::Pi => "PI",
            GroupCode::Cr => "CR",
            GroupCode::Other(s) => s,
        }
    }

    /// Whether this is one of the five X12 group codes.
    pub fn is_known(&self) -> bool {
        !matches!(self, GroupCode::Other(_))
    }

    /// Position in the evaluation order PR (0), CO (1), PI (2), CR (3), OA (4), other (5):
    /// when one line carries several groups, the lower rank decides who owes first.
    pub fn evaluation_rank(&self) -> u8 {
        match self {
            GroupCode::Pr => 0,
            GroupCode::Co => 1,
            GroupCode::Pi => 2,
            GroupCode::Cr => 3,
            GroupCode::Oa => 4,
            GroupCode::Other(_) => 5,
        }
    }
}

impl fmt::Display for GroupCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for GroupCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// Splits an upper-case code into its shape `(letter prefix, number)`, e.g. `("", 16)`,
/// `("B", 7)`, `("MA", 130)`: zero to two ASCII upper-case letters followed by one to six
/// digits. Returns `None` for anything else. Tables are sorted by this key (numbers
/// numerically, so `2 < 10`) and looked up with it.
pub(crate) fn code_key(code: &str) -> Option<(&str, u32)> {
    let split = code
        .bytes()
        .position(|b| b.is_ascii_digit())
        .unwrap_or(code.len());
    let (prefix, digits) = code.split_at(split);
    if prefix.len() > 2 || !prefix.bytes().all(|b| b.is_ascii_uppercase()) {
        return None;
    }
    if digits.is_empty() || digits.len() > 6 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse::<u32>().ok().map(|n| (prefix, n))
}

/// Normalises user text for a code: trims, upper-cases and, when the code has the usual shape,
/// writes its number the canonical way: no leading zeros (`"045"` → `"45"`, `"n0290"` →
/// `"N290"`), except that `MA` remark codes below 10 have two digits (`"ma1"` → `"MA01"`), as
/// published. Other text is returned trimmed and upper-cased, so it still shows up as an
/// unknown code.
pub fn normalize_code(s: &str) -> String {
    normalized(s).into_owned()
}

/// [`normalize_code`] without the allocation when the code is already normal (codes as real
/// files send them: `16`, `N290`, `MA130`); lookups run this for every code of every claim.
pub(crate) fn normalized(s: &str) -> std::borrow::Cow<'_, str> {
    if is_normal(s) {
        return std::borrow::Cow::Borrowed(s);
    }
    std::borrow::Cow::Owned(normalize_slow(s))
}

fn normalize_slow(s: &str) -> String {
    let upper = s.trim().to_ascii_uppercase();
    match code_key(&upper) {
        Some(("MA", n)) => format!("MA{n:02}"),
        Some((prefix, n)) => format!("{prefix}{n}"),
        None => upper,
    }
}

/// Whether `s` is already what [`normalize_code`] would return: upper-case letters then digits
/// without a leading zero (`MA` codes: at least two digits).
fn is_normal(s: &str) -> bool {
    let b = s.as_bytes();
    let letters = b.iter().take_while(|c| c.is_ascii_uppercase()).count();
    let digits = b.get(letters..).unwrap_or(&[]);
    if letters > 2
        || digits.is_empty()
        || digits.len() > 6
        || !digits.iter().all(u8::is_ascii_digit)
    {
        return false;
    }
    let prefix = b.get(..letters).unwrap_or(&[]);
    match (prefix, digits) {
        (b"MA", [_]) => false,
        (b"MA", [b'0', _]) => digits.len() == 2,
        (_, [b'0', ..]) => false,
        _ => true,
    }
}

/// Whether a normalised code has the shape of a RARC (`M`, `MA` or `N` followed by digits).
/// CARCs never start with M or N, so the shape decides.
pub fn is_rarc_shape(code: &str) -> bool {
    matches!(code_key(code), Some(("M" | "MA" | "N", _)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enum_text_round_trips_and_matches_serde() {
        fn check<T>(all: &[T])
        where
            T: Copy + fmt::Display + FromStr + PartialEq + fmt::Debug + Serialize,
        {
            for v in all {
                let text = v.to_string();
                assert_eq!(text.parse::<T>().ok(), Some(*v));
                let json = serde_json::to_string(v).unwrap();
                assert_eq!(json, format!("\"{text}\""));
            }
        }
        check(Kind::ALL);
        check(Category::ALL);
        check(Class::ALL);
        check(Route::ALL);
        check(CodeStatus::ALL);
        check(RarcScope::ALL);
    }

    #[test]
    fn kind_and_category_names_are_the_documented_ones() {
        let kinds: Vec<_> = Kind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(
            kinds,
            [
                "denial",
                "contractual",
                "patient_responsibility",
                "informational",
                "unknown"
            ]
        );
        let cats: Vec<_> = Category::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(
            cats,
            [
                "eligibility",
                "authorization",
                "coding",
                "documentation",
                "submission"
            ]
        );
    }

    #[test]
    fn unknown_value_lists_choices() {
        let err = "bogus".parse::<Route>().unwrap_err();
        assert_eq!(err.what, "Route");
        assert!(err.to_string().contains("corrected_claim"));
    }

    #[test]
    fn group_codes() {
        assert_eq!(GroupCode::parse(" co "), GroupCode::Co);
        assert_eq!(GroupCode::parse("pr"), GroupCode::Pr);
        assert_eq!(GroupCode::parse("Oa"), GroupCode::Oa);
        assert_eq!(GroupCode::parse("PI"), GroupCode::Pi);
        assert_eq!(GroupCode::parse("CR"), GroupCode::Cr);
        assert_eq!(GroupCode::parse("xx"), GroupCode::Other("XX".into()));
        assert!(!GroupCode::parse("xx").is_known());
        let mut groups = [
            GroupCode::Oa,
            GroupCode::Other("ZZ".into()),
            GroupCode::Cr,
            GroupCode::Pi,
            GroupCode::Co,
            GroupCode::Pr,
        ];
        groups.sort_by_key(GroupCode::evaluation_rank);
        let order: Vec<_> = groups.iter().map(GroupCode::as_str).collect();
        assert_eq!(order, ["PR", "CO", "PI", "CR", "OA", "ZZ"]);
        assert_eq!(serde_json::to_string(&GroupCode::Pr).unwrap(), "\"PR\"");
    }

    #[test]
    fn code_keys() {
        assert_eq!(code_key("16"), Some(("", 16)));
        assert_eq!(code_key("B7"), Some(("B", 7)));
        assert_eq!(code_key("MA130"), Some(("MA", 130)));
        assert_eq!(code_key("ZZ9"), Some(("ZZ", 9)));
        assert_eq!(code_key(""), None);
        assert_eq!(code_key("N"), None);
        assert_eq!(code_key("ABC1"), None);
        assert_eq!(code_key("1A"), None);
        assert_eq!(code_key("n1"), None);
        assert_eq!(code_key("1234567"), None);
        assert_eq!(code_key("é1"), None);
    }

    #[test]
    fn normalizing() {
        assert_eq!(normalize_code(" 045 "), "45");
        assert_eq!(normalize_code("n0290"), "N290");
        assert_eq!(normalize_code("ma130"), "MA130");
        assert_eq!(normalize_code("ma1"), "MA01");
        assert_eq!(normalize_code("MA001"), "MA01");
        assert_eq!(normalize_code("MA04"), "MA04");
        assert_eq!(normalize_code("zz9"), "ZZ9");
        assert_eq!(normalize_code("what?"), "WHAT?");
        assert!(is_rarc_shape("N290"));
        assert!(is_rarc_shape("MA130"));
        assert!(is_rarc_shape("M51"));
        assert!(!is_rarc_shape("B7"));
        assert!(!is_rarc_shape("16"));
    }
}

#[cfg(test)]
mod fast_path_tests {
    use super::*;

    /// The fast path must agree with the slow one on every shape.
    #[test]
    fn fast_path_agrees_with_normalisation() {
        for s in [
            "16", "016", "0", "N290", "N0290", "MA130", "MA01", "MA1", "MA001", "M15", "A1", "B7",
            "co", "ZZ9", "ABC1", "1A", " 16", "n290", "", "1234567", "P12", "MA10",
        ] {
            let fast = is_normal(s);
            if fast {
                let upper = s.trim().to_ascii_uppercase();
                let slow = match code_key(&upper) {
                    Some(("MA", n)) => format!("MA{n:02}"),
                    Some((prefix, n)) => format!("{prefix}{n}"),
                    None => upper,
                };
                assert_eq!(slow, s, "{s:?} is not normal");
            }
        }
        assert!(is_normal("N290") && is_normal("MA130") && is_normal("16") && is_normal("MA01"));
        assert!(!is_normal("016") && !is_normal("MA1") && !is_normal("n290"));
    }
}
