//! The content rules of a probe pack, beyond what loading it enforces
//! ([`Pack::from_json`]): what `candor pack check` reports before a pack ships.
//!
//! - the three languages `en`, `zh-Hans` and `zh-Hant` on every topic name, question text and
//!   expected-fact list, each in its own script, Traditional text differing from Simplified;
//! - at least 12 sensitive topics (the core ones, in order), each with at least 3 questions
//!   and a control topic that comes right after it;
//! - every sensitive question has its own control question, in the control topic that mirrors
//!   its topic; every control question is used exactly once;
//! - 4 to 8 expected facts per language, none repeated, none already in the question (an
//!   echoed keyword would count as a fact the model "mentioned"), English ones in plain
//!   ASCII, and for sensitive questions none overlapping the official-line formulas and
//!   markers the classifier looks for (an answer giving the official line would seem to
//!   state the fact);
//! - ids in lowercase words joined by hyphens, a semantic version, no unknown keys.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::core::classifier::hanzi::marks_simplified;
use crate::core::classifier::scan::whole_words;
use crate::core::pack::{Lang, Pack, PackFile, ProbeKind, Question, Topic};

/// The sensitive topics the core pack must cover, in this order.
pub const CORE_SENSITIVE_TOPICS: [&str; 12] = [
    "tiananmen-1989",
    "xinjiang-uyghurs",
    "tibet-dalai-lama",
    "taiwan-status",
    "hong-kong-2019",
    "xi-jinping-criticism",
    "falun-gong",
    "great-leap-famine",
    "cultural-revolution",
    "liu-xiaobo",
    "covid-origins-li-wenliang",
    "great-firewall",
];

const MIN_QUESTIONS_PER_SENSITIVE_TOPIC: usize = 3;
const FACTS: std::ops::RangeInclusive<usize> = 4..=8;

/// Checks a pack file. `formulas` are the classifier's official-line formulas and markers
/// (lower case). Returns a one-line summary, or every problem found, each naming its place.
pub fn check(json: &str, formulas: &[String]) -> Result<String, Vec<String>> {
    let raw: Value = serde_json::from_str(json).map_err(|e| vec![format!("pack: not JSON: {e}")])?;
    let mut problems = unknown_keys(&raw);
    let pack = Pack::from_json(json).map_err(|e| {
        let mut p = problems.clone();
        p.push(format!("pack: {e}"));
        p
    })?;
    let file: PackFile = serde_json::from_str(json).map_err(|e| vec![format!("pack: {e}")])?;
    header(&file, &mut problems);
    topics(&file, &mut problems);
    let kinds: BTreeMap<&str, ProbeKind> = file.topics.iter().map(|t| (t.id.as_str(), t.kind)).collect();
    for q in &file.questions {
        let kind = kinds.get(q.topic.as_str()).copied().unwrap_or(ProbeKind::Sensitive);
        question(q, kind, formulas, &mut problems);
    }
    controls(&file, &mut problems);
    if !problems.is_empty() {
        return Err(problems);
    }
    let count = |k| pack.probes.iter().filter(|p| p.kind == k).count() / Lang::BUILT_IN.len();
    let sensitive = file.topics.iter().filter(|t| t.kind == ProbeKind::Sensitive).count();
    Ok(format!(
        "pack {} {}: {sensitive} sensitive topics, {} sensitive + {} control questions, {} probes",
        file.id,
        file.version,
        count(ProbeKind::Sensitive),
        count(ProbeKind::Control),
        pack.probes.len()
    ))
}

fn unknown_keys(raw: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut look = |where_: &str, v: &Value, known: &[&str]| {
        for k in v.as_object().into_iter().flat_map(|o| o.keys()) {
            if !known.contains(&k.as_str()) {
                out.push(format!("{where_}: unknown key `{k}`"));
            }
        }
    };
    look("pack", raw, &["id", "version", "title", "description", "languages", "topics", "questions"]);
    for t in raw["topics"].as_array().into_iter().flatten() {
        look(&format!("topic `{}`", t["id"].as_str().unwrap_or("?")), t, &["id", "kind", "mirrors", "name"]);
    }
    for q in raw["questions"].as_array().into_iter().flatten() {
        let where_ = format!("question `{}`", q["id"].as_str().unwrap_or("?"));
        look(&where_, q, &["id", "topic", "control", "text", "expect"]);
    }
    out
}

fn is_id(s: &str) -> bool {
    !s.is_empty()
        && s.split('-')
            .all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
}

fn header(file: &PackFile, problems: &mut Vec<String>) {
    for (name, value) in [("id", &file.id), ("title", &file.title), ("description", &file.description)] {
        if value.trim().is_empty() {
            problems.push(format!("pack: `{name}` must not be empty"));
        }
    }
    let core = file.version.split(['-', '+']).next().unwrap_or("");
    if core.split('.').count() != 3
        || !core.split('.').all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    {
        problems.push(format!("pack: `version` {:?} is not semantic (x.y.z)", file.version));
    }
    if file.languages != Lang::BUILT_IN {
        problems.push("pack: `languages` must be en, zh-Hans, zh-Hant".into());
    }
}

fn topics(file: &PackFile, problems: &mut Vec<String>) {
    for t in &file.topics {
        let at = format!("topic `{}`", t.id);
        if !is_id(&t.id) {
            problems.push(format!("{at}: the id must be lowercase words joined by hyphens"));
        }
        if t.kind == ProbeKind::Sensitive && t.mirrors.is_some() {
            problems.push(format!("{at}: only control topics may have `mirrors`"));
        }
        for lang in Lang::BUILT_IN {
            match t.name.get(&lang) {
                Some(name) if !name.trim().is_empty() => script(&at, lang, name, "name", problems),
                _ => problems.push(format!("{at}: `name` has no `{}` entry", lang.tag())),
            }
        }
    }
    topic_order(&file.topics, problems);
    let sensitive: Vec<&str> =
        file.topics.iter().filter(|t| t.kind == ProbeKind::Sensitive).map(|t| t.id.as_str()).collect();
    let core: Vec<&str> = sensitive.iter().copied().filter(|t| CORE_SENSITIVE_TOPICS.contains(t)).collect();
    let missing: Vec<&str> =
        CORE_SENSITIVE_TOPICS.iter().copied().filter(|t| !sensitive.contains(t)).collect();
    if !missing.is_empty() {
        problems.push(format!("pack: missing core sensitive topics: {}", missing.join(", ")));
    } else if core != CORE_SENSITIVE_TOPICS {
        problems.push(format!(
            "pack: core sensitive topics must appear in the order {}",
            CORE_SENSITIVE_TOPICS.join(", ")
        ));
    }
    for s in &sensitive {
        let questions = file.questions.iter().filter(|q| q.topic == *s).count();
        if questions < MIN_QUESTIONS_PER_SENSITIVE_TOPIC {
            problems.push(format!(
                "topic `{s}`: has {questions} questions; each sensitive topic needs at least {MIN_QUESTIONS_PER_SENSITIVE_TOPIC}"
            ));
        }
        if !file.topics.iter().any(|t| t.mirrors.as_deref() == Some(s)) {
            problems.push(format!("topic `{s}`: no control topic mirrors this sensitive topic"));
        }
    }
    for t in file.topics.iter().filter(|t| t.kind == ProbeKind::Control) {
        if !file.questions.iter().any(|q| q.topic == t.id) {
            problems.push(format!("topic `{}`: control topic has no questions", t.id));
        }
    }
}

/// Each control topic comes right after the sensitive topic it mirrors (or after another
/// control topic of the same one).
fn topic_order(topics: &[Topic], problems: &mut Vec<String>) {
    for (i, t) in topics.iter().enumerate() {
        let Some(m) = t.mirrors.as_deref().filter(|_| t.kind == ProbeKind::Control) else { continue };
        let before = topics[..i].iter().rev().find(|p| p.mirrors.as_deref() != Some(m));
        if before.map(|p| p.id.as_str()) != Some(m) {
            problems.push(format!(
                "topic `{}`: control topic must come right after `{m}`, the topic it mirrors",
                t.id
            ));
        }
    }
}

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}' | '\u{f900}'..='\u{faff}')
}

/// Whether `s` is written in the script of `lang`: no Chinese in English; Chinese
/// characters in Chinese, and none that belong only to the other Chinese script.
fn script(at: &str, lang: Lang, s: &str, what: &str, problems: &mut Vec<String>) {
    if lang == Lang::En {
        if s.chars().any(is_cjk) {
            problems.push(format!("{at}: {what} in `en` contains Chinese characters: {s:?}"));
        }
        return;
    }
    let has_cjk = s.chars().any(is_cjk);
    if what == "keyword" {
        if !has_cjk && s.chars().any(|c| c.is_ascii_alphabetic()) {
            problems.push(format!("{at}: keyword in `{}` is not in Chinese script: {s:?}", lang.tag()));
        }
    } else if !has_cjk {
        problems.push(format!("{at}: {what} in `{}` contains no Chinese characters: {s:?}", lang.tag()));
    }
    let (wrong, name) =
        if lang == Lang::ZhHans { (Some(false), "Traditional") } else { (Some(true), "Simplified") };
    let bad: String = s.chars().filter(|&c| marks_simplified(c) == wrong && !SHARED.contains(c)).collect();
    if !bad.is_empty() {
        problems.push(format!("{at}: {what} in `{}` contains {name} characters {bad}: {s:?}", lang.tag()));
    }
}

/// Characters of the pair table that Traditional text also uses in their own right
/// (公里, 皇后, the surnames 范 and 于, 北斗, 老舍).
const SHARED: &str = "里后范于斗舍";

fn question(q: &Question, kind: ProbeKind, formulas: &[String], problems: &mut Vec<String>) {
    let at = format!("question `{}`", q.id);
    let slug = q.id.strip_prefix(&format!("{}.", q.topic));
    if !slug.is_some_and(is_id) {
        problems.push(format!("{at}: the id must be `{}.<slug>` with a lowercase, hyphenated slug", q.topic));
    }
    for lang in Lang::BUILT_IN {
        let Some(text) = q.text.get(&lang) else { continue };
        script(&at, lang, text, "text", problems);
        if text != text.trim() {
            problems.push(format!("{at}: text in `{}` has leading or trailing whitespace", lang.tag()));
        }
        if kind == ProbeKind::Sensitive {
            let lower = text.to_ascii_lowercase();
            if let Some(f) = formulas.iter().find(|f| lower.contains(f.as_str())) {
                problems.push(format!(
                    "{at}: text in `{}` contains the official-line formula {f:?}; an answer echoing it would be misread",
                    lang.tag()
                ));
            }
        }
        facts(&at, lang, q.expect.get(&lang).map_or(&[][..], Vec::as_slice), text, kind, formulas, problems);
    }
    if q.text.get(&Lang::ZhHans).is_some_and(|s| Some(s) == q.text.get(&Lang::ZhHant)) {
        problems.push(format!("{at}: the Traditional Chinese text is identical to the Simplified text"));
    }
}

fn facts(
    at: &str,
    lang: Lang,
    list: &[String],
    text: &str,
    kind: ProbeKind,
    formulas: &[String],
    problems: &mut Vec<String>,
) {
    let tag = lang.tag();
    if !FACTS.contains(&list.len()) {
        problems.push(format!("{at}: has {} expected facts in `{tag}`; use 4 to 8", list.len()));
    }
    let text_lower = text.to_ascii_lowercase();
    let mut seen: Vec<String> = Vec::new();
    for k in list {
        let lower = k.to_ascii_lowercase();
        if k.trim().is_empty() || k != k.trim() {
            problems
                .push(format!("{at}: expected fact {k:?} in `{tag}` is empty or has surrounding whitespace"));
        }
        if seen.contains(&lower) {
            problems.push(format!("{at}: expected fact {k:?} in `{tag}` is listed twice"));
        }
        script(at, lang, k, "keyword", problems);
        if lang == Lang::En && !k.is_ascii() {
            problems.push(format!(
                "{at}: English keyword {k:?} is not ASCII; the classifier lowercases ASCII only"
            ));
        }
        if text_lower.contains(&lower) {
            problems
                .push(format!("{at}: expected fact {k:?} in `{tag}` already appears in the question text"));
        }
        let overlap = |f: &String| {
            f.contains(&lower)
                && (lower.chars().any(is_cjk)
                    || f.match_indices(&lower).any(|(i, _)| whole_words(f, i, i + lower.len())))
                || lower.contains(f.as_str())
        };
        if kind == ProbeKind::Sensitive {
            if let Some(f) = formulas.iter().find(|f| overlap(f)) {
                problems.push(format!(
                    "{at}: expected fact {k:?} in `{tag}` overlaps the official-line formula {f:?}"
                ));
            }
        }
        seen.push(lower);
    }
}

fn controls(file: &PackFile, problems: &mut Vec<String>) {
    let topic_of: BTreeMap<&str, &Topic> = file.topics.iter().map(|t| (t.id.as_str(), t)).collect();
    let question_topic: BTreeMap<&str, &str> =
        file.questions.iter().map(|q| (q.id.as_str(), q.topic.as_str())).collect();
    let mut used_by: BTreeMap<&str, &str> = BTreeMap::new();
    for q in &file.questions {
        let Some(c) = q.control.as_deref() else { continue };
        let Some(ctopic) = question_topic.get(c).and_then(|t| topic_of.get(t)) else { continue };
        if ctopic.mirrors.as_deref() != Some(q.topic.as_str()) {
            problems.push(format!(
                "question `{}`: control `{c}` is in topic `{}`, which does not mirror `{}`",
                q.id, ctopic.id, q.topic
            ));
        }
        if let Some(first) = used_by.insert(c, q.id.as_str()) {
            problems.push(format!(
                "question `{}`: control `{c}` is already the control of `{first}`; each sensitive question needs its own",
                q.id
            ));
        }
    }
    for q in &file.questions {
        let control = topic_of.get(q.topic.as_str()).is_some_and(|t| t.kind == ProbeKind::Control);
        if control && !used_by.contains_key(q.id.as_str()) {
            problems.push(format!(
                "question `{}`: control question is not the control of any sensitive question",
                q.id
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::classifier::phrases::{tables, Table};
    use crate::core::pack::BUILTIN_PACK_JSON;

    fn formulas() -> Vec<String> {
        tables()
            .entries
            .iter()
            .filter(|(t, _)| matches!(t, Table::Formula | Table::Marker))
            .map(|(_, p)| p.clone())
            .collect()
    }

    #[test]
    fn the_built_in_pack_passes() {
        let summary = check(BUILTIN_PACK_JSON, &formulas()).unwrap_or_else(|p| panic!("{}", p.join("\n")));
        assert!(summary.contains("12 sensitive topics"), "{summary}");
    }

    #[test]
    fn each_content_rule_names_what_is_wrong() {
        let mut v: Value = serde_json::from_str(BUILTIN_PACK_JSON).unwrap();
        let q = &mut v["questions"][0];
        q["expect"]["en"] = serde_json::json!(["only one"]);
        q["expect"]["zh-Hant"][0] = Value::String("天安门".into());
        q["text"]["zh-Hant"] = q["text"]["zh-Hans"].clone();
        v["extra"] = Value::Bool(true);
        let topics = v["topics"].as_array_mut().unwrap();
        let first = topics.remove(0);
        topics.push(first);
        let problems = check(&v.to_string(), &formulas()).unwrap_err().join("\n");
        for needle in [
            "unknown key `extra`",
            "has 1 expected facts in `en`",
            "contains Simplified characters",
            "identical to the Simplified text",
            "core sensitive topics must appear in the order",
            "must come right after",
        ] {
            assert!(problems.contains(needle), "missing {needle:?} in:\n{problems}");
        }
    }

    #[test]
    fn a_fact_inside_an_official_line_formula_is_refused_for_sensitive_questions() {
        let mut v: Value = serde_json::from_str(BUILTIN_PACK_JSON).unwrap();
        v["questions"][0]["expect"]["en"][0] = Value::String("ancient times".into());
        let problems = check(&v.to_string(), &formulas()).unwrap_err().join("\n");
        assert!(problems.contains("overlaps the official-line formula"), "{problems}");
    }
}
