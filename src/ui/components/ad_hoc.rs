//! The ad-hoc question box: one question (and, if wanted, a control question) asked of every
//! provider included in runs, as a run of its own whose replies open side by side; or kept in
//! the user's own probes for later runs. What the texts become is `core::adhoc`'s business.

use web_sys::{HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::core::adhoc::AdHoc;
use crate::core::i18n::Msg;
use crate::core::pack::Lang;
use crate::core::run::Run;
use crate::core::state::Action;
use crate::net::now_ms;
use crate::ui::components::import_probes::lang_options;
use crate::ui::{tx, use_app};

/// The box above the results.
#[component]
pub fn AdHocBox() -> Html {
    let app = use_app();
    // Read when a button is pressed, so typing redraws nothing.
    let (question, control, lang) = (use_node_ref(), use_node_ref(), use_node_ref());
    let texts = {
        let (question, control, lang) = (question.clone(), control.clone(), lang.clone());
        move || {
            let text = |r: &NodeRef| r.cast::<HtmlTextAreaElement>().map(|t| t.value()).unwrap_or_default();
            let lang = lang.cast::<HtmlSelectElement>().and_then(|s| Lang::from_tag(&s.value()));
            AdHoc { question: text(&question), control: text(&control), lang }
        }
    };
    let on_send = {
        let (app, texts) = (app.clone(), texts.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let at_ms = now_ms();
            app.dispatch(Action::AdHoc(texts(), Some((Run::id_at(at_ms), at_ms))));
        })
    };
    let on_keep = {
        let app = app.clone();
        Callback::from(move |_: MouseEvent| app.dispatch(Action::AdHoc(texts(), None)))
    };
    html! {
        <details class="panel adhoc" data-testid="adhoc">
            <summary>{ tx(Msg::AdHoc) }</summary>
            <form onsubmit={on_send}>
                <fieldset class="fields">
                    <label for="adhoc-q">{ tx(Msg::AdHocQuestion) }</label>
                    <textarea id="adhoc-q" rows="3" ref={question} data-testid="adhoc-question" />
                    <label for="adhoc-c">{ tx(Msg::AdHocControl) }</label>
                    <textarea id="adhoc-c" rows="2" ref={control} data-testid="adhoc-control" />
                    <label for="adhoc-lang">{ tx(Msg::Language) }</label>
                    <select id="adhoc-lang" ref={lang} data-testid="adhoc-lang">
                        { lang_options(Msg::AdHocDetect, None) }
                    </select>
                    <p class="hint">{ tx(Msg::AdHocHint) }</p>
                    <div class="row span2">
                        <button type="submit" class="btn primary" data-testid="adhoc-send">{ tx(Msg::AdHocSend) }</button>
                        <button type="button" class="btn" data-testid="adhoc-keep" onclick={on_keep}>{ tx(Msg::AdHocKeep) }</button>
                    </div>
                </fieldset>
            </form>
        </details>
    }
}
