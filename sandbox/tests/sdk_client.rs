//! A small client of our own written the way Basiq's official Node SDK works, run against the
//! sandbox unchanged: a SERVER_ACCESS token by form post with `basiq-version`, a user, a
//! connection, `waitForCredentials` (poll the job every second, look at the first step by index,
//! stop on success or failure), then `GET` the connection the step's result links to.

mod common;

use std::time::{Duration, Instant};

use common::{str_of, Reply, Sandbox};
use serde_json::{json, Value};

/// The SDK's session: one token, every call with `Authorization: Bearer` and `basiq-version`.
struct Session<'a> {
    sb: &'a Sandbox,
    token: String,
}

impl<'a> Session<'a> {
    /// `new Basiq.Session(apiKey)`: `POST /token`, form-encoded, `basiq-version: 3.0`.
    fn new(sb: &'a Sandbox, api_key: &str) -> Session<'a> {
        let auth = format!("Basic {api_key}");
        let reply = sb.request(
            "POST",
            "/token",
            &[
                ("Authorization", &auth),
                ("Content-Type", "application/x-www-form-urlencoded"),
                ("basiq-version", "3.0"),
            ],
            b"scope=SERVER_ACCESS",
        );
        assert_eq!(reply.status, 200, "{}", reply.text());
        let body = reply.json();
        assert_eq!(body["token_type"], "Bearer");
        assert!(body["expires_in"].as_u64().is_some_and(|s| s > 0));
        Session {
            sb,
            token: str_of(&body["access_token"]),
        }
    }

    fn call(&self, method: &str, path: &str, body: Option<&Value>) -> Reply {
        let auth = format!("Bearer {}", self.token);
        let bytes = body
            .map(|b| serde_json::to_vec(b).expect("json"))
            .unwrap_or_default();
        let mut headers = vec![
            ("Authorization", auth.as_str()),
            ("basiq-version", "3.0"),
            ("Accept", "application/json"),
        ];
        if body.is_some() {
            headers.push(("Content-Type", "application/json"));
        }
        self.sb.request(method, path, &headers, &bytes)
    }

    /// `session.createUser({email})`.
    fn create_user(&self, email: &str) -> String {
        let reply = self.call("POST", "/users", Some(&json!({ "email": email })));
        assert_eq!(reply.status, 201, "{}", reply.text());
        str_of(&reply.json()["id"])
    }

    /// `user.createConnection({loginId, password, institution: {id}})`: the job.
    fn create_connection(&self, user: &str, login: &str, password: &str, bank: &str) -> String {
        let reply = self.call(
            "POST",
            &format!("/users/{user}/connections"),
            Some(&json!({"loginId": login, "password": password, "institution": {"id": bank}})),
        );
        assert_eq!(reply.status, 202, "{}", reply.text());
        str_of(&reply.json()["id"])
    }

    /// `job.waitForCredentials(1000, 60)`: the job once `steps[0]` is success or failed.
    fn wait_for_credentials(&self, job: &str) -> Value {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let reply = self.call("GET", &format!("/jobs/{job}"), None);
            assert_eq!(reply.status, 200, "{}", reply.text());
            let body = reply.json();
            let first = &body["steps"][0];
            if first["status"] == "success" || first["status"] == "failed" {
                return body;
            }
            assert!(
                Instant::now() < deadline,
                "waitForCredentials timed out: {body:#}"
            );
            std::thread::sleep(Duration::from_millis(1000));
        }
    }

    /// `job.getConnection()`: the connection id is the last segment of `steps[0].result.url`.
    fn connection_of(&self, user: &str, job: &Value) -> Value {
        let url = str_of(&job["steps"][0]["result"]["url"]);
        let id = url.rsplit('/').next().expect("connection id");
        let reply = self.call("GET", &format!("/users/{user}/connections/{id}"), None);
        assert_eq!(reply.status, 200, "{}", reply.text());
        reply.json()
    }
}

#[test]
fn a_client_written_like_basiqs_node_sdk_connects_and_reads_the_connection() {
    let sb = Sandbox::start(&[]);
    let session = Session::new(&sb, "YjNkMmM0ZjAtc2FuZGJveDpzZWNyZXQ=");
    let user = session.create_user("gavin@hooli.com");
    for (login, password, bank) in [
        ("monica", "hall", "AU00000"),
        // At an MFA bank the first step still ends; the SDK reads the connection after it.
        ("jared", "django", "AU00002"),
    ] {
        let job = session.create_connection(&user, login, password, bank);
        let job = session.wait_for_credentials(&job);
        assert_eq!(job["steps"][0]["title"], "verify-credentials");
        assert_eq!(job["steps"][0]["status"], "success", "{job:#}");
        let connection = session.connection_of(&user, &job);
        assert_eq!(connection["type"], "connection");
        assert_eq!(connection["status"], "active");
        assert_eq!(connection["institution"]["id"], bank);
        assert!(connection["lastUsed"].is_string());
        assert_eq!(
            connection["links"]["self"],
            str_of(&job["links"]["source"]),
            "the step's link and links.source name the same connection"
        );
    }
    // `user.refreshAllConnections()` and the user with its connections.
    let refreshed = session.call("POST", &format!("/users/{user}/connections/refresh"), None);
    assert_eq!(refreshed.status, 202, "{}", refreshed.text());
    let me = session.call("GET", &format!("/users/{user}"), None).json();
    assert_eq!(me["connections"]["count"], 2);
}
