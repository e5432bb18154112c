//! Basiq 3.0's hosted Consent UI: the page that sends the user there, and the job ids it returns.
//!
//! The Consent UI creates connections itself and sends the browser back to the partner's redirect
//! URL with `?jobIds=id1,id2` (some integrations see `jobId`) and the partner's `state`.

use super::url::{check_secure, Urls};

pub use super::url::{is_job_id, job_url};

/// Where Basiq hosts the Consent UI.
pub const CONSENT_BASE: &str = "https://consent.basiq.io/home";

/// What to ask the Consent UI for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConsentRequest {
    /// A CLIENT_ACCESS token bound to the user.
    pub token: String,
    /// `connect`, `update`, `reauthorise`, …; none for a first consent.
    pub action: Option<String>,
    /// Returned unchanged with the redirect (a CSRF guard for the partner).
    pub state: Option<String>,
    /// Skips the bank list.
    pub institution_id: Option<String>,
    /// Updates or reauthorises this connection.
    pub connection_id: Option<String>,
    /// Another Consent UI address (the sandbox's stand-in); Basiq's by default.
    pub consent_base: Option<String>,
}

/// Why a consent URL cannot be built.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsentError(pub String);

/// The Consent UI address and the query to send it, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsentTarget {
    pub base: String,
    pub query: Vec<(&'static str, String)>,
}

/// Where to send the user for `req`; the shell writes it into a URL.
pub fn consent_target(req: &ConsentRequest, urls: &Urls) -> Result<ConsentTarget, ConsentError> {
    if req.token.is_empty() {
        return Err(ConsentError("token must be a non-empty string".into()));
    }
    let base = req.consent_base.as_deref().unwrap_or(CONSENT_BASE);
    // The token rides in this URL, so it gets the same rule as any URL that carries it.
    check_secure(base, urls).map_err(|e| ConsentError(format!("consentBase {}", e.reason())))?;
    let optional = [
        ("action", &req.action),
        ("state", &req.state),
        ("institutionId", &req.institution_id),
        ("connectionId", &req.connection_id),
    ];
    let mut query = vec![("token", req.token.clone())];
    query.extend(
        optional
            .into_iter()
            .filter_map(|(key, value)| Some((key, value.clone().filter(|v| !v.is_empty())?))),
    );
    Ok(ConsentTarget {
        base: base.to_owned(),
        query,
    })
}

/// The job ids in the values of `jobIds` (comma-separated) and then `jobId`: safe ids only, in
/// order, without repeats.
pub fn job_ids<'a>(values: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for id in values.into_iter().flat_map(|v| v.split(',')).map(str::trim) {
        if is_job_id(id) && !ids.iter().any(|seen| seen == id) {
            ids.push(id.to_owned());
        }
    }
    ids
}
