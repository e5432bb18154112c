//! Recovering from a failed job without partner code: whether to try again by itself, when,
//! and with which request; and when an institution's outage is over.

use super::advice::{Action, ConnectorStatus, FailureAdvice, TRY_LATER_MS};
use super::job::{Failure, Job};
use super::policy::{within_max, TimingError};
use super::start::StartJob;

/// How often `/connectors` is read while an institution is in a major outage: outages last
/// hours, and a minute late is soon enough to tell the user their bank is back.
pub const OUTAGE_CHECK_MS: u64 = 60_000;

/// The recovery a partner opted into (both off by default).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recovery {
    /// After a `service-unavailable` the advice says to try later, wait and refresh by itself.
    pub auto_retry: bool,
    /// Through a major outage, keep checking the institution and report when it lifts.
    pub watch_outage: bool,
    /// The wait before an automatic retry; `None` waits what the advice says (10 minutes).
    pub retry_delay_ms: Option<u64>,
    /// How often the institution is checked during an outage.
    pub outage_interval_ms: u64,
}

impl Default for Recovery {
    fn default() -> Self {
        Self {
            auto_retry: false,
            watch_outage: false,
            retry_delay_ms: None,
            outage_interval_ms: OUTAGE_CHECK_MS,
        }
    }
}

impl Recovery {
    /// Checks the values make sense.
    pub fn validate(&self) -> Result<(), TimingError> {
        if self.outage_interval_ms == 0 {
            return Err(TimingError(
                "outageIntervalMs must be greater than 0".into(),
            ));
        }
        let delay = self.retry_delay_ms.unwrap_or_default();
        within_max(&[
            (self.outage_interval_ms, "outageIntervalMs"),
            (delay, "retryDelayMs"),
        ])
    }

    /// Whether an outage is waited out rather than ending the watch.
    pub fn waits_for_outages(&self) -> bool {
        self.watch_outage || self.auto_retry
    }
}

/// What follows a failed job.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Next {
    /// The watch ends with the failure.
    Finish,
    /// Wait `wait_ms`, then start `start` and follow the job it names.
    Retry { wait_ms: u64, start: StartJob },
    /// Check the institution every `interval_ms` until its major outage lifts.
    WatchOutage { interval_ms: u64 },
}

/// Decides what follows a failed job, given its advice. An update's `service-unavailable` never
/// gets here: Basiq's own retry queue handles it. `contact-support` is the end of the road.
pub fn after_failure(r: &Recovery, failure: &Failure, advice: &FailureAdvice, job: &Job) -> Next {
    if failure.code != "service-unavailable" {
        return Next::Finish;
    }
    match advice.action {
        Action::WaitForOutage if r.waits_for_outages() => Next::WatchOutage {
            interval_ms: r.outage_interval_ms,
        },
        Action::TryLater if r.auto_retry => match refresh_of(job) {
            Some(start) => Next::Retry {
                wait_ms: r
                    .retry_delay_ms
                    .or(advice.retry_after_ms)
                    .unwrap_or(TRY_LATER_MS),
                start,
            },
            None => Next::Finish,
        },
        _ => Next::Finish,
    }
}

/// What follows an outage is over: a refresh at once with `autoRetry`, else the end.
pub fn after_outage(r: &Recovery, job: &Job) -> Next {
    match refresh_of(job).filter(|_| r.auto_retry) {
        Some(start) => Next::Retry { wait_ms: 0, start },
        None => Next::Finish,
    }
}

/// Whether a connector status means the outage is over; an unreadable one does not.
pub fn lifted(status: Option<ConnectorStatus>) -> bool {
    matches!(status, Some(s) if s != ConnectorStatus::MajorOutage && s != ConnectorStatus::Unknown)
}

/// The refresh of the failed job's connection, `{links.source}/refresh` (already checked to be
/// on the API origin), so it works for a job started elsewhere too.
pub fn refresh_of(job: &Job) -> Option<StartJob> {
    let source = job.links.source.as_deref()?;
    let path = source
        .split(['?', '#'])
        .next()
        .unwrap_or_default()
        .trim_end_matches('/');
    // Split on the last '/' rather than search for "/connections/": the id holds no '/'.
    let (head, id) = path.rsplit_once('/')?;
    if id.is_empty() || !head.ends_with("/connections") {
        return None;
    }
    let mut url = String::from(path);
    url.push_str("/refresh");
    Some(StartJob {
        url,
        body: None,
        connection_id: Some(String::from(id)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn huge_recovery_intervals_are_refused() {
        let r = Recovery {
            outage_interval_ms: u64::MAX,
            ..Recovery::default()
        };
        assert!(r.validate().is_err());
        let r = Recovery {
            retry_delay_ms: Some(u64::MAX),
            ..Recovery::default()
        };
        assert!(r.validate().is_err());
        assert!(Recovery::default().validate().is_ok());
    }
    use crate::core::job::JobLinks;

    fn job(source: Option<&str>) -> Job {
        Job {
            id: "j".into(),
            job_type: None,
            status: None,
            created: None,
            updated: None,
            steps: Vec::new(),
            links: JobLinks {
                self_url: None,
                source: source.map(String::from),
            },
        }
    }

    fn advice(action: Action) -> FailureAdvice {
        FailureAdvice {
            code: "service-unavailable".into(),
            step: None,
            action,
            title: String::new(),
            message: String::new(),
            retry_after_ms: Some(TRY_LATER_MS),
            automatic_retry: false,
            support_reference: None,
        }
    }

    fn failure(code: &str) -> Failure {
        Failure {
            code: code.into(),
            title: None,
            detail: None,
        }
    }

    const SOURCE: &str = "https://au-api.basiq.io/users/u1/connections/c1";

    #[test]
    fn retries_only_service_unavailable_advised_to_try_later_when_opted_in() {
        let on = Recovery {
            auto_retry: true,
            ..Recovery::default()
        };
        let j = job(Some(SOURCE));
        let su = failure("service-unavailable");
        match after_failure(&on, &su, &advice(Action::TryLater), &j) {
            Next::Retry { wait_ms, start } => {
                assert_eq!(wait_ms, TRY_LATER_MS);
                assert_eq!(
                    start.url,
                    "https://au-api.basiq.io/users/u1/connections/c1/refresh"
                );
                assert_eq!(
                    (start.body, start.connection_id.as_deref()),
                    (None, Some("c1"))
                );
            }
            other => panic!("{other:?}"),
        }
        let off = Recovery::default();
        assert_eq!(
            after_failure(&off, &su, &advice(Action::TryLater), &j),
            Next::Finish
        );
        let support = advice(Action::ContactSupport);
        assert_eq!(
            after_failure(&on, &su, &support, &j),
            Next::Finish,
            "the threshold"
        );
        let other = failure("system-unavailable");
        assert_eq!(
            after_failure(&on, &other, &advice(Action::TryLater), &j),
            Next::Finish
        );
        let nowhere = job(None);
        assert_eq!(
            after_failure(&on, &su, &advice(Action::TryLater), &nowhere),
            Next::Finish
        );
    }

    #[test]
    fn the_retry_delay_option_wins_over_the_advice() {
        let r = Recovery {
            auto_retry: true,
            retry_delay_ms: Some(50),
            ..Recovery::default()
        };
        let got = after_failure(
            &r,
            &failure("service-unavailable"),
            &advice(Action::TryLater),
            &job(Some(SOURCE)),
        );
        assert!(matches!(got, Next::Retry { wait_ms: 50, .. }), "{got:?}");
    }

    #[test]
    fn outages_are_watched_when_asked_and_refreshed_after_with_auto_retry() {
        let su = failure("service-unavailable");
        let outage = advice(Action::WaitForOutage);
        let j = job(Some(SOURCE));
        assert_eq!(
            after_failure(&Recovery::default(), &su, &outage, &j),
            Next::Finish
        );
        let watch = Recovery {
            watch_outage: true,
            ..Recovery::default()
        };
        assert_eq!(
            after_failure(&watch, &su, &outage, &j),
            Next::WatchOutage {
                interval_ms: OUTAGE_CHECK_MS
            }
        );
        assert_eq!(after_outage(&watch, &j), Next::Finish);
        let retry = Recovery {
            auto_retry: true,
            ..Recovery::default()
        };
        assert!(matches!(
            after_failure(&retry, &su, &outage, &j),
            Next::WatchOutage { .. }
        ));
        assert!(matches!(
            after_outage(&retry, &j),
            Next::Retry { wait_ms: 0, .. }
        ));
    }

    #[test]
    fn only_a_known_status_other_than_major_outage_is_a_lift() {
        assert!(lifted(Some(ConnectorStatus::Operational)));
        assert!(lifted(Some(ConnectorStatus::PartialOutage)));
        assert!(!lifted(Some(ConnectorStatus::MajorOutage)));
        assert!(!lifted(Some(ConnectorStatus::Unknown)));
        assert!(!lifted(None));
    }

    #[test]
    fn the_refresh_url_comes_from_the_connection_link() {
        let with_query = job(Some("https://a.example/users/u1/connections/c1?x=1"));
        assert_eq!(
            refresh_of(&with_query).map(|s| s.url),
            Some("https://a.example/users/u1/connections/c1/refresh".into())
        );
        assert_eq!(refresh_of(&job(Some("https://a.example/users/u1"))), None);
        assert_eq!(
            refresh_of(&job(Some("https://a.example/users/u1/connections/"))),
            None
        );
        let zero = Recovery {
            outage_interval_ms: 0,
            ..Recovery::default()
        };
        assert!(zero.validate().is_err());
        assert!(Recovery::default().validate().is_ok());
    }
}
