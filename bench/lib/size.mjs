// Size: raw, gzip -9 and brotli of the shipped files and of the JS alternatives, and where the
// wasm's bytes go (per function, module and crate, from the name section of a build that keeps
// names but is otherwise the release build).

import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

/** Raw, gzip -9 and brotli (quality 11) sizes of a buffer. */
export function sizes(buf) {
  return {
    raw: buf.length,
    gzip: gzipSync(buf, { level: 9 }).length,
    brotli: brotliCompressSync(buf, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 11,
        [constants.BROTLI_PARAM_SIZE_HINT]: buf.length,
      },
    }).length,
  };
}

export const fileSizes = (path) => sizes(readFileSync(path));

/** Every `.js` file under `dir` (the JS glue and its snippets), sorted, relative to `dir`. */
export function jsFiles(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(".js"))
    .map((e) => relative(dir, join(e.parentPath ?? e.path, e.name)))
    .sort();
}

/** Raw, gzip and brotli sizes summed over files, each compressed on its own (as served). */
export function totalSizes(list) {
  return list.reduce((t, x) => ({ raw: t.raw + x.raw, gzip: t.gzip + x.gzip, brotli: t.brotli + x.brotli }), { raw: 0, gzip: 0, brotli: 0 });
}

// ----- a minimal wasm reader ---------------------------------------------------------------

function reader(buf, pos = 0) {
  return {
    get pos() {
      return pos;
    },
    set pos(p) {
      pos = p;
    },
    byte() {
      return buf[pos++];
    },
    u32() {
      let result = 0;
      let shift = 0;
      for (;;) {
        const b = buf[pos++];
        result += (b & 0x7f) * 2 ** shift;
        if (!(b & 0x80)) return result;
        shift += 7;
      }
    },
    name() {
      const len = this.u32();
      const s = buf.toString("utf8", pos, pos + len);
      pos += len;
      return s;
    },
  };
}

const SECTION_NAMES = {
  0: "custom",
  1: "type",
  2: "import",
  3: "function",
  4: "table",
  5: "memory",
  6: "global",
  7: "export",
  8: "start",
  9: "element",
  10: "code",
  11: "data",
  12: "datacount",
};

/** Sections, per-function body sizes, function names and data segments of a wasm binary. */
export function readWasm(buf) {
  const r = reader(buf, 8);
  const sections = [];
  let importedFuncs = 0;
  const bodies = [];
  const names = new Map();
  const data = [];
  while (r.pos < buf.length) {
    const id = r.byte();
    const size = r.u32();
    const start = r.pos;
    const end = start + size;
    let label = SECTION_NAMES[id] ?? `id ${id}`;
    if (id === 0) {
      const name = r.name();
      label = `custom "${name}"`;
      if (name === "name") {
        while (r.pos < end) {
          const sub = r.byte();
          const subSize = r.u32();
          const subEnd = r.pos + subSize;
          if (sub === 1) {
            const count = r.u32();
            for (let i = 0; i < count; i++) {
              const idx = r.u32();
              names.set(idx, r.name());
            }
          }
          r.pos = subEnd;
        }
      }
    } else if (id === 2) {
      const count = r.u32();
      for (let i = 0; i < count; i++) {
        r.name();
        r.name();
        const kind = r.byte();
        if (kind === 0) {
          r.u32();
          importedFuncs++;
        } else if (kind === 1) {
          r.byte();
          const flags = r.u32();
          r.u32();
          if (flags & 1) r.u32();
        } else if (kind === 2) {
          const flags = r.u32();
          r.u32();
          if (flags & 1) r.u32();
        } else if (kind === 3) {
          r.byte();
          r.byte();
        } else {
          r.byte();
          r.u32();
        }
      }
    } else if (id === 10) {
      const count = r.u32();
      for (let i = 0; i < count; i++) {
        const bodyStart = r.pos;
        const len = r.u32();
        r.pos += len;
        bodies.push({ index: importedFuncs + i, bytes: r.pos - bodyStart, body: buf.subarray(bodyStart, r.pos) });
      }
    } else if (id === 11) {
      const count = r.u32();
      for (let i = 0; i < count; i++) {
        const flags = r.u32();
        if (flags === 2) r.u32();
        if (flags !== 1) {
          // A constant offset expression, up to `end`.
          while (r.byte() !== 0x0b);
        }
        const len = r.u32();
        data.push(buf.subarray(r.pos, r.pos + len));
        r.pos += len;
      }
    }
    sections.push({ section: label, bytes: end - start });
    r.pos = end;
  }
  for (const b of bodies) b.name = names.get(b.index) ?? `func[${b.index}]`;
  return { sections, bodies, data, importedFuncs };
}

const PRIMITIVE = /^(u8|u16|u32|u64|u128|usize|i8|i16|i32|i64|i128|isize|f32|f64|char|str|bool|\[.*\]|T|_)$/;

/** wasm-bindgen's export shims: wasm-opt inlines the exported Rust function into its shim. */
export const EXPORTS = "exports (wasm-bindgen shims, export bodies inlined)";

/** A demangled name without crate disambiguators (`core[1a2b…]`) and symbol hashes (`::h1a2b…`). */
export const cleanName = (name) => name.replace(/\[[0-9a-f]{8,}\]/g, "").replace(/::h[0-9a-f]{16}/g, "");

/** The crate and a module path (up to `depth` segments) a demangled function name belongs to. */
export function owner(rawName, depth = 3) {
  const name = cleanName(rawName);
  if (/ shim\b/.test(name)) return { crate: EXPORTS, mod: EXPORTS };
  if (/^__(externref|wbindgen|wbg)/.test(name)) return { crate: "wasm_bindgen", mod: "wasm_bindgen::runtime" };
  if (/^__rustc::|^__rdl_|^__rust_/.test(name)) return { crate: "std", mod: "std::alloc" };
  let s = name;
  // `core::ptr::drop_in_place<T>`: the type dropped.
  const drop = /^core::ptr::drop_in_place<(.*)>$/.exec(s);
  if (drop) s = drop[1];
  s = s.replace(/^<+/, "").replace(/^&(mut )?/, "").replace(/^dyn /, "");
  // `<Self as Trait>::f`: Self's path, or the trait's when Self is a primitive or generic.
  const asTrait = /^([^ ]+) as ([^ >]+)/.exec(s);
  let path = s.split(/[<> ]/)[0];
  if (asTrait && PRIMITIVE.test(asTrait[1].split("<")[0])) path = asTrait[2].split("<")[0];
  else if (PRIMITIVE.test(path)) path = "core::primitive";
  const segs = path.split("::").filter(Boolean);
  const crate = /^[a-z_][a-z0-9_]*$/.test(segs[0] ?? "") && segs.length > 1 ? segs[0] : "(unnamed)";
  const mod = crate === "(unnamed)" ? "(unnamed)" : segs.slice(0, Math.min(depth, Math.max(1, segs.length - 1))).join("::");
  return { crate, mod };
}

/** The longest runs of printable text in the data segments. */
export function longStrings(data, count = 12) {
  const runs = [];
  for (const seg of data) {
    let start = -1;
    for (let i = 0; i <= seg.length; i++) {
      const b = seg[i];
      const printable = i < seg.length && ((b >= 0x20 && b < 0x7f) || b === 0x0a || b >= 0xc2);
      if (printable && start < 0) start = i;
      if (!printable && start >= 0) {
        if (i - start >= 24) runs.push(seg.toString("utf8", start, i));
        start = -1;
      }
    }
  }
  const total = runs.reduce((n, s) => n + Buffer.byteLength(s), 0);
  runs.sort((a, b) => Buffer.byteLength(b) - Buffer.byteLength(a));
  return { textBytes: total, top: runs.slice(0, count) };
}

/** Where the bytes of a named wasm go: top functions, modules and crates by body size. */
export function contributors(buf, top = 20) {
  const w = readWasm(buf);
  const code = w.bodies.reduce((n, b) => n + b.bytes, 0);
  const group = (key) => {
    const m = new Map();
    for (const b of w.bodies) {
      const k = key(b);
      const e = m.get(k) ?? { name: k, bytes: 0, functions: 0, parts: [] };
      e.bytes += b.bytes;
      e.functions += 1;
      e.parts.push(b.body);
      m.set(k, e);
    }
    // gzipAlone: the group's code compressed on its own, a rough guide to its share of the gzip.
    return [...m.values()]
      .sort((a, b) => b.bytes - a.bytes)
      .map(({ parts, ...e }) => ({ ...e, gzipAlone: gzipSync(Buffer.concat(parts), { level: 9 }).length }));
  };
  const dataBytes = w.data.reduce((n, d) => n + d.length, 0);
  return {
    sections: w.sections,
    functions: w.bodies.length,
    codeBytes: code,
    dataBytes,
    topFunctions: [...w.bodies]
      .sort((a, b) => b.bytes - a.bytes)
      .slice(0, top)
      .map(({ name, bytes }) => ({ name: cleanName(name), bytes })),
    crates: group((b) => owner(b.name).crate),
    modules: group((b) => owner(b.name).mod).slice(0, top),
    strings: longStrings(w.data),
  };
}
