// Following a Basiq job with p-retry: retry "is it done yet?" with exponential back-off.
// Bundled only to measure its size.
import pRetry from "p-retry";

export function followJob(jobUrl, token, onUpdate) {
  return pRetry(
    async () => {
      const response = await fetch(jobUrl, { headers: { Authorization: `Bearer ${token}` } });
      const job = await response.json();
      onUpdate(job);
      if (!job.steps.every((s) => s.status === "success" || s.status === "failed")) {
        throw new Error("job still running");
      }
      return job;
    },
    { retries: 200, factor: 1.5, minTimeout: 1000, maxTimeout: 5000, randomize: true },
  );
}
