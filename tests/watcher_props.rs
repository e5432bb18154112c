//! Properties of the watcher over any sequence of snapshots: every step's events form one
//! unbroken chain ending where the job is, and exactly one outcome comes out.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::HashMap;

use basiq_jobs::core::events::{Event, Outcome};
use basiq_jobs::core::job::StepStatus;
use basiq_jobs::core::watcher::{Action, WatchConfig, Watcher};

#[path = "support/json.rs"]
mod json;
use proptest::prelude::*;

#[path = "support/urls.rs"]
mod urls;

const STATUSES: [&str; 6] = [
    "pending",
    "in-progress",
    "success",
    "failed",
    "skipped",
    "paused",
];

fn body(statuses: &[usize]) -> String {
    let steps: Vec<String> = statuses
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let result = if STATUSES[*s] == "failed" {
                r#"{"code":"service-unavailable"}"#
            } else {
                "null"
            };
            format!(
                r#"{{"title":"s{i}","status":"{}","result":{result}}}"#,
                STATUSES[*s]
            )
        })
        .collect();
    format!(
        r#"{{"id":"j","steps":[{}],"links":{{"self":"https://au-api.basiq.io/jobs/j"}}}}"#,
        steps.join(",")
    )
}

fn snapshots() -> impl Strategy<Value = (bool, Vec<Vec<usize>>)> {
    (1usize..5).prop_flat_map(|n| {
        (
            any::<bool>(),
            prop::collection::vec(prop::collection::vec(0usize..STATUSES.len(), n), 1..25),
        )
    })
}

proptest! {
    #[test]
    fn events_chain_per_step_and_one_outcome((update, seq) in snapshots()) {
        let operation = if update { basiq_jobs::core::advice::Operation::Update } else { Default::default() };
        let cfg = WatchConfig { job_url: "https://au-api.basiq.io/jobs/j".into(), has_token: true, operation, urls: urls::whatwg(), ..Default::default() };
        let mut w = Watcher::new(cfg, 0, 1).unwrap();
        let mut now = 0;
        let mut last: HashMap<String, StepStatus> = HashMap::new();
        let mut processed: Option<&Vec<usize>> = None;
        let mut outcome: Option<Outcome> = None;
        let check = |w: &mut Watcher, last: &mut HashMap<String, StepStatus>| {
            while let Some(e) = w.poll_event() {
                if let Event::Step(s) = e {
                    let before = *last.get(&s.step).unwrap_or(&StepStatus::Pending);
                    prop_assert_eq!(s.previous, before, "broken chain for {}", s.step);
                    prop_assert_ne!(s.previous, s.status);
                    last.insert(s.step.clone(), s.status);
                }
            }
            Ok(())
        };
        'feed: for snap in &seq {
            loop {
                match w.poll(now) {
                    Action::Wait(ms) => now += ms,
                    Action::Fetch(r) => {
                        w.handle_response(now, r.id, json::response(200, &body(snap)));
                        processed = Some(snap);
                        check(&mut w, &mut last)?;
                        break;
                    }
                    Action::Done(o) => { outcome = Some(*o); break 'feed; }
                    Action::RefreshToken => prop_assert!(false, "no 401 was sent"),
                }
            }
        }
        if outcome.is_none() {
            w.cancel();
        }
        let first = match w.poll(now) { Action::Done(o) => *o, other => { prop_assert!(false, "{:?}", other); unreachable!() } };
        if let Some(o) = &outcome { prop_assert_eq!(o, &first); }
        for _ in 0..3 {
            prop_assert_eq!(w.poll(now + 1_000_000), Action::Done(Box::new(first.clone())));
            prop_assert!(w.poll_event().is_none(), "no events after the outcome");
        }
        // The last reported status of every step is where the last processed snapshot left it.
        if let Some(snap) = processed {
            for (i, s) in snap.iter().enumerate() {
                let want = StepStatus::from_wire(STATUSES[*s]);
                prop_assert_eq!(*last.get(&format!("s{i}")).unwrap_or(&StepStatus::Pending), want);
            }
        }
    }
}
