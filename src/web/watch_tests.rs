//! `watchJob` and `restoreWatch` in headless Chromium, through the package's real JS exports.
//! The scenarios live in `tests/support/watch_scenarios.js`; each throws on the first broken rule.

use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

#[wasm_bindgen(module = "/tests/support/watch_scenarios.js")]
extern "C" {
    #[wasm_bindgen(catch)]
    async fn run(name: &str) -> Result<JsValue, JsValue>;
}

async fn scenario(name: &str) {
    super::scenario::check(name, run(name).await);
}

#[wasm_bindgen_test]
async fn success_reports_every_step_and_absolute_urls() {
    scenario("success").await;
}

#[wasm_bindgen_test]
async fn each_seed_failure_ends_with_its_advice() {
    scenario("seedFailures").await;
}

#[wasm_bindgen_test]
async fn an_update_in_the_retry_queue_waits_slowly_until_success() {
    scenario("updateRetryQueue").await;
}

#[wasm_bindgen_test]
async fn retry_after_is_honoured() {
    scenario("retryAfter").await;
}

#[wasm_bindgen_test]
async fn a_401_fetches_a_fresh_token_once() {
    scenario("tokenRefresh").await;
}

#[wasm_bindgen_test]
async fn a_hung_request_times_out_and_is_aborted() {
    scenario("hungRequestTimesOut").await;
}

#[wasm_bindgen_test]
async fn aborting_cancels_mid_wait_and_mid_request() {
    scenario("abortMidWait").await;
}

#[wasm_bindgen_test]
async fn a_hung_body_times_out_and_is_aborted() {
    scenario("hungBodyTimesOut").await;
}

#[wasm_bindgen_test]
async fn cancelling_ends_a_fetch_that_ignores_its_signal() {
    scenario("cancelIgnoringFetch").await;
}

#[wasm_bindgen_test]
async fn odd_fetches_answers_and_tokens_settle_done() {
    scenario("oddTransports").await;
}

#[wasm_bindgen_test]
async fn answering_mfa_ends_a_long_wait() {
    scenario("mfaWakesTheWait").await;
}

#[wasm_bindgen_test]
async fn cancelling_aborts_an_mfa_answer_in_flight() {
    scenario("mfaCancelled").await;
}

#[wasm_bindgen_test]
async fn throwing_callbacks_do_not_stop_the_watch() {
    scenario("throwingCallbacks").await;
}

#[wasm_bindgen_test]
async fn malformed_and_failed_answers_settle_done() {
    scenario("malformedBodies").await;
}

#[wasm_bindgen_test]
async fn an_untrusted_links_self_is_never_called() {
    scenario("untrustedUrl").await;
}

#[wasm_bindgen_test]
async fn save_then_restore_goes_on_without_repeating_events() {
    scenario("saveRestore").await;
}

#[wasm_bindgen_test]
async fn mfa_is_reported_and_answered() {
    scenario("mfa").await;
}

#[wasm_bindgen_test]
async fn bad_options_are_type_errors() {
    scenario("optionErrors").await;
}

#[wasm_bindgen_test]
async fn done_settles_exactly_once() {
    scenario("doneSettlesOnce").await;
}

#[wasm_bindgen_test]
async fn create_update_refresh_start_a_job_and_watch_it() {
    scenario("startJobs").await;
}

#[wasm_bindgen_test]
async fn watches_of_one_job_share_one_poll_stream() {
    scenario("sharedStream").await;
}

#[wasm_bindgen_test]
async fn a_connection_s_run_of_failures_is_remembered() {
    scenario("rememberedFailures").await;
}

#[wasm_bindgen_test]
async fn an_mfa_answer_with_an_expired_token_goes_again_with_a_fresh_one() {
    scenario("mfaExpiredToken").await;
}
