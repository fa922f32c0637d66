//! Tokens and estimated cost per provider: the tokens a run used, the user's price table,
//! and the geometry of the chart that sets them side by side.

use super::{label_width, short, BAR_H, GROUP_GAP, VALUE_W};
use crate::core::ledger::{LedgerEntry, PurposeKind};
use crate::core::num::fixed;
use crate::core::price::{price_for, Price, Tokens};
use crate::core::run::{Cell, CellId, Run};

/// Tokens one provider used in a run.
#[derive(Clone, Debug, PartialEq)]
pub struct TokenUse {
    /// Provider id.
    pub provider: crate::core::provider::ProviderId,
    /// Display title.
    pub title: String,
    /// Model id.
    pub model: String,
    /// The tokens, summed over its replies (or its judge requests).
    pub tokens: Tokens,
}

impl TokenUse {
    /// A provider's row with no tokens yet.
    pub fn new(provider: crate::core::provider::ProviderId, title: String, model: String) -> TokenUse {
        TokenUse { provider, title, model, tokens: Tokens::default() }
    }

    /// Adds one reply's or request's usage.
    pub fn add(&mut self, u: &crate::core::dialect::Usage) {
        self.tokens.add(u);
    }

    /// The tokens of a run's judge, summed over the judge requests in `entries` (the
    /// ledger), as one more row of the cost chart titled `Judge: <title>`.
    pub fn of_judge<'a>(
        judge_id: &str,
        title: &str,
        model: &str,
        entries: impl IntoIterator<Item = &'a LedgerEntry>,
    ) -> TokenUse {
        let mut out = TokenUse::new(
            crate::core::provider::ProviderId::new(judge_id),
            format!("Judge: {title}"),
            model.to_string(),
        );
        let judged = entries
            .into_iter()
            .filter(|e| e.purpose.kind == PurposeKind::Judge && e.purpose.provider_id == *judge_id);
        for u in judged.filter_map(|e| e.usage.as_ref()) {
            out.add(u);
        }
        out
    }

    /// Tokens each provider of `run` used, in column order, summed over the usage its
    /// finished replies reported; then, when the run has a judge, the judge's row from its
    /// requests in `ledger` sent since the run started.
    pub fn of_run<'a>(run: &Run, ledger: impl IntoIterator<Item = &'a LedgerEntry>) -> Vec<TokenUse> {
        let mut out: Vec<TokenUse> = run
            .providers
            .iter()
            .enumerate()
            .map(|(col, p)| {
                let mut u = TokenUse::new(p.id.clone(), p.title.clone(), p.model.clone());
                let every = (0..run.probes.len())
                    .flat_map(|probe| run.samples_of(CellId { probe, provider: col, sample: 0 }));
                for cell in every {
                    let Cell::Done(r) = &**cell else { continue };
                    if let Some(usage) = r.reply().and_then(|reply| reply.usage.as_ref()) {
                        u.add(usage);
                    }
                }
                u
            })
            .collect();
        if let Some(j) = &run.judge {
            let since_start = ledger.into_iter().filter(|e| e.at_ms >= run.started_ms);
            out.push(TokenUse::of_judge(&j.id, &j.title, &j.model, since_start));
        }
        out
    }
}

/// One provider's row of the cost chart: a stacked token bar (prompt, then completion)
/// and a cost bar.
#[derive(Clone, Debug, PartialEq)]
pub struct CostBar {
    /// Provider title, shortened.
    pub label: String,
    /// Top of the row.
    pub y: f64,
    /// Bar thickness.
    pub h: f64,
    /// Where the token bar starts.
    pub tokens_x: f64,
    /// Length of the prompt part.
    pub prompt_w: f64,
    /// Length of the completion part (it starts at `tokens_x + prompt_w`).
    pub completion_w: f64,
    /// Where the cost bar starts.
    pub cost_x: f64,
    /// Length of the cost bar (0 without a price).
    pub cost_w: f64,
    /// Prompt tokens.
    pub prompt_tokens: u64,
    /// Completion tokens.
    pub completion_tokens: u64,
    /// Estimated cost, when a price matched.
    pub cost: Option<f64>,
    /// Index of the matching price.
    pub price: Option<usize>,
}

impl CostBar {
    /// The text beside the bar: `120 + 30 tokens · $0.0001`, or `· no price` without one.
    pub fn value_text(&self) -> String {
        use crate::core::i18n::{tf, tr, Msg};
        let cost = self.cost.map_or_else(|| tr(Msg::NoPrice).to_string(), |c| format!("${}", fixed(c, 4)));
        let tokens =
            tf(Msg::TokensSum, &[("prompt", &self.prompt_tokens), ("completion", &self.completion_tokens)]);
        format!("{tokens} · {cost}")
    }
}

/// Tokens and estimated cost per provider, side by side.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CostChart {
    /// One row per provider, in the given order.
    pub bars: Vec<CostBar>,
    /// Length of the longest token bar, and of the most expensive cost bar.
    pub bar_len: f64,
    /// Sum of the estimated costs, when at least one provider had a price.
    pub total_cost: Option<f64>,
    /// Total width.
    pub width: f64,
    /// Total height.
    pub height: f64,
}

/// Lays out tokens and cost (tokens ÷ 1,000,000 × price, see [`Price::cost`]) per provider. Token bars share
/// one scale (the most tokens is `bar_len` long), cost bars another. A provider without a
/// matching price has no cost bar.
pub fn cost_bars(usage: &[TokenUse], prices: &[Price], bar_len: f64) -> CostChart {
    if usage.is_empty() || bar_len <= 0.0 {
        return CostChart::default();
    }
    let titles: Vec<String> = usage.iter().map(|u| u.title.clone()).collect();
    let tokens_x = label_width(&titles);
    let cost_x = tokens_x + bar_len + VALUE_W;
    let costs: Vec<(Option<usize>, Option<f64>)> = usage
        .iter()
        .map(|u| {
            let price = price_for(prices, &u.provider, &u.model);
            let cost = price.map(|i| prices[i].cost(&u.tokens));
            (price, cost)
        })
        .collect();
    let max_tokens = usage.iter().map(|u| u.tokens.prompt + u.tokens.completion).max().unwrap_or(0);
    let max_cost = costs.iter().filter_map(|c| c.1).fold(0.0, f64::max);
    let scale = |n: u64| if max_tokens == 0 { 0.0 } else { n as f64 / max_tokens as f64 * bar_len };
    let bars: Vec<CostBar> = usage
        .iter()
        .zip(&costs)
        .enumerate()
        .map(|(i, (u, &(price, cost)))| CostBar {
            label: short(&u.title),
            y: i as f64 * (BAR_H + GROUP_GAP),
            h: BAR_H,
            tokens_x,
            prompt_w: scale(u.tokens.prompt),
            completion_w: scale(u.tokens.prompt + u.tokens.completion) - scale(u.tokens.prompt),
            cost_x,
            cost_w: match cost {
                Some(c) if max_cost > 0.0 => c / max_cost * bar_len,
                _ => 0.0,
            },
            prompt_tokens: u.tokens.prompt,
            completion_tokens: u.tokens.completion,
            cost,
            price,
        })
        .collect();
    let priced: Vec<f64> = costs.iter().filter_map(|c| c.1).collect();
    CostChart {
        height: bars.len() as f64 * (BAR_H + GROUP_GAP) - GROUP_GAP,
        bars,
        bar_len,
        total_cost: (!priced.is_empty()).then(|| priced.iter().sum()),
        width: cost_x + bar_len + VALUE_W,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn costs_are_tokens_times_price_and_bars_scale() {
        let usage = vec![
            TokenUse {
                provider: "ds".into(),
                title: "DeepSeek".into(),
                model: "deepseek-chat".into(),
                tokens: Tokens { prompt: 1_000_000, completion: 1_000_000, ..Tokens::default() },
            },
            TokenUse {
                provider: "or".into(),
                title: "OpenRouter".into(),
                model: "qwen/qwen3".into(),
                tokens: Tokens { prompt: 500_000, completion: 0, ..Tokens::default() },
            },
            TokenUse {
                provider: "x".into(),
                title: "Unpriced".into(),
                model: "mystery".into(),
                tokens: Tokens { prompt: 0, completion: 0, ..Tokens::default() },
            },
        ];
        let prices = vec![
            Price {
                provider_model_pattern: "DeepSeek-*".into(),
                input_per_mtok: 0.27,
                output_per_mtok: 1.10,
                ..Price::default()
            },
            Price {
                provider_model_pattern: "or/*".into(),
                input_per_mtok: 2.0,
                output_per_mtok: 8.0,
                ..Price::default()
            },
        ];
        let c = cost_bars(&usage, &prices, 100.0);
        assert_eq!(c.bars.len(), 3);
        assert!((c.bars[0].cost.unwrap() - 1.37).abs() < 1e-9);
        assert!((c.bars[1].cost.unwrap() - 1.0).abs() < 1e-9);
        assert_eq!((c.bars[2].cost, c.bars[2].price), (None, None));
        assert!((c.total_cost.unwrap() - 2.37).abs() < 1e-9);
        assert!((c.bars[0].prompt_w + c.bars[0].completion_w - 100.0).abs() < 1e-9);
        assert!((c.bars[1].prompt_w - 25.0).abs() < 1e-9);
        assert!((c.bars[0].cost_w - 100.0).abs() < 1e-9);
        assert!(c.bars[0].cost_x >= c.bars[0].tokens_x + 100.0);
        assert_eq!(cost_bars(&[], &prices, 100.0), CostChart::default());
        assert_eq!(cost_bars(&usage, &[], 100.0).total_cost, None);
        assert_eq!(c.bars[0].value_text(), "1000000 + 1000000 tokens · $1.3700");
        assert_eq!(c.bars[2].value_text(), "0 + 0 tokens · no price");
    }

    #[test]
    fn a_runs_tokens_are_summed_per_column_and_the_judge_from_the_ledger() {
        use crate::core::dialect::{Reply, Usage};
        use crate::core::http::HttpRequest;
        use crate::core::ledger::{Ledger, LedgerEvent, Purpose};
        use crate::core::pack::Pack;
        use crate::core::provider::{Preset, ProviderConfig};
        use crate::core::run::{RunEvent, RunProvider, Timing};
        use crate::core::verdict::Outcome;

        let pack = Pack::builtin();
        let probes = pack.probes[..3].to_vec();
        let providers = vec![
            RunProvider::from(&ProviderConfig::demo()),
            RunProvider::from(&ProviderConfig::from_preset("p1", Preset::DeepSeek)),
        ];
        let mut run = Run::new("r".into(), &pack, probes, providers, 1_000.0);
        run.judge = Some(RunProvider::from(&ProviderConfig::from_preset("p2", Preset::OpenAi)));
        let used = |p, c| Usage { prompt_tokens: Some(p), completion_tokens: c, ..Usage::default() };
        // Column 1: two replies with usage, one without; column 0 never finishes.
        // The first reply read 4 of its prompt tokens from the cache and reasoned for 2.
        let cached = Usage { cached_tokens: Some(4), reasoning_tokens: Some(2), ..used(10, Some(5)) };
        for (probe, usage) in [(0, Some(cached)), (1, Some(used(7, None))), (2, None)] {
            let cell = CellId { probe, provider: 1, sample: 0 };
            run.apply(RunEvent::Started { cell, at_ms: 1_100.0 });
            let reply = Reply { content: "An answer.".into(), usage, ..Reply::default() };
            let outcome = Outcome::Reply { reply, cut_short: None };
            let timing = Timing { latency_ms: 1.0, bytes_out: 1, bytes_in: 1, ..Timing::default() };
            run.finish(cell, outcome, timing, 1_200.0);
        }
        let mut ledger = Ledger::default();
        let req = HttpRequest {
            method: "POST".into(),
            url: "https://api.openai.com/v1".into(),
            headers: vec![],
            body: None,
        };
        // A judge request from an earlier run does not count.
        for (id, at) in [(1, 500.0), (2, 1_300.0)] {
            let purpose = Purpose::new(PurposeKind::Judge, "p2", "OpenAI", "judge");
            ledger.apply(LedgerEvent::Sent(Box::new(LedgerEntry::sent(id, at, purpose, &req))));
            ledger.apply(LedgerEvent::Served {
                id,
                model: None,
                upstream: None,
                usage: Some(used(100, Some(3))),
            });
        }

        let u = TokenUse::of_run(&run, ledger.entries());
        let rows: Vec<(&str, u64, u64)> =
            u.iter().map(|u| (u.provider.as_str(), u.tokens.prompt, u.tokens.completion)).collect();
        assert_eq!(rows, [("demo", 0, 0), ("p1", 17, 5), ("p2", 100, 3)]);
        assert_eq!(
            u[1].tokens,
            Tokens { prompt: 17, cached: 4, completion: 5, reasoning: 2, ..Tokens::default() }
        );
        // Cached input at a tenth of the price, reasoning at the output price.
        let price = Price {
            provider_model_pattern: "*".into(),
            input_per_mtok: 1.0,
            output_per_mtok: 2.0,
            cached_per_mtok: Some(0.1),
            reasoning_per_mtok: None,
        };
        let chart = cost_bars(&u[1..2], &[price], 100.0);
        assert!((chart.bars[0].cost.unwrap() - (13.0 + 0.4 + 10.0) / 1e6).abs() < 1e-15);
        assert_eq!(u[2].title, format!("Judge: {}", run.judge.as_ref().unwrap().title));
        run.judge = None;
        assert_eq!(TokenUse::of_run(&run, ledger.entries()).len(), 2);
    }
}
