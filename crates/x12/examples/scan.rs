//! Prints per file: transactions, CLP/CLM counts and diagnostics (slice and streamed reading).
use denali_x12::{Event, ParseOptions, Reader};

fn count<I: denali_x12::reader::Input>(
    r: &mut Reader<I>,
) -> Result<(usize, usize, usize), denali_x12::Error> {
    let (mut tx, mut clp, mut segs) = (0, 0, 0);
    while let Some(ev) = r.next_event()? {
        if let Event::Transaction(t) = ev {
            tx += 1;
            for s in t.segments() {
                segs += 1;
                if s.id().is("CLP") || s.id().is("CLM") {
                    clp += 1;
                }
            }
        }
    }
    Ok((tx, clp, segs))
}

fn main() {
    for path in std::env::args().skip(1) {
        let bytes = std::fs::read(&path).unwrap_or_default();
        let mut a = Reader::from_slice(&bytes);
        let ra = count(&mut a);
        let opts = ParseOptions {
            chunk_size: 7,
            ..ParseOptions::default()
        };
        let mut b = Reader::from_reader_with(&bytes[..], opts);
        let rb = count(&mut b);
        let same = format!("{ra:?}") == format!("{rb:?}") && a.diagnostics() == b.diagnostics();
        let name = path.rsplit('/').next().unwrap_or("");
        match ra {
            Ok((t, c, s)) => println!(
                "{name}\ttx={t}\tclp={c}\tsegs={s}\tdiags={}\tsame={same}",
                a.diagnostics().len()
            ),
            Err(e) => println!("{name}\tERROR {e}\tsame={same}"),
        }
        for d in a.diagnostics() {
            println!("    {d}");
        }
    }
}
