//! Ollama's native dialect: `POST {root}/api/chat` (one JSON object, or newline-delimited JSON
//! when streaming) and `GET {root}/api/tags`.
//!
//! Formats as documented in Ollama's `docs/api.md` ("Generate a chat completion", "List Local
//! Models") and `docs/api/errors.mdx`. The `thinking` field of a message is the reasoning
//! trace (asked for with the `think` option); a model run without it may still put its trace
//! in a leading `<think>…</think>` block of the content, which is split off the same way as in
//! the OpenAI-compatible dialect. An `{"error": …}` line inside a 200 stream is
//! [`DialectError::Stream`].

use serde_json::Value;

use super::ndjson::NdjsonDecoder;
use super::think::{split_think, ThinkRouter};
use super::wire::{
    api_key, count_at, error_value_message, head, http_error, is_success, json_object, non_empty_str,
    opt_bool, opt_object, opt_str, root_url, JsonObject, MALFORMED_HEAD_CHARS,
};
use super::{ChatParams, DialectError, Endpoint, Reply, StreamDelta, Usage};
use crate::core::http::{HttpRequest, HttpResponse};

/// Where a pasted base URL may already end; the dialect adds `/api/…` itself.
const ROOT_SUFFIXES: [&str; 3] = ["/api/chat", "/api", "/v1"];

/// A key is only needed for a hosted Ollama (ollama.com); a local server takes none.
fn key_headers(endpoint: &Endpoint) -> Vec<(String, String)> {
    api_key(endpoint).map(|k| vec![("Authorization".to_owned(), format!("Bearer {k}"))]).unwrap_or_default()
}

/// Builds the `POST {root}/api/chat` request for one probe.
pub fn chat_request(endpoint: &Endpoint, params: &ChatParams) -> HttpRequest {
    let mut headers = vec![("Content-Type".to_owned(), "application/json".to_owned())];
    headers.extend(key_headers(endpoint));
    let mut body = JsonObject::new()
        .str("model", &params.model)
        .raw("messages", &super::openai::chat_messages(params))
        .bool("stream", params.stream);
    // A reasoning effort is a `think` level (models that take one, such as gpt-oss); it
    // also turns thinking on.
    if let Some(effort) = params.effort.filter(|_| params.think != Some(false)) {
        body = body.str("think", effort.key());
    } else if let Some(think) = params.think {
        body = body.bool("think", think);
    }
    let options = JsonObject::new()
        .number("temperature", params.temperature)
        .number("top_p", params.top_p)
        .count("num_predict", params.max_tokens);
    if !options.is_empty() {
        body = body.raw("options", &options.finish());
    }
    let body = body.finish();
    HttpRequest {
        method: "POST".to_owned(),
        url: format!("{}/api/chat", root_url(endpoint, &ROOT_SUFFIXES)),
        headers,
        body: Some(body),
    }
}

/// Builds the `GET {root}/api/tags` request (its `models[].name` list is read by
/// [`super::openai::parse_models`]). Without a key it is a simple request that needs no CORS
/// preflight.
pub fn models_request(endpoint: &Endpoint) -> HttpRequest {
    HttpRequest {
        method: "GET".to_owned(),
        url: format!("{}/api/tags", root_url(endpoint, &ROOT_SUFFIXES)),
        headers: key_headers(endpoint),
        body: None,
    }
}

/// Token counts: `prompt_eval_count` and `eval_count` (the latter includes thinking).
fn parse_usage(json: &Value) -> Option<Usage> {
    let prompt = count_at(json, "/prompt_eval_count");
    let completion = count_at(json, "/eval_count");
    (prompt.is_some() || completion.is_some()).then(|| Usage {
        prompt_tokens: prompt,
        completion_tokens: completion,
        total_tokens: prompt.zip(completion).map(|(p, c)| p + c),
        ..Usage::default()
    })
}

/// The content and thinking of one object: `message.content` and `message.thinking`, or the
/// `response` and `thinking` of the `/api/generate` shape some proxies send back.
fn texts(json: &Value) -> Result<(String, Option<String>), DialectError> {
    match opt_object(json, "message", "message")? {
        Some(m) => Ok((
            opt_str(m, "content", "message.content")?.unwrap_or("").to_owned(),
            opt_str(m, "thinking", "message.thinking")?.map(str::to_owned),
        )),
        None => Ok((
            opt_str(json, "response", "response")?.unwrap_or("").to_owned(),
            opt_str(json, "thinking", "thinking")?.map(str::to_owned),
        )),
    }
}

/// An `error` value's message.
fn error_of(json: &Value) -> Option<String> {
    let error = json.get("error").filter(|e| !e.is_null())?;
    Some(error_value_message(error).unwrap_or_else(|| head(&error.to_string(), MALFORMED_HEAD_CHARS)))
}

/// Turns a complete `/api/chat` response into a [`Reply`].
pub fn parse_chat_response(resp: &HttpResponse) -> Result<Reply, DialectError> {
    if !is_success(resp.status) {
        return Err(http_error(resp));
    }
    let json = json_object(&resp.body)?;
    if let Some(message) = error_of(&json) {
        return Err(DialectError::Http { status: resp.status, message, body: resp.body.clone() });
    }
    if json.get("message").is_none() && json.get("response").is_none() {
        return Err(DialectError::Malformed("the body has no `message`".to_owned()));
    }
    let (content, thinking) = texts(&json)?;
    let (content, reasoning) = split_think(&content, thinking);
    Ok(Reply {
        content,
        reasoning,
        finish_reason: opt_str(&json, "done_reason", "done_reason")?
            .filter(|s| !s.is_empty())
            .map(str::to_owned),
        usage: parse_usage(&json),
        model: non_empty_str(json.get("model")),
        ..Reply::default()
    })
}

/// Assembles a [`Reply`] from a streamed `/api/chat` body (one JSON object per line) fed in
/// arbitrary chunks.
#[derive(Clone, Debug, Default)]
pub struct StreamDecoder {
    lines: NdjsonDecoder,
    think: ThinkRouter,
    content: String,
    reasoning: String,
    thinking_seen: bool,
    /// Some `thinking` text came, so think-block text appended later needs a separator.
    thinking_text_seen: bool,
    /// Some think-block text was added already.
    think_block_seen: bool,
    done: bool,
    done_reason: Option<String>,
    model: Option<String>,
    usage: Option<Usage>,
    failure: Option<DialectError>,
}

impl StreamDecoder {
    /// A decoder at the start of a stream.
    pub fn new() -> Self {
        Self::default()
    }

    /// Feeds the next chunk of the body and returns the text that became visible.
    pub fn push(&mut self, chunk: &[u8]) -> Vec<StreamDelta> {
        let lines = self.lines.push(chunk);
        lines.into_iter().filter_map(|line| self.handle(&line, false)).collect()
    }

    /// Ends the stream: an error line is [`DialectError::Stream`]; a stream cut before
    /// `done: true` keeps its text with no finish reason, or is [`DialectError::Truncated`]
    /// when it had none.
    pub fn finish(mut self) -> Result<Reply, DialectError> {
        if let Some(line) = self.lines.finish() {
            self.handle(&line, true);
        }
        if let Some(failure) = self.failure.take() {
            return Err(failure);
        }
        let tail = self.think.finish();
        self.content.push_str(&tail.content);
        self.push_think(&tail.think);
        if !self.done && self.content.is_empty() && self.reasoning.is_empty() {
            return Err(DialectError::Truncated);
        }
        let reasoning_seen = self.thinking_seen || self.think.opened;
        Ok(Reply {
            content: self.content,
            reasoning: reasoning_seen.then_some(self.reasoning),
            // A stream that ended with `done: true` but no reason still ended properly.
            finish_reason: self.done_reason.or_else(|| self.done.then(|| "stop".to_owned())),
            usage: self.usage,
            model: self.model,
            ..Reply::default()
        })
    }

    fn push_think(&mut self, think: &str) -> String {
        let mut out = String::new();
        if think.is_empty() {
            return out;
        }
        if !self.think_block_seen && self.thinking_text_seen {
            out.push('\n');
        }
        self.think_block_seen = true;
        out.push_str(think);
        self.reasoning.push_str(&out);
        out
    }

    fn handle(&mut self, line: &str, at_end: bool) -> Option<StreamDelta> {
        if self.done || self.failure.is_some() {
            return None;
        }
        let json: Value = match serde_json::from_str(line) {
            Ok(json) => json,
            // Half a line at a dropped connection: a cut stream, which keeps what arrived.
            Err(_) if at_end => return None,
            Err(_) => {
                let quoted = head(line, MALFORMED_HEAD_CHARS);
                self.failure =
                    Some(DialectError::Malformed(format!("a stream line is not JSON: {quoted:?}")));
                return None;
            }
        };
        match self.fold(&json) {
            Ok(d) => Some(d).filter(|d| !d.is_empty()),
            Err(e) => {
                self.failure = Some(e);
                None
            }
        }
    }

    fn fold(&mut self, json: &Value) -> Result<StreamDelta, DialectError> {
        if let Some(message) = error_of(json) {
            return Err(DialectError::Stream(message));
        }
        if !json.is_object() {
            return Err(super::wire::wrong_type("stream line", "an object", json));
        }
        if let Some(model) = non_empty_str(json.get("model")) {
            self.model = Some(model);
        }
        let (content, thinking) = texts(json)?;
        let mut delta = StreamDelta::default();
        if let Some(thinking) = thinking {
            self.thinking_seen = true;
            self.thinking_text_seen |= !thinking.is_empty();
            self.reasoning.push_str(&thinking);
            delta.reasoning = thinking;
        }
        let routed = self.think.push(&content);
        delta.reasoning.push_str(&self.push_think(&routed.think));
        self.content.push_str(&routed.content);
        delta.content = routed.content;
        if opt_bool(json, "done", "done")? == Some(true) {
            self.done = true;
            self.done_reason =
                opt_str(json, "done_reason", "done_reason")?.filter(|s| !s.is_empty()).map(str::to_owned);
            self.usage = parse_usage(json);
        }
        Ok(delta)
    }
}

#[cfg(test)]
mod tests;
