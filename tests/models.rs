//! Several models per provider entry: each chosen model is its own column of a run, asked
//! through the same endpoint, key and settings; the column ids stay unique and stable; the
//! key reaches the engine but never a report; and settings saved with one model still read.

use candor::core::engine::Keyed;
use candor::core::flow::Registry;
use candor::core::pack::Pack;
use candor::core::provider::{model_choices, Preset, ProviderConfig};
use candor::core::report::Report;
use candor::core::run::{RunEvent, RunStatus};
use candor::core::state::{apply, Action, AppState};
use serde_json::Value;

fn qwen_server() -> ProviderConfig {
    let mut p = ProviderConfig::from_preset("p1", Preset::Custom);
    p.name = "Lab".into();
    p.base_url = "http://127.0.0.1:9/v1/".into();
    p.model = "qwen-7b".into();
    p.more_models = vec!["qwen-72b".into(), " deepseek/r1 ".into(), "qwen-7b".into(), "".into()];
    p.api_key = Some("sk-shared-secret".into());
    p.settings.temperature = Some(0.3);
    p
}

#[test]
fn each_chosen_model_is_a_column_with_its_own_id_and_title_and_the_shared_key() {
    let p = qwen_server();
    assert_eq!(p.models(), vec!["qwen-7b", "qwen-72b", "deepseek/r1"], "blanks and repeats are dropped");
    let cols = p.columns();
    let ids: Vec<&str> = cols.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, vec!["p1", "p1/qwen-72b", "p1/deepseek/r1"]);
    let titles: Vec<String> = cols.iter().map(ProviderConfig::title).collect();
    assert_eq!(titles, vec!["Lab · qwen-7b", "Lab · qwen-72b", "Lab · deepseek/r1"]);
    for c in &cols {
        assert_eq!(c.api_key.as_deref(), Some("sk-shared-secret"));
        assert_eq!(c.endpoint(), p.endpoint());
        assert_eq!(c.settings, p.settings);
        assert!(c.more_models.is_empty());
        assert_eq!(c.problem(), None);
    }
    // A one-model provider is one column under its own id, as before.
    let mut one = p.clone();
    one.more_models.clear();
    assert_eq!(one.columns(), vec![one.clone()]);
    // Ids depend on the model, not its place: a column keeps its id when others are dropped.
    let mut fewer = p.clone();
    fewer.more_models = vec!["deepseek/r1".into()];
    assert_eq!(fewer.columns()[1].id, cols[2].id);
}

#[test]
fn old_settings_read_and_one_model_writes_as_before_and_the_key_is_never_written() {
    let old = r#"{"id":"p1","name":"Lab","preset":"custom","base_url":"http://127.0.0.1:9/v1",
        "model":"qwen-7b","concurrency":4,"enabled":true}"#;
    let p: ProviderConfig = serde_json::from_str(old).unwrap();
    assert!(p.more_models.is_empty());
    assert_eq!(p.columns().len(), 1);
    assert!(!serde_json::to_string(&p).unwrap().contains("more_models"));

    let many = qwen_server();
    let saved = serde_json::to_string(&many).unwrap();
    assert!(!saved.contains("sk-shared-secret"), "{saved}");
    let back: ProviderConfig = serde_json::from_str(&saved).unwrap();
    assert_eq!(back.models(), many.models());
}

#[test]
fn ticking_and_unticking_models_keeps_one_and_the_typed_one_first() {
    let mut p = ProviderConfig::from_preset("p1", Preset::Custom);
    p.model = "typed".into();
    p.choose_model("a", true);
    p.choose_model("b", true);
    p.choose_model("a", true);
    assert_eq!(p.models(), vec!["typed", "a", "b"]);
    p.choose_model("typed", false);
    assert_eq!((p.model.as_str(), p.more_models.clone()), ("a", vec!["b".to_string()]));
    p.choose_model("a", false);
    p.choose_model("b", false);
    assert_eq!(p.models(), vec!["b"], "the last model stays");
}

#[test]
fn the_search_box_filters_the_list_and_chosen_models_stay_visible() {
    let mut p = ProviderConfig::from_preset("p1", Preset::Custom);
    p.model = "my-own".into();
    p.more_models = vec!["Qwen2.5-72B".into()];
    let offered: Vec<String> = ["Qwen2.5-7B", "Qwen2.5-72B", "deepseek-r1"].map(String::from).to_vec();
    let all = model_choices(&p, &offered, "");
    let names: Vec<&str> = all.iter().map(|(m, _)| m.as_str()).collect();
    assert_eq!(names, vec!["my-own", "Qwen2.5-7B", "Qwen2.5-72B", "deepseek-r1"]);
    assert_eq!(all.iter().filter(|(_, on)| *on).count(), 2);
    let found = model_choices(&p, &offered, " qwen  72 ");
    assert_eq!(found, vec![("Qwen2.5-72B".to_string(), true)]);
    assert!(model_choices(&p, &offered, "llama").is_empty());
}

fn state_with(p: ProviderConfig) -> AppState {
    let s = AppState::new(Pack::builtin(), String::new(), Registry::builtin());
    apply(&s, Action::Restore { providers: vec![p], selection: None, judge: None })
}

#[test]
fn a_run_has_a_column_per_model_the_engine_gets_the_key_and_the_report_does_not() {
    let mut p = qwen_server();
    p.more_models = vec!["qwen-72b".into()];
    let s = state_with(p);
    let n = s.selected_probes().len();
    assert_eq!(s.run_size_text(), format!("{n} probes × 2 models = {} requests", n * 2));
    // Samples multiply the requests, and the line says so.
    let three = apply(&s, Action::SetSamples(3));
    assert_eq!(three.run_size_text(), format!("{n} probes × 2 models × 3 samples = {} requests", n * 6));
    let s = apply(&s, Action::StartRun { id: "r".into(), at_ms: 0.0 });
    let run = s.run.as_ref().expect("run started");
    let cols: Vec<(&str, &str, &str)> =
        run.providers.iter().map(|c| (c.id.as_str(), c.title.as_str(), c.model.as_str())).collect();
    assert_eq!(cols, vec![("p1", "Lab · qwen-7b", "qwen-7b"), ("p1/qwen-72b", "Lab · qwen-72b", "qwen-72b")]);
    assert!(run.providers.iter().all(|c| c.base_url == "http://127.0.0.1:9/v1"));

    // The engine finds every column's live settings by id, each with the shared key.
    let live = s.column_configs();
    for c in &run.providers {
        let config = live.iter().find(|l| l.id == c.id).expect("a live config per column");
        assert_eq!(config.model, c.model);
        let keyed = Keyed::from(config);
        assert!(!serde_json::to_string(&keyed.provider).unwrap().contains("sk-shared-secret"));
        assert_eq!(keyed.into_config().api_key.as_deref(), Some("sk-shared-secret"));
    }

    let report = Report::from_run(run, "", &Default::default(), 1.0);
    let text = candor::core::report::to_json(&report);
    assert!(!text.contains("sk-shared-secret"));
    let v: Value = serde_json::from_str(&text).unwrap();
    let ids: Vec<&str> =
        v["providers"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap()).collect();
    assert_eq!(ids, vec!["p1", "p1/qwen-72b"]);
    let back = Report::from_json(&text).unwrap().to_run();
    assert_eq!(back.providers[1].model, "qwen-72b");
}

#[test]
fn a_stopped_run_resumes_while_each_model_is_still_chosen() {
    let s = state_with(qwen_server());
    let started = apply(&s, Action::StartRun { id: "r".into(), at_ms: 0.0 });
    let stopped = apply(&started, Action::Run(RunEvent::Cancelled { at_ms: 1.0 }));
    assert_eq!(stopped.run.as_ref().unwrap().status, RunStatus::Cancelled);
    let resumed = apply(&stopped, Action::ResumeRun);
    assert_eq!(resumed.run.as_ref().unwrap().status, RunStatus::Running, "{:?}", resumed.notice);

    // Untick a model: its column cannot be resumed, and the notice names it.
    let mut p = stopped.providers[0].clone();
    p.choose_model("qwen-72b", false);
    let changed = apply(&stopped, Action::UpdateProvider(p));
    let refused = apply(&changed, Action::ResumeRun);
    assert_eq!(refused.run.as_ref().unwrap().status, RunStatus::Cancelled);
    assert!(refused.notice.as_deref().unwrap_or("").contains("Lab · qwen-72b"), "{:?}", refused.notice);
}
