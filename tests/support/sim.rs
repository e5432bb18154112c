//! A watcher on a fake clock for the native suites: scripted answers in, actions and events out.
#![allow(dead_code)]

use basiq_jobs::core::advice::Operation;
use basiq_jobs::core::events::{Event, Outcome};
use basiq_jobs::core::start::refresh_connection;
use basiq_jobs::core::watcher::{
    Action, ConfigError, Purpose, Request, Response, WatchConfig, Watcher,
};

#[path = "json.rs"]
pub mod json;

/// The fake clock's start: 2024-09-25T04:22:25Z.
pub const T0: u64 = 1_727_238_145_000;

/// The job the native suites watch.
pub const JOB_URL: &str = "https://au-api.basiq.io/jobs/j1";

/// A watch that starts its own job: a refresh of user u1's connection c1, the job URL not yet
/// known.
pub fn refreshing() -> Sim {
    let start = refresh_connection("https://au-api.basiq.io", "u1", "c1").unwrap();
    Sim::new(WatchConfig {
        job_url: String::new(),
        start: Some(start),
        operation: Operation::Refresh,
        ..cfg()
    })
}

/// A watch of [`JOB_URL`] with a token `getToken` can renew, its URLs read as WHATWG reads them.
pub fn cfg() -> WatchConfig {
    WatchConfig {
        job_url: JOB_URL.into(),
        has_token: true,
        can_refresh_token: true,
        urls: super::urls::whatwg(),
        ..Default::default()
    }
}

/// A watcher and a fake clock.
pub struct Sim {
    pub w: Watcher,
    pub now: u64,
    pub events: Vec<Event>,
    pub waits: Vec<u64>,
}

impl Sim {
    /// A watch of `cfg`, with the WHATWG URL parser standing in for the browser's.
    pub fn new(cfg: WatchConfig) -> Self {
        let cfg = WatchConfig {
            urls: super::urls::whatwg(),
            ..cfg
        };
        Self {
            w: Watcher::new(cfg, T0, 7).unwrap(),
            now: T0,
            events: Vec::new(),
            waits: Vec::new(),
        }
    }

    /// Polls, sleeping through waits, until the watcher wants something else.
    pub fn next(&mut self) -> Action {
        loop {
            let a = self.w.poll(self.now);
            self.drain();
            match a {
                Action::Wait(ms) => {
                    self.waits.push(ms);
                    self.now += ms;
                }
                other => return other,
            }
        }
    }

    /// The next request, whatever it is for.
    pub fn fetch(&mut self) -> Request {
        match self.next() {
            Action::Fetch(r) => r,
            other => panic!("expected a fetch, got {other:?}"),
        }
    }

    /// The next request, which must be for `purpose`.
    pub fn fetch_for(&mut self, purpose: Purpose) -> Request {
        match self.next() {
            Action::Fetch(r) if r.purpose == purpose => r,
            other => panic!("expected a {purpose:?} fetch, got {other:?}"),
        }
    }

    pub fn done(&mut self) -> Outcome {
        match self.next() {
            Action::Done(o) => *o,
            other => panic!("expected the outcome, got {other:?}"),
        }
    }

    pub fn answer(&mut self, req: &Request, status: u16, body: &str) {
        self.answer_with(req, status, None, body);
    }

    pub fn answer_with(
        &mut self,
        req: &Request,
        status: u16,
        retry_after: Option<&str>,
        body: &str,
    ) {
        self.w.handle_response(
            self.now,
            req.id,
            Response {
                status,
                retry_after,
                body: json::Text(body),
            },
        );
        self.drain();
    }

    /// `JobWatch.save()`: the saved form as JSON text, empty before the job is known.
    pub fn save(&self) -> String {
        save(&self.w)
    }

    pub fn drain(&mut self) {
        while let Some(e) = self.w.poll_event() {
            self.events.push(e);
        }
    }
}

/// A watcher's saved form as JSON text, empty before the job is known.
pub fn save(w: &Watcher) -> String {
    w.save().map(|s| json::to_json(&s)).unwrap_or_default()
}

/// Resumes a watch from saved JSON text.
pub fn restore(text: &str, cfg: WatchConfig, now: u64, seed: u64) -> Result<Watcher, ConfigError> {
    Watcher::restore(&json::Text(text), cfg, now, seed)
}
