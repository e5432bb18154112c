// The sandbox's stand-in for Basiq's hosted consent page. It uses the API exactly as a client
// would, with the CLIENT_ACCESS token from its own address: institutions, a connection (created,
// or updated for `connectionId`), the job (polled every second, as Basiq's own UI does) and its
// MFA challenge. Once the bank has answered the sign-in it sends the browser back to the
// redirect URL with `?jobIds=…&state=…`. Server text is always set as text, never as HTML.

const config = JSON.parse(document.getElementById("consent-config").textContent);
const token = new URLSearchParams(location.search).get("token") ?? "";
const POLL_MS = 1000;
const $ = (id) => document.getElementById(id);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const updating = Boolean(config.connectionId) && config.action !== "connect";
const jobIds = [];
let institution = null;

async function api(method, path, body) {
  const headers = { Authorization: `Bearer ${token}`, "basiq-version": "3.0" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: "no-store" });
  const answer = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) {
    const detail = answer?.data?.[0]?.detail;
    const error = new Error(typeof detail === "string" ? detail : `The server answered ${response.status}.`);
    error.status = response.status;
    throw error;
  }
  return answer;
}

function show(name) {
  for (const s of document.querySelectorAll(".screen")) s.hidden = s.id !== `screen-${name}`;
  document.querySelector(`#screen-${name} h1`)?.focus();
}

function fail(error) {
  console.warn("consent page:", error);
  $("error-text").textContent = error?.message ?? String(error);
  show("error");
}

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attributes)) {
    if (k === "onclick") node.addEventListener("click", v);
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c);
  return node;
}

function logoOf(inst) {
  const url = inst?.logo?.links?.square;
  return typeof url === "string" && /^(https?:|\/)/.test(url) ? url : "";
}

async function chooseInstitution() {
  show("loading");
  const list = await api("GET", "/institutions");
  const items = (list?.data ?? []).map((inst) =>
    element(
      "li",
      {},
      element(
        "button",
        { type: "button", class: "institution", "data-institution": inst.id, onclick: () => signIn(inst) },
        Object.assign(element("img", { class: "logo", alt: "", width: "44", height: "44" }), logoOf(inst) ? { src: logoOf(inst) } : {}),
        element("span", {}, element("span", { class: "name" }, String(inst.name ?? inst.id)), element("span", { class: "meta" }, String(inst.institutionType ?? ""))),
      ),
    ),
  );
  $("institution-list").replaceChildren(...items);
  show("institutions");
}

function signIn(inst) {
  institution = inst;
  $("credentials-title").textContent = updating ? `Update your details for ${inst.name}` : `Sign in to ${inst.name}`;
  $("credentials-subtitle").textContent = updating ? "Enter the details you use for internet banking now." : "Use the details you use for internet banking.";
  const logo = logoOf(inst);
  if (logo) $("credentials-logo").src = logo;
  else $("credentials-logo").removeAttribute("src");
  $("back").hidden = updating || Boolean(config.institutionId);
  $("password").value = "";
  $("credentials-error").hidden = true;
  $("connect").disabled = false;
  show("credentials");
  $("login-id").focus();
}

async function submitCredentials(event) {
  event.preventDefault();
  const loginId = $("login-id").value.trim();
  const password = $("password").value;
  if (!loginId || !password) {
    $("credentials-error").textContent = "Enter your login ID and password.";
    $("credentials-error").hidden = false;
    return;
  }
  $("connect").disabled = true;
  try {
    const user = encodeURIComponent(config.userId);
    const job = updating
      ? await api("POST", `/users/${user}/connections/${encodeURIComponent(config.connectionId)}`, { loginId, password })
      : await api("POST", `/users/${user}/connections`, { loginId, password, institution: { id: institution.id } });
    $("progress-title").textContent = `Connecting to ${institution.name}…`;
    $("progress-text").textContent = "Signing in to your bank.";
    show("progress");
    await follow(job.id);
  } catch (e) {
    $("connect").disabled = false;
    $("credentials-error").textContent = e.message;
    $("credentials-error").hidden = false;
  }
}

/** Polls the job until the bank has answered the sign-in (and any MFA challenge). */
async function follow(jobId) {
  let answered = null; // the challenge last answered, so it is not asked twice
  for (;;) {
    const job = await api("GET", `/jobs/${encodeURIComponent(jobId)}`);
    const steps = Array.isArray(job?.steps) ? job.steps : [];
    const verify = steps.find((s) => s.title === "verify-credentials");
    const mfa = steps.find((s) => s.title === "mfa-challenge");
    const ended = (s) => ["success", "failed", "skipped"].includes(s?.status);
    const challenge = mfa?.status === "in-progress" && mfa.result?.type === "mfa" ? mfa.result : null;
    if (challenge && answered !== JSON.stringify(challenge)) {
      answered = JSON.stringify(challenge);
      await askMfa(jobId, challenge);
      show("progress");
      $("progress-text").textContent = "Checking your answer with the bank.";
      continue;
    }
    if (job?.status === "failed" || (ended(verify) && (!mfa || ended(mfa)))) return connected(jobId);
    await sleep(POLL_MS);
  }
}

function askMfa(jobId, challenge) {
  $("mfa-description").textContent = String(challenge.description ?? "Your bank needs to confirm it's you.");
  const prompts = Array.isArray(challenge.input) && challenge.input.length ? challenge.input : ["Code"];
  $("mfa-fields").replaceChildren(
    ...prompts.map((prompt, i) =>
      element("div", { class: "field" }, element("label", { for: `mfa-${i}` }, String(prompt)), element("input", { id: `mfa-${i}`, autocomplete: "one-time-code", required: "" })),
    ),
  );
  $("mfa-error").hidden = true;
  $("mfa-submit").disabled = false;
  show("mfa");
  $("mfa-0").focus();
  return new Promise((resolve) => {
    $("mfa-form").onsubmit = async (event) => {
      event.preventDefault();
      const answers = prompts.map((_, i) => $(`mfa-${i}`).value.trim());
      if (answers.some((a) => !a)) {
        $("mfa-error").textContent = "Answer every question.";
        $("mfa-error").hidden = false;
        return;
      }
      $("mfa-submit").disabled = true;
      try {
        await api("POST", `/jobs/${encodeURIComponent(jobId)}/mfa`, { "mfa-response": answers });
        resolve();
      } catch (e) {
        $("mfa-submit").disabled = false;
        $("mfa-error").textContent = e.message;
        $("mfa-error").hidden = false;
      }
    };
  });
}

function connected(jobId) {
  jobIds.push(jobId);
  if (!config.multiple) return back();
  $("more-text").textContent = `${institution.name} is connecting. You can connect another bank now, or finish.`;
  show("more");
}

/** Back to the partner, as Basiq's page does: `?jobIds=a,b&state=…`. */
function back() {
  let url = config.redirect;
  url += url.includes("?") ? "&" : "?";
  url += `jobIds=${jobIds.map(encodeURIComponent).join(",")}`;
  if (typeof config.state === "string") url += `&state=${encodeURIComponent(config.state)}`;
  location.assign(url);
}

async function start() {
  if (updating) {
    const user = encodeURIComponent(config.userId);
    const connection = await api("GET", `/users/${user}/connections/${encodeURIComponent(config.connectionId)}`);
    signIn(await api("GET", `/institutions/${encodeURIComponent(connection.institution.id)}`));
  } else if (config.institutionId) {
    signIn(await api("GET", `/institutions/${encodeURIComponent(config.institutionId)}`));
  } else {
    await chooseInstitution();
  }
}

$("credentials-form").addEventListener("submit", submitCredentials);
$("back").addEventListener("click", () => chooseInstitution().catch(fail));
$("another").addEventListener("click", () => chooseInstitution().catch(fail));
$("finish").addEventListener("click", back);
$("retry").addEventListener("click", () => start().catch(fail));
start().catch(fail);
