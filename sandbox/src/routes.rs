//! The Basiq API surface: tokens, users, connections, jobs, MFA answers and connectors.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::app::App;
use crate::auth::{self, Scope, TOKEN_LIFETIME_MS};
use crate::connectors::SelfLink;
use crate::errors::ApiError;
use crate::filter;
use crate::scenarios::Credentials;
use crate::store::{CredentialsPatch, Started};

/// The API routes (templates are also the keys of `/sandbox/stats`).
pub fn router() -> Router<Arc<App>> {
    Router::new()
        .route("/token", post(token))
        .route("/users", post(create_user))
        .route("/users/{u}/connections", post(create_connection))
        .route("/users/{u}/connections/refresh", post(refresh_all))
        .route("/users/{u}/connections/{c}", post(update_connection))
        .route(
            "/users/{u}/connections/{c}/refresh",
            post(refresh_connection),
        )
        .route("/users/{u}/jobs", get(list_jobs))
        .route("/jobs/{id}", get(get_job))
        .route("/jobs/{id}/mfa", post(answer_mfa))
        .route("/connectors", get(list_connectors))
        .route("/connectors/{id}", get(get_connector))
}

type ApiResult = Result<Response, ApiError>;

/// Parses a JSON request body, or 400.
pub fn json_body<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(body)
        .map_err(|e| ApiError::invalid(format!("The request body is not valid: {e}.")))
}

/// Parses an optional JSON request body: an empty body is `{}`.
pub fn optional_json_body<T: DeserializeOwned + Default>(body: &[u8]) -> Result<T, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        Ok(T::default())
    } else {
        json_body(body)
    }
}

/// The bearer token's scope, checked against the store.
fn authenticate(app: &App, headers: &HeaderMap) -> Result<Scope, ApiError> {
    let token = auth::bearer(headers)?;
    app.store().authenticate(token, app.now())
}

/// The short job answer, 202 for a new job and 200 for an unfinished duplicate.
fn started(app: &App, started: &Started) -> ApiResult {
    let now = app.now();
    let mut store = app.store();
    let job = store.job(started.job_id(), now)?;
    let status = match started {
        Started::New(_) => StatusCode::ACCEPTED,
        Started::Existing(_) => StatusCode::OK,
    };
    Ok((status, Json(job.render_ref(&app.public_url))).into_response())
}

#[derive(Debug, Default, Deserialize)]
struct TokenRequest {
    scope: Option<String>,
    #[serde(rename = "userId")]
    user_id: Option<String>,
}

/// `POST /token`.
async fn token(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> ApiResult {
    auth::basic(&headers)?;
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let request: TokenRequest = if is_json {
        json_body(&body)?
    } else {
        serde_urlencoded::from_bytes(&body)
            .map_err(|e| ApiError::invalid(format!("The form body is not valid: {e}.")))?
    };
    let now = app.now();
    let mut store = app.store();
    let scope = match request.scope.as_deref() {
        Some("SERVER_ACCESS") => Scope::Server,
        Some("CLIENT_ACCESS") => {
            let user_id = request
                .user_id
                .filter(|u| !u.is_empty())
                .ok_or_else(|| ApiError::invalid("scope CLIENT_ACCESS needs a userId."))?;
            store.user(&user_id)?;
            Scope::Client { user_id }
        }
        _ => {
            return Err(ApiError::invalid(
                "scope must be CLIENT_ACCESS or SERVER_ACCESS.",
            ))
        }
    };
    let token = store.mint_token(scope, now);
    Ok(Json(TokenBody::new(token, None)).into_response())
}

#[derive(Debug, Default, Deserialize)]
struct NewUser {
    email: Option<String>,
    mobile: Option<String>,
}

/// `POST /users` (SERVER_ACCESS).
async fn create_user(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> ApiResult {
    authenticate(&app, &headers)?.require_server()?;
    let new: NewUser = optional_json_body(&body)?;
    let user = app.store().create_user(new.email, new.mobile);
    let body = UserBody {
        kind: "user",
        links: SelfLink {
            self_: format!("{}/users/{}", app.public_url, user.id),
        },
        id: user.id,
        email: user.email,
        mobile: user.mobile,
    };
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct NewConnection {
    login_id: String,
    password: String,
    security_code: Option<String>,
    secondary_login_id: Option<String>,
    institution: InstitutionRef,
}

#[derive(Debug, Deserialize)]
struct InstitutionRef {
    id: String,
}

/// `POST /users/{u}/connections`.
async fn create_connection(
    State(app): State<Arc<App>>,
    Path(user): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult {
    authenticate(&app, &headers)?.allow_user(&user)?;
    let new: NewConnection = json_body(&body)?;
    if new.login_id.trim().is_empty() || new.password.is_empty() {
        return Err(ApiError::invalid("loginId and password must not be empty."));
    }
    let credentials = Credentials {
        login_id: new.login_id,
        password: new.password,
        security_code: new.security_code,
        secondary_login_id: new.secondary_login_id,
    };
    let now = app.now();
    let job = app
        .store()
        .create_connection(&user, &new.institution.id, credentials, now)?;
    started(&app, &job)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ConnectionUpdate {
    login_id: Option<String>,
    password: Option<String>,
    security_code: Option<String>,
    secondary_login_id: Option<String>,
}

/// `POST /users/{u}/connections/{c}`: new credentials, new job.
async fn update_connection(
    State(app): State<Arc<App>>,
    Path((user, connection)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult {
    authenticate(&app, &headers)?.allow_user(&user)?;
    let update: ConnectionUpdate = json_body(&body)?;
    let patch = CredentialsPatch {
        login_id: update.login_id,
        password: update.password,
        security_code: update.security_code,
        secondary_login_id: update.secondary_login_id,
    };
    let now = app.now();
    let job = app
        .store()
        .update_connection(&user, &connection, patch, now)?;
    started(&app, &Started::New(job))
}

/// `POST /users/{u}/connections/{c}/refresh`.
async fn refresh_connection(
    State(app): State<Arc<App>>,
    Path((user, connection)): Path<(String, String)>,
    headers: HeaderMap,
) -> ApiResult {
    authenticate(&app, &headers)?.allow_user(&user)?;
    let now = app.now();
    let job = app.store().refresh_connection(&user, &connection, now)?;
    started(&app, &job)
}

/// `POST /users/{u}/connections/refresh`.
async fn refresh_all(
    State(app): State<Arc<App>>,
    Path(user): Path<String>,
    headers: HeaderMap,
) -> ApiResult {
    authenticate(&app, &headers)?.allow_user(&user)?;
    let now = app.now();
    let mut store = app.store();
    let jobs = store.refresh_all(&user, now)?;
    let mut data = Vec::with_capacity(jobs.len());
    for started in &jobs {
        data.push(
            store
                .job(started.job_id(), now)?
                .render_ref(&app.public_url),
        );
    }
    Ok((StatusCode::ACCEPTED, Json(ListBody::new(data, None))).into_response())
}

#[derive(Debug, Default, Deserialize)]
struct FilterQuery {
    filter: Option<String>,
}

/// The value of a `field.eq('…')` filter, 400 for any other filter.
fn filter_value(
    query: Result<Query<FilterQuery>, QueryRejection>,
    field: &str,
) -> Result<Option<String>, ApiError> {
    let Query(query) =
        query.map_err(|e| ApiError::invalid(format!("The query is not valid: {e}.")))?;
    match query.filter {
        None => Ok(None),
        Some(f) => filter::eq_value(&f, field)
            .map(|v| Some(v.to_owned()))
            .ok_or_else(|| ApiError::invalid(format!("filter must look like {field}.eq('…')."))),
    }
}

/// `GET /users/{u}/jobs[?filter=connection.id.eq('…')]`.
async fn list_jobs(
    State(app): State<Arc<App>>,
    Path(user): Path<String>,
    headers: HeaderMap,
    uri: Uri,
    query: Result<Query<FilterQuery>, QueryRejection>,
) -> ApiResult {
    authenticate(&app, &headers)?.allow_user(&user)?;
    let connection = filter_value(query, "connection.id")?;
    let now = app.now();
    let ctx = app.render_context();
    let mut store = app.store();
    let jobs = store.jobs_of(&user, connection.as_deref(), now)?;
    let data: Vec<_> = jobs.iter().map(|j| j.render(&ctx)).collect();
    Ok(Json(ListBody::new(data, Some(self_url(&app, &uri)))).into_response())
}

/// `GET /jobs/{id}`.
async fn get_job(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> ApiResult {
    let scope = authenticate(&app, &headers)?;
    let now = app.now();
    let ctx = app.render_context();
    let mut store = app.store();
    let job = store.job(&id, now)?;
    scope.allow_user(&job.user_id)?;
    Ok(Json(job.render(&ctx)).into_response())
}

#[derive(Debug, Deserialize)]
struct MfaAnswer {
    #[serde(rename = "mfa-response")]
    response: Vec<String>,
}

/// `POST /jobs/{id}/mfa`.
async fn answer_mfa(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult {
    let scope = authenticate(&app, &headers)?;
    let now = app.now();
    let mut store = app.store();
    let owner = store.job(&id, now)?.user_id.clone();
    scope.allow_user(&owner)?;
    let answer: MfaAnswer = json_body(&body)?;
    if answer.response.is_empty() {
        return Err(ApiError::invalid(
            "mfa-response must hold one answer per input.",
        ));
    }
    let job = store.answer_mfa(&id, &answer.response, now)?;
    Ok((StatusCode::ACCEPTED, Json(job.render_ref(&app.public_url))).into_response())
}

/// `GET /connectors[?filter=connector.id.eq('…')]`.
async fn list_connectors(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    uri: Uri,
    query: Result<Query<FilterQuery>, QueryRejection>,
) -> ApiResult {
    authenticate(&app, &headers)?;
    let id = filter_value(query, "connector.id")?;
    let store = app.store();
    let data: Vec<_> = store
        .connectors()
        .iter()
        .filter(|c| id.as_deref().is_none_or(|id| c.id == id))
        .map(|c| c.render(&app.public_url))
        .collect();
    Ok(Json(ListBody::new(data, Some(self_url(&app, &uri)))).into_response())
}

/// `GET /connectors/{id}`.
async fn get_connector(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> ApiResult {
    authenticate(&app, &headers)?;
    let store = app.store();
    Ok(Json(store.connector(&id)?.render(&app.public_url)).into_response())
}

/// `{"type":"list","data":[…],"size":n,"links":{"self":…}}`; size and links only on listings.
#[derive(Debug, Serialize)]
struct ListBody<T> {
    #[serde(rename = "type")]
    kind: &'static str,
    data: Vec<T>,
    #[serde(skip_serializing_if = "Option::is_none")]
    size: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    links: Option<SelfLink>,
}

impl<T> ListBody<T> {
    fn new(data: Vec<T>, self_url: Option<String>) -> Self {
        ListBody {
            kind: "list",
            size: self_url.is_some().then_some(data.len()),
            links: self_url.map(|self_| SelfLink { self_ }),
            data,
        }
    }
}

/// `POST /users` answer.
#[derive(Debug, Serialize)]
struct UserBody {
    #[serde(rename = "type")]
    kind: &'static str,
    id: String,
    email: String,
    mobile: String,
    links: SelfLink,
}

/// A token answer; `userId` only from `/sandbox/client-token`.
#[derive(Debug, Serialize)]
pub struct TokenBody {
    access_token: String,
    token_type: &'static str,
    expires_in: u64,
    #[serde(rename = "userId", skip_serializing_if = "Option::is_none")]
    user_id: Option<String>,
}

impl TokenBody {
    /// A bearer token that lives [`TOKEN_LIFETIME_MS`].
    pub fn new(access_token: String, user_id: Option<String>) -> Self {
        TokenBody {
            access_token,
            token_type: "Bearer",
            expires_in: TOKEN_LIFETIME_MS / 1000,
            user_id,
        }
    }
}

/// The absolute URL of this request.
fn self_url(app: &App, uri: &Uri) -> String {
    let path = uri.path_and_query().map_or("/", |p| p.as_str());
    format!("{}{path}", app.public_url)
}
