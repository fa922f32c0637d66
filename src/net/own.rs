//! The site's own files (the probe pack, the registry, the classifier's tables and model),
//! fetched by the page through the same recorded [`send`] as every other request, and
//! listed in the ledger as Candor's own.
//!
//! The page itself never classifies: it keeps the classifier's files and hands them to the
//! workers that judge replies (the run engine, and the tools worker for imports), so the
//! classifier's code is not part of the first load.

use std::cell::RefCell;

use js_sys::{Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};

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

thread_local! {
    /// The classifier's phrase tables and text model, as the workers take them.
    static CLASSIFIER: Object = Object::new();
}

fn keep(field: &str, value: &JsValue) {
    CLASSIFIER.with(|c| Reflect::set(c, &JsValue::from_str(field), value).ok());
}

/// Keeps the classifier's phrase tables (`phrases-v1.txt`) for the workers.
pub fn keep_phrases(text: &str) {
    keep("phrases", &JsValue::from_str(text));
}

/// Sets the classifier's files on `msg`, a message to a worker: `phrases` (text) and
/// `model` (bytes), each once it is in.
pub fn add_classifier(msg: &Object) {
    CLASSIFIER.with(|c| Object::assign(msg, c));
}

/// Fetches the classifier's text model from the site itself and keeps it for the workers.
pub async fn load_classifier(ledger: &LedgerSink) -> Result<(), FetchError> {
    let bytes = fetch_own("model/verdict-v1.bin", "classifier model", ledger).await?;
    keep("model", &Uint8Array::from(bytes.as_slice()).into());
    Ok(())
}

/// In a worker: installs the classifier's files that `msg` carries (see [`add_classifier`]),
/// unless they are installed already. The error is the sentence the user is shown.
pub fn install_classifier(msg: &JsValue) -> Result<(), String> {
    let get = |k: &str| Reflect::get(msg, &JsValue::from_str(k)).ok();
    if let Some(text) = get("phrases").and_then(|v| v.as_string()) {
        crate::core::classifier::phrases::install(&text).map_err(|e| {
            format!("The classifier's phrase tables could not be read ({e}). Reload the page.")
        })?;
    }
    if let Some(model) = get("model").and_then(|v| v.dyn_into::<Uint8Array>().ok()) {
        crate::core::classifier::install_model(&model.to_vec()).map_err(|e| {
            format!(
                "The classifier's text model could not be read ({e}); verdicts use the phrase rules alone."
            )
        })?;
    }
    Ok(())
}
