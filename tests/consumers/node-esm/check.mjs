// basiq-jobs in plain Node: `await init()` loads the module from disk with no warning, and the
// shared check (src/check.js, copied in by the test) runs against the sandbox at API_BASE with
// Node's own fetch. Prints one JSON line for the test.
import { check } from "./src/check.js";

const warnings = [];
process.on("warning", (w) => warnings.push(String(w)));
const warn = console.warn;
console.warn = (...args) => warnings.push(args.join(" "));
const result = await check(process.env.API_BASE);
console.warn = warn;
console.log(JSON.stringify({ ...result, warnings }));
