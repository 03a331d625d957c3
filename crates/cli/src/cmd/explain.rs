//! `denali explain`: what a group code, CARC and RARCs mean and what to do about them.

use std::io::{self, Write};
use std::process::ExitCode;

use denali_rules::{Explanation, RuleSet, parse_code_arg};
use serde::Serialize;

use crate::args::{ExplainArgs, ExplainFormat};
use crate::out;

#[derive(Serialize)]
struct JsonOut<'a> {
    input: &'a str,
    group: Option<&'a str>,
    carc: Option<&'a str>,
    rarcs: Vec<&'a str>,
    description: &'a str,
    kind: denali_rules::Kind,
    category: Option<denali_rules::Category>,
    class: denali_rules::Class,
    route: denali_rules::Route,
    appealable: bool,
    reason: &'a str,
    remarks: &'a [denali_rules::Remark],
}

/// Runs `denali explain`.
pub fn run(args: &ExplainArgs) -> io::Result<ExitCode> {
    let rules = match super::load_rules(&args.rules) {
        Ok(r) => r,
        Err(msg) => {
            eprintln!("denali: {msg}");
            return Ok(ExitCode::from(2));
        }
    };
    let mut w = out::stdout();
    let mut failed = false;
    for input in &args.codes {
        match parse_code_arg(input) {
            Ok(q) => {
                let e = rules.explain_query(&q);
                match args.format {
                    ExplainFormat::Json => {
                        out::json(&mut w, &json(input, &e))?;
                        w.write_all(b"\n")?;
                    }
                    ExplainFormat::Text => text(&mut w, input, &e)?,
                }
            }
            Err(e) => {
                w.flush()?;
                eprintln!("denali: {input:?}: {e}");
                failed = true;
            }
        }
    }
    w.flush()?;
    Ok(if failed {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

fn json<'a>(input: &'a str, e: &'a Explanation) -> JsonOut<'a> {
    JsonOut {
        input,
        group: e.group.as_ref().map(|g| g.as_str()),
        carc: e.carc.as_deref(),
        rarcs: e.rarcs.iter().map(|r| r.code.as_str()).collect(),
        description: &e.description,
        kind: e.kind,
        category: e.category,
        class: e.class,
        route: e.route,
        appealable: e.appealable,
        reason: &e.reason,
        remarks: &e.rarcs,
    }
}

fn text<W: Write>(w: &mut W, input: &str, e: &Explanation) -> io::Result<()> {
    writeln!(w, "{input}")?;
    writeln!(w, "  description  {}", e.description)?;
    for r in &e.rarcs {
        writeln!(
            w,
            "  remark       {} {}",
            r.code,
            r.description.as_deref().unwrap_or("(unknown remark code)")
        )?;
    }
    writeln!(w, "  kind         {}", e.kind)?;
    writeln!(
        w,
        "  category     {}",
        e.category.map(|c| c.as_str()).unwrap_or("-")
    )?;
    writeln!(w, "  class        {}", e.class)?;
    writeln!(w, "  route        {}", e.route)?;
    writeln!(
        w,
        "  appealable   {}",
        if e.appealable { "yes" } else { "no" }
    )?;
    writeln!(w, "  why          {}", e.reason)
}

/// Loads the rule set with the user's overrides and code list, if any.
pub fn load(rules: &crate::args::RulesArgs) -> Result<RuleSet, String> {
    let mut set = RuleSet::builtin();
    if let Some(p) = &rules.rules {
        let text = std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))?;
        set = set
            .with_overrides_toml(&text)
            .map_err(|e| format!("{}: {e}", p.display()))?;
    }
    if let Some(p) = &rules.code_list {
        let text = std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))?;
        set.load_code_descriptions(&text)
            .map_err(|e| format!("{}: {e}", p.display()))?;
    }
    Ok(set)
}
