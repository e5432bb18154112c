//! The sans-IO core: every decision, in pure Rust, with time passed in.
pub mod advice;
pub mod connector;
pub mod consent;
pub mod datetime;
pub mod events;
pub mod job;
pub mod json;
pub mod json_out;
pub mod messages;
pub mod policy;
pub mod recovery;
pub mod saved;
pub mod start;
pub mod streak;
pub mod tracker;
pub mod url;
pub mod watcher;
