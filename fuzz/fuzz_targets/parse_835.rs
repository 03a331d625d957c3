//! The typed 835 parser on arbitrary bytes.
//!
//! Input: one flag byte, then X12 bytes. Flag bit 0 puts a valid ISA/GS/ST*835 header in front,
//! so the input only has to be 835 body segments (BPR, CLP, CAS, SVC…) to reach the typed parser;
//! bit 1 lowers the per-segment element limit. Every transaction set goes through `parse_835`
//! and the result's derived values (sums, balancing, dates, redaction) are computed.
#![no_main]

use std::borrow::Cow;

use denali_x12::remit::{self, Remittance};
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
            let (rem, _diagnostics) = remit::parse_835(&tx, &opts);
            if tx.set_id == "835" {
                // Counts in equal counts out: every CLP becomes a claim.
                let clps = tx.segments().filter(|s| s.id().is("CLP")).count();
                assert_eq!(rem.claims.len(), clps);
            }
            touch(rem);
        }
    }
});

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
