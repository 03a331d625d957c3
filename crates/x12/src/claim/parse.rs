//! From a [`TransactionSet`] to a lossless [`Claim837Set`].
//!
//! # How segments find their loop
//!
//! A stack holds the open loops, root (header) first. For each segment we ask, from the
//! innermost open loop outwards, whether that loop starts a child loop with this segment (2300
//! starts 2310x on a provider NM1, 2320 on SBR, 2400 on LX; 2400 starts 2410 on LIN, 2420x on
//! NM1, 2430 on SVD…). The first loop that says yes gets the new child, everything inside it is
//! closed; if none does, the segment joins the innermost loop. HL always opens a new level under
//! the root, and SE goes to the trailer. So every segment lands somewhere and input order is
//! kept: a loop's own segments precede its children (see [`Loop`]'s layout notes).
//!
//! Which letter a provider loop gets (2310B vs 2310D) depends on the kind, which therefore has
//! to be known first: one quick pass looks for the first SV1/SV2/SV3.

use crate::claim::kind::{ClaimKind, LoopId};
use crate::claim::loops::Loop;
use crate::claim::model::{Claim837Set, hl_parent};
use crate::claim::owned::{GapRef, LineEnd, classify_standard};
use crate::error::{Diagnostic, DiagnosticCode, Error, Position, Result};
use crate::reader::{ParseOptions, TransactionSet};
use crate::segment::Segment;
use crate::value;

/// Reads one 837 transaction set (ST..SE) into a lossless [`Claim837Set`].
///
/// The kind (P/I/D) comes from the service lines when there are any (SV1/SV2/SV3) and otherwise
/// from the ST03/GS08 label; when the label names another kind than the content, the content
/// wins and a [`DiagnosticCode::VersionMismatch`] warning says so. Every segment is kept, in its
/// loop, with the bytes between segments, so writing the set back (see `denali-emit`) gives the
/// input byte for byte; the gap after SE is outside the set and is guessed from the others
/// until [`Claim837Set::set_trailing_gap`] sets it.
///
/// Diagnostics: HL levels whose HL02 names no earlier level (or themselves) get
/// [`DiagnosticCode::HlParentMissing`], levels under the wrong kind of parent
/// [`DiagnosticCode::HlLevelMismatch`]; missing BHT/1000A/1000B/SBR/CLM01/service segments are
/// reported, and so are charges and service dates that do not decode. Never panics and never
/// fails; use [`try_parse_837`] to honour [`ParseOptions::strict`].
pub fn parse_837(tx: &TransactionSet<'_>, opts: &ParseOptions) -> (Claim837Set, Vec<Diagnostic>) {
    let _ = opts;
    let mut diags = Vec::new();
    let d = tx.delimiters();
    let st_pos = tx.position();
    if tx.set_id != "837" {
        diags.push(Diagnostic::error(
            DiagnosticCode::WrongTransactionType,
            st_pos.at_element(1),
            "ST01 is not 837; read with the 837 loop structure anyway",
        ));
    }
    let label = ClaimKind::from_version(&tx.version);
    let content = tx
        .segments()
        .find_map(|s| ClaimKind::from_service_segment(s.id().as_bytes()).map(|k| (k, s.position())));
    let kind = match (content, label) {
        (Some((c, pos)), Some(l)) if c != l => {
            diags.push(Diagnostic::warning(
                DiagnosticCode::VersionMismatch,
                pos,
                format!(
                    "the version label names {} but the service lines are {}; read as {}",
                    l.as_str(),
                    c.service_segment(),
                    c.as_str()
                ),
            ));
            Some(c)
        }
        (Some((c, _)), _) => Some(c),
        (None, l) => l,
    };

    let mut b = Builder {
        kind,
        stack: vec![Loop::with_capacity(LoopId::Header, kind, d, 4, 128)],
        trailer: Loop::new(LoopId::Trailer, kind, d),
        seen_hl: false,
        d,
        diags: Vec::new(),
    };
    for_each_with_gap(tx, |seg, gap| b.push(seg, gap));
    let Builder { mut stack, trailer, diags: more, .. } = b;
    while stack.len() > 1 {
        close(&mut stack);
    }
    let root = stack.pop().unwrap_or_else(|| Loop::new(LoopId::Header, kind, d));
    diags.extend(more);
    let set = Claim837Set { kind, label, version: tx.version.clone(), root, trailer };
    check(&set, st_pos, &mut diags);
    (set, diags)
}

/// [`parse_837`], turning the first diagnostic into an error when `opts.strict` is set.
///
/// # Errors
/// With `opts.strict`, the first diagnostic as an [`Error`] (kind `Strict`).
pub fn try_parse_837(
    tx: &TransactionSet<'_>,
    opts: &ParseOptions,
) -> Result<(Claim837Set, Vec<Diagnostic>)> {
    let (set, diags) = parse_837(tx, opts);
    if opts.strict {
        if let Some(d) = diags.into_iter().next() {
            return Err(Error::from(d));
        }
        return Ok((set, Vec::new()));
    }
    Ok((set, diags))
}

/// Calls `f` with every segment of `tx` and the bytes that follow it up to the next segment
/// (classified as a standard terminator + line break when they are one). The gap after the last
/// segment lies outside the set; it is guessed as the line break seen before it.
pub(crate) fn for_each_with_gap<'t>(
    tx: &TransactionSet<'t>,
    mut f: impl FnMut(&Segment<'t>, GapRef<'t>),
) {
    let d = tx.delimiters();
    let data = tx.as_bytes();
    let base = tx.position().offset;
    let mut it = tx.segments();
    let mut cur = it.next();
    let mut last_le = LineEnd::None;
    while let Some(seg) = cur {
        let next = it.next();
        let rel_end = rel(seg.position().offset, base).saturating_add(seg.as_bytes().len());
        let gap = match &next {
            Some(n) => {
                let g = data.get(rel_end..rel(n.position().offset, base)).unwrap_or(&[]);
                match classify_standard(g, d.segment) {
                    Some(le) => {
                        last_le = le;
                        GapRef::Terminated(le)
                    }
                    None => GapRef::Verbatim(g),
                }
            }
            None => GapRef::Terminated(last_le),
        };
        f(&seg, gap);
        cur = next;
    }
}

impl Loop {
    /// Every segment of a transaction set (of any type) in one flat loop with id
    /// [`LoopId::Header`], lossless like [`parse_837`]: for sets the typed models do not cover.
    pub fn from_transaction(tx: &TransactionSet<'_>) -> Loop {
        let bytes = tx.as_bytes().len();
        let mut l = Loop::with_capacity(LoopId::Header, None, tx.delimiters(), tx.segment_count(), bytes);
        for_each_with_gap(tx, |seg, gap| l.push_borrowed(seg, gap));
        l
    }
}

fn rel(offset: u64, base: u64) -> usize {
    usize::try_from(offset.saturating_sub(base)).unwrap_or(usize::MAX)
}

/// Pops the innermost loop into its parent's children.
fn close(stack: &mut Vec<Loop>) {
    if stack.len() < 2 {
        return;
    }
    if let Some(child) = stack.pop()
        && let Some(parent) = stack.last_mut()
    {
        parent.children_mut().push(child);
    }
}

struct Builder {
    kind: Option<ClaimKind>,
    stack: Vec<Loop>,
    trailer: Loop,
    seen_hl: bool,
    d: crate::Delimiters,
    diags: Vec<Diagnostic>,
}

impl Builder {
    fn open(&mut self, depth: usize, id: LoopId) {
        while self.stack.len() > depth {
            close(&mut self.stack);
        }
        self.stack.push(Loop::with_capacity(id, self.kind, self.d, 6, 192));
    }

    fn append(&mut self, seg: &Segment<'_>, gap: GapRef<'_>) {
        if let Some(top) = self.stack.last_mut() {
            top.push_borrowed(seg, gap);
        }
    }

    fn push(&mut self, seg: &Segment<'_>, gap: GapRef<'_>) {
        let id = seg.id();
        match id.as_bytes() {
            b"SE" => {
                self.trailer.push_borrowed(seg, gap);
                return;
            }
            b"HL" => {
                self.seen_hl = true;
                self.open(1, LoopId::from_hl_code(seg.get(3)));
                self.append(seg, gap);
                return;
            }
            _ => {}
        }
        let found = self
            .stack
            .iter()
            .enumerate()
            .rev()
            .find_map(|(depth, l)| child_loop(l.id(), seg, self.kind, self.seen_hl).map(|c| (depth, c)));
        match found {
            Some((depth, child)) => {
                self.open(depth + 1, child);
            }
            None if id.is("CLM") => {
                self.diags.push(Diagnostic::warning(
                    DiagnosticCode::UnexpectedSegment,
                    seg.position(),
                    "CLM outside a subscriber or patient level; kept where it is",
                ));
            }
            None => {}
        }
        self.append(seg, gap);
    }
}

/// The loop `seg` starts as a child of a loop `parent`, if it starts one.
fn child_loop(parent: LoopId, seg: &Segment<'_>, kind: Option<ClaimKind>, seen_hl: bool) -> Option<LoopId> {
    let id = seg.id();
    let id = id.as_bytes();
    match (parent, id) {
        (LoopId::Header, b"NM1") if !seen_hl => match seg.get(1) {
            b"41" => Some(LoopId::L1000A),
            b"40" => Some(LoopId::L1000B),
            _ => None,
        },
        (LoopId::L2000A, b"NM1") => match seg.get(1) {
            b"85" => Some(LoopId::L2010AA),
            b"87" => Some(LoopId::L2010AB),
            b"PE" => Some(LoopId::L2010AC),
            _ => None,
        },
        (LoopId::L2000B, b"NM1") => match seg.get(1) {
            b"IL" => Some(LoopId::L2010BA),
            b"PR" => Some(LoopId::L2010BB),
            _ => None,
        },
        (LoopId::L2000C, b"NM1") => match seg.get(1) {
            b"QC" => Some(LoopId::L2010CA),
            _ => None,
        },
        (p, b"CLM") if p.is_hl() => Some(LoopId::L2300),
        (LoopId::L2300, b"SBR") => Some(LoopId::L2320),
        (LoopId::L2300, b"LX") => Some(LoopId::L2400),
        (LoopId::L2300 | LoopId::L2320 | LoopId::L2400, b"NM1") => {
            LoopId::provider_loop(parent, kind, seg.get(1))
        }
        (LoopId::L2400, b"LIN") => Some(LoopId::L2410),
        (LoopId::L2400, b"SVD") => Some(LoopId::L2430),
        (LoopId::L2400, b"LQ") => Some(LoopId::L2440),
        _ => None,
    }
}

/// Structure and value checks on a parsed set.
fn check(set: &Claim837Set, st_pos: Position, diags: &mut Vec<Diagnostic>) {
    let root = set.root();
    if root.first("BHT").is_none() {
        diags.push(Diagnostic::warning(DiagnosticCode::MissingSegment, st_pos, "no BHT segment"));
    }
    if root.child(LoopId::L1000A).is_none() {
        diags.push(Diagnostic::warning(
            DiagnosticCode::MissingSegment,
            st_pos,
            "no submitter name (1000A NM1*41)",
        ));
    }
    if root.child(LoopId::L1000B).is_none() {
        diags.push(Diagnostic::warning(
            DiagnosticCode::MissingSegment,
            st_pos,
            "no receiver name (1000B NM1*40)",
        ));
    }
    let kids = root.children();
    for (i, l) in kids.iter().enumerate() {
        if !l.id().is_hl() {
            continue;
        }
        let Some(hl) = l.first("HL") else { continue };
        check_hl(kids, i, l, &hl, diags);
        if l.id() == LoopId::L2000B && l.first("SBR").is_none() {
            diags.push(Diagnostic::warning(
                DiagnosticCode::MissingSegment,
                hl.position(),
                "subscriber level without SBR",
            ));
        }
        for c in l.children_with(LoopId::L2300) {
            check_claim(c, diags);
        }
    }
}

fn check_hl(kids: &[Loop], i: usize, l: &Loop, hl: &Segment<'_>, diags: &mut Vec<Diagnostic>) {
    let parent_id = hl.get(2);
    if hl.get(1).is_empty() {
        diags.push(Diagnostic::error(DiagnosticCode::MissingElement, hl.element_position(1), "HL01 is empty"));
    }
    if parent_id.is_empty() {
        if matches!(l.id(), LoopId::L2000B | LoopId::L2000C) {
            diags.push(Diagnostic::error(
                DiagnosticCode::HlParentMissing,
                hl.element_position(2),
                "subscriber or patient level without a parent (HL02 empty)",
            ));
        }
        return;
    }
    if parent_id == hl.get(1) {
        diags.push(Diagnostic::error(
            DiagnosticCode::HlParentMissing,
            hl.element_position(2),
            "HL02 names the level itself",
        ));
        return;
    }
    let Some(p) = hl_parent(kids, i) else {
        diags.push(Diagnostic::error(
            DiagnosticCode::HlParentMissing,
            hl.element_position(2),
            "HL02 names no earlier HL level",
        ));
        return;
    };
    let parent_kind = kids.get(p).map(Loop::id);
    let expected = match l.id() {
        LoopId::L2000B => Some(LoopId::L2000A),
        LoopId::L2000C => Some(LoopId::L2000B),
        _ => None,
    };
    if let (Some(want), Some(got)) = (expected, parent_kind)
        && want != got
    {
        diags.push(Diagnostic::warning(
            DiagnosticCode::HlLevelMismatch,
            hl.element_position(2),
            format!("the parent of a {} level is a {} level, not {}", l.id(), got, want),
        ));
    }
}

fn check_claim(c: &Loop, diags: &mut Vec<Diagnostic>) {
    let Some(clm) = c.first("CLM") else { return };
    if clm.get(1).is_empty() {
        diags.push(Diagnostic::error(
            DiagnosticCode::MissingElement,
            clm.element_position(1),
            "CLM01 patient control number is empty",
        ));
    }
    if value::decimal(clm.get(2)).is_none() {
        diags.push(Diagnostic::error(
            DiagnosticCode::InvalidValue,
            clm.element_position(2),
            "CLM02 total charge is not a number",
        ));
    }
    if clm.get(5).is_empty() {
        diags.push(Diagnostic::error(
            DiagnosticCode::MissingElement,
            clm.element_position(5),
            "CLM05 facility code / frequency composite is empty",
        ));
    }
    for line in c.children_with(LoopId::L2400) {
        let sv = line
            .segments()
            .find(|s| ClaimKind::from_service_segment(s.id().as_bytes()).is_some());
        let Some(sv) = sv else {
            let pos = line.segment(0).map(|s| s.position()).unwrap_or_default();
            diags.push(Diagnostic::error(
                DiagnosticCode::MissingSegment,
                pos,
                "service line without SV1, SV2 or SV3",
            ));
            continue;
        };
        let n = if sv.id().is("SV2") { 3 } else { 2 };
        if value::decimal(sv.get(n)).is_none() {
            diags.push(Diagnostic::error(
                DiagnosticCode::InvalidValue,
                sv.element_position(n),
                "line charge is not a number",
            ));
        }
        for dtp in line.segments().filter(|s| s.id().is("DTP") && s.get(1) == b"472") {
            if crate::claim::view::DatePeriod::from_dtp(dtp.get(2), dtp.get(3)).is_none() {
                diags.push(Diagnostic::error(
                    DiagnosticCode::InvalidValue,
                    dtp.element_position(3),
                    "service date does not decode",
                ));
            }
        }
    }
}
