//! `consentUrl`, `jobIdsFromRedirect` and `watchJobs`: Basiq 3.0's hosted Consent UI flow.

use js_sys::{Array, Promise};
use wasm_bindgen::prelude::*;

use super::convert::{is_plain_object, type_error, Fields};
use super::watch::{watch_job, JobWatch};
use crate::core::consent::{self, ConsentRequest};
use crate::core::start::DEFAULT_API_BASE;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = r#"
/** What to ask Basiq's hosted Consent UI for (`consentUrl`). */
export interface ConsentOptions {
  /** A CLIENT_ACCESS token bound to the user, minted by your backend. */
  token: string;
  /** `"connect"`, `"update"`, `"reauthorise"`, …; leave it out for a first consent. */
  action?: string;
  /** Returned unchanged with the redirect: check it there. */
  state?: string;
  /** Skips the bank list. */
  institutionId?: string;
  /** The connection to update or reauthorise. */
  connectionId?: string;
  /** Another Consent UI address (https, or http on loopback); default `https://consent.basiq.io/home`. */
  consentBase?: string;
}

/** Options of `watchJobs`: those of `watchJob`, and where the jobs are. */
export interface WatchJobsOptions extends WatchOptions {
  /** The Basiq API the job ids belong to (default `https://au-api.basiq.io`). */
  apiBase?: string;
}
"#;

/// The Consent UI address to send the user to (`https://consent.basiq.io/home?token=…`).
#[wasm_bindgen(js_name = consentUrl)]
pub fn consent_url(
    #[wasm_bindgen(unchecked_param_type = "ConsentOptions")] options: JsValue,
) -> Result<String, JsValue> {
    super::panic::check("consentUrl")?;
    let fail = |m: &str| type_error(&format!("consentUrl: {m}"), None);
    if !is_plain_object(&options) {
        return Err(fail("options must be an object"));
    }
    let mut f = Fields::new(&options, "options");
    let req = ConsentRequest {
        token: f.string("token").unwrap_or_default(),
        action: f.string("action"),
        state: f.string("state"),
        institution_id: f.string("institutionId"),
        connection_id: f.string("connectionId"),
        consent_base: f.string("consentBase"),
    };
    let req = f.done(req).map_err(|m| fail(&m))?;
    let target = consent::consent_target(&req, &super::url::browser()).map_err(|e| fail(&e.0))?;
    let url = web_sys::Url::new(&target.base).map_err(|_| fail("consentBase is not a URL"))?;
    let params = url.search_params();
    for (key, value) in target.query {
        params.set(key, &value);
    }
    Ok(url.href())
}

/// The job ids the Consent UI sent back (`?jobIds=id1,id2`, or `?jobId=`): safe ids only, in
/// order, without repeats; `[]` when there are none.
#[wasm_bindgen(js_name = jobIdsFromRedirect, unchecked_return_type = "string[]")]
pub fn job_ids_from_redirect(
    #[wasm_bindgen(unchecked_param_type = "string")] url: JsValue,
) -> Result<Array, JsValue> {
    super::panic::check("jobIdsFromRedirect")?;
    let Some(text) = url.as_string() else {
        return Err(type_error(
            "jobIdsFromRedirect: url must be a string (such as location.href)",
            None,
        ));
    };
    // A bare query (`location.search`) or path reads as well as a whole URL.
    let Ok(parsed) = web_sys::Url::new_with_base(&text, "https://redirect.invalid/") else {
        return Ok(Array::new());
    };
    let mut values = Vec::new();
    for params in [
        parsed.search_params(),
        // Some redirects carry their parameters in the fragment instead.
        web_sys::UrlSearchParams::new_with_str(parsed.hash().trim_start_matches('#'))
            .unwrap_or_else(|_| parsed.search_params()),
    ] {
        for key in ["jobIds", "jobId"] {
            values.extend(params.get_all(key).iter().filter_map(|v| v.as_string()));
        }
        if !values.is_empty() {
            break;
        }
    }
    let ids = consent::job_ids(values.iter().map(String::as_str));
    Ok(ids.into_iter().map(JsValue::from).collect())
}

/// The jobs one Consent UI return names, watched together.
#[wasm_bindgen]
pub struct JobGroup {
    watches: Vec<JobWatch>,
    done: Promise,
}

#[wasm_bindgen]
impl JobGroup {
    /// One watch per id, in the order of the ids.
    #[wasm_bindgen(getter, unchecked_return_type = "JobWatch[]")]
    pub fn watches(&self) -> Array {
        self.watches
            .iter()
            .map(|w| JsValue::from(w.clone()))
            .collect()
    }

    /// Resolves once with every outcome, in the order of the ids; never rejects.
    #[wasm_bindgen(getter, unchecked_return_type = "Promise<JobOutcome[]>")]
    pub fn done(&self) -> Promise {
        self.done.clone()
    }

    /// Cancels every watch of the group.
    pub fn cancel(&self) -> Result<(), JsValue> {
        for w in &self.watches {
            w.cancel()?;
        }
        Ok(())
    }
}

/// Watches `${apiBase}/jobs/${id}` for each id (options as for `watchJob`, plus `apiBase`).
#[wasm_bindgen(js_name = watchJobs)]
pub fn watch_jobs(
    #[wasm_bindgen(unchecked_param_type = "string[]")] ids: JsValue,
    #[wasm_bindgen(unchecked_param_type = "WatchJobsOptions")] options: JsValue,
) -> Result<JobGroup, JsValue> {
    super::panic::check("watchJobs")?;
    let fail = |m: &str| type_error(&format!("watchJobs: {m}"), None);
    if !Array::is_array(&ids) {
        return Err(fail("ids must be an array of job ids"));
    }
    if !is_plain_object(&options) {
        return Err(fail("options must be an object"));
    }
    let mut f = Fields::new(&options, "options");
    let api_base = f.string("apiBase");
    f.done(()).map_err(|m| fail(&m))?;
    let api_base = api_base.unwrap_or_else(|| DEFAULT_API_BASE.to_owned());
    let mut urls = Vec::new();
    for id in Array::from(&ids).iter() {
        let Some(id) = id.as_string() else {
            return Err(fail("ids must be strings"));
        };
        urls.push(consent::job_url(&api_base, &id).map_err(|e| fail(&e))?);
    }
    let mut watches = Vec::with_capacity(urls.len());
    for url in urls {
        match watch_job(JsValue::from(url), options.clone()) {
            Ok(w) => watches.push(w),
            Err(e) => {
                // Options are shared, so the first refusal is everyone's: stop what started.
                for w in &watches {
                    let _ = w.cancel();
                }
                return Err(e);
            }
        }
    }
    let dones: Array = watches.iter().map(|w| JsValue::from(w.done())).collect();
    Ok(JobGroup {
        done: Promise::all(&dones),
        watches,
    })
}
