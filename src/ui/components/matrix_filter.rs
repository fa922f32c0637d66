//! The bar above the matrix: filters (verdict, topic, language, probe kind, "models
//! disagree"), a search in prompts and replies, the order of the provider columns and the
//! text view. Its controls come from `core::view::MatrixView::controls`; what they set lives
//! in the app's state, so the URL's fragment holds it.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::core::i18n::{tf, tr, Msg};
use crate::core::run::Run;
use crate::core::state::Action;
use crate::ui::{tx, AppCtx};

/// The filter bar over `run`'s matrix, which shows `shown` of its probes. A function rather
/// than a component: it redraws with the matrix anyway, and a component's own machinery
/// would cost the first load more than the bar itself.
pub fn filter_bar(app: &AppCtx, run: &Run, shown: usize) -> Html {
    let m = &app.0.matrix;
    // Every control, a drop-down or a box, sets its field from its value the same way.
    let set = |key: &'static str| {
        let app = app.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let value = match input.type_().as_str() {
                "checkbox" => String::from(if input.checked() { "1" } else { "" }),
                _ => input.value(),
            };
            app.dispatch(Action::SetMatrixField(key, value));
        })
    };
    let on_search = {
        let app = app.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            app.dispatch(Action::SetMatrixField("q", input.value()));
        })
    };
    let clear = {
        let (app, cleared) = (app.clone(), m.cleared());
        Callback::from(move |_: MouseEvent| app.dispatch(Action::SetMatrix(cleared.clone())))
    };
    let controls = m.controls(run, &app.0.pack).into_iter().map(|c| {
        let testid = format!("filter-{}", c.key);
        if c.options.is_empty() {
            html! {
                <label><input type="checkbox" data-testid={testid} checked={c.value == "1"} onchange={set(c.key)} />{" "}{ c.label }</label>
            }
        } else {
            choice(c.label, testid, c.options, &c.value, set(c.key))
        }
    });
    html! {
        <div class="filters" role="search" aria-label={tr(Msg::FilterMatrix)} data-testid="filters">
            <input type="search" data-testid="filter-search" placeholder={tr(Msg::SearchPromptsReplies)}
                aria-label={tr(Msg::SearchPromptsReplies)} value={m.query.clone()} oninput={on_search} />
            { for controls }
            <span class="muted small" data-testid="filter-count" role="status">{ tf(Msg::ProbesShown, &[("shown", &shown), ("total", &run.probes.len())]) }</span>
            if !m.shows_all() {
                <button class="btn small ghost" data-testid="filter-clear" onclick={clear}>{ tx(Msg::ShowAll) }</button>
            }
        </div>
    }
}

/// A labelled drop-down of `options` (value, title), the one whose value is `selected` chosen:
/// one function draws every drop-down of the filter bar and of the detail view.
pub fn choice(
    label: &'static str,
    testid: String,
    options: Vec<(String, String)>,
    selected: &str,
    onchange: Callback<Event>,
) -> Html {
    html! {
        <label>{ label }{" "}
            <select data-testid={testid} {onchange}>
                { for options.into_iter().map(|(value, title)| {
                    let on = value == selected;
                    html! { <option {value} selected={on}>{ title }</option> }
                }) }
            </select>
        </label>
    }
}
