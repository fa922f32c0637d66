//! The matrix's filters: verdict, topic, language, probe kind, "models disagree", and a search
//! in prompts and replies. They live in the app's state, so the URL's fragment holds them.

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::core::pack::{Lang, ProbeKind};
use crate::core::state::Action;
use crate::core::verdict::Label;
use crate::core::view::MatrixFilter;
use crate::ui::use_app;

/// The filter bar above the matrix; `shown` of `total` probes pass the filters.
#[derive(Properties, PartialEq)]
pub struct FilterBarProps {
    /// Probes shown.
    pub shown: usize,
    /// Probes in the run.
    pub total: usize,
}

/// The filter bar.
#[component]
pub fn FilterBar(props: &FilterBarProps) -> Html {
    let app = use_app();
    let filter = app.0.filter.clone();
    let set = {
        let app = app.clone();
        let filter = filter.clone();
        move |change: fn(&mut MatrixFilter, String)| {
            let (app, filter) = (app.clone(), filter.clone());
            Callback::from(move |e: Event| {
                let value = e
                    .target_dyn_into::<HtmlSelectElement>()
                    .map(|s| s.value())
                    .or_else(|| {
                        e.target_dyn_into::<HtmlInputElement>().map(|i| {
                            if i.type_() == "checkbox" {
                                i.checked().to_string()
                            } else {
                                i.value()
                            }
                        })
                    })
                    .unwrap_or_default();
                let mut next = filter.clone();
                change(&mut next, value);
                app.dispatch(Action::SetFilter(next));
            })
        }
    };
    let on_search = {
        let (app, filter) = (app.clone(), filter.clone());
        Callback::from(move |e: InputEvent| {
            let Some(input) = e.target_dyn_into::<HtmlInputElement>() else { return };
            app.dispatch(Action::SetFilter(MatrixFilter { query: input.value(), ..filter.clone() }));
        })
    };
    let clear = {
        let app = app.clone();
        Callback::from(move |_: MouseEvent| app.dispatch(Action::SetFilter(MatrixFilter::default())))
    };
    let verdict = filter.verdicts.iter().next().map_or("", |l| l.key());
    let mut topics: Vec<(String, String)> = Vec::new();
    if let Some(run) = &app.0.run {
        for p in &run.probes {
            if !topics.iter().any(|(id, _)| *id == p.topic) {
                topics.push((p.topic.clone(), run.topic_title(&p.topic).to_string()));
            }
        }
    }
    html! {
        <div class="filters" role="search" aria-label="Filter the matrix" data-testid="filters">
            <label>{"Verdict "}
                <select data-testid="filter-verdict" onchange={set(|f, v| f.verdicts = Label::ALL.into_iter().filter(|l| l.key() == v).collect())}>
                    <option value="" selected={verdict.is_empty()}>{"any"}</option>
                    { for Label::ALL.iter().map(|l| html! { <option value={l.key()} selected={verdict == l.key()}>{ l.title() }</option> }) }
                </select>
            </label>
            <label>{"Topic "}
                <select data-testid="filter-topic" onchange={set(|f, v| f.topic = (!v.is_empty()).then_some(v))}>
                    <option value="" selected={filter.topic.is_none()}>{"all"}</option>
                    { for topics.iter().map(|(id, title)| html! {
                        <option value={id.clone()} selected={filter.topic.as_deref() == Some(id.as_str())}>{ title }</option>
                    }) }
                </select>
            </label>
            <label>{"Language "}
                <select data-testid="filter-lang" onchange={set(|f, v| f.lang = Lang::from_tag(&v))}>
                    <option value="" selected={filter.lang.is_none()}>{"all"}</option>
                    { for Lang::ALL.iter().map(|l| html! { <option value={l.tag()} selected={filter.lang == Some(*l)}>{ l.name() }</option> }) }
                </select>
            </label>
            <label>{"Kind "}
                <select data-testid="filter-kind" onchange={set(|f, v| f.kind = match v.as_str() {
                    "sensitive" => Some(ProbeKind::Sensitive),
                    "control" => Some(ProbeKind::Control),
                    _ => None,
                })}>
                    <option value="" selected={filter.kind.is_none()}>{"all"}</option>
                    <option value="sensitive" selected={filter.kind == Some(ProbeKind::Sensitive)}>{"sensitive"}</option>
                    <option value="control" selected={filter.kind == Some(ProbeKind::Control)}>{"control"}</option>
                </select>
            </label>
            <label><input type="checkbox" data-testid="filter-disagree" checked={filter.disagree}
                onchange={set(|f, v| f.disagree = v == "true")} />{" models disagree"}</label>
            <input type="search" data-testid="filter-search" placeholder="Search prompts and replies" aria-label="Search prompts and replies"
                value={filter.query.clone()} oninput={on_search} />
            <span class="muted small" data-testid="filter-count" role="status">{ format!("{} of {} probes", props.shown, props.total) }</span>
            if !filter.is_empty() {
                <button class="btn small ghost" data-testid="filter-clear" onclick={clear}>{"Show all"}</button>
            }
        </div>
    }
}
