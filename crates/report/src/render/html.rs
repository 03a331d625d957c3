//! The HTML report: one self-contained page for a biller (inline CSS, inline SVG charts, a few
//! lines of inline script for sorting the tables; nothing is fetched, and a Content Security
//! Policy forbids it).
//!
//! Sections: reconciliation and totals; denials and dollars by category and by payer (bar
//! charts); deadlines due within 30 days (overdue included); the prioritised work queue; top
//! CARC/RARC combinations; recurring denials; claims by outcome; claims without denial (with
//! `--all-claims`); files with errors.
//!
//! Every piece of text from the input goes through [`Esc`], in element content, attributes and
//! SVG alike, so no value can close a tag or start a script.

use std::collections::BTreeMap;
use std::fmt;
use std::io::{self, Write};

use chrono::NaiveDate;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::stats::{self, Group, money};
use crate::{Report, Row};

/// Page metadata that does not come from the inputs.
#[derive(Clone, Debug)]
pub struct HtmlMeta {
    /// Page title and heading.
    pub title: String,
    /// When the report was made, as shown in the header (free text, e.g. `2025-03-20 14:02`).
    pub generated: String,
    /// The date deadlines are counted from (`--as-of`): "due in 30 days" and "overdue" use it.
    pub as_of: NaiveDate,
}

/// Work-queue rows shown; the rest are counted, and the machine formats have them all.
const MAX_QUEUE: usize = 1000;
/// Rows shown in the deadlines and claims-without-denial tables.
const MAX_LIST: usize = 500;
/// Bars per chart and rows in the code table.
const TOP: usize = 12;
/// "Due soon" horizon in days.
const DUE_DAYS: i64 = 30;

/// HTML-escapes text for element content and quoted attribute values.
struct Esc<'a>(&'a str);

impl fmt::Display for Esc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut last = 0;
        for (i, c) in self.0.char_indices() {
            let rep = match c {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                _ => continue,
            };
            f.write_str(&self.0[last..i])?;
            f.write_str(rep)?;
            last = i + c.len_utf8();
        }
        f.write_str(&self.0[last..])
    }
}

/// `partially_denied` → `partially denied`.
fn words(s: &str) -> String {
    s.replace('_', " ")
}

fn category_color(cat: &str) -> &'static str {
    match cat {
        "eligibility" => "#1d4ed8",
        "authorization" => "#6d28d9",
        "coding" => "#0f766e",
        "documentation" => "#b45309",
        "submission" => "#be123c",
        _ => "#4b5563",
    }
}

fn outcome_color(o: &str) -> &'static str {
    match o {
        "paid" => "#15803d",
        "partially_denied" => "#b45309",
        "denied" => "#b91c1c",
        "reversed" => "#6d28d9",
        _ => "#4b5563",
    }
}

fn priority_class(p: Option<u32>) -> &'static str {
    match p {
        Some(70..) => "p-high",
        Some(40..) => "p-med",
        _ => "p-low",
    }
}

const CSS: &str = r#"
:root{--ink:#1f2937;--muted:#6b7280;--line:#e5e7eb;--bg:#f8fafc;--ok:#15803d;--bad:#b91c1c;--warn:#b45309}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
header{background:#0f172a;color:#f8fafc;padding:18px 32px}
header h1{margin:0;font-size:22px;font-weight:600}
header p{margin:4px 0 0;color:#cbd5e1;font-size:13px}
main{padding:20px 32px 40px;max-width:1600px}
h2{font-size:17px;margin:0 0 10px}
section{background:#fff;border:1px solid var(--line);border-radius:8px;padding:16px 18px;margin:0 0 18px}
.recon{font-size:15px;border-left:6px solid var(--ok)}
.recon.bad{border-left-color:var(--bad);background:#fef2f2;color:#7f1d1d}
.recon b{font-variant-numeric:tabular-nums}
.alert{border-left:6px solid var(--bad);background:#fef2f2;color:#7f1d1d}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(170px,1fr));gap:12px;margin:0 0 18px}
.card{background:#fff;border:1px solid var(--line);border-radius:8px;padding:12px 14px}
.card .k{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.card .v{font-size:24px;font-weight:600;font-variant-numeric:tabular-nums}
.card .s{color:var(--muted);font-size:12px}
.card.bad .v{color:var(--bad)}
.card.warn .v{color:var(--warn)}
nav{margin:0 0 18px;font-size:13px}
nav a{color:#1d4ed8;margin-right:14px;text-decoration:none}
nav a:hover{text-decoration:underline}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(520px,1fr));gap:18px;align-items:start;margin:0 0 18px}
.grid>section{margin:0}
.grid>div>section:last-child{margin-bottom:0}
.pn{min-width:150px}
.scroll{max-height:420px;overflow:auto;border:1px solid var(--line);border-radius:6px}
.scroll.tall{max-height:80vh}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{background:#f1f5f9;font-weight:600;white-space:nowrap;position:sticky;top:0}
th button{all:unset;cursor:pointer}
th button:focus-visible{outline:2px solid #1d4ed8}
th[aria-sort=ascending] button::after{content:" \25B2";font-size:10px}
th[aria-sort=descending] button::after{content:" \25BC";font-size:10px}
tbody tr:nth-child(even){background:#fafafa}
tbody tr:hover{background:#eff6ff}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.nw{white-space:nowrap}
.muted,.why{color:var(--muted);font-size:12px}
.next{min-width:320px}
.badge{display:inline-block;padding:1px 7px;border-radius:10px;color:#fff;font-size:12px;white-space:nowrap}
.prio{display:inline-block;min-width:34px;text-align:center;padding:2px 6px;border-radius:6px;font-weight:700;font-variant-numeric:tabular-nums}
.p-high{background:#fee2e2;color:#991b1b}
.p-med{background:#fef3c7;color:#92400e}
.p-low{background:#f3f4f6;color:#374151}
.overdue{color:var(--bad);font-weight:600}
.soon{color:var(--warn);font-weight:600}
code{font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#f1f5f9;padding:1px 4px;border-radius:4px;white-space:nowrap}
svg text{font-family:inherit}
.chart{width:100%;max-width:640px;height:auto;display:block;margin:4px 0 12px}
.mini{vertical-align:middle;margin-left:6px}
.empty{color:var(--muted);margin:0}
.note{color:var(--muted);font-size:12px;margin:6px 0 0}
footer{color:var(--muted);font-size:12px;padding:0 32px 24px}
details summary{cursor:pointer;font-weight:600;font-size:15px}
@media print{header{background:none;color:#000}header p{color:#333}nav,th button::after{display:none}.card{break-inside:avoid}th{position:static}.scroll{max-height:none;overflow:visible;border:0}}
"#;

const SCRIPT: &str = r#"
document.querySelectorAll("table.sortable").forEach(function (t) {
  t.querySelectorAll("th button").forEach(function (b) {
    b.addEventListener("click", function () {
      var th = b.parentNode, i = th.cellIndex, num = th.dataset.type === "num";
      var asc = th.getAttribute("aria-sort") !== "ascending";
      t.querySelectorAll("th").forEach(function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", asc ? "ascending" : "descending");
      var body = t.tBodies[0], rows = Array.prototype.slice.call(body.rows);
      function key(r) { var c = r.cells[i]; return c.dataset.v !== undefined ? c.dataset.v : c.textContent; }
      rows.sort(function (x, y) {
        var a = key(x), c = key(y);
        var d = num ? (parseFloat(a) || 0) - (parseFloat(c) || 0) : a.localeCompare(c);
        return asc ? d : -d;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
});
"#;

/// Writes the report as one self-contained HTML page.
pub fn html<W: Write>(mut w: W, report: &Report, meta: &HtmlMeta) -> io::Result<()> {
    let s = &report.summary;
    let queue = stats::work_queue(&report.rows);
    let due = stats::due(&queue, meta.as_of, DUE_DAYS);
    let overdue = due
        .iter()
        .filter(|r| stats::deadline(r).is_some_and(|d| d < meta.as_of))
        .count();
    let patterns = stats::patterns(&queue);
    let others: Vec<&Row> = report.rows.iter().filter(|r| !r.is_denial()).collect();

    writeln!(
        w,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">"
    )?;
    writeln!(
        w,
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    )?;
    writeln!(
        w,
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'\">"
    )?;
    writeln!(
        w,
        "<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>",
        Esc(&meta.title)
    )?;
    writeln!(w, "<header>\n<h1>{}</h1>", Esc(&meta.title))?;
    writeln!(
        w,
        "<p>Generated {} · deadlines counted from {} · {} file{}, {} remittance{} (835 transaction sets)</p>\n</header>\n<main>",
        Esc(&meta.generated),
        meta.as_of,
        s.files,
        plural(s.files),
        s.transactions,
        plural(s.transactions),
    )?;

    // Reconciliation first: a biller must know whether every claim made it into the report.
    if s.reconciled() {
        writeln!(
            w,
            "<section class=\"recon\" id=\"reconciliation\"><b>&#10003; Reconciled:</b> all <b>{}</b> claim{} read from the files are accounted for in this report.</section>",
            s.claims_in,
            plural(s.claims_in)
        )?;
    } else {
        writeln!(
            w,
            "<section class=\"recon bad\" id=\"reconciliation\" role=\"alert\"><b>&#9888; Claims do not reconcile:</b> <b>{}</b> claims read, <b>{}</b> accounted for: {}. Do not rely on the totals below until this is explained.</section>",
            s.claims_in,
            s.claims_accounted,
            Esc(&super::mismatch(s))
        )?;
    }
    if !s.errors.is_empty() {
        writeln!(
            w,
            "<section class=\"alert\" role=\"alert\"><b>{} input{} could not be read completely</b>: claims after the error are missing from this report. See <a href=\"#errors\">Files with errors</a>.</section>",
            s.errors.len(),
            plural(s.errors.len() as u64),
        )?;
    }

    cards(
        &mut w,
        report,
        queue.len(),
        due.len(),
        overdue,
        patterns.len(),
    )?;

    writeln!(w, "<nav aria-label=\"Sections\">")?;
    for (id, name) in [
        ("categories", "By category"),
        ("payers", "By payer"),
        ("deadlines", "Deadlines"),
        ("queue", "Work queue"),
        ("codes", "Top codes"),
        ("patterns", "Recurring"),
        ("outcomes", "Outcomes"),
    ] {
        writeln!(w, "<a href=\"#{id}\">{name}</a>")?;
    }
    if !others.is_empty() {
        writeln!(w, "<a href=\"#claims\">Claims without denial</a>")?;
    }
    if !s.errors.is_empty() {
        writeln!(w, "<a href=\"#errors\">Files with errors</a>")?;
    }
    writeln!(w, "</nav>")?;

    writeln!(w, "<div class=\"grid\">")?;
    by_category(&mut w, report)?;
    writeln!(w, "<div>")?;
    by_payer(&mut w, &queue)?;
    outcomes(&mut w, report)?;
    writeln!(w, "</div>\n</div>")?;
    deadlines(&mut w, &due, meta.as_of)?;
    work_queue(&mut w, &queue, meta.as_of)?;
    top_codes(&mut w, &queue)?;
    recurring(&mut w, &patterns)?;
    if !others.is_empty() {
        claims_without_denial(&mut w, &others)?;
    }
    if !s.errors.is_empty() {
        errors(&mut w, report)?;
    }
    writeln!(
        w,
        "</main>\n<footer>Made by denali report. Amounts are the denied amounts of the adjustments (CAS), in the payer's currency. Click a column heading to sort. This page loads nothing from the network.</footer>"
    )?;
    writeln!(w, "<script>{SCRIPT}</script>\n</body>\n</html>")?;
    w.flush()
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn cards<W: Write>(
    w: &mut W,
    report: &Report,
    lines: usize,
    due: usize,
    overdue: usize,
    patterns: usize,
) -> io::Result<()> {
    let s = &report.summary;
    writeln!(w, "<div class=\"cards\">")?;
    let card = |w: &mut W, class: &str, k: &str, v: &str, sub: &str| {
        writeln!(
            w,
            "<div class=\"card {class}\"><div class=\"k\">{}</div><div class=\"v\">{}</div><div class=\"s\">{}</div></div>",
            Esc(k),
            Esc(v),
            Esc(sub)
        )
    };
    card(
        w,
        "",
        "Denied claims",
        &s.denied_claims.to_string(),
        &format!("of {} claims read", s.claims_in),
    )?;
    card(
        w,
        "",
        "Denied amount",
        &money(s.denied_amount),
        &format!("{lines} denial line{}", plural(lines as u64)),
    )?;
    card(
        w,
        if overdue > 0 {
            "bad"
        } else if due > 0 {
            "warn"
        } else {
            ""
        },
        "Due within 30 days",
        &due.to_string(),
        &if overdue > 0 {
            format!("{overdue} already overdue")
        } else {
            "deadlines".to_string()
        },
    )?;
    card(
        w,
        "",
        "Recurring patterns",
        &patterns.to_string(),
        "same payer, codes, procedure",
    )?;
    card(
        w,
        if s.files_failed > 0 { "bad" } else { "" },
        "Files",
        &s.files.to_string(),
        &if s.files_failed > 0 {
            format!("{} with errors", s.files_failed)
        } else {
            "all read".to_string()
        },
    )?;
    card(
        w,
        if s.balancing_diagnostics > 0 {
            "warn"
        } else {
            ""
        },
        "Balancing issues",
        &s.balancing_diagnostics.to_string(),
        "amounts that do not add up",
    )?;
    writeln!(w, "</div>")
}

/// One bar of a chart.
struct Bar {
    label: String,
    value: Decimal,
    text: String,
    color: &'static str,
}

/// A horizontal bar chart as inline SVG, with a text alternative listing every bar.
fn bar_chart<W: Write>(w: &mut W, id: &str, title: &str, bars: &[Bar]) -> io::Result<()> {
    const ROW: usize = 28;
    const MAX_LABEL: usize = 26;
    // Room for the longest label (about 8.5 px a character at 13 px, capitals included), within limits.
    let longest = bars
        .iter()
        .map(|b| b.label.chars().count().min(MAX_LABEL))
        .max()
        .unwrap_or(0);
    let label = (longest as f64 * 8.5 + 16.0).clamp(90.0, 240.0);
    // The rest of the 600-unit width: the bars, then about 160 for the value text.
    let area = 600.0 - label - 160.0;
    let max = bars
        .iter()
        .map(|b| b.value)
        .fold(Decimal::ZERO, Decimal::max);
    let height = bars.len() * ROW + 6;
    let alt: Vec<String> = bars
        .iter()
        .map(|b| format!("{}: {}", b.label, b.text))
        .collect();
    writeln!(
        w,
        "<svg class=\"chart\" viewBox=\"0 0 600 {height}\" role=\"img\" aria-labelledby=\"{id}-t\"><title id=\"{id}-t\">{}: {}</title>",
        Esc(title),
        Esc(&alt.join("; "))
    )?;
    for (i, b) in bars.iter().enumerate() {
        let y = i * ROW + 4;
        let frac = if max > Decimal::ZERO && b.value > Decimal::ZERO {
            (b.value / max).to_f64().unwrap_or(0.0)
        } else {
            0.0
        };
        let bw = if b.value > Decimal::ZERO {
            (frac * area).max(2.0)
        } else {
            0.0
        };
        writeln!(
            w,
            "<g><title>{}: {}</title><text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-size=\"13\" fill=\"#1f2937\">{}</text><rect x=\"{}\" y=\"{y}\" width=\"{bw:.1}\" height=\"18\" rx=\"3\" fill=\"{}\"/><text x=\"{:.1}\" y=\"{}\" font-size=\"12\" fill=\"#374151\">{}</text></g>",
            Esc(&b.label),
            Esc(&b.text),
            label - 8.0,
            y + 14,
            Esc(&stats::truncate(&b.label, MAX_LABEL)),
            label,
            b.color,
            label + bw + 6.0,
            y + 14,
            Esc(&b.text)
        )?;
    }
    writeln!(w, "</svg>")
}

/// A tiny proportional bar for table cells (decorative; the number is in the cell).
fn mini_bar<W: Write>(w: &mut W, value: Decimal, max: Decimal, color: &str) -> io::Result<()> {
    let frac = if max > Decimal::ZERO && value > Decimal::ZERO {
        (value / max).to_f64().unwrap_or(0.0)
    } else {
        0.0
    };
    write!(
        w,
        "<svg class=\"mini\" width=\"80\" height=\"10\" aria-hidden=\"true\"><rect width=\"80\" height=\"10\" rx=\"2\" fill=\"#f1f5f9\"/><rect width=\"{:.1}\" height=\"10\" rx=\"2\" fill=\"{color}\"/></svg>",
        frac * 80.0
    )
}

fn badge(cat: &str) -> String {
    if cat.is_empty() {
        return String::new();
    }
    format!(
        "<span class=\"badge\" style=\"background:{}\">{}</span>",
        category_color(cat),
        Esc(&words(cat))
    )
}

fn by_category<W: Write>(w: &mut W, report: &Report) -> io::Result<()> {
    let s = &report.summary;
    writeln!(w, "<section id=\"categories\"><h2>Denials by category</h2>")?;
    if s.by_category.is_empty() {
        return writeln!(w, "<p class=\"empty\">No denials.</p></section>");
    }
    let mut cats: Vec<_> = s.by_category.iter().collect();
    cats.sort_by(|a, b| b.1.amount.cmp(&a.1.amount).then(b.1.count.cmp(&a.1.count)));
    let bars: Vec<Bar> = cats
        .iter()
        .map(|(c, t)| Bar {
            label: words(c),
            value: t.amount,
            text: format!(
                "{} · {} denial{}",
                money(t.amount),
                t.count,
                plural(t.count)
            ),
            color: category_color(c),
        })
        .collect();
    bar_chart(w, "chart-categories", "Denied dollars by category", &bars)?;
    writeln!(
        w,
        "<table><thead><tr><th>Category</th><th class=\"num\">Denials</th><th class=\"num\">Amount</th><th class=\"num\">Share</th></tr></thead><tbody>"
    )?;
    for (c, t) in cats {
        writeln!(
            w,
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            badge(c),
            t.count,
            money(t.amount),
            share(t.amount, s.denied_amount)
        )?;
    }
    writeln!(
        w,
        "</tbody><tfoot><tr><th>Total</th><th class=\"num\">{}</th><th class=\"num\">{}</th><th></th></tr></tfoot></table></section>",
        s.by_category.values().map(|t| t.count).sum::<u64>(),
        money(s.denied_amount)
    )
}

/// `42%` of the total, or empty when the total is not positive.
fn share(part: Decimal, total: Decimal) -> String {
    if total <= Decimal::ZERO {
        return String::new();
    }
    let pct = (part * Decimal::ONE_HUNDRED / total).round();
    if pct.is_zero() && part > Decimal::ZERO {
        "<1%".to_string()
    } else {
        format!("{pct}%")
    }
}

fn by_payer<W: Write>(w: &mut W, queue: &[&Row]) -> io::Result<()> {
    writeln!(w, "<section id=\"payers\"><h2>Denials by payer</h2>")?;
    if queue.is_empty() {
        return writeln!(w, "<p class=\"empty\">No denials.</p></section>");
    }
    // Key: name and id (a unit separator between them), shown as the name with the id below.
    let groups = stats::group_by(queue, |r| format!("{}{SEP}{}", r.payer_name, r.payer_id));
    let bars: Vec<Bar> = groups
        .iter()
        .take(TOP)
        .map(|g| Bar {
            label: payer_name(&g.label).0.to_string(),
            value: g.amount,
            text: format!(
                "{} · {} denial{}",
                money(g.amount),
                g.count,
                plural(g.count)
            ),
            color: "#1d4ed8",
        })
        .collect();
    bar_chart(w, "chart-payers", "Denied dollars by payer", &bars)?;
    payer_table(w, &groups, "#1d4ed8")?;
    writeln!(w, "</section>")
}

/// Separates payer name and id in a grouping key.
const SEP: char = '\u{1f}';

/// (name, id) from a payer grouping key; the id when there is no name.
fn payer_name(key: &str) -> (&str, &str) {
    match key.split_once(SEP) {
        Some(("", id)) => (id, ""),
        Some((name, id)) => (name, id),
        None => (key, ""),
    }
}

fn payer_table<W: Write>(w: &mut W, groups: &[Group], color: &str) -> io::Result<()> {
    let max = groups
        .iter()
        .map(|g| g.amount)
        .fold(Decimal::ZERO, Decimal::max);
    writeln!(
        w,
        "<table class=\"sortable\"><thead><tr><th><button>Payer</button></th><th class=\"num\" data-type=\"num\"><button>Claims</button></th><th class=\"num\" data-type=\"num\"><button>Denials</button></th><th class=\"num\" data-type=\"num\" aria-sort=\"descending\"><button>Amount</button></th></tr></thead><tbody>"
    )?;
    for g in groups {
        let (name, id) = payer_name(&g.label);
        write!(
            w,
            "<tr><td>{}<div class=\"muted\">{}</div></td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\" data-v=\"{}\">{}",
            Esc(name),
            Esc(id),
            g.claims,
            g.count,
            g.amount,
            money(g.amount)
        )?;
        mini_bar(w, g.amount, max, color)?;
        writeln!(w, "</td></tr>")?;
    }
    writeln!(w, "</tbody></table>")
}

/// The deadline cell: the date and how far it is from `as_of`.
fn deadline_cell<W: Write>(w: &mut W, r: &Row, as_of: NaiveDate) -> io::Result<()> {
    let Some(d) = stats::deadline(r) else {
        return write!(
            w,
            "<td data-v=\"9999-12-31\" class=\"muted\">no deadline</td>"
        );
    };
    let days = (d - as_of).num_days();
    let (class, rel) = match days {
        ..0 => (
            "overdue",
            format!("overdue {} day{}", -days, plural(days.unsigned_abs())),
        ),
        0 => ("overdue", "due today".to_string()),
        1..=DUE_DAYS => ("soon", format!("in {days} day{}", plural(days as u64))),
        _ => ("", format!("in {days} days")),
    };
    write!(
        w,
        "<td data-v=\"{d}\" class=\"nw\"><span class=\"{class}\">{d}</span><div class=\"muted\">{rel}</div></td>"
    )
}

fn deadlines<W: Write>(w: &mut W, due: &[&Row], as_of: NaiveDate) -> io::Result<()> {
    writeln!(
        w,
        "<section id=\"deadlines\"><h2>Deadlines within {DUE_DAYS} days of {as_of}</h2>"
    )?;
    if due.is_empty() {
        return writeln!(
            w,
            "<p class=\"empty\">Nothing is due within {DUE_DAYS} days and nothing is overdue.</p></section>"
        );
    }
    writeln!(
        w,
        "<div class=\"scroll\"><table class=\"sortable\"><thead><tr><th aria-sort=\"ascending\"><button>Deadline</button></th><th><button>Claim</button></th><th class=\"payer\"><button>Payer</button></th><th><button>Codes</button></th><th class=\"num\" data-type=\"num\"><button>Amount</button></th><th class=\"next\">Next step</th></tr></thead><tbody>"
    )?;
    for r in due.iter().take(MAX_LIST) {
        write!(w, "<tr>")?;
        deadline_cell(w, r, as_of)?;
        writeln!(
            w,
            "<td class=\"nw\">{}</td><td class=\"payer\"><div class=\"pn\">{}</div></td><td><code>{}</code></td><td class=\"num\" data-v=\"{}\">{}</td><td class=\"next\">{}</td></tr>",
            Esc(&r.patient_control_number),
            Esc(stats::payer(r)),
            Esc(&stats::codes(r)),
            stats::amount(r),
            money(stats::amount(r)),
            Esc(next_step(r)),
        )?;
    }
    writeln!(w, "</tbody></table></div>")?;
    more(w, due.len(), MAX_LIST)?;
    writeln!(w, "</section>")
}

/// The correction proposal (it names its route), or the route when there is none.
fn next_step(r: &Row) -> &str {
    if r.correction.is_empty() {
        &r.route
    } else {
        &r.correction
    }
}

fn more<W: Write>(w: &mut W, total: usize, shown: usize) -> io::Result<()> {
    if total > shown {
        writeln!(
            w,
            "<p class=\"note\">Showing the first {shown} of {total}; the CSV, JSON and NDJSON formats list them all.</p>"
        )?;
    }
    Ok(())
}

fn work_queue<W: Write>(w: &mut W, queue: &[&Row], as_of: NaiveDate) -> io::Result<()> {
    writeln!(
        w,
        "<section id=\"queue\"><h2>Work queue ({} denial line{})</h2>",
        queue.len(),
        plural(queue.len() as u64)
    )?;
    if queue.is_empty() {
        return writeln!(
            w,
            "<p class=\"empty\">No denials: nothing to work.</p></section>"
        );
    }
    writeln!(
        w,
        "<p class=\"note\">Highest priority first, then the nearest deadline. Priority is 0–100; hover it for the reasons.</p>"
    )?;
    writeln!(
        w,
        "<div class=\"scroll tall\"><table class=\"sortable\" id=\"queue-table\"><thead><tr><th class=\"num\" data-type=\"num\" aria-sort=\"descending\"><button>Priority</button></th><th><button>Deadline</button></th><th><button>Claim</button></th><th class=\"payer\"><button>Payer</button></th><th><button>Service</button></th><th><button>Codes</button></th><th class=\"num\" data-type=\"num\"><button>Amount</button></th><th><button>Category</button></th><th class=\"next\">Next step</th></tr></thead><tbody>"
    )?;
    for r in queue.iter().take(MAX_QUEUE) {
        let p = stats::priority(r);
        write!(
            w,
            "<tr title=\"{}\"><td class=\"num\" data-v=\"{}\"><span class=\"prio {}\" title=\"{}\">{}</span></td>",
            Esc(&format!(
                "{} · {} {}",
                r.file, r.trace_number, r.payment_date
            )),
            p.map(|p| p.to_string()).unwrap_or_default(),
            priority_class(p),
            Esc(&r.priority_reasons),
            Esc(&r.priority)
        )?;
        deadline_cell(w, r, as_of)?;
        let proc = stats::procedure(r);
        let claim_level = if r.level == "claim" {
            " · whole claim"
        } else {
            ""
        };
        writeln!(
            w,
            "<td class=\"nw\"><b>{}</b><div class=\"muted\">ICN {}</div><div class=\"muted\">{}{}</div></td><td class=\"payer\"><div class=\"pn\">{}</div><div class=\"muted\">{}</div></td><td class=\"nw\" data-v=\"{}\">{}<div class=\"muted\">{}</div></td><td><code>{}</code></td><td class=\"num\" data-v=\"{}\">{}</td><td>{}<div class=\"muted\">{}</div></td><td class=\"next\">{}<div class=\"why\">{}</div></td></tr>",
            Esc(&r.patient_control_number),
            Esc(if r.payer_claim_control_number.is_empty() {
                "–"
            } else {
                &r.payer_claim_control_number
            }),
            Esc(&words(&r.outcome)),
            claim_level,
            Esc(stats::payer(r)),
            Esc(&r.trace_number),
            Esc(&r.service_date),
            Esc(if r.procedure.is_empty() {
                "(claim)"
            } else {
                &proc
            }),
            Esc(&r.service_date),
            Esc(&stats::codes(r)),
            stats::amount(r),
            money(stats::amount(r)),
            badge(&r.category),
            Esc(&if r.class == r.category {
                String::new()
            } else {
                words(&r.class)
            }),
            Esc(next_step(r)),
            Esc(&r.priority_reasons),
        )?;
    }
    writeln!(w, "</tbody></table></div>")?;
    more(w, queue.len(), MAX_QUEUE)?;
    writeln!(w, "</section>")
}

fn top_codes<W: Write>(w: &mut W, queue: &[&Row]) -> io::Result<()> {
    writeln!(
        w,
        "<section id=\"codes\"><h2>Top CARC/RARC combinations</h2>"
    )?;
    if queue.is_empty() {
        return writeln!(w, "<p class=\"empty\">No denials.</p></section>");
    }
    let groups = stats::group_by(queue, stats::codes);
    // Category, class and route of each combination: the first row's.
    let mut first: BTreeMap<String, &Row> = BTreeMap::new();
    for r in queue {
        first.entry(stats::codes(r)).or_insert(r);
    }
    let max = groups
        .iter()
        .map(|g| g.amount)
        .fold(Decimal::ZERO, Decimal::max);
    writeln!(
        w,
        "<table class=\"sortable\"><thead><tr><th><button>Codes</button></th><th><button>Category</button></th><th><button>Reason</button></th><th><button>Usual route</button></th><th class=\"num\" data-type=\"num\"><button>Claims</button></th><th class=\"num\" data-type=\"num\"><button>Denials</button></th><th class=\"num\" data-type=\"num\" aria-sort=\"descending\"><button>Amount</button></th></tr></thead><tbody>"
    )?;
    for g in groups.iter().take(TOP) {
        let r = first.get(&g.label);
        let cat = r.map_or("", |r| r.category.as_str());
        write!(
            w,
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\" data-v=\"{}\">{}",
            Esc(&g.label),
            badge(cat),
            Esc(&words(r.map_or("", |r| r.class.as_str()))),
            Esc(&words(r.map_or("", |r| r.route.as_str()))),
            g.claims,
            g.count,
            g.amount,
            money(g.amount)
        )?;
        mini_bar(w, g.amount, max, category_color(cat))?;
        writeln!(w, "</td></tr>")?;
    }
    writeln!(w, "</tbody></table>")?;
    if groups.len() > TOP {
        writeln!(
            w,
            "<p class=\"note\">Top {TOP} of {} combinations by dollars.</p>",
            groups.len()
        )?;
    }
    writeln!(w, "</section>")
}

fn recurring<W: Write>(w: &mut W, patterns: &[stats::Pattern<'_>]) -> io::Result<()> {
    writeln!(w, "<section id=\"patterns\"><h2>Recurring denials</h2>")?;
    writeln!(
        w,
        "<p class=\"note\">The same payer, codes and procedure at least twice: fix the cause once, not claim by claim.</p>"
    )?;
    if patterns.is_empty() {
        return writeln!(
            w,
            "<p class=\"empty\">No denial repeats in this batch.</p></section>"
        );
    }
    writeln!(
        w,
        "<div class=\"scroll\"><table class=\"sortable\"><thead><tr><th class=\"num\" data-type=\"num\" aria-sort=\"descending\"><button>Times</button></th><th class=\"payer\"><button>Payer</button></th><th><button>Codes</button></th><th><button>Procedure</button></th><th class=\"num\" data-type=\"num\"><button>Amount</button></th><th><button>Category</button></th><th><button>Reason</button></th><th><button>Route</button></th></tr></thead><tbody>"
    )?;
    for p in patterns.iter().take(MAX_LIST) {
        writeln!(
            w,
            "<tr><td class=\"num\">{}</td><td class=\"payer\"><div class=\"pn\">{}</div></td><td><code>{}</code></td><td class=\"nw\">{}</td><td class=\"num\" data-v=\"{}\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            p.count,
            Esc(p.payer),
            Esc(&p.codes),
            Esc(if p.procedure.is_empty() {
                "(claim level)"
            } else {
                p.procedure
            }),
            p.amount,
            money(p.amount),
            badge(p.category),
            Esc(&words(p.class)),
            Esc(&words(p.route))
        )?;
    }
    writeln!(w, "</tbody></table></div>")?;
    more(w, patterns.len(), MAX_LIST)?;
    writeln!(w, "</section>")
}

fn outcomes<W: Write>(w: &mut W, report: &Report) -> io::Result<()> {
    let s = &report.summary;
    writeln!(w, "<section id=\"outcomes\"><h2>Claims by outcome</h2>")?;
    if s.by_outcome.is_empty() {
        return writeln!(w, "<p class=\"empty\">No claims.</p></section>");
    }
    let order = ["denied", "partially_denied", "reversed", "pending", "paid"];
    let mut keys: Vec<&String> = s.by_outcome.keys().collect();
    keys.sort_by_key(|k| order.iter().position(|o| o == k).unwrap_or(order.len()));
    let bars: Vec<Bar> = keys
        .iter()
        .filter_map(|k| {
            let n = *s.by_outcome.get(*k)?;
            Some(Bar {
                label: words(k),
                value: Decimal::from(n),
                text: format!(
                    "{n} claim{} ({})",
                    plural(n),
                    share(Decimal::from(n), Decimal::from(s.claims_accounted))
                ),
                color: outcome_color(k),
            })
        })
        .collect();
    bar_chart(w, "chart-outcomes", "Claims by outcome", &bars)?;
    writeln!(
        w,
        "<p class=\"note\">{} claims read, {} accounted for, {} with at least one denial; {} balancing diagnostic{}.</p></section>",
        s.claims_in,
        s.claims_accounted,
        s.denied_claims,
        s.balancing_diagnostics,
        plural(s.balancing_diagnostics)
    )
}

fn claims_without_denial<W: Write>(w: &mut W, rows: &[&Row]) -> io::Result<()> {
    writeln!(
        w,
        "<section id=\"claims\"><details><summary>Claims without denial ({})</summary>",
        rows.len()
    )?;
    writeln!(
        w,
        "<div class=\"scroll\"><table class=\"sortable\"><thead><tr><th><button>Claim</button></th><th><button>Payer claim number</button></th><th><button>Payer</button></th><th><button>Service</button></th><th><button>Outcome</button></th><th><button>File</button></th></tr></thead><tbody>"
    )?;
    for r in rows.iter().take(MAX_LIST) {
        writeln!(
            w,
            "<tr><td class=\"nw\">{}</td><td class=\"nw\">{}</td><td>{}</td><td class=\"nw\">{}</td><td><span class=\"badge\" style=\"background:{}\">{}</span></td><td class=\"muted\">{}</td></tr>",
            Esc(&r.patient_control_number),
            Esc(&r.payer_claim_control_number),
            Esc(stats::payer(r)),
            Esc(&r.service_date),
            outcome_color(&r.outcome),
            Esc(&words(&r.outcome)),
            Esc(&r.file)
        )?;
    }
    writeln!(w, "</tbody></table></div>")?;
    more(w, rows.len(), MAX_LIST)?;
    writeln!(w, "</details></section>")
}

fn errors<W: Write>(w: &mut W, report: &Report) -> io::Result<()> {
    writeln!(
        w,
        "<section id=\"errors\" class=\"alert\"><h2>Files with errors</h2><p>These inputs could not be read completely; claims after the error are not in this report. The rest of the batch was processed.</p>"
    )?;
    writeln!(
        w,
        "<table><thead><tr><th>File</th><th>Error</th></tr></thead><tbody>"
    )?;
    for e in &report.summary.errors {
        writeln!(
            w,
            "<tr><td><code>{}</code></td><td>{}</td></tr>",
            Esc(&e.file),
            Esc(&e.message)
        )?;
    }
    writeln!(w, "</tbody></table></section>")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::tests::sample;

    fn page(report: &Report) -> String {
        let meta = HtmlMeta {
            title: "Denials <batch> & co".into(),
            generated: "2025-03-20 10:00".into(),
            as_of: NaiveDate::from_ymd_opt(2025, 3, 22).unwrap(),
        };
        let mut out = Vec::new();
        html(&mut out, report, &meta).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn escapes_everything() {
        assert_eq!(Esc("a<b>&\"c'").to_string(), "a&lt;b&gt;&amp;&quot;c&#39;");
        assert_eq!(Esc("é plain").to_string(), "é plain");
        let text = page(&sample());
        assert!(!text.contains("<script>alert"), "unescaped payer name");
        assert!(!text.contains("</td><b>x</b>"), "unescaped correction");
        assert!(!text.contains("<broken>"), "unescaped file name");
        assert!(text.contains("Denials &lt;batch&gt; &amp; co"));
        // Only our own script tag.
        assert_eq!(text.matches("<script").count(), 1);
    }

    #[test]
    fn self_contained() {
        let text = page(&sample());
        for needle in ["http://", "https://", "src=", "@import", "url("] {
            assert!(!text.contains(needle), "{needle}");
        }
    }

    #[test]
    fn sections_and_flags() {
        let mut r = sample();
        let text = page(&r);
        for id in [
            "reconciliation",
            "categories",
            "payers",
            "deadlines",
            "queue",
            "codes",
            "patterns",
            "outcomes",
            "claims",
            "errors",
        ] {
            assert!(text.contains(&format!("id=\"{id}\"")), "{id}");
        }
        assert!(text.contains("&#10003; Reconciled"));
        // 2025-03-20 is overdue on 2025-03-22, 03-25 is due soon.
        assert!(text.contains("overdue 2 days"), "{text}");
        assert!(text.contains("in 3 days"));
        // Work queue order: priority, then deadline.
        let q = text.split("id=\"queue-table\"").nth(1).unwrap();
        let a = q.find("PCN1020").unwrap();
        let b = q.find("PCN1003").unwrap();
        let c = q.find("PCN&lt;9&gt;").unwrap();
        assert!(a < b && b < c);
        r.summary.claims_accounted = 3;
        let bad = page(&r);
        assert!(bad.contains("recon bad"));
        assert!(bad.contains("2 claims read but not accounted for"));
    }
}
