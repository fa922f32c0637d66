//! One field of a finished reply (its answer or its reasoning) with the verdict's evidence
//! highlighted. A long one opens with its first [`PREVIEW_CHARS`] characters and its size;
//! "Show all" then draws the rest one piece per frame, so the page keeps answering.

use std::rc::Rc;

use gloo_timers::callback::Timeout;
use yew::prelude::*;

use crate::core::detail::{byte_size, chunks, pieces, preview, thousands, CHUNK_BYTES, PREVIEW_CHARS};
use crate::core::i18n::Msg;
use crate::core::pack::Lang;
use crate::core::run::{Cell, CellResult};
use crate::core::verdict::Field;
use crate::ui::{tx, txf};

/// Props of [`ReplyText`].
#[derive(Properties)]
pub struct ReplyTextProps {
    /// The finished cell whose reply is drawn.
    pub cell: Rc<Cell>,
    /// Which field of the reply.
    pub field: Field,
    /// The probe's language, for the browser's choice of font.
    pub lang: Lang,
}

impl PartialEq for ReplyTextProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.cell, &other.cell) && self.field == other.field && self.lang == other.lang
    }
}

/// The text of `field` in a finished cell's reply ("" when it has none).
fn text_of(cell: &Cell, field: Field) -> (&str, Option<&CellResult>) {
    let Cell::Done(r) = cell else { return ("", None) };
    let text = r.reply().map_or("", |reply| match field {
        Field::Reasoning => reply.reasoning.as_deref().unwrap_or(""),
        _ => reply.content.as_str(),
    });
    (text, Some(r))
}

/// A reply field, highlighted, shown in full or (when long) its start first.
#[component]
pub fn ReplyText(props: &ReplyTextProps) -> Html {
    // How many pieces of the rest are drawn; `None` until "Show all" is pressed.
    let shown = use_state(|| None::<usize>);
    let (text, result) = text_of(&props.cell, props.field);
    let (head, rest) = preview(text, PREVIEW_CHARS);
    // Byte ranges of the rest's pieces, in `text`.
    let ranges: Vec<(usize, usize)> = if rest.is_empty() {
        Vec::new()
    } else {
        let mut at = head.len();
        chunks(rest, CHUNK_BYTES)
            .into_iter()
            .map(|p| {
                at += p.len();
                (at - p.len(), at)
            })
            .collect()
    };
    let pieces_total = ranges.len();
    {
        // Draw one more piece per frame until all are in.
        let shown = shown.clone();
        use_effect_with(*shown, move |&now| {
            let next = now.filter(|&n| n < pieces_total).map(|n| {
                let shown = shown.clone();
                Timeout::new(16, move || shown.set(Some(n + 1)))
            });
            move || drop(next)
        });
    }
    let marked = match result {
        Some(r) => pieces(head, &r.verdict, props.field)
            .into_iter()
            .map(|p| match p.why {
                None => html! { { p.text } },
                Some(why) => html! { <mark title={why.to_string()}>{ p.text }</mark> },
            })
            .collect::<Html>(),
        None => html! { { head } },
    };
    let testid = if props.field == Field::Content { "reply-text" } else { "reasoning-text" };
    if rest.is_empty() {
        return html! { <div class="text" data-testid={testid} lang={props.lang.tag()}>{ marked }</div> };
    }
    let show_all = {
        let shown = shown.clone();
        Callback::from(move |_: MouseEvent| shown.set(Some(0)))
    };
    let drawn = shown.unwrap_or(0);
    html! {
        <>
            <p class="muted small long-note" data-testid="long-note">
                { txf(Msg::LongReply, &[("size", &byte_size(text.len()))]) }
                if shown.is_none() {
                    { txf(Msg::ShowingFirst, &[("n", &thousands(PREVIEW_CHARS))]) }
                    <button class="btn small" data-testid="show-all" onclick={show_all}>{ tx(Msg::ShowAll) }</button>
                } else if drawn < pieces_total {
                    { txf(Msg::DrawingRest, &[("n", &drawn), ("total", &pieces_total)]) }
                } else {
                    { tx(Msg::ShownInFull) }
                }
            </p>
            <div class="text" data-testid={testid} lang={props.lang.tag()} data-complete={(drawn >= pieces_total && shown.is_some()).to_string()}>
                { marked }
                if shown.is_none() { <span class="muted">{"…"}</span> }
                // Each piece a block of its own: the browser lays out one piece, not the whole reply again.
                { for ranges.iter().take(drawn).map(|&(from, to)| html! {
                    <span key={from} class="text-piece">{ &text[from..to] }</span>
                }) }
            </div>
        </>
    }
}
