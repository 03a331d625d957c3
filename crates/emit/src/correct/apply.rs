//! Changing one element of a claim taken out of its file ([`ClaimWithContext`]): find the loop
//! (adding a provider loop 2310x/2420x when a value is set in one the claim lacks), find the
//! segment by id and qualifier (adding it in its TR3 place when needed), and rewrite the element
//! or component. Once all of a claim's changes are made, [`incomplete_composites`] finds the
//! code composites they left in a state the implementation guide rejects (see
//! `CODE_COMPOSITES`), so a composite may be built up over several edits.

use std::fmt;
use std::ops::RangeInclusive;

use denali_x12::claim::{
    ClaimKind, ClaimWithContext, Gap, GapRef, LineEnd, Loop, LoopId, OwnedSegment, delimiter_name,
};
use denali_x12::{Delimiters, Segment};

use crate::edit;

/// A location in a claim and the levels above it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Loc {
    pub loop_id: LoopId,
    /// 0-based index among the claim's 2400 loops, for line loops.
    pub line: Option<usize>,
    pub segment: String,
    pub qualifier: Option<String>,
    pub element: usize,
    pub component: Option<usize>,
}

impl fmt::Display for Loc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.loop_id)?;
        if let Some(n) = self.line {
            write!(f, "[{}]", n + 1)?;
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

/// What a change did: the value before and after (`None`: absent).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Applied {
    pub old: Option<String>,
    pub new: Option<String>,
    /// A provider loop was added for it.
    pub new_loop: Option<LoopId>,
}

/// Segments whose value element, set to "", removes the whole segment.
fn value_element(segment: &str) -> Option<usize> {
    match segment {
        "REF" | "AMT" | "QTY" | "NTE" => Some(2),
        "DTP" => Some(3),
        _ => None,
    }
}

/// The qualifier that picks a segment: element 1, HI01-1, LIN02.
fn qualifier_of<'a>(seg: &denali_x12::Segment<'a>) -> &'a [u8] {
    match seg.id().as_bytes() {
        b"HI" => seg.element(1).map(|e| e.component(1)).unwrap_or(&[]),
        b"LIN" => seg.get(2),
        _ => seg.get(1),
    }
}

fn find_segment(lp: &Loop, segment: &str, qualifier: Option<&str>) -> Option<usize> {
    lp.position(|s| s.id().is(segment) && qualifier.is_none_or(|q| qualifier_of(s) == q.as_bytes()))
}

fn text(b: &[u8]) -> Option<String> {
    (!b.is_empty()).then(|| String::from_utf8_lossy(b).into_owned())
}

fn read(lp: &Loop, i: usize, element: usize, component: Option<usize>) -> Option<String> {
    let s = lp.segment(i)?;
    let e = s.element(element)?;
    match component {
        Some(c) => text(e.component(c)),
        None => text(e.as_bytes()),
    }
}

/// `raw` with element `element` (component `component`) set to `value`; trailing empty
/// components and elements dropped.
fn rewrite(
    raw: &[u8],
    d: Delimiters,
    element: usize,
    component: Option<usize>,
    value: &[u8],
) -> Vec<u8> {
    let mut elements: Vec<Vec<u8>> = raw.split(|&b| b == d.element).map(<[u8]>::to_vec).collect();
    while elements.len() <= element {
        elements.push(Vec::new());
    }
    if let Some(e) = elements.get_mut(element) {
        match component {
            None => *e = value.to_vec(),
            Some(c) => {
                let mut comps: Vec<Vec<u8>> =
                    e.split(|&b| b == d.component).map(<[u8]>::to_vec).collect();
                while comps.len() < c {
                    comps.push(Vec::new());
                }
                if let Some(slot) = comps.get_mut(c.saturating_sub(1)) {
                    *slot = value.to_vec();
                }
                while comps.len() > 1 && comps.last().is_some_and(Vec::is_empty) {
                    comps.pop();
                }
                *e = comps.join(&d.component);
            }
        }
    }
    while elements.len() > 1 && elements.last().is_some_and(Vec::is_empty) {
        elements.pop();
    }
    elements.join(&d.element)
}

/// The entity code (NM101) of a provider loop for a kind: the inverse of
/// [`LoopId::provider_loop`].
fn entity_code(id: LoopId, kind: Option<ClaimKind>) -> Option<&'static str> {
    const CODES: [&str; 16] = [
        "DN", "82", "77", "DQ", "PW", "45", "71", "72", "ZZ", "DD", "QB", "DK", "P3", "IL", "PR",
        "85",
    ];
    let parent = match id {
        LoopId::L2310(_) => LoopId::L2300,
        LoopId::L2330(_) => LoopId::L2320,
        LoopId::L2420(_) => LoopId::L2400,
        _ => return None,
    };
    CODES
        .into_iter()
        .find(|c| LoopId::provider_loop(parent, kind, c.as_bytes()) == Some(id))
}

/// NM102: 2 (organisation) for facilities, payers and billing providers, else 1 (person).
fn entity_type(code: &str) -> &'static str {
    match code {
        "77" | "PW" | "45" | "PR" | "85" | "40" | "41" => "2",
        _ => "1",
    }
}

/// NM108 for an NM109 set on a new name: member id, payer id, else NPI.
fn id_qualifier(code: &str) -> &'static str {
    match code {
        "IL" | "QC" => "MI",
        "PR" => "PI",
        _ => "XX",
    }
}

fn child_index(parent: &mut Loop, id: LoopId, create: bool) -> Result<(usize, bool), String> {
    if let Some(i) = parent.children().iter().position(|c| c.id() == id) {
        return Ok((i, false));
    }
    if !create {
        return Err(format!("the claim has no loop {id}"));
    }
    let at = parent
        .children()
        .iter()
        .position(|c| c.id() > id)
        .unwrap_or(parent.children().len());
    let lp = Loop::new(id, parent.kind(), parent.delimiters());
    parent.children_mut().insert(at, lp);
    Ok((at, true))
}

fn child(parent: &mut Loop, id: LoopId, create: bool) -> Result<(&mut Loop, bool), String> {
    let (i, created) = child_index(parent, id, create)?;
    let lp = parent
        .children_mut()
        .get_mut(i)
        .ok_or_else(|| format!("the claim has no loop {id}"))?;
    Ok((lp, created))
}

fn line_mut(claim: &mut Loop, line: Option<usize>) -> Result<&mut Loop, String> {
    let count = claim
        .children()
        .iter()
        .filter(|c| c.id() == LoopId::L2400)
        .count();
    let n = match line {
        Some(n) => n,
        None if count == 1 => 0,
        None => {
            return Err(format!(
                "the claim has {count} service lines: say which, e.g. 2400[1]"
            ));
        }
    };
    claim
        .children_mut()
        .iter_mut()
        .filter(|c| c.id() == LoopId::L2400)
        .nth(n)
        .ok_or_else(|| format!("the claim has no service line {} (it has {count})", n + 1))
}

fn level<'a>(l: Option<&'a mut Loop>, what: &str) -> Result<&'a mut Loop, String> {
    l.ok_or_else(|| format!("the claim has no {what} level"))
}

/// The loop of `loc`; provider loops are added when `create`.
fn loop_mut<'c>(
    c: &'c mut ClaimWithContext,
    loc: &Loc,
    create: bool,
) -> Result<(&'c mut Loop, bool), String> {
    let id = loc.loop_id;
    match id {
        LoopId::L2000A => Ok((
            level(c.billing_provider.as_mut(), "billing provider (2000A)")?,
            false,
        )),
        LoopId::L2010AA | LoopId::L2010AB | LoopId::L2010AC => child(
            level(c.billing_provider.as_mut(), "billing provider (2000A)")?,
            id,
            false,
        ),
        LoopId::L2000B => Ok((level(c.subscriber.as_mut(), "subscriber (2000B)")?, false)),
        LoopId::L2010BA | LoopId::L2010BB => child(
            level(c.subscriber.as_mut(), "subscriber (2000B)")?,
            id,
            false,
        ),
        LoopId::L2000C => Ok((
            level(
                c.patient.as_mut(),
                "patient (2000C: the patient is the subscriber)",
            )?,
            false,
        )),
        LoopId::L2010CA => child(
            level(
                c.patient.as_mut(),
                "patient (2000C: the patient is the subscriber)",
            )?,
            id,
            false,
        ),
        LoopId::L2300 => Ok((&mut c.claim, false)),
        LoopId::L2310(_) => child(&mut c.claim, id, create),
        LoopId::L2320 => child(&mut c.claim, id, false),
        LoopId::L2330(_) => {
            let (other, _) = child(&mut c.claim, LoopId::L2320, false)?;
            child(other, id, false)
        }
        LoopId::L2400 => Ok((line_mut(&mut c.claim, loc.line)?, false)),
        LoopId::L2420(_) => child(line_mut(&mut c.claim, loc.line)?, id, create),
        LoopId::L2410 | LoopId::L2430 => child(line_mut(&mut c.claim, loc.line)?, id, false),
        _ => Err(format!("loop {id} cannot be edited")),
    }
}

/// Whether the claim's line `line` has its own segment for `loc` moved to that line (used to
/// decide whether a claim-level value covers a line-level need).
pub(crate) fn line_has(
    c: &ClaimWithContext,
    line: usize,
    loop_id: LoopId,
    segment: &str,
    qualifier: Option<&str>,
) -> bool {
    let Some(l) = c
        .claim
        .children()
        .iter()
        .filter(|l| l.id() == LoopId::L2400)
        .nth(line)
    else {
        return false;
    };
    let lp = if loop_id == LoopId::L2400 {
        Some(l)
    } else {
        l.child(loop_id)
    };
    lp.is_some_and(|lp| find_segment(lp, segment, qualifier).is_some())
}

/// A composite element whose leading components are required together.
struct CodeComposite {
    segment: &'static str,
    /// The elements that carry it (HI01 to HI12 share one row).
    elements: RangeInclusive<usize>,
    /// The composite's X12 name, for messages.
    name: &'static str,
    /// What components 1, 2… hold; each must have a value once the element is sent.
    required: &'static [&'static str],
    /// Whether the segment itself requires the element, so that it cannot be cleared.
    mandatory: bool,
}

const PROCEDURE: &[&str] = &["the code qualifier", "the procedure code"];
const HEALTH_CARE_CODE: &[&str] = &["the code list qualifier", "the code"];

/// Code composites that the 5010 837 implementation guides (005010X222A1 professional, X223A2
/// institutional, X224A2 dental) only accept whole. X12 syntax lets any component be empty, even
/// one before a filled one, but the guides mark the first components of these composites as
/// required within the composite: a procedure (C003) is a qualifier and a code, a health care
/// code (C022, every HI element) a code list qualifier and a code, and the claim's facility code
/// (C023, CLM05) a place of service or facility type, its qualifier and the frequency. An edit
/// that leaves one of them sent but without one of those components, or empties one the
/// segment requires, cannot be applied. Composites not listed here, such as the diagnosis
/// pointers of SV107 (C004, where `1::3` is valid), are written as edited.
const CODE_COMPOSITES: &[CodeComposite] = &[
    CodeComposite {
        segment: "SV1",
        elements: 1..=1,
        name: "C003 procedure",
        required: PROCEDURE,
        mandatory: true,
    },
    CodeComposite {
        segment: "SV2",
        elements: 2..=2,
        name: "C003 procedure",
        required: PROCEDURE,
        mandatory: false,
    },
    CodeComposite {
        segment: "SV3",
        elements: 1..=1,
        name: "C003 procedure",
        required: PROCEDURE,
        mandatory: true,
    },
    CodeComposite {
        segment: "SVD",
        elements: 3..=3,
        name: "C003 procedure",
        required: PROCEDURE,
        mandatory: true,
    },
    CodeComposite {
        segment: "CLM",
        elements: 5..=5,
        name: "C023 facility code",
        required: &[
            "the facility code",
            "the facility code qualifier",
            "the frequency code",
        ],
        mandatory: true,
    },
    CodeComposite {
        segment: "HI",
        elements: 1..=1,
        name: "C022 health care code",
        required: HEALTH_CARE_CODE,
        mandatory: true,
    },
    CodeComposite {
        segment: "HI",
        elements: 2..=12,
        name: "C022 health care code",
        required: HEALTH_CARE_CODE,
        mandatory: false,
    },
];

/// Why element `element` of `seg` is a code composite the implementation guide rejects (see
/// [`CODE_COMPOSITES`]).
fn check_composite(seg: &Segment<'_>, element: usize) -> Result<(), String> {
    let Some(rule) = CODE_COMPOSITES
        .iter()
        .find(|r| seg.id().is(r.segment) && r.elements.contains(&element))
    else {
        return Ok(());
    };
    let at = format!("{}{element:02}", rule.segment);
    let e = seg.element(element).filter(|e| !e.is_empty());
    let Some(e) = e else {
        return if rule.mandatory {
            Err(format!(
                "{at} ({}) is required in {} and cannot be left empty",
                rule.name, rule.segment
            ))
        } else {
            Ok(())
        };
    };
    let Some((k, what)) = (1..)
        .zip(rule.required)
        .find(|(k, _)| e.component(*k).is_empty())
    else {
        return Ok(());
    };
    let all: Vec<String> = (1..=rule.required.len())
        .map(|k| format!("{at}-{k}"))
        .collect();
    let all = match all.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => all.concat(),
    };
    Err(format!(
        "{at} would be sent without {at}-{k} ({what}); the implementation guide requires {all} \
         whenever {at} ({}) is used",
        rule.name
    ))
}

/// The code composites of `corrected` (the 2300 loop and below) that the implementation guide
/// rejects ([`CODE_COMPOSITES`]) and that `original` did not already have byte for byte: what
/// the changes broke, each named by its loop (`2400[2] SV2: SV202 would be sent without…`). A
/// composite left incomplete by one edit and completed by another is fine.
pub(crate) fn incomplete_composites(original: &Loop, corrected: &Loop) -> Vec<String> {
    let before: std::collections::HashSet<&[u8]> = original
        .segments_deep()
        .map(|(_, s, _)| s.as_bytes())
        .collect();
    let mut out = Vec::new();
    let mut check = |lp: &Loop, at: &str| {
        for seg in lp.segments() {
            if before.contains(seg.as_bytes()) {
                continue;
            }
            for rule in CODE_COMPOSITES.iter().filter(|r| seg.id().is(r.segment)) {
                for element in rule.elements.clone() {
                    if let Err(why) = check_composite(&seg, element) {
                        out.push(format!("{at} {}: {why}", rule.segment));
                    }
                }
            }
        }
    };
    check(corrected, "2300");
    let mut line = 0;
    for child in corrected.children() {
        if child.id() == LoopId::L2400 {
            line += 1;
            let at = format!("2400[{line}]");
            check(child, &at);
            for sub in child.children() {
                check(sub, &format!("{} of {at}", sub.id()));
            }
        }
    }
    out
}

/// Why `value` cannot be an element's text whatever the file's delimiters, if it cannot: it is
/// not ASCII, or it holds a control character (a byte below 0x20, or DEL). A line break or tab
/// inside an element is rejected by receivers, or read as the start of a new segment. The
/// message names what is wrong but not the value, which may be a patient's name or id.
pub(crate) fn text_problem(value: &str) -> Option<&'static str> {
    if !value.is_ascii() {
        Some("the value is not ASCII")
    } else if value.bytes().any(|b| b.is_ascii_control()) {
        Some(
            "the value contains a control character (line break, tab…), which X12 does not allow in an element",
        )
    } else {
        None
    }
}

/// Whether `value` can be written into an element as it is: no delimiter of the file (X12 has
/// no escaping), and nothing [`text_problem`] refuses. The messages name what is wrong but
/// not the value, which may be a patient's name or id.
fn check_value(d: Delimiters, value: &str) -> Result<(), String> {
    if let Some(which) = value.bytes().find_map(|b| delimiter_name(d, b)) {
        return Err(format!(
            "the value contains the {which} (X12 has no escaping)"
        ));
    }
    text_problem(value).map_or(Ok(()), |why| Err(why.to_string()))
}

/// A new segment for `loc` holding `value`, or why the claim cannot get one.
fn new_segment(
    lp: &Loop,
    loc: &Loc,
    value: &str,
    kind: Option<ClaimKind>,
) -> Result<OwnedSegment, String> {
    let d = lp.delimiters();
    let seg = loc.segment.as_str();
    let q = loc.qualifier.as_deref();
    let missing = || {
        format!(
            "the claim has no {}{} in loop {} to change",
            seg,
            q.map(|q| format!("*{q}")).unwrap_or_default(),
            loc.loop_id
        )
    };
    let mut elements: Vec<String> = Vec::new();
    match seg {
        "REF" | "AMT" | "QTY" | "NTE" | "DTP" => {
            let q = q.ok_or_else(missing)?;
            elements.push(q.to_string());
            if seg == "DTP" {
                elements.push(if value.contains('-') { "RD8" } else { "D8" }.to_string());
            }
        }
        "NM1" => {
            let code = q
                .map(str::to_string)
                .or_else(|| entity_code(loc.loop_id, kind).map(str::to_string))
                .ok_or_else(missing)?;
            elements.push(code.clone());
            elements.push(entity_type(&code).to_string());
            if loc.element == 9 {
                elements.resize(7, String::new());
                elements.push(id_qualifier(&code).to_string());
            }
        }
        "PRV" => {
            elements.push(q.unwrap_or("PE").to_string());
            elements.push("PXC".to_string());
        }
        "HI" if loc.element == 1 && loc.component == Some(2) => {
            let q = q.ok_or_else(missing)?;
            let raw = format!(
                "HI{}{q}{}{value}",
                char::from(d.element),
                char::from(d.component)
            );
            return OwnedSegment::from_raw(raw.into_bytes(), d).map_err(|e| e.to_string());
        }
        // An address: 2010BB after billing another payer, a service facility added by edits.
        "PWK" | "N3" | "N4" => {}
        _ => return Err(missing()),
    }
    while elements.len() < loc.element {
        elements.push(String::new());
    }
    let slot = elements
        .get_mut(loc.element.saturating_sub(1))
        .ok_or_else(missing)?;
    if !slot.is_empty() && loc.component.is_none() {
        return Err(format!(
            "{loc}: element {:02} is the qualifier",
            loc.element
        ));
    }
    match loc.component {
        None => *slot = value.to_string(),
        Some(c) => {
            let mut comps = vec![String::new(); c];
            if let Some(s) = comps.get_mut(c.saturating_sub(1)) {
                *s = value.to_string();
            }
            *slot = comps.join(&char::from(d.component).to_string());
        }
    }
    if seg == "PWK"
        && loc.element == 6
        && let Some(e5) = elements.get_mut(4)
    {
        *e5 = "AC".to_string();
    }
    while elements.last().is_some_and(String::is_empty) {
        elements.pop();
    }
    let mut raw = seg.as_bytes().to_vec();
    for e in &elements {
        raw.push(d.element);
        raw.extend_from_slice(e.as_bytes());
    }
    OwnedSegment::from_raw(raw, d).map_err(|e| e.to_string())
}

/// Sets the element (or component) at `loc` to `value` ("" clears it; for the value element of
/// REF, DTP, AMT, QTY and NTE it removes the segment).
pub(crate) fn apply(
    c: &mut ClaimWithContext,
    loc: &Loc,
    value: &str,
    line_end: LineEnd,
) -> Result<Applied, String> {
    let kind = c.kind;
    let d = c.claim.delimiters();
    check_value(d, value)?;
    let create = !value.is_empty();
    let (lp, new_loop) = loop_mut(c, loc, create)?;
    let new_loop = new_loop.then_some(loc.loop_id);
    let qualifier = loc.qualifier.as_deref();
    match find_segment(lp, &loc.segment, qualifier) {
        Some(i) => {
            let old = read(lp, i, loc.element, loc.component);
            if value.is_empty()
                && value_element(&loc.segment) == Some(loc.element)
                && loc.component.is_none()
            {
                lp.remove(i);
                return Ok(Applied {
                    old,
                    new: None,
                    new_loop,
                });
            }
            let raw = lp
                .segment(i)
                .map(|s| s.as_bytes().to_vec())
                .unwrap_or_default();
            let mut new_raw = rewrite(
                &raw,
                lp.delimiters(),
                loc.element,
                loc.component,
                value.as_bytes(),
            );
            // An identifier needs its qualifier (NM108) when the name had none.
            if loc.segment == "NM1"
                && loc.element == 9
                && !value.is_empty()
                && read(lp, i, 8, None).is_none()
            {
                let code = lp
                    .segment(i)
                    .map(|s| String::from_utf8_lossy(s.get(1)).into_owned())
                    .unwrap_or_default();
                new_raw = rewrite(
                    &new_raw,
                    lp.delimiters(),
                    8,
                    None,
                    id_qualifier(&code).as_bytes(),
                );
            }
            let seg = OwnedSegment::from_raw(new_raw, lp.delimiters())
                .map_err(|e| format!("{loc}: {e}"))?;
            lp.replace(i, seg).map_err(|e| format!("{loc}: {e}"))?;
            Ok(Applied {
                old,
                new: text(value.as_bytes()),
                new_loop,
            })
        }
        None if value.is_empty() => Ok(Applied {
            old: None,
            new: None,
            new_loop,
        }),
        None => {
            let seg = new_segment(lp, loc, value, kind)?;
            let le = if lp.is_empty() {
                line_end
            } else {
                lp.gap(lp.len() - 1).map_or(line_end, GapRef::line_end_hint)
            };
            let seg = seg.with_gap(Gap::Terminated(le));
            edit::add_segment(lp, seg).map_err(|e| format!("{loc}: {e}"))?;
            Ok(Applied {
                old: None,
                new: text(value.as_bytes()),
                new_loop,
            })
        }
    }
}

/// Takes out of 2010BB what belongs to the payer the claim was sent to: its address (N3, N4)
/// and the ids under it (REF: the payer's secondary ids, the billing provider's id at that
/// payer). A claim billed to another payer must not carry them: a clearinghouse that prints
/// claims would mail it to the old address. Returns each removed segment as (field, its
/// elements as written), in claim order.
pub(crate) fn drop_payer_details(c: &mut ClaimWithContext) -> Vec<(String, String)> {
    let Some(sub) = c.subscriber.as_mut() else {
        return Vec::new();
    };
    let Some(payer) = sub
        .children_mut()
        .iter_mut()
        .find(|l| l.id() == LoopId::L2010BB)
    else {
        return Vec::new();
    };
    let mut removed = Vec::new();
    while let Some(i) = payer.position(|s| matches!(s.id().as_bytes(), b"N3" | b"N4" | b"REF")) {
        if let Some(seg) = payer.segment(i) {
            let field = match seg.id().as_bytes() {
                b"REF" => format!("2010BB REF*{}", String::from_utf8_lossy(seg.get(1))),
                _ => format!("2010BB {}", seg.id()),
            };
            removed.push((field, String::from_utf8_lossy(seg.as_bytes()).into_owned()));
        }
        payer.remove(i);
    }
    removed
}

/// The part of an address added by edits that is still missing: N4 (city, state, ZIP) beside
/// an N3, or the street (N3) and city (N401) of a new N4. `loc` is where a segment was added.
pub(crate) fn incomplete_address(c: &mut ClaimWithContext, loc: &Loc) -> Option<String> {
    if !matches!(loc.segment.as_str(), "N3" | "N4") {
        return None;
    }
    let (lp, _) = loop_mut(c, loc, false).ok()?;
    let n3 = find_segment(lp, "N3", None).and_then(|i| lp.segment(i));
    let n4 = find_segment(lp, "N4", None).and_then(|i| lp.segment(i));
    let missing = match (n3, n4) {
        (Some(_), None) => "its city, state and ZIP code (N401-N403)",
        (None, Some(_)) => "its street (N301)",
        (Some(n3), Some(_)) if n3.get(1).is_empty() => "its street (N301)",
        (Some(_), Some(n4)) if n4.get(1).is_empty() => "its city (N401)",
        _ => return None,
    };
    Some(format!(
        "{}: an address was added to the claim: {missing} is needed too",
        loc.loop_id
    ))
}

/// The name a provider loop added by edits still lacks (NM103), if any.
pub(crate) fn incomplete_name(c: &ClaimWithContext, id: LoopId) -> Option<String> {
    let lp = c.claim.walk().find(|l| l.id() == id)?;
    let nm1 = lp.first("NM1")?;
    if nm1.get(3).is_empty() {
        Some(format!(
            "{id} was added to the claim: its name (NM103) is needed too"
        ))
    } else if nm1.get(9).is_empty() {
        Some(format!(
            "{id} was added to the claim: its identifier (NM109) is needed too"
        ))
    } else {
        None
    }
}

/// The line break used after the claim's segments.
pub(crate) fn line_end(c: &ClaimWithContext) -> LineEnd {
    c.claim.gap(0).map_or(LineEnd::None, GapRef::line_end_hint)
}

#[cfg(test)]
mod tests {
    use super::*;
    use denali_x12::claim::ClaimKind;

    fn claim() -> ClaimWithContext {
        claim_in("clinic-837p.837", "PCN7005")
    }

    /// Claim `key` of `fixtures/correct/<file>`.
    fn claim_in(file: &str, key: &str) -> ClaimWithContext {
        let path = format!(
            "{}/../../fixtures/correct/{file}",
            env!("CARGO_MANIFEST_DIR")
        );
        let bytes = std::fs::read(path).unwrap();
        let (doc, _) = crate::Document::parse(&bytes).unwrap();
        let set = doc.claim_sets().next().unwrap().clone();
        let r = set.find_claim(key).unwrap().location().unwrap();
        set.claim_with_context(r).unwrap()
    }

    /// The raw `id` segment of service line `n` (0-based).
    fn line_seg(c: &ClaimWithContext, n: usize, id: &str) -> String {
        let line = c
            .claim
            .children()
            .iter()
            .filter(|l| l.id() == LoopId::L2400)
            .nth(n)
            .unwrap();
        raw(line, id)
    }

    fn loc(
        l: LoopId,
        line: Option<usize>,
        seg: &str,
        q: Option<&str>,
        e: usize,
        comp: Option<usize>,
    ) -> Loc {
        Loc {
            loop_id: l,
            line,
            segment: seg.into(),
            qualifier: q.map(Into::into),
            element: e,
            component: comp,
        }
    }

    fn raw(lp: &Loop, id: &str) -> String {
        String::from_utf8_lossy(lp.first(id).unwrap().as_bytes()).into_owned()
    }

    #[test]
    fn set_add_remove() {
        let mut c = claim();
        let le = line_end(&c);
        assert_eq!(le, LineEnd::Lf);
        let a = apply(
            &mut c,
            &loc(LoopId::L2400, Some(1), "SV1", None, 1, Some(4)),
            "59",
            le,
        )
        .unwrap();
        assert_eq!((a.old, a.new.as_deref()), (None, Some("59")));
        let line = c
            .claim
            .children()
            .iter()
            .filter(|l| l.id() == LoopId::L2400)
            .nth(1)
            .unwrap();
        assert_eq!(raw(line, "SV1"), "SV1*HC:97140:GP:59*100*UN*1***1");
        apply(
            &mut c,
            &loc(LoopId::L2300, None, "REF", Some("G1"), 2, None),
            "A1",
            le,
        )
        .unwrap();
        assert_eq!(c.claim.find("REF", b"G1").unwrap().get(2), b"A1");
        let a = apply(
            &mut c,
            &loc(LoopId::L2300, None, "REF", Some("G1"), 2, None),
            "",
            le,
        )
        .unwrap();
        assert_eq!(a.old.as_deref(), Some("A1"));
        assert!(c.claim.find("REF", b"G1").is_none());
        let a = apply(
            &mut c,
            &loc(LoopId::L2010BA, None, "NM1", None, 9, None),
            "NEWID",
            le,
        )
        .unwrap();
        assert_eq!(a.old.as_deref(), Some("W700000005"));
        assert_eq!(c.subscriber_view().unwrap().member_id(), Some("NEWID"));
        assert!(
            apply(
                &mut c,
                &loc(LoopId::L2300, None, "REF", Some("G1"), 2, None),
                "A*B",
                le
            )
            .is_err()
        );
        assert!(
            apply(
                &mut c,
                &loc(LoopId::L2400, None, "SV1", None, 1, Some(3)),
                "59",
                le
            )
            .is_err()
        );
        assert!(
            apply(
                &mut c,
                &loc(LoopId::L2000C, None, "PAT", None, 1, None),
                "19",
                le
            )
            .is_err()
        );
    }

    #[test]
    fn new_provider_loop() {
        let mut c = claim();
        let le = LineEnd::Lf;
        let l = loc(LoopId::L2310(b'B'), None, "NM1", None, 9, None);
        let a = apply(&mut c, &l, "1234567893", le).unwrap();
        assert_eq!(a.new_loop, Some(LoopId::L2310(b'B')));
        assert!(incomplete_name(&c, LoopId::L2310(b'B')).is_some());
        apply(
            &mut c,
            &loc(LoopId::L2310(b'B'), None, "NM1", None, 3, None),
            "OKAFOR",
            le,
        )
        .unwrap();
        assert!(incomplete_name(&c, LoopId::L2310(b'B')).is_none());
        let lp = c.claim.child(LoopId::L2310(b'B')).unwrap();
        assert_eq!(raw(lp, "NM1"), "NM1*82*1*OKAFOR*****XX*1234567893");
        // before the first 2400
        assert_eq!(
            c.claim.children().first().unwrap().id(),
            LoopId::L2310(b'B')
        );
        assert_eq!(
            entity_code(LoopId::L2310(b'D'), Some(ClaimKind::Institutional)),
            Some("82")
        );
        assert_eq!(
            entity_code(LoopId::L2420(b'A'), Some(ClaimKind::Professional)),
            Some("82")
        );
    }

    /// Every segment of the claim loop and below, one a line.
    fn all(c: &ClaimWithContext) -> String {
        c.claim
            .segments_deep()
            .map(|(_, s, _)| String::from_utf8_lossy(s.as_bytes()).into_owned() + "\n")
            .collect()
    }

    /// `value` at `l` leaves a code composite that [`incomplete_composites`] names with
    /// `names`; `c` itself is left as it was.
    fn refused(c: &mut ClaimWithContext, l: &Loc, value: &str, names: &str) {
        let mut changed = c.clone();
        apply(&mut changed, l, value, LineEnd::Lf).unwrap();
        let found = incomplete_composites(&c.claim, &changed.claim);
        assert!(
            found.len() == 1 && found[0].contains(names),
            "{l} = {value:?}: {found:?}"
        );
    }

    /// Nothing [`incomplete_composites`] finds between `before` and `after`.
    fn complete(before: &ClaimWithContext, after: &ClaimWithContext) {
        let found = incomplete_composites(&before.claim, &after.claim);
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn incomplete_code_composites_are_refused() {
        // 837I: line 2 has no SV202, line 3 has HC:85025.
        let mut i = claim_in("hospital-837i.837", "PCN8002");
        let sv2 = |n, comp| loc(LoopId::L2400, Some(n), "SV2", None, 2, Some(comp));
        // The sweep's case: a modifier with no qualifier and no code (`::59`).
        refused(
            &mut i,
            &sv2(1, 3),
            "59",
            "2400[2] SV2: SV202 would be sent without SV202-1 (the code qualifier)",
        );
        refused(&mut i, &sv2(1, 2), "99284", "SV202-1 (the code qualifier)");
        refused(&mut i, &sv2(1, 1), "HC", "SV202-2 (the procedure code)");
        assert_eq!(line_seg(&i, 1, "SV2"), "SV2*0250**180.5*UN*6");
        refused(&mut i, &sv2(2, 2), "", "SV202-2 (the procedure code)");
        refused(&mut i, &sv2(2, 1), "", "SV202-1");
        apply(&mut i, &sv2(2, 3), "59", LineEnd::Lf).unwrap();
        // `HC::59`
        refused(&mut i, &sv2(2, 2), "", "SV202-2");
        assert_eq!(line_seg(&i, 2, "SV2"), "SV2*0300*HC:85025:59*45*UN*1");
        // CLM05: facility code, qualifier and frequency, all three.
        for comp in [1, 2] {
            let l = loc(LoopId::L2300, None, "CLM", None, 5, Some(comp));
            refused(&mut i, &l, "", &format!("CLM05-{comp}"));
        }

        // 837P: HI*ABK:M545, SV1*HC:97140:GP on line 2.
        let mut p = claim();
        let hi = |comp| loc(LoopId::L2300, None, "HI", None, 1, comp);
        // The sweep's second case: `HI*ABK`, a qualifier with no code.
        refused(&mut p, &hi(Some(2)), "", "HI01-2 (the code)");
        refused(&mut p, &hi(Some(1)), "", "HI01-1 (the code list qualifier)");
        refused(
            &mut p,
            &hi(None),
            "",
            "HI01 (C022 health care code) is required",
        );
        let abk = loc(LoopId::L2300, None, "HI", Some("ABK"), 1, Some(2));
        refused(&mut p, &abk, "", "HI01-2");
        assert_eq!(raw(&p.claim, "HI"), "HI*ABK:M545");
        let sv1 = |comp| loc(LoopId::L2400, Some(1), "SV1", None, 1, comp);
        refused(&mut p, &sv1(Some(2)), "", "SV101-2");
        refused(&mut p, &sv1(Some(1)), "", "SV101-1");
        refused(&mut p, &sv1(None), "", "SV101 (C003 procedure) is required");
        assert_eq!(line_seg(&p, 1, "SV1"), "SV1*HC:97140:GP*100*UN*1***1");
    }

    /// A composite may be built over several edits: only what the claim is left with counts,
    /// and a composite the original already had incomplete is not the changes' doing.
    #[test]
    fn composites_are_checked_once_the_changes_are_made() {
        let original = claim_in("hospital-837i.837", "PCN8002");
        let sv2 = |comp| loc(LoopId::L2400, Some(1), "SV2", None, 2, Some(comp));
        let mut c = original.clone();
        apply(&mut c, &sv2(1), "HC", LineEnd::Lf).unwrap();
        assert_eq!(incomplete_composites(&original.claim, &c.claim).len(), 1);
        apply(&mut c, &sv2(2), "99284", LineEnd::Lf).unwrap();
        apply(&mut c, &sv2(3), "59", LineEnd::Lf).unwrap();
        assert_eq!(line_seg(&c, 1, "SV2"), "SV2*0250*HC:99284:59*180.5*UN*6");
        complete(&original, &c);
        // An original already sent `::59`: another change to the claim is not refused for it.
        let mut broken = original.clone();
        apply(&mut broken, &sv2(3), "59", LineEnd::Lf).unwrap();
        let mut c = broken.clone();
        let clm = loc(LoopId::L2300, None, "CLM", None, 2, None);
        apply(&mut c, &clm, "500", LineEnd::Lf).unwrap();
        complete(&broken, &c);
    }

    #[test]
    fn complete_and_other_composites_are_applied() {
        let mut i = claim_in("hospital-837i.837", "PCN8002");
        let start = i.clone();
        let sv2 = |comp| loc(LoopId::L2400, Some(2), "SV2", None, 2, comp);
        // SV202 whole: another code, then a modifier.
        apply(&mut i, &sv2(Some(2)), "85027", LineEnd::Lf).unwrap();
        apply(&mut i, &sv2(Some(3)), "59", LineEnd::Lf).unwrap();
        assert_eq!(line_seg(&i, 2, "SV2"), "SV2*0300*HC:85027:59*45*UN*1");
        // SV202 is situational: it may be left out altogether.
        apply(&mut i, &sv2(None), "", LineEnd::Lf).unwrap();
        assert_eq!(line_seg(&i, 2, "SV2"), "SV2*0300**45*UN*1");

        let mut p = claim();
        // HI01-2 replaced by another code; an HI segment added whole.
        let a = apply(
            &mut p,
            &loc(LoopId::L2300, None, "HI", None, 1, Some(2)),
            "M5450",
            LineEnd::Lf,
        )
        .unwrap();
        assert_eq!(a.old.as_deref(), Some("M545"));
        assert_eq!(raw(&p.claim, "HI"), "HI*ABK:M5450");
        apply(
            &mut p,
            &loc(LoopId::L2300, None, "HI", Some("ABF"), 1, Some(2)),
            "M5416",
            LineEnd::Lf,
        )
        .unwrap();
        assert!(all(&p).contains("\nHI*ABF:M5416\n"), "{}", all(&p));
        // Diagnosis pointers (SV107, C004) are not code composites: an empty pointer before a
        // filled one is valid X12 and is written as edited.
        let sv107 = |comp| loc(LoopId::L2400, Some(1), "SV1", None, 7, Some(comp));
        apply(&mut p, &sv107(2), "2", LineEnd::Lf).unwrap();
        apply(&mut p, &sv107(3), "3", LineEnd::Lf).unwrap();
        apply(&mut p, &sv107(2), "", LineEnd::Lf).unwrap();
        assert_eq!(line_seg(&p, 1, "SV1"), "SV1*HC:97140:GP*100*UN*1***1::3");
        apply(&mut p, &sv107(3), "", LineEnd::Lf).unwrap();
        assert_eq!(line_seg(&p, 1, "SV1"), "SV1*HC:97140:GP*100*UN*1***1");
        complete(&start, &i);
        complete(&claim(), &p);
    }
}
