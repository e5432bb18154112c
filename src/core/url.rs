//! URL origins: which URLs may be called, and with the token or not.

/// The scheme, host and port of a URL, normalised (lowercase, default port dropped).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin(String);

impl Origin {
    /// The origin as text, e.g. `https://au-api.basiq.io`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A server-supplied link (absolute, or a path) as an absolute URL, if it is on this origin.
    pub fn own(&self, link: &str) -> Option<String> {
        if link.starts_with('/') && !link.starts_with("//") {
            return (!has_bad_chars(link)).then(|| format!("{}{link}", self.0));
        }
        self.owns(link).then(|| link.to_owned())
    }

    /// True when `url` is absolute and on this origin.
    pub fn owns(&self, url: &str) -> bool {
        // The common case, checked without parsing: this origin's text, then the path. Our text
        // is normalised, so anything else (other case, explicit default port) goes the long way.
        if let Some(rest) = url.strip_prefix(self.0.as_str()) {
            if rest.is_empty() || rest.starts_with(['/', '?', '#']) {
                return !has_bad_chars(url);
            }
        }
        parse(url).is_ok_and(|u| u.origin == *self)
    }
}

/// Why a URL is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UrlError {
    /// Not an absolute `http(s)://host/…` URL.
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

struct Parsed {
    origin: Origin,
    loopback: bool,
    secure: bool,
}

/// Checks a URL that will carry the token: absolute, and `https:` or loopback `http:`.
pub fn check_secure(url: &str) -> Result<Origin, UrlError> {
    let p = parse(url)?;
    if p.secure || p.loopback {
        Ok(p.origin)
    } else {
        Err(UrlError::Insecure)
    }
}

/// The origin of an absolute URL.
pub fn origin_of(url: &str) -> Result<Origin, UrlError> {
    parse(url).map(|p| p.origin)
}

fn has_bad_chars(s: &str) -> bool {
    if s.is_ascii() {
        return s.bytes().any(|b| b <= b' ' || b == 0x7f || b == b'\\');
    }
    s.chars()
        .any(|c| c.is_whitespace() || c.is_control() || c == '\\')
}

fn parse(url: &str) -> Result<Parsed, UrlError> {
    if has_bad_chars(url) {
        return Err(UrlError::Malformed);
    }
    let (scheme, rest) = url.split_once("://").ok_or(UrlError::Malformed)?;
    let scheme = scheme.to_ascii_lowercase();
    let (secure, default_port) = match scheme.as_str() {
        "https" => (true, "443"),
        "http" => (false, "80"),
        _ => return Err(UrlError::Malformed),
    };
    let end = rest.split(['/', '?', '#']).next().unwrap_or_default().len();
    let authority = rest.get(..end).ok_or(UrlError::Malformed)?;
    // Userinfo in a URL is a classic origin-confusion trick; there is no use for it here.
    if authority.is_empty() || authority.bytes().any(|b| b == b'@') {
        return Err(UrlError::Malformed);
    }
    let (host, port) = split_host_port(authority)?;
    let host = host.to_ascii_lowercase();
    if host.is_empty() {
        return Err(UrlError::Malformed);
    }
    let origin = match port {
        Some(p) if p != default_port => format!("{scheme}://{host}:{p}"),
        _ => format!("{scheme}://{host}"),
    };
    Ok(Parsed {
        loopback: is_loopback(&host),
        origin: Origin(origin),
        secure,
    })
}

fn split_host_port(authority: &str) -> Result<(&str, Option<&str>), UrlError> {
    let (host, port) = if authority.starts_with('[') {
        let close = authority.find(']').ok_or(UrlError::Malformed)?;
        let host = authority.get(..=close).ok_or(UrlError::Malformed)?;
        match authority.get(close + 1..) {
            Some("") | None => (host, None),
            Some(rest) => (
                host,
                Some(rest.strip_prefix(":").ok_or(UrlError::Malformed)?),
            ),
        }
    } else {
        match authority.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    if let Some(p) = port {
        if p.len() > 5 || digits(p).is_none_or(|n| n > 65535) {
            return Err(UrlError::Malformed);
        }
    }
    let host_ok = host
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'[' | b']' | b':'));
    if !host_ok {
        return Err(UrlError::Malformed);
    }
    Ok((host, port))
}

fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host.ends_with(".localhost")
        || host == "[::1]"
        || (host.starts_with("127.")
            && host.split('.').count() == 4
            && host.split('.').all(|o| digits(o).is_some_and(|n| n <= 255)))
}

/// A plain run of ASCII digits as a number.
fn digits(s: &str) -> Option<u64> {
    (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_normalised() {
        let o = origin_of("HTTPS://AU-API.Basiq.io:443/jobs/1?x=1").unwrap();
        assert_eq!(o.as_str(), "https://au-api.basiq.io");
        let o = origin_of("http://127.0.0.1:8080/jobs/1").unwrap();
        assert_eq!(o.as_str(), "http://127.0.0.1:8080");
        assert_eq!(
            origin_of("http://[::1]:9/x").unwrap().as_str(),
            "http://[::1]:9"
        );
    }

    #[test]
    fn only_https_or_loopback_http() {
        assert!(check_secure("https://au-api.basiq.io/jobs/1").is_ok());
        assert!(check_secure("http://127.0.0.1:8080/jobs/1").is_ok());
        assert!(check_secure("http://localhost/jobs/1").is_ok());
        assert!(check_secure("http://[::1]/jobs/1").is_ok());
        assert_eq!(
            check_secure("http://au-api.basiq.io/jobs/1"),
            Err(UrlError::Insecure)
        );
        assert_eq!(
            check_secure("http://127.0.0.1.evil.com/"),
            Err(UrlError::Insecure)
        );
        for bad in [
            "/jobs/1",
            "ftp://x/y",
            "javascript:alert(1)",
            "https://",
            "https://user@evil.com/",
            "https://a b/",
            "https://x:99999/",
            "https://x:/",
            "https://ex\\ample.com/",
        ] {
            assert_eq!(check_secure(bad), Err(UrlError::Malformed), "{bad}");
        }
    }

    #[test]
    fn owns_paths_and_links_on_its_origin_only() {
        let o = origin_of("https://au-api.basiq.io/jobs/1").unwrap();
        assert_eq!(
            o.own("/users/u/connections/c").as_deref(),
            Some("https://au-api.basiq.io/users/u/connections/c")
        );
        assert_eq!(
            o.own("https://AU-API.basiq.io:443/x").as_deref(),
            Some("https://AU-API.basiq.io:443/x")
        );
        assert_eq!(
            o.own("https://au-api.basiq.io/x?y").as_deref(),
            Some("https://au-api.basiq.io/x?y")
        );
        assert_eq!(o.own("https://other.example/x"), None);
        assert_eq!(o.own("https://au-api.basiq.io.evil.com/x"), None);
        assert_eq!(o.own("/jobs/a b"), None);
        assert_eq!(o.own("//evil.com/x"), None);
        assert_eq!(o.own("relative/x"), None);
        assert!(o.owns("https://au-api.basiq.io/jobs/2"));
        assert!(o.owns("https://AU-API.basiq.io:443/jobs/2"));
        assert!(!o.owns("https://au-api.basiq.io.evil.com/jobs/2"));
        assert!(!o.owns("http://au-api.basiq.io/jobs/2"));
        // The quick prefix check must not let these through.
        assert!(o.owns("https://au-api.basiq.io"));
        assert!(o.owns("https://au-api.basiq.io?x#y"));
        assert!(!o.owns("https://au-api.basiq.io@evil.com/jobs/2"));
        assert!(!o.owns("https://au-api.basiq.io:8443/jobs/2"));
        assert!(!o.owns("https://au-api.basiq.io/jobs/2 x"));
        assert!(!o.owns("https://au-api.basiq.io/jobs\\2"));
        assert!(!o.owns("https://au-api.basiq.io/jobs/\u{2028}"));
    }
}
