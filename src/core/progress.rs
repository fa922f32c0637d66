//! The run bar's words: how far the run is, what went wrong, how long is left, worked out
//! here so the view only draws them.

use super::run::{Progress, Run, RunStatus};

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
        (RunStatus::Running, Some(eta), _) => format!(" · about {} left", duration(eta)),
        (RunStatus::Running, None, _) => " · estimating time left…".to_string(),
        (RunStatus::Cancelled, _, _) => " · cancelled; finished replies are kept".to_string(),
        (RunStatus::Finished, _, Some(t)) => format!(" · finished in {}", duration(t)),
        (RunStatus::Finished, _, None) => " · finished".to_string(),
    };
    RunLine {
        done: format!("{} / {} {}done", p.done, p.total, if run.samples() > 1 { "samples " } else { "" }),
        in_flight: (p.running > 0).then(|| format!(" · {} in flight", p.running)),
        waiting: p.waiting.as_ref().map(|w| format!(" · {}", w.text(now_ms))),
        errors: (p.errors > 0)
            .then(|| format!(" · {} error{}", p.errors, if p.errors == 1 { "" } else { "s" })),
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

/// A duration in whole seconds, with minutes past a minute: "42 s", "1 min 5 s".
pub fn duration(ms: f64) -> String {
    let s = (ms.max(0.0) / 1000.0).round() as u64;
    if s >= 60 {
        format!("{} min {} s", s / 60, s % 60)
    } else {
        format!("{s} s")
    }
}
