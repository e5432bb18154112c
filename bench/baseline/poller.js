// A plain-JavaScript job poller: what a careful team would write by hand instead of basiq-jobs.
// The bench compares it with the package for size (bundled and minified) and for the work one
// poll costs (parse + diff + events) in the same page.
//
// It polls the job URL with fetch, parses and checks the job, reports every step status change
// and the progress, backs off (×backoff with ±jitter up to maxIntervalMs, fast again after a
// change), honours Retry-After on 429/503, retries network errors and 5xx, asks for a new token
// after a 401, times out each request and the whole watch, and resolves `done` exactly once.
// It does not advise on failures or handle MFA answers: those have no plain-JS counterpart here.

const STATUSES = new Set(["pending", "in-progress", "success", "failed", "skipped"]);
const DEFAULTS = {
  intervalMs: 1000,
  maxIntervalMs: 5000,
  backoff: 1.5,
  jitter: 0.2,
  timeoutMs: 600000,
  requestTimeoutMs: 30000,
  maxConsecutiveErrors: 5,
};

export class JobParseError extends TypeError {}

/** Checks a job answer and returns `{ id, steps: [{ title, status, resultUrl?, failure? }], links }`. */
export function parseJob(text) {
  let raw;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new JobParseError("not JSON");
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw new JobParseError("not a job");
  if (typeof raw.id !== "string") throw new JobParseError("id");
  if (!Array.isArray(raw.steps)) throw new JobParseError("steps");
  const steps = raw.steps.map((s, i) => {
    if (s === null || typeof s !== "object" || typeof s.title !== "string") throw new JobParseError(`steps[${i}]`);
    const status = typeof s.status === "string" ? s.status.toLowerCase().replace("_", "-") : "";
    const step = { title: s.title, status: STATUSES.has(status) ? status : "unknown" };
    const r = s.result;
    if (r && typeof r === "object") {
      if (typeof r.url === "string") step.resultUrl = r.url;
      if (typeof r.code === "string") {
        step.failure = { code: r.code };
        if (typeof r.title === "string") step.failure.title = r.title;
        const detail = r.detail ?? r.details;
        if (typeof detail === "string") step.failure.detail = detail;
      }
    }
    return step;
  });
  const links = raw.links && typeof raw.links === "object" ? raw.links : {};
  const job = { id: raw.id, steps, links: { self: typeof links.self === "string" ? links.self : null } };
  if (typeof links.source === "string") job.links.source = links.source;
  if (typeof raw.jobType === "string") job.jobType = raw.jobType;
  if (typeof raw.created === "string") job.created = raw.created;
  if (typeof raw.updated === "string") job.updated = raw.updated;
  return job;
}

/** Follows the job at `url` to its end; returns `{ done, cancel, snapshot }`. */
export function pollJob(url, options) {
  const o = { ...DEFAULTS, ...options };
  const doFetch = o.fetch ?? globalThis.fetch;
  const origin = new URL(url).origin;
  const started = Date.now();
  let token = o.token;
  let seen = [];
  let job = null;
  let interval = o.intervalMs;
  let errors = 0;
  let refreshed = false;
  let timer = null;
  let wake = null;
  let controller = null;
  let finished = false;
  let resolveDone;
  const done = new Promise((resolve) => (resolveDone = resolve));

  const finish = (outcome) => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    controller?.abort();
    resolveDone(outcome);
  };
  const cancel = () => {
    finish({ status: "cancelled", job });
    wake?.();
  };
  o.signal?.addEventListener("abort", cancel, { once: true });

  const emit = (callback, value) => {
    if (!callback) return;
    try {
      callback(value);
    } catch (e) {
      console.error("poller: callback threw", e);
    }
  };
  const sleep = (ms) =>
    new Promise((resolve) => {
      wake = resolve;
      timer = setTimeout(resolve, ms);
    });
  const nextWait = () => {
    const base = interval;
    interval = Math.min(interval * o.backoff, o.maxIntervalMs);
    const factor = 1 - o.jitter + Math.random() * 2 * o.jitter;
    return Math.max(1, Math.round(base * factor));
  };
  const absolute = (path) => {
    const u = new URL(path, origin);
    if (u.origin !== origin) throw new Error(`untrusted link ${u.href}`);
    return u.href;
  };
  const retryAfter = (header) => {
    if (!header) return null;
    const seconds = Number(header);
    const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - Date.now();
    return Number.isFinite(ms) ? Math.min(Math.max(ms, o.intervalMs), 600000) : null;
  };

  // One poll's bookkeeping: the step changes since the last answer, then the outcome if any.
  const onJob = (next) => {
    const first = job === null;
    job = next;
    const total = next.steps.length;
    const previous = new Map(seen.map(([title, status]) => [title, status]));
    let changed = first;
    next.steps.forEach((step, index) => {
      const before = previous.get(step.title) ?? "pending";
      if (before === step.status) return;
      changed = true;
      const event = (status, prev) => {
        const e = { step: step.title, index, total, status, previous: prev };
        if (status === "success" && step.resultUrl) e.resultUrl = absolute(step.resultUrl);
        if (status === "failed" && step.failure) e.failure = step.failure;
        emit(o.onStep, e);
      };
      if (before === "pending" && (step.status === "success" || step.status === "failed")) {
        event("in-progress", "pending");
        event(step.status, "in-progress");
      } else {
        event(step.status, before);
      }
    });
    seen = next.steps.map((s) => [s.title, s.status]);
    if (changed) {
      const completed = next.steps.filter((s) => s.status === "success" || s.status === "skipped").length;
      emit(o.onProgress, { job: next, completed, total, fraction: total ? completed / total : 0 });
    }
    const failed = next.steps.find((s) => s.status === "failed");
    if (failed) return finish({ status: "failed", job: next, step: failed.title, failure: failed.failure ?? { code: "unknown" } });
    if (total > 0 && next.steps.every((s) => s.status === "success" || s.status === "skipped")) {
      const result = (title) => {
        const s = next.steps.find((x) => x.title === title);
        return s?.resultUrl ? absolute(s.resultUrl) : undefined;
      };
      const outcome = { status: "success", job: next };
      const connectionUrl = result("verify-credentials") ?? next.links.source;
      if (connectionUrl) outcome.connectionUrl = connectionUrl;
      const accountsUrl = result("retrieve-accounts");
      if (accountsUrl) outcome.accountsUrl = accountsUrl;
      const transactionsUrl = result("retrieve-transactions");
      if (transactionsUrl) outcome.transactionsUrl = transactionsUrl;
      return finish(outcome);
    }
    if (changed) interval = o.intervalMs;
    return nextWait();
  };

  const transient = (error, after) => {
    errors += 1;
    if (errors >= o.maxConsecutiveErrors) {
      finish({ status: "error", job, error });
      return 0;
    }
    return after ?? nextWait();
  };

  // One request and what it means for the wait before the next.
  const pollOnce = async () => {
    controller = new AbortController();
    const timeout = setTimeout(() => controller.abort(), o.requestTimeoutMs);
    let response;
    let text;
    try {
      response = await doFetch(url, {
        headers: { Accept: "application/json", Authorization: `Bearer ${token}` },
        cache: "no-store",
        credentials: "omit",
        signal: controller.signal,
      });
      text = await response.text();
    } catch (e) {
      if (finished) return 0;
      return transient({ kind: "network", message: String(e?.message ?? e) });
    } finally {
      clearTimeout(timeout);
    }
    const status = response.status;
    if (status === 401 && o.getToken && !refreshed) {
      refreshed = true;
      token = await o.getToken();
      return 0;
    }
    refreshed = false;
    if (status === 401 || status === 403) return finish({ status: "error", job, error: { kind: "unauthorized", httpStatus: status } });
    if (status === 404 || status === 410) return finish({ status: "error", job, error: { kind: "not-found", httpStatus: status } });
    if (status === 429) return retryAfter(response.headers.get("Retry-After")) ?? nextWait();
    if (status >= 500) {
      const after = status === 503 ? retryAfter(response.headers.get("Retry-After")) : null;
      return transient({ kind: "http", httpStatus: status }, after ?? undefined);
    }
    if (status < 200 || status >= 300) return finish({ status: "error", job, error: { kind: "http", httpStatus: status } });
    let next;
    try {
      next = parseJob(text);
    } catch (e) {
      return transient({ kind: "invalid-response", httpStatus: status, message: e.message });
    }
    errors = 0;
    try {
      return onJob(next);
    } catch (e) {
      return finish({ status: "error", job: next, error: { kind: "untrusted-url", message: e.message } });
    }
  };

  (async () => {
    while (!finished) {
      if (Date.now() - started >= o.timeoutMs) {
        finish({ status: "timed-out", job, elapsedMs: Date.now() - started });
        break;
      }
      const wait = await pollOnce();
      if (finished) break;
      if (wait > 0) await sleep(Math.min(wait, o.timeoutMs - (Date.now() - started)));
    }
  })();

  return { done, cancel, snapshot: () => job };
}
