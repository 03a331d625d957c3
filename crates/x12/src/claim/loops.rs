//! [`Loop`]: the lossless container of the 837 model.
//!
//! # Layout (what must change together)
//!
//! Parsing copies the bytes of a transaction set once into a [`Shared`] block (behind one
//! `Arc`) together with one [`Entry`] per segment, in input order. A loop's own segments are
//! consecutive in the input (a segment joins the innermost open loop, so once a child loop
//! starts its parent gets no more segments), so a parsed loop is just a range of that entry
//! array plus its children: no per-segment and almost no per-loop allocation, and cloning a
//! loop bumps one reference count.
//!
//! Each entry points at `buf[start..end]` (the raw segment, id first, no terminator) and
//! `buf[end..gap_end]` (the exact bytes that followed it: terminator and line break, or a
//! verbatim gap), in either the shared bytes or the loop's own `local` bytes. So
//! `buf[start..gap_end]` is always the segment *as it is written back* with its own delimiters
//! and line breaks, and the segments of an unedited loop are one stretch of the shared bytes
//! ([`Loop::pristine_bytes`]), which lets the writer copy them, and whole unedited sets, at once.
//! The parser (`parse.rs`) fills `Shared`; the gap after the set's last segment lies outside the
//! set, so it appends a guessed one to the shared bytes.
//!
//! Edits are copy-on-write: the first edit moves the loop to a boxed [`Edits`] (its entries
//! copied out of the shared array); new or changed segments, each followed by its gap, are
//! appended to `local`. Bytes of removed segments stay in `local` until the loop is translated
//! or dropped; equality compares segments and gaps, never buffers.

use std::sync::Arc;

use crate::claim::kind::{ClaimKind, LoopId};
use crate::claim::owned::{Gap, GapRef, LineEnd, OwnedSegment, SegmentError, translate};
use crate::delimiters::Delimiters;
use crate::error::SegmentId;
use crate::segment::Segment;

/// How the bytes after a segment are to be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum GapKind {
    /// Terminator plus this line break.
    Terminated(LineEnd),
    /// Anything else, verbatim.
    Verbatim,
}

/// One segment of a loop: where its bytes are and what follows it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Entry {
    pub(crate) start: u32,
    pub(crate) end: u32,
    pub(crate) gap_end: u32,
    /// 1-based index of the segment in its input (0 for segments built in memory).
    pub(crate) index: u32,
    pub(crate) id: SegmentId,
    pub(crate) gap: GapKind,
    /// Bytes in the loop's `local` buffer rather than the shared one.
    pub(crate) local: bool,
}

/// What all loops parsed from one transaction set share: the set's bytes (plus the guessed gap
/// after its last segment) and one entry per segment, in input order.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) bytes: Vec<u8>,
    pub(crate) entries: Vec<Entry>,
    /// Input offset of `bytes[0]`.
    pub(crate) base: u64,
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
    /// The parsed set's bytes and entries (`None` for loops built in memory).
    shared: Option<Arc<Shared>>,
    /// This loop's range of the shared entries while `edits` is `None`.
    range: (u32, u32),
    /// Entries and bytes once the loop has been edited (or built in memory); boxed so that the
    /// many loops never edited stay small.
    edits: Option<Box<Edits>>,
    children: Vec<Loop>,
}

/// The owned side of an edited loop.
#[derive(Clone, Debug, Default)]
struct Edits {
    /// Bytes of segments added or changed (each followed by its gap).
    local: Vec<u8>,
    /// All entries of the loop.
    entries: Vec<Entry>,
}

impl PartialEq for Loop {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
            && self.kind == other.kind
            && self.delimiters == other.delimiters
            && self.len() == other.len()
            && self
                .entries()
                .zip(other.entries())
                .all(|((a, ga), (b, gb))| a.as_bytes() == b.as_bytes() && ga == gb)
            && self.children == other.children
    }
}

impl Eq for Loop {}

/// One segment of a loop as the writer sees it: its id and the bytes of the segment and its
/// gap as stored (so runs of consecutive segments can be copied at once); the segment and gap
/// themselves on demand.
#[derive(Clone, Copy, Debug)]
pub struct RawEntry<'a> {
    lp: &'a Loop,
    entry: &'a Entry,
    /// The buffer holding the segment and its gap.
    pub buffer: &'a [u8],
}

impl<'a> RawEntry<'a> {
    /// The segment id.
    pub fn id(&self) -> SegmentId {
        self.entry.id
    }

    /// The segment.
    pub fn segment(&self) -> Segment<'a> {
        self.lp.view(self.entry)
    }

    /// What follows it.
    pub fn gap(&self) -> GapRef<'a> {
        self.lp.gap_of(self.entry)
    }

    /// Start of the segment in [`RawEntry::buffer`]: `buffer[start()..gap_end()]` is the segment
    /// followed by its gap, exactly as written back with the loop's delimiters.
    pub fn start(&self) -> usize {
        self.entry.start as usize
    }

    /// End of the gap in [`RawEntry::buffer`].
    pub fn gap_end(&self) -> usize {
        self.entry.gap_end as usize
    }
}

fn u32_of(n: usize) -> Result<u32, SegmentError> {
    u32::try_from(n).map_err(|_| SegmentError::TooLarge)
}

impl Loop {
    /// An empty loop.
    pub fn new(id: LoopId, kind: Option<ClaimKind>, delimiters: Delimiters) -> Loop {
        Loop {
            id,
            kind,
            delimiters,
            shared: None,
            range: (0, 0),
            edits: Some(Box::default()),
            children: Vec::new(),
        }
    }

    /// A parsed loop over a range of shared entries.
    pub(crate) fn from_shared(
        id: LoopId,
        kind: Option<ClaimKind>,
        delimiters: Delimiters,
        shared: &Arc<Shared>,
        range: (u32, u32),
        children: usize,
    ) -> Loop {
        Loop {
            id,
            kind,
            delimiters,
            shared: Some(shared.clone()),
            range,
            edits: None,
            children: Vec::with_capacity(children),
        }
    }

    fn list(&self) -> &[Entry] {
        match (&self.edits, &self.shared) {
            (Some(ed), _) => &ed.entries,
            (None, Some(sh)) => sh
                .entries
                .get(self.range.0 as usize..self.range.1 as usize)
                .unwrap_or(&[]),
            (None, None) => &[],
        }
    }

    /// The owned side, created on the first edit (entries copied out of the shared array).
    fn edits_mut(&mut self) -> &mut Edits {
        let entries = match &self.edits {
            Some(_) => None,
            None => Some(self.list().to_vec()),
        };
        let ed = self.edits.get_or_insert_with(Box::default);
        if let Some(entries) = entries {
            ed.entries = entries;
        }
        ed
    }

    fn list_mut(&mut self) -> &mut Vec<Entry> {
        &mut self.edits_mut().entries
    }

    fn buf(&self, e: &Entry) -> &[u8] {
        match (e.local, &self.edits, &self.shared) {
            (true, Some(ed), _) => &ed.local,
            (false, _, Some(sh)) => &sh.bytes,
            _ => &[],
        }
    }

    /// When the loop is exactly as parsed: the shared buffer and the byte range holding all its
    /// segments with their gaps, and the number of segments. Writers copy it at once.
    pub fn pristine_bytes(&self) -> Option<(&[u8], usize, usize, usize)> {
        if self.edits.is_some() {
            return None;
        }
        let sh = self.shared.as_ref()?;
        let list = self.list();
        let (first, last) = (list.first()?, list.last()?);
        Some((
            &sh.bytes,
            first.start as usize,
            last.gap_end as usize,
            list.len(),
        ))
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
        self.list().len()
    }

    /// Whether the loop has no own segments.
    pub fn is_empty(&self) -> bool {
        self.list().is_empty()
    }

    fn view<'a>(&'a self, e: &Entry) -> Segment<'a> {
        let buf = self.buf(e);
        let raw = buf.get(e.start as usize..e.end as usize).unwrap_or(&[]);
        let offset = match (&self.shared, e.local) {
            (Some(sh), false) => sh.base + u64::from(e.start),
            _ => 0,
        };
        Segment::new(e.id, raw, self.delimiters, offset, e.index)
    }

    fn gap_of<'a>(&'a self, e: &Entry) -> GapRef<'a> {
        match e.gap {
            GapKind::Terminated(le) => GapRef::Terminated(le),
            GapKind::Verbatim => GapRef::Verbatim(
                self.buf(e)
                    .get(e.end as usize..e.gap_end as usize)
                    .unwrap_or(&[]),
            ),
        }
    }

    /// Own segment `i` (0-based).
    pub fn segment(&self, i: usize) -> Option<Segment<'_>> {
        self.list().get(i).map(|e| self.view(e))
    }

    /// The gap after own segment `i`.
    pub fn gap(&self, i: usize) -> Option<GapRef<'_>> {
        self.list().get(i).map(|e| self.gap_of(e))
    }

    /// Own segments in order.
    pub fn segments(&self) -> impl ExactSizeIterator<Item = Segment<'_>> + Clone + '_ {
        self.list().iter().map(move |e| self.view(e))
    }

    /// Own segments in order, each with its gap.
    pub fn entries(&self) -> impl ExactSizeIterator<Item = (Segment<'_>, GapRef<'_>)> + '_ {
        self.list()
            .iter()
            .map(move |e| (self.view(e), self.gap_of(e)))
    }

    /// Own segments in order as the writer needs them.
    pub fn raw_entries(&self) -> impl ExactSizeIterator<Item = RawEntry<'_>> + '_ {
        self.list().iter().map(move |e| RawEntry {
            lp: self,
            entry: e,
            buffer: self.buf(e),
        })
    }

    /// An owned copy of own segment `i`, with its gap.
    pub fn owned_segment(&self, i: usize) -> Option<OwnedSegment> {
        let e = self.list().get(i)?;
        Some(OwnedSegment::from_segment(
            &self.view(e),
            self.gap_of(e).to_owned(),
        ))
    }

    /// The first own segment with this id.
    pub fn first(&self, id: &str) -> Option<Segment<'_>> {
        self.list()
            .iter()
            .find(|e| e.id.is(id))
            .map(|e| self.view(e))
    }

    /// The first own segment with this id whose element 1 equals `qualifier`.
    pub fn find(&self, id: &str, qualifier: &[u8]) -> Option<Segment<'_>> {
        self.segments()
            .find(|s| s.id().is(id) && s.get(1) == qualifier)
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
            shared: self.shared.clone(),
            range: self.range,
            edits: self.edits.clone(),
            children: Vec::new(),
        }
    }

    /// All loops of this tree in input order (this one first), depth first.
    pub fn walk(&self) -> LoopWalk<'_> {
        LoopWalk { stack: vec![self] }
    }

    /// All segments of this tree in input order, each with its loop and gap.
    pub fn segments_deep(&self) -> impl Iterator<Item = (&Loop, Segment<'_>, GapRef<'_>)> + '_ {
        self.walk()
            .flat_map(|l| l.entries().map(move |(s, g)| (l, s, g)))
    }

    /// The number of segments in this tree.
    pub fn segment_count_deep(&self) -> usize {
        self.len()
            + self
                .children
                .iter()
                .map(Loop::segment_count_deep)
                .sum::<usize>()
    }

    /// A local entry for `seg` (translated to this loop's delimiters), bytes appended.
    fn local_entry(&mut self, seg: OwnedSegment) -> Result<Entry, SegmentError> {
        let seg = if seg.delimiters() == self.delimiters {
            seg
        } else {
            seg.with_delimiters(self.delimiters)?
        };
        let pos = seg.position();
        let id = seg.id();
        let term = self.delimiters.segment;
        let local = &mut self.edits_mut().local;
        let start = local.len();
        local.extend_from_slice(seg.as_bytes());
        let end = local.len();
        let gap = match seg.gap() {
            Gap::Terminated(le) => {
                local.push(term);
                local.extend_from_slice(le.as_bytes());
                GapKind::Terminated(*le)
            }
            Gap::Verbatim(v) => {
                local.extend_from_slice(v);
                GapKind::Verbatim
            }
        };
        let entry = Entry {
            start: u32_of(start)?,
            end: u32_of(end)?,
            gap_end: u32_of(local.len())?,
            index: pos.segment_index,
            id,
            gap,
            local: true,
        };
        Ok(entry)
    }

    /// Inserts a segment before own segment `i` (`i == len()` appends). A segment written with
    /// other delimiters is translated to this loop's.
    ///
    /// # Errors
    /// [`SegmentError::NoSuchSegment`] when `i > len()`; translation errors.
    pub fn insert(&mut self, i: usize, seg: OwnedSegment) -> Result<(), SegmentError> {
        if i > self.len() {
            return Err(SegmentError::NoSuchSegment);
        }
        let entry = self.local_entry(seg)?;
        self.list_mut().insert(i, entry);
        Ok(())
    }

    /// Appends a segment (translated to this loop's delimiters if needed).
    ///
    /// # Errors
    /// Translation errors.
    pub fn push(&mut self, seg: OwnedSegment) -> Result<(), SegmentError> {
        self.insert(self.len(), seg)
    }

    /// Removes own segment `i` and returns it.
    pub fn remove(&mut self, i: usize) -> Option<OwnedSegment> {
        let owned = self.owned_segment(i)?;
        self.list_mut().remove(i);
        Some(owned)
    }

    /// Replaces own segment `i`, keeping the old gap when the new segment has the default one.
    ///
    /// # Errors
    /// [`SegmentError::NoSuchSegment`]; translation errors (the loop is unchanged then).
    pub fn replace(&mut self, i: usize, seg: OwnedSegment) -> Result<OwnedSegment, SegmentError> {
        let old = self.owned_segment(i).ok_or(SegmentError::NoSuchSegment)?;
        let seg = if *seg.gap() == Gap::default() {
            seg.with_gap(old.gap().clone())
        } else {
            seg
        };
        let entry = self.local_entry(seg)?;
        if let Some(slot) = self.list_mut().get_mut(i) {
            *slot = entry;
        }
        Ok(old)
    }

    /// Sets the gap after own segment `i`.
    ///
    /// # Errors
    /// [`SegmentError::NoSuchSegment`].
    pub fn set_gap(&mut self, i: usize, gap: GapRef<'_>) -> Result<(), SegmentError> {
        let current = self.gap(i).ok_or(SegmentError::NoSuchSegment)?;
        if current == gap {
            return Ok(());
        }
        let seg = self.owned_segment(i).ok_or(SegmentError::NoSuchSegment)?;
        self.replace(i, seg.with_gap(gap.to_owned()))?;
        Ok(())
    }

    /// The gap after the last segment of this tree (its last loop's last segment), if any.
    pub fn last_gap(&self) -> Option<GapRef<'_>> {
        for c in self.children.iter().rev() {
            if let Some(g) = c.last_gap() {
                return Some(g);
            }
        }
        self.list().last().map(|e| self.gap_of(e))
    }

    /// Sets the gap after the last segment of this tree. Returns false when the tree has no
    /// segment.
    pub fn set_last_gap(&mut self, gap: GapRef<'_>) -> bool {
        for c in self.children.iter_mut().rev() {
            if c.set_last_gap(gap) {
                return true;
            }
        }
        match self.len().checked_sub(1) {
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
            let mut local = Vec::with_capacity(256);
            let mut entries = Vec::with_capacity(self.len());
            for e in self.list() {
                let buf = self.buf(e);
                let start = local.len();
                let raw = buf.get(e.start as usize..e.end as usize).unwrap_or(&[]);
                translate(raw, from, to, e.id.is("ISA"), &mut local)?;
                let end = local.len();
                match e.gap {
                    GapKind::Terminated(le) => {
                        local.push(to.segment);
                        local.extend_from_slice(le.as_bytes());
                    }
                    GapKind::Verbatim => {
                        let v = buf.get(e.end as usize..e.gap_end as usize).unwrap_or(&[]);
                        local.extend(
                            v.iter()
                                .map(|&b| if b == from.segment { to.segment } else { b }),
                        );
                    }
                }
                entries.push(Entry {
                    start: u32_of(start)?,
                    end: u32_of(end)?,
                    gap_end: u32_of(local.len())?,
                    local: true,
                    ..*e
                });
            }
            self.edits = Some(Box::new(Edits { local, entries }));
            self.shared = None;
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
        l.segments()
            .map(|s| String::from_utf8_lossy(s.as_bytes()).into_owned())
            .collect()
    }

    #[test]
    fn edits() {
        let mut l = Loop::new(LoopId::L2300, None, Delimiters::default());
        l.push(seg("CLM*1*10")).unwrap();
        l.push(seg("REF*G1*A").with_gap(Gap::Verbatim(b"~\n\n".to_vec())))
            .unwrap();
        l.push(seg("HI*ABK:J10")).unwrap();
        l.insert(1, seg("DTP*472*D8*20240101")).unwrap();
        assert_eq!(
            raws(&l),
            ["CLM*1*10", "DTP*472*D8*20240101", "REF*G1*A", "HI*ABK:J10"]
        );
        assert_eq!(l.gap(2), Some(GapRef::Verbatim(b"~\n\n")));
        l.replace(2, seg("REF*G1*LONGER")).unwrap();
        assert_eq!(l.gap(2), Some(GapRef::Verbatim(b"~\n\n")));
        l.set_gap(2, GapRef::Terminated(LineEnd::Lf)).unwrap();
        assert_eq!(
            raws(&l),
            [
                "CLM*1*10",
                "DTP*472*D8*20240101",
                "REF*G1*LONGER",
                "HI*ABK:J10"
            ]
        );
        let removed = l.remove(0).unwrap();
        assert_eq!(removed.as_bytes(), b"CLM*1*10");
        assert_eq!(
            raws(&l),
            ["DTP*472*D8*20240101", "REF*G1*LONGER", "HI*ABK:J10"]
        );
        assert_eq!(l.gap(1), Some(GapRef::Terminated(LineEnd::Lf)));
        let e = l.raw_entries().nth(1).unwrap();
        assert_eq!(
            e.buffer.get(e.start()..e.gap_end()).unwrap(),
            b"REF*G1*LONGER~\n"
        );
        assert!(l.insert(9, seg("NTE*ADD*X")).is_err());
    }

    #[test]
    fn translate_loop() {
        let mut l = Loop::new(LoopId::L2400, None, Delimiters::default());
        l.push(seg("SV1*HC:99213*10")).unwrap();
        let to = Delimiters {
            element: b'|',
            component: b'>',
            repetition: Some(b'^'),
            segment: b'~',
        };
        l.set_delimiters(to).unwrap();
        assert_eq!(raws(&l), ["SV1|HC>99213|10"]);
        let mut bad = Loop::new(LoopId::L2400, None, Delimiters::default());
        bad.push(seg("NTE*ADD*A|B")).unwrap();
        assert!(bad.set_delimiters(to).is_err());
        assert_eq!(raws(&bad), ["NTE*ADD*A|B"]);
    }
}
