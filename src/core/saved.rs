//! The saved form of a watch: enough to resume after a reload, and never a token.

use miniserde::{json, Deserialize, Serialize};

/// Bumped whenever the saved form changes meaning.
const VERSION: u32 = 1;

/// What a watch keeps across a reload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Saved {
    pub job_url: String,
    pub api_origin: String,
    pub operation: String,
    pub connection_id: Option<String>,
    pub institution_id: Option<String>,
    pub attempt: Option<u32>,
    pub started_ms: u64,
    pub long_wait: bool,
    /// The last reported status of each step, by title.
    pub steps: Vec<(String, String)>,
    pub mfa_reported: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct Wire {
    v: u32,
    job_url: String,
    api_origin: String,
    operation: String,
    connection_id: Option<String>,
    institution_id: Option<String>,
    attempt: Option<u32>,
    started_ms: u64,
    long_wait: bool,
    steps: Vec<WireStep>,
    mfa_reported: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct WireStep {
    title: String,
    status: String,
}

/// The saved form as a JSON string.
pub fn save(s: Saved) -> String {
    json::to_string(&Wire {
        v: VERSION,
        job_url: s.job_url,
        api_origin: s.api_origin,
        operation: s.operation,
        connection_id: s.connection_id,
        institution_id: s.institution_id,
        attempt: s.attempt,
        started_ms: s.started_ms,
        long_wait: s.long_wait,
        steps: s
            .steps
            .into_iter()
            .map(|(title, status)| WireStep { title, status })
            .collect(),
        mfa_reported: s.mfa_reported,
    })
}

/// Reads a saved form; the error says what is wrong with it.
pub fn load(text: &str) -> Result<Saved, &'static str> {
    let w: Wire = json::from_str(text).map_err(|_| "is not a saved basiq-jobs watch")?;
    if w.v != VERSION {
        return Err("was saved by an incompatible version");
    }
    Ok(Saved {
        job_url: w.job_url,
        api_origin: w.api_origin,
        operation: w.operation,
        connection_id: w.connection_id,
        institution_id: w.institution_id,
        attempt: w.attempt,
        started_ms: w.started_ms,
        long_wait: w.long_wait,
        steps: w.steps.into_iter().map(|s| (s.title, s.status)).collect(),
        mfa_reported: w.mfa_reported,
    })
}
