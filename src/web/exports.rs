//! `parseJob`, `describeFailure` and `stepLabel`: the core's parsing and advice, for JS.

use wasm_bindgen::prelude::*;

use super::convert::{
    advice_to_js, catalogue_from, is_plain_object, job_to_js, type_error, Fields,
};
use super::json::JsonText;
use crate::core::advice::{self, ConnectorStatus, FailureContext, Operation};
use crate::core::job::{self, Failure, ParseError};
use crate::core::messages::Catalogue;

/// Reads a Basiq job (the JSON text of a job response, or the object it parses to) into a
/// `JobSnapshot`. Step `resultUrl`s are returned as the API gives them (usually paths).
///
/// Throws a `TypeError` whose `reason` is one of `"empty"`, `"html"`, `"not-json"`,
/// `"api-error"`, `"not-a-job"`, `"missing-field"` or `"wrong-type"`.
#[wasm_bindgen(js_name = parseJob, unchecked_return_type = "JobSnapshot")]
pub fn parse_job(
    #[wasm_bindgen(unchecked_param_type = "string | object")] input: JsValue,
) -> Result<JsValue, JsValue> {
    super::panic::check("parseJob")?;
    let refused = |e: ParseError| type_error(&format!("parseJob: {}", e.reason()), Some(e.kind()));
    let text = match input.as_string() {
        Some(text) => text,
        // Objects are read as the JSON text they stand for: `JSON.stringify` is what reads an
        // arbitrary object safely (cycles, BigInts and throwing getters are its errors, caught).
        None => match js_sys::JSON::stringify(&input) {
            Ok(json) => match json.as_string() {
                Some(text) => text,
                None => return Err(refused(ParseError::NotAJob)),
            },
            Err(thrown) => {
                let why = js_sys::Reflect::get(&thrown, &JsValue::from_str("message"))
                    .ok()
                    .and_then(|m| m.as_string())
                    .unwrap_or_default();
                return Err(type_error(
                    &format!("parseJob: the object cannot be turned into JSON: {why}"),
                    Some(ParseError::NotJson.kind()),
                ));
            }
        },
    };
    match job::decode_job(&JsonText(&text)) {
        Ok(job) => Ok(job_to_js(&job)),
        Err(e) => Err(refused(e)),
    }
}

/// The plain-language advice for a failed step: what happened, for the end user, and the one
/// thing they should do next (`action`).
///
/// Throws a `TypeError` when `failure` has no string `code` or a `context` field has the wrong
/// type, an unknown `operation`, or an `attempt` that is not a positive whole number.
#[wasm_bindgen(js_name = describeFailure, unchecked_return_type = "FailureAdvice")]
pub fn describe_failure(
    #[wasm_bindgen(unchecked_param_type = "Failure")] failure: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "FailureContext")] context: JsValue,
) -> Result<JsValue, JsValue> {
    super::panic::check("describeFailure")?;
    let fail = |msg: String| type_error(&format!("describeFailure: {msg}"), None);
    let failure = failure_from_js(&failure).map_err(fail)?;
    let (ctx, catalogue) = if context.is_undefined() || context.is_null() {
        (FailureContext::default(), Catalogue::new(None, Vec::new()))
    } else if is_plain_object(&context) {
        let mut f = Fields::new(&context, "context");
        let ctx = context_from(&mut f);
        let catalogue = catalogue_from(&mut f);
        f.done((ctx, catalogue)).map_err(fail)?
    } else {
        return Err(fail("context must be an object".into()));
    };
    let advice = advice::describe_failure(&failure, &ctx, &catalogue);
    Ok(advice_to_js(&advice))
}

/// The end-user label for a step title (`"retrieve-accounts"` → `"Getting your accounts"`),
/// from the message catalogue; unknown titles get a generic label.
#[wasm_bindgen(js_name = stepLabel)]
pub fn step_label(
    #[wasm_bindgen(unchecked_param_type = "string")] title: JsValue,
    #[wasm_bindgen(
        unchecked_optional_param_type = "{ locale?: string; messages?: MessageOverrides }"
    )]
    options: JsValue,
) -> Result<String, JsValue> {
    super::panic::check("stepLabel")?;
    let fail = |msg: &str| type_error(&format!("stepLabel: {msg}"), None);
    let Some(title) = title.as_string() else {
        return Err(fail("title must be a string"));
    };
    let catalogue = if options.is_undefined() || options.is_null() {
        Catalogue::new(None, Vec::new())
    } else if is_plain_object(&options) {
        let mut f = Fields::new(&options, "options");
        let catalogue = catalogue_from(&mut f);
        f.done(catalogue).map_err(|m| fail(&m))?
    } else {
        return Err(fail("options must be an object"));
    };
    Ok(catalogue.step_label(&title))
}

fn failure_from_js(v: &JsValue) -> Result<Failure, String> {
    if !is_plain_object(v) {
        return Err("failure must be an object like { code, title?, detail? }".into());
    }
    let mut f = Fields::new(v, "failure");
    let code = f.string("code");
    if code.is_none() {
        f.fail("failure.code must be a string".into());
    }
    let failure = Failure {
        code: code.unwrap_or_default(),
        title: f.string("title"),
        detail: f.string("detail"),
    };
    f.done(failure)
}

fn context_from(f: &mut Fields) -> FailureContext {
    let operation = f.operation(Operation::default());
    let whole = |a: &JsValue| {
        a.as_f64()
            .is_some_and(|n| n >= 1.0 && n <= f64::from(u32::MAX) && f64::from(n as u32) == n)
    };
    let attempt = f
        .get("attempt", whole, " must be a positive whole number")
        .and_then(|a| a.as_f64())
        .map(|n| n as u32);
    FailureContext {
        step: f.string("step"),
        operation,
        connector_status: f
            .string("connectorStatus")
            .map(|s| ConnectorStatus::from_wire(&s)),
        attempt,
        connection_id: f.string("connectionId"),
        job_id: f.string("jobId"),
        job_type: f.string("jobType"),
    }
}
