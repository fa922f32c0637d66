//! The root component: owns the reducer, persists settings, and starts or stops the run
//! driver when the state says so.

use std::cell::RefCell;
use std::rc::Rc;

use yew::prelude::*;

use crate::core::pack::Pack;
use crate::core::run::RunStatus;
use crate::core::state::{apply, Action, AppState, View};
use crate::net::runner::{self, RunHandle};
use crate::net::{now_ms, storage};
use crate::ui::components::data_flow::DataFlow;
use crate::ui::components::detail::Detail;
use crate::ui::components::matrix::Matrix;
use crate::ui::components::notice::Notice;
use crate::ui::components::probe_picker::ProbePicker;
use crate::ui::components::providers_panel::ProvidersPanel;
use crate::ui::components::run_bar::RunBar;
use crate::ui::components::summary::Summary;
use crate::ui::{ledger_sink, AppCtx, Store};

fn initial_state() -> Store {
    let state = AppState::new(Pack::builtin());
    match storage::load() {
        Some((providers, selection)) => {
            Store(apply(&state, Action::Restore { providers, selection: Some(selection) }))
        }
        None => Store(state),
    }
}

/// The whole app.
#[component]
pub fn App() -> Html {
    let store = use_reducer(initial_state);
    let driver: Rc<RefCell<Option<(String, RunHandle)>>> = use_mut_ref(|| None);

    {
        let store = store.clone();
        use_effect_with((), move |_| {
            let ledger = ledger_sink(&store);
            wasm_bindgen_futures::spawn_local(async move {
                let result = runner::load_classifier(&ledger).await;
                store.dispatch(Action::Classifier(result));
            });
        });
    }

    {
        let store = store.clone();
        let deps = (store.0.providers.clone(), store.0.selection.clone());
        use_effect_with(deps, move |(providers, selection)| {
            if let Err(msg) = storage::save(providers, selection) {
                store.dispatch(Action::Notify(msg));
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
                    let handle = runner::start(
                        run,
                        &store.0.providers,
                        move |ev| dispatcher.dispatch(Action::Run(ev)),
                        ledger_sink(&store),
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
            store.dispatch(Action::StartRun { id: format!("run-{}", at as u64), at_ms: at });
        })
    };
    let on_cancel = {
        let store = store.clone();
        let driver = driver.clone();
        Callback::from(move |_| {
            if let Some((_, handle)) = driver.borrow().as_ref() {
                handle.cancel();
            }
            store.dispatch(Action::Run(crate::core::run::RunEvent::Cancelled { at_ms: now_ms() }));
        })
    };

    html! {
        <ContextProvider<AppCtx> context={store.clone()}>
            <header class="topbar">
                <div class="brand">
                    <span class="logo" aria-hidden="true">{"◐"}</span>
                    <h1>{"Candor"}</h1>
                    <span class="tagline">{"What models say about sensitive topics, side by side"}</span>
                </div>
                <nav class="tabs" role="tablist" aria-label="Pages">
                    { for [(View::Results, "Results".to_string()), (View::DataFlow, format!("Data flow ({})", store.0.ledger.len()))]
                        .into_iter()
                        .map(|(v, label)| {
                            let store = store.clone();
                            html! {
                                <button role="tab" aria-selected={(store.0.view == v).to_string()}
                                    data-testid={if v == View::DataFlow { "tab-flow" } else { "tab-results" }}
                                    onclick={Callback::from(move |_| store.dispatch(Action::SetView(v)))}>{ label }</button>
                            }
                        }) }
                </nav>
                <div class="privacy-note">{"Runs in your browser. Prompts go only to the providers you configure; keys stay here."}</div>
            </header>
            <main class="layout">
                <aside class="sidebar">
                    <ProvidersPanel />
                    <ProbePicker />
                </aside>
                <section class="content">
                    <RunBar {on_run} {on_cancel} />
                    <Notice />
                    if store.0.view == View::DataFlow {
                        <DataFlow />
                    } else {
                        <Summary />
                        <Matrix />
                    }
                </section>
            </main>
            <Detail />
        </ContextProvider<AppCtx>>
    }
}
