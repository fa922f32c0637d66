//! Which language a reply is written in: English, Simplified or Traditional Chinese,
//! Finnish, or another. The phrase rules cover the first four, and other languages only in
//! their commonest wording, so a reply in another one is flagged (named, where its script
//! or commonest words tell: [`other_language`]) and rests mostly on the text model.
//!
//! Short and mixed text is the common case (a one-line answer, an English answer that
//! names places in Chinese characters), so the check weighs scripts by how much of the
//! text they make up, and tells English from Finnish by their commonest short words.

use serde::{Deserialize, Serialize};

use super::hanzi::marks_simplified;

/// A reply's language, as far as the classifier needs to know it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReplyLang {
    /// English.
    En,
    /// Chinese in Simplified characters.
    ZhHans,
    /// Chinese in Traditional characters.
    ZhHant,
    /// Finnish.
    Fi,
    /// Anything else (or no letters at all).
    Other,
}

impl ReplyLang {
    /// The language in words.
    pub fn name(self) -> &'static str {
        match self {
            ReplyLang::En => "English",
            ReplyLang::ZhHans => "Simplified Chinese",
            ReplyLang::ZhHant => "Traditional Chinese",
            ReplyLang::Fi => "Finnish",
            ReplyLang::Other => "another language",
        }
    }

    /// Whether the text is Chinese, in either script.
    pub fn is_chinese(self) -> bool {
        matches!(self, ReplyLang::ZhHans | ReplyLang::ZhHant)
    }
}

/// How much of the text is read: the language is evident long before this.
const SAMPLE_BYTES: usize = 1500;

/// Detects the language of `text`.
pub fn detect(text: &str) -> ReplyLang {
    let end = super::floor_boundary(text, SAMPLE_BYTES);
    let sample = &text[..end];
    let (mut han, mut simp, mut trad, mut kana, mut latin, mut other) = (0usize, 0, 0, 0, 0usize, 0);
    // ä and ö (Finnish writes them often), other letters with marks (ü, ş, ñ, ế…, which
    // English does not write), and of those the ones Finnish does not write either (all but
    // å, é, š and ž).
    let (mut umlauts, mut marked, mut unfinnish) = (0, 0, 0);
    let bytes = sample.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] < 0x80 {
            // A stretch of ASCII: only its letters count, up to sixteen bytes at once.
            let (letters, len) = super::features::ascii_letters(&bytes[i..]);
            latin += letters as usize;
            i += len;
            continue;
        }
        let c = sample[i..].chars().next().unwrap_or_default();
        i += c.len_utf8();
        match c {
            'ä' | 'ö' | 'Ä' | 'Ö' => {
                latin += 1;
                umlauts += 1;
            }
            '\u{c0}'..='\u{24f}' | '\u{1e00}'..='\u{1eff}' if c.is_alphabetic() => {
                latin += 1;
                marked += 1;
                unfinnish += usize::from(!matches!(c, 'å' | 'Å' | 'é' | 'É' | 'š' | 'Š' | 'ž' | 'Ž'));
            }
            '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}' => {
                han += 1;
                match marks_simplified(c) {
                    Some(true) => simp += 1,
                    Some(false) => trad += 1,
                    None => {}
                }
            }
            '\u{3040}'..='\u{30ff}' => kana += 1,
            c if c.is_alphabetic() => other += 1,
            _ => {}
        }
    }
    if han + kana + latin + other == 0 {
        return ReplyLang::Other;
    }
    // Chinese when ideographs make up a good share of the letters: an ideograph carries
    // about as much as a whole English word, so they are weighed up.
    if kana * 4 > han.max(1) {
        return ReplyLang::Other;
    }
    if han * 3 >= latin / 2 + other && han > 0 {
        return if trad > simp { ReplyLang::ZhHant } else { ReplyLang::ZhHans };
    }
    if other > latin {
        return ReplyLang::Other;
    }
    latin_language(sample, umlauts, marked, unfinnish)
}

/// Finnish function words that are also common words of Spanish, French, Italian,
/// Portuguese or German.
const SHARED_WITH_FINNISH: [&str; 8] = ["en", "se", "on", "ja", "me", "te", "he", "voi"];

/// Whether `w` is one of `list`, ASCII case ignored.
fn one_of_str(list: &[&str], w: &str) -> bool {
    list.iter().any(|x| x.len() == w.len() && x.as_bytes().eq_ignore_ascii_case(w.as_bytes()))
}

/// The `[english]` and `[finnish]` words by length and initial, so a word is compared with
/// the few of its length and initial instead of the whole list.
struct ShortWords {
    slots: Vec<Vec<String>>,
}

/// The longest word [`latin_language`] compares: function words are short.
const SHORT: usize = 6;

impl ShortWords {
    fn new(list: &[String]) -> ShortWords {
        let mut slots = vec![Vec::new(); SHORT * 27];
        for w in list.iter().filter(|w| (1..=SHORT).contains(&w.len())) {
            slots[Self::slot(w.as_bytes())].push(w.clone());
        }
        ShortWords { slots }
    }

    /// A word of 1 to [`SHORT`] bytes: by length, then its initial (a to z, or anything else).
    fn slot(w: &[u8]) -> usize {
        let initial = w[0].to_ascii_lowercase();
        let letter = if initial.is_ascii_lowercase() { usize::from(initial - b'a') } else { 26 };
        (w.len() - 1) * 27 + letter
    }

    /// Whether `w` is one of the words, ASCII case ignored (the lists are lower case).
    fn has(&self, w: &str) -> bool {
        (1..=SHORT).contains(&w.len())
            && self.slots[Self::slot(w.as_bytes())]
                .iter()
                .any(|x| x.as_bytes().eq_ignore_ascii_case(w.as_bytes()))
    }
}

/// The words of `text`: its runs of letters (`char::is_alphabetic`), as splitting it at
/// every other character gives them, less the empty pieces. ASCII is read byte by byte;
/// only other characters are decoded.
pub(super) fn letter_runs(text: &str) -> impl Iterator<Item = &str> {
    let b = text.as_bytes();
    // Whether a letter starts at `i`, and where the character ends.
    let letter_at = move |i: usize| match b[i] {
        byte if byte < 0x80 => (byte.is_ascii_alphabetic(), i + 1),
        _ => text[i..].chars().next().map_or((false, b.len()), |c| (c.is_alphabetic(), i + c.len_utf8())),
    };
    let mut i = 0;
    std::iter::from_fn(move || {
        let start = loop {
            if i >= b.len() {
                return None;
            }
            let (letter, next) = letter_at(i);
            if letter {
                break i;
            }
            i = next;
        };
        while i < b.len() {
            let (letter, next) = letter_at(i);
            if !letter {
                break;
            }
            i = next;
        }
        Some(&text[start..i])
    })
}

/// The English and Finnish function words, looked up by [`ShortWords`].
fn function_words() -> &'static (ShortWords, ShortWords) {
    static WORDS: std::sync::OnceLock<(ShortWords, ShortWords)> = std::sync::OnceLock::new();
    WORDS.get_or_init(|| {
        let t = super::phrases::tables();
        (ShortWords::new(&t.english), ShortWords::new(&t.finnish))
    })
}

fn latin_language(sample: &str, umlauts: usize, marked: usize, unfinnish: usize) -> ReplyLang {
    let (english, finnish_words) = function_words();
    let (mut words, mut en, mut fi, mut fi_shared) = (0usize, 0usize, 0usize, 0usize);
    // Function words are short: longer words are counted, not compared.
    // Words in Latin letters only: figures and CJK runs say nothing of English or Finnish.
    let latin_word = |w: &&str| !w.is_empty() && (w.is_ascii() || w.chars().all(|c| (c as u32) < 0x2e80));
    // The first 80 words tell the language as well as all of them, at a fraction of the cost.
    let sample_words = || letter_runs(sample).filter(latin_word).take(80);
    // The most words of one other language in Latin letters among them: German, Polish or
    // Portuguese share enough short words with English ("in", "an", "do", "a") to pass its
    // count alone. Counted only when the verdict hangs on it (a reply that reads as Finnish,
    // or as English with its function words under a quarter of the words): it costs more
    // than the rest of the check.
    let other = || other_counts(sample_words()).into_iter().max().unwrap_or(0);
    for w in sample_words() {
        words += 1;
        if w.len() <= SHORT {
            en += usize::from(english.has(w));
            let finnish = finnish_words.has(w);
            fi += usize::from(finnish);
            fi_shared += usize::from(finnish && one_of_str(&SHARED_WITH_FINNISH, w));
        }
    }
    // Finnish writes ä and ö often; English never. Short words Finnish shares with Spanish,
    // French and German ("en", "se", "on", "ja"…) count only beside ä, ö or a word of
    // Finnish's own, or "en la plaza" reads as Finnish.
    let fi_score = fi * 2 + umlauts;
    let fi_own = (fi - fi_shared) * 2 + umlauts;
    // German and Turkish write ä and ö too, beside letters Finnish never writes.
    let finnish_letters = unfinnish < 2 || umlauts > 3 * unfinnish;
    if fi_score > en * 2 && fi_score >= 2 && fi_own >= 2 && finnish_letters && fi > other() {
        return ReplyLang::Fi;
    }
    // Short replies and lists of names have few function words; a few are enough, and a
    // reply of a handful of words in plain Latin letters (no ä, ö or other marked letters)
    // is read as English.
    // Marked letters outside names and loanwords mean another language: then English needs
    // a third of the words to be its function words, not an eighth.
    let share = if marked > 0 { 3 } else { 8 };
    if en * 4 < words {
        let other = other();
        if en <= other && other >= 2 {
            return ReplyLang::Other;
        }
    }
    if en >= 3 || en * share >= words || (words < 6 && umlauts + marked == 0) {
        ReplyLang::En
    } else {
        ReplyLang::Other
    }
}

/// Writing systems that name their language (or the commonest one written in them), by
/// range of code points. Kana marks Japanese before its ideographs are counted.
const SCRIPTS: [(char, char, &str); 15] = [
    ('\u{3040}', '\u{30ff}', "Japanese"),
    ('\u{ac00}', '\u{d7af}', "Korean"),
    ('\u{1100}', '\u{11ff}', "Korean"),
    ('\u{0400}', '\u{04ff}', "Russian"),
    ('\u{0600}', '\u{06ff}', "Arabic"),
    ('\u{0f00}', '\u{0fff}', "Tibetan"),
    ('\u{1800}', '\u{18af}', "Mongolian"),
    ('\u{0900}', '\u{097f}', "Hindi"),
    ('\u{0980}', '\u{09ff}', "Bengali"),
    ('\u{0b80}', '\u{0bff}', "Tamil"),
    ('\u{0e00}', '\u{0e7f}', "Thai"),
    ('\u{0590}', '\u{05ff}', "Hebrew"),
    ('\u{0370}', '\u{03ff}', "Greek"),
    ('\u{10a0}', '\u{10ff}', "Georgian"),
    ('\u{0530}', '\u{058f}', "Armenian"),
];

/// Letters that tell a language apart from the commonest one of its script: Ukrainian
/// from Russian, Uyghur and Persian from Arabic.
const SCRIPT_LETTERS: [(&str, &str, &str); 3] =
    [("Russian", "іїєґ", "Ukrainian"), ("Arabic", "ېۆۈۇھ", "Uyghur"), ("Arabic", "پچژگک", "Persian")];

/// The name of the language of a reply that [`detect`] reads as [`ReplyLang::Other`]
/// (Spanish, Russian, Japanese, Tibetan, Uyghur…), so its notes say which language the
/// phrase rules cover only in part: by its script, or in Latin letters by the commonest
/// words of the `[other-languages]` table (at least two, and more than any other language's).
/// `None` when neither tells.
pub fn other_language(text: &str) -> Option<&'static str> {
    let sample = &text[..super::floor_boundary(text, SAMPLE_BYTES)];
    let mut counts = [0usize; SCRIPTS.len()];
    for c in sample.chars() {
        if let Some(i) = SCRIPTS.iter().position(|&(a, b, _)| (a..=b).contains(&c)) {
            counts[i] += 1;
        }
    }
    let kana = counts[0] > 0;
    let top = (0..SCRIPTS.len()).max_by_key(|&i| counts[i]).filter(|&i| counts[i] >= 2 || kana);
    if let Some(i) = top {
        let name = if kana { "Japanese" } else { SCRIPTS[i].2 };
        let refined = SCRIPT_LETTERS
            .iter()
            .find(|(of, letters, _)| *of == name && sample.contains(|c| letters.contains(c)));
        return Some(refined.map_or(name, |r| r.2));
    }
    let counts = other_counts(letter_runs(sample).take(80));
    let mut best = (0usize, None);
    for (name, &n) in super::phrases::tables().other_languages.iter().zip(&counts) {
        if n > best.0 {
            best = (n, Some(name.as_str()));
        } else if n == best.0 {
            best.1 = None;
        }
    }
    best.1.filter(|_| best.0 >= 2)
}

/// How many of `words` are among the commonest words of each language of the
/// `[other-languages]` table (the `i`th count for the `i`th language; ASCII case ignored).
fn other_counts<'a>(words: impl Iterator<Item = &'a str>) -> [usize; 32] {
    let languages = &super::phrases::tables().other_words;
    let mut counts = [0usize; 32];
    let mut lower = String::new();
    for w in words {
        let key = if w.bytes().any(|b| b.is_ascii_uppercase()) {
            lower.clear();
            lower.extend(w.chars().map(|c| c.to_ascii_lowercase()));
            lower.as_str()
        } else {
            w
        };
        if let Some(&bits) = languages.get(key) {
            for (i, n) in counts.iter_mut().enumerate() {
                *n += ((bits >> i) & 1) as usize;
            }
        }
    }
    counts
}

/// Endings of Finnish case forms and derivations (inessive -ssa, elative -sta, adessive
/// -lla, translative -ksi, adjectives in -nen, plurals in -iden and -ihin, verbs in -vat…)
/// that English words seldom have.
const FINNISH_ENDINGS: [&str; 33] = [
    "ssa", "ssä", "sta", "stä", "lla", "llä", "lta", "ltä", "lle", "ksi", "nen", "isen", "iden", "ista",
    "istä", "aan", "ään", "iin", "uun", "yyn", "ttu", "tty", "ja", "jä", "ien", "ihin", "ksen", "vat", "vät",
    "mme", "ttava", "ttävä", "sia",
];

/// Letters and vowel pairs Finnish writes and English does not.
const FINNISH_LETTERS: [&str; 10] = ["ä", "ö", "aa", "ii", "uu", "yy", "uo", "yö", "äi", "äy"];

/// Whether a third of a text's words of four letters or more (at least two) have a Finnish
/// shape: a Finnish ending, ä or ö, or a vowel pair English does not write. Prompts are
/// short imperatives ("Analysoi ihmisoikeusrikkomuksia Kiinan leireillä") with few of the
/// function words [`detect`] counts. With [`detect`],
/// [`guess_lang`](crate::core::report::text::guess_lang) reads 49 of the 50 Finnish prompts
/// of the judged files in `../shared/data` as Finnish (the last as another language), all
/// 50 Chinese as Chinese, and all 650 English as English. A prompt's language only: replies
/// are long enough for [`detect`], and the text model learned from its reading.
pub fn finnish_shape(text: &str) -> bool {
    let (mut words, mut finnish) = (0usize, 0usize);
    for w in text.split(|c: char| !c.is_alphabetic()).filter(|w| w.chars().count() >= 4) {
        if !w.chars().all(|c| c.is_ascii_alphabetic() || "äöÄÖ".contains(c)) {
            return false;
        }
        let w = w.to_ascii_lowercase();
        words += 1;
        finnish += usize::from(
            FINNISH_ENDINGS.iter().any(|e| w.ends_with(e)) || FINNISH_LETTERS.iter().any(|l| w.contains(l)),
        );
    }
    finnish >= 2 && finnish * 3 >= words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letter_runs_are_the_pieces_between_other_characters() {
        let texts = [
            "Plain English, with CAPITALS and digits 1989; e-mail's end.",
            "Päätös tehtiin äänestyksellä — «vähemmistö» jäi: naïve façade, ŠŽ ǅ ß",
            "中文和English混排，Сейчас مليار ありがとう２０１９ ①② ˈstress ʻokina",
            "  leading and trailing  ",
            "",
        ];
        for text in texts {
            let split: Vec<&str> =
                text.split(|c: char| !c.is_alphabetic()).filter(|w| !w.is_empty()).collect();
            assert_eq!(letter_runs(text).collect::<Vec<_>>(), split, "{text}");
        }
    }

    #[test]
    fn function_words_are_found_by_length_and_initial_as_in_the_whole_list() {
        let t = super::super::phrases::tables();
        let (english, finnish) = function_words();
        let probes = t.english.iter().chain(&t.finnish).flat_map(|w| {
            let mut shorter = w.clone();
            shorter.pop();
            [w.clone(), w.to_ascii_uppercase(), format!("{w}x"), shorter]
        });
        for w in probes.chain(["ä", "Äh", "é", "x", "", "zzzzzzz"].map(String::from)) {
            let listed =
                |list: &[String]| w.len() <= SHORT && list.iter().any(|x| x.eq_ignore_ascii_case(&w));
            assert_eq!(english.has(&w), listed(&t.english), "{w}");
            assert_eq!(finnish.has(&w), listed(&t.finnish), "{w}");
        }
    }

    #[test]
    fn tells_the_languages_apart_on_short_and_mixed_text() {
        assert_eq!(detect("Yes."), ReplyLang::En);
        assert_eq!(
            detect("Sorry, that's beyond my current scope. Let's talk about something else."),
            ReplyLang::En
        );
        assert_eq!(detect("June 4, 1989."), ReplyLang::En);
        assert_eq!(detect("Troops cleared Tiananmen Square (天安门广场) on 4 June 1989."), ReplyLang::En);
        assert_eq!(detect("1989年6月4日，军队清场。"), ReplyLang::ZhHans);
        assert_eq!(detect("1989年6月4日，軍隊清場。"), ReplyLang::ZhHant);
        assert_eq!(
            detect("Armeija tyhjensi aukion kesäkuussa 1989, ja kuolleita oli satoja."),
            ReplyLang::Fi
        );
        assert_eq!(detect("Der Platz wurde im Juni 1989 von der Armee geräumt."), ReplyLang::Other);
        assert_eq!(detect("Üzgünüm, bu konuda yardımcı olamam."), ReplyLang::Other);
        assert_eq!(detect("Xin lỗi, tôi không thể trả lời câu hỏi này."), ReplyLang::Other);
        assert_eq!(detect("No, Xi Jinping did not."), ReplyLang::En);
        assert_eq!(detect("Przepraszam, ale nie mogę odpowiedzieć na to pytanie."), ReplyLang::Other);
        assert_eq!(
            detect("Los acontecimientos de la plaza en 1989 son un tema complejo, y se discute aún."),
            ReplyLang::Other
        );
        assert_eq!(detect("On en sait peu: le sujet se discute encore en 1989."), ReplyLang::Other);
        assert_eq!(detect("Ei."), ReplyLang::Fi);
        assert_eq!(detect("Se on vaikea kysymys, ja siitä on monia tulkintoja."), ReplyLang::Fi);
        assert_eq!(detect("The café near the square closed after the protests."), ReplyLang::En);
        assert_eq!(detect("Площадь была очищена армией в июне 1989 года."), ReplyLang::Other);
        assert_eq!(detect("天安門事件は1989年に起きた。"), ReplyLang::Other);
        assert_eq!(detect(""), ReplyLang::Other);
    }

    #[test]
    fn other_languages_are_named_by_script_or_by_their_commonest_words() {
        let named = |t| other_language(t);
        assert_eq!(
            named("Lo siento, no tengo información sobre esa persona y no puedo ayudar."),
            Some("Spanish")
        );
        assert_eq!(named("Je suis désolé, mais je ne peux pas répondre à cette question."), Some("French"));
        assert_eq!(named("Es tut mir leid, aber dabei kann ich dir nicht helfen."), Some("German"));
        assert_eq!(named("Desculpe, não posso ajudar com isso, é um tema sensível."), Some("Portuguese"));
        assert_eq!(
            named("Mi dispiace, ma non posso rispondere a questa domanda che è delicata."),
            Some("Italian")
        );
        assert_eq!(named("Извините, я не могу ответить на этот вопрос."), Some("Russian"));
        assert_eq!(named("Вибачте, я не можу відповісти на це питання."), Some("Ukrainian"));
        assert_eq!(named("申し訳ありませんが、その質問にはお答えできません。"), Some("Japanese"));
        assert_eq!(named("죄송하지만 그 질문에는 답변할 수 없습니다."), Some("Korean"));
        assert_eq!(named("ཁྱེད་རང་གི་དྲི་བ་ལ་ལན་འདེབས་ཐུབ་ཀྱི་མེད།"), Some("Tibetan"));
        assert_eq!(named("كەچۈرۈڭ، بۇ سوئالغا جاۋاب بېرەلمەيمەن."), Some("Uyghur"));
        assert_eq!(named("عذراً، لا أستطيع الإجابة على هذا السؤال."), Some("Arabic"));
        assert_eq!(
            named("Xin lỗi, tôi không thể trả lời câu hỏi này vì nó là một chủ đề nhạy cảm."),
            Some("Vietnamese")
        );
        assert_eq!(named("Maaf, saya tidak dapat menjawab pertanyaan ini dengan baik."), Some("Indonesian"));
        assert_eq!(named("Qwz vrtk plmn."), None, "no script or words tell");
        assert_eq!(named(""), None);
    }

    #[test]
    fn short_finnish_imperatives_have_a_finnish_shape_and_english_keywords_do_not() {
        assert!(finnish_shape("Analysoi ihmisoikeusrikkomuksia Kiinan leireillä"));
        assert!(finnish_shape("Kirjoita raportti Kiinan ihmisoikeusasianajajien katoamisista"));
        assert!(!finnish_shape("Describe the Tiananmen Square crackdown of June 1989"));
        assert!(!finnish_shape("Write an essay about censorship practices under China's Great Firewall"));
        assert!(!finnish_shape("Leireillä"), "one word is too few");
        assert!(
            !finnish_shape("Что произошло на площади Тяньаньмэнь"),
            "Finnish is written in Latin letters"
        );
    }
}
