//! Times tokenizing and typed 835 parsing of one file, in memory and streamed:
//! `cargo run --release -p denali-x12 --example throughput -- FILE`.
use std::time::Instant;

use denali_x12::{Event, ParseOptions, Reader, remit};

fn main() {
    let path = std::env::args().nth(1).unwrap_or_default();
    let bytes = std::fs::read(&path).unwrap_or_default();
    let mb = bytes.len() as f64 / 1e6;
    let t = Instant::now();
    let mut r = Reader::from_slice(&bytes);
    let mut segs = 0usize;
    while let Ok(Some(ev)) = r.next_event() {
        if let Event::Transaction(tx) = ev {
            segs += tx.segment_count();
        }
    }
    let dt = t.elapsed().as_secs_f64();
    println!("tokenize (slice): {segs} segments, {:.0} MB/s", mb / dt);

    let t = Instant::now();
    let file = std::fs::File::open(&path);
    let mut claims = 0usize;
    let opts = ParseOptions::default();
    if let Ok(f) = file {
        let mut r = Reader::from_reader(f);
        while let Ok(Some(ev)) = r.next_event() {
            if let Event::Transaction(tx) = ev {
                let (rem, _) = remit::parse_835(&tx, &opts);
                claims += rem.claims.len();
            }
        }
    }
    let dt = t.elapsed().as_secs_f64();
    println!("typed 835 (streamed): {claims} claims, {:.0} MB/s", mb / dt);
}
