//! The results matrix: probes down (grouped by topic), providers across, one verdict per cell.

use yew::prelude::*;

use crate::core::pack::ProbeKind;
use crate::core::run::{Cell, CellId};
use crate::core::state::Action;
use crate::core::verdict::Label;
use crate::ui::use_app;

fn short(text: &str, max: usize) -> String {
    let mut out: String = text.chars().take(max).collect();
    if text.chars().count() > max {
        out.push('…');
    }
    out
}

fn size(chars: usize) -> String {
    if chars >= 1000 {
        format!("{:.1}k", chars as f64 / 1000.0)
    } else {
        chars.to_string()
    }
}

/// A class for the confidence figure: the page's CSP forbids inline styles, so the
/// emphasis comes in three steps from the stylesheet.
fn confidence_class(c: f32) -> &'static str {
    if c >= 0.8 {
        "conf-high"
    } else if c >= 0.6 {
        "conf-mid"
    } else {
        "conf-low"
    }
}

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
    let mut rows = Vec::new();
    let mut topic = "";
    for (pi, probe) in run.probes.iter().enumerate() {
        if probe.topic != topic {
            topic = &probe.topic;
            let t = app.0.pack.topic(topic);
            let name = t.map_or(topic, |t| t.display_name());
            let note = match t.and_then(|t| t.mirrors.as_deref()) {
                Some(m) => format!("control for {}", app.0.pack.topic(m).map_or(m, |t| t.display_name())),
                None => "sensitive".to_string(),
            };
            rows.push(html! {
                <tr class={classes!("group", (probe.kind == ProbeKind::Control).then_some("control"))}>
                    <th colspan={(run.providers.len() + 1).to_string()} scope="rowgroup">
                        { name } <span class="muted">{ format!(" · {note}") }</span>
                    </th>
                </tr>
            });
        }
        let cells = run.providers.iter().enumerate().map(|(col, _)| {
            let id = CellId { probe: pi, provider: col };
            let testid = format!("cell-{}-{col}", probe.id);
            match run.cell(id) {
                Some(Cell::Done(r)) => {
                    let chars = r.reply().map_or(0, |r| r.content.chars().count());
                    let label = r.verdict.label;
                    let detail = if label == Label::Error {
                        "error".to_string()
                    } else {
                        format!("{} ch · {:.1} s", size(chars), r.timing.latency_ms / 1000.0)
                    };
                    html! {
                        <td class={classes!("cell", label.key())}>
                            <button data-testid={testid} data-verdict={label.key()} onclick={open(probe.id.clone())}
                                title={format!("{} ({:.0}% confident). Open the replies side by side.", label.title(), r.verdict.confidence * 100.0)}>
                                <span class="v">{ label.title() }</span>
                                <span class={classes!("conf", confidence_class(r.verdict.confidence))}>
                                    { format!("{:.0}%", r.verdict.confidence * 100.0) }
                                </span>
                                <span class="meta">{ detail }</span>
                            </button>
                        </td>
                    }
                }
                Some(Cell::Running { content, .. }) => html! {
                    <td class="cell running">
                        <button data-testid={testid} data-verdict="running" onclick={open(probe.id.clone())}>
                            <span class="v">{"streaming"}</span>
                            <span class="meta">{ format!("{} ch", size(content.chars().count())) }</span>
                        </button>
                    </td>
                },
                _ => html! { <td class="cell pending" data-testid={testid} data-verdict="pending"><span class="meta">{"queued"}</span></td> },
            }
        });
        rows.push(html! {
            <tr>
                <th scope="row" class="probe" title={probe.prompt.clone()}>
                    <span class="lang">{ probe.lang.tag() }</span>
                    <span class="q">{ short(&probe.prompt, 70) }</span>
                </th>
                { for cells }
            </tr>
        });
    }
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
