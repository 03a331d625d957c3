//! `denali fmt`: write X12 back, byte for byte by default; new delimiters, line breaks or
//! recounted envelopes on request.

use std::io::{self, Read, Write};
use std::process::ExitCode;

use denali_emit::LineEnding;
use denali_emit::fmt::{FmtOptions, format};
use denali_x12::{ParseOptions, Severity};

use crate::args::FmtArgs;
use crate::out;

/// Runs `denali fmt`.
pub fn run(args: &FmtArgs) -> io::Result<ExitCode> {
    let delimiters = match args
        .delimiters
        .as_deref()
        .map(denali_emit::parse_delimiters)
    {
        None => None,
        Some(Ok(d)) => Some(d),
        Some(Err(e)) => {
            eprintln!("denali fmt: --delimiters: {e}");
            return Ok(ExitCode::from(2));
        }
    };
    let name = args
        .file
        .as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "-".into());
    let mut input = Vec::new();
    let read = match &args.file {
        Some(p) if p.as_os_str() != "-" => {
            std::fs::File::open(p).and_then(|mut f| f.read_to_end(&mut input))
        }
        _ => io::stdin().lock().read_to_end(&mut input),
    };
    if let Err(e) = read {
        eprintln!("denali fmt: {name}: {e}");
        return Ok(ExitCode::from(1));
    }
    let opts = FmtOptions {
        delimiters,
        line_ending: if args.newline {
            LineEnding::Lf
        } else {
            LineEnding::AsParsed
        },
        recount: args.recount,
        parse: ParseOptions::default(),
    };
    let mut w = out::stdout();
    match format(&input, &opts, &mut w) {
        Ok(report) => {
            w.flush()?;
            for d in &report.diagnostics {
                eprintln!("denali fmt: {name}: {d}");
            }
            let errors = report
                .diagnostics
                .iter()
                .any(|d| d.severity == Severity::Error);
            Ok(if errors {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        Err(e) if e.is_io() => {
            w.flush().ok();
            Err(io::Error::new(io::ErrorKind::BrokenPipe, e.to_string()))
        }
        Err(e) => {
            w.flush()?;
            eprintln!("denali fmt: {name}: {e}");
            Ok(ExitCode::from(1))
        }
    }
}
