//! The watcher's rules, on a fake clock: scripted answers in, exact actions and events out.
#![cfg(not(target_arch = "wasm32"))]

use basiq_jobs::core::advice::{Action as Advice, Operation};
use basiq_jobs::core::events::{ErrorKind, Event, Outcome};
use basiq_jobs::core::job::StepStatus;
use basiq_jobs::core::policy::Timing;
use basiq_jobs::core::watcher::{
    Action, ConfigError, Purpose, Request, TransportError, WatchConfig, Watcher,
};

#[path = "support/sim.rs"]
mod sim;
#[path = "support/urls.rs"]
mod urls;
use sim::{cfg, json, restore, save, Sim, JOB_URL, T0};

impl Sim {
    /// Answers the next job poll.
    fn poll_job(&mut self, status: u16, body: &str) -> Request {
        let r = self.fetch();
        assert_eq!(r.purpose, Purpose::Job, "{r:?}");
        self.answer(&r, status, body);
        r
    }

    fn step_events(&self) -> Vec<(String, StepStatus, StepStatus)> {
        self.events
            .iter()
            .filter_map(|e| match e {
                Event::Step(s) => Some((s.step.clone(), s.previous, s.status)),
                _ => None,
            })
            .collect()
    }
}

/// A job body; each step is (title, status, result JSON).
fn job(steps: &[(&str, &str, &str)]) -> String {
    job_with("j1", JOB_URL, steps)
}

fn job_with(id: &str, self_url: &str, steps: &[(&str, &str, &str)]) -> String {
    let steps: Vec<String> = steps
        .iter()
        .map(|(t, s, r)| format!(r#"{{"title":"{t}","status":"{s}","result":{r}}}"#))
        .collect();
    format!(
        r#"{{"type":"job","id":"{id}","created":"2024-09-25T04:22:25Z","steps":[{}],"links":{{"self":"{self_url}","source":"https://au-api.basiq.io/users/u1/connections/c1"}}}}"#,
        steps.join(",")
    )
}

const LINK_C: &str = r#"{"type":"link","url":"/users/u1/connections/c1"}"#;
const LINK_A: &str = r#"{"type":"link","url":"/users/u1/accounts?filter=connection.id.eq('c1')"}"#;
const LINK_T: &str =
    r#"{"type":"link","url":"/users/u1/transactions?filter=connection.id.eq('c1')"}"#;

fn running() -> String {
    job(&[
        ("verify-credentials", "in-progress", "null"),
        ("retrieve-accounts", "pending", "null"),
        ("retrieve-transactions", "pending", "null"),
    ])
}

fn accounts_running() -> String {
    job(&[
        ("verify-credentials", "success", LINK_C),
        ("retrieve-accounts", "in-progress", "null"),
        ("retrieve-transactions", "pending", "null"),
    ])
}

fn succeeded() -> String {
    job(&[
        ("verify-credentials", "success", LINK_C),
        ("retrieve-accounts", "success", LINK_A),
        ("retrieve-transactions", "success", LINK_T),
    ])
}

fn failed_on(step: usize, code: &str) -> String {
    let fail = format!(r#"{{"code":"{code}","title":"T","detail":"D"}}"#);
    let titles = [
        "verify-credentials",
        "retrieve-accounts",
        "retrieve-transactions",
    ];
    let steps: Vec<(&str, &str, &str)> = titles
        .iter()
        .enumerate()
        .map(|(i, t)| match i.cmp(&step) {
            std::cmp::Ordering::Less => (*t, "success", if i == 0 { LINK_C } else { LINK_A }),
            std::cmp::Ordering::Equal => (*t, "failed", fail.as_str()),
            std::cmp::Ordering::Greater => (*t, "pending", "null"),
        })
        .collect();
    job(&steps)
}

// ----- the first poll, intervals and back-off -----------------------------------------------

#[test]
fn first_poll_is_immediate_with_token_and_request_timeout() {
    let mut s = Sim::new(cfg());
    let r = s.fetch();
    assert_eq!(s.now, T0, "first poll must not wait");
    assert_eq!(r.url, JOB_URL);
    assert!(r.with_token);
    assert_eq!(r.body, None);
    assert_eq!(r.timeout_ms, 30_000);
}

#[test]
fn with_no_estimate_a_running_step_is_polled_at_most_interval_ms_apart() {
    // Nothing says when the first step will end, and any step's end may be the job's end.
    let mut s = Sim::new(cfg());
    for _ in 0..9 {
        s.poll_job(200, &running());
    }
    assert_eq!(s.waits.len(), 8);
    assert!(
        s.waits.iter().all(|w| (800..=1000).contains(w)),
        "{:?}",
        s.waits
    );
    let distinct: std::collections::BTreeSet<_> = s.waits.iter().collect();
    assert!(distinct.len() > 3, "jitter is kept: {:?}", s.waits);
}

#[test]
fn while_the_user_answers_mfa_polls_back_off_by_half_up_to_the_ceiling() {
    let mut s = Sim::new(cfg());
    for _ in 0..9 {
        s.poll_job(200, &mfa_waiting(120_000));
    }
    let bases = [1000u64, 1500, 2250, 3375, 5000, 5000, 5000, 5000];
    assert_eq!(s.waits.len(), 8);
    for (w, b) in s.waits.iter().zip(bases) {
        assert!(
            *w >= b * 8 / 10 && *w <= b * 12 / 10,
            "wait {w} for base {b}: {:?}",
            s.waits
        );
    }
}

#[test]
fn a_step_change_goes_back_to_fast_polling() {
    let mut s = Sim::new(cfg());
    for _ in 0..6 {
        s.poll_job(200, &running());
    }
    s.poll_job(200, &accounts_running());
    s.waits.clear();
    s.fetch();
    assert!(s.waits[0] <= 1200, "{:?}", s.waits);
}

#[test]
fn timing_is_configurable() {
    let timing = Timing {
        interval_ms: 100,
        max_interval_ms: 100,
        jitter_permille: 0,
        ..Timing::default()
    };
    let mut s = Sim::new(WatchConfig { timing, ..cfg() });
    for _ in 0..4 {
        s.poll_job(200, &running());
    }
    assert_eq!(s.waits, vec![100, 100, 100]);
}

// ----- endings ---------------------------------------------------------------------------

#[test]
fn success_resolves_absolute_result_urls_and_reports_every_step_in_order() {
    let mut s = Sim::new(cfg());
    s.poll_job(202, &running());
    s.poll_job(200, &succeeded());
    match s.done() {
        Outcome::Success {
            connection_url,
            accounts_url,
            transactions_url,
            job,
        } => {
            assert_eq!(
                connection_url.as_deref(),
                Some("https://au-api.basiq.io/users/u1/connections/c1")
            );
            // As the browser's URL parser serialises them: `'` in a query is `%27`.
            assert_eq!(
                accounts_url.as_deref(),
                Some("https://au-api.basiq.io/users/u1/accounts?filter=connection.id.eq(%27c1%27)")
            );
            assert_eq!(
                transactions_url.as_deref(),
                Some(
                    "https://au-api.basiq.io/users/u1/transactions?filter=connection.id.eq(%27c1%27)"
                )
            );
            assert_eq!(job.steps[1].result_url.as_deref(), accounts_url.as_deref());
        }
        other => panic!("{other:?}"),
    }
    use StepStatus::*;
    let want = vec![
        ("verify-credentials".to_string(), Pending, InProgress),
        ("verify-credentials".to_string(), InProgress, Success),
        ("retrieve-accounts".to_string(), Pending, InProgress),
        ("retrieve-accounts".to_string(), InProgress, Success),
        ("retrieve-transactions".to_string(), Pending, InProgress),
        ("retrieve-transactions".to_string(), InProgress, Success),
    ];
    assert_eq!(s.step_events(), want);
    let result_urls: Vec<_> = s
        .events
        .iter()
        .filter_map(|e| match e {
            Event::Step(st) if st.status == Success => st.result_url.clone(),
            _ => None,
        })
        .collect();
    assert!(
        result_urls
            .iter()
            .all(|u| u.starts_with("https://au-api.basiq.io/users/u1/")),
        "{result_urls:?}"
    );
    let progress: Vec<(usize, usize)> = s
        .events
        .iter()
        .filter_map(|e| match e {
            Event::Progress(p) => Some((p.completed, p.total)),
            _ => None,
        })
        .collect();
    assert_eq!(progress, vec![(0, 3), (3, 3)]);
}

#[test]
fn done_is_stable_once_reached() {
    let mut s = Sim::new(cfg());
    let r = s.poll_job(200, &succeeded());
    let first = s.done();
    assert!(
        s.w.snapshot().unwrap().is_success(),
        "the snapshot is the final job"
    );
    s.answer(&r, 200, &failed_on(0, "invalid-credentials"));
    s.w.cancel();
    assert_eq!(s.done(), first);
}

#[test]
fn failed_step_ends_with_its_advice() {
    let mut s = Sim::new(WatchConfig {
        operation: Operation::Refresh,
        ..cfg()
    });
    s.poll_job(200, &failed_on(0, "invalid-credentials"));
    match s.done() {
        Outcome::Failed {
            step,
            failure,
            advice,
            ..
        } => {
            assert_eq!(step, "verify-credentials");
            assert_eq!(failure.code, "invalid-credentials");
            assert_eq!(advice.action, Advice::ResubmitCredentials);
        }
        other => panic!("{other:?}"),
    }
    let failed_event = s.events.iter().find_map(|e| match e {
        Event::Step(st) if st.status == StepStatus::Failed => Some(st.clone()),
        _ => None,
    });
    let ev = failed_event.unwrap();
    assert_eq!(ev.advice.unwrap().action, Advice::ResubmitCredentials);
    assert_eq!(ev.failure.unwrap().detail.as_deref(), Some("D"));
}

#[test]
fn bank_popup_failure_on_a_later_step() {
    let mut s = Sim::new(cfg());
    s.poll_job(200, &accounts_running());
    s.poll_job(
        200,
        &failed_on(1, "account-not-accessible-requires-user-action"),
    );
    match s.done() {
        Outcome::Failed { step, advice, .. } => {
            assert_eq!(step, "retrieve-accounts");
            assert_eq!(advice.action, Advice::ClearBankPopup);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn service_unavailable_outside_update_without_institution_tries_later() {
    let mut s = Sim::new(cfg());
    s.poll_job(200, &failed_on(1, "service-unavailable"));
    match s.done() {
        Outcome::Failed { advice, .. } => {
            assert_eq!(advice.action, Advice::TryLater);
            assert_eq!(advice.retry_after_ms, Some(600_000));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn third_attempt_of_service_unavailable_goes_to_support_with_connection_id() {
    let mut s = Sim::new(WatchConfig {
        attempt: Some(2),
        ..cfg()
    });
    s.poll_job(200, &failed_on(1, "service-unavailable"));
    match s.done() {
        Outcome::Failed { advice, .. } => {
            assert_eq!(advice.action, Advice::ContactSupport);
            assert_eq!(
                advice.support_reference.as_deref(),
                Some("c1"),
                "read from links.source"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn overall_timeout_ends_on_time() {
    let timing = Timing {
        timeout_ms: 20_000,
        ..Timing::default()
    };
    let mut s = Sim::new(WatchConfig { timing, ..cfg() });
    let outcome = loop {
        match s.next() {
            Action::Fetch(r) => s.answer(&r, 200, &running()),
            Action::Done(o) => break *o,
            other => panic!("{other:?}"),
        }
    };
    match outcome {
        Outcome::TimedOut { elapsed_ms, job } => {
            assert_eq!(elapsed_ms, 20_000, "the last wait is cut to the deadline");
            assert!(job.is_some());
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn cancel_ends_the_watch_and_late_answers_are_ignored() {
    let mut s = Sim::new(cfg());
    let r = s.fetch();
    s.w.cancel();
    s.answer(&r, 200, &succeeded());
    assert!(matches!(s.done(), Outcome::Cancelled { job: None }));
    assert!(s.events.is_empty());
}

// ----- HTTP rules ------------------------------------------------------------------------

#[test]
fn rate_limit_honours_retry_after_seconds_and_dates_clamped() {
    let mut s = Sim::new(cfg());
    let r = s.fetch();
    s.answer_with(&r, 429, Some("7"), "");
    s.fetch();
    assert_eq!(s.now - T0, 7_000);

    let mut s = Sim::new(cfg());
    let r = s.fetch();
    s.answer_with(&r, 429, Some("Wed, 25 Sep 2024 04:22:45 GMT"), ""); // T0 + 20 s
    s.fetch();
    assert_eq!(s.now - T0, 20_000);

    let long = Timing {
        timeout_ms: 3_600_000,
        ..Timing::default()
    };
    let mut s = Sim::new(WatchConfig {
        timing: long,
        ..cfg()
    });
    let r = s.fetch();
    s.answer_with(&r, 503, Some("99999"), "");
    s.fetch();
    assert_eq!(s.now - T0, 600_000, "clamped to 10 minutes");

    let mut s = Sim::new(cfg());
    let r = s.fetch();
    s.answer_with(&r, 429, Some("0"), "");
    s.fetch();
    assert_eq!(s.now - T0, 1_000, "clamped up to intervalMs");
}

#[test]
fn rate_limits_do_not_count_as_errors() {
    let mut s = Sim::new(cfg());
    for _ in 0..10 {
        let r = s.fetch();
        s.answer_with(&r, 429, Some("1"), "");
    }
    s.poll_job(200, &succeeded());
    assert!(matches!(s.done(), Outcome::Success { .. }));
}

#[test]
fn server_errors_retry_then_give_up_after_five_in_a_row() {
    let mut s = Sim::new(cfg());
    for _ in 0..4 {
        s.poll_job(500, "<html>oops</html>");
    }
    s.poll_job(200, &running()); // a good answer resets the count
    for _ in 0..4 {
        s.poll_job(502, "");
    }
    assert!(s.w.outcome().is_none());
    s.poll_job(503, "");
    match s.done() {
        Outcome::Error { error, advice, .. } => {
            assert_eq!(error.kind, ErrorKind::Http);
            assert_eq!(error.http_status, Some(503));
            assert_eq!(advice.action, Advice::TryLater);
            assert!(!advice.message.is_empty());
        }
        other => panic!("{other:?}"),
    }
    // Retries back off rather than hammering.
    assert!(
        s.waits.iter().rev().take(3).all(|w| *w >= 1_000),
        "{:?}",
        s.waits
    );
}

#[test]
fn network_errors_and_request_timeouts_retry_then_give_up() {
    let mut s = Sim::new(cfg());
    for i in 0..5 {
        let r = s.fetch();
        let e = if i % 2 == 0 {
            TransportError::Timeout
        } else {
            TransportError::Network("refused".into())
        };
        s.w.handle_error(s.now, r.id, e);
    }
    match s.done() {
        Outcome::Error { error, .. } => {
            assert_eq!(error.kind, ErrorKind::Network);
            assert!(error.message.contains("30000 ms"), "{}", error.message);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn malformed_bodies_count_like_server_errors_then_invalid_response() {
    let bodies = [
        "{\"id\":",
        "<!doctype html><p>gateway</p>",
        "",
        "[]",
        "{\"id\":\"j1\",\"steps\":\"no\"}",
    ];
    let mut s = Sim::new(cfg());
    for b in bodies {
        s.poll_job(200, b);
    }
    match s.done() {
        Outcome::Error { error, .. } => {
            assert_eq!(error.kind, ErrorKind::InvalidResponse);
            assert!(error.message.contains("not a job"), "{}", error.message);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn unauthorized_refreshes_the_token_once_then_gives_up() {
    let mut s = Sim::new(cfg());
    s.poll_job(401, "");
    assert_eq!(s.next(), Action::RefreshToken);
    let at = s.now;
    s.w.handle_token(s.now, Ok(()));
    s.poll_job(200, &running());
    assert_eq!(s.now, at, "retried at once with the fresh token");
    s.poll_job(401, "");
    assert_eq!(s.next(), Action::RefreshToken);
    s.w.handle_token(s.now, Ok(()));
    s.poll_job(401, "");
    match s.done() {
        Outcome::Error { error, advice, .. } => {
            assert_eq!(error.kind, ErrorKind::Unauthorized);
            assert_eq!(error.http_status, Some(401));
            assert_eq!(advice.action, Advice::StartAgain);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_static_token_cannot_be_refreshed() {
    let mut s = Sim::new(WatchConfig {
        can_refresh_token: false,
        ..cfg()
    });
    s.poll_job(401, "");
    assert!(
        matches!(s.done(), Outcome::Error { error, .. } if error.kind == ErrorKind::Unauthorized)
    );
}

#[test]
fn a_token_provider_is_asked_first_and_its_failure_ends_the_watch() {
    let mut s = Sim::new(WatchConfig {
        has_token: false,
        ..cfg()
    });
    assert_eq!(s.next(), Action::RefreshToken);
    s.w.handle_token(s.now, Err("backend down".into()));
    match s.done() {
        Outcome::Error { error, .. } => {
            assert_eq!(error.kind, ErrorKind::Unauthorized);
            assert!(error.message.contains("backend down"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn forbidden_and_not_found_end_at_once() {
    for (status, kind) in [
        (403, ErrorKind::Unauthorized),
        (404, ErrorKind::NotFound),
        (410, ErrorKind::NotFound),
        (400, ErrorKind::Http),
    ] {
        let mut s = Sim::new(cfg());
        s.poll_job(status, "{}");
        match s.done() {
            Outcome::Error { error, .. } => {
                assert_eq!(error.kind, kind, "{status}");
                assert_eq!(error.http_status, Some(status));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(s.now, T0, "no retry for {status}");
    }
}

// ----- security --------------------------------------------------------------------------

#[test]
fn job_urls_must_be_https_or_loopback() {
    let bad = |url: &str| {
        Watcher::new(
            WatchConfig {
                job_url: url.into(),
                ..cfg()
            },
            T0,
            1,
        )
        .err()
    };
    assert!(matches!(
        bad("http://au-api.basiq.io/jobs/1"),
        Some(ConfigError::JobUrl(_))
    ));
    assert!(matches!(bad("/jobs/1"), Some(ConfigError::JobUrl(_))));
    assert!(bad("http://127.0.0.1:8080/jobs/1").is_none());
    let off = Watcher::new(
        WatchConfig {
            api_origin: Some("https://other.example".into()),
            ..cfg()
        },
        T0,
        1,
    );
    assert_eq!(off.err(), Some(ConfigError::JobUrlOffOrigin));
    let none = Watcher::new(
        WatchConfig {
            has_token: false,
            can_refresh_token: false,
            ..cfg()
        },
        T0,
        1,
    );
    assert_eq!(none.err(), Some(ConfigError::NoToken));
}

#[test]
fn a_foreign_links_self_is_never_called() {
    let mut s = Sim::new(cfg());
    s.poll_job(
        200,
        &job_with(
            "j1",
            "https://evil.example/jobs/j1",
            &[("verify-credentials", "in-progress", "null")],
        ),
    );
    match s.done() {
        Outcome::Error { error, advice, .. } => {
            assert_eq!(error.kind, ErrorKind::UntrustedUrl);
            assert!(error.message.contains("evil.example"));
            assert_eq!(advice.action, Advice::ContactSupport);
            // The job id is the reference when no connection is known yet.
            assert_eq!(advice.support_reference.as_deref(), Some("j1"));
            assert!(advice.message.contains("quote reference j1"), "{advice:?}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_foreign_result_url_is_untrusted_too() {
    let mut s = Sim::new(cfg());
    let evil = r#"{"type":"link","url":"https://evil.example/users/u1"}"#;
    s.poll_job(200, &job(&[("verify-credentials", "success", evil)]));
    assert!(
        matches!(s.done(), Outcome::Error { error, .. } if error.kind == ErrorKind::UntrustedUrl)
    );
    let mut s = Sim::new(cfg());
    let sneaky = r#"{"type":"link","url":"//evil.example/x"}"#;
    s.poll_job(200, &job(&[("verify-credentials", "success", sneaky)]));
    assert!(
        matches!(s.done(), Outcome::Error { error, .. } if error.kind == ErrorKind::UntrustedUrl)
    );
}

#[test]
fn a_moved_links_self_on_the_api_origin_is_followed() {
    let mut s = Sim::new(cfg());
    s.poll_job(
        200,
        &job_with(
            "j1",
            "https://au-api.basiq.io/jobs/j1-moved",
            &[("verify-credentials", "in-progress", "null")],
        ),
    );
    let r = s.fetch();
    assert_eq!(r.url, "https://au-api.basiq.io/jobs/j1-moved");
    assert!(r.with_token);
}

// ----- Basiq's retry queue ------------------------------------------------------------------

#[test]
fn service_unavailable_on_update_waits_slowly_until_success() {
    let timing = Timing {
        timeout_ms: 60_000,
        ..Timing::default()
    };
    let mut s = Sim::new(WatchConfig {
        operation: Operation::Update,
        timing,
        ..cfg()
    });
    s.poll_job(200, &failed_on(1, "service-unavailable"));
    assert!(s.w.outcome().is_none());
    assert!(s.w.is_long_wait());
    let ev = s.events.iter().find_map(|e| match e {
        Event::Step(st) if st.status == StepStatus::Failed => st.advice.clone(),
        _ => None,
    });
    let advice = ev.unwrap();
    assert_eq!(advice.action, Advice::WaitForAutomaticRetry);
    assert!(advice.automatic_retry);
    // Two hours of slow polling: far past the 60 s overall timeout, which no longer applies.
    for _ in 0..12 {
        s.poll_job(200, &failed_on(1, "service-unavailable"));
    }
    assert!(s.waits.iter().all(|w| *w == 600_000), "{:?}", s.waits);
    // The queue retries: the step runs again, then succeeds.
    s.poll_job(200, &accounts_running());
    s.poll_job(200, &succeeded());
    assert!(matches!(s.done(), Outcome::Success { .. }));
    let back = s.step_events().into_iter().any(|(t, p, n)| {
        t == "retrieve-accounts" && p == StepStatus::Failed && n == StepStatus::InProgress
    });
    assert!(back, "{:?}", s.step_events());
}

#[test]
fn the_retry_queue_expires_after_seven_days() {
    let timing = Timing {
        long_interval_ms: 6 * 60 * 60 * 1000,
        ..Timing::default()
    };
    let mut s = Sim::new(WatchConfig {
        operation: Operation::Update,
        timing,
        ..cfg()
    });
    let outcome = loop {
        match s.next() {
            Action::Fetch(r) => s.answer(&r, 200, &failed_on(1, "service-unavailable")),
            Action::Done(o) => break *o,
            other => panic!("{other:?}"),
        }
    };
    match outcome {
        Outcome::Error { error, advice, .. } => {
            assert_eq!(error.kind, ErrorKind::Expired);
            assert_eq!(advice.action, Advice::StartAgain);
        }
        other => panic!("{other:?}"),
    }
    let age = s.now - T0;
    assert!(
        (7 * 86_400_000..7 * 86_400_000 + 6 * 3_600_000).contains(&age),
        "{age}"
    );
}

const NOT_FOUND: &str = r#"{"type":"list","data":[{"type":"error","code":"resource-not-found","title":"Resource not found","detail":"No job with id 'j1'."}]}"#;

/// Only jobs under 7 days old are returned by the API. When the page's clock runs behind the
/// API's, the job that waited in the retry queue is gone (404) before the page counts 7 days:
/// it has expired there, and the user is told so, not that the job was never found.
#[test]
fn a_queued_job_the_api_no_longer_returns_has_expired() {
    for status in [404, 410] {
        let mut s = Sim::new(WatchConfig {
            operation: Operation::Update,
            ..cfg()
        });
        s.poll_job(200, &failed_on(1, "service-unavailable"));
        assert!(s.w.is_long_wait());
        // Two days of slow polling on the page's clock; the API's says seven have passed.
        for _ in 0..(2 * 24 * 6) {
            s.poll_job(200, &failed_on(1, "service-unavailable"));
        }
        assert!(s.now - T0 < 3 * 86_400_000);
        s.poll_job(status, NOT_FOUND);
        match s.done() {
            Outcome::Error { error, advice, .. } => {
                assert_eq!(error.kind, ErrorKind::Expired, "{status}");
                assert_eq!(error.http_status, Some(status));
                assert!(error.message.contains("retry queue"), "{}", error.message);
                assert_eq!(advice.action, Advice::StartAgain);
            }
            other => panic!("{status}: {other:?}"),
        }
    }
    // A job that never reached the queue and is not found is still `not-found`.
    let mut s = Sim::new(WatchConfig {
        operation: Operation::Update,
        ..cfg()
    });
    s.poll_job(200, &running());
    s.poll_job(404, NOT_FOUND);
    match s.done() {
        Outcome::Error { error, .. } => assert_eq!(error.kind, ErrorKind::NotFound),
        other => panic!("{other:?}"),
    }
}

// ----- connectors: outages and estimates ----------------------------------------------------

fn connectors(status: &str) -> String {
    format!(
        r#"{{"type":"list","data":[{{"type":"connector","id":"AU00000","status":"{status}",
        "stats":{{"averageDurationMs":{{"verifyCredentials":2000,"retrieveAccounts":3000,"retrieveTransactions":5000,"total":10000}}}}}}]}}"#
    )
}

#[test]
fn with_an_institution_the_connector_is_read_once_for_estimates() {
    let mut s = Sim::new(WatchConfig {
        institution_id: Some("AU00000".into()),
        ..cfg()
    });
    s.poll_job(200, &running());
    let c = s.fetch();
    assert_eq!(c.purpose, Purpose::Connector);
    assert_eq!(
        c.url,
        "https://au-api.basiq.io/connectors?filter=connector.id.eq('AU00000')"
    );
    assert!(c.with_token);
    s.answer(&c, 200, &connectors("operational"));
    s.poll_job(200, &accounts_running());
    let eta = s.events.iter().rev().find_map(|e| match e {
        Event::Progress(p) => Some(p.eta_ms),
        _ => None,
    });
    assert_eq!(
        eta,
        Some(Some(1500 + 5000)),
        "half the running step plus the rest"
    );
    let r = s.fetch();
    assert_eq!(r.purpose, Purpose::Job, "the connector is not read again");
}

#[test]
fn service_unavailable_during_a_major_outage_waits_for_the_outage() {
    let mut s = Sim::new(WatchConfig {
        institution_id: Some("AU00000".into()),
        ..cfg()
    });
    s.poll_job(200, &failed_on(0, "service-unavailable"));
    let c = s.fetch();
    assert_eq!(c.purpose, Purpose::Connector);
    assert!(
        s.step_events().is_empty(),
        "the failure waits for the status"
    );
    s.answer(&c, 200, &connectors("major-outage"));
    match s.done() {
        Outcome::Failed { advice, .. } => assert_eq!(advice.action, Advice::WaitForOutage),
        other => panic!("{other:?}"),
    }
    assert_eq!(s.step_events().len(), 2);
}

#[test]
fn service_unavailable_without_an_outage_or_connector_answer_tries_later() {
    for (status, body) in [
        (200, connectors("degraded-performance")),
        (500, String::new()),
        (200, "<html>".into()),
    ] {
        let mut s = Sim::new(WatchConfig {
            institution_id: Some("AU00000".into()),
            ..cfg()
        });
        s.poll_job(200, &failed_on(1, "service-unavailable"));
        let c = s.fetch();
        s.answer(&c, status, &body);
        match s.done() {
            Outcome::Failed { advice, .. } => assert_eq!(advice.action, Advice::TryLater, "{body}"),
            other => panic!("{other:?}"),
        }
    }
    let mut s = Sim::new(WatchConfig {
        institution_id: Some("AU00000".into()),
        ..cfg()
    });
    s.poll_job(200, &failed_on(1, "service-unavailable"));
    let c = s.fetch();
    s.w.handle_error(s.now, c.id, TransportError::Timeout);
    assert!(
        matches!(s.done(), Outcome::Failed { advice, .. } if advice.action == Advice::TryLater)
    );
}

// ----- MFA -------------------------------------------------------------------------------

fn mfa_waiting(expiry: u64) -> String {
    let mfa = format!(
        r#"{{"type":"mfa","method":"token","description":"Code","input":["Enter the code"],"expiryMs":{expiry},"links":{{"response":"https://au-api.basiq.io/jobs/j1/mfa"}}}}"#
    );
    job(&[
        ("verify-credentials", "success", LINK_C),
        ("mfa-challenge", "in-progress", &mfa),
        ("retrieve-accounts", "pending", "null"),
    ])
}

#[test]
fn mfa_challenge_is_reported_once_and_answered() {
    let mut s = Sim::new(cfg());
    s.poll_job(200, &mfa_waiting(120_000));
    s.poll_job(200, &mfa_waiting(120_000));
    let challenges: Vec<_> = s
        .events
        .iter()
        .filter_map(|e| match e {
            Event::Mfa(m) => Some(m.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(challenges.len(), 1);
    assert_eq!(challenges[0].prompts, vec!["Enter the code".to_string()]);
    assert_eq!(challenges[0].expires_at, Some(T0 + 120_000));
    assert_eq!(challenges[0].step, "mfa-challenge");

    assert_eq!(s.w.answer_mfa(&[]).unwrap_err().kind, "invalid-answers");
    assert_eq!(
        s.w.answer_mfa(&["1".into(), "2".into()]).unwrap_err().kind,
        "invalid-answers"
    );
    let post = s.w.answer_mfa(&["12\"34".into()]).unwrap();
    assert_eq!(post.purpose, Purpose::Mfa);
    assert_eq!(post.url, "https://au-api.basiq.io/jobs/j1/mfa");
    assert!(post.with_token);
    assert_eq!(
        post.body.as_ref().map(json::to_json).as_deref(),
        Some(r#"{"mfa-response":["12\"34"]}"#)
    );
    let before = s.now;
    s.w.handle_mfa_response(s.now, Ok(202)).unwrap();
    s.fetch();
    assert_eq!(s.now, before, "polls at once after an answer");
}

#[test]
fn mfa_errors_are_typed() {
    let mut s = Sim::new(cfg());
    assert_eq!(
        s.w.answer_mfa(&["1".into()]).unwrap_err().kind,
        "no-challenge"
    );
    s.poll_job(200, &mfa_waiting(120_000));
    let e = s.w.handle_mfa_response(s.now, Ok(400)).unwrap_err();
    assert_eq!((e.kind, e.http_status), ("http", Some(400)));
    let e =
        s.w.handle_mfa_response(s.now, Err(TransportError::Network("reset".into())))
            .unwrap_err();
    assert_eq!(e.kind, "network");
}

#[test]
fn wrong_mfa_answer_fails_with_mfa_advice_and_skipped_mfa_is_fine() {
    let mut s = Sim::new(cfg());
    s.poll_job(200, &mfa_waiting(120_000));
    let fail = r#"{"code":"invalid-credentials","title":"Multi-factor authentication failed."}"#;
    s.poll_job(
        200,
        &job(&[
            ("verify-credentials", "success", LINK_C),
            ("mfa-challenge", "failed", fail),
            ("retrieve-accounts", "pending", "null"),
        ]),
    );
    match s.done() {
        Outcome::Failed { step, advice, .. } => {
            assert_eq!(step, "mfa-challenge");
            assert_eq!(advice.action, Advice::ResubmitCredentials);
            assert!(advice.title.contains("code"), "{advice:?}");
        }
        other => panic!("{other:?}"),
    }
    let mut s = Sim::new(cfg());
    s.poll_job(
        200,
        &job(&[
            ("verify-credentials", "success", LINK_C),
            ("mfa-challenge", "skipped", "null"),
            ("retrieve-accounts", "success", LINK_A),
        ]),
    );
    assert!(matches!(s.done(), Outcome::Success { .. }));
}

// ----- save and restore -------------------------------------------------------------------

#[test]
fn save_and_restore_continue_without_repeating_events() {
    let mut s = Sim::new(WatchConfig {
        institution_id: Some("AU00000".into()),
        ..cfg()
    });
    s.poll_job(200, &accounts_running());
    let saved = s.save();
    assert!(!saved.contains("token"), "{saved}");
    let before = s.step_events().len();
    assert_eq!(before, 3);

    let later = T0 + 5_000;
    let mut r = restore(
        &saved,
        WatchConfig {
            has_token: true,
            can_refresh_token: true,
            urls: urls::whatwg(),
            ..Default::default()
        },
        later,
        3,
    )
    .unwrap();
    let Action::Fetch(req) = r.poll(later) else {
        panic!()
    };
    assert_eq!(req.url, JOB_URL);
    r.handle_response(later, req.id, json::response(200, &accounts_running()));
    let mut steps_after = 0;
    while let Some(e) = r.poll_event() {
        if matches!(e, Event::Step(_)) {
            steps_after += 1;
        }
    }
    assert_eq!(
        steps_after, 0,
        "nothing new happened, so nothing is repeated"
    );
    let Action::Fetch(req) = r.poll(later + 10_000) else {
        panic!()
    };
    r.handle_response(later, req.id, json::response(200, &succeeded()));
    let mut new_steps = Vec::new();
    while let Some(e) = r.poll_event() {
        if let Event::Step(st) = e {
            new_steps.push((st.step, st.status));
        }
    }
    assert_eq!(new_steps.len(), 3, "{new_steps:?}");
    assert_eq!(
        new_steps[0],
        ("retrieve-accounts".to_string(), StepStatus::Success)
    );
    // The original start time carries over: the overall timeout is not reset by a reload.
    assert!(save(&r).contains(&format!("\"started_ms\":{T0}")));
}

#[test]
fn restore_rejects_garbage_and_keeps_the_retry_queue_mode() {
    let base = WatchConfig {
        has_token: true,
        urls: urls::whatwg(),
        ..Default::default()
    };
    for bad in ["", "{}", "null", "{\"v\":99}", "<html>"] {
        assert!(
            matches!(
                restore(bad, base.clone(), T0, 1),
                Err(ConfigError::Saved(_))
            ),
            "{bad}"
        );
    }
    let mut s = Sim::new(WatchConfig {
        operation: Operation::Update,
        ..cfg()
    });
    s.poll_job(200, &failed_on(1, "service-unavailable"));
    let r = restore(&s.save(), base, T0 + 1000, 1).unwrap();
    assert!(r.is_long_wait());
}

// ----- starting a job ----------------------------------------------------------------------

fn starting(op: Operation) -> WatchConfig {
    use basiq_jobs::core::start::{create_connection, refresh_connection, Credentials};
    let start = match op {
        Operation::Refresh => refresh_connection("https://au-api.basiq.io", "u1", "c9").unwrap(),
        _ => create_connection(
            "https://au-api.basiq.io",
            "u1",
            &Credentials {
                login_id: Some("jared".into()),
                password: Some("django".into()),
                institution_id: Some("AU00000".into()),
                ..Default::default()
            },
        )
        .unwrap(),
    };
    WatchConfig {
        job_url: String::new(),
        start: Some(start),
        operation: op,
        ..cfg()
    }
}

#[test]
fn a_start_post_then_polls_the_job_it_names() {
    let mut s = Sim::new(starting(Operation::Create));
    assert_eq!(s.save(), "", "nothing to save before the job is known");
    assert_eq!(s.w.job_url(), None);
    let post = s.fetch();
    assert_eq!(post.purpose, Purpose::Start);
    assert_eq!(post.url, "https://au-api.basiq.io/users/u1/connections");
    assert!(json::to_json(&post.body).contains(r#""loginId":"jared""#));
    assert!(post.with_token);
    s.answer(
        &post,
        202,
        r#"{"type":"job","id":"j1","links":{"self":"https://au-api.basiq.io/jobs/j1"}}"#,
    );
    let poll = s.fetch();
    assert_eq!(
        (poll.purpose, poll.url.as_str(), poll.body.as_ref()),
        (Purpose::Job, JOB_URL, None)
    );
    assert_eq!(s.now, T0, "polled at once");
    assert_eq!(s.w.job_url(), Some(JOB_URL));
    s.answer(&poll, 200, &succeeded());
    assert!(matches!(s.done(), Outcome::Success { .. }));
}

#[test]
fn a_duplicate_refresh_answers_200_with_the_running_job() {
    let mut s = Sim::new(starting(Operation::Refresh));
    let post = s.fetch();
    assert_eq!(
        post.url,
        "https://au-api.basiq.io/users/u1/connections/c9/refresh"
    );
    assert_eq!(post.body, None);
    s.answer(&post, 200, &accounts_running());
    assert_eq!(
        s.step_events().len(),
        3,
        "the job in the answer is reported at once"
    );
    assert_eq!(s.w.job_url(), Some(JOB_URL));
    assert_eq!(s.w.connection_id(), Some("c9"), "the refreshed connection");
    let poll = s.fetch();
    assert_eq!(poll.url, JOB_URL);
}

#[test]
fn a_start_post_follows_the_same_http_rules() {
    let mut s = Sim::new(starting(Operation::Create));
    let post = s.fetch();
    s.answer(&post, 401, "");
    assert_eq!(s.next(), Action::RefreshToken);
    s.w.handle_token(s.now, Ok(()));
    let again = s.fetch();
    assert_eq!(
        again.purpose,
        Purpose::Start,
        "the POST is retried with the fresh token"
    );
    s.answer_with(&again, 429, Some("2"), "");
    let third = s.fetch();
    assert_eq!((third.purpose, s.now - T0), (Purpose::Start, 2_000));
    s.answer(&third, 202, r#"{"type":"job","id":"j1"}"#);
    assert_eq!(s.fetch().url, JOB_URL, "an id alone is enough");
}

#[test]
fn a_refused_start_ends_with_the_code_s_advice() {
    let mut s = Sim::new(starting(Operation::Create));
    let post = s.fetch();
    let body = r#"{"type":"list","data":[{"type":"error","code":"institution-not-found","title":"Institution not found"}]}"#;
    s.answer(&post, 400, body);
    match s.done() {
        Outcome::Error { error, advice, job } => {
            assert_eq!(
                (error.kind, error.http_status),
                (ErrorKind::Http, Some(400))
            );
            assert!(error.message.contains("institution-not-found"));
            assert_eq!(advice.action, Advice::ChooseAnotherInstitution);
            assert!(job.is_none());
        }
        other => panic!("{other:?}"),
    }
    let mut s = Sim::new(starting(Operation::Create));
    let post = s.fetch();
    s.answer(
        &post,
        202,
        r#"{"type":"job","id":"j1","links":{"self":"https://evil.example/jobs/j1"}}"#,
    );
    assert!(
        matches!(s.done(), Outcome::Error { error, .. } if error.kind == ErrorKind::UntrustedUrl)
    );
    let mut s = Sim::new(starting(Operation::Create));
    for _ in 0..5 {
        let post = s.fetch();
        s.answer(&post, 202, "{}");
    }
    assert!(
        matches!(s.done(), Outcome::Error { error, .. } if error.kind == ErrorKind::InvalidResponse)
    );
}

// ----- polling by the expected end of each step ---------------------------------------------

/// A connection job that is queued for 500 ms, then runs its three steps for these durations.
fn scripted(elapsed: u64, durations: [u64; 3]) -> String {
    let titles = [
        "verify-credentials",
        "retrieve-accounts",
        "retrieve-transactions",
    ];
    let links = [LINK_C, LINK_A, LINK_T];
    let mut start = 500;
    let mut steps = Vec::new();
    for ((title, link), ms) in titles.iter().zip(links).zip(durations) {
        let step = if elapsed >= start + ms {
            (*title, "success", link)
        } else if elapsed >= start {
            (*title, "in-progress", "null")
        } else {
            (*title, "pending", "null")
        };
        steps.push(step);
        start += ms;
    }
    job(&steps)
}

/// Follows a scripted job to its end; returns the job requests made and how late the end
/// was noticed, in ms.
fn follow(s: &mut Sim, durations: [u64; 3]) -> (u64, u64) {
    let end = T0 + 500 + durations.iter().sum::<u64>();
    let mut polls = 0;
    loop {
        match s.next() {
            Action::Fetch(r) if r.purpose == Purpose::Job => {
                polls += 1;
                let body = scripted(s.now - T0, durations);
                s.answer(&r, 200, &body);
            }
            Action::Fetch(r) => {
                assert_eq!(r.purpose, Purpose::Connector);
                s.answer(&r, 200, &connectors("operational"));
            }
            Action::Done(o) => {
                assert!(matches!(*o, Outcome::Success { .. }), "{o:?}");
                return (polls, s.now - end);
            }
            other => panic!("unexpected {other:?}"),
        }
    }
}

/// How many requests a poller that asks every second makes to see the end at `end_ms`.
fn one_second_poller(end_ms: u64) -> u64 {
    end_ms.div_ceil(1000) + 1
}

#[test]
fn with_connector_averages_the_end_is_noticed_within_a_second_with_fewer_requests() {
    // The connector's averages: verify 2 s, accounts 3 s, transactions 5 s.
    for durations in [[2000, 3000, 5000], [1500, 3800, 6400], [2600, 2200, 3600]] {
        let mut s = Sim::new(WatchConfig {
            institution_id: Some("AU00000".into()),
            ..cfg()
        });
        let (polls, late) = follow(&mut s, durations);
        let fixed = one_second_poller(500 + durations.iter().sum::<u64>());
        assert!(late <= 1000, "{durations:?}: noticed {late} ms late");
        assert!(
            polls + 2 <= fixed,
            "{durations:?}: {polls} requests against {fixed}"
        );
        assert!(s.waits.iter().all(|w| *w <= 5000), "{:?}", s.waits);
    }
}

#[test]
fn from_its_own_pace_a_job_is_polled_sparsely_early_in_each_step() {
    // No institution: the first step sets the pace for the others (about 3 : 2 : 5).
    for durations in [[6000, 4000, 10000], [5000, 4500, 11000], [7000, 3500, 9000]] {
        let mut s = Sim::new(cfg());
        let (polls, late) = follow(&mut s, durations);
        let fixed = one_second_poller(500 + durations.iter().sum::<u64>());
        assert!(late <= 1000, "{durations:?}: noticed {late} ms late");
        assert!(
            polls < fixed,
            "{durations:?}: {polls} requests against {fixed}"
        );
        assert!(
            s.waits.iter().any(|w| *w > 1000),
            "some waits are sparse: {:?}",
            s.waits
        );
        assert!(s.waits.iter().all(|w| *w <= 5000), "{:?}", s.waits);
    }
}

#[test]
fn an_overdue_step_is_polled_densely_and_no_wait_exceeds_the_ceiling() {
    // The averages say 2 s + 3 s + 5 s; this job's transactions take 30 s.
    let durations = [2000, 3000, 30_000];
    let mut s = Sim::new(WatchConfig {
        institution_id: Some("AU00000".into()),
        ..cfg()
    });
    let (_, late) = follow(&mut s, durations);
    assert!(late <= 1000, "noticed {late} ms late");
    assert!(s.waits.iter().all(|w| *w <= 5000), "{:?}", s.waits);
    // From the transactions' 70% mark on (9 s in, as they began at 5.5 s): fast polls only.
    let mut t = T0;
    let late_waits: Vec<u64> = s
        .waits
        .iter()
        .filter(|w| {
            t += **w;
            t - T0 > 5500 + 3500 + 1000
        })
        .copied()
        .collect();
    assert!(late_waits.len() > 15, "{late_waits:?}");
    assert!(late_waits.iter().all(|w| *w <= 1000), "{late_waits:?}");
}

#[test]
fn a_custom_ceiling_and_fast_interval_bound_every_wait() {
    let timing = Timing {
        interval_ms: 300,
        max_interval_ms: 2000,
        ..Timing::default()
    };
    let durations = [6000, 4000, 10000];
    let mut s = Sim::new(WatchConfig { timing, ..cfg() });
    let (_, late) = follow(&mut s, durations);
    assert!(late <= 300, "noticed {late} ms late");
    assert!(s.waits.iter().all(|w| *w <= 2000), "{:?}", s.waits);
    assert!(s.waits.iter().any(|w| *w > 300), "{:?}", s.waits);
}

// ----- answers identical to the last one ------------------------------------------------------

/// Runs `bodies` through a watcher; with `vary`, each body gets its own trailing whitespace, so
/// no two answers are the same bytes and every one is parsed.
fn run_bodies(
    config: WatchConfig,
    bodies: &[String],
    vary: bool,
) -> (Vec<u64>, Vec<Event>, Outcome) {
    let mut s = Sim::new(config);
    for (i, body) in bodies.iter().enumerate() {
        let text = if vary {
            format!("{body}{}", " ".repeat(i + 1))
        } else {
            body.clone()
        };
        s.poll_job(200, &text);
    }
    let outcome = s.done();
    (s.waits, s.events, outcome)
}

#[test]
fn an_answer_identical_to_the_last_acts_exactly_as_a_parsed_one() {
    // The watcher reuses the job it holds when an answer repeats the last one byte for byte;
    // the waits, events and outcome must be the ones a fresh parse of every answer gives.
    let mut bodies = vec![running(); 4];
    bodies.extend(vec![accounts_running(); 3]);
    bodies.push(succeeded());
    let same = run_bodies(cfg(), &bodies, false);
    let parsed = run_bodies(cfg(), &bodies, true);
    assert_eq!(same, parsed);
    assert_eq!(
        same.0.len(),
        7,
        "one wait between each of the 8 answers: {:?}",
        same.0
    );

    // The retry queue's slow mode, where the same failed job comes back poll after poll.
    let update = || WatchConfig {
        operation: Operation::Update,
        ..cfg()
    };
    let mut bodies = vec![failed_on(1, "service-unavailable"); 5];
    bodies.push(accounts_running());
    bodies.push(succeeded());
    let same = run_bodies(update(), &bodies, false);
    assert_eq!(same, run_bodies(update(), &bodies, true));
    assert!(
        same.0.iter().filter(|w| **w == 600_000).count() >= 4,
        "{:?}",
        same.0
    );
}
