//! Chooses which probes a run asks: topics, languages, and whether to add the controls.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::core::i18n::{tf, Msg};
use crate::core::pack::ProbeKind;
use crate::core::state::Action;
use crate::ui::components::import_probes::ImportProbes;
use crate::ui::use_app;
use crate::ui::{tx, txf};

/// Topic, language and control filters over the pack.
#[component]
pub fn ProbePicker() -> Html {
    let app = use_app();
    let s = &app.0;
    let sel = &s.selection;
    let imported = s.imported_topic_counts();
    let locked = s.running();
    let dispatch = |a: Action| {
        let app = app.clone();
        Callback::from(move |_: Event| app.dispatch(a.clone()))
    };
    let on_controls = {
        let app = app.clone();
        Callback::from(move |e: Event| {
            app.dispatch(Action::SetControls(e.target_unchecked_into::<HtmlInputElement>().checked()))
        })
    };
    let all = {
        let app = app.clone();
        move |v: bool| {
            let app = app.clone();
            Callback::from(move |_: MouseEvent| app.dispatch(Action::SetAllTopics(v)))
        }
    };
    html! {
        <section class="panel" aria-labelledby="probes-h">
            <h2 id="probes-h">{ tx(Msg::Probes) }</h2>
            <p class="hint">{ format!("{} v{}", s.pack.title, s.pack.version) }</p>
            <fieldset disabled={locked}>
                <legend>{ tx(Msg::Topics) }
                    <button class="btn link" onclick={all(true)}>{ tx(Msg::TopicsAll) }</button>
                    <button class="btn link" onclick={all(false)} data-testid="topics-none">{ tx(Msg::TopicsNone) }</button>
                </legend>
                { for s.pack.topics.iter().filter(|t| t.kind == ProbeKind::Sensitive).map(|topic| html! {
                    <label class="check">
                        <input type="checkbox" data-testid={format!("topic-{}", topic.id)} checked={sel.topics.contains(&topic.id)}
                            onchange={dispatch(Action::ToggleTopic(topic.id.clone()))} />
                        { topic.ui_name() }
                    </label>
                }) }
                { for imported.iter().map(|(topic, n)| {
                    let remove = {
                        let app = app.clone();
                        let topic = topic.clone();
                        Callback::from(move |_: MouseEvent| app.dispatch(Action::RemoveImported(topic.clone())))
                    };
                    let title = s.imported_topic_title(topic);
                    html! {
                        <label class="check imported">
                            <input type="checkbox" data-testid={format!("topic-{topic}")} checked={sel.topics.contains(topic)}
                                onchange={dispatch(Action::ToggleTopic(topic.clone()))} />
                            { txf(Msg::ImportedTopic, &[("topic", &title), ("n", n)]) }
                            <button class="btn link" onclick={remove} aria-label={tf(Msg::ForgetTopic, &[("topic", &title)])}>{ tx(Msg::Forget) }</button>
                        </label>
                    }
                }) }
            </fieldset>
            <ImportProbes />
            <fieldset disabled={locked}>
                <legend>{ tx(Msg::Languages) }</legend>
                { for s.probe_langs().into_iter().map(|l| html! {
                    <label class="check">
                        <input type="checkbox" data-testid={format!("lang-{}", l.tag())} checked={sel.langs.contains(&l)}
                            onchange={dispatch(Action::ToggleLang(l))} />
                        { l.label() }
                    </label>
                }) }
                <label class="check">
                    <input type="checkbox" data-testid="controls" checked={sel.controls} onchange={on_controls} />
                    { tx(Msg::Controls) }
                </label>
            </fieldset>
            <p class="count" data-testid="probe-count">
                { s.run_size_text() }
            </p>
        </section>
    }
}
