//! Shared server state and the assembly of every route.

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{header, HeaderName, HeaderValue, Method};
use axum::middleware::{from_fn_with_state, map_response};
use axum::response::{IntoResponse, Response};
use axum::Router;
use tower::ServiceExt;
use tower_http::cors::{Any, CorsLayer};
use tower_http::services::ServeDir;

use crate::chaos::Chaos;
use crate::clock::{Clock, Millis};
use crate::config::Config;
use crate::errors::ApiError;
use crate::jobs::RenderContext;
use crate::rng::Rng;
use crate::stats::Stats;
use crate::store::Store;
use crate::{chaos, consent, control, routes, stats};

/// Everything the handlers share.
#[derive(Debug)]
pub struct App {
    /// The sandbox clock.
    pub clock: Clock,
    /// Origin used in absolute links.
    pub public_url: String,
    /// Partner id shown on jobs.
    pub partner_id: String,
    /// Application id shown on jobs.
    pub application_id: String,
    /// Where the consent page sends the user back (`None`: the sandbox's own `/`).
    pub consent_redirect: Option<String>,
    /// Whether the consent page allows several connections.
    pub consent_multiple: bool,
    store: Mutex<Store>,
    stats: Mutex<Stats>,
    chaos: Mutex<Chaos>,
}

impl App {
    /// State for a run with these settings.
    pub fn new(config: &Config, public_url: String) -> Self {
        let mut ids = Rng::stream(config.seed, 3);
        App {
            clock: Clock::new(config.speed),
            public_url,
            partner_id: ids.uuid(),
            application_id: ids.uuid(),
            consent_redirect: config.consent_redirect.clone(),
            consent_multiple: config.consent_multiple,
            store: Mutex::new(Store::new(config.seed, run_salt())),
            stats: Mutex::new(Stats::default()),
            chaos: Mutex::new(Chaos::new(config.chaos, config.seed)),
        }
    }

    /// The current sandbox time.
    pub fn now(&self) -> Millis {
        self.clock.now_ms()
    }

    /// The world (users, tokens, connections, jobs, connectors).
    pub fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The request counters.
    pub fn stats(&self) -> MutexGuard<'_, Stats> {
        self.stats.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The fault picker.
    pub fn chaos(&self) -> MutexGuard<'_, Chaos> {
        self.chaos.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// What job bodies need to render absolute links.
    pub fn render_context(&self) -> RenderContext<'_> {
        RenderContext {
            public_url: &self.public_url,
            partner_id: &self.partner_id,
            application_id: &self.application_id,
        }
    }
}

/// Something different for every run, so ids and tokens never repeat across restarts.
fn run_salt() -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    nanos ^ u64::from(std::process::id()).rotate_left(32)
}

/// The whole site: the API (counted, auth first, with chaos), the control endpoints, the consent
/// page, and static files; every error answer carries Basiq's error document.
pub fn router(app: Arc<App>, www: &Path, pkg: &Path) -> Router {
    let api = routes::router()
        .route_layer(from_fn_with_state(app.clone(), chaos::inject))
        .layer(from_fn_with_state(app.clone(), routes::gate))
        .layer(from_fn_with_state(app.clone(), stats::count));
    let www = ServeDir::new(www);
    let pkg = Router::new()
        .nest_service("/pkg", ServeDir::new(pkg))
        .layer(map_response(no_cache));
    Router::new()
        .merge(api)
        .merge(control::router())
        .merge(consent::router())
        .fallback(move |State(app): State<Arc<App>>, request: Request| {
            let www = www.clone();
            async move {
                if routes::needs_bearer(request.uri().path()) {
                    return routes::not_found(&app, &request);
                }
                match www.oneshot(request).await {
                    Ok(response) => no_cache(response.into_response()).await,
                    Err(never) => match never {},
                }
            }
        })
        .with_state(app)
        .merge(pkg)
        .layer(map_response(error_documents))
        .layer(cors())
}

/// An error answer without a body of its own (a wrong method, a missing static file) gets
/// Basiq's error document for its status, so no error is ever an empty body.
async fn error_documents(response: Response) -> Response {
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error())
        || response.headers().contains_key(header::CONTENT_TYPE)
    {
        return response;
    }
    let allow = response.headers().get(header::ALLOW).cloned();
    let mut replaced = ApiError::for_status(status).into_response();
    if let Some(allow) = allow {
        replaced.headers_mut().insert(header::ALLOW, allow);
    }
    replaced
}

/// Any origin may call any route; `Retry-After` is readable by scripts.
fn cors() -> CorsLayer {
    CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::GET, Method::POST, Method::DELETE, Method::OPTIONS])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            HeaderName::from_static("basiq-version"),
        ])
        .expose_headers([header::RETRY_AFTER])
        .max_age(Duration::from_secs(600))
}

/// Static files are always revalidated, so a rebuilt package is picked up at once.
async fn no_cache(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}
