//! Probe lists people bring: promptfoo's test CSV, SpeechMap question files and plain text,
//! one probe a line. Ids are kept when the file gives them and made from the text when not,
//! so importing the same list twice gives the same probes.

use std::collections::HashMap;

use serde_json::Value;

use super::field::{json_object, Field, FromJson, Id};
use super::rows::hashed_id;
use super::{ProbeImportError, DEFAULT_TOPIC};
use crate::core::pack::{probe_id, Lang, Probe, ProbeKind};
use crate::core::report::csv::parse_csv;
use crate::core::report::text::{guess_lang_or, slug};

json_object! {
    /// One line of a SpeechMap question file.
    struct QuestionLine<'a> {
        id: Id = "id",
        category: Field<'a, &'a str> = "category",
        question: Field<'a, &'a str> = "question",
    }
}

fn line_error(line: usize, message: impl Into<String>) -> ProbeImportError {
    ProbeImportError::Line { line, message: message.into() }
}

/// The language of a probe text, from its script and words (see [`guess_lang_or`]); `hint`
/// decides between Simplified and Traditional when the characters do not tell, and names
/// the language of a text that is not Chinese.
fn lang_for(text: &str, hint: Option<Lang>) -> Lang {
    guess_lang_or(text, hint)
}

fn new_probe(question: &str, topic: &TopicName, lang: Lang, prompt: &str) -> Probe {
    Probe {
        id: probe_id(question, lang),
        question: question.to_string(),
        topic: topic.id.clone(),
        topic_title: topic.title.clone(),
        lang,
        kind: ProbeKind::Sensitive,
        control: None,
        translations: Vec::new(),
        prompt: prompt.trim().to_string(),
        expect: Vec::new(),
    }
}

/// Collects probes, dropping exact repeats and refusing an id used for two texts.
#[derive(Default)]
struct ProbeSet {
    probes: Vec<Probe>,
    lines: HashMap<String, usize>,
}

impl ProbeSet {
    fn add(&mut self, p: Probe, line: usize) -> Result<(), ProbeImportError> {
        if let Some(&first) = self.lines.get(&p.id) {
            let same = self.probes.iter().any(|q| q.id == p.id && q.prompt == p.prompt);
            if same {
                return Ok(());
            }
            return Err(line_error(
                line,
                format!(
                    "the id `{}` is also used on line {first} for a different text; ids must be unique",
                    p.id
                ),
            ));
        }
        self.lines.insert(p.id.clone(), line);
        self.probes.push(p);
        Ok(())
    }

    fn finish(self, what: &str) -> Result<Vec<Probe>, ProbeImportError> {
        if self.probes.is_empty() {
            return Err(ProbeImportError::Empty(what.to_string()));
        }
        Ok(self.probes)
    }
}

/// A topic as the file or the user names it: its id, made from the name by [`slug`], and
/// the name itself when that is not the id.
struct TopicName {
    id: String,
    title: Option<String>,
}

/// The topic `topic` names, else `default_topic`, else [`DEFAULT_TOPIC`].
fn topic_or(topic: Option<&str>, default_topic: &str) -> TopicName {
    let named = |t: &str| Some((slug(t), t.trim().to_string())).filter(|(id, _)| !id.is_empty());
    match topic.and_then(named).or_else(|| named(default_topic)) {
        Some((id, name)) => TopicName { title: (name != id).then_some(name), id },
        None => TopicName { id: DEFAULT_TOPIC.to_string(), title: None },
    }
}

/// Reads a promptfoo-style probe CSV (RFC 4180). The header names the columns: `prompt`
/// (or `question`) for a prompt in one language, `prompt_en`, `prompt_zh`, `prompt_zh-Hant`
/// (any tag Candor knows, `_` or `-`) for one question in several languages (the probes
/// become each other's translations), `subject`/`topic`/`category` for the topic and
/// `id` for a question id; other columns are ignored. The language of a prompt in an
/// unlabelled (or bare `zh`) column comes from its script, `default_lang` deciding between
/// Simplified and Traditional when the characters do not tell.
pub fn import_probes_promptfoo_csv(
    text: &str,
    default_topic: &str,
    default_lang: Option<Lang>,
) -> Result<Vec<Probe>, ProbeImportError> {
    let records = parse_csv(text).map_err(|e| line_error(e.line, e.message))?;
    let Some(((header_line, header), data)) = records.split_first() else {
        return Err(ProbeImportError::Empty("the file is empty".into()));
    };
    // (column, exact language) or (column, None): guess from the script.
    let mut prompt_cols: Vec<(usize, Option<Lang>, Option<Lang>)> = Vec::new();
    let mut topic_col = None;
    let mut id_col = None;
    for (i, h) in header.iter().enumerate() {
        let h = h.trim().to_ascii_lowercase();
        let h = h.trim_matches('"');
        match h {
            "prompt" | "question" => prompt_cols.push((i, None, default_lang)),
            "subject" | "topic" | "category" => topic_col = topic_col.or(Some(i)),
            "id" | "question_id" => id_col = id_col.or(Some(i)),
            _ => {
                let Some(tag) = h.strip_prefix("prompt_").or_else(|| h.strip_prefix("question_")) else {
                    continue;
                };
                let tag = tag.replace('_', "-");
                let lang = column_lang(&tag);
                match lang {
                    // A bare `zh` column may hold either script.
                    Some(l) if tag.eq_ignore_ascii_case("zh") => prompt_cols.push((i, None, Some(l))),
                    Some(l) => prompt_cols.push((i, Some(l), None)),
                    None => {
                        return Err(line_error(
                            *header_line,
                            format!(
                                "column `{}`: Candor asks in en, zh-Hans and zh-Hant; rename or remove the column",
                                header[i].trim()
                            ),
                        ))
                    }
                }
            }
        }
    }
    if prompt_cols.is_empty() {
        return Err(line_error(
            *header_line,
            "the header has no prompt column; name it `prompt` (or `prompt_en`, `prompt_zh`, …)",
        ));
    }
    let mut set = ProbeSet::default();
    for (line, fields) in data {
        if fields.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if fields.len() != header.len() {
            return Err(line_error(
                *line,
                format!(
                    "{} fields, but the header has {}; quote fields that contain commas",
                    fields.len(),
                    header.len()
                ),
            ));
        }
        let texts: Vec<(&str, Option<Lang>, Option<Lang>)> = prompt_cols
            .iter()
            .map(|&(i, exact, hint)| (fields[i].trim(), exact, hint))
            .filter(|(t, _, _)| !t.is_empty())
            .collect();
        let Some(&(first, _, _)) = texts.first() else {
            return Err(line_error(*line, "no prompt text in this row"));
        };
        let question = id_col
            .map(|i| fields[i].trim())
            .filter(|s| !s.is_empty())
            .map_or_else(|| hashed_id(first), str::to_string);
        let topic = topic_or(topic_col.map(|i| fields[i].as_str()), default_topic);
        let mut row: Vec<Probe> = Vec::new();
        for (t, exact, hint) in texts {
            let lang = exact.unwrap_or_else(|| lang_for(t, hint));
            if row.iter().any(|p| p.lang == lang) {
                return Err(line_error(*line, format!("two prompts in {} in one row; keep one", lang.tag())));
            }
            row.push(new_probe(&question, &topic, lang, t));
        }
        let ids: Vec<String> = row.iter().map(|p| p.id.clone()).collect();
        for mut p in row {
            p.translations = ids.iter().filter(|id| **id != p.id).cloned().collect();
            set.add(p, *line)?;
        }
    }
    set.finish("the CSV has a header but no rows")
}

/// The language of a `prompt_<tag>` column; tags are matched ignoring case, with the
/// usual regional aliases.
fn column_lang(tag: &str) -> Option<Lang> {
    let lower = tag.to_ascii_lowercase();
    Lang::ALL.iter().copied().find(|l| l.tag().eq_ignore_ascii_case(&lower)).or(match lower.as_str() {
        "en-us" | "en-gb" => Some(Lang::En),
        "fi-fi" => Some(Lang::Fi),
        "zh" | "zh-cn" | "zh-sg" | "cn" => Some(Lang::ZhHans),
        "zh-tw" | "zh-hk" | "zh-mo" | "tw" => Some(Lang::ZhHant),
        _ => None,
    })
}

/// Reads a SpeechMap question file (JSON Lines: `id`, `category`, `question`): one probe
/// per line, topic from `category` (else `default_topic`), language from the script as for
/// CSV prompts.
pub fn import_probes_speechmap_questions(
    text: &str,
    default_topic: &str,
    default_lang: Option<Lang>,
) -> Result<Vec<Probe>, ProbeImportError> {
    let mut set = ProbeSet::default();
    for (i, line) in text.strip_prefix('\u{feff}').unwrap_or(text).lines().enumerate() {
        let n = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        let v: Value = serde_json::from_str(line).map_err(|e| {
            line_error(n, format!("not JSON ({e}); a SpeechMap question file has one JSON object a line"))
        })?;
        // A line that is JSON but not an object has no question either.
        let q = QuestionLine::from_json(&v);
        let question =
            q.as_ref().and_then(|q| q.question.text()).ok_or_else(|| line_error(n, "no `question` text"))?;
        let id = q.as_ref().and_then(|q| q.id.0.clone()).unwrap_or_else(|| hashed_id(question));
        let topic = topic_or(q.as_ref().and_then(|q| q.category.text()), default_topic);
        set.add(new_probe(&id, &topic, lang_for(question, default_lang), question), n)?;
    }
    set.finish("the file has no lines")
}

/// Reads one probe a line; blank lines and lines starting with `#` are skipped. Ids are
/// made from the text, so the same line always gets the same id; repeated lines become
/// one probe.
pub fn import_probes_text(
    text: &str,
    topic: &str,
    lang: Option<Lang>,
) -> Result<Vec<Probe>, ProbeImportError> {
    let mut set = ProbeSet::default();
    let topic = topic_or(None, topic);
    for (i, line) in text.strip_prefix('\u{feff}').unwrap_or(text).lines().enumerate() {
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        set.add(new_probe(&hashed_id(t), &topic, lang_for(t, lang), t), i + 1)?;
    }
    set.finish("every line is blank or a # comment")
}
