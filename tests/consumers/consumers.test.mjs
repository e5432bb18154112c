// The npm package as partners get it: `npm pack pkg/`, then each project here (a real app with
// its lock file) installs the tarball, builds or starts its dev server with no basiq-jobs config,
// and runs in headless Chromium or Node against a real sandbox, asserting the outcome a user gets.
//
// Run after `make build` and `cargo build --release -p sandbox`: `node --test tests/consumers/`.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { copyFileSync, createReadStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { dirname, extname, join, normalize, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { launchBrowser, startSandbox } from "../e2e/support.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "../..");
const PKG = resolve(process.env.PKG_DIR ?? join(ROOT, "pkg"));
const run = promisify(execFile);

/** Runs a command in a project, failing with its output. */
async function sh(cwd, command, args, env = {}) {
  try {
    return await run(command, args, { cwd, env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
  } catch (e) {
    throw new Error(`${command} ${args.join(" ")} in ${cwd} failed:\n${e.stdout}\n${e.stderr}`);
  }
}

let tarball;
let sandbox;
let browser;

before(async () => {
  const out = mkdtempSync(join(tmpdir(), "basiq-jobs-pack-"));
  const { stdout } = await sh(ROOT, "npm", ["pack", PKG, "--pack-destination", out, "--json"]);
  tarball = join(out, JSON.parse(stdout)[0].filename);
  [sandbox, browser] = await Promise.all([startSandbox({ speed: 20 }), launchBrowser()]);
});

after(async () => {
  await browser?.close();
  sandbox?.stop();
});

/**
 * Installs a project as a partner would: its locked dependencies (`npm ci`), then the packed
 * tarball, without touching the committed manifest or lock file. Copies the shared check (and,
 * for `page`, the browser entry that runs it) into the project's `into` folder.
 */
async function install(name, { into = "src", page = true } = {}) {
  const dir = join(HERE, name);
  await sh(dir, "npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"]);
  await sh(dir, "npm", ["install", "--no-save", "--no-audit", "--no-fund", "--loglevel=error", tarball]);
  const installed = JSON.parse(readFileSync(join(dir, "node_modules", "basiq-jobs", "package.json"), "utf8"));
  assert.equal(installed.name, "basiq-jobs");
  if (into) {
    mkdirSync(join(dir, into), { recursive: true });
    for (const file of page ? ["check.js", "page.js"] : ["check.js"]) copyFileSync(join(HERE, "shared", file), join(dir, into, file));
  }
  return dir;
}

const TYPES = { ".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm", ".css": "text/css" };

/**
 * Serves a directory as any static host does (404 for what is not there); pages get the
 * Content-Security-Policy `csp(url)` returns, if any.
 */
async function serve(root, { csp } = {}) {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname));
    let file = join(root, path);
    if (!file.startsWith(root)) file = root;
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
    if (!existsSync(file)) {
      res.writeHead(404, { "Content-Type": "text/plain" }).end("not found");
      return;
    }
    const headers = { "Content-Type": TYPES[extname(file)] ?? "application/octet-stream" };
    if (csp && extname(file) === ".html") headers["Content-Security-Policy"] = csp;
    res.writeHead(200, headers);
    createReadStream(file).pipe(res);
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() };
}

/** A port nothing listens on now. */
async function freePort() {
  const probe = createServer();
  await new Promise((ok) => probe.listen(0, "127.0.0.1", ok));
  const { port } = probe.address();
  await new Promise((ok) => probe.close(ok));
  return port;
}

/** Starts a project's Vite dev server (its own CLI) on a free port; resolves with its address. */
async function viteDev(dir) {
  return devServer(dir, "vite", ["--host", "127.0.0.1", "--port", String(await freePort()), "--strictPort"]);
}

/** Starts a project's dev server (its own CLI) and resolves with its address. */
async function devServer(dir, command, args) {
  const child = spawn(join(dir, "node_modules", ".bin", command), args, {
    cwd: dir,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NO_COLOR: "1", NEXT_TELEMETRY_DISABLED: "1" },
  });
  let output = "";
  const url = await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`${command} did not start within 30 s:\n${output}`)), 30_000);
    const read = (chunk) => {
      output += chunk;
      const m = /(http:\/\/(?:localhost|127\.0\.0\.1):\d+)/.exec(output.replace(/\x1b\[[0-9;]*m/g, ""));
      if (m) {
        clearTimeout(timer);
        ok(m[1]);
      }
    };
    child.stdout.on("data", read);
    child.stderr.on("data", read);
    child.once("exit", (code) => fail(new Error(`${command} exited with ${code}:\n${output}`)));
  });
  return { url, output: () => output, close: () => child.kill("SIGTERM") };
}

/** Opens a page, waits for `window[key]`, and returns it with the page's errors and requests. */
async function visit(url, { key = "consumerResult", until } = {}) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  const requests = [];
  const missing = [];
  page.on("pageerror", (e) => errors.push(e.message));
  // A failed load is reported by the browser twice: as a console error, and as the response.
  page.on("console", (m) => m.type() === "error" && !m.text().startsWith("Failed to load resource") && errors.push(m.text()));
  page.on("request", (r) => requests.push(r.url()));
  page.on("response", (r) => r.status() >= 400 && missing.push(new URL(r.url()).pathname));
  try {
    await page.goto(url);
    const result = until ? await until(page) : await (await page.waitForFunction((k) => window[k], key, { timeout: 60_000 })).jsonValue();
    return { result, errors, requests, missing };
  } finally {
    await context.close();
  }
}

/**
 * What the shared check must report: the init-first Error, then Hooli's success, with no error in
 * the page and no failed request but, where `wasmMissing`, the .wasm the bundler did not copy.
 */
function assertChecked({ result, errors, missing }, { wasmMissing = false } = {}) {
  assert.equal(result.error, undefined, result.error);
  assert.match(result.beforeInit, /^Error: basiq-jobs: stepLabel\(\) was called before the module was loaded\. .*await init\(\)/);
  assert.equal(result.status, "success");
  assert.ok(result.accountsUrl.startsWith(`${sandbox.url}/users/`), result.accountsUrl);
  assert.match(result.accountsUrl, /\/accounts\?filter=institution\.id\.eq/);
  assert.ok(result.steps.includes("retrieve-transactions:success"), result.steps.join(" "));
  assert.equal(result.label, "Getting your accounts");
  assert.deepEqual(errors, []);
  assert.deepEqual(missing, wasmMissing ? ["/dist/basiq_jobs_bg.wasm"] : []);
}

const withApi = (url) => `${url}/?api=${encodeURIComponent(sandbox.url)}`;

/** A job the way the Consent UI leaves one: created for a new user, its id for ?jobIds=. */
async function consentJob() {
  const post = (path, body, token) =>
    fetch(sandbox.url + path, {
      method: "POST",
      headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    }).then((r) => r.json());
  const { access_token, userId } = await post("/sandbox/client-token", {});
  const job = await post(`/users/${userId}/connections`, { loginId: "gavinBelson", password: "hooli2016", institution: { id: "AU00000" } }, access_token);
  return { userId, jobId: job.id };
}

describe("the packed package in partners' toolchains", { concurrency: 2 }, () => {
  for (const name of ["vite5-dev", "vite7-dev"]) {
    test(`${name}: the dev server pre-bundles it and init() still loads the module; the build works too`, async () => {
      const dir = await install(name);
      rmSync(join(dir, "node_modules", ".vite"), { recursive: true, force: true });
      const server = await viteDev(dir);
      try {
        const visited = await visit(withApi(server.url));
        assertChecked(visited);
        assert.ok(
          visited.requests.some((u) => u.includes("/node_modules/.vite/deps/")),
          "the dev server served basiq-jobs pre-bundled (the case that used to break)",
        );
      } finally {
        server.close();
      }

      await sh(dir, join(dir, "node_modules", ".bin", "vite"), ["build", "--logLevel", "warn"]);
      const built = await serve(join(dir, "dist"));
      try {
        const visited = await visit(withApi(built.url));
        assertChecked(visited);
        assert.ok(visited.requests.some((u) => /\/assets\/basiq_jobs_bg-[\w-]+\.wasm$/.test(u)), "the build copied the .wasm");
      } finally {
        built.close();
      }
    });
  }

  test("vite8-react: a StrictMode component follows jobs and cancels on unmount (dev and build); Vitest loads it in Node", async () => {
    const dir = await install("vite8-react", { into: null });
    const reactPage = async (url) => {
      const { userId, jobId } = await consentJob();
      const address = `${url}/?api=${encodeURIComponent(sandbox.url)}&userId=${userId}&jobIds=${jobId}&state=s`;
      return visit(address, {
        until: async (page) => {
          const output = await page.waitForSelector("output[data-outcomes]", { timeout: 60_000 });
          return {
            outcomes: await output.getAttribute("data-outcomes"),
            text: await output.textContent(),
            steps: await page.$$eval("li[data-step]", (items) => items.map((li) => `${li.dataset.step}:${li.dataset.status}`)),
            started: await page.evaluate(() => window.watchesStarted),
            cancelled: await page.evaluate(() => window.watchesCancelled),
          };
        },
      });
    };

    const server = await viteDev(dir);
    try {
      const { result, errors, missing } = await reactPage(server.url);
      assert.equal(result.outcomes, "success");
      assert.match(result.text, /\/accounts\?filter=/);
      assert.ok(result.steps.includes("retrieve-transactions:success"), result.steps.join(" "));
      assert.equal(result.started, 2, "StrictMode ran the effect twice");
      assert.equal(result.cancelled, 1, "the first watch was cancelled on the simulated unmount");
      assert.deepEqual(errors, []);
      assert.deepEqual(missing, []);
    } finally {
      server.close();
    }

    await sh(dir, join(dir, "node_modules", ".bin", "vite"), ["build", "--logLevel", "warn"]);
    const built = await serve(join(dir, "dist"));
    try {
      const { result, errors, missing } = await reactPage(built.url);
      assert.equal(result.outcomes, "success");
      assert.equal(result.started - result.cancelled, 1);
      assert.deepEqual(errors, []);
      assert.deepEqual(missing, []);
    } finally {
      built.close();
    }

    // The same project's Vitest suite: the package in Node, with no config.
    const { stdout } = await sh(dir, join(dir, "node_modules", ".bin", "vitest"), ["run", "--reporter=verbose"], { NO_COLOR: "1" });
    assert.match(stdout, /Tests\s+3 passed/);
  });

  for (const [name, note] of [
    ["webpack5", "the .wasm is emitted as an asset and served as application/wasm"],
    ["rollup", "the .wasm is not copied, so init() falls back to the inlined copy"],
    ["esbuild", "the .wasm is not copied, so init() falls back to the inlined copy"],
  ]) {
    test(`${name}: a production build works (${note})`, async () => {
      const dir = await install(name);
      rmSync(join(dir, "dist"), { recursive: true, force: true });
      await sh(dir, "npm", ["run", "--silent", "build"]);
      const server = await serve(dir);
      try {
        const visited = await visit(withApi(server.url));
        assertChecked(visited, { wasmMissing: name !== "webpack5" });
        const loadedWasm = visited.requests.some((u) => u.endsWith(".wasm"));
        if (name === "webpack5") assert.ok(loadedWasm, "webpack's build loads its .wasm asset");
      } finally {
        server.close();
      }
      if (name === "esbuild") return;

      // The Content-Security-Policy the package README documents is enough, the inlined copy
      // included; without 'wasm-unsafe-eval', init() rejects with a CompileError.
      const documented = `script-src 'self' 'wasm-unsafe-eval'; connect-src 'self' ${sandbox.url}`;
      for (const [csp, works] of [
        [documented, true],
        [`script-src 'self'; connect-src 'self' ${sandbox.url}`, false],
      ]) {
        const strict = await serve(dir, { csp });
        try {
          const visited = await visit(withApi(strict.url));
          if (works) {
            assertChecked(visited, { wasmMissing: name !== "webpack5" });
          } else {
            assert.match(visited.result.error, /CompileError/);
          }
        } finally {
          strict.close();
        }
      }
    });
  }

  test("nextjs: the App Router renders a client component on the server, then it connects in the browser", async () => {
    const dir = await install("nextjs", { into: "app", page: false });
    const env = { NEXT_TELEMETRY_DISABLED: "1" };
    await sh(dir, join(dir, "node_modules", ".bin", "next"), ["build"], env);
    const port = String(await freePort());
    const server = await devServer(dir, "next", ["start", "--port", port, "--hostname", "127.0.0.1"]);
    try {
      const address = withApi(server.url);
      const html = await (await fetch(address)).text();
      assert.match(html, /Connecting…/, "the server rendered the component that imports basiq-jobs");
      const { result, errors, missing, requests } = await visit(address, {
        until: async (page) => {
          const output = await page.waitForSelector("output[data-outcome]", { timeout: 60_000 });
          return { outcome: await output.getAttribute("data-outcome"), text: await output.textContent() };
        },
      });
      assert.equal(result.outcome, "success");
      assert.match(result.text, /^Getting your accounts: http:\/\/127\.0\.0\.1:\d+\/users\/[^/]+\/accounts\?filter=/);
      assert.ok(requests.some((u) => /\/_next\/static\/media\/basiq_jobs_bg\.[^/]+\.wasm$/.test(u)), `the .wasm was emitted as an asset: ${requests.filter((u) => !u.includes("/jobs/")).join(" ")}`);
      assert.deepEqual(errors, []);
      assert.deepEqual(missing, []);
    } finally {
      server.close();
    }
  });

  test("node-esm: import init and await it, then a real connection with Node's fetch; the installed manifest and README", async () => {
    const dir = await install("node-esm", { page: false });
    const { stdout, stderr } = await sh(dir, process.execPath, ["check.mjs"], { API_BASE: sandbox.url });
    const result = JSON.parse(stdout.trim().split("\n").pop());
    assert.match(result.beforeInit, /^Error: basiq-jobs: stepLabel\(\) was called before the module was loaded/);
    assert.equal(result.status, "success");
    assert.match(result.accountsUrl, /\/accounts\?filter=/);
    assert.deepEqual(result.warnings, [], "no deprecation or other warning");
    assert.equal(stderr, "");

    // What the registry shows and bundlers read, as installed.
    const installed = join(dir, "node_modules", "basiq-jobs");
    const manifest = JSON.parse(readFileSync(join(installed, "package.json"), "utf8"));
    assert.deepEqual(manifest.exports["."], { types: "./index.d.ts", node: "./node.js", default: "./index.js" });
    assert.equal(manifest.sideEffects, false);
    assert.equal(manifest.type, "module");
    assert.match(manifest.engines.node, /^>=20/);
    for (const field of ["homepage", "license", "description"]) assert.ok(manifest[field], field);
    assert.ok(manifest.bugs.url && manifest.repository.url && manifest.keywords.length > 3);
    for (const file of ["index.js", "node.js", "index.d.ts", "wasm-inline.js", "basiq_jobs.js", "basiq_jobs_bg.wasm", "README.md"]) {
      assert.ok(existsSync(join(installed, file)), `${file} is in the package`);
    }
    const readme = readFileSync(join(installed, "README.md"), "utf8");
    assert.match(readme, /^# basiq-jobs/);
    assert.doesNotMatch(readme, /make (demo|test|bench)/, "the registry README is for partners, not for building the repository");
    const relative = [...readme.matchAll(/\]\(([^)#][^)]*)\)/g)].map((m) => m[1]).filter((link) => !/^https:\/\//.test(link));
    assert.deepEqual(relative, [], "every link in the registry README is absolute");
  });

  test("tsc-strict: the declarations and every TypeScript snippet of the READMEs compile under strict", async () => {
    const dir = await install("tsc-strict", { into: null });
    const snippets = join(dir, "snippets");
    rmSync(snippets, { recursive: true, force: true });
    mkdirSync(snippets);
    let count = 0;
    for (const readme of ["README.md", "package/README.md"]) {
      const text = readFileSync(join(ROOT, readme), "utf8");
      for (const m of text.matchAll(/^```ts\n([\s\S]*?)^```$/gm)) {
        count += 1;
        // Each snippet is its own module; one that imports nothing is still compiled as one.
        writeFileSync(join(snippets, `${readme.replace(/\W/g, "_")}_${count}.ts`), `${m[1]}\nexport {};\n`);
      }
    }
    assert.ok(count >= 4, `found ${count} TypeScript snippets`);
    await sh(dir, "npm", ["run", "--silent", "check"]);
  });
});
