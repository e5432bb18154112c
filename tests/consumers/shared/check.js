// The check every browser project runs, copied into its src/ by the test: the package as a
// partner's page uses it. A call before init() must throw the package's own Error; then a real
// connection at the sandbox's Hooli is followed to its end. The result goes to
// window.consumerResult for the test to read.
import init, { createConnection, stepLabel } from "basiq-jobs";

async function check() {
  const result = {};
  try {
    stepLabel("verify-credentials");
    result.beforeInit = "no error";
  } catch (e) {
    result.beforeInit = `${e.constructor.name}: ${e.message}`;
  }
  await init();
  const api = new URL(location.href).searchParams.get("api");
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
  return { ...result, status: outcome.status, accountsUrl: outcome.accountsUrl ?? null, steps, label: stepLabel("retrieve-accounts") };
}

check().then(
  (result) => (window.consumerResult = result),
  (error) => (window.consumerResult = { error: String(error?.stack ?? error) }),
);
