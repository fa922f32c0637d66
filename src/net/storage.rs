//! Settings in `localStorage`: providers and the probe selection, and (only for providers
//! whose "remember on this device" box is ticked) their API keys, stored apart from the
//! settings so the settings can be shown or exported without them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::core::provider::ProviderConfig;
use crate::core::state::Selection;

const SETTINGS_KEY: &str = "candor.settings.v1";
const KEYS_KEY: &str = "candor.keys.v1";

#[derive(Serialize, Deserialize)]
struct Saved {
    providers: Vec<ProviderConfig>,
    selection: Selection,
}

fn local() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// Saved providers (with remembered keys filled in) and selection, if any were saved.
pub fn load() -> Option<(Vec<ProviderConfig>, Selection)> {
    let store = local()?;
    let raw = store.get_item(SETTINGS_KEY).ok()??;
    let mut saved: Saved = serde_json::from_str(&raw).ok()?;
    let keys: BTreeMap<String, String> = store
        .get_item(KEYS_KEY)
        .ok()
        .flatten()
        .and_then(|k| serde_json::from_str(&k).ok())
        .unwrap_or_default();
    for p in &mut saved.providers {
        if p.remember_key {
            p.api_key = keys.get(&p.id).cloned();
        }
    }
    Some((saved.providers, saved.selection))
}

/// Saves settings; returns a message for the user when storage refuses (full or disabled).
pub fn save(providers: &[ProviderConfig], selection: &Selection) -> Result<(), String> {
    let store = local().ok_or("This browser does not allow saving settings (localStorage is off).")?;
    let saved = Saved { providers: providers.to_vec(), selection: selection.clone() };
    let json = serde_json::to_string(&saved).map_err(|e| e.to_string())?;
    let keys: BTreeMap<&str, &str> = providers
        .iter()
        .filter(|p| p.remember_key)
        .filter_map(|p| p.api_key.as_deref().filter(|k| !k.is_empty()).map(|k| (p.id.as_str(), k)))
        .collect();
    let keys_json = serde_json::to_string(&keys).map_err(|e| e.to_string())?;
    let full = |_| "Settings could not be saved: browser storage is full or blocked.".to_string();
    store.set_item(SETTINGS_KEY, &json).map_err(full)?;
    if keys.is_empty() {
        store.remove_item(KEYS_KEY).map_err(full)?;
    } else {
        store.set_item(KEYS_KEY, &keys_json).map_err(full)?;
    }
    Ok(())
}
