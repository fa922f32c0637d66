//! The verdict mix of each provider, overall and per topic, as stacked bars.

use crate::core::num::{fixed, percent};
use yew::prelude::*;

use crate::core::i18n::Msg;
use crate::core::summary::{by_provider, by_topic, Mix};
use crate::core::verdict::Label;
use crate::ui::use_app;
use crate::ui::{tx, txf};

fn bar(mix: &Mix, width: u32, height: u32) -> Html {
    let segments = mix.bar(f64::from(width));
    html! {
        <svg class="mixbar" width={width.to_string()} height={height.to_string()}
            viewBox={format!("0 0 {width} {height}")} preserveAspectRatio="none" role="img"
            aria-label={mix.describe()}>
            <title>{ mix.describe() }</title>
            <rect class="track" x="0" y="0" width={width.to_string()} height={height.to_string()} rx="3" />
            { for segments.into_iter().map(|(l, x, w)| html! {
                <rect class={classes!("seg", l.key())} x={fixed(x, 2)} y="0" width={fixed(w, 2)}
                    height={height.to_string()} />
            }) }
        </svg>
    }
}

/// Verdict shares per provider and per topic for the current run.
#[component]
pub fn Summary() -> Html {
    let app = use_app();
    // The table by topic is worked out only while it is open.
    let open = use_state(|| false);
    let ontoggle = {
        let open = open.clone();
        Callback::from(move |e: Event| {
            open.set(e.target_unchecked_into::<web_sys::Element>().has_attribute("open"))
        })
    };
    let Some(run) = app.0.run.as_ref() else { return html! {} };
    let providers = by_provider(run);
    if providers.iter().all(|m| m.total() == 0) {
        return html! {};
    }
    let mut by_hand = Mix::default();
    by_hand.by_hand = providers.iter().map(|m| m.by_hand).sum();
    let topics = if *open { by_topic(run) } else { Vec::new() };
    let shown = Label::ALL;
    html! {
        <section class="panel summary" aria-labelledby="summary-h">
            <h2 id="summary-h">{ tx(Msg::VerdictMix) }</h2>
            if let Some(line) = run.judge.as_ref().and_then(|_| run.judge_agreement().describe()) {
                <p class="judge-agreement" data-testid="judge-agreement">{ line }</p>
            }
            <table class="mix" data-testid="mix">
                <thead>
                    <tr>
                        <th scope="col">{ tx(Msg::Provider) }</th>
                        <th scope="col">{ tx(Msg::Replies) }</th>
                        { for shown.iter().map(|l| html! { <th scope="col" class={classes!("num", l.key())}>{ l.title() }</th> }) }
                        <th scope="col" class="barcol">{ tx(Msg::Mix) }</th>
                    </tr>
                </thead>
                <tbody>
                    { for providers.iter().enumerate().map(|(i, m)| html! {
                        <tr data-testid={format!("mix-{i}")} data-total={m.total().to_string()}
                            data-answered={fixed(m.share(Label::Answered), 3)}>
                            <th scope="row">{ &run.providers[i].title }</th>
                            <td class="num">{ m.total() }</td>
                            { for shown.iter().map(|&l| html! {
                                <td class="num" data-label={l.key()} data-count={m.count(l).to_string()}>{ percent(m.share(l)) }</td>
                            }) }
                            <td class="barcol">{ bar(m, 240, 14) }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
            if let Some(line) = by_hand.by_hand_text() {
                <p class="small" data-testid="by-hand">{ line }{" (✎), counted under the verdict set by hand; the automatic verdicts are kept beside them."}</p>
            }
            <details class="by-topic" {ontoggle}>
                <summary>{ tx(Msg::ByTopic) }</summary>
                <table class="mix">
                    <thead>
                        <tr>
                            <th scope="col">{ tx(Msg::Topic) }</th>
                            { for run.providers.iter().map(|p| html! { <th scope="col">{ &p.title }</th> }) }
                        </tr>
                    </thead>
                    <tbody>
                        { for topics.iter().map(|(topic, mixes)| {
                            let name = run.topic_name(&app.0.pack, topic);
                            html! {
                                <tr>
                                    <th scope="row">{ name }</th>
                                    { for mixes.iter().map(|m| html! {
                                        <td>
                                            { bar(m, 120, 10) }
                                            <span class="small muted">{ txf(Msg::AnsweredShare, &[("percent", &percent(m.share(Label::Answered)))]) }</span>
                                        </td>
                                    }) }
                                </tr>
                            }
                        }) }
                    </tbody>
                </table>
            </details>
        </section>
    }
}
