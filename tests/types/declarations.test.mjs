// The TypeScript declarations held to what the package really returns: every outgoing shape is
// produced by the built package (pkg/, in Node, with a scripted fetch), written into a TypeScript
// file as an object literal typed with the declared type, and compiled with `tsc --strict`. A
// field the Rust side emits but the declarations lack (excess property), a declared field it no
// longer sends, or a value outside a declared union fails the compile. The exported signatures
// must not mention `any`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const PKG = resolve(process.env.PKG_DIR ?? join(ROOT, "pkg"));
const TSC = join(ROOT, "node_modules", ".bin", "tsc");

// The package's Node entry, as partners' tests load it.
const api = await import(join(PKG, "node.js"));
await api.default();

const ORIGIN = "https://au-api.basiq.io";
const TOKEN = "tok-declarations";
const FAST = { intervalMs: 5, maxIntervalMs: 10, jitter: 0 };
const LINK = (url) => ({ type: "link", url });
const job = (steps, extra = {}) =>
  JSON.stringify({
    type: "job",
    id: "j1",
    created: "2024-09-25T04:22:25Z",
    updated: "2024-09-25T04:22:38Z",
    jobType: "connection",
    steps: steps.map(([title, status, result = null]) => ({ title, status, result })),
    links: { self: `${ORIGIN}/jobs/j1`, source: `${ORIGIN}/users/u1/connections/c1` },
    ...extra,
  });
const RUNNING = job([["verify-credentials", "in-progress"], ["retrieve-accounts", "pending"], ["retrieve-transactions", "pending"]]);
const SUCCESS = job([
  ["verify-credentials", "success", LINK("/users/u1/connections/c1")],
  ["retrieve-accounts", "success", LINK("/users/u1/accounts")],
  ["retrieve-transactions", "success", LINK("/users/u1/transactions")],
]);
const FAILED = job([
  ["verify-credentials", "failed", { code: "invalid-credentials", title: "Cannot login", detail: "Check credentials" }],
  ["retrieve-accounts", "pending"],
  ["retrieve-transactions", "pending"],
]);
const MFA = job([
  ["verify-credentials", "success", LINK("/users/u1/connections/c1")],
  ["mfa-challenge", "in-progress", { type: "mfa", method: "token", description: "Enter the code", input: ["OTP Password"], expiryMs: 120000, links: { response: `${ORIGIN}/jobs/j1/mfa` } }],
  ["retrieve-accounts", "pending"],
]);

function scripted(answers) {
  let i = 0;
  return () => {
    const a = answers[Math.min(i++, answers.length - 1)];
    const [status, body] = typeof a === "string" ? [200, a] : a;
    return Promise.resolve(new Response(body, { status }));
  };
}

/** Every shape the package hands a partner, each with its declared type. */
async function samples() {
  const out = [];
  const add = (type, value) => out.push([type, value]);
  add("JobSnapshot", api.parseJob(SUCCESS));
  add("JobSnapshot", api.parseJob(FAILED));
  add("JobSnapshot", api.parseJob(MFA));
  add(
    "JobSnapshot",
    api.parseJob({
      type: "job", id: "r1", jobType: "report", status: "success", createdDate: "2024-01-02T03:04:05Z",
      steps: [{ title: "create-report", status: "success", result: { type: "report", url: "/reports/rep1" } }],
      links: { self: "/jobs/r1", source: "/reports/rep1" },
    }),
  );
  for (const [code, context] of [
    ["invalid-credentials", { operation: "create" }],
    ["service-unavailable", { operation: "update" }],
    ["service-unavailable", { operation: "create", attempt: 3, connectionId: "c1" }],
    ["account-not-accessible-requires-user-action", {}],
    ["something-new", undefined],
  ]) {
    add("FailureAdvice", api.describeFailure({ code, title: "t", detail: "d" }, context));
  }

  const follow = async (answers, options = {}) => {
    const w = api.watchJob(`${ORIGIN}/jobs/j1`, {
      token: TOKEN,
      fetch: scripted(answers),
      onStep: (e) => add("StepEvent", e),
      onProgress: (p) => add("Progress", p),
      onMfa: (c) => {
        add("MfaChallenge", c);
        w.cancel();
      },
      ...FAST,
      ...options,
    });
    const outcome = await w.done;
    add("JobOutcome", outcome);
    const snapshot = w.snapshot();
    if (snapshot) add("JobSnapshot", snapshot);
    return outcome;
  };
  assert.equal((await follow([RUNNING, SUCCESS])).status, "success");
  assert.equal((await follow([RUNNING, FAILED])).status, "failed");
  assert.equal((await follow([MFA])).status, "cancelled");
  assert.equal((await follow([[404, '{"type":"list","data":[{"type":"error","code":"resource-not-found"}]}']])).status, "error");
  assert.equal((await follow([RUNNING], { timeoutMs: 30 })).status, "timed-out");
  const group = api.watchJobs(["j1"], { apiBase: ORIGIN, token: TOKEN, fetch: scripted([SUCCESS]), ...FAST });
  for (const outcome of await group.done) add("JobOutcome", outcome);
  return out;
}

test("every outgoing shape compiles against its declared type under strict", async () => {
  const all = await samples();
  for (const t of ["JobSnapshot", "FailureAdvice", "StepEvent", "Progress", "MfaChallenge", "JobOutcome"]) {
    assert.ok(all.some(([type]) => type === t), `no sample of ${t}`);
  }
  const statuses = new Set(all.filter(([t]) => t === "JobOutcome").map(([, v]) => v.status));
  assert.deepEqual([...statuses].sort(), ["cancelled", "error", "failed", "success", "timed-out"]);
  const dir = mkdtempSync(join(tmpdir(), "basiq-jobs-types-"));
  const lines = [`import type * as B from ${JSON.stringify(join(PKG, "index.js"))};`];
  all.forEach(([type, value], i) => lines.push(`export const s${i}: B.${type} = ${JSON.stringify(value)};`));
  writeFileSync(join(dir, "samples.ts"), lines.join("\n") + "\n");
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        target: "ES2020",
        lib: ["ES2020", "DOM"],
        module: "ESNext",
        moduleResolution: "Bundler",
        skipLibCheck: false,
        types: [],
      },
      files: ["samples.ts"],
    }),
  );
  try {
    execFileSync(TSC, ["-p", dir], { encoding: "utf8", stdio: "pipe" });
  } catch (e) {
    assert.fail(`the declarations do not describe what the package returns:\n${e.stdout}${e.stderr}`);
  }
});

test("no exported signature mentions any", () => {
  const dts = readFileSync(join(PKG, "index.d.ts"), "utf8");
  const offending = dts
    .split("\n")
    .filter((line) => /\bany\b/.test(line.replace(/\/\*.*?\*\/|\/\/.*$/g, "")) && !/^\s*\*/.test(line));
  assert.deepEqual(offending, []);
});
