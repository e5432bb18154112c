//! The JSON reader against its own writer: any value written out reads back the same, and any
//! text cut short is refused rather than misread.
#![cfg(not(target_arch = "wasm32"))]

use basiq_jobs::core::json::{parse, Value};
use basiq_jobs::core::json_out::JsonObject;
use proptest::prelude::*;

/// A JSON value owned by the test, written with standard escapes.
#[derive(Clone, Debug)]
enum J {
    Null,
    Bool(bool),
    Num(String),
    Str(String),
    Arr(Vec<J>),
    Obj(Vec<(String, J)>),
}

fn write(j: &J, out: &mut String) {
    match j {
        J::Null => out.push_str("null"),
        J::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        J::Num(n) => out.push_str(n),
        J::Str(s) => quote(s, out),
        J::Arr(items) => {
            out.push_str("[ ");
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(" ,\n");
                }
                write(v, out);
            }
            out.push(']');
        }
        J::Obj(members) => {
            out.push('{');
            for (i, (k, v)) in members.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                quote(k, out);
                out.push_str(" :\t");
                write(v, out);
            }
            out.push_str("\r\n}");
        }
    }
}

fn quote(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 || (c as u32) > 0xFFFF => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{:04x}", u));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn same(j: &J, v: &Value) -> bool {
    match (j, v) {
        (J::Null, Value::Null) => true,
        (J::Bool(a), Value::Bool(b)) => a == b,
        (J::Num(a), Value::Number(b)) => a == b,
        (J::Str(a), Value::String(b)) => a == b,
        (J::Arr(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y))
        }
        (J::Obj(a), Value::Object(b)) => {
            // Keys are distinct in the generated objects, so `get` finds each one.
            a.iter().all(|(k, x)| b.get(k).is_some_and(|y| same(x, y)))
        }
        _ => false,
    }
}

fn number() -> impl Strategy<Value = String> {
    "-?(0|[1-9][0-9]{0,12})(\\.[0-9]{1,4})?([eE][+-]?[0-9]{1,2})?"
}

fn json() -> impl Strategy<Value = J> {
    let leaf = prop_oneof![
        Just(J::Null),
        any::<bool>().prop_map(J::Bool),
        number().prop_map(J::Num),
        any::<String>().prop_map(J::Str),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(J::Arr),
            prop::collection::btree_map("[a-zA-Z\"\\\\é]{0,6}", inner, 0..6)
                .prop_map(|m| J::Obj(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn what_is_written_reads_back_the_same(j in json()) {
        let mut text = String::new();
        write(&j, &mut text);
        let v = parse(&text);
        prop_assert!(v.as_ref().is_some_and(|v| same(&j, v)), "{text} read as {v:?}");
    }

    #[test]
    fn any_string_written_by_json_out_reads_back_the_same(k in any::<String>(), v in any::<String>()) {
        let text = JsonObject::new().string(&k, &v).finish();
        let Some(Value::Object(o)) = parse(&text) else {
            return Err(TestCaseError::fail(format!("not an object: {text}")));
        };
        prop_assert_eq!(o.get(&k), Some(&Value::String(v.as_str().into())));
    }

    #[test]
    fn a_container_cut_short_is_refused(j in json(), cut in 1usize..64) {
        let mut text = String::new();
        write(&j, &mut text);
        prop_assume!(matches!(j, J::Arr(_) | J::Obj(_) | J::Str(_)));
        let end = text.len().saturating_sub(cut.min(text.len()));
        if let Some(head) = text.get(..end) {
            prop_assert_eq!(parse(head), None, "{}", head);
        }
    }
}
