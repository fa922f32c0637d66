//! When and what to save of the current run: the persistence policy, decided here so it is
//! tested natively; `net::storage` performs the writes it asks for.
//!
//! A run is stored as a header (the run's report: while it runs without results or ledger,
//! and whole once it has stopped), one record per finished cell and one record per request
//! in the ledger. Each finished cell is written the moment it finishes, and again when the judge's
//! rating arrives; each request is written when it is sent and again as its response
//! arrives; the header is written when the run's status changes. So a reload at any moment
//! finds every finished cell and every request.
//!
//! A write that storage refuses is not retried (the run stays complete in memory, and the
//! user is told once and offered an export), but later writes are still tried: storage that
//! was full may have room again after the user deletes old runs.

use std::collections::HashSet;

use super::ledger::Ledger;
use super::run::{Cell, CellId, Run, RunStatus};

/// One write the storage layer should perform, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Write {
    /// The run's header, and its line in the list of saved runs. While the run is going its
    /// cells and requests are stored one by one, so the header is written without them
    /// (`whole` false); once it has stopped, the header is the whole report, so a stopped
    /// run (or an imported one, whose cells were never written one by one) opens from it.
    Head {
        /// Whether the header is the whole report, results and ledger included.
        whole: bool,
    },
    /// One finished cell (its reply, verdict and judge rating, if any).
    Cell(CellId),
    /// One request of the run's ledger, by entry id.
    Request(u64),
}

/// What has been written to storage for the current run.
#[derive(Debug, Default)]
pub struct Saved {
    run_id: String,
    cells: HashSet<CellId>,
    /// Saved cells whose judge rating is saved too (a rating arrives after its reply).
    judged: HashSet<CellId>,
    head_status: Option<RunStatus>,
    /// The ledger revision written last.
    ledger_revision: u64,
    /// The run was first seen stopped (opened from storage or a file): it is stored whole in
    /// its header only, so its cells and requests must be written one by one if it resumes.
    whole_only: bool,
    /// Storage refused a write for this run and the user has been told.
    told: bool,
}

impl Saved {
    /// The writes that bring storage up to date with `run` and its requests in `ledger`,
    /// recorded as done. A run seen for the first time that is not running was opened from
    /// storage or a file: it is saved whole in its header, and its cells and requests are
    /// written one by one only if it is resumed.
    pub fn plan(&mut self, run: &Run, ledger: &Ledger) -> Vec<Write> {
        if self.run_id != run.id {
            *self = Saved { run_id: run.id.clone(), ..Saved::default() };
            if run.status != RunStatus::Running {
                for (id, judged) in finished_cells(run) {
                    self.mark(id, judged);
                }
                self.ledger_revision = ledger.revision();
                self.whole_only = true;
            }
        }
        let mut writes = Vec::new();
        if self.whole_only && run.status == RunStatus::Running {
            // Resumed: from now on the header holds neither results nor requests.
            self.whole_only = false;
            writes.extend(finished_cells(run).map(|(id, _)| Write::Cell(id)));
            writes.extend(ledger.entries().filter(|e| e.made_for(run)).map(|e| Write::Request(e.id)));
        }
        if self.head_status != Some(run.status) {
            writes.push(Write::Head { whole: run.status != RunStatus::Running });
            self.head_status = Some(run.status);
        }
        for (id, judged) in finished_cells(run) {
            if !self.cells.contains(&id) || (judged && !self.judged.contains(&id)) {
                writes.push(Write::Cell(id));
                self.mark(id, judged);
            }
        }
        let requests = ledger.changed_since(self.ledger_revision).filter(|e| e.made_for(run));
        writes.extend(requests.map(|e| Write::Request(e.id)));
        self.ledger_revision = ledger.revision();
        writes
    }

    /// Storage refused a write. Returns whether the user should be told: only the first time
    /// for a run.
    pub fn refused(&mut self) -> bool {
        !std::mem::replace(&mut self.told, true)
    }

    fn mark(&mut self, id: CellId, judged: bool) {
        self.cells.insert(id);
        if judged {
            self.judged.insert(id);
        }
    }
}

/// Every finished cell of `run`, with whether it carries a judge rating.
fn finished_cells(run: &Run) -> impl Iterator<Item = (CellId, bool)> + '_ {
    (0..run.probes.len()).flat_map(move |probe| {
        (0..run.providers.len()).filter_map(move |provider| {
            let id = CellId { probe, provider };
            match run.cell(id) {
                Some(Cell::Done(r)) => Some((id, r.judge.is_some())),
                _ => None,
            }
        })
    })
}

/// The Runs page's line about storage: how much Candor stores in this browser, how much the
/// browser allows, and whether the browser may clear it under storage pressure.
pub fn usage_line(used_bytes: f64, quota_bytes: f64, persistent: bool) -> String {
    let bytes = |b: f64| super::flow::format_bytes(b.max(0.0) as u64);
    let kept = if persistent {
        "the browser keeps it even when the disk runs low"
    } else {
        "the browser may clear it when the disk runs low (export runs you want to keep)"
    };
    format!(
        "Candor stores {} in this browser, of {} it allows; {kept}.",
        bytes(used_bytes),
        bytes(quota_bytes)
    )
}
