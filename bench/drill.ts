/**
 * `npm run drill`: fault drills at full size (1,000 money operations with 30% upstream faults, webhooks
 * dropped/duplicated/reordered, 10,000 invalid requests, 40 users walking cyclic lifecycles under 10% dropped,
 * 20% duplicated and 20% reordered webhooks, a log scan for every secret used).
 * Exits non-zero when a drill loses or doubles anything, or any other invariant breaks.
 * A reduced version runs in `npm test` (test/drill/drill.test.ts).
 *
 * Usage: npm run drill            full size
 *        npm run drill -- --reduced   the npm test sizes
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { say } from './lib/capture.js';
import { describeDrills, FULL, REDUCED, runDrills } from './drills/index.js';

const reduced = process.argv.includes('--reduced');
const sizes = reduced ? REDUCED : FULL;
say(
  `drill: ${sizes.moneyOps} money ops, ${sizes.webhookOps} ops under webhook faults, ${sizes.invalidRequests} invalid requests, ${sizes.lifecycleUsers} users on cyclic lifecycles...`,
);
const r = await runDrills(sizes);
for (const line of describeDrills(r)) say(line);
const out = path.join(path.dirname(fileURLToPath(import.meta.url)), 'drill-results.json');
writeFileSync(out, `${JSON.stringify({ generatedAt: new Date().toISOString(), ...r }, null, 2)}\n`);
say(`wrote ${path.relative(process.cwd(), out)}`);
process.exit(r.failures.length ? 1 : 0);
