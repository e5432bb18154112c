// Small statistics helpers for the bench.

export const sorted = (xs) => [...xs].sort((a, b) => a - b);

/** The q-quantile (0..1) with linear interpolation between ranks. */
export function quantile(xs, q) {
  const s = sorted(xs);
  if (s.length === 0) return NaN;
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

export const median = (xs) => quantile(xs, 0.5);
export const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** `{ median, min, max, n }` of a list of numbers. */
export function summary(xs) {
  const s = sorted(xs);
  return { median: median(s), min: s[0], max: s[s.length - 1], n: s.length };
}
