//! Settings on record: temperature, top_p, max tokens, a system prompt and the reasoning
//! setting each become the field the dialect's API documents, nothing is sent for what is left
//! unset, the report carries the settings, and a request rejected for a setting says which.

use candor::core::dialect::{Dialect, DialectError, Endpoint, Reasoning};
use candor::core::provider::{typed_count, typed_number, Preset, ProviderConfig, Settings};
use candor::core::verdict::{classify, Label, Outcome};
use serde_json::{json, Value};

fn body(dialect: Dialect, settings: &Settings) -> Value {
    let endpoint = Endpoint { base_url: "http://localhost:1".into(), api_key: None };
    let req = dialect.chat_request(&endpoint, &settings.chat_params("m", "Who is the Tank Man?"));
    serde_json::from_str(req.body.as_deref().unwrap()).unwrap()
}

fn set(reasoning: Option<Reasoning>) -> Settings {
    Settings {
        temperature: Some(0.25),
        top_p: Some(0.5),
        max_tokens: Some(300),
        system_prompt: Some("Answer in one sentence.".into()),
        reasoning,
        route: None,
    }
}

#[test]
fn nothing_is_sent_for_settings_left_to_the_server() {
    let d = Settings::default();
    let openai = body(Dialect::Openai, &d);
    for key in ["temperature", "top_p", "max_tokens", "reasoning_effort"] {
        assert!(openai.get(key).is_none(), "{key} in {openai}");
    }
    assert_eq!(openai["messages"], json!([{"role": "user", "content": "Who is the Tank Man?"}]));
    let anthropic = body(Dialect::Anthropic, &d);
    assert!(anthropic.get("system").is_none() && anthropic.get("thinking").is_none(), "{anthropic}");
    let gemini = body(Dialect::Gemini, &d);
    assert!(
        gemini.get("generationConfig").is_none() && gemini.get("systemInstruction").is_none(),
        "{gemini}"
    );
    let ollama = body(Dialect::Ollama, &d);
    assert!(ollama.get("options").is_none() && ollama.get("think").is_none(), "{ollama}");
}

#[test]
fn each_dialect_sends_the_settings_as_its_documented_fields() {
    let o = body(Dialect::Openai, &set(Some(Reasoning::High)));
    assert_eq!((o["temperature"].as_f64(), o["top_p"].as_f64()), (Some(0.25), Some(0.5)));
    assert_eq!((o["max_tokens"].as_u64(), o["reasoning_effort"].as_str()), (Some(300), Some("high")));
    assert_eq!(
        o["messages"],
        json!([{"role": "system", "content": "Answer in one sentence."}, {"role": "user", "content": "Who is the Tank Man?"}])
    );
    assert_eq!(body(Dialect::Openai, &set(Some(Reasoning::Off)))["reasoning_effort"], "none");
    assert!(body(Dialect::Openai, &set(Some(Reasoning::On))).get("reasoning_effort").is_none());

    let a = body(Dialect::Anthropic, &set(None));
    assert_eq!(a["system"], "Answer in one sentence.");
    assert_eq!(
        (a["temperature"].as_f64(), a["top_p"].as_f64(), a["max_tokens"].as_u64()),
        (Some(0.25), Some(0.5), Some(300))
    );
    let thinking = body(Dialect::Anthropic, &set(Some(Reasoning::Medium)));
    assert_eq!(thinking["thinking"], json!({"type": "enabled", "budget_tokens": 4096}));
    assert!(thinking["max_tokens"].as_u64().unwrap() > 4096, "max_tokens must exceed the budget");
    assert!(thinking.get("temperature").is_none(), "thinking allows no temperature but the default");
    assert_eq!(body(Dialect::Anthropic, &set(Some(Reasoning::Off)))["thinking"], json!({"type": "disabled"}));

    let g = body(Dialect::Gemini, &set(Some(Reasoning::Low)));
    assert_eq!(g["systemInstruction"], json!({"parts": [{"text": "Answer in one sentence."}]}));
    let config = &g["generationConfig"];
    assert_eq!((config["temperature"].as_f64(), config["topP"].as_f64()), (Some(0.25), Some(0.5)));
    assert_eq!(config["maxOutputTokens"], 300);
    assert_eq!(config["thinkingConfig"], json!({"includeThoughts": true, "thinkingBudget": 1024}));
    let off = body(Dialect::Gemini, &set(Some(Reasoning::Off)));
    assert_eq!(off["generationConfig"]["thinkingConfig"], json!({"thinkingBudget": 0}));

    let l = body(Dialect::Ollama, &set(Some(Reasoning::Medium)));
    assert_eq!(l["think"], "medium");
    assert_eq!(l["options"], json!({"temperature": 0.25, "top_p": 0.5, "num_predict": 300}));
    assert_eq!(l["messages"][0], json!({"role": "system", "content": "Answer in one sentence."}));
    assert_eq!(body(Dialect::Ollama, &set(Some(Reasoning::On)))["think"], true);
    assert_eq!(body(Dialect::Ollama, &set(Some(Reasoning::Off)))["think"], false);
}

#[test]
fn a_blank_system_prompt_is_not_sent() {
    let blank = Settings { system_prompt: Some("  ".into()), ..Settings::default() };
    assert_eq!(body(Dialect::Openai, &blank)["messages"].as_array().unwrap().len(), 1);
    assert!(body(Dialect::Anthropic, &blank).get("system").is_none());
}

#[test]
fn typed_settings_take_numbers_in_range_and_keep_the_last_good_one() {
    assert_eq!(typed_number("0.7", 0.0, 2.0, None), Some(0.7));
    assert_eq!(typed_number(" ", 0.0, 2.0, Some(0.7)), None, "cleared: the server decides");
    assert_eq!(typed_number("0.", 0.0, 2.0, Some(0.7)), Some(0.0));
    assert_eq!(typed_number("3", 0.0, 2.0, Some(0.7)), Some(0.7), "out of range keeps the last value");
    assert_eq!(typed_number("abc", 0.0, 1.0, None), None);
    assert_eq!(
        (typed_count("512", None), typed_count("0", Some(9)), typed_count("", Some(9))),
        (Some(512), Some(9), None)
    );
}

#[test]
fn settings_are_saved_with_the_provider_and_written_in_reports_only_when_set() {
    let mut p = ProviderConfig::from_preset("p1", Preset::OllamaNative);
    let plain = serde_json::to_string(&p).unwrap();
    assert!(!plain.contains("settings"), "{plain}");
    p.settings = set(Some(Reasoning::Low));
    let back: ProviderConfig = serde_json::from_str(&serde_json::to_string(&p).unwrap()).unwrap();
    assert_eq!(back.settings, p.settings);
    let old: ProviderConfig = serde_json::from_str(&plain).unwrap();
    assert!(old.settings.is_default(), "settings saved before there were any read as unset");
    assert_eq!(
        p.settings.describe(),
        "temperature 0.25 · top_p 0.5 · max tokens 300 · reasoning low · system prompt \u{201c}Answer in one sentence.\u{201d}"
    );
    assert_eq!(Settings::default().describe(), "server defaults");
}

#[test]
fn a_request_rejected_for_a_setting_says_which() {
    let rejected = |status: u16, message: &str| {
        let e = DialectError::Http { status, message: message.into(), body: String::new() };
        let v = classify(&Outcome::Dialect(e), None);
        assert_eq!(v.label, Label::Error);
        v.signals[0].reason.clone()
    };
    let why = rejected(400, "Unsupported value: 'temperature' does not support 0.25 with this model.");
    assert!(why.contains("rejected the temperature setting"), "{why}");
    let why = rejected(400, "thinking.budget_tokens: Input should be greater than or equal to 1024");
    assert!(why.contains("rejected the reasoning setting"), "{why}");
    let why = rejected(400, "Unrecognized request argument supplied: reasoning_effort");
    assert!(why.contains("rejected the reasoning setting"), "{why}");
    let why = rejected(400, "max_tokens: 100000 > 64000, which is the maximum allowed");
    assert!(why.contains("rejected the max tokens setting"), "{why}");
    let why = rejected(400, "Invalid JSON payload received. Unknown name \"systemInstruction\"");
    assert!(why.contains("rejected the system prompt setting"), "{why}");
    let why = rejected(400, "model not found");
    assert!(!why.contains("setting"), "{why}");
    let why = rejected(500, "temperature sensor overheated");
    assert!(!why.contains("setting"), "only a rejected request names a setting: {why}");
}

#[test]
fn a_pinned_openrouter_route_is_sent_without_fallbacks_and_names_its_own_column() {
    let mut a = ProviderConfig::from_preset("p1", Preset::OpenRouter);
    let mut b = ProviderConfig::from_preset("p2", Preset::OpenRouter);
    a.settings.route = Some("DeepInfra".into());
    b.settings.route = Some(" Together ".into());
    let req = |p: &ProviderConfig| {
        let r =
            p.dialect.chat_request(&p.endpoint(), &p.settings.chat_params(&p.model, "Who is the Tank Man?"));
        serde_json::from_str::<Value>(r.body.as_deref().unwrap()).unwrap()
    };
    assert_eq!(req(&a)["provider"], json!({"order": ["DeepInfra"], "allow_fallbacks": false}));
    assert_eq!(req(&b)["provider"], json!({"order": ["Together"], "allow_fallbacks": false}));
    let free = ProviderConfig::from_preset("p3", Preset::OpenRouter);
    assert!(req(&free).get("provider").is_none(), "no pin: OpenRouter routes as it likes");
    assert_eq!(a.title(), "OpenRouter · deepseek/deepseek-chat via DeepInfra");
    assert_ne!(a.title(), b.title(), "the same model behind two routes is two columns with two titles");
    assert!(a.settings.describe().contains("only via DeepInfra"));
    let mut blank = free.clone();
    blank.settings.route = Some("  ".into());
    assert!(req(&blank).get("provider").is_none());
    assert_eq!(blank.title(), free.title());
}
