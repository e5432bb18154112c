// bench/requests.svg: requests per job against how late the end was noticed, per strategy.
// Plain SVG written by hand: one faint dot per job, and per strategy its p50 and p95 latency at
// its mean request count.

const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"];
const esc = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/**
 * `strategies`: `[{ name, jobs: [{ requests, lateMs }], meanRequests, p50, p95 }]`;
 * `budgetMs`: a horizontal line at the latency budget.
 */
export function requestsChart({ strategies, budgetMs, title, subtitle = "" }) {
  const W = 720;
  const H = 440;
  const m = { left: 64, right: 190, top: 56, bottom: 56 };
  const pw = W - m.left - m.right;
  const ph = H - m.top - m.bottom;
  const allJobs = strategies.flatMap((s) => s.jobs);
  const maxX = Math.max(5, ...allJobs.map((j) => j.requests)) * 1.05;
  const maxY = Math.max(budgetMs * 1.2, ...allJobs.map((j) => j.lateMs)) * 1.05;
  const niceStep = (max, n) => {
    const raw = max / n;
    const p = 10 ** Math.floor(Math.log10(raw));
    return [1, 2, 2.5, 5, 10].map((k) => k * p).find((s) => s >= raw);
  };
  const x = (v) => m.left + (v / maxX) * pw;
  const y = (v) => m.top + ph - (v / maxY) * ph;
  const out = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    `<text x="${m.left}" y="22" font-size="15" font-weight="600">${esc(title)}</text>`,
    `<text x="${m.left}" y="38" fill="#555">${esc(subtitle)}</text>`,
  );
  // Grid and axes.
  const sx = niceStep(maxX, 8);
  for (let v = 0; v <= maxX; v += sx) {
    out.push(`<line x1="${x(v)}" y1="${m.top}" x2="${x(v)}" y2="${m.top + ph}" stroke="#eeeeee"/>`);
    out.push(`<text x="${x(v)}" y="${m.top + ph + 16}" text-anchor="middle" fill="#444">${+v.toFixed(1)}</text>`);
  }
  const sy = niceStep(maxY, 6);
  for (let v = 0; v <= maxY; v += sy) {
    out.push(`<line x1="${m.left}" y1="${y(v)}" x2="${m.left + pw}" y2="${y(v)}" stroke="#eeeeee"/>`);
    out.push(`<text x="${m.left - 6}" y="${y(v) + 4}" text-anchor="end" fill="#444">${+(v / 1000).toFixed(2)}</text>`);
  }
  out.push(
    `<line x1="${m.left}" y1="${m.top + ph}" x2="${m.left + pw}" y2="${m.top + ph}" stroke="#333"/>`,
    `<line x1="${m.left}" y1="${m.top}" x2="${m.left}" y2="${m.top + ph}" stroke="#333"/>`,
    `<text x="${m.left + pw / 2}" y="${H - 16}" text-anchor="middle" fill="#222">requests to follow one job (GET /jobs/{id}, counted by the sandbox)</text>`,
    `<text transform="translate(18 ${m.top + ph / 2}) rotate(-90)" text-anchor="middle" fill="#222">end noticed after (sandbox seconds)</text>`,
  );
  // The latency budget.
  out.push(
    `<line x1="${m.left}" y1="${y(budgetMs)}" x2="${m.left + pw}" y2="${y(budgetMs)}" stroke="#888" stroke-dasharray="6 4"/>`,
    `<text x="${m.left + pw - 4}" y="${y(budgetMs) - 5}" text-anchor="end" fill="#666">budget: p95 within ${budgetMs / 1000} s</text>`,
  );
  strategies.forEach((s, i) => {
    const c = COLORS[i % COLORS.length];
    for (const j of s.jobs) {
      out.push(`<circle cx="${x(j.requests).toFixed(1)}" cy="${y(j.lateMs).toFixed(1)}" r="2.5" fill="${c}" fill-opacity="0.28"/>`);
    }
  });
  strategies.forEach((s, i) => {
    const c = COLORS[i % COLORS.length];
    const cx = x(s.meanRequests);
    out.push(
      `<line x1="${cx}" y1="${y(s.p50)}" x2="${cx}" y2="${y(s.p95)}" stroke="${c}" stroke-width="3"/>`,
      `<circle cx="${cx}" cy="${y(s.p50)}" r="6" fill="${c}" stroke="#fff" stroke-width="1.5"/>`,
      `<rect x="${cx - 6}" y="${y(s.p95) - 6}" width="12" height="12" fill="${c}" stroke="#fff" stroke-width="1.5"/>`,
    );
    // Legend.
    const ly = m.top + 8 + i * 58;
    const lx = m.left + pw + 18;
    out.push(
      `<circle cx="${lx}" cy="${ly}" r="6" fill="${c}"/>`,
      `<text x="${lx + 12}" y="${ly + 4}" font-weight="600">${esc(s.name)}</text>`,
      `<text x="${lx + 12}" y="${ly + 20}" fill="#444">${s.meanRequests.toFixed(1)} requests/job</text>`,
      `<text x="${lx + 12}" y="${ly + 35}" fill="#444">p50 ${(s.p50 / 1000).toFixed(2)} s, p95 ${(s.p95 / 1000).toFixed(2)} s</text>`,
    );
  });
  const ky = m.top + 8 + strategies.length * 58 + 6;
  const kx = m.left + pw + 18;
  out.push(
    `<circle cx="${kx}" cy="${ky}" r="5" fill="#666"/><text x="${kx + 12}" y="${ky + 4}" fill="#444">p50 at mean requests</text>`,
    `<rect x="${kx - 5}" y="${ky + 13}" width="10" height="10" fill="#666"/><text x="${kx + 12}" y="${ky + 22}" fill="#444">p95</text>`,
    `<circle cx="${kx}" cy="${ky + 36}" r="2.5" fill="#666" fill-opacity="0.4"/><text x="${kx + 12}" y="${ky + 40}" fill="#444">one job</text>`,
    "</svg>",
  );
  return out.join("\n") + "\n";
}
