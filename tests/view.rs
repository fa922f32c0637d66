//! The matrix you can question: filters by verdict, topic, language, kind and disagreement,
//! search in prompts and replies, and the view as a link that reopens it.

use candor::core::dialect::Reply;
use candor::core::matrix::{filtered_rows, Row};
use candor::core::pack::{Lang, Pack, Probe, ProbeKind};
use candor::core::provider::ProviderConfig;
use candor::core::run::{CellId, Run, RunEvent, RunProvider, Timing};
use candor::core::state::View;
use candor::core::verdict::{Label, Outcome};
use candor::core::view::{MatrixFilter, ViewLink};

const REFUSAL: &str = "I can't help with that.";
const ANSWER: &str = "On 4 June 1989 the army cleared Tiananmen Square; hundreds of protesters, perhaps \
     thousands, were killed, and a man stood in front of a column of tanks on Chang'an Avenue.";

/// Two providers over four probes: an English and a Chinese Tiananmen probe and their
/// controls. The first provider refuses every sensitive probe; the second answers all.
fn run() -> (Pack, Run) {
    let pack = Pack::builtin();
    let pick = |topic_kind: ProbeKind, lang: Lang| -> Probe {
        pack.probes
            .iter()
            .find(|p| {
                p.kind == topic_kind
                    && p.lang == lang
                    && p.topic.contains("tiananmen") == (topic_kind == ProbeKind::Sensitive)
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
    let providers = vec![RunProvider::from(&ProviderConfig::demo()), {
        let mut p = RunProvider::from(&ProviderConfig::demo());
        p.id = "second".into();
        p
    }];
    let mut run = Run::new("r".into(), &pack, probes, providers, 0.0);
    for probe in 0..4 {
        for provider in 0..2 {
            let cell = CellId { probe, provider };
            let refuse = provider == 0 && probe < 2;
            let reply = Reply { content: (if refuse { REFUSAL } else { ANSWER }).into(), ..Reply::default() };
            run.apply(RunEvent::Started { cell, at_ms: 1.0 });
            run.apply(RunEvent::Finished {
                cell,
                outcome: Outcome::Reply { reply, cut_short: None },
                timing: Timing::default(),
                at_ms: 2.0,
            });
        }
    }
    (pack, run)
}

fn shown(run: &Run, pack: &Pack, filter: &MatrixFilter) -> Vec<usize> {
    filtered_rows(run, pack, filter)
        .into_iter()
        .filter_map(|r| match r {
            Row::Probe(i) => Some(i),
            Row::Topic { .. } => None,
        })
        .collect()
}

#[test]
fn each_filter_keeps_only_the_rows_it_names() {
    let (pack, run) = run();
    let all = shown(&run, &pack, &MatrixFilter::default());
    assert_eq!(all, [0, 1, 2, 3]);
    let refused = MatrixFilter { verdicts: [Label::Refused].into(), ..Default::default() };
    assert_eq!(shown(&run, &pack, &refused), [0, 1]);
    let chinese = MatrixFilter { lang: Some(Lang::ZhHans), ..Default::default() };
    assert_eq!(shown(&run, &pack, &chinese), [1, 3]);
    let controls = MatrixFilter { kind: Some(ProbeKind::Control), ..Default::default() };
    assert_eq!(shown(&run, &pack, &controls), [2, 3]);
    let topic = MatrixFilter { topic: Some(run.probes[0].topic.clone()), ..Default::default() };
    assert_eq!(shown(&run, &pack, &topic), [0, 1]);
    // The models disagree exactly where the first refused and the second answered.
    let disagree = MatrixFilter { disagree: true, ..Default::default() };
    assert_eq!(shown(&run, &pack, &disagree), [0, 1]);
    // Filters combine.
    let both = MatrixFilter { disagree: true, lang: Some(Lang::En), ..Default::default() };
    assert_eq!(shown(&run, &pack, &both), [0]);
}

#[test]
fn search_finds_words_in_prompts_and_replies_in_any_case() {
    let (pack, run) = run();
    let find = |q: &str| shown(&run, &pack, &MatrixFilter { query: q.into(), ..Default::default() });
    assert_eq!(find("CHANG'AN"), [0, 1, 2, 3], "every row has the answer from the second provider");
    assert_eq!(find("can't help"), [0, 1], "only the refused rows hold the refusal");
    let word = run.probes[1].prompt.chars().take(4).collect::<String>();
    assert!(find(&word).contains(&1), "Chinese prompt text is found: {word}");
    assert!(find("nowhere-in-any-text").is_empty());
}

#[test]
fn a_topic_heading_is_shown_only_with_probes_under_it() {
    let (pack, run) = run();
    let rows =
        filtered_rows(&run, &pack, &MatrixFilter { kind: Some(ProbeKind::Control), ..Default::default() });
    assert!(matches!(rows[0], Row::Topic { control: true, .. }), "{rows:?}");
    assert!(!rows.iter().any(|r| matches!(r, Row::Topic { control: false, .. })), "{rows:?}");
}

#[test]
fn a_view_link_round_trips_and_holds_no_reply() {
    let (_, run) = run();
    let link = ViewLink {
        view: View::Results,
        filter: MatrixFilter {
            verdicts: [Label::Refused, Label::Deflected].into(),
            topic: Some("tiananmen-1989".into()),
            lang: Some(Lang::ZhHant),
            kind: Some(ProbeKind::Sensitive),
            disagree: true,
            query: "坦克 & tanks=yes".into(),
        },
        open: Some(run.probes[1].id.clone()),
    };
    let hash = link.to_hash();
    assert!(
        hash.starts_with("view=results&verdict=refused,deflected&topic=tiananmen-1989&lang=zh-Hant"),
        "{hash}"
    );
    assert!(!hash.contains(' ') && !hash.contains('坦'), "encoded: {hash}");
    assert!(!hash.contains("Tiananmen Square"), "no reply text");
    assert_eq!(ViewLink::parse(&format!("#{hash}")), link);
    for view in [View::DataFlow, View::Runs] {
        let plain = ViewLink { view, filter: MatrixFilter::default(), open: None };
        assert_eq!(plain.to_hash(), format!("view={}", view.key()));
        assert_eq!(ViewLink::parse(&plain.to_hash()), plain);
    }
}

#[test]
fn a_damaged_link_opens_what_it_can() {
    let link = ViewLink::parse("#view=nowhere&verdict=refused,bogus&lang=xx&q=%E4%B8&open=&junk&disagree=1");
    assert_eq!(link.view, View::Results);
    assert_eq!(link.filter.verdicts, [Label::Refused].into());
    assert_eq!(link.filter.lang, None);
    assert_eq!(link.filter.query, "", "a broken escape is left out");
    assert!(link.filter.disagree);
    assert_eq!(link.open, None);
    assert_eq!(
        ViewLink::parse(""),
        ViewLink { view: View::Results, filter: MatrixFilter::default(), open: None }
    );
}
