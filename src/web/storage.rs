//! The page's localStorage, where there is one (not in workers, not when the browser blocks it).

use wasm_bindgen::JsCast;

use super::convert::field;

/// The stored value of `key`, if storage is available and holds one.
pub(crate) fn get(key: &str) -> Option<String> {
    storage()?.get_item(key).ok().flatten()
}

/// Stores `value` under `key`, or removes `key`; a full or blocked storage is not an error worth
/// a failed watch.
pub(crate) fn set(key: &str, value: Option<&str>) {
    if let Some(s) = storage() {
        let _ = match value {
            Some(v) => s.set_item(key, v),
            None => s.remove_item(key),
        };
    }
}

fn storage() -> Option<web_sys::Storage> {
    // Reading `localStorage` itself throws where it is blocked; `field` treats that as absent.
    field(&js_sys::global(), "localStorage").map(|s| s.unchecked_into())
}
