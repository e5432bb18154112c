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

#[cfg(feature = "heap-stats")]
pub mod heap_stats;

#[cfg(target_arch = "wasm32")]
mod web;
