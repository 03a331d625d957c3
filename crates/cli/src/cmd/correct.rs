//! `denali correct`: reads the files, calls [`denali_emit::correct::correct`], writes the
//! corrected 837s and the worklist into `--out`, and prints a summary to standard error.
//!
//! Exit codes: 0 done; 1 an input could not be read or parsed, an edit does not parse, or a
//! file could not be written (everything else is still processed); 2 usage (bad arguments,
//! rules, payer rules or edits file).

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::{NaiveDate, NaiveDateTime};
use denali_emit::SequentialControlNumbers;
use denali_emit::correct::{CorrectOptions, CorrectOutcome, Disposition, Edits, correct};
use denali_rules::{Context, PayerRules};

use crate::args::{CorrectArgs, WorklistFormat};

/// Runs `denali correct`.
pub fn run(args: &CorrectArgs) -> io::Result<ExitCode> {
    let (ctx, edits) = match setup(args) {
        Ok(x) => x,
        Err(msg) => {
            eprintln!("denali: {msg}");
            return Ok(ExitCode::from(2));
        }
    };
    let mut failed = false;
    let remits = read_all(&args.remit, &mut failed);
    let claims = read_all(&args.claims, &mut failed);
    let remit_refs: Vec<(&str, &[u8])> = remits
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    let claim_refs: Vec<(&str, &[u8])> = claims
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    let now = now();
    let first = args
        .control_number
        .unwrap_or_else(|| clock_control_number(now));
    let mut numbers = SequentialControlNumbers::starting_at(first);
    let out = correct(
        &remit_refs,
        &claim_refs,
        &edits,
        &ctx,
        &CorrectOptions::new(now),
        &mut numbers,
    );

    let stale = earlier_files(&args.out, &out);
    if !stale.is_empty() {
        eprintln!(
            "denali: {} holds corrected 837s of an earlier run that this run would not replace ({}): sending the directory would send them again; move them away or choose another --out",
            args.out.display(),
            stale.join(", ")
        );
        return Ok(ExitCode::from(2));
    }
    if let Err(e) = std::fs::create_dir_all(&args.out) {
        eprintln!("denali: cannot create {}: {e}", args.out.display());
        return Ok(ExitCode::from(1));
    }
    for f in &out.files {
        failed |= !write_file(&args.out.join(&f.name), &f.bytes);
    }
    let (worklist_name, text) = match args.worklist_format {
        WorklistFormat::Csv => ("worklist.csv", out.worklist_csv()),
        WorklistFormat::Json => ("worklist.json", out.worklist_json() + "\n"),
    };
    let worklist = args.out.join(worklist_name);
    failed |= !write_file(&worklist, text.as_bytes());
    failed |= !write_file(&args.out.join("claims.csv"), out.claims_csv().as_bytes());

    summary(&mut io::stderr().lock(), &out, &args.out, &worklist)?;
    if args.appeal_letters {
        failed |= !write_letters(&args.out.join("appeals"), &out);
    }
    if let Some(db) = &args.track {
        failed |= !track(db, &out);
    }
    failed |= out.failed() || edits.invalid().next().is_some();
    Ok(super::exit(failed))
}

/// Writes the draft appeals into `dir` and says how many; false when one could not be written.
fn write_letters(dir: &Path, out: &CorrectOutcome) -> bool {
    if let Err(e) = std::fs::create_dir_all(dir) {
        eprintln!("denali: cannot create {}: {e}", dir.display());
        return false;
    }
    let mut ok = true;
    for l in &out.appeals {
        ok &= write_file(&dir.join(&l.name), l.text.as_bytes());
    }
    eprintln!(
        "appeal letters: {} ({} draft(s) to complete and sign)",
        dir.display(),
        out.appeals.len()
    );
    ok
}

/// Records the written claims in the tracking store: their open denials become
/// `resubmitted`, noted with the file and frequency sent. False when the store failed.
fn track(db: &Path, out: &CorrectOutcome) -> bool {
    let mut store = match denali_track::Store::open(db) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("denali: {}: {e}", db.display());
            return false;
        }
    };
    let (mut claims, mut denials) = (0u64, 0u64);
    for c in out
        .claims
        .iter()
        .filter(|c| c.disposition == Disposition::Written)
    {
        let sent: Vec<String> = c
            .written
            .iter()
            .map(|w| format!("{} (frequency {})", w.file, w.frequency))
            .collect();
        let note = format!("corrected claim written: {}", sent.join(", "));
        match store.mark_resubmitted(c.payer_id.as_deref().unwrap_or_default(), &c.claim, &note) {
            Ok(n) => {
                claims += 1;
                denials += n;
            }
            Err(e) => {
                eprintln!("denali: {}: {e}", db.display());
                return false;
            }
        }
    }
    eprintln!(
        "tracked: {denials} open denials of {claims} written claims marked resubmitted in {}",
        db.display()
    );
    true
}

/// Rules, payer rules, the deadline date and the edits.
fn setup(args: &CorrectArgs) -> Result<(Context, Edits), String> {
    let rules = super::load_rules(&args.rules)?;
    let payers = match &args.payers.payer_rules {
        None => PayerRules::default(),
        Some(p) => {
            let text = std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))?;
            PayerRules::from_toml(&text).map_err(|e| format!("{}: {e}", p.display()))?
        }
    };
    let as_of = match &args.payers.as_of {
        None => now().date(),
        Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map_err(|_| format!("--as-of {s:?}: expected a date as YYYY-MM-DD"))?,
    };
    let edits = match &args.edits {
        None => Edits::new(),
        Some(p) => {
            let text = std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))?;
            Edits::from_toml(&text).map_err(|e| format!("{}: {e}", p.display()))?
        }
    };
    Ok((
        Context {
            rules,
            payers,
            as_of,
        },
        edits,
    ))
}

/// The local time now, or `SOURCE_DATE_EPOCH` (UTC) when set, for reproducible output.
fn now() -> NaiveDateTime {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|secs| chrono::DateTime::from_timestamp(secs, 0))
        .map(|t| t.naive_utc())
        .unwrap_or_else(|| chrono::Local::now().naive_local())
}

/// The default first control number: seconds since 2020-01-01 00:00 UTC (`now` read as
/// UTC), kept within ISA13's nine digits.
fn clock_control_number(now: NaiveDateTime) -> u64 {
    let epoch = NaiveDate::from_ymd_opt(2020, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .unwrap_or(now);
    let secs = u64::try_from((now - epoch).num_seconds()).unwrap_or(0);
    secs % 999_999_999 + 1
}

/// Corrected 837s (`corrected-*.x12`) already in `dir` that this run will not overwrite.
fn earlier_files(dir: &Path, out: &CorrectOutcome) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut stale: Vec<String> = entries
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| n.starts_with("corrected-") && n.ends_with(".x12"))
        .filter(|n| !out.files.iter().any(|f| &f.name == n))
        .collect();
    stale.sort();
    stale
}

fn read_all(paths: &[PathBuf], failed: &mut bool) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for p in paths {
        match std::fs::read(p) {
            Ok(b) => out.push((p.display().to_string(), b)),
            Err(e) => {
                eprintln!("denali: {}: {e}", p.display());
                *failed = true;
            }
        }
    }
    out
}

fn write_file(path: &Path, bytes: &[u8]) -> bool {
    match std::fs::write(path, bytes) {
        Ok(()) => true,
        Err(e) => {
            eprintln!("denali: cannot write {}: {e}", path.display());
            false
        }
    }
}

/// Claims listed one per line on standard error (all of them are in `claims.csv`).
const SHOWN: usize = 50;

fn summary(w: &mut dyn Write, out: &CorrectOutcome, dir: &Path, worklist: &Path) -> io::Result<()> {
    for e in &out.input_errors {
        writeln!(w, "denali: {}: {}", e.file, e.message)?;
    }
    for m in &out.warnings {
        writeln!(w, "denali: warning: {m}")?;
    }
    let c = out.counts();
    writeln!(
        w,
        "{} remittance(s), {} claim(s), {} denied: {} written, {} worklisted, {} skipped",
        c.remittances, c.remit_claims, c.denied_claims, c.written, c.worklisted, c.skipped
    )?;
    for o in out.claims.iter().take(SHOWN) {
        let mut what = match (o.disposition, o.needed.first()) {
            (Disposition::Written, _) | (_, None) => o.reason.clone(),
            (_, Some(first)) if o.needed.len() > 1 => {
                format!("{first} (+{} more)", o.needed.len() - 1)
            }
            (_, Some(first)) => first.clone(),
        };
        for n in &o.notes {
            what.push_str("; note: ");
            what.push_str(n);
        }
        let (claim, disposition, route) = (&o.claim, o.disposition.as_str(), o.route.as_str());
        writeln!(w, "  {claim:<20} {disposition:<10} {route:<16} {what}")?;
    }
    if out.claims.len() > SHOWN {
        writeln!(w, "  … {} more", out.claims.len() - SHOWN)?;
    }
    let routes: Vec<String> = c.by_route.iter().map(|(r, n)| format!("{r} {n}")).collect();
    writeln!(w, "by route: {}", routes.join(", "))?;
    for f in &out.files {
        writeln!(
            w,
            "wrote {} ({} claim(s))",
            dir.join(&f.name).display(),
            f.claims.len()
        )?;
    }
    writeln!(
        w,
        "worklist: {} ({} claim(s))",
        worklist.display(),
        c.worklisted
    )?;
    Ok(())
}
