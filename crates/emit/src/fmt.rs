//! `denali fmt`: read any X12 file and write it back, by default exactly as it was.
//!
//! With default options a well-formed file comes back byte for byte (`fmt(f) == f`): same
//! delimiters, same line breaks, same bytes before the first segment. Options change the
//! delimiters, the line breaks, or recount envelopes and HL numbering (a repair for files with
//! wrong SE01/GE01/IEA01). The file is processed one transaction set at a time.

use std::io::Write;

use denali_x12::{Delimiters, Diagnostic, ParseOptions};

use crate::document::{DocumentReader, Item, Transaction};
use crate::error::Result;
use crate::writer::{LineEnding, WriteOptions, WriteStats, Writer};

/// Options for [`format()`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FmtOptions {
    /// Delimiters to write with; `None` keeps the input's.
    pub delimiters: Option<Delimiters>,
    /// Line breaks after terminators; [`LineEnding::AsParsed`] keeps the input's.
    pub line_ending: LineEnding,
    /// Recompute SE01/GE01/IEA01, trailer control numbers and HL numbering; add missing
    /// trailers.
    pub recount: bool,
    /// Reader options (limits).
    pub parse: ParseOptions,
}

/// What [`format()`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FmtReport {
    /// What was written.
    pub stats: WriteStats,
    /// What the reader and the 837 parser found (envelope counts, HL problems…).
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads `input` and writes it to `out` per `opts`.
///
/// ```
/// use denali_emit::fmt::{format, FmtOptions};
/// use denali_emit::LineEnding;
///
/// let input = b"ISA*00*          *00*          *ZZ*S              *ZZ*R              *240101*1200*^*00501*000000001*0*P*:~\nGS*HC*S*R*20240101*1200*1*X*005010X222A1~\nST*837*0001~\nBHT*0019*00*1*20240101*1200*CH~\nSE*9*0001~\nGE*1*1~\nIEA*1*000000001~\n";
/// let mut out = Vec::new();
/// format(input, &FmtOptions::default(), &mut out)?;
/// assert_eq!(out, input);
///
/// let opts = FmtOptions { recount: true, line_ending: LineEnding::None, ..FmtOptions::default() };
/// let mut out = Vec::new();
/// let report = format(input, &opts, &mut out)?;
/// assert!(out.ends_with(b"BHT*0019*00*1*20240101*1200*CH~SE*3*0001~GE*1*1~IEA*1*000000001~"));
/// assert!(!report.diagnostics.is_empty()); // the input's SE01 was wrong
/// # Ok::<(), denali_emit::EmitError>(())
/// ```
///
/// # Errors
/// Input that is not X12; a value that contains one of the requested delimiters (named by
/// segment and element); I/O errors.
pub fn format<W: Write>(input: &[u8], opts: &FmtOptions, out: &mut W) -> Result<FmtReport> {
    let wopts = WriteOptions {
        delimiters: opts.delimiters,
        line_ending: opts.line_ending,
        recount: opts.recount,
    };
    let mut w = Writer::new(out, wopts)?;
    let mut r = DocumentReader::with_options(input, opts.parse.clone());
    while let Some(item) = r.next_item()? {
        match item {
            Item::Prefix(p) => w.write_prefix(&p)?,
            Item::Envelope(seg) => w.write_owned(&seg)?,
            Item::Transaction(Transaction::Claim(set)) => w.write_set(&set)?,
            Item::Transaction(Transaction::Other(l)) => w.write_transaction_loop(&l)?,
        }
    }
    let (_, stats) = w.finish()?;
    Ok(FmtReport {
        stats,
        diagnostics: r.into_diagnostics(),
    })
}
