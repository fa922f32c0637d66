//! The results matrix: probes down (grouped by topic), providers across, one verdict per cell.
//! A big matrix draws only the rows in view (`core::matrix::window`), so a redraw costs a
//! screenful of cells however big the run.

use crate::core::num::fixed;
use std::rc::Rc;

use web_sys::Element;
use yew::prelude::*;

use crate::core::i18n::{tr, Msg};
use crate::core::matrix::{rows, samples_view, short, window, CellView, Row, ROW_PX};
use crate::core::pack::Lang;
use crate::core::run::{Cell, CellId};
use crate::core::state::Action;
use crate::core::verdict::Label;
use crate::ui::components::matrix_filter::filter_bar;
use crate::ui::tx;
use crate::ui::use_app;

/// One cell of the matrix (all its samples); with `text`, the first line of its reply under
/// its verdict.
fn matrix_cell(
    cell: &[Rc<Cell>],
    probe_id: &AttrValue,
    col: usize,
    on_open: &Callback<AttrValue>,
    text: Option<Lang>,
) -> Html {
    let testid = format!("cell-{probe_id}-{col}");
    let onclick = {
        let (id, open) = (probe_id.clone(), on_open.clone());
        Callback::from(move |_: MouseEvent| open.emit(id.clone()))
    };
    match samples_view(cell) {
        CellView::Done { label, manual, first, confidence, strength, meta, title, samples, cut_short } => {
            html! {
                <td key={col} class={classes!("cell", label.key(), samples.is_some_and(|c| c.flips()).then_some("flips"), cut_short.then_some("cut"))}>
                    <button data-testid={testid} data-verdict={label.key()} data-manual={manual.then_some("1")} {onclick} {title}>
                        <span class="v">{ label.title() }</span>
                        <span class={classes!("conf", if manual { "hand" } else { strength.class() })}>
                            { if manual { "✎".to_string() } else { confidence } }
                        </span>
                        <span class={classes!("meta", text.map(|_| "first"))} lang={text.map(|l| l.tag())}>
                            { if text.is_some() { first } else { meta } }
                        </span>
                    </button>
                </td>
            }
        }
        CellView::Streaming { meta } => html! {
            <td key={col} class="cell running">
                <button data-testid={testid} data-verdict="running" {onclick}>
                    <span class="v">{ tx(Msg::Streaming) }</span>
                    <span class="meta">{ meta }</span>
                </button>
            </td>
        },
        CellView::Queued => html! {
            <td key={col} class="cell pending" data-testid={testid} data-verdict="pending"><span class="meta">{ tx(Msg::Queued) }</span></td>
        },
    }
}

/// Moves focus between cells with the arrow keys (Home and End go to the row's first and last
/// cell): the cell beside the focused one, or the one in the same column of the nearest probe
/// row above or below. Focusing a cell scrolls it into view, which draws the rows around it.
fn move_focus(e: KeyboardEvent) {
    use wasm_bindgen::JsCast;
    let Some(from) = e.target().and_then(|t| t.dyn_into::<Element>().ok()) else { return };
    let Some(td) = from.closest("td.cell").ok().flatten() else { return };
    let Some(tr) = td.parent_element() else { return };
    let cells = tr.children();
    let Some(col) = (0..cells.length()).find(|&i| cells.item(i).is_some_and(|c| c.is_same_node(Some(&td))))
    else {
        return;
    };
    let focus_in = |cell: Option<Element>| -> bool {
        let button = cell.and_then(|c| c.query_selector("button").ok().flatten());
        match button.and_then(|b| b.dyn_into::<web_sys::HtmlElement>().ok()) {
            Some(b) => b.focus().is_ok(),
            None => false,
        }
    };
    let moved = match e.key().as_str() {
        "ArrowLeft" => col > 1 && focus_in(cells.item(col - 1)),
        "ArrowRight" => focus_in(cells.item(col + 1)),
        "Home" => focus_in(cells.item(1)),
        "End" => focus_in(cells.item(cells.length().saturating_sub(1))),
        key @ ("ArrowUp" | "ArrowDown") => {
            let mut row = Some(tr);
            loop {
                row = row.and_then(|r| {
                    if key == "ArrowUp" {
                        r.previous_element_sibling()
                    } else {
                        r.next_element_sibling()
                    }
                });
                match &row {
                    None => break false,
                    Some(r) if r.matches("tr.group, tr.spacer").unwrap_or(false) => continue,
                    Some(r) => break focus_in(r.children().item(col)),
                }
            }
        }
        _ => return,
    };
    if moved {
        e.prevent_default();
    }
}

/// The matrix of the current run, or a short guide when there is none.
#[component]
pub fn Matrix() -> Html {
    let app = use_app();
    // Where the matrix is scrolled to, in rows, and how many pixels of it are in view.
    let view = use_state(|| (0usize, 1200.0f64));
    let on_open = {
        let dispatcher = app.dispatcher();
        use_memo((), move |_| {
            Callback::from(move |id: AttrValue| dispatcher.dispatch(Action::OpenDetail(id.to_string())))
        })
    };
    // Without filters the rows change only with the run; with them, also as cells finish.
    let m = app.0.matrix.clone();
    let filtered = !m.shows_all();
    let run_key =
        app.0.run.as_ref().map(|r| {
            (r.id.clone(), r.probes.len(), r.providers.len(), if filtered { r.revision() } else { 0 })
        });
    let all_rows = {
        let (run, pack) = (app.0.run.clone(), app.0.pack.clone());
        let key = (run_key, filtered.then(|| m.clone()));
        use_memo(key, move |_| run.map(|r| rows(&r, &pack, &m)).unwrap_or_default())
    };
    let text = app.0.matrix.text;
    let registry = app.0.registry.clone();
    let Some(run) = app.0.run.as_ref() else {
        return html! {
            <div class="empty" data-testid="empty">
                <h2>{ tx(Msg::NoRunYet) }</h2>
                <p>{ tx(Msg::EmptyBefore) }<strong>{ tx(Msg::RunProbes) }</strong>{ tx(Msg::EmptyAfter) }</p>
            </div>
        };
    };
    let onscroll = {
        let view = view.clone();
        Callback::from(move |e: Event| {
            let el: Element = e.target_unchecked_into();
            let next = ((f64::from(el.scroll_top()) / ROW_PX) as usize, f64::from(el.client_height()));
            // Redraw only when the first row in view changes, not at every pixel.
            if next.0 != view.0 || (next.1 - view.1).abs() >= ROW_PX {
                view.set(next);
            }
        })
    };
    // A handful of columns, ordered from the run's running tally: nothing to keep.
    let cols = app.0.matrix.columns(run);
    let width = run.providers.len();
    let win = window(all_rows.len(), view.0 as f64 * ROW_PX, view.1);
    let spacer = |px: f64, key: &'static str| {
        html! { <tr key={key} class="spacer" aria-hidden="true"><td colspan={(width + 1).to_string()} height={fixed(px, 0)}></td></tr> }
    };
    let drawn = all_rows[win.start..win.end].iter().enumerate().map(|(i, row)| match row {
        Row::Topic { name, note, control } => html! {
            <tr key={format!("topic-{}", win.start + i)} class={classes!("group", control.then_some("control"))}>
                <th colspan={(width + 1).to_string()} scope="rowgroup">
                    { name } <span class="muted">{ format!(" · {note}") }</span>
                </th>
            </tr>
        },
        Row::Probe(pi) => {
            let probe = &run.probes[*pi];
            let probe_id = AttrValue::from(probe.id.clone());
            let lang = text.then_some(probe.lang);
            let cells = cols.iter().filter_map(|&col| {
                let cell = run.samples_of(CellId { probe: *pi, provider: col, sample: 0 });
                (!cell.is_empty()).then(|| matrix_cell(cell, &probe_id, col, &on_open, lang))
            });
            html! {
                <tr key={probe.id.clone()}>
                    <th scope="row" class="probe" title={probe.prompt.clone()} lang={probe.lang.tag()}>
                        <span class="lang" title={probe.lang.name()}>{ probe.lang.label() }</span>
                        <span class="q">{ short(&probe.prompt, 70) }</span>
                    </th>
                    { for cells }
                </tr>
            }
        }
    });
    let shown = all_rows.iter().filter(|r| matches!(r, Row::Probe(_))).count();
    html! {
        <>
        { filter_bar(&app, run, shown) }
        <div class="matrix-wrap" {onscroll}>
            <p class="hint" id="matrix-keys">{ tx(Msg::MatrixKeys) }</p>
            <div class="legend" aria-label={tr(Msg::VerdictColours)}>
                { for Label::ALL.iter().map(|l| html! { <span class={classes!("chip", l.key())}>{ l.title() }</span> }) }
            </div>
            <table class={classes!("matrix", win.partial().then_some("virtual"))} data-testid="matrix" data-rows={all_rows.len().to_string()}
                onkeydown={Callback::from(move_focus)} aria-describedby="matrix-keys">
                <thead>
                    <tr>
                        <th scope="col">{ tx(Msg::Probe) }</th>
                        { for cols.iter().map(|&i| (i, &run.providers[i])).map(|(i, p)| html! {
                            <th key={i} scope="col" data-testid={format!("col-{i}")}>
                                <div class="col-title">{ &p.title }</div>
                                if p.simulated { <span class="badge sim">{ tx(Msg::Simulated) }</span> }
                                else {
                                    <div class="muted small" data-testid={format!("dest-{i}")}
                                        title={tr(Msg::WhereRequestsGo)}>{ registry.place(&p.base_url).label() }</div>
                                }
                            </th>
                        }) }
                    </tr>
                </thead>
                <tbody>
                    if win.above_px > 0.0 { { spacer(win.above_px, "above") } }
                    { for drawn }
                    if win.below_px > 0.0 { { spacer(win.below_px, "below") } }
                </tbody>
            </table>
        </div>
        </>
    }
}
