// Rules for the page's own code that no screen would show broken.

import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const WWW = resolve(dirname(fileURLToPath(import.meta.url)), "../../www");
const files = readdirSync(WWW).filter((f) => /\.(js|html)$/.test(f));
const source = (f) => readFileSync(join(WWW, f), "utf8");

test("server text is only ever set as text: no HTML parsing in the page's scripts", () => {
  assert.ok(files.some((f) => f.endsWith(".js")), "the page has scripts");
  for (const f of files.filter((f) => f.endsWith(".js"))) {
    const hits = source(f).match(/\.innerHTML|\.outerHTML|insertAdjacentHTML|document\.write|DOMParser|createContextualFragment|\beval\(|new Function\(/g);
    assert.equal(hits, null, `${f} uses ${hits}`);
  }
});

test("no API key in the page: tokens come from the partner backend", () => {
  for (const f of files) {
    const text = source(f);
    assert.ok(!/Authorization["']?\s*[:=]\s*[`"']Basic/i.test(text), `${f} sends Basic (API key) auth`);
    assert.ok(!/SERVER_ACCESS|POST \/token|\/token["'`]/.test(text), `${f} asks for a token itself`);
  }
  assert.match(source("api.js"), /config\.tokenUrl/, "tokens come from the configured backend endpoint");
});
