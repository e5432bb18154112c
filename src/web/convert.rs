//! Conversions between the core's Rust values and JS: outgoing shapes through serde, and the
//! options objects (which hold functions and signals) read field by field.

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use super::json::{to_js, to_json_text};
use super::page::PageLocal;
use crate::core::advice::{FailureAdvice, Operation};
use crate::core::job::Job;
use crate::core::messages::Catalogue;
use crate::core::watcher::{RequestBody, Watcher};

/// JS strings for the fixed names and values this module uses, each made once. Turning a Rust
/// string into a JS one goes through `TextDecoder`, which was the largest single cost of a poll.
static INTERNED: PageLocal<Vec<(usize, usize, JsValue)>> = PageLocal::new(Vec::new());

/// The JS string for a fixed Rust string, made on first use and reused after.
pub(crate) fn js_str(s: &'static str) -> JsValue {
    let id = (s.as_ptr() as usize, s.len());
    let Ok(mut cache) = INTERNED.0.try_borrow_mut() else {
        return JsValue::from_str(s);
    };
    if let Some((_, _, v)) = cache.iter().find(|(p, l, _)| (*p, *l) == id) {
        return v.clone();
    }
    let v = JsValue::from_str(s);
    cache.push((id.0, id.1, v.clone()));
    v
}

/// `JobSnapshot`. `links.self` is always present: `null` when the job has no self link.
pub(crate) fn job_to_js(job: &Job) -> JsValue {
    to_js(job)
}

/// `FailureAdvice`.
pub(crate) fn advice_to_js(advice: &FailureAdvice) -> JsValue {
    to_js(advice)
}

/// The text `JobWatch.save()` returns: empty until the job is known.
pub(crate) fn saved_text(watcher: &Watcher) -> String {
    watcher
        .save()
        .and_then(|saved| to_json_text(&saved))
        .unwrap_or_default()
}

/// A request's JSON body as the text `fetch` sends.
pub(crate) fn request_body(body: Option<&RequestBody>) -> Option<String> {
    body.and_then(to_json_text)
}

/// A JS `TypeError` with `message`, and a `reason` property when given.
pub(crate) fn type_error(message: &str, reason: Option<&str>) -> JsValue {
    let err = js_sys::TypeError::new(message);
    if let Some(r) = reason {
        let _ = Reflect::set(&err, &JsValue::from_str("reason"), &JsValue::from_str(r));
    }
    err.into()
}

/// Reads `obj[key]`; `undefined`, `null` and a throwing getter all count as absent.
pub(crate) fn field(obj: &JsValue, key: &'static str) -> Option<JsValue> {
    Reflect::get(obj, &js_str(key))
        .ok()
        .filter(|v| !v.is_undefined() && !v.is_null())
}

/// Reads the fields of one JS object, keeping the first problem and reading nothing after it.
///
/// Every read returns a plain value (absent on a problem) instead of a `Result`: with `?` after
/// each field, every field read so far needs its own drop on the error path, which cost kilobytes.
pub(crate) struct Fields<'a> {
    obj: &'a JsValue,
    /// How messages name the object: `"options"`, `"context"`…
    pub(crate) what: &'a str,
    err: Option<String>,
}

impl<'a> Fields<'a> {
    pub(crate) fn new(obj: &'a JsValue, what: &'a str) -> Self {
        Self {
            obj,
            what,
            err: None,
        }
    }

    /// `obj[key]` when present and `ok` accepts it; a present value it refuses is the problem
    /// "`what`.`key``must`".
    #[inline(never)]
    pub(crate) fn get(
        &mut self,
        key: &'static str,
        ok: fn(&JsValue) -> bool,
        must: &'static str,
    ) -> Option<JsValue> {
        if self.err.is_some() {
            return None;
        }
        let v = field(self.obj, key)?;
        if ok(&v) {
            return Some(v);
        }
        self.fail(format!("{}.{key}{must}", self.what));
        None
    }

    /// An optional string field.
    pub(crate) fn string(&mut self, key: &'static str) -> Option<String> {
        self.get(key, |v| v.as_string().is_some(), " must be a string")?
            .as_string()
    }

    /// An optional function field.
    pub(crate) fn function(&mut self, key: &'static str) -> Option<js_sys::Function> {
        self.get(key, JsValue::is_function, " must be a function")
            .map(JsCast::unchecked_into)
    }

    /// An optional boolean field.
    pub(crate) fn flag(&mut self, key: &'static str) -> Option<bool> {
        self.get(key, |v| v.as_bool().is_some(), " must be a boolean")?
            .as_bool()
    }

    /// `operation` (`"create"`, `"refresh"` or `"update"`), `default` when absent.
    pub(crate) fn operation(&mut self, default: Operation) -> Operation {
        let s = self.string("operation");
        match s.as_deref().map(Operation::from_str_opt) {
            None => default,
            Some(Some(op)) => op,
            Some(None) => {
                let msg = format!(
                    "{}.operation must be \"create\", \"refresh\" or \"update\", not \"{}\"",
                    self.what,
                    s.unwrap_or_default()
                );
                self.fail(msg);
                default
            }
        }
    }

    /// Records `message` as the problem, unless there already is one.
    pub(crate) fn fail(&mut self, message: String) {
        if self.err.is_none() {
            self.err = Some(message);
        }
    }

    /// `value`, or the first problem met while reading it.
    pub(crate) fn done<T>(self, value: T) -> Result<T, String> {
        match self.err {
            None => Ok(value),
            Some(e) => Err(e),
        }
    }
}

/// Reads an optional string field; any other type is an error naming `what`.
pub(crate) fn opt_string(
    obj: &JsValue,
    key: &'static str,
    what: &str,
) -> Result<Option<String>, String> {
    let mut f = Fields::new(obj, what);
    let v = f.string(key);
    f.done(v)
}

/// True for a JS value usable as an options object (an object, not an array or a function).
pub(crate) fn is_plain_object(v: &JsValue) -> bool {
    v.is_object() && !Array::is_array(v)
}

/// A message catalogue from `{ locale?, messages? }`; non-string message values are ignored.
pub(crate) fn catalogue_from(f: &mut Fields) -> Catalogue {
    let locale = f.string("locale");
    let mut overrides = Vec::new();
    if let Some(messages) = f.get("messages", is_plain_object, " must be an object of strings") {
        // Not `dyn_into`: `Object.create(null)` objects are not `instanceof Object`.
        let obj: Object = messages.unchecked_into();
        for entry in Object::entries(&obj).iter() {
            let pair: Array = entry.unchecked_into();
            if let (Some(k), Some(v)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
                overrides.push((k, v));
            }
        }
    }
    Catalogue::new(locale.as_deref(), overrides)
}
