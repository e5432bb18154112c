// bench/RESULTS.md from the measured figures: every figure next to its DESIGN.md budget.

import { writeFileSync } from "node:fs";

const KB = 1024;
const kb = (b) => `${(b / KB).toFixed(1)} KB`;
const num = (n, d = 0) => Number(n).toLocaleString("en-AU", { minimumFractionDigits: d, maximumFractionDigits: d });
const range = (s, f) => `${f(s.median)} (${f(s.min)}–${f(s.max)})`;
const ms = (d) => (v) => `${num(v, d)} ms`;
const us = (v) => `${num(v, 1)} µs`;
const sec = (v) => `${num(v / 1000, 2)} s`;
const signedKb = (b) => `${b >= 0 ? "+" : "−"}${num(Math.abs(b) / KB, 1)} KB`;
const signedBytes = (b) => `${b >= 0 ? "+" : "−"}${num(Math.abs(b))} B`;
const verdict = (ok) => (ok === null ? "not measured yet" : ok ? "pass" : "**FAIL**");
const pct = (x) => `${num(x * 100, 1)} %`;
const md = (s) => String(s).replace(/\|/g, "\\|").replace(/</g, "&lt;").replace(/>/g, "&gt;");
// Inside a code span entities are not decoded: only the table's pipe needs escaping.
const code = (s) => `\`${String(s).replace(/`/g, "'").replace(/\|/g, "\\|")}\``;
const short = (s, n = 90) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
const longTaskCell = (x) => (x.longTasks ? `${x.longTasks}, longest ${num(x.longTaskMax, 0)} ms` : "none");

/** Budgets (DESIGN.md) and whether the figures meet them; `ok: null` is "not measured yet". */
export function budgets(r) {
  const ours = r.requests.strategies[0];
  const [oneTab, twoTabs, apart] = r.tabs?.arrangements ?? [];
  const fixed1 = r.requests.strategies.find((s) => s.name.startsWith("fixed 1 s"));
  const mem = r.memory.wasm;
  const rustOk = mem.rustGrowth.max <= KB && mem.rustLeft.max <= KB;
  const jsOk = mem.jsGrowth.max <= 64 * KB && mem.jsLeft.max <= 64 * KB;
  const c = r.concurrent.wasm;
  const longTasks = c.longTasks ? `${c.longTasks} task${c.longTasks > 1 ? "s" : ""} over 50 ms, longest ${num(c.longTaskMax, 0)} ms` : `no task over 50 ms (longest ${num(c.taskMax.max, 1)} ms)`;
  return [
    {
      what: "shipped size, `.wasm` + JS glue as `make build` writes them, gzip -9",
      budget: "≤ 85 KB (CI guard: 170 KB, `scripts/size-guard`)",
      measured: `${kb(r.size.shipped.gzip)} (wasm ${kb(r.size.wasm.gzip)} + JS ${kb(r.size.glue.gzip)}); with the JS minified ${kb(r.size.minified.gzip)}`,
      ok: r.size.shipped.gzip <= 85 * KB,
    },
    {
      what: "init (compile + instantiate) in headless Chromium",
      budget: "≤ 10 ms median",
      measured: `${range(r.init.fromBytes, ms(2))}, ${r.init.fromBytes.n} fresh pages`,
      ok: r.init.fromBytes.median <= 10,
    },
    {
      what: "one poll's work (parse + diff + events, 5-step job)",
      budget: "≤ 100 µs median, reported beside plain JS",
      measured: `${range(r.polls.job.wasm, us)} per poll; plain JS ${us(r.polls.job.js.median)} (×${num(r.polls.job.ratio.median, 2)})`,
      ok: r.polls.job.wasm.median <= 100,
    },
    {
      what: `a page watching ${c.jobs} jobs (a refresh-all)`,
      budget: "no main-thread task over 50 ms; ≤ 2 ms main-thread work per poll round",
      measured: `${longTasks}; ${range(c.busyMedian, ms(2))} of main-thread work per round (worst round ${num(c.busyMax.max, 2)} ms)`,
      ok: c.longTasks === 0 && c.busyMedian.median <= 2,
    },
    {
      what: "memory over 10,000 polls: live Rust heap",
      budget: "back to baseline",
      measured: `${signedBytes(mem.rustGrowth.median)} over the 10,000 polls; ${signedBytes(mem.rustLeft.median)} after the watch ends`,
      ok: rustOk,
    },
    {
      what: "memory over 10,000 polls: JS heap",
      budget: "back to baseline",
      measured: `${signedKb(mem.jsGrowth.median)} over the 10,000 polls; ${signedKb(mem.jsLeft.median)} after the watch ends`,
      ok: jsOk,
    },
    queueRow(r.soak?.queue),
    chaosRow(r.soak?.chaos),
    {
      what: "requests to notice a job's end (3–30 s jobs)",
      budget: "within 1 s at p95, with fewer requests than a fixed 1 s poller",
      measured: `p95 ${sec(ours.p95)} (runs ${sec(ours.perRun.p95.min)}–${sec(ours.perRun.p95.max)}), p50 ${sec(ours.p50)}; ${num(ours.meanRequests, 1)} requests per job vs ${num(fixed1.meanRequests, 1)}`,
      ok: ours.p95 <= 1000 && ours.meanRequests < fixed1.meanRequests,
    },
    {
      what: "two tabs watching one job",
      budget: "the requests of one tab",
      measured: oneTab
        ? `${num(twoTabs.meanRequests, 1)} requests per job for two tabs vs ${num(oneTab.meanRequests, 1)} for one tab, on the same jobs (${num(apart.meanRequests, 1)} with \`crossTab: false\`); ${twoTabs.count} jobs`
        : "not measured yet",
      // Both follow the same jobs; jitter alone moves a count by a poll or so.
      ok: oneTab ? twoTabs.meanRequests <= oneTab.meanRequests * 1.1 && twoTabs.agreed : null,
    },
  ];
}

const outcomeText = (o) => (o ? `\`${o.status}\`${o.kind ?? o.action ? ` (\`${o.kind ?? o.action}\`)` : ""}` : "none");

export function queueRow(q) {
  const row = { what: "memory over a 7-day retry-queue wait on the sandbox clock", budget: "live Rust heap and JS heap back to baseline" };
  if (!q) return { ...row, measured: "not measured yet", ok: null };
  if (!q.outcome) return { ...row, measured: `no wait: ${q.reason}`, ok: false };
  return {
    ...row,
    measured:
      `${num(q.simulatedDays, 2)} sandbox days, ${num(q.polls)} polls, ${num(q.renewals)} token renewals, outcome ${outcomeText(q.outcome)}${q.outcomeOk ? "" : ` (expected ${q.expected})`}; ` +
      `Rust heap ${num(q.heap.before.rust)} B before, ${num(q.heap.after.rust)} B after (${signedBytes(q.growth.left.rust)}); ` +
      `JS heap ${kb(q.heap.before.js)} before, ${kb(q.heap.after.js)} after (${signedKb(q.growth.left.js)})`,
    ok: q.ok,
  };
}

export function chaosRow(c) {
  const row = { what: "50 jobs at once in one page under `--chaos 0.3`", budget: "every job ends with the outcome its user should get (issue 19); heap back to baseline" };
  if (!c) return { ...row, measured: "not measured yet", ok: null };
  return {
    ...row,
    what: `${c.jobs} jobs at once in one page under \`--chaos ${c.rate}\``,
    measured:
      `${c.right} of ${c.jobs} right; ${num(c.requests)} requests (${num(c.faults)} faults); ${sec(c.wallMs)} wall time; ` +
      `Rust heap ${num(c.heap.before.rust)} B before, ${num(c.heap.after.rust)} B after (${signedBytes(c.growth.rust)}); ` +
      `JS heap ${kb(c.heap.before.js)} before, ${kb(c.heap.after.js)} after (${signedKb(c.growth.js)})`,
    ok: c.ok,
  };
}

/** The soaks' section: what each did and saw. */
export function soakSection(p, soak) {
  if (!soak) return;
  const q = soak.queue;
  const c = soak.chaos;
  p("", "## Soaks", "");
  if (q?.outcome) {
    const t = q.timing;
    p(
      `**7 days in Basiq's retry queue.** A page on the sandbox (\`--speed ${q.speed}\`) creates a connection at Aviato (ZZ00001, in a major outage all along: the job fails at sign-in), then updates it with \`updateConnection\`: the update's sign-in meets the outage and goes to the retry queue, retried every 2 sandbox hours until the job is 7 days old; the API then no longer returns it. ` +
        `Once the watch has reported the queue, each answered poll of the job stands for ${num(q.stepMs / 60_000)} sandbox minutes (the default \`longIntervalMs\`): the page's fetch (the real one, instrumented) moves the sandbox clock on by that much (\`POST /sandbox/clock/advance\`) before the package reads the answer, and the page waits \`longIntervalMs\` ${t.longIntervalMs} real ms between polls. Time thus passes between polls, never between getting a token and using it, however loaded the machine. ` +
        `Tokens live 60 sandbox minutes: after about every sixth poll the API answers 403 \`access-denied\` and the package asks \`getToken\` again (it counts its calls; renewals are every call after the first). ` +
        `Other timings: \`intervalMs\` ${t.intervalMs} (the default on the ×${q.speed} clock, until the queue), \`maxIntervalMs\` ${num(t.maxIntervalMs)} and \`requestTimeoutMs\` ${num(t.requestTimeoutMs)} real (back-off after errors, the network), \`timeoutMs\` ${num(t.timeoutMs)} (8 days, more than the queue's 7; timing options may go up to 30 days). ` +
        `A first run of the same flow for another user, its update watched for 2 sandbox days in the queue and then cancelled, warms the page up. The user should get ${q.expected}. Built with \`--features heap-stats\`; heap read as in the memory section (GC, then CDP \`HeapProfiler.collectGarbage\` and \`Runtime.getHeapUsage\`); Blink's own heap (\`embedderHeapUsedSize\`) grows with every response the bench's DevTools session records and every "Failed to load resource" console line for a 403, and is shown, not judged. Pass: the outcome, and at most 1 KB (Rust) and 64 KB (JS) above the earlier reading, both from the baseline to the end and from day 1 to day 6 of the wait.`,
      "",
      "| | sandbox time in the queue | Rust live heap | JS heap | Blink heap | wasm memory |",
      "|---|---:|---:|---:|---:|---:|",
      `| the connection's watch has ended (baseline) | | ${num(q.heap.before.rust)} B | ${kb(q.heap.before.js)} | ${kb(q.heap.before.blink)} | ${kb(q.heap.before.wasmMemory)} |`,
      heapRow("the update waits in the queue", q.heap.queued),
      heapRow("still waiting", q.heap.late),
      `| the watch has ended: ${outcomeText(q.outcome)} | day ${num(q.simulatedDays, 2)} | ${num(q.heap.after.rust)} B | ${kb(q.heap.after.js)} | ${kb(q.heap.after.blink)} | ${kb(q.heap.after.wasmMemory)} |`,
      "",
      `${num(q.polls)} polls of the job (\`GET /jobs/{id}\`, the sandbox's count), ${num(q.tokenCalls)} \`getToken\` calls (${num(q.renewals)} renewals after a 403 \`access-denied\`), ${num(q.queueAdvice)} step events with the queue's advice through \`onStep\`; ${num(q.requests)} API requests in the whole soak (warm-up included). ` +
        `Left after the watch: Rust ${signedBytes(q.growth.left.rust)}, JS ${signedKb(q.growth.left.js)}` +
        (q.growth.during ? `; from day ${num(q.heap.queued.day, 1)} to day ${num(q.heap.late.day, 1)} of the wait: Rust ${signedBytes(q.growth.during.rust)}, JS ${signedKb(q.growth.during.js)}.` : ".") +
        (q.outcome.message ? ` The outcome's message: “${md(q.outcome.message)}”.` : ""),
    );
  } else if (q) {
    p(`**7 days in Basiq's retry queue: FAIL.** ${md(q.reason)}`);
  }
  if (c) {
    const t = c.timing;
    p(
      "",
      `**${c.jobs} jobs at once under chaos.** One page on a sandbox with \`--chaos ${c.rate} --seed ${c.seed} --speed ${c.speed}\` (${pct(c.rate)} of API answers are faults: 500, 503 and 429 with Retry-After, 3 s late, dropped connections, bodies cut in half, HTML 502 pages) starts ${c.jobs} connections with \`createConnection\`, a new user each, and follows them all to the end. ` +
        `Timings: the defaults scaled to the sandbox clock (\`intervalMs\` ${t.intervalMs}, \`maxIntervalMs\` ${t.maxIntervalMs}, \`timeoutMs\` ${num(t.timeoutMs)}), \`requestTimeoutMs\` ${num(t.requestTimeoutMs)} real and \`maxConsecutiveErrors\` ${t.maxConsecutiveErrors} (at this fault rate 5 in a row happen to about one job in a few dozen, and \`error\` is then the right outcome for the library but not the one the user should get). ` +
        `The MFA bank's challenges are answered from \`onMfa\`; an answer the API did not take (a fault) is given again, as a user would press the button again. The clock runs only ×${c.speed} so that a challenge (120 sandbox seconds) still waits ${num(120 / c.speed, 0)} real seconds: faults take real time (slow answers, Retry-After, 50 watches sharing the browser's 6 connections to the sandbox), and at ×20 a challenge could expire before the page had seen it. ` +
        `Two rounds of ${c.jobs} jobs warm the page up (compiled code, and tables grown to hold that many watches at once: how many run at once varies with the faults, and a table that grew stays grown, while a leak grows every round); the heap is read after them and after a third round of ${c.jobs} jobs, the one measured (as in the memory section). Requests: the sandbox's count (\`/sandbox/stats\`) for the ${c.jobs} jobs, faults from its request log. Pass: every outcome right, and the heap bounds above.`,
      "",
      "| job | jobs | should end | right |",
      "|---|---:|---|---:|",
    );
    for (const b of c.bySpec) {
      const e = b.expect;
      const should = [e.status, e.step, e.action].filter(Boolean).join(", ");
      const wrong = b.wrong.length ? ` (got ${b.wrong.map((w) => [w.status, w.step, w.action ?? w.kind].filter(Boolean).join(" ")).join("; ")})` : "";
      p(`| ${md(b.spec)} | ${b.jobs} | ${should} | ${b.right}${md(wrong)} |`);
    }
    const kinds = Object.entries(c.faultsByKind).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(", ");
    const routes = Object.entries(c.byRoute).sort((a, b) => b[1] - a[1]).map(([k, n]) => `\`${k}\` ${n}`).join(", ");
    p(
      "",
      `${c.right} of ${c.jobs} right in ${sec(c.wallMs)} (a create the sandbox had processed but whose answer was cut off is sent again and makes a second connection with the same login, which Basiq pauses for 6 minutes, ${num(360 / c.speed, 0)} real seconds here: such jobs set the wall time); ${num(c.requests)} API requests (${routes}), ${num(c.faults)} of them faults (${kinds}); ${num(c.tokenCalls)} \`getToken\` calls; ${num(c.mfaRetries)} MFA answers given again. ` +
        `Heap: Rust ${num(c.heap.before.rust)} B → ${num(c.heap.after.rust)} B (${signedBytes(c.growth.rust)}), JS ${kb(c.heap.before.js)} → ${kb(c.heap.after.js)} (${signedKb(c.growth.js)}); Blink ${signedKb(c.growth.blink ?? 0)}, not judged.`,
    );
  }
}

const heapRow = (what, h) =>
  h ? `| ${what} | day ${num(h.day, 1)} | ${num(h.rust)} B | ${kb(h.js)} | ${kb(h.blink)} | ${kb(h.wasmMemory)} |` : `| ${what} | not read | | | | |`;

export function writeReport(path, r) {
  const e = r.env;
  const L = [];
  const p = (...lines) => L.push(...lines);
  const runTime = (s) => `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  p(
    "# basiq-jobs benchmarks",
    "",
    `Measured by \`make bench\` on ${e.date.slice(0, 10)} at ${e.date.slice(11, 16)} UTC: ${e.model}, ${e.nproc} cores (\`nproc\`), ` +
      `${num(e.memGiB, 0)} GiB RAM, ${e.os}; ${e.chromium ? `Chromium ${e.chromium}` : "Chromium"} (headless), Node ${e.node}, ${e.rustc}, ` +
      `${e.wasmBindgen}, ${e.wasmOpt}; commit ${e.commit}.`,
    `The whole \`make bench\` took ${r.makeSeconds ? runTime(r.makeSeconds) : "(not known: run through make)"} (setup and builds included); the measurements ${runTime(r.seconds)}.` +
      (r.quick ? " **Quick run (BENCH_QUICK=1): fewer repetitions.**" : ""),
    "",
    "Figures are medians over repeated runs with the range (min–max) in brackets. Raw figures: `bench/out/*.json` (not committed).",
    "",
    "## Budgets",
    "",
    "| what | budget (DESIGN.md) | measured | |",
    "|---|---|---|---|",
  );
  for (const b of budgets(r)) p(`| ${b.what} | ${b.budget} | ${b.measured} | ${verdict(b.ok)} |`);

  // ----- size
  const s = r.size;
  p(
    "",
    "## Size",
    "",
    "Shipped: what a browser loads from the package as `make build` writes it (the `.wasm`, the JS glue unminified, the browser entry `index.js` and any snippets in `pkg/snippets/`; not `node.js`, for Node only, nor `wasm-inline.js`, the `.wasm` again, loaded only where a dev server or bundler lost the file), each file compressed on its own, as `scripts/size-guard` counts it. Minified: `index.js` bundled with the glue and minified by esbuild (ESM, browser; the inlined copy left as its own chunk), as a partner's bundler would; the `.wasm` as it is. The alternatives are bundled and minified the same way. gzip at level 9, brotli at quality 11.",
    "",
    "| artifact | raw | gzip -9 | brotli |",
    "|---|---:|---:|---:|",
  );
  for (const row of s.rows) p(`| ${row.name} | ${kb(row.raw)} | ${kb(row.gzip)} | ${kb(row.brotli)} |`);
  p(
    "",
    "The alternatives only poll: they do not diff steps into events, check origins, advise on failures or handle MFA; the plain-JS poller does everything the one-poll figures below compare, but no advice or MFA.",
    "",
    "### Where the `.wasm` bytes go",
    "",
    `Sections of the shipped \`.wasm\` (${kb(s.wasm.raw)}): ` +
      s.release.sections
        .filter((x) => x.bytes >= 256)
        .sort((a, b) => b.bytes - a.bytes)
        .map((x) => `${x.section} ${kb(x.bytes)}`)
        .join(", ") +
      `; ${s.release.functions} functions.`,
    `Attribution comes from the same release build with its name section kept (\`CARGO_PROFILE_RELEASE_STRIP=false\`, \`wasm-bindgen\`, \`wasm-opt\` with the release flags plus \`--debuginfo\`): its code section is ${kb(s.named.codeBytes)} in ${s.named.functions} functions against ${kb(s.release.codeBytes)} in ${s.release.functions} shipped.`,
    "\"gzip alone\" compresses each group's code by itself: a rough guide to its share of the gzipped file.",
    "",
    "| crate | functions | code | share of code | gzip alone |",
    "|---|---:|---:|---:|---:|",
  );
  for (const c of s.named.crates) p(`| ${md(c.name)} | ${c.functions} | ${kb(c.bytes)} | ${pct(c.bytes / s.named.codeBytes)} | ${kb(c.gzipAlone)} |`);
  p("", "| module | functions | code | gzip alone |", "|---|---:|---:|---:|");
  for (const m of s.named.modules.slice(0, 15)) p(`| ${md(m.name)} | ${m.functions} | ${kb(m.bytes)} | ${kb(m.gzipAlone)} |`);
  p("", "| largest functions | code |", "|---|---:|");
  for (const f of s.named.topFunctions.slice(0, 15)) p(`| ${code(short(f.name, 110))} | ${num(f.bytes)} B |`);
  p(
    "",
    `Data section: ${kb(s.named.dataBytes)}, of which ${kb(s.named.strings.textBytes)} are runs of text of 24 bytes or more. The longest:`,
    "",
  );
  for (const t of s.named.strings.top.slice(0, 6)) p(`- ${num(Buffer.byteLength(t))} B: ${code(short(t.replace(/\s+/g, " "), 100))}`);

  // ----- speed
  const i = r.init;
  const pl = r.polls;
  const c = r.concurrent;
  p(
    "",
    "## Speed (headless Chromium)",
    "",
    "| measure | basiq-jobs | plain-JS poller | basiq-jobs ÷ plain JS |",
    "|---|---:|---:|---:|",
    `| init from bytes in memory (compile + instantiate), fresh page each, ${i.fromBytes.n} pages | ${range(i.fromBytes, ms(2))} | | |`,
    `| init from the URL (fetch + streaming compile + instantiate), ${i.streaming.n} pages | ${range(i.streaming, ms(2))} | | |`,
    `| one poll: 5-step job start to end (41 polls, 10 step changes), ${pl.job.wasm.n} rounds | ${range(pl.job.wasm, us)} | ${range(pl.job.js, us)} | ×${range(pl.job.ratio, (v) => num(v, 2))} |`,
    `| one poll: the same with real \`Response\` objects | ${range(pl.jobResponses.wasm, us)} | ${range(pl.jobResponses.js, us)} | ×${range(pl.jobResponses.ratio, (v) => num(v, 2))} |`,
    `| one poll: unchanged running job (400 polls, then success) | ${range(pl.steady.wasm, us)} | ${range(pl.steady.js, us)} | ×${range(pl.steady.ratio, (v) => num(v, 2))} |`,
    `| ${c.wasm.jobs} jobs: main-thread work per poll round (trace), ${c.wasm.runs.length} runs × ${c.wasm.runs[0].rounds.length} rounds | ${range(c.wasm.busyMedian, ms(2))} | ${range(c.js.busyMedian, ms(2))} | ×${num(c.wasm.busyMedian.median / c.js.busyMedian.median, 2)} |`,
    `| ${c.wasm.jobs} jobs: worst poll round's main-thread work (trace) | ${range(c.wasm.busyMax, ms(2))} | ${range(c.js.busyMax, ms(2))} | |`,
    `| ${c.wasm.jobs} jobs: a poll round's burst, first poll timer to last work (wall time) | ${range(c.wasm.roundMedian, ms(2))} | ${range(c.js.roundMedian, ms(2))} | |`,
    `| ${c.wasm.jobs} jobs: worst burst | ${range(c.wasm.roundMax, ms(2))} | ${range(c.js.roundMax, ms(2))} | |`,
    `| ${c.wasm.jobs} jobs: main-thread task time per round (CDP \`TaskDuration\`, harness included) | ${range(c.wasm.taskMsPerRound, ms(2))} | ${range(c.js.taskMsPerRound, ms(2))} | |`,
    `| ${c.wasm.jobs} jobs: starting them (${c.wasm.jobs} calls and first polls, one burst) | ${range(c.wasm.start, ms(2))} | ${range(c.js.start, ms(2))} | |`,
    `| ${c.wasm.jobs} jobs: longest main-thread task (trace), start included | ${range(c.wasm.taskMax, ms(1))} | ${range(c.js.taskMax, ms(1))} | |`,
    `| ${c.wasm.jobs} jobs: main-thread tasks over 50 ms (\`longtask\` observer), all runs | ${longTaskCell(c.wasm)} | ${longTaskCell(c.js)} | |`,
    "",
    `Events per round of the one-poll comparison (both implementations must agree): ${JSON.stringify(pl.job.events)}.`,
    "",
    "### Where one poll's time goes",
    "",
    `CPU profile (50 µs sampling) of the 5-step job script with the named build, ${num(r.profile.totalMs, 0)} ms of samples: ` +
      r.profile.byWhere.map((w) => `${w.where} ${pct(w.share)}`).join(", ") +
      ` (the bench harness's own ${pct(r.profile.harnessShare)} left out). Self time of the top functions; "builtins & GC" is time in V8 and Blink themselves (garbage collection, \`TextDecoder.decode\`, \`setTimeout\`, the wasm↔JS transitions):`,
    "",
    "| where | function | self time |",
    "|---|---|---:|",
  );
  for (const f of r.profile.top.slice(0, 15)) p(`| ${f.where} | ${code(short(f.name, 100))} | ${pct(f.share)} |`);

  // ----- memory
  const m = r.memory;
  const row = (label, point) =>
    `| ${label} | ${range(m.wasm.rust[point], (v) => `${num(v)} B`)} | ${range(m.wasm.js[point], kb)} | ${range(m.wasm.wasmMemory[point], kb)} | ${range(m.js.js[point], kb)} |`;
  p(
    "",
    "## Memory",
    "",
    `After a first short watch (the baseline), one watch polls 10,000 times back to back (two job states alternating, so every poll reports events, and a 503 every 7th poll), built with \`--features heap-stats\`; garbage collected before each reading (\`gc()\` from \`--js-flags=--expose-gc\`, then CDP \`HeapProfiler.collectGarbage\`; JS heap from CDP \`Runtime.getHeapUsage\`). ${m.wasm.runs.length} runs.`,
    "",
    "| when | Rust live heap | JS heap | wasm memory | JS heap, plain-JS poller |",
    "|---|---:|---:|---:|---:|",
    row("between watches (after a first watch of 1,000 polls)", "before"),
    row("after 100 polls", "warm"),
    row("after 10,100 polls", "after"),
    row("the watch has ended", "ended"),
    row("a second watch (100 polls) has ended", "ended2"),
    "",
    `Over the 10,000 polls: Rust heap ${range(m.wasm.rustGrowth, signedBytes)}, JS heap ${range(m.wasm.jsGrowth, signedKb)} (plain JS: ${range(m.js.jsGrowth, signedKb)}). ` +
      `Left after the watch: Rust ${range(m.wasm.rustLeft, signedBytes)}, JS ${range(m.wasm.jsLeft, signedKb)}; each further watch leaves Rust ${range(m.wasm.rustPerWatch, signedBytes)}, JS ${range(m.wasm.jsPerWatch, signedKb)}. ` +
      "Pass means at most 1 KB (Rust) and 64 KB (JS) above the earlier reading.",
  );

  // ----- requests
  const q = r.requests;
  p(
    "",
    "## Requests to notice the end",
    "",
    `Real connection jobs on the sandbox (\`--release\`, \`--speed ${q.speed}\`; jobs of ${num(q.jobMs.min / 1000, 1)}–${num(q.jobMs.max / 1000, 1)} sandbox seconds: \`bighead\` failing at sign-in, \`erlich\` failing at accounts, and one job at each of AU00000, ZZ00001 (set to operational) and ZZ00002, sandbox-only banks without MFA). ` +
      `Each wave starts one job of each kind per strategy, all at once, in one Chromium page served by the sandbox; ${q.strategies[0].count} jobs per strategy. Requests are the sandbox's own \`GET /jobs/{id}\` count per job (\`/sandbox/stats\` \`byJob\`). ` +
      `The end of each job is bracketed by an observer reading the users' job listings every few milliseconds (not counted per job): ±${num(q.uncertaintyMs, 0)} sandbox ms on average. ` +
      `All times are sandbox time: real time × ${q.speed}. **The watcher's timing options are real milliseconds, so basiq-jobs runs with its defaults divided by ${q.speed}** (\`intervalMs\` ${1000 / q.speed}, \`maxIntervalMs\` ${5000 / q.speed}, \`timeoutMs\` ${600000 / q.speed}, \`requestTimeoutMs\` ${30000 / q.speed}; back-off ×1.5 and ±20% jitter unchanged; with \`institutionId\`, the connector's average step durations are divided by ${q.speed} too), and the fixed pollers wait ${1000 / q.speed} and ${2000 / q.speed} ms.`,
    "",
    "| strategy | requests per job, mean (runs) | median | end noticed after, p50 (runs) | p95 (runs) | max |",
    "|---|---:|---:|---:|---:|---:|",
  );
  for (const st of q.strategies) {
    p(
      `| ${st.name} | ${num(st.meanRequests, 1)} (${num(st.perRun.meanRequests.min, 1)}–${num(st.perRun.meanRequests.max, 1)}) | ${num(st.medianRequests, 0)} | ` +
        `${sec(st.p50)} (${sec(st.perRun.p50.min)}–${sec(st.perRun.p50.max)}) | ${sec(st.p95)} (${sec(st.perRun.p95.min)}–${sec(st.perRun.p95.max)}) | ${sec(st.max)} |`,
    );
  }
  p("", "By kind of job (mean requests / median lateness):", "", `| job | length | ${q.strategies.map((x) => x.name).join(" | ")} |`, `|---|---:|${q.strategies.map(() => "---:|").join("")}`);
  for (const spec of q.strategies[0].bySpec.map((b) => b.spec)) {
    const cells = q.strategies.map((st) => {
      const b = st.bySpec.find((x) => x.spec === spec);
      return b ? `${num(b.meanRequests, 1)} / ${sec(b.medianLateMs)}` : "";
    });
    const len = q.strategies[0].bySpec.find((x) => x.spec === spec).meanJobMs;
    p(`| ${spec} | ${num(len / 1000, 1)} s | ${cells.join(" | ")} |`);
  }
  p("", "![Requests per job against how late the end is noticed](requests.svg)", "");

  // ----- two tabs
  const t = r.tabs;
  p(
    "## Two tabs watching one job",
    "",
    `The same kinds of job as above, on a sandbox of their own at the same speed, in ${r.reps.tabWaves} waves: in each, a job of every kind starts and is followed, side by side, by one tab, by two tabs of one browser context, and by two tabs of another context with \`crossTab: false\`, each arrangement a browser context of its own (its own Web Locks and BroadcastChannels), with basiq-jobs' defaults divided by ${q.speed}. ` +
      "All the tabs of a job call `watchJob` together. Each tab counts its `GET /jobs/{id}` through the `fetch` option; for every job the sandbox's own count (`/sandbox/stats` `byJob`) must equal the sum, or the run fails.",
    "",
    "| arrangement | requests per job, mean (waves) | every tab saw the same end |",
    "|---|---:|---|",
  );
  for (const a of t.arrangements) {
    p(`| ${a.name} | ${num(a.meanRequests, 1)} (${num(a.perWave.min, 1)}–${num(a.perWave.max, 1)}) | ${a.agreed ? "yes" : "**no**"} |`);
  }
  p(
    "",
    `A lone tab's first request goes out ${num(t.firstPollMs.on, 2)} ms after \`watchJob\` with \`crossTab\` (it waits for the browser to grant the job's Web Lock) and ${num(t.firstPollMs.off, 2)} ms after it without (medians of 41 watches of jobs answered at once). ` +
      "The one-poll benchmark above runs with `crossTab: false` so that this wait, idle time once per watch, is not counted as the work of its polls.",
  );
  p("", `| job | ${t.arrangements.map((a) => a.name).join(" | ")} |`, `|---|${t.arrangements.map(() => "---:|").join("")}`);
  for (const spec of t.arrangements[0].bySpec.map((b) => b.spec)) {
    const cells = t.arrangements.map((a) => num(a.bySpec.find((b) => b.spec === spec)?.meanRequests ?? 0, 1));
    p(`| ${spec} | ${cells.join(" | ")} |`);
  }

  soakSection(p, r.soak);
  p("");

  // ----- method
  p(
    "## How it is measured",
    "",
    "- `bench/run.mjs` drives everything; the page side is `bench/page/harness.js`. Chromium is Debian's (`/usr/bin/chromium`), headless, through `playwright-core`, on a cross-origin-isolated page (microsecond timers).",
    "- One poll's work: `watchJob` and the plain-JS poller (`bench/baseline/poller.js`) follow the same scripted jobs one after another in the same page and run, alternating which goes first. The scripted `fetch` answers from memory; `intervalMs` is 1 (the smallest allowed; 0 is refused) and timers of 5 ms or less fire as soon as the event loop is free while `Date.now()` moves on to their deadline, so neither implementation waits and the time per poll is the work: building the request, reading the answer, parsing, diffing, events, scheduling.",
    `- ${c.wasm.jobs} jobs (a refresh-all): ${c.wasm.jobs} watches of different job URLs (\`operation: "refresh"\`), scripted \`fetch\`, \`intervalMs\` ${c.wasm.intervalMs} with no back-off and no jitter so every watch polls in the same burst; a round's burst runs from the first poll timer of the round firing to the last piece of work of that round (the next timer set, or \`done\`), all main-thread work; work is counted in round k once every watch has started its k-th request. Long tasks are the page's own \`PerformanceObserver\` for \`longtask\` entries (every task over 50 ms) from the first \`watchJob\` call to the last outcome. A Chromium trace of each run (\`devtools.timeline\` \`RunTask\` events of the page's main thread, tied to the page's clock by a \`performance.mark\`) gives the main-thread work inside each round's burst (the burst's wall time minus the gaps between tasks; it includes the scripted \`fetch\` and the harness's counters) and the longest task of any length, from the task that starts the watches to the last outcome.`,
    "- Init: each figure is a new browser context and page; the JS glue is imported first, then `await init()` is timed.",
    `- Repetitions: ${Object.entries(r.reps)
      .map(([k, v]) => `${k} ${v}`)
      .join(", ")}.`,
    "",
  );
  writeFileSync(path, L.join("\n"));
}
