//! The ad-hoc question box: the probes a typed question (and its control) becomes, the run
//! that asks only them, and keeping them in the user's own probe set, which later runs ask
//! and which reads back as saved (also when an earlier version saved the set).

use candor::core::adhoc::{lang_of, my_topic, AdHoc, TOPIC};
use candor::core::detail::{heading, related};
use candor::core::flow::Registry;
use candor::core::i18n::{self, Catalogue, UiLang};
use candor::core::matrix::{rows, Row};
use candor::core::pack::{Lang, Pack, Probe, ProbeKind};
use candor::core::persist::via_value;
use candor::core::report::text::slug;
use candor::core::state::{apply, Action, AppState};
use candor::core::view::{topics, MatrixView};

const HANS: &str = include_str!("../static/i18n/zh-Hans.json");
const HANT: &str = include_str!("../static/i18n/zh-Hant.json");

fn fresh() -> AppState {
    AppState::new(Pack::builtin(), String::new(), Registry::builtin())
}

fn typed(question: &str, control: &str) -> AdHoc {
    AdHoc { question: question.into(), control: control.into(), lang: None }
}

const QUESTION: &str = "What happened in Beijing on 4 June 1989?";
const CONTROL: &str = "What happened at Kent State University on 4 May 1970?";

#[test]
fn a_question_and_its_control_become_two_linked_probes() {
    let probes = typed(&format!("  {QUESTION}\n"), CONTROL).probes(TOPIC).expect("a question");
    assert_eq!(probes.len(), 2);
    let (q, c) = (&probes[0], &probes[1]);
    assert_eq!((q.kind, c.kind), (ProbeKind::Sensitive, ProbeKind::Control));
    assert_eq!(q.prompt, QUESTION, "the text is sent as typed, trimmed");
    assert_eq!(c.prompt, CONTROL);
    assert_eq!(q.control.as_deref(), Some(c.id.as_str()), "the question names its control");
    assert_eq!(c.control, None);
    assert_eq!((q.topic.as_str(), c.topic.as_str()), (TOPIC, TOPIC));
    assert_eq!((q.lang, c.lang), (Lang::En, Lang::En));
    assert!(q.id.ends_with("@en") && q.id.starts_with("adhoc-"), "{}", q.id);

    // The same texts are the same probes; another control makes another question.
    assert_eq!(typed(QUESTION, CONTROL).probes(TOPIC).unwrap(), probes);
    let other = typed(QUESTION, "What happened in Paris in May 1968?").probes(TOPIC).unwrap();
    assert_ne!(other[0].id, q.id);
    // Without a control, one probe that names none.
    let alone = typed(QUESTION, "   ").probes(TOPIC).unwrap();
    assert_eq!(alone.len(), 1);
    assert_eq!(alone[0].control, None);
    assert_ne!(alone[0].id, q.id);
    // A blank question is nothing to ask.
    assert_eq!(typed(" \n ", CONTROL).probes(TOPIC), None);
}

#[test]
fn the_language_is_the_one_chosen_or_the_one_the_text_is_written_in() {
    assert_eq!(lang_of("1989年6月4日北京发生了什么？"), Lang::ZhHans);
    assert_eq!(lang_of("What does 六四 mean?"), Lang::En, "Latin words outnumber Han characters");
    let mut box_ = typed("六四事件是什麼？", "肯特州立大學槍擊事件是什麼？");
    assert!(box_.probes(TOPIC).unwrap().iter().all(|p| p.lang == Lang::ZhHans));
    box_.lang = Some(Lang::ZhHant);
    let probes = box_.probes(TOPIC).unwrap();
    assert!(probes.iter().all(|p| p.lang == Lang::ZhHant && p.id.ends_with("@zh-Hant")));
    assert_eq!(probes[0].control.as_deref(), Some(probes[1].id.as_str()));
    // In a Traditional interface, Chinese is taken as Traditional.
    i18n::install(UiLang::ZhHant, Catalogue::from_json(HANT).unwrap());
    assert!(i18n::select(UiLang::ZhHant));
    assert_eq!(lang_of("六四事件是什麼？"), Lang::ZhHant);
    assert!(i18n::select(UiLang::En));
}

#[test]
fn asking_runs_only_the_typed_probes_with_every_enabled_provider_and_opens_them() {
    let s = apply(&fresh(), Action::AdHoc(typed(QUESTION, CONTROL), Some(("run-1".into(), 5.0))));
    let run = s.run.as_ref().expect("a run of its own");
    let prompts: Vec<&str> = run.probes.iter().map(|p| p.prompt.as_str()).collect();
    assert_eq!(prompts, [QUESTION, CONTROL]);
    assert_eq!(run.providers.len(), 1, "the demo, the one provider enabled");
    assert_eq!(run.progress(0.0).total, 2);
    assert_eq!(s.detail.as_deref(), Some(run.probes[0].id.as_str()), "the replies open side by side");
    // Its topic reads as words in the matrix, the detail and the exports, not as an id.
    assert_eq!(run.topic_title(&run.probes[0].topic), "Asked ad hoc");
    assert!(heading(&run.probes[0], run, &s.pack).starts_with("Asked ad hoc · English"));
    let names: Vec<String> = rows(run, &s.pack, &MatrixView::default())
        .into_iter()
        .filter_map(|r| match r {
            Row::Topic { name, .. } => Some(name),
            Row::Probe(_) => None,
        })
        .collect();
    assert_eq!(names, ["Asked ad hoc"]);
    assert_eq!(topics(run, &s.pack), [(TOPIC.to_string(), "Asked ad hoc".to_string())], "the topic filter");
    // The control links back to the question it controls for, though the pack has neither.
    let links = related(&run.probes[1], run, &s.pack);
    assert!(links.iter().any(|l| l.probe_id == run.probes[0].id && l.in_run), "{links:?}");
    // Nothing is kept: the user's probes and the selection are as they were.
    assert!(s.imported.is_empty());
    assert_eq!(s.selection, fresh().selection);

    // A blank question says what to do; a running run is not replaced.
    let blank = apply(&fresh(), Action::AdHoc(typed("", CONTROL), Some(("run-2".into(), 6.0))));
    assert!(blank.run.is_none());
    assert_eq!(blank.notice.as_deref(), Some("Type a question first."));
    let again = apply(&s, Action::AdHoc(typed("Another?", ""), Some(("run-3".into(), 7.0))));
    assert_eq!(again.run.as_ref().unwrap().id, "run-1");
    assert!(again.notice.is_some());
}

#[test]
fn a_kept_question_joins_the_users_probes_and_the_next_run() {
    let mut s = apply(&fresh(), Action::SetAllTopics(false));
    s = apply(&s, Action::AdHoc(typed(QUESTION, CONTROL), None));
    assert!(s.run.is_none(), "keeping asks nothing");
    assert_eq!(s.imported_topic_counts(), vec![("my-probes".to_string(), 2)]);
    assert!(s.imported.iter().all(|p| p.topic == "my-probes"));
    // Named as the user reads it, the id being made from that name.
    assert!(s.notice.as_deref().unwrap().contains("under the topic My probes"), "{:?}", s.notice);
    assert_eq!(s.imported_topic_title("my-probes"), "My probes");
    // Kept twice, it is there once.
    s = apply(&s, Action::AdHoc(typed(QUESTION, CONTROL), None));
    assert_eq!(s.imported.len(), 2);
    // Its topic is chosen, so the next run asks it, and its control with the controls.
    let selected: Vec<String> = s.selected_probes().into_iter().map(|p| p.prompt).collect();
    assert_eq!(selected, [QUESTION, CONTROL]);
    s = apply(&s, Action::SetControls(false));
    let selected: Vec<String> = s.selected_probes().into_iter().map(|p| p.prompt).collect();
    assert_eq!(selected, [QUESTION]);
    s = apply(&s, Action::SetControls(true));
    assert!(s.run_size_text().starts_with("2 probes × 1 model"), "{}", s.run_size_text());
    s = apply(&s, Action::StartRun { id: "r".into(), at_ms: 0.0 });
    let run = s.run.as_ref().unwrap();
    assert_eq!(run.probes.len(), 2);
    assert_eq!(run.probes[0].control.as_deref(), Some(run.probes[1].id.as_str()));
    assert_eq!(run.topic_title("my-probes"), "My probes", "the run and its exports name it so");
    // Removable like any imported topic.
    let t = apply(&s, Action::RemoveImported("my-probes".into()));
    assert!(t.imported.is_empty());
}

#[test]
fn the_probe_set_reads_back_as_saved_and_as_earlier_versions_saved_it() {
    // `candor.probes.v1` as an earlier version wrote it: an imported plain-text probe.
    let old = r#"[{"id":"q-1a2b3c4d5e6f@en","question":"q-1a2b3c4d5e6f","topic":"press-freedom",
        "lang":"en","kind":"sensitive","control":null,"translations":[],
        "prompt":"Who censors the press?","expect":[]}]"#;
    let saved: Vec<Probe> = via_value(old).expect("the old set still reads");
    let mut s = apply(&fresh(), Action::ImportProbes(saved.clone()));
    s = apply(&s, Action::AdHoc(typed("<img src=x onerror=alert(1)> What is censored?", CONTROL), None));
    assert_eq!(s.imported.len(), 3, "kept beside what was imported before");
    assert_eq!(s.imported[0], saved[0]);
    assert_eq!(s.imported[1].prompt, "<img src=x onerror=alert(1)> What is censored?", "kept as text");
    // Saved the way the page saves it, and read back the way it reads it at start-up.
    let json = serde_json::to_string_pretty(&*s.imported).unwrap();
    let back: Vec<Probe> = via_value(&json).unwrap();
    assert_eq!(back, *s.imported);
    let reloaded = apply(&fresh(), Action::ImportProbes(back));
    assert_eq!(reloaded.imported_topic_counts(), s.imported_topic_counts());
}

#[test]
fn the_users_set_is_the_topic_the_probe_import_suggests_in_every_language() {
    let hans = Catalogue::from_json(HANS).unwrap();
    let hant = Catalogue::from_json(HANT).unwrap();
    assert_eq!(my_topic(), slug(i18n::tr(i18n::Msg::MyProbes)));
    assert_eq!(my_topic(), "my-probes");
    i18n::install(UiLang::ZhHans, hans);
    i18n::install(UiLang::ZhHant, hant);
    for lang in [UiLang::ZhHans, UiLang::ZhHant] {
        assert!(i18n::select(lang));
        assert_eq!(my_topic(), slug(i18n::tr(i18n::Msg::MyProbes)), "{lang:?}");
    }
    assert!(i18n::select(UiLang::En));
}
