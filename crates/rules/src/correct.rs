//! Corrections: for one denial, the route to take and the 837 fields to change.
//!
//! [`plan`] starts from the route the code tables give ([`Explanation::route`]), adjusts it with
//! what the 835 itself says and with the payer's rules, then lists [`Proposal`]s: each names an
//! 837 location (loop, segment, element, qualifier) for the claim's kind (837P, 837I or 837D; see
//! DOMAIN.md §3.2) and either the value to put there, when the 835 carries it, or exactly what a
//! person must supply.
//!
//! Route adjustments, in order:
//!
//! 1. **NM1\*74** (corrected patient/insured) on an eligibility denial: the payer has said which
//!    member ID or name it knows, so the denial becomes a corrected claim with that value.
//! 2. **NM1\*PR** (corrected priority payer) on a coordination-of-benefits or wrong-payer
//!    denial: bill that payer first.
//! 3. **Billing provider not eligible** (CARC 299): the billing provider cannot change on a
//!    replacement, so a corrected claim becomes void (frequency 8) then a new claim.
//! 4. **Medicare Part B** payer rule: a corrected claim becomes a clerical-error
//!    [`Route::Reopening`].
//! 5. **"No frequency 7 for a denied claim"** payer rule: when nothing on the claim was paid,
//!    a corrected claim becomes a new claim (frequency 1, no REF\*F8).
//!
//! Known values taken from the 835: NM1\*74 member ID/name → 2010BA NM109/NM103/NM104; NM1\*PR
//! → 2010BB NM1\*PR (and 2330B when this payer is billed as secondary); SVC01 adjudicated code
//! when SVC06 shows the payer changed the submitted code; REF\*G1 authorization the payer used;
//! CLP07 → 2300 REF\*F8 with CLM05-3 = 7 (or 8 for a void).

use std::fmt;

use denali_x12::remit::{ClaimPayment, Name, Procedure, ServicePayment};
use serde::Serialize;

use crate::codes::{Class, Route, normalized};
use crate::explain::{Explanation, RuleSet};
use crate::payer::PayerRule;

/// Which 837 the correction goes into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimKind {
    /// 837P (005010X222A1).
    Professional,
    /// 837I (005010X223A2).
    Institutional,
    /// 837D (005010X224A2).
    Dental,
}

impl ClaimKind {
    /// Infers the kind from the 835: any line with an `NU` (revenue code) qualifier or an SVC04
    /// revenue code → institutional; `AD` (ADA) → dental; otherwise, with no lines, CLP06 `MA`
    /// (Part A) → institutional; everything else professional.
    pub fn infer(claim: &ClaimPayment) -> ClaimKind {
        let lines = &claim.service_lines;
        if lines
            .iter()
            .any(|l| l.procedure.qualifier == "NU" || l.revenue_code.is_some())
        {
            return ClaimKind::Institutional;
        }
        if lines.iter().any(|l| l.procedure.qualifier == "AD") {
            return ClaimKind::Dental;
        }
        if lines.is_empty() && claim.filing_indicator.as_deref() == Some("MA") {
            return ClaimKind::Institutional;
        }
        ClaimKind::Professional
    }

    /// The snake_case name.
    pub const fn as_str(self) -> &'static str {
        match self {
            ClaimKind::Professional => "professional",
            ClaimKind::Institutional => "institutional",
            ClaimKind::Dental => "dental",
        }
    }

    /// The transaction label (`837P`, `837I`, `837D`).
    pub const fn transaction(self) -> &'static str {
        match self {
            ClaimKind::Professional => "837P",
            ClaimKind::Institutional => "837I",
            ClaimKind::Dental => "837D",
        }
    }
}

impl fmt::Display for ClaimKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What to do with an 837 element.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Change the element's value (the segment exists on the original claim).
    Set,
    /// Add the segment or element (it was missing).
    Add,
    /// Remove it.
    Remove,
}

impl Action {
    /// The snake_case name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Action::Set => "set",
            Action::Add => "add",
            Action::Remove => "remove",
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One change to the 837.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Proposal {
    /// 837 loop id (`2010BA`, `2300`, `2400`, ...).
    pub loop_id: String,
    /// Segment id (`NM1`, `REF`, `CLM`, `SV1`, ...).
    pub segment: String,
    /// Element position, two digits, with a component after a dash: `09`, `05-3`, `01-2`.
    pub element: String,
    /// The segment's qualifier or entity code when it picks the segment (`G1` for REF*G1, `IL`
    /// for NM1*IL, `F8`, `D` for AMT*D...).
    pub qualifier: Option<String>,
    /// Set, add or remove.
    pub action: Action,
    /// The value to write, when the 835 (or the route) gives it.
    pub value: Option<String>,
    /// What a person must supply when `value` is `None` (and the action is not a removal).
    pub needs: Option<String>,
    /// Why, in a sentence.
    pub rationale: String,
}

impl Proposal {
    /// `2010BA NM1*IL 09`, `2300 CLM 05-3`: the location in one short string.
    pub fn location(&self) -> String {
        match &self.qualifier {
            Some(q) => format!("{} {}*{} {}", self.loop_id, self.segment, q, self.element),
            None => format!("{} {} {}", self.loop_id, self.segment, self.element),
        }
    }
}

/// What to do about one denial.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CorrectionPlan {
    /// The route after the 835's evidence and the payer's rules were applied.
    pub route: Route,
    /// One line for a report column.
    pub summary: String,
    /// The 837 changes (empty for routes that do not resubmit: appeal, write-off, ...).
    pub proposals: Vec<Proposal>,
    /// For an appeal: what to send with it ("records showing medical necessity, citing
    /// policy L1234"), as the summary says it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
}

/// Everything [`plan`] looks at.
#[derive(Debug, Clone, Copy)]
pub struct CorrectionInput<'a> {
    /// The rules (RARC readings decide which remark codes name a fix).
    pub rules: &'a RuleSet,
    /// The denied claim.
    pub claim: &'a ClaimPayment,
    /// The denied line, for a line-level denial.
    pub line: Option<&'a ServicePayment>,
    /// The classification of the denial.
    pub explanation: &'a Explanation,
    /// Which 837 to correct.
    pub kind: ClaimKind,
    /// The payer's rules.
    pub payer: &'a PayerRule,
    /// Whether nothing on the claim was paid (outcome denied): some payers then want a new claim.
    pub claim_denied: bool,
}

/// The kinds of field fix we know how to place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Fix {
    MemberId,
    MemberName,
    Demographics,
    Relationship,
    Payer,
    PriorPayer,
    PriorAuth,
    Referral,
    ProcedureCode,
    Modifier,
    Diagnosis,
    PlaceOfService,
    ServiceDate,
    RenderingProvider,
    BillingProvider,
    OrderingProvider,
    ReferringProvider,
    Attachment,
    Ndc,
    Clia,
}

/// Fixes a RARC names (DOMAIN.md §2.3).
fn rarc_fixes(code: &str) -> &'static [Fix] {
    use Fix::*;
    match code {
        "N290" => &[RenderingProvider],
        "N257" => &[BillingProvider],
        "N265" | "N264" | "N575" => &[OrderingProvider],
        "N286" => &[ReferringProvider],
        "M51" | "N56" | "N657" => &[ProcedureCode],
        "M76" | "MA63" | "M81" | "MA66" => &[Diagnosis],
        "M77" => &[PlaceOfService],
        "N519" | "M114" | "N565" => &[Modifier],
        "M119" => &[Ndc],
        "MA120" => &[Clia],
        "N382" | "MA27" | "MA61" => &[MemberId],
        "N329" | "MA39" => &[Demographics],
        "N54" | "M62" => &[PriorAuth],
        "M127" | "N706" | "N102" | "N26" => &[Attachment],
        "MA04" | "N4" | "N479" => &[PriorPayer],
        _ => &[],
    }
}

/// Fixes a CARC names (DOMAIN.md §2.2).
fn carc_fixes(code: &str) -> &'static [Fix] {
    use Fix::*;
    match code {
        "31" => &[MemberId],
        "140" => &[MemberId, MemberName],
        "32" | "33" | "34" => &[Relationship],
        "19" | "20" | "21" | "22" => &[Payer, PriorPayer],
        "109" | "B11" => &[Payer],
        "129" | "136" | "228" | "276" => &[PriorPayer],
        "15" | "62" | "197" | "198" | "210" | "284" | "296" | "302" => &[PriorAuth],
        "243" | "287" | "288" => &[Referral],
        "4" | "182" => &[Modifier],
        "5" | "58" => &[PlaceOfService],
        "6" | "7" | "9" | "10" | "13" | "14" => &[Demographics],
        "8" | "12" | "170" | "172" | "185" | "B7" => &[RenderingProvider],
        "11" | "146" | "240" => &[Diagnosis],
        "181" | "189" | "199" | "282" => &[ProcedureCode],
        "97" | "231" | "234" | "236" | "B15" => &[Modifier],
        "110" => &[ServiceDate],
        "299" => &[BillingProvider],
        "183" => &[ReferringProvider],
        "184" => &[OrderingProvider],
        "163" | "164" | "173" | "174" | "175" | "176" | "250" | "251" | "252" => &[Attachment],
        _ => &[],
    }
}

/// A fix for a class when neither the CARC nor a RARC named one.
fn class_fixes(class: Class) -> &'static [Fix] {
    use Fix::*;
    match class {
        Class::Eligibility => &[MemberId],
        Class::CoordinationOfBenefits => &[Payer, PriorPayer],
        Class::WrongPayer => &[Payer],
        Class::Authorization => &[PriorAuth],
        Class::Coding => &[ProcedureCode],
        Class::Documentation => &[Attachment],
        Class::ProviderEnrollment => &[RenderingProvider],
        _ => &[],
    }
}

/// A proposal plus the few words the summary uses for it.
struct Item {
    proposal: Proposal,
    what: &'static str,
}

/// Builds proposals with the common fields filled in.
struct Builder {
    items: Vec<Item>,
}

impl Builder {
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        what: &'static str,
        (loop_id, segment, element, qualifier): (&str, &str, &str, Option<&str>),
        action: Action,
        value: Option<String>,
        needs: Option<&str>,
        rationale: String,
    ) {
        let needs = match (&value, action) {
            (Some(_), _) | (None, Action::Remove) => None,
            (None, _) => Some(needs.unwrap_or("a value").to_string()),
        };
        self.items.push(Item {
            what,
            proposal: Proposal {
                loop_id: loop_id.to_string(),
                segment: segment.to_string(),
                element: element.to_string(),
                qualifier: qualifier.map(str::to_string),
                action,
                value,
                needs,
                rationale,
            },
        });
    }
}

fn non_empty(s: Option<&str>) -> Option<String> {
    s.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn proc_text(p: &Procedure) -> String {
    let mut s = p.code.to_string();
    for m in &p.modifiers {
        s.push(':');
        s.push_str(m);
    }
    s
}

fn name_of(n: &Name) -> String {
    let id = n.id.as_deref().unwrap_or("");
    match (n.last.as_deref(), id) {
        (Some(last), "") => last.to_string(),
        (Some(last), id) => format!("{last} ({id})"),
        (None, id) => id.to_string(),
    }
}

/// The reference value with this qualifier: the line's first, else the claim's.
fn reference<'a>(
    claim: &'a ClaimPayment,
    line: Option<&'a ServicePayment>,
    q: &str,
) -> Option<&'a str> {
    line.and_then(|l| {
        l.references
            .iter()
            .find(|r| r.qualifier == q)
            .map(|r| r.value.as_str())
    })
    .or_else(|| claim.reference(q))
    .filter(|v| !v.trim().is_empty())
}

/// What NM1*74 (corrected patient/insured) changes compared with what was sent (NM1*IL, else
/// NM1*QC): only the parts that differ.
#[derive(Debug, Clone, PartialEq, Eq)]
struct MemberCorrection {
    id: Option<String>,
    last: Option<String>,
    first: Option<String>,
    middle: Option<String>,
    /// Whose name the name parts correct.
    name_of: NameOf,
}

/// Whose name NM1*74 corrects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NameOf {
    /// The insured's (2010BA), compared with NM1*IL, else NM1*QC: the patient is the
    /// subscriber, or NM1*74 repeats the subscriber's last and first names.
    Insured,
    /// The patient's (2010CA), compared with NM1*QC: on a dependant's claim (NM1*IL differs
    /// from NM1*QC), NM1*74 repeats the patient's last and first names.
    Patient,
    /// On a dependant's claim, NM1*74 names neither person as sent: whether it corrects the
    /// patient or the subscriber, only a person can tell (the name parts are left out).
    Unsure,
}

impl MemberCorrection {
    fn has_name(&self) -> bool {
        self.last.is_some() || self.first.is_some() || self.middle.is_some()
    }
}

fn member_correction(claim: &ClaimPayment) -> Option<MemberCorrection> {
    let c = claim.corrected_insured.as_ref()?;
    let sent = claim.insured.as_ref().or(claim.patient.as_ref());
    let changed = |new: Option<&str>, old: Option<&str>| -> Option<String> {
        let new = non_empty(new)?;
        let same = old.is_some_and(|o| o.trim().eq_ignore_ascii_case(&new));
        (!same).then_some(new)
    };
    let mut m = MemberCorrection {
        id: changed(c.id.as_deref(), sent.and_then(|n| n.id.as_deref())),
        last: changed(c.last.as_deref(), sent.and_then(|n| n.last.as_deref())),
        first: changed(c.first.as_deref(), sent.and_then(|n| n.first.as_deref())),
        middle: changed(c.middle.as_deref(), sent.and_then(|n| n.middle.as_deref())),
        name_of: NameOf::Insured,
    };
    // A dependant's claim names two people. The member id is the subscriber's (2010BA); a
    // corrected name is the subscriber's when its last and first names are NM1*IL's, the
    // patient's when they are NM1*QC's, and otherwise may be either's.
    if let (Some(insured), Some(patient)) = (claim.insured.as_deref(), claim.patient.as_deref()) {
        let differs = |a: Option<&str>, b: Option<&str>| changed(a, b).is_some();
        let is = |n: &Name| {
            !differs(c.last.as_deref(), n.last.as_deref())
                && !differs(c.first.as_deref(), n.first.as_deref())
        };
        let dependant = differs(patient.last.as_deref(), insured.last.as_deref())
            || differs(patient.first.as_deref(), insured.first.as_deref());
        if dependant && !is(insured) {
            if is(patient) {
                m.name_of = NameOf::Patient;
                m.middle = changed(c.middle.as_deref(), patient.middle.as_deref());
                (m.last, m.first) = (None, None);
            } else {
                m.name_of = NameOf::Unsure;
                (m.last, m.first, m.middle) = (None, None, None);
            }
        }
    }
    (m.id.is_some() || m.has_name() || m.name_of == NameOf::Unsure).then_some(m)
}

/// Whether the payer adjudicated a different code than the one billed (SVC06 vs SVC01).
fn recode(line: Option<&ServicePayment>) -> Option<(&Procedure, &Procedure)> {
    let l = line?;
    let submitted = l.submitted_procedure.as_ref()?;
    (submitted.code != l.procedure.code || submitted.modifiers != l.procedure.modifiers)
        .then_some((submitted, &l.procedure))
}

/// Plans the correction of one denial. Never fails; unknown situations give a
/// [`Route::Review`] plan with no proposals.
pub fn plan(input: &CorrectionInput<'_>) -> CorrectionPlan {
    let e = input.explanation;
    let claim = input.claim;
    let mut route = e.route;
    let mut notes: Vec<String> = Vec::new();

    let corrected = member_correction(claim);
    let other_payer = claim
        .corrected_priority_payer
        .as_deref()
        .filter(|n| n.id.is_some() || n.last.is_some());

    // 1-2. The 835's own evidence.
    if e.class == Class::Eligibility
        && corrected.is_some()
        && !matches!(route, Route::WriteOff | Route::NoAction | Route::Wait)
    {
        route = Route::CorrectedClaim;
        notes.push("NM1*74 gives the member data the payer has on file".to_string());
    }
    if matches!(e.class, Class::CoordinationOfBenefits | Class::WrongPayer)
        && other_payer.is_some()
        && !matches!(route, Route::WriteOff | Route::NoAction | Route::Wait)
    {
        route = Route::BillOtherPayer;
    }
    let fixes = collect_fixes(input, corrected.as_ref());
    // 3. A different billing provider cannot be set on a replacement claim.
    let billing_provider_ineligible = e.carc.as_deref().map(normalized).as_deref() == Some("299");
    if route == Route::CorrectedClaim && billing_provider_ineligible {
        route = Route::VoidAndNew;
        notes.push(
            "the billing provider cannot change on a replacement: void, then send a new claim"
                .to_string(),
        );
    }
    // 4-5. Payer rules.
    if route == Route::CorrectedClaim && input.payer.medicare_part_b {
        route = Route::Reopening;
        notes.push(
            "Medicare Part B corrects clerical errors by reopening, not frequency 7".to_string(),
        );
    }
    if route == Route::CorrectedClaim
        && input.claim_denied
        && !input.payer.accepts_frequency_7_for_denied
    {
        route = Route::NewClaim;
        notes.push(format!(
            "{} wants a new claim, not a replacement, for a denied claim",
            input.payer.label()
        ));
    }

    let resubmits = matches!(
        route,
        Route::CorrectedClaim
            | Route::VoidAndNew
            | Route::NewClaim
            | Route::Reopening
            | Route::BillOtherPayer
            | Route::Review
    );
    let mut b = Builder { items: Vec::new() };
    if resubmits {
        for fix in fixes {
            place(&mut b, fix, input, corrected.as_ref(), other_payer);
        }
    }
    frame(&mut b, route, input);

    let evidence = (route == Route::Appeal).then(|| appeal_evidence(input));
    let summary = summarize(
        route,
        input,
        &b.items,
        &notes,
        other_payer,
        evidence.as_deref(),
    );
    CorrectionPlan {
        route,
        summary,
        proposals: b.items.into_iter().map(|i| i.proposal).collect(),
        evidence,
    }
}

/// Whether a type of bill (CLP08 for an institutional claim: its first two digits, facility
/// type then bill classification) is an inpatient Part A stay, where procedures are reported
/// as ICD-10-PCS codes (HI*BBR): hospital, skilled nursing, home health or religious
/// non-medical facility (1x to 4x, and 5x, 6x) with classification 1. Clinics (7x) and
/// special facilities (8x) use the second digit for their kind, not for inpatient.
fn is_inpatient_bill_type(code: &str) -> bool {
    let b = code.trim().as_bytes();
    matches!(b.first(), Some(b'1'..=b'6')) && b.get(1) == Some(&b'1')
}

fn collect_fixes(input: &CorrectionInput<'_>, corrected: Option<&MemberCorrection>) -> Vec<Fix> {
    let e = input.explanation;
    fn add(fixes: &mut Vec<Fix>, list: &[Fix]) {
        for f in list {
            if !fixes.contains(f) {
                fixes.push(*f);
            }
        }
    }
    let mut fixes: Vec<Fix> = Vec::new();
    if let Some(carc) = e.carc.as_deref() {
        let carc = normalized(carc);
        add(&mut fixes, carc_fixes(&carc));
        // NPI missing/invalid/mismatched: the line's rendering provider, else the billing one
        // (a RARC such as N290 or N257 names it exactly).
        if matches!(carc.as_ref(), "206" | "207" | "208") {
            let named = e.rarcs.iter().any(|r| !rarc_fixes(&r.code).is_empty());
            if !named {
                let fix = if input.line.is_some() {
                    Fix::RenderingProvider
                } else {
                    Fix::BillingProvider
                };
                add(&mut fixes, &[fix]);
            }
        }
    }
    // A CARC that needs a remark to say what is wrong (16 "lacks information", A1; also an
    // unknown or absent CARC) is made of its remarks: CO-16 with M51 and N290 lacks a valid
    // procedure code *and* the rendering provider's NPI, whichever remark classified the
    // denial, and a claim resent with only one of them fixed is denied again.
    let remarks_say_what = e
        .carc
        .as_deref()
        .and_then(|c| input.rules.carc(c))
        .is_none_or(|c| c.needs_rarc);
    for r in &e.rarcs {
        // Otherwise a remark names a fix for this denial when its own reading agrees with the
        // denial's category (claim-level remarks reach every line; this keeps them where
        // they belong).
        let agrees = remarks_say_what
            || input
                .rules
                .rarc(&r.code)
                .and_then(|entry| entry.category)
                .is_some_and(|c| Some(c) == e.category);
        if agrees {
            add(&mut fixes, rarc_fixes(&r.code));
        }
    }
    if e.class == Class::Eligibility
        && let Some(mc) = corrected
    {
        if mc.id.is_some() {
            add(&mut fixes, &[Fix::MemberId]);
        }
        if mc.has_name() || mc.name_of == NameOf::Unsure {
            add(&mut fixes, &[Fix::MemberName]);
        }
    }
    if fixes.is_empty() {
        add(&mut fixes, class_fixes(e.class));
    }
    if matches!(e.class, Class::Coding | Class::Bundling) && recode(input.line).is_some() {
        add(&mut fixes, &[Fix::ProcedureCode]);
    }
    fixes.sort();
    fixes
}

/// Places one fix for the claim's kind, with the 835's value when it has one.
fn place(
    b: &mut Builder,
    fix: Fix,
    input: &CorrectionInput<'_>,
    corrected: Option<&MemberCorrection>,
    other_payer: Option<&Name>,
) {
    let kind = input.kind;
    let line = input.line;
    let on_line = line.is_some();
    let claim = input.claim;
    let svc = match kind {
        ClaimKind::Professional => ("SV1", "01"),
        ClaimKind::Institutional => ("SV2", "02"),
        ClaimKind::Dental => ("SV3", "01"),
    };
    match fix {
        Fix::MemberId => {
            let value = corrected.and_then(|m| m.id.clone());
            let rationale = if value.is_some() {
                "NM1*74 (corrected patient/insured) carries the member ID the payer has on file"
                    .to_string()
            } else {
                "the payer could not match the member: send the ID exactly as on the card"
                    .to_string()
            };
            b.push(
                "member ID",
                ("2010BA", "NM1", "09", Some("IL")),
                Action::Set,
                value,
                Some("the member ID exactly as on the patient's current insurance card (confirm with a 270/271 eligibility check)"),
                rationale,
            );
        }
        Fix::MemberName if corrected.is_some_and(|m| m.name_of == NameOf::Unsure) => {
            b.push(
                "patient or subscriber name",
                ("2010CA", "NM1", "03", Some("QC")),
                Action::Set,
                None,
                Some("the name NM1*74 gives, where it belongs: the patient's (2010CA NM103/NM104) or, if it is the subscriber's, 2010BA NM103/NM104 instead"),
                "NM1*74 (corrected patient/insured) names neither the patient nor the subscriber as sent; on a dependant's claim it may correct either".to_string(),
            );
        }
        Fix::MemberName => {
            let names = corrected.filter(|m| m.has_name());
            let (name_loop, entity, whose, [last, first, middle]) =
                if names.is_some_and(|m| m.name_of == NameOf::Patient) {
                    let labels = [
                        "patient last name",
                        "patient first name",
                        "patient middle name",
                    ];
                    ("2010CA", "QC", "patient", labels)
                } else {
                    let labels = [
                        "subscriber last name",
                        "subscriber first name",
                        "subscriber middle name",
                    ];
                    ("2010BA", "IL", "subscriber", labels)
                };
            let parts: [(&'static str, &str, Option<String>, &str); 3] = [
                (
                    last,
                    "03",
                    names.and_then(|m| m.last.clone()),
                    "last name exactly as the payer has it",
                ),
                (
                    first,
                    "04",
                    names.and_then(|m| m.first.clone()),
                    "first name exactly as the payer has it",
                ),
                (middle, "05", names.and_then(|m| m.middle.clone()), ""),
            ];
            for (what, element, value, needs) in parts {
                // From NM1*74: only the parts the payer changed. Without it: last and first.
                let wanted = if names.is_some() {
                    value.is_some()
                } else {
                    !needs.is_empty()
                };
                if !wanted {
                    continue;
                }
                let why = if names.is_some() {
                    "NM1*74 (corrected patient/insured) carries the name the payer has on file"
                } else {
                    "member ID and name must match the payer's records"
                };
                let needs = if needs.is_empty() {
                    String::new()
                } else {
                    format!("the {whose}'s {needs}")
                };
                b.push(
                    what,
                    (name_loop, "NM1", element, Some(entity)),
                    Action::Set,
                    value,
                    Some(&needs),
                    why.to_string(),
                );
            }
        }
        Fix::Demographics => {
            let why = "procedure/diagnosis vs age or gender edits are often a demographic error: check DOB and gender first (2010CA DMG when the patient is not the subscriber)";
            b.push(
                "date of birth",
                ("2010BA", "DMG", "02", None),
                Action::Set,
                None,
                Some("the patient's date of birth (CCYYMMDD) as the payer has it"),
                why.to_string(),
            );
            b.push(
                "gender",
                ("2010BA", "DMG", "03", None),
                Action::Set,
                None,
                Some("the patient's administrative gender (F, M or U)"),
                why.to_string(),
            );
        }
        Fix::Relationship => {
            b.push(
                "patient relationship",
                ("2000B", "SBR", "02", None),
                Action::Set,
                None,
                Some("the patient's relationship to the subscriber (SBR02 = 18 when the patient is the subscriber; otherwise a 2000C HL with PAT01)"),
                "the payer does not cover this patient as the subscriber's dependant; verify the relationship and dependant coverage".to_string(),
            );
        }
        Fix::Payer => {
            let id = other_payer.and_then(|n| non_empty(n.id.as_deref()));
            let name = other_payer.and_then(|n| non_empty(n.last.as_deref()));
            let why = if other_payer.is_some() {
                "NM1*PR (corrected priority payer) names the payer to bill first".to_string()
            } else {
                "another payer is responsible (or primary) for this service".to_string()
            };
            b.push(
                "payer ID",
                ("2010BB", "NM1", "09", Some("PR")),
                Action::Set,
                id,
                Some("the payer ID of the plan that covered the patient on the date of service"),
                why.clone(),
            );
            if name.is_some() {
                b.push(
                    "payer name",
                    ("2010BB", "NM1", "03", Some("PR")),
                    Action::Set,
                    name,
                    None,
                    why,
                );
            }
            // The member id and the kind of plan are the denying payer's: the payer billed
            // now knows the patient by its own id, and reads SBR09 for its own plan type.
            b.push(
                "member ID at the payer billed now",
                ("2010BA", "NM1", "09", Some("IL")),
                Action::Set,
                None,
                Some("the member ID on the card of the plan billed now (the one on the claim is the denying payer's)"),
                "another payer knows the patient by its own member ID".to_string(),
            );
            b.push(
                "claim filing indicator",
                ("2000B", "SBR", "09", None),
                Action::Set,
                None,
                Some("the claim filing indicator of the plan billed now (CI commercial, MB Medicare Part B, MC Medicaid, HM HMO, BL Blue Cross…)"),
                "SBR09 names the kind of plan billed".to_string(),
            );
        }
        Fix::PriorPayer => {
            if let Some(id) = other_payer.and_then(|n| non_empty(n.id.as_deref())) {
                b.push(
                    "other payer ID",
                    ("2330B", "NM1", "09", Some("PR")),
                    Action::Add,
                    Some(id),
                    None,
                    "when this payer is billed as secondary, name the primary payer in the COB loops (2320/2330B)".to_string(),
                );
            }
            b.push(
                "prior payer paid amount",
                ("2320", "AMT", "02", Some("D")),
                Action::Add,
                None,
                Some("the amount the primary payer paid on the claim (from its 835/EOB)"),
                "a secondary claim must carry the prior payer's adjudication".to_string(),
            );
            if on_line {
                b.push(
                    "prior payer line adjudication",
                    ("2430", "SVD", "02", None),
                    Action::Add,
                    None,
                    Some("the amount the primary payer paid for this line, with its CAS adjustments and DTP*573 date"),
                    "line-level COB: the prior payer's line adjudication".to_string(),
                );
            }
        }
        Fix::PriorAuth => {
            let used = reference(claim, line, "G1").or_else(|| reference(claim, line, "BB"));
            let loop_id = if on_line && kind != ClaimKind::Institutional {
                "2400"
            } else {
                "2300"
            };
            let (action, rationale) = match used {
                Some(v) => (
                    Action::Set,
                    format!("the payer adjudicated against authorization {v} (835 REF*G1): the claim's authorization, codes and units must match it"),
                ),
                None => (
                    Action::Add,
                    "no authorization reached the payer: add the number issued before the service (or a retro-authorization if the payer allows it)".to_string(),
                ),
            };
            b.push(
                "prior authorization number",
                (loop_id, "REF", "02", Some("G1")),
                action,
                used.map(str::to_string),
                Some("the prior authorization number issued for this service (or a retro-authorization)"),
                rationale,
            );
        }
        Fix::Referral => {
            b.push(
                "referral number",
                ("2300", "REF", "02", Some("9F")),
                Action::Add,
                None,
                Some("the referral number from the primary care provider"),
                "the plan requires a referral for this service".to_string(),
            );
            let referring = match (kind, on_line) {
                (ClaimKind::Institutional, _) => "2310F",
                (_, true) => "2420F",
                (_, false) => "2310A",
            };
            b.push(
                "referring provider NPI",
                (referring, "NM1", "09", Some("DN")),
                Action::Add,
                None,
                Some("the referring provider's NPI"),
                "a referral names the referring provider".to_string(),
            );
        }
        Fix::ProcedureCode => {
            let rec = recode(line);
            let (value, rationale) = match rec {
                Some((submitted, adjudicated)) => (
                    non_empty(Some(adjudicated.code.as_str())),
                    format!(
                        "the payer adjudicated the line as {} (SVC01) although {} was billed (SVC06): bill the adjudicated code if the record supports it, otherwise appeal with documentation",
                        proc_text(adjudicated),
                        proc_text(submitted)
                    ),
                ),
                None => (
                    None,
                    "the procedure code was rejected for this service".to_string(),
                ),
            };
            // A claim-level procedure fault on an inpatient institutional claim is its ICD-10-PCS
            // principal procedure (HI*BBR); an outpatient one reports procedures as HCPCS on its
            // lines (SV202), so the person names the line.
            let inpatient = kind == ClaimKind::Institutional
                && input
                    .claim
                    .facility_code
                    .as_deref()
                    .is_none_or(is_inpatient_bill_type);
            let loop_id = if on_line || !inpatient {
                "2400"
            } else {
                "2300"
            };
            if loop_id == "2300" {
                b.push(
                    "principal procedure",
                    ("2300", "HI", "01-2", Some("BBR")),
                    Action::Set,
                    value,
                    Some("the ICD-10-PCS principal procedure code valid on the date of service"),
                    rationale,
                );
            } else {
                b.push(
                    "procedure code",
                    ("2400", svc.0, &format!("{}-2", svc.1), None),
                    Action::Set,
                    value,
                    Some(if on_line {
                        "a procedure code valid on the date of service that the record supports"
                    } else {
                        "a procedure code valid on the date of service that the record supports, on the line the payer rejected (name it: 2400[n])"
                    }),
                    rationale,
                );
                if let Some((submitted, adjudicated)) = rec
                    && submitted.modifiers != adjudicated.modifiers
                {
                    let mods = adjudicated
                        .modifiers
                        .iter()
                        .map(|m| m.as_str())
                        .collect::<Vec<_>>()
                        .join(":");
                    let (action, value) = if mods.is_empty() {
                        (Action::Remove, None)
                    } else {
                        (Action::Set, Some(mods))
                    };
                    b.push(
                        "modifiers",
                        ("2400", svc.0, &format!("{}-3", svc.1), None),
                        action,
                        value,
                        None,
                        "the payer adjudicated the line with these modifiers (SVC01)".to_string(),
                    );
                }
            }
        }
        Fix::Modifier => {
            let bundling = input.explanation.class == Class::Bundling;
            let needs = if bundling {
                "a distinct-service modifier (59, XE, XS, XP, XU, or 25 for a separate E/M) only if the record documents a separate service"
            } else {
                "the modifier this procedure requires on the date of service"
            };
            let rationale = if bundling {
                "bundled with another service: a modifier is justified only for a documented distinct service; otherwise write off"
            } else {
                "the procedure and modifier do not agree"
            };
            b.push(
                "modifier",
                ("2400", svc.0, &format!("{}-3", svc.1), None),
                if bundling { Action::Add } else { Action::Set },
                None,
                Some(needs),
                rationale.to_string(),
            );
        }
        Fix::Diagnosis => {
            b.push(
                "principal diagnosis",
                ("2300", "HI", "01-2", Some("ABK")),
                Action::Set,
                None,
                Some("the principal ICD-10-CM diagnosis, most specific and valid on the date of service, that supports the procedure (and the line's diagnosis pointers)"),
                "the diagnosis is missing, invalid or does not support the service".to_string(),
            );
        }
        Fix::PlaceOfService => {
            let needs = if kind == ClaimKind::Institutional {
                "the facility type code (first two digits of the type of bill) for where the service was given"
            } else {
                "the place-of-service code (2 digits) where the service was given"
            };
            b.push(
                "place of service",
                ("2300", "CLM", "05-1", None),
                Action::Set,
                None,
                Some(needs),
                "the procedure does not fit the place of service or bill type billed".to_string(),
            );
        }
        Fix::ServiceDate => {
            let (loop_id, q) = if kind == ClaimKind::Institutional && !on_line {
                ("2300", "434")
            } else {
                ("2400", "472")
            };
            b.push(
                "date of service",
                (loop_id, "DTP", "03", Some(q)),
                Action::Set,
                None,
                Some("the correct date of service (CCYYMMDD)"),
                "the dates on the claim are inconsistent".to_string(),
            );
        }
        Fix::RenderingProvider => {
            let loop_id = match (kind, on_line) {
                (ClaimKind::Institutional, true) => "2420C",
                (ClaimKind::Institutional, false) => "2310D",
                (_, true) => "2420A",
                (_, false) => "2310B",
            };
            let adjudicated = claim
                .rendering_provider
                .as_ref()
                .and_then(|n| non_empty(n.id.as_deref()));
            let rationale = match adjudicated {
                Some(id) => format!(
                    "the rendering provider's ID is missing, invalid or not enrolled (the payer adjudicated with {id})"
                ),
                None => {
                    "the rendering provider's ID is missing, invalid or not enrolled".to_string()
                }
            };
            b.push(
                "rendering provider NPI",
                (loop_id, "NM1", "09", Some("82")),
                Action::Set,
                None,
                Some("the rendering provider's NPI (10 digits), enrolled with this payer on the date of service"),
                rationale,
            );
        }
        Fix::BillingProvider => {
            b.push(
                "billing provider NPI",
                ("2010AA", "NM1", "09", Some("85")),
                Action::Set,
                None,
                Some("the billing provider's NPI (10 digits) as enrolled with this payer"),
                "the billing provider's ID is missing, invalid or not enrolled".to_string(),
            );
        }
        Fix::OrderingProvider => {
            let (loop_id, q) = match kind {
                ClaimKind::Institutional => ("2310A", "71"),
                _ => ("2420E", "DK"),
            };
            b.push(
                "ordering provider NPI",
                (loop_id, "NM1", "09", Some(q)),
                Action::Add,
                None,
                Some("the ordering provider's NPI and name (enrolled in PECOS for Medicare)"),
                "the ordering provider is missing, invalid or not eligible".to_string(),
            );
        }
        Fix::ReferringProvider => {
            let loop_id = match (kind, on_line) {
                (ClaimKind::Institutional, _) => "2310F",
                (_, true) => "2420F",
                (_, false) => "2310A",
            };
            b.push(
                "referring provider NPI",
                (loop_id, "NM1", "09", Some("DN")),
                Action::Add,
                None,
                Some("the referring provider's NPI and name"),
                "the referring provider is missing, invalid or not eligible".to_string(),
            );
        }
        Fix::Attachment => {
            let loop_id = if on_line { "2400" } else { "2300" };
            b.push(
                "attachment type",
                (loop_id, "PWK", "01", None),
                Action::Add,
                None,
                Some("the attachment report type code (e.g. 09 progress report, B3 physician order, M1 medical record, OZ support data)"),
                "the payer needs documents to adjudicate".to_string(),
            );
            b.push(
                "attachment transmission",
                (loop_id, "PWK", "02", None),
                Action::Add,
                None,
                Some("how the documents are sent (EL electronic 275, FX fax, BM mail, FT file transfer, EM e-mail)"),
                "the payer needs documents to adjudicate".to_string(),
            );
            b.push(
                "attachment control number",
                (loop_id, "PWK", "06", None),
                Action::Add,
                None,
                Some("the attachment control number written on the documents sent (PWK05 = AC)"),
                "links the documents to the claim".to_string(),
            );
        }
        Fix::Ndc => {
            b.push(
                "NDC",
                ("2410", "LIN", "03", Some("N4")),
                Action::Add,
                None,
                Some(
                    "the 11-digit NDC of the drug given, with its quantity and unit (CTP04/CTP05)",
                ),
                "drug lines need the NDC".to_string(),
            );
        }
        Fix::Clia => {
            b.push(
                "CLIA number",
                ("2300", "REF", "02", Some("X4")),
                Action::Add,
                None,
                Some("the CLIA certificate number of the laboratory that did the test"),
                "lab services need the lab's CLIA number".to_string(),
            );
        }
    }
}

/// The claim-frequency and original-reference proposals the route implies.
fn frame(b: &mut Builder, route: Route, input: &CorrectionInput<'_>) {
    let icn = non_empty(input.claim.payer_claim_control_number.as_deref());
    let f8_needs =
        "the payer claim control number (ICN) of the original claim; this 835 has no CLP07";
    match route {
        Route::CorrectedClaim | Route::VoidAndNew => {
            let (freq, what, why) = if route == Route::CorrectedClaim {
                (
                    "7",
                    "replacement",
                    "a replacement (frequency 7) of the adjudicated claim; send the whole claim with all lines",
                )
            } else {
                (
                    "8",
                    "void",
                    "void (frequency 8) the original with the same lines and charges, then send a new original (frequency 1) with the corrections",
                )
            };
            b.push(
                what,
                ("2300", "CLM", "05-3", None),
                Action::Set,
                Some(freq.to_string()),
                None,
                why.to_string(),
            );
            b.push(
                "original claim reference",
                ("2300", "REF", "02", Some("F8")),
                Action::Add,
                icn,
                Some(f8_needs),
                "REF*F8 carries the payer's claim control number (CLP07) of the claim being replaced".to_string(),
            );
        }
        Route::NewClaim => {
            b.push(
                "new original",
                ("2300", "CLM", "05-3", None),
                Action::Set,
                Some("1".to_string()),
                None,
                "the claim was not processable (or the payer wants a new claim): send a new original".to_string(),
            );
            b.push(
                "original claim reference",
                ("2300", "REF", "02", Some("F8")),
                Action::Remove,
                None,
                None,
                "a new original carries no REF*F8 (payers may not require it on frequency 1)"
                    .to_string(),
            );
        }
        Route::BillOtherPayer => {
            b.push(
                "new original",
                ("2300", "CLM", "05-3", None),
                Action::Set,
                Some("1".to_string()),
                None,
                "a first claim to another payer is an original".to_string(),
            );
        }
        _ => {}
    }
}

fn route_phrase(route: Route, icn: Option<&str>, payer: Option<&Name>) -> String {
    match route {
        Route::CorrectedClaim => match icn {
            Some(icn) => format!("Corrected claim (CLM05-3 = 7, REF*F8 = {icn})"),
            None => "Corrected claim (CLM05-3 = 7, REF*F8 = original ICN needed)".to_string(),
        },
        Route::VoidAndNew => match icn {
            Some(icn) => format!("Void (CLM05-3 = 8, REF*F8 = {icn}) then a new claim"),
            None => "Void (CLM05-3 = 8) then a new claim".to_string(),
        },
        Route::NewClaim => "New claim (CLM05-3 = 1, no REF*F8)".to_string(),
        Route::Reopening => "Medicare Part B reopening (clerical error)".to_string(),
        Route::Appeal => "Appeal".to_string(),
        Route::BillOtherPayer => match payer {
            Some(p) => format!("Bill {} first", name_of(p)),
            None => "Bill the responsible payer".to_string(),
        },
        Route::BillPatient => "Bill the patient".to_string(),
        Route::Wait => "Wait".to_string(),
        Route::WriteOff => "Write off".to_string(),
        Route::NoAction => "No action".to_string(),
        Route::Review => "Review by hand".to_string(),
    }
}

fn appeal_evidence(input: &CorrectionInput<'_>) -> String {
    let policy = reference(input.claim, input.line, "0K");
    let base = match input.explanation.class {
        Class::MedicalNecessity => "records showing medical necessity",
        Class::Authorization => "proof of authorization",
        Class::TimelyFiling => "proof of timely filing",
        Class::Bundling => "records supporting a distinct service",
        Class::Documentation => "the requested documentation",
        Class::Eligibility | Class::NonCovered => "proof of coverage",
        Class::ProviderEnrollment => "enrollment and credentialing proof",
        Class::Duplicate => "proof the service is distinct",
        _ => "supporting records",
    };
    match policy {
        Some(p) => format!("{base}, citing policy {p}"),
        None => base.to_string(),
    }
}

fn summarize(
    route: Route,
    input: &CorrectionInput<'_>,
    items: &[Item],
    notes: &[String],
    other_payer: Option<&Name>,
    evidence: Option<&str>,
) -> String {
    let e = input.explanation;
    let icn = input
        .claim
        .payer_claim_control_number
        .as_deref()
        .filter(|s| !s.trim().is_empty());
    let mut s = route_phrase(route, icn, other_payer);
    let framing = [
        "replacement",
        "void",
        "new original",
        "original claim reference",
    ];
    let fixes: Vec<String> = items
        .iter()
        .filter(|i| !framing.contains(&i.what))
        .map(|i| {
            let p = &i.proposal;
            let at = match (&p.qualifier, p.segment.as_str()) {
                (Some(q), "REF" | "AMT" | "PWK" | "DTP" | "HI" | "LIN") => {
                    format!("{} {}*{q}", p.loop_id, p.segment)
                }
                _ => format!("{} {}{}", p.loop_id, p.segment, p.element),
            };
            match (&p.value, p.action) {
                (Some(v), _) => format!("{} {v} ({at})", i.what),
                (None, Action::Remove) => format!("remove {} ({at})", i.what),
                (None, _) => format!("{} needed ({at})", i.what),
            }
        })
        .collect();
    let detail = match route {
        Route::Appeal => format!("with {}", evidence.unwrap_or("supporting records")),
        _ if fixes.is_empty() => e.description.clone(),
        _ => {
            const SHOWN: usize = 3;
            let mut d = fixes
                .iter()
                .take(SHOWN)
                .cloned()
                .collect::<Vec<_>>()
                .join("; ");
            if fixes.len() > SHOWN {
                d.push_str(&format!("; +{} more", fixes.len() - SHOWN));
            }
            d
        }
    };
    if !detail.is_empty() {
        s.push_str(if route == Route::Appeal { " " } else { ": " });
        s.push_str(&detail);
    }
    // A late claim: Medicare gives no appeal (it is not an initial determination); other
    // payers hear one with proof the claim was filed in time (DOMAIN 2.2, 4.3).
    if e.class == Class::TimelyFiling && route == Route::WriteOff {
        s.push_str(if input.payer.medicare {
            " (no appeal rights at Medicare)"
        } else {
            " (unless you can prove timely filing: 999/277CA acceptance, an earlier receipt date; then appeal)"
        });
    } else if !e.appealable && matches!(route, Route::NewClaim | Route::WriteOff) {
        s.push_str(" (no appeal rights)");
    }
    if let Some(n) = notes.first() {
        s.push_str(&format!(" [{n}]"));
    }
    s.replace(['\n', '\r', '\t'], " ")
}
