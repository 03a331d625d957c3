//! Helpers shared by the integration tests: small 835s built in the test, parsed with the real
//! reader and typed-835 parser.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use denali_rules::{Assessment, Assessor, Context, Denial, Outcome, ReversalLinks, assess};
use denali_x12::remit::Remittance;
use denali_x12::{Event, ParseOptions, Reader, remit};

/// A fixed "today" for deadlines.
pub fn as_of() -> NaiveDate {
    date("2025-04-01")
}

pub fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

pub fn ctx() -> Context {
    Context::new(as_of())
}

/// The header of a test 835.
pub struct Header {
    /// BPR16 payment date (CCYYMMDD), if any.
    pub bpr16: Option<&'static str>,
    /// DTM*405 production date, if any.
    pub dtm405: Option<&'static str>,
    /// N104 payer id.
    pub payer_id: &'static str,
}

impl Default for Header {
    fn default() -> Self {
        Header {
            bpr16: Some("20250314"),
            dtm405: Some("20250313"),
            payer_id: "PAYER01",
        }
    }
}

/// Builds an 835 whose detail is `claims` (segments without terminators), parses it.
pub fn remit_with(h: &Header, claims: &[&str]) -> Remittance {
    first_835(text_835(h, claims).as_bytes()).expect("test 835 has an ST*835")
}

/// The interchange text of an 835 whose detail is `claims` (segments without terminators).
pub fn text_835<S: AsRef<str>>(h: &Header, claims: &[S]) -> String {
    let mut body: Vec<String> = vec![
        "ST*835*0001".into(),
        format!("BPR*I*0*C*NON************{}", h.bpr16.unwrap_or("")),
        "TRN*1*TRACE0001*1999999999".into(),
    ];
    if let Some(d) = h.dtm405 {
        body.push(format!("DTM*405*{d}"));
    }
    body.push("N1*PR*TEST HEALTH PLAN*XV*".to_string() + h.payer_id);
    body.push("N1*PE*TEST CLINIC*XX*1999999992".into());
    body.push("LX*1".into());
    body.extend(claims.iter().map(|s| s.as_ref().to_string()));
    let count = body.len() + 1;
    body.push(format!("SE*{count}*0001"));
    let mut text = String::from(
        "ISA*00*          *00*          *ZZ*TESTPAYER      *ZZ*TESTCLINIC     *250314*0930*^*00501*000000101*0*T*:~\n\
         GS*HP*TESTPAYER*TESTCLINIC*20250314*0930*101*X*005010X221A1~\n",
    );
    for s in body {
        text.push_str(&s);
        text.push_str("~\n");
    }
    text.push_str("GE*1*101~\nIEA*1*000000101~\n");
    text
}

/// Checks [`Assessor::is_plainly_paid`] against the full assessment on every claim of every
/// 835 in `bytes`: true exactly when the claim is assessed `Paid`. Returns (plainly paid,
/// claims).
pub fn check_screen(bytes: &[u8], ctx: &Context, what: &str) -> (usize, usize) {
    let opts = ParseOptions::default();
    let assessor = Assessor::new(ctx);
    let (mut plain, mut claims) = (0, 0);
    let mut reader = Reader::from_slice(bytes);
    while let Ok(Some(event)) = reader.next_event() {
        let Event::Transaction(tx) = event else {
            continue;
        };
        if tx.set_id != "835" {
            continue;
        }
        let (rem, _) = remit::parse_835(&tx, &opts);
        let whole = assessor.assess(&rem);
        let links = ReversalLinks::from_keys(&remit::claim_keys(&tx, &opts));
        let view = remit::RemittanceView::new(&tx, &opts);
        assert_eq!(view.len(), whole.claims.len(), "{what}: claims");
        for (cv, assessed) in view.claims().zip(&whole.claims) {
            let screened = assessor.is_plainly_paid(&cv, &links);
            assert_eq!(
                screened,
                assessed.outcome == Outcome::Paid,
                "{what}: claim {} is assessed {:?} with {} denials, screened plainly paid: {screened}",
                cv.index(),
                assessed.outcome,
                assessed.denials.len(),
            );
            if assessed.outcome == Outcome::Paid {
                assert!(
                    assessed.denials.is_empty(),
                    "{what}: a paid claim with denials"
                );
            }
            plain += usize::from(screened);
            claims += 1;
        }
    }
    (plain, claims)
}

pub fn remit(claims: &[&str]) -> Remittance {
    remit_with(&Header::default(), claims)
}

/// The first 835 transaction of a file.
pub fn first_835(bytes: &[u8]) -> Option<Remittance> {
    all_835(bytes).into_iter().next()
}

/// Every 835 transaction of a file.
pub fn all_835(bytes: &[u8]) -> Vec<Remittance> {
    let mut out = Vec::new();
    let mut reader = Reader::from_slice(bytes);
    while let Ok(Some(event)) = reader.next_event() {
        if let Event::Transaction(tx) = event
            && tx.set_id == "835"
        {
            out.push(remit::parse_835(&tx, &ParseOptions::default()).0);
        }
    }
    out
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

/// The project's 835 fixtures, sorted.
pub fn fixture_835_files() -> Vec<PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(fixtures().join("835"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

pub fn assess_default(rem: &Remittance) -> Assessment {
    assess(rem, &ctx())
}

/// `CO-16` style label of a denial.
pub fn label(d: &Denial) -> String {
    format!("{}-{}", d.group, d.carc)
}
