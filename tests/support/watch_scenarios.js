// Watch scenarios as a partner's page runs them: through the package's real JS exports, with a
// scripted `fetch` (the documented `fetch` option). Each scenario throws on the first broken rule.

let api = null;

/** The generated JS module the test page loaded, as an ES module namespace. */
async function load() {
  if (api) return api;
  const tried = [];
  // The runner serves its glue at `/wasm-bindgen-test`; importing any other URL would make a second,
  // uninitialised instance.
  for (const url of ["/wasm-bindgen-test", "/wasm-bindgen-test.js"]) {
    try {
      const m = await import(url);
      if (typeof m.watchJob === "function") return (api = m);
      tried.push(`${url}: exports ${Object.keys(m).join(",")}`);
    } catch (e) {
      tried.push(`${url}: ${e}`);
    }
  }
  throw new Error(`cannot load the generated module (${tried.join("; ")})`);
}

const ORIGIN = "https://au-api.basiq.io";
const JOB = `${ORIGIN}/jobs/j1`;
const TOKEN = "secret-token-3f9a";
const FAST = { intervalMs: 10, maxIntervalMs: 30, jitter: 0 };

function assert(cond, what, detail) {
  if (!cond) throw new Error(`${what}${detail === undefined ? "" : ": " + JSON.stringify(detail)}`);
}

function job(steps, extra = {}) {
  return JSON.stringify({
    type: "job",
    id: "j1",
    created: new Date().toISOString(),
    steps: steps.map(([title, status, result = null]) => ({ title, status, result })),
    links: { self: JOB, source: `${ORIGIN}/users/u1/connections/c1` },
    ...extra,
  });
}

const LINK = (url) => ({ type: "link", url });
const C = LINK("/users/u1/connections/c1");
const A = LINK("/users/u1/accounts?filter=connection.id.eq('c1')");
const T = LINK("/users/u1/transactions?filter=connection.id.eq('c1')");
const RUNNING = job([["verify-credentials", "in-progress"], ["retrieve-accounts", "pending"], ["retrieve-transactions", "pending"]]);
const ACCOUNTS = job([["verify-credentials", "success", C], ["retrieve-accounts", "in-progress"], ["retrieve-transactions", "pending"]]);
const SUCCESS = job([["verify-credentials", "success", C], ["retrieve-accounts", "success", A], ["retrieve-transactions", "success", T]]);
const failedOn = (i, code) =>
  job(["verify-credentials", "retrieve-accounts", "retrieve-transactions"].map((t, j) =>
    j < i ? [t, "success", j === 0 ? C : A] : j === i ? [t, "failed", { code, title: "Title", detail: "Detail" }] : [t, "pending"]));

/** A scripted fetch: answers in order (the last one repeats); records every call. */
function script(answers) {
  const calls = [];
  let i = 0;
  const fetch = (url, init) => {
    calls.push({ url, init, at: performance.now() });
    const a = answers[Math.min(i++, answers.length - 1)];
    if (typeof a === "function") return a(url, init);
    const [status, body, headers] = typeof a === "string" ? [200, a, {}] : a;
    return Promise.resolve(new Response(body, { status, headers }));
  };
  return { fetch, calls };
}

/** Starts a watch recording every callback. */
function watch(answers, options = {}, url = JOB) {
  const s = script(answers);
  const seen = { steps: [], progress: [], mfa: [] };
  const w = api.watchJob(url, {
    token: TOKEN,
    fetch: s.fetch,
    onStep: (e) => seen.steps.push(e),
    onProgress: (p) => seen.progress.push(p),
    onMfa: (m) => seen.mfa.push(m),
    ...FAST,
    ...options,
  });
  return { w, s, seen };
}

/** A header of a request as the scripted fetch saw it (`init.headers`, in any form fetch takes). */
const header = (init, name) => new Headers(init.headers).get(name);

function noToken(value, where) {
  assert(!JSON.stringify(value).includes(TOKEN), `the token leaked into ${where}`);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const scenarios = {
  async success() {
    const { w, s, seen } = watch([RUNNING, ACCOUNTS, SUCCESS]);
    assert(w.snapshot() === null, "no snapshot before the first answer");
    const o = await w.done;
    assert(o.status === "success", "status", o);
    assert(o.connectionUrl === `${ORIGIN}/users/u1/connections/c1`, "connectionUrl", o);
    // As the browser's URL parser serialises it (the URL fetch would send): `'` is %27 in a query.
    assert(o.accountsUrl === new URL("/users/u1/accounts?filter=connection.id.eq('c1')", ORIGIN).href, "accountsUrl", o);
    assert(o.accountsUrl === `${ORIGIN}/users/u1/accounts?filter=connection.id.eq(%27c1%27)`, "accountsUrl encoded", o);
    assert(o.transactionsUrl.startsWith(`${ORIGIN}/users/u1/transactions`), "transactionsUrl", o);
    assert(o.job.id === "j1" && o.job.steps.length === 3, "job", o.job);
    const moves = seen.steps.map((e) => `${e.step}:${e.previous}>${e.status}`);
    assert(JSON.stringify(moves) === JSON.stringify([
      "verify-credentials:pending>in-progress",
      "verify-credentials:in-progress>success",
      "retrieve-accounts:pending>in-progress",
      "retrieve-accounts:in-progress>success",
      "retrieve-transactions:pending>in-progress",
      "retrieve-transactions:in-progress>success",
    ]), "every step change once, in order", moves);
    assert(seen.steps.every((e) => e.total === 3 && typeof e.index === "number"), "index/total", seen.steps);
    assert(seen.steps[1].resultUrl === `${ORIGIN}/users/u1/connections/c1`, "absolute resultUrl", seen.steps[1]);
    const fractions = seen.progress.map((p) => p.fraction);
    assert(JSON.stringify(fractions) === JSON.stringify([0, 1 / 3, 1]), "progress fractions", fractions);
    assert(seen.progress.every((p) => p.total === 3 && p.job.id === "j1"), "progress shape", seen.progress);
    // `job` behaves as a plain data property, though it is parsed only when read.
    const p0 = seen.progress[0];
    assert(p0.job === p0.job && p0.job.steps[0].status === "in-progress", "the same job each read", p0.job);
    assert(Object.keys(p0).includes("job") && JSON.parse(JSON.stringify(p0)).job.id === "j1", "listed and serialised", Object.keys(p0));
    assert(structuredClone(p0).job.steps.length === 3 && { ...p0 }.job === p0.job, "cloned and spread", p0);
    p0.job = "replaced";
    assert(p0.job === "replaced", "assignable", p0.job);
    const frozen = Object.freeze(seen.progress[1]);
    assert(frozen.job.steps[1].status === "in-progress", "readable when frozen before first read", frozen.job);
    assert(o.job === o.job && Object.keys(o).join() === "status,job,connectionUrl,accountsUrl,transactionsUrl", "outcome fields in order", Object.keys(o));
    const first = s.calls[0];
    assert(first.url === JOB, "polls the job URL", first.url);
    assert(header(first.init, "Authorization") === `Bearer ${TOKEN}`, "bearer token sent to the API origin", [...new Headers(first.init.headers)]);
    assert(first.init.cache === "no-store" && first.init.method === "GET", "uncached GET", first.init);
    assert(first.init.signal instanceof AbortSignal, "each request has an AbortSignal");
    assert(s.calls.every((c) => !c.init.signal.aborted), "an answered request is not aborted", s.calls.map((c) => c.init.signal.aborted));
    assert(new Set(s.calls.map((c) => c.init.signal)).size === s.calls.length, "one AbortSignal per request");
    assert(w.snapshot().steps[2].status === "success", "snapshot is the last job", w.snapshot());
    noToken(o, "the outcome");
    noToken(seen, "the events");
    noToken(w.save(), "save()");
    assert(w.done === w.done, "done is one promise");
  },

  async seedFailures() {
    const cases = [
      [failedOn(0, "invalid-credentials"), "refresh", "verify-credentials", "resubmit-credentials"],
      [failedOn(1, "account-not-accessible-requires-user-action"), "create", "retrieve-accounts", "clear-bank-popup"],
      [failedOn(1, "service-unavailable"), "create", "retrieve-accounts", "try-later"],
    ];
    for (const [body, operation, step, action] of cases) {
      const { w, seen } = watch([RUNNING, body], { operation });
      const o = await w.done;
      assert(o.status === "failed", `${action}: status`, o);
      assert(o.step === step && o.advice.action === action, `${action}: advice`, o);
      assert(o.failure.title === "Title" && o.failure.detail === "Detail", `${action}: failure`, o.failure);
      assert(typeof o.advice.title === "string" && o.advice.message.length > 20, `${action}: plain text`, o.advice);
      const failed = seen.steps.find((e) => e.status === "failed");
      assert(failed && failed.advice.action === action, `${action}: onStep carries the advice`, failed);
    }
  },

  async updateRetryQueue() {
    const queued = failedOn(1, "service-unavailable");
    const { w, s, seen } = watch([queued, queued, queued, ACCOUNTS, SUCCESS], { operation: "update", longIntervalMs: 60 });
    const o = await w.done;
    assert(o.status === "success", "the queued update ends in success", o);
    const advice = seen.steps.find((e) => e.status === "failed").advice;
    assert(advice.action === "wait-for-automatic-retry" && advice.automaticRetry === true, "automatic retry advice", advice);
    assert(advice.retryAfterMs === 7200000, "2 hours", advice);
    const gaps = s.calls.slice(1, 3).map((c, i) => c.at - s.calls[i].at);
    assert(gaps.every((g) => g >= 55), "slow polling while queued", gaps);
  },

  async retryAfter() {
    const { w, s } = watch([[429, "", { "Retry-After": "1" }], SUCCESS]);
    const o = await w.done;
    assert(o.status === "success", "status", o);
    const gap = s.calls[1].at - s.calls[0].at;
    assert(gap >= 950, "waited for Retry-After", gap);
  },

  async tokenRefresh() {
    let asked = 0;
    const { w, s } = watch([[401, ""], SUCCESS], { getToken: async () => `fresh-${++asked}` });
    const o = await w.done;
    assert(o.status === "success", "status", o);
    assert(asked === 1, "getToken asked once", asked);
    assert(header(s.calls[0].init, "Authorization") === `Bearer ${TOKEN}`, "first the given token");
    assert(header(s.calls[1].init, "Authorization") === "Bearer fresh-1", "then the fresh one", [...new Headers(s.calls[1].init.headers)]);
    const again = watch([[401, ""]], { getToken: async () => "still-bad" });
    const o2 = await again.w.done;
    assert(o2.status === "error" && o2.error.kind === "unauthorized" && o2.error.httpStatus === 401, "second 401", o2);
    assert(o2.advice.action === "start-again", "advice", o2.advice);
    const onlyProvider = watch([SUCCESS], { token: undefined, getToken: () => "from-provider" });
    await onlyProvider.w.done;
    assert(header(onlyProvider.s.calls[0].init, "Authorization") === "Bearer from-provider", "provider asked first");
  },

  async hungRequestTimesOut() {
    const signals = [];
    const hang = (_url, init) => { signals.push(init.signal); return new Promise(() => {}); };
    const { w } = watch([hang], { requestTimeoutMs: 50, maxConsecutiveErrors: 2 });
    const o = await w.done;
    assert(o.status === "error" && o.error.kind === "network", "timed-out requests end as network errors", o);
    assert(o.error.message.includes("50 ms"), "message says why", o.error);
    assert(signals.length === 2 && signals.every((s) => s.aborted), "each hung request was aborted", signals.map((s) => s.aborted));
  },

  async abortMidWait() {
    const ctl = new AbortController();
    const { w, s } = watch([RUNNING], { signal: ctl.signal, intervalMs: 5000, maxIntervalMs: 5000 });
    await sleep(50);
    assert(s.calls.length === 1, "waiting after the first poll", s.calls.length);
    const t = performance.now();
    ctl.abort();
    const o = await w.done;
    assert(o.status === "cancelled" && o.job.id === "j1", "cancelled with the last job", o);
    assert(performance.now() - t < 1000, "the wait was cut short");
    const pre = new AbortController();
    pre.abort();
    const early = watch([SUCCESS], { signal: pre.signal });
    const o2 = await early.w.done;
    assert(o2.status === "cancelled" && o2.job === null && early.s.calls.length === 0, "an aborted signal never polls", o2);
    const straight = watch([SUCCESS]);
    assert(straight.s.calls.length === 0, "nothing is sent before watchJob returns", straight.s.calls.length);
    straight.w.cancel();
    const o2b = await straight.w.done;
    assert(o2b.status === "cancelled" && straight.s.calls.length === 0, "cancel() straight after watchJob sends nothing", [o2b.status, straight.s.calls.length]);
    const inflight = watch([(_u, init) => new Promise((_r, reject) => init.signal.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError"))))]);
    await sleep(20);
    inflight.w.cancel();
    const o3 = await inflight.w.done;
    assert(o3.status === "cancelled", "cancel() aborts the request in flight", o3);
    assert(inflight.s.calls[0].init.signal.aborted, "its signal was aborted");
  },

  async hungBodyTimesOut() {
    // The answer's headers arrive, its body never does: the same request timeout covers both.
    const signals = [];
    const hang = (_url, init) => {
      signals.push(init.signal);
      return Promise.resolve({ status: 200, ok: true, headers: { get: () => null }, text: () => new Promise(() => {}) });
    };
    const t = performance.now();
    const { w } = watch([hang], { requestTimeoutMs: 50, maxConsecutiveErrors: 1 });
    const o = await w.done;
    assert(o.status === "error" && o.error.kind === "network" && o.error.message.includes("50 ms"), "a hung body times out", o);
    assert(performance.now() - t < 2000, "within the request timeout");
    assert(signals.length === 1 && signals[0].aborted, "and its request is aborted");
  },

  async cancelIgnoringFetch() {
    // A fetch that ignores its signal still ends at once when the watch is cancelled.
    let init = null;
    const deaf = (_url, i) => { init = i; return new Promise(() => {}); };
    const ctl = new AbortController();
    const { w } = watch([deaf], { signal: ctl.signal });
    await sleep(20);
    const t = performance.now();
    ctl.abort();
    const o = await w.done;
    assert(o.status === "cancelled", "cancelled", o);
    assert(performance.now() - t < 500, "at once, though the fetch never answers");
    assert(init && init.signal.aborted, "the request's signal was aborted");
    // A hung body too.
    let bodyInit = null;
    const slowBody = (_url, i) => {
      bodyInit = i;
      return Promise.resolve({ status: 200, headers: { get: () => null }, text: () => new Promise(() => {}) });
    };
    const b = watch([slowBody]);
    await sleep(20);
    b.w.cancel();
    assert((await b.w.done).status === "cancelled", "cancelled while reading the body");
    assert(bodyInit.signal.aborted, "that request's signal was aborted");
  },

  async oddTransports() {
    // Plain look-alike answers, as an instrumented fetch may give: read duck-typed.
    let n = 0;
    const light = (status, body, retryAfter = null) => () =>
      Promise.resolve({ status, ok: status < 300, headers: { get: (h) => (h === "Retry-After" ? retryAfter : null) }, text: () => Promise.resolve(body) });
    const plain = watch([light(503, "", "1"), light(200, RUNNING), light(200, SUCCESS)]);
    const o = await plain.w.done;
    assert(o.status === "success", "look-alike answers work", o);
    const gap = plain.s.calls[1].at - plain.s.calls[0].at;
    assert(gap >= 950, "Retry-After read through headers.get", gap);
    // A fetch that throws synchronously: a network error with its message.
    const thrower = watch([() => { n++; throw new Error("sync boom"); }], { maxConsecutiveErrors: 2 });
    const o2 = await thrower.w.done;
    assert(o2.status === "error" && o2.error.kind === "network" && o2.error.message.includes("sync boom"), "sync throw", o2);
    assert(n === 2, "retried like any network error", n);
    // A rejection that is not an Error.
    const odd = watch([() => Promise.reject("plain string")], { maxConsecutiveErrors: 1 });
    const o3 = await odd.w.done;
    assert(o3.status === "error" && o3.error.message.includes("plain string"), "a thrown string is the message", o3);
    // A body that is not text, a text() that throws or rejects, headers that throw.
    const weird = watch([
      () => Promise.resolve({ status: 200, headers: { get: () => null }, text: () => Promise.resolve(42) }),
      () => Promise.resolve({ status: 200, headers: null, text: () => { throw new Error("no body"); } }),
      () => Promise.resolve({ status: 200, headers: { get() { throw new Error("bad headers"); } }, text: () => Promise.reject(new Error("body lost")) }),
      () => Promise.resolve(null),
    ], { maxConsecutiveErrors: 4 });
    const o4 = await weird.w.done;
    assert(o4.status === "error", "odd answers settle done", o4);
    assert(weird.s.calls.length === 4, "each counted as a failed poll", weird.s.calls.length);
    // getToken that never answers times out; one that rejects is an error; both settle done.
    const asked = performance.now();
    const stuck = watch([[401, ""]], { token: undefined, getToken: () => new Promise(() => {}), requestTimeoutMs: 50 });
    const o5 = await stuck.w.done;
    assert(o5.status === "error" && stuck.s.calls.length === 0, "a getToken that never answers settles done", o5);
    assert(o5.error.message.includes("did not answer in time"), "the message says getToken did not answer", o5.error);
    assert(performance.now() - asked < 2000, "bounded by the request timeout", performance.now() - asked);
    const refused = watch([SUCCESS], { token: undefined, getToken: () => Promise.reject(new Error("no session")) });
    const o6 = await refused.w.done;
    assert(o6.status === "error" && o6.error.message.includes("no session"), "getToken's rejection is the message", o6);
    // Cancelling while getToken is pending.
    const pending = watch([SUCCESS], { token: undefined, getToken: () => new Promise(() => {}) });
    await sleep(20);
    pending.w.cancel();
    assert((await pending.w.done).status === "cancelled", "cancelled while waiting for a token");
  },

  async mfaWakesTheWait() {
    // Answering MFA ends the wait at once, however long the interval.
    const challenge = job([["verify-credentials", "success", C],
      ["mfa-challenge", "in-progress", { type: "mfa", method: "token", input: ["Code"], expiryMs: 120000, links: { response: `${JOB}/mfa` } }],
      ["retrieve-accounts", "pending"]]);
    let answered = false;
    const { w, s, seen } = watch([(url, init) => {
      if (init.method === "POST") { answered = true; return Promise.resolve(new Response("{}", { status: 202 })); }
      return Promise.resolve(new Response(answered ? SUCCESS : challenge, { status: 200 }));
    }], { intervalMs: 60000, maxIntervalMs: 60000 });
    while (seen.mfa.length === 0) await sleep(5);
    await sleep(20);
    const polls = s.calls.length;
    const t = performance.now();
    await w.answerMfa(["1234"]);
    const o = await w.done;
    assert(o.status === "success", "success after the answer", o);
    assert(performance.now() - t < 1000, "the wait was cut short", performance.now() - t);
    assert(s.calls.length === polls + 2, "the POST, then one poll", s.calls.length - polls);
  },

  async mfaExpiredToken() {
    // An MFA answer refused for an expired token (403 access-denied) goes again, once, with a
    // fresh token from getToken; the user is never asked again.
    const challenge = job([["verify-credentials", "success", C],
      ["mfa-challenge", "in-progress", { type: "mfa", method: "token", input: ["Code"], expiryMs: 120000, links: { response: `${JOB}/mfa` } }],
      ["retrieve-accounts", "pending"]]);
    const expired = JSON.stringify({ type: "list", data: [{ type: "error", code: "access-denied", title: "Access denied", detail: "Token has expired" }] });
    const posts = [];
    let tokens = 0;
    const s = script([(url, init) => {
      if (init.method === "POST") {
        posts.push(new Headers(init.headers).get("Authorization"));
        return Promise.resolve(new Response(posts.length === 1 ? expired : "{}", { status: posts.length === 1 ? 403 : 202 }));
      }
      return Promise.resolve(new Response(posts.length > 1 ? SUCCESS : challenge, { status: 200 }));
    }]);
    const seen = [];
    const w = api.watchJob(JOB, {
      getToken: () => `token-${++tokens}`,
      fetch: s.fetch,
      onMfa: (c) => seen.push(c),
      intervalMs: 60000,
      maxIntervalMs: 60000,
    });
    while (seen.length === 0) await sleep(5);
    await w.answerMfa(["1234"]);
    assert(posts.length === 2, "the answer went again", posts);
    assert(posts[0] === "Bearer token-1" && posts[1] === "Bearer token-2", "with a fresh token", posts);
    assert((await w.done).status === "success", "and the job went on");
  },

  async mfaCancelled() {
    // Cancelling while an MFA answer is in flight aborts its POST, even one whose fetch ignores
    // its signal, and the answer's promise rejects as cancelled; done settles as cancelled.
    const challenge = job([["verify-credentials", "success", C],
      ["mfa-challenge", "in-progress", { type: "mfa", method: "token", input: ["Code"], expiryMs: 120000, links: { response: `${JOB}/mfa` } }],
      ["retrieve-accounts", "pending"]]);
    let post = null;
    const { w, seen } = watch([(url, init) => {
      if (init.method === "POST") { post = init; return new Promise(() => {}); }
      return Promise.resolve(new Response(challenge, { status: 200 }));
    }], { intervalMs: 60000, maxIntervalMs: 60000 });
    while (seen.mfa.length === 0) await sleep(5);
    const answer = w.answerMfa(["1234"]);
    await sleep(20);
    assert(post && !post.signal.aborted, "the POST is in flight");
    const t = performance.now();
    w.cancel();
    let refused = null;
    try { await answer; } catch (e) { refused = e; }
    assert(refused && refused.kind === "cancelled", "answerMfa rejects as cancelled", refused && refused.kind);
    assert(performance.now() - t < 500, "at once, though the POST never answers", performance.now() - t);
    assert(post.signal.aborted, "the POST was aborted");
    assert((await w.done).status === "cancelled", "done settles as cancelled");
  },

  async throwingCallbacks() {
    const { w, seen } = watch([RUNNING, SUCCESS], {
      onStep: () => { throw new Error("partner bug"); },
      onProgress: (p) => { seen.progress.push(p); throw "also a bug"; },
    });
    const o = await w.done;
    assert(o.status === "success", "a throwing callback does not stop the watch", o);
    assert(seen.progress.length === 2, "later callbacks still run", seen.progress.length);
  },

  async malformedBodies() {
    const { w } = watch(["{\"id\":", "<html>502</html>", [200, ""], "[]", "{\"id\":\"j1\",\"steps\":7}"]);
    const o = await w.done;
    assert(o.status === "error" && o.error.kind === "invalid-response", "invalid-response", o);
    const net = watch([() => Promise.reject(new TypeError("Failed to fetch"))], { maxConsecutiveErrors: 3 });
    const o2 = await net.w.done;
    assert(o2.status === "error" && o2.error.kind === "network" && o2.error.message.includes("Failed to fetch"), "network", o2);
    const gone = watch([[404, "{}"]]);
    const o3 = await gone.w.done;
    assert(o3.error.kind === "not-found" && o3.error.httpStatus === 404 && gone.s.calls.length === 1, "404 at once", o3);
    const weird = watch([() => Promise.resolve({ nope: true })], { maxConsecutiveErrors: 1 });
    const o4 = await weird.w.done;
    assert(o4.status === "error", "a fetch that returns a non-response settles done", o4);
  },

  async untrustedUrl() {
    const evil = job([["verify-credentials", "in-progress"]], { links: { self: "https://evil.example/jobs/j1" } });
    const { w, s } = watch([evil, SUCCESS]);
    const o = await w.done;
    assert(o.status === "error" && o.error.kind === "untrusted-url", "untrusted-url", o);
    assert(s.calls.every((c) => c.url.startsWith(ORIGIN)), "never called the other origin", s.calls.map((c) => c.url));
    assert(o.advice.action === "contact-support", "advice", o.advice);
  },

  async saveRestore() {
    const first = watch([ACCOUNTS], { intervalMs: 5000, maxIntervalMs: 5000 });
    await sleep(50);
    const saved = first.w.save();
    first.w.cancel();
    await first.w.done;
    assert(typeof saved === "string" && !saved.includes(TOKEN), "save() holds no token", saved);
    assert(first.seen.steps.length === 3, "three events before the reload", first.seen.steps.length);
    const s = script([ACCOUNTS, SUCCESS]);
    const steps = [];
    const w = api.restoreWatch(saved, { token: TOKEN, fetch: s.fetch, onStep: (e) => steps.push(e), ...FAST });
    const o = await w.done;
    assert(o.status === "success", "the restored watch goes on", o);
    const moves = steps.map((e) => `${e.step}:${e.previous}>${e.status}`);
    assert(JSON.stringify(moves) === JSON.stringify([
      "retrieve-accounts:in-progress>success",
      "retrieve-transactions:pending>in-progress",
      "retrieve-transactions:in-progress>success",
    ]), "no event repeated after restore", moves);
    assert(s.calls[0].url === JOB, "same job URL", s.calls[0].url);
    for (const bad of ["", "{}", "nonsense", 42]) {
      let threw = null;
      try { api.restoreWatch(bad, { token: TOKEN }); } catch (e) { threw = e; }
      assert(threw instanceof TypeError, `restoreWatch(${JSON.stringify(bad)}) throws a TypeError`, String(threw));
    }
  },

  async mfa() {
    const challenge = job([["verify-credentials", "success", C],
      ["mfa-challenge", "in-progress", { type: "mfa", method: "token", input: ["Enter the code"], expiryMs: 120000, links: { response: `${JOB}/mfa` } }],
      ["retrieve-accounts", "pending"]]);
    let posted = null;
    const answers = [challenge, challenge, challenge, (url, init) => {
      if (init.method === "POST") { posted = { url, init }; return Promise.resolve(new Response("{\"type\":\"job\",\"id\":\"j1\"}", { status: 202 })); }
      return Promise.resolve(new Response(SUCCESS, { status: 200 }));
    }];
    const { w, seen } = watch(answers, { intervalMs: 200, maxIntervalMs: 200 });
    while (seen.mfa.length === 0) await sleep(5);
    const m = seen.mfa[0];
    assert(m.step === "mfa-challenge" && m.method === "token" && m.prompts[0] === "Enter the code", "challenge", m);
    assert(Math.abs(m.expiresAt - (Date.now() + 120000)) < 5000, "expiresAt", m.expiresAt);
    let bad = null;
    try { await w.answerMfa([]); } catch (e) { bad = e; }
    assert(bad && bad.kind === "invalid-answers", "empty answers refused", bad && bad.kind);
    // Answers that are not a list of strings reject the returned promise; nothing throws.
    const notList = w.answerMfa("1234");
    assert(notList instanceof Promise, "answerMfa returns a promise even for bad answers");
    bad = null;
    try { await notList; } catch (e) { bad = e; }
    assert(bad instanceof TypeError && /array of strings/.test(bad.message), "a non-list is a TypeError", bad && String(bad));
    await sleep(500);
    await w.answerMfa(["1234"]);
    assert(posted.url === `${JOB}/mfa` && posted.init.body === "{\"mfa-response\":[\"1234\"]}", "posted the answer", posted);
    assert(header(posted.init, "Authorization") === `Bearer ${TOKEN}`, "with the token");
    const o = await w.done;
    assert(o.status === "success", "then polling resumes to the end", o);
    assert(seen.mfa.length === 1, "the challenge was reported once", seen.mfa.length);
  },

  async optionErrors() {
    const cases = [
      [JOB, {}],
      [JOB, { token: "" }],
      [42, { token: TOKEN }],
      ["http://au-api.basiq.io/jobs/1", { token: TOKEN }],
      ["/jobs/1", { token: TOKEN }],
      [JOB, { token: TOKEN, operation: "delete" }],
      [JOB, { token: TOKEN, onStep: "nope" }],
      [JOB, { token: TOKEN, intervalMs: -1 }],
      [JOB, { token: TOKEN, intervalMs: 0 }],
      [JOB, { token: TOKEN, apiOrigin: "https://other.example" }],
      [JOB, null],
    ];
    for (const [url, options] of cases) {
      let threw = null;
      try { api.watchJob(url, options); } catch (e) { threw = e; }
      assert(threw instanceof TypeError && threw.message.startsWith("watchJob: "), `TypeError for ${JSON.stringify([url, options])}`, String(threw));
    }
    const ok = api.watchJob("http://127.0.0.1:8080/jobs/1", { token: TOKEN, fetch: () => new Promise(() => {}) });
    ok.cancel();
    assert((await ok.done).status === "cancelled", "loopback http is allowed");
  },

  async doneSettlesOnce() {
    const { w } = watch([SUCCESS]);
    const a = await w.done;
    w.cancel();
    const b = await w.done;
    assert(a === b && a.status === "success", "cancel after the end changes nothing", b);
    const t = watch([RUNNING], { timeoutMs: 100 });
    const o = await t.w.done;
    assert(o.status === "timed-out" && o.elapsedMs >= 100 && o.job.id === "j1", "timed-out", o);
  },

  async startJobs() {
    let posted = null;
    const s = script([(url, init) => {
      posted = { url, init };
      return Promise.resolve(new Response(JSON.stringify({ type: "job", id: "j1", links: { self: JOB } }), { status: 202 }));
    }, RUNNING, SUCCESS]);
    const steps = [];
    const w = api.createConnection("u1", { loginId: "gavin", password: "p\"w", institution: { id: "AU00000" } },
      { token: TOKEN, fetch: s.fetch, apiBase: ORIGIN, onStep: (e) => steps.push(e), ...FAST });
    assert(w.save() === "", "nothing to save before the job is known");
    const o = await w.done;
    assert(o.status === "success", "created and watched to the end", o);
    assert(posted.url === `${ORIGIN}/users/u1/connections` && posted.init.method === "POST", "POST to connections", posted.url);
    assert(JSON.parse(posted.init.body).loginId === "gavin" && JSON.parse(posted.init.body).institution.id === "AU00000", "body", posted.init.body);
    assert(header(posted.init, "Content-Type") === "application/json", "JSON body");
    assert(s.calls[1].url === JOB, "then polls the job", s.calls[1].url);
    assert(steps.length === 6, "every step reported", steps.length);
    const refused = script([[400, JSON.stringify({ type: "list", data: [{ type: "error", code: "institution-not-found" }] })]]);
    const bad = api.createConnection("u1", { loginId: "a", password: "b", institution: { id: "XX" } }, { token: TOKEN, fetch: refused.fetch, apiBase: ORIGIN });
    const o2 = await bad.done;
    assert(o2.status === "error" && o2.error.httpStatus === 400 && o2.advice.action === "choose-another-institution", "refused start", o2);
    for (const [name, call] of [
      ["missing password", () => api.createConnection("u1", { loginId: "a", institution: { id: "AU00000" } }, { token: TOKEN })],
      ["empty user id", () => api.refreshConnection("", "c1", { token: TOKEN })],
      ["bad apiBase", () => api.refreshConnection("u1", "c1", { token: TOKEN, apiBase: "http://example.com" })],
    ]) {
      let threw = null;
      try { call(); } catch (e) { threw = e; }
      assert(threw instanceof TypeError, `${name} throws a TypeError`, String(threw));
    }
  },

  async sharedStream() {
    const first = watch([RUNNING, ACCOUNTS, ACCOUNTS, ACCOUNTS, SUCCESS], { intervalMs: 40, maxIntervalMs: 40 });
    await sleep(10);
    const joinedProgress = [];
    const other = script([SUCCESS]);
    const second = api.watchJob(JOB, { token: TOKEN, fetch: other.fetch, onProgress: (p) => joinedProgress.push(p) });
    const [a, b] = await Promise.all([first.w.done, second.done]);
    assert(a.status === "success" && b.status === "success", "both watches end", [a.status, b.status]);
    assert(other.calls.length === 0, "the second watch polled nothing of its own", other.calls.length);
    assert(joinedProgress.length >= 2 && joinedProgress[0].job.id === "j1", "the joiner got the current progress first", joinedProgress.length);
    // A refresh answered 200 with the running job joins the watch already following it.
    const running = watch([ACCOUNTS, ACCOUNTS, ACCOUNTS, SUCCESS], { intervalMs: 40, maxIntervalMs: 40 });
    await sleep(10);
    const dup = script([[200, ACCOUNTS], SUCCESS]);
    const again = api.refreshConnection("u1", "c1", { token: TOKEN, fetch: dup.fetch, apiBase: ORIGIN });
    const [c, d] = await Promise.all([running.w.done, again.done]);
    assert(c.status === "success" && d.status === "success", "both end", [c.status, d.status]);
    assert(dup.calls.length === 1 && dup.calls[0].init.method === "POST", "only the POST; no second poll loop", dup.calls.map((x) => x.url));
    // Among several jobs, a watch joins its own, whatever order their URLs sort in, and one
    // job ending leaves the others' loops to be found.
    const jobAt = (id) => {
      const url = `${ORIGIN}/jobs/${id}`;
      const body = (steps) => job(steps, { id, links: { self: url } });
      return { id, url, running: body(JSON.parse(RUNNING).steps.map((t) => [t.title, t.status])), done: body(JSON.parse(SUCCESS).steps.map((t) => [t.title, t.status, t.result])) };
    };
    const jobs = ["j9", "j3", "j5", "j7"].map(jobAt);
    const owners = jobs.map((j) => watch([...Array(j.id === "j3" ? 1 : 8).fill(j.running), j.done], { intervalMs: 20, maxIntervalMs: 20 }, j.url));
    assert((await owners[1].w.done).status === "success", "j3 ends first");
    const joiners = jobs.map((j) => {
      const own = script([j.done]);
      return { own, w: api.watchJob(j.url, { token: TOKEN, fetch: own.fetch }) };
    });
    for (const [k, j] of jobs.entries()) {
      const [owner, joiner] = await Promise.all([owners[k].w.done, joiners[k].w.done]);
      assert(owner.status === "success" && joiner.status === "success", `${j.id}: both end`, [owner.status, joiner.status]);
      assert(joiner.job.id === j.id, `${j.id}: the joiner followed its own job`, joiner.job.id);
      const polledItself = joiners[k].own.calls.length > 0;
      assert(polledItself === (j.id === "j3"), `${j.id}: only the watch of the ended job polls on its own`, joiners[k].own.calls.length);
    }
    // Cancelling one watch leaves the other going.
    const x = watch([RUNNING, RUNNING, SUCCESS], { intervalMs: 30, maxIntervalMs: 30 });
    const y = api.watchJob(JOB, { token: TOKEN });
    y.cancel();
    assert((await y.done).status === "cancelled", "the cancelled one");
    assert((await x.w.done).status === "success", "the other goes on");
  },

  async rememberedFailures() {
    const KEY = "basiq-jobs:failures:c7";
    localStorage.removeItem(KEY);
    const ref = [202, JSON.stringify({ type: "job", id: "j1", links: { self: JOB } })];
    const refresh = (answers, extra = {}) => api.refreshConnection("u1", "c7",
      { token: TOKEN, fetch: script([ref, ...answers]).fetch, apiBase: ORIGIN, ...FAST, ...extra }).done;
    const actions = [];
    for (let i = 0; i < 3; i++) {
      const o = await refresh([failedOn(1, "service-unavailable")]);
      actions.push(o.advice.action);
      if (i === 2) assert(o.advice.supportReference === "c7", "the connection id to quote", o.advice);
    }
    assert(JSON.stringify(actions) === JSON.stringify(["try-later", "try-later", "contact-support"]),
      "the third failure in a row goes to support, with no count passed in", actions);
    assert(localStorage.getItem(KEY) === "3", "the run is kept in storage", localStorage.getItem(KEY));
    const off = await refresh([failedOn(1, "service-unavailable")], { rememberFailures: false });
    assert(off.advice.action === "try-later" && localStorage.getItem(KEY) === "3", "rememberFailures: false neither reads nor writes", off.advice.action);
    const given = await refresh([failedOn(1, "service-unavailable")], { previousFailures: 0 });
    assert(given.advice.action === "try-later", "previousFailures wins over storage", given.advice.action);
    const ok = await refresh([SUCCESS]);
    assert(ok.status === "success" && localStorage.getItem(KEY) === null, "a success ends the run and forgets it", localStorage.getItem(KEY));
    localStorage.setItem(KEY, "2");
    const cancelled = api.refreshConnection("u1", "c7", { token: TOKEN, fetch: () => new Promise(() => {}), apiBase: ORIGIN });
    cancelled.cancel();
    await cancelled.done;
    assert(localStorage.getItem(KEY) === "2", "a cancelled watch says nothing about the bank", localStorage.getItem(KEY));
    localStorage.removeItem(KEY);
  },
};

/** Runs one scenario by name. */
export async function run(name) {
  await load();
  const s = scenarios[name];
  if (!s) throw new Error(`no scenario ${name}`);
  await s();
}
