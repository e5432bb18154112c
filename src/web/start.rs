//! `createConnection`, `updateConnection` and `refreshConnection`: start a job and watch it.

use wasm_bindgen::prelude::*;

use super::convert::{field, opt_string, Fields};
use super::options;
use super::watch::{fail, start_with, JobWatch};
use crate::core::advice::Operation;
use crate::core::start::{self, Credentials, StartError, StartJob, DEFAULT_API_BASE};

/// Creates a connection (`POST /users/{userId}/connections`) and watches its job.
#[wasm_bindgen(js_name = createConnection)]
pub fn create_connection(
    #[wasm_bindgen(js_name = userId, unchecked_param_type = "string")] user_id: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Credentials")] credentials: JsValue,
    #[wasm_bindgen(unchecked_param_type = "StartOptions")] options: JsValue,
) -> Result<JobWatch, JsValue> {
    let ids = [&user_id];
    begin(
        "createConnection",
        Operation::Create,
        &options,
        &ids,
        Some(&credentials),
    )
}

/// Sends new credentials for a connection (`POST …/connections/{connectionId}`) and watches the job.
#[wasm_bindgen(js_name = updateConnection)]
pub fn update_connection(
    #[wasm_bindgen(js_name = userId, unchecked_param_type = "string")] user_id: JsValue,
    #[wasm_bindgen(js_name = connectionId, unchecked_param_type = "string")] connection_id: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Partial<Credentials>")] credentials: JsValue,
    #[wasm_bindgen(unchecked_param_type = "StartOptions")] options: JsValue,
) -> Result<JobWatch, JsValue> {
    let ids = [&user_id, &connection_id];
    begin(
        "updateConnection",
        Operation::Update,
        &options,
        &ids,
        Some(&credentials),
    )
}

/// Refreshes a connection (`POST …/connections/{connectionId}/refresh`) and watches the job.
#[wasm_bindgen(js_name = refreshConnection)]
pub fn refresh_connection(
    #[wasm_bindgen(js_name = userId, unchecked_param_type = "string")] user_id: JsValue,
    #[wasm_bindgen(js_name = connectionId, unchecked_param_type = "string")] connection_id: JsValue,
    #[wasm_bindgen(unchecked_param_type = "StartOptions")] options: JsValue,
) -> Result<JobWatch, JsValue> {
    let ids = [&user_id, &connection_id];
    begin(
        "refreshConnection",
        Operation::Refresh,
        &options,
        &ids,
        None,
    )
}

/// The three exports' common body: arguments checked in the order they are given, then the
/// request built and the watch started. `ids` is `[userId]` or `[userId, connectionId]`.
// Not inlined: the three exports share one copy of it.
#[inline(never)]
fn begin(
    what: &str,
    operation: Operation,
    options: &JsValue,
    ids: &[&JsValue],
    credentials: Option<&JsValue>,
) -> Result<JobWatch, JsValue> {
    let creds = match credentials {
        Some(c) => credentials_from(c).map_err(|m| fail(what, &m))?,
        None => Credentials::default(),
    };
    let (mut cfg, hooks) = options::read(options, None).map_err(|m| fail(what, &m))?;
    let base = opt_string(options, "apiBase", "options")
        .map_err(|m| fail(what, &m))?
        .unwrap_or_else(|| DEFAULT_API_BASE.to_owned());
    let start = build(operation, &base, ids, &creds).map_err(|e| fail(what, &e.0))?;
    cfg.start = Some(start);
    cfg.operation = operation;
    if operation == Operation::Create {
        cfg.institution_id = cfg.institution_id.or(creds.institution_id);
    }
    start_with(what, cfg, hooks)
}

/// The start request for `operation`.
fn build(
    operation: Operation,
    base: &str,
    ids: &[&JsValue],
    creds: &Credentials,
) -> Result<StartJob, StartError> {
    let user = id(ids.first().copied(), "userId")?;
    let Some(connection) = ids.get(1) else {
        return start::create_connection(base, &user, creds);
    };
    let connection = id(Some(connection), "connectionId")?;
    match operation {
        Operation::Update => start::update_connection(base, &user, &connection, creds),
        _ => start::refresh_connection(base, &user, &connection),
    }
}

fn id(v: Option<&JsValue>, name: &str) -> Result<String, StartError> {
    v.and_then(JsValue::as_string)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| StartError(format!("{name} must be a non-empty string")))
}

/// `{ loginId, password, securityCode?, secondaryLoginId?, institution: { id } }`.
#[inline(never)]
fn credentials_from(v: &JsValue) -> Result<Credentials, String> {
    if !v.is_object() {
        return Err("credentials must be an object".into());
    }
    let institution_id = match field(v, "institution") {
        Some(inst) => opt_string(&inst, "id", "credentials.institution")?,
        None => opt_string(v, "institutionId", "credentials")?,
    };
    let mut f = Fields::new(v, "credentials");
    let creds = Credentials {
        login_id: f.string("loginId"),
        password: f.string("password"),
        security_code: f.string("securityCode"),
        secondary_login_id: f.string("secondaryLoginId"),
        institution_id,
    };
    f.done(creds)
}
