//! API dialects: turn a probe into an [`HttpRequest`] and parse
//! what comes back into a [`Reply`].
//!
//! Four dialects are spoken: OpenAI-compatible chat completions (DeepSeek, OpenAI,
//! OpenRouter, Together, Groq, Fireworks, llama.cpp server, vLLM and Ollama's `/v1`),
//! Anthropic Messages, Google Gemini and Ollama's native `/api/chat`. Each is sans-IO: it
//! builds [`HttpRequest`]s and parses [`HttpResponse`]s or body chunks, and never touches the
//! network, so the browser app and the command line share it byte for byte.

pub mod anthropic;
pub mod gemini;
mod ndjson;
pub mod ollama;
pub mod openai;
pub mod sse;
pub mod think;
pub(crate) mod wire;

use serde::{Deserialize, Serialize};

use crate::core::http::{HttpRequest, HttpResponse};
use crate::core::num::short;

/// Where and how to reach a model server.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Endpoint {
    /// Base URL: up to and including the API version for the OpenAI-compatible dialect (e.g.
    /// `https://api.deepseek.com/v1`), the server root for the others.
    pub base_url: String,
    /// API key, sent as the dialect sends it (`Authorization: Bearer …`, `x-api-key`,
    /// `x-goog-api-key`), never in the URL.
    pub api_key: Option<String>,
}

/// What to ask.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChatParams {
    /// The model id the server knows.
    pub model: String,
    /// The user message.
    pub prompt: String,
    /// Ask for server-sent events.
    pub stream: bool,
    /// Upper bound on generated tokens, when set.
    pub max_tokens: Option<u32>,
    /// Sampling temperature, when set.
    pub temperature: Option<f32>,
    /// Ask for the reasoning trace (`Some(true)`), ask for none (`Some(false)`), or leave it to
    /// the server (`None`): Ollama's `think`, Gemini's `includeThoughts`, Anthropic's
    /// extended thinking. The OpenAI-compatible dialect has no such switch.
    #[serde(default)]
    pub think: Option<bool>,
    /// Nucleus sampling, when set.
    #[serde(default)]
    pub top_p: Option<f32>,
    /// A system prompt, when set.
    #[serde(default)]
    pub system: Option<String>,
    /// How hard a reasoning model should think, when set.
    #[serde(default)]
    pub effort: Option<Effort>,
    /// The one upstream provider a router is to use, when set (OpenAI-compatible dialect:
    /// OpenRouter's `provider` object).
    #[serde(default)]
    pub route: Option<String>,
}

/// How hard a reasoning model is asked to think. Each dialect says it its own way: OpenAI's
/// `reasoning_effort`, a thinking budget for Anthropic and Gemini, Ollama's `think` level.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Effort {
    /// Little reasoning.
    Low,
    /// Some reasoning.
    Medium,
    /// Much reasoning.
    High,
}

impl Effort {
    /// Every level, in order.
    pub const ALL: [Effort; 3] = [Effort::Low, Effort::Medium, Effort::High];

    /// The level's name on the wire and in files: `low`, `medium`, `high`.
    pub fn key(self) -> &'static str {
        match self {
            Effort::Low => "low",
            Effort::Medium => "medium",
            Effort::High => "high",
        }
    }

    /// The level named `key`.
    pub fn from_key(key: &str) -> Option<Effort> {
        Effort::ALL.into_iter().find(|e| e.key() == key)
    }

    /// The thinking budget in tokens, for dialects that take a budget rather than a level
    /// (Anthropic's `budget_tokens`, Gemini's `thinkingBudget`): 1,024 (the smallest
    /// Anthropic takes), 4,096 and 16,384.
    pub fn budget(self) -> u32 {
        match self {
            Effort::Low => 1024,
            Effort::Medium => 4096,
            Effort::High => 16384,
        }
    }
}

/// What a provider is asked with besides the prompt, as the user set it. Whatever is unset
/// is left to the server and not sent at all, so the request shows exactly what was chosen.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Sampling temperature.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f32>,
    /// Nucleus sampling (`top_p`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub top_p: Option<f32>,
    /// Upper bound on generated tokens.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_tokens: Option<u32>,
    /// A system prompt (none by default).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub system: String,
    /// Reasoning effort.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effort: Option<Effort>,
    /// The one upstream provider a router is to use (OpenRouter's `provider.order` with
    /// `allow_fallbacks: false`); empty lets the router choose.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub route: String,
}

impl Settings {
    /// Whether everything is left to the server.
    pub fn is_default(&self) -> bool {
        *self == Settings::default()
    }

    /// The settings in words, e.g. `temperature 0.2, max tokens 512, system prompt (38
    /// characters)`; `server defaults` when none is set.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(t) = self.temperature {
            parts.push(format!("temperature {}", short(t, 6)));
        }
        if let Some(p) = self.top_p {
            parts.push(format!("top_p {}", short(p, 6)));
        }
        if let Some(n) = self.max_tokens {
            parts.push(format!("max tokens {n}"));
        }
        if let Some(e) = self.effort {
            parts.push(format!("reasoning effort {}", e.key()));
        }
        if !self.system.is_empty() {
            parts.push(format!("system prompt ({} characters)", self.system.chars().count()));
        }
        if !self.route.trim().is_empty() {
            parts.push(format!("only through {}", self.route.trim()));
        }
        if parts.is_empty() {
            "server defaults".to_string()
        } else {
            parts.join(", ")
        }
    }

    /// The setting a 400-class error names, when the server rejected one that was sent: the
    /// setting's name as the provider's form shows it. `text` is the error's message and
    /// body. Each dialect's own spelling of a field counts (`topP`, `maxOutputTokens`,
    /// `num_predict`, `thinking`…).
    pub fn rejected_by(&self, status: u16, text: &str) -> Option<&'static str> {
        if !matches!(status, 400 | 422) {
            return None;
        }
        let lower = text.to_ascii_lowercase();
        let named = |words: &[&str]| words.iter().any(|w| lower.contains(w));
        let checks: [(bool, &[&str], &'static str); 5] = [
            (self.temperature.is_some(), &["temperature"], "temperature"),
            (self.top_p.is_some(), &["top_p", "topp"], "top p"),
            (
                self.max_tokens.is_some(),
                &["max_tokens", "max_completion_tokens", "maxoutputtokens", "num_predict"],
                "max tokens",
            ),
            (self.effort.is_some(), &["reasoning_effort", "reasoning", "thinking"], "reasoning effort"),
            (!self.system.is_empty(), &["system"], "system prompt"),
        ];
        checks.into_iter().find(|(set, words, _)| *set && named(words)).map(|(_, _, name)| name)
    }

    /// The settings a reply shows the server did not keep, each in a sentence; empty when the
    /// reply gives no sign (most settings, temperature for one, leave none). Three can be
    /// checked from what comes back:
    /// - max tokens: more visible tokens came back than were asked for at most (reasoning
    ///   tokens are left out, since not every server counts them against the cap);
    /// - the pinned route: the router says another upstream served the reply;
    /// - reasoning effort: the reply has neither a reasoning trace nor reasoning tokens.
    pub fn not_kept(&self, reply: &Reply) -> Vec<String> {
        use crate::core::i18n::{tf, Msg};
        let mut notes = Vec::new();
        let usage = reply.usage.as_ref();
        if let (Some(max), Some(used)) = (self.max_tokens, usage.and_then(|u| u.completion_tokens)) {
            let visible = used.saturating_sub(usage.and_then(|u| u.reasoning_tokens).unwrap_or(0));
            if visible > u64::from(max) {
                notes.push(tf(Msg::MaxTokensIgnored, &[("max", &max), ("used", &visible)]));
            }
        }
        let route = self.route.trim();
        if let Some(served) = reply.upstream_provider.as_deref().map(str::trim) {
            if !route.is_empty() && !served.is_empty() && !served.eq_ignore_ascii_case(route) {
                notes.push(tf(Msg::RouteNotKept, &[("route", &route), ("served", &served)]));
            }
        }
        if let Some(effort) = self.effort {
            let trace = reply.reasoning.as_deref().is_some_and(|r| !r.trim().is_empty());
            let tokens = usage.and_then(|u| u.reasoning_tokens).is_some_and(|n| n > 0);
            if !trace && !tokens && reply.blocked.is_none() && !reply.content.is_empty() {
                notes.push(tf(Msg::EffortNoReasoning, &[("effort", &effort.key())]));
            }
        }
        notes
    }

    /// Adds to an HTTP error which setting the server rejected, and what to do, when it
    /// names one that was sent (see [`Settings::rejected_by`]).
    pub fn explain(&self, error: &mut DialectError) {
        if let DialectError::Http { status, message, body } = error {
            if let Some(name) = self.rejected_by(*status, &format!("{message} {body}")) {
                message.push_str(&format!(
                    " (the endpoint rejected the {name} setting: clear it in this provider's settings and run again)"
                ));
            }
        }
    }
}

impl ChatParams {
    /// A probe as a run sends it: `prompt` to `model`, streamed, every setting left to the
    /// server except `think`.
    pub fn probe(model: &str, prompt: &str, think: Option<bool>) -> ChatParams {
        ChatParams {
            model: model.to_string(),
            prompt: prompt.to_string(),
            stream: true,
            max_tokens: None,
            temperature: None,
            think,
            top_p: None,
            system: None,
            effort: None,
            route: None,
        }
    }

    /// The same request with the provider's `settings`.
    pub fn with_settings(mut self, settings: &Settings) -> ChatParams {
        self.temperature = settings.temperature;
        self.top_p = settings.top_p;
        self.max_tokens = settings.max_tokens;
        self.system = (!settings.system.is_empty()).then(|| settings.system.clone());
        self.effort = settings.effort;
        let route = settings.route.trim();
        self.route = (!route.is_empty()).then(|| route.to_string());
        self
    }
}

/// What the ledger calls a probe's request: its id, and which try it is after the first.
/// A sample after the first is named (`probe x@en · sample 2`), so the ledger tells a run's
/// samples of one probe apart.
pub fn probe_label(probe_id: &str, sample: usize, attempt: u32) -> String {
    let sample = if sample > 0 { format!(" · sample {}", sample + 1) } else { String::new() };
    match attempt {
        1 => format!("probe {probe_id}{sample}"),
        n => format!("probe {probe_id}{sample} (try {n})"),
    }
}

/// Token counts the server reported.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    /// Tokens in the prompt.
    pub prompt_tokens: Option<u64>,
    /// Tokens generated (reasoning included, where the server counts it there).
    pub completion_tokens: Option<u64>,
    /// Sum the server reported.
    pub total_tokens: Option<u64>,
    /// Reasoning tokens (`completion_tokens_details.reasoning_tokens`).
    pub reasoning_tokens: Option<u64>,
    /// Prompt tokens served from cache (`prompt_tokens_details.cached_tokens`, or DeepSeek's
    /// `prompt_cache_hit_tokens`).
    pub cached_tokens: Option<u64>,
    /// Prompt tokens written to the provider's cache, within the prompt count (Anthropic's
    /// `cache_creation_input_tokens`); billed above fresh input.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_write_tokens: Option<u64>,
    /// Of the cache writes, those kept for an hour rather than five minutes (Anthropic's
    /// `cache_creation.ephemeral_1h_input_tokens`), billed higher still.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_write_1h_tokens: Option<u64>,
}

/// A model's reply, assembled from a full response or from a stream.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Reply {
    /// The visible answer text (a leading `<think>…</think>` block removed).
    pub content: String,
    /// The reasoning trace. `Some("")` means the server sent an empty trace, which is a
    /// signal in itself; `None` means it sent no trace field at all.
    pub reasoning: Option<String>,
    /// `finish_reason` of the first choice.
    pub finish_reason: Option<String>,
    /// Token usage.
    pub usage: Option<Usage>,
    /// The model the server says answered.
    pub model: Option<String>,
    /// The upstream provider that served the request (OpenRouter's `provider` field).
    pub upstream_provider: Option<String>,
    /// The provider's own statement that it blocked the prompt or the reply, as it wrote it:
    /// `stop_reason: refusal` (Anthropic), `promptFeedback.blockReason: SAFETY` or
    /// `finishReason: RECITATION` (Gemini). Any text that arrived is kept in `content`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blocked: Option<String>,
    /// An error the provider sent alongside the reply (OpenRouter's `choices[0].error`, for
    /// instance an upstream moderation that cut the answer); the text before it is kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Why a response could not be turned into a [`Reply`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum DialectError {
    /// The server answered with a non-2xx status; the body is kept as sent.
    #[error("the server answered HTTP {status}: {message}")]
    Http {
        /// HTTP status code.
        status: u16,
        /// The error message extracted from the body, or the start of the body.
        message: String,
        /// The body as sent.
        body: String,
    },
    /// A 2xx response whose body is not the expected JSON shape.
    #[error("the server's reply could not be read: {0}")]
    Malformed(String),
    /// A field of the reply holds a value of the wrong type.
    #[error("the reply's `{field}` should be {expected} but is {found}")]
    WrongType {
        /// Where in the reply, e.g. `choices[0].message.content`.
        field: String,
        /// What the API documents there, e.g. `a string`.
        expected: String,
        /// What came, e.g. `a number (42)`.
        found: String,
    },
    /// A 2xx response that holds no reply at all and no reason for it: an empty body, or a
    /// Gemini candidate with no text and no block reason. Not a refusal: nothing says the
    /// prompt was blocked.
    #[error("empty reply: {0}")]
    EmptyReply(String),
    /// An error object arrived inside the stream.
    #[error("the stream reported an error: {0}")]
    Stream(String),
    /// The stream ended before `[DONE]` or a finish reason, with no content.
    #[error("the stream ended before the reply was complete")]
    Truncated,
}

/// The wire format a provider speaks. Every request the app or `candor run` sends goes through
/// one of these, so the browser and the command line build and read the same bytes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dialect {
    /// OpenAI-compatible chat completions (`{base}/chat/completions`, base URL ends in `/v1`).
    #[default]
    Openai,
    /// Anthropic Messages (`{root}/v1/messages`, `x-api-key`).
    Anthropic,
    /// Google Gemini (`{root}/v1beta/models/{model}:generateContent`, `x-goog-api-key`).
    Gemini,
    /// Ollama's native API (`{root}/api/chat`, NDJSON streams).
    Ollama,
}

impl Dialect {
    /// Every dialect, in the order the provider form offers them.
    pub const ALL: [Dialect; 4] = [Dialect::Openai, Dialect::Anthropic, Dialect::Gemini, Dialect::Ollama];

    /// The name used on the command line and in saved settings.
    pub fn key(self) -> &'static str {
        match self {
            Dialect::Openai => "openai",
            Dialect::Anthropic => "anthropic",
            Dialect::Gemini => "gemini",
            Dialect::Ollama => "ollama",
        }
    }

    /// The dialect named `key`, if there is one.
    pub fn from_key(key: &str) -> Option<Dialect> {
        Dialect::ALL.into_iter().find(|d| d.key() == key)
    }

    /// Whether this is the OpenAI-compatible dialect (the default, left out of saved files).
    pub fn is_openai(&self) -> bool {
        *self == Dialect::Openai
    }

    /// The name shown in the provider form.
    pub fn label(self) -> &'static str {
        match self {
            Dialect::Openai => "OpenAI-compatible (/v1/chat/completions)",
            Dialect::Anthropic => "Anthropic Messages (/v1/messages)",
            Dialect::Gemini => "Google Gemini (generateContent)",
            Dialect::Ollama => "Ollama native (/api/chat)",
        }
    }

    /// The request that asks one probe.
    pub fn chat_request(self, endpoint: &Endpoint, params: &ChatParams) -> HttpRequest {
        match self {
            Dialect::Openai => openai::chat_request(endpoint, params),
            Dialect::Anthropic => anthropic::chat_request(endpoint, params),
            Dialect::Gemini => gemini::chat_request(endpoint, params),
            Dialect::Ollama => ollama::chat_request(endpoint, params),
        }
    }

    /// The request that lists the server's models.
    pub fn models_request(self, endpoint: &Endpoint) -> HttpRequest {
        match self {
            Dialect::Openai => openai::models_request(endpoint),
            Dialect::Anthropic => anthropic::models_request(endpoint),
            Dialect::Gemini => gemini::models_request(endpoint),
            Dialect::Ollama => ollama::models_request(endpoint),
        }
    }

    /// The model ids in a models-list response.
    pub fn parse_models(self, resp: &HttpResponse) -> Result<Vec<String>, DialectError> {
        match self {
            // The OpenAI reader also knows Anthropic's `data[].id` and Ollama's `models[]`.
            Dialect::Openai | Dialect::Anthropic | Dialect::Ollama => openai::parse_models(resp),
            Dialect::Gemini => gemini::parse_models(resp),
        }
    }

    /// A complete (non-streamed) response, or any non-2xx response, as a reply.
    pub fn parse_chat_response(self, resp: &HttpResponse) -> Result<Reply, DialectError> {
        match self {
            Dialect::Openai => openai::parse_chat_response(resp),
            Dialect::Anthropic => anthropic::parse_chat_response(resp),
            Dialect::Gemini => gemini::parse_chat_response(resp),
            Dialect::Ollama => ollama::parse_chat_response(resp),
        }
    }

    /// Whether a 2xx response with this `Content-Type` is a stream to feed to
    /// [`Dialect::stream_decoder`] (anything else is read whole and parsed as one response).
    pub fn is_stream(self, content_type: Option<&str>) -> bool {
        let ct = content_type.unwrap_or_default().to_ascii_lowercase();
        match self {
            Dialect::Ollama => ct.contains("ndjson") || ct.contains("event-stream"),
            _ => ct.contains("text/event-stream"),
        }
    }

    /// A decoder for a streamed 2xx body in this dialect.
    pub fn stream_decoder(self) -> StreamDecoder {
        match self {
            Dialect::Openai => StreamDecoder::Openai(openai::StreamDecoder::new()),
            Dialect::Anthropic => StreamDecoder::Anthropic(anthropic::StreamDecoder::new()),
            Dialect::Gemini => StreamDecoder::Gemini(gemini::StreamDecoder::new()),
            Dialect::Ollama => StreamDecoder::Ollama(ollama::StreamDecoder::new()),
        }
    }
}

/// Text that became visible with one streamed event.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StreamDelta {
    /// New answer text.
    pub content: String,
    /// New reasoning text, from a reasoning field, a thinking block or a `<think>` block.
    pub reasoning: String,
}

impl StreamDelta {
    /// Whether nothing new is visible.
    pub(crate) fn is_empty(&self) -> bool {
        self.content.is_empty() && self.reasoning.is_empty()
    }
}

/// Assembles a streamed reply in any [`Dialect`].
#[derive(Clone, Debug)]
pub enum StreamDecoder {
    /// Server-sent chat-completion chunks.
    Openai(openai::StreamDecoder),
    /// Server-sent Anthropic Messages events.
    Anthropic(anthropic::StreamDecoder),
    /// Server-sent Gemini response chunks.
    Gemini(gemini::StreamDecoder),
    /// Ollama's newline-delimited JSON chunks.
    Ollama(ollama::StreamDecoder),
}

impl StreamDecoder {
    /// Feeds the next chunk of the body; returns the text that became visible.
    pub fn push(&mut self, chunk: &[u8]) -> Vec<StreamDelta> {
        match self {
            StreamDecoder::Openai(d) => d.push(chunk),
            StreamDecoder::Anthropic(d) => d.push(chunk),
            StreamDecoder::Gemini(d) => d.push(chunk),
            StreamDecoder::Ollama(d) => d.push(chunk),
        }
    }

    /// Ends the stream and returns the assembled reply.
    pub fn finish(self) -> Result<Reply, DialectError> {
        match self {
            StreamDecoder::Openai(d) => d.finish(),
            StreamDecoder::Anthropic(d) => d.finish(),
            StreamDecoder::Gemini(d) => d.finish(),
            StreamDecoder::Ollama(d) => d.finish(),
        }
    }
}

/// Helpers the dialects' tests share: decoding a body cut into chunks at every byte.
#[cfg(test)]
pub(crate) mod testing {
    use super::{Dialect, DialectError, Reply};

    /// Decodes `chunks` with `dialect`'s stream decoder; also checks that the visible deltas
    /// add up to the reply's text (the reply may hold more: held-back `<think>` text).
    pub(crate) fn decode(dialect: Dialect, chunks: &[&[u8]]) -> Result<Reply, DialectError> {
        let mut d = dialect.stream_decoder();
        let (mut content, mut reasoning) = (String::new(), String::new());
        for chunk in chunks {
            for delta in d.push(chunk) {
                assert!(!delta.is_empty(), "only visible deltas are returned");
                content.push_str(&delta.content);
                reasoning.push_str(&delta.reasoning);
            }
        }
        let reply = d.finish();
        if let Ok(r) = &reply {
            assert!(r.content.starts_with(&content), "{content:?} is not the start of {:?}", r.content);
            let trace = r.reasoning.clone().unwrap_or_default();
            assert!(trace.starts_with(&reasoning), "{reasoning:?} is not the start of {trace:?}");
        }
        reply
    }

    /// Decodes `body` whole, in one-byte chunks, and split at every byte; asserts they all
    /// agree, and returns the reply.
    pub(crate) fn every_split(dialect: Dialect, body: &[u8]) -> Result<Reply, DialectError> {
        let whole = decode(dialect, &[body]);
        let bytes: Vec<&[u8]> = body.chunks(1).collect();
        assert_eq!(decode(dialect, &bytes), whole, "one-byte chunks");
        for i in 0..=body.len() {
            assert_eq!(decode(dialect, &[&body[..i], &body[i..]]), whole, "split at byte {i}");
        }
        whole
    }

    /// The same body with every `\n` written as `\r\n`.
    pub(crate) fn crlf(body: &str) -> String {
        body.replace('\n', "\r\n")
    }
}
