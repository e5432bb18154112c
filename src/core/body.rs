//! Response bodies as the platform received them: the core classifies the text, the platform's
//! JSON reader decodes it into core types on demand.

use serde::de::DeserializeOwned;

use super::job::ParseError;

/// A response body the platform holds: its text, and its JSON reader for it.
pub trait Body {
    /// The body as received.
    fn text(&self) -> &str;

    /// Reads `json` (this body's text as [`json_text`] leaves it) into `T`.
    fn read<T: DeserializeOwned>(&self, json: &str) -> Result<T, DecodeError>;
}

/// Why the platform's JSON reader refused a text or a value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// The text is not JSON.
    Syntax,
    /// The JSON does not fit the type: where (`steps[0].status`; `.` for the whole value) and
    /// serde's message.
    Shape { path: String, message: String },
}

/// The JSON in a body's text (without a byte-order mark or surrounding whitespace), or why the
/// text cannot be JSON at all.
pub fn json_text(text: &str) -> Result<&str, ParseError> {
    let trimmed = text.strip_prefix('\u{feff}').unwrap_or(text).trim_ascii();
    if trimmed.is_empty() {
        Err(ParseError::Empty)
    } else if trimmed.starts_with('<') {
        Err(ParseError::Html)
    } else {
        Ok(trimmed)
    }
}

/// Decodes a body into `T`: empty and HTML bodies are told apart here, the rest is the
/// platform's reader's.
pub fn decode<T: DeserializeOwned>(body: &impl Body) -> Result<T, ParseError> {
    let json = json_text(body.text())?;
    body.read(json).map_err(ParseError::from)
}

/// What a type error's message says the value should have been, among the ones this crate's
/// readers expect.
const EXPECTED: [&str; 4] = ["an object or null", "an object", "an array", "a string"];

impl From<DecodeError> for ParseError {
    fn from(e: DecodeError) -> Self {
        let (path, message) = match e {
            DecodeError::Syntax => return Self::NotJson,
            DecodeError::Shape { path, message } => (path, message),
        };
        let root = path.is_empty() || path == ".";
        if let Some(field) = message
            .strip_prefix("missing field `")
            .and_then(|rest| rest.split('`').next())
        {
            return Self::Missing(if root {
                field.to_owned()
            } else {
                format!("{path}.{field}")
            });
        }
        if root {
            return Self::NotAJob;
        }
        let expected = EXPECTED
            .into_iter()
            .find(|e| message.ends_with(&format!("expected {e}")))
            .unwrap_or("valid");
        Self::WrongType {
            field: path,
            expected,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(path: &str, message: &str) -> ParseError {
        DecodeError::Shape {
            path: path.into(),
            message: message.into(),
        }
        .into()
    }

    #[test]
    fn empty_and_html_bodies_are_told_apart_before_any_json() {
        assert_eq!(json_text(" \r\n"), Err(ParseError::Empty));
        assert_eq!(json_text("\u{feff}"), Err(ParseError::Empty));
        assert_eq!(json_text("\n<!doctype html>"), Err(ParseError::Html));
        assert_eq!(json_text("\u{feff} {\"a\":1} \n"), Ok("{\"a\":1}"));
    }

    #[test]
    fn reader_errors_become_reasons_with_the_field_path() {
        assert_eq!(ParseError::from(DecodeError::Syntax), ParseError::NotJson);
        assert_eq!(
            shape(
                "steps[0].status",
                "invalid type: integer `5`, expected a string"
            ),
            ParseError::WrongType {
                field: "steps[0].status".into(),
                expected: "a string"
            }
        );
        assert_eq!(
            shape(
                "steps[1].result",
                "invalid type: string \"x\", expected an object or null"
            ),
            ParseError::WrongType {
                field: "steps[1].result".into(),
                expected: "an object or null"
            }
        );
        assert_eq!(
            shape(".", "invalid type: sequence, expected an object"),
            ParseError::NotAJob
        );
        assert_eq!(
            shape(".", "missing field `v`"),
            ParseError::Missing("v".into())
        );
        assert_eq!(
            shape("steps[2]", "missing field `title`"),
            ParseError::Missing("steps[2].title".into())
        );
        assert_eq!(
            shape("x", "something else"),
            ParseError::WrongType {
                field: "x".into(),
                expected: "valid"
            }
        );
    }
}
