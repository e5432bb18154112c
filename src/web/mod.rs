//! The web shell: the only code that touches JS. It carries out what the core decides.
mod convert;
mod exports;
mod http;
mod json;
mod options;
mod page;
mod race;
mod report;
mod start;
mod storage;
mod task;
mod types;
mod watch;

#[cfg(test)]
mod watch_tests;

#[cfg(test)]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
