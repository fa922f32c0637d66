//! Chart geometry: where every rectangle and label of the report's charts goes, computed
//! in Rust so the HTML report and the app draw the same thing and the layout is tested
//! without a browser. Coordinates are SVG user units (pixels at 100%), origin top left.
//!
//! Label space is estimated from character counts ([`CHAR_W`] per character at the 12 px
//! labels the report uses), and long labels are shortened, so no label overlaps a mark.
//!
//! Token and cost charts, with the price table they read, are in [`cost`] (re-exported here).

use super::figures::Share;
use crate::core::summary::Mix;
use crate::core::verdict::Label;

pub mod cost;

pub use crate::core::price::{glob_match, price_for, Price, PriceField};
pub use cost::{cost_bars, CostBar, CostChart, TokenUse};

/// Estimated width of one label character at 12 px.
pub const CHAR_W: f64 = 7.0;
/// Labels longer than this many characters are shortened with an ellipsis.
pub const LABEL_CHARS: usize = 32;
/// Space between a label and what it labels.
pub const PAD: f64 = 8.0;
/// Height of one bar of a bar chart.
pub const BAR_H: f64 = 14.0;
/// Space between the bars of one group.
pub const BAR_GAP: f64 = 2.0;
/// Space between groups.
pub const GROUP_GAP: f64 = 12.0;
/// Room right of a bar for its value.
pub const VALUE_W: f64 = 72.0;

/// A piece of text and its anchor point.
#[derive(Clone, Debug, PartialEq)]
pub struct AxisLabel {
    /// The text, shortened to [`LABEL_CHARS`].
    pub text: String,
    /// Anchor x.
    pub x: f64,
    /// Anchor y (the text's middle line).
    pub y: f64,
}

/// A label shortened to [`LABEL_CHARS`] characters, as the charts draw it.
pub fn short(s: &str) -> String {
    match s.char_indices().nth(LABEL_CHARS) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

fn label_width(labels: &[String]) -> f64 {
    labels.iter().map(|l| short(l).chars().count()).max().map_or(0.0, |n| n as f64 * CHAR_W + PAD)
}

/// One row of a stacked bar chart: a provider's verdict mix.
#[derive(Clone, Debug, PartialEq)]
pub struct StackedRow {
    /// The provider's label, right-aligned at its `x`.
    pub label: AxisLabel,
    /// Top of the bar.
    pub y: f64,
    /// Bar thickness.
    pub h: f64,
    /// Segments as (verdict, x, width), from [`Mix::bar`], shifted to start at the axis.
    pub segments: Vec<(Label, f64, f64)>,
    /// Finished cells the bar stands for.
    pub total: u32,
}

/// One horizontal stacked bar per provider, every bar `bar_len` long (it shows shares).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StackedBars {
    /// The rows, in the given order.
    pub rows: Vec<StackedRow>,
    /// Where bars start.
    pub axis_x: f64,
    /// Total width.
    pub width: f64,
    /// Total height.
    pub height: f64,
}

/// Lays out one stacked bar per (label, mix). A mix with no finished cell gets a row
/// without segments. No rows gives an empty chart.
pub fn stacked_bars(labels: &[String], mixes: &[Mix], bar_len: f64) -> StackedBars {
    if labels.is_empty() || bar_len <= 0.0 {
        return StackedBars::default();
    }
    let axis_x = label_width(labels);
    let h = BAR_H + 4.0;
    let rows: Vec<StackedRow> = labels
        .iter()
        .enumerate()
        .map(|(i, text)| {
            let y = i as f64 * (h + GROUP_GAP);
            let mix = mixes.get(i).cloned().unwrap_or_default();
            StackedRow {
                label: AxisLabel { text: short(text), x: axis_x - PAD, y: y + h / 2.0 },
                y,
                h,
                segments: mix.bar(bar_len).into_iter().map(|(l, x, w)| (l, axis_x + x, w)).collect(),
                total: mix.total(),
            }
        })
        .collect();
    StackedBars {
        height: rows.len() as f64 * (h + GROUP_GAP) - GROUP_GAP,
        rows,
        axis_x,
        width: axis_x + bar_len + VALUE_W,
    }
}

/// One cell of a heatmap.
#[derive(Clone, Debug, PartialEq)]
pub struct HeatCell {
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
    /// Row index.
    pub row: usize,
    /// Column index.
    pub col: usize,
    /// The value, 0 to 1, or `None` when there is no data.
    pub value: Option<f64>,
    /// The colour step: 0 (values below 0.2) to 4 (0.8 and above), `None` without data.
    pub level: Option<u8>,
}

impl HeatCell {
    /// The class the stylesheets colour: `heat-0` to `heat-4`, or `heat-none`.
    pub fn class(&self) -> &'static str {
        match self.level {
            Some(0) => "heat-0",
            Some(1) => "heat-1",
            Some(2) => "heat-2",
            Some(3) => "heat-3",
            Some(_) => "heat-4",
            None => "heat-none",
        }
    }

    /// Whether the cell's colour is dark enough that its value is written in white (the
    /// two ends of the scale).
    pub fn on_dark(&self) -> bool {
        matches!(self.level, Some(0 | 4))
    }
}

/// A grid of coloured cells with row labels on the left and column labels on top.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Heatmap {
    /// The cells, row by row.
    pub cells: Vec<HeatCell>,
    /// Row labels, right-aligned at their `x` (text-anchor end).
    pub row_labels: Vec<AxisLabel>,
    /// Column labels, anchored at the bottom middle of the label area and meant to be
    /// drawn rotated by −45° about their anchor (text-anchor start).
    pub col_labels: Vec<AxisLabel>,
    /// Total width.
    pub width: f64,
    /// Total height.
    pub height: f64,
}

/// The colour step of a heatmap value (see [`HeatCell::level`]).
pub fn heat_level(value: Option<f64>) -> Option<u8> {
    match value {
        Some(v) if v.is_finite() => Some(((v.clamp(0.0, 1.0) * 5.0).floor() as u8).min(4)),
        _ => None,
    }
}

/// Lays out a heatmap of `values[row][col]` (0 to 1) in square cells `cell` wide. Missing
/// entries count as no data. No rows or no columns gives an empty chart.
pub fn heatmap(rows: &[String], cols: &[String], values: &[Vec<Option<f64>>], cell: f64) -> Heatmap {
    if rows.is_empty() || cols.is_empty() || cell <= 0.0 {
        return Heatmap::default();
    }
    let left = label_width(rows);
    // A −45° label rises and runs right by its length × cos 45°.
    let diag = std::f64::consts::FRAC_1_SQRT_2;
    let top = label_width(cols) * diag + PAD;
    let mut cells = Vec::with_capacity(rows.len() * cols.len());
    for (r, _) in rows.iter().enumerate() {
        for (c, _) in cols.iter().enumerate() {
            let value = values.get(r).and_then(|row| row.get(c)).copied().flatten().filter(|v| v.is_finite());
            cells.push(HeatCell {
                x: left + c as f64 * cell,
                y: top + r as f64 * cell,
                w: cell,
                h: cell,
                row: r,
                col: c,
                value,
                level: heat_level(value),
            });
        }
    }
    let row_labels = rows
        .iter()
        .enumerate()
        .map(|(r, t)| AxisLabel { text: short(t), x: left - PAD, y: top + (r as f64 + 0.5) * cell })
        .collect();
    let col_labels: Vec<AxisLabel> = cols
        .iter()
        .enumerate()
        .map(|(c, t)| AxisLabel { text: short(t), x: left + (c as f64 + 0.5) * cell, y: top - PAD })
        .collect();
    let grid_right = left + cols.len() as f64 * cell;
    let label_right = col_labels
        .iter()
        .map(|l| l.x + l.text.chars().count() as f64 * CHAR_W * diag)
        .fold(grid_right, f64::max);
    Heatmap {
        cells,
        row_labels,
        col_labels,
        width: label_right + PAD,
        height: top + rows.len() as f64 * cell,
    }
}

/// One bar of a grouped bar chart.
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    /// Left edge (the chart's axis).
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Length, proportional to the value.
    pub w: f64,
    /// Thickness.
    pub h: f64,
    /// The value, or `None` when there is no data (then `w` is 0).
    pub value: Option<f64>,
    /// Group index.
    pub group: usize,
    /// Series index.
    pub series: usize,
}

/// Horizontal bars in groups: one group per provider, one bar per series in each (English,
/// Simplified, Traditional; or sensitive, control).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GroupedBars {
    /// Every bar, group by group.
    pub bars: Vec<Bar>,
    /// Group labels, right-aligned at their `x`, vertically centred on the group.
    pub group_labels: Vec<AxisLabel>,
    /// The series names, in bar order.
    pub series: Vec<String>,
    /// Where bars start.
    pub axis_x: f64,
    /// Length of a bar at the scale's maximum.
    pub bar_len: f64,
    /// Total width (bars plus room for the values).
    pub width: f64,
    /// Total height.
    pub height: f64,
}

/// Lays out `values[group][series]` as horizontal bars, `bar_len` long at `scale_max`
/// (use 1 for shares). Values are clamped to 0..`scale_max`. No groups or no series
/// gives an empty chart.
pub fn grouped_bars(
    groups: &[String],
    series: &[String],
    values: &[Vec<Option<f64>>],
    scale_max: f64,
    bar_len: f64,
) -> GroupedBars {
    if groups.is_empty() || series.is_empty() || scale_max <= 0.0 || bar_len <= 0.0 {
        return GroupedBars::default();
    }
    let axis_x = label_width(groups);
    let group_h = series.len() as f64 * BAR_H + (series.len() - 1) as f64 * BAR_GAP;
    let mut bars = Vec::new();
    let mut group_labels = Vec::new();
    for (g, name) in groups.iter().enumerate() {
        let top = g as f64 * (group_h + GROUP_GAP);
        group_labels.push(AxisLabel { text: short(name), x: axis_x - PAD, y: top + group_h / 2.0 });
        for s in 0..series.len() {
            let value = values.get(g).and_then(|row| row.get(s)).copied().flatten().filter(|v| v.is_finite());
            let w = value.map_or(0.0, |v| v.clamp(0.0, scale_max) / scale_max * bar_len);
            bars.push(Bar {
                x: axis_x,
                y: top + s as f64 * (BAR_H + BAR_GAP),
                w,
                h: BAR_H,
                value,
                group: g,
                series: s,
            });
        }
    }
    let height = groups.len() as f64 * (group_h + GROUP_GAP) - GROUP_GAP;
    GroupedBars {
        bars,
        group_labels,
        series: series.to_vec(),
        axis_x,
        bar_len,
        width: axis_x + bar_len + VALUE_W,
        height,
    }
}

/// The heatmap's values: per topic, per provider, the answered share of its finished cells
/// (`None` where none finished), from [`topic_mixes`](super::figures::topic_mixes).
pub fn answered_shares(topics: &[(String, Vec<Mix>)]) -> Vec<Vec<Option<f64>>> {
    topics
        .iter()
        .map(|(_, ms)| ms.iter().map(|m| (m.total() > 0).then(|| m.share(Label::Answered))).collect())
        .collect()
}

/// A gap chart's values: per provider, each series' answered share (`None` without data),
/// from [`language_gap`](super::figures::language_gap) or
/// [`control_gap`](super::figures::control_gap).
pub fn ratios<S: AsRef<[Share]>>(shares: &[S]) -> Vec<Vec<Option<f64>>> {
    shares.iter().map(|s| s.as_ref().iter().map(Share::ratio).collect()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(n: usize, p: &str) -> Vec<String> {
        (0..n).map(|i| format!("{p}{i}")).collect()
    }

    fn overlap(a: (f64, f64, f64, f64), b: (f64, f64, f64, f64)) -> bool {
        let eps = 1e-9;
        a.0 + a.2 > b.0 + eps && b.0 + b.2 > a.0 + eps && a.1 + a.3 > b.1 + eps && b.1 + b.3 > a.1 + eps
    }

    #[test]
    fn heatmap_cells_tile_without_overlap_and_classes_follow_values() {
        let rows = names(3, "topic-");
        let cols = names(2, "provider ");
        let values = vec![vec![Some(0.0), Some(1.0)], vec![Some(0.5), None], vec![Some(0.79)]];
        let h = heatmap(&rows, &cols, &values, 30.0);
        assert_eq!(h.cells.len(), 6);
        for (i, a) in h.cells.iter().enumerate() {
            for b in &h.cells[i + 1..] {
                assert!(!overlap((a.x, a.y, a.w, a.h), (b.x, b.y, b.w, b.h)), "{a:?} {b:?}");
            }
            assert!(a.x + a.w <= h.width && a.y + a.h <= h.height);
            // Row labels end left of every cell.
            assert!(h.row_labels[a.row].x < a.x);
        }
        let classes: Vec<&str> = h.cells.iter().map(HeatCell::class).collect();
        assert_eq!(classes, ["heat-0", "heat-4", "heat-2", "heat-none", "heat-3", "heat-none"]);
        let dark: Vec<bool> = h.cells.iter().map(HeatCell::on_dark).collect();
        assert_eq!(dark, [true, true, false, false, false, false]);
        assert_eq!(h.col_labels.len(), 2);
        assert!(h.col_labels.iter().all(|l| l.y < h.cells[0].y));
        assert_eq!(heatmap(&[], &cols, &[], 30.0), Heatmap::default());
        assert_eq!(heatmap(&rows, &[], &[], 30.0).cells.len(), 0);
    }

    #[test]
    fn bars_are_proportional_and_groups_do_not_overlap() {
        let groups = names(3, "p");
        let series = names(2, "s");
        let values = vec![vec![Some(0.5), Some(1.0)], vec![None, Some(0.25)], vec![Some(2.0), Some(-1.0)]];
        let g = grouped_bars(&groups, &series, &values, 1.0, 200.0);
        assert_eq!(g.bars.len(), 6);
        let w: Vec<f64> = g.bars.iter().map(|b| b.w).collect();
        assert_eq!(w, [100.0, 200.0, 0.0, 50.0, 200.0, 0.0]);
        assert_eq!(g.bars[2].value, None);
        for (i, a) in g.bars.iter().enumerate() {
            for b in &g.bars[i + 1..] {
                assert!(!overlap((a.x, a.y, 1.0, a.h), (b.x, b.y, 1.0, b.h)));
            }
            assert!(a.y + a.h <= g.height + 1e-9);
        }
        assert!(g.group_labels.iter().all(|l| l.x < g.axis_x));
        assert_eq!(grouped_bars(&[], &series, &[], 1.0, 200.0), GroupedBars::default());
    }

    #[test]
    fn stacked_bars_fill_the_length_and_keep_rows_apart() {
        let mut a = Mix::default();
        for l in [Label::Answered, Label::Refused, Label::Refused, Label::Error] {
            a.add(l);
        }
        let s = stacked_bars(&names(2, "p"), &[a, Mix::default()], 200.0);
        assert_eq!(s.rows.len(), 2);
        let segs = &s.rows[0].segments;
        assert_eq!(segs[0], (Label::Answered, s.axis_x, 50.0));
        assert_eq!(segs[1], (Label::Refused, s.axis_x + 50.0, 100.0));
        let end = segs.last().map(|&(_, x, w)| x + w).unwrap_or(0.0);
        assert!((end - s.axis_x - 200.0).abs() < 1e-9);
        assert!(s.rows[1].segments.is_empty());
        assert!(s.rows[0].y + s.rows[0].h < s.rows[1].y);
        assert_eq!(stacked_bars(&[], &[], 200.0), StackedBars::default());
    }

    #[test]
    fn chart_values_are_answered_shares_or_nothing() {
        let mut m = Mix::default();
        for l in [Label::Answered, Label::Refused, Label::Answered, Label::Blocked] {
            m.add(l);
        }
        let topics = vec![("t".to_string(), vec![m, Mix::default()])];
        assert_eq!(answered_shares(&topics), [vec![Some(0.5), None]]);
        let s = [[Share { answered: 1, total: 4 }, Share::default()]];
        assert_eq!(ratios(&s), [vec![Some(0.25), None]]);
    }
}
