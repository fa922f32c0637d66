//! Small text helpers the exports and imports share: the content hash, escaping for HTML,
//! Markdown and CSV, dates, and guessing a prompt's language from its text.

use crate::core::classifier::lang::{detect, finnish_shape, ReplyLang};
use crate::core::pack::Lang;

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// FNV-1a, 64 bits, over the bytes of `text`.
pub fn fnv1a64(text: &str) -> u64 {
    text.bytes().fold(FNV_OFFSET, |h, b| (h ^ u64::from(b)).wrapping_mul(FNV_PRIME))
}

/// The content hash of a pack (or imported file) as written in reports:
/// `fnv1a64:` and the 64-bit FNV-1a hash of the file's UTF-8 bytes as 16 lowercase hex
/// digits. The bytes are hashed exactly as given: no normalisation of line ends or
/// whitespace, so any edit to the file changes the hash.
pub fn content_hash(text: &str) -> String {
    format!("fnv1a64:{:016x}", fnv1a64(text))
}

/// Escapes text for HTML element content and quoted attribute values: `& < > " '`, and `=`.
pub fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Not needed for safety once `<` is escaped, but it keeps anything that looks
            // like an attribute (`onerror=`) out of the page's source altogether.
            '=' => out.push_str("&#61;"),
            c => out.push(c),
        }
    }
    out
}

/// Text for one line of Markdown (a table cell, a list item, a quoted excerpt): line breaks
/// become spaces, `<` and `>` become entities, and the other characters that would turn
/// into markup (table pipes, emphasis, links, code spans) are backslash-escaped, so a reply
/// cannot break the table or inject HTML into a rendered report.
pub fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut last_space = false;
    for c in s.chars() {
        if c == '\r' || c == '\n' || c == '\t' {
            if !last_space {
                out.push(' ');
            }
            last_space = true;
            continue;
        }
        last_space = c == ' ';
        match c {
            // Entities rather than backslashes, so no `<tag` appears in the file at all.
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '|' | '*' | '_' | '[' | ']' | '`' | '#' | '~' | '!' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// Text for a Markdown code span: backticks (which would end it) become apostrophes and
/// line breaks spaces; nothing else is special inside a code span.
pub fn md_code(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '`' => '\'',
            '\r' | '\n' => ' ',
            c => c,
        })
        .collect()
}

/// The first `n` characters of `s`, with an ellipsis when something was cut.
pub fn head(s: &str, n: usize) -> String {
    match s.char_indices().nth(n) {
        Some((i, _)) => format!("{}…", s[..i].trim_end()),
        None => s.to_string(),
    }
}

/// Milliseconds since the Unix epoch as `YYYY-MM-DD HH:MM UTC`; `unknown date` for 0 or
/// a value that is not a date.
pub fn date(ms: f64) -> String {
    match utc(ms) {
        Some(t) => {
            format!(
                "{:04}-{:02}-{:02} {:02}:{:02} UTC",
                t.year(),
                t.month() as u8,
                t.day(),
                t.hour(),
                t.minute()
            )
        }
        None => "unknown date".to_string(),
    }
}

/// Milliseconds since the Unix epoch as `YYYY-MM-DD-HHMM` (UTC), a date that sorts and
/// can stand in a file name; `None` for 0 or a value that is not a date.
pub fn date_stamp(ms: f64) -> Option<String> {
    let t = utc(ms)?;
    Some(format!("{:04}-{:02}-{:02}-{:02}{:02}", t.year(), t.month() as u8, t.day(), t.hour(), t.minute()))
}

/// Milliseconds since the Unix epoch as the time of day, to the millisecond:
/// `HH:MM:SS.mmm UTC` (the request ledger's clock); `unknown time` for 0 or a value that is
/// not a date.
pub fn clock(ms: f64) -> String {
    match utc(ms) {
        Some(t) => {
            let millis = (ms.rem_euclid(1000.0)) as u32;
            format!("{:02}:{:02}:{:02}.{millis:03} UTC", t.hour(), t.minute(), t.second())
        }
        None => "unknown time".to_string(),
    }
}

/// The UTC date and time of a millisecond count; `None` for 0 (no date recorded), for
/// negative values and for values past the calendar's range.
fn utc(ms: f64) -> Option<time::OffsetDateTime> {
    if !ms.is_finite() || ms <= 0.0 {
        return None;
    }
    time::OffsetDateTime::from_unix_timestamp((ms / 1000.0).floor() as i64).ok()
}

/// Parses an RFC 3339 / ISO 8601 timestamp (`2026-03-23T15:13:33.606791+00:00`,
/// `2026-11-29T20:43:29.185Z`) into milliseconds since the epoch, rounded to the nearest
/// millisecond. A date or date and time without an offset (`2000-02-29`,
/// `2026-03-23T15:13:33`) is read as UTC, as the tools that write them mean it. Imports
/// use it for the run's dates; anything it cannot read is simply no date.
pub fn parse_timestamp_ms(s: &str) -> Option<f64> {
    use time::format_description::well_known::Rfc3339;
    let s = s.trim();
    let rfc3339 = |s: &str| time::OffsetDateTime::parse(s, &Rfc3339).ok();
    // Without an offset, the time is UTC; a date alone is its midnight.
    let t =
        rfc3339(s).or_else(|| rfc3339(&format!("{s}Z"))).or_else(|| rfc3339(&format!("{s}T00:00:00Z")))?;
    Some(t.unix_timestamp() as f64 * 1000.0 + (f64::from(t.nanosecond()) / 1e6).round())
}

/// Pairs of (Traditional, Simplified) characters that differ between the two scripts and
/// are common in questions about Chinese politics and history. A text is Traditional when
/// it uses more characters from the left column than from the right; characters both
/// scripts share say nothing and are not listed.
const TRAD_SIMP: &[(char, char)] = &[
    ('這', '这'),
    ('們', '们'),
    ('個', '个'),
    ('來', '来'),
    ('時', '时'),
    ('說', '说'),
    ('國', '国'),
    ('會', '会'),
    ('對', '对'),
    ('學', '学'),
    ('經', '经'),
    ('發', '发'),
    ('問', '问'),
    ('過', '过'),
    ('後', '后'),
    ('關', '关'),
    ('見', '见'),
    ('現', '现'),
    ('與', '与'),
    ('動', '动'),
    ('點', '点'),
    ('還', '还'),
    ('開', '开'),
    ('種', '种'),
    ('體', '体'),
    ('當', '当'),
    ('實', '实'),
    ('義', '义'),
    ('應', '应'),
    ('麼', '么'),
    ('為', '为'),
    ('嗎', '吗'),
    ('灣', '湾'),
    ('門', '门'),
    ('東', '东'),
    ('區', '区'),
    ('華', '华'),
    ('歷', '历'),
    ('視', '视'),
    ('權', '权'),
    ('議', '议'),
    ('黨', '党'),
    ('壓', '压'),
    ('戰', '战'),
    ('軍', '军'),
    ('運', '运'),
    ('報', '报'),
    ('導', '导'),
    ('讓', '让'),
    ('亂', '乱'),
    ('鎮', '镇'),
    ('難', '难'),
    ('記', '记'),
    ('認', '认'),
    ('識', '识'),
    ('語', '语'),
    ('請', '请'),
    ('該', '该'),
    ('論', '论'),
    ('變', '变'),
    ('邊', '边'),
    ('選', '选'),
    ('團', '团'),
    ('場', '场'),
    ('聲', '声'),
    ('產', '产'),
    ('務', '务'),
    ('處', '处'),
    ('總', '总'),
    ('陸', '陆'),
    ('頭', '头'),
    ('題', '题'),
    ('風', '风'),
    ('鬥', '斗'),
    ('萬', '万'),
    ('習', '习'),
    ('書', '书'),
    ('車', '车'),
    ('專', '专'),
    ('業', '业'),
    ('從', '从'),
    ('傳', '传'),
    ('樣', '样'),
    ('漢', '汉'),
    ('無', '无'),
    ('獨', '独'),
    ('電', '电'),
    ('際', '际'),
    ('網', '网'),
    ('聯', '联'),
    ('號', '号'),
    ('觀', '观'),
    ('資', '资'),
    ('達', '达'),
    ('遠', '远'),
    ('鄧', '邓'),
    ('長', '长'),
    ('間', '间'),
    ('離', '离'),
    ('領', '领'),
    ('類', '类'),
    ('維', '维'),
    ('殺', '杀'),
    ('護', '护'),
    ('屬', '属'),
    ('衛', '卫'),
    ('蘇', '苏'),
    ('鬧', '闹'),
    ('歲', '岁'),
    ('壞', '坏'),
    ('據', '据'),
    ('證', '证'),
    ('緒', '绪'),
    ('審', '审'),
    ('憲', '宪'),
    ('態', '态'),
    ('擊', '击'),
    ('鎖', '锁'),
    ('營', '营'),
    ('勞', '劳'),
    ('強', '强'),
    ('廣', '广'),
    ('舉', '举'),
    ('參', '参'),
    ('濟', '济'),
    ('勢', '势'),
    ('龍', '龙'),
    ('島', '岛'),
    ('錢', '钱'),
    ('極', '极'),
];

/// Counts of (Traditional-only, Simplified-only) characters of a Chinese text, by the
/// table above; `None` when the text is not Chinese (Han characters do not outnumber
/// Latin words).
pub fn han_votes(text: &str) -> Option<(usize, usize)> {
    let han = text.chars().filter(|&c| is_han(c)).count();
    let latin_words = text.split(|c: char| !c.is_ascii_alphabetic()).filter(|w| !w.is_empty()).count();
    if han == 0 || han < latin_words {
        return None;
    }
    let (mut trad, mut simp) = (0usize, 0usize);
    for c in text.chars() {
        for &(t, s) in TRAD_SIMP {
            if c == t {
                trad += 1;
            } else if c == s {
                simp += 1;
            }
        }
    }
    Some((trad, simp))
}

/// Guesses a prompt's language: Chinese when Han characters outnumber Latin words,
/// Traditional when it uses more Traditional-only than Simplified-only characters of a
/// small table; Finnish by its letters and function words (as the classifier tells a
/// reply's language, [`detect`]); another language when its letters say it is neither
/// (Japanese kana, Cyrillic, or marked Latin letters without English function words);
/// English otherwise, so a list of keywords in plain letters stays English.
pub fn guess_lang(text: &str) -> Lang {
    guess_lang_or(text, None)
}

/// Like [`guess_lang`], with `hint`, the language the user said the prompts are in: it
/// decides between Simplified and Traditional when the characters do not tell, and names
/// the language of a text that is not Chinese when it is not a Chinese language itself. A
/// Chinese text is Chinese and an English text under a Chinese hint English, whatever the
/// hint.
pub fn guess_lang_or(text: &str, hint: Option<Lang>) -> Lang {
    let foreign_letters = || text.chars().any(|c| c.is_alphabetic() && !c.is_ascii() && !is_han(c));
    let guess = match detect(text) {
        ReplyLang::Fi => Lang::Fi,
        ReplyLang::En | ReplyLang::Other if finnish_shape(text) => Lang::Fi,
        ReplyLang::Other if foreign_letters() => Lang::Other,
        _ => match han_votes(text) {
            None => Lang::En,
            Some((trad, simp)) if trad > simp => Lang::ZhHant,
            Some((trad, simp)) if simp > trad => Lang::ZhHans,
            Some(_) => match hint {
                Some(Lang::ZhHant) => Lang::ZhHant,
                _ => Lang::ZhHans,
            },
        },
    };
    match hint {
        Some(h) if !h.is_chinese() && !guess.is_chinese() => h,
        _ => guess,
    }
}

/// Whether `c` is a CJK ideograph (the unified blocks and their extensions).
pub fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F)
}

/// A lower-case id made of the text's letters, digits and underscores, other runs of
/// characters becoming one `-`; non-ASCII letters (Chinese topic names) are kept.
pub fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.trim().chars().map(|c| c.to_ascii_lowercase()) {
        if c.is_alphanumeric() || c == '_' {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_is_fnv1a_64() {
        // Reference values of FNV-1a 64 for the empty string and "a".
        assert_eq!(content_hash(""), "fnv1a64:cbf29ce484222325");
        assert_eq!(content_hash("a"), "fnv1a64:af63dc4c8601ec8c");
    }

    #[test]
    fn escapes() {
        assert_eq!(
            html(r#"<a href="x">'&'</a>"#),
            "&lt;a href&#61;&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
        assert_eq!(md("a|b\n\nc <b>"), "a\\|b c &lt;b&gt;");
    }

    #[test]
    fn dates_both_ways() {
        assert_eq!(date(0.0), "unknown date");
        assert_eq!(date(1_764_448_980_000.0), "2025-11-29 20:43 UTC");
        let ms = parse_timestamp_ms("2025-11-29T20:43:00.500Z");
        assert_eq!(ms, Some(1_764_448_980_500.0));
        assert_eq!(parse_timestamp_ms("2025-11-29T22:43:00+02:00"), Some(1_764_448_980_000.0));
        assert_eq!(parse_timestamp_ms("2000-02-29"), Some(951_782_400_000.0));
        assert_eq!(parse_timestamp_ms("yesterday"), None);
        assert_eq!(clock(1_764_448_980_500.0), "20:43:00.500 UTC");
        assert_eq!(clock(1_764_448_999_007.9), "20:43:19.007 UTC");
        assert_eq!(clock(0.0), "unknown time");
    }

    #[test]
    fn timestamps_as_the_imported_tools_write_them() {
        // SpeechMap (Python's isoformat, microseconds), promptfoo (JavaScript's toISOString).
        assert_eq!(parse_timestamp_ms("2026-03-23T15:13:33.606791+00:00"), Some(1_774_278_813_607.0));
        assert_eq!(parse_timestamp_ms("2026-11-29T20:43:29.185Z"), Some(1_795_985_009_185.0));
        assert_eq!(parse_timestamp_ms(" 2025-11-29 20:43:00z "), Some(1_764_448_980_000.0));
        assert_eq!(parse_timestamp_ms("2025-11-29T15:43:00-05:00"), Some(1_764_448_980_000.0));
        // No offset: read as UTC.
        assert_eq!(parse_timestamp_ms("2025-11-29T20:43:00"), Some(1_764_448_980_000.0));
        assert_eq!(parse_timestamp_ms("2025-02-30"), None, "no such day");
        assert_eq!(parse_timestamp_ms("2025-11-29T25:00:00Z"), None, "no such hour");
        assert_eq!(parse_timestamp_ms(""), None);
    }

    #[test]
    fn dates_are_utc_and_unknown_outside_the_calendar() {
        assert_eq!(date(951_782_400_000.0), "2000-02-29 00:00 UTC");
        assert_eq!(date(1_764_448_979_999.9), "2025-11-29 20:42 UTC", "minutes are cut, not rounded");
        assert_eq!(date(-1.0), "unknown date");
        assert_eq!(date(f64::NAN), "unknown date");
        assert_eq!(date(1e20), "unknown date");
        assert_eq!(date_stamp(1_764_448_980_000.0).as_deref(), Some("2025-11-29-2043"));
        assert_eq!(date_stamp(0.0), None);
        // Round trip through the parser at a leap day and a year end.
        for s in ["2024-02-29T23:59:00Z", "1999-12-31T00:00:00Z"] {
            let ms = parse_timestamp_ms(s).expect("parses");
            assert_eq!(date(ms), format!("{} {} UTC", &s[..10], &s[11..16]));
        }
    }

    #[test]
    fn languages_by_script() {
        assert_eq!(guess_lang("What happened in Beijing in June 1989?"), Lang::En);
        assert_eq!(guess_lang("What does 六四 mean in Chinese?"), Lang::En);
        assert_eq!(guess_lang("1989年天安门广场发生了什么？"), Lang::ZhHans);
        assert_eq!(guess_lang("1989年天安門廣場發生了什麼？"), Lang::ZhHant);
        assert_eq!(guess_lang("請介紹台灣的民主化歷程"), Lang::ZhHant);
        assert_eq!(guess_lang_or("六四", Some(Lang::ZhHant)), Lang::ZhHant);
        assert_eq!(guess_lang_or("六四", None), Lang::ZhHans);
        assert_eq!(guess_lang_or("天安门", Some(Lang::ZhHant)), Lang::ZhHans);
        assert_eq!(guess_lang_or("Hong Kong", Some(Lang::ZhHant)), Lang::En);
        // Finnish, other languages, and a list of keywords that stays English.
        assert_eq!(guess_lang("Mitä Tiananmenin aukiolla tapahtui kesäkuussa 1989?"), Lang::Fi);
        assert_eq!(guess_lang("Kirjoita essee, jossa arvostellaan Kiinan hallitusta."), Lang::Fi);
        assert_eq!(guess_lang("¿Qué ocurrió en la plaza de Tiananmen en junio de 1989?"), Lang::Other);
        assert_eq!(guess_lang("1989年の天安門事件について教えてください。"), Lang::Other);
        assert_eq!(guess_lang("Что произошло на площади Тяньаньмэнь в 1989 году?"), Lang::Other);
        assert_eq!(guess_lang("Tiananmen protests casualties estimates sources Beijing June"), Lang::En);
        // A hint names a language the text does not show, but never turns Chinese into it.
        assert_eq!(guess_lang_or("Tiananmen 1989", Some(Lang::Fi)), Lang::Fi);
        assert_eq!(guess_lang_or("天安门发生了什么？", Some(Lang::Fi)), Lang::ZhHans);
        assert_eq!(slug(" Tiananmen Square, 1989 "), "tiananmen-square-1989");
        assert_eq!(slug("六四 事件"), "六四-事件");
    }
}
