/**
 * `npm run drill`: fault drills at full size (1,000 money operations with 30% upstream faults, webhooks
 * dropped/duplicated/reordered, 10,000 invalid requests, 40 users walking cyclic lifecycles under 10% dropped,
 * 20% duplicated and 20% reordered webhooks, a log scan for every secret used), then the hostile-data drill
 * (issue 23: hostile ids and statuses in webhooks, history and details beside 200 well-formed transfers).
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
import { describeHostileDrill, HOSTILE_FULL, HOSTILE_REDUCED, runHostileDrill } from './drills/hostile.js';

const reduced = process.argv.includes('--reduced');
const sizes = reduced ? REDUCED : FULL;
say(
  `drill: ${sizes.moneyOps} money ops, ${sizes.webhookOps} ops under webhook faults, ${sizes.invalidRequests} invalid requests, ${sizes.lifecycleUsers} users on cyclic lifecycles...`,
);
const r = await runDrills(sizes);
for (const line of describeDrills(r)) say(line);
// Issue 23: hostile ids and statuses from P100, on a suite of its own (its drift rules touch no other drill).
const hostile = await runHostileDrill(reduced ? HOSTILE_REDUCED : HOSTILE_FULL);
say(describeHostileDrill(hostile));
say(hostile.failures.length ? `FAILED:\n  - ${hostile.failures.join('\n  - ')}` : 'hostile data: PASSED');
const out = path.join(path.dirname(fileURLToPath(import.meta.url)), 'drill-results.json');
writeFileSync(out, `${JSON.stringify({ generatedAt: new Date().toISOString(), ...r, hostile }, null, 2)}\n`);
say(`wrote ${path.relative(process.cwd(), out)}`);
process.exit(r.failures.length || hostile.failures.length ? 1 : 0);
