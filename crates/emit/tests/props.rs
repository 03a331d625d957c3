//! Properties (fixed case counts, so CI time is bounded):
//! * `parse(emit(m)) == m` for generated 837P models, with any delimiters and line breaks;
//! * writing with other delimiters and reading back keeps the content;
//! * recount on a model whose counts and HL numbers were broken restores them;
//! * no input panics the document reader, `fmt`, or the typed views.

mod common;

use denali_emit::fmt::{FmtOptions, format};
use denali_emit::{Document, LineEnding, WriteOptions, Writer};
use denali_x12::claim::LineEnd;
use proptest::prelude::*;

fn emit(doc: &Document, opts: WriteOptions) -> Vec<u8> {
    let mut out = Vec::new();
    let mut w = Writer::new(&mut out, opts).unwrap();
    doc.write_to(&mut w).unwrap();
    w.finish().unwrap();
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn parse_of_emit_is_identity(spec in common::set_spec(), d in common::delimiters(), le in common::line_end()) {
        let set = common::build_set(&spec, d, le);
        let doc = common::document(set.clone(), d, le);
        let bytes = emit(&doc, WriteOptions::default());
        let (back, diags) = Document::parse(&bytes).unwrap();
        prop_assert!(diags.is_empty(), "{:?}", diags);
        prop_assert_eq!(&back, &doc);
        let parsed = back.claim_sets().next().unwrap();
        prop_assert_eq!(parsed, &set);
        // The typed views see what the spec says.
        let claims: Vec<_> = parsed.claims().collect();
        let want: usize = spec.providers.iter().flat_map(|p| &p.subscribers).map(|s| s.claims.len()).sum();
        prop_assert_eq!(claims.len(), want);
        let specs = spec.providers.iter().flat_map(|p| &p.subscribers).flat_map(|s| &s.claims);
        for (c, s) in claims.iter().zip(specs) {
            prop_assert_eq!(c.patient_control_number(), Some(s.pcn.as_str()));
            prop_assert_eq!(c.frequency_code().map(|f| f.as_byte()), Some(s.frequency));
            prop_assert_eq!(c.lines().count(), s.lines.len());
            let total: u64 = s.lines.iter().map(|l| u64::from(l.charge_cents)).sum();
            prop_assert_eq!(c.total_charge().map(|t| t.to_string()), Some(format!("{}.{:02}", total / 100, total % 100)));
            for (l, ls) in c.lines().zip(&s.lines) {
                let p = l.procedure().unwrap();
                prop_assert_eq!(p.code, ls.procedure.as_str());
                prop_assert_eq!(p.modifiers, ls.modifiers.iter().map(String::as_str).collect::<Vec<_>>());
                prop_assert_eq!(l.control_number(), Some(ls.control.as_str()));
            }
            if s.frequency != b'1' {
                prop_assert_eq!(c.original_claim_number(), Some(s.original_icn.as_str()));
            }
        }
        // Emitting the parsed model again is byte for byte.
        prop_assert_eq!(emit(&back, WriteOptions::default()), bytes);
    }

    #[test]
    fn other_delimiters_keep_the_content(spec in common::set_spec(), d in common::delimiters(), to in common::delimiters(), le in common::line_end()) {
        let set = common::build_set(&spec, d, le);
        let doc = common::document(set, d, le);
        let bytes = emit(&doc, WriteOptions::default());
        let line_ending = match le { LineEnd::None => LineEnding::None, LineEnd::CrLf => LineEnding::CrLf, _ => LineEnding::Lf };
        let moved = emit(&doc, WriteOptions { delimiters: Some(to), line_ending, recount: false });
        let (back, diags) = Document::parse(&moved).unwrap();
        prop_assert!(diags.is_empty(), "{:?}", diags);
        let a = serde_json::to_value(doc.claim_sets().next().unwrap()).unwrap();
        let b = serde_json::to_value(back.claim_sets().next().unwrap()).unwrap();
        prop_assert_eq!(a, b);
        // and back again, byte for byte
        let home = emit(&back, WriteOptions { delimiters: Some(d), line_ending, recount: false });
        prop_assert_eq!(home, bytes);
    }

    #[test]
    fn recount_repairs_counts_and_hl_numbers(spec in common::set_spec(), shift in 1u32..50) {
        let d = denali_x12::Delimiters::default();
        let set = common::build_set(&spec, d, LineEnd::Lf);
        let doc = common::document(set, d, LineEnd::Lf);
        let good = String::from_utf8(emit(&doc, WriteOptions::default())).unwrap();
        // Shift every HL id and parent, and break SE01/GE01/IEA01.
        let mut broken = String::new();
        for line in good.lines() {
            let l = if let Some(rest) = line.strip_prefix("HL*") {
                let mut parts: Vec<String> = rest.trim_end_matches('~').split('*').map(str::to_string).collect();
                for p in parts.iter_mut().take(2) {
                    if let Ok(n) = p.parse::<u32>() { *p = (n + shift).to_string(); }
                }
                format!("HL*{}~", parts.join("*"))
            } else if line.starts_with("SE*") {
                line.replacen("SE*", "SE*9", 1)
            } else if line.starts_with("GE*1") {
                line.replacen("GE*1", "GE*4", 1)
            } else if line.starts_with("IEA*1") {
                line.replacen("IEA*1", "IEA*2", 1)
            } else {
                line.to_string()
            };
            broken.push_str(&l);
            broken.push('\n');
        }
        prop_assert_ne!(&broken, &good);
        let mut fixed = Vec::new();
        format(broken.as_bytes(), &FmtOptions { recount: true, ..FmtOptions::default() }, &mut fixed).unwrap();
        prop_assert_eq!(String::from_utf8(fixed).unwrap(), good);
    }

    #[test]
    fn no_input_panics(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let _ = Document::parse(&bytes);
        let _ = format(&bytes, &FmtOptions::default(), &mut Vec::new());
        let _ = format(&bytes, &FmtOptions { recount: true, line_ending: LineEnding::CrLf, ..FmtOptions::default() }, &mut Vec::new());
    }

    #[test]
    fn mutated_837s_never_panic(spec in common::set_spec(), cuts in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8)) {
        let d = denali_x12::Delimiters::default();
        let doc = common::document(common::build_set(&spec, d, LineEnd::Lf), d, LineEnd::Lf);
        let mut bytes = emit(&doc, WriteOptions::default());
        for (at, b) in cuts {
            let i = at.index(bytes.len());
            bytes[i] = b;
        }
        if let Ok((doc, _)) = Document::parse(&bytes) {
            for set in doc.claim_sets() {
                let _ = serde_json::to_string(set).unwrap();
                for c in set.claims_with_context() {
                    let _ = c.into_set();
                }
            }
            // What can be read is written back byte for byte.
            prop_assert_eq!(emit(&doc, WriteOptions::default()), bytes.clone());
        }
        let _ = format(&bytes, &FmtOptions { recount: true, ..FmtOptions::default() }, &mut Vec::new());
    }
}
