//! Advice for what Basiq's codes mean on each kind of job: statements and reports, payments, the
//! sandbox's connection limit and the three kinds of `invalid-credentials`.
#![cfg(not(target_arch = "wasm32"))]

use basiq_jobs::core::advice::{
    describe_failure, Action, ConnectorStatus, FailureAdvice, FailureContext, Operation,
};
use basiq_jobs::core::events::Outcome;
use basiq_jobs::core::job::Failure;
use basiq_jobs::core::messages::Catalogue;
use basiq_jobs::core::watcher::WatchConfig;

#[path = "support/sim.rs"]
mod sim;
#[path = "support/urls.rs"]
mod urls;

const STATEMENT_FIELD_CODES: [&str; 3] = [
    "missing-required-field",
    "missing-required-field-value",
    "invalid-field-value",
];
const FILE_CODES: [&str; 7] = [
    "row-count-exceeded",
    "account-data-differs",
    "txn-after-last-updated-date",
    "bank-statement-invalid",
    "bank-statement-password-protected",
    "invalid-csv-row",
    "empty-file",
];
const PAYMENT_STEPS: [&str; 4] = [
    "validate-payment",
    "validate-payer-information",
    "external-processing",
    "payment-completed",
];
/// Words of the bank sign-in flow, which a payment's advice must never use.
const SIGN_IN_WORDS: [&str; 8] = [
    "sign in",
    "sign-in",
    "signing in",
    "log in",
    "login",
    "password",
    "enter them again",
    "connecting to your bank",
];

fn failure(code: &str) -> Failure {
    Failure {
        code: code.into(),
        title: None,
        detail: None,
    }
}

fn with_text(code: &str, title: Option<&str>, detail: Option<&str>) -> Failure {
    Failure {
        code: code.into(),
        title: title.map(Into::into),
        detail: detail.map(Into::into),
    }
}

fn advise(f: &Failure, ctx: &FailureContext) -> FailureAdvice {
    describe_failure(f, ctx, &Catalogue::default())
}

fn on(job_type: Option<&str>, step: &str) -> FailureContext {
    FailureContext {
        step: Some(step.into()),
        job_type: job_type.map(Into::into),
        connection_id: Some("conn-42".into()),
        ..Default::default()
    }
}

fn assert_plain(a: &FailureAdvice) {
    for text in [&a.title, &a.message] {
        assert!(!text.trim().is_empty(), "{a:?}");
        let code = a.code.trim_end_matches('.');
        if code.contains('-') {
            assert!(!text.contains(code), "raw code shown to the user: {a:?}");
        }
        assert!(!text.contains('{') && !text.contains('}'), "{a:?}");
    }
}

fn statement_contexts() -> Vec<FailureContext> {
    vec![
        on(Some("report"), "create-report"),
        on(Some("report"), "retrieve-statements"),
        // The step's title alone tells a statement job.
        on(None, "retrieve-statements"),
        on(None, "create-report"),
    ]
}

#[test]
fn statement_field_codes_on_statement_jobs_mean_upload_a_corrected_file() {
    for ctx in statement_contexts() {
        for code in STATEMENT_FIELD_CODES {
            let a = advise(&failure(code), &ctx);
            assert_eq!(a.action, Action::UploadAnotherFile, "{code} {ctx:?}");
            assert!(a.message.contains("file"), "{a:?}");
            assert!(!a.message.contains("sign in"), "{a:?}");
            assert_plain(&a);
        }
    }
}

#[test]
fn statement_field_codes_on_connection_jobs_keep_their_sign_in_meaning() {
    for ctx in [
        on(Some("connection"), "verify-credentials"),
        on(None, "verify-credentials"),
        on(None, "retrieve-accounts"),
    ] {
        for code in STATEMENT_FIELD_CODES {
            let a = advise(&failure(code), &ctx);
            assert_eq!(a.action, Action::ResubmitCredentials, "{code} {ctx:?}");
            assert!(!a.message.contains("file"), "{a:?}");
            assert_plain(&a);
        }
    }
}

#[test]
fn file_codes_on_statement_jobs_mean_upload_another_file() {
    for ctx in statement_contexts() {
        for code in FILE_CODES {
            let a = advise(&failure(code), &ctx);
            assert_eq!(a.action, Action::UploadAnotherFile, "{code} {ctx:?}");
            assert_eq!(a.retry_after_ms, None);
            assert_eq!(a.support_reference, None);
            assert_plain(&a);
        }
    }
    // Where the job's kind is not known, a file code still means the file.
    for code in FILE_CODES {
        let a = advise(&failure(code), &FailureContext::default());
        assert_eq!(a.action, Action::UploadAnotherFile, "{code}");
    }
}

#[test]
fn each_file_problem_says_what_is_wrong_with_the_file() {
    let ctx = on(Some("report"), "retrieve-statements");
    let generic = advise(&failure("bank-statement-invalid"), &ctx);
    let mut seen = vec![generic.message.clone()];
    for (code, words) in [
        ("row-count-exceeded", "rows"),
        ("account-data-differs", "account"),
        ("txn-after-last-updated-date", "dated after"),
        ("empty-file", "nothing in it"),
        ("missing-required-field", "missing"),
    ] {
        let a = advise(&failure(code), &ctx);
        assert!(a.message.contains(words), "{a:?}");
        assert!(!seen.contains(&a.message), "{code} repeats another text");
        seen.push(a.message);
    }
}

#[test]
fn file_codes_on_a_connection_job_are_not_about_files() {
    let ctx = on(Some("connection"), "retrieve-transactions");
    for code in FILE_CODES {
        let a = advise(&failure(code), &ctx);
        assert_eq!(a.action, Action::TryLater, "{code}");
        assert!(!a.message.contains("file"), "{a:?}");
        assert_plain(&a);
    }
}

#[test]
fn too_many_sandbox_connections_contacts_support() {
    for ctx in [
        on(Some("connection"), "verify-credentials"),
        on(None, "verify-credentials"),
        on(Some("payout"), "validate-payment"),
        FailureContext::default(),
    ] {
        let a = advise(&failure("too-many-sandbox-connections"), &ctx);
        assert_eq!(a.action, Action::ContactSupport, "{ctx:?}");
        assert_eq!(a.support_reference, ctx.connection_id);
        if let Some(id) = &ctx.connection_id {
            assert!(a.message.contains(id.as_str()), "{a:?}");
        } else {
            assert!(!a.message.contains("reference"), "{a:?}");
        }
        assert_plain(&a);
    }
}

fn payment_contexts() -> Vec<FailureContext> {
    let mut out = Vec::new();
    for job_type in [Some("payout"), Some("payrequest"), None] {
        for step in PAYMENT_STEPS {
            out.push(on(job_type, step));
        }
    }
    out
}

#[test]
fn payments_never_get_bank_sign_in_wording() {
    let codes = [
        "invalid-credentials",
        "missing-payee-account-details.",
        "missing-required-field",
        "invalid-field-value",
        "bank-statement-invalid",
        "account-not-accessible-requires-user-action",
        "service-unavailable",
        "maintenance",
        "too-many-requests",
        "institution-not-available",
        "brand-new-payment-code",
        "",
    ];
    for ctx in payment_contexts() {
        for code in codes {
            for attempt in [None, Some(3)] {
                let a = advise(
                    &failure(code),
                    &FailureContext {
                        attempt,
                        ..ctx.clone()
                    },
                );
                assert_ne!(a.action, Action::ResubmitCredentials, "{code} {ctx:?}");
                assert_ne!(a.action, Action::UploadAnotherFile, "{code} {ctx:?}");
                assert_ne!(a.action, Action::WaitForAutomaticRetry, "{code} {ctx:?}");
                let text = format!("{} {}", a.title, a.message).to_ascii_lowercase();
                for word in SIGN_IN_WORDS {
                    assert!(!text.contains(word), "{word:?} in {a:?}");
                }
                assert!(text.contains("payment") || text.contains("paying"), "{a:?}");
                assert_plain(&a);
            }
        }
    }
}

#[test]
fn payment_detail_codes_ask_to_check_the_payment() {
    for job_type in [Some("payout"), Some("payrequest"), None] {
        for step in ["validate-payment", "validate-payer-information"] {
            let ctx = on(job_type, step);
            let payee = advise(&failure("missing-payee-account-details."), &ctx);
            assert_eq!(payee.action, Action::CheckPaymentDetails, "{ctx:?}");
            assert!(payee.message.contains("account you're paying"), "{payee:?}");
            for code in [
                "invalid-credentials",
                "invalid-field-value",
                "brand-new-code",
            ] {
                let a = advise(&failure(code), &ctx);
                assert_eq!(a.action, Action::CheckPaymentDetails, "{code} {ctx:?}");
                assert_plain(&a);
            }
        }
    }
    let payer = advise(
        &failure("invalid-field-value"),
        &on(Some("payrequest"), "validate-payer-information"),
    );
    assert!(payer.message.contains("paying from"), "{payer:?}");
}

#[test]
fn a_payment_that_failed_after_it_was_sent_goes_to_support_not_again() {
    for step in ["external-processing", "payment-completed"] {
        for code in [
            "brand-new-code",
            "service-unavailable",
            "invalid-credentials",
        ] {
            let ctx = FailureContext {
                connection_id: None,
                job_id: Some("job-9".into()),
                ..on(Some("payout"), step)
            };
            let a = advise(&failure(code), &ctx);
            assert_eq!(a.action, Action::ContactSupport, "{code} {step}");
            assert_eq!(a.support_reference.as_deref(), Some("job-9"));
            assert!(a.message.contains("job-9"), "{a:?}");
            assert!(a.message.contains("don't send it again"), "{a:?}");
        }
    }
}

#[test]
fn transient_payment_failures_try_later_then_support() {
    let ctx = on(Some("payout"), "validate-payment");
    for op in [Operation::Create, Operation::Update] {
        let a = advise(
            &failure("service-unavailable"),
            &FailureContext {
                operation: op,
                ..ctx.clone()
            },
        );
        assert_eq!(a.action, Action::TryLater, "{op:?}");
        assert!(!a.automatic_retry);
        assert_eq!(a.retry_after_ms, Some(600_000));
        assert!(a.message.contains("payment") && a.message.contains("10 minutes"));
    }
    let limited = advise(&failure("too-many-requests"), &ctx);
    assert_eq!(limited.retry_after_ms, Some(60_000));
    assert!(limited.message.contains("a minute"), "{limited:?}");
    let third = advise(
        &failure("service-unavailable"),
        &FailureContext {
            attempt: Some(3),
            ..ctx.clone()
        },
    );
    assert_eq!(third.action, Action::ContactSupport);
    assert_eq!(third.support_reference.as_deref(), Some("conn-42"));
    let popup = advise(
        &failure("account-not-accessible-requires-user-action"),
        &ctx,
    );
    assert_eq!(popup.action, Action::ClearBankPopup);
    assert!(popup.message.contains("payment"), "{popup:?}");
}

/// Basiq's own title for a wrong username or password.
const WRONG_PASSWORD_TITLE: &str = "Cannot login to target institution, check credentials.";
const WRONG_PASSWORD_DETAIL: &str = "Cannot login to target institution using supplied credentials. Please check credentials and try again.";

#[test]
fn invalid_credentials_wrong_password_is_the_contract_row() {
    let plain = advise(
        &failure("invalid-credentials"),
        &on(None, "verify-credentials"),
    );
    for op in [Operation::Create, Operation::Refresh, Operation::Update] {
        for job_type in [None, Some("connection")] {
            let ctx = FailureContext {
                operation: op,
                ..on(job_type, "verify-credentials")
            };
            let a = advise(
                &with_text(
                    "invalid-credentials",
                    Some(WRONG_PASSWORD_TITLE),
                    Some(WRONG_PASSWORD_DETAIL),
                ),
                &ctx,
            );
            assert_eq!(a.action, Action::ResubmitCredentials, "{op:?} {job_type:?}");
            if op != Operation::Refresh {
                assert_eq!(a.message, plain.message);
            }
        }
    }
}

#[test]
fn invalid_credentials_locked_account_sends_the_user_to_their_bank() {
    let ctx = on(Some("connection"), "verify-credentials");
    let plain = advise(&failure("invalid-credentials"), &ctx);
    for f in [
        // The sandbox's bighead, as Basiq's Testing page describes him.
        with_text(
            "invalid-credentials",
            Some(WRONG_PASSWORD_TITLE),
            Some("Cannot login to target institution. This account is locked; please contact your bank."),
        ),
        with_text("invalid-credentials", Some("ACCOUNT LOCKED"), None),
        with_text("invalid-credentials", None, Some("Your Account Is Locked.")),
    ] {
        let a = advise(&f, &ctx);
        // Once the bank has unlocked it, the sign-in details are what the user gives again.
        assert_eq!(a.action, Action::ResubmitCredentials, "{f:?}");
        assert!(a.message.contains("contact your bank"), "{a:?}");
        assert_ne!(a.title, plain.title);
        assert_ne!(a.message, plain.message);
        assert_plain(&a);
    }
}

#[test]
fn invalid_credentials_mfa_not_supported_means_another_institution() {
    let ctx = on(Some("connection"), "verify-credentials");
    let plain = advise(&failure("invalid-credentials"), &ctx);
    let locked = advise(
        &with_text("invalid-credentials", Some("Account locked"), None),
        &ctx,
    );
    for f in [
        with_text(
            "invalid-credentials",
            Some("Multi-factor authentication is not supported"),
            None,
        ),
        with_text(
            "invalid-credentials",
            Some(WRONG_PASSWORD_TITLE),
            Some("MULTI-FACTOR AUTHENTICATION NOT SUPPORTED FOR THIS ACCOUNT."),
        ),
        with_text(
            "invalid-credentials",
            None,
            Some("The institution's MFA method is unsupported."),
        ),
    ] {
        let a = advise(&f, &ctx);
        assert_eq!(a.action, Action::ChooseAnotherInstitution, "{f:?}");
        assert_ne!(a.title, plain.title);
        assert_ne!(a.title, locked.title);
        assert!(a.message.contains("choose another bank"), "{a:?}");
        assert_plain(&a);
    }
}

#[test]
fn the_contract_rows_hold_on_connection_jobs() {
    let ctx = |op, status, attempt| FailureContext {
        operation: op,
        connector_status: status,
        attempt,
        ..on(Some("connection"), "retrieve-accounts")
    };
    let cases = [
        (
            "invalid-credentials",
            ctx(Operation::Refresh, None, None),
            Action::ResubmitCredentials,
        ),
        (
            "account-not-accessible-requires-user-action",
            ctx(Operation::Create, None, None),
            Action::ClearBankPopup,
        ),
        (
            "service-unavailable",
            ctx(Operation::Update, None, Some(4)),
            Action::WaitForAutomaticRetry,
        ),
        (
            "service-unavailable",
            ctx(Operation::Create, Some(ConnectorStatus::MajorOutage), None),
            Action::WaitForOutage,
        ),
        (
            "service-unavailable",
            ctx(Operation::Refresh, None, Some(2)),
            Action::TryLater,
        ),
        (
            "service-unavailable",
            ctx(Operation::Create, None, Some(3)),
            Action::ContactSupport,
        ),
    ];
    for (code, ctx, action) in cases {
        let a = advise(&failure(code), &ctx);
        assert_eq!(a.action, action, "{code} {ctx:?}");
        assert_plain(&a);
    }
}

#[test]
fn unknown_codes_on_every_kind_of_job_stay_plain() {
    let mut contexts = payment_contexts();
    contexts.extend(statement_contexts());
    contexts.push(on(Some("connection"), "verify-credentials"));
    contexts.push(on(Some("something-new"), "mystery-step"));
    for ctx in contexts {
        for code in [
            "",
            "brand-new-code",
            "<b>x</b>",
            "trailing-dot.",
            &"y".repeat(300),
        ] {
            let a = advise(&failure(code), &ctx);
            assert_plain(&a);
        }
    }
}

// The watcher tells the advice which kind of job failed.

const JOB_URL: &str = "https://au-api.basiq.io/jobs/j1";

fn failed_job(job_type: &str, step: &str, code: &str) -> String {
    format!(
        r#"{{"type":"job","id":"j1","jobType":"{job_type}","created":"2024-09-25T04:22:25Z","steps":[{{"title":"{step}","status":"failed","result":{{"code":"{code}","title":"t","detail":"d"}}}}],"links":{{"self":"{JOB_URL}"}}}}"#
    )
}

fn watched_advice(body: &str) -> FailureAdvice {
    let mut s = sim::Sim::new(WatchConfig {
        job_url: JOB_URL.into(),
        has_token: true,
        can_refresh_token: true,
        urls: urls::whatwg(),
        ..Default::default()
    });
    let r = s.fetch();
    s.answer(&r, 200, body);
    match s.done() {
        Outcome::Failed { advice, .. } => advice,
        other => panic!("expected a failed outcome, got {other:?}"),
    }
}

#[test]
fn the_watcher_passes_the_job_type_to_the_advice() {
    // The step's title does not tell the kind of job: only `jobType` does.
    let payout = watched_advice(&failed_job(
        "payout",
        "submit-payment",
        "invalid-credentials",
    ));
    assert_eq!(payout.action, Action::CheckPaymentDetails, "{payout:?}");
    let connection = watched_advice(&failed_job(
        "connection",
        "retrieve-transactions",
        "row-count-exceeded",
    ));
    assert_eq!(connection.action, Action::TryLater, "{connection:?}");
    let report = watched_advice(&failed_job(
        "report",
        "create-report",
        "invalid-field-value",
    ));
    assert_eq!(report.action, Action::UploadAnotherFile, "{report:?}");
}
