//! `watchJob`, `restoreWatch` and the `JobWatch` handle: one async loop per watch.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::{Array, Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::future_to_promise;

use super::convert::{job_to_js, type_error};
use super::http::{self, describe, Sent};
use super::options::{self, Hooks};
use super::race::{Interrupts, Raced};
use super::report::{event_to_js, outcome_to_js};
use crate::core::events::Event;
use crate::core::watcher::{Action, MfaError, Response, Watcher};

/// The shared state of one watch: the core's state machine and the JS handles around it.
struct Inner {
    watcher: RefCell<Watcher>,
    hooks: Hooks,
    token: RefCell<Option<String>>,
    interrupts: Interrupts,
    cancelled: Cell<bool>,
    abort_listener: RefCell<Option<Closure<dyn FnMut()>>>,
}

/// A job being watched: its outcome, its state, and ways to steer it.
#[wasm_bindgen]
pub struct JobWatch {
    inner: Rc<Inner>,
    done: Promise,
}

#[wasm_bindgen]
impl JobWatch {
    /// Resolves exactly once with the outcome; never rejects.
    #[wasm_bindgen(getter, unchecked_return_type = "Promise<JobOutcome>")]
    pub fn done(&self) -> Promise {
        self.done.clone()
    }

    /// Stops watching: the request in flight is aborted and `done` resolves as `cancelled`.
    pub fn cancel(&self) {
        self.inner.cancel();
    }

    /// The latest job snapshot, or `null` before the first answer.
    #[wasm_bindgen(unchecked_return_type = "JobSnapshot | null")]
    pub fn snapshot(&self) -> JsValue {
        self.inner
            .with(|w| w.snapshot().map(job_to_js))
            .flatten()
            .unwrap_or(JsValue::NULL)
    }

    /// A string that `restoreWatch` resumes from after a reload; it holds no token.
    pub fn save(&self) -> String {
        self.inner.with(|w| w.save()).unwrap_or_default()
    }

    /// Sends the user's answers to the waiting MFA challenge; polling then resumes at once.
    #[wasm_bindgen(js_name = answerMfa, unchecked_return_type = "Promise<void>")]
    pub fn answer_mfa(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string[]")] answers: JsValue,
    ) -> Promise {
        let inner = self.inner.clone();
        future_to_promise(async move { inner.answer_mfa(answers).await })
    }
}

/// Starts watching the job at `jobUrl` (its `links.self`).
#[wasm_bindgen(js_name = watchJob)]
pub fn watch_job(
    #[wasm_bindgen(js_name = jobUrl)] job_url: JsValue,
    #[wasm_bindgen(unchecked_param_type = "WatchOptions")] options: JsValue,
) -> Result<JobWatch, JsValue> {
    let Some(url) = job_url.as_string() else {
        return Err(type_error("watchJob: jobUrl must be a string", None));
    };
    let (cfg, hooks) = options::read(&options, Some(url))
        .map_err(|m| type_error(&format!("watchJob: {m}"), None))?;
    let watcher = Watcher::new(cfg, now(), seed())
        .map_err(|e| type_error(&format!("watchJob: {}", e.reason()), None))?;
    Ok(start(watcher, hooks))
}

/// Resumes a watch from `JobWatch.save()`; `options` are as for `watchJob`.
#[wasm_bindgen(js_name = restoreWatch)]
pub fn restore_watch(
    saved: JsValue,
    #[wasm_bindgen(unchecked_param_type = "WatchOptions")] options: JsValue,
) -> Result<JobWatch, JsValue> {
    let Some(text) = saved.as_string() else {
        return Err(type_error(
            "restoreWatch: saved must be the string from save()",
            None,
        ));
    };
    let (cfg, hooks) = options::read(&options, None)
        .map_err(|m| type_error(&format!("restoreWatch: {m}"), None))?;
    let watcher = Watcher::restore(&text, cfg, now(), seed())
        .map_err(|e| type_error(&format!("restoreWatch: {}", e.reason()), None))?;
    Ok(start(watcher, hooks))
}

fn start(watcher: Watcher, hooks: Hooks) -> JobWatch {
    let token = RefCell::new(hooks.token.clone());
    let inner = Rc::new(Inner {
        watcher: RefCell::new(watcher),
        hooks,
        token,
        interrupts: Interrupts::new(),
        cancelled: Cell::new(false),
        abort_listener: RefCell::new(None),
    });
    inner.listen_for_abort(&inner);
    let looping = inner.clone();
    let done = future_to_promise(async move {
        let outcome = looping.run().await;
        looping.detach();
        Ok(outcome)
    });
    JobWatch { inner, done }
}

impl Inner {
    /// Runs the watcher to its end and returns the outcome as JS.
    async fn run(&self) -> JsValue {
        loop {
            if self.cancelled.get() {
                self.with(|w| w.cancel());
            }
            let action = self.with(|w| w.poll(now()));
            self.dispatch();
            match action {
                Some(Action::Done(outcome)) => return outcome_to_js(&outcome),
                Some(Action::Wait(ms)) => self.interrupts.sleep(ms).await,
                Some(Action::RefreshToken) => self.refresh_token().await,
                Some(Action::Fetch(req)) => {
                    let token = self.token.borrow().clone();
                    let sent = http::send(
                        &req,
                        token.as_deref(),
                        self.hooks.fetch.as_ref(),
                        &self.interrupts,
                    )
                    .await;
                    self.with(|w| match &sent {
                        Sent::Answered(a) => {
                            let response = Response {
                                status: a.status,
                                retry_after: a.retry_after.as_deref(),
                                body: &a.body,
                            };
                            w.handle_response(now(), req.id, response);
                        }
                        Sent::Failed(e) => w.handle_error(now(), req.id, e.clone()),
                        Sent::Cancelled => w.cancel(),
                    });
                }
                // The state machine is only ever borrowed briefly; if it could not be, try again.
                None => self.interrupts.sleep(1).await,
            }
            self.dispatch();
        }
    }

    /// Runs `f` on the state machine, unless it is already borrowed.
    fn with<R>(&self, f: impl FnOnce(&mut Watcher) -> R) -> Option<R> {
        self.watcher.try_borrow_mut().ok().map(|mut w| f(&mut w))
    }

    /// Hands every pending event to its callback; a callback that throws is reported, not fatal.
    fn dispatch(&self) {
        while let Some(event) = self.with(|w| w.poll_event()).flatten() {
            let (callback, name) = match &event {
                Event::Step(_) => (&self.hooks.on_step, "onStep"),
                Event::Progress(_) => (&self.hooks.on_progress, "onProgress"),
                Event::Mfa(_) => (&self.hooks.on_mfa, "onMfa"),
            };
            if let Some(f) = callback {
                if let Err(e) = f.call1(&JsValue::UNDEFINED, &event_to_js(&event)) {
                    web_sys::console::error_2(
                        &JsValue::from_str(&format!("basiq-jobs: {name} threw")),
                        &e,
                    );
                }
            }
        }
    }

    async fn refresh_token(&self) {
        let timeout = self.with(|w| w.request_timeout_ms()).unwrap_or(30_000);
        let result = match &self.hooks.get_token {
            None => Err("no getToken function was given".to_string()),
            Some(f) => match f.call0(&JsValue::UNDEFINED) {
                Err(e) => Err(describe(&e)),
                Ok(p) => match self
                    .interrupts
                    .race(&Promise::resolve(&p), Some(timeout))
                    .await
                {
                    Raced::Resolved(v) => v
                        .as_string()
                        .filter(|t| !t.is_empty())
                        .ok_or_else(|| "getToken must resolve to a non-empty string".to_string()),
                    Raced::Rejected(e) => Err(describe(&e)),
                    Raced::TimedOut => Err("getToken did not answer in time".to_string()),
                    Raced::Cancelled => return,
                },
            },
        };
        let result = result.map(|t| {
            *self.token.borrow_mut() = Some(t);
        });
        self.with(|w| w.handle_token(now(), result));
    }

    async fn answer_mfa(&self, answers: JsValue) -> Result<JsValue, JsValue> {
        let answers = string_list(&answers)
            .ok_or_else(|| type_error("answerMfa: answers must be an array of strings", None))?;
        let req = self
            .with(|w| w.answer_mfa(&answers))
            .unwrap_or_else(|| Err(busy()))
            .map_err(|e| mfa_error(&e))?;
        let token = self.token.borrow().clone();
        let sent = http::send(
            &req,
            token.as_deref(),
            self.hooks.fetch.as_ref(),
            &self.interrupts,
        )
        .await;
        let handled = self.with(|w| match &sent {
            Sent::Answered(a) => w.handle_mfa_response(
                now(),
                Ok(Response {
                    status: a.status,
                    retry_after: a.retry_after.as_deref(),
                    body: &a.body,
                }),
            ),
            Sent::Failed(e) => w.handle_mfa_response(now(), Err(e.clone())),
            Sent::Cancelled => Err(MfaError {
                kind: "cancelled",
                http_status: None,
                message: "the watch was cancelled".into(),
            }),
        });
        handled
            .unwrap_or_else(|| Err(busy()))
            .map_err(|e| mfa_error(&e))?;
        self.interrupts.wake();
        Ok(JsValue::UNDEFINED)
    }

    fn cancel(&self) {
        self.cancelled.set(true);
        self.with(|w| w.cancel());
        self.interrupts.cancel();
    }

    fn listen_for_abort(&self, me: &Rc<Inner>) {
        let Some(signal) = &self.hooks.signal else {
            return;
        };
        if Reflect::get(signal, &JsValue::from_str("aborted"))
            .ok()
            .is_some_and(|v| v.is_truthy())
        {
            self.cancel();
            return;
        }
        let weak = Rc::downgrade(me);
        let listener = Closure::<dyn FnMut()>::new(move || {
            if let Some(inner) = weak.upgrade() {
                inner.cancel();
            }
        });
        let added =
            signal.add_event_listener_with_callback("abort", listener.as_ref().unchecked_ref());
        if added.is_ok() {
            *self.abort_listener.borrow_mut() = Some(listener);
        }
    }

    /// Lets go of the signal once the watch is over, so a long-lived signal holds nothing of it.
    fn detach(&self) {
        if let (Some(signal), Some(listener)) =
            (&self.hooks.signal, self.abort_listener.borrow_mut().take())
        {
            let f: &Function = listener.as_ref().unchecked_ref();
            let _ = signal.remove_event_listener_with_callback("abort", f);
        }
    }
}

fn string_list(v: &JsValue) -> Option<Vec<String>> {
    if !Array::is_array(v) {
        return None;
    }
    let arr: &Array = v.unchecked_ref();
    arr.iter().map(|s| s.as_string()).collect()
}

fn busy() -> MfaError {
    MfaError {
        kind: "busy",
        http_status: None,
        message: "the watch is busy; try again".into(),
    }
}

/// A JS `Error` with `kind` and `httpStatus`, for a refused MFA answer.
fn mfa_error(e: &MfaError) -> JsValue {
    let err = js_sys::Error::new(&format!("answerMfa: {}", e.message));
    let _ = Reflect::set(&err, &JsValue::from_str("kind"), &JsValue::from_str(e.kind));
    if let Some(s) = e.http_status {
        let _ = Reflect::set(
            &err,
            &JsValue::from_str("httpStatus"),
            &JsValue::from_f64(f64::from(s)),
        );
    }
    err.into()
}

fn now() -> u64 {
    js_sys::Date::now() as u64
}

fn seed() -> u64 {
    (js_sys::Math::random() * 9_007_199_254_740_991.0) as u64
}
