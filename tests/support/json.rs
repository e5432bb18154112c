//! The browser's JSON, for the native suites: serde_json reads a body's text into a value and
//! the core's types are read from that value through serde_path_to_error, as the shell reads
//! them from what `JSON.parse` gives; outgoing shapes are written back as JSON text.
#![allow(dead_code)]

use basiq_jobs::core::body::{Body, DecodeError};
use basiq_jobs::core::job::{decode_job, Job, ParseError};
use basiq_jobs::core::watcher::Response;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// A body's text, read with serde_json.
#[derive(Clone, Copy, Debug)]
pub struct Text<'a>(pub &'a str);

impl Body for Text<'_> {
    fn text(&self) -> &str {
        self.0
    }

    fn read<T: DeserializeOwned>(&self, json: &str) -> Result<T, DecodeError> {
        let value: serde_json::Value =
            serde_json::from_str(json).map_err(|_| DecodeError::Syntax)?;
        serde_path_to_error::deserialize(value).map_err(|e| DecodeError::Shape {
            path: e.path().to_string(),
            message: e.inner().to_string(),
        })
    }
}

/// Reads a job from its JSON text.
pub fn parse_job(text: &str) -> Result<Job, ParseError> {
    decode_job(&Text(text))
}

/// An HTTP answer with this status and body, and no Retry-After.
pub fn response(status: u16, body: &str) -> Response<'_, Text<'_>> {
    Response {
        status,
        retry_after: None,
        body: Text(body),
    }
}

/// An outgoing shape as JSON text, as `JSON.stringify` would write it.
pub fn to_json<T: Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// An outgoing shape as a JSON value, to look into.
pub fn to_value<T: Serialize + ?Sized>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or_default()
}
