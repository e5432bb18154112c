// Main-thread tasks from a Chromium trace (playwright's browser.startTracing/stopTracing with the
// categories "devtools.timeline", "disabled-by-default-devtools.timeline" (its RunTask events)
// and "blink.user_timing"): the renderer main thread is the one the page's performance.mark()
// ran on, and the mark ties the trace clock to the page's performance.now().

/**
 * Every top-level task (`RunTask`) of the thread that emitted the mark `markName`, as
 * `{ start, ms }` with `start` on the page's performance.now() clock (`markAt` is the mark's
 * startTime there). Returns null when the trace holds no such mark.
 */
export function mainThreadTasks(traceBuffer, markName, markAt) {
  const { traceEvents = [] } = JSON.parse(Buffer.from(traceBuffer).toString("utf8"));
  const mark = traceEvents.find((e) => e.name === markName && String(e.cat).includes("blink.user_timing"));
  if (!mark) return null;
  const tasks = traceEvents
    .filter((e) => e.pid === mark.pid && e.tid === mark.tid && e.ph === "X" && e.name === "RunTask" && e.dur !== undefined)
    .map((e) => ({ start: markAt + (e.ts - mark.ts) / 1000, ms: e.dur / 1000 }))
    .sort((a, b) => a.start - b.start);
  // Nested run loops can put a task inside another: keep the outer one only.
  const top = [];
  for (const t of tasks) {
    const last = top[top.length - 1];
    if (last && t.start + t.ms <= last.start + last.ms) continue;
    top.push(t);
  }
  return top;
}

/** Milliseconds of `tasks` inside the window [from, to] (page clock). */
export function busyMs(tasks, from, to) {
  let total = 0;
  for (const t of tasks) {
    const a = Math.max(from, t.start);
    const b = Math.min(to, t.start + t.ms);
    if (b > a) total += b - a;
  }
  return total;
}
