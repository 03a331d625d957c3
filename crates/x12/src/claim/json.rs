//! JSON (serde) form of the typed 837, shared conventions with the 835: `"set":"837P"`, claims
//! with `patient_control_number` (CLM01), `total_charge`, `frequency_code`, `service_lines`.
//! Amounts are decimal strings with the scale as sent (`"766.50"`), dates `YYYY-MM-DD`.

use rust_decimal::Decimal;
use serde::{Serialize, Serializer};

use crate::claim::kind::ClaimKind;
use crate::claim::model::{Claim837Set, ClaimWithContext};
use crate::claim::view::{
    Claim, DatePeriod, EntityName, FrequencyCode, HealthCareCode, Procedure, ServiceLine,
};

#[derive(Serialize)]
struct NameJson<'a> {
    entity_code: Option<&'a str>,
    name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    first_name: Option<&'a str>,
    id_qualifier: Option<&'a str>,
    id: Option<&'a str>,
}

impl Serialize for EntityName<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        NameJson {
            entity_code: self.entity_code(),
            name: self.name(),
            first_name: self.first_name(),
            id_qualifier: self.id_qualifier(),
            id: self.id(),
        }
        .serialize(s)
    }
}

#[derive(Serialize)]
struct LineJson<'a> {
    number: Option<u32>,
    procedure: Option<Procedure<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    revenue_code: Option<&'a str>,
    charge: Option<Decimal>,
    unit_basis: Option<&'a str>,
    units: Option<Decimal>,
    place_of_service: Option<&'a str>,
    diagnosis_pointers: Vec<u8>,
    control_number: Option<&'a str>,
    service_date: Option<chrono::NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    service_date_end: Option<chrono::NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    drug_code: Option<&'a str>,
}

impl Serialize for ServiceLine<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let date = self.service_date();
        LineJson {
            number: self.number(),
            procedure: self.procedure(),
            revenue_code: self.revenue_code(),
            charge: self.charge(),
            unit_basis: self.unit_basis(),
            units: self.units(),
            place_of_service: self.place_of_service(),
            diagnosis_pointers: self.diagnosis_pointers(),
            control_number: self.control_number(),
            service_date: date.map(|d| d.start),
            service_date_end: date.and_then(|d| d.end),
            drug_code: self.drug_code(),
        }
        .serialize(s)
    }
}

#[derive(Serialize)]
struct SubscriberJson<'a> {
    member_id: Option<&'a str>,
    last_name: Option<&'a str>,
    first_name: Option<&'a str>,
    payer_responsibility: Option<&'a str>,
    relationship: Option<&'a str>,
    group_number: Option<&'a str>,
    claim_filing_indicator: Option<&'a str>,
}

#[derive(Serialize)]
struct PatientJson<'a> {
    last_name: Option<&'a str>,
    first_name: Option<&'a str>,
    relationship: Option<&'a str>,
}

#[derive(Serialize)]
struct BillingJson<'a> {
    name: Option<&'a str>,
    npi: Option<&'a str>,
    tax_id: Option<&'a str>,
    taxonomy: Option<&'a str>,
}

#[derive(Serialize)]
struct ClaimJson<'a> {
    patient_control_number: Option<&'a str>,
    total_charge: Option<Decimal>,
    frequency_code: Option<FrequencyCode>,
    facility_code: Option<&'a str>,
    facility_code_qualifier: Option<&'a str>,
    original_claim_number: Option<&'a str>,
    prior_authorization: Option<&'a str>,
    referral_number: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    statement_period: Option<DatePeriod>,
    billing_provider: Option<BillingJson<'a>>,
    subscriber: Option<SubscriberJson<'a>>,
    payer: Option<EntityName<'a>>,
    patient: Option<PatientJson<'a>>,
    diagnoses: Vec<HealthCareCode<'a>>,
    service_lines: Vec<ServiceLine<'a>>,
}

impl Serialize for Claim<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let sub = self.subscriber();
        let sub_name = sub.and_then(|x| x.name());
        let patient = self.patient();
        let patient_name = patient.and_then(|p| p.name());
        ClaimJson {
            patient_control_number: self.patient_control_number(),
            total_charge: self.total_charge(),
            frequency_code: self.frequency_code(),
            facility_code: self.facility_code(),
            facility_code_qualifier: self.facility_code_qualifier(),
            original_claim_number: self.original_claim_number(),
            prior_authorization: self.prior_authorization(),
            referral_number: self.referral_number(),
            statement_period: self.date("434"),
            billing_provider: self.billing_provider().map(|b| BillingJson {
                name: b.name().and_then(|n| n.name()),
                npi: b.npi(),
                tax_id: b.tax_id(),
                taxonomy: b.taxonomy(),
            }),
            subscriber: sub.map(|x| SubscriberJson {
                member_id: x.member_id(),
                last_name: sub_name.and_then(|n| n.name()),
                first_name: sub_name.and_then(|n| n.first_name()),
                payer_responsibility: x.payer_responsibility(),
                relationship: x.relationship(),
                group_number: x.group_number(),
                claim_filing_indicator: x.claim_filing_indicator(),
            }),
            payer: sub.and_then(|x| x.payer()),
            patient: patient.map(|p| PatientJson {
                last_name: patient_name.and_then(|n| n.name()),
                first_name: patient_name.and_then(|n| n.first_name()),
                relationship: p.relationship(),
            }),
            diagnoses: self.diagnoses(),
            service_lines: self.lines().collect(),
        }
        .serialize(s)
    }
}

fn set_name(kind: Option<ClaimKind>) -> &'static str {
    kind.map_or("837", ClaimKind::as_str)
}

#[derive(Serialize)]
struct SetJson<'a> {
    set: &'static str,
    version: &'a str,
    control_number: &'a str,
    submitter: Option<EntityName<'a>>,
    receiver: Option<EntityName<'a>>,
    claims: Vec<Claim<'a>>,
}

impl Serialize for Claim837Set {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        SetJson {
            set: set_name(self.kind()),
            version: self.version(),
            control_number: self.control_number(),
            submitter: self.submitter(),
            receiver: self.receiver(),
            claims: self.claims().collect(),
        }
        .serialize(s)
    }
}

#[derive(Serialize)]
struct WithContextJson<'a> {
    set: &'static str,
    version: &'a str,
    #[serde(flatten)]
    claim: Claim<'a>,
}

impl Serialize for ClaimWithContext {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        WithContextJson {
            set: set_name(self.kind),
            version: &self.version,
            claim: self.view(),
        }
        .serialize(s)
    }
}
