//! Calendar days without a date library: days since 1970-01-01 and back
//! (Howard Hinnant's `days_from_civil` / `civil_from_days`).

/// A calendar day, counted from 1970-01-01.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Day(pub i32);

impl Day {
    pub(crate) fn from_ymd(y: i32, m: u32, d: u32) -> Self {
        let y = if m <= 2 { y - 1 } else { y };
        let era = if y >= 0 { y } else { y - 399 } / 400;
        let yoe = y - era * 400;
        let mp = (m as i32 + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d as i32 - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Day(era * 146_097 + doe - 719_468)
    }

    pub(crate) fn ymd(self) -> (i32, u32, u32) {
        let z = self.0 + 719_468;
        let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let y = yoe + era * 400;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        (if m <= 2 { y + 1 } else { y }, m, d)
    }

    pub(crate) fn plus(self, days: i32) -> Self {
        Day(self.0 + days)
    }

    pub(crate) fn minus(self, days: i32) -> Self {
        Day(self.0 - days)
    }

    pub(crate) fn push_ccyymmdd(self, buf: &mut Vec<u8>) {
        let (y, m, d) = self.ymd();
        let y = y.clamp(0, 9999) as u32;
        let v = [
            (y / 1000) as u8,
            (y / 100 % 10) as u8,
            (y / 10 % 10) as u8,
            (y % 10) as u8,
            (m / 10) as u8,
            (m % 10) as u8,
            (d / 10) as u8,
            (d % 10) as u8,
        ];
        buf.extend(v.iter().map(|x| b'0' + x));
    }

    pub(crate) fn push_yymmdd(self, buf: &mut Vec<u8>) {
        let mut full = Vec::with_capacity(8);
        self.push_ccyymmdd(&mut full);
        buf.extend_from_slice(&full[2..]);
    }

    /// December 31st of this day's year (a PLB fiscal period end).
    pub(crate) fn year_end(self) -> Self {
        Day::from_ymd(self.ymd().0, 12, 31)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        assert_eq!(Day::from_ymd(1970, 1, 1), Day(0));
        assert_eq!(Day::from_ymd(2024, 2, 29).ymd(), (2024, 2, 29));
        assert_eq!(
            Day::from_ymd(2024, 3, 1).0 - Day::from_ymd(2024, 2, 28).0,
            2
        );
        for n in -30_000..40_000 {
            let (y, m, d) = Day(n).ymd();
            assert_eq!(Day::from_ymd(y, m, d), Day(n));
        }
        let mut b = Vec::new();
        Day::from_ymd(2025, 7, 4).push_ccyymmdd(&mut b);
        Day::from_ymd(2025, 7, 4).push_yymmdd(&mut b);
        assert_eq!(b, b"20250704250704");
    }
}
