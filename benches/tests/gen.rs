//! Checks the generators with an independent, deliberately naive X12 reader:
//! determinism, size, envelopes and counts, every balancing rule, the stats, and
//! (when the shared pyx12-based validator is available) TR3 validity.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::Command;

use denali_benches::{
    Gen835Options, Gen835Stats, Gen837Options, Gen837Stats, write_835, write_837p,
};

// ---------------------------------------------------------------------------
// A tiny reader, independent of the generator and of denali-x12.

struct Doc {
    segs: Vec<Vec<String>>,
    component: char,
}

impl Doc {
    fn parse(bytes: &[u8]) -> Doc {
        assert!(bytes.len() >= 106, "shorter than an ISA");
        assert_eq!(&bytes[..3], b"ISA");
        let element = bytes[3] as char;
        let repetition = bytes[82] as char;
        let component = bytes[104] as char;
        let terminator = bytes[105] as char;
        let text = std::str::from_utf8(bytes).expect("ASCII");
        assert!(text.is_ascii());
        let mut segs = Vec::new();
        for raw in text.split(terminator) {
            let raw = raw.trim_start_matches(['\r', '\n']);
            if raw.is_empty() {
                continue;
            }
            let els: Vec<String> = raw.split(element).map(str::to_owned).collect();
            assert!(
                !els.last().unwrap().is_empty() || els.len() == 1,
                "trailing separator in {raw:?}"
            );
            if els[0] != "ISA" {
                assert!(
                    !raw.contains(repetition),
                    "repetition separator inside {raw:?}"
                );
            }
            segs.push(els);
        }
        assert_eq!(segs[0].len(), 17, "ISA has 16 elements");
        Doc { segs, component }
    }

    fn count(&self, id: &str) -> usize {
        self.segs.iter().filter(|s| s[0] == id).count()
    }
}

fn el(seg: &[String], i: usize) -> &str {
    seg.get(i).map_or("", String::as_str)
}

/// Parses an X12 decimal into cents, insisting on the canonical form the generator
/// promises: no `+`, no leading zeros, at most two decimals, no trailing zeros.
fn cents(s: &str) -> i64 {
    let (neg, body) = match s.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, s),
    };
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    assert!(
        !int.is_empty() && int.bytes().all(|b| b.is_ascii_digit()),
        "amount {s:?}"
    );
    assert!(int == "0" || !int.starts_with('0'), "leading zero in {s:?}");
    assert!(
        frac.len() <= 2 && frac.bytes().all(|b| b.is_ascii_digit()),
        "amount {s:?}"
    );
    assert!(!frac.ends_with('0'), "trailing zero in {s:?}");
    assert!(
        !(neg && int == "0" && frac.is_empty()),
        "negative zero {s:?}"
    );
    let f = match frac.len() {
        0 => 0,
        1 => frac.parse::<i64>().unwrap() * 10,
        _ => frac.parse::<i64>().unwrap(),
    };
    let v = int.parse::<i64>().unwrap() * 100 + f;
    if neg { -v } else { v }
}

/// ISA/GS/ST envelopes: control numbers and counts. Returns the ST..SE ranges.
fn check_envelopes(doc: &Doc, st01: &str, gs01: &str, version: &str) -> Vec<(usize, usize)> {
    let s = &doc.segs;
    let last = s.len() - 1;
    assert_eq!(s[0][0], "ISA");
    assert_eq!(s[last][0], "IEA");
    assert_eq!(el(&s[0], 13), el(&s[last], 2), "ISA13 = IEA02");
    assert_eq!(el(&s[0], 12), "00501");
    assert_eq!(el(&s[0], 16).chars().next(), Some(doc.component));
    assert_eq!(el(&s[last], 1), doc.count("GS").to_string(), "IEA01");
    let mut sets = Vec::new();
    let mut gs_at = None;
    let mut st_at = None;
    let mut st_in_group = 0;
    for (i, seg) in s.iter().enumerate() {
        match seg[0].as_str() {
            "GS" => {
                assert_eq!(el(seg, 1), gs01);
                assert_eq!(el(seg, 8), version);
                gs_at = Some(i);
                st_in_group = 0;
            }
            "GE" => {
                let g = gs_at.take().expect("GE without GS");
                assert_eq!(el(&s[g], 6), el(seg, 2), "GS06 = GE02");
                assert_eq!(el(seg, 1), st_in_group.to_string(), "GE01");
            }
            "ST" => {
                assert!(st_at.is_none(), "nested ST");
                assert_eq!(el(seg, 1), st01);
                st_at = Some(i);
            }
            "SE" => {
                let st = st_at.take().expect("SE without ST");
                assert_eq!(el(&s[st], 2), el(seg, 2), "ST02 = SE02");
                assert_eq!(el(seg, 1), (i - st + 1).to_string(), "SE01 at segment {i}");
                st_in_group += 1;
                sets.push((st, i));
            }
            _ => {}
        }
    }
    assert!(st_at.is_none() && gs_at.is_none());
    sets
}

// ---------------------------------------------------------------------------
// 835

#[derive(Default)]
struct Totals835 {
    claims: u64,
    lines: u64,
    cas: u64,
    paid: i64,
    charge: i64,
    plb: i64,
    payment: i64,
    reversals: u64,
    max_claims_per_st: usize,
}

#[derive(Default)]
struct ClaimAcc {
    charge: i64,
    paid: i64,
    pr_declared: i64,
    adj: i64,
    pr: i64,
    svc02: i64,
    lines: usize,
    status: String,
    icn: String,
}

/// Re-checks every 835 rule on the parsed document and returns its totals.
fn check_835(doc: &Doc) -> Totals835 {
    let sets = check_envelopes(doc, "835", "HP", "005010X221A1");
    let mut t = Totals835::default();
    for (st, se) in sets {
        let segs = &doc.segs[st..=se];
        let bpr = segs.iter().find(|s| s[0] == "BPR").expect("BPR");
        let bpr02 = cents(el(bpr, 2));
        assert!(bpr02 >= 0);
        assert_eq!(el(bpr, 3), "C");
        match el(bpr, 4) {
            "NON" => assert_eq!(bpr02, 0),
            "ACH" | "CHK" => assert!(bpr02 > 0),
            m => panic!("BPR04 {m}"),
        }
        for id in ["TRN", "N1", "LX"] {
            assert!(segs.iter().any(|s| s[0] == id), "{id} missing");
        }
        let mut paid_sum = 0i64;
        let mut plb_sum = 0i64;
        let mut claim: Option<ClaimAcc> = None;
        let mut line: Option<(i64, i64, i64)> = None; // SVC02, SVC03, Σ CAS
        let mut prev_reversal: Option<String> = None;
        let mut claims_here = 0;

        let close_line = |line: &mut Option<(i64, i64, i64)>| {
            if let Some((charge, paid, adj)) = line.take() {
                assert_eq!(charge - adj, paid, "SVC02 - CAS = SVC03");
            }
        };
        let close_claim = |c: &mut Option<ClaimAcc>| {
            if let Some(c) = c.take() {
                assert_eq!(
                    c.charge - c.adj,
                    c.paid,
                    "CLP03 - CAS = CLP04 (claim {})",
                    c.icn
                );
                assert_eq!(c.pr, c.pr_declared, "CLP05 = PR adjustments");
                if c.lines > 0 {
                    assert_eq!(c.svc02, c.charge, "Σ SVC02 = CLP03");
                }
                if c.status == "22" {
                    assert!(c.charge < 0 && c.paid <= 0, "reversal amounts are negated");
                }
            }
        };

        for s in segs {
            match s[0].as_str() {
                "CLP" => {
                    close_line(&mut line);
                    close_claim(&mut claim);
                    let status = el(s, 2).to_owned();
                    assert!(
                        ["1", "2", "3", "4", "19", "22"].contains(&status.as_str()),
                        "CLP02 {status}"
                    );
                    assert!(
                        !el(s, 6).is_empty()
                            && !el(s, 7).is_empty()
                            && !el(s, 8).is_empty()
                            && !el(s, 9).is_empty()
                    );
                    let c = ClaimAcc {
                        charge: cents(el(s, 3)),
                        paid: cents(el(s, 4)),
                        pr_declared: cents(el(s, 5)),
                        status,
                        icn: el(s, 7).to_owned(),
                        ..ClaimAcc::default()
                    };
                    if c.status == "4" {
                        assert_eq!(c.paid, 0);
                    }
                    t.claims += 1;
                    claims_here += 1;
                    t.charge += c.charge;
                    t.paid += c.paid;
                    paid_sum += c.paid;
                    if c.status == "22" {
                        t.reversals += 1;
                    }
                    claim = Some(c);
                }
                "REF" if el(s, 1) == "F8" => {
                    let orig = prev_reversal
                        .take()
                        .expect("REF*F8 only on the claim after a reversal");
                    assert_eq!(el(s, 2), orig, "corrected claim points at the reversed ICN");
                }
                "SVC" => {
                    close_line(&mut line);
                    let c = claim.as_mut().expect("SVC outside a claim");
                    let charge = cents(el(s, 2));
                    let paid = cents(el(s, 3));
                    let code = el(s, 1);
                    assert!(
                        code.starts_with(&format!("HC{}", doc.component)),
                        "SVC01 {code}"
                    );
                    c.svc02 += charge;
                    c.lines += 1;
                    t.lines += 1;
                    line = Some((charge, paid, 0));
                }
                "CAS" => {
                    t.cas += 1;
                    let group = el(s, 1);
                    assert!(["CO", "PR", "OA", "PI"].contains(&group), "CAS01 {group}");
                    assert!(s.len() <= 20);
                    let mut sum = 0;
                    for k in (3..s.len()).step_by(3) {
                        assert!(!el(s, k - 1).is_empty(), "reason code");
                        sum += cents(el(s, k));
                    }
                    let c = claim.as_mut().expect("CAS outside a claim");
                    c.adj += sum;
                    if group == "PR" {
                        c.pr += sum;
                    }
                    if let Some(l) = line.as_mut() {
                        l.2 += sum;
                    }
                }
                "AMT" | "MIA" => {
                    let i = if s[0] == "AMT" { 2 } else { 4 };
                    if !el(s, i).is_empty() {
                        cents(el(s, i));
                    }
                }
                "PLB" => {
                    close_line(&mut line);
                    close_claim(&mut claim);
                    for k in (4..s.len()).step_by(2) {
                        let reason = el(s, k - 1);
                        assert!(
                            reason.contains(doc.component),
                            "PLB reason:reference composite {reason}"
                        );
                        let a = cents(el(s, k));
                        plb_sum += a;
                    }
                }
                "SE" => {
                    close_line(&mut line);
                    close_claim(&mut claim);
                }
                _ => {}
            }
            // A reversal must be followed by its correction.
            if s[0] == "CLP" {
                if el(s, 2) == "22" {
                    assert!(prev_reversal.is_none());
                    prev_reversal = Some(el(s, 7).to_owned());
                }
            } else if s[0] == "SE" {
                assert!(prev_reversal.is_none(), "reversal without correction");
            }
        }
        assert_eq!(paid_sum - plb_sum, bpr02, "Σ CLP04 - Σ PLB = BPR02");
        t.plb += plb_sum;
        t.payment += bpr02;
        t.max_claims_per_st = t.max_claims_per_st.max(claims_here);
    }
    t
}

fn gen835(opts: &Gen835Options) -> (Vec<u8>, Gen835Stats) {
    let mut out = Vec::new();
    let stats = write_835(opts, &mut out).expect("write_835");
    assert_eq!(stats.bytes, out.len() as u64);
    (out, stats)
}

fn assert_835_matches(doc: &Doc, stats: &Gen835Stats) {
    let t = check_835(doc);
    assert_eq!(stats.interchanges, doc.count("ISA") as u64);
    assert_eq!(stats.transactions, doc.count("ST") as u64);
    assert_eq!(stats.claims, t.claims);
    assert_eq!(stats.service_lines, t.lines);
    assert_eq!(stats.cas_segments, t.cas);
    assert_eq!(stats.total_paid_cents, t.paid);
    assert_eq!(stats.total_charge_cents, t.charge);
    assert_eq!(stats.total_plb_cents, t.plb);
    assert_eq!(stats.total_payment_cents, t.payment);
    assert_eq!(stats.reversals, t.reversals);
    assert_eq!(stats.plb_segments, doc.count("PLB") as u64);
    assert_eq!(stats.segments, doc.segs.len() as u64);
}

#[test]
fn balanced_835_for_several_seeds() {
    for seed in [1, 2, 3, 42] {
        let opts = Gen835Options {
            seed,
            target_bytes: 300_000,
            claims_per_transaction: 60,
            ..Default::default()
        };
        let (out, stats) = gen835(&opts);
        let doc = Doc::parse(&out);
        assert_835_matches(&doc, &stats);
        let t = check_835(&doc);
        assert!(t.max_claims_per_st <= 60);
        assert!(stats.transactions > 5 && stats.reversals > 0 && stats.cas_segments > stats.claims);
        assert_eq!(
            stats.total_paid_cents - stats.total_plb_cents,
            stats.total_payment_cents
        );
    }
}

#[test]
fn default_835_is_one_mebibyte_within_one_percent() {
    let (out, stats) = gen835(&Gen835Options::default());
    let target = 1u64 << 20;
    assert!(
        out.len() as u64 >= target - target / 100 && out.len() as u64 <= target + target / 100,
        "{}",
        out.len()
    );
    let doc = Doc::parse(&out);
    assert_835_matches(&doc, &stats);
    assert!(check_835(&doc).max_claims_per_st <= 500);
    assert!(out.starts_with(b"ISA*00*"));
    assert_eq!(out[105], b'~');
    assert_eq!(out[106], b'\n');
}

#[test]
fn ten_megabytes_within_one_percent() {
    let target = 10_000_000u64;
    let mut out = Vec::new();
    let s835 = write_835(
        &Gen835Options {
            seed: 5,
            target_bytes: target,
            ..Default::default()
        },
        &mut out,
    )
    .unwrap();
    assert!(
        s835.bytes.abs_diff(target) <= target / 100,
        "835: {}",
        s835.bytes
    );
    assert_eq!(s835.bytes, out.len() as u64);
    out.clear();
    let s837 = write_837p(
        &Gen837Options {
            seed: 5,
            target_bytes: target,
            ..Default::default()
        },
        &mut out,
    )
    .unwrap();
    assert!(
        s837.bytes.abs_diff(target) <= target / 100,
        "837p: {}",
        s837.bytes
    );
    let mut out = Vec::new();
    let s = write_837p(
        &Gen837Options {
            seed: 6,
            target_bytes: 1 << 20,
            ..Default::default()
        },
        &mut out,
    )
    .unwrap();
    assert!(
        s.bytes.abs_diff(1 << 20) <= (1 << 20) / 100,
        "837p 1 MiB: {}",
        s.bytes
    );
}

#[test]
fn tiny_target_still_makes_one_whole_payment() {
    let (out, stats) = gen835(&Gen835Options {
        target_bytes: 1,
        ..Default::default()
    });
    assert_eq!(stats.transactions, 1);
    assert!(stats.claims >= 1);
    assert_835_matches(&Doc::parse(&out), &stats);
    let mut out = Vec::new();
    let s = write_837p(
        &Gen837Options {
            target_bytes: 1,
            ..Default::default()
        },
        &mut out,
    )
    .unwrap();
    assert_eq!((s.transactions, s.subscribers), (1, 1));
    check_837(&Doc::parse(&out), &s);
}

#[test]
fn small_transactions_force_balances_forward() {
    // Two claims per payment: some payments net negative and must carry FB.
    let (out, stats) = gen835(&Gen835Options {
        seed: 5,
        target_bytes: 400_000,
        claims_per_transaction: 2,
        ..Default::default()
    });
    let doc = Doc::parse(&out);
    assert_835_matches(&doc, &stats);
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("*FB:"), "expected a forwarding balance");
    assert!(text.contains("BPR*H*0*C*NON"), "expected a zero payment");
}

#[test]
fn same_seed_same_bytes() {
    let opts = Gen835Options {
        seed: 99,
        target_bytes: 200_000,
        ..Default::default()
    };
    let (a, sa) = gen835(&opts);
    let (b, sb) = gen835(&opts);
    assert_eq!(a, b);
    assert_eq!(sa, sb);
    let (c, _) = gen835(&Gen835Options {
        seed: 100,
        ..opts.clone()
    });
    assert_ne!(a, c);

    let o = Gen837Options {
        seed: 99,
        target_bytes: 200_000,
        ..Default::default()
    };
    let (mut x, mut y, mut z) = (Vec::new(), Vec::new(), Vec::new());
    assert_eq!(
        write_837p(&o, &mut x).unwrap(),
        write_837p(&o, &mut y).unwrap()
    );
    assert_eq!(x, y);
    write_837p(&Gen837Options { seed: 100, ..o }, &mut z).unwrap();
    assert_ne!(x, z);
}

#[test]
fn custom_delimiters_without_newlines() {
    let opts = Gen835Options {
        seed: 9,
        target_bytes: 150_000,
        delimiters: (b'|', b'>', b'!', b'^'),
        newline: false,
        ..Default::default()
    };
    let (out, stats) = gen835(&opts);
    assert!(!out.contains(&b'\n') && !out.contains(&b'*') && !out.contains(&b'~'));
    assert_eq!(&out[..4], b"ISA|");
    assert_eq!((out[82], out[104], out[105]), (b'!', b'>', b'^'));
    let doc = Doc::parse(&out);
    assert_eq!(doc.component, '>');
    assert_835_matches(&doc, &stats);

    let mut out = Vec::new();
    let s = write_837p(
        &Gen837Options {
            seed: 9,
            target_bytes: 150_000,
            delimiters: (b'|', b'>', b'!', b'^'),
            newline: false,
            ..Default::default()
        },
        &mut out,
    )
    .unwrap();
    assert!(!out.contains(&b'\n'));
    check_837(&Doc::parse(&out), &s);
}

#[test]
fn bad_delimiters_are_rejected() {
    for d in [
        (b'*', b'*', b'^', b'~'),
        (b'*', b':', b'.', b'~'),
        (b'A', b':', b'^', b'~'),
        (b'*', b'-', b'^', b'~'),
    ] {
        let e = write_835(
            &Gen835Options {
                delimiters: d,
                ..Default::default()
            },
            Vec::new(),
        )
        .unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::InvalidInput);
        let e = write_837p(
            &Gen837Options {
                delimiters: d,
                ..Default::default()
            },
            Vec::new(),
        )
        .unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::InvalidInput);
    }
}

#[test]
fn checker_catches_broken_files() {
    let (out, _) = gen835(&Gen835Options {
        seed: 3,
        target_bytes: 60_000,
        claims_per_transaction: 30,
        ..Default::default()
    });
    let good = Doc::parse(&out);
    check_835(&good);
    let bump = |v: &str| {
        let c = cents(v) + 1;
        let (sign, a) = (if c < 0 { "-" } else { "" }, c.unsigned_abs());
        let s = match a % 100 {
            0 => format!("{sign}{}", a / 100),
            f if f % 10 == 0 => format!("{sign}{}.{}", a / 100, f / 10),
            f => format!("{sign}{}.{f:02}", a / 100),
        };
        assert_eq!(cents(&s), c);
        s
    };
    type Edit<'a> = &'a dyn Fn(&str) -> String;
    let breakers: Vec<(&str, usize, Edit)> = vec![
        ("SVC", 3, &bump),
        ("CLP", 3, &bump),
        ("CLP", 5, &bump),
        ("BPR", 2, &bump),
        ("CAS", 3, &bump),
        ("SE", 1, &|v: &str| {
            (v.parse::<u64>().unwrap() + 1).to_string()
        }),
        ("GE", 1, &|v: &str| {
            (v.parse::<u64>().unwrap() + 1).to_string()
        }),
    ];
    for (id, i, f) in breakers {
        let mut doc = Doc {
            segs: good.segs.clone(),
            component: good.component,
        };
        let seg = doc.segs.iter_mut().find(|s| s[0] == id).unwrap();
        seg[i] = f(&seg[i]);
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check_835(&doc)));
        assert!(r.is_err(), "changing {id}{i:02} went unnoticed");
    }
}

// ---------------------------------------------------------------------------
// 837P

fn check_837(doc: &Doc, stats: &Gen837Stats) {
    let sets = check_envelopes(doc, "837", "HC", "005010X222A1");
    let (mut claims, mut lines, mut charge) = (0u64, 0u64, 0i64);
    let (mut providers, mut subscribers, mut patients) = (0u64, 0u64, 0u64);
    for (st, se) in sets {
        let segs = &doc.segs[st..=se];
        assert_eq!(el(&segs[0], 3), "005010X222A1");
        assert_eq!(segs[1][0], "BHT");
        assert_eq!(el(&segs[1], 1), "0019");
        // HL: id → (level, parent, declared child flag); children seen.
        let mut hls: HashMap<String, (String, String, String)> = HashMap::new();
        let mut has_child: HashMap<String, bool> = HashMap::new();
        let mut next_hl = 1;
        let mut current_level = String::new();
        let mut claim: Option<(i64, i64, u64)> = None; // CLM02, Σ SV102, lines
        let mut claims_here = 0;
        let close = |c: &mut Option<(i64, i64, u64)>| {
            if let Some((declared, sum, n)) = c.take() {
                assert_eq!(declared, sum, "CLM02 = Σ SV102");
                assert!((1..=50).contains(&n), "1..50 lines");
            }
        };
        for s in segs {
            match s[0].as_str() {
                "HL" => {
                    close(&mut claim);
                    assert_eq!(el(s, 1), next_hl.to_string(), "HL01 sequential");
                    next_hl += 1;
                    let level = el(s, 3).to_owned();
                    let parent = el(s, 2).to_owned();
                    match level.as_str() {
                        "20" => {
                            assert!(parent.is_empty());
                            providers += 1;
                        }
                        "22" | "23" => {
                            let want = if level == "22" { "20" } else { "22" };
                            assert_eq!(
                                hls.get(&parent).map(|h| h.0.as_str()),
                                Some(want),
                                "HL02 of {level}"
                            );
                            has_child.insert(parent.clone(), true);
                            if level == "22" {
                                subscribers += 1;
                            } else {
                                patients += 1;
                            }
                        }
                        l => panic!("HL03 {l}"),
                    }
                    hls.insert(
                        el(s, 1).to_owned(),
                        (level.clone(), parent, el(s, 4).to_owned()),
                    );
                    current_level = level;
                }
                "SBR" => assert_eq!(current_level, "22"),
                "PAT" => assert_eq!(current_level, "23"),
                "CLM" => {
                    close(&mut claim);
                    assert!(current_level == "22" || current_level == "23");
                    let pos = el(s, 5);
                    let parts: Vec<&str> = pos.split(doc.component).collect();
                    assert_eq!(parts.len(), 3);
                    assert_eq!(parts[1], "B");
                    let c = cents(el(s, 2));
                    claims += 1;
                    claims_here += 1;
                    charge += c;
                    claim = Some((c, 0, 0));
                }
                "SV1" => {
                    let c = claim.as_mut().expect("SV1 outside a claim");
                    c.1 += cents(el(s, 2));
                    c.2 += 1;
                    lines += 1;
                    assert_eq!(el(s, 3), "UN");
                    assert!(!el(s, 7).is_empty(), "diagnosis pointer");
                }
                "LX" => {
                    let c = claim.as_ref().expect("LX outside a claim");
                    assert_eq!(el(s, 1), (c.2 + 1).to_string(), "LX01 sequential");
                }
                "SE" => close(&mut claim),
                _ => {}
            }
        }
        for (id, (level, _, child)) in &hls {
            let expected = if has_child.get(id).copied().unwrap_or(false) {
                "1"
            } else {
                "0"
            };
            if level == "20" {
                assert_eq!(child, "1");
            } else {
                assert_eq!(child, expected, "HL04 of HL {id}");
            }
        }
        assert!(claims_here >= 1);
    }
    assert_eq!(stats.claims, claims);
    assert_eq!(stats.service_lines, lines);
    assert_eq!(stats.total_charge_cents, charge);
    assert_eq!(stats.billing_providers, providers);
    assert_eq!(stats.subscribers, subscribers);
    assert_eq!(stats.patients, patients);
    assert_eq!(stats.transactions, doc.count("ST") as u64);
    assert_eq!(stats.interchanges, 1);
    assert_eq!(stats.segments, doc.segs.len() as u64);
}

#[test]
fn hierarchy_and_counts_837p() {
    for seed in [1, 7] {
        let opts = Gen837Options {
            seed,
            target_bytes: 400_000,
            claims_per_transaction: 100,
            ..Default::default()
        };
        let mut out = Vec::new();
        let stats = write_837p(&opts, &mut out).unwrap();
        assert_eq!(stats.bytes, out.len() as u64);
        let doc = Doc::parse(&out);
        check_837(&doc, &stats);
        assert!(stats.transactions > 3 && stats.patients > 0 && stats.claims > stats.subscribers);
        // claims_per_transaction holds exactly.
        let mut per_st = 0;
        for s in &doc.segs {
            match s[0].as_str() {
                "ST" => per_st = 0,
                "CLM" => per_st += 1,
                "SE" => assert!(per_st <= 100),
                _ => {}
            }
        }
    }
}

// ---------------------------------------------------------------------------
// The shared TR3 validator (pyx12). Skipped, with a reason, when unavailable.

fn validator() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("DENALI_X12_VALIDATE") {
        return Some(PathBuf::from(p));
    }
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    [
        here.join("../../shared/tools/x12-validate"),
        PathBuf::from("/work/shared/tools/x12-validate"),
    ]
    .into_iter()
    .find(|p| p.is_file())
}

#[test]
fn pyx12_accepts_generated_files() {
    let Some(tool) = validator() else {
        eprintln!(
            "SKIPPED pyx12_accepts_generated_files: shared/tools/x12-validate not found (set DENALI_X12_VALIDATE)"
        );
        return;
    };
    let dir = std::env::temp_dir().join(format!("denali-gen-validate-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut files = Vec::new();

    let opts = Gen835Options {
        seed: 11,
        target_bytes: 150_000,
        claims_per_transaction: 40,
        ..Default::default()
    };
    let (out, s) = gen835(&opts);
    assert!(
        s.reversals > 0 && s.plb_segments > 0,
        "exercise reversals and PLB: {s:?}"
    );
    // Make sure the rarer shapes are among what pyx12 sees.
    let doc = Doc::parse(&out);
    let has = |f: &dyn Fn(&[String]) -> bool| doc.segs.iter().any(|s| f(s));
    assert!(has(&|s| s[0] == "MIA"), "inpatient claim");
    assert!(has(&|s| s[0] == "CLP" && el(s, 2) == "4"), "CLP02 = 4");
    assert!(
        has(&|s| s[0] == "CLP" && el(s, 2) == "2"),
        "secondary claim"
    );
    assert!(has(&|s| s[0] == "NM1" && el(s, 1) == "74"), "NM1*74");
    assert!(has(&|s| s[0] == "NM1" && el(s, 1) == "IL"), "NM1*IL");
    assert!(has(&|s| s[0] == "MOA"), "MOA");
    assert!(has(&|s| s[0] == "LQ"), "LQ");
    assert!(has(&|s| s[0] == "SVC" && !el(s, 6).is_empty()), "SVC06");
    assert!(has(&|s| s[0] == "SVC" && !el(s, 7).is_empty()), "SVC07");
    assert!(
        has(&|s| s[0] == "CAS" && s.len() > 5),
        "CAS with several triplets"
    );
    files.push(("gen.835", out));
    let (out, _) = gen835(&Gen835Options {
        seed: 5,
        target_bytes: 60_000,
        claims_per_transaction: 2,
        ..Default::default()
    });
    files.push(("small-st.835", out));
    let (out, _) = gen835(&Gen835Options {
        seed: 12,
        target_bytes: 60_000,
        delimiters: (b'|', b'>', b'!', b'^'),
        newline: false,
        ..Default::default()
    });
    files.push(("delims.835", out));
    let mut out = Vec::new();
    let s = write_837p(
        &Gen837Options {
            seed: 11,
            target_bytes: 150_000,
            claims_per_transaction: 60,
            ..Default::default()
        },
        &mut out,
    )
    .unwrap();
    assert!(s.patients > 0 && s.transactions > 1);
    files.push(("gen.837", out));

    let mut paths = Vec::new();
    for (name, bytes) in &files {
        let p = dir.join(name);
        std::fs::write(&p, bytes).unwrap();
        paths.push(p);
    }
    let result = Command::new(&tool).args(&paths).output();
    let _ = std::fs::remove_dir_all(&dir);
    let output = match result {
        Ok(o) => o,
        Err(e) => {
            eprintln!(
                "SKIPPED pyx12_accepts_generated_files: cannot run {}: {e}",
                tool.display()
            );
            return;
        }
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let verdicts = stdout
        .lines()
        .filter(|l| l.contains(": OK") || l.contains(": INVALID"))
        .count();
    if verdicts == 0 && !output.status.success() {
        // The tool ran but never got to validate (e.g. pyx12 could not be installed).
        eprintln!(
            "SKIPPED pyx12_accepts_generated_files: validator did not run:\n{stdout}\n{stderr}"
        );
        return;
    }
    assert!(
        output.status.success(),
        "pyx12 rejected generated files:\n{stdout}\n{stderr}"
    );
    assert_eq!(
        stdout.lines().filter(|l| l.contains(": OK")).count(),
        files.len(),
        "{stdout}"
    );
}
