//! Files wrapped at a fixed width: line breaks inside segments, as some mainframe systems send
//! 835s in 80-column records. Such a file reads exactly as the same file without line breaks,
//! with one `wrapped_lines` warning; files whose line breaks all follow a terminator are left as
//! they are.

use denali_x12::remit::{self, Remittance};
use denali_x12::{Diagnostic, DiagnosticCode, Event, ParseOptions, Reader};
use proptest::prelude::*;

use crate::common::{fixtures, scan_both};

/// The fixtures wrapped below: ISA envelopes with several delimiter sets, 4010, UTF-8 names,
/// a bare ST, many claims.
const FIXTURES: [&str; 8] = [
    "basic.835",
    "large_200.835",
    "v4010.835",
    "utf8_names.835",
    "delim_bang_gt_crlf.835",
    "delim_pipe_caret_lf.835",
    "delim_apostrophe.835",
    "multi_st.835",
];

/// A fixture with every line break removed.
fn flat(name: &str) -> Vec<u8> {
    let bytes = std::fs::read(fixtures().join("835").join(name)).expect("fixture");
    bytes
        .into_iter()
        .filter(|b| *b != b'\r' && *b != b'\n')
        .collect()
}

/// `flat` broken into lines of `width` bytes.
fn wrap(flat: &[u8], width: usize, crlf: bool) -> Vec<u8> {
    let end: &[u8] = if crlf { b"\r\n" } else { b"\n" };
    let mut out = Vec::with_capacity(flat.len() + flat.len() / width * 2 + 2);
    for line in flat.chunks(width) {
        out.extend_from_slice(line);
        out.extend_from_slice(end);
    }
    out
}

/// Every remittance of a file (read from a slice), and every diagnostic (reader and 835).
fn read(bytes: &[u8]) -> (Vec<Remittance>, Vec<Diagnostic>) {
    let opts = ParseOptions::default();
    let mut reader = Reader::from_slice(bytes);
    let mut remits = Vec::new();
    let mut diags = Vec::new();
    while let Some(ev) = reader.next_event().expect("no fatal error") {
        if let Event::Transaction(tx) = ev {
            let (rem, d) = remit::parse_835(&tx, &opts);
            remits.push(rem);
            diags.extend(d);
        }
    }
    diags.extend(reader.take_diagnostics());
    (remits, diags)
}

/// Checks that `wrapped` reads as `flat` (slice and streamed alike), with one `wrapped_lines`
/// warning more, at the start.
fn reads_as_flat(wrapped: &[u8], flat: &[u8], what: &str) -> Diagnostic {
    let (want, want_diags) = read(flat);
    let (got, mut got_diags) = read(wrapped);
    let at = got_diags
        .iter()
        .position(|d| d.code == DiagnosticCode::WrappedLines)
        .unwrap_or_else(|| panic!("{what}: no wrapped_lines warning: {got_diags:?}"));
    let warning = got_diags.remove(at);
    assert_eq!(got, want, "{what}: remittances differ");
    assert_eq!(got_diags, want_diags, "{what}: other diagnostics differ");
    // Streamed in small chunks, the same decision and the same offsets.
    let mut streamed = scan_both(wrapped);
    streamed
        .diagnostics
        .retain(|d| d.code != DiagnosticCode::WrappedLines);
    assert_eq!(streamed, scan_both(flat), "{what}: streamed read differs");
    warning
}

#[test]
fn a_file_wrapped_at_80_columns_reads_as_the_unwrapped_file() {
    for name in FIXTURES.into_iter().chain(["bare_st.835"]) {
        let flat = flat(name);
        for crlf in [true, false] {
            let w = reads_as_flat(&wrap(&flat, 80, crlf), &flat, name);
            assert_eq!(w.position.offset, 0, "{name}");
            assert!(w.message.contains("wrapped at 80 columns"), "{name}: {w:?}");
        }
    }
}

/// An ISA broken just before ISA16 or just before its terminator: read naively, a line break
/// would be taken for the component separator or the terminator.
#[test]
fn an_isa_wrapped_just_before_its_last_delimiters() {
    let flat = flat("basic.835");
    for width in [104, 105] {
        reads_as_flat(&wrap(&flat, width, true), &flat, &format!("width {width}"));
    }
}

#[test]
fn line_breaks_after_terminators_are_layout_not_wrapping() {
    // Every project fixture: segment per line, CRLF, indentation, newline terminators, several
    // interchanges with different delimiters.
    for dir in ["835", "837p", "837i", "837d"] {
        for entry in std::fs::read_dir(fixtures().join(dir)).expect("fixtures") {
            let path = entry.expect("entry").path();
            let bytes = std::fs::read(&path).expect("fixture");
            let s = scan_both(&bytes);
            assert_eq!(s.count("wrapped_lines"), 0, "{}", path.display());
        }
    }
}

/// Found while building this: a first interchange ending its segments with `~` and a line
/// break, then one whose terminator IS the line break. Judged by the first interchange's
/// terminator alone, the second one's line breaks looked like wrapping, and dropping them
/// destroyed it.
#[test]
fn a_later_interchange_ending_segments_with_line_breaks_is_not_unwrapped() {
    let bytes = std::fs::read(fixtures().join("835/multi_isa.835")).expect("fixture");
    let s = scan_both(&bytes);
    assert_eq!(s.count("wrapped_lines"), 0);
    assert_eq!(s.interchanges, 2);
    assert_eq!(s.fatal, None);
}

/// A line break left inside one segment of a file laid out a segment per line (a terminator
/// lost or overwritten) is not wrapping: the file is read as before, line breaks and all (found
/// by the emit crate's `mutated_837s_never_panic` property, which writes such a file back byte
/// for byte; a first cut unwrapped any file with a line break inside a segment).
#[test]
fn a_line_break_inside_one_segment_of_a_segment_per_line_file_is_not_wrapping() {
    let flat = flat("basic.835");
    let mut lines = Vec::new();
    for seg in flat.split_inclusive(|&b| b == b'~') {
        lines.extend_from_slice(seg);
        lines.extend_from_slice(b"\r\n");
    }
    // Overwrite the terminator of the first CAS.
    let cas = memchr::memmem::find(&lines, b"CAS*CO*").expect("a CAS");
    let end = cas + memchr::memchr(b'~', lines.get(cas..).expect("rest")).expect("terminated");
    if let Some(b) = lines.get_mut(end) {
        *b = b'X';
    }
    let s = scan_both(&lines);
    assert_eq!(s.count("wrapped_lines"), 0, "{:?}", s.diagnostics);
    assert_eq!(s.fatal, None);
    assert_eq!(s.claims, 14);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Any width from 8 bytes up (narrower ones cut "ISA" itself), LF or CRLF.
    #[test]
    fn any_width_reads_as_the_unwrapped_file(
        name in proptest::sample::select(FIXTURES.to_vec()),
        width in 8usize..300,
        crlf in proptest::bool::ANY,
    ) {
        let flat = flat(name);
        // At least four lines: three of the width and the last.
        let width = width.min((flat.len() - 1) / 4);
        let wrapped = wrap(&flat, width, crlf);
        // (At a width where every break falls after a terminator there is no warning: the file
        // reads the same either way.)
        let (got, mut got_diags) = read(&wrapped);
        let (want, want_diags) = read(&flat);
        got_diags.retain(|d| d.code != DiagnosticCode::WrappedLines);
        prop_assert_eq!(got, want, "{} at width {}", name, width);
        prop_assert_eq!(got_diags, want_diags, "{} at width {}", name, width);
    }
}
