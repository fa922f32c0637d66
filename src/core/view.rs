//! The matrix you can question, and the view as a link.
//!
//! [`MatrixView`] is how the matrix is looked at: which rows its filters keep (verdict,
//! topic, language, probe kind, "models disagree", words searched for in prompts and
//! replies), in which order the provider columns stand, and whether each cell shows the first
//! line of its reply. [`ViewLink`] is what the URL's fragment holds
//! (`#view=results&run=run-1&verdict=refused&q=tank&open=tiananmen-1@en`), so a link reopens
//! the same view: page names, ids, verdict and language names and the words searched for,
//! never a key, a setting or a reply's text.

use super::i18n::{tr, Msg};
use super::pack::{Lang, Pack, ProbeKind};
use super::run::{Cell, CellId, CellResult, Run};
use super::state::View;
use super::verdict::Label;

/// The order of the matrix's provider columns.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ColumnSort {
    /// As the providers were configured.
    #[default]
    Configured,
    /// The provider that refuses most first.
    Refusals,
}

/// How the matrix is looked at. The default shows every row, in configured column order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MatrixView {
    /// Rows with at least one finished cell of this verdict (the one set by hand when there is
    /// one).
    pub verdict: Option<Label>,
    /// Only this topic (by id).
    pub topic: Option<String>,
    /// Only probes in this language.
    pub lang: Option<Lang>,
    /// Only sensitive or only control probes.
    pub kind: Option<ProbeKind>,
    /// Only rows where the models' verdicts differ (errors left aside: they say nothing of
    /// what a model would answer).
    pub disagree: bool,
    /// Words to find in the prompt or in any reply (ASCII letters match either case).
    pub query: String,
    /// The order of the provider columns.
    pub sort: ColumnSort,
    /// Each finished cell shows the first line of its reply under its verdict.
    pub text: bool,
}

/// Whether `hay` holds `needle`, ASCII letters in either case (other scripts as they are);
/// no copy of `hay` is made, so a search costs nothing per reply but the scan.
fn holds(hay: &str, needle: &str) -> bool {
    let n = needle.as_bytes();
    n.is_empty() || hay.as_bytes().windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
}

impl MatrixView {
    /// Whether the filters keep every row (the column order and text view aside).
    pub fn shows_all(&self) -> bool {
        *self == MatrixView { sort: self.sort, text: self.text, ..MatrixView::default() }
    }

    /// The same view with its filters cleared.
    pub fn cleared(&self) -> MatrixView {
        MatrixView { sort: self.sort, text: self.text, ..MatrixView::default() }
    }

    /// The names of the view's fields, in links and in [`MatrixView::set`], in the order the
    /// filter bar shows them (the search, `q`, is drawn apart).
    pub const KEYS: [&'static str; 8] = ["verdict", "topic", "lang", "kind", "disagree", "sort", "text", "q"];

    /// Field `key` as a link writes it and the filter bar's control holds it: an option's
    /// value, `1` for a ticked box, empty when the field is not set.
    pub fn value(&self, key: &str) -> String {
        let on = |b: bool| if b { "1" } else { "" };
        match key {
            "verdict" => self.verdict.map_or("", Label::key),
            "topic" => self.topic.as_deref().unwrap_or(""),
            "lang" => self.lang.map_or("", Lang::tag),
            "kind" => KINDS.iter().find(|(k, _)| Some(*k) == self.kind).map_or("", |(_, name)| name),
            "disagree" => on(self.disagree),
            "sort" if self.sort == ColumnSort::Refusals => "refusals",
            "text" => on(self.text),
            "q" => self.query.trim(),
            _ => "",
        }
        .to_string()
    }

    /// Sets field `key` from `value` as [`MatrixView::value`] writes it (empty: unset). A value
    /// it does not know unsets the field; an unknown key changes nothing.
    pub fn set(&mut self, key: &str, value: String) {
        match key {
            "verdict" => self.verdict = Label::ALL.into_iter().find(|l| l.key() == value),
            "topic" => self.topic = (!value.is_empty()).then_some(value),
            "lang" => self.lang = Lang::from_tag(&value),
            "kind" => self.kind = KINDS.iter().find(|(_, k)| *k == value).map(|(k, _)| *k),
            "disagree" => self.disagree = value == "1",
            "sort" => {
                self.sort = if value == "refusals" { ColumnSort::Refusals } else { ColumnSort::Configured }
            }
            "text" => self.text = value == "1",
            "q" => self.query = value,
            _ => {}
        }
    }

    /// The filter bar's controls for `run`, in [`MatrixView::KEYS`] order without the search;
    /// topics are named as `pack` names them in the interface's language.
    pub fn controls(&self, run: &Run, pack: &Pack) -> Vec<Control> {
        // Through `dyn`: one copy of the code for every list of options.
        fn pairs<'a>(
            first: &'a str,
            rest: &mut dyn Iterator<Item = (&'a str, &'a str)>,
        ) -> Vec<(String, String)> {
            std::iter::once(("", first)).chain(rest).map(|(v, t)| (v.to_string(), t.to_string())).collect()
        }
        let topics = topics(run, pack);
        // The languages the run asks in, not every language Candor knows.
        let langs = Lang::of(run.probes.iter().map(|p| p.lang));
        let all = tr(Msg::FilterAll);
        let kinds = [(KINDS[0].1, tr(Msg::Sensitive)), (KINDS[1].1, tr(Msg::Control))];
        let options = [
            (
                tr(Msg::FilterVerdict),
                pairs(tr(Msg::FilterAny), &mut Label::ALL.iter().map(|l| (l.key(), l.title()))),
            ),
            (tr(Msg::Topic), pairs(all, &mut topics.iter().map(|(id, t)| (id.as_str(), t.as_str())))),
            (tr(Msg::Language), pairs(all, &mut langs.iter().map(|l| (l.tag(), l.name())))),
            (tr(Msg::FilterKind), pairs(all, &mut kinds.into_iter())),
            (tr(Msg::FilterDisagree), Vec::new()),
            (
                tr(Msg::FilterColumns),
                pairs(
                    tr(Msg::FilterAsConfigured),
                    &mut std::iter::once(("refusals", tr(Msg::FilterMostRefusals))),
                ),
            ),
            (tr(Msg::FilterFirstLine), Vec::new()),
        ];
        options
            .into_iter()
            .zip(Self::KEYS)
            .map(|((label, options), key)| Control { key, label, options, value: self.value(key) })
            .collect()
    }

    /// Whether probe `pi` of `run` passes the filters.
    pub fn keeps(&self, run: &Run, pi: usize) -> bool {
        let Some(probe) = run.probes.get(pi) else { return false };
        if self.topic.as_ref().is_some_and(|t| *t != probe.topic)
            || self.lang.is_some_and(|l| l != probe.lang)
            || self.kind.is_some_and(|k| k != probe.kind)
        {
            return false;
        }
        // Each provider's cell as it stands (with samples, once every sample is in).
        let done: Vec<&CellResult> = (0..run.providers.len())
            .filter_map(|provider| run.settled(CellId { probe: pi, provider, sample: 0 }).map(|(_, r)| r))
            .collect();
        if self.verdict.is_some_and(|v| !done.iter().any(|r| r.label() == v)) {
            return false;
        }
        if self.disagree {
            let mut labels = done.iter().map(|r| r.label()).filter(|&l| l != Label::Error);
            let first = labels.next();
            if !labels.any(|l| Some(l) != first) {
                return false;
            }
        }
        let query = self.query.trim();
        query.is_empty()
            || holds(&probe.prompt, query)
            || (0..run.providers.len())
                .flat_map(|provider| run.samples_of(CellId { probe: pi, provider, sample: 0 }))
                .any(|c| matches!(&**c, Cell::Done(r) if r.reply().is_some_and(|reply| holds(&reply.content, query))))
    }

    /// The provider columns in the order this view shows them, as indexes into the run's
    /// providers. By refusals: the highest share of refused replies first (verdicts set by
    /// hand count as set), ties and providers with no reply yet in configured order.
    pub fn columns(&self, run: &Run) -> Vec<usize> {
        let mut cols: Vec<usize> = (0..run.providers.len()).collect();
        if self.sort == ColumnSort::Refusals {
            // (refused, finished) of column `i`, compared as fractions without rounding.
            let share = |i: usize| {
                run.mixes()
                    .get(i)
                    .map_or((0, 1), |m| (u64::from(m.count(Label::Refused)), u64::from(m.total().max(1))))
            };
            // An insertion sort: a handful of columns, and no generic sort in the page's code.
            for i in 1..cols.len() {
                let mut j = i;
                while j > 0 && {
                    let ((ra, ta), (rb, tb)) = (share(cols[j - 1]), share(cols[j]));
                    rb * ta > ra * tb
                } {
                    cols.swap(j - 1, j);
                    j -= 1;
                }
            }
        }
        cols
    }
}

/// The run's topics as (id, name as the interface shows it), in the order the run first
/// meets them: the topic filter's choices.
pub fn topics(run: &Run, pack: &Pack) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for p in &run.probes {
        if !out.iter().any(|(id, _)| *id == p.topic) {
            out.push((p.topic.clone(), run.topic_name(pack, &p.topic).to_string()));
        }
    }
    out
}

/// One control of the filter bar: a drop-down of `options`, or a box to tick when it has none.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Control {
    /// The field it sets (one of [`MatrixView::KEYS`]).
    pub key: &'static str,
    /// Its label.
    pub label: &'static str,
    /// (value, title) of each choice; none for a box.
    pub options: Vec<(String, String)>,
    /// The value chosen, as [`MatrixView::value`] gives it (`1`: ticked).
    pub value: String,
}

/// The first line of `text` that holds something, trimmed, cut to `max` characters (with
/// "…" when cut); empty when there is none.
pub fn first_line(text: &str, max: usize) -> String {
    let line = text.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("");
    super::matrix::short(line, max)
}

/// A view of the app that a link can hold.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ViewLink {
    /// The page.
    pub view: View,
    /// The run shown, by id (a saved run: the link reopens it from this browser's storage).
    pub run: Option<String>,
    /// How the matrix is looked at.
    pub matrix: MatrixView,
    /// The probe whose replies are open side by side.
    pub open: Option<String>,
}

impl View {
    /// The page's name in links.
    pub fn key(self) -> &'static str {
        match self {
            View::Results => "results",
            View::DataFlow => "flow",
            View::Runs => "runs",
        }
    }
}

const KINDS: [(ProbeKind, &str); 2] = [(ProbeKind::Sensitive, "sensitive"), (ProbeKind::Control, "control")];

/// Adds `&key=` and `value` percent-encoded: everything but ASCII letters, digits and `-._~@`.
fn put(out: &mut String, key: &str, value: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    if !out.is_empty() {
        out.push('&');
    }
    out.push_str(key);
    out.push('=');
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~@".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
}

/// Undoes the encoding of [`put`] (and reads `+` as a space); `None` for a broken escape or
/// bytes that are not UTF-8.
fn decode(s: &str) -> Option<String> {
    let mut bytes = Vec::with_capacity(s.len());
    let mut it = s.bytes();
    while let Some(b) = it.next() {
        bytes.push(match b {
            b'%' => {
                let hex = |c: u8| char::from(c).to_digit(16);
                (hex(it.next()?)? * 16 + hex(it.next()?)?) as u8
            }
            b'+' => b' ',
            b => b,
        });
    }
    String::from_utf8(bytes).ok()
}

impl ViewLink {
    /// The fragment for this view, without the `#`.
    pub fn to_hash(&self) -> String {
        let mut out = String::new();
        put(&mut out, "view", self.view.key());
        if let Some(run) = &self.run {
            put(&mut out, "run", run);
        }
        for key in MatrixView::KEYS {
            let value = self.matrix.value(key);
            if !value.is_empty() {
                put(&mut out, key, &value);
            }
        }
        if let Some(p) = &self.open {
            put(&mut out, "open", p);
        }
        out
    }

    /// Reads a fragment (with or without its `#`). Parts it does not know, or cannot read,
    /// are left out: a damaged link opens as much of the view as it can.
    pub fn parse(hash: &str) -> ViewLink {
        let mut link = ViewLink::default();
        for part in hash.trim_start_matches('#').split('&') {
            let Some((key, value)) = part.split_once('=') else { continue };
            let Some(value) = decode(value).filter(|v| !v.is_empty()) else { continue };
            match key {
                "view" => {
                    link.view = [View::Results, View::DataFlow, View::Runs]
                        .into_iter()
                        .find(|v| v.key() == value)
                        .unwrap_or_default();
                }
                "run" => link.run = Some(value),
                "open" => link.open = Some(value),
                _ => link.matrix.set(key, value),
            }
        }
        link
    }
}
