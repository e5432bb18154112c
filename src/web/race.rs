//! Awaiting a JS promise that a timeout, a cancellation or a wake-up can cut short.

use std::cell::RefCell;

use gloo_timers::callback::Timeout;
use js_sys::{Array, Function, Object, Promise};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

/// How a raced promise ended.
pub(crate) enum Raced {
    Resolved(JsValue),
    Rejected(JsValue),
    TimedOut,
    Cancelled,
}

/// One watch's cancellation and wake-up promises.
pub(crate) struct Interrupts {
    cancelled: Promise,
    cancel: RefCell<Option<Function>>,
    wake: RefCell<Option<Function>>,
    in_flight: RefCell<Vec<web_sys::AbortController>>,
    cancel_mark: Object,
    timeout_mark: Object,
}

impl Interrupts {
    pub(crate) fn new() -> Self {
        let mut cancel = None;
        let cancelled = Promise::new(&mut |resolve, _reject| cancel = Some(resolve));
        Self {
            cancelled,
            cancel: RefCell::new(cancel),
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
        if let Some(f) = self.cancel.borrow_mut().take() {
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
        let contenders = Array::of2(promise, &self.cancelled);
        // The timer is cleared when `_timer` drops, so no callback outlives the race.
        let _timer = timeout_ms.map(|ms| {
            let mut timer = None;
            let mark = self.timeout_mark.clone();
            let fired = Promise::new(&mut |resolve, _reject| {
                let mark = mark.clone();
                // setTimeout's limit is 2^31-1 ms (about 24 days).
                let ms = ms.min(i32::MAX as u64) as u32;
                timer = Some(Timeout::new(ms, move || {
                    let _ = resolve.call1(&JsValue::UNDEFINED, &mark);
                }));
            });
            contenders.push(&fired);
            timer
        });
        match JsFuture::from(Promise::race(&contenders)).await {
            Ok(v) if Object::is(&v, &self.cancel_mark) => Raced::Cancelled,
            Ok(v) if Object::is(&v, &self.timeout_mark) => Raced::TimedOut,
            Ok(v) => Raced::Resolved(v),
            Err(e) => Raced::Rejected(e),
        }
    }
}
