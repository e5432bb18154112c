//! Carries out one core request with `fetch`, each with its own AbortController.

use crate::prelude::*;

use js_sys::{Function, Promise};
use wasm_bindgen::{JsCast, JsValue};

use super::convert::{field, js_str, Obj};
use super::race::{Interrupts, Raced};
use crate::core::watcher::{Request, Response, TransportError};

/// An HTTP answer, read whole.
pub(crate) struct Answer {
    pub status: u16,
    pub retry_after: Option<String>,
    pub body: String,
}

impl Answer {
    /// The answer as the core takes it.
    pub(crate) fn response(&self) -> Response<'_> {
        Response {
            status: self.status,
            retry_after: self.retry_after.as_deref(),
            body: &self.body,
        }
    }
}

/// How a request ended.
pub(crate) enum Sent {
    Answered(Answer),
    Failed(TransportError),
    Cancelled,
}

/// Sends `req` with `fetch` (the option, else the global one), the token only when the core says so.
pub(crate) async fn send(
    req: &Request,
    token: Option<&str>,
    fetch: Option<&Function>,
    interrupts: &Interrupts,
) -> Sent {
    let controller = web_sys::AbortController::new().ok();
    if let Some(c) = &controller {
        interrupts.track(c);
    }
    let sent = attempt(req, token, fetch, interrupts, controller.as_ref()).await;
    if let Some(c) = &controller {
        interrupts.untrack(c);
        if !matches!(sent, Sent::Answered(_)) {
            // Timed out: stop the request in flight rather than leave it running.
            c.abort();
        }
    }
    sent
}

async fn attempt(
    req: &Request,
    token: Option<&str>,
    fetch: Option<&Function>,
    interrupts: &Interrupts,
    controller: Option<&web_sys::AbortController>,
) -> Sent {
    let global_fetch;
    let fetch = match fetch {
        Some(f) => f,
        None => match field(&js_sys::global(), "fetch").and_then(|f| f.dyn_into::<Function>().ok())
        {
            Some(f) => {
                global_fetch = f;
                &global_fetch
            }
            None => {
                return Sent::Failed(TransportError::Network(
                    "fetch is not available here".into(),
                ))
            }
        },
    };
    let mut headers = Obj::new().lit("Accept", "application/json");
    if let Some(t) = token.filter(|_| req.with_token) {
        headers = headers.str("Authorization", &cat!("Bearer ", t));
    }
    if req.body.is_some() {
        headers = headers.lit("Content-Type", "application/json");
    }
    let init = Obj::new()
        .lit("method", req.method.as_str())
        .set("headers", headers.build())
        .opt_str("body", req.body.as_deref())
        // Job states must never come from a cache, and no cookies are needed.
        .lit("cache", "no-store")
        .lit("credentials", "omit")
        .opt("signal", controller.map(|c| JsValue::from(c.signal())))
        .build();
    let started = match fetch.call2(&JsValue::UNDEFINED, &JsValue::from_str(&req.url), &init) {
        Ok(p) => Promise::resolve(&p),
        Err(e) => return Sent::Failed(TransportError::Network(describe(&e))),
    };
    let deadline = js_sys::Date::now() + req.timeout_ms as f64;
    let response = match interrupts.race(&started, Some(req.timeout_ms)).await {
        Raced::Resolved(r) => r,
        Raced::Rejected(e) => return Sent::Failed(TransportError::Network(describe(&e))),
        Raced::TimedOut => return Sent::Failed(TransportError::Timeout),
        Raced::Cancelled => return Sent::Cancelled,
    };
    // Read duck-typed, so an instrumented or scripted fetch works as long as it looks like one.
    let status = field(&response, "status")
        .and_then(|s| s.as_f64())
        .unwrap_or(0.0);
    if !(100.0..=599.0).contains(&status) {
        return Sent::Failed(TransportError::Network(
            "the request got no HTTP answer".into(),
        ));
    }
    let retry_after = header(&response, "Retry-After");
    let left = (deadline - js_sys::Date::now()).max(1.0) as u64;
    let body = match call_method(&response, "text") {
        Some(p) => match interrupts.race(&Promise::resolve(&p), Some(left)).await {
            Raced::Resolved(t) => t.as_string().unwrap_or_default(),
            Raced::Rejected(e) => return Sent::Failed(TransportError::Network(describe(&e))),
            Raced::TimedOut => return Sent::Failed(TransportError::Timeout),
            Raced::Cancelled => return Sent::Cancelled,
        },
        None => String::new(),
    };
    Sent::Answered(Answer {
        status: status as u16,
        retry_after,
        body,
    })
}

fn header(response: &JsValue, name: &'static str) -> Option<String> {
    let headers = field(response, "headers")?;
    let get: Function = field(&headers, "get")?.dyn_into().ok()?;
    get.call1(&headers, &js_str(name)).ok()?.as_string()
}

fn call_method(obj: &JsValue, name: &'static str) -> Option<JsValue> {
    let f: Function = field(obj, name)?.dyn_into().ok()?;
    f.call0(obj).ok()
}

/// A short description of a thrown value (an Error's message, or the value as text).
pub(crate) fn describe(e: &JsValue) -> String {
    field(e, "message")
        .and_then(|m| m.as_string())
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "unknown error".into())
}
