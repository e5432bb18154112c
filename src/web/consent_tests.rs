//! `consentUrl`, `jobIdsFromRedirect` and `watchJobs` in headless Chromium, through the package's
//! real JS exports. The scenarios live in `tests/support/consent_scenarios.js`.

use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

#[wasm_bindgen(module = "/tests/support/consent_scenarios.js")]
extern "C" {
    #[wasm_bindgen(catch)]
    async fn run(name: &str) -> Result<JsValue, JsValue>;
}

async fn scenario(name: &str) {
    super::scenario::check(name, run(name).await);
}

#[wasm_bindgen_test]
async fn consent_url_sends_the_token_to_the_consent_ui_only() {
    scenario("consentUrl").await;
}

#[wasm_bindgen_test]
async fn job_ids_come_back_safe_ordered_and_unique() {
    scenario("jobIdsFromRedirect").await;
}

#[wasm_bindgen_test]
async fn watch_jobs_settles_with_every_outcome_in_order() {
    scenario("watchJobs").await;
}
