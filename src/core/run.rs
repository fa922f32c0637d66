//! A probe run: which probes go to which providers, the state of every cell, and the
//! progress figures the run bar shows.
//!
//! A [`Run`] is a grid of cells, one per (probe, provider). The network layer feeds it
//! [`RunEvent`]s; [`Run::apply`] is the only way a cell changes, so the state machine is
//! tested here without a browser. Cells are `Rc`-shared so that cloning the app state on
//! every streamed delta copies pointers, not replies.

use serde::{Deserialize, Serialize};
use std::rc::Rc;

use crate::core::dialect::Reply;
use crate::core::judge::{judged_text, Agreement, JudgeOutcome};
use crate::core::pack::{Pack, Probe};
use crate::core::provider::ProviderConfig;
use crate::core::verdict::{classify_in, Context, Outcome, Verdict};

/// A provider as it was when the run started (no key).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunProvider {
    /// The provider's id in settings.
    pub id: String,
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
        }
    }
}

/// Timings and sizes of one request.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Timing {
    /// From send to the end of the body.
    pub latency_ms: f64,
    /// From send to the response headers.
    pub ttfb_ms: Option<f64>,
    /// Request body bytes.
    pub bytes_out: u64,
    /// Response body bytes.
    pub bytes_in: u64,
}

/// A finished cell.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CellResult {
    /// What came back.
    pub outcome: Outcome,
    /// What it is.
    pub verdict: Verdict,
    /// How long it took.
    pub timing: Timing,
    /// What the run's judge made of the reply, once it answered. Never replaces `verdict`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub judge: Option<JudgeOutcome>,
}

impl CellResult {
    /// The reply, when there is one.
    pub fn reply(&self) -> Option<&Reply> {
        match &self.outcome {
            Outcome::Reply { reply, .. } => Some(reply),
            _ => None,
        }
    }

    /// Whether the judge should rate this cell's reply and has not yet.
    pub fn awaits_judge(&self) -> bool {
        self.judge.is_none() && judged_text(&self.outcome).is_some()
    }
}

/// The state of one (probe, provider) cell.
// Cells live behind `Rc`, so the size of the largest variant costs nothing when cloning.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Cell {
    /// Not sent yet.
    Pending,
    /// In flight; the text streamed so far.
    Running {
        /// When it was sent (ms since the epoch).
        started_ms: f64,
        /// Answer text so far.
        content: String,
        /// Reasoning text so far.
        reasoning: String,
    },
    /// Finished, successfully or not.
    Done(CellResult),
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

/// Addresses one cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CellId {
    /// Index into [`Run::probes`].
    pub probe: usize,
    /// Index into [`Run::providers`].
    pub provider: usize,
}

/// Something that happened to a cell or the run.
// Events are moved once, from the network layer into the run; boxing would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq)]
pub enum RunEvent {
    /// A request was sent.
    Started {
        /// The cell.
        cell: CellId,
        /// When.
        at_ms: f64,
    },
    /// Streamed text arrived.
    Delta {
        /// The cell.
        cell: CellId,
        /// New answer text.
        content: String,
        /// New reasoning text.
        reasoning: String,
    },
    /// The request finished; the cell is classified here.
    Finished {
        /// The cell.
        cell: CellId,
        /// What came back.
        outcome: Outcome,
        /// Timings.
        timing: Timing,
        /// When it finished.
        at_ms: f64,
    },
    /// The judge rated a finished cell's reply, or failed to.
    Judged {
        /// The cell.
        cell: CellId,
        /// The judge's verdict or error.
        outcome: JudgeOutcome,
        /// When it arrived.
        at_ms: f64,
    },
    /// The request was aborted by a cancel; the cell goes back to pending.
    Aborted {
        /// The cell.
        cell: CellId,
    },
    /// The user cancelled the run.
    Cancelled {
        /// When.
        at_ms: f64,
    },
}

/// Progress figures for the run bar.
#[derive(Clone, Debug, PartialEq)]
pub struct Progress {
    /// Cells finished (including errors).
    pub done: usize,
    /// All cells.
    pub total: usize,
    /// Cells whose verdict is error.
    pub errors: usize,
    /// Cells in flight.
    pub running: usize,
    /// Finished replies still waiting for the judge.
    pub judging: usize,
    /// Estimated time left, once anything has finished.
    pub eta_ms: Option<f64>,
}

/// One run of probes against providers.
#[derive(Clone, Debug, PartialEq)]
pub struct Run {
    /// Unique id (time-based).
    pub id: String,
    /// Pack id and version the probes come from.
    pub pack: (String, String),
    /// Probes, in matrix order.
    pub probes: Vec<Rc<Probe>>,
    /// Providers, in column order.
    pub providers: Vec<RunProvider>,
    /// The provider that rates every reply, when the run has a judge.
    pub judge: Option<RunProvider>,
    cells: Vec<Rc<Cell>>,
    /// Where the run stands.
    pub status: RunStatus,
    /// When it started.
    pub started_ms: f64,
    /// When it finished or was cancelled.
    pub ended_ms: Option<f64>,
}

impl Run {
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
            probes: probes.into_iter().map(Rc::new).collect(),
            providers,
            judge: None,
            cells,
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
            probes: probes.into_iter().map(Rc::new).collect(),
            providers,
            judge: None,
            cells,
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
        self.cells.iter().all(|c| match &**c {
            Cell::Done(r) => self.judge.is_none() || !r.awaits_judge(),
            _ => false,
        })
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
        for c in &mut self.cells {
            if matches!(**c, Cell::Running { .. }) {
                *c = Rc::new(Cell::Pending);
            }
        }
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
                self.cells[i] = Rc::new(cell);
                true
            }
            None => false,
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
        match event {
            RunEvent::Started { cell, at_ms } => {
                if self.status != RunStatus::Running {
                    return;
                }
                if let Some(i) = self.index(cell) {
                    if matches!(*self.cells[i], Cell::Pending) {
                        self.cells[i] = Rc::new(Cell::Running {
                            started_ms: at_ms,
                            content: String::new(),
                            reasoning: String::new(),
                        });
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
                        self.cells[i] = Rc::new(Cell::Done(CellResult { outcome, verdict, timing, judge }));
                        self.reclassify_dependents(cell);
                    }
                }
                self.finish_if_complete(at_ms);
            }
            RunEvent::Judged { cell, outcome, at_ms } => {
                if let Some(i) = self.index(cell) {
                    // Like a late reply, a late rating is kept; a second one is ignored.
                    if matches!(&*self.cells[i], Cell::Done(r) if r.judge.is_none()) {
                        if let Cell::Done(r) = Rc::make_mut(&mut self.cells[i]) {
                            r.judge = Some(outcome);
                        }
                    }
                }
                self.finish_if_complete(at_ms);
            }
            RunEvent::Aborted { cell } => {
                if let Some(i) = self.index(cell) {
                    if matches!(*self.cells[i], Cell::Running { .. }) {
                        self.cells[i] = Rc::new(Cell::Pending);
                    }
                }
            }
            RunEvent::Cancelled { at_ms } => {
                if self.status == RunStatus::Running {
                    self.status = RunStatus::Cancelled;
                    self.ended_ms = Some(at_ms);
                    for c in &mut self.cells {
                        if matches!(**c, Cell::Running { .. }) {
                            *c = Rc::new(Cell::Pending);
                        }
                    }
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
                    self.cells[i] = Rc::new(Cell::Done(updated));
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
        let mut done = 0;
        let mut errors = 0;
        let mut running = 0;
        let mut judging = 0;
        for c in &self.cells {
            match &**c {
                Cell::Done(r) => {
                    done += 1;
                    if self.judge.is_some() && r.awaits_judge() {
                        judging += 1;
                    }
                    if r.verdict.label == crate::core::verdict::Label::Error {
                        errors += 1;
                    }
                }
                Cell::Running { .. } => running += 1,
                Cell::Pending => {}
            }
        }
        let total = self.cells.len();
        let elapsed = (now_ms - self.started_ms).max(0.0);
        let eta_ms = (self.status == RunStatus::Running && done > 0)
            .then(|| elapsed / done as f64 * (total - done) as f64);
        Progress { done, total, errors, running, judging, eta_ms }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::dialect::DialectError;
    use crate::core::verdict::Label;

    fn run(n_probes: usize, n_providers: usize) -> Run {
        let pack = Pack::builtin();
        let probes = pack.probes.iter().take(n_probes).cloned().collect();
        let providers = (0..n_providers)
            .map(|i| {
                let mut p = ProviderConfig::demo();
                p.id = format!("p{i}");
                RunProvider::from(&p)
            })
            .collect();
        Run::new("r1".into(), &pack, probes, providers, 1000.0)
    }

    fn reply(text: &str) -> Outcome {
        Outcome::Reply {
            reply: Reply { content: text.into(), finish_reason: Some("stop".into()), ..Reply::default() },
            cut_short: None,
        }
    }

    #[test]
    fn cells_move_pending_running_done_and_the_run_finishes() {
        let mut r = run(2, 2);
        assert_eq!(r.pending_for(0).len(), 2);
        let c = CellId { probe: 0, provider: 1 };
        r.apply(RunEvent::Started { cell: c, at_ms: 1010.0 });
        r.apply(RunEvent::Delta { cell: c, content: "Hel".into(), reasoning: "r".into() });
        r.apply(RunEvent::Delta { cell: c, content: "lo".into(), reasoning: String::new() });
        match r.cell(c) {
            Some(Cell::Running { content, reasoning, .. }) => {
                assert_eq!((content.as_str(), reasoning.as_str()), ("Hello", "r"))
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(r.progress(1020.0).running, 1);
        assert_eq!(r.pending_for(1), vec![CellId { probe: 1, provider: 1 }]);
        for probe in 0..2 {
            for provider in 0..2 {
                let cell = CellId { probe, provider };
                r.apply(RunEvent::Started { cell, at_ms: 1020.0 });
                r.apply(RunEvent::Finished {
                    cell,
                    outcome: reply("I can't help with that."),
                    timing: Timing::default(),
                    at_ms: 1500.0,
                });
            }
        }
        assert_eq!(r.status, RunStatus::Finished);
        let p = r.progress(2000.0);
        assert_eq!((p.done, p.total, p.errors, p.eta_ms), (4, 4, 0, None));
        match r.cell(c) {
            Some(Cell::Done(res)) => assert_eq!(res.verdict.label, Label::Refused),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn cancel_keeps_finished_cells_and_returns_running_ones_to_pending() {
        let mut r = run(3, 1);
        let a = CellId { probe: 0, provider: 0 };
        let b = CellId { probe: 1, provider: 0 };
        r.apply(RunEvent::Started { cell: a, at_ms: 1001.0 });
        r.apply(RunEvent::Finished {
            cell: a,
            outcome: Outcome::Dialect(DialectError::Http {
                status: 429,
                message: "slow down".into(),
                body: "{}".into(),
            }),
            timing: Timing::default(),
            at_ms: 1500.0,
        });
        r.apply(RunEvent::Started { cell: b, at_ms: 1002.0 });
        let p = r.progress(1100.0);
        assert_eq!((p.done, p.errors, p.running), (1, 1, 1));
        assert!(p.eta_ms.is_some());
        r.apply(RunEvent::Cancelled { at_ms: 1200.0 });
        assert_eq!(r.status, RunStatus::Cancelled);
        assert_eq!(r.cell(b), Some(&Cell::Pending));
        assert!(matches!(r.cell(a), Some(Cell::Done(_))));
        // No new request starts after a cancel, but a reply already on its way is kept.
        r.apply(RunEvent::Started { cell: CellId { probe: 2, provider: 0 }, at_ms: 1300.0 });
        assert_eq!(r.cell(CellId { probe: 2, provider: 0 }), Some(&Cell::Pending));
        r.apply(RunEvent::Finished {
            cell: b,
            outcome: reply("late"),
            timing: Timing::default(),
            at_ms: 1500.0,
        });
        assert!(matches!(r.cell(b), Some(Cell::Done(_))));
        assert_eq!(r.progress(1400.0).eta_ms, None);
    }

    #[test]
    fn late_and_unknown_events_are_ignored() {
        let mut r = run(1, 1);
        let c = CellId { probe: 0, provider: 0 };
        r.apply(RunEvent::Finished {
            cell: c,
            outcome: reply("first"),
            timing: Timing::default(),
            at_ms: 1500.0,
        });
        r.apply(RunEvent::Finished {
            cell: c,
            outcome: reply("second"),
            timing: Timing::default(),
            at_ms: 1500.0,
        });
        r.apply(RunEvent::Delta { cell: c, content: "x".into(), reasoning: String::new() });
        r.apply(RunEvent::Started { cell: CellId { probe: 5, provider: 9 }, at_ms: 0.0 });
        match r.cell(c) {
            Some(Cell::Done(res)) => assert_eq!(res.reply().map(|r| r.content.as_str()), Some("first")),
            other => panic!("{other:?}"),
        }
        assert_eq!(r.status, RunStatus::Finished);
    }

    #[test]
    fn a_sensitive_answer_much_shorter_than_its_control_is_judged_again_when_the_control_arrives() {
        let pack = Pack::builtin();
        let sensitive =
            pack.probes.iter().find(|p| p.control.is_some() && p.lang.tag() == "en").unwrap().clone();
        let control = pack.probe(sensitive.control.as_deref().unwrap()).unwrap().clone();
        let provider = RunProvider::from(&ProviderConfig::demo());
        let mut r =
            Run::new("r".into(), &pack, vec![sensitive.clone(), control.clone()], vec![provider], 0.0);
        let s = CellId { probe: 0, provider: 0 };
        let c = CellId { probe: 1, provider: 0 };
        let facts = sensitive.expect.iter().take(2).cloned().collect::<Vec<_>>().join(" and ");
        r.apply(RunEvent::Finished {
            cell: s,
            outcome: reply(&format!("It involved {facts}.")),
            timing: Timing::default(),
            at_ms: 1.0,
        });
        let long = format!("{} ", control.expect.join(", ")).repeat(30);
        r.apply(RunEvent::Finished { cell: c, outcome: reply(&long), timing: Timing::default(), at_ms: 2.0 });
        match r.cell(s) {
            Some(Cell::Done(res)) => {
                assert!(
                    res.verdict
                        .signals
                        .iter()
                        .any(|g| g.name == crate::core::verdict::SignalKind::ShorterThanControl),
                    "{:?}",
                    res.verdict
                )
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn clones_share_untouched_cells() {
        let mut r = run(2, 1);
        let before = r.clone();
        r.apply(RunEvent::Started { cell: CellId { probe: 0, provider: 0 }, at_ms: 1.0 });
        assert!(Rc::ptr_eq(&r.cells[1], &before.cells[1]));
        assert!(!Rc::ptr_eq(&r.cells[0], &before.cells[0]));
    }

    #[test]
    fn with_a_judge_the_run_finishes_when_every_reply_is_rated_and_a_judge_error_keeps_the_verdict() {
        use crate::core::judge::{JudgeError, JudgeLabel, JudgeVerdict};
        let mut judge = ProviderConfig::demo();
        judge.id = "j".into();
        let mut r = run(2, 1).with_judge(Some(RunProvider::from(&judge)));
        let (a, b) = (CellId { probe: 0, provider: 0 }, CellId { probe: 1, provider: 0 });
        r.apply(RunEvent::Finished {
            cell: a,
            outcome: reply("I can't help with that."),
            timing: Timing::default(),
            at_ms: 1.0,
        });
        let error = Outcome::Transport("down".into());
        r.apply(RunEvent::Finished { cell: b, outcome: error, timing: Timing::default(), at_ms: 2.0 });
        // The failed request is not judged; the reply waits for the judge, and so does the run.
        assert_eq!(r.awaiting_judge(), vec![a]);
        assert_eq!(r.status, RunStatus::Running);
        assert_eq!(r.progress(3.0).judging, 1);
        let failed = JudgeOutcome::from(JudgeError::Empty);
        r.apply(RunEvent::Judged { cell: a, outcome: failed.clone(), at_ms: 4.0 });
        assert_eq!(r.status, RunStatus::Finished);
        let Some(Cell::Done(res)) = r.cell(a) else { panic!() };
        assert_eq!((res.verdict.label, res.judge.as_ref()), (Label::Refused, Some(&failed)));
        // A second rating for the same cell is ignored.
        let denial = JudgeVerdict { label: JudgeLabel::Denial, state_line: false, raw: String::new() };
        r.apply(RunEvent::Judged { cell: a, outcome: JudgeOutcome::Verdict(denial.clone()), at_ms: 5.0 });
        assert_eq!(r.judge_agreement().failed, 1);

        let mut r2 = run(1, 1).with_judge(Some(RunProvider::from(&judge)));
        r2.apply(RunEvent::Finished {
            cell: a,
            outcome: reply("I can't help with that."),
            timing: Timing::default(),
            at_ms: 1.0,
        });
        r2.apply(RunEvent::Cancelled { at_ms: 2.0 });
        assert!(r2.resume(), "an unrated reply is something to resume");
        r2.apply(RunEvent::Judged { cell: a, outcome: JudgeOutcome::Verdict(denial), at_ms: 3.0 });
        assert_eq!(r2.status, RunStatus::Finished);
        let agreement = r2.judge_agreement();
        assert_eq!((agreement.agreed, agreement.judged), (1, 1));
        assert!(!r2.resume());
    }
}
