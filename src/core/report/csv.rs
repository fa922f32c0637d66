//! CSV: the report as one spreadsheet row per (probe, provider), and an RFC 4180 reader for
//! the probe lists people bring from promptfoo.
//!
//! The export starts with a byte-order mark so spreadsheet programs read it as UTF-8 and
//! keep Chinese intact, ends lines with CRLF as RFC 4180 says, and defuses cells that a
//! spreadsheet would run as formulas (see [`super::text::csv_field`]).

use super::schema::{Report, ResultRow};
use super::text::csv_field;
use crate::core::judge::JudgeOutcome;

/// The columns of the export, in order.
pub const COLUMNS: [&str; 22] = [
    "probe_id",
    "topic",
    "language",
    "kind",
    "prompt",
    "provider",
    "model",
    "simulated",
    "verdict",
    "confidence",
    "reply",
    "reasoning",
    "finish_reason",
    "served_model",
    "latency_ms",
    "prompt_tokens",
    "completion_tokens",
    "error",
    "source_label",
    "judge_label",
    "judge_state_line",
    "judge_error",
];

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

fn row_of(r: Option<&ResultRow>) -> [String; 14] {
    let Some(r) = r else {
        let mut empty: [String; 14] = Default::default();
        empty[0] = "pending".into();
        return empty;
    };
    let reply = r.reply();
    let usage = reply.and_then(|x| x.usage.as_ref());
    let judged = r.judge.as_ref().and_then(JudgeOutcome::verdict);
    let judge_error = match &r.judge {
        Some(JudgeOutcome::Failed(e)) => Some(e.to_string()),
        _ => None,
    };
    [
        r.verdict.label.key().to_string(),
        format!("{:.2}", r.verdict.confidence),
        opt(reply.map(|x| x.content.as_str())),
        opt(reply.and_then(|x| x.reasoning.as_deref())),
        opt(reply.and_then(|x| x.finish_reason.as_deref())),
        opt(reply.and_then(|x| x.model.as_deref())),
        // A source that recorded no timing leaves 0; show that as unknown, not as instant.
        if r.timing.latency_ms > 0.0 { format!("{:.0}", r.timing.latency_ms) } else { String::new() },
        opt(usage.and_then(|u| u.prompt_tokens)),
        opt(usage.and_then(|u| u.completion_tokens)),
        opt(r.error_text()),
        opt(r.source_label.as_deref()),
        opt(judged.map(|v| v.label.key())),
        opt(judged.map(|v| v.state_line)),
        opt(judge_error),
    ]
}

/// The report as CSV: a byte-order mark, the header, then one row per probe and provider
/// in matrix order (pending cells included, with verdict `pending`), CRLF line ends.
pub fn to_csv(report: &Report) -> String {
    let mut out = String::from("\u{feff}");
    out.push_str(&COLUMNS.join(","));
    out.push_str("\r\n");
    let grid = report.grid();
    for (probe, row) in report.probes.iter().zip(&grid) {
        for (provider, cell) in report.providers.iter().zip(row) {
            let head = [
                probe.id.clone(),
                probe.topic.clone(),
                probe.lang.tag().to_string(),
                match probe.kind {
                    crate::core::pack::ProbeKind::Sensitive => "sensitive".to_string(),
                    crate::core::pack::ProbeKind::Control => "control".to_string(),
                },
                probe.prompt.clone(),
                provider.display_title(),
                provider.model.clone(),
                provider.simulated.to_string(),
            ];
            let fields: Vec<String> = head.iter().chain(row_of(*cell).iter()).map(|f| csv_field(f)).collect();
            out.push_str(&fields.join(","));
            out.push_str("\r\n");
        }
    }
    out
}

/// Why a CSV text could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct CsvError {
    /// 1-based line where the problem starts.
    pub line: usize,
    /// What is wrong and what to do.
    pub message: String,
}

/// One record and the line it starts on.
pub type Record = (usize, Vec<String>);

/// Reads CSV per RFC 4180: fields separated by commas, quoted fields may hold commas,
/// doubled quotes and line breaks; LF or CRLF line ends; a leading byte-order mark is
/// skipped. Blank lines are skipped. Returns each record with its 1-based starting line.
pub fn parse_csv(text: &str) -> Result<Vec<Record>, CsvError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut records = Vec::new();
    let mut fields: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut line = 1usize;
    let mut record_line = 1usize;
    let mut chars = text.chars().peekable();
    // Whether the current field was quoted and its closing quote has been read.
    let mut closed_quote = false;
    let mut at_field_start = true;
    while let Some(c) = chars.next() {
        match c {
            '"' if at_field_start => {
                let open_line = line;
                loop {
                    match chars.next() {
                        Some('"') if chars.peek() == Some(&'"') => {
                            chars.next();
                            field.push('"');
                        }
                        Some('"') => break,
                        Some(ch) => {
                            if ch == '\n' {
                                line += 1;
                            }
                            field.push(ch);
                        }
                        None => {
                            return Err(CsvError {
                                line: open_line,
                                message: "a quoted field opened here is never closed; add the closing `\"`"
                                    .into(),
                            })
                        }
                    }
                }
                closed_quote = true;
                at_field_start = false;
            }
            ',' => {
                fields.push(std::mem::take(&mut field));
                closed_quote = false;
                at_field_start = true;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                if !(fields.is_empty() && field.is_empty() && !closed_quote) {
                    fields.push(std::mem::take(&mut field));
                    records.push((record_line, std::mem::take(&mut fields)));
                }
                line += 1;
                record_line = line;
                closed_quote = false;
                at_field_start = true;
            }
            other => {
                if closed_quote {
                    return Err(CsvError {
                        line,
                        message: format!(
                            "`{other}` after the closing quote of a field; a quote inside a quoted field \
                             is written twice (\"\")"
                        ),
                    });
                }
                field.push(other);
                at_field_start = false;
            }
        }
    }
    if !(fields.is_empty() && field.is_empty() && !closed_quote) {
        fields.push(field);
        records.push((record_line, fields));
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_quoted_fields_with_commas_quotes_and_newlines() {
        let text = "\u{feff}a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n\r\nlast,,\n";
        let recs = parse_csv(text).unwrap();
        assert_eq!(recs.len(), 3);
        assert_eq!(recs[0], (1, vec!["a".to_string(), "b".into(), "c".into()]));
        assert_eq!(recs[1].1, vec!["x, y".to_string(), "say \"hi\"".into(), "two\nlines".into()]);
        assert_eq!(recs[2], (5, vec!["last".to_string(), String::new(), String::new()]));
        assert_eq!(parse_csv("a\n\"open").unwrap_err().line, 2);
        assert_eq!(parse_csv("\"a\"b").unwrap_err().line, 1);
        assert_eq!(parse_csv("no newline").unwrap(), vec![(1, vec!["no newline".to_string()])]);
    }
}
