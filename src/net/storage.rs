//! Settings in `localStorage`: providers, the probe selection and the judge, and (only for providers
//! whose "remember on this device" box is ticked) their API keys, stored apart from the
//! settings so the settings can be shown or exported without them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::core::error::StorageError;
use crate::core::persist::Write;
use crate::core::provider::{ProviderConfig, ProviderId};
use crate::core::report::{to_json, Report};
use crate::core::run::{Cell, CellId, CellResult, Run};
use crate::core::state::Selection;

const SETTINGS_KEY: &str = "candor.settings.v1";
const KEYS_KEY: &str = "candor.keys.v1";

#[derive(Serialize, Deserialize)]
struct Saved {
    providers: Vec<ProviderConfig>,
    selection: Selection,
    /// The judge provider's id; settings saved before the judge existed have none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    judge: Option<ProviderId>,
}

/// Reads JSON text through a parsed `Value`, the way reports are read: types that reports
/// hold too (cells, probes) then share one decoder in the app instead of two (measured: two
/// decoders for the same types cost several KB of the first load).
pub fn via_value<T: serde::de::DeserializeOwned>(json: &str) -> Option<T> {
    let value: serde_json::Value = serde_json::from_str(json).ok()?;
    T::deserialize(&value).ok()
}

fn local() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// Saved providers (with remembered keys filled in), selection and judge, if any were saved.
pub fn load() -> Option<(Vec<ProviderConfig>, Selection, Option<ProviderId>)> {
    let store = local()?;
    let raw = store.get_item(SETTINGS_KEY).ok()??;
    // Through a `Value` like reports, so providers' settings and dialects share their decoders.
    let mut saved: Saved = via_value(&raw)?;
    let keys: BTreeMap<String, String> = store
        .get_item(KEYS_KEY)
        .ok()
        .flatten()
        .and_then(|k| serde_json::from_str(&k).ok())
        .unwrap_or_default();
    for p in &mut saved.providers {
        if p.remember_key {
            p.api_key = keys.get(p.id.as_str()).cloned();
        }
    }
    Some((saved.providers, saved.selection, saved.judge))
}

/// Saves settings; returns a message for the user when storage refuses (full or disabled).
pub fn save(
    providers: &[ProviderConfig],
    selection: &Selection,
    judge: Option<&ProviderId>,
) -> Result<(), StorageError> {
    let store = local().ok_or(StorageError::Off)?;
    let saved = Saved { providers: providers.to_vec(), selection: selection.clone(), judge: judge.cloned() };
    let json = serde_json::to_string(&saved).map_err(|_| StorageError::SettingsRefused)?;
    let keys: BTreeMap<&str, &str> = providers
        .iter()
        .filter(|p| p.remember_key)
        .filter_map(|p| p.api_key.as_deref().filter(|k| !k.is_empty()).map(|k| (p.id.as_str(), k)))
        .collect();
    let keys_json = serde_json::to_string(&keys).map_err(|_| StorageError::SettingsRefused)?;
    let full = |_| StorageError::SettingsRefused;
    store.set_item(SETTINGS_KEY, &json).map_err(full)?;
    if keys.is_empty() {
        store.remove_item(KEYS_KEY).map_err(full)?;
    } else {
        store.set_item(KEYS_KEY, &keys_json).map_err(full)?;
    }
    Ok(())
}

// ---- Runs -------------------------------------------------------------------------------
//
// A run is stored as a header (a report of the run as it started, or as it ended, with the
// ledger) plus one key per finished cell, written the moment the cell finishes: a reload
// or a crash loses nothing that had arrived.

const RUNS_KEY: &str = "candor.runs.v1";

/// A saved run, as listed on the Runs page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SavedRun {
    /// Run id.
    pub id: String,
    /// When it started.
    pub started_ms: f64,
    /// Provider titles, in column order.
    pub providers: Vec<String>,
    /// Number of cells.
    pub cells: usize,
    /// Where the source is, e.g. "Candor run" or "SpeechMap import".
    pub source: String,
}

fn head_key(id: &str) -> String {
    format!("candor.run.{id}.head")
}

fn cell_key(id: &str, cell: CellId) -> String {
    format!("candor.run.{id}.cell.{}.{}", cell.probe, cell.provider)
}

/// The saved runs, newest first.
pub fn list_runs() -> Vec<SavedRun> {
    let mut runs: Vec<SavedRun> = local()
        .and_then(|s| s.get_item(RUNS_KEY).ok().flatten())
        .and_then(|j| serde_json::from_str(&j).ok())
        .unwrap_or_default();
    runs.sort_by(|a, b| b.started_ms.total_cmp(&a.started_ms));
    runs
}

/// Saves a run's header (and lists it). Call at the start and when it ends.
fn save_run_head(report: &Report) -> Result<(), StorageError> {
    let store = local().ok_or(StorageError::Off)?;
    store.set_item(&head_key(&report.run.id), &to_json(report)).map_err(|_| StorageError::Full)?;
    let mut runs = list_runs();
    runs.retain(|r| r.id != report.run.id);
    runs.push(SavedRun {
        id: report.run.id.clone(),
        started_ms: report.run.started_ms,
        providers: report.providers.iter().map(|p| p.display_title()).collect(),
        cells: report.probes.len() * report.providers.len(),
        source: report.source.kind.title().to_string(),
    });
    let json = serde_json::to_string(&runs).map_err(|_| StorageError::Full)?;
    store.set_item(RUNS_KEY, &json).map_err(|_| StorageError::Full)
}

/// Performs the writes the persistence policy asked for, in order, stopping at the first
/// that storage refuses. `report(with_results)` builds the run's report (with its ledger)
/// when a header is due: without results while the run goes, its cells being stored apart.
pub fn perform(writes: &[Write], run: &Run, report: impl Fn(bool) -> Report) -> Result<(), StorageError> {
    for write in writes {
        match *write {
            Write::Head { with_results } => save_run_head(&report(with_results))?,
            Write::Cell(id) => {
                if let Some(Cell::Done(result)) = run.cell(id) {
                    save_cell(&run.id, id, result)?;
                }
            }
        }
    }
    Ok(())
}

/// Saves one finished cell.
fn save_cell(run_id: &str, cell: CellId, result: &CellResult) -> Result<(), StorageError> {
    let store = local().ok_or(StorageError::Off)?;
    // Written as reports are (pretty): the app then carries one encoder for cells, not two
    // (measured: 1.5 KB of the first load, for a few percent more stored bytes).
    let json = serde_json::to_string_pretty(result).map_err(|_| StorageError::Full)?;
    store.set_item(&cell_key(run_id, cell), &json).map_err(|_| StorageError::Full)
}

/// Loads a saved run: its report header with every saved cell put back.
pub fn load_run(id: &str) -> Result<(Report, Run), StorageError> {
    let store = local().ok_or(StorageError::Off)?;
    let head =
        store.get_item(&head_key(id)).ok().flatten().ok_or_else(|| StorageError::Gone(id.to_string()))?;
    let report = Report::from_json(&head)
        .map_err(|e| StorageError::Unreadable { id: id.to_string(), why: e.to_string() })?;
    let mut run = report.to_run();
    for probe in 0..run.probes.len() {
        for provider in 0..run.providers.len() {
            let id = CellId { probe, provider };
            if !matches!(run.cell(id), Some(Cell::Pending)) {
                continue;
            }
            let saved = store.get_item(&cell_key(&report.run.id, id)).ok().flatten();
            if let Some(result) = saved.and_then(|j| via_value::<CellResult>(&j)) {
                run.set_cell(id, Cell::Done(result));
            }
        }
    }
    Ok((report, run))
}

/// Deletes a saved run and its cells.
pub fn delete_run(id: &str) {
    let Some(store) = local() else { return };
    let prefix = format!("candor.run.{id}.");
    let keys: Vec<String> = (0..store.length().unwrap_or(0))
        .filter_map(|i| store.key(i).ok().flatten())
        .filter(|k| k.starts_with(&prefix))
        .collect();
    for k in keys {
        let _ = store.remove_item(&k);
    }
    let mut runs = list_runs();
    runs.retain(|r| r.id != id);
    if let Ok(json) = serde_json::to_string(&runs) {
        let _ = store.set_item(RUNS_KEY, &json);
    }
}

const PROBES_KEY: &str = "candor.probes.v1";

/// Imported probes saved on this device.
pub fn load_probes() -> Vec<crate::core::pack::Probe> {
    local()
        .and_then(|s| s.get_item(PROBES_KEY).ok().flatten())
        .and_then(|j| via_value(&j))
        .unwrap_or_default()
}

/// Saves the imported probes.
pub fn save_probes(probes: &[crate::core::pack::Probe]) -> Result<(), StorageError> {
    let store = local().ok_or(StorageError::Off)?;
    let json = serde_json::to_string_pretty(probes).map_err(|_| StorageError::Full)?;
    store.set_item(PROBES_KEY, &json).map_err(|_| StorageError::Full)
}
