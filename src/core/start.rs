//! Starting jobs: the create, update and refresh requests, and reading what they answer.

use serde::{Deserialize, Serialize, Serializer};

use super::body::{decode, Body};
use super::job::{Job, WireJob};
use super::tolerant::{Items, Maybe, Object, Present, Text};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use super::url::{job_url, Origin};
use super::watcher::RequestBody;

/// Basiq's production API.
pub const DEFAULT_API_BASE: &str = "https://au-api.basiq.io";

/// The POST that starts a job.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StartJob {
    pub url: String,
    /// A JSON body, or none (refresh).
    pub body: Option<RequestBody>,
    /// The connection the job is for, when the request names it.
    pub connection_id: Option<String>,
}

/// What the user typed into the bank's sign-in form; written as the create and update bodies,
/// `{loginId, password, securityCode?, secondaryLoginId?, institution?: {id}}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Credentials {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub login_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub security_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secondary_login_id: Option<String>,
    #[serde(
        rename = "institution",
        skip_serializing_if = "Option::is_none",
        serialize_with = "institution"
    )]
    pub institution_id: Option<String>,
}

/// `institution: {id}`.
fn institution<S: Serializer>(id: &Option<String>, s: S) -> Result<S::Ok, S::Error> {
    #[derive(Serialize)]
    struct Institution<'a> {
        id: &'a str,
    }
    match id {
        Some(id) => Institution { id }.serialize(s),
        None => s.serialize_none(),
    }
}

/// Why a start request cannot be built.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StartError(pub String);

/// `POST {base}/users/{user}/connections`: a new connection.
pub fn create_connection(
    base: &str,
    user_id: &str,
    c: &Credentials,
) -> Result<StartJob, StartError> {
    for (field, value) in [
        ("loginId", &c.login_id),
        ("password", &c.password),
        ("institution.id", &c.institution_id),
    ] {
        if value.as_deref().is_none_or(str::is_empty) {
            return Err(StartError(format!("credentials.{field} is required")));
        }
    }
    Ok(StartJob {
        url: connections_url(base, user_id, None, "")?,
        body: Some(RequestBody::Credentials(c.clone())),
        connection_id: None,
    })
}

/// `POST {base}/users/{user}/connections/{connection}`: new credentials for a connection.
pub fn update_connection(
    base: &str,
    user_id: &str,
    connection_id: &str,
    c: &Credentials,
) -> Result<StartJob, StartError> {
    if c.password.as_deref().is_none_or(str::is_empty) {
        return Err(StartError("credentials.password is required".into()));
    }
    let creds = Credentials {
        institution_id: None,
        ..c.clone()
    };
    Ok(StartJob {
        url: connections_url(base, user_id, Some(connection_id), "")?,
        body: Some(RequestBody::Credentials(creds)),
        connection_id: Some(connection_id.to_owned()),
    })
}

/// `POST {base}/users/{user}/connections/{connection}/refresh`: fetch fresh data.
pub fn refresh_connection(
    base: &str,
    user_id: &str,
    connection_id: &str,
) -> Result<StartJob, StartError> {
    Ok(StartJob {
        url: connections_url(base, user_id, Some(connection_id), "/refresh")?,
        body: None,
        connection_id: Some(connection_id.to_owned()),
    })
}

/// What a start request answered (202 new job, or 200 "already running, here it is").
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Started {
    /// Just a reference: poll this URL.
    Reference { url: String },
    /// The whole job.
    Job(Job),
}

/// Reads the answer to a start request; `None` when it names no job.
pub fn read_started(body: &impl Body, origin: &Origin) -> Option<Started> {
    let Object(answer) = decode::<Object<StartAnswer>>(body).ok()?;
    // "Refresh all" answers a list; this module starts one job at a time, so take the first.
    let (entry, listed) = match answer.data.0 {
        Some(list) => (list.into_iter().next()??, true),
        None => (answer.entry(), false),
    };
    if entry.steps.0 {
        let job = if listed {
            let Object(list) = decode::<Object<JobList>>(body).ok()?;
            list.data.0?.into_iter().next()??
        } else {
            decode::<Object<WireJob>>(body).ok()?.0
        };
        return job.into_job().ok().map(Started::Job);
    }
    let self_link = entry.links.0.and_then(|l| l.self_url.0);
    let url = self_link.or_else(|| entry.id.0.and_then(|id| job_url(origin.as_str(), &id).ok()))?;
    Some(Started::Reference { url })
}

/// The answer to a start request: a job, a reference to one, or a list of them.
#[derive(Deserialize)]
struct StartAnswer {
    #[serde(default)]
    data: Items<StartEntry>,
    #[serde(default)]
    steps: Present,
    #[serde(default)]
    links: Maybe<SelfLink>,
    #[serde(default)]
    id: Text,
}

impl StartAnswer {
    /// The answer read as one job or reference.
    fn entry(self) -> StartEntry {
        StartEntry {
            steps: self.steps,
            links: self.links,
            id: self.id,
        }
    }
}

/// One job or reference: whether it is the whole job, and where it is.
#[derive(Deserialize)]
struct StartEntry {
    #[serde(default)]
    steps: Present,
    #[serde(default)]
    links: Maybe<SelfLink>,
    #[serde(default)]
    id: Text,
}

#[derive(Deserialize)]
struct SelfLink {
    #[serde(default, rename = "self")]
    self_url: Text,
}

/// A list of whole jobs.
#[derive(Deserialize)]
struct JobList {
    #[serde(default)]
    data: Items<WireJob>,
}

/// `{base}/users/{user}/connections[/{connection}]{tail}`, the ids percent-encoded: one builder
/// for the three requests rather than a string join apiece.
fn connections_url(
    base: &str,
    user_id: &str,
    connection_id: Option<&str>,
    tail: &str,
) -> Result<String, StartError> {
    let mut url = String::from(base.trim_end_matches('/'));
    url.push_str("/users/");
    push_segment(&mut url, user_id)?;
    url.push_str("/connections");
    if let Some(c) = connection_id {
        url.push('/');
        push_segment(&mut url, c)?;
    }
    url.push_str(tail);
    Ok(url)
}

/// What a path segment keeps as it is: RFC 3986's unreserved characters; all else is encoded.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Appends `s` as one path segment, percent-encoded so an id can never change the path.
fn push_segment(out: &mut String, s: &str) -> Result<(), StartError> {
    // `.` is left as it is by the encoding, so these are the ids that would encode to them.
    let why = match s {
        "" => "ids must not be empty",
        "." | ".." => "ids must not be . or ..",
        _ => "",
    };
    if !why.is_empty() {
        return Err(StartError(why.into()));
    }
    out.extend(utf8_percent_encode(s, SEGMENT));
    Ok(())
}

// serde_json reads the bodies: native only.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn origin_of(origin: &str) -> Result<Origin, ()> {
        Ok(Origin::serialized(origin))
    }

    use crate::core::test_json as json;

    fn read_started(body: &str, origin: &Origin) -> Option<Started> {
        super::read_started(&json::Text(body), origin)
    }

    fn body(job: &StartJob) -> Option<String> {
        job.body.as_ref().map(json::to_json)
    }

    fn creds() -> Credentials {
        Credentials {
            login_id: Some("bighead".into()),
            password: Some("pa\"ss".into()),
            institution_id: Some("AU00000".into()),
            ..Default::default()
        }
    }

    #[test]
    fn builds_the_three_requests() {
        let c = create_connection("http://127.0.0.1:8080/", "u1", &creds()).unwrap();
        assert_eq!(c.url, "http://127.0.0.1:8080/users/u1/connections");
        assert_eq!(
            body(&c).as_deref(),
            Some(r#"{"loginId":"bighead","password":"pa\"ss","institution":{"id":"AU00000"}}"#)
        );
        let u = update_connection(DEFAULT_API_BASE, "u1", "c 1/..", &creds()).unwrap();
        assert_eq!(
            u.url,
            "https://au-api.basiq.io/users/u1/connections/c%201%2F.."
        );
        assert_eq!(
            body(&u).as_deref(),
            Some(r#"{"loginId":"bighead","password":"pa\"ss"}"#)
        );
        let r = refresh_connection(DEFAULT_API_BASE, "u1", "c1").unwrap();
        assert_eq!(
            r.url,
            "https://au-api.basiq.io/users/u1/connections/c1/refresh"
        );
        assert_eq!((r.body, r.connection_id.as_deref()), (None, Some("c1")));
    }

    #[test]
    fn refuses_missing_fields_and_bad_ids() {
        let no_pw = Credentials {
            password: None,
            ..creds()
        };
        assert!(create_connection(DEFAULT_API_BASE, "u1", &no_pw).is_err());
        assert!(update_connection(DEFAULT_API_BASE, "u1", "c1", &no_pw).is_err());
        assert!(refresh_connection(DEFAULT_API_BASE, "", "c1").is_err());
        assert!(refresh_connection(DEFAULT_API_BASE, "u1", "..").is_err());
    }

    #[test]
    fn reads_references_jobs_and_lists() {
        let o = origin_of("https://au-api.basiq.io").unwrap();
        assert_eq!(
            read_started(
                r#"{"type":"job","id":"j1","links":{"self":"https://au-api.basiq.io/jobs/j1"}}"#,
                &o
            ),
            Some(Started::Reference {
                url: "https://au-api.basiq.io/jobs/j1".into()
            })
        );
        assert_eq!(
            read_started(r#"{"type":"job","id":"j2"}"#, &o),
            Some(Started::Reference {
                url: "https://au-api.basiq.io/jobs/j2".into()
            })
        );
        let full = r#"{"type":"job","id":"j3","steps":[],"links":{"self":"https://au-api.basiq.io/jobs/j3"}}"#;
        assert!(matches!(read_started(full, &o), Some(Started::Job(j)) if j.id == "j3"));
        let list = r#"{"type":"list","data":[{"type":"job","id":"j4"}]}"#;
        assert_eq!(
            read_started(list, &o),
            Some(Started::Reference {
                url: "https://au-api.basiq.io/jobs/j4".into()
            })
        );
        let listed_job = r#"{"type":"list","data":[{"type":"job","id":"j5","steps":[]}]}"#;
        assert!(matches!(read_started(listed_job, &o), Some(Started::Job(j)) if j.id == "j5"));
        let broken_job = r#"{"type":"job","id":"j6","steps":7}"#;
        assert_eq!(read_started(broken_job, &o), None);
        assert_eq!(read_started(r#"{"data":[7]}"#, &o), None);
        assert_eq!(read_started(r#"{"id":7,"links":{"self":7}}"#, &o), None);
        assert_eq!(read_started("{}", &o), None);
        assert_eq!(read_started("<html>", &o), None);
    }
}
