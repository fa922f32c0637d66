//! The header's choice of interface language: English, 简体中文 or 繁體中文, each named in
//! itself so a reader finds their own whatever language is showing. A plain function, not a
//! component: it keeps no state, and a component of its own costs the first load about 2 KB
//! gzipped (measured).

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::core::i18n::{Msg, UiLang};
use crate::ui::tx;

/// A labelled select of the interface languages, showing `lang`; `on_change` gets the choice.
pub fn lang_switch(lang: UiLang, on_change: &Callback<UiLang>) -> Html {
    let onchange = on_change.reform(|e: Event| {
        let value = e.target_unchecked_into::<HtmlSelectElement>().value();
        UiLang::from_tag(&value).unwrap_or_default()
    });
    html! {
        <div class="lang-switch">
            <label for="ui-lang">{ tx(Msg::InterfaceLanguage) }</label>
            <select id="ui-lang" data-testid="ui-lang" {onchange}>
                { for UiLang::ALL.iter().map(|l| html! {
                    <option value={l.tag()} lang={l.tag()} selected={*l == lang}>{ l.native_name() }</option>
                }) }
            </select>
        </div>
    }
}
