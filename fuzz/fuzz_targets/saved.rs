//! Saved watches from arbitrary text: never a panic, and a restored watch only ever calls the
//! API origin its caller trusts.
#![no_main]

use basiq_jobs::core::watcher::{Action, WatchConfig, Watcher};
use libfuzzer_sys::fuzz_target;

#[path = "../../tests/support/json.rs"]
mod json;
#[path = "../../tests/support/urls.rs"]
mod urls;

const T0: u64 = 1_727_238_145_000;

fuzz_target!(|text: &str| {
    let cfg = WatchConfig {
        has_token: true,
        urls: urls::whatwg(),
        ..Default::default()
    };
    let Ok(mut w) = Watcher::restore(&json::Text(text), cfg, T0, 1) else {
        return;
    };
    match w.poll(T0) {
        Action::Fetch(r) => {
            let u = url::Url::parse(&r.url).expect("a request URL parses");
            assert_eq!(
                u.origin().ascii_serialization(),
                "https://au-api.basiq.io",
                "{text}"
            );
        }
        Action::Done(_) | Action::Wait(_) | Action::RefreshToken => {}
    }
    let _ = w.save().map(|s| json::to_json(&s));
});
