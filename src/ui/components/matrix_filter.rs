//! The bar above the matrix: filters (verdict, topic, language, probe kind, "models
//! disagree"), a search in prompts and replies, the order of the provider columns and the
//! text view. What it sets lives in the app's state, so the URL's fragment holds it.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::core::pack::{Lang, ProbeKind};
use crate::core::state::Action;
use crate::core::verdict::Label;
use crate::core::view::{topics, ColumnSort, MatrixView};
use crate::ui::use_app;

/// Props of [`FilterBar`].
#[derive(Properties, PartialEq)]
pub struct FilterBarProps {
    /// Probes the filters keep.
    pub shown: usize,
    /// Probes in the run.
    pub total: usize,
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
    let on = |testid: &'static str,
              text: &'static str,
              checked: bool,
              change: fn(&mut MatrixView, String)| {
        html! { <label><input type="checkbox" data-testid={testid} {checked} onchange={set(change)} />{ text }</label> }
    };
    let any = |title: &'static str| (AttrValue::Static(""), AttrValue::Static(title));
    let labels = Label::ALL.iter().map(|l| (l.key().into(), l.title().into()));
    let topics = app.0.run.as_ref().map(topics).unwrap_or_default();
    let topics = topics.into_iter().map(|(id, title)| (id.into(), title.into()));
    let langs = Lang::ALL.iter().map(|l| (l.tag().into(), l.name().into()));
    let kinds = ["sensitive", "control"].map(|k| (k.into(), k.into()));
    let kind = match m.kind {
        Some(ProbeKind::Sensitive) => "sensitive",
        Some(ProbeKind::Control) => "control",
        None => "",
    };
    let sorts = [any("as configured"), ("refusals".into(), "most refusals first".into())];
    html! {
        <div class="filters" role="search" aria-label="Filter the matrix" data-testid="filters">
            { choice("Verdict ", "filter-verdict", std::iter::once(any("any")).chain(labels).collect(),
                m.verdict.map_or("", |l| l.key()), set(|f, v| f.verdict = Label::ALL.into_iter().find(|l| l.key() == v))) }
            { choice("Topic ", "filter-topic", std::iter::once(any("all")).chain(topics).collect(),
                m.topic.as_deref().unwrap_or(""), set(|f, v| f.topic = (!v.is_empty()).then_some(v))) }
            { choice("Language ", "filter-lang", std::iter::once(any("all")).chain(langs).collect(),
                m.lang.map_or("", |l| l.tag()), set(|f, v| f.lang = Lang::from_tag(&v))) }
            { choice("Kind ", "filter-kind", std::iter::once(any("all")).chain(kinds).collect(), kind,
                set(|f, v| f.kind = match v.as_str() {
                    "sensitive" => Some(ProbeKind::Sensitive),
                    "control" => Some(ProbeKind::Control),
                    _ => None,
                })) }
            { on("filter-disagree", " models disagree", m.disagree, |f, v| f.disagree = v == "true") }
            <input type="search" data-testid="filter-search" placeholder="Search prompts and replies"
                aria-label="Search prompts and replies" value={m.query.clone()} oninput={on_search} />
            { choice("Columns ", "sort", sorts.into(), if m.sort == ColumnSort::Refusals { "refusals" } else { "" },
                set(|f, v| f.sort = if v == "refusals" { ColumnSort::Refusals } else { ColumnSort::Configured })) }
            { on("text-view", " first line of each reply", m.text, |f, v| f.text = v == "true") }
            <span class="muted small" data-testid="filter-count" role="status">{ format!("{} of {} probes", props.shown, props.total) }</span>
            if !m.shows_all() {
                <button class="btn small ghost" data-testid="filter-clear" onclick={clear}>{"Show all"}</button>
            }
        </div>
    }
}

/// A labelled drop-down of `options` (value, title), the one whose value is `selected` chosen:
/// one function draws every drop-down of the filter bar and of the detail view.
pub fn choice(
    label: &'static str,
    testid: &'static str,
    options: Vec<(AttrValue, AttrValue)>,
    selected: &str,
    onchange: Callback<Event>,
) -> Html {
    html! {
        <label>{ label }
            <select data-testid={testid} {onchange}>
                { for options.into_iter().map(|(value, title)| {
                    let on = value == selected;
                    html! { <option {value} selected={on}>{ title }</option> }
                }) }
            </select>
        </label>
    }
}
