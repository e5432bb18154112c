//! The JS shapes of what a watch reports: step events, progress, MFA challenges and outcomes.

use wasm_bindgen::JsValue;

use super::json::to_js;
use crate::core::events::{Event, Outcome};

/// A core event as the JS value its callback receives.
pub(crate) fn event_to_js(event: &Event) -> JsValue {
    to_js(event)
}

/// `JobOutcome`, discriminated by `status`.
pub(crate) fn outcome_to_js(o: &Outcome) -> JsValue {
    to_js(o)
}
