//! Typed views over the lossless loops: claims, service lines, names, HL levels.
//!
//! Views borrow a [`Loop`] and decode elements when asked, so they are never out of date after
//! an edit. Text accessors return `None` for empty elements and for bytes that are not UTF-8
//! (the raw bytes stay available through [`Loop::segments`]).

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::claim::kind::{ClaimKind, LoopId};
use crate::claim::loops::Loop;
use crate::claim::model::ClaimRef;
use crate::segment::{Element, Segment};
use crate::value;

fn text(b: &[u8]) -> Option<&str> {
    if b.is_empty() {
        None
    } else {
        std::str::from_utf8(b).ok()
    }
}

fn elem_text<'a>(s: &Segment<'a>, n: usize) -> Option<&'a str> {
    text(s.get(n))
}

fn component<'a>(s: &Segment<'a>, n: usize, c: usize) -> &'a [u8] {
    s.element(n).map(|e| e.component(c)).unwrap_or(&[])
}

/// CLM05-3 claim frequency type code (one character: `1` original, `7` replacement, `8` void…).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FrequencyCode(u8);

impl FrequencyCode {
    /// `1`: original claim (admit through discharge).
    pub const ORIGINAL: FrequencyCode = FrequencyCode(b'1');
    /// `7`: replacement of a prior claim (needs 2300 REF*F8 with the payer's claim number).
    pub const REPLACEMENT: FrequencyCode = FrequencyCode(b'7');
    /// `8`: void / cancel of a prior claim (needs 2300 REF*F8).
    pub const VOID: FrequencyCode = FrequencyCode(b'8');

    /// A code from its byte; `None` unless it is an ASCII letter or digit.
    pub fn new(b: u8) -> Option<FrequencyCode> {
        b.is_ascii_alphanumeric().then_some(FrequencyCode(b))
    }

    /// A code from element bytes; `None` unless exactly one ASCII letter or digit.
    pub fn from_bytes(b: &[u8]) -> Option<FrequencyCode> {
        match b {
            [c] => FrequencyCode::new(*c),
            _ => None,
        }
    }

    /// The code as a byte.
    pub fn as_byte(self) -> u8 {
        self.0
    }

    /// The code as a character.
    pub fn as_char(self) -> char {
        char::from(self.0)
    }

    /// Whether a REF*F8 (payer claim control number of the original) belongs with this code
    /// (replacement or void).
    pub fn needs_original_reference(self) -> bool {
        matches!(self.0, b'7' | b'8')
    }
}

impl serde::Serialize for FrequencyCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let buf = [self.0];
        s.serialize_str(std::str::from_utf8(&buf).unwrap_or(""))
    }
}

/// A date or a date range from a DTP segment (formats D8, RD8, and DT's date part).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
pub struct DatePeriod {
    /// The date, or the first date of a range.
    pub start: NaiveDate,
    /// The last date of a range (`None` for a single date).
    pub end: Option<NaiveDate>,
}

impl DatePeriod {
    /// Decodes DTP02 (format qualifier) and DTP03 (value).
    pub fn from_dtp(format: &[u8], v: &[u8]) -> Option<DatePeriod> {
        match format {
            b"D8" => Some(DatePeriod {
                start: value::date(v)?,
                end: None,
            }),
            b"RD8" => {
                let (a, b) = value::date_range(v)?;
                Some(DatePeriod {
                    start: a,
                    end: Some(b),
                })
            }
            b"DT" | b"TM" if v.len() >= 8 => Some(DatePeriod {
                start: value::date(v.get(..8)?)?,
                end: None,
            }),
            _ => None,
        }
    }
}

/// A procedure composite (SV101, SV202, SV301): qualifier, code, up to four modifiers and a
/// description.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Procedure<'a> {
    /// Component 1: code list qualifier (`HC` HCPCS/CPT, `AD` ADA, `IV`, `N4`, `ER`, `WK`…).
    pub qualifier: &'a str,
    /// Component 2: the procedure code.
    pub code: &'a str,
    /// Components 3–6: modifiers, empty ones left out.
    pub modifiers: Vec<&'a str>,
    /// Component 7: description, when sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<&'a str>,
}

impl<'a> Procedure<'a> {
    /// Decodes a procedure composite element.
    pub fn from_element(e: &Element<'a>) -> Option<Procedure<'a>> {
        let mut comps = e.components();
        let qualifier = std::str::from_utf8(comps.next()?).ok()?;
        let code = std::str::from_utf8(comps.next()?).ok()?;
        if code.is_empty() {
            return None;
        }
        let modifiers = (3..=6).filter_map(|i| text(e.component(i))).collect();
        Some(Procedure {
            qualifier,
            code,
            modifiers,
            description: text(e.component(7)),
        })
    }
}

/// One HI composite: a code list qualifier and a code (diagnosis, procedure, occurrence,
/// value or condition code).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct HealthCareCode<'a> {
    /// Component 1: the qualifier (`ABK` principal diagnosis ICD-10, `ABF` other…).
    pub qualifier: &'a str,
    /// Component 2: the code.
    pub code: &'a str,
    /// Component 9 (837I): present-on-admission indicator.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub present_on_admission: Option<&'a str>,
}

/// HI qualifiers that carry a diagnosis (ICD-10 `AB*`, `APR`, ICD-9 `B*`, `PR`, DRG excluded).
pub fn is_diagnosis_qualifier(q: &[u8]) -> bool {
    matches!(
        q,
        b"ABK"
            | b"ABF"
            | b"ABJ"
            | b"ABN"
            | b"APR"
            | b"ABU"
            | b"BK"
            | b"BF"
            | b"BJ"
            | b"BN"
            | b"PR"
            | b"BU"
    )
}

/// The HL context of a claim: the levels above it.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Context<'a> {
    pub(crate) header: Option<&'a Loop>,
    pub(crate) billing: Option<&'a Loop>,
    pub(crate) subscriber: Option<&'a Loop>,
    pub(crate) patient: Option<&'a Loop>,
}

/// A 2300 claim with its context (billing provider, subscriber, patient).
#[derive(Clone, Copy, Debug)]
pub struct Claim<'a> {
    lp: &'a Loop,
    kind: Option<ClaimKind>,
    ctx: Context<'a>,
    at: Option<ClaimRef>,
}

impl<'a> Claim<'a> {
    pub(crate) fn new(
        lp: &'a Loop,
        kind: Option<ClaimKind>,
        ctx: Context<'a>,
        at: Option<ClaimRef>,
    ) -> Self {
        Claim { lp, kind, ctx, at }
    }

    /// The 2300 loop.
    pub fn as_loop(&self) -> &'a Loop {
        self.lp
    }

    /// The kind of the set.
    pub fn kind(&self) -> Option<ClaimKind> {
        self.kind
    }

    /// Where the claim is in its set (`None` for a claim taken out of it).
    pub fn location(&self) -> Option<ClaimRef> {
        self.at
    }

    /// The CLM segment.
    pub fn clm(&self) -> Option<Segment<'a>> {
        self.lp.first("CLM")
    }

    /// CLM01 patient control number (returned in the 835 as CLP01).
    pub fn patient_control_number(&self) -> Option<&'a str> {
        self.clm().and_then(|s| elem_text(&s, 1))
    }

    /// CLM02 total claim charge amount, as text exactly as sent.
    pub fn total_charge_text(&self) -> Option<&'a str> {
        self.clm().and_then(|s| elem_text(&s, 2))
    }

    /// CLM02 total claim charge amount (`None` when absent or not a number).
    pub fn total_charge(&self) -> Option<Decimal> {
        self.clm().and_then(|s| value::decimal(s.get(2)))
    }

    /// CLM05-1: place of service (837P/D) or facility type code (837I, first two digits of the
    /// type of bill).
    pub fn facility_code(&self) -> Option<&'a str> {
        self.clm().and_then(|s| text(component(&s, 5, 1)))
    }

    /// CLM05-2: facility code qualifier (`B` place of service, `A` uniform billing).
    pub fn facility_code_qualifier(&self) -> Option<&'a str> {
        self.clm().and_then(|s| text(component(&s, 5, 2)))
    }

    /// CLM05-3: claim frequency type code.
    pub fn frequency_code(&self) -> Option<FrequencyCode> {
        self.clm()
            .and_then(|s| FrequencyCode::from_bytes(component(&s, 5, 3)))
    }

    /// CLM05-3 as text, exactly as sent.
    pub fn frequency_code_text(&self) -> Option<&'a str> {
        self.clm().and_then(|s| text(component(&s, 5, 3)))
    }

    /// CLM20 delay reason code.
    pub fn delay_reason(&self) -> Option<&'a str> {
        self.clm().and_then(|s| elem_text(&s, 20))
    }

    /// 2300 DTP dates: (qualifier, period), in order.
    pub fn dates(&self) -> impl Iterator<Item = (&'a str, DatePeriod)> + 'a {
        dates(self.lp)
    }

    /// The 2300 DTP date with this qualifier (for example `434` statement, `435` admission,
    /// `439` accident, `431` onset).
    pub fn date(&self, qualifier: &str) -> Option<DatePeriod> {
        self.dates().find(|(q, _)| *q == qualifier).map(|(_, d)| d)
    }

    /// 2300 REF segments: (qualifier, value), in order.
    pub fn references(&self) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        references(self.lp)
    }

    /// The 2300 REF value with this qualifier.
    pub fn reference(&self, qualifier: &str) -> Option<&'a str> {
        self.references()
            .find(|(q, _)| *q == qualifier)
            .map(|(_, v)| v)
    }

    /// 2300 REF*F8: the payer's claim control number of the claim this one replaces or voids
    /// (the 835's CLP07).
    pub fn original_claim_number(&self) -> Option<&'a str> {
        self.reference("F8")
    }

    /// 2300 REF*G1 prior authorization number.
    pub fn prior_authorization(&self) -> Option<&'a str> {
        self.reference("G1")
    }

    /// 2300 REF*9F referral number.
    pub fn referral_number(&self) -> Option<&'a str> {
        self.reference("9F")
    }

    /// 2300 REF*EA medical record number.
    pub fn medical_record_number(&self) -> Option<&'a str> {
        self.reference("EA")
    }

    /// Every HI composite in order (diagnoses, procedures, occurrence, value, condition codes).
    pub fn health_care_codes(&self) -> Vec<HealthCareCode<'a>> {
        let mut out = Vec::new();
        for s in self.lp.segments().filter(|s| s.id().is("HI")) {
            for e in s.elements() {
                for rep in e.repetitions() {
                    let q = rep.component(1);
                    let c = rep.component(2);
                    if let (Some(qualifier), Some(code)) = (text(q), text(c)) {
                        out.push(HealthCareCode {
                            qualifier,
                            code,
                            present_on_admission: text(rep.component(9)),
                        });
                    }
                }
            }
        }
        out
    }

    /// The diagnosis codes among the HI composites (principal first as sent).
    pub fn diagnoses(&self) -> Vec<HealthCareCode<'a>> {
        let mut v = self.health_care_codes();
        v.retain(|c| is_diagnosis_qualifier(c.qualifier.as_bytes()));
        v
    }

    /// 2400 service lines, in order.
    pub fn lines(&self) -> impl Iterator<Item = ServiceLine<'a>> + 'a {
        let kind = self.kind;
        self.lp
            .children_with(LoopId::L2400)
            .map(move |l| ServiceLine { lp: l, kind })
    }

    /// 2310x providers and locations.
    pub fn providers(&self) -> impl Iterator<Item = EntityName<'a>> + 'a {
        self.lp
            .children()
            .iter()
            .filter(|c| matches!(c.id(), LoopId::L2310(_)))
            .map(EntityName::new)
    }

    /// The 2310x loop with this id (for example `LoopId::L2310(b'B')`).
    pub fn provider(&self, id: LoopId) -> Option<EntityName<'a>> {
        self.lp.child(id).map(EntityName::new)
    }

    /// 2320 other subscriber loops (coordination of benefits).
    pub fn other_subscribers(&self) -> impl Iterator<Item = &'a Loop> + 'a {
        self.lp.children_with(LoopId::L2320)
    }

    /// The billing provider level above the claim.
    pub fn billing_provider(&self) -> Option<BillingProvider<'a>> {
        self.ctx.billing.map(BillingProvider::new)
    }

    /// The subscriber level above the claim.
    pub fn subscriber(&self) -> Option<Subscriber<'a>> {
        self.ctx.subscriber.map(Subscriber::new)
    }

    /// The patient level above the claim (when the patient is not the subscriber).
    pub fn patient(&self) -> Option<Patient<'a>> {
        self.ctx.patient.map(Patient::new)
    }

    /// The header loop of the set (ST, BHT, 1000A, 1000B).
    pub fn header(&self) -> Option<&'a Loop> {
        self.ctx.header
    }
}

fn dates(lp: &Loop) -> impl Iterator<Item = (&str, DatePeriod)> + '_ {
    lp.segments().filter(|s| s.id().is("DTP")).filter_map(|s| {
        let q = elem_text(&s, 1)?;
        Some((q, DatePeriod::from_dtp(s.get(2), s.get(3))?))
    })
}

fn references(lp: &Loop) -> impl Iterator<Item = (&str, &str)> + '_ {
    lp.segments()
        .filter(|s| s.id().is("REF"))
        .filter_map(|s| Some((elem_text(&s, 1)?, elem_text(&s, 2)?)))
}

/// A 2400 service line.
#[derive(Clone, Copy, Debug)]
pub struct ServiceLine<'a> {
    lp: &'a Loop,
    kind: Option<ClaimKind>,
}

impl<'a> ServiceLine<'a> {
    /// A view over a 2400 loop.
    pub fn new(lp: &'a Loop, kind: Option<ClaimKind>) -> Self {
        ServiceLine { lp, kind }
    }

    /// The 2400 loop.
    pub fn as_loop(&self) -> &'a Loop {
        self.lp
    }

    /// LX01 assigned number.
    pub fn number(&self) -> Option<u32> {
        let lx = self.lp.first("LX")?;
        std::str::from_utf8(lx.get(1)).ok()?.parse().ok()
    }

    /// The service segment (SV1, SV2 or SV3), whichever the line has.
    pub fn service(&self) -> Option<Segment<'a>> {
        self.lp
            .segments()
            .find(|s| ClaimKind::from_service_segment(s.id().as_bytes()).is_some())
    }

    /// The kind the service segment implies (else the set's kind).
    pub fn kind(&self) -> Option<ClaimKind> {
        self.service()
            .and_then(|s| ClaimKind::from_service_segment(s.id().as_bytes()))
            .or(self.kind)
    }

    fn sv(&self) -> Option<(ClaimKind, Segment<'a>)> {
        let s = self.service()?;
        Some((ClaimKind::from_service_segment(s.id().as_bytes())?, s))
    }

    /// The procedure: SV101 (837P), SV202 (837I), SV301 (837D).
    pub fn procedure(&self) -> Option<Procedure<'a>> {
        let (k, s) = self.sv()?;
        let n = if k == ClaimKind::Institutional { 2 } else { 1 };
        Procedure::from_element(&s.element(n)?)
    }

    /// SV201 revenue code (837I).
    pub fn revenue_code(&self) -> Option<&'a str> {
        match self.sv()? {
            (ClaimKind::Institutional, s) => elem_text(&s, 1),
            _ => None,
        }
    }

    fn charge_index(k: ClaimKind) -> usize {
        match k {
            ClaimKind::Institutional => 3,
            _ => 2,
        }
    }

    /// The line charge as text exactly as sent: SV102, SV203, SV302.
    pub fn charge_text(&self) -> Option<&'a str> {
        let (k, s) = self.sv()?;
        elem_text(&s, Self::charge_index(k))
    }

    /// The line charge: SV102, SV203, SV302.
    pub fn charge(&self) -> Option<Decimal> {
        let (k, s) = self.sv()?;
        value::decimal(s.get(Self::charge_index(k)))
    }

    /// Unit basis: SV103 (`UN` units, `MJ` minutes), SV204.
    pub fn unit_basis(&self) -> Option<&'a str> {
        match self.sv()? {
            (ClaimKind::Professional, s) => elem_text(&s, 3),
            (ClaimKind::Institutional, s) => elem_text(&s, 4),
            _ => None,
        }
    }

    fn units_raw(&self) -> Option<&'a [u8]> {
        Some(match self.sv()? {
            (ClaimKind::Professional, s) => s.get(4),
            (ClaimKind::Institutional, s) => s.get(5),
            (ClaimKind::Dental, s) => s.get(6),
        })
    }

    /// Service units as text exactly as sent: SV104, SV205, SV306 (procedure count).
    pub fn units_text(&self) -> Option<&'a str> {
        text(self.units_raw()?)
    }

    /// Service units: SV104, SV205, SV306 (procedure count).
    pub fn units(&self) -> Option<Decimal> {
        value::decimal(self.units_raw()?)
    }

    /// Place of service when it differs from the claim's: SV105 (837P), SV303 (837D).
    pub fn place_of_service(&self) -> Option<&'a str> {
        match self.sv()? {
            (ClaimKind::Professional, s) => elem_text(&s, 5),
            (ClaimKind::Dental, s) => elem_text(&s, 3),
            _ => None,
        }
    }

    /// Diagnosis code pointers (1-based into the claim's diagnoses): SV107 (837P), SV311 (837D).
    pub fn diagnosis_pointers(&self) -> Vec<u8> {
        let Some((k, s)) = self.sv() else {
            return Vec::new();
        };
        let n = match k {
            ClaimKind::Professional => 7,
            ClaimKind::Dental => 11,
            ClaimKind::Institutional => return Vec::new(),
        };
        let Some(e) = s.element(n) else {
            return Vec::new();
        };
        e.components()
            .filter_map(|c| std::str::from_utf8(c).ok()?.parse::<u8>().ok())
            .collect()
    }

    /// 2400 REF segments: (qualifier, value).
    pub fn references(&self) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        references(self.lp)
    }

    /// The 2400 REF value with this qualifier.
    pub fn reference(&self, qualifier: &str) -> Option<&'a str> {
        self.references()
            .find(|(q, _)| *q == qualifier)
            .map(|(_, v)| v)
    }

    /// REF*6R line item control number (returned in the 835 as REF*6R).
    pub fn control_number(&self) -> Option<&'a str> {
        self.reference("6R")
    }

    /// 2400 DTP dates: (qualifier, period).
    pub fn dates(&self) -> impl Iterator<Item = (&'a str, DatePeriod)> + 'a {
        dates(self.lp)
    }

    /// DTP*472 service date.
    pub fn service_date(&self) -> Option<DatePeriod> {
        self.dates().find(|(q, _)| *q == "472").map(|(_, d)| d)
    }

    /// 2410 drug identification loops (LIN, CTP, REF).
    pub fn drugs(&self) -> impl Iterator<Item = &'a Loop> + 'a {
        self.lp.children_with(LoopId::L2410)
    }

    /// LIN03 of the first 2410 loop: the national drug code when LIN02 is `N4`.
    pub fn drug_code(&self) -> Option<&'a str> {
        let lin = self.drugs().next()?.first("LIN")?;
        elem_text(&lin, 3)
    }

    /// 2420x line providers.
    pub fn providers(&self) -> impl Iterator<Item = EntityName<'a>> + 'a {
        self.lp
            .children()
            .iter()
            .filter(|c| matches!(c.id(), LoopId::L2420(_)))
            .map(EntityName::new)
    }

    /// 2430 line adjudication loops (SVD, CAS, DTP).
    pub fn adjudications(&self) -> impl Iterator<Item = &'a Loop> + 'a {
        self.lp.children_with(LoopId::L2430)
    }
}

/// A name loop (NM1 with N3, N4, REF, PER…): 1000A/B, 2010xx, 2310x, 2330x, 2420x.
#[derive(Clone, Copy, Debug)]
pub struct EntityName<'a> {
    lp: &'a Loop,
}

impl<'a> EntityName<'a> {
    /// A view over a name loop.
    pub fn new(lp: &'a Loop) -> Self {
        EntityName { lp }
    }

    /// The loop.
    pub fn as_loop(&self) -> &'a Loop {
        self.lp
    }

    /// The NM1 segment.
    pub fn nm1(&self) -> Option<Segment<'a>> {
        self.lp.first("NM1")
    }

    fn nm1_text(&self, n: usize) -> Option<&'a str> {
        self.nm1().and_then(|s| elem_text(&s, n))
    }

    /// NM101 entity identifier code (`85` billing provider, `IL` insured, `PR` payer…).
    pub fn entity_code(&self) -> Option<&'a str> {
        self.nm1_text(1)
    }

    /// NM102 entity type (`1` person, `2` non-person).
    pub fn entity_type(&self) -> Option<&'a str> {
        self.nm1_text(2)
    }

    /// NM103 last name or organization name.
    pub fn name(&self) -> Option<&'a str> {
        self.nm1_text(3)
    }

    /// NM104 first name.
    pub fn first_name(&self) -> Option<&'a str> {
        self.nm1_text(4)
    }

    /// NM105 middle name or initial.
    pub fn middle_name(&self) -> Option<&'a str> {
        self.nm1_text(5)
    }

    /// NM107 name suffix.
    pub fn suffix(&self) -> Option<&'a str> {
        self.nm1_text(7)
    }

    /// NM108 identification code qualifier (`XX` NPI, `MI` member id, `PI` payer id…).
    pub fn id_qualifier(&self) -> Option<&'a str> {
        self.nm1_text(8)
    }

    /// NM109 identification code.
    pub fn id(&self) -> Option<&'a str> {
        self.nm1_text(9)
    }

    /// N301 and N302 address lines.
    pub fn address_lines(&self) -> Vec<&'a str> {
        self.lp
            .first("N3")
            .map(|s| [1, 2].iter().filter_map(|&n| elem_text(&s, n)).collect())
            .unwrap_or_default()
    }

    /// N401 city.
    pub fn city(&self) -> Option<&'a str> {
        self.lp.first("N4").and_then(|s| elem_text(&s, 1))
    }

    /// N402 state or province.
    pub fn state(&self) -> Option<&'a str> {
        self.lp.first("N4").and_then(|s| elem_text(&s, 2))
    }

    /// N403 postal code.
    pub fn postal_code(&self) -> Option<&'a str> {
        self.lp.first("N4").and_then(|s| elem_text(&s, 3))
    }

    /// The REF value with this qualifier.
    pub fn reference(&self, qualifier: &str) -> Option<&'a str> {
        references(self.lp)
            .find(|(q, _)| *q == qualifier)
            .map(|(_, v)| v)
    }

    /// DMG02 birth date (subscriber and patient names).
    pub fn birth_date(&self) -> Option<NaiveDate> {
        let dmg = self.lp.first("DMG")?;
        DatePeriod::from_dtp(dmg.get(1), dmg.get(2)).map(|d| d.start)
    }

    /// DMG03 gender code (`F`, `M`, `U`).
    pub fn gender(&self) -> Option<&'a str> {
        self.lp.first("DMG").and_then(|s| elem_text(&s, 3))
    }
}

/// A 2000A billing provider level.
#[derive(Clone, Copy, Debug)]
pub struct BillingProvider<'a> {
    lp: &'a Loop,
}

impl<'a> BillingProvider<'a> {
    /// A view over a 2000A loop.
    pub fn new(lp: &'a Loop) -> Self {
        BillingProvider { lp }
    }

    /// The 2000A loop.
    pub fn as_loop(&self) -> &'a Loop {
        self.lp
    }

    /// PRV03 provider taxonomy code (PRV01 = `BI`).
    pub fn taxonomy(&self) -> Option<&'a str> {
        self.lp.find("PRV", b"BI").and_then(|s| elem_text(&s, 3))
    }

    /// 2010AA billing provider name.
    pub fn name(&self) -> Option<EntityName<'a>> {
        self.lp.child(LoopId::L2010AA).map(EntityName::new)
    }

    /// 2010AA NM109 when NM108 = `XX` (NPI).
    pub fn npi(&self) -> Option<&'a str> {
        let n = self.name()?;
        (n.id_qualifier() == Some("XX")).then(|| n.id()).flatten()
    }

    /// 2010AA REF*EI employer identification number (tax id).
    pub fn tax_id(&self) -> Option<&'a str> {
        self.name()?.reference("EI")
    }

    /// 2010AB pay-to address.
    pub fn pay_to_address(&self) -> Option<EntityName<'a>> {
        self.lp.child(LoopId::L2010AB).map(EntityName::new)
    }
}

/// A 2000B subscriber level.
#[derive(Clone, Copy, Debug)]
pub struct Subscriber<'a> {
    lp: &'a Loop,
}

impl<'a> Subscriber<'a> {
    /// A view over a 2000B loop.
    pub fn new(lp: &'a Loop) -> Self {
        Subscriber { lp }
    }

    /// The 2000B loop.
    pub fn as_loop(&self) -> &'a Loop {
        self.lp
    }

    fn sbr(&self, n: usize) -> Option<&'a str> {
        self.lp.first("SBR").and_then(|s| elem_text(&s, n))
    }

    /// SBR01 payer responsibility sequence (`P` primary, `S` secondary, `T` tertiary…).
    pub fn payer_responsibility(&self) -> Option<&'a str> {
        self.sbr(1)
    }

    /// SBR02 individual relationship code (`18` self; empty when the patient is a dependent).
    pub fn relationship(&self) -> Option<&'a str> {
        self.sbr(2)
    }

    /// SBR03 group or policy number.
    pub fn group_number(&self) -> Option<&'a str> {
        self.sbr(3)
    }

    /// SBR09 claim filing indicator (`MB` Medicare Part B, `CI` commercial…).
    pub fn claim_filing_indicator(&self) -> Option<&'a str> {
        self.sbr(9)
    }

    /// 2010BA subscriber name.
    pub fn name(&self) -> Option<EntityName<'a>> {
        self.lp.child(LoopId::L2010BA).map(EntityName::new)
    }

    /// 2010BA NM109 member id.
    pub fn member_id(&self) -> Option<&'a str> {
        self.name()?.id()
    }

    /// 2010BB payer name.
    pub fn payer(&self) -> Option<EntityName<'a>> {
        self.lp.child(LoopId::L2010BB).map(EntityName::new)
    }
}

/// A 2000C patient level.
#[derive(Clone, Copy, Debug)]
pub struct Patient<'a> {
    lp: &'a Loop,
}

impl<'a> Patient<'a> {
    /// A view over a 2000C loop.
    pub fn new(lp: &'a Loop) -> Self {
        Patient { lp }
    }

    /// The 2000C loop.
    pub fn as_loop(&self) -> &'a Loop {
        self.lp
    }

    /// PAT01 relationship to the insured (`01` spouse, `19` child, `G8` other…).
    pub fn relationship(&self) -> Option<&'a str> {
        self.lp.first("PAT").and_then(|s| elem_text(&s, 1))
    }

    /// 2010CA patient name.
    pub fn name(&self) -> Option<EntityName<'a>> {
        self.lp.child(LoopId::L2010CA).map(EntityName::new)
    }
}
