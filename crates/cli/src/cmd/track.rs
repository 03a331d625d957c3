//! `denali track`: the report pipeline's rows into the tracking store, and the store's work
//! queue, states and counts out. Everything about tracking lives in `denali-track`.

use std::io::{self, Write};
use std::process::ExitCode;

use chrono::NaiveDate;
use denali_track::{OpenFilter, State, Store, TrackedDenial};

use crate::args::{
    TrackAction, TrackArgs, TrackFormat, TrackIngestArgs, TrackOpenArgs, TrackSetArgs, TrackState,
    TrackStatsArgs,
};

/// Runs `denali track`.
pub fn run(args: &TrackArgs) -> io::Result<ExitCode> {
    let mut store = match Store::open(&args.db) {
        Ok(s) => s,
        Err(e) => return fail(&format!("{}: {e}", args.db.display())),
    };
    let result = match &args.action {
        TrackAction::Ingest(a) => ingest(&mut store, a),
        TrackAction::Open(a) => open(&store, a),
        TrackAction::Set(a) => set(&mut store, a),
        TrackAction::Stats(a) => stats(&store, a),
    };
    match result {
        Ok(code) => Ok(code),
        Err(Failure::Usage(msg)) => fail(&msg),
        Err(Failure::Io(e)) => Err(e),
    }
}

enum Failure {
    /// Exit 2 with this message.
    Usage(String),
    Io(io::Error),
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        Failure::Io(e)
    }
}

impl From<denali_track::Error> for Failure {
    fn from(e: denali_track::Error) -> Self {
        Failure::Usage(e.to_string())
    }
}

fn fail(msg: &str) -> io::Result<ExitCode> {
    eprintln!("denali: {msg}");
    Ok(ExitCode::from(2))
}

fn ingest(store: &mut Store, args: &TrackIngestArgs) -> Result<ExitCode, Failure> {
    // Every claim is listed (`all_claims`): a claim paid without denial is what closes the
    // denials of its earlier adjudications.
    let opts =
        super::report::report_options(&args.rules, &args.payers, args.strict, true, args.redact)
            .map_err(Failure::Usage)?;
    let threads = match args.threads {
        Some(0) => return Err(Failure::Usage("--threads must be at least 1".into())),
        Some(n) => n,
        None => 0,
    };
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build_global()
        .map_err(|e| Failure::Usage(format!("cannot start worker threads: {e}")))?;
    let (inputs, expand_errors) = super::report::inputs(&args.inputs);
    let progress = super::report::progress_bar(inputs.len() as u64);
    let tick = |_: &str| {
        if let Some(p) = &progress {
            p.inc(1);
        }
    };
    let mut ingest = store.begin()?;
    let summary = denali_report::stream(
        inputs,
        &opts,
        &mut |row| ingest.row(row).map_err(io::Error::other),
        &tick,
    );
    if let Some(p) = &progress {
        p.finish_and_clear();
    }
    let mut summary = summary?;
    summary.files += expand_errors.len() as u64;
    summary.files_failed += expand_errors.len() as u64;
    summary.errors.extend(expand_errors);
    denali_report::render::summary_text(io::stderr().lock(), &summary)?;
    // One ingest is one transaction: a batch with a file that could not be read completely,
    // or with claims not accounted for, is not stored at all (a partly stored remittance
    // would be skipped as known when the fixed file is ingested again).
    if summary.files_failed > 0 || !summary.reconciled() {
        eprintln!(
            "denali: nothing stored: {} of {} inputs failed{}; fix them or leave them out, and ingest again",
            summary.files_failed,
            summary.files,
            if summary.reconciled() {
                ""
            } else {
                ", and not every claim was accounted for"
            }
        );
        return Ok(ExitCode::from(1));
    }
    let c = ingest.commit()?;
    let mut out = io::stdout().lock();
    writeln!(
        out,
        "{} rows read: {} stored, {} skipped",
        c.rows, c.rows_stored, c.rows_skipped
    )?;
    writeln!(
        out,
        "stored {} remittances, {} claims, {} denials ({} already closed by a later adjudication in the store)",
        c.remittances, c.claims, c.denials, c.denials_already_closed
    )?;
    let repeats = c.skipped.iter().filter(|s| s.in_this_ingest).count();
    writeln!(
        out,
        "skipped {} remittances already stored ({} by an earlier ingest, {} earlier in this batch)",
        c.remittances_skipped,
        c.skipped.len() - repeats,
        repeats
    )?;
    for s in c.skipped.iter().take(SKIPPED_SHOWN) {
        writeln!(
            out,
            "  {}: trace {}, payer {}, paid {}, {} claims: the payment stored from {}",
            s.file, s.trace_number, s.payer_id, s.payment_date, s.claims, s.stored_from
        )?;
    }
    if c.skipped.len() > SKIPPED_SHOWN {
        writeln!(out, "  … {} more", c.skipped.len() - SKIPPED_SHOWN)?;
    }
    if c.shared_trace > 0 {
        writeln!(
            out,
            "stored {} remittances whose payer, trace number and date another stored remittance has, with other claims: two payments under one trace number",
            c.shared_trace
        )?;
    }
    writeln!(
        out,
        "closed {} earlier denials: their claims were adjudicated again",
        c.denials_closed
    )?;
    if c.denials_reopened > 0 {
        writeln!(
            out,
            "reopened {} denials: the payments that closed them were reversed (CLP02 = 22)",
            c.denials_reopened
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Skipped remittances listed by name (all are counted).
const SKIPPED_SHOWN: usize = 10;

fn as_of(arg: &Option<String>) -> Result<NaiveDate, Failure> {
    match arg {
        None => Ok(chrono::Local::now().date_naive()),
        Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map_err(|_| Failure::Usage(format!("--as-of {s:?}: expected a date as YYYY-MM-DD"))),
    }
}

fn open(store: &Store, args: &TrackOpenArgs) -> Result<ExitCode, Failure> {
    let today = as_of(&args.as_of)?;
    let filter = OpenFilter {
        payer_id: args.payer.clone(),
        due_by: args
            .due_within
            .map(|d| today + chrono::Days::new(u64::from(d))),
        as_of: Some(today),
    };
    let denials = store.open_denials(&filter)?;
    let out = io::stdout().lock();
    match args.format {
        TrackFormat::Json => {
            let mut out = out;
            serde_json::to_writer_pretty(&mut out, &denials).map_err(io::Error::other)?;
            writeln!(out)?;
        }
        TrackFormat::Csv => {
            // The header even when nothing is pending, so a script reading it sees the columns.
            let mut w = csv::WriterBuilder::new()
                .has_headers(false)
                .from_writer(out);
            w.write_record(TrackedDenial::COLUMNS)
                .map_err(io::Error::other)?;
            for d in &denials {
                w.serialize(for_spreadsheet(d)).map_err(io::Error::other)?;
            }
            w.flush()?;
        }
        TrackFormat::Table => table(out, &denials, today)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// Aligned columns: what a person works the queue from.
fn table(mut out: impl Write, denials: &[TrackedDenial], today: NaiveDate) -> io::Result<()> {
    let head = [
        "id", "state", "deadline", "payer", "claim", "codes", "amount", "category", "route",
    ];
    let mut rows: Vec<[String; 9]> = Vec::with_capacity(denials.len());
    for d in denials {
        let overdue = NaiveDate::parse_from_str(&d.deadline, "%Y-%m-%d").is_ok_and(|dl| dl < today);
        let codes = if d.rarcs.is_empty() {
            format!("{}-{}", d.group, d.carc)
        } else {
            format!("{}-{} {}", d.group, d.carc, d.rarcs)
        };
        rows.push([
            d.id.to_string(),
            d.state.to_string(),
            if overdue {
                format!("{} overdue", d.deadline)
            } else {
                d.deadline.clone()
            },
            d.payer_id.clone(),
            d.patient_control_number.clone(),
            codes,
            d.amount.clone(),
            d.category.clone(),
            d.route.clone(),
        ]);
    }
    let mut widths = head.map(str::len);
    for r in &rows {
        for (w, v) in widths.iter_mut().zip(r) {
            *w = (*w).max(v.chars().count());
        }
    }
    let line = |out: &mut dyn Write, vals: [&str; 9]| -> io::Result<()> {
        let mut s = String::new();
        for (i, (v, w)) in vals.iter().zip(widths).enumerate() {
            if i > 0 {
                s.push_str("  ");
            }
            s.push_str(v);
            if i + 1 < vals.len() {
                s.extend(std::iter::repeat_n(
                    ' ',
                    w.saturating_sub(v.chars().count()),
                ));
            }
        }
        writeln!(out, "{}", s.trim_end())
    };
    line(&mut out, head)?;
    for r in &rows {
        line(&mut out, r.each_ref().map(String::as_str))?;
    }
    writeln!(out, "{} pending denials", rows.len())
}

fn set(store: &mut Store, args: &TrackSetArgs) -> Result<ExitCode, Failure> {
    let state = match args.state {
        TrackState::Open => State::Open,
        TrackState::Appealed => State::Appealed,
        TrackState::Resubmitted => State::Resubmitted,
        TrackState::Resolved => State::Resolved,
        TrackState::WrittenOff => State::WrittenOff,
    };
    let before = store.set_state(args.id, state, args.note.as_deref())?;
    println!("denial {}: {before} -> {state}", args.id);
    Ok(ExitCode::SUCCESS)
}

fn stats(store: &Store, args: &TrackStatsArgs) -> Result<ExitCode, Failure> {
    let today = as_of(&args.as_of)?;
    let s = store.stats(today)?;
    let mut out = io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &s).map_err(io::Error::other)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(out, "{} remittances, {} claims", s.remittances, s.claims)?;
    for t in &s.by_state {
        writeln!(
            out,
            "{:<12} {:>8} denials  {:>14.2}",
            t.state, t.count, t.amount
        )?;
    }
    writeln!(out, "overdue on {today}: {}", s.overdue)?;
    if !s.recurring.is_empty() {
        writeln!(out, "most pending (payer, group-CARC):")?;
        for r in &s.recurring {
            writeln!(
                out,
                "  {:>6}  {}  {}-{}",
                r.pending, r.payer_id, r.group, r.carc
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `d` with the text that came from files or from a person made safe for spreadsheets
/// ([`denali_x12::value::spreadsheet_safe`]); the other columns are Denali's own words.
fn for_spreadsheet(d: &TrackedDenial) -> TrackedDenial {
    let mut d = d.clone();
    for f in [
        &mut d.payer_id,
        &mut d.payer_name,
        &mut d.patient_control_number,
        &mut d.payer_claim_control_number,
        &mut d.trace_number,
        &mut d.procedure,
        &mut d.carc,
        &mut d.rarcs,
        &mut d.correction,
        &mut d.note,
    ] {
        if let std::borrow::Cow::Owned(safe) = denali_x12::value::spreadsheet_safe(f) {
            *f = safe;
        }
    }
    d
}
