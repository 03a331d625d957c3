//! Regression tests for what fuzzing found (see fuzz/README.md). Each test is named `fuzz_<name>`
//! and holds its minimized input inline, or the few lines that build it when it needs more than
//! 64 KiB of padding to get past the reader's look-ahead.

use std::io::{self, Read};

use denali_x12::reader::Input;
use denali_x12::{Event, ParseOptions, Reader, remit};

const ISA: &[u8] = b"ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *240101*1200*^*00501*000000001*0*P*:~";
const BODY: &[u8] =
    b"GS*HP*S*R*20240101*1200*1*X*005010X221A1~ST*835*0001~SE*2*0001~GE*1*1~IEA*1*000000001~";

/// A source that hands over `step` bytes per read, like the tokenize target's streamed read.
struct Trickle<'a> {
    rest: &'a [u8],
    step: usize,
}

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.step.min(buf.len()).min(self.rest.len());
        let (now, later) = self.rest.split_at(n);
        buf[..n].copy_from_slice(now);
        self.rest = later;
        Ok(n)
    }
}

/// Everything a reader yields, as text: events (each segment's position and bytes), the error
/// that ended the reading if any, then the diagnostics.
fn trace<I: Input>(mut r: Reader<I>) -> Vec<String> {
    let mut out = Vec::new();
    loop {
        match r.next_event() {
            Ok(None) => break,
            Err(e) => {
                out.push(format!("error: {e}"));
                break;
            }
            Ok(Some(Event::Transaction(tx))) => {
                out.push(format!("transaction {} {}", tx.set_id, tx.control_number));
                out.extend(tx.segments().map(|s| {
                    format!(
                        "  {} {}",
                        s.position(),
                        String::from_utf8_lossy(s.as_bytes())
                    )
                }));
            }
            Ok(Some(e)) => out.push(format!("{e:?}")),
        }
    }
    out.extend(r.diagnostics().iter().map(|d| d.to_string()));
    out
}

/// Reads `input` from a slice and streamed a few bytes per read; all reads must agree.
fn same_streamed(input: &[u8]) -> Vec<String> {
    let slice = trace(Reader::from_slice(input));
    for step in [1, 3, 16] {
        let opts = ParseOptions {
            chunk_size: 64,
            ..ParseOptions::default()
        };
        let streamed = trace(Reader::from_reader_with(
            Trickle { rest: input, step },
            opts,
        ));
        assert_eq!(
            slice, streamed,
            "slice and streamed ({step} bytes per read) differ"
        );
    }
    slice
}

/// An ISA whose ISA02 is padded with `pad` more spaces (a standard ISA is 106 bytes).
fn long_isa(pad: usize) -> Vec<u8> {
    let mut isa = b"ISA*00*".to_vec();
    isa.resize(isa.len() + 10 + pad, b' ');
    isa.extend_from_slice(&ISA[17..]);
    isa
}

/// Found by the tokenize target's slice-versus-stream oracle. `Delimiters::from_isa` scanned up
/// to byte 1027 of an ISA while `read_isa` only made 1024 bytes available, so a long ISA past
/// the first 64 KiB read fine from a slice but streamed failed with "cut short after ISA16".
/// Now both stop at `ISA_MAX_LEN` (1024 bytes, terminator included).
#[test]
fn fuzz_isa_at_refill_edge() {
    for pad in 914..=922 {
        let isa = long_isa(pad);
        let input = [ISA, &[b'\n'; 1 << 16], BODY, &isa, BODY].concat();
        let t = same_streamed(&input);
        let transactions = t.iter().filter(|l| l.starts_with("transaction")).count();
        if isa.len() <= 1024 {
            assert_eq!(transactions, 2, "ISA of {} bytes", isa.len());
            assert!(!t.iter().any(|l| l.starts_with("error")), "{t:?}");
        } else {
            assert_eq!(transactions, 1, "ISA of {} bytes", isa.len());
            assert!(
                t.iter().any(|l| l.starts_with("error: malformed ISA")),
                "{t:?}"
            );
        }
    }
}

/// Same class: the start-of-data look-ahead (first ISA after leading garbage) searched the whole
/// slice but only the first 64 KiB of a stream. Both now search exactly 64 KiB.
#[test]
fn fuzz_garbage_past_look_ahead() {
    let near = [&[b'x'; 1000][..], ISA, BODY].concat();
    let t = same_streamed(&near);
    assert!(t.iter().any(|l| l.contains("leading_garbage")), "{t:?}");
    let far = [&[b'x'; 70_000][..], ISA, BODY].concat();
    let t = same_streamed(&far);
    assert!(
        t.iter().any(|l| l.starts_with("error: not an X12")),
        "{t:?}"
    );
}

/// Same class: a bare ST whose first segment terminator lies past the 64 KiB look-ahead.
#[test]
fn fuzz_bare_st_past_look_ahead() {
    let input = [&b"ST*835*"[..], &[b'1'; 70_000], b"~SE*2*1~"].concat();
    let t = same_streamed(&input);
    assert!(t.iter().any(|l| l.starts_with("error")), "{t:?}");
}

/// Reads `input` from a slice and parses every 835 in it; returns the claims and diagnostics.
fn parse_all(input: &[u8]) -> (Vec<remit::Remittance>, Vec<String>) {
    let opts = ParseOptions::default();
    let mut r = Reader::from_slice(input);
    let (mut out, mut diags) = (Vec::new(), Vec::new());
    while let Some(event) = r.next_event().expect("reads") {
        if let Event::Transaction(tx) = event {
            let (rem, d) = remit::parse_835(&tx, &opts);
            diags.extend(d.iter().map(|d| d.to_string()));
            out.push(rem);
        }
    }
    (out, diags)
}

/// Found with the parse_835 target: eight 28-digit CAS amounts on one claim made the claim
/// balancing check (`CLP03 - Σ CAS`) overflow `Decimal`, whose `+` panics ("Addition
/// overflowed"). Amounts and quantities are now limited to a magnitude below 10^18 (X12 `R`
/// elements hold at most 18 digits), so no sum over a transaction set can overflow.
#[test]
fn fuzz_decimal_sum_overflow() {
    let input = [
        ISA,
        b"GS*HP*S*R*20240101*1200*1*X*005010X221A1~ST*835*0001~CLP*A*1*1*1~CAS*CO\
*A*9999999999999999999999999999**B*9999999999999999999999999999\
**C*9999999999999999999999999999**D*9999999999999999999999999999\
**E*9999999999999999999999999999**F*9999999999999999999999999999\
**G*9999999999999999999999999999**H*9999999999999999999999999999~",
    ]
    .concat();
    let (rems, diags) = parse_all(&input);
    assert_eq!(rems[0].claims[0].adjustments.len(), 8);
    let rejected = diags
        .iter()
        .filter(|d| d.contains("at most 18 integer digits"))
        .count();
    assert_eq!(rejected, 8, "{diags:#?}");
    // The model's own sums are safe too.
    let _ = rems[0].claims[0].adjustment_total() + rems[0].total_claim_payments();
}

/// The bound is on magnitude, not on digits: 28 digits below 10^18 are read as sent, and sums of
/// them round rather than overflow.
#[test]
fn fuzz_decimal_limit_edges() {
    let input = [
        ISA,
        b"GS*HP*S*R*20240101*1200*1*X*005010X221A1~ST*835*0001~\
CLP*A*1*999999999999999999*-999999999999999999.9999999999~\
CAS*CO*A*999999999999999999.9999999999**B*999999999999999999.9999999999\
**C*999999999999999999.9999999999**D*999999999999999999.9999999999\
**E*999999999999999999.9999999999**F*999999999999999999.9999999999\
**G*999999999999999999.9999999999**H*999999999999999999.9999999999~\
CLP*B*1*1000000000000000000*-1000000000000000000~",
    ]
    .concat();
    let (rems, diags) = parse_all(&input);
    let claims = &rems[0].claims;
    assert_eq!(claims[0].total_charge.to_string(), "999999999999999999");
    assert_eq!(
        claims[0].payment_amount.to_string(),
        "-999999999999999999.9999999999"
    );
    assert_eq!(claims[0].adjustments.len(), 8);
    assert!(claims[0].adjustment_total() > claims[0].total_charge);
    assert!(claims[1].total_charge.is_zero() && claims[1].payment_amount.is_zero());
    let rejected = diags
        .iter()
        .filter(|d| d.contains("at most 18 integer digits"))
        .count();
    assert_eq!(rejected, 2, "{diags:#?}");
}

/// The traces of `input` read from a slice and streamed a byte at a time, as text.
fn slice_and_byte_stream(input: &[u8]) -> [String; 2] {
    [
        trace(Reader::from_slice(input)).join("\n"),
        trace(Reader::from_reader(Trickle {
            rest: input,
            step: 1,
        }))
        .join("\n"),
    ]
}

/// Found by the `roundtrip_837` fuzz target: CR as the element separator with LF as the
/// terminator. The CR before each LF ends an (empty) element; it is not a CRLF line end. Slice
/// and stream agree.
#[test]
fn fuzz_cr_element_separator_is_not_a_line_end() {
    let input = b"ST\r835\r\nBHT\r0019\r\nSE\r3\r\n";
    for text in slice_and_byte_stream(input) {
        assert!(text.contains("(ST) ST\r835\r\n"), "{text}");
    }
    let mut r = Reader::from_slice(input);
    while let Some(ev) = r.next_event().expect("reads") {
        if let Event::Transaction(tx) = ev {
            let st: Vec<_> = tx
                .segments()
                .next()
                .expect("ST")
                .elements()
                .map(|e| e.as_bytes().to_vec())
                .collect();
            assert_eq!(st, vec![b"835".to_vec(), Vec::new()]);
        }
    }
}

/// Found by the `roundtrip_837` fuzz target: "ISA" with no delimiter after it (here at the end
/// of the input) is no interchange header; it is skipped with a diagnostic, slice and stream.
#[test]
fn fuzz_isa_without_a_delimiter_opens_no_interchange() {
    let input = b"ST?\0ISA";
    for text in slice_and_byte_stream(input) {
        assert!(!text.contains("InterchangeStart"), "{text}");
        assert!(text.contains("ISA without a delimiter"), "{text}");
    }
}

/// Found by the `roundtrip_837` fuzz target: a transaction set whose SE is missing, closed by an
/// ISA with other delimiters, was handed over with the new ISA's delimiters (the reader had
/// already switched), so its own segments split wrongly. It keeps the delimiters it was read with.
#[test]
fn fuzz_set_closed_by_an_isa_keeps_its_delimiters() {
    let other: Vec<u8> = ISA
        .iter()
        .map(|&b| match b {
            b'*' => b'|',
            b':' => b'>',
            b'~' => b'\n',
            b => b,
        })
        .collect();
    let mut input = ISA.to_vec();
    input.extend_from_slice(
        b"GS*HP*S*R*20240101*1200*1*X*005010X221A1~ST*835*0001~BPR*I*100*C*CHK~",
    );
    input.extend_from_slice(&other);
    input.extend_from_slice(b"GS|HP|S|R|20240101|1200|2|X|005010X221A1\nST|835|0002\nBPR|I|7|C|CHK\nSE|3|0002\nGE|1|2\nIEA|1|000000001\n");
    for streamed in [false, true] {
        let mut paid = Vec::new();
        let mut each = |tx: &denali_x12::TransactionSet<'_>| {
            paid.push(
                remit::parse_835(tx, &ParseOptions::default())
                    .0
                    .payment
                    .total_paid
                    .to_string(),
            );
        };
        if streamed {
            let mut r = Reader::from_reader(Trickle {
                rest: &input,
                step: 7,
            });
            while let Some(ev) = r.next_event().expect("reads") {
                if let Event::Transaction(tx) = ev {
                    each(&tx);
                }
            }
        } else {
            let mut r = Reader::from_slice(&input);
            while let Some(ev) = r.next_event().expect("reads") {
                if let Event::Transaction(tx) = ev {
                    each(&tx);
                }
            }
        }
        assert_eq!(paid, ["100", "7"], "streamed: {streamed}");
    }
}

/// parse_835 target, `\x01CLP~CAS**7*2~CLP~TRN***0`: a TRN after the claims set TRN03, which
/// the payer id falls back to, so the whole remittance's claims saw another payer than the
/// same claims read one by one. Header segments past the first CLP are now reported and
/// ignored by both reads.
#[test]
fn fuzz_header_after_the_first_claim_is_ignored() {
    let mut input = ISA.to_vec();
    input.extend_from_slice(b"GS*HP*S*R*20240101*1200*1*X*005010X221A1~ST*835*0001~");
    input.extend_from_slice(b"TRN*1*TRACE*111~N1*PR*PAYER~N1*PE*PAYEE*XX*1~");
    input.extend_from_slice(b"CLP*A*1*10*10~CLP*B*1*5*5~TRN*1*LATE*999~N1*PR*OTHER~BPR*I*15~");
    input.extend_from_slice(b"SE*10*0001~GE*1*1~IEA*1*000000001~");
    let mut r = Reader::from_slice(&input);
    let mut sets = 0;
    while let Some(ev) = r.next_event().expect("reads") {
        let Event::Transaction(tx) = ev else {
            continue;
        };
        sets += 1;
        let (rem, diags) = remit::parse_835(&tx, &ParseOptions::default());
        assert_eq!(rem.payment.trace_number.as_deref(), Some("TRACE"));
        assert_eq!(rem.payer_id(), Some("111"));
        assert_eq!(rem.payer.name.as_deref(), Some("PAYER"));
        let late: Vec<_> = diags
            .iter()
            .filter(|d| d.message.contains("after the first claim"))
            .map(|d| d.position.segment_id.to_string())
            .collect();
        assert_eq!(late, ["TRN", "N1", "BPR"]);
        crate::common::check_claim_by_claim(&tx, &ParseOptions::default(), &rem, &diags);
    }
    assert_eq!(sets, 1);
}

/// Found by the `tokenize` fuzz target minutes after the UTF-16 check landed: line breaks, then a
/// UTF-16 byte-order mark. The check looked at the window's first bytes: for a slice, the file's
/// (line breaks: "not X12"); streamed, what was left after the white space had been dropped
/// (the mark: "UTF-16"). It now reads from where the data starts in both.
#[test]
fn fuzz_utf16_check_reads_from_where_the_data_starts() {
    let mut input = b"\r\r\r\r\r\r\xFF\xFE\r\r\r\r\xFF\xFF\xFF\xFFTRISAN".to_vec();
    input.extend_from_slice(&[b'\r'; 60]);
    input.extend_from_slice(b"\x03~*~");
    let s = crate::common::scan_both(&input);
    let fatal = s.fatal.unwrap_or_default();
    assert!(fatal.contains("UTF-16"), "{fatal}");
}

/// Found by the `parse_835` fuzz target (session 8): two CLP03 amounts whose sum needs more
/// digits than a `Decimal` holds (25073000001095 + 9.0253140730250205). The view's Σ CLP03
/// rounds, exactly as summing the claims one by one does, so the two are equal; but the fuzz
/// target checked them by subtracting each claim from the view's sum and expecting zero, which
/// the rounding breaks. The target now compares sums, as these tests always did.
#[test]
fn fuzz_claim_charges_past_decimal_precision_sum_alike() {
    let input = [
        ISA,
        b"GS*HP*S*R*20240101*1200*1*X*005010X221A1~ST*835*0001~",
        b"CLP*P*1*25073000001095~CLP***9.0253140730250205",
    ]
    .concat();
    let mut reader = Reader::from_slice(&input);
    let opts = ParseOptions::default();
    let mut sets = 0;
    while let Ok(Some(event)) = reader.next_event() {
        let Event::Transaction(tx) = event else {
            continue;
        };
        sets += 1;
        let (rem, diags) = remit::parse_835(&tx, &opts);
        assert_eq!(rem.claims.len(), 2);
        crate::common::check_view(&tx, &opts, &rem, &diags);
        let (totals, _) = remit::RemittanceView::new(&tx, &opts).balance_with_totals();
        let sum: rust_decimal::Decimal = rem.claims.iter().map(|c| c.total_charge).sum();
        assert_eq!(totals.total_charge, sum);
        let left = rem
            .claims
            .iter()
            .fold(totals.total_charge, |left, c| left - c.total_charge);
        assert!(!left.is_zero(), "the sum no longer rounds: {left}");
    }
    assert_eq!(sets, 1);
}
