//! Awaiting JS work that a timeout, a cancellation or a wake-up can cut short.
//!
//! The work runs in `race.js`, which reports its end through one callback made per watch. A
//! `JsFuture` per await would cost two closures and a promise reaction each time, and a poll
//! awaits twice.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use js_sys::Function;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen(module = "/src/web/race.js")]
extern "C" {
    /// One watch's cancellation and wake-up, in JS.
    type Gate;
    #[wasm_bindgen(constructor)]
    fn new(notify: &Function) -> Gate;
    #[wasm_bindgen(method)]
    fn cancel(this: &Gate);
    #[wasm_bindgen(method)]
    fn wake(this: &Gate);
    #[wasm_bindgen(method)]
    fn soon(this: &Gate, ticket: u32);
    #[wasm_bindgen(method)]
    fn sleep(this: &Gate, ticket: u32, ms: u32);
    #[wasm_bindgen(method)]
    fn within(this: &Gate, ticket: u32, value: &JsValue, ms: u32);
    #[wasm_bindgen(method)]
    #[allow(clippy::too_many_arguments)]
    fn send(
        this: &Gate,
        ticket: u32,
        fetch: Option<&Function>,
        url: &JsValue,
        method: &JsValue,
        token: Option<&JsValue>,
        body: Option<&str>,
        ms: u32,
    );
}

/// How a piece of work ended.
pub(crate) enum Raced {
    /// With its value (a request's is `[status, Retry-After, body]`).
    Resolved(JsValue),
    /// With what was thrown.
    Rejected(JsValue),
    TimedOut,
    Cancelled,
}

/// A piece of work in flight: its ticket, and how it ended once it has.
struct Slot {
    ticket: u32,
    ended: Option<Raced>,
    waker: Option<Waker>,
}

type Slots = Rc<RefCell<Vec<Slot>>>;

/// One watch's cancellation and wake-up.
///
/// Each piece of work is ended through its own short-lived entry in the JS `Gate` and its own
/// slot here, both removed when it ends: nothing accumulates for as long as the watch lasts.
pub(crate) struct Interrupts {
    gate: Gate,
    slots: Slots,
    next: Cell<u32>,
    _notify: Closure<dyn Fn(u32, u32, JsValue)>,
}

impl Interrupts {
    /// A watch's interrupts, with nothing pending.
    pub(crate) fn new() -> Self {
        let slots = Slots::default();
        let notify = {
            let slots = slots.clone();
            Closure::<dyn Fn(u32, u32, JsValue)>::new(move |ticket, how, value| {
                end(&slots, ticket, how, value);
            })
        };
        Self {
            gate: Gate::new(notify.as_ref().unchecked_ref()),
            slots,
            next: Cell::new(0),
            _notify: notify,
        }
    }

    /// Cuts short all pending work, now and later, and aborts the requests in flight at once.
    pub(crate) fn cancel(&self) {
        self.gate.cancel();
    }

    /// Ends the current sleep early.
    pub(crate) fn wake(&self) {
        self.gate.wake();
    }

    /// Ends once the code running now has returned (on the next microtask).
    pub(crate) async fn soon(&self) {
        let ticket = self.ticket();
        self.gate.soon(ticket);
        self.ended(ticket).await;
    }

    /// Sleeps `ms`, or less if woken or cancelled.
    pub(crate) async fn sleep(&self, ms: u64) {
        let ticket = self.ticket();
        self.gate.sleep(ticket, clamp(ms));
        self.ended(ticket).await;
    }

    /// Awaits `value` (a promise or not), unless `timeout_ms` passes or the watch is cancelled.
    pub(crate) async fn within(&self, value: &JsValue, timeout_ms: u64) -> Raced {
        let ticket = self.ticket();
        self.gate.within(ticket, value, clamp(timeout_ms));
        self.ended(ticket).await
    }

    /// Sends one request (with `token` as its bearer token, if any) and reads its answer whole,
    /// within `timeout_ms`; the request is aborted if it ends any other way.
    pub(crate) async fn send(
        &self,
        fetch: Option<&Function>,
        url: &JsValue,
        method: &JsValue,
        token: Option<&JsValue>,
        body: Option<&str>,
        timeout_ms: u64,
    ) -> Raced {
        let ticket = self.ticket();
        let ms = clamp(timeout_ms);
        self.gate.send(ticket, fetch, url, method, token, body, ms);
        self.ended(ticket).await
    }

    /// A slot for the next piece of work, made before it starts (it may end at once).
    fn ticket(&self) -> u32 {
        let ticket = self.next.get().wrapping_add(1);
        self.next.set(ticket);
        if let Ok(mut slots) = self.slots.try_borrow_mut() {
            slots.push(Slot {
                ticket,
                ended: None,
                waker: None,
            });
        }
        ticket
    }

    fn ended(&self, ticket: u32) -> Ended<'_> {
        Ended {
            slots: &self.slots,
            ticket,
        }
    }
}

impl Drop for Interrupts {
    /// Ends whatever is still pending, so JS never calls the callback once it is gone.
    fn drop(&mut self) {
        self.gate.cancel();
    }
}

/// Records how the work with `ticket` ended (`how` as race.js numbers it) and wakes its task.
fn end(slots: &Slots, ticket: u32, how: u32, value: JsValue) {
    let waker = slots.try_borrow_mut().ok().and_then(|mut slots| {
        let slot = slots.iter_mut().find(|s| s.ticket == ticket)?;
        slot.ended = Some(match how {
            0 => Raced::Resolved(value),
            1 => Raced::Rejected(value),
            2 => Raced::TimedOut,
            _ => Raced::Cancelled,
        });
        slot.waker.take()
    });
    if let Some(w) = waker {
        w.wake();
    }
}

/// Waits for the work with `ticket` to end; lets go of its slot when dropped.
struct Ended<'a> {
    slots: &'a Slots,
    ticket: u32,
}

impl Future for Ended<'_> {
    type Output = Raced;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Raced> {
        let Ok(mut slots) = self.slots.try_borrow_mut() else {
            cx.waker().wake_by_ref();
            return Poll::Pending;
        };
        match slots.iter_mut().find(|s| s.ticket == self.ticket) {
            // No slot: it could not be made, so the work's end cannot be heard.
            None => Poll::Ready(Raced::Cancelled),
            Some(slot) => match slot.ended.take() {
                Some(ended) => Poll::Ready(ended),
                None => {
                    slot.waker = Some(cx.waker().clone());
                    Poll::Pending
                }
            },
        }
    }
}

impl Drop for Ended<'_> {
    fn drop(&mut self) {
        if let Ok(mut slots) = self.slots.try_borrow_mut() {
            slots.retain(|s| s.ticket != self.ticket);
        }
    }
}

/// A delay as `setTimeout` takes it: at most 2^31-1 ms (about 24 days).
fn clamp(ms: u64) -> u32 {
    ms.min(i32::MAX as u64) as u32
}
