#!/usr/bin/env node
// Gives the .wasm's imports from the JS glue one- or two-letter names, in the .wasm and in the
// glue alike. wasm-bindgen names each import after the JS it calls plus a 16-digit hash
// (`__wbg_setTimeout_c64079be9c618666`): with about sixty of them, in both files, the hashes
// alone cost more than a kilobyte gzipped and carry nothing a user needs.
//
//   node scripts/shorten-imports.mjs [pkg/basiq_jobs_bg.wasm] [pkg/basiq_jobs.js]
//
// Run after the glue is minified. It refuses (and changes nothing) when an import name does not
// appear in the glue exactly once as an object key, so a new wasm-bindgen glue layout fails the
// build instead of shipping a broken package.

import { readFileSync, writeFileSync } from "node:fs";

const [wasmPath = "pkg/basiq_jobs_bg.wasm", gluePath = "pkg/basiq_jobs.js"] = process.argv.slice(2);
const wasm = readFileSync(wasmPath);
let glue = readFileSync(gluePath, "utf8");

const fail = (why) => {
  console.error(`shorten-imports: ${why}; ${wasmPath} and ${gluePath} left as they were`);
  process.exit(1);
};

// ----- reading and writing the binary format ----------------------------------------------------

function reader(buf, pos) {
  const r = {
    pos,
    u8: () => buf[r.pos++],
    uleb() {
      let result = 0;
      let shift = 0;
      for (;;) {
        const b = buf[r.pos++];
        result += (b & 0x7f) * 2 ** shift;
        if (b < 0x80) return result;
        shift += 7;
      }
    },
    bytes(n) {
      const out = buf.subarray(r.pos, r.pos + n);
      r.pos += n;
      return out;
    },
    name: () => r.bytes(r.uleb()).toString("utf8"),
    limits() {
      const flags = r.u8();
      r.uleb();
      if (flags & 1) r.uleb();
    },
  };
  return r;
}

function uleb(n) {
  const out = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return Buffer.from(out);
}

const name = (s) => {
  const b = Buffer.from(s, "utf8");
  return Buffer.concat([uleb(b.length), b]);
};

// ----- the import section -------------------------------------------------------------------------

if (wasm.readUInt32LE(0) !== 0x6d736100) fail("not a wasm binary");
const r = reader(wasm, 8);
let section = null;
while (r.pos < wasm.length) {
  const start = r.pos;
  const id = r.u8();
  const size = r.uleb();
  const body = r.pos;
  r.pos += size;
  if (id === 2) section = { start, body, end: r.pos };
}
if (!section) fail("no import section");

const s = reader(wasm, section.body);
const count = s.uleb();
const entries = [];
for (let i = 0; i < count; i++) {
  const module = s.name();
  const field = s.name();
  const descStart = s.pos;
  const kind = s.u8();
  if (kind === 0) s.uleb(); // function: type index
  else if (kind === 1) {
    s.u8(); // table: element type
    s.limits();
  } else if (kind === 2) s.limits(); // memory
  else if (kind === 3) s.bytes(2); // global: value type, mutability
  else if (kind === 4) {
    s.u8(); // tag: attribute, type index
    s.uleb();
  } else fail(`import ${module}.${field} has unknown kind ${kind}`);
  entries.push({ module, field, desc: wasm.subarray(descStart, s.pos) });
}

// wasm-bindgen's own module: the glue passes it as one object literal keyed by the module name.
const MODULE = "./basiq_jobs_bg.js";
const SHORT_MODULE = "a";
const keyOf = (k) => (/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k));

// Names in the glue are object keys (`name:function`); each must be there exactly once.
const occurrences = (text, key) => {
  const re = new RegExp(`(?<![\\w$."'])${key.replace(/[$.*+?^(){}|[\]\\]/g, "\\$&")}(?=:)`, "g");
  return [...text.matchAll(re)].length;
};

const ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const shortName = (i) => (i < ALPHABET.length ? ALPHABET[i] : shortName(Math.floor(i / ALPHABET.length) - 1) + ALPHABET[i % ALPHABET.length]);

const renames = [];
let next = 0;
for (const e of entries) {
  if (e.module !== MODULE) continue;
  const short = shortName(next++);
  if (occurrences(glue, e.field) !== 1) fail(`import ${e.field} is not one key in the glue`);
  renames.push([e.field, short]);
}
if (renames.length === 0) fail(`no imports from ${MODULE}`);
const moduleKey = JSON.stringify(MODULE) + ":";
if (glue.split(moduleKey).length !== 2) fail(`the glue does not name ${MODULE} exactly once`);

// ----- rewrite both files --------------------------------------------------------------------------

const renamed = new Map(renames);
const parts = [uleb(count)];
for (const e of entries) {
  const ours = e.module === MODULE;
  parts.push(name(ours ? SHORT_MODULE : e.module), name(ours ? renamed.get(e.field) : e.field), e.desc);
}
const newBody = Buffer.concat(parts);
const out = Buffer.concat([
  wasm.subarray(0, section.start),
  Buffer.from([2]),
  uleb(newBody.length),
  newBody,
  wasm.subarray(section.end),
]);

for (const [long, short] of renames) {
  glue = glue.replace(new RegExp(`(?<![\\w$."'])${long.replace(/\$/g, "\\$")}(?=:)`), short);
}
glue = glue.replace(moduleKey, `${keyOf(SHORT_MODULE)}:`);

writeFileSync(wasmPath, out);
writeFileSync(gluePath, glue);
console.log(
  `shorten-imports: ${renames.length} imports renamed; .wasm ${wasm.length} → ${out.length} bytes, glue ${Buffer.byteLength(readFileSync(gluePath))} bytes`,
);
