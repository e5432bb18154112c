// The check every project runs, copied into it by the test: the package as a partner uses it. A
// call before init() must throw the package's own Error; then a real connection at the sandbox's
// Hooli (`api`) is followed to its end.
import init, { createConnection, stepLabel } from "basiq-jobs";

/** Runs the check against the sandbox at `api`; resolves with what the test asserts. */
export async function check(api) {
  const result = {};
  try {
    stepLabel("verify-credentials");
    result.beforeInit = "no error";
  } catch (e) {
    result.beforeInit = `${e.constructor.name}: ${e.message}`;
  }
  await init();
  const token = (userId) =>
    fetch(`${api}/sandbox/client-token`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(userId ? { userId } : {}),
    }).then((r) => r.json());
  const { userId } = await token();
  const steps = [];
  const watch = createConnection(
    userId,
    { loginId: "gavinBelson", password: "hooli2016", institution: { id: "AU00000" } },
    {
      apiBase: api,
      getToken: async () => (await token(userId)).access_token,
      intervalMs: 100,
      maxIntervalMs: 300,
      onStep: (e) => steps.push(`${e.step}:${e.status}`),
    },
  );
  const outcome = await watch.done;
  return {
    ...result,
    status: outcome.status,
    outcomeError: outcome.error ?? null,
    accountsUrl: outcome.accountsUrl ?? null,
    steps,
    label: stepLabel("retrieve-accounts"),
  };
}
