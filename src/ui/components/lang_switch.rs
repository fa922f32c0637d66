//! The header's choice of interface language: English, 简体中文 or 繁體中文, each named in
//! itself so a reader finds their own whatever language is showing.

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::core::i18n::{tr, Msg, UiLang};

/// Props of [`LangSwitch`].
#[derive(Properties, PartialEq)]
pub struct LangSwitchProps {
    /// The language showing.
    pub lang: UiLang,
    /// Asks for another language.
    pub on_change: Callback<UiLang>,
}

/// A labelled select of the interface languages.
#[component]
pub fn LangSwitch(props: &LangSwitchProps) -> Html {
    let onchange = props.on_change.reform(|e: Event| {
        let value = e.target_unchecked_into::<HtmlSelectElement>().value();
        UiLang::from_tag(&value).unwrap_or_default()
    });
    html! {
        <div class="lang-switch">
            <label for="ui-lang">{ tr(Msg::InterfaceLanguage) }</label>
            <select id="ui-lang" data-testid="ui-lang" {onchange}>
                { for UiLang::ALL.iter().map(|l| html! {
                    <option value={l.tag()} lang={l.tag()} selected={*l == props.lang}>{ l.native_name() }</option>
                }) }
            </select>
        </div>
    }
}
