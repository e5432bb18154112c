// A panic inside the module, forced through a test-only export: every pending `done` still
// settles (as `internal`), no callback runs after it, and later calls throw a clear Error.

async function load() {
  for (const url of ["/wasm-bindgen-test", "/wasm-bindgen-test.js"]) {
    try {
      const m = await import(url);
      if (typeof m.panicForTests === "function") return m;
    } catch {}
  }
  throw new Error("cannot load the generated module with panicForTests");
}

const TOKEN = "secret-token-panic";
const ORIGIN = "https://au-api.basiq.io";
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function assert(cond, what, detail) {
  if (!cond) throw new Error(`${what}${detail === undefined ? "" : ": " + JSON.stringify(detail)}`);
}

const RUNNING = JSON.stringify({
  id: "panic-2",
  steps: [{ title: "verify-credentials", status: "in-progress", result: null }],
  links: { self: `${ORIGIN}/jobs/panic-2` },
});
const DONE = JSON.stringify({
  id: "panic-2",
  steps: [{ title: "verify-credentials", status: "success", result: null }],
  links: { self: `${ORIGIN}/jobs/panic-2` },
});

export async function run() {
  const api = await load();
  try {
    const hung = () => new Promise(() => {});
    let later = null;
    // j2 answers once at once, then its second answer waits until after the panic.
    let calls = 0;
    const slow = () => {
      calls += 1;
      if (calls === 1) return Promise.resolve(new Response(RUNNING));
      return new Promise((resolve) => (later = () => resolve(new Response(DONE))));
    };
    const steps = [];
    const a = api.watchJob(`${ORIGIN}/jobs/panic-1`, { token: TOKEN, fetch: hung });
    const b = api.watchJob(`${ORIGIN}/jobs/panic-2`, { token: TOKEN, fetch: slow, intervalMs: 5, maxIntervalMs: 5, jitter: 0, onStep: (e) => steps.push(e) });
    await sleep(50);
    assert(steps.length === 1 && later, "b saw its first answer and polls again", steps.length);

    let trapped = null;
    try {
      api.panicForTests();
    } catch (e) {
      trapped = e;
    }
    assert(trapped !== null, "the panic reached the caller as a thrown error");

    const timeout = sleep(2000).then(() => "still pending");
    for (const [name, w] of [["a", a], ["b", b]]) {
      const o = await Promise.race([w.done, timeout]);
      assert(o !== "still pending", `${name}.done settled after the panic`);
      assert(o.status === "error" && o.error.kind === "internal", `${name}: an internal error`, o);
      assert(/internal error/.test(o.error.message) && /reload/.test(o.error.message), `${name}: says so`, o.error.message);
      assert(typeof o.advice.title === "string" && o.advice.title.length > 0, `${name}: advice for the user`, o.advice);
      assert(!JSON.stringify(o).includes(TOKEN), `${name}: no token in the outcome`);
    }

    later();
    await sleep(50);
    assert(steps.length === 1, "no callback after the panic", steps.length);

    for (const [what, call] of [
      ["watchJob", () => api.watchJob(`${ORIGIN}/jobs/panic-3`, { token: TOKEN })],
      ["parseJob", () => api.parseJob(DONE)],
      ["snapshot", () => a.snapshot()],
      ["consentUrl", () => api.consentUrl({ token: TOKEN })],
    ]) {
      let threw = null;
      try {
        call();
      } catch (e) {
        threw = e;
      }
      assert(threw instanceof Error, `${what} throws an Error after the panic`, String(threw));
      assert(/reload the page/.test(threw.message) && threw.message.startsWith(what), `${what}: a clear message`, threw.message);
    }
  } finally {
    api.recoverForTests();
  }
}
