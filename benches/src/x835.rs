//! The 835 (005010X221A1) generator.
//!
//! One transaction set is one payment from one payer to one payee. Its claims are
//! generated into a reusable buffer first (BPR02 is the net of everything below it),
//! then the header is written and the buffer copied out; memory is bounded by
//! `claims_per_transaction`, not by the target size.

use std::io::{self, Write};

use fastrand::Rng;

use crate::date::Day;
use crate::seg::{Delims, Envelope, SegBuf, Sink};
use crate::tables::{self, FACILITY_PROCS, PAYERS, PROCS, Payer, chance, pick, pick_ref};

/// Options for [`write_835`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Gen835Options {
    /// RNG seed; the same options always produce the same bytes.
    pub seed: u64,
    /// Output size in bytes, met to within about one claim (a few hundred bytes)
    /// either side: generation stops at a claim boundary once the projected size
    /// with trailers reaches it. At least one claim is written.
    pub target_bytes: u64,
    /// Claims per transaction set (per payment); the last set may have fewer.
    /// A reversal and its correction count as two claims and are never split.
    /// Memory use grows with this value (one transaction set is buffered).
    pub claims_per_transaction: usize,
    /// `(element, component, repetition, segment)` delimiters. They must be
    /// distinct and not letters, digits, space, `.` or `-`.
    pub delimiters: (u8, u8, u8, u8),
    /// Write a newline after each segment terminator (ignored when the terminator
    /// is itself `\n` or `\r`).
    pub newline: bool,
    /// Percent (0–100) of service lines denied outright: nothing paid, one CARC of the
    /// usual denial mix (CO-16, CO-197, CO-50, CO-97, PR-204 ...) for the whole charge.
    /// Default 22, a payer having a bad month: about 40% of claims then carry a denial.
    /// Denied claims (CLP02 = 4, 1.5% of claims), unit cuts (CO-151) and reversals come
    /// on top and do not depend on it. The same seed gives the same claims, parties and
    /// amounts whatever this is, but lines are adjudicated differently.
    pub line_denial_percent: u32,
}

impl Default for Gen835Options {
    /// Seed 1, 1 MiB, 500 claims per transaction set, `*:^~`, newlines, 22% of lines denied.
    fn default() -> Self {
        Self {
            seed: 1,
            target_bytes: 1 << 20,
            claims_per_transaction: 500,
            delimiters: (b'*', b':', b'^', b'~'),
            newline: true,
            line_denial_percent: 22,
        }
    }
}

/// What [`write_835`] wrote: exact counts and sums, for assertions and throughput.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Gen835Stats {
    /// Bytes written.
    pub bytes: u64,
    /// ISA/IEA envelopes (always 1).
    pub interchanges: u64,
    /// ST/SE transaction sets (one payment each).
    pub transactions: u64,
    /// CLP segments, reversals (CLP02 = 22) and corrections included.
    pub claims: u64,
    /// SVC segments.
    pub service_lines: u64,
    /// Σ CLP04 in cents (reversals count negative).
    pub total_paid_cents: i64,
    /// Σ CLP03 in cents (reversals count negative).
    pub total_charge_cents: i64,
    /// CAS segments, claim and line level.
    pub cas_segments: u64,
    /// All segments, envelopes included.
    pub segments: u64,
    /// Reversals (CLP02 = 22); each is followed by its corrected claim.
    pub reversals: u64,
    /// PLB segments.
    pub plb_segments: u64,
    /// Σ of all PLB adjustment amounts in cents.
    pub total_plb_cents: i64,
    /// Σ BPR02 in cents; always `total_paid_cents - total_plb_cents`.
    pub total_payment_cents: i64,
}

/// Writes a seeded, balanced 835 interchange of about `opts.target_bytes` to `out`.
///
/// One ISA/GS holds as many ST/SE payments as needed. Every amount balances
/// exactly: SVC02 − Σ line CAS = SVC03, CLP03 − Σ claim and line CAS = CLP04,
/// Σ CLP04 − Σ PLB = BPR02; control numbers and SE01/GE01/IEA01 are correct.
/// Output goes through a `BufWriter`; memory does not grow with the target size.
///
/// # Errors
/// Invalid delimiters ([`io::ErrorKind::InvalidInput`]) or a write error.
pub fn write_835<W: Write>(opts: &Gen835Options, out: W) -> io::Result<Gen835Stats> {
    let d = Delims::new(opts.delimiters, opts.newline)?;
    let mut g = Gen::new(opts.seed, d, opts.line_denial_percent.min(100));
    let mut sink = Sink::new(out);
    let mut stats = Gen835Stats {
        interchanges: 1,
        ..Gen835Stats::default()
    };
    let cpt = opts.claims_per_transaction.max(1);

    let env = Envelope {
        isa13: g.rng.u64(1..1_000_000_000),
        gs06: g.rng.u64(1..1_000_000),
        date: g.today,
        hhmm: g.rng.u32(6..19) * 100 + g.rng.u32(0..60),
        sender: "DENALIPAYER",
        receiver: "DENALIPROVIDER",
    };
    let mut es = SegBuf::new(d, 512);
    env.write_header(&mut es, "HP", "005010X221A1");
    sink.drain(&mut es)?;

    loop {
        g.transaction(&mut sink, &mut stats, opts.target_bytes, cpt)?;
        // Another payment only if it gets us closer to the target than stopping.
        if sink.bytes + HEAD_EST + CLAIM_EST / 2 + TAIL_EST >= opts.target_bytes {
            break;
        }
    }

    env.write_trailer(&mut es, stats.transactions);
    sink.drain(&mut es)?;
    stats.segments += es.segs;
    stats.bytes = sink.bytes;
    sink.finish()?;
    Ok(stats)
}

/// Estimated sizes used to stop close to the target.
const HEAD_EST: u64 = 450;
const TAIL_EST: u64 = 120;
const CLAIM_EST: u64 = 450;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Group {
    Co,
    Pr,
    Oa,
    Pi,
}

impl Group {
    const ALL: [Group; 4] = [Group::Co, Group::Pr, Group::Oa, Group::Pi];

    fn code(self) -> &'static str {
        match self {
            Group::Co => "CO",
            Group::Pr => "PR",
            Group::Oa => "OA",
            Group::Pi => "PI",
        }
    }
}

#[derive(Clone, Copy, Debug)]
struct Adj {
    group: Group,
    reason: &'static str,
    cents: i64,
}

const NO_ADJ: Adj = Adj {
    group: Group::Co,
    reason: "",
    cents: 0,
};

/// Up to six adjustments (a claim or a line never needs more).
#[derive(Clone, Copy, Debug)]
struct Adjs {
    v: [Adj; 6],
    n: usize,
}

impl Adjs {
    const EMPTY: Adjs = Adjs {
        v: [NO_ADJ; 6],
        n: 0,
    };

    fn push(&mut self, group: Group, reason: &'static str, cents: i64) {
        if cents != 0 && self.n < self.v.len() {
            self.v[self.n] = Adj {
                group,
                reason,
                cents,
            };
            self.n += 1;
        }
    }

    fn as_slice(&self) -> &[Adj] {
        &self.v[..self.n]
    }

    fn sum(&self) -> i64 {
        self.as_slice().iter().map(|a| a.cents).sum()
    }

    fn sum_group(&self, g: Group) -> i64 {
        self.as_slice()
            .iter()
            .filter(|a| a.group == g)
            .map(|a| a.cents)
            .sum()
    }
}

/// A line denial: group, CARC, RARC ("" = none), weight.
const DENIALS: &[(Group, &str, &str, u32)] = &[
    (Group::Co, "16", "N290", 14),
    (Group::Co, "16", "M51", 5),
    (Group::Co, "197", "N54", 12),
    (Group::Co, "50", "N115", 10),
    (Group::Co, "97", "M15", 14),
    (Group::Co, "18", "M86", 8),
    (Group::Co, "29", "", 5),
    (Group::Co, "4", "", 6),
    (Group::Co, "11", "M76", 5),
    (Group::Co, "252", "M127", 4),
    (Group::Co, "22", "MA04", 4),
    (Group::Co, "27", "", 4),
    (Group::Co, "109", "", 3),
    (Group::Pr, "204", "N130", 7),
    (Group::Pr, "96", "N130", 3),
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Professional,
    Outpatient,
    Inpatient,
}

#[derive(Clone, Copy)]
struct Person {
    last: &'static str,
    first: &'static str,
    mi: &'static str,
    id: u64,
}

impl Person {
    fn random(rng: &mut Rng) -> Self {
        const INITIALS: [&str; 12] = ["A", "B", "C", "D", "E", "J", "K", "L", "M", "R", "S", "T"];
        Person {
            last: pick(rng, tables::LAST_NAMES),
            first: pick(rng, tables::FIRST_NAMES),
            mi: pick(rng, &INITIALS),
            id: rng.u64(100_000_000..1_000_000_000),
        }
    }
}

#[derive(Clone, Copy)]
struct Line {
    proc_: usize,
    /// Code the provider billed when the payer recoded it (SVC06), else `usize::MAX`.
    submitted: usize,
    mods: [&'static str; 2],
    nmods: usize,
    units: u32,
    paid_units: u32,
    units_in_svc05: bool,
    charge: i64,
    paid: i64,
    allowed: i64,
    adj: Adjs,
    rarc: &'static str,
    date: Day,
    ctrl: u64,
}

struct Claim {
    kind: Kind,
    pcn: u64,
    status: &'static str,
    secondary: bool,
    facility: &'static str,
    freq: &'static str,
    lines: Vec<Line>,
    claim_adj: Adjs,
    charge: i64,
    paid: i64,
    pr: i64,
    allowed: i64,
    patient: Person,
    insured: Option<Person>,
    corrected: Option<Person>,
    rendering: Option<(Person, u64)>,
    moa: [&'static str; 2],
    nmoa: usize,
    mia_days: u32,
    drg: &'static str,
    drg_weight: u32,
    group_no: Option<u64>,
    mrn: Option<u64>,
    auth: Option<u64>,
    from: Day,
    to: Day,
    received: Day,
    dates_232: bool,
    amt_au: bool,
}

impl Claim {
    fn empty() -> Self {
        let p = Person {
            last: "",
            first: "",
            mi: "",
            id: 0,
        };
        Claim {
            kind: Kind::Professional,
            pcn: 0,
            status: "1",
            secondary: false,
            facility: "11",
            freq: "1",
            lines: Vec::with_capacity(8),
            claim_adj: Adjs::EMPTY,
            charge: 0,
            paid: 0,
            pr: 0,
            allowed: 0,
            patient: p,
            insured: None,
            corrected: None,
            rendering: None,
            moa: ["", ""],
            nmoa: 0,
            mia_days: 0,
            drg: "",
            drg_weight: 0,
            group_no: None,
            mrn: None,
            auth: None,
            from: Day(0),
            to: Day(0),
            received: Day(0),
            dates_232: false,
            amt_au: false,
        }
    }
}

/// One payment's parties and dates.
struct Payment {
    payer: &'static Payer,
    payer_ein: u64,
    payee: &'static str,
    payee_npi: u64,
    payee_tin: u64,
    pay_date: Day,
}

struct Gen {
    rng: Rng,
    today: Day,
    head: SegBuf,
    body: SegBuf,
    claim: Claim,
    st_control: u64,
    pcn: u64,
    line_ctrl: u64,
    /// [`Gen835Options::line_denial_percent`].
    line_denials: u32,
}

impl Gen {
    fn new(seed: u64, d: Delims, line_denials: u32) -> Self {
        let mut rng = Rng::with_seed(seed);
        let today = Day::from_ymd(2024, 1, 1).plus(rng.i32(0..365));
        let pcn = rng.u64(1_000_000..5_000_000_000);
        let line_ctrl = rng.u64(1_000_000..9_000_000_000);
        Gen {
            rng,
            today,
            head: SegBuf::new(d, 1024),
            body: SegBuf::new(d, 1 << 20),
            claim: Claim::empty(),
            st_control: 0,
            pcn,
            line_ctrl,
            line_denials,
        }
    }

    fn transaction<W: Write>(
        &mut self,
        sink: &mut Sink<W>,
        stats: &mut Gen835Stats,
        target: u64,
        cpt: usize,
    ) -> io::Result<()> {
        let rng = &mut self.rng;
        // Effective dates cluster just after the interchange date (no drift, however
        // many payments the file holds).
        let pay_date = self.today.plus(rng.i32(0..3));
        let pay = Payment {
            payer: pick_ref(rng, PAYERS),
            payer_ein: rng.u64(100_000_000..1_000_000_000),
            payee: pick(rng, tables::PROVIDERS),
            payee_npi: tables::npi(rng),
            payee_tin: rng.u64(100_000_000..1_000_000_000),
            pay_date,
        };
        self.st_control += 1;
        self.body.clear();
        self.body.reset_count();
        self.head.clear();
        self.head.reset_count();

        self.body.seg("LX").e("1").end();
        let mut claims = 0usize;
        let mut paid_sum = 0i64;
        loop {
            if claims + 1 < cpt && chance(&mut self.rng, 3) {
                paid_sum += self.reversal_pair(&pay, stats);
                claims += 2;
            } else {
                self.gen_claim(&pay, false);
                let icn = self.rng.u64(1_000_000_000_000..100_000_000_000_000);
                let c = &self.claim;
                paid_sum += c.paid;
                write_claim(&mut self.body, c, 1, c.status, icn, None, &pay, stats);
                claims += 1;
            }
            let projected = sink.bytes + HEAD_EST + self.body.len() as u64 + TAIL_EST;
            if claims >= cpt || projected >= target {
                break;
            }
        }

        // Provider-level adjustments; BPR02 never goes negative (a negative
        // balance is forwarded with FB instead).
        let mut plb: [(&str, u64, i64); 8] = [("", 0, 0); 8];
        let mut nplb = 0;
        let rng = &mut self.rng;
        if chance(rng, 20) {
            let n = if chance(rng, 10) { 7 } else { rng.usize(1..=3) };
            let mut budget = (paid_sum / 4).max(0);
            while nplb < n {
                let reference = rng.u64(1_000_000_000_000..100_000_000_000_000);
                match rng.u32(..10) {
                    0..=3 if budget > 1000 => {
                        let a = rng.i64(1000..=budget.min(75_000));
                        budget -= a;
                        plb[nplb] = ("WO", reference, a);
                    }
                    4..=6 => plb[nplb] = ("L6", reference, -rng.i64(1..=5000)),
                    7 if nplb + 1 < n && budget > 1000 => {
                        // A voluntary refund: recouped and offset in the same payment.
                        let a = rng.i64(1000..=budget.min(40_000));
                        plb[nplb] = ("WO", reference, a);
                        nplb += 1;
                        plb[nplb] = ("72", reference, -a);
                    }
                    _ => {
                        let a = rng.i64(-5000..=5000);
                        plb[nplb] = ("CS", reference, if a == 0 { 100 } else { a });
                    }
                }
                nplb += 1;
            }
        }
        let mut plb_sum: i64 = plb[..nplb].iter().map(|p| p.2).sum();
        if paid_sum - plb_sum < 0 {
            let a = paid_sum - plb_sum;
            plb[nplb] = ("FB", rng.u64(1_000_000_000_000..100_000_000_000_000), a);
            nplb += 1;
            plb_sum += a;
        }
        let fiscal = pay.pay_date.year_end();
        for chunk in plb[..nplb].chunks(6) {
            let b = &mut self.body;
            b.seg("PLB").num(pay.payee_npi).date(fiscal);
            for &(reason, reference, amount) in chunk {
                b.e(reason).c("").rpad(reference, 14).money(amount);
            }
            b.end();
            stats.plb_segments += 1;
        }
        let payment = paid_sum - plb_sum;

        self.write_header(&pay, payment);
        let se01 = self.head.segs + self.body.segs + 1;
        self.body.seg("SE").num(se01).pad(self.st_control, 4).end();
        sink.put(&self.head.buf)?;
        sink.put(&self.body.buf)?;

        stats.transactions += 1;
        stats.segments += se01;
        stats.total_plb_cents += plb_sum;
        stats.total_payment_cents += payment;
        debug_assert_eq!(paid_sum - plb_sum, payment);
        Ok(())
    }

    /// A reversal of an earlier payment followed by the corrected claim.
    /// Returns the net paid (Σ CLP04 of both).
    fn reversal_pair(&mut self, pay: &Payment, stats: &mut Gen835Stats) -> i64 {
        self.gen_claim(pay, true);
        let orig_icn = self.rng.u64(1_000_000_000_000..100_000_000_000_000);
        let reversed = self.claim.paid;
        write_claim(
            &mut self.body,
            &self.claim,
            -1,
            "22",
            orig_icn,
            None,
            pay,
            stats,
        );
        stats.reversals += 1;

        // Re-adjudicate the same lines: denied lines are usually paid now.
        let secondary = self.claim.secondary;
        for i in 0..self.claim.lines.len() {
            let mut l = self.claim.lines[i];
            let force = l.paid == 0 && chance(&mut self.rng, 75);
            adjudicate(
                &mut self.rng,
                pay.payer,
                &mut l,
                secondary,
                force,
                self.line_denials,
            );
            self.claim.lines[i] = l;
        }
        self.claim.claim_adj = Adjs::EMPTY;
        self.claim.freq = "1";
        self.claim.corrected = None;
        total_claim(&mut self.claim);
        let icn = self.rng.u64(1_000_000_000_000..100_000_000_000_000);
        write_claim(
            &mut self.body,
            &self.claim,
            1,
            "1",
            icn,
            Some(orig_icn),
            pay,
            stats,
        );
        self.claim.paid - reversed
    }

    /// Fills `self.claim` with a new adjudicated claim.
    fn gen_claim(&mut self, pay: &Payment, for_reversal: bool) {
        let rng = &mut self.rng;
        let c = &mut self.claim;
        self.pcn += rng.u64(1..40);
        c.pcn = self.pcn;
        c.kind = if for_reversal {
            Kind::Professional
        } else {
            match rng.u32(..100) {
                0..=79 => Kind::Professional,
                80..=94 => Kind::Outpatient,
                _ => Kind::Inpatient,
            }
        };
        let roll = if for_reversal { 999 } else { rng.u32(..1000) };
        let (status, secondary) = match roll {
            0..=14 => ("4", false),
            15..=94 => ("2", true),
            95..=104 => ("3", true),
            105..=149 => ("19", false),
            _ => ("1", false),
        };
        c.status = status;
        c.secondary = secondary;
        c.freq = if chance(rng, 7) { "7" } else { "1" };
        c.facility = match c.kind {
            Kind::Professional => pick(
                rng,
                &["11", "11", "11", "11", "11", "22", "21", "23", "02", "81"],
            ),
            Kind::Outpatient => "13",
            Kind::Inpatient => "11",
        };
        c.patient = Person::random(rng);
        c.insured = if chance(rng, 20) {
            let mut p = Person::random(rng);
            p.last = c.patient.last;
            p.id = c.patient.id;
            Some(p)
        } else {
            None
        };
        c.corrected = if chance(rng, 3) {
            let mut p = Person::random(rng);
            if chance(rng, 50) {
                p.first = ""; // member id correction only
            } else {
                p.id = 0; // name correction only
            }
            Some(p)
        } else {
            None
        };
        c.rendering = match c.kind {
            Kind::Professional if chance(rng, 95) => Some((Person::random(rng), tables::npi(rng))),
            Kind::Outpatient if chance(rng, 30) => Some((Person::random(rng), tables::npi(rng))),
            _ => None,
        };
        c.group_no =
            (pay.payer.clp06 != "MB" && chance(rng, 30)).then(|| rng.u64(10_000..100_000_000));
        c.mrn =
            (c.kind != Kind::Professional && chance(rng, 70)).then(|| rng.u64(100_000..10_000_000));
        c.auth = chance(rng, 8).then(|| rng.u64(100_000_000..1_000_000_000));
        c.nmoa = 0;
        c.mia_days = 0;
        c.drg = "";
        c.claim_adj = Adjs::EMPTY;
        c.lines.clear();

        let last_service = pay.pay_date.minus(rng.i32(14..150));
        match (c.kind, status) {
            (_, "4") => {
                // Patient not recognised: no lines, nothing paid.
                c.from = last_service;
                c.to = last_service;
                let charge = rng.i64(80..1_500) * 100;
                if chance(rng, 50) {
                    c.claim_adj.push(Group::Pr, "31", charge);
                } else {
                    c.claim_adj.push(Group::Co, "A1", charge);
                }
                c.moa[0] = "N382";
                c.nmoa = 1;
                c.charge = charge;
                c.allowed = 0;
            }
            (Kind::Inpatient, _) => {
                let days = rng.u32(1..9);
                c.mia_days = days;
                c.from = last_service.minus(days as i32);
                c.to = last_service;
                c.drg = pick(rng, tables::DRGS);
                c.drg_weight = rng.u32(6_000..40_000);
                let charge = rng.i64(5_000..80_000) * 100;
                let allowed = charge
                    * i64::from(rng.u32(pay.payer.allowed_pct.0..=pay.payer.allowed_pct.1))
                    / 100
                    - rng.i64(0..100);
                let ded = if pay.payer.clp06 == "MB" {
                    163_200
                } else {
                    rng.i64(0..=2_000) * 100
                };
                let ded = ded.min(allowed);
                c.claim_adj.push(Group::Co, "45", charge - allowed);
                c.claim_adj.push(Group::Pr, "1", ded);
                c.charge = charge;
                c.allowed = allowed;
            }
            _ => {
                let n = match rng.u32(..100) {
                    0..=34 => 1,
                    35..=59 => 2,
                    60..=77 => 3,
                    78..=87 => 4,
                    88..=94 => 5,
                    _ => 6,
                };
                let spread = if chance(rng, 20) { 7 } else { 0 };
                for _ in 0..n {
                    let date = last_service.minus(if spread > 0 { rng.i32(0..spread) } else { 0 });
                    self.line_ctrl += 1;
                    let mut l = new_line(rng, c.kind, date, self.line_ctrl);
                    adjudicate(rng, pay.payer, &mut l, secondary, false, self.line_denials);
                    c.lines.push(l);
                }
                c.from = c.lines.iter().map(|l| l.date).min().unwrap_or(last_service);
                c.to = c.lines.iter().map(|l| l.date).max().unwrap_or(last_service);
                let lines_paid: i64 = c.lines.iter().map(|l| l.paid).sum();
                let claim_ded = match c.kind {
                    Kind::Outpatient if chance(rng, 30) => rng.i64(50..=500) * 100,
                    Kind::Professional if chance(rng, 3) => rng.i64(10..=100) * 100,
                    _ => 0,
                };
                c.claim_adj.push(Group::Pr, "1", claim_ded.min(lines_paid));
            }
        }
        c.received = c.to.plus(rng.i32(1..12));
        c.dates_232 = c.kind != Kind::Professional || c.from != c.to || chance(rng, 25);
        c.amt_au = chance(rng, 40);
        if c.kind != Kind::Inpatient && c.nmoa == 0 && chance(rng, 25) {
            c.moa[0] = if status == "19" { "MA18" } else { "MA01" };
            c.nmoa = 1;
            if chance(rng, 30) {
                c.moa[1] = pick(rng, &["N130", "MA07", "N381"]);
                c.nmoa = 2;
            }
        }
        total_claim(c);
    }

    fn write_header(&mut self, pay: &Payment, payment: i64) {
        let rng = &mut self.rng;
        let h = &mut self.head;
        h.seg("ST").e("835").pad(self.st_control, 4).end();
        let method = if payment == 0 {
            "NON"
        } else if chance(rng, 70) {
            "ACH"
        } else {
            "CHK"
        };
        let trace = match method {
            "ACH" => rng.u64(100_000_000_000_000..1_000_000_000_000_000),
            _ => rng.u64(10_000_000..100_000_000),
        };
        match method {
            "ACH" => {
                let (r1, a1) = (
                    rng.u64(10_000_000..100_000_000),
                    rng.u64(1_000_000..10_000_000_000),
                );
                let (r2, a2) = (
                    rng.u64(10_000_000..100_000_000),
                    rng.u64(1_000_000..10_000_000_000),
                );
                h.seg("BPR")
                    .e("I")
                    .money(payment)
                    .e("C")
                    .e("ACH")
                    .e("CCP")
                    .e("01")
                    .pad(r1, 9);
                h.e("DA")
                    .num(a1)
                    .e("1")
                    .rpad(pay.payer_ein, 9)
                    .skip(1)
                    .e("01")
                    .pad(r2, 9);
                h.e("DA").num(a2).date(pay.pay_date).end();
            }
            _ => {
                let handling = if method == "NON" { "H" } else { "C" };
                h.seg("BPR").e(handling).money(payment).e("C").e(method);
                h.skip(11).date(pay.pay_date).end();
            }
        }
        h.seg("TRN")
            .e("1")
            .num(trace)
            .e("1")
            .rpad(pay.payer_ein, 9)
            .end();
        h.seg("DTM")
            .e("405")
            .date(pay.pay_date.minus(rng.i32(0..3)))
            .end();

        let p = pay.payer;
        let (city, st, zip) = *pick_ref(rng, tables::PLACES);
        h.seg("N1").e("PR").e(p.name).end();
        h.seg("N3")
            .num(rng.u64(1..10_000))
            .r(" ")
            .r(pick(rng, tables::STREETS))
            .end();
        h.seg("N4")
            .e(city)
            .e(st)
            .e(zip)
            .rpad(rng.u64(1..10_000), 4)
            .end();
        h.seg("REF").e("2U").e(p.id).end();
        if chance(rng, 50) {
            h.seg("PER")
                .e("CX")
                .e("PROVIDER SERVICES")
                .e("TE")
                .num(phone(rng))
                .end();
        }
        h.seg("PER")
            .e("BL")
            .e("EDI SUPPORT")
            .e("TE")
            .num(phone(rng))
            .end();

        let (city, st, zip) = *pick_ref(rng, tables::PLACES);
        h.seg("N1")
            .e("PE")
            .e(pay.payee)
            .e("XX")
            .num(pay.payee_npi)
            .end();
        h.seg("N3")
            .num(rng.u64(1..10_000))
            .r(" ")
            .r(pick(rng, tables::STREETS))
            .end();
        h.seg("N4").e(city).e(st).e(zip).end();
        h.seg("REF").e("TJ").pad(pay.payee_tin, 9).end();
    }
}

fn phone(rng: &mut Rng) -> u64 {
    rng.u64(200..990) * 10_000_000 + rng.u64(2_000_000..10_000_000)
}

/// A line as billed (procedure, modifiers, units, charge), not yet adjudicated.
fn new_line(rng: &mut Rng, kind: Kind, date: Day, ctrl: u64) -> Line {
    let proc_ = if kind == Kind::Outpatient {
        *pick_ref(rng, FACILITY_PROCS)
    } else {
        rng.usize(..PROCS.len())
    };
    let p = &PROCS[proc_];
    let mut mods = ["", ""];
    let mut nmods = 0;
    if !p.mods.is_empty() && chance(rng, 40) {
        mods[0] = pick(rng, p.mods);
        nmods = 1;
        if p.mods.len() > 1 && chance(rng, 20) {
            let second = pick(rng, p.mods);
            let both_sides = matches!((mods[0], second), ("LT", "RT") | ("RT", "LT"));
            if second != mods[0] && !both_sides {
                mods[1] = second;
                nmods = 2;
            }
        }
    }
    let units = if p.max_units > 1 {
        rng.u32(1..=p.max_units)
    } else {
        1
    };
    let mut charge = p.charge * i64::from(units);
    if chance(rng, 15) {
        charge += rng.i64(1..100);
    }
    Line {
        proc_,
        submitted: usize::MAX,
        mods,
        nmods,
        units,
        paid_units: units,
        units_in_svc05: units > 1 || chance(rng, 50),
        charge,
        paid: 0,
        allowed: 0,
        adj: Adjs::EMPTY,
        rarc: "",
        date,
        ctrl,
    }
}

/// Decides the payment and adjustments of a line: SVC02 − Σ CAS = SVC03 exactly.
fn adjudicate(
    rng: &mut Rng,
    payer: &Payer,
    l: &mut Line,
    secondary: bool,
    force_paid: bool,
    denial_pct: u32,
) {
    l.adj = Adjs::EMPTY;
    l.rarc = "";
    l.paid_units = l.units;
    if l.submitted != usize::MAX {
        l.proc_ = l.submitted;
        l.submitted = usize::MAX;
    }
    if !force_paid && chance(rng, denial_pct) {
        let total: u32 = DENIALS.iter().map(|d| d.3).sum();
        let mut r = rng.u32(..total);
        let mut pick_ = DENIALS[0];
        for d in DENIALS {
            if r < d.3 {
                pick_ = *d;
                break;
            }
            r -= d.3;
        }
        l.adj.push(pick_.0, pick_.1, l.charge);
        l.rarc = pick_.2;
        l.paid = 0;
        l.allowed = 0;
        return;
    }
    let mut billable = l.charge;
    // Units over the payer's limit are denied (CO-151), the rest paid.
    if l.units > 1 && chance(rng, 15) {
        let denied_units = rng.u32(1..l.units);
        let cut = l.charge * i64::from(denied_units) / i64::from(l.units);
        l.adj.push(Group::Co, "151", cut);
        l.rarc = "N362";
        l.paid_units = l.units - denied_units;
        billable -= cut;
    }
    // The payer may pay a lower code than billed (SVC06 = billed code).
    let down = PROCS[l.proc_].down;
    let mut basis = billable;
    if down != usize::MAX && chance(rng, 5) {
        l.submitted = l.proc_;
        l.proc_ = down;
        basis = basis.min(PROCS[down].charge * i64::from(l.paid_units));
    }
    let pct = i64::from(rng.u32(payer.allowed_pct.0..=payer.allowed_pct.1));
    let allowed = (basis * pct / 100 - rng.i64(0..100)).clamp(1, billable);
    l.adj.push(Group::Co, "45", billable - allowed);
    let mut remaining = allowed;
    if secondary {
        // The primary paid most of it (OA-23); this payer pays what is left.
        let primary = allowed * rng.i64(55..=80) / 100;
        l.adj.push(Group::Oa, "23", primary);
        remaining -= primary;
    } else {
        if chance(rng, 10) {
            let ded = rng.i64(20..=250).saturating_mul(100).min(remaining);
            l.adj.push(Group::Pr, "1", ded);
            remaining -= ded;
        }
        let is_visit = PROCS[l.proc_].code.starts_with("99");
        if payer.copay > 0 && is_visit && chance(rng, 50) {
            let copay = payer.copay.min(remaining);
            l.adj.push(Group::Pr, "3", copay);
            remaining -= copay;
        } else if remaining > 0 && chance(rng, 35) {
            let coins = remaining * 20 / 100;
            l.adj.push(Group::Pr, "2", coins);
            remaining -= coins;
        }
        if payer.sequestration {
            let seq = remaining * 2 / 100;
            l.adj.push(Group::Co, "253", seq);
            remaining -= seq;
        }
    }
    l.paid = remaining;
    l.allowed = allowed;
    debug_assert_eq!(l.charge - l.adj.sum(), l.paid);
}

/// Recomputes the claim totals from its lines and claim adjustments.
fn total_claim(c: &mut Claim) {
    if !c.lines.is_empty() {
        c.charge = c.lines.iter().map(|l| l.charge).sum();
        c.allowed = c.lines.iter().map(|l| l.allowed).sum();
    }
    let line_adj: i64 = c.lines.iter().map(|l| l.adj.sum()).sum();
    c.paid = c.charge - line_adj - c.claim_adj.sum();
    c.pr = c.claim_adj.sum_group(Group::Pr)
        + c.lines
            .iter()
            .map(|l| l.adj.sum_group(Group::Pr))
            .sum::<i64>();
    debug_assert!(c.paid >= 0);
}

/// CAS segments for `adj`, one per group code, ≤ 6 triplets each.
fn write_cas(b: &mut SegBuf, adj: &Adjs, sign: i64, stats: &mut Gen835Stats) {
    for g in Group::ALL {
        let mut first = true;
        for a in adj.as_slice().iter().filter(|a| a.group == g) {
            if first {
                b.seg("CAS").e(g.code());
                first = false;
            } else {
                b.skip(1); // empty quantity of the previous triplet
            }
            b.e(a.reason).money(sign * a.cents);
        }
        if !first {
            b.end();
            stats.cas_segments += 1;
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn write_claim(
    b: &mut SegBuf,
    c: &Claim,
    sign: i64,
    status: &str,
    icn: u64,
    original_icn: Option<u64>,
    pay: &Payment,
    stats: &mut Gen835Stats,
) {
    b.seg("CLP")
        .pad(c.pcn, 10)
        .e(status)
        .money(sign * c.charge)
        .money(sign * c.paid);
    b.money(sign * c.pr)
        .e(pay.payer.clp06)
        .pad(icn, 14)
        .e(c.facility)
        .e(c.freq);
    if c.kind == Kind::Inpatient {
        b.skip(1)
            .e(c.drg)
            .num(u64::from(c.drg_weight / 10_000))
            .r(".")
            .rpad(u64::from(c.drg_weight % 10_000), 4);
    }
    b.end();
    stats.claims += 1;
    stats.total_charge_cents += sign * c.charge;
    stats.total_paid_cents += sign * c.paid;
    write_cas(b, &c.claim_adj, sign, stats);

    let p = &c.patient;
    b.seg("NM1")
        .e("QC")
        .e("1")
        .e(p.last)
        .e(p.first)
        .e(p.mi)
        .skip(2)
        .e("MI");
    b.pad(p.id, 9)
        .r(if c.insured.is_some() { "02" } else { "01" })
        .end();
    if let Some(i) = &c.insured {
        b.seg("NM1")
            .e("IL")
            .e("1")
            .e(i.last)
            .e(i.first)
            .e(i.mi)
            .skip(2)
            .e("MI")
            .pad(i.id, 9)
            .r("01")
            .end();
    }
    if let Some(k) = &c.corrected {
        b.seg("NM1").e("74").e("1");
        if k.first.is_empty() {
            b.skip(5).e("C").pad(k.id, 9).r("01").end();
        } else {
            b.e(k.last).e(k.first).end();
        }
    }
    if let Some((r, npi)) = &c.rendering {
        b.seg("NM1")
            .e("82")
            .e("1")
            .e(r.last)
            .e(r.first)
            .skip(3)
            .e("XX")
            .num(*npi)
            .end();
    }
    if c.kind == Kind::Inpatient {
        b.seg("MIA")
            .num(u64::from(c.mia_days))
            .skip(2)
            .money(sign * (c.allowed))
            .end();
    } else if c.nmoa > 0 {
        b.seg("MOA").skip(2);
        for m in &c.moa[..c.nmoa] {
            b.e(m);
        }
        b.end();
    }
    if let Some(g) = c.group_no {
        b.seg("REF").e("1L").num(g).end();
    }
    if let Some(m) = c.mrn {
        b.seg("REF").e("EA").e("MR").rnum(m).end();
    }
    if let Some(a) = c.auth {
        b.seg("REF").e("G1").num(a).end();
    }
    if let Some(o) = original_icn {
        b.seg("REF").e("F8").pad(o, 14).end();
    }
    if c.dates_232 {
        b.seg("DTM").e("232").date(c.from).end();
        b.seg("DTM").e("233").date(c.to).end();
    }
    b.seg("DTM").e("050").date(c.received).end();
    if c.amt_au && c.allowed != 0 {
        b.seg("AMT").e("AU").money(sign * c.allowed).end();
    }

    for l in &c.lines {
        let p = &PROCS[l.proc_];
        b.seg("SVC").e("HC").c(p.code);
        for m in &l.mods[..l.nmods] {
            b.c(m);
        }
        b.money(sign * l.charge).money(sign * l.paid);
        // SVC04..SVC07, written up to the last one present.
        let rev = if c.kind == Kind::Outpatient {
            p.rev
        } else {
            ""
        };
        let svc05 = l.units_in_svc05 || l.paid_units != l.units;
        let svc06 = l.submitted != usize::MAX;
        let svc07 = l.paid_units != l.units;
        let last = if svc07 {
            7
        } else if svc06 {
            6
        } else if svc05 {
            5
        } else if !rev.is_empty() {
            4
        } else {
            3
        };
        if last >= 4 {
            b.e(rev);
        }
        if last >= 5 {
            if svc05 {
                b.num(u64::from(l.paid_units));
            } else {
                b.skip(1);
            }
        }
        if last >= 6 {
            if svc06 {
                b.e("HC").c(PROCS[l.submitted].code);
                for m in &l.mods[..l.nmods] {
                    b.c(m);
                }
            } else {
                b.skip(1);
            }
        }
        if last >= 7 {
            b.num(u64::from(l.units));
        }
        b.end();
        stats.service_lines += 1;
        b.seg("DTM").e("472").date(l.date).end();
        write_cas(b, &l.adj, sign, stats);
        b.seg("REF").e("6R").pad(l.ctrl, 10).end();
        if l.allowed != 0 {
            b.seg("AMT").e("B6").money(sign * l.allowed).end();
        }
        if !l.rarc.is_empty() {
            b.seg("LQ").e("HE").e(l.rarc).end();
        }
    }
}
