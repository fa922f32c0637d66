//! The side-by-side view: every provider's reply to one probe, with reasoning, evidence,
//! and one-click links to the same question in other languages and to its control.

use crate::core::num::fixed;
use std::rc::Rc;

use yew::prelude::*;

use crate::core::detail::{evidence_lines, find_probe, heading, related, sample_heading, usage_line};
use crate::core::i18n::{tf, tr, Msg};
use crate::core::judge::describe_cell;
use crate::core::pack::Lang;
use crate::core::report::describe_source_label;
use crate::core::run::{settled, Cell, CellId, CellResult, RunProvider};
use crate::core::state::Action;
use crate::core::verdict::{Field, Label, Outcome};
use crate::ui::components::matrix_filter::choice;
use crate::ui::components::reply_text::ReplyText;
use crate::ui::components::verdict_badge::VerdictBadge;
use crate::ui::use_app;
use crate::ui::{tx, txf};

/// Sets a cell's verdict by hand (`None`: back to the automatic one).
type OnManual = Callback<(CellId, Option<Label>)>;

/// One provider's reply to the open probe (one sample of it, when the run asked several
/// times: `sample` of `cells`, the samples of cell `id`).
fn reply_column(
    lang: Lang,
    provider: &RunProvider,
    (id, cells, sample): (CellId, &[Rc<Cell>], usize),
    source_label: Option<&String>,
    judge: Option<&RunProvider>,
    on_manual: &OnManual,
) -> Html {
    let cell = cells.get(sample).cloned();
    let body = match cell.as_deref() {
        None | Some(Cell::Pending) => html! { <p class="muted">{ tx(Msg::NotAsked) }</p> },
        Some(Cell::Running { content, reasoning, .. }) => html! {
            <>
                <p class="muted">{ tx(Msg::StreamingDots) }</p>
                if !reasoning.is_empty() {
                    <details open=true class="reasoning"><summary>{ tx(Msg::Reasoning) }</summary><div class="text" lang={lang.tag()}>{ reasoning }</div></details>
                }
                <div class="text" data-testid="reply-text" lang={lang.tag()}>{ content }</div>
            </>
        },
        Some(Cell::Done(r)) => {
            // The verdict by hand is the cell's: it is set on the sample the cell stands on.
            let stands = settled(cells).is_some_and(|(c, _)| c.first == sample);
            let set = stands.then(|| on_manual.reform(move |label| (id, label)));
            cell.as_ref().map(|c| done_column(r, c.clone(), judge, lang, set)).unwrap_or_default()
        }
    };
    // Settings the reply shows were not kept (a max tokens gone past, another route).
    let not_kept = match cell.as_deref() {
        Some(Cell::Done(r)) => r.reply().map(|reply| provider.settings.not_kept(reply)).unwrap_or_default(),
        _ => Vec::new(),
    };
    html! {
        <article class="reply" data-testid="reply">
            <header>
                <h3>{ sample_heading(&provider.title, cells, sample) }</h3>
                if provider.simulated { <span class="badge sim">{ tx(Msg::Simulated) }</span> }
            </header>
            if !provider.settings.is_default() {
                <p class="hint" data-testid="asked-with">{ txf(Msg::AskedWith, &[("settings", &provider.settings.describe())]) }</p>
            }
            if !not_kept.is_empty() {
                <ul class="error-text small" data-testid="not-kept">
                    { for not_kept.into_iter().map(|n| html! { <li>{ n }</li> }) }
                </ul>
            }
            if let Some(l) = source_label {
                <p class="source-label" data-testid="source-label">{ txf(Msg::SourceLabel, &[("label", &describe_source_label(l))]) }</p>
            }
            { body }
        </article>
    }
}

fn content_of(r: &CellResult) -> &str {
    r.reply().map_or("", |reply| reply.content.as_str())
}

/// The verdict set by hand: a choice beside the automatic verdict, which it never replaces.
fn manual_choice(r: &CellResult, set: Callback<Option<Label>>) -> Html {
    let onchange = Callback::from(move |e: Event| {
        let value = e.target_unchecked_into::<web_sys::HtmlSelectElement>().value();
        set.emit(Label::ALL.into_iter().find(|l| l.key() == value));
    });
    let none = (String::new(), String::from(tr(Msg::NoneAutomatic)));
    let options = std::iter::once(none).chain(Label::ALL.iter().map(|l| (l.key().into(), l.title().into())));
    html! {
        <div class="manual small">
            { choice(tr(Msg::VerdictByHand), "manual".into(), options.collect(), r.manual.map_or("", |l| l.key()), onchange) }
            if r.manual.is_some() {
                <span class="hand" data-testid="manual-note">{" ✎ "}{ tx(Msg::SetByHandNote) }{" "}{ r.verdict.label.title() }</span>
            }
        </div>
    }
}

fn done_column(
    r: &CellResult,
    cell: Rc<Cell>,
    judge: Option<&RunProvider>,
    lang: Lang,
    set: Option<Callback<Option<Label>>>,
) -> Html {
    let signals = html! {
        <ul class="signals" data-testid="signals">
            { for evidence_lines(&r.verdict, content_of(r)).into_iter().map(|line| html! { <li>{ line }</li> }) }
        </ul>
    };
    let main = match &r.outcome {
        Outcome::Reply { reply, cut_short } => {
            let reasoning = match reply.reasoning.as_deref() {
                None => html! {},
                Some(text) if text.trim().is_empty() => html! {
                    <p class="reasoning empty" data-testid="reasoning-empty">{ tx(Msg::ReasoningEmpty) }</p>
                },
                Some(t) => html! {
                    <details class="reasoning" data-testid="reasoning">
                        <summary>{ txf(Msg::ReasoningChars, &[("n", &t.chars().count())]) }</summary>
                        <ReplyText cell={cell.clone()} field={Field::Reasoning} {lang} />
                    </details>
                },
            };
            let usage = reply.usage.as_ref().and_then(usage_line);
            html! {
                <>
                    { reasoning }
                    <ReplyText {cell} field={Field::Content} {lang} />
                    if let Some(why) = cut_short {
                        <p class="error-text">{ txf(Msg::CutShort, &[("why", why)]) }</p>
                    }
                    <dl class="facts">
                        if let Some(m) = &reply.model { <dt>{ tx(Msg::ServedBy) }</dt><dd>{ m }</dd> }
                        if let Some(u) = &reply.upstream_provider { <dt>{ tx(Msg::Upstream) }</dt><dd>{ u }</dd> }
                        if let Some(f) = &reply.finish_reason { <dt>{ tx(Msg::FinishReason) }</dt><dd>{ f }</dd> }
                        if let Some(u) = usage { <dt>{ tx(Msg::Tokens) }</dt><dd>{ u }</dd> }
                    </dl>
                </>
            }
        }
        Outcome::Dialect(e) => html! {
            <div class="text error-text" data-testid="reply-error">
                { e.to_string() }
                if let crate::core::dialect::DialectError::Http { body, .. } = e {
                    <details><summary>{ tx(Msg::ResponseBody) }</summary><pre>{ body }</pre></details>
                }
            </div>
        },
        Outcome::Transport(msg) => {
            html! { <div class="text error-text" data-testid="reply-error">{ msg }</div> }
        }
    };
    html! {
        <>
            <div class="verdict-line">
                <VerdictBadge verdict={r.verdict.clone()} />
                <span class="muted small">{ format!("{} s", fixed(r.timing.latency_ms / 1000.0, 1)) }
                    { r.timing.ttfb_ms.map(|ms| tf(Msg::FirstByte, &[("s", &fixed(ms / 1000.0, 1))])).unwrap_or_default() }
                    { r.timing.first_token_ms.map(|ms| tf(Msg::FirstToken, &[("s", &fixed(ms / 1000.0, 1))])).unwrap_or_default() }</span>
            </div>
            if let Some(set) = set { { manual_choice(r, set) } }
            if let Some(j) = judge.filter(|_| r.judge.is_some() || r.awaits_judge()) {
                <p class={classes!("judge-line", r.judge.as_ref().and_then(|o| o.verdict()).map(|v| v.label.key()))}
                    data-testid="judge-label" title={r.judge.as_ref().and_then(|o| o.verdict()).map(|v| v.raw.clone())}>
                    { describe_cell(&j.title, r.judge.as_ref()) }
                </p>
            }
            { signals }
            { main }
        </>
    }
}

/// Whether the browser draws Chinese characters with a font of their own: an unassigned
/// code point is drawn as the missing-glyph box, so two common characters as wide as two
/// such boxes mean there is no CJK font. Measured once per page.
fn cjk_fonts() -> bool {
    thread_local! {
        static HAS: std::cell::OnceCell<bool> = const { std::cell::OnceCell::new() };
    }
    HAS.with(|has| *has.get_or_init(|| measure_cjk().unwrap_or(true)))
}

fn measure_cjk() -> Option<bool> {
    use wasm_bindgen::JsCast;
    let doc = web_sys::window()?.document()?;
    let body = doc.body()?;
    let width = |text: &str| -> Option<i32> {
        let span: web_sys::HtmlElement = doc.create_element("span").ok()?.dyn_into().ok()?;
        span.set_class_name("measure");
        span.set_text_content(Some(text));
        body.append_child(&span).ok()?;
        let w = span.offset_width();
        span.remove();
        Some(w)
    };
    // U+0378 and U+0379 are unassigned in every Unicode version.
    let boxes = width("\u{378}\u{379}")?;
    let chinese = width("中國")?;
    Some(chinese != boxes)
}

/// The element that has focus, if it is an HTML element.
fn active_element() -> Option<web_sys::HtmlElement> {
    use wasm_bindgen::JsCast;
    web_sys::window()?.document()?.active_element()?.dyn_into().ok()
}

/// Tab from the dialog's last control goes to its first, Shift+Tab from the first to the
/// last: focus stays in the dialog while it is open.
fn keep_focus_inside(dialog: &NodeRef, e: &KeyboardEvent) {
    use wasm_bindgen::JsCast;
    const FOCUSABLE: &str = "button:not([disabled]), [href], input:not([disabled]), select, textarea, summary, [tabindex]:not([tabindex='-1'])";
    let Some(root) = dialog.cast::<web_sys::Element>() else { return };
    let Ok(list) = root.query_selector_all(FOCUSABLE) else { return };
    let (Some(first), Some(last)) = (list.get(0), list.get(list.length().saturating_sub(1))) else { return };
    let active = active_element().map(web_sys::Node::from);
    let at = |n: &web_sys::Node| active.as_ref().is_some_and(|a| a.is_same_node(Some(n)));
    let root_node: &web_sys::Node = root.as_ref();
    let target = if e.shift_key() && (at(&first) || at(root_node)) {
        last
    } else if !e.shift_key() && at(&last) {
        first
    } else {
        return;
    };
    if let Ok(el) = target.dyn_into::<web_sys::HtmlElement>() {
        e.prevent_default();
        let _ = el.focus();
    }
}

/// The overlay with every provider's reply to the open probe.
#[component]
pub fn Detail() -> Html {
    let app = use_app();
    let dialog = use_node_ref();
    // What had focus when the dialog opened (the cell), to give it back on close.
    let opener = use_mut_ref(|| None::<web_sys::HtmlElement>);
    {
        // Move focus into the dialog when it opens, so Escape and Tab work at once; back to
        // the cell that opened it when it closes.
        let dialog = dialog.clone();
        let opener = opener.clone();
        use_effect_with(app.0.detail.clone(), move |open| {
            if open.is_some() {
                let mut opener = opener.borrow_mut();
                if opener.is_none() {
                    *opener = active_element();
                }
                if let Some(el) = dialog.cast::<web_sys::HtmlElement>() {
                    let _ = el.focus();
                }
            } else if let Some(el) = opener.borrow_mut().take() {
                let _ = el.focus();
            }
        });
    }
    let s = &app.0;
    let (Some(probe_id), Some(run)) = (s.detail.as_deref(), s.run.as_ref()) else { return html! {} };
    let Some(probe) = find_probe(run, &s.pack, probe_id) else { return html! {} };
    let goto = |id: String| {
        let app = app.clone();
        Callback::from(move |_: MouseEvent| app.dispatch(Action::OpenDetail(id.clone())))
    };
    let close = {
        let app = app.clone();
        Callback::from(move |_: MouseEvent| app.dispatch(Action::CloseDetail))
    };
    let on_key = {
        let app = app.clone();
        let dialog = dialog.clone();
        Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
            "Escape" => app.dispatch(Action::CloseDetail),
            "Tab" => keep_focus_inside(&dialog, &e),
            _ => {}
        })
    };
    let links = related(probe, run, &s.pack).into_iter().map(|l| {
        html! {
            <button class={classes!("btn", "small", (!l.in_run).then_some("ghost"))} data-testid={format!("goto-{}", l.probe_id)}
                onclick={goto(l.probe_id.clone())} title={l.title}>
                { l.label }
            </button>
        }
    });
    let row = run.probe_index(probe_id);
    let on_manual: OnManual = {
        let app = app.clone();
        Callback::from(move |(id, label)| app.dispatch(Action::SetManual(id, label)))
    };
    html! {
        <div class="overlay" onclick={close.clone()}>
            <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="detail-h" data-testid="detail" ref={dialog}
                onclick={Callback::from(|e: MouseEvent| e.stop_propagation())} onkeydown={on_key} tabindex="-1">
                <header class="dialog-head">
                    <div>
                        <p class="muted small">{ heading(probe, run, &s.pack) }</p>
                        <h2 id="detail-h" data-testid="detail-prompt" lang={probe.lang.tag()}>{ &probe.prompt }</h2>
                        if probe.lang.is_chinese() && !cjk_fonts() {
                            <p class="hint" data-testid="no-cjk-font">{ txf(Msg::NoCjkFont, &[("lang", &probe.lang.name())]) }</p>
                        }
                        if !probe.expect.is_empty() {
                            <p class="muted small">{ tx(Msg::HonestAnswer) }{" "}
                                // The facts are in the probe's language, like the prompt.
                                <span lang={probe.lang.tag()}>{ probe.expect.join(", ") }</span></p>
                        }
                    </div>
                    <button class="btn ghost" onclick={close} aria-label={tr(Msg::Close)} data-testid="detail-close">{"✕"}</button>
                </header>
                <nav class="links" aria-label={tr(Msg::RelatedProbes)}>{ for links }</nav>
                <div class="replies">
                    { for (0..run.providers.len() * run.samples()).map(|k| {
                        let (col, i) = (k / run.samples(), k % run.samples());
                        let p = &run.providers[col];
                        let id = CellId { probe: row.unwrap_or(usize::MAX), provider: col, sample: 0 };
                        let cells = row.map_or(&[][..], |_| run.samples_of(id));
                        let label = s.source_labels.get(&(probe_id.to_string(), p.id.clone()));
                        reply_column(probe.lang, p, (id, cells, i), label, run.judge.as_ref(), &on_manual)
                    }) }
                </div>
            </div>
        </div>
    }
}
