import { getLedgerOperation } from '../../shared/store/index.js';
import { getInboxEvent } from '../../shared/store/inbox.js';
import { safeIdOrDigest } from '../../shared/safe-id.js';
import { startTestSuite, type TestSuite } from '../../test/support/suite.js';
import { DRILL_RECONCILE_ENV, sandboxOps, settleAndDrain } from './support.js';

/**
 * The hostile-data drill (issue 23): hostile values planted in every place P100 data enters, next to
 * well-formed data in the same pages, then reconciliation runs. Invariants:
 * - every run completes (COMPLETED, within a hang guard; its time is reported);
 * - every hostile webhook is parked (DEAD, flagged) and its id reaches no ledger key;
 * - every hostile history entry and details answer is quarantined and reported (a `quarantined`
 *   discrepancy with the reason), and nothing else is;
 * - every well-formed operation in the same pages ends equal to P100 (status and amount): nothing is lost;
 * - ids that differ only in case stay two ids; nothing pollutes `Object.prototype`.
 *
 * Where: webhook bodies are POSTed to our receivers with P100's token (as P100 sends them); history entries
 * are appended by the sandbox's drift control (`historyEntries`) to the partner's first history page; details
 * answers are changed per transfer id (`entityAnswers`).
 */

export interface HostileDrillSizes {
  /** Well-formed transfers whose webhooks are dropped (details and history must repair them). */
  wellFormed: number;
  /** Copies of each hostile history entry (each with its own id). */
  copies: number;
}

export const HOSTILE_FULL: HostileDrillSizes = { wellFormed: 200, copies: 10 };
export const HOSTILE_REDUCED: HostileDrillSizes = { wellFormed: 8, copies: 1 };

export interface HostileDrillResult {
  sizes: HostileDrillSizes;
  webhooks: { sent: number; parked: number; notParked: string[]; reachedLedger: string[] };
  caseVariantsKept: boolean;
  prototypePolluted: boolean;
  /** `planted` entries, `distinct` quarantine keys among them (a non-string id repeats across copies). */
  history: { planted: number; distinct: number; quarantined: number; notQuarantined: string[] };
  details: { planted: number; quarantined: number; notQuarantined: string[] };
  /** Quarantined items that were not planted (a well-formed item given up on). */
  unexpectedQuarantine: string[];
  wellFormed: { operations: number; mismatches: string[] };
  runs: { runId: string; status: string; quarantined: number; discrepancies: number; millis: number }[];
  failures: string[];
  millis: number;
}

/** Hostile values for an id: control characters, separators, length, Unicode, prototype names, wrong JSON types. */
export function hostileIds(tag: string): unknown[] {
  return [
    `${tag}-1\u0000\r\nX-Injected: 1`,
    `${tag}\ttab`,
    `${tag}\u007fdel`,
    `${tag}\u2028ls`,
    `${tag}/slash`,
    `../${tag}`,
    `${tag}?q=1`,
    `${tag}#frag`,
    `${tag}%2Fenc`,
    `${tag}\\back`,
    `${tag} space`,
    `.`,
    `..`,
    `${tag}-${'x'.repeat(130)}`,
    `${tag}-${'y'.repeat(3000)}`,
    `${tag}-caf\u00e9`,
    `${tag}-cafe\u0301`,
    '__proto__',
    'constructor',
    'toString',
    12345,
    1e21,
    true,
    null,
    { $gt: '' },
    [`${tag}-array`],
  ];
}

/** Hostile status words. */
export const HOSTILE_STATUSES: readonly unknown[] = ['COMPLETED\r\nX-Injected: 1', 'COMPLETED/../x', 'Z'.repeat(65), 'CÖMPLETED', '__proto__', 7, { s: 1 }];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits for every reconcile invocation and user batch, failing after `guardMs` (a hang guard, not a speed check). */
async function reconciled(s: TestSuite, guardMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`reconciliation did not settle within the ${guardMs} ms hang guard`)), guardMs);
  });
  try {
    await Promise.race([s.local.reconciliation.idle(), guard]);
  } finally {
    clearTimeout(timer);
  }
}

interface Discrepancy {
  class: string;
  type: string;
  id: string;
  note?: string;
}

async function runOnce(s: TestSuite, guardMs: number): Promise<{ runId: string; status: string; discrepancies: Discrepancy[]; millis: number }> {
  const t0 = performance.now();
  const started = await s.call('POST', '/operations/reconciliation/runs');
  if (started.status !== 202) throw new Error(`startReconciliation: ${started.status} ${started.text}`);
  const runId = started.body.runId as string;
  await reconciled(s, guardMs);
  const millis = Math.round(performance.now() - t0);
  const discrepancies: Discrepancy[] = [];
  let cursor: string | undefined;
  let status = '';
  do {
    const res = await s.call('GET', `/operations/reconciliation/reports/${runId}?limit=5000${cursor ? `&cursor=${cursor}` : ''}`);
    if (res.status !== 200) throw new Error(`report: ${res.status} ${res.text}`);
    status = res.body.status;
    discrepancies.push(...(res.body.discrepancies as Discrepancy[]));
    cursor = res.body.nextCursor;
  } while (cursor);
  return { runId, status, discrepancies, millis };
}

async function deliverRaw(s: TestSuite, path: string, raw: string): Promise<{ status: number; eventId?: string }> {
  const res = await fetch(`${s.api}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: s.webhookToken }, body: raw });
  const text = await res.text();
  return { status: res.status, ...(res.ok ? { eventId: (JSON.parse(text) as { eventId: string }).eventId } : {}) };
}

/** A well-formed partner history entry (ASSUMPTIONS A8), with `over` set as given (JSON text keeps `__proto__` a key). */
function historyEntry(n: number, at: string, over: Record<string, unknown>): Record<string, unknown> {
  return { id: `dh-h-${n}`, type: 'TRANSFER', status: 'COMPLETED', amount: '1.00', currency: 'eur', referenceId: `dh-ref-${n}`, createdAt: at, ...over };
}

export async function runHostileDrill(sizes: HostileDrillSizes, seed = 23): Promise<HostileDrillResult> {
  const t0 = performance.now();
  Object.assign(process.env, DRILL_RECONCILE_ENV);
  const guardMs = 120_000 + sizes.wellFormed * 1_000;
  const s = await startTestSuite({ seed });
  try {
    const user = 'dh-user-1';
    const created = await s.call('POST', '/users', {
      body: { externalUserId: user, citizenship: 'PL', firstName: 'Hostile', lastName: 'Drill', email: 'dh@example.com' },
    });
    if (created.status !== 201) throw new Error(`createUser: ${created.status} ${created.text}`);
    await s.control('POST', `/_sandbox/users/${user}/activate`, {});
    await s.control('POST', '/_sandbox/partner/fund', { currency: 'eur', amount: '10000000' });
    await settleAndDrain(s);

    // 1. Well-formed transfers whose webhooks are lost: the ledger holds them PENDING, P100 settles them.
    const details = HOSTILE_STATUSES.length;
    await s.control('POST', '/_sandbox/webhooks/faults', { dropRate: 1 });
    for (let i = 0; i < sizes.wellFormed + details; i++) {
      const res = await s.call('POST', `/users/${user}/transfers`, {
        headers: { 'idempotency-key': `dh-transfer-${seed}-${i}` },
        body: { direction: 'FUNDING', amount: `${i + 1}.25`, currency: 'eur' },
      });
      if (res.status >= 300) throw new Error(`createTransfer: ${res.status} ${res.text}`);
    }
    await settleAndDrain(s);
    const transferIds = (await sandboxOps(s)).filter((o) => o.type === 'TRANSFER').map((o) => o.id);
    await s.control('POST', '/_sandbox/webhooks/faults', { dropRate: 0 });

    // 2. Hostile details answers: one transfer per hostile status, the rest answered as P100 would.
    const plantedDetails = transferIds.slice(0, details);
    await s.control('POST', '/_sandbox/drift', {
      entityAnswers: plantedDetails.map((id, i) => ({
        route: 'GET /v1/transfer/details/{transferId}',
        param: 'transferId',
        value: id,
        set: { status: HOSTILE_STATUSES[i] },
      })),
    });

    // 3. Hostile history entries on the partner's first page, beside its well-formed entries.
    const at = new Date(Date.now() - 1000).toISOString();
    const planted: Record<string, unknown>[] = [];
    let n = 0;
    for (let copy = 0; copy < sizes.copies; copy++) {
      for (const v of hostileIds(`dh-c${copy}`)) planted.push(historyEntry(n++, at, { id: v }));
      for (const v of hostileIds(`dh-r${copy}`).filter((x) => x !== null)) planted.push(historyEntry(n++, at, { referenceId: v }));
      for (const v of hostileIds(`dh-u${copy}`).filter((x) => x !== null)) planted.push(historyEntry(n++, at, { externalUserId: v }));
      for (const v of HOSTILE_STATUSES) planted.push(historyEntry(n++, at, { status: v }), historyEntry(n++, at, { type: v }));
      // Strings where numbers belong, numbers where strings belong.
      for (const over of [
        { amount: 'ten' },
        { amount: '1e5' },
        { amount: { v: 1 } },
        { currency: 7 },
        { currency: 'e/ur' },
        { createdAt: 12345 },
        { createdAt: 'yesterday' },
      ])
        planted.push(historyEntry(n++, at, over));
    }
    await s.control('POST', '/_sandbox/drift', { historyEntries: [{ route: 'GET /v1/partner/transactions', entries: planted }] });

    // 4. Hostile webhook bodies, sent as P100 sends them (its token), plus case variants and a prototype key.
    const webhookIds = hostileIds('dh-w');
    const sent: { label: string; eventId?: string; status: number; id: unknown }[] = [];
    for (const id of webhookIds) {
      const r = await deliverRaw(s, '/webhook/exchange/status', JSON.stringify({ exchangeId: id, status: 'PENDING' }));
      sent.push({ label: `exchangeId ${JSON.stringify(id).slice(0, 40)}`, id, ...r });
    }
    for (const st of HOSTILE_STATUSES) {
      const r = await deliverRaw(s, '/webhook/exchange/status', JSON.stringify({ exchangeId: `dh-w-status-${sent.length}`, status: st }));
      sent.push({ label: `status ${JSON.stringify(st).slice(0, 40)}`, id: `dh-w-status-${sent.length}`, ...r });
    }
    for (const id of hostileIds('dh-wu').filter((x) => x !== null)) {
      const r = await deliverRaw(s, '/webhook/user/status', JSON.stringify({ externalUserId: id, status: 'ACTIVE' }));
      sent.push({ label: `externalUserId ${JSON.stringify(id).slice(0, 40)}`, id, ...r });
    }
    const caseA = await deliverRaw(s, '/webhook/exchange/status', JSON.stringify({ exchangeId: 'DH-Case-1', status: 'PENDING' }));
    const caseB = await deliverRaw(s, '/webhook/exchange/status', JSON.stringify({ exchangeId: 'dh-case-1', status: 'COMPLETED' }));
    const proto = await deliverRaw(
      s,
      '/webhook/exchange/status',
      '{"exchangeId":"dh-proto-1","status":"PENDING","__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}',
    );
    await s.local.queues.get('webhook')?.idle();
    for (let i = 0; i < 50 && (s.local.queues.get('webhook')?.depth ?? 0) > 0; i++) await sleep(20);

    const notParked: string[] = [];
    const reachedLedger: string[] = [];
    let parked = 0;
    for (const w of sent) {
      const item = w.eventId ? await getInboxEvent(w.eventId) : undefined;
      if (w.status >= 400)
        parked++; // refused at the door (never stored): as good as parked
      else if (item?.state === 'DEAD' && (item.flag === 'unsafe-id' || item.flag === 'oversized-id')) parked++;
      else notParked.push(`${w.label}: ${w.status} ${item?.state ?? 'no inbox item'} ${item?.flag ?? ''}`);
      // An id too long for a DynamoDB key cannot be in the ledger (and cannot be asked about).
      if (typeof w.id === 'string' && Buffer.byteLength(w.id) < 1500 && (await getLedgerOperation('EXCHANGE', w.id))) reachedLedger.push(w.label);
    }
    const caseVariantsKept =
      caseA.status === 200 &&
      caseB.status === 200 &&
      (await getLedgerOperation('EXCHANGE', 'DH-Case-1'))?.status === 'PENDING' &&
      (await getLedgerOperation('EXCHANGE', 'dh-case-1'))?.status === 'COMPLETED';
    const prototypePolluted = proto.status !== 200 || 'polluted' in Object.prototype || (await getLedgerOperation('EXCHANGE', 'dh-proto-1')) === undefined;

    // 5. Two runs: the first meets everything, the second the history again (and skips the quarantined operations).
    const runs = [];
    const reports = [];
    for (let i = 0; i < 2; i++) {
      const r = await runOnce(s, guardMs);
      reports.push(r);
      runs.push({
        runId: r.runId,
        status: r.status,
        quarantined: r.discrepancies.filter((d) => d.class === 'quarantined').length,
        discrepancies: r.discrepancies.length,
        millis: r.millis,
      });
    }
    const first = reports[0]?.discrepancies ?? [];
    const quarantined = new Set(first.filter((d) => d.class === 'quarantined').map((d) => `${d.type}#${d.id}`));
    const expectedHistory = new Set(planted.map((e) => `HISTORY#${safeIdOrDigest(e.id)}`));
    const expectedDetails = new Set(plantedDetails.map((id) => `TRANSFER#${id}`));
    const notQuarantinedHistory = [...expectedHistory].filter((k) => !quarantined.has(k));
    const notQuarantinedDetails = [...expectedDetails].filter((k) => !quarantined.has(k));
    const unexpectedQuarantine = [...quarantined].filter((k) => !expectedHistory.has(k) && !expectedDetails.has(k));

    // Nothing lost: every operation P100 has ends in the ledger with P100's status and amount.
    const truth = (await sandboxOps(s)).filter((o) => o.type === 'TRANSFER');
    const mismatches: string[] = [];
    for (const op of truth) {
      const ours = await getLedgerOperation('TRANSFER', op.id);
      if (!ours || ours.status !== op.status || ours.amount !== op.amount)
        mismatches.push(`${op.id}: P100 ${op.status} ${op.amount}, ledger ${ours?.status} ${ours?.amount}`);
    }

    const result: HostileDrillResult = {
      sizes,
      webhooks: { sent: sent.length, parked, notParked, reachedLedger },
      caseVariantsKept,
      prototypePolluted,
      history: {
        planted: planted.length,
        distinct: expectedHistory.size,
        quarantined: expectedHistory.size - notQuarantinedHistory.length,
        notQuarantined: notQuarantinedHistory,
      },
      details: { planted: plantedDetails.length, quarantined: expectedDetails.size - notQuarantinedDetails.length, notQuarantined: notQuarantinedDetails },
      unexpectedQuarantine,
      wellFormed: { operations: truth.length, mismatches },
      runs,
      failures: [],
      millis: 0,
    };
    result.failures = hostileFailures(result);
    result.millis = Math.round(performance.now() - t0);
    return result;
  } finally {
    await s.close();
  }
}

/** Each broken invariant as a line (empty: the drill passed). */
export function hostileFailures(r: HostileDrillResult): string[] {
  const f: string[] = [];
  for (const run of r.runs) if (run.status !== 'COMPLETED') f.push(`hostile: run ${run.runId} ended ${run.status}`);
  if (r.webhooks.notParked.length)
    f.push(`hostile: ${r.webhooks.notParked.length} hostile webhook(s) not parked: ${r.webhooks.notParked.slice(0, 5).join('; ')}`);
  if (r.webhooks.reachedLedger.length) f.push(`hostile: hostile webhook id(s) in the ledger: ${r.webhooks.reachedLedger.slice(0, 5).join('; ')}`);
  if (!r.caseVariantsKept) f.push('hostile: ids differing only in case were not kept as two ids');
  if (r.prototypePolluted) f.push('hostile: a prototype key in a webhook body polluted Object.prototype or lost the event');
  if (r.history.notQuarantined.length)
    f.push(`hostile: ${r.history.notQuarantined.length} hostile history entr(ies) not quarantined: ${r.history.notQuarantined.slice(0, 5).join('; ')}`);
  if (r.details.notQuarantined.length)
    f.push(`hostile: ${r.details.notQuarantined.length} hostile details answer(s) not quarantined: ${r.details.notQuarantined.slice(0, 5).join('; ')}`);
  if (r.unexpectedQuarantine.length) f.push(`hostile: well-formed item(s) quarantined: ${r.unexpectedQuarantine.slice(0, 5).join('; ')}`);
  if (r.wellFormed.mismatches.length)
    f.push(`hostile: ${r.wellFormed.mismatches.length} well-formed operation(s) not equal to P100: ${r.wellFormed.mismatches.slice(0, 5).join('; ')}`);
  return f;
}

export function describeHostileDrill(r: HostileDrillResult): string {
  return (
    `hostile data: ${r.webhooks.sent} hostile webhooks (${r.webhooks.parked} parked), ${r.history.planted} hostile history entries (${r.history.quarantined} of ${r.history.distinct} distinct quarantined), ` +
    `${r.details.planted} hostile details answers (${r.details.quarantined} quarantined), ${r.wellFormed.operations} well-formed transfers (${r.wellFormed.mismatches.length} not equal to P100); ` +
    `runs ${r.runs.map((x) => `${x.status} in ${(x.millis / 1000).toFixed(1)} s with ${x.quarantined} quarantined`).join(', ')}; ${(r.millis / 1000).toFixed(1)} s`
  );
}
