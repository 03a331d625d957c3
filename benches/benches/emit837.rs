//! 837 round trip throughput: parse a generated 837P into the lossless typed model and write it
//! back (byte for byte), on a generated file of realistic size.
//!
//! `cargo bench -p denali-benches --bench emit837`. Input size: `DENALI_BENCH_MB` (default 32).
#![allow(missing_docs)] // criterion_group! generates undocumented functions

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use denali_benches::{Gen837Options, write_837p};
use denali_emit::fmt::{FmtOptions, format};
use denali_emit::{Document, WriteOptions, Writer};
use denali_x12::claim::parse_837;
use denali_x12::{Event, ParseOptions, Reader};

fn input() -> Vec<u8> {
    let mb: u64 = std::env::var("DENALI_BENCH_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(32);
    let mut out = Vec::with_capacity((mb << 20) as usize + 4096);
    let opts = Gen837Options {
        seed: 7,
        target_bytes: mb << 20,
        ..Gen837Options::default()
    };
    write_837p(&opts, &mut out).expect("generate 837P");
    out
}

/// Typed parse only (reader + lossless 837 model).
fn parse(bytes: &[u8]) -> usize {
    let opts = ParseOptions::default();
    let mut r = Reader::from_slice(bytes);
    let mut n = 0;
    while let Ok(Some(ev)) = r.next_event() {
        if let Event::Transaction(tx) = ev {
            n += parse_837(&tx, &opts).0.claim_count();
        }
    }
    n
}

/// Parse the whole document, then write it back.
fn round_trip(bytes: &[u8], out: &mut Vec<u8>) -> usize {
    out.clear();
    let (doc, _) = Document::parse(bytes).expect("parse");
    let mut w = Writer::new(&mut *out, WriteOptions::default()).expect("writer");
    doc.write_to(&mut w).expect("write");
    w.finish().expect("finish");
    out.len()
}

/// Streaming `fmt` (one transaction set in memory at a time), optionally recounting.
fn fmt(bytes: &[u8], out: &mut Vec<u8>, recount: bool) -> usize {
    out.clear();
    let opts = FmtOptions {
        recount,
        ..FmtOptions::default()
    };
    format(bytes, &opts, out).expect("fmt");
    out.len()
}

fn benches(c: &mut Criterion) {
    let bytes = input();
    let mut out = Vec::with_capacity(bytes.len() + 4096);
    assert_eq!(round_trip(&bytes, &mut out), bytes.len());
    assert!(out == bytes, "round trip is not byte for byte");
    let mut g = c.benchmark_group("emit837");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(bytes.len() as u64));
    g.bench_function("parse_837p", |b| {
        b.iter(|| black_box(parse(black_box(&bytes))))
    });
    g.bench_function("round_trip_837p", |b| {
        b.iter(|| black_box(round_trip(black_box(&bytes), &mut out)))
    });
    g.bench_function("fmt_837p", |b| {
        b.iter(|| black_box(fmt(black_box(&bytes), &mut out, false)))
    });
    g.bench_function("fmt_recount_837p", |b| {
        b.iter(|| black_box(fmt(black_box(&bytes), &mut out, true)))
    });
    g.finish();
}

criterion_group!(emit837, benches);
criterion_main!(emit837);
