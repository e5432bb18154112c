// The sandbox's stand-in for Basiq's hosted consent page, driven as a user would: choose a bank,
// sign in, answer MFA, land back on the partner's redirect URL with ?jobIds=…&state=…, then follow
// the job with the same token. Plain browser tests: no client library involved.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { launchBrowser, screenshot, startSandbox, until } from "./support.mjs";

const PARTNER = "https://partner.example.test/back";

let sandbox; // redirects to PARTNER
let multi; // default redirect (its own /), several connections allowed
let browser;

before(async () => {
  [sandbox, multi, browser] = await Promise.all([
    startSandbox({ speed: 20, args: ["--consent-redirect", PARTNER] }),
    startSandbox({ speed: 20, args: ["--consent-multiple"] }),
    launchBrowser(),
  ]);
});

after(async () => {
  await browser?.close();
  sandbox?.stop();
  multi?.stop();
});

/** A CLIENT_ACCESS token for a new (or the given) user, as a partner backend mints it. */
async function clientToken(sb, userId) {
  const response = await fetch(`${sb.url}/sandbox/client-token`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(userId ? { userId } : {}),
  });
  return response.json();
}

/** Opens the consent page; the partner's redirect target answers with a plain page. */
async function openConsent(sb, query) {
  const context = await browser.newContext({ viewport: { width: 400, height: 860 }, reducedMotion: "reduce" });
  const page = await context.newPage();
  page.errors = [];
  page.on("pageerror", (e) => page.errors.push(e.message));
  await page.route(`${PARTNER}**`, (route) => route.fulfill({ contentType: "text/html", body: "<!doctype html><title>Partner</title><p>Back at the partner</p>" }));
  await page.goto(`${sb.url}/consent/home?${new URLSearchParams(query)}`);
  return page;
}

async function signIn(page, loginId, password) {
  await page.getByLabel("Login ID").fill(loginId);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Connect", exact: true }).click();
}

/** Waits for the redirect and returns its query: `{ url, jobIds, state }`. */
async function landed(page, prefix = PARTNER) {
  await page.waitForURL((u) => u.href.startsWith(prefix) && u.searchParams.has("jobIds"), { timeout: 30_000 });
  const url = new URL(page.url());
  return { url, jobIds: url.searchParams.get("jobIds").split(","), state: url.searchParams.get("state"), raw: page.url() };
}

/** Polls GET /jobs/{id} with the token until the job-level status is final. */
async function finalJob(sb, id, token) {
  return until(async () => {
    const response = await fetch(`${sb.url}/jobs/${id}`, { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(response.status, 200);
    const job = await response.json();
    return job.status === "success" || job.status === "failed" ? job : null;
  }, `job ${id} to end`);
}

async function done(page) {
  assert.deepEqual(page.errors, [], "no errors in the page");
  await page.context().close();
}

describe("consent page", { concurrency: 3 }, () => {
  test("choose Hooli, sign in, come back with the job id and state; the job succeeds", async () => {
    const { access_token: token } = await clientToken(sandbox);
    const page = await openConsent(sandbox, { token, state: "csrf 1&2" });
    await page.getByRole("heading", { level: 1, name: "Choose your bank" }).waitFor();
    const banks = await page.locator("[data-institution]").evaluateAll((b) => b.map((x) => x.dataset.institution));
    assert.deepEqual(banks, ["AU00000", "AU00002", "AU00003", "ZZ00001", "ZZ00002"], "each institution once");
    await screenshot(page, "consent-institutions");
    await page.getByRole("button", { name: /Hooli/ }).click();
    await page.getByRole("heading", { level: 1, name: "Sign in to Hooli" }).waitFor();
    await signIn(page, "monica", "hall");
    const back = await landed(page);
    assert.equal(back.state, "csrf 1&2", "state comes back unchanged");
    assert.match(back.raw, /\?jobIds=[0-9a-f-]+&state=csrf%201%262$/);
    assert.equal(back.jobIds.length, 1);
    const job = await finalJob(sandbox, back.jobIds[0], token);
    assert.equal(job.status, "success");
    assert.ok(job.steps.every((s) => s.status === "success"));
    assert.match(job.links.source, /\/connections\//);
    await done(page);
  });

  test("bighead: the page sends the user back, and the job has failed on verify-credentials", async () => {
    const { access_token: token } = await clientToken(sandbox);
    const page = await openConsent(sandbox, { token, state: "s-bighead", institutionId: "AU00000" });
    await page.getByRole("heading", { level: 1, name: "Sign in to Hooli" }).waitFor();
    assert.ok(await page.locator("#back").isHidden(), "no bank list when the institution is given");
    await signIn(page, "bighead", "password");
    const back = await landed(page);
    assert.equal(back.state, "s-bighead");
    const job = await finalJob(sandbox, back.jobIds[0], token);
    assert.equal(job.status, "failed");
    assert.equal(job.steps[0].title, "verify-credentials");
    assert.equal(job.steps[0].status, "failed");
    assert.equal(job.steps[0].result.code, "invalid-credentials");
    await done(page);
  });

  test("MFA at Pied Piper Bank: the one-time code is asked on the page, then the job succeeds", async () => {
    const { access_token: token } = await clientToken(sandbox);
    const page = await openConsent(sandbox, { token, state: "s-mfa" });
    await page.getByRole("button", { name: /Pied Piper Bank/ }).click();
    await signIn(page, "jared", "django");
    const form = page.getByRole("form", { name: "Confirm it's you" });
    await form.waitFor({ state: "visible", timeout: 15_000 });
    assert.match(await page.locator("#mfa-description").textContent(), /one-time code/);
    await screenshot(page, "consent-mfa");
    await page.getByLabel("OTP Password").fill("1234");
    await form.getByRole("button", { name: "Confirm" }).click();
    const back = await landed(page);
    assert.equal(back.state, "s-mfa");
    const job = await finalJob(sandbox, back.jobIds[0], token);
    assert.equal(job.status, "success");
    assert.deepEqual(job.steps.map((s) => s.title), ["verify-credentials", "mfa-challenge", "retrieve-accounts", "retrieve-transactions"]);
    await done(page);
  });

  test("two security questions at Pied Piper Bank are both asked and answered", async () => {
    const { access_token: token } = await clientToken(sandbox);
    const page = await openConsent(sandbox, { token, institutionId: "AU00002" });
    await signIn(page, "Whistler", "ShowBox");
    await page.getByLabel("What's your favourite company?").fill("Basiq");
    await page.getByLabel("What's the ID of this institution?").fill("AU00000");
    await page.getByRole("button", { name: "Confirm" }).click();
    const back = await landed(page);
    assert.equal(back.state, null, "no state given, none returned");
    assert.equal((await finalJob(sandbox, back.jobIds[0], token)).status, "success");
    await done(page);
  });

  test("connectionId updates that connection's credentials", async () => {
    const { access_token: token, userId } = await clientToken(sandbox);
    let page = await openConsent(sandbox, { token, institutionId: "AU00000" });
    await signIn(page, "bighead", "password");
    let back = await landed(page);
    const failed = await finalJob(sandbox, back.jobIds[0], token);
    assert.equal(failed.status, "failed");
    const connectionId = /\/connections\/([^/?]+)/.exec(failed.links.source)[1];
    await page.context().close();

    page = await openConsent(sandbox, { token, action: "update", connectionId, state: "again" });
    await page.getByRole("heading", { level: 1, name: "Update your details for Hooli" }).waitFor();
    await signIn(page, "bighead", "a-new-password");
    back = await landed(page);
    assert.equal(back.state, "again");
    assert.notEqual(back.jobIds[0], failed.id);
    const job = await finalJob(sandbox, back.jobIds[0], token);
    assert.equal(job.status, "success");
    assert.equal(job.links.source, failed.links.source, "the same connection");
    const connection = await (await fetch(`${sandbox.url}/users/${userId}/connections/${connectionId}`, { headers: { Authorization: `Bearer ${token}` } })).json();
    assert.equal(connection.status, "active");
    await done(page);
  });

  test("with multiple connections allowed, two banks come back as two job ids to the sandbox's own page", async () => {
    const { access_token: token } = await clientToken(multi);
    const page = await openConsent(multi, { token, state: "many" });
    await page.getByRole("button", { name: /Hooli/ }).click();
    await signIn(page, "monica", "hall");
    await page.getByRole("heading", { level: 1, name: "Bank connected" }).waitFor({ timeout: 15_000 });
    await page.getByRole("button", { name: "Connect another bank" }).click();
    await page.getByRole("button", { name: /Raviga/ }).click();
    await signIn(page, "monica", "hall");
    await page.getByRole("heading", { level: 1, name: "Bank connected" }).waitFor({ timeout: 15_000 });
    await page.getByRole("button", { name: "Finish" }).click();
    const back = await landed(page, `${multi.url}/`);
    assert.equal(back.url.pathname, "/");
    assert.equal(back.state, "many");
    assert.equal(back.jobIds.length, 2);
    assert.match(back.raw, /jobIds=[0-9a-f-]+,[0-9a-f-]+&/, "ids joined by a plain comma");
    for (const id of back.jobIds) assert.equal((await finalJob(multi, id, token)).status, "success");
    await page.context().close();
  });

  test("a token the API never issued gets an explanation instead of the page", async () => {
    const page = await openConsent(sandbox, { token: "made-up" });
    const refusal = page.locator("[data-refusal]");
    await refusal.waitFor();
    assert.equal(await refusal.getAttribute("data-refusal"), "401");
    assert.match(await refusal.textContent(), /not valid/);
    await done(page);
  });
});
