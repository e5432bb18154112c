// The declarations as a strict TypeScript partner meets them: outcomes narrow by status, options
// and callbacks are typed, and wrong arguments do not compile (each @ts-expect-error fails the
// build if the line it marks ever compiles, e.g. because a parameter became `any`).
import init, { createConnection, describeFailure, jobIdsFromRedirect, parseJob, restoreWatch, watchJob, watchJobs } from "basiq-jobs";
import type { FailureAction, JobOutcome, JobWatch, StepEvent } from "basiq-jobs";

export async function follow(jobUrl: string, getToken: () => Promise<string>): Promise<string> {
  await init();
  const watch: JobWatch = watchJob(jobUrl, {
    getToken,
    operation: "create",
    onStep: (e: StepEvent) => console.log(e.step, e.status, e.advice?.action),
    onProgress: (p) => console.log(Math.round(p.fraction * 100), p.etaMs ?? "unknown"),
    onMfa: (c) => void watch.answerMfa(c.prompts.map(() => "1234")),
  });
  const saved: string = watch.save();
  restoreWatch(saved, { getToken, apiOrigin: new URL(jobUrl).origin });
  return describe(await watch.done);
}

export function describe(outcome: JobOutcome): string {
  switch (outcome.status) {
    case "success":
      return outcome.accountsUrl ?? "connected";
    case "failed":
      return `${outcome.step}: ${outcome.advice.title}`;
    case "error":
      return `${outcome.error.kind}: ${outcome.advice.message}`;
    case "timed-out":
      return `gave up after ${outcome.elapsedMs} ms`;
    case "cancelled":
      return "cancelled";
  }
}

export function next(action: FailureAction): boolean {
  return action === "resubmit-credentials" || action === "clear-bank-popup";
}

export function wrongArguments(): void {
  // @ts-expect-error: the job URL is a string
  watchJob(42, { token: "t" });
  // @ts-expect-error: the user id is a string
  createConnection({ id: "u1" }, { loginId: "l", password: "p", institution: { id: "AU00000" } }, { token: "t" });
  // @ts-expect-error: the saved watch is a string
  restoreWatch(null, { token: "t" });
  // @ts-expect-error: an unknown option
  watchJobs(jobIdsFromRedirect("https://partner.example/?jobIds=a"), { token: "t", pollEvery: 5 });
  // @ts-expect-error: an operation Basiq does not have
  describeFailure({ code: "invalid-credentials" }, { operation: "delete" });
  const snapshot = parseJob("{}");
  // @ts-expect-error: a step status outside the union
  const status: "done" = snapshot.steps[0]!.status;
  void status;
}

// Disposable classes, with a lib that predates Symbol.dispose.
export function dispose(watch: JobWatch): void {
  watch[Symbol.dispose]();
}
