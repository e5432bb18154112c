//! The Basiq job resource, parsed tolerantly from every published shape.

use super::json::{self, whole_number, Object, Value};

/// Where a step stands; unknown statuses are kept as `Unknown` rather than rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepStatus {
    Pending,
    InProgress,
    Success,
    Failed,
    Skipped,
    Unknown,
}

impl StepStatus {
    /// Reads a wire status; anything unrecognised is `Unknown`.
    pub fn from_wire(s: &str) -> Self {
        match s {
            "pending" => Self::Pending,
            "in-progress" => Self::InProgress,
            "success" => Self::Success,
            "failed" => Self::Failed,
            "skipped" => Self::Skipped,
            _ => Self::Unknown,
        }
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
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Failure {
    pub code: String,
    pub title: Option<String>,
    pub detail: Option<String>,
}

/// How the bank challenges the user during an `mfa-challenge` step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MfaRequest {
    pub method: MfaMethod,
    pub description: Option<String>,
    pub prompts: Vec<String>,
    pub expiry_ms: Option<u64>,
    pub response_url: Option<String>,
}

/// One step of a job, as last seen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub title: String,
    pub status: StepStatus,
    pub result_url: Option<String>,
    pub failure: Option<Failure>,
    pub mfa: Option<MfaRequest>,
}

/// A job's links: itself and, for connection jobs, the connection.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct JobLinks {
    pub self_url: Option<String>,
    pub source: Option<String>,
}

/// A job snapshot as the watch keeps it and its events carry it: one copy, shared.
pub type SharedJob = std::rc::Rc<Job>;

/// A snapshot of a Basiq job.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Job {
    pub id: String,
    pub job_type: Option<String>,
    pub created: Option<String>,
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

    /// True when every step succeeded or was skipped.
    pub fn is_success(&self) -> bool {
        !self.steps.is_empty()
            && self
                .steps
                .iter()
                .all(|s| matches!(s.status, StepStatus::Success | StepStatus::Skipped))
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

/// Parses a JSON text into a JSON value, telling HTML and empty bodies apart.
pub fn parse_json(text: &str) -> Result<Value<'_>, ParseError> {
    let trimmed = text.strip_prefix("\u{feff}").unwrap_or(text).trim_ascii();
    if trimmed.is_empty() {
        return Err(ParseError::Empty);
    }
    if trimmed.starts_with('<') {
        return Err(ParseError::Html);
    }
    json::parse(trimmed).ok_or(ParseError::NotJson)
}

/// Parses a job from its JSON text.
pub fn parse_job(text: &str) -> Result<Job, ParseError> {
    job_from_value(&parse_json(text)?)
}

/// Reads a job from a parsed JSON value.
///
/// Fields are checked as borrowed text and copied once all of their object has passed: a refusal
/// then frees little, where a `?` after each copy made every later field free the earlier ones.
pub fn job_from_value(value: &Value) -> Result<Job, ParseError> {
    let Value::Object(obj) = value else {
        return Err(ParseError::NotAJob);
    };
    if let Some(code) = api_error_code(obj) {
        return Err(ParseError::ApiError { code });
    }
    let id: &str = match obj.get("id") {
        Some(Value::String(s)) if !s.is_empty() => s,
        Some(Value::Number(n)) => n,
        None | Some(Value::Null) => return Err(ParseError::Missing("id".into())),
        Some(_) => return Err(wrong(None, "id", "a string")),
    };
    let steps = match obj.get("steps") {
        Some(Value::Array(a)) => {
            let mut steps = Vec::with_capacity(a.len());
            for (i, v) in a.iter().enumerate() {
                steps.push(parse_step(i, v)?);
            }
            steps
        }
        None | Some(Value::Null) => return Err(ParseError::Missing("steps".into())),
        Some(_) => return Err(wrong(None, "steps", "an array")),
    };
    let mut f = Strings {
        at: None,
        err: None,
    };
    let (self_url, source) = match obj.get("links") {
        Some(Value::Object(l)) => (
            f.get(l, "self", "links.self"),
            f.get(l, "source", "links.source"),
        ),
        None | Some(Value::Null) => (None, None),
        Some(_) => return Err(wrong(None, "links", "an object")),
    };
    let job_type = f.get(obj, "jobType", "jobType");
    let created = f.get(obj, "created", "created");
    let updated = f.get(obj, "updated", "updated");
    f.done(())?;
    Ok(Job {
        id: id.into(),
        job_type: owned(job_type),
        created: owned(created),
        updated: owned(updated),
        steps,
        links: JobLinks {
            self_url: owned(self_url),
            source: owned(source),
        },
    })
}

/// The code of a Basiq error document (`{"type":"list","data":[{"type":"error",…}]}`), if it is one.
pub fn api_error_code(obj: &Object) -> Option<String> {
    let is_error = |o: &Object| matches!(o.get("type"), Some(Value::String(t)) if t == "error");
    if is_error(obj) {
        return Some(str_of(obj, "code").unwrap_or("error").to_owned());
    }
    let Some(Value::Array(data)) = obj.get("data") else {
        return None;
    };
    data.iter().find_map(|v| match v {
        Value::Object(o) if is_error(o) => Some(str_of(o, "code").unwrap_or("error").to_owned()),
        _ => None,
    })
}

fn parse_step(i: usize, v: &Value) -> Result<Step, ParseError> {
    let at = Some(i);
    let Value::Object(obj) = v else {
        return Err(wrong(at, "", "an object"));
    };
    let title: &str = match obj.get("title") {
        Some(Value::String(s)) => s,
        None | Some(Value::Null) => return Err(ParseError::Missing(place(at, ".title"))),
        Some(_) => return Err(wrong(at, ".title", "a string")),
    };
    let status = match obj.get("status") {
        Some(Value::String(s)) => StepStatus::from_wire(s),
        None | Some(Value::Null) => StepStatus::Unknown,
        Some(_) => return Err(wrong(at, ".status", "a string")),
    };
    let mut f = Strings { at, err: None };
    let mut result_url = None;
    let mut failure = None;
    let mut mfa = None;
    match obj.get("result") {
        None | Some(Value::Null) => {}
        Some(Value::Object(r)) => match str_of(r, "type") {
            Some("link") => result_url = f.get(r, "url", ".result.url"),
            Some("mfa") => mfa = Some(read_mfa(r, &mut f)),
            // Published failures carry no `type`; the schema says `error`. Both mean a failure.
            Some("error") | None => {
                if let Some(code) = f.get(r, "code", ".result.code") {
                    let detail = match f.get(r, "detail", ".result.detail") {
                        Some(d) => Some(d),
                        None => f.get(r, "details", ".result.details"),
                    };
                    let title = f.get(r, "title", ".result.title");
                    failure = Some(Failure {
                        code: code.into(),
                        title: owned(title),
                        detail: owned(detail),
                    });
                } else {
                    result_url = f.get(r, "url", ".result.url");
                }
            }
            Some(_) => {}
        },
        Some(_) => return Err(wrong(at, ".result", "an object or null")),
    }
    f.done(Step {
        title: title.into(),
        status,
        result_url: owned(result_url),
        failure,
        mfa,
    })
}

fn read_mfa(r: &Object, f: &mut Strings) -> MfaRequest {
    let method = match str_of(r, "method") {
        Some("security-questions") => MfaMethod::SecurityQuestions,
        _ => MfaMethod::Token,
    };
    let expiry_ms = match r.get("expiryMs") {
        Some(Value::Number(n)) => whole_number(n),
        _ => None,
    };
    let response_url = match r.get("links") {
        Some(Value::Object(l)) => f.get(l, "response", ".result.links.response"),
        _ => None,
    };
    let description = f.get(r, "description", ".result.description");
    let prompts = match r.get("input") {
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|v| match v {
                Value::String(s) => Some(String::from(&**s)),
                _ => None,
            })
            .collect(),
        Some(Value::String(s)) => vec![String::from(&**s)],
        _ => Vec::new(),
    };
    MfaRequest {
        method,
        description: owned(description),
        prompts,
        expiry_ms,
        response_url: owned(response_url),
    }
}

/// Reads string fields, keeping the first refusal instead of returning at each field.
struct Strings {
    /// The step the fields are in, if any.
    at: Option<usize>,
    err: Option<ParseError>,
}

impl Strings {
    /// A string field; `null` and absence are both `None`. Any other type is refused, naming the
    /// field `path` (inside `steps[at]` for a step's fields).
    fn get<'v>(&mut self, obj: &'v Object, key: &str, path: &'static str) -> Option<&'v str> {
        match obj.get(key) {
            Some(Value::String(s)) => Some(s),
            None | Some(Value::Null) => None,
            Some(_) => {
                if self.err.is_none() {
                    self.err = Some(wrong(self.at, path, "a string"));
                }
                None
            }
        }
    }

    /// `value`, unless a field was refused.
    fn done<T>(self, value: T) -> Result<T, ParseError> {
        match self.err {
            None => Ok(value),
            Some(e) => Err(e),
        }
    }
}

/// A string field, if present and a string.
pub fn str_of<'a>(obj: &'a Object, key: &str) -> Option<&'a str> {
    match obj.get(key) {
        Some(Value::String(s)) => Some(s),
        _ => None,
    }
}

fn owned(s: Option<&str>) -> Option<String> {
    s.map(String::from)
}

/// A field's name for messages: `path`, inside `steps[step]` when `step` is given.
fn place(step: Option<usize>, path: &str) -> String {
    match step {
        Some(i) => format!("steps[{i}]{path}"),
        None => path.to_owned(),
    }
}

fn wrong(step: Option<usize>, path: &str, expected: &'static str) -> ParseError {
    ParseError::WrongType {
        field: place(step, path),
        expected,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
