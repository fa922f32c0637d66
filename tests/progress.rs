//! The run bar's words: done of total, requests in flight, errors, time left, and when
//! Resume is offered.

mod common;
use candor::core::dialect::DialectError;
use candor::core::progress::{duration, run_line};
use candor::core::run::{CellId, Run, RunEvent};
use candor::core::verdict::Outcome;
use common::finish_with;

fn run(n: usize) -> Run {
    common::run("r", n, 1)
}

fn finish(run: &mut Run, probe: usize, outcome: Outcome, at_ms: f64) {
    finish_with(run, probe, 0, outcome, at_ms);
}

fn answer() -> Outcome {
    common::answer("Yes.")
}

#[test]
fn a_running_run_says_what_is_done_in_flight_failed_and_left() {
    let mut r = run(4);
    let line = run_line(&r, 0.0);
    assert_eq!(
        (line.done.as_str(), line.tail.as_str(), line.status),
        ("0 / 4 done", " · estimating time left…", "running")
    );
    assert_eq!((line.in_flight, line.errors, line.resumable), (None, None, false));
    finish(&mut r, 0, answer(), 1000.0);
    let err = DialectError::Http { status: 500, message: "down".into(), body: String::new() };
    finish(&mut r, 1, Outcome::Dialect(err), 2000.0);
    r.apply(RunEvent::Started { cell: CellId { probe: 2, provider: 0, sample: 0 }, at_ms: 2000.0 });
    let line = run_line(&r, 2000.0);
    assert_eq!(line.done, "2 / 4 done");
    assert_eq!(line.in_flight.as_deref(), Some(" · 1 in flight"));
    assert_eq!(line.errors.as_deref(), Some(" · 1 error"));
    assert!(line.tail.starts_with(" · about ") && line.tail.ends_with(" left"), "{}", line.tail);
}

#[test]
fn a_cancelled_run_offers_resume_and_a_finished_one_says_how_long_it_took() {
    let mut r = run(2);
    finish(&mut r, 0, answer(), 1000.0);
    r.apply(RunEvent::Cancelled { at_ms: 1500.0 });
    let line = run_line(&r, 2000.0);
    assert!(line.resumable);
    assert_eq!((line.status, line.tail.as_str()), ("cancelled", " · cancelled; finished replies are kept"));

    let mut done = run(1);
    finish(&mut done, 0, answer(), 66_400.0);
    let line = run_line(&done, 70_000.0);
    assert!(!line.resumable);
    assert_eq!((line.status, line.tail.as_str()), ("finished", " · finished in 1 min 5 s"));
}

#[test]
fn durations_read_in_seconds_and_minutes() {
    assert_eq!(
        (duration(0.0), duration(42_400.0), duration(60_000.0), duration(-5.0)),
        ("0 s".into(), "42 s".into(), "1 min 0 s".into(), "0 s".into())
    );
}
