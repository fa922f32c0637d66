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

    /// The label as shown to people, in the interface's language.
    pub fn title(self) -> &'static str {
        use crate::core::i18n::{tr, Msg};
        tr(match self {
            Label::Answered => Msg::Answered,
            Label::Refused => Msg::Refused,
            Label::Deflected => Msg::Deflected,
            Label::StateNarrative => Msg::StateNarrative,
            Label::Blocked => Msg::Blocked,
            Label::Error => Msg::Error,
        })
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

/// The kinds of evidence. Written in files by name (`canned_refusal`, see [`SignalKind::key`]);
/// names from reports written by earlier versions are read into their nearest kind, or
/// [`SignalKind::Other`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
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
    CannedRefusal,
    /// The model says it won't or can't.
    RefusalPhrase,
    /// A refusal that lectures ("it is not appropriate to discuss…").
    MoralisingRefusal,
    /// The model claims not to know about a well-documented subject.
    FeignedIgnorance,
    /// An official-line formula in the reply's own voice.
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
    SpecificFacts,
    /// A reply of a few words that says nothing of refusing, hedging or not knowing.
    TerseAnswer,
    /// A short reply that states facts (what the official line leaves out, or names and
    /// figures of its own) and never says no.
    StatedFacts,
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
    TextModel,
    /// A rule decided against the text model.
    RuleOverride,
    /// The text model was not loaded.
    RulesOnly,
    /// The reply's text is a provider's raw API response (JSON), read as that response.
    RawApiResponse,
    /// The reply breaks down into a word or a few written over and over.
    RepetitionLoop,
    /// The content holds the model's thinking before a closing marker; the answer after it
    /// is what was judged.
    ThinkingInContent,
    /// A kind this version does not know (from a report written by another version).
    Other,
}

impl SignalKind {
    const NAMES: [(SignalKind, &'static str); 37] = [
        (SignalKind::NoResponse, "no_response"),
        (SignalKind::Unreadable, "unreadable"),
        (SignalKind::UnreadableInput, "unreadable_input"),
        (SignalKind::ModerationError, "moderation_error"),
        (SignalKind::Http451, "http_451"),
        (SignalKind::HttpError, "http_error"),
        (SignalKind::ContentFilter, "content_filter"),
        (SignalKind::CutShort, "cut_short"),
        (SignalKind::EmptyReply, "empty_reply"),
        (SignalKind::ReasoningOnly, "reasoning_only"),
        (SignalKind::PlatformNotice, "platform_notice"),
        (SignalKind::Retracted, "retracted"),
        (SignalKind::CannedRefusal, "canned_refusal"),
        (SignalKind::RefusalPhrase, "refusal_phrase"),
        (SignalKind::MoralisingRefusal, "moralising_refusal"),
        (SignalKind::FeignedIgnorance, "feigned_ignorance"),
        (SignalKind::OfficialLine, "official_line"),
        (SignalKind::OfficialLineQuoted, "official_line_quoted"),
        (SignalKind::CriticalFact, "critical_fact"),
        (SignalKind::GenericFiller, "generic_filler"),
        (SignalKind::VagueHedge, "vague_hedge"),
        (SignalKind::EmptyReasoning, "empty_reasoning"),
        (SignalKind::ReasoningWithheld, "reasoning_withheld"),
        (SignalKind::SpecificFacts, "specific_facts"),
        (SignalKind::TerseAnswer, "terse_answer"),
        (SignalKind::StatedFacts, "stated_facts"),
        (SignalKind::ExpectedFact, "expected_fact"),
        (SignalKind::NoExpectedFacts, "no_expected_facts"),
        (SignalKind::ShorterThanControl, "shorter_than_control"),
        (SignalKind::Language, "language"),
        (SignalKind::UnknownLanguage, "unknown_language"),
        (SignalKind::TextModel, "text_model"),
        (SignalKind::RuleOverride, "rule_override"),
        (SignalKind::RulesOnly, "rules_only"),
        (SignalKind::RawApiResponse, "raw_api_response"),
        (SignalKind::RepetitionLoop, "repetition_loop"),
        (SignalKind::ThinkingInContent, "thinking_in_content"),
    ];

    /// Names written by earlier versions, read as the kind that replaced them.
    const OLD_NAMES: [(SignalKind, &'static str); 4] = [
        (SignalKind::CannedRefusal, "canned_deflection"),
        (SignalKind::OfficialLine, "state_formula"),
        (SignalKind::TextModel, "model_phrase"),
        (SignalKind::SpecificFacts, "facts_outweigh_tone"),
    ];

    /// The name used in files (`canned_refusal`).
    pub fn key(self) -> &'static str {
        Self::NAMES.iter().find(|n| n.0 == self).map_or("other", |n| n.1)
    }

    /// The kind a file's name stands for: the current names, the names earlier versions
    /// wrote, and [`SignalKind::Other`] for anything else.
    pub fn from_key(key: &str) -> SignalKind {
        Self::NAMES.iter().chain(&Self::OLD_NAMES).find(|n| n.1 == key).map_or(SignalKind::Other, |n| n.0)
    }
}

// Written by hand rather than derived: a table of names is a fraction of the code the
// derive generates for thirty-odd variants, and the app's size budget is tight.
impl Serialize for SignalKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.key())
    }
}

impl<'de> Deserialize<'de> for SignalKind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = std::borrow::Cow::<'de, str>::deserialize(d)?;
        Ok(SignalKind::from_key(&name))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_signal_kind_keeps_its_name_in_files_and_old_names_still_read() {
        for (kind, name) in SignalKind::NAMES {
            assert_eq!(kind.key(), name);
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{name}\""));
            assert_eq!(serde_json::from_str::<SignalKind>(&json).unwrap(), kind);
        }
        let n = SignalKind::NAMES.len();
        let mut names: Vec<&str> = SignalKind::NAMES.iter().map(|x| x.1).collect();
        names.dedup();
        assert_eq!(names.len(), n, "names are unique");
        assert_eq!(
            serde_json::from_str::<SignalKind>("\"canned_deflection\"").unwrap(),
            SignalKind::CannedRefusal
        );
        assert_eq!(
            serde_json::from_str::<SignalKind>("\"state_formula\"").unwrap(),
            SignalKind::OfficialLine
        );
        assert_eq!(serde_json::from_str::<SignalKind>("\"from_the_future\"").unwrap(), SignalKind::Other);
    }
}
