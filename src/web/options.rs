//! Reads the `watchJob` options object into the core's config and the shell's JS handles.

use crate::prelude::*;

use js_sys::Function;
use wasm_bindgen::{JsCast, JsValue};

use super::convert::{catalogue_from_js, field, is_plain_object, opt_string};
use crate::core::advice::Operation;
use crate::core::policy::Timing;
use crate::core::recovery::Recovery;
use crate::core::watcher::WatchConfig;

/// The JS side of a watch: where tokens, answers and reports go.
pub(crate) struct Hooks {
    pub token: Option<String>,
    pub get_token: Option<Function>,
    pub on_step: Option<Function>,
    pub on_progress: Option<Function>,
    pub on_mfa: Option<Function>,
    pub on_retry: Option<Function>,
    pub on_outage_lifted: Option<Function>,
    pub signal: Option<web_sys::AbortSignal>,
    pub fetch: Option<Function>,
    /// Keep each connection's run of `service-unavailable` jobs in localStorage.
    pub remember_failures: bool,
}

/// Reads `options`; `job_url` is `None` when restoring (the saved watch has it).
pub(crate) fn read(
    options: &JsValue,
    job_url: Option<String>,
) -> Result<(WatchConfig, Hooks), String> {
    if !is_plain_object(options) {
        return Err("options must be an object".into());
    }
    let o = options;
    let token = opt_string(o, "token", "options")?.filter(|t| !t.is_empty());
    let get_token = function(o, "getToken")?;
    if token.is_none() && get_token.is_none() {
        return Err(
            "options.token (a non-empty string) or options.getToken (a function) is required"
                .into(),
        );
    }
    let operation = match opt_string(o, "operation", "options")? {
        None => Operation::Create,
        Some(s) => Operation::from_str_opt(&s).ok_or_else(|| {
            cat!(
                "options.operation must be \"create\", \"refresh\" or \"update\", not \"",
                s,
                "\""
            )
        })?,
    };
    let signal = match field(o, "signal") {
        None => None,
        Some(s) if s.is_object() && field(&s, "addEventListener").is_some() => {
            Some(s.unchecked_into())
        }
        Some(_) => return Err("options.signal must be an AbortSignal".into()),
    };
    let cfg = WatchConfig {
        job_url: job_url.unwrap_or_default(),
        start: None,
        api_origin: opt_string(o, "apiOrigin", "options")?,
        operation,
        connection_id: opt_string(o, "connectionId", "options")?,
        institution_id: opt_string(o, "institutionId", "options")?,
        has_token: token.is_some(),
        can_refresh_token: get_token.is_some(),
        attempt: whole(o, "previousFailures")?.map(|n| n.min(u64::from(u32::MAX)) as u32),
        timing: timing(o)?,
        catalogue: catalogue_from_js(o, "options")?,
        recovery: recovery(o)?,
    };
    let hooks = Hooks {
        token,
        get_token,
        on_step: function(o, "onStep")?,
        on_progress: function(o, "onProgress")?,
        on_mfa: function(o, "onMfa")?,
        on_retry: function(o, "onRetry")?,
        on_outage_lifted: function(o, "onOutageLifted")?,
        signal,
        fetch: function(o, "fetch")?,
        remember_failures: flag(o, "rememberFailures")?.unwrap_or(true),
    };
    Ok((cfg, hooks))
}

fn recovery(o: &JsValue) -> Result<Recovery, String> {
    let d = Recovery::default();
    Ok(Recovery {
        auto_retry: flag(o, "autoRetry")?.unwrap_or(d.auto_retry),
        watch_outage: flag(o, "watchOutage")?.unwrap_or(d.watch_outage),
        retry_delay_ms: whole(o, "retryDelayMs")?,
        outage_interval_ms: whole(o, "outageIntervalMs")?.unwrap_or(d.outage_interval_ms),
    })
}

fn flag(o: &JsValue, key: &'static str) -> Result<Option<bool>, String> {
    match field(o, key) {
        None => Ok(None),
        Some(v) => match v.as_bool() {
            Some(b) => Ok(Some(b)),
            None => {
                let mut m = String::from("options.");
                m.push_str(key);
                m.push_str(" must be a boolean");
                Err(m)
            }
        },
    }
}

fn timing(o: &JsValue) -> Result<Timing, String> {
    let d = Timing::default();
    Ok(Timing {
        interval_ms: whole(o, "intervalMs")?.unwrap_or(d.interval_ms),
        max_interval_ms: whole(o, "maxIntervalMs")?.unwrap_or(d.max_interval_ms),
        backoff_permille: permille(o, "backoff")?.unwrap_or(d.backoff_permille),
        jitter_permille: permille(o, "jitter")?.unwrap_or(d.jitter_permille),
        timeout_ms: whole(o, "timeoutMs")?.unwrap_or(d.timeout_ms),
        long_interval_ms: whole(o, "longIntervalMs")?.unwrap_or(d.long_interval_ms),
        request_timeout_ms: whole(o, "requestTimeoutMs")?.unwrap_or(d.request_timeout_ms),
        max_consecutive_errors: whole(o, "maxConsecutiveErrors")?
            .map_or(d.max_consecutive_errors, |n| {
                n.min(u64::from(u32::MAX)) as u32
            }),
        ..d
    })
}

fn function(o: &JsValue, key: &'static str) -> Result<Option<Function>, String> {
    match field(o, key) {
        None => Ok(None),
        Some(v) if v.is_function() => Ok(Some(v.unchecked_into())),
        Some(_) => Err(cat!("options.", key, " must be a function")),
    }
}

/// A finite, non-negative number, rounded to a whole number.
fn whole(o: &JsValue, key: &'static str) -> Result<Option<u64>, String> {
    match field(o, key) {
        None => Ok(None),
        Some(v) => match v.as_f64() {
            // `as` saturates, so +0.5 then truncating rounds any finite non-negative number.
            Some(n) if n.is_finite() && n >= 0.0 => Ok(Some((n + 0.5) as u64)),
            _ => Err(cat!("options.", key, " must be a non-negative number")),
        },
    }
}

/// A factor such as 1.5 or 0.2, kept in thousandths.
fn permille(o: &JsValue, key: &'static str) -> Result<Option<u64>, String> {
    match field(o, key) {
        None => Ok(None),
        Some(v) => match v.as_f64() {
            Some(n) if (0.0..=1000.0).contains(&n) => Ok(Some((n * 1000.0 + 0.5) as u64)),
            _ => Err(cat!("options.", key, " must be a number")),
        },
    }
}
