//! Property tests: the reader never panics on arbitrary bytes, and segments round-trip under
//! arbitrary legal delimiters.

use denali_x12::{Event, ParseOptions, Reader};
use proptest::prelude::*;

use crate::common::{scan, scan_both};

const CASES: u32 = 256;

fn isa(e: u8, r: u8, c: u8, t: u8) -> Vec<u8> {
    let mut v = b"ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *240101*1200*^*00501*000000001*0*P*:~".to_vec();
    for b in v.iter_mut() {
        *b = match *b {
            b'*' => e,
            b'^' => r,
            b':' => c,
            b'~' => t,
            other => other,
        };
    }
    v
}

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = scan(Reader::from_slice(&bytes));
        let opts = ParseOptions { chunk_size: 5, ..ParseOptions::default() };
        let _ = scan(Reader::from_reader_with(&bytes[..], opts));
    }

    #[test]
    fn arbitrary_body_after_a_valid_isa_never_panics(body in proptest::collection::vec(
        prop_oneof![Just(b'*'), Just(b'~'), Just(b':'), Just(b'\n'), any::<u8>(), Just(b'S'), Just(b'T'), Just(b'E'), Just(b'C'), Just(b'L'), Just(b'P')], 0..2048)) {
        let mut f = isa(b'*', b'^', b':', b'~');
        f.extend_from_slice(b"GS*HP*S*R*20240101*1200*1*X*005010X221A1~ST*835*1~");
        f.extend_from_slice(&body);
        let _ = scan(Reader::from_slice(&f));
    }

    #[test]
    fn segments_round_trip_under_any_legal_delimiters(
        delims in proptest::sample::subsequence(vec![b'*', b'|', b'^', b'~', b':', b'>', b'!', b'\'', b'{', b'}', b'\\', b'`', b'\n', b'+', b'#'], 4).prop_shuffle(),
        segs in proptest::collection::vec(("[A-Z][A-Z0-9]{1,2}", proptest::collection::vec("[A-Za-z0-9 .,-]{0,12}", 0..8)), 1..20),
    ) {
        let (e, r, c, t) = (delims[0], delims[1], delims[2], delims[3]);
        prop_assume!(t != b'\n' || (e != b'\n' && c != b'\n' && r != b'\n'));
        let segs: Vec<_> = segs.into_iter()
            .filter(|(id, _)| !["ISA", "IEA", "GS", "GE", "ST", "SE"].contains(&id.as_str()))
            .collect();
        let mut f = isa(e, r, c, t);
        let sep = |v: &mut Vec<u8>, s: &str| { v.push(e); v.extend_from_slice(s.as_bytes()); };
        f.extend_from_slice(b"GS"); sep(&mut f, "HP"); sep(&mut f, "S"); sep(&mut f, "R"); sep(&mut f, "20240101"); sep(&mut f, "1200"); sep(&mut f, "1"); sep(&mut f, "X"); sep(&mut f, "005010X221A1"); f.push(t);
        f.extend_from_slice(b"ST"); sep(&mut f, "999"); sep(&mut f, "0001"); f.push(t);
        for (id, els) in &segs {
            f.extend_from_slice(id.as_bytes());
            for el in els { sep(&mut f, el); }
            f.push(t);
        }
        f.extend_from_slice(b"SE"); sep(&mut f, &(segs.len() + 2).to_string()); sep(&mut f, "0001"); f.push(t);
        f.extend_from_slice(b"GE"); sep(&mut f, "1"); sep(&mut f, "1"); f.push(t);
        f.extend_from_slice(b"IEA"); sep(&mut f, "1"); sep(&mut f, "000000001"); f.push(t);

        let mut reader = Reader::from_slice(&f);
        let mut got = Vec::new();
        while let Some(ev) = reader.next_event().expect("valid input") {
            if let Event::Transaction(tx) = ev {
                for s in tx.segments().skip(1).take(tx.segment_count().saturating_sub(2)) {
                    let els: Vec<String> = s.elements().map(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()).collect();
                    got.push((s.id().as_str().to_string(), els));
                }
            }
        }
        prop_assert!(reader.diagnostics().is_empty(), "{:?}", reader.diagnostics());
        // Trailing whitespace is not data when the terminator is followed by line breaks, so
        // compare with elements as written (an empty trailing element list means no separator).
        let want: Vec<(String, Vec<String>)> = segs.iter().map(|(id, els)| (id.clone(), els.clone())).collect();
        prop_assert_eq!(got, want);
    }

    /// Loops in any order: the claim-by-claim read, `claim_keys` and the whole-set read agree
    /// (checked inside `scan`) whatever order N1, LX, CLP, SVC, REF*F8 and PLB come in.
    #[test]
    fn claim_by_claim_reads_agree_in_any_loop_order(
        segs in proptest::collection::vec(prop_oneof![
            Just("N1*PR*PAYER*XX*1"), Just("N1*PE*PAYEE*XX*2"), Just("N1*ZZ*OTHER"),
            Just("LX*1"), Just("PLB*1*20241231*WO:X*5"),
            Just("CLP*A*1*100*80*20*MC*ICN1"), Just("CLP*A*22*-100*-80*-20*MC*ICN1"),
            Just("CLP*B*4*50*0**MC*ICN2"), Just("CLP*B*1*50*50"),
            Just("SVC*HC:99213*100*80"), Just("REF*F8*ICN1"), Just("REF*F8*ICN2"),
            Just("REF*6R*X"), Just("CAS*CO*45*20"), Just("NM1*QC*1*DOE*J"), Just("MOA***N1"),
            Just("DTM*050*20240101"), Just("AMT*AU*80"), Just("BPR*I*80*C*ACH"), Just("TRN*1*T*1"),
        ], 0..40),
    ) {
        let mut f = isa(b'*', b'^', b':', b'~');
        f.extend_from_slice(b"GS*HP*S*R*20240101*1200*1*X*005010X221A1~ST*835*0001~");
        for s in &segs {
            f.extend_from_slice(s.as_bytes());
            f.push(b'~');
        }
        f.extend_from_slice(format!("SE*{}*0001~GE*1*1~IEA*1*000000001~", segs.len() + 2).as_bytes());
        let s = scan_both(&f);
        prop_assert_eq!(s.transactions, 1);
    }

    /// The borrowed view decodes what the owned read decodes (checked inside `scan`: every
    /// field, each claim re-read from its own segments, the header, the balancing, the
    /// diagnostics) with malformed and missing amounts, odd CAS and PLB layouts, dates that are
    /// not dates, repeated line references, loops in any order and any element limit.
    #[test]
    fn the_view_agrees_with_the_owned_read_on_odd_segments(
        segs in proptest::collection::vec(prop_oneof![
            Just("N1*PR*PAYER*XX*1"), Just("N1*PE*PAYEE*XX*2"), Just("LX*1"), Just("LX"),
            Just("BPR*I*80*C*ACH"), Just("BPR*I**C"), Just("BPR*I*1.2.3"), Just("BPR"),
            Just("TRN*1*T*1"),
            Just("CLP*A*1*100*80*20*MC*ICN1"), Just("CLP*B*22*-100*-80"), Just("CLP*C*4*x*"),
            Just("CLP"), Just("CLP*D*1*1234567890123456789*0"),
            Just("SVC*HC:99213:25:59*100*80"), Just("SVC*HC:A*abc"), Just("SVC"),
            Just("SVC*AD:D1110*50*50*0300*1*HC:D1110"),
            Just("CAS*CO*45*20"), Just("CAS*CO**20*1*97*5"), Just("CAS*PR*1*5*1*2*x*3*3"),
            Just("CAS*OA*23*1.5**18*"), Just("CAS"), Just("CAS*CO*45"),
            Just("REF*6R*L1"), Just("REF*6R*L2"), Just("REF*6R"), Just("REF*F8*ICN1"),
            Just("DTM*472*20240101"), Just("DTM*472*20241301"), Just("DTM*150*20240102"),
            Just("DTM*472"), Just("AMT*B6*70"), Just("QTY*ZK*1"), Just("LQ*HE*N130"),
            Just("MOA***N1*MA01"), Just("MIA*0***1"), Just("NM1*QC*1*DOE*J"),
            Just("MIA*0***MA130"), Just("MOA*1*2*M1*M2*M3*M4*M5*M6"), Just("LQ*RX*1"),
            Just("LQ*HE"), Just("LQ"), Just("MOA"),
            Just("PLB*1*20241231*WO:X*5*FB*-3"), Just("PLB*1*2024*L6*x*CS"), Just("PLB"),
        ], 0..40),
        max_elements in 0usize..14,
    ) {
        let mut f = isa(b'*', b'^', b':', b'~');
        f.extend_from_slice(b"GS*HP*S*R*20240101*1200*1*X*005010X221A1~ST*835*0001~");
        for s in &segs {
            f.extend_from_slice(s.as_bytes());
            f.push(b'~');
        }
        f.extend_from_slice(format!("SE*{}*0001~GE*1*1~IEA*1*000000001~", segs.len() + 2).as_bytes());
        let opts = ParseOptions { max_elements, ..ParseOptions::default() };
        let s = scan(Reader::from_slice_with(&f, opts));
        prop_assert_eq!(s.transactions, 1);
    }
}
