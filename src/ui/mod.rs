//! The Yew front end. `app::App` holds the one reducer; components read it through
//! [`use_app`] and change it only by dispatching [`Action`]s.

mod app;
mod components;

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use gloo_timers::callback::Timeout;
use yew::prelude::*;

use crate::core::i18n::{tf, tr, Msg};
use crate::core::state::{apply, Action, AppState, BATCH_MS};
use crate::net::fetch::LedgerSink;

/// `msg` as a text node. Views write `{ tx(Msg::…) }` rather than `{ tr(Msg::…) }`: Yew
/// turns a `&str` child into a node with code inlined at every use, and this one function
/// in their place keeps that code once (measured: several KB of the first load).
pub fn tx(msg: Msg) -> Html {
    Html::VText(yew::virtual_dom::VText::new(AttrValue::Static(tr(msg))))
}

/// [`tx`] for a message with placeholders, filled from `args` (see [`crate::core::i18n::tf`]).
pub fn txf(msg: Msg, args: &[(&str, &dyn std::fmt::Display)]) -> Html {
    Html::VText(yew::virtual_dom::VText::new(AttrValue::from(tf(msg, args))))
}

/// The reducer adapter: all logic is in [`crate::core::state::apply`].
#[derive(Clone, Debug, PartialEq)]
pub struct Store(pub AppState);

impl Reducible for Store {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let next = apply(&self.0, action);
        app::show_link(&self.0, &next);
        Rc::new(Store(next))
    }
}

/// The app context: the state and its dispatcher.
pub type AppCtx = UseReducerHandle<Store>;

/// Reads the app context.
#[hook]
pub fn use_app() -> AppCtx {
    use_context::<AppCtx>().expect("components are rendered inside App's context provider")
}

thread_local! {
    /// The network's events not yet applied, oldest first.
    static PENDING: RefCell<Vec<Action>> = const { RefCell::new(Vec::new()) };
    /// Whether a timer will apply them.
    static FLUSH_SET: Cell<bool> = const { Cell::new(false) };
}

/// Queues one of the network's events (a run event, a ledger event); every [`BATCH_MS`] the
/// queue goes to the reducer as one [`Action::Batch`], in the order the events happened.
pub fn dispatch_batched(dispatcher: &UseReducerDispatcher<Store>, action: Action) {
    PENDING.with_borrow_mut(|q| q.push(action));
    if FLUSH_SET.replace(true) {
        return;
    }
    let dispatcher = dispatcher.clone();
    Timeout::new(BATCH_MS, move || {
        FLUSH_SET.set(false);
        let batch = PENDING.take();
        if !batch.is_empty() {
            dispatcher.dispatch(Action::Batch(batch));
        }
    })
    .forget();
}

/// Ledger events go into the app state like every other change, in batches.
pub fn ledger_sink(app: &AppCtx) -> LedgerSink {
    let dispatcher = app.dispatcher();
    Rc::new(move |ev| dispatch_batched(&dispatcher, Action::Ledger(ev)))
}

/// Mounts the app on the page body.
pub fn start() {
    yew::Renderer::<app::App>::new().render();
}
