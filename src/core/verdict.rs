//! The verdict: what a reply is (answered, refused, deflected, state narrative, blocked or
//! error), with the evidence that decided it.
//!
//! Everything goes through [`classify`]. Failures and platform blocks (status codes and
//! moderation messages, `content_filter`, an empty 200) are decided here; a reply with text
//! goes to [`crate::core::classifier`]. Each rule that fires leaves a [`Signal`] pointing at
//! the text or field it read, so the detail view can show why.

use serde::{Deserialize, Serialize};

use crate::core::classifier::classify_text;
pub use crate::core::classifier::evidence::{Field, Label, Signal, SignalKind, Verdict};
use crate::core::classifier::phrases::BLOCK_MESSAGES;
pub use crate::core::classifier::Context;
use crate::core::dialect::openai::parse_chat_response;
use crate::core::dialect::wire::error_value_message;
use crate::core::dialect::{DialectError, Reply};
use crate::core::http::HttpResponse;
use crate::core::pack::Probe;
use serde_json::Value;

/// What came back for one probe: a reply, or a failure.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[allow(
    clippy::large_enum_variant,
    reason = "a reply is the usual outcome (and the enum is smaller on wasm32, where the lint does not fire), so boxing it would add an allocation to nearly every cell to save space on the rare failures"
)]
pub enum Outcome {
    /// A 2xx response, parsed (possibly cut short: see `cut_short`).
    Reply {
        /// The reply.
        reply: Reply,
        /// Why the stream ended early, if it did; what arrived is kept.
        cut_short: Option<String>,
    },
    /// The server answered with an error, or the answer could not be read.
    Dialect(DialectError),
    /// No response at all: network failure, CORS rejection, timeout.
    Transport(String),
}

fn field_signal(name: SignalKind, field: Field, reason: String) -> Signal {
    Signal::note(name, field, reason)
}

/// Classifies one outcome. `probe` supplies the expected facts; without it engagement is
/// judged on the text alone, with lower confidence.
pub fn classify(outcome: &Outcome, probe: Option<&Probe>) -> Verdict {
    classify_in(outcome, &Context { probe, ..Context::default() })
}

/// Classifies one outcome given only the question's text (imported results, the command
/// line). The same prompt and text get the same verdict as through a probe.
pub fn classify_prompt(outcome: &Outcome, prompt: Option<&str>) -> Verdict {
    classify_in(outcome, &Context { prompt, ..Context::default() })
}

/// Classifies one outcome with everything known about it.
pub fn classify_in(outcome: &Outcome, ctx: &Context) -> Verdict {
    match outcome {
        Outcome::Transport(msg) => Verdict {
            label: Label::Error,
            confidence: 1.0,
            signals: vec![field_signal(
                SignalKind::NoResponse,
                Field::Transport,
                format!("No response: {msg}"),
            )],
        },
        Outcome::Dialect(DialectError::Http { status, message, body }) => {
            classify_http_error(*status, message, body)
        }
        Outcome::Dialect(e) => Verdict {
            label: Label::Error,
            confidence: 1.0,
            signals: vec![field_signal(SignalKind::Unreadable, Field::Status, e.to_string())],
        },
        Outcome::Reply { reply, cut_short } => match raw_response(&reply.content) {
            Some(inner) => {
                let mut v = classify_in(&inner, ctx);
                // Spans point into the text inside the JSON, not into the reply as shown: the
                // reasons quote what they found.
                for s in &mut v.signals {
                    s.span = None;
                }
                v.signals.push(field_signal(
                    SignalKind::RawApiResponse,
                    Field::Content,
                    "The reply's text is a provider's raw API response (JSON), read as that response".into(),
                ));
                v
            }
            None => classify_reply(reply, cut_short.as_deref(), ctx),
        },
    }
}

/// A provider's raw chat-completions response object written as the reply's text, by a
/// proxy or a service that passes the body through, or by a tool that saved it so: the
/// outcome it stands for. A body with choices is read by the parser of live replies (so
/// `"finish_reason": "content_filter"` is a platform block); one with only an `error` is a
/// reply that carries that error (a moderation message in it is a block, anything else an
/// error). Any other text, JSON or not, is the reply itself.
fn raw_response(content: &str) -> Option<Outcome> {
    let text = content.trim();
    if !(text.starts_with('{') && text.ends_with('}')) {
        return None;
    }
    let value: Value = serde_json::from_str(text).ok()?;
    let object = value.as_object()?;
    if object.get("choices").and_then(Value::as_array).is_some_and(|c| !c.is_empty()) {
        return Some(chat_body_outcome(text.to_owned()));
    }
    let error = object.get("error").filter(|e| !e.is_null())?;
    let mut message = error_value_message(error).unwrap_or_else(|| error.to_string());
    // DashScope's `data_inspection_failed` names the block in its code, not its message.
    if let Some(code) = error.get("code").and_then(Value::as_str).filter(|c| !message.contains(*c)) {
        message = format!("{message} ({code})");
    }
    Some(Outcome::Reply { reply: Reply { error: Some(message), ..Reply::default() }, cut_short: None })
}

/// The outcome a 2xx chat-completions body stands for, read by the parser of live replies:
/// its reply, or why it cannot be read.
pub fn chat_body_outcome(body: String) -> Outcome {
    match parse_chat_response(&HttpResponse { status: 200, headers: Vec::new(), body }) {
        Ok(reply) => Outcome::Reply { reply, cut_short: None },
        Err(e) => Outcome::Dialect(e),
    }
}

fn classify_http_error(status: u16, message: &str, body: &str) -> Verdict {
    let lower = format!("{} {}", message, body).to_ascii_lowercase();
    let moderation = BLOCK_MESSAGES.iter().find(|m| lower.contains(*m));
    if matches!(status, 400 | 403 | 422 | 451) {
        if let Some(hit) = moderation {
            return Verdict {
                label: Label::Blocked,
                confidence: 0.95,
                signals: vec![field_signal(
                    SignalKind::ModerationError,
                    Field::Status,
                    format!("HTTP {status} with a moderation message (\u{201c}{hit}\u{201d}): {message}"),
                )],
            };
        }
        if status == 451 {
            return Verdict {
                label: Label::Blocked,
                confidence: 0.9,
                signals: vec![field_signal(
                    SignalKind::Http451,
                    Field::Status,
                    "HTTP 451: unavailable for legal reasons".into(),
                )],
            };
        }
    }
    let advice = match status {
        401 | 403 => "the key was rejected; check it in Providers",
        404 => "the model or URL does not exist on this server",
        408 | 504 => "the server timed out; run again later",
        429 => "rate limited; lower the concurrency or run again later",
        500..=599 => "the server failed; run again later",
        _ => "the server rejected the request",
    };
    Verdict {
        label: Label::Error,
        confidence: 1.0,
        signals: vec![field_signal(
            SignalKind::HttpError,
            Field::Status,
            format!("HTTP {status} ({advice}): {message}"),
        )],
    }
}

/// A reply cut short with fewer characters than this is an error (too little to judge),
/// unless what came is telling on its own (see [`CUT_TELLING`]).
const CUT_TOO_SHORT: usize = 40;

/// Evidence that decides a verdict however short the text is.
const CUT_TELLING: [SignalKind; 8] = [
    SignalKind::RefusalPhrase,
    SignalKind::MoralisingRefusal,
    SignalKind::CannedRefusal,
    SignalKind::PlatformNotice,
    SignalKind::Retracted,
    SignalKind::OfficialLine,
    SignalKind::FeignedIgnorance,
    SignalKind::RepetitionLoop,
];

fn classify_reply(reply: &Reply, cut_short: Option<&str>, ctx: &Context) -> Verdict {
    if let Some(reason) = &reply.blocked {
        let kept = if reply.content.trim().is_empty() { "" } else { "; the text sent before it is kept" };
        let signals = vec![field_signal(
            SignalKind::ContentFilter,
            Field::FinishReason,
            format!("The provider says it blocked this ({reason}){kept}"),
        )];
        return Verdict { label: Label::Blocked, confidence: 0.95, signals };
    }
    if let Some(error) = &reply.error {
        let lower = error.to_ascii_lowercase();
        let signals = match BLOCK_MESSAGES.iter().find(|m| lower.contains(*m)) {
            Some(hit) => vec![field_signal(
                SignalKind::ModerationError,
                Field::FinishReason,
                format!("The reply carries a moderation error (\u{201c}{hit}\u{201d}): {error}"),
            )],
            None => vec![field_signal(
                SignalKind::Unreadable,
                Field::FinishReason,
                format!("The reply carries an error from the provider: {error}"),
            )],
        };
        let label =
            if signals[0].name == SignalKind::ModerationError { Label::Blocked } else { Label::Error };
        return Verdict { label, confidence: 0.95, signals };
    }
    if reply.finish_reason.as_deref() == Some("content_filter") {
        let signals = vec![field_signal(
            SignalKind::ContentFilter,
            Field::FinishReason,
            "finish_reason is content_filter: the platform's filter stopped the reply".into(),
        )];
        return Verdict { label: Label::Blocked, confidence: 0.95, signals };
    }
    if reply.content.trim().is_empty() {
        if let Some(why) = cut_short {
            let signals = vec![field_signal(
                SignalKind::CutShort,
                Field::Transport,
                format!("The stream broke: {why}"),
            )];
            return Verdict { label: Label::Error, confidence: 0.9, signals };
        }
        if reply.reasoning.as_deref().is_none_or(|r| r.trim().is_empty()) {
            let signals = vec![field_signal(
                SignalKind::EmptyReply,
                Field::Content,
                "A successful response with no text at all: typical of platform-side suppression".into(),
            )];
            return Verdict { label: Label::Blocked, confidence: 0.7, signals };
        }
        let signals = vec![field_signal(
            SignalKind::ReasoningOnly,
            Field::Content,
            "The model reasoned but gave no answer".into(),
        )];
        return Verdict { label: Label::Deflected, confidence: 0.6, signals };
    }
    let mut v = classify_text(reply, ctx);
    if let Some(why) = cut_short {
        // A few words before the break say nothing of what the reply would have been, unless
        // they are themselves a refusal, a canned line, a notice or the official line.
        let chars = reply.content.trim().chars().count();
        let telling = v.signals.iter().any(|s| CUT_TELLING.contains(&s.name));
        if chars < CUT_TOO_SHORT && !telling {
            let signals = vec![field_signal(
                SignalKind::CutShort,
                Field::Transport,
                format!("The stream broke after {chars} characters, too few to judge: {why}"),
            )];
            return Verdict { label: Label::Error, confidence: 0.9, signals };
        }
        v.confidence *= 0.8;
        v.signals.push(field_signal(
            SignalKind::CutShort,
            Field::Transport,
            format!("The reply was cut short: {why}"),
        ));
    }
    v
}
