//! Polling that follows the page: offline spells do not burn the error budget, and a page that
//! is looked at again (or comes back online) polls at once.
#![cfg(not(target_arch = "wasm32"))]

use basiq_jobs::core::events::{ErrorKind, Outcome};
use basiq_jobs::core::policy::Timing;
use basiq_jobs::core::watcher::{Action, Purpose, TransportError, WatchConfig};

#[path = "support/sim.rs"]
mod sim;
#[path = "support/urls.rs"]
mod urls;
use sim::{Sim, T0};

const JOB_URL: &str = "https://au-api.basiq.io/jobs/j1";

fn cfg() -> WatchConfig {
    WatchConfig {
        job_url: JOB_URL.into(),
        has_token: true,
        ..Default::default()
    }
}

fn running() -> String {
    format!(
        r#"{{"id":"j1","steps":[{{"title":"verify-credentials","status":"in-progress"}},{{"title":"retrieve-accounts","status":"pending"}}],"links":{{"self":"{JOB_URL}"}}}}"#
    )
}

fn succeeded() -> String {
    format!(
        r#"{{"id":"j1","steps":[{{"title":"verify-credentials","status":"success"}},{{"title":"retrieve-accounts","status":"success"}}],"links":{{"self":"{JOB_URL}"}}}}"#
    )
}

fn network_error(s: &mut Sim) {
    let r = s.fetch_for(Purpose::Job);
    s.w.handle_error(
        s.now,
        r.id,
        TransportError::Network("Failed to fetch".into()),
    );
}

#[test]
fn failures_while_offline_do_not_count_and_going_online_polls_at_once() {
    let mut s = Sim::new(cfg());
    let r = s.fetch_for(Purpose::Job);
    s.answer(&r, 200, &running());
    s.w.handle_online(s.now, false);
    // Far more failures in a row than maxConsecutiveErrors (5) allows.
    for _ in 0..20 {
        network_error(&mut s);
    }
    assert!(s.w.outcome().is_none(), "still watching");
    // Online again: the next request goes out at once.
    s.w.handle_online(s.now, true);
    let at = s.now;
    assert!(
        matches!(s.w.poll(s.now), Action::Fetch(_)),
        "polled at once"
    );
    assert_eq!(s.now, at);
    let r = s.fetch_for(Purpose::Job);
    s.answer(&r, 200, &succeeded());
    assert!(matches!(s.done(), Outcome::Success { .. }));
}

#[test]
fn online_failures_still_count() {
    let mut s = Sim::new(cfg());
    s.w.handle_online(s.now, false);
    s.w.handle_online(s.now, true);
    for _ in 0..5 {
        network_error(&mut s);
    }
    match s.done() {
        Outcome::Error { error, .. } => assert_eq!(error.kind, ErrorKind::Network),
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_overall_timeout_still_bounds_an_offline_watch() {
    let mut s = Sim::new(WatchConfig {
        timing: Timing {
            timeout_ms: 60_000,
            ..Timing::default()
        },
        ..cfg()
    });
    s.w.handle_online(s.now, false);
    loop {
        match s.next() {
            Action::Fetch(r) => {
                s.w.handle_error(s.now, r.id, TransportError::Network("offline".into()))
            }
            Action::Done(o) => {
                assert!(matches!(*o, Outcome::TimedOut { .. }), "{o:?}");
                break;
            }
            other => panic!("{other:?}"),
        }
    }
    assert!(s.now - T0 >= 60_000);
}

#[test]
fn a_page_looked_at_again_polls_at_once_from_the_fast_interval() {
    let mut s = Sim::new(cfg());
    let r = s.fetch_for(Purpose::Job);
    s.answer(&r, 200, &running());
    // The next poll is planned some way off; the page becomes visible before it.
    let Action::Wait(ms) = s.w.poll(s.now) else {
        panic!("a wait")
    };
    assert!(ms > 0);
    s.now += 10;
    s.w.poll_now(s.now);
    assert!(matches!(s.w.poll(s.now), Action::Fetch(_)), "at once");
}

#[test]
fn poll_now_after_the_end_changes_nothing() {
    let mut s = Sim::new(cfg());
    let r = s.fetch_for(Purpose::Job);
    s.answer(&r, 200, &succeeded());
    let first = s.done();
    s.w.poll_now(s.now);
    s.w.handle_online(s.now, true);
    assert!(matches!(s.w.poll(s.now), Action::Done(o) if *o == first));
}
