//! A small async layer over the browser's IndexedDB, enough for Candor's run storage: open
//! the database (creating its stores), put and delete records in one transaction, and read
//! one record or all records of a run. Values are JSON text; keys are strings or arrays
//! (see `core::persist::Key`).
//!
//! Written on `web_sys` directly rather than a wrapper crate: it is about a hundred and fifty
//! lines, and every kilobyte of the app counts against its size budget.

use std::cell::RefCell;
use std::future::Future;

use js_sys::{Array, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbKeyRange, IdbRequest, IdbTransaction, IdbTransactionMode};

use crate::core::persist::{stores, Key};

/// The database's name and version; the stores are created on first open.
const NAME: &str = "candor";
const VERSION: u32 = 1;

/// Why an IndexedDB call failed, in the browser's words; `quota` when it ran out of room.
#[derive(Clone, Debug)]
pub struct IdbError {
    /// The browser's error name and message.
    pub message: String,
    /// Whether the browser refused for lack of room (`QuotaExceededError`).
    pub quota: bool,
}

impl IdbError {
    fn new(message: &str) -> IdbError {
        IdbError { message: message.to_string(), quota: false }
    }

    fn from_js(v: JsValue) -> IdbError {
        match v.dyn_ref::<web_sys::DomException>() {
            Some(e) => IdbError {
                quota: e.name() == "QuotaExceededError",
                message: format!("{}: {}", e.name(), e.message()),
            },
            None => IdbError::new(&v.as_string().unwrap_or_else(|| "IndexedDB failed".to_string())),
        }
    }
}

thread_local! {
    /// The open database, once opened: a connection handle, not app state.
    static DB: RefCell<Option<IdbDatabase>> = const { RefCell::new(None) };
}

/// A promise with the two functions that settle it (the executor runs at once, by the
/// Promise constructor's definition).
pub fn promise() -> Result<(Promise, js_sys::Function, js_sys::Function), IdbError> {
    let mut parts = None;
    let promise = Promise::new(&mut |resolve, reject| parts = Some((resolve, reject)));
    let (resolve, reject) =
        parts.ok_or_else(|| IdbError::new("the browser did not run a promise's executor"))?;
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

/// Waits for a transaction to commit, or fails with why it did not (a refused write aborts
/// the transaction).
async fn committed(tx: IdbTransaction) -> Result<(), IdbError> {
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

/// Candor's database, opened (and its stores created) the first time it is asked for.
pub async fn db() -> Result<IdbDatabase, IdbError> {
    if let Some(db) = opened() {
        return Ok(db);
    }
    let factory = web_sys::window()
        .and_then(|w| w.indexed_db().ok().flatten())
        .ok_or_else(|| IdbError::new("IndexedDB is not available in this browser"))?;
    let req = factory.open_with_u32(NAME, VERSION).map_err(IdbError::from_js)?;
    let upgrade = {
        let req = req.clone();
        Closure::<dyn FnMut()>::new(move || {
            let Ok(db) = req.result().and_then(|r| r.dyn_into::<IdbDatabase>()) else { return };
            let names = db.object_store_names();
            for store in stores::ALL {
                if !names.contains(store) {
                    let _ = db.create_object_store(store);
                }
            }
        })
    };
    req.set_onupgradeneeded(Some(upgrade.as_ref().unchecked_ref()));
    let db = done(&req).await?;
    req.set_onupgradeneeded(None);
    let db: IdbDatabase = db.dyn_into().map_err(IdbError::from_js)?;
    // Opened twice at once (two early callers): keep the first connection.
    Ok(DB.with(|d| d.borrow_mut().get_or_insert(db).clone()))
}

/// The database, if it is open already.
pub fn opened() -> Option<IdbDatabase> {
    DB.with(|d| d.borrow().clone())
}

/// A record key as IndexedDB takes it.
pub fn key(k: &Key) -> JsValue {
    match k {
        Key::Run(id) => JsValue::from_str(id),
        Key::Cell(id, c) => {
            let key = Array::of3(&id.into(), &(c.probe as f64).into(), &(c.provider as f64).into());
            // The first sample keeps the key cells had before runs had samples.
            if c.sample > 0 {
                key.push(&(c.sample as f64).into());
            }
            key.into()
        }
        // The id as text: a restored id would round off as a JavaScript number.
        Key::Request(id, at, n) => Array::of3(&id.into(), &(*at).into(), &n.to_string().into()).into(),
    }
}

/// Every array key that starts with `run_id`: `[run_id]` sorts before all of them and
/// `[run_id, []]` after (an array sorts after every number and string).
pub fn run_range(run_id: &str) -> Result<JsValue, IdbError> {
    let lower = Array::of1(&JsValue::from_str(run_id));
    let upper = Array::of2(&JsValue::from_str(run_id), &Array::new());
    IdbKeyRange::bound(&lower, &upper).map(JsValue::from).map_err(IdbError::from_js)
}

/// One change in a write transaction.
pub enum Change {
    /// Puts a value (JSON text) under a key.
    Put(&'static str, JsValue, String),
    /// Deletes the records under a key or key range.
    Delete(&'static str, JsValue),
}

/// Queues `changes` in one transaction of `db` at once (so transactions commit in the order
/// they were asked for) and returns the wait for its commit: all of them are kept, or (if
/// the browser refuses one) none.
pub fn write(db: &IdbDatabase, changes: Vec<Change>) -> impl Future<Output = Result<(), IdbError>> {
    let queued = (|| {
        let names: Array = stores::ALL.iter().map(|s| JsValue::from_str(s)).collect();
        let tx = db
            .transaction_with_str_sequence_and_mode(&names, IdbTransactionMode::Readwrite)
            .map_err(IdbError::from_js)?;
        for change in changes {
            let queued = match change {
                Change::Put(s, key, value) => {
                    tx.object_store(s).and_then(|s| s.put_with_key(&JsValue::from_str(&value), &key))
                }
                Change::Delete(s, key) => tx.object_store(s).and_then(|s| s.delete(&key)),
            };
            if let Err(e) = queued {
                let _ = tx.abort();
                return Err(IdbError::from_js(e));
            }
        }
        Ok(tx)
    })();
    async move { committed(queued?).await }
}

/// The record of `store` under `key`, if there is one.
pub async fn get(db: &IdbDatabase, store: &'static str, key: &JsValue) -> Result<Option<String>, IdbError> {
    let req = db.transaction_with_str(store).and_then(|tx| tx.object_store(store)?.get(key));
    Ok(done(&req.map_err(IdbError::from_js)?).await?.as_string())
}

/// Every record of `store` in `range` (every record when `None`), with its key, in key
/// order.
pub async fn get_all(
    db: &IdbDatabase,
    store: &'static str,
    range: Option<&JsValue>,
) -> Result<Vec<(JsValue, String)>, IdbError> {
    let s =
        db.transaction_with_str(store).and_then(|tx| tx.object_store(store)).map_err(IdbError::from_js)?;
    let (keys, values) = match range {
        Some(r) => (s.get_all_keys_with_key(r), s.get_all_with_key(r)),
        None => (s.get_all_keys(), s.get_all()),
    };
    let keys = done(&keys.map_err(IdbError::from_js)?).await?;
    let values = done(&values.map_err(IdbError::from_js)?).await?;
    let (keys, values) = (Array::from(&keys), Array::from(&values));
    Ok(keys.iter().zip(values.iter()).filter_map(|(k, v)| v.as_string().map(|v| (k, v))).collect())
}
