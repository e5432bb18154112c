//! Failure advice: every row of the contract table, and sensible advice for every other code.
#![cfg(not(target_arch = "wasm32"))]

use basiq_jobs::core::advice::{
    describe_failure, Action, ConnectorStatus, FailureAdvice, FailureContext, Operation,
};
use basiq_jobs::core::job::Failure;
use basiq_jobs::core::messages::Catalogue;

fn failure(code: &str) -> Failure {
    Failure {
        code: code.into(),
        title: None,
        detail: None,
    }
}

fn advise(code: &str, ctx: FailureContext) -> FailureAdvice {
    describe_failure(&failure(code), &ctx, &Catalogue::default())
}

fn ctx(op: Operation) -> FailureContext {
    FailureContext {
        operation: op,
        step: Some("retrieve-accounts".into()),
        connection_id: Some("conn-42".into()),
        ..Default::default()
    }
}

fn assert_plain(a: &FailureAdvice) {
    for text in [&a.title, &a.message] {
        assert!(!text.trim().is_empty(), "{a:?}");
        // A hyphenated wire code is technical; plain words like "maintenance" are fine.
        if a.code.contains('-') {
            assert!(!text.contains(&a.code), "raw code shown to the user: {a:?}");
        }
        assert!(
            !text.contains('{') && !text.contains('}'),
            "unfilled placeholder: {a:?}"
        );
    }
}

#[test]
fn invalid_credentials_on_every_operation_means_resubmit() {
    for op in [Operation::Create, Operation::Refresh, Operation::Update] {
        let a = advise(
            "invalid-credentials",
            FailureContext {
                step: Some("verify-credentials".into()),
                ..ctx(op)
            },
        );
        assert_eq!(a.action, Action::ResubmitCredentials);
        assert_eq!(a.step.as_deref(), Some("verify-credentials"));
        assert!(!a.automatic_retry);
        assert_eq!(a.retry_after_ms, None);
        assert_eq!(a.support_reference, None);
        assert_plain(&a);
    }
    let refresh = advise("invalid-credentials", ctx(Operation::Refresh));
    let create = advise("invalid-credentials", ctx(Operation::Create));
    assert!(
        refresh
            .message
            .contains("changed your internet banking password"),
        "{refresh:?}"
    );
    assert_ne!(refresh.message, create.message);
}

#[test]
fn invalid_credentials_variants_by_title() {
    let locked = Failure {
        code: "invalid-credentials".into(),
        title: Some("Cannot login to target institution, check credentials.".into()),
        detail: Some("This account is locked; please contact your bank.".into()),
    };
    let a = describe_failure(&locked, &ctx(Operation::Create), &Catalogue::default());
    assert_eq!(a.action, Action::ResubmitCredentials);
    assert!(a.message.contains("contact your bank"), "{a:?}");
    let mfa = Failure {
        code: "invalid-credentials".into(),
        title: Some("Multi-factor authentication is not supported".into()),
        detail: None,
    };
    let b = describe_failure(&mfa, &ctx(Operation::Create), &Catalogue::default());
    assert_ne!(a.title, b.title);
    let on_mfa = advise(
        "invalid-credentials",
        FailureContext {
            step: Some("mfa-challenge".into()),
            ..ctx(Operation::Create)
        },
    );
    assert!(on_mfa.title.contains("code"), "{on_mfa:?}");
}

#[test]
fn bank_popup_on_any_step() {
    for step in [
        "verify-credentials",
        "retrieve-accounts",
        "retrieve-transactions",
    ] {
        for op in [Operation::Create, Operation::Refresh, Operation::Update] {
            let a = advise(
                "account-not-accessible-requires-user-action",
                FailureContext {
                    step: Some(step.into()),
                    ..ctx(op)
                },
            );
            assert_eq!(a.action, Action::ClearBankPopup);
            assert!(a.message.contains("internet banking"));
            assert_plain(&a);
        }
    }
}

#[test]
fn service_unavailable_during_update_waits_for_automatic_retry() {
    let a = advise("service-unavailable", ctx(Operation::Update));
    assert_eq!(a.action, Action::WaitForAutomaticRetry);
    assert!(a.automatic_retry);
    assert_eq!(a.retry_after_ms, Some(7_200_000));
    assert!(a.message.contains("2 hours") && a.message.contains("7 days"));
    assert_plain(&a);
    // Even during an outage and on a later attempt, Basiq's queue is what happens on update.
    let b = advise(
        "service-unavailable",
        FailureContext {
            connector_status: Some(ConnectorStatus::MajorOutage),
            attempt: Some(5),
            ..ctx(Operation::Update)
        },
    );
    assert_eq!(b.action, Action::WaitForAutomaticRetry);
}

#[test]
fn service_unavailable_in_major_outage_waits_for_outage() {
    for op in [Operation::Create, Operation::Refresh] {
        let a = advise(
            "service-unavailable",
            FailureContext {
                connector_status: Some(ConnectorStatus::MajorOutage),
                attempt: Some(4),
                ..ctx(op)
            },
        );
        assert_eq!(a.action, Action::WaitForOutage);
        assert!(!a.automatic_retry);
        assert_plain(&a);
    }
}

#[test]
fn service_unavailable_first_and_second_attempt_try_later() {
    for attempt in [None, Some(1), Some(2)] {
        for status in [
            None,
            Some(ConnectorStatus::Operational),
            Some(ConnectorStatus::PartialOutage),
            Some(ConnectorStatus::UnderMaintenance),
        ] {
            let a = advise(
                "service-unavailable",
                FailureContext {
                    attempt,
                    connector_status: status,
                    ..ctx(Operation::Refresh)
                },
            );
            assert_eq!(a.action, Action::TryLater, "{attempt:?} {status:?}");
            assert_eq!(a.retry_after_ms, Some(600_000));
            assert!(a.message.contains("10 minutes"), "{a:?}");
            assert_eq!(a.support_reference, None);
            assert_plain(&a);
        }
    }
}

#[test]
fn service_unavailable_third_attempt_contacts_support_with_connection_id() {
    for attempt in [3, 4, 10] {
        let a = advise(
            "service-unavailable",
            FailureContext {
                attempt: Some(attempt),
                ..ctx(Operation::Create)
            },
        );
        assert_eq!(a.action, Action::ContactSupport);
        assert_eq!(a.support_reference.as_deref(), Some("conn-42"));
        assert!(a.message.contains("conn-42"));
        assert_plain(&a);
    }
}

#[test]
fn every_documented_code_gets_specific_plain_advice() {
    let expected: &[(&str, Action)] = &[
        ("user-action-required", Action::ClearBankPopup),
        ("authorization-failed", Action::StartAgain),
        ("system-unavailable", Action::TryLater),
        ("maintenance", Action::TryLater),
        ("maintenance-error", Action::TryLater),
        ("connector-error", Action::TryLater),
        ("institution-not-found", Action::ChooseAnotherInstitution),
        (
            "institution-not-available",
            Action::ChooseAnotherInstitution,
        ),
        ("institution-disabled", Action::ChooseAnotherInstitution),
        (
            "institution-not-supported",
            Action::ChooseAnotherInstitution,
        ),
        ("missing-required-field", Action::ResubmitCredentials),
        ("missing-required-field-value", Action::ResubmitCredentials),
        ("invalid-field-value", Action::ResubmitCredentials),
        ("invalid-connection", Action::StartAgain),
        ("unknown-error", Action::TryLater),
        ("job-timed-out", Action::StartAgain),
        ("too-many-requests", Action::TryLater),
        ("bank-statement-invalid-format", Action::UploadAnotherFile),
        ("invalid-csv-row", Action::UploadAnotherFile),
        ("empty-file", Action::UploadAnotherFile),
    ];
    for (code, action) in expected {
        let a = advise(code, ctx(Operation::Create));
        assert_eq!(a.action, *action, "{code}");
        assert_eq!(a.code, *code);
        assert_plain(&a);
        if a.action == Action::TryLater {
            assert!(a.retry_after_ms.unwrap() >= 60_000, "{code}");
        }
    }
    let maint = advise("maintenance", ctx(Operation::Create));
    assert_eq!(maint.retry_after_ms, Some(3_600_000));
}

#[test]
fn unknown_codes_try_later_then_support() {
    for code in ["", "brand-new-code", "<script>", "x".repeat(500).as_str()] {
        let a = advise(code, ctx(Operation::Create));
        assert_eq!(a.action, Action::TryLater, "{code}");
        assert_plain(&a);
        let b = advise(
            code,
            FailureContext {
                attempt: Some(3),
                ..ctx(Operation::Create)
            },
        );
        assert_eq!(b.action, Action::ContactSupport);
        assert_eq!(b.support_reference.as_deref(), Some("conn-42"));
    }
    // With no connection id, the job id is the reference support can look up.
    let c = advise(
        "service-unavailable",
        FailureContext {
            attempt: Some(3),
            connection_id: None,
            job_id: Some("job-7".into()),
            ..ctx(Operation::Create)
        },
    );
    assert_eq!(c.support_reference.as_deref(), Some("job-7"));
}

#[test]
fn overrides_replace_texts() {
    let cat = Catalogue::new(
        Some("en-AU"),
        vec![(
            "service-unavailable.try-later.message".into(),
            "Réessayez dans {minutes} minutes.".into(),
        )],
    );
    let a = describe_failure(
        &failure("service-unavailable"),
        &ctx(Operation::Create),
        &cat,
    );
    assert_eq!(a.message, "Réessayez dans 10 minutes.");
    assert_eq!(a.title, "Your bank isn't available right now");
}

#[test]
fn support_advice_without_any_id_never_shows_an_empty_reference() {
    let a = advise(
        "service-unavailable",
        FailureContext {
            attempt: Some(3),
            connection_id: None,
            job_id: None,
            ..ctx(Operation::Create)
        },
    );
    assert_eq!(a.action, Action::ContactSupport);
    assert_eq!(a.support_reference, None);
    assert!(!a.message.contains("reference"), "{a:?}");
    assert!(a.message.ends_with("contact support."), "{a:?}");
    let b = advise(
        "mystery",
        FailureContext {
            attempt: Some(3),
            connection_id: None,
            ..ctx(Operation::Create)
        },
    );
    assert!(
        !b.message.contains("reference") && !b.message.contains(" ."),
        "{b:?}"
    );
}
