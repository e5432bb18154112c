//! Polling that follows the page, in headless Chromium through the package's JS exports. The
//! scenarios live in `tests/support/page_scenarios.js`.

use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

#[wasm_bindgen(module = "/tests/support/page_scenarios.js")]
extern "C" {
    #[wasm_bindgen(catch)]
    async fn run(name: &str) -> Result<JsValue, JsValue>;
}

async fn scenario(name: &str) {
    super::scenario::check(name, run(name).await);
}

#[wasm_bindgen_test]
async fn offline_failures_do_not_end_the_watch_and_online_polls_at_once() {
    scenario("offline").await;
}

#[wasm_bindgen_test]
async fn a_page_looked_at_again_polls_at_once() {
    scenario("visible").await;
}
