// A watch that has settled is garbage like any other object, even when its own callbacks refer
// to it (`onMfa: (c) => watch.answerMfa(…)`, as the README shows): the package lets go of the
// callbacks once `done` settles, so no cycle through the wasm-bindgen heap keeps watch, job and
// callbacks for the life of the page. Chromium against a real sandbox; garbage collected through
// the DevTools protocol, and a FinalizationRegistry tells which watches were freed.

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

test("settled watches whose callbacks refer to them are freed", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`${sandbox.url}/sandbox/clock`);
  const outcomes = await page.evaluate(async () => {
    const lib = await import("/pkg/basiq_jobs.js");
    await lib.default();
    window.freed = 0;
    window.registry = new FinalizationRegistry(() => window.freed++);
    const token = async (userId) => {
      const response = await fetch("/sandbox/client-token", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(userId ? { userId } : {}),
      });
      return response.json();
    };
    const statuses = [];
    for (const [loginId, password] of [["bighead", "password"], ["dinesh", "chugs"], ["erlich", "aviato"]]) {
      const { userId } = await token();
      let watch = null;
      watch = lib.createConnection(userId, { loginId, password, institution: { id: "AU00000" } }, {
        getToken: async () => (await token(userId)).access_token,
        apiBase: location.origin,
        intervalMs: 50,
        maxIntervalMs: 200,
        onStep: () => watch.snapshot(),
        onProgress: () => watch.snapshot(),
        onMfa: () => watch.answerMfa(["1234"]),
        onRetry: () => watch.cancel(),
      });
      window.registry.register(watch, loginId);
      statuses.push((await watch.done).status);
    }
    return statuses;
  });
  assert.deepEqual(outcomes, ["failed", "success", "failed"]);
  const cdp = await context.newCDPSession(page);
  let freed = 0;
  for (let i = 0; i < 20 && freed < 3; i++) {
    await cdp.send("HeapProfiler.collectGarbage");
    await page.waitForTimeout(100);
    freed = await page.evaluate(() => window.freed);
  }
  assert.equal(freed, 3, "every settled watch was garbage collected");
  assert.deepEqual(errors, []);
  await context.close();
});
