//! `watchJob`, `restoreWatch` and the `JobWatch` handle.
//!
//! One poll loop (a [`Stream`], run by `spawn_local`) per job; every `JobWatch` of that job
//! subscribes to it, so two watches of one job in a page never poll twice.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use futures_channel::mpsc;
use futures_util::StreamExt;
use js_sys::{Array, Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{future_to_promise, spawn_local, JsFuture};

use super::convert::{job_to_js, saved_text, type_error};
use super::crosstab::Shared;
use super::http::{self, describe, Sent};
use super::json::JsonText;
use super::options::{self, Hooks};
use super::page::PageLocal;
use super::page_events::{self, PageChange, PageEvents};
use super::panic;
use super::report::{event_to_js, outcome_to_js};
use super::stop::Stop;
use super::storage;
use super::wait;
use crate::core::events::{Event, Outcome};
use crate::core::streak;
use crate::core::watcher::{Action, MfaError, Request, WatchConfig, Watcher};

/// The live poll loops of this page, sorted by job URL: a page may watch a thousand jobs, and
/// each start looks its URL up.
static STREAMS: PageLocal<Vec<(String, Weak<Stream>)>> = PageLocal::new(Vec::new());

/// Where `url` is in the sorted `streams`, or where it would go.
fn position(streams: &[(String, Weak<Stream>)], url: &str) -> Result<usize, usize> {
    streams.binary_search_by(|(u, _)| u.as_str().cmp(url))
}

/// One job's poll loop: the core's state machine and what it needs to reach the API.
struct Stream {
    watcher: RefCell<Watcher>,
    token: RefCell<Option<String>>,
    /// The partner's functions, let go of once the stream has ended (see [`Callbacks`]).
    get_token: RefCell<Option<Function>>,
    fetch: RefCell<Option<Function>>,
    /// Ends the wait, token call or request in flight when the stream is cancelled.
    stop: Stop,
    /// Ends the current wait early ("poll now"); one sent while no wait runs ends the next one.
    wake: mpsc::UnboundedSender<()>,
    /// Online, offline and visibility changes, heard while the loop runs.
    page: RefCell<Option<PageEvents>>,
    subs: RefCell<Vec<Rc<Sub>>>,
    key: RefCell<Option<String>>,
    remember_failures: bool,
    /// Share the job's polling with other tabs of this browser (`crossTab`).
    cross_tab: bool,
    /// The job's lock and channel, while shared with other tabs.
    shared: RefCell<Option<Shared>>,
}

/// One `JobWatch`'s view of a stream: its callbacks and its own `done`.
struct Sub {
    callbacks: RefCell<Callbacks>,
    resolve: RefCell<Option<Function>>,
    /// Its place among the watches a panic settles.
    pending: u64,
    signal: Option<web_sys::AbortSignal>,
    abort_listener: RefCell<Option<Closure<dyn FnMut()>>>,
    stream: RefCell<Rc<Stream>>,
}

/// A watch's callbacks, dropped when its `done` settles: a callback that refers to its own watch
/// (`onMfa: (c) => watch.answerMfa(…)`) would otherwise hold the watch, which holds the callback,
/// through the wasm-bindgen heap, where the garbage collector cannot see the cycle: every such
/// watch, its job and its callbacks would stay for the life of the page.
#[derive(Default)]
struct Callbacks {
    on_step: Option<Function>,
    on_progress: Option<Function>,
    on_mfa: Option<Function>,
    on_retry: Option<Function>,
    on_outage_lifted: Option<Function>,
}

/// A job being watched: its outcome, its state, and ways to steer it.
#[wasm_bindgen]
#[derive(Clone)]
pub struct JobWatch {
    sub: Rc<Sub>,
    done: Promise,
}

#[wasm_bindgen]
impl JobWatch {
    /// Resolves exactly once with the outcome; never rejects.
    #[wasm_bindgen(getter, unchecked_return_type = "Promise<JobOutcome>")]
    pub fn done(&self) -> Promise {
        self.done.clone()
    }

    /// Stops this watch: `done` resolves as `cancelled`; the last watch of a job stops its polling.
    pub fn cancel(&self) -> Result<(), JsValue> {
        panic::check("cancel")?;
        self.sub.cancel();
        Ok(())
    }

    /// The latest job snapshot, or `null` before the first answer.
    #[wasm_bindgen(unchecked_return_type = "JobSnapshot | null")]
    pub fn snapshot(&self) -> Result<JsValue, JsValue> {
        panic::check("snapshot")?;
        let stream = self.sub.stream();
        Ok(stream
            .with(|w| w.snapshot().map(|j| job_to_js(j)))
            .flatten()
            .unwrap_or(JsValue::NULL))
    }

    /// A string that `restoreWatch` resumes from after a reload (empty until the job is known).
    pub fn save(&self) -> Result<String, JsValue> {
        panic::check("save")?;
        Ok(self
            .sub
            .stream()
            .with(|w| saved_text(w))
            .unwrap_or_default())
    }

    /// Sends the user's answers to the waiting MFA challenge; polling then resumes at once.
    #[wasm_bindgen(js_name = answerMfa, unchecked_return_type = "Promise<void>")]
    pub fn answer_mfa(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string[]")] answers: JsValue,
    ) -> Result<Promise, JsValue> {
        panic::check("answerMfa")?;
        let stream = self.sub.stream();
        Ok(future_to_promise(async move {
            stream.answer_mfa(answers).await
        }))
    }
}

/// Starts watching the job at `jobUrl` (its `links.self`).
#[wasm_bindgen(js_name = watchJob)]
pub fn watch_job(
    #[wasm_bindgen(js_name = jobUrl, unchecked_param_type = "string")] job_url: JsValue,
    #[wasm_bindgen(unchecked_param_type = "WatchOptions")] options: JsValue,
) -> Result<JobWatch, JsValue> {
    panic::check("watchJob")?;
    let Some(url) = job_url.as_string() else {
        return Err(type_error("watchJob: jobUrl must be a string", None));
    };
    let (mut cfg, hooks) = options::read(&options, Some(url)).map_err(|m| fail("watchJob", &m))?;
    recall_failures(&mut cfg, &hooks);
    let watcher = Watcher::new(cfg, now(), seed()).map_err(|e| fail("watchJob", &e.reason()))?;
    Ok(start(watcher, hooks))
}

/// Resumes a watch from `JobWatch.save()`; `options` are as for `watchJob`.
#[wasm_bindgen(js_name = restoreWatch)]
pub fn restore_watch(
    #[wasm_bindgen(unchecked_param_type = "string")] saved: JsValue,
    #[wasm_bindgen(unchecked_param_type = "WatchOptions")] options: JsValue,
) -> Result<JobWatch, JsValue> {
    panic::check("restoreWatch")?;
    let Some(text) = saved.as_string() else {
        return Err(type_error(
            "restoreWatch: saved must be the string from save()",
            None,
        ));
    };
    let (mut cfg, hooks) = options::read(&options, None).map_err(|m| fail("restoreWatch", &m))?;
    recall_failures(&mut cfg, &hooks);
    let watcher = Watcher::restore(&JsonText(&text), cfg, now(), seed())
        .map_err(|e| fail("restoreWatch", &e.reason()))?;
    Ok(start(watcher, hooks))
}

/// Starts a watch from a prepared config (the start functions build theirs).
pub(crate) fn start_with(
    what: &str,
    mut cfg: WatchConfig,
    hooks: Hooks,
) -> Result<JobWatch, JsValue> {
    panic::check(what)?;
    recall_failures(&mut cfg, &hooks);
    let watcher = Watcher::new(cfg, now(), seed()).map_err(|e| fail(what, &e.reason()))?;
    Ok(start(watcher, hooks))
}

/// Fills in the connection's remembered run of `service-unavailable` jobs, unless given.
fn recall_failures(cfg: &mut WatchConfig, hooks: &Hooks) {
    if hooks.remember_failures {
        cfg.attempt = streak::recall(cfg, storage::get);
    }
}

/// A `TypeError` naming the function that refused its arguments.
pub(crate) fn fail(what: &str, message: &str) -> JsValue {
    type_error(&format!("{what}: {message}"), None)
}

fn start(watcher: Watcher, hooks: Hooks) -> JobWatch {
    let existing = watcher.job_url().and_then(live_stream);
    let stream = match existing {
        Some(s) => s,
        None => {
            let (wake, wakes) = mpsc::unbounded();
            let s = Rc::new(Stream {
                watcher: RefCell::new(watcher),
                token: RefCell::new(hooks.token.clone()),
                get_token: RefCell::new(hooks.get_token.clone()),
                fetch: RefCell::new(hooks.fetch.clone()),
                stop: Stop::new(),
                wake,
                page: RefCell::new(None),
                subs: RefCell::new(Vec::new()),
                key: RefCell::new(None),
                remember_failures: hooks.remember_failures,
                cross_tab: hooks.cross_tab,
                shared: RefCell::new(None),
            });
            s.claim();
            s.follow_the_page();
            // The first poll runs on a later microtask: after this caller has subscribed its
            // watch and returned, so a `cancel()` made straight away sends nothing.
            spawn_local(s.clone().run(wakes));
            s
        }
    };
    let mut resolve = None;
    let done = Promise::new(&mut |r, _reject| resolve = Some(r));
    panic::install();
    let pending = resolve.as_ref().map_or(0, panic::pending);
    let sub = Rc::new(Sub {
        pending,
        callbacks: RefCell::new(Callbacks {
            on_step: hooks.on_step,
            on_progress: hooks.on_progress,
            on_mfa: hooks.on_mfa,
            on_retry: hooks.on_retry,
            on_outage_lifted: hooks.on_outage_lifted,
        }),
        resolve: RefCell::new(resolve),
        signal: hooks.signal,
        abort_listener: RefCell::new(None),
        stream: RefCell::new(stream.clone()),
    });
    stream.join(&sub);
    sub.listen_for_abort();
    JobWatch { sub, done }
}

/// The running stream for a job URL, if there is one.
fn live_stream(url: &str) -> Option<Rc<Stream>> {
    let streams = STREAMS.0.borrow();
    let found = position(&streams, url)
        .ok()
        .and_then(|i| streams.get(i))
        .and_then(|(_, s)| s.upgrade());
    drop(streams);
    found.filter(|s| s.with(|w| w.outcome().is_none()).unwrap_or(false))
}

impl Stream {
    /// Polls to the end, then resolves every subscriber with the outcome.
    async fn run(self: Rc<Self>, mut wakes: mpsc::UnboundedReceiver<()>) {
        let outcome = loop {
            if panic::broken() {
                return;
            }
            if self.stop.is_stopped() {
                self.with(|w| w.cancel());
            }
            let action = self.with(|w| w.poll(now()));
            self.dispatch();
            match action {
                Some(Action::Done(outcome)) => break outcome,
                Some(Action::Wait(ms)) => {
                    // Until the timer fires, a wake-up comes or the stream is cancelled.
                    let _ = self.stop.or(wait::within(ms, wakes.next())).await;
                    // Wake-ups that came meanwhile are answered by the poll that follows.
                    while wakes.try_recv().is_ok() {}
                }
                Some(Action::RefreshToken) => self.refresh_token().await,
                Some(Action::Fetch(req)) => {
                    let sent = self.send(&req).await;
                    self.with(|w| match &sent {
                        Sent::Answered(a) => {
                            let response = a.response();
                            w.handle_response(now(), req.id, response);
                        }
                        Sent::Failed(e) => w.handle_error(now(), req.id, e.clone()),
                        Sent::Cancelled => w.cancel(),
                    });
                    // A started job may turn out to be one this page already watches.
                    if self.key.borrow().is_none() && self.merge_into_existing() {
                        return;
                    }
                }
                // The state machine is only ever borrowed briefly; if it could not be, try again.
                None => {
                    let _ = self.stop.or(wait::sleep(1)).await;
                }
            }
            self.dispatch();
        };
        self.release();
        self.remember();
        let value = outcome_to_js(&outcome);
        for sub in self.subs.take() {
            sub.settle(&value);
        }
        // Nothing calls them any more; a watch kept for its snapshot must not keep them.
        self.get_token.borrow_mut().take();
        self.fetch.borrow_mut().take();
    }

    /// Runs `f` on the state machine, unless it is already borrowed.
    fn with<R>(&self, f: impl FnOnce(&mut Watcher) -> R) -> Option<R> {
        self.watcher.try_borrow_mut().ok().map(|mut w| f(&mut w))
    }

    /// Registers this stream under its job URL, once known.
    fn claim(self: &Rc<Self>) {
        if let Some(url) = self.with(|w| w.job_url().map(str::to_owned)).flatten() {
            let mut m = STREAMS.0.borrow_mut();
            let entry = (url.clone(), Rc::downgrade(self));
            match position(&m, &url) {
                Ok(i) => {
                    if let Some(e) = m.get_mut(i) {
                        *e = entry;
                    }
                }
                Err(i) => m.insert(i, entry),
            }
            drop(m);
            self.share_across_tabs(&url);
            *self.key.borrow_mut() = Some(url);
        }
    }

    /// Asks for the job's lock, and hears the other tabs watching it until this stream ends.
    fn share_across_tabs(self: &Rc<Self>, url: &str) {
        if !self.cross_tab || self.shared.borrow().is_some() {
            return;
        }
        let (heard, led) = (Rc::downgrade(self), Rc::downgrade(self));
        let shared = Shared::open(
            url,
            move |note| {
                if let Some(stream) = heard.upgrade().filter(|_| !panic::broken()) {
                    stream.with(|w| w.hear(now(), &note, JsonText));
                    // What the watcher now wants (report, answer, poll) happens at once.
                    let _ = stream.wake.unbounded_send(());
                }
            },
            move || {
                if let Some(stream) = led.upgrade().filter(|_| !panic::broken()) {
                    stream.with(|w| w.lead(now()));
                    let _ = stream.wake.unbounded_send(());
                }
            },
        );
        if let Some(shared) = shared {
            *self.shared.borrow_mut() = Some(shared);
            self.with(|w| w.follow(now()));
        }
    }

    /// If the job this stream started is already watched, hands the subscribers over and stops.
    fn merge_into_existing(self: &Rc<Self>) -> bool {
        let Some(url) = self.with(|w| w.job_url().map(str::to_owned)).flatten() else {
            return false;
        };
        match live_stream(&url) {
            Some(other) if !Rc::ptr_eq(&other, self) => {
                for sub in self.subs.take() {
                    *sub.stream.borrow_mut() = other.clone();
                    other.join(&sub);
                }
                true
            }
            _ => {
                self.claim();
                false
            }
        }
    }

    /// Writes the connection's run of `service-unavailable` jobs, as the core has it now.
    fn remember(&self) {
        if !self.remember_failures {
            return;
        }
        if let Some((key, run)) = self.with(|w| w.streak_record()).flatten() {
            storage::set(&key, run.as_deref());
        }
    }

    /// Tells the watcher what the page says about itself, now and as it changes.
    fn follow_the_page(self: &Rc<Self>) {
        let online = page_events::online();
        self.with(|w| w.handle_online(now(), online));
        let weak = Rc::downgrade(self);
        let events = PageEvents::listen(move |change| {
            let Some(stream) = weak.upgrade() else {
                return;
            };
            stream.with(|w| match change {
                PageChange::Online(online) => w.handle_online(now(), online),
                PageChange::Visible => w.poll_now(now()),
            });
            // End the current wait, so what the watcher now wants happens at once.
            let _ = stream.wake.unbounded_send(());
        });
        *self.page.borrow_mut() = Some(events);
    }

    fn release(&self) {
        self.page.borrow_mut().take();
        // Lets the lock go (another tab takes over) and stops hearing the job's channel.
        if self.shared.borrow_mut().take().is_some() {
            self.with(|w| w.alone());
        }
        if let Some(url) = self.key.borrow_mut().take() {
            let mut m = STREAMS.0.borrow_mut();
            if let Ok(i) = position(&m, &url) {
                m.remove(i);
            }
        }
    }

    fn join(&self, sub: &Rc<Sub>) {
        self.subs.borrow_mut().push(sub.clone());
        // Someone joining part-way gets where the job stands now.
        if let Some(p) = self.with(|w| w.progress()).flatten() {
            sub.deliver(&Event::Progress(p));
        }
    }

    fn leave(&self, sub: &Rc<Sub>) {
        self.subs.borrow_mut().retain(|s| !Rc::ptr_eq(s, sub));
        if self.subs.borrow().is_empty() {
            self.cancel();
        }
    }

    /// Hands every pending event to every subscriber.
    fn dispatch(&self) {
        while let Some(event) = self.with(|w| w.poll_event()).flatten() {
            if let Event::Retry(_) = event {
                // The refresh is another job: keep the failure just counted, and let go of the
                // failed job's URL until the new one is known.
                self.remember();
                self.release();
            }
            let subs: Vec<Rc<Sub>> = self.subs.borrow().clone();
            for sub in subs {
                sub.deliver(&event);
            }
        }
        while let Some(note) = self.with(|w| w.poll_note()).flatten() {
            if let Some(shared) = self.shared.borrow().as_ref() {
                shared.tell(&note);
            }
        }
    }

    async fn refresh_token(&self) {
        let timeout = self.with(|w| w.request_timeout_ms()).unwrap_or(30_000);
        let get_token = self.get_token.borrow().clone();
        let result = match &get_token {
            None => Err("no getToken function was given".to_owned()),
            Some(f) => match f.call0(&JsValue::UNDEFINED) {
                Err(e) => Err(describe(&e)),
                Ok(p) => {
                    let token = JsFuture::from(Promise::resolve(&p));
                    match self.stop.or(wait::within(timeout, token)).await {
                        Some(Some(Ok(v))) => {
                            v.as_string().filter(|t| !t.is_empty()).ok_or_else(|| {
                                "getToken must resolve to a non-empty string".to_owned()
                            })
                        }
                        Some(Some(Err(e))) => Err(describe(&e)),
                        Some(None) => Err("getToken did not answer in time".to_owned()),
                        None => return,
                    }
                }
            },
        };
        let result = result.map(|t| {
            *self.token.borrow_mut() = Some(t);
        });
        self.with(|w| w.handle_token(now(), result));
    }

    /// Sends a request the core asked for, with the current token, unless cancelled first.
    async fn send(&self, req: &Request) -> Sent {
        let token = self.token.borrow().clone();
        let fetch = self.fetch.borrow().clone();
        let sent = http::send(req, token.as_deref(), fetch.as_ref());
        self.stop.or(sent).await.unwrap_or(Sent::Cancelled)
    }

    async fn answer_mfa(&self, answers: JsValue) -> Result<JsValue, JsValue> {
        let answers = string_list(&answers)
            .ok_or_else(|| type_error("answerMfa: answers must be an array of strings", None))?;
        let req = self
            .with(|w| w.answer_mfa(&answers))
            .unwrap_or_else(|| Err(busy()))
            .map_err(|e| mfa_error(&e))?;
        let mut sent = self.send(&req).await;
        // An expired token: a fresh one from getToken, and the same answer again (once).
        let renew = match &sent {
            Sent::Answered(a) => self.with(|w| w.renew_for_mfa(&a.response())),
            _ => None,
        };
        if renew == Some(true) {
            self.refresh_token().await;
            sent = self.send(&req).await;
        }
        let handled = self.with(|w| match &sent {
            Sent::Answered(a) => w.handle_mfa_response(now(), Ok(a.response().status)),
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
        // Polling resumes at once.
        let _ = self.wake.unbounded_send(());
        Ok(JsValue::UNDEFINED)
    }

    fn cancel(&self) {
        self.stop.stop();
        self.with(|w| w.cancel());
    }
}

impl Sub {
    fn stream(&self) -> Rc<Stream> {
        self.stream.borrow().clone()
    }

    /// Calls this watch's callback for `event`; a callback that throws is reported, not fatal.
    fn deliver(&self, event: &Event) {
        if panic::broken() {
            return;
        }
        // A copy, not a borrow: the callback may cancel its watch, which drops the callbacks.
        let (callback, name) = {
            let c = self.callbacks.borrow();
            match event {
                Event::Step(_) => (c.on_step.clone(), "onStep"),
                Event::Progress(_) => (c.on_progress.clone(), "onProgress"),
                Event::Mfa(_) => (c.on_mfa.clone(), "onMfa"),
                Event::Retry(_) => (c.on_retry.clone(), "onRetry"),
                Event::OutageLifted(_) => (c.on_outage_lifted.clone(), "onOutageLifted"),
            }
        };
        if let Some(f) = callback {
            if let Err(e) = f.call1(&JsValue::UNDEFINED, &event_to_js(event)) {
                web_sys::console::error_2(
                    &JsValue::from_str(&format!("basiq-jobs: {name} threw")),
                    &e,
                );
            }
        }
    }

    /// Resolves `done` (only the first call counts) and lets go of the signal.
    fn settle(&self, outcome: &JsValue) {
        if let Some(resolve) = self.resolve.borrow_mut().take() {
            panic::settled(self.pending);
            // After a panic, `done` has settled already (as `internal`).
            if !panic::broken() {
                let _ = resolve.call1(&JsValue::UNDEFINED, outcome);
            }
        }
        // Settled: no callback is called again, so none is kept (see `Callbacks`).
        if let Ok(mut c) = self.callbacks.try_borrow_mut() {
            *c = Callbacks::default();
        }
        if let (Some(signal), Some(listener)) =
            (&self.signal, self.abort_listener.borrow_mut().take())
        {
            let f: &Function = listener.as_ref().unchecked_ref();
            let _ = signal.remove_event_listener_with_callback("abort", f);
        }
    }

    fn cancel(self: &Rc<Self>) {
        if self.resolve.borrow().is_none() {
            return;
        }
        let stream = self.stream();
        let job = stream.with(|w| w.snapshot().cloned()).flatten();
        self.settle(&outcome_to_js(&Outcome::Cancelled { job }));
        stream.leave(self);
    }

    fn listen_for_abort(self: &Rc<Self>) {
        let Some(signal) = &self.signal else {
            return;
        };
        if Reflect::get(signal, &JsValue::from_str("aborted"))
            .ok()
            .is_some_and(|v| v.is_truthy())
        {
            self.cancel();
            return;
        }
        let weak = Rc::downgrade(self);
        let listener = Closure::<dyn FnMut()>::new(move || {
            if let Some(sub) = weak.upgrade() {
                sub.cancel();
            }
        });
        if signal
            .add_event_listener_with_callback("abort", listener.as_ref().unchecked_ref())
            .is_ok()
        {
            *self.abort_listener.borrow_mut() = Some(listener);
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
