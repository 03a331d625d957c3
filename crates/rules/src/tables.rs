//! The compiled-in CARC, RARC and group-override tables.
//!
//! The source of truth is three tab-separated files in `crates/rules/data/` (readable, reviewed
//! like code), pulled in with `include_str!` and parsed once, on first use, into sorted static
//! slices. Lookups normalise the code and binary-search by its (prefix, number) key, so `2`
//! sorts before `10` and `B7` before `B10`.
//!
//! What must change together: the column lists below ([`CARC_COLUMNS`] and friends), the header
//! line of each TSV, and the row parsers. The tests in `tests/tables.rs` call
//! [`builtin_table_errors`] and fail on any malformed, unsorted or duplicate row, so a bad edit
//! to a TSV cannot slip through; at run time a malformed row is skipped rather than panicking.

use std::borrow::Cow;
use std::sync::LazyLock;

use serde::Serialize;

use crate::codes::{
    Category, Class, CodeStatus, GroupCode, Kind, RarcScope, Route, code_key, is_rarc_shape,
    normalize_code, normalized,
};
use crate::error::Error;

const CARC_TSV: &str = include_str!("../data/carc.tsv");
const RARC_TSV: &str = include_str!("../data/rarc.tsv");
const GROUP_TSV: &str = include_str!("../data/group_overrides.tsv");

/// Header of `data/carc.tsv`.
pub const CARC_COLUMNS: &[&str] = &[
    "code",
    "status",
    "kind",
    "category",
    "class",
    "route",
    "appealable",
    "needs_rarc",
    "description",
    "note",
];
/// Header of `data/rarc.tsv`.
pub const RARC_COLUMNS: &[&str] = &[
    "code",
    "status",
    "category",
    "class",
    "route",
    "appealable",
    "scope",
    "description",
];
/// Header of `data/group_overrides.tsv`.
pub const GROUP_COLUMNS: &[&str] = &[
    "group",
    "carc",
    "kind",
    "category",
    "class",
    "route",
    "appealable",
    "note",
];

/// How Denali reads one Claim Adjustment Reason Code on its own (before group and RARC rules).
///
/// The reading is the default, provider-side one (as under group CO); see
/// [`GroupOverride`] for pairs such as PR-45.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CarcEntry {
    /// The code, e.g. `"16"`, `"B7"`, `"P12"`.
    pub code: Cow<'static, str>,
    /// Active or retired (retired codes keep a reading for old remittances).
    pub status: CodeStatus,
    /// Denial, contractual, patient responsibility or informational.
    pub kind: Kind,
    /// Denial category; `None` unless `kind` is a denial (or the code is unclassified).
    pub category: Option<Category>,
    /// Finer class.
    pub class: Class,
    /// Default next action.
    pub route: Route,
    /// Whether an appeal is a sensible route by default.
    pub appealable: bool,
    /// Whether the code cannot be classified without a RARC (16, 96, A1, ...).
    pub needs_rarc: bool,
    /// Our own short paraphrase (not the X12 text).
    pub description: Cow<'static, str>,
    /// Optional working note (what to check, what the group changes).
    pub note: Option<Cow<'static, str>>,
}

/// How one Remittance Advice Remark Code refines a CARC reading. `None` fields leave the reading
/// unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct RarcEntry {
    /// The code, e.g. `"N290"`, `"MA130"`, `"M51"`.
    pub code: Cow<'static, str>,
    /// Active or retired.
    pub status: CodeStatus,
    /// Category it refines to.
    pub category: Option<Category>,
    /// Class it refines to.
    pub class: Option<Class>,
    /// Route it sets.
    pub route: Option<Route>,
    /// Appealability it sets.
    pub appealable: Option<bool>,
    /// Whether route/appealable apply to every CARC or only when refining.
    pub scope: RarcScope,
    /// Our own short paraphrase (not the CMS text).
    pub description: Cow<'static, str>,
}

/// How a (group, CARC) pair changes the CARC reading, e.g. PR-45 → patient responsibility.
/// `None` fields keep the value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct GroupOverride {
    /// The adjustment group.
    pub group: GroupCode,
    /// The CARC.
    pub carc: Cow<'static, str>,
    /// New kind.
    pub kind: Option<Kind>,
    /// New category: `None` keeps it, `Some(None)` clears it, `Some(Some(c))` sets it.
    pub category: Option<Option<Category>>,
    /// New class.
    pub class: Option<Class>,
    /// New route.
    pub route: Option<Route>,
    /// New appealability.
    pub appealable: Option<bool>,
    /// Why: shown in the explanation's reason.
    pub note: Option<Cow<'static, str>>,
}

impl CarcEntry {
    /// A template for a code added by a user override: nothing known yet.
    pub(crate) fn blank(code: String) -> CarcEntry {
        CarcEntry {
            code: Cow::Owned(code),
            status: CodeStatus::Active,
            kind: Kind::Unknown,
            category: None,
            class: Class::Unknown,
            route: Route::Review,
            appealable: false,
            needs_rarc: false,
            description: Cow::Borrowed("User-defined code"),
            note: None,
        }
    }
}

impl RarcEntry {
    /// A template for a code added by a user override: changes nothing yet.
    pub(crate) fn blank(code: String) -> RarcEntry {
        RarcEntry {
            code: Cow::Owned(code),
            status: CodeStatus::Active,
            category: None,
            class: None,
            route: None,
            appealable: None,
            scope: RarcScope::Refine,
            description: Cow::Borrowed("User-defined code"),
        }
    }
}

impl GroupOverride {
    /// A template for a pair added by a user override: changes nothing yet.
    pub(crate) fn blank(group: GroupCode, carc: String) -> GroupOverride {
        GroupOverride {
            group,
            carc: Cow::Owned(carc),
            kind: None,
            category: None,
            class: None,
            route: None,
            appealable: None,
            note: None,
        }
    }
}

/// A parsed table and the problems met while parsing it.
struct Parsed<T> {
    rows: Vec<T>,
    errors: Vec<Error>,
    /// `rows[i].sort_key()`, worked out once: binary searches compare these instead of
    /// re-splitting every probed row's code.
    keys: Vec<(String, String, u32)>,
}

static CARCS: LazyLock<Parsed<CarcEntry>> =
    LazyLock::new(|| finish(parse_rows(CARC_TSV, CARC_COLUMNS, carc_row)));
static RARCS: LazyLock<Parsed<RarcEntry>> =
    LazyLock::new(|| finish(parse_rows(RARC_TSV, RARC_COLUMNS, rarc_row)));
static GROUPS: LazyLock<Parsed<GroupOverride>> =
    LazyLock::new(|| finish(parse_rows(GROUP_TSV, GROUP_COLUMNS, group_row)));

/// Sort key of a table row: (group text or "", code prefix, code number).
type SortKey<'a> = (&'a str, &'a str, u32);

/// A row of one of the static tables.
trait TableRow {
    fn sort_key(&self) -> SortKey<'_>;
}

impl TableRow for CarcEntry {
    fn sort_key(&self) -> SortKey<'_> {
        let (prefix, n) = code_key(&self.code).unwrap_or(("", 0));
        ("", prefix, n)
    }
}

impl TableRow for RarcEntry {
    fn sort_key(&self) -> SortKey<'_> {
        let (prefix, n) = code_key(&self.code).unwrap_or(("", 0));
        ("", prefix, n)
    }
}

impl TableRow for GroupOverride {
    fn sort_key(&self) -> SortKey<'_> {
        let (prefix, n) = code_key(&self.carc).unwrap_or(("", 0));
        (self.group.as_str(), prefix, n)
    }
}

/// Checks the rows are strictly increasing (sorted, no duplicates); records an error for each
/// violation, then sorts and de-duplicates anyway so binary search stays correct.
fn finish<T: TableRow>(mut parsed: Parsed<T>) -> Parsed<T> {
    for pair in parsed.rows.windows(2) {
        if let [a, b] = pair
            && a.sort_key() >= b.sort_key()
        {
            parsed.errors.push(Error::Table {
                line: 0,
                message: format!(
                    "row {:?} is out of order or repeats the row before ({:?})",
                    b.sort_key(),
                    a.sort_key()
                ),
            });
        }
    }
    parsed.rows.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    parsed.rows.dedup_by(|a, b| a.sort_key() == b.sort_key());
    parsed.keys = parsed
        .rows
        .iter()
        .map(|r| {
            let (g, p, n) = r.sort_key();
            (g.to_string(), p.to_string(), n)
        })
        .collect();
    parsed
}

/// Splits a TSV text into rows of fields, checks the header, and converts each row.
/// Blank lines and lines starting with `#` are skipped.
fn parse_rows<T>(
    text: &'static str,
    columns: &[&str],
    convert: fn(&[&'static str]) -> Result<T, String>,
) -> Parsed<T> {
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    let mut header_seen = false;
    for (index, line) in text.lines().enumerate() {
        let line_no = index + 1;
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&'static str> = line.split('\t').collect();
        if !header_seen {
            header_seen = true;
            if fields != columns {
                errors.push(Error::Table {
                    line: line_no,
                    message: format!("header should be: {}", columns.join(" ")),
                });
            }
            continue;
        }
        if fields.len() != columns.len() {
            errors.push(Error::Table {
                line: line_no,
                message: format!("expected {} fields, found {}", columns.len(), fields.len()),
            });
            continue;
        }
        match convert(&fields) {
            Ok(row) => rows.push(row),
            Err(message) => errors.push(Error::Table {
                line: line_no,
                message,
            }),
        }
    }
    Parsed {
        rows,
        errors,
        keys: Vec::new(),
    }
}

fn field<'a>(fields: &[&'a str], i: usize) -> &'a str {
    fields.get(i).copied().unwrap_or("")
}

fn parse_enum<T: std::str::FromStr<Err = crate::codes::UnknownValue>>(
    name: &str,
    text: &str,
) -> Result<T, String> {
    text.parse::<T>()
        .map_err(|e| format!("{name} {text:?}: {e}"))
}

fn parse_opt_enum<T: std::str::FromStr<Err = crate::codes::UnknownValue>>(
    name: &str,
    text: &str,
) -> Result<Option<T>, String> {
    if text == "-" {
        Ok(None)
    } else {
        parse_enum(name, text).map(Some)
    }
}

fn parse_yes_no(name: &str, text: &str) -> Result<bool, String> {
    match text {
        "yes" => Ok(true),
        "no" => Ok(false),
        _ => Err(format!("{name} {text:?}: expected yes or no")),
    }
}

fn parse_opt_yes_no(name: &str, text: &str) -> Result<Option<bool>, String> {
    if text == "-" {
        Ok(None)
    } else {
        parse_yes_no(name, text).map(Some)
    }
}

fn parse_code(text: &'static str, rarc: bool) -> Result<&'static str, String> {
    if code_key(text).is_none() {
        return Err(format!("code {text:?} is not a code (letters then digits)"));
    }
    if normalize_code(text) != text {
        return Err(format!("code {text:?} is not in canonical form"));
    }
    if is_rarc_shape(text) != rarc {
        let want = if rarc { "a RARC" } else { "a CARC" };
        return Err(format!("code {text:?} does not look like {want}"));
    }
    Ok(text)
}

fn non_empty(name: &str, text: &'static str) -> Result<&'static str, String> {
    if text.trim().is_empty() || text == "-" {
        Err(format!("{name} is empty"))
    } else {
        Ok(text)
    }
}

fn carc_row(f: &[&'static str]) -> Result<CarcEntry, String> {
    let entry = CarcEntry {
        code: Cow::Borrowed(parse_code(field(f, 0), false)?),
        status: parse_enum("status", field(f, 1))?,
        kind: parse_enum("kind", field(f, 2))?,
        category: parse_opt_enum("category", field(f, 3))?,
        class: parse_enum("class", field(f, 4))?,
        route: parse_enum("route", field(f, 5))?,
        appealable: parse_yes_no("appealable", field(f, 6))?,
        needs_rarc: parse_yes_no("needs_rarc", field(f, 7))?,
        description: Cow::Borrowed(non_empty("description", field(f, 8))?),
        note: match field(f, 9) {
            "-" => None,
            note => Some(Cow::Borrowed(note)),
        },
    };
    if entry.kind == Kind::Denial {
        if entry.class.category().is_none() && entry.class != Class::Unclassified {
            return Err(format!("a denial cannot have class {}", entry.class));
        }
        if entry.category != entry.class.category() {
            return Err(format!(
                "category {:?} does not match class {} (which rolls up to {:?})",
                entry.category,
                entry.class,
                entry.class.category()
            ));
        }
    } else {
        if entry.category.is_some() {
            return Err(format!("kind {} cannot have a category", entry.kind));
        }
        if !matches!(
            entry.class,
            Class::Contractual
                | Class::PatientResponsibility
                | Class::Informational
                | Class::Pending
                | Class::CoordinationOfBenefits
        ) {
            return Err(format!(
                "kind {} does not fit class {}",
                entry.kind, entry.class
            ));
        }
    }
    Ok(entry)
}

fn rarc_row(f: &[&'static str]) -> Result<RarcEntry, String> {
    let entry = RarcEntry {
        code: Cow::Borrowed(parse_code(field(f, 0), true)?),
        status: parse_enum("status", field(f, 1))?,
        category: parse_opt_enum("category", field(f, 2))?,
        class: parse_opt_enum("class", field(f, 3))?,
        route: parse_opt_enum("route", field(f, 4))?,
        appealable: parse_opt_yes_no("appealable", field(f, 5))?,
        scope: parse_enum("scope", field(f, 6))?,
        description: Cow::Borrowed(non_empty("description", field(f, 7))?),
    };
    if let Some(class) = entry.class
        && class.category() != entry.category
    {
        return Err(format!(
            "category {:?} does not match class {class}",
            entry.category
        ));
    }
    if entry.scope == RarcScope::Refine
        && entry.class.is_none()
        && (entry.route.is_some() || entry.appealable.is_some())
    {
        return Err("a refine-scope RARC that sets a route or appealable must set a class".into());
    }
    Ok(entry)
}

fn group_row(f: &[&'static str]) -> Result<GroupOverride, String> {
    let group = match field(f, 0) {
        g @ ("CO" | "PR" | "OA" | "PI" | "CR") => GroupCode::parse(g),
        g => return Err(format!("group {g:?}: expected CO, PR, OA, PI or CR")),
    };
    Ok(GroupOverride {
        group,
        carc: Cow::Borrowed(parse_code(field(f, 1), false)?),
        kind: parse_opt_enum("kind", field(f, 2))?,
        category: match field(f, 3) {
            "-" => None,
            "none" => Some(None),
            text => Some(Some(parse_enum("category", text)?)),
        },
        class: parse_opt_enum("class", field(f, 4))?,
        route: parse_opt_enum("route", field(f, 5))?,
        appealable: parse_opt_yes_no("appealable", field(f, 6))?,
        note: match field(f, 7) {
            "-" => None,
            note => Some(Cow::Borrowed(note)),
        },
    })
}

fn search<'t, T>(table: &'t Parsed<T>, key: SortKey<'_>) -> Option<&'t T> {
    table
        .keys
        .binary_search_by(|(g, p, n)| (g.as_str(), p.as_str(), *n).cmp(&key))
        .ok()
        .and_then(|i| table.rows.get(i))
}

/// Every built-in CARC, sorted (numeric codes first, then by letter prefix and number).
pub fn carc_table() -> &'static [CarcEntry] {
    &CARCS.rows
}

/// Every built-in RARC, sorted (M, then MA, then N; numerically within each).
pub fn rarc_table() -> &'static [RarcEntry] {
    &RARCS.rows
}

/// Every built-in (group, CARC) override, sorted by group text then CARC.
pub fn group_override_table() -> &'static [GroupOverride] {
    &GROUPS.rows
}

/// Looks a CARC up in the built-in table. Accepts any case and leading zeros (`"045"`).
pub fn lookup_carc(code: &str) -> Option<&'static CarcEntry> {
    let code = normalized(code);
    let (prefix, n) = code_key(&code)?;
    search(&CARCS, ("", prefix, n))
}

/// Looks a RARC up in the built-in table. Accepts any case and leading zeros.
pub fn lookup_rarc(code: &str) -> Option<&'static RarcEntry> {
    let code = normalized(code);
    let (prefix, n) = code_key(&code)?;
    search(&RARCS, ("", prefix, n))
}

/// Looks up the built-in override for a (group, CARC) pair.
pub fn lookup_group_override(group: &GroupCode, carc: &str) -> Option<&'static GroupOverride> {
    let code = normalized(carc);
    let (prefix, n) = code_key(&code)?;
    search(&GROUPS, (group.as_str(), prefix, n))
}

/// Problems found in the compiled-in tables: malformed rows (which are skipped), rows out of
/// order and duplicates. Empty for a well-formed build; the test suite asserts that.
pub fn builtin_table_errors() -> Vec<Error> {
    let tagged = |name: &str, errors: &[Error]| -> Vec<Error> {
        errors
            .iter()
            .map(|e| match e {
                Error::Table { line, message } => Error::Table {
                    line: *line,
                    message: format!("{name}: {message}"),
                },
                other => other.clone(),
            })
            .collect()
    };
    let mut all = tagged("carc.tsv", &CARCS.errors);
    all.extend(tagged("rarc.tsv", &RARCS.errors));
    all.extend(tagged("group_overrides.tsv", &GROUPS.errors));
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_tables_are_clean() {
        let errors = builtin_table_errors();
        assert!(errors.is_empty(), "{errors:#?}");
    }

    #[test]
    fn lookups_normalise() {
        assert_eq!(lookup_carc("045").map(|e| &*e.code), Some("45"));
        assert_eq!(lookup_carc("b7").map(|e| &*e.code), Some("B7"));
        assert_eq!(lookup_rarc("ma130").map(|e| &*e.code), Some("MA130"));
        assert!(lookup_carc("ZZ9").is_none());
        assert!(lookup_carc("").is_none());
        assert!(lookup_rarc("N99999").is_none());
        assert!(lookup_group_override(&GroupCode::Pr, "45").is_some());
        assert!(lookup_group_override(&GroupCode::Pi, "45").is_none());
    }

    #[test]
    fn bad_rows_are_reported_not_panicked() {
        let text: &'static str = "code\tstatus\tkind\tcategory\tclass\troute\tappealable\tneeds_rarc\tdescription\tnote\n\
            1\tactive\tdenial\tcoding\tcoding\tcorrected_claim\tyes\tno\tok\t-\n\
            2\tactive\tdenial\tcoding\tcoding\tfax\tyes\tno\tbad route\t-\n\
            3\tactive\tdenial\n";
        let parsed = parse_rows(text, CARC_COLUMNS, carc_row);
        assert_eq!(parsed.rows.len(), 1);
        assert_eq!(parsed.errors.len(), 2);
        assert!(matches!(parsed.errors[0], Error::Table { line: 3, .. }));
    }
}
