//! A panic is a bug, and still no page waits forever: every pending `done` settles with an
//! `internal` error, callbacks stop, and later calls throw a clear `Error` instead of a trap.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Once;

use js_sys::Function;
use wasm_bindgen::JsValue;

use super::page::PageLocal;
use super::report::outcome_to_js;
use crate::core::messages::Catalogue;
use crate::core::watcher::internal_error;

/// Set once a panic has happened; nothing runs after it.
static BROKEN: AtomicBool = AtomicBool::new(false);

/// The `done` resolvers not yet called, by watch.
static PENDING: PageLocal<Vec<(u64, Function)>> = PageLocal::new(Vec::new());

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

static HOOK: Once = Once::new();

/// What every pending watch is told, and what later calls throw.
const MESSAGE: &str = "basiq-jobs stopped after an internal error (a bug in basiq-jobs); \
                       reload the page to start again";

/// Settles every pending `done` on a panic, then lets the previous hook report it.
pub(crate) fn install() {
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            settle_all();
            previous(info);
        }));
    });
}

/// Remembers a watch's `done` resolver until [`settled`]; returns its id.
pub(crate) fn pending(resolve: &Function) -> u64 {
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    if let Ok(mut p) = PENDING.0.try_borrow_mut() {
        p.push((id, resolve.clone()));
    }
    id
}

/// Forgets a watch whose `done` has settled.
pub(crate) fn settled(id: u64) {
    if let Ok(mut p) = PENDING.0.try_borrow_mut() {
        p.retain(|(i, _)| *i != id);
    }
}

/// True once a panic has happened.
pub(crate) fn broken() -> bool {
    BROKEN.load(Ordering::Relaxed)
}

/// `Ok` unless a panic has happened; then the `Error` that `what` throws.
pub(crate) fn check(what: &str) -> Result<(), JsValue> {
    if broken() {
        return Err(js_sys::Error::new(&format!("{what}: {MESSAGE}")).into());
    }
    Ok(())
}

fn settle_all() {
    BROKEN.store(true, Ordering::Relaxed);
    // Borrowed only if the panic came from inside `pending` or `settled` themselves.
    let Ok(mut p) = PENDING.0.try_borrow_mut() else {
        return;
    };
    let waiting = std::mem::take(&mut *p);
    drop(p);
    let outcome = outcome_to_js(&internal_error(MESSAGE, &Catalogue::new(None, Vec::new())));
    for (_, resolve) in waiting {
        let _ = resolve.call1(&JsValue::UNDEFINED, &outcome);
    }
}

/// Panics, for the test that checks all of the above.
#[cfg(test)]
#[wasm_bindgen::prelude::wasm_bindgen(js_name = panicForTests)]
pub fn panic_for_tests() {
    #[allow(clippy::panic)]
    {
        panic!("a panic forced by a test");
    }
}

/// Lets the other tests in the same page run after that one.
#[cfg(test)]
#[wasm_bindgen::prelude::wasm_bindgen(js_name = recoverForTests)]
pub fn recover_for_tests() {
    BROKEN.store(false, Ordering::Relaxed);
}
