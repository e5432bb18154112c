// Compares the one-poll work of two builds of the package side by side, in one browser and run:
//
//   node bench/compare.mjs BEFORE_PKG_DIR AFTER_PKG_DIR [rounds=41] [job|steady]
//
// Each directory is a `wasm-pack build --release --target web` output (the glue minified or
// not). The two builds run in two pages of one Chromium, alternating which goes first, with
// the plain-JS poller measured in every round too. Rounds on a shared machine vary a lot, so
// the figure to quote is the median of the per-round ratios (after ÷ before), not a ratio of
// medians taken at different times.
import { resolve } from "node:path";
import { call, launch, openPage, serveStatic } from "./lib/browser.mjs";

const [before, after] = process.argv.slice(2, 4).map((d) => d && resolve(d));
const rounds = Number(process.argv[4] ?? 41);
const script = process.argv[5] ?? "job";
if (!before || !after || !(rounds > 0) || !["job", "steady"].includes(script)) {
  console.error("usage: node bench/compare.mjs BEFORE_PKG_DIR AFTER_PKG_DIR [rounds] [job|steady]");
  process.exit(2);
}

const here = new URL(".", import.meta.url).pathname;
const server = await serveStatic({
  "/before/": before,
  "/after/": after,
  "/baseline/": `${here}baseline`,
  "/": `${here}page`,
});
const browser = await launch({ gc: true });
try {
  // One page per build: the harness loads one package per page.
  const pages = {
    before: (await openPage(browser, `${server.url}/index.html`)).page,
    after: (await openPage(browser, `${server.url}/index.html`)).page,
  };
  const perPoll = async (which, impl) => {
    const r = await call(pages[which], "pollSpeed", {
      pkg: `/${which}/basiq_jobs.js`, rounds: 1, watches: 25, script, real: false, only: impl,
    });
    return r[impl][0];
  };
  // Warm both up (compile, first-run tiers) before measuring.
  for (const which of ["before", "after", "before", "after"]) await perPoll(which, "wasm");

  const got = { before: [], after: [], js: [] };
  for (let r = 0; r < rounds; r++) {
    for (const which of r % 2 ? ["after", "before"] : ["before", "after"]) {
      got[which].push(await perPoll(which, "wasm"));
    }
    got.js.push(await perPoll("before", "js"));
  }
  const median = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    const m = s.length >> 1;
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
  };
  const ratios = got.after.map((a, i) => a / got.before[i]);
  const us = (xs) => `${median(xs).toFixed(1)} µs (${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)})`;
  console.log(`one poll, "${script}" script, ${rounds} rounds, per poll (median, min–max):`);
  console.log(`  before ${us(got.before)}`);
  console.log(`  after  ${us(got.after)}`);
  console.log(`  plain JS ${us(got.js)}`);
  console.log(`  after ÷ before, per round: ×${median(ratios).toFixed(2)} (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`);
  console.log(`  ÷ plain JS (medians): before ×${(median(got.before) / median(got.js)).toFixed(2)}, after ×${(median(got.after) / median(got.js)).toFixed(2)}`);
} finally {
  await browser.close();
  server.close?.();
}
