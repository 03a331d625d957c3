//! The four X12 delimiters, read from the ISA segment.
//!
//! ISA is the one segment with a fixed layout: 16 elements of fixed width, 106 bytes in all. The
//! element separator is the byte after `ISA`, the repetition separator is ISA11 (5010; in 4010
//! ISA11 is the standards id `U`), the component separator is ISA16, and the segment terminator is
//! the byte after ISA16. Real senders do not always pad the ISA, so we find ISA16 by counting
//! element separators rather than by fixed offsets, and report a non-106-byte ISA as a warning.

use crate::error::ErrorKind;

/// The delimiters of one interchange.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Delimiters {
    /// Separates elements (the byte after `ISA`; commonly `*`).
    pub element: u8,
    /// Separates components of a composite element (ISA16; commonly `:`).
    pub component: u8,
    /// Separates repeated elements (ISA11 in 5010; `None` when ISA11 is a code such as `U`).
    pub repetition: Option<u8>,
    /// Ends a segment (the byte after ISA16; commonly `~`).
    pub segment: u8,
}

impl Default for Delimiters {
    /// `*`, `:`, `^`, `~`: the delimiters most senders use.
    fn default() -> Self {
        Delimiters {
            element: b'*',
            component: b':',
            repetition: Some(b'^'),
            segment: b'~',
        }
    }
}

/// What [`Delimiters::from_isa`] found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IsaScan {
    /// The delimiters the ISA declares.
    pub delimiters: Delimiters,
    /// Length of the ISA segment without its terminator (105 for a standard ISA).
    pub len: usize,
}

/// The longest ISA segment read, its terminator included. [`Delimiters::from_isa`] looks at no
/// byte past this many, so a streaming reader that holds this many bytes sees what a slice does.
pub const ISA_MAX_LEN: usize = 1024;

impl Delimiters {
    /// Reads the delimiters from the bytes of an ISA segment (`bytes` starts at `ISA`, may go on
    /// past the segment; only the first [`ISA_MAX_LEN`] bytes are read). Fails when the ISA is
    /// cut short or its delimiters collide.
    pub fn from_isa(bytes: &[u8]) -> Result<IsaScan, ErrorKind> {
        let bytes = bytes.get(..ISA_MAX_LEN).unwrap_or(bytes);
        if bytes.len() < 4 || !bytes.starts_with(b"ISA") {
            return Err(ErrorKind::BadIsa("too short"));
        }
        let element = bytes[3];
        if element.is_ascii_alphanumeric() || element == b' ' {
            return Err(ErrorKind::BadIsa(
                "the element separator is a letter, digit or space",
            ));
        }
        // Find the 16th element separator; ISA16 is the one byte after it.
        let mut seps = 0usize;
        let mut isa11: Option<(usize, usize)> = None;
        let mut prev = 3usize;
        let mut sixteenth = None;
        for (i, &b) in bytes.iter().enumerate().skip(4) {
            if b == element {
                seps += 1;
                if seps == 11 {
                    // element 11 lies between the 11th and 12th separators
                    isa11 = Some((prev + 1, i));
                }
                prev = i;
                if seps == 15 {
                    sixteenth = Some(i);
                    break;
                }
            }
        }
        let Some(sep16) = sixteenth else {
            return Err(ErrorKind::BadIsa("fewer than 16 elements"));
        };
        let (Some(&component), Some(&segment)) = (bytes.get(sep16 + 1), bytes.get(sep16 + 2))
        else {
            return Err(ErrorKind::BadIsa("cut short after ISA16"));
        };
        if component == element {
            return Err(ErrorKind::DelimiterCollision(
                "component separator",
                "element separator",
            ));
        }
        if segment == element {
            return Err(ErrorKind::DelimiterCollision(
                "segment terminator",
                "element separator",
            ));
        }
        if segment == component {
            return Err(ErrorKind::DelimiterCollision(
                "segment terminator",
                "component separator",
            ));
        }
        if component.is_ascii_alphanumeric() || segment.is_ascii_alphanumeric() {
            return Err(ErrorKind::BadIsa("a delimiter is a letter or digit"));
        }
        let repetition = isa11.and_then(|(a, b)| match bytes.get(a..b) {
            Some([r])
                if !r.is_ascii_alphanumeric()
                    && *r != b' '
                    && *r != element
                    && *r != component
                    && *r != segment =>
            {
                Some(*r)
            }
            _ => None,
        });
        Ok(IsaScan {
            delimiters: Delimiters {
                element,
                component,
                repetition,
                segment,
            },
            len: sep16 + 2,
        })
    }

    /// Guesses delimiters for a bare transaction set that starts with `ST` and has no ISA.
    ///
    /// The element separator is the byte after `ST`; the terminator is the first byte after the
    /// ST elements that is neither a letter, a digit, nor the element separator; the component
    /// separator is taken from the first composite procedure (`HC`, `AD`, `ABK`…) if there is one,
    /// `:` otherwise.
    pub fn guess_from_st(bytes: &[u8]) -> Option<Delimiters> {
        let element = *bytes.get(2)?;
        if element.is_ascii_alphanumeric() || element == b' ' {
            return None;
        }
        let segment = *bytes
            .iter()
            .skip(3)
            .find(|&&b| !(b.is_ascii_alphanumeric() || b == element || b == b' '))?;
        let mut component = b':';
        let window = bytes.get(..bytes.len().min(1 << 16)).unwrap_or(bytes);
        for qual in [
            &b"HC"[..],
            b"AD",
            b"ABK",
            b"BK",
            b"ER",
            b"IV",
            b"N4",
            b"NU",
            b"ZZ",
        ] {
            if let Some(c) = find_after_qualifier(window, element, qual)
                && c != segment
                && c != element
                && !c.is_ascii_alphanumeric()
                && !c.is_ascii_whitespace()
            {
                component = c;
                break;
            }
        }
        if component == segment || component == element {
            // The default ':' is taken: another usual one, so the three stay distinct (found by
            // the roundtrip_837 fuzz target with `ST:~`).
            component = [b':', b'^', b'>', b'<', b'\\']
                .into_iter()
                .find(|&c| c != segment && c != element)?;
        }
        Some(Delimiters {
            element,
            component,
            repetition: None,
            segment,
        })
    }

    /// Whether `b` is one of the delimiters.
    pub fn is_delimiter(&self, b: u8) -> bool {
        b == self.element || b == self.component || b == self.segment || Some(b) == self.repetition
    }
}

fn find_after_qualifier(hay: &[u8], element: u8, qual: &[u8]) -> Option<u8> {
    let mut pat = Vec::with_capacity(qual.len() + 1);
    pat.push(element);
    pat.extend_from_slice(qual);
    let at = memchr::memmem::find(hay, &pat)?;
    hay.get(at + pat.len()).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    const ISA: &[u8] = b"ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *240101*1200*^*00501*000000001*0*P*:~";

    #[test]
    fn standard_isa() {
        let s = Delimiters::from_isa(ISA).unwrap();
        assert_eq!(s.len, 105);
        assert_eq!(s.delimiters, Delimiters::default());
    }

    #[test]
    fn isa_4010_has_no_repetition() {
        let isa = b"ISA|00|          |00|          |ZZ|SENDER         |ZZ|RECEIVER       |240101|1200|U|00401|000000001|0|P|^\n";
        let s = Delimiters::from_isa(isa).unwrap();
        assert_eq!(s.delimiters.repetition, None);
        assert_eq!(s.delimiters.element, b'|');
        assert_eq!(s.delimiters.component, b'^');
        assert_eq!(s.delimiters.segment, b'\n');
    }

    #[test]
    fn unpadded_isa() {
        let isa = b"ISA*00**00**ZZ*S*ZZ*R*240101*1200*^*00501*1*0*P*>~GS";
        let s = Delimiters::from_isa(isa).unwrap();
        assert_eq!(s.len, isa.len() - 3);
        assert_eq!(s.delimiters.component, b'>');
    }

    #[test]
    fn collision_is_an_error() {
        let isa = b"ISA*00**00**ZZ*S*ZZ*R*240101*1200*^*00501*1*0*P**~";
        assert!(matches!(
            Delimiters::from_isa(isa),
            Err(ErrorKind::DelimiterCollision(..))
        ));
    }

    #[test]
    fn bare_st_guess() {
        let d = Delimiters::guess_from_st(b"ST|835|0001~BPR|I~SVC|HC>99213|100~").unwrap();
        assert_eq!((d.element, d.component, d.segment), (b'|', b'>', b'~'));
    }
}
