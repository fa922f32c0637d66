//! What the user is looking at, as a link: the page, the matrix's filters and the open cell,
//! kept in the URL's fragment (`#view=results&verdict=refused&q=tank`) so a link reopens the
//! same view. The fragment never holds a key, a reply or a setting: only page names, verdict,
//! topic, language and probe ids, and the words searched for.

use std::collections::BTreeSet;

use super::pack::{Lang, ProbeKind};
use super::run::{Cell, CellId, Run};
use super::state::View;
use super::verdict::Label;

/// Which probes the matrix shows. An empty filter shows all.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MatrixFilter {
    /// Rows with at least one finished cell of one of these verdicts (none: any).
    pub verdicts: BTreeSet<Label>,
    /// Only this topic (by id).
    pub topic: Option<String>,
    /// Only probes in this language.
    pub lang: Option<Lang>,
    /// Only sensitive or only control probes.
    pub kind: Option<ProbeKind>,
    /// Only rows whose finished cells do not all have the same verdict.
    pub disagree: bool,
    /// Words to find in the prompt or in any reply (ASCII letters match either case).
    pub query: String,
}

/// ASCII-only lower case: Chinese text and other scripts are compared as they are.
fn fold(s: &str) -> String {
    s.chars().map(|c| c.to_ascii_lowercase()).collect()
}

impl MatrixFilter {
    /// Whether it shows every row.
    pub fn is_empty(&self) -> bool {
        *self == MatrixFilter::default()
    }

    /// Whether probe `pi` of `run` is shown.
    pub fn keeps(&self, run: &Run, pi: usize) -> bool {
        let probe = &run.probes[pi];
        if self.topic.as_ref().is_some_and(|t| *t != probe.topic)
            || self.lang.is_some_and(|l| l != probe.lang)
            || self.kind.is_some_and(|k| k != probe.kind)
        {
            return false;
        }
        let done: Vec<&_> = (0..run.providers.len())
            .filter_map(|provider| match run.cell(CellId { probe: pi, provider }) {
                Some(Cell::Done(r)) => Some(r),
                _ => None,
            })
            .collect();
        if !self.verdicts.is_empty() && !done.iter().any(|r| self.verdicts.contains(&r.verdict.label)) {
            return false;
        }
        if self.disagree && done.windows(2).all(|w| w[0].verdict.label == w[1].verdict.label) {
            return false;
        }
        let query = fold(self.query.trim());
        if !query.is_empty() {
            let found = fold(&probe.prompt).contains(&query)
                || done.iter().any(|r| r.reply().is_some_and(|reply| fold(&reply.content).contains(&query)));
            if !found {
                return false;
            }
        }
        true
    }
}

/// A view of the app that a link can hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ViewLink {
    /// The page.
    pub view: View,
    /// The matrix's filters.
    pub filter: MatrixFilter,
    /// The probe whose detail is open.
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

    /// The page named `key`.
    pub fn from_key(key: &str) -> Option<View> {
        [View::Results, View::DataFlow, View::Runs].into_iter().find(|v| v.key() == key)
    }
}

fn kind_key(k: ProbeKind) -> &'static str {
    match k {
        ProbeKind::Sensitive => "sensitive",
        ProbeKind::Control => "control",
    }
}

/// Percent-encodes everything but ASCII letters, digits and `-._~`.
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Undoes [`encode`] (and reads `+` as a space); `None` for broken escapes or bytes that are
/// not UTF-8.
fn decode(s: &str) -> Option<String> {
    let mut bytes = Vec::with_capacity(s.len());
    let mut it = s.bytes();
    while let Some(b) = it.next() {
        match b {
            b'%' => {
                let hex = [it.next()?, it.next()?];
                bytes.push(u8::from_str_radix(std::str::from_utf8(&hex).ok()?, 16).ok()?);
            }
            b'+' => bytes.push(b' '),
            b => bytes.push(b),
        }
    }
    String::from_utf8(bytes).ok()
}

impl ViewLink {
    /// The fragment for this view, without the `#`.
    pub fn to_hash(&self) -> String {
        let mut parts = vec![format!("view={}", self.view.key())];
        let f = &self.filter;
        if !f.verdicts.is_empty() {
            let keys: Vec<&str> = f.verdicts.iter().map(|l| l.key()).collect();
            parts.push(format!("verdict={}", keys.join(",")));
        }
        if let Some(t) = &f.topic {
            parts.push(format!("topic={}", encode(t)));
        }
        if let Some(l) = f.lang {
            parts.push(format!("lang={}", l.tag()));
        }
        if let Some(k) = f.kind {
            parts.push(format!("kind={}", kind_key(k)));
        }
        if f.disagree {
            parts.push("disagree=1".to_string());
        }
        if !f.query.trim().is_empty() {
            parts.push(format!("q={}", encode(f.query.trim())));
        }
        if let Some(p) = &self.open {
            parts.push(format!("open={}", encode(p)));
        }
        parts.join("&")
    }

    /// Reads a fragment (with or without its `#`). Parts it does not know, or cannot read,
    /// are left out: a damaged link opens as much of the view as it can.
    pub fn parse(hash: &str) -> ViewLink {
        let mut link = ViewLink { view: View::Results, filter: MatrixFilter::default(), open: None };
        for part in hash.trim_start_matches('#').split('&') {
            let Some((key, value)) = part.split_once('=') else { continue };
            let Some(value) = decode(value) else { continue };
            let f = &mut link.filter;
            match key {
                "view" => link.view = View::from_key(&value).unwrap_or(View::Results),
                "verdict" => {
                    f.verdicts = value
                        .split(',')
                        .filter_map(|k| Label::ALL.into_iter().find(|l| l.key() == k))
                        .collect();
                }
                "topic" if !value.is_empty() => f.topic = Some(value),
                "lang" => f.lang = Lang::from_tag(&value),
                "kind" => {
                    f.kind = [ProbeKind::Sensitive, ProbeKind::Control]
                        .into_iter()
                        .find(|k| kind_key(*k) == value);
                }
                "disagree" => f.disagree = value == "1",
                "q" => f.query = value,
                "open" if !value.is_empty() => link.open = Some(value),
                _ => {}
            }
        }
        link
    }
}
