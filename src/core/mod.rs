//! The pure core of Candor: no browser imports, tested natively.

pub mod advice;
pub mod classifier;
pub mod demo;
pub mod detail;
pub mod dialect;
pub mod error;
pub mod eval;
pub mod flow;
pub mod http;
pub mod judge;
pub mod ledger;
pub mod matrix;
pub mod pack;
pub mod pack_check;
pub mod persist;
pub mod price;
pub mod progress;
pub mod provider;
pub mod report;
pub mod run;
pub mod schedule;
pub mod selection;
pub mod state;
pub mod summary;
pub mod tools;
pub mod verdict;
