//! A draft appeal for a claim routed `appeal`: a request for reconsideration addressed to the
//! payer that denied it, with what identifies the claim, the services appealed and the
//! payer's codes, the deadline, and what to enclose. A person completes the argument and signs
//! it: Denali states the facts of the 835 and leaves marked blanks (`[…]`) for the rest.
//!
//! The letter names the patient (it must, to be matched to the claim); it is written only to
//! the output directory, never to standard error.

use std::fmt::Write as _;

use chrono::NaiveDate;
use denali_rules::{ClaimAssessment, Deadline, DeadlineKind, Denial, Route};
use denali_x12::remit::{ClaimPayment, Name, Party, Remittance};
use rust_decimal::Decimal;

/// A draft appeal letter (Markdown).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppealLetter {
    /// CLP01 of the claim.
    pub claim: String,
    /// A file name for it: `appeal-<CLP01>-<CLP07>.md`, characters other than letters, digits,
    /// `-` and `_` replaced by `_`.
    pub name: String,
    /// The letter.
    pub text: String,
}

/// The draft for `cp` of `rem`, whose denials `ca` assessed; `None` when no denial of the
/// claim is routed to an appeal. `today` dates the letter; `appeals_to` is the payer's appeals
/// address from the payer rules, else the letter uses the 835's address.
pub(crate) fn letter(
    rem: &Remittance,
    cp: &ClaimPayment,
    ca: &ClaimAssessment,
    today: NaiveDate,
    appeals_to: Option<&[String]>,
) -> Option<AppealLetter> {
    let appealed: Vec<&Denial> = ca
        .denials
        .iter()
        .filter(|d| d.corrections.route == Route::Appeal)
        .collect();
    if appealed.is_empty() {
        return None;
    }
    let mut t = String::new();
    let pcn = cp.patient_control_number.as_str();
    let _ = writeln!(t, "# Request for reconsideration: claim {pcn}\n");
    let _ = writeln!(t, "Date: {today}\n");
    // Address lines end in two spaces: a Markdown line break, invisible as plain text.
    let _ = writeln!(t, "To:  ");
    let payer = party_line(&rem.payer, rem.payer_id(), "payer ID");
    let _ = writeln!(t, "{payer}  ");
    match appeals_to.filter(|a| !a.is_empty()) {
        Some(lines) => {
            for l in lines {
                let _ = writeln!(t, "{}  ", l.trim());
            }
            let _ = writeln!(t);
        }
        None => {
            for l in address(&rem.payer) {
                let _ = writeln!(t, "{l}  ");
            }
            let _ = writeln!(
                t,
                "[the payer's appeals address, if it is not the address above]\n"
            );
        }
    }
    let payee_id = rem.payee.id.as_deref();
    let label = match rem.payee.id_qualifier.as_deref() {
        Some("XX") => "NPI",
        Some("FI") => "tax ID",
        _ => "ID",
    };
    let _ = writeln!(t, "From: {}\n", party_line(&rem.payee, payee_id, label));

    let patient = cp.patient.as_deref().or(cp.insured.as_deref());
    let mut facts: Vec<(&str, String)> = vec![
        ("Patient", patient.map_or_else(blank, person)),
        (
            "Member ID",
            // A dependant's NM1*QC often has no id: the card's is the subscriber's (NM1*IL).
            [cp.patient.as_deref(), cp.insured.as_deref()]
                .into_iter()
                .flatten()
                .find_map(|p| p.id.as_deref().filter(|id| !id.trim().is_empty()))
                .map_or_else(blank, str::to_string),
        ),
        ("Patient account number (CLM01)", pcn.to_string()),
        (
            "Payer claim number",
            cp.payer_claim_control_number
                .as_deref()
                .map_or_else(blank, str::to_string),
        ),
        ("Dates of service", service_dates(cp)),
        ("Billed", money(cp.total_charge)),
        ("Paid", money(cp.payment_amount)),
        (
            "Remittance",
            format!(
                "trace number {}, dated {}",
                rem.payment.trace_number.as_deref().unwrap_or("[…]"),
                denali_rules::payer::remit_date(rem).map_or_else(blank, |d| d.to_string())
            ),
        ),
    ];
    if let Some(d) = appeal_deadline(&appealed) {
        facts.push((
            "Appeal deadline",
            format!("{} (it must reach the payer by then)", d.date),
        ));
    }
    let _ = writeln!(t, "| | |\n|---|---|");
    for (k, v) in &facts {
        let _ = writeln!(t, "| {k} | {} |", cell(v));
    }

    let _ = writeln!(t, "\n## Services appealed\n");
    let _ = writeln!(
        t,
        "| Line | Date | Procedure | Billed | Paid | Amount appealed | Payer's codes |\n|---|---|---|---|---|---|---|"
    );
    for d in &appealed {
        let line = d.line_index.and_then(|i| cp.service_lines.get(i));
        let (n, date, code, billed, paid) = match (d.line_index, line) {
            (Some(i), Some(l)) => (
                (i + 1).to_string(),
                l.service_date().map_or_else(blank, |d| d.to_string()),
                procedure(
                    &l.procedure.qualifier,
                    &l.procedure.code,
                    &l.procedure.modifiers,
                ),
                money(l.charge),
                money(l.payment),
            ),
            _ => (
                "claim".to_string(),
                cp.service_date().map_or_else(blank, |d| d.to_string()),
                "(whole claim)".to_string(),
                money(cp.total_charge),
                money(cp.payment_amount),
            ),
        };
        let _ = writeln!(
            t,
            "| {n} | {date} | {} | {billed} | {paid} | {} | {} |",
            cell(&code),
            money(d.amount),
            cell(&codes(d))
        );
    }

    let _ = writeln!(t, "\n## Why the services should be paid\n");
    let mut said: Vec<String> = Vec::new();
    for d in &appealed {
        let description = d.explanation.description.trim().trim_end_matches('.');
        let why = if description.is_empty() {
            format!("- The payer adjusted the amount above with {}.", codes(d))
        } else {
            format!(
                "- The payer adjusted the amount above with {}: {description}.",
                codes(d)
            )
        };
        if !said.contains(&why) {
            said.push(why);
        }
    }
    for s in &said {
        let _ = writeln!(t, "{s}");
    }
    let _ = writeln!(
        t,
        "\nWe ask you to reconsider this decision and pay the services above. [Why the services were necessary and billed correctly, with the facts from the record that show it.]"
    );

    let _ = writeln!(t, "\n## Enclosed\n");
    let mut enclosed: Vec<String> = Vec::new();
    for d in &appealed {
        let e = d
            .corrections
            .evidence
            .clone()
            .unwrap_or_else(|| "supporting records".to_string());
        if !enclosed.contains(&e) {
            enclosed.push(e);
        }
    }
    enclosed.push("a copy of the remittance advice for this claim".to_string());
    enclosed.push("a copy of the claim as billed".to_string());
    for e in &enclosed {
        let _ = writeln!(t, "- {}", upper_first(e));
    }
    let _ = writeln!(t, "\nSincerely,\n\n[Name, title]\n[Telephone, email]");
    let icn = cp.payer_claim_control_number.as_deref().unwrap_or_default();
    let name = if icn.is_empty() {
        format!("appeal-{}.md", file_part(pcn))
    } else {
        format!("appeal-{}-{}.md", file_part(pcn), file_part(icn))
    };
    Some(AppealLetter {
        claim: pcn.to_string(),
        name,
        text: t,
    })
}

/// The appeal window among the denials' deadlines: the first-level appeal's, else the
/// nearest.
fn appeal_deadline(denials: &[&Denial]) -> Option<Deadline> {
    let all = denials.iter().filter_map(|d| d.deadline);
    all.clone()
        .filter(|d| d.kind == DeadlineKind::Appeal)
        .min_by_key(|d| d.date)
        .or_else(|| all.min_by_key(|d| d.date))
}

fn blank() -> String {
    "[…]".to_string()
}

/// `NAME (payer ID X)`, or `[…]` for what the 835 does not say.
fn party_line(p: &Party, id: Option<&str>, id_label: &str) -> String {
    let name = p.name.as_deref().map_or_else(blank, str::to_string);
    match id.filter(|s| !s.trim().is_empty()) {
        Some(id) => format!("{name} ({id_label} {id})"),
        None => name,
    }
}

fn address(p: &Party) -> Vec<String> {
    let mut lines: Vec<String> = p.address.iter().map(|l| l.to_string()).collect();
    let city = [
        p.city.as_deref(),
        p.state.as_deref(),
        p.postal_code.as_deref(),
    ];
    if city.iter().any(Option::is_some) {
        let place = match city {
            [Some(c), Some(s), z] => format!("{c}, {s} {}", z.unwrap_or_default()),
            _ => city.iter().flatten().copied().collect::<Vec<_>>().join(" "),
        };
        lines.push(place.trim_end().to_string());
    }
    lines
}

/// `LAST, FIRST M`.
fn person(n: &Name) -> String {
    let last = n.last.as_deref().unwrap_or_default();
    let rest: Vec<&str> = [n.first.as_deref(), n.middle.as_deref(), n.suffix.as_deref()]
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty())
        .collect();
    match (last.is_empty(), rest.is_empty()) {
        (true, true) => blank(),
        (false, true) => last.to_string(),
        (true, false) => rest.join(" "),
        (false, false) => format!("{last}, {}", rest.join(" ")),
    }
}

fn service_dates(cp: &ClaimPayment) -> String {
    let mut dates: Vec<NaiveDate> = cp
        .service_lines
        .iter()
        .filter_map(|l| l.service_date())
        .collect();
    dates.extend(cp.service_date());
    match (dates.iter().min(), dates.iter().max()) {
        (Some(a), Some(b)) if a == b => a.to_string(),
        (Some(a), Some(b)) => format!("{a} to {b}"),
        _ => blank(),
    }
}

/// `99214 (25)`; a revenue code (NU) or an NDC (N4) says which it is.
fn procedure(qualifier: &str, code: &str, modifiers: &[denali_x12::value::Text]) -> String {
    let code = match qualifier {
        "NU" => format!("revenue code {code}"),
        "N4" => format!("NDC {code}"),
        _ => code.to_string(),
    };
    let mods: Vec<&str> = modifiers.iter().map(|m| m.as_str()).collect();
    if mods.is_empty() {
        code
    } else {
        format!("{code} ({})", mods.join(", "))
    }
}

fn money(d: Decimal) -> String {
    format!("{:.2}", d.round_dp(2))
}

/// `CO-50 (N115, M25)`; `CLP02-4` for a claim denied with no adjustment.
fn codes(d: &Denial) -> String {
    let mut s = super::adjustment_code(d);
    if !d.rarcs.is_empty() {
        let _ = write!(s, " ({})", d.rarcs.join(", "));
    }
    s
}

/// A value inside a Markdown table cell: `|` and line breaks would end it.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace(['\r', '\n'], " ")
}

fn upper_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Letters, digits, `-` and `_` of `s`; anything else (a path separator, a dot) becomes `_`.
fn file_part(s: &str) -> String {
    s.trim()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn services_names_and_file_names() {
        let mods = [denali_x12::value::Text::new("25")];
        assert_eq!(procedure("HC", "99214", &mods), "99214 (25)");
        assert_eq!(procedure("NU", "0450", &[]), "revenue code 0450");
        assert_eq!(procedure("N4", "00002143380", &[]), "NDC 00002143380");
        assert_eq!(file_part("A/B.c d"), "A_B_c_d");
        let n = Name {
            last: Some("DOE".into()),
            first: Some("JANE".into()),
            middle: Some("Q".into()),
            ..Name::default()
        };
        assert_eq!(person(&n), "DOE, JANE Q");
        assert_eq!(person(&Name::default()), "[…]");
        assert_eq!(cell("a|b\nc"), "a\\|b c");
    }
}
