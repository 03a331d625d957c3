//! Conformance over the shared external corpus (`DENALI_EXTERNAL_FIXTURES`), read in place.
//!
//! SOURCES.md lists every file with its transaction type, ST count and CLP/CLM count. Good 835s
//! must parse with exactly that many claims and with Σ CLP04 equal to a plain sum of the CLP04
//! elements; 837/999/277 files must read with the right number of transaction sets and CLM
//! segments; files under `invalid/` must give an error or diagnostics, never a panic.

use std::str::FromStr;

use denali_x12::{Event, Reader};
use rust_decimal::Decimal;

use crate::common::{external, scan_both};

struct Row {
    path: String,
    tx: String,
    st: usize,
    claims: usize,
}

fn rows(dir: &std::path::Path) -> Vec<Row> {
    let text = std::fs::read_to_string(dir.join("SOURCES.md")).expect("SOURCES.md");
    let mut repo = String::new();
    let mut header: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for line in text.lines() {
        if let Some(h) = line.strip_prefix("## ") {
            repo = h.trim().to_string();
            header.clear();
            continue;
        }
        if !line.starts_with('|') {
            continue;
        }
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        if cells.get(1) == Some(&"File") {
            header = cells.iter().map(|c| c.to_string()).collect();
            continue;
        }
        let col = |name: &str| {
            header
                .iter()
                .position(|h| h == name)
                .and_then(|i| cells.get(i))
                .copied()
        };
        let (Some(file), Some(tx), Some(st), Some(claims)) =
            (col("File"), col("Tx"), col("ST"), col("CLP/CLM"))
        else {
            continue;
        };
        let Ok(st) = st.parse::<usize>() else {
            continue;
        };
        // "CLP 9", "CLM 0", or "-" for sets without claims.
        let claims = claims
            .split_whitespace()
            .last()
            .and_then(|n| n.parse::<usize>().ok())
            .unwrap_or(0);
        out.push(Row {
            path: format!("{repo}/{file}"),
            tx: tx.to_string(),
            st,
            claims,
        });
    }
    out
}

/// Σ CLP04 and CLM/CLP counts from the segments alone, without the typed model.
fn plain_counts(bytes: &[u8]) -> (usize, usize, Decimal) {
    let mut r = Reader::from_slice(bytes);
    let (mut clp, mut clm, mut sum) = (0, 0, Decimal::ZERO);
    while let Ok(Some(ev)) = r.next_event() {
        if let Event::Transaction(tx) = ev {
            for s in tx.segments() {
                if s.id().is("CLP") {
                    clp += 1;
                    let v = std::str::from_utf8(s.get(4)).unwrap_or("");
                    sum += Decimal::from_str(v).unwrap_or_default();
                } else if s.id().is("CLM") {
                    clm += 1;
                }
            }
        }
    }
    (clp, clm, sum)
}

#[test]
fn external_corpus_conformance() {
    let Some(dir) = external() else { return };
    let rows = rows(&dir);
    assert_eq!(
        rows.len(),
        134,
        "SOURCES.md lists only {} files",
        rows.len()
    );
    let (mut good_835, mut claims_835) = (0, 0);
    for row in &rows {
        let path = dir.join(&row.path);
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let s = scan_both(&bytes);
        if row.path.contains("/invalid/") {
            if row.tx.contains("835") {
                assert!(
                    s.fatal.is_some() || !s.diagnostics.is_empty(),
                    "{}: no diagnostic",
                    row.path
                );
            }
            continue;
        }
        assert!(s.fatal.is_none(), "{}: {:?}", row.path, s.fatal);
        assert_eq!(s.transactions, row.st, "{}: ST count", row.path);
        let (clp, clm, sum) = plain_counts(&bytes);
        if row.tx == "835" {
            assert_eq!(s.claims, row.claims, "{}: claims", row.path);
            assert_eq!(clp, row.claims, "{}: CLP segments", row.path);
            assert_eq!(s.sum_clp04, sum, "{}: Σ CLP04", row.path);
            good_835 += 1;
            claims_835 += s.claims;
        } else if row.tx.starts_with("837") {
            assert_eq!(clm, row.claims, "{}: CLM segments", row.path);
        }
    }
    eprintln!(
        "external corpus: {} files, {good_835} good 835s with {claims_835} claims",
        rows.len()
    );
    assert!(good_835 >= 15, "only {good_835} good 835s");
}
