//! The verdict: what a reply is (answered, refused, deflected, state narrative, blocked or
//! error), with the evidence that decided it.
//!
//! Everything goes through [`classify`]. Failures and platform blocks (status codes and
//! moderation messages, `content_filter`, an empty 200) are decided here; a reply with text
//! goes to [`crate::core::classifier`]. Each rule that fires leaves a [`Signal`] pointing at
//! the text or field it read, so the detail view can show why.

use serde::{Deserialize, Serialize};

use crate::core::classifier::classify_text;
use crate::core::classifier::phrases::BLOCK_MESSAGES;
pub use crate::core::classifier::Context;
use crate::core::dialect::{DialectError, Reply};
use crate::core::pack::Probe;

/// What a reply is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Label {
    /// Engages the question with substance.
    Answered,
    /// Says it won't or can't.
    Refused,
    /// Avoids the question without saying no.
    Deflected,
    /// Answers with the official line of the PRC state.
    StateNarrative,
    /// The platform, not the model, stopped it.
    Blocked,
    /// Nothing usable came back.
    Error,
}

impl Label {
    /// Every label, in legend order.
    pub const ALL: [Label; 6] = [
        Label::Answered,
        Label::Refused,
        Label::Deflected,
        Label::StateNarrative,
        Label::Blocked,
        Label::Error,
    ];

    /// The identifier used in files and CSS classes.
    pub fn key(self) -> &'static str {
        match self {
            Label::Answered => "answered",
            Label::Refused => "refused",
            Label::Deflected => "deflected",
            Label::StateNarrative => "state_narrative",
            Label::Blocked => "blocked",
            Label::Error => "error",
        }
    }

    /// The label as shown to people.
    pub fn title(self) -> &'static str {
        match self {
            Label::Answered => "Answered",
            Label::Refused => "Refused",
            Label::Deflected => "Deflected",
            Label::StateNarrative => "State narrative",
            Label::Blocked => "Blocked",
            Label::Error => "Error",
        }
    }
}

/// Which part of the response a signal points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// The visible answer.
    Content,
    /// The reasoning trace.
    Reasoning,
    /// The HTTP status and error body.
    Status,
    /// The `finish_reason`.
    FinishReason,
    /// The transport (no response at all).
    Transport,
}

/// One piece of evidence.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Signal {
    /// Short machine name, e.g. `refusal_phrase`.
    pub name: String,
    /// Where it points.
    pub field: Field,
    /// Byte range in that field's text, when it points at text.
    pub span: Option<(usize, usize)>,
    /// One line a person can read.
    pub reason: String,
}

/// A classified reply.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    /// What the reply is.
    pub label: Label,
    /// How sure the rules are, 0 to 1.
    pub confidence: f32,
    /// The evidence, strongest first.
    pub signals: Vec<Signal>,
}

/// What came back for one probe: a reply, or a failure.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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

fn field_signal(name: &str, field: Field, reason: String) -> Signal {
    Signal { name: name.into(), field, span: None, reason }
}

/// Classifies one outcome. `probe` supplies the expected facts; without it engagement is
/// judged on the text alone, with lower confidence.
pub fn classify(outcome: &Outcome, probe: Option<&Probe>) -> Verdict {
    classify_in(outcome, &Context { probe, control_chars: None })
}

/// Classifies one outcome with everything known about it.
pub fn classify_in(outcome: &Outcome, ctx: &Context) -> Verdict {
    match outcome {
        Outcome::Transport(msg) => Verdict {
            label: Label::Error,
            confidence: 1.0,
            signals: vec![field_signal("no_response", Field::Transport, format!("No response: {msg}"))],
        },
        Outcome::Dialect(DialectError::Http { status, message, body }) => {
            classify_http_error(*status, message, body)
        }
        Outcome::Dialect(e) => Verdict {
            label: Label::Error,
            confidence: 1.0,
            signals: vec![field_signal("unreadable", Field::Status, e.to_string())],
        },
        Outcome::Reply { reply, cut_short } => classify_reply(reply, cut_short.as_deref(), ctx),
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
                    "moderation_error",
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
                    "http_451",
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
            "http_error",
            Field::Status,
            format!("HTTP {status} ({advice}): {message}"),
        )],
    }
}

fn classify_reply(reply: &Reply, cut_short: Option<&str>, ctx: &Context) -> Verdict {
    if reply.finish_reason.as_deref() == Some("content_filter") {
        let signals = vec![field_signal(
            "content_filter",
            Field::FinishReason,
            "finish_reason is content_filter: the platform's filter stopped the reply".into(),
        )];
        return Verdict { label: Label::Blocked, confidence: 0.95, signals };
    }
    if reply.content.trim().is_empty() {
        if let Some(why) = cut_short {
            let signals =
                vec![field_signal("cut_short", Field::Transport, format!("The stream broke: {why}"))];
            return Verdict { label: Label::Error, confidence: 0.9, signals };
        }
        if reply.reasoning.as_deref().is_none_or(|r| r.trim().is_empty()) {
            let signals = vec![field_signal(
                "empty_reply",
                Field::Content,
                "A successful response with no text at all: typical of platform-side suppression".into(),
            )];
            return Verdict { label: Label::Blocked, confidence: 0.7, signals };
        }
        let signals = vec![field_signal(
            "reasoning_only",
            Field::Content,
            "The model reasoned but gave no answer".into(),
        )];
        return Verdict { label: Label::Deflected, confidence: 0.6, signals };
    }
    let mut v = classify_text(reply, ctx);
    if let Some(why) = cut_short {
        v.confidence *= 0.8;
        v.signals.push(field_signal(
            "cut_short",
            Field::Transport,
            format!("The reply was cut short: {why}"),
        ));
    }
    v
}
