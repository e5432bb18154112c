//! The sandbox's in-memory world: users, tokens, connections, jobs and connectors.
//!
//! Every method takes the sandbox time `now`, so the whole API logic runs without a real clock.

use std::collections::HashMap;

use crate::auth::{Scope, Tokens};
use crate::clock::Millis;
use crate::connectors::{catalogue, Institution, STATUSES};
use crate::errors::{ApiError, Source};
use crate::jobs::{Job, DUPLICATE_PAUSE_MS};
use crate::rng::Rng;
use crate::scenarios::{plan, Credentials, Operation};

/// A Basiq user.
#[derive(Debug, Clone)]
pub struct User {
    /// User id.
    pub id: String,
    /// Email, or empty.
    pub email: String,
    /// Mobile, or empty.
    pub mobile: String,
}

/// A user's link to one institution login.
#[derive(Debug, Clone)]
pub struct Connection {
    /// Connection id.
    pub id: String,
    /// Owner.
    pub user_id: String,
    /// Institution id.
    pub institution_id: String,
    /// Stored login.
    pub credentials: Credentials,
    /// Creation time.
    pub created: Millis,
}

/// What `GET /users/{u}/connections/{c}` shows, derived from the connection's jobs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionView {
    /// Connection id.
    pub id: String,
    /// Owner.
    pub user_id: String,
    /// Institution id.
    pub institution_id: String,
    /// `pending` until a login succeeded, `active` after, `invalid` after refused credentials.
    pub status: &'static str,
    /// Creation time.
    pub created: Millis,
    /// When a login last succeeded.
    pub last_used: Option<Millis>,
}

/// New credentials for an update; absent fields keep their stored value.
#[derive(Debug, Clone, Default)]
pub struct CredentialsPatch {
    /// Replaces the login id.
    pub login_id: Option<String>,
    /// Replaces the password.
    pub password: Option<String>,
    /// Replaces the security code.
    pub security_code: Option<String>,
    /// Replaces the secondary login id.
    pub secondary_login_id: Option<String>,
}

/// The job an endpoint answers with: a new one (202) or an unfinished duplicate (200).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Started {
    /// A job created now.
    New(String),
    /// The unfinished job that already covers this request.
    Existing(String),
}

impl Started {
    /// The job id either way.
    pub fn job_id(&self) -> &str {
        match self {
            Started::New(id) | Started::Existing(id) => id,
        }
    }
}

/// All sandbox state.
#[derive(Debug)]
pub struct Store {
    users: HashMap<String, User>,
    tokens: Tokens,
    connections: HashMap<String, Connection>,
    connection_order: Vec<String>,
    jobs: HashMap<String, Job>,
    job_order: Vec<String>,
    connectors: Vec<Institution>,
    ids: Rng,
    timings: Rng,
}

impl Store {
    /// An empty world: step durations follow `seed`; ids and tokens follow `seed` and `salt`
    /// (pass something unique per run, so ids never repeat across restarts).
    pub fn new(seed: u64, salt: u64) -> Self {
        Store {
            users: HashMap::new(),
            tokens: Tokens::default(),
            connections: HashMap::new(),
            connection_order: Vec::new(),
            jobs: HashMap::new(),
            job_order: Vec::new(),
            connectors: catalogue(),
            ids: Rng::stream(seed ^ salt, 1),
            timings: Rng::stream(seed, 2),
        }
    }

    /// Creates a user.
    pub fn create_user(&mut self, email: Option<String>, mobile: Option<String>) -> User {
        let user = User {
            id: self.ids.uuid(),
            email: email.unwrap_or_default(),
            mobile: mobile.unwrap_or_default(),
        };
        self.users.insert(user.id.clone(), user.clone());
        user
    }

    /// The user with this id, created (with no email or mobile) when it does not exist yet.
    pub fn user_or_create(&mut self, id: &str) -> Result<&User, ApiError> {
        let valid = !id.is_empty()
            && id.len() <= 64
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !valid {
            return Err(ApiError::invalid(
                "userId must be 1-64 letters, digits, '-' or '_'.",
            ));
        }
        let user = self.users.entry(id.to_owned()).or_insert_with(|| User {
            id: id.to_owned(),
            email: String::new(),
            mobile: String::new(),
        });
        Ok(user)
    }

    /// A user, or 404.
    pub fn user(&self, id: &str) -> Result<&User, ApiError> {
        self.users
            .get(id)
            .ok_or_else(|| ApiError::not_found(format!("No user with id '{id}'.")))
    }

    /// Issues a token.
    pub fn mint_token(&mut self, scope: Scope, now: Millis) -> String {
        self.tokens.mint(&mut self.ids, scope, now)
    }

    /// The scope of a live token, or 401.
    pub fn authenticate(&self, token: &str, now: Millis) -> Result<Scope, ApiError> {
        self.tokens.check(token, now)
    }

    /// All institutions (each with its connectors).
    pub fn institutions(&self) -> &[Institution] {
        &self.connectors
    }

    /// One institution, or 404.
    pub fn institution(&self, id: &str) -> Result<&Institution, ApiError> {
        self.connectors
            .iter()
            .find(|c| c.id == id)
            .ok_or_else(|| ApiError::not_found(format!("No institution with id '{id}'.")))
    }

    /// Changes a connector's status; jobs first catch up to `now` under the old status.
    pub fn set_connector_status(
        &mut self,
        id: &str,
        status: &str,
        now: Millis,
    ) -> Result<&Institution, ApiError> {
        if !STATUSES.contains(&status) {
            return Err(ApiError::invalid(format!(
                "status must be one of {}.",
                STATUSES.join(", ")
            )));
        }
        self.institution(id)?;
        self.advance_all(now);
        let connector = self
            .connectors
            .iter_mut()
            .find(|c| c.id == id)
            .ok_or_else(|| ApiError::not_found(format!("No connector with id '{id}'.")))?;
        connector.status = status.to_owned();
        Ok(connector)
    }

    /// Starts a connection job, reusing the connection for the same user, institution and login.
    /// While that connection has an unfinished job, the new job is paused for 6 minutes.
    pub fn create_connection(
        &mut self,
        user_id: &str,
        institution_id: &str,
        credentials: Credentials,
        now: Millis,
    ) -> Result<Started, ApiError> {
        self.user(user_id)?;
        if self.institution(institution_id).is_err() {
            return Err(ApiError::invalid(format!(
                "institution.id '{institution_id}' is not a known institution."
            ))
            .with_source(Source::Pointer("/institution/id".into())));
        }
        self.prune(now);
        let existing = self
            .connection_order
            .iter()
            .filter_map(|id| self.connections.get(id))
            .find(|c| {
                c.user_id == user_id
                    && c.institution_id == institution_id
                    && c.credentials.login_id == credentials.login_id
            })
            .map(|c| c.id.clone());
        let mut pause = 0;
        let connection_id = match existing {
            Some(id) => {
                if self.unfinished_job(&id, now).is_some() {
                    pause = DUPLICATE_PAUSE_MS;
                }
                if let Some(c) = self.connections.get_mut(&id) {
                    c.credentials = credentials;
                }
                id
            }
            None => {
                let id = self.ids.uuid();
                self.connections.insert(
                    id.clone(),
                    Connection {
                        id: id.clone(),
                        user_id: user_id.to_owned(),
                        institution_id: institution_id.to_owned(),
                        credentials,
                        created: now,
                    },
                );
                self.connection_order.push(id.clone());
                id
            }
        };
        Ok(Started::New(self.start_job(
            &connection_id,
            Operation::Create,
            now,
            pause,
        )?))
    }

    /// Starts an update job with new credentials.
    pub fn update_connection(
        &mut self,
        user_id: &str,
        connection_id: &str,
        patch: CredentialsPatch,
        now: Millis,
    ) -> Result<String, ApiError> {
        self.prune(now);
        let connection = self.connection_mut(user_id, connection_id)?;
        let creds = &mut connection.credentials;
        if let Some(v) = patch.login_id {
            creds.login_id = v;
        }
        if let Some(v) = patch.password {
            creds.password = v;
        }
        if let Some(v) = patch.security_code {
            creds.security_code = Some(v);
        }
        if let Some(v) = patch.secondary_login_id {
            creds.secondary_login_id = Some(v);
        }
        self.start_job(connection_id, Operation::Update, now, 0)
    }

    /// Starts a refresh job, or returns the connection's unfinished job.
    pub fn refresh_connection(
        &mut self,
        user_id: &str,
        connection_id: &str,
        now: Millis,
    ) -> Result<Started, ApiError> {
        self.prune(now);
        self.connection_mut(user_id, connection_id)?;
        if let Some(job) = self.unfinished_job(connection_id, now) {
            return Ok(Started::Existing(job));
        }
        Ok(Started::New(self.start_job(
            connection_id,
            Operation::Refresh,
            now,
            0,
        )?))
    }

    /// Refreshes every connection of a user.
    pub fn refresh_all(&mut self, user_id: &str, now: Millis) -> Result<Vec<Started>, ApiError> {
        self.user(user_id)?;
        let ids: Vec<String> = self
            .connection_order
            .iter()
            .filter(|id| {
                self.connections
                    .get(*id)
                    .is_some_and(|c| c.user_id == user_id)
            })
            .cloned()
            .collect();
        ids.iter()
            .map(|id| self.refresh_connection(user_id, id, now))
            .collect()
    }

    /// A job brought up to `now`, or 404 (also once it is 7 days old).
    pub fn job(&mut self, id: &str, now: Millis) -> Result<&Job, ApiError> {
        self.advance(id, now);
        match self.jobs.get(id) {
            Some(job) if !job.is_expired(now) => Ok(job),
            _ => Err(ApiError::not_found(format!("No job with id '{id}'."))),
        }
    }

    /// Answers a job's MFA challenge; 404 for unknown jobs, 400 when no challenge is waiting.
    pub fn answer_mfa(
        &mut self,
        id: &str,
        answers: &[String],
        now: Millis,
    ) -> Result<&Job, ApiError> {
        self.job(id, now)?;
        let outage = self.outage_of_job(id);
        let job = self
            .jobs
            .get_mut(id)
            .ok_or_else(|| ApiError::not_found(format!("No job with id '{id}'.")))?;
        job.answer_mfa(answers, now, outage).map_err(|_| {
            ApiError::invalid("No multi-factor challenge is waiting for an answer on this job.")
        })?;
        Ok(job)
    }

    /// A user's jobs, newest first, optionally only those of one connection.
    pub fn jobs_of(
        &mut self,
        user_id: &str,
        connection_id: Option<&str>,
        now: Millis,
    ) -> Result<Vec<&Job>, ApiError> {
        self.user(user_id)?;
        self.advance_all(now);
        Ok(self
            .job_order
            .iter()
            .rev()
            .filter_map(|id| self.jobs.get(id))
            .filter(|j| j.user_id == user_id && !j.is_expired(now))
            .filter(|j| connection_id.is_none_or(|c| j.connection_id == c))
            .collect())
    }

    /// A user's connections, oldest first.
    pub fn connections_of(
        &mut self,
        user_id: &str,
        now: Millis,
    ) -> Result<Vec<ConnectionView>, ApiError> {
        self.user(user_id)?;
        let ids: Vec<String> = self
            .connection_order
            .iter()
            .filter(|id| {
                self.connections
                    .get(*id)
                    .is_some_and(|c| c.user_id == user_id)
            })
            .cloned()
            .collect();
        ids.iter()
            .map(|id| self.connection(user_id, id, now))
            .collect()
    }

    /// One connection of a user, its status and last use read from its jobs; or 404.
    pub fn connection(
        &mut self,
        user_id: &str,
        connection_id: &str,
        now: Millis,
    ) -> Result<ConnectionView, ApiError> {
        self.connection_mut(user_id, connection_id)?;
        self.advance_all(now);
        let c = self.connection_mut(user_id, connection_id)?.clone();
        let mut status = None;
        let mut last_used = None;
        for job in self
            .job_order
            .iter()
            .rev()
            .filter_map(|id| self.jobs.get(id))
            .filter(|j| j.connection_id == connection_id)
        {
            match job.credentials_check() {
                Some(Ok(at)) => {
                    status.get_or_insert("active");
                    last_used = last_used.max(Some(at));
                }
                Some(Err("invalid-credentials")) => {
                    status.get_or_insert("invalid");
                }
                _ => {}
            }
        }
        Ok(ConnectionView {
            id: c.id,
            user_id: c.user_id,
            institution_id: c.institution_id,
            status: status.unwrap_or("pending"),
            created: c.created,
            last_used,
        })
    }

    /// Deletes a connection (its jobs stay readable until they expire); or 404.
    pub fn delete_connection(
        &mut self,
        user_id: &str,
        connection_id: &str,
    ) -> Result<(), ApiError> {
        self.connection_mut(user_id, connection_id)?;
        self.connections.remove(connection_id);
        self.connection_order.retain(|id| id != connection_id);
        Ok(())
    }

    fn connection_mut(
        &mut self,
        user_id: &str,
        connection_id: &str,
    ) -> Result<&mut Connection, ApiError> {
        self.user(user_id)?;
        match self.connections.get_mut(connection_id) {
            Some(c) if c.user_id == user_id => Ok(c),
            _ => Err(ApiError::not_found(format!(
                "No connection with id '{connection_id}' for this user."
            ))),
        }
    }

    fn start_job(
        &mut self,
        connection_id: &str,
        operation: Operation,
        now: Millis,
        pause: Millis,
    ) -> Result<String, ApiError> {
        let connection = self.connections.get(connection_id).ok_or_else(|| {
            ApiError::not_found(format!("No connection with id '{connection_id}'."))
        })?;
        let connector = self
            .connectors
            .iter()
            .find(|c| c.id == connection.institution_id)
            .ok_or_else(|| ApiError::invalid("The connection's institution is not known."))?;
        let steps = plan(
            connector,
            &connection.credentials,
            operation,
            &mut self.timings,
        );
        let id = self.ids.uuid();
        let job = Job::new(
            id.clone(),
            connection.user_id.clone(),
            connection.id.clone(),
            connection.institution_id.clone(),
            steps,
            now,
            pause,
        );
        self.jobs.insert(id.clone(), job);
        self.job_order.push(id.clone());
        Ok(id)
    }

    /// The newest unfinished job of a connection, if any.
    fn unfinished_job(&mut self, connection_id: &str, now: Millis) -> Option<String> {
        let ids: Vec<String> = self
            .job_order
            .iter()
            .rev()
            .filter(|id| {
                self.jobs
                    .get(*id)
                    .is_some_and(|j| j.connection_id == connection_id)
            })
            .cloned()
            .collect();
        ids.into_iter().find(|id| {
            self.advance(id, now);
            self.jobs.get(id).is_some_and(|j| j.is_unfinished(now))
        })
    }

    fn outage_of_job(&self, id: &str) -> bool {
        self.jobs.get(id).is_some_and(|j| {
            self.connectors
                .iter()
                .any(|c| c.id == j.institution_id && c.in_outage())
        })
    }

    fn advance(&mut self, id: &str, now: Millis) {
        let outage = self.outage_of_job(id);
        if let Some(job) = self.jobs.get_mut(id) {
            job.advance(now, outage);
        }
    }

    fn advance_all(&mut self, now: Millis) {
        let connectors = &self.connectors;
        for job in self.jobs.values_mut() {
            let outage = connectors
                .iter()
                .any(|c| c.id == job.institution_id && c.in_outage());
            job.advance(now, outage);
        }
    }

    /// Forgets jobs older than 7 days.
    fn prune(&mut self, now: Millis) {
        self.jobs.retain(|_, j| !j.is_expired(now));
        let jobs = &self.jobs;
        self.job_order.retain(|id| jobs.contains_key(id));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jobs::{LIFETIME_MS, RETRY_INTERVAL_MS};

    const T0: Millis = 1_700_000_000_000;

    fn creds(login: &str, password: &str) -> Credentials {
        Credentials {
            login_id: login.into(),
            password: password.into(),
            security_code: None,
            secondary_login_id: None,
        }
    }

    fn statuses(store: &mut Store, job: &str, now: Millis) -> Vec<&'static str> {
        store
            .job(job, now)
            .unwrap()
            .statuses()
            .iter()
            .map(|(_, s)| s.as_str())
            .collect()
    }

    #[test]
    fn create_twice_while_running_gives_a_new_job_paused_for_six_minutes() {
        let mut s = Store::new(1, 0);
        let u = s.create_user(None, None).id;
        let a = s
            .create_connection(&u, "AU00000", creds("x", "y"), T0)
            .unwrap();
        let b = s
            .create_connection(&u, "AU00000", creds("x", "y"), T0 + 1000)
            .unwrap();
        assert!(matches!(a, Started::New(_)));
        assert!(matches!(b, Started::New(_)));
        assert_ne!(a.job_id(), b.job_id());
        let conn = s.job(a.job_id(), T0 + 1000).unwrap().connection_id.clone();
        assert_eq!(s.job(b.job_id(), T0 + 1000).unwrap().connection_id, conn);
        // The duplicate is paused: still pending long after the first one finished.
        let paused_until = T0 + 1000 + DUPLICATE_PAUSE_MS + crate::jobs::QUEUE_DELAY_MS;
        assert_eq!(
            s.job(b.job_id(), paused_until - 1).unwrap().status(),
            "pending"
        );
        assert_eq!(
            s.job(a.job_id(), paused_until - 1).unwrap().status(),
            "success"
        );
        assert_eq!(
            s.job(b.job_id(), paused_until).unwrap().status(),
            "in-progress"
        );
        // Another login is another connection.
        let c = s
            .create_connection(&u, "AU00000", creds("z", "y"), T0 + 1000)
            .unwrap();
        assert!(matches!(c, Started::New(_)));
        // Once finished, a new create starts a new job on the same connection, unpaused.
        let later = T0 + 3 * DUPLICATE_PAUSE_MS;
        let d = s
            .create_connection(&u, "AU00000", creds("x", "y"), later)
            .unwrap();
        assert!(matches!(d, Started::New(_)));
        assert_eq!(s.job(d.job_id(), later).unwrap().connection_id, conn);
        assert_eq!(
            s.job(d.job_id(), later + crate::jobs::QUEUE_DELAY_MS)
                .unwrap()
                .status(),
            "in-progress"
        );
    }

    #[test]
    fn connection_status_and_last_use_follow_its_jobs() {
        let mut s = Store::new(1, 0);
        let u = s.create_user(None, None).id;
        let a = s
            .create_connection(&u, "AU00000", creds("bighead", "password"), T0)
            .unwrap();
        let conn = s.job(a.job_id(), T0).unwrap().connection_id.clone();
        let view = s.connection(&u, &conn, T0).unwrap();
        assert_eq!((view.status, view.last_used), ("pending", None));
        assert_eq!(
            s.connection(&u, &conn, T0 + 60_000).unwrap().status,
            "invalid"
        );
        let b = s
            .update_connection(
                &u,
                &conn,
                CredentialsPatch {
                    password: Some("new".into()),
                    ..CredentialsPatch::default()
                },
                T0 + 60_000,
            )
            .unwrap();
        let view = s.connection(&u, &conn, T0 + 120_000).unwrap();
        assert_eq!(view.status, "active");
        let Some(Ok(at)) = s.job(&b, T0 + 120_000).unwrap().credentials_check() else {
            panic!("verify-credentials succeeded")
        };
        assert_eq!(view.last_used, Some(at));
        assert_eq!(s.connections_of(&u, T0 + 120_000).unwrap().len(), 1);
        s.delete_connection(&u, &conn).unwrap();
        assert_eq!(
            s.connection(&u, &conn, T0).unwrap_err().code,
            "resource-not-found"
        );
        assert!(s.connections_of(&u, T0).unwrap().is_empty());
        assert!(s.delete_connection(&u, &conn).is_err());
        assert!(s.job(&b, T0 + 120_000).is_ok(), "its jobs stay readable");
    }

    #[test]
    fn refresh_returns_the_unfinished_job() {
        let mut s = Store::new(1, 0);
        let u = s.create_user(None, None).id;
        let a = s
            .create_connection(&u, "AU00000", creds("x", "y"), T0)
            .unwrap();
        let conn = s.job(a.job_id(), T0).unwrap().connection_id.clone();
        let r = s.refresh_connection(&u, &conn, T0 + 100).unwrap();
        assert_eq!(r, Started::Existing(a.job_id().to_owned()));
        let r = s.refresh_connection(&u, &conn, T0 + 60_000).unwrap();
        assert!(matches!(r, Started::New(_)));
        let all = s.refresh_all(&u, T0 + 60_100).unwrap();
        assert_eq!(all, vec![Started::Existing(r.job_id().to_owned())]);
        assert!(s.refresh_connection(&u, "nope", T0).is_err());
        let other = s.create_user(None, None).id;
        assert_eq!(
            s.refresh_connection(&other, &conn, T0).unwrap_err().code,
            "resource-not-found"
        );
    }

    #[test]
    fn update_with_jian_yang_stays_unfinished_in_the_retry_queue() {
        let mut s = Store::new(1, 0);
        let u = s.create_user(None, None).id;
        let a = s
            .create_connection(&u, "AU00000", creds("jianYang", "x"), T0)
            .unwrap();
        let conn = s.job(a.job_id(), T0).unwrap().connection_id.clone();
        let patch = CredentialsPatch {
            password: Some("nothotdog".into()),
            ..Default::default()
        };
        let t1 = T0 + 60_000;
        let up = s.update_connection(&u, &conn, patch, t1).unwrap();
        let t2 = t1 + 60_000;
        assert_eq!(statuses(&mut s, &up, t2), ["success", "failed", "pending"]);
        assert_eq!(
            s.refresh_connection(&u, &conn, t2).unwrap(),
            Started::Existing(up.clone())
        );
        let t3 = t2 + 3 * RETRY_INTERVAL_MS;
        assert_eq!(statuses(&mut s, &up, t3), ["success"; 3]);
        assert!(matches!(
            s.refresh_connection(&u, &conn, t3).unwrap(),
            Started::New(_)
        ));
    }

    #[test]
    fn status_change_applies_from_the_moment_it_happens() {
        let mut s = Store::new(1, 0);
        let u = s.create_user(None, None).id;
        let a = s
            .create_connection(&u, "ZZ00001", creds("x", "y"), T0)
            .unwrap();
        // The job's verify-credentials ended during the outage, although nobody looked.
        s.set_connector_status("ZZ00001", "operational", T0 + 60_000)
            .unwrap();
        assert_eq!(
            statuses(&mut s, a.job_id(), T0 + 60_000),
            ["failed", "pending", "pending"]
        );
        let b = s
            .create_connection(&u, "ZZ00001", creds("x", "y"), T0 + 60_000)
            .unwrap();
        assert_eq!(statuses(&mut s, b.job_id(), T0 + 120_000), ["success"; 3]);
        assert!(s.set_connector_status("ZZ00001", "broken", T0).is_err());
        assert!(s
            .set_connector_status("AU99999", "operational", T0)
            .is_err());
    }

    #[test]
    fn jobs_disappear_after_7_days() {
        let mut s = Store::new(1, 0);
        let u = s.create_user(None, None).id;
        let a = s
            .create_connection(&u, "AU00000", creds("x", "y"), T0)
            .unwrap();
        assert!(s.job(a.job_id(), T0 + LIFETIME_MS - 1).is_ok());
        assert_eq!(s.jobs_of(&u, None, T0 + LIFETIME_MS - 1).unwrap().len(), 1);
        assert!(s.job(a.job_id(), T0 + LIFETIME_MS).is_err());
        assert!(s.jobs_of(&u, None, T0 + LIFETIME_MS).unwrap().is_empty());
    }

    #[test]
    fn lists_jobs_newest_first_and_filters_by_connection() {
        let mut s = Store::new(1, 0);
        let u = s.create_user(None, None).id;
        let a = s
            .create_connection(&u, "AU00000", creds("a", "y"), T0)
            .unwrap();
        let b = s
            .create_connection(&u, "AU00002", creds("b", "y"), T0 + 1)
            .unwrap();
        let list: Vec<String> = s
            .jobs_of(&u, None, T0 + 2)
            .unwrap()
            .iter()
            .map(|j| j.id.clone())
            .collect();
        assert_eq!(list, [b.job_id(), a.job_id()]);
        let conn_a = s.job(a.job_id(), T0).unwrap().connection_id.clone();
        let only: Vec<String> = s
            .jobs_of(&u, Some(&conn_a), T0 + 2)
            .unwrap()
            .iter()
            .map(|j| j.id.clone())
            .collect();
        assert_eq!(only, [a.job_id()]);
    }

    #[test]
    fn user_or_create_keeps_existing_users_and_checks_ids() {
        let mut s = Store::new(1, 0);
        let u = s.create_user(Some("a@b.c".into()), None).id;
        assert_eq!(s.user_or_create(&u).unwrap().email, "a@b.c");
        assert_eq!(
            s.user_or_create("partner-user_7").unwrap().id,
            "partner-user_7"
        );
        assert!(s.user("partner-user_7").is_ok());
        for bad in ["", "a/b", "a b", &"x".repeat(65)] {
            assert_eq!(
                s.user_or_create(bad).unwrap_err().code,
                "parameter-not-valid"
            );
        }
    }

    #[test]
    fn ids_differ_between_salts_but_durations_do_not() {
        let mut a = Store::new(1, 10);
        let mut b = Store::new(1, 11);
        let (ua, ub) = (a.create_user(None, None).id, b.create_user(None, None).id);
        assert_ne!(ua, ub);
        let ja = a
            .create_connection(&ua, "AU00000", creds("x", "y"), T0)
            .unwrap();
        let jb = b
            .create_connection(&ub, "AU00000", creds("x", "y"), T0)
            .unwrap();
        assert_eq!(
            a.jobs[ja.job_id()].plan_durations(),
            b.jobs[jb.job_id()].plan_durations()
        );
    }

    #[test]
    fn bad_creation_requests_are_refused() {
        let mut s = Store::new(1, 0);
        let u = s.create_user(None, None).id;
        assert_eq!(
            s.create_connection(&u, "AU12345", creds("a", "b"), T0)
                .unwrap_err()
                .code,
            "parameter-not-valid"
        );
        assert_eq!(
            s.create_connection("nobody", "AU00000", creds("a", "b"), T0)
                .unwrap_err()
                .code,
            "resource-not-found"
        );
    }
}
