//! What the results matrix shows, worked out here so the view only draws it: the rows (a
//! heading for each topic, then its probes) and, for each cell, its label, confidence and
//! the short line under it.

use super::i18n::{self, tf, Msg};
use super::pack::{Pack, ProbeKind};
use super::run::{Cell, Run};
use super::verdict::Label;

/// One row of the matrix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Row {
    /// A topic's heading, before its first probe.
    Topic {
        /// The topic's name ("Taiwan").
        name: String,
        /// "sensitive", or "control for Taiwan".
        note: String,
        /// Whether the topic is a control topic.
        control: bool,
    },
    /// One probe: the index into the run's probes.
    Probe(usize),
}

/// The matrix's rows in the run's probe order, with a heading whenever the topic changes.
pub fn rows(run: &Run, pack: &Pack) -> Vec<Row> {
    let mut out = Vec::with_capacity(run.probes.len() + 16);
    let mut topic: Option<&str> = None;
    for (i, probe) in run.probes.iter().enumerate() {
        if topic != Some(probe.topic.as_str()) {
            topic = Some(&probe.topic);
            let t = pack.topic(&probe.topic);
            let name = t.map_or(probe.topic.as_str(), |t| t.ui_name()).to_string();
            let note = match t.and_then(|t| t.mirrors.as_deref()) {
                Some(m) => tf(Msg::ControlFor, &[("topic", &pack.topic(m).map_or(m, |t| t.ui_name()))]),
                None => i18n::tr(Msg::Sensitive).to_string(),
            };
            out.push(Row::Topic { name, note, control: probe.kind == ProbeKind::Control });
        }
        out.push(Row::Probe(i));
    }
    out
}

/// How one cell is drawn.
#[derive(Clone, Debug, PartialEq)]
pub enum CellView {
    /// Not sent yet.
    Queued,
    /// Streaming: the size of the text so far ("1.2k ch").
    Streaming {
        /// The size line.
        meta: String,
    },
    /// Finished.
    Done {
        /// The verdict.
        label: Label,
        /// "85%".
        confidence: String,
        /// The emphasis step of the confidence figure.
        strength: Strength,
        /// "1.2k ch · 3.4 s", or "error".
        meta: String,
        /// The tooltip.
        title: String,
    },
}

/// How strongly a confidence figure is drawn: the page's content security policy forbids
/// inline styles, so emphasis comes in three steps from the stylesheet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strength {
    /// 80% or more.
    High,
    /// 60% to 80%.
    Mid,
    /// Below 60%.
    Low,
}

impl Strength {
    /// The step for a confidence between 0 and 1.
    pub fn of(confidence: f32) -> Strength {
        if confidence >= 0.8 {
            Strength::High
        } else if confidence >= 0.6 {
            Strength::Mid
        } else {
            Strength::Low
        }
    }

    /// The stylesheet's class for it.
    pub fn class(self) -> &'static str {
        match self {
            Strength::High => "conf-high",
            Strength::Mid => "conf-mid",
            Strength::Low => "conf-low",
        }
    }
}

/// How `cell` is drawn.
pub fn cell_view(cell: Option<&Cell>) -> CellView {
    match cell {
        Some(Cell::Done(r)) => {
            let label = r.verdict.label;
            let meta = if label == Label::Error {
                i18n::tr(Msg::CellError).to_string()
            } else {
                let chars = r.reply().map_or(0, |r| r.content.chars().count());
                format!("{} ch · {:.1} s", size(chars), r.timing.latency_ms / 1000.0)
            };
            let percent = format!("{:.0}%", r.verdict.confidence * 100.0);
            CellView::Done {
                label,
                title: tf(Msg::CellTitle, &[("verdict", &label.title()), ("percent", &percent)]),
                confidence: percent,
                strength: Strength::of(r.verdict.confidence),
                meta,
            }
        }
        Some(Cell::Running { content, .. }) => {
            CellView::Streaming { meta: tf(Msg::Chars, &[("n", &size(content.chars().count()))]) }
        }
        _ => CellView::Queued,
    }
}

/// A character count in few digits: "950", "1.2k".
pub fn size(chars: usize) -> String {
    if chars >= 1000 {
        format!("{:.1}k", chars as f64 / 1000.0)
    } else {
        chars.to_string()
    }
}

/// Matrices with more rows than this draw only the rows in view (and a few around them), so
/// a run of 10,000 cells costs the page what a screenful does. Smaller ones draw every row,
/// so the browser's find-in-page sees them all.
pub const VIRTUAL_FROM: usize = 200;

/// The height of every row of a matrix drawn in part, spacing included, in CSS pixels (the
/// stylesheet gives `table.matrix.virtual` rows this height).
pub const ROW_PX: f64 = 40.0;

/// Rows drawn beyond each edge of the view.
pub const OVERSCAN: usize = 12;

/// Which rows of the matrix to draw, and the empty space that stands for the others.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Window {
    /// First row drawn.
    pub start: usize,
    /// One past the last row drawn.
    pub end: usize,
    /// Height standing for the rows above `start` (CSS pixels).
    pub above_px: f64,
    /// Height standing for the rows from `end` on.
    pub below_px: f64,
}

impl Window {
    /// Whether only some rows are drawn.
    pub fn partial(&self) -> bool {
        self.above_px > 0.0 || self.below_px > 0.0
    }
}

/// The rows to draw of `rows` when the matrix is scrolled `scroll_px` down and `view_px` of
/// it is in view: every row up to [`VIRTUAL_FROM`], else those in view and [`OVERSCAN`] more
/// on each side.
pub fn window(rows: usize, scroll_px: f64, view_px: f64) -> Window {
    if rows <= VIRTUAL_FROM {
        return Window { start: 0, end: rows, above_px: 0.0, below_px: 0.0 };
    }
    let shown = (view_px.max(0.0) / ROW_PX).ceil() as usize + 1;
    // Scrolled past the end (rows drawn taller than ROW_PX): the last screenful.
    let first = ((scroll_px.max(0.0) / ROW_PX) as usize).min(rows.saturating_sub(shown));
    let start = first.saturating_sub(OVERSCAN).min(rows);
    let end = (first + shown + OVERSCAN).min(rows).max(start);
    Window { start, end, above_px: start as f64 * ROW_PX, below_px: (rows - end) as f64 * ROW_PX }
}

/// `text` cut to at most `max` characters, with "…" when something was cut.
pub fn short(text: &str, max: usize) -> String {
    let mut out: String = text.chars().take(max).collect();
    if text.chars().count() > max {
        out.push('…');
    }
    out
}
