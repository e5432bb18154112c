// The browser projects' entry: runs the check against the sandbox named by ?api= and leaves the
// result in window.consumerResult for the test.
import { check } from "./check.js";

check(new URL(location.href).searchParams.get("api")).then(
  (result) => (window.consumerResult = result),
  (error) => (window.consumerResult = { error: String(error?.stack ?? error) }),
);
