//! `denali parse`: X12 to JSON, streamed one transaction set at a time.
//!
//! Shape (stable, documented in README.md): `{"file", "interchanges":[{..., "groups":[{...,
//! "transactions":[...]}]}], "diagnostics":[...]}`. Transaction sets outside an interchange or
//! group (a bare ST..SE file) are put in one with null header fields, so the shape never changes.

use std::io::{self, Write};
use std::process::ExitCode;

use denali_x12::{
    Diagnostic, Event, GroupHeader, InterchangeHeader, ParseOptions, Reader, Severity,
    TransactionSet, claim, remit,
};
use serde::Serialize;

use crate::args::ParseArgs;
use crate::input::InputName;
use crate::out;

/// Runs `denali parse`.
pub fn run(args: &ParseArgs) -> io::Result<ExitCode> {
    let opts = super::parse_options(&args.read);
    let mut w = out::stdout();
    let mut failed = false;
    for input in InputName::list(&args.read.files) {
        match parse_one(&input, &opts, args.redact, &mut w) {
            Ok(ok) => failed |= !ok,
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => return Err(e),
            Err(e) => {
                w.flush()?;
                eprintln!("denali: {}: {e}", input.display());
                failed = true;
            }
        }
    }
    w.flush()?;
    Ok(super::exit(failed))
}

#[derive(Serialize)]
struct TxOut<'a, T: Serialize> {
    set: &'a str,
    control_number: &'a str,
    version: &'a str,
    #[serde(flatten)]
    body: T,
}

/// An 837 set with patient and subscriber names and member ids masked.
struct Redacted837<'a>(&'a claim::Claim837Set);

impl Serialize for Redacted837<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut v = serde_json::to_value(self.0).map_err(serde::ser::Error::custom)?;
        redact_value(&mut v, false);
        v.serialize(s)
    }
}

/// Masks `name`, `first_name` and `id` inside `subscriber` and `patient` objects.
fn redact_value(v: &mut serde_json::Value, inside_person: bool) {
    match v {
        serde_json::Value::Object(map) => {
            for (k, child) in map.iter_mut() {
                let person = inside_person || k == "subscriber" || k == "patient";
                if person
                    && matches!(
                        k.as_str(),
                        "name" | "first_name" | "id" | "member_id" | "last_name" | "birth_date"
                    )
                {
                    if !child.is_null() {
                        *child = serde_json::Value::String(remit::REDACTED.to_string());
                    }
                } else {
                    redact_value(child, person);
                }
            }
        }
        serde_json::Value::Array(items) => items
            .iter_mut()
            .for_each(|i| redact_value(i, inside_person)),
        _ => {}
    }
}

#[derive(Serialize)]
struct OtherTx {
    segments: usize,
}

#[derive(Default)]
struct DocWriter {
    in_interchange: bool,
    in_group: bool,
    interchanges: usize,
    groups: usize,
    transactions: usize,
}

impl DocWriter {
    fn open_interchange<W: Write>(
        &mut self,
        w: &mut W,
        h: Option<&InterchangeHeader>,
    ) -> io::Result<()> {
        self.close_interchange(w)?;
        if self.interchanges > 0 {
            w.write_all(b",")?;
        }
        self.interchanges += 1;
        self.groups = 0;
        self.in_interchange = true;
        w.write_all(b"{\"control_number\":")?;
        out::json(w, &h.map(|h| &h.control_number))?;
        w.write_all(b",\"sender_id\":")?;
        out::json(w, &h.map(|h| &h.sender_id))?;
        w.write_all(b",\"receiver_id\":")?;
        out::json(w, &h.map(|h| &h.receiver_id))?;
        w.write_all(b",\"date\":")?;
        out::json(w, &h.and_then(|h| h.date))?;
        w.write_all(b",\"version\":")?;
        out::json(w, &h.map(|h| &h.version))?;
        w.write_all(b",\"groups\":[")
    }

    fn close_interchange<W: Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close_group(w)?;
        if self.in_interchange {
            self.in_interchange = false;
            w.write_all(b"]}")?;
        }
        Ok(())
    }

    fn open_group<W: Write>(&mut self, w: &mut W, g: Option<&GroupHeader>) -> io::Result<()> {
        if !self.in_interchange {
            self.open_interchange(w, None)?;
        }
        self.close_group(w)?;
        if self.groups > 0 {
            w.write_all(b",")?;
        }
        self.groups += 1;
        self.transactions = 0;
        self.in_group = true;
        w.write_all(b"{\"functional_id\":")?;
        out::json(w, &g.map(|g| &g.functional_id))?;
        w.write_all(b",\"version\":")?;
        out::json(w, &g.map(|g| &g.version))?;
        w.write_all(b",\"control_number\":")?;
        out::json(w, &g.map(|g| &g.control_number))?;
        w.write_all(b",\"date\":")?;
        out::json(w, &g.and_then(|g| g.date))?;
        w.write_all(b",\"transactions\":[")
    }

    fn close_group<W: Write>(&mut self, w: &mut W) -> io::Result<()> {
        if self.in_group {
            self.in_group = false;
            w.write_all(b"]}")?;
        }
        Ok(())
    }

    fn transaction<W: Write>(
        &mut self,
        w: &mut W,
        tx: &TransactionSet<'_>,
        opts: &ParseOptions,
        redact: bool,
        diags: &mut Vec<Diagnostic>,
    ) -> io::Result<()> {
        if !self.in_group {
            self.open_group(w, None)?;
        }
        if self.transactions > 0 {
            w.write_all(b",")?;
        }
        self.transactions += 1;
        let (set, control_number, version) = (
            tx.set_id.as_str(),
            tx.control_number.as_str(),
            tx.version.as_str(),
        );
        match tx.set_id.as_str() {
            "835" => {
                // Claim by claim, so a set of any size is written holding one claim: the same
                // JSON as serialising the whole `Remittance` under `TxOut` (the header is
                // complete at the first claim; the provider adjustments follow the claims).
                w.write_all(b"{\"set\":")?;
                out::json(w, set)?;
                w.write_all(b",\"control_number\":")?;
                out::json(w, control_number)?;
                w.write_all(b",\"version\":")?;
                out::json(w, version)?;
                let header = |w: &mut W, rem: &remit::Remittance| -> io::Result<()> {
                    w.write_all(b",\"payment\":")?;
                    out::json(w, &rem.payment)?;
                    w.write_all(b",\"payer\":")?;
                    out::json(w, &rem.payer)?;
                    w.write_all(b",\"payee\":")?;
                    out::json(w, &rem.payee)?;
                    w.write_all(b",\"claims\":[")
                };
                let mut written = 0usize;
                let mut failed = Ok(());
                let (rest, d) = remit::parse_835_each(tx, opts, |rem, _, claim| {
                    if failed.is_err() {
                        return;
                    }
                    if redact {
                        claim.redact();
                    }
                    failed = if written == 0 {
                        header(w, rem)
                    } else {
                        w.write_all(b",")
                    }
                    .and_then(|()| out::json(w, &*claim));
                    written += 1;
                });
                failed?;
                diags.extend(super::strictly(d, opts));
                if written == 0 {
                    header(w, &rest)?;
                }
                w.write_all(b"],\"provider_adjustments\":")?;
                out::json(w, &rest.provider_adjustments)?;
                w.write_all(b"}")
            }
            "837" => {
                let (set, d) = claim::parse_837(tx, opts);
                diags.extend(super::strictly(d, opts));
                if redact {
                    out::json(w, &Redacted837(&set))
                } else {
                    out::json(w, &set)
                }
            }
            _ => out::json(
                w,
                &TxOut {
                    set,
                    control_number,
                    version,
                    body: OtherTx {
                        segments: tx.segment_count(),
                    },
                },
            ),
        }
    }
}

/// Parses one input and writes its JSON document; false when it had errors.
fn parse_one<W: Write>(
    input: &InputName,
    opts: &ParseOptions,
    redact: bool,
    w: &mut W,
) -> io::Result<bool> {
    let src = match input.open() {
        Ok(src) => src,
        Err(e) => {
            // Still one document for the input, as for one that is not X12 (and as `validate`
            // gives): a reader of the JSON lines sees every input.
            w.write_all(b"{\"file\":")?;
            out::json(w, &input.display())?;
            w.write_all(b",\"interchanges\":[],\"diagnostics\":")?;
            let d = Diagnostic::error(
                denali_x12::DiagnosticCode::Fatal,
                Default::default(),
                format!("cannot read: {e}"),
            );
            out::json(w, &[d])?;
            w.write_all(b"}\n")?;
            eprintln!("denali: {}: cannot read: {e}", input.display());
            return Ok(false);
        }
    };
    let mut reader = Reader::from_reader_with(src, opts.clone());
    let mut diags: Vec<Diagnostic> = Vec::new();
    let mut doc = DocWriter::default();
    w.write_all(b"{\"file\":")?;
    out::json(w, &input.display())?;
    w.write_all(b",\"interchanges\":[")?;
    let mut fatal = None;
    loop {
        match reader.next_event() {
            Ok(Some(Event::InterchangeStart(h))) => doc.open_interchange(w, Some(&h))?,
            Ok(Some(Event::GroupStart(g))) => doc.open_group(w, Some(&g))?,
            Ok(Some(Event::Transaction(tx))) => {
                doc.transaction(w, &tx, opts, redact, &mut diags)?
            }
            Ok(Some(Event::GroupEnd)) => doc.close_group(w)?,
            Ok(Some(Event::InterchangeEnd)) => doc.close_interchange(w)?,
            Ok(None) => break,
            Err(e) if e.is_io() => return Err(io::Error::other(e.to_string())),
            Err(e) => {
                fatal = Some(e);
                break;
            }
        }
    }
    doc.close_interchange(w)?;
    let mut all = reader.take_diagnostics();
    all.extend(diags);
    all.sort_by_key(|d| d.position.offset);
    if let Some(e) = &fatal {
        all.push(Diagnostic::error(
            fatal_code(e),
            e.position(),
            e.to_string(),
        ));
    }
    w.write_all(b"],\"diagnostics\":")?;
    out::json(w, &all)?;
    w.write_all(b"}\n")?;
    Ok(fatal.is_none() && !all.iter().any(|d| d.severity == Severity::Error))
}

fn fatal_code(e: &denali_x12::Error) -> denali_x12::DiagnosticCode {
    use denali_x12::{DiagnosticCode as C, ErrorKind as K};
    match e.kind() {
        K::SegmentTooLong { .. } | K::TransactionTooLarge { .. } => C::LimitExceeded,
        K::Strict { code, .. } => *code,
        _ => C::Fatal,
    }
}
