"use client";

import { useEffect, useState } from "react";
import init, { createConnection, stepLabel } from "basiq-jobs";

/** Connects a sandbox user at Hooli and shows the outcome; rendered on the server first. */
export function Job({ api }) {
  const [outcome, setOutcome] = useState(null);

  useEffect(() => {
    let watch;
    let live = true;
    const token = (userId) =>
      fetch(`${api}/sandbox/client-token`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(userId ? { userId } : {}),
      }).then((r) => r.json());
    (async () => {
      await init();
      const { userId } = await token();
      if (!live) return;
      watch = createConnection(
        userId,
        { loginId: "gavinBelson", password: "hooli2016", institution: { id: "AU00000" } },
        { apiBase: api, getToken: async () => (await token(userId)).access_token, intervalMs: 100, maxIntervalMs: 300 },
      );
      const o = await watch.done;
      if (live) setOutcome({ status: o.status, accountsUrl: o.accountsUrl ?? null, label: stepLabel("retrieve-accounts") });
    })();
    return () => {
      live = false;
      watch?.cancel();
    };
  }, [api]);

  return outcome ? <output data-outcome={outcome.status}>{outcome.label}: {outcome.accountsUrl}</output> : <p>Connecting…</p>;
}
