//! The watcher driven by arbitrary answers, errors, tokens, MFA answers, times, and what other
//! tabs say (the lock given and lost, bodies heard, hellos, poll-now asks). Whatever happens: no
//! panic, exactly one outcome, step events in order, no request with the token off the API
//! origin, only jobs in the notes it tells, and the loop ends.
#![no_main]

use std::collections::HashMap;

use arbitrary::Arbitrary;
use basiq_jobs::core::advice::Operation;
use basiq_jobs::core::crosstab::{Note, Role};
use basiq_jobs::core::events::Event;
use basiq_jobs::core::job::StepStatus;
use basiq_jobs::core::watcher::{Action, Response, TransportError, WatchConfig, Watcher};
use libfuzzer_sys::fuzz_target;

#[path = "../../tests/support/json.rs"]
mod json;
#[path = "../../tests/support/urls.rs"]
mod urls;

const ORIGIN: &str = "https://au-api.basiq.io";
const TITLES: [&str; 5] = [
    "verify-credentials",
    "mfa-challenge",
    "retrieve-accounts",
    "retrieve-transactions",
    "create-report",
];
const STATUSES: [&str; 6] = [
    "pending",
    "in-progress",
    "success",
    "failed",
    "skipped",
    "weird",
];
const CODES: [&str; 5] = [
    "invalid-credentials",
    "service-unavailable",
    "account-not-accessible-requires-user-action",
    "maintenance",
    "x",
];
const LINKS: [&str; 5] = [
    "/users/u1/connections/c1",
    "https://au-api.basiq.io/x",
    "https://evil.example/x",
    "//evil.example/x",
    "https://au-api.basiq.io@evil.example/",
];

#[derive(Arbitrary, Debug)]
enum Result_ {
    Null,
    Link(u8),
    Failure(u8),
    Mfa { expiry: u64, link: Option<u8> },
}

#[derive(Arbitrary, Debug)]
enum Body {
    Job {
        steps: Vec<(u8, u8, Result_)>,
        self_link: Option<u8>,
        status: Option<u8>,
    },
    ErrorDoc(u8),
    Raw(String),
}

#[derive(Arbitrary, Debug)]
enum Input {
    Answer {
        status: u16,
        retry_after: Option<String>,
        body: Body,
    },
    Network,
    Timeout,
    Token(bool),
    Mfa(Vec<String>),
    Later(u32),
    Tab(Tab),
}

/// What the shell and the other tabs do to this tab's watcher.
#[derive(Arbitrary, Debug)]
enum Tab {
    Follow,
    Lead,
    Alone,
    Heard { body: Option<Body>, next_ms: u32 },
    Hello,
    PollNow,
}

#[derive(Arbitrary, Debug)]
struct Run {
    update: bool,
    institution: bool,
    inputs: Vec<Input>,
}

fn body_text(b: &Body) -> String {
    match b {
        Body::Raw(s) => s.clone(),
        Body::ErrorDoc(i) => format!(
            r#"{{"type":"list","data":[{{"type":"error","code":"{}"}}]}}"#,
            ["access-denied", "forbidden-access", "resource-not-found"][usize::from(*i) % 3]
        ),
        Body::Job {
            steps,
            self_link,
            status,
        } => {
            let steps: Vec<String> = steps
                .iter()
                .take(6)
                .map(|(t, s, r)| {
                    let result = match r {
                        Result_::Null => "null".to_owned(),
                        Result_::Link(l) => format!(r#"{{"type":"link","url":"{}"}}"#, LINKS[usize::from(*l) % 5]),
                        Result_::Failure(c) => format!(r#"{{"code":"{}"}}"#, CODES[usize::from(*c) % 5]),
                        Result_::Mfa { expiry, link } => format!(
                            r#"{{"type":"mfa","method":"token","input":["OTP"],"expiryMs":{expiry}{}}}"#,
                            link.map(|l| format!(r#","links":{{"response":"{}"}}"#, LINKS[usize::from(l) % 5])).unwrap_or_default()
                        ),
                    };
                    format!(
                        r#"{{"title":"{}","status":"{}","result":{result}}}"#,
                        TITLES[usize::from(*t) % 5],
                        STATUSES[usize::from(*s) % 6]
                    )
                })
                .collect();
            let links = self_link
                .map(|l| format!(r#","links":{{"self":"{}"}}"#, LINKS[usize::from(l) % 5]))
                .unwrap_or_default();
            let status = status
                .map(|s| format!(r#","status":"{}""#, STATUSES[usize::from(s) % 6]))
                .unwrap_or_default();
            format!(
                r#"{{"id":"j1","steps":[{}]{links}{status}}}"#,
                steps.join(",")
            )
        }
    }
}

fuzz_target!(|run: Run| {
    let cfg = WatchConfig {
        job_url: format!("{ORIGIN}/jobs/j1"),
        has_token: true,
        can_refresh_token: true,
        operation: if run.update {
            Operation::Update
        } else {
            Operation::Create
        },
        institution_id: run.institution.then(|| "AU00000".to_owned()),
        urls: urls::whatwg(),
        ..Default::default()
    };
    let mut now = 1_727_238_145_000u64;
    let mut w = Watcher::new(cfg, now, 1).expect("a valid config");
    let mut inputs = run.inputs.iter().peekable();
    let mut last: HashMap<(usize, String), StepStatus> = HashMap::new();
    let mut outcome = None;
    for _ in 0..10_000 {
        let action = w.poll(now);
        // Steps are followed by title (an inserted step does not shift the rest): a step is its
        // title and which of the steps with that title it is.
        let job = w.snapshot().cloned();
        // A step that leaves the job is forgotten, as the tracker forgets it.
        if let Some(job) = &job {
            last.retain(|(nth, title), _| {
                job.steps.iter().filter(|t| &t.title == title).count() > *nth
            });
        }
        while let Some(e) = w.poll_event() {
            if let Event::Step(s) = e {
                assert_ne!(s.previous, s.status, "an event is a change");
                let Some(job) = &job else { continue };
                let nth = job
                    .steps
                    .iter()
                    .take(s.index)
                    .filter(|t| t.title == s.step)
                    .count();
                let before = last
                    .insert((nth, s.step.clone()), s.status)
                    .unwrap_or(StepStatus::Pending);
                assert_eq!(s.previous, before, "events of {} in order", s.step);
            }
        }
        while let Some(note) = w.poll_note() {
            if let Note::Polled {
                body: Some(text), ..
            } = &note
            {
                assert!(
                    text.contains(r#""steps""#),
                    "only job bodies are told: {text}"
                );
            }
        }
        match action {
            Action::Done(o) => {
                outcome = Some(o);
                break;
            }
            // What other tabs do comes while this tab waits; otherwise time passes.
            Action::Wait(ms) => {
                if let Some(Input::Tab(tab)) = inputs.peek() {
                    inputs.next();
                    match tab {
                        Tab::Follow => w.follow(now),
                        Tab::Lead => w.lead(now),
                        Tab::Alone => {
                            w.alone();
                            assert_eq!(w.role(), Role::Alone);
                        }
                        Tab::Heard { body, next_ms } => {
                            let text = body.as_ref().map(body_text);
                            let note = Note::Polled {
                                body: text,
                                next_ms: u64::from(*next_ms),
                            };
                            w.hear(now, &note, json::Text);
                        }
                        Tab::Hello => w.hear(now, &Note::Hello, json::Text),
                        Tab::PollNow => w.hear(now, &Note::PollNow, json::Text),
                    }
                } else {
                    now = now.saturating_add(ms);
                }
            }
            Action::RefreshToken => {
                let ok = !matches!(inputs.next(), Some(Input::Token(false)));
                w.handle_token(now, if ok { Ok(()) } else { Err("no".into()) });
            }
            Action::Fetch(req) => {
                if req.with_token {
                    let u = url::Url::parse(&req.url).expect("a request URL parses");
                    assert_eq!(
                        u.origin().ascii_serialization(),
                        ORIGIN,
                        "the token only to the API"
                    );
                }
                match inputs.next() {
                    None => break,
                    Some(Input::Answer {
                        status,
                        retry_after,
                        body,
                    }) => {
                        let text = body_text(body);
                        let r = Response {
                            status: *status,
                            retry_after: retry_after.as_deref(),
                            body: json::Text(&text),
                        };
                        w.handle_response(now, req.id, r);
                    }
                    Some(Input::Network) => {
                        w.handle_error(now, req.id, TransportError::Network("x".into()))
                    }
                    Some(Input::Timeout) => w.handle_error(now, req.id, TransportError::Timeout),
                    Some(Input::Token(_)) | Some(Input::Tab(_)) => {
                        w.handle_error(now, req.id, TransportError::Timeout)
                    }
                    Some(Input::Mfa(answers)) => {
                        if let Ok(r) = w.answer_mfa(answers) {
                            let u = url::Url::parse(&r.url).expect("an MFA URL parses");
                            assert_eq!(
                                u.origin().ascii_serialization(),
                                ORIGIN,
                                "MFA answers only to the API"
                            );
                            let _ = w.handle_mfa_response(now, Ok(202));
                        }
                    }
                    Some(Input::Later(ms)) => now = now.saturating_add(u64::from(*ms)),
                }
            }
        }
        let _ = w.save().map(|s| json::to_json(&s));
    }
    if let Some(o) = outcome {
        // The outcome is final: asking again gives the same one.
        match w.poll(now) {
            Action::Done(again) => assert_eq!(again, o),
            other => panic!("after the outcome: {other:?}"),
        }
    }
});
