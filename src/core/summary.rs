//! Verdict mixes: how a provider's replies split between answered, refused, deflected, state
//! narrative, blocked and error, overall and per topic, and the geometry of the stacked bars
//! that draw them.

use crate::core::num::percent;
use crate::core::run::{CellId, CellResult, Run};
use crate::core::verdict::Label;

/// Counts of each verdict.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Mix {
    counts: [u32; 6],
    /// How many of them carry a verdict set by hand (counted under that verdict).
    pub by_hand: u32,
}

fn slot(l: Label) -> usize {
    Label::ALL.iter().position(|&x| x == l).unwrap_or(5)
}

impl Mix {
    /// Adds one verdict.
    pub fn add(&mut self, l: Label) {
        self.counts[slot(l)] += 1;
    }

    /// Takes one verdict away (a cell whose verdict changed).
    pub fn remove(&mut self, l: Label) {
        let c = &mut self.counts[slot(l)];
        *c = c.saturating_sub(1);
    }

    /// Adds a finished cell: its verdict that counts, and whether it was set by hand.
    pub fn add_cell(&mut self, r: &CellResult) {
        self.add(r.label());
        self.by_hand += u32::from(r.manual.is_some());
    }

    /// Takes a finished cell away.
    pub fn remove_cell(&mut self, r: &CellResult) {
        self.remove(r.label());
        self.by_hand -= u32::from(r.manual.is_some()).min(self.by_hand);
    }

    /// "2 set by hand", or nothing when none was.
    pub fn by_hand_text(&self) -> Option<String> {
        (self.by_hand > 0).then(|| format!("{} set by hand", self.by_hand))
    }

    /// How many of a label.
    pub fn count(&self, l: Label) -> u32 {
        self.counts[slot(l)]
    }

    /// All finished cells.
    pub fn total(&self) -> u32 {
        self.counts.iter().sum()
    }

    /// Share of a label, 0 to 1 (0 when empty).
    pub fn share(&self, l: Label) -> f64 {
        let t = self.total();
        if t == 0 {
            0.0
        } else {
            f64::from(self.count(l)) / f64::from(t)
        }
    }

    /// "answered 40% · refused 10% · …", leaving out labels that do not occur.
    pub fn describe(&self) -> String {
        Label::ALL
            .iter()
            .filter(|&&l| self.count(l) > 0)
            .map(|&l| format!("{} {}", l.title().to_ascii_lowercase(), percent(self.share(l))))
            .collect::<Vec<_>>()
            .join(" · ")
    }

    /// Segments of a horizontal stacked bar `width` wide: (label, x, width), in legend order,
    /// empty labels left out. Widths add up to `width` exactly.
    pub fn bar(&self, width: f64) -> Vec<(Label, f64, f64)> {
        let total = self.total();
        if total == 0 {
            return Vec::new();
        }
        let mut out = Vec::new();
        let mut seen = 0u32;
        for l in Label::ALL {
            let c = self.count(l);
            if c == 0 {
                continue;
            }
            // Place edges at cumulative fractions so rounding never leaves a gap.
            let x0 = width * f64::from(seen) / f64::from(total);
            seen += c;
            let x1 = width * f64::from(seen) / f64::from(total);
            out.push((l, x0, x1 - x0));
        }
        out
    }
}

/// The mix of each provider over the whole run, in column order (kept up to date by the
/// run as cells finish, so this costs nothing however big the run).
pub fn by_provider(run: &Run) -> Vec<Mix> {
    run.mixes().to_vec()
}

/// The mix of each provider per topic, topics in the order the run first meets them.
pub fn by_topic(run: &Run) -> Vec<(String, Vec<Mix>)> {
    let mut out: Vec<(String, Vec<Mix>)> = Vec::new();
    for (probe, p) in run.probes.iter().enumerate() {
        if out.last().is_none_or(|(t, _)| *t != p.topic) {
            out.push((p.topic.clone(), vec![Mix::default(); run.providers.len()]));
        }
        let Some((_, mixes)) = out.last_mut() else { continue };
        for (provider, mix) in mixes.iter_mut().enumerate() {
            if let Some((_, r)) = run.settled(CellId { probe, provider, sample: 0 }) {
                mix.add_cell(r);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_and_bar_segments_add_up() {
        let mut m = Mix::default();
        for l in [Label::Answered, Label::Answered, Label::Refused, Label::StateNarrative] {
            m.add(l);
        }
        assert_eq!(m.total(), 4);
        assert!((m.share(Label::Answered) - 0.5).abs() < 1e-12);
        assert_eq!(m.describe(), "answered 50% · refused 25% · state narrative 25%");
        let bar = m.bar(200.0);
        assert_eq!(bar.len(), 3);
        assert_eq!(bar[0], (Label::Answered, 0.0, 100.0));
        let end = bar.last().map(|(_, x, w)| x + w).unwrap();
        assert!((end - 200.0).abs() < 1e-9);
        assert!(Mix::default().bar(100.0).is_empty());
    }
}
