// The recovery flows through the library itself, against a real sandbox: a page on the sandbox's
// origin imports /pkg/basiq_jobs.js and calls its exports, and /sandbox/stats counts what reached
// the API.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { launchBrowser, startSandbox, until } from "./support.mjs";

const HOUR = 3_600_000;

let sandbox;
let browser;

before(async () => {
  [sandbox, browser] = await Promise.all([startSandbox({ speed: 20 }), launchBrowser()]);
});

after(async () => {
  await browser?.close();
  sandbox?.stop();
});

/**
 * A fresh page (own localStorage) on the sandbox's origin with the package loaded as `window.lib`,
 * a `window.opts(userId, extra)` that builds options whose callbacks log into `window.log`, and
 * `window.connect(login, password, institution, extra)` that creates a connection for a new user.
 */
async function libraryPage() {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.errors = [];
  page.on("pageerror", (e) => page.errors.push(e.message));
  await page.goto(`${sandbox.url}/sandbox/clock`);
  await page.evaluate(async () => {
    const lib = await import("/pkg/basiq_jobs.js");
    await lib.default();
    window.lib = lib;
    window.log = [];
    const token = async (userId) => {
      const response = await fetch("/sandbox/client-token", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(userId ? { userId } : {}),
      });
      return response.json();
    };
    window.newUser = async () => (await token()).userId;
    window.opts = (userId, extra = {}) => ({
      getToken: async () => (await token(userId)).access_token,
      apiBase: location.origin,
      intervalMs: 100,
      maxIntervalMs: 300,
      onStep: (e) => window.log.push({ on: "step", step: e.step, status: e.status, action: e.advice?.action }),
      onMfa: (c) => window.log.push({ on: "mfa", prompts: c.prompts, expiresAt: c.expiresAt }),
      onRetry: (e) => window.log.push({ on: "retry", attempt: e.attempt, retryAfterMs: e.retryAfterMs, action: e.advice.action, job: e.job.id }),
      onOutageLifted: (e) => window.log.push({ on: "lifted", ...e }),
      ...extra,
    });
    window.connectionOf = (outcome) => /\/connections\/([^/?]+)/.exec(outcome.job.links.source)[1];
    window.connect = async (loginId, password, institution = "AU00000", extra = {}) => {
      const userId = await newUser();
      const watch = lib.createConnection(userId, { loginId, password, institution: { id: institution } }, opts(userId, extra));
      const outcome = await watch.done;
      return { userId, outcome, connectionId: outcome.job?.links.source ? connectionOf(outcome) : null };
    };
  });
  return page;
}

async function close(page) {
  assert.deepEqual(page.errors, [], "no errors in the page");
  await page.context().close();
}

const logged = (page, on) => page.evaluate((on) => window.log.filter((e) => e.on === on), on);

describe("recovery flows through the library", { concurrency: 4 }, () => {
  test("the third service-unavailable in a row advises contact support with the connection id", async () => {
    const page = await libraryPage();
    const r = await page.evaluate(async () => {
      const { userId, connectionId, outcome } = await connect("jianYang", "nothotdog");
      const actions = [outcome.advice.action];
      for (let i = 0; i < 2; i++) {
        const o = await lib.refreshConnection(userId, connectionId, opts(userId)).done;
        actions.push(o.advice.action);
        if (i === 1) return { actions, reference: o.advice.supportReference, connectionId };
      }
    });
    assert.deepEqual(r.actions, ["try-later", "try-later", "contact-support"]);
    assert.equal(r.reference, r.connectionId);
    await close(page);
  });

  test("autoRetry refreshes by itself after each wait and settles once, on contact support", async () => {
    const page = await libraryPage();
    const r = await page.evaluate(async () => {
      const { userId, outcome, connectionId } = await connect("jianYang", "nothotdog", "AU00000", {
        autoRetry: true,
        retryDelayMs: 200,
        onProgress: () => {
          throw new Error("a partner callback that throws");
        },
      });
      const jobs = await (await fetch(`/users/${userId}/jobs`, { headers: { Authorization: `Bearer ${await opts(userId).getToken()}` } })).json();
      return { outcome, connectionId, retries: window.log.filter((e) => e.on === "retry"), jobs: jobs.data.length };
    });
    assert.equal(r.outcome.status, "failed");
    assert.equal(r.outcome.advice.action, "contact-support");
    assert.equal(r.outcome.advice.supportReference, r.connectionId);
    assert.deepEqual(
      r.retries.map((e) => [e.attempt, e.retryAfterMs, e.action]),
      [
        [2, 200, "try-later"],
        [3, 200, "try-later"],
      ],
    );
    assert.notEqual(r.retries[0].job, r.retries[1].job, "each retry follows a new job");
    assert.equal(r.jobs, 3, "the create job and two refreshes");
    await close(page);
  });

  test("autoRetry's ten-minute wait is reported, and cancelling in it settles cancelled", async () => {
    const page = await libraryPage();
    const r = await page.evaluate(async () => {
      const userId = await newUser();
      const controller = new AbortController();
      const credentials = { loginId: "jianYang", password: "nothotdog", institution: { id: "AU00000" } };
      const watch = lib.createConnection(userId, credentials, opts(userId, { autoRetry: true, signal: controller.signal }));
      const retry = await new Promise((resolve) => {
        const poll = setInterval(() => {
          const e = window.log.find((e) => e.on === "retry");
          if (e) resolve(e, clearInterval(poll));
        }, 20);
      });
      const started = performance.now();
      controller.abort();
      const outcome = await watch.done;
      const settledMs = performance.now() - started;
      await new Promise((r) => setTimeout(r, 300));
      const headers = { Authorization: `Bearer ${await opts(userId).getToken()}` };
      const jobs = (await (await fetch(`/users/${userId}/jobs`, { headers })).json()).data.length;
      return { retry, outcome, settledMs, jobs };
    });
    assert.equal(r.retry.retryAfterMs, 600_000, "the advised 10 minutes");
    assert.equal(r.retry.attempt, 2);
    assert.equal(r.outcome.status, "cancelled");
    assert.equal(r.outcome.job.id, r.retry.job, "the failed job is the last one seen");
    assert.ok(r.settledMs < 1000, `done settled at once (${r.settledMs} ms), not after the wait`);
    assert.equal(r.jobs, 1, "no refresh was started");
    await close(page);
  });

  test("MFA: the right code connects, a wrong one fails with advice to sign in again", async () => {
    const page = await libraryPage();
    const answer = (code) =>
      page.evaluate(async (code) => {
        const userId = await newUser();
        const credentials = { loginId: "jared", password: "django", institution: { id: "AU00002" } };
        const watch = lib.createConnection(userId, credentials, opts(userId, { onMfa: (c) => watch.answerMfa([code]).catch(() => {}) }));
        const o = await watch.done;
        return { status: o.status, step: o.step, action: o.advice?.action };
      }, code);
    assert.deepEqual(await answer("1234"), { status: "success", step: undefined, action: undefined });
    assert.deepEqual(await answer("0000"), { status: "failed", step: "mfa-challenge", action: "resubmit-credentials" });
    await close(page);
  });
});

// The sandbox's clock, its connector states and its request counts are shared by every page:
// these run one at a time.
describe("recovery flows that move the sandbox's clock or its outages", { concurrency: 1 }, () => {
  test("a duplicate refresh joins the running job: one poll stream, two watches, each told", async () => {
    const page = await libraryPage();
    const interval = 100;
    const r = await page.evaluate(async (interval) => {
      const { userId, connectionId, outcome } = await connect("dinesh", "chugs");
      if (outcome.status !== "success") return { first: outcome.status };
      const statsBefore = await (await fetch("/sandbox/stats")).json();
      // A steady interval, so the number of polls shows how many loops ran.
      const steady = { intervalMs: interval, maxIntervalMs: interval, backoff: 1, jitter: 0 };
      const progress = [0, 0];
      const started = performance.now();
      const a = lib.refreshConnection(userId, connectionId, opts(userId, { ...steady, onProgress: () => progress[0]++ }));
      const b = lib.refreshConnection(userId, connectionId, opts(userId, { ...steady, onProgress: () => progress[1]++ }));
      const [oa, ob] = await Promise.all([a.done, b.done]);
      const elapsed = performance.now() - started;
      const stats = await (await fetch("/sandbox/stats")).json();
      const refreshes =
        stats.byRoute["POST /users/{u}/connections/{c}/refresh"] - (statsBefore.byRoute["POST /users/{u}/connections/{c}/refresh"] ?? 0);
      return { a: oa.status, b: ob.status, jobs: [oa.job.id, ob.job.id], refreshes, polls: stats.byJob[oa.job.id], elapsed, progress };
    }, interval);
    assert.equal(r.first, undefined, "the connection was created");
    assert.deepEqual([r.a, r.b], ["success", "success"]);
    assert.equal(r.jobs[0], r.jobs[1], "Basiq answered the second refresh with the running job");
    assert.equal(r.refreshes, 2, "both refreshes reached the API");
    // One loop polls at most once per interval (plus the first poll); two would poll twice as often.
    const oneLoop = Math.floor(r.elapsed / interval) + 2;
    assert.ok(r.polls >= 3, `the job was polled (${r.polls})`);
    assert.ok(r.polls <= oneLoop, `${r.polls} polls in ${Math.round(r.elapsed)} ms: one loop makes at most ${oneLoop}`);
    assert.ok(r.progress[0] > 0 && r.progress[1] > 0, `each watch got its own progress (${r.progress})`);
    await close(page);
  });

  test("an update meets Basiq's retry queue: advice through onStep, done waits, then success", async () => {
    const page = await libraryPage();
    const first = await page.evaluate(async () => {
      const { userId, connectionId, outcome } = await connect("jianYang", "nothotdog");
      window.log = [];
      window.update = lib.updateConnection(userId, connectionId, { password: "nothotdog" }, opts(userId, { longIntervalMs: 100 }));
      window.settled = null;
      window.update.done.then((o) => (window.settled = o));
      return { action: outcome.advice?.action };
    });
    assert.equal(first.action, "try-later", "the create job failed first");
    await until(async () => (await logged(page, "step")).some((e) => e.action === "wait-for-automatic-retry"), "the queue advice");
    await page.waitForTimeout(500);
    assert.equal(await page.evaluate(() => window.settled), null, "done waits while Basiq retries");
    assert.ok(await page.evaluate(() => window.update.save().length > 0), "the queued watch can be saved");
    await sandbox.advanceClock(2 * HOUR + 1000);
    await page.waitForTimeout(500);
    await sandbox.advanceClock(2 * HOUR + 1000);
    const outcome = await until(() => page.evaluate(() => window.settled), "the outcome", 20_000);
    assert.equal(outcome.status, "success");
    assert.ok(outcome.accountsUrl.startsWith(sandbox.url), "absolute result links");
    await close(page);
  });

  test("MFA left unanswered expires: the step fails with advice to start again", async () => {
    const page = await libraryPage();
    await page.evaluate(async () => {
      const userId = await newUser();
      const credentials = { loginId: "richard", password: "tabsnotspaces", institution: { id: "AU00002" } };
      window.log = [];
      window.mfaWatch = lib.createConnection(userId, credentials, opts(userId));
    });
    const [challenge] = await until(async () => { const m = await logged(page, "mfa"); return m.length && m; }, "the challenge");
    assert.equal(challenge.prompts.length, 1);
    assert.ok(challenge.expiresAt > Date.now(), "the expiry is ahead");
    await sandbox.advanceClock(121_000);
    const expired = await page.evaluate(async () => {
      const o = await window.mfaWatch.done;
      return { status: o.status, step: o.step, code: o.failure?.code, action: o.advice?.action };
    });
    assert.deepEqual(expired, { status: "failed", step: "mfa-challenge", code: "job-timed-out", action: "start-again" });
    await close(page);
  });

  const AVIATO = "ZZ00001";

  async function waitForOutage(page, extra) {
    await page.evaluate(async ({ institution, extra }) => {
      const userId = await newUser();
      window.log = [];
      window.settled = null;
      window.controller = new AbortController();
      window.outageWatch = lib.createConnection(
        userId,
        { loginId: "monica", password: "hall", institution: { id: institution } },
        opts(userId, { outageIntervalMs: 100, signal: window.controller.signal, ...extra }),
      );
      window.outageWatch.done.then((o) => (window.settled = o));
    }, { institution: AVIATO, extra });
    await until(async () => (await logged(page, "step")).some((e) => e.action === "wait-for-outage"), "the outage advice");
  }

  const connectorChecks = async () => (await sandbox.stats()).byRoute["GET /connectors"] ?? 0;

  test("watchOutage keeps checking the institution and reports when the outage lifts", async () => {
    const page = await libraryPage();
    try {
      await waitForOutage(page, { watchOutage: true });
      const checks = await connectorChecks();
      await page.waitForTimeout(600);
      assert.ok((await connectorChecks()) > checks, "the institution is checked again during the outage");
      assert.equal(await page.evaluate(() => window.settled), null, "done waits for the lift");
      await sandbox.setConnector(AVIATO, "operational");
      const [lifted] = await until(async () => { const l = await logged(page, "lifted"); return l.length && l; }, "the lift");
      assert.deepEqual(lifted, { on: "lifted", institutionId: AVIATO, status: "operational" });
      const outcome = await until(() => page.evaluate(() => window.settled), "the outcome");
      assert.equal(outcome.status, "failed");
      assert.equal(outcome.advice.action, "wait-for-outage", "the failed job's own advice");
    } finally {
      await sandbox.setConnector(AVIATO, "major-outage");
    }
    await close(page);
  });

  test("with autoRetry the lift is followed by a refresh that connects", async () => {
    const page = await libraryPage();
    try {
      await waitForOutage(page, { autoRetry: true });
      await sandbox.setConnector(AVIATO, "operational");
      const outcome = await until(() => page.evaluate(() => window.settled), "the outcome");
      assert.equal(outcome.status, "success");
      const retries = await logged(page, "retry");
      assert.deepEqual(
        retries.map((e) => [e.attempt, e.retryAfterMs, e.action]),
        [[2, 0, "wait-for-outage"]],
      );
      assert.equal((await logged(page, "lifted")).length, 1);
    } finally {
      await sandbox.setConnector(AVIATO, "major-outage");
    }
    await close(page);
  });

  test("aborting during an outage settles cancelled and stops the checks", async () => {
    const page = await libraryPage();
    await waitForOutage(page, { watchOutage: true });
    await page.evaluate(() => window.controller.abort());
    const outcome = await until(() => page.evaluate(() => window.settled), "the outcome");
    assert.equal(outcome.status, "cancelled");
    const checks = await connectorChecks();
    await page.waitForTimeout(500);
    assert.equal(await connectorChecks(), checks, "no check after the cancel");
    await close(page);
  });
});
