//! The OpenAI-compatible chat-completions dialect: building `/chat/completions` and `/models`
//! requests, and turning full or streamed responses into a [`Reply`].
//!
//! One parser serves many servers, so it reads the union of their quirks: DeepSeek's
//! `reasoning_content` and `prompt_cache_hit_tokens`, OpenRouter's `reasoning`, `provider` and
//! errors sent with status 200, and R1 distills (Ollama, llama.cpp, vLLM without a reasoning
//! parser) that put their trace in a leading `<think>…</think>` block of the content.

use serde::Serialize;
use serde_json::Value;

use super::sse::{SseDecoder, SseEvent};
use super::{ChatParams, DialectError, Endpoint, Reply, Usage};
use crate::core::http::{HttpRequest, HttpResponse};

/// Opens the reasoning block R1-style models put at the start of their content.
const THINK_OPEN: &str = "<think>";
/// Closes it.
const THINK_CLOSE: &str = "</think>";
/// How much of an unrecognised error body becomes the error message.
const ERROR_HEAD_CHARS: usize = 200;
/// How much of a malformed body or stream line is quoted in a [`DialectError::Malformed`].
const MALFORMED_HEAD_CHARS: usize = 80;
/// How much of a body that produced no events is kept, in case it is plain JSON after all.
const RAW_FALLBACK_LIMIT: usize = 4 << 20;

/// The base URL without surrounding whitespace or trailing slashes, so paths join cleanly.
fn base_url(endpoint: &Endpoint) -> &str {
    endpoint.base_url.trim().trim_end_matches('/')
}

/// The API key, if one is set; a pasted key often carries a stray newline.
fn api_key(endpoint: &Endpoint) -> Option<&str> {
    endpoint.api_key.as_deref().map(str::trim).filter(|k| !k.is_empty())
}

/// The request body. A struct rather than a `json!` map so the key order is fixed whatever
/// serde_json features other crates switch on.
#[derive(Serialize)]
struct ChatBody<'a> {
    model: &'a str,
    messages: [UserMessage<'a>; 1],
    stream: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_tokens: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    temperature: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    stream_options: Option<StreamOptions>,
}

/// The single user turn of a probe.
#[derive(Serialize)]
struct UserMessage<'a> {
    role: &'static str,
    content: &'a str,
}

/// Asks for a final usage chunk, which streamed replies otherwise omit.
#[derive(Serialize)]
struct StreamOptions {
    include_usage: bool,
}

/// Builds the `POST {base_url}/chat/completions` request for one probe.
///
/// The body is deterministic: `model`, `messages`, `stream`, then `max_tokens` and
/// `temperature` when set, then `stream_options` when streaming.
pub fn chat_request(endpoint: &Endpoint, params: &ChatParams) -> HttpRequest {
    let mut headers = vec![("Content-Type".to_owned(), "application/json".to_owned())];
    if let Some(key) = api_key(endpoint) {
        headers.push(("Authorization".to_owned(), format!("Bearer {key}")));
    }
    if params.stream {
        headers.push(("Accept".to_owned(), "text/event-stream".to_owned()));
    }
    let body = ChatBody {
        model: &params.model,
        messages: [UserMessage { role: "user", content: &params.prompt }],
        stream: params.stream,
        max_tokens: params.max_tokens,
        temperature: params.temperature,
        stream_options: params.stream.then_some(StreamOptions { include_usage: true }),
    };
    // Strings, bools and numbers cannot fail to serialize (a non-finite float becomes null).
    let body = serde_json::to_string(&body).expect("a chat body always serializes");
    HttpRequest {
        method: "POST".to_owned(),
        url: format!("{}/chat/completions", base_url(endpoint)),
        headers,
        body: Some(body),
    }
}

/// Builds the `GET {base_url}/models` request that lists the models a server offers.
///
/// Only the bearer header is added, so a keyless local server sees a simple request that needs
/// no CORS preflight.
pub fn models_request(endpoint: &Endpoint) -> HttpRequest {
    let mut headers = Vec::new();
    if let Some(key) = api_key(endpoint) {
        headers.push(("Authorization".to_owned(), format!("Bearer {key}")));
    }
    HttpRequest {
        method: "GET".to_owned(),
        url: format!("{}/models", base_url(endpoint)),
        headers,
        body: None,
    }
}

/// Reads the model ids from a `/models` response, sorted and without duplicates.
///
/// Understands the OpenAI list (`data[].id`, also used by DeepSeek, OpenRouter, vLLM and
/// llama.cpp), a bare array of such objects (Together), and Ollama's `/api/tags` shape
/// (`models[].name` or `models[].model`).
pub fn parse_models(resp: &HttpResponse) -> Result<Vec<String>, DialectError> {
    if !is_success(resp.status) {
        return Err(http_error(resp));
    }
    let json: Value = serde_json::from_str(&resp.body).map_err(|e| malformed_body(&resp.body, &e))?;
    let lists: [(Option<&Value>, &[&str]); 3] =
        [(json.get("data"), &["id"]), (json.get("models"), &["name", "model"]), (Some(&json), &["id"])];
    let mut found_list = false;
    let mut ids = Vec::new();
    for (list, keys) in lists {
        let Some(items) = list.and_then(Value::as_array) else { continue };
        found_list = true;
        for item in items {
            let id = keys.iter().find_map(|k| item.get(k).and_then(Value::as_str)).map(str::trim);
            if let Some(id) = id.filter(|id| !id.is_empty()) {
                ids.push(id.to_owned());
            }
        }
    }
    if !found_list {
        if let Some(message) = json.get("error").and_then(error_value_message) {
            return Err(DialectError::Http { status: resp.status, message, body: resp.body.clone() });
        }
        return Err(DialectError::Malformed("the model list has neither `data` nor `models`".to_owned()));
    }
    ids.sort();
    ids.dedup();
    Ok(ids)
}

/// Turns a complete (non-streamed) chat-completions response into a [`Reply`].
///
/// A non-2xx status, or a 2xx whose body holds only an `error` object, is
/// [`DialectError::Http`]. An empty 2xx body is an empty reply rather than an error, because
/// an empty answer is itself what the classifier looks for.
pub fn parse_chat_response(resp: &HttpResponse) -> Result<Reply, DialectError> {
    if !is_success(resp.status) {
        return Err(http_error(resp));
    }
    if resp.body.trim().is_empty() {
        return Ok(Reply::default());
    }
    let json: Value = serde_json::from_str(&resp.body).map_err(|e| malformed_body(&resp.body, &e))?;
    if !json.is_object() {
        return Err(DialectError::Malformed(format!(
            "the body is JSON but not an object: {:?}",
            head(resp.body.trim(), MALFORMED_HEAD_CHARS)
        )));
    }
    let choices = json.get("choices").and_then(Value::as_array);
    let choice = choices.and_then(|c| c.first());
    if choice.is_none() {
        if let Some(error) = json.get("error").filter(|e| !e.is_null()) {
            let message = error_value_message(error).unwrap_or_else(|| error_message(&resp.body));
            return Err(DialectError::Http { status: resp.status, message, body: resp.body.clone() });
        }
        if choices.is_none() {
            return Err(DialectError::Malformed("the body has no `choices`".to_owned()));
        }
    }
    let message = choice.and_then(|c| c.get("message"));
    let raw_content = match message.and_then(|m| m.get("content")) {
        Some(content) => content_text(content),
        // Legacy completions-style servers put the text on the choice itself.
        None => choice.and_then(|c| c.get("text")).and_then(Value::as_str).unwrap_or_default().to_owned(),
    };
    let (content, reasoning) = split_think(&raw_content, message.and_then(reasoning_field));
    Ok(Reply {
        content,
        reasoning,
        finish_reason: choice.and_then(|c| non_empty_str(c.get("finish_reason"))),
        usage: json.get("usage").and_then(parse_usage),
        model: non_empty_str(json.get("model")),
        upstream_provider: non_empty_str(json.get("provider")),
    })
}

/// Text that became visible with one streamed event.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StreamDelta {
    /// New answer text.
    pub content: String,
    /// New reasoning text, from a reasoning field or a `<think>` block.
    pub reasoning: String,
}

impl StreamDelta {
    /// Whether nothing new is visible.
    fn is_empty(&self) -> bool {
        self.content.is_empty() && self.reasoning.is_empty()
    }
}

/// Assembles a [`Reply`] from a `stream: true` response body fed in arbitrary chunks.
///
/// Use it only for a 2xx response; for any other status read the whole body and call
/// [`parse_chat_response`]. The [`Reply`] from [`StreamDecoder::finish`] is authoritative: it
/// can hold a few characters more than the deltas did, when the stream ended on text that was
/// being held back as a possible `<think>` tag.
#[derive(Clone, Debug, Default)]
pub struct StreamDecoder {
    sse: SseDecoder,
    think: ThinkRouter,
    content: String,
    reasoning: String,
    /// A reasoning field was present (even empty) in some delta.
    reasoning_field_seen: bool,
    /// Some reasoning field carried text, so think text appended later needs a separator.
    field_text_seen: bool,
    /// Some think-block text was emitted already.
    think_text_seen: bool,
    finish_reason: Option<String>,
    model: Option<String>,
    provider: Option<String>,
    usage: Option<Usage>,
    /// `data: [DONE]` arrived; anything after it is ignored.
    done: bool,
    /// The first error in the stream; anything after it is ignored.
    failure: Option<DialectError>,
    /// Whether any event has arrived at all.
    saw_event: bool,
    /// The body so far while no event has arrived, in case the server ignored `stream: true`
    /// and answered with plain JSON.
    raw: Vec<u8>,
}

impl StreamDecoder {
    /// A decoder at the start of a stream.
    pub fn new() -> Self {
        Self::default()
    }

    /// Feeds the next chunk of the body and returns the text that became visible, one entry
    /// per event that showed something.
    pub fn push(&mut self, chunk: &[u8]) -> Vec<StreamDelta> {
        if !self.saw_event && self.raw.len() < RAW_FALLBACK_LIMIT {
            self.raw.extend_from_slice(chunk);
        }
        let mut deltas = Vec::new();
        for event in self.sse.push(chunk) {
            self.handle_event(event, &mut deltas, false);
        }
        deltas
    }

    /// Ends the stream and returns the assembled reply.
    ///
    /// An error event gives [`DialectError::Stream`], an event that is not JSON gives
    /// [`DialectError::Malformed`], and a stream that stopped before `[DONE]` or a finish
    /// reason with nothing in it gives [`DialectError::Truncated`]. A stream cut off after
    /// some text keeps that text, with `finish_reason` `None`.
    pub fn finish(mut self) -> Result<Reply, DialectError> {
        let mut ignored = Vec::new();
        for event in self.sse.finish() {
            self.handle_event(event, &mut ignored, true);
        }
        if let Some(failure) = self.failure.take() {
            return Err(failure);
        }
        if !self.saw_event {
            if let Some(result) = plain_body_fallback(&self.raw) {
                return result;
            }
        }
        let tail = self.think.finish();
        self.apply(tail, StreamDelta::default());
        let complete = self.done || self.finish_reason.is_some();
        if !complete && self.content.is_empty() && self.reasoning.is_empty() {
            return Err(DialectError::Truncated);
        }
        let reasoning_seen = self.reasoning_field_seen || self.think.opened;
        Ok(Reply {
            content: self.content,
            reasoning: reasoning_seen.then_some(self.reasoning),
            finish_reason: self.finish_reason,
            usage: self.usage,
            model: self.model,
            upstream_provider: self.provider,
        })
    }

    /// Folds one SSE event into the reply. `at_end` marks the event flushed by the end of the
    /// body without a closing blank line.
    fn handle_event(&mut self, event: SseEvent, deltas: &mut Vec<StreamDelta>, at_end: bool) {
        if !self.saw_event {
            self.saw_event = true;
            self.raw = Vec::new();
        }
        if self.done || self.failure.is_some() {
            return;
        }
        let data = event.data.trim();
        if event.event.as_deref() == Some("error") {
            let message = serde_json::from_str::<Value>(data)
                .ok()
                .and_then(|v| json_error_message(&v))
                .unwrap_or_else(|| head(data, ERROR_HEAD_CHARS));
            self.failure = Some(DialectError::Stream(message));
            return;
        }
        if data.is_empty() {
            return;
        }
        if data == "[DONE]" {
            self.done = true;
            return;
        }
        let json: Value = match serde_json::from_str(data) {
            Ok(json) => json,
            // A connection dropped mid-line leaves half an event; that is a cut-off stream,
            // which keeps what arrived, not a malformed one.
            Err(_) if at_end => return,
            Err(_) => {
                self.failure = Some(DialectError::Malformed(format!(
                    "a stream event is not JSON: {:?}",
                    head(data, MALFORMED_HEAD_CHARS)
                )));
                return;
            }
        };
        if let Some(model) = non_empty_str(json.get("model")) {
            self.model = Some(model);
        }
        if let Some(provider) = non_empty_str(json.get("provider")) {
            self.provider = Some(provider);
        }
        if let Some(error) = json.get("error").filter(|e| !e.is_null()) {
            let message = error_value_message(error).unwrap_or_else(|| error.to_string());
            self.failure = Some(DialectError::Stream(message));
            return;
        }
        if let Some(usage) = json.get("usage").and_then(parse_usage) {
            self.usage = Some(usage);
        }
        let Some(choice) = json.get("choices").and_then(Value::as_array).and_then(|c| c.first()) else {
            return;
        };
        if let Some(reason) = non_empty_str(choice.get("finish_reason")) {
            self.finish_reason = Some(reason);
        }
        let mut delta = StreamDelta::default();
        // Some servers send a whole `message` in the last chunk instead of a `delta`.
        let text = match choice.get("delta").or_else(|| choice.get("message")) {
            Some(d) => {
                if let Some(reasoning) = reasoning_field(d) {
                    self.reasoning_field_seen = true;
                    self.field_text_seen |= !reasoning.is_empty();
                    delta.reasoning = reasoning;
                }
                d.get("content").map(content_text).unwrap_or_default()
            }
            None => choice.get("text").and_then(Value::as_str).unwrap_or_default().to_owned(),
        };
        let routed = self.think.push(&text);
        let visible = self.apply(routed, delta);
        if !visible.is_empty() {
            deltas.push(visible);
        }
    }

    /// Adds reasoning-field text and routed content to the reply; returns what became visible.
    fn apply(&mut self, routed: Routed, mut delta: StreamDelta) -> StreamDelta {
        if !routed.think.is_empty() {
            if !self.think_text_seen && self.field_text_seen {
                delta.reasoning.push('\n');
            }
            self.think_text_seen = true;
            delta.reasoning.push_str(&routed.think);
        }
        delta.content = routed.content;
        self.content.push_str(&delta.content);
        self.reasoning.push_str(&delta.reasoning);
        delta
    }
}

/// A body that produced no events: plain JSON from a server that ignored `stream: true` is
/// parsed as a full response, and an HTML page is malformed rather than merely truncated.
fn plain_body_fallback(raw: &[u8]) -> Option<Result<Reply, DialectError>> {
    let body = String::from_utf8_lossy(raw);
    let start = body.trim_start();
    if start.starts_with('{') {
        let resp = HttpResponse { status: 200, headers: Vec::new(), body: body.into_owned() };
        // The real status is unknown here, so an error object is reported as a stream error.
        return Some(parse_chat_response(&resp).map_err(|e| match e {
            DialectError::Http { message, .. } => DialectError::Stream(message),
            other => other,
        }));
    }
    if start.starts_with('<') {
        return Some(Err(DialectError::Malformed(format!(
            "the stream is not server-sent events: {:?}",
            head(start, MALFORMED_HEAD_CHARS)
        ))));
    }
    None
}

/// Content and think-block text split off one piece of streamed content.
#[derive(Debug, Default)]
struct Routed {
    content: String,
    think: String,
}

/// Where the content stream stands with respect to a leading `<think>` block.
#[derive(Clone, Debug)]
enum ThinkState {
    /// Nothing decided yet: the buffer is whitespace plus a prefix of `<think>`.
    Start(String),
    /// Inside the block. `pending` holds text not yet emitted: whitespace that may turn out to
    /// be trailing, and a possible partial `</think>`.
    Inside { pending: String, emitted: bool },
    /// After `</think>`; whitespace is skipped until the answer starts.
    After { skipping: bool },
    /// No think block: everything is content.
    Plain,
}

impl Default for ThinkState {
    fn default() -> Self {
        ThinkState::Start(String::new())
    }
}

/// Routes streamed content into answer and reasoning, so that the concatenated output matches
/// what [`split_think`] makes of the whole content.
#[derive(Clone, Debug, Default)]
struct ThinkRouter {
    state: ThinkState,
    /// A `<think>` tag opened the content.
    opened: bool,
}

impl ThinkRouter {
    /// Routes the next piece of content.
    fn push(&mut self, text: &str) -> Routed {
        let mut out = Routed::default();
        let mut next = Some(text.to_owned());
        while let Some(text) = next.take() {
            let state = std::mem::replace(&mut self.state, ThinkState::Plain);
            self.state = match state {
                ThinkState::Start(mut buf) => {
                    buf.push_str(&text);
                    let trimmed = buf.trim_start();
                    if let Some(after) = trimmed.strip_prefix(THINK_OPEN) {
                        self.opened = true;
                        next = Some(after.to_owned());
                        ThinkState::Inside { pending: String::new(), emitted: false }
                    } else if THINK_OPEN.starts_with(trimmed) {
                        ThinkState::Start(buf)
                    } else {
                        out.content.push_str(&buf);
                        ThinkState::Plain
                    }
                }
                ThinkState::Inside { mut pending, mut emitted } => {
                    pending.push_str(&text);
                    if let Some(at) = pending.find(THINK_CLOSE) {
                        let inner = &pending[..at];
                        out.think.push_str(if emitted { inner.trim_end() } else { inner.trim() });
                        next = Some(pending[at + THINK_CLOSE.len()..].to_owned());
                        ThinkState::After { skipping: true }
                    } else {
                        let held = partial_suffix_len(&pending, THINK_CLOSE);
                        let ready_end = pending[..pending.len() - held].trim_end().len();
                        let ready = &pending[..ready_end];
                        let ready = if emitted { ready } else { ready.trim_start() };
                        if !ready.is_empty() {
                            out.think.push_str(ready);
                            emitted = true;
                        }
                        pending.drain(..ready_end);
                        ThinkState::Inside { pending, emitted }
                    }
                }
                ThinkState::After { skipping: true } => {
                    let rest = text.trim_start();
                    out.content.push_str(rest);
                    ThinkState::After { skipping: rest.is_empty() }
                }
                ThinkState::After { skipping: false } | ThinkState::Plain => {
                    out.content.push_str(&text);
                    state
                }
            };
        }
        out
    }

    /// Releases what is still held back at the end of the stream.
    fn finish(&mut self) -> Routed {
        let mut out = Routed::default();
        match std::mem::replace(&mut self.state, ThinkState::Plain) {
            // Whitespace or a partial tag that never became `<think>` is ordinary content.
            ThinkState::Start(buf) => out.content = buf,
            // An unclosed block: everything in it is reasoning.
            ThinkState::Inside { pending, emitted } => {
                out.think = if emitted { pending.trim_end() } else { pending.trim() }.to_owned();
            }
            ThinkState::After { .. } | ThinkState::Plain => {}
        }
        out
    }
}

/// The length of the longest proper prefix of `tag` that `text` ends with.
fn partial_suffix_len(text: &str, tag: &str) -> usize {
    (1..tag.len()).rev().find(|&n| text.ends_with(&tag[..n])).unwrap_or(0)
}

/// Moves a leading `<think>…</think>` block of `content` into the reasoning, after any
/// reasoning field. An unclosed block makes all of the content reasoning.
fn split_think(content: &str, field: Option<String>) -> (String, Option<String>) {
    let Some(after) = content.trim_start().strip_prefix(THINK_OPEN) else {
        return (content.to_owned(), field);
    };
    let (think, rest) = match after.find(THINK_CLOSE) {
        Some(at) => (&after[..at], after[at + THINK_CLOSE.len()..].trim_start()),
        None => (after, ""),
    };
    let think = think.trim();
    let mut reasoning = field.unwrap_or_default();
    if !reasoning.is_empty() && !think.is_empty() {
        reasoning.push('\n');
    }
    reasoning.push_str(think);
    (rest.to_owned(), Some(reasoning))
}

/// The reasoning trace of a message or delta: DeepSeek's `reasoning_content` or the
/// `reasoning` most others use. Some servers send both, so a non-empty one wins; an empty
/// string is kept because an empty trace is a signal.
fn reasoning_field(message: &Value) -> Option<String> {
    let content = message.get("reasoning_content").and_then(Value::as_str);
    let plain = message.get("reasoning").and_then(Value::as_str);
    fn non_empty(s: Option<&str>) -> Option<&str> {
        s.filter(|s| !s.is_empty())
    }
    non_empty(content).or(non_empty(plain)).or(content).or(plain).map(str::to_owned)
}

/// The text of a `content` value: a string, `null`, or an array of parts with `text`.
fn content_text(content: &Value) -> String {
    match content {
        Value::String(s) => s.clone(),
        Value::Array(parts) => parts
            .iter()
            .filter_map(|p| p.as_str().or_else(|| p.get("text").and_then(Value::as_str)))
            .collect(),
        _ => String::new(),
    }
}

/// Token counts from a `usage` object.
fn parse_usage(usage: &Value) -> Option<Usage> {
    let count = |pointer: &str| usage.pointer(pointer).and_then(as_count);
    usage.is_object().then(|| Usage {
        prompt_tokens: count("/prompt_tokens"),
        completion_tokens: count("/completion_tokens"),
        total_tokens: count("/total_tokens"),
        reasoning_tokens: count("/completion_tokens_details/reasoning_tokens"),
        cached_tokens: count("/prompt_tokens_details/cached_tokens")
            .or_else(|| count("/prompt_cache_hit_tokens")),
    })
}

/// A token count, also when a server writes it as a float.
fn as_count(v: &Value) -> Option<u64> {
    v.as_u64().or_else(|| {
        let f = v.as_f64()?;
        // Truncation cannot happen: only whole, non-negative values in range get here.
        (f >= 0.0 && f.fract() == 0.0 && f <= u64::MAX as f64).then_some(f as u64)
    })
}

/// A string field, if present and not empty.
fn non_empty_str(v: Option<&Value>) -> Option<String> {
    v.and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_owned)
}

/// Whether a status is 2xx.
fn is_success(status: u16) -> bool {
    (200..300).contains(&status)
}

/// The error for a non-2xx response.
fn http_error(resp: &HttpResponse) -> DialectError {
    DialectError::Http { status: resp.status, message: error_message(&resp.body), body: resp.body.clone() }
}

/// The most useful message in an error body: a known JSON field, or else the start of the body.
fn error_message(body: &str) -> String {
    let from_json = serde_json::from_str::<Value>(body).ok().and_then(|v| json_error_message(&v));
    from_json.unwrap_or_else(|| {
        let body = body.trim();
        if body.is_empty() {
            "empty body".to_owned()
        } else {
            head(body, ERROR_HEAD_CHARS)
        }
    })
}

/// `error.message`, an `error` string, `message`, or `detail` (FastAPI servers such as vLLM).
fn json_error_message(v: &Value) -> Option<String> {
    // Gemini's compatibility layer wraps the error object in a one-element array.
    if let Some(first) = v.as_array().and_then(|a| a.first()) {
        return json_error_message(first);
    }
    let detail = match v.get("detail") {
        Some(Value::String(s)) => Some(s.clone()),
        // FastAPI validation errors: a list of `{loc, msg, type}`.
        Some(Value::Array(items)) => {
            let msgs: Vec<&str> = items.iter().filter_map(|i| i.get("msg").and_then(Value::as_str)).collect();
            (!msgs.is_empty()).then(|| msgs.join("; "))
        }
        _ => None,
    };
    v.get("error")
        .and_then(error_value_message)
        .or_else(|| non_empty_str(v.get("message")))
        .or(detail)
        .map(|m| m.trim().to_owned())
        .filter(|m| !m.is_empty())
}

/// The message of an `error` value, which is an object with `message` or a bare string.
fn error_value_message(error: &Value) -> Option<String> {
    match error {
        Value::String(s) => Some(s.clone()),
        other => non_empty_str(other.get("message")),
    }
    .map(|m| m.trim().to_owned())
    .filter(|m| !m.is_empty())
}

/// The error for a 2xx body that is not JSON, quoting its start (often an HTML page from a
/// proxy or captive portal).
fn malformed_body(body: &str, err: &serde_json::Error) -> DialectError {
    DialectError::Malformed(format!(
        "the body is not JSON ({err}); it starts with {:?}",
        head(body.trim(), MALFORMED_HEAD_CHARS)
    ))
}

/// The first `n` characters of `s`.
fn head(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route_all(pieces: &[&str]) -> (String, String, bool) {
        let mut router = ThinkRouter::default();
        let (mut content, mut think) = (String::new(), String::new());
        for piece in pieces {
            let out = router.push(piece);
            content += &out.content;
            think += &out.think;
        }
        let out = router.finish();
        (content + &out.content, think + &out.think, router.opened)
    }

    /// Routing any split of `whole` gives what [`split_think`] gives for the whole string.
    fn assert_router_matches_split(whole: &str) {
        let (content, reasoning) = split_think(whole, None);
        let expected = (content, reasoning.clone().unwrap_or_default(), reasoning.is_some());
        let bounds: Vec<usize> = (0..=whole.len()).filter(|&i| whole.is_char_boundary(i)).collect();
        for &i in &bounds {
            for &j in bounds.iter().filter(|&&j| j >= i) {
                let got = route_all(&[&whole[..i], &whole[i..j], &whole[j..]]);
                assert_eq!(got, expected, "{whole:?} split at {i}, {j}");
            }
        }
    }

    #[test]
    fn router_agrees_with_split_think_at_every_split() {
        for whole in [
            "<think>\nOkay, so.\n</think>\n\nThe answer.",
            "  <think>a  b </think>  c ",
            "<think>\n\n</think>\n\nI am sorry.",
            "<think>unclosed trace </thi",
            "<think>",
            "<thi",
            "   ",
            "",
            "Plain answer <think>not a block</think>",
            "<thinking>not ours</thinking>",
            "<think>x</think>",
            "<think>a </ b </think></think>c",
            "<think>思考。</think>答案",
        ] {
            assert_router_matches_split(whole);
        }
    }

    #[test]
    fn plain_content_streams_straight_through() {
        let mut router = ThinkRouter::default();
        assert_eq!(router.push("Hello").content, "Hello");
        assert_eq!(router.push(" <think>").content, " <think>");
        let mut router = ThinkRouter::default();
        assert_eq!(router.push("<").content, "", "could still become <think>");
        assert_eq!(router.push("b>").content, "<b>");
    }

    #[test]
    fn think_tag_split_across_pieces_is_routed_as_it_arrives() {
        let mut router = ThinkRouter::default();
        assert_eq!(router.push("<th").think, "");
        let out = router.push("ink>\nOkay, the");
        assert_eq!((out.content.as_str(), out.think.as_str()), ("", "Okay, the"));
        assert_eq!(router.push(" user </").think, " user", "the space waits, `</` may be the tag");
        let out = router.push("think>\n\nAnswer");
        assert_eq!((out.content.as_str(), out.think.as_str()), ("Answer", ""));
    }

    #[test]
    fn split_think_cases() {
        assert_eq!(split_think("Hi", None), ("Hi".to_owned(), None));
        assert_eq!(split_think(" Hi ", Some(String::new())), (" Hi ".to_owned(), Some(String::new())));
        assert_eq!(split_think("<think>\n\n</think>\n\nNo.", None), ("No.".to_owned(), Some(String::new())));
        assert_eq!(split_think("<think>t</think>c", Some("f".into())), ("c".to_owned(), Some("f\nt".into())));
        assert_eq!(split_think("<think>all trace", None), (String::new(), Some("all trace".into())));
    }

    #[test]
    fn reasoning_field_prefers_non_empty() {
        let v: Value = serde_json::json!({"reasoning_content": "", "reasoning": "r"});
        assert_eq!(reasoning_field(&v).as_deref(), Some("r"));
        let v: Value = serde_json::json!({"reasoning_content": "rc", "reasoning": "rc"});
        assert_eq!(reasoning_field(&v).as_deref(), Some("rc"));
        let v: Value = serde_json::json!({"reasoning_content": null, "reasoning": ""});
        assert_eq!(reasoning_field(&v).as_deref(), Some(""));
        let v: Value = serde_json::json!({"reasoning_content": null});
        assert_eq!(reasoning_field(&v), None);
    }

    #[test]
    fn error_messages_from_various_shapes() {
        let cases = [
            (r#"{"error":{"message":"Invalid key","code":401}}"#, "Invalid key"),
            (r#"{"error":"model not found"}"#, "model not found"),
            (r#"{"message":"Forbidden"}"#, "Forbidden"),
            (r#"{"detail":"Not Found"}"#, "Not Found"),
            (
                r#"{"detail":[{"loc":["body","model"],"msg":"field required","type":"missing"}]}"#,
                "field required",
            ),
            (
                r#"[{"error":{"code":400,"message":"API key not valid.","status":"INVALID_ARGUMENT"}}]"#,
                "API key not valid.",
            ),
            ("<html><body>502 Bad Gateway</body></html>\n", "<html><body>502 Bad Gateway</body></html>"),
            ("  \n", "empty body"),
            ("", "empty body"),
        ];
        for (body, expected) in cases {
            assert_eq!(error_message(body), expected, "{body}");
        }
        let long = "x".repeat(500);
        assert_eq!(error_message(&long).chars().count(), ERROR_HEAD_CHARS);
        assert_eq!(error_message(&"é".repeat(300)), "é".repeat(200), "counts characters, not bytes");
    }

    #[test]
    fn usage_counts() {
        let v = serde_json::json!({"prompt_tokens": 5, "completion_tokens": 7.0, "total_tokens": 12,
            "prompt_tokens_details": {"cached_tokens": 3}, "prompt_cache_hit_tokens": 4});
        let u = parse_usage(&v).unwrap_or_default();
        assert_eq!(u.completion_tokens, Some(7));
        assert_eq!(u.cached_tokens, Some(3), "the standard field wins over DeepSeek's");
        assert_eq!(parse_usage(&Value::Null), None);
    }

    #[test]
    fn stream_decoder_falls_back_to_plain_json_body() {
        let mut d = StreamDecoder::new();
        let body = r#"{"model":"m","choices":[{"message":{"content":"hi"},"finish_reason":"stop"}]}"#;
        assert!(d.push(body.as_bytes()).is_empty());
        let reply = d.finish();
        assert_eq!(reply.as_ref().map(|r| r.content.as_str()), Ok("hi"));

        let mut d = StreamDecoder::new();
        d.push(br#"{"error":{"message":"Insufficient Balance"}}"#);
        assert_eq!(d.finish(), Err(DialectError::Stream("Insufficient Balance".into())));

        let mut d = StreamDecoder::new();
        d.push(b"<!DOCTYPE html><html>blocked</html>");
        assert!(matches!(d.finish(), Err(DialectError::Malformed(m)) if m.contains("DOCTYPE")));
    }

    #[test]
    fn event_named_error_is_a_stream_error() {
        let mut d = StreamDecoder::new();
        d.push(b"data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\n");
        d.push(b"event: error\ndata: {\"error\":{\"message\":\"overloaded\"}}\n\n");
        assert_eq!(d.finish(), Err(DialectError::Stream("overloaded".into())));
    }

    #[test]
    fn whole_message_in_a_chunk_and_text_choices() {
        let mut d = StreamDecoder::new();
        let deltas = d.push(b"data: {\"choices\":[{\"message\":{\"content\":\"m\"}}]}\n\n");
        assert_eq!(deltas, vec![StreamDelta { content: "m".into(), reasoning: String::new() }]);
        d.push(b"data: {\"choices\":[{\"text\":\"t\",\"finish_reason\":\"length\"}]}\n\n");
        let reply = d.finish().unwrap_or_default();
        assert_eq!((reply.content.as_str(), reply.finish_reason.as_deref()), ("mt", Some("length")));
    }

    #[test]
    fn events_after_done_are_ignored() {
        let mut d = StreamDecoder::new();
        d.push(b"data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\ndata: [DONE]\n\n");
        assert!(d
            .push(b"data: {\"choices\":[{\"delta\":{\"content\":\"b\"}}]}\n\ndata: nope\n\n")
            .is_empty());
        assert_eq!(d.finish().map(|r| r.content), Ok("a".to_owned()));
    }
}
