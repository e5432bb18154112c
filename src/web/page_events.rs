//! What the page says about itself: online or offline, and looked at again. Listened to only
//! while a poll loop runs; the listeners go with it.

use js_sys::Reflect;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::EventTarget;

/// A change the poll loop hears about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PageChange {
    /// `online` (true) or `offline` (false).
    Online(bool),
    /// The page became visible again.
    Visible,
}

/// Listeners on the global object (`online`, `offline`) and the document (`visibilitychange`),
/// removed when dropped.
pub(crate) struct PageEvents {
    listeners: Vec<Listener>,
}

/// One listener: where, for which event, and the closure JS calls.
struct Listener {
    target: EventTarget,
    event: &'static str,
    closure: Closure<dyn FnMut()>,
}

impl PageEvents {
    /// Calls `on_change` for each change, until dropped. Workers have no document: there, only
    /// online and offline are heard.
    pub(crate) fn listen(on_change: impl Fn(PageChange) + Clone + 'static) -> Self {
        let global = js_sys::global();
        let document = Reflect::get(&global, &JsValue::from_str("document"))
            .ok()
            .filter(|d| d.is_object());
        let mut listeners = Vec::new();
        let mut add =
            |target: &JsValue, name: &'static str, change: Box<dyn Fn() -> Option<PageChange>>| {
                let Some(target) = target.dyn_ref::<EventTarget>() else {
                    return;
                };
                let on_change = on_change.clone();
                let closure = Closure::<dyn FnMut()>::new(move || {
                    if let Some(c) = change() {
                        on_change(c);
                    }
                });
                if target
                    .add_event_listener_with_callback(name, closure.as_ref().unchecked_ref())
                    .is_ok()
                {
                    listeners.push(Listener {
                        target: target.clone(),
                        event: name,
                        closure,
                    });
                }
            };
        add(
            &global,
            "online",
            Box::new(|| Some(PageChange::Online(true))),
        );
        add(
            &global,
            "offline",
            Box::new(|| Some(PageChange::Online(false))),
        );
        if let Some(doc) = document {
            let d = doc.clone();
            add(
                &doc,
                "visibilitychange",
                Box::new(move || visible(&d).then_some(PageChange::Visible)),
            );
        }
        Self { listeners }
    }
}

impl Drop for PageEvents {
    fn drop(&mut self) {
        for l in &self.listeners {
            let f = l.closure.as_ref().unchecked_ref();
            let _ = l.target.remove_event_listener_with_callback(l.event, f);
        }
    }
}

/// `navigator.onLine`; true where the browser does not say.
pub(crate) fn online() -> bool {
    Reflect::get(&js_sys::global(), &JsValue::from_str("navigator"))
        .ok()
        .and_then(|n| Reflect::get(&n, &JsValue::from_str("onLine")).ok())
        .and_then(|v| v.as_bool())
        .unwrap_or(true)
}

fn visible(document: &JsValue) -> bool {
    Reflect::get(document, &JsValue::from_str("visibilityState"))
        .ok()
        .and_then(|v| v.as_string())
        .is_none_or(|s| s == "visible")
}
