//! JSON between the browser and the core: bodies parsed by `JSON.parse` and read into core types
//! with serde-wasm-bindgen (serde_path_to_error keeps the field path), and outgoing shapes made
//! into plain JS values the same way.

use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::JsValue;

use crate::core::body::{Body, DecodeError};

/// A response body's text, read with the browser's `JSON.parse`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct JsonText<'a>(pub &'a str);

impl Body for JsonText<'_> {
    fn text(&self) -> &str {
        self.0
    }

    fn read<T: DeserializeOwned>(&self, json: &str) -> Result<T, DecodeError> {
        let value = js_sys::JSON::parse(json).map_err(|_| DecodeError::Syntax)?;
        from_js(value)
    }
}

/// Reads a parsed JS value into `T`, naming where it did not fit.
pub(crate) fn from_js<T: DeserializeOwned>(value: JsValue) -> Result<T, DecodeError> {
    let de = serde_wasm_bindgen::Deserializer::from(value);
    serde_path_to_error::deserialize(de).map_err(|e| DecodeError::Shape {
        path: e.path().to_string(),
        message: e.inner().to_string(),
    })
}

/// An outgoing shape as a plain JS value: objects, arrays and numbers, absent fields left out.
pub(crate) fn to_js<T: Serialize + ?Sized>(value: &T) -> JsValue {
    // The core's shapes are strings, numbers, booleans, lists and structs: every one converts.
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap_or(JsValue::UNDEFINED)
}

/// An outgoing shape as JSON text (a request body, a saved watch).
pub(crate) fn to_json_text<T: Serialize + ?Sized>(value: &T) -> Option<String> {
    js_sys::JSON::stringify(&to_js(value))
        .ok()
        .and_then(|s| s.as_string())
}
