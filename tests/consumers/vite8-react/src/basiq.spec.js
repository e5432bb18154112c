// basiq-jobs in a partner's Vitest suite (Node environment), with no config: init() loads the
// module from disk without a warning, and a watch runs against a scripted fetch.
import { afterEach, expect, test, vi } from "vitest";
import init, { describeFailure, parseJob, watchJob } from "basiq-jobs";

afterEach(() => vi.restoreAllMocks());

const job = (status) =>
  JSON.stringify({
    type: "job",
    id: "j1",
    steps: [
      { title: "verify-credentials", status, result: null },
      { title: "retrieve-accounts", status, result: status === "success" ? { type: "link", url: "/users/u1/accounts" } : null },
    ],
    links: { self: "https://au-api.basiq.io/jobs/j1", source: "https://au-api.basiq.io/users/u1/connections/c1" },
  });

test("a call before init() says to call init() first", () => {
  expect(() => parseJob(job("pending"))).toThrow(/await init\(\)/);
});

test("init() loads the module in Node with no warning", async () => {
  const warn = vi.spyOn(console, "warn");
  const warnings = [];
  process.on("warning", (w) => warnings.push(w));
  await init();
  expect(warn).not.toHaveBeenCalled();
  expect(warnings).toEqual([]);
  expect(parseJob(job("pending")).steps).toHaveLength(2);
  expect(describeFailure({ code: "invalid-credentials" }, {}).action).toBe("resubmit-credentials");
});

test("a watch follows a scripted job to success", async () => {
  await init();
  const answers = [job("in-progress"), job("success")];
  const fetch = async () => new Response(answers.shift() ?? job("success"), { status: 200 });
  const outcome = await watchJob("https://au-api.basiq.io/jobs/j1", { token: "t", fetch, intervalMs: 5, maxIntervalMs: 10 }).done;
  expect(outcome.status).toBe("success");
  expect(outcome.accountsUrl).toBe("https://au-api.basiq.io/users/u1/accounts");
});
