//! `parseJob`, `describeFailure` and `stepLabel` as JavaScript sees them: every call goes through
//! the generated JS module's exports, and every assertion reads the JS objects they return.
#![cfg(target_arch = "wasm32")]

// The linker leaves an upstream library's `#[wasm_bindgen]` exports out of a test binary, so the
// core and the shell's export modules are compiled into this test crate from `src/`; the tests
// then reach the exports the way an app does, through the generated JS module.
#[allow(dead_code, unused)]
#[path = "../src/web/convert.rs"]
mod convert;
#[allow(dead_code, unused)]
#[path = "../src/core/mod.rs"]
mod core;
#[path = "../src/web/exports.rs"]
mod exports;
#[allow(dead_code, unused)]
#[path = "../src/web/json.rs"]
mod json;
#[allow(dead_code, unused)]
#[path = "../src/web/page.rs"]
mod page;
#[allow(dead_code, unused)]
#[path = "../src/web/panic.rs"]
mod panic;
#[allow(dead_code, unused)]
#[path = "../src/web/report.rs"]
mod report;
#[path = "../src/web/types.rs"]
mod types;

use js_sys::{Array, Function, Reflect, JSON};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(inline_js = r#"
let api = null;

/**
 * The generated JS module, as an ES module namespace: the very instance the test page loaded and
 * initialised (the page imports it without `.js`; another URL would be another, idle instance).
 */
export async function loadApi() {
  if (api) return api;
  const tried = [];
  for (const path of ["../../wasm-bindgen-test", "../../wasm-bindgen-test.js"]) {
    const url = new URL(path, import.meta.url).href;
    try {
      const m = await import(url);
      if (typeof m.parseJob !== "function") {
        tried.push(url + ": no parseJob export");
        continue;
      }
      m.stepLabel("verify-credentials"); // throws unless this instance is initialised
      api = m;
      return m;
    } catch (e) {
      tried.push(url + ": " + e);
    }
  }
  throw new Error("cannot load the generated module: " + tried.join("; "));
}

/** Paths of every own key, at any depth, whose value is `undefined`. */
export function undefinedKeys(value) {
  const found = [];
  const walk = (v, path) => {
    if (v === null || typeof v !== "object") return;
    for (const k of Object.keys(v)) {
      if (v[k] === undefined) found.push(path + "." + k);
      else walk(v[k], path + "." + k);
    }
  };
  walk(value, "$");
  return found.join(",");
}

/** Own keys, sorted and comma-separated. */
export function keys(value) {
  return Object.keys(value).sort().join(",");
}

export function isTypeError(e) {
  return e instanceof TypeError;
}

export function cyclicJob() {
  const job = { id: "j", steps: [] };
  job.links = { self: job };
  return job;
}

export function jobWithGetterThatThrows() {
  return { id: "j", get steps() { throw new Error("boom"); } };
}

export function nullPrototypeMessages() {
  const m = Object.create(null);
  m["maintenance.title"] = "Planned maintenance";
  return m;
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = loadApi)]
    fn load_api() -> js_sys::Promise;
    #[wasm_bindgen(js_name = undefinedKeys)]
    fn undefined_keys(value: &JsValue) -> String;
    fn keys(value: &JsValue) -> String;
    #[wasm_bindgen(js_name = isTypeError)]
    fn is_type_error(value: &JsValue) -> bool;
    #[wasm_bindgen(js_name = cyclicJob)]
    fn cyclic_job() -> JsValue;
    #[wasm_bindgen(js_name = jobWithGetterThatThrows)]
    fn job_with_getter_that_throws() -> JsValue;
    #[wasm_bindgen(js_name = nullPrototypeMessages)]
    fn null_prototype_messages() -> JsValue;
}

/// The exported functions, looked up by their JS names.
struct Api(JsValue);

impl Api {
    async fn load() -> Self {
        Self(JsFuture::from(load_api()).await.expect("generated module"))
    }

    fn call(&self, name: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
        let f: Function = Reflect::get(&self.0, &name.into())
            .unwrap()
            .dyn_into()
            .unwrap_or_else(|_| panic!("{name} is not exported as a function"));
        f.apply(&JsValue::NULL, &args.iter().collect::<Array>())
    }

    fn parse(&self, input: JsValue) -> Result<JsValue, JsValue> {
        self.call("parseJob", &[input])
    }

    fn parse_ok(&self, input: JsValue) -> JsValue {
        let job = self
            .parse(input)
            .unwrap_or_else(|e| panic!("parseJob threw {}", text(&get(&e, "message"))));
        assert_eq!(undefined_keys(&job), "", "keys set to undefined");
        job
    }

    fn advise(&self, failure: &str, context: &str) -> JsValue {
        let advice = self
            .call("describeFailure", &[json(failure), json(context)])
            .unwrap_or_else(|e| panic!("describeFailure threw {}", text(&get(&e, "message"))));
        assert_eq!(undefined_keys(&advice), "", "keys set to undefined");
        advice
    }
}

fn json(text: &str) -> JsValue {
    JSON::parse(text).unwrap_or_else(|_| panic!("bad test JSON: {text}"))
}

/// Reads a dotted path (`steps.0.failure.code`) from a JS value.
fn get(value: &JsValue, path: &str) -> JsValue {
    path.split('.').fold(value.clone(), |v, key| {
        if v.is_undefined() || v.is_null() {
            return JsValue::UNDEFINED;
        }
        Reflect::get(&v, &key.into()).unwrap_or(JsValue::UNDEFINED)
    })
}

fn text(v: &JsValue) -> String {
    v.as_string()
        .unwrap_or_else(|| format!("<not a string: {v:?}>"))
}

fn has(value: &JsValue, key: &str) -> bool {
    Reflect::has(value, &key.into()).unwrap()
}

fn num(v: &JsValue) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v:?}"))
}

/// Asserts `parseJob(input)` throws a TypeError with this `reason`; returns its message.
fn assert_parse_error(api: &Api, input: JsValue, reason: &str) -> String {
    let shown = format!("{input:?}");
    let err = match api.parse(input) {
        Ok(job) => panic!("parseJob({shown}) returned {job:?}"),
        Err(e) => e,
    };
    assert!(
        is_type_error(&err),
        "parseJob({shown}) threw a non-TypeError"
    );
    assert_eq!(text(&get(&err, "reason")), reason, "reason for {shown}");
    let message = text(&get(&err, "message"));
    assert!(message.starts_with("parseJob: "), "{message}");
    assert!(message.len() > "parseJob: ".len() + 5, "{message}");
    message
}

fn assert_advice_error(api: &Api, failure: JsValue, context: JsValue, mentions: &str) {
    let shown = format!("{failure:?}, {context:?}");
    match api.call("describeFailure", &[failure, context]) {
        Ok(a) => panic!("describeFailure({shown}) returned {a:?}"),
        Err(e) => {
            assert!(
                is_type_error(&e),
                "describeFailure({shown}) threw a non-TypeError"
            );
            let message = text(&get(&e, "message"));
            assert!(message.starts_with("describeFailure: "), "{message}");
            assert!(
                message.contains(mentions),
                "{message} should mention {mentions}"
            );
        }
    }
}

const SUCCESS: &str = include_str!("fixtures/success.json");
const REPORT: &str = include_str!("fixtures/report_job.json");
const FAILED: &str = include_str!("fixtures/failed_invalid_credentials.json");
const TYPED: &str = include_str!("fixtures/failed_typed_details.json");
const MFA: &str = include_str!("fixtures/mfa_waiting.json");
const ODD: &str = include_str!("fixtures/skipped_unknown.json");
const RUNNING: &str = include_str!("fixtures/in_progress_no_source.json");
const API_ERROR: &str = include_str!("fixtures/api_error.json");

#[wasm_bindgen_test]
async fn parse_job_reads_a_successful_connection_job() {
    let api = Api::load().await;
    let job = api.parse_ok(SUCCESS.into());
    // The job-level status comes through as the API gave it.
    assert_eq!(keys(&job), "created,id,jobType,links,status,steps,updated");
    assert_eq!(text(&get(&job, "status")), "success");
    assert_eq!(text(&get(&job, "id")), "j-ok");
    assert_eq!(text(&get(&job, "jobType")), "connection");
    assert_eq!(text(&get(&job, "created")), "2024-09-25T04:22:25Z");
    assert_eq!(
        text(&get(&job, "links.self")),
        "https://au-api.basiq.io/jobs/j-ok"
    );
    assert_eq!(
        text(&get(&job, "links.source")),
        "https://au-api.basiq.io/users/u1/connections/c1"
    );
    assert!(Array::is_array(&get(&job, "steps")));
    assert_eq!(num(&get(&job, "steps.length")), 3.0);
    for i in 0..3 {
        assert_eq!(text(&get(&job, &format!("steps.{i}.status"))), "success");
        assert_eq!(
            keys(&get(&job, &format!("steps.{i}"))),
            "resultUrl,status,title"
        );
    }
    assert_eq!(text(&get(&job, "steps.0.title")), "verify-credentials");
    // Result links stay as the API gives them.
    assert_eq!(
        text(&get(&job, "steps.0.resultUrl")),
        "/users/u1/connections/c1"
    );
    assert_eq!(
        text(&get(&job, "steps.2.resultUrl")),
        "/users/u1/transactions?filter=connection.id.eq('c1')"
    );
}

#[wasm_bindgen_test]
async fn parse_job_accepts_objects_like_text() {
    let api = Api::load().await;
    for body in [SUCCESS, FAILED, MFA, ODD, REPORT] {
        let from_text = api.parse_ok(body.into());
        let from_object = api.parse_ok(json(body));
        assert_eq!(
            JSON::stringify(&from_text).unwrap().as_string(),
            JSON::stringify(&from_object).unwrap().as_string()
        );
    }
}

#[wasm_bindgen_test]
async fn report_jobs_have_a_null_self_link_and_no_source() {
    let api = Api::load().await;
    let job = api.parse_ok(REPORT.into());
    let links = get(&job, "links");
    assert!(get(&links, "self").is_null(), "links.self must be null");
    assert!(has(&links, "self"), "links.self must be present");
    assert!(!has(&links, "source"));
    assert_eq!(text(&get(&job, "jobType")), "report");
    assert_eq!(text(&get(&job, "steps.0.status")), "in-progress");
    assert!(!has(&job, "created") && !has(&job, "updated"));
    // A job without source keeps its self link.
    let running = api.parse_ok(RUNNING.into());
    assert_eq!(
        text(&get(&running, "links.self")),
        "https://au-api.basiq.io/jobs/j-run"
    );
    assert!(!has(&get(&running, "links"), "source"));
}

#[wasm_bindgen_test]
async fn failed_steps_carry_their_failure() {
    let api = Api::load().await;
    let job = api.parse_ok(FAILED.into());
    let step = get(&job, "steps.0");
    assert_eq!(text(&get(&step, "status")), "failed");
    assert!(!has(&step, "resultUrl"));
    assert_eq!(keys(&get(&step, "failure")), "code,detail,title");
    assert_eq!(text(&get(&step, "failure.code")), "invalid-credentials");
    assert_eq!(
        text(&get(&step, "failure.title")),
        "Cannot login to target institution, check credentials."
    );
    assert!(text(&get(&step, "failure.detail")).starts_with("Cannot login"));
    assert_eq!(text(&get(&job, "steps.1.status")), "pending");
    assert!(!has(&get(&job, "steps.1"), "failure"));

    // The typed shape spells it `details`; the snapshot says `detail`.
    let typed = api.parse_ok(TYPED.into());
    assert_eq!(
        text(&get(&typed, "steps.1.failure.code")),
        "service-unavailable"
    );
    assert_eq!(
        text(&get(&typed, "steps.1.failure.detail")),
        "Service is currently unavailable, try again later."
    );

    // A failure without title or detail has just a code.
    let bare = api.parse_ok(json(
        r#"{"id":"b","steps":[{"title":"retrieve-accounts","status":"failed","result":{"code":"maintenance"}}]}"#,
    ));
    assert_eq!(keys(&get(&bare, "steps.0.failure")), "code");
    assert!(get(&bare, "links.self").is_null());
}

#[wasm_bindgen_test]
async fn mfa_steps_carry_the_challenge() {
    let api = Api::load().await;
    let job = api.parse_ok(MFA.into());
    let mfa = get(&job, "steps.1.mfa");
    assert_eq!(
        keys(&mfa),
        "description,expiryMs,method,prompts,responseUrl"
    );
    assert_eq!(text(&get(&mfa, "method")), "security-questions");
    assert!(Array::is_array(&get(&mfa, "prompts")));
    assert_eq!(text(&get(&mfa, "prompts.1")), "What's the institution id?");
    assert_eq!(num(&get(&mfa, "expiryMs")), 120_000.0);
    assert_eq!(
        text(&get(&mfa, "responseUrl")),
        "https://au-api.basiq.io/jobs/j-mfa/mfa"
    );
    assert_eq!(text(&get(&job, "steps.1.status")), "in-progress");
}

#[wasm_bindgen_test]
async fn every_status_is_spelled_as_the_contract_says() {
    let api = Api::load().await;
    let job = api.parse_ok(ODD.into());
    let statuses: Vec<String> = (0..4)
        .map(|i| text(&get(&job, &format!("steps.{i}.status"))))
        .collect();
    assert_eq!(statuses, ["success", "skipped", "unknown", "pending"]);
    let running = api.parse_ok(RUNNING.into());
    assert_eq!(text(&get(&running, "steps.0.status")), "in-progress");
    let failed = api.parse_ok(FAILED.into());
    assert_eq!(text(&get(&failed, "steps.0.status")), "failed");
}

#[wasm_bindgen_test]
async fn bad_bodies_throw_type_errors_with_a_reason() {
    let api = Api::load().await;
    assert_parse_error(&api, "".into(), "empty");
    assert_parse_error(&api, "  \n".into(), "empty");
    let html = assert_parse_error(
        &api,
        "<html><body>502 Bad Gateway</body></html>".into(),
        "html",
    );
    assert_eq!(html, "parseJob: the body is an HTML page, not JSON");
    assert_parse_error(&api, "{\"id\": \"x\", \"steps\": [".into(), "not-json");
    assert_parse_error(&api, "not json".into(), "not-json");
    let api_error = assert_parse_error(&api, API_ERROR.into(), "api-error");
    assert!(api_error.contains("unauthorized-access"), "{api_error}");
    assert_parse_error(&api, "[1,2]".into(), "not-a-job");
    let missing = assert_parse_error(&api, "{\"id\":\"x\"}".into(), "missing-field");
    assert_eq!(missing, "parseJob: the job has no `steps`");
    assert_parse_error(&api, json("{\"steps\":[]}"), "missing-field");
    assert_parse_error(&api, json("{\"id\":\"x\",\"steps\":{}}"), "wrong-type");
    let wrong = assert_parse_error(
        &api,
        json(r#"{"id":"x","steps":[{"title":"a","status":5}]}"#),
        "wrong-type",
    );
    assert!(wrong.contains("steps[0].status"), "{wrong}");
    assert_parse_error(
        &api,
        json(r#"{"id":"x","steps":[{"title":"a","status":"failed","result":{"code":7}}]}"#),
        "wrong-type",
    );
}

#[wasm_bindgen_test]
async fn values_that_are_not_jobs_throw_type_errors() {
    let api = Api::load().await;
    assert_parse_error(&api, JsValue::NULL, "not-a-job");
    assert_parse_error(&api, JsValue::UNDEFINED, "not-a-job");
    assert_parse_error(&api, JsValue::from_f64(42.0), "not-a-job");
    assert_parse_error(&api, JsValue::from_f64(f64::NAN), "not-a-job");
    assert_parse_error(&api, JsValue::TRUE, "not-a-job");
    assert_parse_error(&api, Array::new().into(), "not-a-job");
    assert_parse_error(
        &api,
        js_sys::Reflect::get(&js_sys::global(), &"Object".into()).unwrap(),
        "not-a-job",
    );
    assert_parse_error(&api, js_sys::Symbol::for_("job").into(), "not-a-job");
    assert_parse_error(&api, cyclic_job(), "not-json");
    assert_parse_error(&api, js_sys::BigInt::from(7u32).into(), "not-json");
    assert_parse_error(&api, job_with_getter_that_throws(), "not-json");
    // Nothing thrown above has poisoned the module: it still parses.
    api.parse_ok(SUCCESS.into());
}

#[wasm_bindgen_test]
async fn advice_follows_the_contract_table() {
    let api = Api::load().await;
    let ctx =
        |extra: &str| format!(r#"{{"step":"retrieve-accounts","connectionId":"conn-42"{extra}}}"#);
    let code = |c: &str| format!(r#"{{"code":"{c}"}}"#);

    // invalid-credentials, any operation.
    for op in ["create", "refresh", "update"] {
        let a = api.advise(
            &code("invalid-credentials"),
            &ctx(&format!(r#","operation":"{op}""#)),
        );
        assert_eq!(text(&get(&a, "action")), "resubmit-credentials", "{op}");
        assert_eq!(get(&a, "automaticRetry"), JsValue::FALSE);
        assert!(!has(&a, "retryAfterMs") && !has(&a, "supportReference"));
    }
    let refresh = api.advise(
        &code("invalid-credentials"),
        &ctx(r#","operation":"refresh""#),
    );
    assert!(text(&get(&refresh, "message")).contains("password"));

    // account-not-accessible-requires-user-action, any step.
    for step in [
        "verify-credentials",
        "retrieve-accounts",
        "retrieve-transactions",
    ] {
        let a = api.advise(
            &code("account-not-accessible-requires-user-action"),
            &format!(r#"{{"step":"{step}"}}"#),
        );
        assert_eq!(text(&get(&a, "action")), "clear-bank-popup", "{step}");
        assert_eq!(text(&get(&a, "step")), step);
    }

    // service-unavailable during an update: Basiq retries by itself.
    let a = api.advise(
        &code("service-unavailable"),
        &ctx(r#","operation":"update""#),
    );
    assert_eq!(text(&get(&a, "action")), "wait-for-automatic-retry");
    assert_eq!(get(&a, "automaticRetry"), JsValue::TRUE);
    assert_eq!(num(&get(&a, "retryAfterMs")), 7_200_000.0);

    // service-unavailable otherwise, during a major outage.
    for op in ["create", "refresh"] {
        let a = api.advise(
            &code("service-unavailable"),
            &ctx(&format!(
                r#","operation":"{op}","connectorStatus":"major-outage""#
            )),
        );
        assert_eq!(text(&get(&a, "action")), "wait-for-outage", "{op}");
        assert_eq!(get(&a, "automaticRetry"), JsValue::FALSE);
    }

    // service-unavailable otherwise, attempt 1 or 2 or unknown: try in 10 minutes.
    for extra in [
        "",
        r#","attempt":1"#,
        r#","attempt":2"#,
        r#","operation":"refresh","attempt":2"#,
    ] {
        let a = api.advise(&code("service-unavailable"), &ctx(extra));
        assert_eq!(text(&get(&a, "action")), "try-later", "{extra}");
        assert_eq!(num(&get(&a, "retryAfterMs")), 600_000.0, "{extra}");
        assert!(text(&get(&a, "message")).contains("10 minutes"));
        assert!(!has(&a, "supportReference"));
    }

    // service-unavailable otherwise, attempt 3 or more: contact support, quoting the connection.
    for attempt in [3, 4, 10] {
        let a = api.advise(
            &code("service-unavailable"),
            &ctx(&format!(r#","attempt":{attempt}"#)),
        );
        assert_eq!(text(&get(&a, "action")), "contact-support", "{attempt}");
        assert_eq!(text(&get(&a, "supportReference")), "conn-42");
        assert!(text(&get(&a, "message")).contains("conn-42"));
    }
}

#[wasm_bindgen_test]
async fn every_other_code_gets_plain_advice() {
    let api = Api::load().await;
    let cases = [
        ("institution-not-found", "choose-another-institution"),
        ("institution-disabled", "choose-another-institution"),
        ("maintenance", "try-later"),
        ("system-unavailable", "try-later"),
        ("authorization-failed", "start-again"),
        ("job-timed-out", "start-again"),
        ("invalid-connection", "start-again"),
        ("missing-required-field", "resubmit-credentials"),
        ("too-many-requests", "try-later"),
        ("bank-statement-unreadable", "upload-another-file"),
        ("a-code-nobody-has-seen", "try-later"),
    ];
    for (code, action) in cases {
        let a = api.advise(
            &format!(r#"{{"code":"{code}","title":"T","detail":"D"}}"#),
            "{}",
        );
        assert_eq!(text(&get(&a, "action")), action, "{code}");
        assert_eq!(text(&get(&a, "code")), code);
        for field in ["title", "message"] {
            let t = text(&get(&a, field));
            assert!(!t.trim().is_empty(), "{code}: empty {field}");
            assert!(!t.contains('{'), "{code}: {field} is {t}");
            // A hyphenated wire code is technical; plain words like "maintenance" are fine.
            assert!(
                !(code.contains('-') && t.contains(code)),
                "{code}: {field} is {t}"
            );
        }
        assert!(!has(&a, "step"), "{code}: no step was given");
    }
    let unknown = api.advise(
        r#"{"code":"a-code-nobody-has-seen"}"#,
        r#"{"attempt":3,"jobId":"job-9"}"#,
    );
    assert_eq!(text(&get(&unknown, "action")), "contact-support");
    assert_eq!(text(&get(&unknown, "supportReference")), "job-9");
    // The context is optional.
    let a = api
        .call("describeFailure", &[json(r#"{"code":"maintenance"}"#)])
        .unwrap();
    assert_eq!(text(&get(&a, "action")), "try-later");
    assert_eq!(num(&get(&a, "retryAfterMs")), 3_600_000.0);
}

#[wasm_bindgen_test]
async fn advice_has_exactly_the_contract_fields() {
    let api = Api::load().await;
    let a = api.advise(
        r#"{"code":"service-unavailable"}"#,
        r#"{"step":"retrieve-accounts","attempt":3,"connectionId":"c-1"}"#,
    );
    assert_eq!(
        keys(&a),
        "action,automaticRetry,code,message,step,supportReference,title"
    );
    let b = api.advise(r#"{"code":"invalid-credentials"}"#, "{}");
    assert_eq!(keys(&b), "action,automaticRetry,code,message,title");
    // Nulls count as absent, everywhere.
    let c = api.advise(
        r#"{"code":"service-unavailable","title":null,"detail":null}"#,
        r#"{"step":null,"operation":null,"connectorStatus":null,"attempt":null,"connectionId":null,"locale":null,"messages":null}"#,
    );
    assert_eq!(text(&get(&c, "action")), "try-later");
}

#[wasm_bindgen_test]
async fn message_overrides_replace_bundled_texts() {
    let api = Api::load().await;
    let a = api.advise(
        r#"{"code":"service-unavailable"}"#,
        r#"{"locale":"en-AU","messages":{
            "service-unavailable.try-later.title":"Bank offline",
            "service-unavailable.try-later.message":"Back in {minutes} min.",
            "service-unavailable.support.title":42}}"#,
    );
    assert_eq!(text(&get(&a, "title")), "Bank offline");
    assert_eq!(text(&get(&a, "message")), "Back in 10 min.");
    // A non-string override is ignored, not shown.
    let b = api.advise(
        r#"{"code":"service-unavailable"}"#,
        r#"{"attempt":3,"connectionId":"c-7","messages":{"service-unavailable.support.title":42}}"#,
    );
    assert_eq!(text(&get(&b, "title")), "We still can't reach your bank");
    // Without overrides the bundled text is back; an unknown locale falls back to en-AU.
    let c = api.advise(r#"{"code":"service-unavailable"}"#, r#"{"locale":"fr-FR"}"#);
    assert_eq!(
        text(&get(&c, "title")),
        "Your bank isn't available right now"
    );
    // Objects without a prototype work too.
    let ctx = js_sys::Object::new();
    Reflect::set(&ctx, &"messages".into(), &null_prototype_messages()).unwrap();
    let d = api
        .call(
            "describeFailure",
            &[json(r#"{"code":"maintenance"}"#), ctx.into()],
        )
        .unwrap();
    assert_eq!(text(&get(&d, "title")), "Planned maintenance");
}

#[wasm_bindgen_test]
async fn bad_advice_input_throws_type_errors() {
    let api = Api::load().await;
    let ok = || json(r#"{"code":"maintenance"}"#);
    assert_advice_error(&api, JsValue::NULL, JsValue::UNDEFINED, "failure");
    assert_advice_error(&api, JsValue::UNDEFINED, JsValue::UNDEFINED, "failure");
    assert_advice_error(&api, "maintenance".into(), JsValue::UNDEFINED, "failure");
    assert_advice_error(&api, JsValue::from_f64(1.0), JsValue::UNDEFINED, "failure");
    assert_advice_error(&api, json("[]"), JsValue::UNDEFINED, "failure");
    assert_advice_error(&api, json("{}"), JsValue::UNDEFINED, "failure.code");
    assert_advice_error(
        &api,
        json(r#"{"code":5}"#),
        JsValue::UNDEFINED,
        "failure.code",
    );
    assert_advice_error(
        &api,
        json(r#"{"code":"x","title":1}"#),
        JsValue::UNDEFINED,
        "failure.title",
    );
    assert_advice_error(&api, ok(), "create".into(), "context");
    assert_advice_error(
        &api,
        ok(),
        json(r#"{"operation":"delete"}"#),
        "context.operation",
    );
    assert_advice_error(&api, ok(), json(r#"{"operation":1}"#), "context.operation");
    for attempt in ["0", "-1", "1.5", "\"2\"", "true", "1e10"] {
        assert_advice_error(
            &api,
            ok(),
            json(&format!(r#"{{"attempt":{attempt}}}"#)),
            "context.attempt",
        );
    }
    assert_advice_error(&api, ok(), json(r#"{"step":3}"#), "context.step");
    assert_advice_error(
        &api,
        ok(),
        json(r#"{"connectionId":{}}"#),
        "context.connectionId",
    );
    assert_advice_error(&api, ok(), json(r#"{"locale":7}"#), "context.locale");
    assert_advice_error(&api, ok(), json(r#"{"messages":"x"}"#), "context.messages");
    assert_advice_error(
        &api,
        ok(),
        json(r#"{"messages":["x"]}"#),
        "context.messages",
    );
}

#[wasm_bindgen_test]
async fn step_labels_come_from_the_catalogue() {
    let api = Api::load().await;
    let label = |args: &[JsValue]| api.call("stepLabel", args).map(|v| text(&v));
    assert_eq!(
        label(&["retrieve-accounts".into()]).unwrap(),
        "Getting your accounts"
    );
    assert_eq!(
        label(&["verify-credentials".into()]).unwrap(),
        "Signing in to your bank"
    );
    assert_eq!(
        label(&["retrieve-widgets".into()]).unwrap(),
        "Working with your bank"
    );
    assert_eq!(
        label(&[
            "retrieve-accounts".into(),
            json(r#"{"messages":{"step.retrieve-accounts":"Fetching accounts"}}"#)
        ])
        .unwrap(),
        "Fetching accounts"
    );
    assert_eq!(
        label(&[
            "retrieve-widgets".into(),
            json(r#"{"messages":{"step.other":"Busy"}}"#)
        ])
        .unwrap(),
        "Busy"
    );
    for bad in [JsValue::NULL, JsValue::from_f64(3.0), JsValue::UNDEFINED] {
        let err = label(&[bad]).unwrap_err();
        assert!(is_type_error(&err));
        assert!(text(&get(&err, "message")).starts_with("stepLabel: "));
    }
    let err = label(&["retrieve-accounts".into(), "en-AU".into()]).unwrap_err();
    assert!(is_type_error(&err));
}

#[wasm_bindgen_test]
async fn the_context_job_type_decides_what_a_code_means() {
    let api = Api::load().await;
    let action = |failure: &str, context: &str| text(&get(&api.advise(failure, context), "action"));
    let field = r#"{"code":"invalid-field-value"}"#;
    assert_eq!(
        action(field, r#"{"jobType":"report"}"#),
        "upload-another-file"
    );
    assert_eq!(
        action(field, r#"{"jobType":"connection"}"#),
        "resubmit-credentials"
    );
    let payee = r#"{"code":"missing-payee-account-details."}"#;
    for job_type in ["payout", "payrequest"] {
        let context = format!(r#"{{"jobType":"{job_type}","step":"validate-payment"}}"#);
        assert_eq!(action(payee, &context), "check-payment-details");
        let a = api.advise(r#"{"code":"invalid-credentials"}"#, &context);
        assert_eq!(text(&get(&a, "action")), "check-payment-details");
        assert!(!text(&get(&a, "message")).contains("sign"), "{a:?}");
    }
    assert_advice_error(
        &api,
        json(r#"{"code":"x"}"#),
        json(r#"{"jobType":5}"#),
        "jobType",
    );
}
