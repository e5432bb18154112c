// The JS half of src/web/race.rs: each call starts one piece of work (a whole request, a sleep, a
// promise to await) under one timer, which a timeout or cancelling cuts short, and reports how it
// ended through one callback per watch. Every round trip between wasm and JS, and every promise,
// closure and timer costs time on each poll: doing the plumbing here keeps a poll to two calls
// each way, with no promise made for Rust to await. Nothing here decides what to send or what an
// answer means: that stays in Rust.

// How a piece of work ended, as `notify(ticket, how, value)` reports it.
const RESOLVED = 0;
const REJECTED = 1;
const TIMED_OUT = 2;
const CANCELLED = 3;

/** One watch's cancellation and wake-up; `notify` hears how each piece of work ended. */
export class Gate {
  constructor(notify) {
    this.notify = notify;
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
    if (this.woken) this.woken(RESOLVED);
  }

  /** Ends on the next microtask, once the code running now has returned. */
  soon(ticket) {
    Promise.resolve().then(() => this.notify(ticket, RESOLVED));
  }

  /** Sleeps `ms`, or less when woken or cancelled. */
  sleep(ticket, ms) {
    this.run(ticket, ms, null, (end) => (this.woken = end));
  }

  /** Awaits `value` (a promise or not). */
  within(ticket, value, ms) {
    this.run(ticket, ms, null, (end) =>
      Promise.resolve(value).then(
        (v) => end(RESOLVED, v),
        (e) => end(REJECTED, e),
      ),
    );
  }

  /**
   * Sends one request with `fetch` (else the global one), with `token` as its bearer token when
   * given, and reads its answer whole, duck-typed: `[status, Retry-After, body]` as found, or
   * what was thrown.
   */
  send(ticket, fetch, url, method, token, body, ms) {
    const controller = typeof AbortController === "function" ? new AbortController() : null;
    const headers = { Accept: "application/json" };
    // Job states must never come from a cache, and no cookies are needed.
    const init = { method, headers, cache: "no-store", credentials: "omit", signal: controller?.signal };
    if (token != null) headers.Authorization = `Bearer ${token}`;
    if (body != null) {
      headers["Content-Type"] = "application/json";
      init.body = body;
    }
    this.run(ticket, ms, controller, (end) => {
      const failed = (e) => end(REJECTED, e);
      // Each read is guarded, so nothing here throws past `end`.
      const read = (response) => {
        if (!this.pending.has(end)) return;
        let status;
        let retryAfter = null;
        let text;
        try {
          status = response.status;
        } catch {}
        try {
          retryAfter = response.headers.get("Retry-After");
        } catch {}
        try {
          text = response.text();
        } catch {}
        Promise.resolve(text).then((t) => end(RESOLVED, [status, retryAfter, t]), failed);
      };
      let sent;
      try {
        if (fetch) sent = fetch(url, init);
        else if (typeof globalThis.fetch === "function") sent = globalThis.fetch(url, init);
        else throw new TypeError("fetch is not available here");
      } catch (e) {
        return failed(e);
      }
      Promise.resolve(sent).then(read, failed);
    });
  }

  // Runs `start(end)` and notifies the first of `end(how, value)`, the timer firing after `ms`,
  // or cancelling. A request that ends without an answer is aborted.
  run(ticket, ms, controller, start) {
    if (this.cancelled) return this.notify(ticket, CANCELLED);
    const end = (how, value) => {
      if (!this.pending.delete(end)) return;
      clearTimeout(timer);
      if (controller && how !== RESOLVED) controller.abort();
      this.notify(ticket, how, value);
    };
    const timer = setTimeout(end, ms, TIMED_OUT);
    this.pending.add(end);
    start(end);
  }
}
