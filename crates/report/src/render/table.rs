//! The terminal table: the work queue in aligned columns that fit the terminal's width, then
//! the summary.
//!
//! Columns, in the order shown: `PRI` (priority 0–100), `DEADLINE`, `CLAIM` (patient control
//! number), `PAYER`, `PROC` (procedure and modifiers), `CODES` (group-CARC and RARCs),
//! `AMOUNT`, `CATEGORY`, `ROUTE` and `NEXT STEP` (the correction proposal). When the width is
//! short, ROUTE is dropped first, then PAYER, PROC and CATEGORY; PRI, DEADLINE, CLAIM, CODES,
//! AMOUNT and NEXT STEP always stay. Long cells end with `…`; amounts and dates are never cut.

use std::io::{self, Write};

use super::stats::{self, truncate};
use crate::{Report, Row};

/// Narrowest layout accepted; smaller widths are treated as this.
const MIN_WIDTH: usize = 60;
/// Space between columns.
const GAP: usize = 2;

struct Column {
    header: &'static str,
    cell: fn(&Row) -> String,
    /// Narrowest useful width (never truncated below this; [`Column::exact`] columns never
    /// truncate at all).
    min: usize,
    /// Comfortable width, handed out before any column gets more.
    want: usize,
    max: usize,
    right: bool,
    /// Money and dates are never cut.
    exact: bool,
    /// Dropped in decreasing order of this when the width is short; 0 = never.
    drop: u8,
}

impl Column {
    const fn new(header: &'static str, cell: fn(&Row) -> String, min: usize, want: usize) -> Self {
        Column {
            header,
            cell,
            min,
            want,
            max: usize::MAX,
            right: false,
            exact: false,
            drop: 0,
        }
    }
    const fn max(mut self, max: usize) -> Self {
        self.max = max;
        self
    }
    const fn exact(mut self) -> Self {
        self.exact = true;
        self
    }
    const fn right(mut self) -> Self {
        self.right = true;
        self
    }
    const fn drop(mut self, rank: u8) -> Self {
        self.drop = rank;
        self
    }
}

/// Index of the next-step column, which takes the width that is left.
const NEXT: usize = 9;

fn columns() -> [Column; 10] {
    [
        Column::new("PRI", |r| r.priority.clone(), 3, 3)
            .exact()
            .right(),
        Column::new("DEADLINE", |r| r.deadline.clone(), 10, 10).exact(),
        Column::new("CLAIM", |r| r.patient_control_number.clone(), 8, 17).max(24),
        Column::new("PAYER", |r| stats::payer(r).to_string(), 8, 16)
            .max(24)
            .drop(4),
        Column::new("PROC", stats::procedure, 5, 11).max(16).drop(3),
        Column::new("CODES", stats::codes, 6, 16).max(24),
        Column::new("AMOUNT", money_cell, 8, 12).exact().right(),
        Column::new("CATEGORY", category_cell, 13, 13)
            .max(16)
            .drop(2),
        Column::new("ROUTE", |r| r.route.clone(), 8, 15)
            .max(18)
            .drop(5),
        Column::new("NEXT STEP", |r| r.correction.clone(), 24, 40),
    ]
}

fn money_cell(r: &Row) -> String {
    if r.amount.is_empty() {
        String::new()
    } else {
        stats::money(stats::amount(r))
    }
}

/// The category of a denial; the outcome of a claim without one.
fn category_cell(r: &Row) -> String {
    if r.is_denial() {
        r.category.clone()
    } else {
        r.outcome.clone()
    }
}

/// Order in which width up to [`Column::want`] is handed out (indices into [`columns`]).
const GROW_ORDER: [usize; 10] = [0, 1, 6, 2, 5, NEXT, 7, 4, 3, 8];

/// Writes the work queue (denials by priority, then deadline; claims without denial after
/// them) as a table at most `width` characters wide, then the summary.
pub fn table<W: Write>(mut w: W, report: &Report, width: usize) -> io::Result<()> {
    let width = width.max(MIN_WIDTH);
    let mut rows: Vec<&Row> = report.rows.iter().collect();
    rows.sort_by(|a, b| {
        b.is_denial()
            .cmp(&a.is_denial())
            .then_with(|| stats::queue_order(a, b))
    });
    let cols = columns();
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| cols.iter().map(|c| (c.cell)(r)).collect())
        .collect();
    let natural: Vec<usize> = cols
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let widest = cells
                .iter()
                .map(|r| r[i].chars().count())
                .max()
                .unwrap_or(0);
            widest.max(c.header.len()).min(c.max)
        })
        .collect();
    let widths = layout(&cols, &natural, width);
    let denials = rows.iter().filter(|r| r.is_denial()).count();
    if rows.is_empty() {
        writeln!(w, "No denials.")?;
    } else {
        if denials == 0 {
            writeln!(w, "No denials.")?;
        }
        let header: Vec<String> = cols.iter().map(|c| c.header.to_string()).collect();
        line(&mut w, &cols, &widths, &header)?;
        let rule: Vec<String> = widths.iter().map(|&n| "-".repeat(n.unwrap_or(0))).collect();
        line(&mut w, &cols, &widths, &rule)?;
        for (i, row) in cells.iter().enumerate() {
            if i == denials && denials > 0 {
                // Claims without denial (`--all-claims`) follow the queue after a blank line.
                writeln!(w)?;
            }
            line(&mut w, &cols, &widths, row)?;
        }
    }
    writeln!(w)?;
    super::summary_text(&mut w, &report.summary)
}

/// Widths per column (`None` = dropped) so the line fits in `width`.
///
/// Columns are dropped (least important first) until the ones that never drop fit at their
/// minimum and the others at their comfortable width; then width is handed out up to the
/// comfortable width in [`GROW_ORDER`], then to the next step, then to everything else.
fn layout(cols: &[Column], natural: &[usize], width: usize) -> Vec<Option<usize>> {
    let lo: Vec<usize> = cols
        .iter()
        .zip(natural)
        .map(|(c, &n)| if c.exact { n } else { c.min.min(n) })
        .collect();
    let want: Vec<usize> = cols
        .iter()
        .zip(natural)
        .zip(&lo)
        .map(|((c, &n), &l)| c.want.min(n).max(l))
        .collect();
    let mut shown: Vec<bool> = vec![true; cols.len()];
    let gaps = |shown: &[bool]| GAP * shown.iter().filter(|s| **s).count().saturating_sub(1);
    loop {
        let need: usize = (0..cols.len())
            .filter(|&i| shown[i])
            .map(|i| {
                if cols[i].drop == 0 && i != NEXT {
                    lo[i]
                } else {
                    want[i]
                }
            })
            .sum::<usize>()
            + gaps(&shown);
        if need <= width {
            break;
        }
        let victim = (0..cols.len())
            .filter(|&i| shown[i] && cols[i].drop > 0)
            .max_by_key(|&i| cols[i].drop);
        match victim {
            Some(i) => shown[i] = false,
            None => break,
        }
    }
    let mut ws = lo.clone();
    let used: usize = (0..cols.len()).filter(|&i| shown[i]).map(|i| ws[i]).sum();
    // Still too wide (huge amounts in a narrow terminal): squeeze the text columns.
    let mut over = (used + gaps(&shown)).saturating_sub(width);
    for i in [NEXT, 5, 2] {
        let cut = ws[i].saturating_sub(4).min(over);
        ws[i] -= cut;
        over -= cut;
    }
    let used: usize = (0..cols.len()).filter(|&i| shown[i]).map(|i| ws[i]).sum();
    let mut spare = width.saturating_sub(used + gaps(&shown));
    let mut grow = |i: usize, to: usize, ws: &mut Vec<usize>| {
        let add = to.saturating_sub(ws[i]).min(spare);
        ws[i] += add;
        spare -= add;
    };
    for &i in &GROW_ORDER {
        if shown[i] {
            grow(i, want[i], &mut ws);
        }
    }
    grow(NEXT, natural[NEXT], &mut ws);
    for &i in &GROW_ORDER {
        if shown[i] {
            grow(i, natural[i], &mut ws);
        }
    }
    ws.iter()
        .zip(&shown)
        .map(|(&w, &s)| s.then_some(w))
        .collect()
}

fn line<W: Write>(
    w: &mut W,
    cols: &[Column],
    widths: &[Option<usize>],
    cells: &[String],
) -> io::Result<()> {
    let mut out = String::new();
    let mut first = true;
    for ((c, width), cell) in cols.iter().zip(widths).zip(cells) {
        let Some(width) = *width else { continue };
        if !first {
            out.push_str(&" ".repeat(GAP));
        }
        first = false;
        let text = truncate(cell, width);
        let pad = width.saturating_sub(text.chars().count());
        if c.right {
            out.push_str(&" ".repeat(pad));
            out.push_str(&text);
        } else {
            out.push_str(&text);
            out.push_str(&" ".repeat(pad));
        }
    }
    writeln!(w, "{}", out.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::tests::sample;

    fn render(width: usize) -> String {
        let mut out = Vec::new();
        table(&mut out, &sample(), width).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn fits_every_width() {
        for width in [60, 70, 80, 100, 120, 160, 200, 300] {
            let text = render(width);
            let (queue, _) = text.split_once("\nfiles").unwrap();
            for l in queue.lines() {
                assert!(l.chars().count() <= width, "width {width}: {l:?}");
            }
        }
    }

    #[test]
    fn priority_order_and_summary() {
        let text = render(200);
        let pcns: Vec<&str> = text
            .lines()
            .skip(2)
            .take_while(|l| !l.is_empty())
            .map(|l| l[17..].split_whitespace().next().unwrap())
            .collect();
        // 85 due 03-20, 85 due 03-25, 60, 40; the claim without denial after a blank line.
        assert_eq!(pcns, ["PCN1020", "PCN1003", "PCN1021", "PCN<9>"]);
        assert!(text.contains("\n\n                 PCN1001"), "{text}");
        assert!(text.contains("claims accounted for   5"), "{text}");
        assert!(text.contains("PAYER") && text.contains("ROUTE"));
    }

    #[test]
    fn narrow_drops_columns() {
        let text = render(80);
        let header = text.lines().next().unwrap();
        assert!(
            !header.contains("ROUTE") && !header.contains("PAYER"),
            "{header}"
        );
        for h in ["PRI", "DEADLINE", "CLAIM", "CODES", "AMOUNT", "NEXT STEP"] {
            assert!(header.contains(h), "{header}");
        }
        // Money is never cut.
        assert!(text.contains("$1,250.00"), "{text}");
        assert!(text.contains('…'), "{text}");
    }
}
