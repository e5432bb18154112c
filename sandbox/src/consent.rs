//! A stand-in for Basiq's hosted Consent UI at `/consent/home`, with Basiq's query parameters
//! (`token`, `action`, `state`, `institutionId`, `connectionId`).
//!
//! The page checks the CLIENT_ACCESS token here, then talks to the API with it like any client:
//! it lists institutions, creates (or, with a `connectionId`, updates) a connection, follows the
//! job, asks the MFA questions the job asks, and sends the browser to the redirect URL with
//! `?jobIds=…&state=…` once the bank has answered the sign-in.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::{Deserialize, Serialize};

use crate::app::App;
use crate::auth::Scope;
use crate::errors::ApiError;

const PAGE: &str = include_str!("../consent/home.html");
const SCRIPT: &str = include_str!("../consent/consent.js");
const STYLE: &str = include_str!("../consent/consent.css");

/// The consent routes: the page and its two assets. No bearer header (the token is in the query).
pub fn router() -> Router<Arc<App>> {
    Router::new()
        .route("/consent/home", get(home))
        .route(
            "/consent/consent.js",
            get(|| async { asset(SCRIPT, "text/javascript; charset=utf-8") }),
        )
        .route(
            "/consent/consent.css",
            get(|| async { asset(STYLE, "text/css; charset=utf-8") }),
        )
}

fn asset(body: &'static str, kind: &'static str) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// Basiq's query parameters.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ConsentQuery {
    token: Option<String>,
    action: Option<String>,
    state: Option<String>,
    institution_id: Option<String>,
    connection_id: Option<String>,
}

/// What the page script needs, embedded in the page as JSON.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct PageConfig {
    user_id: String,
    action: Option<String>,
    state: Option<String>,
    institution_id: Option<String>,
    connection_id: Option<String>,
    redirect: String,
    multiple: bool,
}

/// `GET /consent/home?token=…`: the page, or an explanation of why it cannot be shown.
async fn home(
    State(app): State<Arc<App>>,
    query: Result<Query<ConsentQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let query = match query {
        Ok(Query(q)) => q,
        Err(_) => {
            return refusal(
                StatusCode::BAD_REQUEST,
                "The link to this page is not valid.",
            )
        }
    };
    match page_config(&app, query) {
        Ok(config) => {
            // JSON inside <script>: `<`, `>` and `&` escaped so no value can end the element.
            let json = serde_json::to_string(&config)
                .unwrap_or_else(|_| "{}".into())
                .replace('<', "\\u003c")
                .replace('>', "\\u003e")
                .replace('&', "\\u0026");
            let mut response = Html(PAGE.replace("{{config}}", &json)).into_response();
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Err(e) => refusal(e.status, &e.detail),
    }
}

fn page_config(app: &App, q: ConsentQuery) -> Result<PageConfig, ApiError> {
    let token = q.token.filter(|t| !t.is_empty()).ok_or_else(|| {
        ApiError::unauthorized(
            "This link has no token: ask the app that sent you here to try again.",
        )
    })?;
    let now = app.now();
    let mut store = app.store();
    let user_id = match store.authenticate(&token, now)? {
        Scope::Client { user_id } => user_id,
        Scope::Server => {
            return Err(ApiError::forbidden(
                "This page needs a CLIENT_ACCESS token bound to a user.",
            ))
        }
    };
    let connection_id = q.connection_id.filter(|c| !c.is_empty());
    if let Some(c) = &connection_id {
        store.connection(&user_id, c, now)?;
    }
    let institution_id = q.institution_id.filter(|i| !i.is_empty());
    if let Some(i) = &institution_id {
        store.institution(i)?;
    }
    Ok(PageConfig {
        user_id,
        action: q.action.filter(|a| !a.is_empty() && a != "null"),
        state: q.state,
        institution_id,
        connection_id,
        redirect: app
            .consent_redirect
            .clone()
            .unwrap_or_else(|| format!("{}/", app.public_url)),
        multiple: app.consent_multiple,
    })
}

/// A small page explaining why consent cannot go on.
fn refusal(status: StatusCode, why: &str) -> Response {
    let why = why
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    let body = format!(
        "<!DOCTYPE html><html lang=\"en-AU\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>Connect your bank</title><link rel=\"stylesheet\" href=\"/styles.css\">\
<link rel=\"stylesheet\" href=\"/consent/consent.css\"></head><body>\
<main class=\"shell\"><div class=\"card\"><h1>We can't continue</h1>\
<p class=\"inline-error\" role=\"alert\" data-refusal=\"{}\">{why}</p></div></main></body></html>",
        status.as_u16()
    );
    (status, Html(body)).into_response()
}
