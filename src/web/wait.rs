//! Waits on the page's timers: each is a `setTimeout` cleared when its future is dropped.

use std::future::Future;
use std::pin::pin;

use futures_util::future::{select, Either};
use gloo_timers::future::TimeoutFuture;

/// Sleeps `ms` (at most about 24 days, as `setTimeout` allows).
pub(crate) fn sleep(ms: u64) -> TimeoutFuture {
    TimeoutFuture::new(u32::try_from(ms.min(i32::MAX as u64)).unwrap_or(0))
}

/// `work`'s output, or `None` once `ms` has passed without it (`work` is then dropped).
pub(crate) async fn within<F: Future>(ms: u64, work: F) -> Option<F::Output> {
    match select(pin!(work), sleep(ms)).await {
        Either::Left((output, _)) => Some(output),
        Either::Right(_) => None,
    }
}
