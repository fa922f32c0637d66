//! When and what to save of the current run: the persistence policy, decided here so it is
//! tested natively; `net::storage` performs the writes it asks for.
//!
//! A run is stored as a header (the run's report without its results, carrying the ledger)
//! plus one record per finished cell. Each finished cell is written the moment it finishes,
//! and again when the judge's rating arrives; the header is written when the run's status
//! changes and, while it runs, every [`HEAD_EVERY`] finished cells, so an interrupted run
//! keeps its ledger too. Once storage refuses a write, the policy asks for nothing more: the
//! user has been told, and the run stays in memory.

use std::collections::HashSet;

use super::run::{Cell, CellId, Run, RunStatus};

/// While a run is going, its header is rewritten after this many newly saved cells.
pub const HEAD_EVERY: usize = 20;

/// One write the storage layer should perform, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Write {
    /// The run's header. While the run is going, its finished cells are stored one by one,
    /// so the header is written without results (`with_results` false); once it has ended,
    /// the header holds the whole report.
    Head {
        /// Whether the header should carry the cells' results.
        with_results: bool,
    },
    /// One finished cell (its reply, verdict and judge rating, if any).
    Cell(CellId),
}

/// What has been written to storage for the current run.
#[derive(Debug, Default)]
pub struct Saved {
    run_id: String,
    cells: HashSet<CellId>,
    /// Saved cells whose judge rating is saved too (a rating arrives after its reply).
    judged: HashSet<CellId>,
    head_status: Option<RunStatus>,
    /// How many cells were saved when the header was last written.
    head_cells: usize,
    /// Storage refused a write: the user has been told, and no more writes are asked for.
    refused: bool,
}

impl Saved {
    /// The writes that bring storage up to date with `run`, and records them as done. A
    /// run seen for the first time that is not running was opened from storage: its finished
    /// cells are saved already, so only its header is due.
    pub fn plan(&mut self, run: &Run) -> Vec<Write> {
        if self.run_id != run.id {
            *self = Saved { run_id: run.id.clone(), ..Saved::default() };
            if run.status != RunStatus::Running {
                for (id, judged) in finished_cells(run) {
                    self.mark(id, judged);
                }
            }
        }
        if self.refused {
            return Vec::new();
        }
        let mut writes = Vec::new();
        let due = run.status == RunStatus::Running && self.cells.len() >= self.head_cells + HEAD_EVERY;
        if self.head_status != Some(run.status) || due {
            writes.push(Write::Head { with_results: run.status != RunStatus::Running });
            self.head_status = Some(run.status);
            self.head_cells = self.cells.len();
        }
        for (id, judged) in finished_cells(run) {
            if !self.cells.contains(&id) || (judged && !self.judged.contains(&id)) {
                writes.push(Write::Cell(id));
                self.mark(id, judged);
            }
        }
        writes
    }

    /// Storage refused a write: ask for nothing more for this run.
    pub fn refuse(&mut self) {
        self.refused = true;
    }

    /// Whether storage has refused a write for the current run.
    pub fn is_refused(&self) -> bool {
        self.refused
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
