//! The persistence policy: every finished cell is saved once as it finishes (and again when
//! its judge rating arrives), every request of the run as it is sent and as it changes, the
//! header when the status changes; a run opened from storage is not written again; after a
//! refused write later writes are still asked for and the user is told once.

use candor::core::dialect::Reply;
use candor::core::http::HttpRequest;
use candor::core::judge::JudgeOutcome;
use candor::core::ledger::{Ledger, LedgerEntry, LedgerEvent, Purpose, PurposeKind};
use candor::core::pack::Pack;
use candor::core::persist::{Saved, Write};
use candor::core::provider::ProviderConfig;
use candor::core::run::{CellId, Run, RunEvent, RunProvider, Timing};
use candor::core::verdict::Outcome;

fn run(id: &str, n_probes: usize, n_providers: usize) -> Run {
    let pack = Pack::builtin();
    let probes = pack.probes.iter().take(n_probes).cloned().collect();
    let providers = (0..n_providers)
        .map(|i| {
            let mut p = ProviderConfig::demo();
            p.id = format!("p{i}");
            RunProvider::from(&p)
        })
        .collect();
    Run::new(id.into(), &pack, probes, providers, 1000.0)
}

fn finish(run: &mut Run, probe: usize, provider: usize) -> CellId {
    let cell = CellId { probe, provider };
    run.apply(RunEvent::Started { cell, at_ms: 1010.0 });
    let reply =
        Reply { content: "An answer.".into(), finish_reason: Some("stop".into()), ..Reply::default() };
    run.apply(RunEvent::Finished {
        cell,
        outcome: Outcome::Reply { reply, cut_short: None },
        timing: Timing::default(),
        at_ms: 1100.0,
    });
    cell
}

fn send(ledger: &mut Ledger, id: u64, provider: &str, at_ms: f64) {
    let req = HttpRequest {
        method: "POST".into(),
        url: "http://127.0.0.1:9/v1/chat/completions".into(),
        headers: vec![],
        body: Some("{}".into()),
    };
    let purpose = Purpose::new(PurposeKind::Probe, provider, provider, "a probe");
    ledger.apply(LedgerEvent::Sent(Box::new(LedgerEntry::sent(id, at_ms, purpose, &req))));
}

fn cells(writes: &[Write]) -> Vec<CellId> {
    writes.iter().filter_map(|w| if let Write::Cell(id) = w { Some(*id) } else { None }).collect()
}

fn requests(writes: &[Write]) -> Vec<u64> {
    writes.iter().filter_map(|w| if let Write::Request(id) = w { Some(*id) } else { None }).collect()
}

#[test]
fn a_new_run_writes_its_header_then_each_cell_once_as_it_finishes() {
    let mut r = run("r1", 3, 2);
    let ledger = Ledger::default();
    let mut saved = Saved::default();
    assert_eq!(saved.plan(&r, &ledger), vec![Write::Head { whole: false }]);
    assert!(saved.plan(&r, &ledger).is_empty(), "nothing new, nothing written");
    let a = finish(&mut r, 0, 1);
    assert_eq!(saved.plan(&r, &ledger), vec![Write::Cell(a)]);
    assert!(saved.plan(&r, &ledger).is_empty(), "a saved cell is not written again");
    let b = finish(&mut r, 2, 0);
    let c = finish(&mut r, 1, 1);
    assert_eq!(cells(&saved.plan(&r, &ledger)), vec![c, b], "matrix order");
}

#[test]
fn the_header_is_written_again_when_the_status_changes() {
    let mut r = run("r1", 2, 1);
    let ledger = Ledger::default();
    let mut saved = Saved::default();
    saved.plan(&r, &ledger);
    finish(&mut r, 0, 0);
    assert!(!saved.plan(&r, &ledger).iter().any(|w| matches!(w, Write::Head { .. })));
    finish(&mut r, 1, 0);
    assert_eq!(saved.plan(&r, &ledger)[0], Write::Head { whole: true }, "the run ended: the whole report");
}

#[test]
fn each_request_of_the_run_is_written_when_sent_and_again_when_it_changes() {
    let mut r = run("r1", 1, 2);
    let mut ledger = Ledger::default();
    let mut saved = Saved::default();
    send(&mut ledger, 1, "candor", 900.0); // the app's own data files, before the run
    saved.plan(&r, &ledger);
    send(&mut ledger, 2, "p0", 1005.0);
    send(&mut ledger, 3, "p1", 1006.0);
    send(&mut ledger, 4, "other", 1007.0); // a provider that is not in the run
    assert_eq!(requests(&saved.plan(&r, &ledger)), vec![2, 3]);
    assert!(saved.plan(&r, &ledger).is_empty());
    ledger.apply(LedgerEvent::Head { id: 3, status: 200, headers: vec![], ttfb_ms: 40.0 });
    ledger.apply(LedgerEvent::Done { id: 3, bytes_in: 10, latency_ms: 90.0, error: None });
    assert_eq!(requests(&saved.plan(&r, &ledger)), vec![3], "changed once since the last write");
    finish(&mut r, 0, 0);
    finish(&mut r, 0, 1);
    send(&mut ledger, 5, "p0", 5000.0); // after the run ended
    assert!(requests(&saved.plan(&r, &ledger)).is_empty());
}

#[test]
fn a_judge_rating_arriving_later_saves_the_cell_again() {
    let mut r = run("r1", 1, 1);
    let ledger = Ledger::default();
    let mut saved = Saved::default();
    saved.plan(&r, &ledger);
    let a = finish(&mut r, 0, 0);
    assert!(cells(&saved.plan(&r, &ledger)).contains(&a));
    r.apply(RunEvent::Judged {
        cell: a,
        outcome: JudgeOutcome::Failed("judge offline".into()),
        at_ms: 1200.0,
    });
    assert_eq!(cells(&saved.plan(&r, &ledger)), vec![a]);
    assert!(saved.plan(&r, &ledger).is_empty());
}

#[test]
fn a_run_opened_from_storage_writes_only_its_header() {
    let mut r = run("old", 2, 1);
    let mut ledger = Ledger::default();
    send(&mut ledger, 1, "p0", 1001.0);
    finish(&mut r, 0, 0);
    finish(&mut r, 1, 0);
    let mut saved = Saved::default();
    assert_eq!(saved.plan(&r, &ledger), vec![Write::Head { whole: true }]);
    assert!(saved.plan(&r, &ledger).is_empty());
}

#[test]
fn after_a_refusal_later_cells_are_still_written_and_the_user_is_told_once() {
    let mut saved = Saved::default();
    let ledger = Ledger::default();
    let mut first = run("r1", 3, 1);
    saved.plan(&first, &ledger);
    finish(&mut first, 0, 0);
    saved.plan(&first, &ledger);
    assert!(saved.refused(), "the first refusal is told");
    assert!(!saved.refused(), "and only the first");
    let b = finish(&mut first, 1, 0);
    assert_eq!(cells(&saved.plan(&first, &ledger)), vec![b], "later cells are still tried");
    let second = run("r2", 1, 1);
    assert_eq!(saved.plan(&second, &ledger), vec![Write::Head { whole: false }], "a new run starts afresh");
    assert!(saved.refused(), "a new run's first refusal is told again");
}

#[test]
fn the_storage_line_says_how_much_is_used_of_what_and_whether_it_is_kept() {
    use candor::core::persist::usage_line;
    let line = usage_line(12.5 * 1024.0 * 1024.0, 2.0 * 1024.0 * 1024.0 * 1024.0, false);
    assert_eq!(
        line,
        "Candor stores 12.5 MB in this browser, of 2.0 GB it allows; the browser may clear it when the disk runs low (export runs you want to keep)."
    );
    assert!(usage_line(0.0, 1e9, true).contains("keeps it even when the disk runs low"));
}

#[test]
fn restored_requests_are_not_written_again_and_new_ones_are() {
    let mut ledger = Ledger::default();
    send(&mut ledger, 1, "p0", 1001.0);
    let saved: Vec<LedgerEntry> = ledger.entries().cloned().collect();
    let mut reopened = Ledger::default();
    reopened.restore(saved.clone());
    reopened.restore(saved); // restoring twice adds nothing
    assert_eq!(reopened.len(), 1);
    assert_eq!(reopened.changed_since(0).count(), 0, "restored entries are in storage already");
    send(&mut reopened, 1, "p0", 2002.0);
    let new: Vec<f64> = reopened.changed_since(0).map(|e| e.at_ms).collect();
    assert_eq!(new, vec![2002.0]);
}

#[test]
fn a_stopped_run_that_resumes_writes_its_cells_and_requests_one_by_one_first() {
    let mut r = run("old", 2, 1);
    let mut ledger = Ledger::default();
    send(&mut ledger, 7, "p0", 1001.0);
    let a = finish(&mut r, 0, 0);
    r.apply(RunEvent::Cancelled { at_ms: 1200.0 });
    let mut saved = Saved::default();
    assert_eq!(saved.plan(&r, &ledger), vec![Write::Head { whole: true }]);
    assert!(r.resume());
    let writes = saved.plan(&r, &ledger);
    assert!(writes.contains(&Write::Head { whole: false }), "{writes:?}");
    assert_eq!(cells(&writes), vec![a], "the finished cell, which the header no longer holds");
    assert_eq!(requests(&writes), vec![7], "and the request");
    assert!(saved.plan(&r, &ledger).is_empty());
}
