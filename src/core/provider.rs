//! Providers: the model endpoints a user configures, and the presets that fill them in.
//!
//! An API key lives in [`ProviderConfig::api_key`], which is never serialized: settings,
//! exports and logs are written from the serialized form, so a key cannot leak through
//! them. `net::storage` stores keys separately, and only for providers whose
//! `remember_key` is ticked.

use serde::{Deserialize, Serialize};

use crate::core::dialect::{Dialect, Endpoint, Settings};
use crate::core::i18n::{tf, tr, Msg};

/// A known kind of endpoint, with sensible defaults.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Preset {
    /// Built-in simulated models: no network, for trying the app.
    Demo,
    /// DeepSeek's hosted API.
    DeepSeek,
    /// OpenAI's API.
    OpenAi,
    /// OpenRouter, which routes to many upstream providers.
    OpenRouter,
    /// Together AI.
    Together,
    /// Groq.
    Groq,
    /// Fireworks AI.
    Fireworks,
    /// A local Ollama server, through its OpenAI-compatible `/v1` API.
    Ollama,
    /// Anthropic's Messages API.
    Anthropic,
    /// Google's Gemini API.
    Gemini,
    /// A local Ollama server, through its native `/api/chat` (with the `thinking` field).
    OllamaNative,
    /// A local llama.cpp server (`llama-server`).
    LlamaCpp,
    /// A vLLM server.
    Vllm,
    /// Any other OpenAI-compatible URL.
    Custom,
}

impl Preset {
    /// Every preset, in the order the settings panel offers them.
    pub const ALL: [Preset; 14] = [
        Preset::Demo,
        Preset::DeepSeek,
        Preset::OpenAi,
        Preset::Anthropic,
        Preset::Gemini,
        Preset::OpenRouter,
        Preset::Together,
        Preset::Groq,
        Preset::Fireworks,
        Preset::Ollama,
        Preset::OllamaNative,
        Preset::LlamaCpp,
        Preset::Vllm,
        Preset::Custom,
    ];

    /// The name shown in the preset list and used as the default display name.
    pub fn label(self) -> &'static str {
        match self {
            Preset::Demo => "Demo (simulated)",
            Preset::DeepSeek => "DeepSeek",
            Preset::OpenAi => "OpenAI",
            Preset::OpenRouter => "OpenRouter",
            Preset::Together => "Together",
            Preset::Groq => "Groq",
            Preset::Fireworks => "Fireworks",
            Preset::Ollama => "Ollama (local)",
            Preset::Anthropic => "Anthropic",
            Preset::Gemini => "Google Gemini",
            Preset::OllamaNative => "Ollama native API (local)",
            Preset::LlamaCpp => "llama.cpp server (local)",
            Preset::Vllm => "vLLM",
            Preset::Custom => "Other server",
        }
    }

    /// Stable identifier used in stored settings and form values.
    pub fn key(self) -> &'static str {
        match self {
            Preset::Demo => "demo",
            Preset::DeepSeek => "deep-seek",
            Preset::OpenAi => "open-ai",
            Preset::OpenRouter => "open-router",
            Preset::Together => "together",
            Preset::Groq => "groq",
            Preset::Fireworks => "fireworks",
            Preset::Ollama => "ollama",
            Preset::Anthropic => "anthropic",
            Preset::Gemini => "gemini",
            Preset::OllamaNative => "ollama-native",
            Preset::LlamaCpp => "llama-cpp",
            Preset::Vllm => "vllm",
            Preset::Custom => "custom",
        }
    }

    /// Parses [`Preset::key`].
    pub fn from_key(key: &str) -> Option<Preset> {
        Preset::ALL.into_iter().find(|p| p.key() == key)
    }

    /// The base URL the preset starts with (from each provider's API documentation).
    pub fn base_url(self) -> &'static str {
        match self {
            Preset::Demo => DEMO_BASE_URL,
            Preset::DeepSeek => "https://api.deepseek.com",
            Preset::OpenAi => "https://api.openai.com/v1",
            Preset::OpenRouter => "https://openrouter.ai/api/v1",
            Preset::Together => "https://api.together.xyz/v1",
            Preset::Groq => "https://api.groq.com/openai/v1",
            Preset::Fireworks => "https://api.fireworks.ai/inference/v1",
            Preset::Ollama => "http://localhost:11434/v1",
            Preset::Anthropic => "https://api.anthropic.com",
            Preset::Gemini => "https://generativelanguage.googleapis.com",
            Preset::OllamaNative => "http://localhost:11434",
            Preset::LlamaCpp => "http://localhost:8080/v1",
            Preset::Vllm => "http://localhost:8000/v1",
            Preset::Custom => "",
        }
    }

    /// A model to start with; the server's own list replaces it where it has one.
    pub fn default_model(self) -> &'static str {
        match self {
            Preset::Demo => "demo-censored",
            Preset::DeepSeek => "deepseek-chat",
            Preset::OpenAi => "gpt-4o-mini",
            Preset::OpenRouter => "deepseek/deepseek-chat",
            Preset::Together => "deepseek-ai/DeepSeek-V3",
            Preset::Groq => "llama-3.3-70b-versatile",
            Preset::Fireworks => "accounts/fireworks/models/deepseek-v3",
            Preset::Ollama | Preset::OllamaNative => "deepseek-r1:7b",
            Preset::Anthropic => "claude-sonnet-4-5",
            Preset::Gemini => "gemini-2.5-flash",
            Preset::LlamaCpp | Preset::Vllm | Preset::Custom => "",
        }
    }

    /// Whether the hosted API rejects requests without a key.
    pub fn needs_key(self) -> bool {
        !matches!(
            self,
            Preset::Demo
                | Preset::Ollama
                | Preset::OllamaNative
                | Preset::LlamaCpp
                | Preset::Vllm
                | Preset::Custom
        )
    }

    /// The dialect the preset's server speaks (the provider form can change it).
    pub fn dialect(self) -> Dialect {
        match self {
            Preset::Anthropic => Dialect::Anthropic,
            Preset::Gemini => Dialect::Gemini,
            Preset::OllamaNative => Dialect::Ollama,
            _ => Dialect::Openai,
        }
    }

    /// Whether the preset is simulated rather than a real model.
    pub fn is_simulated(self) -> bool {
        self == Preset::Demo
    }
}

/// Who a request was made for: a configured provider's id (`p1`, `demo`…), or Candor
/// itself for the site's own files. Written as a plain string in ledgers and reports.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ProviderId(String);

impl ProviderId {
    /// The id ledgers and reports have always written for Candor's own requests. Provider
    /// ids the app hands out are `demo` and `p<n>`, so no provider can take it.
    const CANDOR: &'static str = "candor";

    /// A configured provider's id.
    pub fn new(id: impl Into<String>) -> ProviderId {
        ProviderId(id.into())
    }

    /// Candor itself: the requester of the site's own files.
    pub fn candor() -> ProviderId {
        ProviderId(ProviderId::CANDOR.to_string())
    }

    /// Whether the request was Candor's own rather than one for a provider.
    pub fn is_candor(&self) -> bool {
        self.0 == ProviderId::CANDOR
    }

    /// The id as written in files.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for ProviderId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl PartialEq<str> for ProviderId {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<String> for ProviderId {
    fn eq(&self, other: &String) -> bool {
        self.0 == *other
    }
}

impl PartialEq<&str> for ProviderId {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl std::ops::Deref for ProviderId {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for ProviderId {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl From<&str> for ProviderId {
    fn from(id: &str) -> ProviderId {
        ProviderId::new(id)
    }
}

impl From<String> for ProviderId {
    fn from(id: String) -> ProviderId {
        ProviderId(id)
    }
}

/// The boxes of the model list, each a model and whether it is chosen: the chosen models
/// the server does not list first (so each can still be taken out), then the server's list;
/// only those matching `query` (every word of it appears in the model id, whatever the case
/// of its ASCII letters: Unicode case tables would cost the page more than model ids need).
pub fn model_choices(p: &ProviderConfig, offered: &[String], query: &str) -> Vec<(String, bool)> {
    let chosen = p.models();
    let query = query.to_ascii_lowercase();
    let mut out = Vec::new();
    let mut add = |m: &str| {
        let lower = m.to_ascii_lowercase();
        if query.split_ascii_whitespace().all(|w| lower.contains(w)) {
            out.push((m.to_string(), chosen.contains(&m)));
        }
    };
    for c in &chosen {
        if !offered.iter().any(|m| m == c) {
            add(c);
        }
    }
    for m in offered {
        add(m);
    }
    out
}

/// The pseudo base URL of the simulated provider; it is never fetched.
pub const DEMO_BASE_URL: &str = "demo://simulated";

/// Default number of requests in flight per provider.
pub const DEFAULT_CONCURRENCY: u32 = 4;

/// Tries per probe unless the user sets otherwise.
pub const DEFAULT_TRIES: u32 = 3;
/// The longest wait before another try, in seconds, unless the user sets otherwise.
pub const DEFAULT_MAX_WAIT_S: u32 = 60;

fn default_tries() -> u32 {
    DEFAULT_TRIES
}

fn default_max_wait() -> u32 {
    DEFAULT_MAX_WAIT_S
}

/// How many connections a browser opens to one host over plain HTTP (HTTP/1.1, one request
/// per connection at a time): six in Chromium and Firefox. More requests to such a host only
/// wait in the browser's queue, so a run sends at most this many to it at once.
pub const HTTP1_CONNECTIONS: usize = 6;

/// The host (and port) of a plain `http://` base URL, whose requests share the browser's
/// [`HTTP1_CONNECTIONS`] connections to it; `None` for HTTPS (HTTP/2 carries many requests on
/// one connection) and anything else.
pub fn plain_http_host(base_url: &str) -> Option<&str> {
    let url = base_url.trim();
    let rest = url.get(..7).filter(|s| s.eq_ignore_ascii_case("http://")).map(|_| &url[7..])?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    (!host.is_empty()).then_some(host)
}

/// One configured model endpoint.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProviderConfig {
    /// Stable id, unique among the user's providers.
    pub id: ProviderId,
    /// Display name.
    pub name: String,
    /// The preset it was made from.
    pub preset: Preset,
    /// Base URL: ending in the API version (`…/v1`) for the OpenAI-compatible dialect, the
    /// server root for the others.
    pub base_url: String,
    /// The wire format the server speaks. Settings saved before there was a choice read as
    /// OpenAI-compatible, the only dialect there was.
    #[serde(default)]
    pub dialect: Dialect,
    /// Model id: the provider's first column.
    pub model: String,
    /// Further models asked through the same endpoint, key and settings, each its own
    /// column (see [`ProviderConfig::columns`]). Absent in settings saved before there was
    /// a choice, and when there is only one model.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub more_models: Vec<String>,
    /// Requests in flight at once (1–16).
    pub concurrency: u32,
    /// Whether runs include this provider.
    pub enabled: bool,
    /// Whether the key is stored on this device.
    #[serde(default)]
    pub remember_key: bool,
    /// Tries per probe when the server rate-limits, is busy or does not answer (1: never
    /// retry).
    #[serde(default = "default_tries")]
    pub max_tries: u32,
    /// The longest wait before another try, in seconds; a server asking for more is not
    /// tried again.
    #[serde(default = "default_max_wait")]
    pub max_wait_s: u32,
    /// What every probe is asked with besides the prompt (temperature, system prompt…);
    /// all left to the server by default.
    #[serde(default, skip_serializing_if = "Settings::is_default")]
    pub settings: Settings,
    /// The API key. Never serialized: see the module docs.
    #[serde(skip)]
    pub api_key: Option<String>,
}

impl ProviderConfig {
    /// A provider filled in from a preset.
    pub fn from_preset(id: impl Into<String>, preset: Preset) -> ProviderConfig {
        ProviderConfig {
            id: ProviderId(id.into()),
            name: preset.label().to_string(),
            preset,
            base_url: preset.base_url().to_string(),
            dialect: preset.dialect(),
            model: preset.default_model().to_string(),
            more_models: Vec::new(),
            concurrency: DEFAULT_CONCURRENCY,
            enabled: true,
            remember_key: false,
            max_tries: DEFAULT_TRIES,
            max_wait_s: DEFAULT_MAX_WAIT_S,
            settings: Settings::default(),
            api_key: None,
        }
    }

    /// The simulated provider every new user starts with.
    pub fn demo() -> ProviderConfig {
        ProviderConfig::from_preset("demo", Preset::Demo)
    }

    /// Whether replies come from the built-in simulation.
    pub fn is_simulated(&self) -> bool {
        self.preset.is_simulated()
    }

    /// The name with the model (and the upstream provider it is pinned to), as shown in the
    /// matrix header: the same model behind two routes is two columns that say so.
    pub fn title(&self) -> String {
        let sim = if self.is_simulated() && !self.name.contains("simulated") { " (simulated)" } else { "" };
        let route = self.settings.route.trim();
        let via = if route.is_empty() { String::new() } else { format!(" via {route}") };
        if self.model.is_empty() || self.name.contains(&self.model) {
            format!("{}{sim}{via}", self.name)
        } else {
            format!("{} · {}{sim}{via}", self.name, self.model)
        }
    }

    /// Every model chosen, the first one first: trimmed, without blanks or repeats.
    pub fn models<'a>(&'a self) -> Vec<&'a str> {
        let mut out: Vec<&str> = Vec::new();
        let mut add = |m: &'a str| {
            let m = m.trim();
            if !m.is_empty() && !out.contains(&m) {
                out.push(m);
            }
        };
        add(&self.model);
        for m in &self.more_models {
            add(m);
        }
        out
    }

    /// One provider per chosen model, each a column of a run: the same endpoint, key and
    /// settings. The first keeps the provider's id, so runs and reports of a one-model
    /// provider read as before; each other one is `<id>/<model>`, which stays the same
    /// whatever else is chosen, so a saved run resumes each column with its own model.
    pub fn columns(&self) -> Vec<ProviderConfig> {
        let mut out = vec![ProviderConfig { more_models: Vec::new(), ..self.clone() }];
        for m in self.models().into_iter().skip(1) {
            let id = ProviderId(format!("{}/{m}", self.id));
            out.push(ProviderConfig { id, model: m.to_string(), ..out[0].clone() });
        }
        out
    }

    /// Adds `model` to the chosen models (`on`) or takes it out. The provider always keeps
    /// one model: taking out the only one leaves it, as typed.
    pub fn choose_model(&mut self, model: &str, on: bool) {
        let chosen: Vec<String> = self.models().into_iter().map(String::from).collect();
        if on && chosen.iter().any(|m| m == model) {
            return;
        }
        let mut next: Vec<String> = chosen.iter().filter(|m| *m != model).cloned().collect();
        if on {
            next.push(model.to_string());
        }
        if next.is_empty() {
            return;
        }
        self.model = next.remove(0);
        self.more_models = next;
    }

    /// Whether the provider is OpenRouter, which can be pinned to one upstream provider.
    pub fn routes(&self) -> bool {
        self.preset == Preset::OpenRouter || self.base_url.contains("openrouter.ai")
    }

    /// Where requests go.
    pub fn endpoint(&self) -> Endpoint {
        Endpoint {
            base_url: self.base_url.trim().trim_end_matches('/').to_string(),
            api_key: self.api_key.clone().filter(|k| !k.trim().is_empty()),
        }
    }

    /// What to say next to the concurrency setting of a plain-HTTP endpoint (local servers
    /// usually are): that the browser sends at most [`HTTP1_CONNECTIONS`] requests to the host
    /// at once, whatever is asked. `None` for HTTPS and the simulated provider.
    pub fn concurrency_note(&self) -> Option<String> {
        if self.is_simulated() {
            return None;
        }
        let host = plain_http_host(&self.base_url)?;
        Some(tf(Msg::ConcurrencyNote, &[("n", &HTTP1_CONNECTIONS), ("host", &host)]))
    }

    /// What is wrong with the settings, in words a user can act on; `None` when usable.
    pub fn problem(&self) -> Option<String> {
        if self.name.trim().is_empty() {
            return Some(tr(Msg::ProblemName).into());
        }
        if self.model.trim().is_empty() {
            return Some(tr(Msg::ProblemModel).into());
        }
        if self.is_simulated() {
            return None;
        }
        let url = self.base_url.trim();
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Some(tr(Msg::ProblemUrl).into());
        }
        if self.preset.needs_key() && self.api_key.as_deref().is_none_or(|k| k.trim().is_empty()) {
            return Some(tf(Msg::ProblemKey, &[("provider", &self.preset.label())]));
        }
        // A key travels in a header, where the browser refuses anything but printable ASCII
        // (a bullet or a line break pasted with it). Said here, before the run, rather than as
        // an error in every cell; the character is named, never the key.
        let key = self.api_key.as_deref().map_or("", str::trim);
        if let Some(c) = key.chars().find(|c| !c.is_ascii_graphic() && *c != ' ') {
            let shown = if c.is_control() || c.is_whitespace() {
                format!("U+{:04X}", u32::from(c))
            } else {
                format!("{c} (U+{:04X})", u32::from(c))
            };
            return Some(tf(Msg::ProblemKeyChar, &[("provider", &self.preset.label()), ("char", &shown)]));
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_with_a_character_no_header_can_carry_is_a_problem_that_names_the_character_only() {
        let mut p = ProviderConfig::from_preset("p1", Preset::DeepSeek);
        p.api_key = Some("  sk-abc123  ".into());
        assert_eq!(p.problem(), None, "spaces around a pasted key are trimmed when it is sent");
        for (key, named) in
            [("sk-abc•def", "• (U+2022)"), ("sk-abc\ndef", "U+000A"), ("sk-abc\u{200b}def", "U+200B")]
        {
            p.api_key = Some(key.into());
            let problem = p.problem().expect("a problem");
            assert!(problem.contains(named), "{problem}");
            assert!(!problem.contains("abc"), "the key is never shown: {problem}");
        }
    }

    #[test]
    fn key_is_never_serialized() {
        let mut p = ProviderConfig::from_preset("p1", Preset::DeepSeek);
        p.api_key = Some("sk-test-secret".into());
        p.remember_key = true;
        let json = serde_json::to_string(&p).unwrap();
        assert!(!json.contains("sk-test-secret"), "{json}");
        let back: ProviderConfig = serde_json::from_str(&json).unwrap();
        assert_eq!(back.api_key, None);
        assert_eq!(back.model, "deepseek-chat");
    }

    #[test]
    fn presets_round_trip_and_validate() {
        for p in Preset::ALL {
            assert_eq!(Preset::from_key(p.key()), Some(p));
        }
        let mut ds = ProviderConfig::from_preset("p", Preset::DeepSeek);
        assert_eq!(ds.problem().as_deref(), Some("DeepSeek needs an API key."));
        ds.api_key = Some("k".into());
        assert_eq!(ds.problem(), None);
        assert_eq!(ProviderConfig::from_preset("o", Preset::Ollama).problem(), None);
        let mut custom = ProviderConfig::from_preset("c", Preset::Custom);
        custom.model = "m".into();
        assert!(custom.problem().unwrap().contains("http"));
        assert!(ProviderConfig::demo().title().contains("simulated"));
    }

    #[test]
    fn candor_is_a_typed_id_written_as_before() {
        let own = ProviderId::candor();
        assert!(own.is_candor() && !ProviderId::new("p1").is_candor());
        assert_eq!(serde_json::to_string(&own).unwrap(), r#""candor""#);
        let back: ProviderId = serde_json::from_str(r#""candor""#).unwrap();
        assert!(back.is_candor());
        assert_eq!(serde_json::from_str::<ProviderId>(r#""p1""#).unwrap(), *"p1");
    }

    #[test]
    fn endpoint_trims_slashes_and_blank_keys() {
        let mut p = ProviderConfig::from_preset("p", Preset::Ollama);
        p.base_url = "http://localhost:11434/v1/ ".into();
        p.api_key = Some("  ".into());
        let e = p.endpoint();
        assert_eq!(e.base_url, "http://localhost:11434/v1");
        assert_eq!(e.api_key, None);
    }
}
