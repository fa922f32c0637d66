//! What the page and the run engine tell each other.
//!
//! Runs are sent from a second WebAssembly module, the engine (`src/bin/candor-engine.rs`,
//! a web worker): it holds the wire dialects, the scheduler and the fetch loop, so none of
//! that is part of the page's first load, and decoding streams never holds up the page. The
//! engine also judges each reply as it arrives ([`Judging`](crate::core::run::Judging), the
//! one verdict path `candor run` uses too), so the classifier is not part of the page's
//! first load either; the page keeps the run's state ([`Run::apply`]) and is told what
//! happened, as [`Note`]s.
//!
//! Both sides speak JSON text: the page posts one [`ToEngine`], the engine posts a list of
//! [`Note`]s gathered over a few milliseconds. API keys travel to the engine inside the
//! browser (page to worker, never over the network except to the provider they belong to)
//! and never come back: no note carries one.

use serde::{Deserialize, Serialize};

use crate::core::dialect::Usage;
use crate::core::judge::JudgeOutcome;
use crate::core::ledger::{LedgerEntry, LedgerEvent};
use crate::core::pack::Probe;
use crate::core::provider::ProviderConfig;
use crate::core::run::{Cell, CellId, Run, RunEvent, RunProvider, Settled, Timing, WaitReason};
use crate::core::verdict::{Outcome, Verdict};

/// What a run still has to do, as the engine needs it: no replies, except those still to be
/// rated by the judge.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// Providers, in column order, as the run started with them.
    pub providers: Vec<RunProvider>,
    /// The judge, when the run has one.
    pub judge: Option<RunProvider>,
    /// Probes, in matrix order.
    pub probes: Vec<Probe>,
    /// The pending cells of each column, in probe order.
    pub pending: Vec<Vec<CellId>>,
    /// Finished replies the judge has still to rate, with the text it rates.
    pub to_judge: Vec<(CellId, String)>,
    /// What the finished cells tell the verdicts on the rest (answers to control questions).
    pub settled: Settled,
}

impl Plan {
    /// What `run` still has to do.
    pub fn of(run: &Run) -> Plan {
        let to_judge = run
            .awaiting_judge()
            .into_iter()
            .filter_map(|cell| match run.cell(cell) {
                Some(Cell::Done(r)) => {
                    crate::core::judge::judged_text(&r.outcome).map(|t| (cell, t.to_string()))
                }
                _ => None,
            })
            .collect();
        Plan {
            providers: run.providers.clone(),
            judge: run.judge.clone(),
            probes: run.probes.iter().map(|p| (**p).clone()).collect(),
            pending: (0..run.providers.len()).map(|col| run.pending_for(col)).collect(),
            to_judge,
            settled: Settled::of(run),
        }
    }
}

/// A provider's live settings with its key (which [`ProviderConfig`]'s own serialization
/// leaves out).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Keyed {
    /// The settings.
    pub provider: ProviderConfig,
    /// The API key, if one is set.
    pub api_key: Option<String>,
}

impl Keyed {
    /// The settings, key included, as the request code takes them.
    pub fn into_config(self) -> ProviderConfig {
        ProviderConfig { api_key: self.api_key, ..self.provider }
    }
}

impl From<&ProviderConfig> for Keyed {
    fn from(p: &ProviderConfig) -> Keyed {
        Keyed { provider: ProviderConfig { api_key: None, ..p.clone() }, api_key: p.api_key.clone() }
    }
}

/// What the page asks of the engine.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ToEngine {
    /// Send what `plan` still has to do, with the live settings (matched to the run's
    /// providers and judge by id). `run` is the page's number for it.
    Start {
        /// The page's number for this run.
        run: u32,
        /// What to send.
        plan: Plan,
        /// Live settings, with keys.
        providers: Vec<Keyed>,
    },
    /// Stop run `run`: nothing new starts, requests in flight are aborted.
    Cancel {
        /// The page's number for the run.
        run: u32,
    },
    /// List the models `provider` offers; the answer is a [`Note::Models`] with `id`.
    Models {
        /// The page's number for this question.
        id: u32,
        /// The provider asked.
        provider: Keyed,
    },
}

/// What the engine tells the page.
// Notes are moved once, from the worker's message into the page's state.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Note {
    /// Something happened to run `run`.
    Run {
        /// The page's number for the run.
        run: u32,
        /// What happened.
        event: RunEvent,
    },
    /// Something happened to a request (every request the engine makes is in the ledger).
    Ledger(LedgerEvent),
    /// Something the user should know that belongs to no run or request, in words (the
    /// classifier's files could not be read).
    Trouble(String),
    /// The models a provider offers, or why they could not be listed.
    Models {
        /// The question's number.
        id: u32,
        /// The model ids, or the reason, in words.
        result: Result<Vec<String>, String>,
    },
}

/// A [`RunEvent`] as the engine posts it. Tuple variants: serde's decoder for a variant with
/// named fields also reads them as a map, which costs several times the code, and every
/// decoder is part of the page's first load.
#[doc(hidden)]
#[allow(clippy::large_enum_variant)]
#[derive(Serialize, Deserialize)]
pub enum RunWire {
    Started(CellId, f64),
    Delta(CellId, String, String),
    Finished(CellId, Outcome, Verdict, Timing, f64),
    Rejudged(CellId, Verdict),
    Judged(CellId, JudgeOutcome, f64),
    Aborted(CellId),
    Waiting(CellId, f64, WaitReason, u32),
    Cancelled(f64),
}

impl From<RunWire> for RunEvent {
    fn from(w: RunWire) -> RunEvent {
        match w {
            RunWire::Started(cell, at_ms) => RunEvent::Started { cell, at_ms },
            RunWire::Delta(cell, content, reasoning) => RunEvent::Delta { cell, content, reasoning },
            RunWire::Finished(cell, outcome, verdict, timing, at_ms) => {
                RunEvent::Finished { cell, outcome, verdict, timing, at_ms }
            }
            RunWire::Rejudged(cell, verdict) => RunEvent::Rejudged { cell, verdict },
            RunWire::Judged(cell, outcome, at_ms) => RunEvent::Judged { cell, outcome, at_ms },
            RunWire::Aborted(cell) => RunEvent::Aborted { cell },
            RunWire::Waiting(cell, until_ms, reason, tries) => {
                RunEvent::Waiting { cell, until_ms, reason, tries }
            }
            RunWire::Cancelled(at_ms) => RunEvent::Cancelled { at_ms },
        }
    }
}

impl From<RunEvent> for RunWire {
    fn from(e: RunEvent) -> RunWire {
        match e {
            RunEvent::Started { cell, at_ms } => RunWire::Started(cell, at_ms),
            RunEvent::Delta { cell, content, reasoning } => RunWire::Delta(cell, content, reasoning),
            RunEvent::Finished { cell, outcome, verdict, timing, at_ms } => {
                RunWire::Finished(cell, outcome, verdict, timing, at_ms)
            }
            RunEvent::Rejudged { cell, verdict } => RunWire::Rejudged(cell, verdict),
            RunEvent::Judged { cell, outcome, at_ms } => RunWire::Judged(cell, outcome, at_ms),
            RunEvent::Aborted { cell } => RunWire::Aborted(cell),
            RunEvent::Waiting { cell, until_ms, reason, tries } => {
                RunWire::Waiting(cell, until_ms, reason, tries)
            }
            RunEvent::Cancelled { at_ms } => RunWire::Cancelled(at_ms),
        }
    }
}

/// A [`LedgerEvent`] as the engine posts it (tuple variants, as [`RunWire`]).
#[doc(hidden)]
#[derive(Serialize, Deserialize)]
pub enum LedgerWire {
    Sent(Box<LedgerEntry>),
    Head(u64, u16, Vec<(String, String)>, f64),
    Body(u64, f64, f64),
    Done(u64, u64, f64, Option<String>),
    Served(u64, Option<String>, Option<String>, Option<Usage>),
}

impl From<LedgerWire> for LedgerEvent {
    fn from(w: LedgerWire) -> LedgerEvent {
        match w {
            LedgerWire::Sent(entry) => LedgerEvent::Sent(entry),
            LedgerWire::Head(id, status, headers, ttfb_ms) => {
                LedgerEvent::Head { id, status, headers, ttfb_ms }
            }
            LedgerWire::Body(id, first_token_ms, last_token_ms) => {
                LedgerEvent::Body { id, first_token_ms, last_token_ms }
            }
            LedgerWire::Done(id, bytes_in, latency_ms, error) => {
                LedgerEvent::Done { id, bytes_in, latency_ms, error }
            }
            LedgerWire::Served(id, model, upstream, usage) => {
                LedgerEvent::Served { id, model, upstream, usage }
            }
        }
    }
}

impl From<LedgerEvent> for LedgerWire {
    fn from(e: LedgerEvent) -> LedgerWire {
        match e {
            LedgerEvent::Sent(entry) => LedgerWire::Sent(entry),
            LedgerEvent::Head { id, status, headers, ttfb_ms } => {
                LedgerWire::Head(id, status, headers, ttfb_ms)
            }
            LedgerEvent::Body { id, first_token_ms, last_token_ms } => {
                LedgerWire::Body(id, first_token_ms, last_token_ms)
            }
            LedgerEvent::Done { id, bytes_in, latency_ms, error } => {
                LedgerWire::Done(id, bytes_in, latency_ms, error)
            }
            LedgerEvent::Served { id, model, upstream, usage } => {
                LedgerWire::Served(id, model, upstream, usage)
            }
        }
    }
}

/// Ledger ids the engine gives its requests start here, so they never meet the ids the page
/// gives its own (the site's data files).
pub const FIRST_ENGINE_LEDGER_ID: u64 = 1 << 32;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::pack::Pack;
    use crate::core::provider::ProviderConfig;

    #[test]
    fn a_plan_survives_the_trip_to_the_engine_and_keys_travel_only_beside_settings() {
        let pack = Pack::builtin();
        let mut demo = ProviderConfig::demo();
        demo.api_key = Some("sk-secret".into());
        let probes: Vec<Probe> = pack.probes.iter().take(3).cloned().collect();
        let run = Run::new("r".into(), &pack, probes, vec![RunProvider::from(&demo)], 0.0);
        let msg = ToEngine::Start { run: 7, plan: Plan::of(&run), providers: vec![Keyed::from(&demo)] };
        let text = serde_json::to_string(&msg).unwrap();
        let back: ToEngine = serde_json::from_str(&text).unwrap();
        assert_eq!(back, msg);
        let ToEngine::Start { plan, providers, .. } = back else { unreachable!() };
        assert_eq!(
            plan.pending,
            vec![(0..3).map(|probe| CellId { probe, provider: 0, sample: 0 }).collect::<Vec<_>>()]
        );
        assert_eq!(providers[0].clone().into_config().api_key.as_deref(), Some("sk-secret"));
        // The settings themselves never carry the key; only the `api_key` field beside them does.
        assert_eq!(text.matches("sk-secret").count(), 1);
    }

    #[test]
    fn notes_carry_run_events_and_ledger_events_unchanged() {
        let notes = vec![
            Note::Run {
                run: 1,
                event: RunEvent::Finished {
                    cell: CellId { probe: 2, provider: 1, sample: 0 },
                    outcome: Outcome::Transport("the server is down".into()),
                    verdict: crate::core::verdict::classify(&Outcome::Transport("down".into()), None),
                    timing: Default::default(),
                    at_ms: 12.5,
                },
            },
            Note::Ledger(LedgerEvent::Done { id: 3, bytes_in: 10, latency_ms: 4.0, error: None }),
            Note::Models { id: 4, result: Err("401".into()) },
        ];
        let back: Vec<Note> = serde_json::from_str(&serde_json::to_string(&notes).unwrap()).unwrap();
        assert_eq!(back, notes);
    }
}
