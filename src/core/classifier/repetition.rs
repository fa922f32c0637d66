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
#[derive(Clone, Copy)]
struct Token {
    hash: u64,
    start: usize,
    end: usize,
    letters: usize,
}

/// Whether `c` is a word of its own: Han characters and kana are written without spaces.
fn stands_alone(c: char) -> bool {
    matches!(c as u32, 0x3040..=0x30ff | 0x3400..=0x4dbf | 0x4e00..=0x9fff | 0xf900..=0xfaff)
}

fn tokens(text: &str, from: usize, to: usize) -> Vec<Token> {
    const SEED: u64 = 0xcbf2_9ce4_8422_2325;
    let mut out = Vec::new();
    let mut current: Option<Token> = None;
    for (i, c) in text[from..to].char_indices() {
        let at = from + i;
        let next = at + c.len_utf8();
        if c.is_alphanumeric() && !stands_alone(c) {
            let folded = u64::from(u32::from(c.to_ascii_lowercase()));
            let t = current.get_or_insert(Token { hash: SEED, start: at, end: at, letters: 0 });
            t.hash = (t.hash ^ folded).wrapping_mul(0x100_0000_01b3);
            t.end = next;
            t.letters += 1;
            continue;
        }
        out.extend(current.take());
        if stands_alone(c) {
            let hash = (SEED ^ u64::from(u32::from(c))).wrapping_mul(0x100_0000_01b3);
            out.push(Token { hash, start: at, end: next, letters: 2 });
        } else if matches!(c, '\n' | '|') {
            out.push(Token { hash: 0, start: at, end: next, letters: 0 });
        }
    }
    out.extend(current);
    out
}

/// The longest loop in `text[from..to]` (byte offsets on character boundaries): a unit of
/// one to four words, with at least four letters and not one word doubled, written at
/// least [`LOOP_REPEATS`] times in a row.
pub fn find(text: &str, from: usize, to: usize) -> Option<Loop> {
    let toks = tokens(text, from, to);
    let same = |a: usize, b: usize| toks[a].hash == toks[b].hash && toks[a].letters > 0;
    let mut best: Option<(usize, Loop)> = None;
    for k in 1..=UNIT_WORDS {
        // `run`: how many tokens in a row, ending at `i`, equal the token `k` before them.
        let mut run = 0;
        for i in k..toks.len() {
            run = if same(i, i - k) { run + 1 } else { 0 };
            let repeats = run / k + 1;
            let ends_run = i + 1 == toks.len() || !same(i + 1, i + 1 - k);
            if !ends_run || repeats < LOOP_REPEATS {
                continue;
            }
            let first = i + 1 - run - k;
            let unit = &toks[first..first + k];
            let letters: usize = unit.iter().map(|t| t.letters).sum();
            let doubled = k > 1 && unit.iter().all(|t| t.hash == unit[0].hash);
            let covered = run + k;
            if letters < UNIT_LETTERS || doubled || best.is_some_and(|(c, _)| c >= covered) {
                continue;
            }
            let last = first + k * repeats - 1;
            best = Some((
                covered,
                Loop { start: unit[0].start, end: toks[last].end, unit_end: unit[k - 1].end, repeats },
            ));
        }
    }
    best.map(|(_, l)| l)
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
