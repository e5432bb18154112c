//! The browser suites' one rule: a scenario that threw fails its test, with the scenario's name
//! and what it said.

use wasm_bindgen::JsValue;

/// Fails the test when the scenario `name` threw.
pub(crate) fn check(name: &str, result: Result<JsValue, JsValue>) {
    if let Err(e) = result {
        let message = js_sys::Reflect::get(&e, &"message".into())
            .ok()
            .and_then(|m| m.as_string())
            .unwrap_or_else(|| format!("{e:?}"));
        #[allow(clippy::panic)]
        {
            panic!("{name}: {message}");
        }
    }
}
