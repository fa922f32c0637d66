//! The persistence policy: every finished cell is saved once as it finishes (and again when
//! its judge rating arrives), the header is written when the status changes and every
//! `HEAD_EVERY` cells while running, a run opened from storage is not written again, and a
//! refused write stops further writes.

mod common;
use candor::core::judge::JudgeOutcome;
use candor::core::persist::{Saved, Write, HEAD_EVERY};
use candor::core::run::{CellId, Run, RunEvent};
use common::{answer, finish_with, run};

fn finish(run: &mut Run, probe: usize, provider: usize) -> CellId {
    finish_with(run, probe, provider, answer("An answer."), 1100.0)
}

fn cells(writes: &[Write]) -> Vec<CellId> {
    writes.iter().filter_map(|w| if let Write::Cell(id) = w { Some(*id) } else { None }).collect()
}

#[test]
fn a_new_run_writes_its_header_then_each_cell_once_as_it_finishes() {
    let mut r = run("r1", 3, 2);
    let mut saved = Saved::default();
    assert_eq!(saved.plan(&r), vec![Write::Head { with_results: false }]);
    assert!(saved.plan(&r).is_empty(), "nothing new, nothing written");
    let a = finish(&mut r, 0, 1);
    assert_eq!(saved.plan(&r), vec![Write::Cell(a)]);
    assert!(saved.plan(&r).is_empty(), "a saved cell is not written again");
    let b = finish(&mut r, 2, 0);
    let c = finish(&mut r, 1, 1);
    assert_eq!(cells(&saved.plan(&r)), vec![c, b], "matrix order");
}

#[test]
fn the_header_is_rewritten_every_head_every_cells_and_with_results_when_the_run_ends() {
    let probes = HEAD_EVERY + 5;
    let mut r = run("r1", probes, 1);
    let mut saved = Saved::default();
    saved.plan(&r);
    let mut heads = 0;
    for probe in 0..probes {
        finish(&mut r, probe, 0);
        let writes = saved.plan(&r);
        heads += writes.iter().filter(|w| matches!(w, Write::Head { .. })).count();
        if probe + 1 < probes {
            assert!(!writes.contains(&Write::Head { with_results: true }));
        } else {
            assert_eq!(writes[0], Write::Head { with_results: true }, "the run ended: {writes:?}");
        }
    }
    // One while running (after HEAD_EVERY cells), one at the end.
    assert_eq!(heads, 2);
}

#[test]
fn a_judge_rating_arriving_later_saves_the_cell_again() {
    let mut r = run("r1", 1, 1);
    let mut saved = Saved::default();
    saved.plan(&r);
    let a = finish(&mut r, 0, 0);
    assert!(cells(&saved.plan(&r)).contains(&a));
    r.apply(RunEvent::Judged {
        cell: a,
        outcome: JudgeOutcome::Failed("judge offline".into()),
        at_ms: 1200.0,
    });
    assert_eq!(cells(&saved.plan(&r)), vec![a]);
    assert!(saved.plan(&r).is_empty());
}

#[test]
fn a_run_opened_from_storage_writes_only_its_header() {
    let mut r = run("old", 2, 1);
    finish(&mut r, 0, 0);
    finish(&mut r, 1, 0);
    let mut saved = Saved::default();
    assert_eq!(saved.plan(&r), vec![Write::Head { with_results: true }]);
    assert!(saved.plan(&r).is_empty());
}

#[test]
fn a_new_run_starts_afresh_and_a_refusal_stops_all_writes() {
    let mut saved = Saved::default();
    let mut first = run("r1", 2, 1);
    saved.plan(&first);
    finish(&mut first, 0, 0);
    saved.plan(&first);
    saved.refuse();
    assert!(saved.is_refused());
    finish(&mut first, 1, 0);
    assert!(saved.plan(&first).is_empty(), "storage refused: nothing more for this run");
    let second = run("r2", 1, 1);
    assert_eq!(saved.plan(&second), vec![Write::Head { with_results: false }], "a new run tries again");
}

#[test]
fn a_running_runs_header_holds_everything_but_the_results() {
    use candor::core::ledger::Ledger;
    use candor::core::report::Report;
    let mut r = run("r1", 2, 2);
    finish(&mut r, 0, 0);
    let ledger = Ledger::default();
    let whole = Report::from_run(&r, "hash", &ledger, 5.0);
    let head = Report::header(&r, "hash", &ledger, 5.0);
    assert_eq!(whole.results.len(), 1);
    assert!(head.results.is_empty());
    assert_eq!(Report { results: Vec::new(), ..whole }, head, "the same report otherwise");
}
