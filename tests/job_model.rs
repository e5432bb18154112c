//! The job model against every published shape, and bad input.
#![cfg(not(target_arch = "wasm32"))]

use basiq_jobs::core::job::{MfaMethod, ParseError, StepStatus};

#[path = "support/json.rs"]
mod json;
use json::parse_job;

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

#[test]
fn failed_step_without_type_is_a_failure_and_later_steps_stay_pending() {
    let job = parse_job(&fixture("failed_invalid_credentials")).unwrap();
    assert_eq!(job.id, "5c50a2d1-aaaa-4b7c-9c55-1f2e3d4c5b6a");
    assert_eq!(job.job_type.as_deref(), Some("connection"));
    assert_eq!(job.created.as_deref(), Some("2024-09-25T04:22:25Z"));
    let (i, step) = job.failed_step().unwrap();
    assert_eq!(i, 0);
    let f = step.failure.as_ref().unwrap();
    assert_eq!(f.code, "invalid-credentials");
    assert_eq!(
        f.title.as_deref(),
        Some("Cannot login to target institution, check credentials.")
    );
    assert!(f.detail.as_deref().unwrap().starts_with("Cannot login"));
    assert_eq!(job.steps[1].status, StepStatus::Pending);
    assert_eq!(job.steps[2].status, StepStatus::Pending);
    assert!(job.steps[1].failure.is_none() && job.steps[1].result_url.is_none());
    assert!(!job.is_success());
    assert_eq!(
        job.links.source.as_deref(),
        Some("https://au-api.basiq.io/users/u1/connections/c1")
    );
}

#[test]
fn typed_error_with_details_spelling_is_a_failure() {
    let job = parse_job(&fixture("failed_typed_details")).unwrap();
    let (i, step) = job.failed_step().unwrap();
    assert_eq!(i, 1);
    let f = step.failure.as_ref().unwrap();
    assert_eq!(f.code, "service-unavailable");
    assert_eq!(
        f.detail.as_deref(),
        Some("Service is currently unavailable, try again later.")
    );
    assert_eq!(job.links.source, None);
}

#[test]
fn success_links_are_relative_paths() {
    let job = parse_job(&fixture("success")).unwrap();
    assert!(job.is_success());
    assert_eq!(job.completed(), 3);
    assert_eq!(
        job.result_url("verify-credentials"),
        Some("/users/u1/connections/c1")
    );
    assert_eq!(
        job.result_url("retrieve-transactions"),
        Some("/users/u1/transactions?filter=connection.id.eq('c1')")
    );
}

#[test]
fn in_progress_job_without_source() {
    let job = parse_job(&fixture("in_progress_no_source")).unwrap();
    assert_eq!(job.steps[0].status, StepStatus::InProgress);
    assert_eq!(job.links.source, None);
    assert_eq!(
        job.links.self_url.as_deref(),
        Some("https://au-api.basiq.io/jobs/j-run")
    );
    assert_eq!(job.completed(), 0);
}

#[test]
fn mfa_challenge_is_read() {
    let job = parse_job(&fixture("mfa_waiting")).unwrap();
    let mfa = job.steps[1].mfa.as_ref().unwrap();
    assert_eq!(mfa.method, MfaMethod::SecurityQuestions);
    assert_eq!(mfa.prompts.len(), 2);
    assert_eq!(mfa.expiry_ms, Some(120_000));
    assert_eq!(
        mfa.response_url.as_deref(),
        Some("https://au-api.basiq.io/jobs/j-mfa/mfa")
    );
    assert!(job.steps[1].failure.is_none());
}

#[test]
fn report_job_with_null_links() {
    let job = parse_job(&fixture("report_job")).unwrap();
    assert_eq!(job.job_type.as_deref(), Some("report"));
    assert_eq!(job.steps.len(), 1);
    assert_eq!(job.links.self_url, None);
}

#[test]
fn skipped_unknown_titles_statuses_and_extra_fields() {
    let job = parse_job(&fixture("skipped_unknown")).unwrap();
    assert_eq!(job.steps[1].status, StepStatus::Skipped);
    assert_eq!(job.steps[2].title, "retrieve-widgets");
    assert_eq!(job.steps[2].status, StepStatus::Unknown);
    assert_eq!(job.steps[3].status, StepStatus::Pending);
    assert_eq!(StepStatus::Skipped.as_str(), "skipped");
    assert_eq!(StepStatus::Unknown.as_str(), "unknown");
}

#[test]
fn bad_input_is_a_typed_error() {
    let cases: &[(&str, ParseError)] = &[
        ("", ParseError::Empty),
        ("   \n", ParseError::Empty),
        ("<html><body>502 Bad Gateway</body></html>", ParseError::Html),
        ("{\"id\": \"x\", \"steps\": [", ParseError::NotJson),
        ("not json", ParseError::NotJson),
        ("[1,2]", ParseError::NotAJob),
        ("\"job\"", ParseError::NotAJob),
        ("{\"id\":\"x\"}", ParseError::Missing("steps".into())),
        ("{\"steps\":[]}", ParseError::Missing("id".into())),
        ("{\"id\":\"x\",\"steps\":{}}", ParseError::WrongType { field: "steps".into(), expected: "an array" }),
        ("{\"id\":true,\"steps\":[]}", ParseError::WrongType { field: "id".into(), expected: "a string" }),
        ("{\"id\":\"x\",\"steps\":[3]}", ParseError::WrongType { field: "steps[0]".into(), expected: "an object" }),
        ("{\"id\":\"x\",\"steps\":[{\"status\":\"pending\"}]}", ParseError::Missing("steps[0].title".into())),
        ("{\"id\":\"x\",\"steps\":[{\"title\":\"a\",\"status\":5}]}", ParseError::WrongType { field: "steps[0].status".into(), expected: "a string" }),
        ("{\"id\":\"x\",\"steps\":[{\"title\":\"a\",\"status\":\"failed\",\"result\":\"boom\"}]}", ParseError::WrongType { field: "steps[0].result".into(), expected: "an object or null" }),
        ("{\"id\":\"x\",\"steps\":[{\"title\":\"a\",\"status\":\"failed\",\"result\":{\"code\":7}}]}", ParseError::WrongType { field: "steps[0].result.code".into(), expected: "a string" }),
        ("{\"id\":\"x\",\"steps\":[],\"links\":\"x\"}", ParseError::WrongType { field: "links".into(), expected: "an object" }),
    ];
    for (body, want) in cases {
        assert_eq!(parse_job(body).as_ref().err(), Some(want), "{body}");
        assert!(!want.reason().is_empty());
    }
    match parse_job(&fixture("api_error")) {
        Err(ParseError::ApiError { code }) => assert_eq!(code, "unauthorized-access"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn deeply_nested_or_huge_input_does_not_crash() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(parse_job(&deep).is_err());
    let many = format!(
        "{{\"id\":\"x\",\"steps\":[{}]}}",
        vec!["{\"title\":\"t\",\"status\":\"pending\"}"; 5000].join(",")
    );
    assert_eq!(parse_job(&many).unwrap().steps.len(), 5000);
}

/// A one-step job body around this step.
fn one_step(step: &str) -> String {
    format!(r#"{{"id":"j","steps":[{step}]}}"#)
}

#[test]
fn null_is_absent_and_ids_may_be_whole_numbers() {
    let job = parse_job(
        r#"{"id":42,"jobType":null,"created":null,"links":null,"steps":[{"title":"a","status":null,"result":null}]}"#,
    )
    .unwrap();
    assert_eq!(job.id, "42");
    assert_eq!(
        (job.job_type, job.created, job.links.self_url),
        (None, None, None)
    );
    assert_eq!(job.steps[0].status, StepStatus::Unknown);
    assert_eq!(parse_job(r#"{"id":-7.0,"steps":[]}"#).unwrap().id, "-7");
    for bad_id in [r#""""#, "1.5", "[]"] {
        assert_eq!(
            parse_job(&format!(r#"{{"id":{bad_id},"steps":[]}}"#)).err(),
            Some(ParseError::WrongType {
                field: "id".into(),
                expected: "a string"
            }),
            "{bad_id}"
        );
    }
    assert_eq!(
        parse_job(r#"{"id":null,"steps":[]}"#).err(),
        Some(ParseError::Missing("id".into()))
    );
}

#[test]
fn results_of_every_shape_and_of_none() {
    let step = |result: &str| {
        let body = one_step(&format!(
            r#"{{"title":"a","status":"failed","result":{result}}}"#
        ));
        parse_job(&body).unwrap().steps.remove(0)
    };
    // One-element list, as Basiq also publishes it.
    let listed = step(r#"[{"code":"maintenance","title":"Down"}]"#);
    assert_eq!(listed.failure.unwrap().code, "maintenance");
    assert!(step("[]").failure.is_none());
    // `type: error` is a failure too; `detail` wins over `details`.
    let typed = step(r#"{"type":"error","code":"x","detail":"d1","details":"d2"}"#);
    assert_eq!(typed.failure.unwrap().detail.as_deref(), Some("d1"));
    // A result without a code is a link, typed or not.
    assert_eq!(step(r#"{"url":"/u"}"#).result_url.as_deref(), Some("/u"));
    // Unknown result types are ignored, whatever they hold.
    let odd = step(r#"{"type":"survey","code":"x","url":"/u"}"#);
    assert!(odd.failure.is_none() && odd.result_url.is_none() && odd.mfa.is_none());
    // A `type` that is not a string is no type: the result is read as a failure.
    assert_eq!(step(r#"{"type":3,"code":"x"}"#).failure.unwrap().code, "x");
    assert_eq!(
        parse_job(&one_step(r#"{"title":"a","result":[7]}"#)).err(),
        Some(ParseError::WrongType {
            field: "steps[0].result[0]".into(),
            expected: "an object"
        })
    );
}

#[test]
fn mfa_challenges_are_read_leniently() {
    let mfa = |result: &str| {
        let body = one_step(&format!(
            r#"{{"title":"mfa-challenge","status":"in-progress","result":{result}}}"#
        ));
        parse_job(&body).unwrap().steps.remove(0).mfa.unwrap()
    };
    let one = mfa(r#"{"type":"mfa","method":"sms","input":"Enter the code","expiryMs":1500.9}"#);
    assert_eq!(one.method, MfaMethod::Token, "unknown methods are token");
    assert_eq!(one.prompts, vec!["Enter the code".to_string()]);
    assert_eq!(one.expiry_ms, Some(1500), "fractions truncate");
    let odd = mfa(r#"{"type":"mfa","input":["a",5,null,"b"],"expiryMs":-1,"links":"x"}"#);
    assert_eq!(odd.prompts, vec!["a".to_string(), "b".to_string()]);
    assert_eq!((odd.expiry_ms, odd.response_url), (None, None));
    let none = mfa(r#"{"type":"mfa","input":{"a":1},"expiryMs":"120000"}"#);
    assert!(none.prompts.is_empty() && none.expiry_ms.is_none());
}

#[test]
fn error_documents_are_told_apart_from_jobs() {
    let listed =
        r#"{"type":"list","data":[{"type":"job"},{"type":"error","code":"resource-not-found"}]}"#;
    assert_eq!(
        parse_job(listed).err(),
        Some(ParseError::ApiError {
            code: "resource-not-found".into()
        })
    );
    assert_eq!(
        parse_job(r#"{"type":"error"}"#).err(),
        Some(ParseError::ApiError {
            code: "error".into()
        })
    );
    // A job whose `data` is something else is still a job.
    assert!(parse_job(r#"{"id":"j","steps":[],"data":[1,{"type":"x"}]}"#).is_ok());
}

#[test]
fn the_snapshot_has_the_contract_field_names() {
    let job = parse_job(&fixture("mfa_waiting")).unwrap();
    let v = json::to_value(&job);
    let step = &v["steps"][1];
    assert_eq!(step["status"], "in-progress");
    assert_eq!(step["mfa"]["method"], "security-questions");
    assert_eq!(step["mfa"]["expiryMs"], 120_000);
    assert!(step.get("resultUrl").is_none() && step.get("failure").is_none());
    let report = json::to_value(&parse_job(&fixture("report_job")).unwrap());
    assert!(report["links"]["self"].is_null());
    assert!(report["links"].get("source").is_none() && report.get("created").is_none());
}
