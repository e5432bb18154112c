// A bank-linking flow built on basiq-jobs. First path (Basiq 3.0): "Connect with Basiq" sends the
// browser to Basiq's hosted Consent UI, which sends it back with the job ids to follow. Second path:
// choose a bank and sign in on this page, through the API. Either way the page follows the jobs and
// acts on the result. Server text (institution names, MFA prompts, advice) is always set as text.

import init, {
  consentUrl,
  createConnection,
  jobIdsFromRedirect,
  refreshConnection,
  restoreWatch,
  stepLabel,
  updateConnection,
  watchJobs,
} from "/pkg/index.js"; // the package's browser entry, as partners import it
import { config } from "./config.js";
import { Tokens, adoptApiOrigin, connectionInstitution, loadInstitutions, institutionStatus, statusText } from "./api.js";
import { $, h, fill, icon, clock, duration, timeOfDay } from "./dom.js";

const STORE_KEY = "basiq-jobs-demo";
const STANDARD_STEPS = ["verify-credentials", "retrieve-accounts", "retrieve-transactions"];
const STEP_STATE = {
  pending: "Waiting",
  "in-progress": "In progress",
  success: "Done",
  failed: "Didn't work",
  skipped: "Not needed",
  unknown: "",
};

/** The sandbox's test users, shown in the collapsible hint. */
const MFA_BANKS = "At Pied Piper Bank or Nucleus Bank";
const TEST_USERS = [
  ["bighead", "password", "At Hooli: sign-in refused, the account is locked. Re-enter your details to fix it."],
  ["erlich", "aviato", "At Hooli: your bank needs you to clear a message in internet banking first."],
  ["jianYang", "nothotdog", "At Hooli: the bank is unavailable. Try later, then contact support after three tries. As re-entered details, it waits in the automatic retry queue."],
  ["jared", "django", `${MFA_BANKS}: a one-time code from your bank, 1234.`],
  ["richard", "tabsnotspaces", `${MFA_BANKS}: a one-time code from your bank, 1234.`],
  ["gavinBelson", "hooli2016", `${MFA_BANKS}: one security question, the answer is Hooli.`],
  ["Gilfoyle", "PiedPiper", `${MFA_BANKS}: one security question, the answer is Hooli.`],
  ["Whistler", "ShowBox", `${MFA_BANKS}: two security questions, Basiq, then AU00000.`],
  ["Wentworth-Smith", "whislter", `${MFA_BANKS}: two security questions, Basiq, then AU00000.`],
];

// ----- state, kept in sessionStorage so a reload resumes where the user was ---------------------

function freshState(userId = null) {
  return {
    userId,
    flow: "consent", // consent: Basiq's hosted Consent UI signs in | api: this page signs in
    consent: null, // { state, action, connectionId } while the browser is at the consent page
    institution: null, // { id, name, shortName, logo, status, averageMs }
    connectionId: null,
    loginId: "",
    screen: "start", // start | institutions | credentials | progress | result
    form: "create", // create | update
    job: null, // { operation, saved, steps, fraction, etaMs, mfa, notice }
    group: null, // jobs from the consent page: { ids, operation, jobs: [{ id, steps, fraction, etaMs, connectionId, institution }] | null }
    result: null,
    results: null, // several jobs from the consent page: one result each, in the order of the ids
    unavailableStreak: 0, // consecutive jobs of this connection that failed service-unavailable
  };
}

function loadState() {
  try {
    const saved = JSON.parse(sessionStorage.getItem(STORE_KEY) ?? "null");
    if (saved && typeof saved === "object" && typeof saved.screen === "string") return { ...freshState(), ...saved };
  } catch {
    // A damaged entry: start afresh.
  }
  return freshState();
}

const state = loadState();
const tokens = new Tokens(state);
let watch = null; // the JobWatch being followed
let group = null; // the JobGroup being followed (jobs from the consent page)
let generation = 0; // bumped whenever what the page follows is dropped
let pending = null; // credentials of the job being started (memory only, never stored)
let institutions = null;
let mfaTimer = 0;

function persist() {
  state.api = config.api;
  if (watch && state.job) {
    const saved = watch.save();
    if (saved) state.job.saved = saved;
  }
  sessionStorage.setItem(STORE_KEY, JSON.stringify(state));
}

// ----- screens --------------------------------------------------------------------------------

const SCREENS = ["loading", "start", "institutions", "credentials", "progress", "result"];
const STAGE_OF = { loading: "institutions", start: "institutions", institutions: "institutions", credentials: "credentials", progress: "progress", result: "progress" };

/** Every result shown: one, or one per job from the consent page. */
const shownResults = () => (state.results?.length ? state.results : state.result ? [state.result] : []);

function show(screen, { focus = true } = {}) {
  for (const name of SCREENS) $(`screen-${name}`).hidden = name !== screen;
  const stage = STAGE_OF[screen];
  const order = ["institutions", "credentials", "progress"];
  for (const li of document.querySelectorAll(".stepper li")) {
    const at = order.indexOf(li.dataset.stage);
    const current = li.dataset.stage === stage;
    const allConnected = shownResults().length > 0 && shownResults().every((r) => r.status === "success");
    li.classList.toggle("done", at < order.indexOf(stage) || (screen === "result" && allConnected));
    if (current) li.setAttribute("aria-current", "step");
    else li.removeAttribute("aria-current");
  }
  document.body.dataset.screen = screen;
  // The test-user hint goes with the screen where the user is about to sign in.
  if (screen === "start" || screen === "credentials") $(`screen-${screen}`).append($("test-users"));
  if (focus) document.querySelector(`#screen-${screen} h1`)?.focus();
}

function announce(text) {
  const el = $("announcer");
  el.textContent = "";
  // A fresh text node after a tick makes screen readers announce repeated messages too.
  setTimeout(() => (el.textContent = text), 50);
}

// ----- the first screen: Connect with Basiq (3.0), or choose a bank here ----------------------

function showStart({ focus = true, error = "" } = {}) {
  state.screen = "start";
  persist();
  const el = $("start-error");
  el.textContent = error;
  el.hidden = !error;
  $("connect-basiq").disabled = false;
  show("start", { focus });
}

/**
 * Sends the browser to Basiq's hosted Consent UI with a fresh token and a one-time `state`, kept
 * here to check the return. `action: "update"` with a `connectionId` re-enters that connection's
 * details there.
 */
async function connectWithBasiq({ action, connectionId } = {}) {
  cancelWatch();
  const button = $("connect-basiq");
  button.disabled = true;
  let token;
  try {
    token = await tokens.mint(); // also names the user on the first call
  } catch (e) {
    console.error("basiq-jobs demo: no token from the partner backend", e);
    return showStart({ error: "We couldn't reach our server. Please try again." });
  }
  const options = { token, state: crypto.randomUUID() };
  if (action) options.action = action;
  if (connectionId) options.connectionId = connectionId;
  if (config.consentBase) options.consentBase = config.consentBase;
  let target;
  try {
    target = consentUrl(options);
  } catch (e) {
    console.error("basiq-jobs demo: no consent page address", e);
    return showStart({ error: "Connecting through Basiq isn't set up correctly here. Choose your bank here instead." });
  }
  state.flow = "consent";
  state.consent = { state: options.state, action: action ?? null, connectionId: connectionId ?? null };
  persist();
  window.location.assign(target);
}

const RETURN_KEYS = ["jobIds", "jobId", "state"];

/**
 * The consent page's return (`?jobIds=…&state=…`), read once: the address is cleaned at once so a
 * reload does not follow the jobs again. Null when this load is not a return.
 */
function consentReturn() {
  const url = new URL(window.location.href);
  const hash = new URLSearchParams(url.hash.slice(1));
  if (!RETURN_KEYS.some((key) => url.searchParams.has(key) || hash.has(key))) return null;
  const ids = jobIdsFromRedirect(window.location.href);
  const returned = url.searchParams.get("state") ?? hash.get("state");
  for (const key of RETURN_KEYS) url.searchParams.delete(key);
  if (RETURN_KEYS.some((key) => hash.has(key))) url.hash = "";
  window.history.replaceState(window.history.state, "", url.href);
  const expected = state.consent;
  state.consent = null;
  persist();
  if (!expected || returned !== expected.state) return { error: "That sign-in didn't start on this page, so we haven't followed it. Please connect again." };
  if (!ids.length) return { error: "Basiq didn't send back a connection to follow. Please connect again." };
  return { ids, operation: expected.action === "update" ? "update" : "create" };
}

/** Follows the jobs the consent page named: one job as the API flow shows it, several side by side. */
function followJobs(ids, operation, { focus = true } = {}) {
  cancelWatch();
  state.flow = "consent";
  state.result = null;
  state.results = null;
  fill($("result"));
  const steps = () => STANDARD_STEPS.map((title) => ({ title, status: "pending" }));
  state.job = { operation, saved: "", steps: steps(), fraction: 0, etaMs: state.institution?.averageMs, mfa: null, notice: null };
  const several = ids.length > 1;
  state.group = {
    ids,
    operation,
    jobs: several ? ids.map((id) => ({ id, steps: steps(), fraction: 0, etaMs: undefined, connectionId: null, institution: null })) : null,
  };
  state.screen = "progress";
  const options = {
    apiBase: config.api,
    getToken: tokens.provider(),
    operation,
    longIntervalMs: config.longIntervalMs,
    onStep: several ? onGroupStep : onStep,
    onProgress: several ? onGroupProgress : onProgress,
    onMfa: several ? onGroupMfa : onMfa,
  };
  if (operation === "update" && state.connectionId) options.connectionId = state.connectionId;
  if (operation === "update" && state.institution?.id) options.institutionId = state.institution.id;
  if (!several) state.connectionId = operation === "update" ? state.connectionId : null;
  if (!several && operation === "create") state.institution = null;
  for (const key of Object.keys(options)) if (options[key] === undefined) delete options[key];
  const current = watchJobs(ids, options);
  group = current;
  if (!several) watch = current.watches[0];
  persist();
  renderProgress({ focus });
  announce(several ? `Connecting ${ids.length} banks` : `Connecting to ${state.institution?.name ?? "your bank"}`);
  followGroup(current);
}

async function followGroup(current) {
  const outcomes = await current.done;
  if (current !== group) return; // the user started over, or a newer job took over
  const mine = generation;
  if (outcomes.length === 1) {
    if (outcomes[0].status === "cancelled") return;
    const id = connectionIdOf(outcomes[0].connectionUrl ?? outcomes[0].job?.links?.source);
    if (id) state.connectionId = id;
    if (state.connectionId && !state.institution) state.institution = await learnInstitution(state.connectionId);
    if (mine !== generation) return;
    group = null;
    return finish(outcomes[0]);
  }
  const jobs = state.group?.jobs ?? [];
  const results = [];
  for (const [i, outcome] of outcomes.entries()) {
    const job = jobs[i] ?? {};
    const connectionId = connectionIdOf(outcome.connectionUrl ?? outcome.job?.links?.source) ?? job.connectionId ?? null;
    const institution = job.institution ?? (connectionId ? await learnInstitution(connectionId) : null);
    results.push({ ...resultOf(outcome), connectionId, institution });
  }
  if (mine !== generation) return;
  group = null;
  state.results = results;
  state.result = null;
  state.job = null;
  state.group = null;
  state.screen = "result";
  persist();
  renderResult();
}

/** Which bank a connection is at, for titles and logos (the consent page chose it, not this page). */
const learning = new Map();
function learnInstitution(connectionId) {
  if (!learning.has(connectionId)) {
    const known = (async () => {
      const id = await connectionInstitution(tokens, state.userId, connectionId);
      if (!id) return null;
      institutions ??= await loadInstitutions(tokens);
      return institutions.find((inst) => inst.id === id) ?? null;
    })().catch((e) => {
      console.warn("basiq-jobs demo: could not tell which bank the connection is at", e);
      learning.delete(connectionId);
      return null;
    });
    learning.set(connectionId, known);
  }
  return learning.get(connectionId);
}

/** Single-job returns: learn the bank once the job names its connection, then retitle. */
function learnShownInstitution() {
  if (state.flow !== "consent" || state.institution || !state.connectionId) return;
  const asked = state.connectionId;
  learnInstitution(asked).then((inst) => {
    if (!inst || state.institution || state.connectionId !== asked || state.screen !== "progress") return;
    state.institution = inst;
    persist();
    renderProgressHead();
  });
}

function onGroupStep(e) {
  announce(`${stepLabel(e.step)}: ${STEP_STATE[e.status] ?? e.status}`);
}

function onGroupProgress(p) {
  const job = state.group?.jobs?.find((j) => j.id === p.job?.id);
  if (!job) return;
  job.steps = p.job.steps.map((s) => ({ title: s.title, status: s.status }));
  job.fraction = p.fraction;
  job.etaMs = p.etaMs;
  const connectionId = connectionIdOf(p.job.links?.source);
  if (connectionId && !job.connectionId) {
    job.connectionId = connectionId;
    learnInstitution(connectionId).then((inst) => {
      if (!inst || !state.group?.jobs?.includes(job)) return;
      job.institution = inst;
      persist();
      renderGroup();
    });
  }
  renderGroup();
  persist();
}

/** The consent page answers MFA before it sends the user back; should a job ask again, ask here. */
function onGroupMfa(challenge) {
  if (!state.job || !group) return;
  const at = group.watches.findIndex((w) => w.snapshot()?.steps?.some((s) => s.title === challenge.step && s.status === "in-progress"));
  if (at < 0) return;
  watch = group.watches[at];
  onMfa(challenge);
}

/** Several jobs: one list of steps per job, and one bar for all of them. */
function renderGroup() {
  const jobs = state.group?.jobs;
  if (!jobs || !state.job) return;
  const box = $("job-lists");
  jobs.forEach((job, i) => {
    let section = box.querySelector(`[data-job="${CSS.escape(job.id)}"]`);
    if (!section) {
      section = h("section", { class: "job-group", "data-job": job.id }, h("h2", {}), h("ol", { class: "steps", "aria-label": `Steps, bank ${i + 1}` }));
      box.append(section);
    }
    section.querySelector("h2").textContent = job.institution?.name ?? `Bank ${i + 1} of ${jobs.length}`;
    renderSteps(section.querySelector("ol"), job.steps);
  });
  state.job.steps = jobs.flatMap((job) => job.steps);
  state.job.fraction = jobs.reduce((sum, job) => sum + (job.fraction ?? 0), 0) / jobs.length;
  const etas = jobs.map((job) => job.etaMs).filter((ms) => typeof ms === "number");
  state.job.etaMs = etas.length ? Math.max(...etas) : undefined;
  renderBar();
}

// ----- step 1: institutions --------------------------------------------------------------------

async function showInstitutions({ focus = true } = {}) {
  state.screen = "institutions";
  persist();
  show("institutions", { focus });
  const list = $("institution-list");
  const error = $("institutions-error");
  error.hidden = true;
  if (!institutions) {
    fill(list, h("li", { class: "muted" }, "Loading banks…"));
    try {
      institutions = await loadInstitutions(tokens);
      persist();
    } catch (e) {
      fill(list);
      fill(error, "We couldn't load the list of banks. ", h("button", { type: "button", class: "back", onclick: () => showInstitutions() }, "Try again"));
      error.hidden = false;
      console.error("basiq-jobs demo: loading institutions failed", e);
      return;
    }
  }
  fill(
    list,
    institutions.map((inst) =>
      h(
        "li",
        {},
        h(
          "button",
          { type: "button", class: "institution", "data-institution": inst.id, onclick: () => chooseInstitution(inst) },
          logo(inst),
          h("span", {}, h("span", { class: "name" }, inst.name), h("span", { class: "meta" }, badge(inst.status))),
          h("span", { class: "chev" }, icon("chevron", 18)),
        ),
      ),
    ),
  );
  if (!institutions.length) fill(list, h("li", { class: "muted" }, "No banks are available right now."));
}

function logo(inst, size = 44) {
  const img = h("img", { class: "logo", alt: "", width: size, height: size });
  if (inst?.logo) img.src = inst.logo;
  return img;
}

function badge(status) {
  return h("span", { class: "badge", "data-status": status }, statusText(status));
}

function chooseInstitution(inst) {
  state.flow = "api";
  state.results = null;
  if (state.institution?.id !== inst.id) {
    state.connectionId = null;
    state.unavailableStreak = 0;
  }
  state.institution = inst;
  state.result = null;
  showCredentials("create");
}

// ----- step 2: credentials ----------------------------------------------------------------------

function showCredentials(mode, { focus = true } = {}) {
  state.screen = "credentials";
  state.form = mode === "update" && state.connectionId ? "update" : "create";
  persist();
  const inst = state.institution;
  setLogo($("credentials-logo"), inst);
  const update = state.form === "update";
  $("credentials-title").textContent = update ? "Re-enter your details" : `Sign in to ${inst?.shortName ?? "your bank"}`;
  $("credentials-subtitle").textContent = `Use the login ID and password you use for ${inst?.name ?? "your bank"} internet banking.`;
  const notice = $("credentials-notice");
  notice.hidden = !update;
  notice.textContent = update ? `${inst?.shortName ?? "Your bank"} didn't accept the details last time. Enter them again and we'll reconnect.` : "";
  $("connect-button").textContent = update ? "Reconnect" : "Connect";
  $("connect-button").disabled = false;
  $("login-id").value = state.loginId ?? "";
  $("password").value = "";
  clearFieldErrors();
  $("test-users").hidden = !config.sandbox;
  show("credentials", { focus: false });
  if (focus) (update && state.loginId ? $("password") : $("login-id")).focus();
}

function setLogo(img, inst) {
  if (inst?.logo) img.src = inst.logo;
  else img.removeAttribute("src");
}

function clearFieldErrors() {
  $("credentials-error").hidden = true;
  for (const id of ["login-id", "password"]) $(id).removeAttribute("aria-invalid");
}

function fieldError(id, text) {
  const el = $("credentials-error");
  el.textContent = text;
  el.hidden = false;
  $(id).setAttribute("aria-invalid", "true");
  $(id).setAttribute("aria-describedby", "credentials-error");
  $(id).focus();
}

async function onSubmitCredentials(event) {
  event.preventDefault();
  clearFieldErrors();
  const loginId = $("login-id").value.trim();
  const password = $("password").value;
  if (!loginId) return fieldError("login-id", "Enter your login ID.");
  if (!password) return fieldError("password", "Enter your password.");
  $("connect-button").disabled = true;
  state.loginId = loginId;
  if (!state.userId) {
    try {
      await tokens.get(); // the partner backend names the user with its first token
    } catch (e) {
      console.error("basiq-jobs demo: no token from the partner backend", e);
      $("connect-button").disabled = false;
      return fieldError("login-id", "We couldn't reach our server. Please try again.");
    }
  }
  if (state.form === "update" && state.connectionId) {
    startJob("update", { loginId, password });
  } else {
    state.connectionId = null;
    state.unavailableStreak = 0;
    startJob("create", { loginId, password, institution: { id: state.institution.id } });
  }
}

function renderTestUsers() {
  const use = (login, password) => () => {
    $("login-id").value = login;
    $("password").value = password;
    $("connect-button").focus();
  };
  fill(
    $("test-user-rows"),
    TEST_USERS.map(([login, password, what]) =>
      h(
        "tr",
        {},
        h(
          "td",
          {},
          h("code", {}, login),
          " / ",
          h("code", {}, password),
          h("br"),
          h("button", { type: "button", class: "use", onclick: use(login, password), "aria-label": `Fill in ${login}` }, "Fill in"),
        ),
        h("td", {}, what),
      ),
    ),
    h("tr", {}, h("td", {}, "anyone else"), h("td", {}, "Connects successfully.")),
  );
}

// ----- step 3: the job --------------------------------------------------------------------------

/** Starts a job (create, update or refresh) and follows it. */
function startJob(operation, credentials = null, tries = 1) {
  cancelWatch();
  pending = { operation, credentials, tries };
  state.result = null;
  fill($("result"));
  state.job = {
    operation,
    saved: "",
    steps: STANDARD_STEPS.map((title) => ({ title, status: "pending" })),
    fraction: 0,
    etaMs: state.institution?.averageMs,
    mfa: null,
    notice: null,
  };
  state.screen = "progress";
  const options = watchOptions(operation);
  if (operation === "create") watch = createConnection(state.userId, credentials, options);
  else if (operation === "update") watch = updateConnection(state.userId, state.connectionId, credentials, options);
  else watch = refreshConnection(state.userId, state.connectionId, options);
  persist();
  renderProgress({ focus: tries === 1 });
  announce(`Connecting to ${state.institution?.name ?? "your bank"}`);
  follow(watch);
}

function watchOptions(operation) {
  const options = {
    apiBase: config.api,
    getToken: tokens.provider(),
    operation,
    connectionId: state.connectionId,
    institutionId: state.institution?.id,
    previousFailures: state.unavailableStreak,
    longIntervalMs: config.longIntervalMs,
    onStep,
    onProgress,
    onMfa,
  };
  for (const key of Object.keys(options)) if (options[key] === undefined || options[key] === null) delete options[key];
  return options;
}

function cancelWatch() {
  generation += 1;
  if (group) group.cancel();
  else if (watch) watch.cancel();
  group = null;
  watch = null;
  stopMfaTimer();
}

async function follow(current) {
  const outcome = await current.done;
  if (current !== watch) return; // a newer job took over, or the user started over
  if (outcome.status === "cancelled") return;
  finish(outcome);
}

function onStep(e) {
  if (!state.job) return;
  setStep(e.step, e.status, e.index);
  takeConnectionId(e.resultUrl);
  if (e.status === "failed" && e.advice?.action === "wait-for-automatic-retry") {
    state.job.notice = { step: e.step, advice: e.advice, at: Date.now() };
    renderNotice();
    announce(e.advice.title);
  } else if (state.job.notice && e.step === state.job.notice.step && e.status === "success") {
    state.job.notice = null;
    renderNotice();
  } else {
    announce(`${stepLabel(e.step)}: ${STEP_STATE[e.status] ?? e.status}`);
  }
  if (e.step === "mfa-challenge" && e.status !== "in-progress" && state.job.mfa) {
    state.job.mfa = null;
    renderMfa();
  }
  renderSteps();
  persist();
}

function onProgress(p) {
  if (!state.job) return;
  state.job.steps = p.job.steps.map((s) => ({ title: s.title, status: s.status }));
  state.job.fraction = p.fraction;
  state.job.etaMs = p.etaMs;
  takeConnectionId(p.job.links?.source);
  learnShownInstitution();
  renderSteps();
  renderBar();
  persist();
}

function onMfa(challenge) {
  if (!state.job) return;
  state.job.mfa = { ...challenge, shownAt: Date.now() };
  persist();
  renderMfa({ focus: true });
}

function setStep(title, status, index) {
  const steps = state.job.steps;
  const found = steps.find((s) => s.title === title);
  if (found) found.status = status;
  else steps.splice(Math.min(index ?? steps.length, steps.length), 0, { title, status });
}

/** The connection id in a connection URL (`…/users/U/connections/C`), or null. */
function connectionIdOf(url) {
  const id = typeof url === "string" ? /\/connections\/([^/?#]+)/.exec(url)?.[1] : undefined;
  return id && id !== "refresh" ? decodeURIComponent(id) : null;
}

function takeConnectionId(url) {
  const id = connectionIdOf(url);
  if (id) state.connectionId = id;
}

function renderProgressHead() {
  const inst = state.institution;
  const several = Boolean(state.group?.jobs);
  setLogo($("progress-logo"), several ? null : inst);
  $("progress-logo").hidden = several || !inst?.logo;
  const verb = state.job?.operation === "create" ? "Connecting to" : "Reconnecting to";
  $("progress-title").textContent = several ? "Connecting your banks" : `${verb} ${inst?.shortName ?? "your bank"}`;
  $("progress-subtitle").textContent = "This usually takes under a minute. Please keep this page open.";
}

function renderProgress({ focus = true } = {}) {
  const several = Boolean(state.group?.jobs);
  renderProgressHead();
  $("step-list").hidden = several;
  $("job-lists").hidden = !several;
  if (!several) fill($("job-lists"));
  if (several) renderGroup();
  else renderSteps();
  renderBar();
  renderNotice();
  renderMfa();
  show("progress", { focus });
}

function renderSteps(list = $("step-list"), steps = state.job?.steps ?? []) {
  const rows = new Map([...list.children].map((li) => [li.dataset.step, li]));
  steps.forEach((step, i) => {
    let li = rows.get(step.title);
    if (!li) {
      li = h(
        "li",
        { class: "step", "data-step": step.title },
        h("span", { class: "step-icon" }),
        h("span", { class: "step-label" }, stepLabel(step.title)),
        h("span", { class: "step-state" }),
      );
    }
    rows.delete(step.title);
    if (list.children[i] !== li) list.insertBefore(li, list.children[i] ?? null);
    if (li.dataset.status !== step.status) {
      li.dataset.status = step.status;
      const glyph = step.status === "success" ? icon("check") : step.status === "failed" ? icon("cross") : "";
      fill(li.querySelector(".step-icon"), glyph);
      li.querySelector(".step-state").textContent = STEP_STATE[step.status] ?? "";
    }
  });
  for (const stale of rows.values()) stale.remove();
}

function renderBar() {
  const job = state.job;
  const steps = job?.steps ?? [];
  const done = steps.filter((s) => ["success", "failed", "skipped"].includes(s.status)).length;
  const fraction = job?.fraction ?? 0;
  const percent = Math.round(fraction * 100);
  $("progress-fill").style.width = `${percent}%`;
  const bar = $("progress-bar");
  bar.setAttribute("aria-valuenow", String(percent));
  let eta;
  if (job?.notice) eta = "Waiting for your bank";
  else if (job?.mfa) eta = "Waiting for your answer";
  else if (fraction >= 1) eta = "Finishing up…";
  else if (typeof job?.etaMs === "number" && job.etaMs > 0) eta = timeLeft(job.etaMs);
  else eta = done === 0 ? "Starting…" : "Working on it…";
  $("progress-eta").textContent = eta;
  bar.setAttribute("aria-valuetext", `${done} of ${steps.length} steps done. ${eta}`);
}

/** "A few seconds left", "About 20 seconds left", "About 2 minutes left". */
function timeLeft(ms) {
  const text = duration(ms);
  return `${text.charAt(0).toUpperCase()}${text.slice(1)} left`;
}

function renderNotice() {
  const el = $("retry-notice");
  const notice = state.job?.notice;
  el.hidden = !notice;
  if (!notice) {
    el.removeAttribute("data-action");
    fill(el);
    return;
  }
  const { advice } = notice;
  el.dataset.action = advice.action;
  const next = advice.retryAfterMs ? new Date(notice.at + advice.retryAfterMs) : null;
  fill(
    el,
    h("h2", {}, advice.title),
    h("p", {}, advice.message),
    next ? h("p", { class: "muted" }, `Next try in ${duration(advice.retryAfterMs)} (around ${timeOfDay(next)}). You can leave this page; we'll let you know.`) : null,
  );
  renderBar();
}

// ----- MFA --------------------------------------------------------------------------------------

function renderMfa({ focus = false } = {}) {
  const form = $("mfa-form");
  const challenge = state.job?.mfa;
  stopMfaTimer();
  form.hidden = !challenge;
  if (!challenge) return;
  const token = challenge.method === "token";
  $("mfa-description").textContent =
    challenge.description || (token ? "Your bank sent you a one-time code. Enter it below." : "Answer your bank's security question to continue.");
  const prompts = challenge.prompts?.length ? challenge.prompts : [token ? "One-time code" : "Answer"];
  fill(
    $("mfa-fields"),
    prompts.map((prompt, i) =>
      h(
        "div",
        { class: "field" },
        h("label", { for: `mfa-answer-${i}` }, prompt),
        h("input", {
          id: `mfa-answer-${i}`,
          name: `answer-${i}`,
          autocomplete: token ? "one-time-code" : "off",
          inputmode: token ? "numeric" : false,
          spellcheck: "false",
          required: true,
        }),
      ),
    ),
  );
  $("mfa-error").hidden = true;
  $("mfa-submit").disabled = false;
  $("mfa-submit").textContent = "Confirm";
  renderBar();
  tickMfa();
  mfaTimer = setInterval(tickMfa, 1000);
  if (focus) $("mfa-answer-0")?.focus();
}

function tickMfa() {
  const challenge = state.job?.mfa;
  const el = $("mfa-expiry");
  if (!challenge || typeof challenge.expiresAt !== "number") {
    el.textContent = "";
    return;
  }
  const left = challenge.expiresAt - Date.now();
  el.dataset.low = String(left < 30_000);
  el.textContent = left > 0 ? `Expires in ${clock(left)}` : "This request has expired.";
  if (left <= 0) {
    $("mfa-submit").disabled = true;
    stopMfaTimer();
  }
}

function stopMfaTimer() {
  clearInterval(mfaTimer);
  mfaTimer = 0;
}

async function onSubmitMfa(event) {
  event.preventDefault();
  const inputs = [...$("mfa-fields").querySelectorAll("input")];
  const answers = inputs.map((input) => input.value.trim());
  const empty = inputs.find((input) => !input.value.trim());
  const error = $("mfa-error");
  if (empty) {
    error.textContent = inputs.length > 1 ? "Please answer every question." : "Please enter your answer.";
    error.hidden = false;
    empty.focus();
    return;
  }
  error.hidden = true;
  const button = $("mfa-submit");
  button.disabled = true;
  button.textContent = "Checking…";
  const current = watch;
  try {
    await current.answerMfa(answers);
    if (current !== watch || !state.job) return;
    state.job.mfa = null;
    persist();
    renderMfa();
    announce("Thanks. Checking your answer with your bank.");
  } catch (e) {
    if (current !== watch) return;
    console.error("basiq-jobs demo: sending the MFA answer failed", e);
    error.textContent = "We couldn't send your answer to your bank. Please try again.";
    error.hidden = false;
    button.disabled = false;
    button.textContent = "Confirm";
  }
}

// ----- results ----------------------------------------------------------------------------------

const RETRYABLE_START = new Set(["network", "http", "invalid-response"]);

function finish(outcome) {
  stopMfaTimer();
  // The job could not even be started (the request was lost): ask again a couple of times.
  if (outcome.status === "error" && !outcome.job && RETRYABLE_START.has(outcome.error?.kind) && pending && pending.tries < 3) {
    const { operation, credentials, tries } = pending;
    setTimeout(() => startJob(operation, credentials, tries + 1), 800 * tries);
    return;
  }
  const job = outcome.job ?? watch?.snapshot() ?? null;
  takeConnectionId(outcome.connectionUrl ?? job?.links?.source);
  watch = null;
  pending = null;
  if (outcome.status === "failed" && outcome.failure?.code === "service-unavailable") state.unavailableStreak += 1;
  else state.unavailableStreak = 0;
  state.result = resultOf(outcome);
  state.results = null;
  state.job = null;
  state.group = null;
  state.screen = "result";
  persist();
  renderResult();
}

/** What the result screen keeps of an outcome. */
function resultOf(outcome) {
  const result = {
    status: outcome.status,
    at: Date.now(),
    step: outcome.step,
    advice: outcome.advice ?? null,
    accountsUrl: outcome.accountsUrl,
    transactionsUrl: outcome.transactionsUrl,
    connectionUrl: outcome.connectionUrl,
  };
  if (outcome.status === "timed-out") {
    result.advice = {
      action: "start-again",
      title: "That took too long",
      message: "Your bank took too long to respond. Please start again.",
      automaticRetry: false,
    };
  }
  return result;
}

function renderResult({ focus = true } = {}) {
  const results = shownResults();
  const box = $("result");
  show("result", { focus: false });
  if (!results.length) return showStart();
  if (results.length === 1) {
    const ctx = { inst: state.institution, heading: "h1", titleId: "result-title" };
    fill(box, panel(results[0], ctx));
  } else {
    const connected = results.filter((r) => r.status === "success").length;
    fill(
      box,
      h("h1", { id: "result-title", class: "results-title", tabindex: "-1" }, `${connected} of ${results.length} banks connected`),
      h(
        "div",
        { class: "results" },
        results.map((r, i) =>
          panel(r, {
            inst: r.institution,
            heading: "h2",
            titleId: `result-title-${i}`,
            // Acting on one of several results: that result's bank and connection become the page's.
            select: () => {
              state.institution = r.institution ?? null;
              state.connectionId = r.connectionId ?? null;
              state.results = null;
              state.unavailableStreak = 0;
            },
          }),
        ),
      ),
    );
  }
  if (focus) $("result-title").focus();
  announce($("result-title").textContent);
}

function panel(result, ctx) {
  return result.status === "success" ? successPanel(result, ctx) : failurePanel(result, ctx);
}

function successPanel(result, { inst, heading, titleId }) {
  const links = [
    ["Accounts", result.accountsUrl],
    ["Transactions", result.transactionsUrl],
  ].filter(([, url]) => url);
  return h(
    "div",
    { class: "result", "data-outcome": "success", "data-tone": "ok" },
    h("div", { class: "big-icon" }, icon("check", 28)),
    h(heading, { id: titleId, tabindex: "-1" }, `${inst?.shortName ?? "Your bank"} is connected`),
    h("p", { class: "message" }, "We've securely received your accounts and transactions. You're all set."),
    links.length
      ? h(
          "ul",
          { class: "links", "aria-label": "Your data" },
          links.map(([label, url]) =>
            h("li", {}, h("a", { href: url, target: "_blank", rel: "noopener" }, h("span", {}, label), h("span", { class: "url" }, url))),
          ),
        )
      : null,
    heading === "h1" ? h("div", { class: "actions" }, h("button", { type: "button", class: "primary", onclick: startOver }, "Connect another bank")) : null,
  );
}

const TONE = { "try-later": "wait", "wait-for-outage": "wait", "wait-for-automatic-retry": "wait" };

function failurePanel(result, { inst, heading, titleId, select }) {
  const advice = result.advice ?? {
    action: "start-again",
    title: "We couldn't connect to your bank",
    message: "Something went wrong while connecting to your bank. Please start again.",
  };
  const tone = TONE[advice.action] ?? "bad";
  const consent = state.flow === "consent";
  const connectionId = select ? result.connectionId : state.connectionId;
  const detail = [];
  const actions = [];
  const act = (onclick) => () => {
    select?.();
    onclick();
  };
  const primary = (label, onclick) => h("button", { type: "button", class: "primary", onclick: act(onclick) }, label);
  const secondary = (label, onclick) => h("button", { type: "button", class: "secondary", onclick: act(onclick) }, label);
  // The consent flow chooses banks and signs in on Basiq's page; the API flow on this one.
  const chooseAgain = () => (consent ? connectWithBasiq() : showInstitutions());
  const signInAgain = () => (consent ? connectWithBasiq() : showCredentials("create"));
  const another = () => secondary("Choose another bank", chooseAgain);
  const retry = () => (state.connectionId ? startJob("refresh") : signInAgain());

  switch (advice.action) {
    case "resubmit-credentials":
      actions.push(
        primary("Re-enter your details", () =>
          consent && state.connectionId ? connectWithBasiq({ action: "update", connectionId: state.connectionId }) : showCredentials("update"),
        ),
        another(),
      );
      break;
    case "clear-bank-popup":
      detail.push(
        h(
          "ol",
          { class: "detail-box" },
          h("li", {}, `Sign in to ${inst?.name ?? "your bank"}'s internet banking.`),
          h("li", {}, "Open your accounts and respond to any message waiting there."),
          h("li", {}, "Come back here and tell us you've done it."),
        ),
      );
      actions.push(primary("I've cleared it", () => startJob("refresh")), another());
      break;
    case "wait-for-automatic-retry":
      actions.push(primary("Done", startOver));
      break;
    case "wait-for-outage": {
      const status = h("dd", {}, badge(inst?.status ?? "major-outage"));
      const checked = h("dd", { class: "checked" }, timeOfDay(new Date()));
      const tryAgain = primary("Try again", retry);
      const check = h("button", {
        type: "button",
        class: "secondary",
        onclick: async () => {
          check.disabled = true;
          const now = inst?.id ? await institutionStatus(tokens, inst.id) : null;
          check.disabled = false;
          if (now) {
            inst.status = now;
            fill(status, badge(now));
            persist();
          }
          fill(checked, timeOfDay(new Date()));
          tryAgain.hidden = !now || /outage/.test(now);
          announce(`${inst?.name ?? "Your bank"}: ${statusText(now ?? "unknown")}`);
        },
      }, "Check again");
      tryAgain.hidden = /outage/.test(inst?.status ?? "major-outage");
      detail.push(h("dl", { class: "detail-box" }, h("dt", {}, `${inst?.name ?? "Bank"} status`), status, h("dt", {}, "Last checked"), checked));
      actions.push(tryAgain, check, another());
      break;
    }
    case "try-later": {
      const wait = advice.retryAfterMs ?? 600_000;
      const after = new Date(result.at + wait);
      detail.push(
        h("dl", { class: "detail-box" }, h("dt", {}, "When to try again"), h("dd", { class: "wait" }, `In ${duration(wait)}, after ${timeOfDay(after)}`)),
      );
      actions.push(primary("Try again", retry), another());
      break;
    }
    case "contact-support": {
      const reference = advice.supportReference ?? connectionId ?? "";
      const copy = h("button", {
        type: "button",
        class: "secondary",
        onclick: async () => {
          try {
            await navigator.clipboard.writeText(reference);
            copy.textContent = "Copied";
          } catch {
            copy.textContent = "Select the reference to copy it";
          }
        },
      }, "Copy reference");
      detail.push(h("dl", { class: "detail-box" }, h("dt", {}, "Reference to quote"), h("dd", { class: "reference" }, reference)));
      actions.push(copy, secondary("Start over", startOver));
      break;
    }
    case "choose-another-institution":
      actions.push(primary("Choose another bank", chooseAgain));
      break;
    default: // start-again, upload-another-file, anything new
      actions.push(primary("Start again", signInAgain), another());
  }

  return h(
    "div",
    { class: "result", "data-outcome": result.status, "data-action": advice.action, "data-tone": tone },
    h("div", { class: "big-icon" }, icon(tone === "wait" ? "clock" : "alert", 28)),
    h(heading, { id: titleId, tabindex: "-1" }, advice.title),
    h("p", { class: "message" }, advice.message),
    result.step ? h("p", { class: "muted step-failed" }, `Stopped at: ${stepLabel(result.step)}`) : null,
    detail,
    h("div", { class: "actions" }, actions),
  );
}

function startOver() {
  cancelWatch();
  const userId = state.userId;
  Object.assign(state, freshState(userId));
  showStart();
}

// ----- start-up ---------------------------------------------------------------------------------

function wire() {
  $("credentials-form").addEventListener("submit", onSubmitCredentials);
  $("mfa-form").addEventListener("submit", onSubmitMfa);
  $("back-to-institutions").addEventListener("click", () => showInstitutions());
  $("connect-basiq").addEventListener("click", () => connectWithBasiq());
  $("choose-here").addEventListener("click", () => showInstitutions());
  $("back-to-start").addEventListener("click", () => showStart());
  $("test-users").hidden = !config.sandbox;
  $("reveal-password").addEventListener("click", (e) => {
    const input = $("password");
    const reveal = input.type === "password";
    input.type = reveal ? "text" : "password";
    e.currentTarget.textContent = reveal ? "Hide" : "Show";
    e.currentTarget.setAttribute("aria-pressed", String(reveal));
  });
  for (const id of ["login-id", "password"]) $(id).addEventListener("input", clearFieldErrors);
  window.addEventListener("pagehide", persist);
  // Back from the consent page without finishing (the browser's Back button): the button works again.
  window.addEventListener("pageshow", () => ($("connect-basiq").disabled = false));
  renderTestUsers();
}

function resume() {
  if (state.group?.ids?.length) {
    // Jobs from the consent page: follow the same ids again (the address no longer names them).
    return followJobs(state.group.ids, state.group.operation, { focus: false });
  }
  const job = state.job;
  if (!job?.saved) {
    // The page went away before the job was known: ask for the details again.
    state.job = null;
    return showCredentials("create", { focus: false });
  }
  try {
    watch = restoreWatch(job.saved, watchOptions(job.operation));
  } catch (e) {
    console.error("basiq-jobs demo: could not resume the job", e);
    state.job = null;
    return showCredentials("create", { focus: false });
  }
  renderProgress({ focus: false });
  follow(watch);
}

async function main() {
  wire();
  if (state.api) adoptApiOrigin(`${state.api}/`);
  try {
    await init();
  } catch (e) {
    $("loading-text").textContent = "This page could not load its banking module. Please refresh to try again.";
    console.error("basiq-jobs demo: the package did not load; build it with `make build`", e);
    return;
  }
  const back = consentReturn();
  if (back?.error) return showStart({ focus: false, error: back.error });
  if (back) return followJobs(back.ids, back.operation);
  if (state.screen === "progress") return resume();
  if (state.screen === "result" && shownResults().length) return renderResult({ focus: false });
  if (state.screen === "credentials" && state.institution) return showCredentials(state.form, { focus: false });
  if (state.screen === "institutions") return showInstitutions({ focus: false });
  return showStart({ focus: false });
}

main();
