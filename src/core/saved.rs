//! The saved form of a watch: enough to resume after a reload, and never a token.

use crate::prelude::*;

use super::job::str_of;
use super::json::{self, whole_number, Object, Value};
use super::json_out::JsonObject;

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

/// The saved form as a JSON string.
pub fn save(s: Saved) -> String {
    let steps = s.steps.iter().map(|(title, status)| {
        JsonObject::new()
            .string("title", title)
            .string("status", status)
    });
    JsonObject::new()
        .number("v", VERSION.into())
        .string("job_url", &s.job_url)
        .string("api_origin", &s.api_origin)
        .string("operation", &s.operation)
        .opt_string("connection_id", s.connection_id.as_deref())
        .opt_string("institution_id", s.institution_id.as_deref())
        .opt_number("attempt", s.attempt.map(u64::from))
        .number("started_ms", s.started_ms)
        .bool("long_wait", s.long_wait)
        .objects("steps", steps)
        .opt_string("mfa_reported", s.mfa_reported.as_deref())
        .finish()
}

/// Reads a saved form; the error says what is wrong with it.
pub fn load(text: &str) -> Result<Saved, &'static str> {
    const NOT_SAVED: &str = "is not a saved basiq-jobs watch";
    let Some(Value::Object(o)) = json::parse(text) else {
        return Err(NOT_SAVED);
    };
    if number(&o, "v") != Some(u64::from(VERSION)) {
        return Err(if o.contains_key("v") {
            "was saved by an incompatible version"
        } else {
            NOT_SAVED
        });
    }
    read(&o).ok_or(NOT_SAVED)
}

/// The fields of a saved form, checked before they are copied (the steps last): a refusal then
/// has little to free, where `?` after each copy made every later field free the earlier ones.
fn read(o: &Object) -> Option<Saved> {
    let opt = |k: &str| match o.get(k) {
        None | Some(Value::Null) => Some(None),
        Some(Value::String(s)) => Some(Some(&**s)),
        Some(_) => None,
    };
    let (job_url, api_origin) = (str_of(o, "job_url")?, str_of(o, "api_origin")?);
    let operation = str_of(o, "operation")?;
    let (connection_id, institution_id) = (opt("connection_id")?, opt("institution_id")?);
    let attempt = match o.get("attempt") {
        None | Some(Value::Null) => None,
        Some(_) => Some(u32::try_from(number(o, "attempt")?).ok()?),
    };
    let started_ms = number(o, "started_ms")?;
    let Some(Value::Bool(long_wait)) = o.get("long_wait") else {
        return None;
    };
    let mfa_reported = opt("mfa_reported")?;
    let Some(Value::Array(list)) = o.get("steps") else {
        return None;
    };
    let mut steps = Vec::with_capacity(list.len());
    for v in list {
        let Value::Object(s) = v else {
            return None;
        };
        let (title, status) = (str_of(s, "title")?, str_of(s, "status")?);
        steps.push((String::from(title), String::from(status)));
    }
    Some(Saved {
        job_url: job_url.into(),
        api_origin: api_origin.into(),
        operation: operation.into(),
        connection_id: connection_id.map(String::from),
        institution_id: institution_id.map(String::from),
        attempt,
        started_ms,
        long_wait: *long_wait,
        steps,
        mfa_reported: mfa_reported.map(String::from),
    })
}

fn number(o: &Object, key: &str) -> Option<u64> {
    match o.get(key) {
        Some(Value::Number(n)) => whole_number(n),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Saved {
        Saved {
            job_url: "https://au-api.basiq.io/jobs/j\"1".into(),
            api_origin: "https://au-api.basiq.io".into(),
            operation: "update".into(),
            connection_id: Some("c1".into()),
            institution_id: None,
            attempt: Some(2),
            started_ms: 1_700_000_000_123,
            long_wait: true,
            steps: vec![("verify-credentials".into(), "failed".into())],
            mfa_reported: None,
        }
    }

    #[test]
    fn a_saved_watch_reads_back_the_same() {
        let text = save(sample());
        assert!(text.starts_with(r#"{"v":1,"#), "{text}");
        assert_eq!(load(&text), Ok(sample()));
        let bare = Saved {
            attempt: None,
            steps: Vec::new(),
            ..sample()
        };
        assert_eq!(load(&save(bare.clone())), Ok(bare));
    }

    #[test]
    fn anything_else_is_refused_with_a_reason() {
        let other_version = save(sample()).replacen(r#""v":1"#, r#""v":2"#, 1);
        assert_eq!(
            load(&other_version),
            Err("was saved by an incompatible version")
        );
        let not_saved = Err("is not a saved basiq-jobs watch");
        for bad in [
            "",
            "[]",
            "{}",
            r#"{"v":1}"#,
            &save(sample()).replacen(r#""long_wait":true"#, r#""long_wait":1"#, 1),
            &save(sample()).replacen(r#""attempt":2"#, r#""attempt":"2""#, 1),
            &save(sample()).replacen(r#""connection_id":"c1""#, r#""connection_id":5"#, 1),
        ] {
            assert_eq!(load(bad), not_saved, "{bad}");
        }
    }
}
