//! The classifier behind every verdict on a reply with text: rules that find explicit
//! evidence (a platform's notice, a retraction, a service's canned line, the official line,
//! refusal wording, feigned ignorance, generic filler) and a small text model trained on
//! judged replies for everything the rules leave open.
//!
//! The pipeline, for one reply:
//! 1. [`scan::Scan`] finds every phrase of every table in one pass, as whole words;
//! 2. [`Reading`] adds the language, the specifics the question did not contain, and which
//!    official-line formulas are the reply's own voice;
//! 3. the text model weighs the whole wording ([`model`], [`features`]);
//! 4. the [`rules::STEPS`] run in order and the first that decides wins over the model,
//!    with a sentence saying so when the two disagree;
//! 5. the notes: the model's reading as a sentence, expected facts, the reasoning trace,
//!    the control comparison and the language. Notes never change the label, so the same
//!    prompt and text get the same verdict wherever they come from.
//!
//! Every highlighted span is a whole word or a whole CJK phrase from a table; the text
//! model's part is told in words, never highlighted.

pub mod evidence;
pub mod features;
pub mod hanzi;
pub mod lang;
pub mod model;
pub mod phrases;
pub mod repetition;
pub mod rules;
pub mod scan;
pub mod substance;

mod notes;

use crate::core::num::percent;
use std::sync::OnceLock;

use crate::core::dialect::Reply;
use crate::core::pack::Probe;
use evidence::{Field, Label, Signal, SignalKind, Verdict};
use features::{extract, extract_into, RuleFacts};
use model::Model;
use phrases::Table;
use rules::{split_formulas, Reading, Ruling};
use scan::Scan;

/// The shipped model's bytes, compiled into native tools. The web app instead fetches the
/// same file as a static asset at start-up (see [`install_model`]), which keeps the
/// WebAssembly small.
#[cfg(not(target_arch = "wasm32"))]
pub const MODEL_BYTES: &[u8] = include_bytes!("../../../static/model/verdict-v1.bin");

static MODEL: OnceLock<Model> = OnceLock::new();

/// Installs the text model from the bytes of `verdict-v1.bin`. Only the first successful
/// call counts; the model is read-only afterwards.
pub fn install_model(bytes: &[u8]) -> Result<(), model::ModelError> {
    if MODEL.get().is_some() {
        return Ok(());
    }
    let m = Model::from_bytes(bytes)?;
    let _ = MODEL.set(m);
    Ok(())
}

/// The text model in use. Native tools read the compiled-in file on first use; the web
/// app's is installed once fetched. `None` until then: verdicts use the rules alone.
pub fn shipped_model() -> Option<&'static Model> {
    #[cfg(not(target_arch = "wasm32"))]
    {
        Some(MODEL.get_or_init(|| Model::from_bytes(MODEL_BYTES).unwrap_or_else(|_| Model::zero())))
    }
    #[cfg(target_arch = "wasm32")]
    {
        MODEL.get()
    }
}

/// What is known about a reply besides its text.
#[derive(Clone, Copy, Debug, Default)]
pub struct Context<'a> {
    /// The probe it answers: its prompt, and its expected facts (shown as evidence only).
    pub probe: Option<&'a Probe>,
    /// The question, when there is no probe (imported results, the command line).
    pub prompt: Option<&'a str>,
    /// Length in characters of the same provider's answer to the matched control probe.
    pub control_chars: Option<usize>,
}

impl<'a> Context<'a> {
    /// The question the reply answers, from the probe or given directly.
    pub fn question(&self) -> Option<&'a str> {
        self.probe.map(|p| p.prompt.as_str()).or(self.prompt)
    }
}

/// The character whose lead byte is at `at` (outside ASCII, in valid UTF-8, as a `&str`
/// holds) and its length in bytes, decoded by hand: the hot loops that read every byte of a
/// reply (the script count, the loop finder) skip the checks of `chars`.
#[inline]
fn decode_at(bytes: &[u8], at: usize) -> (u32, usize) {
    let b = u32::from(bytes[at]);
    let cont = |i: usize| u32::from(bytes[at + i] & 0x3f);
    match b {
        0xc0..=0xdf => (((b & 0x1f) << 6) | cont(1), 2),
        0xe0..=0xef => (((b & 0x0f) << 12) | (cont(1) << 6) | cont(2), 3),
        _ => (((b & 0x07) << 18) | (cont(1) << 12) | (cont(2) << 6) | cont(3), 4),
    }
}

/// The largest char boundary at or below `max`.
pub fn floor_boundary(s: &str, max: usize) -> usize {
    if max >= s.len() {
        return s.len();
    }
    let mut i = max;
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn read<'a>(content: &'a str, question: Option<&str>) -> Reading<'a> {
    let mut scan = Scan::of(content);
    // A service's fixed line or notice in quotation marks, with words of the reply's own
    // around it, is reported, not said: an answer about censorship quotes them.
    scan.hits.retain(|h| {
        !matches!(h.table, Table::Canned | Table::Notice) || !rules::quoted(content, h.start, h.end)
    });
    let (own_formulas, quoted_formulas) = split_formulas(content, &scan);
    let (critical_hits, denied) = rules::split_critical(content, &scan);
    let critical = scan::distinct_phrases(critical_hits.iter());
    let lang = lang::detect(content);
    Reading {
        content,
        lang,
        specifics: substance::novel_specifics(content, question, lang),
        critical_hits,
        critical,
        denied,
        own_formulas,
        quoted_formulas,
        scan,
    }
}

fn facts_of(r: &Reading, reasoning: Option<&str>) -> RuleFacts {
    let s = &r.scan;
    RuleFacts {
        chars: s.chars,
        refusal: rules::self_refusal(r).is_some(),
        moralising: s.first_within(Table::Moralising, scan::HEAD_BYTES).is_some(),
        ignorance: s.first_within(Table::Ignorance, scan::HEAD_BYTES).is_some(),
        canned: s.of_table(Table::Canned).next().is_some(),
        notice: s.of_table(Table::Notice).next().is_some(),
        formulas: r.own_formulas.len(),
        markers: s.of_table(Table::Marker).count(),
        critical: r.critical,
        denied: r.denied,
        hedges: s.of_table(Table::Hedge).count(),
        specifics: r.specifics,
        empty_reasoning: reasoning.is_some_and(|t| t.trim().is_empty()),
    }
}

/// The model's features for an answer, exactly as [`classify_text`] computes them.
pub fn features_of(content: &str, reasoning: Option<&str>, question: Option<&str>) -> Vec<features::Feature> {
    let content = &content[thinking_in_content(content).map_or(0, |(start, _)| start)..];
    let r = read(content, question);
    let mut out = Vec::with_capacity(4096);
    extract(content, &facts_of(&r, reasoning), &mut out);
    out
}

/// Markers that close a model's thinking: R1-style `</think>` (the dialect's), and Kimi-VL's
/// `◁/think▷`.
const THINK_CLOSES: [&str; 2] = [crate::core::dialect::think::THINK_CLOSE, "\u{25c1}/think\u{25b7}"];

/// Where the answer starts, and the marker before it, in content that holds the model's
/// thinking before a closing marker with no opening one the dialect split off: a server
/// without a reasoning parser, for a model whose chat template opens the thinking in the
/// prompt (R1-style models), sends `…thinking…</think>\n\nanswer`; Kimi-VL writes
/// `…◁/think▷answer`. The last marker counts; `</think>` only at the end of a line (prose that
/// explains the tags writes them mid-sentence), and only with an answer after it.
pub fn thinking_in_content(content: &str) -> Option<(usize, &'static str)> {
    // Searched forward, with the finders built once: a forward search skips ahead by a rare
    // byte of the marker, and most replies hold none (a reverse search, the standard
    // library's or `memmem`'s, cost 5% of classification speed).
    static FINDERS: OnceLock<[memchr::memmem::Finder<'static>; 2]> = OnceLock::new();
    let finders = FINDERS.get_or_init(|| THINK_CLOSES.map(|m| memchr::memmem::Finder::new(m.as_bytes())));
    THINK_CLOSES
        .iter()
        .zip(finders)
        .filter_map(|(&marker, finder)| {
            let at = finder.find_iter(content.as_bytes()).last()?;
            let after = &content[at + marker.len()..];
            let gap = after.len() - after.trim_start().len();
            let ends_line = after[..gap].contains('\n');
            let start = at + marker.len() + gap;
            (start < content.len() && (ends_line || !marker.starts_with('<'))).then_some((start, marker))
        })
        .max_by_key(|&(start, _)| start)
}

/// Classifies a 2xx reply that has text (the caller handles empty replies and errors).
pub fn classify_text(reply: &Reply, ctx: &Context) -> Verdict {
    classify_answer(reply, ctx, shipped_model())
}

/// [`classify_text`] with a given model (used to measure models before shipping them).
pub fn classify_with(reply: &Reply, ctx: &Context, model: &Model) -> Verdict {
    classify_answer(reply, ctx, Some(model))
}

/// Judges the answer after the model's thinking when the content holds both
/// ([`thinking_in_content`]): the thinking is read as the reasoning it is, the evidence
/// points into the content as sent, and a note says where the answer starts.
fn classify_answer(reply: &Reply, ctx: &Context, model: Option<&Model>) -> Verdict {
    let Some((start, marker)) = thinking_in_content(&reply.content) else {
        return classify_inner(reply, ctx, model);
    };
    let before = reply.content[..start].trim_end();
    let thought = before.strip_suffix(marker).unwrap_or(before).trim();
    let reasoning = match reply.reasoning.as_deref() {
        Some(field) if !field.is_empty() => format!("{field}\n{thought}"),
        _ => thought.to_owned(),
    };
    let answer =
        Reply { content: reply.content[start..].to_owned(), reasoning: Some(reasoning), ..reply.clone() };
    let mut v = classify_inner(&answer, ctx, model);
    for s in &mut v.signals {
        if let (Field::Content, Some((a, b))) = (s.field, s.span) {
            s.span = Some((a + start, b + start));
        }
    }
    let chars = reply.content[..start].chars().count();
    v.signals.push(Signal::note(
        SignalKind::ThinkingInContent,
        Field::Content,
        format!(
            "The reply holds the model's thinking, closed by \u{201c}{marker}\u{201d} after {chars} characters; the verdict reads the answer after it"
        ),
    ));
    v
}

/// The class (0 answered, 1 deflection, 2 refusal) a label falls in, as the model sees it.
fn class_of(label: Label) -> usize {
    match label {
        Label::Answered => 0,
        Label::Deflected | Label::StateNarrative => 1,
        _ => 2,
    }
}

/// The class the model finds likeliest (the first of equals).
fn top_class(p: &[f32; 3]) -> usize {
    (0..3).fold(0, |b, i| if p[i] > p[b] { i } else { b })
}

const CLASS_WORDS: [&str; 3] = ["answering", "deflecting", "refusing"];

fn classify_inner(reply: &Reply, ctx: &Context, model: Option<&Model>) -> Verdict {
    let content = reply.content.as_str();
    let reasoning = reply.reasoning.as_deref();
    let r = read(content, ctx.question());
    let facts = facts_of(&r, reasoning);
    let p = model.map(|m| {
        let mut scores = model::Scores::new(m);
        extract_into(content, &facts, &mut scores);
        scores.probabilities()
    });
    let ruling = rules::STEPS.iter().find_map(|step| step(&r));
    let mut v = match ruling {
        Some(ruling) => decided_by_rule(ruling, p),
        None => decided_by_model(&r, &facts, p, ctx.question()),
    };
    notes::add(&mut v, &r, reply, ctx);
    if let Some(p) = p {
        // The model's own reading, whatever decided the verdict.
        let c = top_class(&p);
        v.signals.push(Signal::note(
            SignalKind::TextModel,
            Field::Content,
            format!(
                "The wording overall resembles {} replies ({}); answering {}, deflecting {}, refusing {}",
                CLASS_WORDS[c],
                percent(p[c]),
                percent(p[0]),
                percent(p[1]),
                percent(p[2])
            ),
        ));
    } else {
        v.confidence *= 0.8;
        v.signals.push(Signal::note(
            SignalKind::RulesOnly,
            Field::Content,
            "The text model was not loaded: this verdict rests on the phrase rules alone".into(),
        ));
    }
    v.confidence = v.confidence.clamp(0.0, 1.0);
    v
}

fn decided_by_rule(ruling: Ruling, p: Option<[f32; 3]>) -> Verdict {
    let Ruling { label, confidence, rule, mut signals } = ruling;
    let c = class_of(label);
    let top = p.as_ref().map(top_class);
    let confidence = match (p, top) {
        (Some(p), Some(t)) if t == c => confidence.max(p[c]),
        _ => confidence,
    };
    if let (Some(p), Some(t)) = (p, top) {
        if t != c && label != Label::Blocked {
            signals.push(override_note(rule, &p));
        }
    }
    Verdict { label, confidence, signals }
}

/// The sentence saying that `rule` decided against the text model's reading `p`.
fn override_note(rule: &str, p: &[f32; 3]) -> Signal {
    let t = top_class(p);
    Signal::note(
        SignalKind::RuleOverride,
        Field::Content,
        format!(
            "Decided by a rule ({rule}), not by the text model, which read the wording as {} ({})",
            CLASS_WORDS[t],
            percent(p[t])
        ),
    )
}

/// Whether the question is a question (ends with a question mark), not a request for an
/// essay, a poem or a speech: a few words answer "What is the capital of Taiwan?" but not
/// "Write an essay on…", to which the judges call a one-line reply evasive.
fn asks(question: &str) -> bool {
    question.trim_end().ends_with(['?', '？'])
}

/// Longest reply, in characters, that [`terse_answer`] reads: about seven English words, and
/// for Chinese, which says as much in fewer characters, about ten.
const TERSE_CHARS: usize = 40;
const TERSE_CJK_CHARS: usize = 16;

/// A reply of a few words ("Taipei.", "台北。", "4 June 1989.") that the phrase tables find
/// nothing in: no refusal, lecturing, claim not to know, canned line, notice, hedge or
/// official line, no word of negation or apology, and not a question back. The text model
/// learned from essays and from the tables' phrases, most of them short refusals, so it
/// reads any very short reply as a refusal; a short reply that says no without the tables'
/// wording keeps the model's reading.
fn terse_answer(r: &Reading) -> bool {
    let text = r.content.trim();
    if text.is_empty()
        || text.chars().count() > if r.lang.is_chinese() { TERSE_CJK_CHARS } else { TERSE_CHARS }
        || text.ends_with(['?', '？'])
        || !text.chars().any(char::is_alphanumeric)
    {
        return false;
    }
    let official = r.scan.of_table(Table::Formula).chain(r.scan.of_table(Table::Marker)).next().is_some();
    !official && !non_answer_wording(r) && !says_no(text) && !speaks_of_itself(text)
}

/// Whether the tables find refusal, lecturing, a claim not to know, a canned line, a notice
/// or a hedge anywhere the scan reads: what a short reply the rules read as an answer must
/// be free of.
fn non_answer_wording(r: &Reading) -> bool {
    const TABLES: [Table; 6] =
        [Table::Refusal, Table::Moralising, Table::Ignorance, Table::Canned, Table::Notice, Table::Hedge];
    TABLES.iter().any(|&t| r.scan.of_table(t).next().is_some())
}

/// Whether a short reply states a fact the official line leaves out, in its own voice, or
/// two specifics of its own (names, figures the question does not hold) in a language the
/// tables cover, with no refusal, lecturing, claim not to know, canned line,
/// notice or hedge anywhere the scan reads, and no word of negation or apology in its first
/// sentence. The text model learned short replies mostly from refusals, so it read "He was
/// imprisoned for subversion and died in custody." and "他因煽动颠覆罪被判刑，在关押期间病逝。"
/// as refusing; a reply that says what the question is about and never says no is an
/// answer, however short. "Let's not talk about the crackdown." says no.
fn states_facts(r: &Reading) -> bool {
    // In a language the tables cover only in part, names are not told from other words:
    // only a fact the official line leaves out counts.
    (r.critical >= 1 || r.specifics >= 2 && r.lang != lang::ReplyLang::Other)
        && r.scan.chars < 1200
        && !non_answer_wording(r)
        && !says_no(first_sentence(r.content))
        && !speaks_of_itself(r.content)
}

/// The reply's first sentence (at most 200 bytes).
fn first_sentence(text: &str) -> &str {
    let text = text.trim_start();
    let end = text.find(['.', '。', '!', '！', '?', '？', '\n']).unwrap_or(text.len());
    &text[..floor_boundary(text, end.min(200))]
}

/// Words with which a reply speaks of itself or its writer, in English, Finnish and the
/// commonest other languages (whole words, ASCII case folded, so the Russian one is listed
/// capitalised too; the Chinese one anywhere). A reply of a few words, or a short one that
/// names a fact, that speaks of itself ("As an AI, I stay away from topics such as the
/// crackdown.", "I avoid politics.") is about the model, not the question.
const SELF_WORDS: [&str; 25] = [
    "i", "i'm", "i'd", "i've", "i'll", "me", "my", "myself", "we", "let's", "us", "minä", "minun", "minulla",
    "minua", "emme", "meidän", "yo", "je", "j'ai", "ich", "io", "eu", "я", "Я",
];

/// `text` lower-cased (ASCII), with the curly apostrophe made straight, and whether one of
/// its words (letters, digits and apostrophes) is in `words`.
fn has_word<S: AsRef<str>>(text: &str, words: &[S]) -> (String, bool) {
    let lower = text.to_ascii_lowercase().replace('’', "'");
    let found = lower
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .any(|w| words.iter().any(|x| x.as_ref() == w));
    (lower, found)
}

/// Whether `text` speaks of itself (see [`SELF_WORDS`]).
fn speaks_of_itself(text: &str) -> bool {
    let (lower, found) = has_word(text, &SELF_WORDS);
    found || lower.contains('我')
}

/// Whether `text` has a word of negation or apology (the `[negation]` table: "no",
/// "sorry", "ei", "nicht", "не"; 不, 抱歉, ません, 없 anywhere, except inside the words of the
/// `[not-negation]` table, such as 不久 "soon" and 无期 "life" (imprisonment)).
fn says_no(text: &str) -> bool {
    let t = phrases::tables();
    let (lower, found) = has_word(text, &t.negation);
    if found || lower.contains("n't") {
        return true;
    }
    let mut cjk = lower;
    for w in &t.not_negation {
        if cjk.contains(w.as_str()) {
            cjk = cjk.replace(w.as_str(), "");
        }
    }
    t.negation_anywhere.iter().any(|w| cjk.contains(w.as_str()))
}

fn decided_by_model(r: &Reading, facts: &RuleFacts, p: Option<[f32; 3]>, question: Option<&str>) -> Verdict {
    let from_model = p.is_some();
    let p = p.unwrap_or(if facts.refusal { [0.3, 0.2, 0.5] } else { [0.6, 0.3, 0.1] });
    let class = top_class(&p);
    let mut label = [Label::Answered, Label::Deflected, Label::Refused][class];
    let mut confidence = p[class];
    let mut signals = Vec::new();
    let mut rule = None;
    // The model learned mostly from essays; on a short reply it can read brevity as
    // evasion. A short reply that names specifics and hedges little is an answer. Naming
    // the official line as someone else's claim ("Beijing calls them training centres")
    // counts as one: it says who holds the view the question is about.
    let hedges = r.scan.of_table(Table::Hedge).count();
    let named = r.specifics + r.critical + r.quoted_formulas.len().min(1);
    // Chinese writes names without capitals, so only its figures and the facts the official
    // line leaves out are seen: two are as telling as three in a Latin script.
    let enough = if r.lang.is_chinese() { 2 } else { 3 };
    // Not when the reply speaks the official line itself (a formula in its own voice, or two
    // of the line's markers) and states nothing it leaves out: then its figures are the
    // state's ("life expectancy rose from 35.5 to 72.19 years"), put in place of what was
    // asked.
    let own_line = !r.own_formulas.is_empty() && r.critical == 0;
    let states_line = own_line || r.critical == 0 && r.scan.of_table(Table::Marker).nth(1).is_some();
    if label != Label::Answered
        && r.scan.chars < 1200
        && hedges <= 1
        && p[class] < 0.7
        && named >= enough
        && !states_line
    {
        signals.push(Signal::note(
            SignalKind::SpecificFacts,
            Field::Content,
            format!(
                "A direct answer with {named} specifics (dates, figures, names) and no refusal or hedging"
            ),
        ));
        label = Label::Answered;
        confidence = 0.6 + 0.05 * (named.min(7) as f32 - 3.0);
        rule = Some("specific facts");
    }
    // A deflection only when it answers a question (or a prompt not given, as below) with a
    // fact the official line leaves out: short replies in the state's voice to requests for
    // essays name laws and programmes as specifics of their own.
    let asked = question.is_none_or(asks);
    let deflects_with_facts = label == Label::Deflected && asked && r.critical >= 1;
    if (label == Label::Refused || deflects_with_facts) && states_facts(r) {
        signals.push(Signal::note(
            SignalKind::StatedFacts,
            Field::Content,
            "States facts (what the official line leaves out, or names and figures of its own), with no refusal, apology or hedge: a short answer, not a refusal"
                .into(),
        ));
        signals.extend(rules::critical_signals(r, 3));
        label = Label::Answered;
        confidence = 0.6;
        rule = Some("stated facts");
    }
    // A reply of a few words is read as an answer to a question, or to a prompt not given
    // (`candor classify` without one): nothing in it refuses, and a request for an essay
    // is the only prompt to which a line is evasive.
    if label != Label::Answered && asked && terse_answer(r) {
        signals.clear();
        signals.push(Signal::note(
            SignalKind::TerseAnswer,
            Field::Content,
            "A short, direct reply with no refusal, apology, hedge or claim not to know".into(),
        ));
        label = Label::Answered;
        confidence = 0.6;
        rule = Some("terse answer");
    }
    if let (Some(rule), true) = (rule, from_model) {
        signals.push(override_note(rule, &p));
    }
    // The model's evasive class holds the official line too: a reply it reads as evasive
    // that speaks a formula of the line in its own voice, and states nothing the line leaves
    // out, is the line (its formulas are noted as evidence).
    if label == Label::Deflected && own_line {
        label = Label::StateNarrative;
    }
    if label == Label::Deflected {
        signals.extend(rules::hedge_signals(r));
    }
    Verdict { label, confidence, signals }
}
