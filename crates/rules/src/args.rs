//! Parsing the code arguments people type: `16`, `CO-16`, `CO16`, `N290`, `CO-16 N290`,
//! `co-16,N290`, `PR 96 N130`.

use serde::Serialize;

use crate::codes::{GroupCode, code_key, is_rarc_shape, normalize_code};
use crate::error::Error;

/// A parsed code argument: an optional group, an optional CARC and any RARCs.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[non_exhaustive]
pub struct CodeQuery {
    /// The adjustment group, from `CO-16`, `CO16` or a lone `CO` token.
    pub group: Option<GroupCode>,
    /// The CARC, normalised (upper case, no leading zeros).
    pub carc: Option<String>,
    /// The RARCs (`M…`, `MA…`, `N…`), normalised, in the order given.
    pub rarcs: Vec<String>,
}

/// Longest token we accept; real codes are at most 5 characters (`MA130`) plus a group.
const MAX_TOKEN: usize = 16;

/// Whether `s` (upper case) is one of the five X12 group codes.
fn is_group_word(s: &str) -> bool {
    matches!(s, "CO" | "PR" | "OA" | "PI" | "CR")
}

/// Parses a code argument into group, CARC and RARCs.
///
/// Tokens are separated by whitespace, `,`, `;`, `+` or `/`, case does not matter, and:
/// * `CO-16`, `CO:16` and `CO16` give a group and a CARC; any two letters before a `-` or `:`
///   are taken as a group (unrecognised ones become [`GroupCode::Other`]);
/// * a lone `CO`/`PR`/`OA`/`PI`/`CR` token gives the group for the CARC next to it;
/// * `M…`, `MA…` and `N…` codes are RARCs; anything else is the CARC (so `ZZ9` is accepted and
///   later classified as unknown).
///
/// Errors: empty input, a token with characters other than letters and digits, two CARCs, two
/// different groups, a group on a RARC, or a group with no code.
///
/// ```
/// use denali_rules::{GroupCode, parse_code_arg};
///
/// let q = parse_code_arg("co-16,N290").unwrap();
/// assert_eq!(q.group, Some(GroupCode::Co));
/// assert_eq!(q.carc.as_deref(), Some("16"));
/// assert_eq!(q.rarcs, ["N290"]);
/// ```
pub fn parse_code_arg(s: &str) -> Result<CodeQuery, Error> {
    let mut query = CodeQuery::default();
    let tokens = s
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '+' | '/'))
        .filter(|t| !t.is_empty());
    for token in tokens {
        let bad = |message: &str| Error::Argument {
            token: token.to_string(),
            message: message.to_string(),
        };
        if token.len() > MAX_TOKEN || !token.is_ascii() {
            return Err(bad("not a code"));
        }
        let upper = token.to_ascii_uppercase();
        let (group, code) = split_group(&upper);
        if let Some(g) = group {
            if g.len() != 2 || !g.bytes().all(|b| b.is_ascii_uppercase()) {
                return Err(bad("a group code is two letters (CO, PR, OA, PI, CR)"));
            }
            let g = GroupCode::parse(g);
            match &query.group {
                Some(existing) if *existing != g => {
                    return Err(bad("more than one group code given"));
                }
                _ => query.group = Some(g),
            }
        }
        if code.is_empty() {
            if group.is_some() && !is_group_word(&upper) {
                return Err(bad("group code without a reason code"));
            }
            continue;
        }
        if !code.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(bad("codes are letters and digits only"));
        }
        let code = normalize_code(code);
        if is_rarc_shape(&code) {
            if group.is_some() {
                return Err(bad("a remark code (RARC) has no group code"));
            }
            query.rarcs.push(code);
        } else if query.carc.is_some() {
            return Err(bad("more than one reason code (CARC) given"));
        } else {
            query.carc = Some(code);
        }
    }
    if query.carc.is_none() && query.rarcs.is_empty() {
        return Err(Error::Argument {
            token: s.to_string(),
            message: "no CARC or RARC given".to_string(),
        });
    }
    Ok(query)
}

/// Splits `CO-16`, `CO:16` or `CO16` into group and code; a lone group word gives an empty
/// code. The input is ASCII upper case.
fn split_group(token: &str) -> (Option<&str>, &str) {
    if let Some((group, code)) = token.split_once(['-', ':']) {
        return (Some(group), code);
    }
    if is_group_word(token) {
        return (Some(token), "");
    }
    if let (Some(prefix), Some(rest)) = (token.get(..2), token.get(2..))
        && is_group_word(prefix)
        && code_key(rest).is_some()
    {
        return (Some(prefix), rest);
    }
    (None, token)
}
