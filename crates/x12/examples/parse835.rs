//! Streams one 835 file through the typed parser and prints the claim count (for profiling).
//! `--view` reads it through `RemittanceView` instead: header, balancing, CLP01 and CLP02.
use denali_x12::{Event, ParseOptions, Reader, remit};

fn main() {
    let mut args = std::env::args().skip(1).collect::<Vec<_>>();
    let view = args.iter().any(|a| a == "--view");
    args.retain(|a| a != "--view");
    let path = args.first().cloned().unwrap_or_default();
    let Ok(f) = std::fs::File::open(&path) else {
        return;
    };
    let opts = ParseOptions::default();
    let mut r = Reader::from_reader(f);
    let (mut claims, mut warnings) = (0usize, 0usize);
    while let Ok(Some(ev)) = r.next_event() {
        if let Event::Transaction(tx) = ev {
            if view {
                let v = remit::RemittanceView::new(&tx, &opts);
                warnings += v.header().1.len() + v.balance().len();
                for c in v.claims() {
                    claims += 1;
                    warnings +=
                        usize::from(c.patient_control_number().is_empty() || c.is_reversal());
                }
            } else {
                let (_, d) = remit::parse_835_each(&tx, &opts, |_, _, _| claims += 1);
                warnings += d.len();
            }
        }
    }
    println!("{claims} claims, {warnings} diagnostics");
}
