//! A verdict as a coloured label with its confidence.

use crate::core::num::percent;
use yew::prelude::*;

use crate::core::i18n::{tr, Msg};
use crate::core::verdict::Verdict;

/// Props of [`VerdictBadge`].
#[derive(Properties, PartialEq)]
pub struct VerdictBadgeProps {
    /// The verdict shown.
    pub verdict: Verdict,
}

/// Coloured label, e.g. "Deflected · 85%".
#[component]
pub fn VerdictBadge(props: &VerdictBadgeProps) -> Html {
    let v = &props.verdict;
    html! {
        <span class={classes!("badge", "verdict", v.label.key())} data-verdict={v.label.key()}
            title={tr(Msg::VerdictTitle)}>
            { format!("{} · {}", v.label.title(), percent(v.confidence)) }
        </span>
    }
}
