//! A small JSON reader for Basiq's bodies: strict syntax, borrowed strings, and numbers kept as
//! text, because this module only ever needs whole numbers and float parsing costs kilobytes.

use std::borrow::Cow;

/// How deep arrays and objects may nest before a body is refused (Basiq's go four deep).
const MAX_DEPTH: u32 = 64;

/// A parsed JSON value, borrowing from the text where it can.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value<'a> {
    Null,
    Bool(bool),
    /// A number, as written.
    Number(&'a str),
    String(Cow<'a, str>),
    Array(Vec<Value<'a>>),
    Object(Object<'a>),
}

/// A JSON object's members, in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Object<'a>(Vec<(Cow<'a, str>, Value<'a>)>);

impl<'a> Object<'a> {
    /// The value of `key`; with duplicate keys the last wins, as in `JSON.parse`.
    pub fn get(&self, key: &str) -> Option<&Value<'a>> {
        self.0.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// Whether `key` is present.
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }
}

/// Parses a whole JSON text; `None` when it is not exactly one valid JSON value.
pub fn parse(text: &str) -> Option<Value<'_>> {
    let mut p = Parser { text, pos: 0 };
    let v = p.value(0)?;
    p.skip_ws();
    (p.pos == text.len()).then_some(v)
}

/// A non-negative whole number, if the JSON number is one (fractions truncate).
pub fn whole_number(text: &str) -> Option<u64> {
    let mut n = 0u64;
    for b in text.bytes() {
        match b {
            b'0'..=b'9' => n = n.checked_mul(10)?.checked_add(u64::from(b - b'0'))?,
            // Digits after the point are dropped, but an exponent or a sign is refused.
            b'.' => return text.bytes().all(|c| c != b'e' && c != b'E').then_some(n),
            _ => return None,
        }
    }
    Some(n)
}

struct Parser<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.pos += 1;
        Some(b)
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, b: u8) -> bool {
        self.skip_ws();
        let hit = self.peek() == Some(b);
        if hit {
            self.pos += 1;
        }
        hit
    }

    fn word(&mut self, w: &str, v: Value<'a>) -> Option<Value<'a>> {
        let rest = self.text.get(self.pos..)?;
        rest.starts_with(w).then(|| {
            self.pos += w.len();
            v
        })
    }

    fn value(&mut self, depth: u32) -> Option<Value<'a>> {
        self.skip_ws();
        match self.peek()? {
            b'{' if depth < MAX_DEPTH => self.object(depth + 1).map(Value::Object),
            b'[' if depth < MAX_DEPTH => self.array(depth + 1).map(Value::Array),
            b'"' => self.string().map(Value::String),
            b'n' => self.word("null", Value::Null),
            b't' => self.word("true", Value::Bool(true)),
            b'f' => self.word("false", Value::Bool(false)),
            b'-' | b'0'..=b'9' => self.number().map(Value::Number),
            _ => None,
        }
    }

    fn array(&mut self, depth: u32) -> Option<Vec<Value<'a>>> {
        self.pos += 1;
        let mut items = Vec::new();
        if self.eat(b']') {
            return Some(items);
        }
        loop {
            items.push(self.value(depth)?);
            if self.eat(b']') {
                return Some(items);
            }
            if !self.eat(b',') {
                return None;
            }
        }
    }

    fn object(&mut self, depth: u32) -> Option<Object<'a>> {
        self.pos += 1;
        let mut members = Vec::with_capacity(8);
        if self.eat(b'}') {
            return Some(Object(members));
        }
        loop {
            self.skip_ws();
            if self.peek() != Some(b'"') {
                return None;
            }
            let key = self.string()?;
            if !self.eat(b':') {
                return None;
            }
            members.push((key, self.value(depth)?));
            if self.eat(b'}') {
                return Some(Object(members));
            }
            if !self.eat(b',') {
                return None;
            }
        }
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, returned as written.
    fn number(&mut self) -> Option<&'a str> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.next()? {
            b'0' => {}
            b'1'..=b'9' => self.digits(),
            _ => return None,
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            self.digit()?;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            self.digit()?;
        }
        self.text.get(start..self.pos)
    }

    fn digit(&mut self) -> Option<()> {
        self.next().filter(u8::is_ascii_digit)?;
        self.digits();
        Some(())
    }

    fn digits(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
        }
    }

    fn string(&mut self) -> Option<Cow<'a, str>> {
        self.pos += 1;
        let start = self.pos;
        // The common case, no escapes: borrow the text as it is.
        let rest = self.text.as_bytes().get(start..)?;
        let len = rest
            .iter()
            .position(|&b| b == b'"' || b == b'\\' || b < 0x20)?;
        self.pos += len;
        match self.next()? {
            b'"' => return self.text.get(start..self.pos - 1).map(Cow::Borrowed),
            b'\\' => {}
            _ => return None,
        }
        let mut out = String::from(self.text.get(start..self.pos - 1)?);
        self.pos -= 1;
        loop {
            let run = self.pos;
            loop {
                match self.peek()? {
                    b'"' | b'\\' => break,
                    b if b < 0x20 => return None,
                    _ => self.pos += 1,
                }
            }
            out.push_str(self.text.get(run..self.pos)?);
            if self.next()? == b'"' {
                return Some(Cow::Owned(out));
            }
            let c = match self.next()? {
                b'"' => '"',
                b'\\' => '\\',
                b'/' => '/',
                b'b' => '\u{8}',
                b'f' => '\u{c}',
                b'n' => '\n',
                b'r' => '\r',
                b't' => '\t',
                b'u' => self.unicode()?,
                _ => return None,
            };
            out.push(c);
        }
    }

    /// The character of a `\uXXXX` escape, joining a surrogate pair.
    fn unicode(&mut self) -> Option<char> {
        let hi = self.hex4()?;
        if !(0xD800..0xDC00).contains(&hi) {
            return char::from_u32(hi);
        }
        if self.next()? != b'\\' || self.next()? != b'u' {
            return None;
        }
        let lo = self.hex4()?;
        if !(0xDC00..0xE000).contains(&lo) {
            return None;
        }
        char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
    }

    fn hex4(&mut self) -> Option<u32> {
        (0..4).try_fold(0u32, |n, _| {
            let d = char::from(self.next()?).to_digit(16)?;
            Some(n * 16 + d)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> Value<'_> {
        Value::String(Cow::Borrowed(v))
    }

    #[test]
    fn reads_every_kind_of_value() {
        let v = parse(r#" {"a":[1,-2.5e3,true,false,null],"b":{"c":"d"},"a2":"x"} "#);
        let Some(Value::Object(o)) = v else {
            panic!("not an object: {v:?}")
        };
        assert_eq!(
            o.get("a"),
            Some(&Value::Array(vec![
                Value::Number("1"),
                Value::Number("-2.5e3"),
                Value::Bool(true),
                Value::Bool(false),
                Value::Null
            ]))
        );
        let Some(Value::Object(b)) = o.get("b") else {
            panic!("b")
        };
        assert_eq!(b.get("c"), Some(&s("d")));
        assert_eq!(o.get("a2"), Some(&s("x")));
        assert!(o.contains_key("b") && !o.contains_key("z"));
    }

    #[test]
    fn decodes_escapes_and_surrogate_pairs() {
        let v = parse(r#""q\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00z""#);
        assert_eq!(
            v,
            Some(Value::String(Cow::Owned(
                "q\"\\/\u{8}\u{c}\n\r\t\u{e9}\u{1f600}z".into()
            )))
        );
        assert_eq!(parse(r#""plain é""#), Some(s("plain é")));
    }

    #[test]
    fn the_last_duplicate_key_wins() {
        let Some(Value::Object(o)) = parse(r#"{"k":1,"k":2}"#) else {
            panic!("object")
        };
        assert_eq!(o.get("k"), Some(&Value::Number("2")));
    }

    #[test]
    fn refuses_what_json_parse_refuses() {
        for bad in [
            "",
            " ",
            "{",
            "}",
            "[1,]",
            "[,1]",
            "{\"a\"}",
            "{\"a\":}",
            "{a:1}",
            "{\"a\":1,}",
            "01",
            "1.",
            ".5",
            "-",
            "1e",
            "+1",
            "tru",
            "nul",
            "\"abc",
            "\"\\x\"",
            "\"\\u12\"",
            "\"\\ud800\"",
            "\"\\ud800\\u0041\"",
            "\"a\u{1}b\"",
            "[1] 2",
            "{\"a\":1}}",
            "NaN",
        ] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn deep_nesting_is_refused_not_a_stack_overflow() {
        let deep = "[".repeat(100_000);
        assert_eq!(parse(&deep), None);
        let ok = format!("{}{}", "[".repeat(60), "]".repeat(60));
        assert!(parse(&ok).is_some());
    }

    #[test]
    fn whole_numbers_truncate_fractions_and_refuse_the_rest() {
        assert_eq!(whole_number("0"), Some(0));
        assert_eq!(whole_number("42"), Some(42));
        assert_eq!(whole_number("42.9"), Some(42));
        assert_eq!(whole_number("18446744073709551615"), Some(u64::MAX));
        assert_eq!(whole_number("18446744073709551616"), None);
        assert_eq!(whole_number("-1"), None);
        assert_eq!(whole_number("1e3"), None);
    }
}
