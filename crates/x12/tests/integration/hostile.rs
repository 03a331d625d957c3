//! Hostile input: every case ends with an error or diagnostics, in bounded memory, never a panic.

use denali_x12::{ErrorKind, Event, ParseOptions, Reader, remit};
use std::io::Read;

use crate::common::{scan, scan_both};

const ISA: &[u8] = b"ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *240101*1200*^*00501*000000001*0*P*:~";

/// A reader that yields `len` bytes of `fill` without ever holding them.
struct Endless {
    left: u64,
    fill: u8,
}

impl Read for Endless {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = (buf.len() as u64).min(self.left) as usize;
        buf[..n].fill(self.fill);
        self.left -= n as u64;
        Ok(n)
    }
}

#[test]
fn a_gigabyte_segment_without_terminator_stops_at_the_limit() {
    let src = std::io::Cursor::new(ISA.to_vec())
        .chain(&b"GS*HP*S*R*20240101*1200*1*X*005010X221A1~ST*835*1~NTE*"[..])
        .chain(Endless {
            left: 1 << 30,
            fill: b'A',
        });
    let mut r = Reader::from_reader(src);
    let err = loop {
        match r.next_event() {
            Ok(Some(_)) => {}
            Ok(None) => panic!("a 1 GB segment was accepted"),
            Err(e) => break e,
        }
    };
    assert!(
        matches!(err.kind(), ErrorKind::SegmentTooLong { .. }),
        "{err}"
    );
    assert!(err.position().offset > 0);
}

#[test]
fn only_delimiters() {
    for input in [&b"*~*~~~"[..], b"~~~~", b"****", b"\n\n\n", b":::^^^"] {
        let s = scan_both(input);
        assert!(
            s.fatal.is_some() || !s.diagnostics.is_empty(),
            "{:?}",
            String::from_utf8_lossy(input)
        );
    }
}

#[test]
fn colliding_delimiters_are_an_error() {
    let isa = b"ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *240101*1200*^*00501*000000001*0*P***";
    let s = scan_both(isa);
    assert!(
        s.fatal.as_deref().unwrap_or("").contains("collide"),
        "{:?}",
        s.fatal
    );
}

#[test]
fn hundred_thousand_cas_triplets_on_one_claim() {
    let mut f = ISA.to_vec();
    f.extend_from_slice(b"GS*HP*S*R*20240101*1200*1*X*005010X221A1~ST*835*0001*005010X221A1~BPR*I*0*C*NON************20240101~TRN*1*1*1~N1*PR*P~N1*PE*E*XX*1234567893~LX*1~");
    let triplets = 100_000usize;
    f.extend_from_slice(format!("CLP*A*1*{triplets}*0*0*12*1~").as_bytes());
    for i in 0..triplets / 6 + 1 {
        let n = if i == triplets / 6 { triplets % 6 } else { 6 };
        if n == 0 {
            break;
        }
        f.extend_from_slice(b"CAS*CO");
        for _ in 0..n {
            f.extend_from_slice(b"*45*1*");
        }
        f.push(b'~');
    }
    f.extend_from_slice(b"SE*0*0001~GE*1*1~IEA*1*000000001~");
    let s = scan(Reader::from_slice(&f));
    assert!(s.fatal.is_none());
    assert_eq!(s.claims, 1);
    assert_eq!(
        s.count("claim_unbalanced"),
        0,
        "100,000 × 1.00 adjustments balance CLP03"
    );
    assert_eq!(s.count("segment_count_mismatch"), 1);
}

#[test]
fn non_utf8_in_every_element() {
    let mut f = ISA.to_vec();
    f.extend_from_slice(b"GS*HP*S*R*20240101*1200*1*X*005010X221A1~ST*835*0001~BPR*\xff*\xc3*\xc3\x28*\xe2\x82~TRN*\xff*\xfe~N1*PR*\xff\xff~N1*PE*\xc3~LX*\xff~CLP*\xff\xfe*\xc3*\xff*\xfe*\xc3~NM1*QC*1*\xff*\xc3~SVC*HC:\xff:\xfe*\xc3*\xff~CAS*\xff*\xfe*\xc3~SE*10*0001~GE*1*1~IEA*1*000000001~");
    let s = scan_both(&f);
    assert!(s.fatal.is_none());
    assert_eq!(s.claims, 1);
    assert!(s.count("invalid_value") >= 3);
}

#[test]
fn deep_and_cyclic_hl_do_not_matter_to_the_reader() {
    let mut f = ISA.to_vec();
    f.extend_from_slice(b"GS*HC*S*R*20240101*1200*1*X*005010X222A1~ST*837*0001*005010X222A1~");
    for i in 1..=50_000u32 {
        f.extend_from_slice(format!("HL*{i}*{}*22*1~", i + 1).as_bytes());
    }
    f.extend_from_slice(b"SE*50002*0001~GE*1*1~IEA*1*000000001~");
    let s = scan_both(&f);
    assert!(s.fatal.is_none());
    assert_eq!(s.transactions, 1);
}

#[test]
fn segment_and_transaction_limits_are_enforced() {
    let mut f = ISA.to_vec();
    f.extend_from_slice(b"GS*HP*S*R*20240101*1200*1*X*005010X221A1~ST*835*0001~");
    for _ in 0..1000 {
        f.extend_from_slice(b"NTE*ABCDEFGHIJ~");
    }
    f.extend_from_slice(b"SE*1002*0001~GE*1*1~IEA*1*000000001~");
    let opts = ParseOptions {
        max_segments_per_transaction: 100,
        ..ParseOptions::default()
    };
    let s = scan(Reader::from_slice_with(&f, opts));
    assert!(
        s.fatal.as_deref().unwrap_or("").contains("100 segments"),
        "{:?}",
        s.fatal
    );
    let opts = ParseOptions {
        max_transaction_bytes: 1000,
        ..ParseOptions::default()
    };
    let s = scan(Reader::from_slice_with(&f, opts));
    assert!(
        s.fatal.as_deref().unwrap_or("").contains("1000 bytes"),
        "{:?}",
        s.fatal
    );
    let opts = ParseOptions {
        max_segment_len: 8,
        ..ParseOptions::default()
    };
    let s = scan(Reader::from_slice_with(&f, opts));
    assert!(
        s.fatal.as_deref().unwrap_or("").contains("longer than"),
        "{:?}",
        s.fatal
    );
}

#[test]
fn element_limit_truncates_with_a_diagnostic() {
    let mut f = ISA.to_vec();
    f.extend_from_slice(
        b"GS*HP*S*R*20240101*1200*1*X*005010X221A1~ST*835*0001~BPR*I*0*C*NON~CLP*A*1*0*0",
    );
    f.extend(std::iter::repeat_n(&b"*1"[..], 5000).flatten());
    f.extend_from_slice(b"~SE*4*0001~GE*1*1~IEA*1*000000001~");
    let s = scan(Reader::from_slice(&f));
    assert_eq!(s.claims, 1);
    assert_eq!(s.count("limit_exceeded"), 1);
}

#[test]
fn strict_turns_warnings_into_errors() {
    let mut f = ISA.to_vec();
    f.extend_from_slice(b"GS*HP*S*R*20240101*1200*1*X*005010X221A1~ST*835*0001~BPR*I*0*C*NON~SE*9*0001~GE*1*1~IEA*1*000000001~");
    let s = scan(Reader::from_slice(&f));
    assert!(s.fatal.is_none());
    assert_eq!(s.count("segment_count_mismatch"), 1);
    let s = scan(Reader::from_slice_with(&f, ParseOptions::strict()));
    assert!(
        s.fatal
            .as_deref()
            .unwrap_or("")
            .contains("segment_count_mismatch"),
        "{:?}",
        s.fatal
    );
}

#[test]
fn error_messages_carry_no_element_values() {
    let mut f = ISA.to_vec();
    f.extend_from_slice(b"GS*HP*S*R*20240101*1200*1*X*005010X221A1~ST*835*0001~BPR*I*SECRETAMT*C*NON~CLP*SECRETPCN*1*SECRETX*0~NM1*QC*1*SECRETNAME*JANE****MI*SECRETID~SVC*HC:99213*SECRETCHG*0~SE*6*0001~GE*1*1~IEA*1*000000001~");
    let mut r = Reader::from_slice(&f);
    let mut all = Vec::new();
    while let Some(ev) = r.next_event().expect("read") {
        if let Event::Transaction(tx) = ev {
            all.extend(remit::parse_835(&tx, &ParseOptions::default()).1);
        }
    }
    assert!(!all.is_empty());
    for d in &all {
        assert!(!d.to_string().contains("SECRET"), "{d}");
    }
}

/// Legacy systems pad files with NUL bytes or end them with a DOS end-of-file mark (0x1A):
/// neither is a segment, and neither may cost a claim.
#[test]
fn nul_padding_and_dos_eof_after_the_last_segment() {
    let good = std::fs::read(crate::common::fixtures().join("835/small.835")).expect("small.835");
    let clean = scan_both(&good);
    for tail in [&b"\x1a"[..], b"\0\0\0\0", b"\r\n\x1a", b"\n\0"] {
        let mut f = good.clone();
        f.extend_from_slice(tail);
        let s = scan_both(&f);
        assert_eq!(s.claims, clean.claims);
        assert_eq!(s.diagnostics, clean.diagnostics, "{tail:?}");
        assert!(s.fatal.is_none());
    }
}

/// The typed 837 does follow HL parents: a chain 100,000 levels deep (each HL the child of the
/// one before) and a cycle (HL 1's parent is HL 3) must give diagnostics, not a stack overflow
/// in building, walking, serialising or dropping the loop tree.
#[test]
fn deep_and_cyclic_hl_in_the_typed_837() {
    use denali_x12::claim::parse_837;
    let mut f = ISA.to_vec();
    f.extend_from_slice(
        b"GS*HC*S*R*20240101*1200*1*X*005010X222A1~ST*837*0001*005010X222A1~\
          BHT*0019*00*1*20240101*1200*CH~HL*1**20*1~NM1*85*2*C*****XX*1234567893~",
    );
    for i in 2..=100_000u32 {
        let level = if i % 2 == 0 { "22" } else { "23" };
        f.extend_from_slice(format!("HL*{i}*{}*{level}*1~", i - 1).as_bytes());
    }
    f.extend_from_slice(b"CLM*P1*10***11:B:1~LX*1~SV1*HC:99213*10*UN*1~");
    // A cycle: HL 1 names HL 3 as its parent, HL 3 names HL 2, HL 2 names HL 1.
    f.extend_from_slice(b"HL*1*3*20*1~HL*3*2*22*1~HL*2*1*23*0~CLM*P2*10***11:B:1~");
    f.extend_from_slice(b"SE*100010*0001~GE*1*1~IEA*1*000000001~");
    let mut r = Reader::from_slice(&f);
    let mut sets = 0;
    while let Some(ev) = r.next_event().expect("reader") {
        if let Event::Transaction(tx) = ev {
            sets += 1;
            let (set, diags) = parse_837(&tx, &ParseOptions::default());
            assert!(!diags.is_empty());
            assert_eq!(set.claims().count(), 2);
            let json = serde_json::to_vec(&set).expect("json");
            assert!(json.len() > 100);
            drop(set);
        }
    }
    assert_eq!(sets, 1);
}

/// A file saved as UTF-16 ("Unicode" in some editors) is refused with that reason, whether it
/// has a byte-order mark or not, little- or big-endian; ASCII garbage is still just not X12.
#[test]
fn utf16_text_is_named_as_such() {
    let text =
        std::fs::read_to_string(crate::common::fixtures().join("835/basic.835")).expect("fixture");
    let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
    let le_bom = [&[0xFF, 0xFE][..], &le].concat();
    let be_bom = [&[0xFE, 0xFF][..], &be].concat();
    for (what, bytes) in [
        ("le", &le),
        ("be", &be),
        ("le bom", &le_bom),
        ("be bom", &be_bom),
    ] {
        let s = scan_both(bytes);
        let fatal = s.fatal.unwrap_or_default();
        assert!(fatal.contains("UTF-16"), "{what}: {fatal}");
    }
    let s = scan_both(b"Hello, this is not X12 at all.");
    assert!(!s.fatal.unwrap_or_default().contains("UTF-16"));
}

/// Lines of one width that are all white space after the ISA (a width that looks wrapped): the
/// wrapped-file check makes one pass over the first 64 KiB (a first cut searched back from every
/// line break to the last segment's end, quadratic in a run of white space), finds no line
/// break inside a segment, and leaves the line breaks alone.
#[test]
fn white_space_lines_of_one_width_are_checked_in_one_pass() {
    let mut input = ISA.to_vec();
    input.extend_from_slice(b"\n");
    for _ in 0..2_000 {
        input.extend_from_slice(&[b' '; 106]);
        input.extend_from_slice(b"\n");
    }
    input.extend_from_slice(b"GS*HP*S*R*20240101*1200*1*X*005010X221A1~GE*0*1~IEA*1*000000001~");
    let started = std::time::Instant::now();
    let s = scan_both(&input);
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    assert_eq!(s.fatal, None);
    assert_eq!(s.groups, 1);
    assert_eq!(s.count("wrapped_lines"), 0);
}
