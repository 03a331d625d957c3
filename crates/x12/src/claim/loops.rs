//! [`Loop`]: the lossless container of the 837 model.
//!
//! # Layout (what must change together)
//!
//! A loop keeps the raw bytes of its own segments in one buffer, one after the other, each
//! followed directly by its gap when the gap is verbatim (a standard gap, terminator plus line
//! break, takes no bytes). `entries` holds, per segment in order, the byte range of its raw bytes
//! and its gap. Every edit (insert, remove, replace, set a gap) goes through [`Loop::splice`],
//! which moves the ranges of all later entries; nothing else writes `bytes` after parsing. One
//! buffer per loop (rather than one per segment) keeps parsing to a few allocations per loop.
//!
//! A loop's own segments always come before its child loops in the input, so writing "own
//! segments, then each child in order" reproduces the input order: parsing appends a segment to
//! the innermost open loop unless it starts a new loop.

use std::ops::Range;

use crate::claim::kind::{ClaimKind, LoopId};
use crate::claim::owned::{Gap, GapRef, LineEnd, OwnedSegment, SegmentError, translate};
use crate::delimiters::Delimiters;
use crate::error::SegmentId;
use crate::segment::Segment;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum GapRepr {
    Terminated(LineEnd),
    /// Verbatim bytes at `bytes[raw end .. end]`.
    Verbatim { end: usize },
}

#[derive(Clone, Copy, Debug)]
struct Entry {
    start: usize,
    end: usize,
    gap: GapRepr,
    id: SegmentId,
    offset: u64,
    index: u32,
}

impl Entry {
    /// End of the bytes this entry owns (raw plus verbatim gap).
    fn owned_end(&self) -> usize {
        match self.gap {
            GapRepr::Terminated(_) => self.end,
            GapRepr::Verbatim { end } => end,
        }
    }
}

/// One loop of a transaction set: its own segments (raw bytes kept exactly, with the gaps that
/// followed them) and its child loops, in input order.
///
/// Equality compares ids, kinds, delimiters, segment bytes, gaps and children, not where the
/// segments were read from.
#[derive(Clone, Debug)]
pub struct Loop {
    id: LoopId,
    kind: Option<ClaimKind>,
    delimiters: Delimiters,
    bytes: Vec<u8>,
    entries: Vec<Entry>,
    children: Vec<Loop>,
}

impl PartialEq for Loop {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
            && self.kind == other.kind
            && self.delimiters == other.delimiters
            && self.entries.len() == other.entries.len()
            && self.entries().zip(other.entries()).all(|((a, ga), (b, gb))| {
                a.as_bytes() == b.as_bytes() && ga == gb
            })
            && self.children == other.children
    }
}

impl Eq for Loop {}

impl Loop {
    /// An empty loop.
    pub fn new(id: LoopId, kind: Option<ClaimKind>, delimiters: Delimiters) -> Loop {
        Loop {
            id,
            kind,
            delimiters,
            bytes: Vec::new(),
            entries: Vec::new(),
            children: Vec::new(),
        }
    }

    pub(crate) fn with_capacity(
        id: LoopId,
        kind: Option<ClaimKind>,
        delimiters: Delimiters,
        segments: usize,
        bytes: usize,
    ) -> Loop {
        Loop {
            id,
            kind,
            delimiters,
            bytes: Vec::with_capacity(bytes),
            entries: Vec::with_capacity(segments),
            children: Vec::new(),
        }
    }

    /// Which loop this is.
    pub fn id(&self) -> LoopId {
        self.id
    }

    /// Renames the loop (for example when a claim moves to a file of another kind).
    pub fn set_id(&mut self, id: LoopId) {
        self.id = id;
    }

    /// The 837 kind the loop was read as (`None` when unknown).
    pub fn kind(&self) -> Option<ClaimKind> {
        self.kind
    }

    /// Sets the kind of this loop and all loops below it.
    pub fn set_kind(&mut self, kind: Option<ClaimKind>) {
        self.kind = kind;
        for c in &mut self.children {
            c.set_kind(kind);
        }
    }

    /// The delimiters the segment bytes are written with.
    pub fn delimiters(&self) -> Delimiters {
        self.delimiters
    }

    /// The number of own segments (child loops not included).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the loop has no own segments.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn view(&self, e: &Entry) -> Segment<'_> {
        let raw = self.bytes.get(e.start..e.end).unwrap_or(&[]);
        Segment::new(e.id, raw, self.delimiters, e.offset, e.index)
    }

    fn gap_of(&self, e: &Entry) -> GapRef<'_> {
        match e.gap {
            GapRepr::Terminated(le) => GapRef::Terminated(le),
            GapRepr::Verbatim { end } => GapRef::Verbatim(self.bytes.get(e.end..end).unwrap_or(&[])),
        }
    }

    /// Own segment `i` (0-based).
    pub fn segment(&self, i: usize) -> Option<Segment<'_>> {
        self.entries.get(i).map(|e| self.view(e))
    }

    /// The gap after own segment `i`.
    pub fn gap(&self, i: usize) -> Option<GapRef<'_>> {
        self.entries.get(i).map(|e| self.gap_of(e))
    }

    /// Own segments in order.
    pub fn segments(&self) -> impl ExactSizeIterator<Item = Segment<'_>> + Clone + '_ {
        self.entries.iter().map(move |e| self.view(e))
    }

    /// Own segments in order, each with its gap.
    pub fn entries(&self) -> impl ExactSizeIterator<Item = (Segment<'_>, GapRef<'_>)> + '_ {
        self.entries.iter().map(move |e| (self.view(e), self.gap_of(e)))
    }

    /// An owned copy of own segment `i`, with its gap.
    pub fn owned_segment(&self, i: usize) -> Option<OwnedSegment> {
        let e = self.entries.get(i)?;
        Some(OwnedSegment::from_segment(&self.view(e), self.gap_of(e).to_owned()))
    }

    /// The first own segment with this id.
    pub fn first(&self, id: &str) -> Option<Segment<'_>> {
        self.segments().find(|s| s.id().is(id))
    }

    /// The first own segment with this id whose element 1 equals `qualifier`.
    pub fn find(&self, id: &str, qualifier: &[u8]) -> Option<Segment<'_>> {
        self.segments().find(|s| s.id().is(id) && s.get(1) == qualifier)
    }

    /// Index of the first own segment matching `pred`.
    pub fn position(&self, mut pred: impl FnMut(&Segment<'_>) -> bool) -> Option<usize> {
        self.segments().position(|s| pred(&s))
    }

    /// The child loops, in order.
    pub fn children(&self) -> &[Loop] {
        &self.children
    }

    /// The child loops, to add, remove or reorder them.
    pub fn children_mut(&mut self) -> &mut Vec<Loop> {
        &mut self.children
    }

    /// The first child loop with this id.
    pub fn child(&self, id: LoopId) -> Option<&Loop> {
        self.children.iter().find(|c| c.id == id)
    }

    /// The first child loop with this id, mutably.
    pub fn child_mut(&mut self, id: LoopId) -> Option<&mut Loop> {
        self.children.iter_mut().find(|c| c.id == id)
    }

    /// Child loops with this id.
    pub fn children_with(&self, id: LoopId) -> impl Iterator<Item = &Loop> + '_ {
        self.children.iter().filter(move |c| c.id == id)
    }

    /// The first loop with this id in this loop's tree (itself included), depth first.
    pub fn find_loop(&self, id: LoopId) -> Option<&Loop> {
        if self.id == id {
            return Some(self);
        }
        self.children.iter().find_map(|c| c.find_loop(id))
    }

    /// The first loop with this id in this loop's tree (itself included), mutably.
    pub fn find_loop_mut(&mut self, id: LoopId) -> Option<&mut Loop> {
        if self.id == id {
            return Some(self);
        }
        self.children.iter_mut().find_map(|c| c.find_loop_mut(id))
    }

    /// A copy of this loop without its child loops.
    pub fn without_children(&self) -> Loop {
        Loop {
            id: self.id,
            kind: self.kind,
            delimiters: self.delimiters,
            bytes: self.bytes.clone(),
            entries: self.entries.clone(),
            children: Vec::new(),
        }
    }

    /// All loops of this tree in input order (this one first), depth first.
    pub fn walk(&self) -> LoopWalk<'_> {
        LoopWalk { stack: vec![self] }
    }

    /// All segments of this tree in input order, each with its loop and gap.
    pub fn segments_deep(&self) -> impl Iterator<Item = (&Loop, Segment<'_>, GapRef<'_>)> + '_ {
        self.walk().flat_map(|l| l.entries().map(move |(s, g)| (l, s, g)))
    }

    /// The number of segments in this tree.
    pub fn segment_count_deep(&self) -> usize {
        self.entries.len() + self.children.iter().map(Loop::segment_count_deep).sum::<usize>()
    }

    /// Appends a borrowed segment (read with this loop's delimiters) and the gap that followed it.
    pub(crate) fn push_borrowed(&mut self, seg: &Segment<'_>, gap: GapRef<'_>) {
        let start = self.bytes.len();
        self.bytes.extend_from_slice(seg.as_bytes());
        let end = self.bytes.len();
        let gap = match gap {
            GapRef::Terminated(le) => GapRepr::Terminated(le),
            GapRef::Verbatim(v) => {
                self.bytes.extend_from_slice(v);
                GapRepr::Verbatim { end: self.bytes.len() }
            }
        };
        let pos = seg.position();
        self.entries.push(Entry {
            start,
            end,
            gap,
            id: seg.id(),
            offset: pos.offset,
            index: pos.segment_index,
        });
    }

    /// Replaces `range` of the buffer with `with`, moving the entries from `from` on.
    fn splice(&mut self, range: Range<usize>, with: &[u8], from: usize) {
        let removed = range.end.saturating_sub(range.start);
        let added = with.len();
        let range = range.start.min(self.bytes.len())..range.end.min(self.bytes.len());
        self.bytes.splice(range, with.iter().copied());
        // Entries from `from` on lie at or after `range.end`, so this never underflows.
        let shift = |x: &mut usize| {
            *x = (*x + added).saturating_sub(removed);
        };
        for e in self.entries.iter_mut().skip(from) {
            shift(&mut e.start);
            shift(&mut e.end);
            if let GapRepr::Verbatim { end } = &mut e.gap {
                shift(end);
            }
        }
    }

    fn entry_for(&mut self, seg: OwnedSegment, at: usize) -> Result<(Vec<u8>, Entry), SegmentError> {
        let seg = if seg.delimiters() == self.delimiters {
            seg
        } else {
            seg.with_delimiters(self.delimiters)?
        };
        let (mut raw, _d, gap, offset, index, id) = seg.into_parts();
        let end = at + raw.len();
        let gap = match gap {
            Gap::Terminated(le) => GapRepr::Terminated(le),
            Gap::Verbatim(v) => {
                raw.extend_from_slice(&v);
                GapRepr::Verbatim { end: at + raw.len() }
            }
        };
        Ok((raw, Entry { start: at, end, gap, id, offset, index }))
    }

    /// Inserts a segment before own segment `i` (`i == len()` appends). A segment written with
    /// other delimiters is translated to this loop's.
    ///
    /// # Errors
    /// [`SegmentError::NoSuchSegment`] when `i > len()`; translation errors.
    pub fn insert(&mut self, i: usize, seg: OwnedSegment) -> Result<(), SegmentError> {
        if i > self.entries.len() {
            return Err(SegmentError::NoSuchSegment);
        }
        let at = match self.entries.get(i) {
            Some(e) => e.start,
            None => self.bytes.len(),
        };
        let (bytes, entry) = self.entry_for(seg, at)?;
        self.splice(at..at, &bytes, i);
        self.entries.insert(i, entry);
        Ok(())
    }

    /// Appends a segment (translated to this loop's delimiters if needed).
    ///
    /// # Errors
    /// Translation errors.
    pub fn push(&mut self, seg: OwnedSegment) -> Result<(), SegmentError> {
        self.insert(self.entries.len(), seg)
    }

    /// Removes own segment `i` and returns it.
    pub fn remove(&mut self, i: usize) -> Option<OwnedSegment> {
        let owned = self.owned_segment(i)?;
        let e = *self.entries.get(i)?;
        self.entries.remove(i);
        self.splice(e.start..e.owned_end(), &[], i);
        Some(owned)
    }

    /// Replaces own segment `i`, keeping the old gap when the new segment has the default one.
    ///
    /// # Errors
    /// [`SegmentError::NoSuchSegment`]; translation errors.
    pub fn replace(&mut self, i: usize, seg: OwnedSegment) -> Result<OwnedSegment, SegmentError> {
        let old_gap = self.gap(i).ok_or(SegmentError::NoSuchSegment)?.to_owned();
        let seg = if *seg.gap() == Gap::default() { seg.with_gap(old_gap) } else { seg };
        // Translate first so a failure leaves the loop unchanged.
        let seg = if seg.delimiters() == self.delimiters {
            seg
        } else {
            seg.with_delimiters(self.delimiters)?
        };
        let old = self.remove(i).ok_or(SegmentError::NoSuchSegment)?;
        self.insert(i, seg)?;
        Ok(old)
    }

    /// Sets the gap after own segment `i`.
    ///
    /// # Errors
    /// [`SegmentError::NoSuchSegment`].
    pub fn set_gap(&mut self, i: usize, gap: GapRef<'_>) -> Result<(), SegmentError> {
        let e = *self.entries.get(i).ok_or(SegmentError::NoSuchSegment)?;
        let (with, repr): (&[u8], _) = match gap {
            GapRef::Terminated(le) => (&[], GapRepr::Terminated(le)),
            GapRef::Verbatim(v) => (v, GapRepr::Verbatim { end: e.end + v.len() }),
        };
        let with = with.to_vec();
        self.splice(e.end..e.owned_end(), &with, i + 1);
        if let Some(entry) = self.entries.get_mut(i) {
            entry.gap = repr;
        }
        Ok(())
    }

    /// The gap after the last segment of this tree (its last loop's last segment), if any.
    pub fn last_gap(&self) -> Option<GapRef<'_>> {
        for c in self.children.iter().rev() {
            if let Some(g) = c.last_gap() {
                return Some(g);
            }
        }
        self.entries.last().map(|e| self.gap_of(e))
    }

    /// Sets the gap after the last segment of this tree. Returns false when the tree has no
    /// segment.
    pub fn set_last_gap(&mut self, gap: GapRef<'_>) -> bool {
        for c in self.children.iter_mut().rev() {
            if c.set_last_gap(gap) {
                return true;
            }
        }
        match self.entries.len().checked_sub(1) {
            Some(i) => self.set_gap(i, gap).is_ok(),
            None => false,
        }
    }

    /// Translates this loop and its children to other delimiters.
    ///
    /// # Errors
    /// [`SegmentError::DelimiterInValue`] naming the element of the first value that contains a
    /// new delimiter; the loop is left unchanged then.
    pub fn set_delimiters(&mut self, to: Delimiters) -> Result<(), SegmentError> {
        let mut copy = self.clone();
        copy.translate_in_place(to)?;
        *self = copy;
        Ok(())
    }

    fn translate_in_place(&mut self, to: Delimiters) -> Result<(), SegmentError> {
        if self.delimiters != to {
            let from = self.delimiters;
            let mut bytes = Vec::with_capacity(self.bytes.len());
            for e in &mut self.entries {
                let start = bytes.len();
                let raw = self.bytes.get(e.start..e.end).unwrap_or(&[]);
                translate(raw, from, to, e.id.is("ISA"), &mut bytes)?;
                let end = bytes.len();
                if let GapRepr::Verbatim { end: gend } = e.gap {
                    let v = self.bytes.get(e.end..gend).unwrap_or(&[]);
                    bytes.extend(v.iter().map(|&b| if b == from.segment { to.segment } else { b }));
                    e.gap = GapRepr::Verbatim { end: bytes.len() };
                }
                e.start = start;
                e.end = end;
            }
            self.bytes = bytes;
            self.delimiters = to;
        }
        for c in &mut self.children {
            c.translate_in_place(to)?;
        }
        Ok(())
    }
}

/// Depth-first iterator over a loop tree, in input order; see [`Loop::walk`].
#[derive(Clone, Debug)]
pub struct LoopWalk<'a> {
    stack: Vec<&'a Loop>,
}

impl<'a> Iterator for LoopWalk<'a> {
    type Item = &'a Loop;

    fn next(&mut self) -> Option<&'a Loop> {
        let l = self.stack.pop()?;
        self.stack.extend(l.children.iter().rev());
        Some(l)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(raw: &str) -> OwnedSegment {
        OwnedSegment::from_raw(raw.as_bytes().to_vec(), Delimiters::default()).unwrap()
    }

    fn raws(l: &Loop) -> Vec<String> {
        l.segments().map(|s| String::from_utf8_lossy(s.as_bytes()).into_owned()).collect()
    }

    #[test]
    fn edits_keep_ranges() {
        let mut l = Loop::new(LoopId::L2300, None, Delimiters::default());
        l.push(seg("CLM*1*10")).unwrap();
        l.push(seg("REF*G1*A").with_gap(Gap::Verbatim(b"~\n\n".to_vec()))).unwrap();
        l.push(seg("HI*ABK:J10")).unwrap();
        l.insert(1, seg("DTP*472*D8*20240101")).unwrap();
        assert_eq!(raws(&l), ["CLM*1*10", "DTP*472*D8*20240101", "REF*G1*A", "HI*ABK:J10"]);
        assert_eq!(l.gap(2), Some(GapRef::Verbatim(b"~\n\n")));
        l.replace(2, seg("REF*G1*LONGER")).unwrap();
        assert_eq!(l.gap(2), Some(GapRef::Verbatim(b"~\n\n")));
        l.set_gap(2, GapRef::Terminated(LineEnd::Lf)).unwrap();
        assert_eq!(raws(&l), ["CLM*1*10", "DTP*472*D8*20240101", "REF*G1*LONGER", "HI*ABK:J10"]);
        let removed = l.remove(0).unwrap();
        assert_eq!(removed.as_bytes(), b"CLM*1*10");
        assert_eq!(raws(&l), ["DTP*472*D8*20240101", "REF*G1*LONGER", "HI*ABK:J10"]);
        assert_eq!(l.gap(1), Some(GapRef::Terminated(LineEnd::Lf)));
        assert!(l.insert(9, seg("NTE*ADD*X")).is_err());
    }

    #[test]
    fn translate_loop() {
        let mut l = Loop::new(LoopId::L2400, None, Delimiters::default());
        l.push(seg("SV1*HC:99213*10")).unwrap();
        let to = Delimiters { element: b'|', component: b'>', repetition: Some(b'^'), segment: b'~' };
        l.set_delimiters(to).unwrap();
        assert_eq!(raws(&l), ["SV1|HC>99213|10"]);
        let mut bad = Loop::new(LoopId::L2400, None, Delimiters::default());
        bad.push(seg("NTE*ADD*A|B")).unwrap();
        assert!(bad.set_delimiters(to).is_err());
        assert_eq!(raws(&bad), ["NTE*ADD*A|B"]);
    }
}
