"use client";

import { useEffect, useState } from "react";
import { check } from "./check.js";

/** Runs the shared check (copied in by the test) once mounted; rendered on the server first. */
export function Job({ api }) {
  const [result, setResult] = useState(null);

  useEffect(() => {
    let live = true;
    check(api).then((r) => live && setResult(r));
    return () => {
      live = false;
    };
  }, [api]);

  return result ? <output data-outcome={result.status}>{result.label}: {result.accountsUrl}</output> : <p>Connecting…</p>;
}
