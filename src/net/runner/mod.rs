//! Drives a run: performs the requests the [`Scheduler`] hands out, and its timers, and
//! reports every step as a [`RunEvent`].
//!
//! What to send, in which order, how many at once and when to try again is decided in
//! `core::schedule`; this module only fetches, waits and feeds back how each request ended.

mod request;

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use gloo_timers::future::TimeoutFuture;
use wasm_bindgen_futures::spawn_local;
use web_sys::AbortController;

use crate::core::demo;
use crate::core::engine::Plan;
use crate::core::error::FetchError;
use crate::core::http::HttpResponse;
use crate::core::judge::{judged_text, JudgeError};
use crate::core::ledger::{Purpose, PurposeKind};
use crate::core::pack::Probe;
use crate::core::provider::ProviderConfig;
use crate::core::run::{CellId, Judging, RunEvent};
use crate::core::schedule::{Job, Lane, Next, Report, RetryPolicy, Scheduler};
use crate::core::verdict::Outcome;
use crate::net::fetch::{send, LedgerSink};
use crate::net::now_ms;
use request::{ask, judge_reply, simulate};

type Emit = Rc<dyn Fn(RunEvent)>;

/// Lets the UI stop a run: no new request starts, and requests in flight are aborted.
#[derive(Clone)]
pub struct RunHandle {
    scheduler: Rc<RefCell<Scheduler>>,
    in_flight: Rc<RefCell<Vec<AbortController>>>,
}

impl RunHandle {
    /// Stops the run.
    pub fn cancel(&self) {
        self.scheduler.borrow_mut().cancel();
        for c in self.in_flight.borrow_mut().drain(..) {
            c.abort();
        }
    }

    fn cancelled(&self) -> bool {
        self.scheduler.borrow().is_cancelled()
    }
}

/// A run in progress: the live settings of its providers, and the replies waiting for the judge.
struct Driver {
    handle: RunHandle,
    /// Each column's live settings; `None` when the provider is no longer configured.
    columns: Vec<Option<Rc<ProviderConfig>>>,
    titles: Vec<String>,
    /// The judge's live settings; `None` without a judge or when it is no longer configured.
    judge: Option<Rc<ProviderConfig>>,
    probes: Vec<Rc<Probe>>,
    /// Reply texts for the judge to rate, by cell.
    to_judge: RefCell<Vec<(CellId, String)>>,
    /// Candor's verdicts on the replies, as they finish.
    judging: RefCell<Judging>,
    emit: Emit,
    ledger: LedgerSink,
    /// When the pending wake-up timer fires, if one is set.
    timer: Cell<Option<f64>>,
}

/// Starts sending everything `plan` still has to do. `providers` are the live settings
/// (with keys), matched to the run's columns and judge by id; every request is recorded in
/// `ledger`.
pub fn start(
    plan: Plan,
    providers: &[ProviderConfig],
    emit: impl Fn(RunEvent) + 'static,
    ledger: LedgerSink,
) -> RunHandle {
    let live = |id: &str| providers.iter().find(|p| p.id == id).cloned().map(Rc::new);
    let mut scheduler = Scheduler::for_plan(&plan, RetryPolicy::default(), now_ms() as u64);
    let columns: Vec<_> = plan.providers.iter().map(|rp| live(&rp.id)).collect();
    for (col, config) in columns.iter().enumerate() {
        if config.is_none() {
            scheduler.remove_column(col);
        }
    }
    let handle = RunHandle { scheduler: Rc::new(RefCell::new(scheduler)), in_flight: Rc::default() };
    let probes: Vec<Rc<Probe>> = plan.probes.into_iter().map(Rc::new).collect();
    let driver = Rc::new(Driver {
        handle: handle.clone(),
        columns,
        titles: plan.providers.iter().map(|p| p.title.clone()).collect(),
        judge: plan.judge.as_ref().and_then(|j| live(&j.id)),
        judging: RefCell::new(Judging::new(probes.clone(), plan.settled)),
        probes,
        to_judge: RefCell::new(plan.to_judge),
        emit: Rc::new(emit),
        ledger,
        timer: Cell::new(None),
    });
    driver.pump();
    handle
}

impl Driver {
    /// Starts whatever the scheduler says can start now, and sets a timer for when more can.
    fn pump(self: &Rc<Self>) {
        let now = now_ms();
        let jobs = self.handle.scheduler.borrow_mut().next(now);
        for job in jobs {
            let me = self.clone();
            spawn_local(async move {
                match job.lane {
                    Lane::Column(col) => me.probe(job, col).await,
                    Lane::Judge => me.rate(job).await,
                }
                me.pump();
            });
        }
        let wake = self.handle.scheduler.borrow().wake_at(now);
        if let Some(at) = wake {
            self.wake_at(at);
        }
    }

    fn wake_at(self: &Rc<Self>, at: f64) {
        if self.timer.get().is_some_and(|t| t <= at) {
            return;
        }
        self.timer.set(Some(at));
        let me = self.clone();
        spawn_local(async move {
            TimeoutFuture::new((at - now_ms()).max(0.0).ceil() as u32).await;
            if me.timer.get() == Some(at) {
                me.timer.set(None);
            }
            me.pump();
        });
    }

    /// Sends one probe (or plays a simulated reply) and reports how it ended.
    async fn probe(&self, job: Job, col: usize) {
        let Some(config) = self.columns.get(col).cloned().flatten() else { return };
        let probe = self.probes[job.cell.probe].clone();
        let attempt = if config.is_simulated() {
            simulate(job.cell, &probe, &config, &self.handle, &self.emit).await
        } else {
            ask(job, &probe, &config, &self.handle, &self.emit, &self.ledger).await
        };
        let report = match (&attempt.outcome, attempt.failure) {
            (None, _) => Report::Aborted,
            (Some(_), Some(failure)) => Report::Failed(failure),
            (Some(o), None) => Report::Replied { to_judge: self.judge_wanted() && judged_text(o).is_some() },
        };
        let next = self.handle.scheduler.borrow_mut().report(job, report, now_ms());
        let cell = job.cell;
        match (attempt.outcome, next) {
            (None, _) => (self.emit)(RunEvent::Aborted { cell }),
            (Some(_), Next::Retry { at_ms, reason, tries }) => {
                (self.emit)(RunEvent::Waiting { cell, until_ms: at_ms, reason, tries })
            }
            (Some(mut outcome), Next::Settle { tries }) => {
                if let (Outcome::Transport(why), 2..) = (&mut outcome, tries) {
                    why.push_str(&format!(" (no response to {tries} tries)"));
                }
                if let (Report::Replied { to_judge: true }, Some(text)) = (report, judged_text(&outcome)) {
                    self.to_judge.borrow_mut().push((cell, text.to_string()));
                }
                let events = self.judging.borrow_mut().finished(cell, outcome, attempt.timing, now_ms());
                for event in events {
                    (self.emit)(event);
                }
            }
        }
    }

    /// Whether the run has a judge; its replies go to it even when its settings are gone,
    /// so each gets a rating or the reason there is none.
    fn judge_wanted(&self) -> bool {
        self.handle.scheduler.borrow().has_judge()
    }

    /// Sends one reply to the judge and reports the rating (or why there is none). A cancelled
    /// request reports nothing, so the reply stays waiting and a resumed run sends it again.
    async fn rate(&self, job: Job) {
        let text = {
            let mut waiting = self.to_judge.borrow_mut();
            waiting.iter().position(|(c, _)| *c == job.cell).map(|i| waiting.swap_remove(i).1)
        };
        let outcome = match (text, &self.judge) {
            (None, _) => None,
            (Some(_), None) => Some(JudgeError::Request(FetchError::JudgeGone.to_string()).into()),
            (Some(reply), Some(config)) => {
                let probe = &self.probes[job.cell.probe];
                let column = &self.titles[job.cell.provider];
                judge_reply(probe, column, &reply, config, &self.handle, &self.ledger).await
            }
        };
        let report = if outcome.is_some() { Report::Replied { to_judge: false } } else { Report::Aborted };
        self.handle.scheduler.borrow_mut().report(job, report, now_ms());
        if let Some(outcome) = outcome {
            (self.emit)(RunEvent::Judged { cell: job.cell, outcome, at_ms: now_ms() });
        }
    }
}

/// The models a provider's server offers (`GET /models`).
pub async fn fetch_models(config: &ProviderConfig, ledger: &LedgerSink) -> Result<Vec<String>, FetchError> {
    if config.is_simulated() {
        return Ok(demo::DEMO_MODELS.iter().map(|m| m.to_string()).collect());
    }
    let req = config.dialect.models_request(&config.endpoint());
    let raw = RefCell::new(Vec::new());
    let purpose = Purpose::new(PurposeKind::ModelList, &config.id, &config.name, "model list");
    let (_, head) =
        send(&req, purpose, ledger, None, |_| {}, |chunk| raw.borrow_mut().extend_from_slice(chunk)).await;
    let head = head.map_err(|e| e.for_user(Some(config)))?;
    let resp = HttpResponse {
        status: head.status,
        headers: head.headers,
        body: String::from_utf8_lossy(&raw.borrow()).into_owned(),
    };
    Ok(config.dialect.parse_models(&resp)?)
}
