//! The run of `service-unavailable` jobs of one connection, remembered from job to job.

use super::events::Outcome;
use super::watcher::WatchConfig;

/// Where a connection's run is kept (localStorage in a browser).
pub fn storage_key(connection_id: &str) -> String {
    format!("basiq-jobs:failures:{connection_id}")
}

/// Reads a stored run; anything unreadable counts as none.
pub fn parse(stored: &str) -> Option<u32> {
    let stored = stored.trim_ascii();
    if stored.is_empty() || !stored.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    stored.parse().ok()
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

/// What to store for `connection` (storage key, and the run or `None` to forget it): the run
/// after `outcome`, or, with none yet, the run so far (`previous` already counts the failed jobs
/// an automatic retry follows). A run of zero is forgotten rather than stored, and with nothing
/// known before it there is nothing to do: most watches end well and should not write.
pub fn record(
    connection: &str,
    previous: Option<u32>,
    outcome: Option<&Outcome>,
) -> Option<(String, Option<String>)> {
    let run = match outcome {
        Some(o) => after(previous.unwrap_or(0), o)?,
        None => previous?,
    };
    if run == 0 && previous.is_none() {
        return None;
    }
    Some((storage_key(connection), (run > 0).then(|| run.to_string())))
}

/// The run a watch starts from: the one the partner gave, else the one stored for its
/// connection (named by the options or by the request that starts the job).
pub fn recall(cfg: &WatchConfig, stored: impl FnOnce(&str) -> Option<String>) -> Option<u32> {
    if cfg.attempt.is_some() {
        return cfg.attempt;
    }
    let connection = cfg
        .connection_id
        .as_deref()
        .or_else(|| cfg.start.as_ref().and_then(|s| s.connection_id.as_deref()))?;
    stored(&storage_key(connection)).and_then(|v| parse(&v))
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
            status: None,
            created: None,
            updated: None,
            steps: Vec::new(),
            links: JobLinks::default(),
        }
    }

    fn failed(code: &str) -> Outcome {
        Outcome::Failed {
            job: job().into(),
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
            job: job().into(),
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
    fn records_the_run_after_the_outcome_or_so_far() {
        let su = failed("service-unavailable");
        assert_eq!(
            record("c1", Some(1), Some(&su)),
            Some(("basiq-jobs:failures:c1".into(), Some("2".into())))
        );
        assert_eq!(
            record("c1", None, Some(&su)).map(|r| r.1),
            Some(Some("1".into()))
        );
        assert_eq!(
            record("c1", Some(2), None).map(|r| r.1),
            Some(Some("2".into()))
        );
        let ok = Outcome::Success {
            job: job().into(),
            connection_url: None,
            accounts_url: None,
            transactions_url: None,
        };
        assert_eq!(
            record("c1", Some(2), Some(&ok)).map(|r| r.1),
            Some(None),
            "forgotten"
        );
        assert_eq!(record("c1", None, Some(&ok)), None, "nothing to forget");
        assert_eq!(record("c1", None, None), None);
        let cancelled = Outcome::Cancelled { job: None };
        assert_eq!(record("c1", Some(2), Some(&cancelled)), None);
    }

    #[test]
    fn recalls_the_given_count_first_then_the_stored_one_for_the_connection() {
        use crate::core::start::refresh_connection;
        let stored = |key: &str| (key == "basiq-jobs:failures:c1").then(|| "2".to_owned());
        let mut cfg = WatchConfig {
            connection_id: Some("c1".into()),
            ..Default::default()
        };
        assert_eq!(recall(&cfg, stored), Some(2));
        cfg.attempt = Some(0);
        assert_eq!(recall(&cfg, stored), Some(0), "the partner's count wins");
        let refresh = WatchConfig {
            start: refresh_connection("https://a.example", "u1", "c1").ok(),
            ..Default::default()
        };
        assert_eq!(
            recall(&refresh, stored),
            Some(2),
            "the refreshed connection"
        );
        assert_eq!(recall(&WatchConfig::default(), stored), None);
        let garbage = |_: &str| Some("two".to_owned());
        assert_eq!(recall(&refresh, garbage), None);
    }

    #[test]
    fn storage_form() {
        assert_eq!(storage_key("c1"), "basiq-jobs:failures:c1");
        assert_eq!(parse(" 2 "), Some(2));
        assert_eq!(parse("two"), None);
        assert_eq!(parse("-1"), None);
    }
}
