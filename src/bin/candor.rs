//! Candor's command-line tool, built on the same core as the web app.
//!
//! ```text
//! candor classify            JSON Lines on stdin -> the same lines plus "verdict" on stdout
//! candor pack [FILE]         validate a probe pack (default: the built-in one) and summarise it
//! candor pack check [FILE]   every content rule of a pack
//! candor import speechmap|promptfoo FILE    another tool's results -> a Candor report on stdout
//! candor report FILE --format html|md|csv|json    render a saved report, as the app exports it
//! candor compare A B         which cells changed verdict between two reports
//! ```

use std::io::{self, BufRead, BufWriter, Write};
use std::process::ExitCode;

use candor::core::classifier::features::Feature;
use candor::core::classifier::model::{self, Model, TrainConfig};
use candor::core::classifier::{classify_with, features_of, Context};
use candor::core::dialect::Reply;
use candor::core::eval::{read_judged, traditional_copies, Agreement, JudgedRow};
use candor::core::pack::{Pack, ProbeKind, BUILTIN_PACK_JSON};
use candor::core::report;
use candor::core::verdict::{classify, classify_prompt, Outcome};
use serde_json::{json, Value};

const USAGE: &str = "usage:
  candor classify        read JSON Lines on stdin ({\"response\": …, \"reasoning\"?: …, \"prompt\"?: …}),
                         write each line with a \"verdict\" added
  candor eval FILE… [--split held-out|train|all] [--misses]
                         agreement with the judges' labels of judged JSON Lines files, per source,
                         language (with Traditional Chinese copies of the Chinese rows) and model;
                         --misses lists the disagreements on stderr
  candor train FILE… [--out PATH]
                         train the text model on the training split of judged files (default out:
                         static/model/verdict-v1.bin); prints held-out and training-split agreement
  candor cv FILE…        agreement held out by model: train without a sixth of the models, judge those
  candor bench FILE      replies classified per second on one core
  candor bench-bad       time per reply on empty, 1 MB and 10 MB inputs
  candor pack [FILE]     validate a probe pack (default: the built-in pack) and print a summary
  candor pack check [FILE]
                         every content rule of a pack: languages and scripts, core topics in order,
                         controls, 4 to 8 expected facts that neither echo the question nor overlap
                         the official-line formulas
  candor import speechmap FILE.jsonl
  candor import promptfoo FILE.json
                         turn a SpeechMap analysis file or a promptfoo results file into a Candor
                         report (JSON on stdout; replies judged again, the file's labels kept;
                         rows that cannot be read are listed on stderr)
  candor report FILE.json --format html|md|csv|json
                         render a saved report on stdout, byte for byte as the app exports it
  candor compare A.json B.json
                         which cells changed verdict between two reports, per provider and topic";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("classify") => classify_stdin(),
        Some("pack") if args.get(1).map(String::as_str) == Some("check") => pack_check(args.get(2)),
        Some("pack") => pack(args.get(1)),
        Some("train") => match args.get(1) {
            Some(_) => train(&args[1..], flag(&args, "--out"), &train_config(&args)),
            None => {
                eprintln!("{USAGE}");
                ExitCode::from(2)
            }
        },
        Some("cv") => match args.get(1) {
            Some(_) => cross_validate(&args[1..], &train_config(&args)),
            None => {
                eprintln!("{USAGE}");
                ExitCode::from(2)
            }
        },
        Some("bench-bad") => bench_bad(),
        Some("bench") => match args.get(1) {
            Some(f) => bench(f),
            None => {
                eprintln!("{USAGE}");
                ExitCode::from(2)
            }
        },
        Some("import") => match (args.get(1).map(String::as_str), args.get(2)) {
            (Some(kind @ ("speechmap" | "promptfoo")), Some(f)) => import(kind, f),
            _ => {
                eprintln!("{USAGE}");
                ExitCode::from(2)
            }
        },
        Some("report") => match args.get(1).filter(|a| !a.starts_with("--")) {
            Some(f) => render_report(f, flag(&args, "--format").map(String::as_str)),
            None => {
                eprintln!("{USAGE}");
                ExitCode::from(2)
            }
        },
        Some("compare") => match (args.get(1), args.get(2)) {
            (Some(a), Some(b)) => compare_reports(a, b),
            _ => {
                eprintln!("{USAGE}");
                ExitCode::from(2)
            }
        },
        Some("eval") => match args.get(1) {
            Some(_) => eval(&args[1..]),
            None => {
                eprintln!("{USAGE}");
                ExitCode::from(2)
            }
        },
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

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
    let reply =
        Reply { content: response, reasoning, finish_reason: Some("stop".into()), ..Reply::default() };
    let outcome = Outcome::Reply { reply, cut_short: None };
    // The verdict rests on the prompt's text and the reply alone; a pack probe only adds
    // its expected facts as evidence.
    let prompt = obj.get("prompt").and_then(Value::as_str);
    let verdict = match probe {
        Some(p) => classify(&outcome, Some(p)),
        None => classify_prompt(&outcome, prompt),
    };
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
        // Every input line gets an output line, blank ones included, so outputs line up.
        if writeln!(out, "{}", classify_line(&line, &pack)).is_err() {
            return ExitCode::SUCCESS; // stdout closed (e.g. piped into head)
        }
    }
    let _ = out.flush();
    ExitCode::SUCCESS
}

fn read(path: &str) -> Result<String, ExitCode> {
    std::fs::read_to_string(path).map_err(|e| {
        eprintln!("candor: cannot read {path}: {e}");
        ExitCode::FAILURE
    })
}

/// Which rows of the judged files a command reads.
#[derive(Clone, Copy, PartialEq)]
enum Split {
    HeldOut,
    Train,
    All,
}

fn split_of(args: &[String]) -> Split {
    match flag(args, "--split").map(String::as_str) {
        Some("held-out") => Split::HeldOut,
        Some("train") => Split::Train,
        _ => Split::All,
    }
}

/// The judged files named on the command line (every argument that is not a flag or a
/// flag's value), each row tagged with its file, plus Traditional Chinese copies of the
/// Simplified rows.
/// The flags of `eval`, `train` and `cv` that take a value.
const VALUE_FLAGS: [&str; 6] = ["--split", "--out", "--epochs", "--lr", "--l2", "--deflection-weight"];

fn judged_files(args: &[String]) -> Result<Vec<JudgedRow>, ExitCode> {
    let mut rows = Vec::new();
    let mut skip = false;
    for a in args {
        if std::mem::take(&mut skip) {
            continue;
        }
        if a.starts_with("--") {
            // Flags with a value skip it; `--misses` stands alone.
            skip = VALUE_FLAGS.contains(&a.as_str());
            continue;
        }
        let mut file = judged(a)?;
        let source = file_name(a).trim_end_matches(".jsonl").trim_end_matches("-responses").to_string();
        for r in &mut file {
            r.source.clone_from(&source);
        }
        rows.extend(file);
    }
    let hant = traditional_copies(&rows);
    rows.extend(hant);
    Ok(rows)
}

fn in_split(row: &JudgedRow, split: Split) -> bool {
    match split {
        Split::HeldOut => row.held_out,
        Split::Train => !row.held_out,
        Split::All => true,
    }
}

fn eval(args: &[String]) -> ExitCode {
    let rows = match judged_files(args) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let split = split_of(args);
    let show_misses = args.iter().any(|a| a == "--misses");
    let mut agreement = Agreement::default();
    for row in rows.iter().filter(|r| in_split(r, split)) {
        let label = row.verdict().label;
        agreement.add(row, label);
        if show_misses && row.class().is_some_and(|c| c != candor::core::eval::Class::of(label)) {
            let head: String = row.response.chars().take(160).collect();
            eprintln!(
                "{} [{}] judge {} / candor {}: {}",
                row.id,
                row.lang,
                row.label,
                label.key(),
                head.replace('\n', " ")
            );
        }
    }
    print!("{}", agreement.report());
    ExitCode::SUCCESS
}

fn judged(path: &str) -> Result<Vec<JudgedRow>, ExitCode> {
    let text = read(path)?;
    read_judged(&text).map_err(|e| {
        eprintln!("candor: {path}: {e}");
        ExitCode::FAILURE
    })
}

/// Training examples: rows the judges labelled, in file order. Each long reply also
/// gives a second example cut to its opening paragraph, with the same label: the judged
/// replies are mostly essays, and without this the model reads any short answer (the
/// kind Candor's factual probes get) as evasive.
fn examples(rows: &[&JudgedRow]) -> Vec<(Vec<Feature>, usize)> {
    let mut out = Vec::new();
    for r in rows {
        let Some(class) = r.class() else { continue };
        let prompt = Some(r.prompt.as_str());
        out.push((features_of(&r.response, r.reasoning.as_deref(), prompt), class as usize));
        if r.response.len() > 1200 {
            let cut = r.response.char_indices().nth(500).map_or(r.response.len(), |(i, _)| i);
            out.push((features_of(&r.response[..cut], r.reasoning.as_deref(), prompt), class as usize));
        }
    }
    out
}

fn flag<'a>(args: &'a [String], name: &str) -> Option<&'a String> {
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1))
}

/// The shipped settings, with `--epochs`, `--lr` and `--l2` for experiments.
fn train_config(args: &[String]) -> TrainConfig {
    let d = TrainConfig::default();
    TrainConfig {
        epochs: flag(args, "--epochs").and_then(|v| v.parse().ok()).unwrap_or(d.epochs),
        learning_rate: flag(args, "--lr").and_then(|v| v.parse().ok()).unwrap_or(d.learning_rate),
        l2: flag(args, "--l2").and_then(|v| v.parse().ok()).unwrap_or(d.l2),
        seed: d.seed,
        deflection_weight: flag(args, "--deflection-weight")
            .and_then(|v| v.parse().ok())
            .unwrap_or(d.deflection_weight),
    }
}

fn train(args: &[String], out: Option<&String>, cfg: &TrainConfig) -> ExitCode {
    let rows = match judged_files(args) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let train_rows: Vec<&JudgedRow> = rows.iter().filter(|r| !r.held_out).collect();
    let model = model::train(&examples(&train_rows), cfg);
    let out = out.map_or("static/model/verdict-v1.bin", String::as_str);
    let bytes = model.to_bytes();
    if let Err(e) = std::fs::write(out, &bytes) {
        eprintln!("candor: cannot write {out}: {e}");
        return ExitCode::FAILURE;
    }
    let shipped = Model::from_bytes(&bytes).unwrap_or_else(|_| Model::zero());
    let (mut held, mut seen) = (Agreement::default(), Agreement::default());
    for row in &rows {
        let label = verdict_with(row, &shipped).label;
        if row.held_out {
            held.add(row, label)
        } else {
            seen.add(row, label)
        }
    }
    println!(
        "wrote {out} ({} bytes) from {} judged rows of the training split",
        bytes.len(),
        train_rows.len()
    );
    print!("HELD OUT (prompts never trained on):\n{}\n", held.report());
    print!("TRAINING SPLIT (in-sample, optimistic):\n{}", seen.report());
    ExitCode::SUCCESS
}

fn verdict_with(row: &JudgedRow, model: &Model) -> candor::core::verdict::Verdict {
    match row.outcome() {
        Outcome::Reply { reply, .. } if !reply.content.trim().is_empty() => {
            let ctx = Context { prompt: Some(&row.prompt), ..Context::default() };
            classify_with(&reply, &ctx, model)
        }
        other => classify_prompt(&other, Some(&row.prompt)),
    }
}

fn cross_validate(args: &[String], cfg: &TrainConfig) -> ExitCode {
    let rows = match judged_files(args) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let mut models: Vec<&str> = rows.iter().map(|r| r.model.as_str()).collect();
    models.sort_unstable();
    models.dedup();
    const FOLDS: usize = 6;
    let fold_of = |m: &str| models.iter().position(|x| *x == m).unwrap_or(0) % FOLDS;
    let mut agreement = Agreement::default();
    for fold in 0..FOLDS {
        let train_rows: Vec<&JudgedRow> = rows.iter().filter(|r| fold_of(&r.model) != fold).collect();
        let model = model::train(&examples(&train_rows), cfg);
        let held: Vec<&str> = models.iter().copied().filter(|m| fold_of(m) == fold).collect();
        eprintln!("fold {}: held out {}", fold + 1, held.join(", "));
        for row in rows.iter().filter(|r| fold_of(&r.model) == fold) {
            agreement.add(row, verdict_with(row, &model).label);
        }
    }
    print!(
        "held out by model ({FOLDS} folds: each model's replies judged by a text model trained without them):\n{}",
        agreement.report()
    );
    ExitCode::SUCCESS
}

fn bench(path: &str) -> ExitCode {
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
    ExitCode::SUCCESS
}

/// Times the classifier on inputs that could make it slow: the slowest single reply is what
/// a user would wait for.
fn bench_bad() -> ExitCode {
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

/// Writes an export to stdout as is; a closed pipe (`| head`) is not an error.
fn emit(text: &str) -> ExitCode {
    let mut out = io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
    ExitCode::SUCCESS
}

/// The file's name without its directories: reports record where results came from, not
/// where they sit on someone's disk.
fn file_name(path: &str) -> String {
    std::path::Path::new(path)
        .file_name()
        .map_or_else(|| path.to_string(), |n| n.to_string_lossy().into_owned())
}

fn import(kind: &str, path: &str) -> ExitCode {
    let name = file_name(path);
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("candor: cannot read {path}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let text = match report::decode_utf8(&bytes, &name) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("candor: {e}");
            return ExitCode::FAILURE;
        }
    };
    let imported = if kind == "speechmap" {
        report::import_speechmap(&text, &name)
    } else {
        report::import_promptfoo(&text, &name)
    };
    match imported {
        Ok(imp) => {
            for (location, reason) in &imp.skipped {
                eprintln!("candor: {name}: {location} skipped: {reason}");
            }
            for (location, note) in &imp.notes {
                eprintln!("candor: {name}: {location}: {note}");
            }
            let r = &imp.report;
            eprintln!(
                "candor: {name}: {} replies ({} probes, {} providers) imported, {} rows skipped",
                r.results.len(),
                r.probes.len(),
                r.providers.len(),
                imp.skipped.len()
            );
            emit(&report::to_json(r))
        }
        Err(e) => {
            eprintln!("candor: {e}");
            ExitCode::FAILURE
        }
    }
}

fn load_report(path: &str) -> Result<report::Report, ExitCode> {
    let text = read(path)?;
    report::Report::from_json(&text).map_err(|e| {
        eprintln!("candor: {path}: {e}");
        ExitCode::FAILURE
    })
}

fn render_report(path: &str, format: Option<&str>) -> ExitCode {
    let render: fn(&report::Report) -> String = match format {
        Some("html") => report::to_html,
        Some("md" | "markdown") => report::to_markdown,
        Some("csv") => report::to_csv,
        Some("json") => report::to_json,
        Some(other) => {
            eprintln!("candor: unknown report format `{other}`; use --format html, md, csv or json");
            return ExitCode::FAILURE;
        }
        None => {
            eprintln!("candor: say which format to write: --format html, md, csv or json");
            return ExitCode::FAILURE;
        }
    };
    match load_report(path) {
        Ok(r) => emit(&render(&r)),
        Err(code) => code,
    }
}

fn compare_reports(a: &str, b: &str) -> ExitCode {
    let (ra, rb) = match (load_report(a), load_report(b)) {
        (Ok(ra), Ok(rb)) => (ra, rb),
        (Err(code), _) | (_, Err(code)) => return code,
    };
    emit(&report::compare(&ra, &rb).describe())
}

/// `candor pack check [FILE]`: every content rule of a pack (see `core::pack_check`),
/// with the classifier's official-line formulas and markers from its phrase tables.
fn pack_check(path: Option<&String>) -> ExitCode {
    use candor::core::classifier::phrases::{tables, Table};
    let json = match path {
        Some(p) => match read(p) {
            Ok(s) => s,
            Err(code) => return code,
        },
        None => BUILTIN_PACK_JSON.to_string(),
    };
    let formulas: Vec<String> = tables()
        .entries
        .iter()
        .filter(|(t, _)| matches!(t, Table::Formula | Table::Marker))
        .map(|(_, p)| p.clone())
        .collect();
    match candor::core::pack_check::check(&json, &formulas) {
        Ok(summary) => {
            println!("{summary}");
            ExitCode::SUCCESS
        }
        Err(problems) => {
            for p in &problems {
                eprintln!("error: {p}");
            }
            eprintln!("{} problem(s)", problems.len());
            ExitCode::FAILURE
        }
    }
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
