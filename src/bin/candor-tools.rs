//! Candor's tools worker (built for wasm32 by Trunk as a web worker): renders exports and
//! reads other tools' files for the page, off its main thread. The jobs themselves are
//! `candor::core::tools`; this file only reads the page's messages and posts the answers.
//!
//! A message is an object `{id, job, …}`: `job` is `export` (`format`, `report`, and the
//! report stylesheet as `theme` and `css`), `open` (`format`, `name`, `text`) or `probes`
//! (`name`, `text`, `topic`, `lang`); `open` and `probes` jobs also carry the classifier's
//! files (`phrases`, `model`), which judge the file's replies and tell its prompts'
//! languages. The answer is `{id, ok, notice}` or `{id, err}`. Once
//! it listens, the worker posts `{ready: true}`.

#[cfg(target_arch = "wasm32")]
mod worker {
    use candor::core::pack::Lang;
    use candor::core::report::html::install_style;
    use candor::core::tools::Job;
    use js_sys::{Object, Reflect};
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;
    use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

    fn field(msg: &JsValue, name: &str) -> String {
        Reflect::get(msg, &JsValue::from_str(name)).ok().and_then(|v| v.as_string()).unwrap_or_default()
    }

    /// The job a message asks for, or what is wrong with the message.
    fn job(msg: &JsValue) -> Result<Job, String> {
        let (format, name, text) = (field(msg, "format"), field(msg, "name"), field(msg, "text"));
        match field(msg, "job").as_str() {
            "export" => {
                install_style(&field(msg, "theme"), &field(msg, "css"));
                let format = format.parse().map_err(|e| format!("{e}"))?;
                Ok(Job::Export { format, report: field(msg, "report") })
            }
            "open" => {
                candor::net::own::install_classifier(msg)?;
                Ok(Job::Open { format: format.parse().map_err(|e| format!("{e}"))?, name, text })
            }
            "probes" => {
                candor::net::own::install_classifier(msg)?;
                let lang = Lang::from_tag(&field(msg, "lang"));
                Ok(Job::Probes { name, text, topic: field(msg, "topic"), lang })
            }
            other => Err(format!("the tools worker has no job called {other:?}")),
        }
    }

    /// Answers every message the page posts.
    pub fn start() {
        let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
        let reply_to = scope.clone();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let msg = event.data();
            let answer = Object::new();
            let set = |k: &str, v: &JsValue| {
                let _ = Reflect::set(&answer, &JsValue::from_str(k), v);
            };
            set("id", &Reflect::get(&msg, &JsValue::from_str("id")).unwrap_or(JsValue::NULL));
            match job(&msg).and_then(|job| job.perform()) {
                Ok(done) => {
                    set("ok", &JsValue::from_str(&done.text));
                    if let Some(notice) = done.notice {
                        set("notice", &JsValue::from_str(&notice));
                    }
                }
                Err(e) => set("err", &JsValue::from_str(&e)),
            }
            let _ = reply_to.post_message(&answer);
        });
        scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        // The handler lives as long as the worker.
        on_message.forget();
        // Messages posted before this handler existed were dropped by the browser: the page
        // holds its jobs until it hears this.
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
    eprintln!("candor-tools is the browser app's tools worker: `scripts/build.sh` builds it with the app.");
    std::process::exit(2);
}
