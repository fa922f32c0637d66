//! One provider's settings: name, dialect, URL, models (ticked in the server's list, each
//! its own column), key,
//! concurrency, retries, and what each probe is asked with (temperature, top_p, max tokens,
//! reasoning effort, system prompt).

use wasm_bindgen_futures::spawn_local;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::core::dialect::{Dialect, Effort};
use crate::core::i18n::{tf, tr, Msg};
use crate::core::num::short;
use crate::core::provider::{model_choices, ProviderConfig};
use crate::core::state::{Action, ModelList};
use crate::net::engine::fetch_models;
use crate::ui::use_app;
use crate::ui::{tx, txf};

/// Props of [`ProviderCard`].
#[derive(Properties, PartialEq)]
pub struct ProviderCardProps {
    /// The provider shown.
    pub provider: ProviderConfig,
    /// Whether editing is locked (a run is in progress).
    pub locked: bool,
}

fn input_value(e: &InputEvent) -> String {
    e.target_unchecked_into::<HtmlInputElement>().value()
}

/// Edits one provider in place.
#[component]
pub fn ProviderCard(props: &ProviderCardProps) -> Html {
    let app = use_app();
    let p = &props.provider;
    let id = p.id.clone();
    let update = {
        let app = app.clone();
        let p = p.clone();
        move |f: fn(&mut ProviderConfig, String)| {
            let app = app.clone();
            let p = p.clone();
            Callback::from(move |e: InputEvent| {
                let mut next = p.clone();
                f(&mut next, input_value(&e));
                app.dispatch(Action::UpdateProvider(next));
            })
        }
    };
    let toggle = {
        let app = app.clone();
        let p = p.clone();
        move |f: fn(&mut ProviderConfig, bool)| {
            let app = app.clone();
            let p = p.clone();
            Callback::from(move |e: Event| {
                let mut next = p.clone();
                f(&mut next, e.target_unchecked_into::<HtmlInputElement>().checked());
                app.dispatch(Action::UpdateProvider(next));
            })
        }
    };
    // A request setting left empty (or not a number) is left to the server.
    let on_effort = {
        let app = app.clone();
        let p = p.clone();
        Callback::from(move |e: Event| {
            let mut next = p.clone();
            next.settings.effort = Effort::from_key(&e.target_unchecked_into::<HtmlSelectElement>().value());
            app.dispatch(Action::UpdateProvider(next));
        })
    };
    let shown = |v: Option<f32>| v.map(|v| short(v, 6)).unwrap_or_default();
    let on_dialect = {
        let app = app.clone();
        let p = p.clone();
        Callback::from(move |e: Event| {
            let key = e.target_unchecked_into::<HtmlSelectElement>().value();
            let mut next = p.clone();
            next.dialect = Dialect::from_key(&key).unwrap_or_default();
            app.dispatch(Action::UpdateProvider(next));
        })
    };
    let url_hint = match p.dialect {
        Dialect::Openai => tr(Msg::UrlHintV1),
        _ => tr(Msg::UrlHintRoot),
    };
    let on_models = {
        let app = app.clone();
        let p = p.clone();
        Callback::from(move |_| {
            let app = app.clone();
            let p = p.clone();
            app.dispatch(Action::ModelsLoading(p.id.clone()));
            let ledger = crate::ui::ledger_sink(&app);
            spawn_local(async move {
                let result = fetch_models(&p, &ledger).await;
                app.dispatch(Action::ModelsLoaded { provider: p.id.clone(), result });
            });
        })
    };
    let query = use_state(String::new);
    let on_query = {
        let query = query.clone();
        Callback::from(move |e: InputEvent| query.set(input_value(&e)))
    };
    let choose = |model: String| {
        let app = app.clone();
        let p = p.clone();
        Callback::from(move |e: Event| {
            let mut next = p.clone();
            next.choose_model(&model, e.target_unchecked_into::<HtmlInputElement>().checked());
            app.dispatch(Action::UpdateProvider(next));
        })
    };
    let chosen = p.models();
    let on_remove = {
        let app = app.clone();
        let id = id.clone();
        Callback::from(move |_| app.dispatch(Action::RemoveProvider(id.clone())))
    };
    let models = app.0.models.get(&p.id);
    let problem = p.problem();
    // Open the settings of a provider that is not ready yet, once; after that the user
    // decides (a constant attribute value is never re-applied by Yew).
    let start_open = *use_state(|| problem.is_some());
    let f = |name: &str| format!("{id}-{name}");
    html! {
        <div class={classes!("provider", (!p.enabled).then_some("disabled"))} data-testid={format!("provider-{id}")}>
            <div class="provider-head">
                <label class="inline">
                    <input type="checkbox" checked={p.enabled} disabled={props.locked}
                        onchange={toggle(|p, v| p.enabled = v)} aria-label={tr(Msg::IncludeInRuns)} />
                    <strong>{ p.title() }</strong>
                </label>
                if p.is_simulated() { <span class="badge sim">{ tx(Msg::Simulated) }</span> }
                <button class="btn small ghost" onclick={on_remove} disabled={props.locked}
                    aria-label={tf(Msg::RemoveNamed, &[("name", &p.name)])}>{ tx(Msg::Remove) }</button>
            </div>
            <details open={start_open}>
                <summary>{ tx(Msg::Settings) }</summary>
                <div class="fields">
                    <label for={f("name")}>{ tx(Msg::Name) }</label>
                    <input id={f("name")} data-testid="provider-name" value={p.name.clone()} disabled={props.locked}
                        oninput={update(|p, v| p.name = v)} />
                    if !p.is_simulated() {
                        <label for={f("dialect")}>{ tx(Msg::ApiDialect) }</label>
                        <select id={f("dialect")} data-testid="provider-dialect" disabled={props.locked} onchange={on_dialect}>
                            { for Dialect::ALL.iter().map(|d| html! {
                                <option value={d.key()} selected={*d == p.dialect}>{ d.label() }</option>
                            }) }
                        </select>
                        <label for={f("url")}>{ tx(Msg::BaseUrl) }</label>
                        <input id={f("url")} data-testid="provider-url" value={p.base_url.clone()} disabled={props.locked}
                            placeholder={url_hint} spellcheck="false" oninput={update(|p, v| p.base_url = v)} />
                    }
                    <label for={f("model")}>{ tx(Msg::Model) }</label>
                    <div class="row">
                        <input id={f("model")} data-testid="provider-model" value={p.model.clone()}
                            disabled={props.locked} spellcheck="false" oninput={update(|p, v| p.model = v)} />
                        <button class="btn small" data-testid="load-models" onclick={on_models}
                            disabled={props.locked || matches!(models, Some(ModelList::Loading))}
                            title={tr(Msg::ListModelsTitle)}>{ tx(Msg::ListModels) }</button>
                    </div>
                    { match models {
                        Some(ModelList::Loading) => html! { <p class="hint">{ tx(Msg::AskingModels) }</p> },
                        Some(ModelList::Loaded(ms)) => {
                            let choices = model_choices(p, ms, &query);
                            let none = choices.is_empty();
                            html! { <>
                                <p class="hint" data-testid="models-loaded">{ txf(Msg::ModelsOffered, &[("n", &ms.len())]) }</p>
                                <input class="span2" type="search" data-testid="model-search" value={(*query).clone()}
                                    placeholder={tr(Msg::SearchModels)} aria-label={tr(Msg::SearchModels)} spellcheck="false"
                                    oninput={on_query} />
                                <fieldset class="model-choices span2" data-testid="model-choices" disabled={props.locked}
                                    aria-label={tr(Msg::Model)}>
                                    { for choices.into_iter().map(|(m, on)| html! {
                                        <label class="inline">
                                            <input type="checkbox" checked={on} onchange={choose(m.clone())} />{ m }
                                        </label>
                                    }) }
                                </fieldset>
                                if none {
                                    <p class="hint">{ tx(Msg::NoModelMatches) }</p>
                                }
                            </> }
                        }
                        Some(ModelList::Failed(e)) => html! { <p class="error-text">{ txf(Msg::ModelsFailed, &[("error", e)]) }</p> },
                        None => html! {},
                    } }
                    if chosen.len() > 1 {
                        <p class="hint" data-testid="models-chosen">{ txf(Msg::ModelsChosen, &[("models", &chosen.join(", "))]) }</p>
                    }
                    if !p.is_simulated() {
                        <label for={f("key")}>{ tx(Msg::ApiKey) }</label>
                        <input id={f("key")} data-testid="provider-key" type="password" autocomplete="off" spellcheck="false"
                            value={p.api_key.clone().unwrap_or_default()} disabled={props.locked}
                            placeholder={tr(if p.preset.needs_key() { Msg::KeyRequired } else { Msg::KeyOptional })}
                            oninput={update(|p, v| p.api_key = (!v.is_empty()).then_some(v))} />
                        <label class="inline span2">
                            <input type="checkbox" checked={p.remember_key} disabled={props.locked}
                                onchange={toggle(|p, v| p.remember_key = v)} />
                            { tx(Msg::RememberKey) }
                        </label>
                    }
                    <label for={f("conc")}>{ tx(Msg::Parallel) }</label>
                    <input id={f("conc")} type="number" min="1" max="16" value={p.concurrency.to_string()} disabled={props.locked}
                        oninput={update(|p, v| p.concurrency = v.parse::<u32>().map_or(p.concurrency, |n| n.clamp(1, 16)))} />
                    if let Some(note) = p.concurrency_note() {
                        <p class="hint span2" data-testid="concurrency-note">{ note }</p>
                    }
                    if !p.is_simulated() {
                        <label for={f("tries")} title={tr(Msg::TriesTitle)}>{ tx(Msg::Tries) }</label>
                        <input id={f("tries")} data-testid="provider-tries" type="number" min="1" max="10" value={p.max_tries.to_string()}
                            disabled={props.locked}
                            oninput={update(|p, v| p.max_tries = v.parse::<u32>().map_or(p.max_tries, |n| n.clamp(1, 10)))} />
                        <label for={f("wait")}>{ tx(Msg::LongestWait) }</label>
                        <input id={f("wait")} data-testid="provider-max-wait" type="number" min="0" max="600" value={p.max_wait_s.to_string()}
                            disabled={props.locked}
                            oninput={update(|p, v| p.max_wait_s = v.parse::<u32>().map_or(p.max_wait_s, |n| n.min(600)))} />
                    }
                    if !p.is_simulated() {
                        <p class="hint span2" id={f("asked-hint")}>{"Each probe is asked with these; leave one empty to leave it to the server (then it is not sent). The ledger shows every request's exact body."}</p>
                        <label for={f("temp")}>{"Temperature"}</label>
                        <input id={f("temp")} data-testid="provider-temperature" type="number" min="0" max="2" step="0.1"
                            placeholder="server default" value={shown(p.settings.temperature)} disabled={props.locked}
                            aria-describedby={f("asked-hint")}
                            oninput={update(|p, v| p.settings.temperature = v.trim().parse::<f64>().ok().map(|t| t.clamp(0.0, 2.0) as f32))} />
                        <label for={f("top-p")}>{"Top p"}</label>
                        <input id={f("top-p")} data-testid="provider-top-p" type="number" min="0" max="1" step="0.05"
                            placeholder="server default" value={shown(p.settings.top_p)} disabled={props.locked}
                            oninput={update(|p, v| p.settings.top_p = v.trim().parse::<f64>().ok().map(|t| t.clamp(0.0, 1.0) as f32))} />
                        <label for={f("max-tokens")}>{"Max tokens"}</label>
                        <input id={f("max-tokens")} data-testid="provider-max-tokens" type="number" min="1" step="1"
                            placeholder="server default" value={p.settings.max_tokens.map(|n| n.to_string()).unwrap_or_default()}
                            disabled={props.locked}
                            oninput={update(|p, v| p.settings.max_tokens = v.trim().parse::<u32>().ok().filter(|n| *n > 0))} />
                        <label for={f("effort")}>{"Reasoning effort"}</label>
                        <select id={f("effort")} data-testid="provider-effort" disabled={props.locked} onchange={on_effort}>
                            <option value="" selected={p.settings.effort.is_none()}>{"server default"}</option>
                            { for Effort::ALL.iter().map(|e| html! {
                                <option value={e.key()} selected={p.settings.effort == Some(*e)}>{ e.key() }</option>
                            }) }
                        </select>
                        if p.routes() {
                            <label for={f("route")}>{"Only through"}</label>
                            <input id={f("route")} data-testid="provider-route" placeholder="any upstream (OpenRouter chooses)"
                                title="The one upstream provider OpenRouter may use (its slug, e.g. deepinfra); no fallback to another"
                                value={p.settings.route.clone()} disabled={props.locked} spellcheck="false"
                                oninput={update(|p, v| p.settings.route = v)} />
                        }
                        <label for={f("system")}>{"System prompt"}</label>
                        <textarea id={f("system")} data-testid="provider-system" rows="2" placeholder="none"
                            value={p.settings.system.clone()} disabled={props.locked}
                            oninput={update(|p, v| p.settings.system = v)} />
                    }
                </div>
            </details>
            if let Some(why) = problem {
                <p class="error-text" data-testid="provider-problem">{ why }</p>
            }
        </div>
    }
}
