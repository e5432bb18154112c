//! Each documented test user's job, end to end over HTTP.

mod common;

use common::{connection_id, finished, statuses, step, step_is, str_of, titles, Sandbox};
use serde_json::{json, Value};

const LOCKED: &str =
    "Cannot login to target institution. This account is locked; please contact your bank.";

/// Asserts the documented failure: exact result (no `type`), later steps pending with null results.
fn assert_failed_on(job: &Value, title: &str, code: &str, result_title: &str, detail: &str) {
    let steps = job["steps"].as_array().expect("steps");
    let at = steps
        .iter()
        .position(|s| s["title"] == title)
        .expect("step");
    assert_eq!(steps[at]["status"], "failed", "{job:#}");
    assert_eq!(
        steps[at]["result"],
        json!({"code": code, "title": result_title, "detail": detail}),
        "a failed step's result has exactly code, title and detail"
    );
    for s in &steps[..at] {
        assert_eq!(s["status"], "success", "{job:#}");
    }
    for s in &steps[at + 1..] {
        assert_eq!(s["status"], "pending", "{job:#}");
        assert!(s["result"].is_null(), "{job:#}");
    }
}

#[test]
fn an_ordinary_login_succeeds_with_relative_result_links_and_absolute_self() {
    let sb = Sandbox::start(&[]);
    let (user, token) = sb.client();
    let reply = sb.connect(&user, &token, "bighead", "not-the-password", "AU00000");
    assert_eq!(reply.status, 202);
    let started = reply.json();
    assert_eq!(started["type"], "job");
    let id = str_of(&started["id"]);
    assert_eq!(
        started["links"]["self"],
        format!("{}/jobs/{id}", sb.origin())
    );

    let first = sb.get(&format!("/jobs/{id}"), &token).json();
    assert_eq!(
        titles(&first),
        [
            "verify-credentials",
            "retrieve-accounts",
            "retrieve-transactions"
        ]
    );
    let job = sb.poll_until(&id, &token, |j| statuses(j).iter().all(|s| s == "success"));
    let conn = str_of(&job["links"]["source"]);
    let conn = conn
        .strip_prefix(&format!("{}/users/{user}/connections/", sb.origin()))
        .expect("links.source is the absolute connection URL")
        .to_owned();
    assert_eq!(job["type"], "job");
    assert_eq!(job["id"], id.as_str());
    assert_eq!(job["jobType"], "connection");
    assert!(job["partnerId"].is_string() && job["applicationId"].is_string());
    assert_eq!(job["links"]["self"], format!("{}/jobs/{id}", sb.origin()));
    assert_eq!(
        step(&job, "verify-credentials")["result"],
        json!({"type": "link", "url": format!("/users/{user}/connections/{conn}")})
    );
    assert_eq!(
        step(&job, "retrieve-accounts")["result"],
        json!({"type": "link", "url": format!("/users/{user}/accounts?filter=institution.id.eq('AU00000')")})
    );
    assert_eq!(
        step(&job, "retrieve-transactions")["result"],
        json!({"type": "link", "url": format!("/users/{user}/transactions?filter=institution.id.eq('AU00000')")})
    );
    for field in ["created", "updated"] {
        let t = str_of(&job[field]);
        assert!(
            t.len() == 20 && t.ends_with('Z') && &t[10..11] == "T",
            "{field} is RFC 3339 UTC: {t}"
        );
    }
    assert!(job["updated"].as_str() >= job["created"].as_str());
}

#[test]
fn bighead_fails_verify_credentials() {
    let sb = Sandbox::start(&[]);
    let (user, token) = sb.client();
    let id = sb.start_job(&user, &token, "bighead", "password", "AU00000");
    let job = sb.poll_finished(&id, &token);
    assert_failed_on(
        &job,
        "verify-credentials",
        "invalid-credentials",
        "Cannot login to target institution, check credentials.",
        LOCKED,
    );
}

#[test]
fn erlich_fails_retrieve_accounts_with_user_action() {
    let sb = Sandbox::start(&[]);
    let (user, token) = sb.client();
    let id = sb.start_job(&user, &token, "erlich", "aviato", "AU00000");
    let job = sb.poll_finished(&id, &token);
    assert_failed_on(
        &job,
        "retrieve-accounts",
        "account-not-accessible-requires-user-action",
        "Account not accessible, requires user action.",
        "An action is required from the end-user in their internet banking.",
    );
}

#[test]
fn jian_yang_create_fails_retrieve_accounts_with_service_unavailable() {
    let sb = Sandbox::start(&[]);
    let (user, token) = sb.client();
    let id = sb.start_job(&user, &token, "jianYang", "nothotdog", "AU00000");
    let job = sb.poll_finished(&id, &token);
    assert_failed_on(
        &job,
        "retrieve-accounts",
        "service-unavailable",
        "Service unavailable.",
        "Service is currently unavailable, try again later.",
    );
    // A create job does not enter the retry queue: a refresh starts a new job.
    let conn = connection_id(&job);
    let reply = sb.post(
        &format!("/users/{user}/connections/{conn}/refresh"),
        &token,
        &json!(null),
    );
    assert_eq!(reply.status, 202);
    assert_ne!(str_of(&reply.json()["id"]), id);
}

#[test]
fn jian_yang_update_waits_in_the_retry_queue_and_succeeds_on_the_second_retry() {
    // A slow clock, so the retried step stays visibly in progress for a while.
    let sb = Sandbox::start_with(&["--port", "0", "--speed", "5"]);
    let (user, token) = sb.client();
    let first = sb.start_job(&user, &token, "jianYang", "wrong", "AU00000");
    let job = sb.poll_until(&first, &token, |j| j["links"]["source"].is_string());
    let conn = connection_id(&job);

    let reply = sb.post(
        &format!("/users/{user}/connections/{conn}"),
        &token,
        &json!({"password": "nothotdog"}),
    );
    assert_eq!(reply.status, 202, "{}", reply.text());
    let id = str_of(&reply.json()["id"]);
    assert_ne!(id, first, "an update always starts a new job");
    let job = sb.poll_finished(&id, &token);
    assert_failed_on(
        &job,
        "retrieve-accounts",
        "service-unavailable",
        "Service unavailable.",
        "Service is currently unavailable, try again later.",
    );
    let failed_at = str_of(&job["updated"]);
    // Queued: a refresh answers 200 with this same job.
    let dup = sb.post(
        &format!("/users/{user}/connections/{conn}/refresh"),
        &token,
        &json!(null),
    );
    assert_eq!(dup.status, 200);
    assert_eq!(str_of(&dup.json()["id"]), id);

    // Not yet retried just before 2 hours…
    sb.advance(2 * 3_600_000 - 120_000);
    let token = sb.client_token_for(&user);
    let job = sb.get(&format!("/jobs/{id}"), &token).json();
    assert_eq!(statuses(&job), ["success", "failed", "pending"]);
    assert_eq!(str_of(&job["updated"]), failed_at);
    // …retried at 2 hours: in progress again with its result cleared, then failed again.
    sb.advance(120_000);
    let job = sb.get(&format!("/jobs/{id}"), &token).json();
    if step_is(&job, "retrieve-accounts", "in-progress") {
        assert!(step(&job, "retrieve-accounts")["result"].is_null());
    } else {
        // Only on a machine too busy to look within the step's ~1.6 s (sandbox): it already
        // failed again, after the retry time.
        assert_eq!(statuses(&job), ["success", "failed", "pending"], "{job:#}");
        assert!(str_of(&job["updated"]) > failed_at, "{job:#}");
    }
    let job = sb.poll_until(&id, &token, |j| step_is(j, "retrieve-accounts", "failed"));
    assert_eq!(
        step(&job, "retrieve-accounts")["result"]["code"],
        "service-unavailable"
    );
    assert!(str_of(&job["updated"]) > failed_at);
    // Second retry succeeds and the job runs to the end.
    sb.advance(2 * 3_600_000);
    let token = sb.client_token_for(&user);
    let job = sb.poll_until(&id, &token, |j| statuses(j).iter().all(|s| s == "success"));
    assert_eq!(
        step(&job, "retrieve-transactions")["result"]["url"],
        "/users/{user}/transactions?filter=institution.id.eq('AU00000')".replace("{user}", &user)
    );
    assert_eq!(job["status"], "success");
}

/// Starts an MFA user's job at Pied Piper Bank and waits for the challenge.
fn challenged(sb: &Sandbox, login: &str, password: &str) -> (String, String, Value) {
    let (user, token) = sb.client();
    let id = sb.start_job(&user, &token, login, password, "AU00002");
    let job = sb.poll_until(&id, &token, |j| step_is(j, "mfa-challenge", "in-progress"));
    assert_eq!(
        titles(&job),
        [
            "verify-credentials",
            "mfa-challenge",
            "retrieve-accounts",
            "retrieve-transactions"
        ]
    );
    assert_eq!(
        statuses(&job),
        ["success", "in-progress", "pending", "pending"]
    );
    (id, token, job)
}

#[test]
fn mfa_token_right_answer_lets_the_job_finish() {
    let sb = Sandbox::start_with(&["--port", "0", "--speed", "20"]);
    let (id, token, job) = challenged(&sb, "jared", "django");
    let result = &step(&job, "mfa-challenge")["result"];
    assert_eq!(result["type"], "mfa");
    assert_eq!(result["method"], "token");
    assert_eq!(result["input"], json!(["OTP Password"]));
    assert_eq!(job["status"], "in-progress");
    assert_eq!(result["expiryMs"], 120_000);
    assert!(result["description"]
        .as_str()
        .is_some_and(|d| !d.is_empty()));
    let response_url = format!("{}/jobs/{id}/mfa", sb.origin());
    assert_eq!(result["links"]["response"], response_url.as_str());

    let reply = sb.post(
        &format!("/jobs/{id}/mfa"),
        &token,
        &json!({"mfa-response": ["1234"]}),
    );
    assert_eq!(reply.status, 202, "{}", reply.text());
    let v = reply.json();
    assert_eq!(v["type"], "job");
    assert_eq!(v["id"], id.as_str());
    assert_eq!(v["links"]["self"], format!("{}/jobs/{id}", sb.origin()));

    let job = sb.get(&format!("/jobs/{id}"), &token).json();
    assert_eq!(step(&job, "mfa-challenge")["status"], "success");
    let job = sb.poll_finished(&id, &token);
    assert!(statuses(&job).iter().all(|s| s == "success"), "{job:#}");
    // Nothing is waiting any more.
    let again = sb.post(
        &format!("/jobs/{id}/mfa"),
        &token,
        &json!({"mfa-response": ["1234"]}),
    );
    again.assert_error(400, "parameter-not-valid");
}

#[test]
fn mfa_two_questions_accept_both_answers() {
    let sb = Sandbox::start_with(&["--port", "0", "--speed", "20"]);
    let (id, token, job) = challenged(&sb, "Wentworth-Smith", "whislter");
    let result = &step(&job, "mfa-challenge")["result"];
    assert_eq!(result["method"], "security-questions");
    assert_eq!(
        result["input"],
        json!([
            "What's your favourite company?",
            "What's the ID of this institution?"
        ])
    );
    let reply = sb.post(
        &format!("/jobs/{id}/mfa"),
        &token,
        &json!({"mfa-response": ["Basiq", "AU00000"]}),
    );
    assert_eq!(reply.status, 202);
    let job = sb.poll_finished(&id, &token);
    assert!(statuses(&job).iter().all(|s| s == "success"), "{job:#}");
}

#[test]
fn mfa_wrong_answer_fails_the_challenge() {
    let sb = Sandbox::start_with(&["--port", "0", "--speed", "20"]);
    let (id, token, job) = challenged(&sb, "Gilfoyle", "PiedPiper");
    assert_eq!(
        step(&job, "mfa-challenge")["result"]["input"],
        json!(["What's your first company?"])
    );
    let reply = sb.post(
        &format!("/jobs/{id}/mfa"),
        &token,
        &json!({"mfa-response": ["Pied Piper"]}),
    );
    assert_eq!(reply.status, 202);
    let job = sb.get(&format!("/jobs/{id}"), &token).json();
    assert_failed_on(
        &job,
        "mfa-challenge",
        "invalid-credentials",
        "Multi-factor authentication failed.",
        "The code or answers supplied were not accepted by the institution.",
    );
    assert_eq!(job["status"], "failed");
}

#[test]
fn mfa_unanswered_challenge_expires() {
    let sb = Sandbox::start_with(&["--port", "0", "--speed", "20"]);
    let (id, token, _) = challenged(&sb, "richard", "tabsnotspaces");
    sb.advance(120_000);
    let job = sb.get(&format!("/jobs/{id}"), &token).json();
    assert_failed_on(
        &job,
        "mfa-challenge",
        "job-timed-out",
        "Multi-factor authentication timed out.",
        "The challenge expired before it was answered.",
    );
    let late = sb.post(
        &format!("/jobs/{id}/mfa"),
        &token,
        &json!({"mfa-response": ["1234"]}),
    );
    late.assert_error(400, "parameter-not-valid");
}

#[test]
fn mfa_answer_before_the_challenge_is_refused() {
    let sb = Sandbox::start_with(&["--port", "0", "--speed", "1"]);
    let (user, token) = sb.client();
    let id = sb.start_job(&user, &token, "gavinBelson", "hooli2016", "AU00002");
    let reply = sb.post(
        &format!("/jobs/{id}/mfa"),
        &token,
        &json!({"mfa-response": ["Hooli"]}),
    );
    reply.assert_error(400, "parameter-not-valid");
    let bad = sb.post(
        &format!("/jobs/{id}/mfa"),
        &token,
        &json!({"answer": "Hooli"}),
    );
    bad.assert_error(400, "parameter-not-valid");
}

#[test]
fn a_duplicate_create_is_paused_for_six_minutes_and_a_refresh_joins_the_running_job() {
    // Speed 1: the job surely still runs while we ask again.
    let sb = Sandbox::start_with(&["--port", "0", "--speed", "1"]);
    let (user, token) = sb.client();
    let first = sb.start_job(&user, &token, "dinesh", "gilfoyle", "AU00000");
    let job = sb.poll_until(&first, &token, |j| j["links"]["source"].is_string());
    assert_eq!(step(&job, "verify-credentials")["status"], "in-progress");
    assert_eq!(job["status"], "in-progress");
    let conn = connection_id(&job);

    // Same login while it runs: a new job on the same connection, paused for 6 minutes.
    let dup = sb.connect(&user, &token, "dinesh", "gilfoyle", "AU00000");
    assert_eq!(dup.status, 202, "{}", dup.text());
    let id = str_of(&dup.json()["id"]);
    assert_ne!(id, first);
    let paused = sb.get(&format!("/jobs/{id}"), &token).json();
    assert_eq!(paused["status"], "pending");
    assert_eq!(statuses(&paused), ["pending"; 3]);
    sb.advance(6 * 60_000 - 5_000);
    let paused = sb.get(&format!("/jobs/{id}"), &token).json();
    assert_eq!(
        statuses(&paused),
        ["pending"; 3],
        "still paused: {paused:#}"
    );
    assert_eq!(
        sb.get(&format!("/jobs/{first}"), &token).json()["status"],
        "success",
        "the first job ran on meanwhile"
    );
    sb.advance(5_000);
    let started = sb.poll_until(&id, &token, |j| j["links"]["source"].is_string());
    assert_eq!(connection_id(&started), conn);
    assert_eq!(started["status"], "in-progress");

    // A refresh while it runs: 200 with that job.
    let refresh = sb.post(
        &format!("/users/{user}/connections/{conn}/refresh"),
        &token,
        &json!(null),
    );
    assert_eq!(refresh.status, 200);
    assert_eq!(
        refresh.json(),
        json!({"type": "job", "id": id, "links": {"self": format!("{}/jobs/{id}", sb.origin())}})
    );
    let all = sb.post(
        &format!("/users/{user}/connections/refresh"),
        &token,
        &json!(null),
    );
    assert_eq!(all.status, 202);
    let all = all.json();
    assert_eq!(all["type"], "list");
    assert_eq!(all["data"].as_array().map(Vec::len), Some(1));
    assert_eq!(all["data"][0]["id"], id.as_str());

    // An update always starts a new job.
    let update = sb.post(
        &format!("/users/{user}/connections/{conn}"),
        &token,
        &json!({"password": "gilfoyle"}),
    );
    assert_eq!(update.status, 202);
    let update_id = str_of(&update.json()["id"]);
    assert_ne!(update_id, id);

    // The listing shows both, newest first, and filters by connection.
    let list = sb.get(
        &format!("/users/{user}/jobs?filter=connection.id.eq('{conn}')"),
        &token,
    );
    assert_eq!(list.status, 200);
    let list = list.json();
    assert_eq!(list["type"], "list");
    assert_eq!(list["size"], 3);
    assert_eq!(list["data"][0]["id"], update_id.as_str());
    assert_eq!(list["data"][1]["id"], id.as_str());
    assert_eq!(list["data"][2]["id"], first.as_str());
    assert_eq!(list["data"][1]["steps"].as_array().map(Vec::len), Some(3));
    assert!(
        str_of(&list["links"]["self"]).starts_with(&format!("{}/users/{user}/jobs", sb.origin()))
    );
    let none = sb
        .get(
            &format!("/users/{user}/jobs?filter=connection.id.eq('other')"),
            &token,
        )
        .json();
    assert_eq!(none["size"], 0);
    sb.get(&format!("/users/{user}/jobs?filter=bogus"), &token)
        .assert_error(400, "parameter-not-valid");
}

#[test]
fn a_finished_job_lets_a_refresh_start_a_new_one() {
    let sb = Sandbox::start(&[]);
    let (user, token) = sb.client();
    let id = sb.start_job(&user, &token, "monica", "hall", "ZZ00002");
    let job = sb.poll_finished(&id, &token);
    let conn = connection_id(&job);
    let refresh = sb.post(
        &format!("/users/{user}/connections/{conn}/refresh"),
        &token,
        &json!(null),
    );
    assert_eq!(refresh.status, 202);
    let new_id = str_of(&refresh.json()["id"]);
    assert_ne!(new_id, id);
    let job = sb.poll_finished(&new_id, &token);
    assert!(statuses(&job).iter().all(|s| s == "success"), "{job:#}");
}

#[test]
fn major_outage_fails_verify_credentials_until_the_status_changes() {
    let sb = Sandbox::start(&[]);
    let (user, token) = sb.client();
    let id = sb.start_job(&user, &token, "laurie", "bream", "ZZ00001");
    let job = sb.poll_finished(&id, &token);
    assert_failed_on(
        &job,
        "verify-credentials",
        "service-unavailable",
        "Service unavailable.",
        "Service is currently unavailable, try again later.",
    );
    let changed = sb.control(
        "/sandbox/connectors/ZZ00001",
        &json!({"status": "operational"}),
    );
    assert_eq!(changed.status, 200);
    assert_eq!(changed.json()["data"][0]["status"], "operational");
    let listed = sb
        .get("/connectors?filter=connector.id.eq('ZZ00001')", &token)
        .json();
    assert_eq!(listed["data"][0]["status"], "operational");

    let id = sb.start_job(&user, &token, "laurie", "bream", "ZZ00001");
    assert!(finished(&sb.poll_finished(&id, &token)));
    let job = sb.get(&format!("/jobs/{id}"), &token).json();
    assert!(statuses(&job).iter().all(|s| s == "success"), "{job:#}");

    sb.control(
        "/sandbox/connectors/ZZ00001",
        &json!({"status": "sideways"}),
    )
    .assert_error(400, "parameter-not-valid");
    sb.control(
        "/sandbox/connectors/AU99999",
        &json!({"status": "operational"}),
    )
    .assert_error(404, "resource-not-found");
}

#[test]
fn jobs_are_gone_after_7_days() {
    let sb = Sandbox::start(&[]);
    let (user, token) = sb.client();
    let id = sb.start_job(&user, &token, "x", "y", "AU00000");
    sb.poll_finished(&id, &token);
    sb.advance(6 * 24 * 3_600_000);
    let token = sb.client_token_for(&user);
    assert_eq!(sb.get(&format!("/jobs/{id}"), &token).status, 200);
    sb.advance(24 * 3_600_000);
    let token = sb.client_token_for(&user);
    sb.get(&format!("/jobs/{id}"), &token)
        .assert_error(404, "resource-not-found");
    assert_eq!(
        sb.get(&format!("/users/{user}/jobs"), &token).json()["size"],
        0
    );
}

#[test]
fn any_institution_set_to_major_outage_fails_new_jobs_and_queues_updates() {
    let sb = Sandbox::start(&[]);
    let (user, token) = sb.client();
    let ok = sb.start_job(&user, &token, "monica", "hall", "AU00000");
    let conn = connection_id(&sb.poll_finished(&ok, &token));
    sb.control(
        "/sandbox/connectors/AU00000",
        &json!({"status": "major-outage"}),
    );
    let id = sb.start_job(&user, &token, "someone", "else", "AU00000");
    let job = sb.poll_finished(&id, &token);
    assert_failed_on(
        &job,
        "verify-credentials",
        "service-unavailable",
        "Service unavailable.",
        "Service is currently unavailable, try again later.",
    );
    assert_eq!(job["status"], "failed");
    // An update waits in the retry queue, and succeeds on the retry after the outage lifts.
    let update = sb.post(
        &format!("/users/{user}/connections/{conn}"),
        &token,
        &json!({"password": "hall"}),
    );
    assert_eq!(update.status, 202);
    let up = str_of(&update.json()["id"]);
    let job = sb.poll_until(&up, &token, |j| step_is(j, "verify-credentials", "failed"));
    assert_eq!(job["status"], "in-progress", "queued for a retry: {job:#}");
    sb.control(
        "/sandbox/connectors/AU00000",
        &json!({"status": "operational"}),
    );
    sb.advance(2 * 3_600_000);
    let token = sb.client_token_for(&user);
    let job = sb.poll_until(&up, &token, |j| j["status"] == "success");
    assert!(statuses(&job).iter().all(|s| s == "success"), "{job:#}");
}

#[test]
fn mfa_users_and_personas_connect_at_hooli_without_mfa() {
    let sb = Sandbox::start(&[]);
    let (user, token) = sb.client();
    for (login, password) in [
        ("jared", "django"),
        ("Gilfoyle", "PiedPiper"),
        ("Whistler", "ShowBox"),
        ("laurieBream", "business2024"),
        ("ashMann", "hooli2024"),
    ] {
        let id = sb.start_job(&user, &token, login, password, "AU00000");
        let job = sb.poll_finished(&id, &token);
        assert_eq!(titles(&job).len(), 3, "{login}: {job:#}");
        assert_eq!(job["status"], "success", "{login}: {job:#}");
    }
}

#[test]
fn pied_piper_bank_asks_everyone_else_to_approve_in_the_app() {
    let sb = Sandbox::start(&[]);
    let (id, token, job) = challenged(&sb, "dinesh", "gilfoyle");
    assert_eq!(job["status"], "in-progress");
    let result = &step(&job, "mfa-challenge")["result"];
    assert_eq!(result["type"], "mfa");
    assert_eq!(result["input"].as_array().map(Vec::len), Some(1));
    let reply = sb.post(
        &format!("/jobs/{id}/mfa"),
        &token,
        &json!({"mfa-response": ["confirmed"]}),
    );
    assert_eq!(reply.status, 202);
    let job = sb.poll_finished(&id, &token);
    assert_eq!(job["status"], "success", "{job:#}");
}

#[test]
fn nucleus_bank_challenges_some_jobs_and_not_others() {
    let sb = Sandbox::start(&[]);
    let (user, token) = sb.client();
    let mut with = 0;
    let mut without = 0;
    for n in 0..16 {
        let id = sb.start_job(&user, &token, &format!("user{n}"), "pw", "AU00003");
        let job = sb.poll_until(&id, &token, |j| {
            step_is(j, "mfa-challenge", "in-progress") || finished(j)
        });
        if titles(&job).iter().any(|t| t == "mfa-challenge") {
            with += 1;
        } else {
            assert_eq!(job["status"], "success", "{job:#}");
            without += 1;
        }
    }
    assert!(with > 0 && without > 0, "{with} challenged, {without} not");
}
