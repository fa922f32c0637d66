//! One pass of the phrase tables over a reply: every match, as whole words, with its
//! table. The rules read the [`Scan`] and never search the text themselves.

use super::floor_boundary;
use super::phrases::{self, Table};
use super::repetition::{self, Loop};

/// How far into the answer refusal wording counts: deeper in, the same words quote
/// someone else ("officials said they cannot comment").
pub const HEAD_BYTES: usize = 400;
/// How far into the answer the phrase rules read (bounds the cost on long essays).
pub const SCAN_BYTES: usize = 3000;
/// How much of the end of a long answer is read for a retraction or a notice.
pub const TAIL_BYTES: usize = 600;
/// The longest answer that is searched whole for a loop; in a longer one only its last
/// [`TAIL_BYTES`] are. A model's output that degenerates into a loop stays in it to the
/// end of the reply, so the end finds it. Searching all the bytes the phrases are read in
/// cost a tenth of the time a reply takes.
pub const LOOP_WHOLE_BYTES: usize = 1000;

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
    /// The longest loop (a word or a few written over and over) in the same bytes.
    pub looping: Option<Loop>,
}

impl Scan {
    /// Scans the opening [`SCAN_BYTES`] of `content`, and its last [`TAIL_BYTES`] when the
    /// answer is longer, for phrases; and the answer up to [`LOOP_WHOLE_BYTES`], or its
    /// last [`TAIL_BYTES`], for a loop.
    pub fn of(content: &str) -> Scan {
        let head_end = floor_boundary(content, SCAN_BYTES);
        let mut hits = matches_in(content, 0, head_end);
        let loop_from = if content.len() <= LOOP_WHOLE_BYTES {
            0
        } else {
            ceil_boundary(content, content.len() - TAIL_BYTES)
        };
        let looping = repetition::find(content, loop_from, content.len());
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
        Scan { hits, chars, bytes: content.len(), looping }
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
/// `candor classify` fast. The browser uses an [`Index`] instead and leaves the automaton's
/// code (and its tens of megabytes of tables) out of the WebAssembly. Both give the same
/// matches (tested).
fn raw_matches(text: &str) -> Vec<(usize, usize, usize)> {
    static TABLES: PhraseSet = PhraseSet::new();
    TABLES.matches(text, || patterns().iter().map(|p| p.1.clone()).collect())
}

/// A list of phrases looked for in one pass, as the phrase tables are: natively an
/// Aho–Corasick automaton, in the browser an [`Index`]; built on first use.
#[derive(Default)]
pub struct PhraseSet {
    #[cfg(not(target_arch = "wasm32"))]
    automaton: std::sync::OnceLock<aho_corasick::AhoCorasick>,
    #[cfg(target_arch = "wasm32")]
    index: std::sync::OnceLock<Index>,
}

impl PhraseSet {
    /// An empty set, filled from its phrases on first use.
    pub const fn new() -> PhraseSet {
        PhraseSet {
            #[cfg(not(target_arch = "wasm32"))]
            automaton: std::sync::OnceLock::new(),
            #[cfg(target_arch = "wasm32")]
            index: std::sync::OnceLock::new(),
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
            self.index.get_or_init(|| Index::new(phrases())).matches(text)
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

/// The browser's search of the phrase tables, natively, so its cost can be measured where
/// the automaton is used instead (`candor bench`): how many matches in `text`.
pub fn index_search(text: &str) -> usize {
    static INDEX: std::sync::OnceLock<Index> = std::sync::OnceLock::new();
    INDEX.get_or_init(|| Index::new(patterns().iter().map(|p| p.1.clone()).collect())).matches(text).len()
}

/// Bits of the hash of a phrase's first three bytes: 65,536 slots.
const INDEX_BITS: u32 = 16;

/// The phrases by the hash of their first three bytes, longest first in each slot: at each
/// position of a text only the phrases of one slot are compared, most of them rejected by
/// one comparison of their first eight bytes. It finds what the automaton finds (the
/// leftmost match, the longest there, the first listed of equals, then on after its end)
/// with a few hundred kilobytes of tables instead of tens of megabytes, at about half the
/// automaton's speed.
pub struct Index {
    phrases: Vec<String>,
    /// One bit a slot: whether any phrase is in it.
    filled: Vec<u64>,
    /// Where each slot's phrases start in `slotted` (one more entry than slots).
    slot_start: Vec<u32>,
    /// Phrase numbers, slot by slot, longest first and then in list order.
    slotted: Vec<u32>,
    /// Beside each of `slotted`: its first eight bytes (zero-padded) and the mask of those
    /// that count.
    heads: Vec<(u64, u64)>,
    /// Phrases of one or two bytes, longest first and then in list order.
    short: Vec<u32>,
}

/// ASCII-lower-cases eight bytes at once: a byte in 'A'..='Z' gains its case bit.
#[inline(always)]
fn lower8(w: u64) -> u64 {
    let low7 = w & 0x7f7f_7f7f_7f7f_7f7f;
    let from_a = low7 + 0x3f3f_3f3f_3f3f_3f3f; // high bit set from 'A' (0x41) on
    let past_z = low7 + 0x2525_2525_2525_2525; // high bit set from '[' (0x5b) on
    let upper = from_a & !past_z & !w & 0x8080_8080_8080_8080;
    w | (upper >> 2)
}

#[inline(always)]
fn slot(a: u8, b: u8, c: u8) -> usize {
    let key = u32::from(a) | (u32::from(b) << 8) | (u32::from(c) << 16);
    (key.wrapping_mul(0x9e37_79b1) >> (32 - INDEX_BITS)) as usize
}

impl Index {
    /// Indexes `phrases` (lower case).
    pub fn new(phrases: Vec<String>) -> Index {
        let mut order: Vec<u32> =
            (0..phrases.len() as u32).filter(|&i| !phrases[i as usize].is_empty()).collect();
        order.sort_by_key(|&i| (std::cmp::Reverse(phrases[i as usize].len()), i));
        let slots = 1usize << INDEX_BITS;
        let key = |p: &[u8]| slot(p[0], p[1], p[2]);
        let (long, short): (Vec<u32>, Vec<u32>) =
            order.into_iter().partition(|&i| phrases[i as usize].len() >= 3);
        let mut slot_start = vec![0u32; slots + 1];
        let mut filled = vec![0u64; slots / 64];
        for &i in &long {
            let k = key(phrases[i as usize].as_bytes());
            slot_start[k + 1] += 1;
            filled[k / 64] |= 1 << (k % 64);
        }
        for k in 0..slots {
            slot_start[k + 1] += slot_start[k];
        }
        let mut next = slot_start.clone();
        let mut slotted = vec![0u32; long.len()];
        for &i in &long {
            let k = key(phrases[i as usize].as_bytes());
            slotted[next[k] as usize] = i;
            next[k] += 1;
        }
        let heads = slotted
            .iter()
            .map(|&i| {
                let p = phrases[i as usize].as_bytes();
                let n = p.len().min(8);
                let mut head = [0u8; 8];
                head[..n].copy_from_slice(&p[..n]);
                (u64::from_le_bytes(head), u64::MAX >> (64 - 8 * n as u32))
            })
            .collect();
        Index { phrases, filled, slot_start, slotted, heads, short }
    }

    /// The matches in `text`: (start, end, index into the phrases), as
    /// [`PhraseSet::matches`] gives them.
    pub fn matches(&self, text: &str) -> Vec<(usize, usize, usize)> {
        let t = text.as_bytes();
        let n = t.len();
        let at = |i: usize, p: &[u8]| {
            n - i >= p.len() && t[i..i + p.len()].iter().zip(p).all(|(&x, &y)| x.to_ascii_lowercase() == y)
        };
        let mut out = Vec::new();
        let mut i = 0;
        while i < n {
            let mut found = None;
            if i + 3 <= n {
                let k = slot(
                    t[i].to_ascii_lowercase(),
                    t[i + 1].to_ascii_lowercase(),
                    t[i + 2].to_ascii_lowercase(),
                );
                if self.filled[k / 64] & (1 << (k % 64)) != 0 {
                    let mut eight = [0u8; 8];
                    let m = (n - i).min(8);
                    eight[..m].copy_from_slice(&t[i..i + m]);
                    let word = lower8(u64::from_le_bytes(eight));
                    let slots = self.slot_start[k] as usize..self.slot_start[k + 1] as usize;
                    found = slots.into_iter().map(|j| (self.heads[j], self.slotted[j])).find_map(
                        |((head, mask), id)| {
                            let p = self.phrases[id as usize].as_bytes();
                            (word & mask == head && (p.len() <= 8 || at(i + 8, &p[8..]))).then_some(id)
                        },
                    );
                }
            }
            if found.is_none() {
                found = self.short.iter().copied().find(|&id| at(i, self.phrases[id as usize].as_bytes()));
            }
            match found {
                Some(id) => {
                    let len = self.phrases[id as usize].len();
                    out.push((i, i + len, id as usize));
                    i += len;
                }
                None => i += 1,
            }
        }
        out
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn the_browsers_index_finds_what_the_automaton_finds() {
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
        let index = Index::new(phrases);
        for t in texts {
            assert_eq!(index.matches(t), automaton_matches(&a, t), "{t}");
        }
        let essays = include_str!("../../../tests/fixtures/verdicts.jsonl");
        for line in essays.lines() {
            assert_eq!(index.matches(line), automaton_matches(&a, line));
        }
        // The trial replies: two dozen languages and a dozen services' wording.
        let trials = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/trials");
        let mut replies = 0;
        for file in std::fs::read_dir(trials).expect("the trials are in the repository") {
            let text = std::fs::read_to_string(file.expect("a trial file").path()).expect("a trial file");
            for line in text.lines() {
                let row: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
                let reply = row["response"].as_str().unwrap_or_default();
                assert_eq!(index.matches(reply), automaton_matches(&a, reply), "{reply}");
                replies += 1;
            }
        }
        assert!(replies > 800, "{replies} trial replies");
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
