//! # denali-x12
//!
//! A zero-copy, streaming reader for ANSI X12 EDI, with typed models of the 835 health care
//! claim payment (remittance) and the 837 health care claim.
//!
//! * Delimiters always come from the ISA (any byte values), tolerating CR/LF line breaks (between
//!   segments, or anywhere in a file wrapped at a fixed width), a BOM,
//!   indentation, an unpadded ISA, a bare ST..SE without envelope, several interchanges with
//!   different delimiters in one file.
//! * Segments and elements borrow from the input; elements are split only when read.
//! * Memory follows the largest transaction set: [`Reader::from_reader`] streams any size.
//! * Nothing panics on input. Fatal problems are [`Error`]s with a [`Position`]; everything else
//!   is a [`Diagnostic`] (envelope counts, balancing) and reading goes on. No message quotes an
//!   element value, so no patient data reaches a log.
//!
//! ```
//! use denali_x12::{Reader, Event};
//!
//! let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/835/basic.835"))?;
//! let mut reader = Reader::from_slice(&bytes);
//! let mut segments = 0;
//! while let Some(event) = reader.next_event()? {
//!     if let Event::Transaction(tx) = event {
//!         segments += tx.segment_count();
//!     }
//! }
//! assert!(segments > 0);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![deny(rustdoc::broken_intra_doc_links)]

pub mod delimiters;
pub mod error;
pub mod reader;
pub mod segment;
pub mod value;

pub use delimiters::Delimiters;
pub use error::{
    Diagnostic, DiagnosticCode, Error, ErrorKind, Position, Result, SegmentId, Severity,
};
pub use reader::{
    Event, GroupHeader, InterchangeHeader, OwnedTransactionSet, ParseOptions, Reader,
    TransactionSet,
};
pub use segment::{Element, Segment};
pub mod claim;
pub mod remit;
