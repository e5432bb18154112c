//! Which URLs may be called, and with the token or not, decided on URLs the platform parsed.
//!
//! The core never parses a URL: the browser's parser (the one `fetch` uses) does, through
//! [`UrlParser`], so a check here can never disagree with where a request really goes.

use std::fmt;
use std::rc::Rc;

/// A URL as the platform's parser read it (the fields of a WHATWG `URL`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedUrl {
    /// The whole URL, serialised.
    pub href: String,
    /// `scheme://host[:port]`, or `"null"` for schemes without one.
    pub origin: String,
    /// The scheme with its colon, e.g. `https:`.
    pub protocol: String,
    /// The host without port; IPv6 in brackets.
    pub hostname: String,
    /// The path, e.g. `/jobs/j1`.
    pub pathname: String,
    /// True when the URL carries a username or password.
    pub has_credentials: bool,
}

/// The platform's URL parser: `new URL(input, base)`.
pub trait UrlParser {
    /// `input` parsed, relative to `base` when given; `None` when it is not a URL.
    fn parse(&self, input: &str, base: Option<&str>) -> Option<ParsedUrl>;
}

/// The URL parser a watch uses; without one, no URL is accepted.
#[derive(Clone, Default)]
pub struct Urls(Option<Rc<dyn UrlParser>>);

impl Urls {
    /// Uses `parser` for every URL.
    pub fn new(parser: Rc<dyn UrlParser>) -> Self {
        Self(Some(parser))
    }

    /// `input` parsed, relative to `base` when given.
    pub fn parse(&self, input: &str, base: Option<&str>) -> Option<ParsedUrl> {
        self.0.as_ref()?.parse(input, base)
    }
}

impl fmt::Debug for Urls {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_some() {
            "Urls"
        } else {
            "Urls(none)"
        })
    }
}

/// The scheme, host and port of a URL, as the parser serialises them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin(String);

impl Origin {
    /// An origin the parser has already serialised (for unit tests of code that takes one).
    #[cfg(all(test, not(target_arch = "wasm32")))]
    pub(crate) fn serialized(origin: &str) -> Self {
        Self(origin.to_owned())
    }

    /// The origin as text, e.g. `https://au-api.basiq.io`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A server-supplied link (absolute, or relative to this origin) as an absolute URL, if it
    /// is on this origin and carries no credentials.
    pub fn own(&self, link: &str, urls: &Urls) -> Option<String> {
        let u = urls.parse(link, Some(&self.0))?;
        (u.origin == self.0 && !u.has_credentials).then_some(u.href)
    }

    /// True when `url` is absolute, on this origin, and carries no credentials.
    pub fn owns(&self, url: &str, urls: &Urls) -> bool {
        urls.parse(url, None)
            .is_some_and(|u| u.origin == self.0 && !u.has_credentials)
    }
}

/// Why a URL is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UrlError {
    /// Not an absolute `http(s)://host/…` URL (or one with a username or password).
    Malformed,
    /// Plain `http:` to a host that is not loopback.
    Insecure,
}

impl UrlError {
    /// A one-line developer-facing reason.
    pub fn reason(self) -> &'static str {
        match self {
            Self::Malformed => "is not an absolute http(s) URL",
            Self::Insecure => "must use https: (http: is allowed only on loopback)",
        }
    }
}

/// Checks a URL that will carry the token: absolute, and `https:` or loopback `http:`.
pub fn check_secure(url: &str, urls: &Urls) -> Result<Origin, UrlError> {
    let u = urls.parse(url, None).ok_or(UrlError::Malformed)?;
    if u.has_credentials || u.hostname.is_empty() {
        return Err(UrlError::Malformed);
    }
    match u.protocol.as_str() {
        "https:" => Ok(Origin(u.origin)),
        "http:" if is_loopback(&u.hostname) => Ok(Origin(u.origin)),
        "http:" => Err(UrlError::Insecure),
        _ => Err(UrlError::Malformed),
    }
}

/// The path segment after `/connections/` in `url`'s path, if there is one.
pub fn connection_id(url: &str, urls: &Urls) -> Option<String> {
    let path = urls.parse(url, None)?.pathname;
    let (_, rest) = path.split_once("/connections/")?;
    let id = rest.split('/').next().unwrap_or_default();
    (!id.is_empty()).then(|| id.to_owned())
}

/// True for an id that can only ever be one path segment: letters, digits, `-` and `_`.
pub fn is_job_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// `{apiBase}/jobs/{id}`, for an id [`is_job_id`] accepts.
pub fn job_url(api_base: &str, id: &str) -> Result<String, String> {
    if !is_job_id(id) {
        return Err(format!(
            "job ids are letters, digits, - and _ only, not \"{id}\""
        ));
    }
    Ok(format!("{}/jobs/{id}", api_base.trim_end_matches('/')))
}

/// True for a host name the parser gave that always means this machine.
fn is_loopback(hostname: &str) -> bool {
    // The parser has already normalised IPv4 (`0x7f.1` is `127.0.0.1`) and lowercased names.
    hostname == "localhost"
        || hostname.ends_with(".localhost")
        || hostname == "[::1]"
        || hostname.strip_prefix("127.").is_some_and(|rest| {
            rest.split('.').count() == 3 && rest.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        })
}
