// Talking to the partner backend (for tokens) and to the Basiq API (for institutions).
// The page never holds an API key: the backend mints a short-lived CLIENT_ACCESS token for one user.

import { config } from "./config.js";

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Answers worth asking again: the server or the network had a moment. */
const TRANSIENT = new Set([429, 500, 502, 503, 504]);

/**
 * Tokens for one end user. `session.userId` is filled in by the backend's first answer (the
 * backend creates the user) and kept by the caller so a reload stays the same user.
 */
export class Tokens {
  constructor(session) {
    this.session = session;
    this.current = null; // { token, expiresAt }
  }

  /** A token from the partner backend, minted now. */
  async mint() {
    const body = this.session.userId ? { userId: this.session.userId } : {};
    const answer = await request(config.tokenUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    const token = answer?.access_token;
    if (typeof token !== "string" || !token) throw new Error("the token endpoint gave no access_token");
    if (typeof answer.userId === "string" && answer.userId) this.session.userId = answer.userId;
    const lifetimeMs = Number(answer.expires_in) > 0 ? Number(answer.expires_in) * 1000 : 600_000;
    this.current = { token, expiresAt: Date.now() + lifetimeMs * 0.9 };
    return token;
  }

  /** The current token, minted when there is none or it is about to expire. */
  async get() {
    if (this.current && Date.now() < this.current.expiresAt) return this.current.token;
    return this.mint();
  }

  /**
   * For `getToken`: basiq-jobs calls it first and again when the token is refused (401, or 403
   * "Token has expired"), so every call mints a fresh token (the one it had was refused).
   */
  provider() {
    return () => this.mint();
  }
}

/**
 * fetch + JSON, asking again (with back-off) after network errors, bad bodies and 429/5xx, and
 * with a fresh token after one refusal of the token: 401, or 403 `access-denied` (how Basiq
 * answers an expired token). Throws an Error with `status` for other answers.
 */
export async function request(url, init = {}, { tokens = null, attempts = 4 } = {}) {
  let refreshed = false;
  for (let attempt = 1; ; attempt++) {
    const headers = { ...(init.headers ?? {}) };
    if (tokens) headers.Authorization = `Bearer ${await tokens.get()}`;
    let status = 0;
    let retryAfterMs = 0;
    try {
      const response = await fetch(url, { ...init, headers, cache: "no-store" });
      status = response.status;
      retryAfterMs = Math.min(10_000, 1000 * (Number(response.headers.get("Retry-After")) || 0));
      if (tokens && !refreshed && (status === 401 || (status === 403 && (await errorCode(response)) === "access-denied"))) {
        refreshed = true;
        await tokens.mint();
        attempt--;
        continue;
      }
      if (response.ok) return await response.json();
      if (!TRANSIENT.has(status)) {
        const error = new Error(`${init.method ?? "GET"} ${new URL(url).pathname} answered ${status}`);
        error.status = status;
        throw error;
      }
    } catch (e) {
      if (e.status) throw e;
      // A network error or a body that is not JSON: worth another try.
    }
    if (attempt >= attempts) {
      const error = new Error(`${init.method ?? "GET"} ${new URL(url).pathname} failed ${attempts} times`);
      error.status = status;
      throw error;
    }
    await sleep(Math.max(retryAfterMs, 300 * 2 ** (attempt - 1)));
  }
}

/** The first error code of Basiq's error document (`{"type":"list","data":[{"code"…}]}`), if any. */
async function errorCode(response) {
  try {
    const body = await response.clone().json();
    const code = Array.isArray(body?.data) ? body.data[0]?.code : undefined;
    return typeof code === "string" ? code : null;
  } catch {
    return null;
  }
}

/** Which connector to show when an institution has several: the sign-in (`web`) one first. */
const METHOD_ORDER = ["web", "open-banking"];
const methodRank = (c) => {
  const at = METHOD_ORDER.indexOf(c?.method);
  return at === -1 ? METHOD_ORDER.length : at;
};

/**
 * The institutions to offer, one per institution: `{id, name, shortName, logo, status, averageMs}`
 * from `/connectors`, which lists one connector per institution and method.
 */
export async function loadInstitutions(tokens) {
  const list = await request(`${config.api}/connectors`, { headers: { "basiq-version": "3.0" } }, { tokens, attempts: 6 });
  adoptApiOrigin(list?.links?.self);
  const data = Array.isArray(list?.data) ? list.data : [];
  const chosen = new Map();
  for (const c of data) {
    if (!c || typeof c.id !== "string") continue;
    const seen = chosen.get(c.id);
    if (!seen || methodRank(c) < methodRank(seen)) chosen.set(c.id, c);
  }
  const all = [...chosen.values()].map((c) => ({
    id: c.id,
    name: String(c.institution?.name ?? c.id),
    shortName: String(c.institution?.shortName ?? c.institution?.name ?? c.id),
    logo: safeImage(logoUrl(c.institution?.logo)),
    status: typeof c.status === "string" ? c.status : "operational",
    averageMs: Number(c.stats?.averageDurationMs?.total) || undefined,
  }));
  if (!config.institutions.length) return all;
  return config.institutions.map((id) => all.find((c) => c.id === id)).filter(Boolean);
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/**
 * The local sandbox names itself by one loopback address (http://127.0.0.1:PORT) in every link;
 * a page opened as http://localhost:PORT adopts that name, or basiq-jobs would rightly refuse to
 * send the token to job links on "another" origin. Only ever between loopback addresses, and only
 * when no API address was configured.
 */
export function adoptApiOrigin(selfLink) {
  if (!config.apiFromPage || typeof selfLink !== "string") return;
  try {
    const named = new URL(selfLink);
    const current = new URL(config.api);
    if (named.origin !== current.origin && LOOPBACK.has(named.hostname) && LOOPBACK.has(current.hostname)) {
      config.api = named.origin;
    }
  } catch {
    // Not a URL: keep the configured address.
  }
}

/** The institution id of one of the user's connections (`GET /users/{u}/connections/{c}`), or null. */
export async function connectionInstitution(tokens, userId, connectionId) {
  const url = `${config.api}/users/${encodeURIComponent(userId)}/connections/${encodeURIComponent(connectionId)}`;
  const connection = await request(url, { headers: { "basiq-version": "3.0" } }, { tokens });
  const id = connection?.institution?.id;
  return typeof id === "string" && id ? id : null;
}

/** The institution's current status, or null when it cannot be read. */
export async function institutionStatus(tokens, id) {
  const filter = encodeURIComponent(`connector.id.eq('${id}')`);
  try {
    const list = await request(`${config.api}/connectors?filter=${filter}`, { headers: { "basiq-version": "3.0" } }, { tokens });
    const found = (list?.data ?? []).filter((c) => c?.id === id).sort((a, b) => methodRank(a) - methodRank(b))[0];
    return typeof found?.status === "string" ? found.status : null;
  } catch {
    return null;
  }
}

/** A connector's logo: `{type: "image", links: {square, full}}` (older answers: a plain URL). */
function logoUrl(logo) {
  if (typeof logo === "string") return logo;
  return logo?.links?.square ?? logo?.links?.full;
}

/** Only http(s) image URLs are used; anything else (javascript:, data: …) is dropped. */
function safeImage(url) {
  if (typeof url !== "string") return "";
  try {
    const parsed = new URL(url, config.api);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : "";
  } catch {
    return "";
  }
}

/** Plain-English institution status. */
export function statusText(status) {
  return (
    {
      operational: "Operational",
      "degraded-performance": "Slower than usual",
      "partial-outage": "Partial outage",
      "major-outage": "Major outage",
      "under-maintenance": "Under maintenance",
    }[status] ?? "Status unknown"
  );
}
