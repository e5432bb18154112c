//! One poll stream per job across tabs, on a fake clock: several watchers of one job, a server
//! that answers by the clock, and the notes one tab tells carried to the others, as the shell's
//! channel carries them. The lock is played by the test: `lead` where the browser grants it.
#![cfg(not(target_arch = "wasm32"))]

use std::sync::atomic::{AtomicBool, Ordering};

use basiq_jobs::core::crosstab::{Note, Role};
use basiq_jobs::core::events::{Event, Outcome};
use basiq_jobs::core::messages::Catalogue;
use basiq_jobs::core::watcher::{Action, Purpose, Request, Response, WatchConfig, Watcher};

#[path = "support/sim.rs"]
mod sim;
#[path = "support/urls.rs"]
mod urls;
use sim::{cfg, json, JOB_URL, T0};

fn job(steps: [&str; 3], failure: Option<&str>) -> String {
    let titles = [
        "verify-credentials",
        "retrieve-accounts",
        "retrieve-transactions",
    ];
    let steps: Vec<String> = titles
        .iter()
        .zip(steps)
        .map(|(t, s)| {
            let result = match (s, failure) {
                ("failed", Some(code)) => {
                    format!(r#"{{"code":"{code}","title":"T","detail":"D"}}"#)
                }
                _ => "null".into(),
            };
            format!(r#"{{"title":"{t}","status":"{s}","result":{result}}}"#)
        })
        .collect();
    format!(
        r#"{{"type":"job","id":"j1","steps":[{}],"links":{{"self":"{JOB_URL}","source":"https://au-api.basiq.io/users/u1/connections/c1"}}}}"#,
        steps.join(",")
    )
}

/// The job as the server has it at `at`: each step takes 3 s, then success.
fn by_clock(at: u64) -> String {
    match at.saturating_sub(T0) {
        0..3_000 => job(["in-progress", "pending", "pending"], None),
        3_000..6_000 => job(["success", "in-progress", "pending"], None),
        6_000..9_000 => job(["success", "success", "in-progress"], None),
        _ => job(["success", "success", "success"], None),
    }
}

fn mfa_job() -> String {
    format!(
        r#"{{"type":"job","id":"j1","steps":[{{"title":"verify-credentials","status":"in-progress","result":{{"type":"mfa","method":"token","prompts":["Code"]}}}}],"links":{{"self":"{JOB_URL}"}}}}"#
    )
}

/// One tab: a watcher, when it wants to act next, and what it reported.
struct Tab {
    w: Watcher,
    wake_at: u64,
    open: bool,
    job_requests: Vec<u64>,
    events: Vec<Event>,
    outcome: Option<Outcome>,
    told: Vec<Note>,
    tokens: usize,
}

/// Tabs of one browser, a clock, and the server's answer at each moment.
struct Browser {
    tabs: Vec<Tab>,
    now: u64,
    server: fn(u64) -> (u16, String),
}

impl Browser {
    fn new(n: usize, server: fn(u64) -> (u16, String)) -> Self {
        Self::with(vec![cfg(); n], server)
    }

    fn with(cfgs: Vec<WatchConfig>, server: fn(u64) -> (u16, String)) -> Self {
        let tabs = cfgs
            .into_iter()
            .enumerate()
            .map(|(i, c)| Tab {
                w: Watcher::new(c, T0, 7 + i as u64).unwrap(),
                wake_at: T0,
                open: true,
                job_requests: Vec::new(),
                events: Vec::new(),
                outcome: None,
                told: Vec::new(),
                tokens: 0,
            })
            .collect();
        Self {
            tabs,
            now: T0,
            server,
        }
    }

    fn tab(&mut self, i: usize) -> &mut Tab {
        &mut self.tabs[i]
    }

    /// What the lock does: the first tab to ask gets it, the others follow.
    fn elect(&mut self, leader: usize) {
        let now = self.now;
        for i in 0..self.tabs.len() {
            self.tabs[i].w.follow(now);
        }
        self.tabs[leader].w.lead(now);
        self.carry();
    }

    /// Carries every note told to every other open tab, which then acts on what it heard.
    fn carry(&mut self) {
        loop {
            let mut moved = false;
            for from in 0..self.tabs.len() {
                while let Some(note) = self.tabs[from].w.poll_note() {
                    moved = true;
                    self.tabs[from].told.push(note.clone());
                    if !self.tabs[from].open {
                        continue;
                    }
                    for to in 0..self.tabs.len() {
                        if to != from && self.tabs[to].open {
                            let now = self.now;
                            let tab = &mut self.tabs[to];
                            tab.w.hear(now, &note, json::Text);
                            while let Some(e) = tab.w.poll_event() {
                                tab.events.push(e);
                            }
                            tab.wake_at = now;
                        }
                    }
                }
            }
            if !moved {
                break;
            }
        }
    }

    /// Runs the open tabs until every one has its outcome or `until` passes.
    fn run(&mut self, until: u64) {
        while self.now <= until {
            let due: Vec<usize> = (0..self.tabs.len())
                .filter(|&i| {
                    let t = &self.tabs[i];
                    t.open && t.outcome.is_none() && t.wake_at <= self.now
                })
                .collect();
            for i in due {
                self.act(i);
                self.carry();
            }
            let next = self
                .tabs
                .iter()
                .filter(|t| t.open && t.outcome.is_none())
                .map(|t| t.wake_at)
                .min();
            match next {
                Some(at) if at > self.now => self.now = at,
                Some(_) => {}
                None => return,
            }
        }
    }

    fn act(&mut self, i: usize) {
        let now = self.now;
        let server = self.server;
        let tab = &mut self.tabs[i];
        let action = tab.w.poll(now);
        while let Some(e) = tab.w.poll_event() {
            tab.events.push(e);
        }
        match action {
            Action::Wait(ms) => tab.wake_at = now + ms,
            Action::Fetch(req) => {
                assert_eq!(req.purpose, Purpose::Job, "{req:?}");
                tab.job_requests.push(now);
                let (status, body) = server(now);
                answer(&mut tab.w, now, &req, status, &body);
                while let Some(e) = tab.w.poll_event() {
                    tab.events.push(e);
                }
                tab.wake_at = now;
            }
            Action::Done(o) => tab.outcome = Some(*o),
            Action::RefreshToken => {
                tab.tokens += 1;
                tab.w.handle_token(now, Ok(()));
                tab.wake_at = now;
            }
        }
    }

    fn job_requests(&self) -> usize {
        self.tabs.iter().map(|t| t.job_requests.len()).sum()
    }
}

fn answer(w: &mut Watcher, now: u64, req: &Request, status: u16, body: &str) {
    w.handle_response(
        now,
        req.id,
        Response {
            status,
            retry_after: None,
            body: json::Text(body),
        },
    );
}

fn running_job(at: u64) -> (u16, String) {
    (200, by_clock(at))
}

fn steps_of(events: &[Event]) -> Vec<(String, String)> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Step(s) => Some((s.step.clone(), format!("{:?}", s.status))),
            _ => None,
        })
        .collect()
}

fn is_success(o: &Option<Outcome>) -> bool {
    matches!(o, Some(Outcome::Success { .. }))
}

// ----- who polls ------------------------------------------------------------------------------

#[test]
fn the_tab_with_the_lock_polls_and_the_others_make_no_job_request() {
    let mut solo = Browser::new(1, running_job);
    solo.run(T0 + 60_000);
    let one_tab = solo.job_requests();

    let mut b = Browser::new(3, running_job);
    b.elect(0);
    assert_eq!(b.tabs[0].w.role(), Role::Polling);
    assert_eq!(b.tabs[1].w.role(), Role::Following);
    b.run(T0 + 60_000);
    assert!(
        b.tabs[1].job_requests.is_empty(),
        "{:?}",
        b.tabs[1].job_requests
    );
    assert!(
        b.tabs[2].job_requests.is_empty(),
        "{:?}",
        b.tabs[2].job_requests
    );
    assert_eq!(
        b.job_requests(),
        one_tab,
        "three tabs make the requests of one"
    );
}

#[test]
fn every_tab_reports_the_same_steps_and_outcome_from_what_it_hears() {
    let mut b = Browser::new(2, running_job);
    b.elect(0);
    b.run(T0 + 60_000);
    assert!(is_success(&b.tabs[0].outcome));
    assert!(is_success(&b.tabs[1].outcome));
    let polled = steps_of(&b.tabs[0].events);
    assert_eq!(polled.len(), 6, "{polled:?}");
    assert_eq!(steps_of(&b.tabs[1].events), polled);
    // The follower's own snapshot and saved state follow the job too.
    assert_eq!(b.tabs[1].w.snapshot().map(|j| j.completed()), Some(3));
    assert!(b.tabs[1].w.save().is_some());
}

#[test]
fn a_following_tab_advises_in_its_own_words() {
    fn failing(at: u64) -> (u16, String) {
        if at < T0 + 2_000 {
            (200, by_clock(at))
        } else {
            let body = job(
                ["failed", "pending", "pending"],
                Some("invalid-credentials"),
            );
            (200, body)
        }
    }
    let mut own = cfg();
    own.catalogue = Catalogue::new(
        None,
        vec![(
            "invalid-credentials.title".into(),
            "Try your details again".into(),
        )],
    );
    let mut b = Browser::with(vec![cfg(), own], failing);
    b.elect(0);
    b.run(T0 + 60_000);
    let title = |o: &Option<Outcome>| match o {
        Some(Outcome::Failed { advice, .. }) => advice.title.clone(),
        other => panic!("expected a failure, got {other:?}"),
    };
    assert_eq!(title(&b.tabs[0].outcome), "Check your sign-in details");
    assert_eq!(title(&b.tabs[1].outcome), "Try your details again");
    assert!(b.tabs[1].job_requests.is_empty());
}

// ----- taking over ----------------------------------------------------------------------------

#[test]
fn when_the_polling_tab_closes_the_next_polls_when_it_would_have() {
    let mut b = Browser::new(2, running_job);
    b.elect(0);
    b.run(T0 + 4_000);
    let last = *b.tabs[0].job_requests.last().unwrap();
    let Some(Note::Polled { next_ms, .. }) = b.tabs[0].told.last().cloned() else {
        panic!("the polling tab tells what it polled: {:?}", b.tabs[0].told);
    };
    // The tab closes; the browser hands its lock to the waiting tab at once.
    b.tabs[0].open = false;
    b.now = last + 10;
    let now = b.now;
    b.tab(1).w.lead(now);
    b.tab(1).wake_at = now;
    assert_eq!(b.tabs[1].w.role(), Role::Polling);
    b.run(T0 + 60_000);
    let first = b.tabs[1].job_requests[0];
    assert_eq!(
        first,
        last + next_ms,
        "it polls when the closed tab would have"
    );
    assert!(
        first - last <= 1_000,
        "within one interval: {}",
        first - last
    );
    assert!(is_success(&b.tabs[1].outcome));
}

#[test]
fn a_following_tab_that_gets_its_token_still_waits_for_the_polling_tab() {
    let later = WatchConfig {
        has_token: false,
        ..cfg()
    };
    let mut b = Browser::with(vec![cfg(), later], running_job);
    b.elect(0);
    b.run(T0 + 60_000);
    assert_eq!(
        b.tabs[1].tokens, 1,
        "it has a token, for an answer or a takeover"
    );
    assert!(
        b.tabs[1].job_requests.is_empty(),
        "{:?}",
        b.tabs[1].job_requests
    );
    assert!(is_success(&b.tabs[1].outcome));
}

#[test]
fn a_tab_that_gets_the_lock_with_nothing_heard_polls_at_once() {
    let mut b = Browser::new(1, running_job);
    b.tab(0).w.follow(T0);
    assert_eq!(b.tab(0).w.poll_note(), Some(Note::Hello));
    b.now = T0 + 5;
    b.tab(0).w.lead(T0 + 5);
    assert!(matches!(b.tab(0).w.poll(T0 + 5), Action::Fetch(_)));
}

#[test]
fn a_follower_that_never_hears_the_polling_tab_polls_after_the_longest_wait_and_the_grace() {
    let mut b = Browser::new(2, running_job);
    b.elect(0);
    // The polling tab never gets as far as a poll (its token does not come, or it is frozen).
    b.tabs[0].open = false;
    b.run(T0 + 60_000);
    assert_eq!(b.tabs[1].job_requests[0], T0 + 5_000 + 2_000);
    assert!(is_success(&b.tabs[1].outcome));
}

#[test]
fn a_frozen_polling_tab_is_taken_over_two_intervals_after_its_missed_poll() {
    let mut b = Browser::new(2, running_job);
    b.elect(0);
    b.run(T0 + 4_000);
    let Some(Note::Polled { next_ms, .. }) = b.tabs[0].told.last().cloned() else {
        panic!("no note");
    };
    let heard_at = *b.tabs[0].job_requests.last().unwrap();
    // Frozen: it keeps the lock but says nothing more.
    b.tabs[0].open = false;
    b.run(T0 + 60_000);
    let took_over = b.tabs[1].job_requests[0];
    assert_eq!(took_over, heard_at + next_ms + 2_000);
    assert_eq!(
        b.tabs[1].w.role(),
        Role::Following,
        "still waiting for the lock"
    );
    assert!(is_success(&b.tabs[1].outcome));
}

#[test]
fn tabs_that_took_over_hear_each_other_and_only_one_keeps_polling() {
    let mut b = Browser::new(3, running_job);
    b.elect(0);
    b.run(T0 + 1_500);
    b.tabs[0].open = false;
    b.run(T0 + 60_000);
    let (one, two) = (b.tabs[1].job_requests.len(), b.tabs[2].job_requests.len());
    assert!(
        one > 0 && two == 0 || two > 0 && one == 0,
        "{one} and {two}"
    );
    assert!(is_success(&b.tabs[1].outcome) && is_success(&b.tabs[2].outcome));
}

#[test]
fn a_failed_poll_is_told_too_so_no_tab_takes_over_during_the_back_off() {
    fn flaky(at: u64) -> (u16, String) {
        if (T0 + 1_000..T0 + 8_000).contains(&at) {
            (503, r#"{"type":"list","data":[]}"#.into())
        } else {
            (200, by_clock(at))
        }
    }
    let mut b = Browser::new(2, flaky);
    b.elect(0);
    b.run(T0 + 60_000);
    assert!(
        b.tabs[1].job_requests.is_empty(),
        "{:?}",
        b.tabs[1].job_requests
    );
    assert!(b.tabs[0]
        .told
        .iter()
        .any(|n| matches!(n, Note::Polled { body: None, .. })));
    assert!(is_success(&b.tabs[1].outcome));
}

// ----- what a tab does with what it hears ----------------------------------------------------

#[test]
fn hello_is_answered_by_the_polling_tab_alone_with_the_job_it_holds() {
    let mut b = Browser::new(2, running_job);
    b.elect(0);
    b.run(T0 + 500);
    let hello = Note::Hello;
    let now = b.now;
    b.tab(1).w.hear(now, &hello, json::Text);
    assert_eq!(b.tab(1).w.poll_note(), None, "a follower does not answer");
    b.tab(0).w.hear(now, &hello, json::Text);
    match b.tab(0).w.poll_note() {
        Some(Note::Polled {
            body: Some(body), ..
        }) => assert_eq!(body, by_clock(T0)),
        other => panic!("expected the job, got {other:?}"),
    }
}

#[test]
fn a_new_follower_hears_where_the_job_stands_at_once() {
    let mut b = Browser::new(2, running_job);
    b.tab(0).w.follow(T0);
    b.tab(0).w.lead(T0);
    b.tabs[1].open = false;
    b.run(T0 + 3_500);
    // A second tab opens the same job now.
    b.tabs[1].open = true;
    let now = b.now;
    b.tab(1).w.follow(now);
    b.carry();
    let steps = steps_of(&b.tabs[1].events);
    assert!(
        steps.contains(&("verify-credentials".into(), "Success".into())),
        "{steps:?}"
    );
    assert!(b.tabs[1].job_requests.is_empty());
}

#[test]
fn a_heard_body_that_is_not_a_job_is_ignored() {
    let mut b = Browser::new(2, running_job);
    b.elect(0);
    for _ in 0..10 {
        let note = Note::Polled {
            body: Some("<html>oops</html>".into()),
            next_ms: 1_000,
        };
        let now = b.now;
        b.tab(1).w.hear(now, &note, json::Text);
    }
    assert!(b.tabs[1].w.outcome().is_none(), "not counted as errors");
    assert!(b.tabs[1].w.snapshot().is_none());
    b.run(T0 + 60_000);
    assert!(is_success(&b.tabs[1].outcome));
}

#[test]
fn a_following_tab_asks_the_polling_tab_to_poll_now() {
    let mut b = Browser::new(2, running_job);
    b.elect(0);
    b.run(T0 + 3_500);
    // Looked at again, or back online: the follower asks; it does not poll.
    let now = b.now;
    b.tab(1).w.poll_now(now);
    assert_eq!(b.tab(1).w.poll_note(), Some(Note::PollNow));
    assert!(matches!(b.tab(1).w.poll(now), Action::Wait(_)));
    // The polling tab hears it and polls at once.
    b.tab(0).w.hear(now, &Note::PollNow, json::Text);
    assert!(matches!(b.tab(0).w.poll(now), Action::Fetch(_)));
}

#[test]
fn a_following_tab_answers_mfa_with_its_own_request_and_the_polling_tab_polls() {
    static ANSWERED: AtomicBool = AtomicBool::new(false);
    fn mfa(_: u64) -> (u16, String) {
        if ANSWERED.load(Ordering::SeqCst) {
            (200, job(["success", "success", "success"], None))
        } else {
            (200, mfa_job())
        }
    }
    let mut b = Browser::new(2, mfa);
    b.elect(0);
    b.run(T0 + 20_000);
    assert!(
        b.tabs[1].job_requests.is_empty(),
        "the follower keeps hearing the MFA wait"
    );
    assert!(b.tabs[1].events.iter().any(|e| matches!(e, Event::Mfa(_))));
    let answer = b.tab(1).w.answer_mfa(&["123456".into()]).unwrap();
    assert_eq!(answer.url, format!("{JOB_URL}/mfa"));
    assert!(answer.with_token, "sent with the follower's own token");
    ANSWERED.store(true, Ordering::SeqCst);
    let now = b.now;
    b.tab(1).w.handle_mfa_response(now, Ok(200)).unwrap();
    assert_eq!(b.tab(1).w.poll_note(), Some(Note::PollNow), "announced");
    assert!(matches!(b.tab(1).w.poll(now), Action::Wait(_)));
    b.tab(0).w.hear(now, &Note::PollNow, json::Text);
    b.tab(0).wake_at = now;
    b.run(now + 100);
    assert_eq!(
        *b.tabs[0].job_requests.last().unwrap(),
        now,
        "polled at once"
    );
    assert!(is_success(&b.tabs[0].outcome) && is_success(&b.tabs[1].outcome));
    assert!(b.tabs[1].job_requests.is_empty());
}

#[test]
fn a_polling_tab_tells_only_once_another_tab_said_hello() {
    let mut b = Browser::new(2, running_job);
    b.tab(0).w.follow(T0);
    b.tab(0).w.lead(T0);
    b.tabs[1].open = false;
    b.run(T0 + 3_000);
    assert!(
        b.tabs[0].told.iter().all(|n| n == &Note::Hello),
        "nobody listens: {:?}",
        b.tabs[0].told
    );
    let polls = b.tabs[0].job_requests.len();
    b.tabs[1].open = true;
    let now = b.now;
    b.tab(1).w.follow(now);
    b.carry();
    b.run(T0 + 60_000);
    let polled = b.tabs[0]
        .told
        .iter()
        .filter(|n| matches!(n, Note::Polled { .. }))
        .count();
    // The answer to the hello, then one note per poll.
    assert_eq!(polled, 1 + b.tabs[0].job_requests.len() - polls);
    assert!(b.tabs[1].job_requests.is_empty());
}

#[test]
fn a_tab_that_takes_over_tells_the_followers_it_never_heard_of() {
    let mut b = Browser::new(3, running_job);
    b.tab(0).w.follow(T0);
    b.tab(0).w.lead(T0);
    // The third tab follows first: its hello goes out before the second tab exists.
    b.tabs[1].open = false;
    b.tab(2).w.follow(T0);
    b.carry();
    b.run(T0 + 2_000);
    b.tabs[1].open = true;
    let now = b.now;
    b.tab(1).w.follow(now);
    b.carry();
    b.run(T0 + 4_000);
    // The polling tab closes and the lock goes to the second tab.
    b.tabs[0].open = false;
    let now = b.now;
    b.tab(1).w.lead(now);
    b.tab(1).wake_at = now;
    b.run(T0 + 60_000);
    assert!(!b.tabs[1].job_requests.is_empty());
    assert!(
        b.tabs[2].job_requests.is_empty(),
        "{:?}",
        b.tabs[2].job_requests
    );
    assert!(is_success(&b.tabs[2].outcome));
}

#[test]
fn a_tab_alone_neither_tells_nor_follows() {
    let mut b = Browser::new(2, running_job);
    b.run(T0 + 60_000);
    assert!(b.tabs[0].told.is_empty() && b.tabs[1].told.is_empty());
    assert_eq!(b.tabs[0].job_requests.len(), b.tabs[1].job_requests.len());
    // A note reaching a tab alone changes nothing.
    let mut w = Watcher::new(cfg(), T0, 1).unwrap();
    let note = Note::Polled {
        body: Some(by_clock(T0)),
        next_ms: 5_000,
    };
    w.hear(T0, &note, json::Text);
    assert!(w.snapshot().is_none());
    assert!(matches!(w.poll(T0), Action::Fetch(_)));
}

#[test]
fn a_tab_that_goes_alone_polls_by_itself_again() {
    let mut b = Browser::new(2, running_job);
    b.elect(0);
    b.run(T0 + 2_000);
    b.tab(1).w.alone();
    b.tabs[1].wake_at = b.now;
    b.run(T0 + 60_000);
    assert!(!b.tabs[1].job_requests.is_empty());
}

#[test]
fn notes_hold_the_job_body_and_the_next_poll_and_nothing_else() {
    let mut b = Browser::new(2, running_job);
    b.elect(0);
    b.run(T0 + 60_000);
    for note in &b.tabs[0].told {
        let value = json::to_json(note);
        let v: serde_json::Value = serde_json::from_str(&value).unwrap();
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        assert!(
            keys == ["body", "nextMs", "t"] || keys == ["nextMs", "t"] || note == &Note::Hello,
            "{keys:?}"
        );
        let back: Note = serde_json::from_str(&value).unwrap();
        assert_eq!(&back, note);
    }
    assert!(b.tabs[1].told.iter().all(|n| n == &Note::Hello));
}
