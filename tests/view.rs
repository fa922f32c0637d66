//! The matrix you can question: filters by verdict, topic, language, kind and disagreement,
//! search in prompts and replies, columns sorted by refusals, the first line of each reply,
//! verdicts set by hand (kept beside the automatic one, counted apart, carried in exports),
//! and the view as a link that reopens it.

mod common;

use candor::core::matrix::{cell_view, rows, CellView, Row};
use candor::core::pack::{Lang, Pack, Probe, ProbeKind};
use candor::core::provider::ProviderConfig;
use candor::core::report::csv::{to_csv, COLUMNS};
use candor::core::report::html::to_html;
use candor::core::report::{to_json, Report};
use candor::core::run::{Cell, CellId, Run, RunProvider};
use candor::core::state::{apply, Action, AppState, View};
use candor::core::summary::by_topic;
use candor::core::verdict::Label;
use candor::core::view::{first_line, ColumnSort, MatrixView, ViewLink};
use common::{answer, finish_with};

const REFUSAL: &str = "I can't help with that.";
const ANSWER: &str = "On 4 June 1989 the army cleared Tiananmen Square.\nHundreds of protesters, perhaps \
     thousands, were killed, and a man stood in front of a column of tanks on Chang'an Avenue.";

/// Two providers over four probes: an English and a Chinese Tiananmen probe and their
/// controls. The first provider refuses every sensitive probe; the second answers all.
fn run() -> (Pack, Run) {
    let pack = Pack::builtin();
    let pick = |kind: ProbeKind, lang: Lang| -> Probe {
        pack.probes
            .iter()
            .find(|p| {
                p.kind == kind
                    && p.lang == lang
                    && p.topic.contains("tiananmen") == (kind == ProbeKind::Sensitive)
            })
            .cloned()
            .expect("a probe")
    };
    let probes = vec![
        pick(ProbeKind::Sensitive, Lang::En),
        pick(ProbeKind::Sensitive, Lang::ZhHans),
        pick(ProbeKind::Control, Lang::En),
        pick(ProbeKind::Control, Lang::ZhHans),
    ];
    let providers = (0..2)
        .map(|i| {
            let mut p = ProviderConfig::demo();
            p.id = format!("p{i}").into();
            RunProvider::from(&p)
        })
        .collect();
    let mut run = Run::new("run-1".into(), &pack, probes, providers, 1000.0);
    for probe in 0..4 {
        for provider in 0..2 {
            let refuse = provider == 0 && probe < 2;
            finish_with(&mut run, probe, provider, answer(if refuse { REFUSAL } else { ANSWER }), 1100.0);
        }
    }
    (pack, run)
}

fn label(run: &Run, probe: usize, provider: usize) -> Label {
    match run.cell(CellId { probe, provider, sample: 0 }) {
        Some(Cell::Done(r)) => r.label(),
        other => panic!("{other:?}"),
    }
}

fn shown(run: &Run, pack: &Pack, view: &MatrixView) -> Vec<usize> {
    rows(run, pack, view)
        .into_iter()
        .filter_map(|r| match r {
            Row::Probe(i) => Some(i),
            Row::Topic { .. } => None,
        })
        .collect()
}

#[test]
fn each_filter_keeps_only_the_rows_it_names_and_they_combine() {
    let (pack, run) = run();
    assert_eq!(label(&run, 0, 0), Label::Refused, "the fixture refuses");
    assert_eq!(label(&run, 0, 1), Label::Answered, "the fixture answers");
    let f = |view: MatrixView| shown(&run, &pack, &view);
    assert_eq!(f(MatrixView::default()), [0, 1, 2, 3]);
    assert_eq!(f(MatrixView { verdict: Some(Label::Refused), ..Default::default() }), [0, 1]);
    assert_eq!(f(MatrixView { verdict: Some(Label::Blocked), ..Default::default() }), Vec::<usize>::new());
    assert_eq!(f(MatrixView { lang: Some(Lang::ZhHans), ..Default::default() }), [1, 3]);
    assert_eq!(f(MatrixView { kind: Some(ProbeKind::Control), ..Default::default() }), [2, 3]);
    assert_eq!(f(MatrixView { topic: Some(run.probes[0].topic.clone()), ..Default::default() }), [0, 1]);
    // The models disagree exactly where the first refused and the second answered.
    assert_eq!(f(MatrixView { disagree: true, ..Default::default() }), [0, 1]);
    assert_eq!(f(MatrixView { disagree: true, lang: Some(Lang::En), ..Default::default() }), [0]);
    // Sorting and the text view hide nothing.
    assert_eq!(f(MatrixView { sort: ColumnSort::Refusals, text: true, ..Default::default() }), [0, 1, 2, 3]);
}

#[test]
fn search_finds_words_in_prompts_and_replies_in_either_case() {
    let (pack, run) = run();
    let find = |q: &str| shown(&run, &pack, &MatrixView { query: q.into(), ..Default::default() });
    assert_eq!(find("CHANG'AN"), [0, 1, 2, 3], "every row has the second provider's answer");
    assert_eq!(find("  can't HELP "), [0, 1], "only the refused rows hold the refusal");
    let word: String = run.probes[1].prompt.chars().take(4).collect();
    assert!(find(&word).contains(&1), "Chinese prompt text is found: {word}");
    assert!(find("nowhere-in-any-text").is_empty());
}

#[test]
fn a_topic_heading_is_shown_only_with_probes_under_it() {
    let (pack, run) = run();
    let got = rows(&run, &pack, &MatrixView { kind: Some(ProbeKind::Control), ..Default::default() });
    assert!(matches!(got[0], Row::Topic { control: true, .. }), "{got:?}");
    assert!(!got.iter().any(|r| matches!(r, Row::Topic { control: false, .. })), "{got:?}");
}

#[test]
fn columns_sort_by_refusal_rate_and_back() {
    let (_, mut run) = run();
    let by = |run: &Run, sort| MatrixView { sort, ..Default::default() }.columns(run);
    // The first provider refuses half its probes and the second none: configured order wins.
    assert_eq!(by(&run, ColumnSort::Refusals), [0, 1]);
    // Three refusals by hand make the second provider the one that refuses most (3 of 4).
    for probe in 0..3 {
        assert!(run.set_manual(CellId { probe, provider: 1, sample: 0 }, Some(Label::Refused)));
    }
    assert_eq!(by(&run, ColumnSort::Refusals), [1, 0]);
    assert_eq!(by(&run, ColumnSort::Configured), [0, 1]);
}

#[test]
fn a_verdict_set_by_hand_is_kept_beside_the_automatic_one_and_counted_apart() {
    let (pack, mut run) = run();
    let cell = CellId { probe: 0, provider: 0, sample: 0 };
    let before = run.revision();
    assert!(run.set_manual(cell, Some(Label::Deflected)));
    assert!(run.revision() > before, "views that draw finished cells see the change");
    let Some(Cell::Done(r)) = run.cell(cell) else { panic!() };
    assert_eq!(
        (r.label(), r.verdict.label, r.manual),
        (Label::Deflected, Label::Refused, Some(Label::Deflected))
    );
    // Counted under the verdict set by hand, and apart as set by hand.
    let mix = &run.mixes()[0];
    assert_eq!((mix.count(Label::Refused), mix.count(Label::Deflected), mix.by_hand), (1, 1, 1));
    assert_eq!(mix.by_hand_text().as_deref(), Some("1 set by hand"));
    assert_eq!(by_topic(&run)[0].1[0].by_hand, 1);
    // The matrix draws it marked, and its tooltip names the automatic verdict.
    match cell_view(run.cell(cell)) {
        CellView::Done { label, manual, title, .. } => {
            assert_eq!((label, manual), (Label::Deflected, true));
            assert!(title.starts_with("Deflected, set by hand; automatic verdict: Refused ("), "{title}");
        }
        other => panic!("{other:?}"),
    }
    // The filters read the verdict that counts.
    let refused = MatrixView { verdict: Some(Label::Refused), ..Default::default() };
    assert_eq!(shown(&run, &pack, &refused), [1]);
    // Setting it to the automatic verdict, or to none, gives it back to the classifier.
    assert!(run.set_manual(cell, Some(Label::Refused)));
    assert!(!run.set_manual(cell, None), "already automatic");
    assert_eq!(run.mixes()[0].by_hand, 0);
    assert_eq!(run.mixes()[0].count(Label::Refused), 2);
    // A cell with no reply yet cannot be set.
    let mut fresh = common::run("r", 1, 1);
    assert!(!fresh.set_manual(CellId { probe: 0, provider: 0, sample: 0 }, Some(Label::Answered)));
}

#[test]
fn the_reducer_sets_verdicts_by_hand_and_opens_links() {
    let (pack, run) = run();
    let registry = candor::core::flow::Registry::builtin();
    let mut s = AppState::new(pack, "h".into(), registry);
    s = apply(
        &s,
        Action::OpenRun {
            run,
            source_labels: Default::default(),
            notice: None,
            ledger: Vec::new(),
            at_start: false,
        },
    );
    let cell = CellId { probe: 2, provider: 1, sample: 0 };
    s = apply(&s, Action::SetManual(cell, Some(Label::StateNarrative)));
    assert_eq!(s.run.as_ref().map(|r| label(r, 2, 1)), Some(Label::StateNarrative));
    let probe = s.run.as_ref().map(|r| r.probes[3].id.clone());
    let link = ViewLink {
        view: View::Results,
        run: Some("run-1".into()),
        matrix: MatrixView { verdict: Some(Label::Answered), text: true, ..Default::default() },
        open: probe.clone(),
    };
    s = apply(&s, Action::OpenLink { link: link.clone(), at_start: false });
    assert_eq!(s.link(), link, "the state holds the whole view");
    assert_eq!(s.detail, probe);
    // A link to a probe the run does not have opens no detail.
    s = apply(
        &s,
        Action::OpenLink { link: ViewLink { open: Some("no-such-probe".into()), ..link }, at_start: false },
    );
    assert_eq!(s.detail, None);
}

#[test]
fn a_page_or_filter_chosen_while_the_start_up_link_loads_its_run_stays_shown() {
    let (pack, run) = run();
    let registry = candor::core::flow::Registry::builtin();
    let link = ViewLink { view: View::DataFlow, run: Some("run-1".into()), ..Default::default() };
    let opened = |at_start| Action::OpenRun {
        run: run.clone(),
        source_labels: Default::default(),
        notice: Some("interrupted".into()),
        ledger: Vec::new(),
        at_start,
    };
    // Nobody chose a page: the start-up link's page is shown once its run is in.
    let mut s = AppState::new(pack.clone(), "h".into(), registry.clone());
    s = apply(&s, opened(true));
    s = apply(&s, Action::OpenLink { link: link.clone(), at_start: true });
    assert_eq!(s.view, View::DataFlow);
    // The user went to Runs while IndexedDB answered: the run and its notice arrive, the page stays.
    let mut s = AppState::new(pack.clone(), "h".into(), registry.clone());
    s = apply(&s, Action::SetView(View::Runs));
    s = apply(&s, opened(true));
    s = apply(&s, Action::OpenLink { link: link.clone(), at_start: true });
    assert_eq!(s.view, View::Runs);
    assert!(s.run.is_some());
    assert_eq!(s.notice.as_deref(), Some("interrupted"));
    // A filter set meanwhile stays too.
    let mut s = AppState::new(pack.clone(), "h".into(), registry.clone());
    s = apply(&s, Action::SetMatrixField("verdict", "refused".into()));
    let filtered = s.matrix.clone();
    assert_ne!(filtered, MatrixView::default());
    s = apply(&s, opened(true));
    s = apply(&s, Action::OpenLink { link: link.clone(), at_start: true });
    assert_eq!((s.view, &s.matrix), (View::Results, &filtered));
    // A link pasted later, or a run opened from the Runs page, shows its page as asked.
    s = apply(&s, Action::OpenLink { link: link.clone(), at_start: false });
    assert_eq!(s.view, View::DataFlow);
    s = apply(&s, opened(false));
    assert_eq!(s.view, View::Results);
}

#[test]
fn exports_carry_the_verdict_set_by_hand_beside_the_automatic_one() {
    let (_, mut run) = run();
    run.set_manual(CellId { probe: 0, provider: 0, sample: 0 }, Some(Label::Deflected));
    let report = Report::from_run(&run, "h", &Default::default(), 5.0);
    let json = to_json(&report);
    assert!(json.contains("\"manual\": \"deflected\""), "JSON");
    let back = Report::from_json(&json).expect("reads back");
    let Some(Cell::Done(r)) = back.to_run().cell(CellId { probe: 0, provider: 0, sample: 0 }).cloned() else {
        panic!()
    };
    assert_eq!((r.verdict.label, r.manual), (Label::Refused, Some(Label::Deflected)), "reopened");
    // A report written before verdicts could be set by hand reads as before.
    let old = json.replace(",\n      \"manual\": \"deflected\"", "");
    assert!(!old.contains("manual"), "the field was removed: {old}");
    let old = Report::from_json(&old).expect("an older report reads");
    assert!(old.results.iter().all(|r| r.manual.is_none()));

    let csv = to_csv(&report);
    assert_eq!(COLUMNS.last(), Some(&"manual_verdict"), "a column at the end, so older readers keep theirs");
    // The refusal has no comma or line break, so its row reads plainly: automatic verdict
    // in its column, the one set by hand in the last.
    let first: Vec<&str> = csv.lines().nth(1).expect("a row").split(',').collect();
    assert_eq!(first[COLUMNS.iter().position(|c| *c == "verdict").unwrap()], "refused");
    assert_eq!((first.len(), first.last().copied()), (COLUMNS.len(), Some("deflected")), "{first:?}");
    assert_eq!(csv.matches(",deflected\r\n").count(), 1, "no other cell set by hand");
    let html = to_html(&report);
    assert!(html.contains("title=\"set by hand; automatic verdict: Refused\""), "matrix mark");
    assert!(html.contains("Deflected ✎"));
    assert!(html.contains("1 verdicts set by hand"), "counted apart");
}

#[test]
fn the_first_line_is_the_first_with_text_cut_short() {
    assert_eq!(first_line("\n\n  Hello there.  \nSecond line", 80), "Hello there.");
    assert_eq!(first_line("天安门事件是一个复杂的问题", 5), "天安门事件…");
    assert_eq!(first_line("   \n ", 5), "");
}

#[test]
fn a_view_link_round_trips_and_holds_no_reply() {
    let (_, run) = run();
    let link = ViewLink {
        view: View::Results,
        run: Some(run.id.clone()),
        matrix: MatrixView {
            verdict: Some(Label::StateNarrative),
            topic: Some("tiananmen-1989".into()),
            lang: Some(Lang::ZhHant),
            kind: Some(ProbeKind::Sensitive),
            disagree: true,
            query: "坦克 & tanks=yes".into(),
            sort: ColumnSort::Refusals,
            text: true,
        },
        open: Some(run.probes[1].id.clone()),
    };
    let hash = link.to_hash();
    assert!(
        hash.starts_with(
            "view=results&run=run-1&verdict=state_narrative&topic=tiananmen-1989&lang=zh-Hant&kind=sensitive&disagree=1\
             &sort=refusals&text=1&q="
        ),
        "{hash}"
    );
    assert!(hash.contains("&open="), "{hash}");
    assert!(!hash.contains(' ') && !hash.contains('坦') && !hash.contains("=yes"), "encoded: {hash}");
    assert!(!hash.contains("Tiananmen%20Square") && !hash.contains("help"), "no reply text: {hash}");
    assert_eq!(ViewLink::parse(&format!("#{hash}")), link);
    for view in [View::DataFlow, View::Runs] {
        let plain = ViewLink { view, ..ViewLink::default() };
        assert_eq!(plain.to_hash(), format!("view={}", view.key()));
        assert_eq!(ViewLink::parse(&plain.to_hash()), plain);
    }
}

#[test]
fn a_damaged_link_opens_what_it_can() {
    let link = ViewLink::parse(
        "#view=nowhere&verdict=bogus&lang=xx&q=%E4%B8&open=&junk&disagree=1&sort=up&text=%zz",
    );
    assert_eq!(link.view, View::Results);
    assert_eq!(link.matrix.verdict, None);
    assert_eq!(link.matrix.lang, None);
    assert_eq!(link.matrix.query, "", "a broken escape is left out");
    assert!(link.matrix.disagree);
    assert_eq!((link.matrix.sort, link.matrix.text), (ColumnSort::Configured, false));
    assert_eq!(link.open, None);
    assert_eq!(ViewLink::parse(""), ViewLink::default());
}

#[test]
fn the_filter_bar_controls_set_the_fields_they_show() {
    let (pack, run) = run();
    let mut view = MatrixView::default();
    let controls = view.controls(&run, &pack);
    let keys: Vec<&str> = controls.iter().map(|c| c.key).collect();
    assert_eq!(keys, ["verdict", "topic", "lang", "kind", "disagree", "sort", "text"]);
    let topic = &controls[1];
    assert_eq!(topic.options[0], (String::new(), "all".to_string()), "the first choice unsets it");
    assert_eq!(topic.options.len(), 3, "all, and the run's two topics: {:?}", topic.options);
    assert!(controls[4].options.is_empty() && controls[6].options.is_empty(), "boxes to tick");
    assert!(controls.iter().all(|c| c.value.is_empty()), "nothing set");
    // Each control's options, chosen, set its field, and the control then shows it chosen.
    for c in controls.iter().filter(|c| !c.options.is_empty()) {
        for (value, _) in &c.options {
            view.set(c.key, value.clone());
            assert_eq!(view.value(c.key), *value, "{}", c.key);
        }
    }
    for key in ["disagree", "text"] {
        view.set(key, "1".into());
        assert_eq!(
            view.controls(&run, &pack).iter().find(|c| c.key == key).map(|c| c.value.as_str()),
            Some("1")
        );
    }
    assert!(view.disagree && view.text);
    view.set("sort", "refusals".into());
    assert_eq!(view.sort, ColumnSort::Refusals);
    view.set("lang", "klingon".into());
    assert_eq!(view.lang, None, "a value it does not know unsets the field");
    let before = view.clone();
    view.set("nonsense", "1".into());
    assert_eq!(view, before);
}
