//! The saved form of a watch: enough to resume after a reload, and never a token.

use std::borrow::Cow;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::body::{decode, Body};
use super::job::StepStatus;
use super::tolerant::{Object, Whole};

/// Bumped whenever the saved form changes meaning.
pub const VERSION: u32 = 1;

/// What a watch keeps across a reload: borrowed from the watch when saving, read when loading.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Saved<'a> {
    /// The form's version: [`VERSION`] when written here.
    pub v: u32,
    pub job_url: Cow<'a, str>,
    pub api_origin: Cow<'a, str>,
    pub operation: Cow<'a, str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection_id: Option<Cow<'a, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub institution_id: Option<Cow<'a, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempt: Option<u32>,
    #[serde(serialize_with = "super::ms::serialize")]
    pub started_ms: u64,
    pub long_wait: bool,
    /// The last reported status of each step, by title.
    #[serde(serialize_with = "write_steps", deserialize_with = "read_steps")]
    pub steps: Cow<'a, [(String, StepStatus)]>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mfa_reported: Option<Cow<'a, str>>,
}

/// One step of the saved form: `{title, status}`.
#[derive(Serialize, Deserialize)]
struct SavedStep<T> {
    title: T,
    status: StepStatus,
}

fn write_steps<S: Serializer>(steps: &[(String, StepStatus)], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(steps.iter().map(|(title, status)| SavedStep {
        title,
        status: *status,
    }))
}

fn read_steps<'de, 'a, D: Deserializer<'de>>(
    d: D,
) -> Result<Cow<'a, [(String, StepStatus)]>, D::Error> {
    let steps = Vec::<SavedStep<String>>::deserialize(d)?;
    Ok(steps.into_iter().map(|s| (s.title, s.status)).collect())
}

/// Just the version of a saved form, whatever else it holds.
#[derive(Deserialize)]
struct Header {
    #[serde(default)]
    v: Option<Whole>,
}

/// Reads a saved form; the error says what is wrong with it.
pub fn load(body: &impl Body) -> Result<Saved<'static>, &'static str> {
    const NOT_SAVED: &str = "is not a saved basiq-jobs watch";
    const INCOMPATIBLE: &str = "was saved by an incompatible version";
    match decode::<Object<Saved<'static>>>(body) {
        Ok(Object(s)) if s.v == VERSION => Ok(s),
        Ok(_) => Err(INCOMPATIBLE),
        // A form this version cannot read is another version's if it says so.
        Err(_) => match decode::<Object<Header>>(body) {
            Ok(Object(Header { v: Some(v) })) if v != Whole(Some(VERSION.into())) => {
                Err(INCOMPATIBLE)
            }
            _ => Err(NOT_SAVED),
        },
    }
}

// serde_json reads the bodies: native only.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    use crate::core::test_json as json;

    fn save(s: &Saved<'_>) -> String {
        json::to_json(s)
    }

    fn load(text: &str) -> Result<Saved<'static>, &'static str> {
        super::load(&json::Text(text))
    }

    fn sample() -> Saved<'static> {
        Saved {
            v: VERSION,
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
        // Another version's form is that even when this one cannot read the rest of it.
        let reshaped = other_version.replacen(r#""long_wait":true"#, r#""long_wait":"yes""#, 1);
        assert_eq!(load(&reshaped), Err("was saved by an incompatible version"));
        let not_saved = Err("is not a saved basiq-jobs watch");
        for bad in [
            "",
            "[]",
            "{}",
            r#"{"v":1}"#,
            &save(&sample()).replacen(r#""long_wait":true"#, r#""long_wait":1"#, 1),
            &save(&sample()).replacen(r#""attempt":2"#, r#""attempt":"2""#, 1),
            &save(&sample()).replacen(r#""connection_id":"c1""#, r#""connection_id":5"#, 1),
            &save(&sample()).replacen(r#""status":"failed""#, r#""status":3"#, 1),
            &save(&sample()).replacen(r#""steps":[{"#, r#""steps":[7,{"#, 1),
        ] {
            assert_eq!(load(bad), not_saved, "{bad}");
        }
    }
}
