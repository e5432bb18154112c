#!/usr/bin/env node
// make bench: size, speed, memory and requests of basiq-jobs, side by side with a plain-JS
// poller and the npm packages a partner might use instead. Writes bench/RESULTS.md,
// bench/requests.svg and the raw figures in bench/out/*.json.
//
// Expects the release package in pkg/ (make build) and the release sandbox binary; builds the
// heap-stats package and a build that keeps function names itself. Environment:
//   BENCH_QUICK=1   fewer repetitions (a smoke run; figures are noisier)
//   BENCH_ONLY=polls,profile,concurrent,memory,requests,tabs,queue,chaos   just those parts, printed to the console; no report
//   BENCH_ROUNDS=N  rounds of the one-poll comparison (9 by default)
//   BENCH_TOP=N     rows of the profile the quick loop prints (20 by default)
//   CARGO_TARGET_DIR, SANDBOX_BIN, CHROMIUM   as elsewhere

import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { call, launch, openPage, serveStatic } from "./lib/browser.mjs";
import { requestsChart } from "./lib/chart.mjs";
import { chaosSoak, queueSoak } from "./lib/soak.mjs";
import { measureRequests } from "./lib/requests.mjs";
import { measureTabs } from "./lib/tabs.mjs";
import { writeReport } from "./lib/report.mjs";
import { contributors, fileSizes, jsFiles, totalSizes } from "./lib/size.mjs";
import { busyMs, mainThreadTasks } from "./lib/trace.mjs";
import { mean, quantile, summary } from "./lib/stats.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const BENCH = join(ROOT, "bench");
const OUT = join(BENCH, "out");
const TARGET = resolve(ROOT, process.env.CARGO_TARGET_DIR ?? "target");
const SANDBOX_BIN = process.env.SANDBOX_BIN ?? join(TARGET, "release", "basiq-sandbox");
const QUICK = process.env.BENCH_QUICK === "1";
const ONLY = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(",")) : null;
const BIN = join(ROOT, "node_modules", ".bin");
const PATH = `${BIN}:${join(os.homedir(), ".cargo", "bin")}:${process.env.PATH}`;

/** A refresh-all: the page watches this many jobs at once. */
const CONCURRENT_JOBS = 10;
/** How often they poll: long enough that a round ends well before the next begins. */
const CONCURRENT_INTERVAL_MS = 200;
/** The sandbox runs this many times faster than real time in the requests benchmark. */
const SPEED = 10;
/**
 * The 7-day soak: each poll of the queued job stands for 10 sandbox minutes (the default
 * `longIntervalMs`) and moves the sandbox clock on by that much; the page waits 25 real ms
 * between them. The clock also runs 10 times faster, for the steps before the queue.
 */
const QUEUE = { speed: 10, stepMs: 600_000, longIntervalMs: 25 };
/** The chaos soak: this many jobs at once, a share of faulty answers, the sandbox's clock speed. */
const CHAOS = { jobs: 50, rate: 0.3, seed: 7, speed: 10 };
const REPS = {
  initLoads: QUICK ? 5 : 21,
  pollRounds: Number(process.env.BENCH_ROUNDS) || (QUICK ? 3 : 9),
  concurrentRuns: QUICK ? 1 : 5,
  memoryRuns: QUICK ? 1 : 3,
  requestRuns: QUICK ? 1 : 3,
  requestWaves: QUICK ? 2 : 4,
  tabWaves: QUICK ? 1 : 3,
};

// make bench writes its start time (with setup and builds) to bench/out/started.
const started = Date.now();
const makeStarted = (() => {
  try {
    return Number(readFileSync(join(OUT, "started"), "utf8")) * 1000 || null;
  } catch {
    return null;
  }
})();
const log = (msg) => console.log(`bench: ${msg} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
const run = (cmd, args, opts = {}) =>
  execFileSync(cmd, args, { cwd: ROOT, stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, PATH, ...opts.env } });
const capture = (cmd, args) => {
  try {
    return execFileSync(cmd, args, { cwd: ROOT, encoding: "utf8", env: { ...process.env, PATH } }).trim();
  } catch {
    return "";
  }
};
const saveJson = (name, value) => writeFileSync(join(OUT, `${name}.json`), JSON.stringify(value, null, 2) + "\n");

// ----- builds --------------------------------------------------------------------------------

// The variants build in a target directory of their own, so a `make build` running at the
// same time can never pick up one of their .wasm files for pkg/.
const VARIANTS = join(TARGET, "bench");

function buildHeap() {
  log("building the heap-stats package into bench/out/pkg-heap");
  run("wasm-pack", ["--quiet", "build", "--release", "--target", "web", "--out-dir", join(OUT, "pkg-heap"), "--", "--features", "heap-stats"], {
    env: { CARGO_TARGET_DIR: VARIANTS },
  });
}

function builds() {
  if (!existsSync(join(ROOT, "pkg", "basiq_jobs_bg.wasm"))) {
    throw new Error("pkg/ has no release build: run `make build` (or `make bench`) first");
  }
  if (!existsSync(SANDBOX_BIN)) throw new Error(`no sandbox at ${SANDBOX_BIN}: run cargo build --release -p sandbox`);
  // A copy, so a rebuild of pkg/ while the bench runs cannot change what it measures.
  rmSync(join(OUT, "pkg"), { recursive: true, force: true });
  cpSync(join(ROOT, "pkg"), join(OUT, "pkg"), { recursive: true });
  const variants = VARIANTS;
  buildHeap();

  // The release build with its name section: not stripped, wasm-bindgen keeps names, and
  // wasm-opt runs with the release flags plus --debuginfo (which keeps names too).
  log("building a copy of the release wasm that keeps function names");
  run("cargo", ["build", "--quiet", "--release", "--target", "wasm32-unknown-unknown", "--lib"], {
    env: { CARGO_TARGET_DIR: variants, CARGO_PROFILE_RELEASE_STRIP: "false" },
  });
  const raw = join(OUT, "names-raw");
  const named = join(OUT, "pkg-names");
  rmSync(raw, { recursive: true, force: true });
  rmSync(named, { recursive: true, force: true });
  run("wasm-bindgen", ["--target", "web", "--out-dir", raw, join(variants, "wasm32-unknown-unknown", "release", "basiq_jobs.wasm")]);
  // wasm-pack's release flags from Cargo.toml (a TOML array of strings, on one line or several).
  const flags = JSON.parse(/^wasm-opt\s*=\s*(\[[^\]]*\])/m.exec(readFileSync(join(ROOT, "Cargo.toml"), "utf8"))?.[1].replace(/,\s*\]/, "]") ?? '["-Oz"]');
  mkdirSync(named, { recursive: true });
  run("wasm-opt", [...flags, "--debuginfo", join(raw, "basiq_jobs_bg.wasm"), "-o", join(named, "basiq_jobs_bg.wasm")]);
  cpSync(join(raw, "basiq_jobs.js"), join(named, "basiq_jobs.js"));
  // The glue imports the crate's JS snippets from there, as in the shipped package.
  if (existsSync(join(raw, "snippets"))) cpSync(join(raw, "snippets"), join(named, "snippets"), { recursive: true });
}

// ----- size ----------------------------------------------------------------------------------

function measureSize() {
  const bundles = join(OUT, "bundles");
  mkdirSync(bundles, { recursive: true });
  const esbuild = (entry, out, extra = []) => {
    run(join(BIN, "esbuild"), [entry, "--bundle", "--minify", "--format=esm", "--platform=browser", "--target=es2020", `--outfile=${out}`, "--log-level=warning", ...extra]);
    return out;
  };
  const version = (name) => JSON.parse(readFileSync(join(ROOT, "node_modules", name, "package.json"), "utf8")).version;
  const pkg = join(OUT, "pkg");
  // Shipped: what a browser loads, as scripts/size-guard counts it, each file compressed on its
  // own: the .wasm, the glue, the browser entry index.js and any snippets; not node.js (Node
  // only) nor wasm-inline.js (the .wasm again, loaded only where a dev server lost the file).
  const wasm = fileSizes(join(pkg, "basiq_jobs_bg.wasm"));
  const js = jsFiles(pkg).filter((f) => f !== "node.js" && f !== "wasm-inline.js");
  const glue = totalSizes(js.map((f) => fileSizes(join(pkg, f))));
  const shipped = totalSizes([wasm, glue]);
  // Minified: what a partner's bundler makes of the entry (index.js bundled with the glue and its
  // snippets, minified by esbuild; the inlined copy stays a separate chunk); the .wasm as it is.
  const glueMin = fileSizes(esbuild(join(pkg, "index.js"), join(bundles, "glue.min.js"), ["--external:./wasm-inline.js"]));
  const minified = totalSizes([wasm, glueMin]);
  const rows = [
    { name: "basiq-jobs `.wasm`", ...wasm },
    { name: `basiq-jobs JS as shipped (${js.map((f) => `\`${f}\``).join(" + ")})`, ...glue },
    { name: "**basiq-jobs shipped total** (budget)", ...shipped, total: true },
    { name: "basiq-jobs `index.js` + glue bundled and minified (esbuild)", ...glueMin },
    { name: "basiq-jobs `.wasm` + minified glue (what a partner's bundle carries)", ...minified },
    { name: "plain-JS poller (`bench/baseline/poller.js`)", ...fileSizes(esbuild(join(BENCH, "baseline", "poller.js"), join(bundles, "poller.min.js"))) },
    { name: `@azure/core-lro ${version("@azure/core-lro")} + glue (\`bench/alternatives/core-lro.js\`)`, ...fileSizes(esbuild(join(BENCH, "alternatives", "core-lro.js"), join(bundles, "core-lro.min.js"))) },
    { name: `p-retry ${version("p-retry")} + glue (\`bench/alternatives/p-retry.js\`)`, ...fileSizes(esbuild(join(BENCH, "alternatives", "p-retry.js"), join(bundles, "p-retry.min.js"))) },
  ];
  const named = contributors(readFileSync(join(OUT, "pkg-names", "basiq_jobs_bg.wasm")));
  const release = contributors(readFileSync(join(pkg, "basiq_jobs_bg.wasm")));
  return {
    rows,
    shipped,
    minified,
    wasm,
    glue,
    glueMin,
    jsFiles: js,
    release: { sections: release.sections, codeBytes: release.codeBytes, dataBytes: release.dataBytes, functions: release.functions },
    named,
  };
}

// ----- speed ---------------------------------------------------------------------------------

async function measureInit(browser, url) {
  const out = {};
  for (const [key, fromBytes] of [["fromBytes", true], ["streaming", false]]) {
    const times = [];
    for (let i = 0; i < REPS.initLoads; i++) {
      const { context, page } = await openPage(browser, `${url}/index.html`);
      times.push(await call(page, "initTime", { pkg: "/pkg/basiq_jobs.js", wasm: "/pkg/basiq_jobs_bg.wasm", fromBytes }));
      await context.close();
    }
    out[key] = { times, ...summary(times) };
  }
  return out;
}

async function measurePolls(browser, url) {
  const cases = [
    { key: "job", script: "job", real: false, watches: 25 },
    { key: "steady", script: "steady", real: false, watches: 3 },
    { key: "jobResponses", script: "job", real: true, watches: 25 },
  ];
  const out = {};
  for (const c of cases) {
    const { context, page } = await openPage(browser, `${url}/index.html`);
    const r = await call(page, "pollSpeed", { pkg: "/pkg/basiq_jobs.js", rounds: REPS.pollRounds, watches: c.watches, script: c.script, real: c.real });
    if (page.errors.length) throw new Error(`poll speed: ${page.errors.join("; ")}`);
    await context.close();
    out[c.key] = { ...c, wasm: summary(r.wasm), js: summary(r.js), ratio: summary(r.ratio), events: r.events, raw: r };
  }
  return out;
}

/** A CPU profile of one-poll work with the named build: self time by function. */
async function profilePolls(browser, url) {
  const { context, page } = await openPage(browser, `${url}/index.html`);
  const cdp = await context.newCDPSession(page);
  await call(page, "pollSpeed", { pkg: "/pkg-names/basiq_jobs.js", rounds: 1, watches: 25, script: "job", real: false, only: "wasm" });
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval: 50 });
  await cdp.send("Profiler.start");
  await call(page, "pollSpeed", { pkg: "/pkg-names/basiq_jobs.js", rounds: 6, watches: 25, script: "job", real: false, only: "wasm" });
  const { profile } = await cdp.send("Profiler.stop");
  await context.close();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const keyOf = (n) => {
    const f = n.callFrame;
    let where;
    if (f.url.startsWith("wasm://") || f.url.endsWith(".wasm")) where = "wasm";
    else if (f.url.endsWith("/basiq_jobs.js") || f.url.includes("/snippets/")) where = "JS glue";
    else if (f.url.endsWith("/harness.js")) where = "bench harness";
    else if (!f.url) where = "builtins & GC";
    else where = "other JS";
    const name = (f.functionName || "(anonymous)").replace(/^\$/, "").replace(/\[[0-9a-f]{8,}\]/g, "").replace(/::h[0-9a-f]{16}/g, "");
    return `${where}\u0000${name}`;
  };
  const self = new Map();
  // Time with the package's function anywhere on the stack (for BENCH_ONLY=profile only).
  const inclusive = new Map();
  const dt = profile.timeDeltas;
  profile.samples.forEach((id, i) => {
    const key = keyOf(byId.get(id));
    self.set(key, (self.get(key) ?? 0) + (dt[i] ?? 0));
    const seen = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) seen.add(keyOf(byId.get(at)));
    for (const k of seen) inclusive.set(k, (inclusive.get(k) ?? 0) + (dt[i] ?? 0));
  });
  // Idle time is not work; the harness (scripting the jobs, counting events) is not the package's.
  const idle = new Set(["(idle)", "(program)"]);
  let total = 0;
  let harness = 0;
  const rows = [];
  for (const [key, us] of self) {
    const [where, name] = key.split("\u0000");
    if (where === "builtins & GC" && idle.has(name)) continue;
    if (where === "bench harness") {
      harness += us;
      continue;
    }
    total += us;
    rows.push({ where, name, us });
  }
  rows.sort((a, b) => b.us - a.us);
  const byWhere = {};
  for (const r of rows) byWhere[r.where] = (byWhere[r.where] ?? 0) + r.us;
  return {
    totalMs: total / 1000,
    harnessShare: harness / (total + harness),
    byWhere: Object.entries(byWhere).map(([where, us]) => ({ where, share: us / total })).sort((a, b) => b.share - a.share),
    top: rows.slice(0, Number(process.env.BENCH_TOP ?? 20)).map((r) => ({ ...r, share: r.us / total })),
    inclusive: [...inclusive]
      .filter(([k]) => !k.startsWith("bench harness") && !k.startsWith("builtins"))
      .sort((a, b) => b[1] - a[1])
      .slice(0, Number(process.env.BENCH_TOP ?? 20))
      .map(([k, us]) => ({ where: k.split("\u0000")[0], name: k.split("\u0000")[1], share: us / total })),
  };
}

/**
 * A page watching CONCURRENT_JOBS jobs (a refresh-all): main-thread work per poll round, and
 * every main-thread task over 50 ms (the page's own PerformanceObserver for "longtask"). A
 * Chromium trace of each run gives the busy time of the page's main thread inside each round's
 * burst and the longest task of any length.
 */
async function measureConcurrent(browser, url) {
  const out = {};
  for (const impl of ["wasm", "js"]) {
    const runs = [];
    for (let i = 0; i < REPS.concurrentRuns; i++) {
      const { context, page } = await openPage(browser, `${url}/index.html`);
      const cdp = await context.newCDPSession(page);
      await cdp.send("Performance.enable");
      const metric = async (name) => (await cdp.send("Performance.getMetrics")).metrics.find((m) => m.name === name)?.value ?? NaN;
      const task0 = await metric("TaskDuration");
      await browser.startTracing(page, { categories: ["devtools.timeline", "disabled-by-default-devtools.timeline", "blink.user_timing"] });
      const r = await call(page, "concurrent", { pkg: "/pkg/basiq_jobs.js", impl, count: CONCURRENT_JOBS, intervalMs: CONCURRENT_INTERVAL_MS, operation: "refresh" });
      const trace = await browser.stopTracing();
      const task1 = await metric("TaskDuration");
      if (page.errors.length || r.bad) throw new Error(`${CONCURRENT_JOBS} jobs (${impl}): ${r.bad} bad outcomes; ${page.errors.join("; ")}`);
      await context.close();
      // The first burst is the start (the watchJob calls and first polls); the rest are poll rounds.
      const rounds = r.bursts.slice(1).map((b) => b.ms);
      const tasks = mainThreadTasks(trace, "basiq-bench-concurrent", r.markAt);
      if (!tasks) throw new Error(`${CONCURRENT_JOBS} jobs (${impl}): the trace has no mark of the run`);
      const during = tasks.filter((t) => t.start + t.ms >= r.startAt && t.start <= r.endAt);
      const busy = r.bursts.slice(1).map((b) => busyMs(tasks, b.start, b.start + b.ms));
      runs.push({
        startMs: r.startMs,
        firstBurstMs: r.bursts[0]?.ms,
        rounds,
        roundMedian: summary(rounds).median,
        roundMax: Math.max(...rounds),
        busy,
        busyMedian: summary(busy).median,
        busyMax: Math.max(...busy),
        taskMax: Math.max(0, ...during.map((t) => t.ms)),
        tasks: during.length,
        taskMsPerRound: ((task1 - task0) * 1000) / r.bursts.length,
        longTasks: r.longTasks,
        longTaskMax: Math.max(0, ...r.longTasks.map((t) => t.duration)),
        polls: r.polls,
      });
    }
    out[impl] = {
      jobs: CONCURRENT_JOBS,
      intervalMs: CONCURRENT_INTERVAL_MS,
      runs,
      roundMedian: summary(runs.map((x) => x.roundMedian)),
      roundMax: summary(runs.map((x) => x.roundMax)),
      busyMedian: summary(runs.map((x) => x.busyMedian)),
      busyMax: summary(runs.map((x) => x.busyMax)),
      taskMax: summary(runs.map((x) => x.taskMax)),
      taskMsPerRound: summary(runs.map((x) => x.taskMsPerRound)),
      start: summary(runs.map((x) => x.firstBurstMs)),
      longTasks: runs.reduce((n, x) => n + x.longTasks.length, 0),
      longTaskMax: Math.max(...runs.map((x) => x.longTaskMax)),
    };
  }
  return out;
}

// ----- memory --------------------------------------------------------------------------------

async function measureMemory(browser, url) {
  const out = {};
  for (const impl of ["wasm", "js"]) {
    const runs = [];
    for (let i = 0; i < REPS.memoryRuns; i++) {
      const { context, page } = await openPage(browser, `${url}/index.html`);
      const cdp = await context.newCDPSession(page);
      const heap = async () => {
        const h = await call(page, "heapNow");
        await cdp.send("HeapProfiler.collectGarbage");
        const { usedSize } = await cdp.send("Runtime.getHeapUsage");
        return { rust: h.rustLiveBytes, js: usedSize, wasmMemory: h.wasmMemoryBytes };
      };
      await call(page, "memSetup", { pkg: "/pkg-heap/basiq_jobs.js", impl });
      // A first short watch warms everything up (compiled code, one-time allocations), so the
      // baseline is the page as it is between watches.
      await call(page, "memRun", { polls: 1000 });
      const warmup = await call(page, "memFinish");
      const before = await heap();
      await call(page, "memRun", { polls: 100 });
      const warm = await heap();
      await call(page, "memRun", { polls: 10_000 });
      const after = await heap();
      const first = await call(page, "memFinish");
      const ended = await heap();
      await call(page, "memRun", { polls: 100 });
      const second = await call(page, "memFinish");
      const ended2 = await heap();
      if (page.errors.length || [warmup, first, second].some((x) => x.status !== "success")) {
        throw new Error(`memory (${impl}): ${warmup.status}/${first.status}/${second.status}; ${page.errors.join("; ")}`);
      }
      await context.close();
      runs.push({ before, warm, after, ended, ended2, polls: first.polls });
    }
    const pick = (point, key) => summary(runs.map((r) => r[point][key]));
    const points = ["before", "warm", "after", "ended", "ended2"];
    out[impl] = {
      runs,
      rust: Object.fromEntries(points.map((p) => [p, pick(p, "rust")])),
      js: Object.fromEntries(points.map((p) => [p, pick(p, "js")])),
      wasmMemory: Object.fromEntries(points.map((p) => [p, pick(p, "wasmMemory")])),
      rustGrowth: summary(runs.map((r) => r.after.rust - r.warm.rust)),
      rustLeft: summary(runs.map((r) => r.ended.rust - r.before.rust)),
      rustPerWatch: summary(runs.map((r) => r.ended2.rust - r.ended.rust)),
      jsGrowth: summary(runs.map((r) => r.after.js - r.warm.js)),
      jsLeft: summary(runs.map((r) => r.ended.js - r.before.js)),
      jsPerWatch: summary(runs.map((r) => r.ended2.js - r.ended.js)),
    };
  }
  return out;
}

// ----- requests ------------------------------------------------------------------------------

const STRATEGIES = [
  {
    name: "basiq-jobs defaults",
    kind: "watcher",
    // The defaults (1 s when a step change is due, up to 5 s before, ±20%; 10 min timeout, 30 s
    // per request), scaled to the sandbox clock: the watcher's options are real milliseconds.
    timing: { intervalMs: 1000 / SPEED, maxIntervalMs: 5000 / SPEED, timeoutMs: 600_000 / SPEED, requestTimeoutMs: 30_000 / SPEED, longIntervalMs: 600_000 / SPEED },
  },
  {
    // The same, given `institutionId` as the README shows: the watcher reads the connector's
    // average step durations (one GET /connectors per watch, not counted per job), which the
    // page scales to real milliseconds like every other timing.
    name: "basiq-jobs defaults + institutionId",
    kind: "watcher",
    institution: true,
    speed: SPEED,
    timing: { intervalMs: 1000 / SPEED, maxIntervalMs: 5000 / SPEED, timeoutMs: 600_000 / SPEED, requestTimeoutMs: 30_000 / SPEED, longIntervalMs: 600_000 / SPEED },
  },
  { name: "fixed 1 s poller", kind: "fixed", intervalMs: 1000 / SPEED },
  { name: "fixed 2 s poller", kind: "fixed", intervalMs: 2000 / SPEED },
];

async function requests(browser) {
  const r = await measureRequests({
    browser,
    bin: SANDBOX_BIN,
    www: join(BENCH, "page"),
    pkg: join(OUT, "pkg"),
    speed: SPEED,
    strategies: STRATEGIES,
    runs: REPS.requestRuns,
    waves: REPS.requestWaves,
    log,
  });
  const per = STRATEGIES.map((s) => {
    const jobs = r.records.filter((x) => x.strategy === s.name);
    const perRun = [...new Set(jobs.map((j) => j.run))].map((run) => {
      const js = jobs.filter((j) => j.run === run);
      return { meanRequests: mean(js.map((j) => j.requests)), p50: quantile(js.map((j) => j.lateMs), 0.5), p95: quantile(js.map((j) => j.lateMs), 0.95) };
    });
    return {
      name: s.name,
      jobs: jobs.map((j) => ({ requests: j.requests, lateMs: j.lateMs, jobMs: j.jobMs, spec: j.spec, status: j.status })),
      count: jobs.length,
      meanRequests: mean(jobs.map((j) => j.requests)),
      medianRequests: quantile(jobs.map((j) => j.requests), 0.5),
      p50: quantile(jobs.map((j) => j.lateMs), 0.5),
      p95: quantile(jobs.map((j) => j.lateMs), 0.95),
      max: Math.max(...jobs.map((j) => j.lateMs)),
      perRun: {
        meanRequests: summary(perRun.map((x) => x.meanRequests)),
        p50: summary(perRun.map((x) => x.p50)),
        p95: summary(perRun.map((x) => x.p95)),
      },
      bySpec: [...new Set(jobs.map((j) => j.spec))].map((spec) => {
        const js = jobs.filter((j) => j.spec === spec);
        return { spec, meanRequests: mean(js.map((j) => j.requests)), medianLateMs: quantile(js.map((j) => j.lateMs), 0.5), meanJobMs: mean(js.map((j) => j.jobMs)) };
      }),
    };
  });
  const uncertainty = mean(r.records.map((x) => x.lateUncertaintyMs));
  const jobMs = r.records.map((x) => x.jobMs);
  return { speed: SPEED, strategies: per, uncertaintyMs: uncertainty, jobMs: { min: Math.min(...jobMs), max: Math.max(...jobMs) }, sandboxStats: r.stats, records: r.records };
}

// ----- two tabs ------------------------------------------------------------------------------

/** One tab, two tabs sharing one poll stream, and two with `crossTab: false`, on the defaults. */
function tabs(browser) {
  return measureTabs({
    browser,
    bin: SANDBOX_BIN,
    www: join(BENCH, "page"),
    pkg: join(OUT, "pkg"),
    speed: SPEED,
    timing: STRATEGIES[0].timing,
    waves: REPS.tabWaves,
    log,
  });
}

// ----- soaks ---------------------------------------------------------------------------------

/** The 7-day retry-queue soak, on the heap-stats build (the sandbox serves it as /pkg/). */
function soakQueue(browser) {
  return queueSoak({ browser, bin: SANDBOX_BIN, www: join(BENCH, "page"), pkg: join(OUT, "pkg-heap"), ...QUEUE, log });
}

/**
 * The chaos soak, on the heap-stats build. Timings: the defaults scaled to the sandbox clock
 * (as in the requests benchmark), a request still gets 10 real seconds (slow answers take 3),
 * and 10 faults in a row before giving up instead of 5: at 30 % faults, 5 in a row happen to
 * one job in a few dozen, and then `error` is the right outcome but not the user's. The clock
 * runs only 10 times faster: an MFA challenge then waits 12 real seconds, time enough for the
 * page to see it through the faults (which take real seconds) and answer.
 */
function soakChaos(browser) {
  const s = CHAOS.speed;
  const timing = { intervalMs: 1000 / s, maxIntervalMs: 5000 / s, timeoutMs: 600_000 / s, requestTimeoutMs: 10_000, maxConsecutiveErrors: 10 };
  return chaosSoak({ browser, bin: SANDBOX_BIN, www: join(BENCH, "page"), pkg: join(OUT, "pkg-heap"), ...CHAOS, timing, log });
}

const kib = (b) => `${(b / 1024).toFixed(1)} KB`;
function logQueue(q) {
  if (!q.outcome) return log(`7-day soak: FAIL: ${q.reason}`);
  log(
    `7-day soak: ${q.ok ? "pass" : "FAIL"}: ${q.simulatedDays.toFixed(2)} sandbox days, ${q.polls} polls, ${q.renewals} token renewals, outcome ${q.outcome.status}/${q.outcome.kind ?? q.outcome.action}; ` +
      `Rust heap ${q.heap.before.rust} B → ${q.heap.after.rust} B, JS heap ${kib(q.heap.before.js)} → ${kib(q.heap.after.js)}` +
      (q.heap.late ? ` (day ${q.heap.late.day.toFixed(1)}: Rust ${q.heap.late.rust} B, JS ${kib(q.heap.late.js)} vs ${q.heap.queued.rust} B, ${kib(q.heap.queued.js)} when queued)` : ""),
  );
}
function logChaos(c) {
  log(
    `chaos soak: ${c.ok ? "pass" : "FAIL"}: ${c.right}/${c.jobs} right, ${c.requests} requests (${c.faults} faults), ${(c.wallMs / 1000).toFixed(1)} s; ` +
      `Rust heap ${c.heap.before.rust} B → ${c.heap.after.rust} B, JS heap ${kib(c.heap.before.js)} → ${kib(c.heap.after.js)}`,
  );
  for (const b of c.bySpec) if (b.wrong.length) log(`chaos soak: ${b.spec}: ${b.wrong.length} wrong: ${JSON.stringify(b.wrong)}`);
}

// ----- machine -------------------------------------------------------------------------------

function machine(browserVersion) {
  const cpus = os.cpus();
  const lscpu = capture("lscpu", []);
  const model = /^Model name:\s*(.+)$/m.exec(lscpu)?.[1] ?? cpus[0]?.model ?? "unknown CPU";
  const osName = /^PRETTY_NAME="?([^"\n]+)"?/m.exec(existsSync("/etc/os-release") ? readFileSync("/etc/os-release", "utf8") : "")?.[1] ?? os.type();
  // The bench's own output (a previous run's RESULTS.md and chart) does not make the code dirty.
  const dirty = capture("git", ["status", "--porcelain", "--untracked-files=no", "--", ".", ":!bench/RESULTS.md", ":!bench/requests.svg"]) !== "";
  return {
    date: new Date().toISOString(),
    nproc: Number(capture("nproc", [])) || cpus.length,
    model,
    memGiB: os.totalmem() / 2 ** 30,
    os: osName,
    node: process.version,
    chromium: browserVersion,
    rustc: capture("rustc", ["--version"]),
    wasmBindgen: capture("wasm-bindgen", ["--version"]),
    wasmOpt: capture("wasm-opt", ["--version"]),
    commit: capture("git", ["rev-parse", "--short", "HEAD"]) + (dirty ? " (with uncommitted changes)" : ""),
  };
}

// ----- main ----------------------------------------------------------------------------------

/** Serves the bench page, the plain-JS baseline and the three builds of the package. */
function serveBench() {
  return serveStatic({
    "/pkg/": join(OUT, "pkg"),
    "/pkg-heap/": join(OUT, "pkg-heap"),
    "/pkg-names/": join(OUT, "pkg-names"),
    "/baseline/": join(BENCH, "baseline"),
    "/": join(BENCH, "page"),
  });
}

/** A quick loop over some parts (BENCH_ONLY): the release package only, medians to the console. */
async function only(parts) {
  rmSync(join(OUT, "pkg"), { recursive: true, force: true });
  cpSync(join(ROOT, "pkg"), join(OUT, "pkg"), { recursive: true });
  if (parts.has("memory") || parts.has("profile")) builds();
  else if (parts.has("queue") || parts.has("chaos")) buildHeap();
  const server = await serveBench();
  const browser = await launch({ gc: true });
  const us = (x) => `${x.median.toFixed(1)} µs`;
  try {
    if (parts.has("polls")) {
      for (const [key, r] of Object.entries(await measurePolls(browser, server.url))) {
        log(`one poll (${key}): wasm ${us(r.wasm)}, js ${us(r.js)}, ratio ×${r.ratio.median.toFixed(2)} (${r.ratio.min.toFixed(2)}–${r.ratio.max.toFixed(2)})`);
      }
    }
    if (parts.has("profile")) {
      const p = await profilePolls(browser, server.url);
      log(`profile: ${p.byWhere.map((w) => `${w.where} ${(w.share * 100).toFixed(1)} %`).join(", ")}`);
      for (const r of p.top) console.log(`  ${(r.share * 100).toFixed(1).padStart(5)} %  ${r.where}  ${r.name}`);
      log("profile, time with each function on the stack:");
      for (const r of p.inclusive) console.log(`  ${(r.share * 100).toFixed(1).padStart(5)} %  ${r.where}  ${r.name}`);
    }
    if (parts.has("concurrent")) {
      const c = await measureConcurrent(browser, server.url);
      for (const impl of ["wasm", "js"]) {
        const lt = c[impl].longTasks ? `${c[impl].longTasks} over 50 ms, longest ${c[impl].longTaskMax.toFixed(0)} ms` : "none over 50 ms";
        log(`${CONCURRENT_JOBS} jobs (${impl}): per round median ${c[impl].roundMedian.median.toFixed(2)} ms (busy ${c[impl].busyMedian.median.toFixed(2)} ms), worst ${c[impl].roundMax.max.toFixed(2)} ms; longest task ${c[impl].taskMax.max.toFixed(1)} ms; long tasks: ${lt}`);
      }
    }
    if (parts.has("requests")) {
      for (const s of (await requests(browser)).strategies) {
        log(`requests (${s.name}): ${s.meanRequests.toFixed(1)} per job, p50 ${(s.p50 / 1000).toFixed(2)} s, p95 ${(s.p95 / 1000).toFixed(2)} s (runs ${(s.perRun.p95.min / 1000).toFixed(2)}–${(s.perRun.p95.max / 1000).toFixed(2)} s)`);
      }
    }
    if (parts.has("tabs")) {
      const t = await tabs(browser);
      for (const a of t.arrangements) log(`${a.name}: ${a.meanRequests.toFixed(1)} requests per job over ${a.count} jobs`);
      log(`first poll after watchJob: ${t.firstPollMs.on.toFixed(2)} ms with crossTab, ${t.firstPollMs.off.toFixed(2)} ms without`);
    }
    if (parts.has("queue")) {
      const q = await soakQueue(browser);
      saveJson("soak-queue", q);
      logQueue(q);
    }
    if (parts.has("chaos")) {
      const c = await soakChaos(browser);
      saveJson("soak-chaos", c);
      logChaos(c);
    }
    if (parts.has("memory")) {
      const m = await measureMemory(browser, server.url);
      for (const impl of ["wasm", "js"]) {
        log(`memory (${impl}): JS growth over 10,000 polls ${m[impl].jsGrowth.median} B, left ${m[impl].jsLeft.median} B; Rust growth ${m[impl].rustGrowth.median} B, left ${m[impl].rustLeft.median} B`);
      }
    }
  } finally {
    await browser.close();
    await server.close();
  }
}

async function main() {
  mkdirSync(OUT, { recursive: true });
  log(`start${QUICK ? " (quick)" : ""}`);
  if (ONLY) return only(ONLY);
  builds();

  log("size");
  const size = measureSize();
  saveJson("size", size);

  const server = await serveBench();
  const browser = await launch({ gc: true });
  const env = machine(browser.version());
  try {
    log("init");
    const init = await measureInit(browser, server.url);
    log("one poll's work");
    const polls = await measurePolls(browser, server.url);
    log("profile of one poll");
    const profile = await profilePolls(browser, server.url);
    saveJson("speed", { init, polls, profile });
    log(`a page watching ${CONCURRENT_JOBS} jobs`);
    const concurrent = await measureConcurrent(browser, server.url);
    saveJson("concurrent", concurrent);
    log("memory");
    const memory = await measureMemory(browser, server.url);
    saveJson("memory", memory);
    log("requests against the sandbox");
    const req = await requests(browser);
    saveJson("requests", req);
    log("two tabs watching one job");
    const twoTabs = await tabs(browser);
    saveJson("tabs", twoTabs);
    log("soak: 7 days in Basiq's retry queue");
    const queue = await soakQueue(browser);
    saveJson("soak-queue", queue);
    logQueue(queue);
    log(`soak: ${CHAOS.jobs} jobs under --chaos ${CHAOS.rate}`);
    const chaos = await soakChaos(browser);
    saveJson("soak-chaos", chaos);
    logChaos(chaos);

    const chart = requestsChart({
      strategies: req.strategies,
      budgetMs: 1000,
      title: "Requests per job vs. how late the end of the job is noticed",
      subtitle: `${req.strategies[0].count} sandbox jobs (${Math.round(req.jobMs.min / 1000)}–${Math.round(req.jobMs.max / 1000)} s) per strategy; sandbox clock ×${SPEED}, timings scaled to it; make bench, ${new Date().toISOString().slice(0, 10)}`,
    });
    writeFileSync(join(BENCH, "requests.svg"), chart);
    const seconds = (Date.now() - started) / 1000;
    const makeSeconds = makeStarted && makeStarted <= started && started - makeStarted < 1_800_000 ? (Date.now() - makeStarted) / 1000 : null;
    const results = { env, seconds, makeSeconds, quick: QUICK, reps: REPS, size, init, polls, profile, concurrent, memory, requests: req, tabs: twoTabs, soak: { queue, chaos } };
    saveJson("results", { ...results, requests: { ...req, records: undefined }, tabs: { ...twoTabs, records: undefined } });
    writeReport(join(BENCH, "RESULTS.md"), results);
    log("wrote bench/RESULTS.md, bench/requests.svg and bench/out/*.json");
  } finally {
    await browser.close();
    await server.close();
  }
}

main().catch((e) => {
  console.error(`bench: ${e.stack ?? e}`);
  process.exit(1);
});

