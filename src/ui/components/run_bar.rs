//! Run and Cancel, with a progress bar: done of total, errors, time left; and, when browser
//! storage refused part of the run, a line that says so with an export.

use gloo_timers::callback::Interval;
use yew::prelude::*;

use crate::core::i18n::{tr, Msg};
use crate::core::progress::run_line;
use crate::core::run::MAX_SAMPLES;
use crate::core::state::{Action, ClassifierState};
use crate::net::now_ms;
use crate::ui::tx;
use crate::ui::use_app;

/// Props of [`RunBar`].
#[derive(Properties, PartialEq)]
pub struct RunBarProps {
    /// Starts a run.
    pub on_run: Callback<()>,
    /// Cancels the current run.
    pub on_cancel: Callback<()>,
    /// Sends the missing cells of a stopped run.
    pub on_resume: Callback<()>,
    /// What to say when browser storage refused part of the run, if it did.
    #[prop_or_default]
    pub storage_note: Option<String>,
    /// Shows where the run can be exported.
    pub on_export: Callback<()>,
}

/// The run controls and progress.
#[component]
pub fn RunBar(props: &RunBarProps) -> Html {
    let app = use_app();
    let running = app.0.running();
    // Re-render once a second while running so the time estimate moves.
    let tick = use_state(|| 0u32);
    {
        let tick = tick.clone();
        use_effect_with(running, move |&running| {
            let interval = running.then(|| Interval::new(1000, move || tick.set(tick.wrapping_add(1))));
            move || drop(interval)
        });
    }
    // Run disables its own button: focus moves to the progress it started, not to the page.
    // A run started elsewhere (the ad-hoc box) leaves focus where it is.
    let progress_ref = use_node_ref();
    {
        let progress_ref = progress_ref.clone();
        use_effect_with(running, move |&running| {
            let active = web_sys::window().and_then(|w| w.document()).and_then(|d| d.active_element());
            let here = active
                .is_none_or(|a| a.tag_name() == "BODY" || a.closest(".runbar").ok().flatten().is_some());
            if running && here {
                if let Some(el) = progress_ref.cast::<web_sys::HtmlElement>() {
                    let _ = el.focus();
                }
            }
        });
    }
    let on_run = props.on_run.reform(|_: MouseEvent| ());
    let on_cancel = props.on_cancel.reform(|_: MouseEvent| ());
    let on_resume = props.on_resume.reform(|_: MouseEvent| ());
    let on_export = props.on_export.reform(|_: MouseEvent| ());
    let progress = app.0.run.as_ref().map(|r| run_line(r, now_ms()));
    let on_samples = {
        let app = app.clone();
        Callback::from(move |e: Event| {
            let n = e.target_unchecked_into::<web_sys::HtmlInputElement>().value_as_number();
            app.dispatch(Action::SetSamples(if n.is_finite() { n as usize } else { 1 }))
        })
    };
    html! {
        <div class="runbar">
            <button class="btn primary" data-testid="run" onclick={on_run}
                disabled={running || app.0.classifier == ClassifierState::Loading}>
                { tx(if app.0.classifier == ClassifierState::Loading { Msg::LoadingClassifier } else { Msg::RunProbes }) }
            </button>
            <button class="btn" data-testid="cancel" onclick={on_cancel} disabled={!running}>{ tx(Msg::Cancel) }</button>
            <label class="samples">{ tx(Msg::SamplesPerProbe) }{" "}
                <input type="number" min="1" max={MAX_SAMPLES.to_string()} disabled={running}
                    value={app.0.samples.to_string()} onchange={on_samples} />
            </label>
            if progress.as_ref().is_some_and(|line| line.resumable) {
                <button class="btn" data-testid="resume" onclick={on_resume}>{ tx(Msg::Resume) }</button>
            }
            if let Some(line) = progress {
                <div class="progress" data-testid="progress" ref={progress_ref} tabindex="-1" data-done={line.progress.done.to_string()} data-total={line.progress.total.to_string()}
                    data-status={line.status}>
                    <progress class="bar" max={line.progress.total.max(1).to_string()} value={line.progress.done.to_string()} aria-label={tr(Msg::ProbesDone)}></progress>
                    <span class="figures" role="status">
                        { line.done }
                        if let Some(t) = line.in_flight { { t } }
                        if let Some(t) = line.errors { <span class="error-text">{ t }</span> }
                        if let Some(t) = line.waiting { <span data-testid="waiting">{ t }</span> }
                        { line.tail }
                    </span>
                </div>
            }
            if let Some(note) = &props.storage_note {
                <p class="storage-note error-text" role="alert" data-testid="storage-refused">
                    { note }
                    { " " }
                    <button class="btn small" data-testid="storage-export" onclick={on_export}>{ tx(Msg::ExportRun) }</button>
                </p>
            }
        </div>
    }
}
