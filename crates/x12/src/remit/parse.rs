//! From a transaction set to a [`Remittance`]: one pass over the segments, no backtracking.
//!
//! The walker keeps a small state (header, payer, payee, claim, service line, summary) that
//! decides where REF, DTM, CAS, AMT and QTY belong: the same segment id means different things in
//! different loops, and the TR3's loop order (CLP opens 2100, SVC opens 2110, PLB closes the
//! detail) is all that is needed to tell them apart.

use rust_decimal::Decimal;

use super::model::*;
use crate::error::{Diagnostic, DiagnosticCode, Position};
use crate::reader::{ParseOptions, TransactionSet};
use crate::segment::{Element, Segment};
use crate::value::{self, Text};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Header,
    Payer,
    Payee,
    Claim,
    Service,
    Summary,
}

/// 10^18: amounts and quantities must be smaller in magnitude (X12 `R` elements hold at most 18
/// digits). The bound keeps every sum over one transaction set (at most 2^31 numbers in its
/// 4 GiB) far below `Decimal::MAX`, so the totals and balancing checks cannot overflow:
/// `Decimal`'s `+` and `-` panic on overflow (regression test: `fuzz_decimal_sum_overflow`).
const MAX_AMOUNT: Decimal = Decimal::from_parts(0xA764_0000, 0x0DE0_B6B3, 0, false, 0);

/// An amount or quantity: a [`value::decimal`] smaller in magnitude than [`MAX_AMOUNT`].
#[inline]
pub(super) fn number(b: &[u8]) -> Option<Decimal> {
    let d = value::decimal(b)?;
    // 18 bytes hold at most 18 digits, which cannot reach 10^18: only longer ones are compared.
    (b.len() <= 18 || d.abs() < MAX_AMOUNT).then_some(d)
}

/// One segment with its elements split, plus where diagnostics go.
pub(super) struct Seg<'s, 'a> {
    pub(super) seg: Segment<'a>,
    pub(super) els: &'s [Element<'a>],
    /// The segment as text when it is valid UTF-8 (checked once, so elements need no check).
    pub(super) text: Option<&'a str>,
    pub(super) diags: &'s mut Vec<Diagnostic>,
}

impl<'a> Seg<'_, 'a> {
    /// Text of element bytes `b` (a sub-slice of this segment): sliced from the segment's text
    /// when that was valid UTF-8, else decoded with replacement like [`value::text`].
    #[inline]
    fn text_of(&self, b: &'a [u8]) -> Text {
        match self.text.and_then(|s| sub_str(s, b)) {
            Some(t) => Text::new(t),
            None => value::text(b),
        }
    }

    #[inline]
    fn opt_text_of(&self, b: &'a [u8]) -> Option<Text> {
        if b.is_empty() {
            None
        } else {
            Some(self.text_of(b))
        }
    }

    #[inline]
    pub(super) fn b(&self, n: usize) -> &'a [u8] {
        n.checked_sub(1)
            .and_then(|i| self.els.get(i))
            .map(|e| e.as_bytes())
            .unwrap_or(&[])
    }

    fn el(&self, n: usize) -> Option<Element<'a>> {
        n.checked_sub(1).and_then(|i| self.els.get(i)).copied()
    }

    pub(super) fn text(&self, n: usize) -> Text {
        self.text_of(self.b(n))
    }

    pub(super) fn opt_text(&self, n: usize) -> Option<Text> {
        self.opt_text_of(self.b(n))
    }

    pub(super) fn pos(&self, n: usize) -> Position {
        match n.checked_sub(1).and_then(|i| self.els.get(i)) {
            Some(el) => self.seg.position_of(n, el.as_bytes()),
            None => self.seg.position().at_element(n),
        }
    }

    /// A required amount: missing or malformed is reported and read as zero.
    pub(super) fn dec(&mut self, n: usize, what: &str) -> Decimal {
        let b = self.b(n);
        if b.is_empty() {
            let pos = self.pos(n);
            self.diags.push(Diagnostic::error(
                DiagnosticCode::MissingElement,
                pos,
                format!("{what} is missing; read as 0"),
            ));
            return Decimal::ZERO;
        }
        match number(b) {
            Some(d) => d,
            None => {
                let pos = self.pos(n);
                self.diags.push(Diagnostic::error(
                    DiagnosticCode::InvalidValue,
                    pos,
                    format!("{what} is not a number of at most 18 integer digits; read as 0"),
                ));
                Decimal::ZERO
            }
        }
    }

    /// An optional number: malformed is reported and dropped.
    pub(super) fn opt_dec(&mut self, n: usize, what: &str) -> Option<Decimal> {
        let b = self.b(n);
        if b.is_empty() {
            return None;
        }
        let d = number(b);
        if d.is_none() {
            let pos = self.pos(n);
            self.diags.push(Diagnostic::error(
                DiagnosticCode::InvalidValue,
                pos,
                format!("{what} is not a number of at most 18 integer digits; ignored"),
            ));
        }
        d
    }

    pub(super) fn date(&mut self, n: usize, what: &str) -> Option<chrono::NaiveDate> {
        let b = self.b(n);
        if b.is_empty() {
            return None;
        }
        let d = value::date(b);
        if d.is_none() {
            let pos = self.pos(n);
            self.diags.push(Diagnostic::error(
                DiagnosticCode::InvalidValue,
                pos,
                format!("{what} is not a valid date; ignored"),
            ));
        }
        d
    }

    fn name(&self, entity_el: usize) -> Name {
        Name {
            entity: self.text(entity_el),
            last: self.opt_text(3),
            first: self.opt_text(4),
            middle: self.opt_text(5),
            suffix: self.opt_text(7),
            id_qualifier: self.opt_text(8),
            id: self.opt_text(9),
        }
    }

    /// The composite procedure in element `n`; its modifiers go to `modifiers` (an empty
    /// vector, perhaps with room already).
    pub(super) fn procedure(&self, n: usize, mut modifiers: Vec<Text>) -> Option<Procedure> {
        let el = self.el(n)?;
        if el.is_empty() {
            return None;
        }
        let mut comps = el.components();
        let qualifier = self.text_of(comps.next().unwrap_or(&[]));
        let code = self.text_of(comps.next().unwrap_or(&[]));
        let mut description = None;
        for (i, c) in comps.enumerate() {
            match i {
                0..=3 if !c.is_empty() => modifiers.push(self.text_of(c)),
                4 => description = self.opt_text_of(c),
                _ => {}
            }
        }
        Some(Procedure {
            qualifier,
            code,
            modifiers,
            description,
        })
    }

    fn reference(&self) -> Reference {
        Reference {
            qualifier: self.text(1),
            value: self.text(2),
        }
    }

    fn date_ref(&mut self) -> DateRef {
        DateRef {
            qualifier: self.text(1),
            date: self.date(2, "DTM02 date"),
        }
    }

    pub(super) fn adjustments(&mut self, out: &mut Vec<Adjustment>) {
        let group = GroupCode::from_code(self.b(1));
        if self.b(1).is_empty() {
            let pos = self.pos(1);
            self.diags.push(Diagnostic::error(
                DiagnosticCode::MissingElement,
                pos,
                "CAS01 group code is missing",
            ));
        }
        let mut i = 2;
        while i <= self.els.len() {
            let reason = self.b(i);
            if reason.is_empty() {
                if !self.b(i + 1).is_empty() {
                    let pos = self.pos(i);
                    self.diags.push(Diagnostic::error(
                        DiagnosticCode::MissingElement,
                        pos,
                        "CAS reason code missing for an amount; amount skipped",
                    ));
                }
                i += 3;
                continue;
            }
            let amount = self.dec(i + 1, "CAS adjustment amount");
            let quantity = self.opt_dec(i + 2, "CAS adjustment quantity");
            out.push(Adjustment {
                group: group.clone(),
                reason: self.text_of(reason),
                amount,
                quantity,
                position: self.pos(i),
            });
            i += 3;
        }
    }

    pub(super) fn remark(&self, qualifier: &str, n: usize) -> Option<Remark> {
        self.opt_text(n).map(|code| Remark {
            qualifier: Text::new(qualifier),
            code,
        })
    }
}

/// The buffers of claims already handed out, reused by the claims that follow: read claim by
/// claim, a set allocates only where a claim is larger than those before it. Only emptied
/// vectors (and boxes whose content is overwritten) are kept, so nothing of one claim can show
/// in the next; a vector grown past [`SPARE_CAPACITY`] is dropped rather than kept.
#[derive(Default)]
pub(super) struct Spare {
    claim: Option<ClaimVecs>,
    lines: Vec<LineVecs>,
    /// The boxes themselves are what is kept: their allocations are reused.
    #[expect(clippy::vec_box, reason = "the boxes' allocations are what is reused")]
    names: Vec<Box<Name>>,
}

/// The most elements a kept vector may have room for, and the most lines kept: what a
/// pathological claim (100,000 CAS triplets) grew is given back.
const SPARE_CAPACITY: usize = 256;

/// A claim's vectors, empty.
#[derive(Default)]
struct ClaimVecs {
    adjustments: Vec<Adjustment>,
    remarks: Vec<Remark>,
    references: Vec<Reference>,
    dates: Vec<DateRef>,
    amounts: Vec<Amount>,
    quantities: Vec<Quantity>,
    service_lines: Vec<ServicePayment>,
}

/// A service line's vectors, empty.
#[derive(Default)]
struct LineVecs {
    modifiers: Vec<Text>,
    dates: Vec<DateRef>,
    adjustments: Vec<Adjustment>,
    remarks: Vec<Remark>,
    references: Vec<Reference>,
    amounts: Vec<Amount>,
    quantities: Vec<Quantity>,
}

/// `v` emptied, or a new vector when `v` had grown past [`SPARE_CAPACITY`].
fn emptied<T>(mut v: Vec<T>) -> Vec<T> {
    if v.capacity() > SPARE_CAPACITY {
        return Vec::new();
    }
    v.clear();
    v
}

impl Spare {
    /// Keeps the buffers of a claim the caller did not take.
    pub(super) fn keep(&mut self, mut c: ClaimPayment) {
        // The vectors are taken out in place: a line is too large to move whole.
        for l in c.service_lines.iter_mut() {
            if self.lines.len() >= SPARE_CAPACITY {
                break;
            }
            self.lines.push(LineVecs {
                modifiers: emptied(std::mem::take(&mut l.procedure.modifiers)),
                dates: emptied(std::mem::take(&mut l.dates)),
                adjustments: emptied(std::mem::take(&mut l.adjustments)),
                remarks: emptied(std::mem::take(&mut l.remarks)),
                references: emptied(std::mem::take(&mut l.references)),
                amounts: emptied(std::mem::take(&mut l.amounts)),
                quantities: emptied(std::mem::take(&mut l.quantities)),
            });
        }
        let names = [
            c.patient,
            c.insured,
            c.corrected_insured,
            c.rendering_provider,
            c.crossover_carrier,
            c.corrected_priority_payer,
            c.other_subscriber,
        ];
        self.names.extend(names.into_iter().flatten());
        self.claim = Some(ClaimVecs {
            adjustments: emptied(c.adjustments),
            remarks: emptied(c.remarks),
            references: emptied(c.references),
            dates: emptied(c.dates),
            amounts: emptied(c.amounts),
            quantities: emptied(c.quantities),
            service_lines: emptied(c.service_lines),
        });
    }

    /// `n` boxed, in a kept box when there is one.
    #[inline]
    fn name(&mut self, n: Name) -> Box<Name> {
        match self.names.pop() {
            Some(mut b) => {
                *b = n;
                b
            }
            None => Box::new(n),
        }
    }
}

/// Reads a transaction set as an 835 remittance.
///
/// Never fails: problems become diagnostics (missing or malformed values, unexpected segments,
/// and the three balancing checks: line, claim, transaction), and every CLP in the set becomes a
/// [`ClaimPayment`], so counts in equal counts out.
///
/// ```
/// use denali_x12::{Reader, Event, ParseOptions, remit};
/// let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/835/basic.835"))?;
/// let mut reader = Reader::from_slice(&bytes);
/// while let Some(event) = reader.next_event()? {
///     if let Event::Transaction(tx) = event {
///         let (remittance, diagnostics) = remit::parse_835(&tx, &ParseOptions::default());
///         assert!(!remittance.claims.is_empty());
///         assert!(diagnostics.is_empty());
///     }
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn parse_835(tx: &TransactionSet<'_>, opts: &ParseOptions) -> (Remittance, Vec<Diagnostic>) {
    let mut claims = Vec::new();
    if tx.set_id == "835" {
        claims.reserve_exact(tx.count("CLP"));
    }
    let (mut rem, diags) = read_835(tx, opts, |_, _, slot| claims.extend(slot.take()));
    rem.claims = claims;
    (rem, diags)
}

/// Reads a transaction set as an 835 claim by claim, for sets too large to hold as one
/// [`Remittance`]: memory stays at one claim whatever the set's size.
///
/// `on_claim` gets each claim as it closes, with its index in the set and the remittance read
/// so far: payment, payer and payee, which the TR3 puts before the first claim (header segments
/// found after it are reported and ignored by both functions, so the header every claim sees
/// is the one the remittance ends with); `claims` is empty. Returns the remittance without its
/// claims (provider adjustments included) and the same diagnostics as [`parse_835`], in the
/// same order: the two functions read the same way (`parse_835` is the same reading, collecting
/// the claims).
///
/// The claim is lent, not given: once `on_claim` returns, its vectors (emptied) are reused for
/// the claims that follow, which is what keeps this reading from allocating once per claim.
/// Take it (`std::mem::take`) or clone it to keep it; change it freely (redact it, for
/// instance) before passing it on.
///
/// ```
/// use denali_x12::{Reader, Event, ParseOptions, remit};
/// let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/835/basic.835"))?;
/// let mut reader = Reader::from_slice(&bytes);
/// while let Some(event) = reader.next_event()? {
///     if let Event::Transaction(tx) = event {
///         let mut paid = rust_decimal::Decimal::ZERO;
///         let (rest, diagnostics) = remit::parse_835_each(&tx, &ParseOptions::default(), |_, _, claim| {
///             paid += claim.payment_amount;
///         });
///         assert!(rest.claims.is_empty());
///         assert_eq!(paid - rest.total_provider_adjustments(), rest.payment.total_paid);
///         assert!(diagnostics.is_empty());
///     }
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn parse_835_each(
    tx: &TransactionSet<'_>,
    opts: &ParseOptions,
    mut on_claim: impl FnMut(&Remittance, usize, &mut ClaimPayment),
) -> (Remittance, Vec<Diagnostic>) {
    read_835(tx, opts, |rem, i, slot| {
        if let Some(claim) = slot {
            on_claim(rem, i, claim);
        }
    })
}

/// The reading behind [`parse_835`] and [`parse_835_each`]: `on_claim` gets each claim in a
/// slot; a claim left there is recycled (its buffers serve the claims that follow), a claim
/// taken out is the caller's.
fn read_835(
    tx: &TransactionSet<'_>,
    opts: &ParseOptions,
    on_claim: impl FnMut(&Remittance, usize, &mut Option<ClaimPayment>),
) -> (Remittance, Vec<Diagnostic>) {
    // One UTF-8 check for the whole set is much cheaper than one per segment; segments are then
    // sliced from it (and checked one by one only when the set as a whole is not valid).
    let text = std::str::from_utf8(tx.as_bytes()).ok();
    walk(
        tx,
        tx.segments(),
        text,
        Walk::Set,
        opts,
        &mut Spare::default(),
        on_claim,
    )
}

/// What a [`walk`] covers, and so which checks of the whole set it makes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Walk {
    /// Every segment of the set: required header segments and payment balancing are checked.
    Set,
    /// The segments outside every claim (see `RemittanceView::header`): required header
    /// segments are checked, the payment is not balanced (the claims are not read). From byte
    /// offset `detail_from` (the first CLP's) on, the header is closed, as the first CLP closes
    /// it in a reading of the whole set.
    Header { detail_from: u64 },
    /// One claim's segments, from its CLP on: neither check.
    Claim,
}

/// The reading itself, over `segments` of `tx` (all of them, or a part, see [`Walk`]); `text`
/// is the bytes from the first segment to the last as text, when they are valid UTF-8.
pub(super) fn walk<'r>(
    tx: &TransactionSet<'r>,
    segments: impl Iterator<Item = Segment<'r>>,
    tx_text: Option<&'r str>,
    walk: Walk,
    opts: &ParseOptions,
    spare: &mut Spare,
    mut on_claim: impl FnMut(&Remittance, usize, &mut Option<ClaimPayment>),
) -> (Remittance, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut rem = Remittance::default();
    if tx.set_id != "835" {
        diags.push(Diagnostic::error(
            DiagnosticCode::WrongTransactionType,
            tx.position().at_element(1),
            "transaction set is not an 835",
        ));
        return (rem, diags);
    }
    // Balancing of each claim as it closes, reported after the reading diagnostics.
    let mut balancing = Vec::new();
    let mut claims_done = 0usize;
    let mut claim_payments = Decimal::ZERO;
    // Hands the claim read last (if any) to `on_claim`; it can no longer change.
    let mut close = |rem: &mut Remittance, balancing: &mut Vec<Diagnostic>, spare: &mut Spare| {
        if let Some(c) = rem.claims.pop() {
            balance_claim(&c, balancing);
            claim_payments += c.payment_amount;
            let mut slot = Some(c);
            on_claim(rem, claims_done, &mut slot);
            claims_done += 1;
            if let Some(c) = slot {
                spare.keep(c);
            }
        }
    };
    let mut state = State::Header;
    let mut els: Vec<Element<'_>> = Vec::with_capacity(32);
    let mut bpr_pos = tx.position();
    let mut seen = [false; 4]; // BPR, TRN, N1*PR, N1*PE
    let mut header_number: Option<Text> = None;
    // Past the first CLP the header (payment, payer, payee) is closed: every claim, handed out
    // as it closes, sees the same header that the whole remittance ends with.
    let mut in_detail = false;
    // The claim being read is the only one in `rem.claims` (the open service line is the last
    // of its lines): built in place, and moved once, to `on_claim`, when the next claim starts
    // or the set ends.
    let mut open_claim = false;
    let mut open_line = false;

    for seg in segments {
        if let Walk::Header { detail_from } = walk
            && seg.position().offset >= detail_from
        {
            in_detail = true;
        }
        seg.split_into(&mut els);
        if els.len() > opts.max_elements {
            els.truncate(opts.max_elements);
            diags.push(Diagnostic::error(
                DiagnosticCode::LimitExceeded,
                seg.position(),
                format!(
                    "more than {} elements; the rest were ignored",
                    opts.max_elements
                ),
            ));
        }
        let raw = seg.as_bytes();
        let text = match tx_text {
            Some(t) => sub_str(t, raw).or_else(|| std::str::from_utf8(raw).ok()),
            None => std::str::from_utf8(raw).ok(),
        };
        if text.is_none() {
            diags.push(Diagnostic::warning(
                DiagnosticCode::InvalidValue,
                seg.position(),
                "segment holds bytes that are not valid UTF-8; text decoded with replacement characters",
            ));
        }
        let mut s = Seg {
            seg,
            els: &els,
            text,
            diags: &mut diags,
        };
        match seg.id().as_bytes() {
            b"ST" | b"SE" => {}
            b"BPR" | b"TRN" | b"N1" if in_detail => unexpected(
                &mut s,
                "header segment after the first claim (the TR3 puts it before LX); ignored",
            ),
            b"BPR" => {
                bpr_pos = s.pos(2);
                seen[0] = true;
                let p = &mut rem.payment;
                p.handling_code =
                    value::opt_text(s.b(1)).map(|t| HandlingCode::from_code(t.as_bytes()));
                p.total_paid = s.dec(2, "BPR02 total payment");
                p.credit_debit = s.opt_text(3);
                p.method = s.opt_text(4);
                p.payment_date = s.date(16, "BPR16 payment date");
            }
            b"TRN" => {
                seen[1] = true;
                rem.payment.trace_number = s.opt_text(2);
                rem.payment.originator_id = s.opt_text(3);
            }
            b"N1" => {
                let party = Party {
                    entity: s.text(1),
                    name: s.opt_text(2),
                    id_qualifier: s.opt_text(3),
                    id: s.opt_text(4),
                    ..Party::default()
                };
                match s.b(1) {
                    b"PR" => {
                        seen[2] = true;
                        rem.payer = party;
                        state = State::Payer;
                    }
                    b"PE" => {
                        seen[3] = true;
                        rem.payee = party;
                        state = State::Payee;
                    }
                    _ => unexpected(&mut s, "N1 entity other than PR or PE"),
                }
            }
            b"N3" | b"N4" => {
                let party = match state {
                    State::Payer => &mut rem.payer,
                    State::Payee => &mut rem.payee,
                    _ => {
                        unexpected(&mut s, "address outside the payer or payee loop");
                        continue;
                    }
                };
                if seg.id().is("N3") {
                    party.address.extend(s.opt_text(1));
                    party.address.extend(s.opt_text(2));
                } else {
                    party.city = s.opt_text(1);
                    party.state = s.opt_text(2);
                    party.postal_code = s.opt_text(3);
                }
            }
            b"LX" => {
                (open_claim, open_line) = (false, false);
                header_number = s.opt_text(1);
                state = State::Header;
            }
            b"CLP" => {
                open_line = false;
                open_claim = true;
                in_detail = true;
                close(&mut rem, &mut balancing, spare);
                let v = spare.claim.take().unwrap_or_default();
                rem.claims.push(ClaimPayment {
                    patient_control_number: s.text(1),
                    status_code: ClaimStatus::from_code(s.b(2)),
                    total_charge: s.dec(3, "CLP03 total charge"),
                    payment_amount: s.dec(4, "CLP04 payment amount"),
                    patient_responsibility: s.opt_dec(5, "CLP05 patient responsibility"),
                    filing_indicator: s.opt_text(6),
                    payer_claim_control_number: s.opt_text(7),
                    facility_code: s.opt_text(8),
                    frequency_code: s.opt_text(9),
                    drg_code: s.opt_text(11),
                    drg_weight: s.opt_dec(12, "CLP12 DRG weight"),
                    discharge_fraction: s.opt_dec(13, "CLP13 discharge fraction"),
                    adjustments: v.adjustments,
                    remarks: v.remarks,
                    patient: None,
                    insured: None,
                    corrected_insured: None,
                    rendering_provider: None,
                    crossover_carrier: None,
                    corrected_priority_payer: None,
                    other_subscriber: None,
                    references: v.references,
                    dates: v.dates,
                    amounts: v.amounts,
                    quantities: v.quantities,
                    service_lines: v.service_lines,
                    header_number: header_number.clone(),
                    position: seg.position(),
                });
                state = State::Claim;
            }
            b"CAS" => match target(&mut rem.claims, state, open_claim, open_line) {
                Target::Line(l) => s.adjustments(&mut l.adjustments),
                Target::Claim(c) => s.adjustments(&mut c.adjustments),
                Target::None => unexpected(&mut s, "CAS outside a claim or service line"),
            },
            b"NM1" => match claim(&mut rem.claims, open_claim) {
                Some(c) if state == State::Claim => {
                    let name = Some(spare.name(s.name(1)));
                    match s.b(1) {
                        b"QC" => c.patient = name,
                        b"IL" => c.insured = name,
                        b"74" => c.corrected_insured = name,
                        b"82" => c.rendering_provider = name,
                        b"TT" => c.crossover_carrier = name,
                        b"PR" => c.corrected_priority_payer = name,
                        b"GB" => c.other_subscriber = name,
                        _ => unexpected(&mut s, "NM1 entity not used in loop 2100"),
                    }
                }
                _ => unexpected(&mut s, "NM1 outside a claim"),
            },
            b"MIA" => match claim(&mut rem.claims, open_claim) {
                Some(c) => {
                    for n in [5, 20, 21, 22, 23] {
                        c.remarks.extend(s.remark("HE", n));
                    }
                }
                None => unexpected(&mut s, "MIA outside a claim"),
            },
            b"MOA" => match claim(&mut rem.claims, open_claim) {
                Some(c) => {
                    for n in 3..=7 {
                        c.remarks.extend(s.remark("HE", n));
                    }
                }
                None => unexpected(&mut s, "MOA outside a claim"),
            },
            b"REF" => {
                let r = s.reference();
                match (state, target(&mut rem.claims, state, open_claim, open_line)) {
                    (_, Target::Line(l)) => {
                        if r.qualifier == "6R" && l.control_number.is_none() {
                            l.control_number = Some(r.value);
                        } else {
                            l.references.push(r);
                        }
                    }
                    (_, Target::Claim(c)) => c.references.push(r),
                    (State::Payer, _) => rem.payer.references.push(r),
                    (State::Payee, _) => rem.payee.references.push(r),
                    (State::Header, _) if !in_detail => rem.payment.references.push(r),
                    _ => unexpected(&mut s, "REF outside a loop that takes it"),
                }
            }
            b"DTM" => {
                let d = s.date_ref();
                match (state, target(&mut rem.claims, state, open_claim, open_line)) {
                    (_, Target::Line(l)) => l.dates.push(d),
                    (_, Target::Claim(c)) => c.dates.push(d),
                    (State::Header, _) if !in_detail => {
                        if d.qualifier == "405" {
                            rem.payment.production_date = d.date;
                        }
                    }
                    _ => unexpected(&mut s, "DTM outside a loop that takes it"),
                }
            }
            b"AMT" => {
                let a = Amount {
                    qualifier: s.text(1),
                    amount: s.dec(2, "AMT02 amount"),
                };
                match target(&mut rem.claims, state, open_claim, open_line) {
                    Target::Line(l) => l.amounts.push(a),
                    Target::Claim(c) => c.amounts.push(a),
                    Target::None => unexpected(&mut s, "AMT outside a claim or service line"),
                }
            }
            b"QTY" => {
                let q = Quantity {
                    qualifier: s.text(1),
                    quantity: s.dec(2, "QTY02 quantity"),
                };
                match target(&mut rem.claims, state, open_claim, open_line) {
                    Target::Line(l) => l.quantities.push(q),
                    Target::Claim(c) => c.quantities.push(q),
                    Target::None => unexpected(&mut s, "QTY outside a claim or service line"),
                }
            }
            b"SVC" => {
                let Some(c) = claim(&mut rem.claims, open_claim) else {
                    unexpected(&mut s, "SVC outside a claim");
                    continue;
                };
                let v = spare.lines.pop().unwrap_or_default();
                let procedure = s.procedure(1, v.modifiers).unwrap_or_default();
                if procedure.code.is_empty() {
                    let pos = s.pos(1);
                    s.diags.push(Diagnostic::error(
                        DiagnosticCode::MissingElement,
                        pos,
                        "SVC01 procedure code is missing",
                    ));
                }
                c.service_lines.push(ServicePayment {
                    procedure,
                    charge: s.dec(2, "SVC02 line charge"),
                    payment: s.dec(3, "SVC03 line payment"),
                    revenue_code: s.opt_text(4),
                    units: s.opt_dec(5, "SVC05 units paid"),
                    submitted_procedure: s.procedure(6, Vec::new()),
                    original_units: s.opt_dec(7, "SVC07 original units"),
                    control_number: None,
                    dates: v.dates,
                    adjustments: v.adjustments,
                    remarks: v.remarks,
                    references: v.references,
                    amounts: v.amounts,
                    quantities: v.quantities,
                    position: seg.position(),
                });
                state = State::Service;
                open_line = true;
            }
            b"LQ" => match target(&mut rem.claims, state, open_claim, open_line) {
                Target::Line(l) => {
                    if let Some(code) = s.opt_text(2) {
                        l.remarks.push(Remark {
                            qualifier: s.text(1),
                            code,
                        });
                    }
                }
                _ => unexpected(&mut s, "LQ outside a service line"),
            },
            b"PLB" => {
                (open_claim, open_line) = (false, false);
                state = State::Summary;
                let mut items = Vec::new();
                let mut i = 3;
                while i <= s.els.len() {
                    if let Some(el) = s.el(i).filter(|e| !e.is_empty()) {
                        items.push(ProviderAdjustmentItem {
                            reason: s.text_of(el.component(1)),
                            reference: s.opt_text_of(el.component(2)),
                            amount: s.dec(i + 1, "PLB adjustment amount"),
                        });
                    }
                    i += 2;
                }
                let fiscal_period_end = s.date(2, "PLB02 fiscal period date");
                rem.provider_adjustments.push(ProviderAdjustment {
                    provider_id: s.text(1),
                    fiscal_period_end,
                    adjustments: items,
                    position: seg.position(),
                });
            }
            // Known segments the model does not keep: contacts, delivery method, currency,
            // provider summary totals.
            b"PER" | b"RDM" | b"CUR" | b"TS3" | b"TS2" => {}
            _ => unexpected(&mut s, "segment not expected in an 835; skipped"),
        }
    }
    close(&mut rem, &mut balancing, spare);
    for (ok, what) in seen
        .iter()
        .zip(["BPR", "TRN", "N1*PR (payer)", "N1*PE (payee)"])
    {
        if !ok && walk != Walk::Claim {
            diags.push(Diagnostic::error(
                DiagnosticCode::MissingSegment,
                tx.position(),
                format!("required {what} segment is missing from the 835"),
            ));
        }
    }
    diags.append(&mut balancing);
    if walk == Walk::Set {
        balance_payment(&rem, claim_payments, bpr_pos, &mut diags);
    }
    (rem, diags)
}

/// The [`ClaimKey`] of every claim of a set, in order, exactly as [`parse_835`] would read
/// them (`claim_keys(tx)[i] == parse_835(tx).claims[i].key()`), without building the claims:
/// only LX, CLP, SVC, PLB and REF segments are looked at, to follow the loops the same way,
/// and only CLP and claim-level REF are split into elements.
///
/// With [`parse_835_each`], this lets a reader link reversals to the claims they cancel (which
/// come before them) and to their corrections (which come after) while holding one claim at a
/// time.
pub fn claim_keys(tx: &TransactionSet<'_>, opts: &ParseOptions) -> Vec<ClaimKey> {
    let mut keys: Vec<ClaimKey> = Vec::new();
    if tx.set_id != "835" {
        return keys;
    }
    let mut els: Vec<Element<'_>> = Vec::with_capacity(16);
    // `in_claim`: the parser's state is loop 2100 (claim-level REFs go to the claim);
    // `open_claim`: a claim is open (an SVC opens a line in it).
    let (mut in_claim, mut open_claim) = (false, false);
    for seg in tx.segments() {
        let id = seg.id();
        // Elements are split only where they matter: CLP, and REF inside a claim. (N1 cannot
        // leave a claim: past the first CLP the parser ignores header segments.)
        match id.as_bytes() {
            b"LX" | b"PLB" => (in_claim, open_claim) = (false, false),
            b"CLP" => {
                (in_claim, open_claim) = (true, true);
                seg.split_into(&mut els);
                els.truncate(opts.max_elements);
                keys.push(ClaimKey {
                    patient_control_number: value::text(el_bytes(&els, 1)),
                    payer_claim_control_number: value::opt_text(el_bytes(&els, 7)),
                    reversal: el_bytes(&els, 2) == b"22",
                    original_reference: None,
                });
            }
            b"SVC" if open_claim => in_claim = false,
            b"REF" if in_claim && open_claim => {
                seg.split_into(&mut els);
                els.truncate(opts.max_elements);
                if el_bytes(&els, 1) == b"F8"
                    && let Some(k) = keys.last_mut().filter(|k| k.original_reference.is_none())
                {
                    k.original_reference = Some(value::text(el_bytes(&els, 2)));
                }
            }
            _ => {}
        }
    }
    keys
}

/// Element `n` (1-based) of split elements, empty when absent.
fn el_bytes<'a>(els: &[Element<'a>], n: usize) -> &'a [u8] {
    n.checked_sub(1)
        .and_then(|i| els.get(i))
        .map_or(&[][..], |e| e.as_bytes())
}

/// `part` (a sub-slice of `whole`'s bytes) as a slice of `whole`, when it lies on character
/// boundaries.
#[inline]
fn sub_str<'a>(whole: &'a str, part: &[u8]) -> Option<&'a str> {
    let start = (part.as_ptr() as usize).wrapping_sub(whole.as_ptr() as usize);
    let t = whole.get(start..start.checked_add(part.len())?)?;
    (t.as_ptr() == part.as_ptr()).then_some(t)
}

fn unexpected(s: &mut Seg<'_, '_>, what: &'static str) {
    let pos = s.seg.position();
    s.diags.push(Diagnostic::warning(
        DiagnosticCode::UnexpectedSegment,
        pos,
        what,
    ));
}

/// Where a segment of loop 2100 or 2110 goes: the open service line in state `Service`, the
/// open claim in state `Claim`.
enum Target<'r> {
    Line(&'r mut ServicePayment),
    Claim(&'r mut ClaimPayment),
    None,
}

#[inline]
fn target(
    claims: &mut [ClaimPayment],
    state: State,
    open_claim: bool,
    open_line: bool,
) -> Target<'_> {
    match (state, claims.last_mut()) {
        (State::Service, Some(c)) if open_claim && open_line => c
            .service_lines
            .last_mut()
            .map_or(Target::None, Target::Line),
        (State::Claim, Some(c)) if open_claim => Target::Claim(c),
        _ => Target::None,
    }
}

/// The open claim, if any.
#[inline]
fn claim(claims: &mut [ClaimPayment], open_claim: bool) -> Option<&mut ClaimPayment> {
    if open_claim { claims.last_mut() } else { None }
}

/// The line and claim balancing rules of the 835 TR3, reported as warnings (amounts are not
/// PHI).
fn balance_claim(c: &ClaimPayment, diags: &mut Vec<Diagnostic>) {
    // Each line's CAS are summed once, for the line and towards the claim
    // (`ClaimPayment::adjustment_total` would sum them again).
    let mut adjustments = c.claim_adjustment_total();
    for l in &c.service_lines {
        let line_adjustments = l.adjustment_total();
        adjustments += line_adjustments;
        check_charge(
            Balance::Line,
            l.position,
            l.charge,
            line_adjustments,
            l.payment,
            diags,
        );
    }
    check_charge(
        Balance::Claim,
        c.position,
        c.total_charge,
        adjustments,
        c.payment_amount,
        diags,
    );
}

/// Which balancing rule [`check_charge`] applies.
#[derive(Clone, Copy)]
pub(super) enum Balance {
    /// SVC02 less the line's CAS amounts is SVC03.
    Line,
    /// CLP03 less every CAS amount of the claim (claim and line level) is CLP04.
    Claim,
}

/// Line or claim balancing: `charge` less `adjustments` is `payment`, else a warning at the
/// payment element of the SVC or CLP at `at`.
pub(super) fn check_charge(
    rule: Balance,
    at: Position,
    charge: Decimal,
    adjustments: Decimal,
    payment: Decimal,
    diags: &mut Vec<Diagnostic>,
) {
    let expect = charge - adjustments;
    if expect == payment {
        return;
    }
    let (code, what, charged, paid, element) = match rule {
        Balance::Line => (DiagnosticCode::LineUnbalanced, "line", "SVC02", "SVC03", 3),
        Balance::Claim => (
            DiagnosticCode::ClaimUnbalanced,
            "claim",
            "CLP03",
            "CLP04",
            4,
        ),
    };
    diags.push(Diagnostic::warning(
        code,
        at.at_element(element),
        format!(
            "{what} does not balance: {charged} {charge} - adjustments {adjustments} = {expect}, but {paid} is {payment}"
        ),
    ));
}

/// The transaction balancing rule: claim payments (Σ CLP04, summed as the claims closed) less
/// provider adjustments equal the payment (BPR02).
fn balance_payment(
    rem: &Remittance,
    claim_payments: Decimal,
    bpr_pos: Position,
    diags: &mut Vec<Diagnostic>,
) {
    check_payment(
        bpr_pos,
        rem.payment.total_paid,
        claim_payments,
        rem.total_provider_adjustments(),
        diags,
    );
}

/// Transaction balancing with the sums at hand; `bpr` is the position of BPR02.
pub(super) fn check_payment(
    bpr: Position,
    total_paid: Decimal,
    claim_payments: Decimal,
    provider_adjustments: Decimal,
    diags: &mut Vec<Diagnostic>,
) {
    let expect = claim_payments - provider_adjustments;
    if expect != total_paid {
        diags.push(Diagnostic::warning(
            DiagnosticCode::TransactionUnbalanced,
            bpr,
            format!(
                "payment does not balance: claim payments {claim_payments} - provider adjustments {provider_adjustments} = {expect}, but BPR02 is {total_paid}"
            ),
        ));
    }
}
