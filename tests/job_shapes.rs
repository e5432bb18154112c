//! Every published job shape (Core 3.0, Data 3.0, the 2.1 swagger): report and statement jobs'
//! `createdDate`/`updatedDate` and report results, the job-level `status`, and what the watcher
//! does with a job whose steps say nothing but whose status does.
#![cfg(not(target_arch = "wasm32"))]

use basiq_jobs::core::events::Outcome;
use basiq_jobs::core::watcher::{Purpose, WatchConfig};

#[path = "support/sim.rs"]
mod sim;
#[path = "support/urls.rs"]
mod urls;
use sim::json::{parse_job, to_value};
use sim::Sim;

const JOB_URL: &str = "https://au-api.basiq.io/jobs/r1";

#[test]
fn report_jobs_name_their_times_created_date_and_keep_their_report_link() {
    let job = parse_job(
        r#"{"type":"job","id":"r1","jobType":"report","status":"success","createdDate":"2024-01-02T03:04:05Z","updatedDate":"2024-01-02T03:05:00Z",
            "steps":[{"title":"create-report","status":"success","result":{"type":"report","url":"/reports/rep1"}}],
            "links":{"self":"/jobs/r1","source":"/reports/rep1"}}"#,
    )
    .unwrap();
    assert_eq!(job.created.as_deref(), Some("2024-01-02T03:04:05Z"));
    assert_eq!(job.updated.as_deref(), Some("2024-01-02T03:05:00Z"));
    assert_eq!(job.status.as_deref(), Some("success"));
    assert_eq!(job.result_url("create-report"), Some("/reports/rep1"));
    let out = to_value(&job);
    assert_eq!(out["status"], "success");
    assert_eq!(out["created"], "2024-01-02T03:04:05Z");
    assert!(out.get("createdDate").is_none(), "one name for it: created");
}

#[test]
fn created_wins_over_created_date_when_both_are_sent() {
    let job = parse_job(
        r#"{"id":"j","created":"2024-01-01T00:00:00Z","createdDate":"1999-01-01T00:00:00Z","steps":[]}"#,
    )
    .unwrap();
    assert_eq!(job.created.as_deref(), Some("2024-01-01T00:00:00Z"));
}

#[test]
fn unknown_or_odd_job_statuses_never_break_parsing() {
    for status in [r#""failed,""#, r#""paused""#, "null", "5", "{}", "[]"] {
        let body = format!(r#"{{"id":"j","status":{status},"steps":[]}}"#);
        let job = parse_job(&body).unwrap_or_else(|e| panic!("{status}: {e}"));
        assert!(!job.is_success(), "{status}");
        assert!(job.failure().is_none(), "{status}");
    }
    let odd = parse_job(r#"{"id":"j","status":"failed,","steps":[]}"#).unwrap();
    assert_eq!(odd.status.as_deref(), Some("failed,"), "kept as given");
}

#[test]
fn a_job_level_status_decides_only_where_the_steps_do_not() {
    let job = |status: &str, step: &str| {
        parse_job(&format!(
            r#"{{"id":"j","status":"{status}","steps":[{{"title":"create-report","status":"{step}","result":null}}]}}"#
        ))
        .unwrap()
    };
    assert!(job("success", "pending").is_success());
    assert!(
        !job("success", "in-progress").is_success(),
        "a running step disagrees"
    );
    assert!(!job("success", "failed").is_success());
    let (step, failure) = job("failed", "pending").failure().unwrap();
    assert_eq!(
        (step.as_str(), failure.code.as_str()),
        ("create-report", "unknown-error")
    );
    assert!(job("failed", "in-progress").failure().is_none());
    assert!(job("in-progress", "pending").failure().is_none());
}

fn watch() -> Sim {
    Sim::new(WatchConfig {
        job_url: JOB_URL.into(),
        has_token: true,
        ..Default::default()
    })
}

#[test]
fn a_report_job_that_failed_with_no_code_ends_failed_with_unknown_error() {
    let mut s = watch();
    let r = s.fetch_for(Purpose::Job);
    s.answer(
        &r,
        200,
        r#"{"type":"job","id":"r1","jobType":"report","status":"failed","steps":[{"title":"create-report","status":"failed","result":null}],"links":{"self":"/jobs/r1"}}"#,
    );
    match s.done() {
        Outcome::Failed {
            step,
            failure,
            advice,
            ..
        } => {
            assert_eq!(step, "create-report");
            assert_eq!(failure.code, "unknown-error");
            assert!(!advice.message.is_empty());
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_job_whose_only_news_is_its_status_ends_by_it() {
    let mut s = watch();
    let r = s.fetch_for(Purpose::Job);
    s.answer(
        &r,
        200,
        r#"{"id":"r1","status":"success","steps":[],"links":{"self":"/jobs/r1"}}"#,
    );
    assert!(matches!(s.done(), Outcome::Success { .. }));

    let mut s = watch();
    let r = s.fetch_for(Purpose::Job);
    s.answer(&r, 200, r#"{"id":"r1","status":"failed","steps":[]}"#);
    match s.done() {
        Outcome::Failed { failure, .. } => assert_eq!(failure.code, "unknown-error"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn relative_links_are_resolved_against_the_api_origin() {
    let mut s = watch();
    let r = s.fetch_for(Purpose::Job);
    s.answer(
        &r,
        200,
        r#"{"id":"r1","jobType":"report","steps":[{"title":"create-report","status":"success","result":{"type":"report","url":"/reports/rep1"}}],"links":{"self":"/jobs/r1","source":"/reports/rep1"}}"#,
    );
    match s.done() {
        Outcome::Success { job, .. } => {
            assert_eq!(job.links.self_url.as_deref(), Some(JOB_URL));
            assert_eq!(
                job.links.source.as_deref(),
                Some("https://au-api.basiq.io/reports/rep1")
            );
            assert_eq!(
                job.steps[0].result_url.as_deref(),
                Some("https://au-api.basiq.io/reports/rep1")
            );
        }
        other => panic!("{other:?}"),
    }
}
