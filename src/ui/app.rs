//! The root components. [`App`] fetches the site's data files (the probe pack and the
//! destination registry) and then mounts [`Main`], which owns the reducer, persists
//! settings and runs, and starts or stops the run driver when the state says so.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use yew::prelude::*;

use crate::core::engine::Plan;
use crate::core::error::StorageError;
use crate::core::flow::Registry;
use crate::core::i18n::{self, tf, tr, Msg, UiLang};
use crate::core::ledger::LedgerEvent;
use crate::core::pack::Pack;
use crate::core::persist;
use crate::core::report::schema::{SourceKind, Status};
use crate::core::report::{content_hash, Report};
use crate::core::run::{Run, RunStatus};
use crate::core::state::{apply, Action, AppState, View};
use crate::core::view::ViewLink;
use crate::net::engine::{self, RunHandle};
use crate::net::{lang, own};
use crate::net::{now_ms, storage};
use crate::ui::components::ad_hoc::AdHocBox;
use crate::ui::components::charts::Charts;
use crate::ui::components::data_flow::DataFlow;
use crate::ui::components::detail::Detail;
use crate::ui::components::judge_picker::JudgePicker;
use crate::ui::components::lang_switch::lang_switch;
use crate::ui::components::matrix::Matrix;
use crate::ui::components::notice::Notice;
use crate::ui::components::probe_picker::ProbePicker;
use crate::ui::components::providers_panel::ProvidersPanel;
use crate::ui::components::run_bar::RunBar;
use crate::ui::components::runs_page::RunsPage;
use crate::ui::components::summary::Summary;
use crate::ui::{ledger_sink, tx, txf, AppCtx, Store};

/// The site's data files, fetched at start-up rather than compiled in (it keeps the
/// WebAssembly small), with the ledger events of fetching them.
#[derive(Clone, PartialEq)]
pub struct Assets {
    pack: Rc<Pack>,
    pack_hash: String,
    registry: Rc<Registry>,
    ledger: Vec<LedgerEvent>,
    /// What to tell the user once the app is drawn (the interface language failed to load).
    notice: Option<String>,
}

fn initial_state(assets: &Assets) -> Store {
    let mut state =
        AppState::new((*assets.pack).clone(), assets.pack_hash.clone(), (*assets.registry).clone());
    for event in &assets.ledger {
        state = apply(&state, Action::Ledger(event.clone()));
    }
    let imported = storage::load_probes();
    if !imported.is_empty() {
        // Imported topics start unselected; the saved selection below says which were chosen.
        state = apply(&state, Action::ImportProbes(imported));
    }
    if let Some((providers, selection, judge)) = storage::load() {
        state = apply(&state, Action::Restore { providers, selection: Some(selection), judge });
    }
    if let Some(notice) = &assets.notice {
        state = apply(&state, Action::Notify(notice.clone()));
    }
    Store(state)
}

/// Opens the view a link holds (the page's own fragment at start-up, or one pasted into the
/// address bar): its run first, from this browser's storage, when it names one; else, at
/// start-up, the newest saved run if it was still going when the page was closed. Runs are
/// in IndexedDB, which answers asynchronously: the app is drawn at once and the run filled in
/// when it answers. Runs saved by earlier versions are moved into IndexedDB first.
// Both paths in one future: each `spawn_local` of another future type adds its own code.
async fn open_link(store: UseReducerHandle<Store>, link: ViewLink, at_start: bool) {
    let id = match &link.run {
        Some(id) => Ok(Some(id.clone())),
        None if !at_start => Ok(None),
        None => {
            async {
                storage::migrate().await?;
                let newest = storage::list_runs().await?.into_iter().next();
                Ok::<_, StorageError>(newest.filter(|line| line.interrupted()).map(|line| line.id))
            }
            .await
        }
    };
    let opened = match id {
        Ok(Some(id)) => storage::load_run(&id).await.map(Some),
        Ok(None) => Ok(None),
        Err(e) => Err(e),
    };
    match opened {
        Ok(Some((report, run))) => {
            // A run saved while it went was interrupted: say so, and offer the rest.
            let notice = (report.run.status == Status::Running).then(|| {
                let p = run.progress(0.0);
                tf(
                    Msg::Interrupted,
                    &[("done", &p.done), ("total", &p.total), ("missing", &(p.total - p.done))],
                )
            });
            let ledger = report.ledger;
            store.dispatch(Action::OpenRun {
                run,
                source_labels: Default::default(),
                notice,
                ledger,
                at_start,
            });
        }
        Ok(None) => {}
        Err(e) => store.dispatch(Action::Notify(e.to_string())),
    }
    store.dispatch(Action::OpenLink { link, at_start });
}

/// The URL's fragment, without its `#`.
fn location_hash() -> String {
    let hash = web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default();
    hash.trim_start_matches('#').to_string()
}

thread_local! {
    /// The fragment [`show_link`] last wrote: its own change is not a link to open.
    static WRITTEN: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Keeps the view (page, run, matrix view, open probe) in the URL's fragment as it changes,
/// so a link reopens it; called by the reducer's adapter with the state before and after each
/// action. It replaces the history entry, so Back leaves the app rather than undoing each
/// filter. Written here rather than in an effect: one comparison per action costs less code.
pub(crate) fn show_link(before: &AppState, after: &AppState) {
    let run_id = |s: &AppState| s.run.as_ref().map(|r| r.id.clone());
    if before.view == after.view
        && before.matrix == after.matrix
        && before.detail == after.detail
        && run_id(before) == run_id(after)
    {
        return;
    }
    let hash = after.link().to_hash();
    if location_hash() != hash {
        let _ = web_sys::window().map(|w| w.location().replace(&format!("#{hash}")));
    }
    WRITTEN.set(hash);
}

/// Opens a link pasted into the address bar (the fragment changed, not by [`show_link`]).
fn listen_for_links(store: UseReducerHandle<Store>) {
    let on_change = wasm_bindgen::closure::Closure::<dyn Fn()>::new(move || {
        let hash = location_hash();
        if WRITTEN.with_borrow(|w| *w != hash) {
            wasm_bindgen_futures::spawn_local(open_link(store.clone(), ViewLink::parse(&hash), false));
        }
    });
    if let Some(w) = web_sys::window() {
        w.set_onhashchange(Some(wasm_bindgen::JsCast::unchecked_ref(on_change.as_ref())));
    }
    // The listener lives as long as the page.
    on_change.forget();
}

/// Saves the current run as the core's persistence policy (`core::persist`) asks: each
/// finished cell the moment it finishes, each request as it is sent and answered, the
/// header when the status changes. Returns what the run bar should say when storage refused
/// a write: the run stays in memory, and later writes are still tried.
#[hook]
fn use_persistence(store: &UseReducerHandle<Store>) -> Option<String> {
    let saved: Rc<RefCell<persist::Saved>> = use_mut_ref(persist::Saved::default);
    let refusal = use_state(|| None::<String>);
    let key = store.0.run.as_ref().map(|r| {
        let p = r.progress(0.0);
        // The revision: a verdict set by hand changes a finished cell and nothing else.
        (r.id.clone(), p.done, p.judging, r.revision(), r.status, persist::ledger_mark(&store.0.ledger))
    });
    let store = store.clone();
    let note = refusal.clone();
    use_effect_with(key, move |_| {
        let Some(run) = store.0.run.as_ref() else { return };
        let writes = saved.borrow_mut().plan(run, &store.0.ledger);
        let now = saved.borrow().refusal();
        if now != *note {
            note.set(now);
        }
        if writes.is_empty() {
            return;
        }
        let done: Pin<Box<dyn Future<Output = Result<(), StorageError>>>> =
            if writes.contains(&persist::Write::Whole) {
                // Built only if storage does not hold the run already.
                let (run, ledger, hash) = (run.clone(), store.0.ledger.clone(), store.0.pack_hash.clone());
                let line = persist::RunLine::of(&run, SourceKind::Candor);
                Box::pin(async move {
                    let whole = || Report::from_run(&run, &hash, &ledger, now_ms());
                    storage::store_opened(line, || {
                        persist::records(&[persist::Write::Whole], &run, &ledger, |_| whole())
                    })
                    .await
                })
            } else {
                let report = |with_results: bool| {
                    let build = if with_results { Report::from_run } else { Report::header };
                    build(run, &store.0.pack_hash, &store.0.ledger, now_ms())
                };
                Box::pin(storage::perform(persist::records(&writes, run, &store.0.ledger, report)))
            };
        let run_id = run.id.clone();
        wasm_bindgen_futures::spawn_local(async move {
            if let Err(e) = done.await {
                let why = match e {
                    StorageError::Full => tr(Msg::StorageFull).to_string(),
                    StorageError::Refused(why) => why,
                    other => other.to_string(),
                };
                let mut saved = saved.borrow_mut();
                if saved.run_id() == run_id {
                    note.set(Some(saved.refused(&writes, &why)));
                }
            }
        });
    });
    (*refusal).clone()
}

/// The site's data files, fetched together at start-up: path, and what it is (for the ledger).
const DATA_FILES: [(&str, &str); 5] = [
    ("packs/core-v1.json", "probe pack"),
    ("registry/destinations-v1.json", "destination registry"),
    ("model/phrases-v1.txt", "classifier phrase tables"),
    ("report/theme.css", "report theme"),
    ("report/report-v1.css", "report stylesheet"),
];

/// One data file's text, or why it could not be fetched.
type Fetched = Result<String, String>;

/// Reads the fetched data files (in [`DATA_FILES`] order) into the app's assets.
fn assets_from(texts: Vec<Fetched>) -> Result<Assets, String> {
    let [pack_json, registry_json, phrases, theme, report_css]: [String; 5] = texts
        .into_iter()
        .collect::<Result<Vec<String>, String>>()?
        .try_into()
        .map_err(|_| "a data file is missing".to_string())?;
    let pack = Pack::from_json(&pack_json).map_err(|e| e.to_string())?;
    let registry = Registry::from_json(&registry_json).map_err(|e| e.to_string())?;
    crate::net::own::keep_phrases(&phrases);
    crate::net::tools::set_report_style(theme, report_css);
    Ok(Assets {
        pack: Rc::new(pack),
        pack_hash: content_hash(&pack_json),
        registry: Rc::new(registry),
        ledger: Vec::new(),
        notice: None,
    })
}

/// Loads the data files (all at once), then shows the app (or says what went wrong).
#[component]
pub fn App() -> Html {
    let assets = use_state(|| None::<Result<Assets, String>>);
    {
        let assets = assets.clone();
        use_effect_with((), move |_| {
            let events = Rc::new(RefCell::new(Vec::new()));
            let sink: crate::net::fetch::LedgerSink = {
                let events = events.clone();
                Rc::new(move |e| events.borrow_mut().push(e))
            };
            // The interface language's catalogue comes with the data files, so the app is
            // drawn in its language from the start.
            let ui = lang::preferred();
            let files: Vec<(&str, &str)> =
                DATA_FILES.into_iter().chain(ui.file().map(|f| (f, "interface language"))).collect();
            let texts: Rc<RefCell<Vec<Option<Fetched>>>> = Rc::new(RefCell::new(vec![None; files.len()]));
            for (i, (path, what)) in files.into_iter().enumerate() {
                let (texts, sink, events, assets) =
                    (texts.clone(), sink.clone(), events.clone(), assets.clone());
                wasm_bindgen_futures::spawn_local(async move {
                    let text = own::fetch_asset(path, what, &sink).await;
                    texts.borrow_mut()[i] = Some(text.map_err(String::from));
                    // The last file in completes the start-up.
                    if texts.borrow().iter().all(Option::is_some) {
                        let mut all: Vec<Fetched> = texts.take().into_iter().flatten().collect();
                        let catalogue = all.split_off(DATA_FILES.len()).pop();
                        let notice = match catalogue.map(|c| c.and_then(|c| lang::install(ui, Some(&c)))) {
                            Some(Err(error)) => Some(tf(
                                Msg::LangLoadFailed,
                                &[("lang", &ui.native_name()), ("error", &error)],
                            )),
                            _ => None,
                        };
                        assets.set(Some(assets_from(all).map(|a| Assets {
                            ledger: events.take(),
                            notice,
                            ..a
                        })));
                    }
                });
            }
        });
    }
    match &*assets {
        None => html! { <div class="loading" data-testid="loading">{ tx(Msg::Loading) }</div> },
        Some(Err(e)) => html! {
            <div class="loading error-text" role="alert">
                { txf(Msg::LoadFailed, &[("error", e)]) }
            </div>
        },
        Some(Ok(a)) => html! { <Main assets={a.clone()} /> },
    }
}

/// Props of [`Main`].
#[derive(Properties, PartialEq)]
pub struct MainProps {
    /// The loaded data files.
    pub assets: Assets,
}

/// The whole app, once its data files are in.
#[component]
pub fn Main(props: &MainProps) -> Html {
    let store = use_reducer(|| initial_state(&props.assets));
    let driver: Rc<RefCell<Option<(String, RunHandle)>>> = use_mut_ref(|| None);
    let storage_note = use_persistence(&store);
    // The fragment the page was loaded with, read before the view is first written to it.
    let loaded_with = use_mut_ref(location_hash);
    // The interface's language; a change redraws everything below (see the keyed root).
    let ui_lang = use_state(i18n::current);
    let on_lang = {
        let (store, ui_lang) = (store.clone(), ui_lang.clone());
        Callback::from(move |next: UiLang| {
            let (store, ui_lang) = (store.clone(), ui_lang.clone());
            let ledger = ledger_sink(&store);
            wasm_bindgen_futures::spawn_local(async move {
                match lang::switch(next, &ledger).await {
                    Ok(()) => {
                        lang::remember(next);
                        ui_lang.set(next);
                        // The switch is drawn afresh too: keep the keyboard's place on it.
                        gloo_timers::callback::Timeout::new(0, lang::focus_switch).forget();
                    }
                    Err(error) => store.dispatch(Action::Notify(tf(
                        Msg::LangLoadFailed,
                        &[("lang", &next.native_name()), ("error", &error)],
                    ))),
                }
            });
        })
    };

    {
        let store = store.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(storage::ask_persistence());
            listen_for_links(store.clone());
            let link = ViewLink::parse(&loaded_with.borrow());
            wasm_bindgen_futures::spawn_local(open_link(store.clone(), link, true));
            let ledger = ledger_sink(&store);
            wasm_bindgen_futures::spawn_local(async move {
                let result = own::load_classifier(&ledger).await;
                store.dispatch(Action::Classifier(result));
            });
        });
    }

    {
        let store = store.clone();
        let deps = (store.0.providers.clone(), store.0.selection.clone(), store.0.judge.clone());
        use_effect_with(deps, move |(providers, selection, judge)| {
            if let Err(msg) = storage::save(providers, selection, judge.as_ref()) {
                store.dispatch(Action::Notify(msg.to_string()));
            }
        });
    }

    {
        let store = store.clone();
        use_effect_with(store.0.imported.clone(), move |imported| {
            if let Err(msg) = storage::save_probes(imported) {
                store.dispatch(Action::Notify(msg.to_string()));
            }
        });
    }

    {
        let store = store.clone();
        let driver = driver.clone();
        let key = store.0.run.as_ref().map(|r| (r.id.clone(), r.status));
        use_effect_with(key, move |key| {
            if let (Some((id, RunStatus::Running)), Some(run)) = (key, store.0.run.as_ref()) {
                let started = driver.borrow().as_ref().is_some_and(|(d, _)| d == id);
                if !started {
                    let dispatcher = store.dispatcher();
                    let notify = store.dispatcher();
                    let handle = engine::start(
                        Plan::of(run),
                        &store.0.column_configs(),
                        move |ev| crate::ui::dispatch_batched(&dispatcher, Action::Run(ev)),
                        ledger_sink(&store),
                        move |why| notify.dispatch(Action::Notify(why)),
                    );
                    *driver.borrow_mut() = Some((id.clone(), handle));
                }
            }
        });
    }

    let on_run = {
        let store = store.clone();
        Callback::from(move |_| {
            let at = now_ms();
            store.dispatch(Action::StartRun { id: Run::id_at(at), at_ms: at });
        })
    };
    let on_cancel = {
        let store = store.clone();
        let driver = driver.clone();
        Callback::from(move |_| {
            // Forget the driver, so a resumed run gets a fresh one.
            if let Some((_, handle)) = driver.borrow_mut().take() {
                handle.cancel();
            }
            store.dispatch(Action::Run(crate::core::run::RunEvent::Cancelled { at_ms: now_ms() }));
        })
    };

    html! {
        <ContextProvider<AppCtx> context={store.clone()}>
          // Keyed by the language: switching it draws every component afresh in the new words.
          <div class="ui-root" key={ui_lang.tag()}>
            <header class="topbar">
                <div class="brand">
                    <span class="logo" aria-hidden="true">{"◐"}</span>
                    <h1>{"Candor"}</h1>
                    <span class="tagline">{ tx(Msg::Tagline) }</span>
                </div>
                <nav class="tabs" role="tablist" aria-label={tr(Msg::Pages)}>
                    { for [
                        (View::Results, tr(Msg::TabResults).to_string()),
                        (View::DataFlow, tf(Msg::TabFlow, &[("n", &store.0.ledger.len())])),
                        (View::Runs, tr(Msg::TabRuns).to_string()),
                    ]
                        .into_iter()
                        .map(|(v, label)| {
                            let store = store.clone();
                            html! {
                                <button role="tab" aria-selected={(store.0.view == v).to_string()}
                                    data-testid={match v { View::DataFlow => "tab-flow", View::Runs => "tab-runs", View::Results => "tab-results" }}
                                    onclick={Callback::from(move |_| store.dispatch(Action::SetView(v)))}>{ label }</button>
                            }
                        }) }
                </nav>
                <div class="privacy-note">{ tx(Msg::PrivacyNote) }</div>
                { lang_switch(*ui_lang, &on_lang) }
            </header>
            <main class="layout">
                <aside class="sidebar">
                    <ProvidersPanel />
                    <ProbePicker />
                    <JudgePicker />
                </aside>
                <section class="content">
                    <RunBar {on_run} {on_cancel} on_resume={
                        let store = store.clone();
                        Callback::from(move |_| store.dispatch(Action::ResumeRun))
                    } {storage_note} on_export={
                        let store = store.clone();
                        Callback::from(move |_| store.dispatch(Action::SetView(View::Runs)))
                    } />
                    <Notice />
                    if store.0.view == View::DataFlow {
                        <DataFlow />
                    } else if store.0.view == View::Runs {
                        <RunsPage />
                    } else {
                        <AdHocBox />
                        <Summary />
                        <Charts />
                        <Matrix />
                    }
                </section>
            </main>
            <Detail />
          </div>
        </ContextProvider<AppCtx>>
    }
}
