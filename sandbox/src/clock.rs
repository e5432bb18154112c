//! The sandbox clock: real elapsed time times `--speed`, plus any offset added on request.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch on the sandbox clock.
pub type Millis = u64;

/// A clock that runs `speed` times faster than real time and can be pushed forward.
#[derive(Debug)]
pub struct Clock {
    origin: Instant,
    origin_ms: Millis,
    speed: f64,
    offset_ms: AtomicU64,
}

impl Clock {
    /// A clock starting at the current wall-clock time.
    pub fn new(speed: f64) -> Self {
        let origin_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(0);
        Clock {
            origin: Instant::now(),
            origin_ms,
            speed,
            offset_ms: AtomicU64::new(0),
        }
    }

    /// The current sandbox time.
    pub fn now_ms(&self) -> Millis {
        let scaled = self.origin.elapsed().as_secs_f64() * 1000.0 * self.speed;
        self.origin_ms
            .saturating_add(scaled as u64)
            .saturating_add(self.offset_ms.load(Ordering::SeqCst))
    }

    /// Moves the clock forward by `ms` and returns the new time.
    pub fn advance(&self, ms: Millis) -> Millis {
        let _ = self
            .offset_ms
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |o| {
                Some(o.saturating_add(ms))
            });
        self.now_ms()
    }
}

/// Formats a sandbox time as RFC 3339 UTC with whole seconds, as Basiq does.
pub fn rfc3339(ms: Millis) -> String {
    let secs = ms / 1000;
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

/// Converts days since 1970-01-01 to a (year, month, day) date in the proleptic Gregorian calendar.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_rfc3339() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_727_238_145_999), "2024-09-25T04:22:25Z");
        assert_eq!(rfc3339(951_868_799_000), "2000-02-29T23:59:59Z");
        assert_eq!(rfc3339(951_868_800_000), "2000-03-01T00:00:00Z");
    }

    #[test]
    fn speed_and_advance_move_the_clock() {
        let clock = Clock::new(1000.0);
        let a = clock.now_ms();
        std::thread::sleep(std::time::Duration::from_millis(20));
        let b = clock.now_ms();
        assert!(
            b - a >= 15_000,
            "20 ms real at 1000x is ~20 s sandbox, got {}",
            b - a
        );
        let c = clock.advance(3_600_000);
        assert!(c >= b + 3_600_000);
        // Absurd jumps saturate instead of wrapping.
        assert_eq!(clock.advance(u64::MAX), u64::MAX);
        assert_eq!(clock.advance(u64::MAX), u64::MAX);
    }
}
