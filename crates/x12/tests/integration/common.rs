//! Helpers shared by the integration tests: fixture paths and a whole-file scan.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use denali_x12::reader::Input;
use denali_x12::{Diagnostic, Event, ParseOptions, Reader, TransactionSet, remit};
use rust_decimal::Decimal;

/// The project's own fixtures.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

/// The shared external corpus, when `DENALI_EXTERNAL_FIXTURES` names it. Prints why and returns
/// `None` when unset; panics when it is set but missing, so CI cannot silently skip.
pub fn external() -> Option<PathBuf> {
    match std::env::var_os("DENALI_EXTERNAL_FIXTURES") {
        None => {
            eprintln!(
                "skipped: DENALI_EXTERNAL_FIXTURES is not set (the external corpus lives in ../shared/fixtures/external)"
            );
            None
        }
        Some(dir) => {
            let mut p = PathBuf::from(dir);
            if p.is_relative() {
                // cargo runs tests from the crate directory; resolve against the workspace root.
                p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(p);
            }
            assert!(
                p.join("SOURCES.md").is_file(),
                "DENALI_EXTERNAL_FIXTURES is set to {} but it holds no SOURCES.md",
                p.display()
            );
            Some(p)
        }
    }
}

/// What a whole-file scan found.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Scan {
    pub interchanges: usize,
    pub groups: usize,
    pub transactions: usize,
    pub sets: Vec<String>,
    pub claims: usize,
    pub sum_clp04: Decimal,
    pub sum_clp03: Decimal,
    pub diagnostics: Vec<Diagnostic>,
    pub fatal: Option<String>,
}

impl Scan {
    pub fn count(&self, code: &str) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.code.as_str() == code)
            .count()
    }
}

/// Reads a whole input with any reader, parsing 835 sets.
pub fn scan<I: Input>(mut r: Reader<I>) -> Scan {
    let mut s = Scan::default();
    let opts = r.options().clone();
    // The copy of the set before, recycled for the next.
    let mut recycled: Option<denali_x12::OwnedTransactionSet> = None;
    loop {
        match r.next_event() {
            Ok(Some(Event::InterchangeStart(_))) => s.interchanges += 1,
            Ok(Some(Event::GroupStart(_))) => s.groups += 1,
            Ok(Some(Event::Transaction(tx))) => {
                s.transactions += 1;
                s.sets.push(tx.set_id.clone());
                let owned = tx.to_owned_set();
                check_owned(&tx, &owned.as_set());
                if let Some(before) = &mut recycled {
                    tx.copy_into(before);
                    check_owned(&tx, &before.as_set());
                }
                recycled = Some(owned.clone());
                if tx.set_id == "835" {
                    let (rem, d) = remit::parse_835(&tx, &opts);
                    assert_eq!(
                        remit::parse_835(&owned.as_set(), &opts),
                        (rem.clone(), d.clone()),
                        "owned copy: 835"
                    );
                    check_claim_by_claim(&tx, &opts, &rem, &d);
                    check_view(&tx, &opts, &rem, &d);
                    s.claims += rem.claims.len();
                    s.sum_clp04 += rem.total_claim_payments();
                    s.sum_clp03 += rem.claims.iter().map(|c| c.total_charge).sum::<Decimal>();
                    s.diagnostics.extend(d);
                }
            }
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(e) => {
                s.fatal = Some(e.to_string());
                break;
            }
        }
    }
    s.diagnostics.extend(r.take_diagnostics());
    s.diagnostics
        .sort_by_key(|d| (d.position.offset, d.code.as_str()));
    s
}

/// A set copied out of the reader and lent back is the set: same header fields, delimiters,
/// and segments (ids, bytes, positions).
pub fn check_owned(tx: &TransactionSet<'_>, back: &TransactionSet<'_>) {
    assert_eq!(
        (&back.set_id, &back.control_number, &back.version),
        (&tx.set_id, &tx.control_number, &tx.version),
        "owned copy: header"
    );
    assert_eq!(back.delimiters(), tx.delimiters(), "owned copy: delimiters");
    assert_eq!(back.as_bytes(), tx.as_bytes(), "owned copy: bytes");
    assert_eq!(back.segment_count(), tx.segment_count());
    for (a, b) in back.segments().zip(tx.segments()) {
        assert_eq!(
            (a.id(), a.as_bytes(), a.position()),
            (b.id(), b.as_bytes(), b.position()),
            "owned copy: segment"
        );
    }
}

/// Reading claim by claim gives what reading the whole set gives: the same claims in order,
/// the same rest of the remittance, the same diagnostics in the same order, and `claim_keys`
/// the keys of the same claims. Every 835 the tests scan goes through this.
pub fn check_claim_by_claim(
    tx: &TransactionSet<'_>,
    opts: &ParseOptions,
    rem: &remit::Remittance,
    diags: &[Diagnostic],
) {
    let mut claims = Vec::new();
    let (rest, d) = remit::parse_835_each(tx, opts, |header, i, c| {
        assert!(
            header.claims.is_empty(),
            "the remittance handed out holds no claims"
        );
        assert_eq!(i, claims.len(), "claim index");
        claims.push(c.clone());
    });
    assert_eq!(claims, rem.claims, "claims read one by one differ");
    assert_eq!(d, diags, "diagnostics of the claim-by-claim read differ");
    let whole_rest = remit::Remittance {
        claims: Vec::new(),
        ..rem.clone()
    };
    assert_eq!(rest, whole_rest, "the rest of the remittance differs");
    let keys: Vec<_> = rem.claims.iter().map(remit::ClaimPayment::key).collect();
    assert_eq!(
        remit::claim_keys(tx, opts),
        keys,
        "claim_keys differ from the claims' keys"
    );
}

/// (group, reason, amount) of each triplet an `all_triplets` call hands out; also checks that
/// it stops at the first triplet refused, and says whether it did.
fn triplets(
    all: impl Fn(&mut dyn FnMut(&remit::CasTriplet<'_>) -> bool) -> bool,
) -> Vec<(remit::GroupCode, String, rust_decimal::Decimal)> {
    let mut out = Vec::new();
    assert!(all(&mut |t| {
        out.push((t.group.clone(), t.reason.to_string(), t.amount()));
        true
    }));
    let mut seen = 0;
    assert_eq!(
        all(&mut |_| {
            seen += 1;
            false
        }),
        out.is_empty(),
        "all_triplets is true only when no triplet refused"
    );
    assert_eq!(
        seen,
        out.len().min(1),
        "all_triplets stops at the first refusal"
    );
    out
}

/// [`triplets`] of the owned adjustments.
fn as_triplets(
    adjustments: &[remit::Adjustment],
) -> Vec<(remit::GroupCode, String, rust_decimal::Decimal)> {
    adjustments
        .iter()
        .map(|a| (a.group.clone(), a.reason.to_string(), a.amount))
        .collect()
}

/// The borrowed view agrees with the owned read: the same claims in the same order, each field
/// it decodes equal to the owned field, each claim read from its own segments equal to the
/// claim, the header equal to the rest of the remittance, and its balancing the owned read's
/// balancing warnings. Together, header, claims and balancing give back exactly the owned
/// read's diagnostics. Every 835 the tests scan goes through this.
pub fn check_view(
    tx: &TransactionSet<'_>,
    opts: &ParseOptions,
    rem: &remit::Remittance,
    diags: &[Diagnostic],
) {
    let view = remit::RemittanceView::new(tx, opts);
    assert_eq!(view.len(), rem.claims.len(), "view: claim count");
    let keys: Vec<_> = rem.claims.iter().map(remit::ClaimPayment::key).collect();
    assert_eq!(view.claim_keys(), keys, "view: claim keys");
    let mut all = Vec::new();
    // Read again in the buffers of the claims before: nothing of one may show in the next.
    let mut buffers = remit::ClaimBuffers::default();
    for (i, (cv, c)) in view.claims().zip(&rem.claims).enumerate() {
        assert_eq!(cv.index(), i);
        let (owned, d) = cv.to_claim_payment();
        assert_eq!(&owned, c, "view: claim {i} read from its segments differs");
        let (reused, d2) = cv.to_claim_payment_reusing(&mut buffers);
        assert_eq!(
            &reused, c,
            "view: claim {i} read in recycled buffers differs"
        );
        assert_eq!(d2, d);
        buffers.recycle(reused);
        all.extend(d);
        assert_eq!(cv.position(), c.position, "view: claim {i} position");
        assert_eq!(
            cv.patient_control_number(),
            c.patient_control_number.as_str()
        );
        assert_eq!(cv.status(), c.status_code, "view: claim {i} status");
        assert_eq!(cv.is_reversal(), c.is_reversal());
        assert_eq!(cv.total_charge(), c.total_charge, "view: claim {i} CLP03");
        assert_eq!(
            cv.payment_amount(),
            c.payment_amount,
            "view: claim {i} CLP04"
        );
        assert_eq!(cv.patient_responsibility(), c.patient_responsibility);
        assert_eq!(
            cv.filing_indicator().as_deref(),
            c.filing_indicator.as_deref()
        );
        assert_eq!(
            cv.payer_claim_control_number().as_deref(),
            c.payer_claim_control_number.as_deref()
        );
        assert_eq!(cv.frequency_code().as_deref(), c.frequency_code.as_deref());
        assert_eq!(
            cv.service_date(),
            c.service_date(),
            "view: claim {i} service date"
        );
        assert_eq!(cv.adjustments(), c.adjustments, "view: claim {i} CAS");
        assert_eq!(
            triplets(|f| cv.all_triplets(f)),
            as_triplets(&c.adjustments),
            "view: claim {i} CAS triplets"
        );
        assert_eq!(cv.remarks(), c.remarks, "view: claim {i} MIA/MOA remarks");
        assert_eq!(
            cv.lines().len(),
            c.service_lines.len(),
            "view: claim {i} lines"
        );
        for (j, (lv, l)) in cv.lines().zip(&c.service_lines).enumerate() {
            let at = format!("view: claim {i} line {j}");
            assert_eq!(lv.position(), l.position, "{at} position");
            assert_eq!(lv.procedure(), l.procedure, "{at} procedure");
            assert_eq!(lv.charge(), l.charge, "{at} SVC02");
            assert_eq!(lv.payment(), l.payment, "{at} SVC03");
            assert_eq!(lv.adjustments(), l.adjustments, "{at} CAS");
            assert_eq!(
                triplets(|f| lv.all_triplets(f)),
                as_triplets(&l.adjustments),
                "{at} CAS triplets"
            );
            assert_eq!(lv.remarks(), l.remarks, "{at} LQ remarks");
            assert_eq!(
                lv.control_number().as_deref(),
                l.control_number.as_deref(),
                "{at} REF*6R"
            );
            assert_eq!(lv.service_date(), l.service_date(), "{at} service date");
        }
    }
    let balancing: Vec<Diagnostic> = diags
        .iter()
        .filter(|d| {
            matches!(
                d.code.as_str(),
                "line_unbalanced" | "claim_unbalanced" | "transaction_unbalanced"
            )
        })
        .cloned()
        .collect();
    let balance = view.balance();
    assert_eq!(balance, balancing, "view: balancing");
    let (totals, again) = view.balance_with_totals();
    assert_eq!(again, balance);
    // Each amount the balancing could not read is one the owned read reports, at the same
    // element and with the same code (missing or invalid).
    let (checked, balance_again, unread) = view.balance_checked();
    assert_eq!((&checked, &balance_again), (&totals, &balance));
    for u in &unread {
        assert!(
            diags
                .iter()
                .any(|d| d.code == u.code && d.position == u.position),
            "view: unreadable amount not reported by the owned read: {u}"
        );
    }
    // Claim by claim: the same balancing and the same unreadable amounts, in order, then the
    // payment rule's (BPR, PLB).
    let mut claims_unread = Vec::new();
    for c in view.claims() {
        let (d, u) = c.balance_checked();
        assert_eq!(d, c.balance(), "claim balance_checked: balancing");
        claims_unread.extend(u);
    }
    assert!(
        unread.starts_with(&claims_unread),
        "claim balance_checked: unread"
    );
    for u in &unread[claims_unread.len()..] {
        assert!(
            matches!(u.position.segment_id.as_str(), "BPR" | "PLB"),
            "an unreadable amount outside the claims: {u}"
        );
    }
    let payment: Vec<&Diagnostic> = balance
        .iter()
        .filter(|d| d.code.as_str() == "transaction_unbalanced")
        .collect();
    let alone = view.balance_payment(rem.total_claim_payments());
    assert_eq!(
        alone.iter().collect::<Vec<_>>(),
        payment,
        "view: payment rule alone"
    );
    if tx.set_id == "835" {
        assert_eq!(totals.claims, rem.claims.len());
        assert_eq!(
            totals.total_charge,
            rem.claims.iter().map(|c| c.total_charge).sum::<Decimal>()
        );
        assert_eq!(totals.claim_payments, rem.total_claim_payments());
        assert_eq!(
            totals.provider_adjustments,
            rem.total_provider_adjustments()
        );
        assert_eq!(totals.total_paid, rem.payment.total_paid);
    }
    let (header, d) = view.header();
    let rest = remit::Remittance {
        claims: Vec::new(),
        ..rem.clone()
    };
    assert_eq!(header, rest, "view: header");
    all.extend(d);
    // Claims' own balancing is in their diagnostics; the payment's comes from `balance`.
    all.extend(
        balance
            .into_iter()
            .filter(|d| d.code.as_str() == "transaction_unbalanced"),
    );
    let key = |d: &Diagnostic| format!("{d:?}");
    let mut want: Vec<String> = diags.iter().map(key).collect();
    let mut got: Vec<String> = all.iter().map(key).collect();
    want.sort();
    got.sort();
    assert_eq!(got, want, "view: header, claims and balancing diagnostics");
}

/// Scans bytes from a slice, and again streamed in small chunks; both must agree.
pub fn scan_both(bytes: &[u8]) -> Scan {
    let a = scan(Reader::from_slice(bytes));
    for chunk in [1usize, 7, 4096] {
        let opts = ParseOptions {
            chunk_size: chunk,
            ..ParseOptions::default()
        };
        let b = scan(Reader::from_reader_with(bytes, opts));
        assert_eq!(a, b, "slice and streamed (chunk {chunk}) reads differ");
    }
    a
}
