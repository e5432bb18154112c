// basiq-jobs in plain Node: `await init()` loads the module from disk with no warning, an export
// used before it throws the package's Error, and a real connection at the sandbox (API_BASE) is
// followed to its end with Node's own fetch. Prints one JSON line for the test.
import init, { createConnection, stepLabel } from "basiq-jobs";

const warnings = [];
process.on("warning", (w) => warnings.push(String(w)));
const warn = console.warn;
console.warn = (...args) => warnings.push(args.join(" "));

const result = {};
try {
  stepLabel("verify-credentials");
  result.beforeInit = "no error";
} catch (e) {
  result.beforeInit = `${e.constructor.name}: ${e.message}`;
}
await init();
const api = process.env.API_BASE;
const token = (userId) =>
  fetch(`${api}/sandbox/client-token`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(userId ? { userId } : {}),
  }).then((r) => r.json());
const { userId } = await token();
const outcome = await createConnection(
  userId,
  { loginId: "gavinBelson", password: "hooli2016", institution: { id: "AU00000" } },
  { apiBase: api, getToken: async () => (await token(userId)).access_token, intervalMs: 100, maxIntervalMs: 300 },
).done;
console.warn = warn;
console.log(JSON.stringify({ ...result, status: outcome.status, error: outcome.error ?? null, accountsUrl: outcome.accountsUrl ?? null, warnings }));
