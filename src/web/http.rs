//! Carries out one core request with `fetch`, under its own AbortController and timeout.

use js_sys::{Function, Promise};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AbortController, AbortSignal, Headers, RequestCache, RequestCredentials, RequestInit,
};

use super::convert::{field, request_body};
use super::json::JsonText;
use super::wait::within;
use crate::core::watcher::{Request, Response, TransportError};

/// An HTTP answer, read whole.
pub(crate) struct Answer {
    pub status: u16,
    pub retry_after: Option<String>,
    pub body: String,
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

/// Sends `req` with `fetch` (the option, else the global one), the token only when the core says
/// so, and reads its answer whole within the request's timeout. The request is aborted unless it
/// is answered: on a network error, on the timeout, and when this future is dropped (cancelled).
pub(crate) async fn send(req: &Request, token: Option<&str>, fetch: Option<&Function>) -> Sent {
    let controller = AbortController::new().ok();
    let abort = AbortUnlessAnswered(controller.clone());
    let signal = controller.map(|c| c.signal());
    let exchange = exchange(
        req,
        token.filter(|_| req.with_token),
        fetch,
        signal.as_ref(),
    );
    match within(req.timeout_ms, exchange).await {
        Some(Ok(answer)) => {
            abort.answered();
            Sent::Answered(answer)
        }
        Some(Err(e)) => Sent::Failed(e),
        None => Sent::Failed(TransportError::Timeout),
    }
}

/// Aborts its request when dropped, unless told it was answered first.
struct AbortUnlessAnswered(Option<AbortController>);

impl AbortUnlessAnswered {
    fn answered(mut self) {
        self.0 = None;
    }
}

impl Drop for AbortUnlessAnswered {
    fn drop(&mut self) {
        if let Some(controller) = self.0.take() {
            controller.abort();
        }
    }
}

/// Makes the request and reads the answer's status, Retry-After and body.
async fn exchange(
    req: &Request,
    token: Option<&str>,
    fetch: Option<&Function>,
    signal: Option<&AbortSignal>,
) -> Result<Answer, TransportError> {
    let init = request_init(req, token, signal).map_err(|e| network(&e))?;
    let sent = call(fetch, &req.url, &init).map_err(|e| network(&e))?;
    let answer = JsFuture::from(sent).await.map_err(|e| network(&e))?;
    read(answer).await
}

/// The request's method, headers, body and signal; never cached, no cookies.
fn request_init(
    req: &Request,
    token: Option<&str>,
    signal: Option<&AbortSignal>,
) -> Result<RequestInit, JsValue> {
    let headers = Headers::new()?;
    headers.set("Accept", "application/json")?;
    if let Some(token) = token {
        headers.set("Authorization", &format!("Bearer {token}"))?;
    }
    let init = RequestInit::new();
    init.set_method(req.method.as_str());
    // Job states must never come from a cache, and no cookies are needed.
    init.set_cache(RequestCache::NoStore);
    init.set_credentials(RequestCredentials::Omit);
    init.set_signal(signal);
    if let Some(body) = request_body(req.body.as_ref()) {
        headers.set("Content-Type", "application/json")?;
        init.set_body(&JsValue::from_str(&body));
    }
    init.set_headers(&headers);
    Ok(init)
}

/// Calls the `fetch` option, whatever it returns taken as a promise, else the global `fetch`
/// (a window's, a worker's, or Node's).
fn call(fetch: Option<&Function>, url: &str, init: &RequestInit) -> Result<Promise, JsValue> {
    if let Some(fetch) = fetch {
        let sent = fetch.call2(&JsValue::UNDEFINED, &JsValue::from_str(url), init)?;
        return Ok(Promise::resolve(&sent));
    }
    // Looked up on the global object rather than through `Window`, so that every runtime with a
    // standard `fetch` works; called with the global as `this`, as browsers require.
    let global = js_sys::global();
    match field(&global, "fetch").and_then(|f| f.dyn_into::<Function>().ok()) {
        Some(fetch) => Ok(Promise::resolve(&fetch.call2(
            &global,
            &JsValue::from_str(url),
            init,
        )?)),
        None => Err(js_sys::TypeError::new("fetch is not available here").into()),
    }
}

/// Reads an answer duck-typed, so an instrumented or scripted fetch works as long as it looks
/// like one: anything with a `status`, `headers.get` and `text()`. A body that is not text, or a
/// `text()` that throws, reads as an empty body; a `text()` that rejects is a network error.
async fn read(answer: JsValue) -> Result<Answer, TransportError> {
    let status = field(&answer, "status")
        .and_then(|s| s.as_f64())
        .filter(|s| (100.0..=599.0).contains(s))
        .ok_or_else(|| TransportError::Network("the request got no HTTP answer".into()))?;
    let retry_after = field(&answer, "headers")
        .and_then(|h| h.unchecked_into::<Headers>().get("Retry-After").ok())
        .flatten();
    let response: web_sys::Response = answer.unchecked_into();
    let body = match response.text() {
        Ok(text) => JsFuture::from(Promise::resolve(&text))
            .await
            .map_err(|e| network(&e))?
            .as_string(),
        Err(_) => None,
    };
    Ok(Answer {
        status: status as u16,
        retry_after,
        body: body.unwrap_or_default(),
    })
}

fn network(e: &JsValue) -> TransportError {
    TransportError::Network(describe(e))
}

/// A short description of a thrown value (an Error's message, or the value as text).
pub(crate) fn describe(e: &JsValue) -> String {
    field(e, "message")
        .and_then(|m| m.as_string())
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "unknown error".into())
}
