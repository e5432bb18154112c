//! The Basiq job resource: read tolerantly from every published shape, written as the
//! `JobSnapshot` the JS API gives.

use std::fmt;

use serde::de::{self, Deserializer, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

use super::body::{decode, Body};
use super::tolerant::{Items, Maybe, Object, Strings, Text, Whole};

/// Where a step stands; unknown statuses are kept as `Unknown` rather than rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StepStatus {
    Pending,
    InProgress,
    Success,
    Failed,
    Skipped,
    #[serde(other)]
    Unknown,
}

impl StepStatus {
    /// Reads a wire status; anything unrecognised is `Unknown`.
    pub fn from_wire(s: &str) -> Self {
        let wire: de::value::StrDeserializer<'_, de::value::Error> = s.into_deserializer();
        Self::deserialize(wire).unwrap_or(Self::Unknown)
    }

    /// The status as the JS API spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::InProgress => "in-progress",
            Self::Success => "success",
            Self::Failed => "failed",
            Self::Skipped => "skipped",
            Self::Unknown => "unknown",
        }
    }

    /// True once the step will not change again (success, failure or skipped).
    pub fn is_settled(self) -> bool {
        matches!(self, Self::Success | Self::Failed | Self::Skipped)
    }

    /// Progress rank: a step only moves forward through these ranks.
    pub fn rank(self) -> u8 {
        match self {
            Self::Pending | Self::Unknown => 0,
            Self::InProgress => 1,
            Self::Success | Self::Failed | Self::Skipped => 2,
        }
    }
}

/// A failed step's error: Basiq's `{code, title, detail}`.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize)]
pub struct Failure {
    pub code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// How the bank challenges the user during an `mfa-challenge` step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MfaMethod {
    Token,
    SecurityQuestions,
}

impl MfaMethod {
    /// The method as the JS API spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Token => "token",
            Self::SecurityQuestions => "security-questions",
        }
    }
}

/// An MFA challenge waiting on a step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MfaRequest {
    pub method: MfaMethod,
    pub prompts: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "super::ms::serialize_opt"
    )]
    pub expiry_ms: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_url: Option<String>,
}

/// One step of a job, as last seen (`StepSnapshot`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    pub title: String,
    pub status: StepStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<Failure>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mfa: Option<MfaRequest>,
}

/// A job's links: itself (`null` when it has none) and, for connection jobs, the connection.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize)]
pub struct JobLinks {
    #[serde(rename = "self")]
    pub self_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// A job snapshot as the watch keeps it and its events carry it: one copy, shared.
pub type SharedJob = std::rc::Rc<Job>;

/// A snapshot of a Basiq job (`JobSnapshot`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Job {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub job_type: Option<String>,
    /// The job-level status, as the API gives it (`success`, `failed`, `in-progress`, … or
    /// anything else: unknown values are kept, not refused).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated: Option<String>,
    pub steps: Vec<Step>,
    pub links: JobLinks,
}

impl Job {
    /// The first failed step, with its index.
    pub fn failed_step(&self) -> Option<(usize, &Step)> {
        self.steps
            .iter()
            .enumerate()
            .find(|(_, s)| s.status == StepStatus::Failed)
    }

    /// True when every step succeeded or was skipped, or when the job-level status says
    /// `success` and no step says otherwise (failed, or still running).
    pub fn is_success(&self) -> bool {
        let steps_done = !self.steps.is_empty()
            && self
                .steps
                .iter()
                .all(|s| matches!(s.status, StepStatus::Success | StepStatus::Skipped));
        steps_done || (self.status_is("success") && !self.steps_disagree())
    }

    /// Where the job failed and why: its failed step (`unknown-error` when the step gave no
    /// code), or, when only the job-level status says `failed`, the first step that did not
    /// succeed (the job's type, or `job`, when it has no steps).
    pub fn failure(&self) -> Option<(String, Failure)> {
        let unknown = || Failure {
            code: "unknown-error".into(),
            title: None,
            detail: None,
        };
        if let Some((_, step)) = self.failed_step() {
            return Some((
                step.title.clone(),
                step.failure.clone().unwrap_or_else(unknown),
            ));
        }
        if !self.status_is("failed") || self.steps_disagree() {
            return None;
        }
        let step = self
            .steps
            .iter()
            .find(|s| !matches!(s.status, StepStatus::Success | StepStatus::Skipped))
            .or(self.steps.last())
            .map(|s| s.title.clone())
            .or_else(|| self.job_type.clone())
            .unwrap_or_else(|| "job".into());
        Some((step, unknown()))
    }

    fn status_is(&self, status: &str) -> bool {
        self.status.as_deref() == Some(status)
    }

    /// True when a step contradicts a settled job-level status (it failed, or still runs).
    fn steps_disagree(&self) -> bool {
        self.steps
            .iter()
            .any(|s| matches!(s.status, StepStatus::Failed | StepStatus::InProgress))
    }

    /// Steps that have settled (succeeded, failed or were skipped).
    pub fn completed(&self) -> usize {
        self.steps.iter().filter(|s| s.status.is_settled()).count()
    }

    /// The result link of the step with this title, if it succeeded.
    pub fn result_url(&self, title: &str) -> Option<&str> {
        self.steps
            .iter()
            .find(|s| s.title == title)
            .and_then(|s| s.result_url.as_deref())
    }
}

/// Why a body is not a job.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParseError {
    /// The body is empty.
    Empty,
    /// The body looks like an HTML page (a proxy or gateway error page).
    Html,
    /// The body is not valid JSON.
    NotJson,
    /// The body is a Basiq error document, not a job.
    ApiError { code: String },
    /// The JSON is valid but not a job object.
    NotAJob,
    /// A required field is missing.
    Missing(String),
    /// A field has the wrong JSON type.
    WrongType {
        field: String,
        expected: &'static str,
    },
}

impl ParseError {
    /// A short stable kind, for programs: `empty`, `html`, `not-json`, `api-error`, `not-a-job`,
    /// `missing-field` or `wrong-type`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Empty => "empty",
            Self::Html => "html",
            Self::NotJson => "not-json",
            Self::ApiError { .. } => "api-error",
            Self::NotAJob => "not-a-job",
            Self::Missing(_) => "missing-field",
            Self::WrongType { .. } => "wrong-type",
        }
    }

    /// A one-line developer-facing reason.
    pub fn reason(&self) -> String {
        match self {
            Self::Empty => "the body is empty".into(),
            Self::Html => "the body is an HTML page, not JSON".into(),
            Self::NotJson => "the body is not valid JSON".into(),
            Self::ApiError { code } => format!("the body is a Basiq error ({code}), not a job"),
            Self::NotAJob => "the JSON is not a job object".into(),
            Self::Missing(f) => format!("the job has no `{f}`"),
            Self::WrongType { field, expected } => format!("`{field}` is not {expected}"),
        }
    }
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.reason())
    }
}

/// Reads a job from a response body.
pub fn decode_job(body: &impl Body) -> Result<Job, ParseError> {
    decode::<Object<WireJob>>(body)?.0.into_job()
}

/// A job as the API sends it, before the checks that need the whole of it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WireJob {
    #[serde(default)]
    id: Option<Id>,
    #[serde(default)]
    steps: Option<super::tolerant::List<Object<WireStep>>>,
    #[serde(default)]
    links: Option<Object<WireLinks>>,
    #[serde(default)]
    job_type: Option<String>,
    #[serde(default)]
    status: Text,
    #[serde(default)]
    created: Option<String>,
    #[serde(default)]
    updated: Option<String>,
    /// Report and statement jobs name their times so.
    #[serde(default)]
    created_date: Option<String>,
    #[serde(default)]
    updated_date: Option<String>,
    /// With `code` and `data`: what tells a Basiq error document from a job.
    #[serde(default, rename = "type")]
    kind: Text,
    #[serde(default)]
    code: Text,
    #[serde(default)]
    data: Items<ErrorEntry>,
}

impl WireJob {
    /// The job, unless this is an error document or a required field is missing.
    pub fn into_job(self) -> Result<Job, ParseError> {
        let doc = ErrorDoc {
            kind: self.kind,
            code: self.code,
            data: self.data,
        };
        if let Some(code) = doc.code() {
            return Err(ParseError::ApiError { code });
        }
        let id = self.id.ok_or_else(|| ParseError::Missing("id".into()))?.0;
        let wire_steps = self
            .steps
            .ok_or_else(|| ParseError::Missing("steps".into()))?
            .0;
        let mut steps = Vec::with_capacity(wire_steps.len());
        for (i, Object(step)) in wire_steps.into_iter().enumerate() {
            steps.push(step.into_step(i)?);
        }
        let links = self.links.map(|l| l.0).unwrap_or_default();
        Ok(Job {
            id,
            job_type: self.job_type,
            status: self.status.0,
            created: self.created.or(self.created_date),
            updated: self.updated.or(self.updated_date),
            steps,
            links: JobLinks {
                self_url: links.self_url,
                source: links.source,
            },
        })
    }
}

/// A job id: a non-empty string, or a whole number (kept as its digits).
#[derive(Debug)]
struct Id(String);

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Id;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Id, E> {
                self.visit_string(s.to_owned())
            }
            fn visit_string<E: de::Error>(self, s: String) -> Result<Id, E> {
                if s.is_empty() {
                    return Err(E::invalid_value(de::Unexpected::Str(""), &self));
                }
                Ok(Id(s))
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<Id, E> {
                Ok(Id(n.to_string()))
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<Id, E> {
                Ok(Id(n.to_string()))
            }
            fn visit_f64<E: de::Error>(self, n: f64) -> Result<Id, E> {
                // JS numbers are floats: a whole one is an id; a fraction is not.
                if n.fract() == 0.0 && n.abs() < 9_007_199_254_740_992.0 {
                    return self.visit_i64(n as i64);
                }
                Err(E::invalid_type(de::Unexpected::Float(n), &self))
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Debug, Default, Deserialize)]
struct WireLinks {
    #[serde(default, rename = "self")]
    self_url: Option<String>,
    #[serde(default)]
    source: Option<String>,
}

#[derive(Debug, Deserialize)]
struct WireStep {
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    status: Option<Status>,
    #[serde(default)]
    result: Option<WireResultField>,
}

impl WireStep {
    fn into_step(self, i: usize) -> Result<Step, ParseError> {
        let title = self
            .title
            .ok_or_else(|| ParseError::Missing(format!("steps[{i}].title")))?;
        let mut step = Step {
            title,
            status: self.status.map_or(StepStatus::Unknown, |s| s.0),
            result_url: None,
            failure: None,
            mfa: None,
        };
        let Some(WireResultField(Some(r))) = self.result else {
            return Ok(step);
        };
        match r.kind.0.as_deref() {
            // Report and statement jobs end with `{"type": "report", "url": "/reports/…"}`.
            Some("link" | "report") => step.result_url = r.url,
            Some("mfa") => {
                step.mfa = Some(MfaRequest {
                    method: match r.method.0.as_deref() {
                        Some("security-questions") => MfaMethod::SecurityQuestions,
                        _ => MfaMethod::Token,
                    },
                    description: r.description,
                    prompts: r.input.0,
                    expiry_ms: r.expiry_ms.0,
                    response_url: r.links.0.and_then(|l| l.response),
                })
            }
            // Published failures carry no `type`; the schema says `error`. Both mean a failure.
            Some("error") | None => match r.code {
                Some(code) => {
                    step.failure = Some(Failure {
                        code,
                        title: r.title,
                        detail: r.detail.or(r.details),
                    })
                }
                None => step.result_url = r.url,
            },
            Some(_) => {}
        }
        Ok(step)
    }
}

/// A step status; `null` is unknown, and so is any status this module does not know.
#[derive(Debug)]
struct Status(StepStatus);

impl<'de> Deserialize<'de> for Status {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Status;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Status, E> {
                Ok(Status(StepStatus::from_wire(s)))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Status, E> {
                Ok(Status(StepStatus::Unknown))
            }
        }
        d.deserialize_any(V)
    }
}

/// A step's `result`: an object, `null`, or a list whose first element is the result (a shape
/// Basiq also publishes).
#[derive(Debug)]
struct WireResultField(Option<WireResult>);

impl<'de> Deserialize<'de> for WireResultField {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = WireResultField;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object or null")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                let r = WireResult::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(WireResultField(Some(r)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let first = seq.next_element::<Object<WireResult>>()?;
                while seq.next_element::<de::IgnoredAny>()?.is_some() {}
                Ok(WireResultField(first.map(|r| r.0)))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(WireResultField(None))
            }
        }
        d.deserialize_any(V)
    }
}

/// Every field a step result has in any of its shapes (link, failure, MFA challenge).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireResult {
    #[serde(default, rename = "type")]
    kind: Text,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    detail: Option<String>,
    #[serde(default)]
    details: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    method: Text,
    /// The challenge's prompts: a list of strings, or one string.
    #[serde(default)]
    input: Strings,
    #[serde(default)]
    expiry_ms: Whole,
    #[serde(default)]
    links: Maybe<MfaLinks>,
}

#[derive(Debug, Deserialize)]
struct MfaLinks {
    #[serde(default)]
    response: Option<String>,
}

/// A Basiq error document: `{"type":"error","code":…}`, or a list holding one.
#[derive(Debug, Default, Deserialize)]
pub struct ErrorDoc {
    #[serde(default, rename = "type")]
    kind: Text,
    #[serde(default)]
    code: Text,
    #[serde(default)]
    data: Items<ErrorEntry>,
}

/// One entry of an error list.
#[derive(Debug, Deserialize)]
pub struct ErrorEntry {
    #[serde(default, rename = "type")]
    kind: Text,
    #[serde(default)]
    code: Text,
}

impl ErrorDoc {
    /// The error's code (`"error"` when it has none), if this is an error document.
    pub fn code(self) -> Option<String> {
        let code = |c: Text| c.0.unwrap_or_else(|| "error".into());
        if self.kind.0.as_deref() == Some("error") {
            return Some(code(self.code));
        }
        self.data
            .0?
            .into_iter()
            .flatten()
            .find(|e| e.kind.0.as_deref() == Some("error"))
            .map(|e| code(e.code))
    }
}

// serde_json reads the bodies: native only.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    use crate::core::test_json as json;
    use json::parse_job;

    #[test]
    fn every_parse_error_has_a_distinct_kind() {
        let cases = [
            ("", "empty"),
            ("<!doctype html><p>502</p>", "html"),
            ("{", "not-json"),
            (r#"{"type":"error","code":"x"}"#, "api-error"),
            ("[]", "not-a-job"),
            (r#"{"id":"j"}"#, "missing-field"),
            (r#"{"id":"j","steps":{}}"#, "wrong-type"),
        ];
        for (body, kind) in cases {
            let err = parse_job(body).err();
            assert_eq!(err.as_ref().map(ParseError::kind), Some(kind), "{body}");
        }
    }
}
