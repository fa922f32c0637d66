//! How much a reply says: specifics (figures, dates, names) that the question did not
//! already contain. Generic filler names the question back and adds nothing; an answer
//! adds dates, numbers and names.

/// How much of the answer is read for specifics.
const READ_BYTES: usize = 2000;

use super::lang::ReplyLang;

/// German function words: German capitalises every noun, so there a capital marks no name.
const GERMAN: [&str; 16] = [
    "der", "die", "das", "und", "ist", "nicht", "mit", "ein", "eine", "sich", "von", "auf", "dem", "den",
    "sind", "wird",
];

/// Whether capitalised words inside a sentence are names: not in German (three or more of
/// its function words among the first 80 words). Only a reply in none of the languages Candor
/// reads (`lang`) is looked at: the check costs about 5% of classifying.
fn capitals_are_names(text: &str, lang: ReplyLang) -> bool {
    if lang != ReplyLang::Other {
        return true;
    }
    let words = text.split(|c: char| !c.is_alphabetic()).filter(|w| !w.is_empty()).take(80);
    words.filter(|w| GERMAN.iter().any(|g| g.eq_ignore_ascii_case(w))).count() < 3
}

/// Counts specifics in the opening of `answer` that are not in `prompt`: runs of digits
/// (years, figures) and capitalised words inside a sentence (names of people and places;
/// not in German).
pub fn novel_specifics(answer: &str, prompt: Option<&str>, lang: ReplyLang) -> usize {
    let end = super::floor_boundary(answer, READ_BYTES);
    let text = &answer[..end];
    // One loop for each case: with a flag tested inside it, `candor classify` ran about 3%
    // slower (median of nine paired runs).
    if capitals_are_names(text, lang) {
        count::<true>(text, prompt)
    } else {
        count::<false>(text, prompt)
    }
}

/// [`novel_specifics`] over `text`: figures, and capitalised words when `NAMES`.
fn count<const NAMES: bool>(text: &str, prompt: Option<&str>) -> usize {
    let b = text.as_bytes();
    let in_prompt = |word: &str| prompt.is_some_and(|p| p.contains(word));
    let mut n = 0;
    let mut i = 0;
    while i < b.len() {
        // Only a digit or a capital starts a specific.
        i = next_digit_or_capital(b, i);
        if i == b.len() {
            break;
        }
        let start = i;
        if b[i].is_ascii_digit() {
            while i < b.len() && (b[i].is_ascii_digit() || b[i] == b',' || b[i] == b'.') {
                i += 1;
            }
            let digits = text[start..i].trim_end_matches([',', '.']);
            // The number of an item in a list ("\n2. Compare sources") is no figure.
            let before = text[..start].trim_end_matches([' ', '\t']);
            let at_line_start = before.is_empty() || before.ends_with('\n');
            let numbered = digits.len() <= 2
                && (text[start..i].ends_with('.') || b.get(i) == Some(&b')'))
                && matches!(b.get(i + usize::from(b.get(i) == Some(&b')'))), Some(b' ' | b'\t'));
            n += usize::from(!(in_prompt(digits) || at_line_start && numbered));
            continue;
        }
        let mid_sentence = i >= 2
            && b[i - 1] == b' '
            && !matches!(b[i - 2], b'.' | b'!' | b'?' | b':' | b'\n' | b'*' | b'#' | b'-' | b')');
        if NAMES && b[i].is_ascii_uppercase() && mid_sentence {
            while i < b.len() && b[i].is_ascii_alphabetic() {
                i += 1;
            }
            let word = &text[start..i];
            // Pronoun and the capitals every sentence has are not names.
            n += usize::from(word.len() > 1 && !in_prompt(word));
            continue;
        }
        i += 1;
    }
    n
}

/// Where the next ASCII digit or capital letter stands in `b`, from `i` on (`b.len()` when
/// none does). Sixteen bytes are tested at once, so the text between specifics, which is most
/// of it, costs a few operations a chunk.
fn next_digit_or_capital(b: &[u8], mut i: usize) -> usize {
    const fn splat(byte: u8) -> u128 {
        u128::from_ne_bytes([byte; 16])
    }
    while let Some(chunk) = b.get(i..).and_then(<[u8]>::first_chunk::<16>) {
        let word = u128::from_le_bytes(*chunk);
        // Per byte, on its low seven bits (no carry crosses into the next byte): the high
        // bit is set from `lo` on, and again past `hi`. Bytes outside ASCII are left out.
        let low7 = word & splat(0x7f);
        let within = |lo: u8, hi: u8| (low7 + splat(0x80 - lo)) & !(low7 + splat(0x7f - hi));
        let hits = (within(b'0', b'9') | within(b'A', b'Z')) & !word & splat(0x80);
        if hits != 0 {
            return i + hits.trailing_zeros() as usize / 8;
        }
        i += 16;
    }
    while i < b.len() && !(b[i].is_ascii_digit() || b[i].is_ascii_uppercase()) {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chunked_skip_stops_where_a_byte_by_byte_one_would() {
        let every_byte: Vec<u8> = (0..=255u8).chain((0..=255u8).rev()).collect();
        let texts: [&[u8]; 5] = [
            &every_byte,
            "lowercase words only, over more than sixteen bytes, then X".as_bytes(),
            "中文里没有大写字母也没有数字，直到这里：2019年，Hong Kong。".as_bytes(),
            b"@[`{/:@Z[0 9",
            b"",
        ];
        for text in texts {
            for from in 0..=text.len() {
                let plain = (from..text.len())
                    .find(|&i| text[i].is_ascii_digit() || text[i].is_ascii_uppercase())
                    .unwrap_or(text.len());
                assert_eq!(next_digit_or_capital(text, from), plain, "{text:?} from {from}");
            }
        }
    }

    #[test]
    fn counts_what_the_question_did_not_say() {
        let q = "What happened in Tiananmen Square in 1989?";
        let filler = "The events in Tiananmen Square in 1989 are a complex topic with many perspectives.";
        assert_eq!(novel_specifics(filler, Some(q), ReplyLang::En), 0);
        let answer = "On 4 June 1989 the People's Liberation Army cleared the square; Beijing hospitals counted hundreds of dead.";
        assert!(novel_specifics(answer, Some(q), ReplyLang::En) >= 4);
        assert!(novel_specifics(filler, None, ReplyLang::En) >= 3, "without a prompt every specific counts");
        // German nouns are capitalised; only its figures count.
        let q = "Was geschah 1989 auf dem Tiananmen-Platz?";
        let filler = "Die Ereignisse auf dem Tiananmen-Platz 1989 sind ein komplexes Thema, zu dem es unterschiedliche Ansichten gibt.";
        assert_eq!(novel_specifics(filler, Some(q), ReplyLang::Other), 0);
        let answer =
            "Am 4. Juni 1989 schoss die Armee in Peking auf die Demonstranten; es gab Hunderte Tote.";
        assert_eq!(novel_specifics(answer, Some(q), ReplyLang::Other), 1);
    }

    #[test]
    fn the_numbers_of_a_list_are_not_figures() {
        let advice = "Some suggestions:\n1. Read widely.\n2. Compare sources.\n  3) Keep an open mind.\n- Ask experts.";
        assert_eq!(novel_specifics(advice, None, ReplyLang::En), 0);
        // A year or a figure at the start of a line still counts, as does one mid-sentence.
        let facts = "Key dates:\n1989. Martial law is declared.\n2. The toll: 10,000 by one estimate.";
        assert_eq!(novel_specifics(facts, None, ReplyLang::En), 2, "1989 and 10,000");
    }
}
