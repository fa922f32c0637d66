//! What to tell a user when a request fails before any response arrives.
//!
//! A browser reports a CORS rejection, a refused connection, a DNS failure and a blocked
//! local-network request all the same way ("TypeError: Failed to fetch"), with no status.
//! The likely causes depend on the provider, so the advice does too.

use crate::core::flow::local_kind;
use crate::core::http::url_host;
use crate::core::provider::Preset;

fn is_local(host: &str) -> bool {
    local_kind(host).is_some()
}

/// The likely causes of a request to `base_url` failing with no response, most likely first,
/// each with what to do about it. `page_https` says whether the app itself was loaded over
/// HTTPS (which matters for local servers).
pub fn failed_fetch(preset: Preset, base_url: &str, page_https: bool) -> Vec<String> {
    let host = url_host(base_url);
    let local = is_local(&host);
    let mut out = Vec::new();
    match preset {
        Preset::Ollama => out.push(
            "Ollama refuses requests from web pages unless told to allow them: restart it with \
             OLLAMA_ORIGINS set to this page's origin (or \"*\"), e.g. OLLAMA_ORIGINS=\"*\" ollama serve."
                .into(),
        ),
        Preset::LlamaCpp => out.push(
            "Start llama-server with the port in the base URL; it allows browser requests by default, so a \
             failure usually means it is not running there."
                .into(),
        ),
        Preset::Vllm => out.push(
            "vLLM allows browser requests only when started with --allowed-origins (e.g. '[\"*\"]').".into(),
        ),
        _ => {}
    }
    if host == "api.anthropic.com" {
        out.push(
            "Anthropic's API accepts browser requests only with its direct-browser-access header; its \
             OpenAI-compatible endpoint is meant for servers. Use OpenRouter to reach Claude from the browser."
                .into(),
        );
    }
    if host == "generativelanguage.googleapis.com" {
        out.push(
            "Gemini's OpenAI-compatible endpoint does not answer browser preflight requests; use Gemini \
             through OpenRouter instead."
                .into(),
        );
    }
    if local && page_https {
        out.push(
            "This page is served over HTTPS and the server is on your machine or network: the browser may \
             block the request or ask for permission to reach local devices. Allow it, or open Candor from \
             http://localhost."
                .into(),
        );
    }
    if !local && !matches!(preset, Preset::Ollama | Preset::LlamaCpp | Preset::Vllm) && !host.is_empty() {
        out.push(format!(
            "{host} may not allow requests from web pages (CORS). Hosted APIs that do include DeepSeek, \
             OpenAI, OpenRouter, Together and Groq; for others, use OpenRouter or a local proxy."
        ));
    }
    out.push(format!(
        "The server may be down or the URL wrong: check that {} answers (the base URL usually ends in /v1).",
        if host.is_empty() { "the base URL" } else { host.as_str() }
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advice_fits_the_provider() {
        let ollama = failed_fetch(Preset::Ollama, "http://localhost:11434/v1", false);
        assert!(ollama[0].contains("OLLAMA_ORIGINS"));
        assert!(!ollama.iter().any(|a| a.contains("HTTPS")));
        let from_https = failed_fetch(Preset::Ollama, "http://127.0.0.1:11434/v1", true);
        assert!(from_https.iter().any(|a| a.contains("HTTPS")));
        let anthropic = failed_fetch(Preset::Custom, "https://api.anthropic.com/v1", true);
        assert!(anthropic.iter().any(|a| a.contains("direct-browser-access")));
        let gemini =
            failed_fetch(Preset::Custom, "https://generativelanguage.googleapis.com/v1beta/openai", true);
        assert!(gemini.iter().any(|a| a.contains("Gemini")));
        let custom = failed_fetch(Preset::Custom, "https://llm.example.org/v1", true);
        assert!(custom.iter().any(|a| a.contains("CORS")));
        assert!(custom.last().unwrap().contains("llm.example.org"));
        assert!(is_local("172.20.1.1") && !is_local("172.40.1.1"));
    }
}
