// Polling that follows the page, through the package's real JS exports: an offline spell does
// not end the watch, going online polls at once, and a page looked at again polls at once.

async function load() {
  for (const url of ["/wasm-bindgen-test", "/wasm-bindgen-test.js"]) {
    try {
      const m = await import(url);
      if (typeof m.watchJob === "function") return m;
    } catch {}
  }
  throw new Error("cannot load the generated module");
}

const ORIGIN = "https://au-api.basiq.io";
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const job = (id, status) =>
  JSON.stringify({ id, steps: [{ title: "verify-credentials", status, result: null }], links: { self: `${ORIGIN}/jobs/${id}` } });

function assert(cond, what, detail) {
  if (!cond) throw new Error(`${what}${detail === undefined ? "" : ": " + JSON.stringify(detail)}`);
}

async function offline(api) {
  let online = false;
  Object.defineProperty(navigator, "onLine", { configurable: true, get: () => online });
  try {
    const calls = [];
    const fetch = () => {
      calls.push(performance.now());
      if (!online) return Promise.reject(new TypeError("Failed to fetch"));
      return Promise.resolve(new Response(job("page-off", "success")));
    };
    const w = api.watchJob(`${ORIGIN}/jobs/page-off`, { token: "t", fetch, intervalMs: 5, maxIntervalMs: 20, jitter: 0, maxConsecutiveErrors: 2 });
    await sleep(300);
    assert(calls.length > 4, "it kept trying while offline", calls.length);
    const pending = await Promise.race([w.done.then(() => "settled"), sleep(0).then(() => "pending")]);
    assert(pending === "pending", "offline failures did not use up maxConsecutiveErrors");
    online = true;
    const before = calls.length;
    window.dispatchEvent(new Event("online"));
    const o = await w.done;
    assert(o.status === "success", "back online, it finished", o);
    assert(calls.length === before + 1, "one request, at once", calls.length - before);
  } finally {
    delete navigator.onLine;
  }
}

async function visible(api) {
  const calls = [];
  const fetch = () => {
    calls.push(performance.now());
    return Promise.resolve(new Response(job("page-vis", calls.length < 2 ? "in-progress" : "success")));
  };
  const w = api.watchJob(`${ORIGIN}/jobs/page-vis`, { token: "t", fetch, intervalMs: 5000, maxIntervalMs: 5000, jitter: 0 });
  await sleep(100);
  assert(calls.length === 1, "the first poll, then a long wait", calls.length);
  Object.defineProperty(document, "visibilityState", { configurable: true, get: () => "visible" });
  try {
    const at = performance.now();
    document.dispatchEvent(new Event("visibilitychange"));
    const o = await Promise.race([w.done, sleep(2000).then(() => null)]);
    assert(o && o.status === "success", "looked at again, it polled at once", o);
    assert(calls[1] - at < 500, "within moments", calls[1] - at);
  } finally {
    delete document.visibilityState;
  }
}

export async function run(name) {
  const api = await load();
  await { offline, visible }[name](api);
}
