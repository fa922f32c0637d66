//! Newline-delimited JSON framing (Ollama's streams): one JSON value per line.
//!
//! Like [`super::sse::SseDecoder`], it buffers bytes until a line is complete, so a chunk may
//! end anywhere, inside a UTF-8 character or between `\r` and `\n`.

/// Incremental splitter from body bytes to lines.
#[derive(Clone, Debug, Default)]
pub(crate) struct NdjsonDecoder {
    line: Vec<u8>,
}

impl NdjsonDecoder {
    /// Feeds the next chunk of the body and returns the non-blank lines it completed.
    pub(crate) fn push(&mut self, chunk: &[u8]) -> Vec<String> {
        let mut out = Vec::new();
        let mut rest = chunk;
        while let Some(pos) = rest.iter().position(|&b| b == b'\n') {
            self.line.extend_from_slice(&rest[..pos]);
            rest = &rest[pos + 1..];
            let bytes = std::mem::take(&mut self.line);
            let line = String::from_utf8_lossy(&bytes);
            let line = line.trim();
            if !line.is_empty() {
                out.push(line.to_owned());
            }
        }
        self.line.extend_from_slice(rest);
        out
    }

    /// Ends the stream: the last line, when the body did not end with a line break.
    pub(crate) fn finish(&mut self) -> Option<String> {
        let bytes = std::mem::take(&mut self.line);
        let line = String::from_utf8_lossy(&bytes).trim().to_owned();
        (!line.is_empty()).then_some(line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_at_every_split() {
        let input = "{\"a\":\"é\"}\r\n\n{\"b\":1}\n{\"c\":2}".as_bytes();
        for i in 0..=input.len() {
            let mut d = NdjsonDecoder::default();
            let mut lines = d.push(&input[..i]);
            lines.extend(d.push(&input[i..]));
            lines.extend(d.finish());
            assert_eq!(lines, ["{\"a\":\"é\"}", "{\"b\":1}", "{\"c\":2}"], "split at {i}");
        }
    }
}
