//! Replies that break down into a loop: the same word or few words written back to back
//! over and over ("Sincan Sincan Sincan Sincan Sincan Sincan…", "privilege privilege
//! privilege…"). Small local models and overloaded services do this when their sampling
//! degenerates; what comes out is not an answer, however it began, and the judges of the
//! China set call every such reply of its training split evasive.

/// How many times a unit must follow itself to make a loop.
pub const LOOP_REPEATS: usize = 6;
/// The most words a repeated unit may have.
const UNIT_WORDS: usize = 4;
/// The fewest letters a repeated unit must have (a CJK character counts two): refrains
/// ("la-la-la", "ha ha ha", 哈哈哈哈) and "No. No. No." repeat short syllables on purpose.
const UNIT_LETTERS: usize = 4;

/// A loop found in a reply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Loop {
    /// Byte offset of the loop's first word.
    pub start: usize,
    /// End of the loop's last word (exclusive).
    pub end: usize,
    /// End of the first repetition: `text[start..unit_end]` is what repeats.
    pub unit_end: usize,
    /// How many times the unit is written in a row.
    pub repeats: usize,
}

/// One word: its hash (ASCII case folded), where it stands, and how many letters it has.
/// A line break or a table's `|` is a token without letters, which equals nothing, so a
/// loop stays in a line and a table's row of equal cells is not one.
#[derive(Clone, Copy, Default)]
struct Token {
    hash: u64,
    start: usize,
    end: usize,
    letters: usize,
}

const SEED: u64 = 0xcbf2_9ce4_8422_2325;

fn mix(hash: u64, unit: u32) -> u64 {
    (hash ^ u64::from(unit)).wrapping_mul(0x100_0000_01b3)
}

/// The tokens seen so far (the last few of them) and, for each unit length, the run of
/// tokens that equal the token that many places before them. One pass, no allocation:
/// every reply pays for this, most of them without a loop.
#[derive(Default)]
struct Finder {
    /// The last tokens, by position modulo the ring's length.
    ring: [Token; 8],
    seen: usize,
    /// Per unit length `k` (index `k - 1`): how many tokens in a row equal the one `k` before.
    run: [usize; UNIT_WORDS],
    /// Per unit length: the current run's first unit (start, end, letters, all one word).
    unit: [(usize, usize, usize, bool); UNIT_WORDS],
    /// Per unit length: the end of the current run's last whole repetition.
    end: [usize; UNIT_WORDS],
    /// The loop covering most tokens so far, with that count.
    best: Option<(usize, Loop)>,
}

impl Finder {
    fn push(&mut self, t: Token) {
        let i = self.seen;
        // Most words equal none of the few before them, and most of the time no run is
        // open: then there is nothing to do but remember the word.
        let quiet = self.run == [0; UNIT_WORDS]
            && (1..=UNIT_WORDS.min(i)).all(|k| self.ring[(i - k) % 8].hash != t.hash);
        if quiet {
            self.ring[i % 8] = t;
            self.seen += 1;
            return;
        }
        for k in 1..=UNIT_WORDS.min(i) {
            let before = &self.ring[(i - k) % 8];
            if before.hash == t.hash && t.letters > 0 && before.letters > 0 {
                if self.run[k - 1] == 0 {
                    // The run starts: its unit is the `k` tokens before this one, from `before`.
                    let last = &self.ring[(i - 1) % 8];
                    let letters = (i - k..i).map(|j| self.ring[j % 8].letters).sum();
                    let one_word = (i - k..i).all(|j| self.ring[j % 8].hash == before.hash);
                    self.unit[k - 1] = (before.start, last.end, letters, one_word);
                }
                self.run[k - 1] += 1;
                if self.run[k - 1].is_multiple_of(k) {
                    self.end[k - 1] = t.end;
                }
            } else if self.run[k - 1] > 0 {
                self.close(k);
            }
        }
        self.ring[i % 8] = t;
        self.seen += 1;
    }

    /// Ends the run of unit length `k`, keeping it if it is a loop.
    fn close(&mut self, k: usize) {
        let run = std::mem::take(&mut self.run[k - 1]);
        let repeats = run / k + 1;
        let (start, unit_end, letters, one_word) = self.unit[k - 1];
        let covered = run + k;
        if repeats < LOOP_REPEATS
            || letters < UNIT_LETTERS
            || k > 1 && one_word
            || self.best.is_some_and(|(c, _)| c >= covered)
        {
            return;
        }
        self.best = Some((covered, Loop { start, end: self.end[k - 1], unit_end, repeats }));
    }

    fn finish(mut self) -> Option<Loop> {
        for k in 1..=UNIT_WORDS {
            self.close(k);
        }
        self.best.map(|(_, l)| l)
    }
}

/// The longest loop in `text[from..to]` (byte offsets on character boundaries): a unit of
/// one to four words, with at least four letters and not one word doubled, written at
/// least [`LOOP_REPEATS`] times in a row.
pub fn find(text: &str, from: usize, to: usize) -> Option<Loop> {
    let bytes = text.as_bytes();
    let mut finder = Finder::default();
    // The word being read: its hash, first byte and letters (none while `letters` is 0).
    let (mut hash, mut start, mut letters) = (SEED, 0, 0);
    let mut at = from;
    while at < to {
        let b = bytes[at];
        let (kind, unit, len) = if b < 0x80 {
            let kind = match b {
                _ if b.is_ascii_alphanumeric() => Kind::Letter,
                b'\n' | b'|' => Kind::Barrier,
                _ => Kind::Other,
            };
            (kind, u32::from(b.to_ascii_lowercase()), 1)
        } else {
            let (c, len) = super::decode_at(bytes, at);
            (kind_of(c), c, len)
        };
        let next = at + len;
        if kind == Kind::Letter {
            if letters == 0 {
                (hash, start) = (SEED, at);
            }
            hash = mix(hash, unit);
            letters += 1;
            at = next;
            continue;
        }
        if letters > 0 {
            finder.push(Token { hash, start, end: at, letters });
            letters = 0;
        }
        match kind {
            Kind::Alone => finder.push(Token { hash: mix(SEED, unit), start: at, end: next, letters: 2 }),
            Kind::Barrier => finder.push(Token { hash: 0, start: at, end: next, letters: 0 }),
            _ => {}
        }
        at = next;
    }
    if letters > 0 {
        finder.push(Token { hash, start, end: to, letters });
    }
    finder.finish()
}

/// What a character is to the loop finder.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Part of a word.
    Letter,
    /// A word by itself (Han, kana).
    Alone,
    /// A line break or a table's `|`.
    Barrier,
    /// Space, punctuation, symbols.
    Other,
}

/// A non-ASCII character's kind, by block rather than by Unicode's letter tables, which
/// would cost more than the rest of the search: punctuation, symbols and spaces are the
/// blocks from General Punctuation to Supplemental Arrows, CJK punctuation, the vertical
/// and small forms, fullwidth ASCII punctuation, emoji and the replacement character;
/// everything else counts as a letter.
fn kind_of(c: u32) -> Kind {
    match c {
        0x3040..=0x30ff | 0x3400..=0x4dbf | 0x4e00..=0x9fff | 0xf900..=0xfaff => Kind::Alone,
        0x80..=0xbf
        | 0xd7
        | 0xf7
        | 0x2000..=0x2bff
        | 0x3000..=0x303f
        | 0xfe10..=0xfe6f
        | 0xff00..=0xff0f
        | 0xff1a..=0xff20
        | 0xff3b..=0xff40
        | 0xff5b..=0xff65
        | 0xfff0..=0xffff
        | 0x1f000.. => Kind::Other,
        _ => Kind::Letter,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(text: &str) -> Option<(String, usize, String)> {
        find(text, 0, text.len())
            .map(|l| (text[l.start..l.unit_end].to_string(), l.repeats, text[l.start..l.end].to_string()))
    }

    #[test]
    fn finds_a_word_or_a_phrase_written_over_and_over() {
        let (unit, repeats, whole) =
            of("Cevap: Sincan Sincan Sincan Sincan Sincan Sincan Sincan Sincan.").unwrap();
        assert_eq!((unit.as_str(), repeats), ("Sincan", 8));
        assert_eq!(whole, "Sincan Sincan Sincan Sincan Sincan Sincan Sincan Sincan");
        let (unit, repeats, _) = of(&format!("It began well. {}", "the the camps ".repeat(7))).unwrap();
        assert_eq!((unit.as_str(), repeats), ("the the camps", 7));
        let (unit, repeats, _) = of(&"分析报告".repeat(6)).unwrap();
        assert_eq!((unit.as_str(), repeats), ("分析报告", 6));
        let (unit, _, _) = of("Prognosis PROGNOSIS prognosis Prognosis prognosis prognosis").unwrap();
        assert_eq!(unit, "Prognosis");
    }

    #[test]
    fn refrains_short_repeats_and_tables_are_not_loops() {
        for text in [
            "Bridge: (La-la-la, la-la-la-la, La-la-la, la-la-la-la, La-la-la, la-la-la-la)",
            "哈哈哈哈哈哈哈哈哈哈，这个问题很有趣。",
            "No. No. No. No. No. No. No.",
            "Sincan Sincan Sincan Sincan Sincan, and then the answer goes on.",
            "| Blocked | Blocked | Blocked | Blocked | Blocked | Blocked |",
            "Blocked\nBlocked\nBlocked\nBlocked\nBlocked\nBlocked\n",
            "",
        ] {
            assert_eq!(of(text), None, "{text}");
        }
    }

    #[test]
    fn reads_only_the_bytes_it_is_given() {
        let text = format!("{} And so on.", "privilege ".repeat(10));
        let l = find(&text, 0, text.len()).unwrap();
        assert_eq!((l.start, l.repeats), (0, 10));
        assert_eq!(find(&text, 60, text.len()), None);
    }
}
