//! One cell of a run's grid: its address, its state, and what a finished one holds.

use serde::{Deserialize, Serialize};

use crate::core::dialect::Reply;
use crate::core::judge::{judged_text, JudgeOutcome};
use crate::core::verdict::{Label, Outcome, Verdict};

/// Timings and sizes of one request.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Timing {
    /// From send to the end of the body (its last token), measured at the fetch.
    pub latency_ms: f64,
    /// From send to the response headers.
    pub ttfb_ms: Option<f64>,
    /// From send to the first piece of the body (the first token of a streamed reply),
    /// measured at the fetch: the app's own work on the reply is not in it. Reports written
    /// before it was kept have none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_token_ms: Option<f64>,
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
    /// The verdict a person set by hand, kept beside `verdict` (which stays as the
    /// classifier gave it). Cells saved before it existed have none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manual: Option<Label>,
}

impl CellResult {
    /// The verdict that counts: the one set by hand when there is one, else the automatic.
    pub fn label(&self) -> Label {
        self.manual.unwrap_or(self.verdict.label)
    }

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

/// Addresses one cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CellId {
    /// Index into [`Run::probes`](super::Run::probes).
    pub probe: usize,
    /// Index into [`Run::providers`](super::Run::providers).
    pub provider: usize,
    /// Which of the run's samples of the probe, from 0 (absent in files when 0, as in
    /// everything written before runs had samples).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub sample: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}
