//! Model prices the user keeps (per million tokens) and how a request's model finds its
//! price: used by the ledger (each request's cost) and the cost chart.

use crate::core::dialect::Usage;

/// A price of a model, per million tokens, in whatever currency the user keeps.
///
/// Prompt tokens served from the provider's cache and reasoning tokens are priced apart
/// when the user gives their prices, since most providers bill them differently (cache
/// reads far below fresh input); left empty they cost what fresh input and output do.
/// Every dialect reports cached tokens within the prompt count and reasoning tokens within
/// the completion count (see [`Usage`]), so neither is paid twice.
///
/// Prompt tokens written to the cache (only Anthropic reports them) have no column of their
/// own: they cost the input price times [`CACHE_WRITE_FACTOR`], or [`CACHE_WRITE_1H_FACTOR`]
/// for writes kept an hour, the multipliers Anthropic publishes on its pricing page
/// ("Prompt caching": 1.25× and 2× the base input price).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Price {
    /// Matched case-insensitively against the model id and against
    /// `<provider id>/<model id>`; `*` stands for any run of characters, `?` for one.
    pub provider_model_pattern: String,
    /// Price of a million prompt tokens.
    pub input_per_mtok: f64,
    /// Price of a million completion tokens.
    pub output_per_mtok: f64,
    /// Price of a million prompt tokens read from the cache; `None`: as fresh input.
    pub cached_per_mtok: Option<f64>,
    /// Price of a million reasoning tokens; `None`: as output.
    pub reasoning_per_mtok: Option<f64>,
}

/// A five-minute cache write costs this many times the input price.
pub const CACHE_WRITE_FACTOR: f64 = 1.25;
/// A one-hour cache write costs this many times the input price.
pub const CACHE_WRITE_1H_FACTOR: f64 = 2.0;

/// Which column of the price table an edit is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PriceField {
    /// The model pattern.
    Pattern,
    /// The price of a million prompt tokens.
    Input,
    /// The price of a million completion tokens.
    Output,
    /// The price of a million cached prompt tokens (empty: as input).
    Cached,
    /// The price of a million reasoning tokens (empty: as output).
    Reasoning,
}

/// Token counts of one request or summed over many, as the cost is reckoned from them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tokens {
    /// Prompt tokens, cached ones included.
    pub prompt: u64,
    /// Of them, read from the provider's cache.
    pub cached: u64,
    /// Of them, written to the provider's cache (for five minutes or an hour).
    pub cache_write: u64,
    /// Of the cache writes, those kept for an hour.
    pub cache_write_1h: u64,
    /// Completion tokens, reasoning included.
    pub completion: u64,
    /// Of them, spent on reasoning.
    pub reasoning: u64,
}

impl Tokens {
    /// Adds one request's usage (a count the server left out adds nothing).
    pub fn add(&mut self, u: &Usage) {
        self.prompt += u.prompt_tokens.unwrap_or(0);
        self.cached += u.cached_tokens.unwrap_or(0);
        self.cache_write += u.cache_write_tokens.unwrap_or(0);
        self.cache_write_1h += u.cache_write_1h_tokens.unwrap_or(0);
        self.completion += u.completion_tokens.unwrap_or(0);
        self.reasoning += u.reasoning_tokens.unwrap_or(0);
    }

    /// One request's usage.
    pub fn of(u: &Usage) -> Tokens {
        let mut t = Tokens::default();
        t.add(u);
        t
    }
}

impl Price {
    /// The price with one field set from what the user typed. A price that is not a
    /// number (or is negative) counts as 0, so a half-typed value never breaks the chart;
    /// the cached and reasoning prices, left empty, follow the input and output prices.
    pub fn with(mut self, field: PriceField, text: &str) -> Price {
        let amount = || text.trim().parse::<f64>().ok().filter(|v| v.is_finite() && *v >= 0.0).unwrap_or(0.0);
        let optional = || (!text.trim().is_empty()).then(amount);
        match field {
            PriceField::Pattern => self.provider_model_pattern = text.to_string(),
            PriceField::Input => self.input_per_mtok = amount(),
            PriceField::Output => self.output_per_mtok = amount(),
            PriceField::Cached => self.cached_per_mtok = optional(),
            PriceField::Reasoning => self.reasoning_per_mtok = optional(),
        }
        self
    }

    /// The cost of `t`: fresh, cached and cache-writing prompt tokens, then plain and
    /// reasoning completion tokens, each at its price. A part larger than its whole (a
    /// server's miscount) is held to the whole.
    pub fn cost(&self, t: &Tokens) -> f64 {
        let cached = t.cached.min(t.prompt);
        let written = t.cache_write.min(t.prompt - cached);
        let written_1h = t.cache_write_1h.min(written);
        let reasoning = t.reasoning.min(t.completion);
        ((t.prompt - cached - written) as f64 * self.input_per_mtok
            + cached as f64 * self.cached_per_mtok.unwrap_or(self.input_per_mtok)
            + (written - written_1h) as f64 * self.input_per_mtok * CACHE_WRITE_FACTOR
            + written_1h as f64 * self.input_per_mtok * CACHE_WRITE_1H_FACTOR
            + (t.completion - reasoning) as f64 * self.output_per_mtok
            + reasoning as f64 * self.reasoning_per_mtok.unwrap_or(self.output_per_mtok))
            / 1e6
    }
}

/// Whether `pattern` (with `*` and `?` wildcards) matches all of `text`, ignoring case.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.to_ascii_lowercase().chars().collect();
    let t: Vec<char> = text.to_ascii_lowercase().chars().collect();
    // Greedy matching with backtracking to the last star: linear for one star, and
    // never exponential.
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// The first price whose pattern matches the model or `<provider id>/<model>`.
pub fn price_for(prices: &[Price], provider: &str, model: &str) -> Option<usize> {
    let qualified = format!("{provider}/{model}");
    prices.iter().position(|p| {
        glob_match(&p.provider_model_pattern, model) || glob_match(&p.provider_model_pattern, &qualified)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_prices_never_break_the_chart() {
        let p = Price { input_per_mtok: 1.0, output_per_mtok: 2.0, ..Price::default() };
        let p = p.with(PriceField::Pattern, "gpt-*").with(PriceField::Input, " 0.15 ");
        assert_eq!(
            (p.provider_model_pattern.as_str(), p.input_per_mtok, p.output_per_mtok),
            ("gpt-*", 0.15, 2.0)
        );
        for bad in ["", "1.", "abc", "-3", "NaN", "inf"] {
            let q = p.clone().with(PriceField::Output, bad);
            assert!(q.output_per_mtok >= 0.0 && q.output_per_mtok.is_finite(), "{bad}");
        }
        assert_eq!(p.clone().with(PriceField::Output, "abc").output_per_mtok, 0.0);
        assert_eq!(p.with(PriceField::Output, "1.").output_per_mtok, 1.0);
    }

    #[test]
    fn cached_and_reasoning_tokens_have_their_own_price_or_follow_input_and_output() {
        let t = Tokens {
            prompt: 1_000_000,
            cached: 400_000,
            completion: 2_000_000,
            reasoning: 500_000,
            ..Tokens::default()
        };
        let mut p = Price { input_per_mtok: 1.0, output_per_mtok: 4.0, ..Price::default() };
        // Unset: every prompt token at the input price, every completion token at the output's.
        assert!((p.cost(&t) - (1.0 + 8.0)).abs() < 1e-9, "{}", p.cost(&t));
        p = p.with(PriceField::Cached, "0.1").with(PriceField::Reasoning, "6");
        assert_eq!((p.cached_per_mtok, p.reasoning_per_mtok), (Some(0.1), Some(6.0)));
        // 0.6 M fresh × 1 + 0.4 M cached × 0.1 + 1.5 M output × 4 + 0.5 M reasoning × 6.
        assert!((p.cost(&t) - (0.6 + 0.04 + 6.0 + 3.0)).abs() < 1e-9, "{}", p.cost(&t));
        // Emptied again: back to the input and output prices.
        assert_eq!(p.clone().with(PriceField::Cached, " ").cached_per_mtok, None);
        // A count of cached tokens above the prompt's is held to it.
        let odd = Tokens { prompt: 100, cached: 500, ..Tokens::default() };
        assert!((p.cost(&odd) - 100.0 * 0.1 / 1e6).abs() < 1e-12);
        // Usage as the dialects report it adds up.
        let u = Usage {
            prompt_tokens: Some(10),
            cached_tokens: Some(4),
            completion_tokens: Some(7),
            reasoning_tokens: None,
            total_tokens: Some(17),
            ..Usage::default()
        };
        let mut sum = Tokens::of(&u);
        sum.add(&u);
        assert_eq!(sum, Tokens { prompt: 20, cached: 8, completion: 14, ..Tokens::default() });
    }

    #[test]
    fn cache_writes_cost_more_than_fresh_input_by_anthropics_multipliers() {
        // 1 M prompt tokens: 0.5 M read from the cache, 0.3 M written for five minutes,
        // 0.1 M written for an hour, 0.1 M fresh.
        let u = Usage {
            prompt_tokens: Some(1_000_000),
            cached_tokens: Some(500_000),
            cache_write_tokens: Some(400_000),
            cache_write_1h_tokens: Some(100_000),
            ..Usage::default()
        };
        let p = Price { input_per_mtok: 3.0, cached_per_mtok: Some(0.3), ..Price::default() };
        let want = 0.1 * 3.0 + 0.5 * 0.3 + 0.3 * 3.0 * 1.25 + 0.1 * 3.0 * 2.0;
        assert!((p.cost(&Tokens::of(&u)) - want).abs() < 1e-9, "{}", p.cost(&Tokens::of(&u)));
        // Writes counted beyond what the prompt holds are held to it.
        let odd =
            Tokens { prompt: 100, cached: 60, cache_write: 90, cache_write_1h: 200, ..Tokens::default() };
        let most = 60.0 * 0.3 + 40.0 * 3.0 * 2.0;
        assert!((p.cost(&odd) - most / 1e6).abs() < 1e-12, "{}", p.cost(&odd));
    }

    #[test]
    fn globs() {
        assert!(glob_match("*", ""));
        assert!(glob_match("gpt-4o*", "GPT-4o-mini"));
        assert!(glob_match("*/deepseek-*", "openrouter/deepseek-r1"));
        assert!(glob_match("a?c", "abc"));
        assert!(!glob_match("a?c", "ac"));
        assert!(!glob_match("gpt-4o", "gpt-4o-mini"));
        assert!(glob_match("*a*b*", "xxaxxbxx"));
    }
}
