//! The request ledger: every HTTP request the app made, what was sent (key redacted), and
//! what came back. `net::fetch::send` writes it for every request, so none can bypass it.

use crate::core::num::fixed;
use std::rc::Rc;

use serde::{Deserialize, Serialize};

use crate::core::dialect::Usage;
use crate::core::http::HttpRequest;
use crate::core::price::{price_for, Price, Tokens};
use crate::core::provider::ProviderId;

/// What kind of request it was.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PurposeKind {
    /// A probe sent to a provider (also what entries saved before kinds existed read as).
    #[default]
    Probe,
    /// A provider's model list.
    ModelList,
    /// One of the site's own files.
    Asset,
    /// A reply sent to the run's judge to be rated.
    Judge,
}

impl PurposeKind {
    /// The kind as shown in the ledger.
    pub fn title(self) -> &'static str {
        match self {
            PurposeKind::Probe => "Probe",
            PurposeKind::ModelList => "Model list",
            PurposeKind::Asset => "Site file",
            PurposeKind::Judge => "Judge",
        }
    }

    /// The identifier used in files and test hooks.
    pub fn key(self) -> &'static str {
        match self {
            PurposeKind::Probe => "probe",
            PurposeKind::ModelList => "model_list",
            PurposeKind::Asset => "asset",
            PurposeKind::Judge => "judge",
        }
    }
}

/// Why a request was made, and for which provider.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Purpose {
    /// Provider id in settings, or Candor for the site's own files.
    pub provider_id: ProviderId,
    /// Provider name as shown.
    pub provider: String,
    /// `probe <id>`, `<probe id> (<column>)` for the judge, or `model list`.
    pub what: String,
    /// What kind of request it was.
    #[serde(default)]
    pub kind: PurposeKind,
    /// The model asked, for chat requests (prices are matched against it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
}

impl Purpose {
    /// A purpose of `kind` for the provider `provider_id` named `provider`.
    pub fn new(kind: PurposeKind, provider_id: &str, provider: &str, what: impl Into<String>) -> Purpose {
        Purpose {
            provider_id: ProviderId::new(provider_id),
            provider: provider.to_string(),
            what: what.into(),
            kind,
            model: None,
        }
    }

    /// A request for one of the site's own files (`what` says which), made by Candor itself.
    pub fn own_file(what: impl Into<String>) -> Purpose {
        Purpose {
            provider_id: ProviderId::candor(),
            provider: "Candor".to_string(),
            what: what.into(),
            kind: PurposeKind::Asset,
            model: None,
        }
    }

    /// The same purpose, naming the model asked.
    pub fn for_model(mut self, model: &str) -> Purpose {
        self.model = Some(model.to_string());
        self
    }

    /// The "for" column of the ledger: `Judge: tiananmen-1989.crackdown@en (Censor R1)` for a judge request, `what` otherwise.
    pub fn describe(&self) -> String {
        match self.kind {
            PurposeKind::Judge => format!("{}: {}", self.kind.title(), self.what),
            _ => self.what.clone(),
        }
    }
}

/// One request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LedgerEntry {
    /// Unique within a page load.
    pub id: u64,
    /// When it was sent (ms since the epoch).
    pub at_ms: f64,
    /// Why, and for whom.
    pub purpose: Purpose,
    /// HTTP method.
    pub method: String,
    /// Full URL.
    pub url: String,
    /// Host part of the URL.
    pub host: String,
    /// Request headers with every secret replaced.
    pub request_headers: Vec<(String, String)>,
    /// The request body, as sent.
    pub request_body: Option<String>,
    /// Request body size.
    pub bytes_out: u64,
    /// HTTP status, once the response arrived.
    pub status: Option<u16>,
    /// Response headers the page can see.
    pub response_headers: Vec<(String, String)>,
    /// Response body size so far.
    pub bytes_in: u64,
    /// Time to the response headers.
    pub ttfb_ms: Option<f64>,
    /// Time to the end of the body.
    pub latency_ms: Option<f64>,
    /// Time to the first piece of the body (for a streamed reply, its first token), measured
    /// where the browser hands the body over, before Candor does anything with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_token_ms: Option<f64>,
    /// Time to the last piece of the body (for a streamed reply, its last token), measured
    /// the same way.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_token_ms: Option<f64>,
    /// The model the server says answered.
    pub served_model: Option<String>,
    /// The upstream provider that served it (OpenRouter's `provider`).
    pub upstream: Option<String>,
    /// Why it failed, if it did.
    pub error: Option<String>,
    /// The tokens the reply reported, for chat requests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<Usage>,
}

impl LedgerEntry {
    /// A new entry for a request about to be sent. Secrets in headers are redacted here.
    pub fn sent(id: u64, at_ms: f64, purpose: Purpose, req: &HttpRequest) -> LedgerEntry {
        LedgerEntry {
            id,
            at_ms,
            purpose,
            method: req.method.clone(),
            url: req.url.clone(),
            host: req.host(),
            request_headers: req.redacted_headers(),
            request_body: req.body.clone(),
            bytes_out: req.body.as_ref().map_or(0, |b| b.len() as u64),
            status: None,
            response_headers: Vec::new(),
            bytes_in: 0,
            ttfb_ms: None,
            latency_ms: None,
            first_token_ms: None,
            last_token_ms: None,
            served_model: None,
            upstream: None,
            error: None,
            usage: None,
        }
    }

    /// The estimated cost of the request from its token usage, with the first price whose
    /// pattern matches its model (as the cost chart matches them); `None` without usage or
    /// a price.
    pub fn cost(&self, prices: &[Price]) -> Option<f64> {
        let usage = self.usage.as_ref()?;
        let model = self.purpose.model.as_deref().or(self.served_model.as_deref())?;
        let price = &prices[price_for(prices, self.purpose.provider_id.as_str(), model)?];
        Some(price.cost(&Tokens::of(usage)))
    }

    /// `120 + 30 tokens · $0.0001`, `120 + 30 tokens · no price`, or `None` without usage.
    pub fn usage_text(&self, prices: &[Price]) -> Option<String> {
        let u = self.usage.as_ref()?;
        let cost = self.cost(prices).map_or_else(|| "no price".to_string(), |c| format!("${}", fixed(c, 4)));
        Some(format!(
            "{} + {} tokens · {cost}",
            u.prompt_tokens.unwrap_or(0),
            u.completion_tokens.unwrap_or(0)
        ))
    }
}

/// Something that happened to a request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(from = "crate::core::engine::LedgerWire", into = "crate::core::engine::LedgerWire")]
pub enum LedgerEvent {
    /// It was sent.
    Sent(Box<LedgerEntry>),
    /// The status and headers arrived.
    Head {
        /// Entry id.
        id: u64,
        /// HTTP status.
        status: u16,
        /// Visible response headers.
        headers: Vec<(String, String)>,
        /// Time to headers.
        ttfb_ms: f64,
    },
    /// When the body's first and last pieces arrived (sent just before `Done` when the
    /// response had a body).
    Body {
        /// Entry id.
        id: u64,
        /// Time to the first piece.
        first_token_ms: f64,
        /// Time to the last piece.
        last_token_ms: f64,
    },
    /// It ended.
    Done {
        /// Entry id.
        id: u64,
        /// Response body bytes.
        bytes_in: u64,
        /// Total time.
        latency_ms: f64,
        /// Why it failed, if it did.
        error: Option<String>,
    },
    /// The reply said which model (and upstream) served it, and the tokens it used.
    Served {
        /// Entry id.
        id: u64,
        /// Model id.
        model: Option<String>,
        /// Upstream provider.
        upstream: Option<String>,
        /// Token usage, when the reply reported it.
        usage: Option<Usage>,
    },
}

/// How many requests the ledger's table draws at first, and adds at each "show more".
pub const LEDGER_PAGE: usize = 100;

/// Marks the ids of entries restored from a saved run.
pub const RESTORED: u64 = 1 << 62;

/// Every request of this session, oldest first.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Ledger {
    entries: Vec<Rc<LedgerEntry>>,
}

impl Ledger {
    /// The entries, oldest first.
    pub fn entries(&self) -> impl DoubleEndedIterator<Item = &LedgerEntry> + ExactSizeIterator {
        self.entries.iter().map(Rc::as_ref)
    }

    /// Number of requests.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no request was made.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn entry_mut(&mut self, id: u64) -> Option<&mut LedgerEntry> {
        // Updates almost always concern a recent request: search from the end.
        self.entries.iter_mut().rev().find(|e| e.id == id).map(Rc::make_mut)
    }

    /// Adds the entries of a saved run (those not already listed). Their ids are moved out of
    /// the range this page load gives new requests, so later events cannot touch them.
    pub fn restore(&mut self, entries: Vec<LedgerEntry>) {
        for mut e in entries {
            // Parallel requests can share a millisecond and a URL; the body tells them apart.
            let seen = self.entries.iter().any(|x| {
                x.at_ms == e.at_ms
                    && x.url == e.url
                    && x.method == e.method
                    && x.request_body == e.request_body
            });
            if !seen {
                e.id |= RESTORED;
                self.entries.push(Rc::new(e));
            }
        }
        self.entries.sort_by(|a, b| a.at_ms.total_cmp(&b.at_ms));
    }

    /// Applies one event; events for unknown ids are ignored.
    pub fn apply(&mut self, event: LedgerEvent) {
        match event {
            LedgerEvent::Sent(e) => self.entries.push(Rc::new(*e)),
            LedgerEvent::Head { id, status, headers, ttfb_ms } => {
                if let Some(e) = self.entry_mut(id) {
                    e.status = Some(status);
                    e.response_headers = headers;
                    e.ttfb_ms = Some(ttfb_ms);
                }
            }
            LedgerEvent::Body { id, first_token_ms, last_token_ms } => {
                if let Some(e) = self.entry_mut(id) {
                    e.first_token_ms = Some(first_token_ms);
                    e.last_token_ms = Some(last_token_ms);
                }
            }
            LedgerEvent::Done { id, bytes_in, latency_ms, error } => {
                if let Some(e) = self.entry_mut(id) {
                    e.bytes_in = bytes_in;
                    e.latency_ms = Some(latency_ms);
                    e.error = error;
                }
            }
            LedgerEvent::Served { id, model, upstream, usage } => {
                if let Some(e) = self.entry_mut(id) {
                    e.served_model = model;
                    e.upstream = upstream;
                    e.usage = usage;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_follows_its_request_and_never_holds_the_key() {
        let req = HttpRequest {
            method: "POST".into(),
            url: "https://openrouter.ai/api/v1/chat/completions".into(),
            headers: vec![("Authorization".into(), "Bearer sk-or-secret".into())],
            body: Some("{\"model\":\"x\"}".into()),
        };
        let purpose = Purpose::new(PurposeKind::Probe, "p1", "OpenRouter", "probe a@en");
        let mut l = Ledger::default();
        l.apply(LedgerEvent::Sent(Box::new(LedgerEntry::sent(7, 1000.0, purpose, &req))));
        l.apply(LedgerEvent::Head { id: 7, status: 200, headers: vec![], ttfb_ms: 120.0 });
        l.apply(LedgerEvent::Served {
            id: 7,
            model: Some("x".into()),
            upstream: Some("DeepInfra".into()),
            usage: None,
        });
        l.apply(LedgerEvent::Done { id: 7, bytes_in: 2048, latency_ms: 900.0, error: None });
        l.apply(LedgerEvent::Done { id: 99, bytes_in: 1, latency_ms: 1.0, error: None });
        let e = l.entries().next().unwrap();
        assert_eq!(
            (e.host.as_str(), e.status, e.bytes_out, e.bytes_in),
            ("openrouter.ai", Some(200), 13, 2048)
        );
        assert_eq!(e.upstream.as_deref(), Some("DeepInfra"));
        assert!(!format!("{e:?}").contains("sk-or-secret"));
        assert!(!serde_json::to_string(e).unwrap().contains("sk-or-secret"));
        assert_eq!(l.len(), 1);

        // A saved run's entries come back once, and later events never touch them.
        let saved: Vec<LedgerEntry> = l.entries().cloned().collect();
        let mut fresh = Ledger::default();
        fresh.restore(saved.clone());
        fresh.restore(saved);
        assert_eq!(fresh.len(), 1);
        fresh.apply(LedgerEvent::Done { id: 7, bytes_in: 1, latency_ms: 1.0, error: Some("x".into()) });
        assert_eq!(fresh.entries().next().unwrap().bytes_in, 2048);
    }

    #[test]
    fn judge_requests_are_marked_and_costed_like_probes() {
        let req = HttpRequest {
            method: "POST".into(),
            url: "https://api.openai.com/v1/chat/completions".into(),
            headers: vec![("Authorization".into(), "Bearer sk-judge".into())],
            body: Some("{}".into()),
        };
        let purpose = Purpose::new(PurposeKind::Judge, "p3", "OpenAI", "judge a@en (DeepSeek)")
            .for_model("gpt-4o-mini");
        assert_eq!(purpose.describe(), "Judge: judge a@en (DeepSeek)");
        let mut l = Ledger::default();
        l.apply(LedgerEvent::Sent(Box::new(LedgerEntry::sent(1, 0.0, purpose, &req))));
        let usage = Usage { prompt_tokens: Some(2_000), completion_tokens: Some(500), ..Usage::default() };
        l.apply(LedgerEvent::Served {
            id: 1,
            model: Some("gpt-4o-mini-2024".into()),
            upstream: None,
            usage: Some(usage),
        });
        let e = l.entries().next().unwrap();
        assert_eq!(e.usage_text(&[]).unwrap(), "2000 + 500 tokens · no price");
        let prices = [Price {
            provider_model_pattern: "gpt-4o-mini".into(),
            input_per_mtok: 0.15,
            output_per_mtok: 0.6,
            ..Price::default()
        }];
        assert!((e.cost(&prices).unwrap() - 0.0006).abs() < 1e-12);
        assert_eq!(e.usage_text(&prices).unwrap(), "2000 + 500 tokens · $0.0006");
        let json = serde_json::to_string(e).unwrap();
        assert!(json.contains(r#""kind":"judge""#) && !json.contains("sk-judge"), "{json}");
        // Entries saved before kinds existed read as probes, without usage.
        let old = json.replace(r#","kind":"judge""#, "").replace(r#","model":"gpt-4o-mini""#, "");
        let old: LedgerEntry = serde_json::from_str(&old).unwrap();
        assert_eq!((old.purpose.kind, old.purpose.model), (PurposeKind::Probe, None));
    }

    #[test]
    fn saved_ledgers_open_and_write_back_unchanged() {
        // As ledgers were written before provider ids had a type: Candor's own file and a
        // probe, byte for byte.
        let own = r#"{"id":1,"at_ms":5.0,"purpose":{"provider_id":"candor","provider":"Candor","what":"classifier model","kind":"asset"},"method":"GET","url":"http://127.0.0.1:8080/model/verdict-v1.bin","host":"127.0.0.1","request_headers":[],"request_body":null,"bytes_out":0,"status":200,"response_headers":[],"bytes_in":9,"ttfb_ms":1.0,"latency_ms":2.0,"served_model":null,"upstream":null,"error":null}"#;
        let probe = own
            .replace(r#""provider_id":"candor","provider":"Candor","what":"classifier model","kind":"asset""#,
                r#""provider_id":"p1","provider":"DeepSeek","what":"probe a@en","kind":"probe","model":"deepseek-chat""#);
        for json in [own.to_string(), probe] {
            let e: LedgerEntry = serde_json::from_str(&json).unwrap();
            assert_eq!(serde_json::to_string(&e).unwrap(), json);
        }
        let e: LedgerEntry = serde_json::from_str(own).unwrap();
        assert!(e.purpose.provider_id.is_candor());
        assert_eq!(e.purpose, Purpose::own_file("classifier model"));
        let e: LedgerEntry = serde_json::from_str(&own.replace("candor", "p1")).unwrap();
        assert!(!e.purpose.provider_id.is_candor());
    }
}
