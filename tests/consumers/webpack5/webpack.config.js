// The usual production build; nothing here is for basiq-jobs.
export default {
  mode: "production",
  entry: "./src/page.js",
  output: { filename: "page.js", path: new URL("./dist/", import.meta.url).pathname, module: true, clean: true },
  experiments: { outputModule: true },
};
