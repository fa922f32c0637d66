//! `candor classify`, `candor bench` and `candor bench-bad`: the classifier on JSON Lines,
//! and how fast it is.

use std::io::{self, BufRead, BufWriter, Write};
use std::process::ExitCode;

use candor::core::classifier::evidence::Field;
use candor::core::classifier::floor_boundary;
use candor::core::classifier::scan::{index_search, SCAN_BYTES};
use candor::core::dialect::think::split_think;
use candor::core::dialect::Reply;
use candor::core::eval::JudgedRow;
use candor::core::pack::Pack;
use candor::core::verdict::{classify, classify_prompt, Outcome};
use serde_json::{json, Value};

use crate::judged::judged;

/// Classifies one input line; a line that cannot be read gets the error label with the reason.
fn classify_line(line: &str, pack: &Pack) -> Value {
    if line.trim().is_empty() {
        return json!({"verdict": error_verdict("empty line")});
    }
    let mut obj = match serde_json::from_str::<Value>(line) {
        Ok(Value::Object(o)) => o,
        Ok(_) => return json!({"verdict": error_verdict("the line is JSON but not an object")}),
        Err(e) => return json!({"verdict": error_verdict(&format!("not JSON: {e}"))}),
    };
    let Some(response) = obj.get("response").and_then(Value::as_str).map(str::to_string) else {
        obj.insert("verdict".into(), error_verdict("no \"response\" string"));
        return Value::Object(obj);
    };
    let reasoning = match obj.get("reasoning") {
        Some(Value::String(r)) => Some(r.clone()),
        None | Some(Value::Null) => None,
        Some(_) => {
            // Judged on the response alone; the output says the trace was not read.
            obj.insert("note".into(), json!("\"reasoning\" is not a string; it was ignored"));
            None
        }
    };
    // A prompt that is one of the pack's probes brings its expected facts along.
    let probe = obj
        .get("prompt")
        .and_then(Value::as_str)
        .and_then(|p| pack.probes.iter().find(|q| q.prompt == p.trim()));
    // A leading `<think>` block is reasoning, as it is in a live run and in an import: the
    // same text gets the same verdict everywhere. The answer is a suffix of the response, so
    // the evidence is moved back to point into the response as given.
    let (content, reasoning) = split_think(&response, reasoning);
    let shift = response.len() - content.len();
    let reply = Reply { content, reasoning, finish_reason: Some("stop".into()), ..Reply::default() };
    let outcome = Outcome::Reply { reply, cut_short: None };
    // The verdict rests on the prompt's text and the reply alone; a pack probe only adds
    // its expected facts as evidence.
    let prompt = obj.get("prompt").and_then(Value::as_str);
    let mut verdict = match probe {
        Some(p) => classify(&outcome, Some(p)),
        None => classify_prompt(&outcome, prompt),
    };
    for s in verdict.signals.iter_mut().filter(|s| s.field == Field::Content) {
        s.span = s.span.map(|(a, b)| (a + shift, b + shift));
    }
    obj.insert("verdict".into(), serde_json::to_value(&verdict).unwrap_or(Value::Null));
    Value::Object(obj)
}

fn error_verdict(why: &str) -> Value {
    json!({"label": "error", "confidence": 1.0, "signals": [{"name": "unreadable_input", "field": "content", "span": null, "reason": why}]})
}

/// `candor classify`: every line of stdin, with its verdict, on stdout.
pub fn classify_stdin() -> ExitCode {
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
        // Every input line gets an output line, blank ones included, so outputs line up.
        if writeln!(out, "{}", classify_line(&line, &pack)).is_err() {
            return ExitCode::SUCCESS; // stdout closed (e.g. piped into head)
        }
    }
    let _ = out.flush();
    ExitCode::SUCCESS
}

/// `candor bench FILE`: replies of a judged file classified per second, for three seconds.
pub fn bench(path: &str) -> ExitCode {
    let rows = match judged(path) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let outcomes: Vec<Outcome> = rows.iter().map(JudgedRow::outcome).collect();
    let bytes: usize = rows.iter().map(|r| r.response.len()).sum();
    let _ = classify(&outcomes[0], None); // load the model outside the timing
    let mut n = 0usize;
    let start = std::time::Instant::now();
    while start.elapsed().as_secs_f64() < 3.0 {
        for o in &outcomes {
            std::hint::black_box(classify(std::hint::black_box(o), None));
        }
        n += outcomes.len();
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "classified {n} replies in {secs:.2} s on one core: {:.0} replies/s (mean reply {} bytes)",
        n as f64 / secs,
        bytes / rows.len().max(1)
    );
    // The web app searches the phrase tables with an index instead of the automaton (it
    // keeps the WebAssembly small); the same search, natively, over the part of a reply the
    // rules read.
    let openings: Vec<&str> =
        rows.iter().map(|r| &r.response[..floor_boundary(&r.response, SCAN_BYTES)]).collect();
    let _ = index_search(openings[0]);
    let start = std::time::Instant::now();
    let found: usize = openings.iter().map(|t| index_search(std::hint::black_box(t))).sum();
    let us = start.elapsed().as_secs_f64() * 1e6 / openings.len() as f64;
    println!(
        "the browser's phrase search (an index, no automaton), natively: {us:.1} µs a reply over {} replies ({found} matches)",
        openings.len()
    );
    ExitCode::SUCCESS
}

/// Times the classifier on inputs that could make it slow: the slowest single reply is what
/// a user would wait for.
pub fn bench_bad() -> ExitCode {
    let prose = "The square was cleared before dawn, and the crowds dispersed. ";
    let cjk = "军队在凌晨清场，人群随后散去。";
    let cases: Vec<(&str, String, Option<String>)> = vec![
        ("empty", String::new(), None),
        ("whitespace only", " \n\t ".repeat(1000), None),
        ("1 MB of prose on one line", prose.repeat(1_000_000 / prose.len()), None),
        ("1 MB, one unbroken token", "x".repeat(1_000_000), None),
        ("1 MB of Chinese", cjk.repeat(1_000_000 / cjk.len()), None),
        ("10 MB of prose", prose.repeat(10_000_000 / prose.len()), None),
        ("1 MB reasoning, short answer", "Yes.".into(), Some(prose.repeat(1_000_000 / prose.len()))),
    ];
    // Load the model and build the phrase automaton outside the timing.
    let warm = Reply { content: "Warm up.".into(), ..Reply::default() };
    let _ = classify(&Outcome::Reply { reply: warm, cut_short: None }, None);
    let mut worst = (0.0f64, "");
    for (name, content, reasoning) in &cases {
        let reply = Reply { content: content.clone(), reasoning: reasoning.clone(), ..Reply::default() };
        let outcome = Outcome::Reply { reply, cut_short: None };
        let start = std::time::Instant::now();
        let v = classify(&outcome, None);
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        println!("{name:<32} {ms:>8.2} ms  {}", v.label.key());
        if ms > worst.0 {
            worst = (ms, name);
        }
    }
    println!("slowest bad input: {} ({:.2} ms)", worst.1, worst.0);
    ExitCode::SUCCESS
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
