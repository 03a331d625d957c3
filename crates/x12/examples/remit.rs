//! Prints per 835 file: claims, Σ CLP04 and the diagnostics of the typed parse.
use denali_x12::{Event, ParseOptions, Reader, remit};

fn main() {
    for path in std::env::args().skip(1) {
        let bytes = std::fs::read(&path).unwrap_or_default();
        let mut r = Reader::from_slice(&bytes);
        let (mut claims, mut paid, mut diags) = (0, rust_decimal::Decimal::ZERO, Vec::new());
        loop {
            match r.next_event() {
                Ok(Some(Event::Transaction(tx))) if tx.set_id == "835" => {
                    let (rem, d) = remit::parse_835(&tx, &ParseOptions::default());
                    claims += rem.claims.len();
                    paid += rem.total_claim_payments();
                    diags.extend(d);
                }
                Ok(Some(_)) => {}
                Ok(None) => break,
                Err(e) => {
                    println!("{path}: ERROR {e}");
                    break;
                }
            }
        }
        diags.extend(r.take_diagnostics());
        let name = path.rsplit('/').next().unwrap_or("");
        println!(
            "{name}\tclaims={claims}\tpaid={paid}\tdiags={}",
            diags.len()
        );
        for d in diags {
            println!("    {d}");
        }
    }
}
