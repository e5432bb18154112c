//! A job's life as a pure state machine driven by the sandbox clock.
//!
//! Nothing runs in the background: every read first calls [`Job::advance`] with the current
//! sandbox time, which replays every transition that became due since the last read, each
//! stamped with the time it was due. Jumps of the clock (days at once) are therefore exact.

use serde::Serialize;

use crate::clock::{rfc3339, Millis};
use crate::scenarios::{
    Failure, Outcome, PlannedStep, StepTitle, MFA_REJECTED, MFA_TIMED_OUT, SERVICE_UNAVAILABLE,
};

/// Time between a job's creation and the start of its first step.
pub const QUEUE_DELAY_MS: Millis = 500;
/// Basiq retries a queued job every 2 hours…
pub const RETRY_INTERVAL_MS: Millis = 2 * 3_600_000;
/// …and jobs live 7 days.
pub const LIFETIME_MS: Millis = 7 * 24 * 3_600_000;
/// How long an MFA challenge waits for its answer.
pub const MFA_EXPIRY_MS: Millis = 120_000;
/// A connection created again with the same login while a job runs "will automatically be paused
/// for 6 minutes" (Basiq's best practices): its new job waits this long before it starts.
pub const DUPLICATE_PAUSE_MS: Millis = 6 * 60_000;

/// A step's status on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Not started.
    Pending,
    /// Running (or waiting for an MFA answer).
    InProgress,
    /// Done.
    Success,
    /// Failed; the result says why.
    Failed,
}

impl Status {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::InProgress => "in-progress",
            Status::Success => "success",
            Status::Failed => "failed",
        }
    }
}

/// A step's `result`.
#[derive(Debug, Clone, PartialEq, Eq)]
enum StepResult {
    Null,
    Link(String),
    Failure(Failure),
    Challenge,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct StepState {
    status: Status,
    result: StepResult,
    at: Millis,
}

/// What the job is waiting for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Queued {
        starts_at: Millis,
    },
    Running {
        step: usize,
        ends_at: Millis,
        attempt: u32,
    },
    AwaitingMfa {
        step: usize,
        expires_at: Millis,
    },
    RetryWait {
        step: usize,
        retry_at: Millis,
        attempt: u32,
    },
    Done,
}

/// Why an MFA answer was refused outright.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoChallengePending;

/// Everything needed to render absolute links.
#[derive(Debug, Clone, Copy)]
pub struct RenderContext<'a> {
    /// Origin used in `links.self` and other absolute links.
    pub public_url: &'a str,
    /// The partner id shown on jobs.
    pub partner_id: &'a str,
    /// The application id shown on jobs.
    pub application_id: &'a str,
}

/// A connection job.
#[derive(Debug, Clone)]
pub struct Job {
    /// Job id.
    pub id: String,
    /// Owner.
    pub user_id: String,
    /// The connection it works on.
    pub connection_id: String,
    /// The institution of that connection.
    pub institution_id: String,
    /// Creation time.
    pub created: Millis,
    updated: Millis,
    plan: Vec<PlannedStep>,
    steps: Vec<StepState>,
    phase: Phase,
}

impl Job {
    /// A new job, queued at `now`; its first step starts after [`QUEUE_DELAY_MS`] plus `pause`.
    pub fn new(
        id: String,
        user_id: String,
        connection_id: String,
        institution_id: String,
        plan: Vec<PlannedStep>,
        now: Millis,
        pause: Millis,
    ) -> Self {
        let steps = plan
            .iter()
            .map(|_| StepState {
                status: Status::Pending,
                result: StepResult::Null,
                at: now,
            })
            .collect();
        Job {
            id,
            user_id,
            connection_id,
            institution_id,
            created: now,
            updated: now,
            plan,
            steps,
            phase: Phase::Queued {
                starts_at: now.saturating_add(QUEUE_DELAY_MS).saturating_add(pause),
            },
        }
    }

    /// Replays every transition due by `now`; `outage` tells whether the institution is down.
    pub fn advance(&mut self, now: Millis, outage: bool) {
        loop {
            match self.phase {
                Phase::Queued { starts_at } if starts_at <= now => self.start(0, starts_at),
                Phase::Running {
                    step,
                    ends_at,
                    attempt,
                } if ends_at <= now => self.finish(step, ends_at, attempt, outage),
                Phase::AwaitingMfa { step, expires_at } if expires_at <= now => {
                    self.fail(step, MFA_TIMED_OUT, expires_at)
                }
                Phase::RetryWait {
                    step,
                    retry_at,
                    attempt,
                } if retry_at <= now => {
                    if retry_at >= self.created.saturating_add(LIFETIME_MS) {
                        self.phase = Phase::Done;
                    } else {
                        self.set(step, Status::InProgress, StepResult::Null, retry_at);
                        let duration = self.plan.get(step).map_or(0, |p| p.duration_ms);
                        self.phase = Phase::Running {
                            step,
                            ends_at: retry_at.saturating_add(duration),
                            attempt: attempt + 1,
                        };
                    }
                }
                _ => break,
            }
        }
    }

    /// Answers the pending MFA challenge at `now` (after advancing to `now`).
    pub fn answer_mfa(
        &mut self,
        answers: &[String],
        now: Millis,
        outage: bool,
    ) -> Result<(), NoChallengePending> {
        self.advance(now, outage);
        let Phase::AwaitingMfa { step, .. } = self.phase else {
            return Err(NoChallengePending);
        };
        let accepted = match self.plan.get(step).map(|p| &p.outcome) {
            Some(Outcome::Challenge(mfa)) => mfa.accepts(answers),
            _ => false,
        };
        if accepted {
            self.succeed(step, now);
        } else {
            self.fail(step, MFA_REJECTED, now);
        }
        Ok(())
    }

    /// True while the job is queued, running, waiting for MFA, or waiting in the retry queue.
    pub fn is_unfinished(&self, now: Millis) -> bool {
        self.phase != Phase::Done && !self.is_expired(now)
    }

    /// True once the job is 7 days old: Basiq no longer returns it.
    pub fn is_expired(&self, now: Millis) -> bool {
        now >= self.created.saturating_add(LIFETIME_MS)
    }

    /// How `verify-credentials` ended, if it has: `Ok(time)` on success, `Err(code)` on failure.
    pub fn credentials_check(&self) -> Option<Result<Millis, &'static str>> {
        let at = self
            .plan
            .iter()
            .position(|p| p.title == StepTitle::VerifyCredentials)?;
        let state = self.steps.get(at)?;
        match (&state.status, &state.result) {
            (Status::Success, _) => Some(Ok(state.at)),
            (Status::Failed, StepResult::Failure(f)) => Some(Err(f.code)),
            _ => None,
        }
    }

    /// The job-level `status`: `pending` until its first step starts, `in-progress` while it
    /// runs, waits for an MFA answer or waits in the retry queue, then `success` or `failed`.
    pub fn status(&self) -> &'static str {
        match self.phase {
            Phase::Queued { .. } => "pending",
            Phase::Done if self.steps.iter().any(|s| s.status == Status::Failed) => "failed",
            Phase::Done => "success",
            _ => "in-progress",
        }
    }

    /// True when `verify-credentials` has started (so `links.source` is shown).
    fn has_started(&self) -> bool {
        !matches!(self.phase, Phase::Queued { .. })
    }

    fn start(&mut self, step: usize, at: Millis) {
        let Some(planned) = self.plan.get(step) else {
            self.phase = Phase::Done;
            return;
        };
        if let Outcome::Challenge(_) = planned.outcome {
            self.phase = Phase::AwaitingMfa {
                step,
                expires_at: at.saturating_add(MFA_EXPIRY_MS),
            };
            self.set(step, Status::InProgress, StepResult::Challenge, at);
        } else {
            self.phase = Phase::Running {
                step,
                ends_at: at.saturating_add(planned.duration_ms),
                attempt: 0,
            };
            self.set(step, Status::InProgress, StepResult::Null, at);
        }
    }

    fn finish(&mut self, step: usize, at: Millis, attempt: u32, outage: bool) {
        let outage_check = self.plan.get(step).and_then(|p| p.outage_check);
        match outage_check {
            Some(true) if outage => {
                return self.queue_retry(step, SERVICE_UNAVAILABLE, at, attempt)
            }
            Some(false) if outage => return self.fail(step, SERVICE_UNAVAILABLE, at),
            _ => {}
        }
        let outcome = self.plan.get(step).map(|p| p.outcome.clone());
        match outcome {
            None | Some(Outcome::Succeed) | Some(Outcome::Challenge(_)) => self.succeed(step, at),
            Some(Outcome::Fail(failure)) => self.fail(step, failure, at),
            Some(Outcome::Retry {
                failure,
                succeed_on,
            }) => {
                if attempt > 0 && succeed_on == Some(attempt) {
                    self.succeed(step, at);
                } else {
                    self.queue_retry(step, failure, at, attempt);
                }
            }
        }
    }

    fn succeed(&mut self, step: usize, at: Millis) {
        let link = self.plan.get(step).and_then(|p| {
            result_link(
                p.title,
                &self.user_id,
                &self.connection_id,
                &self.institution_id,
            )
        });
        let result = link.map_or(StepResult::Null, StepResult::Link);
        self.set(step, Status::Success, result, at);
        self.start(step + 1, at);
    }

    fn fail(&mut self, step: usize, failure: Failure, at: Millis) {
        self.set(step, Status::Failed, StepResult::Failure(failure), at);
        self.phase = Phase::Done;
    }

    fn queue_retry(&mut self, step: usize, failure: Failure, at: Millis, attempt: u32) {
        self.set(step, Status::Failed, StepResult::Failure(failure), at);
        self.phase = Phase::RetryWait {
            step,
            retry_at: at.saturating_add(RETRY_INTERVAL_MS),
            attempt,
        };
    }

    fn set(&mut self, step: usize, status: Status, result: StepResult, at: Millis) {
        if let Some(s) = self.steps.get_mut(step) {
            s.status = status;
            s.result = result;
            s.at = at;
            self.updated = at;
        }
    }

    /// The planned duration of each step, in order.
    #[cfg(test)]
    pub fn plan_durations(&self) -> Vec<Millis> {
        self.plan.iter().map(|p| p.duration_ms).collect()
    }

    /// The status of each step, in order.
    #[cfg(test)]
    pub fn statuses(&self) -> Vec<(&'static str, Status)> {
        self.plan
            .iter()
            .zip(&self.steps)
            .map(|(p, s)| (p.title.as_str(), s.status))
            .collect()
    }

    /// The full job resource, as `GET /jobs/{id}` returns it.
    pub fn render(&self, ctx: &RenderContext<'_>) -> JobBody {
        let self_url = job_url(ctx.public_url, &self.id);
        let steps = self
            .plan
            .iter()
            .zip(&self.steps)
            .map(|(p, s)| StepBody {
                title: p.title.as_str(),
                status: s.status.as_str(),
                result: match &s.result {
                    StepResult::Null => None,
                    StepResult::Link(url) => Some(ResultBody::Link {
                        kind: "link",
                        url: url.clone(),
                    }),
                    StepResult::Failure(f) => Some(ResultBody::Failure {
                        code: f.code,
                        title: f.title,
                        detail: f.detail,
                    }),
                    StepResult::Challenge => match &p.outcome {
                        Outcome::Challenge(mfa) => Some(ResultBody::Mfa {
                            kind: "mfa",
                            method: mfa.method,
                            description: mfa.description,
                            input: mfa.input.clone(),
                            expiry_ms: MFA_EXPIRY_MS,
                            links: MfaLinks {
                                response: format!("{self_url}/mfa"),
                            },
                        }),
                        _ => None,
                    },
                },
            })
            .collect();
        JobBody {
            kind: "job",
            id: self.id.clone(),
            created: rfc3339(self.created),
            updated: rfc3339(self.updated),
            job_type: "connection",
            status: self.status(),
            partner_id: ctx.partner_id.to_owned(),
            application_id: ctx.application_id.to_owned(),
            steps,
            links: JobLinks {
                source: self.has_started().then(|| {
                    format!(
                        "{}/users/{}/connections/{}",
                        ctx.public_url, self.user_id, self.connection_id
                    )
                }),
                self_: self_url,
            },
        }
    }

    /// The short job answer of the endpoints that start jobs.
    pub fn render_ref(&self, public_url: &str) -> JobRef {
        JobRef {
            kind: "job",
            id: self.id.clone(),
            links: crate::connectors::SelfLink {
                self_: job_url(public_url, &self.id),
            },
        }
    }
}

/// The absolute URL of a job.
pub fn job_url(public_url: &str, id: &str) -> String {
    format!("{public_url}/jobs/{id}")
}

/// A successful step's result link, relative to the API origin; the accounts and transactions
/// links are filtered by institution, as in Basiq's answers.
fn result_link(
    title: StepTitle,
    user: &str,
    connection: &str,
    institution: &str,
) -> Option<String> {
    match title {
        StepTitle::VerifyCredentials => Some(format!("/users/{user}/connections/{connection}")),
        StepTitle::RetrieveAccounts => Some(format!(
            "/users/{user}/accounts?filter=institution.id.eq('{institution}')"
        )),
        StepTitle::RetrieveTransactions => Some(format!(
            "/users/{user}/transactions?filter=institution.id.eq('{institution}')"
        )),
        StepTitle::MfaChallenge => None,
    }
}

/// `GET /jobs/{id}` body.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JobBody {
    #[serde(rename = "type")]
    kind: &'static str,
    id: String,
    created: String,
    updated: String,
    job_type: &'static str,
    status: &'static str,
    partner_id: String,
    application_id: String,
    steps: Vec<StepBody>,
    links: JobLinks,
}

#[derive(Debug, Serialize)]
struct StepBody {
    title: &'static str,
    status: &'static str,
    result: Option<ResultBody>,
}

/// A step's non-null `result`; a failure has no `type` field, as in every Basiq example.
#[derive(Debug, Serialize)]
#[serde(untagged)]
enum ResultBody {
    Link {
        #[serde(rename = "type")]
        kind: &'static str,
        url: String,
    },
    Failure {
        code: &'static str,
        title: &'static str,
        detail: &'static str,
    },
    Mfa {
        #[serde(rename = "type")]
        kind: &'static str,
        method: &'static str,
        description: &'static str,
        input: Vec<&'static str>,
        #[serde(rename = "expiryMs")]
        expiry_ms: Millis,
        links: MfaLinks,
    },
}

#[derive(Debug, Serialize)]
struct MfaLinks {
    response: String,
}

#[derive(Debug, Serialize)]
struct JobLinks {
    #[serde(rename = "self")]
    self_: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<String>,
}

/// `{"type":"job","id":…,"links":{"self":…}}`.
#[derive(Debug, Serialize)]
pub struct JobRef {
    #[serde(rename = "type")]
    kind: &'static str,
    id: String,
    links: crate::connectors::SelfLink,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connectors::{catalogue, Institution, AVIATO, HOOLI, PIED_PIPER};
    use crate::rng::Rng;
    use crate::scenarios::{plan, Credentials, Operation, ACCOUNT_LOCKED, REQUIRES_USER_ACTION};
    use serde_json::{json, Value};

    const T0: Millis = 1_700_000_000_000;

    fn institution(id: &str) -> Institution {
        catalogue().into_iter().find(|i| i.id == id).unwrap()
    }

    fn job(inst: &str, login: &str, password: &str, op: Operation) -> Job {
        let creds = Credentials {
            login_id: login.into(),
            password: password.into(),
            security_code: None,
            secondary_login_id: None,
        };
        let p = plan(&institution(inst), &creds, op, &mut Rng::stream(5, 2));
        Job::new("J".into(), "U".into(), "C".into(), inst.into(), p, T0, 0)
    }

    fn body(j: &Job) -> Value {
        let ctx = RenderContext {
            public_url: "http://x",
            partner_id: "P",
            application_id: "A",
        };
        serde_json::to_value(j.render(&ctx)).unwrap()
    }

    fn statuses(j: &Job) -> Vec<&'static str> {
        j.statuses().iter().map(|(_, s)| s.as_str()).collect()
    }

    /// Total planned duration of the timed steps.
    fn total(j: &Job) -> Millis {
        j.plan.iter().map(|p| p.duration_ms).sum()
    }

    #[test]
    fn happy_job_runs_through_its_steps() {
        let mut j = job(HOOLI, "someone", "pw", Operation::Create);
        j.advance(T0, false);
        let b = body(&j);
        assert_eq!(statuses(&j), ["pending", "pending", "pending"]);
        assert!(b["links"].get("source").is_none());
        assert_eq!(b["links"]["self"], "http://x/jobs/J");
        j.advance(T0 + QUEUE_DELAY_MS, false);
        assert_eq!(statuses(&j), ["in-progress", "pending", "pending"]);
        assert_eq!(
            body(&j)["links"]["source"],
            "http://x/users/U/connections/C"
        );
        j.advance(T0 + QUEUE_DELAY_MS + total(&j), false);
        assert_eq!(statuses(&j), ["success", "success", "success"]);
        assert!(!j.is_unfinished(T0 + QUEUE_DELAY_MS + total(&j)));
        let b = body(&j);
        assert_eq!(
            b["steps"][0]["result"],
            json!({"type":"link","url":"/users/U/connections/C"})
        );
        assert_eq!(
            b["steps"][1]["result"]["url"],
            "/users/U/accounts?filter=institution.id.eq('AU00000')"
        );
        assert_eq!(
            b["steps"][2]["result"]["url"],
            "/users/U/transactions?filter=institution.id.eq('AU00000')"
        );
        assert_eq!(b["updated"], rfc3339(T0 + QUEUE_DELAY_MS + total(&j)));
        assert_eq!(b["created"], rfc3339(T0));
    }

    #[test]
    fn a_failed_step_has_no_type_and_leaves_later_steps_pending() {
        let mut j = job(HOOLI, "bighead", "password", Operation::Create);
        j.advance(T0 + 60_000, false);
        assert_eq!(statuses(&j), ["failed", "pending", "pending"]);
        let b = body(&j);
        assert_eq!(
            b["steps"][0]["result"],
            json!({"code": ACCOUNT_LOCKED.code, "title": ACCOUNT_LOCKED.title, "detail": ACCOUNT_LOCKED.detail})
        );
        assert_eq!(b["steps"][1]["result"], Value::Null);
        assert!(!j.is_unfinished(T0 + 60_000));

        let mut j = job(HOOLI, "erlich", "aviato", Operation::Refresh);
        j.advance(T0 + 60_000, false);
        assert_eq!(statuses(&j), ["success", "failed", "pending"]);
        assert_eq!(
            body(&j)["steps"][1]["result"]["code"],
            REQUIRES_USER_ACTION.code
        );
    }

    #[test]
    fn jian_yang_update_succeeds_on_the_second_retry() {
        let mut j = job(HOOLI, "jianYang", "nothotdog", Operation::Update);
        let failed_at = T0 + QUEUE_DELAY_MS + j.plan[0].duration_ms + j.plan[1].duration_ms;
        j.advance(failed_at, false);
        assert_eq!(statuses(&j), ["success", "failed", "pending"]);
        assert!(j.is_unfinished(failed_at), "queued jobs are unfinished");
        // First retry: in progress, then failed again.
        j.advance(failed_at + RETRY_INTERVAL_MS, false);
        assert_eq!(statuses(&j), ["success", "in-progress", "pending"]);
        assert_eq!(body(&j)["steps"][1]["result"], Value::Null);
        let second_fail = failed_at + RETRY_INTERVAL_MS + j.plan[1].duration_ms;
        j.advance(second_fail, false);
        assert_eq!(statuses(&j), ["success", "failed", "pending"]);
        // Second retry succeeds, and the job goes on to the end.
        j.advance(
            second_fail + RETRY_INTERVAL_MS + j.plan[1].duration_ms,
            false,
        );
        assert_eq!(statuses(&j), ["success", "success", "in-progress"]);
        let end = second_fail + RETRY_INTERVAL_MS + j.plan[1].duration_ms + j.plan[2].duration_ms;
        j.advance(end, false);
        assert_eq!(statuses(&j), ["success", "success", "success"]);
        assert!(!j.is_unfinished(end));
    }

    #[test]
    fn one_clock_jump_replays_the_whole_retry_queue() {
        let mut j = job(HOOLI, "jianYang", "nothotdog", Operation::Update);
        j.advance(T0 + 5 * RETRY_INTERVAL_MS, false);
        assert_eq!(statuses(&j), ["success", "success", "success"]);
    }

    #[test]
    fn jian_yang_create_just_fails() {
        let mut j = job(HOOLI, "jianYang", "nothotdog", Operation::Create);
        j.advance(T0 + 60_000, false);
        assert_eq!(statuses(&j), ["success", "failed", "pending"]);
        j.advance(T0 + 3 * RETRY_INTERVAL_MS, false);
        assert_eq!(statuses(&j), ["success", "failed", "pending"]);
        assert!(!j.is_unfinished(T0 + 60_000));
    }

    #[test]
    fn a_retry_queue_that_never_succeeds_expires_after_7_days() {
        let mut j = job(AVIATO, "anyone", "pw", Operation::Update);
        j.advance(T0 + 3 * RETRY_INTERVAL_MS, true);
        assert_eq!(statuses(&j)[0], "failed");
        assert!(j.is_unfinished(T0 + 3 * RETRY_INTERVAL_MS));
        j.advance(T0 + LIFETIME_MS + RETRY_INTERVAL_MS, true);
        assert_eq!(j.phase, Phase::Done);
        assert!(j.is_expired(T0 + LIFETIME_MS));
        assert!(!j.is_unfinished(T0 + LIFETIME_MS));
    }

    #[test]
    fn outage_fails_verify_credentials_until_lifted() {
        let mut j = job(AVIATO, "anyone", "pw", Operation::Create);
        j.advance(T0 + 60_000, true);
        assert_eq!(statuses(&j), ["failed", "pending", "pending"]);
        assert_eq!(
            body(&j)["steps"][0]["result"]["code"],
            "service-unavailable"
        );
        let mut j = job(AVIATO, "anyone", "pw", Operation::Create);
        j.advance(T0 + 60_000, false);
        assert_eq!(statuses(&j), ["success", "success", "success"]);
        // An update during the outage waits in the queue and succeeds once it lifts.
        let mut j = job(AVIATO, "anyone", "pw", Operation::Update);
        j.advance(T0 + 60_000, true);
        assert_eq!(statuses(&j)[0], "failed");
        j.advance(T0 + 60_000 + RETRY_INTERVAL_MS + 60_000, false);
        assert_eq!(statuses(&j), ["success", "success", "success"]);
    }

    fn at_challenge(login: &str, password: &str) -> (Job, Millis) {
        let mut j = job(PIED_PIPER, login, password, Operation::Create);
        let at = T0 + QUEUE_DELAY_MS + j.plan[0].duration_ms;
        j.advance(at, false);
        (j, at)
    }

    #[test]
    fn mfa_challenge_waits_for_the_right_answer() {
        let (mut j, at) = at_challenge("jared", "django");
        assert_eq!(
            statuses(&j),
            ["success", "in-progress", "pending", "pending"]
        );
        let b = body(&j);
        let r = &b["steps"][1]["result"];
        assert_eq!(r["type"], "mfa");
        assert_eq!(r["method"], "token");
        assert_eq!(r["input"], json!(["OTP Password"]));
        assert_eq!(r["expiryMs"], 120_000);
        assert_eq!(r["links"]["response"], "http://x/jobs/J/mfa");
        // Waiting does not end the step before expiry.
        j.advance(at + MFA_EXPIRY_MS - 1, false);
        assert_eq!(statuses(&j)[1], "in-progress");
        assert!(j.answer_mfa(&["1234".into()], at + 1_000, false).is_ok());
        assert_eq!(
            statuses(&j),
            ["success", "success", "in-progress", "pending"]
        );
        assert_eq!(body(&j)["steps"][1]["result"], Value::Null);
        assert_eq!(
            j.answer_mfa(&["1234".into()], at + 1_000, false),
            Err(NoChallengePending)
        );
        j.advance(at + 1_000 + total(&j), false);
        assert_eq!(statuses(&j), ["success"; 4]);
    }

    #[test]
    fn wrong_mfa_answer_fails_the_step() {
        let (mut j, at) = at_challenge("gavinBelson", "hooli2016");
        assert!(j.answer_mfa(&["Pied Piper".into()], at, false).is_ok());
        assert_eq!(statuses(&j), ["success", "failed", "pending", "pending"]);
        assert_eq!(
            body(&j)["steps"][1]["result"]["code"],
            "invalid-credentials"
        );
        assert_eq!(
            body(&j)["steps"][1]["result"]["title"],
            "Multi-factor authentication failed."
        );
    }

    #[test]
    fn unanswered_mfa_times_out() {
        let (mut j, at) = at_challenge("Whistler", "ShowBox");
        j.advance(at + MFA_EXPIRY_MS, false);
        assert_eq!(statuses(&j), ["success", "failed", "pending", "pending"]);
        assert_eq!(body(&j)["steps"][1]["result"]["code"], "job-timed-out");
        assert_eq!(body(&j)["updated"], rfc3339(at + MFA_EXPIRY_MS));
        assert_eq!(
            j.answer_mfa(
                &["Basiq".into(), "AU00000".into()],
                at + MFA_EXPIRY_MS,
                false
            ),
            Err(NoChallengePending)
        );
    }

    #[test]
    fn the_end_of_time_does_not_overflow() {
        let mut j = job(HOOLI, "jianYang", "nothotdog", Operation::Update);
        j.advance(Millis::MAX, false);
        assert!(!j.is_unfinished(Millis::MAX));
        let mut j = Job::new(
            "J".into(),
            "U".into(),
            "C".into(),
            "AU00000".into(),
            Vec::new(),
            Millis::MAX,
            DUPLICATE_PAUSE_MS,
        );
        j.advance(Millis::MAX, false);
        assert!(!j.is_unfinished(Millis::MAX));
    }

    #[test]
    fn job_level_status_follows_the_steps() {
        let mut j = job(HOOLI, "someone", "pw", Operation::Create);
        assert_eq!(
            (j.status(), body(&j)["status"].clone()),
            ("pending", json!("pending"))
        );
        j.advance(T0 + QUEUE_DELAY_MS, false);
        assert_eq!(j.status(), "in-progress");
        assert_eq!(j.credentials_check(), None);
        j.advance(T0 + QUEUE_DELAY_MS + total(&j), false);
        assert_eq!(body(&j)["status"], "success");
        assert_eq!(
            j.credentials_check(),
            Some(Ok(T0 + QUEUE_DELAY_MS + j.plan[0].duration_ms))
        );
        let mut j = job(HOOLI, "bighead", "password", Operation::Create);
        j.advance(T0 + 60_000, false);
        assert_eq!(body(&j)["status"], "failed");
        assert_eq!(j.credentials_check(), Some(Err("invalid-credentials")));
        // Waiting in the retry queue is still in progress.
        let mut j = job(HOOLI, "jianYang", "nothotdog", Operation::Update);
        j.advance(T0 + 60_000, false);
        assert_eq!(statuses(&j)[1], "failed");
        assert_eq!(j.status(), "in-progress");
    }

    #[test]
    fn a_paused_job_starts_six_minutes_late() {
        let creds = Credentials {
            login_id: "a".into(),
            password: "b".into(),
            security_code: None,
            secondary_login_id: None,
        };
        let p = plan(
            &institution(HOOLI),
            &creds,
            Operation::Create,
            &mut Rng::stream(5, 2),
        );
        let mut j = Job::new(
            "J".into(),
            "U".into(),
            "C".into(),
            HOOLI.into(),
            p,
            T0,
            DUPLICATE_PAUSE_MS,
        );
        j.advance(T0 + DUPLICATE_PAUSE_MS + QUEUE_DELAY_MS - 1, false);
        assert_eq!(j.status(), "pending");
        assert_eq!(statuses(&j), ["pending"; 3]);
        j.advance(T0 + DUPLICATE_PAUSE_MS + QUEUE_DELAY_MS, false);
        assert_eq!(statuses(&j)[0], "in-progress");
    }

    #[test]
    fn no_challenge_before_it_starts() {
        let mut j = job(PIED_PIPER, "jared", "django", Operation::Create);
        assert_eq!(
            j.answer_mfa(&["1234".into()], T0, false),
            Err(NoChallengePending)
        );
    }
}
