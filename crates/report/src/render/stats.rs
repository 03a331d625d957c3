//! What the human-facing formats (table, Markdown, HTML) compute from the rows: the work queue
//! order, money formatting, and groupings by payer, code combination and recurring pattern.

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};
use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::Row;

/// The row's priority score, `None` when empty (claim rows without denial).
pub(crate) fn priority(r: &Row) -> Option<u32> {
    r.priority.parse().ok()
}

/// The row's amount; zero when empty (claim rows without denial).
pub(crate) fn amount(r: &Row) -> Decimal {
    Decimal::from_str(&r.amount).unwrap_or_default()
}

/// The row's deadline, when it has one.
pub(crate) fn deadline(r: &Row) -> Option<NaiveDate> {
    r.deadline.parse().ok()
}

/// Work-queue order: priority high to low, then the nearest deadline first (none last), then
/// the larger amount; ties keep input order.
pub(crate) fn queue_order(a: &Row, b: &Row) -> Ordering {
    priority(b)
        .cmp(&priority(a))
        .then_with(|| match (deadline(a), deadline(b)) {
            (Some(x), Some(y)) => x.cmp(&y),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        })
        .then_with(|| amount(b).cmp(&amount(a)))
}

/// Denial rows in work-queue order: priority high to low, then the nearest deadline (none
/// last), then the larger amount, ties in input order. Claim rows without denial are left out.
pub fn work_queue(rows: &[Row]) -> Vec<&Row> {
    let mut q: Vec<&Row> = rows.iter().filter(|r| r.is_denial()).collect();
    q.sort_by(|a, b| queue_order(a, b));
    q
}

/// `CO-16 N290 MA130`: the group, CARC and RARCs of a row as a biller writes them.
pub(crate) fn codes(r: &Row) -> String {
    let mut s = match (r.group.is_empty(), r.carc.is_empty()) {
        (false, false) => format!("{}-{}", r.group, r.carc),
        (true, false) => r.carc.clone(),
        (false, true) => r.group.clone(),
        (true, true) => String::new(),
    };
    for rarc in r.rarcs.split(';').filter(|x| !x.is_empty()) {
        if !s.is_empty() {
            s.push(' ');
        }
        s.push_str(rarc);
    }
    s
}

/// `99213-25-59`: the procedure and its modifiers.
pub(crate) fn procedure(r: &Row) -> String {
    let mut s = r.procedure.clone();
    for m in r.modifiers.split(';').filter(|x| !x.is_empty()) {
        s.push('-');
        s.push_str(m);
    }
    s
}

/// The payer as shown: its name, else its id.
pub(crate) fn payer(r: &Row) -> &str {
    if r.payer_name.is_empty() {
        &r.payer_id
    } else {
        &r.payer_name
    }
}

/// `$1,250.00`, `-$60.00`.
pub(crate) fn money(d: Decimal) -> String {
    let s = format!("{:.2}", d.abs().round_dp(2));
    let (int, frac) = s.split_once('.').unwrap_or((&s, "00"));
    let mut grouped = String::with_capacity(int.len() + int.len() / 3);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if d.is_sign_negative() && !d.is_zero() {
        "-"
    } else {
        ""
    };
    format!("{sign}${grouped}.{frac}")
}

/// Denial rows and dollars under one label.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Group {
    /// What is grouped (payer name, code combination).
    pub label: String,
    /// Denial rows.
    pub count: u64,
    /// Σ amount.
    pub amount: Decimal,
    /// Distinct claims (file + patient control number).
    pub claims: u64,
}

/// Groups denial rows by `key`, biggest dollars first (then count, then label).
pub(crate) fn group_by<'a>(rows: &[&'a Row], key: impl Fn(&'a Row) -> String) -> Vec<Group> {
    /// Distinct claims: (file, patient control number).
    type Claims<'a> = HashSet<(&'a str, &'a str)>;
    let mut map: HashMap<String, (Group, Claims<'a>)> = HashMap::new();
    for r in rows {
        let label = key(r);
        let e = map.entry(label.clone()).or_insert_with(|| {
            (
                Group {
                    label,
                    ..Group::default()
                },
                Default::default(),
            )
        });
        e.0.count += 1;
        e.0.amount += amount(r);
        e.1.insert((&r.file, &r.patient_control_number));
    }
    let mut out: Vec<Group> = map
        .into_values()
        .map(|(mut g, claims)| {
            g.claims = claims.len() as u64;
            g
        })
        .collect();
    out.sort_by(|a, b| {
        b.amount
            .cmp(&a.amount)
            .then(b.count.cmp(&a.count))
            .then_with(|| a.label.cmp(&b.label))
    });
    out
}

/// The same denial again: same payer, CARC, RARCs and procedure, at least twice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Pattern<'a> {
    /// The payer as shown.
    pub payer: &'a str,
    /// `CO-16 N290`.
    pub codes: String,
    /// Procedure (without modifiers; may be empty for claim-level denials).
    pub procedure: &'a str,
    /// Denial rows.
    pub count: u64,
    /// Σ amount.
    pub amount: Decimal,
    /// Category of the first row.
    pub category: &'a str,
    /// Class of the first row.
    pub class: &'a str,
    /// Route of the first row (the correction text names one claim, so it is not repeated).
    pub route: &'a str,
}

/// Recurring denials (≥ 2 rows with the same payer id, CARC, RARCs and procedure, as the
/// pipeline's recurrence count), most frequent first.
pub(crate) fn patterns<'a>(rows: &[&'a Row]) -> Vec<Pattern<'a>> {
    let mut map: HashMap<(&str, &str, &str, &str), Pattern<'a>> = HashMap::new();
    let mut order = Vec::new();
    for r in rows {
        let key = (
            r.payer_id.as_str(),
            r.carc.as_str(),
            r.rarcs.as_str(),
            r.procedure.as_str(),
        );
        let p = map.entry(key).or_insert_with(|| {
            order.push(key);
            Pattern {
                payer: payer(r),
                codes: codes(r),
                procedure: &r.procedure,
                count: 0,
                amount: Decimal::ZERO,
                category: &r.category,
                class: &r.class,
                route: &r.route,
            }
        });
        p.count += 1;
        p.amount += amount(r);
    }
    let mut out: Vec<Pattern<'a>> = order
        .into_iter()
        .filter_map(|k| map.remove(&k))
        .filter(|p| p.count >= 2)
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then(b.amount.cmp(&a.amount)));
    out
}

/// Rows whose deadline falls before `as_of + days` (overdue ones included), nearest first.
pub(crate) fn due<'a>(rows: &[&'a Row], as_of: NaiveDate, days: i64) -> Vec<&'a Row> {
    let end = as_of + chrono::Duration::days(days);
    let mut out: Vec<&Row> = rows
        .iter()
        .copied()
        .filter(|r| deadline(r).is_some_and(|d| d <= end))
        .collect();
    out.sort_by(|a, b| {
        deadline(a)
            .cmp(&deadline(b))
            .then_with(|| queue_order(a, b))
    });
    out
}

/// Truncates to `width` characters, ending with `…` when cut.
pub(crate) fn truncate(s: &str, width: usize) -> std::borrow::Cow<'_, str> {
    if s.chars().count() <= width {
        return s.into();
    }
    if width == 0 {
        return "".into();
    }
    let mut t: String = s.chars().take(width - 1).collect();
    t.push('…');
    t.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_formats() {
        let d = |s: &str| Decimal::from_str(s).unwrap();
        assert_eq!(money(d("0")), "$0.00");
        assert_eq!(money(d("1250")), "$1,250.00");
        assert_eq!(money(d("-3.27")), "-$3.27");
        assert_eq!(money(d("1234567.891")), "$1,234,567.89");
        assert_eq!(money(d("100")), "$100.00");
        assert_eq!(money(d("999999.995")), "$1,000,000.00");
    }

    #[test]
    fn codes_and_procedure() {
        let r = Row {
            group: "CO".into(),
            carc: "16".into(),
            rarcs: "N290;MA130".into(),
            procedure: "99213".into(),
            modifiers: "25;59".into(),
            ..Row::default()
        };
        assert_eq!(codes(&r), "CO-16 N290 MA130");
        assert_eq!(procedure(&r), "99213-25-59");
    }

    #[test]
    fn truncates_by_chars() {
        assert_eq!(truncate("abcdef", 6), "abcdef");
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("ÉÉÉÉ", 3), "ÉÉ…");
        assert_eq!(truncate("abc", 0), "");
    }
}
