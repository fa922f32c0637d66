//! One request's response, from its status line to its last byte, turned into an [`Outcome`]
//! and, when it failed in a way worth another try, a [`Failure`] for the scheduler.
//!
//! Sans-IO: the app's `fetch` and the command line's HTTP client both feed it the status,
//! headers and body chunks they receive, so a reply is read, cut short or retried the same
//! way in both.

use crate::core::dialect::{Dialect, DialectError, StreamDecoder, StreamDelta};
use crate::core::http::HttpResponse;
use crate::core::schedule::Failure;
use crate::core::verdict::Outcome;

/// The response to one request, as it arrives.
#[derive(Clone, Debug)]
pub struct Exchange {
    dialect: Dialect,
    status: u16,
    headers: Vec<(String, String)>,
    streaming: bool,
    decoder: StreamDecoder,
    raw: Vec<u8>,
}

impl Exchange {
    /// Waiting for the response to a request in `dialect`.
    pub fn new(dialect: Dialect) -> Exchange {
        Exchange {
            dialect,
            status: 0,
            headers: Vec::new(),
            streaming: false,
            decoder: dialect.stream_decoder(),
            raw: Vec::new(),
        }
    }

    /// The status and headers arrived. A 2xx in the dialect's stream format is decoded as it
    /// comes; anything else is read whole.
    pub fn head(&mut self, status: u16, headers: Vec<(String, String)>) {
        let content_type = header(&headers, "content-type");
        self.streaming = (200..300).contains(&status) && self.dialect.is_stream(content_type);
        self.status = status;
        self.headers = headers;
    }

    /// Whether the body is being decoded as a stream.
    pub fn is_streaming(&self) -> bool {
        self.streaming
    }

    /// A piece of the body; returns the text that became visible.
    pub fn chunk(&mut self, chunk: &[u8]) -> Vec<StreamDelta> {
        if self.streaming {
            self.decoder.push(chunk)
        } else {
            self.raw.extend_from_slice(chunk);
            Vec::new()
        }
    }

    /// The body ended normally, at `now_ms`. A stream without a finish reason is kept as a
    /// reply cut short; a 429 or 503 is a failure worth another try (after its
    /// `Retry-After`).
    pub fn finish(self, now_ms: f64) -> (Outcome, Option<Failure>) {
        if self.streaming {
            let outcome = match self.decoder.finish() {
                Ok(reply) => {
                    let cut_short = reply
                        .finish_reason
                        .is_none()
                        .then(|| "the stream ended without a finish reason".to_string());
                    Outcome::Reply { reply, cut_short }
                }
                Err(e) => Outcome::Dialect(e),
            };
            let failure = (!matches!(outcome, Outcome::Reply { .. })).then_some(Failure::Final);
            return (outcome, failure);
        }
        let failure = Failure::from_status(self.status, header(&self.headers, "retry-after"), now_ms);
        let resp = HttpResponse {
            status: self.status,
            headers: self.headers,
            body: String::from_utf8_lossy(&self.raw).into_owned(),
        };
        match self.dialect.parse_chat_response(&resp) {
            Ok(reply) => (Outcome::Reply { reply, cut_short: None }, None),
            Err(e) => (Outcome::Dialect(e), Some(failure)),
        }
    }

    /// The body broke off (`why`) after the status arrived. A stream keeps the text that came,
    /// marked as cut short; `None` for a body that was not a stream (the caller reports the
    /// broken connection).
    pub fn broke_off(self, why: &str) -> Option<Outcome> {
        if !self.streaming {
            return None;
        }
        Some(match self.decoder.finish() {
            Ok(reply) => Outcome::Reply { reply, cut_short: Some(why.to_string()) },
            Err(DialectError::Truncated) => {
                Outcome::Transport(format!("the stream broke off before any text: {why}"))
            }
            Err(e) => Outcome::Dialect(e),
        })
    }
}

/// A header's value, by case-insensitive name.
fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::run::WaitReason;

    fn headers(ct: &str, extra: &[(&str, &str)]) -> Vec<(String, String)> {
        let mut h = vec![("Content-Type".to_string(), ct.to_string())];
        h.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        h
    }

    #[test]
    fn a_rate_limit_is_worth_another_try_after_retry_after() {
        let mut x = Exchange::new(Dialect::Anthropic);
        x.head(429, headers("application/json", &[("retry-after", "12")]));
        x.chunk(br#"{"type":"error","error":{"type":"rate_limit_error","message":"Slow down"}}"#);
        let (outcome, failure) = x.finish(0.0);
        assert!(matches!(outcome, Outcome::Dialect(DialectError::Http { status: 429, .. })));
        assert_eq!(
            failure,
            Some(Failure::Transient { kind: WaitReason::RateLimited, retry_after_ms: Some(12_000.0) })
        );
    }

    #[test]
    fn streams_are_decoded_in_the_dialects_format_and_cut_streams_kept() {
        let mut x = Exchange::new(Dialect::Ollama);
        x.head(200, headers("application/x-ndjson", &[]));
        assert!(x.is_streaming());
        let deltas = x.chunk(b"{\"message\":{\"content\":\"Hi\"},\"done\":false}\n");
        assert_eq!(deltas[0].content, "Hi");
        let (outcome, failure) = x.clone().finish(0.0);
        assert!(matches!(&outcome, Outcome::Reply { cut_short: Some(_), .. }), "{outcome:?}");
        assert_eq!(failure, None);
        assert!(
            matches!(x.broke_off("reset"), Some(Outcome::Reply { cut_short: Some(w), .. }) if w == "reset")
        );
        let mut plain = Exchange::new(Dialect::Openai);
        plain.head(200, headers("application/json", &[]));
        assert_eq!(plain.broke_off("reset"), None);
    }

    #[test]
    fn a_refusal_is_a_reply_not_a_failure() {
        let mut x = Exchange::new(Dialect::Gemini);
        x.head(200, headers("application/json; charset=UTF-8", &[]));
        x.chunk(br#"{"promptFeedback":{"blockReason":"SAFETY"}}"#);
        let (outcome, failure) = x.finish(0.0);
        assert!(matches!(outcome, Outcome::Reply { ref reply, .. } if reply.blocked.is_some()));
        assert_eq!(failure, None);
    }
}
