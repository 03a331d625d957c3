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
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

use crate::claim::loops::{Entry, GapKind, Loop, Shared};
use crate::claim::model::Claim837Set;
use crate::claim::owned::{LineEnd, classify_standard};
use crate::error::{Diagnostic, DiagnosticCode, Error, Position, Result};
use crate::reader::{ParseOptions, TransactionSet};
use crate::segment::Segment;

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
    let st_pos = tx.position();
    if tx.set_id != "837" {
        diags.push(Diagnostic::error(
            DiagnosticCode::WrongTransactionType,
            st_pos.at_element(1),
            "ST01 is not 837; read with the 837 loop structure anyway",
        ));
    }
    let label = ClaimKind::from_version(&tx.version);
    let content = tx.segments().find_map(|s| {
        ClaimKind::from_service_segment(s.id().as_bytes()).map(|k| (k, s.position()))
    });
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

    let (root, trailer, more) = build(tx, kind);
    diags.extend(more);
    let set = Claim837Set {
        kind,
        label,
        version: tx.version.clone(),
        root,
        trailer,
    };
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

/// The shared bytes and entries of a transaction set: every segment with the bytes that
/// follow it up to the next segment. The gap after the last segment lies outside the set; it is
/// guessed as the line break seen before it and appended to the shared bytes.
fn scan(tx: &TransactionSet<'_>) -> Shared {
    let d = tx.delimiters();
    let data = tx.as_bytes();
    let base = tx.position().offset;
    let mut entries = Vec::with_capacity(tx.segment_count());
    let mut last_le = LineEnd::None;
    let mut prev: Option<(Entry, usize)> = None;
    for seg in tx.segments() {
        let start = rel(seg.position().offset, base);
        if let Some((mut e, end)) = prev.take() {
            let g = data.get(end..start).unwrap_or(&[]);
            e.gap = match classify_standard(g, d.segment) {
                Some(le) => {
                    last_le = le;
                    GapKind::Terminated(le)
                }
                None => GapKind::Verbatim,
            };
            e.gap_end = u32::try_from(start).unwrap_or(u32::MAX);
            entries.push(e);
        }
        let end = start.saturating_add(seg.as_bytes().len());
        let e = Entry {
            start: u32::try_from(start).unwrap_or(u32::MAX),
            end: u32::try_from(end).unwrap_or(u32::MAX),
            gap_end: 0,
            index: seg.position().segment_index,
            id: seg.id(),
            gap: GapKind::Terminated(last_le),
            local: false,
        };
        prev = Some((e, end));
    }
    let tail_le = last_le;
    let tail_start = data.len();
    if let Some((mut e, _)) = prev {
        e.gap = GapKind::Terminated(tail_le);
        e.gap_end = u32::try_from(tail_start + 1 + tail_le.as_bytes().len()).unwrap_or(u32::MAX);
        entries.push(e);
    }
    let mut bytes = Vec::with_capacity(tail_start + 3);
    bytes.extend_from_slice(data);
    bytes.push(d.segment);
    bytes.extend_from_slice(tail_le.as_bytes());
    Shared {
        bytes,
        entries,
        base,
    }
}

const NONE: u32 = u32::MAX;
const HAS_SERVICE: u8 = 1;
const HAS_SBR: u8 = 2;

/// Where one loop's entries are and where it hangs in the tree (children as a linked list).
struct Plan {
    id: LoopId,
    start: u32,
    end: u32,
    first_child: u32,
    last_child: u32,
    next: u32,
    children: usize,
    flags: u8,
}

impl Plan {
    fn new(id: LoopId, at: u32) -> Plan {
        Plan {
            id,
            start: at,
            end: at,
            first_child: NONE,
            last_child: NONE,
            next: NONE,
            children: 0,
            flags: 0,
        }
    }
}

/// Assigns every segment to its loop (see the module notes), checks values and HL links on
/// the way, and builds the loop tree over the shared bytes and entries. Returns the root, the
/// trailer (SE) and diagnostics.
fn build(tx: &TransactionSet<'_>, kind: Option<ClaimKind>) -> (Loop, Loop, Vec<Diagnostic>) {
    let d = tx.delimiters();
    let st_pos = tx.position();
    let data = tx.as_bytes();
    let base = st_pos.offset;
    let count = tx.segment_count();
    let mut bytes = Vec::with_capacity(data.len() + 3);
    bytes.extend_from_slice(data);
    let mut entries: Vec<Entry> = Vec::with_capacity(count);
    let mut last_le = LineEnd::None;
    let mut prev: Option<(Entry, usize)> = None;
    let mut diags = Vec::new();
    let mut has_se = false;
    let mut plans = Vec::with_capacity(count / 3 + 4);
    plans.push(Plan::new(LoopId::Header, 0));
    let mut stack: Vec<usize> = vec![0];
    let mut seen_hl = false;
    let (mut seen_bht, mut seen_1000a, mut seen_1000b) = (false, false, false);
    // HL01 → level of the latest HL with that id (ids may repeat within a set).
    let mut levels: HashMap<&[u8], LoopId, BuildHasherDefault<Fnv>> =
        HashMap::with_capacity_and_hasher(count / 16, BuildHasherDefault::default());
    for (i, seg) in tx.segments().enumerate() {
        // The entry of the previous segment is complete once we know where this one starts.
        let pos = seg.position();
        let start = rel(pos.offset, base);
        if let Some((mut e, end)) = prev.take() {
            let g = data.get(end..start).unwrap_or(&[]);
            e.gap = match classify_standard(g, d.segment) {
                Some(le) => {
                    last_le = le;
                    GapKind::Terminated(le)
                }
                None => GapKind::Verbatim,
            };
            e.gap_end = u32::try_from(start).unwrap_or(u32::MAX);
            entries.push(e);
        }
        let end = start.saturating_add(seg.as_bytes().len());
        let sid = seg.id();
        prev = Some((
            Entry {
                start: u32::try_from(start).unwrap_or(u32::MAX),
                end: u32::try_from(end).unwrap_or(u32::MAX),
                gap_end: 0,
                index: pos.segment_index,
                id: sid,
                gap: GapKind::Terminated(last_le),
                local: false,
            },
            end,
        ));
        let id = sid.as_bytes();
        if id == b"SE" && i + 1 == count {
            has_se = true;
            continue;
        }
        let i32_ = u32::try_from(i).unwrap_or(u32::MAX);
        let opened = match id {
            b"HL" => {
                seen_hl = true;
                let [hl01, hl02, hl03] = first_elements::<3>(&seg);
                let level = LoopId::from_hl_code(hl03);
                check_hl(&seg, hl01, hl02, level, &levels, &mut diags);
                if levels.insert(hl01, level).is_some() && !hl01.is_empty() {
                    diags.push(Diagnostic::error(
                        DiagnosticCode::HlDuplicate,
                        seg.element_position(1),
                        "HL01 repeats an earlier level's id (each level's id is unique in a set); a later HL02 names the latest",
                    ));
                }
                Some((1, level))
            }
            _ if may_start_loop(id) => {
                let [q] = if id == b"NM1" {
                    first_elements::<1>(&seg)
                } else {
                    [&[][..]]
                };
                let found = stack.iter().enumerate().rev().find_map(|(depth, &p)| {
                    let parent = plans.get(p)?.id;
                    child_loop(parent, id, q, kind, seen_hl).map(|c| (depth + 1, c))
                });
                if id == b"CLM" {
                    if found.is_none() {
                        diags.push(Diagnostic::warning(
                            DiagnosticCode::UnexpectedSegment,
                            seg.position(),
                            "CLM outside a subscriber or patient level; kept where it is",
                        ));
                    }
                    check_clm(&seg, &mut diags);
                }
                found
            }
            _ => None,
        };
        if let Some((depth, lid)) = opened {
            stack.truncate(depth.max(1));
            let parent = stack.last().copied().unwrap_or(0);
            let me = u32::try_from(plans.len()).unwrap_or(NONE);
            plans.push(Plan::new(lid, i32_));
            let prev_last = plans.get(parent).map_or(NONE, |p| p.last_child);
            if let Some(p) = plans.get_mut(parent) {
                p.children += 1;
                if p.first_child == NONE {
                    p.first_child = me;
                }
                p.last_child = me;
            }
            if let Some(prev) = plans.get_mut(prev_last as usize) {
                prev.next = me;
            }
            stack.push(plans.len() - 1);
            match lid {
                LoopId::L1000A => seen_1000a = true,
                LoopId::L1000B => seen_1000b = true,
                _ => {}
            }
        }
        let top = stack.last().copied().unwrap_or(0);
        let Some(p) = plans.get_mut(top) else {
            continue;
        };
        p.end = i32_ + 1;
        match id {
            b"BHT" => seen_bht = true,
            b"SBR" if p.id == LoopId::L2000B => p.flags |= HAS_SBR,
            b"SV1" | b"SV2" | b"SV3" if p.id == LoopId::L2400 => {
                p.flags |= HAS_SERVICE;
                check_service(&seg, &mut diags);
            }
            b"DTP" if p.id == LoopId::L2400 => check_service_date(&seg, &mut diags),
            _ => {}
        }
    }
    // The gap after the last segment lies outside the set: guess it from the one before.
    if let Some((mut e, _)) = prev {
        e.gap = GapKind::Terminated(last_le);
        e.gap_end = u32::try_from(data.len() + 1 + last_le.as_bytes().len()).unwrap_or(u32::MAX);
        entries.push(e);
    }
    bytes.push(d.segment);
    bytes.extend_from_slice(last_le.as_bytes());
    let shared = Shared {
        bytes,
        entries,
        base,
    };
    let body = if has_se {
        count.saturating_sub(1)
    } else {
        count
    };
    drop(levels);
    for (present, what) in [
        (seen_bht, "no BHT segment"),
        (seen_1000a, "no submitter name (1000A NM1*41)"),
        (seen_1000b, "no receiver name (1000B NM1*40)"),
    ] {
        if !present {
            diags.push(Diagnostic::warning(
                DiagnosticCode::MissingSegment,
                st_pos,
                what,
            ));
        }
    }
    for p in &plans {
        let missing = match p.id {
            LoopId::L2400 if p.flags & HAS_SERVICE == 0 => "service line without SV1, SV2 or SV3",
            LoopId::L2000B if p.flags & HAS_SBR == 0 => "subscriber level without SBR",
            _ => continue,
        };
        let pos = shared
            .entries
            .get(p.start as usize)
            .map_or(st_pos, |e| Position {
                offset: shared.base + u64::from(e.start),
                segment_index: e.index,
                segment_id: e.id,
                element: 0,
                component: 0,
            });
        diags.push(Diagnostic::error(
            DiagnosticCode::MissingSegment,
            pos,
            missing,
        ));
    }
    let shared = Arc::new(shared);
    let root = materialize(&plans, 0, kind, d, &shared, 0)
        .unwrap_or_else(|| Loop::new(LoopId::Header, kind, d));
    let trailer = if has_se {
        let t = u32::try_from(body).unwrap_or(u32::MAX);
        Loop::from_shared(
            LoopId::Trailer,
            kind,
            d,
            &shared,
            (t, t.saturating_add(1)),
            0,
        )
    } else {
        Loop::new(LoopId::Trailer, kind, d)
    };
    (root, trailer, diags)
}

/// Builds the loop of plan `i` with its children, in order (the 837 nests at most six levels;
/// the depth guard only bounds malformed plans).
fn materialize(
    plans: &[Plan],
    i: usize,
    kind: Option<ClaimKind>,
    d: crate::Delimiters,
    shared: &Arc<Shared>,
    depth: u8,
) -> Option<Loop> {
    let p = plans.get(i)?;
    let mut l = Loop::from_shared(p.id, kind, d, shared, (p.start, p.end), p.children);
    let mut c = p.first_child;
    while c != NONE && depth < 16 {
        if let Some(child) = materialize(plans, c as usize, kind, d, shared, depth + 1) {
            l.children_mut().push(child);
        }
        c = plans.get(c as usize).map_or(NONE, |x| x.next);
    }
    Some(l)
}

/// Whether a segment with this id can start a loop at all (a fast filter).
fn may_start_loop(id: &[u8]) -> bool {
    matches!(
        id,
        b"NM1" | b"CLM" | b"SBR" | b"LX" | b"LIN" | b"SVD" | b"LQ"
    )
}

impl Loop {
    /// Every segment of a transaction set (of any type) in one flat loop with id
    /// [`LoopId::Header`], lossless like [`parse_837`]: for sets the typed models do not cover.
    pub fn from_transaction(tx: &TransactionSet<'_>) -> Loop {
        let shared = scan(tx);
        let n = u32::try_from(shared.entries.len()).unwrap_or(u32::MAX);
        Loop::from_shared(
            LoopId::Header,
            None,
            tx.delimiters(),
            &Arc::new(shared),
            (0, n),
            0,
        )
    }
}

fn rel(offset: u64, base: u64) -> usize {
    usize::try_from(offset.saturating_sub(base)).unwrap_or(usize::MAX)
}

/// The loop a segment (id, and NM101 for NM1) starts as a child of a loop `parent`, if any.
fn child_loop(
    parent: LoopId,
    id: &[u8],
    nm101: &[u8],
    kind: Option<ClaimKind>,
    seen_hl: bool,
) -> Option<LoopId> {
    match (parent, id) {
        (LoopId::Header, b"NM1") if !seen_hl => match nm101 {
            b"41" => Some(LoopId::L1000A),
            b"40" => Some(LoopId::L1000B),
            _ => None,
        },
        (LoopId::L2000A, b"NM1") => match nm101 {
            b"85" => Some(LoopId::L2010AA),
            b"87" => Some(LoopId::L2010AB),
            b"PE" => Some(LoopId::L2010AC),
            _ => None,
        },
        (LoopId::L2000B, b"NM1") => match nm101 {
            b"IL" => Some(LoopId::L2010BA),
            b"PR" => Some(LoopId::L2010BB),
            _ => None,
        },
        (LoopId::L2000C, b"NM1") => match nm101 {
            b"QC" => Some(LoopId::L2010CA),
            _ => None,
        },
        (p, b"CLM") if p.is_hl() => Some(LoopId::L2300),
        (LoopId::L2300, b"SBR") => Some(LoopId::L2320),
        (LoopId::L2300, b"LX") => Some(LoopId::L2400),
        (LoopId::L2300 | LoopId::L2320 | LoopId::L2400, b"NM1") => {
            LoopId::provider_loop(parent, kind, nm101)
        }
        (LoopId::L2400, b"LIN") => Some(LoopId::L2410),
        (LoopId::L2400, b"SVD") => Some(LoopId::L2430),
        (LoopId::L2400, b"LQ") => Some(LoopId::L2440),
        _ => None,
    }
}

/// FNV-1a: HL ids are short, so a simple hash beats the default one here.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// Elements 1..=N of a segment in one pass (empty when absent). A plain byte loop: the first
/// elements of a segment are short, so this beats a `memchr` call per element.
fn first_elements<'a, const N: usize>(seg: &Segment<'a>) -> [&'a [u8]; N] {
    let mut out: [&'a [u8]; N] = [&[]; N];
    let raw = seg.as_bytes();
    let sep = seg.delimiters().element;
    let mut slot = 0usize;
    let mut start = usize::MAX;
    for (i, &b) in raw.iter().enumerate() {
        if b == sep {
            if start != usize::MAX {
                if let Some(o) = out.get_mut(slot) {
                    *o = raw.get(start..i).unwrap_or(&[]);
                }
                slot += 1;
                if slot >= N {
                    return out;
                }
            }
            start = i + 1;
        }
    }
    if start != usize::MAX
        && let Some(o) = out.get_mut(slot)
    {
        *o = raw.get(start..).unwrap_or(&[]);
    }
    out
}

/// For each of the root's children, the index of its HL parent: the nearest earlier HL level
/// whose HL01 equals its HL02 (HL ids may repeat within a set). One pass with a map.
pub(crate) fn hl_parents(kids: &[Loop]) -> Vec<Option<usize>> {
    let mut latest: HashMap<&[u8], usize, BuildHasherDefault<Fnv>> = HashMap::default();
    let mut out = Vec::with_capacity(kids.len());
    for (i, l) in kids.iter().enumerate() {
        let hl = if l.id().is_hl() { l.first("HL") } else { None };
        let Some(hl) = hl else {
            out.push(None);
            continue;
        };
        let [id, parent] = first_elements::<2>(&hl);
        out.push(if parent.is_empty() {
            None
        } else {
            latest.get(parent).copied()
        });
        latest.insert(id, i);
    }
    out
}

/// HL01/HL02 checks: the parent must be an earlier level (not the level itself), one step up
/// (2000A above 2000B, 2000B above 2000C).
fn check_hl(
    hl: &Segment<'_>,
    hl01: &[u8],
    hl02: &[u8],
    level: LoopId,
    levels: &HashMap<&[u8], LoopId, BuildHasherDefault<Fnv>>,
    diags: &mut Vec<Diagnostic>,
) {
    if hl01.is_empty() {
        diags.push(Diagnostic::error(
            DiagnosticCode::MissingElement,
            hl.element_position(1),
            "HL01 is empty",
        ));
    }
    if hl02.is_empty() {
        if matches!(level, LoopId::L2000B | LoopId::L2000C) {
            diags.push(Diagnostic::error(
                DiagnosticCode::HlParentMissing,
                hl.element_position(2),
                "subscriber or patient level without a parent (HL02 empty)",
            ));
        }
        return;
    }
    if hl02 == hl01 {
        diags.push(Diagnostic::error(
            DiagnosticCode::HlParentMissing,
            hl.element_position(2),
            "HL02 names the level itself",
        ));
        return;
    }
    let Some(&got) = levels.get(hl02) else {
        diags.push(Diagnostic::error(
            DiagnosticCode::HlParentMissing,
            hl.element_position(2),
            "HL02 names no earlier HL level",
        ));
        return;
    };
    let expected = match level {
        LoopId::L2000B => Some(LoopId::L2000A),
        LoopId::L2000C => Some(LoopId::L2000B),
        _ => None,
    };
    if let Some(want) = expected
        && want != got
    {
        diags.push(Diagnostic::warning(
            DiagnosticCode::HlLevelMismatch,
            hl.element_position(2),
            format!("the parent of a {level} level is a {got} level, not {want}"),
        ));
    }
}

fn check_clm(clm: &Segment<'_>, diags: &mut Vec<Diagnostic>) {
    let [pcn, charge, _, _, composite] = first_elements::<5>(clm);
    if pcn.is_empty() {
        diags.push(Diagnostic::error(
            DiagnosticCode::MissingElement,
            clm.element_position(1),
            "CLM01 patient control number is empty",
        ));
    }
    if !is_decimal(charge) {
        diags.push(Diagnostic::error(
            DiagnosticCode::InvalidValue,
            clm.element_position(2),
            "CLM02 total charge is not a number",
        ));
    }
    if composite.is_empty() {
        diags.push(Diagnostic::error(
            DiagnosticCode::MissingElement,
            clm.element_position(5),
            "CLM05 facility code / frequency composite is empty",
        ));
    }
}

fn check_service(sv: &Segment<'_>, diags: &mut Vec<Diagnostic>) {
    let [_, e2, e3] = first_elements::<3>(sv);
    let (n, charge) = if sv.id().is("SV2") { (3, e3) } else { (2, e2) };
    if !is_decimal(charge) {
        diags.push(Diagnostic::error(
            DiagnosticCode::InvalidValue,
            sv.element_position(n),
            "line charge is not a number",
        ));
    }
}

fn check_service_date(dtp: &Segment<'_>, diags: &mut Vec<Diagnostic>) {
    let [q, format, date] = first_elements::<3>(dtp);
    if q == b"472" && !is_date_value(format, date) {
        diags.push(Diagnostic::error(
            DiagnosticCode::InvalidValue,
            dtp.element_position(3),
            "service date does not decode",
        ));
    }
}

/// Whether `b` is an X12 decimal number as [`crate::value::decimal`] reads it (sign, digits, one point,
/// at most 28 digits), without building the number: the parser only validates.
fn is_decimal(b: &[u8]) -> bool {
    let digits = match b.first() {
        Some(b'-') => b.get(1..).unwrap_or(&[]),
        _ => b,
    };
    let mut n = 0usize;
    let mut point = false;
    for &c in digits {
        match c {
            b'0'..=b'9' => n += 1,
            b'.' if !point => point = true,
            _ => return false,
        }
    }
    (1..=28).contains(&n)
}

/// Whether `b` is a valid CCYYMMDD date (checked by hand, as [`crate::value::date`] would accept it).
fn is_ccyymmdd(b: &[u8]) -> bool {
    let [y0, y1, y2, y3, m0, m1, d0, d1] = b else {
        return false;
    };
    if !b.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let n = |c: &u8| u32::from(c - b'0');
    let y = n(y0) * 1000 + n(y1) * 100 + n(y2) * 10 + n(y3);
    let m = n(m0) * 10 + n(m1);
    let d = n(d0) * 10 + n(d1);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

/// Whether a DTP date value decodes like [`DatePeriod::from_dtp`](crate::claim::DatePeriod::from_dtp).
fn is_date_value(format: &[u8], v: &[u8]) -> bool {
    match format {
        b"D8" => is_ccyymmdd(v),
        b"RD8" => match memchr::memchr(b'-', v) {
            Some(i) => {
                is_ccyymmdd(v.get(..i).unwrap_or(&[])) && is_ccyymmdd(v.get(i + 1..).unwrap_or(&[]))
            }
            None => false,
        },
        b"DT" | b"TM" => v.len() >= 8 && is_ccyymmdd(v.get(..8).unwrap_or(&[])),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Delimiters;
    use crate::error::SegmentId;
    use crate::value;

    #[test]
    fn validators_agree_with_the_decoders() {
        for s in [
            "0", "12.50", "-12.5", ".5", "5.", "+3", "00100", "", "-", ".", "1.2.3", "1e5", "12a",
            " 1", "1-",
        ] {
            assert_eq!(
                is_decimal(s.as_bytes()),
                value::decimal(s.as_bytes()).is_some(),
                "{s}"
            );
        }
        for (f, v) in [
            ("D8", "20240229"),
            ("D8", "20230229"),
            ("D8", "19000229"),
            ("D8", "20000229"),
            ("D8", "20241301"),
            ("D8", "20240100"),
            ("D8", "2024010"),
            ("RD8", "20240101-20240131"),
            ("RD8", "20240101-2024013"),
            ("RD8", "20240101"),
            ("DT", "202401011230"),
            ("XX", "20240101"),
        ] {
            let want = crate::claim::DatePeriod::from_dtp(f.as_bytes(), v.as_bytes()).is_some();
            assert_eq!(is_date_value(f.as_bytes(), v.as_bytes()), want, "{f} {v}");
        }
    }

    #[test]
    fn first_elements_split() {
        let d = Delimiters::default();
        let seg = |raw: &'static [u8]| Segment::new(SegmentId::from_static("HL"), raw, d, 0, 1);
        assert_eq!(
            first_elements::<3>(&seg(b"HL*1**20*1")),
            [&b"1"[..], b"", b"20"]
        );
        assert_eq!(first_elements::<3>(&seg(b"HL*7")), [&b"7"[..], b"", b""]);
        assert_eq!(first_elements::<2>(&seg(b"HL")), [&b""[..], b""]);
        assert_eq!(first_elements::<1>(&seg(b"HL*")), [&b""[..]]);
        assert_eq!(first_elements::<2>(&seg(b"HL*a*b*c")), [&b"a"[..], b"b"]);
    }
}
