//! The watcher: a deterministic state machine that follows one job to its end.
//!
//! It never sleeps or fetches. The shell asks [`Watcher::poll`] what to do next,
//! carries it out, and hands back what happened with the current time.

use std::borrow::Cow;
use std::collections::VecDeque;

use serde::Serialize;

use super::advice::{
    describe_failure, Action as AdviceAction, ConnectorStatus, FailureAdvice, FailureContext,
    Operation,
};
use super::body::{decode, Body};
use super::connector::{connectors_path, parse_connector, Connector};
use super::crosstab::{grace_ms, Note, Role, Share};
use super::datetime::rfc3339_ms;
use super::events::{
    ErrorKind, Event, MfaChallenge, OutageLifted, Outcome, Progress, RetryEvent, StepEvent,
    WatchError,
};
use super::job::{decode_job, ErrorDoc, Failure, Job, ParseError, SharedJob, StepStatus};
use super::messages::Catalogue;
use super::policy::{retry_after_ms, Backoff, Timing, TimingError};
use super::recovery::{self, Next, Recovery};
use super::saved::Saved;
use super::start::{read_started, Credentials, StartJob, Started, DEFAULT_API_BASE};
use super::tolerant::Object;
use super::tracker::{Pace, Tracker, Transition};
use super::url::{check_secure, connection_id, job_url, Origin, UrlError, Urls};

/// The longest an MFA challenge is taken to wait for the user, whatever the bank says.
const MFA_EXPIRY_CAP_MS: u64 = 24 * 60 * 60 * 1000;

/// Everything a watch needs to know up front.
#[derive(Clone, Debug, Default)]
pub struct WatchConfig {
    /// `links.self` of the job (unused when `start` is given).
    pub job_url: String,
    /// A request that starts the job; its answer names the job to watch.
    pub start: Option<StartJob>,
    /// Where the token may go; defaults to the job URL's origin.
    pub api_origin: Option<String>,
    /// The API base the page's start calls use (`apiBase`): what a restored watch trusts when
    /// `api_origin` is not given.
    pub api_base: Option<String>,
    /// The platform's URL parser, for every URL the watch checks or resolves.
    pub urls: Urls,
    pub operation: Operation,
    pub connection_id: Option<String>,
    pub institution_id: Option<String>,
    /// A token is in hand when the watch starts (otherwise one is asked for first).
    pub has_token: bool,
    /// A fresh token can be asked for after a 401.
    pub can_refresh_token: bool,
    /// Jobs of this connection that already failed with `service-unavailable`, in a row.
    pub attempt: Option<u32>,
    pub timing: Timing,
    pub catalogue: Catalogue,
    /// Automatic retries and outage watching, when opted into.
    pub recovery: Recovery,
}

/// Why a watch cannot start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfigError {
    JobUrl(UrlError),
    ApiOrigin(UrlError),
    JobUrlOffOrigin,
    NoToken,
    Timing(TimingError),
    Saved(&'static str),
}

impl ConfigError {
    /// A one-line developer-facing reason.
    pub fn reason(&self) -> String {
        match self {
            Self::JobUrl(e) => format!("jobUrl {}", e.reason()),
            Self::ApiOrigin(e) => format!("apiOrigin {}", e.reason()),
            Self::JobUrlOffOrigin => "jobUrl is not on apiOrigin".into(),
            Self::NoToken => "a token or a getToken function is required".into(),
            Self::Timing(e) => e.0.clone(),
            Self::Saved(why) => format!("the saved watch {why}"),
        }
    }
}

/// What a request is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    Start,
    Job,
    Connector,
    Mfa,
}

/// An HTTP method.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
}

impl Method {
    /// The method's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
        }
    }
}

/// An HTTP request the shell should make.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    pub id: u64,
    pub purpose: Purpose,
    pub method: Method,
    /// A JSON body, if any.
    pub body: Option<RequestBody>,
    pub url: String,
    /// Send the bearer token (only ever true for the API origin).
    pub with_token: bool,
    pub timeout_ms: u64,
}

/// The JSON body of a request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum RequestBody {
    /// New credentials: creating or updating a connection.
    Credentials(Credentials),
    /// The user's answers to an MFA challenge.
    Mfa(MfaAnswers),
}

/// `{"mfa-response": ["…"]}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MfaAnswers {
    #[serde(rename = "mfa-response")]
    pub answers: Vec<String>,
}

/// An HTTP answer, as the shell received it: the body stays the platform's until decoded.
#[derive(Clone, Copy, Debug)]
pub struct Response<'a, B> {
    pub status: u16,
    pub retry_after: Option<&'a str>,
    pub body: B,
}

/// A request that got no HTTP answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TransportError {
    /// The request ran past its timeout.
    Timeout,
    /// The network failed (DNS, refused, reset, CORS …).
    Network(String),
}

/// What the shell should do next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Make this request, then call [`Watcher::handle_response`] or [`Watcher::handle_error`].
    Fetch(Request),
    /// Get a token from `getToken`, then call [`Watcher::handle_token`].
    RefreshToken,
    /// Sleep this many ms (or until woken), then poll again.
    Wait(u64),
    /// The watch is over.
    Done(Box<Outcome>),
}

/// Why an MFA answer was not sent or not taken.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MfaError {
    pub kind: &'static str,
    pub http_status: Option<u16>,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct MfaState {
    key: String,
    step: String,
    prompts: usize,
    response_url: String,
}

/// A failed job held back until the institution's status is known.
#[derive(Clone, Debug)]
struct Held {
    job: SharedJob,
    transitions: Vec<Transition>,
}

/// Follows one job to its end.
#[derive(Debug)]
pub struct Watcher {
    cfg: WatchConfig,
    origin: Origin,
    poll_url: String,
    starting: Option<StartJob>,
    started_ms: u64,
    backoff: Backoff,
    /// Step timings, for polling densely only when a change is due.
    pace: Pace,
    next_poll_ms: u64,
    in_flight: Option<(u64, Purpose)>,
    next_id: u64,
    errors_in_row: u32,
    unauthorized_in_row: u32,
    /// The browser says it is offline.
    offline: bool,
    /// An MFA answer was refused for its token and is being sent again with a fresh one.
    mfa_renewing: bool,
    token_needed: bool,
    tracker: Tracker,
    job: Option<SharedJob>,
    /// The body `job` was read from: most polls answer the same bytes, and those need no parse.
    job_body: String,
    polled_once: bool,
    long_wait: bool,
    connector: Option<Connector>,
    connector_for_eta: bool,
    held: Option<Held>,
    mfa: Option<MfaState>,
    mfa_reported: Option<String>,
    /// An automatic retry waits until then before starting its refresh.
    retry_at: Option<u64>,
    /// The failure held while the institution's outage is watched, and since when.
    outage: Option<(Box<Outcome>, u64)>,
    events: VecDeque<Event>,
    /// This tab's part in the job's poll stream shared across tabs.
    share: Share,
    /// What to tell the other tabs watching this job.
    notes: VecDeque<Note>,
    outcome: Option<Outcome>,
}

impl Watcher {
    /// Starts a watch at `now_ms`; `seed` drives the jitter.
    pub fn new(cfg: WatchConfig, now_ms: u64, seed: u64) -> Result<Self, ConfigError> {
        let first_url = cfg
            .start
            .as_ref()
            .map_or(cfg.job_url.as_str(), |s| s.url.as_str());
        let job_origin = check_secure(first_url, &cfg.urls).map_err(ConfigError::JobUrl)?;
        let origin = match cfg.api_origin.as_deref() {
            Some(o) => check_secure(o, &cfg.urls).map_err(ConfigError::ApiOrigin)?,
            None => job_origin.clone(),
        };
        if origin != job_origin {
            return Err(ConfigError::JobUrlOffOrigin);
        }
        if !cfg.has_token && !cfg.can_refresh_token {
            return Err(ConfigError::NoToken);
        }
        cfg.timing.validate().map_err(ConfigError::Timing)?;
        cfg.recovery.validate().map_err(ConfigError::Timing)?;
        let mut cfg = cfg;
        if cfg.connection_id.is_none() {
            cfg.connection_id = cfg.start.as_ref().and_then(|s| s.connection_id.clone());
        }
        Ok(Self {
            starting: cfg.start.clone(),
            backoff: Backoff::new(&cfg.timing, seed),
            pace: Pace::default(),
            poll_url: cfg.job_url.clone(),
            token_needed: !cfg.has_token,
            connector_for_eta: cfg.institution_id.is_some(),
            cfg,
            origin,
            started_ms: now_ms,
            next_poll_ms: now_ms,
            in_flight: None,
            next_id: 1,
            errors_in_row: 0,
            unauthorized_in_row: 0,
            offline: false,
            mfa_renewing: false,
            tracker: Tracker::default(),
            job: None,
            job_body: String::new(),
            polled_once: false,
            long_wait: false,
            connector: None,
            held: None,
            mfa: None,
            mfa_reported: None,
            retry_at: None,
            outage: None,
            events: VecDeque::new(),
            share: Share::default(),
            notes: VecDeque::new(),
            outcome: None,
        })
    }

    /// The latest job snapshot (result URLs absolute).
    pub fn snapshot(&self) -> Option<&SharedJob> {
        self.job.as_ref()
    }

    /// How far the job has come, for someone who starts listening part-way.
    pub fn progress(&self) -> Option<Progress> {
        let job = self.job.as_ref()?;
        Some(Progress {
            job: job.clone(),
            completed: job.completed(),
            total: job.steps.len(),
            eta_ms: self.eta_ms(job),
        })
    }

    /// The outcome, once the watch is over.
    pub fn outcome(&self) -> Option<&Outcome> {
        self.outcome.as_ref()
    }

    /// True while waiting on Basiq's retry queue (slow polling, no overall timeout).
    pub fn is_long_wait(&self) -> bool {
        self.long_wait
    }

    /// How long one request (or a token request) may take.
    pub fn request_timeout_ms(&self) -> u64 {
        self.cfg.timing.request_timeout_ms
    }

    /// The job's URL, once known (a starting watch learns it from the start answer).
    pub fn job_url(&self) -> Option<&str> {
        self.starting.is_none().then_some(self.poll_url.as_str())
    }

    /// The connection the job belongs to, when known.
    pub fn connection_id(&self) -> Option<&str> {
        self.cfg.connection_id.as_deref()
    }

    /// The connection's run of `service-unavailable` jobs to keep now, as a storage key and
    /// value: once the watch is over, or while an automatic retry waits.
    pub fn streak_record(&self) -> Option<(String, Option<String>)> {
        let settled = self.outcome.is_some() || self.retry_at.is_some();
        let connection = self.cfg.connection_id.as_deref().filter(|_| settled)?;
        super::streak::record(connection, self.cfg.attempt, self.outcome.as_ref())
    }

    /// The next thing to report through a callback.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// What to do next, at `now_ms`.
    pub fn poll(&mut self, now_ms: u64) -> Action {
        if let Some(o) = &self.outcome {
            return Action::Done(Box::new(o.clone()));
        }
        if let Some((_, purpose)) = self.in_flight {
            // The shell asked again without answering: the answer is lost, so ask again.
            if purpose == Purpose::Connector {
                self.connector_for_eta = false;
            }
            self.in_flight = None;
        }
        if let Some(at) = self.retry_at {
            if now_ms < at {
                return Action::Wait(at - now_ms);
            }
            // The refresh is a new job: it gets the whole timeout from now.
            self.retry_at = None;
            self.started_ms = now_ms;
            self.next_poll_ms = now_ms;
        }
        if let Some(since) = self.outage.as_ref().map(|(_, since)| *since) {
            return self.poll_outage(now_ms, since);
        }
        let elapsed = now_ms.saturating_sub(self.started_ms);
        if self.long_wait {
            if self.job_age(now_ms) >= self.cfg.timing.job_lifetime_ms {
                let message = "the job was still in Basiq's retry queue after 7 days";
                return self.finish_error(ErrorKind::Expired, None, message.into());
            }
        } else if elapsed >= self.cfg.timing.timeout_ms {
            let job = self.job.clone();
            return self.finish(Outcome::TimedOut {
                job,
                elapsed_ms: elapsed,
            });
        }
        if self.token_needed {
            return Action::RefreshToken;
        }
        if self.held.is_some() {
            return self.request_connector();
        }
        if now_ms >= self.next_poll_ms {
            if let Some(start) = &self.starting {
                let (url, body) = (start.url.clone(), start.body.clone());
                return self.request(Purpose::Start, url, body);
            }
            let url = self.poll_url.clone();
            return self.request(Purpose::Job, url, None);
        }
        if self.connector_for_eta && self.polled_once {
            self.connector_for_eta = false;
            return self.request_connector();
        }
        let mut wait = self.next_poll_ms.saturating_sub(now_ms);
        if !self.long_wait {
            wait = wait.min(self.cfg.timing.timeout_ms.saturating_sub(elapsed));
        }
        Action::Wait(wait.max(1))
    }

    /// The browser went offline (`false`) or online again (`true`); back online, the next poll
    /// is at once.
    pub fn handle_online(&mut self, now_ms: u64, online: bool) {
        let back = self.offline && online;
        self.offline = !online;
        if back {
            self.poll_now(now_ms);
        }
    }

    /// Polls at once and from the fast interval again: the page is looked at again (browsers
    /// throttle hidden tabs' timers), or the network is back.
    pub fn poll_now(&mut self, now_ms: u64) {
        if self.outcome.is_some() || self.retry_at.is_some() {
            return;
        }
        if self.share.asks_instead() {
            // Another tab polls this job: it is asked to poll now, and this tab hears the answer.
            self.notes.push_back(Note::PollNow);
            return;
        }
        self.backoff.reset(&self.cfg.timing);
        self.next_poll_ms = self.next_poll_ms.min(now_ms);
    }

    /// This tab's part in the job's poll stream shared across tabs.
    pub fn role(&self) -> Role {
        self.share.role()
    }

    /// The next thing to tell the other tabs watching this job.
    pub fn poll_note(&mut self) -> Option<Note> {
        self.notes.pop_front()
    }

    /// The shell asked for the job's lock, which another tab may hold: until [`Watcher::lead`],
    /// this tab hears the polling tab instead of polling, and polls by itself only if it hears
    /// nothing. It says hello, so the polling tab tells it where the job stands.
    pub fn follow(&mut self, now_ms: u64) {
        if self.outcome.is_some() || self.starting.is_some() {
            return;
        }
        let t = &self.cfg.timing;
        let at = self.share.follow(now_ms, t.interval_ms, t.max_interval_ms);
        self.next_poll_ms = self.next_poll_ms.max(at);
        self.notes.push_back(Note::Hello);
    }

    /// This tab got the job's lock: it polls from now on, first when the tab that had it would
    /// have polled.
    pub fn lead(&mut self, now_ms: u64) {
        let at = self.share.lead(now_ms);
        if self.outcome.is_none() && self.retry_at.is_none() && self.outage.is_none() {
            self.next_poll_ms = self.next_poll_ms.min(at);
        }
    }

    /// Sharing across tabs ended (the lock and channel are gone): this tab polls by itself.
    pub fn alone(&mut self) {
        self.share.alone();
    }

    /// Hands over what another tab said; `read` gives a heard body to the platform's JSON reader.
    pub fn hear<'a, B: Body>(
        &mut self,
        now_ms: u64,
        note: &'a Note,
        read: impl FnOnce(&'a str) -> B,
    ) {
        if self.outcome.is_some() {
            return;
        }
        match note {
            Note::Polled { body, next_ms } => {
                let grace = grace_ms(self.cfg.timing.interval_ms);
                let Some(deadline) = self.share.heard_poll(now_ms, *next_ms, grace) else {
                    return;
                };
                if let Some(text) = body {
                    // A heard body that is not a job is the polling tab's problem, and counted
                    // there: here it is only ignored.
                    let _ = self.take_job(now_ms, &read(text));
                }
                let planning = self.outcome.is_none() && self.retry_at.is_none();
                if planning && self.outage.is_none() {
                    self.next_poll_ms = deadline;
                }
            }
            Note::Hello => {
                self.share.heard_hello();
                if self.share.answers_hello() && !self.job_body.is_empty() {
                    let next_ms = self.next_poll_ms.saturating_sub(now_ms);
                    let body = Some(self.job_body.clone());
                    self.notes.push_back(Note::Polled { body, next_ms });
                }
            }
            Note::PollNow => {
                if !self.share.asks_instead() {
                    self.poll_now(now_ms);
                }
            }
        }
    }

    /// Tells the other tabs what this tab's poll got (the job, if it was one) and when it polls
    /// again, so they neither poll nor take over meanwhile.
    fn tell(&mut self, now_ms: u64, body: Option<String>) {
        if self.share.tells() {
            let next_ms = self.next_poll_ms.saturating_sub(now_ms);
            self.notes.push_back(Note::Polled { body, next_ms });
        }
    }

    /// Hands over the HTTP answer to request `id`.
    pub fn handle_response(&mut self, now_ms: u64, id: u64, response: Response<'_, impl Body>) {
        let Some(purpose) = self.take_in_flight(id) else {
            return;
        };
        match purpose {
            Purpose::Start => self.on_start_response(now_ms, response),
            Purpose::Job => {
                let text = self.share.tells().then(|| response.body.text().to_owned());
                let taken = self.on_job_response(now_ms, response);
                self.tell(now_ms, text.filter(|_| taken));
            }
            Purpose::Connector => {
                if token_refused(&response) && self.outage.is_some() && self.cfg.can_refresh_token {
                    // A long outage outlives the token; get a fresh one and check again.
                    self.token_needed = true;
                    return;
                }
                let found = (200..300)
                    .contains(&response.status)
                    .then(|| {
                        let inst = self.cfg.institution_id.as_deref().unwrap_or_default();
                        parse_connector(&response.body, inst)
                    })
                    .flatten();
                self.on_connector(now_ms, found);
            }
            Purpose::Mfa => {}
        }
    }

    /// Hands over a request that got no answer.
    pub fn handle_error(&mut self, now_ms: u64, id: u64, error: TransportError) {
        let Some(purpose) = self.take_in_flight(id) else {
            return;
        };
        match purpose {
            Purpose::Job | Purpose::Start => {
                let message = match error {
                    TransportError::Timeout => format!(
                        "the request took longer than {} ms",
                        self.cfg.timing.request_timeout_ms
                    ),
                    TransportError::Network(m) => format!("the request failed: {m}"),
                };
                self.transient(now_ms, ErrorKind::Network, None, message, None);
                if purpose == Purpose::Job {
                    self.tell(now_ms, None);
                }
            }
            Purpose::Connector => self.on_connector(now_ms, None),
            Purpose::Mfa => {}
        }
    }

    /// Hands over the result of asking `getToken` for a token.
    pub fn handle_token(&mut self, now_ms: u64, result: Result<(), String>) {
        if self.outcome.is_some() {
            return;
        }
        self.token_needed = false;
        match result {
            // A following tab gets its token early (for an MFA answer, or to take over) and
            // still waits for the polling tab; any other watch polls with it at once.
            Ok(()) if self.share.asks_instead() => {
                self.next_poll_ms = self.next_poll_ms.max(now_ms)
            }
            Ok(()) => self.next_poll_ms = now_ms,
            Err(why) => {
                let message = format!("getToken failed: {why}");
                self.finish_error(ErrorKind::Unauthorized, None, message);
            }
        }
    }

    /// Ends the watch as cancelled (the signal was aborted or `cancel()` called).
    pub fn cancel(&mut self) {
        if self.outcome.is_none() {
            self.outcome = Some(Outcome::Cancelled {
                job: self.job.clone(),
            });
        }
    }

    /// Builds the request that answers the waiting MFA challenge.
    pub fn answer_mfa(&mut self, answers: &[String]) -> Result<Request, MfaError> {
        let mfa_error = |kind, message: &str| MfaError {
            kind,
            http_status: None,
            message: message.into(),
        };
        if self.outcome.is_some() {
            return Err(mfa_error("finished", "the watch is over"));
        }
        let Some(mfa) = &self.mfa else {
            return Err(mfa_error("no-challenge", "no MFA challenge is waiting"));
        };
        if answers.is_empty() || (mfa.prompts > 0 && answers.len() != mfa.prompts) {
            let message = format!(
                "expected {} answer(s), got {}",
                mfa.prompts.max(1),
                answers.len()
            );
            return Err(MfaError {
                kind: "invalid-answers",
                http_status: None,
                message,
            });
        }
        let body = RequestBody::Mfa(MfaAnswers {
            answers: answers.to_vec(),
        });
        let url = mfa.response_url.clone();
        let id = self.next_id;
        self.next_id = self.next_id.wrapping_add(1);
        Ok(Request {
            id,
            purpose: Purpose::Mfa,
            method: Method::Post,
            with_token: self.origin.owns(&url, &self.cfg.urls),
            body: Some(body),
            url,
            timeout_ms: self.cfg.timing.request_timeout_ms,
        })
    }

    /// Whether an MFA answer refused for its token (401, or 403 `access-denied`: expired) is to
    /// be sent again with a fresh token from `getToken`: once, and only with a token provider.
    /// Then call [`Watcher::handle_token`] and send the same request again.
    pub fn renew_for_mfa(&mut self, r: &Response<'_, impl Body>) -> bool {
        let renew = self.cfg.can_refresh_token && token_refused(r) && !self.mfa_renewing;
        self.mfa_renewing = renew;
        renew
    }

    /// Hands over the HTTP status the MFA request was answered with; on success polling resumes
    /// at once.
    pub fn handle_mfa_response(
        &mut self,
        now_ms: u64,
        result: Result<u16, TransportError>,
    ) -> Result<(), MfaError> {
        let status = match result {
            Ok(status) => status,
            Err(e) => {
                let message = match e {
                    TransportError::Timeout => "the answer timed out".to_owned(),
                    TransportError::Network(m) => format!("the answer could not be sent: {m}"),
                };
                return Err(MfaError {
                    kind: "network",
                    http_status: None,
                    message,
                });
            }
        };
        if (200..300).contains(&status) {
            // Polls at once, or has the polling tab do so.
            self.poll_now(now_ms);
            return Ok(());
        }
        let kind = match status {
            401 | 403 => "unauthorized",
            _ => "http",
        };
        Err(MfaError {
            kind,
            http_status: Some(status),
            message: format!("the bank's challenge answer was refused with HTTP {status}"),
        })
    }

    /// What resumes this watch after a reload (it holds no token); none until the job is known.
    pub fn save(&self) -> Option<Saved<'_>> {
        self.starting.is_none().then(|| self.saved_state())
    }

    /// Resumes a saved watch; `cfg` supplies what is not saved (timing, messages, tokens).
    ///
    /// Where the token may go is the caller's to say (`cfg.api_origin`, else Basiq's API), never
    /// the saved text's: a saved watch whose job is elsewhere ends as `untrusted-url` at once,
    /// without a request.
    pub fn restore(
        saved: &impl Body,
        mut cfg: WatchConfig,
        now_ms: u64,
        seed: u64,
    ) -> Result<Self, ConfigError> {
        let s = super::saved::load(saved).map_err(ConfigError::Saved)?;
        let trusted = cfg
            .api_origin
            .take()
            .or_else(|| cfg.api_base.clone())
            .unwrap_or_else(|| DEFAULT_API_BASE.to_owned());
        let origin = check_secure(&trusted, &cfg.urls).map_err(ConfigError::ApiOrigin)?;
        let saved_url = s.job_url.into_owned();
        let on_origin = origin.owns(&saved_url, &cfg.urls);
        cfg.job_url = if on_origin {
            saved_url.clone()
        } else {
            // A stand-in on the trusted origin, never requested: the watch ends below.
            format!("{}/jobs/", origin.as_str())
        };
        cfg.api_origin = Some(trusted);
        cfg.operation = Operation::from_str_opt(&s.operation).unwrap_or_default();
        cfg.connection_id = cfg.connection_id.or(s.connection_id.map(Cow::into_owned));
        cfg.institution_id = cfg.institution_id.or(s.institution_id.map(Cow::into_owned));
        cfg.attempt = cfg.attempt.or(s.attempt);
        let mut w = Self::new(cfg, now_ms, seed)?;
        w.started_ms = s.started_ms.min(now_ms);
        w.long_wait = s.long_wait;
        w.tracker = Tracker::with_seen(s.steps.into_owned());
        w.mfa_reported = s.mfa_reported.map(Cow::into_owned);
        w.polled_once = false;
        if !on_origin {
            let message = format!("the saved job {saved_url} is outside the API origin");
            w.finish_error(ErrorKind::UntrustedUrl, None, message);
        }
        Ok(w)
    }

    fn saved_state(&self) -> Saved<'_> {
        fn borrowed(s: &Option<String>) -> Option<Cow<'_, str>> {
            s.as_deref().map(Cow::Borrowed)
        }
        Saved {
            v: super::saved::VERSION,
            job_url: Cow::Borrowed(&self.poll_url),
            api_origin: Cow::Borrowed(self.origin.as_str()),
            operation: Cow::Borrowed(self.cfg.operation.as_str()),
            connection_id: borrowed(&self.cfg.connection_id),
            institution_id: borrowed(&self.cfg.institution_id),
            attempt: self.cfg.attempt,
            started_ms: self.started_ms,
            long_wait: self.long_wait,
            steps: Cow::Borrowed(self.tracker.seen()),
            mfa_reported: borrowed(&self.mfa_reported),
        }
    }

    // ----- requests -------------------------------------------------------------------------

    fn request(&mut self, purpose: Purpose, url: String, body: Option<RequestBody>) -> Action {
        let id = self.next_id;
        self.next_id = self.next_id.wrapping_add(1);
        self.in_flight = Some((id, purpose));
        Action::Fetch(Request {
            id,
            purpose,
            method: if purpose == Purpose::Start {
                Method::Post
            } else {
                Method::Get
            },
            with_token: self.origin.owns(&url, &self.cfg.urls),
            url,
            body,
            timeout_ms: self.cfg.timing.request_timeout_ms,
        })
    }

    fn request_connector(&mut self) -> Action {
        let inst = self.cfg.institution_id.clone().unwrap_or_default();
        let url = format!("{}{}", self.origin.as_str(), connectors_path(&inst));
        self.request(Purpose::Connector, url, None)
    }

    fn take_in_flight(&mut self, id: u64) -> Option<Purpose> {
        if self.outcome.is_some() {
            return None;
        }
        match self.in_flight {
            Some((want, purpose)) if want == id => {
                self.in_flight = None;
                Some(purpose)
            }
            _ => None,
        }
    }

    // ----- answers --------------------------------------------------------------------------

    fn on_start_response(&mut self, now_ms: u64, r: Response<'_, impl Body>) {
        if !(200..300).contains(&r.status) {
            return self.on_status(now_ms, r);
        }
        self.unauthorized_in_row = 0;
        match read_started(&r.body, &self.origin) {
            Some(Started::Reference { url }) => match self.origin.own(&url, &self.cfg.urls) {
                Some(abs) => {
                    self.starting = None;
                    self.poll_url = abs;
                    self.next_poll_ms = now_ms;
                }
                _ => {
                    let message = format!("the new job's link {url} is outside the API origin");
                    self.finish_error(ErrorKind::UntrustedUrl, None, message);
                }
            },
            Some(Started::Job(job)) => {
                // Its `links.self`, once checked, replaces this; an id that is not a plain id
                // never goes into a URL.
                let Ok(url) = job_url(self.origin.as_str(), &job.id) else {
                    let message = "the new job's id is not a plain id".to_owned();
                    self.finish_error(ErrorKind::InvalidResponse, None, message);
                    return;
                };
                self.starting = None;
                self.poll_url = url;
                self.on_job(now_ms, job);
            }
            None => {
                let message = "the answer to the start request named no job".to_owned();
                self.transient(
                    now_ms,
                    ErrorKind::InvalidResponse,
                    Some(r.status),
                    message,
                    None,
                );
            }
        }
    }

    /// Takes a job answer; false when it was not a 2xx job.
    fn on_job_response(&mut self, now_ms: u64, r: Response<'_, impl Body>) -> bool {
        if !(200..300).contains(&r.status) {
            self.on_status(now_ms, r);
            return false;
        }
        self.unauthorized_in_row = 0;
        match self.take_job(now_ms, &r.body) {
            Ok(()) => true,
            Err(e) => {
                let message = format!("the job answer was not a job: {}", e.reason());
                self.transient(
                    now_ms,
                    ErrorKind::InvalidResponse,
                    Some(r.status),
                    message,
                    None,
                );
                false
            }
        }
    }

    /// Takes a job body, this tab's own answer or one heard from the polling tab.
    fn take_job(&mut self, now_ms: u64, body: &impl Body) -> Result<(), ParseError> {
        // The same bytes as the job we hold are the same job: skip the parse and the link checks.
        if self.held.is_none() && !self.job_body.is_empty() && body.text() == self.job_body {
            if self.still_running(now_ms) {
                return Ok(());
            }
            if let Some(job) = self.job.as_deref().cloned() {
                self.on_job(now_ms, job);
                return Ok(());
            }
        }
        let job = decode_job(body)?;
        self.on_job(now_ms, job);
        // Only a job that was taken whole (not held back, not refused) may be reused.
        self.job_body.clear();
        if self.held.is_none() && self.outcome.is_none() && self.job.is_some() {
            self.job_body.push_str(body.text());
        }
        Ok(())
    }

    /// Every answer that is not a success, alike for starting and polling.
    fn on_status(&mut self, now_ms: u64, r: Response<'_, impl Body>) {
        let refused = token_refused(&r);
        if !refused {
            self.unauthorized_in_row = 0;
        }
        match r.status {
            _ if refused => {
                self.unauthorized_in_row = self.unauthorized_in_row.saturating_add(1);
                if self.cfg.can_refresh_token && self.unauthorized_in_row == 1 {
                    self.token_needed = true;
                } else {
                    let message = format!("the token was refused (HTTP {})", r.status);
                    self.finish_error(ErrorKind::Unauthorized, Some(r.status), message);
                }
            }
            403 => {
                let message = "the token may not read this job (HTTP 403)".to_owned();
                self.finish_error(ErrorKind::Unauthorized, Some(403), message);
            }
            // Only jobs under 7 days old are returned: one that waited in Basiq's retry queue
            // and is gone has expired there, even if this page's clock (which may run behind
            // the API's) has not counted the 7 days yet.
            404 | 410 if self.long_wait => {
                let message = format!(
                    "the job was still in Basiq's retry queue when the API stopped returning it (HTTP {}): jobs expire after 7 days",
                    r.status
                );
                self.finish_error(ErrorKind::Expired, Some(r.status), message);
            }
            404 | 410 => {
                let message = format!("the job was not found (HTTP {})", r.status);
                self.finish_error(ErrorKind::NotFound, Some(r.status), message);
            }
            429 => {
                let wait = retry_after_ms(r.retry_after, now_ms, &self.cfg.timing)
                    .unwrap_or_else(|| self.backoff.next_wait(&self.cfg.timing));
                self.next_poll_ms = now_ms.saturating_add(wait);
            }
            500..=599 => {
                let message = format!("the server answered HTTP {}", r.status);
                let after = retry_after_ms(r.retry_after, now_ms, &self.cfg.timing)
                    .filter(|_| r.status == 503);
                self.transient(now_ms, ErrorKind::Http, Some(r.status), message, after);
            }
            s => {
                let code = decode::<Object<ErrorDoc>>(&r.body)
                    .ok()
                    .and_then(|doc| doc.0.code());
                let message = match &code {
                    Some(c) => format!("the API refused the request with HTTP {s} ({c})"),
                    None => format!("the API refused the request with HTTP {s}"),
                };
                self.finish_error(ErrorKind::Http, Some(s), message);
                // A documented failure code gets its own advice (e.g. an unknown institution).
                if let (Some(code), Some(Outcome::Error { advice, .. })) =
                    (code, self.outcome.as_mut())
                {
                    let known = Failure {
                        code,
                        title: None,
                        detail: None,
                    };
                    let ctx = FailureContext {
                        operation: self.cfg.operation,
                        connection_id: self.cfg.connection_id.clone(),
                        ..Default::default()
                    };
                    let specific = describe_failure(&known, &ctx, &self.cfg.catalogue);
                    if specific.action != AdviceAction::TryLater {
                        *advice = specific;
                    }
                }
            }
        }
    }

    fn transient(
        &mut self,
        now_ms: u64,
        kind: ErrorKind,
        status: Option<u16>,
        message: String,
        after: Option<u64>,
    ) {
        if self.offline && kind == ErrorKind::Network {
            // A request that failed while the browser is offline says nothing about the API:
            // it does not count, and the next try waits for the network to come back (or the
            // longest interval, should the browser never say so).
            self.next_poll_ms = now_ms.saturating_add(self.cfg.timing.max_interval_ms);
            return;
        }
        self.errors_in_row = self.errors_in_row.saturating_add(1);
        if self.errors_in_row >= self.cfg.timing.max_consecutive_errors {
            let message = format!("{message} ({} times in a row)", self.errors_in_row);
            self.finish_error(kind, status, message);
            return;
        }
        let wait = after.unwrap_or_else(|| self.backoff.next_wait(&self.cfg.timing));
        self.next_poll_ms = now_ms.saturating_add(wait);
    }

    /// For an answer identical to the job held: when that job is simply running (no failure,
    /// not done, no MFA waiting, not in the retry queue), there is nothing to report, only the
    /// next poll to plan, so this does just that, as `on_job` would, and says so.
    fn still_running(&mut self, now_ms: u64) -> bool {
        let Some(job) = self.job.take() else {
            return false;
        };
        let running = !self.long_wait
            && job.failure().is_none()
            && !job.is_success()
            && !job
                .steps
                .iter()
                .any(|s| s.status == StepStatus::InProgress && s.mfa.is_some());
        if running {
            self.errors_in_row = 0;
            self.mfa = None;
            self.pace.observe(now_ms, &job);
            let due = self.pace.due(&job, self.connector.as_ref());
            self.next_poll_ms =
                now_ms.saturating_add(self.backoff.wait_for(&self.cfg.timing, now_ms, due));
        }
        self.job = Some(job);
        running
    }

    fn on_job(&mut self, now_ms: u64, mut job: Job) {
        self.errors_in_row = 0;
        if let Err(url) = self.resolve_links(&mut job) {
            self.job = Some(SharedJob::new(job));
            let message = format!("the job links to {url}, outside the API origin");
            self.finish_error(ErrorKind::UntrustedUrl, None, message);
            return;
        }
        if let Some(s) = &job.links.self_url {
            self.poll_url = s.clone();
        }
        if self.cfg.connection_id.is_none() {
            self.cfg.connection_id = connection_id_of(&job, &self.cfg.urls);
        }
        let job = SharedJob::new(job);
        let first = !self.polled_once;
        self.polled_once = true;
        let transitions = self.tracker.update(&job);
        let changed = first || !transitions.is_empty();

        let failed = job.failure().map(|(_, f)| f);
        let needs_status = failed.as_ref().is_some_and(|f| {
            f.code == "service-unavailable"
                && self.cfg.operation != Operation::Update
                && self.cfg.institution_id.is_some()
        });
        if needs_status && self.connector.is_none() {
            // Hold the failure back until /connectors says whether it is a major outage.
            self.held = Some(Held { job, transitions });
            return;
        }
        self.report(now_ms, &job, &transitions, changed);
        self.decide(now_ms, job, changed);
    }

    fn on_connector(&mut self, now_ms: u64, found: Option<Connector>) {
        if self.outage.is_some() {
            return self.on_outage_check(now_ms, found);
        }
        if found.is_some() {
            self.connector = found;
        }
        if let Some(Held { job, transitions }) = self.held.take() {
            // Without an answer the advice goes on without the status rather than waiting.
            if self.connector.is_none() {
                self.connector = Some(Connector {
                    status: ConnectorStatus::Unknown,
                    step_ms: Vec::new(),
                    total_ms: None,
                });
            }
            self.report(now_ms, &job, &transitions, true);
            self.decide(now_ms, job, true);
        }
    }

    fn report(&mut self, now_ms: u64, job: &SharedJob, transitions: &[Transition], changed: bool) {
        let total = job.steps.len();
        for t in transitions {
            let Some(step) = job.steps.get(t.index) else {
                continue;
            };
            let failure = (t.status == StepStatus::Failed).then(|| failure_of(step));
            let advice = failure.as_ref().map(|f| self.advise(f, &step.title, job));
            self.events.push_back(Event::Step(StepEvent {
                step: step.title.clone(),
                index: t.index,
                total,
                status: t.status,
                previous: t.previous,
                result_url: (t.status == StepStatus::Success)
                    .then(|| step.result_url.clone())
                    .flatten(),
                failure,
                advice,
            }));
        }
        self.report_mfa(now_ms, job);
        if changed {
            self.events.push_back(Event::Progress(Progress {
                job: job.clone(),
                completed: job.completed(),
                total,
                eta_ms: self.eta_ms(job),
            }));
        }
    }

    fn report_mfa(&mut self, now_ms: u64, job: &Job) {
        let waiting = job
            .steps
            .iter()
            .find(|s| s.status == StepStatus::InProgress && s.mfa.is_some());
        let Some((step, mfa)) = waiting.and_then(|s| s.mfa.as_ref().map(|m| (s, m))) else {
            self.mfa = None;
            return;
        };
        let key = format!(
            "{}|{}|{}|{}",
            step.title,
            mfa.method.as_str(),
            mfa.prompts.join("\u{1f}"),
            mfa.description.as_deref().unwrap_or_default()
        );
        let response_url = match &mfa.response_url {
            Some(url) => url.clone(),
            None => match job_url(self.origin.as_str(), &job.id) {
                Ok(url) => format!("{url}/mfa"),
                // No answer link, and an id that may not go into one: nothing can be answered.
                Err(_) => {
                    self.mfa = None;
                    return;
                }
            },
        };
        self.mfa = Some(MfaState {
            key: key.clone(),
            step: step.title.clone(),
            prompts: mfa.prompts.len(),
            response_url,
        });
        if self.mfa_reported.as_deref() != Some(key.as_str()) {
            self.mfa_reported = Some(key);
            self.events.push_back(Event::Mfa(MfaChallenge {
                step: step.title.clone(),
                method: mfa.method,
                prompts: mfa.prompts.clone(),
                description: mfa.description.clone(),
                // A hostile expiry must not wrap to the past: a day is longer than any bank waits.
                expires_at: mfa
                    .expiry_ms
                    .map(|ms| now_ms.saturating_add(ms.min(MFA_EXPIRY_CAP_MS))),
            }));
        }
    }

    fn decide(&mut self, now_ms: u64, job: SharedJob, changed: bool) {
        let failed = job.failure();
        // A job that ends is kept as well as reported; a running one is only kept (below).
        if failed.is_some() || job.is_success() {
            self.job = Some(job.clone());
        }
        if let Some((step, failure)) = failed {
            let advice = self.advise(&failure, &step, &job);
            if advice.action == AdviceAction::WaitForAutomaticRetry {
                // Basiq retries the update every 2 hours: keep watching, slowly.
                self.long_wait = true;
                self.next_poll_ms = now_ms.saturating_add(self.cfg.timing.long_interval_ms);
                return;
            }
            let next = recovery::after_failure(&self.cfg.recovery, &failure, &advice, &job);
            let outcome = Outcome::Failed {
                job,
                step,
                failure,
                advice,
            };
            match next {
                Next::Finish => {
                    self.finish(outcome);
                }
                Next::Retry { wait_ms, start } => self.begin_retry(now_ms, wait_ms, start, outcome),
                Next::WatchOutage { interval_ms } => {
                    self.outage = Some((Box::new(outcome), now_ms));
                    self.next_poll_ms = now_ms.saturating_add(interval_ms);
                }
            }
            return;
        }
        if job.is_success() {
            let url = |title: &str| job.result_url(title).map(str::to_owned);
            let connection_url = url("verify-credentials").or_else(|| job.links.source.clone());
            let accounts_url = url("retrieve-accounts");
            let transactions_url = url("retrieve-transactions");
            self.finish(Outcome::Success {
                job,
                connection_url,
                accounts_url,
                transactions_url,
            });
            return;
        }
        if changed {
            self.backoff.reset(&self.cfg.timing);
        }
        self.pace.observe(now_ms, &job);
        let due = self.pace.due(&job, self.connector.as_ref());
        self.next_poll_ms =
            now_ms.saturating_add(self.backoff.wait_for(&self.cfg.timing, now_ms, due));
        self.job = Some(job);
    }

    /// Counts the failed job in the connection's run, reports the retry, and sets up its refresh.
    fn begin_retry(&mut self, now_ms: u64, wait_ms: u64, start: StartJob, failed: Outcome) {
        let Outcome::Failed { job, advice, .. } = failed else {
            self.finish(failed);
            return;
        };
        let run = self.cfg.attempt.unwrap_or(0).saturating_add(1);
        self.cfg.attempt = Some(run);
        self.cfg.operation = Operation::Refresh;
        if self.cfg.connection_id.is_none() {
            self.cfg.connection_id = start.connection_id.clone();
        }
        self.events.push_back(Event::Retry(RetryEvent {
            attempt: run.saturating_add(1),
            retry_after_ms: wait_ms,
            advice,
            job: job.clone(),
        }));
        self.job = Some(job);
        self.starting = Some(start);
        self.retry_at = Some(now_ms.saturating_add(wait_ms));
        // The new job is followed from scratch; the institution is read again for it.
        self.tracker = Tracker::default();
        self.polled_once = false;
        self.mfa = None;
        self.mfa_reported = None;
        self.connector = None;
        self.connector_for_eta = self.cfg.institution_id.is_some();
        self.errors_in_row = 0;
        self.backoff.reset(&self.cfg.timing);
    }

    /// While an outage is watched: check the institution every so often, with no overall timeout
    /// but the job lifetime.
    fn poll_outage(&mut self, now_ms: u64, since: u64) -> Action {
        if now_ms.saturating_sub(since) >= self.cfg.timing.job_lifetime_ms {
            return self.end_outage_watch();
        }
        if self.token_needed {
            return Action::RefreshToken;
        }
        if now_ms >= self.next_poll_ms {
            return self.request_connector();
        }
        Action::Wait(self.next_poll_ms - now_ms)
    }

    fn on_outage_check(&mut self, now_ms: u64, found: Option<Connector>) {
        let status = found.as_ref().map(|c| c.status);
        if !recovery::lifted(status) {
            self.next_poll_ms = now_ms.saturating_add(self.cfg.recovery.outage_interval_ms);
            return;
        }
        self.connector = found;
        if let (Some(inst), Some(status)) = (self.cfg.institution_id.clone(), status) {
            self.events.push_back(Event::OutageLifted(OutageLifted {
                institution_id: inst,
                status,
            }));
        }
        let Some((failed, _)) = self.outage.take() else {
            return;
        };
        let next = match failed.job() {
            Some(job) => recovery::after_outage(&self.cfg.recovery, job),
            None => Next::Finish,
        };
        match next {
            Next::Retry { wait_ms, start } => self.begin_retry(now_ms, wait_ms, start, *failed),
            _ => {
                self.finish(*failed);
            }
        }
    }

    fn end_outage_watch(&mut self) -> Action {
        match self.outage.take() {
            Some((failed, _)) => self.finish(*failed),
            None => Action::Wait(1),
        }
    }

    fn advise(&self, failure: &Failure, step: &str, job: &Job) -> FailureAdvice {
        let ctx = FailureContext {
            step: Some(step.to_owned()),
            operation: self.cfg.operation,
            connector_status: self.connector.as_ref().map(|c| c.status),
            attempt: Some(self.cfg.attempt.unwrap_or(0).saturating_add(1)),
            connection_id: self.cfg.connection_id.clone(),
            job_id: Some(job.id.clone()),
            job_type: job.job_type.clone(),
        };
        describe_failure(failure, &ctx, &self.cfg.catalogue)
    }

    fn eta_ms(&self, job: &Job) -> Option<u64> {
        let c = self.connector.as_ref()?;
        if c.step_ms.is_empty() {
            return None;
        }
        let remaining = job
            .steps
            .iter()
            .filter(|s| !s.status.is_settled())
            .map(|s| {
                let avg = c.average_ms(&s.title).unwrap_or(0);
                // A running step is, on average, half done.
                if s.status == StepStatus::InProgress {
                    avg / 2
                } else {
                    avg
                }
            })
            .sum();
        Some(remaining)
    }

    /// Checks every link in the job and makes result URLs absolute; `Err` names a foreign one.
    fn resolve_links(&self, job: &mut Job) -> Result<(), String> {
        let (origin, urls) = (&self.origin, &self.cfg.urls);
        let check = |link: &mut Option<String>| -> Result<(), String> {
            if let Some(l) = link.as_deref() {
                match origin.own(l, urls) {
                    Some(abs) => *link = Some(abs),
                    None => return Err(l.to_owned()),
                }
            }
            Ok(())
        };
        check(&mut job.links.self_url)?;
        check(&mut job.links.source)?;
        for step in &mut job.steps {
            check(&mut step.result_url)?;
            if let Some(m) = step.mfa.as_mut() {
                check(&mut m.response_url)?;
            }
        }
        Ok(())
    }

    fn job_age(&self, now_ms: u64) -> u64 {
        let created = self
            .job
            .as_ref()
            .and_then(|j| j.created.as_deref())
            .and_then(rfc3339_ms)
            .unwrap_or(self.started_ms);
        now_ms.saturating_sub(created)
    }

    // ----- endings --------------------------------------------------------------------------

    fn finish_error(
        &mut self,
        kind: ErrorKind,
        http_status: Option<u16>,
        message: String,
    ) -> Action {
        let advice = self.error_advice(kind);
        let job = self.job.clone();
        self.finish(Outcome::Error {
            job,
            error: WatchError {
                kind,
                http_status,
                message,
            },
            advice,
        })
    }

    fn error_advice(&self, kind: ErrorKind) -> FailureAdvice {
        let reference = self
            .cfg
            .connection_id
            .clone()
            .or_else(|| self.job.as_ref().map(|j| j.id.clone()));
        error_advice(kind, reference, &self.cfg.catalogue)
    }

    fn finish(&mut self, outcome: Outcome) -> Action {
        if self.outcome.is_none() {
            self.outcome = Some(outcome);
        }
        self.in_flight = None;
        self.held = None;
        self.mfa = None;
        self.retry_at = None;
        self.outage = None;
        match &self.outcome {
            Some(o) => Action::Done(Box::new(o.clone())),
            None => Action::Wait(1),
        }
    }
}

fn failure_of(step: &super::job::Step) -> Failure {
    step.failure.clone().unwrap_or_else(|| Failure {
        code: "unknown-error".into(),
        title: None,
        detail: None,
    })
}

/// The advice for a watch that ended in error: what happened, and what the user can do.
fn error_advice(kind: ErrorKind, reference: Option<String>, cat: &Catalogue) -> FailureAdvice {
    let action = match kind {
        ErrorKind::Network | ErrorKind::Http | ErrorKind::InvalidResponse => AdviceAction::TryLater,
        ErrorKind::Unauthorized
        | ErrorKind::NotFound
        | ErrorKind::Expired
        | ErrorKind::Internal => AdviceAction::StartAgain,
        ErrorKind::UntrustedUrl => AdviceAction::ContactSupport,
    };
    let vars = [("reference", reference.as_deref().unwrap_or(""))];
    let key = format!("error.{}", kind.as_str());
    FailureAdvice {
        code: kind.as_str().to_owned(),
        step: None,
        action,
        title: cat.text(&format!("{key}.title"), &vars),
        message: cat.message(&key, &vars),
        retry_after_ms: (action == AdviceAction::TryLater).then_some(super::advice::TRY_LATER_MS),
        automatic_retry: false,
        support_reference: (action == AdviceAction::ContactSupport)
            .then_some(reference)
            .flatten(),
    }
}

/// How every pending watch ends after a bug in this module: an `internal` error, in plain words.
pub fn internal_error(message: &str, cat: &Catalogue) -> Outcome {
    Outcome::Error {
        job: None,
        error: WatchError {
            kind: ErrorKind::Internal,
            http_status: None,
            message: message.to_owned(),
        },
        advice: error_advice(ErrorKind::Internal, None, cat),
    }
}

/// True when the API refused the token itself: 401, or 403 with Basiq's `access-denied`, which is
/// how the real API answers an expired token ("Token has expired"). Other 403s are refusals of
/// the resource, which a fresh token does not change.
fn token_refused(r: &Response<'_, impl Body>) -> bool {
    match r.status {
        401 => true,
        403 => decode::<Object<ErrorDoc>>(&r.body)
            .ok()
            .and_then(|doc| doc.0.code())
            .is_some_and(|code| code == "access-denied"),
        _ => false,
    }
}

/// The connection id from `links.source` or the verify-credentials result.
fn connection_id_of(job: &Job, urls: &Urls) -> Option<String> {
    let from = |url: &str| connection_id(url, urls);
    job.links
        .source
        .as_deref()
        .and_then(from)
        .or_else(|| job.result_url("verify-credentials").and_then(from))
}
