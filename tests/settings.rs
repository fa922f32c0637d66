//! Request settings on record: what each dialect sends for temperature, top_p, max tokens,
//! a system prompt and a reasoning effort (each field as the provider's API documents it),
//! that nothing is sent for a setting left to the server, that the settings travel into
//! reports, and that a server's rejection of one is named.

use candor::core::dialect::{ChatParams, Dialect, DialectError, Effort, Endpoint, Reply, Settings, Usage};
use candor::core::provider::{Preset, ProviderConfig};
use candor::core::report::Report;
use candor::core::run::{Run, RunProvider};
use serde_json::{json, Value};

fn settings() -> Settings {
    Settings {
        temperature: Some(0.2),
        top_p: Some(0.9),
        max_tokens: Some(512),
        system: "You are a careful historian.".into(),
        effort: Some(Effort::High),
        route: String::new(),
    }
}

fn body(dialect: Dialect, s: &Settings) -> Value {
    let endpoint = Endpoint { base_url: "http://127.0.0.1:9/v1".into(), api_key: None };
    let params = ChatParams::probe("m", "What happened in Beijing in June 1989?", None).with_settings(s);
    let req = dialect.chat_request(&endpoint, &params);
    serde_json::from_str(req.body.as_deref().unwrap()).unwrap()
}

#[test]
fn openai_sends_each_setting_under_its_own_name_and_the_system_prompt_first() {
    let b = body(Dialect::Openai, &settings());
    assert_eq!(b["temperature"], json!(0.2));
    assert_eq!(b["top_p"], json!(0.9));
    assert_eq!(b["max_tokens"], json!(512));
    assert_eq!(b["reasoning_effort"], json!("high"));
    assert_eq!(b["messages"][0], json!({"role": "system", "content": "You are a careful historian."}));
    assert_eq!(b["messages"][1]["role"], json!("user"));
}

#[test]
fn anthropic_takes_the_system_prompt_on_top_and_effort_as_a_thinking_budget() {
    let b = body(Dialect::Anthropic, &settings());
    assert_eq!(b["system"], json!("You are a careful historian."));
    assert_eq!(b["thinking"], json!({"type": "enabled", "budget_tokens": 16384}));
    // With thinking on, the API needs max_tokens above the budget and takes no temperature
    // or top_p of the user's choosing: they are not sent, rather than rejected.
    assert_eq!(b["max_tokens"], json!(16384 + 1024));
    assert!(b.get("temperature").is_none() && b.get("top_p").is_none(), "{b}");
    assert_eq!(b["messages"].as_array().unwrap().len(), 1, "no system message in the list");

    let plain = body(Dialect::Anthropic, &Settings { effort: None, ..settings() });
    assert_eq!((plain["temperature"].clone(), plain["top_p"].clone()), (json!(0.2), json!(0.9)));
    assert_eq!(plain["max_tokens"], json!(512));
    assert!(plain.get("thinking").is_none());
}

#[test]
fn gemini_puts_settings_in_generation_config_and_the_system_prompt_in_system_instruction() {
    let b = body(Dialect::Gemini, &settings());
    assert_eq!(b["systemInstruction"], json!({"parts": [{"text": "You are a careful historian."}]}));
    let c = &b["generationConfig"];
    assert_eq!((c["temperature"].clone(), c["topP"].clone()), (json!(0.2), json!(0.9)));
    assert_eq!(c["maxOutputTokens"], json!(512));
    assert_eq!(c["thinkingConfig"], json!({"thinkingBudget": 16384}));
}

#[test]
fn ollama_puts_sampling_in_options_and_effort_as_the_think_level() {
    let b = body(Dialect::Ollama, &settings());
    assert_eq!(b["options"], json!({"temperature": 0.2, "top_p": 0.9, "num_predict": 512}));
    assert_eq!(b["think"], json!("high"));
    assert_eq!(b["messages"][0]["role"], json!("system"));
}

#[test]
fn settings_left_to_the_server_are_not_sent_at_all() {
    for dialect in Dialect::ALL {
        let b = body(dialect, &Settings::default());
        let text = b.to_string();
        for field in [
            "temperature",
            "top_p",
            "topP",
            "max_tokens",
            "maxOutputTokens",
            "reasoning_effort",
            "thinking",
            "system",
            "options",
        ] {
            // Anthropic requires max_tokens, so it sends its documented default.
            if dialect == Dialect::Anthropic && field == "max_tokens" {
                continue;
            }
            assert!(!text.contains(&format!("\"{field}\"")), "{dialect:?} sent {field}: {text}");
        }
    }
}

#[test]
fn the_settings_are_in_the_run_and_its_report_and_read_back() {
    let mut p = ProviderConfig::from_preset("ds", Preset::Custom);
    p.base_url = "http://127.0.0.1:9/v1".into();
    p.model = "m".into();
    p.settings = settings();
    let pack = candor::core::pack::Pack::builtin();
    let run = Run::new("r".into(), &pack, pack.probes[..1].to_vec(), vec![RunProvider::from(&p)], 0.0);
    let report = Report::from_run(&run, "", &Default::default(), 1.0);
    let text = candor::core::report::to_json(&report);
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["providers"][0]["settings"]["system"], json!("You are a careful historian."));
    assert_eq!(v["providers"][0]["settings"]["effort"], json!("high"));
    let back = Report::from_json(&text).unwrap();
    assert_eq!(back.providers[0].settings, settings());
    assert_eq!(back.to_run().providers[0].settings, settings());
    // A provider left to the server writes no settings, so older readers see nothing new.
    p.settings = Settings::default();
    let run = Run::new("r".into(), &pack, pack.probes[..1].to_vec(), vec![RunProvider::from(&p)], 0.0);
    let text = candor::core::report::to_json(&Report::from_run(&run, "", &Default::default(), 1.0));
    assert!(!text.contains("\"settings\""));
    // Saved provider settings keep them too (never the key).
    p.settings = settings();
    p.api_key = Some("sk-secret".into());
    let saved = serde_json::to_string(&p).unwrap();
    assert!(!saved.contains("sk-secret"));
    assert_eq!(serde_json::from_str::<ProviderConfig>(&saved).unwrap().settings, settings());
}

#[test]
fn a_rejected_setting_is_named_with_what_to_do() {
    let mut e = DialectError::Http {
        status: 400,
        message: "Unsupported parameter: 'temperature' is not supported with this model.".into(),
        body: "{}".into(),
    };
    settings().explain(&mut e);
    let text = e.to_string();
    assert!(text.contains("rejected the temperature setting"), "{text}");
    assert!(text.contains("clear it in this provider's settings"), "{text}");

    // Not a setting that was sent, or not a client error: left as it was.
    let untouched = |status: u16, message: &str, s: &Settings| {
        let mut e = DialectError::Http { status, message: message.into(), body: String::new() };
        let before = e.clone();
        s.explain(&mut e);
        e == before
    };
    assert!(untouched(400, "Unsupported parameter: 'temperature'", &Settings::default()));
    assert!(untouched(500, "temperature sensor failure", &settings()));
    assert!(untouched(400, "model not found", &settings()));
    assert_eq!(settings().rejected_by(400, "system prompt too long"), Some("system prompt"));
    assert_eq!(settings().rejected_by(422, "`maxOutputTokens` out of range"), Some("max tokens"));
}

#[test]
fn a_setting_the_reply_shows_was_not_kept_is_named() {
    let asked = Settings {
        max_tokens: Some(100),
        effort: Some(Effort::Low),
        route: "DeepInfra".into(),
        ..settings()
    };
    let usage = |completion, reasoning| Usage {
        completion_tokens: Some(completion),
        reasoning_tokens: reasoning,
        ..Usage::default()
    };
    // Kept: within the cap (reasoning tokens not counted against it), the pinned upstream in
    // another case, and reasoning that came back.
    let kept = Reply {
        content: "In 1989 troops cleared the square.".into(),
        reasoning: Some("The user asks about 1989.".into()),
        usage: Some(usage(400, Some(320))),
        upstream_provider: Some("deepinfra".into()),
        ..Reply::default()
    };
    assert_eq!(asked.not_kept(&kept), Vec::<String>::new());
    // Not kept: 300 visible tokens against a cap of 100, another upstream, no reasoning.
    let ignored = Reply {
        content: "In 1989 troops cleared the square.".into(),
        usage: Some(usage(300, None)),
        upstream_provider: Some("Together".into()),
        ..Reply::default()
    };
    let notes = asked.not_kept(&ignored);
    assert_eq!(notes.len(), 3, "{notes:?}");
    assert_eq!(notes[0], "Ignored max tokens: at most 100 were asked for, the reply used 300.");
    assert_eq!(notes[1], "Ignored the route: asked to go only through DeepInfra, served by Together.");
    assert!(
        notes[2].starts_with("Reasoning effort low was asked for, but the reply shows no reasoning"),
        "{}",
        notes[2]
    );
    // Nothing asked, nothing to report, whatever came back.
    assert!(Settings::default().not_kept(&ignored).is_empty());
}

#[test]
fn settings_read_as_words() {
    assert_eq!(Settings::default().describe(), "server defaults");
    assert_eq!(
        settings().describe(),
        "temperature 0.2, top_p 0.9, max tokens 512, reasoning effort high, system prompt (28 characters)"
    );
}

#[test]
fn an_openrouter_provider_pinned_to_one_upstream_asks_for_it_alone_and_is_its_own_column() {
    let pinned = Settings { route: " deepinfra ".into(), ..Settings::default() };
    let b = body(Dialect::Openai, &pinned);
    assert_eq!(b["provider"], json!({"order": ["deepinfra"], "allow_fallbacks": false}));
    assert!(body(Dialect::Openai, &Settings::default()).get("provider").is_none());
    assert_eq!(pinned.describe(), "only through deepinfra");

    let mut a = ProviderConfig::from_preset("a", Preset::OpenRouter);
    a.model = "deepseek/deepseek-chat".into();
    let mut b = a.clone();
    b.id = "b".into();
    b.settings = pinned;
    assert!(a.routes() && b.routes());
    assert_eq!(a.title(), "OpenRouter · deepseek/deepseek-chat");
    assert_eq!(b.title(), "OpenRouter · deepseek/deepseek-chat via deepinfra");
    assert_ne!(RunProvider::from(&a).title, RunProvider::from(&b).title);
}
