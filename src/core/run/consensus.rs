//! What a cell asked several times adds up to: the majority verdict of its samples, how
//! many agree with it, and whether the verdict flips between them.
//!
//! Ties: when two or more verdicts share the highest count, the one whose first sample came
//! first (the lowest sample number) is the majority. So the figure is decided by the samples
//! alone, never by an order of verdicts, and the same samples always give the same answer.

use crate::core::i18n::{tf, Msg};
use crate::core::verdict::Label;

/// The majority verdict of a cell's samples.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Consensus {
    /// The verdict most samples got (ties: see the module docs).
    pub label: Label,
    /// Samples with that verdict.
    pub agree: usize,
    /// Samples counted.
    pub total: usize,
    /// The first sample with the majority verdict: the one a cell shows and exports stand on.
    pub first: usize,
}

impl Consensus {
    /// The consensus of the verdicts of `total` samples, `label(i)` being sample `i`'s;
    /// `None` for no sample.
    pub fn of(total: usize, label: impl Fn(usize) -> Label) -> Option<Consensus> {
        let mut best: Option<Consensus> = None;
        for first in 0..total {
            let l = label(first);
            if (0..first).any(|i| label(i) == l) {
                continue;
            }
            let agree = (first..total).filter(|&i| label(i) == l).count();
            if best.is_none_or(|b| agree > b.agree) {
                best = Some(Consensus { label: l, agree, total, first });
            }
        }
        best
    }

    /// Whether the samples disagree.
    pub fn flips(&self) -> bool {
        self.agree < self.total
    }

    /// The share of samples agreeing with the majority, 0 to 1.
    pub fn consistency(&self) -> f64 {
        self.agree as f64 / self.total.max(1) as f64
    }

    /// `3/3 agree`, or `2/3 agree, flips` when the samples disagree (in the interface's
    /// language).
    pub fn describe(&self) -> String {
        let msg = if self.flips() { Msg::SamplesFlip } else { Msg::SamplesAgree };
        tf(msg, &[("agree", &self.agree), ("total", &self.total)])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Label::*;

    fn of(labels: &[Label]) -> Option<Consensus> {
        Consensus::of(labels.len(), |i| labels[i])
    }

    #[test]
    fn the_majority_wins_and_consistency_is_its_share() {
        let c = of(&[Refused, Answered, Refused]).unwrap();
        assert_eq!((c.label, c.agree, c.total, c.first), (Refused, 2, 3, 0));
        assert!(c.flips());
        assert!((c.consistency() - 2.0 / 3.0).abs() < 1e-9);
        assert_eq!(c.describe(), "2/3 agree, flips");
        let c = of(&[Deflected, Answered, Answered]).unwrap();
        assert_eq!((c.label, c.first), (Answered, 1));
    }

    #[test]
    fn samples_that_all_agree_do_not_flip() {
        let c = of(&[Answered; 4]).unwrap();
        assert_eq!((c.label, c.agree, c.consistency()), (Answered, 4, 1.0));
        assert!(!c.flips());
        let one = of(&[Blocked]).unwrap();
        assert_eq!((one.label, one.agree, one.total, one.flips()), (Blocked, 1, 1, false));
        assert_eq!(of(&[]), None);
    }

    #[test]
    fn a_tie_goes_to_the_verdict_seen_first() {
        let c = of(&[Answered, Refused, Refused, Answered]).unwrap();
        assert_eq!((c.label, c.agree, c.first), (Answered, 2, 0));
        let c = of(&[Error, Refused, Answered]).unwrap();
        assert_eq!((c.label, c.agree, c.first), (Error, 1, 0));
        let c = of(&[StateNarrative, Refused, Refused, StateNarrative]).unwrap();
        assert_eq!(c.label, StateNarrative);
    }
}
