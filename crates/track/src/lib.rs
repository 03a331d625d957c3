//! # denali-track
//!
//! Tracks denials to resolution across remittances, in a SQLite file.
//!
//! A denial is found in one 835; whether it was worth anything shows in a later one, when the
//! payer adjudicates the claim again (after a corrected claim or an appeal) and pays it, or
//! denies it again. [`Store::ingest`] takes the rows of a report ([`denali_report::Row`], with
//! every claim listed: `ReportOptions::all_claims`) and keeps, for each remittance, its claims
//! and their denials. A claim adjudicated again by the same payer under the same patient
//! control number (CLP01, which a corrected claim keeps) closes the denials of its earlier
//! adjudications: `paid` when the later one paid it in full, `readjudicated` when it was denied
//! again (its new denials are then the open ones). A reversal (CLP02 = 22) of the payment that
//! closed a denial as paid opens it again, with a note: the money was taken back (a reversal
//! ingested before the payment it reverses does not). People record what they did in between with
//! [`Store::set_state`] (appealed, resubmitted, written off), and [`Store::open_denials`] is the
//! work queue: what is still open, nearest deadline first.
//!
//! Ingesting is idempotent: a remittance with the payer, trace number (TRN02), payment date
//! and claims (CLP01, CLP07, CLP02, in order) of one already stored is the same payment sent
//! again, or a file ingested again, and adds nothing. One that shares only the trace number
//! (test files do this) is stored, and counted apart.
//! Remittances can come in any order: a denial is closed by the first adjudication after it
//! (by payment date), whichever was ingested first, so a denial from an older remittance,
//! ingested after the claim's later adjudication, is stored already closed. (Two
//! adjudications of one claim on the same payment date are ordered as they were ingested.) One ingest is one transaction:
//! nothing of it is kept unless it is committed.
//!
//! The store holds what the report rows hold: codes, amounts, dates, the patient control
//! number, the payer's claim number and the one-line correction proposal, which can quote a
//! corrected member id unless the rows were made with `ReportOptions::redact`. It holds no
//! patient names, and no error of this crate quotes a stored value.
//!
//! ```
//! use denali_track::{OpenFilter, Store};
//! let mut store = Store::in_memory()?;
//! let ingest = store.ingest(Vec::new())?; // rows from denali_report::run or stream
//! assert_eq!(ingest.rows, 0);
//! assert!(store.open_denials(&OpenFilter::default())?.is_empty());
//! # Ok::<(), denali_track::Error>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

use std::fmt;
use std::path::Path;
use std::str::FromStr;

use chrono::NaiveDate;
use denali_report::Row;
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use rust_decimal::Decimal;
use serde::Serialize;

/// The pending states ([`State::is_pending`]) as an SQL list, for `concat!` into queries: one
/// spelling for every query that selects or closes pending denials.
macro_rules! pending_sql {
    () => {
        "('open', 'appealed', 'resubmitted')"
    };
}

/// The deadline that governs on day `$day` (an SQL parameter, ISO; '' for the stored one) of
/// the denial whose columns start with `$t` (`"d."` or `""`), for `concat!` into queries: the
/// stored `deadline` (the nearest on the day of the ingest), or once that has passed, the
/// route's later window (`last_deadline`) if it has one.
macro_rules! deadline_sql {
    ($t:literal, $day:literal) => {
        concat!(
            "(CASE WHEN ",
            $day,
            " <> '' AND ",
            $t,
            "deadline <> '' AND ",
            $t,
            "deadline < ",
            $day,
            " AND ",
            $t,
            "last_deadline > ",
            $t,
            "deadline THEN ",
            $t,
            "last_deadline ELSE ",
            $t,
            "deadline END)"
        )
    };
}

/// The query of a [`TrackedDenial`], with `$deadline` (an SQL expression) as its deadline.
macro_rules! select_denial {
    ($($deadline:tt)+) => {
        concat!(
            "SELECT d.id, d.state, d.resolution, d.payer_id, r.payer_name,
    d.pcn, c.icn, d.payment_date, r.trace_number, d.level, d.procedure_code, d.group_code,
    d.carc, d.rarcs, d.amount, d.category, d.route, d.priority, ", $($deadline)+, ", d.correction,
    d.note, rb.payment_date, rb.outcome
    FROM denial d JOIN claim c ON c.id = d.claim_id JOIN remittance r ON r.id = d.remittance_id
    LEFT JOIN claim rb ON rb.id = d.resolved_by"
        )
    };
}

/// Whether a stored reversal (CLP02 = 22, same payer, patient control number and ICN, on or
/// after its date) took back the payment of claim `c` (the alias the query gives it), for
/// `concat!` into queries: such an adjudication decides nothing.
macro_rules! taken_back_sql {
    () => {
        "EXISTS (SELECT 1 FROM claim r WHERE r.payer_id = c.payer_id AND r.pcn = c.pcn
             AND r.icn = c.icn AND r.status = '22' AND r.payment_date >= c.payment_date
             AND r.id <> c.id)"
    };
}

/// What can go wrong with the store. Messages name the store's problem, never a row's values.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// SQLite refused (file not a database, locked, disk full…).
    #[error("tracking store: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The file was written by a newer version of this crate.
    #[error(
        "tracking store has schema version {found}; this version of denali reads up to {known}"
    )]
    Schema {
        /// The file's version.
        found: i64,
        /// The newest this crate knows.
        known: i64,
    },
    /// No denial has this id.
    #[error("no denial with id {0} in the tracking store")]
    NoSuchDenial(i64),
}

/// Where a denial stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Found, nothing done yet.
    Open,
    /// An appeal was sent; waiting for the payer.
    Appealed,
    /// A corrected or new claim was sent; waiting for the payer.
    Resubmitted,
    /// Closed by a later adjudication of the claim (or by hand).
    Resolved,
    /// Closed by hand: not worth pursuing, or past every deadline.
    WrittenOff,
}

impl State {
    /// Every state, in the order reports list them.
    pub const ALL: [State; 5] = [
        State::Open,
        State::Appealed,
        State::Resubmitted,
        State::Resolved,
        State::WrittenOff,
    ];

    /// The name stored and printed.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Open => "open",
            State::Appealed => "appealed",
            State::Resubmitted => "resubmitted",
            State::Resolved => "resolved",
            State::WrittenOff => "written_off",
        }
    }

    /// Still waiting on someone: open, appealed or resubmitted.
    pub fn is_pending(self) -> bool {
        matches!(self, State::Open | State::Appealed | State::Resubmitted)
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// A state name that is not one of [`State::ALL`].
#[derive(Debug, thiserror::Error)]
#[error("unknown denial state {0:?} (open, appealed, resubmitted, resolved, written_off)")]
pub struct UnknownState(String);

impl FromStr for State {
    type Err = UnknownState;
    fn from_str(s: &str) -> Result<State, UnknownState> {
        State::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| UnknownState(s.to_string()))
    }
}

/// The newest schema this crate writes (`PRAGMA user_version`). Version 2 added
/// `denial.last_deadline`; a version 1 store is upgraded when opened.
const SCHEMA_VERSION: i64 = 2;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS remittance (
    id INTEGER PRIMARY KEY,
    payer_id TEXT NOT NULL,
    trace_number TEXT NOT NULL,
    payment_date TEXT NOT NULL,
    file TEXT NOT NULL,
    payer_name TEXT NOT NULL,
    claims INTEGER NOT NULL,
    -- what tells a payment sent again from another that shares its trace number: a hash of
    -- its claims' CLP01, CLP07 and CLP02, in order
    fingerprint TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS remittance_by_key ON remittance (payer_id, trace_number, payment_date);
CREATE TABLE IF NOT EXISTS claim (
    id INTEGER PRIMARY KEY,
    remittance_id INTEGER NOT NULL REFERENCES remittance(id),
    payer_id TEXT NOT NULL,
    pcn TEXT NOT NULL,
    icn TEXT NOT NULL,
    status TEXT NOT NULL,
    outcome TEXT NOT NULL,
    payment_date TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS claim_by_key ON claim (payer_id, pcn, payment_date);
CREATE TABLE IF NOT EXISTS denial (
    id INTEGER PRIMARY KEY,
    claim_id INTEGER NOT NULL REFERENCES claim(id),
    remittance_id INTEGER NOT NULL REFERENCES remittance(id),
    payer_id TEXT NOT NULL,
    pcn TEXT NOT NULL,
    payment_date TEXT NOT NULL,
    level TEXT NOT NULL,
    procedure_code TEXT NOT NULL,
    group_code TEXT NOT NULL,
    carc TEXT NOT NULL,
    rarcs TEXT NOT NULL,
    amount TEXT NOT NULL,
    category TEXT NOT NULL,
    route TEXT NOT NULL,
    priority TEXT NOT NULL,
    deadline TEXT NOT NULL,
    -- the last day of the route's latest window (Row::last_deadline): what governs once
    -- deadline, the nearest on the day of the ingest, has passed
    last_deadline TEXT NOT NULL DEFAULT '',
    correction TEXT NOT NULL,
    state TEXT NOT NULL,
    resolution TEXT NOT NULL DEFAULT '',
    resolved_by INTEGER REFERENCES claim(id),
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS denial_by_key ON denial (payer_id, pcn);
CREATE INDEX IF NOT EXISTS denial_by_state ON denial (state, deadline);
";

/// A SQLite file of remittances, claims and denials.
pub struct Store {
    conn: Connection,
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Store").finish_non_exhaustive()
    }
}

impl Store {
    /// Opens the store at `path`, creating it (and its tables) when missing.
    pub fn open(path: &Path) -> Result<Store, Error> {
        Store::init(Connection::open(path)?)
    }

    /// A store that lives in memory (for tests and one-off runs).
    pub fn in_memory() -> Result<Store, Error> {
        Store::init(Connection::open_in_memory()?)
    }

    fn init(conn: Connection) -> Result<Store, Error> {
        // Another `denali track` writing the same file holds its lock for one ingest: wait for
        // it rather than fail at once.
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if found > SCHEMA_VERSION {
            return Err(Error::Schema {
                found,
                known: SCHEMA_VERSION,
            });
        }
        conn.execute_batch("PRAGMA foreign_keys = ON;")?;
        // A version 1 store: its denials keep the deadline they had ('' means "no later
        // window known").
        let has_denials: bool = conn.query_row(
            "SELECT COUNT(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'denial'",
            [],
            |r| r.get(0),
        )?;
        let has_last: bool = conn.query_row(
            "SELECT COUNT(*) > 0 FROM pragma_table_info('denial') WHERE name = 'last_deadline'",
            [],
            |r| r.get(0),
        )?;
        if has_denials && !has_last {
            conn.execute_batch(
                "ALTER TABLE denial ADD COLUMN last_deadline TEXT NOT NULL DEFAULT ''",
            )?;
        }
        conn.execute_batch(SCHEMA)?;
        conn.execute_batch(&format!("PRAGMA user_version = {SCHEMA_VERSION}"))?;
        Ok(Store { conn })
    }

    /// Stores the rows of a report (in the report's order, with `all_claims` so that every
    /// claim is seen) in one transaction, and closes the denials their claims resolve.
    ///
    /// For rows that come one at a time (a [`denali_report::stream`] sink), use
    /// [`Store::begin`] and [`Ingest::row`] instead.
    pub fn ingest(&mut self, rows: impl IntoIterator<Item = Row>) -> Result<IngestCounts, Error> {
        let mut ingest = self.begin()?;
        for row in rows {
            ingest.row(&row)?;
        }
        ingest.commit()
    }

    /// Starts an ingest to which rows are pushed one at a time ([`Ingest::row`]); nothing is
    /// kept unless [`Ingest::commit`] is called.
    pub fn begin(&mut self) -> Result<Ingest<'_>, Error> {
        let tx = self.conn.transaction()?;
        let first_id: i64 =
            tx.query_row("SELECT COALESCE(MAX(id), 0) + 1 FROM remittance", [], |r| {
                r.get(0)
            })?;
        Ok(Ingest {
            tx,
            first_id,
            counts: IngestCounts::default(),
            current: None,
            claim: None,
        })
    }

    /// Denials still pending (open, appealed, resubmitted), nearest deadline first (those
    /// without a deadline last), then highest priority. With [`OpenFilter::as_of`], each
    /// deadline is the one that governs on that day (see [`TrackedDenial::deadline`]).
    pub fn open_denials(&self, filter: &OpenFilter) -> Result<Vec<TrackedDenial>, Error> {
        // ?1 is the day the deadlines are read on ('' keeps the stored nearest deadline).
        let as_of = filter.as_of.map(|d| d.to_string()).unwrap_or_default();
        let mut sql = format!(
            "{} WHERE d.state IN {}",
            select_denial!(deadline_sql!("d.", "?1")),
            pending_sql!()
        );
        let mut args: Vec<String> = vec![as_of];
        if let Some(payer) = &filter.payer_id {
            sql.push_str(" AND d.payer_id = ?");
            args.push(payer.clone());
        }
        let due = deadline_sql!("d.", "?1");
        if let Some(until) = filter.due_by {
            sql.push_str(&format!(" AND d.deadline <> '' AND {due} <= ?"));
            args.push(until.to_string());
        }
        sql.push_str(&format!(
            " ORDER BY d.deadline = '', {due}, CAST(d.priority AS INTEGER) DESC, d.id"
        ));
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(args.iter()), tracked)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// One denial by id.
    pub fn denial(&self, id: i64) -> Result<TrackedDenial, Error> {
        self.conn
            .query_row(
                concat!(select_denial!("d.deadline"), " WHERE d.id = ?"),
                [id],
                tracked,
            )
            .optional()?
            .ok_or(Error::NoSuchDenial(id))
    }

    /// Records what was done about a denial (an appeal sent, a corrected claim sent, written
    /// off, or resolved outside any 835), with an optional note that replaces the last one.
    /// Returns the state it had.
    pub fn set_state(&mut self, id: i64, state: State, note: Option<&str>) -> Result<State, Error> {
        let before = self.denial(id)?.state;
        self.conn.execute(
            "UPDATE denial SET state = ?2,
                 resolution = CASE WHEN ?2 = 'resolved' THEN 'by_hand'
                                   WHEN ?2 = 'written_off' THEN 'written_off' ELSE '' END,
                 resolved_by = CASE WHEN ?2 IN ('resolved', 'written_off') THEN resolved_by END,
                 note = COALESCE(?3, note)
             WHERE id = ?1",
            params![id, state.as_str(), note],
        )?;
        Ok(before)
    }

    /// Marks the open denials of one claim (payer id and CLP01, as in the report's rows)
    /// `resubmitted`, with `note` (the corrected claim sent): what `denali correct --track`
    /// records for each claim it wrote. Denials already appealed or closed are left as they
    /// are. Returns how many were marked.
    pub fn mark_resubmitted(
        &mut self,
        payer_id: &str,
        pcn: &str,
        note: &str,
    ) -> Result<u64, Error> {
        let n = self.conn.execute(
            "UPDATE denial SET state = 'resubmitted', note = ?3
             WHERE payer_id = ?1 AND pcn = ?2 AND state = 'open'",
            params![payer_id, pcn, note],
        )?;
        Ok(n as u64)
    }

    /// Counts and dollars by state, what is overdue on `as_of`, and the (payer, CARC) pairs
    /// with the most pending denials.
    pub fn stats(&self, as_of: NaiveDate) -> Result<Stats, Error> {
        let mut by_state = Vec::new();
        for state in State::ALL {
            let mut stmt = self
                .conn
                .prepare_cached("SELECT amount FROM denial WHERE state = ?")?;
            let amounts = stmt.query_map([state.as_str()], |r| r.get::<_, String>(0))?;
            let mut total = StateTotal {
                state,
                count: 0,
                amount: Decimal::ZERO,
            };
            for a in amounts {
                total.count += 1;
                total.amount += Decimal::from_str(&a?).unwrap_or_default();
            }
            by_state.push(total);
        }
        let overdue: u64 = self.conn.query_row(
            concat!(
                "SELECT COUNT(*) FROM denial WHERE state IN ",
                pending_sql!(),
                " AND deadline <> '' AND ",
                deadline_sql!("", "?1"),
                " < ?1"
            ),
            [as_of.to_string()],
            |r| count(r, 0),
        )?;
        let mut stmt = self.conn.prepare(concat!(
            "SELECT payer_id, group_code, carc, COUNT(*) AS n FROM denial WHERE state IN ",
            pending_sql!(),
            " GROUP BY payer_id, group_code, carc ORDER BY n DESC, payer_id, carc LIMIT 10"
        ))?;
        let recurring = stmt
            .query_map([], |r| {
                Ok(Recurring {
                    payer_id: r.get(0)?,
                    group: r.get(1)?,
                    carc: r.get(2)?,
                    pending: count(r, 3)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        let counts = |table: &str| -> Result<u64, Error> {
            Ok(self
                .conn
                .query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| {
                    count(r, 0)
                })?)
        };
        Ok(Stats {
            remittances: counts("remittance")?,
            claims: counts("claim")?,
            by_state,
            overdue,
            recurring,
        })
    }
}

/// Denials of the same (payer, CLP01) from another remittance paid on or before the claim
/// being stored (?6) and closed by an adjudication after it: now closed by this claim (?2),
/// with its resolution (?1). Parameters ?3 payer, ?4 CLP01, ?5 the claim's remittance.
const TAKE_OVER_CLOSED: &str = "UPDATE denial SET resolution = ?1, resolved_by = ?2
    WHERE payer_id = ?3 AND pcn = ?4 AND remittance_id <> ?5 AND payment_date <= ?6
        AND state = 'resolved' AND resolution IN ('paid', 'readjudicated')
        AND resolved_by IN (SELECT id FROM claim WHERE payment_date > ?6)";

/// The denials closed as paid by the payment a reversal (CLP02 = 22) takes back: same payer,
/// patient control number and ICN, paid on or before the reversal. Open again, with a note.
/// ?1 payer, ?2 pcn, ?3 ICN, ?4 the reversal's payment date, ?5 the note.
const REOPEN_REVERSED: &str =
    "UPDATE denial SET state = 'open', resolution = '', resolved_by = NULL,
        note = CASE WHEN note = '' THEN ?5 ELSE note || '; ' || ?5 END
    WHERE payer_id = ?1 AND pcn = ?2 AND state = 'resolved' AND resolution = 'paid'
        AND resolved_by IN (SELECT id FROM claim WHERE payer_id = ?1 AND pcn = ?2 AND icn = ?3
            AND outcome = 'paid' AND status <> '22' AND payment_date <= ?4)";

/// The pending denials of the same claims: closed by this claim. Same parameters.
const CLOSE_PENDING: &str = concat!(
    "UPDATE denial SET state = 'resolved', resolution = ?1, resolved_by = ?2
    WHERE payer_id = ?3 AND pcn = ?4 AND remittance_id <> ?5 AND payment_date <= ?6
        AND state IN ",
    pending_sql!()
);

/// A count column (SQLite integers are signed; counts are not negative).
fn count(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<u64> {
    Ok(u64::try_from(r.get::<_, i64>(i)?).unwrap_or(0))
}

fn tracked(r: &rusqlite::Row<'_>) -> rusqlite::Result<TrackedDenial> {
    let state: String = r.get(1)?;
    Ok(TrackedDenial {
        id: r.get(0)?,
        // Only this crate writes states; anything else reads as open rather than failing.
        state: State::from_str(&state).unwrap_or(State::Open),
        resolution: r.get(2)?,
        payer_id: r.get(3)?,
        payer_name: r.get(4)?,
        patient_control_number: r.get(5)?,
        payer_claim_control_number: r.get(6)?,
        payment_date: r.get(7)?,
        trace_number: r.get(8)?,
        level: r.get(9)?,
        procedure: r.get(10)?,
        group: r.get(11)?,
        carc: r.get(12)?,
        rarcs: r.get(13)?,
        amount: r.get(14)?,
        category: r.get(15)?,
        route: r.get(16)?,
        priority: r.get(17)?,
        deadline: r.get(18)?,
        correction: r.get(19)?,
        note: r.get(20)?,
        resolved_on: r.get::<_, Option<String>>(21)?.unwrap_or_default(),
        resolved_outcome: r.get::<_, Option<String>>(22)?.unwrap_or_default(),
    })
}

/// Which pending denials [`Store::open_denials`] lists.
#[derive(Clone, Debug, Default)]
pub struct OpenFilter {
    /// Only this payer (the report's `payer_id`).
    pub payer_id: Option<String>,
    /// Only denials with a deadline on or before this date.
    pub due_by: Option<NaiveDate>,
    /// The day deadlines are read on ("today"): a stored deadline that has passed by then
    /// gives way to the route's later window, if it has one. `None` keeps the deadline
    /// nearest on the day each denial was ingested.
    pub as_of: Option<NaiveDate>,
}

/// A denial as the store keeps it: the report row's columns that identify and price it, and
/// where it stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TrackedDenial {
    /// The store's id (for [`Store::set_state`]).
    pub id: i64,
    /// Where it stands.
    pub state: State,
    /// How it was closed: `paid`, `readjudicated`, `by_hand`, `written_off`; empty while
    /// pending.
    pub resolution: String,
    /// Payer id of the remittance that denied it.
    pub payer_id: String,
    /// Payer name.
    pub payer_name: String,
    /// CLP01.
    pub patient_control_number: String,
    /// CLP07 of the denying adjudication.
    pub payer_claim_control_number: String,
    /// Payment date of the denying remittance (ISO).
    pub payment_date: String,
    /// TRN02 of the denying remittance.
    pub trace_number: String,
    /// `claim` or `line`.
    pub level: String,
    /// Procedure of the line.
    pub procedure: String,
    /// CAS01.
    pub group: String,
    /// The CARC.
    pub carc: String,
    /// RARCs, `;`-joined.
    pub rarcs: String,
    /// Denied amount (decimal text, as in the file).
    pub amount: String,
    /// Category (eligibility, authorization, coding, documentation, submission) or empty.
    pub category: String,
    /// Suggested route.
    pub route: String,
    /// Priority score when found.
    pub priority: String,
    /// The deadline (ISO), or empty: the nearest on the day it was ingested, or with
    /// [`OpenFilter::as_of`] the one that governs on that day (the route's later window once
    /// the nearer has passed).
    pub deadline: String,
    /// One-line correction proposal.
    pub correction: String,
    /// The last note recorded with [`Store::set_state`].
    pub note: String,
    /// Payment date of the adjudication that closed it (ISO), or empty.
    pub resolved_on: String,
    /// Outcome of that adjudication (`paid`, `partially_denied`, `denied`), or empty.
    pub resolved_outcome: String,
}

impl TrackedDenial {
    /// Its fields in order, as the CSV header of `denali track open --format csv` names them
    /// (written even when no denial is pending).
    pub const COLUMNS: [&'static str; 23] = [
        "id",
        "state",
        "resolution",
        "payer_id",
        "payer_name",
        "patient_control_number",
        "payer_claim_control_number",
        "payment_date",
        "trace_number",
        "level",
        "procedure",
        "group",
        "carc",
        "rarcs",
        "amount",
        "category",
        "route",
        "priority",
        "deadline",
        "correction",
        "note",
        "resolved_on",
        "resolved_outcome",
    ];
}

/// What one ingest did. Every row read is either stored or skipped with its remittance:
/// `rows == rows_stored + rows_skipped`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct IngestCounts {
    /// Rows read.
    pub rows: u64,
    /// Rows stored (claims and denials of new remittances).
    pub rows_stored: u64,
    /// Rows of remittances already in the store (or seen earlier in this ingest), skipped.
    pub rows_skipped: u64,
    /// Remittances stored.
    pub remittances: u64,
    /// Remittances skipped as already stored (by an earlier ingest, or earlier in this one).
    pub remittances_skipped: u64,
    /// Each remittance skipped, in the order read.
    pub skipped: Vec<SkippedRemittance>,
    /// Remittances stored although one with the same payer, trace number and payment date but
    /// other claims was stored before: two payments under one trace number.
    pub shared_trace: u64,
    /// Claims stored.
    pub claims: u64,
    /// Denials stored (pending or, from an older remittance, already closed).
    pub denials: u64,
    /// Of those, stored already closed by a later adjudication in the store.
    pub denials_already_closed: u64,
    /// Earlier denials closed by the claims of this ingest.
    pub denials_closed: u64,
    /// Denials a payment had closed, open again because this ingest holds that payment's
    /// reversal (CLP02 = 22): the money was taken back.
    pub denials_reopened: u64,
}

/// A remittance not stored because the same payment (payer, trace number, payment date and
/// claims) was stored already.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SkippedRemittance {
    /// The input it was read from.
    pub file: String,
    /// Payer id.
    pub payer_id: String,
    /// TRN02.
    pub trace_number: String,
    /// Payment date (ISO).
    pub payment_date: String,
    /// Claims it holds.
    pub claims: u64,
    /// The input the stored one was read from.
    pub stored_from: String,
    /// Stored earlier in this same ingest (the same payment twice in one batch).
    pub in_this_ingest: bool,
}

/// Denials in one state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StateTotal {
    /// The state.
    pub state: State,
    /// How many.
    pub count: u64,
    /// Σ denied amount.
    pub amount: Decimal,
}

/// A (payer, group, CARC) with many pending denials: a cause worth fixing at its source.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Recurring {
    /// Payer id.
    pub payer_id: String,
    /// CAS01 group code.
    pub group: String,
    /// CARC.
    pub carc: String,
    /// Pending denials with these codes.
    pub pending: u64,
}

/// What the store holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Stats {
    /// Remittances stored.
    pub remittances: u64,
    /// Claims stored.
    pub claims: u64,
    /// Denials by state, in [`State::ALL`] order.
    pub by_state: Vec<StateTotal>,
    /// Pending denials whose deadline is before the date asked about.
    pub overdue: u64,
    /// Up to ten (payer, group, CARC) with the most pending denials.
    pub recurring: Vec<Recurring>,
}

/// What consecutive rows of one remittance share: payer, trace number and payment date.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct RemitKey {
    payer_id: String,
    trace_number: String,
    payment_date: String,
}

impl RemitKey {
    fn of(row: &Row) -> RemitKey {
        RemitKey {
            payer_id: row.payer_id.clone(),
            trace_number: row.trace_number.clone(),
            payment_date: row.payment_date.clone(),
        }
    }

    fn matches(&self, row: &Row) -> bool {
        self.payer_id == row.payer_id
            && self.trace_number == row.trace_number
            && self.payment_date == row.payment_date
    }
}

/// FNV-1a, 64 bits: a hash that is the same on every machine and in every version (the
/// standard library's is not promised to be), for remittance fingerprints kept in the file.
#[derive(Clone, Copy, Debug)]
struct Fnv(u64);

impl Fnv {
    const START: Fnv = Fnv(0xcbf2_9ce4_8422_2325);

    fn add(mut self, bytes: &[u8]) -> Fnv {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
        self
    }
}

/// The remittance the rows being pushed belong to.
struct Current {
    key: RemitKey,
    file: String,
    mode: Mode,
    /// Its claims' fingerprint so far.
    fingerprint: Fnv,
    /// What it added, counted into the totals when it ends.
    rows: u64,
    claims: u64,
    denials: u64,
    denials_already_closed: u64,
    denials_closed: u64,
    denials_reopened: u64,
    /// Its claims so far (CLP01, CLP07, CLP02 and outcome): the same claim again starts a new
    /// transaction set that repeats this one (a file holding a payment twice, or given twice).
    seen: std::collections::HashSet<ClaimKey>,
}

/// What tells one claim of a remittance from another: CLP01, CLP07, CLP02 and its outcome.
type ClaimKey = (String, String, String, String);

fn claim_key(row: &Row) -> ClaimKey {
    (
        row.patient_control_number.clone(),
        row.payer_claim_control_number.clone(),
        row.claim_status.clone(),
        row.outcome.clone(),
    )
}

/// How the rows of a remittance are taken.
enum Mode {
    /// No stored remittance has its payer, trace number and date: stored as they come, under
    /// this remittance id.
    Insert(i64),
    /// One has: the rows are held until the remittance ends, and stored only if its claims
    /// differ (the same payment again is the common case, and costs no writes).
    Compare(Vec<Row>),
}

impl Current {
    fn new(row: &Row, mode: Mode) -> Current {
        Current {
            key: RemitKey::of(row),
            file: row.file.clone(),
            mode,
            fingerprint: Fnv::START,
            rows: 0,
            claims: 0,
            denials: 0,
            denials_already_closed: 0,
            denials_closed: 0,
            denials_reopened: 0,
            seen: std::collections::HashSet::new(),
        }
    }
}

/// The claim the rows being pushed belong to: consecutive rows with the same CLP01, CLP07,
/// CLP02 and outcome are one claim (a claim with denials gives one row per denial).
struct OpenClaim {
    id: i64,
    pcn: String,
    icn: String,
    status: String,
    outcome: String,
}

impl OpenClaim {
    /// Whether `row` is another row of this claim.
    fn holds(&self, row: &Row) -> bool {
        self.pcn == row.patient_control_number
            && self.icn == row.payer_claim_control_number
            && self.status == row.claim_status
            && self.outcome == row.outcome
    }

    fn of(id: i64, row: &Row) -> OpenClaim {
        OpenClaim {
            id,
            pcn: row.patient_control_number.clone(),
            icn: row.payer_claim_control_number.clone(),
            status: row.claim_status.clone(),
            outcome: row.outcome.clone(),
        }
    }
}

/// An ingest in progress: one SQLite transaction.
pub struct Ingest<'s> {
    tx: Transaction<'s>,
    /// The first remittance id this ingest gives: lower ones were stored before it.
    first_id: i64,
    counts: IngestCounts,
    current: Option<Current>,
    claim: Option<OpenClaim>,
}

impl fmt::Debug for Ingest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ingest")
            .field("counts", &self.counts)
            .finish_non_exhaustive()
    }
}

impl Ingest<'_> {
    /// Adds one report row (rows must come in the report's order: a remittance's rows, and a
    /// claim's, are consecutive).
    pub fn row(&mut self, row: &Row) -> Result<(), Error> {
        self.counts.rows += 1;
        // Rows carry no transaction set of their own: a claim met again in the remittance being
        // read starts another set with the same payer, trace number and date (the same payment
        // twice in one file, or one file given twice), which is then compared as a payment.
        let new_claim = !self.claim.as_ref().is_some_and(|c| c.holds(row));
        let same_remittance = self.current.as_ref().is_some_and(|c| {
            c.file == row.file
                && c.key.matches(row)
                && !(new_claim && c.seen.contains(&claim_key(row)))
        });
        if !same_remittance {
            self.end_remittance()?;
            self.start_remittance(row)?;
        }
        self.push(row)
    }

    /// Adds a row to the remittance being read.
    fn push(&mut self, row: &Row) -> Result<(), Error> {
        let same_claim = self.claim.as_ref().is_some_and(|c| c.holds(row));
        let Some(cur) = self.current.as_mut() else {
            return Ok(());
        };
        cur.rows += 1;
        if !same_claim {
            cur.seen.insert(claim_key(row));
            cur.claims += 1;
            cur.fingerprint = cur
                .fingerprint
                .add(row.patient_control_number.as_bytes())
                .add(&[0x1f])
                .add(row.payer_claim_control_number.as_bytes())
                .add(&[0x1f])
                .add(row.claim_status.as_bytes())
                .add(&[0x1e]);
        }
        let remittance = match &mut cur.mode {
            Mode::Compare(held) => {
                held.push(row.clone());
                if !same_claim {
                    self.claim = Some(OpenClaim::of(0, row));
                }
                return Ok(());
            }
            Mode::Insert(id) => *id,
        };
        if !same_claim {
            self.start_claim(remittance, row)?;
        }
        if row.is_denial() {
            let claim = self.claim.as_ref().map_or(0, |c| c.id);
            self.add_denial(remittance, claim, row)?;
        }
        Ok(())
    }

    /// Opens a remittance: stored as it comes, or held for comparison when a stored one has
    /// its payer, trace number and date.
    fn start_remittance(&mut self, row: &Row) -> Result<(), Error> {
        self.claim = None;
        let known: bool = self
            .tx
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM remittance WHERE payer_id = ?1
                     AND trace_number = ?2 AND payment_date = ?3)",
            )?
            .query_row(
                params![row.payer_id, row.trace_number, row.payment_date],
                |r| r.get(0),
            )?;
        let mode = if known {
            Mode::Compare(Vec::new())
        } else {
            Mode::Insert(self.insert_remittance(row)?)
        };
        self.current = Some(Current::new(row, mode));
        Ok(())
    }

    fn insert_remittance(&mut self, row: &Row) -> Result<i64, Error> {
        self.tx
            .prepare_cached(
                "INSERT INTO remittance (payer_id, trace_number, payment_date, file, payer_name,
                     claims, fingerprint) VALUES (?1, ?2, ?3, ?4, ?5, 0, '')",
            )?
            .execute(params![
                row.payer_id,
                row.trace_number,
                row.payment_date,
                row.file,
                row.payer_name
            ])?;
        Ok(self.tx.last_insert_rowid())
    }

    /// Closes the remittance being read: a held one that is a stored payment again is listed as
    /// skipped, one that is not is stored now; a stored one is counted.
    fn end_remittance(&mut self) -> Result<(), Error> {
        let Some(c) = self.current.take() else {
            return Ok(());
        };
        let fingerprint = format!("{:016x}", c.fingerprint.0);
        let held = match c.mode {
            Mode::Insert(id) => {
                self.tx
                    .prepare_cached(
                        "UPDATE remittance SET claims = ?1, fingerprint = ?2 WHERE id = ?3",
                    )?
                    .execute(params![c.claims as i64, fingerprint, id])?;
                let t = &mut self.counts;
                t.rows_stored += c.rows;
                t.remittances += 1;
                t.claims += c.claims;
                t.denials += c.denials;
                t.denials_already_closed += c.denials_already_closed;
                t.denials_closed += c.denials_closed;
                t.denials_reopened += c.denials_reopened;
                return Ok(());
            }
            Mode::Compare(held) => held,
        };
        let same: Option<(i64, String)> = self
            .tx
            .prepare_cached(
                "SELECT id, file FROM remittance WHERE payer_id = ?1 AND trace_number = ?2
                     AND payment_date = ?3 AND fingerprint = ?4 AND claims = ?5
                 ORDER BY id LIMIT 1",
            )?
            .query_row(
                params![
                    c.key.payer_id,
                    c.key.trace_number,
                    c.key.payment_date,
                    fingerprint,
                    c.claims as i64
                ],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        if let Some((stored, stored_from)) = same {
            self.counts.rows_skipped += c.rows;
            self.counts.remittances_skipped += 1;
            self.counts.skipped.push(SkippedRemittance {
                file: c.file,
                payer_id: c.key.payer_id,
                trace_number: c.key.trace_number,
                payment_date: c.key.payment_date,
                claims: c.claims,
                stored_from,
                in_this_ingest: stored >= self.first_id,
            });
            return Ok(());
        }
        // Another payment under a trace number already stored: store it now, from its rows.
        self.counts.shared_trace += 1;
        let Some(first) = held.first() else {
            return Ok(());
        };
        let id = self.insert_remittance(first)?;
        self.current = Some(Current::new(first, Mode::Insert(id)));
        self.claim = None;
        for row in &held {
            self.push(row)?;
        }
        self.end_remittance()
    }

    fn start_claim(&mut self, remittance: i64, row: &Row) -> Result<(), Error> {
        self.tx
            .prepare_cached(
                "INSERT INTO claim (remittance_id, payer_id, pcn, icn, status, outcome,
                     payment_date) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                remittance,
                row.payer_id,
                row.patient_control_number,
                row.payer_claim_control_number,
                row.claim_status,
                row.outcome,
                row.payment_date
            ])?;
        let id = self.tx.last_insert_rowid();
        // A reversal takes back the payment under its ICN: the denials that payment closed
        // are open again (a correction that follows, in this remittance or a later one,
        // closes them anew).
        if row.claim_status.trim() == "22" {
            let n = self.tx.prepare_cached(REOPEN_REVERSED)?.execute(params![
                row.payer_id,
                row.patient_control_number,
                row.payer_claim_control_number,
                row.payment_date,
                format!(
                    "reopened: the payment that closed it was reversed on {}",
                    row.payment_date
                ),
            ])?;
            if let Some(c) = self.current.as_mut() {
                c.denials_reopened += n as u64;
            }
        }
        // An adjudication (paid, partially or wholly denied) closes the pending denials of the
        // claim's earlier adjudications (other remittances, paid on or before this one); a
        // reversal takes a payment back and a pended claim decides nothing.
        // An adjudication whose payment a stored reversal took back (the reversal ingested
        // first) decides nothing either.
        let taken_back: bool = self
            .tx
            .prepare_cached(concat!(
                "SELECT ",
                taken_back_sql!(),
                " FROM claim c WHERE c.id = ?1"
            ))?
            .query_row(params![id], |r| r.get(0))?;
        if !taken_back && matches!(row.outcome.as_str(), "paid" | "partially_denied" | "denied") {
            let resolution = if row.outcome == "paid" {
                "paid"
            } else {
                "readjudicated"
            };
            // A denial is closed by the first adjudication after it: this one takes over the
            // denials closed by a later one (remittances ingested out of order), then closes
            // the pending ones, which are what it counts.
            let mut n = 0;
            for sql in [TAKE_OVER_CLOSED, CLOSE_PENDING] {
                n = self.tx.prepare_cached(sql)?.execute(params![
                    resolution,
                    id,
                    row.payer_id,
                    row.patient_control_number,
                    remittance,
                    row.payment_date
                ])?;
            }
            if let Some(c) = self.current.as_mut() {
                c.denials_closed += n as u64;
            }
        }
        self.claim = Some(OpenClaim::of(id, row));
        Ok(())
    }

    fn add_denial(&mut self, remittance: i64, claim: i64, row: &Row) -> Result<(), Error> {
        // A later adjudication already stored (an older remittance ingested late) closes it.
        let later: Option<(i64, String)> = self
            .tx
            .prepare_cached(concat!(
                "SELECT id, outcome FROM claim c WHERE payer_id = ?1 AND pcn = ?2
                         AND remittance_id <> ?3 AND payment_date > ?4
                         AND outcome IN ('paid', 'partially_denied', 'denied') AND NOT ",
                taken_back_sql!(),
                " ORDER BY payment_date, id LIMIT 1"
            ))?
            .query_row(
                params![
                    row.payer_id,
                    row.patient_control_number,
                    remittance,
                    row.payment_date
                ],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let (state, resolution, resolved_by) = match &later {
            Some((id, outcome)) => (
                State::Resolved,
                if outcome == "paid" {
                    "paid"
                } else {
                    "readjudicated"
                },
                Some(*id),
            ),
            None => (State::Open, "", None),
        };
        self.tx
            .prepare_cached(
                "INSERT INTO denial (claim_id, remittance_id, payer_id, pcn, payment_date, level,
                     procedure_code, group_code, carc, rarcs, amount, category, route, priority,
                     deadline, correction, state, resolution, resolved_by, last_deadline)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                     ?17, ?18, ?19, ?20)",
            )?
            .execute(params![
                claim,
                remittance,
                row.payer_id,
                row.patient_control_number,
                row.payment_date,
                row.level,
                row.procedure,
                row.group,
                row.carc,
                row.rarcs,
                row.amount,
                row.category,
                row.route,
                row.priority,
                row.deadline,
                row.correction,
                state.as_str(),
                resolution,
                resolved_by,
                row.last_deadline
            ])?;
        if let Some(c) = self.current.as_mut() {
            c.denials += 1;
            c.denials_already_closed += u64::from(later.is_some());
        }
        Ok(())
    }

    /// Keeps everything pushed, and says what it was.
    pub fn commit(mut self) -> Result<IngestCounts, Error> {
        self.end_remittance()?;
        self.tx.commit()?;
        Ok(self.counts)
    }
}
