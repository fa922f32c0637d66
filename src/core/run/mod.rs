//! A probe run: which probes go to which providers, the state of every cell, and the
//! progress figures the run bar shows.
//!
//! A [`Run`] is a grid of cells, one per (probe, provider). The network layer feeds it
//! [`RunEvent`]s; [`Run::apply`] is the only way a cell changes, so the state machine is
//! tested here without a browser. Cells are `Rc`-shared so that cloning the app state on
//! every streamed delta copies pointers, not replies.

mod cell;
mod consensus;
mod event;
mod exchange;
mod judging;
mod tally;

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::rc::Rc;

pub use cell::{Cell, CellId, CellResult, Timing};
pub use consensus::Consensus;
pub use event::{Progress, RunEvent, Wait, WaitReason};
pub use exchange::Exchange;
pub use judging::{Judging, Settled};

use crate::core::dialect::{Dialect, Settings};
use crate::core::judge::Agreement;
use crate::core::pack::{Pack, Probe};
use crate::core::provider::{ProviderConfig, ProviderId};
use crate::core::summary::Mix;
use crate::core::verdict::Label;
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
    /// What every probe was asked with besides the prompt (absent: all left to the server).
    #[serde(default, skip_serializing_if = "Settings::is_default")]
    pub settings: Settings,
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
            settings: p.settings.clone(),
        }
    }
}

/// What the samples of one (probe, provider) cell came to, once every one is done: their
/// consensus and the first sample with the majority verdict.
pub fn settled(samples: &[Rc<Cell>]) -> Option<(Consensus, &CellResult)> {
    let done = |i: usize| match &*samples[i] {
        Cell::Done(r) => Some(r),
        _ => None,
    };
    if !(0..samples.len()).all(|i| done(i).is_some()) {
        return None;
    }
    let c = Consensus::of(samples.len(), |i| done(i).map_or(Label::Error, |r| r.verdict.label))?;
    Some((c, done(c.first)?))
}

/// `len` pending cells.
fn pending(len: usize) -> Vec<Rc<Cell>> {
    std::iter::repeat_with(|| Rc::new(Cell::Pending)).take(len).collect()
}

/// The most samples a run may ask of each probe.
pub const MAX_SAMPLES: usize = 10;

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
    /// How many times each probe is asked of each provider (1 to [`MAX_SAMPLES`]).
    samples: usize,
    /// Probe by probe, provider by provider, sample by sample.
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
    /// The id of a run started at `started_ms` (ms since the Unix epoch): `run-<ms>`, the same
    /// from the app's Run button, its ad-hoc box and `candor run`.
    pub fn id_at(started_ms: f64) -> String {
        format!("run-{}", started_ms as u64)
    }

    /// The title of topic `id`, or the id itself when the run has none for it.
    pub fn topic_title<'a>(&'a self, id: &'a str) -> &'a str {
        self.topic_titles.get(id).map_or(id, String::as_str)
    }

    /// The name the interface shows for topic `id`: the pack's, in the interface's language,
    /// for a topic of `pack`; else the run's own title for it (an ad-hoc question's topic, or
    /// a topic of a report opened from elsewhere); else the id.
    pub fn topic_name<'a>(&'a self, pack: &'a Pack, id: &'a str) -> &'a str {
        pack.topic(id).map_or_else(|| self.topic_title(id), |t| t.ui_name())
    }

    /// A new run with every cell pending.
    pub fn new(
        id: String,
        pack: &Pack,
        probes: Vec<Probe>,
        providers: Vec<RunProvider>,
        started_ms: f64,
    ) -> Run {
        let cells: Vec<Rc<Cell>> = pending(probes.len() * providers.len());
        let status = if cells.is_empty() { RunStatus::Finished } else { RunStatus::Running };
        Run {
            id,
            pack: (pack.id.clone(), pack.version.clone()),
            // Imported probes' topics by the names they were imported under; the pack's
            // own topics by theirs.
            topic_titles: Rc::new(
                probes
                    .iter()
                    .filter_map(|p| Some((p.topic.clone(), p.topic_title.clone()?)))
                    .chain(pack.topics.iter().map(|t| (t.id.clone(), t.display_name().to_string())))
                    .collect(),
            ),
            probes: probes.into_iter().map(Rc::new).collect(),
            tally: Tally::new(providers.len()),
            providers,
            judge: None,
            samples: 1,
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
        let cells = pending(probes.len() * providers.len());
        Run {
            id,
            pack,
            topic_titles: Rc::default(),
            probes: probes.into_iter().map(Rc::new).collect(),
            tally: Tally::new(providers.len()),
            providers,
            judge: None,
            samples: 1,
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

    /// The run asking each probe `n` times of each provider (clamped to 1 to
    /// [`MAX_SAMPLES`]); every cell pending. Call it on a new run, before any event.
    pub fn with_samples(mut self, n: usize) -> Run {
        self.samples = n.clamp(1, MAX_SAMPLES);
        let len = self.probes.len() * self.providers.len() * self.samples;
        self.cells = pending(len);
        self.tally = Tally::new(self.providers.len());
        self
    }

    /// How many times each probe is asked of each provider.
    pub fn samples(&self) -> usize {
        self.samples
    }

    /// Every sample of the (probe, provider) cell `id` (whatever its `sample`), in order.
    pub fn samples_of(&self, id: CellId) -> &[Rc<Cell>] {
        match self.index(CellId { sample: 0, ..id }) {
            Some(i) => &self.cells[i..i + self.samples],
            None => &[],
        }
    }

    /// What the (probe, provider) cell `id` came to once every sample is in: the majority
    /// of their verdicts, and the first sample with it (the one figures and exports stand on,
    /// and the one that keeps a verdict set by hand: its [`CellResult::label`] is the cell's).
    /// With one sample, that sample.
    pub fn settled(&self, id: CellId) -> Option<(Consensus, &CellResult)> {
        settled(self.samples_of(id))
    }

    /// Every cell id of the run, in matrix order, samples together.
    pub fn ids(&self) -> impl Iterator<Item = CellId> + '_ {
        let (v, n) = (self.providers.len().max(1), self.samples);
        (0..self.cells.len()).map(move |i| CellId { probe: i / n / v, provider: i / n % v, sample: i % n })
    }

    /// Whether every cell is done and, with a judge, every reply to judge is judged.
    fn complete(&self) -> bool {
        self.tally.done() == self.cells.len() && (self.judge.is_none() || self.tally.awaiting_judge == 0)
    }

    /// Replaces the cell at index `i`, keeping the tally up to date.
    fn put(&mut self, i: usize, cell: Cell) {
        let provider = i / self.samples % self.providers.len().max(1);
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
        self.ids().filter(|&id| matches!(self.cell(id), Some(Cell::Done(r)) if r.awaits_judge())).collect()
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
    /// the cell changed. With several samples the verdict set by hand is the cell's, kept on
    /// the sample the cell stands on (see [`Run::settled`]), once every sample is in.
    pub fn set_manual(&mut self, id: CellId, label: Option<Label>) -> bool {
        let Some((c, _)) = self.settled(id) else { return false };
        let Some(i) = self.index(CellId { sample: c.first, ..id }) else { return false };
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
        (id.probe < self.probes.len() && id.provider < self.providers.len() && id.sample < self.samples)
            .then_some((id.probe * self.providers.len() + id.provider) * self.samples + id.sample)
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

    /// The cells still to send for one provider, in order (a probe's samples together).
    pub fn pending_for(&self, provider: usize) -> Vec<CellId> {
        self.ids()
            .filter(|id| id.provider == provider)
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
            RunEvent::Finished { cell, outcome, verdict, timing, at_ms } => {
                if let Some(i) = self.index(cell) {
                    // A reply that arrives after a cancel is still kept: nothing gathered is lost.
                    if matches!(*self.cells[i], Cell::Running { .. } | Cell::Pending) {
                        let judge = None;
                        self.put(i, Cell::Done(CellResult { outcome, verdict, timing, judge, manual: None }));
                    }
                }
                self.finish_if_complete(at_ms);
            }
            RunEvent::Rejudged { cell, verdict } => {
                if let Some(i) = self.index(cell) {
                    if let Cell::Done(r) = &*self.cells[i] {
                        if r.verdict != verdict {
                            let updated = CellResult { verdict, ..r.clone() };
                            self.put(i, Cell::Done(updated));
                        }
                    }
                }
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

    /// Judges a finished request and files it, with any reply judged again because of it:
    /// for code that judges where it files (tests, tools). A run being sent keeps one
    /// [`Judging`] instead, which does not look over every cell each time.
    pub fn finish(
        &mut self,
        cell: CellId,
        outcome: crate::core::verdict::Outcome,
        timing: Timing,
        at_ms: f64,
    ) {
        for event in Judging::of(self).finished(cell, outcome, timing, at_ms) {
            self.apply(event);
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
