//! The only code that talks to the network or to browser storage.
//!
//! [`fetch::send`] performs every HTTP request the app makes. [`runner`] drives a probe run
//! through it inside the engine worker, which the page talks to through [`engine`]; [`own`]
//! fetches the site's own files; [`storage`] keeps settings in `localStorage` and runs in
//! IndexedDB (through [`idb`]); [`tools`] hands exports and imports to the tools worker.

pub mod engine;
pub mod fetch;
pub mod files;
pub mod idb;
pub mod lang;
pub mod own;
pub mod runner;
pub mod storage;
pub mod tools;

/// Milliseconds since the epoch, from the browser clock.
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}
