//! Verdicts on a run's replies, given where the replies arrive: in the run engine (the
//! browser's worker) and in `candor run`. The page only files them ([`Run::apply`]), so
//! the classifier, its phrase tables and its text model are not part of the page's first
//! load.
//!
//! A sensitive probe's verdict can depend on the same provider's answer to its control
//! question (an answer much shorter than the control's reads as evasive). When the control
//! answer comes in after the sensitive one (each sample is compared with the same sample
//! of its control), the sensitive reply is judged again and, if
//! the verdict changes, a [`RunEvent::Rejudged`] follows.
//!
//! [`Run::apply`]: super::Run::apply

use std::collections::HashMap;
use std::rc::Rc;

use serde::{Deserialize, Serialize};

use super::{Cell, CellId, Run, RunEvent, Timing};
use crate::core::pack::Probe;
use crate::core::verdict::{classify_in, Context, Outcome, Verdict};

/// What a resumed run's finished cells tell the judging of the rest.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Settled {
    /// Finished answers to control questions: the cell, and its answer's length in
    /// characters (none when it brought no reply).
    pub controls: Vec<(CellId, Option<usize>)>,
    /// Finished replies whose control answer is still to come, with their verdict so far.
    pub unsettled: Vec<(CellId, Outcome, Verdict)>,
}

impl Settled {
    /// What `run`'s finished cells tell the judging of its other cells.
    pub fn of(run: &Run) -> Settled {
        let control_of = control_of(&run.probes);
        let is_control = is_control(&control_of);
        let mut settled = Settled::default();
        for cell in run.ids() {
            let Some(Cell::Done(r)) = run.cell(cell) else { continue };
            if is_control[cell.probe] {
                let chars = r.reply().map(|reply| reply.content.chars().count());
                settled.controls.push((cell, chars));
            }
            let control = control_of[cell.probe];
            let control_done =
                control.is_some_and(|c| matches!(run.cell(CellId { probe: c, ..cell }), Some(Cell::Done(_))));
            if control.is_some() && !control_done {
                settled.unsettled.push((cell, r.outcome.clone(), r.verdict.clone()));
            }
        }
        settled
    }
}

/// For each probe, the index of its control question among `probes`, if the run has it.
fn control_of(probes: &[Rc<Probe>]) -> Vec<Option<usize>> {
    probes.iter().map(|p| p.control.as_deref().and_then(|c| probes.iter().position(|q| q.id == c))).collect()
}

/// For each probe, whether another probe of the run names it as its control.
fn is_control(control_of: &[Option<usize>]) -> Vec<bool> {
    let mut marks = vec![false; control_of.len()];
    for c in control_of.iter().flatten() {
        marks[*c] = true;
    }
    marks
}

/// Judges a run's replies as they finish.
#[derive(Clone, Debug)]
pub struct Judging {
    probes: Vec<Rc<Probe>>,
    control_of: Vec<Option<usize>>,
    is_control: Vec<bool>,
    /// Finished control answers: their length in characters, if they brought a reply.
    controls: HashMap<CellId, Option<usize>>,
    /// Replies judged before their control answer was in.
    unsettled: Vec<(CellId, Outcome, Verdict)>,
}

impl Judging {
    /// Judging for a run of `probes` (in matrix order), after the cells `settled` describes.
    pub fn new(probes: Vec<Rc<Probe>>, settled: Settled) -> Judging {
        let control_of = control_of(&probes);
        let is_control = is_control(&control_of);
        Judging {
            probes,
            control_of,
            is_control,
            controls: settled.controls.into_iter().collect(),
            unsettled: settled.unsettled,
        }
    }

    /// Judging for the rest of `run`.
    pub fn of(run: &Run) -> Judging {
        Judging::new(run.probes.clone(), Settled::of(run))
    }

    fn judge(&self, cell: CellId, outcome: &Outcome) -> Verdict {
        let control_chars = self.control_of[cell.probe]
            .and_then(|c| self.controls.get(&CellId { probe: c, ..cell }).copied().flatten());
        classify_in(outcome, &Context { probe: Some(&self.probes[cell.probe]), control_chars, prompt: None })
    }

    /// The events a finished request makes: the cell's [`RunEvent::Finished`] with its
    /// verdict, then a [`RunEvent::Rejudged`] for each earlier reply whose verdict changes
    /// now that its control answer is in.
    pub fn finished(&mut self, cell: CellId, outcome: Outcome, timing: Timing, at_ms: f64) -> Vec<RunEvent> {
        let verdict = self.judge(cell, &outcome);
        let mut events = Vec::new();
        if self.is_control[cell.probe] {
            let chars = match &outcome {
                Outcome::Reply { reply, .. } => Some(reply.content.chars().count()),
                _ => None,
            };
            self.controls.insert(cell, chars);
            let (now, still): (Vec<_>, Vec<_>) =
                std::mem::take(&mut self.unsettled).into_iter().partition(|(c, ..)| {
                    c.provider == cell.provider
                        && c.sample == cell.sample
                        && self.control_of[c.probe] == Some(cell.probe)
                });
            self.unsettled = still;
            for (dependent, reply, before) in now {
                let after = self.judge(dependent, &reply);
                if after != before {
                    events.push(RunEvent::Rejudged { cell: dependent, verdict: after });
                }
            }
        }
        let waits_for_control = self.control_of[cell.probe]
            .is_some_and(|c| !self.controls.contains_key(&CellId { probe: c, ..cell }));
        if waits_for_control {
            self.unsettled.push((cell, outcome.clone(), verdict.clone()));
        }
        events.insert(0, RunEvent::Finished { cell, outcome, verdict, timing, at_ms });
        events
    }
}
