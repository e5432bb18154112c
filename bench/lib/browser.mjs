// A static file server for the bench page (cross-origin isolated, so performance.now() has
// microsecond resolution) and Debian's Chromium driven by playwright-core.

import { createReadStream, statSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, normalize, resolve } from "node:path";
import { CHROMIUM, launchChromium } from "../../tests/support/chromium.mjs";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".svg": "image/svg+xml",
};

/** Serves `mounts` (URL prefix → directory) on 127.0.0.1; resolves with `{ url, close }`. */
export function serveStatic(mounts) {
  const entries = Object.entries(mounts).sort((a, b) => b[0].length - a[0].length);
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    const mount = entries.find(([prefix]) => path.startsWith(prefix));
    let file = null;
    if (mount) {
      const rel = normalize(path.slice(mount[0].length) || "index.html").replace(/^(\.\.[/\\])+/, "");
      const candidate = join(mount[1], rel);
      if (candidate.startsWith(resolve(mount[1]))) {
        try {
          if (statSync(candidate).isFile()) file = candidate;
        } catch {
          file = null;
        }
      }
    }
    if (!file) {
      res.writeHead(404).end("not found");
      return;
    }
    res.writeHead(200, {
      "Content-Type": TYPES[extname(file)] ?? "application/octet-stream",
      "Cache-Control": "no-store",
      "Cross-Origin-Opener-Policy": "same-origin",
      "Cross-Origin-Embedder-Policy": "require-corp",
      "Cross-Origin-Resource-Policy": "same-origin",
    });
    createReadStream(file).pipe(res);
  });
  return new Promise((ok) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      ok({ url: `http://127.0.0.1:${port}`, close: () => new Promise((done) => server.close(done)) });
    });
  });
}

export { CHROMIUM };

/** Launches headless Chromium (never downloads one); `gc` exposes `gc()` to pages. */
export function launch({ gc = false } = {}) {
  return launchChromium(gc ? ["--js-flags=--expose-gc"] : []);
}

/** A fresh context and page at `url`; page errors are collected on `page.errors`. */
export async function openPage(browser, url) {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.errors = [];
  page.on("pageerror", (e) => page.errors.push(String(e)));
  page.on("console", (m) => {
    // Missing optional files (favicon, the baseline on the sandbox) are not errors of the bench.
    if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) page.errors.push(m.text());
  });
  await page.goto(url);
  return { context, page };
}

/** Calls `name(arg)` exported by the page's harness module. */
export function call(page, name, arg) {
  return page.evaluate(
    async ([n, a]) => {
      const harness = await import("/harness.js");
      return harness[n](a);
    },
    [name, arg],
  );
}
