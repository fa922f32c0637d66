//! What the runner tells a run ([`RunEvent`]), and the figures the run bar shows back.

use crate::core::judge::JudgeOutcome;
use crate::core::run::{CellId, Timing};
use crate::core::verdict::{Outcome, Verdict};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Something that happened to a cell or the run.
// Events are moved once, from the network layer into the run; boxing would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(from = "crate::core::engine::RunWire", into = "crate::core::engine::RunWire")]
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
    /// The request finished, judged where it arrived (see [`Judging`](super::Judging)).
    Finished {
        /// The cell.
        cell: CellId,
        /// What came back.
        outcome: Outcome,
        /// Candor's verdict on it.
        verdict: Verdict,
        /// Timings.
        timing: Timing,
        /// When it finished.
        at_ms: f64,
    },
    /// A finished reply judged again: its control question's answer came in after it.
    Rejudged {
        /// The cell.
        cell: CellId,
        /// The new verdict.
        verdict: Verdict,
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
    /// A try failed in a way worth retrying: the cell goes back to pending and is sent again
    /// from `until_ms`.
    Waiting {
        /// The cell.
        cell: CellId,
        /// When the next try may start.
        until_ms: f64,
        /// Why it waits.
        reason: WaitReason,
        /// Tries made so far.
        tries: u32,
    },
    /// The user cancelled the run.
    Cancelled {
        /// When.
        at_ms: f64,
    },
}

/// A cell waiting for another try, as the run bar tells it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Wait {
    /// When the next try may start.
    pub until_ms: f64,
    /// Why it waits.
    pub reason: WaitReason,
    /// Tries made so far.
    pub tries: u32,
}

impl Wait {
    /// What the run bar says at `now_ms`, e.g. `waiting 12 s (rate limited)`.
    pub fn text(&self, now_ms: f64) -> String {
        let secs = ((self.until_ms - now_ms) / 1000.0).ceil().max(0.0) as u64;
        format!("waiting {secs} s ({})", self.reason)
    }
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
    /// The longest wait for a retry still to run out, if any cell is waiting.
    pub waiting: Option<Wait>,
}

/// Why a request is waiting for another try; the run bar names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum WaitReason {
    /// HTTP 429.
    RateLimited,
    /// HTTP 503.
    Unavailable,
    /// No response before the first byte.
    NoResponse,
}

impl fmt::Display for WaitReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            WaitReason::RateLimited => "rate limited",
            WaitReason::Unavailable => "server busy",
            WaitReason::NoResponse => "no response",
        })
    }
}
