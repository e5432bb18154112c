//! `basiq-sandbox`: a local HTTP server that behaves like the Basiq API.

mod app;
mod auth;
mod chaos;
mod clock;
mod config;
mod connectors;
mod consent;
mod control;
mod errors;
mod filter;
mod jobs;
mod rng;
mod routes;
mod scenarios;
mod server;
mod stats;
mod store;

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

use tokio::net::TcpListener;

use crate::app::App;
use crate::config::{Config, USAGE};

fn main() -> ExitCode {
    let config = match config::parse(std::env::args().skip(1)) {
        Ok(Some(config)) => config,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("basiq-sandbox: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("basiq-sandbox: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(run(config))
}

async fn run(config: Config) -> ExitCode {
    let listener = match TcpListener::bind(("127.0.0.1", config.port)).await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!(
                "basiq-sandbox: cannot listen on 127.0.0.1:{}: {e}",
                config.port
            );
            return ExitCode::FAILURE;
        }
    };
    let port = match listener.local_addr() {
        Ok(addr) => addr.port(),
        Err(e) => {
            eprintln!("basiq-sandbox: {e}");
            return ExitCode::FAILURE;
        }
    };
    let public_url = config
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://127.0.0.1:{port}"));
    let app_url = public_url.clone();
    let app = Arc::new(App::new(&config, public_url));
    let router = app::router(app, &config.www, &config.pkg);
    // Registered before the port is announced, so a signal right after it is handled.
    let shutdown = shutdown_signal();
    let mut stdout = std::io::stdout().lock();
    if writeln!(stdout, "listening on http://127.0.0.1:{port}")
        .and_then(|()| stdout.flush())
        .is_err()
    {
        eprintln!("basiq-sandbox: cannot write to stdout");
        return ExitCode::FAILURE;
    }
    drop(stdout);
    server::log_message(&format!(
        "basiq-sandbox: speed {}x, chaos {}, seed {}, public url {}",
        config.speed, config.chaos, config.seed, app_url
    ));
    for (flag, dir) in [("--www", &config.www), ("--pkg", &config.pkg)] {
        if !dir.is_dir() {
            server::log_message(&format!(
                "basiq-sandbox: {flag} {} is not a directory; its files will answer 404",
                dir.display()
            ));
        }
    }
    server::serve(listener, router, shutdown).await;
    server::log_message("shut down");
    ExitCode::SUCCESS
}

/// Listens for Ctrl-C and SIGTERM from the moment it is called; the future completes on either.
#[cfg(unix)]
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    use tokio::signal::unix::{signal, SignalKind};
    let interrupt = signal(SignalKind::interrupt());
    let terminate = signal(SignalKind::terminate());
    async move {
        let interrupt = async {
            match interrupt {
                Ok(mut s) => {
                    s.recv().await;
                }
                Err(_) => std::future::pending::<()>().await,
            }
        };
        let terminate = async {
            match terminate {
                Ok(mut s) => {
                    s.recv().await;
                }
                Err(_) => std::future::pending::<()>().await,
            }
        };
        tokio::select! {
            () = interrupt => {}
            () = terminate => {}
        }
    }
}

/// Completes on Ctrl-C.
#[cfg(not(unix))]
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}
