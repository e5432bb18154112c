//! Tokens, users, access rules, errors, connectors, counters, CORS and static files.

mod common;

use std::time::Duration;

use common::{str_of, Sandbox};
use serde_json::json;

#[test]
fn token_endpoint_mints_bearer_tokens_for_both_scopes() {
    let sb = Sandbox::start(&[]);
    let server = sb.server_token();
    let user = sb.post("/users", &server, &json!({"email": "gavin@hooli.com"}));
    assert_eq!(user.status, 201, "{}", user.text());
    let user = user.json();
    assert_eq!(user["type"], "user");
    assert_eq!(user["email"], "gavin@hooli.com");
    let id = str_of(&user["id"]);
    assert_eq!(user["links"]["self"], format!("{}/users/{id}", sb.origin()));

    let body = format!("scope=CLIENT_ACCESS&userId={id}");
    let reply = sb.request(
        "POST",
        "/token",
        &[
            ("Authorization", "Basic a2V5"),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ],
        body.as_bytes(),
    );
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(reply.header("content-type"), Some("application/json"));
    let token = reply.json();
    assert_eq!(token["token_type"], "Bearer");
    assert_eq!(token["expires_in"], 3600);
    let client = str_of(&token["access_token"]);
    assert!(client.len() >= 32 && client != server);
    // The client token works for its own user…
    let jobs = sb.get(&format!("/users/{id}/jobs"), &client);
    assert_eq!(jobs.status, 200);
    assert_eq!(jobs.json()["size"], 0);
    // …but cannot create users.
    sb.post("/users", &client, &json!({}))
        .assert_error(403, "forbidden-access");

    // The control endpoint acts as a partner backend: it knows users the sandbox has not seen.
    let minted = sb.control("/sandbox/client-token", &json!({"userId": "partner-42"}));
    assert_eq!(minted.status, 200);
    let minted = minted.json();
    assert_eq!(minted["userId"], "partner-42");
    assert_eq!(minted["token_type"], "Bearer");
    assert_eq!(minted["expires_in"], 3600);
    let partner = str_of(&minted["access_token"]);
    assert_eq!(sb.get("/users/partner-42/jobs", &partner).status, 200);
    sb.get(&format!("/users/{id}/jobs"), &partner)
        .assert_error(403, "forbidden-access");
    sb.control("/sandbox/client-token", &json!({"userId": "a/b"}))
        .assert_error(400, "parameter-not-valid");

    // No Basic key, or a bad scope.
    let form = [("Content-Type", "application/x-www-form-urlencoded")];
    sb.request("POST", "/token", &form, b"scope=SERVER_ACCESS")
        .assert_error(401, "unauthorized-access");
    let with_key = [("Authorization", "Basic a2V5"), form[0]];
    sb.request("POST", "/token", &with_key, b"scope=EVERYTHING")
        .assert_error(400, "parameter-not-valid");
    sb.request("POST", "/token", &with_key, b"scope=CLIENT_ACCESS")
        .assert_error(400, "parameter-not-valid");
    sb.request(
        "POST",
        "/token",
        &with_key,
        b"scope=CLIENT_ACCESS&userId=nobody",
    )
    .assert_error(404, "resource-not-found");
}

#[test]
fn bad_missing_and_expired_tokens_get_401() {
    // Real-time speed, so only the clock advances move the token towards expiry.
    let sb = Sandbox::start_with(&["--port", "0", "--speed", "1"]);
    let (user, token) = sb.client();
    let path = format!("/users/{user}/jobs");
    sb.request("GET", &path, &[], b"")
        .assert_error(401, "unauthorized-access");
    sb.get(&path, "not-a-token")
        .assert_error(401, "unauthorized-access");
    sb.request(
        "GET",
        &path,
        &[("Authorization", &format!("Basic {token}"))],
        b"",
    )
    .assert_error(401, "unauthorized-access");
    sb.request("GET", "/connectors", &[], b"")
        .assert_error(401, "unauthorized-access");

    let server = sb.server_token();
    assert_eq!(sb.get(&path, &token).status, 200);
    sb.advance(3_600_000 - 60_000);
    assert_eq!(
        sb.get(&path, &token).status,
        200,
        "still valid just before an hour"
    );
    sb.advance(60_000);
    sb.get(&path, &token)
        .assert_error(401, "unauthorized-access");
    sb.get(&path, &server)
        .assert_error(401, "unauthorized-access");
    let fresh = sb.client_token_for(&user);
    assert_eq!(sb.get(&path, &fresh).status, 200);
}

#[test]
fn a_client_token_only_reaches_its_own_user() {
    let sb = Sandbox::start(&[]);
    let (alice, alice_token) = sb.client();
    let (bob, bob_token) = sb.client();
    let job = sb.start_job(&alice, &alice_token, "alice", "pw", "AU00000");

    sb.get(&format!("/jobs/{job}"), &bob_token)
        .assert_error(403, "forbidden-access");
    sb.post(
        &format!("/jobs/{job}/mfa"),
        &bob_token,
        &json!({"mfa-response": ["1"]}),
    )
    .assert_error(403, "forbidden-access");
    sb.get(&format!("/users/{alice}/jobs"), &bob_token)
        .assert_error(403, "forbidden-access");
    sb.connect(&alice, &bob_token, "bob", "pw", "AU00000")
        .assert_error(403, "forbidden-access");
    sb.post(
        &format!("/users/{alice}/connections/refresh"),
        &bob_token,
        &json!(null),
    )
    .assert_error(403, "forbidden-access");
    // Bob's own resources and a server token are fine.
    assert_eq!(
        sb.get(&format!("/users/{bob}/jobs"), &bob_token).status,
        200
    );
    let server = sb.server_token();
    assert_eq!(sb.get(&format!("/jobs/{job}"), &server).status, 200);
    assert_eq!(
        sb.get(&format!("/users/{alice}/jobs"), &server).json()["size"],
        1
    );
}

#[test]
fn unknown_resources_get_404_and_bad_bodies_400() {
    let sb = Sandbox::start(&[]);
    let (user, token) = sb.client();
    let server = sb.server_token();
    sb.get("/jobs/no-such-job", &token)
        .assert_error(404, "resource-not-found");
    sb.get("/users/no-such-user/jobs", &server)
        .assert_error(404, "resource-not-found");
    sb.connect("no-such-user", &server, "a", "b", "AU00000")
        .assert_error(404, "resource-not-found");
    sb.post(
        &format!("/users/{user}/connections/nope/refresh"),
        &token,
        &json!(null),
    )
    .assert_error(404, "resource-not-found");
    sb.post(
        &format!("/users/{user}/connections/nope"),
        &token,
        &json!({"password": "x"}),
    )
    .assert_error(404, "resource-not-found");

    sb.connect(&user, &token, "a", "b", "AU12345")
        .assert_error(400, "parameter-not-valid");
    sb.connect(&user, &token, "", "b", "AU00000")
        .assert_error(400, "parameter-not-valid");
    sb.post(
        &format!("/users/{user}/connections"),
        &token,
        &json!({"loginId": "a"}),
    )
    .assert_error(400, "parameter-not-valid");
    let auth = format!("Bearer {token}");
    let headers = [
        ("Authorization", auth.as_str()),
        ("Content-Type", "application/json"),
    ];
    sb.request(
        "POST",
        &format!("/users/{user}/connections"),
        &headers,
        b"{not json",
    )
    .assert_error(400, "parameter-not-valid");
    sb.request("POST", &format!("/users/{user}/connections"), &headers, b"")
        .assert_error(400, "parameter-not-valid");
    sb.control("/sandbox/clock/advance", &json!({"ms": -5}))
        .assert_error(400, "parameter-not-valid");
}

#[test]
fn connectors_list_filter_and_logos() {
    let sb = Sandbox::start(&[]);
    let (_, token) = sb.client();
    let list = sb.get("/connectors", &token);
    assert_eq!(list.status, 200);
    let list = list.json();
    assert_eq!(list["type"], "list");
    let data = list["data"].as_array().expect("data");
    let ids: Vec<String> = data.iter().map(|c| str_of(&c["id"])).collect();
    assert_eq!(ids, ["AU00000", "AU00001", "AU00002"]);
    let status: Vec<String> = data.iter().map(|c| str_of(&c["status"])).collect();
    assert_eq!(status, ["operational", "major-outage", "under-maintenance"]);

    let hooli = sb
        .get("/connectors?filter=connector.id.eq('AU00000')", &token)
        .json();
    let data = hooli["data"].as_array().expect("data");
    assert_eq!(data.len(), 1);
    let c = &data[0];
    assert_eq!(c["type"], "connector");
    assert_eq!(c["method"], "web");
    assert_eq!(c["authorization"], "user");
    assert_eq!(c["institution"]["name"], "Hooli");
    assert_eq!(c["institution"]["shortName"], "Hooli");
    assert_eq!(
        c["links"]["self"],
        format!("{}/connectors/AU00000", sb.origin())
    );
    let avg = &c["stats"]["averageDurationMs"];
    let parts: Vec<u64> = [
        "verifyCredentials",
        "retrieveAccounts",
        "retrieveTransactions",
    ]
    .iter()
    .map(|k| avg[k].as_u64().expect("duration"))
    .collect();
    assert_eq!(avg["total"].as_u64(), Some(parts.iter().sum()));
    assert!((3_000..=30_000).contains(&parts.iter().sum::<u64>()));

    let raviga = sb
        .get("/connectors?filter=connector.id.eq(%22AU00002%22)", &token)
        .json();
    assert_eq!(raviga["data"][0]["institution"]["shortName"], "Raviga");
    assert!(
        raviga["data"][0]["stats"]["averageDurationMs"]["total"].as_u64() > avg["total"].as_u64()
    );
    let none = sb
        .get("/connectors?filter=connector.id.eq('AU99999')", &token)
        .json();
    assert_eq!(none["data"].as_array().map(Vec::len), Some(0));
    sb.get("/connectors?filter=connector.id.ne('x')", &token)
        .assert_error(400, "parameter-not-valid");

    let logo_url = str_of(&c["institution"]["logo"]);
    let path = logo_url
        .strip_prefix(&sb.origin())
        .expect("logo served by the sandbox");
    let logo = sb.request("GET", path, &[], b"");
    assert_eq!(logo.status, 200);
    assert_eq!(logo.header("content-type"), Some("image/svg+xml"));
    assert!(logo.text().starts_with("<svg"));
    assert_eq!(
        sb.request("GET", "/sandbox/logos/AU99999.svg", &[], b"")
            .status,
        404
    );
}

#[test]
fn stats_count_api_requests_per_route_and_per_job() {
    let dir = tempdir("stats");
    let www = dir.join("www");
    std::fs::create_dir_all(&www).expect("mkdir");
    std::fs::write(www.join("index.html"), "<p>demo</p>").expect("write");
    let www = www.to_string_lossy().into_owned();
    let sb = Sandbox::start(&["--www", &www]);
    let (user, token) = sb.client();
    let job = sb.start_job(&user, &token, "a", "b", "AU00000");
    for _ in 0..3 {
        sb.get(&format!("/jobs/{job}"), &token);
    }
    sb.get("/connectors", &token);
    sb.get("/jobs/unknown", &token);
    // Not counted: static files, control endpoints, CORS preflights.
    assert_eq!(sb.request("GET", "/", &[], b"").status, 200);
    sb.request(
        "OPTIONS",
        &format!("/jobs/{job}"),
        &[
            ("Origin", "http://x"),
            ("Access-Control-Request-Method", "GET"),
        ],
        b"",
    );
    let stats = sb.request("GET", "/sandbox/stats", &[], b"").json();
    assert_eq!(stats["total"], 6, "{stats:#}");
    assert_eq!(stats["byRoute"]["GET /jobs/{id}"], 4);
    assert_eq!(stats["byRoute"]["POST /users/{u}/connections"], 1);
    assert_eq!(stats["byRoute"]["GET /connectors"], 1);
    assert_eq!(stats["byJob"][&job], 3);
    assert_eq!(stats["byJob"]["unknown"], 1);

    let reset = sb.control("/sandbox/stats/reset", &json!(null));
    assert_eq!(reset.status, 200);
    let stats = sb.request("GET", "/sandbox/stats", &[], b"").json();
    assert_eq!(stats, json!({"total": 0, "byRoute": {}, "byJob": {}}));
    sb.get(&format!("/jobs/{job}"), &token);
    let stats = sb.request("GET", "/sandbox/stats", &[], b"").json();
    assert_eq!(stats["total"], 1);
    assert_eq!(stats["byJob"][&job], 1);
}

#[test]
fn cors_allows_any_origin_and_exposes_retry_after() {
    let sb = Sandbox::start(&[]);
    let (_, token) = sb.client();
    let preflight = sb.request(
        "OPTIONS",
        "/jobs/x",
        &[
            ("Origin", "http://localhost:5173"),
            ("Access-Control-Request-Method", "GET"),
            (
                "Access-Control-Request-Headers",
                "authorization,basiq-version",
            ),
        ],
        b"",
    );
    assert!(preflight.status == 200 || preflight.status == 204);
    assert_eq!(preflight.header("access-control-allow-origin"), Some("*"));
    let methods = preflight
        .header("access-control-allow-methods")
        .unwrap_or("")
        .to_ascii_uppercase();
    for m in ["GET", "POST", "OPTIONS"] {
        assert!(methods.contains(m), "{methods}");
    }
    let headers = preflight
        .header("access-control-allow-headers")
        .unwrap_or("")
        .to_ascii_lowercase();
    for h in ["authorization", "content-type", "basiq-version"] {
        assert!(headers.contains(h), "{headers}");
    }
    let auth = format!("Bearer {token}");
    for reply in [
        sb.request(
            "GET",
            "/connectors",
            &[("Origin", "http://a.test"), ("Authorization", &auth)],
            b"",
        ),
        sb.request("GET", "/jobs/x", &[("Origin", "http://a.test")], b""),
        sb.request(
            "POST",
            "/sandbox/client-token",
            &[("Origin", "http://a.test")],
            b"",
        ),
    ] {
        assert_eq!(reply.header("access-control-allow-origin"), Some("*"));
        assert_eq!(
            reply
                .header("access-control-expose-headers")
                .map(str::to_ascii_lowercase),
            Some("retry-after".into())
        );
    }
}

#[test]
fn serves_www_and_pkg_with_the_right_types() {
    let dir = tempdir("files");
    let (www, pkg) = (dir.join("www"), dir.join("pkg"));
    std::fs::create_dir_all(&www).expect("mkdir");
    std::fs::create_dir_all(&pkg).expect("mkdir");
    std::fs::write(www.join("index.html"), "<!doctype html><title>demo</title>").expect("write");
    std::fs::write(pkg.join("basiq_jobs.js"), "export default 1;").expect("write");
    std::fs::write(pkg.join("basiq_jobs_bg.wasm"), b"\0asm\x01\0\0\0").expect("write");
    let (www, pkg) = (
        www.to_string_lossy().into_owned(),
        pkg.to_string_lossy().into_owned(),
    );
    let sb = Sandbox::start(&["--www", &www, "--pkg", &pkg]);

    let index = sb.request("GET", "/", &[], b"");
    assert_eq!(index.status, 200);
    assert!(index
        .header("content-type")
        .unwrap_or("")
        .starts_with("text/html"));
    assert!(index.text().contains("<title>demo</title>"));
    let js = sb.request("GET", "/pkg/basiq_jobs.js", &[], b"");
    assert_eq!(js.status, 200);
    assert!(js
        .header("content-type")
        .unwrap_or("")
        .starts_with("text/javascript"));
    let wasm = sb.request("GET", "/pkg/basiq_jobs_bg.wasm", &[], b"");
    assert_eq!(wasm.status, 200);
    assert_eq!(wasm.header("content-type"), Some("application/wasm"));
    assert_eq!(wasm.body, b"\0asm\x01\0\0\0");
    assert_eq!(sb.request("GET", "/missing.html", &[], b"").status, 404);
}

#[test]
fn missing_static_directories_do_not_break_the_api() {
    let sb = Sandbox::start(&["--www", "/nonexistent/www", "--pkg", "/nonexistent/pkg"]);
    assert_eq!(sb.request("GET", "/", &[], b"").status, 404);
    assert_eq!(sb.request("GET", "/pkg/x.js", &[], b"").status, 404);
    let (_, token) = sb.client();
    assert_eq!(sb.get("/connectors", &token).status, 200);
}

#[test]
fn public_url_sets_the_origin_of_absolute_links() {
    let sb = Sandbox::start(&["--public-url", "https://sandbox.example.test/"]);
    let (user, token) = sb.client();
    let reply = sb.connect(&user, &token, "a", "b", "AU00000");
    assert_eq!(reply.status, 202);
    let id = str_of(&reply.json()["id"]);
    assert_eq!(
        reply.json()["links"]["self"],
        format!("https://sandbox.example.test/jobs/{id}")
    );
    let job = sb.poll_until(&id, &token, |j| j["links"]["source"].is_string());
    assert!(str_of(&job["links"]["source"]).starts_with("https://sandbox.example.test/users/"));
}

#[test]
fn sigterm_and_sigint_shut_the_server_down_cleanly() {
    let signal = |sb: &Sandbox, name: &str| {
        let sent = std::process::Command::new("kill")
            .args([name, &sb.pid().to_string()])
            .status()
            .expect("run kill");
        assert!(sent.success());
    };
    let mut sb = Sandbox::start(&[]);
    let (_, token) = sb.client();
    assert_eq!(sb.get("/connectors", &token).status, 200);
    signal(&sb, "-TERM");
    let status = sb
        .wait_exit(Duration::from_secs(5))
        .expect("exits after SIGTERM");
    assert!(status.success(), "clean exit, got {status:?}");

    // Right after the port is announced, the handlers are already in place.
    let mut sb = Sandbox::start(&[]);
    signal(&sb, "-INT");
    let status = sb
        .wait_exit(Duration::from_secs(5))
        .expect("exits after SIGINT");
    assert!(status.success(), "clean exit, got {status:?}");
}

/// A fresh temporary directory for one test, removed when dropped.
struct TempDir(std::path::PathBuf);

impl TempDir {
    fn join(&self, name: &str) -> std::path::PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn tempdir(name: &str) -> TempDir {
    let dir =
        std::env::temp_dir().join(format!("basiq-sandbox-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("mkdir");
    TempDir(dir)
}
