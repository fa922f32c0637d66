//! Which probes of the pack a run asks: topics, languages and whether controls come too.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::core::pack::{Lang, Pack, Probe, ProbeKind};

/// Which probes of the pack a run asks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Selection {
    /// Topic ids (sensitive topics; their control topics follow them).
    pub topics: BTreeSet<String>,
    /// Languages.
    pub langs: BTreeSet<Lang>,
    /// Whether to ask the control probes matched with the chosen sensitive probes.
    pub controls: bool,
}

impl Selection {
    /// Everything in the pack.
    pub fn all(pack: &Pack) -> Selection {
        Selection {
            topics: pack
                .topics
                .iter()
                .filter(|t| t.kind == ProbeKind::Sensitive)
                .map(|t| t.id.clone())
                .collect(),
            langs: Lang::ALL.into_iter().collect(),
            controls: true,
        }
    }

    /// The chosen probes in matrix order: each topic's sensitive probes, then its controls.
    pub fn probes(&self, pack: &Pack) -> Vec<Probe> {
        let mut out = Vec::new();
        for topic in pack.topics_in_matrix_order() {
            let wanted = match topic.kind {
                ProbeKind::Sensitive => self.topics.contains(&topic.id),
                ProbeKind::Control => {
                    self.controls && topic.mirrors.as_ref().is_some_and(|m| self.topics.contains(m))
                }
            };
            if wanted {
                out.extend(
                    pack.probes
                        .iter()
                        .filter(|p| p.topic == topic.id && self.langs.contains(&p.lang))
                        .cloned(),
                );
            }
        }
        out
    }
}
