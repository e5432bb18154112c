// The package in a dedicated worker: a worker scope's global fetch and timers, not a window's,
// against a real sandbox.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launchBrowser, startSandbox } from "./support.mjs";

let sandbox;
let browser;

before(async () => {
  [sandbox, browser] = await Promise.all([startSandbox({ speed: 20 }), launchBrowser()]);
});

after(async () => {
  await browser?.close();
  sandbox?.stop();
});

// Runs in the worker (with `origin` defined first): creates a connection with the worker's own
// fetch and follows it to the end, then cancels a second watch at once; posts back what it saw.
const WORKER = `
  const lib = await import(origin + "/pkg/basiq_jobs.js");
  await lib.default();
  const token = async (userId) => {
    const response = await fetch(origin + "/sandbox/client-token", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(userId ? { userId } : {}),
    });
    return response.json();
  };
  try {
    const { userId } = await token();
    const steps = [];
    const options = { getToken: async () => (await token(userId)).access_token, apiBase: origin, intervalMs: 100, maxIntervalMs: 300 };
    const watch = lib.createConnection(userId, { loginId: "worker", password: "pw", institution: { id: "AU00000" } },
      { ...options, onStep: (e) => steps.push(e.step + ":" + e.status) });
    const outcome = await watch.done;
    const again = lib.watchJob(outcome.job.links.self, { ...options, intervalMs: 60000, maxIntervalMs: 60000 });
    again.cancel();
    const cancelled = await again.done;
    postMessage({ status: outcome.status, outcome: JSON.stringify(outcome), steps, cancelled: cancelled.status });
  } catch (e) {
    postMessage({ error: String((e && e.stack) || e) });
  }
`;

test("a watch in a dedicated worker polls with the worker's fetch and timers", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`${sandbox.url}/sandbox/clock`);
  const seen = await page.evaluate(async (source) => {
    const code = `const origin = ${JSON.stringify(location.origin)};\n${source}`;
    const worker = new Worker(URL.createObjectURL(new Blob([code], { type: "text/javascript" })), { type: "module" });
    return new Promise((resolve) => {
      worker.onmessage = (e) => resolve(e.data);
      worker.onerror = (e) => resolve({ error: e.message || "the worker failed to start" });
    });
  }, WORKER);
  assert.equal(seen.error, undefined, seen.error);
  assert.equal(seen.status, "success", seen.outcome);
  assert.ok(seen.steps.includes("verify-credentials:success"), `steps reported: ${seen.steps}`);
  assert.equal(seen.cancelled, "cancelled");
  assert.deepEqual(errors, []);
  await context.close();
});
