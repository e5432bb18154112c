//! The polling policy: intervals by when a step change is due, back-off with jitter,
//! Retry-After, and the limits.

use super::datetime::http_date_ms;

/// Every number of the polling behaviour; the defaults are the product's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Timing {
    /// The fast interval: the most time between polls while a step change is due.
    pub interval_ms: u64,
    /// The longest wait between polls (while a change is far off, or backing off).
    pub max_interval_ms: u64,
    /// Growth per poll while backing off (errors, an MFA challenge), in thousandths (1500 = ×1.5).
    pub backoff_permille: u64,
    /// Random spread around each wait, in thousandths (200 = ±20%).
    pub jitter_permille: u64,
    /// How long to watch in all, MFA included.
    pub timeout_ms: u64,
    /// The slow interval while Basiq's retry queue works on an update.
    pub long_interval_ms: u64,
    /// How long one request may take.
    pub request_timeout_ms: u64,
    /// Transient failures in a row (network, 5xx, bad body) before giving up.
    pub max_consecutive_errors: u32,
    /// The most a Retry-After can make us wait.
    pub max_retry_after_ms: u64,
    /// How old a job in Basiq's retry queue may get before it has expired.
    pub job_lifetime_ms: u64,
}

impl Default for Timing {
    fn default() -> Self {
        Self {
            interval_ms: 1_000,
            max_interval_ms: 5_000,
            backoff_permille: 1_500,
            jitter_permille: 200,
            timeout_ms: 600_000,
            long_interval_ms: 600_000,
            request_timeout_ms: 30_000,
            max_consecutive_errors: 5,
            max_retry_after_ms: 600_000,
            job_lifetime_ms: 7 * 24 * 60 * 60 * 1000,
        }
    }
}

/// Why a timing value is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimingError(pub String);

impl Timing {
    /// Checks the values make sense together.
    pub fn validate(&self) -> Result<(), TimingError> {
        if self.interval_ms == 0 {
            return Err(TimingError("intervalMs must be greater than 0".into()));
        }
        if self.max_interval_ms < self.interval_ms {
            return Err(TimingError(
                "maxIntervalMs must be at least intervalMs".into(),
            ));
        }
        if self.backoff_permille < 1000 {
            return Err(TimingError("backoff must be at least 1".into()));
        }
        if self.jitter_permille > 1000 {
            return Err(TimingError("jitter must be between 0 and 1".into()));
        }
        if self.timeout_ms == 0 || self.request_timeout_ms == 0 || self.long_interval_ms == 0 {
            return Err(TimingError(
                "timeouts and intervals must be greater than 0".into(),
            ));
        }
        if self.max_consecutive_errors == 0 {
            return Err(TimingError(
                "maxConsecutiveErrors must be at least 1".into(),
            ));
        }
        if self.max_consecutive_errors > MAX_ERRORS_IN_ROW {
            return Err(TimingError(
                "maxConsecutiveErrors must be at most 1000".into(),
            ));
        }
        let bounded = [
            (self.interval_ms, "intervalMs"),
            (self.max_interval_ms, "maxIntervalMs"),
            (self.timeout_ms, "timeoutMs"),
            (self.long_interval_ms, "longIntervalMs"),
            (self.request_timeout_ms, "requestTimeoutMs"),
        ];
        within_max(&bounded)?;
        if self.backoff_permille > MAX_BACKOFF_PERMILLE {
            return Err(TimingError("backoff must be at most 10".into()));
        }
        Ok(())
    }
}

/// The longest any timing option may be: far beyond any real use, and small enough that no
/// sum with a clock reading can overflow.
pub const MAX_OPTION_MS: u64 = 30 * 24 * 60 * 60 * 1000;

/// The most failures in a row a watch may be told to tolerate.
const MAX_ERRORS_IN_ROW: u32 = 1000;

/// The steepest back-off a watch may be told to use (×10 per poll).
const MAX_BACKOFF_PERMILLE: u64 = 10_000;

/// Refuses the first of `values` over [`MAX_OPTION_MS`], naming its option.
pub fn within_max(values: &[(u64, &'static str)]) -> Result<(), TimingError> {
    match values.iter().find(|(v, _)| *v > MAX_OPTION_MS) {
        Some((_, name)) => Err(TimingError(format!(
            "{name} must be at most 30 days ({MAX_OPTION_MS} ms)"
        ))),
        None => Ok(()),
    }
}

/// The growing interval between polls, with jitter from a seeded generator.
#[derive(Clone, Debug)]
pub struct Backoff {
    current_ms: u64,
    rng: u64,
}

impl Backoff {
    /// Starts at the fast interval; `seed` makes the jitter repeatable.
    pub fn new(timing: &Timing, seed: u64) -> Self {
        Self {
            current_ms: timing.interval_ms,
            // xorshift must not start at zero.
            rng: seed | 1,
        }
    }

    /// Back to the fast interval (a step changed, or the user answered MFA).
    pub fn reset(&mut self, timing: &Timing) {
        self.current_ms = timing.interval_ms;
    }

    /// The next wait: the current interval with jitter, then grow it for next time.
    pub fn next_wait(&mut self, timing: &Timing) -> u64 {
        let base = self.current_ms;
        self.current_ms = grow(base, timing);
        self.jitter(base, timing)
    }

    fn jitter(&mut self, base: u64, timing: &Timing) -> u64 {
        let spread = timing.jitter_permille;
        if spread == 0 {
            return base;
        }
        // Uniform in [1000 - spread, 1000 + spread] thousandths of the base.
        let pick = self.next_random() % (2 * spread + 1);
        let factor = 1000 - spread + pick;
        (base.saturating_mul(factor) / 1000).max(1)
    }

    fn next_random(&mut self) -> u64 {
        // xorshift64*: tiny, good enough for spreading polls apart.
        let mut x = self.rng;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.rng = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

/// When the next step change can be expected, which decides how densely to poll.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Due {
    /// Any moment (no estimate, queued, or overdue): poll at most `interval_ms` apart.
    Now,
    /// Not before this time (ms): poll sparsely until then, densely after.
    At(u64),
    /// The change waits on the user (an MFA challenge): the plain growing back-off.
    User,
}

impl Backoff {
    /// The wait before the next job poll, given when a step change is due: at most
    /// `interval_ms` while one is due, so an end is noticed within that; up to
    /// `max_interval_ms` before, landing no later than one fast interval past the due time.
    pub fn wait_for(&mut self, timing: &Timing, now_ms: u64, due: Due) -> u64 {
        let fast = self.fast_wait(timing);
        match due {
            Due::User => self.next_wait(timing),
            Due::Now => fast,
            Due::At(at) if at <= now_ms => fast,
            Due::At(at) => {
                // Jitter below the ceiling only, so no wait ever exceeds it.
                let slow = self.below(timing.max_interval_ms, timing.jitter_permille);
                slow.min((at - now_ms).saturating_add(fast)).max(fast)
            }
        }
    }

    /// `interval_ms` with the jitter taken below it (±20% becomes −20%–0), never above: polls
    /// stay spread apart, and the mean wait stays near the interval, so fewer are sent.
    fn fast_wait(&mut self, timing: &Timing) -> u64 {
        self.below(timing.interval_ms, timing.jitter_permille)
    }

    /// `base` less a random share of up to `spread` thousandths.
    fn below(&mut self, base: u64, spread: u64) -> u64 {
        let spread = spread.min(1000);
        if spread == 0 {
            return base;
        }
        let pick = self.next_random() % (spread + 1);
        (base.saturating_mul(1000 - pick) / 1000).max(1)
    }
}

fn grow(ms: u64, timing: &Timing) -> u64 {
    (ms.saturating_mul(timing.backoff_permille) / 1000)
        .max(ms)
        .min(timing.max_interval_ms)
}

/// The wait a Retry-After header asks for (seconds or HTTP date), clamped to
/// [`interval_ms`, `max_retry_after_ms`]; `None` when absent or unreadable.
pub fn retry_after_ms(header: Option<&str>, now_ms: u64, timing: &Timing) -> Option<u64> {
    let value = header?.trim_ascii();
    let wait = if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // A number of seconds too big for u64 is still "a long time": the cap applies.
        value
            .parse::<u64>()
            .unwrap_or(u64::MAX)
            .saturating_mul(1000)
    } else {
        http_date_ms(value)?.saturating_sub(now_ms)
    };
    Some(
        wait.max(timing.interval_ms)
            .min(timing.max_retry_after_ms.max(timing.interval_ms)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_by_half_to_the_ceiling_with_bounded_jitter() {
        let t = Timing::default();
        let mut b = Backoff::new(&t, 42);
        let bases = [1000, 1500, 2250, 3375, 5000, 5000];
        for base in bases {
            let w = b.next_wait(&t);
            assert!(w >= base * 8 / 10 && w <= base * 12 / 10, "{w} vs {base}");
        }
        b.reset(&t);
        let w = b.next_wait(&t);
        assert!((800..=1200).contains(&w));
    }

    #[test]
    fn jitter_spreads_and_can_be_turned_off() {
        let t = Timing::default();
        let waits: Vec<u64> = (0..50).map(|s| Backoff::new(&t, s).next_wait(&t)).collect();
        let distinct: std::collections::BTreeSet<_> = waits.iter().collect();
        assert!(distinct.len() > 10, "{waits:?}");
        let t0 = Timing {
            jitter_permille: 0,
            ..Timing::default()
        };
        assert_eq!(Backoff::new(&t0, 9).next_wait(&t0), 1000);
    }

    #[test]
    fn due_changes_are_polled_within_the_fast_interval_and_far_ones_sparsely() {
        let t = Timing::default();
        let mut b = Backoff::new(&t, 5);
        for _ in 0..50 {
            assert!((800..=1000).contains(&b.wait_for(&t, 10_000, Due::Now)));
            assert!((800..=1000).contains(&b.wait_for(&t, 10_000, Due::At(9_000))));
            // Far off: sparse, never past the ceiling.
            assert!((4000..=5000).contains(&b.wait_for(&t, 10_000, Due::At(60_000))));
            // Near: lands at most one fast interval after the due time.
            let w = b.wait_for(&t, 10_000, Due::At(12_000));
            assert!((2800..=3000).contains(&w), "{w}");
        }
        let t0 = Timing {
            jitter_permille: 0,
            ..Timing::default()
        };
        assert_eq!(b.wait_for(&t0, 0, Due::Now), 1000);
        assert_eq!(b.wait_for(&t0, 0, Due::At(100_000)), 5000);
        assert_eq!(b.wait_for(&t0, 0, Due::User), 1000);
        assert_eq!(b.wait_for(&t0, 0, Due::User), 1500, "the user's wait grows");
    }

    #[test]
    fn retry_after_seconds_and_dates_are_clamped() {
        let t = Timing::default();
        assert_eq!(retry_after_ms(Some("3"), 0, &t), Some(3000));
        assert_eq!(retry_after_ms(Some("0"), 0, &t), Some(1000));
        assert_eq!(retry_after_ms(Some("86400"), 0, &t), Some(600_000));
        let now = 784_111_777_000 - 20_000;
        assert_eq!(
            retry_after_ms(Some("Sun, 06 Nov 1994 08:49:37 GMT"), now, &t),
            Some(20_000)
        );
        assert_eq!(
            retry_after_ms(Some("Sun, 06 Nov 1994 08:49:37 GMT"), now + 60_000, &t),
            Some(1000)
        );
        assert_eq!(retry_after_ms(Some("soon"), 0, &t), None);
        assert_eq!(retry_after_ms(None, 0, &t), None);
    }

    #[test]
    fn a_retry_after_too_big_for_u64_is_the_cap_not_ordinary_back_off() {
        let t = Timing::default();
        let huge = "99999999999999999999999999";
        assert_eq!(retry_after_ms(Some(huge), 0, &t), Some(600_000));
        assert_eq!(retry_after_ms(Some("+5"), 0, &t), None);
        assert_eq!(retry_after_ms(Some("-5"), 0, &t), None);
    }

    #[test]
    fn validation() {
        assert!(Timing::default().validate().is_ok());
        assert!(Timing {
            interval_ms: 0,
            ..Timing::default()
        }
        .validate()
        .is_err());
        assert!(Timing {
            max_interval_ms: 10,
            ..Timing::default()
        }
        .validate()
        .is_err());
        assert!(Timing {
            jitter_permille: 1001,
            ..Timing::default()
        }
        .validate()
        .is_err());
    }

    #[test]
    fn huge_timing_values_are_refused_by_name() {
        let refused = |t: Timing| t.validate().err().map(|e| e.0);
        let d = Timing::default;
        let huge = u64::MAX;
        assert_eq!(
            refused(Timing {
                long_interval_ms: huge,
                ..d()
            }),
            Some("longIntervalMs must be at most 30 days (2592000000 ms)".into())
        );
        for t in [
            Timing {
                interval_ms: huge,
                max_interval_ms: huge,
                ..d()
            },
            Timing {
                max_interval_ms: MAX_OPTION_MS + 1,
                ..d()
            },
            Timing {
                timeout_ms: huge,
                ..d()
            },
            Timing {
                request_timeout_ms: huge,
                ..d()
            },
            Timing {
                backoff_permille: huge,
                ..d()
            },
            Timing {
                max_consecutive_errors: u32::MAX,
                ..d()
            },
        ] {
            assert!(refused(t.clone()).is_some(), "{t:?}");
        }
        let at_the_limit = Timing {
            max_interval_ms: MAX_OPTION_MS,
            timeout_ms: MAX_OPTION_MS,
            long_interval_ms: MAX_OPTION_MS,
            ..d()
        };
        assert_eq!(refused(at_the_limit), None);
    }
}
