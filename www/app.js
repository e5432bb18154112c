// A bank-linking flow built on basiq-jobs: choose a bank, sign in, follow the job, act on the result.
// Server text (institution names, MFA prompts, advice) is always set as text, never as HTML.

import init, { createConnection, updateConnection, refreshConnection, restoreWatch, stepLabel } from "/pkg/basiq_jobs.js";
import { config } from "./config.js";
import { Tokens, adoptApiOrigin, loadInstitutions, institutionStatus, statusText } from "./api.js";
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

/** The sandbox's test users (institution Hooli), shown in the collapsible hint. */
const TEST_USERS = [
  ["bighead", "password", "Sign-in refused: the account is locked. Re-enter your details to fix it."],
  ["erlich", "aviato", "Your bank needs you to clear a message in internet banking first."],
  ["jianYang", "nothotdog", "The bank is unavailable: try later, then contact support after three tries. As re-entered details, it waits in the automatic retry queue."],
  ["jared", "django", "A one-time code from your bank: 1234."],
  ["richard", "tabsnotspaces", "A one-time code from your bank: 1234."],
  ["gavinBelson", "hooli2016", "One security question: the answer is Hooli."],
  ["Gilfoyle", "PiedPiper", "One security question: the answer is Hooli."],
  ["Whistler", "ShowBox", "Two security questions: Basiq, then AU00000."],
  ["Wentworth-Smith", "whislter", "Two security questions: Basiq, then AU00000."],
];

// ----- state, kept in sessionStorage so a reload resumes where the user was ---------------------

function freshState(userId = null) {
  return {
    userId,
    institution: null, // { id, name, shortName, logo, status, averageMs }
    connectionId: null,
    loginId: "",
    screen: "institutions", // institutions | credentials | progress | result
    form: "create", // create | update
    job: null, // { operation, saved, steps, fraction, etaMs, mfa, notice }
    result: null,
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

const SCREENS = ["loading", "institutions", "credentials", "progress", "result"];
const STAGE_OF = { loading: "institutions", institutions: "institutions", credentials: "credentials", progress: "progress", result: "progress" };

function show(screen, { focus = true } = {}) {
  for (const name of SCREENS) $(`screen-${name}`).hidden = name !== screen;
  const stage = STAGE_OF[screen];
  const order = ["institutions", "credentials", "progress"];
  for (const li of document.querySelectorAll(".stepper li")) {
    const at = order.indexOf(li.dataset.stage);
    const current = li.dataset.stage === stage;
    li.classList.toggle("done", at < order.indexOf(stage) || (screen === "result" && state.result?.status === "success"));
    if (current) li.setAttribute("aria-current", "step");
    else li.removeAttribute("aria-current");
  }
  document.body.dataset.screen = screen;
  if (focus) document.querySelector(`#screen-${screen} h1`)?.focus();
}

function announce(text) {
  const el = $("announcer");
  el.textContent = "";
  // A fresh text node after a tick makes screen readers announce repeated messages too.
  setTimeout(() => (el.textContent = text), 50);
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
  if (watch) watch.cancel();
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

function takeConnectionId(url) {
  const id = typeof url === "string" ? /\/connections\/([^/?#]+)/.exec(url)?.[1] : undefined;
  if (id && id !== "refresh") state.connectionId = decodeURIComponent(id);
}

function renderProgress({ focus = true } = {}) {
  const inst = state.institution;
  setLogo($("progress-logo"), inst);
  const verb = state.job?.operation === "create" ? "Connecting to" : "Reconnecting to";
  $("progress-title").textContent = `${verb} ${inst?.shortName ?? "your bank"}`;
  $("progress-subtitle").textContent = "This usually takes under a minute. Please keep this page open.";
  renderSteps();
  renderBar();
  renderNotice();
  renderMfa();
  show("progress", { focus });
}

function renderSteps() {
  const list = $("step-list");
  const steps = state.job?.steps ?? [];
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
  if (outcome.status === "failed" && outcome.failure?.code === "service-unavailable") state.unavailableStreak += 1;
  else state.unavailableStreak = 0;
  state.result = result;
  state.job = null;
  state.screen = "result";
  persist();
  renderResult();
}

function renderResult({ focus = true } = {}) {
  const result = state.result;
  const box = $("result");
  show("result", { focus: false });
  if (!result) return showInstitutions();
  if (result.status === "success") renderSuccess(box, result);
  else renderFailure(box, result);
  if (focus) $("result-title").focus();
  announce($("result-title").textContent);
}

function renderSuccess(box, result) {
  const inst = state.institution;
  const links = [
    ["Accounts", result.accountsUrl],
    ["Transactions", result.transactionsUrl],
  ].filter(([, url]) => url);
  fill(
    box,
    h(
      "div",
      { class: "result", "data-outcome": "success", "data-tone": "ok" },
      h("div", { class: "big-icon" }, icon("check", 28)),
      h("h1", { id: "result-title", tabindex: "-1" }, `${inst?.shortName ?? "Your bank"} is connected`),
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
      h("div", { class: "actions" }, h("button", { type: "button", class: "primary", onclick: startOver }, "Connect another bank")),
    ),
  );
}

const TONE = { "try-later": "wait", "wait-for-outage": "wait", "wait-for-automatic-retry": "wait" };

function renderFailure(box, result) {
  const advice = result.advice ?? {
    action: "start-again",
    title: "We couldn't connect to your bank",
    message: "Something went wrong while connecting to your bank. Please start again.",
  };
  const tone = TONE[advice.action] ?? "bad";
  const inst = state.institution;
  const detail = [];
  const actions = [];
  const primary = (label, onclick) => h("button", { type: "button", class: "primary", onclick }, label);
  const secondary = (label, onclick) => h("button", { type: "button", class: "secondary", onclick }, label);
  const another = () => secondary("Choose another bank", () => showInstitutions());
  const retry = () => (state.connectionId ? startJob("refresh") : showCredentials("create"));

  switch (advice.action) {
    case "resubmit-credentials":
      actions.push(primary("Re-enter your details", () => showCredentials("update")), another());
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
      const check = secondary("Check again", async () => {
        check.disabled = true;
        const now = await institutionStatus(tokens, inst.id);
        check.disabled = false;
        if (now) {
          inst.status = now;
          fill(status, badge(now));
          persist();
        }
        fill(checked, timeOfDay(new Date()));
        tryAgain.hidden = !now || /outage/.test(now);
        announce(`${inst.name}: ${statusText(now ?? "unknown")}`);
      });
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
      const reference = advice.supportReference ?? state.connectionId ?? "";
      const copy = secondary("Copy reference", async () => {
        try {
          await navigator.clipboard.writeText(reference);
          copy.textContent = "Copied";
        } catch {
          copy.textContent = "Select the reference to copy it";
        }
      });
      detail.push(h("dl", { class: "detail-box" }, h("dt", {}, "Reference to quote"), h("dd", { class: "reference" }, reference)));
      actions.push(copy, secondary("Start over", startOver));
      break;
    }
    case "choose-another-institution":
      actions.push(primary("Choose another bank", () => showInstitutions()));
      break;
    default: // start-again, upload-another-file, anything new
      actions.push(primary("Start again", () => showCredentials("create")), another());
  }

  fill(
    box,
    h(
      "div",
      { class: "result", "data-outcome": result.status, "data-action": advice.action, "data-tone": tone },
      h("div", { class: "big-icon" }, icon(tone === "wait" ? "clock" : "alert", 28)),
      h("h1", { id: "result-title", tabindex: "-1" }, advice.title),
      h("p", { class: "message" }, advice.message),
      result.step ? h("p", { class: "muted step-failed" }, `Stopped at: ${stepLabel(result.step)}`) : null,
      detail,
      h("div", { class: "actions" }, actions),
    ),
  );
}

function startOver() {
  cancelWatch();
  const userId = state.userId;
  Object.assign(state, freshState(userId));
  showInstitutions();
}

// ----- start-up ---------------------------------------------------------------------------------

function wire() {
  $("credentials-form").addEventListener("submit", onSubmitCredentials);
  $("mfa-form").addEventListener("submit", onSubmitMfa);
  $("back-to-institutions").addEventListener("click", () => showInstitutions());
  $("reveal-password").addEventListener("click", (e) => {
    const input = $("password");
    const reveal = input.type === "password";
    input.type = reveal ? "text" : "password";
    e.currentTarget.textContent = reveal ? "Hide" : "Show";
    e.currentTarget.setAttribute("aria-pressed", String(reveal));
  });
  for (const id of ["login-id", "password"]) $(id).addEventListener("input", clearFieldErrors);
  window.addEventListener("pagehide", persist);
  renderTestUsers();
}

function resume() {
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
  if (state.screen === "progress") return resume();
  if (state.screen === "result" && state.result) return renderResult({ focus: false });
  if (state.screen === "credentials" && state.institution) return showCredentials(state.form, { focus: false });
  return showInstitutions({ focus: false });
}

main();
