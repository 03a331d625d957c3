//! The typed 835 parser on arbitrary bytes.
//!
//! Input: one flag byte, then X12 bytes. Flag bit 0 puts a valid ISA/GS/ST*835 header in front,
//! so the input only has to be 835 body segments (BPR, CLP, CAS, SVC…) to reach the typed parser;
//! bit 1 lowers the per-segment element limit. Every transaction set goes through `parse_835`
//! and the result's derived values (sums, balancing, dates, redaction) are computed; reading it
//! claim by claim (`parse_835_each`, `claim_keys`, `Assessor::assess_claim`) must give exactly
//! the same claims, diagnostics, keys, reversal links and assessments; and the borrowed view
//! (`RemittanceView`) must decode every field it offers as the owned read does, give each claim
//! back from its own segments, and balance the same way.
#![no_main]

use std::borrow::Cow;
use std::sync::OnceLock;

use denali_rules::{Assessor, Context, ReversalLinks};
use denali_x12::remit::{self, ClaimPayment, Remittance};
use denali_x12::{Event, ParseOptions, Reader};
use libfuzzer_sys::fuzz_target;

const HEADER: &[u8] = b"ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       \
*240101*1200*^*00501*000000001*0*P*:~GS*HP*S*R*20240101*1200*1*X*005010X221A1~ST*835*0001~";

fuzz_target!(|data: &[u8]| {
    let Some((&flags, body)) = data.split_first() else {
        return;
    };
    let input: Cow<'_, [u8]> = if flags & 1 != 0 {
        [HEADER, body].concat().into()
    } else {
        body.into()
    };
    let opts = ParseOptions {
        max_elements: if flags & 2 != 0 { 8 } else { 1_000 },
        ..ParseOptions::default()
    };

    let mut reader = Reader::from_slice_with(&input, opts.clone());
    while let Ok(Some(event)) = reader.next_event() {
        if let Event::Transaction(tx) = event {
            let (rem, diagnostics) = remit::parse_835(&tx, &opts);
            if tx.set_id == "835" {
                // Counts in equal counts out: every CLP becomes a claim.
                let clps = tx.segments().filter(|s| s.id().is("CLP")).count();
                assert_eq!(rem.claims.len(), clps);
            }
            claim_by_claim(&tx, &opts, &rem, &diagnostics);
            view_agrees(&tx, &opts, &rem, &diagnostics);
            touch(rem);
        }
    }
});

/// The claim-by-claim read (what `denali report` and `validate` use) agrees with the whole one.
fn claim_by_claim(
    tx: &denali_x12::TransactionSet<'_>,
    opts: &ParseOptions,
    rem: &Remittance,
    diagnostics: &[denali_x12::Diagnostic],
) {
    static CTX: OnceLock<Context> = OnceLock::new();
    let ctx = CTX.get_or_init(|| {
        Context::new(chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap_or_default())
    });
    let keys: Vec<_> = rem.claims.iter().map(ClaimPayment::key).collect();
    assert!(remit::claim_keys(tx, opts) == keys, "claim_keys differ");
    let links = ReversalLinks::from_keys(&keys);
    assert!(
        links == ReversalLinks::from_claims(&rem.claims),
        "links differ"
    );
    let assessor = Assessor::new(ctx);
    let whole = assessor.assess(rem);
    let mut n = 0;
    let (rest, d) = remit::parse_835_each(tx, opts, |header, i, claim| {
        assert!(header.claims.is_empty() && i == n);
        assert!(rem.claims.get(i) == Some(&*claim), "claim {i} differs");
        let one = assessor.assess_claim(header, &links, i, claim);
        assert!(whole.claims.get(i) == Some(&one), "assessment {i} differs");
        n += 1;
    });
    assert_eq!(n, rem.claims.len());
    assert!(d == diagnostics, "diagnostics differ");
    assert!(
        rest == Remittance {
            claims: Vec::new(),
            ..rem.clone()
        },
        "rest differs"
    );
}

/// The borrowed view agrees with the owned read.
fn view_agrees(
    tx: &denali_x12::TransactionSet<'_>,
    opts: &ParseOptions,
    rem: &Remittance,
    diagnostics: &[denali_x12::Diagnostic],
) {
    let view = remit::RemittanceView::new(tx, opts);
    assert_eq!(view.len(), rem.claims.len(), "view: claim count");
    let keys: Vec<_> = rem.claims.iter().map(ClaimPayment::key).collect();
    assert!(view.claim_keys() == keys, "view: claim keys");
    let mut all = Vec::new();
    let mut buffers = remit::ClaimBuffers::default();
    for (cv, c) in view.claims().zip(&rem.claims) {
        let (owned, d) = cv.to_claim_payment();
        assert!(owned == *c, "view: claim {} differs", cv.index());
        let (reused, d2) = cv.to_claim_payment_reusing(&mut buffers);
        assert!(
            reused == *c && d2 == d,
            "view: claim {} in recycled buffers differs",
            cv.index()
        );
        buffers.recycle(reused);
        all.extend(d);
        assert!(cv.position() == c.position);
        assert!(cv.patient_control_number() == c.patient_control_number.as_str());
        assert!(cv.status() == c.status_code && cv.is_reversal() == c.is_reversal());
        assert!(cv.total_charge() == c.total_charge && cv.payment_amount() == c.payment_amount);
        assert!(cv.patient_responsibility() == c.patient_responsibility);
        assert!(cv.filing_indicator().as_deref() == c.filing_indicator.as_deref());
        assert!(
            cv.payer_claim_control_number().as_deref() == c.payer_claim_control_number.as_deref()
        );
        assert!(cv.frequency_code().as_deref() == c.frequency_code.as_deref());
        assert!(
            cv.service_date() == c.service_date(),
            "view: claim service date"
        );
        assert!(cv.adjustments() == c.adjustments, "view: claim CAS");
        assert!(
            same_triplets(|f| cv.all_triplets(f), &c.adjustments),
            "view: claim triplets"
        );
        assert!(cv.remarks() == c.remarks, "view: claim remarks");
        assert_eq!(cv.lines().len(), c.service_lines.len(), "view: lines");
        for (lv, l) in cv.lines().zip(&c.service_lines) {
            assert!(lv.position() == l.position && lv.procedure() == l.procedure);
            assert!(lv.charge() == l.charge && lv.payment() == l.payment);
            assert!(lv.adjustments() == l.adjustments, "view: line CAS");
            assert!(
                same_triplets(|f| lv.all_triplets(f), &l.adjustments),
                "view: line triplets"
            );
            assert!(lv.remarks() == l.remarks, "view: line remarks");
            assert!(lv.control_number().as_deref() == l.control_number.as_deref());
            assert!(lv.service_date() == l.service_date());
        }
    }
    let balancing: Vec<_> = diagnostics
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
    assert!(balance == balancing, "view: balancing differs");
    let (totals, again) = view.balance_with_totals();
    assert!(again == balance);
    // Each amount the balancing could not read is one the owned read reports, at the same
    // element with the same code.
    let (checked, balance_again, unread) = view.balance_checked();
    assert!(
        checked == totals && balance_again == balance,
        "view: balance_checked"
    );
    for u in &unread {
        assert!(
            diagnostics
                .iter()
                .any(|d| d.code == u.code && d.position == u.position),
            "view: unreadable amount not reported by the owned read"
        );
    }
    let mut claims_unread = Vec::new();
    for c in view.claims() {
        let (d, u) = c.balance_checked();
        assert!(d == c.balance(), "claim balance_checked: balancing");
        claims_unread.extend(u);
    }
    assert!(
        unread.starts_with(&claims_unread)
            && unread[claims_unread.len()..]
                .iter()
                .all(|u| matches!(u.position.segment_id.as_str(), "BPR" | "PLB")),
        "claim balance_checked: unread"
    );
    let alone = view.balance_payment(rem.total_claim_payments());
    assert!(
        alone.iter().eq(balance
            .iter()
            .filter(|d| d.code.as_str() == "transaction_unbalanced")),
        "view: payment rule alone"
    );
    // Σ CLP03 claim by claim, as the view sums it (a sum past a Decimal's 28 digits rounds, so
    // subtracting each claim back need not give zero: x12 test fuzz_claim_charges_past_...).
    let charges = sum_in_order(rem.claims.iter().map(|c| c.total_charge));
    assert!(
        totals.claims == rem.claims.len()
            && totals.total_charge == charges
            && totals.claim_payments == rem.total_claim_payments()
            && totals.provider_adjustments == rem.total_provider_adjustments()
            && totals.total_paid == rem.payment.total_paid,
        "view: payment totals differ"
    );
    let (header, d) = view.header();
    assert!(
        header
            == Remittance {
                claims: Vec::new(),
                ..rem.clone()
            },
        "view: header"
    );
    all.extend(d);
    all.extend(
        balance
            .into_iter()
            .filter(|d| d.code.as_str() == "transaction_unbalanced"),
    );
    let mut got: Vec<String> = all.iter().map(|d| format!("{d:?}")).collect();
    let mut want: Vec<String> = diagnostics.iter().map(|d| format!("{d:?}")).collect();
    got.sort();
    want.sort();
    assert!(got == want, "view: diagnostics differ");
}

/// Computes everything a report would read from a remittance.
fn touch(mut rem: Remittance) {
    let mut n = rem.payer_id().map_or(0, str::len) + rem.payee_npi().map_or(0, str::len);
    let _ = rem.total_claim_payments() - rem.total_provider_adjustments();
    for c in &rem.claims {
        let _ = c.total_charge - c.adjustment_total();
        n += usize::from(c.is_reversal()) + usize::from(c.service_date().is_some());
        n += c.reference("F8").map_or(0, str::len);
        for l in &c.service_lines {
            let _ = l.charge - l.adjustment_total();
            n += usize::from(l.allowed().is_some()) + usize::from(l.service_date().is_some());
        }
    }
    rem.redact();
    std::hint::black_box(n);
}

/// Σ of `values` from the default zero, in order: what `Iterator::sum` does for a `Decimal`
/// (this crate does not depend on rust_decimal to name it).
fn sum_in_order<T: Default + std::ops::AddAssign>(values: impl Iterator<Item = T>) -> T {
    let mut sum = T::default();
    for v in values {
        sum += v;
    }
    sum
}

/// The triplets an `all_triplets` call hands out are the owned adjustments' (group, reason,
/// amount), and a refusal stops it at the first.
fn same_triplets(
    all: impl Fn(&mut dyn FnMut(&remit::CasTriplet<'_>) -> bool) -> bool,
    adjustments: &[remit::Adjustment],
) -> bool {
    let mut n = 0;
    let mut same = all(&mut |t| {
        let a = adjustments.get(n);
        n += 1;
        a.is_some_and(|a| {
            *t.group == a.group && t.reason == a.reason.as_str() && t.amount() == a.amount
        })
    });
    let mut seen = 0;
    let stopped = !all(&mut |_| {
        seen += 1;
        false
    });
    same &= n == adjustments.len() && stopped != adjustments.is_empty() && seen == n.min(1);
    same
}
