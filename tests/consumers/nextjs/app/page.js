import { Job } from "./job";

// Rendered per request on the server (the client component and basiq-jobs included), then
// hydrated in the browser.
export default async function Page({ searchParams }) {
  const { api } = await searchParams;
  return (
    <main>
      <Job api={api} />
    </main>
  );
}
