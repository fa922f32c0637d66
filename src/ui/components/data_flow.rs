//! Where prompts went: a diagram from this browser to each destination, a table of
//! destinations with operator, jurisdiction, storage and training policy, and the ledger.

use std::collections::BTreeMap;

use yew::prelude::*;

use crate::core::flow::{diagram, format_bytes, Place, Traffic};
use crate::ui::components::ledger_table::LedgerTable;
use crate::ui::use_app;

/// Per destination: requests and bytes, from the ledger and from the configured providers
/// (so a provider that has not been asked yet still shows where it would send prompts).
fn traffic(app: &crate::core::state::AppState) -> Vec<Traffic> {
    let mut by_host: BTreeMap<String, Traffic> = BTreeMap::new();
    // The judge receives every reply, so it is a destination even when it is not probed.
    for p in app.providers.iter().filter(|p| p.enabled || app.judge.as_deref() == Some(p.id.as_str())) {
        let key =
            if p.is_simulated() { p.base_url.clone() } else { crate::core::http::url_host(&p.base_url) };
        by_host.entry(key).or_insert_with(|| Traffic {
            host_or_url: p.base_url.clone(),
            requests: 0,
            bytes_out: 0,
            bytes_in: 0,
        });
    }
    // The app's own start-up fetch (its classifier model, from its own origin) is in the
    // ledger but is not a destination of prompts.
    for e in app.ledger.entries().filter(|e| e.purpose.provider_id != "candor") {
        let t = by_host.entry(e.host.clone()).or_insert_with(|| Traffic {
            host_or_url: e.url.clone(),
            requests: 0,
            bytes_out: 0,
            bytes_in: 0,
        });
        t.requests += 1;
        t.bytes_out += e.bytes_out;
        t.bytes_in += e.bytes_in;
    }
    by_host.into_values().collect()
}

fn fact_cell(value: &str, detail: Option<&str>, source: &str) -> Html {
    html! {
        <td>
            { value }
            if let Some(d) = detail { <span class="dest-tag">{ d }</span> }
            <a class="dest-tag" href={source.to_string()} target="_blank" rel="noopener noreferrer">{"source"}</a>
        </td>
    }
}

/// The data-flow page.
#[component]
pub fn DataFlow() -> Html {
    let app = use_app();
    let registry = app.0.registry.clone();
    let traffic = traffic(&app.0);
    let d = diagram(&registry, &traffic);
    let rows = traffic.iter().map(|t| {
        let place = registry.place(&t.host_or_url);
        let counts = html! { <td class="num">{ format!("{} · ↑{} ↓{}", t.requests, format_bytes(t.bytes_out), format_bytes(t.bytes_in)) }</td> };
        match &place {
            Place::Known(dest) => html! {
                <tr data-testid="dest-row">
                    <th scope="row">{ &dest.host }<span class="dest-tag">{ &dest.operator }</span></th>
                    <td>{ &dest.jurisdiction }</td>
                    { counts }
                    { fact_cell(&dest.storage.value, dest.storage.detail.as_deref(), &dest.storage.source) }
                    { fact_cell(&dest.trains_on_api_data.value, dest.trains_on_api_data.detail.as_deref(), &dest.trains_on_api_data.source) }
                    <td><a href={dest.policy.clone()} target="_blank" rel="noopener noreferrer">{"policy"}</a>
                        <span class="dest-tag">{ format!("read {}", dest.read) }</span></td>
                </tr>
            },
            other => html! {
                <tr data-testid="dest-row">
                    <th scope="row">{ other.label() }</th>
                    <td>{ other.jurisdiction().unwrap_or("—") }</td>
                    { counts }
                    <td colspan="3">{ if other.leaves_network() {
                        "Unknown operator: Candor has no record of who runs this host or under which law. Nothing is guessed."
                    } else {
                        "Never leaves your device or local network."
                    } }</td>
                </tr>
            },
        }
    });
    html! {
        <>
            <section class="panel flow" aria-labelledby="flow-h">
                <h2 id="flow-h">{"Where your prompts go"}</h2>
                <p class="hint">{"Candor runs entirely in this browser. It sends prompts only to the providers you configured, \
                    shown here with who operates each host and under which country's law. The page's Content-Security-Policy \
                    forbids loading scripts, styles, fonts or images from anywhere but its own origin."}</p>
                <svg data-testid="flow-diagram" viewBox={format!("0 0 {} {}", d.width, d.height)} role="img"
                    aria-label="Diagram of where requests go">
                    { for d.zones.iter().map(|z| html! {
                        <g>
                            <rect class={classes!("zone", z.class.clone())} x={z.x.to_string()} y={z.y.to_string()}
                                width={z.w.to_string()} height={z.h.to_string()} rx="10" />
                            <text class="zone-label" x={(z.x + 8.0).to_string()} y={(z.y + 14.0).to_string()}>{ &z.label }</text>
                        </g>
                    }) }
                    { for d.edges.iter().map(|e| html! {
                        <g>
                            <path class={classes!("edge", e.class.clone())} d={e.path.clone()}><title>{ &e.label }</title></path>
                        </g>
                    }) }
                    { for d.nodes.iter().map(|n| html! {
                        <g class={classes!("node", n.class.clone())}>
                            <rect x={n.x.to_string()} y={n.y.to_string()} width={n.w.to_string()} height={n.h.to_string()} rx="6" />
                            <text x={(n.x + 8.0).to_string()} y={(n.y + 18.0).to_string()}>{ &n.label }</text>
                            <text class="sub" x={(n.x + 8.0).to_string()} y={(n.y + 34.0).to_string()}>{ &n.sublabel }</text>
                        </g>
                    }) }
                    { for d.edges.iter().map(|e| {
                        let to = d.nodes.iter().find(|n| n.id == e.to);
                        html! {
                            if let Some(n) = to {
                                <text class="edge-label" x={(n.x + 8.0).to_string()} y={(n.y + n.h + 11.0).to_string()}>{ &e.label }</text>
                            }
                        }
                    }) }
                </svg>
            </section>
            <section class="panel" aria-labelledby="dest-h">
                <h2 id="dest-h">{"Destinations"}</h2>
                <table class="dest" data-testid="destinations">
                    <thead>
                        <tr>
                            <th scope="col">{"Host"}</th><th scope="col">{"Law"}</th><th scope="col">{"Requests · sent · received"}</th>
                            <th scope="col">{"API data stored in"}</th><th scope="col">{"Trains on API data"}</th><th scope="col">{"Policy"}</th>
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
