//! The HTTP/1 accept loop: request log, deliberate connection drops, graceful shutdown.

use std::convert::Infallible;
use std::future::Future;
use std::io::Write;
use std::pin::pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::Request;
use axum::response::Response;
use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Notify};
use tokio::task::JoinSet;
use tower::ServiceExt;

use crate::chaos::{Fault, FaultTag};

/// How long open connections get to finish after a shutdown signal.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(3);

/// A request extension that closes the request's connection without an answer.
#[derive(Debug, Clone)]
pub struct ConnectionKill(Arc<Notify>);

impl ConnectionKill {
    /// Closes the connection this request came in on.
    pub fn kill(&self) {
        self.0.notify_one();
    }
}

/// Serves `router` on `listener` until `shutdown` completes, then drains open connections.
pub async fn serve(listener: TcpListener, router: Router, shutdown: impl Future<Output = ()>) {
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut shutdown = pin!(shutdown);
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    connections.spawn(connection(stream, router.clone(), stop_rx.clone()));
                }
                Err(e) => {
                    log_message(&format!("accept failed: {e}"));
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    drop(listener);
    let _ = stop_tx.send(true);
    let drained = tokio::time::timeout(DRAIN_TIMEOUT, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        connections.abort_all();
    }
}

/// Serves one TCP connection.
async fn connection(stream: TcpStream, router: Router, mut stop: watch::Receiver<bool>) {
    let _ = stream.set_nodelay(true);
    let kill = Arc::new(Notify::new());
    let handle = ConnectionKill(kill.clone());
    let service = service_fn(move |mut request: Request<Incoming>| {
        request.extensions_mut().insert(handle.clone());
        let router = router.clone();
        async move { Ok::<_, Infallible>(respond(router, request).await) }
    });
    let mut conn = pin!(http1::Builder::new()
        .timer(TokioTimer::new())
        .serve_connection(TokioIo::new(stream), service));
    tokio::select! {
        _ = conn.as_mut() => {}
        // Dropping the connection future closes the socket without an answer.
        () = kill.notified() => {}
        () = async { let _ = stop.wait_for(|stopped| *stopped).await; } => {
            conn.as_mut().graceful_shutdown();
            let _ = conn.await;
        }
    }
}

/// Routes one request and logs it.
async fn respond(router: Router, request: Request<Incoming>) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let target = request
        .uri()
        .path_and_query()
        .map_or_else(|| "/".to_owned(), |p| p.to_string());
    let response = match router.oneshot(request.map(Body::new)).await {
        Ok(response) => response,
        Err(never) => match never {},
    };
    let fault = response.extensions().get::<FaultTag>().map(|t| t.0);
    log_line(
        method.as_str(),
        &target,
        response.status().as_str(),
        started.elapsed().as_millis(),
        fault,
    );
    response
}

/// Writes one request line to stderr: method, path, status, milliseconds, and any fault.
pub fn log_line(method: &str, target: &str, status: &str, ms: u128, fault: Option<Fault>) {
    let fault = fault
        .map(|f| format!(" chaos={}", f.name()))
        .unwrap_or_default();
    log_message(&format!("{method} {target} {status} {ms}ms{fault}"));
}

/// Writes one line to stderr, ignoring a closed stderr.
pub fn log_message(line: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}
