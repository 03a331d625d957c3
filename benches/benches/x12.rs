//! Tokenizer and typed 835 throughput on a generated, balanced 835 of realistic size.
//!
//! `cargo bench -p denali-benches --bench x12`. Input size: `DENALI_BENCH_MB` (default 32).

// criterion_group! generates undocumented items.
#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use denali_benches::{Gen835Options, write_835};
use denali_x12::{Event, ParseOptions, Reader, remit};

fn input() -> Vec<u8> {
    let mb: u64 = std::env::var("DENALI_BENCH_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(32);
    let mut out = Vec::with_capacity((mb << 20) as usize + 4096);
    let opts = Gen835Options {
        seed: 7,
        target_bytes: mb << 20,
        ..Gen835Options::default()
    };
    write_835(&opts, &mut out).expect("generate 835");
    out
}

fn tokenize(bytes: &[u8]) -> usize {
    let mut r = Reader::from_slice(bytes);
    let mut n = 0;
    while let Ok(Some(ev)) = r.next_event() {
        if let Event::Transaction(tx) = ev {
            n += tx.segment_count();
        }
    }
    n
}

fn tokenize_streamed(bytes: &[u8]) -> usize {
    let mut r = Reader::from_reader(bytes);
    let mut n = 0;
    while let Ok(Some(ev)) = r.next_event() {
        if let Event::Transaction(tx) = ev {
            n += tx.segment_count();
        }
    }
    n
}

fn parse_835<I: denali_x12::reader::Input>(mut r: Reader<I>) -> usize {
    let opts = ParseOptions::default();
    let mut n = 0;
    while let Ok(Some(ev)) = r.next_event() {
        if let Event::Transaction(tx) = ev {
            n += remit::parse_835(&tx, &opts).0.claims.len();
        }
    }
    n
}

/// Tokenize and split every segment into elements, decoding nothing: the floor under any typed
/// reader that looks at every element.
fn tokenize_split(bytes: &[u8]) -> usize {
    let mut r = Reader::from_slice(bytes);
    let mut n = 0;
    while let Ok(Some(ev)) = r.next_event() {
        if let Event::Transaction(tx) = ev {
            let mut els = Vec::with_capacity(32);
            for seg in tx.segments() {
                seg.split_into(&mut els);
                n += els.len();
            }
        }
    }
    n
}

/// Claim by claim (what `denali validate` and `denali report` run): same reading, one claim held.
fn parse_835_each(bytes: &[u8]) -> usize {
    let opts = ParseOptions::default();
    let mut r = Reader::from_slice(bytes);
    let mut n = 0;
    while let Ok(Some(ev)) = r.next_event() {
        if let Event::Transaction(tx) = ev {
            remit::parse_835_each(&tx, &opts, |_, _, _| n += 1);
        }
    }
    n
}

/// The borrowed view: claims and lines located, the header read, the three balancing rules
/// run (CLP, SVC, CAS, BPR and PLB amounts decoded), and each claim's CLP01 and CLP02 decoded.
fn view_835<I: denali_x12::reader::Input>(mut r: Reader<I>) -> usize {
    let opts = ParseOptions::default();
    let mut n = 0;
    while let Ok(Some(ev)) = r.next_event() {
        if let Event::Transaction(tx) = ev {
            let view = remit::RemittanceView::new(&tx, &opts);
            let (header, _) = view.header();
            n += header.provider_adjustments.len() + view.balance().len();
            for claim in view.claims() {
                n += claim.patient_control_number().len() + usize::from(claim.is_reversal());
            }
        }
    }
    n
}

fn benches(c: &mut Criterion) {
    let bytes = input();
    let mut g = c.benchmark_group("x12");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(bytes.len() as u64));
    g.bench_function("tokenize_slice", |b| {
        b.iter(|| black_box(tokenize(black_box(&bytes))))
    });
    g.bench_function("tokenize_streamed", |b| {
        b.iter(|| black_box(tokenize_streamed(black_box(&bytes))))
    });
    g.bench_function("tokenize_split_slice", |b| {
        b.iter(|| black_box(tokenize_split(black_box(&bytes))))
    });
    g.bench_function("typed_835_slice", |b| {
        b.iter(|| black_box(parse_835(Reader::from_slice(black_box(&bytes)))))
    });
    g.bench_function("typed_835_each", |b| {
        b.iter(|| black_box(parse_835_each(black_box(&bytes))))
    });
    g.bench_function("typed_835_view", |b| {
        b.iter(|| black_box(view_835(Reader::from_slice(black_box(&bytes)))))
    });
    g.bench_function("typed_835_view_streamed", |b| {
        b.iter(|| black_box(view_835(Reader::from_reader(black_box(&bytes[..])))))
    });
    g.bench_function("typed_835_streamed", |b| {
        b.iter(|| black_box(parse_835(Reader::from_reader(black_box(&bytes[..])))))
    });
    g.finish();
}

criterion_group!(x12, benches);
criterion_main!(x12);
