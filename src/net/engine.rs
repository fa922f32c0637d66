//! The page's side of the run engine (`src/bin/candor-engine.rs`, messages in
//! [`core::engine`](crate::core::engine)): a web worker that sends the probes and lists
//! models. It is started the first time a run or a model list is asked for, then kept.
//!
//! The engine's script and WebAssembly are files of the site itself. Every request it makes
//! comes back to the page as a ledger event, so the Data flow page lists it like any other.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use js_sys::{Function, Promise, Reflect};
use serde::Deserialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{ErrorEvent, MessageEvent, Worker};

use crate::core::engine::{Keyed, Note, Plan, ToEngine};
use crate::core::provider::ProviderConfig;
use crate::core::run::RunEvent;
use crate::net::fetch::LedgerSink;
use crate::net::now_ms;

/// The engine's loader script, next to the page (Trunk names worker files after the binary).
const SCRIPT: &str = "./candor-engine_loader.js";

type Emit = Rc<dyn Fn(RunEvent)>;
type Notify = Rc<dyn Fn(String)>;

/// The running engine, and who listens to it.
#[derive(Default)]
struct Engine {
    worker: Option<Worker>,
    /// Whether the engine said it listens; until then messages wait in `queued` (a message
    /// posted before the worker's WebAssembly has started would be dropped).
    ready: bool,
    queued: Vec<JsValue>,
    /// Whether the engine has the classifier's files (phrase tables and, once fetched, the
    /// text model); they go with the first run that finds them all in.
    classifier: ClassifierSent,
    /// Where each run's events go, by the page's number for the run.
    runs: HashMap<u32, (Emit, Notify)>,
    /// Model lists asked for and not yet answered: the answer's slot and the promise's
    /// resolve function.
    models: HashMap<u32, (ModelSlot, Function)>,
    /// Where ledger events go (every caller passes the same app ledger).
    ledger: Option<LedgerSink>,
    next: u32,
}

type ModelSlot = Rc<RefCell<Option<Result<Vec<String>, String>>>>;

/// How much of the classifier the engine has been given.
#[derive(Clone, Copy, Default, PartialEq)]
enum ClassifierSent {
    #[default]
    Nothing,
    /// The phrase tables alone (the text model was not in yet).
    Phrases,
    /// Both files.
    All,
}

thread_local! {
    static ENGINE: RefCell<Engine> = RefCell::new(Engine::default());
}

/// Passes each note to whoever waits for it. Listeners are taken out of the engine's state
/// before they are called: they dispatch into the app, which may post to the engine again.
fn deliver(notes: Vec<Note>) {
    for note in notes {
        match note {
            Note::Run { run, event } => {
                let emit = ENGINE.with(|e| e.borrow().runs.get(&run).map(|(emit, _)| emit.clone()));
                if let Some(emit) = emit {
                    emit(event);
                }
            }
            Note::Ledger(event) => {
                let sink = ENGINE.with(|e| e.borrow().ledger.clone());
                if let Some(sink) = sink {
                    sink(event);
                }
            }
            Note::Trouble(why) => {
                let listeners: Vec<Notify> =
                    ENGINE.with(|e| e.borrow().runs.values().map(|(_, notify)| notify.clone()).collect());
                for notify in listeners {
                    notify(why.clone());
                }
            }
            Note::Models { id, result } => {
                let waiter = ENGINE.with(|e| e.borrow_mut().models.remove(&id));
                if let Some((slot, resolve)) = waiter {
                    *slot.borrow_mut() = Some(result);
                    let _ = resolve.call0(&JsValue::UNDEFINED);
                }
            }
        }
    }
}

/// Tells everyone waiting that the engine is gone (`why`), and drops it, so the next call
/// starts a new one. Runs stop as if cancelled; nothing they gathered is lost.
fn fail_all(why: String) {
    let (runs, models) = ENGINE.with(|e| {
        let mut e = e.borrow_mut();
        e.worker = None;
        e.ready = false;
        e.classifier = ClassifierSent::Nothing;
        e.queued.clear();
        (std::mem::take(&mut e.runs), std::mem::take(&mut e.models))
    });
    for (_, (emit, notify)) in runs {
        emit(RunEvent::Cancelled { at_ms: now_ms() });
        notify(why.clone());
    }
    for (_, (slot, resolve)) in models {
        *slot.borrow_mut() = Some(Err(why.clone()));
        let _ = resolve.call0(&JsValue::UNDEFINED);
    }
}

/// The worker, started on first use.
fn worker() -> Result<Worker, String> {
    if let Some(w) = ENGINE.with(|e| e.borrow().worker.clone()) {
        return Ok(w);
    }
    let worker = Worker::new(SCRIPT).map_err(|e| format!("the run engine could not start: {e:?}"))?;
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(|event: MessageEvent| {
        let data = event.data();
        if let Some(text) = data.as_string() {
            // Read through a borrowed parsed value, like reports and stored cells: the replies'
            // decoders are then the ones the page has already (one decoder per type, see
            // ARCHITECTURE.md).
            let value = serde_json::from_str::<serde_json::Value>(&text);
            match value.and_then(|v| <Vec<Note>>::deserialize(&v)) {
                Ok(notes) => deliver(notes),
                Err(e) => fail_all(format!("the run engine sent a message the page cannot read ({e})")),
            }
            return;
        }
        if Reflect::get(&data, &JsValue::from_str("ready")).ok().is_some_and(|v| v.is_truthy()) {
            let (worker, queued) = ENGINE.with(|e| {
                let mut e = e.borrow_mut();
                e.ready = true;
                (e.worker.clone(), std::mem::take(&mut e.queued))
            });
            for msg in queued {
                if let Some(w) = &worker {
                    let _ = w.post_message(&msg);
                }
            }
        }
    });
    let on_error = Closure::<dyn FnMut(ErrorEvent)>::new(|event: ErrorEvent| {
        let detail = event.message();
        fail_all(format!(
            "The run engine stopped ({}). Check that the site's candor-engine files were deployed \
             with it, and reload the page; finished replies are kept.",
            if detail.is_empty() { "the browser gave no reason".to_string() } else { detail }
        ));
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    // The handlers live as long as the page.
    on_message.forget();
    on_error.forget();
    ENGINE.with(|e| e.borrow_mut().worker = Some(worker.clone()));
    Ok(worker)
}

/// Posts `msg` to the engine, holding it until the engine listens.
fn post(msg: &ToEngine) -> Result<(), String> {
    // Messages are plain data: they always serialize.
    let text = serde_json::to_string(msg).expect("engine messages always serialize");
    post_value(JsValue::from_str(&text))
}

fn post_value(msg: JsValue) -> Result<(), String> {
    let worker = worker()?;
    let ready = ENGINE.with(|e| {
        let mut e = e.borrow_mut();
        if !e.ready {
            e.queued.push(msg.clone());
        }
        e.ready
    });
    if ready {
        worker.post_message(&msg).map_err(|e| format!("the run engine could not be reached: {e:?}"))?;
    }
    Ok(())
}

/// Gives the engine the classifier's files it does not have yet (the engine judges the
/// replies; the page keeps the files, see [`own`](crate::net::own)).
fn give_classifier() -> Result<(), String> {
    let files = js_sys::Object::new();
    crate::net::own::add_classifier(&files);
    let has = |k: &str| Reflect::has(&files, &JsValue::from_str(k)).unwrap_or(false);
    let now = match (has("phrases"), has("model")) {
        (true, true) => ClassifierSent::All,
        (true, false) => ClassifierSent::Phrases,
        _ => ClassifierSent::Nothing,
    };
    let before = ENGINE.with(|e| std::mem::replace(&mut e.borrow_mut().classifier, now));
    if now == before || now == ClassifierSent::Nothing {
        ENGINE.with(|e| e.borrow_mut().classifier = before);
        return Ok(());
    }
    post_value(files.into())
}

/// A run the engine is sending; lets the page stop it.
#[derive(Clone, Debug)]
pub struct RunHandle {
    run: u32,
}

impl RunHandle {
    /// Stops the run: nothing new starts, and requests in flight are aborted.
    pub fn cancel(&self) {
        let _ = post(&ToEngine::Cancel { run: self.run });
    }
}

/// Starts sending everything `plan` still has to do with the live settings `providers`
/// (keys included). Each event goes to `emit`, every request to `ledger`; if the engine
/// cannot run, `notify` is told why (and the run stops as if cancelled).
pub fn start(
    plan: Plan,
    providers: &[ProviderConfig],
    emit: impl Fn(RunEvent) + 'static,
    ledger: LedgerSink,
    notify: impl Fn(String) + 'static,
) -> RunHandle {
    let run = ENGINE.with(|e| {
        let mut e = e.borrow_mut();
        e.next += 1;
        let run = e.next;
        e.ledger = Some(ledger);
        e.runs.insert(run, (Rc::new(emit), Rc::new(notify)));
        run
    });
    let providers = providers.iter().map(Keyed::from).collect();
    if let Err(why) = give_classifier().and_then(|()| post(&ToEngine::Start { run, plan, providers })) {
        fail_all(why);
    }
    RunHandle { run }
}

/// The models a provider's server offers, or why they could not be listed.
pub async fn fetch_models(config: &ProviderConfig, ledger: &LedgerSink) -> Result<Vec<String>, String> {
    let slot: ModelSlot = Rc::default();
    let mut parts = None;
    let promise = Promise::new(&mut |resolve, _| parts = Some(resolve));
    let resolve = parts.ok_or("the browser did not run a promise's executor")?;
    let id = ENGINE.with(|e| {
        let mut e = e.borrow_mut();
        e.next += 1;
        let id = e.next;
        e.ledger = Some(ledger.clone());
        e.models.insert(id, (slot.clone(), resolve));
        id
    });
    if let Err(why) = post(&ToEngine::Models { id, provider: Keyed::from(config) }) {
        ENGINE.with(|e| e.borrow_mut().models.remove(&id));
        return Err(why);
    }
    let _ = JsFuture::from(promise).await;
    let answer = slot.borrow_mut().take();
    answer.unwrap_or_else(|| Err("the run engine gave no answer".to_string()))
}
