//! # denali-emit
//!
//! Writes X12 837 claims (and any other X12, losslessly) from the `denali-x12` model:
//!
//! * [`Writer`]: segments, loops, 837 sets and [`Document`]s out, with the caller's delimiters
//!   and line breaks; values that contain a target delimiter are refused with an error naming
//!   the segment and element (X12 has no escaping); optionally `recount` (SE01, GE01, IEA01,
//!   trailer control numbers, HL numbering and parent links, missing trailers) and fresh
//!   control numbers from a caller's [`ControlNumbers`].
//! * [`Document`]: a whole file read losslessly (837 sets typed), so that writing it back with
//!   default options reproduces the input byte for byte; [`fmt::format`] does that as a stream.
//! * [`edit`]: set, add or remove segments and elements by loop and qualifier, and
//!   [`edit::set_frequency`] for replacement/void claims with REF*F8.
//! * [`envelope`]: new ISA/GS envelopes and [`envelope::write_claims`] for a corrected-claim
//!   file built from claims taken out of their originals.
//!
//! ```
//! use denali_emit::{Document, Writer, WriteOptions, SequentialControlNumbers};
//! use denali_emit::{edit, envelope::{Envelope, write_claims}};
//! use denali_x12::claim::FrequencyCode;
//!
//! let original = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/837p-basic.x12"))?;
//! let (doc, _diagnostics) = Document::parse(&original)?;
//!
//! // Unchanged, it writes back byte for byte.
//! let mut out = Vec::new();
//! let mut w = Writer::new(&mut out, WriteOptions::default())?;
//! doc.write_to(&mut w)?;
//! w.finish()?;
//! assert_eq!(out, original);
//!
//! // A replacement claim (frequency 7 with the payer's claim number) in a fresh envelope.
//! let set = doc.claim_sets().next().unwrap();
//! let mut claim = set.claim_with_context(set.claims().next().unwrap().location().unwrap()).unwrap();
//! edit::set_frequency(&mut claim.claim, FrequencyCode::REPLACEMENT, Some(b"PAYERICN1"))?;
//! let envelope = Envelope::from_interchange(&doc.interchanges[0]).unwrap();
//! let mut numbers = SequentialControlNumbers::starting_at(1001);
//! let mut corrected = Vec::new();
//! write_claims(vec![claim], &envelope, &WriteOptions::default(), &mut numbers, &mut corrected)?;
//! let text = String::from_utf8(corrected)?;
//! assert!(text.contains("REF*F8*PAYERICN1~"));
//! assert!(text.contains("*000001001*"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![deny(rustdoc::broken_intra_doc_links)]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic
    )
)]

pub mod correct;
pub mod document;
pub mod edit;
pub mod envelope;
pub mod error;
pub mod fmt;
pub mod writer;

pub use document::{Document, DocumentReader, Group, Interchange, Item, Transaction};
pub use error::{EmitError, EmitErrorKind, Location, Result};
pub use writer::{
    ControlNumbers, LineEnding, SequentialControlNumbers, WriteOptions, WriteStats, Writer,
    check_delimiters, parse_delimiters,
};
