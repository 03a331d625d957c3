//! The error type of `denali-emit`: what went wrong and where, never with element values.

use std::fmt;

use denali_x12::SegmentId;
use denali_x12::claim::{LoopId, SegmentError};
use denali_x12::{Position, Severity};

/// Where an emit error is: the segment (id, and where it was read from when it came from an
/// input), its loop, the 1-based element and component, and its 1-based index in the output.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Location {
    /// The segment id (empty when the error is not about one segment).
    pub segment_id: SegmentId,
    /// The loop the segment is in, when known.
    pub loop_id: Option<LoopId>,
    /// 1-based element position (0 = the segment as a whole).
    pub element: u16,
    /// 1-based component position (0 = the element as a whole).
    pub component: u8,
    /// Where the segment was read from, when it was read (offset 0 and segment 0 otherwise).
    pub input: Position,
    /// 1-based index of the segment in the output (0 when nothing was being written).
    pub output_segment: u64,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut sep = "";
        if !self.segment_id.as_str().is_empty() {
            write!(f, "segment {}", self.segment_id)?;
            sep = ", ";
        }
        if self.element > 0 {
            write!(f, "{sep}element {}{:02}", self.segment_id, self.element)?;
            if self.component > 0 {
                write!(f, "-{}", self.component)?;
            }
            sep = ", ";
        }
        if let Some(l) = self.loop_id {
            write!(f, "{sep}loop {l}")?;
            sep = ", ";
        }
        if self.input.segment_index > 0 {
            write!(
                f,
                "{sep}input segment {} at byte {}",
                self.input.segment_index, self.input.offset
            )?;
            sep = ", ";
        }
        if self.output_segment > 0 {
            write!(f, "{sep}output segment {}", self.output_segment)?;
        }
        Ok(())
    }
}

/// What went wrong.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EmitErrorKind {
    /// A value contains one of the delimiters it would be written with (X12 has no escaping).
    #[error("a value contains the {0}")]
    DelimiterInValue(&'static str),
    /// A segment uses a repetition separator and the target delimiters have none.
    #[error("a value is repeated but the target delimiters have no repetition separator")]
    NoRepetitionSeparator,
    /// The requested delimiters are unusable: two are the same byte, or one is a letter, digit
    /// or space.
    #[error("unusable delimiters: {0}")]
    BadDelimiters(&'static str),
    /// A segment id is not 2–3 upper-case letters or digits, or a built segment is malformed.
    #[error("invalid segment: {0}")]
    InvalidSegment(&'static str),
    /// An edit named a loop that is not there.
    #[error("no such loop")]
    NoSuchLoop,
    /// An edit named a segment that is not there.
    #[error("no such segment")]
    NoSuchSegment,
    /// A replacement or void (frequency 7 or 8) needs the payer's claim control number of the
    /// original claim (REF*F8), and none was given or present.
    #[error("frequency 7 and 8 need the original claim's payer control number (REF*F8)")]
    MissingOriginalClaimNumber,
    /// A control number from the counter does not fit its element (ISA13 has 9 digits).
    #[error("control number {0} does not fit its element")]
    ControlNumberOverflow(u64),
    /// Renumbering HL levels (`recount`) met an HL02 that names no earlier level of its set:
    /// its old number might now be another level's, or the level's own, so nothing is written.
    #[error("HL02 names no earlier HL level, so the levels cannot be renumbered")]
    HlParentMissing,
    /// The input could not be read as X12.
    #[error("reading the input failed: {0}")]
    Parse(denali_x12::Error),
    /// A diagnostic became an error because strict checking was asked for.
    #[error("{severity} {code}: {message}")]
    Strict {
        /// Severity of the diagnostic.
        severity: Severity,
        /// The diagnostic's code.
        code: denali_x12::DiagnosticCode,
        /// The diagnostic's message (never contains values).
        message: String,
    },
    /// Writing the output failed.
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
}

/// The error type of `denali-emit`.
#[derive(Debug)]
pub struct EmitError(Box<ErrorImpl>);

#[derive(Debug)]
struct ErrorImpl {
    kind: EmitErrorKind,
    location: Location,
}

impl EmitError {
    /// A new error at a location.
    pub fn new(kind: EmitErrorKind, location: Location) -> EmitError {
        EmitError(Box::new(ErrorImpl { kind, location }))
    }

    /// What went wrong.
    pub fn kind(&self) -> &EmitErrorKind {
        &self.0.kind
    }

    /// Where it went wrong.
    pub fn location(&self) -> &Location {
        &self.0.location
    }

    /// Whether writing the output failed (rather than the data being unwritable).
    pub fn is_io(&self) -> bool {
        matches!(self.0.kind, EmitErrorKind::Io(_))
    }

    pub(crate) fn at(mut self, f: impl FnOnce(&mut Location)) -> EmitError {
        f(&mut self.0.location);
        self
    }

    pub(crate) fn from_segment_error(e: SegmentError, location: Location) -> EmitError {
        let mut location = location;
        let kind = match e {
            SegmentError::InvalidId => {
                EmitErrorKind::InvalidSegment("the id is not 2-3 upper-case letters or digits")
            }
            SegmentError::ContainsTerminator => {
                EmitErrorKind::DelimiterInValue("segment terminator")
            }
            SegmentError::DelimiterInValue {
                element,
                component,
                delimiter,
            } => {
                location.element = element;
                location.component = component;
                EmitErrorKind::DelimiterInValue(delimiter)
            }
            SegmentError::NoRepetitionSeparator { element } => {
                location.element = element;
                EmitErrorKind::NoRepetitionSeparator
            }
            SegmentError::NoSuchSegment => EmitErrorKind::NoSuchSegment,
            _ => EmitErrorKind::InvalidSegment("the segment cannot be built"),
        };
        EmitError::new(kind, location)
    }
}

impl fmt::Display for EmitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let loc = self.0.location.to_string();
        if loc.is_empty() {
            write!(f, "{}", self.0.kind)
        } else {
            write!(f, "{} ({loc})", self.0.kind)
        }
    }
}

impl std::error::Error for EmitError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.0.kind {
            EmitErrorKind::Io(e) => Some(e),
            EmitErrorKind::Parse(e) => Some(e),
            _ => None,
        }
    }
}

impl From<std::io::Error> for EmitError {
    fn from(e: std::io::Error) -> Self {
        EmitError::new(EmitErrorKind::Io(e), Location::default())
    }
}

impl From<denali_x12::Error> for EmitError {
    fn from(e: denali_x12::Error) -> Self {
        let input = e.position();
        EmitError::new(
            EmitErrorKind::Parse(e),
            Location {
                segment_id: input.segment_id,
                input,
                ..Location::default()
            },
        )
    }
}

/// Shorthand for results of this crate.
pub type Result<T, E = EmitError> = std::result::Result<T, E>;
