//! The step tracker: successive snapshots in, one transition per status change out.

use super::connector::Connector;
use super::job::{Job, StepStatus};
use super::policy::Due;

/// A step moving from one status to another.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Transition {
    pub index: usize,
    pub previous: StepStatus,
    pub status: StepStatus,
}

/// The last status reported for each step, by title.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tracker {
    seen: Vec<(String, StepStatus)>,
}

impl Tracker {
    /// A tracker that has already reported these (title, status) pairs.
    pub fn with_seen(seen: Vec<(String, StepStatus)>) -> Self {
        Self { seen }
    }

    /// What has been reported so far.
    pub fn seen(&self) -> &[(String, StepStatus)] {
        &self.seen
    }

    /// The transitions from what was reported to `job`, in order; a jump over
    /// `in-progress` (pending → success/failed) is reported as both moves.
    pub fn update(&mut self, job: &Job) -> Vec<Transition> {
        let mut out = Vec::new();
        let mut next = Vec::with_capacity(job.steps.len());
        let mut used = vec![false; self.seen.len()];
        for (index, step) in job.steps.iter().enumerate() {
            // Match by title (the first unused one) so an inserted step does not shift the rest.
            let found = self
                .seen
                .iter()
                .enumerate()
                .find(|(i, (t, _))| *t == step.title && !used.get(*i).copied().unwrap_or(true));
            let previous = match found {
                Some((i, (_, s))) => {
                    if let Some(u) = used.get_mut(i) {
                        *u = true;
                    }
                    *s
                }
                None => StepStatus::Pending,
            };
            let status = step.status;
            if previous != status {
                let jumps_in_progress = previous == StepStatus::Pending
                    && matches!(status, StepStatus::Success | StepStatus::Failed);
                if jumps_in_progress {
                    out.push(Transition {
                        index,
                        previous,
                        status: StepStatus::InProgress,
                    });
                    out.push(Transition {
                        index,
                        previous: StepStatus::InProgress,
                        status,
                    });
                } else {
                    out.push(Transition {
                        index,
                        previous,
                        status,
                    });
                }
            }
            next.push((step.title.clone(), status));
        }
        self.seen = next;
        out
    }
}

/// Basiq's usual split of a connection job, in tenths: verify-credentials takes about 3,
/// retrieve-accounts 2, retrieve-transactions 5. Scale-free, so it holds for slow and fast banks.
fn typical_share(title: &str) -> Option<u64> {
    match title {
        "verify-credentials" => Some(3),
        "retrieve-accounts" => Some(2),
        "retrieve-transactions" | "retrieve-statements" => Some(5),
        _ => None,
    }
}

/// Step timings seen so far in one job, for estimating when the running step will end.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Pace {
    /// When the last job answer arrived.
    last_ms: Option<u64>,
    /// The running step (index, title) and when it began, if that was seen.
    running: Option<(usize, String, Option<u64>)>,
    /// Time and typical shares of the steps seen from start to end.
    done_ms: u64,
    done_share: u64,
}

impl Pace {
    /// Notes the job as answered at `now_ms`; a change happened, on average, halfway
    /// between the previous answer and this one.
    pub fn observe(&mut self, now_ms: u64, job: &Job) {
        let current = job
            .steps
            .iter()
            .enumerate()
            .find(|(_, s)| s.status == StepStatus::InProgress);
        let same = match (&self.running, current) {
            (Some((i, title, _)), Some((ci, step))) => *i == ci && *title == step.title,
            (None, None) => true,
            _ => false,
        };
        if !same {
            let changed_at = self
                .last_ms
                .map(|last| last.saturating_add(now_ms.saturating_sub(last) / 2));
            if let (Some((_, title, Some(start))), Some(end)) = (&self.running, changed_at) {
                if let Some(share) = typical_share(title) {
                    self.done_ms = self.done_ms.saturating_add(end.saturating_sub(*start));
                    self.done_share += share;
                }
            }
            // The new step may have begun just after the previous answer: count from then, so
            // an estimate of its end errs early (one more poll) rather than late (a late
            // notice). A step already running at the first answer began at an unknown time.
            self.running = current.map(|(i, s)| (i, s.title.clone(), self.last_ms));
        }
        self.last_ms = Some(now_ms);
    }

    /// When the running step's end becomes likely: from the connector's averages (70% of
    /// the average, as steps vary about ±30%), else from this job's own pace (50%, as that
    /// estimate is rougher); `Due::Now` when nothing is known.
    pub fn due(&self, job: &Job, connector: Option<&Connector>) -> Due {
        let waiting_on_user = job
            .steps
            .iter()
            .any(|s| s.status == StepStatus::InProgress && s.mfa.is_some());
        if waiting_on_user {
            return Due::User;
        }
        let Some((_, title, Some(start))) = &self.running else {
            return Due::Now;
        };
        let average = connector.and_then(|c| c.average_ms(title));
        if let Some(avg) = average {
            return Due::At(start.saturating_add(avg.saturating_mul(7) / 10));
        }
        match typical_share(title) {
            Some(share) if self.done_share > 0 => Due::At(
                start.saturating_add(self.done_ms.saturating_mul(share) / self.done_share / 2),
            ),
            _ => Due::Now,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::job::{JobLinks, Step};

    fn job(steps: &[(&str, StepStatus)]) -> Job {
        Job {
            id: "j".into(),
            job_type: None,
            status: None,
            created: None,
            updated: None,
            links: JobLinks::default(),
            steps: steps
                .iter()
                .map(|(t, s)| Step {
                    title: (*t).into(),
                    status: *s,
                    result_url: None,
                    failure: None,
                    mfa: None,
                })
                .collect(),
        }
    }

    use StepStatus::*;

    #[test]
    fn pace_learns_from_whole_steps_and_connector_averages_come_first() {
        let mut p = Pace::default();
        let queued = job(&[
            ("verify-credentials", Pending),
            ("retrieve-accounts", Pending),
        ]);
        let verifying = job(&[
            ("verify-credentials", InProgress),
            ("retrieve-accounts", Pending),
        ]);
        let accounts = job(&[
            ("verify-credentials", Success),
            ("retrieve-accounts", InProgress),
        ]);
        p.observe(0, &queued);
        assert_eq!(p.due(&queued, None), Due::Now);
        // Verify began after the answer at 0 (counted from 0, the earliest it could have).
        p.observe(1000, &verifying);
        assert_eq!(p.due(&verifying, None), Due::Now, "nothing known yet");
        // Verify ended at 2000 on average: 2000 ms for 3 tenths. Accounts (2 tenths) should take
        // 1333 ms from 1000, the earliest it began; it is due from half of that.
        p.observe(3000, &accounts);
        assert_eq!(p.due(&accounts, None), Due::At(1000 + 666));
        let stats = Connector {
            status: crate::core::advice::ConnectorStatus::Operational,
            step_ms: vec![("retrieve-accounts".into(), 4000)],
            total_ms: None,
        };
        assert_eq!(p.due(&accounts, Some(&stats)), Due::At(1000 + 2800));
        p.observe(4000, &accounts);
        assert_eq!(
            p.due(&accounts, None),
            Due::At(1000 + 666),
            "the same step keeps its start"
        );
    }

    #[test]
    fn a_step_running_at_the_first_answer_has_no_estimate() {
        let mut p = Pace::default();
        let running = job(&[("verify-credentials", InProgress)]);
        p.observe(0, &running);
        let stats = Connector {
            status: crate::core::advice::ConnectorStatus::Operational,
            step_ms: vec![("verify-credentials".into(), 4000)],
            total_ms: None,
        };
        assert_eq!(p.due(&running, Some(&stats)), Due::Now);
    }

    #[test]
    fn reports_each_change_once_and_fills_in_jumps() {
        let mut t = Tracker::default();
        let a = t.update(&job(&[("v", InProgress), ("a", Pending)]));
        assert_eq!(
            a,
            vec![Transition {
                index: 0,
                previous: Pending,
                status: InProgress
            }]
        );
        assert!(t
            .update(&job(&[("v", InProgress), ("a", Pending)]))
            .is_empty());
        let b = t.update(&job(&[("v", Success), ("a", Success)]));
        assert_eq!(
            b,
            vec![
                Transition {
                    index: 0,
                    previous: InProgress,
                    status: Success
                },
                Transition {
                    index: 1,
                    previous: Pending,
                    status: InProgress
                },
                Transition {
                    index: 1,
                    previous: InProgress,
                    status: Success
                },
            ]
        );
    }

    #[test]
    fn an_inserted_step_does_not_shift_the_others() {
        let mut t = Tracker::default();
        t.update(&job(&[("v", Success), ("a", Pending)]));
        let d = t.update(&job(&[
            ("v", Success),
            ("mfa-challenge", InProgress),
            ("a", Pending),
        ]));
        assert_eq!(
            d,
            vec![Transition {
                index: 1,
                previous: Pending,
                status: InProgress
            }]
        );
    }

    #[test]
    fn skipped_and_backwards_moves_are_single_events() {
        let mut t = Tracker::default();
        let d = t.update(&job(&[("m", Skipped), ("a", Failed)]));
        assert_eq!(d.len(), 3);
        assert_eq!(
            d[0],
            Transition {
                index: 0,
                previous: Pending,
                status: Skipped
            }
        );
        let back = t.update(&job(&[("m", Skipped), ("a", InProgress)]));
        assert_eq!(
            back,
            vec![Transition {
                index: 1,
                previous: Failed,
                status: InProgress
            }]
        );
    }
}
