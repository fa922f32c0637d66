//! The run setting that picks an optional LLM judge among the configured providers.

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::core::i18n::Msg;
use crate::core::state::Action;
use crate::ui::tx;
use crate::ui::use_app;

/// "Judge": none (the offline verdict alone) or one of the configured real providers.
#[component]
pub fn JudgePicker() -> Html {
    let app = use_app();
    let choices = app.0.judge_choices();
    let chosen = app.0.judge.clone().unwrap_or_default();
    let on_change = {
        let app = app.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            app.dispatch(Action::SetJudge((!v.is_empty()).then(|| v.into())));
        })
    };
    html! {
        <section class="panel" aria-labelledby="judge-h">
            <h2 id="judge-h"><label for="judge-select">{ tx(Msg::Judge) }</label></h2>
            <select id="judge-select" data-testid="judge-select" onchange={on_change} disabled={app.0.running()}>
                <option value="" selected={chosen.is_empty()}>{ tx(Msg::JudgeNone) }</option>
                { for choices.iter().map(|(id, title)| html! {
                    <option value={id.to_string()} selected={*id == chosen}>{ title }</option>
                }) }
            </select>
            <p class="hint">{ tx(Msg::JudgeHint) }</p>
        </section>
    }
}
