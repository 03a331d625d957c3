//! The tokenizer on arbitrary bytes.
//!
//! Input: one flag byte, then the X12 bytes. The same bytes are read from a slice and streamed
//! through a reader that hands over a few bytes per `read` call; both must give the same events,
//! segments, diagnostics and error. Every element, component and repetition of every segment is
//! walked, and every offset must point at the bytes it claims (in the bytes read: a file wrapped
//! at a fixed width is read without its line breaks, see `Reader::bytes`).
//!
//! Flag bits: 0-3 bytes per read (1-16); 4 chunk size (64 or 256); 5 pad: the first line break
//! is repeated 64 KiB times, so what follows lies beyond the reader's initial 64 KiB look-ahead
//! and is streamed through refills; 6 tight limits; 7 strict.
#![no_main]

use std::io::{self, Read};

use denali_x12::reader::Input;
use denali_x12::{
    Diagnostic, DiagnosticCode, Event, GroupHeader, InterchangeHeader, ParseOptions, Position,
    Reader, Segment,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&flags, input)) = data.split_first() else {
        return;
    };
    let padded;
    let input = match input.iter().position(|&b| b == b'\n') {
        Some(i) if flags & 0x20 != 0 => {
            padded = [&input[..i], &[b'\n'; 1 << 16], &input[i..]].concat();
            &padded[..]
        }
        _ => input,
    };
    let mut opts = ParseOptions {
        strict: flags & 0x80 != 0,
        chunk_size: if flags & 0x10 != 0 { 256 } else { 64 },
        ..ParseOptions::default()
    };
    if flags & 0x40 != 0 {
        opts.max_segment_len = 200;
        opts.max_segments_per_transaction = 40;
        opts.max_transaction_bytes = 2_000;
        opts.max_elements = 8;
    }
    let step = 1 + usize::from(flags & 0x0f);

    // The bytes offsets index: the input, or, for a file wrapped at a fixed width, the input
    // without its line breaks (the slice reader's copy, once it has started).
    let mut first = Reader::from_slice_with(input, opts.clone());
    while let Ok(Some(_)) = first.next_event() {}
    let read = first.bytes().to_vec();
    let wrapped = first
        .diagnostics()
        .iter()
        .any(|d| d.code == DiagnosticCode::WrappedLines);
    if wrapped {
        // Line breaks were dropped from where the data starts (white space or garbage before it
        // is left as it was), and nothing else changed.
        let no_breaks = |b: &[u8]| -> Vec<u8> {
            b.iter()
                .copied()
                .filter(|b| *b != b'\r' && *b != b'\n')
                .collect()
        };
        assert!(read.len() < input.len());
        assert_eq!(no_breaks(&read), no_breaks(input));
    } else {
        assert_eq!(read, input, "bytes changed without a wrapped_lines warning");
    }

    let slice = trace(&read, Reader::from_slice_with(input, opts.clone()));
    let streamed = trace(
        &read,
        Reader::from_reader_with(Trickle { rest: input, step }, opts),
    );
    assert_eq!(slice, streamed, "slice and streamed reads differ");
});

/// A source that returns at most `step` bytes per read, to exercise every refill path.
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

/// What a reader yielded, in order, comparable between slice and streamed reads.
#[derive(Debug, PartialEq)]
enum Step {
    Interchange(InterchangeHeader),
    Group(GroupHeader),
    Transaction {
        set_id: String,
        control_number: String,
        version: String,
        segments: Vec<(Position, Vec<u8>)>,
    },
    GroupEnd,
    InterchangeEnd,
    Error(String),
}

fn trace<I: Input>(input: &[u8], mut reader: Reader<I>) -> (Vec<Step>, Vec<Diagnostic>) {
    let mut steps = Vec::new();
    loop {
        let step = match reader.next_event() {
            Ok(None) => break,
            Err(e) => Step::Error(e.to_string()),
            Ok(Some(Event::InterchangeStart(h))) => Step::Interchange(h),
            Ok(Some(Event::GroupStart(h))) => Step::Group(h),
            Ok(Some(Event::GroupEnd)) => Step::GroupEnd,
            Ok(Some(Event::InterchangeEnd)) => Step::InterchangeEnd,
            Ok(Some(Event::Transaction(tx))) => {
                // Offsets are file offsets: the bytes there are the transaction's bytes.
                let at = tx.position().offset as usize;
                assert_eq!(input.get(at..at + tx.as_bytes().len()), Some(tx.as_bytes()));
                Step::Transaction {
                    set_id: tx.set_id.clone(),
                    control_number: tx.control_number.clone(),
                    version: tx.version.clone(),
                    segments: tx.segments().map(|s| walk(input, s)).collect(),
                }
            }
        };
        let stop = matches!(step, Step::Error(_));
        steps.push(step);
        if stop {
            break;
        }
    }
    // Once done (end or error), a reader stays done.
    assert!(matches!(reader.next_event(), Ok(None)));
    (steps, reader.take_diagnostics())
}

/// Splits a segment every way the API allows; returns its position and bytes.
fn walk(input: &[u8], seg: Segment<'_>) -> (Position, Vec<u8>) {
    let raw = seg.as_bytes();
    let pos = seg.position();
    let at = pos.offset as usize;
    assert_eq!(input.get(at..at + raw.len()), Some(raw));
    assert!(raw.starts_with(seg.id().as_bytes()));
    assert_eq!(seg.elements().count(), seg.element_count());

    let mut bytes = 0usize;
    for (i, el) in seg.elements().enumerate() {
        // `get` and `element_position` rescan from the start: check only the first few.
        if i < 4 {
            assert_eq!(seg.get(i + 1), el.as_bytes());
            let p = seg.element_position(i + 1);
            let at = p.offset as usize;
            assert_eq!(input.get(at..at + el.as_bytes().len()), Some(el.as_bytes()));
        }
        bytes += el.components().map(<[u8]>::len).sum::<usize>();
        bytes += el.component(2).len();
        for rep in el.repetitions() {
            bytes += rep.components().count() + usize::from(rep.as_str().is_some());
        }
    }
    std::hint::black_box(bytes);
    (pos, raw.to_vec())
}
