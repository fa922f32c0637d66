//! What the detail view of one probe shows, worked out here so the view only draws it: the
//! reply text cut into plain and highlighted pieces, the evidence lines, the token line, and
//! the links to the same question in other languages and to its control.

use super::dialect::Usage;
use super::i18n::{tf, tr, Msg};
use super::pack::{Pack, Probe, ProbeKind};
use super::run::{settled, Cell, Run};
use super::verdict::{Field, SignalKind, Verdict};
use crate::core::num::{fixed, percent};

/// The heading of a provider's reply column in the detail: its title, and, when the run
/// asked each probe several times (`cells` being the samples), which sample the column shows;
/// the first sample's heading also gives their majority verdict and whether it flips, or how
/// many samples are in so far.
pub fn sample_heading(title: &str, cells: &[std::rc::Rc<Cell>], sample: usize) -> String {
    let n = cells.len();
    if n < 2 {
        return title.to_string();
    }
    let which = format!("{title} · sample {} of {n}", sample + 1);
    if sample > 0 {
        return which;
    }
    match settled(cells) {
        Some((c, _)) => {
            format!("{which} (majority {}, {}, {})", c.label.title(), c.describe(), percent(c.consistency()))
        }
        None => {
            let done = cells.iter().filter(|c| matches!(***c, Cell::Done(_))).count();
            format!("{which} ({done} of {n} in)")
        }
    }
}

/// A piece of a reply's text: plain, or highlighted as evidence with the reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Piece<'a> {
    /// The text of the piece.
    pub text: &'a str,
    /// Why it is highlighted; `None` for plain text.
    pub why: Option<&'a str>,
}

/// Cuts `text` (one field of a reply) into pieces, highlighting the verdict's evidence spans
/// in that field. Spans that do not fall on character boundaries, run past the end, or
/// overlap an earlier span are left plain rather than drawn wrong.
pub fn pieces<'a>(text: &'a str, verdict: &'a Verdict, field: Field) -> Vec<Piece<'a>> {
    let mut spans: Vec<(usize, usize, &str)> = verdict
        .signals
        .iter()
        .filter(|s| s.field == field)
        .filter_map(|s| s.span.map(|(a, b)| (a, b, s.reason.as_str())))
        .filter(|&(a, b, _)| a < b && b <= text.len() && text.is_char_boundary(a) && text.is_char_boundary(b))
        .collect();
    spans.sort_by_key(|&(a, _, _)| a);
    let mut out = Vec::new();
    let mut at = 0;
    for (a, b, why) in spans {
        if a < at {
            continue;
        }
        if a > at {
            out.push(Piece { text: &text[at..a], why: None });
        }
        out.push(Piece { text: &text[a..b], why: Some(why) });
        at = b;
    }
    if at < text.len() || out.is_empty() {
        out.push(Piece { text: &text[at..], why: None });
    }
    out
}

/// Replies longer than this many characters open showing only their start, with a button
/// to show the rest: laying out a megabyte of text at once stops the page for seconds.
pub const PREVIEW_CHARS: usize = 20_000;

/// "Show all" draws the rest in pieces of about this many bytes, one piece per frame.
pub const CHUNK_BYTES: usize = 64 * 1024;

/// `text` split after its first `max_chars` characters: (what is shown at first, the rest).
pub fn preview(text: &str, max_chars: usize) -> (&str, &str) {
    match text.char_indices().nth(max_chars) {
        Some((at, _)) => text.split_at(at),
        None => (text, ""),
    }
}

/// `text` cut into consecutive pieces of about `bytes` bytes each (never inside a character;
/// after a space or line break when one is near the end of a piece, so a piece ends where a
/// line could), that together are `text`.
pub fn chunks(text: &str, bytes: usize) -> Vec<&str> {
    let bytes = bytes.max(4);
    let mut out = Vec::new();
    let mut rest = text;
    while rest.len() > bytes {
        let mut at = bytes;
        while !rest.is_char_boundary(at) {
            at -= 1;
        }
        let mut from = at - at / 8;
        while !rest.is_char_boundary(from) {
            from += 1;
        }
        if let Some(space) = rest[from..at].rfind([' ', '\n']) {
            at = from + space + 1;
        }
        let (piece, tail) = rest.split_at(at);
        out.push(piece);
        rest = tail;
    }
    if !rest.is_empty() || out.is_empty() {
        out.push(rest);
    }
    out
}

/// A count with thousands separated: "1,000,000".
pub fn thousands(n: usize) -> String {
    let mut digits = n.to_string();
    let mut grouped = String::new();
    while digits.len() > 3 {
        let tail = digits.split_off(digits.len() - 3);
        grouped = format!(",{tail}{grouped}");
    }
    digits + &grouped
}

/// The size of a text as the detail view gives it: "1.0 MB (1,000,000 bytes)", "950 bytes".
pub fn byte_size(bytes: usize) -> String {
    let exact = tf(Msg::Bytes, &[("n", &thousands(bytes))]);
    match bytes {
        0..1_000 => exact,
        1_000..1_000_000 => format!("{} kB ({exact})", fixed(bytes as f64 / 1e3, 1)),
        _ => format!("{} MB ({exact})", fixed(bytes as f64 / 1e6, 1)),
    }
}

/// The evidence lines under a verdict: one per signal, except matched expected facts, which
/// are highlighted in the text and listed once ("Mentions 2 expected facts: …").
pub fn evidence_lines(verdict: &Verdict, content: &str) -> Vec<String> {
    let mut lines: Vec<String> = verdict
        .signals
        .iter()
        .filter(|s| s.name != SignalKind::ExpectedFact)
        .map(|s| s.reason.clone())
        .collect();
    let facts: Vec<&str> = verdict
        .signals
        .iter()
        .filter(|s| s.name == SignalKind::ExpectedFact)
        .filter_map(|s| s.span.and_then(|(a, b)| content.get(a..b)))
        .collect();
    if !facts.is_empty() {
        let msg = if facts.len() == 1 { Msg::MentionsFact } else { Msg::MentionsFacts };
        lines.push(tf(msg, &[("n", &facts.len()), ("facts", &facts.join(", "))]));
    }
    lines
}

/// The token counts a server reported, as one line ("812 in · 95 out · 40 reasoning"); `None`
/// when it reported none.
pub fn usage_line(usage: &Usage) -> Option<String> {
    let parts: Vec<String> = [
        (usage.prompt_tokens, Msg::TokensIn),
        (usage.completion_tokens, Msg::TokensOut),
        (usage.reasoning_tokens, Msg::TokensReasoning),
        (usage.cached_tokens, Msg::TokensCached),
    ]
    .into_iter()
    .filter_map(|(n, what)| n.map(|n| tf(what, &[("n", &n)])))
    .collect();
    (!parts.is_empty()).then(|| parts.join(" · "))
}

/// A link from the open probe to a related one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    /// The related probe's id.
    pub probe_id: String,
    /// The button's label ("Simplified Chinese", "Control question"…).
    pub label: String,
    /// Whether the run asked it (a probe outside the run opens with no replies).
    pub in_run: bool,
    /// The tooltip: its prompt, and whether the run asked it.
    pub title: String,
}

/// Finds a probe by id: the run's own probes first (imported runs ask questions that are
/// not in the pack), then the pack's.
pub fn find_probe<'a>(run: &'a Run, pack: &'a Pack, id: &str) -> Option<&'a Probe> {
    run.probe_index(id).map(|i| run.probes[i].as_ref()).or_else(|| pack.probe(id))
}

/// The links shown above the replies: the same question in its other languages, its control
/// question, and (for a control) the sensitive questions it controls for.
pub fn related(probe: &Probe, run: &Run, pack: &Pack) -> Vec<Related> {
    let link = |p: &Probe, label: String| {
        let in_run = run.probe_index(&p.id).is_some();
        let title = if in_run { p.prompt.clone() } else { tf(Msg::NotInRun, &[("prompt", &p.prompt)]) };
        Related { probe_id: p.id.clone(), label, in_run, title }
    };
    let mut links: Vec<Related> = probe
        .translations
        .iter()
        .filter_map(|t| find_probe(run, pack, t))
        .map(|p| link(p, p.lang.label().to_string()))
        .collect();
    if let Some(p) = probe.control.as_deref().and_then(|c| find_probe(run, pack, c)) {
        links.push(link(p, tr(Msg::ControlQuestion).into()));
    }
    if probe.kind == ProbeKind::Control {
        // A control the pack does not have (one asked ad hoc) is named by the run's probes.
        let in_pack = pack.probe(&probe.id).is_some();
        let (pack_probes, own) =
            if in_pack { (&pack.probes[..], &[][..]) } else { (&[][..], &run.probes[..]) };
        let all = pack_probes.iter().chain(own.iter().map(|p| &**p));
        let controlled = all.filter(|p| p.control.as_deref() == Some(probe.id.as_str()));
        links.extend(controlled.map(|p| link(p, tr(Msg::SensitiveQuestion).into())));
    }
    links
}

/// The line above the prompt: topic, language and kind ("Taiwan · English · sensitive").
pub fn heading(probe: &Probe, run: &Run, pack: &Pack) -> String {
    let topic = run.topic_name(pack, &probe.topic);
    let kind = tr(if probe.kind == ProbeKind::Sensitive { Msg::Sensitive } else { Msg::Control });
    format!("{topic} · {} · {kind}", probe.lang.label())
}
