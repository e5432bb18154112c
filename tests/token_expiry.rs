//! An expired token, as the real API answers it: 403 with Basiq's `access-denied` ("Token has
//! expired"). The watch asks `getToken` again and goes on, exactly as after a 401.
#![cfg(not(target_arch = "wasm32"))]

use basiq_jobs::core::advice::Operation;
use basiq_jobs::core::events::{ErrorKind, Outcome};
use basiq_jobs::core::watcher::{Action, Purpose, WatchConfig};

#[path = "support/sim.rs"]
mod sim;
#[path = "support/urls.rs"]
mod urls;
use sim::{cfg, refreshing, Sim, JOB_URL, T0};

const EXPIRED: &str = r#"{"type":"list","correlationId":"c","data":[{"type":"error","code":"access-denied","title":"Access denied","detail":"Token has expired","source":{"pointer":"/"}}]}"#;
const FORBIDDEN: &str = r#"{"type":"list","correlationId":"c","data":[{"type":"error","code":"forbidden-access","title":"Forbidden","detail":"Access to this resource is forbidden"}]}"#;

fn job(steps: &[(&str, &str)]) -> String {
    let steps: Vec<String> = steps
        .iter()
        .map(|(t, s)| format!(r#"{{"title":"{t}","status":"{s}","result":null}}"#))
        .collect();
    format!(
        r#"{{"type":"job","id":"j1","created":"2024-09-25T04:22:25Z","steps":[{}],"links":{{"self":"{JOB_URL}","source":"https://au-api.basiq.io/users/u1/connections/c1"}}}}"#,
        steps.join(",")
    )
}

fn running() -> String {
    job(&[
        ("verify-credentials", "in-progress"),
        ("retrieve-accounts", "pending"),
    ])
}

fn succeeded() -> String {
    job(&[
        ("verify-credentials", "success"),
        ("retrieve-accounts", "success"),
    ])
}

fn unavailable() -> String {
    format!(
        r#"{{"type":"job","id":"j1","created":"2024-09-25T04:22:25Z","steps":[{{"title":"verify-credentials","status":"failed","result":{{"code":"service-unavailable","title":"t","detail":"d"}}}}],"links":{{"self":"{JOB_URL}"}}}}"#
    )
}

impl Sim {
    fn poll_job(&mut self, status: u16, body: &str) {
        let r = self.fetch();
        assert_eq!(r.purpose, Purpose::Job, "{r:?}");
        self.answer(&r, status, body);
    }
}

#[test]
fn an_expired_token_is_renewed_and_the_watch_goes_on() {
    let mut s = Sim::new(cfg());
    s.poll_job(200, &running());
    s.poll_job(403, EXPIRED);
    assert_eq!(s.next(), Action::RefreshToken);
    s.w.handle_token(s.now, Ok(()));
    let at = s.now;
    s.poll_job(200, &succeeded());
    assert_eq!(s.now, at, "asked again at once with the fresh token");
    assert!(matches!(s.done(), Outcome::Success { .. }));
}

#[test]
fn a_second_refusal_in_a_row_ends_the_watch_as_unauthorized() {
    let mut s = Sim::new(cfg());
    s.poll_job(403, EXPIRED);
    assert_eq!(s.next(), Action::RefreshToken);
    s.w.handle_token(s.now, Ok(()));
    s.poll_job(403, EXPIRED);
    match s.done() {
        Outcome::Error { error, .. } => {
            assert_eq!(error.kind, ErrorKind::Unauthorized);
            assert_eq!(error.http_status, Some(403));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_static_token_that_expired_ends_the_watch() {
    let mut s = Sim::new(WatchConfig {
        can_refresh_token: false,
        ..cfg()
    });
    s.poll_job(403, EXPIRED);
    assert!(matches!(
        s.done(),
        Outcome::Error { error, .. } if error.kind == ErrorKind::Unauthorized
    ));
}

#[test]
fn other_403s_end_the_watch_without_asking_for_a_token() {
    for body in [FORBIDDEN, "", "<html>403</html>", "{\"type\":\"error\"}"] {
        let mut s = Sim::new(cfg());
        s.poll_job(403, body);
        match s.done() {
            Outcome::Error { error, .. } => {
                assert_eq!(error.kind, ErrorKind::Unauthorized, "{body}");
                assert_eq!(error.http_status, Some(403), "{body}");
            }
            other => panic!("{body}: {other:?}"),
        }
    }
}

#[test]
fn a_start_request_with_an_expired_token_is_sent_again_with_a_fresh_one() {
    let mut s = refreshing();
    let post = s.fetch_for(Purpose::Start);
    s.answer(&post, 403, EXPIRED);
    assert_eq!(s.next(), Action::RefreshToken);
    s.w.handle_token(s.now, Ok(()));
    let again = s.fetch_for(Purpose::Start);
    assert_eq!(again.url, post.url);
    s.answer(
        &again,
        202,
        &format!(r#"{{"type":"job","id":"j1","links":{{"self":"{JOB_URL}"}}}}"#),
    );
    s.poll_job(200, &succeeded());
    assert!(matches!(s.done(), Outcome::Success { .. }));
}

#[test]
fn a_retry_queue_wait_outlives_many_tokens_and_ends_in_success() {
    let mut s = Sim::new(WatchConfig {
        operation: Operation::Update,
        ..cfg()
    });
    s.poll_job(200, &unavailable());
    assert!(
        s.w.is_long_wait(),
        "an update's service-unavailable waits on the retry queue"
    );
    // Two days of slow polls; the token (60 minutes) expires every few of them.
    let mut renewals = 0;
    while s.now < T0 + 2 * 24 * 60 * 60 * 1000 {
        match s.next() {
            Action::RefreshToken => {
                renewals += 1;
                s.w.handle_token(s.now, Ok(()));
            }
            Action::Fetch(r) => {
                let expired = (s.now - T0) / 3_600_000 > renewals;
                if expired {
                    s.answer(&r, 403, EXPIRED);
                } else {
                    s.answer(&r, 200, &unavailable());
                }
            }
            other => panic!("{other:?}"),
        }
    }
    assert!(renewals >= 40, "renewed {renewals} times");
    let r = match s.next() {
        Action::RefreshToken => {
            s.w.handle_token(s.now, Ok(()));
            s.fetch()
        }
        Action::Fetch(r) => r,
        other => panic!("{other:?}"),
    };
    s.answer(&r, 200, &succeeded());
    assert!(matches!(s.done(), Outcome::Success { .. }));
}

#[test]
fn an_mfa_answer_refused_for_an_expired_token_is_sent_again_once_with_a_fresh_one() {
    use basiq_jobs::core::watcher::Response;
    use sim::json::Text;
    let response = |status, body| Response {
        status,
        retry_after: None,
        body: Text(body),
    };
    let mut s = Sim::new(cfg());
    assert!(s.w.renew_for_mfa(&response(403, EXPIRED)));
    assert!(
        !s.w.renew_for_mfa(&response(403, EXPIRED)),
        "a second refusal in a row is not renewed again"
    );
    assert!(
        s.w.renew_for_mfa(&response(401, "")),
        "a new answer may renew again"
    );
    assert!(!s.w.renew_for_mfa(&response(202, "")));
    assert!(!s.w.renew_for_mfa(&response(403, FORBIDDEN)));
    let mut fixed = Sim::new(WatchConfig {
        can_refresh_token: false,
        ..cfg()
    });
    assert!(
        !fixed.w.renew_for_mfa(&response(403, EXPIRED)),
        "a static token cannot be renewed"
    );
}
