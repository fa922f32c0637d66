//! Imports: results other tools produced (SpeechMap analysis files, promptfoo result
//! files) turned into Candor reports, and probe lists (promptfoo CSV, SpeechMap question
//! files, plain text) turned into probes.
//!
//! Imported replies are judged again by Candor's own [`classify`]; the file's own label
//! (SpeechMap's `compliance`, promptfoo's pass/fail) is kept next to it as `source_label`,
//! so the two can be compared. A row that cannot be read is never dropped silently: it is
//! listed in [`Imported::skipped`] with its location and the reason. The mapping of every
//! field is documented in `docs/REPORT_FORMAT.md`.

use std::collections::HashMap;

use serde_json::Value;

use super::schema::{PackInfo, Report, ReportProvider, ResultRow, RunInfo, Source, SourceKind, Status};
use super::schema::{SCHEMA, SCHEMA_VERSION};
use super::text::{content_hash, fnv1a64, guess_lang, guess_lang_or, parse_timestamp_ms, slug};
use crate::core::dialect::openai::parse_chat_response;
use crate::core::dialect::{DialectError, Reply, Usage};
use crate::core::http::HttpResponse;
use crate::core::pack::{probe_id, Lang, Probe, ProbeKind};
use crate::core::run::Timing;
use crate::core::verdict::{classify, Outcome};

/// The topic of imported probes whose source names none.
pub const DEFAULT_TOPIC: &str = "imported";

/// An imported file: the report, and the rows that could not be read.
#[derive(Clone, Debug, PartialEq)]
pub struct Imported {
    /// The report, results judged by Candor.
    pub report: Report,
    /// Rows left out, as (location, reason): `line 12` for JSON Lines,
    /// `results.results[4]` for promptfoo.
    pub skipped: Vec<(String, String)>,
    /// Rows kept with part of them ignored, as (location, what was ignored and why): a
    /// `reasoning` field that is a number or an object, for example.
    pub notes: Vec<(String, String)>,
}

/// What a source file's own label says about a reply, in the terms Candor shows next to
/// its verdict. SpeechMap's judge labels whether a request was fulfilled; promptfoo's
/// `pass`/`fail` depend on the assertions of the run and mean nothing fixed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceLabelMeaning {
    /// `COMPLETE`: the request was fulfilled.
    Fulfilled,
    /// `EVASIVE`, `INCOMPLETE`: answered only in part, redirected or watered down.
    Partial,
    /// `DENIAL`: refused.
    Refused,
    /// `ERROR`, `ERROR_…`, `INVALID` (and promptfoo's `error`): the source had no usable reply.
    NoReply,
    /// Any other label; it is shown as it is.
    Unknown,
}

impl SourceLabelMeaning {
    /// The meaning of a label, ignoring case and surrounding space.
    pub fn of(label: &str) -> Self {
        let l = label.trim().to_ascii_uppercase();
        match l.as_str() {
            "COMPLETE" => Self::Fulfilled,
            "EVASIVE" | "INCOMPLETE" => Self::Partial,
            "DENIAL" => Self::Refused,
            "ERROR" | "INVALID" => Self::NoReply,
            _ if l.starts_with("ERROR_") => Self::NoReply,
            _ => Self::Unknown,
        }
    }

    /// A short gloss for a reader, or `None` for a label whose meaning is not known.
    pub fn gloss(self) -> Option<&'static str> {
        match self {
            Self::Fulfilled => Some("the request was fulfilled"),
            Self::Partial => Some("answered only in part or evasively"),
            Self::Refused => Some("refused"),
            Self::NoReply => Some("the source had no usable reply"),
            Self::Unknown => None,
        }
    }
}

/// A source label as the detail view and the exports show it: the label as the file
/// wrote it, with its meaning when Candor knows it (`INCOMPLETE (answered only in part or
/// evasively)`).
pub fn describe_source_label(label: &str) -> String {
    match SourceLabelMeaning::of(label).gloss() {
        Some(gloss) => format!("{label} ({gloss})"),
        None => label.to_string(),
    }
}

/// The text of an imported file's bytes. A file that is not UTF-8 is refused with the
/// byte offset, line and column of the first bad byte, so a user can find it; nothing is
/// replaced silently.
pub fn decode_utf8(bytes: &[u8], file_name: &str) -> Result<String, ImportError> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.to_string()),
        Err(e) => {
            let offset = e.valid_up_to();
            let before = &bytes[..offset];
            let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
            let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            // Columns count characters; everything before the offset is valid UTF-8.
            let column = std::str::from_utf8(&before[line_start..]).map_or(0, |s| s.chars().count()) + 1;
            Err(ImportError::Encoding {
                file: file_name.to_string(),
                offset,
                line,
                column,
                byte: bytes[offset],
            })
        }
    }
}

/// Why a results file could not be imported at all.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    /// Nothing in the file.
    #[error("{file}: the file is empty; export the results again")]
    Empty {
        /// File name.
        file: String,
    },
    /// The file is not JSON (promptfoo) or is a JSON document where JSON Lines was expected.
    #[error("{file}: {location}: {message}")]
    Shape {
        /// File name.
        file: String,
        /// Line and column, or the JSON path of the field.
        location: String,
        /// What is wrong and what to do.
        message: String,
    },
    /// The file is not UTF-8 text.
    #[error(
        "{file}: byte {offset} (line {line}, column {column}) is 0x{byte:02X}, which is not valid UTF-8; \
         the file may use another encoding (GBK, Big5, Latin-1): save it as UTF-8 and import it again"
    )]
    Encoding {
        /// File name.
        file: String,
        /// 0-based offset of the first byte that is not UTF-8.
        offset: usize,
        /// 1-based line of that byte.
        line: usize,
        /// 1-based column (in characters) of that byte.
        column: usize,
        /// The byte itself.
        byte: u8,
    },
    /// Every row failed.
    #[error("{file}: no row could be read ({count} tried); the first problem is at {location}: {reason}")]
    NothingReadable {
        /// File name.
        file: String,
        /// How many rows were tried.
        count: usize,
        /// Where the first problem is.
        location: String,
        /// What it is.
        reason: String,
    },
}

/// Why a probe list could not be imported.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ProbeImportError {
    /// A line (or the record starting on it) is wrong.
    #[error("line {line}: {message}")]
    Line {
        /// 1-based line.
        line: usize,
        /// What is wrong and what to do.
        message: String,
    },
    /// The list has no probe at all.
    #[error("no probe found: {0}")]
    Empty(String),
}

fn line_error(line: usize, message: impl Into<String>) -> ProbeImportError {
    ProbeImportError::Line { line, message: message.into() }
}

/// A provider column as an importer sees it.
#[derive(Clone, Debug)]
struct ProviderKey {
    /// What makes two rows the same column.
    key: String,
    title: String,
    model: String,
    base_url: String,
}

/// One reply as read from a source file, before it joins the report.
struct Row {
    location: String,
    question_id: Option<String>,
    question: String,
    topic: Option<String>,
    provider: ProviderKey,
    outcome: Outcome,
    timing: Timing,
    source_label: Option<String>,
    at_ms: Option<f64>,
    /// Parts of the row that were ignored, and why.
    notes: Vec<String>,
}

/// A stable question id made from the text: `q-` and 12 hex digits of its hash.
fn hashed_id(text: &str) -> String {
    format!("q-{:012x}", fnv1a64(text.trim()) >> 16)
}

/// A string, or a number written as one (ids are both in the wild).
fn id_value(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn str_field<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty())
}

/// Splits a leading `<think>…</think>` block (R1 distills) off a reply text.
fn split_think_tags(text: &str) -> (String, Option<String>) {
    let t = text.trim_start();
    if let Some(rest) = t.strip_prefix("<think>") {
        if let Some((reasoning, content)) = rest.split_once("</think>") {
            return (content.trim_start().to_string(), Some(reasoning.trim().to_string()));
        }
    }
    (text.to_string(), None)
}

/// Splits promptfoo's `Thinking: <reasoning>\n\n<answer>` output. promptfoo joins the two
/// with one blank line, so the first blank line is taken as the boundary; a reasoning
/// trace with blank lines of its own is therefore cut at its first paragraph.
fn split_thinking(output: &str) -> (String, Option<String>) {
    match output.strip_prefix("Thinking: ") {
        Some(rest) => match rest.split_once("\n\n") {
            Some((reasoning, content)) => (content.to_string(), Some(reasoning.trim().to_string())),
            None => (String::new(), Some(rest.trim().to_string())),
        },
        None => split_think_tags(output),
    }
}

/// A status code in an error object's `code` or `status`, as a number or numeric string.
fn status_of(err: &Value) -> Option<u16> {
    ["code", "status", "status_code"].iter().find_map(|k| {
        let v = err.get(*k)?;
        let n = v.as_u64().or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))?;
        u16::try_from(n).ok().filter(|n| (100..=599).contains(n))
    })
}

/// An error object of a provider's response (`{"message", "code", …}`): an HTTP error
/// when it carries a status, else a failure without one.
fn error_object_outcome(err: &Value) -> Outcome {
    let message = match err {
        Value::String(s) => s.clone(),
        _ => str_field(err, "message").map(str::to_string).unwrap_or_else(|| err.to_string()),
    };
    match status_of(err) {
        Some(status) => Outcome::Dialect(DialectError::Http { status, message, body: err.to_string() }),
        None => Outcome::Transport(format!("the source recorded an error without a status: {message}")),
    }
}

/// An error message such as promptfoo's `API error: 429 Too Many Requests …`: an HTTP error
/// when a status follows one of the usual markers, else a failure without one.
fn error_text_outcome(message: &str) -> Outcome {
    let lower = message.to_ascii_lowercase();
    let status =
        ["api error: ", "status code ", "status: ", "status ", "http ", "code "].iter().find_map(|m| {
            let at = lower.find(m)? + m.len();
            let digits: String = lower[at..].chars().take_while(char::is_ascii_digit).collect();
            digits.parse::<u16>().ok().filter(|n| (400..=599).contains(n))
        });
    match status {
        Some(status) => Outcome::Dialect(DialectError::Http {
            status,
            message: message.lines().next().unwrap_or_default().to_string(),
            body: message.to_string(),
        }),
        None => Outcome::Transport(message.to_string()),
    }
}

fn reply_outcome(content: String, reasoning: Option<String>) -> Outcome {
    Outcome::Reply { reply: Reply { content, reasoning, ..Reply::default() }, cut_short: None }
}

/// Builds the report from the rows read, or says why there is none.
fn build(
    kind: SourceKind,
    file: &str,
    text: &str,
    rows: Vec<Row>,
    mut skipped: Vec<(String, String)>,
) -> Result<Imported, ImportError> {
    if rows.is_empty() {
        let count = skipped.len();
        return match skipped.into_iter().next() {
            Some((location, reason)) => {
                Err(ImportError::NothingReadable { file: file.to_string(), count, location, reason })
            }
            None => Err(ImportError::Empty { file: file.to_string() }),
        };
    }
    let mut providers: Vec<ReportProvider> = Vec::new();
    let mut provider_at: HashMap<String, usize> = HashMap::new();
    let mut probes: Vec<Probe> = Vec::new();
    let mut probe_at: HashMap<String, usize> = HashMap::new();
    let mut cell_at: HashMap<(usize, usize), String> = HashMap::new();
    let mut cells: Vec<(usize, usize, Row)> = Vec::new();
    let mut notes: Vec<(String, String)> = Vec::new();
    let (mut first_ms, mut last_ms) = (f64::INFINITY, f64::NEG_INFINITY);
    for row in rows {
        let prompt = row.question.trim().to_string();
        let lang = guess_lang(&prompt);
        let explicit = row.question_id.is_some();
        let mut question = row.question_id.clone().unwrap_or_else(|| hashed_id(&prompt));
        let mut id = probe_id(&question, lang);
        let mut n = 1;
        // A generated id that collides with another text gets a suffix; an id the file
        // itself gives for two different texts is a conflict in the file.
        while let Some(&i) = probe_at.get(&id) {
            if probes[i].prompt == prompt {
                break;
            }
            if explicit {
                break;
            }
            n += 1;
            question = format!("{}-{n}", hashed_id(&prompt));
            id = probe_id(&question, lang);
        }
        let pi = match probe_at.get(&id) {
            Some(&i) if probes[i].prompt != prompt => {
                skipped.push((
                    row.location,
                    format!(
                        "question id `{question}` is also used for a different question (\u{201c}{}\u{201d}); \
                         ids must name one question",
                        super::text::head(&probes[i].prompt, 60)
                    ),
                ));
                continue;
            }
            Some(&i) => i,
            None => {
                let topic = row.topic.as_deref().map(slug).filter(|t| !t.is_empty());
                probes.push(Probe {
                    id: id.clone(),
                    question,
                    topic: topic.unwrap_or_else(|| DEFAULT_TOPIC.to_string()),
                    lang,
                    kind: ProbeKind::Sensitive,
                    control: None,
                    translations: Vec::new(),
                    prompt,
                    expect: Vec::new(),
                });
                probe_at.insert(id, probes.len() - 1);
                probes.len() - 1
            }
        };
        let vi = match provider_at.get(&row.provider.key) {
            Some(&i) => i,
            None => {
                let base = slug(&row.provider.key);
                let base = if base.is_empty() { "provider".to_string() } else { base };
                let mut pid = base.clone();
                let mut k = 1;
                while providers.iter().any(|p| p.id == pid) {
                    k += 1;
                    pid = format!("{base}-{k}");
                }
                providers.push(ReportProvider {
                    id: pid,
                    title: row.provider.title.clone(),
                    model: row.provider.model.clone(),
                    base_url: row.provider.base_url.clone(),
                    simulated: false,
                });
                provider_at.insert(row.provider.key.clone(), providers.len() - 1);
                providers.len() - 1
            }
        };
        if let Some(first) = cell_at.get(&(pi, vi)) {
            skipped.push((
                row.location,
                format!("a second reply to the same question from the same model (the first is at {first}); only the first is kept"),
            ));
            continue;
        }
        cell_at.insert((pi, vi), row.location.clone());
        notes.extend(row.notes.iter().map(|n| (row.location.clone(), n.clone())));
        if let Some(t) = row.at_ms {
            first_ms = first_ms.min(t);
            last_ms = last_ms.max(t);
        }
        cells.push((pi, vi, row));
    }
    // Rows of a topic sit together in the matrix, topics in the order the file first
    // names them, and questions in file order within a topic.
    let mut topic_order: Vec<String> = Vec::new();
    for p in &probes {
        if !topic_order.contains(&p.topic) {
            topic_order.push(p.topic.clone());
        }
    }
    let mut order: Vec<usize> = (0..probes.len()).collect();
    order.sort_by_key(|&i| (topic_order.iter().position(|t| *t == probes[i].topic), i));
    let mut new_index = vec![0; probes.len()];
    for (new, &old) in order.iter().enumerate() {
        new_index[old] = new;
    }
    let probes: Vec<Probe> = order.iter().map(|&i| probes[i].clone()).collect();
    cells.sort_by_key(|(pi, vi, _)| (new_index[*pi], *vi));
    let results = cells
        .into_iter()
        .map(|(pi, vi, row)| {
            let probe = &probes[new_index[pi]];
            ResultRow {
                probe: probe.id.clone(),
                provider: providers[vi].id.clone(),
                verdict: classify(&row.outcome, Some(probe)),
                outcome: row.outcome,
                timing: row.timing,
                source_label: row.source_label,
                judge: None,
            }
        })
        .collect();
    let (started_ms, ended_ms) = if first_ms.is_finite() { (first_ms, last_ms) } else { (0.0, 0.0) };
    let hash = content_hash(text);
    let pack_id = match kind {
        SourceKind::Speechmap => "speechmap-import",
        SourceKind::Promptfoo => "promptfoo-import",
        SourceKind::Candor => "candor-import",
    };
    let report = Report {
        schema: SCHEMA.to_string(),
        schema_version: SCHEMA_VERSION,
        app_version: env!("CARGO_PKG_VERSION").to_string(),
        created_ms: ended_ms,
        run: RunInfo {
            id: format!("import-{}", &hash[hash.len() - 12..]),
            status: Status::Finished,
            started_ms,
            ended_ms: Some(ended_ms),
        },
        pack: PackInfo { id: pack_id.to_string(), version: "imported".to_string(), content_hash: hash },
        source: Source { kind, file: (!file.is_empty()).then(|| file.to_string()) },
        providers,
        probes,
        results,
        ledger: Vec::new(),
        judge: None,
    };
    Ok(Imported { report, skipped, notes })
}

/// Reads a SpeechMap analysis file (JSON Lines: `question_id`, `question`, `model`,
/// `response`, `compliance`, `category`, `timestamp`, …). `response` may be the provider's
/// raw API response object (`choices[0].message.content`, `reasoning`, `provider`,
/// `usage`, or an `error` object) or the reply as a plain string (then a top-level
/// `reasoning` string is its trace). A row whose `response` is null or missing is kept as
/// an error cell (SpeechMap labels such rows `ERROR` or `INVALID`); every `compliance`
/// label is kept as it is, known or not (see [`SourceLabelMeaning`]). `file_name` is
/// recorded in the report and named in errors; bytes are turned into text with
/// [`decode_utf8`] first.
pub fn import_speechmap(text: &str, file_name: &str) -> Result<Imported, ImportError> {
    let text_no_bom = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text_no_bom.trim().is_empty() {
        return Err(ImportError::Empty { file: file_name.to_string() });
    }
    let mut rows = Vec::new();
    let mut skipped = Vec::new();
    for (i, line) in text_no_bom.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let location = format!("line {}", i + 1);
        match speechmap_row(line) {
            Ok(mut row) => {
                row.location = location;
                rows.push(row);
            }
            Err(reason) => skipped.push((location, reason)),
        }
    }
    if rows.is_empty()
        && serde_json::from_str::<Value>(text_no_bom).is_ok()
        && text_no_bom.lines().count() > 1
    {
        return Err(ImportError::Shape {
            file: file_name.to_string(),
            location: "line 1".into(),
            message: "the file is one JSON document spread over several lines, not JSON Lines; a SpeechMap \
                      analysis file has one object a line (a promptfoo results file is imported with \
                      `import promptfoo`)"
                .into(),
        });
    }
    build(SourceKind::Speechmap, file_name, text, rows, skipped)
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn speechmap_row(line: &str) -> Result<Row, String> {
    let v: Value = serde_json::from_str(line).map_err(|e| {
        if e.is_eof() {
            format!("the line ends in the middle of its JSON ({e}); the file may be cut short")
        } else {
            format!("not JSON ({e})")
        }
    })?;
    if !v.is_object() {
        return Err(format!("the line is {}, not a JSON object", json_kind(&v)));
    }
    let question = str_field(&v, "question").ok_or("no `question` text")?.to_string();
    let model = str_field(&v, "model").ok_or("no `model`")?.to_string();
    let mut notes = Vec::new();
    let compliance = match v.get("compliance") {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
        None | Some(Value::Null) | Some(Value::String(_)) => None,
        Some(other) => {
            notes.push(format!("`compliance` is {}, not a label; it was ignored", json_kind(other)));
            None
        }
    };
    // A top-level `reasoning` goes with a plain-string response (files re-shaped from
    // SpeechMap's, like Candor's own labelled sets); the API object carries its own.
    let row_reasoning = text_or_note(&v, "reasoning", "reasoning", &mut notes);
    let outcome = match v.get("response") {
        None | Some(Value::Null) => no_reply_outcome(v.get("response").is_some(), compliance.as_deref()),
        Some(Value::String(s)) => {
            let (content, reasoning) = split_think_tags(s);
            reply_outcome(content, reasoning.or(row_reasoning))
        }
        Some(obj @ Value::Object(_)) => {
            if let Some(message) = obj.pointer("/choices/0/message") {
                for key in ["reasoning", "reasoning_content"] {
                    text_or_note(message, key, &format!("response.choices[0].message.{key}"), &mut notes);
                }
            }
            response_object_outcome(obj)
        }
        Some(other) => {
            return Err(format!(
                "`response` is {}; expected the API's response object or the reply text",
                json_kind(other)
            ))
        }
    };
    Ok(Row {
        location: String::new(),
        question_id: id_value(v.get("question_id")),
        question,
        topic: str_field(&v, "category").map(str::to_string),
        provider: ProviderKey { key: model.clone(), title: model.clone(), model, base_url: String::new() },
        outcome,
        timing: Timing::default(),
        source_label: compliance,
        at_ms: str_field(&v, "timestamp").and_then(parse_timestamp_ms),
        notes,
    })
}

/// The text of `obj[key]` when it is a string; a field of another type (a number, an
/// object) is ignored with a note naming it as `path`, and null or absent is nothing.
fn text_or_note(obj: &Value, key: &str, path: &str, notes: &mut Vec<String>) -> Option<String> {
    match obj.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        other => {
            notes.push(format!("`{path}` is {}, not text; it was ignored", json_kind(other)));
            None
        }
    }
}

/// A row without a reply (`response` null or missing) is kept as an error cell whose
/// reason says what the file recorded, so that a source's failed requests still count.
fn no_reply_outcome(present: bool, compliance: Option<&str>) -> Outcome {
    let what = if present { "`response` is null" } else { "there is no `response` field" };
    let label = match compliance {
        Some(l) => match SourceLabelMeaning::of(l) {
            SourceLabelMeaning::NoReply => format!("its label {l} says the source got no usable reply"),
            _ => format!("although its label is {l}; the file may be incomplete"),
        },
        None => "and it has no label".to_string(),
    };
    Outcome::Transport(format!("the source file has no reply for this row: {what}, {label}"))
}

/// A provider's raw chat-completions response object, read by the same parser the app
/// uses for live replies.
fn response_object_outcome(obj: &Value) -> Outcome {
    let has_choices = obj.get("choices").and_then(Value::as_array).is_some_and(|c| !c.is_empty());
    if let Some(err) = obj.get("error").filter(|e| !e.is_null()) {
        if !has_choices {
            return error_object_outcome(err);
        }
    }
    let resp = HttpResponse { status: 200, headers: Vec::new(), body: obj.to_string() };
    match parse_chat_response(&resp) {
        Ok(reply) => Outcome::Reply { reply, cut_short: None },
        Err(e) => Outcome::Dialect(e),
    }
}

/// The model id inside a promptfoo provider id: `openai:chat:deepseek-reasoner` →
/// `deepseek-reasoner`, `openrouter:deepseek/deepseek-chat` → `deepseek/deepseek-chat`,
/// `ollama:chat:deepseek-r1:7b` → `deepseek-r1:7b`.
fn model_of_provider_id(id: &str) -> String {
    let Some((_, rest)) = id.split_once(':') else { return id.to_string() };
    if rest.starts_with("//") {
        return id.to_string();
    }
    for kind in ["chat:", "completion:", "completions:", "responses:", "messages:"] {
        if let Some(model) = rest.strip_prefix(kind) {
            return model.to_string();
        }
    }
    rest.to_string()
}

/// Reads a promptfoo results file (`promptfoo eval -o results.json`): rows at
/// `results.results[]`, the reply at `response.output` (a `Thinking: …` prefix becomes the
/// reasoning), the provider at `provider.id`/`provider.label`, the probe at `prompt.raw`
/// and `vars`. A row's `success` becomes its source label (`pass`, `fail`; `error` for a
/// provider error).
pub fn import_promptfoo(text: &str, file_name: &str) -> Result<Imported, ImportError> {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    if body.trim().is_empty() {
        return Err(ImportError::Empty { file: file_name.to_string() });
    }
    let shape = |location: &str, message: String| ImportError::Shape {
        file: file_name.to_string(),
        location: location.to_string(),
        message,
    };
    let v: Value = serde_json::from_str(body).map_err(|e| {
        shape(
            &format!("line {}, column {}", e.line(), e.column()),
            if e.is_eof() {
                format!("the JSON ends early ({e}); the file may be cut short")
            } else {
                format!("not JSON ({e}); a promptfoo results file is the JSON `promptfoo eval -o results.json` writes")
            },
        )
    })?;
    if !v.is_object() {
        return Err(shape(
            "(top level)",
            format!("the file is {}, not a promptfoo results object", json_kind(&v)),
        ));
    }
    // promptfoo writes the rows at results.results; some older versions put them at results.
    let rows_v = match (v.pointer("/results/results"), v.get("results")) {
        (Some(Value::Array(rows)), _) => rows,
        (None, Some(Value::Array(rows))) => rows,
        (Some(other), _) => {
            return Err(shape(
                "results.results",
                format!("is {}, expected the array of results", json_kind(other)),
            ))
        }
        _ => {
            return Err(shape(
                "results.results",
                "missing: this is not a promptfoo results file (`promptfoo eval -o results.json`)".into(),
            ))
        }
    };
    let base_urls: Vec<(String, Option<String>, String)> = v
        .pointer("/config/providers")
        .and_then(Value::as_array)
        .map(|ps| {
            ps.iter()
                .filter_map(|p| {
                    let id = str_field(p, "id")?.to_string();
                    let label = str_field(p, "label").map(str::to_string);
                    let url = p.pointer("/config/apiBaseUrl").and_then(Value::as_str)?.to_string();
                    Some((id, label, url))
                })
                .collect()
        })
        .unwrap_or_default();
    let at_ms = v.pointer("/results/timestamp").and_then(Value::as_str).and_then(parse_timestamp_ms);
    let mut rows = Vec::new();
    let mut skipped = Vec::new();
    for (i, r) in rows_v.iter().enumerate() {
        let location = format!("results.results[{i}]");
        match promptfoo_row(r, &base_urls) {
            Ok(mut row) => {
                row.location = location;
                row.at_ms = at_ms;
                rows.push(row);
            }
            Err(reason) => skipped.push((location, reason)),
        }
    }
    build(SourceKind::Promptfoo, file_name, text, rows, skipped)
}

/// The prompt promptfoo sent: `prompt.raw`, which for chat prompts is a JSON list of
/// messages (then the last user message is the probe).
fn promptfoo_prompt(r: &Value, vars: Option<&Value>) -> Option<String> {
    let raw = r.pointer("/prompt/raw").and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty());
    if let Some(raw) = raw {
        if raw.starts_with('[') {
            if let Ok(Value::Array(messages)) = serde_json::from_str::<Value>(raw) {
                let user =
                    messages.iter().rev().find(|m| m.get("role").and_then(Value::as_str) == Some("user"));
                if let Some(text) = user.and_then(|m| str_field(m, "content")) {
                    return Some(text.to_string());
                }
            }
        }
        return Some(raw.to_string());
    }
    let vars = vars?;
    ["question", "prompt", "query", "input"].iter().find_map(|k| str_field(vars, k)).map(str::to_string)
}

fn promptfoo_row(r: &Value, base_urls: &[(String, Option<String>, String)]) -> Result<Row, String> {
    if !r.is_object() {
        return Err(format!("the result is {}, not an object", json_kind(r)));
    }
    let vars = r.get("vars").or_else(|| r.pointer("/testCase/vars")).filter(|v| v.is_object());
    let question = promptfoo_prompt(r, vars).ok_or("no prompt text (`prompt.raw` or `vars.question`)")?;
    let (id, label) = match r.get("provider") {
        Some(Value::String(s)) if !s.trim().is_empty() => (s.trim().to_string(), None),
        Some(p @ Value::Object(_)) => {
            let id = str_field(p, "id").ok_or("the provider has no `id`")?.to_string();
            (id, str_field(p, "label").map(str::to_string))
        }
        _ => return Err("no `provider`".into()),
    };
    let base_url = base_urls
        .iter()
        .find(|(bid, blabel, _)| *bid == id && (blabel.is_none() || *blabel == label))
        .map(|(_, _, url)| url.trim_end_matches('/').to_string())
        .unwrap_or_default();
    let provider = ProviderKey {
        key: label.clone().unwrap_or_else(|| id.clone()),
        title: label.clone().unwrap_or_else(|| id.clone()),
        model: model_of_provider_id(&id),
        base_url,
    };
    let response = r.get("response").filter(|x| x.is_object());
    let provider_error = response.and_then(|x| str_field(x, "error")).or_else(|| {
        (r.get("failureReason").and_then(Value::as_u64) == Some(2)).then(|| str_field(r, "error")).flatten()
    });
    let output = response.and_then(|x| x.get("output")).filter(|o| !o.is_null());
    let outcome = match (provider_error, output) {
        (Some(err), _) => error_text_outcome(err),
        (None, Some(Value::String(s))) => {
            let (content, reasoning) = split_thinking(s);
            let tu = response.and_then(|x| x.get("tokenUsage"));
            let usage = tu.map(|u| Usage {
                prompt_tokens: u.get("prompt").and_then(Value::as_u64),
                completion_tokens: u.get("completion").and_then(Value::as_u64),
                total_tokens: u.get("total").and_then(Value::as_u64),
                reasoning_tokens: u.pointer("/completionDetails/reasoning").and_then(Value::as_u64),
                cached_tokens: u.get("cached").and_then(Value::as_u64),
            });
            let reply = Reply {
                content,
                reasoning,
                finish_reason: response.and_then(|x| str_field(x, "finishReason")).map(str::to_string),
                usage,
                model: None,
                upstream_provider: None,
            };
            Outcome::Reply { reply, cut_short: None }
        }
        // Structured output (JSON) is kept as its text.
        (None, Some(other)) => reply_outcome(other.to_string(), None),
        (None, None) => match str_field(r, "error") {
            Some(err) => error_text_outcome(err),
            None => return Err("no `response.output` and no error".into()),
        },
    };
    let is_error = !matches!(outcome, Outcome::Reply { .. });
    let source_label = if is_error {
        Some("error".to_string())
    } else {
        r.get("success").and_then(Value::as_bool).map(|ok| if ok { "pass" } else { "fail" }.to_string())
    };
    let latency =
        response.and_then(|x| x.get("latencyMs")).or_else(|| r.get("latencyMs")).and_then(Value::as_f64);
    Ok(Row {
        location: String::new(),
        question_id: vars.and_then(|v| id_value(v.get("id")).or_else(|| id_value(v.get("question_id")))),
        question,
        topic: vars
            .and_then(|v| ["topic", "category", "subject"].iter().find_map(|k| str_field(v, k)))
            .map(str::to_string),
        provider,
        outcome,
        timing: Timing { latency_ms: latency.unwrap_or(0.0), ..Timing::default() },
        source_label,
        at_ms: None,
        notes: Vec::new(),
    })
}

/// The language of a probe text, from its script (see [`guess_lang_or`]); `hint` only
/// decides between Simplified and Traditional when the characters do not tell.
fn lang_for(text: &str, hint: Option<Lang>) -> Lang {
    guess_lang_or(text, hint)
}

fn new_probe(question: &str, topic: &str, lang: Lang, prompt: &str) -> Probe {
    Probe {
        id: probe_id(question, lang),
        question: question.to_string(),
        topic: topic.to_string(),
        lang,
        kind: ProbeKind::Sensitive,
        control: None,
        translations: Vec::new(),
        prompt: prompt.trim().to_string(),
        expect: Vec::new(),
    }
}

/// Collects probes, dropping exact repeats and refusing an id used for two texts.
#[derive(Default)]
struct ProbeSet {
    probes: Vec<Probe>,
    lines: HashMap<String, usize>,
}

impl ProbeSet {
    fn add(&mut self, p: Probe, line: usize) -> Result<(), ProbeImportError> {
        if let Some(&first) = self.lines.get(&p.id) {
            let same = self.probes.iter().any(|q| q.id == p.id && q.prompt == p.prompt);
            if same {
                return Ok(());
            }
            return Err(line_error(
                line,
                format!(
                    "the id `{}` is also used on line {first} for a different text; ids must be unique",
                    p.id
                ),
            ));
        }
        self.lines.insert(p.id.clone(), line);
        self.probes.push(p);
        Ok(())
    }

    fn finish(self, what: &str) -> Result<Vec<Probe>, ProbeImportError> {
        if self.probes.is_empty() {
            return Err(ProbeImportError::Empty(what.to_string()));
        }
        Ok(self.probes)
    }
}

fn topic_or(topic: Option<&str>, default_topic: &str) -> String {
    let t = topic.map(slug).filter(|t| !t.is_empty()).unwrap_or_else(|| slug(default_topic));
    if t.is_empty() {
        DEFAULT_TOPIC.to_string()
    } else {
        t
    }
}

/// Reads a promptfoo-style probe CSV (RFC 4180). The header names the columns: `prompt`
/// (or `question`) for a prompt in one language, `prompt_en`, `prompt_zh`, `prompt_zh-Hant`
/// (any tag Candor knows, `_` or `-`) for one question in several languages (the probes
/// become each other's translations), `subject`/`topic`/`category` for the topic and
/// `id` for a question id; other columns are ignored. The language of a prompt in an
/// unlabelled (or bare `zh`) column comes from its script, `default_lang` deciding between
/// Simplified and Traditional when the characters do not tell.
pub fn import_probes_promptfoo_csv(
    text: &str,
    default_topic: &str,
    default_lang: Option<Lang>,
) -> Result<Vec<Probe>, ProbeImportError> {
    let records = super::csv::parse_csv(text).map_err(|e| line_error(e.line, e.message))?;
    let Some(((header_line, header), data)) = records.split_first() else {
        return Err(ProbeImportError::Empty("the file is empty".into()));
    };
    // (column, exact language) or (column, None): guess from the script.
    let mut prompt_cols: Vec<(usize, Option<Lang>, Option<Lang>)> = Vec::new();
    let mut topic_col = None;
    let mut id_col = None;
    for (i, h) in header.iter().enumerate() {
        let h = h.trim().to_ascii_lowercase();
        let h = h.trim_matches('"');
        match h {
            "prompt" | "question" => prompt_cols.push((i, None, default_lang)),
            "subject" | "topic" | "category" => topic_col = topic_col.or(Some(i)),
            "id" | "question_id" => id_col = id_col.or(Some(i)),
            _ => {
                let Some(tag) = h.strip_prefix("prompt_").or_else(|| h.strip_prefix("question_")) else {
                    continue;
                };
                let tag = tag.replace('_', "-");
                let lang = column_lang(&tag);
                match lang {
                    // A bare `zh` column may hold either script.
                    Some(l) if tag.eq_ignore_ascii_case("zh") => prompt_cols.push((i, None, Some(l))),
                    Some(l) => prompt_cols.push((i, Some(l), None)),
                    None => {
                        return Err(line_error(
                            *header_line,
                            format!(
                                "column `{}`: Candor asks in en, zh-Hans and zh-Hant; rename or remove the column",
                                header[i].trim()
                            ),
                        ))
                    }
                }
            }
        }
    }
    if prompt_cols.is_empty() {
        return Err(line_error(
            *header_line,
            "the header has no prompt column; name it `prompt` (or `prompt_en`, `prompt_zh`, …)",
        ));
    }
    let mut set = ProbeSet::default();
    for (line, fields) in data {
        if fields.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if fields.len() != header.len() {
            return Err(line_error(
                *line,
                format!(
                    "{} fields, but the header has {}; quote fields that contain commas",
                    fields.len(),
                    header.len()
                ),
            ));
        }
        let texts: Vec<(&str, Option<Lang>, Option<Lang>)> = prompt_cols
            .iter()
            .map(|&(i, exact, hint)| (fields[i].trim(), exact, hint))
            .filter(|(t, _, _)| !t.is_empty())
            .collect();
        let Some(&(first, _, _)) = texts.first() else {
            return Err(line_error(*line, "no prompt text in this row"));
        };
        let question = id_col
            .map(|i| fields[i].trim())
            .filter(|s| !s.is_empty())
            .map_or_else(|| hashed_id(first), str::to_string);
        let topic = topic_or(topic_col.map(|i| fields[i].as_str()), default_topic);
        let mut row: Vec<Probe> = Vec::new();
        for (t, exact, hint) in texts {
            let lang = exact.unwrap_or_else(|| lang_for(t, hint));
            if row.iter().any(|p| p.lang == lang) {
                return Err(line_error(*line, format!("two prompts in {} in one row; keep one", lang.tag())));
            }
            row.push(new_probe(&question, &topic, lang, t));
        }
        let ids: Vec<String> = row.iter().map(|p| p.id.clone()).collect();
        for mut p in row {
            p.translations = ids.iter().filter(|id| **id != p.id).cloned().collect();
            set.add(p, *line)?;
        }
    }
    set.finish("the CSV has a header but no rows")
}

/// The language of a `prompt_<tag>` column; tags are matched ignoring case, with the
/// usual regional aliases.
fn column_lang(tag: &str) -> Option<Lang> {
    let lower = tag.to_ascii_lowercase();
    Lang::ALL.iter().copied().find(|l| l.tag().eq_ignore_ascii_case(&lower)).or(match lower.as_str() {
        "en-us" | "en-gb" => Some(Lang::En),
        "zh" | "zh-cn" | "zh-sg" | "cn" => Some(Lang::ZhHans),
        "zh-tw" | "zh-hk" | "zh-mo" | "tw" => Some(Lang::ZhHant),
        _ => None,
    })
}

/// Reads a SpeechMap question file (JSON Lines: `id`, `category`, `question`): one probe
/// per line, topic from `category` (else `default_topic`), language from the script as for
/// CSV prompts.
pub fn import_probes_speechmap_questions(
    text: &str,
    default_topic: &str,
    default_lang: Option<Lang>,
) -> Result<Vec<Probe>, ProbeImportError> {
    let mut set = ProbeSet::default();
    for (i, line) in text.strip_prefix('\u{feff}').unwrap_or(text).lines().enumerate() {
        let n = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        let v: Value = serde_json::from_str(line).map_err(|e| {
            line_error(n, format!("not JSON ({e}); a SpeechMap question file has one JSON object a line"))
        })?;
        let question = str_field(&v, "question").ok_or_else(|| line_error(n, "no `question` text"))?;
        let id = id_value(v.get("id")).unwrap_or_else(|| hashed_id(question));
        let topic = topic_or(str_field(&v, "category"), default_topic);
        set.add(new_probe(&id, &topic, lang_for(question, default_lang), question), n)?;
    }
    set.finish("the file has no lines")
}

/// Reads one probe a line; blank lines and lines starting with `#` are skipped. Ids are
/// made from the text, so the same line always gets the same id; repeated lines become
/// one probe.
pub fn import_probes_text(
    text: &str,
    topic: &str,
    lang: Option<Lang>,
) -> Result<Vec<Probe>, ProbeImportError> {
    let mut set = ProbeSet::default();
    let topic = topic_or(None, topic);
    for (i, line) in text.strip_prefix('\u{feff}').unwrap_or(text).lines().enumerate() {
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        set.add(new_probe(&hashed_id(t), &topic, lang_for(t, lang), t), i + 1)?;
    }
    set.finish("every line is blank or a # comment")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thinking_prefixes_and_think_blocks_become_reasoning() {
        let (c, r) = split_thinking("Thinking: plan it.\n\nThe answer.\n\nMore.");
        assert_eq!((c.as_str(), r.as_deref()), ("The answer.\n\nMore.", Some("plan it.")));
        let (c, r) = split_thinking("<think>hmm</think>\n\nok");
        assert_eq!((c.as_str(), r.as_deref()), ("ok", Some("hmm")));
        assert_eq!(split_thinking("plain"), ("plain".to_string(), None));
    }

    #[test]
    fn provider_ids_give_models() {
        assert_eq!(model_of_provider_id("openai:chat:deepseek-reasoner"), "deepseek-reasoner");
        assert_eq!(model_of_provider_id("openrouter:deepseek/deepseek-chat"), "deepseek/deepseek-chat");
        assert_eq!(model_of_provider_id("ollama:chat:deepseek-r1:7b"), "deepseek-r1:7b");
        assert_eq!(model_of_provider_id("echo"), "echo");
    }

    #[test]
    fn error_texts_and_objects_map_to_http_or_transport() {
        match error_text_outcome("API error: 429 Too Many Requests\n{}") {
            Outcome::Dialect(DialectError::Http { status, message, .. }) => {
                assert_eq!((status, message.as_str()), (429, "API error: 429 Too Many Requests"))
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(error_text_outcome("fetch failed"), Outcome::Transport(_)));
        let err: Value = serde_json::json!({"message": "Content moderation", "code": 403});
        assert!(matches!(
            error_object_outcome(&err),
            Outcome::Dialect(DialectError::Http { status: 403, .. })
        ));
        let err: Value = serde_json::json!({"message": "boom"});
        assert!(matches!(error_object_outcome(&err), Outcome::Transport(_)));
    }
}
