//! The batch pipeline: inputs → (in parallel, each streamed) 835 transaction sets → assessed
//! claims → rows, then priorities across the whole batch and the reconciliation summary.
//!
//! Each transaction set is read claim by claim (its bytes are held by the reader, its typed
//! claims one at a time), so memory follows the bytes of the largest set being read plus, for
//! [`run`], the rows kept for the report; never the size of the inputs.

use foldhash::HashMap;
use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, mpsc};

use denali_rules::{Context, Outcome, ReversalLinks};
use denali_x12::remit::{self, ClaimPayment, Remittance};
use denali_x12::{DiagnosticCode, Event, ParseOptions, Reader};
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
    /// Mask patient names and member ids in every value (correction proposals included).
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
    let pipelined = pipelines(&inputs);
    let results: Vec<(String, FileResult, Vec<Entry>)> = inputs
        .into_par_iter()
        .map(|input| {
            let name = input.name();
            let mut entries = Vec::new();
            let mut rows = Rows::new(&name, opts);
            let r = process(input, opts, pipelined, &mut |out, rem, links, i, claim| {
                rows.add(out, rem, links, i, claim, &mut |e| {
                    entries.push(Entry::from_ref(&e))
                })
            });
            progress(&name);
            (name, r, entries)
        })
        .collect();
    let mut recurrence = Recurrence::default();
    for (_, _, entries) in &results {
        for e in entries {
            if let Entry::Denial(p) = e {
                recurrence.add(&p.key);
            }
        }
    }
    let mut report = Report::default();
    let mut totals = Totals::default();
    for (name, r, entries) in results {
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
/// input is read once (files in parallel), its rows are spilled to a temporary file while the
/// (payer, CARC, RARCs, procedure) patterns are counted, and the spills are then replayed in
/// input order with the batch's counts. Standard input is read like a file. Returns the
/// summary; stops at the first error the sink returns.
pub fn stream(
    inputs: Vec<Input>,
    opts: &ReportOptions,
    sink: &mut dyn FnMut(&Row) -> io::Result<()>,
    progress: &(dyn Fn(&str) + Sync),
) -> io::Result<Summary> {
    let dir = tempfile::tempdir()?;
    let pipelined = pipelines(&inputs);
    type Done = (String, FileResult, tempfile::TempPath, Recurrence);
    let done: Vec<io::Result<Done>> = inputs
        .into_par_iter()
        .map(|input| {
            let name = input.name();
            let mut spill = Spill::new_in(dir.path())?;
            let mut recurrence = Recurrence::default();
            let mut rows = Rows::new(&name, opts);
            let mut failed = None;
            let r = process(input, opts, pipelined, &mut |out, rem, links, i, claim| {
                rows.add(out, rem, links, i, claim, &mut |e| {
                    if let Some(d) = &e.denial {
                        recurrence.add(d.key);
                    }
                    if failed.is_none() {
                        failed = spill.push(&e).err();
                    }
                })
            });
            progress(&name);
            match failed {
                Some(e) => Err(e),
                None => Ok((name, r, spill.finish()?, recurrence)),
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
    let mut slot = Slot::default();
    for (name, r, path) in files {
        let mut replay = Replay::open(&path)?;
        while replay.read(&mut slot)? {
            if slot.denial {
                let Slot {
                    row,
                    key,
                    base,
                    amount,
                    category,
                    ..
                } = &mut slot;
                totals.apply(row, key, base, *amount, category, &recurrence, opts);
            }
            sink(&slot.row)?;
        }
        add_file(&mut summary, name, r);
    }
    totals.into_summary(&mut summary);
    Ok(summary)
}

/// Whether each input reads on a thread of its own beside the one that assesses it: when there
/// are fewer inputs than the pool has threads, which would otherwise sit idle (one large file
/// on a machine of several cores). With one thread, nothing is pipelined.
fn pipelines(inputs: &[Input]) -> bool {
    inputs.len() < rayon::current_num_threads()
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
/// pattern, category and base priority reasons. An entry is read back with one read and one
/// UTF-8 check.
struct Spill {
    file: io::BufWriter<tempfile::NamedTempFile>,
    /// The entry being written: lengths, then text.
    lens: Vec<u32>,
    text: String,
    entry: Vec<u8>,
}

const SPILL_BUFFER: usize = 1 << 20;

/// A denial entry's strings after the row's values and before its priority reasons: recurrence
/// key, priority pattern, category.
const DENIAL_STRINGS: usize = 3;

impl Spill {
    fn new_in(dir: &Path) -> io::Result<Spill> {
        Ok(Spill {
            file: io::BufWriter::with_capacity(SPILL_BUFFER, tempfile::NamedTempFile::new_in(dir)?),
            lens: Vec::new(),
            text: String::new(),
            entry: Vec::new(),
        })
    }

    fn push(&mut self, e: &EntryRef<'_>) -> io::Result<()> {
        let too_long = || io::Error::other("report row too long to spill");
        self.lens.clear();
        self.text.clear();
        let mut add = |v: &str| -> io::Result<()> {
            self.lens
                .push(u32::try_from(v.len()).map_err(|_| too_long())?);
            self.text.push_str(v);
            Ok(())
        };
        for v in e.row.values() {
            add(v)?;
        }
        let entry = &mut self.entry;
        entry.clear();
        entry.extend_from_slice(&[0; 4]); // length, set below
        entry.push(u8::from(e.denial.is_some()));
        if let Some(p) = &e.denial {
            let fixed: [&str; DENIAL_STRINGS] = [p.key, &p.base.pattern, p.category];
            for v in fixed {
                add(v)?;
            }
            for r in &p.base.reasons {
                add(r)?;
            }
            entry.extend_from_slice(&p.base.score.to_le_bytes());
            entry.extend_from_slice(&p.base.recurrence.to_le_bytes());
            entry.extend_from_slice(&p.amount.serialize());
        }
        let n = u32::try_from(self.lens.len()).map_err(|_| too_long())?;
        entry.extend_from_slice(&n.to_le_bytes());
        for l in &self.lens {
            entry.extend_from_slice(&l.to_le_bytes());
        }
        entry.extend_from_slice(self.text.as_bytes());
        let len = u32::try_from(entry.len() - 4).map_err(|_| too_long())?;
        if let Some(head) = entry.get_mut(..4) {
            head.copy_from_slice(&len.to_le_bytes());
        }
        self.file.write_all(entry)
    }

    /// Flushes and closes the file, keeping it on disk: no descriptor stays open per input.
    fn finish(self) -> io::Result<tempfile::TempPath> {
        let f = self.file.into_inner().map_err(|e| e.into_error())?;
        Ok(f.into_temp_path())
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
        if slot.denial {
            next(&mut slot.key)?;
            next(&mut slot.base.pattern)?;
            next(&mut slot.category)?;
            let reasons = n.saturating_sub(crate::row::COLUMNS.len() + DENIAL_STRINGS);
            slot.base.reasons.resize_with(reasons, String::new);
            for r in &mut slot.base.reasons {
                next(r)?;
            }
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

fn add_file(s: &mut Summary, name: String, r: FileResult) {
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

/// What [`process`] hands over for each claim: the counts so far, the remittance without its
/// claims, the set's reversal links, the claim's index in the set, and the claim.
type OnClaim<'a> =
    dyn FnMut(&mut FileResult, &Remittance, &ReversalLinks, usize, &ClaimPayment) + 'a;

/// Reads one input and hands each claim of each 835 that can have a row to `on_claim`, in file
/// order, claim by claim, so memory stays at one claim (and the set's claim keys) however large
/// a transaction set is; counts what the reader saw.
///
/// `pipelined` reads on a thread of its own while the calling thread runs `on_claim`: for an
/// input that would otherwise have a core to itself (fewer inputs than threads), reading and
/// assessing then overlap.
fn process(
    input: Input,
    opts: &ReportOptions,
    pipelined: bool,
    on_claim: &mut OnClaim<'_>,
) -> FileResult {
    // What `on_claim` and the claims read whole count, kept apart from what the reading counts.
    let mut counts = FileResult::default();
    let mut out = if pipelined {
        read_pipelined(input, opts, OWNED_SET_MAX, &mut counts, on_claim)
    } else {
        let mut buffers = remit::ClaimBuffers::default();
        read(input, opts, &mut |w| {
            let mut balancing = 0;
            read_whole(&w, opts, &mut buffers, &mut balancing, |i, claim| {
                on_claim(&mut counts, w.header, w.links, i, claim)
            });
            counts.balancing += balancing;
        })
    };
    out.claims_accounted += counts.claims_accounted;
    out.denied_claims += counts.denied_claims;
    out.balancing += counts.balancing;
    for (outcome, n) in counts.by_outcome {
        *out.by_outcome.entry(outcome).or_default() += n;
    }
    out
}

/// The claims of one 835 set that [`read`] did not settle from the view: those that can have a
/// row, to be read whole.
struct SetWork<'s, 'v, 'r> {
    /// The set's header (payment, payer, payee), without claims.
    header: &'s Remittance,
    links: &'s ReversalLinks,
    view: &'s remit::RemittanceView<'v, 'r>,
    /// Their indexes in the set, in order.
    claims: &'s [usize],
}

/// Reads `w`'s claims whole (redacted when the options ask), adds their balancing warnings to
/// `balancing`, and hands each to `f`, which may take it.
fn read_whole(
    w: &SetWork<'_, '_, '_>,
    opts: &ReportOptions,
    buffers: &mut remit::ClaimBuffers,
    balancing: &mut u64,
    mut f: impl FnMut(usize, &mut ClaimPayment),
) {
    for &i in w.claims {
        let Some(claim) = w.view.claim(i) else {
            continue;
        };
        let (mut c, diags) = claim.to_claim_payment_reusing(buffers);
        *balancing += count_balancing(&diags);
        if opts.redact {
            c.redact();
        }
        f(i, &mut c);
        buffers.recycle(c);
    }
}

/// Claims handed from the reading thread to the assessing one, with what they are read with:
/// the set's header (payment, payer, payee; provider adjustments, which come after the claims
/// and which rows do not read, are left out) and reversal links, shared by every batch of the
/// set.
enum Batch {
    /// Claim indexes of a set copied out of the reader: the assessing thread reads them whole.
    Set {
        header: Arc<Remittance>,
        links: Arc<ReversalLinks>,
        set: Arc<denali_x12::OwnedTransactionSet>,
        claims: Vec<usize>,
    },
    /// Claims read whole on the reading thread (a set too large to copy).
    Claims {
        header: Arc<Remittance>,
        links: Arc<ReversalLinks>,
        claims: Vec<(usize, ClaimPayment)>,
    },
}

/// Claims per [`Batch`], and batches in flight: enough to keep both threads busy, few enough
/// that memory stays at a few hundred claims. (Measured on 100 MB: batches of 64 beat 16 and
/// 256, which move more data between the cores' caches.)
const BATCH_CLAIMS: usize = 64;
const BATCHES_IN_FLIGHT: usize = 4;

/// The largest set copied to the assessing thread; a larger one is read whole on the reading
/// thread, so a file that is one huge set is not held twice.
const OWNED_SET_MAX: usize = 32 << 20;

/// [`read`] on a thread of its own. It screens each set's claims and sends the rest to this
/// thread, in order: as claim indexes into a copy of the set, which this thread reads whole
/// (so the two threads share the work about evenly), or, for a set over `owned_set_max`
/// bytes ([`OWNED_SET_MAX`]), as claims already read.
fn read_pipelined(
    input: Input,
    opts: &ReportOptions,
    owned_set_max: usize,
    counts: &mut FileResult,
    on_claim: &mut OnClaim<'_>,
) -> FileResult {
    let (send, batches) = mpsc::sync_channel::<Batch>(BATCHES_IN_FLIGHT);
    std::thread::scope(|scope| {
        let reading = scope.spawn(move || {
            let mut buffers = remit::ClaimBuffers::default();
            let mut balancing = 0;
            // A closed receiver means the assessing side stopped; reading goes on, to count
            // what the input holds.
            let mut out = read(input, opts, &mut |w| {
                if w.claims.is_empty() {
                    return;
                }
                let header = Arc::new(Remittance {
                    claims: Vec::new(),
                    provider_adjustments: Vec::new(),
                    ..w.header.clone()
                });
                let links = Arc::new(w.links.clone());
                let tx = w.view.transaction();
                if tx.as_bytes().len() <= owned_set_max {
                    let set = Arc::new(tx.to_owned_set());
                    for chunk in w.claims.chunks(BATCH_CLAIMS) {
                        let _ = send.send(Batch::Set {
                            header: Arc::clone(&header),
                            links: Arc::clone(&links),
                            set: Arc::clone(&set),
                            claims: chunk.to_vec(),
                        });
                    }
                    return;
                }
                let mut claims = Vec::with_capacity(BATCH_CLAIMS);
                read_whole(&w, opts, &mut buffers, &mut balancing, |i, claim| {
                    claims.push((i, std::mem::take(claim)));
                    if claims.len() == BATCH_CLAIMS {
                        let _ = send.send(Batch::Claims {
                            header: Arc::clone(&header),
                            links: Arc::clone(&links),
                            claims: std::mem::replace(
                                &mut claims,
                                Vec::with_capacity(BATCH_CLAIMS),
                            ),
                        });
                    }
                });
                if !claims.is_empty() {
                    let _ = send.send(Batch::Claims {
                        header,
                        links,
                        claims,
                    });
                }
            });
            out.balancing += balancing;
            out
        });
        let mut buffers = remit::ClaimBuffers::default();
        let mut next = batches.recv().ok();
        while let Some(batch) = next.take() {
            match batch {
                Batch::Claims {
                    header,
                    links,
                    claims,
                } => {
                    for (i, claim) in &claims {
                        on_claim(counts, &header, &links, *i, claim);
                    }
                    next = batches.recv().ok();
                }
                Batch::Set {
                    mut header,
                    mut links,
                    set,
                    mut claims,
                } => {
                    // One view per set, for all of its batches.
                    let tx = set.as_set();
                    let view = remit::RemittanceView::new(&tx, &opts.parse);
                    loop {
                        let w = SetWork {
                            header: &header,
                            links: &links,
                            view: &view,
                            claims: &claims,
                        };
                        let mut balancing = 0;
                        read_whole(&w, opts, &mut buffers, &mut balancing, |i, claim| {
                            on_claim(counts, &header, &links, i, claim)
                        });
                        counts.balancing += balancing;
                        match batches.recv() {
                            Ok(Batch::Set {
                                header: h,
                                links: l,
                                set: s,
                                claims: c,
                            }) if Arc::ptr_eq(&s, &set) => (header, links, claims) = (h, l, c),
                            Ok(other) => {
                                next = Some(other);
                                break;
                            }
                            Err(_) => break,
                        }
                    }
                }
            }
        }
        reading.join().unwrap_or_else(|_| FileResult {
            error: Some("the reading thread stopped unexpectedly".to_string()),
            ..FileResult::default()
        })
    })
}

/// Reads each 835 set of `input` through the borrowed view: counts its claims, balances it,
/// settles the plainly paid claims (no row unless every claim is listed) from the view, and
/// hands the others to `on_set`, which reads them whole. Counts what the reader saw.
fn read(
    input: Input,
    opts: &ReportOptions,
    on_set: &mut dyn FnMut(SetWork<'_, '_, '_>),
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
    let screen = denali_rules::Assessor::new(&opts.context);
    let mut whole = Vec::new();
    let mut reader = Reader::from_reader_with(src, opts.parse.clone());
    loop {
        match reader.next_event() {
            Ok(Some(Event::Transaction(tx))) => {
                if tx.set_id != "835" {
                    out.other_transactions += 1;
                    continue;
                }
                out.transactions += 1;
                out.claims_in += tx.count("CLP") as u64;
                let links = ReversalLinks::from_keys(&remit::claim_keys(&tx, &opts.parse));
                let view = remit::RemittanceView::new(&tx, &opts.parse);
                let (header, _) = view.header();
                // Balancing: a claim read whole reports its own (where it is read); a plainly
                // paid claim is balanced through the view; the payment from the claims' Σ CLP04.
                let mut claim_payments = Decimal::ZERO;
                whole.clear();
                for claim in view.claims() {
                    claim_payments += claim.payment_amount();
                    // A plainly paid claim has no row (unless every claim is listed): it is
                    // counted here, without reading the rest of its fields.
                    if !opts.all_claims && screen.is_plainly_paid(&claim, &links) {
                        out.claims_accounted += 1;
                        *out.by_outcome
                            .entry(outcome_name(Outcome::Paid))
                            .or_default() += 1;
                        out.balancing += count_balancing(&claim.balance());
                    } else {
                        whole.push(claim.index());
                    }
                }
                out.balancing += count_balancing(&view.balance_payment(claim_payments));
                on_set(SetWork {
                    header: &header,
                    links: &links,
                    view: &view,
                    claims: &whole,
                });
            }
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(e) => {
                out.error = Some(e.to_string());
                break;
            }
        }
    }
    if out.transactions == 0 && out.error.is_none() {
        out.error = Some(if out.other_transactions > 0 {
            "no 835 transaction set in this input".to_string()
        } else {
            "no transaction set in this input".to_string()
        });
    }
    out
}

/// How many of `diags` are balancing warnings (line, claim or payment).
fn count_balancing(diags: &[denali_x12::Diagnostic]) -> u64 {
    diags
        .iter()
        .filter(|d| {
            matches!(
                d.code,
                DiagnosticCode::LineUnbalanced
                    | DiagnosticCode::ClaimUnbalanced
                    | DiagnosticCode::TransactionUnbalanced
            )
        })
        .count() as u64
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
    key: String,
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
        s.payment_date.clear();
        if let Some(d) = rem.payment.payment_date.or(rem.payment.production_date) {
            push_iso_date(&mut s.payment_date, d);
        }
        s.claim_date.clear();
        if let Some(d) = claim.service_date() {
            push_iso_date(&mut s.claim_date, d);
        }
        let payer = rem.payer_id().unwrap_or_default();
        // The columns every row of the claim shares.
        let claim_row = RowRef {
            file: self.file,
            payer_name: rem.payer.name.as_deref().unwrap_or_default(),
            payer_id: payer,
            payee_npi: rem.payee_npi().unwrap_or_default(),
            trace_number: rem.payment.trace_number.as_deref().unwrap_or_default(),
            payment_date: &s.payment_date,
            patient_control_number: &claim.patient_control_number,
            payer_claim_control_number: claim
                .payer_claim_control_number
                .as_deref()
                .unwrap_or_default(),
            claim_status: claim.status_code.code(),
            service_date: &s.claim_date,
            outcome: ca.outcome.as_str(),
            ..RowRef::default()
        };
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
            row.correction = &d.corrections.summary;
            s.deadline.clear();
            if let Some(dl) = &d.deadline {
                push_iso_date(&mut s.deadline, dl.date);
            }
            row.deadline = &s.deadline;
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

    /// The pipelined read, whether it sends sets to copy or claims already read, hands over
    /// the same claims in the same order with the same counts as the sequential one.
    #[test]
    fn pipelined_reads_equal_the_sequential_one_both_ways() {
        use super::{FileResult, Input, ReportOptions, process, read_pipelined};
        let opts = ReportOptions {
            parse: Default::default(),
            context: denali_rules::Context::new(NaiveDate::from_ymd_opt(2025, 6, 1).unwrap()),
            all_claims: false,
            redact: true,
        };
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/835");
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        type Seen = Vec<(usize, String, String)>;
        let summary = |r: &FileResult| {
            (
                r.transactions,
                r.claims_in,
                r.claims_accounted,
                r.denied_claims,
                r.balancing,
                r.by_outcome.clone(),
                r.error.clone(),
            )
        };
        let mut claims = 0;
        for f in &files {
            let mut seq: Seen = Vec::new();
            let s = process(
                Input::Path(f.clone()),
                &opts,
                false,
                &mut |out, rem, _, i, c| {
                    out.claims_accounted += 1;
                    seq.push((
                        i,
                        c.patient_control_number.to_string(),
                        format!("{:?}{:?}", rem.payer, c),
                    ));
                },
            );
            for owned_set_max in [0, usize::MAX] {
                let mut counts = FileResult::default();
                let mut piped: Seen = Vec::new();
                let mut p = read_pipelined(
                    Input::Path(f.clone()),
                    &opts,
                    owned_set_max,
                    &mut counts,
                    &mut |out, rem, _, i, c| {
                        out.claims_accounted += 1;
                        piped.push((
                            i,
                            c.patient_control_number.to_string(),
                            format!("{:?}{:?}", rem.payer, c),
                        ));
                    },
                );
                p.claims_accounted += counts.claims_accounted;
                p.balancing += counts.balancing;
                assert_eq!(piped, seq, "{}: claims ({owned_set_max})", f.display());
                assert_eq!(
                    summary(&p),
                    summary(&s),
                    "{}: counts ({owned_set_max})",
                    f.display()
                );
            }
            claims += seq.len();
        }
        assert!(claims > 50, "{claims} claims read whole");
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
        };
        let row: Row = r.to_row();
        for (name, value) in crate::row::COLUMNS.iter().zip(row.values()) {
            let want = match *name {
                "priority" | "priority_reasons" => "",
                other => other,
            };
            assert_eq!(value, want, "column {name}");
        }
    }
}
