//! The run scheduler: which request to send next, and what to do when one ends.
//!
//! A [`Scheduler`] is a pure state machine with no clock, timer or network of its own. The
//! runner in `net` asks it for [`Job`]s with the current time, performs them, and [`reports`]
//! how each ended; the scheduler answers whether the cell is settled or when to try again.
//! Each provider column has its own queue of pending cells, in pack order, sent at most
//! `concurrency` at a time, so a slow provider never holds up another; the judge has a queue
//! of its own, fed by the replies as they arrive. Queues whose requests go to the same
//! plain-HTTP host share the browser's six connections to it
//! ([`HTTP1_CONNECTIONS`]): they take one request in
//! turn while one is free, so a request counted in flight is one on the wire, not one waiting
//! in the browser, and its latency is the server's.
//!
//! A rate limit (429), a busy server (503) or no response at all is tried again, up to the
//! [`RetryPolicy`]'s tries, after the server's `Retry-After` or a doubling wait with jitter;
//! the whole provider holds off meanwhile. A provider that fails again and again is paused,
//! then sent one request at a time with no retries until it answers.
//!
//! [`reports`]: Scheduler::report

mod retry;

use std::collections::VecDeque;

use crate::core::engine::Plan;
use crate::core::provider::{plain_http_host, HTTP1_CONNECTIONS};
pub use crate::core::run::WaitReason;
use crate::core::run::{CellId, Run, RunProvider};
use retry::{decide, Jitter, Verdict};
pub use retry::{retry_after_ms, Failure, RetryPolicy};

/// Which queue a job comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lane {
    /// A provider column of the run: its probes.
    Column(usize),
    /// The run's judge: its ratings of replies.
    Judge,
}

/// One request to send now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Job {
    /// The queue it comes from.
    pub lane: Lane,
    /// The cell it is for.
    pub cell: CellId,
    /// Which try this is, from 1.
    pub attempt: u32,
}

/// How a job ended, as the runner saw it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Report {
    /// An answer came back (for a probe: `to_judge` when the judge should rate it).
    Replied {
        /// Whether the reply goes to the judge.
        to_judge: bool,
    },
    /// The request failed.
    Failed(Failure),
    /// The request was aborted by a cancel.
    Aborted,
}

/// What the runner does after a report.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Next {
    /// The cell is settled: show what came back (after `tries` tries).
    Settle {
        /// Tries made for the cell.
        tries: u32,
    },
    /// Show the cell as waiting; the scheduler sends it again from `at_ms`.
    Retry {
        /// When the next try may start (ms, the clock the runner passes in).
        at_ms: f64,
        /// Why it waits.
        reason: WaitReason,
        /// Tries made so far.
        tries: u32,
    },
}

/// One queue: a provider column's probes, or the judge's ratings.
#[derive(Clone, Debug, Default)]
struct Queue {
    concurrency: usize,
    pending: VecDeque<CellId>,
    /// Cells waiting for another try, with the time it may start.
    waiting: Vec<(f64, CellId)>,
    in_flight: Vec<Job>,
    /// Tries made, by cell (a list: a queue holds a few hundred cells at most).
    tries: Vec<(CellId, u32)>,
    /// Retryable failures in a row.
    streak: u32,
    /// No new request before this time (a server's `Retry-After`, or a pause).
    hold_until: f64,
    /// Paused after failing again and again: after a pause, one request at a time and no
    /// retries, until one succeeds.
    paused: bool,
    /// How hard this queue tries: the run's policy with the provider's own limits.
    policy: RetryPolicy,
    removed: bool,
}

impl Queue {
    fn new(concurrency: u32, pending: impl IntoIterator<Item = CellId>, policy: RetryPolicy) -> Queue {
        Queue {
            concurrency: concurrency.max(1) as usize,
            pending: pending.into_iter().collect(),
            policy,
            ..Queue::default()
        }
    }

    fn has_work(&self) -> bool {
        !self.removed && (!self.pending.is_empty() || !self.waiting.is_empty())
    }

    /// Takes up to `most` jobs that may start at `now_ms` into `out`.
    fn take(&mut self, lane: Lane, now_ms: f64, most: usize, out: &mut Vec<Job>) {
        if self.removed || now_ms < self.hold_until {
            return;
        }
        let limit = if self.paused { 1 } else { self.concurrency };
        let mut taken = 0;
        while self.in_flight.len() < limit && taken < most {
            taken += 1;
            // Retries that are due go first: they have waited already.
            let due = (0..self.waiting.len())
                .filter(|&i| self.waiting[i].0 <= now_ms)
                .min_by(|&a, &b| self.waiting[a].0.total_cmp(&self.waiting[b].0));
            let cell = match due {
                Some(i) => self.waiting.swap_remove(i).1,
                None => match self.pending.pop_front() {
                    Some(c) => c,
                    None => break,
                },
            };
            let attempt = match self.tries.iter_mut().find(|(c, _)| *c == cell) {
                Some((_, n)) => {
                    *n += 1;
                    *n
                }
                None => {
                    self.tries.push((cell, 1));
                    1
                }
            };
            let job = Job { lane, cell, attempt };
            self.in_flight.push(job);
            out.push(job);
        }
    }
}

/// Decides the order and pace of a run's requests; see the module docs.
#[derive(Clone, Debug)]
pub struct Scheduler {
    /// One queue per provider column, then the judge's when the run has one.
    queues: Vec<Queue>,
    columns: usize,
    jitter: Jitter,
    cancelled: bool,
    /// For each queue, the plain-HTTP host its requests share with other queues' (an index
    /// into the run's hosts), or `None`.
    hosts: Vec<Option<usize>>,
    /// Which of the queues sharing a host goes first at the next call of `next`.
    turn: usize,
}

impl Scheduler {
    /// A scheduler for what `run` still has to do: its pending cells, per column at the
    /// column's concurrency, and (with a judge) the replies still to rate. `seed` drives the
    /// jitter of retry waits. Every queue tries as hard as `policy` says.
    pub fn new(run: &Run, policy: RetryPolicy, seed: u64) -> Scheduler {
        Scheduler::build(run, |_| policy, seed)
    }

    /// A scheduler whose queues each try as hard as their provider's settings say (its
    /// tries and longest wait), with `base`'s backoff and pauses.
    pub fn with_provider_limits(run: &Run, base: RetryPolicy, seed: u64) -> Scheduler {
        Scheduler::build(run, |p| base.with_limits(p.retry.0, p.retry.1), seed)
    }

    /// A scheduler for what `plan` still has to do, like [`Scheduler::with_provider_limits`]
    /// (the engine builds its scheduler from the plan the page sends it).
    pub fn for_plan(plan: &Plan, base: RetryPolicy, seed: u64) -> Scheduler {
        let pending = |col: usize| plan.pending.get(col).cloned().unwrap_or_default();
        let awaiting = plan.to_judge.iter().map(|(cell, _)| *cell).collect();
        let policy = |p: &RunProvider| base.with_limits(p.retry.0, p.retry.1);
        Scheduler::from_parts(&plan.providers, plan.judge.as_ref(), pending, awaiting, policy, seed)
    }

    fn build(run: &Run, policy: impl Fn(&RunProvider) -> RetryPolicy, seed: u64) -> Scheduler {
        let pending = |col: usize| run.pending_for(col);
        Scheduler::from_parts(&run.providers, run.judge.as_ref(), pending, run.awaiting_judge(), policy, seed)
    }

    fn from_parts(
        providers: &[RunProvider],
        judge: Option<&RunProvider>,
        pending: impl Fn(usize) -> Vec<CellId>,
        awaiting_judge: Vec<CellId>,
        policy: impl Fn(&RunProvider) -> RetryPolicy,
        seed: u64,
    ) -> Scheduler {
        let mut queues: Vec<Queue> = providers
            .iter()
            .enumerate()
            .map(|(col, p)| Queue::new(p.concurrency, pending(col), policy(p)))
            .collect();
        let columns = queues.len();
        if let Some(j) = judge {
            queues.push(Queue::new(j.concurrency, awaiting_judge, policy(j)));
        }
        let mut names: Vec<&str> = Vec::new();
        let hosts = providers
            .iter()
            .chain(judge)
            .map(|p: &RunProvider| {
                let host = plain_http_host(&p.base_url).filter(|_| !p.simulated)?;
                Some(names.iter().position(|h| *h == host).unwrap_or_else(|| {
                    names.push(host);
                    names.len() - 1
                }))
            })
            .collect();
        Scheduler { queues, columns, jitter: Jitter::new(seed), cancelled: false, hosts, turn: 0 }
    }

    fn lane_of(&self, i: usize) -> Lane {
        if i < self.columns {
            Lane::Column(i)
        } else {
            Lane::Judge
        }
    }

    /// Requests in flight to the plain-HTTP host `host`, across the queues that share it.
    fn on_host(&self, host: usize) -> usize {
        (0..self.queues.len())
            .filter(|&i| self.hosts[i] == Some(host))
            .map(|i| self.queues[i].in_flight.len())
            .sum()
    }

    fn index(&self, lane: Lane) -> Option<usize> {
        let i = match lane {
            Lane::Column(c) if c < self.columns => c,
            Lane::Column(_) => return None,
            Lane::Judge => self.columns,
        };
        (i < self.queues.len()).then_some(i)
    }

    fn queue(&mut self, lane: Lane) -> Option<&mut Queue> {
        self.index(lane).map(|i| &mut self.queues[i])
    }

    /// The jobs to start at `now_ms`: as many as each queue's concurrency allows, none after
    /// a cancel, none from a provider that is holding off.
    pub fn next(&mut self, now_ms: f64) -> Vec<Job> {
        let mut out = Vec::new();
        if self.cancelled {
            return out;
        }
        for i in 0..self.queues.len() {
            if self.hosts[i].is_none() {
                let lane = self.lane_of(i);
                self.queues[i].take(lane, now_ms, usize::MAX, &mut out);
            }
        }
        // Queues on a plain-HTTP host take one job in turn while the host has a connection free.
        let shared: Vec<usize> = (0..self.queues.len()).filter(|&i| self.hosts[i].is_some()).collect();
        if shared.is_empty() {
            return out;
        }
        self.turn = (self.turn + 1) % shared.len();
        loop {
            let before = out.len();
            for k in 0..shared.len() {
                let i = shared[(self.turn + k) % shared.len()];
                let host = self.hosts[i].unwrap_or_default();
                if self.on_host(host) < HTTP1_CONNECTIONS {
                    let lane = self.lane_of(i);
                    self.queues[i].take(lane, now_ms, 1, &mut out);
                }
            }
            if out.len() == before {
                return out;
            }
        }
    }

    /// When [`Scheduler::next`] may have something new without any report arriving first (a
    /// retry falling due, a pause ending), if that is after `now_ms`.
    pub fn wake_at(&self, now_ms: f64) -> Option<f64> {
        if self.cancelled {
            return None;
        }
        let mut first: Option<f64> = None;
        let mut consider = |at: f64| {
            if at > now_ms && first.is_none_or(|f| at < f) {
                first = Some(at);
            }
        };
        for q in self.queues.iter().filter(|q| q.has_work()) {
            if q.hold_until > now_ms {
                consider(q.hold_until);
            } else {
                q.waiting.iter().for_each(|w| consider(w.0));
            }
        }
        first
    }

    /// Takes how `job` ended at `now_ms` and says what the runner should do with the cell.
    pub fn report(&mut self, job: Job, report: Report, now_ms: f64) -> Next {
        let cancelled = self.cancelled;
        let judge = self.index(Lane::Judge).filter(|_| !cancelled && matches!(job.lane, Lane::Column(_)));
        let Some(i) = self.index(job.lane) else { return Next::Settle { tries: job.attempt } };
        let q = &mut self.queues[i];
        let policy = q.policy;
        q.in_flight.retain(|j| j != &job);
        let tries = q.tries.iter().find(|(c, _)| *c == job.cell).map_or(job.attempt, |t| t.1);
        let failure = match report {
            Report::Aborted => return Next::Settle { tries },
            Report::Replied { to_judge } => {
                q.streak = 0;
                q.paused = false;
                if let (true, Some(j)) = (to_judge, judge) {
                    self.queues[j].pending.push_back(job.cell);
                }
                return Next::Settle { tries };
            }
            Report::Failed(f) => f,
        };
        let Failure::Transient { kind, retry_after_ms } = failure else { return Next::Settle { tries } };
        q.streak += 1;
        if let Some(asked) = retry_after_ms {
            // A server's wait applies to every request to it, not only this one.
            q.hold_until = q.hold_until.max(now_ms + asked.min(policy.max_wait_ms));
        }
        let was_paused = q.paused;
        if !was_paused && q.streak >= policy.pause_after {
            q.paused = true;
            q.hold_until = q.hold_until.max(now_ms + policy.pause_ms);
        }
        // While paused, a failure is not tried again: the user learns sooner that the provider
        // is down or misconfigured, and it gets one request at a time, not retries.
        if cancelled || q.removed || was_paused {
            return Next::Settle { tries };
        }
        match decide(&policy, failure, tries, &mut self.jitter) {
            Verdict::Stop => Next::Settle { tries },
            Verdict::Wait(wait) => {
                let at_ms = (now_ms + wait).max(q.hold_until);
                q.waiting.push((at_ms, job.cell));
                Next::Retry { at_ms, reason: kind, tries }
            }
        }
    }

    /// Stops the run: nothing new is sent. Returns the jobs still in flight, for the runner
    /// to abort; their reports are still taken.
    pub fn cancel(&mut self) -> Vec<Job> {
        self.cancelled = true;
        let mut in_flight = Vec::new();
        for q in &mut self.queues {
            q.pending.clear();
            q.waiting.clear();
            in_flight.extend(q.in_flight.iter().copied());
        }
        in_flight
    }

    /// Whether the run has a judge, so replies are to be rated.
    pub fn has_judge(&self) -> bool {
        self.queues.len() > self.columns
    }

    /// Whether the run was cancelled.
    pub fn is_cancelled(&self) -> bool {
        self.cancelled
    }

    /// Drops a provider column whose settings are gone: none of its cells is sent, and they
    /// stay pending in the run. Returns those cells.
    pub fn remove_column(&mut self, col: usize) -> Vec<CellId> {
        let Some(q) = self.queue(Lane::Column(col)) else { return Vec::new() };
        q.removed = true;
        let mut cells: Vec<CellId> = q.pending.iter().copied().collect();
        q.pending.clear();
        cells.extend(std::mem::take(&mut q.waiting).into_iter().map(|w| w.1));
        cells
    }

    /// Jobs in flight, across all queues.
    pub fn in_flight(&self) -> usize {
        self.queues.iter().map(|q| q.in_flight.len()).sum()
    }

    /// Until when a column holds off (a server's `Retry-After` or a pause), if it does at `now_ms`.
    pub fn holding(&self, col: usize, now_ms: f64) -> Option<f64> {
        self.queues[..self.columns].get(col).map(|q| q.hold_until).filter(|&t| t > now_ms)
    }

    /// Whether a column is paused after failing again and again.
    pub fn is_paused(&self, col: usize) -> bool {
        self.queues[..self.columns].get(col).is_some_and(|q| q.paused)
    }

    /// Whether nothing is in flight and nothing is left to send.
    pub fn is_idle(&self) -> bool {
        self.in_flight() == 0 && (self.cancelled || !self.queues.iter().any(Queue::has_work))
    }
}

#[cfg(test)]
mod tests;
