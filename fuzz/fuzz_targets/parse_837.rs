//! The typed 837 parser on arbitrary bytes.
//!
//! Input: one flag byte, then X12 bytes. Flag bit 0 puts a valid ISA/GS/ST*837 header in front,
//! so the input only has to be 837 body segments (HL, CLM, SV1…) to reach the typed parser. Every
//! transaction set goes through `parse_837`; every typed view is read and the set is serialised.
#![no_main]

use std::borrow::Cow;

use denali_x12::claim::parse_837;
use denali_x12::{Event, ParseOptions, Reader};
use libfuzzer_sys::fuzz_target;

const HEADER: &[u8] = b"ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       \
*240101*1200*^*00501*000000001*0*P*:~GS*HC*S*R*20240101*1200*1*X*005010X222A1~ST*837*0001*005010X222A1~";

fuzz_target!(|data: &[u8]| {
    let Some((&flags, body)) = data.split_first() else {
        return;
    };
    let input: Cow<'_, [u8]> = if flags & 1 != 0 {
        [HEADER, body].concat().into()
    } else {
        body.into()
    };
    let opts = ParseOptions::default();
    let mut reader = Reader::from_slice_with(&input, opts.clone());
    while let Ok(Some(event)) = reader.next_event() {
        if let Event::Transaction(tx) = event {
            let (set, _diagnostics) = parse_837(&tx, &opts);
            let mut n = 0usize;
            for claim in set.claims() {
                n += claim.patient_control_number().map_or(0, str::len);
                n += usize::from(claim.total_charge().is_some());
                n += usize::from(claim.frequency_code().is_some());
                n += claim.diagnoses().len();
                for line in claim.lines() {
                    n += usize::from(line.procedure().is_some()) + usize::from(line.charge().is_some());
                    n += line.control_number().map_or(0, str::len);
                }
                if let Some(loc) = claim.location() {
                    n += usize::from(set.claim_with_context(loc).is_some());
                }
            }
            n += serde_json::to_string(&set).map_or(0, |s| s.len());
            std::hint::black_box(n);
        }
    }
});
