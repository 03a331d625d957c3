//! The tracking store on remittances built here: denials found, closed by later adjudications
//! in either ingest order, kept once however often a payment is ingested.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use denali_report::{Input, ReportOptions, Row};
use denali_rules::Context;
use denali_track::{OpenFilter, State, Store};
use denali_x12::ParseOptions;

/// One claim of a remittance: CLP01, CLP02, charge, payment, and its claim-level CAS.
struct Claim {
    pcn: &'static str,
    status: &'static str,
    charge: u32,
    paid: u32,
    cas: Option<(&'static str, &'static str)>,
}

const fn claim(
    pcn: &'static str,
    status: &'static str,
    charge: u32,
    paid: u32,
    cas: Option<(&'static str, &'static str)>,
) -> Claim {
    Claim {
        pcn,
        status,
        charge,
        paid,
        cas,
    }
}

/// A balanced 835 from payer `PAYER1` with trace number `trn`, paid on `date` (CCYYMMDD).
fn remit(trn: &str, date: &str, claims: &[Claim]) -> String {
    let total: u32 = claims.iter().map(|c| c.paid).sum();
    let mut body = vec![
        format!("BPR*I*{total}*C*CHK************{date}"),
        format!("TRN*1*{trn}*1999999999"),
        "N1*PR*TEST PLAN".to_string(),
        "REF*2U*PAYER1".to_string(),
        "N1*PE*TEST CLINIC*XX*1999999984".to_string(),
        "LX*1".to_string(),
    ];
    for (i, c) in claims.iter().enumerate() {
        body.push(format!(
            "CLP*{}*{}*{}*{}**12*ICN{trn}{i}*11*1",
            c.pcn, c.status, c.charge, c.paid
        ));
        if let Some((group, carc)) = c.cas {
            body.push(format!("CAS*{group}*{carc}*{}", c.charge - c.paid));
        }
    }
    let mut x = format!(
        "ISA*00*          *00*          *ZZ*PAYER          *ZZ*CLINIC         *240101*1200*^*00501*000000001*0*P*:~GS*HP*P*C*{date}*1200*1*X*005010X221A1~ST*835*0001~"
    );
    for s in &body {
        x.push_str(s);
        x.push('~');
    }
    x.push_str(&format!(
        "SE*{}*0001~GE*1*1~IEA*1*000000001~",
        body.len() + 2
    ));
    x
}

/// March: A denied for a missing value (CO-16), B denied for authorization (CO-197), C paid.
fn march() -> String {
    remit(
        "T1",
        "20240301",
        &[
            claim("PCN-A", "1", 100, 0, Some(("CO", "16"))),
            claim("PCN-B", "1", 200, 0, Some(("CO", "197"))),
            claim("PCN-C", "1", 50, 50, None),
        ],
    )
}

/// April: A, corrected, is paid; B is denied again.
fn april() -> String {
    remit(
        "T2",
        "20240401",
        &[
            claim("PCN-A", "1", 100, 100, None),
            claim("PCN-B", "1", 200, 0, Some(("CO", "197"))),
        ],
    )
}

/// The report rows of these inputs, every claim listed.
fn rows(files: &[(&str, String)]) -> Vec<Row> {
    let opts = ReportOptions {
        parse: ParseOptions::default(),
        context: Context::new(NaiveDate::from_ymd_opt(2024, 5, 1).expect("date")),
        all_claims: true,
        redact: false,
    };
    let inputs = files
        .iter()
        .map(|(name, text)| {
            Input::Reader(
                name.to_string(),
                Box::new(std::io::Cursor::new(text.clone().into_bytes())),
            )
        })
        .collect();
    let report = denali_report::run(inputs, &opts, &|_| {});
    assert!(report.summary.reconciled());
    assert_eq!(report.summary.files_failed, 0);
    report.rows
}

/// Every denial as (CLP01, payment date, CARC) → (state, resolution).
fn states(store: &Store) -> BTreeMap<(String, String, String), (State, String)> {
    let mut out = BTreeMap::new();
    let mut id = 1;
    while let Ok(d) = store.denial(id) {
        out.insert(
            (d.patient_control_number, d.payment_date, d.carc),
            (d.state, d.resolution),
        );
        id += 1;
    }
    out
}

fn key(pcn: &str, date: &str, carc: &str) -> (String, String, String) {
    (pcn.to_string(), date.to_string(), carc.to_string())
}

#[test]
fn a_later_adjudication_closes_the_earlier_denials() {
    let mut store = Store::in_memory().expect("store");
    let c = store
        .ingest(rows(&[("march.835", march())]))
        .expect("ingest");
    assert_eq!((c.rows, c.rows_stored, c.rows_skipped), (3, 3, 0));
    assert_eq!((c.remittances, c.claims, c.denials), (1, 3, 2));
    assert_eq!(c.denials_closed, 0);
    let open = store.open_denials(&OpenFilter::default()).expect("open");
    assert_eq!(open.len(), 2);
    assert!(
        open.iter()
            .all(|d| d.state == State::Open && d.payer_id == "PAYER1")
    );

    let c = store
        .ingest(rows(&[("april.835", april())]))
        .expect("ingest");
    assert_eq!(
        (c.rows, c.claims, c.denials, c.denials_closed),
        (2, 2, 1, 2)
    );
    let s = states(&store);
    assert_eq!(
        s[&key("PCN-A", "2024-03-01", "16")],
        (State::Resolved, "paid".to_string())
    );
    assert_eq!(
        s[&key("PCN-B", "2024-03-01", "197")],
        (State::Resolved, "readjudicated".to_string())
    );
    assert_eq!(
        s[&key("PCN-B", "2024-04-01", "197")],
        (State::Open, String::new())
    );
    let open = store.open_denials(&OpenFilter::default()).expect("open");
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].patient_control_number, "PCN-B");
    assert_eq!(open[0].amount, "200");
    assert_eq!(open[0].trace_number, "T2");
    // The resolved one names what closed it.
    let a = store.denial(1).expect("denial 1");
    assert_eq!(
        (a.resolved_on.as_str(), a.resolved_outcome.as_str()),
        ("2024-04-01", "paid")
    );
}

#[test]
fn ingest_order_does_not_change_the_outcome() {
    let mut forward = Store::in_memory().expect("store");
    forward.ingest(rows(&[("m", march())])).expect("ingest");
    forward.ingest(rows(&[("a", april())])).expect("ingest");
    let mut backward = Store::in_memory().expect("store");
    backward.ingest(rows(&[("a", april())])).expect("ingest");
    let c = backward.ingest(rows(&[("m", march())])).expect("ingest");
    // Both March denials arrive after the April adjudications that close them.
    assert_eq!(
        (c.denials, c.denials_already_closed, c.denials_closed),
        (2, 2, 0)
    );
    assert_eq!(states(&forward), states(&backward));
    // And one batch of both, in either order.
    for files in [
        [("m", march()), ("a", april())],
        [("a", april()), ("m", march())],
    ] {
        let mut one = Store::in_memory().expect("store");
        one.ingest(rows(&files)).expect("ingest");
        assert_eq!(states(&one), states(&forward));
    }
}

#[test]
fn the_same_payment_is_stored_once() {
    let mut store = Store::in_memory().expect("store");
    // The same remittance twice in one batch, under two names: kept once.
    let c = store
        .ingest(rows(&[("one.835", march()), ("copy.835", march())]))
        .expect("ingest");
    assert_eq!((c.rows, c.rows_stored, c.rows_skipped), (6, 3, 3));
    assert_eq!((c.remittances, c.remittances_skipped), (1, 1));
    let s = &c.skipped[0];
    assert_eq!(
        (s.file.as_str(), s.stored_from.as_str()),
        ("copy.835", "one.835")
    );
    assert!(s.in_this_ingest);
    assert_eq!((s.trace_number.as_str(), s.claims), ("T1", 3));
    // And again later.
    let c = store
        .ingest(rows(&[("again.835", march())]))
        .expect("ingest");
    assert_eq!((c.rows, c.rows_stored, c.rows_skipped), (3, 0, 3));
    assert_eq!((c.remittances, c.claims, c.denials), (0, 0, 0));
    assert!(!c.skipped[0].in_this_ingest);
    assert_eq!(c.shared_trace, 0);
    let stats = store
        .stats(NaiveDate::from_ymd_opt(2024, 5, 1).expect("date"))
        .expect("stats");
    assert_eq!((stats.remittances, stats.claims), (1, 3));
    let open = &stats.by_state[0];
    assert_eq!((open.state, open.count), (State::Open, 2));
    assert_eq!(open.amount.to_string(), "300");
}

#[test]
fn states_set_by_hand_are_kept_until_the_payer_decides() {
    let mut store = Store::in_memory().expect("store");
    store.ingest(rows(&[("m", march())])).expect("ingest");
    let b = store
        .open_denials(&OpenFilter::default())
        .expect("open")
        .into_iter()
        .find(|d| d.patient_control_number == "PCN-B")
        .expect("B is open");
    let before = store
        .set_state(
            b.id,
            State::Appealed,
            Some("appeal sent with the auth letter"),
        )
        .expect("set");
    assert_eq!(before, State::Open);
    let now = store.denial(b.id).expect("denial");
    assert_eq!(now.state, State::Appealed);
    assert_eq!(now.note, "appeal sent with the auth letter");
    // Appealed is still pending: in the queue, and closed by the next adjudication.
    assert_eq!(
        store
            .open_denials(&OpenFilter::default())
            .expect("open")
            .len(),
        2
    );
    store.ingest(rows(&[("a", april())])).expect("ingest");
    let after = store.denial(b.id).expect("denial");
    assert_eq!(
        (after.state, after.resolution.as_str()),
        (State::Resolved, "readjudicated")
    );
    assert_eq!(after.note, "appeal sent with the auth letter");
    // Written off by hand, with no note given: the note stays.
    let open = store.open_denials(&OpenFilter::default()).expect("open");
    store
        .set_state(open[0].id, State::WrittenOff, None)
        .expect("set");
    assert!(
        store
            .open_denials(&OpenFilter::default())
            .expect("open")
            .is_empty()
    );
    assert!(matches!(
        store.set_state(999, State::Open, None),
        Err(denali_track::Error::NoSuchDenial(999))
    ));
}

#[test]
fn the_queue_filters_by_payer_and_deadline() {
    let mut store = Store::in_memory().expect("store");
    store.ingest(rows(&[("m", march())])).expect("ingest");
    let all = store.open_denials(&OpenFilter::default()).expect("open");
    assert_eq!(all.len(), 2);
    // Nearest deadline first; every deadline is a date after the payment.
    let deadlines: Vec<&str> = all.iter().map(|d| d.deadline.as_str()).collect();
    assert!(deadlines.iter().all(|d| !d.is_empty() && *d > "2024-03-01"));
    assert!(deadlines.windows(2).all(|w| w[0] <= w[1]));
    let other = OpenFilter {
        payer_id: Some("OTHER".into()),
        ..OpenFilter::default()
    };
    assert!(store.open_denials(&other).expect("open").is_empty());
    let first = NaiveDate::parse_from_str(deadlines[0], "%Y-%m-%d").expect("iso");
    let due = OpenFilter {
        due_by: Some(first),
        ..OpenFilter::default()
    };
    assert_eq!(
        store.open_denials(&due).expect("open").len(),
        deadlines.iter().filter(|d| **d <= deadlines[0]).count()
    );
}

#[test]
fn a_store_from_a_newer_version_is_refused() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("t.db");
    drop(Store::open(&path).expect("create"));
    // What a newer version would write: sqlite keeps `user_version` at byte 60 of the file's
    // header, four bytes big-endian (the crate does not hand out its connection).
    let mut bytes = std::fs::read(&path).expect("read");
    bytes[60..64].copy_from_slice(&99u32.to_be_bytes());
    std::fs::write(&path, bytes).expect("write");
    match Store::open(&path) {
        Err(denali_track::Error::Schema { found, known }) => assert!(found > known),
        other => panic!("expected a schema error, got {other:?}"),
    }
}

#[test]
fn resubmission_marks_only_open_denials_of_that_claim() {
    let mut store = Store::in_memory().expect("store");
    store.ingest(rows(&[("m", march())])).expect("ingest");
    let open = store.open_denials(&OpenFilter::default()).expect("open");
    let b = open
        .iter()
        .find(|d| d.patient_control_number == "PCN-B")
        .expect("B");
    store.set_state(b.id, State::Appealed, None).expect("set");
    assert_eq!(
        store
            .mark_resubmitted("PAYER1", "PCN-A", "sent f7")
            .expect("mark"),
        1
    );
    assert_eq!(
        store
            .mark_resubmitted("PAYER1", "PCN-B", "sent f7")
            .expect("mark"),
        0
    );
    assert_eq!(
        store
            .mark_resubmitted("OTHER", "PCN-A", "sent f7")
            .expect("mark"),
        0
    );
    let s = states(&store);
    assert_eq!(s[&key("PCN-A", "2024-03-01", "16")].0, State::Resubmitted);
    assert_eq!(s[&key("PCN-B", "2024-03-01", "197")].0, State::Appealed);
}

mod any_order {
    use super::*;
    use proptest::prelude::*;

    /// A remittance of `month` (2024) adjudicating claims A, B and C as `outcomes` says:
    /// `paid`, denied with that CARC, or not in this remittance.
    fn remittance(month: u32, outcomes: &[Option<&'static str>; 3]) -> String {
        const PCNS: [&str; 3] = ["PCN-A", "PCN-B", "PCN-C"];
        let claims: Vec<Claim> = PCNS
            .iter()
            .zip(outcomes)
            .filter_map(|(pcn, o)| {
                o.map(|carc| match carc {
                    "paid" => claim(pcn, "1", 100, 100, None),
                    carc => claim(pcn, "1", 100, 0, Some(("CO", carc))),
                })
            })
            .collect();
        remit(&format!("T{month}"), &format!("2024{month:02}01"), &claims)
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        /// Remittances of distinct months, each adjudicating some of three claims (paid, or
        /// denied for one of three reasons), give the same states, resolutions and closing
        /// adjudications whatever order they are ingested in, one at a time or as one batch.
        #[test]
        fn the_store_ends_the_same_in_any_ingest_order(
            months in proptest::collection::vec(
                proptest::array::uniform3(proptest::option::of(prop_oneof![
                    Just("paid"), Just("16"), Just("197"), Just("50"),
                ])),
                1..6,
            ),
            order in any::<proptest::sample::Index>(),
        ) {
            let files: Vec<(String, String)> = months
                .iter()
                .enumerate()
                .map(|(i, o)| (format!("m{i}"), remittance(i as u32 + 1, o)))
                .collect();
            let closed = |store: &Store| {
                let mut out = BTreeMap::new();
                let mut id = 1;
                while let Ok(d) = store.denial(id) {
                    out.insert(
                        (d.patient_control_number, d.payment_date, d.carc),
                        (d.state, d.resolution, d.resolved_on, d.resolved_outcome),
                    );
                    id += 1;
                }
                out
            };
            let mut forward = Store::in_memory().expect("store");
            for (name, text) in &files {
                forward.ingest(rows(&[(name.as_str(), text.clone())])).expect("ingest");
            }
            let want = closed(&forward);
            // Rotated and reversed, one file per ingest.
            let k = order.index(files.len());
            let mut turned: Vec<_> = files[k..].iter().chain(&files[..k]).cloned().collect();
            turned.reverse();
            let mut other = Store::in_memory().expect("store");
            for (name, text) in &turned {
                other.ingest(rows(&[(name.as_str(), text.clone())])).expect("ingest");
            }
            prop_assert_eq!(&closed(&other), &want);
            // All in one batch.
            let batch: Vec<(&str, String)> =
                turned.iter().map(|(n, t)| (n.as_str(), t.clone())).collect();
            let mut one = Store::in_memory().expect("store");
            one.ingest(rows(&batch)).expect("ingest");
            prop_assert_eq!(&closed(&one), &want);
        }
    }
}

/// Two payments under one trace number (test files do this): the second has other claims, so
/// it is stored, and counted apart; sent again, each is recognised.
#[test]
fn a_trace_number_shared_by_two_payments_keeps_both() {
    let other = remit(
        "T1",
        "20240301",
        &[claim("PCN-D", "1", 80, 0, Some(("CO", "16")))],
    );
    let mut store = Store::in_memory().expect("store");
    let c = store
        .ingest(rows(&[
            ("march.835", march()),
            ("other.835", other.clone()),
        ]))
        .expect("ingest");
    assert_eq!(
        (c.remittances, c.remittances_skipped, c.shared_trace),
        (2, 0, 1)
    );
    assert_eq!((c.claims, c.denials, c.rows_stored), (4, 3, 4));
    let c = store
        .ingest(rows(&[("other.835", other), ("march.835", march())]))
        .expect("ingest");
    assert_eq!(
        (c.remittances, c.remittances_skipped, c.rows_skipped),
        (0, 2, 4)
    );
    assert_eq!(
        store
            .open_denials(&OpenFilter::default())
            .expect("open")
            .len(),
        3
    );
}

/// A repeated payment is taken back whole: the denials it would have closed stay open.
#[test]
fn a_skipped_payment_closes_nothing() {
    let mut store = Store::in_memory().expect("store");
    store.ingest(rows(&[("m", march())])).expect("ingest");
    store.ingest(rows(&[("a", april())])).expect("ingest");
    // A's March denial was closed by April; reopen it by hand, then ingest April again.
    store.set_state(1, State::Open, None).expect("reopen");
    let c = store.ingest(rows(&[("a-again", april())])).expect("ingest");
    assert_eq!((c.remittances_skipped, c.denials_closed), (1, 0));
    assert_eq!(store.denial(1).expect("denial").state, State::Open);
}

/// An 835 from `PAYER1` paid on `date` (CCYYMMDD) holding the given claim segments.
fn remit_of(trn: &str, date: &str, paid: &str, claims: &[&str]) -> String {
    let mut x = format!(
        "ISA*00*          *00*          *ZZ*PAYER          *ZZ*CLINIC         *240101*1200*^*00501*000000001*0*P*:~\
         GS*HP*P*C*{date}*1200*1*X*005010X221A1~ST*835*0001~BPR*I*{paid}*C*CHK************{date}~\
         TRN*1*{trn}*1999999999~N1*PR*TEST PLAN~REF*2U*PAYER1~N1*PE*TEST CLINIC*XX*1999999984~LX*1~"
    );
    for c in claims {
        x.push_str(c);
        x.push('~');
    }
    x.push_str(&format!(
        "SE*{}*0001~GE*1*1~IEA*1*000000001~",
        claims.len() + 8
    ));
    x
}

/// PCN-A denied for authorization on 2024-03-01 (ICN1), paid on 2024-04-01 (ICN2), and that
/// payment reversed on 2024-04-15 (CLP02 = 22 under ICN2).
fn denied_paid_taken_back() -> [String; 3] {
    let denied = remit_of(
        "R1",
        "20240301",
        "0",
        &["CLP*PCN-A*1*100*0**12*ICN1*11*1", "CAS*CO*197*100"],
    );
    let paid = remit_of(
        "R2",
        "20240401",
        "100",
        &["CLP*PCN-A*1*100*100**12*ICN2*11*7"],
    );
    let taken_back = remit_of(
        "R3",
        "20240415",
        "-100",
        &["CLP*PCN-A*22*-100*-100**12*ICN2*11*7"],
    );
    [denied, paid, taken_back]
}

/// Regression: a denial closed because a later remittance paid the claim stayed closed when a
/// third remittance took that payment back (CLP02 = 22, no new adjudication), so the work queue
/// lost a claim the practice was no longer paid for. It is open again, with a note; a
/// correction that follows the reversal closes it anew.
#[test]
fn a_reversed_payment_reopens_the_denials_it_closed() {
    let [denied, paid, taken_back] = denied_paid_taken_back();
    let mut store = Store::in_memory().unwrap();
    for (name, text) in [("denied", &denied), ("paid", &paid)] {
        store.ingest(rows(&[(name, text.clone())])).unwrap();
    }
    let closed = key("PCN-A", "2024-03-01", "197");
    assert_eq!(
        states(&store)[&closed],
        (State::Resolved, "paid".to_string())
    );

    let counts = store
        .ingest(rows(&[("taken back", taken_back.clone())]))
        .unwrap();
    assert_eq!(counts.denials_reopened, 1);
    assert_eq!(states(&store)[&closed], (State::Open, String::new()));
    let d = store.denial(1).unwrap();
    assert_eq!(
        d.note,
        "reopened: the payment that closed it was reversed on 2024-04-15"
    );
    assert_eq!(store.open_denials(&OpenFilter::default()).unwrap().len(), 1);

    // The reversal with its correction in one remittance: reopened, then paid again.
    let mut store = Store::in_memory().unwrap();
    let reversed_and_paid = remit_of(
        "R3",
        "20240415",
        "0",
        &[
            "CLP*PCN-A*22*-100*-100**12*ICN2*11*7",
            "CLP*PCN-A*1*100*100**12*ICN3*11*7",
        ],
    );
    for (name, text) in [
        ("denied", &denied),
        ("paid", &paid),
        ("again", &reversed_and_paid),
    ] {
        store.ingest(rows(&[(name, text.clone())])).unwrap();
    }
    assert_eq!(
        states(&store)[&closed],
        (State::Resolved, "paid".to_string())
    );
    assert!(
        store
            .open_denials(&OpenFilter::default())
            .unwrap()
            .is_empty()
    );
}

/// Regression: the reversal of a payment ingested before the payment (or before the denial)
/// left the denial closed as paid: the same three remittances ended open or closed depending
/// on the order of the files. A payment a stored reversal took back closes nothing.
#[test]
fn a_reversed_payment_closes_nothing_whatever_the_ingest_order() {
    let [denied, paid, taken_back] = denied_paid_taken_back();
    let files = [
        ("denied", &denied),
        ("paid", &paid),
        ("taken back", &taken_back),
    ];
    let orders: [[usize; 3]; 6] = [
        [0, 1, 2],
        [0, 2, 1],
        [1, 0, 2],
        [1, 2, 0],
        [2, 0, 1],
        [2, 1, 0],
    ];
    for order in orders {
        let mut store = Store::in_memory().unwrap();
        for i in order {
            let (name, text) = files[i];
            store.ingest(rows(&[(name, text.clone())])).unwrap();
        }
        let d = states(&store)[&key("PCN-A", "2024-03-01", "197")].clone();
        assert_eq!(d.0, State::Open, "order {order:?}: {d:?}");
    }
}

/// Regression: the same payment twice in one batch, as two inputs of the same name (a path
/// given twice, or a directory and a file in it) or twice in one file, was read as one
/// remittance and stored twice over: every denial open twice, its dollars doubled. The copy
/// is now skipped as a copy under another name always was.
#[test]
fn the_same_payment_twice_in_one_batch_is_stored_once() {
    let once = march();
    let inner = |text: &str| {
        let start = text.find("ST*835").unwrap();
        let end = text.find("GE*").unwrap();
        text[start..end].to_string()
    };
    let twice_in_one_file = once.replacen(&inner(&once), &inner(&once).repeat(2), 1);
    for inputs in [
        vec![("march.835", once.clone()), ("march.835", once.clone())],
        vec![("both.835", twice_in_one_file)],
    ] {
        let mut store = Store::in_memory().unwrap();
        let counts = store.ingest(rows(&inputs)).unwrap();
        assert_eq!(counts.remittances, 1, "{counts:?}");
        assert_eq!(counts.remittances_skipped, 1, "{counts:?}");
        assert_eq!((counts.claims, counts.denials), (3, 2), "{counts:?}");
        assert_eq!(store.open_denials(&OpenFilter::default()).unwrap().len(), 2);
    }
}

/// Regression: the store kept the deadline nearest on the day of the ingest. A corrected
/// claim's filing window closes first, then its appeal window still runs; ingested before the
/// filing window closed, the denial showed as past its deadline afterwards (and dropped out of
/// `--due-within`), though it could still be appealed. The queue now reads each deadline on
/// the day asked about.
#[test]
fn the_queue_reads_deadlines_on_the_day_asked_not_the_day_ingested() {
    let text = remit(
        "T9",
        "20240301",
        &[claim("PCN-Z", "1", 100, 0, Some(("CO", "197")))],
    )
    .replace("CAS*CO*197*100~", "CAS*CO*197*100~DTM*232*20240215~");
    let rows = rows(&[("z", text)]);
    let denial = rows.iter().find(|r| r.carc == "197").expect("a denial row");
    let (near, last) = (denial.deadline.clone(), denial.last_deadline.clone());
    assert!(
        !near.is_empty() && near < last,
        "two windows: {near} then {last}: {denial:?}"
    );
    let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("iso");
    let after_near = day(&near).succ_opt().expect("date");

    let mut store = Store::in_memory().expect("store");
    store.ingest(rows.clone()).expect("ingest");
    let on = |as_of: NaiveDate, due_by: Option<NaiveDate>| {
        let f = OpenFilter {
            as_of: Some(as_of),
            due_by,
            ..OpenFilter::default()
        };
        let open = store.open_denials(&f).expect("open");
        open.iter().map(|d| d.deadline.clone()).collect::<Vec<_>>()
    };
    assert_eq!(on(day(&near), None), [near.as_str()]);
    assert_eq!(on(after_near, None), [last.as_str()]);
    // Due within a week of the day after the filing window: nothing; the appeal window is due.
    assert!(on(after_near, Some(after_near + chrono::Days::new(7))).is_empty());
    assert_eq!(on(after_near, Some(day(&last))), [last.as_str()]);
    // Without a day, the stored deadline.
    let stored = store.open_denials(&OpenFilter::default()).expect("open");
    assert_eq!(stored[0].deadline, near);
    // Overdue counts the same way.
    assert_eq!(store.stats(after_near).expect("stats").overdue, 0);
    let after_last = day(&last).succ_opt().expect("date");
    assert_eq!(store.stats(after_last).expect("stats").overdue, 1);
}

/// A store written before `last_deadline` existed (schema 1) opens, gains the column, keeps
/// its denials with their deadlines, and takes new ingests.
#[test]
fn a_version_1_store_is_upgraded_in_place() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("t.db");
    {
        let mut store = Store::open(&path).expect("create");
        store.ingest(rows(&[("m", march())])).expect("ingest");
    }
    // What version 1 wrote: the same tables without the column, `user_version` 1.
    let conn = rusqlite::Connection::open(&path).expect("sqlite");
    conn.execute_batch("ALTER TABLE denial DROP COLUMN last_deadline; PRAGMA user_version = 1;")
        .expect("downgrade");
    drop(conn);
    let mut store = Store::open(&path).expect("upgrade");
    let open = store.open_denials(&OpenFilter::default()).expect("open");
    assert_eq!(open.len(), 2);
    assert!(open.iter().all(|d| !d.deadline.is_empty()));
    let later = OpenFilter {
        as_of: Some(NaiveDate::from_ymd_opt(2030, 1, 1).expect("date")),
        ..OpenFilter::default()
    };
    let stored: Vec<String> = open.iter().map(|d| d.deadline.clone()).collect();
    let read_later: Vec<String> = store
        .open_denials(&later)
        .expect("open")
        .iter()
        .map(|d| d.deadline.clone())
        .collect();
    assert_eq!(
        read_later, stored,
        "no later window known: the stored deadline"
    );
    store
        .ingest(rows(&[("a", april())]))
        .expect("ingest after the upgrade");
    drop(store);
    Store::open(&path).expect("opens again");
}

/// `TrackedDenial::COLUMNS` is the header serde writes for it (the CLI writes it itself, so
/// that an empty queue still has one).
#[test]
fn the_columns_are_the_serialized_fields() {
    let mut store = Store::in_memory().expect("store");
    store.ingest(rows(&[("m", march())])).expect("ingest");
    let open = store.open_denials(&OpenFilter::default()).expect("open");
    let mut w = csv::Writer::from_writer(Vec::new());
    w.serialize(&open[0]).expect("csv");
    let text = String::from_utf8(w.into_inner().expect("flush")).expect("utf-8");
    let header: Vec<&str> = text.lines().next().expect("header").split(',').collect();
    assert_eq!(header, denali_track::TrackedDenial::COLUMNS);
}
