//! The saved form of a watch: enough to resume after a reload, and never a token.

use std::borrow::Cow;

use super::job::{str_of, StepStatus};
use super::json::{self, whole_number, Object, Value};
use super::json_out::JsonObject;

/// Bumped whenever the saved form changes meaning.
const VERSION: u32 = 1;

/// What a watch keeps across a reload: borrowed from the watch when saving, read when loading.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Saved<'a> {
    pub job_url: Cow<'a, str>,
    pub api_origin: Cow<'a, str>,
    pub operation: Cow<'a, str>,
    pub connection_id: Option<Cow<'a, str>>,
    pub institution_id: Option<Cow<'a, str>>,
    pub attempt: Option<u32>,
    pub started_ms: u64,
    pub long_wait: bool,
    /// The last reported status of each step, by title.
    pub steps: Cow<'a, [(String, StepStatus)]>,
    pub mfa_reported: Option<Cow<'a, str>>,
}

/// The saved form as a JSON string.
pub fn save(s: &Saved<'_>) -> String {
    let steps = s.steps.iter().map(|(title, status)| {
        JsonObject::new()
            .string("title", title)
            .string("status", status.as_str())
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
pub fn load(text: &str) -> Result<Saved<'static>, &'static str> {
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
fn read(o: &Object) -> Option<Saved<'static>> {
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
        steps.push((String::from(title), StepStatus::from_wire(status)));
    }
    let owned = |s: &str| Cow::Owned(String::from(s));
    Some(Saved {
        job_url: owned(job_url),
        api_origin: owned(api_origin),
        operation: owned(operation),
        connection_id: connection_id.map(owned),
        institution_id: institution_id.map(owned),
        attempt,
        started_ms,
        long_wait: *long_wait,
        steps: Cow::Owned(steps),
        mfa_reported: mfa_reported.map(owned),
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

    fn sample() -> Saved<'static> {
        Saved {
            job_url: "https://au-api.basiq.io/jobs/j\"1".into(),
            api_origin: "https://au-api.basiq.io".into(),
            operation: "update".into(),
            connection_id: Some("c1".into()),
            institution_id: None,
            attempt: Some(2),
            started_ms: 1_700_000_000_123,
            long_wait: true,
            steps: vec![("verify-credentials".into(), StepStatus::Failed)].into(),
            mfa_reported: None,
        }
    }

    #[test]
    fn a_saved_watch_reads_back_the_same() {
        let text = save(&sample());
        assert!(text.starts_with(r#"{"v":1,"#), "{text}");
        assert_eq!(load(&text), Ok(sample()));
        let bare = Saved {
            attempt: None,
            steps: Vec::new().into(),
            ..sample()
        };
        assert_eq!(load(&save(&bare)), Ok(bare));
    }

    #[test]
    fn anything_else_is_refused_with_a_reason() {
        let other_version = save(&sample()).replacen(r#""v":1"#, r#""v":2"#, 1);
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
            &save(&sample()).replacen(r#""long_wait":true"#, r#""long_wait":1"#, 1),
            &save(&sample()).replacen(r#""attempt":2"#, r#""attempt":"2""#, 1),
            &save(&sample()).replacen(r#""connection_id":"c1""#, r#""connection_id":5"#, 1),
        ] {
            assert_eq!(load(bad), not_saved, "{bad}");
        }
    }
}
