#!/usr/bin/env node
// Turns what wasm-pack writes into pkg/ into the npm package partners install:
//
// - index.js, the browser entry: `init()` loads the .wasm beside it (a URL bundlers see and copy),
//   and when that URL does not answer with WebAssembly (a dev server that moved the glue while
//   pre-bundling dependencies serves its index.html there) it loads the copy inlined in
//   wasm-inline.js instead, so no bundler needs configuring;
// - node.js, the Node entry (the `node` condition): `init()` reads the .wasm from disk;
// - both wrap every export so that a call before `init()` throws an Error that says so, and hand
//   the glue the one-object arguments it wants (no deprecation warning);
// - index.d.ts, the declarations with `init` typed as it now is, and `Symbol.dispose` declared
//   for projects whose TypeScript lib predates it;
// - package.json for the registry, and package/README.md as the package's README.
//
// Run after `wasm-pack build --target web --out-dir pkg`.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const PKG = resolve(process.argv[2] ?? join(ROOT, "pkg"));
const NAME = "basiq_jobs";
const GLUE = `${NAME}.js`;
const WASM = `${NAME}_bg.wasm`;

// The version and license are the crate's (wasm-pack may or may not have written a package.json).
const cargo = readFileSync(join(ROOT, "Cargo.toml"), "utf8");
const crate = (key) => new RegExp(`^${key} = "([^"]+)"`, "m").exec(cargo)?.[1];
const generated = { version: crate("version"), license: crate("license") };
if (!generated.version) throw new Error("package: no version in Cargo.toml");
const glue = readFileSync(join(PKG, GLUE), "utf8");
const declarations = readFileSync(join(PKG, `${NAME}.d.ts`), "utf8");

const functions = [...glue.matchAll(/^export function (\w+)\(/gm)].map((m) => m[1]);
const classes = [...glue.matchAll(/^export class (\w+)/gm)].map((m) => m[1]);
// Test-only exports exist in test builds alone; the package never carries them.
const shipped = functions.filter((name) => !name.endsWith("ForTests"));
if (shipped.length < 5) throw new Error(`package: found only ${shipped.length} functions in ${GLUE}`);

const header = (what) =>
  `// ${what} of basiq-jobs ${generated.version}. Written by scripts/package.mjs; the glue is ${GLUE}.\n`;

// The wrapper both entries share: one guard per export, and the object form of the glue's init.
const wrappers = `
let ready = false;

function notReady(name) {
  return new Error(
    \`basiq-jobs: \${name}() was called before the module was loaded. Call the default export first and wait for it: \` +
      \`import init, { \${name} } from "basiq-jobs"; await init();\`,
  );
}

${shipped
  .map(
    (name) => `export function ${name}(...args) {
  if (!ready) throw notReady("${name}");
  return glue.${name}(...args);
}`,
  )
  .join("\n\n")}

export { ${classes.join(", ")} } from "./${GLUE}";
`;

const browser = `${header("The browser entry")}import * as glue from "./${GLUE}";

const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];

let loading;

/**
 * Loads the WebAssembly module; call it once and await it before anything else.
 * Without an argument it loads the .wasm shipped beside this file.
 */
export default function init(input) {
  loading ??= load(input).then(
    () => {
      ready = true;
    },
    (error) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
}

/** Loads the module synchronously from its bytes or a compiled \`WebAssembly.Module\`. */
export function initSync(input) {
  if (input === undefined) throw new TypeError("basiq-jobs: initSync() needs the module's bytes in the browser; use await init() instead");
  glue.initSync(isOptions(input) ? input : { module: input });
  ready = true;
}

async function load(input) {
  if (input !== undefined) return glue.default(isOptions(input) ? input : { module_or_path: input });
  const url = new URL("./${WASM}", import.meta.url);
  let response;
  try {
    response = await fetch(url);
  } catch {
    response = undefined; // a file: page or a blocked request: the inlined copy still works
  }
  if (response?.ok && /^application\\/wasm\\b/.test(response.headers.get("Content-Type") ?? "")) {
    return glue.default({ module_or_path: response });
  }
  const bytes = response?.ok ? new Uint8Array(await response.arrayBuffer()) : undefined;
  if (bytes && WASM_MAGIC.every((b, i) => bytes[i] === b)) return glue.default({ module_or_path: bytes });
  const { wasmBytes } = await import("./wasm-inline.js");
  return glue.default({ module_or_path: await wasmBytes() });
}

function isOptions(input) {
  return input !== null && typeof input === "object" && Object.getPrototypeOf(input) === Object.prototype;
}
${wrappers}`;

const node = `${header("The Node entry")}import { readFileSync } from "node:fs";
import * as glue from "./${GLUE}";

/** Loads the WebAssembly module (from the file beside this one unless given); await it once. */
export default async function init(input) {
  initSync(input === undefined ? undefined : await input);
}

/** Loads the module synchronously (from the file beside this one unless given). */
export function initSync(input) {
  const module = input === undefined ? readFileSync(new URL("./${WASM}", import.meta.url)) : input;
  if (module !== null && typeof module === "object" && Object.getPrototypeOf(module) === Object.prototype) {
    glue.initSync("module_or_path" in module ? { module: module.module_or_path } : module);
  } else {
    glue.initSync({ module });
  }
  ready = true;
}
${wrappers}`;

// The .wasm, gzipped and in base64, for dev servers that lose the file (see index.js). Decoded
// with the platform's DecompressionStream; no fetch of a data: URL, so a strict CSP allows it.
const wasm = readFileSync(join(PKG, WASM));
const inline = `${header("The WebAssembly module inlined, for dev servers that lose the .wasm file")}const GZIP_BASE64 =
  "${gzipSync(wasm, { level: 9 }).toString("base64")}";

/** The module's bytes. */
export async function wasmBytes() {
  const gzip = Uint8Array.from(atob(GZIP_BASE64), (c) => c.charCodeAt(0));
  const stream = new Blob([gzip]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
`;

// The declarations: wasm-bindgen's, with its init types replaced by the entries' own.
const initStart = declarations.indexOf("export type InitInput");
if (initStart < 0) throw new Error(`package: no InitInput in ${NAME}.d.ts`);
const types = `${header("Declarations")}
${declarations.slice(0, initStart).trimEnd()}

/** What \`init\` loads the module from: its URL, a response, its bytes or a compiled module. */
export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;

/**
 * Loads the WebAssembly module; call it once and await it before anything else. Without an
 * argument it loads the .wasm shipped with the package (in Node, from disk).
 */
export default function init(input?: InitInput | Promise<InitInput> | { module_or_path: InitInput | Promise<InitInput> }): Promise<void>;

/** Loads the module synchronously from its bytes or a compiled module (in Node, from disk unless given). */
export function initSync(input?: BufferSource | WebAssembly.Module | { module: BufferSource | WebAssembly.Module }): void;

// Classes are disposable (\`using watch = …\`); TypeScript libs before ES2025's "esnext.disposable"
// do not know \`Symbol.dispose\`, so it is declared here as the newer lib declares it.
declare global {
  interface SymbolConstructor {
    readonly dispose: unique symbol;
  }
}
`;
if (/\bForTests\b/.test(types)) throw new Error("package: test-only exports in the declarations");

const repository = "https://github.com/basiq-jobs/basiq-jobs";
const files = [GLUE, WASM, "index.js", "node.js", "index.d.ts", "wasm-inline.js", "README.md", "LICENSE*"];
const manifest = {
  name: "basiq-jobs",
  version: generated.version,
  description:
    "Follow Basiq open-banking jobs to their end in the browser: progress per step, MFA, and plain-language advice for every failure",
  keywords: ["basiq", "open-banking", "cdr", "bank-connection", "jobs", "polling", "mfa", "webassembly", "consent"],
  license: generated.license,
  homepage: `${repository}#readme`,
  bugs: { url: `${repository}/issues` },
  repository: { type: "git", url: `git+${repository}.git` },
  type: "module",
  main: "./index.js",
  module: "./index.js",
  types: "./index.d.ts",
  exports: {
    ".": {
      types: "./index.d.ts",
      node: "./node.js",
      default: "./index.js",
    },
    "./basiq_jobs_bg.wasm": "./basiq_jobs_bg.wasm",
    "./package.json": "./package.json",
  },
  files,
  sideEffects: false,
  engines: { node: ">=20" },
};

// wasm-bindgen's own declarations are superseded by index.d.ts: they describe the raw glue, whose
// init returns the module's exports (typed with any), and are not shipped; the glue no longer
// points at them.
writeFileSync(join(PKG, GLUE), glue.replace(/^\/\* @ts-self-types="[^"]*" \*\/\n+/, ""));
rmSync(join(PKG, `${NAME}.d.ts`), { force: true });
rmSync(join(PKG, `${NAME}_bg.wasm.d.ts`), { force: true });
writeFileSync(join(PKG, "index.js"), browser);
writeFileSync(join(PKG, "node.js"), node);
writeFileSync(join(PKG, "wasm-inline.js"), inline);
writeFileSync(join(PKG, "index.d.ts"), types);
writeFileSync(join(PKG, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
writeFileSync(join(PKG, "README.md"), readFileSync(join(ROOT, "package", "README.md"), "utf8"));
rmSync(join(PKG, ".gitignore"), { force: true });
console.log(`package: ${shipped.length} functions and ${classes.length} classes wrapped; index.js, node.js, index.d.ts, wasm-inline.js written`);
