//! The page's side of the tools worker (`src/bin/candor-tools.rs`, jobs in
//! [`core::tools`](crate::core::tools)): started the first time an export or an import is
//! asked for, then kept. Each call posts one message and waits for the answer with its id.
//!
//! The worker's script and WebAssembly are files of the site itself, fetched by the browser
//! from the page's own origin like the app's own; the worker sends nothing anywhere.

use std::cell::RefCell;
use std::collections::HashMap;

use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{ErrorEvent, MessageEvent, Worker};

use crate::core::pack::Lang;
use crate::core::report::{ExportFormat, InputFormat};

/// The worker's loader script, next to the page (Trunk names worker files after the binary).
const SCRIPT: &str = "./candor-tools_loader.js";

/// The running worker and the calls waiting for it, by id.
#[derive(Default)]
struct Tools {
    worker: Option<Worker>,
    /// Whether the worker said it listens; until then jobs wait in `queued` (a message posted
    /// before the worker's WebAssembly has started would be dropped).
    ready: bool,
    queued: Vec<Object>,
    waiting: HashMap<u32, (Function, Function)>,
    next_id: u32,
    /// The report stylesheet (theme and report CSS) that HTML exports embed.
    style: (String, String),
}

thread_local! {
    static TOOLS: RefCell<Tools> = RefCell::new(Tools::default());
}

/// Keeps the report stylesheet for HTML exports (the page fetches it at start-up).
pub fn set_report_style(theme: String, css: String) {
    TOOLS.with(|t| t.borrow_mut().style = (theme, css));
}

/// Fails every waiting call with `why` and drops the worker, so the next call starts a new one.
fn fail_all(why: &str) {
    let waiting = TOOLS.with(|t| {
        let mut t = t.borrow_mut();
        t.worker = None;
        t.ready = false;
        t.queued.clear();
        std::mem::take(&mut t.waiting)
    });
    for (_, (_, reject)) in waiting {
        let _ = reject.call1(&JsValue::UNDEFINED, &JsValue::from_str(why));
    }
}

/// The worker, started on first use.
fn worker() -> Result<Worker, String> {
    if let Some(w) = TOOLS.with(|t| t.borrow().worker.clone()) {
        return Ok(w);
    }
    let worker = Worker::new(SCRIPT).map_err(|e| format!("the tools worker could not start: {e:?}"))?;
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(|event: MessageEvent| {
        let data = event.data();
        if Reflect::get(&data, &JsValue::from_str("ready")).ok().is_some_and(|v| v.is_truthy()) {
            let (worker, queued) = TOOLS.with(|t| {
                let mut t = t.borrow_mut();
                t.ready = true;
                (t.worker.clone(), std::mem::take(&mut t.queued))
            });
            for msg in queued {
                if let Some(w) = &worker {
                    let _ = w.post_message(&msg);
                }
            }
            return;
        }
        let id = Reflect::get(&data, &JsValue::from_str("id")).ok().and_then(|v| v.as_f64());
        let waiter = id.and_then(|id| TOOLS.with(|t| t.borrow_mut().waiting.remove(&(id as u32))));
        if let Some((resolve, _)) = waiter {
            let _ = resolve.call1(&JsValue::UNDEFINED, &data);
        }
    });
    let on_error = Closure::<dyn FnMut(ErrorEvent)>::new(|event: ErrorEvent| {
        let detail = event.message();
        fail_all(&format!(
            "the export and import tools could not be loaded ({}). Check that the site's \
             candor-tools files were deployed with it, and reload the page",
            if detail.is_empty() { "the browser gave no reason".to_string() } else { detail }
        ));
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    // The handlers live as long as the page.
    on_message.forget();
    on_error.forget();
    TOOLS.with(|t| t.borrow_mut().worker = Some(worker.clone()));
    Ok(worker)
}

/// What the worker answered: the text, and for an import the notice.
pub struct Answer {
    /// The rendered file, the report's JSON or the probes' JSON.
    pub text: String,
    /// What an import left out, in words.
    pub notice: Option<String>,
}

/// Posts `fields` as one job (with the classifier's files when `classifier`: an import
/// judges the replies it reads, and a probe list's languages are told by the classifier's
/// word tables) and waits for its answer.
async fn call(fields: &[(&str, &str)], classifier: bool) -> Result<Answer, String> {
    let worker = worker()?;
    let msg = Object::new();
    if classifier {
        crate::net::own::add_classifier(&msg);
    }
    for (k, v) in fields {
        let _ = Reflect::set(&msg, &JsValue::from_str(k), &JsValue::from_str(v));
    }
    let mut parts = None;
    let promise = Promise::new(&mut |resolve, reject| parts = Some((resolve, reject)));
    let (resolve, reject) = parts.ok_or("the browser did not run a promise's executor")?;
    let id = TOOLS.with(|t| {
        let mut t = t.borrow_mut();
        t.next_id += 1;
        let id = t.next_id;
        t.waiting.insert(id, (resolve, reject));
        id
    });
    let _ = Reflect::set(&msg, &JsValue::from_str("id"), &JsValue::from(id));
    let ready = TOOLS.with(|t| {
        let mut t = t.borrow_mut();
        if !t.ready {
            t.queued.push(msg.clone());
        }
        t.ready
    });
    // Until the worker says it listens, the job waits in the queue the handler flushes.
    if let Err(e) = if ready { worker.post_message(&msg) } else { Ok(()) } {
        TOOLS.with(|t| t.borrow_mut().waiting.remove(&id));
        return Err(format!("the tools worker could not be reached: {e:?}"));
    }
    let data = JsFuture::from(promise).await.map_err(|e| e.as_string().unwrap_or_default())?;
    let field = |k: &str| Reflect::get(&data, &JsValue::from_str(k)).ok().and_then(|v| v.as_string());
    match (field("ok"), field("err")) {
        (Some(text), _) => Ok(Answer { text, notice: field("notice") }),
        (None, err) => Err(err.unwrap_or_else(|| "the tools worker gave no answer".to_string())),
    }
}

/// Renders `report_json` (a report's JSON file) in `format`.
pub async fn export(format: ExportFormat, report_json: &str) -> Result<String, String> {
    let (theme, css) = TOOLS.with(|t| t.borrow().style.clone());
    let fields = [
        ("job", "export"),
        ("format", format.extension()),
        ("report", report_json),
        ("theme", &theme),
        ("css", &css),
    ];
    call(&fields, false).await.map(|a| a.text)
}

/// Reads the file `name` in `format` as a run: the report's JSON, and what the import left
/// out.
pub async fn open(format: InputFormat, name: &str, text: &str) -> Result<Answer, String> {
    call(&[("job", "open"), ("format", format.key()), ("name", name), ("text", text)], true).await
}

/// Reads a probe list: the probes' JSON.
pub async fn probes(name: &str, text: &str, topic: &str, lang: Option<Lang>) -> Result<String, String> {
    let lang = lang.map_or("", Lang::tag);
    let fields = [("job", "probes"), ("name", name), ("text", text), ("topic", topic), ("lang", lang)];
    call(&fields, true).await.map(|a| a.text)
}
