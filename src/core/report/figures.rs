//! The figures a report shows, computed from a run: verdict mixes per topic (merged by
//! topic, wherever its probes sit), and the two gaps Candor exists to show: how much less
//! a model answers in Chinese than in English, and on China-sensitive questions than on
//! the matched control questions.

use crate::core::pack::{Lang, ProbeKind};
use crate::core::run::{CellId, Run};
use crate::core::summary::Mix;
use crate::core::verdict::Label;

/// How many of some finished cells were answered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Share {
    /// Cells judged answered.
    pub answered: u32,
    /// Finished cells.
    pub total: u32,
}

impl Share {
    fn add(&mut self, label: Label) {
        self.total += 1;
        if label == Label::Answered {
            self.answered += 1;
        }
    }

    /// The answered share, 0 to 1; `None` when no cell finished.
    pub fn ratio(&self) -> Option<f64> {
        (self.total > 0).then(|| f64::from(self.answered) / f64::from(self.total))
    }

    /// `40% (2/5)`, or `—` without data.
    pub fn describe(&self) -> String {
        match self.ratio() {
            Some(r) => format!("{} ({}/{})", crate::core::num::percent(r), self.answered, self.total),
            None => "—".to_string(),
        }
    }
}

fn each_done(run: &Run, mut f: impl FnMut(usize, usize, Label)) {
    for probe in 0..run.probes.len() {
        for provider in 0..run.providers.len() {
            if let Some((_, r)) = run.settled(CellId { probe, provider, sample: 0 }) {
                f(probe, provider, r.label());
            }
        }
    }
}

/// The language gap: the languages the run's sensitive probes are asked in (in
/// [`Lang::ALL`] order, so a run of the built-in pack shows its three and an imported
/// Finnish set shows Finnish), and per provider the answered share of its sensitive probes
/// in each of them.
pub fn language_gap(run: &Run) -> (Vec<Lang>, Vec<Vec<Share>>) {
    let langs = Lang::of(run.probes.iter().filter(|p| p.kind == ProbeKind::Sensitive).map(|p| p.lang));
    let mut out = vec![vec![Share::default(); langs.len()]; run.providers.len()];
    each_done(run, |probe, provider, label| {
        let p = &run.probes[probe];
        if p.kind == ProbeKind::Sensitive {
            if let Some(slot) = langs.iter().position(|&l| l == p.lang) {
                out[provider][slot].add(label);
            }
        }
    });
    (langs, out)
}

/// Per provider, the answered share of its sensitive probes and of its control probes.
pub fn control_gap(run: &Run) -> Vec<[Share; 2]> {
    let mut out = vec![[Share::default(); 2]; run.providers.len()];
    each_done(run, |probe, provider, label| {
        let slot = usize::from(run.probes[probe].kind == ProbeKind::Control);
        out[provider][slot].add(label);
    });
    out
}

/// The verdict mix of each provider per topic, topics in the order the run first meets
/// them. Unlike [`crate::core::summary::by_topic`], a topic whose probes are not next to
/// each other (as in imported files) still gets one row.
pub fn topic_mixes(run: &Run) -> Vec<(String, Vec<Mix>)> {
    let mut out: Vec<(String, Vec<Mix>)> = Vec::new();
    for p in &run.probes {
        if !out.iter().any(|(t, _)| *t == p.topic) {
            out.push((p.topic.clone(), vec![Mix::default(); run.providers.len()]));
        }
    }
    each_done(run, |probe, provider, label| {
        let topic = &run.probes[probe].topic;
        if let Some((_, mixes)) = out.iter_mut().find(|(t, _)| t == topic) {
            mixes[provider].add(label);
        }
    });
    out
}

/// Whether any probe of the run is a control probe (imports have none).
pub fn has_controls(run: &Run) -> bool {
    run.probes.iter().any(|p| p.kind == ProbeKind::Control)
}
