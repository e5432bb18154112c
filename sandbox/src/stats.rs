//! Request counters for `GET /sandbox/stats`: API requests only, per route and per job.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::{MatchedPath, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;
use serde::Serialize;

use crate::app::App;

/// The route whose requests are also counted per job.
const JOB_ROUTE: &str = "/jobs/{id}";

/// Counts of API requests since start or the last reset.
#[derive(Debug, Default, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Stats {
    total: u64,
    by_route: BTreeMap<String, u64>,
    by_job: BTreeMap<String, u64>,
}

impl Stats {
    /// Counts one request to `route` (a template such as `/jobs/{id}`) at concrete `path`.
    pub fn record(&mut self, method: &Method, route: &str, path: &str) {
        self.total += 1;
        *self
            .by_route
            .entry(format!("{method} {route}"))
            .or_default() += 1;
        if method == Method::GET && route == JOB_ROUTE {
            if let Some(id) = path.strip_prefix("/jobs/") {
                *self.by_job.entry(id.to_owned()).or_default() += 1;
            }
        }
    }

    /// Zeroes every counter.
    pub fn reset(&mut self) {
        *self = Stats::default();
    }
}

/// Middleware for API routes: counts the request, then passes it on.
pub async fn count(
    State(app): State<Arc<App>>,
    route: MatchedPath,
    request: Request,
    next: Next,
) -> Response {
    app.stats()
        .record(request.method(), route.as_str(), request.uri().path());
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_routes_and_job_polls() {
        let mut s = Stats::default();
        s.record(&Method::POST, "/token", "/token");
        s.record(&Method::GET, "/jobs/{id}", "/jobs/a");
        s.record(&Method::GET, "/jobs/{id}", "/jobs/a");
        s.record(&Method::GET, "/jobs/{id}", "/jobs/b");
        s.record(&Method::POST, "/jobs/{id}/mfa", "/jobs/a/mfa");
        let v = serde_json::to_value(&s).unwrap();
        assert_eq!(v["total"], 5);
        assert_eq!(v["byRoute"]["GET /jobs/{id}"], 3);
        assert_eq!(v["byRoute"]["POST /token"], 1);
        assert_eq!(v["byJob"]["a"], 2);
        assert_eq!(v["byJob"]["b"], 1);
        assert_eq!(v["byJob"].as_object().unwrap().len(), 2);
        s.reset();
        assert_eq!(s, Stats::default());
    }
}
