// Reloading the page resumes what it was doing: the same job, the same rows, the same prompt.
// The sandbox runs slowly here (speed 2) so a job is still running when the page reloads.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { chooseBank, launchBrowser, openPage, result, screenshot, signIn, startSandbox, stored } from "./support.mjs";

let sandbox;
let browser;

before(async () => {
  [sandbox, browser] = await Promise.all([startSandbox({ speed: 2 }), launchBrowser()]);
});

after(async () => {
  await browser?.close();
  sandbox?.stop();
});

/** Every bearer token the page sends, to check none is kept in storage. */
function recordTokens(page) {
  const tokens = new Set();
  page.on("request", (request) => {
    const auth = request.headers().authorization;
    if (auth?.startsWith("Bearer ")) tokens.add(auth.slice(7));
  });
  return tokens;
}

async function rows(page) {
  return page.locator("#step-list .step").evaluateAll((els) => els.map((el) => `${el.dataset.step}:${el.dataset.status}`));
}

describe("reload", { concurrency: 3 }, () => {
  test("reload mid-job resumes the same job: same rows, no duplicates, ends on success", async () => {
    const page = await openPage(browser, sandbox.url);
    const tokens = recordTokens(page);
    await chooseBank(page);
    await signIn(page, "dinesh", "chugs");
    await page.locator('#step-list .step[data-step="verify-credentials"][data-status="success"]').waitFor({ timeout: 20_000 });
    assert.equal(await page.locator("#result [data-outcome]").count(), 0, "still running when reloaded");
    const bar = page.getByRole("progressbar");
    assert.ok(Number(await bar.getAttribute("aria-valuenow")) > 0, "the progress bar moved");
    assert.match(await page.locator("#progress-eta").textContent(), /^(About .+|A few seconds) left$/, "time remaining is shown");
    // One poll may see two steps finish (polls are sparse while no step is due), so 1 or 2 of 3.
    assert.match(await bar.getAttribute("aria-valuetext"), /^[12] of 3 steps done\. (About .+|A few seconds) left$/);
    await screenshot(page, "progress");
    const saved = await stored(page);
    assert.ok(saved.job?.saved, "the watch was saved");
    const storage = await page.evaluate(() => JSON.stringify(sessionStorage));
    assert.ok(tokens.size > 0, "the page used a token");
    for (const token of tokens) assert.ok(!storage.includes(token), "no token in sessionStorage");
    assert.ok(!storage.includes("chugs"), "no password in sessionStorage");

    await page.reload();
    // Straight after the reload, before any answer: the progress screen with the rows as they were.
    await page.locator("#screen-progress").waitFor({ state: "visible" });
    const resumed = await rows(page);
    assert.equal(resumed[0], "verify-credentials:success", "the finished step is still shown as done");
    const end = await result(page);
    assert.equal(await end.getAttribute("data-outcome"), "success");
    const final = await rows(page);
    assert.deepEqual(
      final,
      ["verify-credentials:success", "retrieve-accounts:success", "retrieve-transactions:success"],
      "one row per step, no duplicates",
    );
    const jobs = await sandbox.jobs(saved.userId);
    assert.equal(jobs.length, 1, "the reload started no second job");
    const stats = await sandbox.stats();
    assert.ok(stats.byJob[jobs[0].id] > 1, "the same job was followed after the reload");
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("reload while the bank's code is awaited: the prompt comes back and the answer connects", async () => {
    const page = await openPage(browser, sandbox.url);
    await chooseBank(page, "Pied Piper Bank");
    await signIn(page, "richard", "tabsnotspaces");
    const form = page.getByRole("form", { name: "Confirm it's you" });
    await form.waitFor({ state: "visible", timeout: 20_000 });
    await page.reload();
    await form.waitFor({ state: "visible" });
    assert.match(await page.locator("#mfa-expiry").textContent(), /^Expires in \d+:\d\d$/);
    await form.locator("input").first().fill("1234");
    await form.getByRole("button", { name: "Confirm" }).click();
    const end = await result(page);
    assert.equal(await end.getAttribute("data-outcome"), "success");
    const final = await rows(page);
    assert.equal(final.length, 4, "four steps, each once");
    assert.ok(final.includes("mfa-challenge:success"));
    assert.equal((await sandbox.jobs((await stored(page)).userId)).length, 1, "still the one job");
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("reload on an end screen shows the same end screen", async () => {
    const page = await openPage(browser, sandbox.url);
    await chooseBank(page);
    await signIn(page, "bighead", "password");
    const end = await result(page);
    assert.equal(await end.getAttribute("data-action"), "resubmit-credentials");
    await page.reload();
    const again = await result(page);
    assert.equal(await again.getAttribute("data-action"), "resubmit-credentials");
    assert.match(await again.locator("h1").textContent(), /locked/);
    await again.getByRole("button", { name: "Re-enter your details" }).click();
    assert.equal(await page.getByLabel("Login ID").inputValue(), "bighead");
    await screenshot(page, "reenter-details");
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
});
