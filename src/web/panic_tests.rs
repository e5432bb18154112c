//! A panic still settles every `done`, in headless Chromium through the package's JS exports.
//! The scenario lives in `tests/support/panic_scenarios.js`.

use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

#[wasm_bindgen(module = "/tests/support/panic_scenarios.js")]
extern "C" {
    #[wasm_bindgen(catch)]
    async fn run() -> Result<JsValue, JsValue>;
}

#[wasm_bindgen_test]
async fn a_panic_settles_every_pending_done_and_later_calls_throw() {
    super::scenario::check("panic", run().await);
}
