//! Numbers written with a fixed count of decimals, for coordinates, timings, percentages and
//! prices.
//!
//! `format!("{:.1}", v)` pulls the standard library's exact float-to-decimal code into the
//! page (about 3 KB gzipped); scaling to an integer does the same job for every value the
//! interface shows.

/// `v` with `digits` decimals (at most 9), rounded half away from zero: `fixed(2.345, 1)` is
/// `"2.3"`, `fixed(0.5, 0)` is `"1"`. A value that rounds to zero has no minus sign. Not a
/// number prints `NaN`, infinities `inf` and `-inf`; a magnitude past 1.8e19 / 10^digits
/// prints as that bound.
pub fn fixed(v: impl Into<f64>, digits: usize) -> String {
    decimals(v.into(), digits)
}

fn decimals(v: f64, digits: usize) -> String {
    if v.is_nan() {
        return "NaN".to_string();
    }
    if v.is_infinite() {
        return if v > 0.0 { "inf" } else { "-inf" }.to_string();
    }
    let digits = digits.min(9);
    let unit = 10u64.pow(digits as u32);
    let n = (v.abs() * unit as f64).round() as u64;
    let sign = if v < 0.0 && n > 0 { "-" } else { "" };
    if unit == 1 {
        format!("{sign}{n}")
    } else {
        format!("{sign}{}.{:0digits$}", n / unit, n % unit)
    }
}

/// `v` with at most `digits` decimals and no trailing zeros: `short(0.27, 6)` is `"0.27"`,
/// `short(12.0, 1)` is `"12"`. For numbers a person typed (prices, temperatures) and for
/// coordinates, where `12.50` would be noise.
pub fn short(v: impl Into<f64>, digits: usize) -> String {
    let mut s = decimals(v.into(), digits);
    if s.contains('.') {
        s.truncate(s.trim_end_matches('0').trim_end_matches('.').len());
    }
    s
}

/// A share in 0..=1 as a whole percentage: `percent(0.4)` is `"40%"`.
pub fn percent(share: impl Into<f64>) -> String {
    fixed(share.into() * 100.0, 0) + "%"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_decimals_round_half_away_from_zero() {
        assert_eq!(fixed(2.345, 1), "2.3");
        assert_eq!(fixed(2.35, 1), "2.4");
        assert_eq!(fixed(0.5, 0), "1");
        assert_eq!(fixed(1234.5678, 2), "1234.57");
        assert_eq!(fixed(0.000_12, 4), "0.0001");
        assert_eq!(fixed(7.0, 3), "7.000");
        assert_eq!(fixed(0.05, 1), "0.1");
        assert_eq!(fixed(1.5, 12), "1.500000000", "at most nine decimals");
    }

    #[test]
    fn negatives_keep_their_sign_unless_they_round_to_zero() {
        assert_eq!(fixed(-3.26, 1), "-3.3");
        assert_eq!(fixed(-0.04, 1), "0.0");
        assert_eq!(fixed(-12.0, 0), "-12");
    }

    #[test]
    fn values_that_are_not_numbers_say_so() {
        assert_eq!(fixed(f64::NAN, 1), "NaN");
        assert_eq!(fixed(f64::INFINITY, 2), "inf");
        assert_eq!(fixed(f64::NEG_INFINITY, 0), "-inf");
    }

    #[test]
    fn fixed_agrees_with_the_standard_formatter_away_from_ties() {
        for i in 0..20_000 {
            let v = f64::from(i) * 0.137 - 1000.0;
            for d in 0..4 {
                let ours = fixed(v, d);
                let std = format!("{v:.d$}");
                // The standard formatter keeps the sign of a negative value that rounds to
                // zero ("-0.0"); `fixed` drops it.
                let std = if std == "-0"
                    || std.starts_with("-0.") && std.trim_start_matches(['-', '0', '.']).is_empty()
                {
                    std[1..].to_string()
                } else {
                    std
                };
                // Only a value within a hair of a tie may round the other way.
                let tie = (v.abs() * 10f64.powi(d as i32)).fract();
                if (tie - 0.5).abs() > 1e-6 {
                    assert_eq!(ours, std, "{v} to {d} decimals");
                }
            }
        }
    }

    #[test]
    fn short_drops_trailing_zeros() {
        assert_eq!(short(0.27, 6), "0.27");
        assert_eq!(short(12.0, 1), "12");
        assert_eq!(short(12.04, 1), "12");
        assert_eq!(short(0.7f32, 6), "0.7");
        assert_eq!(short(1500.0, 2), "1500");
        assert_eq!(short(-0.001, 2), "0");
    }

    #[test]
    fn percent_is_a_whole_number() {
        assert_eq!(percent(0.4), "40%");
        assert_eq!(percent(1.0), "100%");
        assert_eq!(percent(0.0), "0%");
        assert_eq!(percent(0.333), "33%");
    }
}
