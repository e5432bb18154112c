//! The TypeScript declarations of every shape the JS API takes or returns.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = r#"
/** Where a job step stands. Statuses the API adds later read as `"unknown"`. */
export type StepStatus = "pending" | "in-progress" | "success" | "failed" | "skipped" | "unknown";

/** How the bank challenges the user during an `mfa-challenge` step. */
export type MfaMethod = "token" | "security-questions";

/** A failed step's error, as Basiq reports it. */
export interface Failure {
  /** Basiq's error code, e.g. `"invalid-credentials"`. For programs, never for end users. */
  code: string;
  /** Basiq's short title. Server text: render it as text, never as HTML. */
  title?: string;
  /** Basiq's longer explanation. Server text: render it as text, never as HTML. */
  detail?: string;
}

/** An MFA request waiting on a step, as the job reports it. */
export interface StepMfa {
  /** How the user answers: one code, or one answer per question. */
  method: MfaMethod;
  /** What to ask the user: the questions, or the code prompt. */
  prompts: string[];
  /** The bank's description of the challenge. */
  description?: string;
  /** How long the bank waits for the answer, in milliseconds. */
  expiryMs?: number;
  /** Where the answer is posted (absolute, as the API gives it). */
  responseUrl?: string;
}

/** One step of a job, as last seen. */
export interface StepSnapshot {
  /** The step's name, e.g. `"verify-credentials"`, `"retrieve-accounts"`. */
  title: string;
  /** Where the step stands. */
  status: StepStatus;
  /** The step's result link, when it has one. `parseJob` keeps it as the API gives it (usually a path); watch events make it absolute. */
  resultUrl?: string;
  /** Why the step failed, when it did. */
  failure?: Failure;
  /** The MFA request, while the step waits on the user. */
  mfa?: StepMfa;
}

/** A snapshot of a Basiq job. */
export interface JobSnapshot {
  /** The job id. */
  id: string;
  /** The job's type, when the API says (e.g. `"report"`). */
  jobType?: string;
  /** The job-level status, when the API gives one (`"success"`, `"failed"`, `"in-progress"`, …;
   *  kept as given, so values the API adds later come through too). */
  status?: string;
  /** When the job was created (ISO 8601, as the API gives it; also read from `createdDate`). */
  created?: string;
  /** When the job last changed (ISO 8601, as the API gives it; also read from `updatedDate`). */
  updated?: string;
  /** The steps, in order. */
  steps: StepSnapshot[];
  /** The job's links. */
  links: {
    /** The job's own URL; `null` when the job has none (report jobs). */
    self: string | null;
    /** The connection the job works on, for connection jobs. */
    source?: string;
  };
}

/** Why `parseJob` refused its input. */
export type ParseErrorReason =
  | "empty"
  | "html"
  | "not-json"
  | "api-error"
  | "not-a-job"
  | "missing-field"
  | "wrong-type";

/** What `parseJob` throws: a `TypeError` whose message starts with `"parseJob: "`. */
export interface ParseJobError extends TypeError {
  /** The kind of problem, stable across versions. */
  reason: ParseErrorReason;
}

/** What started the job. */
export type Operation = "create" | "refresh" | "update";

/** An institution's health, as `/connectors` reports it. */
export type ConnectorStatus =
  | "operational"
  | "degraded-performance"
  | "partial-outage"
  | "major-outage"
  | "under-maintenance";

/** The one thing the user should do next. */
export type FailureAction =
  /** Enter their bank sign-in details again; the next API call is Update Connection. */
  | "resubmit-credentials"
  /** Sign in to internet banking, clear the message waiting there, then refresh the connection. */
  | "clear-bank-popup"
  /** Nothing: Basiq retries the job by itself (every 2 hours, for up to 7 days). */
  | "wait-for-automatic-retry"
  /** Wait until the institution's outage is over, then try again. */
  | "wait-for-outage"
  /** Try again after `retryAfterMs`. */
  | "try-later"
  /** Contact support, quoting `supportReference`. */
  | "contact-support"
  /** This institution cannot be connected; choose another one. */
  | "choose-another-institution"
  /** Start the connection again now. */
  | "start-again"
  /** Upload a different statement file. */
  | "upload-another-file"
  /** Check the payment's details (who is paid, from which account) and send it again. */
  | "check-payment-details";

/**
 * Per-key replacements for the bundled end-user texts, e.g.
 * `{ "maintenance.title": "Bank maintenance", "step.retrieve-accounts": "Fetching accounts" }`.
 * Texts may use the placeholders `{minutes}` and `{reference}`.
 */
export interface MessageOverrides {
  [key: string]: string;
}

/** What is known around a failure. Every field is optional. */
export interface FailureContext {
  /** The title of the step that failed. */
  step?: string;
  /** What started the job; defaults to `"create"`. */
  operation?: Operation;
  /** The institution's health from `/connectors`, if checked. */
  connectorStatus?: ConnectorStatus;
  /** Consecutive jobs of this connection that failed this way, this one included (1, 2, …). */
  attempt?: number;
  /** The connection id; quoted as the support reference. */
  connectionId?: string;
  /** The job id; the support reference when there is no connection id. */
  jobId?: string;
  /** The job's `jobType` (`"connection"`, `"report"`, `"payout"`, `"payrequest"`), when known. */
  jobType?: string;
  /** The message catalogue's locale; `"en-AU"` is bundled and the fallback. */
  locale?: string;
  /** Replacements for bundled texts, by key. */
  messages?: MessageOverrides;
}

/** Advice for the user about a failure. */
export interface FailureAdvice {
  /** The failure's code, for programs and logs. */
  code: string;
  /** The step that failed, when known. */
  step?: string;
  /** The one thing the user should do next. */
  action: FailureAction;
  /** A short heading for the end user: plain text, localized, never a raw code. */
  title: string;
  /** What happened and what to do, for the end user: plain text, localized. */
  message: string;
  /** How long to wait before trying again, in milliseconds. */
  retryAfterMs?: number;
  /** True when Basiq retries by itself and the user need not do anything. */
  automaticRetry: boolean;
  /** What the user should quote to support (the connection or job id). */
  supportReference?: string;
}

/** One step's status change during a watch. */
export interface StepEvent {
  /** The step's title. */
  step: string;
  /** The step's position, from 0. */
  index: number;
  /** How many steps the job has. */
  total: number;
  /** The step's new status. */
  status: StepStatus;
  /** The step's status before this change. */
  previous: StepStatus;
  /** The step's result link, absolute. */
  resultUrl?: string;
  /** Why the step failed, when it did. */
  failure?: Failure;
  /** What to tell the user about the failure. */
  advice?: FailureAdvice;
}

/** How far the job has come, after a poll that changed something. */
export interface Progress {
  /** The latest snapshot. */
  job: JobSnapshot;
  /** Steps that have finished (succeeded, failed or were skipped). */
  completed: number;
  /** All steps. */
  total: number;
  /** `completed / total`, from 0 to 1. */
  fraction: number;
  /** Estimated time to the end, in milliseconds, when there is a basis for one. */
  etaMs?: number;
}

/** An MFA challenge waiting for the user's answer (see `answerMfa`). */
export interface MfaChallenge {
  /** The step's title (`"mfa-challenge"`). */
  step: string;
  /** How the user answers: one code, or one answer per question. */
  method: MfaMethod;
  /** What to ask the user, in order; answers go in the same order. */
  prompts: string[];
  /** The bank's description of the challenge. */
  description?: string;
  /** When the bank stops accepting an answer, in Unix milliseconds. */
  expiresAt?: number;
}

/** An automatic retry (`autoRetry`): the job failed, and a refresh of its connection follows. */
export interface RetryEvent {
  /** The attempt the refresh will be, counting the connection's run of failures (2 for the first retry). */
  attempt: number;
  /** How long until the refresh starts, in ms (0 right after an outage lifts). */
  retryAfterMs: number;
  /** The advice for the failure being retried (`try-later`, or `wait-for-outage`). */
  advice: FailureAdvice;
  /** The failed job. */
  job: JobSnapshot;
}

/** The institution's major outage is over (`watchOutage` or `autoRetry`). */
export interface OutageLiftedEvent {
  /** The institution, as given in `institutionId`. */
  institutionId: string;
  /** Its status now. */
  status: ConnectorStatus;
}

/** What went wrong with a watch itself, as opposed to a failed step. */
export type ErrorKind =
  | "network"
  | "http"
  | "unauthorized"
  | "not-found"
  | "invalid-response"
  | "untrusted-url"
  | "expired"
  /** A bug in basiq-jobs: every pending watch ends with it rather than hang. */
  | "internal";

/** A watch error. */
export interface WatchError {
  /** What kind of problem it was. */
  kind: ErrorKind;
  /** The HTTP status of the last answer, when there was one. */
  httpStatus?: number;
  /** A developer-facing description; never holds the token. */
  message: string;
}

/** How a watch ended; `status` tells the cases apart. */
export type JobOutcome =
  | {
      /** Every step succeeded or was skipped. */
      status: "success";
      /** The final snapshot. */
      job: JobSnapshot;
      /** The connection, absolute. */
      connectionUrl?: string;
      /** The accounts, absolute. */
      accountsUrl?: string;
      /** The transactions, absolute. */
      transactionsUrl?: string;
    }
  | {
      /** A step failed. */
      status: "failed";
      /** The final snapshot. */
      job: JobSnapshot;
      /** The title of the step that failed. */
      step: string;
      /** Basiq's error for that step. */
      failure: Failure;
      /** What to tell the user, and what they should do next. */
      advice: FailureAdvice;
    }
  | {
      /** The watch was cancelled (`cancel()` or the AbortSignal). */
      status: "cancelled";
      /** The last snapshot, or `null` if none arrived. */
      job: JobSnapshot | null;
    }
  | {
      /** `timeoutMs` passed before the job ended. */
      status: "timed-out";
      /** The last snapshot, or `null` if none arrived. */
      job: JobSnapshot | null;
      /** How long the watch ran, in milliseconds. */
      elapsedMs: number;
    }
  | {
      /** The job could not be followed to its end. */
      status: "error";
      /** The last snapshot, or `null` if none arrived. */
      job: JobSnapshot | null;
      /** What went wrong. */
      error: WatchError;
      /** What to tell the user, and what they should do next. */
      advice: FailureAdvice;
    };

/** Options of `watchJob` and `restoreWatch`. Give `token` or `getToken`. */
export interface WatchOptions {
  /** A CLIENT_ACCESS bearer token. */
  token?: string;
  /** Provides a token: called first, and again when the API refuses one (401, or 403 `access-denied`). */
  getToken?: () => string | Promise<string>;
  /** What started the job; shapes the advice. Defaults to `"create"`. */
  operation?: Operation;
  /** The connection id; otherwise read from `links.source` or the result links. */
  connectionId?: string;
  /** The institution id (e.g. `"AU00000"`): enables outage checks and time estimates. */
  institutionId?: string;
  /** Called once per step status change. */
  onStep?: (event: StepEvent) => void;
  /** Called after every poll that changed something. */
  onProgress?: (progress: Progress) => void;
  /** Called when an `mfa-challenge` step waits for the user. */
  onMfa?: (challenge: MfaChallenge) => void;
  /** Called when `autoRetry` waits to refresh the connection after a failed job. */
  onRetry?: (event: RetryEvent) => void;
  /** Called when the institution's major outage lifts, while the watch waits it out. */
  onOutageLifted?: (event: OutageLiftedEvent) => void;
  /** Cancels the request in flight and any wait. */
  signal?: AbortSignal;
  /** The message catalogue's locale; `"en-AU"` is bundled and the fallback. */
  locale?: string;
  /** Replacements for bundled texts, by key. */
  messages?: MessageOverrides;
  /** The fetch to use instead of the global one (tests, instrumentation). */
  fetch?: typeof fetch;
  /** The only origin the token is sent to; defaults to the origin of the job URL. */
  apiOrigin?: string;
  /** The fast polling interval in ms, used first and after every change (default 1000). */
  intervalMs?: number;
  /** The longest polling interval in ms (default 5000). */
  maxIntervalMs?: number;
  /** How much the interval grows per unchanged poll, as a factor (default 1.5). */
  backoff?: number;
  /** Random spread around each wait, as a fraction (default 0.2, i.e. ±20%). */
  jitter?: number;
  /** How long to watch in all, MFA included, in ms (default 600000). */
  timeoutMs?: number;
  /** The slow interval in ms while Basiq's retry queue works on an update (default 600000). */
  longIntervalMs?: number;
  /** How long one request may take, in ms (default 30000). */
  requestTimeoutMs?: number;
  /** Network errors, 5xx answers or bad bodies in a row before giving up (default 5). */
  maxConsecutiveErrors?: number;
  /** How many jobs of this connection in a row already failed with `service-unavailable`
   *  before this one (from the third, the advice is to contact support). */
  previousFailures?: number;
  /** Remember each connection's run of `service-unavailable` jobs in localStorage, so the count
   *  above is kept without your code (default `true`; `previousFailures` wins when given). */
  rememberFailures?: boolean;
  /** Share one poll stream per job with the other tabs of this browser (default `true`): a Web
   *  Lock elects the tab that polls, a BroadcastChannel brings what it sees to the others, and
   *  when that tab closes another takes over. Each tab keeps its own callbacks, `done`, `save()`
   *  and `answerMfa`; no token crosses between tabs. Where the browser lacks Web Locks or
   *  BroadcastChannel, each tab polls alone. */
  crossTab?: boolean;
  /** After a `service-unavailable` advised `try-later`, wait `retryAfterMs`, refresh the
   *  connection and watch the new job, until the advice is `contact-support`; during a major
   *  outage, wait for it to lift, then refresh (default `false`). `done` settles once, at the end. */
  autoRetry?: boolean;
  /** The wait before an automatic retry, in ms (default: the advice's `retryAfterMs`, 600000). */
  retryDelayMs?: number;
  /** With `institutionId`, a `wait-for-outage` failure does not end the watch: it checks the
   *  institution until the outage lifts, calls `onOutageLifted`, then settles (default `false`;
   *  implied by `autoRetry`, which refreshes instead of settling). */
  watchOutage?: boolean;
  /** How often the institution is checked during an outage, in ms (default 60000). */
  outageIntervalMs?: number;
}

/** What the user typed into their bank's sign-in form. */
export interface Credentials {
  loginId: string;
  password: string;
  securityCode?: string;
  secondaryLoginId?: string;
  /** The institution, e.g. `{ id: "AU00000" }`. */
  institution: { id: string };
}

/** Options of `createConnection`, `updateConnection` and `refreshConnection`. */
export interface StartOptions extends WatchOptions {
  /** The Basiq API to call (default `https://au-api.basiq.io`). */
  apiBase?: string;
}
"#;
