//! Code-level classification: one group code, one CARC and any RARCs → an [`Explanation`].
//!
//! # How a reading is built
//!
//! 1. **CARC table** (`data/carc.tsv`): the default, provider-side reading. An unknown or absent
//!    CARC starts as [`Kind::Unknown`] / [`Class::Unknown`] / [`Route::Review`], not appealable.
//! 2. **RARC refinement**: when the CARC needs a RARC (16, 96, A1, 129, 148, 201, 226, 227, 234,
//!    237, 250–252, 267, 307) or is absent/unknown, the *first* RARC (in the order given) that has
//!    a class sets category, class, and, if it has them, route and appealable (a remark of scope
//!    `always`, such as MA130, only when no other remark classifies). Only denials (and
//!    unknowns) are refined; a RARC on a contractual or patient-responsibility CARC is listed but
//!    changes nothing.
//! 3. **Group**: an explicit (group, CARC) row (`data/group_overrides.tsv`, then user overrides)
//!    wins. Otherwise the generic rules apply:
//!    * **PR** + denial → a *patient-liability denial*: kind stays `denial` (the category keeps
//!      saying why), route becomes `bill_patient`. We keep the denial kind so worklists still
//!      see coverage problems (PR-27, PR-204, PR-50 with an ABN) but route them to the patient.
//!      A reading whose route fixes or redirects the claim (`corrected_claim`, `new_claim`,
//!      `void_and_new`, `bill_other_payer`: PR-31 member not identified, PR-22 another payer
//!      primary) keeps that route: billing the patient for a claim with a wrong member id, or
//!      one another plan owes, comes only after the fix fails.
//!      PR + contractual → patient responsibility, `bill_patient`, not appealable.
//!    * **CO** or **PI** + patient-responsibility CARC → contractual write-off (the patient may
//!      not be billed under CO).
//!    * **CR** (4010 reversals) and **OA** keep the table reading; unknown group text is noted
//!      and ignored.
//! 4. **RARCs with scope `always`** (MA130, N211, N111, MA44, N83, N704): their route applies to
//!    denials and unknowns, and their appealable flag applies to every kind; any `false` wins.
//!    A route that resubmits (MA130's new claim, N704's corrected claim) is not taken for a
//!    duplicate (18) or a timely-filing denial (29): that claim would be denied again.
//!    A reading such a remark makes not appealable is never routed `appeal`: it becomes `review`.
//!
//! Finally only denials (and unknowns) keep a category. The `reason` field lists each step that
//! fired, in order, so a user can see why.

use foldhash::{HashMap, HashSet};

use serde::Serialize;

use crate::args::CodeQuery;
use crate::codes::{
    Category, Class, CodeStatus, GroupCode, Kind, RarcScope, Route, normalize_code, normalized,
};
use crate::tables::{self, CarcEntry, GroupOverride, RarcEntry};

/// The outcome of classifying one adjustment: what it means and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Explanation {
    /// The adjustment group (CAS01), if given.
    pub group: Option<GroupCode>,
    /// The CARC (CAS02/05/...), normalised, if given.
    pub carc: Option<String>,
    /// The RARCs (LQ/MIA/MOA remark codes), normalised, in the order given.
    pub rarcs: Vec<Remark>,
    /// Description of the CARC: a loaded official text if the user supplied one, else ours.
    pub description: String,
    /// Whether the CARC is active or retired; `None` when it is unknown or absent.
    pub status: Option<CodeStatus>,
    /// What the adjustment means for the money.
    pub kind: Kind,
    /// Denial category (only for denials, and for unknowns a RARC could classify).
    pub category: Option<Category>,
    /// Finer class.
    pub class: Class,
    /// Suggested next action.
    pub route: Route,
    /// Whether an appeal is a sensible route.
    pub appealable: bool,
    /// Which rules fired, in order, as readable text.
    pub reason: String,
}

/// One remark code in an [`Explanation`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Remark {
    /// The RARC, normalised.
    pub code: String,
    /// Its description (a loaded official text, else ours); `None` if unknown.
    pub description: Option<String>,
    /// Active or retired; `None` if unknown.
    pub status: Option<CodeStatus>,
}

/// The classification rules: the built-in tables plus any user overrides and loaded
/// descriptions.
///
/// `RuleSet::default()` (or [`RuleSet::builtin`]) is cheap: it only holds what the user changed;
/// the built-in tables are shared statics.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    pub(crate) carcs: HashMap<String, CarcEntry>,
    pub(crate) rarcs: HashMap<String, RarcEntry>,
    pub(crate) groups: HashMap<(GroupCode, String), GroupOverride>,
    /// CARCs whose classification a user override changed: built-in group rows for them no
    /// longer apply (the user's own group rows still do).
    pub(crate) reclassified: HashSet<String>,
    pub(crate) descriptions: HashMap<String, String>,
}

/// The working reading while the steps run.
struct Reading {
    kind: Kind,
    category: Option<Category>,
    class: Class,
    route: Route,
    appealable: bool,
}

impl Reading {
    fn unknown() -> Reading {
        Reading {
            kind: Kind::Unknown,
            category: None,
            class: Class::Unknown,
            route: Route::Review,
            appealable: false,
        }
    }

    fn from_carc(e: &CarcEntry) -> Reading {
        Reading {
            kind: e.kind,
            category: e.category,
            class: e.class,
            route: e.route,
            appealable: e.appealable,
        }
    }

    fn refinable(&self) -> bool {
        matches!(self.kind, Kind::Denial | Kind::Unknown)
    }
}

impl RuleSet {
    /// The built-in rules with no overrides (same as `RuleSet::default()`).
    pub fn builtin() -> RuleSet {
        RuleSet::default()
    }

    /// The CARC reading in effect: a user override if any, else the built-in row.
    pub fn carc(&self, code: &str) -> Option<&CarcEntry> {
        let code = normalized(code);
        self.carcs
            .get(code.as_ref())
            .or_else(|| tables::lookup_carc(&code))
    }

    /// The RARC refinement in effect: a user override if any, else the built-in row.
    pub fn rarc(&self, code: &str) -> Option<&RarcEntry> {
        let code = normalized(code);
        self.rarcs
            .get(code.as_ref())
            .or_else(|| tables::lookup_rarc(&code))
    }

    /// The (group, CARC) override in effect: a user override if any, else the built-in row,
    /// unless a user override re-classified the CARC itself (then the generic group rules apply).
    pub fn group_override(&self, group: &GroupCode, carc: &str) -> Option<&GroupOverride> {
        let code = normalized(carc);
        if !self.groups.is_empty()
            && let Some(o) = self.groups.get(&(group.clone(), code.to_string()))
        {
            return Some(o);
        }
        if self.reclassified.contains(code.as_ref()) {
            return None;
        }
        tables::lookup_group_override(group, &code)
    }

    /// The description to show for a CARC or RARC: a loaded official text if present, else
    /// ours (from an override or the built-in table).
    pub fn description(&self, code: &str) -> Option<&str> {
        let code = normalized(code);
        if let Some(text) = self.descriptions.get(code.as_ref()) {
            return Some(text);
        }
        if crate::codes::is_rarc_shape(&code) {
            self.rarc(&code).map(|r| &*r.description)
        } else {
            self.carc(&code).map(|c| &*c.description)
        }
    }

    /// Classifies a parsed code argument (see [`parse_code_arg`](crate::parse_code_arg)).
    pub fn explain_query(&self, query: &CodeQuery) -> Explanation {
        let rarcs: Vec<&str> = query.rarcs.iter().map(String::as_str).collect();
        self.explain(
            query.group.as_ref().map(GroupCode::as_str),
            query.carc.as_deref(),
            &rarcs,
        )
    }

    /// Classifies one adjustment. Never fails: unknown codes give [`Kind::Unknown`].
    ///
    /// Empty or blank strings count as absent. See the [module docs](self) for the steps.
    pub fn explain(&self, group: Option<&str>, carc: Option<&str>, rarcs: &[&str]) -> Explanation {
        let group = group
            .map(str::trim)
            .filter(|g| !g.is_empty())
            .map(GroupCode::parse);
        let carc = carc.map(normalize_code).filter(|c| !c.is_empty());
        let rarc_codes: Vec<String> = rarcs
            .iter()
            .map(|r| normalize_code(r))
            .filter(|r| !r.is_empty())
            .collect();
        let mut steps: Vec<String> = Vec::new();

        // 1. The CARC table.
        let entry = carc.as_deref().and_then(|c| self.carc(c));
        let mut reading = entry.map_or_else(Reading::unknown, Reading::from_carc);
        let needs_rarc = entry.is_none_or(|e| e.needs_rarc);
        let description = match (carc.as_deref(), entry) {
            (Some(code), Some(e)) => {
                steps.push(format!(
                    "CARC {code}: {} / {}, route {}",
                    e.kind, e.class, e.route
                ));
                if e.status == CodeStatus::Retired {
                    steps.push(format!(
                        "CARC {code} is retired; read as its successor codes would be"
                    ));
                }
                if let Some(note) = &e.note {
                    steps.push(format!("note: {note}"));
                }
                self.description(code).unwrap_or(&e.description).to_string()
            }
            (Some(code), None) => {
                steps.push(format!(
                    "CARC {code} is not in the tables: kind unknown, review by hand"
                ));
                self.descriptions
                    .get(code)
                    .cloned()
                    .unwrap_or_else(|| "Unknown code".to_string())
            }
            (None, _) => {
                steps.push("no CARC given: kind unknown".to_string());
                "No CARC given".to_string()
            }
        };

        // 2. RARC refinement.
        if needs_rarc && reading.refinable() {
            // A remark that names what is wrong (M51 procedure, M76 diagnosis) refines before
            // one that applies whatever the CARC (MA130 unprocessable): that one still sets the
            // route in step 4, and the specific one says what to fix.
            let classifying = |always: bool| {
                rarc_codes.iter().find_map(|c| {
                    self.rarc(c)
                        .filter(|r| r.class.is_some() && (r.scope == RarcScope::Always) == always)
                        .map(|r| (c, r))
                })
            };
            let hit = classifying(false).or_else(|| classifying(true));
            match hit {
                Some((code, r)) => {
                    if let Some(class) = r.class {
                        reading.class = class;
                        reading.category = r.category.or(class.category());
                    }
                    if let Some(route) = r.route {
                        reading.route = route;
                    }
                    if let Some(appealable) = r.appealable {
                        reading.appealable = appealable;
                    }
                    steps.push(format!(
                        "RARC {code} refines it to {}{}, route {}",
                        reading.class,
                        reading
                            .category
                            .map(|c| format!(" ({c})"))
                            .unwrap_or_default(),
                        reading.route
                    ));
                }
                None => {
                    if let Some(code) = carc.as_deref().filter(|_| entry.is_some()) {
                        steps.push(if rarc_codes.is_empty() {
                            format!("CARC {code} needs a RARC to classify and none was given")
                        } else {
                            format!(
                                "CARC {code} needs a RARC to classify and none given refines it"
                            )
                        });
                    }
                }
            }
        }

        // 3. Group.
        if let Some(g) = &group {
            let explicit = carc.as_deref().and_then(|c| self.group_override(g, c));
            match explicit {
                Some(o) => {
                    apply_group_override(&mut reading, o);
                    let pair = format!("{}-{}", g, o.carc);
                    match &o.note {
                        Some(note) => steps.push(format!("{pair}: {note}")),
                        None => steps.push(format!("{pair}: group override applied")),
                    }
                }
                None => generic_group_rule(g, &mut reading, &mut steps),
            }
        }

        // 4. RARCs that apply whatever the CARC.
        let mut forced_no_appeal = false;
        for code in &rarc_codes {
            match self.rarc(code) {
                None => steps.push(format!("RARC {code} is not in the tables")),
                Some(r) if r.scope == RarcScope::Always => {
                    let mut changed = Vec::new();
                    if let Some(route) = r.route
                        && reading.refinable()
                    {
                        if matches!(reading.class, Class::Duplicate | Class::TimelyFiling)
                            && matches!(
                                route,
                                Route::NewClaim | Route::CorrectedClaim | Route::VoidAndNew
                            )
                        {
                            // Sending a duplicate again, or a late claim anew, is denied again.
                            changed.push(format!(
                                "route {route} not taken: a {} is not resubmitted",
                                reading.class
                            ));
                        } else {
                            reading.route = route;
                            changed.push(format!("route {route}"));
                        }
                    }
                    if let Some(appealable) = r.appealable {
                        if !appealable {
                            forced_no_appeal = true;
                        }
                        reading.appealable = appealable && !forced_no_appeal;
                        changed.push(format!(
                            "{}appealable",
                            if reading.appealable { "" } else { "not " }
                        ));
                    }
                    if !changed.is_empty() {
                        steps.push(format!(
                            "RARC {code} ({}): {}",
                            self.description(code).unwrap_or(&r.description),
                            changed.join(", ")
                        ));
                    }
                }
                Some(_) => {}
            }
        }

        // A remark that forbids an appeal (N211) cannot leave the route at `appeal`: a person
        // decides what else can be done.
        if forced_no_appeal && reading.route == Route::Appeal {
            reading.route = Route::Review;
            steps.push("not appealable, so route review instead of appeal".to_string());
        }

        if !matches!(reading.kind, Kind::Denial | Kind::Unknown) {
            reading.category = None;
        }

        let remarks = rarc_codes
            .into_iter()
            .map(|code| {
                let entry = self.rarc(&code);
                Remark {
                    description: self.description(&code).map(str::to_string),
                    status: entry.map(|e| e.status),
                    code,
                }
            })
            .collect();

        Explanation {
            group,
            status: entry.map(|e| e.status),
            carc,
            rarcs: remarks,
            description,
            kind: reading.kind,
            category: reading.category,
            class: reading.class,
            route: reading.route,
            appealable: reading.appealable,
            reason: steps.join("; "),
        }
    }
}

fn apply_group_override(reading: &mut Reading, o: &GroupOverride) {
    if let Some(kind) = o.kind {
        reading.kind = kind;
    }
    if let Some(class) = o.class {
        reading.class = class;
        if o.category.is_none() {
            reading.category = class.category();
        }
    }
    if let Some(category) = o.category {
        reading.category = category;
    }
    if let Some(route) = o.route {
        reading.route = route;
    }
    if let Some(appealable) = o.appealable {
        reading.appealable = appealable;
    }
}

fn generic_group_rule(group: &GroupCode, reading: &mut Reading, steps: &mut Vec<String>) {
    match (group, reading.kind) {
        (GroupCode::Pr, Kind::Denial) => match reading.route {
            // A claim with wrong data, or one another plan should pay, is fixed or sent on first:
            // the patient owes the charge only if the fixed claim is denied again.
            Route::CorrectedClaim | Route::NewClaim | Route::VoidAndNew | Route::BillOtherPayer => {
                steps.push(format!(
                    "PR group: patient-liability denial, but the claim can be put right first ({}); \
                     bill the patient only if that fails",
                    reading.route
                ));
            }
            _ => {
                reading.route = Route::BillPatient;
                steps.push("PR group: patient-liability denial, bill the patient".to_string());
            }
        },
        (GroupCode::Pr, Kind::Contractual) => {
            reading.kind = Kind::PatientResponsibility;
            reading.class = Class::PatientResponsibility;
            reading.route = Route::BillPatient;
            reading.appealable = false;
            steps.push("PR group: the patient owes this adjustment".to_string());
        }
        (GroupCode::Co | GroupCode::Pi, Kind::PatientResponsibility) => {
            reading.kind = Kind::Contractual;
            reading.class = Class::Contractual;
            reading.route = Route::WriteOff;
            reading.appealable = false;
            steps.push(format!(
                "{group} group: the patient may not be billed, write it off"
            ));
        }
        (GroupCode::Co, Kind::Denial) => {
            steps.push("CO group: provider liable, the patient may not be billed".to_string());
        }
        (GroupCode::Pi, Kind::Denial) => {
            steps.push("PI group: payer-initiated reduction, usually contestable".to_string());
        }
        (GroupCode::Cr, _) => {
            steps.push(
                "CR group (4010 correction/reversal): read like the original group".to_string(),
            );
        }
        (GroupCode::Other(text), _) => {
            steps.push(format!("group {text:?} is not an X12 group code: ignored"));
        }
        _ => {}
    }
}
