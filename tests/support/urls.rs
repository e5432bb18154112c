//! The `url` crate (WHATWG parsing) standing in for the browser's URL parser in native tests.
#![allow(dead_code)]

use std::rc::Rc;

use basiq_jobs::core::url::{ParsedUrl, UrlParser, Urls};

/// Parses as the browser's `new URL(input, base)` does.
#[derive(Debug)]
pub struct Whatwg;

impl UrlParser for Whatwg {
    fn parse(&self, input: &str, base: Option<&str>) -> Option<ParsedUrl> {
        let base = match base {
            Some(b) => Some(url::Url::parse(b).ok()?),
            None => None,
        };
        let u = url::Url::options()
            .base_url(base.as_ref())
            .parse(input)
            .ok()?;
        Some(ParsedUrl {
            href: u.as_str().to_owned(),
            origin: u.origin().ascii_serialization(),
            protocol: format!("{}:", u.scheme()),
            hostname: u.host_str().unwrap_or_default().to_owned(),
            pathname: u.path().to_owned(),
            has_credentials: !u.username().is_empty() || u.password().is_some(),
        })
    }
}

/// The WHATWG parser, as a watch takes it.
pub fn whatwg() -> Urls {
    Urls::new(Rc::new(Whatwg))
}
