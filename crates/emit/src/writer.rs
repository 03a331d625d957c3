//! [`Writer`]: segments out, with the caller's delimiters and line breaks, envelope counts and
//! control numbers recomputed on request.
//!
//! # What must change together
//!
//! The writer is a small state machine over the envelope (`ISA` → `GS` → `ST` … `SE` → `GE` →
//! `IEA`). It counts segments from ST to SE, sets per group and groups per interchange as they go
//! by, so trailers can be rewritten (`recount`) when they come, or written when they are missing
//! (`recount` at the next header or in [`Writer::finish`]). Fresh control numbers replace ISA13,
//! GS06 and ST02 in the header and the matching IEA02, GE02 and SE02 in the trailer, so the two
//! must always be handled in the same place ([`Writer::segment`]). HL renumbering keeps a map
//! from the HL01 values read to the ones written (the latest wins: HL ids may repeat within a
//! set) so HL02 can follow.
//!
//! Segments are copied byte for byte when they keep their delimiters; otherwise every separator
//! is mapped to the new one and any other byte that *is* a new delimiter is an error, since X12
//! cannot escape it.

use std::collections::HashMap;
use std::io::Write;

use denali_x12::claim::{Claim837Set, GapRef, LineEnd, Loop, LoopId, OwnedSegment, translate};
use denali_x12::{Delimiters, Position, SegmentId};

use crate::error::{EmitError, EmitErrorKind, Location, Result};

/// The line break after each segment terminator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum LineEnding {
    /// As read: each segment keeps what followed it in its input (so a well-formed file comes
    /// back byte for byte); segments built in memory carry their own.
    #[default]
    AsParsed,
    /// As read, but only the line break: indentation, padding and other bytes between a
    /// terminator and the next segment, and before the first, are dropped. What a new file built
    /// from a read one (a corrected claim) wants: the original's layout, without its stray bytes.
    Breaks,
    /// No line break.
    None,
    /// `\n` after every terminator.
    Lf,
    /// `\r\n` after every terminator.
    CrLf,
}

/// How to write.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WriteOptions {
    /// The delimiters to write with; `None` keeps each segment's own (the input's).
    pub delimiters: Option<Delimiters>,
    /// The line break after each terminator.
    pub line_ending: LineEnding,
    /// Recompute SE01, GE01 and IEA01 and the trailers' control numbers, renumber HL01 from 1 in
    /// each set with HL02 following, and write missing SE/GE/IEA trailers.
    pub recount: bool,
}

/// A source of fresh control numbers (ISA13, GS06, ST02). Translators reject duplicates, so a
/// caller keeps its counter across runs.
pub trait ControlNumbers {
    /// The next interchange control number (ISA13/IEA02; at most 999,999,999).
    fn next_interchange(&mut self) -> u64;
    /// The next group control number (GS06/GE02; at most 999,999,999).
    fn next_group(&mut self) -> u64;
    /// The next transaction set control number (ST02/SE02; written with at least 4 digits).
    fn next_transaction(&mut self) -> u64;
}

/// Three plain counters; each call returns the current value and increments it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SequentialControlNumbers {
    /// The next ISA13.
    pub interchange: u64,
    /// The next GS06.
    pub group: u64,
    /// The next ST02.
    pub transaction: u64,
}

impl SequentialControlNumbers {
    /// All three counters starting at `n`.
    pub fn starting_at(n: u64) -> Self {
        SequentialControlNumbers {
            interchange: n,
            group: n,
            transaction: n,
        }
    }
}

impl ControlNumbers for SequentialControlNumbers {
    fn next_interchange(&mut self) -> u64 {
        let n = self.interchange;
        self.interchange += 1;
        n
    }
    fn next_group(&mut self) -> u64 {
        let n = self.group;
        self.group += 1;
        n
    }
    fn next_transaction(&mut self) -> u64 {
        let n = self.transaction;
        self.transaction += 1;
        n
    }
}

/// What a [`Writer`] wrote.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WriteStats {
    /// Bytes written.
    pub bytes: u64,
    /// Segments written (envelopes included).
    pub segments: u64,
    /// ISA segments written.
    pub interchanges: u64,
    /// GS segments written.
    pub groups: u64,
    /// ST segments written.
    pub transactions: u64,
    /// Trailers written because they were missing (with `recount`).
    pub trailers_added: u64,
}

const FLUSH_AT: usize = 1 << 16;

/// A stretch of consecutive stored bytes waiting to be copied.
#[derive(Clone, Copy, Debug, Default)]
struct Run<'a> {
    buf: &'a [u8],
    start: usize,
    end: usize,
}

impl<'a> Run<'a> {
    /// Extends the run with `buf[start..end]` when that follows it directly in the same buffer.
    fn extend(&mut self, buf: &'a [u8], start: usize, end: usize) -> bool {
        if self.end > self.start && std::ptr::eq(self.buf, buf) && start == self.end {
            self.end = end;
            true
        } else {
            false
        }
    }
}

fn is_envelope_or_hl(id: SegmentId) -> bool {
    matches!(
        id.as_bytes(),
        b"ISA" | b"GS" | b"ST" | b"SE" | b"GE" | b"IEA" | b"HL"
    )
}

/// Writes segments, loops, 837 sets and whole documents to a [`Write`].
///
/// Output is buffered internally; call [`Writer::finish`] to flush it (and, with `recount`, to
/// close envelopes left open).
pub struct Writer<'c, W: Write> {
    out: W,
    buf: Vec<u8>,
    opts: WriteOptions,
    numbers: Option<&'c mut dyn ControlNumbers>,
    stats: WriteStats,
    isa: Option<Open>,
    gs: Option<Open>,
    st: Option<Open>,
    hl_map: HashMap<Vec<u8>, u64>,
    hl_next: u64,
    last_delims: Delimiters,
    /// The input delimiters of the last segment written: a missing trailer is built in them and
    /// translated like a real one would be.
    last_src: Delimiters,
    last_line_end: LineEnd,
    scratch: Vec<u8>,
}

impl<W: Write> std::fmt::Debug for Writer<'_, W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Writer")
            .field("opts", &self.opts)
            .field("stats", &self.stats)
            .finish()
    }
}

/// An open envelope level: its control number as written and how many children it has.
#[derive(Clone, Debug)]
struct Open {
    control: Vec<u8>,
    count: u64,
}

impl<'c, W: Write> Writer<'c, W> {
    /// A writer with options.
    ///
    /// # Errors
    /// [`EmitErrorKind::BadDelimiters`] when the requested delimiters are unusable.
    pub fn new(out: W, opts: WriteOptions) -> Result<Self> {
        if let Some(d) = opts.delimiters {
            check_delimiters(d)?;
        }
        Ok(Writer {
            out,
            buf: Vec::with_capacity(FLUSH_AT + 4096),
            opts,
            numbers: None,
            stats: WriteStats::default(),
            isa: None,
            gs: None,
            st: None,
            hl_map: HashMap::new(),
            hl_next: 0,
            last_delims: Delimiters::default(),
            last_src: Delimiters::default(),
            last_line_end: LineEnd::None,
            scratch: Vec::new(),
        })
    }

    /// Uses fresh control numbers from `numbers` for every ISA13, GS06 and ST02 written (and the
    /// matching IEA02, GE02, SE02).
    pub fn with_control_numbers(mut self, numbers: &'c mut dyn ControlNumbers) -> Self {
        self.numbers = Some(numbers);
        self
    }

    /// The options in force.
    pub fn options(&self) -> &WriteOptions {
        &self.opts
    }

    /// What has been written so far.
    pub fn stats(&self) -> WriteStats {
        self.stats
    }

    /// Writes bytes that precede the first segment (a byte-order mark, leading white space) when
    /// line endings are kept as parsed; otherwise drops them.
    ///
    /// # Errors
    /// I/O errors.
    pub fn write_prefix(&mut self, bytes: &[u8]) -> Result<()> {
        if self.opts.line_ending == LineEnding::AsParsed {
            self.buf.extend_from_slice(bytes);
        }
        self.maybe_flush()
    }

    /// Writes one owned segment (for example an envelope segment).
    ///
    /// # Errors
    /// A value containing a target delimiter; I/O errors.
    pub fn write_owned(&mut self, seg: &OwnedSegment) -> Result<()> {
        let s = seg.as_segment();
        self.segment(
            s.as_bytes(),
            seg.delimiters(),
            seg.gap().as_ref(),
            seg.id(),
            s.position(),
            None,
        )
    }

    /// Writes a loop and all loops below it, in order.
    ///
    /// # Errors
    /// A value containing a target delimiter; I/O errors.
    pub fn write_loop(&mut self, lp: &Loop) -> Result<()> {
        let mut run = Run::default();
        self.write_loop_inner(lp, &mut run)?;
        self.flush_run(&mut run)
    }

    /// Writes the segments of `lp` and its children. Segments that are written exactly as
    /// stored (same delimiters, line breaks as parsed, nothing to recount) are gathered into
    /// `run` while they are consecutive in one buffer and copied at once.
    fn write_loop_inner<'a>(&mut self, lp: &'a Loop, run: &mut Run<'a>) -> Result<()> {
        let src = lp.delimiters();
        let target = self.opts.delimiters.unwrap_or(src);
        let as_stored = target == src && self.opts.line_ending == LineEnding::AsParsed;
        let tracking = self.opts.recount || self.numbers.is_some();
        // A loop exactly as parsed, holding no envelope segment and no HL to renumber, is one
        // stretch of the shared buffer.
        let plain =
            !(matches!(lp.id(), LoopId::Header | LoopId::Trailer) || tracking && lp.id().is_hl());
        if as_stored
            && plain
            && let Some((buf, start, end, n)) = lp.pristine_bytes()
        {
            self.stats.segments += n as u64;
            if let Some(st) = &mut self.st {
                st.count += n as u64;
            }
            if !run.extend(buf, start, end) {
                self.flush_run(run)?;
                *run = Run { buf, start, end };
            }
            if tracking && let Some(g) = lp.gap(lp.len().saturating_sub(1)) {
                self.last_line_end = g.line_end_hint();
            }
            self.last_delims = target;
            self.last_src = src;
            for c in lp.children() {
                self.write_loop_inner(c, run)?;
            }
            return Ok(());
        }
        for e in lp.raw_entries() {
            let id = e.id();
            let special = is_envelope_or_hl(id);
            if as_stored && !(special && tracking) {
                if special {
                    self.count_only(id);
                } else if let Some(st) = &mut self.st {
                    st.count += 1;
                }
                self.stats.segments += 1;
                if !run.extend(e.buffer, e.start(), e.gap_end()) {
                    self.flush_run(run)?;
                    *run = Run {
                        buf: e.buffer,
                        start: e.start(),
                        end: e.gap_end(),
                    };
                }
                continue;
            }
            self.flush_run(run)?;
            let s = e.segment();
            self.segment(s.as_bytes(), src, e.gap(), id, s.position(), Some(lp.id()))?;
        }
        if let Some(last) = lp.raw_entries().last() {
            self.last_delims = target;
            self.last_src = src;
            if tracking {
                self.last_line_end = last.gap().line_end_hint();
            }
        }
        for c in lp.children() {
            self.write_loop_inner(c, run)?;
        }
        Ok(())
    }

    fn flush_run(&mut self, run: &mut Run<'_>) -> Result<()> {
        let bytes = run.buf.get(run.start..run.end).unwrap_or(&[]);
        if bytes.len() >= FLUSH_AT {
            self.flush_buf()?;
            self.out.write_all(bytes)?;
            self.stats.bytes += bytes.len() as u64;
        } else {
            self.buf.extend_from_slice(bytes);
            self.maybe_flush()?;
        }
        *run = Run::default();
        Ok(())
    }

    /// Envelope bookkeeping for a segment written as stored (no rewriting).
    fn count_only(&mut self, id: SegmentId) {
        match id.as_bytes() {
            b"ISA" => {
                self.stats.interchanges += 1;
                self.isa = Some(Open {
                    control: Vec::new(),
                    count: 0,
                });
            }
            b"GS" => {
                self.stats.groups += 1;
                if let Some(i) = &mut self.isa {
                    i.count += 1;
                }
                self.gs = Some(Open {
                    control: Vec::new(),
                    count: 0,
                });
            }
            b"ST" => {
                self.stats.transactions += 1;
                if let Some(g) = &mut self.gs {
                    g.count += 1;
                }
                self.st = Some(Open {
                    control: Vec::new(),
                    count: 1,
                });
            }
            b"SE" => self.st = None,
            b"GE" => self.gs = None,
            b"IEA" => self.isa = None,
            _ => {
                if let Some(st) = &mut self.st {
                    st.count += 1;
                }
            }
        }
    }

    /// Writes an 837 transaction set (ST..SE); with `recount`, SE01 and HL numbering are
    /// recomputed and a missing SE is added.
    ///
    /// # Errors
    /// A value containing a target delimiter; I/O errors.
    pub fn write_set(&mut self, set: &Claim837Set) -> Result<()> {
        self.write_loop(set.root())?;
        self.write_loop(set.trailer())?;
        if self.opts.recount && self.st.is_some() {
            self.synthesize("SE")?;
        }
        Ok(())
    }

    /// Writes a generic transaction set (a flat loop from `Loop::from_transaction`).
    ///
    /// # Errors
    /// As [`Writer::write_set`].
    pub fn write_transaction_loop(&mut self, lp: &Loop) -> Result<()> {
        self.write_loop(lp)?;
        if self.opts.recount && self.st.is_some() {
            self.synthesize("SE")?;
        }
        Ok(())
    }

    /// Flushes everything; with `recount`, first writes the trailers of envelopes still open.
    /// Returns the output and what was written.
    ///
    /// # Errors
    /// I/O errors.
    pub fn finish(mut self) -> Result<(W, WriteStats)> {
        if self.opts.recount {
            self.close_levels(3)?;
        }
        self.flush_all()?;
        Ok((self.out, self.stats))
    }

    fn maybe_flush(&mut self) -> Result<()> {
        if self.buf.len() >= FLUSH_AT {
            self.flush_buf()?;
        }
        Ok(())
    }

    fn flush_buf(&mut self) -> Result<()> {
        if !self.buf.is_empty() {
            self.out.write_all(&self.buf)?;
            self.stats.bytes += self.buf.len() as u64;
            self.buf.clear();
        }
        Ok(())
    }

    fn flush_all(&mut self) -> Result<()> {
        self.flush_buf()?;
        self.out.flush()?;
        Ok(())
    }

    /// Writes the trailers of open levels: 1 = ST, 2 = ST and GS, 3 = all.
    fn close_levels(&mut self, level: u8) -> Result<()> {
        if self.st.is_some() {
            self.synthesize("SE")?;
        }
        if level >= 2 && self.gs.is_some() {
            self.synthesize("GE")?;
        }
        if level >= 3 && self.isa.is_some() {
            self.synthesize("IEA")?;
        }
        Ok(())
    }

    /// Writes a trailer that was missing; its counts and control number come from the state.
    fn synthesize(&mut self, id: &'static str) -> Result<()> {
        // Built in the input's delimiters, so the control number copied from the header is
        // translated exactly as a trailer present in the input would be (found by fuzzing).
        let d = self.last_src;
        let mut raw = Vec::with_capacity(24);
        raw.extend_from_slice(id.as_bytes());
        raw.push(d.element);
        raw.extend_from_slice(b"0");
        raw.push(d.element);
        let open = match id {
            "SE" => self.st.as_ref(),
            "GE" => self.gs.as_ref(),
            _ => self.isa.as_ref(),
        };
        raw.extend_from_slice(open.map(|o| o.control.as_slice()).unwrap_or(b"0"));
        self.stats.trailers_added += 1;
        let gap = GapRef::Terminated(self.last_line_end);
        self.segment(
            &raw,
            d,
            gap,
            SegmentId::from_static(id),
            Position::default(),
            None,
        )
    }

    /// Writes one segment: envelope bookkeeping, optional rewriting, delimiter translation, gap.
    ///
    /// # Errors
    /// A value containing a target delimiter; a control number that does not fit; I/O errors.
    pub fn segment(
        &mut self,
        raw: &[u8],
        src: Delimiters,
        gap: GapRef<'_>,
        id: SegmentId,
        input: Position,
        loop_id: Option<LoopId>,
    ) -> Result<()> {
        let mut target = self.opts.delimiters.unwrap_or(src);
        let location = |this: &Self| Location {
            segment_id: id,
            loop_id,
            input,
            output_segment: this.stats.segments + 1,
            ..Location::default()
        };
        if self.opts.delimiters.is_some() && self.isa.is_none() && !id.is("ISA") {
            // Outside an interchange no ISA16 (or ISA11) declares the component (or repetition)
            // separator: a reader guesses them (':' unless a qualifier shows another; none), so
            // new ones would be read back as data. Keep the input's (found by the roundtrip_837
            // fuzz target).
            target.component = src.component;
            target.repetition = src.repetition;
            if target != src && check_delimiters(target).is_err() {
                return Err(EmitError::new(
                    EmitErrorKind::BadDelimiters(
                        "without an ISA the component and repetition separators stay as read, and a new delimiter is one of them",
                    ),
                    location(self),
                ));
            }
        }
        let rewritten = match id.as_bytes() {
            b"ISA" | b"GS" | b"ST" | b"SE" | b"GE" | b"IEA" | b"HL" => {
                self.envelope(raw, src, id).map_err(|e| {
                    e.at(|l| {
                        *l = Location {
                            element: l.element,
                            ..location(self)
                        }
                    })
                })?
            }
            _ => {
                if let Some(st) = &mut self.st {
                    st.count += 1;
                }
                false
            }
        };
        let raw: &[u8] = if rewritten { &self.scratch } else { raw };
        if target == src {
            self.buf.extend_from_slice(raw);
        } else {
            let mut out = std::mem::take(&mut self.buf);
            // IEA has only simple elements and IEA02 repeats ISA13, which is not read for
            // components: translate both the same way (found by the roundtrip_837 fuzz target).
            let simple = id.is("ISA") || id.is("IEA");
            let r = translate(raw, src, target, simple, &mut out);
            self.buf = out;
            if let Err(e) = r {
                return Err(EmitError::from_segment_error(e, location(self)));
            }
        }
        self.write_gap(gap, src, target);
        self.last_delims = target;
        self.last_src = src;
        self.stats.segments += 1;
        self.maybe_flush()
    }

    fn write_gap(&mut self, gap: GapRef<'_>, src: Delimiters, target: Delimiters) {
        let term_is_newline = target.segment == b'\n' || target.segment == b'\r';
        let kept = matches!(
            self.opts.line_ending,
            LineEnding::AsParsed | LineEnding::Breaks
        );
        let le = match (self.opts.line_ending, gap) {
            // As parsed, a gap that is more than a line break is copied whole.
            (LineEnding::AsParsed, GapRef::Verbatim(v)) => {
                self.last_line_end = gap.line_end_hint();
                if target == src {
                    self.buf.extend_from_slice(v);
                } else {
                    self.buf
                        .extend(v.iter().map(|&b| map_delimiter(b, src, target)));
                }
                return;
            }
            // Else the segment's own line break (with `Breaks`, all a gap keeps).
            (LineEnding::AsParsed | LineEnding::Breaks, _) => {
                let le = gap.line_end_hint();
                self.last_line_end = le;
                if term_is_newline && target != src {
                    LineEnd::None
                } else {
                    le
                }
            }
            (LineEnding::None, _) => LineEnd::None,
            (LineEnding::Lf, _) => LineEnd::Lf,
            (LineEnding::CrLf, _) => LineEnd::CrLf,
        };
        self.buf.push(target.segment);
        if !term_is_newline || kept {
            self.buf.extend_from_slice(le.as_bytes());
        }
        if self.opts.line_ending != LineEnding::AsParsed {
            self.last_line_end = le;
        }
    }

    /// Envelope and HL bookkeeping; leaves a rewritten segment in `scratch` and returns true
    /// when the segment must be rewritten.
    fn envelope(&mut self, raw: &[u8], d: Delimiters, id: SegmentId) -> Result<bool> {
        let recount = self.opts.recount;
        let mut edits: Vec<(usize, Vec<u8>)> = Vec::new();
        match id.as_bytes() {
            b"ISA" => {
                if recount {
                    self.close_levels(3)?;
                }
                self.stats.interchanges += 1;
                let mut control = element(raw, d, 13).to_vec();
                if let Some(n) = self.numbers.as_mut().map(|c| c.next_interchange()) {
                    if n > 999_999_999 {
                        return Err(control_overflow(n, 13));
                    }
                    control = format!("{n:09}").into_bytes();
                    edits.push((13, control.clone()));
                }
                self.isa = Some(Open { control, count: 0 });
                self.gs = None;
                self.st = None;
            }
            b"GS" => {
                if recount {
                    self.close_levels(2)?;
                }
                self.stats.groups += 1;
                if let Some(isa) = &mut self.isa {
                    isa.count += 1;
                }
                let mut control = element(raw, d, 6).to_vec();
                if let Some(n) = self.numbers.as_mut().map(|c| c.next_group()) {
                    if n > 999_999_999 {
                        return Err(control_overflow(n, 6));
                    }
                    control = n.to_string().into_bytes();
                    edits.push((6, control.clone()));
                }
                self.gs = Some(Open { control, count: 0 });
                self.st = None;
            }
            b"ST" => {
                if recount {
                    self.close_levels(1)?;
                }
                self.stats.transactions += 1;
                if let Some(gs) = &mut self.gs {
                    gs.count += 1;
                }
                let mut control = element(raw, d, 2).to_vec();
                if let Some(n) = self.numbers.as_mut().map(|c| c.next_transaction()) {
                    if n > 999_999_999 {
                        return Err(control_overflow(n, 2));
                    }
                    control = format!("{n:04}").into_bytes();
                    edits.push((2, control.clone()));
                }
                self.st = Some(Open { control, count: 1 });
                self.hl_map.clear();
                self.hl_next = 0;
            }
            b"SE" => {
                if let Some(mut st) = self.st.take() {
                    st.count += 1;
                    if recount {
                        edits.push((1, st.count.to_string().into_bytes()));
                    }
                    if recount || self.numbers.is_some() {
                        edits.push((2, st.control));
                    }
                }
            }
            b"GE" => {
                if recount && self.st.is_some() {
                    self.close_levels(1)?;
                }
                if let Some(gs) = self.gs.take() {
                    if recount {
                        edits.push((1, gs.count.to_string().into_bytes()));
                    }
                    if recount || self.numbers.is_some() {
                        edits.push((2, gs.control));
                    }
                }
            }
            b"IEA" => {
                if recount {
                    self.close_levels(2)?;
                }
                if let Some(isa) = self.isa.take() {
                    if recount {
                        edits.push((1, isa.count.to_string().into_bytes()));
                    }
                    if recount || self.numbers.is_some() {
                        edits.push((2, isa.control));
                    }
                }
            }
            _ => {
                // HL
                if let Some(st) = &mut self.st {
                    st.count += 1;
                }
                if recount {
                    self.hl_next += 1;
                    let new = self.hl_next;
                    let old = element(raw, d, 1).to_vec();
                    let parent = element(raw, d, 2);
                    let new_parent = if parent.is_empty() {
                        None
                    } else {
                        // A parent that is not (yet) a level: keeping its old number could
                        // name another level once renumbered, or this one (`HL*3*3`).
                        let Some(p) = self.hl_map.get(parent) else {
                            return Err(EmitError::new(
                                EmitErrorKind::HlParentMissing,
                                Location {
                                    element: 2,
                                    ..Location::default()
                                },
                            ));
                        };
                        Some(p.to_string().into_bytes())
                    };
                    self.hl_map.insert(old, new);
                    edits.push((1, new.to_string().into_bytes()));
                    if let Some(p) = new_parent {
                        edits.push((2, p));
                    }
                }
            }
        }
        if edits.is_empty() {
            return Ok(false);
        }
        // Only rewrite when something actually changes, so recounting a correct file is a no-op.
        if edits
            .iter()
            .all(|(n, v)| element(raw, d, *n) == v.as_slice())
        {
            return Ok(false);
        }
        self.scratch.clear();
        replace_elements(raw, d, &edits, &mut self.scratch);
        Ok(true)
    }
}

fn control_overflow(n: u64, element: u16) -> EmitError {
    EmitError::new(
        EmitErrorKind::ControlNumberOverflow(n),
        Location {
            element,
            ..Location::default()
        },
    )
}

fn map_delimiter(b: u8, from: Delimiters, to: Delimiters) -> u8 {
    if b == from.segment {
        to.segment
    } else if b == from.element {
        to.element
    } else if b == from.component {
        to.component
    } else if Some(b) == from.repetition {
        to.repetition.unwrap_or(b)
    } else {
        b
    }
}

/// Element `n` (1-based) of raw segment bytes.
pub(crate) fn element(raw: &[u8], d: Delimiters, n: usize) -> &[u8] {
    raw.split(|&b| b == d.element).nth(n).unwrap_or(&[])
}

/// Writes `raw` to `out` with the given elements replaced (1-based; missing elements are added
/// empty). Everything else is copied as is.
pub(crate) fn replace_elements(
    raw: &[u8],
    d: Delimiters,
    edits: &[(usize, Vec<u8>)],
    out: &mut Vec<u8>,
) {
    let max = edits.iter().map(|(n, _)| *n).max().unwrap_or(0);
    let mut count = 0usize;
    for (i, part) in raw.split(|&b| b == d.element).enumerate() {
        if i > 0 {
            out.push(d.element);
        }
        match edits.iter().rev().find(|(n, _)| *n == i && i > 0) {
            Some((_, v)) => out.extend_from_slice(v),
            None => out.extend_from_slice(part),
        }
        count = i;
    }
    for i in count + 1..=max {
        out.push(d.element);
        if let Some((_, v)) = edits.iter().rev().find(|(n, _)| *n == i) {
            out.extend_from_slice(v);
        }
    }
}

/// Checks that delimiters can be written: four distinct bytes (repetition optional), none a
/// letter, digit or space.
///
/// # Errors
/// [`EmitErrorKind::BadDelimiters`].
pub fn check_delimiters(d: Delimiters) -> Result<()> {
    let mut all = vec![d.element, d.component, d.segment];
    all.extend(d.repetition);
    if all.iter().any(|b| b.is_ascii_alphanumeric() || *b == b' ') {
        return Err(EmitError::new(
            EmitErrorKind::BadDelimiters("a delimiter is a letter, digit or space"),
            Location::default(),
        ));
    }
    for (i, a) in all.iter().enumerate() {
        if all.iter().skip(i + 1).any(|b| b == a) {
            return Err(EmitError::new(
                EmitErrorKind::BadDelimiters("two delimiters are the same byte"),
                Location::default(),
            ));
        }
    }
    Ok(())
}

/// Parses delimiters written as four characters: element, component, repetition, segment
/// terminator (for example `*:^~`); `\n` may be written as the two characters `\n`.
///
/// # Errors
/// [`EmitErrorKind::BadDelimiters`].
pub fn parse_delimiters(spec: &str) -> Result<Delimiters> {
    let spec = spec.replace("\\n", "\n").replace("\\r", "\r");
    let b = spec.as_bytes();
    let bad = || {
        EmitError::new(
            EmitErrorKind::BadDelimiters("give four characters such as *:^~"),
            Location::default(),
        )
    };
    let [element, component, repetition, segment] = b else {
        return Err(bad());
    };
    let d = Delimiters {
        element: *element,
        component: *component,
        repetition: Some(*repetition),
        segment: *segment,
    };
    check_delimiters(d)?;
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replace() {
        let d = Delimiters::default();
        let mut out = Vec::new();
        replace_elements(b"SE*5*0001", d, &[(1, b"7".to_vec())], &mut out);
        assert_eq!(out, b"SE*7*0001");
        out.clear();
        replace_elements(
            b"HL*3*",
            d,
            &[(1, b"1".to_vec()), (4, b"0".to_vec())],
            &mut out,
        );
        assert_eq!(out, b"HL*1***0");
        assert_eq!(element(b"GE*1*22", d, 2), b"22");
    }

    #[test]
    fn delimiter_specs() {
        assert!(parse_delimiters("*:^~").is_ok());
        assert!(parse_delimiters("|>^\\n").is_ok());
        assert!(parse_delimiters("**^~").is_err());
        assert!(parse_delimiters("*:^").is_err());
        assert!(parse_delimiters("*:A~").is_err());
    }
}
