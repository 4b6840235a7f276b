import { getLedgerOperation, type OperationType } from '../../shared/store/index.js';
import type { ApiResponse, TestSuite } from '../../test/support/suite.js';
import { forEachLimit, prng, reconcile, sandboxOps, settleAndDrain, type SandboxOp } from './support.js';

/**
 * The money drill: money operations under injected upstream faults while the caller retries with the
 * same Idempotency-Key, as a real app would. Every key carries a unique amount (and its user), so each
 * effect at the sandbox maps back to exactly one key.
 *
 * The app's retry rule: resend with the SAME key on 409 (in progress), 503 (P100 unavailable, nothing done)
 * and a transport failure; an outcome-unknown answer (502/504 `outcome: UNKNOWN`) is never resent under
 * a new key (resending under the same key only replays it). Definite answers (2xx, 4xx) end the key.
 */

export type MoneyKind = 'transfer-funding' | 'transfer-collection' | 'partner-exchange' | 'user-exchange' | 'crypto-withdrawal';
const KINDS: readonly MoneyKind[] = ['transfer-funding', 'transfer-collection', 'partner-exchange', 'user-exchange', 'crypto-withdrawal'];

const LEDGER_TYPE: Record<MoneyKind, OperationType> = {
  'transfer-funding': 'TRANSFER',
  'transfer-collection': 'TRANSFER',
  'partner-exchange': 'EXCHANGE',
  'user-exchange': 'EXCHANGE',
  'crypto-withdrawal': 'CRYPTO_WITHDRAWAL',
};

const OPERATION_ID: Record<MoneyKind, string> = {
  'transfer-funding': 'createTransfer',
  'transfer-collection': 'createTransfer',
  'partner-exchange': 'createPartnerExchange',
  'user-exchange': 'createExchange',
  'crypto-withdrawal': 'createCryptoWithdrawal',
};

/** P100 routes the faults hit: the money writes (locks and reads stay clean so set-up is not the test). */
const MONEY_ROUTES = ['POST /v1/transfer', 'POST /v1/exchange', 'POST /v1/partner/exchange', 'POST /v1/crypto-withdrawal'];

export interface MoneyDrillOptions {
  operations: number;
  /** Probability that a money write at P100 meets a fault (spread over the fault kinds). */
  faultRate: number;
  users?: number;
  concurrency?: number;
  seed?: number;
  /** Webhooks dropped / duplicated / reordered during the drill (the webhook drill). */
  webhookFaults?: { dropRate: number; duplicateRate: number; reorderRate: number };
  /** Key prefix, so two drills in one suite never share keys. */
  tag: string;
  /** Added to every amount's integer part, so two drills in one suite never share amounts (effects map to keys by amount). */
  amountOffset?: number;
}

export interface KeyOutcome {
  key: string;
  kind: MoneyKind;
  user: string | null;
  amount: string;
  attempts: number;
  finalStatus: number;
  unknown: boolean;
}

export interface MoneyDrillResult {
  operations: number;
  faultsInjected: number;
  byFinalStatus: Record<string, number>;
  unknownOutcomes: number;
  /** Keys with two or more effects at the sandbox. */
  duplicates: string[];
  /** Keys that ended neither with exactly one effect nor with a definite refusal/failure. */
  lost: string[];
  /** Ledger operations whose status differs from the sandbox's after reconciliation. */
  ledgerMismatches: string[];
  reconciliation: { runId: string; discrepancyCount: number; counts: Record<string, number> };
  webhookDeliveries?: Record<string, number>;
  millis: number;
}

/** `17.370000` (usdc, 6 decimals) and `17.37` are one amount. */
const normalize = (a: string) => (a.includes('.') ? a.replace(/0+$/, '').replace(/\.$/, '') : a);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function amountFor(index: number, offset: number): string {
  // Unique per key: the integer part is the key's index (plus the drill's offset).
  return `${offset + index + 1}.37`;
}

export async function runMoneyDrill(s: TestSuite, o: MoneyDrillOptions): Promise<MoneyDrillResult> {
  const t0 = performance.now();
  const rnd = prng(o.seed ?? 7);
  const userCount = o.users ?? 10;
  const users: string[] = [];
  await s.control('POST', '/_sandbox/partner/fund', { currency: 'eur', amount: '100000000' });
  for (let u = 0; u < userCount; u++) {
    const id = `${o.tag}-u${u}`;
    const r = await s.call('POST', '/users', {
      body: { externalUserId: id, citizenship: 'PL', country: 'PL', firstName: 'Jane', lastName: 'Doe', email: `${id}@example.com` },
    });
    if (r.status !== 201) throw new Error(`createUser ${id}: ${r.status} ${r.text}`);
    await s.control('POST', `/_sandbox/users/${id}/activate`, {});
    await s.control('POST', `/_sandbox/users/${id}/fund`, { currency: 'eur', amount: '10000000' });
    await s.control('POST', `/_sandbox/users/${id}/fund`, { currency: 'usdc', amount: '10000000' });
    users.push(id);
  }
  await settleAndDrain(s);

  const plan = Array.from({ length: o.operations }, (_, i) => {
    const kind = KINDS[Math.floor(rnd() * KINDS.length)] as MoneyKind;
    const user = kind === 'partner-exchange' ? null : (users[Math.floor(rnd() * users.length)] as string);
    return { key: `${o.tag}-k${String(i).padStart(5, '0')}`, kind, user, amount: amountFor(i, o.amountOffset ?? 0) };
  });

  const statsBefore = await s.control<{ routes: Record<string, number> }>('GET', '/_sandbox/stats');
  await s.control('DELETE', '/_sandbox/faults');
  if (o.faultRate > 0) {
    // Six fault kinds drawn one after another per request: 1 - (1 - p)^6 = faultRate.
    const p = 1 - (1 - o.faultRate) ** (1 / 6);
    for (const route of MONEY_ROUTES) {
      await s.control('POST', '/_sandbox/faults', {
        route,
        resetBeforeRate: p,
        rate429: p,
        retryAfterSeconds: 0,
        rate500: p,
        rateP501: p,
        errorRate: p,
        resetAfterRate: p,
        latencyMs: 1,
      });
    }
  }
  if (o.webhookFaults) await s.control('POST', '/_sandbox/webhooks/faults', { ...o.webhookFaults, reorderDelayMs: 50 });

  const outcomes: KeyOutcome[] = [];
  await forEachLimit(plan, o.concurrency ?? 4, async (p) => {
    const send = await requestFor(s, p.kind, p.user, p.amount);
    let res: ApiResponse | undefined;
    let attempts = 0;
    for (attempts = 1; attempts <= 6; attempts++) {
      try {
        res = await send(p.key);
      } catch {
        res = undefined; // transport failure to our API: resend with the same key
      }
      if (!res) continue;
      const unknown = res.body?.outcome === 'UNKNOWN';
      if (res.status === 409 || (res.status >= 500 && !unknown)) {
        await sleep(Math.min(200, 1000 * Number(res.headers.get('retry-after') ?? 0)) + 5);
        continue;
      }
      break;
    }
    outcomes.push({ ...p, attempts, finalStatus: res?.status ?? 0, unknown: res?.body?.outcome === 'UNKNOWN' });
  });

  await s.control('DELETE', '/_sandbox/faults');
  const statsAfter = await s.control<{ routes: Record<string, number> }>('GET', '/_sandbox/stats');
  await settleAndDrain(s);
  if (o.webhookFaults) {
    await new Promise((r) => setTimeout(r, 200)); // reordered deliveries held back
    await settleAndDrain(s);
    await s.control('POST', '/_sandbox/webhooks/faults', { dropRate: 0, duplicateRate: 0, reorderRate: 0 });
  }
  const deliveries = o.webhookFaults ? await deliveryCounts(s) : undefined;
  // UNKNOWN writes are judged only after their match window (RECONCILE_UNKNOWN_MATCH_WINDOW_SECONDS) has passed.
  await sleep(1000 * Number(process.env.RECONCILE_UNKNOWN_MATCH_WINDOW_SECONDS ?? 2) + 500);
  const report = await reconcile(s);

  // Effects at the sandbox, mapped to keys by (type, user, amount).
  const ops = await sandboxOps(s);
  const mine = new Set(users);
  const byTag = new Map<string, SandboxOp[]>();
  for (const op of ops) {
    if (op.externalUserId !== null && !mine.has(op.externalUserId)) continue;
    const t = `${op.type}|${op.externalUserId ?? 'partner'}|${normalize(op.amount)}`;
    byTag.set(t, [...(byTag.get(t) ?? []), op]);
  }
  const duplicates: string[] = [];
  const lost: string[] = [];
  for (const k of outcomes) {
    const type = LEDGER_TYPE[k.kind];
    const effects = byTag.get(`${type}|${k.user ?? 'partner'}|${normalize(k.amount)}`) ?? [];
    if (effects.length > 1) duplicates.push(`${k.key} (${effects.length} effects)`);
    const definiteRefusal = k.finalStatus >= 400 && k.finalStatus < 500 && k.finalStatus !== 409;
    const definiteNoEffect = k.finalStatus === 503;
    if (effects.length === 1) {
      if (k.finalStatus >= 200 && k.finalStatus < 300) continue;
      if (k.unknown && (await resolvedTo(k)) === effects[0]?.id) continue;
      lost.push(`${k.key}: effect ${effects[0]?.id} but final answer ${k.finalStatus}${k.unknown ? ' (UNKNOWN not resolved to it)' : ''}`);
    } else if (effects.length === 0) {
      if (definiteRefusal || definiteNoEffect) continue;
      if (k.unknown && (await unknownStatus(k)) === 'FAILED') continue;
      lost.push(`${k.key} ${k.kind}: no effect, final answer ${k.finalStatus}${k.unknown ? ` (UNKNOWN ledger status ${await unknownStatus(k)})` : ''}`);
    }
  }

  // Every P100 operation of the drill is in the ledger with P100's status.
  const ledgerMismatches: string[] = [];
  for (const list of byTag.values()) {
    for (const op of list) {
      const ours = await getLedgerOperation(op.type as OperationType, op.id);
      if (!ours) ledgerMismatches.push(`${op.type} ${op.id}: not in the ledger (P100: ${op.status})`);
      else if (ours.status !== op.status) ledgerMismatches.push(`${op.type} ${op.id}: ledger ${ours.status}, P100 ${op.status}`);
    }
  }

  const byFinalStatus: Record<string, number> = {};
  for (const k of outcomes) byFinalStatus[k.finalStatus] = (byFinalStatus[k.finalStatus] ?? 0) + 1;
  const moneyCalls = (st: { routes: Record<string, number> }) => MONEY_ROUTES.reduce((n, r) => n + (st.routes[r] ?? 0), 0);
  return {
    operations: outcomes.length,
    faultsInjected: moneyCalls(statsAfter) - moneyCalls(statsBefore),
    byFinalStatus,
    unknownOutcomes: outcomes.filter((k) => k.unknown).length,
    duplicates,
    lost,
    ledgerMismatches,
    reconciliation: { runId: report.runId, discrepancyCount: report.discrepancyCount, counts: report.counts },
    ...(deliveries ? { webhookDeliveries: deliveries } : {}),
    millis: Math.round(performance.now() - t0),
  };

  async function unknownStatus(k: KeyOutcome): Promise<string | undefined> {
    return (await getLedgerOperation(LEDGER_TYPE[k.kind], `unknown:${OPERATION_ID[k.kind]}:${k.key}`))?.status;
  }
  async function resolvedTo(k: KeyOutcome): Promise<unknown> {
    const op = await getLedgerOperation(LEDGER_TYPE[k.kind], `unknown:${OPERATION_ID[k.kind]}:${k.key}`);
    return op?.status === 'RESOLVED' ? op.details?.['resolvedTo'] : undefined;
  }
}

async function deliveryCounts(s: TestSuite): Promise<Record<string, number>> {
  const d = await s.control<{ deliveries: { status: string }[] }>('GET', '/_sandbox/webhooks/deliveries');
  const out: Record<string, number> = {};
  for (const x of d.deliveries) out[x.status] = (out[x.status] ?? 0) + 1;
  return out;
}

/** Builds the request of one key; a lock (not a money call) is taken once per key, before the first send. */
async function requestFor(s: TestSuite, kind: MoneyKind, user: string | null, amount: string): Promise<(key: string) => Promise<ApiResponse>> {
  const h = (key: string) => ({ 'idempotency-key': key });
  switch (kind) {
    case 'transfer-funding':
      return (key) => s.call('POST', `/users/${user}/transfers`, { headers: h(key), body: { direction: 'FUNDING', amount, currency: 'eur' } });
    case 'transfer-collection':
      return (key) => s.call('POST', `/users/${user}/transfers`, { headers: h(key), body: { direction: 'COLLECTION', amount, currency: 'eur' } });
    case 'partner-exchange': {
      const lock = await s.call('POST', '/partner/exchange-locks', { body: { currencyFrom: 'eur', currencyTo: 'usdc', amount } });
      if (lock.status !== 201) throw new Error(`partner lock: ${lock.status} ${lock.text}`);
      return (key) =>
        s.call('POST', '/partner/exchanges', { headers: h(key), body: { amount, currencyFrom: 'eur', currencyTo: 'usdc', lockId: lock.body.lockId } });
    }
    case 'user-exchange': {
      const lock = await s.call('POST', `/users/${user}/exchange-locks`, { body: { currencyFrom: 'eur', currencyTo: 'usdc', amount } });
      if (lock.status !== 201) throw new Error(`user lock: ${lock.status} ${lock.text}`);
      return (key) =>
        s.call('POST', `/users/${user}/exchanges`, { headers: h(key), body: { amount, currencyFrom: 'eur', currencyTo: 'usdc', lockId: lock.body.lockId } });
    }
    case 'crypto-withdrawal':
      return (key) =>
        s.call('POST', `/users/${user}/crypto-withdrawals`, {
          headers: h(key),
          body: {
            currency: 'usdc',
            amount,
            network: 'ethereum',
            walletAddress: '0x52908400098527886E0F7030069857D2E4169EE7',
            name: 'Jane Doe',
            walletType: 'CUSTODIAL',
            receiverType: 'NATURAL',
          },
        });
  }
}
