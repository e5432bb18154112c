// A tiny element builder. Strings always become text nodes: nothing here parses HTML, so server
// text (titles, details, names) can never turn into markup.

const SVG_NS = "http://www.w3.org/2000/svg";

/**
 * h("p", { class: "muted" }, "text", child…) → element.
 * Attributes: strings set with setAttribute; `on*` functions become listeners; false/null skip.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

function setAttrs(el, attrs) {
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === false || value === null || value === undefined) continue;
    if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2).toLowerCase(), value);
    } else {
      el.setAttribute(key, value === true ? "" : String(value));
    }
  }
}

function append(el, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Small inline icons, built from path data we own. */
const ICONS = {
  check: "M3.5 8.5 6.5 11.5 12.5 4.5",
  cross: "M4.5 4.5l7 7m0-7-7 7",
  clock: "M8 4.5V8l2.5 1.5M14 8A6 6 0 1 1 2 8a6 6 0 0 1 12 0Z",
  alert: "M8 5v3.5M8 11h.01M14 8A6 6 0 1 1 2 8a6 6 0 0 1 12 0Z",
  chevron: "M6 3.5 10.5 8 6 12.5",
  bank: "M2.5 6.5 8 3l5.5 3.5M3.5 7v5M6.5 7v5M9.5 7v5M12.5 7v5M2.5 13.5h11",
  support: "M3 9V8a5 5 0 0 1 10 0v1M3 9h2v3.5H3.5A.5.5 0 0 1 3 12zM13 9h-2v3.5h1.5a.5.5 0 0 0 .5-.5zM11 12.5c0 1-1 1.5-2.5 1.5",
};

export function icon(name, size = 16) {
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("viewBox", "0 0 16 16");
  svg.setAttribute("width", String(size));
  svg.setAttribute("height", String(size));
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const path = document.createElementNS(SVG_NS, "path");
  path.setAttribute("d", ICONS[name] ?? ICONS.alert);
  path.setAttribute("fill", "none");
  path.setAttribute("stroke", "currentColor");
  path.setAttribute("stroke-width", "1.8");
  path.setAttribute("stroke-linecap", "round");
  path.setAttribute("stroke-linejoin", "round");
  svg.append(path);
  return svg;
}

export const $ = (id) => document.getElementById(id);

/** Replaces an element's children. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** Text for a countdown: "1:05", "0:09". */
export function clock(ms) {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const m = Math.floor(total / 60);
  const s = total % 60;
  return `${m}:${String(s).padStart(2, "0")}`;
}

/** Text for a duration in words: "about 10 minutes", "less than a minute", "about 2 hours". */
export function duration(ms) {
  const minutes = Math.round(ms / 60000);
  if (ms < 45_000) return seconds(ms);
  if (minutes < 90) return `about ${minutes} minute${minutes === 1 ? "" : "s"}`;
  const hours = Math.round(minutes / 60);
  if (hours < 36) return `about ${hours} hour${hours === 1 ? "" : "s"}`;
  const days = Math.round(hours / 24);
  return `about ${days} day${days === 1 ? "" : "s"}`;
}

function seconds(ms) {
  const s = Math.max(1, Math.round(ms / 1000));
  if (s <= 5) return "a few seconds";
  return `about ${s} seconds`;
}

/** "10:42 am" in the user's locale. */
export function timeOfDay(date) {
  return date.toLocaleTimeString(undefined, { hour: "numeric", minute: "2-digit" });
}
