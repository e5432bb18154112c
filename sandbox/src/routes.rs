//! The Basiq API surface: tokens, users, connections, jobs, MFA answers and connectors.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::app::App;
use crate::auth::{self, Scope, TOKEN_LIFETIME_MS};
use crate::clock::rfc3339;
use crate::connectors::SelfLink;
use crate::errors::{ApiError, Source};
use crate::filter;
use crate::scenarios::Credentials;
use crate::store::{ConnectionView, CredentialsPatch, Started};

/// The API routes (templates are also the keys of `/sandbox/stats`).
pub fn router() -> Router<Arc<App>> {
    Router::new()
        .route("/token", post(token))
        .route("/users", post(create_user))
        .route("/users/{u}", get(get_user))
        .route(
            "/users/{u}/connections",
            get(list_connections).post(create_connection),
        )
        .route("/users/{u}/connections/refresh", post(refresh_all))
        .route(
            "/users/{u}/connections/{c}",
            get(get_connection)
                .post(update_connection)
                .delete(delete_connection),
        )
        .route(
            "/users/{u}/connections/{c}/refresh",
            post(refresh_connection),
        )
        .route("/users/{u}/jobs", get(list_jobs))
        .route("/jobs/{id}", get(get_job))
        .route("/jobs/{id}/mfa", post(answer_mfa))
        .route("/connectors", get(list_connectors))
        .route("/connectors/{id}/{method}", get(get_connector))
        .route("/institutions", get(list_institutions))
        .route("/institutions/{id}", get(get_institution))
}

/// The Basiq versions `POST /token` accepts in `basiq-version`.
const VERSIONS: [&str; 4] = ["1.0", "2.0", "2.1", "3.0"];

/// True for paths that only answer a bearer token: every API resource except `POST /token`.
pub fn needs_bearer(path: &str) -> bool {
    let first = path.trim_start_matches('/').split('/').next().unwrap_or("");
    matches!(first, "users" | "jobs" | "connectors" | "institutions")
}

/// Middleware run before any handler (and for wrong methods and unknown API paths): a bearer
/// path without a live token is answered here, so auth is checked before routing decides.
pub async fn gate(State(app): State<Arc<App>>, mut request: Request, next: Next) -> Response {
    if needs_bearer(request.uri().path()) {
        match authenticate(&app, request.headers()) {
            Ok(scope) => {
                request.extensions_mut().insert(scope);
            }
            Err(e) => return e.into_response(),
        }
    }
    next.run(request).await
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

/// `POST /token`: `basiq-version` is required, then `Authorization: Basic <API key>`.
async fn token(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> ApiResult {
    let version = headers
        .get("basiq-version")
        .map(|v| v.to_str().unwrap_or("").trim());
    match version {
        None => {
            return Err(ApiError::missing("The basiq-version header is required.")
                .with_source(Source::Parameter("basiq-version".into())))
        }
        Some(v) if !VERSIONS.contains(&v) => {
            return Err(ApiError::invalid(format!(
                "basiq-version must be one of {}.",
                VERSIONS.join(", ")
            ))
            .with_source(Source::Parameter("basiq-version".into())))
        }
        Some(_) => {}
    }
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
async fn create_user(
    State(app): State<Arc<App>>,
    Extension(scope): Extension<Scope>,
    body: Bytes,
) -> ApiResult {
    scope.require_server()?;
    let new: NewUser = optional_json_body(&body)?;
    let now = app.now();
    let mut store = app.store();
    let id = store.create_user(new.email, new.mobile).id;
    let body = user_body(&app, &mut store, &id, now)?;
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

/// `GET /users/{u}`.
async fn get_user(
    State(app): State<Arc<App>>,
    Extension(scope): Extension<Scope>,
    Path(user): Path<String>,
) -> ApiResult {
    scope.allow_user(&user)?;
    let now = app.now();
    let mut store = app.store();
    Ok(Json(user_body(&app, &mut store, &user, now)?).into_response())
}

fn user_body(
    app: &App,
    store: &mut crate::store::Store,
    id: &str,
    now: crate::clock::Millis,
) -> Result<UserBody, ApiError> {
    let user = store.user(id)?.clone();
    let connections = store.connections_of(id, now)?;
    let base = format!("{}/users/{}", app.public_url, user.id);
    Ok(UserBody {
        kind: "user",
        id: user.id,
        email: user.email,
        mobile: user.mobile,
        connections: CountedList {
            kind: "list",
            count: connections.len(),
            links: None,
            data: connections
                .iter()
                .map(|c| ConnectionRef {
                    kind: "connection",
                    links: SelfLink {
                        self_: format!("{base}/connections/{}", c.id),
                    },
                    id: c.id.clone(),
                })
                .collect(),
        },
        links: UserLinks {
            connections: format!("{base}/connections"),
            jobs: format!("{base}/jobs"),
            self_: base,
        },
    })
}

/// `GET /users/{u}/connections`.
async fn list_connections(
    State(app): State<Arc<App>>,
    Extension(scope): Extension<Scope>,
    Path(user): Path<String>,
    uri: Uri,
) -> ApiResult {
    scope.allow_user(&user)?;
    let now = app.now();
    let views = app.store().connections_of(&user, now)?;
    let data: Vec<_> = views.iter().map(|c| connection_body(&app, c)).collect();
    Ok(Json(CountedList {
        kind: "list",
        count: data.len(),
        data,
        links: Some(SelfLink {
            self_: self_url(&app, &uri),
        }),
    })
    .into_response())
}

/// `GET /users/{u}/connections/{c}`.
async fn get_connection(
    State(app): State<Arc<App>>,
    Extension(scope): Extension<Scope>,
    Path((user, connection)): Path<(String, String)>,
) -> ApiResult {
    scope.allow_user(&user)?;
    let now = app.now();
    let view = app.store().connection(&user, &connection, now)?;
    Ok(Json(connection_body(&app, &view)).into_response())
}

/// `DELETE /users/{u}/connections/{c}`: 204.
async fn delete_connection(
    State(app): State<Arc<App>>,
    Extension(scope): Extension<Scope>,
    Path((user, connection)): Path<(String, String)>,
) -> ApiResult {
    scope.allow_user(&user)?;
    app.store().delete_connection(&user, &connection)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Basiq's connection resource.
fn connection_body(app: &App, c: &ConnectionView) -> ConnectionBody {
    let base = format!("{}/users/{}", app.public_url, c.user_id);
    ConnectionBody {
        kind: "connection",
        id: c.id.clone(),
        status: c.status,
        created_date: rfc3339(c.created),
        last_used: c.last_used.map(rfc3339),
        method: "web",
        institution: InstitutionRefBody {
            kind: "institution",
            id: c.institution_id.clone(),
            links: SelfLink {
                self_: format!("{}/institutions/{}", app.public_url, c.institution_id),
            },
        },
        links: ConnectionLinks {
            self_: format!("{base}/connections/{}", c.id),
            jobs: format!("{base}/jobs?filter=connection.id.eq('{}')", c.id),
        },
    }
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
    Extension(scope): Extension<Scope>,
    Path(user): Path<String>,
    body: Bytes,
) -> ApiResult {
    scope.allow_user(&user)?;
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
    Extension(scope): Extension<Scope>,
    Path((user, connection)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult {
    scope.allow_user(&user)?;
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
    Extension(scope): Extension<Scope>,
    Path((user, connection)): Path<(String, String)>,
) -> ApiResult {
    scope.allow_user(&user)?;
    let now = app.now();
    let job = app.store().refresh_connection(&user, &connection, now)?;
    started(&app, &job)
}

/// `POST /users/{u}/connections/refresh`.
async fn refresh_all(
    State(app): State<Arc<App>>,
    Extension(scope): Extension<Scope>,
    Path(user): Path<String>,
) -> ApiResult {
    scope.allow_user(&user)?;
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
    Extension(scope): Extension<Scope>,
    Path(user): Path<String>,
    uri: Uri,
    query: Result<Query<FilterQuery>, QueryRejection>,
) -> ApiResult {
    scope.allow_user(&user)?;
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
    Extension(scope): Extension<Scope>,
    Path(id): Path<String>,
) -> ApiResult {
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
    Extension(scope): Extension<Scope>,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult {
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

/// `GET /connectors[?filter=connector.id.eq('…')[,connector.method.eq('…')]]`.
async fn list_connectors(
    State(app): State<Arc<App>>,
    uri: Uri,
    query: Result<Query<FilterQuery>, QueryRejection>,
) -> ApiResult {
    let Query(query) =
        query.map_err(|e| ApiError::invalid(format!("The query is not valid: {e}.")))?;
    let terms = match query.filter.as_deref() {
        None => Vec::new(),
        Some(f) => filter::eq_terms(f, &["connector.id", "connector.method"]).ok_or_else(|| {
            ApiError::invalid(
                "filter must look like connector.id.eq('…') or connector.method.eq('…'), comma-separated.",
            )
            .with_source(Source::Parameter("filter".into()))
        })?,
    };
    let store = app.store();
    let data: Vec<_> = store
        .institutions()
        .iter()
        .flat_map(|i| i.methods.iter().map(move |m| (i, m)))
        .filter(|(i, m)| {
            terms.iter().all(|(field, value)| match *field {
                "connector.id" => i.id == *value,
                _ => m.name == *value,
            })
        })
        .map(|(i, m)| i.render_connector(m, &app.public_url))
        .collect();
    Ok(Json(TotalList {
        kind: "list",
        total_count: data.len(),
        data,
        links: SelfLink {
            self_: self_url(&app, &uri),
        },
    })
    .into_response())
}

/// `GET /connectors/{id}/{method}`.
async fn get_connector(
    State(app): State<Arc<App>>,
    Path((id, method)): Path<(String, String)>,
) -> ApiResult {
    let store = app.store();
    let institution = store
        .institution(&id)
        .map_err(|_| ApiError::not_found(format!("No connector with id '{id}'.")))?;
    let method = institution
        .methods
        .iter()
        .find(|m| m.name == method)
        .ok_or_else(|| {
            ApiError::not_found(format!("Institution '{id}' has no '{method}' connector."))
        })?;
    Ok(Json(institution.render_connector(method, &app.public_url)).into_response())
}

/// `GET /institutions`.
async fn list_institutions(State(app): State<Arc<App>>, uri: Uri) -> ApiResult {
    let store = app.store();
    let data: Vec<_> = store
        .institutions()
        .iter()
        .map(|i| i.render(&app.public_url))
        .collect();
    Ok(Json(TotalList {
        kind: "list",
        total_count: data.len(),
        data,
        links: SelfLink {
            self_: self_url(&app, &uri),
        },
    })
    .into_response())
}

/// `GET /institutions/{id}`.
async fn get_institution(State(app): State<Arc<App>>, Path(id): Path<String>) -> ApiResult {
    let store = app.store();
    Ok(Json(store.institution(&id)?.render(&app.public_url)).into_response())
}

/// An unknown path: 401/403 first for API paths without a live token, then 404.
pub fn not_found(app: &App, request: &Request) -> Response {
    let path = request.uri().path();
    if needs_bearer(path) {
        if let Err(e) = authenticate(app, request.headers()) {
            return e.into_response();
        }
    }
    ApiError::not_found(format!("No resource at {path}.")).into_response()
}

/// `{"type":"list","totalCount":n,"data":[…],"links":{"self":…}}` (connectors, institutions).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct TotalList<T> {
    #[serde(rename = "type")]
    kind: &'static str,
    total_count: usize,
    data: Vec<T>,
    links: SelfLink,
}

/// `{"type":"list","count":n,"data":[…]}` (a user's connections).
#[derive(Debug, Serialize)]
struct CountedList<T> {
    #[serde(rename = "type")]
    kind: &'static str,
    count: usize,
    data: Vec<T>,
    #[serde(skip_serializing_if = "Option::is_none")]
    links: Option<SelfLink>,
}

#[derive(Debug, Serialize)]
struct ConnectionRef {
    #[serde(rename = "type")]
    kind: &'static str,
    id: String,
    links: SelfLink,
}

/// Basiq's connection resource.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ConnectionBody {
    #[serde(rename = "type")]
    kind: &'static str,
    id: String,
    status: &'static str,
    created_date: String,
    last_used: Option<String>,
    method: &'static str,
    institution: InstitutionRefBody,
    links: ConnectionLinks,
}

#[derive(Debug, Serialize)]
struct InstitutionRefBody {
    #[serde(rename = "type")]
    kind: &'static str,
    id: String,
    links: SelfLink,
}

#[derive(Debug, Serialize)]
struct ConnectionLinks {
    #[serde(rename = "self")]
    self_: String,
    jobs: String,
}

#[derive(Debug, Serialize)]
struct UserLinks {
    #[serde(rename = "self")]
    self_: String,
    connections: String,
    jobs: String,
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

/// Basiq's user resource.
#[derive(Debug, Serialize)]
struct UserBody {
    #[serde(rename = "type")]
    kind: &'static str,
    id: String,
    email: String,
    mobile: String,
    connections: CountedList<ConnectionRef>,
    links: UserLinks,
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
