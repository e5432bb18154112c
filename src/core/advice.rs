//! Failure advice: what a failed step means for the user, and the one thing to do next.

use super::job::Failure;
use super::messages::Catalogue;

/// Basiq retries a queued update every 2 hours.
pub const AUTOMATIC_RETRY_MS: u64 = 2 * 60 * 60 * 1000;
/// The seeds' "wait 10 minutes and try again".
pub const TRY_LATER_MS: u64 = 10 * 60 * 1000;
/// Maintenance windows are measured in hours; suggest an hour.
pub const MAINTENANCE_MS: u64 = 60 * 60 * 1000;
/// Rate limits clear quickly.
pub const RATE_LIMIT_MS: u64 = 60 * 1000;
/// From this many consecutive `service-unavailable` jobs on, the user is sent to support.
pub const SUPPORT_AFTER_ATTEMPTS: u32 = 3;

/// What started the job.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Operation {
    #[default]
    Create,
    Refresh,
    Update,
}

impl Operation {
    /// Reads the JS spelling (`create`, `refresh`, `update`).
    pub fn from_str_opt(s: &str) -> Option<Self> {
        match s {
            "create" => Some(Self::Create),
            "refresh" => Some(Self::Refresh),
            "update" => Some(Self::Update),
            _ => None,
        }
    }

    /// The JS spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Create => "create",
            Self::Refresh => "refresh",
            Self::Update => "update",
        }
    }
}

/// An institution's health, from `/connectors`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ConnectorStatus {
    Operational,
    DegradedPerformance,
    PartialOutage,
    MajorOutage,
    UnderMaintenance,
    Unknown,
}

impl ConnectorStatus {
    /// Reads a wire status; anything unrecognised is `Unknown`.
    pub fn from_wire(s: &str) -> Self {
        match s {
            "operational" => Self::Operational,
            "degraded-performance" => Self::DegradedPerformance,
            "partial-outage" => Self::PartialOutage,
            "major-outage" => Self::MajorOutage,
            "under-maintenance" => Self::UnderMaintenance,
            _ => Self::Unknown,
        }
    }

    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Operational => "operational",
            Self::DegradedPerformance => "degraded-performance",
            Self::PartialOutage => "partial-outage",
            Self::MajorOutage => "major-outage",
            Self::UnderMaintenance => "under-maintenance",
            Self::Unknown => "unknown",
        }
    }
}

/// The one thing the user should do next.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// Enter credentials again; the next call is Update Connection.
    ResubmitCredentials,
    /// Clear a popup or pending action in internet banking, then refresh.
    ClearBankPopup,
    /// Nothing: Basiq retries the job by itself.
    WaitForAutomaticRetry,
    /// Wait until the institution's outage lifts.
    WaitForOutage,
    /// Try again after `retryAfterMs`.
    TryLater,
    /// Contact support, quoting `supportReference`.
    ContactSupport,
    /// This institution cannot be connected; pick another.
    ChooseAnotherInstitution,
    /// Start the connection again now (consent denied, MFA expired, session ended).
    StartAgain,
    /// Upload a different statement file.
    UploadAnotherFile,
    /// Check the payment's details (who is paid, from which account) and send it again.
    CheckPaymentDetails,
}

impl Action {
    /// The JS spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ResubmitCredentials => "resubmit-credentials",
            Self::ClearBankPopup => "clear-bank-popup",
            Self::WaitForAutomaticRetry => "wait-for-automatic-retry",
            Self::WaitForOutage => "wait-for-outage",
            Self::TryLater => "try-later",
            Self::ContactSupport => "contact-support",
            Self::ChooseAnotherInstitution => "choose-another-institution",
            Self::StartAgain => "start-again",
            Self::UploadAnotherFile => "upload-another-file",
            Self::CheckPaymentDetails => "check-payment-details",
        }
    }
}

/// What is known around a failure.
#[derive(Clone, Debug, Default)]
pub struct FailureContext {
    pub step: Option<String>,
    pub operation: Operation,
    pub connector_status: Option<ConnectorStatus>,
    /// Consecutive jobs of this connection that failed this way, this one included.
    pub attempt: Option<u32>,
    pub connection_id: Option<String>,
    pub job_id: Option<String>,
    /// The job's `jobType` (`connection`, `report`, `payout`, `payrequest`), when known.
    pub job_type: Option<String>,
}

/// Advice for the user about a failure (`FailureAdvice`).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FailureAdvice {
    pub code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step: Option<String>,
    pub action: Action,
    pub title: String,
    pub message: String,
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "super::ms::serialize_opt"
    )]
    pub retry_after_ms: Option<u64>,
    pub automatic_retry: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub support_reference: Option<String>,
}

/// How a rule answers: which messages, which action, and the numbers that go with it.
struct Rule {
    key: &'static str,
    action: Action,
    retry_after_ms: Option<u64>,
    automatic_retry: bool,
}

const fn rule(key: &'static str, action: Action, retry_after_ms: Option<u64>) -> Rule {
    Rule {
        key,
        action,
        retry_after_ms,
        automatic_retry: false,
    }
}

/// Advice for a failed step: the seeds' table, then sensible advice for every other code.
pub fn describe_failure(failure: &Failure, ctx: &FailureContext, cat: &Catalogue) -> FailureAdvice {
    let r = choose(failure, ctx);
    let reference = support_reference(ctx);
    let minutes = r.retry_after_ms.map(|ms| (ms / 60_000).to_string());
    let vars = [
        ("minutes", minutes.as_deref().unwrap_or("10")),
        ("reference", reference.as_deref().unwrap_or("")),
    ];
    FailureAdvice {
        code: failure.code.clone(),
        step: ctx.step.clone(),
        action: r.action,
        title: cat.text(&format!("{}.title", r.key), &vars),
        message: cat.message(r.key, &vars),
        retry_after_ms: r.retry_after_ms,
        automatic_retry: r.automatic_retry,
        support_reference: (r.action == Action::ContactSupport)
            .then_some(reference)
            .flatten(),
    }
}

fn support_reference(ctx: &FailureContext) -> Option<String> {
    ctx.connection_id
        .clone()
        .or_else(|| ctx.job_id.clone())
        .filter(|s| !s.is_empty())
}

/// What kind of job failed: the same code means different things on each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum JobKind {
    /// A bank connection (create, refresh, update).
    Connection,
    /// A statement upload or a report (`jobType: "report"`).
    Statement,
    /// A payment (`jobType` `payout` or `payrequest`).
    Payment,
    /// Not said, and the step's title does not tell.
    Unknown,
}

/// The job's kind from its `jobType`, else from the step's title (statement and payment steps
/// have titles of their own; connection steps are not inferred, so that a bare code keeps its
/// everyday meaning).
fn job_kind(ctx: &FailureContext) -> JobKind {
    match ctx.job_type.as_deref() {
        Some("connection") => return JobKind::Connection,
        Some("report" | "statement") => return JobKind::Statement,
        Some("payout" | "payrequest") => return JobKind::Payment,
        _ => {}
    }
    match ctx.step.as_deref() {
        Some("retrieve-statements" | "create-report") => JobKind::Statement,
        Some(
            "validate-payment"
            | "validate-payer-information"
            | "external-processing"
            | "payment-completed",
        ) => JobKind::Payment,
        _ => JobKind::Unknown,
    }
}

/// A case-insensitive search of the failure's title and detail.
fn says(failure: &Failure, needles: &[&str]) -> bool {
    [&failure.title, &failure.detail].into_iter().any(|s| {
        s.as_deref().is_some_and(|t| {
            let t = t.to_ascii_lowercase();
            needles.iter().any(|n| t.contains(n))
        })
    })
}

/// Codes that only ever mean "the uploaded file is wrong", with the text that says how.
fn file_problem(code: &str) -> Option<&'static str> {
    Some(match code {
        "invalid-csv-row" => "statement.fields",
        "empty-file" => "statement.empty",
        "row-count-exceeded" => "statement.too-many-rows",
        "account-data-differs" => "statement.account-differs",
        "txn-after-last-updated-date" => "statement.dates",
        c if c.starts_with("bank-statement-") => "statement",
        _ => return None,
    })
}

/// Codes that say something on Basiq's or the bank's side went wrong, and may pass.
fn is_transient(code: &str) -> bool {
    matches!(
        code,
        "service-unavailable"
            | "system-unavailable"
            | "connector-error"
            | "maintenance"
            | "maintenance-error"
            | "too-many-requests"
            | "job-timed-out"
            | "unknown-error"
    )
}

/// Advice on a payment: always about the payment, never about signing in to a bank.
fn choose_payment(failure: &Failure, ctx: &FailureContext, attempt: u32) -> Rule {
    let code = failure.code.as_str();
    let sent = matches!(
        ctx.step.as_deref(),
        Some("external-processing" | "payment-completed")
    );
    match code {
        "account-not-accessible-requires-user-action" | "user-action-required" => {
            rule("payment.bank-action", Action::ClearBankPopup, None)
        }
        // Once the payment has gone out, sending it again could pay twice: support checks first.
        _ if sent => rule("payment.processing", Action::ContactSupport, None),
        _ if attempt >= SUPPORT_AFTER_ATTEMPTS => {
            rule("payment.support", Action::ContactSupport, None)
        }
        "maintenance" | "maintenance-error" => {
            rule("payment.try-later", Action::TryLater, Some(MAINTENANCE_MS))
        }
        "too-many-requests" => rule(
            "payment.too-many-requests",
            Action::TryLater,
            Some(RATE_LIMIT_MS),
        ),
        c if is_transient(c) => rule("payment.try-later", Action::TryLater, Some(TRY_LATER_MS)),
        "institution-not-found"
        | "institution-not-available"
        | "institution-disabled"
        | "institution-not-supported" => rule(
            "payment.institution",
            Action::ChooseAnotherInstitution,
            None,
        ),
        // Everything else a payment step refuses is about the payment's details.
        c if c.contains("payee") => rule("payment.payee", Action::CheckPaymentDetails, None),
        c if c.contains("payer") || ctx.step.as_deref() == Some("validate-payer-information") => {
            rule("payment.payer", Action::CheckPaymentDetails, None)
        }
        _ => rule("payment.details", Action::CheckPaymentDetails, None),
    }
}

fn choose(failure: &Failure, ctx: &FailureContext) -> Rule {
    let code = failure.code.as_str();
    let on_mfa = ctx.step.as_deref() == Some("mfa-challenge");
    let attempt = ctx.attempt.unwrap_or(1);
    let kind = job_kind(ctx);
    if code == "too-many-sandbox-connections" {
        // Basiq's docs: only Basiq can lift the limit.
        return rule("too-many-sandbox-connections", Action::ContactSupport, None);
    }
    if kind == JobKind::Payment {
        return choose_payment(failure, ctx, attempt);
    }
    // A file problem, wherever a file can be: not on a job that says it is a connection.
    if let Some(key) = file_problem(code).filter(|_| kind != JobKind::Connection) {
        return rule(key, Action::UploadAnotherFile, None);
    }
    match code {
        "invalid-credentials" => {
            const UNSUPPORTED: &[&str] = &["not supported", "unsupported", "isn't supported"];
            const MFA: &[&str] = &["authentication", "multi-factor", "two-factor", "mfa", "2fa"];
            let (key, action) = if says(failure, &["locked"]) {
                // Once the bank has unlocked it, the sign-in details are what the user gives again.
                ("invalid-credentials.locked", Action::ResubmitCredentials)
            } else if says(failure, UNSUPPORTED) && says(failure, MFA) {
                // No sign-in details will get past a verification Basiq cannot complete.
                (
                    "invalid-credentials.mfa-unsupported",
                    Action::ChooseAnotherInstitution,
                )
            } else if on_mfa {
                ("invalid-credentials.mfa", Action::ResubmitCredentials)
            } else if ctx.operation == Operation::Refresh {
                ("invalid-credentials.refresh", Action::ResubmitCredentials)
            } else {
                ("invalid-credentials", Action::ResubmitCredentials)
            };
            rule(key, action, None)
        }
        "account-not-accessible-requires-user-action" | "user-action-required" => rule(
            "account-not-accessible-requires-user-action",
            Action::ClearBankPopup,
            None,
        ),
        "service-unavailable" if ctx.operation == Operation::Update => Rule {
            key: "service-unavailable.automatic",
            action: Action::WaitForAutomaticRetry,
            retry_after_ms: Some(AUTOMATIC_RETRY_MS),
            automatic_retry: true,
        },
        "service-unavailable" if ctx.connector_status == Some(ConnectorStatus::MajorOutage) => {
            rule("service-unavailable.outage", Action::WaitForOutage, None)
        }
        "service-unavailable" if attempt >= SUPPORT_AFTER_ATTEMPTS => {
            rule("service-unavailable.support", Action::ContactSupport, None)
        }
        "service-unavailable" => rule(
            "service-unavailable.try-later",
            Action::TryLater,
            Some(TRY_LATER_MS),
        ),
        "maintenance" | "maintenance-error" => {
            rule("maintenance", Action::TryLater, Some(MAINTENANCE_MS))
        }
        "institution-not-found"
        | "institution-not-available"
        | "institution-disabled"
        | "institution-not-supported" => {
            rule("institution-gone", Action::ChooseAnotherInstitution, None)
        }
        "authorization-failed" => rule("authorization-failed", Action::StartAgain, None),
        // Basiq's 2.1 error table: on a statement these are the CSV's fields, not sign-in details.
        "missing-required-field" | "missing-required-field-value" | "invalid-field-value"
            if kind == JobKind::Statement =>
        {
            rule("statement.fields", Action::UploadAnotherFile, None)
        }
        "missing-required-field" | "missing-required-field-value" | "invalid-field-value" => {
            rule("invalid-details", Action::ResubmitCredentials, None)
        }
        "invalid-connection" => rule("invalid-connection", Action::StartAgain, None),
        "job-timed-out" if on_mfa => rule("job-timed-out.mfa", Action::StartAgain, None),
        "job-timed-out" => rule("job-timed-out", Action::StartAgain, None),
        "too-many-requests" => rule("too-many-requests", Action::TryLater, Some(RATE_LIMIT_MS)),
        // Transient failures on our or Basiq's side, and every code we have never seen.
        _ if attempt >= SUPPORT_AFTER_ATTEMPTS => {
            rule("unknown.support", Action::ContactSupport, None)
        }
        "system-unavailable" | "connector-error" => {
            rule("system-unavailable", Action::TryLater, Some(TRY_LATER_MS))
        }
        _ => rule("unknown", Action::TryLater, Some(TRY_LATER_MS)),
    }
}
