//! The request ledger: one expandable row per request, with exactly what was sent.

use crate::core::num::fixed;
use yew::prelude::*;

use crate::core::flow::format_bytes;
use crate::core::i18n::{tr, Msg};
use crate::core::ledger::{LedgerEntry, LEDGER_PAGE};
use crate::core::price::Price;
use crate::core::report::text::clock;
use crate::ui::use_app;
use crate::ui::{tx, txf};

fn headers(list: &[(String, String)]) -> Html {
    html! {
        <table class="kv">
            { for list.iter().map(|(k, v)| html! { <tr><th>{ k }</th><td>{ v }</td></tr> }) }
        </table>
    }
}

fn row(e: &LedgerEntry, prices: &[Price]) -> Html {
    let status = match (e.status, &e.error) {
        (Some(s), _) => s.to_string(),
        (None, Some(_)) => tr(Msg::Failed).into(),
        (None, None) => "…".into(),
    };
    let ok = e.status.is_some_and(|s| (200..300).contains(&s));
    html! {
        <details class="ledger-row" data-testid="ledger-row" data-purpose={e.purpose.kind.key()}>
            <summary>
                <span class="t">{ clock(e.at_ms) }</span>
                <span class="p">{ &e.purpose.provider }</span>
                <span class="w">{ e.purpose.describe() }</span>
                <span class="m">{ &e.method }</span>
                <span class="h" data-testid="ledger-host">{ &e.host }</span>
                <span class={classes!("s", if ok { "ok" } else { "bad" })}>{ status }</span>
                <span class="b">{ format!("↑{} ↓{}", format_bytes(e.bytes_out), format_bytes(e.bytes_in)) }</span>
                <span class="l">{ e.latency_ms.map(|l| format!("{} ms", fixed(l, 0))).unwrap_or_default() }</span>
            </summary>
            <div class="ledger-detail">
                <dl class="facts">
                    <dt>{"URL"}</dt><dd>{ &e.url }</dd>
                    if let Some(t) = e.ttfb_ms { <dt>{ tx(Msg::Headers) }</dt><dd>{ format!("{t_0} ms", t_0 = fixed(t, 0)) }</dd> }
                    if let Some(t) = e.first_token_ms { <dt>{ tx(Msg::FirstTokenFact) }</dt><dd>{ format!("{t_0} ms", t_0 = fixed(t, 0)) }</dd> }
                    if let Some(t) = e.last_token_ms { <dt>{ tx(Msg::LastToken) }</dt><dd>{ format!("{t_0} ms", t_0 = fixed(t, 0)) }</dd> }
                    if let Some(m) = &e.served_model { <dt>{ tx(Msg::ServedBy) }</dt><dd>{ m }</dd> }
                    if let Some(u) = &e.upstream { <dt>{ tx(Msg::Upstream) }</dt><dd>{ u }</dd> }
                    if let Some(t) = e.usage_text(prices) { <dt>{ tx(Msg::TokensCostFact) }</dt><dd data-testid="ledger-cost">{ t }</dd> }
                    if let Some(err) = &e.error { <dt>{ tx(Msg::ErrorFact) }</dt><dd class="error-text">{ err }</dd> }
                </dl>
                <h4>{ tx(Msg::RequestHeaders) }</h4>
                { headers(&e.request_headers) }
                if let Some(body) = &e.request_body {
                    <h4>{ txf(Msg::RequestBody, &[("size", &format_bytes(e.bytes_out))]) }</h4>
                    <pre data-testid="ledger-body">{ body }</pre>
                }
                if !e.response_headers.is_empty() {
                    <h4>{ tx(Msg::ResponseHeaders) }</h4>
                    { headers(&e.response_headers) }
                }
            </div>
        </details>
    }
}

/// Every request of this session, newest first.
#[component]
pub fn LedgerTable() -> Html {
    let app = use_app();
    // Rows drawn, newest first: a page at a time, so the tab opens at once after a big run.
    let shown = use_state(|| LEDGER_PAGE);
    let more = {
        let shown = shown.clone();
        Callback::from(move |_: MouseEvent| shown.set(*shown + LEDGER_PAGE))
    };
    let ledger = &app.0.ledger;
    html! {
        <section class="panel" aria-labelledby="ledger-h">
            <h2 id="ledger-h">{ txf(Msg::LedgerTitle, &[("n", &ledger.len())]) }</h2>
            <p class="hint">{ tx(Msg::LedgerHint) }</p>
            if ledger.is_empty() {
                <p class="muted" data-testid="ledger-empty">{ tx(Msg::LedgerEmpty) }</p>
            } else {
                <div class="ledger" data-testid="ledger">
                    <div class="ledger-head" aria-hidden="true">
                        <span class="t">{ tx(Msg::ColTime) }</span><span class="p">{ tx(Msg::ColProvider) }</span><span class="w">{ tx(Msg::ColFor) }</span>
                        <span class="m">{ tx(Msg::ColMethod) }</span><span class="h">{ tx(Msg::ColHost) }</span><span class="s">{ tx(Msg::ColStatus) }</span>
                        <span class="b">{ tx(Msg::ColBytes) }</span><span class="l">{ tx(Msg::ColTaken) }</span>
                    </div>
                    { for ledger.entries().rev().take(*shown).map(|e| row(e, &app.0.prices)) }
                </div>
                if ledger.len() > *shown {
                    <p class="hint" data-testid="ledger-more">
                        { txf(Msg::ShowingNewest, &[("n", &*shown), ("total", &ledger.len())]) }
                        <button class="btn small" onclick={more}>{ txf(Msg::ShowMore, &[("n", &LEDGER_PAGE)]) }</button>
                        { tx(Msg::InExports) }
                    </p>
                }
            }
        </section>
    }
}
