//! Corrected 837 claims for the denials of 835 remittances: [`correct`].
//!
//! A clearinghouse or billing system calls [`correct`] with the 835s, the original 837s, the
//! user's [`Edits`] and the rules [`Context`]; it gets back the corrected 837 files (bytes), what
//! became of every denied claim, and a worklist of the claims a person must still handle. The
//! `denali correct` command only reads files and writes these out.
//!
//! # What happens to a denied claim
//!
//! Every claim of the 835s with at least one denial ([`denali_rules::assess`]) is accounted for
//! exactly once ([`Disposition`]):
//!
//! 1. **Match.** CLP01 = CLM01 among the 837 claims sent to the payer that denied it: their
//!    2010BB payer id is one of the 835's (N104, REF\*2U, TRN03) or their payer name is its
//!    N102 (an 837 that names no payer is kept as a candidate; when every candidate went to
//!    another payer, the claim is worklisted: "original 837 sent to another payer"). Voids,
//!    frequency 8, are never originals; with several candidates the one whose CLM02 equals CLP03,
//!    then the last in input order, with a note.
//!    Lines: REF\*6R = REF\*6R, else billed code (SVC06 when the payer recoded, else SVC01;
//!    `NU` codes are revenue codes) + service date + charge. No original → worklist ("original
//!    837 not found"). The denials are assessed again with the original's kind (837P/I/D) when
//!    the 835 alone suggested another.
//! 2. **Route.** Denials that send a claim (`corrected_claim`, `new_claim`, `void_and_new`,
//!    `bill_other_payer`) decide the claim's route, the strongest winning (void and new > bill
//!    other payer > new claim > replacement). A denial that needs a person (`appeal`, `review`,
//!    `reopening`) sends the whole claim to the worklist, and so does a claim with only
//!    `write_off`, `wait`, `bill_patient` or `no_action` denials: nothing to send. Pending claims
//!    (not final at the payer) and claims a later remittance of the same payer adjudicates again
//!    (denies, pays, reverses or pends; by payment date, then input order; within one
//!    remittance only a later denial, since a split claim's paid part shares its CLM01) are
//!    skipped, with the reason.
//! 3. **Values.** Each proposal of the rules with a value is applied (NM1\*74 member ID and name
//!    → 2010BA NM109/NM103/NM104, NM1\*PR → 2010BB, the payer's REF\*G1, the adjudicated code and
//!    modifiers when SVC06 shows a recode…). A proposal that needs a value a person knows must be
//!    answered by an edit at the same place (a claim-level 2300 REF or 2310x provider answers a
//!    line-level 2400 REF or 2420x need when the line has none of its own); otherwise the claim
//!    goes to the worklist with what is needed. For `bill_other_payer`, the COB loops
//!    2320/2330x/2430 belong to the later claim to this payer as secondary and are not asked for.
//!    The user's edits are applied after the proposals (they win). An edit that does not parse
//!    or cannot be applied keeps its claim off the files.
//! 4. **Frequency.** Replacement: CLM05-3 = 7 and 2300 REF\*F8 = CLP07 (or the edit of
//!    `2300 REF*F8`, which wins over CLP07). New claim and bill other payer: 1, no REF\*F8. Void
//!    and new: the original unchanged with 8 + REF\*F8, then the corrected claim with 1. The
//!    rules already turn a replacement into a new claim for a payer whose rules say
//!    `accepts_frequency_7_for_denied = false` when nothing was paid.
//! 5. **Files.** Written claims are grouped by submitter and receiver (ISA05-08, ISA15, GS02/03,
//!    version, 1000A/1000B ids) in first-seen order, one interchange and one transaction set per
//!    group, HL levels renumbered, BHT03/04/05 and ISA09/10, GS04/05 from
//!    [`CorrectOptions::now`], and fresh ISA13/GS06/ST02 from the caller's [`ControlNumbers`].
//!
//! ```
//! use chrono::NaiveDate;
//! use denali_emit::SequentialControlNumbers;
//! use denali_emit::correct::{CorrectOptions, Disposition, Edits, correct};
//! use denali_rules::Context;
//!
//! let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/correct/");
//! let remit = std::fs::read(format!("{dir}summit.835"))?;
//! let original = std::fs::read(format!("{dir}clinic-837p.837"))?;
//! let edits = Edits::from_toml(&std::fs::read_to_string(format!("{dir}edits.toml"))?)?;
//! let now = NaiveDate::from_ymd_opt(2025, 3, 20).unwrap().and_hms_opt(9, 30, 0).unwrap();
//! let ctx = Context::new(now.date());
//! let mut numbers = SequentialControlNumbers::starting_at(5001);
//! let out = correct(&[("summit.835", &remit)], &[("clinic-837p.837", &original)], &edits, &ctx,
//!                   &CorrectOptions::new(now), &mut numbers);
//! let c = out.claims.iter().find(|c| c.claim == "PCN7002").unwrap();
//! assert_eq!(c.disposition, Disposition::Written);
//! assert_eq!(c.written[0].frequency, '7');
//! assert_eq!(out.files.len(), 1);
//! assert!(String::from_utf8_lossy(&out.files[0].bytes).contains("NM1*IL*1*ROEBUCK*RICHARD****MI*W700000092~"));
//! assert_eq!(out.counts().denied_claims, out.counts().written + out.counts().worklisted + out.counts().skipped);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod appeal;
mod apply;
mod edits;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;

use chrono::{NaiveDate, NaiveDateTime};
use denali_rules::{
    Action, Assessment, ClaimAssessment, Context, Deadline, Denial, Outcome, Proposal, Route,
    assess, assess_with_kind,
};
use denali_x12::claim::{
    Claim837Set, ClaimKind, ClaimWithContext, FrequencyCode, Loop, LoopId, OwnedSegment,
};
use denali_x12::remit::{ClaimPayment, Remittance, ServicePayment};
use denali_x12::{Delimiters, Diagnostic, Event, ParseOptions, Reader, Severity};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::document::{Document, Transaction};
use crate::envelope::{Envelope, write_claims};
use crate::writer::{ControlNumbers, WriteOptions};

pub use appeal::AppealLetter;
use apply::{Loc, apply, incomplete_composites, incomplete_name, line_end, line_has};
pub use edits::{Edit, Edits, EditsError, Field, parse_loop};

/// How [`correct`] writes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CorrectOptions {
    /// The date and time written into ISA09/10, GS04/05 and BHT04/05.
    pub now: NaiveDateTime,
    /// Delimiters and line breaks of the files written (default: as in the originals).
    pub write: WriteOptions,
    /// How the inputs are read.
    pub parse: ParseOptions,
    /// BHT03 of each file is this prefix followed by the file's sequence number (4 digits).
    pub batch_prefix: String,
}

impl CorrectOptions {
    /// Default options with this date and time: original delimiters and line breaks (without
    /// indentation or padding between segments, which validators reject), BHT03 `DENALI0001`…
    pub fn new(now: NaiveDateTime) -> CorrectOptions {
        CorrectOptions {
            now,
            write: WriteOptions {
                line_ending: crate::writer::LineEnding::Breaks,
                ..WriteOptions::default()
            },
            parse: ParseOptions::default(),
            batch_prefix: "DENALI".to_string(),
        }
    }
}

/// What became of a denied claim.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Disposition {
    /// Corrected claim(s) written to a file.
    Written,
    /// Listed in the worklist: a person must act or supply a value.
    Worklisted,
    /// Not handled, with the reason (pending at the payer, superseded by a later remittance).
    Skipped,
}

impl Disposition {
    /// The snake_case name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Disposition::Written => "written",
            Disposition::Worklisted => "worklisted",
            Disposition::Skipped => "skipped",
        }
    }
}

/// Where a change's value came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// The 835 (NM1\*74, NM1\*PR, REF\*G1, SVC01…) through the rules' proposals.
    Remittance,
    /// The user's edits file.
    Edit,
    /// The route: frequency code and REF\*F8.
    Route,
}

/// One element changed on a written claim.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change {
    /// Where: `2010BA NM1 09`, `2400[2] SV1 01-4`, `2300 REF*G1 02`.
    pub field: String,
    /// The value before (`None`: absent).
    pub old: Option<String>,
    /// The value after (`None`: removed).
    pub new: Option<String>,
    /// Where the value came from.
    pub source: Source,
}

/// One claim written to a file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WrittenClaim {
    /// CLM05-3: `7` replacement, `8` void, `1` new original.
    pub frequency: char,
    /// 2300 REF\*F8, for 7 and 8.
    pub original_reference: Option<String>,
    /// The name of the file it is in ([`CorrectedFile::name`]).
    pub file: String,
}

/// What became of one denied claim of the 835s.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClaimOutcome {
    /// CLP01 = CLM01.
    pub claim: String,
    /// The 835 file it was denied in.
    pub remit: String,
    /// The payer's id in the 835.
    pub payer_id: Option<String>,
    /// The payer's name in the 835.
    pub payer_name: Option<String>,
    /// CLP07, the payer's claim control number.
    pub payer_claim_number: Option<String>,
    /// The 837 file the original claim was found in.
    pub claims_file: Option<String>,
    /// The claim's outcome at the payer (denied, partially denied…).
    pub outcome: Outcome,
    /// The denied amount.
    pub denied_amount: Decimal,
    /// Group-CARC and RARCs of the denials: `CO-197 M62; CO-50 N115`.
    pub codes: String,
    /// The claim's route.
    pub route: Route,
    /// Written, worklisted or skipped.
    pub disposition: Disposition,
    /// Why it was worklisted or skipped; for a written claim, what was done.
    pub reason: String,
    /// What a person must supply or do (worklisted claims).
    pub needed: Vec<String>,
    /// The claims written (two for void and new).
    pub written: Vec<WrittenClaim>,
    /// The elements changed on the written claim.
    pub changes: Vec<Change>,
    /// The nearest deadline among the claim's denials.
    pub deadline: Option<Deadline>,
    /// Other remarks (which original was chosen, deferred COB values…).
    pub notes: Vec<String>,
}

/// A corrected 837 file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CorrectedFile {
    /// A file name: `corrected-837P-0001.x12`.
    pub name: String,
    /// The kind of the claims in it.
    pub kind: Option<ClaimKind>,
    /// ISA06 (trimmed).
    pub sender: String,
    /// ISA08 (trimmed).
    pub receiver: String,
    /// The claims in it, in order: CLM01 and frequency (`PCN7009/8`).
    pub claims: Vec<String>,
    /// The file's bytes.
    pub bytes: Vec<u8>,
}

/// One line of the worklist: a claim a person must handle.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WorklistEntry {
    /// CLP01.
    pub claim: String,
    /// The payer's id in the 835.
    pub payer_id: Option<String>,
    /// The payer's name.
    pub payer_name: Option<String>,
    /// CLP07.
    pub payer_claim_number: Option<String>,
    /// The 835 file.
    pub remit: String,
    /// Group-CARC and RARCs.
    pub codes: String,
    /// The denied amount.
    pub denied_amount: Decimal,
    /// The claim's route.
    pub route: Route,
    /// The nearest deadline.
    pub deadline: Option<NaiveDate>,
    /// What the deadline is for (`timely_filing`, `appeal`…).
    pub deadline_kind: Option<String>,
    /// What is needed, `; `-separated.
    pub needed: String,
}

/// A file that could not be read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InputError {
    /// The file's name as given.
    pub file: String,
    /// What went wrong.
    pub message: String,
}

/// Totals of a run.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// 835 transaction sets read.
    pub remittances: usize,
    /// Claims in the 835s.
    pub remit_claims: usize,
    /// Claims with at least one denial.
    pub denied_claims: usize,
    /// Denied claims written.
    pub written: usize,
    /// Denied claims in the worklist.
    pub worklisted: usize,
    /// Denied claims skipped.
    pub skipped: usize,
    /// Files written.
    pub files: usize,
    /// Claims in the files (a void and its new claim count two).
    pub claims_in_files: usize,
    /// Denied claims by route.
    pub by_route: BTreeMap<Route, usize>,
}

/// Everything [`correct`] produced.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CorrectOutcome {
    /// One per denied claim, in 835 order.
    pub claims: Vec<ClaimOutcome>,
    /// The corrected 837 files.
    pub files: Vec<CorrectedFile>,
    /// A draft appeal for each worklisted claim routed `appeal`, in claim order.
    pub appeals: Vec<AppealLetter>,
    /// Inputs that could not be read (the others were still processed).
    pub input_errors: Vec<InputError>,
    /// Edits that do not parse or name a claim that is not denied, and inputs read with errors.
    pub warnings: Vec<String>,
    /// 835 transaction sets and claims read.
    remittances: usize,
    remit_claims: usize,
}

impl CorrectOutcome {
    /// Totals.
    pub fn counts(&self) -> Counts {
        let mut c = Counts {
            remittances: self.remittances,
            remit_claims: self.remit_claims,
            denied_claims: self.claims.len(),
            files: self.files.len(),
            claims_in_files: self.files.iter().map(|f| f.claims.len()).sum(),
            ..Counts::default()
        };
        for o in &self.claims {
            match o.disposition {
                Disposition::Written => c.written += 1,
                Disposition::Worklisted => c.worklisted += 1,
                Disposition::Skipped => c.skipped += 1,
            }
            *c.by_route.entry(o.route).or_insert(0) += 1;
        }
        c
    }

    /// The worklist: every worklisted claim, in 835 order.
    pub fn worklist(&self) -> Vec<WorklistEntry> {
        self.claims
            .iter()
            .filter(|c| c.disposition == Disposition::Worklisted)
            .map(|c| WorklistEntry {
                claim: c.claim.clone(),
                payer_id: c.payer_id.clone(),
                payer_name: c.payer_name.clone(),
                payer_claim_number: c.payer_claim_number.clone(),
                remit: c.remit.clone(),
                codes: c.codes.clone(),
                denied_amount: c.denied_amount,
                route: c.route,
                deadline: c.deadline.map(|d| d.date),
                deadline_kind: c.deadline.map(|d| d.kind.as_str().to_string()),
                needed: c.needed.join("; "),
            })
            .collect()
    }

    /// The worklist as CSV with a header row (`claim,payer_id,payer_name,payer_claim_number,
    /// remit,codes,denied_amount,route,deadline,deadline_kind,needed`).
    pub fn worklist_csv(&self) -> String {
        let mut out = String::from(
            "claim,payer_id,payer_name,payer_claim_number,remit,codes,denied_amount,route,deadline,deadline_kind,needed\n",
        );
        for w in self.worklist() {
            let fields = [
                w.claim,
                w.payer_id.unwrap_or_default(),
                w.payer_name.unwrap_or_default(),
                w.payer_claim_number.unwrap_or_default(),
                w.remit,
                w.codes,
                w.denied_amount.to_string(),
                w.route.as_str().to_string(),
                w.deadline.map(|d| d.to_string()).unwrap_or_default(),
                w.deadline_kind.unwrap_or_default(),
                w.needed,
            ];
            let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
            out.push_str(&line.join(","));
            out.push('\n');
        }
        out
    }

    /// Every denied claim and what became of it, as CSV with a header row (`claim,remit,
    /// payer_id,codes,denied_amount,route,disposition,frequencies,original_reference,file,
    /// changes,reason`): `frequencies` is `7`, `8+1`…, `changes` lists `field=value` pairs.
    pub fn claims_csv(&self) -> String {
        let mut out = String::from(
            "claim,remit,payer_id,codes,denied_amount,route,disposition,frequencies,original_reference,file,changes,reason\n",
        );
        for c in &self.claims {
            let freqs: Vec<String> = c.written.iter().map(|w| w.frequency.to_string()).collect();
            let refs: Vec<&str> = c
                .written
                .iter()
                .filter_map(|w| w.original_reference.as_deref())
                .collect();
            let mut files: Vec<&str> = c.written.iter().map(|w| w.file.as_str()).collect();
            files.dedup();
            let changes: Vec<String> = c
                .changes
                .iter()
                .map(|ch| format!("{}={}", ch.field, ch.new.as_deref().unwrap_or("")))
                .collect();
            let mut reason = match c.needed.first() {
                None => c.reason.clone(),
                Some(first) if first.starts_with(&c.reason) => c.needed.join("; "),
                Some(_) => format!("{}: {}", c.reason, c.needed.join("; ")),
            };
            for n in &c.notes {
                reason.push_str("; note: ");
                reason.push_str(n);
            }
            let fields = [
                c.claim.clone(),
                c.remit.clone(),
                c.payer_id.clone().unwrap_or_default(),
                c.codes.clone(),
                c.denied_amount.to_string(),
                c.route.as_str().to_string(),
                c.disposition.as_str().to_string(),
                freqs.join("+"),
                refs.join("+"),
                files.join("+"),
                changes.join("; "),
                reason,
            ];
            let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
            out.push_str(&line.join(","));
            out.push('\n');
        }
        out
    }

    /// The worklist as a JSON array of [`WorklistEntry`] objects.
    pub fn worklist_json(&self) -> String {
        serde_json::to_string_pretty(&self.worklist()).unwrap_or_else(|_| "[]".to_string())
    }

    /// Whether an input could not be read ([`CorrectOutcome::input_errors`]).
    pub fn failed(&self) -> bool {
        !self.input_errors.is_empty()
    }
}

fn csv_field(s: &str) -> String {
    let s = &*denali_x12::value::spreadsheet_safe(s);
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

// ------------------------------------------------------------------------------------------
// inputs

/// One 835 transaction set with its assessments.
struct RemitTx {
    file: usize,
    rem: Remittance,
    assessed: Assessment,
    by_kind: HashMap<denali_rules::ClaimKind, Assessment>,
    /// The set was read with errors (an amount that is not a number, a set cut short): what
    /// it says of a claim may be incomplete or wrong, so no claim is corrected from it.
    damaged: bool,
}

/// An 837 claim that a denial may point at.
struct Original {
    file: usize,
    claim: ClaimWithContext,
    envelope: Option<Envelope>,
    /// Its transaction set was read with errors (cut short, a segment out of place, a count
    /// that disagrees): what a replacement would carry may be missing or wrong.
    damaged: bool,
}

/// Whether an error of the read lies in `set`: from its ST to its SE, or after its last
/// segment when the input ended before SE (a file cut short).
fn set_damaged(set: &Claim837Set, errors: &[&Diagnostic]) -> bool {
    if errors.is_empty() {
        return false;
    }
    let Some(first) = set.st().map(|s| s.position().segment_index) else {
        return true;
    };
    let count = u32::try_from(set.segment_count()).unwrap_or(u32::MAX);
    let last = first.saturating_add(count.saturating_sub(1));
    let ended_early = set.trailer().first("SE").is_none();
    errors.iter().any(|d| {
        let at = d.position.segment_index;
        at == 0 || (first..=last).contains(&at) || (ended_early && at > last)
    })
}

fn read_remits(
    remits: &[(&str, &[u8])],
    ctx: &Context,
    opts: &CorrectOptions,
    out: &mut CorrectOutcome,
) -> Vec<RemitTx> {
    let mut txs = Vec::new();
    for (fi, (name, bytes)) in remits.iter().enumerate() {
        let mut reader = Reader::from_slice_with(bytes, opts.parse.clone());
        let mut found = false;
        // Envelope errors (a set cut short, a count that disagrees) are the reader's; the
        // ones that come with a set damage it, and one at the end of the input (no SE) the
        // last set read.
        let mut seen = 0;
        let mut envelope_errors = |diags: &[Diagnostic]| -> usize {
            let total = diags
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .count();
            let new = total.saturating_sub(seen);
            seen = total;
            new
        };
        loop {
            match reader.next_event() {
                Ok(Some(Event::Transaction(tx))) => {
                    if tx.set_id != "835" {
                        out.warnings.push(format!(
                            "{name}: transaction set {} is not an 835; ignored",
                            tx.set_id
                        ));
                        continue;
                    }
                    found = true;
                    let (rem, diags) = denali_x12::remit::parse_835(&tx, &opts.parse);
                    let control = tx.control_number.to_string();
                    let errors = diags
                        .iter()
                        .filter(|d| d.severity == Severity::Error)
                        .count()
                        + envelope_errors(reader.diagnostics());
                    if errors > 0 {
                        out.input_errors.push(InputError {
                            file: name.to_string(),
                            message: format!(
                                "835 {control} read with {errors} error(s); its denied claims are worklisted, not corrected (`denali validate` lists the errors)"
                            ),
                        });
                    }
                    let assessed = assess(&rem, ctx);
                    txs.push(RemitTx {
                        file: fi,
                        rem,
                        assessed,
                        by_kind: HashMap::new(),
                        damaged: errors > 0,
                    });
                }
                Ok(Some(_)) => {
                    let errors = envelope_errors(reader.diagnostics());
                    if errors > 0 {
                        out.input_errors.push(InputError {
                            file: name.to_string(),
                            message: format!(
                                "{errors} envelope error(s) (`denali validate` lists them)"
                            ),
                        });
                    }
                }
                Ok(None) => {
                    let errors = envelope_errors(reader.diagnostics());
                    if errors > 0 {
                        if let Some(t) = txs.last_mut().filter(|t| t.file == fi) {
                            t.damaged = true;
                        }
                        out.input_errors.push(InputError {
                            file: name.to_string(),
                            message: format!(
                                "{errors} error(s) at the end of the input (cut short?); the claims of its last 835 are worklisted, not corrected (`denali validate` lists the errors)"
                            ),
                        });
                    }
                    break;
                }
                Err(e) => {
                    out.input_errors.push(InputError {
                        file: name.to_string(),
                        message: e.to_string(),
                    });
                    found = true;
                    break;
                }
            }
        }
        if !found {
            out.input_errors.push(InputError {
                file: name.to_string(),
                message: "no 835 transaction set".to_string(),
            });
        }
    }
    txs
}

fn read_originals(
    claims: &[(&str, &[u8])],
    wanted: &HashSet<String>,
    opts: &CorrectOptions,
    out: &mut CorrectOutcome,
) -> HashMap<String, Vec<Original>> {
    let mut found: HashMap<String, Vec<Original>> = HashMap::new();
    for (fi, (name, bytes)) in claims.iter().enumerate() {
        let (doc, diags) = match Document::parse_with(bytes, &opts.parse) {
            Ok(x) => x,
            Err(e) => {
                out.input_errors.push(InputError {
                    file: name.to_string(),
                    message: e.to_string(),
                });
                continue;
            }
        };
        let errors: Vec<&Diagnostic> = diags
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .collect();
        if !errors.is_empty() {
            out.input_errors.push(InputError {
                file: name.to_string(),
                message: format!(
                    "read with {} error(s); claims of the damaged transaction sets are worklisted, not corrected (`denali validate` lists the errors)",
                    errors.len()
                ),
            });
        }
        if doc.claim_sets().next().is_none() {
            out.input_errors.push(InputError {
                file: name.to_string(),
                message: "no 837 transaction set".to_string(),
            });
            continue;
        }
        for ic in &doc.interchanges {
            for g in &ic.groups {
                let envelope = match (&ic.isa, &g.gs) {
                    (Some(isa), Some(gs)) => Some(Envelope {
                        isa: isa.clone(),
                        gs: gs.clone(),
                    }),
                    _ => None,
                };
                for set in g.sets.iter().filter_map(Transaction::as_claim) {
                    let damaged = set_damaged(set, &errors);
                    for c in set.claims() {
                        let Some(pcn) = c.patient_control_number().filter(|p| wanted.contains(*p))
                        else {
                            continue;
                        };
                        let Some(cwc) = c.location().and_then(|r| set.claim_with_context(r)) else {
                            continue;
                        };
                        found.entry(pcn.to_string()).or_default().push(Original {
                            file: fi,
                            claim: cwc,
                            envelope: envelope.clone(),
                            damaged,
                        });
                    }
                }
            }
        }
    }
    found
}

/// How the 835's payer compares with the payer an 837 was sent to (its 2010BB NM1*PR).
#[derive(Clone, Copy, PartialEq, Eq)]
enum PayerMatch {
    /// The 837's payer id is one of the 835's (N104, REF*2U, TRN03), or its name is the 835's.
    Same,
    /// The 837 names no payer id and no payer name, or the 835 none to compare with.
    Unknown,
    /// Both sides name the payer, and neither its id nor its name agrees.
    Other,
}

/// The characters of `s` that `keep` keeps, upper case.
fn kept_upper(s: &str, keep: fn(&char) -> bool) -> String {
    s.chars()
        .filter(keep)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Letters and digits only, upper case: `Summit Health-Plan` and `SUMMIT HEALTH PLAN` agree.
fn payer_word(s: &str) -> String {
    kept_upper(s, char::is_ascii_alphanumeric)
}

/// The 835's payer as an 837's 2010BB can name it: its ids (N104, each REF*2U, TRN03) and its
/// name (N102), each as [`payer_word`].
struct RemitPayer {
    ids: Vec<String>,
    name: String,
}

impl RemitPayer {
    fn of(rem: &Remittance) -> RemitPayer {
        let p = &rem.payer;
        let ids =
            p.id.iter()
                .map(|t| t.as_str())
                .chain(
                    p.references
                        .iter()
                        .filter(|r| r.qualifier == "2U")
                        .map(|r| r.value.as_str()),
                )
                .chain(rem.payment.originator_id.as_deref())
                .map(payer_word)
                .filter(|w| !w.is_empty())
                .collect();
        RemitPayer {
            ids,
            name: p.name.as_deref().map(payer_word).unwrap_or_default(),
        }
    }

    /// Whether `o` was sent to this payer. Payer ids come from different lists (the payer's
    /// own, a clearinghouse's), so an id or a name that agrees is enough; a claim is another
    /// payer's only when both sides give an id or a name and nothing agrees.
    fn matches(&self, o: &Original) -> PayerMatch {
        let view = o.claim.view();
        let Some(payer) = view.subscriber().and_then(|s| s.payer()) else {
            return PayerMatch::Unknown;
        };
        let id = payer.id().map(payer_word).unwrap_or_default();
        let name = payer.name().map(payer_word).unwrap_or_default();
        let id_known = !id.is_empty() && !self.ids.is_empty();
        let name_known = !name.is_empty() && !self.name.is_empty();
        if (id_known && self.ids.contains(&id)) || (name_known && name == self.name) {
            PayerMatch::Same
        } else if id_known || name_known {
            PayerMatch::Other
        } else {
            PayerMatch::Unknown
        }
    }
}

/// What [`choose`] found for an 835 claim.
enum Choice<'o> {
    /// The original to correct, and how it fits the 835 claim (its line map included).
    Found(&'o Original, Fit),
    /// No 837 claim has its CLM01 (voids aside).
    Missing,
    /// Every 837 claim with its CLM01 was sent to another payer: the payer named (NM103, else
    /// NM109) of the last one read.
    OtherPayer(String),
    /// Every 837 claim with its CLM01 (sent to this payer) is another claim: its charge, its
    /// service lines and its patient disagree with the 835's. What the last one read was.
    Mismatch(String),
}

/// Letters only, upper case, for comparing names: `O'Brien` and `OBRIEN` agree.
fn name_word(s: &str) -> String {
    kept_upper(s, char::is_ascii_alphabetic)
}

/// How an 837 claim with the 835 claim's CLM01 agrees with it on what CLM01 does not say:
/// the patient, the charge and the services. CLM01 is often the patient's account number, so
/// two visits (or two patients, at a practice that numbers accounts per family) can share it.
struct Fit {
    /// The 835's patient last name (NM1*QC, or NM1*74's correction) is the 837 patient's
    /// (2010CA, else 2010BA); `None` when either side gives none.
    same_patient: Option<bool>,
    /// CLM02 = CLP03.
    same_charge: bool,
    /// For each of the 835's service lines, its 837 line ([`match_lines`]).
    line_map: Vec<Option<usize>>,
}

impl Fit {
    fn of(o: &Original, cp: &ClaimPayment) -> Fit {
        let view = o.claim.view();
        let theirs = view
            .patient()
            .and_then(|p| p.name())
            .or_else(|| view.subscriber().and_then(|s| s.name()))
            .and_then(|n| n.name())
            .map(name_word)
            .filter(|w| !w.is_empty());
        let ours: Vec<String> = [cp.patient.as_deref(), cp.corrected_insured.as_deref()]
            .into_iter()
            .flatten()
            .filter_map(|n| n.last.as_deref())
            .map(name_word)
            .filter(|w| !w.is_empty())
            .collect();
        let same_patient = match theirs {
            Some(t) if !ours.is_empty() => Some(ours.contains(&t)),
            _ => None,
        };
        Fit {
            same_patient,
            same_charge: view.total_charge() == Some(cp.total_charge),
            line_map: match_lines(cp, &o.claim),
        }
    }

    /// How many of the 835's service lines have their 837 line.
    fn lines_matched(&self) -> usize {
        self.line_map.iter().flatten().count()
    }

    /// Nothing corroborates the match and something contradicts it: another charge, and no
    /// service line in common (or, for a claim paid without lines, another patient).
    fn is_other_claim(&self) -> bool {
        !self.same_charge
            && self.lines_matched() == 0
            && (!self.line_map.is_empty() || self.same_patient == Some(false))
    }

    /// Better fits sort higher: the patient first, then the lines, then the charge.
    fn rank(&self) -> (bool, usize, bool) {
        (
            self.same_patient != Some(false),
            self.lines_matched(),
            self.same_charge,
        )
    }

    fn describe(&self) -> String {
        let mut parts = Vec::new();
        if !self.same_charge {
            parts.push("a different charge".to_string());
        }
        if !self.line_map.is_empty() {
            parts.push(format!(
                "{} of the 835's {} service lines",
                self.lines_matched(),
                self.line_map.len()
            ));
        }
        if self.same_patient == Some(false) {
            parts.push("another patient".to_string());
        }
        parts.join(", ")
    }
}

/// How many 837 claims with one CLM01 [`choose`] compares with an 835 claim (the last read).
const MAX_CANDIDATES: usize = 64;

/// The original for an 835 claim: no voids; one sent to the 835's payer (a claim that went to
/// the primary and then the secondary payer has one CLM01 and two 837s); one that is this
/// claim by its patient, lines and charge ([`Fit`]), the best fit; among equal fits the last
/// in input order (a later replacement of the same claim).
fn choose<'o>(
    candidates: &'o [Original],
    cp: &ClaimPayment,
    payer: &RemitPayer,
    notes: &mut Vec<String>,
) -> Choice<'o> {
    let not_void: Vec<(&Original, PayerMatch)> = candidates
        .iter()
        .filter(|o| o.claim.view().frequency_code() != Some(FrequencyCode::VOID))
        .map(|o| (o, payer.matches(o)))
        .collect();
    let of = |m: PayerMatch| -> Vec<&Original> {
        not_void
            .iter()
            .filter(|(_, pm)| *pm == m)
            .map(|(o, _)| *o)
            .collect()
    };
    let mut usable = of(PayerMatch::Same);
    if usable.is_empty() {
        usable = of(PayerMatch::Unknown);
    }
    if usable.is_empty() {
        let Some((last, _)) = not_void.last() else {
            return Choice::Missing;
        };
        let named = last
            .claim
            .view()
            .subscriber()
            .and_then(|s| s.payer())
            .and_then(|p| p.name().or(p.id()).map(str::to_string))
            .unwrap_or_default();
        return Choice::OtherPayer(named);
    }
    // The latest candidates only: a CLM01 repeated thousands of times (hostile, or a file of
    // test claims) must not make every denial of it compare every one.
    let skip = usable.len().saturating_sub(MAX_CANDIDATES);
    if skip > 0 {
        notes.push(format!(
            "{} 837 claims have CLM01 {}; only the last {MAX_CANDIDATES} read were compared",
            usable.len(),
            cp.patient_control_number
        ));
    }
    let mut fits: Vec<(&Original, Fit)> = usable
        .iter()
        .skip(skip)
        .map(|o| (*o, Fit::of(o, cp)))
        .collect();
    let compared = fits.len();
    let mismatch = fits.last().map(|(_, f)| f.describe()).unwrap_or_default();
    fits.retain(|(_, f)| !f.is_other_claim());
    let Some(best) = fits.iter().map(|(_, f)| f.rank()).max() else {
        return Choice::Mismatch(mismatch);
    };
    fits.retain(|(_, f)| f.rank() == best);
    let ties = fits.len();
    let Some((found, fit)) = fits.pop() else {
        return Choice::Mismatch(mismatch);
    };
    if ties > 1 {
        notes.push(format!(
            "{ties} 837 claims with CLM01 {} fit the remittance equally; the last one read was used",
            cp.patient_control_number
        ));
    } else if compared > 1 {
        notes.push(format!(
            "{compared} 837 claims have CLM01 {}; the one that fits the remittance best was used",
            cp.patient_control_number
        ));
    }
    if !fit.same_charge {
        notes.push("the original's CLM02 differs from the 835's CLP03".to_string());
    }
    Choice::Found(found, fit)
}

// ------------------------------------------------------------------------------------------
// lines

/// For each 835 service line, the index of its 837 line: REF*6R, else code + date + charge.
fn match_lines(cp: &ClaimPayment, claim: &ClaimWithContext) -> Vec<Option<usize>> {
    let view = claim.view();
    let lines: Vec<_> = view.lines().collect();
    let claim_date = view
        .date("434")
        .or_else(|| view.date("472"))
        .map(|d| d.start);
    let mut used = vec![false; lines.len()];
    let mut out: Vec<Option<usize>> = vec![None; cp.service_lines.len()];
    let take = |i: usize, j: usize, out: &mut Vec<Option<usize>>, used: &mut Vec<bool>| {
        if let (Some(o), Some(u)) = (out.get_mut(i), used.get_mut(j)) {
            *o = Some(j);
            *u = true;
        }
    };
    for (i, sl) in cp.service_lines.iter().enumerate() {
        let Some(cn) = sl
            .control_number
            .as_deref()
            .filter(|s| !s.trim().is_empty())
        else {
            continue;
        };
        let hit = lines.iter().enumerate().find(|(j, l)| {
            !used.get(*j).copied().unwrap_or(true) && l.control_number() == Some(cn)
        });
        if let Some((j, _)) = hit {
            take(i, j, &mut out, &mut used);
        }
    }
    let matched: Vec<bool> = (0..cp.service_lines.len())
        .map(|i| matches!(out.get(i), Some(Some(_))))
        .collect();
    for (i, sl) in cp.service_lines.iter().enumerate() {
        if matched.get(i).copied().unwrap_or(true) {
            continue;
        }
        let hit = lines.iter().enumerate().find(|(j, l)| {
            !used.get(*j).copied().unwrap_or(true) && same_service(sl, l, claim_date)
        });
        if let Some((j, _)) = hit {
            take(i, j, &mut out, &mut used);
        }
    }
    out
}

fn same_service(
    sl: &ServicePayment,
    l: &denali_x12::claim::ServiceLine<'_>,
    claim_date: Option<NaiveDate>,
) -> bool {
    let billed = sl.submitted_procedure.as_ref().unwrap_or(&sl.procedure);
    let code_ok = if billed.qualifier == "NU" {
        l.revenue_code() == Some(billed.code.as_str())
    } else {
        l.procedure()
            .is_some_and(|p| p.code == billed.code.as_str())
            && sl
                .revenue_code
                .as_deref()
                .is_none_or(|r| l.revenue_code().is_none_or(|lr| lr == r))
    };
    let charge_ok = l.charge() == Some(sl.charge);
    let date_ok = match (
        sl.service_date(),
        l.service_date().map(|d| d.start).or(claim_date),
    ) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    };
    code_ok && charge_ok && date_ok
}

fn describe_line(sl: Option<&ServicePayment>) -> String {
    match sl {
        Some(sl) => {
            let date = sl
                .service_date()
                .map(|d| format!(" on {d}"))
                .unwrap_or_default();
            format!("{} {}{date}", sl.procedure.code, sl.charge)
        }
        None => "?".to_string(),
    }
}

// ------------------------------------------------------------------------------------------
// routes

/// `o` put on the worklist for `reason`: `first` says what is needed, then what each denial
/// needs.
fn worklisted(
    mut o: ClaimOutcome,
    reason: &str,
    first: String,
    denials: &[Denial],
) -> ClaimOutcome {
    o.disposition = Disposition::Worklisted;
    o.reason = reason.to_string();
    o.needed = vec![first];
    o.needed.extend(summaries(denials, |_| true));
    o
}

fn resubmits(r: Route) -> bool {
    matches!(
        r,
        Route::CorrectedClaim | Route::NewClaim | Route::VoidAndNew | Route::BillOtherPayer
    )
}

fn needs_person(r: Route) -> bool {
    matches!(r, Route::Appeal | Route::Review | Route::Reopening)
}

fn strength(r: Route) -> u8 {
    match r {
        Route::VoidAndNew => 4,
        Route::BillOtherPayer => 3,
        Route::NewClaim => 2,
        Route::CorrectedClaim => 1,
        _ => 0,
    }
}

/// The route of the largest denial among those `pick` accepts.
fn largest(denials: &[Denial], pick: impl Fn(Route) -> bool) -> Option<Route> {
    denials
        .iter()
        .filter(|d| pick(d.corrections.route))
        .max_by(|a, b| a.amount.cmp(&b.amount))
        .map(|d| d.corrections.route)
}

/// A denial's group and CARC (`CO-197`), or `CLP02-4` for a claim denied with no adjustment.
fn adjustment_code(d: &Denial) -> String {
    if d.carc.is_empty() {
        "CLP02-4".to_string()
    } else {
        format!("{}-{}", d.group.as_str(), d.carc)
    }
}

fn codes(denials: &[Denial]) -> String {
    let mut seen: Vec<String> = Vec::new();
    for d in denials {
        let mut s = adjustment_code(d);
        for r in &d.rarcs {
            s.push(' ');
            s.push_str(r);
        }
        if !seen.contains(&s) {
            seen.push(s);
        }
    }
    seen.join("; ")
}

fn summaries(denials: &[Denial], pick: impl Fn(Route) -> bool) -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    for d in denials.iter().filter(|d| pick(d.corrections.route)) {
        if !v.contains(&d.corrections.summary) {
            v.push(d.corrections.summary.clone());
        }
    }
    v
}

/// Proposals the route itself takes care of (frequency and REF*F8).
fn is_frame(p: &Proposal) -> bool {
    (p.segment == "CLM" && p.element == "05-3")
        || (p.segment == "REF" && p.qualifier.as_deref() == Some("F8"))
}

fn parse_element(s: &str) -> Option<(usize, Option<usize>)> {
    let (e, c) = match s.split_once('-') {
        Some((e, c)) => (e, Some(c)),
        None => (s, None),
    };
    let e: usize = e.parse().ok().filter(|n| *n >= 1)?;
    let c = match c {
        Some(c) => Some(c.parse::<usize>().ok().filter(|n| *n >= 1)?),
        None => None,
    };
    Some((e, c))
}

fn is_service_segment(s: &str) -> bool {
    matches!(s, "SV1" | "SV2" | "SV3")
}

/// Whether an edit answers a proposal's need.
fn answers(edit: &Field, need: &Loc, claim: &ClaimWithContext) -> bool {
    let same_place = edit.segment == need.segment
        && edit.element == need.element
        && match (edit.component, need.component) {
            (a, b) if a == b => true,
            (Some(a), Some(b)) => is_service_segment(&need.segment) && a >= 3 && b >= 3,
            (Some(_), None) => true,
            _ => false,
        }
        && match (&edit.qualifier, &need.qualifier) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        };
    if !same_place {
        return false;
    }
    let edit_line = edit.line.map(|n| n.saturating_sub(1));
    if edit.loop_id == need.loop_id {
        return match (edit_line, need.line) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        };
    }
    // A name NM1*74 gives on a dependant's claim is asked for at the patient (2010CA); the
    // person may find it is the subscriber's (2010BA).
    if need.loop_id == LoopId::L2010CA && need.segment == "NM1" && edit.loop_id == LoopId::L2010BA {
        return true;
    }
    // A claim-level value covers a line that has none of its own.
    let counterpart = match need.loop_id {
        LoopId::L2400 => Some(LoopId::L2300),
        LoopId::L2420(_) => need
            .qualifier
            .as_deref()
            .and_then(|q| LoopId::provider_loop(LoopId::L2300, claim.kind, q.as_bytes())),
        _ => None,
    };
    counterpart == Some(edit.loop_id)
        && match need.line {
            Some(line) => !line_has(
                claim,
                line,
                need.loop_id,
                &need.segment,
                need.qualifier.as_deref(),
            ),
            None => true,
        }
}

/// A proposal's qualifier made explicit for provider loops (2420A NM1 → NM1*82).
fn loc_of(p: &Proposal, loop_id: LoopId, line: Option<usize>) -> Option<Loc> {
    let (element, component) = parse_element(&p.element)?;
    Some(Loc {
        loop_id,
        line,
        segment: p.segment.clone(),
        qualifier: p.qualifier.clone(),
        element,
        component,
    })
}

/// What [`decide`] concluded for one claim.
struct Built {
    route: Route,
    /// The claims to write (void first for void and new).
    claims: Vec<(ClaimWithContext, char, Option<String>)>,
    changes: Vec<Change>,
    notes: Vec<String>,
}

enum Decision {
    Write(Built),
    Worklist {
        route: Route,
        reason: String,
        needed: Vec<String>,
        notes: Vec<String>,
    },
}

struct ClaimInput<'a> {
    cp: &'a ClaimPayment,
    ca: &'a ClaimAssessment,
    original: &'a Original,
    /// For each of the 835's service lines, its line in the original ([`Fit::line_map`]).
    line_map: Vec<Option<usize>>,
    edits: Vec<&'a Edit>,
}

/// When the payer split the claim (MA15 in MOA/MIA, or another claim of the remittance with
/// this CLM01 and another ICN) and some of the original's service lines are not this part's:
/// why a claim built from the whole original cannot go out. A replacement or a void acts on
/// everything under the ICN it names, and a new claim bills every line it carries, so the
/// lines paid under the other ICN would be billed again.
fn split_apart(cp: &ClaimPayment, orig: &Original, fit: &Fit, rem: &Remittance) -> Option<String> {
    if cp.service_lines.is_empty() {
        return None;
    }
    let flagged = cp.remarks.iter().any(|r| r.code.as_str() == "MA15");
    let sibling = rem.claims.iter().any(|other| {
        other.patient_control_number == cp.patient_control_number
            && other.payer_claim_control_number != cp.payer_claim_control_number
    });
    if !flagged && !sibling {
        return None;
    }
    let lines = orig.claim.view().lines().count();
    let matched = fit.lines_matched();
    if matched >= lines {
        return None;
    }
    Some(format!(
        "split claim: the payer adjudicated {} of the original's {lines} service lines under ICN {}, the rest under another; a claim built from the whole original would bill those again: send one with this part's lines only",
        matched,
        cp.payer_claim_control_number.as_deref().unwrap_or("(none)")
    ))
}

/// Moves a fix of the patient's own data from the subscriber (2010BA, where the rules put what
/// the 835 says of the insured) to the patient (2010CA) when the original sent the patient as a
/// dependant (a 2000C level), which the 835 alone cannot tell: the date of birth and gender
/// (DMG), and the name NM1*74 corrects when the 835 names no insured apart from the patient
/// (no NM1*IL).
fn to_patient_level(loc: &mut Loc, cp: &ClaimPayment, original: &ClaimWithContext) {
    if loc.loop_id != LoopId::L2010BA || original.view().patient().is_none() {
        return;
    }
    let name = loc.segment == "NM1" && (3..=5).contains(&loc.element) && cp.insured.is_none();
    if loc.segment == "DMG" || name {
        loc.loop_id = LoopId::L2010CA;
        if name {
            loc.qualifier = Some("QC".to_string());
        }
    }
}

/// What a person must do when a denial of the claim needs one (an appeal, a reopening, a
/// review): the route and what is needed. That needs no 837, so it is decided whether or not
/// the original was found.
fn person_step(denials: &[Denial]) -> Option<(Route, Vec<String>)> {
    if !denials.iter().any(|d| needs_person(d.corrections.route)) {
        return None;
    }
    let route = largest(denials, needs_person).unwrap_or(Route::Review);
    let mut needed = summaries(denials, needs_person);
    if denials.iter().any(|d| resubmits(d.corrections.route)) {
        needed.push(format!(
            "decide together with the correctable denials ({}): a corrected claim would re-open the whole claim",
            summaries(denials, resubmits).join("; ")
        ));
    }
    Some((route, needed))
}

const PERSON_STEP: &str = "a person must act on the payer's decision";

/// The level a claim of an 837 hangs from that its context lacks: the billing provider
/// (2000A) or the subscriber (2000B).
fn missing_level(c: &ClaimWithContext) -> Option<&'static str> {
    if c.billing_provider.is_none() {
        Some("billing provider (2000A)")
    } else if c.subscriber.is_none() {
        Some("subscriber (2000B)")
    } else {
        None
    }
}

/// `o`, whose original 837 cannot be used (`reason`; `first` says why): worklisted for a
/// person's step when a denial needs one (an appeal needs no 837; the note keeps why the
/// original was not used), else for the original.
fn without_original(
    o: ClaimOutcome,
    reason: &str,
    first: String,
    denials: &[Denial],
) -> ClaimOutcome {
    match person_step(denials) {
        Some(step) => {
            let mut o = for_person(o, step);
            o.notes.push(format!("{first} (not needed for this step)"));
            o
        }
        None => worklisted(o, reason, first, denials),
    }
}

/// Adds `o` to the outcome, and for a worklisted appeal its draft letter (dated `ctx.as_of`,
/// addressed as the payer rules say).
fn push_with_letter(
    out: &mut CorrectOutcome,
    o: ClaimOutcome,
    rem: &Remittance,
    cp: &ClaimPayment,
    ca: &ClaimAssessment,
    ctx: &Context,
) {
    if o.route == Route::Appeal && o.disposition == Disposition::Worklisted {
        let rule = ctx.payers.resolve(rem, cp);
        out.appeals.extend(appeal::letter(
            rem,
            cp,
            ca,
            ctx.as_of,
            rule.appeal_address.as_deref(),
        ));
    }
    out.claims.push(o);
}

/// `o` worklisted for [`person_step`]'s `route` and `needed`.
fn for_person(mut o: ClaimOutcome, (route, needed): (Route, Vec<String>)) -> ClaimOutcome {
    o.route = route;
    o.disposition = Disposition::Worklisted;
    o.reason = PERSON_STEP.to_string();
    o.needed = needed;
    o
}

fn decide(input: &ClaimInput<'_>) -> Decision {
    let denials = &input.ca.denials;
    let original = &input.original.claim;
    let mut notes = Vec::new();
    if let Some((route, needed)) = person_step(denials) {
        return Decision::Worklist {
            route,
            reason: PERSON_STEP.to_string(),
            needed,
            notes,
        };
    }
    let Some(route) = denials
        .iter()
        .map(|d| d.corrections.route)
        .filter(|r| resubmits(*r))
        .max_by_key(|r| strength(*r))
    else {
        let route = largest(denials, |_| true).unwrap_or(Route::Review);
        return Decision::Worklist {
            route,
            reason: "no claim to send for this route".to_string(),
            needed: summaries(denials, |_| true),
            notes,
        };
    };

    let line_map = &input.line_map;
    let mut needed: Vec<String> = Vec::new();
    let mut ops: Vec<(Loc, String)> = Vec::new();
    let valid_edits: Vec<(&Edit, &Field)> = input
        .edits
        .iter()
        .filter_map(|e| e.field.as_ref().ok().map(|f| (*e, f)))
        .collect();
    for e in input.edits.iter().filter(|e| e.field.is_err()) {
        if let Err(msg) = &e.field {
            needed.push(format!(
                "edit #{} ({:?}) does not parse: {msg}",
                e.index, e.field_text
            ));
        }
    }
    let mut deferred = 0;
    for d in denials.iter().filter(|d| resubmits(d.corrections.route)) {
        let sl = d.line_index.and_then(|li| input.cp.service_lines.get(li));
        let mapped = d
            .line_index
            .and_then(|li| line_map.get(li).copied().flatten());
        for p in d.corrections.proposals.iter().filter(|p| !is_frame(p)) {
            let Some(loop_id) = parse_loop(&p.loop_id) else {
                needed.push(format!(
                    "{} ({} {} {}): not a loop Denali can edit",
                    p.rationale, p.loop_id, p.segment, p.element
                ));
                continue;
            };
            if route == Route::BillOtherPayer
                && matches!(loop_id, LoopId::L2320 | LoopId::L2330(_) | LoopId::L2430)
            {
                deferred += 1;
                continue;
            }
            let line_loop = edits::is_line_loop(loop_id);
            let line = if line_loop { mapped } else { None };
            let Some(mut loc) = loc_of(p, loop_id, line) else {
                needed.push(format!(
                    "{}: unreadable element position {:?}",
                    p.rationale, p.element
                ));
                continue;
            };
            to_patient_level(&mut loc, input.cp, original);
            let unmatched = line_loop && d.line_index.is_some() && mapped.is_none();
            // An empty value answers only a removal: `value = ""` for a value the claim must
            // carry (a prior authorization number) leaves the question open.
            let answered = valid_edits.iter().any(|(e, f)| {
                answers(f, &loc, original)
                    && (p.action == Action::Remove || !e.value.trim().is_empty())
            });
            match (&p.value, p.action) {
                (Some(v), _) if p.action != Action::Remove && !answered => {
                    if unmatched {
                        needed.push(format!(
                            "{}: the service line {} was not found in the original claim (no matching REF*6R, code, date and charge)",
                            loc, describe_line(sl)
                        ));
                    } else if is_service_segment(&loc.segment)
                        && loc.component.is_some_and(|c| c >= 3)
                    {
                        let mods: Vec<&str> = v.split(':').collect();
                        for k in 0..4 {
                            let mut l = loc.clone();
                            l.component = Some(3 + k);
                            ops.push((l, mods.get(k).copied().unwrap_or("").to_string()));
                        }
                    } else {
                        ops.push((loc, v.clone()));
                    }
                }
                (None, Action::Remove) if !answered => {
                    if !unmatched {
                        let comps = if is_service_segment(&loc.segment)
                            && loc.component.is_some_and(|c| c >= 3)
                        {
                            4
                        } else {
                            1
                        };
                        for k in 0..comps {
                            let mut l = loc.clone();
                            if comps > 1 {
                                l.component = Some(3 + k);
                            }
                            ops.push((l, String::new()));
                        }
                    }
                }
                _ if answered => {}
                _ => {
                    let what = p.needs.clone().unwrap_or_else(|| "a value".to_string());
                    let line_note = if unmatched {
                        format!(
                            " (the service line {} was not found in the original claim)",
                            describe_line(sl)
                        )
                    } else {
                        String::new()
                    };
                    needed.push(format!("{loc}: {what}{line_note}"));
                }
            }
        }
    }
    if deferred > 0 {
        notes.push(
            "when this payer is billed later as secondary, add the other payer's adjudication (2320/2330B/2430)"
                .to_string(),
        );
    }
    // Two denials proposing different values for one place.
    let mut seen: HashMap<&Loc, &str> = HashMap::new();
    for (l, v) in &ops {
        if let Some(prev) = seen.insert(l, v.as_str())
            && prev != v
        {
            needed.push(format!(
                "{l}: the denials propose different values (see the 835; they may name a person, so they are not quoted)"
            ));
        }
    }
    let f8_edit = input
        .edits
        .iter()
        .rev()
        .find(|e| e.is_original_reference())
        .map(|e| e.value.trim().to_string());
    let icn = f8_edit.filter(|v| !v.is_empty()).or_else(|| {
        input
            .cp
            .payer_claim_control_number
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            // A CLP07 an element cannot hold (a control character, text that is not ASCII)
            // is asked for, not copied.
            .filter(|v| apply::text_problem(v).is_none())
            .map(str::to_string)
    });
    if matches!(route, Route::CorrectedClaim | Route::VoidAndNew) && icn.is_none() {
        needed.push("2300 REF*F8: the payer claim control number (ICN) of the original claim; the 835 has no CLP07 an element can hold".to_string());
    }
    if !needed.is_empty() {
        return Decision::Worklist {
            route,
            reason: "values only a person knows are missing".to_string(),
            needed,
            notes,
        };
    }

    // Build the corrected claim.
    let mut corrected = original.clone();
    let le = line_end(original);
    let mut changes = Vec::new();
    let mut new_loops: Vec<LoopId> = Vec::new();
    let mut failed: Vec<String> = Vec::new();
    let mut applied: HashSet<Loc> = HashSet::new();
    for (loc, v) in &ops {
        if !applied.insert(loc.clone()) {
            continue;
        }
        match apply(&mut corrected, loc, v, le) {
            Ok(a) => {
                new_loops.extend(a.new_loop);
                if a.old != a.new {
                    changes.push(Change {
                        field: loc.to_string(),
                        old: a.old,
                        new: a.new,
                        source: Source::Remittance,
                    });
                }
            }
            Err(e) => failed.push(format!("{loc}: {e}")),
        }
    }
    // Billing another payer: the denying payer's address and ids go (before the edits, which
    // may give the new payer's).
    if route == Route::BillOtherPayer {
        let removed = apply::drop_payer_details(&mut corrected);
        if !removed.is_empty() {
            notes.push(
                "the denying payer's address and ids were taken out of 2010BB (N3, N4, REF): give the new payer's address with --edits (2010BB N301, N401-N403) if your clearinghouse needs it"
                    .to_string(),
            );
        }
        changes.extend(removed.into_iter().map(|(field, old)| Change {
            field,
            old: Some(old),
            new: None,
            source: Source::Remittance,
        }));
    }
    // Where edits filled an address element that was empty: the address must end up whole.
    let mut addresses: Vec<Loc> = Vec::new();
    for (e, f) in &valid_edits {
        if e.is_original_reference() {
            continue;
        }
        let loc = Loc {
            loop_id: f.loop_id,
            line: f.line.map(|n| n.saturating_sub(1)),
            segment: f.segment.clone(),
            qualifier: f.qualifier.clone(),
            element: f.element,
            component: f.component,
        };
        match apply(&mut corrected, &loc, &e.value, le) {
            Ok(a) => {
                new_loops.extend(a.new_loop);
                if a.old.is_none()
                    && matches!(loc.segment.as_str(), "N3" | "N4")
                    && !addresses
                        .iter()
                        .any(|l: &Loc| (l.loop_id, l.line) == (loc.loop_id, loc.line))
                {
                    addresses.push(loc.clone());
                }
                if a.old != a.new {
                    changes.push(Change {
                        field: loc.to_string(),
                        old: a.old,
                        new: a.new,
                        source: Source::Edit,
                    });
                }
            }
            Err(msg) => failed.push(format!("edit #{} ({}): {msg}", e.index, e.field_text)),
        }
    }
    for id in new_loops {
        if let Some(msg) = incomplete_name(&corrected, id) {
            failed.push(msg);
        }
    }
    failed.extend(
        addresses
            .iter()
            .filter_map(|l| apply::incomplete_address(&mut corrected, l)),
    );
    // Once every change is made (a composite may take several edits), those that leave a code
    // composite the implementation guide rejects.
    failed.extend(incomplete_composites(&original.claim, &corrected.claim));
    // SBR02 = 18 says the subscriber is the patient; a claim that still has a patient level
    // (2000C, PAT01) would say both.
    let view = corrected.view();
    let self_now = view.subscriber().and_then(|s| s.relationship()) == Some("18");
    let self_before = original.view().subscriber().and_then(|s| s.relationship()) == Some("18");
    if self_now && !self_before && view.patient().is_some() {
        failed.push(
            "2000B SBR02 = 18 makes the subscriber the patient, but the claim has a patient level (2000C with PAT01): move the patient into the subscriber loop by hand, or keep SBR02 empty"
                .to_string(),
        );
    }
    if !failed.is_empty() {
        return Decision::Worklist {
            route,
            reason: "the changes could not be applied".to_string(),
            needed: failed,
            notes,
        };
    }
    // The same claim sent again gets the same answer (or a duplicate denial): a resubmission
    // must change what the denial was about.
    if changes.is_empty() {
        let mut needed = vec![format!(
            "nothing to change: the denial names no fix Denali can make ({}), and an unchanged claim would be denied again; give the change with --edits, or appeal if the claim was right",
            codes(denials)
        )];
        needed.extend(summaries(denials, resubmits));
        return Decision::Worklist {
            route,
            reason: "no change for a resubmission".to_string(),
            needed,
            notes,
        };
    }

    let old_freq = original.view().frequency_code_text().map(str::to_string);
    let old_f8 = original.view().original_claim_number().map(str::to_string);
    let mut claims = Vec::new();
    let framed = match route {
        Route::VoidAndNew => {
            let mut void = original.clone();
            let r = crate::edit::set_frequency(
                &mut void.claim,
                FrequencyCode::VOID,
                icn.as_deref().map(str::as_bytes),
            )
            .and_then(|()| {
                crate::edit::set_frequency(&mut corrected.claim, FrequencyCode::ORIGINAL, None)
            });
            claims.push((void, '8', icn.clone()));
            r.map(|()| ('1', None))
        }
        Route::CorrectedClaim => crate::edit::set_frequency(
            &mut corrected.claim,
            FrequencyCode::REPLACEMENT,
            icn.as_deref().map(str::as_bytes),
        )
        .map(|()| ('7', icn.clone())),
        _ => crate::edit::set_frequency(&mut corrected.claim, FrequencyCode::ORIGINAL, None)
            .map(|()| ('1', None)),
    };
    let (freq, f8) = match framed {
        Ok(x) => x,
        Err(e) => {
            return Decision::Worklist {
                route,
                reason: "the frequency code could not be set".to_string(),
                needed: vec![e.to_string()],
                notes,
            };
        }
    };
    if old_freq.as_deref() != Some(freq.to_string().as_str()) {
        changes.push(Change {
            field: "2300 CLM05-3".to_string(),
            old: old_freq,
            new: Some(freq.to_string()),
            source: Source::Route,
        });
    }
    if old_f8 != f8 {
        changes.push(Change {
            field: "2300 REF*F8 02".to_string(),
            old: old_f8,
            new: f8.clone(),
            source: Source::Route,
        });
    }
    claims.push((corrected, freq, f8));
    Decision::Write(Built {
        route,
        claims,
        changes,
        notes,
    })
}

// ------------------------------------------------------------------------------------------
// files

/// Submitter/receiver key of a claim's future file.
fn group_key(o: &Original) -> Vec<String> {
    let c = &o.claim;
    let el = |s: Option<&OwnedSegment>, n: usize| -> String {
        s.map(|s| String::from_utf8_lossy(s.get(n)).trim().to_string())
            .unwrap_or_default()
    };
    let name_id = |id: LoopId| -> String {
        c.header
            .child(id)
            .and_then(|l| l.first("NM1"))
            .map(|s| String::from_utf8_lossy(s.get(9)).into_owned())
            .unwrap_or_default()
    };
    let isa = o.envelope.as_ref().map(|e| &e.isa);
    let gs = o.envelope.as_ref().map(|e| &e.gs);
    // BHT06 (CH chargeable, RP reporting/encounter) is said once per set: an encounter written
    // under a chargeable set's BHT would be paid as a claim, and the other way round.
    let bht06 = c
        .header
        .first("BHT")
        .and_then(|s| s.element(6))
        .and_then(|e| e.as_str())
        .map(|t| t.trim().to_string())
        .unwrap_or_default();
    vec![
        c.kind.map(|k| k.as_str().to_string()).unwrap_or_default(),
        c.version.clone(),
        bht06,
        el(isa, 5),
        el(isa, 6),
        el(isa, 7),
        el(isa, 8),
        el(isa, 15),
        el(gs, 2),
        el(gs, 3),
        name_id(LoopId::L1000A),
        name_id(LoopId::L1000B),
    ]
}

/// An envelope for a claim that came without one: ids from 1000A/1000B.
fn envelope_for(o: &Original, opts: &CorrectOptions) -> Result<Envelope, String> {
    if let Some(e) = &o.envelope {
        return e
            .clone()
            .with_date_time(opts.now.date(), &opts.now.format("%H%M").to_string())
            .map_err(|e| e.to_string());
    }
    let id = |lid: LoopId| -> String {
        o.claim
            .header
            .child(lid)
            .and_then(|l| l.first("NM1"))
            .map(|s| String::from_utf8_lossy(s.get(9)).into_owned())
            .unwrap_or_default()
    };
    let (sender, receiver) = (id(LoopId::L1000A), id(LoopId::L1000B));
    let fields = crate::envelope::EnvelopeFields {
        sender_qualifier: "ZZ".into(),
        sender_id: sender.clone(),
        receiver_qualifier: "ZZ".into(),
        receiver_id: receiver.clone(),
        application_sender: sender,
        application_receiver: receiver,
        date: opts.now.date(),
        time: opts.now.format("%H%M").to_string(),
        usage: 'P',
        acknowledgment_requested: false,
        version: o.claim.version.clone(),
        line_end: line_end(&o.claim),
    };
    let mut d = o.claim.claim.delimiters();
    if d.repetition.is_none() {
        d.repetition = Some(free_repetition(&o.claim, d)?);
    }
    Envelope::new(&fields, d).map_err(|e| e.to_string())
}

/// A repetition separator for a 5010 ISA11 around a claim that came without an envelope: the
/// first of a few usual ones that is not another delimiter and occurs in none of the claim's
/// segments (ISA11 `U` was the 4010 standards id, and would split `UN` in SV1 into two).
fn free_repetition(claim: &ClaimWithContext, d: Delimiters) -> Result<u8, String> {
    let loops = [
        Some(&claim.header),
        claim.billing_provider.as_ref(),
        claim.subscriber.as_ref(),
        claim.patient.as_ref(),
        Some(&claim.claim),
        Some(&claim.trailer),
    ];
    let used = |b: u8| {
        [d.element, d.component, d.segment].contains(&b)
            || loops
                .iter()
                .flatten()
                .flat_map(|l| l.segments_deep())
                .any(|(_, seg, _)| seg.as_bytes().contains(&b))
    };
    b"^!`{}|\\@"
        .iter()
        .copied()
        .find(|&b| !used(b))
        .ok_or_else(|| {
            "no repetition separator is free: the claim uses every usual one".to_string()
        })
}

/// One claim's adjudication in one remittance, for [`correct`] to find a claim's latest.
#[derive(Clone, Copy)]
struct Adjudication {
    /// BPR16, the payment date.
    date: Option<NaiveDate>,
    /// Its place among all claims read.
    order: usize,
    outcome: Outcome,
    /// The remittance (transaction set) it is in.
    tx: usize,
}

/// Sets BHT03 (batch reference), BHT04 (date) and BHT05 (time) in a claim's header.
fn stamp_header(header: &mut Loop, batch: &str, now: NaiveDateTime) -> Result<(), String> {
    let sel = crate::edit::Selector::new("BHT");
    if crate::edit::find(header, &sel).is_none() {
        return Ok(());
    }
    let date = now.format("%Y%m%d").to_string();
    let time = now.format("%H%M").to_string();
    for (n, v) in [(3, batch), (4, date.as_str()), (5, time.as_str())] {
        crate::edit::set_element(header, &sel, n, v.as_bytes()).map_err(|e| e.to_string())?;
    }
    Ok(())
}

fn isa_id(e: &Envelope, n: usize) -> String {
    String::from_utf8_lossy(e.isa.get(n)).trim().to_string()
}

/// Matches every denied claim of `remits` (835 files: name and bytes) to its original in
/// `claims` (837 files), applies the rules' corrections and the user's `edits`, and writes the
/// corrected claims grouped by submitter and receiver, with fresh control numbers from
/// `numbers`. See the [module docs](self) for every step. Never panics; a file that cannot be
/// read is listed in [`CorrectOutcome::input_errors`] and the others are still processed.
pub fn correct(
    remits: &[(&str, &[u8])],
    claims: &[(&str, &[u8])],
    edits: &Edits,
    ctx: &Context,
    opts: &CorrectOptions,
    numbers: &mut dyn ControlNumbers,
) -> CorrectOutcome {
    let mut out = CorrectOutcome::default();
    let mut txs = read_remits(remits, ctx, opts, &mut out);
    out.remittances = txs.len();
    out.remit_claims = txs.iter().map(|t| t.rem.claims.len()).sum();

    // Denied claims, in 835 order, each with its place among all claims read. A claim (payer,
    // CLM01) is acted on at its latest adjudication only (payment date, then input order): a
    // denial that a later remittance denies again, pays, reverses or pends is superseded. In
    // the same remittance only a later denial supersedes it: a payer that splits a claim sends
    // its paid part beside the denied one, under the same CLM01.
    let mut denied: Vec<(usize, usize, usize)> = Vec::new();
    let mut latest: HashMap<(String, String), Adjudication> = HashMap::new();
    let mut order = 0;
    for (ti, t) in txs.iter().enumerate() {
        let payer = t.rem.payer_id().unwrap_or("");
        let date = t.rem.payment.payment_date;
        for ca in &t.assessed.claims {
            let Some(cp) = t.rem.claims.get(ca.claim_index) else {
                continue;
            };
            if !ca.denials.is_empty() {
                denied.push((ti, ca.claim_index, order));
            }
            let k = (payer.to_string(), cp.patient_control_number.to_string());
            let this = Adjudication {
                date,
                order,
                outcome: ca.outcome,
                tx: ti,
            };
            let e = latest.entry(k).or_insert(this);
            if (date, order) >= (e.date, e.order) {
                *e = this;
            }
            order += 1;
        }
    }
    let wanted: HashSet<String> = denied
        .iter()
        .filter_map(|&(ti, ci, _)| txs.get(ti)?.rem.claims.get(ci))
        .map(|cp| cp.patient_control_number.to_string())
        .collect();
    let originals = read_originals(claims, &wanted, opts, &mut out);

    let denied_keys: HashSet<&str> = wanted.iter().map(String::as_str).collect();
    for e in edits.iter() {
        if let Err(msg) = &e.field {
            out.warnings.push(format!(
                "edit #{} (claim {}, field {:?}): {msg}",
                e.index, e.claim, e.field_text
            ));
        }
        if !denied_keys.contains(e.claim.as_str()) {
            out.warnings.push(format!(
                "edit #{}: claim {} is not a denied claim of these 835s; not used",
                e.index, e.claim
            ));
        }
    }

    // Decide every claim.
    struct Pending {
        outcome: usize,
        group: Vec<String>,
        original: usize,
        key: String,
        claims: Vec<(ClaimWithContext, char, Option<String>)>,
    }
    let mut to_write: Vec<Pending> = Vec::new();
    let mut used_originals: Vec<&Original> = Vec::new();
    for &(ti, ci, n) in &denied {
        let Some(t) = txs.get_mut(ti) else { continue };
        let Some(cp) = t.rem.claims.get(ci) else {
            continue;
        };
        let Some(inferred) = t.assessed.claims.get(ci) else {
            continue;
        };
        let remit_name = remits
            .get(t.file)
            .map(|(n, _)| n.to_string())
            .unwrap_or_default();
        let mut o = ClaimOutcome {
            claim: cp.patient_control_number.to_string(),
            remit: remit_name,
            payer_id: t.rem.payer_id().map(str::to_string),
            payer_name: t.rem.payer.name.as_deref().map(str::to_string),
            payer_claim_number: cp.payer_claim_control_number.as_deref().map(str::to_string),
            claims_file: None,
            outcome: inferred.outcome,
            denied_amount: inferred.denied_amount,
            codes: codes(&inferred.denials),
            route: largest(&inferred.denials, resubmits)
                .or_else(|| largest(&inferred.denials, |_| true))
                .unwrap_or(Route::Review),
            disposition: Disposition::Skipped,
            reason: String::new(),
            needed: Vec::new(),
            written: Vec::new(),
            changes: Vec::new(),
            deadline: inferred
                .denials
                .iter()
                .filter_map(|d| d.deadline)
                .min_by_key(|d| d.date),
            notes: Vec::new(),
        };
        let k = (o.payer_id.clone().unwrap_or_default(), o.claim.clone());
        let supersedes = |a: &&Adjudication| {
            a.order != n
                && (a.tx != ti || matches!(a.outcome, Outcome::Denied | Outcome::PartiallyDenied))
        };
        if let Some(later) = latest.get(&k).filter(supersedes).map(|a| a.outcome) {
            o.reason = format!(
                "superseded: a later remittance {}",
                match later {
                    Outcome::Denied | Outcome::PartiallyDenied => "denies this claim again",
                    Outcome::Paid => "pays this claim",
                    Outcome::Reversed => "reverses this claim",
                    Outcome::Pending => "holds this claim as pending",
                }
            );
            out.claims.push(o);
            continue;
        }
        if inferred.outcome == Outcome::Pending {
            o.reason =
                "pending at the payer (not final): wait for the final adjudication".to_string();
            out.claims.push(o);
            continue;
        }
        if t.damaged {
            let first = format!(
                "835 read with errors: the remittance holding claim {} is damaged (cut short, or a value unreadable), so what it says of the claim may be incomplete; repair it or ask the payer for a clean copy",
                o.claim
            );
            out.claims.push(worklisted(
                o,
                "835 read with errors",
                first,
                &inferred.denials,
            ));
            continue;
        }
        let candidates = originals.get(&o.claim).map(Vec::as_slice).unwrap_or(&[]);
        let mut notes = Vec::new();
        let (orig, fit) = match choose(candidates, cp, &RemitPayer::of(&t.rem), &mut notes) {
            Choice::Found(orig, fit) => (orig, fit),
            Choice::Missing => {
                let first = format!(
                    "original 837 not found: no CLM01 {} in the claim files given",
                    o.claim
                );
                let o = without_original(o, "original 837 not found", first, &inferred.denials);
                push_with_letter(&mut out, o, &t.rem, cp, inferred, ctx);
                continue;
            }
            Choice::Mismatch(how) => {
                let first = format!(
                    "original 837 does not match the remittance: the 837 claim with CLM01 {} has {how}; give the 837 this payer adjudicated",
                    o.claim
                );
                let o = without_original(
                    o,
                    "original 837 does not match the remittance",
                    first,
                    &inferred.denials,
                );
                push_with_letter(&mut out, o, &t.rem, cp, inferred, ctx);
                continue;
            }
            Choice::OtherPayer(named) => {
                let first = format!(
                    "original 837 sent to another payer: CLM01 {} went to {}, not to {} that denied it; a corrected claim goes to the payer that denied it: give its 837",
                    o.claim,
                    if named.is_empty() {
                        "another payer"
                    } else {
                        named.as_str()
                    },
                    o.payer_name
                        .as_deref()
                        .or(o.payer_id.as_deref())
                        .unwrap_or("the payer"),
                );
                let o = without_original(
                    o,
                    "original 837 sent to another payer",
                    first,
                    &inferred.denials,
                );
                push_with_letter(&mut out, o, &t.rem, cp, inferred, ctx);
                continue;
            }
        };
        o.notes = notes;
        o.claims_file = claims.get(orig.file).map(|(n, _)| n.to_string());
        if let Some(why) = split_apart(cp, orig, &fit, &t.rem) {
            let o = without_original(
                o,
                "split claim: part of the original was adjudicated apart",
                why,
                &inferred.denials,
            );
            push_with_letter(&mut out, o, &t.rem, cp, inferred, ctx);
            continue;
        }
        if orig.damaged {
            let first = format!(
                "original 837 read with errors: the transaction set holding CLM01 {} is damaged (cut short, or a segment or count is wrong), so a replacement could drop or garble what the payer adjudicated; repair {} and run again",
                o.claim,
                o.claims_file.as_deref().unwrap_or("the 837")
            );
            let o = without_original(o, "original 837 read with errors", first, &inferred.denials);
            push_with_letter(&mut out, o, &t.rem, cp, inferred, ctx);
            continue;
        }
        // A claim needs the levels above it: without a billing provider (2000A, HL03 = 20) or a
        // subscriber (2000B, HL03 = 22) level, the replacement's HL02 would name no parent.
        if let Some(level) = missing_level(&orig.claim) {
            let first = format!(
                "original 837 without its {level} level above CLM01 {}: an HL level code or parent the claim hangs from is not what the implementation guide says (`denali validate` names it), so a replacement would be written without it; repair {} and run again",
                o.claim,
                o.claims_file.as_deref().unwrap_or("the 837")
            );
            let o = without_original(
                o,
                "original 837 without its levels",
                first,
                &inferred.denials,
            );
            push_with_letter(&mut out, o, &t.rem, cp, inferred, ctx);
            continue;
        }
        // Assess again with the original's kind when the 835 suggested another.
        let kind = orig.claim.kind.map(|k| match k {
            ClaimKind::Professional => denali_rules::ClaimKind::Professional,
            ClaimKind::Institutional => denali_rules::ClaimKind::Institutional,
            ClaimKind::Dental => denali_rules::ClaimKind::Dental,
        });
        let RemitTx {
            rem,
            assessed,
            by_kind,
            ..
        } = t;
        let ca = match kind {
            Some(k) if assessed.claims.get(ci).is_some_and(|c| c.claim_kind != k) => by_kind
                .entry(k)
                .or_insert_with(|| assess_with_kind(rem, ctx, Some(k)))
                .claims
                .get(ci),
            _ => assessed.claims.get(ci),
        };
        let Some(ca) = ca else { continue };
        let Some(cp) = rem.claims.get(ci) else {
            continue;
        };
        o.codes = codes(&ca.denials);
        o.deadline = ca
            .denials
            .iter()
            .filter_map(|d| d.deadline)
            .min_by_key(|d| d.date);
        let input = ClaimInput {
            cp,
            ca,
            original: orig,
            line_map: fit.line_map,
            edits: edits.for_claim(&o.claim).collect(),
        };
        match decide(&input) {
            Decision::Worklist {
                route,
                reason,
                needed,
                notes,
            } => {
                o.route = route;
                o.disposition = Disposition::Worklisted;
                o.reason = reason;
                o.needed = needed;
                o.notes.extend(notes);
                push_with_letter(&mut out, o, rem, cp, ca, ctx);
            }
            Decision::Write(b) => {
                o.route = b.route;
                o.disposition = Disposition::Written;
                o.reason = ca
                    .denials
                    .iter()
                    .filter(|d| d.corrections.route == b.route)
                    .map(|d| d.corrections.summary.clone())
                    .next()
                    .unwrap_or_default();
                o.changes = b.changes;
                o.notes.extend(b.notes);
                used_originals.push(orig);
                to_write.push(Pending {
                    outcome: out.claims.len(),
                    group: group_key(orig),
                    original: used_originals.len() - 1,
                    key: o.claim.clone(),
                    claims: b.claims,
                });
                out.claims.push(o);
            }
        }
    }

    // Group and write.
    // Groups in order of first appearance, members in input order; indexed, so a batch where
    // every claim has its own group (one billing provider each) stays linear.
    let mut groups: Vec<Vec<&Pending>> = Vec::new();
    let mut index: HashMap<&[String], usize> = HashMap::new();
    for p in &to_write {
        let i = *index.entry(p.group.as_slice()).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        if let Some(g) = groups.get_mut(i) {
            g.push(p);
        }
    }
    for members in groups {
        let Some(first) = members.first() else {
            continue;
        };
        let Some(orig) = used_originals.get(first.original) else {
            continue;
        };
        let seq = out.files.len() + 1;
        let kind = orig.claim.kind;
        let name = format!(
            "corrected-{}-{seq:04}.x12",
            kind.map_or("837", |k| k.as_str())
        );
        let batch = format!("{}{seq:04}", opts.batch_prefix);
        let mut list: Vec<ClaimWithContext> = Vec::new();
        let mut labels: Vec<String> = Vec::new();
        let mut problem: Option<String> = None;
        for p in &members {
            for (c, freq, _) in &p.claims {
                let mut c = c.clone();
                if let Err(e) = stamp_header(&mut c.header, &batch, opts.now) {
                    problem = Some(e);
                }
                labels.push(format!("{}/{freq}", p.key));
                list.push(c);
            }
        }
        let written = match (problem, envelope_for(orig, opts)) {
            (Some(e), _) | (None, Err(e)) => Err(e),
            (None, Ok(env)) => {
                let mut bytes = Vec::new();
                write_claims(list, &env, &opts.write, numbers, &mut bytes)
                    .map(|_| (bytes, isa_id(&env, 6), isa_id(&env, 8)))
                    .map_err(|e| e.to_string())
            }
        };
        match written {
            Ok((bytes, sender, receiver)) => {
                for p in &members {
                    if let Some(o) = out.claims.get_mut(p.outcome) {
                        o.written = p
                            .claims
                            .iter()
                            .map(|(_, f, r)| WrittenClaim {
                                frequency: *f,
                                original_reference: r.clone(),
                                file: name.clone(),
                            })
                            .collect();
                    }
                }
                out.files.push(CorrectedFile {
                    name,
                    kind,
                    sender,
                    receiver,
                    claims: labels,
                    bytes,
                });
            }
            Err(e) => {
                for p in &members {
                    if let Some(o) = out.claims.get_mut(p.outcome) {
                        o.disposition = Disposition::Worklisted;
                        o.reason = "the corrected claim could not be written".to_string();
                        o.needed = vec![e.clone()];
                    }
                }
            }
        }
    }
    // Reasons for written claims say what was done.
    for o in out
        .claims
        .iter_mut()
        .filter(|o| o.disposition == Disposition::Written)
    {
        let mut s = String::new();
        for (i, w) in o.written.iter().enumerate() {
            if i > 0 {
                s.push_str(", then ");
            }
            let _ = write!(s, "frequency {}", w.frequency);
            if let Some(r) = &w.original_reference {
                let _ = write!(s, " with REF*F8 {r}");
            }
        }
        if !o.changes.is_empty() {
            let fields: Vec<&str> = o
                .changes
                .iter()
                .filter(|c| c.source != Source::Route)
                .map(|c| c.field.as_str())
                .collect();
            if !fields.is_empty() {
                let _ = write!(s, "; changed {}", fields.join(", "));
            }
        }
        o.reason = s;
    }
    out
}
