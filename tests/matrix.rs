//! The matrix's content, worked out in core: a heading per topic (controls named after the
//! topic they mirror), one row per probe in order, and each cell's label, confidence step and
//! size line.

use candor::core::dialect::{DialectError, Reply};
use candor::core::matrix::{cell_view, rows, short, size, CellView, Row, Strength};
use candor::core::pack::{Pack, ProbeKind};
use candor::core::provider::ProviderConfig;
use candor::core::run::{CellId, Run, RunEvent, RunProvider, Timing};
use candor::core::verdict::{Label, Outcome};
use candor::core::view::MatrixView;

fn run_of(pack: &Pack, probes: Vec<candor::core::pack::Probe>) -> Run {
    Run::new("r".into(), pack, probes, vec![RunProvider::from(&ProviderConfig::demo())], 0.0)
}

#[test]
fn rows_head_each_topic_once_and_name_what_a_control_mirrors() {
    let pack = Pack::builtin();
    let sensitive = pack.probes.iter().find(|p| p.kind == ProbeKind::Sensitive).unwrap();
    let control = pack.probe(sensitive.control.as_deref().unwrap()).unwrap();
    let same_topic: Vec<_> =
        pack.probes.iter().filter(|p| p.topic == sensitive.topic).take(2).cloned().collect();
    assert_eq!(same_topic.len(), 2);
    let mut probes = same_topic.clone();
    probes.push(control.clone());
    let run = run_of(&pack, probes);
    let got = rows(&run, &pack, &MatrixView::default());
    let topic_name = pack.topic(&sensitive.topic).unwrap().display_name().to_string();
    assert_eq!(got.len(), 5, "{got:?}");
    assert_eq!(got[0], Row::Topic { name: topic_name.clone(), note: "sensitive".into(), control: false });
    assert_eq!(&got[1..3], &[Row::Probe(0), Row::Probe(1)]);
    match &got[3] {
        Row::Topic { note, control: true, .. } => assert_eq!(note, &format!("control for {topic_name}")),
        other => panic!("expected the control topic's heading, got {other:?}"),
    }
    assert_eq!(got[4], Row::Probe(2));
}

#[test]
fn cells_show_label_confidence_step_and_size() {
    let pack = Pack::builtin();
    let mut run = run_of(&pack, pack.probes.iter().take(2).cloned().collect());
    let (a, b) = (CellId { probe: 0, provider: 0, sample: 0 }, CellId { probe: 1, provider: 0, sample: 0 });
    assert_eq!(cell_view(run.cell(a)), CellView::Queued);
    run.apply(RunEvent::Started { cell: a, at_ms: 1.0 });
    run.apply(RunEvent::Delta { cell: a, content: "x".repeat(1240), reasoning: String::new() });
    assert_eq!(cell_view(run.cell(a)), CellView::Streaming { meta: "1.2k ch".into() });
    let reply = Reply {
        content: "I can't help with that.".into(),
        finish_reason: Some("stop".into()),
        ..Reply::default()
    };
    let timing = Timing { latency_ms: 3400.0, ..Timing::default() };
    run.finish(a, Outcome::Reply { reply, cut_short: None }, timing, 2.0);
    match cell_view(run.cell(a)) {
        CellView::Done { label, manual, first, confidence, strength, meta, title, samples, cut_short } => {
            assert_eq!(samples, None, "a cell asked once has no sample figures");
            assert!(!cut_short, "a reply that ended with a finish reason is whole");
            assert_eq!(label, Label::Refused);
            assert!(!manual);
            assert!(!first.is_empty() && title.ends_with(&format!("\n{first}")), "{title}");
            assert!(confidence.ends_with('%'));
            assert_eq!(meta, "23 ch · 3.4 s");
            assert!(title.starts_with("Refused ("), "{title}");
            assert_eq!(
                strength.class(),
                Strength::of(confidence.trim_end_matches('%').parse::<f32>().unwrap() / 100.0).class()
            );
        }
        other => panic!("{other:?}"),
    }
    run.apply(RunEvent::Started { cell: b, at_ms: 1.0 });
    let err = DialectError::Http { status: 500, message: "boom".into(), body: "boom".into() };
    run.finish(b, Outcome::Dialect(err), Timing::default(), 2.0);
    assert!(
        matches!(cell_view(run.cell(b)), CellView::Done { label: Label::Error, ref meta, .. } if meta == "error")
    );
}

#[test]
fn a_reply_cut_short_says_so_in_the_matrix_not_only_in_the_detail() {
    let pack = Pack::builtin();
    let mut run = run_of(&pack, pack.probes.iter().take(1).cloned().collect());
    let a = CellId { probe: 0, provider: 0, sample: 0 };
    run.apply(RunEvent::Started { cell: a, at_ms: 1.0 });
    let reply = Reply {
        content: "In June 1989 troops cleared the square, and hundreds of people were killed".into(),
        ..Reply::default()
    };
    let timing = Timing { latency_ms: 1200.0, ..Timing::default() };
    let why = "the connection closed before the stream's end".to_string();
    run.finish(a, Outcome::Reply { reply, cut_short: Some(why) }, timing, 2.0);
    match cell_view(run.cell(a)) {
        CellView::Done { meta, title, cut_short, label, .. } => {
            assert!(cut_short);
            assert_ne!(label, Label::Error, "the text that arrived still gets a verdict");
            assert_eq!(meta, "74 ch · 1.2 s · cut short");
            let first_line = title.lines().next().unwrap();
            assert!(first_line.ends_with("cut short"), "the tooltip says it too: {title}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn figures_are_short() {
    assert_eq!(
        (size(0), size(999), size(1000), size(1_049_000)),
        ("0".into(), "999".into(), "1.0k".into(), "1049.0k".into())
    );
    assert_eq!(
        (Strength::of(0.8), Strength::of(0.79), Strength::of(0.59)),
        (Strength::High, Strength::Mid, Strength::Low)
    );
    assert_eq!(short("天安门事件", 3), "天安门…");
    assert_eq!(short("abc", 3), "abc");
}

#[test]
fn a_big_matrix_draws_the_rows_in_view_and_spacers_that_add_up_to_the_rest() {
    use candor::core::matrix::{window, OVERSCAN, ROW_PX, VIRTUAL_FROM};
    // Small matrices draw every row (find-in-page sees them all).
    let small = window(VIRTUAL_FROM, 5_000.0, 800.0);
    assert_eq!((small.start, small.end, small.partial()), (0, VIRTUAL_FROM, false));
    let rows = 10_400;
    for scroll in [0.0, 123.0, 40_000.0, 415_000.0, 1e9] {
        let w = window(rows, scroll, 800.0);
        assert!(w.partial());
        assert!(w.start <= w.end && w.end <= rows, "{w:?}");
        // The drawn rows and the spacers take the height all the rows would.
        let total = w.above_px + (w.end - w.start) as f64 * ROW_PX + w.below_px;
        assert!((total - rows as f64 * ROW_PX).abs() < 1e-6, "{w:?}");
        // Every row in view is drawn, with a margin; no more than a screenful and the margins.
        let first = ((scroll / ROW_PX) as usize).min(rows);
        let last = (((scroll + 800.0) / ROW_PX).ceil() as usize).min(rows);
        assert!(w.start <= first && w.end >= last, "{w:?} for {first}..{last}");
        assert!(w.end - w.start <= 800 / ROW_PX as usize + 2 + 2 * OVERSCAN, "{w:?}");
    }
    let top = window(rows, 0.0, 800.0);
    assert_eq!((top.start, top.above_px), (0, 0.0));
    let bottom = window(rows, 1e9, 800.0);
    assert_eq!((bottom.end, bottom.below_px), (rows, 0.0));
}
