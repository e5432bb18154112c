//! Basiq 3.0's Consent UI: the address the user is sent to, and the job ids that come back.
#![cfg(not(target_arch = "wasm32"))]

use basiq_jobs::core::consent::{
    consent_target, is_job_id, job_ids, job_url, ConsentRequest, CONSENT_BASE,
};

#[path = "support/urls.rs"]
mod urls;
use urls::whatwg;

fn request() -> ConsentRequest {
    ConsentRequest {
        token: "tok".into(),
        ..Default::default()
    }
}

#[test]
fn the_consent_ui_gets_the_token_and_only_the_parameters_given() {
    let t = consent_target(&request(), &whatwg()).unwrap();
    assert_eq!(t.base, CONSENT_BASE);
    assert_eq!(t.base, "https://consent.basiq.io/home");
    assert_eq!(t.query, vec![("token", "tok".to_owned())]);
    let full = ConsentRequest {
        action: Some("update".into()),
        state: Some("s 1&x".into()),
        institution_id: Some("AU00000".into()),
        connection_id: Some("c1".into()),
        ..request()
    };
    let t = consent_target(&full, &whatwg()).unwrap();
    let keys: Vec<_> = t.query.iter().map(|(k, _)| *k).collect();
    assert_eq!(
        keys,
        ["token", "action", "state", "institutionId", "connectionId"]
    );
    assert_eq!(
        t.query[2].1, "s 1&x",
        "values are raw: the URL writer encodes them"
    );
    let empty_state = ConsentRequest {
        state: Some(String::new()),
        ..request()
    };
    assert_eq!(
        consent_target(&empty_state, &whatwg()).unwrap().query.len(),
        1
    );
}

#[test]
fn no_token_or_an_insecure_consent_base_is_refused() {
    let u = whatwg();
    assert!(consent_target(&ConsentRequest::default(), &u).is_err());
    for bad in [
        "http://consent.example/home",
        "javascript:alert(1)",
        "/home",
    ] {
        let req = ConsentRequest {
            consent_base: Some(bad.into()),
            ..request()
        };
        assert!(consent_target(&req, &u).is_err(), "{bad}");
    }
    let sandbox = ConsentRequest {
        consent_base: Some("http://127.0.0.1:8080/consent/home".into()),
        ..request()
    };
    assert_eq!(
        consent_target(&sandbox, &u).unwrap().base,
        "http://127.0.0.1:8080/consent/home"
    );
}

#[test]
fn job_ids_are_safe_ordered_and_unique() {
    assert_eq!(job_ids(["id1,id2"]), ["id1", "id2"]);
    assert_eq!(job_ids(["b,a,b", "a", "c"]), ["b", "a", "c"]);
    assert_eq!(job_ids([" id1 , ,id_2-x"]), ["id1", "id_2-x"]);
    assert_eq!(
        job_ids(["../users/u1", "a b", "j%2F1", "ok", "<script>", "é"]),
        ["ok"]
    );
    assert!(job_ids([""]).is_empty());
    assert!(job_ids(Vec::<&str>::new()).is_empty());
    assert!(is_job_id("5c50a2d1-aaaa-4b7c-9c55-1f2e3d4c5b6a"));
    assert!(!is_job_id("."));
}

#[test]
fn job_urls_are_built_from_safe_ids_only() {
    assert_eq!(
        job_url("https://au-api.basiq.io/", "j1").unwrap(),
        "https://au-api.basiq.io/jobs/j1"
    );
    assert!(job_url("https://au-api.basiq.io", "../users/u1").is_err());
    assert!(job_url("https://au-api.basiq.io", "j 1").is_err());
}
