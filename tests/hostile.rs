//! Hostile answers, saved state and options: what fuzzing found, each kept from coming back.
#![cfg(not(target_arch = "wasm32"))]

use basiq_jobs::core::advice::{Action as Advice, Operation};
use basiq_jobs::core::events::{ErrorKind, Event, Outcome};
use basiq_jobs::core::policy::Timing;
use basiq_jobs::core::recovery::Recovery;
use basiq_jobs::core::watcher::{Action, ConfigError, Purpose, WatchConfig, Watcher};

#[path = "support/sim.rs"]
mod sim;
#[path = "support/urls.rs"]
mod urls;
use sim::{cfg, refreshing, restore, save, Sim, JOB_URL, T0};

/// A job whose connection step failed with `service-unavailable`.
fn unavailable() -> String {
    format!(
        r#"{{"id":"j1","steps":[{{"title":"verify-credentials","status":"failed","result":{{"code":"service-unavailable"}}}}],"links":{{"self":"{JOB_URL}"}}}}"#
    )
}

fn mfa_job(expiry: &str, id: &str, links: &str) -> String {
    format!(
        r#"{{"type":"job","id":"{id}","steps":[{{"title":"verify-credentials","status":"success","result":null}},{{"title":"mfa-challenge","status":"in-progress","result":{{"type":"mfa","method":"token","input":["OTP Password"],"expiryMs":{expiry}{links}}}}}],"links":{{"self":"{JOB_URL}"}}}}"#
    )
}

#[test]
fn a_huge_mfa_expiry_never_wraps_to_the_past() {
    for expiry in ["18446744073709551615", "1e300", "9007199254740993"] {
        let mut s = Sim::new(cfg());
        let r = s.fetch_for(Purpose::Job);
        s.answer(&r, 200, &mfa_job(expiry, "j1", ""));
        s.drain();
        let challenge = s.events.iter().find_map(|e| match e {
            Event::Mfa(c) => Some(c.clone()),
            _ => None,
        });
        let c = challenge.unwrap_or_else(|| panic!("{expiry}: no challenge reported"));
        // A number too big to be a time reads as no expiry; a big one is capped at a day.
        if let Some(at) = c.expires_at {
            assert!(at >= s.now, "{expiry}: expired before it was shown ({at})");
            assert!(at <= s.now + 24 * 60 * 60 * 1000, "{expiry}: {at}");
        }
    }
}

#[test]
fn a_previous_failure_count_at_the_limit_still_means_contact_support() {
    let mut s = Sim::new(WatchConfig {
        attempt: Some(u32::MAX),
        connection_id: Some("c1".into()),
        ..cfg()
    });
    let r = s.fetch_for(Purpose::Job);
    s.answer(&r, 200, &unavailable());
    match s.done() {
        Outcome::Failed { advice, .. } => assert_eq!(advice.action, Advice::ContactSupport),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_tampered_saved_watch_never_moves_the_token() {
    let mut s = Sim::new(cfg());
    let r = s.fetch_for(Purpose::Job);
    s.answer(
        &r,
        200,
        &format!(
            r#"{{"id":"j1","steps":[{{"title":"verify-credentials","status":"in-progress"}}],"links":{{"self":"{JOB_URL}"}}}}"#
        ),
    );
    let saved = save(&s.w);
    let tampered = saved
        .replace(
            "https://au-api.basiq.io/jobs/j1",
            "https://evil.example/jobs/j1",
        )
        .replace("\"https://au-api.basiq.io\"", "\"https://evil.example\"");
    assert_ne!(saved, tampered);
    assert!(tampered.contains("evil.example"));
    // The caller says nothing: Basiq's API is trusted, not the saved text's origin.
    let base = WatchConfig {
        job_url: String::new(),
        ..cfg()
    };
    let mut w = restore(&tampered, base.clone(), T0, 1).unwrap();
    match w.poll(T0) {
        Action::Done(o) => match *o {
            Outcome::Error { error, .. } => assert_eq!(error.kind, ErrorKind::UntrustedUrl),
            other => panic!("{other:?}"),
        },
        other => panic!("a request was made: {other:?}"),
    }
    // The caller's apiOrigin wins over the saved one.
    let mine = WatchConfig {
        api_origin: Some("https://au-api.basiq.io".into()),
        ..base.clone()
    };
    let mut w = restore(&tampered, mine, T0, 1).unwrap();
    assert!(matches!(w.poll(T0), Action::Done(_)));
    // Untampered, it resumes and polls the job with the token.
    let mut w = restore(&saved, base, T0, 1).unwrap();
    match w.poll(T0) {
        Action::Fetch(r) => {
            assert_eq!(r.url, JOB_URL);
            assert!(r.with_token);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn huge_timing_options_are_refused_not_scheduled_at_once() {
    let bad = |t: Timing| Watcher::new(WatchConfig { timing: t, ..cfg() }, T0, 1).err();
    assert!(matches!(
        bad(Timing {
            long_interval_ms: u64::MAX,
            ..Timing::default()
        }),
        Some(ConfigError::Timing(_))
    ));
    let outage = Watcher::new(
        WatchConfig {
            recovery: Recovery {
                outage_interval_ms: u64::MAX,
                ..Recovery::default()
            },
            ..cfg()
        },
        T0,
        1,
    );
    assert!(matches!(outage.err(), Some(ConfigError::Timing(_))));
}

#[test]
fn the_longest_retry_queue_interval_allowed_still_waits() {
    let mut s = Sim::new(WatchConfig {
        operation: Operation::Update,
        timing: Timing {
            long_interval_ms: basiq_jobs::core::policy::MAX_OPTION_MS,
            ..Timing::default()
        },
        ..cfg()
    });
    let r = s.fetch_for(Purpose::Job);
    s.answer(&r, 200, &unavailable());
    // The next poll is 30 days off: the job has expired by then, rather than being polled at
    // once over and over.
    let before = s.now;
    match s.done() {
        Outcome::Error { error, .. } => assert_eq!(error.kind, ErrorKind::Expired),
        other => panic!("{other:?}"),
    }
    assert!(s.now - before >= 7 * 24 * 60 * 60 * 1000, "it waited");
}

#[test]
fn job_ids_that_are_not_plain_ids_never_go_into_a_url() {
    for id in ["../users/u1/connections/c1", "j 1", "j/1", "j?x", ""] {
        // A start answer naming the job by id alone.
        let mut s = refreshing();
        let post = s.fetch_for(Purpose::Start);
        s.answer(&post, 202, &format!(r#"{{"type":"job","id":"{id}"}}"#));
        loop {
            match s.next() {
                Action::Fetch(r) => {
                    // Only the start request is sent again: the id never becomes a job URL.
                    assert_eq!(r.purpose, Purpose::Start, "{id}: {}", r.url);
                    s.answer(&r, 500, "");
                }
                Action::Done(_) => break,
                other => panic!("{other:?}"),
            }
        }
    }
    // A whole job in the start answer, with an id that is not a plain one and no links.self.
    let mut s = refreshing();
    let post = s.fetch_for(Purpose::Start);
    s.answer(
        &post,
        200,
        r#"{"type":"job","id":"../users/u1","steps":[{"title":"verify-credentials","status":"in-progress"}]}"#,
    );
    match s.done() {
        Outcome::Error { error, .. } => assert_eq!(error.kind, ErrorKind::InvalidResponse),
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_mfa_challenge_without_a_link_is_answered_at_the_jobs_own_mfa_url_only_for_plain_ids() {
    let mut s = Sim::new(cfg());
    let r = s.fetch_for(Purpose::Job);
    s.answer(&r, 200, &mfa_job("120000", "j1", ""));
    let req = s.w.answer_mfa(&["1234".to_owned()]).unwrap();
    assert_eq!(req.url, "https://au-api.basiq.io/jobs/j1/mfa");

    let mut s = Sim::new(cfg());
    let r = s.fetch_for(Purpose::Job);
    s.answer(&r, 200, &mfa_job("120000", "../users/u1", ""));
    assert!(
        s.w.answer_mfa(&["1234".to_owned()]).is_err(),
        "nowhere safe to send it"
    );
}

#[test]
fn a_restored_watch_trusts_the_pages_api_base_when_no_api_origin_is_given() {
    let local = "http://127.0.0.1:8080/jobs/j1";
    let mut s = Sim::new(WatchConfig {
        job_url: local.into(),
        ..cfg()
    });
    let r = s.fetch_for(Purpose::Job);
    s.answer(
        &r,
        200,
        r#"{"id":"j1","steps":[{"title":"verify-credentials","status":"in-progress"}],"links":{"self":"http://127.0.0.1:8080/jobs/j1"}}"#,
    );
    let saved = save(&s.w);
    let page = WatchConfig {
        job_url: String::new(),
        api_base: Some("http://127.0.0.1:8080".into()),
        ..cfg()
    };
    let mut w = restore(&saved, page, T0, 1).unwrap();
    assert!(matches!(w.poll(T0), Action::Fetch(r) if r.url == local && r.with_token));
    // Without it, Basiq's API is trusted, and the job on another origin is refused.
    let none = WatchConfig {
        job_url: String::new(),
        ..cfg()
    };
    let mut w = restore(&saved, none, T0, 1).unwrap();
    assert!(matches!(w.poll(T0), Action::Done(_)));
}
