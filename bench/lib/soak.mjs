// Soaks on the sandbox: a 7-day wait in Basiq's retry queue on the sandbox's fast clock (token
// renewals included), and many jobs at once under the sandbox's faults. Each records what it
// did, the Rust and JS heap before and after, and whether every outcome was the one its user
// should get; a wrong outcome or heap growth past the bound is a failed soak, not a crash.

import { call, openPage } from "./browser.mjs";
import { startSandbox } from "./requests.mjs";

const DAY = 86_400_000;
const KB = 1024;

/** The bounds of "back to baseline", as in the 10,000-poll memory measurement. */
export const HEAP_BOUND = { rust: KB, js: 64 * KB };

/** The Rust live heap (heap-stats build) and the JS heap after a forced GC, as the memory section reads them. */
async function heapReader(context, page) {
  const cdp = await context.newCDPSession(page);
  return async () => {
    const h = await call(page, "heapNow", { clearResourceTimings: true });
    await cdp.send("HeapProfiler.collectGarbage");
    const { usedSize, embedderHeapUsedSize = 0 } = await cdp.send("Runtime.getHeapUsage");
    // `js` is V8's heap, as in the memory section. Blink's own objects are apart
    // (embedderHeapUsedSize): on the network they include the bench's DevTools session keeping
    // a record of every response and the console's "Failed to load resource" lines, which no
    // page code controls; they are reported, not judged.
    return { rust: h.rustLiveBytes, js: usedSize, blink: embedderHeapUsedSize, wasmMemory: h.wasmMemoryBytes, resourceEntries: h.resourceEntries };
  };
}

const grew = (a, b) => ({ rust: b.rust - a.rust, js: b.js - a.js, blink: b.blink - a.blink });
const withinBound = (g) => g.rust <= HEAP_BOUND.rust && g.js <= HEAP_BOUND.js;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * A connection update at Aviato (ZZ00001, in a major outage all along): its sign-in goes to
 * Basiq's retry queue, which retries every 2 hours for 7 days. The page watches it with a
 * long-interval policy: each poll of the queued job stands for `stepMs` of sandbox time (10
 * minutes, the default `longIntervalMs`) and moves the sandbox clock on by that much once it is
 * answered, while the page waits only `longIntervalMs` real milliseconds between polls. Tokens
 * live 60 sandbox minutes, so the package's `getToken` (which counts its calls) is asked again
 * after about every sixth poll. The user should get `error` with kind `expired`: Basiq gave up
 * after 7 days and the API no longer returns the job.
 */
export async function queueSoak({ browser, bin, www, pkg, speed, stepMs, longIntervalMs, log }) {
  const sandbox = await startSandbox({ bin, speed, www, pkg });
  const scaled = (ms) => Math.max(1, Math.round(ms / speed));
  const timing = {
    // Until the queue: the defaults on the sandbox clock (its steps run `speed` times faster);
    // back-off after errors and the request timeout stay in real time (the network is no faster).
    intervalMs: scaled(1000),
    maxIntervalMs: 5000,
    longIntervalMs,
    // 8 days (real): more than the queue's 7, so the queue's end decides, never a timeout.
    timeoutMs: 8 * DAY,
    requestTimeoutMs: 10_000,
  };
  const { context, page } = await openPage(browser, `${sandbox.url}/index.html`);
  const clock = async () => (await sandbox.api("GET", "/sandbox/clock")).nowMs;
  try {
    const heap = await heapReader(context, page);
    // A warm-up, as in the memory section: the same flow for another user, its update watched
    // for 2 sandbox days of the queue and then cancelled, so compiled code and one-time
    // allocations are in place and the baseline is the page as it is between watches.
    await call(page, "soakSetup", { pkg: "/pkg/basiq_jobs.js" });
    await call(page, "soakConnect", { institution: "ZZ00001", loginId: "soak-warm-up", password: "pw", timing });
    const warm = await call(page, "soakQueueStart", { password: "pw2", timing, stepMs });
    if (warm.queued) {
      const from = await clock();
      while ((await clock()) - from < 2 * DAY) await sleep(250);
    }
    const warmUp = await call(page, "soakQueueCancel");
    log?.(`7-day soak: warm-up watch ${warmUp.outcome?.status} after 2 sandbox days in the queue`);
    await call(page, "soakSetup", { pkg: "/pkg/basiq_jobs.js" });
    // The first watch: the connection itself (it fails at sign-in: the bank is down).
    const first = await call(page, "soakConnect", { institution: "ZZ00001", loginId: "soak-user", password: "pw", timing });
    if (!first.connectionId) throw new Error(`7-day soak: no connection was created: ${JSON.stringify(first)}`);
    const before = await heap();
    const tokensBefore = first.tokens;
    const start = await call(page, "soakQueueStart", { password: "pw2", timing, stepMs });
    if (!start.queued) {
      return { ok: false, reason: `the update did not wait in the queue: ${JSON.stringify(start.settled)}`, first, start };
    }
    const queuedAt = await clock();
    log?.(`7-day soak: job ${start.jobId} in the retry queue`);
    // Day by day on the sandbox's side only (the page is left alone: every call into it compiles
    // code that would count as heap) until the API no longer returns the job. Heap readings on
    // day 1 (every code path of the wait has run: polls, token renewals, the queue's retries)
    // and after day 6.
    const days = [];
    const startedAt = Date.now();
    let queued = null;
    let late = null;
    for (;;) {
      await sleep(200);
      const now = await clock();
      const day = (now - queuedAt) / DAY;
      const newDay = days.length === 0 || Math.floor(day) > days[days.length - 1].day;
      if (newDay) {
        const stats = await sandbox.api("GET", "/sandbox/stats");
        days.push({ day: Math.floor(day), polls: stats.byJob[start.jobId] ?? 0 });
        log?.(`7-day soak: sandbox day ${day.toFixed(1)}, ${days[days.length - 1].polls} polls`);
      }
      if (!queued && day >= 1) queued = { day, ...(await heap()) };
      if (!late && day >= 6) late = { day, ...(await heap()) };
      // Settled early (a wrong outcome, judged below) or at the end of the queue.
      if ((newDay || day >= 7) && (await call(page, "soakState")).settled) break;
      if (day > 9 || Date.now() - startedAt > 10 * 60_000) return { ok: false, reason: "the watch was still waiting after 9 sandbox days", first, start };
    }
    const end = await call(page, "soakQueueEnd");
    const endedAt = await clock();
    const after = await heap();
    if (page.errors.length) throw new Error(`7-day soak: page errors: ${page.errors.join("; ")}`);
    const stats = await sandbox.api("GET", "/sandbox/stats");
    const polls = stats.byJob[start.jobId] ?? 0;
    const o = end.outcome;
    const outcomeOk = o.status === "error" && o.kind === "expired";
    const created = o.created ? Date.parse(o.created) : queuedAt;
    const growth = { left: grew(before, after), during: queued && late ? grew(queued, late) : null };
    const heapOk = withinBound(growth.left) && growth.during !== null && withinBound(growth.during);
    return {
      ok: outcomeOk && heapOk,
      outcomeOk,
      heapOk,
      expected: "an `error` outcome with kind `expired`",
      outcome: o,
      first,
      warmUp: warmUp.outcome,
      speed,
      stepMs,
      advances: end.advances,
      timing,
      simulatedDays: (endedAt - created) / DAY,
      polls,
      // The update's own getToken calls: its first token, then one per refusal of an expired one.
      tokenCalls: end.tokens - tokensBefore,
      renewals: Math.max(0, end.tokens - tokensBefore - 1),
      tokenLifetimeHours: 1,
      steps: end.steps.length,
      pageRequests: end.requests,
      queueAdvice: end.steps.filter((s) => s.action === "wait-for-automatic-retry").length,
      heap: { before, queued, late, after },
      growth,
      days,
      requests: stats.total,
      byRoute: stats.byRoute,
    };
  } finally {
    await context.close();
    await sandbox.stop();
  }
}

/**
 * The jobs of the chaos soak: who connects, and what they should end with. Hooli (AU00000)
 * for the documented test users and two who just connect; Pied Piper Bank (AU00002) challenges
 * every sign-in, answered right or wrong.
 */
export const CHAOS_SPECS = [
  { name: "dinesh connects", institution: "AU00000", loginId: "dinesh", password: "chugs", expect: { status: "success" } },
  { name: "laurieBream connects", institution: "AU00000", loginId: "laurieBream", password: "business2024", expect: { status: "success" } },
  { name: "bighead: re-enter details", institution: "AU00000", loginId: "bighead", password: "password", expect: { status: "failed", step: "verify-credentials", action: "resubmit-credentials" } },
  { name: "erlich: clear the bank's popup", institution: "AU00000", loginId: "erlich", password: "aviato", expect: { status: "failed", step: "retrieve-accounts", action: "clear-bank-popup" } },
  { name: "jianYang: try later", institution: "AU00000", loginId: "jianYang", password: "nothotdog", expect: { status: "failed", step: "retrieve-accounts", action: "try-later" } },
  { name: "jared: MFA code right", institution: "AU00002", loginId: "jared", password: "django", answers: ["1234"], expect: { status: "success" } },
  { name: "Gilfoyle: security question right", institution: "AU00002", loginId: "Gilfoyle", password: "PiedPiper", answers: ["Hooli"], expect: { status: "success" } },
  { name: "richard: MFA code wrong", institution: "AU00002", loginId: "richard", password: "tabsnotspaces", answers: ["0000"], expect: { status: "failed", step: "mfa-challenge", action: "resubmit-credentials" } },
];

const matches = (got, expect) => Object.entries(expect).every(([k, v]) => got[k] === v);

/**
 * `jobs` connection jobs at once in one page against a sandbox with `--chaos rate`: 5xx, 429
 * and 503 with Retry-After, slow answers, dropped connections, cut-off bodies, HTML pages.
 * Each job's user comes from CHAOS_SPECS in turn; each must end as its spec says.
 */
export async function chaosSoak({ browser, bin, www, pkg, speed, rate, seed, jobs, timing, log }) {
  const sandbox = await startSandbox({ bin, speed, www, pkg, seed, chaos: rate });
  const { context, page } = await openPage(browser, `${sandbox.url}/index.html`);
  try {
    const heap = await heapReader(context, page);
    const specs = CHAOS_SPECS.map(({ expect, ...s }) => s);
    // Two rounds of as many jobs warm the page up (compiled code, and tables grown to hold that
    // many watches at once: how many run at once varies with the faults, and a table that grew
    // stays grown, while a leak grows every round); the baseline is the page after them.
    let warm = null;
    for (let round = 0; round < 2; round++) warm = await call(page, "soakChaos", { pkg: "/pkg/basiq_jobs.js", jobs, specs, timing });
    const before = await heap();
    await sandbox.api("POST", "/sandbox/stats/reset");
    const faultsBefore = { ...sandbox.faults };
    log?.(`chaos soak: warm-up done (${warm.results.filter((r, i) => matches(r, CHAOS_SPECS[i % CHAOS_SPECS.length].expect)).length}/${warm.results.length} right); ${jobs} jobs at once`);
    const t0 = Date.now();
    const r = await call(page, "soakChaos", { pkg: "/pkg/basiq_jobs.js", jobs, specs, timing });
    const wallMs = Date.now() - t0;
    const after = await heap();
    if (page.errors.length) throw new Error(`chaos soak: page errors: ${page.errors.join("; ")}`);
    const stats = await sandbox.api("GET", "/sandbox/stats");
    const faultsByKind = Object.fromEntries(Object.entries(sandbox.faults).map(([k, n]) => [k, n - (faultsBefore[k] ?? 0)]));
    const faults = Object.values(faultsByKind).reduce((a, b) => a + b, 0);
    const results = r.results.map((got, i) => {
      const spec = CHAOS_SPECS[i % CHAOS_SPECS.length];
      return { ...got, expect: spec.expect, right: matches(got, spec.expect) };
    });
    const right = results.filter((x) => x.right).length;
    const growth = grew(before, after);
    const heapOk = withinBound(growth);
    const bySpec = CHAOS_SPECS.map((s) => {
      const xs = results.filter((x) => x.spec === s.name);
      return { spec: s.name, expect: s.expect, jobs: xs.length, right: xs.filter((x) => x.right).length, wrong: xs.filter((x) => !x.right).map((x) => ({ status: x.status, step: x.step, action: x.action, kind: x.kind, message: x.message })) };
    });
    return {
      ok: right === jobs && heapOk,
      heapOk,
      jobs,
      right,
      rate,
      seed,
      speed,
      timing,
      wallMs,
      pageMs: r.ms,
      requests: stats.total,
      byRoute: stats.byRoute,
      faults,
      faultsByKind,
      tokenCalls: r.tokens,
      mfaRetries: results.reduce((n, x) => n + x.mfaTries.filter((t) => t !== "ok").length, 0),
      heap: { before, after },
      growth,
      bySpec,
      results,
    };
  } finally {
    await context.close();
    await sandbox.stop();
  }
}

