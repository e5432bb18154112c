// Every sandbox test user, signed in through the page, reaches the screen meant for them.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { chooseBank, chooseHere, launchBrowser, openPage, result, screenshot, signIn, startSandbox } from "./support.mjs";

let sandbox;
let browser;

before(async () => {
  [sandbox, browser] = await Promise.all([startSandbox({ speed: 20 }), launchBrowser()]);
});

after(async () => {
  await browser?.close();
  sandbox?.stop();
});

/** Signs in at `bank` and returns the page and its end screen. */
async function run(loginId, password, bank = "Hooli") {
  const page = await openPage(browser, sandbox.url);
  await chooseBank(page, bank);
  await signIn(page, loginId, password);
  return { page, end: await result(page) };
}

async function done(page) {
  assert.deepEqual(page.errors, [], "no errors in the page");
  await page.context().close();
}

/** Answers the MFA prompt shown on the page. */
async function answerMfa(page, answers) {
  const form = page.getByRole("form", { name: "Confirm it's you" });
  await form.waitFor({ state: "visible", timeout: 15_000 });
  assert.match(await page.locator("#mfa-expiry").textContent(), /^Expires in \d+:\d\d$/, "the expiry countdown shows");
  const inputs = form.locator("input");
  assert.equal(await inputs.count(), answers.length, "one field per prompt");
  for (const [i, answer] of answers.entries()) {
    const label = await form.locator(`label[for="mfa-answer-${i}"]`).textContent();
    assert.ok(label.trim().length > 0, "each field has a visible label");
    await form.getByLabel(label.trim(), { exact: true }).fill(answer);
  }
  await form.getByRole("button", { name: "Confirm" }).click();
}

describe("sandbox users", { concurrency: 3 }, () => {
  test("anyone else connects: success screen, every step done, accounts link", async () => {
    const { page, end } = await run("dinesh", "chugs");
    assert.equal(await end.getAttribute("data-outcome"), "success");
    assert.equal(await end.getAttribute("data-action"), null);
    assert.equal(await end.locator("h1").textContent(), "Hooli is connected");
    const accounts = end.getByRole("link", { name: /Accounts/ });
    assert.match(await accounts.getAttribute("href"), /^http:\/\/127\.0\.0\.1:\d+\/users\/[^/]+\/accounts\?filter=institution\.id\.eq/);
    assert.ok(await end.getByRole("button", { name: "Connect another bank" }).isVisible());
    const rows = await page.locator("#step-list .step").evaluateAll((els) => els.map((el) => el.dataset.status));
    assert.deepEqual(rows, ["success", "success", "success"], "every step done");
    await screenshot(page, "success");
    await done(page);
  });

  test("opened as localhost, the page still connects (the sandbox's links say 127.0.0.1)", async () => {
    const page = await openPage(browser, sandbox.url.replace("127.0.0.1", "localhost"));
    await chooseBank(page);
    await signIn(page, "gilfoyle-not", "anything");
    const end = await result(page);
    assert.equal(await end.getAttribute("data-outcome"), "success");
    await done(page);
  });

  test("bighead: the locked account asks to re-enter the details", async () => {
    const { page, end } = await run("bighead", "password");
    assert.equal(await end.getAttribute("data-outcome"), "failed");
    assert.equal(await end.getAttribute("data-action"), "resubmit-credentials");
    assert.match(await end.locator("h1").textContent(), /locked/i);
    assert.match(await end.locator(".step-failed").textContent(), /Signing in to your bank/);
    assert.ok(await end.getByRole("button", { name: "Re-enter your details" }).isVisible());
    await screenshot(page, "bighead-resubmit-credentials");
    await done(page);
  });

  test("erlich: the bank's message must be cleared first", async () => {
    const { page, end } = await run("erlich", "aviato");
    assert.equal(await end.getAttribute("data-action"), "clear-bank-popup");
    assert.match(await end.locator("h1").textContent(), /needs you to do something/);
    assert.match(await end.textContent(), /Sign in to Hooli's internet banking/);
    assert.ok(await end.getByRole("button", { name: "I've cleared it" }).isVisible());
    await screenshot(page, "erlich-clear-bank-popup");
    await done(page);
  });

  test("jianYang: the bank is unavailable, try later with the wait shown", async () => {
    const { page, end } = await run("jianYang", "nothotdog");
    assert.equal(await end.getAttribute("data-action"), "try-later");
    assert.match(await end.locator("h1").textContent(), /isn't available right now/);
    assert.match(await end.locator(".wait").textContent(), /^In about 10 minutes, after /);
    assert.ok(await end.getByRole("button", { name: "Try again" }).isVisible());
    await screenshot(page, "jianyang-try-later");
    await done(page);
  });

  test("Aviato Bank: the outage is explained with the bank's status", async () => {
    const { page, end } = await run("monica", "hall", "Aviato Bank");
    assert.equal(await end.getAttribute("data-action"), "wait-for-outage");
    assert.match(await end.locator("h1").textContent(), /outage/);
    assert.equal(await end.locator(".badge").getAttribute("data-status"), "major-outage");
    assert.equal(await end.locator(".badge").textContent(), "Major outage");
    assert.ok(await end.getByRole("button", { name: "Check again" }).isVisible());
    assert.ok(!(await end.getByRole("button", { name: "Try again" }).isVisible()), "no retry while the outage lasts");
    await screenshot(page, "outage-wait-for-outage");
    await done(page);
  });

  test("jared: the right one-time code connects", async () => {
    const page = await openPage(browser, sandbox.url);
    await chooseBank(page, "Pied Piper Bank");
    await signIn(page, "jared", "django");
    await answerMfa(page, ["1234"]);
    const end = await result(page);
    assert.equal(await end.getAttribute("data-outcome"), "success");
    const steps = await page.locator("#step-list .step").evaluateAll((rows) => rows.map((r) => r.dataset.step));
    assert.ok(steps.includes("mfa-challenge"), "the MFA step was listed");
    await screenshot(page, "mfa-token-success");
    await done(page);
  });

  test("gavinBelson: a wrong security answer is refused", async () => {
    const page = await openPage(browser, sandbox.url);
    await chooseBank(page, "Pied Piper Bank");
    await signIn(page, "gavinBelson", "hooli2016");
    await answerMfa(page, ["Raviga"]);
    const end = await result(page);
    assert.equal(await end.getAttribute("data-outcome"), "failed");
    assert.equal(await end.getAttribute("data-action"), "resubmit-credentials");
    assert.match(await end.locator("h1").textContent(), /wasn't accepted/);
    assert.match(await end.locator(".step-failed").textContent(), /Confirming it's you/);
    await screenshot(page, "mfa-wrong-answer");
    await done(page);
  });

  test("server text with markup in it is shown as text, never run or rendered", async () => {
    const markup = '<img src="x" onerror="window.injected=1"><b>bold</b>';
    const context = await browser.newContext({ viewport: { width: 400, height: 860 } });
    const page = await context.newPage();
    page.errors = [];
    page.on("pageerror", (e) => page.errors.push(e.message));
    // The institution's name and the bank's MFA texts are server text: give them markup.
    await page.route(/\/connectors(\?|$)/, async (route) => {
      const response = await route.fetch();
      const list = await response.json();
      for (const c of list.data) if (c.id === "AU00002") c.institution.name = `Pied Piper Bank ${markup}`;
      await route.fulfill({ response, json: list });
    });
    await page.route(/\/jobs\/[^/]+$/, async (route) => {
      const response = await route.fetch();
      const text = await response.text();
      let job;
      try {
        job = JSON.parse(text);
      } catch {
        return route.fulfill({ response, body: text });
      }
      for (const step of job.steps ?? []) {
        if (step.result?.type === "mfa") {
          step.result.description = `Description ${markup}`;
          step.result.input = [`Code ${markup}`];
        }
      }
      await route.fulfill({ response, json: job });
    });
    await page.goto(sandbox.url);
    await chooseHere(page);
    const bank = page.locator('[data-institution="AU00002"]');
    await bank.waitFor();
    assert.ok((await bank.textContent()).includes(markup), "the name is shown literally");
    await bank.click();
    await signIn(page, "jared", "django");
    const form = page.getByRole("form", { name: "Confirm it's you" });
    await form.waitFor({ state: "visible", timeout: 15_000 });
    assert.equal(await page.locator("#mfa-description").textContent(), `Description ${markup}`);
    assert.equal(await form.locator("label").first().textContent(), `Code ${markup}`);
    assert.equal(await page.locator("main img:not(.logo), main b").count(), 0, "no element came from server text");
    assert.equal(await page.evaluate(() => window.injected), undefined, "no script ran");
    await form.locator("input").first().fill("1234");
    await form.getByRole("button", { name: "Confirm" }).click();
    const end = await result(page);
    assert.equal(await end.getAttribute("data-outcome"), "success");
    assert.deepEqual(page.errors, []);
    await context.close();
  });

  test("Whistler: two security questions answered right connect", async () => {
    const page = await openPage(browser, sandbox.url);
    await chooseBank(page, "Pied Piper Bank");
    await signIn(page, "Whistler", "ShowBox");
    await answerMfa(page, ["Basiq", "AU00000"]);
    const end = await result(page);
    assert.equal(await end.getAttribute("data-outcome"), "success");
    await done(page);
  });
});
