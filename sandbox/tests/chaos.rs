//! `--chaos`: every fault kind shows up at a fixed seed; control endpoints are never faulted.

mod common;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use common::{Reply, Sandbox};

/// What one answer turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Seen {
    Clean,
    ServerError,
    Unavailable,
    RateLimited,
    Slow,
    Dropped,
    Truncated,
    HtmlPage,
}

fn classify(result: Result<Reply, String>, took: Duration, clean_body: &[u8]) -> Seen {
    let reply = match result {
        Err(_) => return Seen::Dropped,
        Ok(reply) => reply,
    };
    let is_json = serde_json::from_slice::<serde_json::Value>(&reply.body).is_ok();
    match reply.status {
        200 if !is_json => {
            assert_eq!(reply.header("content-type"), Some("application/json"));
            assert!(
                clean_body.starts_with(&reply.body),
                "a truncated body is a prefix of the answer"
            );
            assert_eq!(reply.body.len(), clean_body.len() / 2);
            Seen::Truncated
        }
        200 => {
            assert_eq!(
                reply.body, clean_body,
                "an unfaulted answer is the real one"
            );
            if took >= Duration::from_millis(2_900) {
                Seen::Slow
            } else {
                Seen::Clean
            }
        }
        500 => {
            reply.assert_error(500, "internal-server-error");
            assert!(reply.header("retry-after").is_none());
            Seen::ServerError
        }
        503 => {
            reply.assert_error(503, "service-unavailable");
            assert_eq!(reply.header("retry-after"), Some("1"));
            assert_eq!(
                reply.header("access-control-expose-headers"),
                Some("retry-after")
            );
            Seen::Unavailable
        }
        429 => {
            reply.assert_error(429, "too-many-requests");
            assert_eq!(reply.header("retry-after"), Some("1"));
            Seen::RateLimited
        }
        502 => {
            assert!(reply
                .header("content-type")
                .unwrap_or("")
                .starts_with("text/html"));
            assert!(reply.text().contains("<html>"));
            Seen::HtmlPage
        }
        other => panic!("unexpected answer {other}: {}", reply.text()),
    }
}

#[test]
fn a_fixed_seed_produces_every_fault_kind_and_some_clean_answers() {
    let sb = Sandbox::start(&["--chaos", "0.5", "--seed", "7"]);
    // Control endpoints are never faulted.
    let tokens: Vec<String> = (0..10).map(|_| sb.client().1).collect();
    let token = tokens[0].clone();
    // The real answer, from a chaos-free sandbox with the same connectors.
    let calm = Sandbox::start(&[]);
    let clean = calm.get("/connectors", &calm.client().1).body;
    let clean = String::from_utf8_lossy(&clean)
        .replace(&calm.origin(), &sb.origin())
        .into_bytes();

    const REQUESTS: usize = 70;
    let next = AtomicUsize::new(0);
    let seen = Mutex::new(BTreeMap::<Seen, usize>::new());
    std::thread::scope(|scope| {
        for _ in 0..10 {
            scope.spawn(|| {
                while next.fetch_add(1, Ordering::SeqCst) < REQUESTS {
                    let auth = format!("Bearer {token}");
                    let started = Instant::now();
                    let result = sb.send("GET", "/connectors", &[("Authorization", &auth)], b"");
                    let kind = classify(result, started.elapsed(), &clean);
                    *seen.lock().expect("lock").entry(kind).or_default() += 1;
                }
            });
        }
    });
    let seen = seen.into_inner().expect("lock");
    for kind in [
        Seen::Clean,
        Seen::ServerError,
        Seen::Unavailable,
        Seen::RateLimited,
        Seen::Slow,
        Seen::Dropped,
        Seen::Truncated,
        Seen::HtmlPage,
    ] {
        assert!(
            seen.contains_key(&kind),
            "{kind:?} never happened: {seen:?}"
        );
    }
    let faults: usize = seen
        .iter()
        .filter(|(k, _)| **k != Seen::Clean)
        .map(|(_, n)| n)
        .sum();
    assert!(
        (20..=50).contains(&faults),
        "about half of {REQUESTS} answers are faults: {seen:?}"
    );
    // Every API request was counted, faulted or not; the server is still up.
    let stats = sb.request("GET", "/sandbox/stats", &[], b"").json();
    assert_eq!(stats["byRoute"]["GET /connectors"], REQUESTS as u64);
}

#[test]
fn without_chaos_nothing_is_faulted() {
    let sb = Sandbox::start(&[]);
    let (_, token) = sb.client();
    for _ in 0..100 {
        let reply = sb.get("/connectors", &token);
        assert_eq!(reply.status, 200);
        reply.json();
    }
}
