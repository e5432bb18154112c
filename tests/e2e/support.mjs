// Shared pieces of the demo's browser tests: a real sandbox per test file, Debian's Chromium
// driven by playwright-core, and the steps a user takes on the page.

import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { launchChromium } from "../support/chromium.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const TARGET = process.env.CARGO_TARGET_DIR ? resolve(ROOT, process.env.CARGO_TARGET_DIR) : join(ROOT, "target");
export const SANDBOX_BIN = process.env.SANDBOX_BIN ?? join(TARGET, "release", "basiq-sandbox");
const PKG_DIR = process.env.PKG_DIR ?? join(ROOT, "pkg");
const WWW_DIR = join(ROOT, "www");
export const SCREENSHOTS = join(ROOT, "tests", "e2e", "screenshots");

/**
 * Starts the sandbox on a free port; resolves once it prints its address.
 * `speed` scales its clock; `chaos`/`seed` inject faults; `args` are further flags.
 */
export async function startSandbox({ speed = 20, chaos, seed, args: extra = [] } = {}) {
  const args = ["--port", "0", "--speed", String(speed), "--www", WWW_DIR, "--pkg", PKG_DIR, ...extra];
  if (chaos !== undefined) args.push("--chaos", String(chaos));
  if (seed !== undefined) args.push("--seed", String(seed));
  const child = spawn(SANDBOX_BIN, args, { stdio: ["ignore", "pipe", "pipe"] });
  const log = [];
  createInterface({ input: child.stderr }).on("line", (line) => {
    log.push(line);
    if (log.length > 2000) log.shift();
  });
  const url = await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error("the sandbox did not start within 10 s")), 10_000);
    child.once("error", (e) => fail(new Error(`cannot start ${SANDBOX_BIN}: ${e.message} (build it with "cargo build --release -p sandbox")`)));
    child.once("exit", (code) => fail(new Error(`the sandbox exited with ${code}: ${log.join("\n")}`)));
    createInterface({ input: child.stdout }).once("line", (line) => {
      clearTimeout(timer);
      const m = /listening on (http:\/\/\S+)/.exec(line);
      if (m) ok(m[1]);
      else fail(new Error(`unexpected first line from the sandbox: ${line}`));
    });
  });
  const call = async (method, path, body) => {
    const response = await fetch(url + path, {
      method,
      headers: body === undefined ? {} : { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return response.json();
  };
  return {
    url,
    log,
    /** Request counters: `{ total, byRoute: { "POST /users/{u}/connections": n, … }, byJob }`. */
    stats: () => call("GET", "/sandbox/stats"),
    advanceClock: (ms) => call("POST", "/sandbox/clock/advance", { ms }),
    setConnector: (id, status) => call("POST", `/sandbox/connectors/${id}`, { status }),
    /** The user's jobs, newest first, through the API with a token for that user. */
    async jobs(userId) {
      const { access_token } = await call("POST", "/sandbox/client-token", { userId });
      const response = await fetch(`${url}/users/${userId}/jobs`, { headers: { Authorization: `Bearer ${access_token}` } });
      return (await response.json()).data;
    },
    stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
    },
  };
}

export async function launchBrowser() {
  return launchChromium();
}

/**
 * A fresh page (own context, so its own sessionStorage) that fails the test on page errors.
 * `viewport` defaults to a phone.
 */
export async function openPage(browser, url, { viewport = { width: 400, height: 860 } } = {}) {
  const context = await browser.newContext({ viewport, reducedMotion: "reduce" });
  const page = await context.newPage();
  page.errors = [];
  page.on("pageerror", (e) => page.errors.push(e.message));
  page.on("console", (m) => {
    if (m.type() === "error" && !/Failed to load resource/.test(m.text())) page.errors.push(m.text());
  });
  await page.goto(url);
  return page;
}

/**
 * From the first screen ("Connect with Basiq"), takes the other path: the bank list on this page.
 * Does nothing when the page already shows the list (a reload keeps the path).
 */
export async function chooseHere(page) {
  const start = page.locator("#screen-start");
  await page.locator("#screen-start:not([hidden]), #screen-institutions:not([hidden])").first().waitFor();
  if (await start.isVisible()) await page.getByRole("button", { name: "Choose your bank here instead" }).click();
  await page.locator("[data-institution]").first().waitFor({ timeout: 30_000 });
}

/** Picks the institution by its visible name (on this page: the API flow). */
export async function chooseBank(page, name = "Hooli") {
  await chooseHere(page);
  await page.getByRole("button", { name: new RegExp(name) }).click();
  await page.getByRole("heading", { level: 1, name: /Sign in|Re-enter/ }).waitFor();
}

/** Fills the credentials form (fields found by their labels) and presses the button. */
export async function signIn(page, loginId, password, button = "Connect") {
  await page.getByLabel("Login ID").fill(loginId);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: button, exact: true }).click();
}

/** The end screen, once shown. */
export async function result(page, timeout = 30_000) {
  const end = page.locator("#result [data-outcome]");
  await end.waitFor({ state: "visible", timeout });
  return end;
}

export async function screenshot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Polls `check` until it returns a truthy value (which it returns) or `timeout` ms pass. */
export async function until(check, what, timeout = 20_000) {
  const end = Date.now() + timeout;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The page's stored state (what a reload resumes from). */
export function stored(page) {
  return page.evaluate(() => JSON.parse(sessionStorage.getItem("basiq-jobs-demo") ?? "null"));
}
