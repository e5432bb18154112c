//! Endpoints that exist only in the sandbox, under `/sandbox/`: no auth, no chaos, not counted.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

use crate::app::App;
use crate::auth::Scope;
use crate::errors::ApiError;
use crate::routes::{json_body, optional_json_body, TokenBody};

/// The control routes.
pub fn router() -> Router<Arc<App>> {
    Router::new()
        .route("/sandbox/client-token", post(client_token))
        .route("/sandbox/connectors/{id}", post(set_connector_status))
        .route("/sandbox/stats", get(stats))
        .route("/sandbox/stats/reset", post(reset_stats))
        .route("/sandbox/clock", get(clock))
        .route("/sandbox/clock/advance", post(advance_clock))
        .route("/sandbox/logos/{file}", get(logo))
}

type ControlResult = Result<Response, ApiError>;

#[derive(Debug, Default, Deserialize)]
struct ClientTokenRequest {
    #[serde(rename = "userId")]
    user_id: Option<String>,
}

/// `POST /sandbox/client-token`: what a partner backend does: a CLIENT_ACCESS token for the given
/// user (created if the sandbox does not know it yet, e.g. after a restart) or for a new user.
async fn client_token(State(app): State<Arc<App>>, body: Bytes) -> ControlResult {
    let request: ClientTokenRequest = optional_json_body(&body)?;
    let now = app.now();
    let mut store = app.store();
    let user_id = match request.user_id {
        Some(id) => store.user_or_create(&id)?.id.clone(),
        None => store.create_user(None, None).id,
    };
    let token = store.mint_token(
        Scope::Client {
            user_id: user_id.clone(),
        },
        now,
    );
    Ok(Json(TokenBody::new(token, Some(user_id))).into_response())
}

#[derive(Debug, Deserialize)]
struct StatusChange {
    status: String,
}

/// `POST /sandbox/connectors/{id}` with `{"status": …}`.
async fn set_connector_status(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    body: Bytes,
) -> ControlResult {
    let change: StatusChange = json_body(&body)?;
    let now = app.now();
    let mut store = app.store();
    let institution = store.set_connector_status(&id, &change.status, now)?;
    let data: Vec<_> = institution
        .methods
        .iter()
        .map(|m| institution.render_connector(m, &app.public_url))
        .collect();
    Ok(Json(json!({"type": "list", "totalCount": data.len(), "data": data})).into_response())
}

/// `GET /sandbox/stats`.
async fn stats(State(app): State<Arc<App>>) -> Response {
    Json(app.stats().clone()).into_response()
}

/// `POST /sandbox/stats/reset`.
async fn reset_stats(State(app): State<Arc<App>>) -> Response {
    let mut stats = app.stats();
    stats.reset();
    Json(stats.clone()).into_response()
}

/// `GET /sandbox/clock`.
async fn clock(State(app): State<Arc<App>>) -> Response {
    Json(json!({"nowMs": app.now()})).into_response()
}

#[derive(Debug, Deserialize)]
struct Advance {
    ms: u64,
}

/// `POST /sandbox/clock/advance` with `{"ms": n}`.
async fn advance_clock(State(app): State<Arc<App>>, body: Bytes) -> ControlResult {
    let advance: Advance = json_body(&body)?;
    Ok(Json(json!({"nowMs": app.clock.advance(advance.ms)})).into_response())
}

/// `GET /sandbox/logos/{id}.svg`.
async fn logo(State(app): State<Arc<App>>, Path(file): Path<String>) -> ControlResult {
    let id = file
        .strip_suffix(".svg")
        .ok_or_else(|| ApiError::not_found("Logos are served as /sandbox/logos/{id}.svg."))?;
    let svg = app.store().institution(id)?.logo_svg();
    let mut response = svg.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("image/svg+xml"),
    );
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("max-age=3600"),
    );
    Ok(response)
}
