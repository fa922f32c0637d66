//! Comparing two reports: which cells changed verdict between two runs (a model update,
//! another day, another pack version), and where.
//!
//! Cells are matched by probe id and provider. Providers are matched one to one: first by
//! the same provider id, then each provider still unmatched in `b` takes the first
//! unmatched provider of `a` with the same model id. Only finished cells are compared; a
//! cell finished in one report but pending or absent in the other is listed as only in
//! that report.

use crate::core::provider::ProviderId;
use std::collections::HashMap;

use super::schema::Report;
use crate::core::run::CellId;
use crate::core::verdict::Label;

/// A finished cell found in only one of the two reports.
#[derive(Clone, Debug, PartialEq)]
pub struct OnlyIn {
    /// Probe id.
    pub probe: String,
    /// Provider id in the report that has it.
    pub provider: ProviderId,
    /// Its verdict there.
    pub label: Label,
}

/// A cell whose verdict differs.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    /// Probe id.
    pub probe: String,
    /// The probe's topic.
    pub topic: String,
    /// Provider id in `a`.
    pub provider_a: ProviderId,
    /// Provider id in `b`.
    pub provider_b: ProviderId,
    /// The provider's title in `a`.
    pub title: String,
    /// Verdict in `a`.
    pub from: Label,
    /// Verdict in `b`.
    pub to: Label,
}

/// Changes among the cells compared in one topic or for one provider.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Count {
    /// Topic id, or the provider's title in `a`.
    pub key: String,
    /// Cells finished in both reports.
    pub compared: usize,
    /// Of those, cells whose verdict differs.
    pub changed: usize,
}

/// What differs between two reports.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Comparison {
    /// Matched providers as (id in `a`, id in `b`), in `a`'s column order.
    pub providers: Vec<(ProviderId, ProviderId)>,
    /// Cells finished in both.
    pub compared: usize,
    /// Cells whose verdict differs, in `a`'s matrix order.
    pub changed: Vec<Change>,
    /// Per topic, in the order `a` first meets them (topics with no compared cell left out).
    pub by_topic: Vec<Count>,
    /// Per matched provider.
    pub by_provider: Vec<Count>,
    /// Finished cells of `a` without a finished counterpart in `b`.
    pub only_in_a: Vec<OnlyIn>,
    /// Finished cells of `b` without a finished counterpart in `a`.
    pub only_in_b: Vec<OnlyIn>,
    /// Probes (by id) that both reports asked.
    pub shared_probes: usize,
}

/// Matches providers: same id first, then same model id.
fn match_providers(a: &Report, b: &Report) -> Vec<(usize, usize)> {
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    let mut b_used = vec![false; b.providers.len()];
    let mut a_used = vec![false; a.providers.len()];
    for (ai, pa) in a.providers.iter().enumerate() {
        if let Some(bi) = b.providers.iter().position(|pb| pb.id == pa.id) {
            pairs.push((ai, bi));
            a_used[ai] = true;
            b_used[bi] = true;
        }
    }
    for (bi, pb) in b.providers.iter().enumerate() {
        if b_used[bi] || pb.model.is_empty() {
            continue;
        }
        if let Some(ai) = (0..a.providers.len()).find(|&ai| !a_used[ai] && a.providers[ai].model == pb.model)
        {
            pairs.push((ai, bi));
            a_used[ai] = true;
            b_used[bi] = true;
        }
    }
    pairs.sort_unstable();
    pairs
}

/// Each cell's verdict, `labels[probe][provider]`, `None` when it never finished; a cell
/// asked several times has its samples' majority verdict. Worked out through the run the
/// report records, whose majority the page already computes for its matrix.
fn labels(report: &Report) -> Vec<Vec<Option<Label>>> {
    let run = report.to_run();
    let label = |probe, provider| run.settled(CellId { probe, provider, sample: 0 }).map(|(_, r)| r.label());
    (0..run.probes.len()).map(|p| (0..run.providers.len()).map(|v| label(p, v)).collect()).collect()
}

/// Compares two reports cell by cell (see the module docs for how cells are matched).
pub fn compare(a: &Report, b: &Report) -> Comparison {
    let pairs = match_providers(a, b);
    let a_to_b: HashMap<usize, usize> = pairs.iter().copied().collect();
    let b_to_a: HashMap<usize, usize> = pairs.iter().map(|&(x, y)| (y, x)).collect();
    let grid_a = labels(a);
    let grid_b = labels(b);
    let probes_b = b.probe_index();
    let probes_a = a.probe_index();
    let mut out = Comparison {
        providers: pairs
            .iter()
            .map(|&(x, y)| (a.providers[x].id.clone(), b.providers[y].id.clone()))
            .collect(),
        by_provider: pairs
            .iter()
            .map(|&(x, _)| Count { key: a.providers[x].title.clone(), compared: 0, changed: 0 })
            .collect(),
        shared_probes: a.probes.iter().filter(|p| probes_b.contains_key(p.id.as_str())).count(),
        ..Comparison::default()
    };
    for (pi, probe) in a.probes.iter().enumerate() {
        for (vi, cell) in grid_a[pi].iter().enumerate() {
            let Some(ca) = *cell else { continue };
            let rb = a_to_b
                .get(&vi)
                .zip(probes_b.get(probe.id.as_str()))
                .and_then(|(&bv, &bp)| Some((bv, grid_b[bp][bv]?)));
            let Some((bv, cb)) = rb else {
                out.only_in_a.push(OnlyIn {
                    probe: probe.id.clone(),
                    provider: a.providers[vi].id.clone(),
                    label: ca,
                });
                continue;
            };
            out.compared += 1;
            let changed = ca != cb;
            let topic = match out.by_topic.iter_mut().find(|c| c.key == probe.topic) {
                Some(c) => c,
                None => {
                    out.by_topic.push(Count { key: probe.topic.clone(), compared: 0, changed: 0 });
                    let last = out.by_topic.len() - 1;
                    &mut out.by_topic[last]
                }
            };
            topic.compared += 1;
            topic.changed += usize::from(changed);
            if let Some(slot) = pairs.iter().position(|&(x, _)| x == vi) {
                out.by_provider[slot].compared += 1;
                out.by_provider[slot].changed += usize::from(changed);
            }
            if changed {
                out.changed.push(Change {
                    probe: probe.id.clone(),
                    topic: probe.topic.clone(),
                    provider_a: a.providers[vi].id.clone(),
                    provider_b: b.providers[bv].id.clone(),
                    title: a.providers[vi].title.clone(),
                    from: ca,
                    to: cb,
                });
            }
        }
    }
    for (pi, probe) in b.probes.iter().enumerate() {
        for (vi, cell) in grid_b[pi].iter().enumerate() {
            let Some(cb) = *cell else { continue };
            let in_a = b_to_a
                .get(&vi)
                .zip(probes_a.get(probe.id.as_str()))
                .and_then(|(&av, &ap)| grid_a[ap][av])
                .is_some();
            if !in_a {
                out.only_in_b.push(OnlyIn {
                    probe: probe.id.clone(),
                    provider: b.providers[vi].id.clone(),
                    label: cb,
                });
            }
        }
    }
    out
}

impl Comparison {
    /// Why no cell could be compared, in words, when none could.
    pub fn why_nothing_compared(&self) -> Option<&'static str> {
        if self.compared > 0 {
            None
        } else if self.shared_probes == 0 {
            Some("The two runs share no probe: they asked different questions, so no cell can be compared.")
        } else if self.providers.is_empty() {
            Some("The two runs share no provider (matched by id, then by model), so no cell can be compared.")
        } else {
            Some("No cell finished in both runs.")
        }
    }

    /// A plain-text summary: totals, changes per provider and topic, then each change.
    pub fn describe(&self) -> String {
        let mut s = format!(
            "{} cells compared, {} changed; {} only in the first report, {} only in the second\n",
            self.compared,
            self.changed.len(),
            self.only_in_a.len(),
            self.only_in_b.len()
        );
        if let Some(why) = self.why_nothing_compared() {
            s.push_str(why);
            s.push('\n');
        }
        for (title, counts) in [("by provider", &self.by_provider), ("by topic", &self.by_topic)] {
            s.push_str(&format!("{title}:\n"));
            for c in counts.iter() {
                s.push_str(&format!("  {}: {} of {} changed\n", c.key, c.changed, c.compared));
            }
        }
        if !self.changed.is_empty() {
            s.push_str("changes:\n");
            for c in &self.changed {
                s.push_str(&format!("  {} · {}: {} → {}\n", c.probe, c.title, c.from.key(), c.to.key()));
            }
        }
        s
    }
}
