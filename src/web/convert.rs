//! Conversions between the core's Rust values and plain JS objects, both ways.
//!
//! Small objects are built field by field, job snapshots as JSON text parsed
//! once (no serde: it would cost more than the whole core). Absent optional fields are left out
//! rather than set to `undefined`.

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use super::page::PageLocal;
use crate::core::advice::{FailureAdvice, Operation};
use crate::core::job::{Failure, Job, MfaRequest, Step};
use crate::core::json_out::JsonObject;
use crate::core::messages::Catalogue;

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

#[wasm_bindgen::prelude::wasm_bindgen(module = "/src/web/obj.js")]
extern "C" {
    fn put(target: &Object, key: &JsValue, value: &JsValue);
    #[wasm_bindgen(js_name = lazyJob)]
    fn lazy_job(target: &Object, text: &str);
}

/// A plain JS object under construction.
pub(crate) struct Obj(Object);

impl Obj {
    pub(crate) fn new() -> Self {
        Self(Object::new())
    }

    /// Sets `key` to any JS value.
    pub(crate) fn set(self, key: &'static str, value: impl Into<JsValue>) -> Self {
        // Defining a data property on a fresh plain object cannot fail.
        put(&self.0, &js_str(key), &value.into());
        self
    }

    /// Sets `key` to a value when there is one; leaves it out otherwise.
    pub(crate) fn opt(self, key: &'static str, value: Option<impl Into<JsValue>>) -> Self {
        match value {
            Some(v) => self.set(key, v),
            None => self,
        }
    }

    pub(crate) fn str(self, key: &'static str, value: &str) -> Self {
        self.set(key, JsValue::from_str(value))
    }

    pub(crate) fn opt_str(self, key: &'static str, value: Option<&str>) -> Self {
        self.opt(key, value.map(JsValue::from_str))
    }

    pub(crate) fn num(self, key: &'static str, value: f64) -> Self {
        self.set(key, JsValue::from_f64(value))
    }

    /// A whole number of milliseconds or a count; JS numbers hold them exactly up to 2^53.
    pub(crate) fn opt_u64(self, key: &'static str, value: Option<u64>) -> Self {
        match value {
            Some(v) => self.num(key, v as f64),
            None => self,
        }
    }

    pub(crate) fn bool(self, key: &'static str, value: bool) -> Self {
        self.set(key, JsValue::from_bool(value))
    }

    /// Sets `job` to `job`, made into a JS object only when it is first read.
    pub(crate) fn job(self, job: &Job) -> Self {
        lazy_job(&self.0, &job_json(job));
        self
    }

    pub(crate) fn build(self) -> JsValue {
        self.0.into()
    }
}

/// A JS array of strings.
pub(crate) fn str_array(items: &[String]) -> JsValue {
    items
        .iter()
        .map(|s| JsValue::from_str(s))
        .collect::<Array>()
        .into()
}

/// `JobSnapshot`. `links.self` is always present: `null` when the job has no self link.
///
/// Written as JSON and parsed once by the engine: one string crosses into JS instead of one per
/// field, which is both less wasm and less time per poll.
pub(crate) fn job_to_js(job: &Job) -> JsValue {
    // Our own writer's output always parses; `null` would only mean a bug in it.
    js_sys::JSON::parse(&job_json(job)).unwrap_or(JsValue::NULL)
}

/// `JobSnapshot` as JSON text.
fn job_json(job: &Job) -> String {
    let links = JsonObject::new()
        .string_or_null("self", job.links.self_url.as_deref())
        .opt_string("source", job.links.source.as_deref());
    JsonObject::new()
        .string("id", &job.id)
        .opt_string("jobType", job.job_type.as_deref())
        .opt_string("created", job.created.as_deref())
        .opt_string("updated", job.updated.as_deref())
        .objects("steps", job.steps.iter().map(step_json))
        .object("links", links)
        .finish()
}

/// `StepSnapshot`.
fn step_json(step: &Step) -> JsonObject {
    JsonObject::new()
        .string("title", &step.title)
        .string("status", step.status.as_str())
        .opt_string("resultUrl", step.result_url.as_deref())
        .opt_object("failure", step.failure.as_ref().map(failure_json))
        .opt_object("mfa", step.mfa.as_ref().map(mfa_json))
}

fn failure_json(failure: &Failure) -> JsonObject {
    JsonObject::new()
        .string("code", &failure.code)
        .opt_string("title", failure.title.as_deref())
        .opt_string("detail", failure.detail.as_deref())
}

/// The `mfa` field of a `StepSnapshot`.
fn mfa_json(mfa: &MfaRequest) -> JsonObject {
    JsonObject::new()
        .string("method", mfa.method.as_str())
        .strings("prompts", &mfa.prompts)
        .opt_string("description", mfa.description.as_deref())
        .opt_number("expiryMs", mfa.expiry_ms)
        .opt_string("responseUrl", mfa.response_url.as_deref())
}

/// `Failure`: `{ code, title?, detail? }`.
pub(crate) fn failure_to_js(failure: &Failure) -> JsValue {
    Obj::new()
        .str("code", &failure.code)
        .opt_str("title", failure.title.as_deref())
        .opt_str("detail", failure.detail.as_deref())
        .build()
}

/// `FailureAdvice`.
pub(crate) fn advice_to_js(advice: &FailureAdvice) -> JsValue {
    Obj::new()
        .str("code", &advice.code)
        .opt_str("step", advice.step.as_deref())
        .str("action", advice.action.as_str())
        .str("title", &advice.title)
        .str("message", &advice.message)
        .opt_u64("retryAfterMs", advice.retry_after_ms)
        .bool("automaticRetry", advice.automatic_retry)
        .opt_str("supportReference", advice.support_reference.as_deref())
        .build()
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
