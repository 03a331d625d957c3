//! Owned segments and what follows them in the input (terminator and line break).
//!
//! Losslessness rests on two facts: a segment's bytes are kept exactly as read (from the id up to,
//! not including, the terminator), and the bytes *between* two segments are kept as a [`Gap`]. A
//! gap is almost always the terminator plus an optional line break, which is stored as a
//! [`LineEnd`] without allocating; anything else (extra blank lines, indentation, a segment the
//! reader skipped, a missing final terminator) is kept verbatim.

use crate::delimiters::Delimiters;
use crate::error::{Position, SegmentId};
use crate::segment::{Element, Segment};

/// The line break written after a segment terminator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum LineEnd {
    /// Nothing: the next segment follows the terminator directly.
    #[default]
    None,
    /// `\n`.
    Lf,
    /// `\r\n`.
    CrLf,
    /// `\r`.
    Cr,
}

impl LineEnd {
    /// The bytes of the line break.
    pub fn as_bytes(self) -> &'static [u8] {
        match self {
            LineEnd::None => b"",
            LineEnd::Lf => b"\n",
            LineEnd::CrLf => b"\r\n",
            LineEnd::Cr => b"\r",
        }
    }
}

/// What follows a segment's bytes in its input, up to the next segment (or the end of input).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Gap {
    /// The segment terminator followed by a line break (or none): the usual case.
    Terminated(LineEnd),
    /// Anything else, byte for byte, including the terminator if there was one.
    Verbatim(Vec<u8>),
}

impl Default for Gap {
    /// A bare terminator.
    fn default() -> Self {
        Gap::Terminated(LineEnd::None)
    }
}

impl Gap {
    /// Classifies the bytes between two segments, given the segment terminator in force.
    pub fn classify(bytes: &[u8], terminator: u8) -> Gap {
        match classify_standard(bytes, terminator) {
            Some(le) => Gap::Terminated(le),
            None => Gap::Verbatim(bytes.to_vec()),
        }
    }

    /// A borrowed view.
    pub fn as_ref(&self) -> GapRef<'_> {
        match self {
            Gap::Terminated(le) => GapRef::Terminated(*le),
            Gap::Verbatim(v) => GapRef::Verbatim(v),
        }
    }
}

/// A borrowed [`Gap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GapRef<'a> {
    /// The segment terminator followed by a line break (or none).
    Terminated(LineEnd),
    /// Anything else, byte for byte, including the terminator if there was one.
    Verbatim(&'a [u8]),
}

impl GapRef<'_> {
    /// An owned copy.
    pub fn to_owned(self) -> Gap {
        match self {
            GapRef::Terminated(le) => Gap::Terminated(le),
            GapRef::Verbatim(v) => Gap::Verbatim(v.to_vec()),
        }
    }

    /// The line break this gap comes closest to (used when a verbatim gap cannot be kept, for
    /// example because the delimiters change).
    pub fn line_end_hint(self) -> LineEnd {
        match self {
            GapRef::Terminated(le) => le,
            GapRef::Verbatim(v) => {
                if memchr::memmem::find(v, b"\r\n").is_some() {
                    LineEnd::CrLf
                } else if v.contains(&b'\n') {
                    LineEnd::Lf
                } else if v.contains(&b'\r') {
                    LineEnd::Cr
                } else {
                    LineEnd::None
                }
            }
        }
    }
}

/// `Some(line end)` when `bytes` is exactly the terminator plus a standard line break.
pub(crate) fn classify_standard(bytes: &[u8], terminator: u8) -> Option<LineEnd> {
    match bytes {
        [t] if *t == terminator => Some(LineEnd::None),
        [t, b'\n'] if *t == terminator && terminator != b'\n' => Some(LineEnd::Lf),
        [t, b'\r', b'\n'] if *t == terminator && terminator != b'\r' => Some(LineEnd::CrLf),
        [t, b'\r'] if *t == terminator && terminator != b'\r' && terminator != b'\n' => {
            Some(LineEnd::Cr)
        }
        _ => None,
    }
}

/// Why a segment cannot be built, translated or placed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SegmentError {
    /// The bytes do not start with a 2–3 character upper-case id followed by the element
    /// separator or the end.
    #[error("the segment id is not 2-3 upper-case letters or digits")]
    InvalidId,
    /// The bytes contain the segment terminator, so the segment would split in two.
    #[error("the segment contains its segment terminator")]
    ContainsTerminator,
    /// A value contains a delimiter of the target delimiters (X12 has no escaping).
    #[error("element {element:02} contains the {delimiter}")]
    DelimiterInValue {
        /// 1-based element position.
        element: u16,
        /// 1-based component position (0 = the element as a whole).
        component: u8,
        /// Which delimiter (`element separator`, `component separator`, `repetition separator`,
        /// `segment terminator`).
        delimiter: &'static str,
    },
    /// There is no segment at the index given to a [`Loop`](crate::claim::Loop) edit.
    #[error("no segment at that index")]
    NoSuchSegment,
    /// A loop's buffer would exceed 4 GiB.
    #[error("the loop is too large")]
    TooLarge,
    /// The target delimiters have no repetition separator but the segment uses one.
    #[error("element {element:02} uses a repetition separator the target delimiters lack")]
    NoRepetitionSeparator {
        /// 1-based element position.
        element: u16,
    },
}

/// One segment, owned: its bytes exactly as read (id first, no terminator), its delimiters, the
/// gap that followed it, and where it was read from.
///
/// Equality ignores where the segment was read from.
#[derive(Clone, Debug)]
pub struct OwnedSegment {
    id: SegmentId,
    raw: Vec<u8>,
    delimiters: Delimiters,
    gap: Gap,
    offset: u64,
    index: u32,
}

impl PartialEq for OwnedSegment {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
            && self.raw == other.raw
            && self.delimiters == other.delimiters
            && self.gap == other.gap
    }
}

impl Eq for OwnedSegment {}

impl OwnedSegment {
    /// An owned copy of a borrowed segment, with the gap that followed it.
    pub fn from_segment(seg: &Segment<'_>, gap: Gap) -> OwnedSegment {
        let pos = seg.position();
        OwnedSegment {
            id: seg.id(),
            raw: seg.as_bytes().to_vec(),
            delimiters: seg.delimiters(),
            gap,
            offset: pos.offset,
            index: pos.segment_index,
        }
    }

    /// A segment from raw bytes (id first, elements separated by `delimiters.element`, no
    /// terminator), followed by a bare terminator.
    ///
    /// # Errors
    /// [`SegmentError::InvalidId`] or [`SegmentError::ContainsTerminator`].
    pub fn from_raw(raw: Vec<u8>, delimiters: Delimiters) -> Result<OwnedSegment, SegmentError> {
        let id = id_of(&raw, delimiters).ok_or(SegmentError::InvalidId)?;
        if memchr::memchr(delimiters.segment, &raw).is_some() {
            return Err(SegmentError::ContainsTerminator);
        }
        Ok(OwnedSegment {
            id,
            raw,
            delimiters,
            gap: Gap::default(),
            offset: 0,
            index: 0,
        })
    }

    /// A segment from its id and simple element values (element 1 first), followed by a bare
    /// terminator. Trailing empty elements are dropped, as X12 requires.
    ///
    /// # Errors
    /// [`SegmentError::InvalidId`], or [`SegmentError::DelimiterInValue`] when a value contains
    /// any delimiter (use [`OwnedSegment::from_raw`] for composites written by hand).
    pub fn from_elements(
        id: &str,
        elements: &[&[u8]],
        delimiters: Delimiters,
    ) -> Result<OwnedSegment, SegmentError> {
        let sid = SegmentId::new(id.as_bytes()).ok_or(SegmentError::InvalidId)?;
        let used = elements
            .iter()
            .rposition(|e| !e.is_empty())
            .map_or(0, |i| i + 1);
        let mut raw =
            Vec::with_capacity(id.len() + elements.iter().map(|e| e.len() + 1).sum::<usize>());
        raw.extend_from_slice(id.as_bytes());
        for (i, value) in elements.iter().take(used).enumerate() {
            if let Some(which) = value.iter().find_map(|&b| delimiter_name(delimiters, b)) {
                return Err(SegmentError::DelimiterInValue {
                    element: u16::try_from(i + 1).unwrap_or(u16::MAX),
                    component: 0,
                    delimiter: which,
                });
            }
            raw.push(delimiters.element);
            raw.extend_from_slice(value);
        }
        Ok(OwnedSegment {
            id: sid,
            raw,
            delimiters,
            gap: Gap::default(),
            offset: 0,
            index: 0,
        })
    }

    /// The segment id.
    pub fn id(&self) -> SegmentId {
        self.id
    }

    /// The raw bytes (id first, no terminator).
    pub fn as_bytes(&self) -> &[u8] {
        &self.raw
    }

    /// The delimiters the bytes are written with.
    pub fn delimiters(&self) -> Delimiters {
        self.delimiters
    }

    /// What followed the segment.
    pub fn gap(&self) -> &Gap {
        &self.gap
    }

    /// Replaces what follows the segment.
    pub fn set_gap(&mut self, gap: Gap) {
        self.gap = gap;
    }

    /// The same segment with another gap.
    pub fn with_gap(mut self, gap: Gap) -> OwnedSegment {
        self.gap = gap;
        self
    }

    /// A borrowed view, to read elements.
    pub fn as_segment(&self) -> Segment<'_> {
        Segment::new(self.id, &self.raw, self.delimiters, self.offset, self.index)
    }

    /// Element `n` (1-based).
    pub fn element(&self, n: usize) -> Option<Element<'_>> {
        self.as_segment().element(n)
    }

    /// Element `n` as bytes; empty when absent.
    pub fn get(&self, n: usize) -> &[u8] {
        self.as_segment().get(n)
    }

    /// Where the segment was read from (zero for segments built in memory).
    pub fn position(&self) -> Position {
        self.as_segment().position()
    }

    /// The same segment written with other delimiters.
    ///
    /// # Errors
    /// [`SegmentError::DelimiterInValue`] when a value contains one of the new delimiters, or
    /// [`SegmentError::NoRepetitionSeparator`].
    pub fn with_delimiters(&self, to: Delimiters) -> Result<OwnedSegment, SegmentError> {
        let mut raw = Vec::with_capacity(self.raw.len());
        translate(&self.raw, self.delimiters, to, self.id.is("ISA"), &mut raw)?;
        Ok(OwnedSegment {
            id: self.id,
            raw,
            delimiters: to,
            gap: self.gap.clone(),
            offset: self.offset,
            index: self.index,
        })
    }
}

/// The id at the start of raw segment bytes.
pub(crate) fn id_of(raw: &[u8], d: Delimiters) -> Option<SegmentId> {
    let end = memchr::memchr(d.element, raw).unwrap_or(raw.len());
    SegmentId::new(raw.get(..end)?)
}

/// The name of the delimiter `b` is, if any.
pub fn delimiter_name(d: Delimiters, b: u8) -> Option<&'static str> {
    if b == d.segment {
        Some("segment terminator")
    } else if b == d.element {
        Some("element separator")
    } else if b == d.component {
        Some("component separator")
    } else if Some(b) == d.repetition {
        Some("repetition separator")
    } else {
        None
    }
}

/// Appends `raw` (written with `from`) to `out`, written with `to`.
///
/// Separators map to separators; any other byte that is one of the new delimiters is an error.
/// The ISA is special: ISA11 (repetition separator in 5010) and ISA16 (component separator) are
/// values that *are* delimiters, and they are replaced by the new ones.
///
/// # Errors
/// [`SegmentError::DelimiterInValue`] and [`SegmentError::NoRepetitionSeparator`], naming the
/// 1-based element and component.
pub fn translate(
    raw: &[u8],
    from: Delimiters,
    to: Delimiters,
    is_isa: bool,
    out: &mut Vec<u8>,
) -> Result<(), SegmentError> {
    let mut element: u16 = 0;
    let mut component: u8 = 1;
    let mut composite = false;
    let start = out.len();
    for &b in raw {
        if b == from.element {
            element = element.saturating_add(1);
            component = 1;
            composite = false;
            out.push(to.element);
            continue;
        }
        if is_isa {
            match element {
                11 if from.repetition == Some(b) => {
                    out.push(to.repetition.unwrap_or(b'U'));
                    continue;
                }
                // ISA11 holds a separator that could not be one (it collides with another
                // delimiter): write the target's, or reading the output would find a repetition
                // separator the first write did not use (found by fuzzing).
                11 if from.repetition.is_none()
                    && !b.is_ascii_alphanumeric()
                    && b != b' '
                    && to.repetition.is_some() =>
                {
                    out.push(to.repetition.unwrap_or(b));
                    continue;
                }
                16 if b == from.component => {
                    out.push(to.component);
                    continue;
                }
                _ => {}
            }
        } else if b == from.component {
            component = component.saturating_add(1);
            composite = true;
            out.push(to.component);
            continue;
        } else if from.repetition == Some(b) {
            if let Some(r) = to.repetition {
                out.push(r);
                component = 1;
                continue;
            }
            out.truncate(start);
            return Err(SegmentError::NoRepetitionSeparator { element });
        }
        if let Some(which) = delimiter_name(to, b) {
            out.truncate(start);
            return Err(SegmentError::DelimiterInValue {
                element,
                component: if composite { component } else { 0 },
                delimiter: which,
            });
        }
        out.push(b);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaps() {
        assert_eq!(Gap::classify(b"~", b'~'), Gap::Terminated(LineEnd::None));
        assert_eq!(Gap::classify(b"~\n", b'~'), Gap::Terminated(LineEnd::Lf));
        assert_eq!(
            Gap::classify(b"~\r\n", b'~'),
            Gap::Terminated(LineEnd::CrLf)
        );
        assert_eq!(Gap::classify(b"\n", b'\n'), Gap::Terminated(LineEnd::None));
        assert_eq!(
            Gap::classify(b"\r\n", b'\n'),
            Gap::Verbatim(b"\r\n".to_vec())
        );
        assert_eq!(
            Gap::classify(b"~\n\n", b'~'),
            Gap::Verbatim(b"~\n\n".to_vec())
        );
        assert_eq!(Gap::classify(b"", b'~'), Gap::Verbatim(Vec::new()));
    }

    #[test]
    fn build_and_translate() {
        let d = Delimiters::default();
        let s = OwnedSegment::from_elements("REF", &[b"F8", b"ICN1", b""], d).unwrap();
        assert_eq!(s.as_bytes(), b"REF*F8*ICN1");
        let e = OwnedSegment::from_elements("REF", &[b"F8", b"A~B"], d).unwrap_err();
        assert_eq!(
            e,
            SegmentError::DelimiterInValue {
                element: 2,
                component: 0,
                delimiter: "segment terminator"
            }
        );
        let clm = OwnedSegment::from_raw(b"CLM*A|B*10***11:B:1".to_vec(), d).unwrap();
        let to = Delimiters {
            element: b'|',
            component: b'>',
            repetition: Some(b'^'),
            segment: b'\n',
        };
        let err = clm.with_delimiters(to).unwrap_err();
        assert_eq!(
            err,
            SegmentError::DelimiterInValue {
                element: 1,
                component: 0,
                delimiter: "element separator"
            }
        );
        let sv = OwnedSegment::from_raw(b"SV1*HC:99213:25*10".to_vec(), d).unwrap();
        assert_eq!(
            sv.with_delimiters(to).unwrap().as_bytes(),
            b"SV1|HC>99213>25|10"
        );
        assert!(OwnedSegment::from_raw(b"R~F*1".to_vec(), d).is_err());
        assert!(OwnedSegment::from_raw(b"ref*1".to_vec(), d).is_err());
    }
}
