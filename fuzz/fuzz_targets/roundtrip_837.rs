//! 837 parse → emit → parse: whatever parses writes, and what was written parses again and
//! writes back to the same bytes (emit ∘ parse is idempotent), both with the input's delimiters
//! and with new delimiters and `recount`. This target found four cases, fixed, with regression
//! tests in crates/emit/tests/roundtrip.rs (fuzz/README.md).
#![no_main]

use denali_emit::{Document, LineEnding, WriteOptions, Writer};
use denali_x12::Delimiters;
use libfuzzer_sys::fuzz_target;

fn write(doc: &Document, opts: &WriteOptions) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut w = Writer::new(&mut out, opts.clone()).ok()?;
    doc.write_to(&mut w).ok()?;
    w.finish().ok()?;
    Some(out)
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
        let (again, _) = Document::parse(&first).expect("what we wrote parses");
        let second = write(&again, &same).expect("what parsed once writes again");
        assert!(first == second, "emit(parse(emit(parse(x)))) != emit(parse(x))");
    }
    // A value that contains a new delimiter is refused: that is an answer, not a bug. What is
    // written parses, and writes again to the same bytes.
    if let Some(first) = write(&doc, &other) {
        let (again, _) = Document::parse(&first).expect("what we wrote parses");
        let second = write(&again, &other).expect("what parsed once writes again");
        assert!(first == second, "with new delimiters: emit(parse(emit(parse(x)))) != emit(parse(x))");
    }
});
