//! Decoding X12 simple data types straight from bytes: R/N numbers to `Decimal`, DT dates to
//! `NaiveDate`, AN text to a compact string.
//!
//! These run for every amount in a file, so they avoid going through `str` parsing.

use chrono::NaiveDate;
use compact_str::CompactString;
use rust_decimal::Decimal;

/// Text as the models keep it: short strings live inline, without a heap allocation.
pub type Text = CompactString;

/// Text from element bytes; invalid UTF-8 is replaced (the original bytes are not needed by the
/// typed 835, which is read-only).
pub fn text(b: &[u8]) -> Text {
    match std::str::from_utf8(b) {
        Ok(s) => CompactString::new(s),
        Err(_) => CompactString::new(String::from_utf8_lossy(b)),
    }
}

/// Text, or `None` when the element is empty.
pub fn opt_text(b: &[u8]) -> Option<Text> {
    if b.is_empty() { None } else { Some(text(b)) }
}

/// A value as a spreadsheet cell should hold it: a value that Excel, LibreOffice or Google
/// Sheets would run as a formula (it starts with `=`, `+`, `-`, `@`, a tab or a carriage
/// return, is longer than that character, and is not a plain number such as `-12.50`) gets a
/// leading apostrophe. Values from
/// a file are the sender's, and a CSV report is opened in spreadsheets (CSV injection); the
/// JSON formats keep every value as sent.
pub fn spreadsheet_safe(s: &str) -> std::borrow::Cow<'_, str> {
    if runs_as_formula(s) {
        std::borrow::Cow::Owned(format!("'{s}"))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// Whether [`spreadsheet_safe`] changes `s`: one look at the first byte for almost every value.
#[inline]
pub fn runs_as_formula(s: &str) -> bool {
    let risky = matches!(
        s.as_bytes().first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    );
    // One character alone runs nothing (and `-` is how the report names standard input).
    risky && s.len() > 1 && !is_plain_number(s)
}

/// An optional sign, digits, and optionally a point and digits.
fn is_plain_number(s: &str) -> bool {
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
}

/// Decodes an X12 decimal number (`R`/`N` types): an optional minus sign (X12 allows no
/// plus), digits, optional point and digits. The scale is kept as sent (`12.50` stays `12.50`). `None` when the bytes are not such
/// a number or have more than 28 significant digits.
pub fn decimal(b: &[u8]) -> Option<Decimal> {
    // X12's R type allows a leading minus sign only: `+1.00` is not a number.
    let (neg, digits) = match b.first() {
        Some(b'-') => (true, b.get(1..)?),
        _ => (false, b),
    };
    if digits.is_empty() {
        return None;
    }
    // Amounts are short: up to 18 digits fit a u64 (and Decimal's 96-bit mantissa) with no
    // overflow check, and the scale is where the point was.
    if digits.len() <= 18 {
        let mut mantissa: u64 = 0;
        let mut point = None;
        for (i, &c) in digits.iter().enumerate() {
            let d = c.wrapping_sub(b'0');
            if d <= 9 {
                mantissa = mantissa * 10 + u64::from(d);
            } else if c == b'.' && point.is_none() {
                point = Some(i);
            } else {
                return None;
            }
        }
        let scale = match point {
            // "." alone has no digit.
            Some(_) if digits.len() == 1 => return None,
            Some(i) => digits.len() - i - 1,
            None => 0,
        };
        // A scale of at most 17 and a mantissa below 10^18: always a valid Decimal. Zero is
        // never negative (`-0` reads as `0`, as `str::parse` gives).
        return Some(Decimal::from_parts(
            mantissa as u32,
            (mantissa >> 32) as u32,
            0,
            neg && mantissa != 0,
            scale as u32,
        ));
    }
    let mut mantissa: i128 = 0;
    let mut scale: u32 = 0;
    let mut seen_point = false;
    let mut ndigits = 0u32;
    for &c in digits {
        match c {
            b'0'..=b'9' => {
                ndigits += 1;
                if ndigits > 28 {
                    return None;
                }
                mantissa = mantissa * 10 + i128::from(c - b'0');
                if seen_point {
                    scale += 1;
                }
            }
            b'.' if !seen_point => seen_point = true,
            _ => return None,
        }
    }
    if ndigits == 0 {
        return None;
    }
    if neg {
        mantissa = -mantissa;
    }
    Decimal::try_from_i128_with_scale(mantissa, scale).ok()
}

/// Decodes a CCYYMMDD date (or YYMMDD, read as 20YY for YY < 50 and 19YY otherwise).
pub fn date(b: &[u8]) -> Option<NaiveDate> {
    if !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let num = |s: &[u8]| s.iter().fold(0u32, |a, &d| a * 10 + u32::from(d - b'0'));
    let (y, m, d) = match b.len() {
        8 => (
            num(b.get(0..4)?) as i32,
            num(b.get(4..6)?),
            num(b.get(6..8)?),
        ),
        6 => {
            let yy = num(b.get(0..2)?) as i32;
            (
                if yy < 50 { 2000 + yy } else { 1900 + yy },
                num(b.get(2..4)?),
                num(b.get(4..6)?),
            )
        }
        _ => return None,
    };
    NaiveDate::from_ymd_opt(y, m, d)
}

/// Decodes a date range `CCYYMMDD-CCYYMMDD` (RD8).
pub fn date_range(b: &[u8]) -> Option<(NaiveDate, NaiveDate)> {
    let dash = memchr::memchr(b'-', b)?;
    Some((date(b.get(..dash)?)?, date(b.get(dash + 1..)?)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_not_left_for_spreadsheets() {
        for (s, want) in [
            (
                "=HYPERLINK(\"http://x\",\"y\")",
                "'=HYPERLINK(\"http://x\",\"y\")",
            ),
            ("+1+2", "'+1+2"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("-", "-"),
            ("=", "="),
            // Plain numbers and ordinary text stay as they are.
            ("-12.50", "-12.50"),
            ("+5", "+5"),
            ("12", "12"),
            ("PCN-1", "PCN-1"),
            ("", ""),
        ] {
            assert_eq!(spreadsheet_safe(s), want, "{s:?}");
        }
    }

    #[test]
    fn decimals() {
        for (s, want) in [
            ("0", "0"),
            ("12.50", "12.50"),
            ("-12.5", "-12.5"),
            (".5", "0.5"),
            ("5.", "5"),
            ("00100", "100"),
        ] {
            assert_eq!(
                decimal(s.as_bytes()).map(|d| d.to_string()).as_deref(),
                Some(want),
                "{s}"
            );
        }
        // X12's R type: a leading minus sign only (regression: `+0.20` was read as 0.20, and
        // `validate` passed a file pyx12 rejects).
        for bad in [
            "", "-", ".", "1.2.3", "1e5", "12a", " 1", "1-", "+3", "+0.20",
        ] {
            assert_eq!(decimal(bad.as_bytes()), None, "{bad}");
        }
        assert_eq!(decimal(b"12345678901234567890123456789"), None);
        // Both sides of the 18-digit fast path agree with the wide path.
        for s in [
            "123456789012345678",
            "-12345678901234567.8",
            "1234567890123456789",
            "-0.000000000000000001",
            "1234567890123456789012345678",
        ] {
            let want: Decimal = s.parse().unwrap();
            let got = decimal(s.as_bytes()).unwrap();
            assert_eq!(got, want, "{s}");
            assert_eq!(got.to_string(), want.to_string(), "{s}");
        }
    }

    proptest::proptest! {
        /// Any sign, up to 28 digits and a point, on both sides of the 18-digit fast path: the
        /// same value and scale as `str::parse`, and `None` only when there is no digit.
        #[test]
        fn decimal_agrees_with_str_parse(
            sign in proptest::sample::select(vec!["", "-", "+"]),
            whole in "[0-9]{0,18}",
            point in proptest::bool::ANY,
            fraction in "[0-9]{0,10}",
        ) {
            let fraction = if point { fraction } else { String::new() };
            let s = format!("{sign}{whole}{}{fraction}", if point { "." } else { "" });
            let got = decimal(s.as_bytes());
            if sign == "+" || (whole.is_empty() && fraction.is_empty()) {
                proptest::prop_assert_eq!(got, None, "{}", s);
            } else {
                // `str::parse` reads "5." and ".5" like we do once the point is made explicit.
                let canonical = format!(
                    "{}{}.{}",
                    if sign == "-" { "-" } else { "" },
                    if whole.is_empty() { "0" } else { whole.as_str() },
                    if fraction.is_empty() { "0" } else { fraction.as_str() },
                );
                let want: Decimal = canonical.parse().unwrap();
                let got = got.unwrap();
                proptest::prop_assert_eq!(got, want, "{}", s);
                proptest::prop_assert_eq!(got.scale() as usize, fraction.len(), "{}", s);
                proptest::prop_assert!(!got.is_sign_negative() || !got.is_zero(), "{}", s);
            }
        }
    }

    #[test]
    fn dates() {
        assert_eq!(date(b"20240229"), NaiveDate::from_ymd_opt(2024, 2, 29));
        assert_eq!(date(b"20230229"), None);
        assert_eq!(date(b"240101"), NaiveDate::from_ymd_opt(2024, 1, 1));
        assert_eq!(date(b"991231"), NaiveDate::from_ymd_opt(1999, 12, 31));
        assert_eq!(date(b"2024010"), None);
        let r = date_range(b"20240101-20240131").unwrap();
        assert_eq!(r.1, NaiveDate::from_ymd_opt(2024, 1, 31).unwrap());
    }
}
