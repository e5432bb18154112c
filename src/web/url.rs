//! The browser's own URL parser (the one `fetch` uses), for the core's URL checks.

use std::rc::Rc;

use crate::core::url::{ParsedUrl, UrlParser, Urls};

/// `new URL(input, base)`.
struct Browser;

impl UrlParser for Browser {
    fn parse(&self, input: &str, base: Option<&str>) -> Option<ParsedUrl> {
        let u = match base {
            Some(b) => web_sys::Url::new_with_base(input, b),
            None => web_sys::Url::new(input),
        }
        .ok()?;
        Some(ParsedUrl {
            href: u.href(),
            origin: u.origin(),
            protocol: u.protocol(),
            hostname: u.hostname(),
            pathname: u.pathname(),
            has_credentials: !u.username().is_empty() || !u.password().is_empty(),
        })
    }
}

/// The browser's parser, as a watch takes it.
pub(crate) fn browser() -> Urls {
    Urls::new(Rc::new(Browser))
}
