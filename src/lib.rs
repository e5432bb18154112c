//! basiq-jobs: follow an asynchronous Basiq job to its end.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        clippy::unreachable,
        clippy::todo,
        clippy::unimplemented
    )
)]

pub mod core;

// Unit tests share the native suites' helpers in tests/support, which name the crate.
#[cfg(test)]
extern crate self as basiq_jobs;

/// The heap: talc, smaller and faster here than std's default dlmalloc (unless the heap-stats
/// build wraps it to count live bytes).
#[cfg(all(target_arch = "wasm32", not(feature = "heap-stats")))]
#[global_allocator]
static HEAP: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

#[cfg(all(target_arch = "wasm32", feature = "heap-stats"))]
pub mod heap_stats;

#[cfg(target_arch = "wasm32")]
mod web;
