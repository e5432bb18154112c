//! Retry-After values from arbitrary text and times: never a panic, always within the clamp.
#![no_main]

use basiq_jobs::core::policy::{retry_after_ms, Timing};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (&str, u64)| {
    let (header, now_ms) = input;
    let t = Timing::default();
    if let Some(wait) = retry_after_ms(Some(header), now_ms, &t) {
        assert!(
            (t.interval_ms..=t.max_retry_after_ms).contains(&wait),
            "{header:?} at {now_ms}: {wait}"
        );
    }
});
