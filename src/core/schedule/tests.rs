use super::*;
use crate::core::pack::Pack;
use crate::core::provider::ProviderConfig;
use crate::core::run::{RunEvent, RunProvider, Timing};
use crate::core::verdict::Outcome;

fn provider(id: &str, concurrency: u32) -> RunProvider {
    let mut p = ProviderConfig::demo();
    p.id = id.into();
    RunProvider { concurrency, ..RunProvider::from(&p) }
}

fn run(probes: usize, concurrency: &[u32]) -> Run {
    let pack = Pack::builtin();
    let probes = pack.probes.iter().take(probes).cloned().collect();
    let providers = concurrency.iter().enumerate().map(|(i, &c)| provider(&format!("p{i}"), c)).collect();
    Run::new("r".into(), &pack, probes, providers, 0.0)
}

fn cell(probe: usize, provider: usize) -> CellId {
    CellId { probe, provider, sample: 0 }
}

fn cells(jobs: &[Job]) -> Vec<(usize, usize)> {
    jobs.iter().map(|j| (j.cell.probe, j.cell.provider)).collect()
}

const REPLIED: Report = Report::Replied { to_judge: false };

fn rate_limited(retry_after: Option<&str>, now: f64) -> Report {
    Report::Failed(Failure::from_status(429, retry_after, now))
}

#[test]
fn probes_go_out_in_pack_order_per_provider() {
    let mut s = Scheduler::new(&run(4, &[1, 1]), RetryPolicy::default(), 1);
    let mut order = vec![Vec::new(), Vec::new()];
    for step in 0..4 {
        let jobs = s.next(step as f64);
        assert_eq!(jobs.len(), 2, "one per provider at a time");
        for j in jobs {
            order[j.cell.provider].push(j.cell.probe);
            assert_eq!(s.report(j, REPLIED, step as f64), Next::Settle { tries: 1 });
        }
    }
    assert_eq!(order, vec![vec![0, 1, 2, 3], vec![0, 1, 2, 3]]);
    assert!(s.next(9.0).is_empty() && s.is_idle());
}

#[test]
fn never_more_than_the_concurrency_in_flight_and_a_slow_provider_blocks_no_other() {
    let mut s = Scheduler::new(&run(6, &[2, 3]), RetryPolicy::default(), 1);
    let first = s.next(0.0);
    assert_eq!(cells(&first), vec![(0, 0), (1, 0), (0, 1), (1, 1), (2, 1)]);
    assert!(s.next(1.0).is_empty(), "all slots are taken");
    // Provider 0 never answers; provider 1 goes through all its probes meanwhile.
    let mut in_flight: Vec<Job> = first.into_iter().filter(|j| j.cell.provider == 1).collect();
    let mut sent = 3;
    while let Some(j) = in_flight.pop() {
        s.report(j, REPLIED, 2.0);
        let more = s.next(2.0);
        assert!(more.iter().all(|j| j.cell.provider == 1), "{more:?}");
        sent += more.len();
        in_flight.extend(more);
        assert!(in_flight.len() <= 3);
    }
    assert_eq!(sent, 6);
    assert_eq!(s.in_flight(), 2, "provider 0's two requests are still out");
    assert!(!s.is_idle());
}

#[test]
fn nothing_new_after_a_cancel_and_the_requests_in_flight_are_named() {
    let mut s = Scheduler::new(&run(5, &[2]), RetryPolicy::default(), 1);
    let jobs = s.next(0.0);
    let in_flight = s.cancel();
    assert_eq!(in_flight, jobs);
    assert!(s.next(1.0).is_empty());
    assert_eq!(s.report(jobs[0], Report::Aborted, 1.0), Next::Settle { tries: 1 });
    // A failure after the cancel is not retried.
    assert_eq!(s.report(jobs[1], rate_limited(None, 1.0), 1.0), Next::Settle { tries: 1 });
    assert!(s.is_idle() && s.wake_at(1.0).is_none());
}

#[test]
fn after_a_restore_only_the_missing_cells_are_sent() {
    let mut r = run(3, &[4, 4]);
    for done in [cell(0, 0), cell(2, 1)] {
        let outcome = Outcome::Transport("down".into());
        r.finish(done, outcome, Timing::default(), 1.0);
    }
    r.apply(RunEvent::Started { cell: cell(1, 1), at_ms: 1.0 });
    r.apply(RunEvent::Cancelled { at_ms: 2.0 });
    assert!(r.resume());
    let mut s = Scheduler::new(&r, RetryPolicy::default(), 1);
    assert_eq!(cells(&s.next(3.0)), vec![(1, 0), (2, 0), (0, 1), (1, 1)]);
}

#[test]
fn replies_go_to_the_judge_at_its_concurrency_and_a_restored_run_rejudges_what_is_missing() {
    let mut judge = ProviderConfig::demo();
    judge.id = "j".into();
    let r = run(3, &[3]).with_judge(Some(RunProvider { concurrency: 1, ..RunProvider::from(&judge) }));
    let mut s = Scheduler::new(&r, RetryPolicy::default(), 1);
    let probes = s.next(0.0);
    assert_eq!(probes.len(), 3);
    s.report(probes[0], Report::Replied { to_judge: true }, 1.0);
    s.report(probes[1], Report::Replied { to_judge: false }, 1.0);
    s.report(probes[2], Report::Replied { to_judge: true }, 1.0);
    let rating = s.next(1.0);
    assert_eq!(rating, vec![Job { lane: Lane::Judge, cell: cell(0, 0), attempt: 1 }]);
    assert!(s.next(2.0).is_empty(), "the judge takes one at a time");
    s.report(rating[0], REPLIED, 3.0);
    assert_eq!(s.next(3.0), vec![Job { lane: Lane::Judge, cell: cell(2, 0), attempt: 1 }]);

    // A reply saved unrated is rated when the run is resumed.
    let mut r = r;
    let text = crate::core::dialect::Reply { content: "It happened.".into(), ..Default::default() };
    let reply = Outcome::Reply { reply: text, cut_short: None };
    r.finish(cell(1, 0), reply, Timing::default(), 1.0);
    let mut s = Scheduler::new(&r, RetryPolicy::default(), 1);
    let jobs = s.next(0.0);
    assert!(jobs.iter().any(|j| j.lane == Lane::Judge && j.cell == cell(1, 0)), "{jobs:?}");
}

#[test]
fn a_removed_provider_sends_nothing_and_the_others_go_on() {
    let mut s = Scheduler::new(&run(2, &[1, 1]), RetryPolicy::default(), 1);
    assert_eq!(s.remove_column(0), vec![cell(0, 0), cell(1, 0)]);
    assert_eq!(cells(&s.next(0.0)), vec![(0, 1)]);
}

#[test]
fn retry_after_in_seconds_and_as_a_date() {
    assert_eq!(retry_after_ms("12", 0.0), Some(12_000.0));
    assert_eq!(retry_after_ms(" 0 ", 0.0), Some(0.0));
    // 1994-11-06 08:49:37 UTC is 784111777 s after the epoch.
    let now = 784_111_777_000.0;
    assert_eq!(retry_after_ms("Sun, 06 Nov 1994 08:49:37 GMT", now - 5_000.0), Some(5_000.0));
    assert_eq!(retry_after_ms("Sun, 06 Nov 1994 08:49:37 GMT", now + 1.0), Some(0.0), "past: no wait");
    assert_eq!(retry_after_ms("Fri, 04 Dec 2026 17:40:00 GMT", 1_796_406_000_000.0), Some(0.0));
    assert_eq!(retry_after_ms("Tue, 29 Feb 2028 00:00:10 GMT", 1_835_395_200_000.0), Some(10_000.0));
    for junk in ["soon", "-3", "1.5", "Sun, 06 Nov 1994 08:49:37 CET", "Sun, 31 Foo 1994 08:49:37 GMT", ""] {
        assert_eq!(retry_after_ms(junk, 0.0), None, "{junk}");
    }
}

#[test]
fn rate_limits_and_busy_servers_are_retried_after_the_wait_they_ask_for() {
    let mut s = Scheduler::new(&run(2, &[1]), RetryPolicy::default(), 7);
    let j = s.next(0.0)[0];
    let next = s.report(j, rate_limited(Some("12"), 100.0), 100.0);
    assert_eq!(next, Next::Retry { at_ms: 12_100.0, reason: WaitReason::RateLimited, tries: 1 });
    // The whole provider holds off, not only the cell.
    assert!(s.next(5_000.0).is_empty());
    assert_eq!(s.holding(0, 5_000.0), Some(12_100.0));
    assert_eq!(s.wake_at(5_000.0), Some(12_100.0));
    let again = s.next(12_100.0);
    assert_eq!(again, vec![Job { lane: Lane::Column(0), cell: j.cell, attempt: 2 }]);
    let busy = Report::Failed(Failure::from_status(503, None, 12_200.0));
    assert!(matches!(
        s.report(again[0], busy, 12_200.0),
        Next::Retry { reason: WaitReason::Unavailable, .. }
    ));
}

#[test]
fn waits_grow_with_jitter_from_the_seed_and_are_capped() {
    let policy =
        RetryPolicy { max_tries: 10, max_wait_ms: 8_000.0, pause_after: 100, ..RetryPolicy::default() };
    let waits = |seed| {
        let mut s = Scheduler::new(&run(1, &[1]), policy, seed);
        let mut now = 0.0;
        let mut out = Vec::new();
        while let Some(j) = s.next(now).pop() {
            match s.report(j, Report::Failed(Failure::no_response()), now) {
                Next::Retry { at_ms, .. } => {
                    out.push(at_ms - now);
                    now = at_ms;
                }
                Next::Settle { tries } => {
                    assert_eq!(tries, 10);
                    break;
                }
            }
        }
        out
    };
    let a = waits(1);
    assert_eq!(a, waits(1), "the same seed gives the same waits");
    assert_ne!(a, waits(2));
    assert_eq!(a.len(), 9);
    for (i, w) in a.iter().enumerate() {
        let full = (1_000.0 * f64::from(1u32 << i)).min(8_000.0);
        assert!(*w >= full / 2.0 && *w < full, "try {}: {w} vs {full}", i + 2);
    }
}

#[test]
fn after_the_last_try_or_too_long_a_wait_the_cell_becomes_an_error() {
    let mut s = Scheduler::new(&run(3, &[1]), RetryPolicy::default(), 1);
    let mut now = 0.0;
    let mut tries = Vec::new();
    let last = loop {
        let j = s.next(now)[0];
        tries.push(j.attempt);
        match s.report(j, rate_limited(Some("1"), now), now) {
            Next::Retry { at_ms, .. } => now = at_ms,
            settle => break settle,
        }
    };
    assert_eq!((tries, last), (vec![1, 2, 3], Next::Settle { tries: 3 }));
    // A server asking for more than the limit (60 s) gets no retry.
    let j = s.next(now + 1_000.0)[0];
    assert_eq!(s.report(j, rate_limited(Some("3600"), now), now), Next::Settle { tries: 1 });
    let date = "Sun, 06 Nov 1994 08:49:37 GMT";
    let j = s.next(now + 61_000.0)[0];
    assert_eq!(s.report(j, rate_limited(Some(date), 784_111_000_000.0), now), Next::Settle { tries: 1 });
    // Other failures are final at once.
    let mut s = Scheduler::new(&run(1, &[1]), RetryPolicy::default(), 1);
    let j = s.next(0.0)[0];
    let refused = Report::Failed(Failure::from_status(401, Some("5"), 0.0));
    assert_eq!(s.report(j, refused, 0.0), Next::Settle { tries: 1 });
    // A single-try policy never retries.
    let mut s = Scheduler::new(&run(1, &[1]), RetryPolicy::single_try(), 1);
    let j = s.next(0.0)[0];
    assert_eq!(s.report(j, rate_limited(None, 0.0), 0.0), Next::Settle { tries: 1 });
}

#[test]
fn a_provider_that_keeps_failing_is_paused_then_sent_one_at_a_time_until_it_answers() {
    let policy = RetryPolicy { pause_after: 3, pause_ms: 30_000.0, ..RetryPolicy::default() };
    let mut s = Scheduler::new(&run(6, &[4, 1]), policy, 1);
    let jobs = s.next(0.0);
    let failing: Vec<Job> = jobs.iter().copied().filter(|j| j.cell.provider == 0).collect();
    assert_eq!(failing.len(), 4);
    for j in &failing[..3] {
        s.report(*j, Report::Failed(Failure::no_response()), 10.0);
    }
    assert!(s.is_paused(0));
    assert_eq!(s.holding(0, 10.0), Some(30_010.0));
    // The other provider is not held up.
    let other = jobs.iter().find(|j| j.cell.provider == 1).copied().unwrap();
    s.report(other, REPLIED, 20.0);
    assert_eq!(cells(&s.next(20.0)), vec![(1, 1)]);
    // Failing again while paused: no retry.
    assert_eq!(s.report(failing[3], Report::Failed(Failure::no_response()), 25.0), Next::Settle { tries: 1 });
    // Until the pause runs out, nothing; then one request at a time...
    assert!(s.next(29_000.0).iter().all(|j| j.cell.provider == 1));
    let probe = s.next(30_025.0);
    assert_eq!(probe.iter().filter(|j| j.cell.provider == 0).count(), 1, "{probe:?}");
    let probe = probe.into_iter().find(|j| j.cell.provider == 0).unwrap();
    assert!(s.next(30_030.0).iter().all(|j| j.cell.provider == 1));
    // ...until one gets an answer.
    s.report(probe, REPLIED, 30_040.0);
    assert!(!s.is_paused(0));
    let after = s.next(60_000.0);
    let again: Vec<Job> = after.into_iter().filter(|j| j.cell.provider == 0).collect();
    assert_eq!(again.len(), 4, "{again:?}");
    assert!(matches!(
        s.report(again[0], Report::Failed(Failure::no_response()), 60_001.0),
        Next::Retry { .. }
    ));
}

#[test]
fn each_provider_tries_as_hard_as_its_settings_say() {
    let mut r = run(1, &[1, 1]);
    r.providers[0].retry = (1, 60);
    r.providers[1].retry = (2, 5);
    let mut s = Scheduler::with_provider_limits(&r, RetryPolicy::default(), 3);
    let jobs = s.next(0.0);
    assert_eq!(jobs.len(), 2);
    // One try only: the first 429 settles the cell.
    assert_eq!(s.report(jobs[0], rate_limited(Some("1"), 0.0), 0.0), Next::Settle { tries: 1 });
    // A wait longer than the provider allows (10 s > 5 s) is not waited for.
    assert_eq!(s.report(jobs[1], rate_limited(Some("10"), 0.0), 0.0), Next::Settle { tries: 1 });
    let mut s = Scheduler::with_provider_limits(&r, RetryPolicy::default(), 3);
    let jobs = s.next(0.0);
    assert!(matches!(s.report(jobs[1], rate_limited(Some("2"), 0.0), 0.0), Next::Retry { tries: 1, .. }));
    let again = s.next(2_000.0);
    let second = again.iter().find(|j| j.cell.provider == 1).copied().expect("the second try");
    assert_eq!(s.report(second, rate_limited(Some("2"), 2_000.0), 2_000.0), Next::Settle { tries: 2 });
}

fn on_url(id: &str, concurrency: u32, url: &str) -> RunProvider {
    let mut p = ProviderConfig::from_preset(id, crate::core::provider::Preset::Custom);
    p.base_url = url.into();
    p.model = "m".into();
    RunProvider { concurrency, ..RunProvider::from(&p) }
}

#[test]
fn a_plain_http_host_gets_six_requests_at_once_shared_in_turn_and_https_its_own_concurrency() {
    let pack = Pack::builtin();
    let probes: Vec<_> = pack.probes.iter().take(20).cloned().collect();
    let providers = vec![
        on_url("a", 16, "http://127.0.0.1:8080/v1"),
        on_url("b", 16, "http://127.0.0.1:8080/v1/"),
        on_url("c", 16, "https://api.example.com/v1"),
        on_url("d", 16, "http://localhost:11434/v1"),
    ];
    let run = Run::new("r".into(), &pack, probes, providers, 0.0);
    let mut s = Scheduler::new(&run, RetryPolicy::default(), 1);
    let jobs = s.next(0.0);
    let per = |col: usize, jobs: &[Job]| jobs.iter().filter(|j| j.cell.provider == col).count();
    // The two columns on 127.0.0.1:8080 share its six connections, three each; HTTPS is not
    // capped; another plain-HTTP host has six of its own.
    assert_eq!((per(0, &jobs), per(1, &jobs), per(2, &jobs), per(3, &jobs)), (3, 3, 16, 6));
    assert!(s.next(1.0).is_empty(), "every connection is busy");
    // A finished request frees one connection, and only one request takes it.
    let done = jobs.iter().find(|j| j.cell.provider == 0).copied().unwrap();
    s.report(done, REPLIED, 2.0);
    let next = s.next(3.0);
    assert_eq!(next.len(), 1);
    assert!(next[0].cell.provider <= 1, "{next:?}");
}
