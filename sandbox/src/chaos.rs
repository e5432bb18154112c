//! Faults on demand (`--chaos`): a seeded share of API answers goes wrong in one of seven ways.

use std::sync::Arc;
use std::time::Duration;

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::app::App;
use crate::errors::ApiError;
use crate::rng::Rng;
use crate::server::ConnectionKill;

/// How long a slow answer is held back, in real time.
pub const SLOW_DELAY: Duration = Duration::from_secs(3);

/// One kind of fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Fault {
    /// 500 with a Basiq error body.
    ServerError,
    /// 503 with `Retry-After: 1`.
    Unavailable,
    /// 429 with `Retry-After: 1`.
    RateLimited,
    /// The real answer, 3 s late.
    Slow,
    /// The connection is closed without an answer.
    Dropped,
    /// 200 with the real JSON body cut in half.
    Truncated,
    /// 502 with an HTML page, as a proxy in front of the API would send.
    HtmlPage,
}

impl Fault {
    /// Every fault kind.
    pub const ALL: [Fault; 7] = [
        Fault::ServerError,
        Fault::Unavailable,
        Fault::RateLimited,
        Fault::Slow,
        Fault::Dropped,
        Fault::Truncated,
        Fault::HtmlPage,
    ];

    /// A short name for logs.
    pub fn name(self) -> &'static str {
        match self {
            Fault::ServerError => "500",
            Fault::Unavailable => "503",
            Fault::RateLimited => "429",
            Fault::Slow => "slow",
            Fault::Dropped => "dropped",
            Fault::Truncated => "truncated",
            Fault::HtmlPage => "html-502",
        }
    }
}

/// Marks a response that chaos produced or altered (read by the request log).
#[derive(Debug, Clone, Copy)]
pub struct FaultTag(pub Fault);

/// The fault picker: deterministic for a seed and a request sequence.
#[derive(Debug)]
pub struct Chaos {
    rate: f64,
    rng: Rng,
}

impl Chaos {
    /// Faults `rate` (0..1) of answers, chosen by a generator seeded with `seed`.
    pub fn new(rate: f64, seed: u64) -> Self {
        Chaos {
            rate,
            rng: Rng::stream(seed, 4),
        }
    }

    /// The fault for the next API request, if any.
    pub fn pick(&mut self) -> Option<Fault> {
        if self.rate <= 0.0 || self.rng.next_f64() >= self.rate {
            return None;
        }
        Fault::ALL
            .get(self.rng.below(Fault::ALL.len() as u64) as usize)
            .copied()
    }
}

/// Middleware for API routes: maybe replaces or alters the answer.
pub async fn inject(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let fault = app.chaos().pick();
    let Some(fault) = fault else {
        return next.run(request).await;
    };
    let mut response = match fault {
        Fault::ServerError => ApiError::internal().into_response(),
        Fault::Unavailable => ApiError::unavailable().into_response(),
        Fault::RateLimited => ApiError::rate_limited().into_response(),
        Fault::Slow => {
            let response = next.run(request).await;
            tokio::time::sleep(SLOW_DELAY).await;
            response
        }
        Fault::Dropped => match request.extensions().get::<ConnectionKill>().cloned() {
            Some(kill) => {
                crate::server::log_line(
                    request.method().as_str(),
                    &request.uri().to_string(),
                    "dropped",
                    0,
                    Some(fault),
                );
                kill.kill();
                // The connection is being torn down; this answer is never sent.
                std::future::pending::<()>().await;
                html_page()
            }
            None => html_page(),
        },
        Fault::Truncated => {
            let body = to_bytes(next.run(request).await.into_body(), 4 << 20)
                .await
                .unwrap_or_default();
            let cut = body.slice(..body.len() / 2);
            let mut response = Response::new(Body::from(cut));
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            response
        }
        Fault::HtmlPage => html_page(),
    };
    response.extensions_mut().insert(FaultTag(fault));
    response
}

/// A 502 page from an imaginary proxy.
fn html_page() -> Response {
    let page = "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\
<body><h1>502 Bad Gateway</h1><p>The upstream server returned an invalid response.</p></body></html>\n";
    let mut response = (StatusCode::BAD_GATEWAY, page).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn rate_zero_never_faults_and_rate_one_always_does() {
        let mut off = Chaos::new(0.0, 1);
        assert!((0..1000).all(|_| off.pick().is_none()));
        let mut on = Chaos::new(1.0, 1);
        let kinds: BTreeSet<Fault> = (0..200).filter_map(|_| on.pick()).collect();
        assert_eq!(kinds.len(), Fault::ALL.len());
    }

    #[test]
    fn picks_are_deterministic_for_a_seed_and_near_the_rate() {
        let a: Vec<_> = {
            let mut c = Chaos::new(0.2, 7);
            (0..1000).map(|_| c.pick()).collect()
        };
        let b: Vec<_> = {
            let mut c = Chaos::new(0.2, 7);
            (0..1000).map(|_| c.pick()).collect()
        };
        assert_eq!(a, b);
        let faults = a.iter().filter(|f| f.is_some()).count();
        assert!((150..250).contains(&faults), "{faults}");
        let mut other = Chaos::new(0.2, 8);
        let c: Vec<_> = (0..1000).map(|_| other.pick()).collect();
        assert_ne!(a, c);
    }
}
