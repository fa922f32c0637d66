//! Saving runs: the persistence policy (every finished cell saved once as it finishes and
//! again when its judge rating arrives, every request as it is sent and as its response
//! arrives, the header when the status changes, a run opened from storage stored whole only
//! if storage lacks it, a refused write told and later writes still asked for), and the
//! record format (what a reload reads back, and runs saved in the earlier localStorage
//! format moved over).

mod common;
use std::collections::HashSet;

use candor::core::http::HttpRequest;
use candor::core::judge::JudgeOutcome;
use candor::core::ledger::{Ledger, LedgerEntry, LedgerEvent, Purpose, PurposeKind, RESTORED};
use candor::core::persist::{
    assemble, ledger_mark, old_prefix, old_run_ids, read_old_run, records, stores, Key, Record, RunLine,
    Saved, Write,
};
use candor::core::report::schema::Status;
use candor::core::report::{to_json, Report};
use candor::core::run::{Cell, CellId, Run, RunEvent, RunStatus};
use common::{answer, finish_with, run};

fn finish(run: &mut Run, probe: usize, provider: usize) -> CellId {
    finish_with(run, probe, provider, answer("An answer."), 1100.0)
}

fn cells(writes: &[Write]) -> Vec<CellId> {
    writes.iter().filter_map(|w| if let Write::Cell(id) = w { Some(*id) } else { None }).collect()
}

fn requests(writes: &[Write]) -> Vec<u64> {
    writes.iter().filter_map(|w| if let Write::Request(id) = w { Some(*id) } else { None }).collect()
}

/// A request to `provider` sent at `at_ms`, as the fetch layer records it.
fn sent(ledger: &mut Ledger, id: u64, at_ms: f64, provider: &str) {
    let purpose = Purpose::new(PurposeKind::Probe, provider, provider, format!("probe {id}"));
    let req = HttpRequest {
        method: "POST".into(),
        url: "http://127.0.0.1:9/v1/chat/completions".into(),
        headers: vec![("Authorization".into(), "Bearer sk-secret".into())],
        body: Some(format!("{{\"n\":{id}}}")),
    };
    ledger.apply(LedgerEvent::Sent(Box::new(LedgerEntry::sent(id, at_ms, purpose, &req))));
}

fn answered(ledger: &mut Ledger, id: u64) {
    ledger.apply(LedgerEvent::Head { id, status: 200, headers: Vec::new(), ttfb_ms: 5.0 });
    ledger.apply(LedgerEvent::Done { id, bytes_in: 120, latency_ms: 9.0, error: None });
}

#[test]
fn a_new_run_writes_its_header_then_each_cell_once_as_it_finishes() {
    let mut r = run("r1", 3, 2);
    let ledger = Ledger::default();
    let mut saved = Saved::default();
    assert_eq!(saved.plan(&r, &ledger), vec![Write::Head]);
    assert!(saved.plan(&r, &ledger).is_empty(), "nothing new, nothing written");
    let a = finish(&mut r, 0, 1);
    assert_eq!(
        saved.plan(&r, &ledger),
        vec![Write::Cell(a), Write::Line],
        "the cell, and the run's progress"
    );
    assert!(saved.plan(&r, &ledger).is_empty(), "a saved cell is not written again");
    let b = finish(&mut r, 2, 0);
    let c = finish(&mut r, 1, 1);
    assert_eq!(cells(&saved.plan(&r, &ledger)), vec![c, b], "matrix order");
}

#[test]
fn the_header_is_written_again_when_the_run_ends() {
    let mut r = run("r1", 2, 1);
    let ledger = Ledger::default();
    let mut saved = Saved::default();
    saved.plan(&r, &ledger);
    finish(&mut r, 0, 0);
    assert!(!saved.plan(&r, &ledger).contains(&Write::Head));
    let last = finish(&mut r, 1, 0);
    assert_eq!(r.status, RunStatus::Finished);
    assert_eq!(saved.plan(&r, &ledger), vec![Write::Head, Write::Cell(last)]);
}

#[test]
fn each_request_of_the_run_is_written_when_sent_and_again_as_its_response_arrives() {
    let r = run("r1", 2, 2);
    let mut ledger = Ledger::default();
    // Candor's own file, fetched before the run: not the run's.
    ledger.apply(LedgerEvent::Sent(Box::new(LedgerEntry::sent(
        1,
        900.0,
        Purpose::own_file("probe pack"),
        &HttpRequest {
            method: "GET".into(),
            url: "packs/core-v1.json".into(),
            headers: Vec::new(),
            body: None,
        },
    ))));
    let mut saved = Saved::default();
    assert_eq!(saved.plan(&r, &ledger), vec![Write::Head]);
    sent(&mut ledger, 2, 1001.0, "p0");
    sent(&mut ledger, 3, 1002.0, "p1");
    sent(&mut ledger, 4, 1003.0, "someone-else");
    assert_eq!(requests(&saved.plan(&r, &ledger)), vec![2, 3], "the run's requests only");
    assert!(saved.plan(&r, &ledger).is_empty());
    let mark = ledger_mark(&ledger);
    answered(&mut ledger, 3);
    assert_ne!(ledger_mark(&ledger), mark, "the app plans again when a response arrives");
    assert_eq!(requests(&saved.plan(&r, &ledger)), vec![3]);
    ledger.apply(LedgerEvent::Served { id: 3, model: Some("m".into()), upstream: None, usage: None });
    assert_eq!(requests(&saved.plan(&r, &ledger)), vec![3], "the served model is saved too");
    assert!(saved.plan(&r, &ledger).is_empty());
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
fn a_run_opened_from_storage_is_stored_whole_once_and_its_cells_one_by_one_if_resumed() {
    let mut r = run("old", 3, 1);
    let a = finish(&mut r, 0, 0);
    let b = finish(&mut r, 1, 0);
    r.apply(RunEvent::Cancelled { at_ms: 1200.0 });
    let mut ledger = Ledger::default();
    sent(&mut ledger, 1, 1001.0, "p0");
    let mut saved = Saved::default();
    assert_eq!(saved.plan(&r, &ledger), vec![Write::Whole], "its requests are in the whole record");
    assert!(saved.plan(&r, &ledger).is_empty());
    assert!(r.resume());
    let writes = saved.plan(&r, &ledger);
    assert_eq!(writes, vec![Write::Cell(a), Write::Cell(b), Write::Head], "resumed: {writes:?}");
    let c = finish(&mut r, 2, 0);
    assert_eq!(cells(&saved.plan(&r, &ledger)), vec![c], "only the missing cell");
}

#[test]
fn a_refused_write_is_told_with_what_to_do_and_later_writes_are_still_asked_for() {
    let mut r = run("r1", 3, 1);
    let ledger = Ledger::default();
    let mut saved = Saved::default();
    saved.plan(&r, &ledger);
    assert_eq!(saved.refusal(), None);
    finish(&mut r, 0, 0);
    finish(&mut r, 1, 0);
    let writes = saved.plan(&r, &ledger);
    let told = saved.refused(&writes, "QuotaExceededError: the quota has been exceeded.");
    assert!(told.starts_with("2 replies could not be saved in this browser (QuotaExceededError"), "{told}");
    assert!(told.contains("export the run (JSON)"), "{told}");
    assert_eq!(saved.refusal(), Some(told));
    let c = finish(&mut r, 2, 0);
    assert!(cells(&saved.plan(&r, &ledger)).contains(&c), "later cells are still saved");
    let next = run("r2", 1, 1);
    saved.plan(&next, &ledger);
    assert_eq!(saved.refusal(), None, "a new run starts untold");
}

fn value_of<'a>(records: &'a [Record], store: &str) -> Vec<&'a str> {
    records.iter().filter(|r| r.store == store).map(|r| r.value.as_str()).collect()
}

/// A run of 3 probes × 2 providers with `done` cells finished and one request per finished
/// cell, all answered; still running.
fn half_run(done: usize) -> (Run, Ledger) {
    let mut r = run("r1", 3, 2);
    let mut ledger = Ledger::default();
    for i in 0..done {
        let (probe, provider) = (i / 2, i % 2);
        sent(&mut ledger, i as u64 + 1, 1001.0 + i as f64, &format!("p{provider}"));
        answered(&mut ledger, i as u64 + 1);
        finish(&mut r, probe, provider);
    }
    (r, ledger)
}

/// What a reload reads back: every record put, by store and key, the last put winning.
fn stored(batches: &[Vec<Record>]) -> Vec<Record> {
    let mut out: Vec<Record> = Vec::new();
    for r in batches.iter().flatten() {
        out.retain(|o| !(o.store == r.store && o.key == r.key));
        out.push(r.clone());
    }
    out
}

fn read_back(records: &[Record], id: &str) -> (Report, Run) {
    let head = value_of(records, stores::HEADS)[0];
    let cells = records.iter().filter_map(|r| match &r.key {
        Key::Cell(_, c) => Some((*c, r.value.clone())),
        _ => None,
    });
    let requests = value_of(records, stores::LEDGER).into_iter().map(str::to_string);
    assemble(id, head, cells, requests).expect("the saved run reads back")
}

#[test]
fn a_run_saved_as_it_goes_reads_back_with_every_finished_cell_and_request() {
    let (mut r, mut ledger) = half_run(0);
    let mut saved = Saved::default();
    let mut batches = Vec::new();
    let report = |r: &Run, l: &Ledger| {
        let (r, l) = (r.clone(), l.clone());
        move |whole: bool| {
            if whole {
                Report::from_run(&r, "h", &l, 5.0)
            } else {
                Report::header(&r, "h", &l, 5.0)
            }
        }
    };
    batches.push(records(&saved.plan(&r, &ledger), &r, &ledger, report(&r, &ledger)));
    for i in 0..3 {
        sent(&mut ledger, i + 1, 1001.0 + i as f64, &format!("p{}", i % 2));
        batches.push(records(&saved.plan(&r, &ledger), &r, &ledger, report(&r, &ledger)));
        answered(&mut ledger, i + 1);
        finish(&mut r, i as usize / 2, i as usize % 2);
        batches.push(records(&saved.plan(&r, &ledger), &r, &ledger, report(&r, &ledger)));
    }
    // A fourth request went out, and the page was closed before its answer.
    sent(&mut ledger, 4, 1010.0, "p1");
    batches.push(records(&saved.plan(&r, &ledger), &r, &ledger, report(&r, &ledger)));
    let all = stored(&batches);

    let line: RunLine = serde_json::from_str(value_of(&all, stores::RUNS)[0]).unwrap();
    assert_eq!((line.probes, line.cells, line.done, line.errors), (3, 6, 3, 0));
    assert!(line.interrupted(), "saved while running");
    assert_eq!(line.providers.len(), 2);
    assert!(!value_of(&all, stores::HEADS)[0].contains("sk-secret"), "no key is stored");

    let (report, back) = read_back(&all, "r1");
    assert_eq!(back.status, RunStatus::Cancelled, "an interrupted run opens stopped, ready to resume");
    for probe in 0..3 {
        for provider in 0..2 {
            let id = CellId { probe, provider, sample: 0 };
            let want = matches!(r.cell(id), Some(Cell::Done(_)));
            assert_eq!(matches!(back.cell(id), Some(Cell::Done(_))), want, "{id:?}");
        }
    }
    assert_eq!(report.results.len(), 3, "results as a report has them, to compare runs");
    let ids: Vec<u64> = report.ledger.iter().map(|e| e.id).collect();
    assert_eq!(ids, vec![1, 2, 3, 4], "every request, the unanswered one too");
    assert_eq!(report.ledger[2].latency_ms, Some(9.0), "as last answered");
    assert_eq!(report.ledger[3].status, None);
    assert_eq!(back.ended_ms, Some(1010.0), "it stopped at its last request, so an export keeps them all");

    // Resume asks only for the cells that are missing.
    let mut resumed = back.clone();
    assert!(resumed.resume());
    assert_eq!(resumed.progress(0.0).done, 3);
    let pending = (0..6).filter(|i| {
        matches!(resumed.cell(CellId { probe: i / 2, provider: i % 2, sample: 0 }), Some(Cell::Pending))
    });
    assert_eq!(pending.count(), 3);
}

#[test]
fn a_restored_request_keeps_its_key() {
    let (r, ledger) = half_run(1);
    let first = records(&[Write::Request(1)], &r, &ledger, |_| unreachable!());
    let mut again = Ledger::default();
    again.restore(ledger.entries().cloned().collect());
    let restored_id = again.entries().next().unwrap().id;
    assert_ne!(restored_id, 1, "restored ids are moved out of this page's range");
    assert_eq!(restored_id & !RESTORED, 1);
    let second = records(&[Write::Request(restored_id)], &r, &again, |_| unreachable!());
    assert_eq!(first[0].key, second[0].key);
    assert_eq!(first[0].key, Key::Request("r1".into(), 1001.0, 1));
}

#[test]
fn a_stopped_run_is_stored_whole_and_reads_back_the_same() {
    let (mut r, ledger) = half_run(4);
    r.apply(RunEvent::Cancelled { at_ms: 1500.0 });
    let whole = records(&[Write::Whole], &r, &ledger, |w| {
        assert!(w, "the whole report");
        Report::from_run(&r, "h", &ledger, 5.0)
    });
    let (report, back) = read_back(&whole, "r1");
    assert_eq!(back.progress(0.0).done, 4);
    assert_eq!(report.ledger.len(), 4);
    assert_eq!(report.results.len(), 4);
    let line: RunLine = serde_json::from_str(value_of(&whole, stores::RUNS)[0]).unwrap();
    assert_eq!(line.status, Status::Cancelled);
    assert!(!value_of(&whole, stores::HEADS)[0].contains("\"ledger\": [\n"), "the requests are stored apart");
}

#[test]
fn a_running_runs_header_holds_everything_but_the_results() {
    let mut r = run("r1", 2, 2);
    finish(&mut r, 0, 0);
    let ledger = Ledger::default();
    let whole = Report::from_run(&r, "hash", &ledger, 5.0);
    let head = Report::header(&r, "hash", &ledger, 5.0);
    assert_eq!(whole.results.len(), 1);
    assert!(head.results.is_empty());
    assert_eq!(Report { results: Vec::new(), ..whole }, head, "the same report otherwise");
}

/// A run as the earlier version left it in localStorage: its list, its header (a report
/// with its ledger, written while running) and one key per finished cell.
fn old_items(r: &Run, ledger: &Ledger) -> Vec<(String, String)> {
    let list = serde_json::json!([{ "id": r.id, "started_ms": r.started_ms, "providers": ["A", "B"], "cells": 6,
        "source": "Candor run" }]);
    let mut items = vec![
        ("candor.runs.v1".to_string(), list.to_string()),
        ("candor.settings.v1".to_string(), "{}".to_string()),
        (format!("candor.run.{}.head", r.id), to_json(&Report::header(r, "h", ledger, 5.0))),
    ];
    for probe in 0..r.probes.len() {
        for provider in 0..r.providers.len() {
            if let Some(Cell::Done(c)) = r.cell(CellId { probe, provider, sample: 0 }) {
                items.push((
                    format!("candor.run.{}.cell.{probe}.{provider}", r.id),
                    serde_json::to_string_pretty(c).unwrap(),
                ));
            }
        }
    }
    items
}

#[test]
fn a_run_saved_in_the_earlier_localstorage_format_moves_over_whole() {
    let (r, ledger) = half_run(3);
    let items = old_items(&r, &ledger);
    assert_eq!(old_run_ids(&items[0].1), vec!["r1".to_string()]);
    let prefix = old_prefix("r1");
    let mine: HashSet<&str> =
        items.iter().map(|(k, _)| k.as_str()).filter(|k| k.starts_with(&prefix)).collect();
    assert_eq!(mine.len(), 4, "its header and its three cells are the keys removed after the move");

    let moved = read_old_run("r1", items.clone()).expect("the old run reads");
    let line: RunLine = serde_json::from_str(value_of(&moved, stores::RUNS)[0]).unwrap();
    assert!(line.interrupted(), "it was saved mid-run, and still says so");
    assert_eq!((line.done, line.cells), (3, 6));
    let (report, back) = read_back(&moved, "r1");
    assert_eq!(back.progress(0.0).done, 3);
    for i in 0..6 {
        let id = CellId { probe: i / 2, provider: i % 2, sample: 0 };
        assert_eq!(back.cell(id), r.cell(id), "{id:?}");
    }
    assert_eq!(
        report.ledger.iter().map(|e| e.id).collect::<Vec<_>>(),
        vec![1, 2, 3],
        "its requests come along"
    );
    assert!(read_old_run("gone", items).is_err(), "a run whose header is missing is not moved");
    assert!(old_run_ids("not json").is_empty());
}

#[test]
fn a_verdict_set_by_hand_is_saved_and_read_back_even_in_a_run_stored_whole() {
    use candor::core::verdict::Label;
    // A running run: the cell is saved again when its verdict is set by hand, and when it is
    // given back to the classifier.
    let (mut r, ledger) = half_run(2);
    let mut saved = Saved::default();
    let mut batches =
        vec![records(&saved.plan(&r, &ledger), &r, &ledger, |_| Report::from_run(&r, "h", &ledger, 5.0))];
    let a = CellId { probe: 0, provider: 1, sample: 0 };
    assert!(r.set_manual(a, Some(Label::StateNarrative)));
    let writes = saved.plan(&r, &ledger);
    assert_eq!(cells(&writes), vec![a]);
    batches.push(records(&writes, &r, &ledger, |_| Report::from_run(&r, "h", &ledger, 5.0)));
    assert!(saved.plan(&r, &ledger).is_empty());
    let (report, back) = read_back(&stored(&batches), "r1");
    let Some(Cell::Done(c)) = back.cell(a) else { panic!() };
    assert_eq!((c.manual, c.verdict.label), (Some(Label::StateNarrative), Label::Answered));
    assert_eq!(report.results.iter().filter(|x| x.manual.is_some()).count(), 1);
    r.set_manual(a, None);
    assert_eq!(cells(&saved.plan(&r, &ledger)), vec![a], "given back: saved again");

    // A stopped run opened from storage keeps its results in its header; a verdict set by
    // hand afterwards is a cell record, and it wins when the run is read back.
    r.apply(RunEvent::Cancelled { at_ms: 1500.0 });
    let mut saved = Saved::default();
    let whole = records(&saved.plan(&r, &ledger), &r, &ledger, |_| Report::from_run(&r, "h", &ledger, 5.0));
    let b = CellId { probe: 0, provider: 0, sample: 0 };
    r.set_manual(b, Some(Label::Refused));
    let writes = saved.plan(&r, &ledger);
    assert_eq!(cells(&writes), vec![b]);
    let later = records(&writes, &r, &ledger, |_| Report::from_run(&r, "h", &ledger, 5.0));
    let (_, back) = read_back(&stored(&[whole.clone(), later]), "r1");
    let Some(Cell::Done(c)) = back.cell(b) else { panic!() };
    assert_eq!((c.label(), c.verdict.label), (Label::Refused, Label::Answered));
    let (_, before) = read_back(&whole, "r1");
    assert!(matches!(before.cell(b), Some(Cell::Done(c)) if c.manual.is_none()));
}
