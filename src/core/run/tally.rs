//! The run's figures kept up to date cell by cell, so the run bar and the verdict mix cost
//! the same at the 10,000th reply as at the first.

use super::cell::Cell;
use crate::core::summary::Mix;
use crate::core::verdict::Label;

/// What the run's cells add up to.
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) struct Tally {
    /// Finished cells' verdicts, per provider.
    pub(super) mixes: Vec<Mix>,
    /// Cells in flight, per provider.
    pub(super) running: Vec<usize>,
    /// Finished cells whose reply waits for the judge's rating.
    pub(super) awaiting_judge: usize,
    /// Counts every change to a finished cell (a reply, a rating, a verdict revised), so views
    /// that draw finished cells' figures know when to work them out again.
    pub(super) revision: u64,
}

impl Tally {
    /// The tally of a grid of pending cells.
    pub(super) fn new(providers: usize) -> Tally {
        Tally { mixes: vec![Mix::default(); providers], running: vec![0; providers], ..Tally::default() }
    }

    /// Counts `cell`, in `provider`'s column, in (`sign` 1) or out (`sign` -1).
    pub(super) fn count(&mut self, provider: usize, cell: &Cell, sign: i8) {
        match cell {
            Cell::Pending => {}
            Cell::Running { .. } => {
                if let Some(n) = self.running.get_mut(provider) {
                    *n = if sign > 0 { *n + 1 } else { n.saturating_sub(1) };
                }
            }
            Cell::Done(r) => {
                self.revision += 1;
                if let Some(m) = self.mixes.get_mut(provider) {
                    if sign > 0 {
                        m.add_cell(r);
                    } else {
                        m.remove_cell(r);
                    }
                }
                if r.awaits_judge() {
                    self.awaiting_judge = if sign > 0 {
                        self.awaiting_judge + 1
                    } else {
                        self.awaiting_judge.saturating_sub(1)
                    };
                }
            }
        }
    }

    /// Finished cells.
    pub(super) fn done(&self) -> usize {
        self.mixes.iter().map(|m| m.total() as usize).sum()
    }

    /// Finished cells whose verdict is error.
    pub(super) fn errors(&self) -> usize {
        self.mixes.iter().map(|m| m.count(Label::Error) as usize).sum()
    }
}
