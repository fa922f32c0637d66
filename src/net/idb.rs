//! A small async layer over the browser's IndexedDB, enough for Candor's run storage: open
//! the database (creating its stores), put and delete records in one transaction, and read
//! all records under a key prefix. Records are JSON text; keys are strings or arrays.
//!
//! Written on `web_sys` directly rather than a wrapper crate: it is about a hundred lines,
//! and every kilobyte of the app counts against its size budget.

use js_sys::{Array, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbKeyRange, IdbObjectStore, IdbRequest, IdbTransaction, IdbTransactionMode};

/// The database's name and version; the stores are created on first open.
const NAME: &str = "candor";
const VERSION: u32 = 1;

/// Object stores: the list of saved runs, their headers, their cells and their requests.
pub const RUNS: &str = "runs";
/// Run headers (reports without results or ledger), by run id.
pub const HEADS: &str = "heads";
/// Finished cells, by `[run id, probe, provider]`.
pub const CELLS: &str = "cells";
/// Ledger entries, by `[run id, sent at, entry id]`.
pub const REQUESTS: &str = "requests";

const STORES: [&str; 4] = [RUNS, HEADS, CELLS, REQUESTS];

/// Why an IndexedDB call failed, in words; `quota` when the browser ran out of room.
#[derive(Clone, Debug)]
pub struct IdbError {
    /// The browser's error name and message.
    pub message: String,
    /// Whether the browser refused for lack of room (`QuotaExceededError`).
    pub quota: bool,
}

impl IdbError {
    fn from_js(v: JsValue) -> IdbError {
        let (name, message) = match v.dyn_ref::<web_sys::DomException>() {
            Some(e) => (e.name(), e.message()),
            None => (String::new(), v.as_string().unwrap_or_else(|| "IndexedDB failed".to_string())),
        };
        IdbError {
            quota: name == "QuotaExceededError",
            message: format!("{name} {message}").trim().to_string(),
        }
    }
}

/// A promise with the two functions that settle it (the executor runs at once, by the
/// Promise constructor's definition).
fn promise() -> Result<(Promise, js_sys::Function, js_sys::Function), IdbError> {
    let mut parts = None;
    let promise = Promise::new(&mut |resolve, reject| parts = Some((resolve, reject)));
    let (resolve, reject) = parts
        .ok_or(IdbError { message: "the browser did not run a promise's executor".into(), quota: false })?;
    Ok((promise, resolve, reject))
}

/// Waits for a request's success (its result) or error.
async fn done(req: &IdbRequest) -> Result<JsValue, IdbError> {
    let (promise, resolve, reject) = promise()?;
    let ok = {
        let req = req.clone();
        Closure::<dyn FnMut()>::new(move || {
            let _ = resolve.call1(&JsValue::UNDEFINED, &req.result().unwrap_or(JsValue::UNDEFINED));
        })
    };
    let fail = {
        let req = req.clone();
        Closure::<dyn FnMut()>::new(move || {
            let err = req.error().ok().flatten().map_or(JsValue::UNDEFINED, JsValue::from);
            let _ = reject.call1(&JsValue::UNDEFINED, &err);
        })
    };
    req.set_onsuccess(Some(ok.as_ref().unchecked_ref()));
    req.set_onerror(Some(fail.as_ref().unchecked_ref()));
    // The closures live until the request settles; then the handlers are taken off.
    let result = JsFuture::from(promise).await.map_err(IdbError::from_js);
    req.set_onsuccess(None);
    req.set_onerror(None);
    result
}

/// Waits for a transaction to commit (or fail: a refused write aborts the transaction).
async fn committed(tx: &IdbTransaction) -> Result<(), IdbError> {
    let (promise, resolve, reject) = promise()?;
    let ok = Closure::<dyn FnMut()>::new(move || {
        let _ = resolve.call0(&JsValue::UNDEFINED);
    });
    let fail = {
        let tx = tx.clone();
        Closure::<dyn FnMut()>::new(move || {
            let err = tx.error().map_or(JsValue::UNDEFINED, JsValue::from);
            let _ = reject.call1(&JsValue::UNDEFINED, &err);
        })
    };
    tx.set_oncomplete(Some(ok.as_ref().unchecked_ref()));
    tx.set_onabort(Some(fail.as_ref().unchecked_ref()));
    let result = JsFuture::from(promise).await.map(|_| ()).map_err(IdbError::from_js);
    tx.set_oncomplete(None);
    tx.set_onabort(None);
    result
}

/// Opens Candor's database, creating its stores the first time.
pub async fn open() -> Result<IdbDatabase, IdbError> {
    let factory = web_sys::window()
        .and_then(|w| w.indexed_db().ok().flatten())
        .ok_or(IdbError { message: "IndexedDB is not available in this browser".into(), quota: false })?;
    let req = factory.open_with_u32(NAME, VERSION).map_err(IdbError::from_js)?;
    let upgrade = {
        let req = req.clone();
        Closure::<dyn FnMut()>::new(move || {
            let Ok(db) = req.result().and_then(|r| r.dyn_into::<IdbDatabase>()) else {
                return;
            };
            let names = db.object_store_names();
            for store in STORES {
                if !names.contains(store) {
                    let _ = db.create_object_store(store);
                }
            }
        })
    };
    req.set_onupgradeneeded(Some(upgrade.as_ref().unchecked_ref()));
    let db = done(&req).await?;
    req.set_onupgradeneeded(None);
    db.dyn_into::<IdbDatabase>().map_err(IdbError::from_js)
}

/// One change in a write transaction.
pub enum Change {
    /// Puts `value` (JSON text) under `key` in `store`.
    Put {
        /// The store.
        store: &'static str,
        /// The key.
        key: JsValue,
        /// The record.
        value: String,
    },
    /// Deletes every record of `store` under the key or key range.
    Delete {
        /// The store.
        store: &'static str,
        /// A key or an `IDBKeyRange`.
        key: JsValue,
    },
}

/// Applies `changes` in one transaction: all of them, or (if the browser refuses one) none.
pub async fn write(db: &IdbDatabase, changes: Vec<Change>) -> Result<(), IdbError> {
    if changes.is_empty() {
        return Ok(());
    }
    let names: Array = STORES.iter().map(|s| JsValue::from_str(s)).collect();
    let tx = db
        .transaction_with_str_sequence_and_mode(&names, IdbTransactionMode::Readwrite)
        .map_err(IdbError::from_js)?;
    let store =
        |name: &str| -> Result<IdbObjectStore, IdbError> { tx.object_store(name).map_err(IdbError::from_js) };
    for change in changes {
        let queued = match change {
            Change::Put { store: s, key, value } => store(s)?.put_with_key(&JsValue::from_str(&value), &key),
            Change::Delete { store: s, key } => store(s)?.delete(&key),
        };
        if let Err(e) = queued {
            let _ = tx.abort();
            return Err(IdbError::from_js(e));
        }
    }
    committed(&tx).await
}

/// The record of `store` under `key`, if there is one.
pub async fn get(db: &IdbDatabase, store: &'static str, key: &str) -> Result<Option<String>, IdbError> {
    let tx = db.transaction_with_str(store).map_err(IdbError::from_js)?;
    let req =
        tx.object_store(store).and_then(|s| s.get(&JsValue::from_str(key))).map_err(IdbError::from_js)?;
    Ok(done(&req).await?.as_string())
}

/// Every record of `store` whose key starts with `prefix` (keys are arrays), with its key,
/// in key order; or every record of the store when `prefix` is `None`.
pub async fn read_all(
    db: &IdbDatabase,
    store: &'static str,
    prefix: Option<&str>,
) -> Result<Vec<(JsValue, String)>, IdbError> {
    let tx = db.transaction_with_str(store).map_err(IdbError::from_js)?;
    let s = tx.object_store(store).map_err(IdbError::from_js)?;
    let (keys, values) = match prefix {
        Some(p) => {
            let range = prefix_range(p)?;
            (s.get_all_keys_with_key(&range), s.get_all_with_key(&range))
        }
        None => (s.get_all_keys(), s.get_all()),
    };
    let keys = done(&keys.map_err(IdbError::from_js)?).await?;
    let values = done(&values.map_err(IdbError::from_js)?).await?;
    let (keys, values) = (Array::from(&keys), Array::from(&values));
    Ok(keys.iter().zip(values.iter()).filter_map(|(k, v)| v.as_string().map(|v| (k, v))).collect())
}

/// Every array key that starts with `prefix`: `[prefix]` sorts before all of them and
/// `[prefix, []]` after (an array sorts after every number and string).
pub fn prefix_range(prefix: &str) -> Result<JsValue, IdbError> {
    let lower = Array::of1(&JsValue::from_str(prefix));
    let upper = Array::of2(&JsValue::from_str(prefix), &Array::new());
    IdbKeyRange::bound(&lower, &upper).map(JsValue::from).map_err(IdbError::from_js)
}
