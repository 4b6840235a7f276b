/**
 * Run by `npm test` before vitest: says plainly whether the browser tests (test/browser/) will run, since
 * vitest's quiet reporter would only count them as skipped.
 */
import { CHROMIUM_CANDIDATES, chromiumPath } from './chromium.js';

const found = chromiumPath();
if (found) console.log(`browser tests: Chromium at ${found}`);
else
  console.log(
    `browser tests SKIPPED: no Chromium at ${CHROMIUM_CANDIDATES.join(' or ')} (install it with \`apt-get install -y chromium\` or set CHROMIUM_PATH)`,
  );
