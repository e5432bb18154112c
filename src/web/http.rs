//! Carries out one core request with `fetch` (in `race.js`, each with its own AbortController).

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Function};
use wasm_bindgen::{JsCast, JsValue};

use super::convert::{field, js_str, request_body};
use super::json::JsonText;
use super::race::{Interrupts, Raced};
use crate::core::watcher::{Request, Response, TransportError};

/// An HTTP answer, read whole.
pub(crate) struct Answer {
    pub status: u16,
    pub retry_after: Option<String>,
    /// Shared with [`Recent`], which keeps it for the next answer.
    pub body: Rc<String>,
}

impl Answer {
    /// The answer as the core takes it.
    pub(crate) fn response(&self) -> Response<'_, JsonText<'_>> {
        Response {
            status: self.status,
            retry_after: self.retry_after.as_deref(),
            body: JsonText(&self.body),
        }
    }
}

/// How a request ended.
pub(crate) enum Sent {
    Answered(Answer),
    Failed(TransportError),
    Cancelled,
}

/// JS copies of the URL and the token sent last, reused while they stay the same: each poll
/// sends the same ones, and making a JS string from a Rust one costs a `TextDecoder` call.
/// Likewise the body read last, in both forms: a job polled while it runs mostly answers the
/// same text again, and copying it into wasm costs a `TextEncoder` call.
#[derive(Default)]
pub(crate) struct Recent {
    url: RefCell<Option<(String, JsValue)>>,
    token: RefCell<Option<(String, JsValue)>>,
    body: RefCell<Option<(JsValue, Rc<String>)>>,
}

/// The Rust copy of `body`, a JS string (else empty): the remembered one if it is the same text.
fn body_text(memo: &RefCell<Option<(JsValue, Rc<String>)>>, body: JsValue) -> Rc<String> {
    let Ok(mut memo) = memo.try_borrow_mut() else {
        return Rc::new(body.as_string().unwrap_or_default());
    };
    match &*memo {
        // `==` is JS `===`: for strings, the same text, compared without a copy.
        Some((js, text)) if *js == body => text.clone(),
        _ => {
            let text = Rc::new(body.as_string().unwrap_or_default());
            *memo = Some((body, text.clone()));
            text
        }
    }
}

/// The JS string for `text`: the remembered one if `text` is unchanged, else a new one, remembered.
fn recall(memo: &RefCell<Option<(String, JsValue)>>, text: &str) -> JsValue {
    let Ok(mut memo) = memo.try_borrow_mut() else {
        return JsValue::from_str(text);
    };
    match &*memo {
        Some((t, v)) if t == text => v.clone(),
        _ => {
            let v = JsValue::from_str(text);
            *memo = Some((text.to_owned(), v.clone()));
            v
        }
    }
}

/// Sends `req` with `fetch` (the option, else the global one), the token only when the core says so.
pub(crate) async fn send(
    req: &Request,
    token: Option<&str>,
    fetch: Option<&Function>,
    interrupts: &Interrupts,
    recent: &Recent,
) -> Sent {
    let url = recall(&recent.url, &req.url);
    let token = token
        .filter(|_| req.with_token)
        .map(|t| recall(&recent.token, t));
    let sent = interrupts
        .send(
            fetch,
            &url,
            &js_str(req.method.as_str()),
            token.as_ref(),
            request_body(req.body.as_ref()).as_deref(),
            req.timeout_ms,
        )
        .await;
    let answer: Array = match sent {
        Raced::Resolved(a) => a.unchecked_into(),
        Raced::Rejected(e) => return Sent::Failed(TransportError::Network(describe(&e))),
        Raced::TimedOut => return Sent::Failed(TransportError::Timeout),
        Raced::Cancelled => return Sent::Cancelled,
    };
    // Read duck-typed, so an instrumented or scripted fetch works as long as it looks like one.
    let status = answer.get(0).as_f64().unwrap_or(0.0);
    if !(100.0..=599.0).contains(&status) {
        return Sent::Failed(TransportError::Network(
            "the request got no HTTP answer".into(),
        ));
    }
    Sent::Answered(Answer {
        status: status as u16,
        retry_after: answer.get(1).as_string(),
        body: body_text(&recent.body, answer.get(2)),
    })
}

/// A short description of a thrown value (an Error's message, or the value as text).
pub(crate) fn describe(e: &JsValue) -> String {
    field(e, "message")
        .and_then(|m| m.as_string())
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "unknown error".into())
}
