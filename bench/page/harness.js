// The in-page half of the bench: realistic job bodies, a scripted fetch that answers from memory,
// a virtual clock for back-to-back polling, and the scenarios bench/run.mjs drives through
// playwright. Everything here runs in headless Chromium.

const ORIGIN = "https://au-api.basiq.io";
const STEPS = [
  ["verify-credentials", (u, c) => `/users/${u}/connections/${c}`],
  ["retrieve-accounts", (u, c) => `/users/${u}/accounts?filter=connection.id.eq('${c}')`],
  ["retrieve-transactions", (u, c) => `/users/${u}/transactions?filter=connection.id.eq('${c}')`],
  ["retrieve-statements", (u, c) => `/users/${u}/statements?filter=connection.id.eq('${c}')`],
  ["retrieve-metadata", null],
];
/** Step changes from "all pending" to "all success": each step goes in-progress, then success. */
export const LAST_STATE = STEPS.length * 2;

/** The JSON text of a realistic 5-step connection job after `state` step changes. */
export function jobBody(url, state) {
  const id = url.slice(url.lastIndexOf("/") + 1);
  const user = "ea3a81a7-2b4b-4d6b-9a3c-4f3c1d8d2a10";
  const conn = "8fce3b5d-7c0e-4e5e-8bd1-0a4d2c9f1e77";
  const second = String(10 + state).padStart(2, "0");
  return JSON.stringify({
    type: "job",
    id,
    created: "2025-11-22T10:00:00Z",
    updated: `2025-11-22T10:00:${second}Z`,
    jobType: "connection",
    partnerId: "b3a1c7e2-5f1d-4c8a-9e6b-2d7f0a3c4b5e",
    applicationId: "c9d8e7f6-a5b4-4c3d-8e2f-1a0b9c8d7e6f",
    institution: { type: "institution", id: "AU00000", links: { self: `${ORIGIN}/institutions/AU00000` } },
    steps: STEPS.map(([title, link], i) => {
      const status = state >= 2 * i + 2 ? "success" : state === 2 * i + 1 ? "in-progress" : "pending";
      const result = status === "success" && link ? { type: "link", url: link(user, conn) } : null;
      return { title, status, result };
    }),
    links: { self: url, source: `${ORIGIN}/users/${user}/connections/${conn}` },
  });
}

const light = (status, body) => ({
  status,
  ok: status >= 200 && status < 300,
  headers: { get: () => null },
  text: () => Promise.resolve(body),
});

/**
 * A fetch that answers from memory: `scripts` maps a URL to its answers, one per poll
 * (`[status, body]`), the last one repeated; or is a function `(url, n)` giving the n-th answer.
 * `real` answers with Response objects instead of plain look-alikes. `hook(url, total)` may
 * return a promise to hold an answer back.
 */
export function scriptedFetch(scripts, { real = false, hook = null } = {}) {
  const counts = new Map();
  let total = 0;
  const fetch = (url) => {
    const n = counts.get(url) ?? 0;
    let next;
    if (typeof scripts === "function") next = scripts(url, n);
    else {
      const answers = scripts.get(String(url));
      next = answers?.[Math.min(n, answers.length - 1)];
    }
    if (!next) return Promise.reject(new TypeError(`no script for ${url}`));
    counts.set(url, n + 1);
    total += 1;
    const [status, body] = next;
    const answer = () =>
      real ? new Response(body, { status, headers: { "Content-Type": "application/json" } }) : light(status, body);
    const held = hook?.(url, total);
    return held ? held.then(answer) : Promise.resolve(answer());
  };
  fetch.total = () => total;
  return fetch;
}

let fastTimers = false;
const realSetTimeout = globalThis.setTimeout.bind(globalThis);

/**
 * Makes timers of up to `maxMs` fire as soon as the event loop is free (a MessageChannel task)
 * and moves `Date.now()` forward to their deadline, so a poll loop with a 1 ms interval polls
 * back to back and both implementations spend the wait doing nothing. Longer timers (request
 * timeouts) stay real.
 */
export function installFastTimers(maxMs = 5) {
  if (fastTimers) return;
  fastTimers = true;
  const realClearTimeout = globalThis.clearTimeout.bind(globalThis);
  const realNow = Date.now.bind(Date);
  let offset = 0;
  Date.now = () => realNow() + offset;
  const pending = new Map();
  const queue = [];
  let nextId = 2 ** 30;
  const channel = new MessageChannel();
  channel.port1.onmessage = () => {
    const id = queue.shift();
    const timer = pending.get(id);
    if (!timer) return;
    pending.delete(id);
    const now = Date.now();
    if (timer.deadline > now) offset += timer.deadline - now;
    timer.fn(...timer.args);
  };
  globalThis.setTimeout = (fn, ms = 0, ...args) => {
    if (typeof fn !== "function" || ms > maxMs) return realSetTimeout(fn, ms, ...args);
    const id = ++nextId;
    pending.set(id, { fn, args, deadline: Date.now() + Math.max(0, ms) });
    queue.push(id);
    channel.port2.postMessage(null);
    return id;
  };
  globalThis.clearTimeout = (id) => {
    if (!pending.delete(id)) realClearTimeout(id);
  };
}

const sleep = (ms) => new Promise((resolve) => realSetTimeout(resolve, ms));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

let loaded = null;
async function load(pkg) {
  if (!loaded) {
    const mod = await import(pkg);
    const exports = await mod.default();
    // The plain-JS baseline is served next to the bench page (not by the sandbox).
    const pollJob = await import("/baseline/poller.js").then((m) => m.pollJob, () => null);
    loaded = { mod, exports, pollJob };
  }
  return loaded;
}

/** Starts one watch with either implementation; resolves with its outcome. */
function starter({ mod, pollJob }, impl) {
  if (impl === "wasm") return (url, options) => mod.watchJob(url, { operation: "create", ...options }).done;
  return (url, options) => pollJob(url, options).done;
}

// ----- init ----------------------------------------------------------------------------------

/** Times `await init()`: from bytes already in memory, or from the URL (fetch + streaming compile). */
export async function initTime({ pkg, wasm, fromBytes }) {
  const mod = await import(pkg);
  const input = fromBytes ? await (await fetch(wasm)).arrayBuffer() : wasm;
  const t0 = performance.now();
  await mod.default({ module_or_path: input });
  return performance.now() - t0;
}

// ----- one poll's work -----------------------------------------------------------------------

/**
 * Polls `watches` jobs one after another with each implementation, back to back (virtual clock,
 * 1 ms intervals), and returns the time per poll of every round for both.
 * `script`: "job" (41 polls, a step change every 4th, start to success) or "steady"
 * (401 polls of an unchanged running job, then success).
 */
export async function pollSpeed({ pkg, rounds, watches, script, real, only = null }) {
  installFastTimers();
  const lib = await load(pkg);
  const polls = script === "job" ? 4 * LAST_STATE + 1 : 401;
  const stateAt = script === "job" ? (k) => Math.floor(k / 4) : (k) => (k < polls - 1 ? 3 : LAST_STATE);
  const counters = { step: 0, progress: 0 };
  const options = {
    token: "bench-token",
    intervalMs: 1,
    maxIntervalMs: 1,
    // The work of a poll, not the wait for a Web Lock before each watch's first one (about a
    // millisecond of idle time, which the two-tab benchmark reports on its own).
    crossTab: false,
    onStep: () => counters.step++,
    onProgress: () => counters.progress++,
  };
  let serial = 0;
  const runOne = async (impl) => {
    const scripts = new Map();
    const urls = [];
    for (let w = 0; w < watches; w++) {
      const url = `${ORIGIN}/jobs/${impl}-${script}-${serial++}`;
      urls.push(url);
      scripts.set(url, Array.from({ length: polls }, (_, k) => [200, jobBody(url, stateAt(k))]));
    }
    const fetch = scriptedFetch(scripts, { real });
    const start = starter(lib, impl);
    counters.step = 0;
    counters.progress = 0;
    const t0 = performance.now();
    for (const url of urls) {
      const outcome = await start(url, { ...options, fetch });
      if (outcome.status !== "success") throw new Error(`${impl}: ${JSON.stringify(outcome).slice(0, 300)}`);
    }
    const ms = performance.now() - t0;
    return { perPollUs: (ms * 1000) / fetch.total(), polls: fetch.total(), steps: counters.step, progress: counters.progress };
  };
  if (only) {
    // Just one implementation (under a profiler): no comparison.
    const times = [];
    for (let r = 0; r < rounds; r++) times.push((await runOne(only)).perPollUs);
    return { [only]: times };
  }
  await runOne("wasm");
  await runOne("js");
  const out = { wasm: [], js: [], ratio: [], events: {} };
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 ? ["js", "wasm"] : ["wasm", "js"];
    const got = {};
    for (const impl of order) got[impl] = await runOne(impl);
    out.wasm.push(got.wasm.perPollUs);
    out.js.push(got.js.perPollUs);
    out.ratio.push(got.wasm.perPollUs / got.js.perPollUs);
    out.events = {
      wasm: { polls: got.wasm.polls, steps: got.wasm.steps, progress: got.wasm.progress },
      js: { polls: got.js.polls, steps: got.js.steps, progress: got.js.progress },
    };
  }
  return out;
}

// ----- a page watching several jobs (a refresh-all) -----------------------------------------

/**
 * Starts `count` watches of different jobs that poll in step (interval `intervalMs`, no jitter,
 * no back-off; `operation` as the page would pass it) against a scripted fetch, and measures
 * each poll round's main-thread burst:
 * from the first poll timer of the round firing to the last piece of work of that round. Work
 * belongs to round k from the moment the k-th fetch of every watch has been started (all
 * watches poll once per round), so slow rounds are measured as they are, never merged.
 */
export async function concurrent({ pkg, impl, count, intervalMs, operation = "create" }) {
  const lib = await load(pkg);
  const polls = 2 * LAST_STATE + 1; // a step change every second round, then success
  const scripts = new Map();
  const urls = [];
  for (let i = 0; i < count; i++) {
    const url = `${ORIGIN}/jobs/many-${impl}-${i}`;
    urls.push(url);
    scripts.set(url, Array.from({ length: polls }, (_, k) => [200, jobBody(url, Math.floor(k / 2))]));
  }
  let fetches = 0;
  const rounds = Array.from({ length: polls }, () => ({ first: Infinity, last: -Infinity }));
  const at = (round) => {
    const r = rounds[Math.min(Math.max(round, 0), polls - 1)];
    const t = performance.now();
    if (t < r.first) r.first = t;
    if (t > r.last) r.last = t;
  };
  // Before a fetch: the round it opens; after one: the round of the last fetch.
  const ahead = () => at(Math.floor(fetches / count));
  const behind = () => at(Math.floor((fetches - 1) / count));
  const fetch = scriptedFetch(scripts);
  const markedFetch = (url, init) => {
    ahead();
    fetches += 1;
    return fetch(url, init);
  };
  // Mark the poll timers firing and being set again.
  const savedSetTimeout = globalThis.setTimeout;
  globalThis.setTimeout = (fn, ms, ...args) => {
    if (ms === intervalMs && typeof fn === "function") {
      behind();
      return savedSetTimeout((...a) => {
        ahead();
        fn(...a);
      }, ms, ...args);
    }
    return savedSetTimeout(fn, ms, ...args);
  };
  // Every main-thread task over 50 ms while the watches run (Chromium's Long Tasks API).
  const longTasks = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) longTasks.push({ start: e.startTime, duration: e.duration });
  });
  observer.observe({ type: "longtask" });
  const start = starter(lib, impl);
  const options = {
    token: "bench-token",
    operation,
    fetch: markedFetch,
    intervalMs,
    maxIntervalMs: intervalMs,
    backoff: 1,
    jitter: 0,
    onStep: behind,
    onProgress: behind,
  };
  // The scripts above are the harness's work: the watches start in a task of their own. The mark
  // ties a trace of the run (bench/lib/trace.mjs) to this page's clock.
  await sleep(0);
  const markAt = performance.mark("basiq-bench-concurrent").startTime;
  ahead();
  const t0 = performance.now();
  const dones = urls.map((url) => start(url, options).then((o) => (behind(), o)));
  const startMs = performance.now() - t0;
  const outcomes = await Promise.all(dones);
  const endAt = performance.now();
  await sleep(50);
  observer.disconnect();
  globalThis.setTimeout = savedSetTimeout;
  const bad = outcomes.filter((o) => o.status !== "success").length;
  const bursts = rounds.map((r) => ({ start: r.first, ms: r.last - r.first }));
  return { count, polls: fetch.total(), bad, startMs, bursts, longTasks, markAt, startAt: t0, endAt };
}

// ----- memory --------------------------------------------------------------------------------

let mem = null;

/** Loads the package (the heap-stats build) and prepares one watch that polls on demand. */
export async function memSetup({ pkg, impl }) {
  installFastTimers();
  const lib = await load(pkg);
  const url = `${ORIGIN}/jobs/memory-${impl}`;
  const running = [
    [200, jobBody(url, 1)],
    [200, jobBody(url, 2)],
  ];
  mem = { lib, impl, url, stopAt: 0, parked: null, onPark: null, finishing: false, watch: null, done: null };
  const hook = (_url, n) => {
    if (n < mem.stopAt) return null;
    return new Promise((resolve) => {
      mem.parked = resolve;
      mem.onPark?.();
    });
  };
  // Alternate two states so every poll reports events, and answer every 7th poll with a 503;
  // once told to finish, the job succeeds.
  const script = (_url, n) => {
    if (mem.finishing) return [200, jobBody(url, LAST_STATE)];
    return n % 7 === 6 ? [503, "<html>busy</html>"] : running[n % 2];
  };
  mem.restart = () => {
    mem.fetch = scriptedFetch(script, { hook });
  };
  mem.restart();
  return { wasmMemoryBytes: lib.exports.memory.buffer.byteLength };
}

/** Polls until `polls` more requests have been made, then holds the next answer back. */
export async function memRun({ polls }) {
  mem.stopAt = mem.fetch.total() + polls;
  const parked = new Promise((resolve) => (mem.onPark = resolve));
  if (!mem.watch) {
    mem.watch = mem.impl === "wasm"
      ? mem.lib.mod.watchJob(mem.url, { token: "bench-token", intervalMs: 1, maxIntervalMs: 1, fetch: mem.fetch, onStep() {}, onProgress() {} })
      : mem.lib.pollJob(mem.url, { token: "bench-token", intervalMs: 1, maxIntervalMs: 1, fetch: mem.fetch, onStep() {}, onProgress() {} });
    mem.done = mem.watch.done;
  } else {
    const resume = mem.parked;
    mem.parked = null;
    resume();
  }
  await parked;
  return { polls: mem.fetch.total() };
}

/** Lets the job succeed, waits for `done`, and drops every reference to the watch. */
export async function memFinish() {
  mem.finishing = true;
  mem.stopAt = Infinity;
  const resume = mem.parked;
  mem.parked = null;
  resume?.();
  const outcome = await mem.done;
  mem.watch = null;
  mem.done = null;
  const polls = mem.fetch.total();
  // The next watch (same job URL, a new poll loop) starts over.
  mem.finishing = false;
  mem.restart();
  return { status: outcome.status, polls };
}

/**
 * Collects garbage (and lets finalizers free Rust objects), then reads the live Rust heap.
 * `clearResourceTimings`: first empties the browser's resource timing buffer (an entry per
 * request, up to 250), which a page on the network fills whatever code makes the requests.
 */
export async function heapNow({ clearResourceTimings = false } = {}) {
  const resourceEntries = performance.getEntriesByType("resource").length;
  if (clearResourceTimings) performance.clearResourceTimings();
  for (let i = 0; i < 4; i++) {
    globalThis.gc?.();
    await sleep(25);
  }
  const { mod, exports } = loaded;
  return {
    rustLiveBytes: typeof mod.liveHeapBytes === "function" ? mod.liveHeapBytes() : null,
    wasmMemoryBytes: exports.memory.buffer.byteLength,
    resourceEntries,
  };
}

// ----- requests against the sandbox ----------------------------------------------------------

const finishedJob = (job) =>
  job.steps.some((s) => s.status === "failed") ||
  (job.steps.length > 0 && job.steps.every((s) => s.status === "success" || s.status === "skipped"));

/**
 * A fetch that divides the connectors' average durations (sandbox milliseconds) by the sandbox's
 * speed, so they are real milliseconds like the watcher's timing options.
 */
function connectorsInRealTime(speed) {
  return async (url, init) => {
    const response = await fetch(url, init);
    if (!String(url).includes("/connectors")) return response;
    const body = await response.json();
    for (const c of body.data ?? []) {
      const avg = c.stats?.averageDurationMs ?? {};
      for (const k of Object.keys(avg)) avg[k] = Math.round(avg[k] / speed);
    }
    return new Response(JSON.stringify(body), { status: response.status, headers: response.headers });
  };
}

/** What partners write today: poll, and if the job is not finished, wait a fixed interval. */
async function fixedPoller(url, token, intervalMs) {
  for (;;) {
    const response = await fetch(url, { headers: { Authorization: `Bearer ${token}` }, cache: "no-store" });
    const job = await response.json();
    if (finishedJob(job)) return job.steps.some((s) => s.status === "failed") ? "failed" : "success";
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * One wave of jobs: for every strategy (its own user and token) and every spec, starts a
 * connection job on the sandbox and follows it to the end with that strategy.
 */
export async function requestsWave({ pkg, strategies, specs }) {
  const { mod } = await load(pkg);
  const runs = [];
  for (const s of strategies) {
    for (const spec of specs) {
      runs.push(
        (async () => {
          const response = await fetch(`/users/${s.userId}/connections`, {
            method: "POST",
            headers: { Authorization: `Bearer ${s.token}`, "Content-Type": "application/json" },
            body: JSON.stringify({ loginId: spec.loginId, password: spec.password, institution: { id: spec.institution } }),
          });
          const ref = await response.json();
          const url = ref.links.self;
          const startedAt = Date.now();
          let status;
          if (s.kind === "watcher") {
            const extra = s.institution ? { institutionId: spec.institution, fetch: connectorsInRealTime(s.speed) } : {};
            const outcome = await mod.watchJob(url, { token: s.token, operation: "create", ...s.timing, ...extra }).done;
            status = outcome.status;
          } else {
            status = await fixedPoller(url, s.token, s.intervalMs);
          }
          return { strategy: s.name, userId: s.userId, jobId: ref.id, spec: spec.name, startedAt, noticedAt: Date.now(), status };
        })(),
      );
    }
  }
  return Promise.all(runs);
}

// ----- soaks against the sandbox -------------------------------------------------------------

/** A CLIENT_ACCESS token from the sandbox's stand-in for a partner backend (no chaos there). */
async function clientToken(userId) {
  const response = await fetch("/sandbox/client-token", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(userId ? { userId } : {}),
  });
  if (!response.ok) throw new Error(`client-token: ${response.status}`);
  return response.json();
}

const connectionOf = (outcome) => /\/connections\/([^/?]+)/.exec(outcome.job?.links?.source ?? "")?.[1] ?? null;

/** What the bench keeps of an outcome: never the job body (it holds no secret, but is long). */
const brief = (o) => ({
  status: o.status,
  jobId: o.job?.id ?? null,
  created: o.job?.created ?? null,
  step: o.step,
  code: o.failure?.code,
  action: o.advice?.action,
  kind: o.error?.kind,
  message: o.error?.message,
});

let soak = null;

/** Loads the package and a user with a token provider that counts its calls. */
export async function soakSetup({ pkg }) {
  const lib = await load(pkg);
  const { userId } = await clientToken();
  soak = { lib, userId, tokens: 0, steps: [], watch: null, done: null, settled: null };
  soak.getToken = async () => {
    soak.tokens += 1;
    return (await clientToken(userId)).access_token;
  };
  return { userId };
}

/**
 * The first watch: a new connection at `institution`. For a bank in an outage it fails at
 * sign-in with service-unavailable; the page is then as it is between watches.
 */
export async function soakConnect({ institution, loginId, password, timing }) {
  const { mod } = soak.lib;
  const options = { getToken: soak.getToken, apiBase: location.origin, ...timing };
  const outcome = await mod.createConnection(soak.userId, { loginId, password, institution: { id: institution } }, options).done;
  soak.connectionId = connectionOf(outcome);
  return { ...brief(outcome), connectionId: soak.connectionId, tokens: soak.tokens };
}

/**
 * Updates the connection (new password): the job's sign-in meets the outage and goes to Basiq's
 * retry queue. Resolves once the watch has reported the queue advice through onStep. From then
 * on, every answered poll of the job moves the sandbox clock on by `stepMs` (the time a poll
 * stands for), before the package sees the answer: time passes between polls, never between
 * getting a token and using it, however slow the machine.
 */
export async function soakQueueStart({ password, timing, stepMs }) {
  const { mod } = soak.lib;
  let queuedNow;
  let inQueue = false;
  const advised = new Promise((resolve) => (queuedNow = resolve));
  const queued = () => {
    inQueue = true;
    queuedNow();
  };
  const options = {
    getToken: soak.getToken,
    apiBase: location.origin,
    ...timing,
    onStep: (e) => {
      soak.steps.push({ step: e.step, status: e.status, action: e.advice?.action ?? null });
      if (e.advice?.action === "wait-for-automatic-retry") queued();
    },
  };
  // Instrumentation only: the real fetch, with the page's count of requests and failed ones.
  soak.requests = { sent: 0, failed: 0, errors: {} };
  soak.advances = 0;
  options.fetch = async (...args) => {
    soak.requests.sent += 1;
    try {
      const response = await fetch(...args);
      const [input, init] = args;
      const url = String(input?.url ?? input);
      if (inQueue && stepMs && response.status === 200 && /\/jobs\/[^/]+$/.test(url) && (init?.method ?? input?.method ?? "GET") === "GET") {
        await fetch("/sandbox/clock/advance", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ ms: stepMs }) });
        soak.advances += 1;
      }
      return response;
    } catch (e) {
      soak.requests.failed += 1;
      const key = String(e?.message ?? e).slice(0, 80);
      soak.requests.errors[key] = (soak.requests.errors[key] ?? 0) + 1;
      throw e;
    }
  };
  soak.watch = mod.updateConnection(soak.userId, soak.connectionId, { password }, options);
  soak.done = soak.watch.done.then((o) => (soak.settled = brief(o)));
  await Promise.race([advised, soak.done]);
  return { queued: soak.settled === null, settled: soak.settled, jobId: soak.watch.snapshot()?.id ?? null, tokens: soak.tokens };
}

/** Whether the queued watch has settled yet, and the token calls so far. */
export function soakState() {
  return { settled: soak.settled, tokens: soak.tokens, steps: soak.steps.length };
}

/** Cancels the queued watch (the warm-up), waits for `done`, and drops every reference to it. */
export async function soakQueueCancel() {
  soak.watch.cancel();
  await soak.done;
  const out = { outcome: soak.settled, tokens: soak.tokens };
  soak.watch = null;
  soak.done = null;
  soak.steps = [];
  return out;
}

/** Waits for the queued watch's outcome, then drops every reference to the watch. */
export async function soakQueueEnd() {
  await soak.done;
  const out = { outcome: soak.settled, tokens: soak.tokens, steps: soak.steps, requests: soak.requests, advances: soak.advances };
  soak.watch = null;
  soak.done = null;
  soak.steps = [];
  return out;
}

/**
 * `jobs` connection jobs at once, one new user each (`specs[i % specs.length]`: institution,
 * login, and the MFA answer to give), all followed to their end by the package with `timing`.
 * An MFA answer the API did not take (a fault) is given again, as a user would press the
 * button again, a few times.
 */
export async function soakChaos({ pkg, jobs, specs, timing }) {
  const { mod } = await load(pkg);
  let tokens = 0;
  const one = async (i) => {
    const spec = specs[i % specs.length];
    const { userId } = await clientToken();
    const getToken = async () => {
      tokens += 1;
      return (await clientToken(userId)).access_token;
    };
    let watch = null;
    const mfaTries = [];
    const answer = async () => {
      for (let attempt = 0; attempt < 5; attempt++) {
        try {
          await watch.answerMfa(spec.answers);
          mfaTries.push("ok");
          return;
        } catch (e) {
          mfaTries.push(e.kind ?? "error");
          await sleep(100);
        }
      }
    };
    const options = {
      getToken,
      apiBase: location.origin,
      ...timing,
      onMfa: () => {
        if (spec.answers) answer();
      },
    };
    const credentials = { loginId: spec.loginId, password: spec.password, institution: { id: spec.institution } };
    watch = mod.createConnection(userId, credentials, options);
    const outcome = await watch.done;
    return { spec: spec.name, ...brief(outcome), mfaTries };
  };
  const t0 = performance.now();
  const results = await Promise.all(Array.from({ length: jobs }, (_, i) => one(i)));
  return { results, ms: performance.now() - t0, tokens };
}
