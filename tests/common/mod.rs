//! Runs for the native tests: the first probes of the built-in pack against simulated
//! providers, and replies that finish their cells.

use candor::core::dialect::Reply;
use candor::core::pack::Pack;
use candor::core::provider::ProviderConfig;
use candor::core::run::{CellId, Run, RunEvent, RunProvider, Timing};
use candor::core::verdict::Outcome;

/// A run `id` of the pack's first `n_probes` probes against `n_providers` simulated
/// providers (`p0`, `p1`…), started at 1,000 ms.
pub fn run(id: &str, n_probes: usize, n_providers: usize) -> Run {
    let pack = Pack::builtin();
    let probes = pack.probes.iter().take(n_probes).cloned().collect();
    let providers = (0..n_providers)
        .map(|i| {
            let mut p = ProviderConfig::demo();
            p.id = format!("p{i}").into();
            RunProvider::from(&p)
        })
        .collect();
    Run::new(id.into(), &pack, probes, providers, 1000.0)
}

/// A complete reply with this text.
#[allow(dead_code)] // not every test file uses every helper
pub fn answer(text: &str) -> Outcome {
    let reply = Reply { content: text.into(), finish_reason: Some("stop".into()), ..Reply::default() };
    Outcome::Reply { reply, cut_short: None }
}

/// Sends and finishes one cell with `outcome` at `at_ms`.
#[allow(dead_code)] // not every test file uses every helper
pub fn finish_with(run: &mut Run, probe: usize, provider: usize, outcome: Outcome, at_ms: f64) -> CellId {
    let cell = CellId { probe, provider };
    run.apply(RunEvent::Started { cell, at_ms: at_ms.min(1010.0) });
    run.apply(RunEvent::Finished { cell, outcome, timing: Timing::default(), at_ms });
    cell
}
