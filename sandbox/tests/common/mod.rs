//! Test harness: starts the real `basiq-sandbox` binary and speaks plain HTTP/1.1 to it.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// A running sandbox; killed when dropped.
pub struct Sandbox {
    child: Child,
    /// The bound port.
    pub port: u16,
}

impl Sandbox {
    /// Starts the sandbox on a free port with `--speed 200` and `extra` flags.
    pub fn start(extra: &[&str]) -> Sandbox {
        let mut args = vec!["--port", "0", "--speed", "200"];
        args.extend_from_slice(extra);
        Sandbox::start_with(&args)
    }

    /// Starts the sandbox with exactly these flags (plus nothing).
    pub fn start_with(args: &[&str]) -> Sandbox {
        let stderr = if std::env::var_os("SANDBOX_TEST_LOG").is_some() {
            Stdio::inherit()
        } else {
            Stdio::null()
        };
        let mut child = Command::new(env!("CARGO_BIN_EXE_basiq-sandbox"))
            .args(args)
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("start basiq-sandbox");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read first line");
        let port = line
            .trim()
            .strip_prefix("listening on http://127.0.0.1:")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("unexpected first line: {line:?}"));
        Sandbox { child, port }
    }

    /// The process id (for signals).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits up to `timeout` for the process to exit.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<std::process::ExitStatus> {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        None
    }

    /// The origin, e.g. `http://127.0.0.1:1234`.
    pub fn origin(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Sends one request; `Err` when the connection closed without an answer.
    pub fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Result<Reply, String> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).map_err(|e| e.to_string())?;
        stream
            .set_read_timeout(Some(Duration::from_secs(15)))
            .map_err(|e| e.to_string())?;
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\nContent-Length: {}\r\n",
            self.port,
            body.len()
        );
        for (k, v) in headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        stream
            .write_all(head.as_bytes())
            .map_err(|e| e.to_string())?;
        stream.write_all(body).map_err(|e| e.to_string())?;
        let mut raw = Vec::new();
        let read = stream.read_to_end(&mut raw);
        if raw.is_empty() {
            return Err(format!("connection closed without an answer ({read:?})"));
        }
        Reply::parse(&raw)
    }

    /// `send` that must get an answer.
    pub fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Reply {
        self.send(method, path, headers, body)
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"))
    }

    /// GET with a bearer token.
    pub fn get(&self, path: &str, token: &str) -> Reply {
        let auth = format!("Bearer {token}");
        self.request("GET", path, &[("Authorization", &auth)], b"")
    }

    /// POST a JSON body with a bearer token.
    pub fn post(&self, path: &str, token: &str, body: &Value) -> Reply {
        let auth = format!("Bearer {token}");
        let body = serde_json::to_vec(body).expect("json");
        self.request(
            "POST",
            path,
            &[
                ("Authorization", &auth),
                ("Content-Type", "application/json"),
            ],
            &body,
        )
    }

    /// POST a JSON body to a control endpoint (no auth).
    pub fn control(&self, path: &str, body: &Value) -> Reply {
        let body = serde_json::to_vec(body).expect("json");
        self.request("POST", path, &[("Content-Type", "application/json")], &body)
    }

    /// A new user and a CLIENT_ACCESS token for it: `(user_id, token)`.
    pub fn client(&self) -> (String, String) {
        let reply = self.control("/sandbox/client-token", &json!({}));
        assert_eq!(reply.status, 200, "{}", reply.text());
        let v = reply.json();
        (str_of(&v["userId"]), str_of(&v["access_token"]))
    }

    /// A fresh CLIENT_ACCESS token for an existing user.
    pub fn client_token_for(&self, user: &str) -> String {
        let reply = self.control("/sandbox/client-token", &json!({ "userId": user }));
        assert_eq!(reply.status, 200, "{}", reply.text());
        str_of(&reply.json()["access_token"])
    }

    /// A SERVER_ACCESS token from `POST /token`.
    pub fn server_token(&self) -> String {
        let reply = self.request(
            "POST",
            "/token",
            &[
                ("Authorization", "Basic c2FuZGJveDprZXk="),
                ("Content-Type", "application/x-www-form-urlencoded"),
                ("basiq-version", "3.0"),
            ],
            b"scope=SERVER_ACCESS",
        );
        assert_eq!(reply.status, 200, "{}", reply.text());
        str_of(&reply.json()["access_token"])
    }

    /// Creates a connection at `institution`; returns the reply (202, or 200 for a duplicate).
    pub fn connect(
        &self,
        user: &str,
        token: &str,
        login: &str,
        password: &str,
        institution: &str,
    ) -> Reply {
        self.post(
            &format!("/users/{user}/connections"),
            token,
            &json!({"loginId": login, "password": password, "institution": {"id": institution}}),
        )
    }

    /// Creates a connection and returns the new job's id.
    pub fn start_job(
        &self,
        user: &str,
        token: &str,
        login: &str,
        password: &str,
        institution: &str,
    ) -> String {
        let reply = self.connect(user, token, login, password, institution);
        assert_eq!(reply.status, 202, "{}", reply.text());
        str_of(&reply.json()["id"])
    }

    /// Polls `GET /jobs/{id}` until `done` holds (at most 10 s real time).
    pub fn poll_until(&self, job: &str, token: &str, done: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let reply = self.get(&format!("/jobs/{job}"), token);
            assert_eq!(reply.status, 200, "{}", reply.text());
            let v = reply.json();
            if done(&v) {
                return v;
            }
            assert!(
                Instant::now() < deadline,
                "job never reached the state: {v:#}"
            );
            std::thread::sleep(Duration::from_millis(3));
        }
    }

    /// Polls until every step succeeded or one failed.
    pub fn poll_finished(&self, job: &str, token: &str) -> Value {
        self.poll_until(job, token, finished)
    }

    /// Moves the sandbox clock forward.
    pub fn advance(&self, ms: u64) {
        let reply = self.control("/sandbox/clock/advance", &json!({ "ms": ms }));
        assert_eq!(reply.status, 200, "{}", reply.text());
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A parsed HTTP answer.
#[derive(Debug, Clone)]
pub struct Reply {
    /// Status code.
    pub status: u16,
    /// Headers, names lower-cased.
    pub headers: Vec<(String, String)>,
    /// Body bytes (de-chunked).
    pub body: Vec<u8>,
}

impl Reply {
    fn parse(raw: &[u8]) -> Result<Reply, String> {
        let split = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .ok_or_else(|| format!("no header end in {:?}", String::from_utf8_lossy(raw)))?;
        let head = String::from_utf8_lossy(&raw[..split]).to_string();
        let mut lines = head.split("\r\n");
        let status = lines
            .next()
            .and_then(|l| l.split(' ').nth(1))
            .and_then(|s| s.parse().ok())
            .ok_or("bad status line")?;
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        let rest = &raw[split + 4..];
        let chunked = headers
            .iter()
            .any(|(k, v)| k == "transfer-encoding" && v.contains("chunked"));
        let body = if chunked {
            dechunk(rest)?
        } else {
            rest.to_vec()
        };
        Ok(Reply {
            status,
            headers,
            body,
        })
    }

    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body as JSON (panics when it is not).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    /// Asserts a Basiq error answer with this status and code.
    pub fn assert_error(&self, status: u16, code: &str) {
        assert_eq!(self.status, status, "{}", self.text());
        let v = self.json();
        assert_eq!(v["type"], "list", "{v}");
        assert!(
            v["correlationId"].as_str().is_some_and(|s| !s.is_empty()),
            "{v}"
        );
        assert_eq!(v["data"][0]["type"], "error", "{v}");
        assert_eq!(v["data"][0]["code"], code, "{v}");
        assert!(
            v["data"][0]["title"]
                .as_str()
                .is_some_and(|s| !s.is_empty()),
            "{v}"
        );
        assert!(
            v["data"][0]["detail"]
                .as_str()
                .is_some_and(|s| !s.is_empty()),
            "{v}"
        );
    }
}

fn dechunk(mut data: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    loop {
        let line_end = data
            .windows(2)
            .position(|w| w == b"\r\n")
            .ok_or("bad chunk header")?;
        let size = usize::from_str_radix(
            String::from_utf8_lossy(&data[..line_end])
                .split(';')
                .next()
                .unwrap_or("")
                .trim(),
            16,
        )
        .map_err(|e| e.to_string())?;
        data = &data[line_end + 2..];
        if size == 0 {
            return Ok(out);
        }
        if data.len() < size + 2 {
            return Err("short chunk".into());
        }
        out.extend_from_slice(&data[..size]);
        data = &data[size + 2..];
    }
}

/// A JSON string value as `String` (panics otherwise).
pub fn str_of(v: &Value) -> String {
    v.as_str()
        .unwrap_or_else(|| panic!("not a string: {v}"))
        .to_owned()
}

/// The step statuses of a job body, in order.
/// The connection id at the end of a job's `links.source`.
pub fn connection_id(job: &Value) -> String {
    str_of(&job["links"]["source"])
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_owned()
}

pub fn statuses(job: &Value) -> Vec<String> {
    job["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .map(|s| str_of(&s["status"]))
        .collect()
}

/// The step titles of a job body, in order.
pub fn titles(job: &Value) -> Vec<String> {
    job["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .map(|s| str_of(&s["title"]))
        .collect()
}

/// True when every step succeeded or one failed.
pub fn finished(job: &Value) -> bool {
    let s = statuses(job);
    s.iter().all(|x| x == "success") || s.iter().any(|x| x == "failed")
}

/// True when the step titled `title` has status `status`.
pub fn step_is(job: &Value, title: &str, status: &str) -> bool {
    job["steps"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|s| s["title"] == title && s["status"] == status)
}

/// The step titled `title`.
pub fn step<'a>(job: &'a Value, title: &str) -> &'a Value {
    job["steps"]
        .as_array()
        .and_then(|steps| steps.iter().find(|s| s["title"] == title))
        .unwrap_or_else(|| panic!("no step {title} in {job}"))
}
