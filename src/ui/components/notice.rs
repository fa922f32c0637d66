//! A dismissible message about the user's last action.

use yew::prelude::*;

use crate::core::i18n::{tr, Msg};
use crate::core::state::Action;
use crate::ui::use_app;

/// Shows [`crate::core::state::AppState::notice`].
#[component]
pub fn Notice() -> Html {
    let app = use_app();
    let Some(msg) = app.0.notice.clone() else { return html! {} };
    let on_close = {
        let app = app.clone();
        Callback::from(move |_| app.dispatch(Action::DismissNotice))
    };
    html! {
        <div class="notice" role="status" data-testid="notice">
            <span>{ msg }</span>
            <button class="btn small ghost" onclick={on_close} aria-label={tr(Msg::Dismiss)}>{"✕"}</button>
        </div>
    }
}
