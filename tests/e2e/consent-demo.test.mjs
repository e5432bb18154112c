// The demo's first path, Basiq 3.0: "Connect with Basiq" sends the browser to the (sandbox's)
// hosted consent page, the user signs in there, lands back on the demo with ?jobIds=…&state=…, and
// the demo follows the jobs (jobIdsFromRedirect + watchJobs) to the same result panels as the API
// flow.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { launchBrowser, openPage, result, screenshot, startSandbox, stored, until } from "./support.mjs";

let sandbox;
let multi; // "allow multiple connections" on
let browser;

before(async () => {
  [sandbox, multi, browser] = await Promise.all([
    startSandbox({ speed: 20 }),
    startSandbox({ speed: 20, args: ["--consent-multiple"] }),
    launchBrowser(),
  ]);
});

after(async () => {
  await browser?.close();
  sandbox?.stop();
  multi?.stop();
});

/** On the demo's first screen, "Connect with Basiq": resolves on the consent page with its query. */
async function connectWithBasiq(page, sb) {
  await page.getByRole("button", { name: "Connect with Basiq", exact: true }).click();
  await page.waitForURL((u) => u.pathname === "/consent/home", { timeout: 15_000 });
  return new URL(page.url()).searchParams;
}

/** Signs in on the consent page (its fields found by their labels). */
async function signInThere(page, loginId, password) {
  await page.getByLabel("Login ID").fill(loginId);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Connect", exact: true }).click();
}

/** Back on the demo, after the consent page's redirect; the address is cleaned at once. */
async function backOnDemo(page, sb) {
  await page.waitForURL((u) => u.href.startsWith(`${sb.url}/`) && !u.pathname.startsWith("/consent"), { timeout: 30_000 });
  await until(async () => !new URL(page.url()).search.includes("jobIds"), "the return address to be cleaned");
}

async function done(page) {
  assert.deepEqual(page.errors, [], "no errors in the page");
  await page.context().close();
}

/** Requests the sandbox counted for one job. */
async function pollsOf(sb, id) {
  return (await sb.stats()).byJob[id] ?? 0;
}

describe("Connect with Basiq", { concurrency: 4 }, () => {
  test("Hooli: sign in on the consent page, land back, the success panel; a reload does not follow again", async () => {
    const page = await openPage(browser, sandbox.url);
    await page.getByRole("heading", { level: 1, name: "Connect your bank" }).waitFor();
    await screenshot(page, "consent-start");
    const query = await connectWithBasiq(page, sandbox);
    assert.ok(query.get("token"), "the consent page gets a client token");
    const kept = await stored(page);
    assert.equal(query.get("state"), kept.consent.state, "the state sent is the one kept in sessionStorage");
    assert.equal(query.get("action"), null, "a first consent has no action");
    await page.getByRole("button", { name: /Hooli/ }).click();
    await signInThere(page, "monica", "hall");
    await backOnDemo(page, sandbox);
    const end = await result(page);
    assert.equal(await end.getAttribute("data-outcome"), "success");
    assert.equal(await end.locator("h1").textContent(), "Hooli is connected", "the bank is named from the connection");
    assert.match(await end.getByRole("link", { name: /Accounts/ }).getAttribute("href"), /\/accounts\?filter=institution\.id\.eq/);
    const rows = await page.locator("#step-list .step").evaluateAll((els) => els.map((el) => el.dataset.status));
    assert.deepEqual(rows, ["success", "success", "success"]);
    const after = await stored(page);
    assert.equal(after.consent, null, "the state is used once");
    const [job] = await sandbox.jobs(after.userId);
    assert.equal(job.status, "success");
    assert.equal(new URL(page.url()).search, "", "no job ids left in the address");
    await screenshot(page, "consent-success");

    const polls = await pollsOf(sandbox, job.id);
    await page.reload();
    await result(page);
    assert.equal(await page.locator("#result h1").textContent(), "Hooli is connected", "the result stays after a reload");
    await page.waitForTimeout(500);
    assert.equal(await pollsOf(sandbox, job.id), polls, "the reload did not follow the job again");
    await done(page);
  });

  test("bighead: resubmit-credentials goes back through the consent page with the connection id, then connects", async () => {
    const page = await openPage(browser, sandbox.url);
    await connectWithBasiq(page, sandbox);
    await page.getByRole("button", { name: /Hooli/ }).click();
    await signInThere(page, "bighead", "password");
    await backOnDemo(page, sandbox);
    const end = await result(page);
    assert.equal(await end.getAttribute("data-outcome"), "failed");
    assert.equal(await end.getAttribute("data-action"), "resubmit-credentials");
    assert.match(await end.locator("h1").textContent(), /locked/i);
    const { userId } = await stored(page);
    const [failed] = await sandbox.jobs(userId);
    const connectionId = /\/connections\/([^/?]+)/.exec(failed.links.source)[1];

    await end.getByRole("button", { name: "Re-enter your details" }).click();
    await page.waitForURL((u) => u.pathname === "/consent/home", { timeout: 15_000 });
    const query = new URL(page.url()).searchParams;
    assert.equal(query.get("action"), "update");
    assert.equal(query.get("connectionId"), connectionId, "the consent page is told which connection");
    await page.getByRole("heading", { level: 1, name: "Update your details for Hooli" }).waitFor();
    await signInThere(page, "bighead", "a-new-password");
    await backOnDemo(page, sandbox);
    const again = await result(page);
    assert.equal(await again.getAttribute("data-outcome"), "success");
    assert.equal(await again.locator("h1").textContent(), "Hooli is connected");
    const jobs = await sandbox.jobs(userId);
    assert.equal(jobs.length, 2, "the create job and the update job");
    assert.equal(jobs[0].status, "success");
    assert.ok(jobs.every((j) => j.links.source.endsWith(`/connections/${connectionId}`)), "both on the same connection");
    await done(page);
  });

  test("MFA at Pied Piper Bank is answered on the consent page; the demo shows the job's MFA step done", async () => {
    const page = await openPage(browser, sandbox.url);
    await connectWithBasiq(page, sandbox);
    await page.getByRole("button", { name: /Pied Piper Bank/ }).click();
    await signInThere(page, "jared", "django");
    const form = page.getByRole("form", { name: "Confirm it's you" });
    await form.waitFor({ state: "visible", timeout: 15_000 });
    await page.getByLabel("OTP Password").fill("1234");
    await form.getByRole("button", { name: "Confirm" }).click();
    await backOnDemo(page, sandbox);
    const end = await result(page);
    assert.equal(await end.getAttribute("data-outcome"), "success");
    assert.equal(await end.locator("h1").textContent(), "Pied Piper is connected");
    const rows = await page.locator("#step-list .step").evaluateAll((els) => els.map((el) => `${el.dataset.step}:${el.dataset.status}`));
    assert.deepEqual(rows, ["verify-credentials:success", "mfa-challenge:success", "retrieve-accounts:success", "retrieve-transactions:success"]);
    await done(page);
  });

  test("two banks at once: both job ids are followed and both outcomes shown, in order", async () => {
    const page = await openPage(browser, multi.url);
    await connectWithBasiq(page, multi);
    await page.getByRole("button", { name: /Hooli/ }).click();
    await signInThere(page, "bighead", "password");
    await page.getByRole("heading", { level: 1, name: "Bank connected" }).waitFor({ timeout: 15_000 });
    await page.getByRole("button", { name: "Connect another bank" }).click();
    await page.getByRole("button", { name: /Raviga/ }).click();
    await signInThere(page, "monica", "hall");
    await page.getByRole("heading", { level: 1, name: "Bank connected" }).waitFor({ timeout: 15_000 });
    // The demo cleans its address at once, so read the ids from the navigation itself.
    const returned = page.waitForRequest((r) => r.isNavigationRequest() && new URL(r.url()).searchParams.has("jobIds"), { timeout: 15_000 });
    await page.getByRole("button", { name: "Finish" }).click();
    const ids = new URL((await returned).url()).searchParams.get("jobIds").split(",");
    assert.equal(ids.length, 2);
    await backOnDemo(page, multi);
    const panels = page.locator("#result [data-outcome]");
    await until(async () => (await panels.count()) === 2, "both outcomes", 30_000);
    assert.equal(await page.locator("#result h1").textContent(), "1 of 2 banks connected");
    const shown = await panels.evaluateAll((els) => els.map((el) => [el.dataset.outcome, el.dataset.action ?? null, el.querySelector("h2").textContent]));
    assert.equal(shown[0][0], "failed", "the first id's outcome first");
    assert.equal(shown[0][1], "resubmit-credentials");
    assert.match(shown[0][2], /locked/i);
    assert.deepEqual(shown[1], ["success", null, "Raviga is connected"], "the second id's outcome second");
    const { userId } = await stored(page);
    const jobs = await multi.jobs(userId);
    const byId = new Map(jobs.map((j) => [j.id, j.status]));
    assert.deepEqual(ids.map((id) => byId.get(id)), ["failed", "success"], "what the sandbox says, in the same order");
    await screenshot(page, "consent-two-banks");

    // Acting on the first panel re-enters that connection's details through the consent page.
    const firstConnection = /\/connections\/([^/?]+)/.exec(jobs.find((j) => j.id === ids[0]).links.source)[1];
    await panels.first().getByRole("button", { name: "Re-enter your details" }).click();
    await page.waitForURL((u) => u.pathname === "/consent/home", { timeout: 15_000 });
    assert.equal(new URL(page.url()).searchParams.get("connectionId"), firstConnection);
    await done(page);
  });

  test("a return whose state this page did not send is not followed", async () => {
    const page = await openPage(browser, `${sandbox.url}/?jobIds=abc-123&state=forged`);
    const error = page.locator("#start-error");
    await error.waitFor({ state: "visible" });
    assert.match(await error.textContent(), /didn't start on this page/);
    assert.equal(new URL(page.url()).search, "", "the address is cleaned");
    assert.equal(await pollsOf(sandbox, "abc-123"), 0, "no request for that job");
    assert.ok(await page.getByRole("button", { name: "Connect with Basiq", exact: true }).isEnabled());
    await done(page);
  });

  test("through the library: consentUrl, the consent page, jobIdsFromRedirect and watchJobs with two ids", async () => {
    const page = await openPage(browser, `${multi.url}/sandbox/clock`);
    const { url, state } = await page.evaluate(async () => {
      const lib = await import("/pkg/basiq_jobs.js");
      await lib.default();
      const minted = await (await fetch("/sandbox/client-token", { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" })).json();
      sessionStorage.setItem("lib-user", minted.userId);
      const state = crypto.randomUUID();
      return { url: lib.consentUrl({ token: minted.access_token, state, consentBase: `${location.origin}/consent/home` }), state };
    });
    assert.equal(new URL(url).pathname, "/consent/home");
    // The redirect lands on the demo page, which follows nothing it did not start: block it, keep the address.
    await page.route(`${multi.url}/?jobIds=*`, (route) => route.fulfill({ contentType: "text/html", body: "<!doctype html><title>back</title>" }));
    await page.goto(url);
    await page.getByRole("button", { name: /Pied Piper Bank/ }).click();
    await signInThere(page, "gavinBelson", "hooli2016");
    await page.getByLabel("What's your first company?").fill("Hooli");
    await page.getByRole("button", { name: "Confirm" }).click();
    await page.getByRole("heading", { level: 1, name: "Bank connected" }).waitFor({ timeout: 15_000 });
    await page.getByRole("button", { name: "Connect another bank" }).click();
    await page.getByRole("button", { name: /Hooli/ }).click();
    await signInThere(page, "erlich", "aviato");
    await page.getByRole("heading", { level: 1, name: "Bank connected" }).waitFor({ timeout: 15_000 });
    await page.getByRole("button", { name: "Finish" }).click();
    await page.waitForURL((u) => u.searchParams.has("jobIds"), { timeout: 15_000 });
    const redirect = page.url();
    assert.equal(new URL(redirect).searchParams.get("state"), state);
    await page.goto(`${multi.url}/sandbox/clock`);
    const r = await page.evaluate(async (redirect) => {
      const lib = await import("/pkg/basiq_jobs.js");
      await lib.default();
      const userId = sessionStorage.getItem("lib-user");
      const getToken = async () =>
        (await (await fetch("/sandbox/client-token", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ userId }) })).json()).access_token;
      const ids = lib.jobIdsFromRedirect(redirect);
      const group = lib.watchJobs(ids, { apiBase: location.origin, getToken, intervalMs: 100, maxIntervalMs: 300 });
      const outcomes = await group.done;
      return { ids, outcomes: outcomes.map((o) => ({ job: o.job?.id, status: o.status, action: o.advice?.action ?? null, accounts: Boolean(o.accountsUrl) })) };
    }, redirect);
    assert.equal(r.ids.length, 2);
    assert.deepEqual(r.outcomes, [
      { job: r.ids[0], status: "success", action: null, accounts: true },
      { job: r.ids[1], status: "failed", action: "clear-bank-popup", accounts: false },
    ]);
    await done(page);
  });

  test("an expired token (403 access-denied) is renewed by the page's own calls", async () => {
    const own = await startSandbox({ speed: 20 });
    try {
      const page = await openPage(browser, own.url);
      await page.getByRole("button", { name: "Choose your bank here instead" }).click();
      await page.getByRole("button", { name: /Aviato Bank/ }).click();
      await page.getByLabel("Login ID").fill("monica");
      await page.getByLabel("Password", { exact: true }).fill("hall");
      await page.getByRole("button", { name: "Connect", exact: true }).click();
      const end = await result(page);
      assert.equal(await end.getAttribute("data-action"), "wait-for-outage");
      await own.advanceClock(2 * 3_600_000); // every token minted so far has expired
      const refusals = () => own.log.filter((l) => /^GET \/connectors\S* 403 /.test(l)).length;
      assert.equal(refusals(), 0);
      await own.setConnector("ZZ00001", "operational");
      await end.getByRole("button", { name: "Check again" }).click();
      await end.getByRole("button", { name: "Try again" }).waitFor({ state: "visible" });
      assert.equal(await end.locator(".badge").textContent(), "Operational", "the status was read with a new token");
      assert.equal(refusals(), 1, "the expired token was refused once, then renewed");
      await done(page);
    } finally {
      own.stop();
    }
  });

  test("the API flow is one click away, and back", async () => {
    const page = await openPage(browser, sandbox.url);
    await page.getByRole("button", { name: "Choose your bank here instead" }).click();
    const banks = page.locator("[data-institution]");
    await banks.first().waitFor();
    assert.deepEqual(
      await banks.evaluateAll((b) => b.map((x) => x.dataset.institution)),
      ["AU00000", "AU00002", "AU00003", "ZZ00001", "ZZ00002"],
      "one entry per bank, though Nucleus Bank has two connectors",
    );
    const logos = await banks.evaluateAll((b) => b.map((x) => x.querySelector("img.logo").getAttribute("src")));
    assert.ok(logos.every((src) => /\/sandbox\/logos\/[A-Z0-9]+\.svg$/.test(src ?? "")), `each bank has its logo (${logos})`);
    await page.getByRole("button", { name: "Connect with Basiq instead" }).click();
    await page.getByRole("heading", { level: 1, name: "Connect your bank" }).waitFor();
    await done(page);
  });
});
