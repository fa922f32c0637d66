//! Candor: see what AI models say about sensitive topics, and where your prompts go.
//!
//! The crate has three layers:
//!
//! - [`core`] is pure Rust with no browser imports: probe packs, the OpenAI-compatible
//!   wire dialect, the verdict classifier, the run state machine and the app state reducer.
//!   Everything in it is tested natively with `cargo test`.
//! - `net` (wasm32 only) is the one place that performs HTTP requests and touches browser
//!   storage.
//! - `ui` (wasm32 only) is the Yew front end; it renders [`core::state::AppState`] and turns
//!   user input into [`core::state::Action`]s.
//!
//! The native command-line tool (`src/bin/candor/`) is built on the same core.

#![deny(missing_docs)]

pub mod core;

#[cfg(target_arch = "wasm32")]
pub mod net;
#[cfg(target_arch = "wasm32")]
pub mod ui;
