//! Charts of the current run: answered share by topic (heatmap), the language gap, the
//! control gap, and tokens with estimated cost from a price table the user edits. All
//! geometry comes from `core::report::charts`; this file only draws it.

use crate::core::num::{fixed, percent, short};
use yew::prelude::*;

use crate::core::i18n::{tr, Msg};
use crate::core::report::charts::{
    answered_shares, cost_bars, grouped_bars, heatmap, ratios, AxisLabel, GroupedBars, Price, PriceField,
    TokenUse,
};
use crate::core::report::figures::{control_gap, has_controls, language_gap, topic_mixes};
use crate::core::state::Action;
use crate::ui::use_app;
use crate::ui::{tx, txf};
use web_sys::HtmlInputElement;

fn label_end(l: &AxisLabel) -> Html {
    html! { <text class="axis-label" x={fixed(l.x, 1)} y={fixed(l.y, 1)} text-anchor="end" dominant-baseline="middle">{ &l.text }</text> }
}

fn grouped(g: &GroupedBars, groups: &[String], testid: &str) -> Html {
    if g.bars.is_empty() {
        return html! { <p class="muted">{ tx(Msg::NothingToShow) }</p> };
    }
    html! {
        <>
        <div class="series-legend">
            { for g.series.iter().enumerate().map(|(i, name)| html! { <span class={format!("sw s{i}")}>{ name }</span> }) }
        </div>
        <svg class="chart" data-testid={testid.to_string()} viewBox={format!("0 0 {} {}", fixed(g.width, 1), fixed(g.height, 1))}
            width={fixed(g.width, 0)} role="img">
            { for g.group_labels.iter().map(label_end) }
            { for g.bars.iter().map(|b| {
                let value = b.value.map_or(tr(Msg::NoData).to_string(), percent);
                html! {
                    <g>
                        <rect class={format!("series s{}", b.series)} x={fixed(b.x, 1)} y={fixed(b.y, 1)}
                            width={fixed(b.w, 2)} height={fixed(b.h, 1)}>
                            <title>{ format!("{}, {}: {}", groups[b.group], g.series[b.series], value) }</title>
                        </rect>
                        <text class="value" x={fixed(b.x + b.w + 4.0, 1)} y={fixed(b.y + b.h / 2.0, 1)}
                            dominant-baseline="middle">{ value }</text>
                    </g>
                }
            }) }
        </svg>
        </>
    }
}

/// The charts section of the Results page.
#[component]
pub fn Charts() -> Html {
    let app = use_app();
    // The charts are worked out only while the section is open: a big run's figures cost
    // nothing to a user who does not look at them.
    let open = use_state(|| false);
    let ontoggle = {
        let open = open.clone();
        Callback::from(move |e: Event| {
            open.set(e.target_unchecked_into::<web_sys::Element>().has_attribute("open"))
        })
    };
    let Some(run) = app.0.run.as_ref() else { return html! {} };
    if !*open {
        return html! {
            <details class="panel charts" data-testid="charts" {ontoggle}>
                <summary><h2>{ tx(Msg::Charts) }</h2></summary>
            </details>
        };
    }
    let titles: Vec<String> = run.providers.iter().map(|p| p.title.clone()).collect();

    let topics = topic_mixes(run);
    let rows: Vec<String> = topics.iter().map(|(t, _)| run.topic_name(&app.0.pack, t).to_string()).collect();
    let heat = heatmap(&rows, &titles, &answered_shares(&topics), 40.0);

    let (langs, lang_shares) = language_gap(run);
    let lang_names: Vec<String> = langs.iter().map(|l| l.name().to_string()).collect();
    let lang_chart = grouped_bars(&titles, &lang_names, &ratios(&lang_shares), 1.0, 260.0);
    let ctrl_chart = grouped_bars(
        &titles,
        &[tr(Msg::Sensitive).into(), tr(Msg::Control).into()],
        &ratios(&control_gap(run)),
        1.0,
        260.0,
    );

    let prices = &app.0.prices;
    let usage = TokenUse::of_run(run, app.0.ledger.entries());
    let cost = cost_bars(&usage, prices, 260.0);
    let edit = |i: usize, field: PriceField| {
        let (app, prices) = (app.clone(), prices.clone());
        Callback::from(move |e: InputEvent| {
            let v = e.target_unchecked_into::<HtmlInputElement>().value();
            let mut next = prices.clone();
            if let Some(p) = next.get_mut(i) {
                *p = p.clone().with(field, &v);
            }
            app.dispatch(Action::SetPrices(next));
        })
    };
    let add_price = {
        let (app, prices) = (app.clone(), prices.clone());
        let first = usage.first().map(|u| u.model.clone()).unwrap_or_default();
        Callback::from(move |_: MouseEvent| {
            let mut next = prices.clone();
            next.push(Price { provider_model_pattern: first.clone(), ..Price::default() });
            app.dispatch(Action::SetPrices(next));
        })
    };
    html! {
        <details class="panel charts" data-testid="charts" {ontoggle}>
            <summary><h2>{ tx(Msg::Charts) }</h2></summary>
            <h3>{ tx(Msg::AnsweredByTopic) }</h3>
            if heat.cells.is_empty() {
                <p class="muted">{ tx(Msg::NothingFinished) }</p>
            } else {
                <svg class="chart" data-testid="heatmap" viewBox={format!("0 0 {} {}", fixed(heat.width, 1), fixed(heat.height, 1))}
                    width={fixed(heat.width, 0)} role="img" aria-label={tr(Msg::HeatmapLabel)}>
                    { for heat.row_labels.iter().map(label_end) }
                    { for heat.col_labels.iter().map(|l| html! {
                        <text class="axis-label" x={fixed(l.x, 1)} y={fixed(l.y, 1)}
                            transform={format!("rotate(-45 {} {})", fixed(l.x, 1), fixed(l.y, 1))}>{ &l.text }</text>
                    }) }
                    { for heat.cells.iter().map(|c| html! {
                        <g>
                            <rect class={c.class()} x={fixed(c.x, 1)} y={fixed(c.y, 1)}
                                width={fixed(c.w, 1)} height={fixed(c.h, 1)}>
                                <title>{ format!("{} × {}: {}", rows[c.row], titles[c.col], c.value.map_or(tr(Msg::NoReplies).into(), percent)) }</title>
                            </rect>
                            if let Some(v) = c.value {
                                <text class="heat-value" x={fixed(c.x + c.w / 2.0, 1)} y={fixed(c.y + c.h / 2.0, 1)}
                                    text-anchor="middle" dominant-baseline="middle">{ percent(v) }</text>
                            }
                        </g>
                    }) }
                </svg>
            }
            <h3>{ tx(Msg::LanguageGap) }</h3>
            { grouped(&lang_chart, &titles, "language-gap") }
            <h3>{ tx(Msg::ControlGap) }</h3>
            if has_controls(run) { { grouped(&ctrl_chart, &titles, "control-gap") } }
            else { <p class="muted">{ tx(Msg::NoControls) }</p> }
            <h3>{ tx(Msg::TokensCost) }</h3>
            <p class="hint">{ tx(Msg::PricesHint) }{" "}{ tx(Msg::PricesParts) }</p>
            <table class="mix prices">
                <thead><tr><th>{ tx(Msg::ModelPattern) }</th><th>{ tx(Msg::PriceInput) }</th><th>{ tx(Msg::PriceCached) }</th><th>{ tx(Msg::PriceOutput) }</th><th>{ tx(Msg::PriceReasoning) }</th></tr></thead>
                <tbody>
                    { for prices.iter().enumerate().map(|(i, p)| html! {
                        <tr>
                            <td><input value={p.provider_model_pattern.clone()} oninput={edit(i, PriceField::Pattern)} aria-label={tr(Msg::ModelPattern)} /></td>
                            <td><input type="number" step="0.01" min="0" value={short(p.input_per_mtok, 6)} oninput={edit(i, PriceField::Input)} aria-label={tr(Msg::InputPrice)} /></td>
                            <td><input type="number" step="0.01" min="0" value={p.cached_per_mtok.map(|v| short(v, 6))} placeholder={tr(Msg::AsInput)} oninput={edit(i, PriceField::Cached)} aria-label={tr(Msg::CachedPrice)} data-testid="price-cached" /></td>
                            <td><input type="number" step="0.01" min="0" value={short(p.output_per_mtok, 6)} oninput={edit(i, PriceField::Output)} aria-label={tr(Msg::OutputPrice)} /></td>
                            <td><input type="number" step="0.01" min="0" value={p.reasoning_per_mtok.map(|v| short(v, 6))} placeholder={tr(Msg::AsOutput)} oninput={edit(i, PriceField::Reasoning)} aria-label={tr(Msg::ReasoningPrice)} data-testid="price-reasoning" /></td>
                        </tr>
                    }) }
                </tbody>
            </table>
            <button class="btn small" onclick={add_price}>{ tx(Msg::AddPrice) }</button>
            <svg class="chart" data-testid="cost" viewBox={format!("0 0 {} {}", fixed(cost.width.max(1.0), 1), fixed(cost.height.max(1.0), 1))}
                width={fixed(cost.width, 0)} role="img" aria-label={tr(Msg::CostLabel)}>
                { for cost.bars.iter().map(|b| html! {
                    <g>
                        <text class="axis-label" x={fixed(b.tokens_x - 6.0, 1)} y={fixed(b.y + b.h / 2.0, 1)}
                            text-anchor="end" dominant-baseline="middle">{ &b.label }</text>
                        <rect class="series s0" x={fixed(b.tokens_x, 1)} y={fixed(b.y, 1)} width={fixed(b.prompt_w, 2)} height={fixed(b.h, 1)}>
                            <title>{ txf(Msg::PromptTokens, &[("n", &b.prompt_tokens)]) }</title></rect>
                        <rect class="series s1" x={fixed(b.tokens_x + b.prompt_w, 1)} y={fixed(b.y, 1)} width={fixed(b.completion_w, 2)} height={fixed(b.h, 1)}>
                            <title>{ txf(Msg::CompletionTokens, &[("n", &b.completion_tokens)]) }</title></rect>
                        <text class="value" x={fixed(b.tokens_x + b.prompt_w + b.completion_w + 4.0, 1)} y={fixed(b.y + b.h / 2.0, 1)}
                            dominant-baseline="middle">{ b.value_text() }</text>
                    </g>
                }) }
            </svg>
            if let Some(total) = cost.total_cost { <p data-testid="total-cost">{ txf(Msg::TotalCost, &[("total", &fixed(total, 4))]) }</p> }
        </details>
    }
}
