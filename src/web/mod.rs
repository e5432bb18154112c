//! The web shell: the only code that touches JS. It carries out what the core decides.
mod consent;
mod convert;
mod crosstab;
mod exports;
mod http;
mod json;
mod options;
mod page;
mod page_events;
mod panic;
mod report;
mod start;
mod stop;
mod storage;
mod types;
mod url;
mod wait;
mod watch;

#[cfg(test)]
mod consent_tests;
#[cfg(test)]
mod page_tests;
#[cfg(test)]
mod panic_tests;
#[cfg(test)]
mod scenario;
#[cfg(test)]
mod watch_tests;

#[cfg(test)]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
