import { existsSync } from 'node:fs';

/**
 * Where the browser tests find Chromium: Debian's package (`apt-get install -y chromium`, as .ci/run does),
 * or CHROMIUM_PATH. Playwright never downloads a browser here (playwright-core has none of its own).
 */
export const CHROMIUM_CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((p): p is string => Boolean(p));

export function chromiumPath(): string | undefined {
  return CHROMIUM_CANDIDATES.find((p) => existsSync(p));
}

/** Flags for a quiet headless run in a container: no sandbox (CI runs as root), no GPU, no background traffic. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
