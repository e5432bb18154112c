// Where the page finds the Basiq API and the partner backend that mints its tokens.
//
// Defaults: the local sandbox that serves this page. To use the real Basiq API, set `api` to
// "https://au-api.basiq.io" and `tokenUrl` to your own backend endpoint that mints a CLIENT_ACCESS
// token for the signed-in user (see README, "Demo"). Never put an API key in a page.
// "Connect with Basiq" sends the browser to Basiq's hosted Consent UI (`consentBase`): the
// sandbox's stand-in when the sandbox mints the tokens, Basiq's own page otherwise.
//
// Each value can also be given in the page's query string, e.g. `/?api=http://127.0.0.1:9000`.

const defaults = {
  /** The Basiq API base URL, without a trailing slash. Empty: the origin serving this page. */
  api: "",
  /** The partner backend's token endpoint. Empty: the sandbox's `/sandbox/client-token` on `api`. */
  tokenUrl: "",
  /** Basiq's hosted Consent UI. Empty: the sandbox's `/consent/home` on the sandbox, else Basiq's page. */
  consentBase: "",
  /** The institutions offered, in order; empty: every connector the API lists. */
  institutions: "",
  /** How often to check a job while Basiq's retry queue works on it, in ms. */
  longPollMs: "",
};

function read() {
  const query = new URLSearchParams(window.location.search);
  const pick = (key) => (query.get(key) ?? defaults[key] ?? "").trim();
  const api = (pick("api") || window.location.origin).replace(/\/+$/, "");
  const tokenUrl = pick("tokenUrl") || `${api}/sandbox/client-token`;
  const sandbox = tokenUrl.startsWith(`${api}/sandbox/`);
  const consentBase = pick("consentBase") || (sandbox ? `${api}/consent/home` : "");
  const longPollMs = Number.parseInt(pick("longPollMs"), 10);
  const institutions = pick("institutions")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  return {
    api,
    /** True when `api` was not configured: the page talks to the server that serves it. */
    apiFromPage: !pick("api"),
    tokenUrl,
    institutions,
    /** True when the token comes from the sandbox: the page then lists its test users. */
    sandbox,
    /** Where "Connect with Basiq" goes; empty: the default of `consentUrl` (Basiq's page). */
    consentBase,
    longIntervalMs: Number.isFinite(longPollMs) && longPollMs > 0 ? longPollMs : undefined,
  };
}

export const config = read();
