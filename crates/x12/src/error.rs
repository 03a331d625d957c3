//! Positions, diagnostics and the crate's error type.
//!
//! Every problem the reader or a typed parser finds names where it is: the byte offset from the
//! start of the input, the 1-based segment index in the file, the segment id, and the 1-based
//! element (and component) position. Messages never contain element values, so no patient data
//! leaks into logs.

use std::fmt;

/// A segment identifier such as `CLP` or `N1`: two or three ASCII upper-case letters or digits.
///
/// Stored inline (no heap). The empty id is used for positions that are not inside a segment
/// (for example "the file is empty").
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct SegmentId {
    bytes: [u8; 3],
    len: u8,
}

impl SegmentId {
    /// The id of positions outside any segment.
    pub const NONE: SegmentId = SegmentId {
        bytes: [0; 3],
        len: 0,
    };

    /// Builds an id from its bytes; `None` unless they are 2 or 3 ASCII upper-case letters or digits.
    #[inline]
    pub fn new(raw: &[u8]) -> Option<SegmentId> {
        if !(2..=3).contains(&raw.len()) {
            return None;
        }
        let mut bytes = [0u8; 3];
        for (slot, &b) in bytes.iter_mut().zip(raw) {
            if !(b.is_ascii_uppercase() || b.is_ascii_digit()) {
                return None;
            }
            *slot = b;
        }
        Some(SegmentId {
            bytes,
            len: raw.len() as u8,
        })
    }

    /// An id from two or three bytes known to be valid, for constants compared with `==` (four
    /// bytes, where [`SegmentId::is`] compares slices). Other lengths give the empty id.
    pub(crate) const fn constant(s: &[u8]) -> SegmentId {
        match *s {
            [a, b] => SegmentId {
                bytes: [a, b, 0],
                len: 2,
            },
            [a, b, c] => SegmentId {
                bytes: [a, b, c],
                len: 3,
            },
            _ => SegmentId::NONE,
        }
    }

    /// Builds an id from a static string; used for constants. Invalid input gives the empty id.
    pub fn from_static(s: &'static str) -> SegmentId {
        SegmentId::new(s.as_bytes()).unwrap_or(SegmentId::NONE)
    }

    /// The id as text (`""` for the empty id).
    #[inline]
    pub fn as_str(&self) -> &str {
        let bytes = self.bytes.get(..usize::from(self.len)).unwrap_or(&[]);
        std::str::from_utf8(bytes).unwrap_or("")
    }

    /// The id as bytes.
    #[inline]
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..usize::from(self.len)).unwrap_or(&[])
    }

    /// Whether this id equals the given text.
    #[inline]
    pub fn is(&self, s: &str) -> bool {
        self.as_bytes() == s.as_bytes()
    }
}

impl fmt::Debug for SegmentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SegmentId({})", self.as_str())
    }
}

impl fmt::Display for SegmentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for SegmentId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// Where something is in the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, serde::Serialize)]
pub struct Position {
    /// Byte offset from the start of the input (after nothing is skipped: a BOM counts).
    pub offset: u64,
    /// 1-based index of the segment in the input (0 when not inside a segment).
    pub segment_index: u32,
    /// The segment's id (empty when not inside a segment).
    pub segment_id: SegmentId,
    /// 1-based element position (0 = the segment as a whole).
    pub element: u16,
    /// 1-based component position inside a composite element (0 = the element as a whole).
    pub component: u8,
}

impl Position {
    /// The same position narrowed to an element.
    pub fn at_element(mut self, element: usize) -> Position {
        self.element = u16::try_from(element).unwrap_or(u16::MAX);
        self.component = 0;
        self
    }

    /// The same position narrowed to a component of its element.
    pub fn at_component(mut self, component: usize) -> Position {
        self.component = u8::try_from(component).unwrap_or(u8::MAX);
        self
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "byte {}", self.offset)?;
        if self.segment_index > 0 {
            write!(f, ", segment {}", self.segment_index)?;
            if !self.segment_id.as_str().is_empty() {
                write!(f, " ({})", self.segment_id)?;
            }
        }
        if self.element > 0 {
            write!(f, ", element {:02}", self.element)?;
            if self.component > 0 {
                write!(f, "-{}", self.component)?;
            }
        }
        Ok(())
    }
}

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The file deviates from the standard but was read completely (for example a wrong SE01).
    Warning,
    /// Part of the file could not be read as intended (for example an amount that is not a number).
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

macro_rules! diagnostic_codes {
    ($( $(#[$doc:meta])* $variant:ident => $text:literal, )*) => {
        /// What a diagnostic is about. The text form (`as_str`) is stable and used in JSON output.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum DiagnosticCode {
            $( $(#[$doc])* $variant, )*
        }

        impl DiagnosticCode {
            /// The stable snake_case name of the code.
            pub fn as_str(&self) -> &'static str {
                match self { $( DiagnosticCode::$variant => $text, )* }
            }
        }
    };
}

diagnostic_codes! {
    /// The ISA is not the fixed 106 bytes; it was split by its element separator instead.
    IsaNotFixedWidth => "isa_not_fixed_width",
    /// Bytes that are not X12 came before the first ISA and were skipped.
    LeadingGarbage => "leading_garbage",
    /// Line breaks inside segments (a file wrapped at a fixed width): all were dropped.
    WrappedLines => "wrapped_lines",
    /// The input has no ISA envelope; delimiters were guessed from the first ST segment.
    NoEnvelope => "no_envelope",
    /// ISA13 (control number) differs from IEA02.
    InterchangeControlMismatch => "interchange_control_mismatch",
    /// IEA01 differs from the number of functional groups in the interchange.
    GroupCountMismatch => "group_count_mismatch",
    /// GS06 (group control number) differs from GE02.
    GroupControlMismatch => "group_control_mismatch",
    /// GE01 differs from the number of transaction sets in the group.
    TransactionCountMismatch => "transaction_count_mismatch",
    /// ST02 (transaction control number) differs from SE02.
    TransactionControlMismatch => "transaction_control_mismatch",
    /// SE01 differs from the number of segments from ST to SE.
    SegmentCountMismatch => "segment_count_mismatch",
    /// An interchange ended without IEA.
    MissingIea => "missing_iea",
    /// A functional group ended without GE.
    MissingGe => "missing_ge",
    /// A transaction set ended without SE.
    MissingSe => "missing_se",
    /// A trailer (SE, GE, IEA) came without its header.
    UnexpectedTrailer => "unexpected_trailer",
    /// A segment came outside the envelope level where it belongs (for example data between GS and ST).
    SegmentOutsideTransaction => "segment_outside_transaction",
    /// A segment's id is not 2–3 upper-case letters or digits; the segment was skipped.
    InvalidSegmentId => "invalid_segment_id",
    /// The last segment of the input has no segment terminator.
    MissingTerminator => "missing_terminator",
    /// An empty segment (two terminators in a row) was skipped.
    EmptySegment => "empty_segment",
    /// A required segment is missing from a loop.
    MissingSegment => "missing_segment",
    /// A required element is missing or empty.
    MissingElement => "missing_element",
    /// An element holds a value that does not parse as its data type (number, date, code).
    InvalidValue => "invalid_value",
    /// A segment the typed model did not expect at this place; it was skipped.
    UnexpectedSegment => "unexpected_segment",
    /// SVC02 minus the line's adjustments differs from SVC03.
    LineUnbalanced => "line_unbalanced",
    /// CLP03 minus the claim's and its lines' adjustments differs from CLP04.
    ClaimUnbalanced => "claim_unbalanced",
    /// The sum of CLP04 minus the sum of PLB adjustments differs from BPR02.
    TransactionUnbalanced => "transaction_unbalanced",
    /// The transaction set is not of the kind the typed parser reads (for example a 999 given to the 835 parser).
    WrongTransactionType => "wrong_transaction_type",
    /// The GS08/ST03 label disagrees with the content; the content was trusted.
    VersionMismatch => "version_mismatch",
    /// An HL segment names a parent that does not exist (or itself).
    HlParentMissing => "hl_parent_missing",
    /// An HL level's parent is not at the level above it (837: a subscriber level under
    /// something other than a billing provider, a patient level under something other than a
    /// subscriber).
    HlLevelMismatch => "hl_level_mismatch",
    /// An HL segment reuses the HL01 of an earlier level of its transaction set (837: HL01 is
    /// unique within a set, so a child's HL02 would be ambiguous; the latest is taken).
    HlDuplicate => "hl_duplicate",
    /// A count limit of the parse options was reached; the rest of the loop was skipped.
    LimitExceeded => "limit_exceeded",
    /// Reading stopped at this point (the error that stopped it, reported as a diagnostic).
    Fatal => "fatal",
}

impl fmt::Display for DiagnosticCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for DiagnosticCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// A problem found while reading that did not stop the reading.
///
/// The message describes the problem without quoting element values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// How serious it is.
    pub severity: Severity,
    /// What it is about.
    pub code: DiagnosticCode,
    /// A short explanation (never contains element values).
    pub message: String,
    /// Where it is.
    pub position: Position,
}

impl Diagnostic {
    /// A warning.
    pub fn warning(code: DiagnosticCode, position: Position, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            code,
            message: message.into(),
            position,
        }
    }

    /// An error.
    pub fn error(code: DiagnosticCode, position: Position, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            position,
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at {}: {} [{}]",
            self.severity, self.position, self.message, self.code
        )
    }
}

impl serde::Serialize for Diagnostic {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Diagnostic", 8)?;
        st.serialize_field("severity", &self.severity)?;
        st.serialize_field("code", &self.code)?;
        st.serialize_field("message", &self.message)?;
        st.serialize_field("offset", &self.position.offset)?;
        st.serialize_field("segment_index", &self.position.segment_index)?;
        st.serialize_field("segment_id", &self.position.segment_id)?;
        st.serialize_field("element", &self.position.element)?;
        st.serialize_field("component", &self.position.component)?;
        st.end()
    }
}

/// What went wrong when reading could not go on.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Reading from the underlying source failed.
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
    /// The input is empty (or only white space).
    #[error("the input is empty")]
    Empty,
    /// No ISA (or bare ST) was found where the input should start.
    #[error("not an X12 interchange: no ISA or ST segment at the start")]
    NotX12,
    /// The input is text in UTF-16 (as some editors save "Unicode" files); X12 is one byte per
    /// character.
    #[error(
        "not an X12 interchange: the file is UTF-16 text; save or convert it as ASCII or UTF-8"
    )]
    Utf16,
    /// The ISA segment is too short or its delimiters cannot be determined.
    #[error("malformed ISA: {0}")]
    BadIsa(&'static str),
    /// Two of the delimiters the ISA declares are the same byte, so segments cannot be split.
    #[error("delimiters collide: the {0} and the {1} are the same byte")]
    DelimiterCollision(&'static str, &'static str),
    /// A segment is longer than `ParseOptions::max_segment_len`.
    #[error("segment longer than the limit of {limit} bytes")]
    SegmentTooLong {
        /// The limit in force.
        limit: usize,
    },
    /// A transaction set has more segments than `ParseOptions::max_segments_per_transaction`
    /// or more bytes than `ParseOptions::max_transaction_bytes`.
    #[error("transaction set larger than the limit of {limit} {unit}")]
    TransactionTooLarge {
        /// The limit in force.
        limit: u64,
        /// `segments` or `bytes`.
        unit: &'static str,
    },
    /// A diagnostic that strict parse options turned into an error.
    #[error("{code}: {message}")]
    Strict {
        /// The diagnostic's code.
        code: DiagnosticCode,
        /// The diagnostic's message.
        message: String,
    },
}

/// The error type of `denali-x12`: what went wrong and where.
#[derive(Debug)]
pub struct Error(Box<ErrorImpl>);

#[derive(Debug)]
struct ErrorImpl {
    kind: ErrorKind,
    position: Position,
}

impl Error {
    /// A new error at a position.
    pub fn new(kind: ErrorKind, position: Position) -> Error {
        Error(Box::new(ErrorImpl { kind, position }))
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.0.kind
    }

    /// Where it went wrong.
    pub fn position(&self) -> Position {
        self.0.position
    }

    /// Whether the error came from the underlying reader rather than from the data.
    pub fn is_io(&self) -> bool {
        matches!(self.0.kind, ErrorKind::Io(_))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at {})", self.0.kind, self.0.position)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.0.kind {
            ErrorKind::Io(e) => Some(e),
            _ => None,
        }
    }
}

impl From<Diagnostic> for Error {
    fn from(d: Diagnostic) -> Error {
        Error::new(
            ErrorKind::Strict {
                code: d.code,
                message: d.message,
            },
            d.position,
        )
    }
}

/// Shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
