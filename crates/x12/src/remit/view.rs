//! Borrowed 835 claims: located in one pass over the segment ids, decoded only when asked.
//!
//! [`RemittanceView::new`] follows the loops of a transaction set the way [`parse_835`] does
//! (CLP opens a claim; LX, PLB and SE close it; SVC opens a service line inside it) but splits
//! no element: it keeps where each claim and line lies, four bytes per claim and per line.
//! [`ClaimView`] and [`LineView`] then decode on demand, from the reader's bytes, exactly what
//! `parse_835` would put in the same field, and [`RemittanceView::balance`] runs the three
//! balancing rules splitting only CLP, SVC, CAS, BPR and PLB. Where every field is wanted,
//! [`ClaimView::to_claim_payment`] reads the claim's segments with `parse_835`'s own reading.
//!
//! [`parse_835`]: super::parse_835

use std::borrow::Cow;
use std::sync::Mutex;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::model::*;
use super::parse::{Balance, Seg, Spare, Walk, check_charge, check_payment, walk};
use crate::error::{Diagnostic, DiagnosticCode, Position, SegmentId};
use crate::reader::{ParseOptions, TransactionSet};
use crate::segment::{Element, Segment};
use crate::value;

const CLP: SegmentId = SegmentId::constant(b"CLP");
const SVC: SegmentId = SegmentId::constant(b"SVC");
const CAS: SegmentId = SegmentId::constant(b"CAS");
const LX: SegmentId = SegmentId::constant(b"LX");
const PLB: SegmentId = SegmentId::constant(b"PLB");
const SE: SegmentId = SegmentId::constant(b"SE");
const BPR: SegmentId = SegmentId::constant(b"BPR");
const MIA: SegmentId = SegmentId::constant(b"MIA");
const MOA: SegmentId = SegmentId::constant(b"MOA");
const LQ: SegmentId = SegmentId::constant(b"LQ");
const REF: SegmentId = SegmentId::constant(b"REF");

/// The sums of an 835's payment, as [`RemittanceView::balance_with_totals`] reads them
/// (missing or malformed amounts count as zero, as in the owned model).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PaymentTotals {
    /// CLP segments.
    pub claims: usize,
    /// Σ CLP03.
    pub total_charge: Decimal,
    /// Σ CLP04.
    pub claim_payments: Decimal,
    /// Σ PLB amounts (positive reduces the payment).
    pub provider_adjustments: Decimal,
    /// BPR02 (of the BPR the reading keeps: the last before the first claim).
    pub total_paid: Decimal,
}

/// Where one claim lies: segment indexes in the set.
#[derive(Clone, Copy, Debug)]
struct ClaimSpan {
    /// The CLP.
    start: u32,
    /// One past the claim's last segment (the next CLP, LX, PLB or SE).
    end: u32,
    /// The claim's lines: `lines[first_line..end_line]` are their SVC indexes.
    first_line: u32,
    end_line: u32,
    /// The LX the claim is grouped under, if any.
    lx: Option<u32>,
}

/// An 835 transaction set with its claims and service lines located, nothing decoded.
///
/// ```
/// use denali_x12::{Reader, Event, ParseOptions, remit};
/// let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/835/basic.835"))?;
/// let opts = ParseOptions::default();
/// let mut reader = Reader::from_slice(&bytes);
/// while let Some(event) = reader.next_event()? {
///     if let Event::Transaction(tx) = event {
///         let view = remit::RemittanceView::new(&tx, &opts);
///         assert!(view.balance().is_empty());
///         let (whole, _) = remit::parse_835(&tx, &opts);
///         assert_eq!(view.len(), whole.claims.len());
///         for (claim, owned) in view.claims().zip(&whole.claims) {
///             assert_eq!(claim.patient_control_number(), owned.patient_control_number.as_str());
///             assert_eq!(claim.payment_amount(), owned.payment_amount);
///             assert_eq!(claim.lines().len(), owned.service_lines.len());
///             assert_eq!(claim.to_claim_payment().0, *owned);
///         }
///     }
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct RemittanceView<'v, 'r> {
    tx: &'v TransactionSet<'r>,
    opts: &'v ParseOptions,
    claims: Vec<ClaimSpan>,
    /// SVC indexes of every claim's lines, claim after claim.
    lines: Vec<u32>,
    /// Elements of the segment being decoded, kept from one decode to the next.
    els: Mutex<Vec<Element<'r>>>,
}

impl std::fmt::Debug for RemittanceView<'_, '_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RemittanceView")
            .field("set_id", &self.tx.set_id)
            .field("claims", &self.claims.len())
            .field("lines", &self.lines.len())
            .finish()
    }
}

impl<'v, 'r> RemittanceView<'v, 'r> {
    /// Locates the claims and lines of `tx` (none when it is not an 835). `opts` is kept for
    /// the element limit, which the view applies as `parse_835` does.
    pub fn new(tx: &'v TransactionSet<'r>, opts: &'v ParseOptions) -> Self {
        let mut view = RemittanceView {
            tx,
            opts,
            claims: Vec::new(),
            lines: Vec::new(),
            els: Mutex::default(),
        };
        if tx.set_id != "835" {
            return view;
        }
        let mut lx: Option<u32> = None;
        let mut open: Option<ClaimSpan> = None;
        for (i, id) in (0u32..).zip(tx.ids()) {
            if id == CLP {
                view.close(open.take(), i);
                open = Some(ClaimSpan {
                    start: i,
                    end: i,
                    first_line: view.lines.len() as u32,
                    end_line: 0,
                    lx,
                });
            } else if id == SVC {
                if open.is_some() {
                    view.lines.push(i);
                }
            } else if id == LX {
                view.close(open.take(), i);
                lx = Some(i);
            } else if id == PLB || id == SE {
                view.close(open.take(), i);
            }
        }
        let n = tx.segment_count() as u32;
        view.close(open, n);
        view
    }

    fn close(&mut self, open: Option<ClaimSpan>, end: u32) {
        if let Some(mut c) = open {
            c.end = end;
            c.end_line = self.lines.len() as u32;
            self.claims.push(c);
        }
    }

    /// The transaction set viewed.
    pub fn transaction(&self) -> &'v TransactionSet<'r> {
        self.tx
    }

    /// The number of claims (CLP segments): the same as `parse_835(..).claims.len()`.
    pub fn len(&self) -> usize {
        self.claims.len()
    }

    /// No claim in the set.
    pub fn is_empty(&self) -> bool {
        self.claims.is_empty()
    }

    /// Claim `index` (0-based, file order).
    pub fn claim(&self, index: usize) -> Option<ClaimView<'_, 'r>> {
        let span = *self.claims.get(index)?;
        Some(ClaimView {
            view: self,
            span,
            index,
        })
    }

    /// The [`ClaimKey`] of every claim in order, equal to
    /// [`claim_keys`](super::claim_keys) of the set, from the view's index: only each CLP and
    /// its claim-level REFs are read.
    pub fn claim_keys(&self) -> Vec<ClaimKey> {
        self.claims().map(|c| c.key()).collect()
    }

    /// The claims in file order.
    pub fn claims(&self) -> impl ExactSizeIterator<Item = ClaimView<'_, 'r>> + '_ {
        self.claims
            .iter()
            .enumerate()
            .map(move |(index, &span)| ClaimView {
                view: self,
                span,
                index,
            })
    }

    /// The remittance without its claims (payment, payer, payee, provider adjustments), read
    /// from the segments outside every claim by `parse_835`'s reading, with its diagnostics
    /// for those segments (required header segments included; balancing is [`Self::balance`]).
    pub fn header(&self) -> (Remittance, Vec<Diagnostic>) {
        let detail_from = self
            .claims
            .first()
            .and_then(|c| self.segment(c.start))
            .map_or(u64::MAX, |s| s.position().offset);
        // No text for the whole set: checking all of it would cost more than reading the few
        // segments outside the claims, which are then checked one by one.
        walk(
            self.tx,
            self.outside_claims(),
            None,
            Walk::Header { detail_from },
            self.opts,
            &mut Spare::default(),
            |_, _, _| {},
        )
    }

    /// The segments that belong to no claim, in order.
    fn outside_claims(&self) -> impl Iterator<Item = Segment<'r>> + '_ {
        let mut from = 0usize;
        let gaps = self
            .claims
            .iter()
            .map(|c| {
                let gap = from..c.start as usize;
                from = c.end as usize;
                gap
            })
            .collect::<Vec<_>>();
        let last = from..self.tx.segment_count();
        gaps.into_iter()
            .chain(std::iter::once(last))
            .flat_map(|r| self.tx.segments_in(r))
    }

    /// The three balancing rules of the TR3, as `parse_835` reports them (same warnings, same
    /// order): each service line (SVC02 − its CAS = SVC03), each claim (CLP03 − every CAS of
    /// the claim = CLP04), then the payment (Σ CLP04 − provider adjustments = BPR02). Amounts
    /// that are missing or malformed count as zero, as in `parse_835`, which also reports them.
    pub fn balance(&self) -> Vec<Diagnostic> {
        self.balance_with_totals().1
    }

    /// [`Self::balance`] with the sums it balanced: what a payment poster reconciles, without
    /// decoding the amounts a second time.
    pub fn balance_with_totals(&self) -> (PaymentTotals, Vec<Diagnostic>) {
        self.balance_reading(&mut ())
    }

    /// [`Self::balance_with_totals`], and the amounts it balanced that are missing or
    /// malformed, each an error with its position: they count as zero, so a set can balance
    /// only because an amount could not be read (`1,250.00` for `1250.00`). The third list is
    /// what `parse_835` reports of the same amounts, in other words.
    pub fn balance_checked(&self) -> (PaymentTotals, Vec<Diagnostic>, Vec<Diagnostic>) {
        let mut unread = Vec::new();
        let (totals, diags) = self.balance_reading(&mut unread);
        (totals, diags, unread)
    }

    fn balance_reading(&self, unread: &mut impl Unread) -> (PaymentTotals, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        let mut totals = PaymentTotals {
            claims: self.claims.len(),
            ..PaymentTotals::default()
        };
        if self.tx.set_id != "835" {
            return (totals, diags);
        }
        for c in self.claims() {
            let (charge, payment) = c.balance_into(&mut diags, unread);
            totals.total_charge += charge;
            totals.claim_payments += payment;
        }
        (totals.total_paid, totals.provider_adjustments) =
            self.payment_rule(totals.claim_payments, &mut diags, unread);
        (totals, diags)
    }

    /// The payment rule alone (Σ CLP04 − provider adjustments = BPR02), for a caller that has
    /// balanced the claims itself (with [`ClaimView::balance`], or from the diagnostics of
    /// [`ClaimView::to_claim_payment`]) and summed their CLP04 into `claim_payments`.
    pub fn balance_payment(&self, claim_payments: Decimal) -> Vec<Diagnostic> {
        let mut diags = Vec::new();
        if self.tx.set_id == "835" {
            self.payment_rule(claim_payments, &mut diags, &mut ());
        }
        diags
    }

    /// [`Self::balance_payment`], and the amounts it read that are missing or malformed (BPR02,
    /// PLB amounts), as [`Self::balance_checked`] reports them.
    pub fn balance_payment_checked(
        &self,
        claim_payments: Decimal,
    ) -> (Vec<Diagnostic>, Vec<Diagnostic>) {
        let (mut diags, mut unread) = (Vec::new(), Vec::new());
        if self.tx.set_id == "835" {
            self.payment_rule(claim_payments, &mut diags, &mut unread);
        }
        (diags, unread)
    }

    /// Checks the payment rule into `diags`; returns BPR02 and the provider adjustments.
    fn payment_rule(
        &self,
        claim_payments: Decimal,
        diags: &mut Vec<Diagnostic>,
        unread: &mut impl Unread,
    ) -> (Decimal, Decimal) {
        // BPR before the first claim (the last one read, as the reading keeps it) and every PLB.
        let first_claim = self.claims.first().map_or(usize::MAX, |c| c.start as usize);
        let mut total_paid = Decimal::ZERO;
        let mut bpr = self.tx.position();
        let mut provider_adjustments = Decimal::ZERO;
        for (i, id) in self.tx.ids_in(0..usize::MAX) {
            let is_bpr = id == BPR && i < first_claim;
            if !is_bpr && id != PLB {
                continue;
            }
            let Some(seg) = self.tx.segment_at(i) else {
                continue;
            };
            if is_bpr {
                // The position of BPR02 when it is there (even empty), else of the segment.
                let b = self.elements(&seg).nth(1);
                bpr = match b {
                    Some(b) => seg.position_of(2, b),
                    None => seg.position().at_element(2),
                };
                total_paid = unread.amount(b.unwrap_or_default(), &seg, 2);
            } else {
                // PLB03/04, 05/06…: an amount counts when its reason is there.
                let mut reason = false;
                for (n, el) in (1..).zip(self.elements(&seg)) {
                    if n >= 3 && n % 2 == 1 {
                        reason = !el.is_empty();
                    } else if n >= 4 && reason {
                        provider_adjustments += unread.amount(el, &seg, n);
                    }
                }
            }
        }
        check_payment(bpr, total_paid, claim_payments, provider_adjustments, diags);
        (total_paid, provider_adjustments)
    }

    fn segment(&self, i: u32) -> Option<Segment<'r>> {
        self.tx.segment_at(i as usize)
    }

    /// The elements of `seg` within the element limit, as bytes.
    #[inline]
    fn elements(&self, seg: &Segment<'r>) -> impl Iterator<Item = &'r [u8]> + 'r {
        seg.elements()
            .take(self.opts.max_elements)
            .map(|e| e.as_bytes())
    }

    /// The segments at indexes `range` whose id is one of `ids`, found by id before a segment
    /// is made.
    fn segments_of<'a>(
        &'a self,
        range: std::ops::Range<usize>,
        ids: &'a [SegmentId],
    ) -> impl Iterator<Item = Segment<'r>> + 'a {
        self.tx
            .ids_in(range)
            .filter(|(_, id)| ids.contains(id))
            .filter_map(|(i, _)| self.tx.segment_at(i))
    }

    /// [`ClaimView::all_triplets`] over the CAS segments at indexes `range`: CAS02, 05, 08…
    /// when not empty, each with the amount after it, as `Seg::adjustments` reads them; the
    /// elements are walked, not split.
    fn all_triplets_in(
        &self,
        range: std::ops::Range<usize>,
        f: &mut impl FnMut(&CasTriplet<'_>) -> bool,
    ) -> bool {
        self.segments_of(range, &[CAS]).all(|seg| {
            let mut els = self.elements(&seg);
            let group = GroupCode::from_code(els.next().unwrap_or_default());
            while let Some(reason) = els.next() {
                let amount = els.next().unwrap_or_default();
                els.next(); // the quantity
                if reason.is_empty() {
                    continue;
                }
                let triplet = CasTriplet {
                    group: &group,
                    reason: String::from_utf8_lossy(reason),
                    amount,
                };
                if !f(&triplet) {
                    return false;
                }
            }
            true
        })
    }

    /// The sum of the CAS amounts among the segments at `range`, counted as the reading
    /// counts them: CAS03, 06, 09… when the reason code before them is there.
    fn cas_total(&self, range: std::ops::Range<usize>, unread: &mut impl Unread) -> Decimal {
        let mut total = Decimal::ZERO;
        for (i, id) in self.tx.ids_in(range) {
            if id != CAS {
                continue;
            }
            let Some(seg) = self.tx.segment_at(i) else {
                continue;
            };
            let mut reason = false;
            for (n, el) in (1..).zip(self.elements(&seg)) {
                match n % 3 {
                    2 => reason = !el.is_empty(),
                    0 if reason => total += unread.amount(el, &seg, n),
                    _ => {}
                }
            }
        }
        total
    }

    /// Runs one of the reading's decoders on `seg`, split (within the element limit) into the
    /// view's reusable element buffer. What the decoder reports is dropped: the view decodes,
    /// `parse_835` reports.
    fn decode<R>(&self, seg: Segment<'r>, f: impl FnOnce(&mut Seg<'_, 'r>) -> R) -> R {
        // The view is shared across threads as freely as the set it views: a thread that finds
        // the buffer in use decodes into a vector of its own.
        let mut held = self.els.try_lock().ok();
        let mut own = Vec::new();
        let els = match held.as_deref_mut() {
            Some(v) => v,
            None => &mut own,
        };
        seg.split_into(els);
        els.truncate(self.opts.max_elements);
        let mut diags = Vec::new();
        f(&mut Seg {
            seg,
            els,
            text: None,
            diags: &mut diags,
        })
    }

    /// Element `n` (1-based) of `seg` within the element limit, empty when absent.
    fn element(&self, seg: &Segment<'r>, n: usize) -> &'r [u8] {
        if n > self.opts.max_elements {
            return &[];
        }
        seg.get(n)
    }
}

/// One claim (loop 2100 with its 2110 lines), borrowed from a [`RemittanceView`].
#[derive(Clone, Copy, Debug)]
pub struct ClaimView<'v, 'r> {
    view: &'v RemittanceView<'v, 'r>,
    span: ClaimSpan,
    index: usize,
}

impl<'v, 'r> ClaimView<'v, 'r> {
    /// The claim's index in its set (0-based): the index `parse_835_each` gives it.
    pub fn index(&self) -> usize {
        self.index
    }

    /// The CLP segment.
    pub fn clp(&self) -> Segment<'r> {
        // A span always starts at its CLP, which is inside the set.
        self.view.segment(self.span.start).unwrap_or_else(|| {
            Segment::new(Default::default(), &[], self.view.tx.delimiters(), 0, 0)
        })
    }

    /// Where the CLP is.
    pub fn position(&self) -> Position {
        self.clp().position()
    }

    /// The claim's segments, from its CLP to the last before the next CLP, LX, PLB or SE.
    pub fn segments(&self) -> impl ExactSizeIterator<Item = Segment<'r>> + Clone + 'r {
        self.view
            .tx
            .segments_in(self.span.start as usize..self.span.end as usize)
    }

    /// The claim-level segments' indexes: from the CLP to the first SVC.
    fn claim_range(&self) -> std::ops::Range<usize> {
        let end = self
            .view
            .lines
            .get(self.span.first_line as usize)
            .copied()
            .filter(|_| self.span.first_line < self.span.end_line)
            .unwrap_or(self.span.end);
        self.span.start as usize..end as usize
    }

    fn clp_element(&self, n: usize) -> &'r [u8] {
        self.view.element(&self.clp(), n)
    }

    /// What links the claim to the reversals of its set, as
    /// [`claim_keys`](super::claim_keys) reads it: CLP01, CLP07, whether CLP02 is 22, and the
    /// first claim-level REF*F8.
    pub fn key(&self) -> ClaimKey {
        let view = self.view;
        let original_reference = view
            .tx
            .ids_in(self.claim_range())
            .filter(|&(_, id)| id == REF)
            .filter_map(|(i, _)| view.tx.segment_at(i))
            .find_map(|s| {
                let mut els = view.elements(&s);
                (els.next() == Some(b"F8")).then(|| value::text(els.next().unwrap_or_default()))
            });
        // One pass over CLP01, 02 and 07.
        let clp = self.clp();
        let mut els = view.elements(&clp);
        let pcn = els.next().unwrap_or_default();
        let status = els.next().unwrap_or_default();
        let icn = els.nth(4).unwrap_or_default();
        ClaimKey {
            patient_control_number: value::text(pcn),
            payer_claim_control_number: value::opt_text(icn),
            reversal: status == b"22",
            original_reference,
        }
    }

    /// CLP01 patient control number (the 837's CLM01).
    pub fn patient_control_number(&self) -> Cow<'r, str> {
        String::from_utf8_lossy(self.clp_element(1))
    }

    /// CLP02 claim status.
    pub fn status(&self) -> ClaimStatus {
        ClaimStatus::from_code(self.clp_element(2))
    }

    /// A reversal of an earlier payment (CLP02 = 22).
    pub fn is_reversal(&self) -> bool {
        self.clp_element(2) == b"22"
    }

    /// CLP03 total charge (zero when missing or malformed, as in [`ClaimPayment`]).
    pub fn total_charge(&self) -> Decimal {
        amount(self.clp_element(3))
    }

    /// CLP04 payment amount (zero when missing or malformed, as in [`ClaimPayment`]).
    pub fn payment_amount(&self) -> Decimal {
        amount(self.clp_element(4))
    }

    /// CLP05 patient responsibility, when present and a number.
    pub fn patient_responsibility(&self) -> Option<Decimal> {
        super::parse::number(self.clp_element(5))
    }

    /// CLP06 claim filing indicator.
    pub fn filing_indicator(&self) -> Option<Cow<'r, str>> {
        opt_str(self.clp_element(6))
    }

    /// CLP07 payer claim control number (ICN).
    pub fn payer_claim_control_number(&self) -> Option<Cow<'r, str>> {
        opt_str(self.clp_element(7))
    }

    /// CLP09 claim frequency type code.
    pub fn frequency_code(&self) -> Option<Cow<'r, str>> {
        opt_str(self.clp_element(9))
    }

    /// The claim-level CAS triplets, as [`ClaimPayment::adjustments`] holds them.
    pub fn adjustments(&self) -> Vec<Adjustment> {
        let mut out = Vec::new();
        self.adjustments_into(&mut out);
        out
    }

    /// [`Self::adjustments`], appended to `out` (for a caller that reuses one buffer).
    pub fn adjustments_into(&self, out: &mut Vec<Adjustment>) {
        for seg in self.view.segments_of(self.claim_range(), &[CAS]) {
            self.view.decode(seg, |s| s.adjustments(out));
        }
    }

    /// Whether `f` holds for every claim-level CAS triplet, read in order as
    /// [`Self::adjustments_into`] reads them but without decoding amounts or quantities (see
    /// [`CasTriplet`]); stops at the first for which it does not.
    pub fn all_triplets(&self, mut f: impl FnMut(&CasTriplet<'_>) -> bool) -> bool {
        self.view.all_triplets_in(self.claim_range(), &mut f)
    }

    /// The claim's remark codes (MIA05 and MIA20-23, MOA03-07, qualified `HE`), as
    /// [`ClaimPayment::remarks`] holds them.
    pub fn remarks(&self) -> Vec<Remark> {
        let mut out = Vec::new();
        self.remarks_into(&mut out);
        out
    }

    /// [`Self::remarks`], appended to `out`.
    pub fn remarks_into(&self, out: &mut Vec<Remark>) {
        let span = self.span.start as usize..self.span.end as usize;
        for seg in self.view.segments_of(span, &[MIA, MOA]) {
            let id = seg.id();
            let positions: &[usize] = if id == MIA {
                &[5, 20, 21, 22, 23]
            } else if id == MOA {
                &[3, 4, 5, 6, 7]
            } else {
                continue;
            };
            self.view.decode(seg, |s| {
                out.extend(positions.iter().filter_map(|&n| s.remark("HE", n)));
            });
        }
    }

    /// The earliest service date of the claim, as [`ClaimPayment::service_date`]: the first
    /// claim-level DTM*232, else the earliest of its lines' dates.
    pub fn service_date(&self) -> Option<NaiveDate> {
        self.view
            .tx
            .segments_in(self.claim_range())
            .filter(|s| s.id().is("DTM"))
            .find(|s| self.view.element(s, 1) == b"232")
            .and_then(|s| value::date(self.view.element(&s, 2)))
            .or_else(|| self.lines().filter_map(|l| l.service_date()).min())
    }

    /// The service lines (loop 2110), in order.
    pub fn lines(&self) -> impl ExactSizeIterator<Item = LineView<'v, 'r>> + 'v {
        let view = self.view;
        let claim_end = self.span.end;
        let svcs = view
            .lines
            .get(self.span.first_line as usize..self.span.end_line as usize)
            .unwrap_or(&[]);
        svcs.iter().enumerate().map(move |(i, &start)| LineView {
            view,
            start,
            end: svcs.get(i + 1).copied().unwrap_or(claim_end),
        })
    }

    /// Line and claim balancing of this claim, as `parse_835` reports it.
    pub fn balance(&self) -> Vec<Diagnostic> {
        let mut diags = Vec::new();
        self.balance_into(&mut diags, &mut ());
        diags
    }

    /// [`Self::balance`], and the amounts it balanced that are missing or malformed (each an
    /// error with its position, as `parse_835` reports them): they count as zero, so a claim
    /// can look paid, or balance, only because an amount could not be read. Both lists are
    /// empty, and allocate nothing, for a claim that balances and reads cleanly.
    pub fn balance_checked(&self) -> (Vec<Diagnostic>, Vec<Diagnostic>) {
        let (mut diags, mut unread) = (Vec::new(), Vec::new());
        self.balance_into(&mut diags, &mut unread);
        (diags, unread)
    }

    /// Balances the claim into `diags`; returns CLP03 and CLP04 for the payment's totals.
    fn balance_into(
        &self,
        diags: &mut Vec<Diagnostic>,
        unread: &mut impl Unread,
    ) -> (Decimal, Decimal) {
        let view = self.view;
        let clp = self.clp();
        let mut els = view.elements(&clp);
        let charge = unread.amount(els.nth(2).unwrap_or_default(), &clp, 3);
        let payment = unread.amount(els.next().unwrap_or_default(), &clp, 4);
        let mut adjustments = view.cas_total(self.claim_range(), unread);
        for line in self.lines() {
            let svc = line.svc();
            let mut els = view.elements(&svc);
            let line_charge = unread.amount(els.nth(1).unwrap_or_default(), &svc, 2);
            let line_payment = unread.amount(els.next().unwrap_or_default(), &svc, 3);
            let line_adjustments = view.cas_total(line.start as usize..line.end as usize, unread);
            adjustments += line_adjustments;
            check_charge(
                Balance::Line,
                svc.position(),
                line_charge,
                line_adjustments,
                line_payment,
                diags,
            );
        }
        check_charge(
            Balance::Claim,
            clp.position(),
            charge,
            adjustments,
            payment,
            diags,
        );
        (charge, payment)
    }

    /// The claim as `parse_835` reads it, with the diagnostics of its segments (line and claim
    /// balancing included).
    pub fn to_claim_payment(&self) -> (ClaimPayment, Vec<Diagnostic>) {
        self.to_claim_payment_reusing(&mut ClaimBuffers::default())
    }

    /// [`Self::to_claim_payment`], built in the vectors of claims given back to `buffers`
    /// ([`ClaimBuffers::recycle`]): reading many claims one after another then allocates
    /// only where a claim is larger than those before it.
    pub fn to_claim_payment_reusing(
        &self,
        buffers: &mut ClaimBuffers,
    ) -> (ClaimPayment, Vec<Diagnostic>) {
        let tx = self.view.tx;
        let range = self.span.start as usize..self.span.end as usize;
        let text = std::str::from_utf8(tx.bytes_in(range.clone())).ok();
        // The LX first, read again for the claim's header number.
        let lx = self.span.lx.map_or(0..0, |i| i as usize..i as usize + 1);
        let mut claim = None;
        let (_, mut diags) = walk(
            tx,
            tx.segments_in(lx.clone()).chain(tx.segments_in(range)),
            text,
            Walk::Claim,
            self.view.opts,
            &mut buffers.0,
            |_, _, slot| claim = slot.take(),
        );
        // What the LX itself gave (an element limit) belongs to the segments outside claims.
        if let Some(lx) = tx.segments_in(lx).next() {
            let lx = lx.position().segment_index;
            diags.retain(|d| d.position.segment_index != lx);
        }
        (claim.unwrap_or_default(), diags)
    }
}

/// One CAS adjustment triplet as sent, with only its group and reason decoded: for a caller
/// that decides from the codes whether the amount matters, such as a screen for claims that
/// are plainly paid. [`ClaimView::adjustments_into`] reads the same triplets in full.
#[derive(Debug)]
pub struct CasTriplet<'s> {
    /// CAS01, the group code.
    pub group: &'s GroupCode,
    /// The reason code (CARC), as [`Adjustment::reason`] holds it.
    pub reason: Cow<'s, str>,
    amount: &'s [u8],
}

impl CasTriplet<'_> {
    /// The amount, as [`Adjustment::amount`] holds it: zero when missing or malformed.
    pub fn amount(&self) -> Decimal {
        super::parse::number(self.amount).unwrap_or(Decimal::ZERO)
    }
}

/// Vectors of claims read before, for [`ClaimView::to_claim_payment_reusing`] to build the
/// next claims in. Only emptied vectors are kept, so nothing of one claim shows in another.
#[derive(Default)]
pub struct ClaimBuffers(Spare);

impl ClaimBuffers {
    /// Keeps `claim`'s vectors (emptied) for the next claims read.
    pub fn recycle(&mut self, claim: ClaimPayment) {
        self.0.keep(claim);
    }
}

impl std::fmt::Debug for ClaimBuffers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClaimBuffers").finish_non_exhaustive()
    }
}

/// One service line (loop 2110), borrowed from a [`RemittanceView`].
#[derive(Clone, Copy, Debug)]
pub struct LineView<'v, 'r> {
    view: &'v RemittanceView<'v, 'r>,
    /// The SVC.
    start: u32,
    /// One past the line's last segment.
    end: u32,
}

impl<'v, 'r> LineView<'v, 'r> {
    /// The SVC segment.
    pub fn svc(&self) -> Segment<'r> {
        self.view.segment(self.start).unwrap_or_else(|| {
            Segment::new(Default::default(), &[], self.view.tx.delimiters(), 0, 0)
        })
    }

    /// Where the SVC is.
    pub fn position(&self) -> Position {
        self.svc().position()
    }

    /// The line's segments, from its SVC to the last before the next SVC or the claim's end.
    pub fn segments(&self) -> impl ExactSizeIterator<Item = Segment<'r>> + Clone + 'r {
        self.view.tx.segments_in(self.range())
    }

    /// The indexes of [`Self::segments`].
    fn range(&self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    /// SVC01 adjudicated procedure, as [`ServicePayment::procedure`] holds it.
    pub fn procedure(&self) -> Procedure {
        self.view
            .decode(self.svc(), |s| s.procedure(1, Vec::new()))
            .unwrap_or_default()
    }

    /// SVC02 line charge (zero when missing or malformed, as in [`ServicePayment`]).
    pub fn charge(&self) -> Decimal {
        amount(self.view.element(&self.svc(), 2))
    }

    /// SVC03 line payment (zero when missing or malformed, as in [`ServicePayment`]).
    pub fn payment(&self) -> Decimal {
        amount(self.view.element(&self.svc(), 3))
    }

    /// The line's CAS triplets, as [`ServicePayment::adjustments`] holds them.
    pub fn adjustments(&self) -> Vec<Adjustment> {
        let mut out = Vec::new();
        self.adjustments_into(&mut out);
        out
    }

    /// [`Self::adjustments`], appended to `out`.
    pub fn adjustments_into(&self, out: &mut Vec<Adjustment>) {
        for seg in self.view.segments_of(self.range(), &[CAS]) {
            self.view.decode(seg, |s| s.adjustments(out));
        }
    }

    /// [`ClaimView::all_triplets`] for the line's CAS triplets.
    pub fn all_triplets(&self, mut f: impl FnMut(&CasTriplet<'_>) -> bool) -> bool {
        self.view.all_triplets_in(self.range(), &mut f)
    }

    /// The line's remark codes (LQ01 qualifier, LQ02 code), as [`ServicePayment::remarks`]
    /// holds them.
    pub fn remarks(&self) -> Vec<Remark> {
        let mut out = Vec::new();
        self.remarks_into(&mut out);
        out
    }

    /// [`Self::remarks`], appended to `out`.
    pub fn remarks_into(&self, out: &mut Vec<Remark>) {
        for seg in self.view.segments_of(self.range(), &[LQ]) {
            self.view.decode(seg, |s| {
                if let Some(code) = s.opt_text(2) {
                    out.push(Remark {
                        qualifier: s.text(1),
                        code,
                    });
                }
            });
        }
    }

    /// REF*6R line item control number (the first, as [`ServicePayment::control_number`]).
    pub fn control_number(&self) -> Option<Cow<'r, str>> {
        self.segments()
            .filter(|s| s.id().is("REF"))
            .find(|s| self.view.element(s, 1) == b"6R")
            .map(|s| String::from_utf8_lossy(self.view.element(&s, 2)))
    }

    /// The service date: DTM*472, else the start of DTM*150 (as
    /// [`ServicePayment::service_date`]).
    pub fn service_date(&self) -> Option<NaiveDate> {
        let find = |q: &[u8]| {
            self.segments()
                .filter(|s| s.id().is("DTM"))
                .find(|s| self.view.element(s, 1) == q)
                .and_then(|s| value::date(self.view.element(&s, 2)))
        };
        find(b"472").or_else(|| find(b"150"))
    }
}

/// An amount as the reading decodes a required one: zero when missing or malformed.
fn amount(b: &[u8]) -> Decimal {
    super::parse::number(b).unwrap_or(Decimal::ZERO)
}

/// Where the balancing reports the amounts it could not read (missing or malformed, counted as
/// zero): nowhere (`()`, for the report, at no cost), or a list.
trait Unread {
    /// Element `n` of `seg`, `b`, as an amount: zero when missing or malformed, as in the owned
    /// model, and then reported.
    #[inline]
    fn amount(&mut self, b: &[u8], seg: &Segment<'_>, n: usize) -> Decimal {
        super::parse::number(b).unwrap_or_else(|| {
            self.unread(b, seg, n);
            Decimal::ZERO
        })
    }

    fn unread(&mut self, b: &[u8], seg: &Segment<'_>, n: usize);
}

impl Unread for () {
    #[inline]
    fn unread(&mut self, _: &[u8], _: &Segment<'_>, _: usize) {}
}

impl Unread for Vec<Diagnostic> {
    fn unread(&mut self, b: &[u8], seg: &Segment<'_>, n: usize) {
        report_unread(self, b, seg, n);
    }
}

/// Reports an amount [`Unread::amount`] could not read; out of the way of the balancing.
#[cold]
#[inline(never)]
fn report_unread(out: &mut Vec<Diagnostic>, b: &[u8], seg: &Segment<'_>, n: usize) {
    let (code, problem) = if b.is_empty() {
        (DiagnosticCode::MissingElement, "is missing")
    } else {
        (
            DiagnosticCode::InvalidValue,
            "is not a number of at most 18 integer digits",
        )
    };
    out.push(Diagnostic::error(
        code,
        seg.position_of(n, b),
        format!("amount {}{n:02} {problem}; balanced as 0", seg.id()),
    ));
}

fn opt_str(b: &[u8]) -> Option<Cow<'_, str>> {
    (!b.is_empty()).then(|| String::from_utf8_lossy(b))
}

#[cfg(test)]
mod tests {
    use crate::{Event, ParseOptions, Reader, remit};

    /// A view is shared across threads like the set it views (its decode buffer is taken
    /// when free, else a thread decodes into its own): claims read on four threads at once
    /// equal the claims read on one.
    #[test]
    fn a_view_reads_the_same_claims_from_many_threads() {
        fn shared<T: Sync>(_: &T) {}
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../fixtures/835/large_200.835"
        );
        let bytes = std::fs::read(path).expect("fixture");
        let opts = ParseOptions::default();
        let mut reader = Reader::from_slice(&bytes);
        let mut claims = 0;
        while let Ok(Some(event)) = reader.next_event() {
            let Event::Transaction(tx) = event else {
                continue;
            };
            let view = remit::RemittanceView::new(&tx, &opts);
            shared(&view);
            let one: Vec<_> = view
                .claims()
                .map(|c| (c.adjustments(), c.remarks(), c.to_claim_payment()))
                .collect();
            std::thread::scope(|s| {
                let threads: Vec<_> = (0..4)
                    .map(|_| {
                        s.spawn(|| {
                            view.claims()
                                .map(|c| (c.adjustments(), c.remarks(), c.to_claim_payment()))
                                .collect::<Vec<_>>()
                        })
                    })
                    .collect();
                for t in threads {
                    assert!(t.join().expect("thread") == one);
                }
            });
            claims += one.len();
        }
        assert!(claims >= 200, "{claims}");
    }
}
