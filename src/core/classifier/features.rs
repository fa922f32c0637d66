//! What the text model looks at: hashed character n-grams of the answer (with the opening
//! hashed apart, since refusals and canned lines live there), words and word pairs, and
//! named features (length, script, what the rules found). The reasoning trace is not read:
//! whether a model reasons, and how, says little about what its answer does.
//!
//! Training and inference share [`extract`], so a shipped model always sees exactly the
//! features it was trained on.

/// Number of hash buckets (a power of two).
pub const BUCKETS: usize = 1 << 16;

/// How many characters of the answer are read; the verdict is almost always evident early,
/// and this bounds the cost of long essays.
const ANSWER_CHARS: usize = 800;
/// Bytes of the end of a long answer that are read.
const TAIL_BYTES: usize = 600;
/// Characters that count as the opening.
const HEAD_CHARS: usize = 160;

/// One feature: a bucket and its value.
pub type Feature = (u32, f32);

/// Where [`extract_into`] puts features: a list (training, evidence), or a model's running
/// sums ([`Scores`](super::model::Scores)), which saves writing thousands of features to
/// memory only to read them back.
pub trait Sink {
    /// Takes the next feature.
    fn push(&mut self, feature: Feature);
    /// Takes the next features, one a bucket, all with the same value.
    fn push_run(&mut self, value: f32, buckets: &[u32]);
}

impl Sink for Vec<Feature> {
    #[inline]
    fn push(&mut self, feature: Feature) {
        Vec::push(self, feature);
    }

    fn push_run(&mut self, value: f32, buckets: &[u32]) {
        self.extend(buckets.iter().map(|&b| (b, value)));
    }
}

/// Facts the rules found, passed to the model as named features.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct RuleFacts {
    /// Length of the whole answer in characters.
    pub chars: usize,
    /// A refusal phrase in the opening.
    pub refusal: bool,
    /// A lecturing refusal in the opening.
    pub moralising: bool,
    /// A claim not to know, in the opening.
    pub ignorance: bool,
    /// A service's canned line.
    pub canned: bool,
    /// A platform notice.
    pub notice: bool,
    /// Official-line formulas in the reply's own voice.
    pub formulas: usize,
    /// Official-line wording others use too.
    pub markers: usize,
    /// Distinct facts the official line leaves out, stated in the reply's own voice.
    pub critical: usize,
    /// Distinct facts the official line leaves out that the reply names to deny them.
    pub denied: usize,
    /// Hedges.
    pub hedges: usize,
    /// Specifics the question did not contain.
    pub specifics: usize,
    /// The reasoning field was present but empty.
    pub empty_reasoning: bool,
}

/// Multiplicative hashing: the top bits of the product spread n-gram hashes evenly over
/// the buckets at the cost of one multiplication.
#[inline]
fn bucket(h: u64) -> u32 {
    (h.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - BUCKETS.trailing_zeros())) as u32
}

fn name_hash(name: &str) -> u64 {
    name.bytes().fold(0x9e37_79b9_7f4a_7c15u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3))
}

fn named(name: &str) -> u32 {
    bucket(name_hash(name))
}

/// A named feature with a level (`rule:hedges` at level 2), without building a string.
fn named_level(name: &str, level: usize) -> u32 {
    bucket((name_hash(name) ^ (level as u64 + 1)).wrapping_mul(0x100_0000_01b3))
}

#[inline]
fn fold_char(c: char) -> u32 {
    // ASCII case and digits carry no signal of their own; full-width punctuation is folded
    // onto ASCII so Chinese and English punctuation share features.
    if c.is_ascii() {
        return match c {
            'A'..='Z' => c as u32 + 32,
            '0'..='9' => '0' as u32,
            '\t' | '\n' | '\r' | '\x0c' => ' ' as u32,
            c => c as u32,
        };
    }
    match c {
        'A'..='Z' => c as u32 + 32,
        '0'..='9' => '0' as u32,
        '，' => ',' as u32,
        '。' => '.' as u32,
        '！' => '!' as u32,
        '？' => '?' as u32,
        '：' => ':' as u32,
        '；' => ';' as u32,
        '“' | '”' | '「' | '」' => '"' as u32,
        '’' | '‘' => '\'' as u32,
        c if c.is_whitespace() => ' ' as u32,
        c => c as u32,
    }
}

#[inline]
fn step(h: u64, c: u32) -> u64 {
    (h ^ u64::from(c)).wrapping_mul(0x100_0000_01b3).rotate_left(5)
}

/// Pushes hashed 2-, 3- and 4-grams of `chars`, each with weight `w`, in namespace `ns`.
/// `buckets` is scratch space: the group is hashed first, then handed over in one run.
fn ngrams(chars: &[u32], ns: u64, w: f32, buckets: &mut Vec<u32>, out: &mut impl Sink) {
    buckets.clear();
    let n = chars.len();
    for i in 0..n {
        let h1 = step(ns, chars[i]);
        if i + 1 >= n {
            break;
        }
        let h2 = step(h1, chars[i + 1]);
        buckets.push(bucket(h2 ^ 1));
        if i + 2 < n {
            let h3 = step(h2, chars[i + 2]);
            buckets.push(bucket(h3 ^ 2));
            if i + 3 < n {
                buckets.push(bucket(step(h3, chars[i + 3]) ^ 3));
            }
        }
    }
    out.push_run(w, buckets);
}

/// Folds one character: case and digits folded, runs of whitespace and markdown decoration
/// collapsed to one space (`None` for a character that continues such a run). Feature
/// extraction and model evidence both read the text through this one function, so
/// evidence points at exactly the characters the model saw.
#[inline]
fn fold_step(last_space: &mut bool, c: char) -> Option<u32> {
    let f = if matches!(c, '*' | '#' | '_' | '`' | '>' | '|') { ' ' as u32 } else { fold_char(c) };
    if f == ' ' as u32 {
        if *last_space {
            return None;
        }
        *last_space = true;
    } else {
        *last_space = false;
    }
    Some(f)
}

/// The writing system of a folded non-ASCII letter (1 to 7; 0 for Latin), or `None` for
/// anything that is not a letter. Kana and Hangul count with the ideographs: they mix in
/// ordinary CJK text.
#[inline]
fn script(c: u32) -> Option<usize> {
    Some(match c {
        0xc0..=0x24f => 0,
        0x370..=0x3ff => 1,
        0x400..=0x52f => 2,
        0x590..=0x5ff => 3,
        0x600..=0x6ff => 4,
        0x900..=0xdff => 5,
        0xe00..=0xe7f => 6,
        0x3040..=0x30ff | 0x3400..=0x4dbf | 0x4e00..=0x9fff | 0xac00..=0xd7af => 7,
        _ => return None,
    })
}

/// Runs of letters in a writing system that is neither the text's main one nor Latin.
/// Replies that break down into a jumble of scripts (a Finnish essay drifting into
/// Chinese, Cyrillic and Arabic fragments) say nothing the judges count as an answer,
/// whatever model or language produced them, and their n-grams are too scattered to learn.
/// Counted while the characters are collected, so it costs next to nothing.
#[derive(Clone, Default)]
struct ForeignRuns {
    letters: [u32; 8],
    runs: [u32; 8],
    last: Option<usize>,
}

impl ForeignRuns {
    #[inline(always)]
    fn push(&mut self, c: u32) {
        if c < 0x80 {
            // Folded ASCII letters are lower case; runs of Latin itself are never counted.
            if (c as u8).is_ascii_lowercase() {
                self.letters[0] += 1;
                self.last = Some(0);
            }
            return;
        }
        if let Some(s) = script(c) {
            self.letters[s] += 1;
            if self.last != Some(s) {
                self.runs[s] += 1;
            }
            self.last = Some(s);
        }
    }

    /// Counts the rest of a text as [`ForeignRuns::push`] would count its folded
    /// characters, at a fraction of the cost: a stretch of ASCII only counts its letters
    /// (and ends any run of another script when it has one), and only the characters
    /// outside ASCII are decoded. Folding never turns a character outside ASCII into a
    /// letter, so it is not needed here.
    fn push_rest(&mut self, text: &str) {
        let bytes = text.as_bytes();
        // Letters that continue the current run (of script `self.last`), added to its
        // count when the run ends: one counter in a register instead of a store per letter.
        let mut same = 0u32;
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if b < 0x80 {
                let (letters, step) = ascii_letters(&bytes[i..]);
                if letters > 0 {
                    if self.last == Some(0) {
                        same += letters;
                    } else {
                        self.end_run(&mut same);
                        self.letters[0] += letters;
                        self.last = Some(0);
                    }
                }
                i += step;
                continue;
            }
            // Lead bytes 0xe5 to 0xe9 start U+5000 to U+9FFF, all ideographs, and 0xc3
            // starts U+00C0 to U+00FF, all Latin here (ä, ö, é): inside a run of their own
            // script they only add a letter, with nothing to decode.
            if (0xe5..=0xe9).contains(&b) && self.last == Some(7) {
                same += 1;
                i += 3;
                continue;
            }
            if b == 0xc3 && self.last == Some(0) {
                same += 1;
                i += 2;
                continue;
            }
            // The text is valid UTF-8, so a lead byte is followed by its continuation bytes.
            // Nothing beyond the Basic Multilingual Plane has a script here.
            let (c, len) = super::decode_at(bytes, i);
            if let Some(s) = script(c) {
                if self.last == Some(s) {
                    same += 1;
                } else {
                    self.end_run(&mut same);
                    self.push(c);
                }
            }
            i += len;
        }
        self.end_run(&mut same);
    }

    /// Adds the letters counted for the current run to its script.
    fn end_run(&mut self, same: &mut u32) {
        if let Some(s) = self.last {
            self.letters[s] += *same;
        }
        *same = 0;
    }

    /// The runs outside the main script (the one with the most letters) and Latin.
    fn foreign(&self) -> usize {
        let main = (0..8).max_by_key(|&s| (self.letters[s], 8 - s)).unwrap_or(0);
        (1..8).filter(|&s| s != main).map(|s| self.runs[s] as usize).sum()
    }
}

/// The ASCII bytes `bytes` starts with (it starts with one), up to sixteen of them read at
/// once: how many of them are letters, and how many there are (up to the first byte outside
/// ASCII; only the first byte when fewer than sixteen are left).
#[inline]
pub(super) fn ascii_letters(bytes: &[u8]) -> (u32, usize) {
    const HIGH_BITS: u128 = 0x8080_8080_8080_8080_8080_8080_8080_8080;
    match bytes.first_chunk::<16>() {
        Some(&chunk) => {
            let word = u128::from_le_bytes(chunk);
            // How many bytes before the first one outside ASCII (at least one).
            let high = word & HIGH_BITS;
            let ascii = if high == 0 { 16 } else { high.trailing_zeros() as usize / 8 };
            let keep = if ascii == 16 { HIGH_BITS } else { HIGH_BITS & ((1u128 << (8 * ascii)) - 1) };
            // A byte is a letter when, with the case bit set, it lies in 'a'..='z'. An ASCII
            // byte never carries into the next one, and a carry out of a byte outside ASCII
            // only reaches bytes after it, which `keep` leaves out.
            let lower = word | 0x2020_2020_2020_2020_2020_2020_2020_2020;
            let from_a = lower.wrapping_add(0x1f1f_1f1f_1f1f_1f1f_1f1f_1f1f_1f1f_1f1f);
            let past_z = lower.wrapping_add(0x0505_0505_0505_0505_0505_0505_0505_0505);
            ((from_a & !past_z & keep).count_ones(), ascii)
        }
        None => (u32::from(bytes.first().is_some_and(u8::is_ascii_alphabetic)), 1),
    }
}

/// Folds and collects up to `max` characters, counting runs of each script on the way.
/// Returns the byte offset where it stopped (the text's length when it read it all).
fn collect_chars(text: &str, max: usize, buf: &mut Vec<u32>, scripts: &mut ForeignRuns) -> usize {
    buf.clear();
    let bytes = text.as_bytes();
    let mut last_space = true;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let f = if b < 0x80 {
            // ASCII, the common case: folded by table, without decoding.
            i += 1;
            let f = ASCII_FOLD[usize::from(b)];
            if f == b' ' {
                if last_space {
                    continue;
                }
                last_space = true;
            } else {
                last_space = false;
            }
            u32::from(f)
        } else {
            let c = text[i..].chars().next().unwrap_or_default();
            i += c.len_utf8();
            match fold_step(&mut last_space, c) {
                Some(f) => f,
                None => continue,
            }
        };
        scripts.push(f);
        buf.push(f);
        if buf.len() >= max {
            return i;
        }
    }
    text.len()
}

/// What [`fold_step`] makes of each ASCII character (before collapsing spaces).
const ASCII_FOLD: [u8; 128] = {
    let mut table = [0u8; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        table[b] = match c {
            b'*' | b'#' | b'_' | b'`' | b'>' | b'|' => b' ',
            b'A'..=b'Z' => c + 32,
            b'0'..=b'9' => b'0',
            b'\t' | b'\n' | b'\r' | 0x0c => b' ',
            _ => c,
        };
        b += 1;
    }
    table
};

/// The features of one reply, in `out` (cleared first).
pub fn extract(answer: &str, rules: &RuleFacts, out: &mut Vec<Feature>) {
    out.clear();
    extract_into(answer, rules, out);
}

/// The features of one reply, in order, into `out`.
pub fn extract_into(answer: &str, rules: &RuleFacts, out: &mut impl Sink) {
    let mut chars = Vec::with_capacity(ANSWER_CHARS);
    let mut buckets = Vec::with_capacity(3 * ANSWER_CHARS);
    let mut scripts = ForeignRuns::default();
    let read = collect_chars(answer, ANSWER_CHARS, &mut chars, &mut scripts);
    let cjk = scripts.letters[7] as usize;
    // The same count over the whole reply: a long essay that falls apart halfway through is
    // as evasive as one that does so at once, and only a count of scripts is cheap enough to
    // take over all of it.
    let mut whole = scripts.clone();
    whole.push_rest(&answer[read..]);
    let n = chars.len();
    if n > 0 {
        // Each n-gram group is scaled so the group has about unit norm whatever its length.
        let w = 1.0 / ((3 * n) as f32).sqrt();
        ngrams(&chars, 1, w, &mut buckets, out);
        let head = &chars[..n.min(HEAD_CHARS)];
        ngrams(head, 2, 1.0 / ((3 * head.len()) as f32).sqrt(), &mut buckets, out);
    }
    // The closing of a long answer, hashed apart: evasive essays often end by restating the
    // official position or by steering away.
    if answer.len() > 4 * TAIL_BYTES {
        let mut from = answer.len() - TAIL_BYTES;
        while !answer.is_char_boundary(from) {
            from += 1;
        }
        let mut tail = Vec::with_capacity(TAIL_BYTES);
        collect_chars(&answer[from..], TAIL_BYTES, &mut tail, &mut scripts);
        if tail.len() > 3 {
            ngrams(&tail, 6, 0.7 / ((3 * tail.len()) as f32).sqrt(), &mut buckets, out);
        }
    }
    // Latin-script words and word pairs: they carry across writing styles better than
    // character n-grams alone.
    let mut words: Vec<u64> = Vec::new();
    let mut h = 0u64;
    let mut len = 0;
    for &c in &chars {
        // ASCII letters, and anything from Latin-1 up to (not including) the CJK blocks.
        let letter = (c as u8).is_ascii_alphabetic() && c < 0x80 || (0xc0..0x3000).contains(&c);
        if letter {
            h = (h ^ u64::from(c)).wrapping_mul(0x100_0000_01b3);
            len += 1;
        } else if len > 0 {
            words.push(h);
            h = 0;
            len = 0;
        }
    }
    if len > 0 {
        words.push(h);
    }
    if !words.is_empty() {
        let w = 1.0 / ((2 * words.len()) as f32).sqrt();
        buckets.clear();
        for (i, &word) in words.iter().enumerate() {
            buckets.push(bucket(word ^ 4));
            if let Some(&next) = words.get(i + 1) {
                buckets.push(bucket(word.rotate_left(17) ^ next ^ 5));
            }
        }
        out.push_run(w, &buckets);
    }
    let script = if n == 0 {
        "script:none"
    } else if cjk * 3 > n {
        "script:cjk"
    } else {
        "script:latin"
    };
    let mut push = |name: &str| out.push((named(name), 1.0));
    push("bias");
    push(script);
    let flags = [
        (rules.refusal, "rule:refusal"),
        (rules.moralising, "rule:moralising"),
        (rules.ignorance, "rule:ignorance"),
        (rules.canned, "rule:canned"),
        (rules.notice, "rule:notice"),
        (rules.empty_reasoning, "rule:empty-reasoning"),
    ];
    for (on, name) in flags {
        if on {
            push(name);
        }
    }
    let buckets = [
        ("formulas", rules.formulas, [1, 2, 3]),
        ("markers", rules.markers, [1, 2, 4]),
        ("critical", rules.critical, [1, 2, 4]),
        ("denied", rules.denied, [1, 2, 4]),
        ("hedges", rules.hedges, [1, 2, 4]),
        ("specifics", rules.specifics, [1, 3, 6]),
        ("chars", rules.chars, [200, 600, 1500]),
        ("foreign-runs", scripts.foreign(), [1, 3, 8]),
    ];
    for (name, value, edges) in buckets {
        let level = edges.iter().filter(|&&e| value >= e).count();
        out.push((named_level(name, level), 1.0));
    }
    let level = [1, 3, 8, 20].iter().filter(|&&e| whole.foreign() >= e).count();
    out.push((named_level("foreign-all", level), 1.0));
}

/// The answer characters (after folding) that feature extraction read, with their byte
/// offsets in the answer, so model evidence can point back into the text.
pub fn answer_positions(answer: &str, max: usize) -> Vec<(usize, u32)> {
    let cap = max.min(ANSWER_CHARS);
    let mut out = Vec::with_capacity(cap);
    let mut last_space = true;
    for (i, c) in answer.char_indices() {
        if let Some(f) = fold_step(&mut last_space, c) {
            out.push((i, f));
            if out.len() >= cap {
                break;
            }
        }
    }
    out
}

/// The bucket of the `len`-gram (2 to 4) starting at `chars[0]`, in the answer namespace.
pub fn answer_ngram_bucket(chars: &[u32], len: usize) -> u32 {
    bucket(chars[..len].iter().fold(1u64, |h, &c| step(h, c)) ^ (len - 1) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn features_are_deterministic_and_scale_free() {
        let mut a = Vec::new();
        let mut b = Vec::new();
        let facts = RuleFacts { chars: 23, ..RuleFacts::default() };
        extract("I can't help with that.", &facts, &mut a);
        extract("I CAN'T help   with that.", &facts, &mut b);
        assert_eq!(a, b, "case and whitespace runs are folded");
        // The answer's n-grams come first, scaled so that group has about unit norm (a text
        // longer than the opening, so the opening's group has another scale).
        let long = "A long answer that goes on. ".repeat(20);
        extract(&long, &RuleFacts { chars: long.len(), ..RuleFacts::default() }, &mut a);
        let first = a[0].1;
        let norm: f32 = a.iter().take_while(|f| f.1 == first).map(|f| f.1 * f.1).sum();
        assert!(norm > 0.8 && norm < 1.01, "{norm}");
    }

    #[test]
    fn a_jumble_of_scripts_is_flagged_and_ordinary_mixing_is_not() {
        let level = |text: &str| {
            let mut f = Vec::new();
            extract(text, &RuleFacts::default(), &mut f);
            (0..4).find(|&l| f.contains(&(named_level("foreign-runs", l), 1.0)))
        };
        // Chinese with English terms, and English with one Chinese name: the usual mixing.
        assert_eq!(level("2019年，香港的 Anti-ELAB 运动持续数月，CNN 和 BBC 都有报道。"), Some(0));
        assert_eq!(level("The slogan 为人民服务 means 'serve the people'."), Some(1));
        // A Finnish reply that falls apart into fragments of five other scripts.
        let jumble = "Kiinan politiikka 如雨 ovien ajoisiontaamia Сейчас مليار 西门庆 pallana ありがとう \
                      Конфигурация وقت 专利 données Ελλάδα 数十万 дом بر 吆喝 laivassa";
        assert_eq!(level(jumble), Some(3));
    }

    #[test]
    fn the_fast_count_of_scripts_matches_the_folded_one() {
        let texts = [
            "Plain English, with CAPITALS and digits 1989.",
            "Kiinan politiikka 如雨 ovien Сейчас مليار 西门庆 pallana ありがとう Ελλάδα ÄÖ äö «quoted» — dash",
            "@[`{~ AZaz Zz 🙂 한국어 हिन्दी ไทย עברית ASCII only, sixteen bytes and more: @@@@[[[[````{{{{",
            "Päätös tehtiin äänestyksellä; vähemmistö jäi äänettömäksi. Café, naïve, façade × ÷ Ø ø.",
            "中文里的长段落，没有英文字母也没有空格，一直写下去，看看计数是否一致。龘䷀䷁㐀㑀「引号」",
            "２０１９年，香港的 Anti-ELAB 运动持续数月：“CNN”和 BBC 都有报道。　全角空格",
            "",
        ];
        for text in texts {
            let mut folded = ForeignRuns::default();
            for c in text.chars() {
                folded.push(fold_char(c));
            }
            let mut fast = ForeignRuns::default();
            fast.push_rest(text);
            assert_eq!(
                (folded.letters, folded.runs, folded.last),
                (fast.letters, fast.runs, fast.last),
                "{text}"
            );
        }
    }

    #[test]
    fn folding_ascii_by_table_reads_as_folding_each_character() {
        let every_ascii: String = (0u8..128).map(char::from).collect();
        let texts = [
            every_ascii.as_str(),
            "  **Bold** and `code`,\t\ttabs\r\n\n# Heading >quote |cell| __x__ 1989 ABC",
            "Kiinan politiikka 如雨 — «quoted» ÄÖ　全角　空格 ２０１９ 🙂 \u{b} end",
            "",
        ];
        for text in texts {
            for max in [3, 50, 800] {
                let mut last_space = true;
                let mut reference = Vec::new();
                let mut stop = text.len();
                for (at, c) in text.char_indices() {
                    if let Some(f) = fold_step(&mut last_space, c) {
                        reference.push(f);
                        if reference.len() >= max {
                            stop = at + c.len_utf8();
                            break;
                        }
                    }
                }
                let mut chars = Vec::new();
                let read = collect_chars(text, max, &mut chars, &mut ForeignRuns::default());
                assert_eq!((chars, read), (reference, stop), "{text:?} up to {max}");
            }
        }
    }

    #[test]
    fn scores_summed_as_features_arrive_are_the_logits_of_the_list() {
        let model = crate::core::classifier::shipped_model().expect("the model ships with the crate");
        let facts = RuleFacts { chars: 700, hedges: 2, refusal: true, ..RuleFacts::default() };
        for text in ["Sorry, no.", "这是一个复杂而敏感的话题。", &"The square was cleared. ".repeat(200), ""]
        {
            let mut list = Vec::new();
            extract(text, &facts, &mut list);
            let mut scores = super::super::model::Scores::new(model);
            extract_into(text, &facts, &mut scores);
            let (a, b) = (model.logits(&list), scores.logits());
            assert_eq!(a.map(f32::to_bits), b.map(f32::to_bits), "{text}");
        }
    }

    #[test]
    fn ngram_buckets_match_the_extractor() {
        let text = "Sorry, no.";
        let pos = answer_positions(text, 100);
        let chars: Vec<u32> = pos.iter().map(|p| p.1).collect();
        let mut feats = Vec::new();
        extract(text, &RuleFacts::default(), &mut feats);
        for len in 2..=4 {
            let b = answer_ngram_bucket(&chars[3..], len);
            assert!(feats.iter().any(|f| f.0 == b), "{len}-gram at 3 not extracted");
        }
    }
}
