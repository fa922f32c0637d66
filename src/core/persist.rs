//! What to save of the current run, and when, and the records it is saved as: the
//! persistence policy and the record format, decided here so both are tested natively;
//! `net::storage` puts the records in the browser's IndexedDB.
//!
//! A run is stored as four kinds of record (see [`Record`]):
//! - a line in the list of saved runs ([`RunLine`]: id, date, providers and progress
//!   figures), so the Runs page lists runs without reading their cells;
//! - a header: the run's report without its ledger (and, while the run goes, without its
//!   results);
//! - one record per finished cell, written the moment it finishes and again when the judge's
//!   rating arrives or a verdict is set by hand;
//! - one record per request of the ledger, written when it is sent and again as its
//!   response arrives.
//!
//! So a reload at any moment finds every finished cell and every request made, and Resume
//! sends only the cells still missing.
//!
//! A write that storage refuses is not tried again (the run stays whole in memory, and the
//! user is told and offered an export), but later writes are still tried: storage that was
//! full may have room again once old runs are deleted.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::error::StorageError;
use super::ledger::{Ledger, LedgerEntry, RESTORED};
use super::report::schema::{ReportProvider, SourceKind, Status};
use super::report::{to_json, Report};
use super::run::{Cell, CellId, CellResult, Run, RunStatus};

/// One write the storage layer should perform, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Write {
    /// The run's header (without results: its cells are stored one by one) and its line.
    Head,
    /// Only the run's line in the list, with its progress figures.
    Line,
    /// A stopped run seen for the first time (opened from storage or from a file): its line,
    /// and, when storage does not hold it yet, everything else: the whole report as its
    /// header and every request it made.
    Whole,
    /// One finished cell (its reply, verdict and judge rating, if any).
    Cell(CellId),
    /// One request of the ledger, by entry id.
    Request(u64),
}

/// What has been written to storage for the current run.
#[derive(Debug, Default)]
pub struct Saved {
    run_id: String,
    /// Saved cells, each with the [`cell_stage`] it was saved at.
    cells: HashMap<CellId, u8>,
    head_status: Option<RunStatus>,
    /// The run was first seen stopped: its results may be stored in its header only, so
    /// they are written one by one if it resumes.
    whole_only: bool,
    /// Each ledger entry seen, in ledger order, with the [`stage`] it was saved at.
    requests: Vec<(u64, u8)>,
    /// Cells storage refused, and the browser's reason for the last refusal.
    unsaved: usize,
    why: String,
}

/// How far a request has got: each response part that arrives changes it, and each change
/// is saved.
fn stage(e: &LedgerEntry) -> u8 {
    1 | u8::from(e.status.is_some()) << 1
        | u8::from(e.latency_ms.is_some()) << 2
        | u8::from(e.served_model.is_some() || e.usage.is_some() || e.upstream.is_some()) << 3
}

/// Whether `e` was made for `run`: by one of its providers or its judge, while it ran.
pub fn made_for(e: &LedgerEntry, run: &Run) -> bool {
    let end = run.ended_ms.unwrap_or(f64::INFINITY);
    e.at_ms >= run.started_ms
        && e.at_ms <= end
        && run.providers.iter().chain(&run.judge).any(|p| p.id == e.purpose.provider_id.as_str())
}

/// A cheap sign that the ledger changed (a request sent or a response part arrived): the app
/// asks for a plan when it changes, without scanning the whole ledger.
pub fn ledger_mark(ledger: &Ledger) -> (usize, u32) {
    (ledger.len(), ledger.entries().rev().take(64).map(|e| u32::from(stage(e))).sum())
}

impl Saved {
    /// The writes that bring storage up to date with `run` and its requests in `ledger`,
    /// recorded as done. A run seen for the first time that is not running was opened from
    /// storage or a file: it is stored whole once ([`Write::Whole`]).
    pub fn plan(&mut self, run: &Run, ledger: &Ledger) -> Vec<Write> {
        let mut writes = Vec::new();
        if self.run_id != run.id {
            *self = Saved { run_id: run.id.clone(), ..Saved::default() };
            if run.status != RunStatus::Running {
                self.cells = finished_cells(run).collect();
                self.requests = ledger.entries().map(|e| (e.id, stage(e))).collect();
                self.whole_only = true;
                self.head_status = Some(run.status);
                writes.push(Write::Whole);
            }
        }
        if self.whole_only && run.status == RunStatus::Running {
            // Resumed: from now on the header holds no results, so each is stored apart.
            self.whole_only = false;
            writes.extend(finished_cells(run).map(|(id, _)| Write::Cell(id)));
        }
        let head = self.head_status != Some(run.status);
        if head {
            writes.push(Write::Head);
            self.head_status = Some(run.status);
        }
        let before = writes.len();
        for (id, stage) in finished_cells(run) {
            if self.cells.insert(id, stage) != Some(stage) {
                writes.push(Write::Cell(id));
            }
        }
        if !head && writes.len() > before {
            writes.push(Write::Line);
        }
        for (i, e) in ledger.entries().enumerate() {
            let now = stage(e);
            match self.requests.get_mut(i) {
                Some((id, saved)) if *id == e.id => {
                    if *saved == now {
                        continue;
                    }
                    *saved = now;
                }
                _ => {
                    // A new entry (or the ledger was re-sorted): follow it from here.
                    self.requests.truncate(i);
                    self.requests.push((e.id, now));
                }
            }
            if made_for(e, run) {
                writes.push(Write::Request(e.id));
            }
        }
        writes
    }

    /// The run these writes are for.
    pub fn run_id(&self) -> &str {
        &self.run_id
    }

    /// Storage refused `writes` for `why`. Returns the words for the run bar: how many
    /// replies are not saved, and what to do.
    pub fn refused(&mut self, writes: &[Write], why: &str) -> String {
        self.unsaved += writes.iter().filter(|w| matches!(w, Write::Cell(_))).count();
        self.why = why.to_string();
        self.refusal().unwrap_or_default()
    }

    /// What the run bar says while storage refuses writes for this run, if it has.
    pub fn refusal(&self) -> Option<String> {
        (!self.why.is_empty()).then(|| {
            let what = match self.unsaved {
                0 => "Part of this run".to_string(),
                1 => "1 reply".to_string(),
                n => format!("{n} replies"),
            };
            format!(
                "{what} could not be saved in this browser ({}). Everything stays in this tab, and later replies are still \
                 saved when there is room: export the run (JSON) to keep it.",
                self.why
            )
        })
    }
}

/// What a finished cell holds beyond its reply, each change of which is saved: the judge's
/// rating (it arrives after the reply) and the verdict set by hand.
fn cell_stage(r: &CellResult) -> u8 {
    u8::from(r.judge.is_some()) | r.manual.map_or(0, |l| 2 + l as u8) << 1
}

/// Every finished cell of `run`, with its [`cell_stage`].
fn finished_cells(run: &Run) -> impl Iterator<Item = (CellId, u8)> + '_ {
    run.ids().filter_map(|id| match run.cell(id) {
        Some(Cell::Done(r)) => Some((id, cell_stage(r))),
        _ => None,
    })
}

// ---- Records ----------------------------------------------------------------------------

/// A saved run's line in the list of saved runs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunLine {
    /// Run id.
    pub id: String,
    /// When it started.
    pub started_ms: f64,
    /// Provider titles, in column order.
    pub providers: Vec<String>,
    /// Number of probes.
    pub probes: usize,
    /// Number of cells.
    pub cells: usize,
    /// Cells finished (errors included).
    pub done: usize,
    /// Cells whose verdict is error.
    pub errors: usize,
    /// Running (as last saved: a run saved running was interrupted), cancelled or finished.
    pub status: Status,
    /// Where the results come from, e.g. "Candor run" or "SpeechMap import".
    pub source: String,
}

impl RunLine {
    /// The line of `run`, whose results come from `source`.
    pub fn of(run: &Run, source: SourceKind) -> RunLine {
        let p = run.progress(0.0);
        RunLine {
            id: run.id.clone(),
            started_ms: run.started_ms,
            providers: run.providers.iter().map(|p| ReportProvider::from(p).display_title()).collect(),
            probes: run.probes.len(),
            cells: p.total,
            done: p.done,
            errors: p.errors,
            status: run.status.into(),
            source: source.title().to_string(),
        }
    }

    /// Whether the run was still going when it was last saved (the page was closed or
    /// reloaded mid-run).
    pub fn interrupted(&self) -> bool {
        self.status == Status::Running
    }
}

/// The object stores, by name.
pub mod stores {
    /// Lines of the list of saved runs ([`super::RunLine`]), by run id.
    pub const RUNS: &str = "runs";
    /// Run headers (reports without their ledger), by run id.
    pub const HEADS: &str = "heads";
    /// Finished cells, by `[run id, probe index, provider index]`, and `sample` after them
    /// for every sample but the first.
    pub const CELLS: &str = "cells";
    /// Requests, by `[run id, sent at, request id]`.
    pub const LEDGER: &str = "ledger";
    /// All of them, in the order above.
    pub const ALL: [&str; 4] = [RUNS, HEADS, CELLS, LEDGER];
}

/// A record's key.
#[derive(Clone, Debug, PartialEq)]
pub enum Key {
    /// A run's line or header: its id.
    Run(String),
    /// A cell: the run id and the cell's address.
    Cell(String, CellId),
    /// A request: the run id, when it was sent, and its id as first given (a request
    /// restored from storage keeps its key).
    Request(String, f64, u64),
}

/// One record to put: its store, its key and its value (JSON text).
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    /// The object store, one of [`stores::ALL`].
    pub store: &'static str,
    /// Its key.
    pub key: Key,
    /// Its value: JSON text.
    pub value: String,
}

/// A finished cell's record. Written as reports are (pretty JSON): the app then carries
/// one encoder for cells, not two.
pub fn cell_record(run: &Run, id: CellId, result: &CellResult) -> Record {
    let value = serde_json::to_string_pretty(result).unwrap_or_default();
    Record { store: stores::CELLS, key: Key::Cell(run.id.clone(), id), value }
}

/// A request's record, under `run_id`.
pub fn request_record(run_id: &str, e: &LedgerEntry) -> Record {
    let value = serde_json::to_string_pretty(e).unwrap_or_default();
    Record { store: stores::LEDGER, key: Key::Request(run_id.to_string(), e.at_ms, e.id & !RESTORED), value }
}

/// A run's line record.
pub fn line_record(line: &RunLine) -> Record {
    let value = serde_json::to_string(line).unwrap_or_default();
    Record { store: stores::RUNS, key: Key::Run(line.id.clone()), value }
}

/// A run's header record: `report` without its ledger (whose requests are stored apart).
pub fn head_record(mut report: Report) -> Record {
    report.ledger.clear();
    Record { store: stores::HEADS, key: Key::Run(report.run.id.clone()), value: to_json(&report) }
}

/// The records `writes` ask for (each [`Write::Whole`] taken as "store it all", which
/// storage asks for only for a run it does not hold yet). `report(with_results)` builds the
/// run's report when a header is due.
pub fn records(writes: &[Write], run: &Run, ledger: &Ledger, report: impl Fn(bool) -> Report) -> Vec<Record> {
    let mut out = Vec::with_capacity(writes.len() + 1);
    for write in writes {
        match *write {
            Write::Head => {
                out.push(head_record(report(false)));
                out.push(line_record(&RunLine::of(run, SourceKind::Candor)));
            }
            Write::Line => out.push(line_record(&RunLine::of(run, SourceKind::Candor))),
            Write::Whole => {
                let whole = report(true);
                out.push(line_record(&RunLine::of(run, whole.source.kind)));
                out.extend(whole.ledger.iter().map(|e| request_record(&run.id, e)));
                out.push(head_record(whole));
            }
            Write::Cell(id) => {
                if let Some(Cell::Done(result)) = run.cell(id) {
                    out.push(cell_record(run, id, result));
                }
            }
            Write::Request(id) => {
                if let Some(e) = ledger.entries().rev().find(|e| e.id == id) {
                    out.push(request_record(&run.id, e));
                }
            }
        }
    }
    out
}

/// The records of a run saved in the earlier format: its header as it was (with its ledger,
/// and its results if it had stopped), its line, and its cells (`(probe, provider, JSON)`)
/// as they were.
pub fn old_run_records(
    id: &str,
    head: String,
    cells: Vec<(usize, usize, String)>,
) -> Result<Vec<Record>, StorageError> {
    let cells: Vec<(CellId, String)> = cells
        .into_iter()
        .map(|(probe, provider, json)| (CellId { probe, provider, sample: 0 }, json))
        .collect();
    let (report, run) = assemble(id, &head, cells.iter().cloned(), Vec::new())?;
    // The line keeps the status the run was saved with: one saved mid-run was interrupted.
    let line = RunLine { status: report.run.status, ..RunLine::of(&run, report.source.kind) };
    let mut out =
        vec![line_record(&line), Record { store: stores::HEADS, key: Key::Run(id.to_string()), value: head }];
    out.extend(cells.into_iter().map(|(cell, value)| Record {
        store: stores::CELLS,
        key: Key::Cell(id.to_string(), cell),
        value,
    }));
    Ok(out)
}

/// Reads a JSON record through a parsed `Value`, the way reports are read: types that
/// reports hold too (cells, requests) then share one decoder in the app instead of two.
pub fn via_value<T: serde::de::DeserializeOwned>(json: &str) -> Option<T> {
    let value: serde_json::Value = serde_json::from_str(json).ok()?;
    T::deserialize(&value).ok()
}

/// A saved run put back together from its header, its cells (address and JSON)
/// and its requests: the report (with the saved results and requests) and the run (each
/// saved cell done, the others pending). A cell or request that cannot be read is left out.
pub fn assemble(
    id: &str,
    head: &str,
    cells: impl IntoIterator<Item = (CellId, String)>,
    requests: impl IntoIterator<Item = String>,
) -> Result<(Report, Run), StorageError> {
    let mut report = Report::from_json(head)
        .map_err(|e| StorageError::Unreadable { id: id.to_string(), why: e.to_string() })?;
    let mut run = report.to_run();
    let mut added = false;
    // A cell record is never older than the header's result for the same cell (a run stored
    // whole keeps its results in the header, and a verdict set by hand later is saved as a
    // cell), so the record wins.
    for (id, json) in cells {
        if let Some(result) = via_value::<CellResult>(&json) {
            added |= run.set_cell(id, Cell::Done(result));
        }
    }
    if added {
        // The results as a report has them, to compare runs.
        report.results = Report::from_run(&run, "", &Ledger::default(), 0.0).results;
    }
    // Requests come in key order, which is the order they were sent.
    report.ledger.extend(requests.into_iter().filter_map(|j| via_value::<LedgerEntry>(&j)));
    if report.run.status == Status::Running {
        // Interrupted: it stopped after its last request, not when its header was written.
        let last =
            report.ledger.iter().map(|e| e.at_ms).fold(run.ended_ms.unwrap_or(run.started_ms), f64::max);
        run.ended_ms = Some(last);
    }
    Ok((report, run))
}

// ---- The earlier format -----------------------------------------------------------------
//
// Earlier versions kept runs in localStorage: a list under `candor.runs.v1`, each run a
// header (a report with its ledger) under `candor.run.<id>.head` and each finished cell
// under `candor.run.<id>.cell.<probe>.<provider>`. They are read once, stored as records,
// and removed.

/// The localStorage key of the earlier list of saved runs.
pub const OLD_RUNS_KEY: &str = "candor.runs.v1";

/// The ids of the runs in the earlier list (its JSON text).
pub fn old_run_ids(list_json: &str) -> Vec<String> {
    let list: Vec<serde_json::Value> = via_value(list_json).unwrap_or_default();
    list.iter().filter_map(|r| r.get("id")?.as_str().map(str::to_string)).collect()
}

/// The prefix of every localStorage key of run `id` in the earlier format.
pub fn old_prefix(id: &str) -> String {
    format!("candor.run.{id}.")
}

/// A run saved in the earlier format, from its localStorage items (`(key, value)`, those of
/// other runs ignored): the records to store it as.
pub fn read_old_run(
    id: &str,
    items: impl IntoIterator<Item = (String, String)>,
) -> Result<Vec<Record>, StorageError> {
    let prefix = old_prefix(id);
    let mut head = None;
    let mut cells = Vec::new();
    for (key, value) in items {
        let Some(rest) = key.strip_prefix(&prefix) else { continue };
        if rest == "head" {
            head = Some(value);
        } else if let Some((probe, provider)) = rest.strip_prefix("cell.").and_then(|c| c.split_once('.')) {
            if let (Ok(probe), Ok(provider)) = (probe.parse(), provider.parse()) {
                cells.push((probe, provider, value));
            }
        }
    }
    old_run_records(id, head.ok_or_else(|| StorageError::Gone(id.to_string()))?, cells)
}

/// The Runs page's line about storage: how much Candor stores in this browser, how much the
/// browser allows, and whether the browser may clear it under storage pressure.
pub fn usage_line(used_bytes: f64, quota_bytes: f64, persistent: bool) -> String {
    let bytes = |b: f64| super::flow::format_bytes(b.max(0.0) as u64);
    use super::i18n::{tf, Msg};
    let line = if persistent { Msg::StorageKept } else { Msg::StorageMayClear };
    tf(line, &[("used", &bytes(used_bytes)), ("quota", &bytes(quota_bytes))])
}
