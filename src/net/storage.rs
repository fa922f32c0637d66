//! Browser storage. Settings in `localStorage` (small, and read at once at start-up):
//! providers, the probe selection and the judge, imported probes, and (only for providers
//! whose "remember on this device" box is ticked) their API keys, stored apart from the
//! settings so the settings can be shown or exported without them. Runs in IndexedDB, which
//! has room for big runs and is read asynchronously.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::future::Future;
use std::rc::Rc;

use serde::{Deserialize, Serialize};

use js_sys::Array;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::core::error::StorageError;
use crate::core::persist::{self, stores, Record, RunLine};
use crate::core::provider::{ProviderConfig, ProviderId};
use crate::core::report::Report;
use crate::core::run::CellId;
use crate::core::run::Run;
use crate::core::state::Selection;
use crate::net::idb::{self, Change, IdbError};

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

fn local() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// Saved providers (with remembered keys filled in), selection and judge, if any were saved.
pub fn load() -> Option<(Vec<ProviderConfig>, Selection, Option<ProviderId>)> {
    let store = local()?;
    let raw = store.get_item(SETTINGS_KEY).ok()??;
    let mut saved: Saved = persist::via_value(&raw)?;
    let keys: BTreeMap<String, String> =
        store.get_item(KEYS_KEY).ok().flatten().and_then(|k| persist::via_value(&k)).unwrap_or_default();
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
// Runs live in IndexedDB (`net::idb`), as the records `core::persist` defines: a line in the
// list of saved runs, a header, one record per finished cell and one per request, each
// written as the persistence policy asks. Runs saved by earlier versions in localStorage are
// moved over once ([`migrate`]).

impl From<IdbError> for StorageError {
    fn from(e: IdbError) -> Self {
        if e.quota {
            StorageError::Full
        } else {
            StorageError::Refused(e.message)
        }
    }
}

fn changes(records: Vec<Record>) -> Vec<Change> {
    records.into_iter().map(|r| Change::Put(r.store, idb::key(&r.key), r.value)).collect()
}

/// Records waiting to be written, gathered over a few milliseconds: a reply changes the state
/// several times in a row (its request sent, answered, its cell finished), and each change
/// asks for writes; they go in one transaction, a record written twice only once.
struct Batch {
    records: Vec<Record>,
    /// Settles once the batch is written; `result` then says how it went.
    written: js_sys::Promise,
    settle: js_sys::Function,
    result: Rc<RefCell<Result<(), StorageError>>>,
}

thread_local! {
    static BATCH: RefCell<Option<Batch>> = const { RefCell::new(None) };
}

/// How long records wait for others to join them, in milliseconds (about one frame).
const GATHER_MS: u32 = 16;

/// Puts `records` in the next batch (after those asked for earlier: batches are written in
/// order) and waits until it is written.
pub fn perform(records: Vec<Record>) -> impl Future<Output = Result<(), StorageError>> {
    let joined = (!records.is_empty())
        .then(|| {
            BATCH.with(|b| {
                let mut b = b.borrow_mut();
                if b.is_none() {
                    let (written, settle, _) = idb::promise().ok()?;
                    *b = Some(Batch {
                        records: Vec::new(),
                        written,
                        settle,
                        result: Rc::new(RefCell::new(Ok(()))),
                    });
                    wasm_bindgen_futures::spawn_local(write_batch());
                }
                let batch = b.as_mut()?;
                for r in records {
                    match batch.records.iter_mut().find(|o| o.store == r.store && o.key == r.key) {
                        Some(old) => *old = r,
                        None => batch.records.push(r),
                    }
                }
                Some((batch.written.clone(), batch.result.clone()))
            })
        })
        .flatten();
    async move {
        let Some((written, result)) = joined else { return Ok(()) };
        let _ = JsFuture::from(written).await;
        let result = result.borrow().clone();
        result
    }
}

/// Writes the gathered batch in one transaction, and tells those waiting how it went.
async fn write_batch() {
    gloo_timers::future::TimeoutFuture::new(GATHER_MS).await;
    let Some(batch) = BATCH.with(|b| b.borrow_mut().take()) else { return };
    let result = match idb::db().await {
        Ok(db) => idb::write(&db, changes(batch.records)).await.map_err(StorageError::from),
        Err(e) => Err(e.into()),
    };
    *batch.result.borrow_mut() = result;
    let _ = batch.settle.call0(&JsValue::UNDEFINED);
}

/// Stores a run seen first stopped (a [`persist::Write::Whole`]): one storage holds already
/// (it was opened from here) gets only its line, with its status and figures as they are now
/// and its source as saved; any other (opened from a file) gets the records `whole` builds.
pub async fn store_opened(line: RunLine, whole: impl FnOnce() -> Vec<Record>) -> Result<(), StorageError> {
    let db = idb::db().await?;
    let records = match idb::get(&db, stores::RUNS, &JsValue::from_str(&line.id)).await? {
        Some(old) => {
            let source = persist::via_value::<RunLine>(&old).map_or(line.source.clone(), |o| o.source);
            vec![persist::line_record(&RunLine { source, ..line })]
        }
        None => whole(),
    };
    idb::write(&db, changes(records)).await.map_err(StorageError::from)
}

/// The saved runs, newest first.
pub async fn list_runs() -> Result<Vec<RunLine>, StorageError> {
    let mut runs: Vec<RunLine> = Vec::new();
    for (_, line) in idb::get_all(&idb::db().await?, stores::RUNS, None).await? {
        if let Some(line) = persist::via_value::<RunLine>(&line) {
            let at = runs.partition_point(|r| r.started_ms >= line.started_ms);
            runs.insert(at, line);
        }
    }
    Ok(runs)
}

/// Loads a saved run: its report (results and ledger filled in) and the run, every saved
/// cell done.
pub async fn load_run(id: &str) -> Result<(Report, Run), StorageError> {
    let db = idb::db().await?;
    let head = idb::get(&db, stores::HEADS, &JsValue::from_str(id))
        .await?
        .ok_or_else(|| StorageError::Gone(id.to_string()))?;
    let range = idb::run_range(id)?;
    let cells = idb::get_all(&db, stores::CELLS, Some(&range)).await?;
    let requests = idb::get_all(&db, stores::LEDGER, Some(&range)).await?;
    let index = |k: &JsValue, i: u32| Array::from(k).get(i).as_f64().unwrap_or(-1.0) as usize;
    // Keys written before samples have no fourth part: that reads as sample 0.
    let cell = |k: &JsValue| CellId { probe: index(k, 1), provider: index(k, 2), sample: index(k, 3) };
    let cells = cells.into_iter().map(|(k, v)| (cell(&k), v));
    persist::assemble(id, &head, cells, requests.into_iter().map(|(_, v)| v))
}

/// Deletes a saved run, its cells and its requests.
pub async fn delete_run(id: &str) -> Result<(), StorageError> {
    let (key, range) = (JsValue::from_str(id), idb::run_range(id)?);
    let changes = vec![
        Change::Delete(stores::RUNS, key.clone()),
        Change::Delete(stores::HEADS, key),
        Change::Delete(stores::CELLS, range.clone()),
        Change::Delete(stores::LEDGER, range),
    ];
    idb::write(&idb::db().await?, changes).await.map_err(StorageError::from)
}

/// How much this site stores and may store (bytes), and whether the browser keeps it under
/// storage pressure, when the browser says.
pub async fn estimate() -> Option<(f64, f64, bool)> {
    let storage = web_sys::window()?.navigator().storage();
    let estimate: web_sys::StorageEstimate =
        JsFuture::from(storage.estimate().ok()?).await.ok()?.unchecked_into();
    let persisted = JsFuture::from(storage.persisted().ok()?).await.ok()?.as_bool().unwrap_or(false);
    Some((estimate.get_usage()?, estimate.get_quota()?, persisted))
}

/// Asks the browser, once per page load, to keep Candor's storage under storage pressure (it
/// may decide without asking the user, or refuse).
pub async fn ask_persistence() {
    if let Some(Ok(promise)) = web_sys::window().map(|w| w.navigator().storage().persist()) {
        let _ = JsFuture::from(promise).await;
    }
}

/// Moves runs saved by earlier versions from localStorage into IndexedDB, once: each run is
/// written whole in one transaction, and its old keys are removed only once that committed.
/// Returns how many runs moved.
pub async fn migrate() -> Result<usize, StorageError> {
    let Some(store) = local() else { return Ok(0) };
    let Some(list) = store.get_item(persist::OLD_RUNS_KEY).ok().flatten() else { return Ok(0) };
    let db = idb::db().await?;
    let mut moved = 0;
    for id in persist::old_run_ids(&list) {
        let prefix = persist::old_prefix(&id);
        let items: Vec<(String, String)> = (0..store.length().unwrap_or(0))
            .filter_map(|i| store.key(i).ok().flatten())
            .filter(|k| k.starts_with(&prefix))
            .filter_map(|k| store.get_item(&k).ok().flatten().map(|v| (k, v)))
            .collect();
        // A run that cannot be read is left where it is.
        if let Ok(records) = persist::read_old_run(&id, items.iter().cloned()) {
            idb::write(&db, changes(records)).await?;
            for (k, _) in items {
                let _ = store.remove_item(&k);
            }
            moved += 1;
        }
    }
    let _ = store.remove_item(persist::OLD_RUNS_KEY);
    Ok(moved)
}

const PROBES_KEY: &str = "candor.probes.v1";

/// Imported probes saved on this device.
pub fn load_probes() -> Vec<crate::core::pack::Probe> {
    local()
        .and_then(|s| s.get_item(PROBES_KEY).ok().flatten())
        .and_then(|j| persist::via_value(&j))
        .unwrap_or_default()
}

/// Saves the imported probes.
pub fn save_probes(probes: &[crate::core::pack::Probe]) -> Result<(), StorageError> {
    let store = local().ok_or(StorageError::Off)?;
    let json = serde_json::to_string_pretty(probes).map_err(|_| StorageError::Full)?;
    store.set_item(PROBES_KEY, &json).map_err(|_| StorageError::Full)
}
