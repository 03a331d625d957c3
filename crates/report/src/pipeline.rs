//! The batch pipeline: inputs → (in parallel, each streamed) 835 transaction sets → assessed
//! claims → rows, then priorities across the whole batch and the reconciliation summary.
//!
//! Each transaction set is read claim by claim (its bytes are held by the reader, its typed
//! claims one at a time), so memory follows the bytes of the largest set being read plus, for
//! [`run`], the rows kept for the report; never the size of the inputs. Files run in parallel;
//! a file with threads to spare shares its sets among them, and its rows keep file order.

use foldhash::HashMap;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex, PoisonError, mpsc};

use denali_rules::{Context, Outcome, ReversalLinks};
use denali_x12::remit::{self, ClaimPayment, Remittance};
use denali_x12::{
    DiagnosticCode, Event, OwnedTransactionSet, ParseOptions, Reader, TransactionSet,
};
use rayon::prelude::*;
use rust_decimal::Decimal;

use crate::row::{FileError, Row, Summary};

/// What to read and how.
#[derive(Clone, Debug)]
pub struct ReportOptions {
    /// Reader limits and strictness.
    pub parse: ParseOptions,
    /// Rules, payer rules and the date deadlines count from.
    pub context: Context,
    /// Add one row per claim without a denial, so the report lists every claim.
    pub all_claims: bool,
    /// Mask patient names and member ids in every value shown (correction proposals included).
    /// Claims are assessed as sent: masking changes no route, priority or deadline.
    pub redact: bool,
}

/// One input: a file path, or a named reader (standard input).
pub enum Input {
    /// A file on disk.
    Path(PathBuf),
    /// Any reader, with the name to show for it.
    Reader(String, Box<dyn Read + Send>),
}

impl Input {
    /// The name shown in the `file` column.
    pub fn name(&self) -> String {
        match self {
            Input::Path(p) => p.display().to_string(),
            Input::Reader(n, _) => n.clone(),
        }
    }
}

/// The report: rows (denials first in file order; sort as you like) and the summary.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// Rows in input order (files in the order given, claims in file order).
    pub rows: Vec<Row>,
    /// Counts and reconciliation.
    pub summary: Summary,
}

/// Expands paths: files as given, directories walked recursively (sorted, hidden entries
/// skipped). Unreadable directories are reported as errors.
pub fn expand(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<FileError>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for p in paths {
        walk(p, &mut files, &mut errors);
    }
    (files, errors)
}

fn walk(p: &Path, files: &mut Vec<PathBuf>, errors: &mut Vec<FileError>) {
    if !p.is_dir() {
        files.push(p.to_path_buf());
        return;
    }
    let entries = match std::fs::read_dir(p) {
        Ok(e) => e,
        Err(e) => {
            errors.push(FileError {
                file: p.display().to_string(),
                message: e.to_string(),
            });
            return;
        }
    };
    let mut children: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            !p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with('.'))
        })
        .collect();
    children.sort();
    for c in children {
        walk(&c, files, errors);
    }
}

/// What one input gave (its rows go to a callback as they are made).
#[derive(Default)]
struct FileResult {
    transactions: u64,
    other_transactions: u64,
    claims_in: u64,
    claims_accounted: u64,
    denied_claims: u64,
    by_outcome: HashMap<&'static str, u64>,
    balancing: u64,
    /// Amounts the balancing read that are missing or malformed (`1,250.00`), as `denali
    /// balance` reports them: each counts as 0, so a denial can look like a payment. They fail
    /// the input, as its envelopes' errors do, once it is read.
    unreadable: Tally,
    /// With `--strict` ([`ParseOptions::strict`](denali_x12::ParseOptions)), the balancing
    /// warnings, which then fail the input as errors do; empty otherwise.
    unbalanced: Tally,
    error: Option<String>,
}

/// A row in file order: a denial waiting for its priority, or a claim without denial.
enum Entry {
    Denial(Pending),
    Claim(Row),
}

impl Entry {
    fn from_ref(e: &EntryRef<'_>) -> Entry {
        let row = e.row.to_row();
        match &e.denial {
            None => Entry::Claim(row),
            Some(d) => Entry::Denial(Pending {
                row,
                key: d.key.to_string(),
                base: d.base.clone(),
                amount: d.amount,
                category: d.category.to_string(),
            }),
        }
    }
}

/// A denial row whose priority waits for the batch's recurrence counts.
struct Pending {
    row: Row,
    key: RecurrenceKey,
    base: denali_rules::Priority,
    amount: Decimal,
    category: String,
}

/// A row as [`Rows::add`] makes it: every value borrowed (from the remittance, the assessment,
/// or a scratch string), so a row that goes straight to the spill allocates nothing.
struct EntryRef<'a> {
    row: RowRef<'a>,
    denial: Option<DenialRef<'a>>,
}

/// What a denial row carries until its priority is known.
struct DenialRef<'a> {
    key: &'a str,
    base: &'a denali_rules::Priority,
    amount: Decimal,
    category: &'a str,
}

/// A [`Row`] of borrowed values (same fields, same order).
#[derive(Default)]
struct RowRef<'a> {
    file: &'a str,
    payer_name: &'a str,
    payer_id: &'a str,
    payee_npi: &'a str,
    trace_number: &'a str,
    payment_date: &'a str,
    patient_control_number: &'a str,
    payer_claim_control_number: &'a str,
    claim_status: &'a str,
    service_date: &'a str,
    procedure: &'a str,
    modifiers: &'a str,
    level: &'a str,
    group: &'a str,
    carc: &'a str,
    rarcs: &'a str,
    amount: &'a str,
    category: &'a str,
    class: &'a str,
    route: &'a str,
    deadline: &'a str,
    correction: &'a str,
    outcome: &'a str,
    /// [`Row::last_deadline`] (not a column).
    last_deadline: &'a str,
}

impl<'a> RowRef<'a> {
    /// The values in [`crate::row::COLUMNS`] order; priority and its reasons are filled in
    /// later, from the batch's recurrence.
    fn values(&self) -> [&'a str; 25] {
        [
            self.file,
            self.payer_name,
            self.payer_id,
            self.payee_npi,
            self.trace_number,
            self.payment_date,
            self.patient_control_number,
            self.payer_claim_control_number,
            self.claim_status,
            self.service_date,
            self.procedure,
            self.modifiers,
            self.level,
            self.group,
            self.carc,
            self.rarcs,
            self.amount,
            self.category,
            self.class,
            self.route,
            "",
            "",
            self.deadline,
            self.correction,
            self.outcome,
        ]
    }

    fn to_row(&self) -> Row {
        let mut row = Row::default();
        for (to, from) in row.values_mut().into_iter().zip(self.values()) {
            to.push_str(from);
        }
        row.last_deadline.push_str(self.last_deadline);
        row
    }
}

/// (payer, CARC, RARCs, procedure), each length-prefixed in one string: what "the same denial
/// again" means. One string can be looked up by `&str`, so counting needs no allocation.
type RecurrenceKey = String;

/// Writes the recurrence key of (payer, CARC, RARCs, procedure) into `out`.
fn recurrence_key(out: &mut String, parts: [&str; 4]) {
    out.clear();
    for p in parts {
        // The length in decimal digits, most significant first, without the formatter.
        let start = out.len();
        let mut n = p.len();
        loop {
            out.insert(start, char::from(b'0' + (n % 10) as u8));
            n /= 10;
            if n == 0 {
                break;
            }
        }
        out.push(':');
        out.push_str(p);
    }
}

/// Runs the pipeline over the inputs, files in parallel, and keeps every row in memory (for
/// renderers that sort or aggregate). `progress` is called once per input as it finishes (from
/// any thread). For very large batches use [`stream`], whose memory does not grow with the input.
pub fn run(inputs: Vec<Input>, opts: &ReportOptions, progress: &(dyn Fn(&str) + Sync)) -> Report {
    let workers = workers_per_input(inputs.len());
    let results: Vec<(String, Processed, Vec<Entry>)> = inputs
        .into_par_iter()
        .map(|input| {
            let name = input.name();
            let mut entries = Entries::default();
            let p = process(input, &name, opts, workers, &mut entries);
            progress(&name);
            (name, p, entries.0)
        })
        .collect();
    let mut recurrence = Recurrence::default();
    let mut report = Report::default();
    let mut files = Vec::with_capacity(results.len());
    for (name, p, entries) in results {
        recurrence = recurrence.merge(p.recurrence);
        files.push((name, p.result, entries));
    }
    let mut totals = Totals::default();
    for (name, r, entries) in files {
        add_file(&mut report.summary, name, r);
        for e in entries {
            report.rows.push(totals.finish(e, &recurrence, opts));
        }
    }
    totals.into_summary(&mut report.summary);
    report
}

/// Runs the pipeline and hands each row to `sink` in input order (files in the order given,
/// claims in file order) without keeping them: memory follows the largest transaction set, not
/// the batch.
///
/// Priorities count recurrence across the whole batch, which is only known at the end, so each
/// input is read once (files in parallel; the sets of a lone file in parallel), its rows are
/// spilled to a temporary file while the (payer, CARC, RARCs, procedure) patterns are counted,
/// and the spills are then replayed in input order with the batch's counts. Standard input is
/// read like a file. Returns the summary; stops at the first error the sink returns.
pub fn stream(
    inputs: Vec<Input>,
    opts: &ReportOptions,
    sink: &mut dyn FnMut(&Row) -> io::Result<()>,
    progress: &(dyn Fn(&str) + Sync),
) -> io::Result<Summary> {
    let dir = tempfile::tempdir()?;
    let workers = workers_per_input(inputs.len());
    type Done = (String, FileResult, tempfile::TempPath, Recurrence);
    let done: Vec<io::Result<Done>> = inputs
        .into_par_iter()
        .map(|input| {
            let name = input.name();
            let mut spill = Spill::new_in(dir.path())?;
            let p = process(input, &name, opts, workers, &mut spill);
            progress(&name);
            match p.error {
                Some(e) => Err(e),
                None => Ok((name, p.result, spill.finish()?, p.recurrence)),
            }
        })
        .collect();
    let mut files = Vec::with_capacity(done.len());
    let mut recurrence = Recurrence::default();
    for d in done {
        let (name, r, path, rec) = d?;
        recurrence = recurrence.merge(rec);
        files.push((name, r, path));
    }
    let mut summary = Summary::default();
    let mut totals = Totals::default();
    // With a second thread, one replays (reads the spill, sets priorities) while this one
    // hands the rows to the sink.
    let beside = rayon::current_num_threads() > 1;
    for (name, r, path) in files {
        if beside {
            replay_beside(&path, &recurrence, opts, &mut totals, sink)?;
        } else {
            let mut slot = Slot::default();
            let mut replay = Replay::open(&path)?;
            while replay.next(&mut slot, &mut totals, &recurrence, opts)? {
                sink(&slot.row)?;
            }
        }
        add_file(&mut summary, name, r);
    }
    totals.into_summary(&mut summary);
    Ok(summary)
}

/// Rows replayed together, handed from the replaying thread to the one that calls the sink.
const REPLAY_BATCH: usize = 256;

/// Replays the spill at `path` on a thread of its own, in batches of [`REPLAY_BATCH`] rows, and
/// hands the rows to `sink` on this one, in order; the batches go back to be filled again.
fn replay_beside(
    path: &Path,
    recurrence: &Recurrence,
    opts: &ReportOptions,
    totals: &mut Totals,
    sink: &mut dyn FnMut(&Row) -> io::Result<()>,
) -> io::Result<()> {
    let (full, filled) = mpsc::sync_channel::<io::Result<Vec<Slot>>>(4);
    let (empty, emptied) = mpsc::channel::<Vec<Slot>>();
    std::thread::scope(|scope| {
        // The totals go along and come back, so amounts add up in the same order as on one
        // thread.
        let mut here = std::mem::take(totals);
        let replaying = scope.spawn(move || {
            let mut run = || -> io::Result<()> {
                let mut replay = Replay::open(path)?;
                loop {
                    let mut batch = emptied.try_recv().unwrap_or_default();
                    batch.resize_with(REPLAY_BATCH, Slot::default);
                    let mut n = 0;
                    while n < REPLAY_BATCH {
                        let Some(slot) = batch.get_mut(n) else { break };
                        if !replay.next(slot, &mut here, recurrence, opts)? {
                            break;
                        }
                        n += 1;
                    }
                    batch.truncate(n);
                    if n == 0 || full.send(Ok(batch)).is_err() {
                        return Ok(());
                    }
                }
            };
            if let Err(e) = run() {
                let _ = full.send(Err(e));
            }
            here
        });
        let mut handed = Ok(());
        for batch in filled {
            let batch = match batch {
                Ok(b) => b,
                Err(e) => {
                    handed = Err(e);
                    break;
                }
            };
            if let Err(e) = batch.iter().try_for_each(|slot| sink(&slot.row)) {
                handed = Err(e);
                break;
            }
            let _ = empty.send(batch);
        }
        // Dropping the receiver (on an error) stops the replaying thread at its next batch.
        match replaying.join() {
            Ok(here) => *totals = here,
            Err(_) => {
                handed = handed.and(Err(io::Error::other(
                    "the replaying thread stopped unexpectedly",
                )))
            }
        }
        handed
    })
}

/// How many threads read the sets of each input. Files of a batch already run in parallel, so
/// each is read on one thread unless there are fewer inputs than the pool has threads (one large
/// file on a machine of several cores): then each input's sets are shared among its part of the
/// pool, at least two. With one thread, nothing is shared.
fn workers_per_input(inputs: usize) -> usize {
    let threads = rayon::current_num_threads();
    if inputs == 0 || inputs >= threads {
        1
    } else {
        (threads / inputs).max(2)
    }
}

/// Recurrence counts of (payer, CARC, RARCs, procedure) over the denial rows of a batch.
#[derive(Default)]
struct Recurrence(HashMap<RecurrenceKey, u32>);

impl Recurrence {
    fn add(&mut self, key: &str) {
        match self.0.get_mut(key) {
            Some(n) => *n += 1,
            None => {
                self.0.insert(key.to_string(), 1);
            }
        }
    }

    fn merge(mut self, other: Recurrence) -> Recurrence {
        for (k, v) in other.0 {
            *self.0.entry(k).or_default() += v;
        }
        self
    }

    fn count(&self, key: &str) -> u32 {
        self.0.get(key).copied().unwrap_or(1)
    }
}

/// Denied dollars and categories, summed as rows are finished.
#[derive(Default)]
struct Totals {
    denied_amount: Decimal,
    by_category: std::collections::BTreeMap<String, crate::row::CategoryTotal>,
}

impl Totals {
    /// Turns an entry into its final row: priorities with the batch's recurrence.
    fn finish(&mut self, e: Entry, recurrence: &Recurrence, opts: &ReportOptions) -> Row {
        match e {
            Entry::Claim(row) => row,
            Entry::Denial(mut p) => {
                self.apply(
                    &mut p.row,
                    &p.key,
                    &p.base,
                    p.amount,
                    &p.category,
                    recurrence,
                    opts,
                );
                p.row
            }
        }
    }

    /// Sets a denial row's priority from the batch's recurrence and adds it to the totals.
    #[allow(clippy::too_many_arguments)]
    fn apply(
        &mut self,
        row: &mut Row,
        key: &str,
        base: &denali_rules::Priority,
        amount: Decimal,
        category: &str,
        recurrence: &Recurrence,
        opts: &ReportOptions,
    ) {
        use std::fmt::Write as _;
        let n = recurrence.count(key);
        // The key's payer is the row's payer id (both from the same remittance).
        let prio = denali_rules::with_recurrence(base, n, &row.payer_id, &opts.context);
        row.priority.clear();
        let _ = write!(row.priority, "{}", prio.score);
        row.priority_reasons.clear();
        for (i, r) in prio.reasons.iter().enumerate() {
            if i > 0 {
                row.priority_reasons.push_str("; ");
            }
            row.priority_reasons.push_str(r);
        }
        self.denied_amount += amount;
        let cat = if category.is_empty() {
            "uncategorized"
        } else {
            category
        };
        let t = match self.by_category.get_mut(cat) {
            Some(t) => t,
            None => self.by_category.entry(cat.to_string()).or_default(),
        };
        t.count += 1;
        t.amount += amount;
    }

    fn into_summary(self, s: &mut Summary) {
        s.denied_amount += self.denied_amount;
        for (k, v) in self.by_category {
            let t = s.by_category.entry(k).or_default();
            t.count += v.count;
            t.amount += v.amount;
        }
    }
}

/// One file's entries, spilled to a temporary file until the batch's recurrence is known.
///
/// The format is private and short-lived. Each entry is its length (`u32`, little-endian, as
/// every number here), then a tag byte (0 claim row, 1 denial); for a denial its base score,
/// recurrence and amount (`Decimal::serialize`); then the number of strings, their lengths, and
/// their bytes run together: the 25 row values, and for a denial its recurrence key, priority
/// pattern, category, last deadline and base priority reasons. An entry is read back with one
/// read and one UTF-8 check. Entries are encoded ([`encode`]) where the rows are made, possibly
/// on another thread, and written here in file order.
struct Spill {
    file: io::BufWriter<tempfile::NamedTempFile>,
}

const SPILL_BUFFER: usize = 1 << 20;

/// A denial entry's strings after the row's values and before its priority reasons: recurrence
/// key, priority pattern, category, last deadline ([`Row::last_deadline`]).
const DENIAL_STRINGS: usize = 4;

impl Spill {
    fn new_in(dir: &Path) -> io::Result<Spill> {
        Ok(Spill {
            file: io::BufWriter::with_capacity(SPILL_BUFFER, tempfile::NamedTempFile::new_in(dir)?),
        })
    }

    /// Flushes and closes the file, keeping it on disk: no descriptor stays open per input.
    fn finish(self) -> io::Result<tempfile::TempPath> {
        let f = self.file.into_inner().map_err(|e| e.into_error())?;
        Ok(f.into_temp_path())
    }
}

/// Appends `e` to `out` as one [`Spill`] entry.
fn encode(out: &mut Vec<u8>, e: &EntryRef<'_>) -> io::Result<()> {
    let too_long = || io::Error::other("report row too long to spill");
    let start = out.len();
    out.extend_from_slice(&[0; 4]); // length, set below
    out.push(u8::from(e.denial.is_some()));
    let values = e.row.values();
    let (fixed, reasons): ([&str; DENIAL_STRINGS], &[String]) = match &e.denial {
        Some(p) => {
            out.extend_from_slice(&p.base.score.to_le_bytes());
            out.extend_from_slice(&p.base.recurrence.to_le_bytes());
            out.extend_from_slice(&p.amount.serialize());
            (
                [p.key, &p.base.pattern, p.category, e.row.last_deadline],
                &p.base.reasons,
            )
        }
        None => (["", "", "", ""], &[]),
    };
    let fixed = if e.denial.is_some() { &fixed[..] } else { &[] };
    // The strings in order, visited twice: for their lengths, then their bytes.
    fn each(values: &[&str], fixed: &[&str], reasons: &[String], mut f: impl FnMut(&str)) {
        values.iter().for_each(|v| f(v));
        fixed.iter().for_each(|v| f(v));
        reasons.iter().for_each(|v| f(v));
    }
    let n = u32::try_from(values.len() + fixed.len() + reasons.len()).map_err(|_| too_long())?;
    out.extend_from_slice(&n.to_le_bytes());
    let mut text = 0usize;
    let mut long = false;
    each(&values, fixed, reasons, |v| {
        text += v.len();
        let l = u32::try_from(v.len()).unwrap_or_else(|_| {
            long = true;
            0
        });
        out.extend_from_slice(&l.to_le_bytes());
    });
    if long {
        return Err(too_long());
    }
    out.reserve(text);
    each(&values, fixed, reasons, |v| {
        out.extend_from_slice(v.as_bytes())
    });
    let len = u32::try_from(out.len() - start - 4).map_err(|_| too_long())?;
    if let Some(head) = out.get_mut(start..start + 4) {
        head.copy_from_slice(&len.to_le_bytes());
    }
    Ok(())
}

/// Where one input's rows go, in file order. Rows are made in parts (a transaction set's rows,
/// or a share of a large set's) on whichever thread reads the set, and handed over in order.
trait RowSink {
    /// Rows made on one thread, handed over whole.
    type Part: Send + Default;
    /// Adds a row to a part.
    fn add(part: &mut Self::Part, e: &EntryRef<'_>) -> io::Result<()>;
    /// About how many bytes a part holds, to hand a large set's rows over in shares.
    fn size(part: &Self::Part) -> usize;
    /// Takes the rows of the next part, in file order, and leaves the part empty, to be
    /// reused.
    fn take(&mut self, part: &mut Self::Part) -> io::Result<()>;
}

impl RowSink for Spill {
    type Part = Vec<u8>;

    fn add(part: &mut Vec<u8>, e: &EntryRef<'_>) -> io::Result<()> {
        encode(part, e)
    }

    fn size(part: &Vec<u8>) -> usize {
        part.len()
    }

    fn take(&mut self, part: &mut Vec<u8>) -> io::Result<()> {
        let written = self.file.write_all(part);
        part.clear();
        written
    }
}

/// The rows of one input kept in memory, for [`run`].
#[derive(Default)]
struct Entries(Vec<Entry>);

impl RowSink for Entries {
    type Part = Vec<Entry>;

    fn add(part: &mut Vec<Entry>, e: &EntryRef<'_>) -> io::Result<()> {
        part.push(Entry::from_ref(e));
        Ok(())
    }

    fn size(part: &Vec<Entry>) -> usize {
        // A row's 25 values come to a few hundred bytes.
        part.len() * 512
    }

    fn take(&mut self, part: &mut Vec<Entry>) -> io::Result<()> {
        self.0.append(part);
        Ok(())
    }
}

/// Reads a [`Spill`] back, entry by entry.
struct Replay {
    r: io::BufReader<File>,
    entry: Vec<u8>,
}

/// Takes `n` bytes off the front of `b`.
fn take<'a>(b: &mut &'a [u8], n: usize) -> io::Result<&'a [u8]> {
    let Some((head, rest)) = b.split_at_checked(n) else {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "spill entry cut short",
        ));
    };
    *b = rest;
    Ok(head)
}

fn take_u32(b: &mut &[u8]) -> io::Result<u32> {
    let mut n = [0u8; 4];
    n.copy_from_slice(take(b, 4)?);
    Ok(u32::from_le_bytes(n))
}

impl Replay {
    fn open(path: &Path) -> io::Result<Replay> {
        Ok(Replay {
            r: io::BufReader::with_capacity(SPILL_BUFFER, File::open(path)?),
            entry: Vec::new(),
        })
    }

    /// Reads the next entry into `slot`; false at the end of the spill.
    fn read(&mut self, slot: &mut Slot) -> io::Result<bool> {
        let mut len = [0u8; 4];
        match self.r.read_exact(&mut len) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(false),
            Err(e) => return Err(e),
        }
        self.entry.resize(u32::from_le_bytes(len) as usize, 0);
        self.r.read_exact(&mut self.entry)?;
        let mut b = &self.entry[..];
        slot.denial = take(&mut b, 1)? != [0];
        if slot.denial {
            slot.base.score = take_u32(&mut b)?;
            slot.base.recurrence = take_u32(&mut b)?;
            let mut amount = [0u8; 16];
            amount.copy_from_slice(take(&mut b, 16)?);
            slot.amount = Decimal::deserialize(amount);
        }
        let n = take_u32(&mut b)? as usize;
        let cut = || io::Error::new(io::ErrorKind::InvalidData, "spill entry cut short");
        let mut lens = take(&mut b, n.checked_mul(4).ok_or_else(cut)?)?;
        let text = std::str::from_utf8(b).map_err(io::Error::other)?;
        let mut at = 0;
        let mut next = |out: &mut String| -> io::Result<()> {
            let l = take_u32(&mut lens)? as usize;
            let v = text
                .get(at..at + l)
                .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "bad spill string"))?;
            at += l;
            out.clear();
            out.push_str(v);
            Ok(())
        };
        for v in slot.row.values_mut() {
            next(v)?;
        }
        slot.row.last_deadline.clear();
        if slot.denial {
            next(&mut slot.key)?;
            next(&mut slot.base.pattern)?;
            next(&mut slot.category)?;
            next(&mut slot.row.last_deadline)?;
            let reasons = n.saturating_sub(crate::row::COLUMNS.len() + DENIAL_STRINGS);
            slot.base.reasons.resize_with(reasons, String::new);
            for r in &mut slot.base.reasons {
                next(r)?;
            }
        }
        Ok(true)
    }
}

impl Replay {
    /// Reads the next entry into `slot` and, for a denial, sets its priority from the batch's
    /// recurrence and adds it to `totals`; false at the end of the spill.
    fn next(
        &mut self,
        slot: &mut Slot,
        totals: &mut Totals,
        recurrence: &Recurrence,
        opts: &ReportOptions,
    ) -> io::Result<bool> {
        if !self.read(slot)? {
            return Ok(false);
        }
        if slot.denial {
            let Slot {
                row,
                key,
                base,
                amount,
                category,
                ..
            } = slot;
            totals.apply(row, key, base, *amount, category, recurrence, opts);
        }
        Ok(true)
    }
}

/// A replayed entry. One is reused for every entry of a replay, so replaying allocates nothing
/// once its strings have grown.
struct Slot {
    denial: bool,
    row: Row,
    key: RecurrenceKey,
    base: denali_rules::Priority,
    amount: Decimal,
    category: String,
}

impl Default for Slot {
    fn default() -> Self {
        Slot {
            denial: false,
            row: Row::default(),
            key: RecurrenceKey::default(),
            base: denali_rules::Priority {
                score: 0,
                reasons: Vec::new(),
                recurrence: 0,
                pattern: String::new(),
            },
            amount: Decimal::ZERO,
            category: String::new(),
        }
    }
}

fn add_file(s: &mut Summary, name: String, mut r: FileResult) {
    if r.error.is_none() {
        r.error = r.unreadable.message(
            "an amount could not be read",
            "unreadable amount",
            "the claims are counted, with those amounts read as 0",
        );
    }
    if r.error.is_none() {
        r.error = r.unbalanced.message(
            "--strict: a balancing rule failed",
            "balancing diagnostic",
            "the claims are counted",
        );
    }
    s.files += 1;
    s.transactions += r.transactions;
    s.other_transactions += r.other_transactions;
    s.claims_in += r.claims_in;
    s.claims_accounted += r.claims_accounted;
    s.denied_claims += r.denied_claims;
    s.balancing_diagnostics += r.balancing;
    for (k, v) in r.by_outcome {
        *s.by_outcome.entry(k.to_string()).or_default() += v;
    }
    if let Some(message) = r.error {
        s.files_failed += 1;
        s.errors.push(FileError {
            file: name,
            message,
        });
    }
}

/// What one input gave: its counts, the recurrence of its denial rows, and the first error its
/// rows met on the way to the sink.
struct Processed {
    result: FileResult,
    recurrence: Recurrence,
    error: Option<io::Error>,
}

impl FileResult {
    /// Adds `other`'s counts to these; the first error stays.
    fn add(&mut self, other: FileResult) {
        self.transactions += other.transactions;
        self.other_transactions += other.other_transactions;
        self.claims_in += other.claims_in;
        self.claims_accounted += other.claims_accounted;
        self.denied_claims += other.denied_claims;
        self.balancing += other.balancing;
        self.unreadable.add(other.unreadable);
        self.unbalanced.add(other.unbalanced);
        for (outcome, n) in other.by_outcome {
            *self.by_outcome.entry(outcome).or_default() += n;
        }
        if self.error.is_none() {
            self.error = other.error;
        }
    }
}

/// A large set's rows are handed over in parts of about this many bytes, so they are never all
/// held at once.
const PART_BYTES: usize = 1 << 20;

/// Reads one input and hands the rows of each 835 to `sink`, in file order. Memory stays at one
/// claim read whole (and the set's claim keys) however large a set is, plus, with `workers` of
/// two or more, the few sets being read at once ([`fan_out`]). Counts what the reader saw.
fn process<S: RowSink>(
    input: Input,
    file: &str,
    opts: &ReportOptions,
    workers: usize,
    sink: &mut S,
) -> Processed {
    if workers >= 2 {
        return fan_out(input, file, opts, &FanOut::new(workers), sink);
    }
    let mut w = Worker::new(file, opts, PART_BYTES);
    let mut failed = None;
    let mut give = |part: &mut S::Part| {
        if failed.is_none() {
            failed = sink.take(part).err();
        }
    };
    // One part, emptied into the sink whenever it fills and after each set.
    let mut part = S::Part::default();
    let result = read(input, opts, &mut |tx, out| {
        let empty = std::mem::take(&mut part);
        part = w.set::<S>(tx, out, empty, &mut |mut full| {
            give(&mut full);
            full
        });
        give(&mut part);
    });
    Processed {
        result,
        recurrence: w.recurrence,
        error: failed.or(w.error),
    }
}

/// Reads 835 sets and makes their rows: one per thread, with its own assessors (explanations are
/// worked out once per thread) and buffers reused from claim to claim.
struct Worker<'a> {
    opts: &'a ReportOptions,
    /// Makes the rows, and with its assessor settles the plainly paid claims.
    rows: Rows<'a>,
    buffers: remit::ClaimBuffers,
    /// Whether plainly paid claims are settled from the view (always, but in a test that
    /// compares with reading every claim whole).
    screens: bool,
    recurrence: Recurrence,
    /// The first row that could not be added to its part.
    error: Option<io::Error>,
    /// Rows are handed over every this many bytes ([`PART_BYTES`]).
    part_bytes: usize,
}

impl<'a> Worker<'a> {
    fn new(file: &'a str, opts: &'a ReportOptions, part_bytes: usize) -> Self {
        Worker {
            part_bytes,
            opts,
            rows: Rows::new(file, opts),
            buffers: remit::ClaimBuffers::default(),
            screens: true,
            recurrence: Recurrence::default(),
            error: None,
        }
    }

    /// Reads one 835 set through the borrowed view: counts its claims and balances it; settles
    /// a plainly paid claim from the view (counted, balanced, and with `all_claims` its row
    /// made, without reading the rest of its fields), and reads the others whole, one at a
    /// time, into rows. The rows go into `part`, which is handed to `share` for an empty one
    /// every `part_bytes`; returns the last part.
    fn set<S: RowSink>(
        &mut self,
        tx: &TransactionSet<'_>,
        out: &mut FileResult,
        mut part: S::Part,
        share: &mut dyn FnMut(S::Part) -> S::Part,
    ) -> S::Part {
        let opts = self.opts;
        let strict = opts.parse.strict;
        out.transactions += 1;
        out.claims_in += tx.count("CLP") as u64;
        let view = remit::RemittanceView::new(tx, &opts.parse);
        let links = ReversalLinks::from_keys(&view.claim_keys());
        let (header, _) = view.header();
        let Worker {
            rows,
            buffers,
            recurrence,
            error,
            part_bytes,
            screens,
            ..
        } = self;
        // Balancing: a claim read whole reports its own; a plainly paid claim is balanced
        // through the view; the payment from the claims' Σ CLP04.
        let mut claim_payments = Decimal::ZERO;
        for claim in view.claims() {
            claim_payments += claim.payment_amount();
            let mut emit = |e: EntryRef<'_>| {
                if let Some(d) = &e.denial {
                    recurrence.add(d.key);
                }
                if let Err(err) = S::add(&mut part, &e) {
                    error.get_or_insert(err);
                }
            };
            if *screens && rows.assessor.is_plainly_paid(&claim, &links) {
                // The amounts the screen did not need are still balanced: one that could not
                // be read is found here (the claim may look paid only because of it).
                let (balancing, unread) = claim.balance_checked();
                out.balancing += count_balancing(&balancing, strict, &mut out.unbalanced);
                out.unreadable.note(unread);
                rows.add_paid(out, &header, &claim, &mut emit);
            } else {
                let (c, diags) = claim.to_claim_payment_reusing(buffers);
                out.balancing += count_balancing(&diags, strict, &mut out.unbalanced);
                // The whole read reports every amount the balancing could not read (with other
                // errors): only then are they picked out, as the view's balancing finds them.
                if diags
                    .iter()
                    .any(|d| d.severity == denali_x12::Severity::Error)
                {
                    out.unreadable.note(claim.balance_checked().1);
                }
                rows.add(out, &header, &links, claim.index(), &c, &mut emit);
                buffers.recycle(c);
            }
            if S::size(&part) >= *part_bytes {
                part = share(std::mem::take(&mut part));
            }
        }
        let (balancing, unread) = view.balance_payment_checked(claim_payments);
        out.balancing += count_balancing(&balancing, strict, &mut out.unbalanced);
        out.unreadable.note(unread);
        part
    }
}

/// How [`fan_out`] shares one input's sets among threads.
struct FanOut {
    /// Threads that read sets.
    workers: usize,
    /// A set of more bytes is read on the reading thread instead of being copied, so a file that
    /// is one huge set is not held twice.
    copy_at_most: usize,
    /// Batches of sets read but not yet handed to the sink, and their copied bytes: what bounds
    /// memory.
    batches_in_flight: usize,
    bytes_in_flight: usize,
    /// A set's rows are handed over every this many bytes ([`PART_BYTES`]).
    part_bytes: usize,
    /// Small sets are handed to workers in batches of about this many bytes ([`BATCH_BYTES`]).
    batch_bytes: usize,
}

impl FanOut {
    fn new(workers: usize) -> FanOut {
        FanOut {
            workers,
            copy_at_most: 32 << 20,
            batches_in_flight: 4 * workers,
            bytes_in_flight: 64 << 20,
            part_bytes: PART_BYTES,
            batch_bytes: BATCH_BYTES,
        }
    }
}

/// Counts batches of sets (and their bytes) in flight between the reading thread, which waits
/// for room before it hands another batch out, and the thread that hands their rows to the sink
/// in order.
struct InFlight {
    held: Mutex<(usize, usize)>,
    freed: Condvar,
}

impl InFlight {
    fn new() -> InFlight {
        InFlight {
            held: Mutex::new((0, 0)),
            freed: Condvar::new(),
        }
    }

    /// Waits until one more batch of `bytes` fits (one always fits when none is in flight).
    fn hold(&self, limits: &FanOut, bytes: usize) {
        let mut held = self.held.lock().unwrap_or_else(PoisonError::into_inner);
        while held.0 > 0
            && (held.0 >= limits.batches_in_flight
                || held.1.saturating_add(bytes) > limits.bytes_in_flight)
        {
            held = self
                .freed
                .wait(held)
                .unwrap_or_else(PoisonError::into_inner);
        }
        held.0 += 1;
        held.1 = held.1.saturating_add(bytes);
    }

    fn release(&self, bytes: usize) {
        let mut held = self.held.lock().unwrap_or_else(PoisonError::into_inner);
        held.0 = held.0.saturating_sub(1);
        held.1 = held.1.saturating_sub(bytes);
        self.freed.notify_all();
    }
}

/// What a thread that read a batch of sets sends to the one that hands rows to the sink: rows
/// of batch `seq`, then, once, its counts and the bytes it held.
enum Done<P> {
    Part(u64, P),
    End(u64, Box<FileResult>, usize),
}

/// The reading thread keeps copies handed back, for the next sets, up to this many bytes of
/// buffers; it frees the rest.
const KEEP_COPIES: usize = 8 << 20;

/// Puts the rows and counts of batches of sets read on several threads back in file order
/// (batches are numbered from 1).
struct InOrder<P> {
    next: u64,
    /// Rows and counts of the batches after `next`, and those of `next` that came before it
    /// was next.
    waiting: BTreeMap<u64, Waiting<P>>,
}

/// A set's rows so far, and its counts and held bytes once it has ended.
type Waiting<P> = (Vec<P>, Option<(FileResult, usize)>);

impl<P> Default for InOrder<P> {
    fn default() -> Self {
        InOrder {
            next: 1,
            waiting: BTreeMap::new(),
        }
    }
}

impl<P> InOrder<P> {
    /// Takes one message and hands on what is now in order: rows to `give`, a set's counts
    /// and held bytes to `end`.
    fn push(
        &mut self,
        d: Done<P>,
        give: &mut impl FnMut(P),
        end: &mut impl FnMut(FileResult, usize),
    ) {
        match d {
            Done::Part(seq, part) if seq == self.next => give(part),
            Done::Part(seq, part) => self.waiting.entry(seq).or_default().0.push(part),
            Done::End(seq, out, held) => {
                self.waiting.entry(seq).or_default().1 = Some((*out, held));
                while let Some((parts, done)) = self.waiting.remove(&self.next) {
                    parts.into_iter().for_each(&mut *give);
                    let Some((out, held)) = done else {
                        self.waiting.insert(self.next, (Vec::new(), None));
                        break;
                    };
                    end(out, held);
                    self.next += 1;
                }
            }
        }
    }

    /// Once every thread has stopped: hands on what is left, in order. Only a set that never
    /// ended (a stopped thread) leaves anything; the counts after it are kept all the same.
    fn rest(self, give: &mut impl FnMut(P), end: &mut impl FnMut(FileResult, usize)) {
        for (_, (parts, done)) in self.waiting {
            parts.into_iter().for_each(&mut *give);
            if let Some((out, held)) = done {
                end(out, held);
            }
        }
    }
}

/// Runs `f` on a fresh count. Input never panics, but should a bug in reading one set panic,
/// that set's count says so (and its claims stay unaccounted for) instead of leaving the
/// threads that wait for it waiting forever.
fn guarded(f: impl FnOnce(&mut FileResult)) -> FileResult {
    let mut out = FileResult::default();
    let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(&mut out)));
    if run.is_err() {
        out.error = Some("an internal error stopped the reading of a transaction set".to_string());
    }
    out
}

/// Reads sets into `w` on the calling thread, one after another, and sends their rows and
/// counts as batch `seq`; the rows go into parts taken from `spare`.
fn send_sets<'t, S: RowSink>(
    w: &mut Worker<'_>,
    sets: impl IntoIterator<Item = TransactionSet<'t>>,
    seq: u64,
    held: usize,
    done: &mpsc::Sender<Done<S::Part>>,
    spare: &Spare<S::Part>,
) {
    let out = guarded(|out| {
        let mut part = spare.get();
        for tx in sets {
            part = w.set::<S>(&tx, out, part, &mut |full| {
                let _ = done.send(Done::Part(seq, full));
                spare.get()
            });
        }
        let _ = done.send(Done::Part(seq, part));
    });
    let _ = done.send(Done::End(seq, Box::new(out), held));
}

/// Sets copied out of the reader, handed to a worker together: small sets go in batches of
/// about [`BATCH_BYTES`], so a file of many small sets does not pay a hand-over for each (a
/// 10 MB file of 12,000 one-claim sets took 0.35 s on two threads with one set a hand-over,
/// 0.13 s batched, as on one thread).
#[derive(Default)]
struct Batch {
    sets: Vec<OwnedTransactionSet>,
    bytes: usize,
}

const BATCH_BYTES: usize = 256 << 10;

/// Emptied parts, handed back by the thread that took their rows to the threads that fill
/// them: a part is then allocated once and reused, instead of being freed on another thread
/// than the one that allocated it (which costs the allocator dearly in memory).
struct Spare<P> {
    parts: Mutex<Vec<P>>,
    keep: usize,
}

impl<P: Default> Spare<P> {
    fn get(&self) -> P {
        let mut parts = self.parts.lock().unwrap_or_else(PoisonError::into_inner);
        parts.pop().unwrap_or_default()
    }

    fn put(&self, part: P) {
        let mut parts = self.parts.lock().unwrap_or_else(PoisonError::into_inner);
        if parts.len() < self.keep {
            parts.push(part);
        }
    }
}

/// The reading thread of [`fan_out`]: numbers the batches it hands out, and reads a set too
/// large to copy (or any, once no worker is left) itself.
struct Reading<'s, 'w, S: RowSink> {
    seq: u64,
    /// The reading thread's own worker, made when first needed.
    own: Option<Worker<'w>>,
    jobs: mpsc::SyncSender<(u64, Batch)>,
    done: mpsc::Sender<Done<S::Part>>,
    spare: &'s Spare<S::Part>,
    in_flight: &'s InFlight,
    limits: &'s FanOut,
    file: &'w str,
    opts: &'w ReportOptions,
}

impl<'w, S: RowSink> Reading<'_, 'w, S> {
    fn worker(&mut self) -> &mut Worker<'w> {
        let (file, opts, part_bytes) = (self.file, self.opts, self.limits.part_bytes);
        self.own
            .get_or_insert_with(|| Worker::new(file, opts, part_bytes))
    }

    /// Hands a batch (unless empty) to a worker, once there is room for it; reads it here
    /// when no worker is left to take it (they only stop when this thread does).
    fn send(&mut self, batch: Batch) {
        if batch.sets.is_empty() {
            return;
        }
        self.in_flight.hold(self.limits, batch.bytes);
        self.seq += 1;
        if let Err(mpsc::SendError((seq, batch))) = self.jobs.send((self.seq, batch)) {
            let (done, spare) = (self.done.clone(), self.spare);
            let sets = batch.sets.iter().map(OwnedTransactionSet::as_set);
            send_sets::<S>(self.worker(), sets, seq, batch.bytes, &done, spare);
        }
    }

    /// Reads `tx` on this thread, in its turn.
    fn read_here(&mut self, tx: &TransactionSet<'_>) {
        self.in_flight.hold(self.limits, 0);
        self.seq += 1;
        let (seq, done, spare) = (self.seq, self.done.clone(), self.spare);
        send_sets::<S>(self.worker(), [tx.clone()], seq, 0, &done, spare);
    }
}

/// [`process`] for one input on several threads. A reading thread finds the sets and copies each
/// out of the reader ([`denali_x12::OwnedTransactionSet`]), in batches of about `batch_bytes`;
/// `limits.workers` threads read them (screen, balance, read claims whole, assess) into rows;
/// this thread hands the rows to `sink` in file order as each batch is done. A set over
/// `copy_at_most` bytes is read on the reading thread itself. Memory: the batches in flight, at
/// most `batches_in_flight` and `bytes_in_flight` (one batch always fits), and their rows.
fn fan_out<S: RowSink>(
    input: Input,
    file: &str,
    opts: &ReportOptions,
    limits: &FanOut,
    sink: &mut S,
) -> Processed {
    let in_flight = InFlight::new();
    let (jobs, job_queue) = mpsc::sync_channel::<(u64, Batch)>(limits.workers);
    let job_queue = Mutex::new(job_queue);
    let (done, finished) = mpsc::channel::<Done<S::Part>>();
    // Batches go back to the reading thread, which copies the next sets into them: memory is
    // then freed and reused on the thread that allocated it.
    let (give_back, returned) = mpsc::channel::<Batch>();
    let spare = Spare {
        parts: Mutex::new(Vec::new()),
        keep: limits.batches_in_flight + limits.workers + 1,
    };
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..limits.workers)
            .map(|_| {
                let (job_queue, done, give_back) = (&job_queue, done.clone(), give_back.clone());
                let spare = &spare;
                scope.spawn(move || {
                    let mut w = Worker::new(file, opts, limits.part_bytes);
                    loop {
                        let job = job_queue
                            .lock()
                            .unwrap_or_else(PoisonError::into_inner)
                            .recv();
                        let Ok((seq, batch)) = job else { break };
                        let sets = batch.sets.iter().map(OwnedTransactionSet::as_set);
                        send_sets::<S>(&mut w, sets, seq, batch.bytes, &done, spare);
                        let _ = give_back.send(batch);
                    }
                    (w.recurrence, w.error)
                })
            })
            .collect();
        let reading = {
            let mut r: Reading<'_, '_, S> = Reading {
                seq: 0,
                own: None,
                jobs,
                done: done.clone(),
                spare: &spare,
                in_flight: &in_flight,
                limits,
                file,
                opts,
            };
            scope.spawn(move || {
                // Copies come back in batches; kept here for the next sets, up to
                // KEEP_COPIES bytes of buffers.
                let mut copies: Vec<OwnedTransactionSet> = Vec::new();
                let mut kept = 0;
                let mut batch = Batch::default();
                let result = read(input, opts, &mut |tx, _| {
                    let bytes = tx.as_bytes().len();
                    if bytes > limits.copy_at_most {
                        // Too large to copy: read here, after the sets before it.
                        r.send(std::mem::take(&mut batch));
                        return r.read_here(tx);
                    }
                    for back in returned.try_iter() {
                        for c in back.sets {
                            let size = c.capacity_bytes();
                            if kept + size <= KEEP_COPIES {
                                kept += size;
                                copies.push(c);
                            }
                        }
                    }
                    let copy = match copies.pop() {
                        Some(mut c) => {
                            kept -= c.capacity_bytes();
                            tx.copy_into(&mut c);
                            c
                        }
                        None => tx.to_owned_set(),
                    };
                    batch.sets.push(copy);
                    batch.bytes += bytes;
                    if batch.bytes >= limits.batch_bytes {
                        r.send(std::mem::take(&mut batch));
                    }
                });
                r.send(batch);
                (result, r.own.map(|w| (w.recurrence, w.error)))
            })
        };
        // Only the threads' senders are left: the loop below ends when they are all done.
        drop(done);
        let mut failed: Option<io::Error> = None;
        let mut give = |mut part| {
            if failed.is_none() {
                failed = sink.take(&mut part).err();
            }
            spare.put(part);
        };
        let mut counts = FileResult::default();
        let mut end = |out, held| {
            counts.add(out);
            in_flight.release(held);
        };
        let mut in_order = InOrder::default();
        for d in finished {
            in_order.push(d, &mut give, &mut end);
        }
        in_order.rest(&mut give, &mut end);
        let stopped = || FileResult {
            error: Some("a reading thread stopped unexpectedly".to_string()),
            ..FileResult::default()
        };
        let mut p = Processed {
            result: FileResult::default(),
            recurrence: Recurrence::default(),
            error: None,
        };
        let merge = |p: &mut Processed, (recurrence, error): (Recurrence, Option<io::Error>)| {
            p.recurrence = std::mem::take(&mut p.recurrence).merge(recurrence);
            if p.error.is_none() {
                p.error = error;
            }
        };
        match reading.join() {
            Ok((result, own)) => {
                p.result = result;
                if let Some(own) = own {
                    merge(&mut p, own);
                }
            }
            Err(_) => p.result = stopped(),
        }
        for w in workers {
            match w.join() {
                Ok(w) => merge(&mut p, w),
                Err(_) => p.result.add(stopped()),
            }
        }
        p.result.add(counts);
        if failed.is_some() {
            p.error = failed;
        }
        p
    })
}

/// Reads each set of `input` and hands each 835 to `on_835` with the count to add to; counts the
/// other sets and the error that stops the input.
fn read(
    input: Input,
    opts: &ReportOptions,
    on_835: &mut dyn FnMut(&TransactionSet<'_>, &mut FileResult),
) -> FileResult {
    let src: Box<dyn Read + Send> = match input {
        Input::Path(p) => match File::open(&p) {
            Ok(f) => Box::new(f),
            Err(e) => {
                return FileResult {
                    error: Some(format!("cannot open: {e}")),
                    ..FileResult::default()
                };
            }
        },
        Input::Reader(_, r) => r,
    };
    let mut out = FileResult::default();
    // `on_835` counts the sets it reads, possibly into another count: these are counted here.
    let mut sets_835 = 0u64;
    let mut reader = Reader::from_reader_with(src, opts.parse.clone());
    // The envelope's errors (input ending inside a set, segments skipped or outside any set):
    // the sets are still read, but the file is not whole, so it is listed as failed.
    let mut damage = Tally::default();
    loop {
        match reader.next_event() {
            Ok(Some(Event::Transaction(tx))) => {
                if tx.set_id == "835" {
                    sets_835 += 1;
                    on_835(&tx, &mut out);
                } else {
                    out.other_transactions += 1;
                }
            }
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(e) => {
                out.error = Some(e.to_string());
                break;
            }
        }
        damage.note(reader.take_diagnostics());
    }
    damage.note(reader.take_diagnostics());
    if out.error.is_none() {
        out.error = damage.message(
            "the file is damaged",
            "envelope error",
            "the claims that could be read are counted",
        );
    }
    if sets_835 == 0 && out.error.is_none() {
        out.error = Some(if out.other_transactions > 0 {
            "no 835 transaction set in this input".to_string()
        } else {
            "no transaction set in this input".to_string()
        });
    }
    out
}

/// Error-level diagnostics of one kind (an input's envelopes, or the amounts it balances): the
/// first in the file, and how many.
#[derive(Default)]
struct Tally {
    first: Option<denali_x12::Diagnostic>,
    errors: u64,
}

impl Tally {
    /// Counts the errors of `diags` (warnings are not counted).
    fn note(&mut self, diags: Vec<denali_x12::Diagnostic>) {
        for d in diags {
            if d.severity == denali_x12::Severity::Error {
                self.count(&d);
            }
        }
    }

    /// Counts `d`, whatever its severity, and keeps it if it is the first in the file.
    fn count(&mut self, d: &denali_x12::Diagnostic) {
        self.errors += 1;
        self.keep_earlier(d);
    }

    /// Adds another part of the same input (its sets may be read in any order).
    fn add(&mut self, other: Tally) {
        self.errors += other.errors;
        if let Some(d) = &other.first {
            self.keep_earlier(d);
        }
    }

    /// Makes `d` the first unless one earlier in the file is kept.
    fn keep_earlier(&mut self, d: &denali_x12::Diagnostic) {
        if self
            .first
            .as_ref()
            .is_none_or(|f| d.position.offset < f.position.offset)
        {
            self.first = Some(d.clone());
        }
    }

    /// The input's error, if there were any: `lead`, the first of them (with where it is; a
    /// diagnostic quotes no values), how many more of `what`, and `then` what was still done.
    fn message(&self, lead: &str, what: &str, then: &str) -> Option<String> {
        let first = self.first.as_ref()?;
        let more = match self.errors {
            0 | 1 => String::new(),
            2 => format!(" (and 1 more {what})"),
            n => format!(" (and {} more {what}s)", n - 1),
        };
        Some(format!("{lead}: {first}{more}; {then}"))
    }
}

/// How many of `diags` are balancing warnings (line, claim or payment).
/// With `strict`, each is also kept in `tally`, to fail the input.
fn count_balancing(diags: &[denali_x12::Diagnostic], strict: bool, tally: &mut Tally) -> u64 {
    let mut n = 0;
    for d in diags.iter().filter(|d| {
        matches!(
            d.code,
            DiagnosticCode::LineUnbalanced
                | DiagnosticCode::ClaimUnbalanced
                | DiagnosticCode::TransactionUnbalanced
        )
    }) {
        n += 1;
        if strict {
            tally.count(d);
        }
    }
    n
}

/// Writes `d` into `out` (cleared first) as `YYYY-MM-DD`, as `NaiveDate`'s `Display` does for
/// years 0-9999, without the formatting machinery (a report formats two or three dates per row).
fn push_iso_date(out: &mut String, d: chrono::NaiveDate) {
    use chrono::Datelike;
    out.clear();
    let (y, m, day) = (d.year(), d.month(), d.day());
    if !(0..=9999).contains(&y) {
        use std::fmt::Write as _;
        let _ = write!(out, "{d}");
        return;
    }
    for n in [
        y as u32 / 1000,
        y as u32 / 100 % 10,
        y as u32 / 10 % 10,
        y as u32 % 10,
    ] {
        out.push(char::from(b'0' + n as u8));
    }
    for n in [m, day] {
        out.push('-');
        out.push(char::from(b'0' + (n / 10) as u8));
        out.push(char::from(b'0' + (n % 10) as u8));
    }
}

/// Strings a row's formatted values are written into, reused from row to row.
#[derive(Default)]
struct Scratch {
    payment_date: String,
    claim_date: String,
    service_date: String,
    modifiers: String,
    rarcs: String,
    amount: String,
    deadline: String,
    last_deadline: String,
    key: String,
    correction: String,
}

/// Writes `text` into `out` (cleared first) with every name and member id of `claim`'s people
/// ([`ClaimPayment::personal_values`]) replaced by [`remit::REDACTED`] where it
/// stands as a word. One letter (a middle initial) is left: it names nobody, and masking it
/// would mask that letter in every word.
fn mask_people(out: &mut String, text: &str, claim: &ClaimPayment) {
    let mut values: Vec<&str> = claim
        .personal_values()
        .map(str::trim)
        .filter(|v| v.chars().count() > 1)
        .collect();
    // Longest first, so a value inside another is not masked half.
    values.sort_by_key(|v| std::cmp::Reverse(v.len()));
    out.clear();
    out.push_str(text);
    for v in values {
        let mut from = 0;
        while let Some(at) = out
            .get(from..)
            .and_then(|rest| rest.find(v))
            .map(|i| i + from)
        {
            let end = at + v.len();
            let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
            if word(out[..at].chars().next_back()) || word(out[end..].chars().next()) {
                from = end;
                continue;
            }
            out.replace_range(at..end, remit::REDACTED);
            from = at + remit::REDACTED.len();
        }
    }
}

/// Writes `parts` joined by `sep` into `out` (cleared first).
fn join_into<S: AsRef<str>>(out: &mut String, parts: &[S], sep: &str) {
    out.clear();
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        out.push_str(p.as_ref());
    }
}

/// Turns one input's claims into rows, with one assessor (explanations are worked out once per
/// input) and scratch strings reused from row to row.
struct Rows<'a> {
    file: &'a str,
    opts: &'a ReportOptions,
    assessor: denali_rules::Assessor<'a>,
    s: Scratch,
}

impl<'a> Rows<'a> {
    fn new(file: &'a str, opts: &'a ReportOptions) -> Self {
        Rows {
            file,
            opts,
            assessor: denali_rules::Assessor::new(&opts.context),
            s: Scratch::default(),
        }
    }

    /// Assesses claim `index` of a remittance and hands its rows to `emit`: one per denial, or
    /// (with `all_claims`) one for a claim without denial.
    fn add(
        &mut self,
        out: &mut FileResult,
        rem: &Remittance,
        links: &ReversalLinks,
        index: usize,
        claim: &ClaimPayment,
        emit: &mut dyn FnMut(EntryRef<'_>),
    ) {
        use std::fmt::Write as _;
        let ca = self.assessor.assess_claim(rem, links, index, claim);
        out.claims_accounted += 1;
        *out.by_outcome.entry(outcome_name(ca.outcome)).or_default() += 1;
        let s = &mut self.s;
        let payer = rem.payer_id().unwrap_or_default();
        let claim_row = claim_columns(
            self.file,
            rem,
            (&mut s.payment_date, &mut s.claim_date),
            ClaimColumns {
                patient_control_number: &claim.patient_control_number,
                payer_claim_control_number: claim
                    .payer_claim_control_number
                    .as_deref()
                    .unwrap_or_default(),
                status: claim.status_code.code(),
                service_date: claim.service_date(),
                outcome: ca.outcome.as_str(),
            },
        );
        if !ca.denials.is_empty() {
            out.denied_claims += 1;
        } else if self.opts.all_claims {
            emit(EntryRef {
                row: claim_row,
                denial: None,
            });
            return;
        }
        for d in &ca.denials {
            let line = d.line_index.and_then(|i| claim.service_lines.get(i));
            let mut row = RowRef { ..claim_row };
            s.modifiers.clear();
            s.service_date.clear();
            if let Some(l) = line {
                row.procedure = &l.procedure.code;
                join_into(&mut s.modifiers, &l.procedure.modifiers, ";");
                if let Some(sd) = l.service_date() {
                    push_iso_date(&mut s.service_date, sd);
                }
            }
            if !s.service_date.is_empty() {
                row.service_date = &s.service_date;
            }
            row.modifiers = &s.modifiers;
            row.level = d.level.as_str();
            row.group = d.group.as_str();
            row.carc = &d.carc;
            join_into(&mut s.rarcs, &d.rarcs, ";");
            row.rarcs = &s.rarcs;
            s.amount.clear();
            let _ = write!(s.amount, "{}", d.amount);
            row.amount = &s.amount;
            let e = &d.explanation;
            let category = e.category.map(|c| c.as_str()).unwrap_or_default();
            row.category = category;
            row.class = e.class.as_str();
            row.route = d.corrections.route.as_str();
            row.correction = if self.opts.redact {
                // Assessed on the claim as sent (NM1*74 decides a route), so the text is
                // masked here: every name and member id of the claim's people.
                mask_people(&mut s.correction, &d.corrections.summary, claim);
                &s.correction
            } else {
                &d.corrections.summary
            };
            s.deadline.clear();
            s.last_deadline.clear();
            if let Some(dl) = &d.deadline {
                push_iso_date(&mut s.deadline, dl.date);
                push_iso_date(&mut s.last_deadline, dl.last);
            }
            row.deadline = &s.deadline;
            row.last_deadline = &s.last_deadline;
            let base = denali_rules::prioritize(d, 1, &self.opts.context);
            recurrence_key(&mut s.key, [payer, &d.carc, &s.rarcs, row.procedure]);
            emit(EntryRef {
                row,
                denial: Some(DenialRef {
                    key: &s.key,
                    base: &base,
                    amount: d.amount,
                    category,
                }),
            });
        }
    }
}

impl Rows<'_> {
    /// Counts a claim [`denali_rules::Assessor::is_plainly_paid`] settled from the view (its
    /// assessment: paid, no denial) and, with `all_claims`, hands its row to `emit`: the row
    /// [`Rows::add`] makes for it, from CLP, its dates and the header alone.
    fn add_paid(
        &mut self,
        out: &mut FileResult,
        rem: &Remittance,
        claim: &remit::ClaimView<'_, '_>,
        emit: &mut dyn FnMut(EntryRef<'_>),
    ) {
        out.claims_accounted += 1;
        *out.by_outcome
            .entry(outcome_name(Outcome::Paid))
            .or_default() += 1;
        if !self.opts.all_claims {
            return;
        }
        let (pcn, icn, status) = (
            claim.patient_control_number(),
            claim.payer_claim_control_number(),
            claim.status(),
        );
        let s = &mut self.s;
        let row = claim_columns(
            self.file,
            rem,
            (&mut s.payment_date, &mut s.claim_date),
            ClaimColumns {
                patient_control_number: &pcn,
                payer_claim_control_number: icn.as_deref().unwrap_or_default(),
                status: status.code(),
                service_date: claim.service_date(),
                outcome: Outcome::Paid.as_str(),
            },
        );
        emit(EntryRef { row, denial: None });
    }
}

/// A claim's own values in the columns every row of the claim shares.
struct ClaimColumns<'b> {
    patient_control_number: &'b str,
    payer_claim_control_number: &'b str,
    status: &'b str,
    service_date: Option<chrono::NaiveDate>,
    outcome: &'b str,
}

/// The columns every row of a claim shares: the file's, the payment's (payer, payee, trace,
/// date, written into the first scratch string) and the claim's (its service date written into
/// the second).
fn claim_columns<'b>(
    file: &'b str,
    rem: &'b Remittance,
    (payment_date, claim_date): (&'b mut String, &'b mut String),
    claim: ClaimColumns<'b>,
) -> RowRef<'b> {
    payment_date.clear();
    if let Some(d) = rem.payment.payment_date.or(rem.payment.production_date) {
        push_iso_date(payment_date, d);
    }
    claim_date.clear();
    if let Some(d) = claim.service_date {
        push_iso_date(claim_date, d);
    }
    RowRef {
        file,
        payer_name: rem.payer.name.as_deref().unwrap_or_default(),
        payer_id: rem.payer_id().unwrap_or_default(),
        payee_npi: rem.payee_npi().unwrap_or_default(),
        trace_number: rem.payment.trace_number.as_deref().unwrap_or_default(),
        payment_date,
        patient_control_number: claim.patient_control_number,
        payer_claim_control_number: claim.payer_claim_control_number,
        claim_status: claim.status,
        service_date: claim_date,
        outcome: claim.outcome,
        ..RowRef::default()
    }
}

fn outcome_name(o: Outcome) -> &'static str {
    match o {
        Outcome::Paid => "paid",
        Outcome::PartiallyDenied => "partially_denied",
        Outcome::Denied => "denied",
        Outcome::Reversed => "reversed",
        Outcome::Pending => "pending",
    }
}

#[cfg(test)]
mod tests {
    use super::{Row, RowRef, push_iso_date};
    use chrono::NaiveDate;

    fn iso_date(d: NaiveDate) -> String {
        let mut s = "left over".to_string();
        push_iso_date(&mut s, d);
        s
    }

    #[test]
    fn iso_date_matches_display() {
        for (y, m, d) in [
            (2025, 1, 9),
            (1999, 12, 31),
            (1, 2, 3),
            (9999, 12, 31),
            (0, 1, 1),
        ] {
            let date = NaiveDate::from_ymd_opt(y, m, d).expect("valid");
            assert_eq!(iso_date(date), date.to_string());
        }
        let far = NaiveDate::from_ymd_opt(-44, 3, 15).expect("valid");
        assert_eq!(iso_date(far), far.to_string());
    }

    #[test]
    fn recurrence_keys_are_length_prefixed() {
        let mut k = "left over".to_string();
        super::recurrence_key(&mut k, ["PAYER1", "", "N130;M127", &"x".repeat(123)]);
        assert_eq!(k, format!("6:PAYER10:9:N130;M127123:{}", "x".repeat(123)));
        let mut other = String::new();
        super::recurrence_key(&mut other, ["PAYER1", "0", ":N130;M127", &"x".repeat(121)]);
        assert_ne!(k, other);
    }

    /// Rows of one input, encoded as spilled, kept in memory.
    #[derive(Default)]
    struct Bytes(Vec<u8>);

    impl super::RowSink for Bytes {
        type Part = Vec<u8>;

        fn add(part: &mut Vec<u8>, e: &super::EntryRef<'_>) -> std::io::Result<()> {
            super::encode(part, e)
        }

        fn size(part: &Vec<u8>) -> usize {
            part.len()
        }

        fn take(&mut self, part: &mut Vec<u8>) -> std::io::Result<()> {
            self.0.append(part);
            Ok(())
        }
    }

    /// What a read gave, in a form to compare: counts, recurrence and the rows' bytes.
    type Outcome = (
        Vec<u64>,
        Vec<(&'static str, u64)>,
        (Option<String>, Option<String>),
        Vec<(String, u32)>,
        Vec<u8>,
    );

    fn outcome(p: super::Processed, rows: Bytes) -> Outcome {
        let r = &p.result;
        let mut outcomes: Vec<_> = r.by_outcome.iter().map(|(k, v)| (*k, *v)).collect();
        outcomes.sort();
        let mut recurrence: Vec<_> = p.recurrence.0.into_iter().collect();
        recurrence.sort();
        assert!(p.error.is_none());
        (
            vec![
                r.transactions,
                r.other_transactions,
                r.claims_in,
                r.claims_accounted,
                r.denied_claims,
                r.balancing,
            ],
            outcomes,
            (
                r.error.clone(),
                r.unreadable.message("unreadable", "amount", "counted"),
            ),
            recurrence,
            rows.0,
        )
    }

    /// Reading an input's sets on several threads gives the same rows in the same order, the
    /// same counts and the same recurrence as reading them one after another: whether the sets
    /// are copied to the workers or read on the reading thread, with room for one set in flight
    /// or many, and with large sets' rows handed over in shares.
    #[test]
    fn sets_read_on_several_threads_equal_the_sequential_read() {
        use super::{FanOut, Input, ReportOptions, fan_out, process};
        let opts = test_options(false, true);
        let files = fixtures();
        let sequential = |bytes: &[u8], opts: &ReportOptions| {
            let mut rows = Bytes::default();
            let input = Input::Reader("in".into(), Box::new(std::io::Cursor::new(bytes.to_vec())));
            let p = process(input, "in", opts, 1, &mut rows);
            outcome(p, rows)
        };
        // Every fixture alone, then the ones that read without error one after another, three
        // times over: one input of many sets.
        let mut inputs: Vec<(String, Vec<u8>)> = Vec::new();
        let mut together = Vec::new();
        for f in &files {
            let bytes = std::fs::read(f).unwrap();
            if sequential(&bytes, &opts).2 == (None, None) {
                together.extend_from_slice(&bytes);
            }
            inputs.push((f.display().to_string(), bytes));
        }
        let together: Vec<u8> = together.repeat(3);
        // The same with two amounts that cannot be read, far apart (the first in the file is
        // named whatever thread reads it).
        let mut unreadable = together.clone();
        let cas: Vec<usize> = (0..together.len())
            .filter(|&i| together[i..].starts_with(b"CAS*CO*45*"))
            .collect();
        assert!(cas.len() > 20);
        for at in [cas[cas.len() - 3], cas[4]] {
            unreadable.insert(at + 10, b',');
        }
        inputs.push(("all fixtures, three times".into(), together));
        inputs.push(("with two unreadable amounts".into(), unreadable));
        let ways = [
            (
                2,
                usize::MAX,
                8,
                64 << 20,
                super::PART_BYTES,
                super::BATCH_BYTES,
            ),
            (2, usize::MAX, 8, 64 << 20, super::PART_BYTES, 1),
            (2, 0, 8, 64 << 20, 1, 1),
            (3, 2000, 1, 1, 300, 1),
            (3, 2000, 3, 1 << 20, 300, 3000),
            (2, usize::MAX, 2, 1 << 10, 1, 1),
        ];
        let mut rows = 0;
        for all_claims in [false, true] {
            let opts = ReportOptions {
                all_claims,
                ..opts.clone()
            };
            for (name, bytes) in &inputs {
                let want = sequential(bytes, &opts);
                if name.contains("unreadable") {
                    let m = want.2.1.as_deref().unwrap_or_default();
                    assert!(m.contains("[invalid_value] (and 1 more amount)"), "{m}");
                }
                for (
                    workers,
                    copy_at_most,
                    batches_in_flight,
                    bytes_in_flight,
                    part_bytes,
                    batch_bytes,
                ) in ways
                {
                    let limits = FanOut {
                        workers,
                        copy_at_most,
                        batches_in_flight,
                        bytes_in_flight,
                        part_bytes,
                        batch_bytes,
                    };
                    let mut got = Bytes::default();
                    let input =
                        Input::Reader("in".into(), Box::new(std::io::Cursor::new(bytes.clone())));
                    let p = fan_out(input, "in", &opts, &limits, &mut got);
                    assert!(
                        outcome(p, got) == want,
                        "{name}: {workers} workers, copy {copy_at_most}, {batches_in_flight} batches in flight, parts of {part_bytes}, batches of {batch_bytes}, all claims {all_claims}"
                    );
                }
                rows += want.4.len();
            }
        }
        assert!(inputs.last().unwrap().1.len() > 100_000);
        assert!(rows > 100_000, "{rows} bytes of rows compared");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]
        /// However the threads' messages interleave (each set's own in order), the rows come
        /// out in file order and every set ends once, in order, after its rows.
        #[test]
        fn sets_come_out_in_file_order(
            parts in proptest::collection::vec(0usize..4, 1..12),
            picks in proptest::collection::vec(0usize..64, 0..80),
        ) {
            use super::{Done, FileResult, InOrder};
            // Each set's messages: its parts, then its end.
            let mut queues: Vec<std::collections::VecDeque<Done<(usize, usize)>>> = parts
                .iter()
                .enumerate()
                .map(|(s, &n)| {
                    let seq = s as u64 + 1;
                    let mut q: std::collections::VecDeque<_> =
                        (0..n).map(|p| Done::Part(seq, (s, p))).collect();
                    let out = FileResult { claims_in: seq, ..FileResult::default() };
                    q.push_back(Done::End(seq, Box::new(out), s * 10));
                    q
                })
                .collect();
            let mut log = Vec::new();
            let mut in_order = InOrder::default();
            let mut picks = picks.into_iter().cycle();
            while queues.iter().any(|q| !q.is_empty()) {
                let open: Vec<usize> = (0..queues.len()).filter(|&i| !queues[i].is_empty()).collect();
                let i = open[picks.next().unwrap_or(0) % open.len()];
                let d = queues[i].pop_front().unwrap();
                let log = std::cell::RefCell::new(&mut log);
                in_order.push(
                    d,
                    &mut |p| log.borrow_mut().push(format!("part {p:?}")),
                    &mut |out, held| log.borrow_mut().push(format!("end {} {held}", out.claims_in)),
                );
            }
            in_order.rest(&mut |_| panic!("left over"), &mut |_, _| panic!("left over"));
            let mut want = Vec::new();
            for (s, &n) in parts.iter().enumerate() {
                want.extend((0..n).map(|p| format!("part {:?}", (s, p))));
                want.push(format!("end {} {}", s + 1, s * 10));
            }
            proptest::prop_assert_eq!(log, want);
        }
    }

    /// Reads `bytes` on one thread, settling plainly paid claims from the view or not.
    fn read_screened(bytes: &[u8], opts: &super::ReportOptions, screens: bool) -> Outcome {
        let mut w = super::Worker::new("in", opts, super::PART_BYTES);
        w.screens = screens;
        let mut rows = Bytes::default();
        let input =
            super::Input::Reader("in".into(), Box::new(std::io::Cursor::new(bytes.to_vec())));
        let result = super::read(input, opts, &mut |tx, out| {
            let mut last = w.set::<Bytes>(tx, out, Vec::new(), &mut |mut full| {
                rows.0.append(&mut full);
                full
            });
            rows.0.append(&mut last);
        });
        let p = super::Processed {
            result,
            recurrence: std::mem::take(&mut w.recurrence),
            error: w.error.take(),
        };
        outcome(p, rows)
    }

    /// The options the tests read with, as of 2025-06-01.
    fn test_options(all_claims: bool, redact: bool) -> super::ReportOptions {
        super::ReportOptions {
            parse: Default::default(),
            context: denali_rules::Context::new(NaiveDate::from_ymd_opt(2025, 6, 1).unwrap()),
            all_claims,
            redact,
        }
    }

    /// Every file of the project's 835 fixtures, sorted.
    fn fixtures() -> Vec<std::path::PathBuf> {
        let mut files = Vec::new();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/835");
        files_under(&dir, &mut files);
        files
    }

    fn files_under(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                files_under(&p, out);
            } else {
                out.push(p);
            }
        }
    }

    /// Settling a plainly paid claim from the view (`Assessor::is_plainly_paid`: counted,
    /// balanced, and with `all_claims` its row made from CLP, its dates and the header) gives
    /// byte for byte the rows, counts and recurrence of reading that claim whole and assessing
    /// it: on every fixture and, when `DENALI_EXTERNAL_FIXTURES` is set, every file of the
    /// external corpus; every claim listed or only denials, redacted or not.
    #[test]
    fn claims_settled_from_the_view_equal_claims_read_whole() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut files = fixtures();
        match std::env::var_os("DENALI_EXTERNAL_FIXTURES") {
            None => eprintln!(
                "external corpus skipped: DENALI_EXTERNAL_FIXTURES is not set (it lives in ../shared/fixtures/external)"
            ),
            Some(dir) => {
                let dir = root.join(dir);
                assert!(
                    dir.is_dir(),
                    "DENALI_EXTERNAL_FIXTURES is set to {} but that folder does not exist",
                    dir.display()
                );
                files_under(&dir, &mut files);
            }
        }
        let mut paid_rows = 0;
        for all_claims in [true, false] {
            for redact in [false, true] {
                let opts = test_options(all_claims, redact);
                for f in &files {
                    let bytes = std::fs::read(f).unwrap();
                    let whole = read_screened(&bytes, &opts, false);
                    let screened = read_screened(&bytes, &opts, true);
                    assert!(
                        screened == whole,
                        "{}: all claims {all_claims}, redact {redact}",
                        f.display()
                    );
                    if all_claims && !redact {
                        paid_rows += whole
                            .1
                            .iter()
                            .find(|(k, _)| *k == "paid")
                            .map_or(0, |p| p.1);
                    }
                }
            }
        }
        assert!(paid_rows > 50, "{paid_rows} paid claims listed");
    }

    /// Replaying on a thread of its own beside the sink gives the rows and summary of replaying
    /// on one thread, over every fixture as one batch; a sink that fails stops it with that
    /// error, after exactly the rows it took.
    #[test]
    fn replaying_beside_the_sink_equals_replaying_on_one_thread() {
        use super::{Input, stream};
        let opts = test_options(true, false);
        let files = fixtures();
        let inputs = || files.iter().cloned().map(Input::Path).collect::<Vec<_>>();
        let pool = |n| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .unwrap()
        };
        let read = |threads| {
            pool(threads).install(|| {
                let mut rows = Vec::new();
                let summary = stream(
                    inputs(),
                    &opts,
                    &mut |r| {
                        rows.push(r.clone());
                        Ok(())
                    },
                    &|_| {},
                )
                .unwrap();
                (rows, summary)
            })
        };
        let one = read(1);
        assert!(one.0.len() > super::REPLAY_BATCH, "{} rows", one.0.len());
        assert!(read(2) == one);
        let mut taken = 0;
        let failed = pool(2).install(|| {
            stream(
                inputs(),
                &opts,
                &mut |_| {
                    taken += 1;
                    if taken > 300 {
                        return Err(std::io::Error::other("sink full"));
                    }
                    Ok(())
                },
                &|_| {},
            )
        });
        assert_eq!(failed.unwrap_err().to_string(), "sink full");
        assert_eq!(taken, 301);
    }

    /// An input's parts may be tallied in any order (a large set read on the reading thread
    /// before the small ones the workers read): the error named is the first in the file, and
    /// every one is counted; warnings are not.
    #[test]
    fn a_tally_names_the_first_error_in_the_file() {
        use denali_x12::{Diagnostic, DiagnosticCode, Position};
        let at = |offset, error| {
            let position = Position {
                offset,
                ..Position::default()
            };
            if error {
                Diagnostic::error(DiagnosticCode::InvalidValue, position, "bad")
            } else {
                Diagnostic::warning(DiagnosticCode::ClaimUnbalanced, position, "off")
            }
        };
        let mut late = super::Tally::default();
        late.note(vec![at(500, true), at(10, false), at(900, true)]);
        let mut early = super::Tally::default();
        early.note(vec![at(40, true)]);
        late.add(early);
        assert_eq!(late.errors, 3);
        assert_eq!(late.first.as_ref().map(|d| d.position.offset), Some(40));
        let m = late.message("lead", "error", "then").unwrap();
        assert!(
            m.starts_with("lead: error at byte 40") && m.ends_with(" (and 2 more errors); then"),
            "{m}"
        );
        assert!(
            super::Tally::default()
                .message("lead", "error", "then")
                .is_none()
        );
    }

    /// `--redact` masks a claim's people in the correction text where their values stand as
    /// words (a member id inside a longer code, or a middle initial, is not theirs to mask).
    #[test]
    fn masking_people_replaces_whole_words_only() {
        let bytes = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../fixtures/835/basic.835"
        ))
        .unwrap();
        let mut reader = denali_x12::Reader::from_slice(&bytes);
        let mut claim = None;
        while let Ok(Some(e)) = reader.next_event() {
            if let denali_x12::Event::Transaction(tx) = e {
                let (rem, _) = denali_x12::remit::parse_835(&tx, &Default::default());
                claim = rem
                    .claims
                    .into_iter()
                    .find(|c| c.patient_control_number.as_str() == "PCN1009");
            }
        }
        let claim = claim.expect("PCN1009");
        let mut out = String::new();
        super::mask_people(
            &mut out,
            "member ID W200000009 (2010BA NM109); XW200000009 and W2000000091 stay; W200000009.",
            &claim,
        );
        assert_eq!(
            out,
            "member ID *** (2010BA NM109); XW200000009 and W2000000091 stay; ***."
        );
    }

    /// A panic while reading one set (a bug, never input) becomes that set's error.
    #[test]
    fn a_panic_reading_a_set_becomes_its_error() {
        let out = super::guarded(|out| {
            out.claims_in = 3;
            panic!("planted");
        });
        assert_eq!(out.claims_in, 3);
        assert!(out.error.unwrap().contains("internal error"));
        assert!(super::guarded(|out| out.claims_in = 1).error.is_none());
    }

    /// A borrowed row becomes the owned row with the same value in every named column (only
    /// the two priority columns, filled in later, stay empty).
    #[test]
    fn row_ref_keeps_every_column_in_place() {
        let r = RowRef {
            file: "file",
            payer_name: "payer_name",
            payer_id: "payer_id",
            payee_npi: "payee_npi",
            trace_number: "trace_number",
            payment_date: "payment_date",
            patient_control_number: "patient_control_number",
            payer_claim_control_number: "payer_claim_control_number",
            claim_status: "claim_status",
            service_date: "service_date",
            procedure: "procedure",
            modifiers: "modifiers",
            level: "level",
            group: "group",
            carc: "carc",
            rarcs: "rarcs",
            amount: "amount",
            category: "category",
            class: "class",
            route: "route",
            deadline: "deadline",
            correction: "correction",
            outcome: "outcome",
            last_deadline: "last_deadline",
        };
        let row: Row = r.to_row();
        assert_eq!(row.last_deadline, "last_deadline");
        for (name, value) in crate::row::COLUMNS.iter().zip(row.values()) {
            let want = match *name {
                "priority" | "priority_reasons" => "",
                other => other,
            };
            assert_eq!(value, want, "column {name}");
        }
    }
}
