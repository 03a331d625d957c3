//! Fixed vocabularies for generated data. All names, parties and identifiers are
//! invented; codes (CPT/HCPCS, ICD-10-CM, CARC, RARC, taxonomy) are real code values
//! used only as identifiers. Values contain only letters, digits and spaces so that
//! they never collide with a delimiter.

use fastrand::Rng;

pub(crate) const LAST_NAMES: &[&str] = &[
    "SMITH",
    "JOHNSON",
    "WILLIAMS",
    "BROWN",
    "JONES",
    "GARCIA",
    "MILLER",
    "DAVIS",
    "RODRIGUEZ",
    "MARTINEZ",
    "HERNANDEZ",
    "LOPEZ",
    "GONZALEZ",
    "WILSON",
    "ANDERSON",
    "THOMAS",
    "TAYLOR",
    "MOORE",
    "JACKSON",
    "MARTIN",
    "LEE",
    "PEREZ",
    "THOMPSON",
    "WHITE",
    "HARRIS",
    "SANCHEZ",
    "CLARK",
    "RAMIREZ",
    "LEWIS",
    "ROBINSON",
    "WALKER",
    "YOUNG",
    "ALLEN",
    "KING",
    "WRIGHT",
    "SCOTT",
    "TORRES",
    "NGUYEN",
    "HILL",
    "FLORES",
    "GREEN",
    "ADAMS",
    "NELSON",
    "BAKER",
    "HALL",
    "RIVERA",
    "CAMPBELL",
    "MITCHELL",
    "CARTER",
    "ROBERTS",
    "OKAFOR",
    "KOWALSKI",
    "NAKAMURA",
    "PATEL",
    "SCHMIDT",
    "OCONNOR",
    "DUBOIS",
    "ROSSI",
    "IVANOV",
    "CHEN",
];

pub(crate) const FIRST_NAMES: &[&str] = &[
    "JAMES",
    "MARY",
    "ROBERT",
    "PATRICIA",
    "JOHN",
    "JENNIFER",
    "MICHAEL",
    "LINDA",
    "DAVID",
    "ELIZABETH",
    "WILLIAM",
    "BARBARA",
    "RICHARD",
    "SUSAN",
    "JOSEPH",
    "JESSICA",
    "THOMAS",
    "SARAH",
    "CHARLES",
    "KAREN",
    "DANIEL",
    "LISA",
    "MATTHEW",
    "NANCY",
    "ANTHONY",
    "BETTY",
    "MARK",
    "SANDRA",
    "DONALD",
    "MARGARET",
    "STEVEN",
    "ASHLEY",
    "ANDREW",
    "KIMBERLY",
    "PAUL",
    "EMILY",
    "JOSHUA",
    "DONNA",
    "KENNETH",
    "MICHELLE",
    "KEVIN",
    "CAROL",
    "BRIAN",
    "AMANDA",
    "GEORGE",
    "MELISSA",
    "TIMOTHY",
    "DEBORAH",
    "AISHA",
    "MATEO",
    "SOFIA",
    "LIAM",
    "NOAH",
    "MAYA",
];

/// (city, state, ZIP5).
pub(crate) const PLACES: &[(&str, &str, &str)] = &[
    ("SPRINGFIELD", "IL", "62701"),
    ("COLUMBUS", "OH", "43215"),
    ("AUSTIN", "TX", "78701"),
    ("DENVER", "CO", "80202"),
    ("RALEIGH", "NC", "27601"),
    ("BOISE", "ID", "83702"),
    ("MADISON", "WI", "53703"),
    ("NASHVILLE", "TN", "37203"),
    ("SACRAMENTO", "CA", "95814"),
    ("RICHMOND", "VA", "23219"),
    ("ALBANY", "NY", "12207"),
    ("PHOENIX", "AZ", "85004"),
    ("SALEM", "OR", "97301"),
    ("LINCOLN", "NE", "68508"),
    ("TALLAHASSEE", "FL", "32301"),
    ("HARTFORD", "CT", "06103"),
    ("SANTA FE", "NM", "87501"),
    ("CONCORD", "NH", "03301"),
    ("DES MOINES", "IA", "50309"),
    ("JACKSON", "MS", "39201"),
];

pub(crate) const STREETS: &[&str] = &[
    "MAIN ST",
    "OAK AVE",
    "MAPLE DR",
    "CEDAR LN",
    "ELM ST",
    "PINE RD",
    "LAKE VIEW BLVD",
    "HILLCREST AVE",
    "RIVER RD",
    "PARK PL",
    "WASHINGTON ST",
    "SUNSET BLVD",
    "MILL CREEK RD",
    "HIGHLAND AVE",
    "CHURCH ST",
];

/// A payer and how it tends to adjudicate.
pub(crate) struct Payer {
    pub name: &'static str,
    /// Payer id (REF*2U in the 835, NM1*PR NM109 in the 837).
    pub id: &'static str,
    /// CLP06 in the 835 (X221A1 list).
    pub clp06: &'static str,
    /// SBR09 in the 837.
    pub sbr09: &'static str,
    /// Allowed amount as a percentage of the charge.
    pub allowed_pct: (u32, u32),
    /// 2% payment reduction (CARC 253).
    pub sequestration: bool,
    /// Typical copay, cents (0 = none).
    pub copay: i64,
}

pub(crate) const PAYERS: &[Payer] = &[
    Payer {
        name: "NORTHWIND MEDICARE ADMINISTRATIVE CONTRACTOR",
        id: "04412",
        clp06: "MB",
        sbr09: "MB",
        allowed_pct: (32, 58),
        sequestration: true,
        copay: 0,
    },
    Payer {
        name: "LAKESHORE STATE MEDICAID",
        id: "77044",
        clp06: "MC",
        sbr09: "MC",
        allowed_pct: (25, 45),
        sequestration: false,
        copay: 0,
    },
    Payer {
        name: "BLUE RIDGE HEALTH PLAN",
        id: "BRHP1",
        clp06: "12",
        sbr09: "12",
        allowed_pct: (45, 80),
        sequestration: false,
        copay: 3000,
    },
    Payer {
        name: "GRANITE MUTUAL INSURANCE",
        id: "60921",
        clp06: "15",
        sbr09: "CI",
        allowed_pct: (50, 85),
        sequestration: false,
        copay: 2500,
    },
    Payer {
        name: "PRAIRIE HMO",
        id: "PHMO7",
        clp06: "HM",
        sbr09: "HM",
        allowed_pct: (40, 70),
        sequestration: false,
        copay: 2000,
    },
    Payer {
        name: "SILVERLINE MEDICARE ADVANTAGE",
        id: "38830",
        clp06: "16",
        sbr09: "16",
        allowed_pct: (33, 60),
        sequestration: true,
        copay: 1500,
    },
    Payer {
        name: "HARBOR POINT OF SERVICE PLAN",
        id: "HPOS2",
        clp06: "13",
        sbr09: "13",
        allowed_pct: (45, 78),
        sequestration: false,
        copay: 3500,
    },
    Payer {
        name: "TRI SERVICE MILITARY HEALTH",
        id: "99726",
        clp06: "CH",
        sbr09: "CH",
        allowed_pct: (35, 60),
        sequestration: false,
        copay: 0,
    },
];

/// Provider organisations (payee / billing provider names).
pub(crate) const PROVIDERS: &[&str] = &[
    "RIVERSIDE FAMILY MEDICINE",
    "CEDAR VALLEY ORTHOPEDICS",
    "NORTH STAR PEDIATRICS",
    "LAKEVIEW COMMUNITY HOSPITAL",
    "SUMMIT INTERNAL MEDICINE GROUP",
    "BLUE HERON PHYSICAL THERAPY",
    "MERIDIAN URGENT CARE",
    "PINE HOLLOW CARDIOLOGY",
    "GOLDEN GATE DERMATOLOGY",
    "EASTSIDE IMAGING CENTER",
    "HARMONY WOMENS HEALTH",
    "ORCHARD GASTROENTEROLOGY",
];

pub(crate) const TAXONOMIES: &[&str] = &[
    "207Q00000X",
    "208D00000X",
    "207R00000X",
    "208000000X",
    "225100000X",
    "207P00000X",
    "261QU0200X",
    "207X00000X",
    "207N00000X",
    "2085R0202X",
    "207V00000X",
    "207RG0100X",
];

/// A billable procedure.
pub(crate) struct Proc {
    pub code: &'static str,
    /// Charge per unit, cents.
    pub charge: i64,
    /// Modifiers that make sense on it.
    pub mods: &'static [&'static str],
    pub max_units: u32,
    /// UB-04 revenue code when billed by a facility.
    pub rev: &'static str,
    /// Index of a lower code a payer may recode it to (SVC06), or `usize::MAX`.
    pub down: usize,
}

const NO: usize = usize::MAX;

pub(crate) const PROCS: &[Proc] = &[
    Proc {
        code: "99213",
        charge: 15000,
        mods: &["25"],
        max_units: 1,
        rev: "0510",
        down: 1,
    },
    Proc {
        code: "99212",
        charge: 9500,
        mods: &["25"],
        max_units: 1,
        rev: "0510",
        down: NO,
    },
    Proc {
        code: "99214",
        charge: 22500,
        mods: &["25"],
        max_units: 1,
        rev: "0510",
        down: 0,
    },
    Proc {
        code: "99215",
        charge: 30000,
        mods: &["25"],
        max_units: 1,
        rev: "0510",
        down: 2,
    },
    Proc {
        code: "99203",
        charge: 20000,
        mods: &["25", "57"],
        max_units: 1,
        rev: "0510",
        down: NO,
    },
    Proc {
        code: "99204",
        charge: 30000,
        mods: &["25", "57"],
        max_units: 1,
        rev: "0510",
        down: 4,
    },
    Proc {
        code: "36415",
        charge: 2500,
        mods: &[],
        max_units: 2,
        rev: "0300",
        down: NO,
    },
    Proc {
        code: "80053",
        charge: 8500,
        mods: &["QW", "90"],
        max_units: 1,
        rev: "0301",
        down: NO,
    },
    Proc {
        code: "85025",
        charge: 4500,
        mods: &["QW"],
        max_units: 1,
        rev: "0305",
        down: NO,
    },
    Proc {
        code: "80061",
        charge: 7000,
        mods: &["QW"],
        max_units: 1,
        rev: "0301",
        down: NO,
    },
    Proc {
        code: "83036",
        charge: 5000,
        mods: &["QW"],
        max_units: 1,
        rev: "0301",
        down: NO,
    },
    Proc {
        code: "93000",
        charge: 11000,
        mods: &["59"],
        max_units: 1,
        rev: "0730",
        down: NO,
    },
    Proc {
        code: "71046",
        charge: 16000,
        mods: &["26", "TC"],
        max_units: 1,
        rev: "0324",
        down: NO,
    },
    Proc {
        code: "73610",
        charge: 15000,
        mods: &["RT", "LT", "26"],
        max_units: 1,
        rev: "0320",
        down: NO,
    },
    Proc {
        code: "97110",
        charge: 12000,
        mods: &["GP", "59", "KX"],
        max_units: 4,
        rev: "0420",
        down: NO,
    },
    Proc {
        code: "97140",
        charge: 11000,
        mods: &["GP", "59"],
        max_units: 3,
        rev: "0420",
        down: NO,
    },
    Proc {
        code: "97530",
        charge: 12500,
        mods: &["GP", "KX"],
        max_units: 3,
        rev: "0420",
        down: NO,
    },
    Proc {
        code: "90471",
        charge: 4000,
        mods: &[],
        max_units: 1,
        rev: "0771",
        down: NO,
    },
    Proc {
        code: "90686",
        charge: 5500,
        mods: &[],
        max_units: 1,
        rev: "0636",
        down: NO,
    },
    Proc {
        code: "96372",
        charge: 6000,
        mods: &["59"],
        max_units: 2,
        rev: "0510",
        down: NO,
    },
    Proc {
        code: "J3301",
        charge: 3000,
        mods: &["JZ"],
        max_units: 8,
        rev: "0636",
        down: NO,
    },
    Proc {
        code: "20610",
        charge: 25000,
        mods: &["RT", "LT", "59"],
        max_units: 1,
        rev: "0510",
        down: NO,
    },
    Proc {
        code: "11721",
        charge: 9000,
        mods: &["Q8"],
        max_units: 1,
        rev: "0510",
        down: NO,
    },
    Proc {
        code: "17110",
        charge: 20000,
        mods: &[],
        max_units: 1,
        rev: "0510",
        down: NO,
    },
    Proc {
        code: "99283",
        charge: 45000,
        mods: &["25"],
        max_units: 1,
        rev: "0450",
        down: NO,
    },
    Proc {
        code: "99284",
        charge: 75000,
        mods: &["25"],
        max_units: 1,
        rev: "0450",
        down: 24,
    },
    Proc {
        code: "99285",
        charge: 120000,
        mods: &["25"],
        max_units: 1,
        rev: "0450",
        down: 25,
    },
    Proc {
        code: "G0439",
        charge: 25000,
        mods: &[],
        max_units: 1,
        rev: "0510",
        down: NO,
    },
    Proc {
        code: "87880",
        charge: 5000,
        mods: &["QW"],
        max_units: 1,
        rev: "0306",
        down: NO,
    },
    Proc {
        code: "76700",
        charge: 42000,
        mods: &["26", "TC"],
        max_units: 1,
        rev: "0402",
        down: NO,
    },
    Proc {
        code: "70450",
        charge: 90000,
        mods: &["26", "TC"],
        max_units: 1,
        rev: "0350",
        down: NO,
    },
    Proc {
        code: "74177",
        charge: 180000,
        mods: &["26"],
        max_units: 1,
        rev: "0352",
        down: NO,
    },
    Proc {
        code: "29125",
        charge: 18000,
        mods: &["RT", "LT"],
        max_units: 1,
        rev: "0510",
        down: NO,
    },
    Proc {
        code: "12001",
        charge: 30000,
        mods: &["59"],
        max_units: 1,
        rev: "0450",
        down: NO,
    },
    Proc {
        code: "45378",
        charge: 150000,
        mods: &["PT", "33"],
        max_units: 1,
        rev: "0750",
        down: NO,
    },
    Proc {
        code: "99453",
        charge: 2000,
        mods: &[],
        max_units: 1,
        rev: "0510",
        down: NO,
    },
    Proc {
        code: "G2211",
        charge: 1700,
        mods: &[],
        max_units: 1,
        rev: "0510",
        down: NO,
    },
    Proc {
        code: "99442",
        charge: 9000,
        mods: &["95", "GT"],
        max_units: 1,
        rev: "0780",
        down: NO,
    },
];

/// Procedures a facility bills for an outpatient visit (indices into [`PROCS`]).
pub(crate) const FACILITY_PROCS: &[usize] = &[24, 25, 26, 6, 7, 8, 12, 13, 29, 30, 31, 33, 19, 34];

/// Common ICD-10-CM codes (no decimal point, as in X12).
pub(crate) const ICD10: &[&str] = &[
    "I10", "E119", "E785", "J069", "M5450", "Z0000", "Z23", "K219", "F419", "N390", "E039",
    "M1711", "J45909", "Z1231", "R0600", "R109", "E669", "F329", "G4733", "M25561", "R0789",
    "S93401A", "L03115", "H6690", "R112", "Z79899", "E1165", "I2510", "M79604", "R5383",
];

/// DRG codes for inpatient claims.
pub(crate) const DRGS: &[&str] = &[
    "470", "871", "291", "392", "190", "683", "194", "603", "378", "065",
];

/// A random string of `v`.
pub(crate) fn pick(rng: &mut Rng, v: &[&'static str]) -> &'static str {
    v[rng.usize(..v.len())]
}

/// A random element of `v`.
pub(crate) fn pick_ref<'a, T>(rng: &mut Rng, v: &'a [T]) -> &'a T {
    &v[rng.usize(..v.len())]
}

/// Integer percentage roll: true with probability `pct`%.
#[inline]
pub(crate) fn chance(rng: &mut Rng, pct: u32) -> bool {
    rng.u32(..100) < pct
}

/// A 10-digit NPI with a valid Luhn check digit (prefix 80840) as a number.
pub(crate) fn npi(rng: &mut Rng) -> u64 {
    let base = rng.u64(100_000_000..300_000_000); // 1xxxxxxxx or 2xxxxxxxx
    let mut digits = [0u8; 9];
    let mut b = base;
    for d in digits.iter_mut().rev() {
        *d = (b % 10) as u8;
        b /= 10;
    }
    // Luhn over "80840" + 9 digits; the check digit is appended at the right,
    // so the rightmost of these 14 digits is doubled.
    let mut sum = 24u32; // the constant contribution of the 80840 prefix
    for (i, &d) in digits.iter().rev().enumerate() {
        let mut v = u32::from(d);
        if i % 2 == 0 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    let check = (10 - sum % 10) % 10;
    base * 10 + u64::from(check)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn luhn_ok(npi: u64) -> bool {
        let s = format!("80840{npi}");
        let mut sum = 0;
        for (i, ch) in s.bytes().rev().enumerate() {
            let mut v = u32::from(ch - b'0');
            if i % 2 == 1 {
                v *= 2;
                if v > 9 {
                    v -= 9;
                }
            }
            sum += v;
        }
        sum % 10 == 0
    }

    #[test]
    fn npis_are_valid() {
        assert!(luhn_ok(1234567893)); // CMS's published example
        let mut rng = Rng::with_seed(3);
        for _ in 0..1000 {
            let n = npi(&mut rng);
            assert!((1_000_000_000..3_000_000_000).contains(&n));
            assert!(luhn_ok(n), "{n}");
        }
    }

    #[test]
    fn downcodes_point_at_real_entries() {
        for p in PROCS {
            assert!(p.down == NO || p.down < PROCS.len());
            assert!(p.code.bytes().all(|b| b.is_ascii_alphanumeric()));
        }
        for &i in FACILITY_PROCS {
            assert!(i < PROCS.len());
        }
    }
}
