//! The results matrix: probes down (grouped by topic), providers across, one verdict per cell.

use yew::prelude::*;

use crate::core::matrix::{cell_view, rows, short, CellView, Row};
use crate::core::run::CellId;
use crate::core::state::Action;
use crate::core::verdict::Label;
use crate::ui::use_app;

/// The matrix of the current run, or a short guide when there is none.
#[component]
pub fn Matrix() -> Html {
    let app = use_app();
    let registry = app.0.registry.clone();
    let Some(run) = app.0.run.as_ref() else {
        return html! {
            <div class="empty" data-testid="empty">
                <h2>{"No run yet"}</h2>
                <p>{"Press "}<strong>{"Run probes"}</strong>{" to ask the chosen probes of every enabled provider. \
                    The Demo provider is simulated and needs no network, so you can try it at once; add DeepSeek, \
                    OpenAI, OpenRouter or a local Ollama server on the left to probe real models."}</p>
            </div>
        };
    };
    let open = |probe_id: String| {
        let app = app.clone();
        Callback::from(move |_: MouseEvent| app.dispatch(Action::OpenDetail(probe_id.clone())))
    };
    let cols = run.providers.len();
    let rows = rows(run, &app.0.pack).into_iter().map(|row| match row {
        Row::Topic { name, note, control } => html! {
            <tr class={classes!("group", control.then_some("control"))}>
                <th colspan={(cols + 1).to_string()} scope="rowgroup">
                    { name } <span class="muted">{ format!(" · {note}") }</span>
                </th>
            </tr>
        },
        Row::Probe(pi) => {
            let probe = &run.probes[pi];
            let cells = (0..cols).map(|col| {
                let testid = format!("cell-{}-{col}", probe.id);
                match cell_view(run.cell(CellId { probe: pi, provider: col })) {
                    CellView::Done { label, confidence, strength, meta, title } => html! {
                        <td class={classes!("cell", label.key())}>
                            <button data-testid={testid} data-verdict={label.key()} onclick={open(probe.id.clone())} {title}>
                                <span class="v">{ label.title() }</span>
                                <span class={classes!("conf", strength.class())}>{ confidence }</span>
                                <span class="meta">{ meta }</span>
                            </button>
                        </td>
                    },
                    CellView::Streaming { meta } => html! {
                        <td class="cell running">
                            <button data-testid={testid} data-verdict="running" onclick={open(probe.id.clone())}>
                                <span class="v">{"streaming"}</span>
                                <span class="meta">{ meta }</span>
                            </button>
                        </td>
                    },
                    CellView::Queued => html! {
                        <td class="cell pending" data-testid={testid} data-verdict="pending"><span class="meta">{"queued"}</span></td>
                    },
                }
            });
            html! {
                <tr>
                    <th scope="row" class="probe" title={probe.prompt.clone()} lang={probe.lang.tag()}>
                        <span class="lang" title={probe.lang.name()}>{ probe.lang.label() }</span>
                        <span class="q">{ short(&probe.prompt, 70) }</span>
                    </th>
                    { for cells }
                </tr>
            }
        }
    });
    html! {
        <div class="matrix-wrap">
            <div class="legend" aria-label="Verdict colours">
                { for Label::ALL.iter().map(|l| html! { <span class={classes!("chip", l.key())}>{ l.title() }</span> }) }
            </div>
            <table class="matrix" data-testid="matrix">
                <thead>
                    <tr>
                        <th scope="col">{"Probe"}</th>
                        { for run.providers.iter().enumerate().map(|(i, p)| html! {
                            <th scope="col" data-testid={format!("col-{i}")}>
                                <div class="col-title">{ &p.title }</div>
                                if p.simulated { <span class="badge sim">{"simulated"}</span> }
                                else {
                                    <div class="muted small" data-testid={format!("dest-{i}")}
                                        title="Where this provider's requests go">{ registry.place(&p.base_url).label() }</div>
                                }
                            </th>
                        }) }
                    </tr>
                </thead>
                <tbody>{ for rows }</tbody>
            </table>
        </div>
    }
}
