//! Generated 837P models for the property and validator tests: a [`SetSpec`] strategy and a
//! builder that turns a spec into a `Claim837Set` through the model API (loops and owned
//! segments), the way a caller would build one without an input file.

#![allow(dead_code)]

use denali_emit::envelope::{Envelope, EnvelopeFields};
use denali_emit::{Document, Group, Interchange, Transaction};
use denali_x12::Delimiters;
use denali_x12::claim::{Claim837Set, ClaimKind, Gap, LineEnd, Loop, LoopId, OwnedSegment};
use proptest::prelude::*;

/// One service line.
#[derive(Clone, Debug)]
pub struct LineSpec {
    pub procedure: String,
    pub modifiers: Vec<String>,
    pub charge_cents: u32,
    pub units: u16,
    pub control: String,
    pub day: u32,
}

/// One claim.
#[derive(Clone, Debug)]
pub struct ClaimSpec {
    pub pcn: String,
    pub frequency: u8,
    pub original_icn: String,
    pub prior_auth: Option<String>,
    pub diagnoses: Vec<String>,
    pub lines: Vec<LineSpec>,
}

/// A subscriber with claims for themselves or for a dependent.
#[derive(Clone, Debug)]
pub struct SubscriberSpec {
    pub member_id: String,
    pub last: String,
    pub first: String,
    pub dependent: Option<(String, String)>,
    pub claims: Vec<ClaimSpec>,
}

/// A billing provider with its subscribers.
#[derive(Clone, Debug)]
pub struct ProviderSpec {
    pub name: String,
    pub npi: &'static str,
    pub subscribers: Vec<SubscriberSpec>,
}

/// A whole 837P transaction set.
#[derive(Clone, Debug)]
pub struct SetSpec {
    pub submitter: String,
    pub receiver: String,
    pub providers: Vec<ProviderSpec>,
}

fn word(len: std::ops::RangeInclusive<usize>) -> impl Strategy<Value = String> {
    proptest::string::string_regex(&format!(
        "[A-Z][A-Z0-9]{{{},{}}}",
        len.start() - 1,
        len.end() - 1
    ))
    .unwrap()
}

fn name() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[A-Z]{2,10}( [A-Z]{2,8})?").unwrap()
}

const NPIS: [&str; 3] = ["1234567893", "1497758544", "1740293919"];
const PROCS: [&str; 6] = ["99213", "99214", "87880", "93000", "36415", "99392"];
const MODS: [&str; 5] = ["25", "59", "LT", "RT", "76"];
const DX: [&str; 6] = ["J029", "R509", "Z00129", "I10", "E119", "M545"];

fn line() -> impl Strategy<Value = LineSpec> {
    (
        proptest::sample::select(&PROCS[..]),
        proptest::collection::vec(proptest::sample::select(&MODS[..]), 0..=2),
        1u32..500_000,
        1u16..5,
        word(4..=12),
        1u32..28,
    )
        .prop_map(|(p, m, c, u, ctrl, day)| LineSpec {
            procedure: p.to_string(),
            modifiers: m.into_iter().map(str::to_string).collect(),
            charge_cents: c,
            units: u,
            control: ctrl,
            day,
        })
}

fn claim() -> impl Strategy<Value = ClaimSpec> {
    (
        word(3..=15),
        proptest::sample::select(&[b'1', b'7', b'8'][..]),
        word(6..=14),
        proptest::option::of(word(4..=10)),
        proptest::collection::vec(proptest::sample::select(&DX[..]), 1..=4),
        proptest::collection::vec(line(), 1..=5),
    )
        .prop_map(|(pcn, frequency, icn, prior_auth, dx, lines)| ClaimSpec {
            pcn,
            frequency,
            original_icn: icn,
            prior_auth,
            diagnoses: dx.into_iter().map(str::to_string).collect(),
            lines,
        })
}

fn subscriber() -> impl Strategy<Value = SubscriberSpec> {
    (
        word(5..=12),
        name(),
        name(),
        proptest::option::of((name(), name())),
        proptest::collection::vec(claim(), 1..=3),
    )
        .prop_map(
            |(member_id, last, first, dependent, claims)| SubscriberSpec {
                member_id,
                last,
                first,
                dependent,
                claims,
            },
        )
}

/// Random 837P sets: 1–2 billing providers, 1–3 subscribers each, 1–3 claims of 1–5 lines.
pub fn set_spec() -> impl Strategy<Value = SetSpec> {
    let provider = (
        name(),
        proptest::sample::select(&NPIS[..]),
        proptest::collection::vec(subscriber(), 1..=3),
    )
        .prop_map(|(name, npi, subscribers)| ProviderSpec {
            name,
            npi,
            subscribers,
        });
    (name(), name(), proptest::collection::vec(provider, 1..=2)).prop_map(
        |(submitter, receiver, providers)| SetSpec {
            submitter,
            receiver,
            providers,
        },
    )
}

/// Delimiter sets that never collide with generated values.
pub fn delimiters() -> impl Strategy<Value = Delimiters> {
    proptest::sample::select(
        &[
            Delimiters {
                element: b'*',
                component: b':',
                repetition: Some(b'^'),
                segment: b'~',
            },
            Delimiters {
                element: b'|',
                component: b'>',
                repetition: Some(b'!'),
                segment: b'~',
            },
            Delimiters {
                element: b'*',
                component: b'<',
                repetition: Some(b'`'),
                segment: b'\n',
            },
            Delimiters {
                element: b'~',
                component: b'^',
                repetition: Some(b'{'),
                segment: b'_',
            },
        ][..],
    )
}

/// Line breaks after terminators.
pub fn line_end() -> impl Strategy<Value = LineEnd> {
    proptest::sample::select(&[LineEnd::None, LineEnd::Lf, LineEnd::CrLf][..])
}

struct B {
    d: Delimiters,
    le: LineEnd,
    count: usize,
}

impl B {
    fn seg(&mut self, parts: &[&str]) -> OwnedSegment {
        self.count += 1;
        let sep = char::from(self.d.element).to_string();
        let raw = parts.join(&sep);
        let le = if self.d.segment == b'\n' {
            LineEnd::None
        } else {
            self.le
        };
        OwnedSegment::from_raw(raw.into_bytes(), self.d)
            .unwrap()
            .with_gap(Gap::Terminated(le))
    }

    fn comp(&self, parts: &[&str]) -> String {
        parts.join(&char::from(self.d.component).to_string())
    }

    fn lp(&mut self, id: LoopId, segs: Vec<OwnedSegment>) -> Loop {
        let mut l = Loop::new(id, Some(ClaimKind::Professional), self.d);
        for s in segs {
            l.push(s).unwrap();
        }
        l
    }

    fn name_loop(&mut self, id: LoopId, nm1: &[&str], extra: &[&[&str]]) -> Loop {
        let mut segs = vec![self.seg(nm1)];
        for e in extra {
            segs.push(self.seg(e));
        }
        self.lp(id, segs)
    }
}

fn money(cents: u64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

fn claim_loop(b: &mut B, c: &ClaimSpec) -> Loop {
    let total: u64 = c.lines.iter().map(|l| u64::from(l.charge_cents)).sum();
    let freq = char::from(c.frequency).to_string();
    let clm05 = b.comp(&["11", "B", &freq]);
    let mut segs = vec![b.seg(&[
        "CLM",
        &c.pcn,
        &money(total),
        "",
        "",
        &clm05,
        "Y",
        "A",
        "Y",
        "Y",
    ])];
    segs.push(b.seg(&["DTP", "431", "D8", "20240102"]));
    if let Some(a) = &c.prior_auth {
        segs.push(b.seg(&["REF", "G1", a]));
    }
    if c.frequency != b'1' {
        segs.push(b.seg(&["REF", "F8", &c.original_icn]));
    }
    let mut hi = vec!["HI".to_string()];
    for (i, dx) in c.diagnoses.iter().enumerate() {
        hi.push(b.comp(&[if i == 0 { "ABK" } else { "ABF" }, dx]));
    }
    let hi: Vec<&str> = hi.iter().map(String::as_str).collect();
    segs.push(b.seg(&hi));
    let mut claim = b.lp(LoopId::L2300, segs);
    for (i, l) in c.lines.iter().enumerate() {
        let mut proc = vec!["HC", l.procedure.as_str()];
        proc.extend(l.modifiers.iter().map(String::as_str));
        let proc = b.comp(&proc);
        let n = (i + 1).to_string();
        let units = l.units.to_string();
        let date = format!("202402{:02}", l.day);
        let segs = vec![
            b.seg(&["LX", &n]),
            b.seg(&[
                "SV1",
                &proc,
                &money(u64::from(l.charge_cents)),
                "UN",
                &units,
                "",
                "",
                "1",
            ]),
            b.seg(&["DTP", "472", "D8", &date]),
            b.seg(&["REF", "6R", &l.control]),
        ];
        let line = b.lp(LoopId::L2400, segs);
        claim.children_mut().push(line);
    }
    claim
}

/// Builds the set a spec describes (HL levels numbered in order, SE01 right).
pub fn build_set(spec: &SetSpec, d: Delimiters, le: LineEnd) -> Claim837Set {
    let mut b = B { d, le, count: 0 };
    let st = b.seg(&["ST", "837", "0001", "005010X222A1"]);
    let bht = b.seg(&["BHT", "0019", "00", "BATCH1", "20240301", "1200", "CH"]);
    let mut root = b.lp(LoopId::Header, vec![st, bht]);
    let sub = b.name_loop(
        LoopId::L1000A,
        &[
            "NM1",
            "41",
            "2",
            &spec.submitter,
            "",
            "",
            "",
            "",
            "46",
            "SUB1",
        ],
        &[&["PER", "IC", "BILLING", "TE", "5555550100"]],
    );
    let rcv = b.name_loop(
        LoopId::L1000B,
        &[
            "NM1",
            "40",
            "2",
            &spec.receiver,
            "",
            "",
            "",
            "",
            "46",
            "RCV1",
        ],
        &[],
    );
    root.children_mut().push(sub);
    root.children_mut().push(rcv);
    let mut hl = 0usize;
    for p in &spec.providers {
        hl += 1;
        let bp_id = hl.to_string();
        let hl_seg = b.seg(&["HL", &bp_id, "", "20", "1"]);
        let prv = b.seg(&["PRV", "BI", "PXC", "207Q00000X"]);
        let mut bp = b.lp(LoopId::L2000A, vec![hl_seg, prv]);
        let aa = b.name_loop(
            LoopId::L2010AA,
            &["NM1", "85", "2", &p.name, "", "", "", "", "XX", p.npi],
            &[
                &["N3", "100 MAIN STREET"],
                &["N4", "SPRINGFIELD", "IL", "627010001"],
                &["REF", "EI", "123456789"],
            ],
        );
        bp.children_mut().push(aa);
        root.children_mut().push(bp);
        for s in &p.subscribers {
            hl += 1;
            let sub_id = hl.to_string();
            let child = if s.dependent.is_some() { "1" } else { "0" };
            let hl_seg = b.seg(&["HL", &sub_id, &bp_id, "22", child]);
            let rel = if s.dependent.is_some() { "" } else { "18" };
            let sbr = b.seg(&["SBR", "P", rel, "GRP1", "", "", "", "", "", "CI"]);
            let mut sl = b.lp(LoopId::L2000B, vec![hl_seg, sbr]);
            let mut extra: Vec<&[&str]> = vec![
                &["N3", "1 TEST STREET"],
                &["N4", "SPRINGFIELD", "IL", "627010002"],
            ];
            if s.dependent.is_none() {
                extra.push(&["DMG", "D8", "19800101", "F"]);
            }
            let ba = b.name_loop(
                LoopId::L2010BA,
                &[
                    "NM1",
                    "IL",
                    "1",
                    &s.last,
                    &s.first,
                    "",
                    "",
                    "",
                    "MI",
                    &s.member_id,
                ],
                &extra,
            );
            let bb = b.name_loop(
                LoopId::L2010BB,
                &[
                    "NM1",
                    "PR",
                    "2",
                    "EXAMPLE PLAN",
                    "",
                    "",
                    "",
                    "",
                    "PI",
                    "PAYER1",
                ],
                &[],
            );
            sl.children_mut().push(ba);
            sl.children_mut().push(bb);
            match &s.dependent {
                None => {
                    for c in &s.claims {
                        let cl = claim_loop(&mut b, c);
                        sl.children_mut().push(cl);
                    }
                    root.children_mut().push(sl);
                }
                Some((last, first)) => {
                    root.children_mut().push(sl);
                    hl += 1;
                    let pat_id = hl.to_string();
                    let hl_seg = b.seg(&["HL", &pat_id, &sub_id, "23", "0"]);
                    let pat = b.seg(&["PAT", "19"]);
                    let mut pl = b.lp(LoopId::L2000C, vec![hl_seg, pat]);
                    let ca = b.name_loop(
                        LoopId::L2010CA,
                        &["NM1", "QC", "1", last, first],
                        &[
                            &["N3", "1 TEST STREET"],
                            &["N4", "SPRINGFIELD", "IL", "627010002"],
                            &["DMG", "D8", "20150601", "M"],
                        ],
                    );
                    pl.children_mut().push(ca);
                    for c in &s.claims {
                        let cl = claim_loop(&mut b, c);
                        pl.children_mut().push(cl);
                    }
                    root.children_mut().push(pl);
                }
            }
        }
    }
    let count = (b.count + 1).to_string();
    let se = b.seg(&["SE", &count, "0001"]);
    let trailer = b.lp(LoopId::Trailer, vec![se]);
    Claim837Set::from_parts(
        Some(ClaimKind::Professional),
        "005010X222A1".into(),
        root,
        trailer,
    )
}

/// A whole document around a set: ISA/GS from [`Envelope::new`], GE and IEA.
pub fn document(set: Claim837Set, d: Delimiters, le: LineEnd) -> Document {
    let le = if d.segment == b'\n' {
        LineEnd::None
    } else {
        le
    };
    let fields = EnvelopeFields {
        sender_qualifier: "ZZ".into(),
        sender_id: "DENALISUB".into(),
        receiver_qualifier: "ZZ".into(),
        receiver_id: "DENALIRCV".into(),
        application_sender: "DENALISUB".into(),
        application_receiver: "DENALIRCV".into(),
        date: chrono::NaiveDate::from_ymd_opt(2024, 3, 1).unwrap(),
        time: "1200".into(),
        usage: 'T',
        acknowledgment_requested: false,
        version: "005010X222A1".into(),
        line_end: le,
    };
    let env = Envelope::new(&fields, d).unwrap();
    let sep = char::from(d.element);
    let ge = OwnedSegment::from_raw(format!("GE{sep}1{sep}1").into_bytes(), d)
        .unwrap()
        .with_gap(Gap::Terminated(le));
    let iea = OwnedSegment::from_raw(format!("IEA{sep}1{sep}000000000").into_bytes(), d)
        .unwrap()
        .with_gap(Gap::Terminated(le));
    Document {
        prefix: Vec::new(),
        interchanges: vec![Interchange {
            isa: Some(env.isa),
            groups: vec![Group {
                gs: Some(env.gs),
                sets: vec![Transaction::Claim(set)],
                ge: Some(ge),
            }],
            iea: Some(iea),
        }],
    }
}
