//! The providers list and the "add provider" control.

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::core::i18n::Msg;
use crate::core::provider::Preset;
use crate::core::state::Action;
use crate::ui::components::provider_card::ProviderCard;
use crate::ui::tx;
use crate::ui::use_app;

/// Lists configured providers and adds new ones from presets.
#[component]
pub fn ProvidersPanel() -> Html {
    let app = use_app();
    let preset = use_state(|| Preset::DeepSeek);
    let on_preset = {
        let preset = preset.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            if let Some(p) = Preset::from_key(&v) {
                preset.set(p);
            }
        })
    };
    let on_add = {
        let app = app.clone();
        let preset = preset.clone();
        Callback::from(move |_| app.dispatch(Action::AddProvider(*preset)))
    };
    let locked = app.0.running();
    html! {
        <section class="panel" aria-labelledby="providers-h">
            <h2 id="providers-h">{ tx(Msg::Providers) }</h2>
            if app.0.providers.is_empty() {
                <p class="hint">{ tx(Msg::NoProviders) }</p>
            }
            { for app.0.providers.iter().map(|p| html! { <ProviderCard key={p.id.as_str()} provider={p.clone()} {locked} /> }) }
            <div class="add-provider">
                <label for="preset-select">{ tx(Msg::Add) }</label>
                <select id="preset-select" data-testid="preset-select" onchange={on_preset}>
                    { for Preset::ALL.iter().map(|p| html! {
                        <option value={p.key()} selected={*p == *preset}>{p.label()}</option>
                    }) }
                </select>
                <button class="btn" data-testid="add-provider" onclick={on_add} disabled={locked}>{ tx(Msg::AddProvider) }</button>
            </div>
        </section>
    }
}
