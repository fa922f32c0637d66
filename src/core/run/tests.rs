use super::*;
use crate::core::dialect::DialectError;
use crate::core::dialect::Reply;
use crate::core::judge::JudgeOutcome;
use crate::core::verdict::Label;
use crate::core::verdict::Outcome;

fn run(n_probes: usize, n_providers: usize) -> Run {
    let pack = Pack::builtin();
    let probes = pack.probes.iter().take(n_probes).cloned().collect();
    let providers = (0..n_providers)
        .map(|i| {
            let mut p = ProviderConfig::demo();
            p.id = format!("p{i}").into();
            RunProvider::from(&p)
        })
        .collect();
    Run::new("r1".into(), &pack, probes, providers, 1000.0)
}

fn reply(text: &str) -> Outcome {
    Outcome::Reply {
        reply: Reply { content: text.into(), finish_reason: Some("stop".into()), ..Reply::default() },
        cut_short: None,
    }
}

#[test]
fn cells_move_pending_running_done_and_the_run_finishes() {
    let mut r = run(2, 2);
    assert_eq!(r.pending_for(0).len(), 2);
    let c = CellId { probe: 0, provider: 1, sample: 0 };
    r.apply(RunEvent::Started { cell: c, at_ms: 1010.0 });
    r.apply(RunEvent::Delta { cell: c, content: "Hel".into(), reasoning: "r".into() });
    r.apply(RunEvent::Delta { cell: c, content: "lo".into(), reasoning: String::new() });
    match r.cell(c) {
        Some(Cell::Running { content, reasoning, .. }) => {
            assert_eq!((content.as_str(), reasoning.as_str()), ("Hello", "r"))
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(r.progress(1020.0).running, 1);
    assert_eq!(r.pending_for(1), vec![CellId { probe: 1, provider: 1, sample: 0 }]);
    for probe in 0..2 {
        for provider in 0..2 {
            let cell = CellId { probe, provider, sample: 0 };
            r.apply(RunEvent::Started { cell, at_ms: 1020.0 });
            r.finish(cell, reply("I can't help with that."), Timing::default(), 1500.0);
        }
    }
    assert_eq!(r.status, RunStatus::Finished);
    let p = r.progress(2000.0);
    assert_eq!((p.done, p.total, p.errors, p.eta_ms), (4, 4, 0, None));
    match r.cell(c) {
        Some(Cell::Done(res)) => assert_eq!(res.verdict.label, Label::Refused),
        other => panic!("{other:?}"),
    }
}

#[test]
fn cancel_keeps_finished_cells_and_returns_running_ones_to_pending() {
    let mut r = run(3, 1);
    let a = CellId { probe: 0, provider: 0, sample: 0 };
    let b = CellId { probe: 1, provider: 0, sample: 0 };
    r.apply(RunEvent::Started { cell: a, at_ms: 1001.0 });
    r.finish(
        a,
        Outcome::Dialect(DialectError::Http { status: 429, message: "slow down".into(), body: "{}".into() }),
        Timing::default(),
        1500.0,
    );
    r.apply(RunEvent::Started { cell: b, at_ms: 1002.0 });
    let p = r.progress(1100.0);
    assert_eq!((p.done, p.errors, p.running), (1, 1, 1));
    assert!(p.eta_ms.is_some());
    r.apply(RunEvent::Cancelled { at_ms: 1200.0 });
    assert_eq!(r.status, RunStatus::Cancelled);
    assert_eq!(r.cell(b), Some(&Cell::Pending));
    assert!(matches!(r.cell(a), Some(Cell::Done(_))));
    // No new request starts after a cancel, but a reply already on its way is kept.
    r.apply(RunEvent::Started { cell: CellId { probe: 2, provider: 0, sample: 0 }, at_ms: 1300.0 });
    assert_eq!(r.cell(CellId { probe: 2, provider: 0, sample: 0 }), Some(&Cell::Pending));
    r.finish(b, reply("late"), Timing::default(), 1500.0);
    assert!(matches!(r.cell(b), Some(Cell::Done(_))));
    assert_eq!(r.progress(1400.0).eta_ms, None);
}

#[test]
fn late_and_unknown_events_are_ignored() {
    let mut r = run(1, 1);
    let c = CellId { probe: 0, provider: 0, sample: 0 };
    r.finish(c, reply("first"), Timing::default(), 1500.0);
    r.finish(c, reply("second"), Timing::default(), 1500.0);
    r.apply(RunEvent::Delta { cell: c, content: "x".into(), reasoning: String::new() });
    r.apply(RunEvent::Started { cell: CellId { probe: 5, provider: 9, sample: 0 }, at_ms: 0.0 });
    match r.cell(c) {
        Some(Cell::Done(res)) => assert_eq!(res.reply().map(|r| r.content.as_str()), Some("first")),
        other => panic!("{other:?}"),
    }
    assert_eq!(r.status, RunStatus::Finished);
}

#[test]
fn a_sensitive_answer_much_shorter_than_its_control_is_judged_again_when_the_control_arrives() {
    let pack = Pack::builtin();
    let sensitive = pack.probes.iter().find(|p| p.control.is_some() && p.lang.tag() == "en").unwrap().clone();
    let control = pack.probe(sensitive.control.as_deref().unwrap()).unwrap().clone();
    let provider = RunProvider::from(&ProviderConfig::demo());
    let mut r = Run::new("r".into(), &pack, vec![sensitive.clone(), control.clone()], vec![provider], 0.0);
    let s = CellId { probe: 0, provider: 0, sample: 0 };
    let c = CellId { probe: 1, provider: 0, sample: 0 };
    let facts = sensitive.expect.iter().take(2).cloned().collect::<Vec<_>>().join(" and ");
    r.finish(s, reply(&format!("It involved {facts}.")), Timing::default(), 1.0);
    let long = format!("{} ", control.expect.join(", ")).repeat(30);
    r.finish(c, reply(&long), Timing::default(), 2.0);
    match r.cell(s) {
        Some(Cell::Done(res)) => {
            assert!(
                res.verdict
                    .signals
                    .iter()
                    .any(|g| g.name == crate::core::verdict::SignalKind::ShorterThanControl),
                "{:?}",
                res.verdict
            )
        }
        other => panic!("{other:?}"),
    }
}

/// The engine judges as replies arrive, and a reload can fall between a sensitive reply and
/// its control: the plan the resumed engine gets still says which reply to judge again.
#[test]
fn the_engine_judges_a_sensitive_reply_again_when_its_control_arrives_after_a_resume() {
    use crate::core::engine::Plan;
    let pack = Pack::builtin();
    let sensitive = pack.probes.iter().find(|p| p.control.is_some() && p.lang.tag() == "en").unwrap().clone();
    let control = pack.probe(sensitive.control.as_deref().unwrap()).unwrap().clone();
    let provider = RunProvider::from(&ProviderConfig::demo());
    let mut page = Run::new("r".into(), &pack, vec![sensitive.clone(), control.clone()], vec![provider], 0.0);
    let (s, c) = (CellId { probe: 0, provider: 0, sample: 0 }, CellId { probe: 1, provider: 0, sample: 0 });
    let facts = sensitive.expect.iter().take(2).cloned().collect::<Vec<_>>().join(" and ");

    let mut engine = Judging::new(page.probes.clone(), Plan::of(&page).settled);
    let events = engine.finished(s, reply(&format!("It involved {facts}.")), Timing::default(), 1.0);
    assert_eq!(events.len(), 1, "the control answer is not in yet: only the reply itself");
    for e in events {
        page.apply(e);
    }
    let before = match page.cell(s) {
        Some(Cell::Done(r)) => r.verdict.clone(),
        other => panic!("{other:?}"),
    };
    assert!(!before.signals.iter().any(|g| g.name == crate::core::verdict::SignalKind::ShorterThanControl));

    // The page reloads: a new engine gets the plan as JSON, like the worker does.
    let plan: Plan = serde_json::from_str(&serde_json::to_string(&Plan::of(&page)).unwrap()).unwrap();
    assert_eq!(plan.pending, vec![vec![c]]);
    let mut resumed = Judging::new(page.probes.clone(), plan.settled);
    let long = format!("{} ", control.expect.join(", ")).repeat(30);
    let events = resumed.finished(c, reply(&long), Timing::default(), 2.0);
    assert!(matches!(events[0], RunEvent::Finished { cell, .. } if cell == c));
    assert!(
        matches!(&events[1], RunEvent::Rejudged { cell, verdict }
            if *cell == s && verdict.signals.iter().any(|g| g.name == crate::core::verdict::SignalKind::ShorterThanControl)),
        "{events:?}"
    );
    for e in events {
        page.apply(e);
    }
    match page.cell(s) {
        Some(Cell::Done(r)) => assert_ne!(r.verdict, before, "the page files the new verdict"),
        other => panic!("{other:?}"),
    }
    // Nothing is judged a third time: the reply is settled.
    assert_eq!(resumed.finished(c, reply("again"), Timing::default(), 3.0).len(), 1);
}

#[test]
fn clones_share_untouched_cells() {
    let mut r = run(2, 1);
    let before = r.clone();
    r.apply(RunEvent::Started { cell: CellId { probe: 0, provider: 0, sample: 0 }, at_ms: 1.0 });
    assert!(Rc::ptr_eq(&r.cells[1], &before.cells[1]));
    assert!(!Rc::ptr_eq(&r.cells[0], &before.cells[0]));
}

#[test]
fn with_a_judge_the_run_finishes_when_every_reply_is_rated_and_a_judge_error_keeps_the_verdict() {
    use crate::core::judge::{JudgeError, JudgeLabel, JudgeVerdict};
    let mut judge = ProviderConfig::demo();
    judge.id = "j".into();
    let mut r = run(2, 1).with_judge(Some(RunProvider::from(&judge)));
    let (a, b) = (CellId { probe: 0, provider: 0, sample: 0 }, CellId { probe: 1, provider: 0, sample: 0 });
    r.finish(a, reply("I can't help with that."), Timing::default(), 1.0);
    let error = Outcome::Transport("down".into());
    r.finish(b, error, Timing::default(), 2.0);
    // The failed request is not judged; the reply waits for the judge, and so does the run.
    assert_eq!(r.awaiting_judge(), vec![a]);
    assert_eq!(r.status, RunStatus::Running);
    assert_eq!(r.progress(3.0).judging, 1);
    let failed = JudgeOutcome::from(JudgeError::Empty);
    r.apply(RunEvent::Judged { cell: a, outcome: failed.clone(), at_ms: 4.0 });
    assert_eq!(r.status, RunStatus::Finished);
    let Some(Cell::Done(res)) = r.cell(a) else { panic!() };
    assert_eq!((res.verdict.label, res.judge.as_ref()), (Label::Refused, Some(&failed)));
    // A second rating for the same cell is ignored.
    let denial = JudgeVerdict { label: JudgeLabel::Denial, state_line: false, raw: String::new() };
    r.apply(RunEvent::Judged { cell: a, outcome: JudgeOutcome::Verdict(denial.clone()), at_ms: 5.0 });
    assert_eq!(r.judge_agreement().failed, 1);

    let mut r2 = run(1, 1).with_judge(Some(RunProvider::from(&judge)));
    r2.finish(a, reply("I can't help with that."), Timing::default(), 1.0);
    r2.apply(RunEvent::Cancelled { at_ms: 2.0 });
    assert!(r2.resume(), "an unrated reply is something to resume");
    r2.apply(RunEvent::Judged { cell: a, outcome: JudgeOutcome::Verdict(denial), at_ms: 3.0 });
    assert_eq!(r2.status, RunStatus::Finished);
    let agreement = r2.judge_agreement();
    assert_eq!((agreement.agreed, agreement.judged), (1, 1));
    assert!(!r2.resume());
}

#[test]
fn a_cell_waiting_for_a_retry_is_pending_and_the_run_bar_says_for_how_long_and_why() {
    use crate::core::run::WaitReason;
    let mut r = run(2, 1);
    let (a, b) = (CellId { probe: 0, provider: 0, sample: 0 }, CellId { probe: 1, provider: 0, sample: 0 });
    r.apply(RunEvent::Started { cell: a, at_ms: 1000.0 });
    r.apply(RunEvent::Started { cell: b, at_ms: 1000.0 });
    r.apply(RunEvent::Waiting { cell: a, until_ms: 13_000.0, reason: WaitReason::RateLimited, tries: 1 });
    r.apply(RunEvent::Waiting { cell: b, until_ms: 4_000.0, reason: WaitReason::NoResponse, tries: 2 });
    assert_eq!(r.pending_for(0), vec![a, b]);
    let w = r.progress(1_000.0).waiting.unwrap();
    assert_eq!((w.until_ms, w.reason, w.tries), (13_000.0, WaitReason::RateLimited, 1));
    assert_eq!(w.text(1_000.0), "waiting 12 s (rate limited)");
    assert_eq!(w.text(12_500.0), "waiting 1 s (rate limited)");
    // Sent again: no longer waiting.
    r.apply(RunEvent::Started { cell: a, at_ms: 13_000.0 });
    assert_eq!(r.progress(3_000.0).waiting.map(|w| w.reason), Some(WaitReason::NoResponse));
    assert_eq!(r.progress(5_000.0).waiting, None, "a wait that ran out is not shown");
    r.apply(RunEvent::Cancelled { at_ms: 6_000.0 });
    assert_eq!(r.progress(3_000.0).waiting, None);
    // A wait reported after the cancel changes nothing.
    r.apply(RunEvent::Waiting { cell: a, until_ms: 9_000.0, reason: WaitReason::Unavailable, tries: 1 });
    assert_eq!(r.cell(a), Some(&Cell::Pending));
    assert_eq!(r.progress(7_000.0).waiting, None);
}

/// The run's figures counted cell by cell, the slow way, to check the kept tally against.
fn recount(r: &Run) -> (usize, usize, usize, usize, Vec<crate::core::summary::Mix>) {
    let (mut done, mut errors, mut running, mut judging) = (0, 0, 0, 0);
    let mut mixes = vec![crate::core::summary::Mix::default(); r.providers.len()];
    for probe in 0..r.probes.len() {
        for (provider, mix) in mixes.iter_mut().enumerate() {
            match r.cell(CellId { probe, provider, sample: 0 }) {
                Some(Cell::Done(res)) => {
                    done += 1;
                    mix.add(res.verdict.label);
                    errors += usize::from(res.verdict.label == Label::Error);
                    judging += usize::from(r.judge.is_some() && res.awaits_judge());
                }
                Some(Cell::Running { .. }) => running += 1,
                _ => {}
            }
        }
    }
    (done, errors, running, judging, mixes)
}

#[test]
fn the_kept_figures_always_equal_a_recount_of_the_cells() {
    let mut judge = ProviderConfig::from_preset("j", crate::core::provider::Preset::Custom);
    judge.model = "judge".into();
    let mut r = run(12, 3).with_judge(Some(RunProvider::from(&judge)));
    let check = |r: &Run, when: &str| {
        let p = r.progress(5000.0);
        let (done, errors, running, judging, mixes) = recount(r);
        assert_eq!((p.done, p.errors, p.running, p.judging), (done, errors, running, judging), "{when}");
        assert_eq!(r.mixes(), mixes.as_slice(), "{when}");
    };
    let rated = JudgeOutcome::from(crate::core::judge::JudgeError::Request("offline".into()));
    for probe in 0..12 {
        for provider in 0..3 {
            let cell = CellId { probe, provider, sample: 0 };
            r.apply(RunEvent::Started { cell, at_ms: 1100.0 });
            check(&r, "started");
            let outcome = match (probe + provider) % 3 {
                0 => reply("I can't help with that."),
                1 => Outcome::Dialect(DialectError::Truncated),
                _ => reply("In 1989 the army cleared the square; hundreds were killed."),
            };
            if probe % 5 == 4 {
                r.apply(RunEvent::Aborted { cell });
                check(&r, "aborted");
                continue;
            }
            r.finish(cell, outcome, Timing::default(), 1200.0);
            check(&r, "finished");
            if probe % 2 == 0 {
                r.apply(RunEvent::Judged { cell, outcome: rated.clone(), at_ms: 1300.0 });
                check(&r, "judged");
            }
        }
    }
    let before = r.revision();
    r.apply(RunEvent::Cancelled { at_ms: 2000.0 });
    check(&r, "cancelled");
    assert_eq!(r.revision(), before, "no finished cell changed");
    assert!(r.resume());
    let cell = CellId { probe: 4, provider: 0, sample: 0 };
    r.apply(RunEvent::Started { cell, at_ms: 2100.0 });
    r.finish(cell, reply("Answered."), Timing::default(), 2200.0);
    check(&r, "resumed");
    assert!(r.revision() > before);
}
