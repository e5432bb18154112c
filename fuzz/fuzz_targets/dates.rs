//! Job times and HTTP dates from arbitrary text: never a panic, and what is read is in range.
#![no_main]

use basiq_jobs::core::datetime::{http_date_ms, rfc3339_ms};
use libfuzzer_sys::fuzz_target;

/// 9999-12-31T23:59:59.999Z plus a day of offset: no RFC 3339 time reads later than this.
const LATEST_MS: u64 = 253_402_387_199_999;

fuzz_target!(|text: &str| {
    if let Some(ms) = rfc3339_ms(text) {
        assert!(ms <= LATEST_MS, "{text:?} read as {ms}");
    }
    if let Some(ms) = http_date_ms(text) {
        assert!(ms <= LATEST_MS, "{text:?} read as {ms}");
        // An HTTP date is whole seconds.
        assert_eq!(ms % 1000, 0, "{text:?}");
    }
});
