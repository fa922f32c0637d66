//! API dialects: turn a probe into an [`HttpRequest`] and parse
//! what comes back into a [`Reply`].
//!
//! Only the OpenAI-compatible chat-completions dialect exists so far; it covers DeepSeek,
//! OpenAI, OpenRouter, Together, Groq, Fireworks, Ollama, llama.cpp server and vLLM.

pub mod openai;
pub mod sse;
pub(crate) mod think;

use serde::{Deserialize, Serialize};

use crate::core::http::{HttpRequest, HttpResponse};

/// Where and how to reach a model server.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Endpoint {
    /// Base URL up to and including the API version, e.g. `https://api.deepseek.com/v1`.
    pub base_url: String,
    /// API key, sent as `Authorization: Bearer …` when present.
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
    #[error("the server's reply is not an OpenAI-compatible chat completion: {0}")]
    Malformed(String),
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
}

impl Dialect {
    /// The name used on the command line and in saved settings.
    pub fn key(self) -> &'static str {
        match self {
            Dialect::Openai => "openai",
        }
    }

    /// The dialect named `key`, if there is one.
    pub fn from_key(key: &str) -> Option<Dialect> {
        [Dialect::Openai].into_iter().find(|d| d.key() == key)
    }

    /// The request that asks one probe.
    pub fn chat_request(self, endpoint: &Endpoint, params: &ChatParams) -> HttpRequest {
        match self {
            Dialect::Openai => openai::chat_request(endpoint, params),
        }
    }

    /// The request that lists the server's models.
    pub fn models_request(self, endpoint: &Endpoint) -> HttpRequest {
        match self {
            Dialect::Openai => openai::models_request(endpoint),
        }
    }

    /// The model ids in a models-list response.
    pub fn parse_models(self, resp: &HttpResponse) -> Result<Vec<String>, DialectError> {
        match self {
            Dialect::Openai => openai::parse_models(resp),
        }
    }

    /// A complete (non-streamed) response, or any non-2xx response, as a reply.
    pub fn parse_chat_response(self, resp: &HttpResponse) -> Result<Reply, DialectError> {
        match self {
            Dialect::Openai => openai::parse_chat_response(resp),
        }
    }

    /// A decoder for a streamed 2xx body in this dialect.
    pub fn stream_decoder(self) -> StreamDecoder {
        match self {
            Dialect::Openai => StreamDecoder::Openai(openai::StreamDecoder::new()),
        }
    }
}

/// Assembles a streamed reply in any [`Dialect`].
#[derive(Clone, Debug)]
pub enum StreamDecoder {
    /// Server-sent chat-completion chunks.
    Openai(openai::StreamDecoder),
}

impl StreamDecoder {
    /// Feeds the next chunk of the body; returns the text that became visible.
    pub fn push(&mut self, chunk: &[u8]) -> Vec<openai::StreamDelta> {
        match self {
            StreamDecoder::Openai(d) => d.push(chunk),
        }
    }

    /// Ends the stream and returns the assembled reply.
    pub fn finish(self) -> Result<Reply, DialectError> {
        match self {
            StreamDecoder::Openai(d) => d.finish(),
        }
    }
}
