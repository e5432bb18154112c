//! Awaiting JS work that a timeout, a cancellation or a wake-up can cut short.
//!
//! The work runs in `race.js`, one promise per await: each await from Rust costs a `JsFuture`
//! (two closures and a reaction), so a whole request is one await, not one per step of it.

use js_sys::futures::JsFuture;
use js_sys::{Array, Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen(module = "/src/web/race.js")]
extern "C" {
    /// One watch's cancellation and wake-up, in JS.
    type Gate;
    #[wasm_bindgen(constructor)]
    fn new() -> Gate;
    #[wasm_bindgen(method)]
    fn cancel(this: &Gate);
    #[wasm_bindgen(method)]
    fn wake(this: &Gate);
    #[wasm_bindgen(method)]
    fn sleep(this: &Gate, ms: u32) -> Promise;
    #[wasm_bindgen(method)]
    fn within(this: &Gate, value: &JsValue, ms: u32) -> Promise;
    #[wasm_bindgen(method)]
    fn send(
        this: &Gate,
        fetch: Option<&Function>,
        url: &str,
        method: &JsValue,
        auth: Option<&str>,
        body: Option<&str>,
        ms: u32,
    ) -> Promise;
}

/// How an awaited piece of work ended.
pub(crate) enum Raced {
    /// An array: `[value]`, or a request's `[status, Retry-After, body]`.
    Resolved(Array),
    Rejected(JsValue),
    TimedOut,
    Cancelled,
}

/// One watch's cancellation and wake-up.
///
/// Each piece of work is ended through its own short-lived entry in the JS `Gate`, removed when it
/// ends: nothing accumulates on a long-lived promise for as long as the watch lasts.
pub(crate) struct Interrupts(Gate);

impl Interrupts {
    pub(crate) fn new() -> Self {
        Self(Gate::new())
    }

    /// Cuts short all pending work, now and later, and aborts the requests in flight at once.
    pub(crate) fn cancel(&self) {
        self.0.cancel();
    }

    /// Ends the current sleep early.
    pub(crate) fn wake(&self) {
        self.0.wake();
    }

    /// Sleeps `ms`, or less if woken or cancelled.
    pub(crate) async fn sleep(&self, ms: u64) {
        let _ = JsFuture::from(self.0.sleep(clamp(ms))).await;
    }

    /// Awaits `value` (a promise or not), unless `timeout_ms` passes or the watch is cancelled.
    pub(crate) async fn within(&self, value: &JsValue, timeout_ms: u64) -> Raced {
        settle(self.0.within(value, clamp(timeout_ms))).await
    }

    /// Sends one request and reads its answer whole, within `timeout_ms`; the request is aborted
    /// if it ends any other way.
    pub(crate) async fn send(
        &self,
        fetch: Option<&Function>,
        url: &str,
        method: &JsValue,
        auth: Option<&str>,
        body: Option<&str>,
        timeout_ms: u64,
    ) -> Raced {
        let sent = self
            .0
            .send(fetch, url, method, auth, body, clamp(timeout_ms));
        settle(sent).await
    }
}

/// A delay as `setTimeout` takes it: at most 2^31-1 ms (about 24 days).
fn clamp(ms: u64) -> u32 {
    ms.min(i32::MAX as u64) as u32
}

async fn settle(promise: Promise) -> Raced {
    match JsFuture::from(promise).await {
        Ok(v) => match v.as_bool() {
            Some(true) => Raced::Cancelled,
            Some(false) => Raced::TimedOut,
            None => Raced::Resolved(v.unchecked_into()),
        },
        Err(e) => Raced::Rejected(e),
    }
}
