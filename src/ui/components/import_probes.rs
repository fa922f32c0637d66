//! Importing probe lists: promptfoo CSV, SpeechMap question files, or plain text (one probe
//! a line). The user names the topic, and the language where the file does not say.

use wasm_bindgen_futures::spawn_local;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::core::i18n::{tf, tr, Msg};
use crate::core::pack::{Lang, Probe};
use crate::core::persist::via_value;
use crate::core::state::Action;
use crate::net::files::read_text;
use crate::net::tools;
use crate::ui::tx;
use crate::ui::use_app;

/// Reads a probe list in the tools worker (see [`crate::core::tools::read_probe_list`]).
async fn parse(name: &str, text: &str, topic: &str, lang: Option<Lang>) -> Result<Vec<Probe>, String> {
    let json = tools::probes(name, text, topic, lang).await?;
    via_value(&json).ok_or_else(|| format!("{name}: the probes could not be read back"))
}

/// The options of a probe language choice: `none` (the language the text shows), then each
/// language; `chosen` is selected. The ad-hoc box shares them.
pub fn lang_options(none: Msg, chosen: Option<Lang>) -> Html {
    html! {
        <>
            <option value="" selected={chosen.is_none()}>{ tx(none) }</option>
            { for Lang::ALL.iter().map(|l| html! { <option value={l.tag()} selected={chosen == Some(*l)}>{ l.label() }</option> }) }
        </>
    }
}

/// The "import probes" form under the topic list.
#[component]
pub fn ImportProbes() -> Html {
    let app = use_app();
    let topic = use_state(|| tr(Msg::MyProbes).to_string());
    let lang = use_state(|| None::<Lang>);
    let on_topic = {
        let topic = topic.clone();
        Callback::from(move |e: InputEvent| topic.set(e.target_unchecked_into::<HtmlInputElement>().value()))
    };
    let on_lang = {
        let lang = lang.clone();
        Callback::from(move |e: Event| {
            lang.set(Lang::from_tag(&e.target_unchecked_into::<HtmlSelectElement>().value()))
        })
    };
    let on_file = {
        let app = app.clone();
        let (topic, lang) = ((*topic).clone(), *lang);
        Callback::from(move |e: Event| {
            let input = e.target_unchecked_into::<HtmlInputElement>();
            let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
            input.set_value("");
            let (app, topic) = (app.clone(), topic.trim().to_string());
            spawn_local(async move {
                let name = file.name();
                let topic = if topic.is_empty() { tr(Msg::MyProbes).to_string() } else { topic };
                let probes = match read_text(&file).await {
                    Ok(text) => parse(&name, &text, &topic, lang).await,
                    Err(e) => Err(e),
                };
                match probes {
                    Ok(probes) => {
                        let n = probes.len();
                        app.dispatch(Action::ImportProbes(probes));
                        app.dispatch(Action::Notify(tf(Msg::Imported, &[("file", &name), ("n", &n)])));
                    }
                    Err(e) => app.dispatch(Action::Notify(tf(Msg::NothingImported, &[("error", &e)]))),
                }
            });
        })
    };
    html! {
        <details class="import-probes">
            <summary>{ tx(Msg::ImportProbes) }</summary>
            <p class="hint">{ tx(Msg::ImportHint) }</p>
            <div class="fields">
                <label for="import-topic">{ tx(Msg::Topic) }</label>
                <input id="import-topic" data-testid="import-topic" value={(*topic).clone()} oninput={on_topic} />
                <label for="import-lang">{ tx(Msg::Language) }</label>
                <select id="import-lang" data-testid="import-lang" onchange={on_lang}>
                    { lang_options(Msg::AsFileSays, *lang) }
                </select>
                <label for="import-probes-file">{ tx(Msg::File) }</label>
                <input id="import-probes-file" type="file" data-testid="import-probes" accept=".csv,.jsonl,.txt,text/plain" onchange={on_file} />
            </div>
        </details>
    }
}
