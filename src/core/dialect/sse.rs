//! A server-sent-events decoder for streamed replies.
//!
//! The network hands over the body in chunks that can be split anywhere: in the middle of a
//! line, in the middle of a UTF-8 character, or between the `\r` and `\n` of a line break.
//! [`SseDecoder`] buffers bytes until a line is complete and yields an [`SseEvent`] for every
//! blank-line-terminated event, following the WHATWG event-stream rules that matter here:
//! `data:` lines are joined with `\n`, lines starting with `:` are comments, one space after
//! the colon is dropped, and `\n`, `\r\n` and `\r` all end a line.

/// One dispatched event.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SseEvent {
    /// The `event:` field, or `None` for the default (`message`) type.
    pub event: Option<String>,
    /// The `data:` lines of the event joined with `\n`.
    pub data: String,
}

/// The UTF-8 byte order mark, which the event-stream format allows once at the very start.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Incremental decoder from body bytes to [`SseEvent`]s.
#[derive(Clone, Debug, Default)]
pub struct SseDecoder {
    /// Bytes of the line not yet terminated. Kept as bytes so a UTF-8 character split across
    /// chunks is decoded only once whole; `\r` and `\n` never occur inside a multi-byte one.
    line: Vec<u8>,
    /// The previous chunk ended on `\r`, so a `\n` at the start of the next one is the second
    /// half of the same line break, not an empty line that would dispatch an event.
    after_cr: bool,
    /// Whether any line has been completed yet, to strip a BOM only from the first one.
    started: bool,
    /// The `event:` field of the event being assembled.
    event: Option<String>,
    /// The `data:` lines of the event being assembled, joined with `\n`.
    data: String,
    /// Whether a `data:` line was seen, since `data:` with an empty value still dispatches.
    has_data: bool,
}

impl SseDecoder {
    /// A decoder at the start of a stream.
    pub fn new() -> Self {
        Self::default()
    }

    /// Feeds the next chunk of the body and returns the events it completed.
    pub fn push(&mut self, chunk: &[u8]) -> Vec<SseEvent> {
        let mut out = Vec::new();
        let mut rest = chunk;
        if self.after_cr && !rest.is_empty() {
            self.after_cr = false;
            if let Some(stripped) = rest.strip_prefix(b"\n") {
                rest = stripped;
            }
        }
        while let Some(pos) = rest.iter().position(|&b| b == b'\n' || b == b'\r') {
            self.line.extend_from_slice(&rest[..pos]);
            self.end_line(&mut out);
            let was_cr = rest[pos] == b'\r';
            rest = &rest[pos + 1..];
            if was_cr {
                match rest.first() {
                    Some(b'\n') => rest = &rest[1..],
                    Some(_) => {}
                    None => self.after_cr = true,
                }
            }
        }
        self.line.extend_from_slice(rest);
        out
    }

    /// Ends the stream: completes a last unterminated line and dispatches a last event that was
    /// not followed by a blank line. The decoder is then ready for a new stream.
    pub fn finish(&mut self) -> Vec<SseEvent> {
        let mut out = Vec::new();
        if !self.line.is_empty() {
            self.end_line(&mut out);
        }
        self.dispatch(&mut out);
        *self = Self::default();
        out
    }

    /// Interprets the buffered line as a field, or dispatches on a blank line.
    fn end_line(&mut self, out: &mut Vec<SseEvent>) {
        let mut bytes = std::mem::take(&mut self.line);
        if !self.started {
            self.started = true;
            if bytes.starts_with(BOM) {
                bytes.drain(..BOM.len());
            }
        }
        if bytes.is_empty() {
            self.dispatch(out);
            return;
        }
        let line = String::from_utf8_lossy(&bytes);
        if line.starts_with(':') {
            return;
        }
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line.as_ref(), ""),
        };
        match field {
            "data" => {
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(value);
                self.has_data = true;
            }
            "event" => self.event = if value.is_empty() { None } else { Some(value.to_owned()) },
            // `id` and `retry` only matter for reconnecting, which a one-shot reply never does.
            _ => {}
        }
    }

    /// Emits the assembled event, if it has data, and starts a new one.
    fn dispatch(&mut self, out: &mut Vec<SseEvent>) {
        let event = self.event.take();
        if self.has_data {
            self.has_data = false;
            out.push(SseEvent { event, data: std::mem::take(&mut self.data) });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(event: Option<&str>, data: &str) -> SseEvent {
        SseEvent { event: event.map(str::to_owned), data: data.to_owned() }
    }

    fn decode_whole(input: &[u8]) -> Vec<SseEvent> {
        let mut d = SseDecoder::new();
        let mut out = d.push(input);
        out.extend(d.finish());
        out
    }

    /// Decodes `input` split at every pair of positions and checks all agree with `expected`.
    fn assert_any_split(input: &[u8], expected: &[SseEvent]) {
        for i in 0..=input.len() {
            for j in i..=input.len() {
                let mut d = SseDecoder::new();
                let mut out = d.push(&input[..i]);
                out.extend(d.push(&input[i..j]));
                out.extend(d.push(&input[j..]));
                out.extend(d.finish());
                assert_eq!(out, expected, "split at {i} and {j}");
            }
        }
    }

    #[test]
    fn basic_events() {
        let input = b"data: one\n\ndata:two\n\n";
        assert_eq!(decode_whole(input), vec![ev(None, "one"), ev(None, "two")]);
    }

    #[test]
    fn multiple_data_lines_are_joined() {
        let input = b"data: a\ndata:  b\ndata\n\n";
        assert_eq!(decode_whole(input), vec![ev(None, "a\n b\n")]);
    }

    #[test]
    fn comments_and_unknown_fields_are_ignored() {
        let input = b": OPENROUTER PROCESSING\n\nid: 7\nretry: 100\nfoo: bar\ndata: x\n\n:\n\n";
        assert_eq!(decode_whole(input), vec![ev(None, "x")]);
    }

    #[test]
    fn event_names() {
        let input = b"event: error\ndata: {\"e\":1}\n\nevent:\ndata: y\n\nevent: lonely\n\ndata: z\n\n";
        assert_eq!(
            decode_whole(input),
            vec![ev(Some("error"), "{\"e\":1}"), ev(None, "y"), ev(None, "z")],
            "an event without data is dropped and its name does not leak into the next"
        );
    }

    #[test]
    fn empty_data_dispatches() {
        assert_eq!(decode_whole(b"data:\n\n"), vec![ev(None, "")]);
    }

    #[test]
    fn all_line_endings() {
        let expected = vec![ev(None, "a\nb"), ev(None, "c")];
        for input in [
            &b"data: a\ndata: b\n\ndata: c\n\n"[..],
            b"data: a\r\ndata: b\r\n\r\ndata: c\r\n\r\n",
            b"data: a\rdata: b\r\rdata: c\r\r",
            b"data: a\r\ndata: b\n\rdata: c\r\n\n",
        ] {
            assert_eq!(decode_whole(input), expected, "{}", String::from_utf8_lossy(input));
            assert_any_split(input, &expected);
        }
    }

    #[test]
    fn split_utf8_and_crlf_anywhere() {
        let input = "data: 抱歉，我还没有学会回答这个问题。\r\n\r\ndata: 🙂 ok\r\n\r\n".as_bytes();
        let expected = vec![ev(None, "抱歉，我还没有学会回答这个问题。"), ev(None, "🙂 ok")];
        assert_any_split(input, &expected);
    }

    #[test]
    fn one_byte_chunks() {
        let input = "event: x\r\ndata: é\r\r\ndata: [DONE]\n\n".as_bytes();
        let mut d = SseDecoder::new();
        let mut out = Vec::new();
        for b in input {
            out.extend(d.push(std::slice::from_ref(b)));
        }
        out.extend(d.finish());
        assert_eq!(out, vec![ev(Some("x"), "é"), ev(None, "[DONE]")]);
    }

    #[test]
    fn cr_then_lf_across_chunks_is_one_line_break() {
        let mut d = SseDecoder::new();
        assert!(d.push(b"data: a\r").is_empty());
        assert!(d.push(b"").is_empty(), "an empty chunk keeps the pending \\r");
        assert!(d.push(b"\n").is_empty(), "the \\n completes the same break, not a blank line");
        assert_eq!(d.push(b"\r\n"), vec![ev(None, "a")]);
    }

    #[test]
    fn finish_flushes_unterminated_event() {
        let mut d = SseDecoder::new();
        assert!(d.push(b"data: {\"a\":1}\n").is_empty());
        assert_eq!(d.finish(), vec![ev(None, "{\"a\":1}")]);
        let mut d = SseDecoder::new();
        assert!(d.push(b"data: partial").is_empty());
        assert_eq!(d.finish(), vec![ev(None, "partial")]);
        assert!(d.finish().is_empty(), "finish resets the decoder");
    }

    #[test]
    fn empty_and_comment_only_streams() {
        assert!(decode_whole(b"").is_empty());
        assert!(decode_whole(b": keep-alive\n\n: keep-alive\n").is_empty());
    }

    #[test]
    fn leading_bom_is_stripped_once() {
        let input = b"\xEF\xBB\xBFdata: a\n\n";
        assert_eq!(decode_whole(input), vec![ev(None, "a")]);
        assert_any_split(input, &[ev(None, "a")]);
    }

    #[test]
    fn invalid_utf8_is_replaced_not_fatal() {
        assert_eq!(decode_whole(b"data: a\xFFb\n\n"), vec![ev(None, "a\u{FFFD}b")]);
    }
}
