//! The report's row and summary: fixed column names, documented in README.md.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Serialize;

/// The column names, in order. They are part of the stable interface.
pub const COLUMNS: [&str; 25] = [
    "file",
    "payer_name",
    "payer_id",
    "payee_npi",
    "trace_number",
    "payment_date",
    "patient_control_number",
    "payer_claim_control_number",
    "claim_status",
    "service_date",
    "procedure",
    "modifiers",
    "level",
    "group",
    "carc",
    "rarcs",
    "amount",
    "category",
    "class",
    "route",
    "priority",
    "priority_reasons",
    "deadline",
    "correction",
    "outcome",
];

/// One row of the report: a denial, or (with `--all-claims`) a claim without one.
///
/// Text columns are empty strings when there is nothing to say, so every format has the same
/// columns; `rarcs`, `modifiers` and `priority_reasons` join their values with `;`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Row {
    /// The input the claim came from.
    pub file: String,
    /// Payer name (1000A N102).
    pub payer_name: String,
    /// Payer id (1000A N104, else REF*2U, else TRN03).
    pub payer_id: String,
    /// Payee NPI (1000B N104 when N103 = XX).
    pub payee_npi: String,
    /// Check or EFT trace number (TRN02).
    pub trace_number: String,
    /// Payment effective date (BPR16), ISO.
    pub payment_date: String,
    /// CLP01, the 837's CLM01.
    pub patient_control_number: String,
    /// CLP07, the payer's claim number (ICN).
    pub payer_claim_control_number: String,
    /// CLP02.
    pub claim_status: String,
    /// Service date of the line (or the claim's earliest), ISO.
    pub service_date: String,
    /// Procedure code of the line (adjudicated SVC01).
    pub procedure: String,
    /// Modifiers of the line, `;`-joined.
    pub modifiers: String,
    /// `claim` or `line` (empty on a claim row without denial).
    pub level: String,
    /// CAS01 group code.
    pub group: String,
    /// The CARC.
    pub carc: String,
    /// RARCs that apply, `;`-joined.
    pub rarcs: String,
    /// The denied amount of this row (decimal, as in the file).
    pub amount: String,
    /// One of the five categories, or empty.
    pub category: String,
    /// Finer class.
    pub class: String,
    /// Suggested route.
    pub route: String,
    /// Priority score 0–100 (empty on claim rows without denial).
    pub priority: String,
    /// Why the priority is what it is, `;`-joined.
    pub priority_reasons: String,
    /// Nearest deadline (appeal, timely filing or reopening), ISO.
    pub deadline: String,
    /// One-line correction proposal.
    pub correction: String,
    /// The claim's outcome: paid, partially_denied, denied, reversed, pending.
    pub outcome: String,
    /// Not a column: the last day of the route's latest window, ISO (empty without a
    /// deadline). `deadline` is the nearest window still open on the report's `--as-of`
    /// date; once it has passed, this one governs (a corrected claim past its filing window
    /// can still be appealed). `denali track` keeps it so that its work queue does not depend
    /// on the day a remittance was ingested.
    #[serde(skip)]
    pub last_deadline: String,
}

impl Row {
    /// The values in [`COLUMNS`] order.
    pub fn values(&self) -> [&str; 25] {
        [
            &self.file,
            &self.payer_name,
            &self.payer_id,
            &self.payee_npi,
            &self.trace_number,
            &self.payment_date,
            &self.patient_control_number,
            &self.payer_claim_control_number,
            &self.claim_status,
            &self.service_date,
            &self.procedure,
            &self.modifiers,
            &self.level,
            &self.group,
            &self.carc,
            &self.rarcs,
            &self.amount,
            &self.category,
            &self.class,
            &self.route,
            &self.priority,
            &self.priority_reasons,
            &self.deadline,
            &self.correction,
            &self.outcome,
        ]
    }

    /// The values in [`COLUMNS`] order, to fill in place.
    pub(crate) fn values_mut(&mut self) -> [&mut String; 25] {
        [
            &mut self.file,
            &mut self.payer_name,
            &mut self.payer_id,
            &mut self.payee_npi,
            &mut self.trace_number,
            &mut self.payment_date,
            &mut self.patient_control_number,
            &mut self.payer_claim_control_number,
            &mut self.claim_status,
            &mut self.service_date,
            &mut self.procedure,
            &mut self.modifiers,
            &mut self.level,
            &mut self.group,
            &mut self.carc,
            &mut self.rarcs,
            &mut self.amount,
            &mut self.category,
            &mut self.class,
            &mut self.route,
            &mut self.priority,
            &mut self.priority_reasons,
            &mut self.deadline,
            &mut self.correction,
            &mut self.outcome,
        ]
    }

    /// Whether the row is a denial (not a claim-only row from `--all-claims`).
    pub fn is_denial(&self) -> bool {
        !self.carc.is_empty() || !self.level.is_empty()
    }
}

/// Count and dollars of one category.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CategoryTotal {
    /// Denial rows.
    pub count: u64,
    /// Σ denied amount.
    pub amount: Decimal,
}

/// A file that could not be read or parsed completely.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FileError {
    /// The input.
    pub file: String,
    /// What went wrong (with its position; never an element value).
    pub message: String,
}

/// Reconciliation of a batch: what went in, what was accounted for.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Inputs processed.
    pub files: u64,
    /// Inputs that could not be read or parsed completely.
    pub files_failed: u64,
    /// 835 transaction sets read.
    pub transactions: u64,
    /// CLP segments found by the reader (counted independently of the typed model).
    pub claims_in: u64,
    /// Claims given an outcome by the rules (must equal `claims_in`).
    pub claims_accounted: u64,
    /// Claims with at least one denial.
    pub denied_claims: u64,
    /// Σ denied amount.
    pub denied_amount: Decimal,
    /// Denials by category (`uncategorized` when the rules gave none).
    pub by_category: BTreeMap<String, CategoryTotal>,
    /// Claims by outcome.
    pub by_outcome: BTreeMap<String, u64>,
    /// Line, claim and transaction balancing diagnostics.
    pub balancing_diagnostics: u64,
    /// Transaction sets that were not 835s (skipped).
    pub other_transactions: u64,
    /// Inputs with their error.
    pub errors: Vec<FileError>,
}

impl Summary {
    /// Whether every claim read was accounted for.
    pub fn reconciled(&self) -> bool {
        self.claims_in == self.claims_accounted
    }
}
