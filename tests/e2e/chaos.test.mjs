// Under faults (500s, 503s and 429s with Retry-After, slow answers, dropped connections, cut-off
// bodies, HTML error pages) the page still ends on the screen each user should see.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { chooseBank, chooseHere, launchBrowser, openPage, result, screenshot, signIn, startSandbox } from "./support.mjs";

const SEED = Number(process.env.CHAOS_SEED ?? 7);

let sandbox;
let browser;

before(async () => {
  [sandbox, browser] = await Promise.all([startSandbox({ speed: 20, chaos: 0.3, seed: SEED }), launchBrowser()]);
});

after(async () => {
  await browser?.close();
  sandbox?.stop();
});

async function run(loginId, password) {
  const page = await openPage(browser, sandbox.url);
  await chooseHere(page);
  await page.locator('[data-institution="AU00000"]').waitFor({ timeout: 30_000 });
  await chooseBank(page);
  await signIn(page, loginId, password);
  return { page, end: await result(page, 60_000) };
}

describe(`chaos 0.3, seed ${SEED}`, () => {
  test("a plain user still connects", async () => {
    const { page, end } = await run("dinesh", "chugs");
    assert.equal(await end.getAttribute("data-outcome"), "success");
    assert.equal(await end.locator("h1").textContent(), "Hooli is connected");
    await screenshot(page, "chaos-success");
    await page.context().close();
  });

  test("bighead still lands on re-enter details", async () => {
    const { page, end } = await run("bighead", "password");
    assert.equal(await end.getAttribute("data-action"), "resubmit-credentials");
    await page.context().close();
  });

  test("faults really happened", async () => {
    const faults = sandbox.log.filter((line) => /chaos=/.test(line));
    assert.ok(faults.length >= 1, `the sandbox injected faults (${faults.length})`);
  });
});
