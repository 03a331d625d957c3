//! Streams one 835 file through the typed parser and prints the claim count (for profiling).
use denali_x12::{Event, ParseOptions, Reader, remit};

fn main() {
    let path = std::env::args().nth(1).unwrap_or_default();
    let Ok(f) = std::fs::File::open(&path) else {
        return;
    };
    let opts = ParseOptions::default();
    let mut r = Reader::from_reader(f);
    let mut claims = 0usize;
    while let Ok(Some(ev)) = r.next_event() {
        if let Event::Transaction(tx) = ev {
            remit::parse_835_each(&tx, &opts, |_, _, _| claims += 1);
        }
    }
    println!("{claims} claims");
}
