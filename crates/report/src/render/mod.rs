//! Renderers: the same [`Report`] as CSV, JSON, NDJSON (for programs), a terminal table,
//! Markdown and a self-contained HTML page (for people).
//!
//! The machine formats carry every row in input order and nothing else; [`summary_text`] is
//! meant for standard error next to them. The human formats sort denials into a work queue
//! (priority high to low, then nearest deadline, then larger amount) and include the summary.
//!
//! Every renderer writes to any [`Write`] and returns I/O errors unchanged (a closed pipe stays
//! [`io::ErrorKind::BrokenPipe`], so the caller can treat it as success).

mod html;
mod markdown;
mod stats;
mod table;

use std::io::{self, Write};

use serde::Serialize;

pub use html::{HtmlMeta, html};
pub use markdown::markdown;
pub use stats::work_queue;
pub use table::table;

use crate::{COLUMNS, Report, Summary};

/// The machine formats, one row at a time: what [`csv()`], [`json`] and [`ndjson`] write, for
/// callers that stream rows (see [`crate::stream`]) instead of holding a [`Report`].
pub enum RowWriter<W: Write> {
    /// A header row with [`COLUMNS`], then one record per row.
    Csv(Box<::csv::Writer<W>>),
    /// `{"rows":[...],"summary":{...}}`.
    Json {
        /// Where it goes.
        w: W,
        /// Rows written so far.
        rows: u64,
    },
    /// One `{"type":"row", ...}` line per row, then `{"type":"summary", ...}`.
    Ndjson(W),
}

impl<W: Write> RowWriter<W> {
    /// CSV; writes the header row.
    pub fn csv(w: W) -> io::Result<Self> {
        let mut out = ::csv::Writer::from_writer(w);
        out.write_record(COLUMNS).map_err(csv_io)?;
        Ok(RowWriter::Csv(Box::new(out)))
    }

    /// JSON; writes the opening of the document.
    pub fn json(mut w: W) -> io::Result<Self> {
        w.write_all(b"{\"rows\":[")?;
        Ok(RowWriter::Json { w, rows: 0 })
    }

    /// NDJSON.
    pub fn ndjson(w: W) -> Self {
        RowWriter::Ndjson(w)
    }

    /// Writes one row.
    pub fn row(&mut self, row: &crate::Row) -> io::Result<()> {
        match self {
            RowWriter::Csv(out) => {
                use denali_x12::value::{runs_as_formula, spreadsheet_safe};
                let values = row.values();
                // Rows almost never hold such a value: look before making anything (and write
                // both kinds of row with one `write_record`, which the compiler then inlines).
                if values.iter().any(|v| runs_as_formula(v)) {
                    let safe = values.map(spreadsheet_safe);
                    let values: [&str; 25] = std::array::from_fn(|i| &*safe[i]);
                    out.write_record(values).map_err(csv_io)
                } else {
                    out.write_record(values).map_err(csv_io)
                }
            }
            RowWriter::Json { w, rows } => {
                if *rows > 0 {
                    w.write_all(b",")?;
                }
                *rows += 1;
                serde_json::to_writer(&mut *w, row).map_err(json_io)
            }
            RowWriter::Ndjson(w) => {
                serde_json::to_writer(
                    &mut *w,
                    &Tagged {
                        kind: "row",
                        inner: row,
                    },
                )
                .map_err(json_io)?;
                w.write_all(b"\n")
            }
        }
    }

    /// Writes what follows the rows (the summary, for the JSON formats) and flushes.
    pub fn finish(self, summary: &Summary) -> io::Result<()> {
        match self {
            RowWriter::Csv(mut out) => out.flush(),
            RowWriter::Json { mut w, .. } => {
                w.write_all(b"],\"summary\":")?;
                serde_json::to_writer(&mut w, summary).map_err(json_io)?;
                w.write_all(b"}\n")?;
                w.flush()
            }
            RowWriter::Ndjson(mut w) => {
                serde_json::to_writer(
                    &mut w,
                    &Tagged {
                        kind: "summary",
                        inner: summary,
                    },
                )
                .map_err(json_io)?;
                w.write_all(b"\n")?;
                w.flush()
            }
        }
    }
}

fn write_all<W: Write>(mut out: RowWriter<W>, report: &Report) -> io::Result<()> {
    for row in &report.rows {
        out.row(row)?;
    }
    out.finish(&report.summary)
}

/// CSV: a header row with [`COLUMNS`], then one record per row in input order.
pub fn csv<W: Write>(w: W, report: &Report) -> io::Result<()> {
    write_all(RowWriter::csv(w)?, report)
}

fn csv_io(e: ::csv::Error) -> io::Error {
    match e.into_kind() {
        ::csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

fn json_io(e: serde_json::Error) -> io::Error {
    if e.is_io() {
        io::Error::from(e)
    } else {
        io::Error::other(e)
    }
}

/// JSON: `{"rows":[...],"summary":{...}}`, rows in input order.
pub fn json<W: Write>(w: W, report: &Report) -> io::Result<()> {
    write_all(RowWriter::json(w)?, report)
}

/// A row or the summary with a `"type"` key first.
#[derive(Serialize)]
struct Tagged<'a, T: Serialize> {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(flatten)]
    inner: &'a T,
}

/// NDJSON: one line per row, `{"type":"row", column: value, ...}`, in input order, then one
/// line `{"type":"summary", ...}` with the [`Summary`] keys.
pub fn ndjson<W: Write>(w: W, report: &Report) -> io::Result<()> {
    write_all(RowWriter::ndjson(w), report)
}

/// The summary as plain text, for standard error after CSV, JSON or NDJSON (the table format
/// ends with it too): counts, reconciliation (`MISMATCH` when claims in and claims accounted
/// for differ), denials by category, outcomes, balancing diagnostics and the failed inputs.
pub fn summary_text<W: Write>(mut w: W, s: &Summary) -> io::Result<()> {
    let failed = if s.files_failed > 0 {
        format!(" ({} failed)", s.files_failed)
    } else {
        String::new()
    };
    writeln!(w, "files                  {}{failed}", s.files)?;
    write!(w, "transactions           {}", s.transactions)?;
    if s.other_transactions > 0 {
        write!(w, " (+{} not 835, skipped)", s.other_transactions)?;
    }
    writeln!(w)?;
    writeln!(w, "claims in              {}", s.claims_in)?;
    write!(w, "claims accounted for   {}", s.claims_accounted)?;
    if s.reconciled() {
        writeln!(w)?;
    } else {
        writeln!(w, "  MISMATCH: {}", mismatch(s))?;
    }
    writeln!(w, "denied claims          {}", s.denied_claims)?;
    writeln!(
        w,
        "denied amount          {}",
        stats::money(s.denied_amount)
    )?;
    if !s.by_category.is_empty() {
        writeln!(w, "denials by category")?;
        for (cat, t) in &s.by_category {
            writeln!(
                w,
                "  {cat:<20} {:>6}  {:>14}",
                t.count,
                stats::money(t.amount)
            )?;
        }
    }
    if !s.by_outcome.is_empty() {
        let outcomes: Vec<String> = s
            .by_outcome
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect();
        writeln!(w, "claim outcomes         {}", outcomes.join(", "))?;
    }
    writeln!(w, "balancing diagnostics  {}", s.balancing_diagnostics)?;
    writeln!(w, "errors                 {}", s.errors.len())?;
    for e in &s.errors {
        writeln!(w, "  {}: {}", e.file, e.message)?;
    }
    w.flush()
}

/// "3 claims read but not accounted for" (or the reverse).
fn mismatch(s: &Summary) -> String {
    if s.claims_in > s.claims_accounted {
        let n = s.claims_in - s.claims_accounted;
        format!("{n} claim{} read but not accounted for", plural(n))
    } else {
        let n = s.claims_accounted - s.claims_in;
        format!("{n} more claim{} accounted for than read", plural(n))
    }
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::collections::BTreeMap;

    use rust_decimal::Decimal;

    use super::*;
    use crate::{CategoryTotal, FileError, Row};

    fn row(pcn: &str, carc: &str, rarcs: &str, amount: &str, prio: &str, deadline: &str) -> Row {
        Row {
            file: "batch/a.835".into(),
            payer_name: "SUMMIT HEALTH PLAN".into(),
            payer_id: "SUMMIT01".into(),
            payee_npi: "1900000013".into(),
            trace_number: "EFT0001001".into(),
            payment_date: "2025-03-14".into(),
            patient_control_number: pcn.into(),
            payer_claim_control_number: format!("ICN-{pcn}"),
            claim_status: "1".into(),
            service_date: "2025-01-22".into(),
            procedure: "72148".into(),
            modifiers: String::new(),
            level: "line".into(),
            group: "CO".into(),
            carc: carc.into(),
            rarcs: rarcs.into(),
            amount: amount.into(),
            category: "authorization".into(),
            class: "no_authorization".into(),
            route: "appeal".into(),
            priority: prio.into(),
            priority_reasons: "high dollar; appeal window closing".into(),
            deadline: deadline.into(),
            correction: "Obtain the authorization number and appeal".into(),
            outcome: "partially_denied".into(),
            last_deadline: deadline.into(),
        }
    }

    /// A small report with a hostile value, a recurring pattern, a claim row and an error.
    pub(crate) fn sample() -> Report {
        let mut hostile = row("PCN<9>", "16", "N290;MA130", "95", "40", "2025-04-10");
        hostile.payer_name = "A&B \"<script>alert(1)</script>\" | *PAY*".into();
        hostile.payer_id = "AB01".into();
        hostile.category = "submission".into();
        hostile.route = "corrected_claim".into();
        hostile.correction = "Fix the rendering NPI </td><b>x</b>".into();
        hostile.modifiers = "25;59".into();
        hostile.procedure = "99212".into();
        let claim_only = Row {
            level: String::new(),
            group: String::new(),
            carc: String::new(),
            rarcs: String::new(),
            amount: String::new(),
            category: String::new(),
            class: String::new(),
            route: String::new(),
            priority: String::new(),
            priority_reasons: String::new(),
            deadline: String::new(),
            correction: String::new(),
            outcome: "paid".into(),
            ..row("PCN1001", "", "", "", "", "")
        };
        let rows = vec![
            row("PCN1003", "197", "", "1250", "85", "2025-03-25"),
            hostile,
            claim_only,
            row("PCN1020", "197", "", "300.5", "85", "2025-03-20"),
            row("PCN1021", "197", "", "40", "60", ""),
        ];
        let mut by_category = BTreeMap::new();
        by_category.insert(
            "authorization".to_string(),
            CategoryTotal {
                count: 3,
                amount: Decimal::new(15905, 1),
            },
        );
        by_category.insert(
            "submission".to_string(),
            CategoryTotal {
                count: 1,
                amount: Decimal::new(95, 0),
            },
        );
        let mut by_outcome = BTreeMap::new();
        by_outcome.insert("paid".to_string(), 1);
        by_outcome.insert("partially_denied".to_string(), 4);
        Report {
            rows,
            summary: Summary {
                files: 2,
                files_failed: 1,
                transactions: 1,
                claims_in: 5,
                claims_accounted: 5,
                denied_claims: 4,
                denied_amount: Decimal::new(16855, 1),
                by_category,
                by_outcome,
                balancing_diagnostics: 1,
                other_transactions: 0,
                errors: vec![FileError {
                    file: "batch/<broken>.835".into(),
                    message: "no ISA & no ST at byte 0".into(),
                }],
            },
        }
    }

    fn render(f: impl Fn(&mut Vec<u8>, &Report) -> io::Result<()>, r: &Report) -> String {
        let mut out = Vec::new();
        f(&mut out, r).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn csv_has_header_and_every_row() {
        let r = sample();
        let text = render(|w, r| csv(w, r), &r);
        let mut rd = ::csv::Reader::from_reader(text.as_bytes());
        assert_eq!(rd.headers().unwrap().iter().collect::<Vec<_>>(), COLUMNS);
        let recs: Vec<::csv::StringRecord> = rd.records().map(Result::unwrap).collect();
        assert_eq!(recs.len(), r.rows.len());
        for (rec, row) in recs.iter().zip(&r.rows) {
            assert_eq!(rec.iter().collect::<Vec<_>>(), row.values());
        }
    }

    #[test]
    fn json_shape() {
        let r = sample();
        let v: serde_json::Value = serde_json::from_str(&render(|w, r| json(w, r), &r)).unwrap();
        let rows = v["rows"].as_array().unwrap();
        assert_eq!(rows.len(), 5);
        for (name, value) in COLUMNS.iter().zip(r.rows[1].values()) {
            assert_eq!(rows[1][name], value, "{name}");
        }
        assert_eq!(rows[1].as_object().unwrap().len(), COLUMNS.len());
        let s = &v["summary"];
        assert_eq!(s["claims_in"], 5);
        assert_eq!(s["denied_amount"], "1685.5");
        assert_eq!(s["by_category"]["submission"]["count"], 1);
        assert_eq!(s["errors"][0]["file"], "batch/<broken>.835");
    }

    #[test]
    fn ndjson_rows_then_summary() {
        let r = sample();
        let text = render(|w, r| ndjson(w, r), &r);
        let lines: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 6);
        assert!(lines[..5].iter().all(|l| l["type"] == "row"));
        assert_eq!(lines[0]["patient_control_number"], "PCN1003");
        assert_eq!(lines[5]["type"], "summary");
        assert_eq!(lines[5]["files_failed"], 1);
    }

    #[test]
    fn summary_text_flags_mismatch() {
        let mut r = sample();
        let ok = render(|w, r| summary_text(w, &r.summary), &r);
        assert!(!ok.contains("MISMATCH"), "{ok}");
        assert!(ok.contains("batch/<broken>.835: no ISA"), "{ok}");
        r.summary.claims_accounted = 4;
        let bad = render(|w, r| summary_text(w, &r.summary), &r);
        assert!(
            bad.contains("MISMATCH: 1 claim read but not accounted for"),
            "{bad}"
        );
    }

    #[test]
    fn broken_pipe_is_kept() {
        struct Closed;
        impl Write for Closed {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::ErrorKind::BrokenPipe.into())
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let r = sample();
        assert_eq!(
            csv(Closed, &r).unwrap_err().kind(),
            io::ErrorKind::BrokenPipe
        );
        assert_eq!(
            json(Closed, &r).unwrap_err().kind(),
            io::ErrorKind::BrokenPipe
        );
        assert_eq!(
            ndjson(Closed, &r).unwrap_err().kind(),
            io::ErrorKind::BrokenPipe
        );
    }
}
