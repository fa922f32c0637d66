//! The Yew front end. `app::App` holds the one reducer; components read it through
//! [`use_app`] and change it only by dispatching [`Action`]s.

mod app;
mod components;

use std::rc::Rc;

use yew::prelude::*;

use crate::core::state::{apply, Action, AppState};
use crate::net::fetch::LedgerSink;

/// The reducer adapter: all logic is in [`crate::core::state::apply`].
#[derive(Clone, Debug, PartialEq)]
pub struct Store(pub AppState);

impl Reducible for Store {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        Rc::new(Store(apply(&self.0, action)))
    }
}

/// The app context: the state and its dispatcher.
pub type AppCtx = UseReducerHandle<Store>;

/// Reads the app context.
#[hook]
pub fn use_app() -> AppCtx {
    use_context::<AppCtx>().expect("components are rendered inside App's context provider")
}

/// Ledger events go into the app state like every other change.
pub fn ledger_sink(app: &AppCtx) -> LedgerSink {
    let dispatcher = app.dispatcher();
    Rc::new(move |ev| dispatcher.dispatch(Action::Ledger(ev)))
}

/// Mounts the app on the page body.
pub fn start() {
    yew::Renderer::<app::App>::new().render();
}
