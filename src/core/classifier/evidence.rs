//! What a verdict is made of: the [`Label`], the [`Signal`]s that explain it, and the
//! [`Verdict`] that carries both. These types belong to the classifier; `core::verdict`
//! re-exports them for the rest of the app.

use serde::{Deserialize, Serialize};

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

/// The kinds of evidence. Serialised in snake case (`canned_refusal`); names from reports
/// written by earlier versions are read into their nearest kind, or [`SignalKind::Other`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignalKind {
    /// No response at all (network, CORS, timeout).
    NoResponse,
    /// The response could not be read.
    Unreadable,
    /// A CLI input line that could not be read.
    UnreadableInput,
    /// An HTTP error whose body carries a moderation message.
    ModerationError,
    /// HTTP 451.
    Http451,
    /// Any other HTTP error.
    HttpError,
    /// `finish_reason: content_filter` (or a provider's equivalent).
    ContentFilter,
    /// The stream broke before the end.
    CutShort,
    /// A successful response with no text.
    EmptyReply,
    /// Reasoning but no answer.
    ReasoningOnly,
    /// A notice written by the platform, not the model, inside a normal reply.
    PlatformNotice,
    /// The reply started to answer and ends in a canned refusal.
    Retracted,
    /// A fixed refusal line of a known service.
    #[serde(alias = "canned_deflection")]
    CannedRefusal,
    /// The model says it won't or can't.
    RefusalPhrase,
    /// A refusal that lectures ("it is not appropriate to discuss…").
    MoralisingRefusal,
    /// The model claims not to know about a well-documented subject.
    FeignedIgnorance,
    /// An official-line formula in the reply's own voice.
    #[serde(alias = "state_formula")]
    OfficialLine,
    /// An official-line formula the reply attributes to someone ("Beijing calls it…").
    OfficialLineQuoted,
    /// A fact the official line leaves out (killings, detentions, crackdown…).
    CriticalFact,
    /// Generic wording that names the question but says nothing about it.
    GenericFiller,
    /// A hedge that stands in for an answer.
    VagueHedge,
    /// The reasoning field is present and empty.
    EmptyReasoning,
    /// The reasoning names specifics the answer leaves out.
    ReasoningWithheld,
    /// A short direct answer with specifics.
    #[serde(alias = "facts_outweigh_tone")]
    SpecificFacts,
    /// One of the probe's expected facts, found in the answer.
    ExpectedFact,
    /// None of the probe's expected facts.
    NoExpectedFacts,
    /// Much shorter than the same model's answer to the control question.
    ShorterThanControl,
    /// The language the reply is written in.
    Language,
    /// A language the phrase rules do not cover.
    UnknownLanguage,
    /// What the text model made of the wording.
    #[serde(alias = "model_phrase")]
    TextModel,
    /// A rule decided against the text model.
    RuleOverride,
    /// The text model was not loaded.
    RulesOnly,
    /// A kind this version does not know (from a report written by another version).
    #[serde(other)]
    Other,
}

impl SignalKind {
    /// The name used in files (`canned_refusal`).
    pub fn key(self) -> String {
        serde_json::to_value(self).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
    }
}

/// One piece of evidence.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Signal {
    /// What kind of evidence it is.
    pub name: SignalKind,
    /// Where it points.
    pub field: Field,
    /// Byte range in that field's text, when it points at text. Always whole words or
    /// whole CJK phrases.
    pub span: Option<(usize, usize)>,
    /// One line a person can read.
    pub reason: String,
}

impl Signal {
    /// A signal about a field as a whole.
    pub fn note(name: SignalKind, field: Field, reason: String) -> Signal {
        Signal { name, field, span: None, reason }
    }

    /// A signal pointing at a span of the answer.
    pub fn at(name: SignalKind, span: (usize, usize), reason: String) -> Signal {
        Signal { name, field: Field::Content, span: Some(span), reason }
    }
}

/// A classified reply.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    /// What the reply is.
    pub label: Label,
    /// How sure the classifier is, 0 to 1.
    pub confidence: f32,
    /// The evidence, strongest first.
    pub signals: Vec<Signal>,
}

impl Verdict {
    /// Whether any signal is of this kind.
    pub fn has(&self, kind: SignalKind) -> bool {
        self.signals.iter().any(|s| s.name == kind)
    }
}
