// The JS half of src/web/race.rs: each call starts one piece of work (a whole request, a sleep, a
// promise to await) under one timer and returns one promise that a timeout or cancelling cuts
// short. Every round trip between wasm and JS, and every promise, closure and timer, costs time on
// each poll; doing the plumbing here keeps it to one promise per await. Nothing here decides what
// to send or what an answer means: that stays in Rust.

// What a promise resolves with when it did not run to its end.
const TIMED_OUT = false;
const CANCELLED = true;

/** One watch's cancellation and wake-up. */
export class Gate {
  constructor() {
    // How to end each pending piece of work. Each removes itself when it ends, so this holds only
    // the work in flight: nothing piles up over a long watch.
    this.pending = new Set();
    this.cancelled = false;
    this.woken = null;
  }

  /** Ends every pending piece of work as cancelled, now and later; aborts requests in flight. */
  cancel() {
    this.cancelled = true;
    for (const end of this.pending) end(CANCELLED);
  }

  /** Ends the current sleep early. */
  wake() {
    if (this.woken) this.woken();
  }

  /** Resolves after `ms`, or sooner when woken or cancelled. */
  sleep(ms) {
    return this.run(ms, null, (end) => (this.woken = end));
  }

  /** Awaits `value` (a promise or not): resolves `[result]`, or rejects with its error. */
  within(value, ms) {
    return this.run(ms, null, (end) =>
      Promise.resolve(value).then(
        (v) => end([v]),
        (e) => end(e, true),
      ),
    );
  }

  /**
   * Sends one request with `fetch` (else the global one) and reads its answer whole, duck-typed:
   * resolves `[status, Retry-After, body]` as found, or rejects with what was thrown.
   */
  send(fetch, url, method, auth, body, ms) {
    const controller = new AbortController();
    const headers = { Accept: "application/json" };
    // Job states must never come from a cache, and no cookies are needed.
    const init = { method, headers, cache: "no-store", credentials: "omit", signal: controller.signal };
    if (auth != null) headers.Authorization = auth;
    if (body != null) {
      headers["Content-Type"] = "application/json";
      init.body = body;
    }
    return this.run(ms, controller, (end) => {
      let sent;
      try {
        if (fetch) sent = fetch(url, init);
        else if (typeof globalThis.fetch === "function") sent = globalThis.fetch(url, init);
        else throw new TypeError("fetch is not available here");
      } catch (e) {
        return end(e, true);
      }
      Promise.resolve(sent)
        .then((response) => {
          if (!this.pending.has(end)) return;
          let retryAfter = null;
          let text;
          try {
            retryAfter = response.headers.get("Retry-After");
          } catch {}
          try {
            text = response.text();
          } catch {}
          return Promise.resolve(text).then((t) => end([response?.status, retryAfter, t]));
        })
        .catch((e) => end(e, true));
    });
  }

  // Runs `start(end)`; the promise settles with the first `end(value, failed)`, the timer firing
  // after `ms`, or cancelling. A request that ends without an answer is aborted.
  run(ms, controller, start) {
    return new Promise((resolve, reject) => {
      if (this.cancelled) return resolve(CANCELLED);
      const end = (value, failed) => {
        if (!this.pending.delete(end)) return;
        clearTimeout(timer);
        if (controller && !Array.isArray(value)) controller.abort();
        (failed ? reject : resolve)(value);
      };
      const timer = setTimeout(end, ms, TIMED_OUT);
      this.pending.add(end);
      start(end);
    });
  }
}
