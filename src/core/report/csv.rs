//! CSV: the report as one spreadsheet row per (probe, provider), and a reader for the probe
//! lists people bring from promptfoo; both through `csv_core`, the `csv` crate's parser and
//! writer without its `std::io` layer.
//!
//! The export starts with a byte-order mark so spreadsheet programs read it as UTF-8 and
//! keep Chinese intact, ends lines with CRLF as RFC 4180 says, quotes only the fields that
//! need it, and defuses cells that a spreadsheet would run as formulas (see [`guard`]).

use crate::core::num::fixed;
use std::borrow::Cow;

use super::schema::{Report, ResultRow};
use crate::core::judge::JudgeOutcome;
use crate::core::pack::ProbeKind;

/// The columns of the export, in order.
pub const COLUMNS: [&str; 23] = [
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
    "manual_verdict",
];

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

fn row_of(r: Option<&ResultRow>) -> [String; 15] {
    let Some(r) = r else {
        let mut empty: [String; 15] = Default::default();
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
        fixed(r.verdict.confidence, 2),
        opt(reply.map(|x| x.content.as_str())),
        opt(reply.and_then(|x| x.reasoning.as_deref())),
        opt(reply.and_then(|x| x.finish_reason.as_deref())),
        opt(reply.and_then(|x| x.model.as_deref())),
        // A source that recorded no timing leaves 0; show that as unknown, not as instant.
        if r.timing.latency_ms > 0.0 { fixed(r.timing.latency_ms, 0) } else { String::new() },
        opt(usage.and_then(|u| u.prompt_tokens)),
        opt(usage.and_then(|u| u.completion_tokens)),
        opt(r.error_text()),
        opt(r.source_label.as_deref()),
        opt(judged.map(|v| v.label.key())),
        opt(judged.map(|v| v.state_line)),
        opt(judge_error),
        opt(r.manual.map(|l| l.key())),
    ]
}

/// The columns added when the run asked each probe more than once: which sample the row is
/// (from 1), the cell's majority verdict and how many of its samples agree with it.
pub const SAMPLE_COLUMNS: [&str; 3] = ["sample", "majority", "agree"];

/// The report as CSV: a byte-order mark, the header, then one row per probe and provider
/// in matrix order (pending cells included, with verdict `pending`), CRLF line ends. A run
/// that asked each probe several times has one row per sample, and [`SAMPLE_COLUMNS`].
pub fn to_csv(report: &Report) -> String {
    let mut out = CsvWriter::new();
    let n = report.run.samples;
    let extra = if n > 1 { &SAMPLE_COLUMNS[..] } else { &[] };
    out.record(COLUMNS.iter().chain(extra).copied());
    let grid = report.sample_grid();
    let majority = report.grid();
    for ((probe, row), majority) in report.probes.iter().zip(&grid).zip(&majority) {
        for ((provider, cell), majority) in report.providers.iter().zip(row).zip(majority) {
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
            for s in 0..n {
                let cells = row_of(cell.iter().find(|r| r.sample == s).copied());
                let more = match majority.filter(|_| n > 1) {
                    Some((_, c)) => {
                        [(s + 1).to_string(), c.label.key().to_string(), format!("{}/{}", c.agree, c.total)]
                    }
                    None if n > 1 => [(s + 1).to_string(), String::new(), String::new()],
                    None => Default::default(),
                };
                let more = if n > 1 { &more[..] } else { &[] };
                out.record(head.iter().chain(cells.iter()).chain(more).map(String::as_str));
            }
        }
    }
    out.finish()
}

/// CSV text built record by record: `csv_core` decides the quoting and writes the
/// delimiters and CRLF ends; every field is guarded first (see [`guard`]). The `csv` crate's
/// own writer would do the same over `std::io`, at 8.8 KB gzipped more in the browser build.
struct CsvWriter {
    core: csv_core::Writer,
    out: Vec<u8>,
    buf: Vec<u8>,
}

impl CsvWriter {
    fn new() -> Self {
        let core = csv_core::WriterBuilder::new().terminator(csv_core::Terminator::CRLF).build();
        // The byte-order mark: spreadsheets then read the file as UTF-8.
        CsvWriter { core, out: "\u{feff}".as_bytes().to_vec(), buf: Vec::new() }
    }

    fn record<'a>(&mut self, fields: impl Iterator<Item = &'a str>) {
        for (i, field) in fields.enumerate() {
            if i > 0 {
                self.put(|core, buf| core.delimiter(buf));
            }
            let field = guard(field);
            // Room for the worst case csv_core names, a field of quotes only, so one call
            // writes the whole field: it must see the whole field to decide on quoting.
            self.buf.resize(2 + 2 * field.len(), 0);
            let (_, _, n) = self.core.field(field.as_bytes(), &mut self.buf);
            self.out.extend_from_slice(&self.buf[..n]);
        }
        self.put(|core, buf| core.terminator(buf));
    }

    /// Writes a delimiter or terminator (a closing quote and CRLF at most).
    fn put(&mut self, write: impl Fn(&mut csv_core::Writer, &mut [u8]) -> (csv_core::WriteResult, usize)) {
        let mut small = [0u8; 4];
        let (_, n) = write(&mut self.core, &mut small);
        self.out.extend_from_slice(&small[..n]);
    }

    fn finish(self) -> String {
        // Only whole UTF-8 fields and ASCII punctuation were written.
        String::from_utf8(self.out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }
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
/// Broken quoting, which `csv_core` would read leniently, is refused with its line: a
/// quoted field never closed, or text after a closing quote.
pub fn parse_csv(text: &str) -> Result<Vec<Record>, CsvError> {
    if let Some(problem) = quoting_problem(text) {
        return Err(problem);
    }
    let mut reader = csv_core::Reader::new();
    // Lines are counted here from each record's byte offset, as csv_core's own count misses
    // line breaks inside quoted fields.
    let mut lines = LineCounter { text, at: 0, line: 1 };
    let mut records = Vec::new();
    let mut input = text.as_bytes();
    let (mut out, mut ends) = (vec![0u8; 1024], vec![0usize; 32]);
    let (mut nout, mut nend, mut consumed, mut record_start) = (0, 0, 0, 0);
    loop {
        let (result, nin, o, e) = reader.read_record(input, &mut out[nout..], &mut ends[nend..]);
        input = &input[nin..];
        consumed += nin;
        nout += o;
        nend += e;
        match result {
            // An empty input tells csv_core the text has ended; it then finishes the record.
            csv_core::ReadRecordResult::InputEmpty => {}
            csv_core::ReadRecordResult::OutputFull => out.resize(out.len() * 2, 0),
            csv_core::ReadRecordResult::OutputEndsFull => ends.resize(ends.len() * 2, 0),
            csv_core::ReadRecordResult::Record => {
                let mut start = 0;
                let fields = ends[..nend]
                    .iter()
                    .map(|&end| {
                        let field = String::from_utf8_lossy(&out[start..end]).into_owned();
                        start = end;
                        field
                    })
                    .collect();
                records.push((lines.line_at(record_start), fields));
                (nout, nend, record_start) = (0, 0, consumed);
            }
            csv_core::ReadRecordResult::End => return Ok(records),
        }
    }
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
    fn line_at(&mut self, byte: usize) -> usize {
        let bytes = self.text.as_bytes();
        let mut to = byte.min(bytes.len());
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

/// The first place where quoting is broken, which `csv_core` reads without complaint by
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
        let mut out = CsvWriter::new();
        out.record(fields.iter().copied());
        out.finish().trim_start_matches('\u{feff}').to_string()
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
