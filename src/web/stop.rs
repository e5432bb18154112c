//! A watch's cancellation: once stopped, every piece of work raced against it ends, and is dropped.

use std::cell::RefCell;
use std::future::Future;
use std::pin::pin;

use futures_channel::oneshot;
use futures_util::future::{select, Either, FutureExt, Shared};

/// Stops a watch's waits, requests and token calls, now and later.
pub(crate) struct Stop {
    /// Dropped to stop: that ends every clone of `stopped` at once.
    trigger: RefCell<Option<oneshot::Sender<()>>>,
    stopped: Shared<oneshot::Receiver<()>>,
}

impl Stop {
    /// A stop signal not yet given.
    pub(crate) fn new() -> Self {
        let (trigger, stopped) = oneshot::channel();
        Self {
            trigger: RefCell::new(Some(trigger)),
            stopped: stopped.shared(),
        }
    }

    /// Ends all work raced against this, now and later.
    pub(crate) fn stop(&self) {
        self.trigger.borrow_mut().take();
    }

    /// Whether [`Stop::stop`] was called.
    pub(crate) fn is_stopped(&self) -> bool {
        self.trigger.borrow().is_none()
    }

    /// `work`'s output, or `None` if stopped first; once stopped, `work` is never started.
    pub(crate) async fn or<F: Future>(&self, work: F) -> Option<F::Output> {
        match select(self.stopped.clone(), pin!(work)).await {
            Either::Left(_) => None,
            Either::Right((output, _)) => Some(output),
        }
    }
}
