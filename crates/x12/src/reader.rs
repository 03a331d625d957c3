//! The streaming reader: bytes in, envelopes and transaction sets out.
//!
//! # Why this is fiddly
//!
//! The reader works over a *window* of the input. For a slice the window is the whole slice and
//! nothing is copied. For an [`std::io::Read`] source the window is an owned buffer that is refilled
//! in chunks; when it is refilled, bytes before the start of the open transaction set (or of the
//! current segment, outside a transaction) are dropped and everything after them shifts to the
//! front. Every index into the window that outlives a refill (`pos`, the open transaction's start)
//! must be shifted together in `Reader::fill`; spans inside a transaction are stored relative to
//! the transaction's start so they never move. Memory therefore follows the largest transaction
//! set, not the file.
//!
//! Envelope trailers are checked as they come; a missing trailer is reported and the segment that
//! revealed it is processed again after the implied close (`pending`), so a truncated or
//! badly nested file still yields every transaction set it contains.
//!
//! A wrapped file (line breaks inside segments) is recognised once, from the first 64 KiB
//! (`LOOK_AHEAD`), before the first segment is read; from then on the input drops every CR
//! and LF: the refilled buffer as each chunk arrives, a slice by taking one copy without them. Both
//! decide from the same bytes, so slice and streamed reads agree, offsets included.

use std::borrow::Cow;
use std::io::{self, Read};

use memchr::memchr;

use crate::delimiters::{Delimiters, ISA_MAX_LEN};
use crate::error::{Diagnostic, DiagnosticCode, Error, ErrorKind, Position, Result, SegmentId};
use crate::segment::Segment;

/// Limits and strictness for reading. Defaults are far above anything a real file needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseOptions {
    /// Turn every diagnostic (warnings included) into an error that stops reading.
    pub strict: bool,
    /// The longest segment accepted, in bytes (default 1 MiB).
    pub max_segment_len: usize,
    /// The most segments one transaction set may hold (default 10 million).
    pub max_segments_per_transaction: u32,
    /// The most bytes one transaction set may hold (default 1 GiB; at most 4 GiB − 1).
    pub max_transaction_bytes: u64,
    /// The most elements a typed parser splits from one segment (default 1,000).
    pub max_elements: usize,
    /// How many bytes a streaming reader asks its source for at a time (default 256 KiB).
    pub chunk_size: usize,
}

impl Default for ParseOptions {
    fn default() -> Self {
        ParseOptions {
            strict: false,
            max_segment_len: 1 << 20,
            max_segments_per_transaction: 10_000_000,
            max_transaction_bytes: 1 << 30,
            max_elements: 1_000,
            chunk_size: 256 << 10,
        }
    }
}

impl ParseOptions {
    /// Default limits with every diagnostic turned into an error.
    pub fn strict() -> Self {
        ParseOptions {
            strict: true,
            ..ParseOptions::default()
        }
    }
}

/// The ISA header of an interchange (fields trimmed of their fixed-width padding).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct InterchangeHeader {
    /// ISA05 sender id qualifier.
    pub sender_qualifier: String,
    /// ISA06 sender id.
    pub sender_id: String,
    /// ISA07 receiver id qualifier.
    pub receiver_qualifier: String,
    /// ISA08 receiver id.
    pub receiver_id: String,
    /// ISA09 date (YYMMDD), when it parses.
    pub date: Option<chrono::NaiveDate>,
    /// ISA10 time (HHMM) as sent.
    pub time: String,
    /// ISA12 version (`00501`, `00401`).
    pub version: String,
    /// ISA13 control number as sent.
    pub control_number: String,
    /// ISA15 usage indicator (`P` production, `T` test).
    pub usage: String,
    /// The delimiters the ISA declares.
    #[serde(skip)]
    pub delimiters: Delimiters,
    /// Where the ISA is.
    #[serde(skip)]
    pub position: Position,
}

/// The GS header of a functional group.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct GroupHeader {
    /// GS01 functional id (`HP` for 835, `HC` for 837).
    pub functional_id: String,
    /// GS02 application sender code.
    pub sender: String,
    /// GS03 application receiver code.
    pub receiver: String,
    /// GS04 date (CCYYMMDD), when it parses.
    pub date: Option<chrono::NaiveDate>,
    /// GS06 group control number as sent.
    pub control_number: String,
    /// GS08 version / release / industry identifier (e.g. `005010X221A1`).
    pub version: String,
    /// Where the GS is.
    #[serde(skip)]
    pub position: Position,
}

/// Where one segment of a transaction set lies, relative to the transaction's first byte.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Span {
    start: u32,
    end: u32,
    index: u32,
    id: SegmentId,
}

/// One transaction set (ST through SE), borrowed from the reader.
#[derive(Clone, Debug)]
pub struct TransactionSet<'r> {
    /// ST01 transaction set id (`835`, `837`, `999`…).
    pub set_id: String,
    /// ST02 control number.
    pub control_number: String,
    /// ST03 implementation reference if present, else the enclosing GS08 (may be empty).
    pub version: String,
    data: &'r [u8],
    spans: &'r [Span],
    delimiters: Delimiters,
    base: u64,
}

impl<'r> TransactionSet<'r> {
    /// The segments from ST to SE, in order.
    pub fn segments(&self) -> impl ExactSizeIterator<Item = Segment<'r>> + Clone + 'r {
        let data = self.data;
        let delimiters = self.delimiters;
        let base = self.base;
        self.spans.iter().map(move |s| {
            let raw = data.get(s.start as usize..s.end as usize).unwrap_or(&[]);
            Segment::new(s.id, raw, delimiters, base + u64::from(s.start), s.index)
        })
    }

    /// The segments at indexes `range` of [`segments`](Self::segments) (clamped to the set).
    pub(crate) fn segments_in(
        &self,
        range: std::ops::Range<usize>,
    ) -> impl ExactSizeIterator<Item = Segment<'r>> + Clone + 'r {
        let data = self.data;
        let delimiters = self.delimiters;
        let base = self.base;
        let end = range.end.min(self.spans.len());
        let spans = self.spans.get(range.start.min(end)..end).unwrap_or(&[]);
        spans.iter().map(move |s| {
            let raw = data.get(s.start as usize..s.end as usize).unwrap_or(&[]);
            Segment::new(s.id, raw, delimiters, base + u64::from(s.start), s.index)
        })
    }

    /// The segment ids, in order: what following the loops needs, without making segments.
    pub(crate) fn ids(&self) -> impl ExactSizeIterator<Item = SegmentId> + 'r {
        self.spans.iter().map(|s| s.id)
    }

    /// Segment `i` (0-based index in the set), if the set has one.
    #[inline]
    pub(crate) fn segment_at(&self, i: usize) -> Option<Segment<'r>> {
        let s = self.spans.get(i)?;
        let raw = self
            .data
            .get(s.start as usize..s.end as usize)
            .unwrap_or(&[]);
        Some(Segment::new(
            s.id,
            raw,
            self.delimiters,
            self.base + u64::from(s.start),
            s.index,
        ))
    }

    /// The ids of the segments at indexes `range`, with their indexes.
    #[inline]
    pub(crate) fn ids_in(
        &self,
        range: std::ops::Range<usize>,
    ) -> impl Iterator<Item = (usize, SegmentId)> + 'r {
        let end = range.end.min(self.spans.len());
        let start = range.start.min(end);
        let spans = self.spans.get(start..end).unwrap_or(&[]);
        (start..).zip(spans.iter().map(|s| s.id))
    }

    /// The bytes of the segments at indexes `range`, from the first one's id to the end of the
    /// last one (empty when the range is).
    pub(crate) fn bytes_in(&self, range: std::ops::Range<usize>) -> &'r [u8] {
        let end = range.end.min(self.spans.len());
        match (
            self.spans.get(range.start),
            end.checked_sub(1).and_then(|i| self.spans.get(i)),
        ) {
            (Some(first), Some(last)) if range.start < end => self
                .data
                .get(first.start as usize..last.end as usize)
                .unwrap_or(&[]),
            _ => &[],
        }
    }

    /// How many segments with this id the set holds (no element is split).
    pub fn count(&self, id: &str) -> usize {
        self.spans.iter().filter(|s| s.id.is(id)).count()
    }

    /// The number of segments (ST and SE included when present).
    pub fn segment_count(&self) -> usize {
        self.spans.len()
    }

    /// The raw bytes from the start of ST to the end of the last segment's terminator.
    pub fn as_bytes(&self) -> &'r [u8] {
        self.data
    }

    /// The delimiters in force.
    pub fn delimiters(&self) -> Delimiters {
        self.delimiters
    }

    /// Position of the ST segment.
    pub fn position(&self) -> Position {
        self.segments()
            .next()
            .map(|s| s.position())
            .unwrap_or_default()
    }
}

/// A transaction set's bytes and segment index, copied out of the reader: to hand a set to
/// another thread while the reader moves on. [`OwnedTransactionSet::as_set`] lends it back as
/// the [`TransactionSet`] it was, positions included.
#[derive(Clone, Debug)]
pub struct OwnedTransactionSet {
    set_id: String,
    control_number: String,
    version: String,
    data: Vec<u8>,
    spans: Vec<Span>,
    delimiters: Delimiters,
    base: u64,
}

impl TransactionSet<'_> {
    /// A copy of the set that does not borrow the reader (its bytes plus 16 bytes a segment).
    pub fn to_owned_set(&self) -> OwnedTransactionSet {
        OwnedTransactionSet {
            set_id: self.set_id.clone(),
            control_number: self.control_number.clone(),
            version: self.version.clone(),
            data: self.data.to_vec(),
            spans: self.spans.to_vec(),
            delimiters: self.delimiters,
            base: self.base,
        }
    }

    /// [`TransactionSet::to_owned_set`] into a copy made before (of any set), reusing its
    /// buffers: a thread that hands set after set to others, and gets the copies back, then
    /// allocates only for the largest.
    pub fn copy_into(&self, into: &mut OwnedTransactionSet) {
        for (to, from) in [
            (&mut into.set_id, &self.set_id),
            (&mut into.control_number, &self.control_number),
            (&mut into.version, &self.version),
        ] {
            to.clear();
            to.push_str(from);
        }
        into.data.clear();
        into.data.extend_from_slice(self.data);
        into.spans.clear();
        into.spans.extend_from_slice(self.spans);
        into.delimiters = self.delimiters;
        into.base = self.base;
    }
}

impl OwnedTransactionSet {
    /// The set, borrowed from this copy.
    pub fn as_set(&self) -> TransactionSet<'_> {
        TransactionSet {
            set_id: self.set_id.clone(),
            control_number: self.control_number.clone(),
            version: self.version.clone(),
            data: &self.data,
            spans: &self.spans,
            delimiters: self.delimiters,
            base: self.base,
        }
    }

    /// The number of bytes held.
    pub fn len_bytes(&self) -> usize {
        self.data.len()
    }

    /// The memory its buffers hold, in bytes (after [`TransactionSet::copy_into`], what the
    /// largest set copied into it needed).
    pub fn capacity_bytes(&self) -> usize {
        self.data.capacity() + self.spans.capacity() * std::mem::size_of::<Span>()
    }
}

/// What the reader yields, in file order.
#[derive(Clone, Debug)]
pub enum Event<'r> {
    /// An ISA was read.
    InterchangeStart(InterchangeHeader),
    /// A GS was read.
    GroupStart(GroupHeader),
    /// A whole transaction set (ST..SE), or as much of one as the file held.
    Transaction(TransactionSet<'r>),
    /// A functional group ended (GE read, or implied by what followed).
    GroupEnd,
    /// An interchange ended (IEA read, or implied by what followed).
    InterchangeEnd,
}

/// Source of the window: a borrowed slice or a refillable buffer.
pub trait Input {
    /// The bytes currently available.
    fn data(&self) -> &[u8];
    /// File offset of `data()[0]`.
    fn base(&self) -> u64;
    /// Drops bytes before `keep_from`, reads more. Returns how far the data shifted left and
    /// whether any new byte arrived (false at end of input).
    fn fill(&mut self, keep_from: usize, chunk: usize) -> io::Result<(usize, bool)>;
    /// Removes every CR and LF byte from `from` on, in the data held and in all data read later
    /// (for a wrapped file, see [`Reader`]).
    fn drop_line_breaks(&mut self, from: usize);
}

/// Removes the CR and LF bytes of `buf` in place, keeping the others in order; returns how many
/// bytes are kept (the front of `buf`).
fn drop_line_breaks(buf: &mut [u8]) -> usize {
    let (mut read, mut kept) = (0, 0);
    while let Some(i) = memchr::memchr2(b'\r', b'\n', buf.get(read..).unwrap_or(&[])) {
        buf.copy_within(read..read + i, kept);
        kept += i;
        read += i + 1;
    }
    let rest = buf.len() - read;
    buf.copy_within(read.., kept);
    kept + rest
}

/// A whole input held in memory: borrowed (zero-copy), unless line breaks have to be removed
/// from a wrapped file, which takes a copy.
#[derive(Debug)]
pub struct SliceInput<'s>(Cow<'s, [u8]>);

impl Input for SliceInput<'_> {
    fn data(&self) -> &[u8] {
        &self.0
    }
    fn base(&self) -> u64 {
        0
    }
    fn fill(&mut self, _keep_from: usize, _chunk: usize) -> io::Result<(usize, bool)> {
        Ok((0, false))
    }
    fn drop_line_breaks(&mut self, from: usize) {
        let mut owned = self.0.to_vec();
        if let Some(rest) = owned.get_mut(from..) {
            let kept = drop_line_breaks(rest);
            owned.truncate(from + kept);
        }
        self.0 = Cow::Owned(owned);
    }
}

/// A streamed input: an owned, refilled buffer over a [`Read`].
#[derive(Debug)]
pub struct ReadInput<R> {
    src: R,
    /// Initialised bytes; the data is `buf[..len]`.
    buf: Vec<u8>,
    len: usize,
    base: u64,
    eof: bool,
    /// Whether CR and LF are removed from each chunk as it is read (a wrapped file).
    unwrap: bool,
}

impl<R: Read> Input for ReadInput<R> {
    fn data(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or(&[])
    }
    fn base(&self) -> u64 {
        self.base
    }
    fn fill(&mut self, keep_from: usize, chunk: usize) -> io::Result<(usize, bool)> {
        if self.eof {
            return Ok((0, false));
        }
        // Compact only when the free tail is short, and grow geometrically, so each byte is
        // moved O(1) times on average however large the kept transaction set is.
        let keep_from = keep_from.min(self.len);
        let mut shift = 0;
        if self.buf.len() - self.len < chunk && keep_from > 0 {
            self.buf.copy_within(keep_from..self.len, 0);
            self.len -= keep_from;
            self.base += keep_from as u64;
            shift = keep_from;
        }
        if self.buf.len() - self.len < chunk {
            // Only the next chunk is zeroed (safe code reads into initialised bytes); the Vec
            // grows its capacity geometrically underneath, so memory follows the data held
            // plus one chunk, not twice the data.
            self.buf.resize(self.len + chunk, 0);
        }
        loop {
            let free = self.buf.get_mut(self.len..).unwrap_or(&mut []);
            match self.src.read(free) {
                Ok(0) => {
                    self.eof = true;
                    return Ok((shift, false));
                }
                Ok(n) => {
                    self.len += match (self.unwrap, free.get_mut(..n)) {
                        (true, Some(new)) => drop_line_breaks(new),
                        _ => n,
                    };
                    return Ok((shift, true));
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }
    fn drop_line_breaks(&mut self, from: usize) {
        self.unwrap = true;
        if let Some(held) = self.buf.get_mut(from..self.len) {
            self.len = from + drop_line_breaks(held);
        }
    }
}

#[derive(Clone, Copy, Debug)]
struct RawSeg {
    start: usize,
    end: usize,
    id: SegmentId,
    offset: u64,
    index: u32,
}

#[derive(Debug)]
struct OpenInterchange {
    control: String,
    groups: u64,
}

#[derive(Debug)]
struct OpenGroup {
    control: String,
    version: String,
    sets: u64,
}

#[derive(Debug)]
struct OpenTransaction {
    start: usize,
    /// The delimiters the set was read with: an ISA that closes it (its SE missing) has already
    /// switched the reader to its own (found by the roundtrip_837 fuzz target).
    delims: Delimiters,
    control: String,
    set_id: String,
    version: String,
    skipped: u32,
}

/// Reads X12 from a slice or a stream, one envelope event or transaction set at a time.
///
/// ```
/// use denali_x12::{Reader, Event};
/// let bytes = b"ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *240101*1200*^*00501*000000001*0*P*:~\
/// GS*HP*S*R*20240101*1200*1*X*005010X221A1~ST*835*0001~BPR*I*0*C*NON************20240101~SE*3*0001~GE*1*1~IEA*1*000000001~";
/// let mut reader = Reader::from_slice(bytes);
/// let mut sets = 0;
/// while let Some(event) = reader.next_event()? {
///     if let Event::Transaction(tx) = event {
///         assert_eq!(tx.set_id, "835");
///         assert_eq!(tx.segment_count(), 3);
///         sets += 1;
///     }
/// }
/// assert_eq!(sets, 1);
/// assert!(reader.diagnostics().is_empty());
/// # Ok::<(), denali_x12::Error>(())
/// ```
#[derive(Debug)]
pub struct Reader<I> {
    input: I,
    opts: ParseOptions,
    pos: usize,
    delims: Option<Delimiters>,
    seg_index: u32,
    started: bool,
    finished: bool,
    bare: bool,
    interchange: Option<OpenInterchange>,
    group: Option<OpenGroup>,
    tx: Option<OpenTransaction>,
    tx_emitted: bool,
    spans: Vec<Span>,
    pending: Option<RawSeg>,
    diagnostics: Vec<Diagnostic>,
}

impl<'s> Reader<SliceInput<'s>> {
    /// A reader over bytes in memory; nothing is copied (unless the file is wrapped: see
    /// [`Reader::bytes`]).
    pub fn from_slice(bytes: &'s [u8]) -> Self {
        Reader::with_input(SliceInput(Cow::Borrowed(bytes)), ParseOptions::default())
    }

    /// A reader over bytes in memory with options.
    pub fn from_slice_with(bytes: &'s [u8], opts: ParseOptions) -> Self {
        Reader::with_input(SliceInput(Cow::Borrowed(bytes)), opts)
    }

    /// The bytes being read, which the offsets of events and diagnostics index: the input
    /// itself, or, once the first event has found a wrapped file
    /// ([`DiagnosticCode::WrappedLines`]), a copy of it without its line breaks.
    pub fn bytes(&self) -> &[u8] {
        self.input.data()
    }
}

impl<R: Read> Reader<ReadInput<R>> {
    /// A streaming reader: memory follows the largest transaction set, not the input.
    pub fn from_reader(src: R) -> Self {
        Reader::from_reader_with(src, ParseOptions::default())
    }

    /// A streaming reader with options.
    pub fn from_reader_with(src: R, opts: ParseOptions) -> Self {
        let input = ReadInput {
            src,
            buf: Vec::new(),
            len: 0,
            base: 0,
            eof: false,
            unwrap: false,
        };
        Reader::with_input(input, opts)
    }
}

/// Bytes skipped between segments: white space, and the NUL padding and DOS end-of-file mark
/// (0x1A) that some systems leave after the last segment.
const WS: [u8; 6] = [b' ', b'\t', b'\r', b'\n', 0x00, 0x1A];

/// Whether `sample` (the start of the data) is wrapped at a fixed width: its lines are of one
/// width (see [`fixed_width`]), and some interchange that starts in it (each read with its own
/// ISA's delimiters, the first with `bare` when the data has no ISA) breaks a line inside a
/// segment. `None` when not, or when any interchange has CR or LF for a delimiter (dropping line
/// breaks would break it); else the width.
///
/// Only a fixed width counts: in a file laid out a segment per line, a line break left inside
/// one segment (a terminator lost or overwritten) does not make its layout one line (found by
/// the emit crate's `mutated_837s_never_panic` property, which writes such a file back byte for
/// byte).
fn wrapped_interchanges(sample: &[u8], bare: Option<Delimiters>) -> Option<usize> {
    let width = fixed_width(sample)?;
    let mut starts: Vec<usize> = memchr::memmem::find_iter(sample, b"ISA")
        .filter(|&i| {
            sample
                .get(i + 3)
                .is_some_and(|b| !b.is_ascii_alphanumeric())
        })
        .collect();
    if starts.first() != Some(&0) {
        starts.insert(0, 0);
    }
    let mut inside = false;
    for (k, &start) in starts.iter().enumerate() {
        let end = starts.get(k + 1).copied().unwrap_or(sample.len());
        let part = sample.get(start..end).unwrap_or(&[]);
        let d = match isa_delimiters(part) {
            Some(d) => d,
            None if start == 0 => match bare {
                Some(d) => d,
                None => continue,
            },
            // "ISA" inside a value, or a broken ISA: its part is read with what came before.
            None => continue,
        };
        if [d.element, d.component, d.segment]
            .iter()
            .chain(d.repetition.iter())
            .any(is_break)
        {
            return None;
        }
        inside |= breaks_inside_segments(part, d);
    }
    inside.then_some(width)
}

/// The width of `sample`'s lines when all of them but the first (which may start mid-line) and
/// the last (the file's end, or cut off by the sample) have one width, the first is no longer,
/// and at least three lines have it: fewer is too likely by chance (found by the roundtrip_837
/// fuzz target, where a written file of two 66-byte lines read back as wrapped).
fn fixed_width(sample: &[u8]) -> Option<usize> {
    let mut widths: Vec<usize> = sample
        .split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l).len())
        .collect();
    while widths.last() == Some(&0) {
        widths.pop();
    }
    widths.pop();
    match widths.as_slice() {
        [first, w, rest @ ..] if *w > 0 && first <= w && rest.iter().all(|x| x == w) => {
            let lines = 1 + rest.len() + usize::from(first == w);
            (lines >= 3).then_some(*w)
        }
        _ => None,
    }
}

/// Whether `data` starts as UTF-16 text: a UTF-16 byte-order mark, or ASCII letters with a NUL
/// byte beside each (`I\0S\0A\0`, or `S\0A\0…` when white space skipping took a big-endian
/// file's first NUL).
fn looks_utf16(data: &[u8]) -> bool {
    let head = data.get(..8).unwrap_or(data);
    let ascii_pairs = |nul_first: bool| {
        head.len() == 8
            && head.chunks(2).all(|p| match p {
                [a, b] if nul_first => *a == 0 && b.is_ascii_graphic(),
                [a, b] => a.is_ascii_graphic() && *b == 0,
                _ => false,
            })
    };
    head.starts_with(b"\xFF\xFE")
        || head.starts_with(b"\xFE\xFF")
        || ascii_pairs(false)
        || ascii_pairs(true)
}

fn is_break(b: &u8) -> bool {
    *b == b'\r' || *b == b'\n'
}

/// The delimiters of the ISA that `part` starts with. When they would have a line break for the
/// component separator or the terminator (ISA16 and the byte after it), and the ISA read without
/// its line breaks has proper ones there, it was wrapped just before them and those count.
/// (A file whose terminator really is a line break has a segment id or white space after it,
/// which is no delimiter.)
fn isa_delimiters(part: &[u8]) -> Option<Delimiters> {
    let d = Delimiters::from_isa(part).ok()?.delimiters;
    if !is_break(&d.component) && !is_break(&d.segment) {
        return Some(d);
    }
    let head: Vec<u8> = part
        .iter()
        .take(2 * ISA_MAX_LEN)
        .filter(|b| !is_break(b))
        .copied()
        .collect();
    match Delimiters::from_isa(&head) {
        Ok(scan)
            if !is_break(&scan.delimiters.component) && !WS.contains(&scan.delimiters.segment) =>
        {
            Some(scan.delimiters)
        }
        _ => Some(d),
    }
}

/// Whether `part` (read with `d`) breaks a line inside a segment: after a byte other than the
/// segment terminator (white space aside), with more data after it. One pass (a search back and
/// forth from each line break would be quadratic in a long run of white space).
fn breaks_inside_segments(part: &[u8], d: Delimiters) -> bool {
    // The last byte that is not white space, and whether a line break followed it.
    let mut last = None;
    let mut broken = false;
    for b in part {
        if is_break(b) {
            broken |= last.is_some_and(|l| l != d.segment);
        } else if !WS.contains(b) {
            if broken {
                return true;
            }
            last = Some(*b);
        }
    }
    false
}

/// How far [`Reader`] looks ahead for the start of the data (a bare ST's delimiters, or the first
/// ISA after leading garbage). Slice and streamed reads both look exactly this far.
const LOOK_AHEAD: usize = 1 << 16;

impl<I: Input> Reader<I> {
    fn with_input(input: I, mut opts: ParseOptions) -> Self {
        opts.max_transaction_bytes = opts.max_transaction_bytes.min(u64::from(u32::MAX));
        opts.chunk_size = opts.chunk_size.max(64);
        Reader {
            input,
            opts,
            pos: 0,
            delims: None,
            seg_index: 0,
            started: false,
            finished: false,
            bare: false,
            interchange: None,
            group: None,
            tx: None,
            tx_emitted: false,
            spans: Vec::new(),
            pending: None,
            diagnostics: Vec::new(),
        }
    }

    /// The options in force.
    pub fn options(&self) -> &ParseOptions {
        &self.opts
    }

    /// Diagnostics found so far (envelope counts, skipped segments…).
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// Takes the diagnostics found so far, leaving none.
    pub fn take_diagnostics(&mut self) -> Vec<Diagnostic> {
        std::mem::take(&mut self.diagnostics)
    }

    /// The delimiters of the current interchange, once known.
    pub fn delimiters(&self) -> Option<Delimiters> {
        self.delims
    }

    /// Bytes consumed so far.
    pub fn offset(&self) -> u64 {
        self.input.base() + self.pos as u64
    }

    fn diag(&mut self, d: Diagnostic) -> Result<()> {
        if self.opts.strict {
            self.finished = true;
            return Err(d.into());
        }
        self.diagnostics.push(d);
        Ok(())
    }

    fn here(&self) -> Position {
        Position {
            offset: self.offset(),
            segment_index: self.seg_index,
            ..Position::default()
        }
    }

    fn fail<T>(&mut self, kind: ErrorKind, pos: Position) -> Result<T> {
        self.finished = true;
        Err(Error::new(kind, pos))
    }

    /// Refills the window, keeping the open transaction (or `keep_from`) and shifting indices.
    fn fill(&mut self, keep_from: usize) -> Result<(usize, bool)> {
        let keep = match &self.tx {
            Some(tx) if !self.tx_emitted => tx.start.min(keep_from),
            _ => keep_from,
        };
        let (shift, more) = match self.input.fill(keep, self.opts.chunk_size) {
            Ok(r) => r,
            Err(e) => {
                let pos = self.here();
                return self.fail(ErrorKind::Io(e), pos);
            }
        };
        self.pos -= shift.min(self.pos);
        if let Some(tx) = &mut self.tx {
            tx.start -= shift.min(tx.start);
        }
        Ok((shift, more))
    }

    /// Makes at least `n` bytes from `pos` available if the input has them.
    fn ensure(&mut self, n: usize) -> Result<()> {
        while self.input.data().len() < self.pos + n {
            let keep = self.pos;
            if !self.fill(keep)?.1 {
                break;
            }
        }
        Ok(())
    }

    /// Skips white space between segments; false at end of input.
    fn skip_ws(&mut self) -> Result<bool> {
        if self
            .input
            .data()
            .get(self.pos)
            .is_some_and(|b| !WS.contains(b))
        {
            return Ok(true);
        }
        loop {
            let data = self.input.data();
            let rest = data.get(self.pos..).unwrap_or(&[]);
            let n = rest.iter().take_while(|b| WS.contains(b)).count();
            self.pos += n;
            if n < rest.len() {
                return Ok(true);
            }
            let keep = self.pos;
            if !self.fill(keep)?.1 {
                return Ok(false);
            }
        }
    }

    /// Finds where the data starts: skips a BOM, recognises ISA or a bare ST, or skips leading
    /// garbage up to the first ISA within [`LOOK_AHEAD`] bytes.
    fn start(&mut self) -> Result<()> {
        self.find_start()?;
        self.unwrap_if_wrapped()
    }

    /// A CR or LF inside a segment is never data (X12's character sets have neither): when the
    /// first [`LOOK_AHEAD`] bytes are lines of one width that break inside segments, the file
    /// was wrapped at a fixed width (as some mainframe systems send 80-column records) and its
    /// line breaks are layout only. They are then dropped from the whole input as it is read,
    /// with a warning; byte offsets from there on count the data without them.
    fn unwrap_if_wrapped(&mut self) -> Result<()> {
        let data = self.input.data();
        let end = data.len().min(self.pos + LOOK_AHEAD);
        let sample = data.get(self.pos..end).unwrap_or(&[]);
        let Some(width) = wrapped_interchanges(sample, self.delims) else {
            return Ok(());
        };
        let pos = self.here();
        self.input.drop_line_breaks(self.pos);
        self.diag(Diagnostic::warning(
            DiagnosticCode::WrappedLines,
            pos,
            format!(
                "the file is wrapped at {width} columns: every line break was dropped, and byte offsets count the data without them"
            ),
        ))
    }

    fn find_start(&mut self) -> Result<()> {
        self.started = true;
        self.ensure(3)?;
        if self.input.data().starts_with(b"\xEF\xBB\xBF") {
            self.pos = 3;
        }
        if !self.skip_ws()? {
            let pos = self.here();
            return self.fail(ErrorKind::Empty, pos);
        }
        self.ensure(LOOK_AHEAD)?;
        let data = self.input.data();
        let end = data.len().min(self.pos + LOOK_AHEAD);
        let rest = data.get(self.pos..end).unwrap_or(&[]);
        if rest.starts_with(b"ISA") {
            return Ok(());
        }
        let bare_start = rest.starts_with(b"ST") || rest.starts_with(b"GS");
        if let Some(d) = Delimiters::guess_from_st(rest).filter(|_| bare_start) {
            self.delims = Some(d);
            self.bare = true;
            let pos = self.here();
            return self.diag(Diagnostic::warning(
                DiagnosticCode::NoEnvelope,
                pos,
                "no ISA envelope: delimiters guessed from the first segment",
            ));
        }
        let found = memchr::memmem::find_iter(rest, b"ISA")
            .find(|&i| rest.get(i + 3).is_some_and(|b| !b.is_ascii_alphanumeric()));
        match found {
            Some(i) => {
                let pos = self.here();
                self.pos += i;
                self.diag(Diagnostic::warning(
                    DiagnosticCode::LeadingGarbage,
                    pos,
                    format!("{i} bytes before the first ISA were skipped"),
                ))
            }
            None => {
                let pos = self.here();
                // From where the data starts, as every check here: a streamed window may
                // already have dropped the white space before it (found by the tokenize fuzz
                // target: with the whole input, a slice and a stream disagreed).
                let kind = if looks_utf16(rest) {
                    ErrorKind::Utf16
                } else {
                    ErrorKind::NotX12
                };
                self.fail(kind, pos)
            }
        }
    }

    /// Reads the next segment, or `None` at end of input.
    fn read_segment(&mut self) -> Result<Option<RawSeg>> {
        loop {
            if !self.skip_ws()? {
                return Ok(None);
            }
            self.ensure(4)?;
            let data = self.input.data();
            let rest = data.get(self.pos..).unwrap_or(&[]);
            let is_isa = rest.starts_with(b"ISA")
                && rest
                    .get(3)
                    .is_some_and(|b| !b.is_ascii_alphanumeric() && *b != b' ');
            if is_isa {
                return self.read_isa().map(Some);
            }
            let Some(d) = self.delims else {
                let pos = self.here();
                return self.fail(ErrorKind::NotX12, pos);
            };
            let Some((start, end)) = self.find_terminator(d)? else {
                return Ok(None);
            };
            self.seg_index = self.seg_index.saturating_add(1);
            let offset = self.input.base() + start as u64;
            let data = self.input.data();
            let raw = data.get(start..end).unwrap_or(&[]);
            let id_end = match raw {
                [_, _, b, ..] if *b == d.element => 2,
                [_, _, _, b, ..] if *b == d.element => 3,
                _ => raw
                    .iter()
                    .position(|&b| b == d.element)
                    .unwrap_or(raw.len()),
            };
            let id_bytes = raw.get(..id_end).unwrap_or(&[]);
            if raw.is_empty() {
                continue;
            }
            // An ISA is only read as one (above) when a delimiter follows "ISA"; otherwise it
            // has no layout to take delimiters from (found by the roundtrip_837 fuzz target,
            // "ISA" at the end of the input had opened an interchange with nothing in it).
            let bare_isa = id_bytes == b"ISA";
            match SegmentId::new(id_bytes).filter(|_| !bare_isa) {
                Some(id) => {
                    return Ok(Some(RawSeg {
                        start,
                        end,
                        id,
                        offset,
                        index: self.seg_index,
                    }));
                }
                None => {
                    if let Some(tx) = &mut self.tx {
                        tx.skipped = tx.skipped.saturating_add(1);
                    }
                    let pos = Position {
                        offset,
                        segment_index: self.seg_index,
                        ..Position::default()
                    };
                    self.diag(Diagnostic::error(
                        DiagnosticCode::InvalidSegmentId,
                        pos,
                        if bare_isa {
                            "ISA without a delimiter after its id; segment skipped"
                        } else {
                            "segment id is not 2-3 upper-case letters or digits; segment skipped"
                        },
                    ))?;
                }
            }
        }
    }

    /// Finds the end of the segment starting at `pos`; returns (start, end) window indices with
    /// `end` excluding the terminator, and moves `pos` past the terminator.
    fn find_terminator(&mut self, d: Delimiters) -> Result<Option<(usize, usize)>> {
        let mut start = self.pos;
        let mut from = start;
        loop {
            let data = self.input.data();
            if let Some(i) = memchr(d.segment, data.get(from..).unwrap_or(&[])) {
                let mut end = from + i;
                self.pos = end + 1;
                if end - start > self.opts.max_segment_len {
                    let pos = Position {
                        offset: self.input.base() + start as u64,
                        segment_index: self.seg_index + 1,
                        ..Position::default()
                    };
                    return self.fail(
                        ErrorKind::SegmentTooLong {
                            limit: self.opts.max_segment_len,
                        },
                        pos,
                    );
                }
                // A CR before a LF terminator is a CRLF line end, unless CR is a separator: then
                // it ends an element (found by the roundtrip_837 fuzz target).
                if d.segment == b'\n'
                    && end > start
                    && data.get(end - 1) == Some(&b'\r')
                    && d.element != b'\r'
                    && d.component != b'\r'
                    && d.repetition != Some(b'\r')
                {
                    end -= 1;
                }
                return Ok(Some((start, end)));
            }
            if data.len() - start > self.opts.max_segment_len {
                let pos = Position {
                    offset: self.input.base() + start as u64,
                    segment_index: self.seg_index + 1,
                    ..Position::default()
                };
                return self.fail(
                    ErrorKind::SegmentTooLong {
                        limit: self.opts.max_segment_len,
                    },
                    pos,
                );
            }
            from = data.len();
            let (shift, more) = self.fill(start)?;
            start -= shift;
            from -= shift;
            if !more {
                let data = self.input.data();
                let mut end = data.len();
                while end > start && data.get(end - 1).is_some_and(|b| WS.contains(b)) {
                    end -= 1;
                }
                self.pos = data.len();
                if end == start {
                    return Ok(None);
                }
                // The segment's id, when it has a valid one, as the diagnostics of the same
                // segment that follow carry it.
                let raw = data.get(start..end).unwrap_or(&[]);
                let id = raw
                    .iter()
                    .position(|&b| b == d.element)
                    .and_then(|n| raw.get(..n))
                    .and_then(SegmentId::new)
                    .unwrap_or_default();
                let pos = Position {
                    offset: self.input.base() + start as u64,
                    segment_index: self.seg_index + 1,
                    segment_id: id,
                    ..Position::default()
                };
                self.diag(Diagnostic::warning(
                    DiagnosticCode::MissingTerminator,
                    pos,
                    "the last segment has no segment terminator",
                ))?;
                return Ok(Some((start, end)));
            }
        }
    }

    fn read_isa(&mut self) -> Result<RawSeg> {
        self.ensure(ISA_MAX_LEN)?;
        let start = self.pos;
        let data = self.input.data();
        let offset = self.input.base() + start as u64;
        self.seg_index = self.seg_index.saturating_add(1);
        let pos = Position {
            offset,
            segment_index: self.seg_index,
            segment_id: SegmentId::from_static("ISA"),
            ..Position::default()
        };
        let scan = match Delimiters::from_isa(data.get(start..).unwrap_or(&[])) {
            Ok(s) => s,
            Err(kind) => return self.fail(kind, pos),
        };
        self.delims = Some(scan.delimiters);
        self.bare = false;
        let end = start + scan.len;
        self.pos = end + 1;
        if scan.len != 105 {
            self.diag(Diagnostic::warning(
                DiagnosticCode::IsaNotFixedWidth,
                pos,
                format!(
                    "ISA is {} bytes, not 106; read by its element separator",
                    scan.len + 1
                ),
            ))?;
        }
        Ok(RawSeg {
            start,
            end,
            id: SegmentId::from_static("ISA"),
            offset,
            index: self.seg_index,
        })
    }

    fn segment(&self, s: &RawSeg) -> Segment<'_> {
        let raw = self.input.data().get(s.start..s.end).unwrap_or(&[]);
        Segment::new(
            s.id,
            raw,
            self.delims.unwrap_or_default(),
            s.offset,
            s.index,
        )
    }

    /// The next event, or `None` when the input is exhausted.
    ///
    /// Fatal problems (I/O, no X12, an unreadable ISA, a limit exceeded) are errors, after which
    /// the reader yields nothing more. Everything else is a diagnostic and reading goes on.
    pub fn next_event(&mut self) -> Result<Option<Event<'_>>> {
        if self.tx_emitted {
            self.tx_emitted = false;
            self.tx = None;
            self.spans.clear();
        }
        if self.finished {
            return Ok(None);
        }
        if !self.started {
            self.start()?;
        }
        loop {
            let seg = match self.pending.take() {
                Some(s) => s,
                None => match self.read_segment()? {
                    Some(s) => s,
                    None => return self.finish(),
                },
            };
            let id = seg.id;
            match id.as_bytes() {
                b"ISA" => {
                    if let Some(c) = self.close_for(seg, 3)? {
                        return Ok(Some(self.emit_close(c)));
                    }
                    let header = self.interchange_header(&seg);
                    self.interchange = Some(OpenInterchange {
                        control: header.control_number.clone(),
                        groups: 0,
                    });
                    return Ok(Some(Event::InterchangeStart(header)));
                }
                b"GS" => {
                    if let Some(c) = self.close_for(seg, 2)? {
                        return Ok(Some(self.emit_close(c)));
                    }
                    let header = self.group_header(&seg);
                    match &mut self.interchange {
                        Some(i) => i.groups += 1,
                        None if !self.bare => {
                            let pos = self.segment(&seg).position();
                            self.diag(Diagnostic::warning(
                                DiagnosticCode::SegmentOutsideTransaction,
                                pos,
                                "GS outside an interchange",
                            ))?;
                        }
                        None => {}
                    }
                    self.group = Some(OpenGroup {
                        control: header.control_number.clone(),
                        version: header.version.clone(),
                        sets: 0,
                    });
                    return Ok(Some(Event::GroupStart(header)));
                }
                b"ST" => {
                    if let Some(c) = self.close_for(seg, 1)? {
                        return Ok(Some(self.emit_close(c)));
                    }
                    let s = self.segment(&seg);
                    let control = lossy(s.get(2));
                    let set_id = lossy(s.get(1));
                    let st03 = lossy(s.get(3));
                    let version = if st03.is_empty() {
                        self.group
                            .as_ref()
                            .map(|g| g.version.clone())
                            .unwrap_or_default()
                    } else {
                        st03
                    };
                    if let Some(g) = &mut self.group {
                        g.sets += 1;
                    }
                    self.spans.clear();
                    self.tx = Some(OpenTransaction {
                        start: seg.start,
                        delims: self.delims.unwrap_or_default(),
                        control,
                        set_id,
                        version,
                        skipped: 0,
                    });
                    self.push_span(&seg)?;
                }
                b"SE" => {
                    if self.tx.is_none() {
                        self.unexpected_trailer(&seg, "SE without ST")?;
                        continue;
                    }
                    self.push_span(&seg)?;
                    self.check_se(&seg)?;
                    return Ok(Some(self.emit_transaction()));
                }
                b"GE" => {
                    if let Some(c) = self.close_for(seg, 1)? {
                        return Ok(Some(self.emit_close(c)));
                    }
                    if self.group.is_none() {
                        self.unexpected_trailer(&seg, "GE without GS")?;
                        continue;
                    }
                    self.check_ge(&seg)?;
                    self.group = None;
                    return Ok(Some(Event::GroupEnd));
                }
                b"IEA" => {
                    if let Some(c) = self.close_for(seg, 2)? {
                        return Ok(Some(self.emit_close(c)));
                    }
                    if self.interchange.is_none() {
                        self.unexpected_trailer(&seg, "IEA without ISA")?;
                        continue;
                    }
                    self.check_iea(&seg)?;
                    self.interchange = None;
                    return Ok(Some(Event::InterchangeEnd));
                }
                _ => {
                    if self.tx.is_some() {
                        self.push_span(&seg)?;
                    } else {
                        let pos = self.segment(&seg).position();
                        self.diag(Diagnostic::error(
                            DiagnosticCode::SegmentOutsideTransaction,
                            pos,
                            "segment outside a transaction set was skipped",
                        ))?;
                    }
                }
            }
        }
    }

    /// Before a header or trailer at `level` (1 = ST/GE, 2 = GS/IEA, 3 = ISA), closes what is
    /// still open below it. Returns true when something was closed: the caller emits that close
    /// and `seg` is processed again on the next call.
    fn close_for(&mut self, seg: RawSeg, level: u8) -> Result<Option<Close>> {
        let pos = self.segment(&seg).position();
        let closed = self.close_innermost(level, pos, false)?;
        if closed.is_some() {
            self.pending = Some(seg);
        }
        Ok(closed)
    }

    /// Reports and closes the innermost open level up to `level` (1 transaction set, 2 group,
    /// 3 interchange); the open transaction set itself is closed by emitting it.
    fn close_innermost(&mut self, level: u8, pos: Position, at_eof: bool) -> Result<Option<Close>> {
        let (close, code, message) = if self.tx.is_some() {
            let m = if at_eof {
                "input ended inside a transaction set"
            } else {
                "transaction set ended without SE"
            };
            (Close::Transaction, DiagnosticCode::MissingSe, m)
        } else if level >= 2 && self.group.is_some() {
            self.group = None;
            let m = if at_eof {
                "input ended inside a functional group"
            } else {
                "functional group ended without GE"
            };
            (Close::Group, DiagnosticCode::MissingGe, m)
        } else if level >= 3 && self.interchange.is_some() {
            self.interchange = None;
            let m = if at_eof {
                "input ended inside an interchange"
            } else {
                "interchange ended without IEA"
            };
            (Close::Interchange, DiagnosticCode::MissingIea, m)
        } else {
            return Ok(None);
        };
        self.diag(Diagnostic::error(code, pos, message))?;
        Ok(Some(close))
    }

    fn emit_close(&mut self, c: Close) -> Event<'_> {
        match c {
            Close::Transaction => self.emit_transaction(),
            Close::Group => Event::GroupEnd,
            Close::Interchange => Event::InterchangeEnd,
        }
    }

    fn emit_transaction(&mut self) -> Event<'_> {
        self.tx_emitted = true;
        let (start, delimiters, set_id, control_number, version) = match &self.tx {
            Some(tx) => (
                tx.start,
                tx.delims,
                tx.set_id.clone(),
                tx.control.clone(),
                tx.version.clone(),
            ),
            None => (
                0,
                self.delims.unwrap_or_default(),
                String::new(),
                String::new(),
                String::new(),
            ),
        };
        let end = self.spans.last().map(|s| s.end as usize).unwrap_or(0);
        let data = self.input.data().get(start..start + end).unwrap_or(&[]);
        Event::Transaction(TransactionSet {
            set_id,
            control_number,
            version,
            data,
            spans: &self.spans,
            delimiters,
            base: self.input.base() + start as u64,
        })
    }

    fn push_span(&mut self, seg: &RawSeg) -> Result<()> {
        let Some(tx) = &self.tx else { return Ok(()) };
        let start = seg.start.saturating_sub(tx.start);
        let end = seg.end.saturating_sub(tx.start);
        if end as u64 > self.opts.max_transaction_bytes {
            let pos = self.segment(seg).position();
            let limit = self.opts.max_transaction_bytes;
            return self.fail(
                ErrorKind::TransactionTooLarge {
                    limit,
                    unit: "bytes",
                },
                pos,
            );
        }
        if self.spans.len() >= self.opts.max_segments_per_transaction as usize {
            let pos = self.segment(seg).position();
            let limit = u64::from(self.opts.max_segments_per_transaction);
            return self.fail(
                ErrorKind::TransactionTooLarge {
                    limit,
                    unit: "segments",
                },
                pos,
            );
        }
        self.spans.push(Span {
            start: start as u32,
            end: end as u32,
            index: seg.index,
            id: seg.id,
        });
        Ok(())
    }

    fn unexpected_trailer(&mut self, seg: &RawSeg, what: &'static str) -> Result<()> {
        let pos = self.segment(seg).position();
        self.diag(Diagnostic::error(
            DiagnosticCode::UnexpectedTrailer,
            pos,
            what,
        ))
    }

    fn check_se(&mut self, seg: &RawSeg) -> Result<()> {
        let Some(tx) = &self.tx else { return Ok(()) };
        let count = self.spans.len() as u64 + u64::from(tx.skipped);
        let check = TrailerCheck {
            count,
            control: tx.control.clone(),
            ignore_leading_zeros: false,
            count_code: DiagnosticCode::SegmentCountMismatch,
            count_message: format!("SE01 does not match the {count} segments from ST to SE"),
            control_code: DiagnosticCode::TransactionControlMismatch,
            control_message: "SE02 differs from ST02",
        };
        self.check_trailer(seg, check)
    }

    fn check_ge(&mut self, seg: &RawSeg) -> Result<()> {
        let Some(g) = &self.group else { return Ok(()) };
        let check = TrailerCheck {
            count: g.sets,
            control: g.control.clone(),
            ignore_leading_zeros: true,
            count_code: DiagnosticCode::TransactionCountMismatch,
            count_message: format!(
                "GE01 does not match the {} transaction sets in the group",
                g.sets
            ),
            control_code: DiagnosticCode::GroupControlMismatch,
            control_message: "GE02 differs from GS06",
        };
        self.check_trailer(seg, check)
    }

    fn check_iea(&mut self, seg: &RawSeg) -> Result<()> {
        let Some(i) = &self.interchange else {
            return Ok(());
        };
        let check = TrailerCheck {
            count: i.groups,
            control: i.control.clone(),
            ignore_leading_zeros: true,
            count_code: DiagnosticCode::GroupCountMismatch,
            count_message: format!(
                "IEA01 does not match the {} functional groups in the interchange",
                i.groups
            ),
            control_code: DiagnosticCode::InterchangeControlMismatch,
            control_message: "IEA02 differs from ISA13",
        };
        self.check_trailer(seg, check)
    }

    /// SE, GE and IEA alike: element 1 counts what the level held, element 2 repeats the
    /// header's control number.
    fn check_trailer(&mut self, seg: &RawSeg, c: TrailerCheck) -> Result<()> {
        let s = self.segment(seg);
        let count_ok = parse_u64(s.get(1)) == Some(c.count);
        let control_ok = if c.ignore_leading_zeros {
            trim_num(s.get(2)) == trim_num(c.control.as_bytes())
        } else {
            s.get(2) == c.control.as_bytes()
        };
        let (pos1, pos2) = (s.element_position(1), s.element_position(2));
        if !count_ok {
            self.diag(Diagnostic::warning(c.count_code, pos1, c.count_message))?;
        }
        if !control_ok {
            self.diag(Diagnostic::warning(c.control_code, pos2, c.control_message))?;
        }
        Ok(())
    }

    /// At end of input: closes whatever is still open, one event per call.
    fn finish(&mut self) -> Result<Option<Event<'_>>> {
        let pos = self.here();
        match self.close_innermost(3, pos, true)? {
            Some(close) => Ok(Some(self.emit_close(close))),
            None => {
                self.finished = true;
                Ok(None)
            }
        }
    }

    fn interchange_header(&self, seg: &RawSeg) -> InterchangeHeader {
        let s = self.segment(seg);
        let f = |n| lossy(trim_spaces(s.get(n)));
        let date = std::str::from_utf8(s.get(9))
            .ok()
            .and_then(|t| chrono::NaiveDate::parse_from_str(t, "%y%m%d").ok());
        InterchangeHeader {
            sender_qualifier: f(5),
            sender_id: f(6),
            receiver_qualifier: f(7),
            receiver_id: f(8),
            date,
            time: f(10),
            version: f(12),
            control_number: f(13),
            usage: f(15),
            delimiters: s.delimiters(),
            position: s.position(),
        }
    }

    fn group_header(&self, seg: &RawSeg) -> GroupHeader {
        let s = self.segment(seg);
        let f = |n| lossy(trim_spaces(s.get(n)));
        let date = std::str::from_utf8(s.get(4))
            .ok()
            .and_then(|t| chrono::NaiveDate::parse_from_str(t, "%Y%m%d").ok());
        GroupHeader {
            functional_id: f(1),
            sender: f(2),
            receiver: f(3),
            date,
            control_number: f(6),
            version: f(8),
            position: s.position(),
        }
    }
}

/// What a trailer must agree with, and what to say when it does not.
struct TrailerCheck {
    count: u64,
    control: String,
    ignore_leading_zeros: bool,
    count_code: DiagnosticCode,
    count_message: String,
    control_code: DiagnosticCode,
    control_message: &'static str,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Close {
    Transaction,
    Group,
    Interchange,
}

fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn trim_spaces(b: &[u8]) -> &[u8] {
    let start = b.iter().take_while(|&&c| c == b' ').count();
    let end = b.len() - b.iter().rev().take_while(|&&c| c == b' ').count();
    b.get(start..end.max(start)).unwrap_or(&[])
}

fn trim_num(b: &[u8]) -> &[u8] {
    let b = trim_spaces(b);
    let z = b.iter().take_while(|&&c| c == b'0').count();
    b.get(z..).unwrap_or(&[])
}

fn parse_u64(b: &[u8]) -> Option<u64> {
    let b = trim_spaces(b);
    if b.is_empty() || b.len() > 19 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(
        b.iter()
            .fold(0u64, |acc, &d| acc * 10 + u64::from(d - b'0')),
    )
}
