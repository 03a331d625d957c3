//! Denali's CARC/RARC knowledge: what an X12 835 adjustment means and what to do about it.
//!
//! Given a claim adjustment group code (CAS01: CO, PR, OA, PI), a Claim Adjustment Reason Code
//! (CARC) and any Remittance Advice Remark Codes (RARCs), [`explain()`] returns an
//! [`Explanation`]: the [`Kind`] (denial, contractual, patient responsibility, informational or
//! unknown), the denial [`Category`] (eligibility, authorization, coding, documentation,
//! submission), a finer [`Class`], the suggested [`Route`] (corrected claim, appeal, bill the
//! patient, ...), whether an appeal makes sense, and a `reason` listing which rules fired.
//!
//! ```
//! use denali_rules::{Category, Kind, Route, explain, parse_code_arg};
//!
//! // CO-16 alone needs a remark code; N290 says the rendering provider ID is wrong.
//! let e = explain(Some("CO"), Some("16"), &["N290"]);
//! assert_eq!(e.kind, Kind::Denial);
//! assert_eq!(e.category, Some(Category::Submission));
//! assert_eq!(e.route, Route::CorrectedClaim);
//!
//! // The group decides who owes: CO-45 is a write-off, PR-45 is billed to the patient.
//! assert_eq!(explain(Some("CO"), Some("45"), &[]).kind, Kind::Contractual);
//! assert_eq!(explain(Some("PR"), Some("45"), &[]).kind, Kind::PatientResponsibility);
//!
//! // MA130: unprocessable, no appeal rights, send a new claim.
//! let q = parse_code_arg("co-16,MA130").unwrap();
//! let e = denali_rules::RuleSet::default().explain_query(&q);
//! assert_eq!(e.route, Route::NewClaim);
//! assert!(!e.appealable);
//!
//! // Unknown codes never fail.
//! assert_eq!(explain(None, Some("ZZ9"), &[]).kind, Kind::Unknown);
//! ```
//!
//! # Data and licensing
//!
//! The tables live in `crates/rules/data/*.tsv` and are compiled in (see [`tables`]). The
//! descriptions are our own short paraphrases: X12's official CARC/RARC texts are copyrighted,
//! so users who hold the official list can load it with
//! [`RuleSet::load_code_descriptions`] to display it instead. Retired codes are kept so old
//! remittances still explain. Any mapping can be changed from a TOML file with
//! [`RuleSet::with_overrides_toml`] (see [`overrides`]).
//!
//! # Layers
//!
//! * [`codes`]: value types ([`GroupCode`], [`Kind`], [`Category`], [`Class`], [`Route`]).
//! * [`tables`]: the static CARC, RARC and group-override tables, looked up by binary search.
//! * [`RuleSet`] / [`explain()`]: code-level classification (the [`explain`](mod@explain)
//!   module documents the steps).
//! * [`parse_code_arg`]: turns `"CO-16 N290"` and similar into a [`CodeQuery`].
//! * [`assess`] ([`denial`]): every claim of a typed 835 gets an [`Outcome`], every CAS triplet
//!   a classification, every [`Denial`] a [`CorrectionPlan`] ([`correct`]) and a [`Deadline`]
//!   from the [`PayerRules`] ([`payer`]).
//! * [`prioritize`] ([`priority`]): a 0–100 score with its reasons, using a batch-wide
//!   [`Recurrence`] count.
//!
//! ```
//! use chrono::NaiveDate;
//! use denali_rules::{Context, Outcome, assess};
//! use denali_x12::{Event, ParseOptions, Reader, remit};
//!
//! let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/835/basic.835"))?;
//! let ctx = Context::new(NaiveDate::from_ymd_opt(2025, 4, 1).unwrap());
//! let mut reader = Reader::from_slice(&bytes);
//! while let Some(event) = reader.next_event()? {
//!     if let Event::Transaction(tx) = event {
//!         let (rem, _diagnostics) = remit::parse_835(&tx, &ParseOptions::default());
//!         let assessment = assess(&rem, &ctx);
//!         assert_eq!(assessment.claims.len(), rem.claims.len());
//!         assert_eq!(assessment.outcome_counts()[&Outcome::Denied], 6);
//!     }
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![deny(missing_docs)]
#![forbid(unsafe_code)]
#![deny(rustdoc::broken_intra_doc_links)]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

mod args;
pub mod codes;
pub mod correct;
pub mod denial;
mod error;
pub mod explain;
pub mod overrides;
pub mod payer;
pub mod priority;
pub mod tables;

pub use args::{CodeQuery, parse_code_arg};
pub use codes::{Category, Class, CodeStatus, GroupCode, Kind, RarcScope, Route, normalize_code};
pub use correct::{Action, ClaimKind, CorrectionInput, CorrectionPlan, Proposal, plan};
pub use denial::{
    Assessment, Assessor, ClaimAssessment, ClassifiedAdjustment, Context, Denial, Level,
    MAX_REMARKS, Outcome, ReversalLinks, assess, assess_with_kind, detect,
};
pub use error::Error;
pub use explain::{Explanation, Remark, RuleSet};
pub use payer::{
    Deadline, DeadlineInput, DeadlineKind, PayerRule, PayerRules, PayerSettings, deadline,
    remit_date,
};
pub use priority::{Priority, Recurrence, format_dollars, prioritize, with_recurrence};
pub use tables::{CarcEntry, GroupOverride, RarcEntry};

/// Classifies one adjustment with the built-in rules; shorthand for
/// `RuleSet::default().explain(group, carc, rarcs)`. Never fails.
pub fn explain(group: Option<&str>, carc: Option<&str>, rarcs: &[&str]) -> Explanation {
    RuleSet::default().explain(group, carc, rarcs)
}
