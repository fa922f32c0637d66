//! The Anthropic Messages dialect: `POST {root}/v1/messages` and `GET {root}/v1/models`, full
//! responses and server-sent events.
//!
//! Formats as documented at <https://docs.anthropic.com/en/api/messages> and
//! <https://docs.anthropic.com/en/docs/build-with-claude/streaming>. Thinking blocks become
//! the reasoning trace; `stop_reason: "refusal"` (the streaming classifier stopping the reply)
//! becomes [`Reply::blocked`] with the raw reason, keeping any text sent before it; an
//! `error` event inside a 200 stream is [`DialectError::Stream`].

use serde_json::Value;

use super::sse::{SseDecoder, SseEvent};
use super::wire::{
    api_key, count_at, error_value_message, head, http_error, is_success, json_object, non_empty_str,
    opt_array, opt_object, opt_str, root_url, wrong_type, JsonObject, MALFORMED_HEAD_CHARS,
};
use super::{ChatParams, DialectError, Endpoint, Reply, StreamDelta, Usage};
use crate::core::http::{HttpRequest, HttpResponse};

/// The API version every request names (the current one; later features are opt-in headers).
pub const ANTHROPIC_VERSION: &str = "2023-06-01";

/// `max_tokens` is required by the Messages API; this is sent when the user set none.
pub const DEFAULT_MAX_TOKENS: u32 = 4096;

/// The thinking budget asked for when the reasoning trace is requested.
pub const THINKING_BUDGET: u32 = 2048;

/// Where a pasted base URL may already end; the dialect adds `/v1/…` itself.
const ROOT_SUFFIXES: [&str; 2] = ["/v1/messages", "/v1"];

/// The headers of every request: the key, the API version, and the header that lets a page
/// call the API from the browser (Anthropic refuses browser requests without it).
fn headers(endpoint: &Endpoint) -> Vec<(String, String)> {
    let mut headers = Vec::new();
    if let Some(key) = api_key(endpoint) {
        headers.push(("x-api-key".to_owned(), key.to_owned()));
    }
    headers.push(("anthropic-version".to_owned(), ANTHROPIC_VERSION.to_owned()));
    headers.push(("anthropic-dangerous-direct-browser-access".to_owned(), "true".to_owned()));
    headers
}

/// Builds the `POST {root}/v1/messages` request for one probe.
///
/// `think: Some(true)` turns on extended thinking with a [`THINKING_BUDGET`], a reasoning
/// effort with that level's budget ([`Effort::budget`](super::Effort::budget)); the API then
/// needs `max_tokens` above the budget and allows no temperature but 1 and no `top_p` below
/// 0.95, so neither is sent. A system prompt is the top-level `system` field.
pub fn chat_request(endpoint: &Endpoint, params: &ChatParams) -> HttpRequest {
    let mut headers = headers(endpoint);
    headers.insert(0, ("content-type".to_owned(), "application/json".to_owned()));
    if params.stream {
        headers.push(("accept".to_owned(), "text/event-stream".to_owned()));
    }
    let budget = match (params.think, params.effort) {
        (Some(false), _) => None,
        (_, Some(effort)) => Some(effort.budget()),
        (Some(true), None) => Some(THINKING_BUDGET),
        (None, None) => None,
    };
    let max_tokens = params.max_tokens.unwrap_or(DEFAULT_MAX_TOKENS);
    let message = JsonObject::new().str("role", "user").str("content", &params.prompt).finish();
    let mut body = JsonObject::new()
        .str("model", &params.model)
        .count("max_tokens", Some(budget.map_or(max_tokens, |b| max_tokens.max(b + 1024))));
    if let Some(system) = &params.system {
        body = body.str("system", system);
    }
    body = body
        .raw("messages", &format!("[{message}]"))
        .bool("stream", params.stream)
        .number("temperature", if budget.is_some() { None } else { params.temperature })
        .number("top_p", if budget.is_some() { None } else { params.top_p });
    if let Some(budget) = budget {
        let config = JsonObject::new().str("type", "enabled").count("budget_tokens", Some(budget));
        body = body.raw("thinking", &config.finish());
    }
    let body = body.finish();
    HttpRequest {
        method: "POST".to_owned(),
        url: format!("{}/v1/messages", root_url(endpoint, &ROOT_SUFFIXES)),
        headers,
        body: Some(body),
    }
}

/// Builds the `GET {root}/v1/models` request (its `data[].id` list is read by
/// [`super::openai::parse_models`]).
pub fn models_request(endpoint: &Endpoint) -> HttpRequest {
    HttpRequest {
        method: "GET".to_owned(),
        url: format!("{}/v1/models?limit=1000", root_url(endpoint, &ROOT_SUFFIXES)),
        headers: headers(endpoint),
        body: None,
    }
}

/// Token counts as Anthropic reports them: input excludes the cached parts, so the prompt
/// total is the sum of the three; thinking is counted within the output
/// (`output_tokens_details.thinking_tokens`).
#[derive(Clone, Debug, Default)]
struct RawUsage {
    input: Option<u64>,
    cache_write: Option<u64>,
    cache_write_1h: Option<u64>,
    cache_read: Option<u64>,
    output: Option<u64>,
    thinking: Option<u64>,
}

impl RawUsage {
    /// Takes every count `usage` has; a later event's figures replace earlier ones.
    fn update(&mut self, usage: &Value) {
        let pairs = [
            (&mut self.input, "/input_tokens"),
            (&mut self.cache_write, "/cache_creation_input_tokens"),
            (&mut self.cache_write_1h, "/cache_creation/ephemeral_1h_input_tokens"),
            (&mut self.cache_read, "/cache_read_input_tokens"),
            (&mut self.output, "/output_tokens"),
            (&mut self.thinking, "/output_tokens_details/thinking_tokens"),
        ];
        for (slot, pointer) in pairs {
            if let Some(n) = count_at(usage, pointer) {
                *slot = Some(n);
            }
        }
    }

    fn usage(&self) -> Option<Usage> {
        if self.input.is_none() && self.output.is_none() {
            return None;
        }
        let prompt = self.input.map(|i| i + self.cache_write.unwrap_or(0) + self.cache_read.unwrap_or(0));
        Some(Usage {
            prompt_tokens: prompt,
            completion_tokens: self.output,
            total_tokens: prompt.zip(self.output).map(|(p, o)| p + o),
            reasoning_tokens: self.thinking,
            cached_tokens: self.cache_read,
            cache_write_tokens: self.cache_write.filter(|&n| n > 0),
            cache_write_1h_tokens: self.cache_write_1h.filter(|&n| n > 0),
        })
    }
}

/// The raw reason when a stop reason says Anthropic stopped the reply.
fn blocked_by(stop_reason: Option<&str>) -> Option<String> {
    (stop_reason == Some("refusal")).then(|| "stop_reason: refusal".to_owned())
}

/// Turns a complete Messages response into a [`Reply`].
pub fn parse_chat_response(resp: &HttpResponse) -> Result<Reply, DialectError> {
    if !is_success(resp.status) {
        return Err(http_error(resp));
    }
    let json = json_object(&resp.body)?;
    if let Some(error) = json.get("error").filter(|e| !e.is_null()) {
        let message = error_text(error);
        return Err(DialectError::Http { status: resp.status, message, body: resp.body.clone() });
    }
    let Some(blocks) = opt_array(&json, "content", "content")? else {
        return Err(DialectError::Malformed("the body has no `content`".to_owned()));
    };
    let mut reply = Reply::default();
    let mut thinking_seen = false;
    let mut reasoning = String::new();
    for (i, block) in blocks.iter().enumerate() {
        let at = format!("content[{i}]");
        if !block.is_object() {
            return Err(wrong_type(&at, "an object", block));
        }
        match opt_str(block, "type", &format!("{at}.type"))? {
            Some("text") => {
                reply.content.push_str(opt_str(block, "text", &format!("{at}.text"))?.unwrap_or(""))
            }
            Some("thinking") => {
                thinking_seen = true;
                reasoning.push_str(opt_str(block, "thinking", &format!("{at}.thinking"))?.unwrap_or(""));
            }
            // Encrypted reasoning: a trace exists but is not readable.
            Some("redacted_thinking") => thinking_seen = true,
            _ => {}
        }
    }
    let stop = opt_str(&json, "stop_reason", "stop_reason")?;
    reply.reasoning = thinking_seen.then_some(reasoning);
    reply.blocked = blocked_by(stop);
    reply.finish_reason = stop.filter(|s| !s.is_empty()).map(str::to_owned);
    let mut usage = RawUsage::default();
    if let Some(u) = opt_object(&json, "usage", "usage")? {
        usage.update(u);
    }
    reply.usage = usage.usage();
    reply.model = non_empty_str(json.get("model"));
    Ok(reply)
}

/// `type: message` of an error object, e.g. `overloaded_error: Overloaded`.
fn error_text(error: &Value) -> String {
    let message =
        error_value_message(error).unwrap_or_else(|| head(&error.to_string(), MALFORMED_HEAD_CHARS));
    match error.get("type").and_then(Value::as_str) {
        Some(kind) if !message.contains(kind) => format!("{kind}: {message}"),
        _ => message,
    }
}

/// What kind of content block starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum BlockKind {
    Text,
    Thinking,
    Other,
}

/// Assembles a [`Reply`] from a streamed Messages response fed in arbitrary chunks.
#[derive(Clone, Debug, Default)]
pub struct StreamDecoder {
    sse: SseDecoder,
    content: String,
    reasoning: String,
    thinking_seen: bool,
    stop_reason: Option<String>,
    model: Option<String>,
    usage: RawUsage,
    /// `message_stop` arrived; anything after it is ignored.
    done: bool,
    failure: Option<DialectError>,
    saw_event: bool,
    /// The body while no event has arrived, in case the server answered with plain JSON.
    raw: Vec<u8>,
}

impl StreamDecoder {
    /// A decoder at the start of a stream.
    pub fn new() -> Self {
        Self::default()
    }

    /// Feeds the next chunk of the body and returns the text that became visible.
    pub fn push(&mut self, chunk: &[u8]) -> Vec<StreamDelta> {
        if !self.saw_event && self.raw.len() < super::openai::RAW_FALLBACK_LIMIT {
            self.raw.extend_from_slice(chunk);
        }
        let mut deltas = Vec::new();
        for event in self.sse.push(chunk) {
            if let Some(d) = self.handle(event, false) {
                deltas.push(d);
            }
        }
        deltas
    }

    /// Ends the stream and returns the assembled reply: an `error` event is
    /// [`DialectError::Stream`]; a stream that stopped before `message_stop` keeps its text
    /// with no finish reason, or is [`DialectError::Truncated`] when it had none.
    pub fn finish(mut self) -> Result<Reply, DialectError> {
        for event in self.sse.finish() {
            self.handle(event, true);
        }
        if let Some(failure) = self.failure.take() {
            return Err(failure);
        }
        if !self.saw_event {
            let body = String::from_utf8_lossy(&self.raw).into_owned();
            if body.trim_start().starts_with('{') {
                return parse_chat_response(&HttpResponse { status: 200, headers: Vec::new(), body });
            }
        }
        let complete = self.done || self.stop_reason.is_some();
        if !complete && self.content.is_empty() && self.reasoning.is_empty() {
            return Err(DialectError::Truncated);
        }
        Ok(Reply {
            content: self.content,
            reasoning: self.thinking_seen.then_some(self.reasoning),
            blocked: blocked_by(self.stop_reason.as_deref()),
            finish_reason: self.stop_reason,
            usage: self.usage.usage(),
            model: self.model,
            ..Reply::default()
        })
    }

    fn handle(&mut self, event: SseEvent, at_end: bool) -> Option<StreamDelta> {
        self.saw_event = true;
        self.raw = Vec::new();
        if self.done || self.failure.is_some() {
            return None;
        }
        let data = event.data.trim();
        let json: Value = match serde_json::from_str(data) {
            Ok(json) => json,
            // Half an event at a dropped connection: a cut stream, which keeps what arrived.
            Err(_) if at_end => return None,
            Err(_) if event.event.as_deref() == Some("error") => {
                self.failure = Some(DialectError::Stream(head(data, MALFORMED_HEAD_CHARS)));
                return None;
            }
            Err(_) => {
                let quoted = head(data, MALFORMED_HEAD_CHARS);
                self.failure =
                    Some(DialectError::Malformed(format!("a stream event is not JSON: {quoted:?}")));
                return None;
            }
        };
        let kind = json.get("type").and_then(Value::as_str).or(event.event.as_deref()).unwrap_or("");
        match self.fold(kind, &json) {
            Ok(delta) => delta.filter(|d| !d.is_empty()),
            Err(e) => {
                self.failure = Some(e);
                None
            }
        }
    }

    /// Folds one event of type `kind` into the reply.
    fn fold(&mut self, kind: &str, json: &Value) -> Result<Option<StreamDelta>, DialectError> {
        match kind {
            "message_start" => {
                if let Some(message) = opt_object(json, "message", "message")? {
                    self.model = non_empty_str(message.get("model")).or(self.model.take());
                    if let Some(u) = opt_object(message, "usage", "message.usage")? {
                        self.usage.update(u);
                    }
                }
            }
            "content_block_start" => {
                let block = opt_object(json, "content_block", "content_block")?;
                let block_kind = match block.map(|b| opt_str(b, "type", "content_block.type")).transpose()? {
                    Some(Some("text")) => BlockKind::Text,
                    Some(Some("thinking" | "redacted_thinking")) => BlockKind::Thinking,
                    _ => BlockKind::Other,
                };
                let mut delta = StreamDelta::default();
                if let Some(b) = block {
                    match block_kind {
                        BlockKind::Text => {
                            delta.content =
                                opt_str(b, "text", "content_block.text")?.unwrap_or("").to_owned();
                        }
                        BlockKind::Thinking => {
                            self.thinking_seen = true;
                            delta.reasoning =
                                opt_str(b, "thinking", "content_block.thinking")?.unwrap_or("").to_owned();
                        }
                        BlockKind::Other => {}
                    }
                }
                return Ok(Some(self.apply(delta)));
            }
            "content_block_delta" => {
                let Some(d) = opt_object(json, "delta", "delta")? else { return Ok(None) };
                let mut delta = StreamDelta::default();
                match opt_str(d, "type", "delta.type")? {
                    Some("text_delta") => {
                        delta.content = opt_str(d, "text", "delta.text")?.unwrap_or("").to_owned()
                    }
                    Some("thinking_delta") => {
                        self.thinking_seen = true;
                        delta.reasoning = opt_str(d, "thinking", "delta.thinking")?.unwrap_or("").to_owned();
                    }
                    _ => {}
                }
                return Ok(Some(self.apply(delta)));
            }
            "message_delta" => {
                if let Some(d) = opt_object(json, "delta", "delta")? {
                    if let Some(stop) = opt_str(d, "stop_reason", "delta.stop_reason")? {
                        self.stop_reason = Some(stop.to_owned()).filter(|s| !s.is_empty());
                    }
                }
                if let Some(u) = opt_object(json, "usage", "usage")? {
                    self.usage.update(u);
                }
            }
            "message_stop" => self.done = true,
            "error" => {
                let error = json.get("error").unwrap_or(json);
                return Err(DialectError::Stream(error_text(error)));
            }
            // `ping`, `content_block_stop` and event types added later.
            _ => {}
        }
        Ok(None)
    }

    fn apply(&mut self, delta: StreamDelta) -> StreamDelta {
        self.content.push_str(&delta.content);
        self.reasoning.push_str(&delta.reasoning);
        delta
    }
}

#[cfg(test)]
mod tests;
