import { startTestSuite, type TestSuite } from '../../test/support/suite.js';
import { captureOutput } from '../lib/capture.js';
import { runInvalidDrill, type InvalidDrillResult } from './invalid.js';
import { runLifecycleDrill, type LifecycleDrillResult } from './lifecycle.js';
import { runMoneyDrill, type MoneyDrillResult } from './money.js';
import { scanLogs, sensitiveTraffic, type LogScanResult } from './secrets.js';
import { collectStores, scanStores, STORES, type StoreScanResult, type StoreText } from './stores.js';
import { DRILL_RECONCILE_ENV, reconcile, settleAndDrain } from './support.js';

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
  /** Every store that holds data, searched for every planted value (issue 12). */
  stores: StoreScanResult;
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
  let suite: TestSuite | undefined;
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
    const { values, problems } = await sensitiveTraffic(suite, 'ds');
    // A reconciliation over the planted traffic, and its report as the operator reads it.
    const run = await reconcile(suite);
    const report = await suite.call('GET', `/operations/reconciliation/reports/${run.runId}?limit=100`);
    const reportText: StoreText = { store: 'report', location: `reconciliation report ${run.runId}`, text: report.text };
    // Last on the same suite (this process's P100 and DynamoDB clients point at it): its own webhook faults.
    const lifecycle = await runLifecycleDrill({ users: sizes.lifecycleUsers, seed }, suite);
    // The stores are read after every drill wrote to them, the lifecycle drill's events included.
    const pieces = await collectStores(suite, [...problems, reportText]);
    await suite.close();
    suite = undefined;
    cap.stop();
    const logText = cap.chunks.join('');
    const logs = scanLogs(logText, values);
    const stores = scanStores([...pieces, { store: 'log', location: 'handler output', text: logText }], values);
    const failures: string[] = [];
    for (const [name, r] of [
      ['money', money],
      ['webhooks', webhooks],
    ] as const) {
      if (r.duplicates.length) failures.push(`${name}: ${r.duplicates.length} key(s) with two effects: ${r.duplicates.slice(0, 5).join('; ')}`);
      if (r.lost.length) failures.push(`${name}: ${r.lost.length} key(s) lost: ${r.lost.slice(0, 5).join('; ')}`);
      if (r.ledgerMismatches.length)
        failures.push(`${name}: ${r.ledgerMismatches.length} ledger mismatch(es) after reconciliation: ${r.ledgerMismatches.slice(0, 5).join('; ')}`);
    }
    if (invalid.not4xx.length) failures.push(`invalid: ${invalid.not4xx.length} answer(s) not 4xx: ${invalid.not4xx.slice(0, 5).join('; ')}`);
    if (invalid.notProblemJson.length)
      failures.push(`invalid: ${invalid.notProblemJson.length} answer(s) not problem+json: ${invalid.notProblemJson.slice(0, 5).join('; ')}`);
    if (invalid.upstreamCallsDuring !== 0)
      failures.push(`invalid: ${invalid.upstreamCallsDuring} upstream call(s) during invalid requests: ${JSON.stringify(invalid.upstreamRoutes)}`);
    if (invalid.operationsCovered !== invalid.operationsInCatalog)
      failures.push(`invalid: ${invalid.operationsCovered} of ${invalid.operationsInCatalog} operations covered`);
    if (lifecycle.stateMismatches.length)
      failures.push(
        `lifecycle: ${lifecycle.stateMismatches.length} state(s) not equal to P100's after reconciliation: ${lifecycle.stateMismatches.slice(0, 5).join('; ')}`,
      );
    if (lifecycle.invalidPaths.length)
      failures.push(
        `lifecycle: ${lifecycle.invalidPaths.length} published path(s) not valid or not ending at P100's state: ${lifecycle.invalidPaths.slice(0, 5).join('; ')}`,
      );
    if (lifecycle.notExactlyOnce.length)
      failures.push(
        `lifecycle: ${lifecycle.notExactlyOnce.length} entit(ies) with a delivered transition not published exactly once: ${lifecycle.notExactlyOnce.slice(0, 5).join('; ')}`,
      );
    if (logs.hits.length)
      failures.push(`logs: ${logs.hits.length} sensitive value(s) found: ${logs.hits.map((h) => `${h.kind} after "${h.excerpt.slice(-60)}"`).join('; ')}`);
    const secretHits = stores.hits.filter((h) => h.class === 'secret');
    const personalHits = stores.hits.filter((h) => h.class === 'personal');
    if (secretHits.length)
      failures.push(
        `stores: ${secretHits.length} clear secret(s): ${secretHits
          .slice(0, 8)
          .map((h) => `${h.kind} in ${h.store} ${h.location}`)
          .join('; ')}`,
      );
    if (personalHits.length)
      failures.push(
        `stores: ${personalHits.length} clear personal value(s) where the classification does not allow them: ${personalHits
          .slice(0, 8)
          .map((h) => `${h.kind} in ${h.store} ${h.location}`)
          .join('; ')}`,
      );
    for (const st of ['table', 'queue', 'bus', 'report', 'problem'] as const)
      if (stores.perStore[st].pieces === 0) failures.push(`stores: nothing scanned in ${st}`);
    // Controls, so a clean scan means something: the scanner finds every value where it is planted in clear,
    // and the planted webhooks did reach the inbox table and the bus (masked, not absent).
    const control = scanStores(
      values.map((v) => ({ store: 'problem' as const, location: `control ${v.kind}`, text: JSON.stringify({ v: v.value }) })),
      values,
    );
    if (control.hits.length < values.length) failures.push(`stores: the scanner missed ${values.length - control.hits.length} planted value(s) in the control`);
    for (const id of ['ds-tx-1', 'ds-sepa-x', 'ds-dep-x']) {
      if (!pieces.some((p) => p.store === 'table' && p.text.includes(id)) || !pieces.some((p) => p.store === 'bus' && p.text.includes(id)))
        failures.push(`stores: planted webhook ${id} is not in the inbox table and on the bus`);
    }
    return { sizes, money, webhooks, invalid, lifecycle, logs, stores, failures, millis: Math.round(performance.now() - t0) };
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
    `store scan: ${r.stores.valuesSearched} planted values (${r.stores.hits.length} clear where not allowed):`,
    ...STORES.map((st) => {
      const f = r.stores.perStore[st];
      return `  ${st.padEnd(11)} ${String(f.pieces).padStart(6)} pieces ${(f.bytes / 1024).toFixed(0).padStart(7)} KB: clear secrets ${f.secretHits}, clear personal ${f.personalHits}, personal where allowed ${f.allowedPersonal}`;
    }),
    ...r.stores.allowed.map((a) => `  allowed: ${a.kind} in ${a.store} ${a.location} (${a.why})`),
    ...r.stores.delivered.map((d) => `  by design: ${d.kind} in ${d.store} ${d.location} (${d.why})`),
    r.failures.length ? `FAILED:\n  - ${r.failures.join('\n  - ')}` : `PASSED (${(r.millis / 1000).toFixed(1)} s)`,
  ];
}
