//! `gen`: write a seeded, balanced X12 file of a given size.
//!
//! ```text
//! gen 835|837p [--bytes 100M] [--seed 7] [--claims-per-st 500] [--delims '*:^~'] [--no-newline] [--denied-lines PCT] [-o FILE]
//! ```
//!
//! Sizes take K/M/G (powers of 1024) or KB/MB/GB (powers of 1000). Output goes to
//! stdout unless `-o` is given; one line of stats goes to stderr.

use std::fs::File;
use std::io::{self, Write};
use std::process::ExitCode;
use std::time::Instant;

use denali_benches::{Gen835Options, Gen837Options, write_835, write_837p};

const USAGE: &str = "usage: gen 835|837p [--bytes SIZE] [--seed N] [--claims-per-st N] [--delims '*:^~'] [--no-newline] [--denied-lines PCT] [-o FILE]
  SIZE: bytes, or with K/M/G (1024^n) or KB/MB/GB (1000^n); default 1M
  PCT: percent of 835 service lines denied outright, 0-100; default 22";

struct Args {
    kind: String,
    bytes: u64,
    seed: u64,
    claims_per_st: usize,
    delims: (u8, u8, u8, u8),
    newline: bool,
    denied_lines: u32,
    out: Option<String>,
}

fn parse_size(s: &str) -> Result<u64, String> {
    let upper = s.to_ascii_uppercase();
    let (num, mult) = [
        ("KB", 1_000u64),
        ("MB", 1_000_000),
        ("GB", 1_000_000_000),
        ("K", 1 << 10),
        ("M", 1 << 20),
        ("G", 1 << 30),
        ("B", 1),
    ]
    .iter()
    .find_map(|&(suffix, m)| upper.strip_suffix(suffix).map(|n| (n.to_owned(), m)))
    .unwrap_or((upper.clone(), 1));
    let n: f64 = num.trim().parse().map_err(|_| format!("bad size {s:?}"))?;
    if !(n.is_finite() && n > 0.0) {
        return Err(format!("bad size {s:?}"));
    }
    Ok((n * mult as f64).round() as u64)
}

fn parse_args() -> Result<Args, String> {
    let mut it = std::env::args().skip(1);
    let mut a = Args {
        kind: String::new(),
        bytes: 1 << 20,
        seed: 1,
        claims_per_st: 500,
        delims: (b'*', b':', b'^', b'~'),
        newline: true,
        denied_lines: 22,
        out: None,
    };
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "-h" | "--help" => return Err(String::new()),
            "--bytes" => a.bytes = parse_size(&value("--bytes")?)?,
            "--seed" => {
                a.seed = value("--seed")?
                    .parse()
                    .map_err(|e| format!("--seed: {e}"))?
            }
            "--denied-lines" => {
                a.denied_lines = value("--denied-lines")?
                    .parse()
                    .ok()
                    .filter(|p| *p <= 100)
                    .ok_or("--denied-lines: a percent, 0 to 100")?
            }
            "--claims-per-st" => {
                a.claims_per_st = value("--claims-per-st")?
                    .parse()
                    .map_err(|e| format!("--claims-per-st: {e}"))?
            }
            "--delims" => {
                let d = value("--delims")?;
                let b = d.as_bytes();
                if b.len() != 4 {
                    return Err(format!(
                        "--delims wants 4 characters (element, component, repetition, segment), got {d:?}"
                    ));
                }
                a.delims = (b[0], b[1], b[2], b[3]);
            }
            "--no-newline" => a.newline = false,
            "-o" | "--output" => a.out = Some(value("-o")?),
            "835" | "837p" | "837P" if a.kind.is_empty() => a.kind = arg.to_ascii_lowercase(),
            other => return Err(format!("unexpected argument {other:?}")),
        }
    }
    if a.kind.is_empty() {
        return Err("which file: 835 or 837p?".into());
    }
    Ok(a)
}

fn run(a: &Args) -> io::Result<String> {
    let out: Box<dyn Write> = match &a.out {
        Some(path) => Box::new(File::create(path)?),
        None => Box::new(io::stdout().lock()),
    };
    let t = Instant::now();
    let line = if a.kind == "835" {
        let opts = Gen835Options {
            seed: a.seed,
            target_bytes: a.bytes,
            claims_per_transaction: a.claims_per_st,
            delimiters: a.delims,
            newline: a.newline,
            line_denial_percent: a.denied_lines,
        };
        let s = write_835(&opts, out)?;
        let secs = t.elapsed().as_secs_f64();
        format!(
            "835: {} bytes, {} interchange, {} transactions, {} claims ({} reversals), {} service lines, {} CAS, {} PLB, {} segments, charge {}, paid {}, payments {}; {:.2} s, {:.1} MB/s",
            s.bytes,
            s.interchanges,
            s.transactions,
            s.claims,
            s.reversals,
            s.service_lines,
            s.cas_segments,
            s.plb_segments,
            s.segments,
            dollars(s.total_charge_cents),
            dollars(s.total_paid_cents),
            dollars(s.total_payment_cents),
            secs,
            s.bytes as f64 / 1e6 / secs
        )
    } else {
        let opts = Gen837Options {
            seed: a.seed,
            target_bytes: a.bytes,
            claims_per_transaction: a.claims_per_st,
            delimiters: a.delims,
            newline: a.newline,
        };
        let s = write_837p(&opts, out)?;
        let secs = t.elapsed().as_secs_f64();
        format!(
            "837p: {} bytes, {} interchange, {} transactions, {} billing providers, {} subscribers, {} patients, {} claims, {} service lines, {} segments, charge {}; {:.2} s, {:.1} MB/s",
            s.bytes,
            s.interchanges,
            s.transactions,
            s.billing_providers,
            s.subscribers,
            s.patients,
            s.claims,
            s.service_lines,
            s.segments,
            dollars(s.total_charge_cents),
            secs,
            s.bytes as f64 / 1e6 / secs
        )
    };
    Ok(line)
}

fn dollars(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    format!(
        "{sign}{}.{:02}",
        cents.unsigned_abs() / 100,
        cents.unsigned_abs() % 100
    )
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(msg) if msg.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(msg) => {
            eprintln!("gen: {msg}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(line) => {
            eprintln!("{line}");
            ExitCode::SUCCESS
        }
        // Piping into `head` is fine.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gen: {e}");
            ExitCode::FAILURE
        }
    }
}
