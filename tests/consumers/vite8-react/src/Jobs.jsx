import { useEffect, useState } from "react";
import { jobIdsFromRedirect, stepLabel, watchJobs } from "basiq-jobs";

window.watchesStarted = 0;
window.watchesCancelled = 0;

/** Follows the jobs a Consent UI return names; cancels them when unmounted. */
export function Jobs({ href, apiBase, getToken }) {
  const [steps, setSteps] = useState({});
  const [outcomes, setOutcomes] = useState(null);
  const ids = jobIdsFromRedirect(href).join(",");

  useEffect(() => {
    let live = true;
    window.watchesStarted += 1;
    const group = watchJobs(ids.split(","), {
      apiBase,
      getToken,
      intervalMs: 100,
      maxIntervalMs: 300,
      onStep: (e) => live && setSteps((s) => ({ ...s, [e.step]: e.status })),
    });
    group.done.then((all) => live && setOutcomes(all));
    return () => {
      live = false;
      window.watchesCancelled += 1;
      group.cancel();
    };
  }, [ids, apiBase, getToken]);

  return (
    <main>
      <ul>
        {Object.entries(steps).map(([step, status]) => (
          <li key={step} data-step={step} data-status={status}>
            {stepLabel(step)}: {status}
          </li>
        ))}
      </ul>
      {outcomes && (
        <output data-outcomes={outcomes.map((o) => o.status).join(",")}>
          {outcomes.map((o) => o.accountsUrl ?? o.status).join(" ")}
        </output>
      )}
    </main>
  );
}
