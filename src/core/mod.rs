//! The sans-IO core: every decision, in pure Rust, with time passed in.
pub mod advice;
pub mod job;
pub mod messages;
pub mod url;
