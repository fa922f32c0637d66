//! When a failed request is worth another try, and how long to wait first.
//!
//! Only failures that say nothing about the prompt are retried: a rate limit (HTTP 429), a
//! busy server (HTTP 503) and a request that got no response at all. The wait doubles with
//! each try, with jitter so parallel requests do not come back in step, and a server's
//! `Retry-After` is honoured up to the user's limit.

use crate::core::run::WaitReason;

/// How hard Candor tries before a cell becomes an error.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RetryPolicy {
    /// Tries per request, the first included (1: never retry).
    pub max_tries: u32,
    /// The longest Candor waits before a retry; a server asking for more gets no retry.
    pub max_wait_ms: f64,
    /// The wait before the second try; it doubles with each try after that.
    pub base_wait_ms: f64,
    /// Failures in a row after which a provider is paused.
    pub pause_after: u32,
    /// How long a paused provider gets no new request.
    pub pause_ms: f64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_tries: 3,
            max_wait_ms: 60_000.0,
            base_wait_ms: 1_000.0,
            pause_after: 6,
            pause_ms: 10_000.0,
        }
    }
}

impl RetryPolicy {
    /// One try per request: failures become error cells at once.
    pub fn single_try() -> Self {
        RetryPolicy { max_tries: 1, ..RetryPolicy::default() }
    }

    /// This policy with a user's limits: `tries` per request (at least 1) and waits of at
    /// most `max_wait_s` seconds.
    pub fn with_limits(self, tries: u32, max_wait_s: u32) -> Self {
        RetryPolicy { max_tries: tries.max(1), max_wait_ms: f64::from(max_wait_s) * 1000.0, ..self }
    }
}

/// Why a request failed, as far as retrying is concerned.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Failure {
    /// A retryable failure; `retry_after_ms` is how long the server asked Candor to wait.
    Transient {
        /// What kind of failure.
        kind: WaitReason,
        /// The server's `Retry-After`, in ms from the failure.
        retry_after_ms: Option<f64>,
    },
    /// Anything else (a refusal, a bad key, a broken reply): another try would not help.
    Final,
}

impl Failure {
    /// A response with `status` and, when it had one, a `Retry-After` header, received at `now_ms`.
    pub fn from_status(status: u16, retry_after: Option<&str>, now_ms: f64) -> Failure {
        let kind = match status {
            429 => WaitReason::RateLimited,
            503 => WaitReason::Unavailable,
            _ => return Failure::Final,
        };
        Failure::Transient { kind, retry_after_ms: retry_after.and_then(|v| retry_after_ms(v, now_ms)) }
    }

    /// A request that got no response at all (unreachable server, CORS, dropped connection).
    pub fn no_response() -> Failure {
        Failure::Transient { kind: WaitReason::NoResponse, retry_after_ms: None }
    }
}

/// How long a `Retry-After` value asks to wait, in ms from `now_ms`: either whole seconds or an
/// HTTP date (IMF-fixdate, `Fri, 04 Dec 2026 17:40:00 GMT`, the form servers must send). A
/// date in the past means no wait; anything else unreadable is ignored.
pub fn retry_after_ms(value: &str, now_ms: f64) -> Option<f64> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u32>() {
        return Some(f64::from(secs) * 1000.0);
    }
    http_date_ms(value).map(|at| (at - now_ms).max(0.0))
}

/// Milliseconds since the epoch of an IMF-fixdate.
fn http_date_ms(value: &str) -> Option<f64> {
    const MONTHS: [&str; 12] =
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let (_weekday, rest) = value.split_once(", ")?;
    let parts: Vec<&str> = rest.split(' ').collect();
    let [day, month, year, time, "GMT"] = parts[..] else { return None };
    let day: u32 = day.parse().ok()?;
    let month = MONTHS.iter().position(|m| *m == month)? as u32 + 1;
    let year: i64 = year.parse().ok()?;
    let hms: Vec<u32> = time.split(':').map(str::parse).collect::<Result<_, _>>().ok()?;
    let [h, m, s] = hms[..] else { return None };
    if !(1..=31).contains(&day) || h > 23 || m > 59 || s > 60 {
        return None;
    }
    let days = days_since_epoch(year, month, day);
    Some(((days * 86_400 + i64::from(h * 3600 + m * 60 + s)) * 1000) as f64)
}

/// Days from 1970-01-01 to a date of the proleptic Gregorian calendar.
fn days_since_epoch(year: i64, month: u32, day: u32) -> i64 {
    // Count years from March, so the leap day falls at the end of a counted year.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let month_from_march = i64::from((month + 9) % 12);
    let day_of_year = (153 * month_from_march + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// A small deterministic generator for jitter: the same seed gives the same waits, so tests
/// can check them.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Jitter(u64);

impl Jitter {
    pub(super) fn new(seed: u64) -> Self {
        Jitter(seed)
    }

    /// A number in [0, 1).
    pub(super) fn next_unit(&mut self) -> f64 {
        // splitmix64: good enough spread for jitter, and a few instructions.
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// What to do after a failed try.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Verdict {
    /// Wait this long, then try again.
    Wait(f64),
    /// Stop: the failure is final, the tries are used up, or the server asked for too long a wait.
    Stop,
}

/// The decision after try number `tries` (1-based) failed with `failure`.
pub(super) fn decide(policy: &RetryPolicy, failure: Failure, tries: u32, jitter: &mut Jitter) -> Verdict {
    let Failure::Transient { retry_after_ms, .. } = failure else { return Verdict::Stop };
    if tries >= policy.max_tries {
        return Verdict::Stop;
    }
    match retry_after_ms {
        Some(asked) if asked > policy.max_wait_ms => Verdict::Stop,
        Some(asked) => Verdict::Wait(asked),
        None => {
            let doubled = policy.base_wait_ms * f64::from(1u32 << (tries - 1).min(16));
            // Half fixed, half random: never much sooner than the backoff, never in step.
            let wait = doubled.min(policy.max_wait_ms) * (0.5 + 0.5 * jitter.next_unit());
            Verdict::Wait(wait)
        }
    }
}
