import { randomUUID } from 'node:crypto';
import { roundTrips } from '../shared/store/client.js';
import { startTestSuite, type TestSuite } from '../test/support/suite.js';
import { captureOutput } from './lib/capture.js';
import { webhooksDrained } from './lib/quiet.js';
import type { BenchResult } from './lib/report.js';

const ID = 'B6';
const WHAT = 'DynamoDB round trips per successful money operation (through the gateway)';
const TARGET = '≤ 3';

interface MoneyCall {
  operationId: string;
  run(s: TestSuite, key: string, i: number): Promise<{ status: number; text: string }>;
}

/** One of each money operation the sandbox can accept without extra set-up beyond funding and activation. */
function moneyCalls(user: string): MoneyCall[] {
  return [
    {
      operationId: 'createPartnerExchange',
      run: async (s, key, i) => {
        const amount = `${10 + i}`;
        const lock = await s.call('POST', '/partner/exchange-locks', { body: { currencyFrom: 'eur', currencyTo: 'usdc', amount } });
        if (lock.status !== 201) throw new Error(`lock: ${lock.status} ${lock.text}`);
        return s.call('POST', '/partner/exchanges', {
          headers: { 'idempotency-key': key },
          body: { amount, currencyFrom: 'eur', currencyTo: 'usdc', lockId: lock.body.lockId },
        });
      },
    },
    {
      operationId: 'createTransfer',
      run: (s, key, i) =>
        s.call('POST', `/users/${user}/transfers`, {
          headers: { 'idempotency-key': key },
          body: { direction: 'FUNDING', amount: `${1 + i}.25`, currency: 'eur' },
        }),
    },
  ];
}

/**
 * B6. `roundTrips.count` (shared/store/client.ts) read just before and after each money call; only the
 * call itself is inside the window (the lock is taken before). Set-up webhooks are drained first and
 * settlement is pushed far away, so no webhook receiver writes DynamoDB meanwhile.
 */
export async function benchRoundTrips(o: { perOperation?: number } = {}): Promise<BenchResult> {
  const per = o.perOperation ?? 20;
  const s = await startTestSuite({ seed: 6, settleDelayMs: 600_000 });
  const cap = captureOutput({ keep: false });
  try {
    await s.control('POST', '/_sandbox/partner/fund', { currency: 'eur', amount: '1000000' });
    const user = `b6-${randomUUID().slice(0, 8)}`;
    const created = await s.call('POST', '/users', {
      body: { externalUserId: user, citizenship: 'PL', country: 'PL', firstName: 'Jane', lastName: 'Doe', email: `${user}@example.com` },
    });
    if (created.status !== 201) throw new Error(`createUser: ${created.status} ${created.text}`);
    await s.control('POST', `/_sandbox/users/${user}/activate`, {});
    // The activation's user-status webhook is received and processed before counting starts.
    await webhooksDrained(s);
    const perOp: Record<string, number[]> = {};
    // Wall time of each call through the gateway (B8 takes a money operation's duration from it).
    const durationsMs: Record<string, number[]> = {};
    for (const call of moneyCalls(user)) {
      const counts: number[] = [];
      const ms: number[] = [];
      for (let i = 0; i < per; i++) {
        const before = roundTrips.count;
        const t0 = performance.now();
        const res = await call.run(s, `b6-${randomUUID()}`, i);
        ms.push(performance.now() - t0);
        const used = roundTrips.count - before;
        if (res.status < 200 || res.status >= 300) throw new Error(`${call.operationId}: ${res.status} ${res.text}`);
        counts.push(used);
      }
      perOp[call.operationId] = counts;
      durationsMs[call.operationId] = ms;
    }
    const all = Object.values(perOp).flat();
    const max = Math.max(...all);
    const figure = Object.entries(perOp)
      .map(([op, c]) => `${op} max ${Math.max(...c)} (min ${Math.min(...c)})`)
      .join('; ');
    return {
      id: ID,
      what: WHAT,
      target: TARGET,
      figure: `${figure}; ${per} calls each`,
      status: max <= 3 ? 'MET' : 'MISSED',
      ...(max <= 3 ? {} : { reason: `a money operation took ${max} round trips` }),
      data: { perOperation: perOp, durationsMs },
    };
  } finally {
    cap.stop();
    await s.close();
  }
}
