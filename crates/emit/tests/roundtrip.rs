//! Round trips: `emit(parse(f)) == f` byte for byte for every 837 in the project's fixtures and
//! in the shared external corpus (read in place, never copied: `DENALI_EXTERNAL_FIXTURES`), and
//! `fmt` options (delimiters, line breaks, recount) on them.

use std::path::{Path, PathBuf};

use denali_emit::fmt::{FmtOptions, format};
use denali_emit::{Document, LineEnding, Transaction, WriteOptions, Writer};
use denali_x12::{Delimiters, DiagnosticCode};

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files_under(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// Whether the file holds at least one 837 set (by reading it, not by its name).
fn is_837(bytes: &[u8]) -> bool {
    match Document::parse(bytes) {
        Ok((doc, _)) => doc
            .transactions()
            .any(|t| matches!(t, Transaction::Claim(_))),
        Err(_) => false,
    }
}

fn write_back(bytes: &[u8], opts: WriteOptions) -> Vec<u8> {
    let (doc, _) = Document::parse(bytes).unwrap();
    let mut out = Vec::new();
    let mut w = Writer::new(&mut out, opts).unwrap();
    doc.write_to(&mut w).unwrap();
    w.finish().unwrap();
    out
}

fn first_difference(a: &[u8], b: &[u8]) -> usize {
    a.iter()
        .zip(b)
        .position(|(x, y)| x != y)
        .unwrap_or(a.len().min(b.len()))
}

/// Checks one file; returns an error text when it does not round-trip.
fn check_file(path: &Path) -> Result<(), String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let out = write_back(&bytes, WriteOptions::default());
    if out != bytes {
        return Err(format!(
            "{}: model round trip differs at byte {} ({} vs {} bytes)",
            path.display(),
            first_difference(&bytes, &out),
            bytes.len(),
            out.len()
        ));
    }
    let mut fmt_out = Vec::new();
    format(&bytes, &FmtOptions::default(), &mut fmt_out)
        .map_err(|e| format!("{}: fmt: {e}", path.display()))?;
    if fmt_out != bytes {
        return Err(format!(
            "{}: fmt differs at byte {}",
            path.display(),
            first_difference(&bytes, &fmt_out)
        ));
    }
    // Other delimiters and line breaks, then back: same content.
    let alt = Delimiters {
        element: b'|',
        component: b'>',
        repetition: Some(b'!'),
        segment: b'\n',
    };
    let opts = FmtOptions {
        delimiters: Some(alt),
        line_ending: LineEnding::None,
        ..FmtOptions::default()
    };
    let mut a = Vec::new();
    if format(&bytes, &opts, &mut a).is_ok() {
        let (d0, _) = Document::parse(&bytes).map_err(|e| e.to_string())?;
        let (d1, _) = Document::parse(&a).map_err(|e| e.to_string())?;
        let c0: Vec<_> = d0
            .claim_sets()
            .map(|s| serde_json::to_value(s).unwrap())
            .collect();
        let c1: Vec<_> = d1
            .claim_sets()
            .map(|s| serde_json::to_value(s).unwrap())
            .collect();
        if c0 != c1 {
            return Err(format!(
                "{}: content changed with other delimiters",
                path.display()
            ));
        }
    }
    Ok(())
}

/// Runs `check_file` on every 837 under `dir`; returns (checked, failures).
fn check_dir(dir: &Path, skip_invalid: bool) -> (usize, Vec<String>) {
    let mut files = Vec::new();
    files_under(dir, &mut files);
    let mut checked = 0;
    let mut failures = Vec::new();
    for f in files {
        if skip_invalid && f.components().any(|c| c.as_os_str() == "invalid") {
            continue;
        }
        let Ok(bytes) = std::fs::read(&f) else {
            continue;
        };
        if !is_837(&bytes) {
            continue;
        }
        checked += 1;
        if let Err(e) = check_file(&f) {
            failures.push(e);
        }
    }
    (checked, failures)
}

#[test]
fn own_test_data_round_trips() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let (n, failures) = check_dir(&dir, false);
    assert!(n >= 1, "no test data found in {}", dir.display());
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn project_fixtures_round_trip() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.file_name()
                        .is_some_and(|n| n.to_string_lossy().starts_with("837"))
                })
                .collect()
        })
        .unwrap_or_default();
    dirs.sort();
    if dirs.is_empty() {
        eprintln!(
            "skipped: no fixtures/837* directories in {}",
            root.display()
        );
        return;
    }
    let mut total = 0;
    let mut failures = Vec::new();
    for d in &dirs {
        let (n, f) = check_dir(d, true);
        total += n;
        failures.extend(f);
    }
    eprintln!(
        "project fixtures: {} of {total} 837 files round-trip byte for byte",
        total - failures.len()
    );
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn external_corpus_round_trips() {
    let Some(dir) = std::env::var_os("DENALI_EXTERNAL_FIXTURES") else {
        eprintln!(
            "skipped: DENALI_EXTERNAL_FIXTURES is not set (point it at shared/fixtures/external)"
        );
        return;
    };
    let mut dir = PathBuf::from(dir);
    if dir.is_relative() {
        // cargo runs tests from the crate; a relative path is meant from the workspace root.
        dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../..")
            .join(dir);
    }
    assert!(
        dir.is_dir(),
        "DENALI_EXTERNAL_FIXTURES={} is not a directory",
        dir.display()
    );
    let (n, failures) = check_dir(&dir, true);
    eprintln!(
        "external corpus: {} of {n} well-formed 837 files round-trip byte for byte",
        n - failures.len()
    );
    assert!(
        n >= 50,
        "expected the external corpus to hold at least 50 837 files, found {n}"
    );
    assert!(failures.is_empty(), "{failures:#?}");
    // The deliberately broken ones must not panic and, where they can be read at all, must
    // round-trip too (the model keeps what it does not understand).
    let mut files = Vec::new();
    files_under(&dir.join("imsweb__x12-parser/invalid"), &mut files);
    for f in files {
        let bytes = std::fs::read(&f).unwrap();
        if Document::parse(&bytes).is_ok() {
            assert_eq!(
                write_back(&bytes, WriteOptions::default()),
                bytes,
                "{}",
                f.display()
            );
        }
    }
}

const BASIC: &str = include_str!("data/837p-basic.x12");

#[test]
fn recount_fixes_counts_and_is_a_no_op_on_correct_files() {
    let bytes = BASIC.as_bytes();
    let opts = FmtOptions {
        recount: true,
        ..FmtOptions::default()
    };
    let mut out = Vec::new();
    let report = format(bytes, &opts, &mut out).unwrap();
    assert_eq!(out, bytes, "recount changed a correct file");
    assert_eq!(report.stats.transactions, 1);
    // Break SE01, GE01, IEA01 and the HL numbering; recount repairs them.
    let broken = BASIC
        .replace("SE*49*0001", "SE*12*0001")
        .replace("GE*1*101", "GE*7*101")
        .replace("IEA*1*000000101", "IEA*3*000000101")
        .replace("HL*3*1*22*1", "HL*30*1*22*1")
        .replace("HL*4*3*23*0", "HL*40*30*23*0");
    let (_, diags) = Document::parse(broken.as_bytes()).unwrap();
    assert!(
        diags
            .iter()
            .any(|d| d.code == DiagnosticCode::SegmentCountMismatch)
    );
    let mut fixed = Vec::new();
    format(broken.as_bytes(), &opts, &mut fixed).unwrap();
    assert_eq!(String::from_utf8(fixed).unwrap(), BASIC);
}

#[test]
fn recount_adds_missing_trailers() {
    let cut = BASIC.split("SE*49").next().unwrap();
    let opts = FmtOptions {
        recount: true,
        ..FmtOptions::default()
    };
    let mut out = Vec::new();
    let report = format(cut.as_bytes(), &opts, &mut out).unwrap();
    assert_eq!(report.stats.trailers_added, 3);
    assert_eq!(String::from_utf8(out).unwrap(), BASIC);
}

#[test]
fn delimiters_and_newlines_change_and_come_back() {
    let bytes = BASIC.as_bytes();
    let alt = Delimiters {
        element: b'|',
        component: b'>',
        repetition: Some(b'!'),
        segment: b'~',
    };
    let opts = FmtOptions {
        delimiters: Some(alt),
        line_ending: LineEnding::CrLf,
        ..FmtOptions::default()
    };
    let mut a = Vec::new();
    format(bytes, &opts, &mut a).unwrap();
    let text = String::from_utf8(a.clone()).unwrap();
    assert!(text.starts_with("ISA|00|          |00|"));
    assert!(text.contains("|!|00501|000000101|0|T|>~\r\nGS|HC|"));
    assert!(text.contains("SV1|HC>99213>25|100.00|UN|1|||1>2~\r\n"));
    let back = FmtOptions {
        delimiters: Some(Delimiters::default()),
        line_ending: LineEnding::Lf,
        ..FmtOptions::default()
    };
    let mut b = Vec::new();
    format(&a, &back, &mut b).unwrap();
    assert_eq!(b, bytes);
}

#[test]
fn a_value_holding_a_new_delimiter_is_refused_by_name() {
    let bytes = BASIC.replace("NM1*82*1*DOCTOR*DANA", "NM1*82*1*DOCTOR|X*DANA");
    let alt = Delimiters {
        element: b'|',
        component: b'>',
        repetition: Some(b'!'),
        segment: b'~',
    };
    let opts = FmtOptions {
        delimiters: Some(alt),
        ..FmtOptions::default()
    };
    let err = format(bytes.as_bytes(), &opts, &mut Vec::new()).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("element separator"), "{msg}");
    assert!(msg.contains("element NM103"), "{msg}");
    assert!(msg.contains("loop 2310B"), "{msg}");
    assert!(!msg.contains("DOCTOR"), "the message leaks a value: {msg}");
}

#[test]
fn irregular_layouts_round_trip() {
    let cases: Vec<String> = vec![
        format!("\u{feff}{BASIC}"),
        BASIC.replace('\n', "\r\n"),
        BASIC.replace('\n', ""),
        BASIC.replacen("~\n", "~\n\n  ", 7),
        BASIC.trim_end().trim_end_matches('~').to_string(),
        format!("{BASIC}\n\n"),
        format!("junk before\n{BASIC}"),
        BASIC.replace("~\n", "\n"),
        BASIC.replace("~\n", "\r\n"),
        BASIC.replace("~\nLX*2~", "~\nXX\u{1}*bad~\nLX*2~"),
        BASIC.split("GS*").next().unwrap().to_string() + &BASIC[BASIC.find("ST*").unwrap()..],
        BASIC[BASIC.find("ST*").unwrap()..BASIC.find("GE*").unwrap()].to_string(),
        format!("{BASIC}{BASIC}"),
    ];
    for (i, c) in cases.iter().enumerate() {
        let Ok((doc, _)) = Document::parse(c.as_bytes()) else {
            panic!("case {i} unreadable")
        };
        assert!(doc.claim_sets().count() >= 1, "case {i}");
        let out = write_back(c.as_bytes(), WriteOptions::default());
        assert_eq!(String::from_utf8_lossy(&out), c.as_str(), "case {i}");
    }
}

/// Writes `input` with `|>{!` delimiters and `recount`, reads what was written and writes it
/// again: both outputs must be the same bytes. Returns the first output as text.
fn rewrite_twice(input: &[u8], line_ending: denali_emit::LineEnding) -> String {
    use denali_emit::{Document, WriteOptions, Writer};
    let opts = WriteOptions {
        delimiters: Some(denali_x12::Delimiters {
            element: b'|',
            component: b'>',
            repetition: Some(b'{'),
            segment: b'!',
        }),
        line_ending,
        recount: true,
    };
    let write = |doc: &Document| {
        let mut out = Vec::new();
        let mut w = Writer::new(&mut out, opts.clone()).expect("writer");
        doc.write_to(&mut w).expect("write");
        w.finish().expect("finish");
        out
    };
    let (doc, _) = Document::parse(input).expect("parse");
    let first = write(&doc);
    let (again, _) = Document::parse(&first).expect("parse what we wrote");
    let first = String::from_utf8_lossy(&first).into_owned();
    assert_eq!(first, String::from_utf8_lossy(&write(&again)));
    first
}

/// Found by the `roundtrip_837` fuzz target: an ISA13 holding the component separator (not a
/// valid control number, but it parses). ISA elements are never split into components, so ISA13
/// kept its ':' when the delimiters changed, while the IEA02 copy written by `recount` had it
/// translated; parsing and writing the output again then changed IEA02 a second time. IEA is now
/// translated like ISA (it has only simple elements).
#[test]
fn fuzz_iea_control_with_component_separator_is_stable() {
    let input = b"ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *250314*0930*^*00501*0000:0001*0*T*:~\
GS*HC*S*R*20250314*0930*1*X*005010X222A1~ST*837*0001*005010X222A1~BHT*0019*00*1*20250314*0930*CH~\
SE*3*0001~GE*1*1~IEA*1*0000:0001~";
    let out = rewrite_twice(input, denali_emit::LineEnding::Lf);
    assert!(out.contains("IEA|1|0000:0001!"));
}

/// Found by the `roundtrip_837` fuzz target: a missing GE written by `recount` copied GS06 in the
/// input's delimiters while GS06 itself was translated, so writing the output again changed GE02.
/// Missing trailers are now built in the input's delimiters and translated like real ones.
#[test]
fn fuzz_synthesized_trailer_translates_its_control_number() {
    let input = b"ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *250314*0930*^*00501*000000001*0*T*:~\
GS*HC*S*R*20250314*0930*1:2*X*005010X222A1~ST*837*0001*005010X222A1~BHT*0019*00*1*20250314*0930*CH~\
SE*3*0001~IEA*1*000000001~";
    let out = rewrite_twice(input, denali_emit::LineEnding::Lf);
    assert!(out.contains("GE|1|1>2!"));
}

/// Found by the `roundtrip_837` fuzz target: ISA11 equal to ISA16 cannot be a repetition
/// separator, so it was kept as it was when the delimiters changed; reading the output then found
/// a valid repetition separator there and a second write changed it. ISA11 now takes the target's.
#[test]
fn fuzz_isa11_colliding_with_isa16_gets_the_target_repetition() {
    let input = b"ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *250314*0930*^*00501*000000001*0*T*^~\
GS*HC*S*R*20250314*0930*1*X*005010X222A1~ST*837*0001*005010X222A1~BHT*0019*00*1*20250314*0930*CH~\
SE*3*0001~GE*1*1~IEA*1*000000001~";
    let out = rewrite_twice(input, denali_emit::LineEnding::None);
    assert!(out.contains("|0930|{|00501|"));
}

/// Found by the `roundtrip_837` fuzz target: a transaction set with no ISA around it had its
/// component separator changed, but nothing in the output declares one, so reading it back
/// guessed ':' and took the new separator ('>') for data; the second write then refused it.
/// Outside an interchange the input's component separator is kept.
#[test]
fn fuzz_bare_transaction_keeps_its_component_separator() {
    let input = b"ST*835*0001~BPR*I*85*C*A:B~SE*3*0001~";
    let out = rewrite_twice(input, denali_emit::LineEnding::None);
    assert_eq!(out, "ST|835|0001!BPR|I|85|C|A:B!SE|3|0001!");
    // Inside an interchange ISA16 declares it, so it changes there.
    let input = b"ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *250314*0930*^*00501*000000001*0*T*:~\
GS*HC*S*R*20250314*0930*1*X*005010X222A1~ST*835*0001~BPR*I*85*C*A:B~SE*3*0001~GE*1*1~IEA*1*000000001~";
    let out = rewrite_twice(input, denali_emit::LineEnding::None);
    assert!(out.contains("BPR|I|85|C|A>B!"), "{out}");
}

/// A bare transaction set whose input component separator is the new element separator cannot
/// be rewritten: the writer says so instead of writing something ambiguous.
#[test]
fn bare_transaction_component_colliding_with_new_element_is_refused() {
    use denali_emit::{Document, WriteOptions, Writer};
    let (doc, _) = Document::parse(b"ST*835*0001~BPR*I*85*C*A:B~SE*3*0001~").expect("parse");
    let opts = WriteOptions {
        delimiters: Some(denali_x12::Delimiters {
            element: b':',
            component: b'>',
            repetition: None,
            segment: b'!',
        }),
        ..WriteOptions::default()
    };
    let mut out = Vec::new();
    let mut w = Writer::new(&mut out, opts).expect("writer");
    let err = doc
        .write_to(&mut w)
        .expect_err("ambiguous output must be refused");
    assert!(err.to_string().contains("ST"), "{err}");
}

/// Found by the `roundtrip_837` fuzz target (input `ST\r\n:\0S2\0`): with CR as the element
/// separator and LF as the terminator, the reader took a CR before the LF for a CRLF line end
/// and dropped the segment's last, empty element; the first write then had an ST with no
/// element separator at all, which reads back with other delimiters. A CR that is a separator
/// now ends an element.
#[test]
fn fuzz_cr_element_separator_before_lf_terminator() {
    let out = rewrite_twice(b"ST\r835\r\nBHT\r0019\r\n", denali_emit::LineEnding::None);
    assert!(out.starts_with("ST|835|!BHT|0019|!"), "{out}");
    let out = rewrite_twice(b"ST\r\n:\0S2\0", denali_emit::LineEnding::Lf);
    assert!(out.starts_with("ST|!\n"), "{out}");
}

/// Found by the `roundtrip_837` fuzz target: after a bare GS (delimiters guessed, '|' and NUL),
/// the search for its missing GE ran on into an unpadded ISA read with '*' and took a "GE"
/// inside it for the trailer; the ISA's bytes were then written twice. The search stops at an
/// ISA, as the reader does.
#[test]
fn fuzz_trailer_search_stops_at_an_isa() {
    let input = b"GS|\0ISA***\0GE|*************:~";
    assert_eq!(write_back(input, WriteOptions::default()), input.to_vec());
}

/// Found by the `roundtrip_837` fuzz target (`ST:~GS\0`): a bare ST whose element separator is
/// ':' was given the default component separator ':' too, so element and component could not
/// be told apart and a rewrite changed the output again. The guess now picks another.
#[test]
fn fuzz_bare_st_with_colon_element_separator() {
    let d = denali_x12::Delimiters::guess_from_st(b"ST:~GS\0");
    assert!(
        d.is_some_and(|d| d.component != b':' && d.component != b'~'),
        "{d:?}"
    );
    rewrite_twice(b"ST:~GS\0", denali_emit::LineEnding::None);
    rewrite_twice(
        b"ST:837:0001~BHT:0019~SE:3:0001~",
        denali_emit::LineEnding::Lf,
    );
}

/// Found by the `roundtrip_837` fuzz target (`ST?\0ISA`): "ISA" at the end of the input, with
/// no delimiter after it, opened an interchange with nothing in it; the rewrite wrote an empty
/// segment and an IEA that then read back as garbage. Such an ISA is now a skipped segment.
#[test]
fn fuzz_isa_without_a_delimiter_is_skipped() {
    let out = rewrite_twice(b"ST?\0ISA", denali_emit::LineEnding::Lf);
    assert_eq!(out, "ST|!\nSE|2|!\n");
}

/// Found by the `roundtrip_837` fuzz target (`ST*\0ISA***ZZ ***…`): the bare ST's component
/// separator was guessed from the byte after a `ZZ` qualifier, a space. A guessed separator is
/// never white space now.
#[test]
fn fuzz_guessed_component_is_not_white_space() {
    let input = b"ST*\0ISA***ZZ *************~\n";
    let d = denali_x12::Delimiters::guess_from_st(input);
    assert!(d.is_some_and(|d| d.component == b':'), "{d:?}");
    rewrite_twice(input, denali_emit::LineEnding::Lf);
}

/// Found by the `roundtrip_837` fuzz target: a set whose SE is missing, closed by an ISA with
/// another component separator, carried the new ISA's delimiters; the GE written by `recount`
/// then had its control number translated as if ':' were a separator, and a second pass changed
/// it back. (Reader regression test: `fuzz_set_closed_by_an_isa_keeps_its_delimiters`.)
#[test]
fn fuzz_set_closed_by_an_isa_is_written_in_its_own_delimiters() {
    let out = rewrite_twice(
        b"ISA****************~\nGS******:\nST\nISA****************:\x01",
        denali_emit::LineEnding::Lf,
    );
    assert!(out.contains("GE|1|:!"), "{out}");
}

/// Found by the `roundtrip_837` fuzz target (`GS\r\n`, 4 bytes): the document reader cut a CR
/// before a LF terminator off envelope segments even when CR was the element separator, as the
/// reader did before `fuzz_cr_element_separator_before_lf_terminator`; the GS lost its element.
#[test]
fn fuzz_cr_element_separator_in_an_envelope_segment() {
    assert_eq!(
        rewrite_twice(b"GS\r\n", denali_emit::LineEnding::Lf),
        "GS|!\nGE|0|!\n"
    );
    assert_eq!(
        write_back(b"GS\r\n", WriteOptions::default()),
        b"GS\r\n".to_vec()
    );
}

/// Found by the `roundtrip_837` fuzz target (`GS\x01\0ISA*…HC^…`): a bare GS read back with a
/// component separator guessed from a later `HC{`, which the writer then paired with its new
/// repetition separator `{`, and refused. Outside an interchange no ISA11 declares a repetition
/// separator either, so the input's (none) is kept, like its component separator.
#[test]
fn fuzz_bare_group_keeps_its_repetition_separator() {
    let input = b"GS\x01\0ISA***********HC^*****:~";
    let out = rewrite_twice(input, denali_emit::LineEnding::Lf);
    assert!(out.starts_with("GS|!\n"), "{out}");
}

/// Found by the `roundtrip_837` fuzz target (30 bytes): with LF as the terminator, the search
/// for the first group's missing GE read the next segment's id as `GS\r` (CR included), did not
/// stop at it, and took the second group's GE; the bytes between were written twice. The id is
/// now read within the segment as the reader sees it.
#[test]
fn fuzz_trailer_search_reads_ids_as_the_reader_does() {
    let input = b"ISA****************~\nGS\nGS\r\nGE";
    assert_eq!(write_back(input, WriteOptions::default()), input.to_vec());
}

/// Found by the `roundtrip_837` fuzz target (172 bytes) the day files wrapped at a fixed width
/// began to be read without their line breaks: this malformed ISA is written with a line break
/// inside it, in two lines of 66 bytes, and two equal lines were then enough to read the written
/// file back as wrapped, so a second write differed. Three lines of one width are now needed.
#[test]
fn fuzz_two_equal_lines_are_not_a_wrapped_file() {
    let input = b"\x07\0\0\0\0\0\0\0\x80KKKN,\0\0\0\0\0\0KKKKKKKKKKK\0ISA*00*          *00\0\0\0\x04*          *ZZ*QTYSUMMITHP       *ZZ*DT*:~\nGS*HP*SUMMITHP*DE\x88ALICLINIC*10\0K.346*0\xA130*9904\0A\0\0\0KKKKKKKKKREF*\n\0L~6R*PC";
    rewrite_twice(input, denali_emit::LineEnding::Lf);
}
