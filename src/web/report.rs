//! The JS shapes of what a watch reports: step events, progress, MFA challenges and outcomes.
//!
//! Fixed values (statuses, kinds) are interned JS strings: a step change would otherwise decode
//! each one again.

use wasm_bindgen::JsValue;

use super::convert::{advice_to_js, failure_to_js, js_str, str_array, Obj};
use crate::core::events::{Event, MfaChallenge, Outcome, Progress, RetryEvent, StepEvent};

/// A core event as the JS value its callback receives.
pub(crate) fn event_to_js(event: &Event) -> JsValue {
    match event {
        Event::Step(e) => step_event_to_js(e),
        Event::Progress(p) => progress_to_js(p),
        Event::Mfa(m) => mfa_to_js(m),
        Event::Retry(r) => retry_to_js(r),
        Event::OutageLifted(l) => Obj::new()
            .str("institutionId", &l.institution_id)
            .set("status", js_str(l.status.as_str()))
            .build(),
    }
}

/// `RetryEvent`.
fn retry_to_js(r: &RetryEvent) -> JsValue {
    Obj::new()
        .num("attempt", f64::from(r.attempt))
        .num("retryAfterMs", r.retry_after_ms as f64)
        .set("advice", advice_to_js(&r.advice))
        .job(&r.job)
        .build()
}

/// `StepEvent`.
fn step_event_to_js(e: &StepEvent) -> JsValue {
    Obj::new()
        .str("step", &e.step)
        .num("index", e.index as f64)
        .num("total", e.total as f64)
        .set("status", js_str(e.status.as_str()))
        .set("previous", js_str(e.previous.as_str()))
        .opt_str("resultUrl", e.result_url.as_deref())
        .opt("failure", e.failure.as_ref().map(failure_to_js))
        .opt("advice", e.advice.as_ref().map(advice_to_js))
        .build()
}

/// `Progress`.
fn progress_to_js(p: &Progress) -> JsValue {
    Obj::new()
        .job(&p.job)
        .num("completed", p.completed as f64)
        .num("total", p.total as f64)
        .num("fraction", p.fraction())
        .opt_u64("etaMs", p.eta_ms)
        .build()
}

/// `MfaChallenge`.
fn mfa_to_js(m: &MfaChallenge) -> JsValue {
    Obj::new()
        .str("step", &m.step)
        .set("method", js_str(m.method.as_str()))
        .set("prompts", str_array(&m.prompts))
        .opt_str("description", m.description.as_deref())
        .opt_u64("expiresAt", m.expires_at)
        .build()
}

/// `JobOutcome`, discriminated by `status`.
pub(crate) fn outcome_to_js(o: &Outcome) -> JsValue {
    let base = Obj::new().set("status", js_str(o.status()));
    let base = match o.job() {
        Some(job) => base.job(job),
        None => base.set("job", JsValue::NULL),
    };
    match o {
        Outcome::Success {
            connection_url,
            accounts_url,
            transactions_url,
            ..
        } => base
            .opt_str("connectionUrl", connection_url.as_deref())
            .opt_str("accountsUrl", accounts_url.as_deref())
            .opt_str("transactionsUrl", transactions_url.as_deref()),
        Outcome::Failed {
            step,
            failure,
            advice,
            ..
        } => base
            .str("step", step)
            .set("failure", failure_to_js(failure))
            .set("advice", advice_to_js(advice)),
        Outcome::Cancelled { .. } => base,
        Outcome::TimedOut { elapsed_ms, .. } => base.num("elapsedMs", *elapsed_ms as f64),
        Outcome::Error { error, advice, .. } => {
            let err = Obj::new()
                .set("kind", js_str(error.kind.as_str()))
                .opt_u64("httpStatus", error.http_status.map(u64::from))
                .str("message", &error.message)
                .build();
            base.set("error", err).set("advice", advice_to_js(advice))
        }
    }
    .build()
}
