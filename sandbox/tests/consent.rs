//! The stand-in for Basiq's hosted Consent UI: who may open it and what it hands its script.

mod common;

use common::Sandbox;

/// The JSON the page embeds for its script.
fn page_config(html: &str) -> serde_json::Value {
    let start = html
        .find("id=\"consent-config\">")
        .map(|i| i + "id=\"consent-config\">".len())
        .expect("config element");
    let end = start + html[start..].find("</script>").expect("end of config");
    serde_json::from_str(&html[start..end]).expect("config JSON")
}

#[test]
fn the_page_opens_with_a_client_token_and_basiq_parameters() {
    let sb = Sandbox::start(&[]);
    let (user, token) = sb.client();
    let page = sb.request(
        "GET",
        &format!("/consent/home?token={token}&state=abc%3C%2Fscript%3E&action=connect"),
        &[],
        b"",
    );
    assert_eq!(page.status, 200);
    assert!(page
        .header("content-type")
        .is_some_and(|t| t.starts_with("text/html")));
    let html = page.text();
    assert!(html.contains("href=\"/styles.css\""), "the demo's look");
    assert!(
        !html.contains("abc</script>"),
        "state cannot end the element"
    );
    let config = page_config(&html);
    assert_eq!(config["userId"], user.as_str());
    assert_eq!(config["state"], "abc</script>");
    assert_eq!(config["action"], "connect");
    assert_eq!(config["redirect"], format!("{}/", sb.origin()));
    assert_eq!(config["multiple"], false);
    assert!(config["connectionId"].is_null() && config["institutionId"].is_null());

    let with_bank = sb.request(
        "GET",
        &format!("/consent/home?token={token}&institutionId=AU00002&action=null"),
        &[],
        b"",
    );
    let config = page_config(&with_bank.text());
    assert_eq!(config["institutionId"], "AU00002");
    assert!(config["action"].is_null(), "action=null is a first consent");

    for (path, kind) in [
        ("/consent/consent.js", "text/javascript"),
        ("/consent/consent.css", "text/css"),
    ] {
        let asset = sb.request("GET", path, &[], b"");
        assert_eq!(asset.status, 200, "{path}");
        assert!(asset
            .header("content-type")
            .is_some_and(|t| t.starts_with(kind)));
    }
}

#[test]
fn flags_set_the_redirect_and_multiple_connections() {
    let sb = Sandbox::start(&[
        "--consent-redirect",
        "https://partner.example.test/back?from=basiq",
        "--consent-multiple",
    ]);
    let (_, token) = sb.client();
    let html = sb
        .request("GET", &format!("/consent/home?token={token}"), &[], b"")
        .text();
    let config = page_config(&html);
    assert_eq!(
        config["redirect"],
        "https://partner.example.test/back?from=basiq"
    );
    assert_eq!(config["multiple"], true);
}

#[test]
fn the_page_refuses_missing_expired_server_and_foreign_tokens() {
    let sb = Sandbox::start_with(&["--port", "0", "--speed", "1"]);
    let (_, token) = sb.client();
    let refused = |path: &str, status: u16| {
        let reply = sb.request("GET", path, &[], b"");
        assert_eq!(reply.status, status, "{path}: {}", reply.text());
        assert!(
            reply.text().contains(&format!("data-refusal=\"{status}\"")),
            "{path}"
        );
        assert!(!reply.text().contains("consent-config"), "{path}");
    };
    refused("/consent/home", 401);
    refused("/consent/home?token=", 401);
    refused("/consent/home?token=made-up", 401);
    refused(&format!("/consent/home?token={}", sb.server_token()), 403);
    refused(
        &format!("/consent/home?token={token}&connectionId=nope"),
        404,
    );
    refused(
        &format!("/consent/home?token={token}&institutionId=AU99999"),
        404,
    );
    // Someone else's connection is not this user's to update.
    let (other, other_token) = sb.client();
    let job = sb.start_job(&other, &other_token, "a", "b", "AU00000");
    let conn = common::connection_id(
        &sb.poll_until(&job, &other_token, |j| j["links"]["source"].is_string()),
    );
    refused(
        &format!("/consent/home?token={token}&connectionId={conn}"),
        404,
    );
    let own = sb.client_token_for(&other);
    let ok = sb.request(
        "GET",
        &format!("/consent/home?token={own}&connectionId={conn}&action=update"),
        &[],
        b"",
    );
    assert_eq!(ok.status, 200);
    assert_eq!(page_config(&ok.text())["connectionId"], conn.as_str());
    sb.advance(3_600_000);
    refused(&format!("/consent/home?token={token}"), 403);
}
