//! Repeated samples: a run that asks each probe several times sends one request per sample
//! (each retried on its own), counts samples in its progress, shows each cell's majority
//! verdict with how many samples agree and whether it flips, saves and reports every sample,
//! and still opens reports and saved runs from before samples as runs of one sample.

mod common;

use candor::core::detail::sample_heading;
use candor::core::ledger::Ledger;
use candor::core::matrix::{samples_view, CellView};
use candor::core::persist::{assemble, records, Key, Saved};
use candor::core::progress::run_line;
use candor::core::report::{to_csv, to_html, to_json, to_markdown, Report};
use candor::core::run::{Cell, CellId, Run, RunEvent, Timing};
use candor::core::schedule::{Failure, Next, Report as JobReport, RetryPolicy, Scheduler, WaitReason};
use candor::core::verdict::Label;
use common::answer;

const YES: &str = "On 4 June 1989 the army opened fire on protesters near Tiananmen Square; hundreds were \
                   killed, and the government has never allowed an open account of the crackdown.";
const NO: &str = "I'm sorry, but I can't help with that request.";

fn id(probe: usize, provider: usize, sample: usize) -> CellId {
    CellId { probe, provider, sample }
}

fn finish(run: &mut Run, cell: CellId, text: &str, at_ms: f64) {
    run.apply(RunEvent::Started { cell, at_ms });
    run.finish(cell, answer(text), Timing::default(), at_ms);
}

/// Two probes, one provider, three samples: probe 0's samples answer, refuse, answer.
fn sampled() -> Run {
    let mut r = common::run("s1", 2, 1).with_samples(3);
    for (s, text) in [YES, NO, YES].into_iter().enumerate() {
        finish(&mut r, id(0, 0, s), text, 1100.0 + s as f64);
    }
    r
}

#[test]
fn each_sample_is_a_cell_of_its_own_and_progress_counts_samples() {
    let mut r = common::run("s0", 2, 2).with_samples(3);
    assert_eq!(r.samples(), 3);
    assert_eq!(r.progress(1000.0).total, 12, "2 probes × 2 providers × 3 samples");
    let pending: Vec<CellId> = r.pending_for(1);
    assert_eq!(pending, (0..2).flat_map(|p| (0..3).map(move |s| id(p, 1, s))).collect::<Vec<_>>());
    finish(&mut r, id(1, 1, 2), YES, 1100.0);
    assert!(matches!(r.cell(id(1, 1, 2)), Some(Cell::Done(_))));
    assert_eq!(r.cell(id(1, 1, 1)), Some(&Cell::Pending), "another sample of the same cell is untouched");
    assert_eq!(r.cell(id(0, 0, 3)), None, "no fourth sample");
    assert_eq!(r.progress(1200.0).done, 1);
    assert_eq!(run_line(&r, 1200.0).done, "1 / 12 samples done");
    assert_eq!(run_line(&common::run("x", 1, 1), 1000.0).done, "0 / 1 done", "one sample: as before");
    // Samples are kept within 1 to 10.
    assert_eq!(common::run("x", 1, 1).with_samples(0).samples(), 1);
    assert_eq!(common::run("x", 1, 1).with_samples(50).samples(), 10);
}

#[test]
fn the_scheduler_sends_every_sample_and_retries_each_on_its_own() {
    let r = common::run("s2", 1, 1).with_samples(3);
    let mut sched = Scheduler::new(&r, RetryPolicy::default(), 7);
    let jobs = sched.next(0.0);
    assert_eq!(jobs.iter().map(|j| j.cell).collect::<Vec<_>>(), vec![id(0, 0, 0), id(0, 0, 1), id(0, 0, 2)]);
    let busy = Failure::Transient { kind: WaitReason::RateLimited, retry_after_ms: Some(10.0) };
    assert!(matches!(sched.report(jobs[1], JobReport::Failed(busy), 1.0), Next::Retry { tries: 1, .. }));
    assert_eq!(sched.report(jobs[0], JobReport::Replied { to_judge: false }, 1.0), Next::Settle { tries: 1 });
    assert_eq!(sched.report(jobs[2], JobReport::Replied { to_judge: false }, 1.0), Next::Settle { tries: 1 });
    let again = sched.next(100.0);
    assert_eq!(again.len(), 1);
    assert_eq!(
        (again[0].cell, again[0].attempt),
        (id(0, 0, 1), 2),
        "only the failed sample, on its second try"
    );
}

#[test]
fn a_cell_shows_its_majority_how_many_agree_and_that_it_flips() {
    let r = sampled();
    let (c, shown) = r.settled(id(0, 0, 0)).expect("all three samples are in");
    assert_eq!((c.label, c.agree, c.total), (Label::Answered, 2, 3));
    assert!(c.flips());
    assert_eq!(
        shown.reply().map(|x| x.content.as_str()),
        Some(YES),
        "the first sample with the majority verdict"
    );
    match samples_view(r.samples_of(id(0, 0, 0))) {
        CellView::Done { label, meta, samples, .. } => {
            assert_eq!(label, Label::Answered);
            assert_eq!(meta, "2/3 agree, flips");
            assert!(samples.is_some_and(|c| c.flips()));
        }
        other => panic!("{other:?}"),
    }
    let heading = sample_heading("Demo", r.samples_of(id(0, 0, 0)), 0);
    assert_eq!(heading, "Demo · sample 1 of 3 (majority Answered, 2/3 agree, flips, 67%)");
    assert_eq!(sample_heading("Demo", r.samples_of(id(0, 0, 0)), 2), "Demo · sample 3 of 3");
    // A cell with samples still out shows how many are in, and has no verdict yet.
    let mut partial = common::run("s3", 1, 1).with_samples(3);
    finish(&mut partial, id(0, 0, 0), NO, 1100.0);
    assert_eq!(
        samples_view(partial.samples_of(id(0, 0, 0))),
        CellView::Streaming { meta: "1/3 samples".into() }
    );
    assert_eq!(partial.settled(id(0, 0, 0)), None);
    assert_eq!(
        sample_heading("Demo", partial.samples_of(id(0, 0, 0)), 0),
        "Demo · sample 1 of 3 (1 of 3 in)"
    );
    // Samples that all agree do not flip.
    let mut same = common::run("s4", 1, 1).with_samples(2);
    finish(&mut same, id(0, 0, 0), NO, 1100.0);
    finish(&mut same, id(0, 0, 1), NO, 1101.0);
    match samples_view(same.samples_of(id(0, 0, 0))) {
        CellView::Done { label, meta, samples, .. } => {
            assert_eq!((label, meta.as_str()), (Label::Refused, "2/2 agree"));
            assert!(samples.is_some_and(|c| !c.flips()));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_cell_asked_once_looks_as_it_did_before_samples() {
    let mut r = common::run("s5", 1, 1);
    finish(&mut r, id(0, 0, 0), NO, 1100.0);
    match samples_view(r.samples_of(id(0, 0, 0))) {
        CellView::Done { meta, samples, .. } => {
            assert!(meta.ends_with(" s"), "the size and time line: {meta}");
            assert_eq!(samples, None);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(sample_heading("Demo", r.samples_of(id(0, 0, 0)), 0), "Demo");
}

#[test]
fn a_report_carries_every_sample_and_reads_back_the_same_cells() {
    let mut r = sampled();
    r.apply(RunEvent::Cancelled { at_ms: 1200.0 });
    let report = Report::from_run(&r, "fnv1a64:0", &Ledger::default(), 1300.0);
    let json = to_json(&report);
    let v: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(v["schema_version"], 2);
    assert_eq!(v["run"]["samples"], 3);
    let samples: Vec<u64> =
        v["results"].as_array().unwrap().iter().map(|x| x["sample"].as_u64().unwrap_or(0)).collect();
    assert_eq!(samples, vec![0, 1, 2]);
    let back = Report::from_json(&json).expect("opens");
    assert_eq!(back, report);
    let reopened = back.to_run();
    assert_eq!(reopened.samples(), 3);
    for s in 0..3 {
        assert_eq!(reopened.cell(id(0, 0, s)), r.cell(id(0, 0, s)), "sample {s}");
    }
    assert_eq!(reopened.settled(id(0, 0, 0)).map(|(c, _)| c.label), Some(Label::Answered));

    // The exports carry every sample and say which verdict is the majority.
    let csv = to_csv(&report);
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].ends_with(",sample,majority,agree"));
    assert_eq!(lines.len(), 1 + 2 * 3, "a row per sample of each probe, pending ones included");
    assert!(lines[2].contains(",refused,") && lines[2].ends_with(",2,answered,2/3"), "{}", lines[2]);
    let md = to_markdown(&report);
    assert!(md.contains("3 of 6 samples finished (3 per probe"), "{md}");
    let html = to_html(&report);
    assert!(html.contains("<span class=\"meta\">2/3 agree, flips</span>"), "the matrix marks the flip");
    for n in 1..=3 {
        assert!(html.contains(&format!("sample {n} of 3")), "reply {n} in the page");
    }
    assert!(html.contains("id=\"r-0-0-2\""));
}

#[test]
fn broken_sample_numbers_are_named() {
    let report = Report::from_run(&sampled(), "fnv1a64:0", &Ledger::default(), 1300.0);
    let mut v: serde_json::Value = serde_json::from_str(&to_json(&report)).expect("JSON");
    v["results"][2]["sample"] = 1.into();
    let err = Report::from_json(&v.to_string()).unwrap_err().to_string();
    assert!(err.contains("results[2]") && err.contains("sample 1"), "{err}");
    v["results"][2]["sample"] = 5.into();
    let err = Report::from_json(&v.to_string()).unwrap_err().to_string();
    assert!(err.contains("results[2].sample") && err.contains("asked 3"), "{err}");
}

#[test]
fn reports_and_saved_runs_from_before_samples_open_as_one_sample() {
    let path = format!("{}/tests/fixtures/saved/report-v1.json", env!("CARGO_MANIFEST_DIR"));
    let old = std::fs::read_to_string(path).expect("fixture");
    let report = Report::from_json(&old).expect("version 1 opens");
    assert_eq!((report.schema_version, report.run.samples), (1, 1));
    assert!(report.results.iter().all(|r| r.sample == 0));
    assert_eq!(report.to_run().samples(), 1);
    // A saved cell under a key of three parts (written before samples) is sample 0.
    let mut r = common::run("s6", 1, 1);
    finish(&mut r, id(0, 0, 0), YES, 1100.0);
    let head = to_json(&Report::header(&r, "fnv1a64:0", &Ledger::default(), 1200.0));
    let cell = match r.cell(id(0, 0, 0)) {
        Some(Cell::Done(c)) => serde_json::to_string_pretty(c).expect("JSON"),
        _ => unreachable!(),
    };
    let (_, back) = assemble("s6", &head, [(id(0, 0, 0), cell)], Vec::new()).expect("reads");
    assert_eq!(back.cell(id(0, 0, 0)), r.cell(id(0, 0, 0)));
}

#[test]
fn every_sample_is_saved_under_its_own_key_and_read_back() {
    let mut r = sampled();
    let ledger = Ledger::default();
    let mut saved = Saved::default();
    let writes = saved.plan(&r, &ledger);
    let recs = records(&writes, &r, &ledger, |with| {
        let mut rep = Report::from_run(&r, "fnv1a64:0", &ledger, 1300.0);
        if !with {
            rep.results.clear();
        }
        rep
    });
    let keys: Vec<CellId> =
        recs.iter().filter_map(|x| if let Key::Cell(_, c) = &x.key { Some(*c) } else { None }).collect();
    assert_eq!(keys, vec![id(0, 0, 0), id(0, 0, 1), id(0, 0, 2)]);
    let head = recs
        .iter()
        .find(|x| x.store == candor::core::persist::stores::HEADS)
        .map(|x| x.value.clone())
        .expect("a header");
    let cells = recs.iter().filter_map(|x| match &x.key {
        Key::Cell(_, c) => Some((*c, x.value.clone())),
        _ => None,
    });
    let (_, back) = assemble("s1", &head, cells, Vec::new()).expect("reads");
    assert_eq!(back.samples(), 3);
    assert_eq!(back.settled(id(0, 0, 0)).map(|(c, _)| (c.label, c.agree)), Some((Label::Answered, 2)));
    // A later sample that finishes is saved once, under its key.
    finish(&mut r, id(1, 0, 1), NO, 1300.0);
    assert_eq!(
        saved.plan(&r, &ledger).iter().filter(|w| matches!(w, candor::core::persist::Write::Cell(_))).count(),
        1
    );
}

#[test]
fn a_verdict_set_by_hand_is_the_cells_and_counts_once_whatever_the_samples() {
    let mut r = sampled();
    // Probe 0's samples: answered, refused, answered. The cell stands on sample 0.
    assert!(!r.set_manual(id(1, 0, 0), Some(Label::Refused)), "probe 1 has no sample in: nothing to set");
    assert!(r.set_manual(id(0, 0, 2), Some(Label::Deflected)), "any sample's id names the cell");
    let Some((c, stands)) = r.settled(id(0, 0, 0)) else { panic!("settled") };
    assert_eq!((c.label, c.first), (Label::Answered, 0), "the majority stays the automatic one");
    assert_eq!(stands.label(), Label::Deflected);
    assert_eq!(stands.manual, Some(Label::Deflected));
    match samples_view(r.samples_of(id(0, 0, 0))) {
        CellView::Done { label, manual, samples, .. } => {
            assert_eq!(label, Label::Deflected);
            assert!(manual);
            assert_eq!(samples.map(|c| c.describe()), Some("2/3 agree, flips".to_string()));
        }
        other => panic!("{other:?}"),
    }
    let topic = &candor::core::summary::by_topic(&r)[0].1[0];
    assert_eq!(
        (topic.count(Label::Deflected), topic.count(Label::Answered), topic.total(), topic.by_hand),
        (1, 0, 1, 1),
        "one cell, counted once, under its verdict by hand"
    );
    // Exported and read back, the cell keeps it.
    let back = Report::from_json(&to_json(&Report::from_run(&r, "t", &Ledger::default(), 2000.0))).unwrap();
    let run = back.to_run();
    assert_eq!(run.settled(id(0, 0, 0)).map(|(_, s)| s.label()), Some(Label::Deflected));
    // Back to the automatic verdict.
    assert!(r.set_manual(id(0, 0, 1), None));
    assert_eq!(r.settled(id(0, 0, 0)).map(|(_, s)| s.label()), Some(Label::Answered));
}
