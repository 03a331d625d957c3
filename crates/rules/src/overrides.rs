//! User customisation: a TOML override file, and an official code list the user holds.
//!
//! # Override file
//!
//! ```toml
//! # Re-read CARC 16 with no RARC as a coding problem.
//! [carc.16]
//! category = "coding"          # or "none"
//! class = "coding"
//! route = "corrected_claim"
//! appealable = false
//! description = "Claim lacks information"
//!
//! # A (group, CARC) pair.
//! [carc."PR-204"]
//! route = "write_off"
//! note = "our contract forbids billing these"
//!
//! # A RARC.
//! [rarc.N290]
//! route = "corrected_claim"
//! scope = "always"             # or "refine"
//! ```
//!
//! CARC entries accept `kind`, `category`, `class`, `route`, `appealable`, `needs_rarc`,
//! `status`, `description` and `note`; group pairs (`"PR-204"`) accept `kind`, `category`,
//! `class`, `route`, `appealable` and `note`; RARC entries accept `category`, `class`, `route`,
//! `appealable`, `scope`, `status` and `description`. Values use the snake_case names of
//! [`Kind`], [`Category`], [`Class`], [`Route`](crate::Route), [`CodeStatus`] and [`RarcScope`]; `category =
//! "none"` clears a category. Setting `class` without `category` also sets the class's
//! category; setting `class` without `kind` on a CARC also sets the kind the class implies.
//! Once a CARC entry changes the classification (not just the description), the built-in
//! (group, CARC) rows for that code stop applying and the generic group rules take over; write
//! `[carc."PR-45"]`-style entries to say what each group should do.
//! New codes may be added (they start as unknown and take what the entry gives).
//! Unknown fields, sections or values are errors.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::str::FromStr;

use serde::Deserialize;

use crate::codes::{
    Category, Class, CodeStatus, GroupCode, Kind, RarcScope, UnknownValue, code_key, is_rarc_shape,
    normalize_code,
};
use crate::error::Error;
use crate::explain::RuleSet;
use crate::tables::{CarcEntry, GroupOverride, RarcEntry};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct OverrideFile {
    #[serde(default)]
    carc: BTreeMap<String, Spec>,
    #[serde(default)]
    rarc: BTreeMap<String, Spec>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Spec {
    kind: Option<String>,
    category: Option<String>,
    class: Option<String>,
    route: Option<String>,
    appealable: Option<bool>,
    needs_rarc: Option<bool>,
    scope: Option<String>,
    status: Option<String>,
    description: Option<String>,
    note: Option<String>,
}

/// The kind a class implies when an override changes the class but not the kind.
fn kind_for_class(class: Class) -> Kind {
    match class {
        Class::Contractual => Kind::Contractual,
        Class::PatientResponsibility => Kind::PatientResponsibility,
        Class::Informational | Class::Pending => Kind::Informational,
        Class::Unknown => Kind::Unknown,
        _ => Kind::Denial,
    }
}

/// Reports an override problem for one entry.
struct Ctx<'a> {
    section: &'static str,
    key: &'a str,
}

impl Ctx<'_> {
    fn err(&self, message: impl Into<String>) -> Error {
        Error::Override {
            section: self.section,
            key: self.key.to_string(),
            message: message.into(),
        }
    }

    fn value<T: FromStr<Err = UnknownValue>>(&self, field: &str, text: &str) -> Result<T, Error> {
        text.parse::<T>()
            .map_err(|e| self.err(format!("{field} = {text:?}: {e}")))
    }

    /// `"none"` or `"-"` → `None`.
    fn category(&self, text: &str) -> Result<Option<Category>, Error> {
        match text {
            "none" | "-" => Ok(None),
            _ => self.value("category", text).map(Some),
        }
    }

    fn forbid(&self, name: &str, present: bool) -> Result<(), Error> {
        if present {
            Err(self.err(format!("field {name} is not allowed here")))
        } else {
            Ok(())
        }
    }

    /// Checks a code key and returns it normalised.
    fn code(&self, text: &str, want_rarc: bool) -> Result<String, Error> {
        let code = normalize_code(text);
        if code_key(&code).is_none() {
            return Err(self.err("not a code (one or two letters, then digits)"));
        }
        if is_rarc_shape(&code) != want_rarc {
            return Err(self.err(if want_rarc {
                "RARCs start with M, MA or N"
            } else {
                "this looks like a RARC; put it under [rarc]"
            }));
        }
        Ok(code)
    }
}

impl RuleSet {
    /// Applies a TOML override file on top of this rule set and returns the result.
    ///
    /// See the [`overrides` module docs](crate::overrides) for the format. Later files win
    /// over earlier ones; each entry starts from the reading currently in effect.
    ///
    /// ```
    /// use denali_rules::{Category, RuleSet};
    ///
    /// let rules = RuleSet::default()
    ///     .with_overrides_toml("[carc.16]\ncategory = \"coding\"\n")
    ///     .unwrap();
    /// assert_eq!(rules.explain(Some("CO"), Some("16"), &[]).category, Some(Category::Coding));
    /// ```
    pub fn with_overrides_toml(mut self, text: &str) -> Result<RuleSet, Error> {
        let file: OverrideFile = toml::from_str(text).map_err(|e| Error::Toml {
            message: e.to_string(),
        })?;
        for (key, spec) in &file.carc {
            let ctx = Ctx {
                section: "carc",
                key,
            };
            match key.split_once(['-', ':']) {
                Some((group, code)) => self.apply_group(&ctx, group, code, spec)?,
                None => self.apply_carc(&ctx, spec)?,
            }
        }
        for (key, spec) in &file.rarc {
            let ctx = Ctx {
                section: "rarc",
                key,
            };
            self.apply_rarc(&ctx, spec)?;
        }
        Ok(self)
    }

    fn apply_carc(&mut self, ctx: &Ctx<'_>, spec: &Spec) -> Result<(), Error> {
        ctx.forbid("scope", spec.scope.is_some())?;
        let code = ctx.code(ctx.key, false)?;
        let mut entry = self
            .carc(&code)
            .cloned()
            .unwrap_or_else(|| CarcEntry::blank(code.clone()));
        if let Some(class) = &spec.class {
            let class: Class = ctx.value("class", class)?;
            entry.class = class;
            entry.category = class.category();
            entry.kind = kind_for_class(class);
        }
        if let Some(kind) = &spec.kind {
            entry.kind = ctx.value("kind", kind)?;
        }
        if let Some(category) = &spec.category {
            entry.category = ctx.category(category)?;
        }
        if let Some(route) = &spec.route {
            entry.route = ctx.value("route", route)?;
        }
        if let Some(appealable) = spec.appealable {
            entry.appealable = appealable;
        }
        if let Some(needs_rarc) = spec.needs_rarc {
            entry.needs_rarc = needs_rarc;
        }
        let reclassified = spec.kind.is_some()
            || spec.class.is_some()
            || spec.category.is_some()
            || spec.route.is_some()
            || spec.appealable.is_some();
        if reclassified {
            self.reclassified.insert(code.clone());
        }
        if let Some(status) = &spec.status {
            entry.status = ctx.value::<CodeStatus>("status", status)?;
        }
        if let Some(description) = &spec.description {
            entry.description = Cow::Owned(description.clone());
        }
        if let Some(note) = &spec.note {
            entry.note = Some(Cow::Owned(note.clone()));
        }
        self.carcs.insert(code, entry);
        Ok(())
    }

    fn apply_group(
        &mut self,
        ctx: &Ctx<'_>,
        group: &str,
        code: &str,
        spec: &Spec,
    ) -> Result<(), Error> {
        ctx.forbid("needs_rarc", spec.needs_rarc.is_some())?;
        ctx.forbid("scope", spec.scope.is_some())?;
        ctx.forbid("status", spec.status.is_some())?;
        ctx.forbid("description", spec.description.is_some())?;
        let group = GroupCode::parse(group);
        if !group.is_known() {
            return Err(ctx.err("group must be CO, PR, OA, PI or CR"));
        }
        let code = ctx.code(code, false)?;
        let mut o = self
            .group_override(&group, &code)
            .cloned()
            .unwrap_or_else(|| GroupOverride::blank(group.clone(), code.clone()));
        if let Some(kind) = &spec.kind {
            o.kind = Some(ctx.value("kind", kind)?);
        }
        if let Some(class) = &spec.class {
            o.class = Some(ctx.value("class", class)?);
        }
        if let Some(category) = &spec.category {
            o.category = Some(ctx.category(category)?);
        }
        if let Some(route) = &spec.route {
            o.route = Some(ctx.value("route", route)?);
        }
        if let Some(appealable) = spec.appealable {
            o.appealable = Some(appealable);
        }
        if let Some(note) = &spec.note {
            o.note = Some(Cow::Owned(note.clone()));
        }
        self.groups.insert((group, code), o);
        Ok(())
    }

    fn apply_rarc(&mut self, ctx: &Ctx<'_>, spec: &Spec) -> Result<(), Error> {
        ctx.forbid("kind", spec.kind.is_some())?;
        ctx.forbid("needs_rarc", spec.needs_rarc.is_some())?;
        ctx.forbid("note", spec.note.is_some())?;
        let code = ctx.code(ctx.key, true)?;
        let mut entry = self
            .rarc(&code)
            .cloned()
            .unwrap_or_else(|| RarcEntry::blank(code.clone()));
        if let Some(class) = &spec.class {
            let class = match class.as_str() {
                "none" | "-" => None,
                text => Some(ctx.value::<Class>("class", text)?),
            };
            entry.class = class;
            entry.category = class.and_then(Class::category);
        }
        if let Some(category) = &spec.category {
            entry.category = ctx.category(category)?;
        }
        if let Some(route) = &spec.route {
            entry.route = match route.as_str() {
                "none" | "-" => None,
                text => Some(ctx.value("route", text)?),
            };
        }
        if let Some(appealable) = spec.appealable {
            entry.appealable = Some(appealable);
        }
        if let Some(scope) = &spec.scope {
            entry.scope = ctx.value::<RarcScope>("scope", scope)?;
        }
        if let Some(status) = &spec.status {
            entry.status = ctx.value::<CodeStatus>("status", status)?;
        }
        if let Some(description) = &spec.description {
            entry.description = Cow::Owned(description.clone());
        }
        self.rarcs.insert(code, entry);
        Ok(())
    }

    /// Loads descriptions from an official code list the user holds (for instance a CSV saved
    /// from x12.org), to show instead of our paraphrases. Returns how many codes were loaded.
    ///
    /// Each line is `code<TAB>description` or `code,description` (CSV quoting with `"` is
    /// understood); further columns, such as start/stop dates, are ignored. Blank lines and
    /// lines starting with `#` are skipped, as is a first row whose code column is a title
    /// (`Code`, `CARC`, `RARC`, ...). CARCs and RARCs may be mixed: RARCs start with M, MA or N.
    /// Descriptions only change what is displayed, never the classification.
    ///
    /// ```
    /// use denali_rules::RuleSet;
    ///
    /// let mut rules = RuleSet::default();
    /// let n = rules.load_code_descriptions("Code,Description\n16,\"Official text, quoted\"\n").unwrap();
    /// assert_eq!(n, 1);
    /// assert_eq!(rules.description("16"), Some("Official text, quoted"));
    /// ```
    pub fn load_code_descriptions(&mut self, text: &str) -> Result<usize, Error> {
        let mut loaded = Vec::new();
        let mut first_row = true;
        for (index, raw) in text.lines().enumerate() {
            let line_no = index + 1;
            let line = raw.strip_prefix('\u{feff}').unwrap_or(raw);
            let line = line.strip_suffix('\r').unwrap_or(line);
            if line.trim().is_empty() || line.trim_start().starts_with('#') {
                continue;
            }
            let bad = |message: &str| Error::Table {
                line: line_no,
                message: message.to_string(),
            };
            let fields = if line.contains('\t') {
                line.split('\t').map(str::to_string).collect()
            } else {
                split_csv(line).map_err(&bad)?
            };
            let mut fields = fields.into_iter();
            let code = fields.next().unwrap_or_default();
            let description = fields.next().unwrap_or_default();
            let code = code.trim();
            let is_first = std::mem::replace(&mut first_row, false);
            if is_first && is_title(code) {
                continue;
            }
            let normalized = normalize_code(code);
            if code_key(&normalized).is_none() {
                return Err(bad(&format!("{code:?} is not a code")));
            }
            let description = description.trim();
            if description.is_empty() {
                return Err(bad("expected a code and a description"));
            }
            loaded.push((normalized, description.to_string()));
        }
        let count = loaded.len();
        self.descriptions.extend(loaded);
        Ok(count)
    }
}

fn is_title(field: &str) -> bool {
    let lower = field.to_ascii_lowercase();
    lower.contains("code") || lower == "carc" || lower == "rarc" || lower == "id"
}

/// Splits one CSV line into fields: commas separate, `"` quotes, `""` inside quotes is a quote.
fn split_csv(line: &str) -> Result<Vec<String>, &'static str> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut chars = line.chars().peekable();
    let mut in_quotes = false;
    while let Some(c) = chars.next() {
        match (in_quotes, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => in_quotes = false,
            (true, c) => field.push(c),
            (false, '"') if field.trim().is_empty() => {
                field.clear();
                in_quotes = true;
            }
            (false, ',') => fields.push(std::mem::take(&mut field)),
            (false, c) => field.push(c),
        }
    }
    if in_quotes {
        return Err("unterminated quoted field");
    }
    fields.push(field);
    Ok(fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_splitting() {
        assert_eq!(split_csv("a,b").unwrap(), ["a", "b"]);
        assert_eq!(
            split_csv("16,\"x, y\",2020").unwrap(),
            ["16", "x, y", "2020"]
        );
        assert_eq!(
            split_csv("1,\"say \"\"hi\"\"\"").unwrap(),
            ["1", "say \"hi\""]
        );
        assert_eq!(split_csv("1, \"q\"").unwrap(), ["1", "q"]);
        assert!(split_csv("1,\"open").is_err());
        assert_eq!(split_csv("").unwrap(), [""]);
    }
}
