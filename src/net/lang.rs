//! The interface language on the page's side: which one to start in (chosen before, or the
//! browser's preference), remembering a choice, fetching a Chinese catalogue (recorded in
//! the ledger as Candor's own request) and marking the page's `<html lang>`.

use crate::core::i18n::{self, Catalogue, UiLang};
use crate::net::fetch::LedgerSink;
use crate::net::own::fetch_asset;

const LANG_KEY: &str = "candor.lang.v1";

fn local() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The language to start in: the one chosen in the switch before, or else the first of the
/// browser's languages that Candor speaks.
pub fn preferred() -> UiLang {
    let chosen = local().and_then(|s| s.get_item(LANG_KEY).ok().flatten());
    if let Some(lang) = chosen.as_deref().and_then(UiLang::from_tag) {
        return lang;
    }
    let browser: Vec<String> = web_sys::window()
        .map(|w| w.navigator().languages().iter().filter_map(|v| v.as_string()).collect())
        .unwrap_or_default();
    UiLang::pick(&browser)
}

/// Remembers the switch's choice on this device (a browser that refuses storage just
/// forgets it).
pub fn remember(lang: UiLang) {
    if let Some(s) = local() {
        let _ = s.set_item(LANG_KEY, lang.tag());
    }
}

/// Installs `lang`'s catalogue from its fetched text (`None` for English).
pub fn install(lang: UiLang, text: Option<&str>) -> Result<(), String> {
    if let Some(text) = text.filter(|_| !i18n::ready(lang)) {
        i18n::install(lang, Catalogue::from_json(text)?);
    }
    if !i18n::select(lang) {
        return Err("no catalogue".into());
    }
    if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
        let _ = root.set_attribute("lang", lang.tag());
    }
    Ok(())
}

/// Switches the interface to `lang`, fetching its catalogue the first time.
pub async fn switch(lang: UiLang, ledger: &LedgerSink) -> Result<(), String> {
    let text = match lang.file().filter(|_| !i18n::ready(lang)) {
        Some(path) => Some(fetch_asset(path, "interface language", ledger).await.map_err(String::from)?),
        None => None,
    };
    install(lang, text.as_deref())
}

/// Puts focus back on the language switch (`#ui-lang`) after the page is drawn afresh.
pub fn focus_switch() {
    use wasm_bindgen::JsCast;
    let el = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("ui-lang"));
    if let Some(el) = el.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = el.focus();
    }
}
