//! Job bodies from arbitrary bytes: never a panic; a job that reads has an id, and a refusal
//! always says why.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/support/json.rs"]
mod json;

fuzz_target!(|text: &str| {
    match json::parse_job(text) {
        Ok(job) => {
            assert!(!job.id.is_empty());
            let _ = (job.is_success(), job.failure(), job.completed());
            let _ = json::to_json(&job);
        }
        Err(e) => assert!(!e.reason().is_empty() && !e.kind().is_empty()),
    }
});
