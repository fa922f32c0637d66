//! Run and Cancel, with a progress bar: done of total, errors, time left.

use gloo_timers::callback::Interval;
use yew::prelude::*;

use crate::core::run::RunStatus;
use crate::core::state::ClassifierState;
use crate::net::now_ms;
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
}

fn duration(ms: f64) -> String {
    let s = (ms / 1000.0).round() as u64;
    if s >= 60 {
        format!("{} min {} s", s / 60, s % 60)
    } else {
        format!("{s} s")
    }
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
    let on_run = props.on_run.reform(|_: MouseEvent| ());
    let on_cancel = props.on_cancel.reform(|_: MouseEvent| ());
    let on_resume = props.on_resume.reform(|_: MouseEvent| ());
    let progress =
        app.0.run.as_ref().map(|r| (r.progress(now_ms()), r.status, r.ended_ms.map(|e| e - r.started_ms)));
    html! {
        <div class="runbar">
            <button class="btn primary" data-testid="run" onclick={on_run}
                disabled={running || app.0.classifier == ClassifierState::Loading}>
                { if app.0.classifier == ClassifierState::Loading { "Loading classifier…" } else { "Run probes" } }
            </button>
            <button class="btn" data-testid="cancel" onclick={on_cancel} disabled={!running}>{"Cancel"}</button>
            if progress.as_ref().is_some_and(|(p, status, _)| *status == RunStatus::Cancelled && p.done < p.total) {
                <button class="btn" data-testid="resume" onclick={on_resume}>{"Resume"}</button>
            }
            if let Some((p, status, took)) = progress {
                <div class="progress" data-testid="progress" data-done={p.done.to_string()} data-total={p.total.to_string()}
                    data-status={format!("{status:?}").to_lowercase()}>
                    <progress class="bar" max={p.total.max(1).to_string()} value={p.done.to_string()} aria-label="Probes done"></progress>
                    <span class="figures">
                        { format!("{} / {} done", p.done, p.total) }
                        if p.running > 0 { { format!(" · {} in flight", p.running) } }
                        if p.errors > 0 { <span class="error-text">{ format!(" · {} errors", p.errors) }</span> }
                        if let Some(w) = p.waiting { <span data-testid="waiting">{ format!(" · {}", w.text(now_ms())) }</span> }
                        { match (status, p.eta_ms, took) {
                            (RunStatus::Running, Some(eta), _) => format!(" · about {} left", duration(eta)),
                            (RunStatus::Running, None, _) => " · estimating time left…".to_string(),
                            (RunStatus::Cancelled, _, _) => " · cancelled; finished replies are kept".to_string(),
                            (RunStatus::Finished, _, Some(t)) => format!(" · finished in {}", duration(t)),
                            (RunStatus::Finished, _, None) => " · finished".to_string(),
                        } }
                    </span>
                </div>
            }
        </div>
    }
}
