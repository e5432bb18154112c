//! Runs the poll loops and MFA answers: futures on the page's one thread, polled when woken.
//!
//! Every wake-up here comes from `race.js` reporting that a timer, request or promise ended, so
//! the task is polled right then. A general executor queues a microtask per wake-up instead,
//! which costs a JS call, a microtask and a call back on every await (two per poll).

use std::boxed::Box;
use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::Wake;
use std::task::{Context, Waker};

/// A future being run, and whether it was woken while being polled.
struct Task {
    future: RefCell<Option<Pin<Box<dyn Future<Output = ()>>>>>,
    again: Cell<bool>,
}

// SAFETY: wasm32 without the atomics feature has one thread, so a task is never shared or sent
// across threads. `Wake` asks for these only because a `Waker` may be in general.
unsafe impl Send for Task {}
unsafe impl Sync for Task {}

impl Wake for Task {
    fn wake(self: Arc<Self>) {
        run(&self);
    }

    fn wake_by_ref(self: &Arc<Self>) {
        run(self);
    }
}

/// Polls `future` now, and again each time it is woken, until it is done.
///
/// The first poll runs before this returns: a future that must not act until its caller has
/// finished awaits [`super::race::Interrupts::soon`] first.
pub(crate) fn spawn(future: impl Future<Output = ()> + 'static) {
    let task = Arc::new(Task {
        future: RefCell::new(Some(Box::pin(future))),
        again: Cell::new(false),
    });
    run(&task);
}

fn run(task: &Arc<Task>) {
    let Ok(mut slot) = task.future.try_borrow_mut() else {
        // Woken from inside its own poll: poll once more when that poll returns.
        task.again.set(true);
        return;
    };
    let waker = Waker::from(task.clone());
    let mut cx = Context::from_waker(&waker);
    loop {
        task.again.set(false);
        let Some(future) = slot.as_mut() else {
            return;
        };
        if future.as_mut().poll(&mut cx).is_ready() {
            *slot = None;
            return;
        }
        if !task.again.get() {
            return;
        }
    }
}
