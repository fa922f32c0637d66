//! Plain HTTP values: what a dialect asks the network layer to send, and what came back.
//!
//! Protocol code builds an [`HttpRequest`] and parses an [`HttpResponse`] (or a stream of
//! body chunks), so it is tested with recorded bytes and no network. `net` is the only
//! code that turns these values into real requests.

use serde::{Deserialize, Serialize};

/// A request to send.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HttpRequest {
    /// `GET` or `POST`.
    pub method: String,
    /// Absolute URL.
    pub url: String,
    /// Header names and values, in order. May hold the API key: use [`HttpRequest::redacted_headers`]
    /// for anything shown or stored.
    pub headers: Vec<(String, String)>,
    /// The body, for `POST`.
    pub body: Option<String>,
}

/// Headers whose values are secrets.
const SECRET_HEADERS: [&str; 4] = ["authorization", "x-api-key", "api-key", "x-goog-api-key"];

impl HttpRequest {
    /// The headers with every secret value replaced, safe to show or store.
    pub fn redacted_headers(&self) -> Vec<(String, String)> {
        self.headers
            .iter()
            .map(|(k, v)| {
                if SECRET_HEADERS.contains(&k.to_ascii_lowercase().as_str()) {
                    let scheme = v.split_once(' ').map(|(s, _)| format!("{s} ")).unwrap_or_default();
                    (k.clone(), format!("{scheme}[redacted]"))
                } else {
                    (k.clone(), v.clone())
                }
            })
            .collect()
    }

    /// The host part of the URL (without port), lower-cased.
    pub fn host(&self) -> String {
        url_host(&self.url)
    }
}

/// The host of an absolute URL, without scheme, credentials, port or path.
pub fn url_host(url: &str) -> String {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let authority = authority.rsplit_once('@').map(|(_, h)| h).unwrap_or(authority);
    if let Some(v6) = authority.strip_prefix('[') {
        return v6.split(']').next().unwrap_or("").to_ascii_lowercase();
    }
    authority.split(':').next().unwrap_or("").to_ascii_lowercase()
}

/// A complete response.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HttpResponse {
    /// HTTP status code.
    pub status: u16,
    /// Response headers the page can see.
    pub headers: Vec<(String, String)>,
    /// The body as text (UTF-8, lossily decoded).
    pub body: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_bearer_and_key_headers() {
        let req = HttpRequest {
            method: "POST".into(),
            url: "https://api.example.com/v1/chat/completions".into(),
            headers: vec![
                ("Authorization".into(), "Bearer sk-secret".into()),
                ("x-api-key".into(), "sk-other".into()),
                ("Content-Type".into(), "application/json".into()),
            ],
            body: None,
        };
        let shown = format!("{:?}", req.redacted_headers());
        assert!(!shown.contains("sk-secret") && !shown.contains("sk-other"), "{shown}");
        assert!(shown.contains("Bearer [redacted]"));
        assert!(shown.contains("application/json"));
    }

    #[test]
    fn host_of_urls() {
        assert_eq!(url_host("https://api.deepseek.com/v1/chat"), "api.deepseek.com");
        assert_eq!(url_host("http://localhost:11434/v1"), "localhost");
        assert_eq!(url_host("http://user:pw@Example.COM:8080/"), "example.com");
        assert_eq!(url_host("http://[::1]:8000/v1"), "::1");
    }
}
