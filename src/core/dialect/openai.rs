//! The OpenAI-compatible chat-completions dialect: building `/chat/completions` and `/models`
//! requests, and turning full or streamed responses into a [`Reply`].
//!
//! One parser serves many servers, so it reads the union of their quirks: DeepSeek's
//! `reasoning_content` and `prompt_cache_hit_tokens`, OpenRouter's `reasoning`, `provider` and
//! errors sent with status 200, and R1 distills (Ollama, llama.cpp, vLLM without a reasoning
//! parser) that put their trace in a leading `<think>…</think>` block of the content.

use serde_json::Value;

use super::sse::{SseDecoder, SseEvent};
use super::think::{split_think, Routed, ThinkRouter};
use super::wire::{
    api_key, as_count, base_url, error_message, error_value_message, head, http_error, is_success,
    json_error_message, json_object, malformed_body, non_empty_str, opt_array, opt_object, opt_str,
    wrong_type, JsonObject, ERROR_HEAD_CHARS, MALFORMED_HEAD_CHARS,
};
pub use super::StreamDelta;
use super::{ChatParams, DialectError, Endpoint, Reply, Usage};
use crate::core::http::{HttpRequest, HttpResponse};

/// How much of a body that produced no events is kept, in case it is plain JSON after all.
pub(crate) const RAW_FALLBACK_LIMIT: usize = 4 << 20;

/// Builds the `POST {base_url}/chat/completions` request for one probe.
///
/// The body is deterministic: `model`, `messages` (a system message first when there is a
/// system prompt), `stream`, then `max_tokens`, `temperature`, `top_p` and
/// `reasoning_effort` and OpenRouter's `provider` routing when set, then `stream_options` when
/// streaming.
pub fn chat_request(endpoint: &Endpoint, params: &ChatParams) -> HttpRequest {
    let mut headers = vec![("Content-Type".to_owned(), "application/json".to_owned())];
    if let Some(key) = api_key(endpoint) {
        headers.push(("Authorization".to_owned(), format!("Bearer {key}")));
    }
    if params.stream {
        headers.push(("Accept".to_owned(), "text/event-stream".to_owned()));
    }
    let mut body = JsonObject::new()
        .str("model", &params.model)
        .raw("messages", &chat_messages(params))
        .bool("stream", params.stream)
        .count("max_tokens", params.max_tokens)
        .number("temperature", params.temperature)
        .number("top_p", params.top_p);
    if let Some(effort) = params.effort {
        body = body.str("reasoning_effort", effort.key());
    }
    if let Some(route) = &params.route {
        // OpenRouter's provider routing: this upstream only, never a fallback.
        let mut only = String::new();
        super::wire::push_json_str(&mut only, route);
        let routing = JsonObject::new().raw("order", &format!("[{only}]")).bool("allow_fallbacks", false);
        body = body.raw("provider", &routing.finish());
    }
    if params.stream {
        // Asks for a final usage chunk, which streamed replies otherwise omit.
        body = body.raw("stream_options", r#"{"include_usage":true}"#);
    }
    let body = body.finish();
    HttpRequest {
        method: "POST".to_owned(),
        url: format!("{}/chat/completions", base_url(endpoint)),
        headers,
        body: Some(body),
    }
}

/// The `messages` array of a chat request: the system prompt (when there is one), then the
/// prompt. Ollama's native API takes the same array.
pub(crate) fn chat_messages(params: &ChatParams) -> String {
    let user = JsonObject::new().str("role", "user").str("content", &params.prompt).finish();
    match &params.system {
        Some(system) => {
            let sys = JsonObject::new().str("role", "system").str("content", system).finish();
            format!("[{sys},{user}]")
        }
        None => format!("[{user}]"),
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
/// [`DialectError::Http`]. An empty 2xx body is [`DialectError::EmptyReply`]: no
/// OpenAI-compatible provider documents it as a block. A field of the wrong type is
/// [`DialectError::WrongType`].
pub fn parse_chat_response(resp: &HttpResponse) -> Result<Reply, DialectError> {
    if !is_success(resp.status) {
        return Err(http_error(resp));
    }
    let json = json_object(&resp.body)?;
    let choices = opt_array(&json, "choices", "choices")?;
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
    let mut reply = Reply {
        usage: json.get("usage").and_then(parse_usage),
        model: non_empty_str(json.get("model")),
        upstream_provider: non_empty_str(json.get("provider")),
        ..Reply::default()
    };
    let Some(choice) = choice else { return Ok(reply) };
    if !choice.is_object() {
        return Err(wrong_type("choices[0]", "an object", choice));
    }
    let message = opt_object(choice, "message", "choices[0].message")?;
    let raw_content = match message {
        Some(m) => message_text(m, "choices[0].message")?,
        // Legacy completions-style servers put the text on the choice itself.
        None => opt_str(choice, "text", "choices[0].text")?.unwrap_or_default().to_owned(),
    };
    let field = match message {
        Some(m) => reasoning_field(m, "choices[0].message")?,
        None => None,
    };
    (reply.content, reply.reasoning) = split_think(&raw_content, field);
    reply.finish_reason = opt_str(choice, "finish_reason", "choices[0].finish_reason")?
        .filter(|s| !s.is_empty())
        .map(str::to_owned);
    reply.error = choice_error(choice);
    Ok(reply)
}

/// The visible text of a message or delta: its `content`, or, when the content is empty, the
/// `refusal` OpenAI sends instead of content when the model declines.
fn message_text(m: &Value, at: &str) -> Result<String, DialectError> {
    let content = match m.get("content") {
        Some(content) => content_text(content, &format!("{at}.content"))?,
        None => String::new(),
    };
    let refusal = opt_str(m, "refusal", &format!("{at}.refusal"))?.unwrap_or_default();
    Ok(if content.is_empty() { refusal.to_owned() } else { content })
}

/// An `error` object on a choice (OpenRouter reports an upstream failure there, with status 200).
fn choice_error(choice: &Value) -> Option<String> {
    let error = choice.get("error").filter(|e| !e.is_null())?;
    Some(error_value_message(error).unwrap_or_else(|| head(&error.to_string(), MALFORMED_HEAD_CHARS)))
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
    /// An error reported on a choice, with the text before it kept.
    error: Option<String>,
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
            blocked: None,
            error: self.error,
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
        let (delta, text) = match self.read_choice(&json) {
            Ok(Some(read)) => read,
            Ok(None) => return,
            Err(e) => {
                self.failure = Some(e);
                return;
            }
        };
        let routed = self.think.push(&text);
        let visible = self.apply(routed, delta);
        if !visible.is_empty() {
            deltas.push(visible);
        }
    }

    /// The first choice of a chunk: its reasoning delta and its content text, with the finish
    /// reason and any error noted. `None` for a chunk without choices (a usage chunk).
    fn read_choice(&mut self, json: &Value) -> Result<Option<(StreamDelta, String)>, DialectError> {
        let choices = opt_array(json, "choices", "choices")?;
        let Some(choice) = choices.and_then(|c| c.first()) else { return Ok(None) };
        if !choice.is_object() {
            return Err(wrong_type("choices[0]", "an object", choice));
        }
        if let Some(reason) = opt_str(choice, "finish_reason", "choices[0].finish_reason")? {
            if !reason.is_empty() {
                self.finish_reason = Some(reason.to_owned());
            }
        }
        if let Some(error) = choice_error(choice) {
            self.error = Some(error);
        }
        let mut delta = StreamDelta::default();
        // Some servers send a whole `message` in the last chunk instead of a `delta`.
        let d = match opt_object(choice, "delta", "choices[0].delta")? {
            Some(d) => Some((d, "choices[0].delta")),
            None => opt_object(choice, "message", "choices[0].message")?.map(|m| (m, "choices[0].message")),
        };
        let text = match d {
            Some((d, at)) => {
                if let Some(reasoning) = reasoning_field(d, at)? {
                    self.reasoning_field_seen = true;
                    self.field_text_seen |= !reasoning.is_empty();
                    delta.reasoning = reasoning;
                }
                message_text(d, at)?
            }
            None => opt_str(choice, "text", "choices[0].text")?.unwrap_or_default().to_owned(),
        };
        Ok(Some((delta, text)))
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

/// The reasoning trace of a message or delta (`at`): DeepSeek's `reasoning_content` or the
/// `reasoning` most others use. Some servers send both, so a non-empty one wins; an empty
/// string is kept because an empty trace is a signal.
fn reasoning_field(message: &Value, at: &str) -> Result<Option<String>, DialectError> {
    let content = opt_str(message, "reasoning_content", &format!("{at}.reasoning_content"))?;
    // `reasoning` is a loose convention (OpenRouter also sends structured reasoning details,
    // and recorded files carry other shapes): only a string is read as a trace, and anything
    // else is left out rather than failing a reply whose answer is readable.
    let plain = message.get("reasoning").and_then(Value::as_str);
    fn non_empty(s: Option<&str>) -> Option<&str> {
        s.filter(|s| !s.is_empty())
    }
    Ok(non_empty(content).or(non_empty(plain)).or(content).or(plain).map(str::to_owned))
}

/// The text of a `content` value (at `field`): a string, `null`, or an array of parts with
/// `text`. Anything else is the wrong type.
fn content_text(content: &Value, field: &str) -> Result<String, DialectError> {
    match content {
        Value::Null => Ok(String::new()),
        Value::String(s) => Ok(s.clone()),
        Value::Array(parts) => Ok(parts
            .iter()
            .filter_map(|p| p.as_str().or_else(|| p.get("text").and_then(Value::as_str)))
            .collect()),
        other => Err(wrong_type(field, "a string", other)),
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
        ..Usage::default()
    })
}

#[cfg(test)]
mod tests;
