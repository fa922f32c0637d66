//! Model prices the user keeps (per million tokens) and how a request's model finds its
//! price: used by the ledger (each request's cost) and the cost chart.

/// A price of a model, per million tokens, in whatever currency the user keeps.
#[derive(Clone, Debug, PartialEq)]
pub struct Price {
    /// Matched case-insensitively against the model id and against
    /// `<provider id>/<model id>`; `*` stands for any run of characters, `?` for one.
    pub provider_model_pattern: String,
    /// Price of a million prompt tokens.
    pub input_per_mtok: f64,
    /// Price of a million completion tokens.
    pub output_per_mtok: f64,
}

/// Which column of the price table an edit is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PriceField {
    /// The model pattern.
    Pattern,
    /// The price of a million prompt tokens.
    Input,
    /// The price of a million completion tokens.
    Output,
}

impl Price {
    /// The price with one field set from what the user typed. A price that is not a
    /// number (or is negative) counts as 0, so a half-typed value never breaks the chart.
    pub fn with(mut self, field: PriceField, text: &str) -> Price {
        let amount = || text.trim().parse::<f64>().ok().filter(|v| v.is_finite() && *v >= 0.0).unwrap_or(0.0);
        match field {
            PriceField::Pattern => self.provider_model_pattern = text.to_string(),
            PriceField::Input => self.input_per_mtok = amount(),
            PriceField::Output => self.output_per_mtok = amount(),
        }
        self
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
        let p = Price { provider_model_pattern: String::new(), input_per_mtok: 1.0, output_per_mtok: 2.0 };
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
