//! Basiq-style error answers: `{"type":"list","correlationId":…,"data":[{"type":"error",…}]}`.

use std::sync::atomic::{AtomicU64, Ordering};

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::rng::Rng;

/// An API error: an HTTP status plus one Basiq error entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status of the answer.
    pub status: StatusCode,
    /// The Basiq error code, e.g. `resource-not-found`.
    pub code: &'static str,
    /// The short human title for the code.
    pub title: &'static str,
    /// What exactly went wrong.
    pub detail: String,
    /// What in the request caused it: a parameter or header name, or a JSON pointer.
    pub source: Option<Source>,
}

/// The `source` of an error entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// A query parameter or header, e.g. `basiq-version`.
    Parameter(String),
    /// A JSON pointer into the request body, e.g. `/institution/id`.
    Pointer(String),
}

impl ApiError {
    fn new(
        status: StatusCode,
        code: &'static str,
        title: &'static str,
        detail: impl Into<String>,
    ) -> Self {
        ApiError {
            status,
            code,
            title,
            detail: detail.into(),
            source: None,
        }
    }

    /// The same error, pointing at what in the request caused it.
    pub fn with_source(mut self, source: Source) -> Self {
        self.source = Some(source);
        self
    }

    /// 401: no usable credentials at all (no or a malformed `Authorization` header).
    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized-access",
            "Unauthorized Access",
            detail,
        )
    }

    /// 401: a bearer token the API never issued, or one that is not a token at all.
    pub fn invalid_token() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "invalid-authorization-token",
            "Invalid authorization token",
            "The bearer token is not valid.",
        )
    }

    /// 403 `access-denied` "Token has expired": what Basiq answers for a token past its hour.
    pub fn token_expired() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "access-denied",
            "Access denied",
            "Token has expired",
        )
    }

    /// 405: the route exists but not with this method.
    pub fn method_not_allowed(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method-not-allowed",
            "Method not allowed",
            detail,
        )
    }

    /// 400: a required parameter or header is missing.
    pub fn missing(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "parameter-not-supplied",
            "Required parameter not supplied",
            detail,
        )
    }

    /// The error document for any status the API answers without one of its own.
    pub fn for_status(status: StatusCode) -> Self {
        match status {
            StatusCode::NOT_FOUND => Self::not_found("No resource at this address."),
            StatusCode::METHOD_NOT_ALLOWED => {
                Self::method_not_allowed("This resource does not accept this method.")
            }
            StatusCode::UNAUTHORIZED => Self::unauthorized("Authorization is required."),
            StatusCode::TOO_MANY_REQUESTS => Self::rate_limited(),
            StatusCode::SERVICE_UNAVAILABLE => Self::unavailable(),
            s if s.is_server_error() => Self::internal(),
            s => Self::new(
                s,
                "parameter-not-valid",
                "Parameter not valid",
                "The request could not be processed.",
            ),
        }
    }

    /// 403: the token may not touch this resource.
    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "forbidden-access",
            "Forbidden Access",
            detail,
        )
    }

    /// 404: no such user, connection, job or connector.
    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "resource-not-found",
            "Resource not found",
            detail,
        )
    }

    /// 400: the request body or a parameter is malformed.
    pub fn invalid(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "parameter-not-valid",
            "Parameter not valid",
            detail,
        )
    }

    /// 500: an unexpected server failure (used by chaos).
    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal-server-error",
            "Internal Server Error",
            "An unexpected error occurred; please try again.",
        )
    }

    /// 503: the API is temporarily unavailable (used by chaos).
    pub fn unavailable() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "service-unavailable",
            "Service Unavailable",
            "The service is temporarily unavailable; retry after the delay given in Retry-After.",
        )
    }

    /// 429: too many requests (used by chaos).
    pub fn rate_limited() -> Self {
        Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too-many-requests",
            "Too Many Requests",
            "Rate limit exceeded; retry after the delay given in Retry-After.",
        )
    }

    /// The JSON body Basiq sends with an error.
    pub fn body(&self) -> ErrorList<'_> {
        ErrorList {
            kind: "list",
            correlation_id: correlation_id(),
            data: [ErrorEntry {
                kind: "error",
                code: self.code,
                title: self.title,
                detail: &self.detail,
                source: self.source.as_ref(),
            }],
        }
    }
}

/// `{"type":"list","correlationId":…,"data":[…]}`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorList<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    correlation_id: String,
    data: [ErrorEntry<'a>; 1],
}

#[derive(Debug, Serialize)]
struct ErrorEntry<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    code: &'static str,
    title: &'static str,
    detail: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<&'a Source>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, axum::Json(self.body())).into_response();
        if matches!(
            self.status,
            StatusCode::SERVICE_UNAVAILABLE | StatusCode::TOO_MANY_REQUESTS
        ) {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        response
    }
}

/// A fresh correlation id for an error body (deterministic order, unique per process).
fn correlation_id() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    Rng::stream(COUNTER.fetch_add(1, Ordering::Relaxed), 0xC0).uuid()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_has_basiq_shape() {
        let body = serde_json::to_value(ApiError::not_found("No job with id x").body()).unwrap();
        assert_eq!(body["type"], "list");
        assert!(body["correlationId"]
            .as_str()
            .is_some_and(|s| !s.is_empty()));
        assert_eq!(body["data"][0]["type"], "error");
        assert_eq!(body["data"][0]["code"], "resource-not-found");
        assert_eq!(body["data"][0]["detail"], "No job with id x");
    }

    #[test]
    fn retry_after_only_on_503_and_429() {
        let r = ApiError::unavailable().into_response();
        assert_eq!(r.headers()[header::RETRY_AFTER], "1");
        let r = ApiError::rate_limited().into_response();
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(r.headers()[header::RETRY_AFTER], "1");
        let r = ApiError::internal().into_response();
        assert!(r.headers().get(header::RETRY_AFTER).is_none());
    }
}
