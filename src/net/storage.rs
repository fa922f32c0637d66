//! Settings in `localStorage`: providers, the probe selection and the judge, and (only for providers
//! whose "remember on this device" box is ticked) their API keys, stored apart from the
//! settings so the settings can be shown or exported without them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use js_sys::Array;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::IdbDatabase;

use crate::core::ledger::{Ledger, LedgerEntry};
use crate::core::persist::Write;
use crate::core::provider::ProviderConfig;
use crate::core::report::schema::ResultRow;
use crate::core::report::{to_json, Report};
use crate::core::run::{Cell, CellId, CellResult, Run};
use crate::core::state::Selection;
use crate::net::idb::{self, Change};

const SETTINGS_KEY: &str = "candor.settings.v1";
const KEYS_KEY: &str = "candor.keys.v1";

#[derive(Serialize, Deserialize)]
struct Saved {
    providers: Vec<ProviderConfig>,
    selection: Selection,
    /// The judge provider's id; settings saved before the judge existed have none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    judge: Option<String>,
}

fn local() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// Saved providers (with remembered keys filled in), selection and judge, if any were saved.
pub fn load() -> Option<(Vec<ProviderConfig>, Selection, Option<String>)> {
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
    Some((saved.providers, saved.selection, saved.judge))
}

/// Saves settings; returns a message for the user when storage refuses (full or disabled).
pub fn save(providers: &[ProviderConfig], selection: &Selection, judge: Option<&str>) -> Result<(), String> {
    let store = local().ok_or("This browser does not allow saving settings (localStorage is off).")?;
    let saved = Saved {
        providers: providers.to_vec(),
        selection: selection.clone(),
        judge: judge.map(str::to_string),
    };
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

// ---- Runs -------------------------------------------------------------------------------
//
// Runs live in IndexedDB (see `net::idb`): a line in the list of saved runs, a header (the
// run's report without results or ledger), one record per finished cell and one per request,
// each written as `core::persist` asks. Runs saved by earlier versions in localStorage are
// moved over once, at start-up ([`migrate`]).

thread_local! {
    /// The open database, once opened: a connection handle, not app state.
    static DB: std::cell::RefCell<Option<IdbDatabase>> = const { std::cell::RefCell::new(None) };
}

async fn db() -> Result<IdbDatabase, StorageError> {
    if let Some(db) = DB.with(|d| d.borrow().clone()) {
        return Ok(db);
    }
    let db = idb::open().await.map_err(StorageError::from)?;
    DB.with(|d| *d.borrow_mut() = Some(db.clone()));
    Ok(db)
}

/// Why saved runs could not be read or written.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum StorageError {
    /// The browser has no room left for this site.
    #[error("Browser storage is full: new replies are kept in this tab only. Export the run (JSON) to keep it, or delete old runs on the Runs page.")]
    Full,
    /// IndexedDB is off or failed (private windows of some browsers, disabled site data).
    #[error("This browser did not let Candor save runs ({0}). Replies are kept in this tab only: export the run (JSON) to keep it.")]
    Unavailable(String),
    /// A saved record could not be read.
    #[error("The saved run {id} cannot be read: {why}")]
    Corrupt {
        /// The run.
        id: String,
        /// What is wrong.
        why: String,
    },
    /// The run is not saved (deleted in another tab).
    #[error("The saved run {0} is gone from this browser's storage.")]
    Gone(String),
}

impl From<idb::IdbError> for StorageError {
    fn from(e: idb::IdbError) -> Self {
        if e.quota {
            StorageError::Full
        } else {
            StorageError::Unavailable(e.message)
        }
    }
}

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

impl SavedRun {
    fn of(report: &Report) -> SavedRun {
        SavedRun {
            id: report.run.id.clone(),
            started_ms: report.run.started_ms,
            providers: report.providers.iter().map(|p| p.display_title()).collect(),
            cells: report.probes.len() * report.providers.len(),
            source: report.source.kind.title().to_string(),
        }
    }
}

fn cell_key(run_id: &str, cell: CellId) -> JsValue {
    Array::of3(&run_id.into(), &(cell.probe as f64).into(), &(cell.provider as f64).into()).into()
}

fn request_key(run_id: &str, e: &LedgerEntry) -> JsValue {
    // The id as text: restored ids carry a high bit that a JavaScript number would round off.
    Array::of3(&run_id.into(), &e.at_ms.into(), &e.id.to_string().into()).into()
}

/// The changes that store a run's header and list it.
fn head_changes(head: &Report) -> Vec<Change> {
    let key = JsValue::from_str(&head.run.id);
    let listed = serde_json::to_string(&SavedRun::of(head)).unwrap_or_default();
    vec![
        Change::Put { store: idb::HEADS, key: key.clone(), value: to_json(head) },
        Change::Put { store: idb::RUNS, key, value: listed },
    ]
}

/// The saved runs, newest first.
pub async fn list_runs() -> Result<Vec<SavedRun>, StorageError> {
    let records = idb::read_all(&db().await?, idb::RUNS, None).await?;
    let mut runs: Vec<SavedRun> =
        records.into_iter().filter_map(|(_, v)| serde_json::from_str(&v).ok()).collect();
    runs.sort_by(|a, b| b.started_ms.total_cmp(&a.started_ms));
    Ok(runs)
}

/// Performs the writes the persistence policy asked for, in one transaction. `report`
/// builds the run's report when a header is due.
pub async fn perform(
    writes: &[Write],
    run: &Run,
    ledger: &Ledger,
    report: impl Fn() -> Report,
) -> Result<(), StorageError> {
    let mut changes = Vec::with_capacity(writes.len());
    for write in writes {
        match *write {
            Write::Head { whole } => {
                let mut head = report();
                if !whole {
                    head.results.clear();
                    head.ledger.clear();
                }
                changes.extend(head_changes(&head));
            }
            Write::Cell(id) => {
                if let Some(Cell::Done(result)) = run.cell(id) {
                    let value = serde_json::to_string(&ResultRow::of(run, id, result))
                        .map_err(|e| StorageError::Unavailable(e.to_string()))?;
                    changes.push(Change::Put { store: idb::CELLS, key: cell_key(&run.id, id), value });
                }
            }
            Write::Request(id) => {
                if let Some(e) = ledger.entries().rev().find(|e| e.id == id) {
                    let value =
                        serde_json::to_string(e).map_err(|e| StorageError::Unavailable(e.to_string()))?;
                    changes.push(Change::Put { store: idb::REQUESTS, key: request_key(&run.id, e), value });
                }
            }
        }
    }
    idb::write(&db().await?, changes).await.map_err(StorageError::from)
}

/// Loads a saved run: its report with every saved cell and request put back, and the run.
/// A run that stopped was saved whole in its header; one that was interrupted has its cells
/// and requests in their own stores.
pub async fn load_run(id: &str) -> Result<(Report, Run), StorageError> {
    let db = db().await?;
    let corrupt = |why: String| StorageError::Corrupt { id: id.to_string(), why };
    let head = idb::get(&db, idb::HEADS, id).await?.ok_or_else(|| StorageError::Gone(id.to_string()))?;
    let mut value: Value = serde_json::from_str(&head).map_err(|e| corrupt(e.to_string()))?;
    if value.pointer("/run/status").and_then(Value::as_str) == Some("running") {
        // The header of an interrupted run holds neither its cells nor its requests: put them
        // in as JSON, so the report format's own checks read them. (A header saved by an
        // earlier version may hold results of its own: those stay.)
        for (field, store) in [("results", idb::CELLS), ("ledger", idb::REQUESTS)] {
            let records = idb::read_all(&db, store, Some(id)).await?;
            let mut parsed = Vec::with_capacity(records.len());
            for (_, json) in records {
                parsed.push(serde_json::from_str::<Value>(&json).map_err(|e| corrupt(e.to_string()))?);
            }
            if let Some(Value::Array(items)) = value.get_mut(field) {
                items.extend(parsed);
            } else if let Some(obj) = value.as_object_mut() {
                obj.insert(field.to_string(), Value::Array(parsed));
            }
        }
    }
    let report = Report::from_value(value).map_err(|e| corrupt(e.to_string()))?;
    let run = report.to_run();
    Ok((report, run))
}

/// Deletes a saved run, its cells and its requests.
pub async fn delete_run(id: &str) -> Result<(), StorageError> {
    let key = JsValue::from_str(id);
    let range = idb::prefix_range(id)?;
    let changes = vec![
        Change::Delete { store: idb::RUNS, key: key.clone() },
        Change::Delete { store: idb::HEADS, key },
        Change::Delete { store: idb::CELLS, key: range.clone() },
        Change::Delete { store: idb::REQUESTS, key: range },
    ];
    idb::write(&db().await?, changes).await.map_err(StorageError::from)
}

/// How much this site stores and may store, and whether the browser keeps it under storage
/// pressure: `(usage bytes, quota bytes, persistent)`, when the browser says.
pub async fn estimate() -> Option<(f64, f64, bool)> {
    let storage = web_sys::window()?.navigator().storage();
    let estimate: web_sys::StorageEstimate =
        JsFuture::from(storage.estimate().ok()?).await.ok()?.unchecked_into();
    let persisted = JsFuture::from(storage.persisted().ok()?).await.ok()?.as_bool().unwrap_or(false);
    Some((estimate.get_usage()?, estimate.get_quota()?, persisted))
}

/// Asks the browser to keep Candor's storage under storage pressure (it may decide without
/// asking the user, or refuse). Returns whether storage is now persistent.
pub async fn ask_persistence() -> bool {
    let Some(storage) = web_sys::window().map(|w| w.navigator().storage()) else { return false };
    let Ok(promise) = storage.persist() else { return false };
    JsFuture::from(promise).await.ok().and_then(|v| v.as_bool()).unwrap_or(false)
}

// Runs saved by earlier versions: a list under `candor.runs.v1`, each run a header (with its
// ledger) under `candor.run.<id>.head` and each cell under `candor.run.<id>.cell.<p>.<v>`.
const OLD_RUNS_KEY: &str = "candor.runs.v1";

fn old_run(store: &web_sys::Storage, id: &str) -> Option<Report> {
    let head = store.get_item(&format!("candor.run.{id}.head")).ok()??;
    let mut report = Report::from_json(&head).ok()?;
    let mut run = report.to_run();
    for probe in 0..report.probes.len() {
        for provider in 0..report.providers.len() {
            let cell = CellId { probe, provider };
            let key = format!("candor.run.{id}.cell.{probe}.{provider}");
            let saved =
                store.get_item(&key).ok().flatten().and_then(|j| serde_json::from_str::<CellResult>(&j).ok());
            if let (Some(result), Some(Cell::Pending)) = (saved, run.cell(cell)) {
                report.results.push(ResultRow::of(&run, cell, &result));
                run.set_cell(cell, Cell::Done(result));
            }
        }
    }
    Some(report)
}

/// Moves runs saved by earlier versions from localStorage into IndexedDB, once: each run is
/// written whole in one transaction, and its old keys are removed only after that commits.
/// Returns how many runs moved.
pub async fn migrate() -> Result<usize, StorageError> {
    let Some(store) = local() else { return Ok(0) };
    let Some(list) = store.get_item(OLD_RUNS_KEY).ok().flatten() else { return Ok(0) };
    let old: Vec<SavedRun> = serde_json::from_str(&list).unwrap_or_default();
    let db = db().await?;
    let mut moved = 0;
    for saved in &old {
        // Each run is saved whole, as a stopped run is: its header holds every result and request.
        let Some(report) = old_run(&store, &saved.id) else { continue };
        idb::write(&db, head_changes(&report)).await?;
        let prefix = format!("candor.run.{}.", saved.id);
        let keys: Vec<String> = (0..store.length().unwrap_or(0))
            .filter_map(|i| store.key(i).ok().flatten())
            .filter(|k| k.starts_with(&prefix))
            .collect();
        for k in keys {
            let _ = store.remove_item(&k);
        }
        moved += 1;
    }
    let _ = store.remove_item(OLD_RUNS_KEY);
    Ok(moved)
}

const PROBES_KEY: &str = "candor.probes.v1";

/// Imported probes saved on this device.
pub fn load_probes() -> Vec<crate::core::pack::Probe> {
    local()
        .and_then(|s| s.get_item(PROBES_KEY).ok().flatten())
        .and_then(|j| serde_json::from_str(&j).ok())
        .unwrap_or_default()
}

/// Saves the imported probes.
pub fn save_probes(probes: &[crate::core::pack::Probe]) -> Result<(), String> {
    let store = local().ok_or("This browser does not allow saving (localStorage is off).")?;
    let json = serde_json::to_string(probes).map_err(|e| e.to_string())?;
    store.set_item(PROBES_KEY, &json).map_err(|_| "Imported probes could not be saved: browser storage is full or blocked. They stay in this tab until it closes.".to_string())
}
