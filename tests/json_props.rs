//! The job model against generated bodies: any job written as Basiq writes it reads back the
//! same, whatever its strings hold, and any body cut short is refused rather than misread.
#![cfg(not(target_arch = "wasm32"))]

use basiq_jobs::core::job::{ParseError, StepStatus};
use proptest::prelude::*;
use serde_json::{json, Value};

#[path = "support/json.rs"]
mod json;
use json::parse_job;

const STATUSES: [&str; 6] = [
    "pending",
    "in-progress",
    "success",
    "failed",
    "skipped",
    "queued",
];

/// A generated step: title, status index, and what its result holds.
#[derive(Clone, Debug)]
enum Result_ {
    Null,
    Link(String),
    Failure(String, Option<String>, Option<String>),
}

fn result() -> impl Strategy<Value = Result_> {
    prop_oneof![
        Just(Result_::Null),
        any::<String>().prop_map(Result_::Link),
        (
            any::<String>(),
            any::<Option<String>>(),
            any::<Option<String>>()
        )
            .prop_map(|(c, t, d)| Result_::Failure(c, t, d)),
    ]
}

fn wire_result(r: &Result_) -> Value {
    match r {
        Result_::Null => Value::Null,
        Result_::Link(url) => json!({"type": "link", "url": url}),
        Result_::Failure(code, title, detail) => {
            json!({"code": code, "title": title, "detail": detail})
        }
    }
}

fn body(id: &str, steps: &[(String, usize, Result_)], created: &Option<String>) -> String {
    let steps: Vec<Value> = steps
        .iter()
        .map(|(t, s, r)| json!({"title": t, "status": STATUSES[*s], "result": wire_result(r)}))
        .collect();
    json!({"type": "job", "id": id, "created": created, "steps": steps, "links": {"self": id}})
        .to_string()
}

fn steps() -> impl Strategy<Value = Vec<(String, usize, Result_)>> {
    prop::collection::vec((any::<String>(), 0..STATUSES.len(), result()), 0..6)
}

proptest! {
    #[test]
    fn what_is_written_reads_back_the_same(
        id in "[^\u{0}]{1,12}",
        created in any::<Option<String>>(),
        steps in steps(),
    ) {
        let text = body(&id, &steps, &created);
        let job = parse_job(&text);
        prop_assert!(job.is_ok(), "{text}: {job:?}");
        let job = job.unwrap_or_else(|_| unreachable!());
        prop_assert_eq!(&job.id, &id);
        prop_assert_eq!(&job.created, &created);
        prop_assert_eq!(job.links.self_url.as_deref(), Some(id.as_str()));
        prop_assert_eq!(job.steps.len(), steps.len());
        for (got, (title, status, result)) in job.steps.iter().zip(&steps) {
            prop_assert_eq!(&got.title, title);
            prop_assert_eq!(got.status, StepStatus::from_wire(STATUSES[*status]));
            match result {
                Result_::Null => prop_assert!(got.result_url.is_none() && got.failure.is_none()),
                Result_::Link(url) => prop_assert_eq!(got.result_url.as_deref(), Some(url.as_str())),
                Result_::Failure(code, title, detail) => {
                    let f = got.failure.as_ref();
                    prop_assert_eq!(f.map(|f| &f.code), Some(code));
                    prop_assert_eq!(f.and_then(|f| f.title.as_ref()), title.as_ref());
                    prop_assert_eq!(f.and_then(|f| f.detail.as_ref()), detail.as_ref());
                }
            }
        }
    }

    #[test]
    fn a_body_cut_short_is_refused(steps in steps(), cut in 1usize..64) {
        let text = body("j", &steps, &None);
        let end = text.len().saturating_sub(cut.min(text.len()));
        if let Some(head) = text.get(..end) {
            let refused = parse_job(head);
            prop_assert!(
                matches!(refused, Err(ParseError::NotJson | ParseError::Empty)),
                "{head}: {refused:?}"
            );
        }
    }
}
