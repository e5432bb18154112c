// Debian's Chromium, driven by playwright-core, with the flags this machine needs: no sandbox (we
// run as root), no GPU, and none of the background traffic a closed network would refuse.

import { chromium } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";

const ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** Launches headless Chromium; `extraArgs` are added to the standard flags. */
export function launchChromium(extraArgs = []) {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...ARGS, ...extraArgs] });
}
