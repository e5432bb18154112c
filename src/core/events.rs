//! What a watch reports: step events, progress, MFA challenges, and its one outcome.

use serde::ser::{SerializeStruct, Serializer};
use serde::Serialize;

use super::advice::{ConnectorStatus, FailureAdvice};
use super::job::{Failure, MfaMethod, SharedJob, StepStatus};

/// One step's status change (`StepEvent`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StepEvent {
    pub step: String,
    pub index: usize,
    pub total: usize,
    pub status: StepStatus,
    pub previous: StepStatus,
    /// The step's result link, absolute.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<Failure>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub advice: Option<FailureAdvice>,
}

/// How far the job has come.
#[derive(Clone, Debug, PartialEq)]
pub struct Progress {
    pub job: SharedJob,
    pub completed: usize,
    pub total: usize,
    pub eta_ms: Option<u64>,
}

impl Progress {
    /// Completed steps as a share of all steps, 0 to 1.
    pub fn fraction(&self) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            self.completed as f64 / self.total as f64
        }
    }
}

/// `{ job, completed, total, fraction, etaMs? }`.
impl Serialize for Progress {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut p = s.serialize_struct("Progress", 5)?;
        p.serialize_field("job", &self.job)?;
        p.serialize_field("completed", &self.completed)?;
        p.serialize_field("total", &self.total)?;
        p.serialize_field("fraction", &self.fraction())?;
        match self.eta_ms {
            Some(ms) => p.serialize_field("etaMs", &Ms(ms))?,
            None => p.skip_field("etaMs")?,
        }
        p.end()
    }
}

/// A whole number of milliseconds, written as [`super::ms`] writes them.
struct Ms(u64);

impl Serialize for Ms {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        super::ms::serialize(&self.0, s)
    }
}

/// An MFA challenge the user must answer (`MfaChallenge`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MfaChallenge {
    pub step: String,
    pub method: MfaMethod,
    pub prompts: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Unix ms after which the bank no longer accepts an answer.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "super::ms::serialize_opt"
    )]
    pub expires_at: Option<u64>,
}

/// An automatic retry (`autoRetry`): the failed job, and the refresh about to start.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RetryEvent {
    /// The attempt the refresh will be, counting the connection's run (2 for the first retry).
    pub attempt: u32,
    /// How long until the refresh starts.
    #[serde(serialize_with = "super::ms::serialize")]
    pub retry_after_ms: u64,
    /// The advice for the failure being retried.
    pub advice: FailureAdvice,
    /// The failed job.
    pub job: SharedJob,
}

/// An institution's major outage is over.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OutageLifted {
    pub institution_id: String,
    /// Its status now.
    pub status: ConnectorStatus,
}

/// Something the watch reports through a callback: each is its callback's argument.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Event {
    Step(StepEvent),
    Progress(Progress),
    Mfa(MfaChallenge),
    Retry(RetryEvent),
    OutageLifted(OutageLifted),
}

/// What went wrong with the watch itself (as opposed to a failed step).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ErrorKind {
    Network,
    Http,
    Unauthorized,
    NotFound,
    InvalidResponse,
    UntrustedUrl,
    Expired,
    /// A bug in this module: every pending watch ends with it rather than hang.
    Internal,
}

impl ErrorKind {
    /// The JS spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Network => "network",
            Self::Http => "http",
            Self::Unauthorized => "unauthorized",
            Self::NotFound => "not-found",
            Self::InvalidResponse => "invalid-response",
            Self::UntrustedUrl => "untrusted-url",
            Self::Expired => "expired",
            Self::Internal => "internal",
        }
    }
}

/// A watch error: its kind, the HTTP status if any, and a developer-facing message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WatchError {
    pub kind: ErrorKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    pub message: String,
}

/// How a watch ended (`JobOutcome`, tagged by `status`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(
    tag = "status",
    rename_all = "kebab-case",
    rename_all_fields = "camelCase"
)]
pub enum Outcome {
    Success {
        job: SharedJob,
        #[serde(skip_serializing_if = "Option::is_none")]
        connection_url: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        accounts_url: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        transactions_url: Option<String>,
    },
    Failed {
        job: SharedJob,
        step: String,
        failure: Failure,
        advice: FailureAdvice,
    },
    Cancelled {
        job: Option<SharedJob>,
    },
    TimedOut {
        job: Option<SharedJob>,
        #[serde(serialize_with = "super::ms::serialize")]
        elapsed_ms: u64,
    },
    Error {
        job: Option<SharedJob>,
        error: WatchError,
        advice: FailureAdvice,
    },
}

impl Outcome {
    /// The JS `status` discriminant.
    pub fn status(&self) -> &'static str {
        match self {
            Self::Success { .. } => "success",
            Self::Failed { .. } => "failed",
            Self::Cancelled { .. } => "cancelled",
            Self::TimedOut { .. } => "timed-out",
            Self::Error { .. } => "error",
        }
    }

    /// The last job snapshot, if any arrived.
    pub fn job(&self) -> Option<&SharedJob> {
        match self {
            Self::Success { job, .. } | Self::Failed { job, .. } => Some(job),
            Self::Cancelled { job } | Self::TimedOut { job, .. } | Self::Error { job, .. } => {
                job.as_ref()
            }
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::core::test_json::to_json;

    fn job() -> SharedJob {
        SharedJob::new(crate::core::job::Job {
            id: "j".into(),
            job_type: None,
            status: None,
            created: None,
            updated: None,
            steps: Vec::new(),
            links: Default::default(),
        })
    }

    #[test]
    fn outcomes_are_tagged_by_status_with_absent_fields_left_out() {
        let timed_out = Outcome::TimedOut {
            job: None,
            elapsed_ms: 600_000,
        };
        assert_eq!(
            to_json(&timed_out),
            r#"{"status":"timed-out","job":null,"elapsedMs":600000}"#
        );
        let success = Outcome::Success {
            job: job(),
            connection_url: Some("https://x/c".into()),
            accounts_url: None,
            transactions_url: None,
        };
        assert_eq!(
            to_json(&success),
            r#"{"status":"success","job":{"id":"j","steps":[],"links":{"self":null}},"connectionUrl":"https://x/c"}"#
        );
    }

    #[test]
    fn events_are_their_callbacks_argument() {
        let progress = Event::Progress(Progress {
            job: job(),
            completed: 1,
            total: 4,
            eta_ms: None,
        });
        assert_eq!(
            to_json(&progress),
            r#"{"job":{"id":"j","steps":[],"links":{"self":null}},"completed":1,"total":4,"fraction":0.25}"#
        );
        let lifted = Event::OutageLifted(OutageLifted {
            institution_id: "AU00000".into(),
            status: ConnectorStatus::PartialOutage,
        });
        assert_eq!(
            to_json(&lifted),
            r#"{"institutionId":"AU00000","status":"partial-outage"}"#
        );
        let error = WatchError {
            kind: ErrorKind::UntrustedUrl,
            http_status: None,
            message: "m".into(),
        };
        assert_eq!(to_json(&error), r#"{"kind":"untrusted-url","message":"m"}"#);
    }
}
