//! Editing building blocks for corrections: set, add or remove a segment or an element on a
//! loop, chosen by segment id and qualifier, and the frequency-code change with REF*F8.
//!
//! New segments go where the implementation guides put them: after segments that come earlier
//! in the TR3 order of the loop (for example 2300: CLM, DTP, CL1, PWK, CN1, AMT, REF, K3, NTE,
//! CR1, CR2, CRC, HI, HCP) and, among repeated REF segments, in the guides' order of qualifiers
//! (2300: … 9F, G1, F8, X4, 9A …). A new segment takes the line break of its neighbour.
//!
//! ```
//! use denali_emit::edit::{self, Selector};
//! use denali_x12::claim::{FrequencyCode, Loop, LoopId, OwnedSegment};
//! use denali_x12::Delimiters;
//!
//! let d = Delimiters::default();
//! let mut claim = Loop::new(LoopId::L2300, None, d);
//! for raw in ["CLM*PCN1*100***11:B:1*Y*A*Y*Y", "DTP*431*D8*20240101", "REF*G1*AUTH1", "HI*ABK:J101"] {
//!     claim.push(OwnedSegment::from_raw(raw.as_bytes().to_vec(), d).unwrap()).unwrap();
//! }
//! edit::set_frequency(&mut claim, FrequencyCode::REPLACEMENT, Some(b"ICN123"))?;
//! let raws: Vec<_> = claim.segments().map(|s| String::from_utf8_lossy(s.as_bytes()).into_owned()).collect();
//! assert_eq!(raws, ["CLM*PCN1*100***11:B:7*Y*A*Y*Y", "DTP*431*D8*20240101", "REF*G1*AUTH1", "REF*F8*ICN123", "HI*ABK:J101"]);
//! edit::set_element(&mut claim, &Selector::new("REF").qualifier(b"G1"), 2, b"AUTH2")?;
//! assert_eq!(claim.find("REF", b"G1").unwrap().get(2), b"AUTH2");
//! # Ok::<(), denali_emit::EmitError>(())
//! ```

use denali_x12::claim::{
    ClaimKind, ClaimWithContext, FrequencyCode, Gap, GapRef, LineEnd, Loop, LoopId, OwnedSegment,
    delimiter_name,
};
use denali_x12::{Delimiters, SegmentId};

use crate::error::{EmitError, EmitErrorKind, Location, Result};

/// Chooses segments of a loop: by id, and optionally by the value of one element (the
/// qualifier; element 1 unless said otherwise).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Selector<'q> {
    id: &'q str,
    element: usize,
    qualifier: Option<&'q [u8]>,
}

impl<'q> Selector<'q> {
    /// All segments with this id.
    pub fn new(id: &'q str) -> Self {
        Selector {
            id,
            element: 1,
            qualifier: None,
        }
    }

    /// Only segments whose element 1 equals `q` (for example `REF` with `G1`).
    pub fn qualifier(self, q: &'q [u8]) -> Self {
        Selector {
            qualifier: Some(q),
            ..self
        }
    }

    /// Only segments whose element `element` equals `q`.
    pub fn qualifier_at(self, element: usize, q: &'q [u8]) -> Self {
        Selector {
            element,
            qualifier: Some(q),
            ..self
        }
    }

    /// Whether the segment with these raw bytes matches.
    pub fn matches(&self, seg: &denali_x12::Segment<'_>) -> bool {
        seg.id().is(self.id) && self.qualifier.is_none_or(|q| seg.get(self.element) == q)
    }

    fn segment_id(&self) -> SegmentId {
        SegmentId::new(self.id.as_bytes()).unwrap_or(SegmentId::NONE)
    }
}

fn loc(lp: &Loop, sel: &Selector<'_>) -> Location {
    Location {
        segment_id: sel.segment_id(),
        loop_id: Some(lp.id()),
        ..Location::default()
    }
}

/// Index of the first own segment of `lp` that `sel` matches.
pub fn find(lp: &Loop, sel: &Selector<'_>) -> Option<usize> {
    lp.position(|s| sel.matches(s))
}

/// Builds a segment from simple element values with the loop's delimiters.
///
/// # Errors
/// [`EmitErrorKind::DelimiterInValue`] naming the element; an invalid id.
pub fn build(lp: &Loop, id: &str, elements: &[&[u8]]) -> Result<OwnedSegment> {
    OwnedSegment::from_elements(id, elements, lp.delimiters()).map_err(|e| {
        let l = Location {
            segment_id: SegmentId::new(id.as_bytes()).unwrap_or(SegmentId::NONE),
            loop_id: Some(lp.id()),
            ..Location::default()
        };
        EmitError::from_segment_error(e, l)
    })
}

/// Replaces the first segment `sel` matches with `seg` (keeping its line break), or inserts
/// `seg` at its TR3 place when none matches. Returns the segment's index.
///
/// # Errors
/// A value in `seg` that contains one of the loop's delimiters.
pub fn set_segment(lp: &mut Loop, sel: &Selector<'_>, seg: OwnedSegment) -> Result<usize> {
    let l = loc(lp, sel);
    match find(lp, sel) {
        Some(i) => {
            let gap = lp.gap(i).map(|g| g.to_owned()).unwrap_or_default();
            lp.replace(i, seg.with_gap(gap))
                .map_err(|e| EmitError::from_segment_error(e, l))?;
            Ok(i)
        }
        None => add_segment(lp, seg),
    }
}

/// [`set_segment`] with a segment built from simple element values (element 1 first).
///
/// # Errors
/// A value that contains one of the loop's delimiters.
pub fn set_segment_elements(
    lp: &mut Loop,
    sel: &Selector<'_>,
    elements: &[&[u8]],
) -> Result<usize> {
    let seg = build(lp, sel.id, elements)?;
    set_segment(lp, sel, seg)
}

/// Inserts `seg` at its TR3 place in `lp` (after segments of the same id otherwise) with the
/// line break of the segment before it. Returns its index.
///
/// # Errors
/// A value in `seg` that contains one of the loop's delimiters.
pub fn add_segment(lp: &mut Loop, seg: OwnedSegment) -> Result<usize> {
    let s = seg.as_segment();
    let at = insertion_index(lp, s.id().as_bytes(), s.get(1));
    let neighbour = at
        .checked_sub(1)
        .or(if lp.is_empty() { None } else { Some(0) });
    let le = neighbour
        .and_then(|n| lp.gap(n))
        .map_or(LineEnd::None, GapRef::line_end_hint);
    let seg = if *seg.gap() == Gap::default() {
        seg.with_gap(Gap::Terminated(le))
    } else {
        seg
    };
    let l = Location {
        segment_id: seg.id(),
        loop_id: Some(lp.id()),
        ..Location::default()
    };
    lp.insert(at, seg)
        .map_err(|e| EmitError::from_segment_error(e, l))?;
    Ok(at)
}

/// Removes every segment `sel` matches; returns how many.
pub fn remove_segments(lp: &mut Loop, sel: &Selector<'_>) -> usize {
    let mut n = 0;
    while let Some(i) = find(lp, sel) {
        lp.remove(i);
        n += 1;
    }
    n
}

fn check_value(d: Delimiters, value: &[u8], l: Location) -> Result<()> {
    match value.iter().find_map(|&b| delimiter_name(d, b)) {
        Some(which) => Err(EmitError::new(EmitErrorKind::DelimiterInValue(which), l)),
        None => Ok(()),
    }
}

/// Sets element `element` (1-based) of the first segment `sel` matches to `value` (a simple
/// value: it may contain no delimiter). Trailing empty elements are dropped.
///
/// # Errors
/// [`EmitErrorKind::NoSuchSegment`]; [`EmitErrorKind::DelimiterInValue`] naming the element.
pub fn set_element(lp: &mut Loop, sel: &Selector<'_>, element: usize, value: &[u8]) -> Result<()> {
    edit_element(lp, sel, element, 0, value)
}

/// Sets component `component` of element `element` (both 1-based) of the first segment `sel`
/// matches: for example SV101-3 (the first modifier) is `set_component(line, &Selector::new("SV1"),
/// 1, 3, b"25")`. Trailing empty components and elements are dropped.
///
/// # Errors
/// [`EmitErrorKind::NoSuchSegment`]; [`EmitErrorKind::DelimiterInValue`] naming the component.
pub fn set_component(
    lp: &mut Loop,
    sel: &Selector<'_>,
    element: usize,
    component: usize,
    value: &[u8],
) -> Result<()> {
    edit_element(lp, sel, element, component.max(1), value)
}

fn edit_element(
    lp: &mut Loop,
    sel: &Selector<'_>,
    element: usize,
    component: usize,
    value: &[u8],
) -> Result<()> {
    let mut l = loc(lp, sel);
    l.element = u16::try_from(element).unwrap_or(u16::MAX);
    l.component = u8::try_from(component).unwrap_or(u8::MAX);
    let d = lp.delimiters();
    check_value(d, value, l)?;
    let i = find(lp, sel).ok_or_else(|| EmitError::new(EmitErrorKind::NoSuchSegment, l))?;
    let seg = lp
        .segment(i)
        .ok_or_else(|| EmitError::new(EmitErrorKind::NoSuchSegment, l))?;
    if element == 0 {
        return Err(EmitError::new(
            EmitErrorKind::InvalidSegment("element positions start at 1"),
            l,
        ));
    }
    let raw = rewrite(seg.as_bytes(), d, element, component, value);
    let new = OwnedSegment::from_raw(raw, d).map_err(|e| EmitError::from_segment_error(e, l))?;
    lp.replace(i, new)
        .map_err(|e| EmitError::from_segment_error(e, l))?;
    Ok(())
}

/// `raw` with element `element` (component `component`, 0 = whole element) set to `value`.
fn rewrite(raw: &[u8], d: Delimiters, element: usize, component: usize, value: &[u8]) -> Vec<u8> {
    let mut elements: Vec<Vec<u8>> = raw.split(|&b| b == d.element).map(<[u8]>::to_vec).collect();
    while elements.len() <= element {
        elements.push(Vec::new());
    }
    if let Some(e) = elements.get_mut(element) {
        if component == 0 {
            *e = value.to_vec();
        } else {
            let mut comps: Vec<Vec<u8>> =
                e.split(|&b| b == d.component).map(<[u8]>::to_vec).collect();
            while comps.len() < component {
                comps.push(Vec::new());
            }
            if let Some(c) = comps.get_mut(component - 1) {
                *c = value.to_vec();
            }
            while comps.len() > 1 && comps.last().is_some_and(Vec::is_empty) {
                comps.pop();
            }
            *e = comps.join(&d.component);
        }
    }
    while elements.len() > 1 && elements.last().is_some_and(Vec::is_empty) {
        elements.pop();
    }
    elements.join(&d.element)
}

/// Sets the procedure modifiers of a 2400 service line (SV101-3..6, SV202-3..6 or
/// SV301-3..6, whichever service segment the line has); at most four, the rest cleared.
///
/// # Errors
/// [`EmitErrorKind::NoSuchSegment`] when the line has no SV1/SV2/SV3; a modifier containing a
/// delimiter.
pub fn set_modifiers(line: &mut Loop, modifiers: &[&[u8]]) -> Result<()> {
    let sv = line
        .segments()
        .find_map(|s| ClaimKind::from_service_segment(s.id().as_bytes()));
    let Some(kind) = sv else {
        let l = Location {
            loop_id: Some(line.id()),
            ..Location::default()
        };
        return Err(EmitError::new(EmitErrorKind::NoSuchSegment, l));
    };
    let element = if kind == ClaimKind::Institutional {
        2
    } else {
        1
    };
    let sel = Selector::new(kind.service_segment());
    for slot in 0..4 {
        let m: &[u8] = modifiers.get(slot).copied().unwrap_or(b"");
        set_component(line, &sel, element, 3 + slot, m)?;
    }
    Ok(())
}

/// The 2400 service line at `index` (0-based, in input order) of a 2300 claim loop.
pub fn service_line(claim: &mut Loop, index: usize) -> Option<&mut Loop> {
    claim
        .children_mut()
        .iter_mut()
        .filter(|c| c.id() == LoopId::L2400)
        .nth(index)
}

/// One value of a claim, addressed the way corrections name it: loop, service line (for 2400
/// and the loops below it), segment id and qualifier, element and component.
///
/// ```
/// use denali_emit::edit::{Selector, Target};
/// use denali_x12::claim::LoopId;
///
/// // 2010BA NM109 (member id), 2300 REF*G1 value, line 2's SV101-3 (first modifier)
/// let member = Target::new(LoopId::L2010BA, Selector::new("NM1").qualifier(b"IL"), 9);
/// let auth = Target::new(LoopId::L2300, Selector::new("REF").qualifier(b"G1"), 2);
/// let modifier = Target::new(LoopId::L2400, Selector::new("SV1"), 1).component(3).line(1);
/// # let _ = (member, auth, modifier);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Target<'q> {
    /// The loop.
    pub loop_id: LoopId,
    /// For 2400 and the loops below it: which service line (0-based).
    pub line: Option<usize>,
    /// Which segment of the loop.
    pub selector: Selector<'q>,
    /// 1-based element position.
    pub element: usize,
    /// 1-based component position (0 = the whole element).
    pub component: usize,
}

impl<'q> Target<'q> {
    /// A whole element of the first matching segment of a loop.
    pub fn new(loop_id: LoopId, selector: Selector<'q>, element: usize) -> Self {
        Target {
            loop_id,
            line: None,
            selector,
            element,
            component: 0,
        }
    }

    /// One component of the element.
    pub fn component(self, component: usize) -> Self {
        Target { component, ..self }
    }

    /// On service line `index` (0-based).
    pub fn line(self, index: usize) -> Self {
        Target {
            line: Some(index),
            ..self
        }
    }

    fn resolve<'c>(&self, claim: &'c mut ClaimWithContext) -> Option<&'c mut Loop> {
        let in_line = matches!(
            self.loop_id,
            LoopId::L2400 | LoopId::L2410 | LoopId::L2420(_) | LoopId::L2430 | LoopId::L2440
        );
        if !in_line {
            return claim.find_loop_mut(self.loop_id);
        }
        let line = service_line(&mut claim.claim, self.line.unwrap_or(0))?;
        line.find_loop_mut(self.loop_id)
    }
}

/// Sets the value a [`Target`] names (an empty value clears it; trailing empty elements are
/// dropped).
///
/// # Errors
/// [`EmitErrorKind::NoSuchLoop`], [`EmitErrorKind::NoSuchSegment`], or a value containing a
/// delimiter.
pub fn set_value(claim: &mut ClaimWithContext, target: &Target<'_>, value: &[u8]) -> Result<()> {
    let Some(lp) = target.resolve(claim) else {
        let l = Location {
            loop_id: Some(target.loop_id),
            ..Location::default()
        };
        return Err(EmitError::new(EmitErrorKind::NoSuchLoop, l));
    };
    if target.component == 0 {
        set_element(lp, &target.selector, target.element, value)
    } else {
        set_component(
            lp,
            &target.selector,
            target.element,
            target.component,
            value,
        )
    }
}

/// Sets the claim frequency code CLM05-3 of a 2300 loop and the matching REF*F8.
///
/// * Replacement (`7`) or void (`8`): REF*F8 must carry the payer's claim control number of the
///   original (the 835's CLP07). `original_icn` replaces an existing REF*F8 or adds one in its
///   TR3 place; without it an existing REF*F8 is kept, and none at all is an error.
/// * Any other code: an existing REF*F8 is removed unless `original_icn` is given (a new
///   original claim carries none).
///
/// # Errors
/// [`EmitErrorKind::NoSuchSegment`] without CLM; [`EmitErrorKind::MissingOriginalClaimNumber`];
/// a value containing a delimiter.
pub fn set_frequency(
    claim: &mut Loop,
    code: FrequencyCode,
    original_icn: Option<&[u8]>,
) -> Result<()> {
    let clm = Selector::new("CLM");
    let f8 = Selector::new("REF").qualifier(b"F8");
    if find(claim, &clm).is_none() {
        return Err(EmitError::new(
            EmitErrorKind::NoSuchSegment,
            loc(claim, &clm),
        ));
    }
    if code.needs_original_reference() && original_icn.is_none() && find(claim, &f8).is_none() {
        let mut l = loc(claim, &f8);
        l.element = 2;
        return Err(EmitError::new(EmitErrorKind::MissingOriginalClaimNumber, l));
    }
    if let Some(icn) = original_icn {
        let mut l = loc(claim, &f8);
        l.element = 2;
        check_value(claim.delimiters(), icn, l)?;
    }
    set_component(claim, &clm, 5, 3, &[code.as_byte()])?;
    match original_icn {
        Some(icn) => {
            set_segment_elements(claim, &f8, &[b"F8", icn])?;
        }
        None if !code.needs_original_reference() => {
            remove_segments(claim, &f8);
        }
        None => {}
    }
    Ok(())
}

/// Where a segment with this id and qualifier (element 1) goes in `lp` by the TR3 order of the
/// loop; after the last segment of the same id when the loop or segment is not in the tables.
pub fn insertion_index(lp: &Loop, id: &[u8], qualifier: &[u8]) -> usize {
    let kind = lp.kind();
    let rank_new = rank(lp.id(), kind, id, qualifier);
    match rank_new {
        Some(r) => {
            let mut at = None;
            for (i, s) in lp.segments().enumerate() {
                if let Some(rs) = rank(lp.id(), kind, s.id().as_bytes(), s.get(1))
                    && rs <= r
                {
                    at = Some(i + 1);
                }
            }
            at.unwrap_or(0)
        }
        None => lp
            .segments()
            .enumerate()
            .filter(|(_, s)| s.id().as_bytes() == id)
            .map(|(i, _)| i + 1)
            .last()
            .unwrap_or(lp.len()),
    }
}

/// TR3 position of a segment in a loop (smaller comes first); `None` when unknown.
fn rank(lp: LoopId, kind: Option<ClaimKind>, id: &[u8], q: &[u8]) -> Option<u32> {
    let base: u32 = match lp {
        LoopId::L2300 => match id {
            b"CLM" => 10,
            b"DTP" => 20,
            b"CL1" => 25,
            b"DN1" => 26,
            b"DN2" => 27,
            b"PWK" => 30,
            b"CN1" => 40,
            b"AMT" => 50,
            b"REF" => return Some(600 + ref_rank_2300(q)),
            b"K3" => 70,
            b"NTE" => 80,
            b"CR1" => 90,
            b"CR2" => 100,
            b"CRC" => 110,
            b"HI" => 120,
            b"HCP" => 130,
            _ => return None,
        },
        LoopId::L2400 => match id {
            b"LX" => 10,
            b"SV1" | b"SV2" | b"SV3" => 20,
            b"TOO" => 25,
            b"SV5" => 30,
            b"PWK" => 40,
            b"CR1" => 50,
            b"CR3" => 60,
            b"CRC" => 70,
            b"DTP" => 80,
            b"QTY" => 90,
            b"MEA" => 100,
            b"CN1" => 110,
            b"REF" => return Some(1200 + ref_rank_2400(kind, q)),
            b"AMT" => 130,
            b"K3" => 140,
            b"NTE" => 150,
            b"PS1" => 160,
            b"HCP" => 170,
            _ => return None,
        },
        LoopId::L2000A | LoopId::L2000B | LoopId::L2000C => match id {
            b"HL" => 10,
            b"PRV" | b"SBR" => 20,
            b"PAT" | b"CUR" => 30,
            _ => return None,
        },
        LoopId::L2320 => match id {
            b"SBR" => 10,
            b"CAS" => 20,
            b"AMT" => 30,
            b"OI" => 40,
            b"MIA" => 45,
            b"MOA" => 50,
            _ => return None,
        },
        LoopId::L2410 => match id {
            b"LIN" => 10,
            b"CTP" => 20,
            b"REF" => 30,
            _ => return None,
        },
        LoopId::L2430 => match id {
            b"SVD" => 10,
            b"CAS" => 20,
            b"DTP" => 30,
            b"AMT" => 40,
            _ => return None,
        },
        LoopId::Header | LoopId::Trailer | LoopId::L2440 | LoopId::L2000Other => return None,
        // Name loops: 1000A/B, 2010xx, 2310x, 2330x, 2420x.
        _ => match id {
            b"NM1" => 10,
            b"PRV" => 15,
            b"N3" => 20,
            b"N4" => 30,
            b"DMG" => 40,
            b"DTP" => 45,
            b"REF" => 50,
            b"PER" => 60,
            _ => return None,
        },
    };
    Some(base * 10)
}

fn ref_rank_2300(q: &[u8]) -> u32 {
    const ORDER: [&[u8]; 17] = [
        b"G3", b"4N", b"F5", b"EW", b"9F", b"G1", b"F8", b"X4", b"9A", b"9C", b"LX", b"D9", b"LU",
        b"EA", b"P4", b"G4", b"1J",
    ];
    ORDER
        .iter()
        .position(|o| *o == q)
        .map_or(ORDER.len() as u32, |p| p as u32)
}

fn ref_rank_2400(kind: Option<ClaimKind>, q: &[u8]) -> u32 {
    const PROFESSIONAL: [&[u8]; 9] = [
        b"9B", b"9D", b"G1", b"6R", b"EW", b"X4", b"F4", b"BT", b"9F",
    ];
    const INSTITUTIONAL: [&[u8]; 3] = [b"6R", b"9B", b"9D"];
    let order: &[&[u8]] = if kind == Some(ClaimKind::Institutional) {
        &INSTITUTIONAL
    } else {
        &PROFESSIONAL
    };
    order
        .iter()
        .position(|o| *o == q)
        .map_or(order.len() as u32, |p| p as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lp(id: LoopId, raws: &[&str]) -> Loop {
        let d = Delimiters::default();
        let mut l = Loop::new(id, Some(ClaimKind::Professional), d);
        for r in raws {
            l.push(
                OwnedSegment::from_raw(r.as_bytes().to_vec(), d)
                    .unwrap()
                    .with_gap(Gap::Terminated(LineEnd::Lf)),
            )
            .unwrap();
        }
        l
    }

    fn raws(l: &Loop) -> Vec<String> {
        l.segments()
            .map(|s| String::from_utf8_lossy(s.as_bytes()).into_owned())
            .collect()
    }

    #[test]
    fn frequency_and_f8() {
        let mut c = lp(
            LoopId::L2300,
            &[
                "CLM*A*10***11:B:1*Y",
                "REF*9F*R1",
                "REF*X4*C1",
                "HI*ABK:R05",
            ],
        );
        set_frequency(&mut c, FrequencyCode::REPLACEMENT, Some(b"ICN")).unwrap();
        assert_eq!(
            raws(&c),
            [
                "CLM*A*10***11:B:7*Y",
                "REF*9F*R1",
                "REF*F8*ICN",
                "REF*X4*C1",
                "HI*ABK:R05"
            ]
        );
        assert_eq!(c.gap(2), Some(GapRef::Terminated(LineEnd::Lf)));
        set_frequency(&mut c, FrequencyCode::VOID, Some(b"ICN2")).unwrap();
        assert_eq!(raws(&c)[2], "REF*F8*ICN2");
        assert_eq!(raws(&c)[0], "CLM*A*10***11:B:8*Y");
        set_frequency(&mut c, FrequencyCode::ORIGINAL, None).unwrap();
        assert_eq!(
            raws(&c),
            [
                "CLM*A*10***11:B:1*Y",
                "REF*9F*R1",
                "REF*X4*C1",
                "HI*ABK:R05"
            ]
        );
        let e = set_frequency(&mut c, FrequencyCode::REPLACEMENT, None).unwrap_err();
        assert!(matches!(
            e.kind(),
            EmitErrorKind::MissingOriginalClaimNumber
        ));
        let e = set_frequency(&mut c, FrequencyCode::REPLACEMENT, Some(b"A~B")).unwrap_err();
        assert!(matches!(
            e.kind(),
            EmitErrorKind::DelimiterInValue("segment terminator")
        ));
        assert_eq!(
            e.to_string(),
            "a value contains the segment terminator (segment REF, element REF02, loop 2300)"
        );
        // no REF at all: F8 goes after DTP, before HI
        let mut c = lp(
            LoopId::L2300,
            &[
                "CLM*A*10***11:B:1",
                "DTP*431*D8*20240101",
                "NTE*ADD*X",
                "HI*ABK:R05",
            ],
        );
        set_frequency(&mut c, FrequencyCode::REPLACEMENT, Some(b"ICN")).unwrap();
        assert_eq!(raws(&c)[2], "REF*F8*ICN");
    }

    #[test]
    fn elements_and_components() {
        let mut line = lp(
            LoopId::L2400,
            &["LX*1", "SV1*HC:99213*100*UN*1***1", "DTP*472*D8*20240101"],
        );
        set_modifiers(&mut line, &[b"25", b"59"]).unwrap();
        assert_eq!(raws(&line)[1], "SV1*HC:99213:25:59*100*UN*1***1");
        set_modifiers(&mut line, &[]).unwrap();
        assert_eq!(raws(&line)[1], "SV1*HC:99213*100*UN*1***1");
        set_element(&mut line, &Selector::new("SV1"), 4, b"2").unwrap();
        assert_eq!(raws(&line)[1], "SV1*HC:99213*100*UN*2***1");
        set_element(&mut line, &Selector::new("SV1"), 7, b"").unwrap();
        assert_eq!(raws(&line)[1], "SV1*HC:99213*100*UN*2");
        set_segment_elements(
            &mut line,
            &Selector::new("REF").qualifier(b"6R"),
            &[b"6R", b"L1"],
        )
        .unwrap();
        assert_eq!(raws(&line)[3], "REF*6R*L1");
        let e = set_element(&mut line, &Selector::new("SV1"), 2, b"1:2").unwrap_err();
        assert_eq!(e.location().element, 2);
        assert!(set_element(&mut line, &Selector::new("NM1"), 9, b"X").is_err());
        let mut nm = lp(
            LoopId::L2010BA,
            &["NM1*IL*1*DOE*JANE****MI*OLD", "N3*1 MAIN"],
        );
        set_element(&mut nm, &Selector::new("NM1").qualifier(b"IL"), 9, b"NEW").unwrap();
        assert_eq!(raws(&nm)[0], "NM1*IL*1*DOE*JANE****MI*NEW");
        assert_eq!(remove_segments(&mut nm, &Selector::new("N3")), 1);
    }
}
