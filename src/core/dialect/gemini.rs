//! The Google Gemini dialect: `POST {root}/v1beta/models/{model}:generateContent`, its
//! `:streamGenerateContent?alt=sse` stream, and `GET {root}/v1beta/models`.
//!
//! Formats as documented at <https://ai.google.dev/api/generate-content> and
//! <https://ai.google.dev/api/models>. Parts marked `thought: true` are the reasoning trace.
//! Gemini says when it blocks: `promptFeedback.blockReason` (the prompt was blocked, no
//! candidate) and a candidate `finishReason` of `SAFETY`, `PROHIBITED_CONTENT`, `BLOCKLIST`,
//! `RECITATION`, `SPII` or `IMAGE_SAFETY`; both become [`Reply::blocked`] naming the reason. A
//! candidate with no text and no such reason is [`DialectError::EmptyReply`], not a refusal:
//! nothing says the prompt was the cause.

use serde_json::Value;

use super::sse::SseDecoder;
use super::wire::{
    api_key, count_at, head, http_error, is_success, json_error_message, json_object, malformed_body,
    non_empty_str, opt_array, opt_bool, opt_object, opt_str, root_url, wrong_type, JsonObject,
    MALFORMED_HEAD_CHARS,
};
use super::{ChatParams, DialectError, Endpoint, Reply, StreamDelta, Usage};
use crate::core::http::{HttpRequest, HttpResponse};

/// Finish reasons that mean Gemini stopped the reply itself.
pub const BLOCKING_FINISH_REASONS: [&str; 7] = [
    "SAFETY",
    "PROHIBITED_CONTENT",
    "BLOCKLIST",
    "RECITATION",
    "SPII",
    "IMAGE_SAFETY",
    "IMAGE_PROHIBITED_CONTENT",
];

/// Where a pasted base URL may already end; the dialect adds `/v1beta/…` itself.
const ROOT_SUFFIXES: [&str; 2] = ["/v1beta", "/v1"];

/// The model id as it goes into the URL path (`models/` is added by the path itself).
fn model_path(model: &str) -> &str {
    let model = model.trim();
    model.strip_prefix("models/").unwrap_or(model)
}

/// The key goes in `x-goog-api-key`, never in the URL, so it cannot end up in a log of URLs.
fn key_headers(endpoint: &Endpoint) -> Vec<(String, String)> {
    api_key(endpoint).map(|k| vec![("x-goog-api-key".to_owned(), k.to_owned())]).unwrap_or_default()
}

/// Builds the `generateContent` (or, streaming, `streamGenerateContent?alt=sse`) request.
///
/// `think: Some(true)` asks for thought summaries (`includeThoughts`); models that do not think
/// reject it, so it is only sent when asked for.
pub fn chat_request(endpoint: &Endpoint, params: &ChatParams) -> HttpRequest {
    let mut headers = vec![("Content-Type".to_owned(), "application/json".to_owned())];
    headers.extend(key_headers(endpoint));
    let method = if params.stream {
        headers.push(("Accept".to_owned(), "text/event-stream".to_owned()));
        "streamGenerateContent?alt=sse"
    } else {
        "generateContent"
    };
    let part = JsonObject::new().str("text", &params.prompt).finish();
    let content = JsonObject::new().str("role", "user").raw("parts", &format!("[{part}]")).finish();
    let mut config = JsonObject::new()
        .number("temperature", params.temperature)
        .number("topP", params.top_p)
        .count("maxOutputTokens", params.max_tokens);
    let mut thinking = JsonObject::new();
    if let Some(include) = params.think {
        thinking = thinking.bool("includeThoughts", include);
    }
    if let Some(effort) = params.effort {
        thinking = thinking.count("thinkingBudget", Some(effort.budget()));
    }
    if !thinking.is_empty() {
        config = config.raw("thinkingConfig", &thinking.finish());
    }
    let mut body = JsonObject::new();
    if let Some(system) = &params.system {
        let part = JsonObject::new().str("text", system).finish();
        body = body.raw("systemInstruction", &JsonObject::new().raw("parts", &format!("[{part}]")).finish());
    }
    body = body.raw("contents", &format!("[{content}]"));
    if !config.is_empty() {
        body = body.raw("generationConfig", &config.finish());
    }
    let body = body.finish();
    HttpRequest {
        method: "POST".to_owned(),
        url: format!(
            "{}/v1beta/models/{}:{method}",
            root_url(endpoint, &ROOT_SUFFIXES),
            model_path(&params.model)
        ),
        headers,
        body: Some(body),
    }
}

/// Builds the `GET {root}/v1beta/models` request.
pub fn models_request(endpoint: &Endpoint) -> HttpRequest {
    HttpRequest {
        method: "GET".to_owned(),
        url: format!("{}/v1beta/models?pageSize=1000", root_url(endpoint, &ROOT_SUFFIXES)),
        headers: key_headers(endpoint),
        body: None,
    }
}

/// The ids (without `models/`) of the models that can generate content, sorted.
pub fn parse_models(resp: &HttpResponse) -> Result<Vec<String>, DialectError> {
    if !is_success(resp.status) {
        return Err(http_error(resp));
    }
    let json: Value = serde_json::from_str(&resp.body).map_err(|e| malformed_body(&resp.body, &e))?;
    let Some(models) = opt_array(&json, "models", "models")? else {
        return Err(DialectError::Malformed("the model list has no `models`".to_owned()));
    };
    let mut ids: Vec<String> = models
        .iter()
        .filter(|m| {
            m.get("supportedGenerationMethods")
                .and_then(Value::as_array)
                .is_none_or(|methods| methods.iter().any(|x| x.as_str() == Some("generateContent")))
        })
        .filter_map(|m| m.get("name").and_then(Value::as_str))
        .map(|name| model_path(name).to_owned())
        .filter(|id| !id.is_empty())
        .collect();
    ids.sort();
    ids.dedup();
    Ok(ids)
}

/// Everything read so far from one or more `GenerateContentResponse`s.
#[derive(Clone, Debug, Default)]
struct Acc {
    content: String,
    reasoning: String,
    thought_seen: bool,
    /// A candidate or prompt feedback was seen: the body is a response at all.
    recognised: bool,
    finish_reason: Option<String>,
    finish_message: Option<String>,
    blocked: Option<String>,
    usage: Option<Usage>,
    model: Option<String>,
}

impl Acc {
    /// Folds one response object in; returns the text it made visible.
    fn fold(&mut self, json: &Value) -> Result<StreamDelta, DialectError> {
        if let Some(error) = json.get("error").filter(|e| !e.is_null()) {
            let message =
                json_error_message(json).unwrap_or_else(|| head(&error.to_string(), MALFORMED_HEAD_CHARS));
            return Err(DialectError::Stream(message));
        }
        if let Some(model) = non_empty_str(json.get("modelVersion")) {
            self.model = Some(model);
        }
        if let Some(usage) = opt_object(json, "usageMetadata", "usageMetadata")? {
            self.usage = Some(parse_usage(usage));
        }
        if let Some(feedback) = opt_object(json, "promptFeedback", "promptFeedback")? {
            self.recognised = true;
            let reason = opt_str(feedback, "blockReason", "promptFeedback.blockReason")?;
            if let Some(reason) = reason.filter(|r| !r.is_empty() && *r != "BLOCK_REASON_UNSPECIFIED") {
                let message = opt_str(feedback, "blockReasonMessage", "promptFeedback.blockReasonMessage")?;
                self.blocked = Some(match message {
                    Some(m) if !m.is_empty() => format!("promptFeedback.blockReason: {reason} ({m})"),
                    _ => format!("promptFeedback.blockReason: {reason}"),
                });
            }
        }
        let mut delta = StreamDelta::default();
        let candidates = opt_array(json, "candidates", "candidates")?;
        let Some(candidate) = candidates.and_then(|c| c.first()) else { return Ok(delta) };
        self.recognised = true;
        if !candidate.is_object() {
            return Err(wrong_type("candidates[0]", "an object", candidate));
        }
        if let Some(content) = opt_object(candidate, "content", "candidates[0].content")? {
            for (i, part) in
                opt_array(content, "parts", "candidates[0].content.parts")?.into_iter().flatten().enumerate()
            {
                let at = format!("candidates[0].content.parts[{i}]");
                if !part.is_object() {
                    return Err(wrong_type(&at, "an object", part));
                }
                let text = opt_str(part, "text", &format!("{at}.text"))?.unwrap_or("");
                if opt_bool(part, "thought", &format!("{at}.thought"))? == Some(true) {
                    self.thought_seen = true;
                    delta.reasoning.push_str(text);
                } else {
                    delta.content.push_str(text);
                }
            }
        }
        if let Some(reason) = opt_str(candidate, "finishReason", "candidates[0].finishReason")? {
            if !reason.is_empty() {
                self.finish_reason = Some(reason.to_owned());
                if BLOCKING_FINISH_REASONS.contains(&reason) {
                    self.blocked = Some(format!("finishReason: {reason}"));
                }
            }
        }
        if let Some(message) = opt_str(candidate, "finishMessage", "candidates[0].finishMessage")? {
            self.finish_message = Some(message.to_owned()).filter(|m| !m.is_empty());
        }
        self.content.push_str(&delta.content);
        self.reasoning.push_str(&delta.reasoning);
        Ok(delta)
    }

    /// The reply, or why there is none.
    fn finish(self, streamed: bool) -> Result<Reply, DialectError> {
        if !self.recognised {
            return Err(if streamed {
                DialectError::Truncated
            } else {
                DialectError::Malformed("the body has neither `candidates` nor `promptFeedback`".to_owned())
            });
        }
        if self.blocked.is_none() && self.content.trim().is_empty() && self.reasoning.trim().is_empty() {
            let mut why = "the candidate holds no text and Gemini gave no block reason".to_owned();
            if let Some(reason) = &self.finish_reason {
                why.push_str(&format!(" (finishReason {reason}"));
                if let Some(message) = &self.finish_message {
                    why.push_str(&format!(": {message}"));
                }
                why.push(')');
            }
            return Err(DialectError::EmptyReply(why));
        }
        Ok(Reply {
            content: self.content,
            reasoning: self.thought_seen.then_some(self.reasoning),
            finish_reason: self.finish_reason,
            usage: self.usage,
            model: self.model,
            blocked: self.blocked,
            ..Reply::default()
        })
    }
}

/// Token counts from `usageMetadata`. Gemini counts thoughts apart from the candidates, so the
/// completion total adds them, as the other dialects report it.
fn parse_usage(u: &Value) -> Usage {
    let candidates = count_at(u, "/candidatesTokenCount");
    let thoughts = count_at(u, "/thoughtsTokenCount");
    let completion = match (candidates, thoughts) {
        (None, None) => None,
        (c, t) => Some(c.unwrap_or(0) + t.unwrap_or(0)),
    };
    Usage {
        prompt_tokens: count_at(u, "/promptTokenCount"),
        completion_tokens: completion,
        total_tokens: count_at(u, "/totalTokenCount"),
        reasoning_tokens: thoughts,
        cached_tokens: count_at(u, "/cachedContentTokenCount"),
        ..Usage::default()
    }
}

/// Turns a complete `generateContent` response into a [`Reply`].
pub fn parse_chat_response(resp: &HttpResponse) -> Result<Reply, DialectError> {
    if !is_success(resp.status) {
        return Err(http_error(resp));
    }
    let json = json_object(&resp.body)?;
    let mut acc = Acc::default();
    acc.fold(&json).map_err(|e| match e {
        DialectError::Stream(message) => {
            DialectError::Http { status: resp.status, message, body: resp.body.clone() }
        }
        other => other,
    })?;
    acc.finish(false)
}

/// Assembles a [`Reply`] from a `streamGenerateContent?alt=sse` body fed in arbitrary chunks.
#[derive(Clone, Debug, Default)]
pub struct StreamDecoder {
    sse: SseDecoder,
    acc: Acc,
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
            if let Some(d) = self.handle(&event.data, false) {
                deltas.push(d);
            }
        }
        deltas
    }

    /// Ends the stream and returns the assembled reply (see [`parse_chat_response`] for blocks
    /// and empty replies); an error chunk is [`DialectError::Stream`].
    pub fn finish(mut self) -> Result<Reply, DialectError> {
        for event in self.sse.finish() {
            self.handle(&event.data, true);
        }
        if let Some(failure) = self.failure.take() {
            return Err(failure);
        }
        if !self.saw_event {
            let body = String::from_utf8_lossy(&self.raw).into_owned();
            let start = body.trim_start();
            // A plain JSON body (an object, or the array the non-SSE stream sends).
            if start.starts_with('{') {
                return parse_chat_response(&HttpResponse { status: 200, headers: Vec::new(), body })
                    .map_err(|e| match e {
                        DialectError::Http { message, .. } => DialectError::Stream(message),
                        other => other,
                    });
            }
            if start.starts_with('[') {
                let items: Vec<Value> = serde_json::from_str(start).map_err(|e| malformed_body(start, &e))?;
                for item in &items {
                    self.acc.fold(item)?;
                }
            }
        }
        self.acc.finish(true)
    }

    fn handle(&mut self, data: &str, at_end: bool) -> Option<StreamDelta> {
        self.saw_event = true;
        self.raw = Vec::new();
        if self.failure.is_some() {
            return None;
        }
        let data = data.trim();
        if data.is_empty() {
            return None;
        }
        let json: Value = match serde_json::from_str(data) {
            Ok(json) => json,
            Err(_) if at_end => return None,
            Err(_) => {
                let quoted = head(data, MALFORMED_HEAD_CHARS);
                self.failure =
                    Some(DialectError::Malformed(format!("a stream event is not JSON: {quoted:?}")));
                return None;
            }
        };
        match self.acc.fold(&json) {
            Ok(d) => Some(d).filter(|d| !d.is_empty()),
            Err(e) => {
                self.failure = Some(e);
                None
            }
        }
    }
}

#[cfg(test)]
mod tests;
