//! Writing the few small JSON bodies this module sends, without a general serializer.

/// A JSON object under construction, written straight to text.
#[derive(Debug, Default)]
pub struct JsonObject(String);

impl JsonObject {
    /// An empty object.
    pub fn new() -> Self {
        // Room for a few members up front: growing from one byte reallocates at every doubling.
        let mut s = String::with_capacity(128);
        s.push('{');
        Self(s)
    }

    /// Adds `"key": "value"`.
    pub fn string(self, key: &str, value: &str) -> Self {
        let mut s = self.key(key);
        quote(&mut s.0, value);
        s
    }

    /// Adds `"key": "value"` when there is a value.
    pub fn opt_string(self, key: &str, value: Option<&str>) -> Self {
        match value {
            Some(v) => self.string(key, v),
            None => self,
        }
    }

    /// Adds `"key": ["a", "b"]`.
    pub fn strings(self, key: &str, values: &[String]) -> Self {
        let mut s = self.key(key);
        s.0.push('[');
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                s.0.push(',');
            }
            quote(&mut s.0, v);
        }
        s.0.push(']');
        s
    }

    /// Adds `"key": 123`.
    pub fn number(self, key: &str, value: u64) -> Self {
        let mut s = self.key(key);
        s.0.push_str(&value.to_string());
        s
    }

    /// Adds `"key": true` or `false`.
    pub fn bool(self, key: &str, value: bool) -> Self {
        let mut s = self.key(key);
        s.0.push_str(if value { "true" } else { "false" });
        s
    }

    /// Adds `"key": [{…}, {…}]`.
    pub fn objects(self, key: &str, values: impl IntoIterator<Item = JsonObject>) -> Self {
        let mut s = self.key(key);
        s.0.push('[');
        for (i, v) in values.into_iter().enumerate() {
            if i > 0 {
                s.0.push(',');
            }
            s.0.push_str(&v.finish());
        }
        s.0.push(']');
        s
    }

    /// Adds `"key": 123` when there is a number.
    pub fn opt_number(self, key: &str, value: Option<u64>) -> Self {
        match value {
            Some(v) => self.number(key, v),
            None => self,
        }
    }

    /// Adds `"key": "value"`, or `"key": null` when there is none.
    pub fn string_or_null(self, key: &str, value: Option<&str>) -> Self {
        match value {
            Some(v) => self.string(key, v),
            None => {
                let mut s = self.key(key);
                s.0.push_str("null");
                s
            }
        }
    }

    /// Adds `"key": {…}` when there is an object.
    pub fn opt_object(self, key: &str, value: Option<JsonObject>) -> Self {
        match value {
            Some(v) => self.object(key, v),
            None => self,
        }
    }

    /// Adds `"key": {…}`.
    pub fn object(self, key: &str, value: JsonObject) -> Self {
        let mut s = self.key(key);
        s.0.push_str(&value.finish());
        s
    }

    /// The finished text.
    pub fn finish(mut self) -> String {
        self.0.push('}');
        self.0
    }

    fn key(mut self, key: &str) -> Self {
        if self.0.len() > 1 {
            self.0.push(',');
        }
        quote(&mut self.0, key);
        self.0.push(':');
        self
    }
}

/// Appends `s` as a JSON string literal.
fn quote(out: &mut String, s: &str) {
    out.push('"');
    // Runs of plain text are copied whole; only the bytes JSON needs escaped are looked at.
    let mut rest = s;
    while let Some(i) = rest
        .bytes()
        .position(|b| b == b'"' || b == b'\\' || b < 0x20)
    {
        // Every escaped byte is ASCII, so `i` and `i + 1` are character boundaries.
        out.push_str(rest.get(..i).unwrap_or_default());
        let b = rest.as_bytes().get(i).copied().unwrap_or_default();
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            _ => {
                out.push_str("\\u00");
                out.push_str(&format!("{b:02X}"));
            }
        }
        rest = rest.get(i + 1..).unwrap_or_default();
    }
    out.push_str(rest);
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_valid_escaped_json() {
        let inner = JsonObject::new().string("id", "AU00000");
        let text = JsonObject::new()
            .string("a", "q\"b\\s\n\u{1}é")
            .opt_string("none", None)
            .strings("list", &["1".into(), "\"".into()])
            .object("o", inner)
            .finish();
        assert_eq!(
            text,
            r#"{"a":"q\"b\\s\n\u0001é","list":["1","\""],"o":{"id":"AU00000"}}"#
        );
        assert!(matches!(
            crate::core::json::parse(&text),
            Some(crate::core::json::Value::Object(_))
        ));
        assert_eq!(JsonObject::new().finish(), "{}");
    }

    #[test]
    fn writes_numbers_booleans_and_lists() {
        let text = JsonObject::new()
            .number("n", 42)
            .bool("t", true)
            .bool("f", false)
            .objects("l", [JsonObject::new().number("a", 1), JsonObject::new()])
            .finish();
        assert_eq!(text, r#"{"n":42,"t":true,"f":false,"l":[{"a":1},{}]}"#);
        let text = JsonObject::new()
            .opt_number("n", None)
            .opt_number("m", Some(1))
            .string_or_null("s", None)
            .string_or_null("t", Some("x"))
            .opt_object("o", None)
            .opt_object("p", Some(JsonObject::new()))
            .finish();
        assert_eq!(text, r#"{"m":1,"s":null,"t":"x","p":{}}"#);
    }
}
