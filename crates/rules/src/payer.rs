//! Payer rules: filing and appeal windows per payer, and the deadlines they give a denial.
//!
//! # Defaults
//!
//! The built-in values are deliberately **conservative** (the earlier of the windows that
//! sources quote), so a deadline Denali shows is rarely later than the real one. Override them
//! for your contracts.
//!
//! | | Medicare (CLP06 `MA`/`MB`, or a payer marked `medicare`) | Other payers |
//! |---|---|---|
//! | timely filing | 365 days from the date of service (42 CFR 424.44: 12 months) | 90 days from the date of service |
//! | appeal window | 120 days (redetermination) | 180 days; 60 for Medicare Advantage (CLP06 `16`) |
//! | mail days added to the remit date | 5 (receipt = notice date + 5 days) | 0 |
//! | reopening window | 365 days from the remit date (1 year from the initial determination) | 365 days |
//! | frequency 7 accepted for a denied claim | yes | yes |
//! | Part B reopening instead of frequency 7 | when CLP06 = `MB` | no |
//!
//! Windows that start "from the remit" count from BPR16 (payment date), else DTM*405
//! (production date); see [`remit_date`].
//!
//! # TOML
//!
//! ```toml
//! [default]                       # every non-Medicare payer
//! timely_filing_days = 90
//! appeal_window_days = 180
//!
//! [medicare]                      # claims read as Medicare (CLP06 MA/MB or medicare = true)
//! mail_days = 5
//!
//! [payer."12345"]                 # matched against N104 of 1000A, REF*2U or TRN03
//! name = "Summit Health Plan"
//! timely_filing_days = 120
//! appeal_window_days = 90
//! accepts_frequency_7_for_denied = false
//! appeal_address = ["Summit Health Plan Appeals", "PO Box 2200", "Anchorage, AK 99501"]
//!
//! [payer."04412"]
//! name = "Noridian JE Part B"
//! medicare = true
//! medicare_part_b = true
//! ```
//!
//! Fields: `name`, `medicare`, `medicare_part_b`, `timely_filing_days`, `appeal_window_days`,
//! `reopening_days`, `mail_days`, `accepts_frequency_7_for_denied`, `appeal_address` (the lines
//! a drafted appeal is addressed to; without it, the 835's payer address). Every field is
//! optional; precedence is built-in → `[default]` (or `[medicare]` for Medicare claims) →
//! `[payer."<id>"]`.
//! Unknown fields are errors.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{Days, NaiveDate};
use denali_x12::remit::{ClaimPayment, Remittance};
use serde::{Deserialize, Serialize};

use crate::codes::Route;
use crate::error::Error;

/// One table of the payer-rules file: every field optional, `None` keeps the value below it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PayerSettings {
    /// Display name of the payer.
    pub name: Option<String>,
    /// Read claims from this payer as Medicare fee-for-service (Medicare defaults apply).
    pub medicare: Option<bool>,
    /// Medicare Part B contractor: clerical errors go through a reopening, not a frequency-7
    /// claim. Implies `medicare`.
    pub medicare_part_b: Option<bool>,
    /// Days from the date of service within which a claim (also a corrected one) must arrive.
    pub timely_filing_days: Option<u32>,
    /// Days from the remit date (plus `mail_days`) within which a first-level appeal must arrive.
    pub appeal_window_days: Option<u32>,
    /// Days from the remit date within which a reopening may be requested.
    pub reopening_days: Option<u32>,
    /// Days of mail time added to the remit date before the appeal window starts.
    pub mail_days: Option<u32>,
    /// Whether the payer takes a replacement (frequency 7) for a claim it denied outright; when
    /// `false`, send a new claim (frequency 1) instead.
    pub accepts_frequency_7_for_denied: Option<bool>,
    /// Where first-level appeals go, one line per entry: often not the address the 835 gives.
    pub appeal_address: Option<Vec<String>>,
}

impl PayerSettings {
    /// Lays `over` on top of `self`: every field `over` sets wins.
    fn merged(&self, over: &PayerSettings) -> PayerSettings {
        PayerSettings {
            name: over.name.clone().or_else(|| self.name.clone()),
            medicare: over.medicare.or(self.medicare),
            medicare_part_b: over.medicare_part_b.or(self.medicare_part_b),
            timely_filing_days: over.timely_filing_days.or(self.timely_filing_days),
            appeal_window_days: over.appeal_window_days.or(self.appeal_window_days),
            reopening_days: over.reopening_days.or(self.reopening_days),
            mail_days: over.mail_days.or(self.mail_days),
            accepts_frequency_7_for_denied: over
                .accepts_frequency_7_for_denied
                .or(self.accepts_frequency_7_for_denied),
            appeal_address: over
                .appeal_address
                .clone()
                .or_else(|| self.appeal_address.clone()),
        }
    }
}

/// CLP06 of a Medicare Advantage claim (`16`, HMO Medicare risk).
const MEDICARE_ADVANTAGE_FILING_INDICATOR: &str = "16";

/// The Medicare Advantage first-level appeal window, in days from the notice.
const MEDICARE_ADVANTAGE_APPEAL_DAYS: u32 = 60;

/// The rules in force for one claim, every value decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PayerRule {
    /// The payer-table key that matched, if any.
    pub payer_id: Option<String>,
    /// Display name (from the table, else the 835's N102).
    pub name: Option<String>,
    /// Medicare fee-for-service rules apply.
    pub medicare: bool,
    /// Medicare Part B: reopening instead of frequency 7.
    pub medicare_part_b: bool,
    /// Timely filing window in days from the date of service.
    pub timely_filing_days: u32,
    /// Appeal window in days from the remit date plus `mail_days`.
    pub appeal_window_days: u32,
    /// Reopening window in days from the remit date.
    pub reopening_days: u32,
    /// Mail days added to the remit date for the appeal window.
    pub mail_days: u32,
    /// Whether a frequency-7 replacement is accepted for a fully denied claim.
    pub accepts_frequency_7_for_denied: bool,
    /// Where first-level appeals go (lines), when the table says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub appeal_address: Option<Vec<String>>,
}

impl PayerRule {
    /// Built-in defaults for a commercial payer (see the module docs).
    pub fn commercial_default() -> PayerRule {
        PayerRule {
            payer_id: None,
            name: None,
            medicare: false,
            medicare_part_b: false,
            timely_filing_days: 90,
            appeal_window_days: 180,
            reopening_days: 365,
            mail_days: 0,
            accepts_frequency_7_for_denied: true,
            appeal_address: None,
        }
    }

    /// Built-in defaults for Medicare fee-for-service (see the module docs).
    pub fn medicare_default() -> PayerRule {
        PayerRule {
            payer_id: None,
            name: None,
            medicare: true,
            medicare_part_b: false,
            timely_filing_days: 365,
            appeal_window_days: 120,
            reopening_days: 365,
            mail_days: 5,
            accepts_frequency_7_for_denied: true,
            appeal_address: None,
        }
    }

    fn apply(mut self, s: &PayerSettings) -> PayerRule {
        if let Some(v) = &s.name {
            self.name = Some(v.clone());
        }
        if let Some(v) = s.medicare {
            self.medicare = v;
        }
        if let Some(v) = s.medicare_part_b {
            self.medicare_part_b = v;
        }
        if let Some(v) = s.timely_filing_days {
            self.timely_filing_days = v;
        }
        if let Some(v) = s.appeal_window_days {
            self.appeal_window_days = v;
        }
        if let Some(v) = s.reopening_days {
            self.reopening_days = v;
        }
        if let Some(v) = s.mail_days {
            self.mail_days = v;
        }
        if let Some(v) = s.accepts_frequency_7_for_denied {
            self.accepts_frequency_7_for_denied = v;
        }
        if let Some(v) = &s.appeal_address {
            self.appeal_address = Some(v.clone());
        }
        self
    }

    /// A label for reasons and summaries: the name, else the id, else "the payer".
    pub fn label(&self) -> String {
        match (&self.name, &self.payer_id) {
            (Some(n), _) => n.clone(),
            (None, Some(id)) => format!("payer {id}"),
            (None, None) => "the payer".to_string(),
        }
    }
}

/// The payer-rules table: a default for commercial payers, one for Medicare, and per-payer
/// entries keyed by payer id. `PayerRules::default()` holds no entries (built-in defaults only).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PayerRules {
    /// `[default]`: applies to every non-Medicare claim.
    #[serde(default)]
    pub default: PayerSettings,
    /// `[medicare]`: applies to every claim read as Medicare.
    #[serde(default)]
    pub medicare: PayerSettings,
    /// `[payer."<id>"]`: per payer, keyed by the id in the 835 (N104 of 1000A, REF*2U, TRN03).
    #[serde(default)]
    pub payer: BTreeMap<String, PayerSettings>,
}

impl PayerRules {
    /// Reads a payer-rules TOML file (see the [module docs](self)).
    ///
    /// ```
    /// use denali_rules::PayerRules;
    ///
    /// let rules = PayerRules::from_toml("[payer.\"12345\"]\nappeal_window_days = 90\n").unwrap();
    /// assert_eq!(rules.resolve_ids(&["12345"], None).appeal_window_days, 90);
    /// assert_eq!(rules.resolve_ids(&["other"], None).appeal_window_days, 180);
    /// assert_eq!(rules.resolve_ids(&["other"], Some("MB")).appeal_window_days, 120);
    /// ```
    pub fn from_toml(text: &str) -> Result<PayerRules, Error> {
        toml::from_str(text).map_err(|e| Error::PayerRules {
            message: e.to_string(),
        })
    }

    /// The table entry for a payer id (trimmed; exact, then case-insensitive match).
    pub fn lookup(&self, payer_id: &str) -> Option<(&str, &PayerSettings)> {
        let id = payer_id.trim();
        if id.is_empty() {
            return None;
        }
        self.payer
            .get_key_value(id)
            .or_else(|| {
                self.payer
                    .iter()
                    .find(|(k, _)| k.trim().eq_ignore_ascii_case(id))
            })
            .map(|(k, v)| (k.as_str(), v))
    }

    /// The rules for a payer known by any of `payer_ids` (first match wins), for a claim with
    /// this CLP06 filing indicator (`MA`/`MB` mean Medicare; `MB` also means Part B).
    pub fn resolve_ids(&self, payer_ids: &[&str], filing_indicator: Option<&str>) -> PayerRule {
        let entry = payer_ids.iter().find_map(|id| self.lookup(id));
        let fi = filing_indicator.map(str::trim).unwrap_or("");
        let by_fi = fi.eq_ignore_ascii_case("MA") || fi.eq_ignore_ascii_case("MB");
        let part_b_by_fi = fi.eq_ignore_ascii_case("MB");
        let flagged =
            entry.is_some_and(|(_, s)| s.medicare == Some(true) || s.medicare_part_b == Some(true));
        let not_medicare = entry.is_some_and(|(_, s)| s.medicare == Some(false));
        let medicare = (by_fi || flagged) && !not_medicare;
        let mut rule = if medicare {
            let mut r = PayerRule::medicare_default().apply(&self.medicare);
            r.medicare_part_b = r.medicare_part_b || part_b_by_fi;
            r
        } else {
            let mut r = PayerRule::commercial_default().apply(&self.default);
            // CLP06 16 (HMO Medicare risk) is a Medicare Advantage plan: its first-level appeal
            // (reconsideration) window is 60 days from the notice (DOMAIN 4.2), whatever the
            // default for other payers; a payer's own entry can still say otherwise.
            if fi == MEDICARE_ADVANTAGE_FILING_INDICATOR {
                r.appeal_window_days = r.appeal_window_days.min(MEDICARE_ADVANTAGE_APPEAL_DAYS);
            }
            r
        };
        if let Some((key, s)) = entry {
            rule = rule.apply(s);
            rule.payer_id = Some(key.to_string());
        }
        if rule.medicare_part_b {
            rule.medicare = true;
        }
        rule
    }

    /// The rules for a claim of this remittance: the payer is looked up by N104 of 1000A,
    /// REF*2U and TRN03; Medicare is read from CLP06 or the table. The name falls back to the
    /// 835's N102.
    pub fn resolve(&self, rem: &Remittance, claim: &ClaimPayment) -> PayerRule {
        let ids = payer_ids(rem);
        let mut rule = self.resolve_ids(&ids, claim.filing_indicator.as_deref());
        if rule.name.is_none() {
            rule.name = rem.payer.name.as_ref().map(|n| n.to_string());
        }
        if rule.payer_id.is_none() {
            rule.payer_id = rem.payer_id().map(str::to_string);
        }
        rule
    }

    /// Merges another rules table on top of this one (later files win field by field).
    pub fn merged(&self, over: &PayerRules) -> PayerRules {
        let mut payer = self.payer.clone();
        for (k, v) in &over.payer {
            let merged = payer.get(k).map_or_else(|| v.clone(), |old| old.merged(v));
            payer.insert(k.clone(), merged);
        }
        PayerRules {
            default: self.default.merged(&over.default),
            medicare: self.medicare.merged(&over.medicare),
            payer,
        }
    }
}

/// Every id the 835 gives its payer: N104 of 1000A, REF*2U, TRN03 (in that order, non-empty).
pub fn payer_ids(rem: &Remittance) -> Vec<&str> {
    let candidates = std::iter::once(rem.payer.id.as_deref())
        .chain(
            rem.payer
                .references
                .iter()
                .filter(|r| r.qualifier == "2U")
                .map(|r| Some(r.value.as_str())),
        )
        .chain(std::iter::once(rem.payment.originator_id.as_deref()));
    let mut ids: Vec<&str> = Vec::new();
    for s in candidates.flatten().map(str::trim) {
        if !s.is_empty() && !ids.contains(&s) {
            ids.push(s);
        }
    }
    ids
}

/// The date appeal and reopening clocks start from: BPR16 (payment effective date), else DTM*405
/// (production date).
pub fn remit_date(rem: &Remittance) -> Option<NaiveDate> {
    rem.payment.payment_date.or(rem.payment.production_date)
}

/// Which clock a [`Deadline`] comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineKind {
    /// First-level appeal (Medicare: redetermination) window from the remit date.
    Appeal,
    /// Timely filing window from the date of service (corrected and new claims).
    TimelyFiling,
    /// Medicare reopening window from the remit date.
    Reopening,
}

impl DeadlineKind {
    /// The snake_case name (`appeal`, `timely_filing`, `reopening`).
    pub const fn as_str(self) -> &'static str {
        match self {
            DeadlineKind::Appeal => "appeal",
            DeadlineKind::TimelyFiling => "timely_filing",
            DeadlineKind::Reopening => "reopening",
        }
    }

    /// Words for a reason string ("appeal", "timely filing", "reopening").
    pub const fn words(self) -> &'static str {
        match self {
            DeadlineKind::Appeal => "appeal",
            DeadlineKind::TimelyFiling => "timely filing",
            DeadlineKind::Reopening => "reopening",
        }
    }
}

impl fmt::Display for DeadlineKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The date by which the next step must reach the payer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Deadline {
    /// Last day.
    pub date: NaiveDate,
    /// Which window.
    pub kind: DeadlineKind,
    /// Days from the assessment date (`Context::as_of`) to `date`; negative once passed.
    pub days_left: i64,
    /// The last day of the route's latest window: what governs once `date` has passed, for a
    /// store that keeps the deadline past the day it was assessed (a corrected claim whose
    /// filing window closes first can still be appealed). Equal to `date` when the route has
    /// one window or every window has passed.
    #[serde(skip)]
    pub last: NaiveDate,
}

impl Deadline {
    /// Whether the deadline is already behind the assessment date.
    pub fn passed(&self) -> bool {
        self.days_left < 0
    }
}

/// What a deadline is computed from.
#[derive(Debug, Clone, Copy)]
pub struct DeadlineInput<'a> {
    /// The route chosen for the denial.
    pub route: Route,
    /// Whether an appeal makes sense (adds the appeal window to resubmission routes).
    pub appealable: bool,
    /// The payer's rules (for [`Route::BillOtherPayer`], the other payer's).
    pub rule: &'a PayerRule,
    /// Remit date (see [`remit_date`]).
    pub remit_date: Option<NaiveDate>,
    /// Date of service the filing window counts from.
    pub service_date: Option<NaiveDate>,
    /// "Today".
    pub as_of: NaiveDate,
}

fn add_days(date: NaiveDate, days: u32) -> Option<NaiveDate> {
    date.checked_add_days(Days::new(u64::from(days)))
}

/// The last day of `rule`'s timely-filing window for a service on `service_date`.
pub(crate) fn filing_window_end(rule: &PayerRule, service_date: NaiveDate) -> Option<NaiveDate> {
    add_days(service_date, rule.timely_filing_days)
}

/// The deadline that governs a route: the windows that apply to it (appeal → appeal window;
/// corrected/void/new claim and billing another payer → timely filing, plus the appeal window
/// when the denial is appealable and the route resubmits the same claim; reopening → reopening
/// window, plus the appeal window when appealable; review → appeal and timely filing). Of those,
/// the nearest one still open; if all have passed, the one that passed last. Routes with no
/// payer clock (write-off, bill the patient, wait, no action) have none, as do routes whose
/// start date is missing from the 835.
///
/// ```
/// use chrono::NaiveDate;
/// use denali_rules::{DeadlineInput, DeadlineKind, PayerRule, Route, deadline};
///
/// let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
/// let rule = PayerRule::medicare_default();
/// let dl = deadline(&DeadlineInput {
///     route: Route::Appeal,
///     appealable: true,
///     rule: &rule,
///     remit_date: Some(d("2025-03-14")),
///     service_date: Some(d("2025-01-06")),
///     as_of: d("2025-04-01"),
/// })
/// .unwrap();
/// assert_eq!((dl.kind, dl.date), (DeadlineKind::Appeal, d("2025-07-17"))); // 14 Mar + 125 days
/// ```
pub fn deadline(input: &DeadlineInput<'_>) -> Option<Deadline> {
    let rule = input.rule;
    let appeal = || {
        input
            .remit_date
            .and_then(|r| add_days(r, rule.mail_days))
            .and_then(|r| add_days(r, rule.appeal_window_days))
            .map(|d| (d, DeadlineKind::Appeal))
    };
    let filing = || {
        input
            .service_date
            .and_then(|s| filing_window_end(rule, s))
            .map(|d| (d, DeadlineKind::TimelyFiling))
    };
    let reopening = || {
        input
            .remit_date
            .and_then(|r| add_days(r, rule.reopening_days))
            .map(|d| (d, DeadlineKind::Reopening))
    };
    let candidates: Vec<(NaiveDate, DeadlineKind)> = match input.route {
        Route::Appeal => appeal().into_iter().collect(),
        Route::CorrectedClaim | Route::VoidAndNew => {
            let mut c: Vec<_> = filing().into_iter().collect();
            if input.appealable {
                c.extend(appeal());
            }
            c
        }
        Route::NewClaim | Route::BillOtherPayer => filing().into_iter().collect(),
        Route::Reopening => {
            let mut c: Vec<_> = reopening().into_iter().collect();
            if input.appealable {
                c.extend(appeal());
            }
            c
        }
        Route::Review => appeal().into_iter().chain(filing()).collect(),
        Route::BillPatient | Route::Wait | Route::WriteOff | Route::NoAction => Vec::new(),
    };
    let last = candidates.iter().map(|&(date, _)| date).max()?;
    let with_days = candidates.into_iter().map(|(date, kind)| Deadline {
        date,
        kind,
        days_left: (date - input.as_of).num_days(),
        last,
    });
    let (open, passed): (Vec<Deadline>, Vec<Deadline>) = with_days.partition(|d| !d.passed());
    open.into_iter()
        .min_by_key(|d| (d.days_left, d.kind))
        .or_else(|| passed.into_iter().max_by_key(|d| (d.days_left, d.kind)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precedence_builtin_default_payer() {
        let rules = PayerRules::from_toml(
            "[default]\ntimely_filing_days = 120\n[medicare]\nmail_days = 7\n\
             [payer.\"P1\"]\nappeal_window_days = 30\n[payer.\"MCR\"]\nmedicare_part_b = true\n",
        )
        .unwrap();
        let c = rules.resolve_ids(&["P1"], Some("CI"));
        assert_eq!((c.timely_filing_days, c.appeal_window_days), (120, 30));
        assert_eq!(c.payer_id.as_deref(), Some("P1"));
        let m = rules.resolve_ids(&["x"], Some("MA"));
        assert!(m.medicare && !m.medicare_part_b);
        assert_eq!((m.mail_days, m.timely_filing_days), (7, 365));
        let b = rules.resolve_ids(&["mcr"], None);
        assert!(b.medicare && b.medicare_part_b);
        assert!(rules.resolve_ids(&[], Some("mb")).medicare_part_b);
    }

    #[test]
    fn an_appeals_address_comes_from_the_most_specific_table() {
        let rules = PayerRules::from_toml(
            "[default]\nappeal_address = [\"APPEALS\", \"PO BOX 1\"]\n\
             [payer.\"P1\"]\nappeal_address = [\"P1 APPEALS\"]\n[payer.\"P2\"]\nname = \"P2\"\n",
        )
        .unwrap();
        let at = |id: &str| rules.resolve_ids(&[id], None).appeal_address;
        assert_eq!(at("P1"), Some(vec!["P1 APPEALS".to_string()]));
        assert_eq!(
            at("P2"),
            Some(vec!["APPEALS".to_string(), "PO BOX 1".to_string()])
        );
        assert_eq!(
            rules.resolve_ids(&["P1"], Some("MB")).appeal_address,
            Some(vec!["P1 APPEALS".to_string()])
        );
        assert_eq!(
            PayerRules::default()
                .resolve_ids(&["P1"], None)
                .appeal_address,
            None
        );
    }

    /// A deadline carries the route's last window, which governs once the nearer has passed
    /// (what `denali track` keeps).
    #[test]
    fn a_deadline_knows_the_window_that_follows_it() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let rule = PayerRule::commercial_default();
        let input = |route, as_of| DeadlineInput {
            route,
            appealable: true,
            rule: &rule,
            remit_date: Some(d("2024-03-01")),
            service_date: Some(d("2024-02-15")),
            as_of: d(as_of),
        };
        // Filing closes first, then the appeal window: the later one is known either side.
        let filing = filing_window_end(&rule, d("2024-02-15")).unwrap();
        let before = deadline(&input(Route::CorrectedClaim, "2024-04-01")).unwrap();
        let after = deadline(&input(Route::CorrectedClaim, "2024-12-01")).unwrap();
        let appeal = after.date;
        assert!(filing < appeal);
        assert_eq!((before.date, before.last), (filing, appeal));
        assert_eq!((after.kind, after.last), (DeadlineKind::Appeal, appeal));
        // One window: the same date.
        let only = deadline(&input(Route::NewClaim, "2024-04-01")).unwrap();
        assert_eq!(only.last, only.date);
    }

    /// Regression: a Medicare Advantage claim (CLP06 16) got the 180-day commercial appeal
    /// window, three times the 60 days of an MA reconsideration.
    #[test]
    fn medicare_advantage_appeals_within_60_days() {
        let rules = PayerRules::default();
        let ma = rules.resolve_ids(&["x"], Some("16"));
        assert!(!ma.medicare);
        assert_eq!(ma.appeal_window_days, 60);
        assert_eq!(
            rules.resolve_ids(&["x"], Some("12")).appeal_window_days,
            180
        );
        let own = PayerRules::from_toml("[payer.x]\nappeal_window_days = 65\n").unwrap();
        assert_eq!(own.resolve_ids(&["x"], Some("16")).appeal_window_days, 65);
    }

    #[test]
    fn unknown_fields_are_errors() {
        let e = PayerRules::from_toml("[default]\nappeal_days = 3\n").unwrap_err();
        assert!(matches!(e, Error::PayerRules { .. }), "{e}");
        assert!(PayerRules::from_toml("[nonsense]\n").is_err());
    }
}
