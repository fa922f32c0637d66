//! SpeechMap analysis files: JSON Lines, one judged reply a line, with the provider's raw API
//! response (or, in files re-shaped from SpeechMap's, the reply text) and the judge's label.

use serde_json::Value;

use super::field::{get, json_kind, json_object, Field, Id};
use super::rows::{build, reply_outcome, ProviderKey, Row};
use super::{ImportError, Imported, SourceLabelMeaning};
use crate::core::dialect::think::split_think;
use crate::core::dialect::DialectError;
use crate::core::report::schema::SourceKind;
use crate::core::report::text::parse_timestamp_ms;
use crate::core::run::Timing;
use crate::core::verdict::{chat_body_outcome, Outcome};

/// One line of an analysis file, as far as Candor reads it.
#[derive(Debug)]
struct AnalysisLine<'a> {
    question_id: Id,
    question: Field<'a, &'a str>,
    model: Field<'a, &'a str>,
    category: Field<'a, &'a str>,
    timestamp: Field<'a, &'a str>,
    /// The judge's label: `COMPLETE`, `EVASIVE`, `DENIAL`, `ERROR_…`, and newer ones.
    compliance: Field<'a, &'a str>,
    /// The trace that goes with a plain-text `response`.
    reasoning: Field<'a, &'a str>,
    response: Response<'a>,
}

impl<'a> AnalysisLine<'a> {
    fn read(v: &'a Value) -> Self {
        AnalysisLine {
            question_id: Id::get(v, "question_id"),
            question: get(v, "question"),
            model: get(v, "model"),
            category: get(v, "category"),
            timestamp: get(v, "timestamp"),
            compliance: get(v, "compliance"),
            reasoning: get(v, "reasoning"),
            response: match v.get("response") {
                None => Response::Absent,
                Some(Value::Null) => Response::Null,
                Some(Value::String(s)) => Response::Text(s),
                Some(obj @ Value::Object(_)) => Response::Api(obj, ApiParts::read(obj)),
                Some(other) => Response::Other(other),
            },
        }
    }
}

/// What `response` holds.
#[derive(Debug)]
enum Response<'a> {
    /// No `response` key.
    Absent,
    /// `response: null`: SpeechMap's failed requests.
    Null,
    /// The reply as text (re-shaped files).
    Text(&'a str),
    /// The provider's chat-completions response object, with the parts read here.
    Api(&'a Value, ApiParts<'a>),
    /// Anything else.
    Other(&'a Value),
}

/// What the importer reads of a provider's response object itself; the reply in it is read
/// by the parser the app uses for live replies.
#[derive(Debug)]
struct ApiParts<'a> {
    choices: Field<'a, Vec<Field<'a, ApiChoice<'a>>>>,
    error: Field<'a, &'a Value>,
}

impl<'a> ApiParts<'a> {
    fn read(v: &'a Value) -> Self {
        ApiParts { choices: get(v, "choices"), error: get(v, "error") }
    }
}

json_object! {
    struct ApiChoice<'a> {
        message: Field<'a, ApiMessage<'a>> = "message",
    }
}

json_object! {
    /// The trace fields of a message: only checked for their type, so a wrong one is noted.
    struct ApiMessage<'a> {
        reasoning: Field<'a, &'a str> = "reasoning",
        reasoning_content: Field<'a, &'a str> = "reasoning_content",
    }
}

/// An error object in a provider's response (`{"message", "code", …}`); every field is
/// absent when the error is not an object.
#[derive(Debug)]
struct ApiError<'a> {
    message: Field<'a, &'a str>,
    code: Field<'a, &'a Value>,
    status: Field<'a, &'a Value>,
    status_code: Field<'a, &'a Value>,
}

impl<'a> ApiError<'a> {
    fn read(v: &'a Value) -> Self {
        ApiError {
            message: get(v, "message"),
            code: get(v, "code"),
            status: get(v, "status"),
            status_code: get(v, "status_code"),
        }
    }

    /// A status code in `code`, `status` or `status_code`, as a number or numeric string.
    fn status(&self) -> Option<u16> {
        [&self.code, &self.status, &self.status_code].into_iter().find_map(|f| {
            let v = f.ok()?;
            let n = v.as_u64().or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))?;
            u16::try_from(n).ok().filter(|n| (100..=599).contains(n))
        })
    }
}

/// Reads a SpeechMap analysis file (JSON Lines: `question_id`, `question`, `model`,
/// `response`, `compliance`, `category`, `timestamp`, …). `response` may be the provider's
/// raw API response object (`choices[0].message.content`, `reasoning`, `provider`,
/// `usage`, or an `error` object) or the reply as a plain string (then a top-level
/// `reasoning` string is its trace). A row whose `response` is null or missing is kept as
/// an error cell (SpeechMap labels such rows `ERROR` or `INVALID`); every `compliance`
/// label is kept as it is, known or not (see [`SourceLabelMeaning`]). `file_name` is
/// recorded in the report and named in errors; bytes are turned into text with
/// [`decode_utf8`](super::decode_utf8) first.
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
        match row(line) {
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

/// One line as a row, or why it cannot be one.
fn row(line: &str) -> Result<Row, String> {
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
    let line = AnalysisLine::read(&v);
    let question = line.question.text().ok_or("no `question` text")?.to_string();
    let model = line.model.text().ok_or("no `model`")?.to_string();
    let mut notes = Vec::new();
    let compliance = line.compliance.text().map(str::to_string);
    if let Field::Other(other) = &line.compliance {
        notes.push(format!("`compliance` is {}, not a label; it was ignored", json_kind(other)));
    }
    // A top-level `reasoning` goes with a plain-string response (files re-shaped from
    // SpeechMap's, like Candor's own labelled sets); the API object carries its own.
    let row_reasoning = text_or_note(&line.reasoning, "reasoning", &mut notes);
    let outcome = match line.response {
        Response::Absent => no_reply_outcome(false, compliance.as_deref()),
        Response::Null => no_reply_outcome(true, compliance.as_deref()),
        Response::Text(s) => {
            let (content, reasoning) = split_think(s, row_reasoning);
            reply_outcome(content, reasoning)
        }
        Response::Api(obj, parts) => {
            let first = parts.choices.ok().and_then(|c| c.first()).and_then(Field::ok);
            if let Some(message) = first.and_then(|c| c.message.ok()) {
                for (key, field) in
                    [("reasoning", &message.reasoning), ("reasoning_content", &message.reasoning_content)]
                {
                    text_or_note(field, &format!("response.choices[0].message.{key}"), &mut notes);
                }
            }
            response_object_outcome(obj, &parts)
        }
        Response::Other(other) => {
            return Err(format!(
                "`response` is {}; expected the API's response object or the reply text",
                json_kind(other)
            ))
        }
    };
    Ok(Row {
        location: String::new(),
        question_id: line.question_id.0,
        question,
        topic: line.category.text().map(str::to_string),
        provider: ProviderKey { key: model.clone(), title: model.clone(), model, base_url: String::new() },
        outcome,
        timing: Timing::default(),
        source_label: compliance,
        at_ms: line.timestamp.text().and_then(parse_timestamp_ms),
        notes,
    })
}

/// The text of a field that should be text; another type (a number, an object) is ignored
/// with a note naming it as `path`, and null or absent is nothing.
fn text_or_note(field: &Field<&str>, path: &str, notes: &mut Vec<String>) -> Option<String> {
    if let Field::Other(other) = field {
        notes.push(format!("`{path}` is {}, not text; it was ignored", json_kind(other)));
    }
    field.ok().map(|s| s.to_string())
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
/// uses for live replies; an error object without choices is the row's error.
fn response_object_outcome(obj: &Value, parts: &ApiParts) -> Outcome {
    let has_choices = parts.choices.ok().is_some_and(|c| !c.is_empty());
    if !has_choices {
        let err = match &parts.error {
            Field::Is(err) => Some(err),
            Field::Other(err) => Some(err),
            Field::Absent | Field::Null => None,
        };
        if let Some(err) = err {
            return error_object_outcome(err);
        }
    }
    chat_body_outcome(obj.to_string())
}

/// An error object of a provider's response: an HTTP error when it carries a status, else a
/// failure without one.
fn error_object_outcome(err: &Value) -> Outcome {
    let fields = ApiError::read(err);
    let message = match err {
        Value::String(s) => s.clone(),
        _ => fields.message.text().map_or_else(|| err.to_string(), str::to_string),
    };
    match fields.status() {
        Some(status) => Outcome::Dialect(DialectError::Http { status, message, body: err.to_string() }),
        None => Outcome::Transport(format!("the source recorded an error without a status: {message}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_objects_map_to_http_or_transport() {
        let err: Value = serde_json::json!({"message": "Content moderation", "code": 403});
        assert!(matches!(
            error_object_outcome(&err),
            Outcome::Dialect(DialectError::Http { status: 403, .. })
        ));
        let err: Value = serde_json::json!({"message": "Overloaded", "status": "503"});
        assert!(matches!(
            error_object_outcome(&err),
            Outcome::Dialect(DialectError::Http { status: 503, .. })
        ));
        let err: Value = serde_json::json!({"message": "boom"});
        assert!(matches!(error_object_outcome(&err), Outcome::Transport(_)));
        match error_object_outcome(&Value::String("quota".into())) {
            Outcome::Transport(m) => assert!(m.ends_with(": quota"), "{m}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_think_block_and_a_top_level_trace_are_both_kept() {
        let line = r#"{"question": "Q?", "model": "m", "response": "<think>inner</think>\n\nThe answer.", "reasoning": "outer"}"#;
        let read = row(line).expect("a row");
        let Outcome::Reply { reply, .. } = read.outcome else { panic!("{:?}", read.outcome) };
        assert_eq!(reply.content, "The answer.");
        assert_eq!(reply.reasoning.as_deref(), Some("outer\ninner"));
    }
}
