//! Drives a run: performs the requests the [`Scheduler`] hands out, and its timers, and
//! reports every step as a [`RunEvent`].
//!
//! What to send, in which order, how many at once and when to try again is decided in
//! `core::schedule`; this module only fetches, waits and feeds back how each request ended.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use gloo_timers::future::TimeoutFuture;
use wasm_bindgen_futures::spawn_local;
use web_sys::AbortController;

use crate::core::demo;
use crate::core::dialect::openai::{self, StreamDecoder};
use crate::core::dialect::{ChatParams, DialectError};
use crate::core::error::FetchError;
use crate::core::http::HttpResponse;
use crate::core::judge::{self, judged_text, JudgeError, JudgeOutcome};
use crate::core::ledger::{LedgerEvent, Purpose, PurposeKind};
use crate::core::pack::Probe;
use crate::core::provider::ProviderConfig;
use crate::core::run::{Cell as RunCell, CellId, Run, RunEvent, Timing};
use crate::core::schedule::{Failure, Job, Lane, Next, Report, RetryPolicy, Scheduler};
use crate::core::verdict::Outcome;
use crate::net::fetch::{send, LedgerSink, NetError};
use crate::net::now_ms;

/// How long one request may take before it is abandoned. Reasoning models can think for
/// minutes, so this is generous.
const REQUEST_TIMEOUT_MS: u32 = 300_000;

/// Streamed text is passed on at most this often per request, so a fast stream does not
/// re-render the matrix for every token.
const DELTA_INTERVAL_MS: f64 = 120.0;

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

/// How one try at a probe ended.
struct Attempt {
    /// What came back; `None` when a cancel aborted it.
    outcome: Option<Outcome>,
    /// Why it failed, as far as retrying goes; `None` for a reply.
    failure: Option<Failure>,
    timing: Timing,
}

impl Attempt {
    fn aborted() -> Attempt {
        Attempt { outcome: None, failure: None, timing: Timing::default() }
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
    to_judge: RefCell<HashMap<CellId, String>>,
    emit: Emit,
    ledger: LedgerSink,
    /// When the pending wake-up timer fires, if one is set.
    timer: Cell<Option<f64>>,
}

/// Starts sending every pending cell of `run`, and every reply still to judge. `providers`
/// are the live settings (with keys), matched to the run's columns and judge by id; every
/// request is recorded in `ledger`.
pub fn start(
    run: &Run,
    providers: &[ProviderConfig],
    emit: impl Fn(RunEvent) + 'static,
    ledger: LedgerSink,
) -> RunHandle {
    let live = |id: &str| providers.iter().find(|p| p.id == id).cloned().map(Rc::new);
    let mut scheduler = Scheduler::new(run, RetryPolicy::single_try(), now_ms() as u64);
    let columns: Vec<_> = run.providers.iter().map(|rp| live(&rp.id)).collect();
    for (col, config) in columns.iter().enumerate() {
        if config.is_none() {
            scheduler.remove_column(col);
        }
    }
    let to_judge = run
        .awaiting_judge()
        .into_iter()
        .filter_map(|cell| match run.cell(cell) {
            Some(RunCell::Done(r)) => judged_text(&r.outcome).map(|t| (cell, t.to_string())),
            _ => None,
        })
        .collect();
    let handle = RunHandle { scheduler: Rc::new(RefCell::new(scheduler)), in_flight: Rc::default() };
    let driver = Rc::new(Driver {
        handle: handle.clone(),
        columns,
        titles: run.providers.iter().map(|p| p.title.clone()).collect(),
        judge: run.judge.as_ref().and_then(|j| live(&j.id)),
        probes: run.probes.clone(),
        to_judge: RefCell::new(to_judge),
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
            ask(job.cell, &probe, &config, &self.handle, &self.emit, &self.ledger).await
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
            (Some(outcome), Next::Settle { .. }) => {
                if let (Report::Replied { to_judge: true }, Some(text)) = (report, judged_text(&outcome)) {
                    self.to_judge.borrow_mut().insert(cell, text.to_string());
                }
                (self.emit)(RunEvent::Finished { cell, outcome, timing: attempt.timing, at_ms: now_ms() });
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
        let text = self.to_judge.borrow_mut().remove(&job.cell);
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

/// Asks the judge to rate `reply`; `None` when a cancel aborted the request.
async fn judge_reply(
    probe: &Probe,
    column: &str,
    reply: &str,
    config: &ProviderConfig,
    handle: &RunHandle,
    ledger: &LedgerSink,
) -> Option<JudgeOutcome> {
    let Ok(controller) = AbortController::new() else {
        return Some(JudgeError::Request(FetchError::NoAbort.to_string()).into());
    };
    handle.in_flight.borrow_mut().push(controller.clone());
    let req = judge::request(&config.endpoint(), &config.model, &probe.prompt, reply);
    let purpose =
        Purpose::new(PurposeKind::Judge, &config.id, &config.name, format!("{} ({column})", probe.id))
            .for_model(&config.model);
    let body = RefCell::new(Vec::new());
    let signal = controller.signal();
    let (ledger_id, result) =
        send(&req, purpose, ledger, Some(&signal), |_| {}, |c| body.borrow_mut().extend_from_slice(c)).await;
    handle.in_flight.borrow_mut().retain(|c| c != &controller);
    Some(match result {
        Err(NetError::Aborted) => return None,
        Err(e) => JudgeError::Request(e.for_user(Some(config)).to_string()).into(),
        Ok(head) => {
            let resp = HttpResponse {
                status: head.status,
                headers: head.headers,
                body: String::from_utf8_lossy(&body.borrow()).into_owned(),
            };
            let parsed = openai::parse_chat_response(&resp);
            if let Ok(reply) = &parsed {
                ledger(LedgerEvent::Served {
                    id: ledger_id,
                    model: reply.model.clone(),
                    upstream: reply.upstream_provider.clone(),
                    usage: reply.usage.clone(),
                });
            }
            judge::outcome_of_parsed(&parsed)
        }
    })
}

/// Collects streamed text and passes it on in batches.
struct DeltaBuffer {
    cell: CellId,
    content: String,
    reasoning: String,
    last: f64,
}

impl DeltaBuffer {
    fn new(cell: CellId) -> Self {
        DeltaBuffer { cell, content: String::new(), reasoning: String::new(), last: 0.0 }
    }

    fn push(&mut self, content: &str, reasoning: &str, emit: &Emit) {
        self.content.push_str(content);
        self.reasoning.push_str(reasoning);
        if now_ms() - self.last >= DELTA_INTERVAL_MS {
            self.flush(emit);
        }
    }

    fn flush(&mut self, emit: &Emit) {
        self.last = now_ms();
        if self.content.is_empty() && self.reasoning.is_empty() {
            return;
        }
        emit(RunEvent::Delta {
            cell: self.cell,
            content: std::mem::take(&mut self.content),
            reasoning: std::mem::take(&mut self.reasoning),
        });
    }
}

/// Plays a simulated reply.
async fn simulate(
    cell: CellId,
    probe: &Probe,
    config: &ProviderConfig,
    handle: &RunHandle,
    emit: &Emit,
) -> Attempt {
    let t0 = now_ms();
    emit(RunEvent::Started { cell, at_ms: t0 });
    let sim = demo::reply(&config.model, probe);
    let mut buf = DeltaBuffer::new(cell);
    let mut ttfb = None;
    for (delay, reasoning, content) in &sim.chunks {
        TimeoutFuture::new(*delay).await;
        if handle.cancelled() {
            return Attempt::aborted();
        }
        ttfb.get_or_insert_with(|| now_ms() - t0);
        buf.push(content, reasoning, emit);
    }
    buf.flush(emit);
    let bytes_in = (sim.reply.content.len() + sim.reply.reasoning.as_deref().map_or(0, str::len)) as u64;
    let timing =
        Timing { latency_ms: now_ms() - t0, ttfb_ms: ttfb, bytes_out: probe.prompt.len() as u64, bytes_in };
    Attempt { outcome: Some(Outcome::Reply { reply: sim.reply, cut_short: None }), failure: None, timing }
}

/// Sends one probe once.
async fn ask(
    cell: CellId,
    probe: &Probe,
    config: &ProviderConfig,
    handle: &RunHandle,
    emit: &Emit,
    ledger: &LedgerSink,
) -> Attempt {
    let params = ChatParams {
        model: config.model.clone(),
        prompt: probe.prompt.clone(),
        stream: true,
        max_tokens: None,
        temperature: None,
    };
    let req = openai::chat_request(&config.endpoint(), &params);
    let Ok(controller) = AbortController::new() else {
        let outcome = Outcome::Transport(FetchError::NoAbort.to_string());
        return Attempt { outcome: Some(outcome), failure: Some(Failure::Final), timing: Timing::default() };
    };
    handle.in_flight.borrow_mut().push(controller.clone());
    let timed_out = Rc::new(Cell::new(false));
    {
        let (controller, timed_out) = (controller.clone(), timed_out.clone());
        spawn_local(async move {
            TimeoutFuture::new(REQUEST_TIMEOUT_MS).await;
            if !controller.signal().aborted() {
                timed_out.set(true);
                controller.abort();
            }
        });
    }

    let t0 = now_ms();
    emit(RunEvent::Started { cell, at_ms: t0 });
    let ttfb = Cell::new(None);
    let status = Cell::new(0u16);
    let streaming = Cell::new(false);
    let bytes_in = Cell::new(0u64);
    let decoder = RefCell::new(StreamDecoder::new());
    let raw = RefCell::new(Vec::new());
    let buf = RefCell::new(DeltaBuffer::new(cell));
    let signal = controller.signal();
    let purpose = Purpose::new(PurposeKind::Probe, &config.id, &config.name, format!("probe {}", probe.id))
        .for_model(&config.model);
    let (ledger_id, result) = send(
        &req,
        purpose,
        ledger,
        Some(&signal),
        |head| {
            ttfb.set(Some(now_ms() - t0));
            status.set(head.status);
            let sse = head.header("content-type").is_some_and(|c| c.contains("text/event-stream"));
            streaming.set((200..300).contains(&head.status) && sse);
        },
        |chunk| {
            bytes_in.set(bytes_in.get() + chunk.len() as u64);
            if streaming.get() {
                for d in decoder.borrow_mut().push(chunk) {
                    buf.borrow_mut().push(&d.content, &d.reasoning, emit);
                }
            } else {
                raw.borrow_mut().extend_from_slice(chunk);
            }
        },
    )
    .await;
    // Stop the timeout from aborting a finished request, and forget the controller.
    let finished = !signal.aborted();
    handle.in_flight.borrow_mut().retain(|c| c != &controller);
    if finished {
        controller.abort();
    }
    buf.borrow_mut().flush(emit);

    let timing = Timing {
        latency_ms: now_ms() - t0,
        ttfb_ms: ttfb.get(),
        bytes_out: req.body.as_deref().map_or(0, |b| b.len() as u64),
        bytes_in: bytes_in.get(),
    };
    let mut failure = Some(Failure::Final);
    let outcome = match result {
        Err(NetError::Aborted) if !timed_out.get() => return Attempt::aborted(),
        Err(NetError::Aborted) => {
            Outcome::Transport(FetchError::TimedOut { secs: REQUEST_TIMEOUT_MS / 1000 }.to_string())
        }
        Err(NetError::Body(why)) if streaming.get() => match decoder.into_inner().finish() {
            Ok(reply) => Outcome::Reply { reply, cut_short: Some(why) },
            Err(DialectError::Truncated) => {
                Outcome::Transport(format!("the stream broke off before any text: {why}"))
            }
            Err(e) => Outcome::Dialect(e),
        },
        Err(e) => {
            if matches!(e, NetError::Failed(_)) {
                failure = Some(Failure::no_response());
            }
            Outcome::Transport(e.for_user(Some(config)).to_string())
        }
        Ok(_) if streaming.get() => match decoder.into_inner().finish() {
            Ok(reply) => {
                let cut_short = reply
                    .finish_reason
                    .is_none()
                    .then(|| "the stream ended without a finish reason".to_string());
                Outcome::Reply { reply, cut_short }
            }
            Err(e) => Outcome::Dialect(e),
        },
        Ok(head) => {
            failure = Some(Failure::from_status(head.status, head.header("retry-after"), now_ms()));
            let resp = HttpResponse {
                status: status.get(),
                headers: head.headers,
                body: String::from_utf8_lossy(&raw.borrow()).into_owned(),
            };
            match openai::parse_chat_response(&resp) {
                Ok(reply) => Outcome::Reply { reply, cut_short: None },
                Err(e) => Outcome::Dialect(e),
            }
        }
    };
    if let Outcome::Reply { reply, .. } = &outcome {
        failure = None;
        ledger(LedgerEvent::Served {
            id: ledger_id,
            model: reply.model.clone(),
            upstream: reply.upstream_provider.clone(),
            usage: reply.usage.clone(),
        });
    }
    Attempt { outcome: Some(outcome), failure, timing }
}

/// The models a provider's server offers (`GET /models`).
pub async fn fetch_models(config: &ProviderConfig, ledger: &LedgerSink) -> Result<Vec<String>, FetchError> {
    if config.is_simulated() {
        return Ok(demo::DEMO_MODELS.iter().map(|m| m.to_string()).collect());
    }
    let req = openai::models_request(&config.endpoint());
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
    Ok(openai::parse_models(&resp)?)
}

/// Fetches one of the site's own files (a path relative to the page), recorded in the
/// ledger as Candor's own request.
async fn fetch_own(path: &str, what: &str, ledger: &LedgerSink) -> Result<Vec<u8>, FetchError> {
    // Resolve against the page's base URL so the ledger shows where it really came from,
    // and so the site works under any sub-path.
    let base = web_sys::window().and_then(|w| w.document()).and_then(|d| d.base_uri().ok().flatten());
    let url = match base {
        Some(b) => format!("{}{path}", &b[..b.rfind('/').map_or(b.len(), |i| i + 1)]),
        None => path.to_string(),
    };
    let req = crate::core::http::HttpRequest { method: "GET".into(), url, headers: Vec::new(), body: None };
    let purpose = Purpose::new(PurposeKind::Asset, "candor", "Candor", what);
    let bytes = RefCell::new(Vec::new());
    let (_, head) =
        send(&req, purpose, ledger, None, |_| {}, |chunk| bytes.borrow_mut().extend_from_slice(chunk)).await;
    let head = head.map_err(|e| e.for_user(None))?;
    if head.status != 200 {
        return Err(FetchError::Asset { path: path.into(), status: head.status });
    }
    Ok(bytes.into_inner())
}

/// Fetches one of the site's own text files.
pub async fn fetch_asset(path: &str, what: &str, ledger: &LedgerSink) -> Result<String, FetchError> {
    let bytes = fetch_own(path, what, ledger).await?;
    String::from_utf8(bytes).map_err(|_| FetchError::NotText { path: path.into() })
}

/// Fetches the classifier's text model from the site itself and installs it.
pub async fn load_classifier(ledger: &LedgerSink) -> Result<(), FetchError> {
    let bytes = fetch_own("model/verdict-v1.bin", "classifier model", ledger).await?;
    crate::core::classifier::install_model(&bytes).map_err(|e| FetchError::Model(e.to_string()))
}
