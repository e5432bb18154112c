//! Awaiting a JS promise that a timeout, a cancellation or a wake-up can cut short.

use crate::prelude::*;

use core::cell::{Cell, RefCell};

use js_sys::futures::JsFuture;
use js_sys::{Array, Function, Object, Promise};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// The global `setTimeout(handler, ms, arg)`, which calls `handler(arg)`: no closure needed.
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &Function, ms: u32, arg: &JsValue) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(id: &JsValue);
}

/// A pending timer, cleared when dropped (as gloo's `Timeout` is), so none outlives its race.
#[must_use]
struct Timer(JsValue);

impl Timer {
    /// Calls `f(arg)` after `ms` (capped at setTimeout's 2^31-1 ms, about 24 days).
    fn new(ms: u64, f: &Function, arg: &JsValue) -> Self {
        Self(set_timeout(f, ms.min(i32::MAX as u64) as u32, arg))
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        clear_timeout(&self.0);
    }
}

/// How a raced promise ended.
pub(crate) enum Raced {
    Resolved(JsValue),
    Rejected(JsValue),
    TimedOut,
    Cancelled,
}

/// One watch's cancellation and wake-up promises.
///
/// Each race gets its own short-lived cancel promise: racing one long-lived promise would leave a
/// reaction on it per race, growing the JS heap for as long as the watch lasts.
pub(crate) struct Interrupts {
    cancelled: Cell<bool>,
    cancellers: RefCell<Vec<(u32, Function)>>,
    next_race: Cell<u32>,
    wake: RefCell<Option<Function>>,
    in_flight: RefCell<Vec<web_sys::AbortController>>,
    cancel_mark: Object,
    timeout_mark: Object,
}

impl Interrupts {
    pub(crate) fn new() -> Self {
        Self {
            cancelled: Cell::new(false),
            cancellers: RefCell::new(Vec::new()),
            next_race: Cell::new(0),
            wake: RefCell::new(None),
            in_flight: RefCell::new(Vec::new()),
            cancel_mark: Object::new(),
            timeout_mark: Object::new(),
        }
    }

    /// Cuts short every race, now and later, and aborts the requests in flight at once.
    pub(crate) fn cancel(&self) {
        for c in self.in_flight.take() {
            c.abort();
        }
        self.cancelled.set(true);
        for (_, f) in self.cancellers.take() {
            let _ = f.call1(&JsValue::UNDEFINED, &self.cancel_mark);
        }
        self.wake();
    }

    /// Remembers a request's controller so cancelling aborts it.
    pub(crate) fn track(&self, c: &web_sys::AbortController) {
        self.in_flight.borrow_mut().push(c.clone());
    }

    /// Forgets a finished request's controller.
    pub(crate) fn untrack(&self, c: &web_sys::AbortController) {
        self.in_flight.borrow_mut().retain(|x| x != c);
    }

    /// Ends the current sleep early.
    pub(crate) fn wake(&self) {
        if let Some(f) = self.wake.borrow_mut().take() {
            let _ = f.call0(&JsValue::UNDEFINED);
        }
    }

    /// Sleeps `ms`, or less if woken or cancelled.
    pub(crate) async fn sleep(&self, ms: u64) {
        let mut wake = None;
        let woken = Promise::new(&mut |resolve, _reject| wake = Some(resolve));
        *self.wake.borrow_mut() = wake;
        let _ = self.race(&woken, Some(ms)).await;
        self.wake.borrow_mut().take();
    }

    /// Awaits `promise`, unless `timeout_ms` passes or the watch is cancelled first.
    pub(crate) async fn race(&self, promise: &Promise, timeout_ms: Option<u64>) -> Raced {
        if self.cancelled.get() {
            return Raced::Cancelled;
        }
        let id = self.next_race.get().wrapping_add(1);
        self.next_race.set(id);
        let mut canceller = None;
        let cancelled = Promise::new(&mut |resolve, _reject| canceller = Some(resolve));
        if let Some(f) = canceller {
            self.cancellers.borrow_mut().push((id, f));
        }
        let contenders = Array::of2(promise, &cancelled);
        let _timer = timeout_ms.map(|ms| {
            let mut timer = None;
            let fired = Promise::new(&mut |resolve, _reject| {
                timer = Some(Timer::new(ms, &resolve, &self.timeout_mark));
            });
            contenders.push(&fired);
            timer
        });
        let result = JsFuture::from(Promise::race(&contenders)).await;
        self.cancellers.borrow_mut().retain(|(i, _)| *i != id);
        match result {
            Ok(v) if Object::is(&v, &self.cancel_mark) => Raced::Cancelled,
            Ok(v) if Object::is(&v, &self.timeout_mark) => Raced::TimedOut,
            Ok(v) => Raced::Resolved(v),
            Err(e) => Raced::Rejected(e),
        }
    }
}
