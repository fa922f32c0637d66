//! The phrase tables the rules look for, in English, Simplified and Traditional Chinese and
//! Finnish: a versioned data file, `static/model/phrases-v1.txt`, with the Simplified and
//! Traditional character pairs. Native tools compile it in; the web app fetches it with the
//! rest of its data at start-up ([`install`]), which keeps the WebAssembly small.
//!
//! Matching is on ASCII-lower-cased text, so entries are lower case; an English entry only
//! counts as whole words (see `scan`).

use std::sync::OnceLock;

/// What a table's phrases are evidence of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Table {
    /// The model says it won't or can't (counts in the opening only).
    Refusal,
    /// A refusal that lectures instead of saying no outright (opening only).
    Moralising,
    /// The model claims not to know (opening only).
    Ignorance,
    /// A fixed line a service returns instead of an answer (see [`Phrases::canned`]).
    Canned,
    /// A notice written by the platform, not the model.
    Notice,
    /// A formula of the official line, strong enough to count alone.
    Formula,
    /// Wording the official line uses that others use too; counts only beside a formula.
    Marker,
    /// A fact the official line leaves out.
    Critical,
    /// A hedge that stands in for an answer.
    Hedge,
    /// Words that make what follows someone else's claim; not matched by the scanner, read
    /// only in the sentence before an official-line formula.
    Attribution,
}

/// The tables, as read from the data file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Phrases {
    /// Every phrase the scanner looks for, with its table, in file order.
    pub entries: Vec<(Table, String)>,
    /// What is known of each canned line, by phrase.
    pub canned: Vec<(String, String)>,
    /// Attribution words.
    pub attributions: Vec<String>,
    /// Attribution words that follow the formula they attribute (Japanese と主張, Korean
    /// 라고 부르), found anywhere just after it.
    pub attributions_after: Vec<String>,
    /// Words that call a claim a lie ("are lies", 谎言); read only in the clause around a fact
    /// the official line leaves out.
    pub denials: Vec<String>,
    /// Words that deny or doubt what directly follows ("so-called", 所谓, 不存在).
    pub so_called: Vec<String>,
    /// Common English words, for the language check.
    pub english: Vec<String>,
    /// Common Finnish words, for the language check.
    pub finnish: Vec<String>,
    /// Words that say no or apologise, matched as whole words ("no", "nicht", "не").
    pub negation: Vec<String>,
    /// The same in scripts written without spaces (不, 抱歉, ません, 없), matched anywhere.
    pub negation_anywhere: Vec<String>,
    /// Words written without spaces that hold one of [`Phrases::negation_anywhere`] but say
    /// no to nothing (不久 "soon", 无数 "countless").
    pub not_negation: Vec<String>,
    /// Verbs of replying ("answer", "discuss", "comment", "vastata"): a word of negation a few
    /// words before one, at the start of a short reply, declines to reply.
    pub declining: Vec<String>,
    /// Names of other languages in Latin letters (for naming the language of a reply the
    /// rules cover only in part).
    pub other_languages: Vec<String>,
    /// Their commonest words, each with the languages of [`Phrases::other_languages`] that
    /// list it (bit `i` for the `i`th): one lookup a word instead of a pass over every list.
    pub other_words: std::collections::HashMap<String, u32>,
    /// Simplified–Traditional pairs, two characters each.
    pub hanzi: String,
}

/// The built-in tables' text, compiled into native tools.
#[cfg(not(target_arch = "wasm32"))]
pub const PHRASES_TXT: &str = include_str!("../../../static/model/phrases-v1.txt");

static PHRASES: OnceLock<Phrases> = OnceLock::new();

impl Phrases {
    /// Reads the data file; an unknown section or a malformed line is an error naming it.
    pub fn parse(text: &str) -> Result<Phrases, String> {
        let mut p = Phrases::default();
        let mut section = None;
        for (n, line) in text.lines().enumerate() {
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                section = Some(name.to_string());
                continue;
            }
            let table = match section.as_deref() {
                Some("refusal") => Table::Refusal,
                Some("moralising") => Table::Moralising,
                Some("ignorance") => Table::Ignorance,
                Some("notice") => Table::Notice,
                Some("formula") => Table::Formula,
                Some("marker") => Table::Marker,
                Some("critical") => Table::Critical,
                Some("hedge") => Table::Hedge,
                Some("canned") => Table::Canned,
                Some("attribution") => Table::Attribution,
                // Sections that are plain lists of words, one a line.
                Some(
                    list @ ("denial" | "so-called" | "english" | "finnish" | "not-negation"
                    | "attribution-after" | "declining"),
                ) => {
                    lower_case(line, n)?;
                    let to = match list {
                        "denial" => &mut p.denials,
                        "so-called" => &mut p.so_called,
                        "english" => &mut p.english,
                        "finnish" => &mut p.finnish,
                        "not-negation" => &mut p.not_negation,
                        "declining" => &mut p.declining,
                        _ => &mut p.attributions_after,
                    };
                    to.push(line.trim().to_string());
                    continue;
                }
                Some("negation") => {
                    lower_case(line, n)?;
                    let w = line.trim().to_string();
                    // CJK, kana and Hangul (from U+2E80 on) and Thai are written without spaces.
                    let unspaced = |c: char| c >= '\u{2e80}' || ('\u{e00}'..='\u{e7f}').contains(&c);
                    let to = if w.starts_with(unspaced) { &mut p.negation_anywhere } else { &mut p.negation };
                    to.push(w);
                    continue;
                }
                Some("other-languages") => {
                    let (name, words) = line
                        .split_once('\t')
                        .ok_or_else(|| format!("line {}: a language's name, a tab, then its words", n + 1))?;
                    lower_case(words, n)?;
                    let bit = 1u32
                        .checked_shl(p.other_languages.len() as u32)
                        .ok_or_else(|| format!("line {}: at most 32 other languages", n + 1))?;
                    for w in words.split(' ') {
                        *p.other_words.entry(w.to_string()).or_default() |= bit;
                    }
                    p.other_languages.push(name.to_string());
                    continue;
                }
                Some("hanzi") => {
                    p.hanzi.push_str(line.trim());
                    continue;
                }
                _ => return Err(format!("line {}: a phrase before any known [section]", n + 1)),
            };
            let (phrase, about) = line.split_once('\t').unwrap_or((line, ""));
            lower_case(phrase, n)?;
            match table {
                Table::Attribution => p.attributions.push(phrase.to_string()),
                Table::Canned if about.is_empty() => {
                    return Err(format!("line {}: a canned line needs a tab and what is known of it", n + 1))
                }
                Table::Canned => p.canned.push((phrase.to_string(), about.to_string())),
                _ => {}
            }
            if table != Table::Attribution {
                p.entries.push((table, phrase.to_string()));
            }
        }
        Ok(p)
    }
}

/// A phrase must be lower case: matching lower-cases the text, ASCII only.
fn lower_case(phrase: &str, n: usize) -> Result<(), String> {
    if phrase == phrase.to_ascii_lowercase() {
        Ok(())
    } else {
        Err(format!("line {}: phrases are lower case", n + 1))
    }
}

/// Installs the tables from the data file's text (the web app, once fetched). Only the
/// first successful call counts.
pub fn install(text: &str) -> Result<(), String> {
    if PHRASES.get().is_some() {
        return Ok(());
    }
    let p = Phrases::parse(text)?;
    let _ = PHRASES.set(p);
    Ok(())
}

/// The tables in use: natively the compiled-in file; in the browser the installed one
/// (empty until then, which the app never classifies with: it loads them first).
pub fn tables() -> &'static Phrases {
    #[cfg(not(target_arch = "wasm32"))]
    {
        // The file is compiled in: a malformed one is a build defect, said at once, not
        // an empty table that quietly reads every reply as an answer.
        PHRASES.get_or_init(|| {
            Phrases::parse(PHRASES_TXT).unwrap_or_else(|e| panic!("static/model/phrases-v1.txt: {e}"))
        })
    }
    #[cfg(target_arch = "wasm32")]
    {
        static EMPTY: OnceLock<Phrases> = OnceLock::new();
        PHRASES.get().unwrap_or_else(|| EMPTY.get_or_init(Phrases::default))
    }
}

/// What is known of a canned line.
pub fn canned_source(phrase: &str) -> &'static str {
    tables().canned.iter().find(|c| c.0 == phrase).map_or("a fixed line", |c| c.1.as_str())
}

/// Platform moderation messages seen in HTTP error bodies.
pub const BLOCK_MESSAGES: &[&str] = &[
    "content exists risk",
    "content_filter",
    "content filter",
    "content management policy",
    "data_inspection_failed",
    "inappropriate content",
    "content policy",
    "moderation",
    "safety system",
    "sensitive",
    "内容安全",
    "敏感",
    "违规",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn the_shipped_tables_parse_and_every_section_has_entries() {
        let p = Phrases::parse(PHRASES_TXT).expect("the shipped phrase file parses");
        for table in [
            Table::Refusal,
            Table::Moralising,
            Table::Ignorance,
            Table::Canned,
            Table::Notice,
            Table::Formula,
            Table::Marker,
            Table::Critical,
            Table::Hedge,
        ] {
            assert!(p.entries.iter().any(|e| e.0 == table), "{table:?} is empty");
        }
        assert!(!p.attributions.is_empty() && !p.denials.is_empty() && !p.so_called.is_empty());
        assert!(p.attributions_after.iter().any(|w| w == "と主張"));
        assert!(!p.english.is_empty() && !p.finnish.is_empty() && !p.hanzi.is_empty());
        assert!(p.negation.iter().any(|w| w == "nicht") && p.negation_anywhere.iter().any(|w| w == "不"));
        assert!(p.not_negation.iter().any(|w| w == "不久"));
        assert!(p.declining.iter().any(|w| w == "answer"));
        let spanish = p.other_languages.iter().position(|name| name == "Spanish").expect("Spanish is listed");
        assert!(p.other_words.values().filter(|&&bits| bits & (1 << spanish) != 0).count() >= 10);
    }

    #[test]
    fn a_malformed_file_is_an_error_that_names_its_line() {
        for (text, line) in [
            ("[refusal]\ni can't\nI Won't\n", "line 3"),
            ("i can't\n", "line 1"),
            ("[canned]\nno tab here\n", "line 2"),
            ("[other-languages]\nSpanish el la\n", "line 2"),
            ("[negation]\n\nNo\n", "line 3"),
        ] {
            let e = Phrases::parse(text).expect_err(text);
            assert!(e.starts_with(line), "{text:?}: {e}");
        }
        let p = Phrases::parse("[negation]\nnicht\nません\nไม่\n[not-negation]\n不久\n").unwrap();
        assert_eq!(
            (p.negation, p.negation_anywhere, p.not_negation),
            (
                vec!["nicht".to_string()],
                vec!["ません".to_string(), "ไม่".to_string()],
                vec!["不久".to_string()]
            )
        );
    }
}
