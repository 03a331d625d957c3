//! Helpers shared by the integration tests: fixture paths and a whole-file scan.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use denali_x12::reader::Input;
use denali_x12::{Diagnostic, Event, ParseOptions, Reader, TransactionSet, remit};
use rust_decimal::Decimal;

/// The project's own fixtures.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

/// The shared external corpus, when `DENALI_EXTERNAL_FIXTURES` names it. Prints why and returns
/// `None` when unset; panics when it is set but missing, so CI cannot silently skip.
pub fn external() -> Option<PathBuf> {
    match std::env::var_os("DENALI_EXTERNAL_FIXTURES") {
        None => {
            eprintln!(
                "skipped: DENALI_EXTERNAL_FIXTURES is not set (the external corpus lives in ../shared/fixtures/external)"
            );
            None
        }
        Some(dir) => {
            let mut p = PathBuf::from(dir);
            if p.is_relative() {
                // cargo runs tests from the crate directory; resolve against the workspace root.
                p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(p);
            }
            assert!(
                p.join("SOURCES.md").is_file(),
                "DENALI_EXTERNAL_FIXTURES is set to {} but it holds no SOURCES.md",
                p.display()
            );
            Some(p)
        }
    }
}

/// What a whole-file scan found.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Scan {
    pub interchanges: usize,
    pub groups: usize,
    pub transactions: usize,
    pub sets: Vec<String>,
    pub claims: usize,
    pub sum_clp04: Decimal,
    pub sum_clp03: Decimal,
    pub diagnostics: Vec<Diagnostic>,
    pub fatal: Option<String>,
}

impl Scan {
    pub fn count(&self, code: &str) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.code.as_str() == code)
            .count()
    }
}

/// Reads a whole input with any reader, parsing 835 sets.
pub fn scan<I: Input>(mut r: Reader<I>) -> Scan {
    let mut s = Scan::default();
    let opts = r.options().clone();
    loop {
        match r.next_event() {
            Ok(Some(Event::InterchangeStart(_))) => s.interchanges += 1,
            Ok(Some(Event::GroupStart(_))) => s.groups += 1,
            Ok(Some(Event::Transaction(tx))) => {
                s.transactions += 1;
                s.sets.push(tx.set_id.clone());
                if tx.set_id == "835" {
                    let (rem, d) = remit::parse_835(&tx, &opts);
                    check_claim_by_claim(&tx, &opts, &rem, &d);
                    s.claims += rem.claims.len();
                    s.sum_clp04 += rem.total_claim_payments();
                    s.sum_clp03 += rem.claims.iter().map(|c| c.total_charge).sum::<Decimal>();
                    s.diagnostics.extend(d);
                }
            }
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(e) => {
                s.fatal = Some(e.to_string());
                break;
            }
        }
    }
    s.diagnostics.extend(r.take_diagnostics());
    s.diagnostics
        .sort_by_key(|d| (d.position.offset, d.code.as_str()));
    s
}

/// Reading claim by claim gives what reading the whole set gives: the same claims in order,
/// the same rest of the remittance, the same diagnostics in the same order, and `claim_keys`
/// the keys of the same claims. Every 835 the tests scan goes through this.
pub fn check_claim_by_claim(
    tx: &TransactionSet<'_>,
    opts: &ParseOptions,
    rem: &remit::Remittance,
    diags: &[Diagnostic],
) {
    let mut claims = Vec::new();
    let (rest, d) = remit::parse_835_each(tx, opts, |header, i, c| {
        assert!(
            header.claims.is_empty(),
            "the remittance handed out holds no claims"
        );
        assert_eq!(i, claims.len(), "claim index");
        claims.push(c.clone());
    });
    assert_eq!(claims, rem.claims, "claims read one by one differ");
    assert_eq!(d, diags, "diagnostics of the claim-by-claim read differ");
    let whole_rest = remit::Remittance {
        claims: Vec::new(),
        ..rem.clone()
    };
    assert_eq!(rest, whole_rest, "the rest of the remittance differs");
    let keys: Vec<_> = rem.claims.iter().map(remit::ClaimPayment::key).collect();
    assert_eq!(
        remit::claim_keys(tx, opts),
        keys,
        "claim_keys differ from the claims' keys"
    );
}

/// Scans bytes from a slice, and again streamed in small chunks; both must agree.
pub fn scan_both(bytes: &[u8]) -> Scan {
    let a = scan(Reader::from_slice(bytes));
    for chunk in [1usize, 7, 4096] {
        let opts = ParseOptions {
            chunk_size: chunk,
            ..ParseOptions::default()
        };
        let b = scan(Reader::from_reader_with(bytes, opts));
        assert_eq!(a, b, "slice and streamed (chunk {chunk}) reads differ");
    }
    a
}
