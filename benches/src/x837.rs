//! The 837 professional (005010X222A1) generator.
//!
//! Written straight through: nothing in an 837 header depends on what follows, so
//! segments go to a small buffer that is drained to the output as it fills.

use std::io::{self, Write};

use fastrand::Rng;

use crate::date::Day;
use crate::seg::{Delims, Envelope, SegBuf, Sink};
use crate::tables::{self, PAYERS, PROCS, chance, pick, pick_ref};

/// Options for [`write_837p`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Gen837Options {
    /// RNG seed; the same options always produce the same bytes.
    pub seed: u64,
    /// Output size in bytes, met to within about one subscriber's claims (a few
    /// hundred bytes) either side: generation stops at a subscriber boundary once
    /// the projected size with trailers reaches it. At least one claim is written.
    pub target_bytes: u64,
    /// Claims per transaction set; the last set may have fewer.
    pub claims_per_transaction: usize,
    /// `(element, component, repetition, segment)` delimiters. They must be
    /// distinct and not letters, digits, space, `.` or `-`.
    pub delimiters: (u8, u8, u8, u8),
    /// Write a newline after each segment terminator (ignored when the terminator
    /// is itself `\n` or `\r`).
    pub newline: bool,
}

impl Default for Gen837Options {
    /// Seed 1, 1 MiB, 500 claims per transaction set, `*:^~`, newlines.
    fn default() -> Self {
        Self {
            seed: 1,
            target_bytes: 1 << 20,
            claims_per_transaction: 500,
            delimiters: (b'*', b':', b'^', b'~'),
            newline: true,
        }
    }
}

/// What [`write_837p`] wrote: exact counts and sums.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Gen837Stats {
    /// Bytes written.
    pub bytes: u64,
    /// ISA/IEA envelopes (always 1).
    pub interchanges: u64,
    /// ST/SE transaction sets.
    pub transactions: u64,
    /// HL*20 billing provider levels.
    pub billing_providers: u64,
    /// HL*22 subscriber levels.
    pub subscribers: u64,
    /// HL*23 patient levels (patient is not the subscriber).
    pub patients: u64,
    /// CLM segments.
    pub claims: u64,
    /// SV1 segments (2400 loops).
    pub service_lines: u64,
    /// Σ CLM02 in cents (= Σ SV102).
    pub total_charge_cents: i64,
    /// All segments, envelopes included.
    pub segments: u64,
}

/// Writes a seeded 837P interchange of about `opts.target_bytes` to `out`.
///
/// Hierarchy: HL*20 billing provider → HL*22 subscriber → (HL*23 patient when the
/// patient is not the subscriber) → CLM with 1–6 service lines. HL numbers and
/// parents, SE01, control numbers and CLM02 = Σ SV102 are all correct.
///
/// # Errors
/// Invalid delimiters ([`io::ErrorKind::InvalidInput`]) or a write error.
pub fn write_837p<W: Write>(opts: &Gen837Options, out: W) -> io::Result<Gen837Stats> {
    let d = Delims::new(opts.delimiters, opts.newline)?;
    let mut rng = Rng::with_seed(opts.seed);
    let mut sink = Sink::new(out);
    let mut stats = Gen837Stats {
        interchanges: 1,
        ..Gen837Stats::default()
    };
    let cpt = opts.claims_per_transaction.max(1);
    let today = Day::from_ymd(2024, 1, 1).plus(rng.i32(0..365));

    let env = Envelope {
        isa13: rng.u64(1..1_000_000_000),
        gs06: rng.u64(1..1_000_000),
        date: today,
        hhmm: rng.u32(6..19) * 100 + rng.u32(0..60),
        sender: "DENALISUBMITTER",
        receiver: "DENALIPAYER",
    };
    let mut b = SegBuf::new(d, 128 * 1024);
    env.write_header(&mut b, "HC", "005010X222A1");
    stats.segments += b.segs;
    b.reset_count();

    let mut g = Gen {
        rng,
        today,
        st_control: 0,
        pcn: 0,
        line_ctrl: 0,
        batch: 0,
    };
    g.pcn = g.rng.u64(1_000_000..5_000_000_000);
    g.line_ctrl = g.rng.u64(1_000_000..9_000_000_000);
    g.batch = g.rng.u64(1000..100_000);
    loop {
        g.transaction(&mut b, &mut sink, &mut stats, opts.target_bytes, cpt)?;
        if sink.bytes + b.len() as u64 + HEAD_EST + SUBSCRIBER_EST / 2 + TAIL_EST
            >= opts.target_bytes
        {
            break;
        }
    }
    b.reset_count();
    env.write_trailer(&mut b, stats.transactions);
    stats.segments += b.segs;
    sink.drain(&mut b)?;
    stats.bytes = sink.bytes;
    sink.finish()?;
    Ok(stats)
}

const HEAD_EST: u64 = 450;
const TAIL_EST: u64 = 60;
const SUBSCRIBER_EST: u64 = 900;
const DRAIN_AT: usize = 64 * 1024;

struct Gen {
    rng: Rng,
    today: Day,
    st_control: u64,
    pcn: u64,
    line_ctrl: u64,
    batch: u64,
}

struct Person {
    last: &'static str,
    first: &'static str,
    mi: &'static str,
    dob: Day,
    female: bool,
}

impl Person {
    fn random(rng: &mut Rng, born_after: i32, born_before: i32) -> Self {
        const INITIALS: [&str; 10] = ["A", "B", "C", "D", "E", "J", "L", "M", "R", "S"];
        Person {
            last: pick(rng, tables::LAST_NAMES),
            first: pick(rng, tables::FIRST_NAMES),
            mi: pick(rng, &INITIALS),
            dob: Day::from_ymd(
                rng.i32(born_after..born_before),
                rng.u32(1..13),
                rng.u32(1..29),
            ),
            female: rng.bool(),
        }
    }
}

fn address(b: &mut SegBuf, rng: &mut Rng) {
    let (city, st, zip) = *pick_ref(rng, tables::PLACES);
    b.seg("N3")
        .num(rng.u64(1..10_000))
        .r(" ")
        .r(pick(rng, tables::STREETS))
        .end();
    b.seg("N4").e(city).e(st).e(zip);
    if chance(rng, 50) {
        b.rpad(rng.u64(1..10_000), 4);
    }
    b.end();
}

fn demographics(b: &mut SegBuf, p: &Person) {
    b.seg("DMG")
        .e("D8")
        .date(p.dob)
        .e(if p.female { "F" } else { "M" })
        .end();
}

impl Gen {
    fn transaction<W: Write>(
        &mut self,
        b: &mut SegBuf,
        sink: &mut Sink<W>,
        stats: &mut Gen837Stats,
        target: u64,
        cpt: usize,
    ) -> io::Result<()> {
        let rng = &mut self.rng;
        self.st_control += 1;
        self.batch += 1;
        b.reset_count();
        b.seg("ST")
            .e("837")
            .pad(self.st_control, 4)
            .e("005010X222A1")
            .end();
        b.seg("BHT")
            .e("0019")
            .e("00")
            .e("B")
            .rpad(self.batch, 6)
            .date(self.today);
        b.pad(u64::from(rng.u32(6..19) * 100 + rng.u32(0..60)), 4)
            .e("CH")
            .end();
        b.seg("NM1")
            .e("41")
            .e("2")
            .e("DENALI BILLING SERVICE")
            .skip(4)
            .e("46")
            .e("DBS")
            .rpad(rng.u64(0..100_000), 5);
        b.end();
        b.seg("PER")
            .e("IC")
            .e(pick(rng, tables::FIRST_NAMES))
            .r(" ")
            .r(pick(rng, tables::LAST_NAMES));
        b.e("TE").num(phone(rng)).end();
        // A clearinghouse: the claims inside go to many payers.
        b.seg("NM1")
            .e("40")
            .e("2")
            .e("GRANITE PEAK CLEARINGHOUSE")
            .skip(4)
            .e("46")
            .e("GPC01")
            .end();

        let mut hl = 0u64;
        let mut claims = 0usize;
        'providers: loop {
            let rng = &mut self.rng;
            hl += 1;
            let provider_hl = hl;
            stats.billing_providers += 1;
            let billing_npi = tables::npi(rng);
            b.seg("HL").num(provider_hl).skip(1).e("20").e("1").end();
            if chance(rng, 50) {
                b.seg("PRV")
                    .e("BI")
                    .e("PXC")
                    .e(pick(rng, tables::TAXONOMIES))
                    .end();
            }
            b.seg("NM1")
                .e("85")
                .e("2")
                .e(pick(rng, tables::PROVIDERS))
                .skip(4)
                .e("XX")
                .num(billing_npi)
                .end();
            let (city, st, zip) = *pick_ref(rng, tables::PLACES);
            b.seg("N3")
                .num(rng.u64(1..10_000))
                .r(" ")
                .r(pick(rng, tables::STREETS))
                .end();
            b.seg("N4")
                .e(city)
                .e(st)
                .e(zip)
                .rpad(rng.u64(1..10_000), 4)
                .end();
            b.seg("REF")
                .e("EI")
                .pad(rng.u64(100_000_000..1_000_000_000), 9)
                .end();

            let quota = rng.u32(5..=60);
            for _ in 0..quota {
                let budget = cpt - claims;
                claims += self.subscriber(b, stats, provider_hl, &mut hl, budget);
                if b.len() >= DRAIN_AT {
                    sink.drain(b)?;
                }
                let projected = sink.bytes + b.len() as u64 + TAIL_EST;
                if claims >= cpt || projected >= target {
                    break 'providers;
                }
            }
        }
        let se01 = b.segs + 1;
        b.seg("SE").num(se01).pad(self.st_control, 4).end();
        stats.transactions += 1;
        stats.segments += se01;
        sink.drain(b)?;
        Ok(())
    }

    /// One subscriber (and maybe a dependent patient) with 1–3 claims, at most `budget`.
    /// Returns the number of claims written.
    fn subscriber(
        &mut self,
        b: &mut SegBuf,
        stats: &mut Gen837Stats,
        parent: u64,
        hl: &mut u64,
        budget: usize,
    ) -> usize {
        let rng = &mut self.rng;
        let payer = pick_ref(rng, PAYERS);
        let dependent = payer.sbr09 != "MB" && payer.sbr09 != "16" && chance(rng, 25);
        let subscriber = Person::random(rng, 1940, 2002);
        *hl += 1;
        let sub_hl = *hl;
        stats.subscribers += 1;
        b.seg("HL")
            .num(sub_hl)
            .num(parent)
            .e("22")
            .e(if dependent { "1" } else { "0" })
            .end();
        b.seg("SBR").e("P").e(if dependent { "" } else { "18" });
        if matches!(payer.sbr09, "MB" | "MC" | "16" | "CH") {
            b.skip(6);
        } else {
            b.e("G").rpad(rng.u64(1000..10_000_000), 7).skip(5);
        }
        b.e(payer.sbr09).end();
        let member = rng.u64(100_000_000..1_000_000_000);
        b.seg("NM1")
            .e("IL")
            .e("1")
            .e(subscriber.last)
            .e(subscriber.first)
            .e(subscriber.mi)
            .skip(2)
            .e("MI");
        b.pad(member, 9).end();
        address(b, rng);
        demographics(b, &subscriber);
        b.seg("NM1")
            .e("PR")
            .e("2")
            .e(payer.name)
            .skip(4)
            .e("PI")
            .e(payer.id)
            .end();

        if dependent {
            *hl += 1;
            stats.patients += 1;
            let mut p = Person::random(rng, 2005, 2023);
            p.last = subscriber.last;
            b.seg("HL").num(*hl).num(sub_hl).e("23").e("0").end();
            b.seg("PAT")
                .e(if chance(rng, 80) { "19" } else { "01" })
                .end();
            b.seg("NM1")
                .e("QC")
                .e("1")
                .e(p.last)
                .e(p.first)
                .e(p.mi)
                .end();
            address(b, rng);
            demographics(b, &p);
        }

        let n = match rng.u32(..100) {
            0..=69 => 1,
            70..=89 => 2,
            _ => 3,
        }
        .min(budget.max(1));
        for _ in 0..n {
            self.claim(b, stats);
        }
        n
    }

    fn claim(&mut self, b: &mut SegBuf, stats: &mut Gen837Stats) {
        let rng = &mut self.rng;
        self.pcn += rng.u64(1..40);
        let nlines = match rng.u32(..100) {
            0..=34 => 1,
            35..=59 => 2,
            60..=77 => 3,
            78..=87 => 4,
            88..=94 => 5,
            _ => 6,
        };
        // Lines first (CLM02 is their sum), kept on the stack.
        let mut lines = [(0usize, ["", ""], 0usize, 0u32, 0i64); 6];
        let mut charge = 0;
        for l in lines.iter_mut().take(nlines) {
            let i = rng.usize(..PROCS.len());
            let p = &PROCS[i];
            let mut mods = ["", ""];
            let mut nmods = 0;
            if !p.mods.is_empty() && chance(rng, 40) {
                mods[0] = pick(rng, p.mods);
                nmods = 1;
            }
            let units = if p.max_units > 1 {
                rng.u32(1..=p.max_units)
            } else {
                1
            };
            let mut c = p.charge * i64::from(units);
            if chance(rng, 15) {
                c += rng.i64(1..100);
            }
            charge += c;
            *l = (i, mods, nmods, units, c);
        }
        let service = self.today.minus(rng.i32(3..60));
        let pos = pick(rng, &["11", "11", "11", "11", "22", "02", "81"]);

        b.seg("CLM")
            .pad(self.pcn, 10)
            .money(charge)
            .skip(2)
            .e(pos)
            .c("B")
            .c("1");
        b.e("Y").e("A").e("Y").e("Y").end();
        stats.claims += 1;
        stats.total_charge_cents += charge;
        if chance(rng, 30) {
            b.seg("DTP")
                .e("431")
                .e("D8")
                .date(service.minus(rng.i32(0..30)))
                .end();
        }
        if chance(rng, 10) {
            b.seg("REF")
                .e("G1")
                .num(rng.u64(100_000_000..1_000_000_000))
                .end();
        }
        let ndx = rng.usize(1..=4);
        b.seg("HI");
        for k in 0..ndx {
            b.e(if k == 0 { "ABK" } else { "ABF" })
                .c(pick(rng, tables::ICD10));
        }
        b.end();
        if chance(rng, 40) {
            b.seg("NM1")
                .e("82")
                .e("1")
                .e(pick(rng, tables::LAST_NAMES))
                .e(pick(rng, tables::FIRST_NAMES));
            b.skip(3).e("XX").num(tables::npi(rng)).end();
            b.seg("PRV")
                .e("PE")
                .e("PXC")
                .e(pick(rng, tables::TAXONOMIES))
                .end();
        }
        for (n, &(i, mods, nmods, units, c)) in lines.iter().take(nlines).enumerate() {
            b.seg("LX").num(n as u64 + 1).end();
            b.seg("SV1").e("HC").c(PROCS[i].code);
            for m in &mods[..nmods] {
                b.c(m);
            }
            b.money(c).e("UN").num(u64::from(units)).skip(2);
            let nptr = rng.usize(1..=ndx.min(4));
            for k in 0..nptr {
                if k == 0 {
                    b.num(1);
                } else {
                    b.c("").rnum(k as u64 + 1);
                }
            }
            b.end();
            b.seg("DTP").e("472").e("D8").date(service).end();
            self.line_ctrl += 1;
            b.seg("REF").e("6R").pad(self.line_ctrl, 10).end();
            stats.service_lines += 1;
        }
    }
}

fn phone(rng: &mut Rng) -> u64 {
    rng.u64(200..990) * 10_000_000 + rng.u64(2_000_000..10_000_000)
}
