//! Runs and reports: export the current run, re-open or delete saved runs, import results
//! from other tools, and compare two runs.

use wasm_bindgen_futures::spawn_local;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::core::i18n::{tf, tr, Msg};
use crate::core::persist::{usage_line, RunLine};
use crate::core::report::text::date;
use crate::core::report::{compare, source_labels, to_json, Comparison, ExportFormat, InputFormat, Report};
use crate::core::state::Action;
use crate::net::files::{download, read_text};
use crate::net::{now_ms, storage, tools};
use crate::ui::use_app;
use crate::ui::{tx, txf};

/// Reads a file as a run: a Candor report here, another tool's file in the tools worker (which
/// also judges its replies). Returns the report and the import's notice.
async fn open_file(kind: InputFormat, name: &str, text: &str) -> Result<(Report, Option<String>), String> {
    if kind == InputFormat::Report
        || (kind == InputFormat::Auto && InputFormat::detect(text) == InputFormat::Report)
    {
        return Report::from_json(text).map(|r| (r, None)).map_err(|e| format!("{name}: {e}"));
    }
    let answer = tools::open(kind, name, text).await?;
    let report = Report::from_json(&answer.text).map_err(|e| format!("{name}: {e}"))?;
    Ok((report, answer.notice))
}

/// The saved runs' lines and the storage usage line, as IndexedDB last answered.
#[derive(Default, PartialEq)]
struct SavedRuns {
    runs: Vec<RunLine>,
    usage: Option<String>,
}

/// The saved runs, read again when `refresh` changes and when the current run's status
/// changes (a run that ends has just been saved).
#[hook]
fn use_saved_runs(refresh: u32) -> UseStateHandle<SavedRuns> {
    let app = use_app();
    let saved = use_state(SavedRuns::default);
    let key = (refresh, app.0.run.as_ref().map(|r| (r.id.clone(), r.status)));
    {
        let (saved, app) = (saved.clone(), app.clone());
        use_effect_with(key, move |_| {
            spawn_local(async move {
                let runs = match storage::list_runs().await {
                    Ok(runs) => runs,
                    Err(e) => {
                        app.dispatch(Action::Notify(e.to_string()));
                        Vec::new()
                    }
                };
                let usage =
                    storage::estimate().await.map(|(used, quota, kept)| usage_line(used, quota, kept));
                saved.set(SavedRuns { runs, usage });
            });
        });
    }
    saved
}

/// The Runs & reports page.
#[component]
pub fn RunsPage() -> Html {
    let app = use_app();
    let refresh = use_state(|| 0u32);
    let saved = use_saved_runs(*refresh);
    let runs = &saved.runs;
    let kind = use_state(|| InputFormat::Auto);
    let comparison = use_state(|| None::<Result<Comparison, String>>);
    let pick_a = use_node_ref();
    let pick_b = use_node_ref();

    let export = |format: ExportFormat| {
        let app = app.clone();
        Callback::from(move |_: MouseEvent| {
            let Some(run) = app.0.run.as_ref() else { return };
            let report = Report::from_run(run, &app.0.pack_hash, &app.0.ledger, now_ms());
            let (name, json) = (format.file_name(&report), to_json(&report));
            let app = app.clone();
            spawn_local(async move {
                // The JSON file is the report itself; the other formats are rendered by the
                // tools worker.
                let file = match format {
                    ExportFormat::Json => Ok(json),
                    _ => tools::export(format, &json).await,
                };
                if let Err(e) = file.and_then(|file| download(&name, format.mime(), &file)) {
                    app.dispatch(Action::Notify(tf(Msg::ExportFailed, &[("error", &e)])));
                }
            });
        })
    };
    let open = |id: String| {
        let app = app.clone();
        Callback::from(move |_: MouseEvent| {
            let (app, id) = (app.clone(), id.clone());
            spawn_local(async move {
                match storage::load_run(&id).await {
                    Ok((report, run)) => app.dispatch(Action::OpenRun {
                        run,
                        source_labels: source_labels(&report),
                        notice: None,
                        ledger: report.ledger,
                        at_start: false,
                    }),
                    Err(e) => app.dispatch(Action::Notify(e.to_string())),
                }
            })
        })
    };
    let delete = |id: String| {
        let (app, refresh) = (app.clone(), refresh.clone());
        Callback::from(move |_: MouseEvent| {
            let (app, refresh, id) = (app.clone(), refresh.clone(), id.clone());
            spawn_local(async move {
                if let Err(e) = storage::delete_run(&id).await {
                    app.dispatch(Action::Notify(e.to_string()));
                }
                refresh.set(*refresh + 1);
            })
        })
    };
    let on_kind = {
        let kind = kind.clone();
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlSelectElement>().value();
            kind.set(value.parse().unwrap_or(InputFormat::Auto))
        })
    };
    let on_file = {
        let app = app.clone();
        let kind = *kind;
        Callback::from(move |e: Event| {
            let input = e.target_unchecked_into::<HtmlInputElement>();
            let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
            input.set_value("");
            let app = app.clone();
            spawn_local(async move {
                let name = file.name();
                let result = match read_text(&file).await {
                    Ok(text) => open_file(kind, &name, &text).await,
                    Err(e) => Err(e),
                };
                match result {
                    Ok((report, notice)) => {
                        app.dispatch(Action::OpenRun {
                            run: report.to_run(),
                            source_labels: source_labels(&report),
                            notice,
                            ledger: report.ledger.clone(),
                            at_start: false,
                        });
                    }
                    Err(e) => app.dispatch(Action::Notify(tf(Msg::NothingOpened, &[("error", &e)]))),
                }
            });
        })
    };
    let on_compare = {
        let comparison = comparison.clone();
        let (pick_a, pick_b) = (pick_a.clone(), pick_b.clone());
        Callback::from(move |_: MouseEvent| {
            let value = |r: &NodeRef| r.cast::<HtmlSelectElement>().map(|s| s.value()).unwrap_or_default();
            let (a, b) = (value(&pick_a), value(&pick_b));
            let comparison = comparison.clone();
            spawn_local(async move {
                if a == b {
                    return comparison.set(Some(Err(tr(Msg::ChooseTwo).to_string())));
                }
                let result = match (storage::load_run(&a).await, storage::load_run(&b).await) {
                    (Ok((ra, _)), Ok((rb, _))) => Ok(compare(&ra, &rb)),
                    (Err(e), _) | (_, Err(e)) => Err(e.to_string()),
                };
                comparison.set(Some(result));
            })
        })
    };
    let has_run = app.0.run.is_some();
    html! {
        <>
            <section class="panel" aria-labelledby="export-h">
                <h2 id="export-h">{ tx(Msg::ExportThisRun) }</h2>
                if has_run {
                    <p class="hint">{ tx(Msg::ExportHint) }</p>
                    <div class="row-buttons">
                        { for ExportFormat::ALL.into_iter().map(|f| html! {
                            <button class="btn" data-testid={format!("export-{}", f.extension())} onclick={export(f)}>{ f.title() }</button>
                        }) }
                    </div>
                } else {
                    <p class="muted">{ tx(Msg::NoRunExport) }</p>
                }
            </section>
            <section class="panel" aria-labelledby="saved-h">
                <h2 id="saved-h">{ txf(Msg::SavedRuns, &[("n", &runs.len())]) }</h2>
                <p class="hint">{ tx(Msg::SavedHint) }</p>
                if let Some(usage) = &saved.usage {
                    <p class="hint" data-testid="storage-usage">{ usage }</p>
                }
                if runs.is_empty() {
                    <p class="muted">{ tx(Msg::NoneYet) }</p>
                } else {
                    <table class="mix" data-testid="saved-runs">
                        <thead><tr><th>{ tx(Msg::Started) }</th><th>{ tx(Msg::SourceCol) }</th><th>{ tx(Msg::Providers) }</th><th class="num">{ tx(Msg::Cells) }</th><th></th></tr></thead>
                        <tbody>
                            { for runs.iter().map(|r| html! {
                                <tr data-testid="saved-run">
                                    <td>{ date(r.started_ms) }</td>
                                    <td>{ &r.source }</td>
                                    <td>{ r.providers.join(", ") }</td>
                                    <td class="num">{ if r.done == r.cells { r.cells.to_string() } else { tf(Msg::OfTotal, &[("n", &r.done), ("total", &r.cells)]) } }</td>
                                    <td class="row-buttons">
                                        <button class="btn small" data-testid="open-run" onclick={open(r.id.clone())}>{ tx(Msg::Open) }</button>
                                        <button class="btn small ghost" data-testid="delete-run" onclick={delete(r.id.clone())}>{ tx(Msg::Delete) }</button>
                                    </td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                }
            </section>
            <section class="panel" aria-labelledby="import-h">
                <h2 id="import-h">{ tx(Msg::OpenOrImport) }</h2>
                <p class="hint">{ tx(Msg::ImportResultsHint) }</p>
                <div class="row-buttons">
                    <select data-testid="import-kind" onchange={on_kind} aria-label={tr(Msg::FileFormat)}>
                        { for InputFormat::ALL.into_iter().map(|f| html! {
                            <option value={f.key()} selected={*kind == f}>{ f.title() }</option>
                        }) }
                    </select>
                    <input type="file" data-testid="import-file" accept=".json,.jsonl,application/json" onchange={on_file} aria-label={tr(Msg::FileToOpen)} />
                </div>
            </section>
            <section class="panel" aria-labelledby="compare-h">
                <h2 id="compare-h">{ tx(Msg::CompareRuns) }</h2>
                if runs.len() < 2 {
                    <p class="muted">{ tx(Msg::TwoRunsNeeded) }</p>
                } else {
                    <div class="row-buttons">
                        <select ref={pick_a} data-testid="compare-a" aria-label={tr(Msg::FirstRun)}>
                            { for runs.iter().enumerate().map(|(i, r)| html! { <option value={r.id.clone()} selected={i == 1}>{ format!("{} · {}", date(r.started_ms), r.providers.join(", ")) }</option> }) }
                        </select>
                        <span>{"→"}</span>
                        <select ref={pick_b} data-testid="compare-b" aria-label={tr(Msg::SecondRun)}>
                            { for runs.iter().enumerate().map(|(i, r)| html! { <option value={r.id.clone()} selected={i == 0}>{ format!("{} · {}", date(r.started_ms), r.providers.join(", ")) }</option> }) }
                        </select>
                        <button class="btn" data-testid="compare" onclick={on_compare}>{ tx(Msg::Compare) }</button>
                    </div>
                    { match &*comparison {
                        None => html! {},
                        Some(Err(e)) => html! { <p class="error-text">{ e }</p> },
                        Some(Ok(c)) => html! {
                            <div data-testid="comparison">
                                <p><strong>{ txf(Msg::ChangedOf, &[("n", &c.changed.len()), ("total", &c.compared)]) }</strong>
                                    { txf(Msg::OnlyIn, &[("a", &c.only_in_a.len()), ("b", &c.only_in_b.len())]) }</p>
                                if let Some(why) = c.why_nothing_compared() {
                                    <p class="notice" data-testid="nothing-compared">{ why }</p>
                                }
                                <table class="mix">
                                    <thead><tr><th>{ tx(Msg::ChangedByProvider) }</th><th class="num">{ tx(Msg::Changed) }</th><th class="num">{ tx(Msg::Compared) }</th></tr></thead>
                                    <tbody>{ for c.by_provider.iter().map(|k| html! { <tr><td>{ &k.key }</td><td class="num">{ k.changed }</td><td class="num">{ k.compared }</td></tr> }) }</tbody>
                                </table>
                                <table class="mix">
                                    <thead><tr><th>{ tx(Msg::ChangedByTopic) }</th><th class="num">{ tx(Msg::Changed) }</th><th class="num">{ tx(Msg::Compared) }</th></tr></thead>
                                    <tbody>{ for c.by_topic.iter().map(|k| html! { <tr><td>{ &k.key }</td><td class="num">{ k.changed }</td><td class="num">{ k.compared }</td></tr> }) }</tbody>
                                </table>
                                <table class="mix changes">
                                    <thead><tr><th>{ tx(Msg::Probe) }</th><th>{ tx(Msg::Provider) }</th><th>{ tx(Msg::Was) }</th><th>{ tx(Msg::Now) }</th></tr></thead>
                                    <tbody>{ for c.changed.iter().take(300).map(|ch| html! {
                                        <tr data-testid="change">
                                            <td>{ &ch.probe }</td><td>{ &ch.title }</td>
                                            <td><span class={classes!("chip", ch.from.key())}>{ ch.from.title() }</span></td>
                                            <td><span class={classes!("chip", ch.to.key())}>{ ch.to.title() }</span></td>
                                        </tr>
                                    }) }</tbody>
                                </table>
                            </div>
                        },
                    } }
                }
            </section>
        </>
    }
}
