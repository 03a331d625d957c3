//! Denial detection: every claim of a typed 835 gets an outcome, every CAS triplet a
//! classification, and every denial a correction plan and a deadline.
//!
//! # How a claim is read
//!
//! * Each CAS triplet is classified with [`RuleSet::explain`] from its group, its CARC and the
//!   remark codes in scope: at line level the line's LQ\*HE codes and then the claim's MOA/MIA
//!   codes, at claim level the MOA/MIA codes. The group changes the meaning (CO-45 write-off vs
//!   PR-45 patient share, CO-50 provider-liable vs PR-50 patient-liable).
//! * A triplet is a **denial** when its kind is [`Kind::Denial`], or when its CARC is unknown
//!   and the group is not PR (a person must look), and its amount is positive. Contractual,
//!   patient-responsibility and informational triplets (CO-45, PR-1/2/3, OA-23, 133) never are;
//!   they stay visible in [`ClaimAssessment::adjustments`].
//! * CLP02 is not evidence of a denial, with one exception: a CLP02 = 4 claim whose CAS hold no
//!   denial gets one synthetic claim-level denial (read as CO-31, patient not identified) for
//!   the charge not otherwise explained.
//! * **Outcome**: `reversed` for CLP02 = 22, and for an earlier claim of the same remittance that
//!   such a reversal cancels (same CLP01 and CLP07); `pending` when a triplet is pending (CARC
//!   133, 257, 277) or CLP02 says not final (5, 10, 23); otherwise `denied` when there is a
//!   denial, the payer paid nothing (CLP04 ≤ 0) and nothing went to patient responsibility;
//!   `partially_denied` with any other denial; `paid` with none. Reversed claims report no
//!   denials (their adjustments net out with the original); a correction that follows a
//!   reversal is assessed like any claim.
//! * **Full** denials: at line level when the line paid nothing and no patient share is left on
//!   it; at claim level when the claim's outcome is `denied`.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use chrono::NaiveDate;
use denali_x12::remit::{
    CasTriplet, ClaimKey, ClaimPayment, ClaimStatus, ClaimView, Remittance, ServicePayment,
};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::codes::{Class, GroupCode, Kind, Route};
use crate::correct::{self, ClaimKind, CorrectionInput, CorrectionPlan};
use crate::explain::{Explanation, RuleSet};
use crate::payer::{self, Deadline, DeadlineInput, PayerRule, PayerRules};

/// What an assessment needs besides the remittance.
#[derive(Debug, Clone)]
pub struct Context {
    /// Classification rules (built-in tables plus user overrides).
    pub rules: RuleSet,
    /// Payer filing and appeal rules.
    pub payers: PayerRules,
    /// "Today" for deadlines: the CLI passes the real date, tests a fixed one.
    pub as_of: NaiveDate,
}

impl Context {
    /// Built-in rules, default payer rules, and the given date.
    pub fn new(as_of: NaiveDate) -> Context {
        Context {
            rules: RuleSet::builtin(),
            payers: PayerRules::default(),
            as_of,
        }
    }
}

/// What happened to a claim as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Processed with no denial (contractual and patient shares may apply).
    Paid,
    /// Some of the claim was denied, some paid or left to the patient.
    PartiallyDenied,
    /// Denied: the payer paid nothing and nothing was left to the patient.
    Denied,
    /// A reversal (CLP02 = 22), or a claim a later reversal in this remittance cancels.
    Reversed,
    /// Not final: pending review (CARC 133 and similar) or forwarded.
    Pending,
}

impl Outcome {
    /// Every outcome, in declaration order.
    pub const ALL: &'static [Outcome] = &[
        Outcome::Paid,
        Outcome::PartiallyDenied,
        Outcome::Denied,
        Outcome::Reversed,
        Outcome::Pending,
    ];

    /// The snake_case name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Outcome::Paid => "paid",
            Outcome::PartiallyDenied => "partially_denied",
            Outcome::Denied => "denied",
            Outcome::Reversed => "reversed",
            Outcome::Pending => "pending",
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where an adjustment or denial sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Claim-level CAS (loop 2100).
    Claim,
    /// Service-line CAS (loop 2110).
    Line,
}

impl Level {
    /// The snake_case name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Level::Claim => "claim",
            Level::Line => "line",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The result of [`assess`]: one entry per CLP, in file order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Assessment {
    /// One per claim of the remittance, same order, same count.
    pub claims: Vec<ClaimAssessment>,
}

impl Assessment {
    /// Every denial of every claim, in file order.
    pub fn denials(&self) -> impl Iterator<Item = &Denial> {
        self.claims.iter().flat_map(|c| c.denials.iter())
    }

    /// How many claims have each outcome (outcomes with no claim are absent).
    pub fn outcome_counts(&self) -> BTreeMap<Outcome, usize> {
        let mut counts = BTreeMap::new();
        for c in &self.claims {
            *counts.entry(c.outcome).or_insert(0) += 1;
        }
        counts
    }

    /// Total denied dollars.
    pub fn denied_amount(&self) -> Decimal {
        self.claims.iter().map(|c| c.denied_amount).sum()
    }
}

/// One claim's reading.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClaimAssessment {
    /// Index of the claim in `Remittance::claims`.
    pub claim_index: usize,
    /// What happened to the claim.
    pub outcome: Outcome,
    /// Sum of the denials' amounts.
    pub denied_amount: Decimal,
    /// The denials, claim level first, then lines in order.
    pub denials: Vec<Denial>,
    /// Every CAS triplet of the claim with its classification, in file order.
    pub adjustments: Vec<ClassifiedAdjustment>,
    /// The 837 kind corrections are placed in (given, or inferred from the lines).
    pub claim_kind: ClaimKind,
    /// Short notes on how the outcome was reached (reversal links, synthetic denial, ...).
    pub notes: Vec<String>,
}

/// One CAS triplet and what it means.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClassifiedAdjustment {
    /// Index of the claim.
    pub claim_index: usize,
    /// Index of the service line, for line-level CAS.
    pub line_index: Option<usize>,
    /// Claim or line.
    pub level: Level,
    /// CAS01.
    pub group: GroupCode,
    /// The CARC, normalised.
    pub carc: String,
    /// Remark codes in scope (line LQ then claim MOA/MIA), normalised.
    pub rarcs: Vec<String>,
    /// The amount (positive reduces payment).
    pub amount: Decimal,
    /// The adjusted quantity, if sent.
    pub quantity: Option<Decimal>,
    /// The classification (shared: a remittance repeats the same few readings many times).
    pub explanation: Arc<Explanation>,
    /// Whether this triplet is reported as a [`Denial`].
    pub is_denial: bool,
}

/// A denied amount with its reading, what to do, and by when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Denial {
    /// Index of the claim.
    pub claim_index: usize,
    /// Index of the service line, for line-level denials.
    pub line_index: Option<usize>,
    /// Claim or line.
    pub level: Level,
    /// CAS01 (CO for a synthetic CLP02 = 4 denial).
    pub group: GroupCode,
    /// The CARC (empty for a synthetic CLP02 = 4 denial).
    pub carc: String,
    /// Remark codes in scope.
    pub rarcs: Vec<String>,
    /// The denied amount.
    pub amount: Decimal,
    /// The payer's id in the 835 (N104 of 1000A, else REF*2U, else TRN03).
    pub payer_id: Option<String>,
    /// Whether the line (line level) or claim (claim level) got nothing: a full denial.
    pub full: bool,
    /// The classification (shared with the [`ClassifiedAdjustment`] it comes from).
    pub explanation: Arc<Explanation>,
    /// Route and 837 changes.
    pub corrections: CorrectionPlan,
    /// The governing deadline, when the route has one and the 835 gives its start date.
    pub deadline: Option<Deadline>,
}

/// Assesses every claim of a remittance, inferring each claim's 837 kind from its lines.
/// Never fails and never drops a claim: `assess(rem, ctx).claims.len() == rem.claims.len()`.
///
/// To assess many remittances (a file, a batch), an [`Assessor`] gives the same results faster:
/// it keeps the explanations it has worked out from one remittance to the next.
pub fn assess(rem: &Remittance, ctx: &Context) -> Assessment {
    Assessor::new(ctx).assess(rem)
}

/// Like [`assess`], with the 837 kind given (when the caller knows which 837 the claims came
/// from) instead of inferred.
pub fn assess_with_kind(rem: &Remittance, ctx: &Context, kind: Option<ClaimKind>) -> Assessment {
    Assessor::new(ctx).assess_with_kind(rem, kind)
}

/// Like [`assess`], but only finds the denials: every claim, outcome, denial, group, CARC,
/// RARCs, amount and explanation is the same, while `corrections` is left empty (route taken
/// from the explanation, no summary or proposals) and `deadline` is `None`. For a first pass
/// that only counts recurring denials across a batch, at a fraction of the cost.
pub fn detect(rem: &Remittance, ctx: &Context) -> Assessment {
    Assessor::new(ctx).detect(rem)
}

/// Assesses remittance after remittance with one context, explaining each (group, CARC, RARCs)
/// combination once: a file repeats the same few combinations across thousands of claims, and
/// an explanation builds several strings. Results are exactly those of [`assess`], [`detect`]
/// and [`assess_with_kind`]. One per thread (it is `Send`, not `Sync`).
///
/// ```
/// # use denali_rules::{Assessor, Context};
/// # let remittances: Vec<denali_x12::remit::Remittance> = Vec::new();
/// let ctx = Context::new(chrono::NaiveDate::from_ymd_opt(2025, 4, 1).unwrap());
/// let assessor = Assessor::new(&ctx);
/// for rem in &remittances {
///     let assessment = assessor.assess(rem);
///     assert_eq!(assessment.claims.len(), rem.claims.len());
/// }
/// ```
pub struct Assessor<'a> {
    ctx: &'a Context,
    cache: ExplainCache<'a>,
    /// Buffers [`Assessor::is_plainly_paid`] reuses from claim to claim.
    screen: std::cell::RefCell<Screen>,
}

/// What [`Assessor::is_plainly_paid`] reads a claim into.
#[derive(Default)]
struct Screen {
    claim_remarks: Vec<denali_x12::remit::Remark>,
    remarks: Vec<denali_x12::remit::Remark>,
    claim_rarcs: Vec<String>,
    rarcs: Vec<String>,
}

impl std::fmt::Debug for Assessor<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Assessor")
            .field("explained", &self.cache.seen.borrow().len())
            .finish()
    }
}

impl<'a> Assessor<'a> {
    /// An assessor with an empty explanation cache.
    pub fn new(ctx: &'a Context) -> Self {
        Assessor {
            ctx,
            cache: ExplainCache::new(&ctx.rules),
            screen: Default::default(),
        }
    }

    /// [`assess`] with this assessor's cache.
    pub fn assess(&self, rem: &Remittance) -> Assessment {
        self.run(rem, None, true)
    }

    /// [`assess_with_kind`] with this assessor's cache.
    pub fn assess_with_kind(&self, rem: &Remittance, kind: Option<ClaimKind>) -> Assessment {
        self.run(rem, kind, true)
    }

    /// [`detect`] with this assessor's cache.
    pub fn detect(&self, rem: &Remittance) -> Assessment {
        self.run(rem, None, false)
    }

    /// Assesses the claims one at a time, in order, handing each to `f` without keeping it:
    /// the same [`ClaimAssessment`]s as [`Assessor::assess`], in less memory (an assessment is
    /// several times the size of its claim; a remittance can hold 100,000 claims).
    pub fn each_claim(&self, rem: &Remittance, f: impl FnMut(ClaimAssessment)) {
        self.each(rem, None, true, f);
    }

    fn each(
        &self,
        rem: &Remittance,
        kind: Option<ClaimKind>,
        plans: bool,
        mut f: impl FnMut(ClaimAssessment),
    ) {
        let links = ReversalLinks::from_claims(&rem.claims);
        for (i, claim) in rem.claims.iter().enumerate() {
            f(self.one(rem, &links, i, claim, kind, plans));
        }
    }

    /// Assesses claim `index` of a remittance read claim by claim
    /// ([`denali_x12::remit::parse_835_each`]): `rem` is the remittance without its claims,
    /// `links` come from [`ReversalLinks::from_keys`] over the set's
    /// [`claim_keys`](denali_x12::remit::claim_keys). The result is exactly what
    /// [`Assessor::assess`] gives for that claim of the whole remittance, while only one claim
    /// is held.
    ///
    /// ```
    /// # use denali_rules::{Assessor, Context, ReversalLinks};
    /// # use denali_x12::{Event, ParseOptions, Reader, remit};
    /// let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/835/basic.835"))?;
    /// let ctx = Context::new(chrono::NaiveDate::from_ymd_opt(2025, 4, 1).unwrap());
    /// let assessor = Assessor::new(&ctx);
    /// let opts = ParseOptions::default();
    /// let mut reader = Reader::from_slice(&bytes);
    /// while let Some(event) = reader.next_event()? {
    ///     if let Event::Transaction(tx) = event {
    ///         let links = ReversalLinks::from_keys(&remit::claim_keys(&tx, &opts));
    ///         let mut denials = 0;
    ///         remit::parse_835_each(&tx, &opts, |rem, i, claim| {
    ///             denials += assessor.assess_claim(rem, &links, i, claim).denials.len();
    ///         });
    ///         let whole = assessor.assess(&remit::parse_835(&tx, &opts).0);
    ///         assert_eq!(denials, whole.denials().count());
    ///     }
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn assess_claim(
        &self,
        rem: &Remittance,
        links: &ReversalLinks,
        index: usize,
        claim: &ClaimPayment,
    ) -> ClaimAssessment {
        self.one(rem, links, index, claim, None, true)
    }

    /// Whether [`Assessor::assess_claim`] would find claim `claim` of a viewed remittance
    /// paid (outcome [`Outcome::Paid`]) with no denial, read from its CLP, CAS, MIA, MOA and LQ
    /// segments only: for batch work that reads every field of the claims that need it and
    /// only counts the rest. `links` are the set's, as for `assess_claim`.
    ///
    /// The answer is the assessment's own (the same status checks, and each triplet read with
    /// the same explanation as `assess_claim` reads it), so `true` means exactly "paid, nothing
    /// to report"; `false` means "assess it".
    ///
    /// ```
    /// # use denali_rules::{Assessor, Context, Outcome, ReversalLinks};
    /// # use denali_x12::{Event, ParseOptions, Reader, remit};
    /// let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/835/basic.835"))?;
    /// let ctx = Context::new(chrono::NaiveDate::from_ymd_opt(2025, 4, 1).unwrap());
    /// let assessor = Assessor::new(&ctx);
    /// let opts = ParseOptions::default();
    /// let mut reader = Reader::from_slice(&bytes);
    /// while let Some(event) = reader.next_event()? {
    ///     if let Event::Transaction(tx) = event {
    ///         let links = ReversalLinks::from_keys(&remit::claim_keys(&tx, &opts));
    ///         let view = remit::RemittanceView::new(&tx, &opts);
    ///         let (header, _) = view.header();
    ///         for claim in view.claims() {
    ///             let whole = claim.to_claim_payment().0;
    ///             let full = assessor.assess_claim(&header, &links, claim.index(), &whole);
    ///             let paid = full.outcome == Outcome::Paid;
    ///             assert_eq!(assessor.is_plainly_paid(&claim, &links), paid);
    ///         }
    ///     }
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn is_plainly_paid(&self, claim: &ClaimView<'_, '_>, links: &ReversalLinks) -> bool {
        let status = claim.status();
        if status == ClaimStatus::Reversal
            || ReversalLinks::get(&links.reversed_by, claim.index()).is_some()
            || status == ClaimStatus::Denied
            || is_pending_status(&status)
        {
            return false;
        }
        let mut buf = self.screen.borrow_mut();
        let Screen {
            claim_remarks,
            remarks,
            claim_rarcs,
            rarcs,
        } = &mut *buf;
        // The amount is decoded only where the reading makes a positive amount a denial.
        let plain = |adj: &CasTriplet<'_>, rarcs: &[String]| {
            let v = self.cache.verdict(adj.group.code(), &adj.reason, rarcs);
            let denial = v.denial_when_positive && adj.amount() > Decimal::ZERO;
            !v.pending && !denial
        };
        claim_remarks.clear();
        claim.remarks_into(claim_remarks);
        let claim_codes = claim_remark_codes(claim_remarks.iter());
        claim_rarcs.clear();
        push_codes(claim_rarcs, &claim_codes);
        if !claim.all_triplets(|adj| plain(adj, claim_rarcs)) {
            return false;
        }
        claim.lines().all(|line| {
            remarks.clear();
            line.remarks_into(remarks);
            rarcs.clear();
            line_scope(rarcs, remarks.iter(), &claim_codes);
            line.all_triplets(|adj| plain(adj, rarcs))
        })
    }

    fn one(
        &self,
        rem: &Remittance,
        links: &ReversalLinks,
        index: usize,
        claim: &ClaimPayment,
        kind: Option<ClaimKind>,
        plans: bool,
    ) -> ClaimAssessment {
        let c = ClaimCtx {
            plans,
            cache: &self.cache,
            rem,
            ctx: self.ctx,
            claim,
            index,
            kind: kind.unwrap_or_else(|| ClaimKind::infer(claim)),
            remit_date: payer::remit_date(rem),
        };
        assess_claim(&c, links)
    }

    fn run(&self, rem: &Remittance, kind: Option<ClaimKind>, plans: bool) -> Assessment {
        let mut claims = Vec::with_capacity(rem.claims.len());
        self.each(rem, kind, plans, |c| claims.push(c));
        Assessment { claims }
    }
}

/// Which claims of one remittance reverse, are reversed by, or correct which others: worked
/// out for the whole remittance before its claims are assessed, since a reversal cancels an
/// earlier claim and is corrected by a later one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReversalLinks {
    /// For an original claim: the later reversal that cancels it.
    reversed_by: Vec<Option<usize>>,
    /// For a reversal: the original it cancels (earlier in this remittance).
    reverses: Vec<Option<usize>>,
    /// For a reversal: the correction that follows it.
    corrected_by: Vec<Option<usize>>,
    /// For a correction: the reversal it follows.
    corrects: Vec<Option<usize>>,
}

impl ReversalLinks {
    /// Links every reversal to its original and its correction in one pass, with indexes by
    /// CLP01/CLP07 and REF*F8, so a remittance of many reversals stays linear (a nested search
    /// took 18 s on 100,000 reversals).
    ///
    /// The original of a reversal is the nearest earlier claim that is not a reversal, has the
    /// same CLP01 and CLP07, and is not reversed yet. Its correction is the first later claim
    /// that is not a reversal, has the same CLP01 (or a REF*F8 equal to the reversed CLP07), and
    /// does not already correct an earlier reversal.
    pub fn from_claims(claims: &[ClaimPayment]) -> ReversalLinks {
        let keys: Vec<KeyRef<'_>> = claims
            .iter()
            .map(|c| KeyRef {
                pcn: &c.patient_control_number,
                icn: c.payer_claim_control_number.as_deref(),
                reversal: c.is_reversal(),
                f8: c.reference("F8"),
            })
            .collect();
        ReversalLinks::find(&keys)
    }

    /// [`ReversalLinks::from_claims`] from the claims' keys
    /// ([`claim_keys`](denali_x12::remit::claim_keys)), for a remittance read claim by claim.
    pub fn from_keys(keys: &[ClaimKey]) -> ReversalLinks {
        let keys: Vec<KeyRef<'_>> = keys
            .iter()
            .map(|k| KeyRef {
                pcn: &k.patient_control_number,
                icn: k.payer_claim_control_number.as_deref(),
                reversal: k.reversal,
                f8: k.original_reference.as_deref(),
            })
            .collect();
        ReversalLinks::find(&keys)
    }

    fn find(claims: &[KeyRef<'_>]) -> ReversalLinks {
        use foldhash::HashMap;
        // Without a reversal there is nothing to link: the lists stay empty (`get` reads a
        // missing entry as no link), so a set of a million claims costs nothing here.
        if !claims.iter().any(|c| c.reversal) {
            return ReversalLinks {
                reversed_by: Vec::new(),
                reverses: Vec::new(),
                corrected_by: Vec::new(),
                corrects: Vec::new(),
            };
        }
        let n = claims.len();
        let mut links = ReversalLinks {
            reversed_by: vec![None; n],
            reverses: vec![None; n],
            corrected_by: vec![None; n],
            corrects: vec![None; n],
        };
        /// Later claims in file order, and how far the earliest still-usable one is.
        #[derive(Default)]
        struct Queue {
            at: Vec<usize>,
            next: usize,
        }
        impl Queue {
            /// The first entry after `after` that does not correct a reversal yet; entries
            /// passed over can never be chosen again (reversals come in increasing order, and a
            /// taken correction stays taken).
            fn first_free(&mut self, after: usize, corrects: &[Option<usize>]) -> Option<usize> {
                while let Some(&k) = self.at.get(self.next) {
                    if k > after && corrects.get(k).is_some_and(Option::is_none) {
                        return Some(k);
                    }
                    self.next += 1;
                }
                None
            }
        }
        // Only a claim whose CLP01 is a reversal's, or whose REF*F8 is a reversal's CLP07, can
        // be linked: the others are not indexed, which spares a set of a few reversals among
        // thousands of claims two index entries a claim.
        let reversed_pcns: foldhash::HashSet<&str> = claims
            .iter()
            .filter(|c| c.reversal)
            .map(|c| c.pcn)
            .collect();
        let reversed_icns: foldhash::HashSet<&str> = claims
            .iter()
            .filter(|c| c.reversal)
            .filter_map(|c| c.icn)
            .collect();
        let mut by_pcn: HashMap<&str, Queue> = HashMap::default();
        let mut by_f8: HashMap<&str, Queue> = HashMap::default();
        for (k, c) in claims.iter().enumerate() {
            if c.reversal {
                continue;
            }
            if reversed_pcns.contains(c.pcn) {
                by_pcn.entry(c.pcn).or_default().at.push(k);
            }
            if let Some(f8) = c.f8.filter(|f8| reversed_icns.contains(f8)) {
                by_f8.entry(f8).or_default().at.push(k);
            }
        }
        // Originals not yet reversed, by (CLP01, CLP07), nearest last.
        let mut open: HashMap<(&str, Option<&str>), Vec<usize>> = HashMap::default();
        for (r, rev) in claims.iter().enumerate() {
            let key = (rev.pcn, rev.icn);
            if !rev.reversal {
                if reversed_pcns.contains(rev.pcn) {
                    open.entry(key).or_default().push(r);
                }
                continue;
            }
            if let Some(j) = open.get_mut(&key).and_then(Vec::pop) {
                if let Some(slot) = links.reversed_by.get_mut(j) {
                    *slot = Some(r);
                }
                if let Some(slot) = links.reverses.get_mut(r) {
                    *slot = Some(j);
                }
            }
            let same_pcn = by_pcn
                .get_mut(key.0)
                .and_then(|q| q.first_free(r, &links.corrects));
            let by_icn = key
                .1
                .and_then(|icn| by_f8.get_mut(icn))
                .and_then(|q| q.first_free(r, &links.corrects));
            let correction = match (same_pcn, by_icn) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            if let Some(k) = correction {
                if let Some(slot) = links.corrected_by.get_mut(r) {
                    *slot = Some(k);
                }
                if let Some(slot) = links.corrects.get_mut(k) {
                    *slot = Some(r);
                }
            }
        }
        links
    }

    fn get(v: &[Option<usize>], i: usize) -> Option<usize> {
        v.get(i).copied().flatten()
    }
}

/// What [`ReversalLinks`] compares of each claim.
struct KeyRef<'a> {
    pcn: &'a str,
    icn: Option<&'a str>,
    reversal: bool,
    f8: Option<&'a str>,
}

/// Per-claim inputs.
struct ClaimCtx<'a> {
    /// Whether to work out correction plans and deadlines (false for [`detect`]).
    plans: bool,
    cache: &'a ExplainCache<'a>,
    rem: &'a Remittance,
    ctx: &'a Context,
    claim: &'a ClaimPayment,
    index: usize,
    kind: ClaimKind,
    remit_date: Option<NaiveDate>,
}

/// Explanations already worked out by an [`Assessor`]. A payment repeats the same few
/// (group, CARC, RARCs) combinations across hundreds of claims, and explaining one builds several
/// strings, so each combination is explained once and then shared.
struct ExplainCache<'a> {
    rules: &'a RuleSet,
    /// Keyed by (group, CARC, RARCs) encoded as one string (see [`ExplainCache::key`]).
    seen: std::cell::RefCell<Explained>,
    /// Scratch space for the key, so a hit allocates nothing.
    key: std::cell::RefCell<Vec<u8>>,
    /// Verdicts of short (group, CARC) pairs without RARCs, the bulk of a paid claim's
    /// triplets, by [`ExplainCache::short_key`]: one integer to hash instead of a key to build.
    short: std::cell::RefCell<foldhash::HashMap<u64, Verdict>>,
}

impl<'a> ExplainCache<'a> {
    fn new(rules: &'a RuleSet) -> Self {
        ExplainCache {
            rules,
            seen: Default::default(),
            key: Default::default(),
            short: Default::default(),
        }
    }

    /// (group, CARC) packed into one integer when both fit: the first byte holds the two
    /// lengths, so different pairs never share a key.
    fn short_key(group: &str, carc: &str) -> Option<u64> {
        let (g, c) = (group.as_bytes(), carc.as_bytes());
        if g.len() > 3 || c.len() > 4 {
            return None;
        }
        let mut key = [0u8; 8];
        key[0] = (g.len() as u8) << 4 | c.len() as u8;
        key.get_mut(1..1 + g.len())?.copy_from_slice(g);
        key.get_mut(1 + g.len()..1 + g.len() + c.len())?
            .copy_from_slice(c);
        Some(u64::from_le_bytes(key))
    }

    /// Writes (group, CARC, RARCs) to `out` as length-prefixed parts, so different triples never
    /// share a key whatever bytes the codes hold.
    fn key(out: &mut Vec<u8>, group: &str, carc: &str, rarcs: &[String]) {
        out.clear();
        for part in [group, carc]
            .into_iter()
            .chain(rarcs.iter().map(String::as_str))
        {
            out.extend_from_slice(&(part.len() as u64).to_le_bytes());
            out.extend_from_slice(part.as_bytes());
        }
    }

    fn explain(&self, group: &str, carc: &str, rarcs: &[String]) -> Arc<Explanation> {
        self.with(group, carc, rarcs, |e, _| Arc::clone(e))
    }

    /// How a triplet of this (group, CARC, RARCs) reads, without its explanation.
    fn verdict(&self, group: &str, carc: &str, rarcs: &[String]) -> Verdict {
        let Some(short) = rarcs
            .is_empty()
            .then(|| Self::short_key(group, carc))
            .flatten()
        else {
            return self.with(group, carc, rarcs, |_, v| *v);
        };
        if let Some(v) = self.short.borrow().get(&short) {
            return *v;
        }
        let v = self.with(group, carc, rarcs, |_, v| *v);
        self.short.borrow_mut().insert(short, v);
        v
    }

    fn with<R>(
        &self,
        group: &str,
        carc: &str,
        rarcs: &[String],
        f: impl FnOnce(&Arc<Explanation>, &Verdict) -> R,
    ) -> R {
        let mut key = self.key.borrow_mut();
        Self::key(&mut key, group, carc, rarcs);
        if let Some((e, v)) = self.seen.borrow().get(key.as_slice()) {
            return f(e, v);
        }
        let refs: Vec<&str> = rarcs.iter().map(String::as_str).collect();
        let e = Arc::new(self.rules.explain(Some(group), Some(carc), &refs));
        let v = Verdict {
            denial_when_positive: is_denial_reading(&e, &GroupCode::parse(group), Decimal::ONE),
            pending: e.class == Class::Pending,
        };
        let r = f(&e, &v);
        self.seen.borrow_mut().insert(key.clone(), (e, v));
        r
    }
}

/// Explanations and verdicts by (group, CARC, RARCs) key.
type Explained = foldhash::HashMap<Vec<u8>, (Arc<Explanation>, Verdict)>;

/// What a (group, CARC, RARCs) reading decides about a triplet, kept with its explanation.
#[derive(Clone, Copy)]
struct Verdict {
    /// A denial when its amount is positive ([`is_denial_reading`]).
    denial_when_positive: bool,
    /// The claim is not final at the payer ([`Class::Pending`]).
    pending: bool,
}

/// The most remark codes kept in one scope (a line's LQ codes plus its claim's MIA/MOA codes):
/// more than a valid 835 can carry (99 LQ, 5 MIA, 5 MOA). Each denial row lists its scope's
/// codes, so without a bound a claim of thousands of remarks and thousands of CAS triplets
/// made a 150 KB file into a 470 MB report.
pub const MAX_REMARKS: usize = 128;

/// Remark codes (HE) of a list, normalised, skipping blanks and duplicates, up to
/// [`MAX_REMARKS`]. Returns false when codes were left out.
fn push_remarks<'a>(
    out: &mut Vec<String>,
    remarks: impl Iterator<Item = &'a denali_x12::remit::Remark>,
) -> bool {
    for r in remarks {
        if r.qualifier != "HE" {
            continue;
        }
        let code = crate::codes::normalize_code(&r.code);
        if !code.is_empty() && !add_code(out, code) {
            return false;
        }
    }
    true
}

/// Adds one normalised code to a scope unless it is there; false when the scope is full and
/// the code is new (left out).
fn add_code<S: AsRef<str> + Into<String>>(out: &mut Vec<String>, code: S) -> bool {
    if out.iter().any(|c| c == code.as_ref()) {
        return true;
    }
    if out.len() == MAX_REMARKS {
        return false;
    }
    out.push(code.into());
    true
}

/// A claim's remark codes (HE) as [`push_remarks`] would add them, worked out once per claim:
/// distinct, normalised, in order, and no more than any scope can use. Merging them into a scope
/// with [`push_codes`] gives exactly what merging the claim's whole list with `push_remarks`
/// gives, codes and answer alike. `MAX_REMARKS + 1` of them are enough: with `k` codes in the
/// scope, of which `j ≤ k` are the claim's, the claim's first `MAX_REMARKS + 1` distinct codes
/// hold `j` to skip and more than the `MAX_REMARKS - k` that fit, so a merge of the whole list
/// has decided (added all it can, or left one out) before it gets past them.
///
/// Merging the whole list into every line's scope was quadratic: a 400 KB claim of 10,000 MOA
/// repeating three codes over 12,000 lines took 7 s.
fn claim_remark_codes<'a>(
    remarks: impl Iterator<Item = &'a denali_x12::remit::Remark>,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for r in remarks {
        if r.qualifier != "HE" {
            continue;
        }
        let code = crate::codes::normalize_code(&r.code);
        if !code.is_empty() && !out.contains(&code) {
            out.push(code);
            if out.len() > MAX_REMARKS {
                break;
            }
        }
    }
    out
}

/// Adds `codes` (distinct, normalised: see [`claim_remark_codes`]) to a scope as
/// [`push_remarks`] adds remarks. Returns false when codes were left out.
fn push_codes(out: &mut Vec<String>, codes: &[String]) -> bool {
    codes.iter().all(|code| add_code(out, code.as_str()))
}

/// A line's remark scope: its own codes, then its claim's (worked out once with
/// [`claim_remark_codes`]), stopping when the scope is full. Returns false when codes were
/// left out. The assessment and the paid screen both build scopes with it.
fn line_scope<'a>(
    out: &mut Vec<String>,
    line: impl Iterator<Item = &'a denali_x12::remit::Remark>,
    claim_codes: &[String],
) -> bool {
    push_remarks(out, line) && push_codes(out, claim_codes)
}

fn is_denial_reading(e: &Explanation, group: &GroupCode, amount: Decimal) -> bool {
    let kind_says = match e.kind {
        Kind::Denial => true,
        Kind::Unknown => *group != GroupCode::Pr,
        Kind::Contractual | Kind::PatientResponsibility | Kind::Informational => false,
    };
    kind_says && amount > Decimal::ZERO
}

/// CLP02 codes that say the claim is not final at this payer.
fn is_pending_status(status: &ClaimStatus) -> bool {
    matches!(
        status,
        ClaimStatus::Pended
            | ClaimStatus::NotProcessed
            | ClaimStatus::NotOurClaimForwarded
            | ClaimStatus::Predetermination
    )
}

/// What is done about a denial on a claim its payer has not adjudicated (see
/// [`is_pending_status`]), instead of what its codes would ask for: a claim the payer
/// forwarded (23), pended or has not processed waits for the final answer, and a
/// predetermination (25, pricing only) is not a claim to correct or appeal. No deadline runs.
fn hold_for_status(d: &mut Denial, status: &ClaimStatus) {
    let (route, why) = match status {
        ClaimStatus::Predetermination => (
            Route::NoAction,
            "CLP02 = 25: a predetermination (pricing only), not an adjudicated claim; nothing to correct or appeal",
        ),
        ClaimStatus::NotOurClaimForwarded => (
            Route::Wait,
            "CLP02 = 23: the payer forwarded the claim to another payer; wait for that payer's answer (billing it again would be a duplicate)",
        ),
        _ => (
            Route::Wait,
            "the claim is not final at this payer (CLP02); wait for its adjudication",
        ),
    };
    reroute(d, route, why);
    d.deadline = None;
}

/// Sends `d` to `route` instead of its codes' own, for the reason `why`: its proposals are
/// dropped, and its summary says why and keeps what the codes alone would have done.
fn reroute(d: &mut Denial, route: Route, why: &str) {
    d.corrections.route = route;
    d.corrections.summary = format!("{why} (the codes alone read: {})", d.corrections.summary);
    d.corrections.proposals.clear();
}

/// How a triplet reads with its scope's remark codes: its group, its explanation, and whether
/// it is a denial.
fn read_triplet(
    cache: &ExplainCache<'_>,
    adj: &denali_x12::remit::Adjustment,
    rarcs: &[String],
) -> (GroupCode, Arc<Explanation>, bool) {
    let group = GroupCode::parse(adj.group.code());
    let explanation = cache.explain(adj.group.code(), &adj.reason, rarcs);
    let is_denial = is_denial_reading(&explanation, &group, adj.amount);
    (group, explanation, is_denial)
}

fn assess_claim(c: &ClaimCtx<'_>, links: &ReversalLinks) -> ClaimAssessment {
    let claim = c.claim;
    let rules = &c.ctx.rules;
    let mut notes = Vec::new();

    let claim_codes = claim_remark_codes(claim.remarks.iter());
    let mut claim_rarcs = Vec::new();
    let mut all_remarks = push_codes(&mut claim_rarcs, &claim_codes);

    // Classify every triplet.
    let mut adjustments = Vec::new();
    let classify = |adj: &denali_x12::remit::Adjustment,
                    line_index: Option<usize>,
                    rarcs: &[String]|
     -> ClassifiedAdjustment {
        let (group, explanation, is_denial) = read_triplet(c.cache, adj, rarcs);
        ClassifiedAdjustment {
            claim_index: c.index,
            line_index,
            level: if line_index.is_some() {
                Level::Line
            } else {
                Level::Claim
            },
            group,
            carc: explanation.carc.clone().unwrap_or_default(),
            rarcs: rarcs.to_vec(),
            amount: adj.amount,
            quantity: adj.quantity,
            explanation,
            is_denial,
        }
    };
    for adj in &claim.adjustments {
        adjustments.push(classify(adj, None, &claim_rarcs));
    }
    for (li, line) in claim.service_lines.iter().enumerate() {
        let mut rarcs = Vec::new();
        all_remarks &= line_scope(&mut rarcs, line.remarks.iter(), &claim_codes);
        for adj in &line.adjustments {
            adjustments.push(classify(adj, Some(li), &rarcs));
        }
    }

    if !all_remarks {
        notes.push(format!(
            "more than {MAX_REMARKS} remark codes in one scope; the rest were left out"
        ));
    }

    // Reversals: nothing is reported as a denial.
    let reversal = claim.is_reversal();
    let reversed_later = ReversalLinks::get(&links.reversed_by, c.index);
    if reversal || reversed_later.is_some() {
        if reversal {
            notes.push(match ReversalLinks::get(&links.reverses, c.index) {
                Some(j) => format!(
                    "reversal (CLP02 = 22) of claim {j} in this remittance; its adjustments net out with it"
                ),
                None => "reversal (CLP02 = 22) of an earlier payment; its adjustments net out with the original".to_string(),
            });
            if let Some(k) = ReversalLinks::get(&links.corrected_by, c.index) {
                notes.push(format!("the corrected claim follows at claim {k}"));
            }
        }
        if let Some(r) = reversed_later {
            notes.push(format!(
                "reversed by claim {r} in this remittance; the correction replaces it"
            ));
        }
        for a in &mut adjustments {
            a.is_denial = false;
        }
        return ClaimAssessment {
            claim_index: c.index,
            outcome: Outcome::Reversed,
            denied_amount: Decimal::ZERO,
            denials: Vec::new(),
            adjustments,
            claim_kind: c.kind,
            notes,
        };
    }
    if let Some(r) = ReversalLinks::get(&links.corrects, c.index) {
        notes.push(format!("corrects the payment reversed at claim {r}"));
    }

    // Outcome inputs.
    let patient_share = |line: Option<usize>| -> Decimal {
        adjustments
            .iter()
            .filter(|a| line.is_none() || a.line_index == line)
            .filter(|a| a.explanation.kind == Kind::PatientResponsibility)
            .filter(|a| a.amount > Decimal::ZERO)
            .map(|a| a.amount)
            .sum()
    };
    let pending_triplet = adjustments
        .iter()
        .any(|a| a.explanation.class == Class::Pending);
    let pending_status = is_pending_status(&claim.status_code);
    if pending_status {
        notes.push(format!(
            "CLP02 = {}: not final at this payer",
            claim.status_code.code()
        ));
    }
    let claim_full = claim.payment_amount <= Decimal::ZERO && patient_share(None) <= Decimal::ZERO;

    let mut synthetic: Option<ClassifiedAdjustment> = None;
    let any_denial = adjustments.iter().any(|a| a.is_denial);
    if claim.status_code == ClaimStatus::Denied && !any_denial {
        let explained: Decimal = adjustments
            .iter()
            .filter(|a| a.amount > Decimal::ZERO)
            .map(|a| a.amount)
            .sum();
        let amount = (claim.total_charge - claim.payment_amount - explained).max(Decimal::ZERO);
        let refs: Vec<&str> = claim_rarcs.iter().map(String::as_str).collect();
        let mut e = rules.explain(Some("CO"), Some("31"), &refs);
        e.carc = None;
        e.status = None;
        e.description =
            "Claim denied (CLP02 = 4: patient not recognised, not forwarded) with no adjustment code"
                .to_string();
        e.reason = format!(
            "synthetic: CLP02 = 4 and no CAS denial; read as CO-31 (patient not identified as insured); {}",
            e.reason
        );
        notes.push("CLP02 = 4 with no denial adjustment: synthetic claim-level denial".to_string());
        synthetic = Some(ClassifiedAdjustment {
            claim_index: c.index,
            line_index: None,
            level: Level::Claim,
            group: GroupCode::Co,
            carc: String::new(),
            rarcs: claim_rarcs.clone(),
            amount,
            quantity: None,
            explanation: Arc::new(e),
            is_denial: true,
        });
    }

    let has_denials = any_denial || synthetic.is_some();
    let outcome = if pending_triplet || pending_status {
        Outcome::Pending
    } else if !has_denials {
        Outcome::Paid
    } else if claim_full {
        Outcome::Denied
    } else {
        Outcome::PartiallyDenied
    };

    let rule = c.ctx.payers.resolve(c.rem, claim);
    let mut denials = Vec::new();
    for a in synthetic
        .iter()
        .chain(adjustments.iter().filter(|a| a.is_denial))
    {
        let line = a.line_index.and_then(|li| claim.service_lines.get(li));
        let full = match (a.line_index, line) {
            (Some(li), Some(l)) => {
                l.payment <= Decimal::ZERO && patient_share(Some(li)) <= Decimal::ZERO
            }
            _ => outcome == Outcome::Denied,
        };
        let mut d = make_denial(c, a, line, full, &rule, outcome == Outcome::Denied);
        if pending_status && c.plans {
            hold_for_status(&mut d, &claim.status_code);
        }
        // CLP02 = 4 whose adjustments account for the whole charge: nothing is left for the
        // denial to have taken, so a person reads the claim rather than resubmitting it.
        let synthesized = synthetic.as_ref().is_some_and(|s| std::ptr::eq(s, a));
        if synthesized && d.amount.is_zero() && c.plans {
            reroute(
                &mut d,
                Route::Review,
                "Review: CLP02 = 4, but the adjustments account for the whole charge",
            );
        }
        denials.push(d);
    }
    let denied_amount = denials.iter().map(|d| d.amount).sum();

    ClaimAssessment {
        claim_index: c.index,
        outcome,
        denied_amount,
        denials,
        adjustments,
        claim_kind: c.kind,
        notes,
    }
}

/// The date a filing window counts from: for an institutional claim the statement through
/// date when given (a span claim's window counts from its through date, at claim level or on
/// any line, dated or not); otherwise the line's date, else the claim's.
fn service_date(c: &ClaimCtx<'_>, line: Option<&ServicePayment>) -> Option<NaiveDate> {
    // An institutional claim is filed (and resubmitted) whole: its window counts from the
    // statement's through date whichever line was denied (DOMAIN 4.3).
    if c.kind == ClaimKind::Institutional {
        let through = c
            .claim
            .dates
            .iter()
            .find(|d| d.qualifier == "233")
            .and_then(|d| d.date);
        if through.is_some() {
            return through;
        }
    }
    line.and_then(ServicePayment::service_date)
        .or_else(|| c.claim.service_date())
}

fn make_denial(
    c: &ClaimCtx<'_>,
    a: &ClassifiedAdjustment,
    line: Option<&ServicePayment>,
    full: bool,
    rule: &PayerRule,
    claim_denied: bool,
) -> Denial {
    if !c.plans {
        return Denial {
            claim_index: c.index,
            line_index: a.line_index,
            level: a.level,
            group: a.group.clone(),
            carc: a.carc.clone(),
            rarcs: a.rarcs.clone(),
            amount: a.amount,
            payer_id: c.rem.payer_id().map(str::to_string),
            full,
            explanation: Arc::clone(&a.explanation),
            corrections: CorrectionPlan {
                route: a.explanation.route,
                summary: String::new(),
                proposals: Vec::new(),
                evidence: None,
            },
            deadline: None,
        };
    }
    let mut corrections = correct::plan(&CorrectionInput {
        rules: &c.ctx.rules,
        claim: c.claim,
        line,
        explanation: &a.explanation,
        kind: c.kind,
        payer: rule,
        claim_denied,
    });
    // Billing another payer runs on that payer's filing clock, when the table knows it.
    let other_rule;
    let clock_rule = if corrections.route == crate::codes::Route::BillOtherPayer {
        let other_id = c
            .claim
            .corrected_priority_payer
            .as_ref()
            .and_then(|n| n.id.as_deref())
            .unwrap_or("");
        other_rule = c.ctx.payers.resolve_ids(&[other_id], None);
        &other_rule
    } else {
        rule
    };
    let filed_from = service_date(c, line);
    let deadline = payer::deadline(&DeadlineInput {
        route: corrections.route,
        appealable: a.explanation.appealable,
        rule: clock_rule,
        remit_date: c.remit_date,
        service_date: filed_from,
        as_of: c.ctx.as_of,
    });
    // A replacement is still a claim the filing limit applies to (DOMAIN 3.1). Once that window
    // has closed the deadline shown is the appeal's; say so, since many payers then deny the
    // replacement as late (CO-29) and only the appeal is left.
    if matches!(corrections.route, Route::CorrectedClaim | Route::VoidAndNew)
        && deadline.is_some_and(|d| d.kind == payer::DeadlineKind::Appeal)
        && let Some(closed) = filed_from
            .and_then(|d| payer::filing_window_end(clock_rule, d))
            .filter(|closed| *closed < c.ctx.as_of)
    {
        corrections.summary.push_str(&format!(
            " [the filing window closed on {closed}: if the payer denies the claim as late, appeal]"
        ));
    }
    Denial {
        claim_index: c.index,
        line_index: a.line_index,
        level: a.level,
        group: a.group.clone(),
        carc: a.carc.clone(),
        rarcs: a.rarcs.clone(),
        amount: a.amount,
        payer_id: c.rem.payer_id().map(str::to_string),
        full,
        explanation: Arc::clone(&a.explanation),
        corrections,
        deadline,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The first version of [`ReversalLinks::find`]: a nested search, quadratic in the claims of
    /// a remittance, kept as the reference the indexed one must agree with.
    fn naive(claims: &[ClaimPayment]) -> ReversalLinks {
        let n = claims.len();
        let mut links = ReversalLinks {
            reversed_by: vec![None; n],
            reverses: vec![None; n],
            corrected_by: vec![None; n],
            corrects: vec![None; n],
        };
        for (r, rev) in claims.iter().enumerate() {
            if !rev.is_reversal() {
                continue;
            }
            let same_pcn =
                |c: &ClaimPayment| c.patient_control_number == rev.patient_control_number;
            // The original: an earlier, not yet reversed claim with the same CLP01 and CLP07.
            let original = claims.iter().enumerate().take(r).rev().find(|(j, c)| {
                !c.is_reversal()
                    && same_pcn(c)
                    && c.payer_claim_control_number == rev.payer_claim_control_number
                    && links.reversed_by.get(*j).is_some_and(Option::is_none)
            });
            if let Some((j, _)) = original {
                if let Some(slot) = links.reversed_by.get_mut(j) {
                    *slot = Some(r);
                }
                if let Some(slot) = links.reverses.get_mut(r) {
                    *slot = Some(j);
                }
            }
            // The correction: the next non-reversal with the same CLP01 (or whose REF*F8 is the
            // reversed CLP07).
            let icn = rev.payer_claim_control_number.as_deref();
            let correction = claims.iter().enumerate().skip(r + 1).find(|(k, c)| {
                !c.is_reversal()
                    && (same_pcn(c) || (icn.is_some() && c.reference("F8") == icn))
                    && links.corrects.get(*k).is_some_and(Option::is_none)
            });
            if let Some((k, _)) = correction {
                if let Some(slot) = links.corrected_by.get_mut(r) {
                    *slot = Some(k);
                }
                if let Some(slot) = links.corrects.get_mut(k) {
                    *slot = Some(r);
                }
            }
        }
        links
    }

    /// One remittance from (CLP01, reversal?, CLP07, REF*F8) per claim.
    fn remittance(claims: &[(u8, bool, Option<u8>, Option<u8>)]) -> Remittance {
        let mut x =
            String::from("ST*835*0001~BPR*I*0*C*NON~TRN*1*T*1~N1*PR*P~N1*PE*E*XX*1234567893~");
        for (pcn, reversal, icn, f8) in claims {
            let status = if *reversal { "22" } else { "1" };
            let icn = icn.map(|i| format!("I{i}")).unwrap_or_default();
            x.push_str(&format!("CLP*P{pcn}*{status}*10*0**MC*{icn}~"));
            if let Some(f) = f8 {
                x.push_str(&format!("REF*F8*I{f}~"));
            }
        }
        x.push_str("SE*1*0001~");
        let mut r = denali_x12::Reader::from_slice(x.as_bytes());
        while let Ok(Some(ev)) = r.next_event() {
            if let denali_x12::Event::Transaction(tx) = ev {
                return denali_x12::remit::parse_835(&tx, &Default::default()).0;
            }
        }
        Remittance::default()
    }

    /// Same links for claims `0..n` (a set without reversals keeps empty lists).
    fn same(a: &ReversalLinks, b: &ReversalLinks, n: usize) -> bool {
        let get = ReversalLinks::get;
        (0..n).all(|i| {
            get(&a.reversed_by, i) == get(&b.reversed_by, i)
                && get(&a.reverses, i) == get(&b.reverses, i)
                && get(&a.corrected_by, i) == get(&b.corrected_by, i)
                && get(&a.corrects, i) == get(&b.corrects, i)
        })
    }

    fn remark(qualifier: &str, code: &str) -> denali_x12::remit::Remark {
        denali_x12::remit::Remark {
            qualifier: qualifier.into(),
            code: code.into(),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

        /// A line's scope built from the claim's codes worked out once (`claim_remark_codes`,
        /// `push_codes`) equals the scope built from the claim's whole list, codes and "left
        /// out" answer alike, with lists short and long, repeated, blank, odd-cased and over
        /// the bound.
        #[test]
        fn claim_codes_once_merge_like_the_whole_list(
            claim in proptest::collection::vec((0u16..320, 0u8..6), 0..700),
            line in proptest::collection::vec((0u16..320, 0u8..6), 0..160),
        ) {
            let make = |v: &[(u16, u8)]| -> Vec<denali_x12::remit::Remark> {
                v.iter()
                    .map(|&(n, k)| match k {
                        0 => remark("RX", &format!("N{n}")),
                        1 => remark("HE", ""),
                        2 => remark("HE", &format!(" n{n} ")),
                        _ => remark("HE", &format!("N{}", n % 40 + u16::from(k) * n / 4)),
                    })
                    .collect()
            };
            let (claim, line) = (make(&claim), make(&line));
            let codes = claim_remark_codes(claim.iter());
            let (mut whole, mut once) = (Vec::new(), Vec::new());
            prop_assert_eq!(push_codes(&mut once, &codes), push_remarks(&mut whole, claim.iter()));
            prop_assert_eq!(&once, &whole);
            let (mut whole, mut once) = (Vec::new(), Vec::new());
            let a = push_remarks(&mut whole, line.iter()) && push_remarks(&mut whole, claim.iter());
            let b = line_scope(&mut once, line.iter(), &codes);
            prop_assert_eq!(a, b);
            prop_assert_eq!(once, whole);
        }

        #[test]
        fn indexed_reversal_links_match_the_nested_search(
            claims in proptest::collection::vec(
                (0u8..3, any::<bool>(), proptest::option::of(0u8..3), proptest::option::of(0u8..3)),
                0..40,
            )
        ) {
            let rem = remittance(&claims);
            prop_assert_eq!(rem.claims.len(), claims.len());
            let links = ReversalLinks::from_claims(&rem.claims);
            prop_assert!(same(&links, &naive(&rem.claims), claims.len()));
            let keys: Vec<_> = rem.claims.iter().map(ClaimPayment::key).collect();
            prop_assert_eq!(ReversalLinks::from_keys(&keys), links);
        }
    }

    /// 100,000 reversals with no original: the nested search took 18 s in `denali report`
    /// (release); this guards the complexity, with a bound far above the linear time.
    #[test]
    fn many_reversals_link_in_linear_time() {
        let claims: Vec<_> = (0..100_000u32)
            .map(|i| (i % 200) as u8)
            .map(|p| (p, true, Some(p % 3), None))
            .collect();
        let rem = remittance(&claims);
        let t = std::time::Instant::now();
        let links = ReversalLinks::from_claims(&rem.claims);
        assert!(links.reverses.iter().all(Option::is_none));
        assert!(
            t.elapsed() < std::time::Duration::from_secs(5),
            "{:?}",
            t.elapsed()
        );
    }
}
