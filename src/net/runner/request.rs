//! One request of a run: a probe sent once (or a simulated reply played), or a reply sent to
//! the judge, each reported back as how it ended.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use gloo_timers::callback::Timeout;
use gloo_timers::future::TimeoutFuture;
use web_sys::AbortController;

use super::{Emit, RunHandle};
use crate::core::demo;
use crate::core::dialect::{probe_label, ChatParams};
use crate::core::error::FetchError;
use crate::core::http::HttpResponse;
use crate::core::judge::{self, JudgeError, JudgeOutcome};
use crate::core::ledger::{LedgerEvent, Purpose, PurposeKind};
use crate::core::pack::Probe;
use crate::core::provider::ProviderConfig;
use crate::core::run::{CellId, Exchange, RunEvent, Timing};
use crate::core::schedule::{Failure, Job};
use crate::core::verdict::Outcome;
use crate::net::fetch::{send, LedgerSink, NetError};
use crate::net::now_ms;

/// How long one request may take before it is abandoned. Reasoning models can think for
/// minutes, so this is generous.
const REQUEST_TIMEOUT_MS: u32 = 300_000;

/// Streamed text is passed on at most this often per request, so a fast stream does not
/// re-render the matrix for every token.
const DELTA_INTERVAL_MS: f64 = 120.0;

/// How one try at a probe ended.
pub(super) struct Attempt {
    /// What came back; `None` when a cancel aborted it.
    pub(super) outcome: Option<Outcome>,
    /// Why it failed, as far as retrying goes; `None` for a reply.
    pub(super) failure: Option<Failure>,
    pub(super) timing: Timing,
}

impl Attempt {
    fn aborted() -> Attempt {
        Attempt { outcome: None, failure: None, timing: Timing::default() }
    }
}

/// Asks the judge to rate `reply`; `None` when a cancel aborted the request.
pub(super) async fn judge_reply(
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
    let req = judge::request(config.dialect, &config.endpoint(), &config.model, &probe.prompt, reply);
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
            let parsed = config.dialect.parse_chat_response(&resp);
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
pub(super) async fn simulate(
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
    let timing = Timing {
        latency_ms: now_ms() - t0,
        ttfb_ms: ttfb,
        first_token_ms: ttfb,
        bytes_out: probe.prompt.len() as u64,
        bytes_in,
    };
    Attempt { outcome: Some(Outcome::Reply { reply: sim.reply, cut_short: None }), failure: None, timing }
}

/// Sends one probe once.
pub(super) async fn ask(
    job: Job,
    probe: &Probe,
    config: &ProviderConfig,
    handle: &RunHandle,
    emit: &Emit,
    ledger: &LedgerSink,
) -> Attempt {
    let cell = job.cell;
    let params = ChatParams::probe(&config.model, &probe.prompt, None).with_settings(&config.settings);
    let dialect = config.dialect;
    let req = dialect.chat_request(&config.endpoint(), &params);
    let Ok(controller) = AbortController::new() else {
        let outcome = Outcome::Transport(FetchError::NoAbort.to_string());
        return Attempt { outcome: Some(outcome), failure: Some(Failure::Final), timing: Timing::default() };
    };
    handle.in_flight.borrow_mut().push(controller.clone());
    let timed_out = Rc::new(Cell::new(false));
    // Cleared when the request ends: a pending timer would keep the request's controller,
    // and through its signal the finished fetch, alive for the whole timeout.
    let timer = {
        let (controller, timed_out) = (controller.clone(), timed_out.clone());
        Timeout::new(REQUEST_TIMEOUT_MS, move || {
            if !controller.signal().aborted() {
                timed_out.set(true);
                controller.abort();
            }
        })
    };

    let t0 = now_ms();
    emit(RunEvent::Started { cell, at_ms: t0 });
    let ttfb = Cell::new(None);
    let bytes_in = Cell::new(0u64);
    let exchange = RefCell::new(Exchange::new(dialect));
    let buf = RefCell::new(DeltaBuffer::new(cell));
    let signal = controller.signal();
    // Each try is its own ledger entry; a retry says which try it is.
    let what = probe_label(&probe.id, job.cell.sample, job.attempt);
    let purpose = Purpose::new(PurposeKind::Probe, &config.id, &config.name, what).for_model(&config.model);
    let (ledger_id, result) = send(
        &req,
        purpose,
        ledger,
        Some(&signal),
        |head| {
            ttfb.set(Some(now_ms() - t0));
            exchange.borrow_mut().head(head.status, head.headers.clone());
        },
        |chunk| {
            bytes_in.set(bytes_in.get() + chunk.len() as u64);
            for d in exchange.borrow_mut().chunk(chunk) {
                buf.borrow_mut().push(&d.content, &d.reasoning, emit);
            }
        },
    )
    .await;
    timer.cancel();
    handle.in_flight.borrow_mut().retain(|c| c != &controller);
    buf.borrow_mut().flush(emit);

    // The body's times as the fetch measured them, when there was a body.
    let body_ms = result.as_ref().ok().and_then(|h| h.body_ms);
    let timing = Timing {
        latency_ms: body_ms.map_or_else(|| now_ms() - t0, |(_, last)| last),
        ttfb_ms: ttfb.get(),
        first_token_ms: body_ms.map(|(first, _)| first),
        bytes_out: req.body.as_deref().map_or(0, |b| b.len() as u64),
        bytes_in: bytes_in.get(),
    };
    let exchange = exchange.into_inner();
    let (outcome, mut failure) = match result {
        Err(NetError::Aborted) if !timed_out.get() => return Attempt::aborted(),
        Err(NetError::Aborted) => (
            Outcome::Transport(FetchError::TimedOut { secs: REQUEST_TIMEOUT_MS / 1000 }.to_string()),
            Some(Failure::Final),
        ),
        Err(NetError::Body(why)) => match exchange.broke_off(&why) {
            Some(outcome) => (outcome, Some(Failure::Final)),
            None => (
                Outcome::Transport(NetError::Body(why).for_user(Some(config)).to_string()),
                Some(Failure::Final),
            ),
        },
        Err(e) => {
            // Nothing arrived: the one failure before the first byte that is worth another try.
            let failure =
                matches!(e, NetError::Failed(_)).then(Failure::no_response).unwrap_or(Failure::Final);
            (Outcome::Transport(e.for_user(Some(config)).to_string()), Some(failure))
        }
        Ok(_) => exchange.finish(now_ms()),
    };
    let mut outcome = outcome;
    if let Outcome::Dialect(e) = &mut outcome {
        config.settings.explain(e);
    }
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
