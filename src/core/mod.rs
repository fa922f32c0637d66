//! The pure core of Candor: no browser imports, tested natively.

pub mod classifier;
pub mod demo;
pub mod dialect;
pub mod eval;
pub mod http;
pub mod pack;
pub mod provider;
pub mod run;
pub mod state;
pub mod summary;
pub mod verdict;
