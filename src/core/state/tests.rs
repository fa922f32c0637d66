//! The reducer: every action's effect on the app state.

use super::*;
use crate::core::pack::ProbeKind;

fn fresh() -> AppState {
    AppState::new(Pack::builtin(), String::new(), Registry::builtin())
}

#[test]
fn a_new_user_can_run_the_demo_at_once() {
    let s = apply(&fresh(), Action::StartRun { id: "r".into(), at_ms: 0.0 });
    let run = s.run.as_ref().expect("run started");
    assert_eq!(run.providers.len(), 1);
    assert!(run.providers[0].simulated);
    assert_eq!(run.probes.len(), s.pack.probes.len());
    assert_eq!(s.notice, None);
}

#[test]
fn the_next_run_asks_each_probe_as_many_times_as_set_within_1_to_10() {
    let s = apply(&fresh(), Action::SetSamples(3));
    let s = apply(&s, Action::StartRun { id: "r".into(), at_ms: 0.0 });
    let run = s.run.as_ref().expect("run started");
    assert_eq!(run.samples(), 3);
    assert_eq!(run.progress(0.0).total, run.probes.len() * 3);
    assert_eq!(apply(&fresh(), Action::SetSamples(0)).samples, 1);
    assert_eq!(apply(&fresh(), Action::SetSamples(99)).samples, 10);
}

#[test]
fn selection_filters_topics_languages_and_controls() {
    let mut s = apply(&fresh(), Action::SetAllTopics(false));
    s = apply(&s, Action::ToggleTopic("tiananmen-1989".into()));
    s = apply(&s, Action::ToggleLang(Lang::ZhHant));
    let probes = s.selection.probes(&s.pack);
    assert!(!probes.is_empty());
    assert!(probes.iter().all(|p| p.lang != Lang::ZhHant));
    let sensitive: Vec<_> = probes.iter().filter(|p| p.kind == ProbeKind::Sensitive).collect();
    assert!(sensitive.iter().all(|p| p.topic == "tiananmen-1989"));
    // Every chosen sensitive probe's control comes along, right after the topic's probes.
    for p in &sensitive {
        let c = p.control.as_deref().unwrap();
        assert!(probes.iter().any(|q| q.id == c), "control {c} missing");
    }
    s = apply(&s, Action::SetControls(false));
    assert!(s.selection.probes(&s.pack).iter().all(|p| p.kind == ProbeKind::Sensitive));
}

#[test]
fn runs_need_a_ready_provider_and_probes() {
    let mut s = apply(&fresh(), Action::RemoveProvider("demo".into()));
    s = apply(&s, Action::AddProvider(Preset::DeepSeek));
    s = apply(&s, Action::StartRun { id: "r".into(), at_ms: 0.0 });
    assert!(s.run.is_none());
    assert!(s.notice.as_deref().unwrap().contains("needs an API key"), "{:?}", s.notice);
    let mut p = s.providers[0].clone();
    p.api_key = Some("sk-x".into());
    s = apply(&s, Action::UpdateProvider(p));
    s = apply(&s, Action::SetAllTopics(false));
    s = apply(&s, Action::StartRun { id: "r".into(), at_ms: 0.0 });
    assert!(s.run.is_none());
    assert!(s.notice.as_deref().unwrap().contains("topic"));
    s = apply(&s, Action::SetAllTopics(true));
    s = apply(&s, Action::StartRun { id: "r".into(), at_ms: 0.0 });
    assert!(s.run.is_some());
    let again = apply(&s, Action::StartRun { id: "r2".into(), at_ms: 1.0 });
    assert_eq!(again.run.as_ref().unwrap().id, "r");
    assert!(again.notice.unwrap().contains("already"));
}

#[test]
fn provider_ids_stay_unique_after_restore() {
    let mut s = apply(&fresh(), Action::AddProvider(Preset::Ollama));
    s = apply(&s, Action::AddProvider(Preset::Ollama));
    assert_eq!(s.providers[2].name, "Ollama (local) 2");
    let saved = s.providers.clone();
    let mut r = apply(&fresh(), Action::Restore { providers: saved, selection: None, judge: None });
    r = apply(&r, Action::AddProvider(Preset::Vllm));
    let ids: BTreeSet<_> = r.providers.iter().map(|p| p.id.clone()).collect();
    assert_eq!(ids.len(), r.providers.len());
}

#[test]
fn imported_probes_join_the_run_when_their_topic_is_chosen() {
    let pack = Pack::builtin();
    let mut extra = pack.probes[0].clone();
    extra.id = "mine.1@en".into();
    extra.topic = "My questions".into();
    let mut s = apply(&fresh(), Action::SetAllTopics(false));
    s = apply(&s, Action::ImportProbes(vec![extra.clone()]));
    assert_eq!(s.selected_probes(), vec![extra.clone()]);
    s = apply(&s, Action::ToggleLang(Lang::En));
    assert!(s.selected_probes().is_empty(), "languages filter imported probes too");
    s = apply(&s, Action::ToggleLang(Lang::En));
    s = apply(&s, Action::StartRun { id: "r".into(), at_ms: 0.0 });
    assert_eq!(s.run.as_ref().unwrap().probes.len(), 1);
    let mut other = pack.probes[1].clone();
    other.id = "theirs.1@en".into();
    other.topic = "Their questions".into();
    let mut second = extra.clone();
    second.id = "mine.2@en".into();
    let mut t = apply(&fresh(), Action::ImportProbes(vec![extra, other, second]));
    assert_eq!(
        t.imported_topic_counts(),
        vec![("My questions".to_string(), 2), ("Their questions".to_string(), 1)]
    );
    t = apply(&t, Action::RemoveImported("My questions".into()));
    assert!(!t.selection.topics.contains("My questions"));
    assert_eq!(t.imported_topics(), vec!["Their questions".to_string()]);
}

#[test]
fn an_imported_language_is_offered_and_chosen_and_the_languages_already_offered_keep_their_choice() {
    let mut s = apply(&fresh(), Action::ToggleLang(Lang::ZhHant));
    assert_eq!(s.probe_langs(), Lang::BUILT_IN, "the built-in pack offers its three languages");
    // A choice made before Finnish existed: without Finnish.
    s.selection.langs.remove(&Lang::Fi);
    let fi = Probe {
        id: "q1@fi".into(),
        topic: "Omat kysymykset".into(),
        lang: Lang::Fi,
        prompt: "Mitä Tiananmenin aukiolla tapahtui kesäkuussa 1989?".into(),
        ..s.pack.probes[0].clone()
    };
    let zh_hant = Probe { id: "q1@zh-Hant".into(), lang: Lang::ZhHant, ..fi.clone() };
    s = apply(&s, Action::ImportProbes(vec![fi.clone(), zh_hant]));
    assert_eq!(s.probe_langs(), [Lang::En, Lang::ZhHans, Lang::ZhHant, Lang::Fi]);
    assert!(s.selection.langs.contains(&Lang::Fi), "a new language is chosen with its probes");
    assert!(!s.selection.langs.contains(&Lang::ZhHant), "a language the user left out stays out");
    assert!(s.selected_probes().contains(&fi));
    s = apply(&s, Action::RemoveImported("Omat kysymykset".into()));
    assert_eq!(s.probe_langs(), Lang::BUILT_IN);
}

#[test]
fn model_list_fills_an_empty_model() {
    let mut s = apply(&fresh(), Action::AddProvider(Preset::Vllm));
    let id = s.providers[1].id.clone();
    s = apply(&s, Action::ModelsLoading(id.clone()));
    assert_eq!(s.models[&id], ModelList::Loading);
    s = apply(&s, Action::ModelsLoaded { provider: id.clone(), result: Ok(vec!["qwen".into(), "x".into()]) });
    assert_eq!(s.providers[1].model, "qwen");
}

#[test]
fn a_chosen_judge_goes_with_the_run_and_a_removed_one_is_forgotten() {
    let mut s = apply(&fresh(), Action::AddProvider(Preset::Vllm));
    s = apply(&s, Action::AddProvider(Preset::Ollama));
    let (probed, judge) = (s.providers[1].id.clone(), s.providers[2].id.clone());
    let mut p = s.providers[1].clone();
    p.model = "qwen".into();
    s = apply(&s, Action::UpdateProvider(p));
    assert_eq!(s.judge_choices().len(), 2, "the simulated demo cannot judge");
    s = apply(&s, Action::SetJudge(Some(judge.clone())));
    let mut j = s.providers[2].clone();
    j.enabled = false; // a judge need not be probed itself
    s = apply(&s, Action::UpdateProvider(j));
    let n = s.selected_probes().len();
    assert_eq!(
        s.run_size_text(),
        format!("{n} probes × 2 models = {} requests, and up to {} to the judge", n * 2, n * 2)
    );
    let started = apply(&s, Action::StartRun { id: "r".into(), at_ms: 0.0 });
    let run = started.run.as_ref().unwrap();
    assert_eq!(run.judge.as_ref().map(|j| j.id.as_str()), Some(judge.as_str()));
    assert!(run.providers.iter().all(|p| p.id != judge));
    assert!(run.providers.iter().any(|p| p.id == probed));

    // A judge that is not ready is left out, and the run goes on without it.
    let mut broken = s.providers[2].clone();
    broken.model = String::new();
    let t = apply(&s, Action::UpdateProvider(broken));
    let t = apply(&t, Action::StartRun { id: "r".into(), at_ms: 0.0 });
    assert!(t.run.as_ref().unwrap().judge.is_none());
    assert!(t.notice.as_deref().unwrap().contains("the judge"), "{:?}", t.notice);

    let s = apply(&s, Action::RemoveProvider(judge.clone()));
    assert_eq!(s.judge, None);
    assert_eq!(s.run_size_text(), format!("{n} probes × 2 models = {} requests", n * 2));
    let restored = apply(
        &fresh(),
        Action::Restore { providers: vec![ProviderConfig::demo()], selection: None, judge: Some(judge) },
    );
    assert_eq!(restored.judge, None, "a saved judge that no longer exists is dropped");
}

/// The network's events for one reply to `cell`: the run's and the ledger's.
fn reply_events(cell: crate::core::run::CellId, id: u64) -> Vec<Action> {
    use crate::core::dialect::Reply;
    use crate::core::http::HttpRequest;
    use crate::core::ledger::{Purpose, PurposeKind};
    use crate::core::run::Timing;
    use crate::core::verdict::Outcome;
    let req = HttpRequest {
        method: "POST".into(),
        url: "http://127.0.0.1:1/v1".into(),
        headers: vec![],
        body: None,
    };
    let purpose = Purpose::new(PurposeKind::Probe, "demo", "Demo", "probe");
    let reply = Reply { content: "In 1989 the army cleared the square.".into(), ..Reply::default() };
    vec![
        Action::Ledger(LedgerEvent::Sent(Box::new(LedgerEntry::sent(id, 1.0, purpose, &req)))),
        Action::Run(RunEvent::Started { cell, at_ms: 1.0 }),
        Action::Ledger(LedgerEvent::Head { id, status: 200, headers: vec![], ttfb_ms: 2.0 }),
        Action::Run(RunEvent::Delta { cell, content: "In 1989".into(), reasoning: String::new() }),
        Action::Ledger(LedgerEvent::Body { id, first_token_ms: 3.0, last_token_ms: 4.0 }),
        Action::Ledger(LedgerEvent::Done { id, bytes_in: 9, latency_ms: 4.0, error: None }),
        Action::Run(RunEvent::Finished {
            cell,
            verdict: crate::core::verdict::classify(
                &Outcome::Reply { reply: reply.clone(), cut_short: None },
                None,
            ),
            outcome: Outcome::Reply { reply, cut_short: None },
            timing: Timing::default(),
            at_ms: 5.0,
        }),
    ]
}

#[test]
fn a_batch_is_its_actions_applied_in_order() {
    use crate::core::run::CellId;
    let started = apply(&fresh(), Action::StartRun { id: "r".into(), at_ms: 0.0 });
    let mut events = reply_events(CellId { probe: 0, provider: 0, sample: 0 }, 1);
    events.extend(reply_events(CellId { probe: 1, provider: 0, sample: 0 }, 2));
    events.push(Action::Notify("two replies in".into()));
    let one_by_one = events.iter().cloned().fold(started.clone(), |s, a| apply(&s, a));
    let batched = apply(&started, Action::Batch(events));
    assert_eq!(batched, one_by_one);
    let run = batched.run.as_ref().unwrap();
    assert_eq!(run.progress(10.0).done, 2);
    assert_eq!(batched.ledger.len(), 2);
    let entry = batched.ledger.entries().next().unwrap();
    assert_eq!((entry.ttfb_ms, entry.first_token_ms, entry.last_token_ms), (Some(2.0), Some(3.0), Some(4.0)));
    assert_eq!(batched.notice.as_deref(), Some("two replies in"));
    // An empty batch changes nothing.
    assert_eq!(apply(&batched, Action::Batch(Vec::new())), batched);
}

#[test]
fn an_update_shares_every_cell_probe_and_ledger_entry_it_does_not_change() {
    use crate::core::run::CellId;
    use std::rc::Rc;
    let mut s = apply(
        &fresh(),
        Action::ImportProbes(vec![Probe { id: "mine-1".into(), topic: "mine".into(), ..s_probe() }]),
    );
    s = apply(&s, Action::StartRun { id: "r".into(), at_ms: 0.0 });
    s = apply(&s, Action::Batch(reply_events(CellId { probe: 0, provider: 0, sample: 0 }, 1)));
    let next = apply(&s, Action::Batch(reply_events(CellId { probe: 1, provider: 0, sample: 0 }, 2)));
    let (before, after) = (s.run.as_ref().unwrap(), next.run.as_ref().unwrap());
    assert!(Rc::ptr_eq(&s.imported, &next.imported), "imported probes are not copied");
    assert!(Rc::ptr_eq(&s.pack, &next.pack));
    for probe in 0..before.probes.len() {
        let id = CellId { probe, provider: 0, sample: 0 };
        let same = Rc::ptr_eq(before.cell_rc(id).unwrap(), after.cell_rc(id).unwrap());
        assert_eq!(same, probe != 1, "cell {probe}: only the cell that changed is new");
        assert!(Rc::ptr_eq(&before.probes[probe], &after.probes[probe]));
    }
    let old = s.ledger.entries().next().unwrap();
    let kept = next.ledger.entries().next().unwrap();
    assert!(std::ptr::eq(old, kept), "an untouched ledger entry is shared, not copied");
}

fn s_probe() -> Probe {
    Pack::builtin().probes[0].clone()
}
