import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import init from "basiq-jobs";
import { Jobs } from "./Jobs.jsx";

// What a page on the Consent UI's redirect URL does: load the module, then follow ?jobIds=….
const query = new URL(location.href).searchParams;
const api = query.get("api");
const userId = query.get("userId");
const getToken = () =>
  fetch(`${api}/sandbox/client-token`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ userId }),
  })
    .then((r) => r.json())
    .then((t) => t.access_token);

await init();
createRoot(document.getElementById("root")).render(
  <StrictMode>
    <Jobs href={location.href} apiBase={api} getToken={getToken} />
  </StrictMode>,
);
