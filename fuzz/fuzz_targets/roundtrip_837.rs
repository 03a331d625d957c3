//! 837 parse → emit → parse: whatever parses writes, and what was written parses again and
//! writes back to the same bytes (emit ∘ parse is idempotent), both with the input's delimiters
//! and with new delimiters and `recount`. This target found four cases, fixed, with regression
//! tests in crates/emit/tests/roundtrip.rs (fuzz/README.md).
#![no_main]

use denali_emit::{Document, LineEnding, WriteOptions, Writer};
use denali_x12::{Delimiters, Diagnostic, DiagnosticCode};
use libfuzzer_sys::fuzz_target;

fn write(doc: &Document, opts: &WriteOptions) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut w = Writer::new(&mut out, opts.clone()).ok()?;
    doc.write_to(&mut w).ok()?;
    w.finish().ok()?;
    Some(out)
}

/// `first` and `second` are the same bytes; or, when reading `first` back found it wrapped at a
/// fixed width (it holds line breaks inside segments, copied from a malformed input, in lines
/// that happen to be of one width), the same bytes but for the line breaks it dropped.
fn same_bytes(first: &[u8], second: &[u8], diags: &[Diagnostic]) -> bool {
    let no_breaks = |b: &[u8]| -> Vec<u8> { b.iter().copied().filter(|b| *b != b'\r' && *b != b'\n').collect() };
    first == second
        || diags.iter().any(|d| d.code == DiagnosticCode::WrappedLines)
            && no_breaks(first) == no_breaks(second)
}

fuzz_target!(|data: &[u8]| {
    let Ok((doc, _)) = Document::parse(data) else {
        return;
    };
    let same = WriteOptions::default();
    let other = WriteOptions {
        delimiters: Some(Delimiters { element: b'|', component: b'>', repetition: Some(b'{'), segment: b'!' }),
        line_ending: LineEnding::Lf,
        recount: true,
    };
    if let Some(first) = write(&doc, &same) {
        let (again, diags) = Document::parse(&first).expect("what we wrote parses");
        let second = write(&again, &same).expect("what parsed once writes again");
        assert!(same_bytes(&first, &second, &diags), "emit(parse(emit(parse(x)))) != emit(parse(x))");
    }
    // A value that contains a new delimiter is refused: that is an answer, not a bug. What is
    // written parses, and writes again to the same bytes.
    if let Some(first) = write(&doc, &other) {
        let (again, diags) = Document::parse(&first).expect("what we wrote parses");
        let second = write(&again, &other).expect("what parsed once writes again");
        assert!(
            same_bytes(&first, &second, &diags),
            "with new delimiters: emit(parse(emit(parse(x)))) != emit(parse(x))"
        );
    }
});
