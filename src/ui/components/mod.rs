//! One component per file.

pub mod ad_hoc;
pub mod charts;
pub mod data_flow;
pub mod detail;
pub mod import_probes;
pub mod judge_picker;
pub mod lang_switch;
pub mod ledger_table;
pub mod matrix;
pub mod matrix_filter;
pub mod notice;
pub mod probe_picker;
pub mod provider_card;
pub mod providers_panel;
pub mod reply_text;
pub mod run_bar;
pub mod runs_page;
pub mod summary;
pub mod verdict_badge;
