// Two tabs watching one job: real connection jobs on the sandbox, each followed at once by one
// tab, by two tabs of one browser context (sharing one poll stream), and by two tabs with
// `crossTab: false`, side by side. Each tab counts its own polls through the `fetch` option; the
// sandbox's count of every job's polls must be their sum.

import { specs, startSandbox } from "./requests.mjs";

/** How the jobs are watched: each arrangement is a browser context of its own. */
export const ARRANGEMENTS = [
  { name: "one tab", tabs: 1, crossTab: true },
  { name: "two tabs", tabs: 2, crossTab: true },
  { name: "two tabs, crossTab: false", tabs: 2, crossTab: false },
];

/** A tab on the sandbox's origin with the package loaded as `window.mod`. */
async function openTab(context, url) {
  const page = await context.newPage();
  page.errors = [];
  page.on("pageerror", (e) => page.errors.push(String(e)));
  page.on("console", (m) => {
    if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) page.errors.push(m.text());
  });
  await page.goto(`${url}/index.html`);
  await page.evaluate(async () => {
    const mod = await import("/pkg/basiq_jobs.js");
    await mod.default();
    // Follows a job to its end; resolves with its status and the polls this tab sent.
    window.follow = async (url, options) => {
      let polls = 0;
      const fetch = (u, init) => {
        if (u === url) polls++;
        return window.fetch(u, init);
      };
      const outcome = await mod.watchJob(url, { ...options, fetch }).done;
      return { status: outcome.status, polls };
    };
  });
  return page;
}

/**
 * How long after `watchJob` a lone tab sends its first request, with `crossTab` on (it waits
 * for the job's Web Lock) and off: the median over `n` watches of jobs answered at once.
 */
async function firstPoll(page, n) {
  return page.evaluate(async (n) => {
    const mod = await import("/pkg/basiq_jobs.js");
    const out = {};
    for (const crossTab of [true, false]) {
      const times = [];
      for (let i = 0; i < n; i++) {
        const url = `${location.origin}/jobs/first-poll-${crossTab}-${i}`;
        const body = JSON.stringify({ type: "job", id: `first-poll-${crossTab}-${i}`, steps: [{ title: "verify-credentials", status: "success" }], links: { self: url } });
        const t0 = performance.now();
        let first = null;
        const fetch = async () => {
          first ??= performance.now() - t0;
          return new Response(body, { status: 200 });
        };
        await mod.watchJob(url, { token: "bench-token", crossTab, fetch }).done;
        times.push(first);
      }
      times.sort((a, b) => a - b);
      out[crossTab ? "on" : "off"] = times[Math.floor(n / 2)];
    }
    return out;
  }, n);
}

/**
 * Runs `waves` waves; in each, a job of every kind starts, all at once, and every tab of every
 * arrangement calls `watchJob` on it with `timing` together. Returns one record per job and
 * arrangement with the polls of its tabs and each tab's outcome.
 */
export async function measureTabs({ browser, bin, www, pkg, speed, timing, waves, log }) {
  const sandbox = await startSandbox({ bin, speed, www, pkg, seed: 2 });
  const contexts = [];
  try {
    // As in the requests benchmark: Aviato starts in a major outage; its jobs should run here.
    await sandbox.api("POST", "/sandbox/connectors/ZZ00001", { body: { status: "operational" } });
    for (const a of ARRANGEMENTS) {
      const context = await browser.newContext();
      const pages = [];
      for (let i = 0; i < a.tabs; i++) pages.push(await openTab(context, sandbox.url));
      contexts.push({ ...a, context, pages });
    }
    const records = [];
    for (let wave = 0; wave < waves; wave++) {
      const runs = specs(`tabs-${wave}`).map(async (spec) => {
        const { access_token: token, userId } = await sandbox.api("POST", "/sandbox/client-token", { body: {} });
        const body = { loginId: spec.loginId, password: spec.password, institution: { id: spec.institution } };
        const job = await sandbox.api("POST", `/users/${userId}/connections`, { token, body });
        await Promise.all(
          contexts.map(async (c) => {
            const options = { token, operation: "create", ...timing, crossTab: c.crossTab };
            const tabs = await Promise.all(c.pages.map((page) => page.evaluate(([url, o]) => window.follow(url, o), [job.links.self, options])));
            const requests = tabs.reduce((n, t) => n + t.polls, 0);
            records.push({ arrangement: c.name, wave, spec: spec.name, jobId: job.id, requests, perTab: tabs.map((t) => t.polls), statuses: tabs.map((t) => t.status) });
          }),
        );
      });
      await Promise.all(runs);
      log?.(`two tabs: wave ${wave + 1}/${waves} done`);
    }
    const firstPollMs = await firstPoll(contexts[0].pages[0], 41);
    const errors = contexts.flatMap((c) => c.pages.flatMap((p) => p.errors));
    if (errors.length) throw new Error(`page errors: ${errors.join("; ")}`);
    const stats = await sandbox.api("GET", "/sandbox/stats");
    for (const jobId of new Set(records.map((r) => r.jobId))) {
      const counted = records.filter((r) => r.jobId === jobId).reduce((n, r) => n + r.requests, 0);
      if (counted !== stats.byJob[jobId]) throw new Error(`job ${jobId}: the tabs counted ${counted} polls, the sandbox ${stats.byJob[jobId]}`);
    }
    return { ...summarize(records, waves), firstPollMs };
  } finally {
    for (const c of contexts) await c.context.close();
    await sandbox.stop();
  }
}

function summarize(records, waves) {
  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const arrangements = ARRANGEMENTS.map((a) => {
    const jobs = records.filter((r) => r.arrangement === a.name);
    const perWave = [...Array(waves).keys()].map((w) => mean(jobs.filter((j) => j.wave === w).map((j) => j.requests)));
    return {
      name: a.name,
      tabs: a.tabs,
      crossTab: a.crossTab,
      count: jobs.length,
      meanRequests: mean(jobs.map((j) => j.requests)),
      perWave: { min: Math.min(...perWave), max: Math.max(...perWave) },
      // Every tab of a job saw the same end.
      agreed: jobs.every((j) => j.statuses.every((s) => s === j.statuses[0])),
      bySpec: [...new Set(jobs.map((j) => j.spec))].map((spec) => ({
        spec,
        meanRequests: mean(jobs.filter((j) => j.spec === spec).map((j) => j.requests)),
      })),
    };
  });
  return { arrangements, records };
}
