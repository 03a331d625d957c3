//! Memory of one huge transaction set: read claim by claim, it must not follow the set.
//!
//! Its own test binary (so its own process): the check reads the process's peak resident size
//! (`VmHWM` in `/proc/self/status`, Linux) before and after. Elsewhere it skips and says so.

use denali_x12::{Event, ParseOptions, Reader, remit};

/// Peak resident set size so far, in bytes (Linux only).
fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// One 835 transaction set of `claims` claims, each with a patient, a line, a date and a CAS.
fn one_set(claims: usize) -> Vec<u8> {
    let mut f = b"ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *240101*1200*^*00501*000000001*0*P*:~GS*HP*S*R*20240101*1200*1*X*005010X221A1~ST*835*0001~".to_vec();
    let paid = 80 * claims;
    f.extend_from_slice(
        format!("BPR*I*{paid}*C*ACH~TRN*1*T*1~N1*PR*PAYER~N1*PE*PAYEE*XX*1~LX*1~").as_bytes(),
    );
    for i in 0..claims {
        f.extend_from_slice(
            format!(
                "CLP*PCN{i}*1*100*80*20*MC*ICN{i}~NM1*QC*1*DOE*JOHN****MI*M{i}~\
                 SVC*HC:99213*100*80~DTM*472*20240101~CAS*CO*45*20~"
            )
            .as_bytes(),
        );
    }
    f.extend_from_slice(format!("SE*{}*0001~GE*1*1~IEA*1*000000001~", 7 + 5 * claims).as_bytes());
    f
}

#[test]
fn a_huge_set_read_claim_by_claim_does_not_hold_its_claims() {
    if peak_rss().is_none() {
        eprintln!("skipped: no /proc/self/status (peak memory is read from it on Linux)");
        return;
    }
    let claims = 60_000;
    let bytes = one_set(claims);
    let opts = ParseOptions::default();
    let base = peak_rss().unwrap_or_default();

    let mut read = 0;
    let mut reader = Reader::from_slice(&bytes);
    while let Ok(Some(ev)) = reader.next_event() {
        if let Event::Transaction(tx) = ev {
            let keys = remit::claim_keys(&tx, &opts);
            assert_eq!(keys.len(), claims);
            let (_, diags) = remit::parse_835_each(&tx, &opts, |_, _, _| read += 1);
            assert!(diags.is_empty(), "{diags:?}");
        }
    }
    assert_eq!(read, claims);
    let one_by_one = peak_rss().unwrap_or_default().saturating_sub(base);

    // The same set as one Remittance: the check can tell the difference.
    let mut reader = Reader::from_slice(&bytes);
    let mut whole_claims = 0;
    while let Ok(Some(ev)) = reader.next_event() {
        if let Event::Transaction(tx) = ev {
            whole_claims = remit::parse_835(&tx, &opts).0.claims.len();
        }
    }
    assert_eq!(whole_claims, claims);
    let whole = peak_rss().unwrap_or_default().saturating_sub(base);

    let mb = |b: u64| b as f64 / (1 << 20) as f64;
    eprintln!(
        "{} MB set of {claims} claims: claim by claim +{:.1} MB peak, whole +{:.1} MB",
        bytes.len() >> 20,
        mb(one_by_one),
        mb(whole)
    );
    // The segment index (16 bytes a segment) and the keys (~80 bytes a claim) are what a
    // claim-by-claim read keeps in proportion to the set.
    assert!(
        one_by_one < 24 << 20,
        "claim by claim grew {:.1} MB",
        mb(one_by_one)
    );
    assert!(
        whole > 48 << 20,
        "the whole read grew only {:.1} MB",
        mb(whole)
    );
}
