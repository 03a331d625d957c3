//! The typed 835: owned values decoded once from a transaction set.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::error::Position;
use crate::value::Text;

macro_rules! code_enum {
    ($(#[$doc:meta])* $name:ident { $( $(#[$vdoc:meta])* $variant:ident = $code:literal, )* }) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vdoc])* $variant, )*
            /// A code this crate does not know, kept as sent.
            Other(Text),
        }

        impl $name {
            /// Decodes a code; unknown codes are kept in `Other`.
            pub fn from_code(b: &[u8]) -> $name {
                match b {
                    $( $code => $name::$variant, )*
                    other => $name::Other(crate::value::text(other)),
                }
            }

            /// The code as sent.
            pub fn code(&self) -> &str {
                match self {
                    $( $name::$variant => {
                        // the literal is ASCII by construction; decoded at compile time
                        const CODE: &str = match std::str::from_utf8($code) {
                            Ok(s) => s,
                            Err(_) => "",
                        };
                        CODE
                    } )*
                    $name::Other(s) => s.as_str(),
                }
            }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}

code_enum! {
    /// CAS01 claim adjustment group code: who owes the adjusted amount.
    GroupCode {
        /// Contractual obligation: the provider writes it off; the patient may not be billed.
        ContractualObligation = b"CO",
        /// Patient responsibility.
        PatientResponsibility = b"PR",
        /// Other adjustment (neither provider nor patient).
        OtherAdjustment = b"OA",
        /// Payer-initiated reduction.
        PayerInitiated = b"PI",
        /// Correction or reversal (4010 only).
        CorrectionReversal = b"CR",
    }
}

code_enum! {
    /// CLP02 claim status.
    ClaimStatus {
        /// Processed as primary.
        ProcessedPrimary = b"1",
        /// Processed as secondary.
        ProcessedSecondary = b"2",
        /// Processed as tertiary.
        ProcessedTertiary = b"3",
        /// Denied (5010: patient not recognised, not forwarded).
        Denied = b"4",
        /// Pended (4010 only).
        Pended = b"5",
        /// Received, not processed (4010 only).
        NotProcessed = b"10",
        /// Processed as primary, forwarded to additional payers.
        PrimaryForwarded = b"19",
        /// Processed as secondary, forwarded to additional payers.
        SecondaryForwarded = b"20",
        /// Processed as tertiary, forwarded to additional payers.
        TertiaryForwarded = b"21",
        /// Reversal of a previous payment.
        Reversal = b"22",
        /// Not our claim, forwarded to another payer.
        NotOurClaimForwarded = b"23",
        /// Predetermination pricing only, no payment.
        Predetermination = b"25",
    }
}

code_enum! {
    /// BPR01 transaction handling code.
    HandlingCode {
        /// Payment accompanies the remittance advice.
        PaymentWithRemittance = b"C",
        /// Make payment only.
        PaymentOnly = b"D",
        /// Notification only.
        Notification = b"H",
        /// Remittance information only.
        RemittanceOnly = b"I",
        /// Prenotification of future transfers.
        Prenotification = b"P",
        /// Split payment and remittance.
        Split = b"U",
        /// Handling party's option to split payment and remittance.
        HandlersOption = b"X",
    }
}

/// A date with its qualifier (DTM/DTP segments).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DateRef {
    /// DTM01 qualifier (e.g. `472` service date, `232` statement from, `050` received).
    pub qualifier: Text,
    /// DTM02 date, when it parses.
    pub date: Option<NaiveDate>,
}

/// A reference identifier (REF segment).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reference {
    /// REF01 qualifier (e.g. `6R` line item control number, `G1` prior authorization).
    pub qualifier: Text,
    /// REF02 value.
    pub value: Text,
}

/// A monetary amount with its qualifier (AMT segment).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Amount {
    /// AMT01 qualifier (e.g. `B6` allowed, `AU` coverage amount, `I` interest).
    pub qualifier: Text,
    /// AMT02 amount.
    pub amount: Decimal,
}

/// A quantity with its qualifier (QTY segment).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Quantity {
    /// QTY01 qualifier.
    pub qualifier: Text,
    /// QTY02 quantity.
    pub quantity: Decimal,
}

/// A remark code (MOA/MIA claim remarks, LQ line remarks).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Remark {
    /// `HE` for a remittance advice remark code (RARC), `RX` for an NCPDP reject code.
    pub qualifier: Text,
    /// The code, e.g. `N290`.
    pub code: Text,
}

/// A person or organisation named in an NM1 or N1 segment.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize)]
pub struct Name {
    /// NM101/N101 entity identifier (`QC` patient, `IL` insured, `74` corrected insured, `82`
    /// rendering provider, `PR` payer, `PE` payee…).
    pub entity: Text,
    /// NM103 last or organisation name (N102 for N1).
    pub last: Option<Text>,
    /// NM104 first name.
    pub first: Option<Text>,
    /// NM105 middle name.
    pub middle: Option<Text>,
    /// NM107 suffix.
    pub suffix: Option<Text>,
    /// NM108/N103 identification code qualifier (`MI` member id, `XX` NPI, `C` corrected id…).
    pub id_qualifier: Option<Text>,
    /// NM109/N104 identifier.
    pub id: Option<Text>,
}

/// A party of the payment: payer (1000A) or payee (1000B).
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize)]
pub struct Party {
    /// N101 entity identifier (`PR` payer, `PE` payee).
    pub entity: Text,
    /// N102 name.
    pub name: Option<Text>,
    /// N103 identification code qualifier (`XX` NPI, `FI` tax id, `XV` plan id…).
    pub id_qualifier: Option<Text>,
    /// N104 identifier.
    pub id: Option<Text>,
    /// N301/N302 address lines.
    pub address: Vec<Text>,
    /// N401 city.
    pub city: Option<Text>,
    /// N402 state.
    pub state: Option<Text>,
    /// N403 postal code.
    pub postal_code: Option<Text>,
    /// REF segments of the loop (e.g. `2U` payer id, `TJ` tax id).
    pub references: Vec<Reference>,
}

/// Payment header: BPR, TRN and DTM*405.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize)]
pub struct Payment {
    /// BPR01 handling code.
    pub handling_code: Option<HandlingCode>,
    /// BPR02 total actual provider payment amount.
    pub total_paid: Decimal,
    /// BPR03 credit (`C`) or debit (`D`).
    pub credit_debit: Option<Text>,
    /// BPR04 payment method (`ACH`, `CHK`, `NON`, `BOP`, `FWT`).
    pub method: Option<Text>,
    /// BPR16 payment effective (check issue) date.
    pub payment_date: Option<NaiveDate>,
    /// TRN02 check or EFT trace number.
    pub trace_number: Option<Text>,
    /// TRN03 payer identifier (originating company).
    pub originator_id: Option<Text>,
    /// DTM*405 production date.
    pub production_date: Option<NaiveDate>,
    /// Header REF segments (e.g. `EV` receiver id, `F2` version).
    pub references: Vec<Reference>,
}

/// CAS: one reason/amount/quantity triplet with its group.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Adjustment {
    /// CAS01 group code.
    pub group: GroupCode,
    /// CARC: the claim adjustment reason code (CAS02, 05, 08, 11, 14 or 17).
    pub reason: Text,
    /// The adjustment amount (positive reduces payment; negative increases it).
    pub amount: Decimal,
    /// The adjusted quantity, if sent.
    pub quantity: Option<Decimal>,
    /// Where the triplet is.
    #[serde(skip)]
    pub position: Position,
}

/// An adjudicated or submitted procedure (SVC01 / SVC06 composite).
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize)]
pub struct Procedure {
    /// Product/service id qualifier (`HC` HCPCS/CPT, `AD` ADA, `NU` revenue code, `N4` NDC…).
    pub qualifier: Text,
    /// The procedure code.
    pub code: Text,
    /// Up to four modifiers.
    pub modifiers: Vec<Text>,
    /// Description (composite component 7), if sent.
    pub description: Option<Text>,
}

/// A service line payment (loop 2110).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ServicePayment {
    /// SVC01 adjudicated procedure.
    pub procedure: Procedure,
    /// SVC02 line item charge amount.
    pub charge: Decimal,
    /// SVC03 line item provider payment amount.
    pub payment: Decimal,
    /// SVC04 national uniform billing (revenue) code.
    pub revenue_code: Option<Text>,
    /// SVC05 units of service paid.
    pub units: Option<Decimal>,
    /// SVC06 submitted procedure, when the payer changed it.
    pub submitted_procedure: Option<Procedure>,
    /// SVC07 original units of service submitted.
    pub original_units: Option<Decimal>,
    /// REF*6R line item control number (the 837's 2400 REF*6R).
    pub control_number: Option<Text>,
    /// DTM segments (`472` service date, `150`/`151` period).
    pub dates: Vec<DateRef>,
    /// CAS triplets at line level.
    pub adjustments: Vec<Adjustment>,
    /// LQ remark codes.
    pub remarks: Vec<Remark>,
    /// REF segments other than 6R.
    pub references: Vec<Reference>,
    /// AMT segments (`B6` allowed…).
    pub amounts: Vec<Amount>,
    /// QTY segments.
    pub quantities: Vec<Quantity>,
    /// Where the SVC is.
    #[serde(skip)]
    pub position: Position,
}

impl ServicePayment {
    /// AMT*B6 allowed amount.
    pub fn allowed(&self) -> Option<Decimal> {
        self.amounts
            .iter()
            .find(|a| a.qualifier == "B6")
            .map(|a| a.amount)
    }

    /// The service date: DTM*472, else the start of DTM*150.
    pub fn service_date(&self) -> Option<NaiveDate> {
        let find = |q: &str| {
            self.dates
                .iter()
                .find(|d| d.qualifier == q)
                .and_then(|d| d.date)
        };
        find("472").or_else(|| find("150"))
    }

    /// Sum of the line's CAS amounts.
    pub fn adjustment_total(&self) -> Decimal {
        self.adjustments.iter().map(|a| a.amount).sum()
    }
}

/// A claim payment (loop 2100) with its service lines.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClaimPayment {
    /// CLP01 patient control number (the 837's CLM01).
    pub patient_control_number: Text,
    /// CLP02 claim status.
    pub status_code: ClaimStatus,
    /// CLP03 total claim charge amount.
    pub total_charge: Decimal,
    /// CLP04 claim payment amount.
    pub payment_amount: Decimal,
    /// CLP05 patient responsibility amount.
    pub patient_responsibility: Option<Decimal>,
    /// CLP06 claim filing indicator (`MA`, `MB`, `MC`, `CI`, `HM`…).
    pub filing_indicator: Option<Text>,
    /// CLP07 payer claim control number (ICN): the 837 REF*F8 of a corrected claim.
    pub payer_claim_control_number: Option<Text>,
    /// CLP08 facility type code or place of service.
    pub facility_code: Option<Text>,
    /// CLP09 claim frequency type code.
    pub frequency_code: Option<Text>,
    /// CLP11 DRG code.
    pub drg_code: Option<Text>,
    /// CLP12 DRG weight.
    pub drg_weight: Option<Decimal>,
    /// CLP13 discharge fraction.
    pub discharge_fraction: Option<Decimal>,
    /// CAS triplets at claim level.
    pub adjustments: Vec<Adjustment>,
    /// MOA/MIA remark codes.
    pub remarks: Vec<Remark>,
    /// NM1*QC patient. (The seven names are boxed: inline they made a claim 1.6 KB, most of
    /// it empty, and a transaction set's claims one large allocation.)
    pub patient: Option<Box<Name>>,
    /// NM1*IL insured, when different from the patient.
    pub insured: Option<Box<Name>>,
    /// NM1*74 corrected patient/insured: what the payer says name and id should be.
    pub corrected_insured: Option<Box<Name>>,
    /// NM1*82 rendering provider.
    pub rendering_provider: Option<Box<Name>>,
    /// NM1*TT crossover carrier.
    pub crossover_carrier: Option<Box<Name>>,
    /// NM1*PR corrected priority payer: the payer to bill first.
    pub corrected_priority_payer: Option<Box<Name>>,
    /// NM1*GB other subscriber.
    pub other_subscriber: Option<Box<Name>>,
    /// REF segments (`1L`, `1K`, `EA`, `G1`, `BB`, `F8`…).
    pub references: Vec<Reference>,
    /// DTM segments (`232`/`233` statement period, `050` received, `036` coverage expiration).
    pub dates: Vec<DateRef>,
    /// AMT segments.
    pub amounts: Vec<Amount>,
    /// QTY segments.
    pub quantities: Vec<Quantity>,
    /// The service lines (loop 2110).
    pub service_lines: Vec<ServicePayment>,
    /// LX header number the claim is grouped under, if any.
    pub header_number: Option<Text>,
    /// Where the CLP is.
    #[serde(skip)]
    pub position: Position,
}

/// An empty claim, as if from a CLP with every element empty. With it, `std::mem::take` moves a
/// claim lent by [`parse_835_each`](crate::remit::parse_835_each) out without copying it.
impl Default for ClaimPayment {
    fn default() -> Self {
        ClaimPayment {
            patient_control_number: Text::default(),
            status_code: ClaimStatus::Other(Text::default()),
            total_charge: Decimal::ZERO,
            payment_amount: Decimal::ZERO,
            patient_responsibility: None,
            filing_indicator: None,
            payer_claim_control_number: None,
            facility_code: None,
            frequency_code: None,
            drg_code: None,
            drg_weight: None,
            discharge_fraction: None,
            adjustments: Vec::new(),
            remarks: Vec::new(),
            patient: None,
            insured: None,
            corrected_insured: None,
            rendering_provider: None,
            crossover_carrier: None,
            corrected_priority_payer: None,
            other_subscriber: None,
            references: Vec::new(),
            dates: Vec::new(),
            amounts: Vec::new(),
            quantities: Vec::new(),
            service_lines: Vec::new(),
            header_number: None,
            position: Position::default(),
        }
    }
}

impl ClaimPayment {
    /// Whether the claim is a reversal of an earlier payment (CLP02 = 22).
    pub fn is_reversal(&self) -> bool {
        self.status_code == ClaimStatus::Reversal
    }

    /// Sum of the claim-level CAS amounts.
    pub fn claim_adjustment_total(&self) -> Decimal {
        self.adjustments.iter().map(|a| a.amount).sum()
    }

    /// Sum of all CAS amounts, claim and line level.
    pub fn adjustment_total(&self) -> Decimal {
        self.claim_adjustment_total()
            + self
                .service_lines
                .iter()
                .map(ServicePayment::adjustment_total)
                .sum::<Decimal>()
    }

    /// The first reference with a qualifier.
    pub fn reference(&self, qualifier: &str) -> Option<&str> {
        self.references
            .iter()
            .find(|r| r.qualifier == qualifier)
            .map(|r| r.value.as_str())
    }

    /// What tells this claim apart when reversals are linked to originals and corrections.
    pub fn key(&self) -> ClaimKey {
        ClaimKey {
            patient_control_number: self.patient_control_number.clone(),
            payer_claim_control_number: self.payer_claim_control_number.clone(),
            reversal: self.is_reversal(),
            original_reference: self.reference("F8").map(Text::from),
        }
    }

    /// Masks patient, insured and other-subscriber names and member ids, and the claim REFs
    /// that identify a person ([`PERSONAL_REFERENCES`]: member id, Social Security number,
    /// medical record number, employee id, insurance policy number).
    pub fn redact(&mut self) {
        for n in [
            &mut self.patient,
            &mut self.insured,
            &mut self.corrected_insured,
            &mut self.other_subscriber,
        ]
        .into_iter()
        .flatten()
        {
            n.redact();
        }
        for r in &mut self.references {
            if PERSONAL_REFERENCES.contains(&r.qualifier.as_str()) {
                r.value = Text::new(REDACTED);
            }
        }
    }

    /// What [`ClaimPayment::redact`] masks, as sent: every name part and id of the claim's
    /// people (patient, insured, corrected insured, other subscriber) and the values of the
    /// claim REFs that identify a person ([`PERSONAL_REFERENCES`]).
    pub fn personal_values(&self) -> impl Iterator<Item = &str> {
        [
            &self.patient,
            &self.insured,
            &self.corrected_insured,
            &self.other_subscriber,
        ]
        .into_iter()
        .flatten()
        .flat_map(|n| [&n.last, &n.first, &n.middle, &n.suffix, &n.id])
        .filter_map(|v| v.as_deref())
        .chain(
            self.references
                .iter()
                .filter(|r| PERSONAL_REFERENCES.contains(&r.qualifier.as_str()))
                .map(|r| r.value.as_str()),
        )
    }

    /// The earliest service date of the claim: DTM*232 or the lines' dates.
    pub fn service_date(&self) -> Option<NaiveDate> {
        let claim = self
            .dates
            .iter()
            .find(|d| d.qualifier == "232")
            .and_then(|d| d.date);
        claim.or_else(|| {
            self.service_lines
                .iter()
                .filter_map(ServicePayment::service_date)
                .min()
        })
    }
}

/// One PLB adjustment: reason, reference and amount.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ProviderAdjustmentItem {
    /// Adjustment reason (`WO` overpayment recovery, `L6` interest, `FB` forwarding balance…).
    pub reason: Text,
    /// Reference (often the original claim's ICN or account), if sent.
    pub reference: Option<Text>,
    /// Amount: positive is taken from this payment, negative is added.
    pub amount: Decimal,
}

/// A PLB segment: provider-level adjustments not tied to a claim in this payment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ProviderAdjustment {
    /// PLB01 provider identifier.
    pub provider_id: Text,
    /// PLB02 fiscal period end date.
    pub fiscal_period_end: Option<NaiveDate>,
    /// The up to six reason/amount pairs.
    pub adjustments: Vec<ProviderAdjustmentItem>,
    /// Where the PLB is.
    #[serde(skip)]
    pub position: Position,
}

/// What reversal linking needs of a claim: [`ClaimPayment::key`], or read for a whole set at
/// once, without the claims, by [`claim_keys`](super::claim_keys).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ClaimKey {
    /// CLP01.
    pub patient_control_number: Text,
    /// CLP07.
    pub payer_claim_control_number: Option<Text>,
    /// CLP02 = 22.
    pub reversal: bool,
    /// The first claim-level REF*F8 (the claim number of the claim this one corrects).
    pub original_reference: Option<Text>,
}

/// One 835 transaction set: a payment, its payer and payee, its claims.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize)]
pub struct Remittance {
    /// BPR, TRN and header dates.
    pub payment: Payment,
    /// Loop 1000A.
    pub payer: Party,
    /// Loop 1000B.
    pub payee: Party,
    /// All claims (loop 2100), in file order, across LX headers.
    pub claims: Vec<ClaimPayment>,
    /// PLB segments.
    pub provider_adjustments: Vec<ProviderAdjustment>,
}

impl Name {
    /// Masks the person's name and identifier (for reports that must not carry PHI).
    pub fn redact(&mut self) {
        for f in [
            &mut self.last,
            &mut self.first,
            &mut self.middle,
            &mut self.suffix,
            &mut self.id,
        ] {
            if f.is_some() {
                *f = Some(Text::new(REDACTED));
            }
        }
    }
}

/// The claim REF qualifiers whose values identify a person, masked by
/// [`ClaimPayment::redact`]: `1W` member id, `SY` Social Security number, `EA` medical record
/// number, `28` employee id, `IG` insurance policy number.
pub const PERSONAL_REFERENCES: [&str; 5] = ["1W", "SY", "EA", "28", "IG"];

/// What redacted values are replaced with.
pub const REDACTED: &str = "***";

impl Remittance {
    /// Masks patient, insured and other-subscriber names and member ids in every claim.
    pub fn redact(&mut self) {
        for c in &mut self.claims {
            c.redact();
        }
    }

    /// Σ CLP04.
    pub fn total_claim_payments(&self) -> Decimal {
        self.claims.iter().map(|c| c.payment_amount).sum()
    }

    /// Σ of PLB amounts.
    pub fn total_provider_adjustments(&self) -> Decimal {
        self.provider_adjustments
            .iter()
            .flat_map(|p| &p.adjustments)
            .map(|a| a.amount)
            .sum()
    }

    /// The payer's identifier: N104 of 1000A, else REF*2U, else TRN03.
    pub fn payer_id(&self) -> Option<&str> {
        self.payer
            .id
            .as_deref()
            .or_else(|| {
                self.payer
                    .references
                    .iter()
                    .find(|r| r.qualifier == "2U")
                    .map(|r| r.value.as_str())
            })
            .or(self.payment.originator_id.as_deref())
    }

    /// The payee's NPI (N103 = XX), if given.
    pub fn payee_npi(&self) -> Option<&str> {
        match self.payee.id_qualifier.as_deref() {
            Some("XX") => self.payee.id.as_deref(),
            _ => None,
        }
    }
}
