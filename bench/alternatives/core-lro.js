// Following a Basiq job with @azure/core-lro: the package's generic poller plus the few lines a
// partner needs to map a job onto its status model. Bundled only to measure its size.
import { createHttpPoller } from "@azure/core-lro";

const finished = (job) =>
  job.steps.some((s) => s.status === "failed")
    ? "failed"
    : job.steps.every((s) => s.status === "success")
      ? "succeeded"
      : "running";

export function followJob(jobUrl, token, onUpdate) {
  const get = async (url, abortSignal) => {
    const response = await fetch(url, { headers: { Authorization: `Bearer ${token}` }, signal: abortSignal });
    const job = await response.json();
    const body = { ...job, status: finished(job) };
    return {
      flatResponse: body,
      rawResponse: { statusCode: response.status, headers: {}, request: { method: "GET", url }, body },
    };
  };
  const poller = createHttpPoller(
    { sendInitialRequest: () => get(jobUrl), sendPollRequest: (path, o) => get(path, o?.abortSignal) },
    { intervalInMs: 1000, resolveOnUnsuccessful: true },
  );
  poller.onProgress((state) => onUpdate(state));
  return poller.pollUntilDone();
}
