// Basiq 3.0's Consent UI flow as a partner's page runs it, through the package's real JS exports:
// the address the user is sent to, the job ids that come back, and the jobs watched together.
// Each scenario throws on the first broken rule.

let api = null;

async function load() {
  if (api) return api;
  // The runner serves its glue at `/wasm-bindgen-test`; any other URL would be a second instance.
  for (const url of ["/wasm-bindgen-test", "/wasm-bindgen-test.js"]) {
    try {
      const m = await import(url);
      if (typeof m.consentUrl === "function") return (api = m);
    } catch {}
  }
  throw new Error("cannot load the generated module with consentUrl");
}

const TOKEN = "secret-token-7c1d";
const ORIGIN = "https://au-api.basiq.io";

function assert(cond, what, detail) {
  if (!cond) throw new Error(`${what}${detail === undefined ? "" : ": " + JSON.stringify(detail)}`);
}

function throwsTypeError(f, what, mention) {
  try {
    f();
  } catch (e) {
    assert(e instanceof TypeError, `${what}: a TypeError`, String(e));
    if (mention) assert(e.message.includes(mention), `${what}: names ${mention}`, e.message);
    return;
  }
  throw new Error(`${what}: did not throw`);
}

const job = (id, steps) =>
  JSON.stringify({
    type: "job",
    id,
    steps: steps.map(([title, status, result = null]) => ({ title, status, result })),
    links: { self: `${ORIGIN}/jobs/${id}` },
  });
const done = (id) => job(id, [["verify-credentials", "success", { type: "link", url: "/users/u1/connections/c1" }], ["retrieve-accounts", "success"]]);
const failed = (id) => job(id, [["verify-credentials", "failed", { code: "invalid-credentials", title: "t", detail: "d" }], ["retrieve-accounts", "pending"]]);
const running = (id) => job(id, [["verify-credentials", "in-progress"], ["retrieve-accounts", "pending"]]);

const scenarios = {
  async consentUrl() {
    const url = new URL(api.consentUrl({ token: TOKEN, state: "a b&c=d", institutionId: "AU00000" }));
    assert(url.origin + url.pathname === "https://consent.basiq.io/home", "Basiq's Consent UI", url.href);
    assert(url.searchParams.get("token") === TOKEN, "the token", url.href);
    assert(url.searchParams.get("state") === "a b&c=d", "state round-trips encoded", url.href);
    assert(url.searchParams.get("institutionId") === "AU00000", "institutionId", url.href);
    assert(!url.searchParams.has("action") && !url.searchParams.has("connectionId"), "only what was given", url.href);
    const update = new URL(api.consentUrl({ token: TOKEN, action: "update", connectionId: "c1" }));
    assert(update.searchParams.get("action") === "update" && update.searchParams.get("connectionId") === "c1", "update", update.href);
    const sandbox = api.consentUrl({ token: TOKEN, consentBase: "http://127.0.0.1:8080/consent/home" });
    assert(sandbox.startsWith("http://127.0.0.1:8080/consent/home?token="), "consentBase overrides", sandbox);
    throwsTypeError(() => api.consentUrl({}), "no token", "token");
    throwsTypeError(() => api.consentUrl(), "no options");
    throwsTypeError(() => api.consentUrl({ token: TOKEN, consentBase: "http://evil.example/home" }), "insecure consentBase", "consentBase");
    throwsTypeError(() => api.consentUrl({ token: 5 }), "a token that is not a string", "token");
  },

  async jobIdsFromRedirect() {
    const same = (got, want, what) => assert(JSON.stringify(got) === JSON.stringify(want), what, got);
    same(api.jobIdsFromRedirect("https://partner.example/cb?jobIds=id1,id2&state=s"), ["id1", "id2"], "jobIds");
    same(api.jobIdsFromRedirect("https://partner.example/cb?jobId=j-1_a"), ["j-1_a"], "jobId");
    same(api.jobIdsFromRedirect("?jobIds=b%2Ca,b"), ["b", "a"], "a bare query, encoded commas, no repeats");
    same(api.jobIdsFromRedirect("https://partner.example/cb?jobIds=../users/u1,a%2Fb,%3Cscript%3E,ok"), ["ok"], "safe ids only");
    same(api.jobIdsFromRedirect("https://partner.example/cb#jobIds=f1"), ["f1"], "in the fragment");
    same(api.jobIdsFromRedirect("https://partner.example/cb?state=s"), [], "none");
    same(api.jobIdsFromRedirect("not a url at all"), [], "not a URL");
    assert(Array.isArray(api.jobIdsFromRedirect("")), "an array");
    throwsTypeError(() => api.jobIdsFromRedirect(undefined), "not a string", "url");
  },

  async watchJobs() {
    const calls = [];
    // j2 ends first; the outcomes still come in the order of the ids.
    const answers = { j1: [running("j1"), running("j1"), failed("j1")], j2: [done("j2")] };
    const fetch = (url, init) => {
      calls.push({ url, auth: new Headers(init?.headers).get("Authorization") });
      const id = url.split("/").pop();
      const list = answers[id];
      const body = list.length > 1 ? list.shift() : list[0];
      return Promise.resolve(new Response(body, { status: 200 }));
    };
    const group = api.watchJobs(["j1", "j2"], { apiBase: ORIGIN, token: TOKEN, fetch, intervalMs: 10, maxIntervalMs: 20, jitter: 0 });
    assert(group.watches.length === 2, "one watch per id", group.watches.length);
    const outcomes = await group.done;
    assert(outcomes.map((o) => o.status).join() === "failed,success", "outcomes in the order of ids", outcomes);
    assert(outcomes[0].job.id === "j1" && outcomes[1].job.id === "j2", "each its own job", outcomes);
    assert(outcomes[0].advice.action === "resubmit-credentials", "the failure's advice", outcomes[0].advice);
    assert(calls.every((c) => c.url.startsWith(`${ORIGIN}/jobs/`)), "the jobs under apiBase", calls);
    assert(calls.every((c) => c.auth === `Bearer ${TOKEN}`), "with the token", calls);
    assert(!JSON.stringify(outcomes).includes(TOKEN), "no token in the outcomes");

    const hung = () => new Promise(() => {});
    const g2 = api.watchJobs(["a", "b"], { apiBase: ORIGIN, token: TOKEN, fetch: hung });
    g2.cancel();
    const cancelled = await g2.done;
    assert(cancelled.map((o) => o.status).join() === "cancelled,cancelled", "cancel() ends every watch", cancelled);

    const none = await api.watchJobs([], { token: TOKEN }).done;
    assert(Array.isArray(none) && none.length === 0, "no ids, no outcomes", none);
    throwsTypeError(() => api.watchJobs(["../users/u1"], { token: TOKEN }), "an unsafe id", "job ids");
    throwsTypeError(() => api.watchJobs("j1", { token: TOKEN }), "ids not an array", "ids");
    throwsTypeError(() => api.watchJobs(["j1"], {}), "no token", "token");
  },
};

export async function run(name) {
  await load();
  const scenario = scenarios[name];
  if (!scenario) throw new Error(`no scenario ${name}`);
  await scenario();
}
