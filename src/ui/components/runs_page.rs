//! Runs and reports: export the current run, re-open or delete saved runs, import results
//! from other tools, and compare two runs.

use std::collections::BTreeMap;

use wasm_bindgen_futures::spawn_local;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::core::report::schema::SourceKind;
use crate::core::report::{
    compare, detect_results, import_promptfoo, import_speechmap, to_csv, to_html, to_json, to_markdown,
    Comparison, Report,
};
use crate::core::state::Action;
use crate::net::files::{download, read_text};
use crate::net::{now_ms, storage};
use crate::ui::use_app;

fn date(ms: f64) -> String {
    let iso = String::from(js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms)).to_iso_string());
    iso.get(..16).map_or(iso.clone(), |d| d.replace('T', " ")) + " UTC"
}

/// What a picked file is read as.
#[derive(Clone, Copy, PartialEq)]
enum FileKind {
    Auto,
    Report,
    SpeechMap,
    Promptfoo,
}

/// Turns a file's text into a run to show; the state is untouched when it fails.
/// A file opened: its report, the rows left out and the notes on rows kept.
type Opened = (Report, Vec<(String, String)>, Vec<(String, String)>);

fn open_file(kind: FileKind, name: &str, text: &str) -> Result<Opened, String> {
    let kind = if kind == FileKind::Auto { detect(text) } else { kind };
    let imported = |i: crate::core::report::Imported| (i.report, i.skipped, i.notes);
    match kind {
        FileKind::Report | FileKind::Auto => {
            Report::from_json(text).map(|r| (r, Vec::new(), Vec::new())).map_err(|e| format!("{name}: {e}"))
        }
        FileKind::SpeechMap => import_speechmap(text, name).map(imported).map_err(|e| format!("{name}: {e}")),
        FileKind::Promptfoo => import_promptfoo(text, name).map(imported).map_err(|e| format!("{name}: {e}")),
    }
}

/// The notice after an import: rows left out, then parts of rows ignored, three of each
/// at most.
fn import_notice(name: &str, skipped: &[(String, String)], notes: &[(String, String)]) -> Option<String> {
    let list = |items: &[(String, String)]| {
        let first: Vec<String> = items.iter().take(3).map(|(at, why)| format!("{at}: {why}")).collect();
        format!("{}{}", first.join("; "), if items.len() > 3 { "; …" } else { "" })
    };
    let mut parts = Vec::new();
    if !skipped.is_empty() {
        parts.push(format!(
            "{} rows could not be read and were left out ({}).",
            skipped.len(),
            list(skipped)
        ));
    }
    if !notes.is_empty() {
        parts.push(format!("{} rows were kept with a field ignored ({}).", notes.len(), list(notes)));
    }
    (!parts.is_empty()).then(|| format!("{name}: {}", parts.join(" ")))
}

/// The format of a file picked with "automatic" (see [`detect_results`]).
fn detect(text: &str) -> FileKind {
    match detect_results(text) {
        SourceKind::Candor => FileKind::Report,
        SourceKind::Speechmap => FileKind::SpeechMap,
        SourceKind::Promptfoo => FileKind::Promptfoo,
    }
}

fn labels_of(report: &Report) -> BTreeMap<(String, String), String> {
    report
        .results
        .iter()
        .filter_map(|r| r.source_label.clone().map(|l| ((r.probe.clone(), r.provider.clone()), l)))
        .collect()
}

/// The Runs & reports page.
#[component]
pub fn RunsPage() -> Html {
    let app = use_app();
    let refresh = use_state(|| 0u32);
    let runs = storage::list_runs();
    let kind = use_state(|| FileKind::Auto);
    let comparison = use_state(|| None::<Result<Comparison, String>>);
    let pick_a = use_node_ref();
    let pick_b = use_node_ref();

    let export = |format: &'static str| {
        let app = app.clone();
        Callback::from(move |_: MouseEvent| {
            let Some(run) = app.0.run.as_ref() else { return };
            let report = Report::from_run(run, &app.0.pack_hash, &app.0.ledger, now_ms());
            let stem = format!("candor-{}", run.id);
            let (name, mime, body) = match format {
                "csv" => (format!("{stem}.csv"), "text/csv;charset=utf-8", to_csv(&report)),
                "md" => (format!("{stem}.md"), "text/markdown;charset=utf-8", to_markdown(&report)),
                "html" => (format!("{stem}.html"), "text/html;charset=utf-8", to_html(&report)),
                _ => (format!("{stem}.json"), "application/json", to_json(&report)),
            };
            if let Err(e) = download(&name, mime, &body) {
                app.dispatch(Action::Notify(format!("The export could not be saved: {e}")));
            }
        })
    };
    let open = |id: String| {
        let app = app.clone();
        Callback::from(move |_: MouseEvent| match storage::load_run(&id) {
            Ok((report, run)) => app.dispatch(Action::OpenRun {
                run,
                source_labels: labels_of(&report),
                notice: None,
                ledger: report.ledger.clone(),
            }),
            Err(e) => app.dispatch(Action::Notify(e)),
        })
    };
    let delete = |id: String| {
        let refresh = refresh.clone();
        Callback::from(move |_: MouseEvent| {
            storage::delete_run(&id);
            refresh.set(*refresh + 1);
        })
    };
    let on_kind = {
        let kind = kind.clone();
        Callback::from(move |e: Event| {
            kind.set(match e.target_unchecked_into::<HtmlSelectElement>().value().as_str() {
                "speechmap" => FileKind::SpeechMap,
                "promptfoo" => FileKind::Promptfoo,
                "report" => FileKind::Report,
                _ => FileKind::Auto,
            })
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
                    Ok(text) => open_file(kind, &name, &text),
                    Err(e) => Err(e),
                };
                match result {
                    Ok((report, skipped, notes)) => {
                        let notice = import_notice(&name, &skipped, &notes);
                        let labels = labels_of(&report);
                        app.dispatch(Action::OpenRun {
                            run: report.to_run(),
                            source_labels: labels,
                            notice,
                            ledger: report.ledger.clone(),
                        });
                    }
                    Err(e) => app.dispatch(Action::Notify(format!("Nothing was opened. {e}"))),
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
            let result = match (storage::load_run(&a), storage::load_run(&b)) {
                (Ok((ra, _)), Ok((rb, _))) if a != b => Ok(compare(&ra, &rb)),
                (Ok(_), Ok(_)) => Err("Choose two different runs.".to_string()),
                (Err(e), _) | (_, Err(e)) => Err(e),
            };
            comparison.set(Some(result));
        })
    };
    let has_run = app.0.run.is_some();
    html! {
        <>
            <section class="panel" aria-labelledby="export-h">
                <h2 id="export-h">{"Export this run"}</h2>
                if has_run {
                    <p class="hint">{"JSON keeps everything (replies, reasoning, verdicts with evidence, timings, the request ledger) \
                        and can be opened again here; CSV opens in a spreadsheet with Chinese intact; Markdown and HTML are for \
                        people (the HTML page is one self-contained file that works with scripts off and prints well). \
                        API keys are never included."}</p>
                    <div class="row-buttons">
                        <button class="btn" data-testid="export-json" onclick={export("json")}>{"JSON"}</button>
                        <button class="btn" data-testid="export-csv" onclick={export("csv")}>{"CSV"}</button>
                        <button class="btn" data-testid="export-md" onclick={export("md")}>{"Markdown"}</button>
                        <button class="btn" data-testid="export-html" onclick={export("html")}>{"HTML report"}</button>
                    </div>
                } else {
                    <p class="muted">{"No run yet: run the probes, or open a saved run below."}</p>
                }
            </section>
            <section class="panel" aria-labelledby="saved-h">
                <h2 id="saved-h">{ format!("Saved runs ({})", runs.len()) }</h2>
                <p class="hint">{"Every reply is saved in this browser as it arrives; a run interrupted by a reload can be \
                    opened and resumed."}</p>
                if runs.is_empty() {
                    <p class="muted">{"None yet."}</p>
                } else {
                    <table class="mix" data-testid="saved-runs">
                        <thead><tr><th>{"Started"}</th><th>{"Source"}</th><th>{"Providers"}</th><th class="num">{"Cells"}</th><th></th></tr></thead>
                        <tbody>
                            { for runs.iter().map(|r| html! {
                                <tr data-testid="saved-run">
                                    <td>{ date(r.started_ms) }</td>
                                    <td>{ &r.source }</td>
                                    <td>{ r.providers.join(", ") }</td>
                                    <td class="num">{ r.cells }</td>
                                    <td class="row-buttons">
                                        <button class="btn small" data-testid="open-run" onclick={open(r.id.clone())}>{"Open"}</button>
                                        <button class="btn small ghost" data-testid="delete-run" onclick={delete(r.id.clone())}>{"Delete"}</button>
                                    </td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                }
            </section>
            <section class="panel" aria-labelledby="import-h">
                <h2 id="import-h">{"Open a report or import results"}</h2>
                <p class="hint">{"A Candor report (JSON) opens as it was saved. SpeechMap analysis files (JSONL) and promptfoo \
                    results (JSON) are judged again by Candor's classifier, with the file's own label shown beside each verdict. \
                    A file that cannot be read changes nothing."}</p>
                <div class="row-buttons">
                    <select data-testid="import-kind" onchange={on_kind} aria-label="File format">
                        <option value="auto" selected={*kind == FileKind::Auto}>{"Recognise the format"}</option>
                        <option value="report" selected={*kind == FileKind::Report}>{"Candor report (.json)"}</option>
                        <option value="speechmap" selected={*kind == FileKind::SpeechMap}>{"SpeechMap analysis (.jsonl)"}</option>
                        <option value="promptfoo" selected={*kind == FileKind::Promptfoo}>{"promptfoo results (.json)"}</option>
                    </select>
                    <input type="file" data-testid="import-file" accept=".json,.jsonl,application/json" onchange={on_file} aria-label="File to open" />
                </div>
            </section>
            <section class="panel" aria-labelledby="compare-h">
                <h2 id="compare-h">{"Compare two runs"}</h2>
                if runs.len() < 2 {
                    <p class="muted">{"Two saved runs are needed."}</p>
                } else {
                    <div class="row-buttons">
                        <select ref={pick_a} data-testid="compare-a" aria-label="First run">
                            { for runs.iter().enumerate().map(|(i, r)| html! { <option value={r.id.clone()} selected={i == 1}>{ format!("{} · {}", date(r.started_ms), r.providers.join(", ")) }</option> }) }
                        </select>
                        <span>{"→"}</span>
                        <select ref={pick_b} data-testid="compare-b" aria-label="Second run">
                            { for runs.iter().enumerate().map(|(i, r)| html! { <option value={r.id.clone()} selected={i == 0}>{ format!("{} · {}", date(r.started_ms), r.providers.join(", ")) }</option> }) }
                        </select>
                        <button class="btn" data-testid="compare" onclick={on_compare}>{"Compare"}</button>
                    </div>
                    { match &*comparison {
                        None => html! {},
                        Some(Err(e)) => html! { <p class="error-text">{ e }</p> },
                        Some(Ok(c)) => html! {
                            <div data-testid="comparison">
                                <p><strong>{ format!("{} of {} cells changed verdict", c.changed.len(), c.compared) }</strong>
                                    { format!(" · {} only in the first run, {} only in the second", c.only_in_a.len(), c.only_in_b.len()) }</p>
                                <table class="mix">
                                    <thead><tr><th>{"Changed by provider"}</th><th class="num">{"changed"}</th><th class="num">{"compared"}</th></tr></thead>
                                    <tbody>{ for c.by_provider.iter().map(|k| html! { <tr><td>{ &k.key }</td><td class="num">{ k.changed }</td><td class="num">{ k.compared }</td></tr> }) }</tbody>
                                </table>
                                <table class="mix">
                                    <thead><tr><th>{"Changed by topic"}</th><th class="num">{"changed"}</th><th class="num">{"compared"}</th></tr></thead>
                                    <tbody>{ for c.by_topic.iter().map(|k| html! { <tr><td>{ &k.key }</td><td class="num">{ k.changed }</td><td class="num">{ k.compared }</td></tr> }) }</tbody>
                                </table>
                                <table class="mix changes">
                                    <thead><tr><th>{"Probe"}</th><th>{"Provider"}</th><th>{"Was"}</th><th>{"Now"}</th></tr></thead>
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
