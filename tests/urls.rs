//! Where the token may go, decided on URLs as the WHATWG parser (the browser's) reads them.
#![cfg(not(target_arch = "wasm32"))]

use basiq_jobs::core::url::{check_secure, connection_id, UrlError};

#[path = "support/urls.rs"]
mod urls;
use urls::whatwg;

#[test]
fn origins_are_the_parsers_serialisation() {
    let u = whatwg();
    let o = check_secure("HTTPS://AU-API.Basiq.io:443/jobs/1?x=1", &u).unwrap();
    assert_eq!(o.as_str(), "https://au-api.basiq.io");
    let o = check_secure("http://127.0.0.1:8080/jobs/1", &u).unwrap();
    assert_eq!(o.as_str(), "http://127.0.0.1:8080");
    let o = check_secure("http://[::1]:9/x", &u).unwrap();
    assert_eq!(o.as_str(), "http://[::1]:9");
}

#[test]
fn only_https_or_loopback_http_carries_the_token() {
    let u = whatwg();
    for ok in [
        "https://au-api.basiq.io/jobs/1",
        "http://127.0.0.1:8080/jobs/1",
        "http://localhost/jobs/1",
        "http://[::1]/jobs/1",
        // The parser normalises other spellings of loopback addresses.
        "http://0x7f.1/jobs/1",
        "http://127.1/jobs/1",
    ] {
        assert!(check_secure(ok, &u).is_ok(), "{ok}");
    }
    for insecure in [
        "http://au-api.basiq.io/jobs/1",
        "http://127.0.0.1.evil.com/",
        "http://128.0.0.1/",
    ] {
        assert_eq!(
            check_secure(insecure, &u),
            Err(UrlError::Insecure),
            "{insecure}"
        );
    }
    for bad in [
        "/jobs/1",
        "ftp://x/y",
        "javascript:alert(1)",
        "data:text/plain,x",
        "https://",
        "https://user@au-api.basiq.io/",
        "https://:pw@au-api.basiq.io/",
        "https://x:99999/",
        "",
    ] {
        assert_eq!(check_secure(bad, &u), Err(UrlError::Malformed), "{bad}");
    }
}

#[test]
fn links_are_owned_only_when_the_parser_puts_them_on_the_origin() {
    let u = whatwg();
    let o = check_secure("https://au-api.basiq.io/jobs/1", &u).unwrap();
    assert_eq!(
        o.own("/users/u/connections/c", &u).as_deref(),
        Some("https://au-api.basiq.io/users/u/connections/c")
    );
    assert_eq!(
        o.own("https://AU-API.basiq.io:443/x", &u).as_deref(),
        Some("https://au-api.basiq.io/x")
    );
    // Backslashes are slashes to the browser: this stays on the origin, as fetch would.
    assert_eq!(
        o.own("https://au-api.basiq.io/jobs\\2", &u).as_deref(),
        Some("https://au-api.basiq.io/jobs/2")
    );
    // A same-scheme link without slashes is a path to the browser, so it stays on the origin.
    assert_eq!(
        o.own("https:evil.com/x", &u).as_deref(),
        Some("https://au-api.basiq.io/evil.com/x")
    );
    for foreign in [
        "https://other.example/x",
        "https://au-api.basiq.io.evil.com/x",
        "https://au-api.basiq.io@evil.example/",
        "https://au-api.basiq.io:8443/jobs/2",
        "http://au-api.basiq.io/jobs/2",
        "//evil.com/x",
        "/\\evil.com/x",
        "\\\\evil.com/x",
        " https://evil.com/x",
        "https://evil.com\t/x",
        "https://user:pw@au-api.basiq.io/jobs/2",
        "javascript:alert(1)",
    ] {
        assert_eq!(o.own(foreign, &u), None, "{foreign}");
        assert!(!o.owns(foreign, &u), "{foreign}");
    }
    assert!(o.owns("https://au-api.basiq.io", &u));
    assert!(o.owns("https://au-api.basiq.io?x#y", &u));
    assert!(!o.owns("/jobs/2", &u), "a path is not an absolute URL");
}

#[test]
fn connection_ids_come_from_the_parsed_path() {
    let u = whatwg();
    let id = |url: &str| connection_id(url, &u);
    assert_eq!(
        id("https://au-api.basiq.io/users/u1/connections/c1").as_deref(),
        Some("c1")
    );
    assert_eq!(
        id("https://au-api.basiq.io/users/u1/connections/c1/refresh?x=/connections/c2").as_deref(),
        Some("c1")
    );
    assert_eq!(id("https://au-api.basiq.io/users/u1/connections/"), None);
    assert_eq!(
        id("https://au-api.basiq.io/users/u1/accounts?filter=/connections/c9"),
        None
    );
}
