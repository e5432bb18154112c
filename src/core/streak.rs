//! The run of `service-unavailable` jobs of one connection, remembered from job to job.

use crate::prelude::*;

use super::events::Outcome;

/// Where a connection's run is kept (localStorage in a browser).
pub fn storage_key(connection_id: &str) -> String {
    cat!("basiq-jobs:failures:", connection_id)
}

/// Reads a stored run; anything unreadable counts as none.
pub fn parse(stored: &str) -> Option<u32> {
    stored.trim().parse().ok()
}

/// The run after `outcome`, given the run before it; `None` when the outcome says nothing
/// about the bank (cancelled, timed out, or the watch itself failed).
pub fn after(previous: u32, outcome: &Outcome) -> Option<u32> {
    match outcome {
        Outcome::Failed { failure, .. } if failure.code == "service-unavailable" => {
            Some(previous.saturating_add(1))
        }
        // Success, or a failure of another kind, ends the run.
        Outcome::Success { .. } | Outcome::Failed { .. } => Some(0),
        Outcome::Cancelled { .. } | Outcome::TimedOut { .. } | Outcome::Error { .. } => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::advice::{Action, FailureAdvice};
    use crate::core::job::{Failure, Job, JobLinks};

    fn job() -> Job {
        Job {
            id: "j".into(),
            job_type: None,
            created: None,
            updated: None,
            steps: Vec::new(),
            links: JobLinks::default(),
        }
    }

    fn failed(code: &str) -> Outcome {
        Outcome::Failed {
            job: job(),
            step: "retrieve-accounts".into(),
            failure: Failure {
                code: code.into(),
                title: None,
                detail: None,
            },
            advice: FailureAdvice {
                code: code.into(),
                step: None,
                action: Action::TryLater,
                title: String::new(),
                message: String::new(),
                retry_after_ms: None,
                automatic_retry: false,
                support_reference: None,
            },
        }
    }

    #[test]
    fn counts_service_unavailable_and_resets_on_anything_else_that_reached_the_bank() {
        assert_eq!(after(0, &failed("service-unavailable")), Some(1));
        assert_eq!(after(2, &failed("service-unavailable")), Some(3));
        assert_eq!(after(2, &failed("invalid-credentials")), Some(0));
        let success = Outcome::Success {
            job: job(),
            connection_url: None,
            accounts_url: None,
            transactions_url: None,
        };
        assert_eq!(after(2, &success), Some(0));
        assert_eq!(after(2, &Outcome::Cancelled { job: None }), None);
        assert_eq!(
            after(u32::MAX, &failed("service-unavailable")),
            Some(u32::MAX)
        );
    }

    #[test]
    fn storage_form() {
        assert_eq!(storage_key("c1"), "basiq-jobs:failures:c1");
        assert_eq!(parse(" 2 "), Some(2));
        assert_eq!(parse("two"), None);
        assert_eq!(parse("-1"), None);
    }
}
