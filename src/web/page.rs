//! Page-wide state: a `static` that only this page's one thread ever touches.

use std::cell::RefCell;

/// A value shared by the whole page, for a `static`.
pub(crate) struct PageLocal<T>(pub(crate) RefCell<T>);

impl<T> PageLocal<T> {
    pub(crate) const fn new(value: T) -> Self {
        Self(RefCell::new(value))
    }
}

// SAFETY: this build has no threads (wasm32 without the atomics feature), so no other thread can
// ever reach the value.
unsafe impl<T> Sync for PageLocal<T> {}
