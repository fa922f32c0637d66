//! The run bar's words: how far the run is, what went wrong, how long is left, worked out
//! here so the view only draws them.

use super::i18n::{tf, tr, Msg};
use super::run::{Progress, Run, RunStatus, Wait, WaitReason};

/// What the run bar shows for a run.
#[derive(Clone, Debug, PartialEq)]
pub struct RunLine {
    /// The figures the words are made from (done, total…), for the progress bar.
    pub progress: Progress,
    /// "12 / 40 done".
    pub done: String,
    /// " · 4 in flight", when requests are out.
    pub in_flight: Option<String>,
    /// " · 1 error", " · 2 errors", when there are any (drawn as an error).
    pub errors: Option<String>,
    /// " · waiting 12 s (rate limited)", while a provider is held back before a retry.
    pub waiting: Option<String>,
    /// " · about 1 min 5 s left", " · cancelled; …", " · finished in 42 s".
    pub tail: String,
    /// Whether a Resume button is offered: stopped with cells still missing.
    pub resumable: bool,
    /// The status as a word for tests and styles ("running", "cancelled", "finished").
    pub status: &'static str,
}

/// The run bar's line for `run` at `now_ms`.
pub fn run_line(run: &Run, now_ms: f64) -> RunLine {
    let p: Progress = run.progress(now_ms);
    let took = run.ended_ms.map(|e| e - run.started_ms);
    let tail = match (run.status, p.eta_ms, took) {
        (RunStatus::Running, Some(eta), _) => tf(Msg::TimeLeft, &[("time", &duration(eta))]),
        (RunStatus::Running, None, _) => tr(Msg::Estimating).to_string(),
        (RunStatus::Cancelled, _, _) => tr(Msg::Cancelled).to_string(),
        (RunStatus::Finished, _, Some(took)) => tf(Msg::FinishedIn, &[("time", &duration(took))]),
        (RunStatus::Finished, _, None) => tr(Msg::Finished).to_string(),
    };
    RunLine {
        done: tf(
            if run.samples() > 1 { Msg::DoneSamples } else { Msg::Done },
            &[("done", &p.done), ("total", &p.total)],
        ),
        in_flight: (p.running > 0).then(|| tf(Msg::InFlight, &[("n", &p.running)])),
        waiting: p.waiting.as_ref().map(|w| waiting(w, now_ms)),
        errors: (p.errors > 0).then(|| match p.errors {
            1 => tr(Msg::OneError).to_string(),
            n => tf(Msg::Errors, &[("n", &n)]),
        }),
        tail,
        resumable: run.status == RunStatus::Cancelled && p.done < p.total,
        progress: p,
        status: match run.status {
            RunStatus::Running => "running",
            RunStatus::Cancelled => "cancelled",
            RunStatus::Finished => "finished",
        },
    }
}

/// " · waiting 12 s (rate limited)": the wait for a retry at `now_ms`.
fn waiting(w: &Wait, now_ms: f64) -> String {
    let secs = ((w.until_ms - now_ms) / 1000.0).ceil().max(0.0) as u64;
    let why = tr(match w.reason {
        WaitReason::RateLimited => Msg::RateLimited,
        WaitReason::Unavailable => Msg::ServerBusy,
        WaitReason::NoResponse => Msg::NoResponse,
    });
    tf(Msg::Waiting, &[("s", &secs), ("why", &why)])
}

/// A duration in whole seconds, with minutes past a minute: "42 s", "1 min 5 s".
pub fn duration(ms: f64) -> String {
    let s = (ms.max(0.0) / 1000.0).round() as u64;
    if s >= 60 {
        tf(Msg::MinutesSeconds, &[("m", &(s / 60)), ("s", &(s % 60))])
    } else {
        tf(Msg::Seconds, &[("s", &s)])
    }
}
