//! One poll stream per job across the tabs of a browser, carried out: a Web Lock per job URL
//! elects the tab that polls, and a BroadcastChannel carries the core's notes between the tabs.
//! Which tab polls, and what a tab does with what it hears, is the core's to decide.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{AbortController, BroadcastChannel, LockManager, LockOptions, MessageEvent};

use super::json::to_js;
use crate::core::crosstab::Note;

/// A job's lock and channel, shared with the other tabs of this browser; let go when dropped.
pub(crate) struct Shared {
    channel: BroadcastChannel,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_lock: Closure<dyn FnMut(JsValue) -> Promise>,
    /// Withdraws the lock request while it still waits.
    withdraw: AbortController,
    /// Settles the promise the lock is held by, which lets the lock go.
    release: Rc<RefCell<Option<Function>>>,
}

impl Shared {
    /// Asks for the lock of the job at `url` and listens on its channel: `on_note` gets what
    /// other tabs say, `on_lead` is called once the lock is this tab's. `None` where the browser
    /// has no Web Locks or no BroadcastChannel: the watch then polls alone.
    pub(crate) fn open(
        url: &str,
        on_note: impl Fn(Note) + 'static,
        on_lead: impl Fn() + 'static,
    ) -> Option<Self> {
        let locks = locks()?;
        let name = format!("basiq-jobs {url}");
        let channel = BroadcastChannel::new(&name).ok()?;
        let withdraw = AbortController::new().ok()?;
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            // Anything on the channel that is not a note is not ours to read (and needs no
            // field path to say why).
            if let Ok(note) = serde_wasm_bindgen::from_value::<Note>(e.data()) {
                on_note(note);
            }
        });
        channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        let release = Rc::new(RefCell::new(None));
        let held = release.clone();
        let on_lock = Closure::<dyn FnMut(JsValue) -> Promise>::new(move |_lock: JsValue| {
            // The lock is held until this promise settles: until the watch lets it go, or the
            // tab closes.
            let hold = Promise::new(&mut |resolve, _reject| *held.borrow_mut() = Some(resolve));
            on_lead();
            hold
        });
        let options = LockOptions::new();
        options.set_signal(&withdraw.signal());
        let request = locks.request_with_options(&name, &options, on_lock.as_ref().unchecked_ref());
        // Its promise settles when the lock is let go, or rejects when the request is withdrawn:
        // neither is news.
        spawn_local(async move {
            let _ = JsFuture::from(request).await;
        });
        Some(Self {
            channel,
            _on_message: on_message,
            _on_lock: on_lock,
            withdraw,
            release,
        })
    }

    /// Tells the other tabs watching this job.
    pub(crate) fn tell(&self, note: &Note) {
        let _ = self.channel.post_message(&to_js(note));
    }
}

impl Drop for Shared {
    fn drop(&mut self) {
        self.channel.set_onmessage(None);
        self.channel.close();
        self.withdraw.abort();
        if let Some(resolve) = self.release.borrow_mut().take() {
            let _ = resolve.call0(&JsValue::UNDEFINED);
        }
    }
}

/// `navigator.locks`, in windows and workers alike, where the browser has it.
fn locks() -> Option<LockManager> {
    let navigator = Reflect::get(&js_sys::global(), &JsValue::from_str("navigator")).ok()?;
    let locks = Reflect::get(&navigator, &JsValue::from_str("locks")).ok()?;
    // Not `dyn_into`: its `instanceof LockManager` throws where the class does not exist.
    locks.is_object().then(|| locks.unchecked_into())
}
