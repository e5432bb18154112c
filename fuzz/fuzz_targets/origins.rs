//! The token's origin rules on arbitrary URLs, as the browser's parser reads them: a link is only
//! ever owned when the parser puts it on the API origin, with no credentials, and a URL that
//! may carry the token is https (or http on loopback).
#![no_main]

use basiq_jobs::core::url::{check_secure, connection_id};
use libfuzzer_sys::fuzz_target;

#[path = "../../tests/support/urls.rs"]
mod urls;

fuzz_target!(|input: (&str, &str)| {
    let (api, link) = input;
    let u = urls::whatwg();
    let _ = connection_id(link, &u);
    let Ok(origin) = check_secure(api, &u) else {
        return;
    };
    let parsed = url::Url::parse(api).expect("check_secure accepted a URL the parser refuses");
    assert!(matches!(parsed.scheme(), "https" | "http"), "{api:?}");
    assert!(
        parsed.username().is_empty() && parsed.password().is_none(),
        "{api:?}"
    );
    assert_eq!(origin.as_str(), parsed.origin().ascii_serialization());
    let base = url::Url::parse(origin.as_str()).expect("an origin parses");
    if let Some(abs) = origin.own(link, &u) {
        let resolved = base.join(link).expect("an owned link resolves");
        assert_eq!(resolved.as_str(), abs, "{link:?}");
        assert_eq!(
            resolved.origin(),
            base.origin(),
            "{link:?} owned off the origin"
        );
        assert!(resolved.username().is_empty() && resolved.password().is_none());
    }
    if origin.owns(link, &u) {
        let direct = url::Url::parse(link).expect("an owned URL parses");
        assert_eq!(
            direct.origin(),
            base.origin(),
            "{link:?} owned off the origin"
        );
    }
});
