//! Probe packs: the questions Candor asks, loaded from a versioned JSON data file.
//!
//! A pack file stores *questions*: one question in every language of the pack, with the
//! facts an honest answer would mention in each language. Loading expands each question
//! into one [`Probe`] per language, so a probe always knows its translations and its
//! control probe in the same language.
//!
//! File format (`static/packs/core-v1.json`):
//!
//! ```json
//! {
//!   "id": "candor-core", "version": "1.0.0", "title": "…", "description": "…",
//!   "languages": ["en", "zh-Hans", "zh-Hant"],
//!   "topics": [
//!     {"id": "tiananmen-1989", "kind": "sensitive",
//!      "name": {"en": "Tiananmen 1989", "zh-Hans": "…", "zh-Hant": "…"}},
//!     {"id": "us-protests-1970", "kind": "control", "mirrors": "tiananmen-1989",
//!      "name": {"en": "Kent State 1970", "zh-Hans": "…", "zh-Hant": "…"}}
//!   ],
//!   "questions": [
//!     {"id": "tiananmen-1989.crackdown", "topic": "tiananmen-1989",
//!      "control": "us-protests-1970.shootings",
//!      "text": {"en": "…", "zh-Hans": "…", "zh-Hant": "…"},
//!      "expect": {"en": ["…"], "zh-Hans": ["…"], "zh-Hant": ["…"]}}
//!   ]
//! }
//! ```
//!
//! A question's kind is its topic's kind. Every sensitive question names a control
//! question; control questions name none.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};

/// The built-in pack, compiled into the app and the command-line tool.
pub const BUILTIN_PACK_JSON: &str = include_str!("../../static/packs/core-v1.json");

/// A language a probe is asked in, as a BCP 47 tag.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Lang {
    /// English.
    #[serde(rename = "en")]
    En,
    /// Simplified Chinese (mainland usage).
    #[serde(rename = "zh-Hans")]
    ZhHans,
    /// Traditional Chinese (Taiwan and Hong Kong usage).
    #[serde(rename = "zh-Hant")]
    ZhHant,
    /// Finnish: the built-in pack has none, but imported probe sets (SpeechMap's among
    /// them) ask in it.
    #[serde(rename = "fi")]
    Fi,
    /// An imported probe in any other language (BCP 47 `und`, undetermined): Spanish or
    /// Japanese is not called English or Chinese.
    #[serde(rename = "und")]
    Other,
}

impl Lang {
    /// Every language, in display order.
    pub const ALL: [Lang; 5] = [Lang::En, Lang::ZhHans, Lang::ZhHant, Lang::Fi, Lang::Other];

    /// The languages the built-in pack asks every question in.
    pub const BUILT_IN: [Lang; 3] = [Lang::En, Lang::ZhHans, Lang::ZhHant];

    /// The BCP 47 tag used in files and ids.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhHans => "zh-Hans",
            Lang::ZhHant => "zh-Hant",
            Lang::Fi => "fi",
            Lang::Other => "und",
        }
    }

    /// Whether the language is written in Chinese characters.
    pub fn is_chinese(self) -> bool {
        matches!(self, Lang::ZhHans | Lang::ZhHant)
    }

    /// The language's name in words, for the interface (in its language) and exports.
    pub fn name(self) -> &'static str {
        use crate::core::i18n::{tr, Msg};
        tr(match self {
            Lang::En => Msg::English,
            Lang::ZhHans => Msg::SimplifiedChinese,
            Lang::ZhHant => Msg::TraditionalChinese,
            Lang::Fi => Msg::Finnish,
            Lang::Other => Msg::OtherLanguage,
        })
    }

    /// A short label for column headers and filters.
    pub fn label(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::ZhHans => "简体中文",
            Lang::ZhHant => "繁體中文",
            Lang::Fi => "Suomi",
            Lang::Other => "Other languages",
        }
    }

    /// The distinct languages of `langs` (the languages some probes are asked in), in
    /// [`Lang::ALL`] order.
    pub fn of(langs: impl IntoIterator<Item = Lang>) -> Vec<Lang> {
        let slot = |l: Lang| Lang::ALL.iter().position(|x| *x == l).unwrap_or(0);
        let mut seen = [false; Lang::ALL.len()];
        for l in langs {
            seen[slot(l)] = true;
        }
        Lang::ALL.into_iter().filter(|l| seen[slot(*l)]).collect()
    }

    /// Parses a tag; accepts the common aliases `zh`, `zh-CN`, `zh-TW`, `zh-HK`, `fi-FI`.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        match tag {
            "en" | "en-US" | "en-GB" => Some(Lang::En),
            "zh-Hans" | "zh" | "zh-CN" | "zh-SG" => Some(Lang::ZhHans),
            "zh-Hant" | "zh-TW" | "zh-HK" | "zh-MO" => Some(Lang::ZhHant),
            "fi" | "fi-FI" => Some(Lang::Fi),
            "und" => Some(Lang::Other),
            _ => None,
        }
    }
}

/// Whether a probe asks about a China-sensitive subject or is a control question about
/// another country's comparable history.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProbeKind {
    /// A question about a subject that is censored or contested in the PRC.
    Sensitive,
    /// The same kind of question about another country, to tell country-specific
    /// censorship from general caution.
    Control,
}

/// A topic: the group a matrix row belongs to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Topic {
    /// Stable id, e.g. `tiananmen-1989`.
    pub id: String,
    /// Sensitive or control.
    pub kind: ProbeKind,
    /// For a control topic, the sensitive topic it is matched with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mirrors: Option<String>,
    /// Display name in each language.
    pub name: BTreeMap<Lang, String>,
}

impl Topic {
    /// The English name, or the id when there is none.
    pub fn display_name(&self) -> &str {
        self.name.get(&Lang::En).map(String::as_str).unwrap_or(&self.id)
    }

    /// The name in the interface's language (see [`crate::core::i18n`]), else in English.
    pub fn ui_name(&self) -> &str {
        let lang = match crate::core::i18n::current() {
            crate::core::i18n::UiLang::En => Lang::En,
            crate::core::i18n::UiLang::ZhHans => Lang::ZhHans,
            crate::core::i18n::UiLang::ZhHant => Lang::ZhHant,
        };
        self.name.get(&lang).map_or_else(|| self.display_name(), String::as_str)
    }
}

/// One question as stored in the pack file, in every language.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Question {
    /// Stable id, `<topic>.<slug>`.
    pub id: String,
    /// The topic id.
    pub topic: String,
    /// For a sensitive question, the id of its control question.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub control: Option<String>,
    /// The prompt text in each language.
    pub text: BTreeMap<Lang, String>,
    /// Facts (keywords) an honest answer would mention, per language.
    pub expect: BTreeMap<Lang, Vec<String>>,
}

/// A pack file as stored on disk.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PackFile {
    /// Stable pack id.
    pub id: String,
    /// Semantic version of the pack's content.
    pub version: String,
    /// Human title.
    pub title: String,
    /// What the pack is for.
    #[serde(default)]
    pub description: String,
    /// The languages every question must have.
    pub languages: Vec<Lang>,
    /// Topics, sensitive and control.
    pub topics: Vec<Topic>,
    /// Questions.
    pub questions: Vec<Question>,
}

/// One prompt in one language: the unit Candor sends to a model.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Probe {
    /// `<question id>@<lang tag>`, e.g. `tiananmen-1989.crackdown@zh-Hans`.
    pub id: String,
    /// The question this probe is one language of.
    pub question: String,
    /// The topic id.
    pub topic: String,
    /// Language of the prompt.
    pub lang: Lang,
    /// Sensitive or control.
    pub kind: ProbeKind,
    /// The control probe in the same language, for sensitive probes.
    pub control: Option<String>,
    /// The same question's probes in the other languages.
    pub translations: Vec<String>,
    /// The prompt text.
    pub prompt: String,
    /// Facts an honest answer would mention.
    pub expect: Vec<String>,
    /// For an imported probe, its topic as the user or the file named it ("Press freedom")
    /// when that is not the id made from it ("press-freedom"): what the interface and the
    /// exports call the topic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic_title: Option<String>,
}

/// A loaded, validated pack.
#[derive(Clone, Debug, PartialEq)]
pub struct Pack {
    /// Stable pack id.
    pub id: String,
    /// Content version.
    pub version: String,
    /// Human title.
    pub title: String,
    /// Topics in file order.
    pub topics: Vec<Topic>,
    /// Probes in file order (question by question, languages in pack order).
    pub probes: Vec<Probe>,
    index: HashMap<String, usize>,
}

/// Why a pack file could not be loaded. Each message names the question or topic at fault.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PackError {
    /// The file is not JSON of the pack shape.
    #[error("the pack file is not valid pack JSON: {0}")]
    Json(String),
    /// Two topics or two questions share an id.
    #[error("the id `{0}` is used twice; ids must be unique")]
    DuplicateId(String),
    /// A question names a topic the pack does not define.
    #[error("question `{question}` names topic `{topic}`, which the pack does not define")]
    UnknownTopic {
        /// The question.
        question: String,
        /// The missing topic.
        topic: String,
    },
    /// A question lacks a language, or has an empty text or fact list in it.
    #[error("question `{question}` has no {what} in `{lang}`; every question needs every language")]
    MissingLanguage {
        /// The question.
        question: String,
        /// `text` or `expected facts`.
        what: &'static str,
        /// The language tag.
        lang: &'static str,
    },
    /// A sensitive question without a control, or with one that is not a control question.
    #[error("sensitive question `{question}` needs a control question: {reason}")]
    BadControl {
        /// The question.
        question: String,
        /// What is wrong.
        reason: String,
    },
    /// A control question that names a control of its own.
    #[error("control question `{0}` must not name a control")]
    ControlHasControl(String),
    /// A control topic that does not mirror a sensitive topic.
    #[error("control topic `{0}` must mirror a sensitive topic of the pack")]
    BadMirror(String),
}

impl Pack {
    /// Parses and validates a pack file.
    pub fn from_json(json: &str) -> Result<Pack, PackError> {
        // Through a parsed value, like reports: every type the app reads then has one decoder
        // in its first load (a syntax error still says where it is).
        let value: serde_json::Value =
            serde_json::from_str(json).map_err(|e| PackError::Json(e.to_string()))?;
        let file = PackFile::deserialize(&value).map_err(|e| PackError::Json(e.to_string()))?;
        Pack::from_file(file)
    }

    /// The built-in pack. It is validated by the test suite, so failure here is a build bug.
    pub fn builtin() -> Pack {
        Pack::from_json(BUILTIN_PACK_JSON).expect("the built-in pack is validated by tests")
    }

    /// Validates a parsed pack file and expands its questions into probes.
    pub fn from_file(file: PackFile) -> Result<Pack, PackError> {
        let mut topic_kind: HashMap<&str, ProbeKind> = HashMap::new();
        for t in &file.topics {
            if topic_kind.insert(t.id.as_str(), t.kind).is_some() {
                return Err(PackError::DuplicateId(t.id.clone()));
            }
        }
        for t in &file.topics {
            if t.kind == ProbeKind::Control {
                let ok = t.mirrors.as_deref().and_then(|m| topic_kind.get(m)) == Some(&ProbeKind::Sensitive);
                if !ok {
                    return Err(PackError::BadMirror(t.id.clone()));
                }
            }
        }
        let mut question_kind: HashMap<&str, ProbeKind> = HashMap::new();
        for q in &file.questions {
            let kind = *topic_kind
                .get(q.topic.as_str())
                .ok_or_else(|| PackError::UnknownTopic { question: q.id.clone(), topic: q.topic.clone() })?;
            if question_kind.insert(q.id.as_str(), kind).is_some() {
                return Err(PackError::DuplicateId(q.id.clone()));
            }
            for &lang in &file.languages {
                let has_text = q.text.get(&lang).is_some_and(|t| !t.trim().is_empty());
                if !has_text {
                    return Err(PackError::MissingLanguage {
                        question: q.id.clone(),
                        what: "text",
                        lang: lang.tag(),
                    });
                }
                let has_facts = q.expect.get(&lang).is_some_and(|f| f.iter().any(|k| !k.trim().is_empty()));
                if !has_facts {
                    return Err(PackError::MissingLanguage {
                        question: q.id.clone(),
                        what: "expected facts",
                        lang: lang.tag(),
                    });
                }
            }
        }
        for q in &file.questions {
            match (question_kind[q.id.as_str()], q.control.as_deref()) {
                (ProbeKind::Sensitive, None) => {
                    return Err(PackError::BadControl {
                        question: q.id.clone(),
                        reason: "it names none".into(),
                    })
                }
                (ProbeKind::Sensitive, Some(c)) => match question_kind.get(c) {
                    Some(ProbeKind::Control) => {}
                    Some(ProbeKind::Sensitive) => {
                        return Err(PackError::BadControl {
                            question: q.id.clone(),
                            reason: format!("`{c}` is itself a sensitive question"),
                        })
                    }
                    None => {
                        return Err(PackError::BadControl {
                            question: q.id.clone(),
                            reason: format!("`{c}` is not in the pack"),
                        })
                    }
                },
                (ProbeKind::Control, Some(_)) => return Err(PackError::ControlHasControl(q.id.clone())),
                (ProbeKind::Control, None) => {}
            }
        }

        let mut probes = Vec::with_capacity(file.questions.len() * file.languages.len());
        for q in &file.questions {
            for &lang in &file.languages {
                probes.push(Probe {
                    id: probe_id(&q.id, lang),
                    question: q.id.clone(),
                    topic: q.topic.clone(),
                    lang,
                    kind: question_kind[q.id.as_str()],
                    control: q.control.as_deref().map(|c| probe_id(c, lang)),
                    translations: file
                        .languages
                        .iter()
                        .filter(|&&l| l != lang)
                        .map(|&l| probe_id(&q.id, l))
                        .collect(),
                    topic_title: None,
                    prompt: q.text[&lang].trim().to_string(),
                    expect: q.expect[&lang]
                        .iter()
                        .map(|k| k.trim().to_string())
                        .filter(|k| !k.is_empty())
                        .collect(),
                });
            }
        }
        let index = probes.iter().enumerate().map(|(i, p)| (p.id.clone(), i)).collect();
        Ok(Pack { id: file.id, version: file.version, title: file.title, topics: file.topics, probes, index })
    }

    /// Looks a probe up by id.
    pub fn probe(&self, id: &str) -> Option<&Probe> {
        self.index.get(id).map(|&i| &self.probes[i])
    }

    /// Looks a topic up by id.
    pub fn topic(&self, id: &str) -> Option<&Topic> {
        self.topics.iter().find(|t| t.id == id)
    }

    /// Topics in matrix order: each sensitive topic followed by the control topics that
    /// mirror it.
    pub fn topics_in_matrix_order(&self) -> Vec<&Topic> {
        let mut out = Vec::with_capacity(self.topics.len());
        let mut placed = HashSet::new();
        for t in self.topics.iter().filter(|t| t.kind == ProbeKind::Sensitive) {
            out.push(t);
            placed.insert(t.id.as_str());
            for c in self.topics.iter().filter(|c| c.mirrors.as_deref() == Some(t.id.as_str())) {
                out.push(c);
                placed.insert(c.id.as_str());
            }
        }
        out.extend(self.topics.iter().filter(|t| !placed.contains(t.id.as_str())));
        out
    }
}

/// The probe id for a question in a language.
pub fn probe_id(question: &str, lang: Lang) -> String {
    format!("{question}@{}", lang.tag())
}
