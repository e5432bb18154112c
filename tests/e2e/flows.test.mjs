// What the user does next on each failure screen, and what the page then asks of the API.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { chooseBank, launchBrowser, openPage, result, screenshot, signIn, startSandbox, stored, until } from "./support.mjs";

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

async function start(loginId, password, { bank = "Hooli", query = "" } = {}) {
  const page = await openPage(browser, `${sandbox.url}/${query}`);
  await chooseBank(page, bank);
  await signIn(page, loginId, password);
  return { page, end: await result(page) };
}

async function done(page) {
  assert.deepEqual(page.errors, [], "no errors in the page");
  await page.context().close();
}

/** The connection id the sandbox gave this page's user (from its newest job). */
async function connectionId(page) {
  const { userId } = await stored(page);
  const [newest] = await sandbox.jobs(userId);
  return /\/connections\/([^/?]+)/.exec(newest.links.source)[1];
}

describe("next actions", { concurrency: 3 }, () => {
  test("bighead re-enters another password: the connection is updated and connects", async () => {
    const { page, end } = await start("bighead", "password");
    assert.equal(await end.getAttribute("data-action"), "resubmit-credentials");
    await end.getByRole("button", { name: "Re-enter your details" }).click();
    await page.getByRole("heading", { level: 1, name: "Re-enter your details" }).waitFor();
    assert.equal(await page.getByLabel("Login ID").inputValue(), "bighead", "the login ID is kept");
    assert.equal(await page.getByLabel("Password", { exact: true }).inputValue(), "", "the password is not");
    await page.getByLabel("Password", { exact: true }).fill("new-password");
    await page.getByRole("button", { name: "Reconnect" }).click();
    const again = await result(page);
    assert.equal(await again.getAttribute("data-outcome"), "success");
    assert.equal(await again.locator("h1").textContent(), "Hooli is connected");
    const jobs = await sandbox.jobs((await stored(page)).userId);
    assert.equal(jobs.length, 2, "the create job and the update job, nothing else");
    assert.equal(new Set(jobs.map((j) => j.links.source)).size, 1, "both jobs are on the same connection");
    await done(page);
  });

  test("erlich clears the bank's message: the connection is refreshed and followed again", async () => {
    const { page, end } = await start("erlich", "aviato");
    assert.equal(await end.getAttribute("data-action"), "clear-bank-popup");
    const id = await connectionId(page);
    await end.getByRole("button", { name: "I've cleared it" }).click();
    await page.getByRole("heading", { level: 1, name: "Reconnecting to Hooli" }).waitFor();
    const again = await result(page);
    // The sandbox's erlich always has a message waiting, so the refresh meets it again.
    assert.equal(await again.getAttribute("data-action"), "clear-bank-popup");
    const jobs = await sandbox.jobs((await stored(page)).userId);
    assert.equal(jobs.length, 2, "one refresh job after the first");
    assert.ok(jobs.every((j) => j.links.source.endsWith(`/connections/${id}`)), "the refresh was of the same connection");
    await done(page);
  });

  test("jianYang tries again twice: the third failure says contact support with the connection id", async () => {
    const { page, end } = await start("jianYang", "nothotdog");
    assert.equal(await end.getAttribute("data-action"), "try-later");
    await end.getByRole("button", { name: "Try again" }).click();
    await page.getByRole("heading", { level: 1, name: "Reconnecting to Hooli" }).waitFor();
    const second = await result(page);
    assert.equal(await second.getAttribute("data-action"), "try-later", "the second failure: still try later");
    await second.getByRole("button", { name: "Try again" }).click();
    await page.getByRole("heading", { level: 1, name: "Reconnecting to Hooli" }).waitFor();
    const third = await result(page);
    assert.equal(await third.getAttribute("data-action"), "contact-support");
    assert.match(await third.locator("h1").textContent(), /still can't reach your bank/);
    const id = await connectionId(page);
    assert.equal(await third.locator(".reference").textContent(), id, "the reference is the connection id");
    assert.match(await third.locator(".message").textContent(), new RegExp(`quote reference ${id}`));
    assert.equal((await sandbox.jobs((await stored(page)).userId)).length, 3);
    await screenshot(page, "jianyang-contact-support");
    await done(page);
  });

  test("re-entered details meet the bank's retry queue: we'll let you know, and it connects later", async () => {
    const { page, end } = await start("bighead", "password", { query: "?longPollMs=200" });
    assert.equal(await end.getAttribute("data-action"), "resubmit-credentials");
    await end.getByRole("button", { name: "Re-enter your details" }).click();
    await page.getByLabel("Login ID").fill("jianYang");
    await page.getByLabel("Password", { exact: true }).fill("nothotdog");
    await page.getByRole("button", { name: "Reconnect" }).click();
    const notice = page.locator('#retry-notice[data-action="wait-for-automatic-retry"]');
    await notice.waitFor({ state: "visible", timeout: 20_000 });
    assert.match(await notice.locator("h2").textContent(), /still trying to reach your bank/);
    assert.match(await notice.textContent(), /let you know/);
    assert.match(await notice.textContent(), /Next try in about 2 hours/);
    assert.equal(await page.locator('#step-list .step[data-status="failed"]').count(), 1, "the failed step is shown");
    await screenshot(page, "update-wait-for-automatic-retry");
    // The watch does not resolve while Basiq retries: no end screen, still on the progress screen.
    await page.waitForTimeout(1000);
    assert.equal(await page.locator("#result [data-outcome]").count(), 0, "no end screen while queued");
    assert.ok(await page.locator("#screen-result").isHidden());
    assert.ok(await page.locator("#screen-progress").isVisible());
    // Two retries later (every 2 hours, sandbox time) the sandbox lets it through.
    await sandbox.advanceClock(2 * HOUR + 1000);
    await page.waitForTimeout(1500);
    await sandbox.advanceClock(2 * HOUR + 1000);
    const later = await result(page, 30_000);
    assert.equal(await later.getAttribute("data-outcome"), "success");
    await done(page);
  });

  test("Aviato Bank's outage lifts: check again, then try again connects", async () => {
    const { page, end } = await start("monica", "hall", { bank: "Aviato Bank" });
    assert.equal(await end.getAttribute("data-action"), "wait-for-outage");
    await end.getByRole("button", { name: "Check again" }).click();
    await until(async () => (await end.locator("dd.checked").count()) === 1, "the check");
    assert.equal(await end.locator(".badge").textContent(), "Major outage", "still down");
    assert.equal(await end.getByRole("button", { name: "Try again" }).isVisible(), false);
    await sandbox.setConnector("ZZ00001", "operational");
    try {
      await end.getByRole("button", { name: "Check again" }).click();
      await end.getByRole("button", { name: "Try again" }).waitFor({ state: "visible" });
      assert.equal(await end.locator(".badge").textContent(), "Operational");
      await end.getByRole("button", { name: "Try again" }).click();
      const again = await result(page);
      assert.equal(await again.getAttribute("data-outcome"), "success");
      assert.equal(await again.locator("h1").textContent(), "Aviato is connected");
    } finally {
      await sandbox.setConnector("ZZ00001", "major-outage");
    }
    await done(page);
  });

  test("keyboard only on a small phone: choose, sign in, connect; focus and announcements follow", async () => {
    const page = await openPage(browser, sandbox.url, { viewport: { width: 360, height: 740 } });
    await page.locator("#screen-start").waitFor();
    await page.keyboard.press("Tab"); // the skip link
    assert.equal(await page.evaluate(() => document.activeElement.className), "skip");
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement.id), "connect-basiq", "Connect with Basiq comes first");
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement.id), "choose-here", "choosing here is one key away");
    await page.keyboard.press("Enter");
    await page.locator('[data-institution="AU00000"]').waitFor();
    assert.equal(await page.evaluate(() => document.activeElement.id), "institutions-title", "focus moves to the list's heading");
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement.dataset.institution), "AU00000", "the first bank is next");
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { level: 1, name: "Sign in to Hooli" }).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement.id), "login-id", "focus moves to the first field");
    await page.keyboard.type("dinesh");
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement.id), "password");
    await page.keyboard.type("chugs");
    await page.keyboard.press("Enter");
    const end = await result(page);
    assert.equal(await end.getAttribute("data-outcome"), "success");
    assert.equal(await page.evaluate(() => document.activeElement.id), "result-title", "focus moves to the result");
    await until(async () => (await page.locator("#announcer").textContent()) === "Hooli is connected", "the announcement");
    assert.equal(await page.locator("#announcer").getAttribute("aria-live"), "polite");
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `no sideways scrolling on a phone (${overflow}px too wide)`);
    await done(page);
  });
});
