//! The site's own files (the probe pack, the registry, the classifier's tables and model),
//! fetched by the page through the same recorded [`send`] as every other request, and
//! listed in the ledger as Candor's own.

use std::cell::RefCell;

use crate::core::error::FetchError;
use crate::core::ledger::Purpose;
use crate::net::fetch::{send, LedgerSink};

/// Fetches one of the site's own files (a path relative to the page), recorded in the
/// ledger as Candor's own request.
async fn fetch_own(path: &str, what: &str, ledger: &LedgerSink) -> Result<Vec<u8>, FetchError> {
    // Resolve against the page's base URL so the ledger shows where it really came from,
    // and so the site works under any sub-path.
    let base = web_sys::window().and_then(|w| w.document()).and_then(|d| d.base_uri().ok().flatten());
    let url = match base {
        Some(b) => format!("{}{path}", &b[..b.rfind('/').map_or(b.len(), |i| i + 1)]),
        None => path.to_string(),
    };
    let req = crate::core::http::HttpRequest { method: "GET".into(), url, headers: Vec::new(), body: None };
    let purpose = Purpose::own_file(what);
    let bytes = RefCell::new(Vec::new());
    let (_, head) =
        send(&req, purpose, ledger, None, |_| {}, |chunk| bytes.borrow_mut().extend_from_slice(chunk)).await;
    let head = head.map_err(|e| e.for_user(None))?;
    if head.status != 200 {
        return Err(FetchError::Asset { path: path.into(), status: head.status });
    }
    Ok(bytes.into_inner())
}

/// Fetches one of the site's own text files.
pub async fn fetch_asset(path: &str, what: &str, ledger: &LedgerSink) -> Result<String, FetchError> {
    let bytes = fetch_own(path, what, ledger).await?;
    String::from_utf8(bytes).map_err(|_| FetchError::NotText { path: path.into() })
}

/// Fetches the classifier's text model from the site itself and installs it.
pub async fn load_classifier(ledger: &LedgerSink) -> Result<(), FetchError> {
    let bytes = fetch_own("model/verdict-v1.bin", "classifier model", ledger).await?;
    crate::core::classifier::install_model(&bytes).map_err(|e| FetchError::Model(e.to_string()))
}
