//! Drives a run: sends each pending cell's probe to its provider, a few at a time per
//! provider, then (when the run has a judge) each reply to the judge, and reports every
//! step as a [`RunEvent`].

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

use gloo_timers::future::TimeoutFuture;
use wasm_bindgen_futures::spawn_local;
use web_sys::AbortController;

use crate::core::advice;
use crate::core::demo;
use crate::core::dialect::openai::{self, StreamDecoder};
use crate::core::dialect::{ChatParams, DialectError};
use crate::core::http::HttpResponse;
use crate::core::judge::{self, judged_text, JudgeError};
use crate::core::ledger::{LedgerEvent, Purpose, PurposeKind};
use crate::core::pack::Probe;
use crate::core::provider::ProviderConfig;
use crate::core::run::{Cell as RunCell, CellId, Run, RunEvent, Timing};
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

/// One provider's cells still to send, shared by its workers.
type Queue = Rc<RefCell<VecDeque<(CellId, Rc<Probe>)>>>;

/// Lets the UI stop a run: no new request starts, and requests in flight are aborted.
#[derive(Clone, Default)]
pub struct RunHandle {
    cancelled: Rc<Cell<bool>>,
    in_flight: Rc<RefCell<Vec<AbortController>>>,
}

impl RunHandle {
    /// Stops the run.
    pub fn cancel(&self) {
        self.cancelled.set(true);
        for c in self.in_flight.borrow_mut().drain(..) {
            c.abort();
        }
    }
}

/// One reply for the judge to rate.
struct JudgeJob {
    cell: CellId,
    probe_id: String,
    question: String,
    reply: String,
    /// The column's provider, named in the ledger.
    column: String,
}

/// The judge's queue, shared by its workers; workers start as jobs arrive, up to the judge
/// provider's concurrency, and stop when the queue is empty.
#[derive(Clone)]
struct JudgeQueue {
    /// The judge's live settings; `None` when the run's judge is no longer configured.
    config: Option<Rc<ProviderConfig>>,
    jobs: Rc<RefCell<VecDeque<JudgeJob>>>,
    workers: Rc<Cell<u32>>,
}

impl JudgeQueue {
    fn push(&self, job: JudgeJob, handle: &RunHandle, emit: &Emit, ledger: &LedgerSink) {
        self.jobs.borrow_mut().push_back(job);
        let limit = self.config.as_ref().map_or(1, |c| c.concurrency.clamp(1, 16));
        if self.workers.get() >= limit {
            return;
        }
        self.workers.set(self.workers.get() + 1);
        let (me, handle, emit, ledger) = (self.clone(), handle.clone(), emit.clone(), ledger.clone());
        spawn_local(async move {
            while !handle.cancelled.get() {
                let next = me.jobs.borrow_mut().pop_front();
                let Some(job) = next else { break };
                judge_reply(&job, me.config.as_deref(), &handle, &emit, &ledger).await;
            }
            me.workers.set(me.workers.get() - 1);
        });
    }
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
    let handle = RunHandle::default();
    let emit: Emit = Rc::new(emit);
    let judge = run.judge.as_ref().map(|j| JudgeQueue {
        config: providers.iter().find(|p| p.id == j.id).cloned().map(Rc::new),
        jobs: Rc::default(),
        workers: Rc::default(),
    });
    if let Some(queue) = &judge {
        for cell in run.awaiting_judge() {
            if let Some(RunCell::Done(r)) = run.cell(cell) {
                if let Some(text) = judged_text(&r.outcome) {
                    let job = judge_job(run, cell, &run.probes[cell.probe], text.to_string());
                    queue.push(job, &handle, &emit, &ledger);
                }
            }
        }
    }
    for (col, rp) in run.providers.iter().enumerate() {
        let Some(config) = providers.iter().find(|p| p.id == rp.id).cloned() else {
            continue;
        };
        let queue: Queue = Rc::new(RefCell::new(
            run.pending_for(col).into_iter().map(|id| (id, run.probes[id.probe].clone())).collect(),
        ));
        let workers = (rp.concurrency as usize).min(queue.borrow().len());
        let config = Rc::new(config);
        let column = rp.title.clone();
        for _ in 0..workers {
            let (queue, config, handle, emit, ledger, judge, column) = (
                queue.clone(),
                config.clone(),
                handle.clone(),
                emit.clone(),
                ledger.clone(),
                judge.clone(),
                column.clone(),
            );
            spawn_local(async move {
                loop {
                    if handle.cancelled.get() {
                        break;
                    }
                    let next = queue.borrow_mut().pop_front();
                    let Some((cell, probe)) = next else { break };
                    let text = if config.is_simulated() {
                        simulate(cell, &probe, &config, &handle, &emit).await
                    } else {
                        ask(cell, &probe, &config, &handle, &emit, &ledger).await
                    };
                    if let (Some(judge), Some(reply)) = (&judge, text) {
                        let job = JudgeJob {
                            cell,
                            probe_id: probe.id.clone(),
                            question: probe.prompt.clone(),
                            reply,
                            column: column.clone(),
                        };
                        judge.push(job, &handle, &emit, &ledger);
                    }
                }
            });
        }
    }
    handle
}

fn judge_job(run: &Run, cell: CellId, probe: &Probe, reply: String) -> JudgeJob {
    JudgeJob {
        cell,
        probe_id: probe.id.clone(),
        question: probe.prompt.clone(),
        reply,
        column: run.providers[cell.provider].title.clone(),
    }
}

/// Sends one reply to the judge and reports the rating (or why there is none). A cancelled
/// request reports nothing, so the reply stays waiting and a resumed run sends it again.
async fn judge_reply(
    job: &JudgeJob,
    config: Option<&ProviderConfig>,
    handle: &RunHandle,
    emit: &Emit,
    ledger: &LedgerSink,
) {
    let report = |outcome| emit(RunEvent::Judged { cell: job.cell, outcome, at_ms: now_ms() });
    let Some(config) = config else {
        return report(
            JudgeError::Request(
                "the judge provider is no longer configured; add it again and resume, or start a new run"
                    .into(),
            )
            .into(),
        );
    };
    let Ok(controller) = AbortController::new() else {
        return report(JudgeError::Request("this browser cannot make cancellable requests".into()).into());
    };
    handle.in_flight.borrow_mut().push(controller.clone());
    let req = judge::request(&config.endpoint(), &config.model, &job.question, &job.reply);
    let purpose = Purpose::new(
        PurposeKind::Judge,
        &config.id,
        &config.name,
        format!("{} ({})", job.probe_id, job.column),
    )
    .for_model(&config.model);
    let body = RefCell::new(Vec::new());
    let signal = controller.signal();
    let (ledger_id, result) =
        send(&req, purpose, ledger, Some(&signal), |_| {}, |c| body.borrow_mut().extend_from_slice(c)).await;
    handle.in_flight.borrow_mut().retain(|c| c != &controller);
    let outcome = match result {
        Err(NetError::Aborted) => return,
        Err(e) => JudgeError::Request(explain(&e, config)).into(),
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
    };
    report(outcome);
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

/// Plays a simulated reply; returns its text for the judge, unless it was cancelled.
async fn simulate(
    cell: CellId,
    probe: &Probe,
    config: &ProviderConfig,
    handle: &RunHandle,
    emit: &Emit,
) -> Option<String> {
    let t0 = now_ms();
    emit(RunEvent::Started { cell, at_ms: t0 });
    let sim = demo::reply(&config.model, probe);
    let mut buf = DeltaBuffer::new(cell);
    let mut ttfb = None;
    for (delay, reasoning, content) in &sim.chunks {
        TimeoutFuture::new(*delay).await;
        if handle.cancelled.get() {
            emit(RunEvent::Aborted { cell });
            return None;
        }
        ttfb.get_or_insert_with(|| now_ms() - t0);
        buf.push(content, reasoning, emit);
    }
    buf.flush(emit);
    let bytes_in = (sim.reply.content.len() + sim.reply.reasoning.as_deref().map_or(0, str::len)) as u64;
    let timing =
        Timing { latency_ms: now_ms() - t0, ttfb_ms: ttfb, bytes_out: probe.prompt.len() as u64, bytes_in };
    let outcome = Outcome::Reply { reply: sim.reply, cut_short: None };
    let text = judged_text(&outcome).map(str::to_string);
    emit(RunEvent::Finished { cell, outcome, timing, at_ms: now_ms() });
    text
}

/// Whether the app itself was loaded over HTTPS (local servers then need the browser's
/// permission to be reached).
fn page_is_https() -> bool {
    web_sys::window().and_then(|w| w.location().protocol().ok()).is_some_and(|p| p == "https:")
}

/// A failed request explained: what happened, and the likely causes for this provider.
fn explain(err: &NetError, config: &ProviderConfig) -> String {
    match err {
        NetError::Failed(_) => {
            let causes = advice::failed_fetch(config.preset, &config.base_url, page_is_https());
            let list: Vec<String> =
                causes.iter().enumerate().map(|(i, c)| format!("({}) {c}", i + 1)).collect();
            format!("{err}. Likely causes: {}", list.join(" "))
        }
        other => other.to_string(),
    }
}

/// Sends one probe; returns the reply's text for the judge, when there is one.
async fn ask(
    cell: CellId,
    probe: &Probe,
    config: &ProviderConfig,
    handle: &RunHandle,
    emit: &Emit,
    ledger: &LedgerSink,
) -> Option<String> {
    let params = ChatParams {
        model: config.model.clone(),
        prompt: probe.prompt.clone(),
        stream: true,
        max_tokens: None,
        temperature: None,
    };
    let req = openai::chat_request(&config.endpoint(), &params);
    let Ok(controller) = AbortController::new() else {
        emit(RunEvent::Finished {
            cell,
            outcome: Outcome::Transport("this browser cannot make cancellable requests".into()),
            timing: Timing::default(),
            at_ms: now_ms(),
        });
        return None;
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
    let outcome = match result {
        Err(NetError::Aborted) if !timed_out.get() => {
            emit(RunEvent::Aborted { cell });
            return None;
        }
        Err(NetError::Aborted) => Outcome::Transport(format!(
            "no complete reply within {} s; the server may be overloaded",
            REQUEST_TIMEOUT_MS / 1000
        )),
        Err(NetError::Body(why)) if streaming.get() => match decoder.into_inner().finish() {
            Ok(reply) => Outcome::Reply { reply, cut_short: Some(why) },
            Err(DialectError::Truncated) => {
                Outcome::Transport(format!("the stream broke off before any text: {why}"))
            }
            Err(e) => Outcome::Dialect(e),
        },
        Err(e) => Outcome::Transport(explain(&e, config)),
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
        ledger(LedgerEvent::Served {
            id: ledger_id,
            model: reply.model.clone(),
            upstream: reply.upstream_provider.clone(),
            usage: reply.usage.clone(),
        });
    }
    let text = judged_text(&outcome).map(str::to_string);
    emit(RunEvent::Finished { cell, outcome, timing, at_ms: now_ms() });
    text
}

/// The models a provider's server offers (`GET /models`).
pub async fn fetch_models(config: &ProviderConfig, ledger: &LedgerSink) -> Result<Vec<String>, String> {
    if config.is_simulated() {
        return Ok(demo::DEMO_MODELS.iter().map(|m| m.to_string()).collect());
    }
    let req = openai::models_request(&config.endpoint());
    let raw = RefCell::new(Vec::new());
    let purpose = Purpose::new(PurposeKind::ModelList, &config.id, &config.name, "model list");
    let (_, head) =
        send(&req, purpose, ledger, None, |_| {}, |chunk| raw.borrow_mut().extend_from_slice(chunk)).await;
    let head = head.map_err(|e| explain(&e, config))?;
    let resp = HttpResponse {
        status: head.status,
        headers: head.headers,
        body: String::from_utf8_lossy(&raw.borrow()).into_owned(),
    };
    openai::parse_models(&resp).map_err(|e| e.to_string())
}

/// Fetches one of the site's own files (a path relative to the page), recorded in the
/// ledger as Candor's own request.
async fn fetch_own(path: &str, what: &str, ledger: &LedgerSink) -> Result<Vec<u8>, String> {
    // Resolve against the page's base URL so the ledger shows where it really came from,
    // and so the site works under any sub-path.
    let base = web_sys::window().and_then(|w| w.document()).and_then(|d| d.base_uri().ok().flatten());
    let url = match base {
        Some(b) => format!("{}{path}", &b[..b.rfind('/').map_or(b.len(), |i| i + 1)]),
        None => path.to_string(),
    };
    let req = crate::core::http::HttpRequest { method: "GET".into(), url, headers: Vec::new(), body: None };
    let purpose = Purpose::own_file(what);
    let bytes = RefCell::new(Vec::new());
    let (_, head) =
        send(&req, purpose, ledger, None, |_| {}, |chunk| bytes.borrow_mut().extend_from_slice(chunk)).await;
    let head = head.map_err(|e| e.to_string())?;
    if head.status != 200 {
        return Err(format!("HTTP {} for {path}", head.status));
    }
    Ok(bytes.into_inner())
}

/// Fetches one of the site's own text files.
pub async fn fetch_asset(path: &str, what: &str, ledger: &LedgerSink) -> Result<String, String> {
    let bytes = fetch_own(path, what, ledger).await?;
    String::from_utf8(bytes).map_err(|_| format!("{path} is not UTF-8 text"))
}

/// Fetches the classifier's text model from the site itself and installs it.
pub async fn load_classifier(ledger: &LedgerSink) -> Result<(), String> {
    let bytes = fetch_own("model/verdict-v1.bin", "classifier model", ledger).await?;
    crate::core::classifier::install_model(&bytes).map_err(|e| e.to_string())
}
