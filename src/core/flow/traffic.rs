//! What the diagram is drawn from: requests and bytes per destination, gathered from the
//! configured providers and the ledger.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::core::http::url_host;
use crate::core::ledger::Ledger;
use crate::core::provider::ProviderConfig;

/// Requests and bytes sent to one base URL, request URL or host.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Traffic {
    /// Anything [`Registry::place`](super::Registry::place) accepts.
    pub host_or_url: String,
    /// Requests made.
    pub requests: u32,
    /// Request bytes sent.
    pub bytes_out: u64,
    /// Response bytes received.
    pub bytes_in: u64,
}

impl Traffic {
    fn none(host_or_url: &str) -> Traffic {
        Traffic { host_or_url: host_or_url.to_string(), requests: 0, bytes_out: 0, bytes_in: 0 }
    }
}

/// Per destination host: requests and bytes from the ledger, plus every provider a run
/// would use (enabled, or chosen as `judge`) with no traffic yet, so the page shows where
/// prompts would go before any is sent. Candor's own requests (its files, from its own
/// origin) are left out: they carry no prompt. Sorted by host.
pub fn traffic(providers: &[ProviderConfig], judge: Option<&str>, ledger: &Ledger) -> Vec<Traffic> {
    let mut by_host: BTreeMap<String, Traffic> = BTreeMap::new();
    // The judge receives every reply, so it is a destination even when it is not probed.
    for p in providers.iter().filter(|p| p.enabled || judge == Some(p.id.as_str())) {
        let key = if p.is_simulated() { p.base_url.clone() } else { url_host(&p.base_url) };
        by_host.entry(key).or_insert_with(|| Traffic::none(&p.base_url));
    }
    for e in ledger.entries().filter(|e| !e.purpose.provider_id.is_candor()) {
        let t = by_host.entry(e.host.clone()).or_insert_with(|| Traffic::none(&e.url));
        t.requests += 1;
        t.bytes_out += e.bytes_out;
        t.bytes_in += e.bytes_in;
    }
    by_host.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::http::HttpRequest;
    use crate::core::ledger::{LedgerEntry, LedgerEvent, Purpose, PurposeKind};
    use crate::core::provider::Preset;

    fn get(url: &str, body: &str) -> HttpRequest {
        HttpRequest { method: "POST".into(), url: url.into(), headers: Vec::new(), body: Some(body.into()) }
    }

    #[test]
    fn providers_and_ledger_are_summed_per_host_without_candors_own_files() {
        let mut off = ProviderConfig::from_preset("p2", Preset::OpenAi);
        off.enabled = false;
        let mut judge = ProviderConfig::from_preset("p3", Preset::Groq);
        judge.enabled = false;
        let providers =
            [ProviderConfig::demo(), ProviderConfig::from_preset("p1", Preset::DeepSeek), off, judge];
        let mut ledger = Ledger::default();
        let chat = "https://api.deepseek.com/chat/completions";
        let probe = || Purpose::new(PurposeKind::Probe, "p1", "DeepSeek", "probe a@en");
        ledger.apply(LedgerEvent::Sent(Box::new(LedgerEntry::sent(1, 0.0, probe(), &get(chat, "abcd")))));
        ledger.apply(LedgerEvent::Done { id: 1, bytes_in: 100, latency_ms: 1.0, error: None });
        ledger.apply(LedgerEvent::Sent(Box::new(LedgerEntry::sent(2, 1.0, probe(), &get(chat, "ab")))));
        let own = Purpose::own_file("classifier model");
        let model = get("http://127.0.0.1:8080/model/verdict-v1.bin", "");
        ledger.apply(LedgerEvent::Sent(Box::new(LedgerEntry::sent(3, 2.0, own, &model))));

        let t = traffic(&providers, Some("p3"), &ledger);
        let hosts: Vec<&str> = t.iter().map(|t| t.host_or_url.as_str()).collect();
        // The disabled OpenAI provider and Candor's own model file are not destinations.
        assert_eq!(hosts, ["https://api.deepseek.com", "https://api.groq.com/openai/v1", "demo://simulated"]);
        assert_eq!((t[0].requests, t[0].bytes_out, t[0].bytes_in), (2, 6, 100));
        assert_eq!((t[1].requests, t[2].requests), (0, 0));
        assert!(traffic(&providers, None, &Ledger::default())
            .iter()
            .all(|t| !t.host_or_url.contains("groq")));
    }
}
