//! What a watch reports: step events, progress, MFA challenges, and its one outcome.

use super::advice::{ConnectorStatus, FailureAdvice};
use super::job::{Failure, MfaMethod, SharedJob, StepStatus};

/// One step's status change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepEvent {
    pub step: String,
    pub index: usize,
    pub total: usize,
    pub status: StepStatus,
    pub previous: StepStatus,
    /// The step's result link, absolute.
    pub result_url: Option<String>,
    pub failure: Option<Failure>,
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

/// An MFA challenge the user must answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MfaChallenge {
    pub step: String,
    pub method: MfaMethod,
    pub prompts: Vec<String>,
    pub description: Option<String>,
    /// Unix ms after which the bank no longer accepts an answer.
    pub expires_at: Option<u64>,
}

/// An automatic retry (`autoRetry`): the failed job, and the refresh about to start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryEvent {
    /// The attempt the refresh will be, counting the connection's run (2 for the first retry).
    pub attempt: u32,
    /// How long until the refresh starts.
    pub retry_after_ms: u64,
    /// The advice for the failure being retried.
    pub advice: FailureAdvice,
    /// The failed job.
    pub job: SharedJob,
}

/// An institution's major outage is over.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutageLifted {
    pub institution_id: String,
    /// Its status now.
    pub status: ConnectorStatus,
}

/// Something the watch reports through a callback.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    Step(StepEvent),
    Progress(Progress),
    Mfa(MfaChallenge),
    Retry(RetryEvent),
    OutageLifted(OutageLifted),
}

/// What went wrong with the watch itself (as opposed to a failed step).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    Network,
    Http,
    Unauthorized,
    NotFound,
    InvalidResponse,
    UntrustedUrl,
    Expired,
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
        }
    }
}

/// A watch error: its kind, the HTTP status if any, and a developer-facing message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WatchError {
    pub kind: ErrorKind,
    pub http_status: Option<u16>,
    pub message: String,
}

/// How a watch ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Success {
        job: SharedJob,
        connection_url: Option<String>,
        accounts_url: Option<String>,
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
