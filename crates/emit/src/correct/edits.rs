//! The user's edits file (TOML) and the field syntax; see [`Edits`].

use std::fmt;
use std::str::FromStr;

use denali_x12::claim::LoopId;
use serde::Deserialize;

/// An edits file could not be read as TOML of the expected shape.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("edits file: {0}")]
pub struct EditsError(String);

/// Where an edit goes, parsed from its `field` text (see [`Edits`] for the syntax).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Field {
    /// The loop.
    pub loop_id: LoopId,
    /// The service line, 1-based, for line loops (`2400[2]`); `None` when not given.
    pub line: Option<usize>,
    /// The segment id (`NM1`, `REF`, `SV1`…).
    pub segment: String,
    /// The qualifier that picks the segment (`G1` for `REF*G1`), if given.
    pub qualifier: Option<String>,
    /// The element position, 1-based.
    pub element: usize,
    /// The component position, 1-based, when a component is edited.
    pub component: Option<usize>,
}

impl Field {
    /// Whether the loop is a service-line loop (2400 and below).
    pub fn is_line_loop(&self) -> bool {
        is_line_loop(self.loop_id)
    }
}

pub(crate) fn is_line_loop(id: LoopId) -> bool {
    matches!(
        id,
        LoopId::L2400 | LoopId::L2410 | LoopId::L2420(_) | LoopId::L2430
    )
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.loop_id)?;
        if let Some(n) = self.line {
            write!(f, "[{n}]")?;
        }
        write!(f, " {}", self.segment)?;
        if let Some(q) = &self.qualifier {
            write!(f, "*{q} ")?;
        }
        write!(f, "{:02}", self.element)?;
        if let Some(c) = self.component {
            write!(f, "-{c}")?;
        }
        Ok(())
    }
}

/// Parses a loop name (`2010BA`, `2310B`, `2400`…) into a [`LoopId`]; only the loops of a claim
/// and the levels above it.
pub fn parse_loop(s: &str) -> Option<LoopId> {
    let letter = |s: &str, range: std::ops::RangeInclusive<u8>| -> Option<u8> {
        match s.as_bytes() {
            [c] if range.contains(c) => Some(*c),
            _ => None,
        }
    };
    Some(match s {
        "2000A" => LoopId::L2000A,
        "2010AA" => LoopId::L2010AA,
        "2010AB" => LoopId::L2010AB,
        "2010AC" => LoopId::L2010AC,
        "2000B" => LoopId::L2000B,
        "2010BA" => LoopId::L2010BA,
        "2010BB" => LoopId::L2010BB,
        "2000C" => LoopId::L2000C,
        "2010CA" => LoopId::L2010CA,
        "2300" => LoopId::L2300,
        "2320" => LoopId::L2320,
        "2400" => LoopId::L2400,
        "2410" => LoopId::L2410,
        "2430" => LoopId::L2430,
        _ => {
            if let Some(rest) = s.strip_prefix("2310") {
                LoopId::L2310(letter(rest, b'A'..=b'F')?)
            } else if let Some(rest) = s.strip_prefix("2330") {
                LoopId::L2330(letter(rest, b'A'..=b'I')?)
            } else if let Some(rest) = s.strip_prefix("2420") {
                LoopId::L2420(letter(rest, b'A'..=b'H')?)
            } else {
                return None;
            }
        }
    })
}

fn is_segment_id(s: &str) -> bool {
    let b = s.as_bytes();
    (2..=3).contains(&b.len())
        && b.first().is_some_and(u8::is_ascii_uppercase)
        && b.iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

/// `EE` or `EE-C` → (element, component).
fn parse_position(s: &str) -> Option<(usize, Option<usize>)> {
    let (e, c) = match s.split_once('-') {
        Some((e, c)) => (e, Some(c)),
        None => (s, None),
    };
    if e.len() != 2 || !e.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let element: usize = e.parse().ok().filter(|n| *n >= 1)?;
    let component = match c {
        None => None,
        Some(c) if !c.is_empty() && c.len() <= 2 && c.bytes().all(|b| b.is_ascii_digit()) => {
            Some(c.parse::<usize>().ok().filter(|n| *n >= 1)?)
        }
        Some(_) => return None,
    };
    Some((element, component))
}

/// The element a qualified segment's value is in, when the position is left out.
fn default_element(segment: &str) -> Option<usize> {
    match segment {
        "REF" | "AMT" | "QTY" => Some(2),
        "DTP" => Some(3),
        "NM1" => Some(9),
        _ => None,
    }
}

impl FromStr for Field {
    type Err = String;

    fn from_str(text: &str) -> Result<Field, String> {
        let text = text.trim();
        let (loop_part, rest) = text.split_once(char::is_whitespace).ok_or_else(|| {
            format!("{text:?}: expected `LOOP SEGMENT...`, e.g. `2300 REF*G1` or `2010BA NM109`")
        })?;
        let rest = rest.trim();
        let (loop_name, line) = match loop_part.split_once('[') {
            Some((name, idx)) => {
                let n = idx
                    .strip_suffix(']')
                    .and_then(|n| n.parse::<usize>().ok())
                    .filter(|n| *n >= 1)
                    .ok_or_else(|| {
                        format!("{loop_part:?}: the line number must be `[1]`, `[2]`…")
                    })?;
                (name, Some(n))
            }
            None => (loop_part, None),
        };
        let loop_id = parse_loop(loop_name).ok_or_else(|| {
            format!("{loop_name:?} is not a claim loop (2010AA, 2010BA, 2010BB, 2300, 2310A-F, 2400, 2420A-H…)")
        })?;
        if line.is_some() && !is_line_loop(loop_id) {
            return Err(format!(
                "{loop_part:?}: only service-line loops (2400, 2410, 2420x, 2430) take a line number"
            ));
        }
        let (segment, qualifier, position) = match rest.split_once('*') {
            Some((seg, after)) => {
                let mut words = after.split_whitespace();
                let q = words.next().unwrap_or("");
                let pos = words.next();
                if words.next().is_some() || q.is_empty() {
                    return Err(format!("{rest:?}: expected `SEG*QUALIFIER [EE[-C]]`"));
                }
                (
                    seg.to_string(),
                    Some(q.to_string()),
                    pos.map(str::to_string),
                )
            }
            None => {
                let mut words = rest.split_whitespace();
                let first = words.next().unwrap_or("");
                match (words.next(), words.next()) {
                    (Some(pos), None) => (first.to_string(), None, Some(pos.to_string())),
                    (None, None) => {
                        // SEGEE[-C]: the element is the two digits before any `-C`.
                        let (head, comp) = match first.split_once('-') {
                            Some((h, c)) => (h, Some(c)),
                            None => (first, None),
                        };
                        let cut = head.len().checked_sub(2).filter(|c| *c >= 2);
                        let (seg, el) = match cut
                            .and_then(|c| Some((head.get(..c)?, head.get(c..)?)))
                        {
                            Some(x) => x,
                            None => {
                                return Err(format!(
                                    "{rest:?}: expected a segment id and element, e.g. `NM109` or `SV101-3`"
                                ));
                            }
                        };
                        let pos = match comp {
                            Some(c) => format!("{el}-{c}"),
                            None => el.to_string(),
                        };
                        (seg.to_string(), None, Some(pos))
                    }
                    _ => return Err(format!("{rest:?}: too many words")),
                }
            }
        };
        if !is_segment_id(&segment) {
            return Err(format!("{segment:?} is not a segment id"));
        }
        if let Some(q) = &qualifier
            && (q.len() > 3 || !q.bytes().all(|b| b.is_ascii_alphanumeric()))
        {
            return Err(format!("{q:?} is not a qualifier"));
        }
        let (element, component) = match position {
            Some(p) => parse_position(&p)
                .ok_or_else(|| format!("{p:?}: the element position is two digits with an optional component, e.g. `09` or `01-3`"))?,
            None => (
                default_element(&segment)
                    .ok_or_else(|| format!("{rest:?}: give the element position, e.g. `{segment}*{} 02`", qualifier.as_deref().unwrap_or("Q")))?,
                None,
            ),
        };
        if qualifier.is_none() && matches!(segment.as_str(), "REF" | "DTP" | "AMT" | "QTY") {
            return Err(format!(
                "{rest:?}: {segment} needs its qualifier, e.g. `{segment}*G1`"
            ));
        }
        let field = Field {
            loop_id,
            line,
            segment,
            qualifier,
            element,
            component,
        };
        check_editable(&field)?;
        Ok(field)
    }
}

fn check_editable(f: &Field) -> Result<(), String> {
    match (f.segment.as_str(), f.element, f.component) {
        ("CLM", 5, Some(3) | None) => Err(
            "CLM05-3 (frequency) follows the route: 7 replacement, 8 void, 1 new claim".to_string(),
        ),
        ("HL", _, _) => Err("HL segments are renumbered when the file is written".to_string()),
        _ => Ok(()),
    }
}

/// One edit: a claim, a field, a value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    /// Position in the file (1-based), for messages.
    pub index: usize,
    /// The claim key: CLM01 (= CLP01).
    pub claim: String,
    /// The field as written.
    pub field_text: String,
    /// The parsed field, or why it does not parse.
    pub field: Result<Field, String>,
    /// The value ("" clears).
    pub value: String,
}

impl Edit {
    /// Whether the edit names the payer's claim number of the original (2300 REF*F8) with a
    /// value an element can hold. A value that cannot (a line break, tab or other control
    /// character, text that is not ASCII) is not taken as the claim number: the edit is then
    /// applied like any other, and refused with the reason.
    pub fn is_original_reference(&self) -> bool {
        super::apply::text_problem(&self.value).is_none()
            && self.field.as_ref().is_ok_and(|f| {
                f.loop_id == LoopId::L2300
                    && f.segment == "REF"
                    && f.qualifier.as_deref() == Some("F8")
            })
    }
}

/// The user's edits file: values only a person knows, one `[[edit]]` table per change.
///
/// ```toml
/// [[edit]]
/// claim = "PCN1003"          # CLM01 (= the 835's CLP01)
/// field = "2300 REF*G1"      # where, see below
/// value = "AUTH778812"       # the new value ("" clears it; "" as a REF/DTP/AMT value removes the segment)
/// ```
///
/// # Field syntax
///
/// `LOOP[n] SEGMENT[*QUALIFIER][ ]EE[-C]`:
///
/// * `LOOP`: an 837 loop of the claim or of the levels above it: `2000A`, `2010AA`, `2010AB`,
///   `2010AC`, `2000B`, `2010BA`, `2010BB`, `2000C`, `2010CA`, `2300`, `2310A`–`2310F`, `2320`,
///   `2330A`–`2330I`, `2400`, `2410`, `2420A`–`2420H`, `2430`.
/// * `[n]`: which service line (1 = the claim's first 2400 loop), for `2400`, `2410`, `2420x` and
///   `2430`; it may be left out when the claim has one line.
/// * `SEGMENT`: the segment id; `*QUALIFIER` picks one of several (element 1, for `HI` the code
///   list qualifier HI01-1, for `LIN` LIN02). `REF`, `DTP`, `AMT` and `QTY` need it.
/// * `EE`: the element position, two digits, written right after the id (`NM109`, `CLM05-3`) or
///   after a space (`NM1*82 09`); `-C` picks a component (`SV101-3` is the first modifier).
///   With a qualifier and no position, `REF`, `AMT` and `QTY` mean element 02, `DTP` 03, `NM1` 09.
///
/// Examples: `2010BA NM109` (member ID), `2300 REF*G1`, `2400[2] SV101-4`, `2300 HI01-2`,
/// `2310B NM103`, `2400[1] DTP*472`, `2010AA REF*EI`.
///
/// Not editable: `CLM05-3` and `REF*F8` follow the route (an edit of `2300 REF*F8` gives the
/// payer's claim number a replacement or void refers to, instead of CLP07; needed when the 835
/// has none), `HL` is renumbered, and the header, submitter and receiver belong to the envelope.
///
/// Every edit is kept in file order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Edits {
    edits: Vec<Edit>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileShape {
    #[serde(default)]
    edit: Vec<RawEdit>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEdit {
    claim: String,
    field: String,
    value: String,
}

impl Edits {
    /// No edits.
    pub fn new() -> Edits {
        Edits::default()
    }

    /// Reads an edits file. A field that does not parse is kept with its error (see
    /// [`Edits::invalid`]); the claim it names is then not written.
    ///
    /// ```
    /// use denali_emit::correct::Edits;
    ///
    /// let e = Edits::from_toml("[[edit]]\nclaim = \"PCN1\"\nfield = \"2400[2] SV101-3\"\nvalue = \"59\"\n").unwrap();
    /// let f = e.iter().next().unwrap().field.clone().unwrap();
    /// assert_eq!((f.line, f.segment.as_str(), f.element, f.component), (Some(2), "SV1", 1, Some(3)));
    /// assert!(Edits::from_toml("[[edit]]\nclaim = \"PCN1\"\nfield = \"2300 REF02\"\nvalue = \"X\"\n").unwrap().invalid().next().is_some());
    /// ```
    ///
    /// # Errors
    /// TOML that does not parse, unknown keys, or a missing `claim`, `field` or `value`.
    pub fn from_toml(text: &str) -> Result<Edits, EditsError> {
        let shape: FileShape = toml::from_str(text).map_err(|e| EditsError(e.to_string()))?;
        let mut edits = Edits::new();
        for raw in shape.edit {
            edits.push(raw.claim, &raw.field, raw.value);
        }
        Ok(edits)
    }

    /// Adds an edit (the field is parsed here; a bad one is kept with its error).
    pub fn push(&mut self, claim: impl Into<String>, field: &str, value: impl Into<String>) {
        let claim: String = claim.into();
        let parsed = if claim.trim().is_empty() {
            Err("the claim key is empty".to_string())
        } else {
            field.parse::<Field>()
        };
        self.edits.push(Edit {
            index: self.edits.len() + 1,
            claim: claim.trim().to_string(),
            field_text: field.to_string(),
            field: parsed,
            value: value.into(),
        });
    }

    /// Every edit in order.
    pub fn iter(&self) -> impl Iterator<Item = &Edit> + '_ {
        self.edits.iter()
    }

    /// The edits of one claim, in order.
    pub fn for_claim<'a>(&'a self, claim: &'a str) -> impl Iterator<Item = &'a Edit> + 'a {
        self.edits.iter().filter(move |e| e.claim == claim)
    }

    /// The edits whose field does not parse.
    pub fn invalid(&self) -> impl Iterator<Item = &Edit> + '_ {
        self.edits.iter().filter(|e| e.field.is_err())
    }

    /// The number of edits.
    pub fn len(&self) -> usize {
        self.edits.len()
    }

    /// Whether there is no edit.
    pub fn is_empty(&self) -> bool {
        self.edits.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(s: &str) -> Field {
        s.parse().unwrap()
    }

    #[test]
    fn fields() {
        let x = f("2300 REF*G1");
        assert_eq!(
            (
                x.loop_id,
                x.segment.as_str(),
                x.qualifier.as_deref(),
                x.element
            ),
            (LoopId::L2300, "REF", Some("G1"), 2)
        );
        let x = f("2010BA NM109");
        assert_eq!(
            (
                x.loop_id,
                x.segment.as_str(),
                x.qualifier,
                x.element,
                x.component
            ),
            (LoopId::L2010BA, "NM1", None, 9, None)
        );
        let x = f("2400[1] SV101-3");
        assert_eq!(
            (x.line, x.segment.as_str(), x.element, x.component),
            (Some(1), "SV1", 1, Some(3))
        );
        let x = f("2310B NM1*82 09");
        assert_eq!(
            (x.loop_id, x.qualifier.as_deref(), x.element),
            (LoopId::L2310(b'B'), Some("82"), 9)
        );
        let x = f("2300 HI01-2");
        assert_eq!(
            (x.segment.as_str(), x.element, x.component),
            ("HI", 1, Some(2))
        );
        let x = f("2400[2] DTP*472");
        assert_eq!((x.segment.as_str(), x.element), ("DTP", 3));
        assert_eq!(f("2010BA N301").segment, "N3");
        assert_eq!(f("2300 CL101").segment, "CL1");
        assert_eq!(f("2420A[3] NM1 09").line, Some(3));
        assert_eq!(f("2400[1] SV101-3").to_string(), "2400[1] SV101-3");
        assert_eq!(f("2300 REF*G1").to_string(), "2300 REF*G1 02");
    }

    #[test]
    fn bad_fields() {
        for bad in [
            "",
            "2300",
            "9999 REF*G1",
            "2300 REF02",
            "2300 ref*G1",
            "2300 CLM05-3",
            "2300 CLM05",
            "2300[1] REF*G1",
            "2400[0] SV101",
            "2400[x] SV101",
            "2000B HL04",
            "2300 PWK*",
            "2300 N9",
            "2310G NM109",
            "2300 SV1001",
            "2300 REF*G1 2",
            "2300 NM1 09 10",
            "2300 PWK*01",
        ] {
            assert!(bad.parse::<Field>().is_err(), "{bad:?} parsed");
        }
    }

    #[test]
    fn toml() {
        let e = Edits::from_toml("[[edit]]\nclaim = \"A\"\nfield = \"2300 REF*G1\"\nvalue = \"X\"\n[[edit]]\nclaim = \"B\"\nfield = \"nonsense\"\nvalue = \"Y\"\n").unwrap();
        assert_eq!(e.len(), 2);
        assert_eq!(e.invalid().count(), 1);
        assert_eq!(e.for_claim("A").count(), 1);
        assert!(Edits::from_toml("[[edit]]\nclaim = \"A\"\nfield = \"2300 REF*G1\"\n").is_err());
        assert!(
            Edits::from_toml(
                "[[edit]]\nclaim = \"A\"\nfield = \"2300 REF*G1\"\nvalue = \"X\"\nextra = 1\n"
            )
            .is_err()
        );
        assert!(Edits::from_toml("").unwrap().is_empty());
    }
}
