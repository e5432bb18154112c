//! `createConnection`, `updateConnection` and `refreshConnection`: start a job and watch it.

use crate::prelude::*;

use wasm_bindgen::prelude::*;

use super::convert::{field, opt_string, Fields};
use super::options;
use super::watch::{fail, start_with, JobWatch};
use crate::core::advice::Operation;
use crate::core::start::{self, Credentials, StartError, StartJob, DEFAULT_API_BASE};

/// Creates a connection (`POST /users/{userId}/connections`) and watches its job.
#[wasm_bindgen(js_name = createConnection)]
pub fn create_connection(
    #[wasm_bindgen(js_name = userId)] user_id: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Credentials")] credentials: JsValue,
    #[wasm_bindgen(unchecked_param_type = "StartOptions")] options: JsValue,
) -> Result<JobWatch, JsValue> {
    const WHAT: &str = "createConnection";
    let creds = credentials_from(&credentials).map_err(|m| fail(WHAT, &m))?;
    let institution = creds.institution_id.clone();
    begin(WHAT, Operation::Create, &options, institution, &|base| {
        start::create_connection(base, &id(&user_id, "userId")?, &creds)
    })
}

/// Sends new credentials for a connection (`POST …/connections/{connectionId}`) and watches the job.
#[wasm_bindgen(js_name = updateConnection)]
pub fn update_connection(
    #[wasm_bindgen(js_name = userId)] user_id: JsValue,
    #[wasm_bindgen(js_name = connectionId)] connection_id: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Partial<Credentials>")] credentials: JsValue,
    #[wasm_bindgen(unchecked_param_type = "StartOptions")] options: JsValue,
) -> Result<JobWatch, JsValue> {
    const WHAT: &str = "updateConnection";
    let creds = credentials_from(&credentials).map_err(|m| fail(WHAT, &m))?;
    begin(WHAT, Operation::Update, &options, None, &|base| {
        start::update_connection(
            base,
            &id(&user_id, "userId")?,
            &id(&connection_id, "connectionId")?,
            &creds,
        )
    })
}

/// Refreshes a connection (`POST …/connections/{connectionId}/refresh`) and watches the job.
#[wasm_bindgen(js_name = refreshConnection)]
pub fn refresh_connection(
    #[wasm_bindgen(js_name = userId)] user_id: JsValue,
    #[wasm_bindgen(js_name = connectionId)] connection_id: JsValue,
    #[wasm_bindgen(unchecked_param_type = "StartOptions")] options: JsValue,
) -> Result<JobWatch, JsValue> {
    const WHAT: &str = "refreshConnection";
    begin(WHAT, Operation::Refresh, &options, None, &|base| {
        start::refresh_connection(
            base,
            &id(&user_id, "userId")?,
            &id(&connection_id, "connectionId")?,
        )
    })
}

// Not inlined: the three exports share one copy of it.
#[inline(never)]
fn begin(
    what: &str,
    operation: Operation,
    options: &JsValue,
    institution: Option<String>,
    build: &dyn Fn(&str) -> Result<StartJob, StartError>,
) -> Result<JobWatch, JsValue> {
    let (mut cfg, hooks) = options::read(options, None).map_err(|m| fail(what, &m))?;
    let base = opt_string(options, "apiBase", "options")
        .map_err(|m| fail(what, &m))?
        .unwrap_or_else(|| DEFAULT_API_BASE.to_owned());
    cfg.start = Some(build(&base).map_err(|e| fail(what, &e.0))?);
    cfg.operation = operation;
    cfg.institution_id = cfg.institution_id.or(institution);
    start_with(what, cfg, hooks)
}

fn id(v: &JsValue, name: &str) -> Result<String, StartError> {
    v.as_string()
        .filter(|s| !s.is_empty())
        .ok_or_else(|| StartError(cat!(name, " must be a non-empty string")))
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
