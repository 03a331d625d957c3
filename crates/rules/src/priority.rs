//! Priority: which denials to work first, as a 0–100 score with the reasons behind it.
//!
//! The score adds four parts (every part and its reason is shown, so a user can check it):
//!
//! | part | points | rule |
//! |---|---|---|
//! | dollars at stake | 0–40 | 10 × log10(amount): $10 → 10, $100 → 20, $1,000 → 30, $10,000+ → 40 |
//! | deadline | 0–25 | ≤ 7 days 25, ≤ 14 22, ≤ 30 18, ≤ 60 12, ≤ 90 8, later 4; none 0; passed 0 |
//! | recurrence | 0–15 | same (payer, group-CARC, RARCs, procedure) in the batch: 2× 5, 3–4× 10, 5×+ 15 |
//! | recoverability | 0–20 | by route: corrected/new/void claim, reopening, other payer 20; appeal 12; review 10 (appeal and review halved when not appealable); bill the patient 6; wait 2; write-off and no action 0 |
//!
//! A passed deadline zeroes the deadline and recoverability parts and says "deadline passed".

use foldhash::HashMap;

use denali_x12::remit::Remittance;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::Serialize;

use crate::codes::Route;
use crate::denial::{Assessment, Context, Denial};

/// A denial's work priority.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Priority {
    /// 0 (ignore) to 100 (work now).
    pub score: u32,
    /// Short human reasons, in the fixed order dollars, deadline, recurrence, recoverability
    /// (the recoverability reason is always last).
    pub reasons: Vec<String>,
    /// The recurrence count the score was computed with.
    pub recurrence: u32,
    /// The denial pattern recurrence reasons name (`CO-16/N290`).
    pub pattern: String,
}

/// The recurrence key: payer, group-CARC, sorted RARCs, procedure code (lines only).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    payer: String,
    code: String,
    rarcs: Vec<String>,
    procedure: Option<String>,
}

/// Counts how often the same denial pattern (payer id, group-CARC, RARCs, procedure code)
/// occurs across a batch of remittances.
///
/// Add every denial first, then ask for counts: `count` includes the denial itself, so a
/// pattern seen once counts 1.
#[derive(Debug, Clone, Default)]
pub struct Recurrence {
    counts: HashMap<Key, u32>,
}

impl Recurrence {
    /// An empty counter.
    pub fn new() -> Recurrence {
        Recurrence::default()
    }

    fn key(payer_id: &str, d: &Denial, rem: &Remittance) -> Key {
        let mut rarcs = d.rarcs.clone();
        rarcs.sort();
        let procedure = d.line_index.and_then(|li| {
            rem.claims
                .get(d.claim_index)
                .and_then(|c| c.service_lines.get(li))
                .map(|l| l.procedure.code.to_string())
                .filter(|p| !p.is_empty())
        });
        Key {
            payer: payer_id.trim().to_string(),
            code: format!("{}-{}", d.group, d.carc),
            rarcs,
            procedure,
        }
    }

    /// Counts one denial of `rem` (paid by `payer_id`).
    pub fn add(&mut self, payer_id: &str, d: &Denial, rem: &Remittance) {
        *self
            .counts
            .entry(Recurrence::key(payer_id, d, rem))
            .or_insert(0) += 1;
    }

    /// Counts every denial of an assessment of `rem`.
    pub fn add_assessment(&mut self, payer_id: &str, a: &Assessment, rem: &Remittance) {
        for d in a.denials() {
            self.add(payer_id, d, rem);
        }
    }

    /// How many denials with this one's pattern were added.
    pub fn count(&self, payer_id: &str, d: &Denial, rem: &Remittance) -> u32 {
        self.counts
            .get(&Recurrence::key(payer_id, d, rem))
            .copied()
            .unwrap_or(0)
    }
}

/// `$1,250`, `$1,250.50`, `-$3.27`.
pub fn format_dollars(amount: Decimal) -> String {
    let mut out = String::with_capacity(16);
    push_dollars(&mut out, amount);
    out
}

/// [`format_dollars`], appended to `out` (a report formats one or two amounts per denial, so
/// this writes digits directly rather than through the formatter).
fn push_dollars(out: &mut String, amount: Decimal) {
    use std::fmt::Write as _;
    let rounded = amount.round_dp(2);
    let negative = rounded.is_sign_negative() && !rounded.is_zero();
    let abs = rounded.abs();
    let whole = abs.trunc();
    let cents = ((abs - whole) * Decimal::ONE_HUNDRED)
        .trunc()
        .to_u32()
        .unwrap_or(0);
    if negative {
        out.push('-');
    }
    out.push('$');
    match whole.to_u128() {
        Some(w) => {
            // Most significant digit first, a comma before each group of three.
            let (mut p, mut left) = (1u128, 1u32);
            while p <= w / 10 {
                p *= 10;
                left += 1;
            }
            loop {
                out.push(char::from(b'0' + (w / p % 10) as u8));
                left -= 1;
                if left == 0 {
                    break;
                }
                if left % 3 == 0 {
                    out.push(',');
                }
                p /= 10;
            }
        }
        // Beyond u128 (a Decimal holds at most 96 bits, so never): plain digits.
        None => {
            let _ = write!(out, "{whole}");
        }
    }
    if cents != 0 {
        out.push('.');
        out.push(char::from(b'0' + (cents / 10 % 10) as u8));
        out.push(char::from(b'0' + (cents % 10) as u8));
    }
}

fn dollar_points(amount: Decimal) -> u32 {
    let v = amount.to_f64().unwrap_or(0.0);
    if v < 1.0 {
        return 0;
    }
    let p = (10.0 * v.log10()).round();
    p.clamp(0.0, 40.0) as u32
}

fn deadline_points(days_left: i64) -> u32 {
    match days_left {
        d if d < 0 => 0,
        0..=7 => 25,
        8..=14 => 22,
        15..=30 => 18,
        31..=60 => 12,
        61..=90 => 8,
        _ => 4,
    }
}

fn recurrence_points(n: u32) -> u32 {
    match n {
        0 | 1 => 0,
        2 => 5,
        3 | 4 => 10,
        _ => 15,
    }
}

/// Points and reason for what the route can recover.
fn recoverability(route: Route) -> (u32, String) {
    match route {
        Route::CorrectedClaim => (20, "corrected claim likely to recover".to_string()),
        Route::NewClaim => (20, "new claim likely to recover".to_string()),
        Route::VoidAndNew => (20, "void and rebill likely to recover".to_string()),
        Route::Reopening => (20, "reopening likely to recover".to_string()),
        Route::BillOtherPayer => (
            20,
            "billing the responsible payer likely to recover".to_string(),
        ),
        Route::Appeal => (12, "appeal: medium recoverability".to_string()),
        Route::Review => (10, "needs review: recoverability unknown".to_string()),
        Route::BillPatient => (6, "billable to the patient".to_string()),
        Route::Wait => (2, "waiting on the payer".to_string()),
        Route::WriteOff => (0, "write-off: low recoverability".to_string()),
        Route::NoAction => (0, "no action: nothing to recover".to_string()),
    }
}

/// The denial pattern as shown in reasons: `CO-16/N290`.
fn pattern(d: &Denial) -> String {
    let mut s = String::with_capacity(16);
    s.push_str(d.group.as_str());
    if d.carc.is_empty() {
        s.push_str(" (no CARC)");
    } else {
        s.push('-');
        s.push_str(&d.carc);
    }
    for r in &d.rarcs {
        s.push('/');
        s.push_str(r);
    }
    s
}

/// Scores one denial. `recurrence` is its pattern's count in the batch (see [`Recurrence`]);
/// `ctx` is accepted for payer-specific weighting and is not read today.
///
/// ```
/// # use denali_rules::*;
/// # fn demo(d: &Denial, ctx: &Context) {
/// let p = prioritize(d, 5, ctx);
/// assert!(p.score <= 100);
/// # }
/// ```
pub fn prioritize(d: &Denial, recurrence: u32, ctx: &Context) -> Priority {
    let _ = ctx;
    let mut score = 0u32;
    let mut reasons = Vec::new();

    let dollars = dollar_points(d.amount);
    score += dollars;
    let mut stake = format_dollars(d.amount);
    stake.push_str(" at stake");
    reasons.push(stake);

    let passed = d.deadline.is_some_and(|dl| dl.passed());
    match d.deadline {
        Some(dl) if dl.passed() => {
            let ago = -dl.days_left;
            reasons.push(format!(
                "deadline passed: {} deadline {} was {ago} day{} ago",
                dl.kind.words(),
                dl.date,
                if ago == 1 { "" } else { "s" }
            ));
        }
        Some(dl) => {
            score += deadline_points(dl.days_left);
            reasons.push(match dl.days_left {
                0 => format!("{} deadline is today", dl.kind.words()),
                1 => format!("1 day to {} deadline", dl.kind.words()),
                n => format!("{n} days to {} deadline", dl.kind.words()),
            });
        }
        None => {}
    }

    let rec = recurrence_points(recurrence);
    if rec > 0 {
        score += rec;
        reasons.push(recurrence_reason(
            recurrence,
            d.payer_id.as_deref().unwrap_or(""),
            &pattern(d),
        ));
    }

    let (points, why) = recoverability(d.corrections.route);
    if passed {
        reasons.push("low recoverability after the deadline".to_string());
    } else if !d.explanation.appealable
        && matches!(d.corrections.route, Route::Appeal | Route::Review)
    {
        score += points / 2;
        reasons.push(format!("{why}; not appealable"));
    } else {
        score += points;
        reasons.push(why);
    }

    Priority {
        score: score.min(100),
        reasons,
        recurrence,
        pattern: pattern(d),
    }
}

fn recurrence_reason(n: u32, payer_id: &str, pattern: &str) -> String {
    let id = payer_id.trim();
    if id.is_empty() {
        format!("recurs {n}\u{d7} for {pattern}")
    } else {
        format!("recurs {n}\u{d7} for payer {id} {pattern}")
    }
}

/// Re-scores a priority for another recurrence count, without the denial: for batch reports that
/// score each denial once (with a count of 1) and learn the batch-wide counts later. The
/// recurrence part and its reason are replaced; everything else is kept.
///
/// ```
/// # use denali_rules::*;
/// # fn demo(d: &Denial, ctx: &Context) {
/// let once = prioritize(d, 1, ctx);
/// let payer = d.payer_id.as_deref().unwrap_or("");
/// assert_eq!(with_recurrence(&once, 5, payer, ctx), prioritize(d, 5, ctx));
/// # }
/// ```
pub fn with_recurrence(
    base: &Priority,
    recurrence: u32,
    payer_id: &str,
    ctx: &Context,
) -> Priority {
    let _ = ctx;
    let score = base.score - recurrence_points(base.recurrence).min(base.score)
        + recurrence_points(recurrence);
    let mut reasons: Vec<String> = base
        .reasons
        .iter()
        .filter(|r| !r.starts_with("recurs "))
        .cloned()
        .collect();
    if recurrence_points(recurrence) > 0 {
        let at = reasons.len().saturating_sub(1);
        reasons.insert(at, recurrence_reason(recurrence, payer_id, &base.pattern));
    }
    Priority {
        score: score.min(100),
        reasons,
        recurrence,
        pattern: base.pattern.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dollars_format() {
        assert_eq!(format_dollars(Decimal::new(1250, 0)), "$1,250");
        assert_eq!(format_dollars(Decimal::new(125050, 2)), "$1,250.50");
        assert_eq!(format_dollars(Decimal::new(-327, 2)), "-$3.27");
        assert_eq!(format_dollars(Decimal::new(95, 0)), "$95");
        assert_eq!(format_dollars(Decimal::new(1234567, 0)), "$1,234,567");
        assert_eq!(format_dollars(Decimal::ZERO), "$0");
        assert_eq!(format_dollars(Decimal::new(100, 0)), "$100");
        assert_eq!(format_dollars(Decimal::new(100_000, 0)), "$100,000");
        assert_eq!(format_dollars(Decimal::new(-1_000_011, 3)), "-$1,000.01");
        assert_eq!(format_dollars(Decimal::new(-4, 3)), "$0");
        assert_eq!(format_dollars(Decimal::new(5, 2)), "$0.05");
        assert_eq!(format_dollars(Decimal::new(1999, 3)), "$2");
        assert_eq!(
            format_dollars(Decimal::MAX),
            "$79,228,162,514,264,337,593,543,950,335"
        );
    }

    /// The digit writer against the formatter-based version it replaced, on many amounts.
    #[test]
    fn dollars_match_the_formatter() {
        fn by_formatter(amount: Decimal) -> String {
            let rounded = amount.round_dp(2);
            let negative = rounded.is_sign_negative() && !rounded.is_zero();
            let abs = rounded.abs();
            let whole = abs.trunc();
            let cents = ((abs - whole) * Decimal::ONE_HUNDRED).trunc();
            let digits = whole.to_string();
            let mut grouped = String::new();
            for (i, ch) in digits.chars().enumerate() {
                if i > 0 && (digits.len() - i).is_multiple_of(3) {
                    grouped.push(',');
                }
                grouped.push(ch);
            }
            let sign = if negative { "-" } else { "" };
            if cents.is_zero() {
                format!("{sign}${grouped}")
            } else {
                format!("{sign}${grouped}.{cents:0>2}")
            }
        }
        let mut x: i64 = 1;
        for scale in 0..6 {
            for _ in 0..400 {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let v = Decimal::new(x >> (x as u64 % 60), scale);
                assert_eq!(format_dollars(v), by_formatter(v), "{v}");
            }
        }
    }

    #[test]
    fn dollar_points_are_log_scaled() {
        assert_eq!(dollar_points(Decimal::ZERO), 0);
        assert_eq!(dollar_points(Decimal::new(10, 0)), 10);
        assert_eq!(dollar_points(Decimal::new(100, 0)), 20);
        assert_eq!(dollar_points(Decimal::new(1000, 0)), 30);
        assert_eq!(dollar_points(Decimal::new(1_000_000, 0)), 40);
        assert_eq!(dollar_points(Decimal::new(-50, 0)), 0);
    }
}
