//! Which 837 a transaction set is (professional, institutional, dental) and the loop ids.

use std::fmt;

/// The three 837 implementation guides.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ClaimKind {
    /// 837P, professional (005010X222A1; 4010: 004010X098A1). Service lines are SV1.
    Professional,
    /// 837I, institutional (005010X223A2; 4010: 004010X096A1). Service lines are SV2.
    Institutional,
    /// 837D, dental (005010X224A2; 4010: 004010X097A1). Service lines are SV3.
    Dental,
}

impl ClaimKind {
    /// `837P`, `837I` or `837D`.
    pub fn as_str(self) -> &'static str {
        match self {
            ClaimKind::Professional => "837P",
            ClaimKind::Institutional => "837I",
            ClaimKind::Dental => "837D",
        }
    }

    /// The kind a GS08/ST03 version label names: `X222` (and 4010 `X098`) professional, `X223`
    /// (`X096`) institutional, `X224` (`X097`) dental, whatever errata suffix follows (A1, A2,
    /// A3…). `None` for anything else (for example a bare `005010`).
    pub fn from_version(version: &str) -> Option<ClaimKind> {
        let v = version.as_bytes();
        let has = |pat: &[u8]| memchr::memmem::find(v, pat).is_some();
        if has(b"X222") || has(b"X098") {
            Some(ClaimKind::Professional)
        } else if has(b"X223") || has(b"X096") {
            Some(ClaimKind::Institutional)
        } else if has(b"X224") || has(b"X097") {
            Some(ClaimKind::Dental)
        } else {
            None
        }
    }

    /// The kind the service-line segment id implies (`SV1`, `SV2`, `SV3`).
    pub fn from_service_segment(id: &[u8]) -> Option<ClaimKind> {
        match id {
            b"SV1" => Some(ClaimKind::Professional),
            b"SV2" => Some(ClaimKind::Institutional),
            b"SV3" => Some(ClaimKind::Dental),
            _ => None,
        }
    }

    /// The service-line segment id of this kind.
    pub fn service_segment(self) -> &'static str {
        match self {
            ClaimKind::Professional => "SV1",
            ClaimKind::Institutional => "SV2",
            ClaimKind::Dental => "SV3",
        }
    }

    /// The 5010 version label HIPAA adopted for this kind.
    pub fn version_5010(self) -> &'static str {
        match self {
            ClaimKind::Professional => "005010X222A1",
            ClaimKind::Institutional => "005010X223A2",
            ClaimKind::Dental => "005010X224A2",
        }
    }
}

impl fmt::Display for ClaimKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for ClaimKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// A loop of the 837, by its implementation-guide name.
///
/// The letter of the provider loops (2310x, 2330x, 2420x) depends on the kind and on the
/// entity code in NM101; see [`LoopId::provider_loop`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LoopId {
    /// The transaction header: ST, BHT and anything before the first loop.
    Header,
    /// 1000A submitter name (NM1*41).
    L1000A,
    /// 1000B receiver name (NM1*40).
    L1000B,
    /// 2000A billing provider level (HL03 = 20).
    L2000A,
    /// 2010AA billing provider name (NM1*85).
    L2010AA,
    /// 2010AB pay-to address (NM1*87).
    L2010AB,
    /// 2010AC pay-to plan (NM1*PE).
    L2010AC,
    /// 2000B subscriber level (HL03 = 22).
    L2000B,
    /// 2010BA subscriber name (NM1*IL).
    L2010BA,
    /// 2010BB payer name (NM1*PR).
    L2010BB,
    /// 2000C patient level (HL03 = 23).
    L2000C,
    /// 2010CA patient name (NM1*QC).
    L2010CA,
    /// An HL level with another HL03 code; kept as it is.
    L2000Other,
    /// 2300 claim (CLM).
    L2300,
    /// 2310A–2310F claim-level providers and locations (NM1); the letter is the field.
    L2310(u8),
    /// 2320 other subscriber (SBR inside a claim).
    L2320,
    /// 2330A–2330I other subscriber's names (NM1 inside 2320); the letter is the field.
    L2330(u8),
    /// 2400 service line (LX).
    L2400,
    /// 2410 drug identification (LIN).
    L2410,
    /// 2420A–2420H line-level providers (NM1 inside 2400); the letter is the field.
    L2420(u8),
    /// 2430 line adjudication (SVD).
    L2430,
    /// 2440 form identification (LQ).
    L2440,
    /// The transaction trailer (SE).
    Trailer,
}

impl LoopId {
    /// The loop a provider NM1 with entity code `code` starts under `parent` (2300 → 2310x,
    /// 2320 → 2330x, 2400 → 2420x) for the given kind (professional when unknown).
    pub fn provider_loop(parent: LoopId, kind: Option<ClaimKind>, code: &[u8]) -> Option<LoopId> {
        let kind = kind.unwrap_or(ClaimKind::Professional);
        use ClaimKind::*;
        let letter = match (parent, kind) {
            (LoopId::L2300, Professional) => match code {
                b"DN" | b"P3" => b'A',
                b"82" => b'B',
                b"77" => b'C',
                b"DQ" => b'D',
                b"PW" => b'E',
                b"45" => b'F',
                _ => return None,
            },
            (LoopId::L2300, Institutional) => match code {
                b"71" => b'A',
                b"72" => b'B',
                b"ZZ" => b'C',
                b"82" => b'D',
                b"77" => b'E',
                b"DN" => b'F',
                _ => return None,
            },
            (LoopId::L2300, Dental) => match code {
                b"DN" | b"P3" => b'A',
                b"82" => b'B',
                b"77" => b'C',
                b"DD" => b'D',
                b"DQ" => b'E',
                _ => return None,
            },
            (LoopId::L2320, Professional) => match code {
                b"IL" => b'A',
                b"PR" => b'B',
                b"DN" | b"P3" => b'C',
                b"82" => b'D',
                b"77" => b'E',
                b"DQ" => b'F',
                b"85" => b'G',
                _ => return None,
            },
            (LoopId::L2320, Institutional) => match code {
                b"IL" => b'A',
                b"PR" => b'B',
                b"71" => b'C',
                b"72" => b'D',
                b"ZZ" => b'E',
                b"77" => b'F',
                b"82" => b'G',
                b"DN" => b'H',
                b"85" => b'I',
                _ => return None,
            },
            (LoopId::L2320, Dental) => match code {
                b"IL" => b'A',
                b"PR" => b'B',
                b"DN" | b"P3" => b'C',
                b"82" => b'D',
                b"DQ" => b'E',
                b"85" => b'F',
                b"77" => b'G',
                b"DD" => b'H',
                _ => return None,
            },
            (LoopId::L2400, Professional) => match code {
                b"82" => b'A',
                b"QB" => b'B',
                b"77" => b'C',
                b"DQ" => b'D',
                b"DK" => b'E',
                b"DN" | b"P3" => b'F',
                b"PW" => b'G',
                b"45" => b'H',
                _ => return None,
            },
            (LoopId::L2400, Institutional) => match code {
                b"72" => b'A',
                b"ZZ" => b'B',
                b"82" => b'C',
                b"DN" => b'D',
                _ => return None,
            },
            (LoopId::L2400, Dental) => match code {
                b"82" => b'A',
                b"DD" => b'B',
                b"DQ" => b'C',
                b"77" => b'D',
                _ => return None,
            },
            _ => return None,
        };
        Some(match parent {
            LoopId::L2300 => LoopId::L2310(letter),
            LoopId::L2320 => LoopId::L2330(letter),
            _ => LoopId::L2420(letter),
        })
    }

    /// Whether this is an HL level (2000A/B/C or another HL03 code).
    pub fn is_hl(self) -> bool {
        matches!(
            self,
            LoopId::L2000A | LoopId::L2000B | LoopId::L2000C | LoopId::L2000Other
        )
    }

    /// The HL level an HL03 code opens.
    pub fn from_hl_code(code: &[u8]) -> LoopId {
        match code {
            b"20" => LoopId::L2000A,
            b"22" => LoopId::L2000B,
            b"23" => LoopId::L2000C,
            _ => LoopId::L2000Other,
        }
    }
}

impl fmt::Display for LoopId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = match self {
            LoopId::Header => "header",
            LoopId::L1000A => "1000A",
            LoopId::L1000B => "1000B",
            LoopId::L2000A => "2000A",
            LoopId::L2010AA => "2010AA",
            LoopId::L2010AB => "2010AB",
            LoopId::L2010AC => "2010AC",
            LoopId::L2000B => "2000B",
            LoopId::L2010BA => "2010BA",
            LoopId::L2010BB => "2010BB",
            LoopId::L2000C => "2000C",
            LoopId::L2010CA => "2010CA",
            LoopId::L2000Other => "2000",
            LoopId::L2300 => "2300",
            LoopId::L2310(c) => return write!(f, "2310{}", char::from(*c)),
            LoopId::L2320 => "2320",
            LoopId::L2330(c) => return write!(f, "2330{}", char::from(*c)),
            LoopId::L2400 => "2400",
            LoopId::L2410 => "2410",
            LoopId::L2420(c) => return write!(f, "2420{}", char::from(*c)),
            LoopId::L2430 => "2430",
            LoopId::L2440 => "2440",
            LoopId::Trailer => "trailer",
        };
        f.write_str(s)
    }
}

impl serde::Serialize for LoopId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_from_labels() {
        for (v, k) in [
            ("005010X222A1", Some(ClaimKind::Professional)),
            ("005010X222A2", Some(ClaimKind::Professional)),
            ("005010X223A3", Some(ClaimKind::Institutional)),
            ("005010X224A2", Some(ClaimKind::Dental)),
            ("004010X098A1", Some(ClaimKind::Professional)),
            ("004010X096A1", Some(ClaimKind::Institutional)),
            ("005010", None),
            ("", None),
        ] {
            assert_eq!(ClaimKind::from_version(v), k, "{v}");
        }
    }

    #[test]
    fn provider_letters() {
        let p = Some(ClaimKind::Professional);
        let i = Some(ClaimKind::Institutional);
        assert_eq!(
            LoopId::provider_loop(LoopId::L2300, p, b"82"),
            Some(LoopId::L2310(b'B'))
        );
        assert_eq!(
            LoopId::provider_loop(LoopId::L2300, i, b"82"),
            Some(LoopId::L2310(b'D'))
        );
        assert_eq!(
            LoopId::provider_loop(LoopId::L2320, p, b"PR"),
            Some(LoopId::L2330(b'B'))
        );
        assert_eq!(
            LoopId::provider_loop(LoopId::L2400, p, b"DK"),
            Some(LoopId::L2420(b'E'))
        );
        assert_eq!(LoopId::provider_loop(LoopId::L2400, i, b"DK"), None);
        assert_eq!(LoopId::L2310(b'B').to_string(), "2310B");
    }
}
