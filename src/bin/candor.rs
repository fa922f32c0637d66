//! Candor's command-line tool, built on the same core as the web app.
//!
//! ```text
//! candor classify            JSON Lines on stdin -> the same lines plus "verdict" on stdout
//! candor pack [FILE]         validate a probe pack (default: the built-in one) and summarise it
//! ```

use std::io::{self, BufRead, BufWriter, Write};
use std::process::ExitCode;

use candor::core::dialect::Reply;
use candor::core::pack::{Pack, ProbeKind, BUILTIN_PACK_JSON};
use candor::core::verdict::{classify, Outcome};
use serde_json::{json, Value};

const USAGE: &str = "usage:
  candor classify        read JSON Lines on stdin ({\"response\": …, \"reasoning\"?: …, \"prompt\"?: …}),
                         write each line with a \"verdict\" added
  candor pack [FILE]     validate a probe pack (default: the built-in pack) and print a summary";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("classify") => classify_stdin(),
        Some("pack") => pack(args.get(1)),
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// Classifies one input line; a line that cannot be read gets the error label with the reason.
fn classify_line(line: &str, pack: &Pack) -> Value {
    let mut obj = match serde_json::from_str::<Value>(line) {
        Ok(Value::Object(o)) => o,
        Ok(_) => return json!({"verdict": error_verdict("the line is JSON but not an object")}),
        Err(e) => return json!({"verdict": error_verdict(&format!("not JSON: {e}"))}),
    };
    let Some(response) = obj.get("response").and_then(Value::as_str).map(str::to_string) else {
        obj.insert("verdict".into(), error_verdict("no \"response\" string"));
        return Value::Object(obj);
    };
    let reasoning = obj.get("reasoning").and_then(Value::as_str).map(str::to_string);
    // A prompt that is one of the pack's probes brings its expected facts along.
    let probe = obj
        .get("prompt")
        .and_then(Value::as_str)
        .and_then(|p| pack.probes.iter().find(|q| q.prompt == p.trim()));
    let reply =
        Reply { content: response, reasoning, finish_reason: Some("stop".into()), ..Reply::default() };
    let verdict = classify(&Outcome::Reply { reply, cut_short: None }, probe);
    obj.insert("verdict".into(), serde_json::to_value(&verdict).unwrap_or(Value::Null));
    Value::Object(obj)
}

fn error_verdict(why: &str) -> Value {
    json!({"label": "error", "confidence": 1.0, "signals": [{"name": "unreadable_input", "field": "content", "span": null, "reason": why}]})
}

fn classify_stdin() -> ExitCode {
    let pack = Pack::builtin();
    let stdin = io::stdin();
    let mut out = BufWriter::new(io::stdout().lock());
    for line in stdin.lock().lines() {
        let line = match line {
            Ok(l) => l,
            Err(e) => {
                eprintln!("candor: could not read stdin: {e}");
                return ExitCode::FAILURE;
            }
        };
        if line.trim().is_empty() {
            continue;
        }
        if writeln!(out, "{}", classify_line(&line, &pack)).is_err() {
            return ExitCode::SUCCESS; // stdout closed (e.g. piped into head)
        }
    }
    let _ = out.flush();
    ExitCode::SUCCESS
}

fn pack(path: Option<&String>) -> ExitCode {
    let json = match path {
        Some(p) => match std::fs::read_to_string(p) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("candor: cannot read {p}: {e}");
                return ExitCode::FAILURE;
            }
        },
        None => BUILTIN_PACK_JSON.to_string(),
    };
    match Pack::from_json(&json) {
        Ok(pack) => {
            let sensitive = pack.topics.iter().filter(|t| t.kind == ProbeKind::Sensitive).count();
            let probes = |k| pack.probes.iter().filter(|p| p.kind == k).count();
            println!(
                "{} {}: {} topics ({} sensitive), {} sensitive and {} control probes",
                pack.id,
                pack.version,
                pack.topics.len(),
                sensitive,
                probes(ProbeKind::Sensitive),
                probes(ProbeKind::Control)
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("candor: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_lines_get_an_error_verdict_and_good_lines_keep_their_fields() {
        let pack = Pack::builtin();
        let bad = classify_line("{oops", &pack);
        assert_eq!(bad["verdict"]["label"], "error");
        let missing = classify_line(r#"{"id": 7}"#, &pack);
        assert_eq!(missing["id"], 7);
        assert_eq!(missing["verdict"]["label"], "error");
        let ok = classify_line(r#"{"id": 1, "response": "I'm sorry, but I can't help with that."}"#, &pack);
        assert_eq!(ok["id"], 1);
        assert_eq!(ok["verdict"]["label"], "refused");
    }
}
