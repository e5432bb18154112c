// The failure scenarios of the seed documents, each described by the package's describeFailure.
// Everything shown is set with textContent: advice and server text are data, never HTML.
import init, { describeFailure, stepLabel } from "/pkg/basiq_jobs.js";

const SCENARIOS = [
  {
    failure: { code: "invalid-credentials", title: "Cannot login to target institution, check credentials." },
    context: { step: "verify-credentials", operation: "create" },
    about: "creating a connection",
  },
  {
    failure: { code: "invalid-credentials" },
    context: { step: "verify-credentials", operation: "refresh" },
    about: "refreshing a connection",
  },
  {
    failure: { code: "account-not-accessible-requires-user-action" },
    context: { step: "retrieve-accounts", operation: "refresh" },
    about: "any step",
  },
  {
    failure: { code: "service-unavailable" },
    context: { step: "retrieve-transactions", operation: "update" },
    about: "updating a connection",
  },
  {
    failure: { code: "service-unavailable" },
    context: { step: "retrieve-accounts", operation: "create", connectorStatus: "major-outage" },
    about: "during a major outage",
  },
  {
    failure: { code: "service-unavailable" },
    context: { step: "retrieve-accounts", operation: "refresh", attempt: 1 },
    about: "first attempt",
  },
  {
    failure: { code: "service-unavailable" },
    context: { step: "retrieve-accounts", operation: "refresh", attempt: 3, connectionId: "8fce3b" },
    about: "third attempt in a row",
  },
];

function extras(advice) {
  const parts = [];
  if (advice.automaticRetry) parts.push("Basiq retries by itself");
  if (advice.retryAfterMs !== undefined) parts.push(`retry after ${Math.round(advice.retryAfterMs / 60000)} min`);
  if (advice.supportReference !== undefined) parts.push(`support reference ${advice.supportReference}`);
  return parts.join(" · ");
}

function render(list, template) {
  for (const { failure, context, about } of SCENARIOS) {
    const advice = describeFailure(failure, context);
    const card = template.content.cloneNode(true);
    card.querySelector(".code").textContent = failure.code;
    card.querySelector(".context").textContent = `${stepLabel(context.step)} — ${about}`;
    card.querySelector(".title").textContent = advice.title;
    card.querySelector(".message").textContent = advice.message;
    card.querySelector(".action").textContent = advice.action;
    card.querySelector(".extra").textContent = extras(advice);
    list.append(card);
  }
}

try {
  await init();
  render(document.getElementById("scenarios"), document.getElementById("scenario"));
} catch (e) {
  document.getElementById("status").textContent =
    `The package did not load (${e}). Build it with "make build", then serve this page with "make demo".`;
}
