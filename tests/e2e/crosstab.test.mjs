// Polling that follows the browser, through the library against a real sandbox: two pages of one
// browser context watching one job share one poll stream (counted per page by the page's own
// fetch, and in all by /sandbox/stats), the polling page closing mid-job, `crossTab: false`,
// a page looked at again, and the network going away mid-job.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { launchBrowser, startSandbox, until } from "./support.mjs";

let sandbox;
let browser;

before(async () => {
  // Slow enough that a job runs for seconds: there is time to close a page in the middle.
  [sandbox, browser] = await Promise.all([startSandbox({ speed: 1 }), launchBrowser()]);
});

after(async () => {
  await browser?.close();
  sandbox?.stop();
});

/** Starts a connection job through the API (as a partner's backend or another page would). */
async function startJob(loginId, password = "pw", institution = "AU00000") {
  const post = async (path, body, token) => {
    const headers = { "Content-Type": "application/json" };
    if (token) headers.Authorization = `Bearer ${token}`;
    const r = await fetch(sandbox.url + path, { method: "POST", headers, body: JSON.stringify(body) });
    assert.ok(r.ok, `${path}: ${r.status}`);
    return r.json();
  };
  const { access_token, userId } = await post("/sandbox/client-token", {});
  const job = await post(`/users/${userId}/connections`, { loginId, password, institution: { id: institution } }, access_token);
  return { userId, jobId: job.id, jobUrl: `${sandbox.url}/jobs/${job.id}` };
}

/**
 * A page of `context` on the sandbox's origin with the package loaded, and `window.follow(job,
 * extra)` that watches the job with options whose callbacks log into `window.log` and whose fetch
 * counts this page's job polls in `window.polls` (with their times in `window.pollTimes`).
 */
async function tab(context) {
  const page = await context.newPage();
  page.errors = [];
  page.on("pageerror", (e) => page.errors.push(e.message));
  page.on("console", (m) => {
    if (m.type() === "error" && !/Failed to load resource|ERR_INTERNET_DISCONNECTED/.test(m.text())) page.errors.push(m.text());
  });
  await page.goto(`${sandbox.url}/sandbox/clock`);
  await page.evaluate(async () => {
    const lib = await import("/pkg/basiq_jobs.js");
    await lib.default();
    window.lib = lib;
    window.log = [];
    window.polls = 0;
    window.pollTimes = [];
    window.outcome = null;
    window.follow = ({ jobUrl, userId }, extra = {}) => {
      window.watch = lib.watchJob(jobUrl, {
        getToken: async () => {
          const r = await fetch("/sandbox/client-token", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ userId }) });
          return (await r.json()).access_token;
        },
        // A following tab polls by itself two intervals after a poll it did not hear of: room
        // enough for a machine running the other tests too.
        intervalMs: 400,
        maxIntervalMs: 800,
        fetch: (url, init) => {
          if (/\/jobs\/[^/?]+$/.test(url)) {
            window.polls++;
            window.pollTimes.push(Date.now());
          }
          return fetch(url, init);
        },
        onStep: (e) => window.log.push({ on: "step", step: e.step, status: e.status, action: e.advice?.action }),
        onMfa: (c) => window.log.push({ on: "mfa", prompts: c.prompts }),
        ...extra,
      });
      window.watch.done.then((o) => (window.outcome = o));
    };
  });
  return page;
}

const follow = (page, job, extra) => page.evaluate(([job, extra]) => window.follow(job, extra), [job, extra]);
const polls = (page) => page.evaluate(() => window.polls);
const steps = (page) => page.evaluate(() => window.log.filter((e) => e.on === "step"));
const outcome = (page, timeout = 60_000) => until(() => page.evaluate(() => window.outcome), "the outcome", timeout);
const jobRequests = async (jobId) => (await sandbox.stats()).byJob[jobId] ?? 0;

function noErrors(...pages) {
  for (const page of pages) assert.deepEqual(page.errors, [], "no errors in the page");
}

describe("one poll stream per job across the tabs of a browser", { concurrency: 4 }, () => {
  test("two tabs make the requests of one; with crossTab: false each polls", async () => {
    const shared = await browser.newContext();
    const apart = await browser.newContext();
    const [a, b, c, d] = await Promise.all([tab(shared), tab(shared), tab(apart), tab(apart)]);
    const job = await startJob("crosstab-count");
    // The same job in both browsers: two tabs sharing, and two tabs polling each on its own.
    await Promise.all([follow(a, job), follow(c, job, { crossTab: false })]);
    await Promise.all([follow(b, job), follow(d, job, { crossTab: false })]);
    const outcomes = await Promise.all([a, b, c, d].map((p) => outcome(p)));
    assert.deepEqual(outcomes.map((o) => o.status), ["success", "success", "success", "success"]);
    const [pa, pb, pc, pd] = await Promise.all([a, b, c, d].map(polls));
    const twoShared = pa + pb;
    const times = await Promise.all([a, b].map((p) => p.evaluate(() => window.pollTimes)));
    assert.ok(Math.min(pa, pb) <= 1, `one shared tab polls, the other hears it: ${JSON.stringify(times)}`);
    assert.ok(pc >= 5 && pd >= 5, `with crossTab: false both tabs poll: ${pc} and ${pd}`);
    assert.ok(twoShared <= pc + 2, `two sharing tabs (${twoShared}) make about the requests of one (${pc})`);
    assert.ok(pc + pd >= 1.6 * twoShared, `crossTab: false doubles them: ${pc + pd} vs ${twoShared}`);
    assert.equal(await jobRequests(job.jobId), pa + pb + pc + pd, "every poll counted reached the API");
    noErrors(a, b, c, d);
    await Promise.all([shared.close(), apart.close()]);
  });

  test("both tabs report the same steps and the same failure advice", async () => {
    const context = await browser.newContext();
    const [a, b] = await Promise.all([tab(context), tab(context)]);
    const job = await startJob("erlich", "aviato");
    await follow(a, job);
    await follow(b, job);
    const [oa, ob] = await Promise.all([outcome(a), outcome(b)]);
    for (const o of [oa, ob]) {
      assert.equal(o.status, "failed");
      assert.equal(o.step, "retrieve-accounts");
      assert.equal(o.advice.action, "clear-bank-popup");
    }
    assert.deepEqual(ob.advice, oa.advice);
    const [sa, sb] = await Promise.all([steps(a), steps(b)]);
    assert.deepEqual(
      sa.map((e) => `${e.step} ${e.status}`),
      ["verify-credentials in-progress", "verify-credentials success", "retrieve-accounts in-progress", "retrieve-accounts failed"],
    );
    assert.deepEqual(sb, sa, "the following tab heard every step");
    assert.ok(Math.min(await polls(a), await polls(b)) <= 1);
    // Each tab's save() follows the job, with no token in it.
    const saved = await b.evaluate(() => window.watch.save());
    assert.match(saved, new RegExp(job.jobId));
    noErrors(a, b);
    await context.close();
  });

  test("closing the polling tab leaves the other to finish with the right outcome", async () => {
    const context = await browser.newContext();
    const [a, b] = await Promise.all([tab(context), tab(context)]);
    const job = await startJob("crosstab-close");
    await follow(a, job);
    await follow(b, job);
    await until(async () => (await steps(b)).length >= 1 && (await polls(a)) + (await polls(b)) >= 3, "a few polls");
    const [pa, pb] = [await polls(a), await polls(b)];
    const [leader, other] = pa >= pb ? [a, b] : [b, a];
    assert.ok(Math.min(pa, pb) <= 1, `one tab polls: ${pa} and ${pb}`);
    const beforeClose = await polls(other);
    const closedAt = Date.now();
    await leader.close();
    const o = await outcome(other);
    assert.equal(o.status, "success");
    assert.match(o.accountsUrl, /\/accounts/);
    const times = await other.evaluate(() => window.pollTimes);
    assert.ok(times.length > beforeClose, "the remaining tab took over the polling");
    const firstAfter = times.find((t) => t >= closedAt);
    // The lock comes at once; the new tab polls when the closed one would have (maxIntervalMs).
    assert.ok(firstAfter - closedAt < 1_500, `took over ${firstAfter - closedAt} ms after the close`);
    const seen = (await steps(other)).filter((e) => e.status === "success").map((e) => e.step);
    assert.deepEqual(seen, ["verify-credentials", "retrieve-accounts", "retrieve-transactions"]);
    noErrors(other);
    await context.close();
  });

  test("the following tab answers the MFA challenge with its own request", async () => {
    const context = await browser.newContext();
    const [a, b] = await Promise.all([tab(context), tab(context)]);
    const job = await startJob("jared", "django", "AU00002");
    await follow(a, job);
    await follow(b, job);
    for (const page of [a, b]) await until(() => page.evaluate(() => window.log.some((e) => e.on === "mfa")), "the challenge");
    const [pa, pb] = [await polls(a), await polls(b)];
    const follower = pa >= pb ? b : a;
    await follower.evaluate(() => window.watch.answerMfa(["1234"]));
    const [oa, ob] = await Promise.all([outcome(a), outcome(b)]);
    assert.equal(oa.status, "success");
    assert.equal(ob.status, "success");
    assert.ok(Math.min(await polls(a), await polls(b)) <= 1, "still one tab polling");
    assert.equal((await sandbox.stats()).byRoute["POST /jobs/{id}/mfa"] >= 1, true);
    noErrors(a, b);
    await context.close();
  });
});

describe("polling that follows the page", { concurrency: 2 }, () => {
  test("a page looked at again polls at once", async () => {
    const context = await browser.newContext();
    const page = await tab(context);
    const job = await startJob("visible-again");
    // Polls 2.4 to 3 s apart, so a poll within a moment of the page being shown is its doing.
    await follow(page, job, { intervalMs: 3_000, maxIntervalMs: 3_000 });
    await until(async () => (await polls(page)) >= 2, "two polls");
    // Headless Chromium keeps every page visible (minimizing its window, background tabs and
    // lifecycle freezing leave `visibilityState` alone), so the page is told what a browser
    // tells a tab the user leaves and comes back to: the state, and the event.
    const setVisibility = (state) =>
      page.evaluate((state) => {
        Object.defineProperty(document, "visibilityState", { configurable: true, get: () => state });
        document.dispatchEvent(new Event("visibilitychange"));
      }, state);
    await setVisibility("hidden");
    await page.waitForTimeout(500);
    const lastPoll = await page.evaluate(() => window.pollTimes.at(-1));
    const shownAt = await page.evaluate(() => Date.now());
    await setVisibility("visible");
    const next = await until(() => page.evaluate((t) => window.pollTimes.find((p) => p > t), lastPoll), "a poll", 5_000);
    assert.ok(next - shownAt < 400, `polled ${next - shownAt} ms after the page was shown`);
    assert.equal((await outcome(page)).status, "success");
    noErrors(page);
    await context.close();
  });

  test("a few seconds offline mid-job do not end the watch, and online polls at once", async () => {
    const context = await browser.newContext();
    const page = await tab(context);
    const job = await startJob("offline-midway");
    // Five failures in a row would end the watch within about 2 s of going offline.
    await follow(page, job, { intervalMs: 200, maxIntervalMs: 5_000, maxConsecutiveErrors: 5 });
    await until(async () => (await steps(page)).length >= 1, "the first step");
    await context.setOffline(true);
    assert.equal(await page.evaluate(() => navigator.onLine), false);
    await page.waitForTimeout(3_000);
    const onlineAt = await page.evaluate(() => Date.now());
    await context.setOffline(false);
    const next = await until(() => page.evaluate((t) => window.pollTimes.find((p) => p >= t), onlineAt), "a poll", 6_000);
    assert.ok(next - onlineAt < 500, `polled ${next - onlineAt} ms after going online`);
    const o = await outcome(page);
    assert.equal(o.status, "success", JSON.stringify(o));
    noErrors(page);
    await context.close();
  });
});
