//! One pass of the phrase tables over a reply: every match, as whole words, with its
//! table. The rules read the [`Scan`] and never search the text themselves.

use super::floor_boundary;
use super::phrases::{self, Table};

/// How far into the answer refusal wording counts: deeper in, the same words quote
/// someone else ("officials said they cannot comment").
pub const HEAD_BYTES: usize = 400;
/// How far into the answer the phrase rules read (bounds the cost on long essays).
pub const SCAN_BYTES: usize = 3000;
/// How much of the end of a long answer is read for a retraction or a notice.
pub const TAIL_BYTES: usize = 600;

/// One phrase found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hit {
    /// Byte offsets in the answer.
    pub start: usize,
    /// End, exclusive.
    pub end: usize,
    /// The table entry (lower case).
    pub phrase: &'static str,
    /// Its table.
    pub table: Table,
}

/// What the phrase tables found in an answer.
#[derive(Clone, Debug, Default)]
pub struct Scan {
    /// Every match, in order of position.
    pub hits: Vec<Hit>,
    /// Length of the whole answer in characters.
    pub chars: usize,
    /// Length of the whole answer in bytes.
    pub bytes: usize,
}

impl Scan {
    /// Scans the opening [`SCAN_BYTES`] of `content`, and its last [`TAIL_BYTES`] when the
    /// answer is longer.
    pub fn of(content: &str) -> Scan {
        let head_end = floor_boundary(content, SCAN_BYTES);
        let mut hits = matches_in(content, 0, head_end);
        if content.len() > head_end {
            let from = ceil_boundary(content, (content.len() - TAIL_BYTES).max(head_end));
            hits.extend(
                matches_in(content, from, content.len())
                    .into_iter()
                    .filter(|h| matches!(h.table, Table::Canned | Table::Notice)),
            );
        }
        // Counting UTF-8 lead bytes is what `chars().count()` does, without decoding.
        let chars = content.bytes().filter(|b| (b & 0xc0) != 0x80).count();
        Scan { hits, chars, bytes: content.len() }
    }

    /// The matches of one table.
    pub fn of_table(&self, table: Table) -> impl Iterator<Item = &Hit> {
        self.hits.iter().filter(move |h| h.table == table)
    }

    /// The first match of one table that starts within `limit` bytes.
    pub fn first_within(&self, table: Table, limit: usize) -> Option<&Hit> {
        self.of_table(table).find(|h| h.start < limit)
    }

    /// How many distinct phrases of a table were found.
    pub fn distinct(&self, table: Table) -> usize {
        distinct_phrases(self.of_table(table))
    }
}

/// How many different phrases the hits are (the same phrase twice counts once).
pub fn distinct_phrases<'h>(hits: impl Iterator<Item = &'h Hit>) -> usize {
    let hits: Vec<&Hit> = hits.collect();
    (0..hits.len()).filter(|&i| hits[..i].iter().all(|h| h.phrase != hits[i].phrase)).count()
}

fn ceil_boundary(s: &str, mut i: usize) -> usize {
    while i < s.len() && !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// The patterns of every table, numbered as the automaton numbers them.
fn patterns() -> &'static [(Table, String)] {
    &phrases::tables().entries
}

/// Whether the match `start..end` stands as whole words: an English phrase must not start
/// or end inside a word ("i won't" is not in "Hawaii won't"). CJK text has no spaces, so
/// a CJK phrase is whole by itself.
pub fn whole_words(text: &str, start: usize, end: usize) -> bool {
    let b = text.as_bytes();
    let word = |c: u8| c.is_ascii_alphanumeric();
    let first_is_word = b.get(start).is_some_and(|&c| word(c));
    let last_is_word = end > 0 && b.get(end - 1).is_some_and(|&c| word(c));
    let before_ok =
        start == 0 || !first_is_word || !word(b[start - 1]) && !is_latin_letter_before(text, start);
    let after_ok = end >= b.len() || !last_is_word || !word(b[end]) && !is_latin_letter_at(text, end);
    before_ok && after_ok
}

fn is_latin_letter_before(text: &str, at: usize) -> bool {
    text[..at].chars().next_back().is_some_and(|c| !c.is_ascii() && c.is_alphabetic() && (c as u32) < 0x2e80)
}

fn is_latin_letter_at(text: &str, at: usize) -> bool {
    text[at..].chars().next().is_some_and(|c| !c.is_ascii() && c.is_alphabetic() && (c as u32) < 0x2e80)
}

/// Matches in `text[from..to]`, leftmost-longest, not overlapping, whole words only.
fn matches_in(text: &str, from: usize, to: usize) -> Vec<Hit> {
    raw_matches(&text[from..to])
        .into_iter()
        .map(|(s, e, i)| (s + from, e + from, i))
        .filter(|&(s, e, _)| whole_words(text, s, e))
        .map(|(start, end, i)| {
            let (table, phrase) = &patterns()[i];
            Hit { start, end, phrase: phrase.as_str(), table: *table }
        })
        .collect()
}

/// Phrase matches in `text`, case-insensitive for ASCII, leftmost-longest and not
/// overlapping: (start, end, index into [`patterns`]).
///
/// Natively one Aho–Corasick automaton finds them in a single pass, which keeps
/// `candor classify` fast. The browser classifies a few thousand replies at most, so it
/// uses a plain search instead and leaves the automaton's code out of the WebAssembly.
/// Both give the same matches (tested).
fn raw_matches(text: &str) -> Vec<(usize, usize, usize)> {
    static TABLES: PhraseSet = PhraseSet::new();
    TABLES.matches(text, || patterns().iter().map(|p| p.1.clone()).collect())
}

/// A list of phrases looked for in one pass, as the phrase tables are: natively an
/// Aho–Corasick automaton, in the browser a plain search; built on first use.
#[derive(Default)]
pub struct PhraseSet {
    #[cfg(not(target_arch = "wasm32"))]
    automaton: std::sync::OnceLock<aho_corasick::AhoCorasick>,
    #[cfg(target_arch = "wasm32")]
    phrases: std::sync::OnceLock<Vec<String>>,
}

impl PhraseSet {
    /// An empty set, filled from its phrases on first use.
    pub const fn new() -> PhraseSet {
        PhraseSet {
            #[cfg(not(target_arch = "wasm32"))]
            automaton: std::sync::OnceLock::new(),
            #[cfg(target_arch = "wasm32")]
            phrases: std::sync::OnceLock::new(),
        }
    }

    /// The matches of `phrases()` (lower case; called once) in `text`: (start, end, index
    /// into the phrases), leftmost-longest, not overlapping, ASCII case ignored. Whole words
    /// are the caller's to check.
    pub fn matches(&self, text: &str, phrases: impl FnOnce() -> Vec<String>) -> Vec<(usize, usize, usize)> {
        #[cfg(not(target_arch = "wasm32"))]
        {
            automaton_matches(self.automaton.get_or_init(|| automaton(&phrases())), text)
        }
        #[cfg(target_arch = "wasm32")]
        {
            plain_matches(self.phrases.get_or_init(phrases), text)
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn automaton(phrases: &[String]) -> aho_corasick::AhoCorasick {
    use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
    AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .ascii_case_insensitive(true)
        .kind(Some(AhoCorasickKind::DFA))
        .build(phrases)
        .expect("the phrase tables are valid patterns")
}

#[cfg(not(target_arch = "wasm32"))]
fn automaton_matches(automaton: &aho_corasick::AhoCorasick, text: &str) -> Vec<(usize, usize, usize)> {
    automaton.find_iter(text).map(|m| (m.start(), m.end(), m.pattern().as_usize())).collect()
}

/// The browser's search of every phrase in `text` (one plain search a phrase), natively, so
/// its cost can be measured where the automaton is used instead (`candor bench`): how many
/// matches.
pub fn plain_search(text: &str) -> usize {
    static PHRASES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    plain_matches(PHRASES.get_or_init(|| patterns().iter().map(|p| p.1.clone()).collect()), text).len()
}

fn plain_matches(phrases: &[String], text: &str) -> Vec<(usize, usize, usize)> {
    let lower = text.to_ascii_lowercase();
    // Every pair of adjacent bytes in the text, one bit each: a phrase whose first two bytes
    // never stand together in it cannot match, and is not searched for. Most phrases are in
    // another script or start otherwise, so this skips most searches.
    let mut pairs = [0u64; 1024];
    let pair = |a: u8, b: u8| (usize::from(a) << 8) | usize::from(b);
    for w in lower.as_bytes().windows(2) {
        let k = pair(w[0], w[1]);
        pairs[k >> 6] |= 1 << (k & 63);
    }
    let mut all: Vec<(usize, usize, usize)> = Vec::new();
    for (i, p) in phrases.iter().enumerate() {
        if let [a, b, ..] = *p.as_bytes() {
            let k = pair(a, b);
            if pairs[k >> 6] & (1 << (k & 63)) == 0 {
                continue;
            }
        }
        let mut from = 0;
        while let Some(at) = lower[from..].find(p.as_str()) {
            all.push((from + at, from + at + p.len(), i));
            from += at + 1;
            while !lower.is_char_boundary(from) {
                from += 1;
            }
        }
    }
    // Leftmost first, longest first at the same start, first pattern first; then keep
    // what does not overlap.
    all.sort_by_key(|&(s, e, i)| (s, std::cmp::Reverse(e), i));
    let mut out: Vec<(usize, usize, usize)> = Vec::new();
    for m in all {
        if out.last().is_none_or(|l| m.0 >= l.1) {
            out.push(m);
        }
    }
    out
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn the_browser_search_finds_what_the_automaton_finds() {
        let texts = [
            "I'm sorry, but I CAN'T HELP with that. Let's talk about something else.",
            "Taiwan has been an inalienable part of China since ancient times; the so-called issue…",
            "抱歉，我无法回答。你好，这个问题我暂时无法回答，让我们换个话题再聊聊吧。所谓的人权问题。",
            "西藏自古以來就是中國領土不可分割的一部分。中國政府堅決反對任何分裂勢力。",
            "A complex issue with different perspectives; consult reliable sources. Ünïcödé ✓ 中文",
            "Los acontecimientos son un TEMA COMPLEJO y sensible. Les événements: un sujet délicat, différents points de vue.",
            "Die Ereignisse sind ein komplexes Thema; zuverlässige Quellen. Это сложная и деликатная тема. 複雑で敏感なテーマ。",
            "Xin lỗi, tôi không thể trả lời. Üzgünüm, yardımcı olamam. لا أستطيع الإجابة. كەچۈرۈڭ، جاۋاب بېرەلمەيمەن.",
            "",
        ];
        let phrases: Vec<String> = patterns().iter().map(|p| p.1.clone()).collect();
        let a = automaton(&phrases);
        for t in texts {
            assert_eq!(plain_matches(&phrases, t), automaton_matches(&a, t), "{t}");
        }
        let essays = include_str!("../../../tests/fixtures/verdicts.jsonl");
        for line in essays.lines() {
            assert_eq!(plain_matches(&phrases, line), automaton_matches(&a, line));
        }
    }

    #[test]
    fn phrases_count_only_as_whole_words() {
        let s = Scan::of("Hawaii won't join. The summit said nothing, and the campsite was shut.");
        assert!(s.of_table(Table::Refusal).next().is_none(), "{:?}", s.hits);
        assert!(s.of_table(Table::Critical).next().is_none(), "campsite is not camps: {:?}", s.hits);
        let s = Scan::of("I won't. Troops killed hundreds.");
        assert_eq!(s.of_table(Table::Refusal).next().map(|h| h.phrase), Some("i won't"));
        assert_eq!(s.of_table(Table::Critical).next().map(|h| h.phrase), Some("killed"));
    }
}
