//! Recovery on a fake clock: automatic retries after `service-unavailable`, and outages watched
//! until they lift.
#![cfg(not(target_arch = "wasm32"))]

use basiq_jobs::core::advice::{Action as Advice, ConnectorStatus, Operation};
use basiq_jobs::core::events::{Event, Outcome, RetryEvent};
use basiq_jobs::core::policy::Timing;
use basiq_jobs::core::recovery::Recovery;
use basiq_jobs::core::watcher::{Action, Purpose, Request, WatchConfig, Watcher};

const API: &str = "https://au-api.basiq.io";
const MINUTE: u64 = 60_000;
const REFRESH: &str = "https://au-api.basiq.io/users/u1/connections/c1/refresh";

#[path = "support/sim.rs"]
mod sim;
#[path = "support/urls.rs"]
mod urls;
use sim::{Sim, T0};

impl Sim {
    fn retries(&self) -> Vec<RetryEvent> {
        self.events
            .iter()
            .filter_map(|e| match e {
                Event::Retry(r) => Some(r.clone()),
                _ => None,
            })
            .collect()
    }

    fn lifts(&self) -> usize {
        let lifted = |e: &&Event| matches!(e, Event::OutageLifted(_));
        self.events.iter().filter(lifted).count()
    }

    /// The POST a retry sends, answered with a reference to job `id`; then that job's first poll.
    fn refresh_to(&mut self, id: &str) -> Request {
        let post = self.fetch_for(Purpose::Start);
        assert_eq!((post.url.as_str(), post.body.as_ref()), (REFRESH, None));
        assert!(post.with_token);
        self.answer(&post, 202, &reference(id));
        let poll = self.fetch_for(Purpose::Job);
        assert_eq!(poll.url, job_url(id));
        poll
    }
}

fn job_url(id: &str) -> String {
    let mut u = String::from(API);
    u.push_str("/jobs/");
    u.push_str(id);
    u
}

fn reference(id: &str) -> String {
    format!(
        r#"{{"type":"job","id":"{id}","links":{{"self":"{}"}}}}"#,
        job_url(id)
    )
}

/// Job `id` of connection c1: verify-credentials done, then `accounts` and transactions.
fn job(id: &str, accounts: &str, result: &str) -> String {
    let transactions = if accounts == "success" {
        r#"{"title":"retrieve-transactions","status":"success","result":{"type":"link","url":"/users/u1/transactions"}}"#
    } else {
        r#"{"title":"retrieve-transactions","status":"pending","result":null}"#
    };
    format!(
        r#"{{"type":"job","id":"{id}","created":"2024-09-25T04:22:25Z","steps":[
        {{"title":"verify-credentials","status":"success","result":{{"type":"link","url":"/users/u1/connections/c1"}}}},
        {{"title":"retrieve-accounts","status":"{accounts}","result":{result}}},{transactions}],
        "links":{{"self":"{}","source":"/users/u1/connections/c1"}}}}"#,
        job_url(id)
    )
}

fn unavailable(id: &str) -> String {
    job(
        id,
        "failed",
        r#"{"code":"service-unavailable","title":"Service unavailable","detail":"D"}"#,
    )
}

fn succeeded(id: &str) -> String {
    job(
        id,
        "success",
        r#"{"type":"link","url":"/users/u1/accounts"}"#,
    )
}

fn connectors(status: &str) -> String {
    format!(
        r#"{{"type":"list","data":[{{"type":"connector","id":"AU00001","status":"{status}"}}]}}"#
    )
}

fn cfg(recovery: Recovery) -> WatchConfig {
    WatchConfig {
        job_url: job_url("j1"),
        has_token: true,
        can_refresh_token: true,
        recovery,
        ..Default::default()
    }
}

fn auto_retry() -> Recovery {
    Recovery {
        auto_retry: true,
        ..Recovery::default()
    }
}

fn watch_outage() -> Recovery {
    Recovery {
        watch_outage: true,
        ..Recovery::default()
    }
}

fn in_outage(recovery: Recovery) -> WatchConfig {
    WatchConfig {
        institution_id: Some("AU00001".into()),
        ..cfg(recovery)
    }
}

fn action_of(o: &Outcome) -> Advice {
    match o {
        Outcome::Failed { advice, .. } | Outcome::Error { advice, .. } => advice.action,
        other => panic!("not a failure: {other:?}"),
    }
}

// ----- autoRetry -----------------------------------------------------------------------------

#[test]
fn auto_retry_waits_ten_minutes_refreshes_and_stops_at_contact_support() {
    let mut s = Sim::new(WatchConfig {
        // Shorter than the wait: each new job gets its own timeout.
        timing: Timing {
            timeout_ms: MINUTE,
            ..Timing::default()
        },
        ..cfg(auto_retry())
    });
    let first = s.fetch_for(Purpose::Job);
    s.answer(&first, 200, &unavailable("j1"));
    assert_eq!(
        s.w.outcome(),
        None,
        "a failure to retry does not end the watch"
    );
    let retries = s.retries();
    assert_eq!(retries.len(), 1);
    assert_eq!(
        (retries[0].attempt, retries[0].retry_after_ms),
        (2, 10 * MINUTE)
    );
    assert_eq!(retries[0].advice.action, Advice::TryLater);
    assert_eq!(retries[0].job.id, "j1");
    assert_eq!(s.save(), "", "nothing to resume while the refresh waits");
    assert_eq!(s.w.snapshot().map(|j| j.id.as_str()), Some("j1"));

    let before = s.now;
    let poll = s.refresh_to("j2");
    assert_eq!(
        s.now - before,
        10 * MINUTE,
        "the refresh waits the advised 10 minutes"
    );
    s.answer(&poll, 200, &unavailable("j2"));
    let retries = s.retries();
    assert_eq!(retries.len(), 2);
    assert_eq!(retries[1].attempt, 3);
    assert_eq!(retries[1].job.id, "j2");

    let poll = s.refresh_to("j3");
    s.answer(&poll, 200, &unavailable("j3"));
    let outcome = s.done();
    assert_eq!(action_of(&outcome), Advice::ContactSupport);
    match &outcome {
        Outcome::Failed { advice, job, .. } => {
            assert_eq!(advice.support_reference.as_deref(), Some("c1"));
            assert_eq!(job.id, "j3");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(s.retries().len(), 2, "no retry past the threshold");
    assert_eq!(
        s.w.streak_record(),
        Some(("basiq-jobs:failures:c1".into(), Some("3".into())))
    );
}

#[test]
fn a_retry_that_succeeds_ends_the_run() {
    let mut s = Sim::new(cfg(auto_retry()));
    let first = s.fetch_for(Purpose::Job);
    s.answer(&first, 200, &unavailable("j1"));
    assert_eq!(
        s.w.streak_record(),
        Some(("basiq-jobs:failures:c1".into(), Some("1".into()))),
        "the failure is kept while the refresh waits"
    );
    let poll = s.refresh_to("j2");
    s.answer(&poll, 200, &succeeded("j2"));
    match s.done() {
        Outcome::Success {
            job, accounts_url, ..
        } => {
            assert_eq!(job.id, "j2");
            assert_eq!(
                accounts_url.as_deref(),
                Some("https://au-api.basiq.io/users/u1/accounts")
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        s.w.streak_record().map(|r| r.1),
        Some(None),
        "the run is forgotten"
    );
    // The new job's steps are reported from scratch.
    let accounts_successes = s
        .events
        .iter()
        .filter(|e| matches!(e, Event::Step(st) if st.step == "retrieve-accounts" && st.status.as_str() == "success"))
        .count();
    assert_eq!(accounts_successes, 1);
}

#[test]
fn the_retry_delay_option_and_a_stored_run_are_honoured() {
    let mut s = Sim::new(WatchConfig {
        attempt: Some(1),
        ..cfg(Recovery {
            retry_delay_ms: Some(50),
            ..auto_retry()
        })
    });
    let first = s.fetch_for(Purpose::Job);
    s.answer(&first, 200, &unavailable("j1"));
    let retries = s.retries();
    assert_eq!((retries[0].attempt, retries[0].retry_after_ms), (3, 50));
    let before = s.now;
    let poll = s.refresh_to("j2");
    assert_eq!(s.now - before, 50);
    s.answer(&poll, 200, &unavailable("j2"));
    assert_eq!(action_of(&s.done()), Advice::ContactSupport);

    let mut at_threshold = Sim::new(WatchConfig {
        attempt: Some(2),
        ..cfg(auto_retry())
    });
    let first = at_threshold.fetch_for(Purpose::Job);
    at_threshold.answer(&first, 200, &unavailable("j1"));
    assert_eq!(action_of(&at_threshold.done()), Advice::ContactSupport);
    assert!(at_threshold.retries().is_empty());
}

#[test]
fn cancelling_during_the_wait_settles_cancelled_without_refreshing() {
    let mut s = Sim::new(cfg(auto_retry()));
    let first = s.fetch_for(Purpose::Job);
    s.answer(&first, 200, &unavailable("j1"));
    assert!(matches!(s.w.poll(s.now), Action::Wait(ms) if ms == 10 * MINUTE));
    s.now += MINUTE;
    s.w.cancel();
    match s.next() {
        Action::Done(o) => match *o {
            Outcome::Cancelled { job } => assert_eq!(job.map(|j| j.id.clone()), Some("j1".into())),
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
}

#[test]
fn without_auto_retry_or_on_an_update_nothing_is_retried() {
    let mut off = Sim::new(cfg(Recovery::default()));
    let first = off.fetch_for(Purpose::Job);
    off.answer(&first, 200, &unavailable("j1"));
    assert_eq!(action_of(&off.done()), Advice::TryLater);
    assert!(off.retries().is_empty());

    let mut update = Sim::new(WatchConfig {
        operation: Operation::Update,
        ..cfg(auto_retry())
    });
    let first = update.fetch_for(Purpose::Job);
    update.answer(&first, 200, &unavailable("j1"));
    assert!(
        update.w.is_long_wait(),
        "Basiq's own queue retries an update"
    );
    let again = update.fetch_for(Purpose::Job);
    assert_eq!(again.url, job_url("j1"), "the same job, not a refresh");
    assert!(update.retries().is_empty());
}

// ----- outages -------------------------------------------------------------------------------

#[test]
fn a_major_outage_is_watched_until_it_lifts_and_the_lift_is_reported() {
    let mut s = Sim::new(WatchConfig {
        timing: Timing {
            timeout_ms: MINUTE,
            ..Timing::default()
        },
        ..in_outage(watch_outage())
    });
    let first = s.fetch_for(Purpose::Job);
    s.answer(&first, 200, &unavailable("j1"));
    let c = s.fetch_for(Purpose::Connector);
    s.answer(&c, 200, &connectors("major-outage"));
    let advised = s.events.iter().find_map(|e| match e {
        Event::Step(st) => st.advice.as_ref().map(|a| a.action),
        _ => None,
    });
    assert_eq!(
        advised,
        Some(Advice::WaitForOutage),
        "the user is told at once"
    );
    for _ in 0..3 {
        let check = s.fetch_for(Purpose::Connector);
        assert_eq!(
            check.url,
            "https://au-api.basiq.io/connectors?filter=connector.id.eq('AU00001')"
        );
        s.answer(&check, 200, &connectors("major-outage"));
    }
    let check = s.fetch_for(Purpose::Connector);
    s.answer(&check, 502, "<html>bad gateway</html>");
    assert_eq!(s.lifts(), 0, "an unreadable answer is not a lift");
    assert!(s.waits.iter().all(|w| *w == MINUTE), "{:?}", s.waits);
    assert_eq!(
        s.waits.len(),
        4,
        "one check a minute, past the watch's timeout"
    );
    let check = s.fetch_for(Purpose::Connector);
    s.answer(&check, 200, &connectors("degraded-performance"));
    let lifted = s.events.iter().find_map(|e| match e {
        Event::OutageLifted(l) => Some(l.clone()),
        _ => None,
    });
    let lifted = lifted.expect("the lift is reported");
    assert_eq!(
        (lifted.institution_id.as_str(), lifted.status),
        ("AU00001", ConnectorStatus::DegradedPerformance)
    );
    let outcome = s.done();
    assert_eq!(
        action_of(&outcome),
        Advice::WaitForOutage,
        "the failed job, as it was"
    );
    assert_eq!(s.lifts(), 1);
}

#[test]
fn with_auto_retry_a_lifted_outage_refreshes_at_once() {
    let mut s = Sim::new(in_outage(auto_retry()));
    let first = s.fetch_for(Purpose::Job);
    s.answer(&first, 200, &unavailable("j1"));
    let c = s.fetch_for(Purpose::Connector);
    s.answer(&c, 200, &connectors("major-outage"));
    let check = s.fetch_for(Purpose::Connector);
    s.answer(&check, 200, &connectors("operational"));
    assert_eq!(s.lifts(), 1);
    let retries = s.retries();
    assert_eq!(retries.len(), 1);
    assert_eq!(
        (
            retries[0].attempt,
            retries[0].retry_after_ms,
            retries[0].advice.action
        ),
        (2, 0, Advice::WaitForOutage)
    );
    let before = s.now;
    let poll = s.refresh_to("j2");
    assert_eq!(s.now, before, "no wait after the lift");
    s.answer(&poll, 200, &succeeded("j2"));
    assert!(matches!(s.done(), Outcome::Success { job, .. } if job.id == "j2"));
}

#[test]
fn an_outage_watch_can_be_cancelled_renews_its_token_and_ends_after_the_job_lifetime() {
    let mut s = Sim::new(in_outage(watch_outage()));
    let first = s.fetch_for(Purpose::Job);
    s.answer(&first, 200, &unavailable("j1"));
    let c = s.fetch_for(Purpose::Connector);
    s.answer(&c, 200, &connectors("major-outage"));
    let check = s.fetch_for(Purpose::Connector);
    s.answer(&check, 401, "");
    assert_eq!(
        s.next(),
        Action::RefreshToken,
        "a long outage outlives the token"
    );
    s.w.handle_token(s.now, Ok(()));
    let check = s.fetch_for(Purpose::Connector);
    s.answer(&check, 200, &connectors("major-outage"));
    s.w.cancel();
    assert!(matches!(s.next(), Action::Done(o) if matches!(*o, Outcome::Cancelled { .. })));

    let mut s = Sim::new(WatchConfig {
        timing: Timing {
            job_lifetime_ms: 3 * MINUTE,
            ..Timing::default()
        },
        ..in_outage(watch_outage())
    });
    let first = s.fetch_for(Purpose::Job);
    s.answer(&first, 200, &unavailable("j1"));
    let c = s.fetch_for(Purpose::Connector);
    s.answer(&c, 200, &connectors("major-outage"));
    let outcome = loop {
        match s.next() {
            Action::Fetch(r) => s.answer(&r, 200, &connectors("major-outage")),
            Action::Done(o) => break *o,
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(action_of(&outcome), Advice::WaitForOutage);
    assert_eq!(
        s.now - T0,
        3 * MINUTE,
        "the watch ends with the job's lifetime"
    );
    assert_eq!(s.lifts(), 0);
}

#[test]
fn without_outage_watching_the_outage_advice_ends_the_watch() {
    let mut s = Sim::new(in_outage(Recovery::default()));
    let first = s.fetch_for(Purpose::Job);
    s.answer(&first, 200, &unavailable("j1"));
    let c = s.fetch_for(Purpose::Connector);
    s.answer(&c, 200, &connectors("major-outage"));
    assert_eq!(action_of(&s.done()), Advice::WaitForOutage);
}

#[test]
fn a_zero_outage_interval_is_refused() {
    let bad = cfg(Recovery {
        outage_interval_ms: 0,
        ..watch_outage()
    });
    assert!(Watcher::new(bad, T0, 1).is_err());
}
