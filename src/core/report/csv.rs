//! CSV: the report as one spreadsheet row per (probe, provider), and a reader for the probe
//! lists people bring from promptfoo; both through the `csv` crate.
//!
//! The export starts with a byte-order mark so spreadsheet programs read it as UTF-8 and
//! keep Chinese intact, ends lines with CRLF as RFC 4180 says, quotes only the fields that
//! need it, and defuses cells that a spreadsheet would run as formulas (see [`guard`]).

use std::borrow::Cow;

use super::schema::{Report, ResultRow};
use crate::core::judge::JudgeOutcome;
use crate::core::pack::ProbeKind;

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
    let mut out = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    let grid = report.grid();
    // Writing to a Vec cannot fail, and every field is text, so neither can the CSV writer.
    let _ = out.write_record(COLUMNS);
    for (probe, row) in report.probes.iter().zip(&grid) {
        for (provider, cell) in report.providers.iter().zip(row) {
            let head = [
                probe.id.clone(),
                probe.topic.clone(),
                probe.lang.tag().to_string(),
                match probe.kind {
                    ProbeKind::Sensitive => "sensitive".to_string(),
                    ProbeKind::Control => "control".to_string(),
                },
                probe.prompt.clone(),
                provider.display_title(),
                provider.model.clone(),
                provider.simulated.to_string(),
            ];
            let _ = out.write_record(head.iter().chain(row_of(*cell).iter()).map(|f| guard(f).into_owned()));
        }
    }
    let bytes = out.into_inner().unwrap_or_default();
    format!("\u{feff}{}", String::from_utf8_lossy(&bytes))
}

/// A field guarded against formula injection: spreadsheets run a cell that starts with `=`,
/// `+`, `-` or `@` (or a tab or carriage return before one) as a formula, and a reply is
/// untrusted text, so such a field gets a leading apostrophe, which spreadsheets show as
/// text and hide.
pub fn guard(field: &str) -> Cow<'_, str> {
    if field.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{field}"))
    } else {
        Cow::Borrowed(field)
    }
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
/// Broken quoting, which the `csv` crate would read leniently, is refused with its line: a
/// quoted field never closed, or text after a closing quote.
pub fn parse_csv(text: &str) -> Result<Vec<Record>, CsvError> {
    if let Some(problem) = quoting_problem(text) {
        return Err(problem);
    }
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    // The crate's own line count misses line breaks inside quoted fields, so lines are
    // counted here from each record's byte offset, which it keeps exactly.
    let mut lines = LineCounter { text, at: 0, line: 1 };
    let mut records = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| CsvError {
            line: e.position().map_or(1, |p| lines.line_at(p.byte())),
            message: format!("{e}; save the file as UTF-8 CSV"),
        })?;
        let line = record.position().map_or(1, |p| lines.line_at(p.byte()));
        records.push((line, record.iter().map(str::to_string).collect()));
    }
    Ok(records)
}

/// 1-based line numbers of byte offsets met in increasing order.
struct LineCounter<'a> {
    text: &'a str,
    /// The offset counted up to.
    at: usize,
    /// The line at that offset.
    line: usize,
}

impl LineCounter<'_> {
    /// The line of the first character at or after `byte` that is not a line break: a record
    /// starts there, blank lines before it being skipped.
    fn line_at(&mut self, byte: u64) -> usize {
        let bytes = self.text.as_bytes();
        let mut to = usize::try_from(byte).unwrap_or(bytes.len()).min(bytes.len());
        while to < bytes.len() && matches!(bytes[to], b'\r' | b'\n') {
            to += 1;
        }
        if to > self.at {
            self.line += bytes[self.at..to].iter().filter(|&&b| b == b'\n').count();
            self.at = to;
        }
        self.line
    }
}

/// The first place where quoting is broken, which the `csv` crate reads without complaint by
/// design: a quoted field never closed runs to the end of the file, and text after a closing
/// quote is glued on. In a probe list either would silently merge or mangle probes, so the
/// user is told where to fix the file instead.
fn quoting_problem(text: &str) -> Option<CsvError> {
    #[derive(Clone, Copy, PartialEq)]
    enum At {
        FieldStart,
        Unquoted,
        Quoted { opened: usize },
        AfterQuote { opened: usize },
    }
    let mut at = At::FieldStart;
    let mut line = 1;
    for c in text.strip_prefix('\u{feff}').unwrap_or(text).chars() {
        at = match (at, c) {
            (At::FieldStart, '"') => At::Quoted { opened: line },
            (At::Quoted { opened }, '"') => At::AfterQuote { opened },
            (At::Quoted { .. }, _) => at,
            // A doubled quote inside a quoted field.
            (At::AfterQuote { opened }, '"') => At::Quoted { opened },
            (_, ',' | '\r' | '\n') => At::FieldStart,
            (At::AfterQuote { .. }, other) => {
                return Some(CsvError {
                    line,
                    message: format!(
                        "`{other}` after the closing quote of a field; a quote inside a quoted field \
                         is written twice (\"\")"
                    ),
                })
            }
            (At::FieldStart | At::Unquoted, _) => At::Unquoted,
        };
        if c == '\n' {
            line += 1;
        }
    }
    match at {
        At::Quoted { opened } => Some(CsvError {
            line: opened,
            message: "a quoted field opened here is never closed; add the closing `\"`".into(),
        }),
        _ => None,
    }
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

    #[test]
    fn quotes_inside_unquoted_fields_are_text() {
        let recs = parse_csv("size,note\n5\" screen,say \"hi\"\n").unwrap();
        assert_eq!(recs[1].1, vec!["5\" screen".to_string(), "say \"hi\"".into()]);
        let err = parse_csv("a,b\nc,\"d\" e\n").unwrap_err();
        assert_eq!(err.line, 2);
        assert!(err.message.contains("written twice"), "{err}");
    }

    /// One record written the way the export writes its rows.
    fn written(fields: &[&str]) -> String {
        let mut out = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
        out.write_record(fields.iter().map(|f| guard(f).into_owned())).unwrap();
        String::from_utf8(out.into_inner().unwrap()).unwrap()
    }

    #[test]
    fn fields_are_guarded_then_quoted_only_when_needed() {
        assert_eq!(
            written(&["plain", "a,b", "say \"hi\"", "=1+1", "-2,3", "天安门", "two\nlines", "@x", "+1"]),
            "plain,\"a,b\",\"say \"\"hi\"\"\",'=1+1,\"'-2,3\",天安门,\"two\nlines\",'@x,'+1\r\n"
        );
        assert_eq!(
            written(&["\tx", "", "\r=y"]),
            "'\tx,,\"'\r=y\"\r\n",
            "a leading tab or CR is guarded too"
        );
    }
}
