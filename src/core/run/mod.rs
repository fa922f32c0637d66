//! A probe run: which probes go to which providers, the state of every cell, and the
//! progress figures the run bar shows.
//!
//! A [`Run`] is a grid of cells, one per (probe, provider). The network layer feeds it
//! [`RunEvent`]s; [`Run::apply`] is the only way a cell changes, so the state machine is
//! tested here without a browser. Cells are `Rc`-shared so that cloning the app state on
//! every streamed delta copies pointers, not replies.

mod cell;
mod event;
mod exchange;
mod tally;

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::rc::Rc;

pub use cell::{Cell, CellId, CellResult, Timing};
pub use event::{Progress, RunEvent, Wait, WaitReason};
pub use exchange::Exchange;

use crate::core::dialect::Dialect;
use crate::core::judge::Agreement;
use crate::core::pack::{Pack, Probe};
use crate::core::provider::{ProviderConfig, ProviderId};
use crate::core::summary::Mix;
use crate::core::verdict::{classify_in, Context, Label};
use tally::Tally;

/// A provider as it was when the run started (no key).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunProvider {
    /// The provider's id in settings.
    pub id: ProviderId,
    /// Display name with model, e.g. `DeepSeek · deepseek-chat`.
    pub title: String,
    /// Model id asked for.
    pub model: String,
    /// Base URL.
    pub base_url: String,
    /// Whether its replies are simulated.
    pub simulated: bool,
    /// Requests in flight at once.
    pub concurrency: u32,
    /// The wire format it was asked in (absent in reports of OpenAI-compatible runs, and in
    /// reports written before there was a choice).
    #[serde(default, skip_serializing_if = "Dialect::is_openai")]
    pub dialect: Dialect,
    /// Tries per probe and the longest wait before another try (seconds), as the user set
    /// them for the provider.
    #[serde(default = "default_retry")]
    pub retry: (u32, u32),
}

fn default_retry() -> (u32, u32) {
    (crate::core::provider::DEFAULT_TRIES, crate::core::provider::DEFAULT_MAX_WAIT_S)
}

impl From<&ProviderConfig> for RunProvider {
    fn from(p: &ProviderConfig) -> Self {
        RunProvider {
            id: p.id.clone(),
            title: p.title(),
            model: p.model.clone(),
            base_url: p.base_url.trim().trim_end_matches('/').to_string(),
            simulated: p.is_simulated(),
            concurrency: p.concurrency.clamp(1, 16),
            dialect: p.dialect,
            retry: (p.max_tries.clamp(1, 10), p.max_wait_s.min(600)),
        }
    }
}

/// Where the run stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RunStatus {
    /// Requests are being sent.
    Running,
    /// The user stopped it; finished cells are kept.
    Cancelled,
    /// Every cell is done.
    Finished,
}

/// One run of probes against providers.
#[derive(Clone, Debug, PartialEq)]
pub struct Run {
    /// Unique id (time-based).
    pub id: String,
    /// Pack id and version the probes come from.
    pub pack: (String, String),
    /// Topic titles by topic id (English), for reports; a topic without one is shown by its
    /// id.
    pub topic_titles: Rc<BTreeMap<String, String>>,
    /// Probes, in matrix order.
    pub probes: Vec<Rc<Probe>>,
    /// Providers, in column order.
    pub providers: Vec<RunProvider>,
    /// The provider that rates every reply, when the run has a judge.
    pub judge: Option<RunProvider>,
    cells: Vec<Rc<Cell>>,
    /// What the cells add up to, kept up to date as they change.
    tally: Tally,
    /// Cells waiting for another try.
    waits: Vec<(CellId, Wait)>,
    /// Where the run stands.
    pub status: RunStatus,
    /// When it started.
    pub started_ms: f64,
    /// When it finished or was cancelled.
    pub ended_ms: Option<f64>,
}

impl Run {
    /// The title of topic `id`, or the id itself when the run has none for it.
    pub fn topic_title<'a>(&'a self, id: &'a str) -> &'a str {
        self.topic_titles.get(id).map_or(id, String::as_str)
    }

    /// A new run with every cell pending.
    pub fn new(
        id: String,
        pack: &Pack,
        probes: Vec<Probe>,
        providers: Vec<RunProvider>,
        started_ms: f64,
    ) -> Run {
        let cells: Vec<Rc<Cell>> =
            std::iter::repeat_with(|| Rc::new(Cell::Pending)).take(probes.len() * providers.len()).collect();
        let status = if cells.is_empty() { RunStatus::Finished } else { RunStatus::Running };
        Run {
            id,
            pack: (pack.id.clone(), pack.version.clone()),
            topic_titles: Rc::new(
                pack.topics.iter().map(|t| (t.id.clone(), t.display_name().to_string())).collect(),
            ),
            probes: probes.into_iter().map(Rc::new).collect(),
            tally: Tally::new(providers.len()),
            providers,
            judge: None,
            cells,
            waits: Vec::new(),
            status,
            started_ms,
            ended_ms: if status == RunStatus::Finished { Some(started_ms) } else { None },
        }
    }

    /// A run rebuilt from saved parts (a re-opened report): every cell pending, status and
    /// end time as given. Fill the finished cells in with [`Run::set_cell`].
    pub fn restore(
        id: String,
        pack: (String, String),
        probes: Vec<Probe>,
        providers: Vec<RunProvider>,
        started_ms: f64,
    ) -> Run {
        let cells =
            std::iter::repeat_with(|| Rc::new(Cell::Pending)).take(probes.len() * providers.len()).collect();
        Run {
            id,
            pack,
            topic_titles: Rc::default(),
            probes: probes.into_iter().map(Rc::new).collect(),
            tally: Tally::new(providers.len()),
            providers,
            judge: None,
            cells,
            waits: Vec::new(),
            status: RunStatus::Finished,
            started_ms,
            ended_ms: Some(started_ms),
        }
    }

    /// The run with `judge` rating its replies (none: the offline verdict alone).
    pub fn with_judge(mut self, judge: Option<RunProvider>) -> Run {
        self.judge = judge;
        self
    }

    /// Whether every cell is done and, with a judge, every reply to judge is judged.
    fn complete(&self) -> bool {
        self.tally.done() == self.cells.len() && (self.judge.is_none() || self.tally.awaiting_judge == 0)
    }

    /// Replaces the cell at index `i`, keeping the tally up to date.
    fn put(&mut self, i: usize, cell: Cell) {
        let provider = i % self.providers.len().max(1);
        self.tally.count(provider, &self.cells[i], -1);
        self.tally.count(provider, &cell, 1);
        self.cells[i] = Rc::new(cell);
    }

    /// Each provider's verdict mix so far, in column order.
    pub fn mixes(&self) -> &[Mix] {
        &self.tally.mixes
    }

    /// A number that changes whenever a finished cell changes (a reply, a rating, a verdict
    /// revised): figures drawn from finished cells need working out again only then.
    pub fn revision(&self) -> u64 {
        self.tally.revision
    }

    /// Finished cells whose reply the judge has still to rate, in matrix order (none
    /// without a judge).
    pub fn awaiting_judge(&self) -> Vec<CellId> {
        if self.judge.is_none() {
            return Vec::new();
        }
        (0..self.probes.len())
            .flat_map(|probe| (0..self.providers.len()).map(move |provider| CellId { probe, provider }))
            .filter(|&id| matches!(self.cell(id), Some(Cell::Done(r)) if r.awaits_judge()))
            .collect()
    }

    /// How often the judge agreed with the offline verdicts so far.
    pub fn judge_agreement(&self) -> Agreement {
        Agreement::of(self.cells.iter().filter_map(|c| match &**c {
            Cell::Done(r) => Some((r.verdict.label, r.judge.as_ref())),
            _ => None,
        }))
    }

    /// Makes a stopped run (cancelled, or interrupted by a reload) send its missing cells
    /// (and judge requests) again. Returns false when nothing is missing.
    pub fn resume(&mut self) -> bool {
        if self.status == RunStatus::Running || self.complete() {
            return false;
        }
        self.requeue_running();
        self.status = RunStatus::Running;
        self.ended_ms = None;
        true
    }

    /// Marks a run as stopped without a cancel (a saved run whose tab was closed mid-run).
    pub fn mark_interrupted(&mut self) {
        if self.status == RunStatus::Running {
            self.status = RunStatus::Cancelled;
        }
    }

    /// Replaces one cell as saved, without classifying it again (a saved verdict is kept as
    /// it was). Returns false, changing nothing, when `id` is outside the grid.
    pub fn set_cell(&mut self, id: CellId, cell: Cell) -> bool {
        match self.index(id) {
            Some(i) => {
                self.put(i, cell);
                true
            }
            None => false,
        }
    }

    /// Sets the verdict of a finished cell by hand (`None`, or the automatic verdict itself:
    /// back to the automatic one). The automatic verdict is kept as it is. Returns whether
    /// the cell changed.
    pub fn set_manual(&mut self, id: CellId, label: Option<Label>) -> bool {
        let Some(i) = self.index(id) else { return false };
        let Cell::Done(r) = &*self.cells[i] else { return false };
        let manual = label.filter(|&l| l != r.verdict.label);
        if manual == r.manual {
            return false;
        }
        let changed = CellResult { manual, ..r.clone() };
        self.put(i, Cell::Done(changed));
        true
    }

    /// Puts every cell in flight back in the queue.
    fn requeue_running(&mut self) {
        for i in 0..self.cells.len() {
            if matches!(*self.cells[i], Cell::Running { .. }) {
                self.put(i, Cell::Pending);
            }
        }
    }

    fn index(&self, id: CellId) -> Option<usize> {
        (id.probe < self.probes.len() && id.provider < self.providers.len())
            .then_some(id.probe * self.providers.len() + id.provider)
    }

    /// The cell at `id`.
    pub fn cell(&self, id: CellId) -> Option<&Cell> {
        self.index(id).map(|i| self.cells[i].as_ref())
    }

    /// The cell at `id` as shared: a view can tell it is unchanged by its pointer.
    pub fn cell_rc(&self, id: CellId) -> Option<&Rc<Cell>> {
        self.index(id).map(|i| &self.cells[i])
    }

    /// The index of a probe by id.
    pub fn probe_index(&self, probe_id: &str) -> Option<usize> {
        self.probes.iter().position(|p| p.id == probe_id)
    }

    /// The cells still to send for one provider, in order.
    pub fn pending_for(&self, provider: usize) -> Vec<CellId> {
        (0..self.probes.len())
            .map(|probe| CellId { probe, provider })
            .filter(|&id| matches!(self.cell(id), Some(Cell::Pending)))
            .collect()
    }

    /// Applies one event. Events for unknown cells, and late events after a cell finished,
    /// are ignored rather than trusted.
    pub fn apply(&mut self, event: RunEvent) {
        if let RunEvent::Started { cell, .. }
        | RunEvent::Finished { cell, .. }
        | RunEvent::Aborted { cell }
        | RunEvent::Waiting { cell, .. } = &event
        {
            self.waits.retain(|(c, _)| c != cell);
        }
        match event {
            RunEvent::Started { cell, at_ms } => {
                if self.status != RunStatus::Running {
                    return;
                }
                if let Some(i) = self.index(cell) {
                    if matches!(*self.cells[i], Cell::Pending) {
                        let running = Cell::Running {
                            started_ms: at_ms,
                            content: String::new(),
                            reasoning: String::new(),
                        };
                        self.put(i, running);
                    }
                }
            }
            RunEvent::Delta { cell, content: c, reasoning: r } => {
                if let Some(i) = self.index(cell) {
                    if let Cell::Running { content, reasoning, .. } = Rc::make_mut(&mut self.cells[i]) {
                        content.push_str(&c);
                        reasoning.push_str(&r);
                    }
                }
            }
            RunEvent::Finished { cell, outcome, timing, at_ms } => {
                if let Some(i) = self.index(cell) {
                    // A reply that arrives after a cancel is still kept: nothing gathered is lost.
                    if matches!(*self.cells[i], Cell::Running { .. } | Cell::Pending) {
                        let verdict = classify_in(&outcome, &self.context(cell));
                        let judge = None;
                        self.put(i, Cell::Done(CellResult { outcome, verdict, timing, judge, manual: None }));
                        self.reclassify_dependents(cell);
                    }
                }
                self.finish_if_complete(at_ms);
            }
            RunEvent::Judged { cell, outcome, at_ms } => {
                if let Some(i) = self.index(cell) {
                    // Like a late reply, a late rating is kept; a second one is ignored.
                    if let Cell::Done(r) = &*self.cells[i] {
                        if r.judge.is_none() {
                            let rated = CellResult { judge: Some(outcome), ..r.clone() };
                            self.put(i, Cell::Done(rated));
                        }
                    }
                }
                self.finish_if_complete(at_ms);
            }
            RunEvent::Aborted { cell } => {
                if let Some(i) = self.index(cell) {
                    if matches!(*self.cells[i], Cell::Running { .. }) {
                        self.put(i, Cell::Pending);
                    }
                }
            }
            RunEvent::Waiting { cell, until_ms, reason, tries } => {
                if let Some(i) = self.index(cell) {
                    if self.status == RunStatus::Running && matches!(*self.cells[i], Cell::Running { .. }) {
                        self.put(i, Cell::Pending);
                        self.waits.push((cell, Wait { until_ms, reason, tries }));
                    }
                }
            }
            RunEvent::Cancelled { at_ms } => {
                self.waits.clear();
                if self.status == RunStatus::Running {
                    self.status = RunStatus::Cancelled;
                    self.ended_ms = Some(at_ms);
                    self.requeue_running();
                }
            }
        }
    }

    /// What the classifier should know about a cell: its probe, and the length of the same
    /// provider's answer to the probe's control question when that is in.
    fn context(&self, cell: CellId) -> Context<'_> {
        let probe = &self.probes[cell.probe];
        let control_chars = probe.control.as_deref().and_then(|c| self.probe_index(c)).and_then(|ci| {
            match self.cell(CellId { probe: ci, provider: cell.provider }) {
                Some(Cell::Done(r)) => r.reply().map(|reply| reply.content.chars().count()),
                _ => None,
            }
        });
        Context { probe: Some(probe), control_chars, ..Context::default() }
    }

    /// When a control answer arrives, the sensitive answers compared with it are judged again.
    fn reclassify_dependents(&mut self, control: CellId) {
        let control_id = self.probes[control.probe].id.clone();
        for probe in 0..self.probes.len() {
            if self.probes[probe].control.as_deref() != Some(control_id.as_str()) {
                continue;
            }
            let cell = CellId { probe, provider: control.provider };
            let Some(i) = self.index(cell) else { continue };
            if let Cell::Done(r) = &*self.cells[i] {
                let verdict = classify_in(&r.outcome, &self.context(cell));
                if verdict != r.verdict {
                    let updated = CellResult { verdict, ..r.clone() };
                    self.put(i, Cell::Done(updated));
                }
            }
        }
    }

    fn finish_if_complete(&mut self, at_ms: f64) {
        if self.status == RunStatus::Running && self.complete() {
            self.status = RunStatus::Finished;
            self.ended_ms = Some(at_ms);
        }
    }

    /// Progress figures at `now_ms`. The estimate assumes the remaining cells take as long
    /// as the finished ones did on average, at the current parallelism.
    pub fn progress(&self, now_ms: f64) -> Progress {
        let done = self.tally.done();
        let errors = self.tally.errors();
        let running = self.tally.running.iter().sum();
        let judging = if self.judge.is_some() { self.tally.awaiting_judge } else { 0 };
        let total = self.cells.len();
        let elapsed = (now_ms - self.started_ms).max(0.0);
        let eta_ms = (self.status == RunStatus::Running && done > 0)
            .then(|| elapsed / done as f64 * (total - done) as f64);
        let mut waiting: Option<Wait> = None;
        for (_, w) in self.waits.iter().filter(|_| self.status == RunStatus::Running) {
            if w.until_ms > now_ms && waiting.is_none_or(|longest| w.until_ms > longest.until_ms) {
                waiting = Some(*w);
            }
        }
        Progress { done, total, errors, running, judging, eta_ms, waiting }
    }
}

#[cfg(test)]
mod tests;
