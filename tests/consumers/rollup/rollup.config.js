import { nodeResolve } from "@rollup/plugin-node-resolve";

// The usual app build; nothing here is for basiq-jobs.
export default {
  input: "src/page.js",
  output: { dir: "dist", format: "es" },
  plugins: [nodeResolve({ browser: true })],
};
