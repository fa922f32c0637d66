//! Candor's run engine (built for wasm32 by Trunk as a web worker): sends a run's probes
//! with the wire dialects, retries and the scheduler, judges each reply as it arrives, and
//! lists models, off the page's main thread. The page keeps the run's state. Messages are
//! `candor::core::engine`'s, as JSON text, except the classifier's files, which come as an
//! object `{phrases, model}` (text and bytes) before the first run; once it listens, the
//! engine posts `{ready: true}`.

#[cfg(target_arch = "wasm32")]
mod worker {
    use std::cell::{Cell, RefCell};
    use std::collections::HashMap;
    use std::rc::Rc;

    use candor::core::engine::{Keyed, Note, ToEngine, FIRST_ENGINE_LEDGER_ID};
    use candor::net::fetch::{number_requests_from, LedgerSink};
    use candor::net::runner::{self, RunHandle};
    use gloo_timers::future::TimeoutFuture;
    use js_sys::{Object, Reflect};
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::spawn_local;
    use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

    /// Notes are gathered this long and posted together: one message per batch, not one per
    /// streamed piece.
    const BATCH_MS: u32 = 16;

    thread_local! {
        static RUNS: RefCell<HashMap<u32, RunHandle>> = RefCell::new(HashMap::new());
        static OUTBOX: RefCell<Vec<Note>> = const { RefCell::new(Vec::new()) };
        static FLUSH_SET: Cell<bool> = const { Cell::new(false) };
    }

    fn scope() -> DedicatedWorkerGlobalScope {
        js_sys::global().unchecked_into()
    }

    /// Queues a note for the page, and the batch's post if none is set.
    fn note(n: Note) {
        OUTBOX.with(|o| o.borrow_mut().push(n));
        if !FLUSH_SET.with(|f| f.replace(true)) {
            spawn_local(async {
                TimeoutFuture::new(BATCH_MS).await;
                FLUSH_SET.with(|f| f.set(false));
                let notes = OUTBOX.with(|o| std::mem::take(&mut *o.borrow_mut()));
                // Notes are plain data: they always serialize.
                let text = serde_json::to_string(&notes).expect("notes always serialize");
                let _ = scope().post_message(&JsValue::from_str(&text));
            });
        }
    }

    fn ledger() -> LedgerSink {
        Rc::new(|e| note(Note::Ledger(e)))
    }

    fn handle(msg: ToEngine) {
        match msg {
            ToEngine::Start { run, plan, providers } => {
                let providers: Vec<_> = providers.into_iter().map(Keyed::into_config).collect();
                let emit = move |event| note(Note::Run { run, event });
                let handle = runner::start(plan, &providers, emit, ledger());
                RUNS.with(|r| r.borrow_mut().insert(run, handle));
            }
            ToEngine::Cancel { run } => {
                if let Some(h) = RUNS.with(|r| r.borrow_mut().remove(&run)) {
                    h.cancel();
                }
            }
            ToEngine::Models { id, provider } => {
                let config = provider.into_config();
                spawn_local(async move {
                    let result = runner::fetch_models(&config, &ledger()).await.map_err(|e| e.to_string());
                    note(Note::Models { id, result });
                });
            }
        }
    }

    /// Answers every message the page posts.
    pub fn start() {
        number_requests_from(FIRST_ENGINE_LEDGER_ID);
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let data = event.data();
            let Some(text) = data.as_string() else {
                if let Err(why) = candor::net::own::install_classifier(&data) {
                    note(Note::Trouble(why));
                }
                return;
            };
            match serde_json::from_str::<ToEngine>(&text) {
                Ok(msg) => handle(msg),
                Err(e) => {
                    web_sys::console::error_1(&format!("candor-engine: unreadable message ({e})").into())
                }
            }
        });
        let scope = scope();
        scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        // The handler lives as long as the worker.
        on_message.forget();
        // Messages posted before this handler existed were dropped by the browser: the page
        // holds its messages until it hears this.
        let ready = Object::new();
        let _ = Reflect::set(&ready, &JsValue::from_str("ready"), &JsValue::TRUE);
        let _ = scope.post_message(&ready);
    }
}

#[cfg(target_arch = "wasm32")]
fn main() {
    worker::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("candor-engine is the browser app's run engine: `scripts/build.sh` builds it with the app.");
    std::process::exit(2);
}
