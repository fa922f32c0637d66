//! Where prompts went: a diagram from this browser to each destination, a table of
//! destinations with operator, jurisdiction, storage and training policy, and the ledger.

use yew::prelude::*;

use crate::core::flow::{diagram, traffic, Place};
use crate::core::i18n::{tr, Msg};
use crate::core::num::short;
use crate::ui::components::ledger_table::LedgerTable;
use crate::ui::use_app;
use crate::ui::{tx, txf};

fn fact_cell(value: &str, detail: Option<&str>, source: &str) -> Html {
    html! {
        <td>
            { value }
            if let Some(d) = detail { <span class="dest-tag">{ d }</span> }
            <a class="dest-tag" href={source.to_string()} target="_blank" rel="noopener noreferrer">{ tx(Msg::Source) }</a>
        </td>
    }
}

/// The data-flow page.
#[component]
pub fn DataFlow() -> Html {
    let app = use_app();
    let registry = app.0.registry.clone();
    let traffic = traffic(&app.0.providers, app.0.judge.as_deref(), &app.0.ledger);
    let d = diagram(&registry, &traffic);
    let rows = traffic.iter().map(|t| {
        let place = registry.place(&t.host_or_url);
        let counts = html! { <td class="num">{ t.counts() }</td> };
        match &place {
            Place::Known(dest) => html! {
                <tr data-testid="dest-row">
                    <th scope="row">{ &dest.host }<span class="dest-tag">{ &dest.operator }</span></th>
                    <td>{ &dest.jurisdiction }</td>
                    { counts }
                    { fact_cell(&dest.storage.value, dest.storage.detail.as_deref(), &dest.storage.source) }
                    { fact_cell(&dest.trains_on_api_data.value, dest.trains_on_api_data.detail.as_deref(), &dest.trains_on_api_data.source) }
                    <td><a href={dest.policy.clone()} target="_blank" rel="noopener noreferrer">{ tx(Msg::PolicyLink) }</a>
                        <span class="dest-tag">{ txf(Msg::ReadOn, &[("date", &dest.read)]) }</span></td>
                </tr>
            },
            other => html! {
                <tr data-testid="dest-row">
                    <th scope="row">{ other.label() }</th>
                    <td>{ other.jurisdiction().unwrap_or("—") }</td>
                    { counts }
                    <td colspan="3">{ other.unlisted_note().unwrap_or_default() }</td>
                </tr>
            },
        }
    });
    html! {
        <>
            <section class="panel flow" aria-labelledby="flow-h">
                <h2 id="flow-h">{ tx(Msg::WhereGo) }</h2>
                <p class="hint">{ tx(Msg::FlowHint) }</p>
                <svg data-testid="flow-diagram" viewBox={format!("0 0 {} {}", short(d.width, 1), short(d.height, 1))} role="img"
                    aria-label={tr(Msg::DiagramLabel)}>
                    { for d.zones.iter().map(|z| html! {
                        <g>
                            <rect class={classes!("zone", z.tint.css_class())} x={short(z.x, 1)} y={short(z.y, 1)}
                                width={short(z.w, 1)} height={short(z.h, 1)} rx="10" />
                            <text class="zone-label" x={short(z.x + 8.0, 1)} y={short(z.y + 14.0, 1)}>{ &z.label }</text>
                        </g>
                    }) }
                    { for d.edges.iter().map(|e| html! {
                        <g>
                            <path class={classes!("edge", e.tint.css_class())} d={e.path.clone()}><title>{ &e.label }</title></path>
                        </g>
                    }) }
                    { for d.nodes.iter().map(|n| html! {
                        <g class={classes!("node", n.tint.css_class())}>
                            <rect x={short(n.x, 1)} y={short(n.y, 1)} width={short(n.w, 1)} height={short(n.h, 1)} rx="6" />
                            <text x={short(n.x + 8.0, 1)} y={short(n.y + 18.0, 1)}>{ &n.label }</text>
                            <text class="sub" x={short(n.x + 8.0, 1)} y={short(n.y + 34.0, 1)}>{ &n.sublabel }</text>
                        </g>
                    }) }
                    { for d.edges.iter().map(|e| html! {
                        <text class="edge-label" x={short(e.label_at.0, 1)} y={short(e.label_at.1, 1)}>{ &e.label }</text>
                    }) }
                </svg>
            </section>
            <section class="panel" aria-labelledby="dest-h">
                <h2 id="dest-h">{ tx(Msg::Destinations) }</h2>
                <table class="dest" data-testid="destinations">
                    <thead>
                        <tr>
                            <th scope="col">{ tx(Msg::Host) }</th><th scope="col">{ tx(Msg::Law) }</th><th scope="col">{ tx(Msg::RequestsSentReceived) }</th>
                            <th scope="col">{ tx(Msg::StoredIn) }</th><th scope="col">{ tx(Msg::TrainsOn) }</th><th scope="col">{ tx(Msg::Policy) }</th>
                        </tr>
                    </thead>
                    <tbody>{ for rows }</tbody>
                </table>
                <p class="hint">{ &registry.note }</p>
            </section>
            <LedgerTable />
        </>
    }
}
