//! The Markdown page: reconciliation and totals, denials by category, the work queue, recurring
//! patterns, claims without denial and failed inputs. Cell text is escaped so a value can never
//! break a table or turn into markup.

use std::io::{self, Write};

use super::stats;
use crate::{Report, Row};

/// Escapes Markdown punctuation and keeps a value on one line.
fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | '|' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '~' | '&' => {
                out.push('\\');
                out.push(c);
            }
            '\r' | '\n' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// Writes the report as a Markdown page (GitHub-flavoured tables).
pub fn markdown<W: Write>(mut w: W, report: &Report) -> io::Result<()> {
    let s = &report.summary;
    let queue = stats::work_queue(&report.rows);
    writeln!(w, "# Denial report\n")?;
    if s.reconciled() {
        writeln!(
            w,
            "**Reconciled:** all {} claims read are accounted for.\n",
            s.claims_in
        )?;
    } else {
        writeln!(
            w,
            "**MISMATCH:** {} claims read, {} accounted for ({}).\n",
            s.claims_in,
            s.claims_accounted,
            super::mismatch(s)
        )?;
    }
    writeln!(w, "| | |\n|---|--:|")?;
    writeln!(w, "| Files | {} |", s.files)?;
    writeln!(w, "| Files with errors | {} |", s.files_failed)?;
    writeln!(w, "| Transactions | {} |", s.transactions)?;
    writeln!(w, "| Claims in | {} |", s.claims_in)?;
    writeln!(w, "| Claims accounted for | {} |", s.claims_accounted)?;
    writeln!(w, "| Denied claims | {} |", s.denied_claims)?;
    writeln!(w, "| Denial lines | {} |", queue.len())?;
    writeln!(w, "| Denied amount | {} |", stats::money(s.denied_amount))?;
    writeln!(w, "| Balancing diagnostics | {} |", s.balancing_diagnostics)?;
    for (k, v) in &s.by_outcome {
        writeln!(w, "| Claims {} | {v} |", md(&k.replace('_', " ")))?;
    }

    if !s.by_category.is_empty() {
        writeln!(w, "\n## Denials by category\n")?;
        writeln!(w, "| Category | Denials | Amount |\n|---|--:|--:|")?;
        let mut cats: Vec<_> = s.by_category.iter().collect();
        cats.sort_by(|a, b| b.1.amount.cmp(&a.1.amount).then(a.0.cmp(b.0)));
        for (cat, t) in cats {
            writeln!(
                w,
                "| {} | {} | {} |",
                md(cat),
                t.count,
                stats::money(t.amount)
            )?;
        }
    }

    writeln!(w, "\n## Work queue\n")?;
    if queue.is_empty() {
        writeln!(w, "No denials.")?;
    } else {
        writeln!(
            w,
            "| Priority | Deadline | Claim | Payer | Service date | Procedure | Codes | Amount | Category | Route | Next step | Why |"
        )?;
        writeln!(w, "|--:|---|---|---|---|---|---|--:|---|---|---|---|")?;
        for r in &queue {
            writeln!(
                w,
                "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                md(&r.priority),
                md(&r.deadline),
                md(&r.patient_control_number),
                md(stats::payer(r)),
                md(&r.service_date),
                md(&stats::procedure(r)),
                md(&stats::codes(r)),
                stats::money(stats::amount(r)),
                md(&r.category),
                md(&r.route.replace('_', " ")),
                md(&r.correction),
                md(&r.priority_reasons),
            )?;
        }
    }

    let patterns = stats::patterns(&queue);
    if !patterns.is_empty() {
        writeln!(w, "\n## Recurring denials\n")?;
        writeln!(w, "Same payer, codes and procedure at least twice.\n")?;
        writeln!(
            w,
            "| Times | Payer | Codes | Procedure | Amount | Category | Reason | Route |"
        )?;
        writeln!(w, "|--:|---|---|---|--:|---|---|---|")?;
        for p in &patterns {
            writeln!(
                w,
                "| {} | {} | {} | {} | {} | {} | {} | {} |",
                p.count,
                md(p.payer),
                md(&p.codes),
                md(p.procedure),
                stats::money(p.amount),
                md(p.category),
                md(&p.class.replace('_', " ")),
                md(&p.route.replace('_', " ")),
            )?;
        }
    }

    let others: Vec<&Row> = report.rows.iter().filter(|r| !r.is_denial()).collect();
    if !others.is_empty() {
        writeln!(w, "\n## Claims without denial\n")?;
        writeln!(
            w,
            "| Claim | Payer | Payer claim number | Service date | Status | Outcome |"
        )?;
        writeln!(w, "|---|---|---|---|---|---|")?;
        for r in others {
            writeln!(
                w,
                "| {} | {} | {} | {} | {} | {} |",
                md(&r.patient_control_number),
                md(stats::payer(r)),
                md(&r.payer_claim_control_number),
                md(&r.service_date),
                md(&r.claim_status),
                md(&r.outcome.replace('_', " ")),
            )?;
        }
    }

    if !s.errors.is_empty() {
        writeln!(w, "\n## Files with errors\n")?;
        writeln!(w, "| File | Error |\n|---|---|")?;
        for e in &s.errors {
            writeln!(w, "| {} | {} |", md(&e.file), md(&e.message))?;
        }
    }
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::tests::sample;

    #[test]
    fn page_sections_and_escaping() {
        let mut out = Vec::new();
        markdown(&mut out, &sample()).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("**Reconciled:** all 5 claims"), "{text}");
        assert!(text.contains("## Work queue"));
        assert!(text.contains("## Recurring denials"));
        assert!(
            text.contains("| 3 | SUMMIT HEALTH PLAN | CO-197 | 72148 | $1,590.50 | authorization | no authorization | appeal |"),
            "{text}"
        );
        assert!(text.contains("## Claims without denial"));
        assert!(text.contains("batch/\\<broken\\>.835"), "{text}");
        // Every table line keeps its column count: no raw `|` from values.
        for l in text.lines().filter(|l| l.starts_with("| 40 |")) {
            assert_eq!(l.matches(" | ").count() + 2, 13, "{l}");
            assert!(l.contains("\\*PAY\\*") && l.contains("\\<script\\>"), "{l}");
        }
    }
}
