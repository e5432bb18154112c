//! basiq-jobs: follow an asynchronous Basiq job to its end.
#![cfg_attr(all(target_arch = "wasm32", not(test)), no_std)]
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

extern crate alloc;

pub mod core;
mod prelude;

#[cfg(all(target_arch = "wasm32", not(test), not(feature = "std")))]
mod runtime;

#[cfg(all(target_arch = "wasm32", feature = "heap-stats"))]
pub mod heap_stats;

#[cfg(target_arch = "wasm32")]
mod web;
