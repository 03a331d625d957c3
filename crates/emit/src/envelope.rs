//! Envelopes for new files: ISA and GS built from fields or taken from an original file, and
//! writing claims or sets inside them with fresh control numbers and recomputed counts.

use std::io::Write;

use chrono::NaiveDate;
use denali_x12::Delimiters;
use denali_x12::claim::{Claim837Set, ClaimWithContext, Gap, LineEnd, OwnedSegment};

use crate::document::Interchange;
use crate::error::{EmitError, EmitErrorKind, Location, Result};
use crate::writer::{ControlNumbers, WriteOptions, WriteStats, Writer};

/// What goes into a new ISA and GS.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvelopeFields {
    /// ISA05 sender id qualifier (`ZZ` mutually defined, `30` federal tax id…).
    pub sender_qualifier: String,
    /// ISA06 sender id (at most 15 characters; padded).
    pub sender_id: String,
    /// ISA07 receiver id qualifier.
    pub receiver_qualifier: String,
    /// ISA08 receiver id (at most 15 characters; padded).
    pub receiver_id: String,
    /// GS02 application sender code.
    pub application_sender: String,
    /// GS03 application receiver code.
    pub application_receiver: String,
    /// ISA09/GS04 date.
    pub date: NaiveDate,
    /// ISA10/GS05 time as `HHMM`.
    pub time: String,
    /// ISA15 usage indicator: `P` production, `T` test.
    pub usage: char,
    /// ISA14: ask for a TA1 acknowledgment.
    pub acknowledgment_requested: bool,
    /// GS08 version (`005010X222A1`, `005010X223A2`, `005010X224A2`).
    pub version: String,
    /// The line break after each envelope segment.
    pub line_end: LineEnd,
}

/// An ISA and a GS to write transaction sets in. Their control numbers are replaced by fresh
/// ones when written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Envelope {
    /// The ISA segment.
    pub isa: OwnedSegment,
    /// The GS segment.
    pub gs: OwnedSegment,
}

fn bad(what: &'static str, id: &'static str, element: u16) -> EmitError {
    EmitError::new(
        EmitErrorKind::InvalidSegment(what),
        Location {
            segment_id: denali_x12::SegmentId::from_static(id),
            element,
            ..Location::default()
        },
    )
}

fn fixed(v: &str, width: usize, id: &'static str, element: u16) -> Result<String> {
    if v.len() > width || !v.is_ascii() {
        return Err(bad(
            "a fixed-width ISA value is too long or not ASCII",
            id,
            element,
        ));
    }
    Ok(format!("{v:<width$}"))
}

impl Envelope {
    /// Builds an ISA (5010, no authorization or security information) and a GS (HC, health
    /// care claim) from fields, with the given delimiters.
    ///
    /// # Errors
    /// A value too long for its fixed ISA width, or containing a delimiter.
    pub fn new(f: &EnvelopeFields, d: Delimiters) -> Result<Envelope> {
        crate::writer::check_delimiters(d)?;
        let time = if f.time.len() == 4 && f.time.bytes().all(|b| b.is_ascii_digit()) {
            f.time.clone()
        } else {
            return Err(bad("the time is not HHMM", "ISA", 10));
        };
        if !f.usage.is_ascii_alphabetic() {
            return Err(bad("the usage indicator is not a letter", "ISA", 15));
        }
        let rep = d
            .repetition
            .map_or("U".to_string(), |r| char::from(r).to_string());
        let isa_elems: Vec<String> = vec![
            "00".into(),
            " ".repeat(10),
            "00".into(),
            " ".repeat(10),
            fixed(&f.sender_qualifier, 2, "ISA", 5)?,
            fixed(&f.sender_id, 15, "ISA", 6)?,
            fixed(&f.receiver_qualifier, 2, "ISA", 7)?,
            fixed(&f.receiver_id, 15, "ISA", 8)?,
            f.date.format("%y%m%d").to_string(),
            time.clone(),
            rep,
            "00501".into(),
            "000000000".into(),
            if f.acknowledgment_requested { "1" } else { "0" }.into(),
            f.usage.to_string(),
            char::from(d.component).to_string(),
        ];
        // ISA11 and ISA16 are delimiters by design, so check the other values only.
        for (i, v) in isa_elems.iter().enumerate() {
            if i == 10 || i == 15 {
                continue;
            }
            if let Some(which) = v
                .bytes()
                .find_map(|b| denali_x12::claim::delimiter_name(d, b))
            {
                return Err(EmitError::new(
                    EmitErrorKind::DelimiterInValue(which),
                    Location {
                        segment_id: denali_x12::SegmentId::from_static("ISA"),
                        element: u16::try_from(i + 1).unwrap_or(0),
                        ..Location::default()
                    },
                ));
            }
        }
        let mut raw = b"ISA".to_vec();
        for v in &isa_elems {
            raw.push(d.element);
            raw.extend_from_slice(v.as_bytes());
        }
        let isa = OwnedSegment::from_raw(raw, d)
            .map_err(|e| EmitError::from_segment_error(e, Location::default()))?
            .with_gap(Gap::Terminated(f.line_end));
        let date = f.date.format("%Y%m%d").to_string();
        let gs_elems: [&[u8]; 8] = [
            b"HC",
            f.application_sender.as_bytes(),
            f.application_receiver.as_bytes(),
            date.as_bytes(),
            time.as_bytes(),
            b"1",
            b"X",
            f.version.as_bytes(),
        ];
        let gs = OwnedSegment::from_elements("GS", &gs_elems, d)
            .map_err(|e| {
                EmitError::from_segment_error(
                    e,
                    Location {
                        segment_id: denali_x12::SegmentId::from_static("GS"),
                        ..Location::default()
                    },
                )
            })?
            .with_gap(Gap::Terminated(f.line_end));
        Ok(Envelope { isa, gs })
    }

    /// The ISA and first GS of an interchange read from a file (for example the original of a
    /// corrected claim: same sender and receiver).
    pub fn from_interchange(i: &Interchange) -> Option<Envelope> {
        let isa = i.isa.clone()?;
        let gs = i.groups.iter().find_map(|g| g.gs.clone())?;
        Some(Envelope { isa, gs })
    }

    /// The same envelope with another ISA09/ISA10 and GS04/GS05 date and time (`HHMM`).
    ///
    /// # Errors
    /// A time that is not four digits.
    pub fn with_date_time(self, date: NaiveDate, time: &str) -> Result<Envelope> {
        if time.len() != 4 || !time.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad("the time is not HHMM", "ISA", 10));
        }
        let isa = set(
            &self.isa,
            &[
                (9, date.format("%y%m%d").to_string()),
                (10, time.to_string()),
            ],
        )?;
        let gs = set(
            &self.gs,
            &[
                (4, date.format("%Y%m%d").to_string()),
                (5, time.to_string()),
            ],
        )?;
        Ok(Envelope { isa, gs })
    }
}

fn set(seg: &OwnedSegment, edits: &[(usize, String)]) -> Result<OwnedSegment> {
    let d = seg.delimiters();
    let edits: Vec<(usize, Vec<u8>)> = edits
        .iter()
        .map(|(n, v)| (*n, v.clone().into_bytes()))
        .collect();
    let mut raw = Vec::new();
    crate::writer::replace_elements(seg.as_bytes(), d, &edits, &mut raw);
    Ok(OwnedSegment::from_raw(raw, d)
        .map_err(|e| {
            EmitError::from_segment_error(
                e,
                Location {
                    segment_id: seg.id(),
                    ..Location::default()
                },
            )
        })?
        .with_gap(seg.gap().clone()))
}

/// Writes 837 sets in one interchange and group with fresh control numbers (ISA13/IEA02,
/// GS06/GE02, ST02/SE02 from `numbers`), recomputed SE01/GE01/IEA01 and HL numbering.
///
/// # Errors
/// A value containing one of the delimiters written; I/O errors.
pub fn write_sets<W: Write>(
    sets: &[Claim837Set],
    envelope: &Envelope,
    opts: &WriteOptions,
    numbers: &mut dyn ControlNumbers,
    out: W,
) -> Result<WriteStats> {
    let opts = WriteOptions {
        recount: true,
        ..opts.clone()
    };
    let mut w = Writer::new(out, opts)?.with_control_numbers(numbers);
    w.write_owned(&envelope.isa)?;
    w.write_owned(&envelope.gs)?;
    for s in sets {
        w.write_set(s)?;
    }
    let (_, stats) = w.finish()?;
    Ok(stats)
}

/// Writes claims (each with its context, from one file or several) as one 837 set in a new
/// interchange: see [`Claim837Set::assemble`] for how the HL levels are rebuilt and
/// [`write_sets`] for the envelope.
///
/// # Errors
/// As [`write_sets`]; [`EmitErrorKind::NoSuchSegment`] when there is no claim.
pub fn write_claims<W: Write>(
    claims: Vec<ClaimWithContext>,
    envelope: &Envelope,
    opts: &WriteOptions,
    numbers: &mut dyn ControlNumbers,
    out: W,
) -> Result<WriteStats> {
    let set = Claim837Set::assemble(None, None, claims)
        .map_err(|e| EmitError::from_segment_error(e, Location::default()))?
        .ok_or_else(|| EmitError::new(EmitErrorKind::NoSuchSegment, Location::default()))?;
    write_sets(std::slice::from_ref(&set), envelope, opts, numbers, out)
}
