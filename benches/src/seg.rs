//! Segment building: a reusable byte buffer that knows the delimiters, plus the
//! number, money, date and identifier formatting the generators need.
//!
//! Everything here appends bytes to a `Vec<u8>`; nothing allocates per element.

use std::io::{self, BufWriter, Write};

use crate::date::Day;

/// Checked delimiters for one interchange.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Delims {
    pub element: u8,
    pub component: u8,
    pub repetition: u8,
    pub segment: u8,
    /// Write `\n` after each segment terminator.
    pub newline: bool,
}

impl Delims {
    /// Validates `(element, component, repetition, segment)`.
    ///
    /// The generated values use ASCII letters, digits, space, `.` and `-`, so none
    /// of those may be a delimiter; the four delimiters must differ from each other.
    pub(crate) fn new(d: (u8, u8, u8, u8), newline: bool) -> io::Result<Self> {
        let all = [d.0, d.1, d.2, d.3];
        for (i, &b) in all.iter().enumerate() {
            if b.is_ascii_alphanumeric() || matches!(b, b' ' | b'.' | b'-') || !b.is_ascii() {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!(
                        "delimiter {:?} may occur in generated values (letters, digits, space, '.', '-' and non-ASCII are not allowed)",
                        b as char
                    ),
                ));
            }
            if all[..i].contains(&b) {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!("delimiter {:?} is used twice", b as char),
                ));
            }
        }
        Ok(Self {
            element: d.0,
            component: d.1,
            repetition: d.2,
            segment: d.3,
            // A newline after a newline terminator would make empty segments.
            newline: newline && !matches!(d.3, b'\n' | b'\r'),
        })
    }
}

/// A growing buffer of whole segments, counting the segments it holds.
pub(crate) struct SegBuf {
    pub buf: Vec<u8>,
    pub d: Delims,
    /// Segments ended since the last [`SegBuf::reset_count`].
    pub segs: u64,
}

impl SegBuf {
    pub(crate) fn new(d: Delims, capacity: usize) -> Self {
        Self {
            buf: Vec::with_capacity(capacity),
            d,
            segs: 0,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.buf.len()
    }

    pub(crate) fn clear(&mut self) {
        self.buf.clear();
    }

    pub(crate) fn reset_count(&mut self) {
        self.segs = 0;
    }

    /// Starts a segment with its id.
    #[inline]
    pub(crate) fn seg(&mut self, id: &str) -> &mut Self {
        self.buf.extend_from_slice(id.as_bytes());
        self
    }

    /// Ends the segment.
    #[inline]
    pub(crate) fn end(&mut self) {
        self.buf.push(self.d.segment);
        if self.d.newline {
            self.buf.push(b'\n');
        }
        self.segs += 1;
    }

    /// Element separator then `v`.
    #[inline]
    pub(crate) fn e(&mut self, v: &str) -> &mut Self {
        self.buf.push(self.d.element);
        self.buf.extend_from_slice(v.as_bytes());
        self
    }

    /// `n` empty elements (separators only); only ever followed by a non-empty one.
    #[inline]
    pub(crate) fn skip(&mut self, n: usize) -> &mut Self {
        for _ in 0..n {
            self.buf.push(self.d.element);
        }
        self
    }

    /// Component separator then `v`.
    #[inline]
    pub(crate) fn c(&mut self, v: &str) -> &mut Self {
        self.buf.push(self.d.component);
        self.buf.extend_from_slice(v.as_bytes());
        self
    }

    /// Appends `v` to the current element.
    #[inline]
    pub(crate) fn r(&mut self, v: &str) -> &mut Self {
        self.buf.extend_from_slice(v.as_bytes());
        self
    }

    /// Element separator then the amount.
    #[inline]
    pub(crate) fn money(&mut self, cents: i64) -> &mut Self {
        self.buf.push(self.d.element);
        push_money(&mut self.buf, cents);
        self
    }

    /// Element separator then the number.
    #[inline]
    pub(crate) fn num(&mut self, n: u64) -> &mut Self {
        self.buf.push(self.d.element);
        push_u64(&mut self.buf, n);
        self
    }

    /// Appends the number to the current element.
    #[inline]
    pub(crate) fn rnum(&mut self, n: u64) -> &mut Self {
        push_u64(&mut self.buf, n);
        self
    }

    /// Element separator then the number zero-padded to `width`.
    #[inline]
    pub(crate) fn pad(&mut self, n: u64, width: usize) -> &mut Self {
        self.buf.push(self.d.element);
        push_padded(&mut self.buf, n, width);
        self
    }

    /// Appends the number zero-padded to `width` to the current element.
    #[inline]
    pub(crate) fn rpad(&mut self, n: u64, width: usize) -> &mut Self {
        push_padded(&mut self.buf, n, width);
        self
    }

    /// Element separator then `CCYYMMDD`.
    #[inline]
    pub(crate) fn date(&mut self, d: Day) -> &mut Self {
        self.buf.push(self.d.element);
        d.push_ccyymmdd(&mut self.buf);
        self
    }
}

/// Appends `n` in decimal.
#[inline]
pub(crate) fn push_u64(buf: &mut Vec<u8>, mut n: u64) {
    let mut tmp = [0u8; 20];
    let mut i = tmp.len();
    loop {
        i -= 1;
        tmp[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    buf.extend_from_slice(&tmp[i..]);
}

/// Appends `n` zero-padded to at least `width` digits.
#[inline]
pub(crate) fn push_padded(buf: &mut Vec<u8>, n: u64, width: usize) {
    let mut tmp = [b'0'; 20];
    let mut i = tmp.len();
    let mut m = n;
    loop {
        i -= 1;
        tmp[i] = b'0' + (m % 10) as u8;
        m /= 10;
        if m == 0 {
            break;
        }
    }
    let digits = tmp.len() - i;
    let start = if digits < width {
        tmp.len() - width.min(tmp.len())
    } else {
        i
    };
    buf.extend_from_slice(&tmp[start..]);
}

/// Appends an amount of cents as an X12 decimal: `125`, `125.5`, `125.25`, `-40`, `0`.
#[inline]
pub(crate) fn push_money(buf: &mut Vec<u8>, cents: i64) {
    if cents < 0 {
        buf.push(b'-');
    }
    let c = cents.unsigned_abs();
    push_u64(buf, c / 100);
    let frac = c % 100;
    if frac != 0 {
        buf.push(b'.');
        buf.push(b'0' + (frac / 10) as u8);
        if !frac.is_multiple_of(10) {
            buf.push(b'0' + (frac % 10) as u8);
        }
    }
}

/// Buffered output that counts the bytes it was given.
pub(crate) struct Sink<W: Write> {
    w: BufWriter<W>,
    pub bytes: u64,
}

impl<W: Write> Sink<W> {
    pub(crate) fn new(w: W) -> Self {
        Self {
            w: BufWriter::with_capacity(256 * 1024, w),
            bytes: 0,
        }
    }

    pub(crate) fn put(&mut self, b: &[u8]) -> io::Result<()> {
        self.w.write_all(b)?;
        self.bytes += b.len() as u64;
        Ok(())
    }

    /// Writes out and empties `s` (its segment count is kept).
    pub(crate) fn drain(&mut self, s: &mut SegBuf) -> io::Result<()> {
        self.put(&s.buf)?;
        s.clear();
        Ok(())
    }

    pub(crate) fn finish(mut self) -> io::Result<()> {
        self.w.flush()
    }
}

/// Control numbers, dates and party ids shared by ISA/GS and their trailers.
pub(crate) struct Envelope {
    pub isa13: u64,
    pub gs06: u64,
    pub date: Day,
    pub hhmm: u32,
    pub sender: &'static str,
    pub receiver: &'static str,
}

impl Envelope {
    /// ISA (always 106 bytes before any newline) and GS.
    pub(crate) fn write_header(&self, s: &mut SegBuf, gs01: &str, gs08: &str) {
        let d = s.d;
        s.seg("ISA")
            .e("00")
            .e("          ")
            .e("00")
            .e("          ")
            .e("ZZ");
        push_fixed(&mut s.buf, d.element, self.sender, 15);
        s.e("ZZ");
        push_fixed(&mut s.buf, d.element, self.receiver, 15);
        s.buf.push(d.element);
        self.date.push_yymmdd(&mut s.buf);
        s.pad(u64::from(self.hhmm), 4);
        s.buf.push(d.element);
        s.buf.push(d.repetition);
        s.e("00501").pad(self.isa13, 9).e("0").e("T");
        s.buf.push(d.element);
        s.buf.push(d.component);
        s.end();
        s.seg("GS")
            .e(gs01)
            .e(self.sender)
            .e(self.receiver)
            .date(self.date);
        s.pad(u64::from(self.hhmm), 4)
            .num(self.gs06)
            .e("X")
            .e(gs08)
            .end();
    }

    /// GE and IEA.
    pub(crate) fn write_trailer(&self, s: &mut SegBuf, transactions: u64) {
        s.seg("GE").num(transactions).num(self.gs06).end();
        s.seg("IEA").e("1").pad(self.isa13, 9).end();
    }
}

/// Element separator then `v` left-justified and space-padded to `width`.
fn push_fixed(buf: &mut Vec<u8>, sep: u8, v: &str, width: usize) {
    buf.push(sep);
    buf.extend_from_slice(v.as_bytes());
    for _ in v.len()..width {
        buf.push(b' ');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn money(c: i64) -> String {
        let mut b = Vec::new();
        push_money(&mut b, c);
        String::from_utf8(b).unwrap()
    }

    #[test]
    fn money_format() {
        assert_eq!(money(12500), "125");
        assert_eq!(money(12550), "125.5");
        assert_eq!(money(12525), "125.25");
        assert_eq!(money(12505), "125.05");
        assert_eq!(money(-4000), "-40");
        assert_eq!(money(-5), "-0.05");
        assert_eq!(money(0), "0");
    }

    #[test]
    fn padded() {
        let mut b = Vec::new();
        push_padded(&mut b, 42, 9);
        push_padded(&mut b, 1234, 2);
        assert_eq!(b, b"0000000421234");
    }

    #[test]
    fn delimiter_checks() {
        assert!(Delims::new((b'*', b':', b'^', b'~'), true).is_ok());
        assert!(Delims::new((b'|', b'>', b'!', b'\n'), true).is_ok());
        assert!(
            !Delims::new((b'|', b'>', b'!', b'\n'), true)
                .unwrap()
                .newline
        );
        assert!(Delims::new((b'*', b'*', b'^', b'~'), true).is_err());
        assert!(Delims::new((b'*', b':', b'.', b'~'), true).is_err());
        assert!(Delims::new((b'A', b':', b'^', b'~'), true).is_err());
    }
}
