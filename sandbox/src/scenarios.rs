//! What each job will do: the documented test users, outages, and seeded step durations.

use crate::connectors::Institution;
use crate::rng::Rng;

/// The institution whose documented test users fail or challenge.
pub const TEST_INSTITUTION: &str = "AU00000";

/// What started a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    /// `POST /users/{u}/connections`.
    Create,
    /// `POST /users/{u}/connections/{c}` (new credentials).
    Update,
    /// `POST /users/{u}/connections/{c}/refresh`.
    Refresh,
}

/// The login a connection stores.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    /// The internet-banking login.
    pub login_id: String,
    /// The internet-banking password.
    pub password: String,
    /// Optional security code.
    pub security_code: Option<String>,
    /// Optional second login id.
    pub secondary_login_id: Option<String>,
}

/// A step title.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepTitle {
    /// `verify-credentials`.
    VerifyCredentials,
    /// `mfa-challenge`.
    MfaChallenge,
    /// `retrieve-accounts`.
    RetrieveAccounts,
    /// `retrieve-transactions`.
    RetrieveTransactions,
}

impl StepTitle {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            StepTitle::VerifyCredentials => "verify-credentials",
            StepTitle::MfaChallenge => "mfa-challenge",
            StepTitle::RetrieveAccounts => "retrieve-accounts",
            StepTitle::RetrieveTransactions => "retrieve-transactions",
        }
    }
}

/// A failed step's result: `{code, title, detail}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Failure {
    /// Basiq error code.
    pub code: &'static str,
    /// Short title.
    pub title: &'static str,
    /// Longer detail.
    pub detail: &'static str,
}

/// bighead / password on verify-credentials.
pub const ACCOUNT_LOCKED: Failure = Failure {
    code: "invalid-credentials",
    title: "Cannot login to target institution, check credentials.",
    detail: "Cannot login to target institution. This account is locked; please contact your bank.",
};

/// erlich / aviato on retrieve-accounts.
pub const REQUIRES_USER_ACTION: Failure = Failure {
    code: "account-not-accessible-requires-user-action",
    title: "Account not accessible, requires user action.",
    detail: "An action is required from the end-user in their internet banking.",
};

/// jianYang / nothotdog on retrieve-accounts, and verify-credentials at an institution in major
/// outage.
pub const SERVICE_UNAVAILABLE: Failure = Failure {
    code: "service-unavailable",
    title: "Service unavailable.",
    detail: "Service is currently unavailable, try again later.",
};

/// A wrong MFA answer.
pub const MFA_REJECTED: Failure = Failure {
    code: "invalid-credentials",
    title: "Multi-factor authentication failed.",
    detail: "The code or answers supplied were not accepted by the institution.",
};

/// An MFA challenge left unanswered.
pub const MFA_TIMED_OUT: Failure = Failure {
    code: "job-timed-out",
    title: "Multi-factor authentication timed out.",
    detail: "The challenge expired before it was answered.",
};

/// An MFA challenge and its accepted answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mfa {
    /// `token` or `security-questions`.
    pub method: &'static str,
    /// What the bank asks for, in a sentence.
    pub description: &'static str,
    /// One prompt per expected answer.
    pub input: Vec<&'static str>,
    /// The accepted answers, in order.
    pub answers: Vec<&'static str>,
}

impl Mfa {
    /// True when `given` answers every prompt correctly (trimmed, case-insensitive).
    pub fn accepts(&self, given: &[String]) -> bool {
        given.len() == self.answers.len()
            && given
                .iter()
                .zip(&self.answers)
                .all(|(g, a)| g.trim().eq_ignore_ascii_case(a))
    }
}

/// How a step ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Succeeds after its duration.
    Succeed,
    /// Fails after its duration; the job ends.
    Fail(Failure),
    /// Fails, then waits in the retry queue and is retried every 2 hours; succeeds on retry
    /// number `succeed_on` (never when `None`, until the job expires).
    Retry {
        /// The failure shown between attempts.
        failure: Failure,
        /// The retry that succeeds, counting from 1.
        succeed_on: Option<u32>,
    },
    /// Waits for the user's answer.
    Challenge(Mfa),
}

/// One step of a job's plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedStep {
    /// The step's title.
    pub title: StepTitle,
    /// How long the step runs (an MFA step waits for the answer instead).
    pub duration_ms: u64,
    /// How it ends.
    pub outcome: Outcome,
    /// When set, the step fails with `service-unavailable` if the institution is in major
    /// outage as it ends; `Some(true)`: the failure waits in the retry queue (update jobs).
    pub outage_check: Option<bool>,
}

/// Plans a connection job for `institution` and `credentials`, with seeded step durations (and,
/// at an intermittent-MFA bank, a seeded coin toss for the challenge).
pub fn plan(
    institution: &Institution,
    credentials: &Credentials,
    operation: Operation,
    rng: &mut Rng,
) -> Vec<PlannedStep> {
    let t = institution.timings();
    let mut vary = |avg: u64| -> u64 { (avg as f64 * (0.7 + 0.6 * rng.next_f64())).round() as u64 };
    let step = |title, duration_ms| PlannedStep {
        title,
        duration_ms,
        outcome: Outcome::Succeed,
        outage_check: None,
    };
    let mut steps = vec![
        PlannedStep {
            outage_check: Some(operation == Operation::Update),
            ..step(StepTitle::VerifyCredentials, vary(t.verify_credentials))
        },
        step(
            StepTitle::RetrieveAccounts,
            vary(t.retrieve_accounts + t.retrieve_meta),
        ),
        step(
            StepTitle::RetrieveTransactions,
            vary(t.retrieve_transactions),
        ),
    ];
    let user = test_user(&credentials.login_id, &credentials.password);
    let challenge = match institution.authorization {
        "user-mfa" => true,
        "user-mfa-intermittent" => rng.next_f64() < 0.5,
        _ => false,
    };
    if challenge {
        let mfa = match user {
            Some(TestUser::Challenged(mfa)) => mfa,
            _ => app_approval(),
        };
        steps.insert(
            1,
            PlannedStep {
                outcome: Outcome::Challenge(mfa),
                ..step(StepTitle::MfaChallenge, 0)
            },
        );
        return steps;
    }
    if institution.id != TEST_INSTITUTION {
        return steps;
    }
    if let Some(TestUser::Fails { step, failure }) = user {
        let outcome = if failure == SERVICE_UNAVAILABLE && operation == Operation::Update {
            Outcome::Retry {
                failure,
                succeed_on: Some(2),
            }
        } else {
            Outcome::Fail(failure)
        };
        if let Some(s) = steps.iter_mut().find(|s| s.title == step) {
            s.outcome = outcome;
        }
    }
    steps
}

/// What a documented test user does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TestUser {
    /// Always fails this step with this failure (at Hooli).
    Fails {
        /// The failing step.
        step: StepTitle,
        /// Its result.
        failure: Failure,
    },
    /// Gets this challenge at the MFA banks (and none at Hooli).
    Challenged(Mfa),
    /// A happy-path persona (business consent, gambling and crypto transactions).
    Persona,
}

/// The challenge everyone else meets at an MFA bank: approve the sign-in in the bank's app.
pub fn app_approval() -> Mfa {
    Mfa {
        method: "token",
        description: "Approve this sign-in in your banking app, then confirm here.",
        input: vec!["Type confirmed once you have approved the sign-in in your banking app"],
        answers: vec!["confirmed"],
    }
}

/// The documented behaviour of a loginId + password pair, if it is a test user.
pub fn test_user(login_id: &str, password: &str) -> Option<TestUser> {
    let token = || Mfa {
        method: "token",
        description:
            "A one-time code has been sent to the mobile number registered with your bank.",
        input: vec!["OTP Password"],
        answers: vec!["1234"],
    };
    let one_question = || Mfa {
        method: "security-questions",
        description: "Answer the security question you set up with your bank.",
        input: vec!["What's your first company?"],
        answers: vec!["Hooli"],
    };
    let two_questions = || Mfa {
        method: "security-questions",
        description: "Answer the security questions you set up with your bank.",
        input: vec![
            "What's your favourite company?",
            "What's the ID of this institution?",
        ],
        answers: vec!["Basiq", "AU00000"],
    };
    let fails = |step, failure| Some(TestUser::Fails { step, failure });
    match (login_id, password) {
        ("bighead", "password") => fails(StepTitle::VerifyCredentials, ACCOUNT_LOCKED),
        ("erlich", "aviato") => fails(StepTitle::RetrieveAccounts, REQUIRES_USER_ACTION),
        ("jianYang", "nothotdog") => fails(StepTitle::RetrieveAccounts, SERVICE_UNAVAILABLE),
        ("jared", "django") | ("richard", "tabsnotspaces") => Some(TestUser::Challenged(token())),
        ("gavinBelson", "hooli2016") | ("Gilfoyle", "PiedPiper") => {
            Some(TestUser::Challenged(one_question()))
        }
        ("Whistler", "ShowBox") | ("Wentworth-Smith", "whislter") => {
            Some(TestUser::Challenged(two_questions()))
        }
        ("laurieBream", "business2024") | ("ashMann", "hooli2024") => Some(TestUser::Persona),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connectors::{catalogue, AVIATO, HOOLI, NUCLEUS, PIED_PIPER, RAVIGA};

    fn creds(login: &str, password: &str) -> Credentials {
        Credentials {
            login_id: login.into(),
            password: password.into(),
            security_code: None,
            secondary_login_id: None,
        }
    }

    fn institution(id: &str) -> Institution {
        catalogue().into_iter().find(|i| i.id == id).unwrap()
    }

    fn plan_for(inst: &str, login: &str, password: &str, op: Operation) -> Vec<PlannedStep> {
        plan(
            &institution(inst),
            &creds(login, password),
            op,
            &mut Rng::stream(1, 2),
        )
    }

    fn titles(steps: &[PlannedStep]) -> Vec<&'static str> {
        steps.iter().map(|s| s.title.as_str()).collect()
    }

    fn challenge(steps: &[PlannedStep]) -> Option<&Mfa> {
        steps.iter().find_map(|s| match &s.outcome {
            Outcome::Challenge(m) => Some(m),
            _ => None,
        })
    }

    #[test]
    fn failures_key_on_the_exact_pair() {
        let p = plan_for(HOOLI, "bighead", "password", Operation::Create);
        assert_eq!(p[0].outcome, Outcome::Fail(ACCOUNT_LOCKED));
        let p = plan_for(HOOLI, "bighead", "other", Operation::Create);
        assert!(p.iter().all(|s| s.outcome == Outcome::Succeed));
        let p = plan_for(HOOLI, "erlich", "aviato", Operation::Refresh);
        assert_eq!(p[1].outcome, Outcome::Fail(REQUIRES_USER_ACTION));
        // Failing test users only exist at the test institution.
        let p = plan_for(RAVIGA, "bighead", "password", Operation::Create);
        assert!(p.iter().all(|s| s.outcome == Outcome::Succeed));
    }

    #[test]
    fn jian_yang_is_queued_only_on_update() {
        let p = plan_for(HOOLI, "jianYang", "nothotdog", Operation::Create);
        assert_eq!(p[1].outcome, Outcome::Fail(SERVICE_UNAVAILABLE));
        let p = plan_for(HOOLI, "jianYang", "nothotdog", Operation::Update);
        assert_eq!(
            p[1].outcome,
            Outcome::Retry {
                failure: SERVICE_UNAVAILABLE,
                succeed_on: Some(2)
            }
        );
    }

    #[test]
    fn mfa_users_connect_at_hooli_without_mfa() {
        for (login, password) in [("jared", "django"), ("Whistler", "ShowBox")] {
            let p = plan_for(HOOLI, login, password, Operation::Create);
            assert_eq!(titles(&p).len(), 3, "{login}");
            assert!(p.iter().all(|s| s.outcome == Outcome::Succeed), "{login}");
        }
        for persona in [("laurieBream", "business2024"), ("ashMann", "hooli2024")] {
            assert_eq!(test_user(persona.0, persona.1), Some(TestUser::Persona));
            let p = plan_for(HOOLI, persona.0, persona.1, Operation::Create);
            assert!(p.iter().all(|s| s.outcome == Outcome::Succeed));
        }
    }

    #[test]
    fn pied_piper_bank_always_challenges_after_verify_credentials() {
        let p = plan_for(PIED_PIPER, "Whistler", "ShowBox", Operation::Create);
        assert_eq!(
            titles(&p),
            [
                "verify-credentials",
                "mfa-challenge",
                "retrieve-accounts",
                "retrieve-transactions"
            ]
        );
        let mfa = challenge(&p).unwrap();
        assert_eq!(
            mfa.input,
            [
                "What's your favourite company?",
                "What's the ID of this institution?"
            ]
        );
        assert!(mfa.accepts(&["basiq".into(), " AU00000 ".into()]));
        assert!(!mfa.accepts(&["Basiq".into()]));
        assert!(!mfa.accepts(&["Basiq".into(), "AU00001".into()]));
        let jared = plan_for(PIED_PIPER, "jared", "django", Operation::Create);
        assert_eq!(challenge(&jared).unwrap().input, ["OTP Password"]);
        let gavin = plan_for(PIED_PIPER, "gavinBelson", "hooli2016", Operation::Refresh);
        assert_eq!(
            challenge(&gavin).unwrap().input,
            ["What's your first company?"]
        );
        assert!(challenge(&gavin).unwrap().accepts(&["Hooli".into()]));
        // Anyone else approves in the bank's app.
        let other = plan_for(PIED_PIPER, "dinesh", "x", Operation::Create);
        assert_eq!(challenge(&other), Some(&app_approval()));
        assert!(app_approval().accepts(&["confirmed".into()]));
    }

    #[test]
    fn nucleus_bank_challenges_about_half_the_jobs() {
        let nucleus = institution(NUCLEUS);
        let mut rng = Rng::stream(3, 2);
        let challenged = (0..400)
            .filter(|_| {
                let p = plan(&nucleus, &creds("a", "b"), Operation::Create, &mut rng);
                challenge(&p).is_some()
            })
            .count();
        assert!((140..=260).contains(&challenged), "{challenged}");
    }

    #[test]
    fn every_verify_credentials_checks_for_an_outage() {
        for id in [HOOLI, PIED_PIPER, AVIATO] {
            let p = plan_for(id, "anyone", "x", Operation::Create);
            assert_eq!(p[0].outage_check, Some(false), "{id}");
            assert!(p[1..].iter().all(|s| s.outage_check.is_none()));
            let p = plan_for(id, "anyone", "x", Operation::Update);
            assert_eq!(p[0].outage_check, Some(true), "{id}");
        }
    }

    #[test]
    fn durations_vary_within_30_percent() {
        let c = institution(HOOLI);
        let mut rng = Rng::stream(9, 2);
        let mut seen = std::collections::BTreeSet::new();
        for _ in 0..200 {
            let p = plan(&c, &creds("a", "b"), Operation::Create, &mut rng);
            let d = p[0].duration_ms;
            assert!((1_680..=3_120).contains(&d), "{d}");
            seen.insert(d);
        }
        assert!(seen.len() > 50, "durations should vary per job");
    }
}
