// Requests: real connection jobs on the sandbox (3–27 s of sandbox time), each followed by one
// strategy in Chromium; the sandbox counts the polls of every job, and an observer that reads
// the users' job listings (not counted per job) brackets when each job really ended.

import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { call, openPage } from "./browser.mjs";

/**
 * Starts the sandbox on a free port; resolves with `{ url, stop, api, faults }`. With `chaos`,
 * `faults` counts the faults it injected by kind (from its request log on stderr).
 */
export async function startSandbox({ bin, speed, www, pkg, seed = 1, chaos }) {
  const args = ["--port", "0", "--speed", String(speed), "--www", www, "--pkg", pkg, "--seed", String(seed)];
  if (chaos !== undefined) args.push("--chaos", String(chaos));
  const child = spawn(bin, args, { stdio: ["ignore", "pipe", chaos === undefined ? "ignore" : "pipe"] });
  const faults = {};
  if (chaos !== undefined) {
    createInterface({ input: child.stderr }).on("line", (line) => {
      const kind = / chaos=(\S+)/.exec(line)?.[1];
      if (kind) faults[kind] = (faults[kind] ?? 0) + 1;
    });
  }
  const url = await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error("the sandbox did not start within 10 s")), 10_000);
    child.once("error", (e) => fail(new Error(`cannot start ${bin}: ${e.message}`)));
    child.once("exit", (code) => fail(new Error(`the sandbox exited with ${code}`)));
    createInterface({ input: child.stdout }).once("line", (line) => {
      clearTimeout(timer);
      const m = /listening on (http:\/\/\S+)/.exec(line);
      if (m) ok(m[1]);
      else fail(new Error(`unexpected first line from the sandbox: ${line}`));
    });
  });
  const api = async (method, path, { body, token } = {}) => {
    const headers = {};
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (token) headers.Authorization = `Bearer ${token}`;
    const r = await fetch(url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
    return r.json();
  };
  const stop = () =>
    new Promise((done) => {
      if (child.exitCode !== null) return done();
      child.once("exit", () => done());
      child.kill("SIGTERM");
    });
  return { url, api, stop, faults };
}

const finished = (job) =>
  job.steps.some((s) => s.status === "failed") ||
  (job.steps.length > 0 && job.steps.every((s) => s.status === "success" || s.status === "skipped"));

/**
 * Reads every user's job listing back to back until `done()` and every job seen has finished;
 * for each job: the last time it was seen running (request sent) and the first time it was seen
 * finished (answer received), in real milliseconds.
 */
async function observe(api, users, done, pauseMs = 3) {
  const jobs = new Map();
  for (;;) {
    await Promise.all(
      users.map(async ({ userId, token }) => {
        const sent = Date.now();
        const list = await api("GET", `/users/${userId}/jobs`, { token });
        const received = Date.now();
        for (const job of list.data) {
          const j = jobs.get(job.id) ?? { lastRunning: null, firstFinished: null };
          if (finished(job)) j.firstFinished ??= received;
          else j.lastRunning = sent;
          jobs.set(job.id, j);
        }
      }),
    );
    if (done() && [...jobs.values()].every((j) => j.firstFinished !== null)) return jobs;
    await new Promise((r) => setTimeout(r, pauseMs));
  }
}

/** Job kinds per strategy and wave: two failures early on, then the three institutions. */
export function specs(wave) {
  return [
    { name: "bighead: fails at sign-in", institution: "AU00000", loginId: "bighead", password: "password" },
    { name: "erlich: fails at accounts", institution: "AU00000", loginId: "erlich", password: "aviato" },
    { name: "AU00000 (8 s average)", institution: "AU00000", loginId: `bench-a-${wave}`, password: "pw" },
    { name: "ZZ00001 (12 s average)", institution: "ZZ00001", loginId: `bench-b-${wave}`, password: "pw" },
    { name: "ZZ00002 (20 s average)", institution: "ZZ00002", loginId: `bench-c-${wave}`, password: "pw" },
  ];
}

/**
 * Runs `runs` × `waves` waves of jobs; in each, every strategy follows one job of every kind,
 * all at once. Returns one record per job with its request count and how late (in sandbox
 * milliseconds) its strategy noticed the end.
 */
export async function measureRequests({ browser, bin, www, pkg, speed, strategies, runs, waves, log }) {
  const sandbox = await startSandbox({ bin, speed, www, pkg });
  const records = [];
  try {
    // Aviato (sandbox-only) is in a major outage by default; its jobs should run to the end here.
    // The MFA banks (AU00002, AU00003) are left out: their jobs wait on a user.
    await sandbox.api("POST", "/sandbox/connectors/ZZ00001", { body: { status: "operational" } });
    for (let run = 0; run < runs; run++) {
      const { context, page } = await openPage(browser, `${sandbox.url}/index.html`);
      for (let wave = 0; wave < waves; wave++) {
        const users = [];
        for (const s of strategies) {
          const t = await sandbox.api("POST", "/sandbox/client-token", { body: {} });
          users.push({ ...s, userId: t.userId, token: t.access_token });
        }
        let waveDone = false;
        const watching = call(page, "requestsWave", {
          pkg: "/pkg/basiq_jobs.js",
          strategies: users,
          specs: specs(`${run}-${wave}`),
        }).finally(() => (waveDone = true));
        const [results, seen] = await Promise.all([watching, observe(sandbox.api, users, () => waveDone)]);
        for (const r of results) {
          const j = seen.get(r.jobId);
          const end = j.lastRunning === null ? j.firstFinished : (j.lastRunning + j.firstFinished) / 2;
          const spread = j.lastRunning === null ? 0 : (j.firstFinished - j.lastRunning) / 2;
          records.push({
            run,
            wave,
            ...r,
            endedAt: end,
            lateMs: Math.max(0, r.noticedAt - end) * speed,
            lateUncertaintyMs: spread * speed,
            jobMs: (end - r.startedAt) * speed,
          });
        }
        log?.(`requests: run ${run + 1}/${runs}, wave ${wave + 1}/${waves} done`);
      }
      if (page.errors.length) throw new Error(`page errors: ${page.errors.join("; ")}`);
      await context.close();
    }
    const stats = await sandbox.api("GET", "/sandbox/stats");
    for (const r of records) r.requests = stats.byJob[r.jobId] ?? 0;
    return { records, stats: { total: stats.total, byRoute: stats.byRoute } };
  } finally {
    await sandbox.stop();
  }
}
