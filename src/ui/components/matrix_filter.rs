//! The bar above the matrix: filters (verdict, topic, language, probe kind, "models
//! disagree"), a search in prompts and replies, the order of the provider columns and the
//! text view. What it sets lives in the app's state, so the URL's fragment holds it.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::core::pack::{Lang, ProbeKind};
use crate::core::state::Action;
use crate::core::verdict::Label;
use crate::core::view::{ColumnSort, MatrixView};
use crate::ui::use_app;

/// Props of [`FilterBar`].
#[derive(Properties, PartialEq)]
pub struct FilterBarProps {
    /// Probes the filters keep.
    pub shown: usize,
    /// Probes in the run.
    pub total: usize,
    /// The run's topics, as (id, title), in run order.
    pub topics: Vec<(String, String)>,
}

/// The filter bar.
#[component]
pub fn FilterBar(props: &FilterBarProps) -> Html {
    let app = use_app();
    let m = app.0.matrix.clone();
    // Every control reads its value (a select's or a box's) the same way and changes one
    // field of the view.
    let set = |change: fn(&mut MatrixView, String)| {
        let (app, m) = (app.clone(), m.clone());
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let value = if input.type_() == "checkbox" { input.checked().to_string() } else { input.value() };
            let mut next = m.clone();
            change(&mut next, value);
            app.dispatch(Action::SetMatrix(next));
        })
    };
    let on_search = {
        let (app, m) = (app.clone(), m.clone());
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            app.dispatch(Action::SetMatrix(MatrixView { query: input.value(), ..m.clone() }));
        })
    };
    let clear = {
        let (app, m) = (app.clone(), m.clone());
        Callback::from(move |_: MouseEvent| app.dispatch(Action::SetMatrix(m.cleared())))
    };
    let option = |value: &'static str, title: &'static str, on: bool| {
        html! { <option {value} selected={on}>{ title }</option> }
    };
    html! {
        <div class="filters" role="search" aria-label="Filter the matrix" data-testid="filters">
            <label>{"Verdict "}
                <select data-testid="filter-verdict" onchange={set(|f, v| f.verdict = Label::ALL.into_iter().find(|l| l.key() == v))}>
                    { option("", "any", m.verdict.is_none()) }
                    { for Label::ALL.iter().map(|l| option(l.key(), l.title(), m.verdict == Some(*l))) }
                </select>
            </label>
            <label>{"Topic "}
                <select data-testid="filter-topic" onchange={set(|f, v| f.topic = (!v.is_empty()).then_some(v))}>
                    { option("", "all", m.topic.is_none()) }
                    { for props.topics.iter().map(|(id, title)| html! {
                        <option value={id.clone()} selected={m.topic.as_deref() == Some(id.as_str())}>{ title }</option>
                    }) }
                </select>
            </label>
            <label>{"Language "}
                <select data-testid="filter-lang" onchange={set(|f, v| f.lang = Lang::from_tag(&v))}>
                    { option("", "all", m.lang.is_none()) }
                    { for Lang::ALL.iter().map(|l| option(l.tag(), l.name(), m.lang == Some(*l))) }
                </select>
            </label>
            <label>{"Kind "}
                <select data-testid="filter-kind" onchange={set(|f, v| f.kind = match v.as_str() {
                    "sensitive" => Some(ProbeKind::Sensitive),
                    "control" => Some(ProbeKind::Control),
                    _ => None,
                })}>
                    { option("", "all", m.kind.is_none()) }
                    { option("sensitive", "sensitive", m.kind == Some(ProbeKind::Sensitive)) }
                    { option("control", "control", m.kind == Some(ProbeKind::Control)) }
                </select>
            </label>
            <label><input type="checkbox" data-testid="filter-disagree" checked={m.disagree}
                onchange={set(|f, v| f.disagree = v == "true")} />{" models disagree"}</label>
            <input type="search" data-testid="filter-search" placeholder="Search prompts and replies"
                aria-label="Search prompts and replies" value={m.query.clone()} oninput={on_search} />
            <label>{"Columns "}
                <select data-testid="sort" onchange={set(|f, v| f.sort = if v == "refusals" { ColumnSort::Refusals } else { ColumnSort::Configured })}>
                    { option("", "as configured", m.sort == ColumnSort::Configured) }
                    { option("refusals", "most refusals first", m.sort == ColumnSort::Refusals) }
                </select>
            </label>
            <label><input type="checkbox" data-testid="text-view" checked={m.text}
                onchange={set(|f, v| f.text = v == "true")} />{" first line of each reply"}</label>
            <span class="muted small" data-testid="filter-count" role="status">{ format!("{} of {} probes", props.shown, props.total) }</span>
            if !m.shows_all() {
                <button class="btn small ghost" data-testid="filter-clear" onclick={clear}>{"Show all"}</button>
            }
        </div>
    }
}
