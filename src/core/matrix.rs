//! What the results matrix shows, worked out here so the view only draws it: the rows (a
//! heading for each topic, then its probes) and, for each cell, its label, confidence and
//! the short line under it.

use super::i18n::{self, tf, Msg};
use super::pack::{Pack, ProbeKind};
use crate::core::num::{fixed, percent};
use std::rc::Rc;

use super::run::{settled, Cell, CellResult, Consensus, Run};
use super::verdict::{Label, Outcome};
use super::view::{first_line, MatrixView};

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

/// The matrix's rows that `view`'s filters keep, in the run's probe order, with a heading
/// whenever the topic changes.
pub fn rows(run: &Run, pack: &Pack, view: &MatrixView) -> Vec<Row> {
    let all = view.shows_all();
    let mut out = Vec::with_capacity(run.probes.len() + 16);
    let mut topic: Option<&str> = None;
    for (i, probe) in run.probes.iter().enumerate().filter(|(i, _)| all || view.keeps(run, *i)) {
        if topic != Some(probe.topic.as_str()) {
            topic = Some(&probe.topic);
            let t = pack.topic(&probe.topic);
            let name = run.topic_name(pack, &probe.topic).to_string();
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
        /// The verdict that counts (the one set by hand when there is one).
        label: Label,
        /// Whether it was set by hand.
        manual: bool,
        /// The first line of the reply (or of the error), for the text view.
        first: String,
        /// "85%".
        confidence: String,
        /// The emphasis step of the confidence figure.
        strength: Strength,
        /// "1.2k ch · 3.4 s", or "error".
        meta: String,
        /// The tooltip.
        title: String,
        /// With several samples: how many agree with the verdict shown (their majority), and
        /// whether it flips between them.
        samples: Option<Consensus>,
        /// Whether the reply stopped before its end (a stream that broke after some text):
        /// the verdict is on part of a reply, which the cell says in its size line.
        cut_short: bool,
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

fn done_view(r: &CellResult, samples: Option<Consensus>) -> CellView {
    let label = r.label();
    let cut_short = matches!(r.outcome, Outcome::Reply { cut_short: Some(_), .. });
    // With samples, the line under the verdict says how many agree and, in words a screen
    // reader reads with the cell, whether the verdict flips.
    let meta = match samples {
        Some(c) => c.describe(),
        None if label == Label::Error => i18n::tr(Msg::CellError).to_string(),
        None => {
            let chars = r.reply().map_or(0, |r| r.content.chars().count());
            format!("{} ch · {} s", size(chars), fixed(r.timing.latency_ms / 1000.0, 1))
        }
    };
    // A reply cut short says so after its size line and its tooltip's verdict.
    let mark = if cut_short { format!(" · {}", i18n::tr(Msg::CutShortMark)) } else { String::new() };
    let meta = meta + &mark;
    let confidence = percent(r.verdict.confidence);
    let first = match &r.outcome {
        Outcome::Reply { reply, .. } => first_line(&reply.content, 120),
        Outcome::Dialect(e) => first_line(&e.to_string(), 120),
        Outcome::Transport(msg) => first_line(msg, 120),
    };
    let mut title = match r.manual {
        Some(_) => tf(
            Msg::CellTitleByHand,
            &[("verdict", &label.title()), ("auto", &r.verdict.label.title()), ("percent", &confidence)],
        ),
        None => tf(Msg::CellTitle, &[("verdict", &label.title()), ("percent", &confidence)]),
    };
    title.push_str(&mark);
    if !first.is_empty() {
        title.push('\n');
        title.push_str(&first);
    }
    CellView::Done {
        label,
        manual: r.manual.is_some(),
        first,
        title,
        confidence,
        strength: Strength::of(r.verdict.confidence),
        meta,
        samples,
        cut_short,
    }
}

/// How a cell asked once or several times is drawn: with several samples, the majority
/// verdict once every sample is in (drawn from the first sample that has it), how many
/// samples are in while they arrive.
pub fn samples_view(cells: &[Rc<Cell>]) -> CellView {
    if let [one] = cells {
        return cell_view(Some(one));
    }
    if let Some((c, r)) = settled(cells) {
        return done_view(r, Some(c));
    }
    let done = cells.iter().filter(|c| matches!(***c, Cell::Done(_))).count();
    match cells.iter().any(|c| !matches!(**c, Cell::Pending)) {
        true => CellView::Streaming { meta: format!("{done}/{} samples", cells.len()) },
        false => CellView::Queued,
    }
}

/// How `cell` is drawn.
pub fn cell_view(cell: Option<&Cell>) -> CellView {
    match cell {
        Some(Cell::Done(r)) => done_view(r, None),
        Some(Cell::Running { content, .. }) => {
            CellView::Streaming { meta: tf(Msg::Chars, &[("n", &size(content.chars().count()))]) }
        }
        _ => CellView::Queued,
    }
}

/// A character count in few digits: "950", "1.2k".
pub fn size(chars: usize) -> String {
    if chars >= 1000 {
        format!("{}k", fixed(chars as f64 / 1000.0, 1))
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
