import { startTestSuite } from '../../test/support/suite.js';
import { captureOutput } from '../lib/capture.js';
import { runInvalidDrill, type InvalidDrillResult } from './invalid.js';
import { runLifecycleDrill, type LifecycleDrillResult } from './lifecycle.js';
import { runMoneyDrill, type MoneyDrillResult } from './money.js';
import { scanLogs, sensitiveTraffic, type LogScanResult } from './secrets.js';
import { DRILL_RECONCILE_ENV, settleAndDrain } from './support.js';

export interface DrillSizes {
  moneyOps: number;
  webhookOps: number;
  invalidRequests: number;
  faultRate: number;
  /** Users walking the lifecycle drill's cyclic paths (8 entities each). */
  lifecycleUsers: number;
}

export const FULL: DrillSizes = { moneyOps: 1000, webhookOps: 300, invalidRequests: 10_000, faultRate: 0.3, lifecycleUsers: 40 };
export const REDUCED: DrillSizes = { moneyOps: 100, webhookOps: 40, invalidRequests: 1000, faultRate: 0.3, lifecycleUsers: 3 };

export interface DrillReport {
  sizes: DrillSizes;
  money: MoneyDrillResult;
  webhooks: MoneyDrillResult;
  invalid: InvalidDrillResult;
  lifecycle: LifecycleDrillResult;
  logs: LogScanResult;
  failures: string[];
  millis: number;
}

/**
 * Every drill in one suite, with the handlers' stdout/stderr captured from the first request to the last
 * and scanned for every sensitive value used. `failures` lists each broken invariant (empty = pass).
 */
export async function runDrills(sizes: DrillSizes, seed = 7): Promise<DrillReport> {
  const t0 = performance.now();
  Object.assign(process.env, DRILL_RECONCILE_ENV);
  const cap = captureOutput({ keep: true });
  let suite;
  try {
    suite = await startTestSuite({ seed });
    const money = await runMoneyDrill(suite, { operations: sizes.moneyOps, faultRate: sizes.faultRate, tag: 'dm', seed });
    const webhooks = await runMoneyDrill(suite, {
      operations: sizes.webhookOps,
      faultRate: 0,
      tag: 'dw',
      amountOffset: 1_000_000,
      seed: seed + 1,
      webhookFaults: { dropRate: 0.1, duplicateRate: 0.2, reorderRate: 0.2 },
    });
    // Quiet first: no reconciliation sweep, settlement or webhook still touching P100 while we count its calls.
    await suite.local.reconciliation.idle();
    await settleAndDrain(suite);
    const invalid = await runInvalidDrill(suite, { count: sizes.invalidRequests, seed });
    const values = await sensitiveTraffic(suite, 'ds');
    // Last on the same suite (this process's P100 and DynamoDB clients point at it): its own webhook faults.
    const lifecycle = await runLifecycleDrill({ users: sizes.lifecycleUsers, seed }, suite);
    await suite.close();
    suite = undefined;
    cap.stop();
    const logs = scanLogs(cap.chunks.join(''), values);
    const failures: string[] = [];
    for (const [name, r] of [['money', money], ['webhooks', webhooks]] as const) {
      if (r.duplicates.length) failures.push(`${name}: ${r.duplicates.length} key(s) with two effects: ${r.duplicates.slice(0, 5).join('; ')}`);
      if (r.lost.length) failures.push(`${name}: ${r.lost.length} key(s) lost: ${r.lost.slice(0, 5).join('; ')}`);
      if (r.ledgerMismatches.length) failures.push(`${name}: ${r.ledgerMismatches.length} ledger mismatch(es) after reconciliation: ${r.ledgerMismatches.slice(0, 5).join('; ')}`);
    }
    if (invalid.not4xx.length) failures.push(`invalid: ${invalid.not4xx.length} answer(s) not 4xx: ${invalid.not4xx.slice(0, 5).join('; ')}`);
    if (invalid.notProblemJson.length) failures.push(`invalid: ${invalid.notProblemJson.length} answer(s) not problem+json: ${invalid.notProblemJson.slice(0, 5).join('; ')}`);
    if (invalid.upstreamCallsDuring !== 0) failures.push(`invalid: ${invalid.upstreamCallsDuring} upstream call(s) during invalid requests: ${JSON.stringify(invalid.upstreamRoutes)}`);
    if (invalid.operationsCovered !== invalid.operationsInCatalog) failures.push(`invalid: ${invalid.operationsCovered} of ${invalid.operationsInCatalog} operations covered`);
    if (lifecycle.stateMismatches.length) failures.push(`lifecycle: ${lifecycle.stateMismatches.length} state(s) not equal to P100's after reconciliation: ${lifecycle.stateMismatches.slice(0, 5).join('; ')}`);
    if (lifecycle.invalidPaths.length) failures.push(`lifecycle: ${lifecycle.invalidPaths.length} published path(s) not valid or not ending at P100's state: ${lifecycle.invalidPaths.slice(0, 5).join('; ')}`);
    if (lifecycle.notExactlyOnce.length) failures.push(`lifecycle: ${lifecycle.notExactlyOnce.length} entit(ies) with a delivered transition not published exactly once: ${lifecycle.notExactlyOnce.slice(0, 5).join('; ')}`);
    if (logs.hits.length) failures.push(`logs: ${logs.hits.length} sensitive value(s) found: ${logs.hits.map((h) => `${h.kind} after "${h.excerpt.slice(-60)}"`).join('; ')}`);
    return { sizes, money, webhooks, invalid, lifecycle, logs, failures, millis: Math.round(performance.now() - t0) };
  } finally {
    cap.stop();
    await suite?.close();
  }
}

/** The drill's figures as printable lines. */
export function describeDrills(r: DrillReport): string[] {
  const m = (name: string, x: MoneyDrillResult) =>
    `${name}: ${x.operations} keys, ${x.faultsInjected} P100 money calls, final answers ${JSON.stringify(x.byFinalStatus)}, ${x.unknownOutcomes} UNKNOWN; ` +
    `duplicates ${x.duplicates.length}, lost ${x.lost.length}, ledger mismatches after reconciliation ${x.ledgerMismatches.length} ` +
    `(run ${x.reconciliation.runId}: ${x.reconciliation.discrepancyCount} discrepancies repaired/reported)${x.webhookDeliveries ? `; webhook deliveries ${JSON.stringify(x.webhookDeliveries)}` : ''}; ${(x.millis / 1000).toFixed(1)} s`;
  return [
    m('money (30% upstream faults, same-key retries)', r.money),
    m('webhooks (10% dropped, duplicated, reordered)', r.webhooks),
    `invalid requests: ${r.invalid.requests} over ${r.invalid.operationsCovered}/${r.invalid.operationsInCatalog} operations, answers ${JSON.stringify(r.invalid.byStatus)}; ` +
      `not 4xx ${r.invalid.not4xx.length}, not problem+json ${r.invalid.notProblemJson.length}, upstream calls ${r.invalid.upstreamCallsDuring}; ${(r.invalid.millis / 1000).toFixed(1)} s`,
    `lifecycle: ${r.lifecycle.users} users, ${r.lifecycle.entities} entities, ${r.lifecycle.steps} steps, ${r.lifecycle.p100Transitions} P100 events; deliveries ${JSON.stringify(r.lifecycle.deliveries)}; ` +
      `published ${r.lifecycle.published.webhook} from webhooks + ${r.lifecycle.published.reconciliation} repairs (${r.lifecycle.reconciliation.runs} runs, ${r.lifecycle.reconciliation.discrepancies} discrepancies); ` +
      `state mismatches ${r.lifecycle.stateMismatches.length}, invalid paths ${r.lifecycle.invalidPaths.length}, not exactly once ${r.lifecycle.notExactlyOnce.length} of ${r.lifecycle.checkedExactlyOnce} checked ` +
      `(${r.lifecycle.entitiesWithReorder} with a reordered event: state and path only; ${r.lifecycle.unreadableLost} older KYC verifications lost with no read); ${(r.lifecycle.millis / 1000).toFixed(1)} s`,
    `log scan: ${r.logs.valuesSearched} sensitive values searched in ${(r.logs.bytesScanned / 1024).toFixed(0)} KB (${r.logs.lines} lines) of handler output: ${r.logs.hits.length} hit(s)`,
    r.failures.length ? `FAILED:\n  - ${r.failures.join('\n  - ')}` : `PASSED (${(r.millis / 1000).toFixed(1)} s)`,
  ];
}
