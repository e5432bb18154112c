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
            ("basiq-version", "3.0"),
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

    // No basiq-version, a version Basiq does not have, no Basic key, or a bad scope.
    let no_version = [
        ("Authorization", "Basic a2V5"),
        ("Content-Type", "application/x-www-form-urlencoded"),
    ];
    let reply = sb.request("POST", "/token", &no_version, b"scope=SERVER_ACCESS");
    reply.assert_error(400, "parameter-not-supplied");
    assert_eq!(
        reply.json()["data"][0]["source"],
        json!({"parameter": "basiq-version"})
    );
    let wrong_version = [no_version[0], no_version[1], ("basiq-version", "9.9")];
    sb.request("POST", "/token", &wrong_version, b"scope=SERVER_ACCESS")
        .assert_error(400, "parameter-not-valid");
    let form = [
        ("Content-Type", "application/x-www-form-urlencoded"),
        ("basiq-version", "3.0"),
    ];
    sb.request("POST", "/token", &form, b"scope=SERVER_ACCESS")
        .assert_error(401, "unauthorized-access");
    let with_key = [("Authorization", "Basic a2V5"), form[0], form[1]];
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
fn unknown_tokens_get_401_and_expired_ones_403_access_denied() {
    // Real-time speed, so only the clock advances move the token towards expiry.
    let sb = Sandbox::start_with(&["--port", "0", "--speed", "1"]);
    let (user, token) = sb.client();
    let path = format!("/users/{user}/jobs");
    sb.request("GET", &path, &[], b"")
        .assert_error(401, "unauthorized-access");
    sb.get(&path, "not-a-token")
        .assert_error(401, "invalid-authorization-token");
    sb.request(
        "GET",
        &path,
        &[("Authorization", &format!("Basic {token}"))],
        b"",
    )
    .assert_error(401, "invalid-authorization-token");
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
    for (t, route) in [
        (&token, path.clone()),
        (&server, path.clone()),
        (&token, "/jobs/any".into()),
        (&token, "/connectors".into()),
    ] {
        let reply = sb.get(&route, t);
        reply.assert_error(403, "access-denied");
        assert_eq!(reply.json()["data"][0]["detail"], "Token has expired");
    }
    // Minting other tokens does not make the expired one unknown.
    let fresh = sb.client_token_for(&user);
    sb.get(&path, &token).assert_error(403, "access-denied");
    assert_eq!(sb.get(&path, &fresh).status, 200);
}

#[test]
fn auth_is_checked_before_routing() {
    let sb = Sandbox::start(&[]);
    let (user, token) = sb.client();
    // Unknown API routes and wrong methods: 401 without a token, 404/405 with one.
    sb.request("GET", "/users/x/accounts", &[], b"")
        .assert_error(401, "unauthorized-access");
    sb.get("/users/x/accounts", "nope")
        .assert_error(401, "invalid-authorization-token");
    sb.request("DELETE", "/jobs/x", &[], b"")
        .assert_error(401, "unauthorized-access");
    sb.get(&format!("/users/{user}/accounts"), &token)
        .assert_error(404, "resource-not-found");
    sb.get("/institutions/AU00000/branches", &token)
        .assert_error(404, "resource-not-found");
    let auth = format!("Bearer {token}");
    let wrong = sb.request("DELETE", "/jobs/x", &[("Authorization", &auth)], b"");
    wrong.assert_error(405, "method-not-allowed");
    assert!(wrong.header("allow").is_some_and(|a| a.contains("GET")));
    sb.request("PUT", "/connectors", &[("Authorization", &auth)], b"")
        .assert_error(405, "method-not-allowed");
    sb.request("GET", "/token", &[], b"")
        .assert_error(405, "method-not-allowed");
}

#[test]
fn every_error_carries_the_error_document() {
    let sb = Sandbox::start(&["--www", "/nonexistent/www"]);
    for (method, path) in [
        ("GET", "/no/such/thing"),
        ("GET", "/missing.html"),
        ("POST", "/"),
        ("GET", "/sandbox/nope"),
        ("DELETE", "/sandbox/stats"),
        ("GET", "/pkg/missing.js"),
    ] {
        let reply = sb.request(method, path, &[], b"");
        assert!(reply.status >= 400, "{method} {path}: {}", reply.status);
        assert!(!reply.body.is_empty(), "{method} {path}: empty body");
        let v = reply.json();
        assert_eq!(v["type"], "list", "{method} {path}: {v}");
        assert_eq!(v["data"][0]["type"], "error", "{method} {path}: {v}");
    }
    sb.request("GET", "/no/such/thing", &[], b"")
        .assert_error(404, "resource-not-found");
    sb.request("POST", "/sandbox/stats", &[], b"")
        .assert_error(405, "method-not-allowed");
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
fn connectors_have_basiq_shape_and_several_per_institution() {
    let sb = Sandbox::start(&[]);
    let (_, token) = sb.client();
    let list = sb.get("/connectors", &token);
    assert_eq!(list.status, 200);
    let list = list.json();
    assert_eq!(list["type"], "list");
    let data = list["data"].as_array().expect("data");
    assert_eq!(list["totalCount"].as_u64(), Some(data.len() as u64));
    let keys: Vec<String> = data
        .iter()
        .map(|c| format!("{}/{}", str_of(&c["id"]), str_of(&c["method"])))
        .collect();
    assert_eq!(
        keys,
        [
            "AU00000/web",
            "AU00002/web",
            "AU00003/web",
            "AU00003/open-banking",
            "ZZ00001/web",
            "ZZ00002/web"
        ]
    );
    let status: Vec<String> = data.iter().map(|c| str_of(&c["status"])).collect();
    assert_eq!(
        status,
        [
            "operational",
            "operational",
            "operational",
            "operational",
            "major-outage",
            "under-maintenance"
        ]
    );

    let hooli = sb
        .get("/connectors?filter=connector.id.eq('AU00000')", &token)
        .json();
    let data = hooli["data"].as_array().expect("data");
    assert_eq!(data.len(), 1);
    assert_eq!(hooli["totalCount"], 1);
    let c = &data[0];
    assert_eq!(c["type"], "connector");
    assert_eq!(c["method"], "web");
    assert_eq!(c["stage"], "live");
    assert_eq!(c["tier"], "4");
    assert_eq!(c["country"], "Australia");
    assert!(c["scopes"].as_array().is_some_and(|s| !s.is_empty()));
    assert_eq!(c["authorization"]["type"], "user");
    assert!(c["authorization"]["meta"].is_object());
    assert_eq!(c["institution"]["name"], "Hooli");
    assert_eq!(c["institution"]["shortName"], "Hooli");
    let logo = &c["institution"]["logo"];
    assert_eq!(logo["type"], "image");
    assert!(logo["colors"].is_object());
    assert_eq!(
        c["links"]["self"],
        format!("{}/connectors/AU00000/web", sb.origin())
    );
    let avg = &c["stats"]["averageDurationMs"];
    let parts: Vec<u64> = [
        "verifyCredentials",
        "retrieveAccounts",
        "retrieveMeta",
        "retrieveTransactions",
    ]
    .iter()
    .map(|k| avg[k].as_u64().expect("duration"))
    .collect();
    assert_eq!(avg["total"].as_u64(), Some(parts.iter().sum()));
    assert!((3_000..=30_000).contains(&parts.iter().sum::<u64>()));

    // Two connectors for Nucleus Bank; pick one by method, or get it at /connectors/{id}/{method}.
    let nucleus = sb
        .get("/connectors?filter=connector.id.eq('AU00003')", &token)
        .json();
    assert_eq!(nucleus["totalCount"], 2);
    let ob = sb
        .get(
            "/connectors?filter=connector.id.eq('AU00003'),connector.method.eq('open-banking')",
            &token,
        )
        .json();
    assert_eq!(ob["totalCount"], 1);
    assert_eq!(ob["data"][0]["authorization"]["type"], "other");
    assert!(ob["data"][0]["stats"]["averageDurationMs"].is_null());
    let one = sb.get("/connectors/AU00003/open-banking", &token);
    assert_eq!(one.status, 200);
    assert_eq!(one.json(), ob["data"][0]);
    sb.get("/connectors/AU00000/open-banking", &token)
        .assert_error(404, "resource-not-found");
    sb.get("/connectors/AU99999/web", &token)
        .assert_error(404, "resource-not-found");

    let raviga = sb
        .get("/connectors?filter=connector.id.eq(%22ZZ00002%22)", &token)
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

    let logo_url = str_of(&logo["links"]["square"]);
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
fn institutions_list_each_institution_once() {
    let sb = Sandbox::start(&[]);
    let (_, token) = sb.client();
    let list = sb.get("/institutions", &token);
    assert_eq!(list.status, 200);
    let list = list.json();
    assert_eq!(list["type"], "list");
    let ids: Vec<String> = list["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|i| str_of(&i["id"]))
        .collect();
    assert_eq!(ids, ["AU00000", "AU00002", "AU00003", "ZZ00001", "ZZ00002"]);
    assert_eq!(list["totalCount"], 5);
    let pied = sb.get("/institutions/AU00002", &token);
    assert_eq!(pied.status, 200);
    let pied = pied.json();
    assert_eq!(pied["type"], "institution");
    assert_eq!(pied["name"], "Pied Piper Bank");
    assert_eq!(pied["authorization"], "user-mfa");
    assert_eq!(pied["loginIdCaption"], "Login ID");
    assert_eq!(pied["logo"]["type"], "image");
    assert_eq!(
        pied["links"]["self"],
        format!("{}/institutions/AU00002", sb.origin())
    );
    assert_eq!(
        sb.get("/institutions/AU00003", &token).json()["authorization"],
        "user-mfa-intermittent"
    );
    sb.get("/institutions/AU00001", &token)
        .assert_error(404, "resource-not-found");
}

#[test]
fn users_and_connections_can_be_read_and_deleted() {
    let sb = Sandbox::start(&[]);
    let server = sb.server_token();
    let created = sb
        .post("/users", &server, &json!({"email": "a@b.c"}))
        .json();
    let user = str_of(&created["id"]);
    assert_eq!(
        created["connections"],
        json!({"type": "list", "count": 0, "data": []})
    );
    let token = sb.client_token_for(&user);
    let job = sb.start_job(&user, &token, "monica", "hall", "AU00000");
    let conn = {
        let j = sb.poll_until(&job, &token, |j| j["links"]["source"].is_string());
        common::connection_id(&j)
    };
    let base = format!("{}/users/{user}", sb.origin());

    let c = sb.get(&format!("/users/{user}/connections/{conn}"), &token);
    assert_eq!(c.status, 200);
    let c = c.json();
    assert_eq!(c["type"], "connection");
    assert_eq!(c["id"], conn.as_str());
    assert_eq!(c["status"], "pending", "before the login succeeded: {c}");
    assert!(c["lastUsed"].is_null());
    assert_eq!(c["institution"]["id"], "AU00000");
    assert_eq!(
        c["institution"]["links"]["self"],
        format!("{}/institutions/AU00000", sb.origin())
    );
    assert_eq!(c["links"]["self"], format!("{base}/connections/{conn}"));

    sb.poll_finished(&job, &token);
    let c = sb
        .get(&format!("/users/{user}/connections/{conn}"), &token)
        .json();
    assert_eq!(c["status"], "active");
    let last = str_of(&c["lastUsed"]);
    assert!(last.len() == 20 && last.ends_with('Z'), "{last}");

    let u = sb.get(&format!("/users/{user}"), &token);
    assert_eq!(u.status, 200);
    let u = u.json();
    assert_eq!(u["type"], "user");
    assert_eq!(u["email"], "a@b.c");
    assert_eq!(u["connections"]["count"], 1);
    assert_eq!(u["connections"]["data"][0]["id"], conn.as_str());
    assert_eq!(u["links"]["self"], base);
    let list = sb.get(&format!("/users/{user}/connections"), &token).json();
    assert_eq!(list["type"], "list");
    assert_eq!(list["count"], 1);
    assert_eq!(list["data"][0], c);

    // bighead's refused login makes his connection invalid.
    let bad = sb.start_job(&user, &token, "bighead", "password", "AU00000");
    let bad_conn = common::connection_id(&sb.poll_finished(&bad, &token));
    assert_eq!(
        sb.get(&format!("/users/{user}/connections/{bad_conn}"), &token)
            .json()["status"],
        "invalid"
    );

    // Another user's token reaches none of it.
    let (_, other) = sb.client();
    sb.get(&format!("/users/{user}"), &other)
        .assert_error(403, "forbidden-access");
    sb.get(&format!("/users/{user}/connections/{conn}"), &other)
        .assert_error(403, "forbidden-access");

    let auth = format!("Bearer {token}");
    let path = format!("/users/{user}/connections/{conn}");
    let deleted = sb.request("DELETE", &path, &[("Authorization", &auth)], b"");
    assert_eq!(deleted.status, 204);
    sb.get(&path, &token)
        .assert_error(404, "resource-not-found");
    sb.request("DELETE", &path, &[("Authorization", &auth)], b"")
        .assert_error(404, "resource-not-found");
    assert_eq!(
        sb.get(&format!("/users/{user}/connections"), &token).json()["count"],
        1
    );
    assert_eq!(
        sb.get(&format!("/jobs/{job}"), &token).status,
        200,
        "jobs stay"
    );
    sb.get("/users/nobody", &server)
        .assert_error(404, "resource-not-found");
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
    for m in ["GET", "POST", "DELETE", "OPTIONS"] {
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
            "GET",
            "/jobs/x",
            &[
                ("Origin", "http://a.test"),
                ("Authorization", "Bearer expired?"),
            ],
            b"",
        ),
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
