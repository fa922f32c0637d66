//! Sends an [`HttpRequest`] with the browser's `fetch` and streams the body back.
//!
//! This is the only place the app performs a request, and [`send`] records every request in
//! the ledger (sent, headers, end) before and after it runs: there is no way to send one
//! without recording it.

use std::cell::Cell;
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};

use js_sys::{Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, Headers, ReadableStreamDefaultReader, Request, RequestInit, Response};

use crate::core::error::FetchError;
use crate::core::http::HttpRequest;
use crate::core::ledger::{LedgerEntry, LedgerEvent, Purpose};
use crate::core::provider::ProviderConfig;
use crate::net::now_ms;

/// Where ledger events go (the app dispatches them into its state).
pub type LedgerSink = Rc<dyn Fn(LedgerEvent)>;

/// Ids for ledger entries; unique within a page load (the engine worker numbers its own from
/// [`FIRST_ENGINE_LEDGER_ID`](crate::core::engine::FIRST_ENGINE_LEDGER_ID)).
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// Numbers this module's ledger entries from `first` on (the engine worker calls it once, at
/// start).
pub fn number_requests_from(first: u64) {
    NEXT_ID.store(first, Ordering::Relaxed);
}

/// Why a request produced no usable response.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NetError {
    /// The browser refused or could not make the request: the server is down, or it does not
    /// allow calls from this page (CORS). The browser does not say which.
    #[error(
        "the request failed before any response ({0}). Either the server is not reachable at this URL, \
         or it does not allow requests from this page (CORS): check the URL, that the server runs, \
         and that it allows this origin"
    )]
    Failed(String),
    /// The request was cancelled.
    #[error("cancelled")]
    Aborted,
    /// The response started but its body broke off.
    #[error("the response broke off: {0}")]
    Body(String),
    /// The request could not be built (a malformed URL or header).
    #[error("the request could not be built: {0}")]
    Build(String),
}

impl NetError {
    /// The error as the user is told it. `config` is the provider asked (none for Candor's
    /// own files): a request with no response is then explained for that provider.
    pub fn for_user(self, config: Option<&ProviderConfig>) -> FetchError {
        match self {
            NetError::Failed(detail) => match config {
                Some(c) => FetchError::no_response(detail, c, page_is_https()),
                None => FetchError::NoResponse { detail, causes: Vec::new() },
            },
            NetError::Aborted => FetchError::Cancelled,
            NetError::Body(why) => FetchError::BrokeOff(why),
            NetError::Build(why) => FetchError::Build(why),
        }
    }
}

/// Whether the app itself was loaded over HTTPS (local servers then need the browser's
/// permission to be reached). Read from the global `location`, which the page and its
/// workers both have (a worker's is its script's URL, on the page's origin).
fn page_is_https() -> bool {
    Reflect::get(&js_sys::global(), &JsValue::from_str("location"))
        .and_then(|l| Reflect::get(&l, &JsValue::from_str("protocol")))
        .ok()
        .and_then(|p| p.as_string())
        .is_some_and(|p| p == "https:")
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// The global `fetch`: `window.fetch` in the page, `self.fetch` in a worker.
    #[wasm_bindgen(js_name = fetch)]
    fn global_fetch(request: &Request) -> js_sys::Promise;
}

/// The status and headers of a response, once they arrive; as [`send`] returns it, also
/// when the body's first and last pieces came.
#[derive(Clone, Debug, PartialEq)]
pub struct ResponseHead {
    /// HTTP status.
    pub status: u16,
    /// Headers the page is allowed to see.
    pub headers: Vec<(String, String)>,
    /// When the body arrived: (first piece, last piece), in ms since the request was sent.
    /// Taken as the browser hands each piece over, before any of Candor's own work on it, so
    /// a busy page does not add its processing to a provider's latency. `None` without a body
    /// (and in the head passed to `on_head`).
    pub body_ms: Option<(f64, f64)>,
}

impl ResponseHead {
    /// A header's value, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

fn js_message(e: &JsValue) -> String {
    if let Some(err) = e.dyn_ref::<js_sys::Error>() {
        let name = String::from(err.name());
        let msg = String::from(err.message());
        return format!("{name}: {msg}");
    }
    e.as_string().unwrap_or_else(|| format!("{e:?}"))
}

fn is_abort(e: &JsValue, signal: Option<&AbortSignal>) -> bool {
    signal.is_some_and(|s| s.aborted())
        || e.dyn_ref::<js_sys::Error>().is_some_and(|err| err.name() == "AbortError")
}

/// Sends `req`, recording it in the ledger. `on_head` is called once when the status and
/// headers arrive, then `on_chunk` with each piece of the body as it arrives. Returns the
/// response head and the ledger id of the request.
pub async fn send(
    req: &HttpRequest,
    purpose: Purpose,
    ledger: &LedgerSink,
    signal: Option<&AbortSignal>,
    mut on_head: impl FnMut(&ResponseHead),
    mut on_chunk: impl FnMut(&[u8]),
) -> (u64, Result<ResponseHead, NetError>) {
    // One compiled copy of the request code for every caller: generic callbacks would copy
    // all of it (with its body-reading loop) into each call site, which the size budget feels.
    send_dyn(req, purpose, ledger, signal, &mut on_head, &mut on_chunk).await
}

async fn send_dyn(
    req: &HttpRequest,
    purpose: Purpose,
    ledger: &LedgerSink,
    signal: Option<&AbortSignal>,
    on_head: &mut dyn FnMut(&ResponseHead),
    on_chunk: &mut dyn FnMut(&[u8]),
) -> (u64, Result<ResponseHead, NetError>) {
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    let t0 = now_ms();
    ledger(LedgerEvent::Sent(Box::new(LedgerEntry::sent(id, t0, purpose, req))));
    let bytes_in = Cell::new(0u64);
    let result = perform(
        req,
        signal,
        t0,
        &mut |head| {
            ledger(LedgerEvent::Head {
                id,
                status: head.status,
                headers: head.headers.clone(),
                ttfb_ms: now_ms() - t0,
            });
            on_head(head);
        },
        &mut |chunk| {
            bytes_in.set(bytes_in.get() + chunk.len() as u64);
            on_chunk(chunk);
        },
    )
    .await;
    let error = result.as_ref().err().map(NetError::to_string);
    let body_ms = result.as_ref().ok().and_then(|h| h.body_ms);
    if let Some((first_token_ms, last_token_ms)) = body_ms {
        ledger(LedgerEvent::Body { id, first_token_ms, last_token_ms });
    }
    let latency_ms = body_ms.map_or_else(|| now_ms() - t0, |(_, last)| last);
    ledger(LedgerEvent::Done { id, bytes_in: bytes_in.get(), latency_ms, error });
    (id, result)
}

async fn perform(
    req: &HttpRequest,
    signal: Option<&AbortSignal>,
    t0: f64,
    on_head: &mut dyn FnMut(&ResponseHead),
    on_chunk: &mut dyn FnMut(&[u8]),
) -> Result<ResponseHead, NetError> {
    let init = RequestInit::new();
    init.set_method(&req.method);
    let headers = Headers::new().map_err(|e| NetError::Build(js_message(&e)))?;
    for (k, v) in &req.headers {
        headers.set(k, v).map_err(|e| NetError::Build(format!("header {k}: {}", js_message(&e))))?;
    }
    init.set_headers(&headers);
    if let Some(body) = &req.body {
        init.set_body(&JsValue::from_str(body));
    }
    if let Some(s) = signal {
        init.set_signal(Some(s));
    }
    let request =
        Request::new_with_str_and_init(&req.url, &init).map_err(|e| NetError::Build(js_message(&e)))?;
    let resp = JsFuture::from(global_fetch(&request)).await.map_err(|e| {
        if is_abort(&e, signal) {
            NetError::Aborted
        } else {
            NetError::Failed(js_message(&e))
        }
    })?;
    let resp: Response = resp.dyn_into().map_err(|e| NetError::Failed(js_message(&e)))?;
    let mut head_headers = Vec::new();
    if let Ok(Some(iter)) = js_sys::try_iter(&resp.headers()) {
        for entry in iter.flatten() {
            let pair = js_sys::Array::from(&entry);
            if let (Some(k), Some(v)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
                head_headers.push((k, v));
            }
        }
    }
    let mut head = ResponseHead { status: resp.status(), headers: head_headers, body_ms: None };
    on_head(&head);
    let Some(body) = resp.body() else {
        return Ok(head);
    };
    let reader: ReadableStreamDefaultReader =
        body.get_reader().dyn_into().map_err(|e| NetError::Body(js_message(&e)))?;
    loop {
        let step = JsFuture::from(reader.read()).await.map_err(|e| {
            if is_abort(&e, signal) {
                NetError::Aborted
            } else {
                NetError::Body(js_message(&e))
            }
        })?;
        let done =
            Reflect::get(&step, &JsValue::from_str("done")).ok().and_then(|d| d.as_bool()).unwrap_or(true);
        if done {
            break;
        }
        let at = now_ms() - t0;
        head.body_ms = Some((head.body_ms.map_or(at, |(first, _)| first), at));
        if let Ok(value) = Reflect::get(&step, &JsValue::from_str("value")) {
            if let Some(bytes) = value.dyn_ref::<Uint8Array>() {
                on_chunk(&bytes.to_vec());
            }
        }
    }
    Ok(head)
}
