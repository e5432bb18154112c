//! Reads the `watchJob` options object into the core's config and the shell's JS handles.

use js_sys::Function;
use wasm_bindgen::{JsCast, JsValue};

use super::convert::{catalogue_from, field, is_plain_object, Fields};
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
    /// Share one poll stream per job with the other tabs of this browser.
    pub cross_tab: bool,
}

/// Reads `options`; `job_url` is `None` when restoring (the saved watch has it).
pub(crate) fn read(
    options: &JsValue,
    job_url: Option<String>,
) -> Result<(WatchConfig, Hooks), String> {
    if !is_plain_object(options) {
        return Err("options must be an object".into());
    }
    let mut fields = Fields::new(options, "options");
    let o = &mut fields;
    let token = o.string("token").filter(|t| !t.is_empty());
    let get_token = o.function("getToken");
    if token.is_none() && get_token.is_none() {
        o.fail(
            "options.token (a non-empty string) or options.getToken (a function) is required"
                .into(),
        );
    }
    let operation = o.operation(Operation::Create);
    let signal = o
        .get(
            "signal",
            |s| s.is_object() && field(s, "addEventListener").is_some(),
            " must be an AbortSignal",
        )
        .map(JsCast::unchecked_into);
    let cfg = WatchConfig {
        job_url: job_url.unwrap_or_default(),
        start: None,
        api_origin: o.string("apiOrigin"),
        api_base: o.string("apiBase"),
        urls: super::url::browser(),
        operation,
        connection_id: o.string("connectionId"),
        institution_id: o.string("institutionId"),
        has_token: token.is_some(),
        can_refresh_token: get_token.is_some(),
        attempt: whole(o, "previousFailures").map(|n| n.min(u64::from(u32::MAX)) as u32),
        timing: timing(o),
        catalogue: catalogue_from(o),
        recovery: recovery(o),
    };
    let hooks = Hooks {
        token,
        get_token,
        on_step: o.function("onStep"),
        on_progress: o.function("onProgress"),
        on_mfa: o.function("onMfa"),
        on_retry: o.function("onRetry"),
        on_outage_lifted: o.function("onOutageLifted"),
        signal,
        fetch: o.function("fetch"),
        remember_failures: o.flag("rememberFailures").unwrap_or(true),
        cross_tab: o.flag("crossTab").unwrap_or(true),
    };
    fields.done((cfg, hooks))
}

fn recovery(o: &mut Fields) -> Recovery {
    let d = Recovery::default();
    Recovery {
        auto_retry: o.flag("autoRetry").unwrap_or(d.auto_retry),
        watch_outage: o.flag("watchOutage").unwrap_or(d.watch_outage),
        retry_delay_ms: whole(o, "retryDelayMs"),
        outage_interval_ms: whole(o, "outageIntervalMs").unwrap_or(d.outage_interval_ms),
    }
}

fn timing(o: &mut Fields) -> Timing {
    let d = Timing::default();
    Timing {
        interval_ms: whole(o, "intervalMs").unwrap_or(d.interval_ms),
        max_interval_ms: whole(o, "maxIntervalMs").unwrap_or(d.max_interval_ms),
        backoff_permille: permille(o, "backoff").unwrap_or(d.backoff_permille),
        jitter_permille: permille(o, "jitter").unwrap_or(d.jitter_permille),
        timeout_ms: whole(o, "timeoutMs").unwrap_or(d.timeout_ms),
        long_interval_ms: whole(o, "longIntervalMs").unwrap_or(d.long_interval_ms),
        request_timeout_ms: whole(o, "requestTimeoutMs").unwrap_or(d.request_timeout_ms),
        max_consecutive_errors: whole(o, "maxConsecutiveErrors")
            .map_or(d.max_consecutive_errors, |n| {
                n.min(u64::from(u32::MAX)) as u32
            }),
        ..d
    }
}

/// A finite, non-negative number, rounded to a whole number.
fn whole(o: &mut Fields, key: &'static str) -> Option<u64> {
    let ok = |v: &JsValue| v.as_f64().is_some_and(|n| n.is_finite() && n >= 0.0);
    let n = o.get(key, ok, " must be a non-negative number")?.as_f64()?;
    // `as` saturates, so +0.5 then truncating rounds any finite non-negative number.
    Some((n + 0.5) as u64)
}

/// A factor such as 1.5 or 0.2, kept in thousandths.
fn permille(o: &mut Fields, key: &'static str) -> Option<u64> {
    let ok = |v: &JsValue| v.as_f64().is_some_and(|n| (0.0..=1000.0).contains(&n));
    let n = o.get(key, ok, " must be a number")?.as_f64()?;
    Some((n * 1000.0 + 0.5) as u64)
}
