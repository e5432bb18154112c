//! The sans-IO core: every decision, in pure Rust, with time passed in.
pub mod advice;
pub mod body;
pub mod connector;
pub mod consent;
pub mod crosstab;
pub mod datetime;
pub mod events;
pub mod job;
pub mod messages;
pub mod ms;
pub mod policy;
pub mod recovery;
pub mod saved;
pub mod start;
pub mod streak;
pub mod tolerant;
pub mod tracker;
pub mod url;
pub mod watcher;

/// The native suites' JSON helpers (tests/support), for the unit tests here.
#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "../../tests/support/json.rs"]
pub(crate) mod test_json;
